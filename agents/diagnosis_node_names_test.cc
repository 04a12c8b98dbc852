// The reasoner's topology and log places under a node's many names (review CF, agents/HISTORY.md "One
// node, many names"): a case's topology names node-3 and a log line NODE-3 or node-3.cluster.local
// (or the topology FQDNs and the log short names). Before CF the rank -> node mapping (RankPlacements,
// torchrun's and srun's host), "which node is slow" (FindSlowMention), the node a line names and a
// log source's node compared exact strings; now they use node_names.h's rule (CaseNodes).
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_testing.h"

namespace vigil {
namespace {

using testing::FactsMatching;

const std::map<std::string, std::string>& Layers() {
  static const auto* m = new std::map<std::string, std::string>{{"host_oom", "host"},
                                                                {"gpu_fallen_off_bus", "gpu"},
                                                                {"straggler_rank", "performance"},
                                                                {"cuda_oom", "application"}};
  return *m;
}

// Four nodes of 8 GPUs named `nodes` (rank r on nodes[r / 8], GPU r % 8); one log gathered on the
// first, `lines` in it; `extra` logs beside it.
Diagnosis DiagnoseOn(const std::vector<std::string>& nodes, const std::vector<std::string>& lines,
                     const std::vector<std::pair<std::string, std::string>>& sigs, Json extra = Json::array()) {
  Json j = ParseJson(R"JSON({
    "id": "t-node-names",
    "alert": {"labels": {"alertname": "JobFailed", "job": "llm"}, "startsAt": "2026-05-20T10:14:23Z"},
    "logs": [{"source": "", "lines": []}],
    "metrics": [],
    "topology": {"nodes": [], "gpus_per_node": 8}
  })JSON").value();
  j["alert"]["labels"]["node"] = nodes[0];
  j["topology"]["nodes"] = nodes;
  j["logs"][0]["source"] = nodes[0] + "/train.log";
  j["logs"][0]["lines"] = lines;
  for (Json& l : extra) j["logs"].push_back(l);
  auto c = ParseCase(j, "t.json");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  return BuiltinReasoner().Diagnose(*c, FactsMatching(*c, sigs, Layers()), nullptr).diagnosis;
}

const std::vector<std::string> kShort = {"g-1", "g-2", "g-3", "g-4"};
const std::vector<std::string> kFqdn = {"g-1.cluster.local", "g-2.cluster.local", "g-3.cluster.local",
                                        "g-4.cluster.local"};

TEST_CASE("node names in logs: a rank placed on a node under another spelling (RankPlacements)") {
  const std::set<std::string> short_nodes = {"node-1", "node-3"};
  auto placed = RankPlacements("rank 17 (NODE-3.cluster.local local 1): last entered #20514 BROADCAST", short_nodes);
  REQUIRE(placed.size() == 1);
  CHECK(placed[0].second.node == "node-3");  // as the case spells it
  CHECK(placed[0].second.gpu == 1);
  placed = RankPlacements("rank 17 (node-3 local 1)", {"node-1.cluster.local", "node-3.cluster.local"});
  REQUIRE(placed.size() == 1);
  CHECK(placed[0].second.node == "node-3.cluster.local");
  // Wrong-free: node-30 is not node-3, another domain's node-3 not this one's, a short name of two
  // domains' nodes names neither.
  CHECK(RankPlacements("rank 17 (node-30 local 1)", short_nodes).empty());
  CHECK(RankPlacements("rank 17 (NODE-30.cluster.local local 1)", short_nodes).empty());
  CHECK(RankPlacements("rank 17 (node-3.b.example local 1)", {"node-3.a.example"}).empty());
  CHECK(RankPlacements("rank 17 (node-3 local 1)", {"node-3.a.example", "node-3.b.example"}).empty());
}

TEST_CASE("node names in logs: the slow node under another spelling (FindSlowMention)") {
  auto m = FindSlowMention("stragglers detected: ranks 16-23 on NODE-4.cluster.local", {"node-3", "node-4"});
  REQUIRE(m);
  CHECK(m->node == "node-4");
  CHECK(m->ranks.size() == 8);
  m = FindSlowMention("straggler node: node-4 (step time 1.9x median)", {"node-3.cluster.local", "node-4.cluster.local"});
  REQUIRE(m);
  CHECK(m->node == "node-4.cluster.local");
  // node-3 inside node-30, or as the start of another domain's FQDN, names no node.
  m = FindSlowMention("stragglers detected: ranks 16-23 on node-30", {"node-3"});
  REQUIRE(m);
  CHECK(m->node.empty());
  CHECK_FALSE(FindSlowMention("straggler node: node-30.cluster.local", {"node-3"}));
  CHECK_FALSE(FindSlowMention("straggler node: node-3.b.example", {"node-3.a.example"}));
  // Exact spellings as before.
  m = FindSlowMention("stragglers detected: ranks 16-23 on node-4", {"node-3", "node-4"});
  REQUIRE(m);
  CHECK(m->node == "node-4");
}

TEST_CASE("node names in logs: the diagnosis places a line on the node it names under another spelling") {
  SUBCASE("srun's host: FQDN and upper case for a short topology, short for an FQDN topology") {
    CHECK(DiagnoseOn(kShort, {"srun: error: G-2.cluster.local: task 1: Out Of Memory"}, {{"Out Of Memory", "host_oom"}})
              .component == "g-2");
    CHECK(DiagnoseOn(kFqdn, {"srun: error: g-2: task 1: Out Of Memory"}, {{"Out Of Memory", "host_oom"}}).component ==
          "g-2.cluster.local");
    // node-20 is not g-2: the line stays on the log's node.
    CHECK(DiagnoseOn(kShort, {"srun: error: g-20: task 1: Out Of Memory"}, {{"Out Of Memory", "host_oom"}})
              .component == "g-1");
  }
  SUBCASE("torchrun's failure report names the host otherwise") {
    const std::vector<std::string> report = {"[0]:", "  time      : 2026-05-20_10:14:20", "  host      : G-3",
                                             "  rank      : 19 (local_rank: 3)",
                                             "  exitcode  : 1 (pid: 51902)",
                                             "  error_file: /tmp/err.json",
                                             "torch.OutOfMemoryError: CUDA out of memory (pid: 51902)"};
    CHECK(DiagnoseOn(kFqdn, report, {{"CUDA out of memory", "cuda_oom"}}).component == "g-3.cluster.local/gpu3");
  }
  SUBCASE("a kernel line in a log of no node names its host in upper case / as an FQDN") {
    for (const char* host : {"g-3", "G-3", "g-3.cluster.local", "G-3.CLUSTER.LOCAL"}) {
      std::string line = "May 20 10:14:01 ";
      line += host;
      line += " kernel: NVRM: Xid (PCI:0000:3b:00): 79, GPU has fallen off the bus.";
      Json extra = Json::array({Json{{"source", "cluster/syslog"}, {"lines", Json::array({line})}}});
      const Diagnosis d = DiagnoseOn(kShort, {"step 100 loss 2.1"}, {{"fallen off the bus", "gpu_fallen_off_bus"}}, extra);
      CHECK(d.root_cause == "gpu_fallen_off_bus");
      CHECK_MESSAGE(d.component.rfind("g-3", 0) == 0, host, " -> ", d.component);
    }
    Json extra = Json::array({Json{{"source", "cluster/syslog"},
                                   {"lines", Json::array({"May 20 10:14:01 g-3 kernel: NVRM: Xid (PCI:0000:3b:00): 79, GPU has fallen off the bus."})}}});
    CHECK(DiagnoseOn(kFqdn, {"step 100 loss 2.1"}, {{"fallen off the bus", "gpu_fallen_off_bus"}}, extra)
              .component.rfind("g-3.cluster.local", 0) == 0);
  }
  SUBCASE("a log whose source names the node otherwise is that node's") {
    Json extra = Json::array({Json{{"source", "G-4.cluster.local/dmesg"},
                                   {"lines", Json::array({"NVRM: Xid (PCI:0000:3b:00): 79, GPU has fallen off the bus."})}}});
    const Diagnosis d = DiagnoseOn(kShort, {"step 100 loss 2.1"}, {{"fallen off the bus", "gpu_fallen_off_bus"}}, extra);
    CHECK(d.component.rfind("g-4", 0) == 0);
    // A file named after the node is not the node.
    extra[0]["source"] = "g-4.log";
    CHECK(DiagnoseOn(kShort, {"step 100 loss 2.1"}, {{"fallen off the bus", "gpu_fallen_off_bus"}}, extra)
              .component.rfind("g-4", 0) != 0);
  }
  SUBCASE("the slow node a straggler report of the job names in another spelling") {
    for (const char* host : {"g-3", "G-3.cluster.local"}) {
      std::string mention = "slowest node: ";
      mention += host;
      mention += " (step time 1.9x the median)";
      Json extra = Json::array({Json{{"source", "job/straggler-detector"}, {"lines", Json::array({mention})}}});
      const Diagnosis d = DiagnoseOn(kShort, {"step 100 loss 2.1"}, {{"slowest node", "straggler_rank"}}, extra);
      CHECK_MESSAGE(d.root_cause == "straggler_rank", d.root_cause);
      CHECK_MESSAGE(d.component.rfind("g-3", 0) == 0, host, " -> ", d.component, " | ", d.summary);
    }
  }
}

TEST_CASE("node names in logs: review RV-CF: a GPU or rank word is no other spelling of a node") {
  // Nodes named like GPUs (gpu1.., gpu062): before review RV-CF the spelling-tolerant lookup read
  // "GPU3" as node gpu3 and "gpu1" as node gpu1.cluster; before CF neither was a node (exact
  // spellings only), and they are not again. The exact spelling still is the node.
  const std::set<std::string> short_gpus = {"gpu1", "gpu2", "gpu3"};
  const std::set<std::string> fqdn_gpus = {"gpu1.cluster", "gpu2.cluster", "gpu3.cluster"};
  CHECK(RankPlacements("rank 17 (GPU3 local 1)", short_gpus).empty());
  CHECK(RankPlacements("rank 17 (gpu3 local 1)", fqdn_gpus).empty());
  CHECK(RankPlacements("rank 17 (Rank3 local 1)", {"rank3.cluster"}).empty());
  auto placed = RankPlacements("rank 17 (gpu3 local 1)", short_gpus);
  REQUIRE(placed.size() == 1);
  CHECK(placed[0].second.node == "gpu3");  // the exact spelling
  placed = RankPlacements("rank 17 (GPU3.cluster local 1)", short_gpus);  // an FQDN is no GPU word
  REQUIRE(placed.size() == 1);
  CHECK(placed[0].second.node == "gpu3");
  auto m = FindSlowMention("straggler detected: rank 5 slowest (GPU3)", short_gpus);
  REQUIRE(m);
  CHECK(m->node.empty());
  m = FindSlowMention("straggler detected: rank 5 slowest (gpu3)", fqdn_gpus);
  REQUIRE(m);
  CHECK(m->node.empty());
  // Real node names whose first label is no GPU word are still found under other spellings.
  m = FindSlowMention("straggler detected: slowest node H200-3", {"h200-3.cluster", "h200-4.cluster"});
  REQUIRE(m);
  CHECK(m->node == "h200-3.cluster");
  m = FindSlowMention("straggler detected: ranks 8-15 on gpu-node-02", {"gpu-node-01.c", "gpu-node-02.c"});
  REQUIRE(m);
  CHECK(m->node == "gpu-node-02.c");
  // NCCL's "host:pid:tid" and a host before '.' or ':' are words of their own.
  placed = RankPlacements("rank 9 on DGX-A100-012: gpu 1", {"dgx-a100-012.cluster.local", "dgx-a100-01.cluster.local"});
  REQUIRE(placed.size() == 1);
  CHECK(placed[0].second.node == "dgx-a100-012.cluster.local");

  SUBCASE("the GPU a line names on a node named like GPUs is read, not blanked as a node") {
    // A log of gpu2 saying "GPU3 has fallen off the bus": the component is gpu2's GPU 3.
    const std::vector<std::string> nodes = {"gpu2", "gpu1", "gpu3", "gpu4"};
    const Diagnosis d = DiagnoseOn(nodes, {"NVRM: GPU3 has fallen off the bus."},
                                   {{"fallen off the bus", "gpu_fallen_off_bus"}});
    CHECK(d.root_cause == "gpu_fallen_off_bus");
    CHECK_MESSAGE(d.component == "gpu2/gpu3", d.component);
  }
  SUBCASE("NCCL's host:pid:tid and a host before ':' or '.' stay word-bounded") {
    const std::set<std::string> fqdn = {"node-3.cluster.local", "node-30.cluster.local"};
    m = FindSlowMention("node-30:12345:12399 [3] NCCL INFO straggler: rank 5 slowest", fqdn);
    REQUIRE(m);
    CHECK(m->node == "node-30.cluster.local");
    m = FindSlowMention("node-3:12345:12399 [3] NCCL INFO straggler: rank 5 slowest", fqdn);
    REQUIRE(m);
    CHECK(m->node == "node-3.cluster.local");
    m = FindSlowMention("straggler: rank 5 slowest, on NODE-3.", fqdn);
    REQUIRE(m);
    CHECK(m->node == "node-3.cluster.local");
    m = FindSlowMention("straggler: rank 5 slowest, on node-3-ib0:", fqdn);
    REQUIRE(m);
    CHECK(m->node.empty());
  }
  SUBCASE("a zero-padded GPU-like node name under another spelling is still the node") {
    placed = RankPlacements("rank 17 (GPU062 local 1)", {"gpu061.cluster", "gpu062.cluster"});
    REQUIRE(placed.size() == 1);
    CHECK(placed[0].second.node == "gpu062.cluster");
  }
  SUBCASE("a line in a log of no node: GPU3 names no node gpu3.cluster") {
    const std::vector<std::string> nodes = {"gpu1.cluster", "gpu2.cluster", "gpu3.cluster", "gpu4.cluster"};
    Json extra = Json::array({Json{{"source", "cluster/syslog"},
                                   {"lines", Json::array({"kernel: NVRM: GPU3 has fallen off the bus."})}}});
    const Diagnosis d = DiagnoseOn(nodes, {"step 100 loss 2.1"}, {{"fallen off the bus", "gpu_fallen_off_bus"}}, extra);
    CHECK(d.root_cause == "gpu_fallen_off_bus");
    CHECK_MESSAGE(d.component.rfind("gpu3.cluster", 0) != 0, d.component);
  }
}

}  // namespace
}  // namespace vigil
