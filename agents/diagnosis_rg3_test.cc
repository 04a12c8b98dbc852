// Tests of RG3's rules (2026-12-02): a netdev's HCA read from more of the forms engineers print
// the tie in, a host-side straggler from node_exporter's CPU series, and more launchers' counts.
// The cases are written for the tests (node names n-01 ...), not copied from a set. They run the
// shipped knowledge pack (data/knowledge/) through GatherKnowledge and the built-in reasoner, as
// `vigil diagnose` does.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"

namespace vigil {
namespace {

Diagnosis Run(const Json& j) { return testing::RunJsonWithPack(j, j.value("probes", Json::object())); }

// realistic7 rl7-27's shape on four nodes: three peers' rail-3 HCA (mlx5_5) lose their connection
// to n-03, whose kernel log shows its IPoIB netdev ibp158s0 flapping (the netdev's name only).
// `extra` adds logs (the tie between the netdev and its HCA, when a test gives one).
Json FlappingNetdev(const Json& extra, const Json& probes = Json::object()) {
  Json train = Json::array();
  for (int node : {1, 2, 4}) {
    const int rank = (node - 1) * 8 + 3;
    const std::string r = std::to_string(rank);
    std::string host = "n-0";
    host += std::to_string(node);
    std::string line = r;
    line += ": ";
    line += host;
    line += ":33003:33213 [3] transport/net_ib.cc:2025 NCCL WARN NET/IB: Got completion from peer 10.20.4.54<45771> "
            "with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.20.4.5";
    line += std::to_string(node);
    line += " remoteGids::ffff:10.20.4.54 hca mlx5_5";
    train.push_back(line);
    std::string wd = r;
    wd += ": [rank";
    wd += r;
    wd += "]:[E1202 07:59:50.9 ProcessGroupNCCL.cpp:1895] [PG ID 0 PG GUID 0(default_pg) Rank ";
    wd += r;
    wd += "] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there "
          "was a network error, NCCL version 2.23.4";
    train.push_back(wd);
  }
  Json logs = Json::array();
  logs.push_back({{"source", "slurm-7781002.out"}, {"lines", train}});
  Json journal = Json::array();
  for (int i = 0; i < 3; ++i) {
    std::string t = "Dec  2 07:58:";
    t += std::to_string(10 + 18 * i);
    journal.push_back(t + " n-03 kernel: mlx5_core 0000:9e:00.0 ibp158s0: Link down");
    std::string u = "Dec  2 07:58:";
    u += std::to_string(19 + 18 * i);
    journal.push_back(u + " n-03 kernel: mlx5_core 0000:9e:00.0 ibp158s0: Link up");
  }
  logs.push_back({{"source", "n-03/journal"}, {"lines", journal}});
  for (const Json& l : extra) logs.push_back(l);
  Json nodes = Json::array({"n-01", "n-02", "n-03", "n-04"});
  return {{"id", "rg3-netdev"},
          {"alert",
           {{"labels", {{"alertname", "TrainingJobFailed"}, {"severity", "warning"}}},
            {"annotations", {{"summary", "Slurm job 7781002 FAILED"}}},
            {"startsAt", "2025-12-02T08:00:00Z"}}},
          {"logs", logs},
          {"probes", probes},
          {"topology",
           {{"nodes", nodes}, {"gpus_per_node", 8}, {"rank_layout", "rank r runs on nodes[r // 8], local GPU r % 8"}}}};
}

std::string Answer(const Diagnosis& d) {
  std::string s = d.root_cause;
  s += " @ ";
  s += d.component;
  return s;
}

TEST_CASE("netdev to HCA: with no tie the netdev's name stays, nothing guessed (RG3, guard)") {
  // The peers' own HCA is mlx5_5 and the failing node's netdev is ibp158s0: neither names the
  // failing node's HCA (its name is not derivable from the netdev's, and rails need not match).
  CHECK(Answer(Run(FlappingNetdev(Json::array()))) == "ib_link_failure @ n-03/ibp158s0");
}

TEST_CASE("netdev to HCA: `ls /sys/class/infiniband/*/device/net` blocks tie them (RG3)") {
  Json ls = Json::array({"$ ls /sys/class/infiniband/*/device/net", "/sys/class/infiniband/mlx5_4/device/net:",
                         "ibp154s0", "", "/sys/class/infiniband/mlx5_5/device/net:", "ibp158s0", "",
                         "/sys/class/infiniband/mlx5_6/device/net:", "ibp186s0"});
  // 91ef1de: n-03/ibp158s0 (the block's header and its entry are on two lines)
  CHECK(Answer(Run(FlappingNetdev(Json::array({{{"source", "n-03/shell"}, {"lines", ls}}})))) ==
        "ib_link_failure @ n-03/mlx5_5");
  Json ls_l = Json::array({"$ ls -l /sys/class/infiniband/*/device/net", "/sys/class/infiniband/mlx5_4/device/net:",
                           "total 0", "drwxr-xr-x 5 root root 0 Dec  2 06:00 ibp154s0", "",
                           "/sys/class/infiniband/mlx5_7/device/net:", "total 0",
                           "drwxr-xr-x 5 root root 0 Dec  2 06:00 ibp158s0"});
  CHECK(Answer(Run(FlappingNetdev(Json::array({{{"source", "n-03/shell"}, {"lines", ls_l}}})))) ==
        "ib_link_failure @ n-03/mlx5_7");
  // The same listing from another node ties nothing on n-03 (each host names its own devices).
  CHECK(Answer(Run(FlappingNetdev(Json::array({{{"source", "n-02/shell"}, {"lines", ls_l}}})))) ==
        "ib_link_failure @ n-03/ibp158s0");
}

TEST_CASE("netdev to HCA: show_gids' rows tie them (RG3)") {
  Json gids = Json::array({"$ show_gids", "DEV\tPORT\tINDEX\tGID\t\t\t\t\tIPv4  \t\tVER\tDEV",
                           "---\t----\t-----\t---\t\t\t\t\t------------  \t---\t---",
                           "mlx5_4\t1\t3\t0000:0000:0000:0000:0000:ffff:0a14:0336\t10.20.3.54  \tv2\tibp154s0",
                           "mlx5_5\t1\t3\t0000:0000:0000:0000:0000:ffff:0a14:0436\t10.20.4.54  \tv2\tibp158s0"});
  // 91ef1de: n-03/ibp158s0
  CHECK(Answer(Run(FlappingNetdev(Json::array({{{"source", "n-03/show_gids"}, {"lines", gids}}})))) ==
        "ib_link_failure @ n-03/mlx5_5");
}

TEST_CASE("netdev to HCA: a recorded probe's text on the node ties them (RG3)") {
  Json probes = {{"node.ib_ports@n-03",
                  {{"status", "fail"},
                   {"reason", "mlx5_5 port 1 ==> ibp158s0 (Down); mlx5_4 port 1 ==> ibp154s0 (Up)"},
                   {"metrics", Json::object()},
                   {"thresholds", Json::object()},
                   {"duration_s", 0.2}}}};
  // 91ef1de: n-03/ibp158s0 (the probe's reason was not read)
  CHECK(Answer(Run(FlappingNetdev(Json::array(), probes))) == "ib_link_failure @ n-03/mlx5_5");
}

}  // namespace
}  // namespace vigil
