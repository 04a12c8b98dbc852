// Tests of RG10's rules (2026-12-03), from realistic12's misses: a responder's shell command is a
// question, not a finding; the flight recorder's "not enqueued on ranks [N]"; a per-rank table
// names its odd one out, not its first rank; the netdev in a kernel driver line's netdev slot,
// whatever its naming scheme. The cases are written for the tests (node names n-01 ...), not
// copied from the set. They run the shipped knowledge pack (data/knowledge/) through
// GatherKnowledge and the built-in reasoner, as `vigil diagnose` does.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "agents/zero_counter.h"

namespace vigil {
namespace {

Json Parse(const char* text) { return testing::ParseCaseText(text); }

// As `vigil diagnose --case` runs a case: its recorded probes replayed, intrusive ones (gpu.sdc) too.
Diagnosis Run(const Json& j) { return testing::RunCaseWithOwnProbes(j, /*intrusive=*/true); }

TEST_CASE("rg10: a shell command line is a question, not a finding") {
  CHECK(IsShellCommandLine("$ journalctl -k --since '-2h' | grep -c -E 'NVRM: Xid|mlx5.*(down|error)'"));
  CHECK(IsShellCommandLine("# dmesg -T | grep -i 'link down'"));
  CHECK(IsShellCommandLine("+ srun -N 4 --ntasks-per-node=8 python train.py"));
  CHECK(IsShellCommandLine("ops@n-02:~$ ibstat | grep -c 'State: Down'"));
  CHECK(IsShellCommandLine("[root@n-02 ~]# nvidia-smi -q -d ECC | grep -i uncorr"));
  CHECK(IsShellCommandLine("$ NCCL_DEBUG=INFO torchrun --nproc-per-node 8 check.py"));
  // Findings, not commands.
  CHECK_FALSE(IsShellCommandLine("# HELP DCGM_FI_DEV_XID_ERRORS Value of the last XID error"));
  CHECK_FALSE(IsShellCommandLine("[2562110.485632] NVRM: Xid (PCI:0000:ba:00): 74, pid=61220"));
  CHECK_FALSE(IsShellCommandLine("mlx5_core 0000:4b:00.0 ib4: Link down"));
  CHECK_FALSE(IsShellCommandLine("$"));
  CHECK_FALSE(IsShellCommandLine(""));
}

// The only line with fault words is a responder's grep, whose output (0) says the faults are absent.
constexpr const char* kGrepOnly = R"JSON({
  "id": "rg10-grep",
  "topology": {"nodes": ["n-01", "n-02"], "gpus_per_node": 8},
  "logs": [
    {"source": "n-02/ops-shell", "lines": [
      "$ journalctl -k --since '-2h' | grep -c -E 'NVRM: Xid|mlx5.*(down|error)|link down'",
      "0"
    ]}
  ]
})JSON";

TEST_CASE("rg10: a grep command's fault words are not recalled as a fault line") {
  const Json j = Parse(kGrepOnly);
  auto c = ParseCase(j, "test case");
  REQUIRE(c.ok());
  auto f = GatherKnowledge(testing::ShippedPack(), *c);
  REQUIRE(f.ok());
  CHECK(f->line_recalls.empty());
  const Diagnosis d = Run(j);
  CHECK(d.root_cause != "ib_link_failure");
  CHECK(d.root_cause != "gpu_xid_error");
}

TEST_CASE("rg10: the flight recorder's 'not enqueued on ranks [N]' names the rank that never joined") {
  using Ranks = std::vector<std::pair<int, size_t>>;
  CHECK(FindNamedAbsentRanks({"Collective 5120 ALLREDUCE (pg 0, size 64): started on 63 ranks, not enqueued on ranks [17]"}) ==
        Ranks{{17, 0}});
  CHECK(FindNamedAbsentRanks({"Collective 77 _REDUCE_SCATTER_BASE: not started on ranks [3, 11]"}) == Ranks{{3, 0}, {11, 0}});
  // Started everywhere: no rank named.
  CHECK(FindNamedAbsentRanks({"Collective 5120 ALLREDUCE (pg 0, size 64): started on 64 ranks"}).empty());
}

TEST_CASE("rg10: a per-rank table names its odd one out, not its first rank") {
  CHECK(RankNamedByLine("rank 7 timed out") == 7);
  CHECK(RankNamedByLine("rank 3 timed out waiting for rank 5") == 3);
  CHECK(RankNamedByLine("step 900 param sum: rank 0 17.2044; rank 8 17.2044; rank 16 17.2051; rank 24 17.2044") == 16);
  CHECK(RankNamedByLine("step 900 param sum: rank 0 17.2044, rank 8 17.2044, rank 16 17.2044, rank 24 17.2044") == -1);
  // Two odd values, or no agreeing majority: none.
  CHECK(RankNamedByLine("rank 0 1.0; rank 8 1.0; rank 16 2.0; rank 24 3.0") == -1);
  CHECK(RankNamedByLine("rank 0 1.0; rank 8 2.0; rank 16 3.0") == -1);
  // A bare list of ranks: none.
  CHECK(RankNamedByLine("restarting rank 0, rank 8, rank 16") == -1);
}

// A checksum table of the data-parallel replicas, the first rank healthy, rank 21 (n-02 gpu5) odd.
constexpr const char* kChecksumTable = R"JSON({
  "id": "rg10-table",
  "alert": {"status": "firing",
            "labels": {"alertname": "ReplicaChecksumMismatch", "severity": "critical", "job": "trainer"},
            "annotations": {"summary": "data-parallel replicas disagree on the parameter checksum"},
            "startsAt": "2026-05-02T10:20:00Z"},
  "topology": {"nodes": ["n-00", "n-01", "n-02", "n-03"], "gpus_per_node": 8,
               "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
  "logs": [
    {"source": "job-77/checksum.log", "lines": [
      "2026-05-02 10:10:00 | step 5200 | loss 2.0411",
      "2026-05-02 10:12:00 checksum step=5200 dp_group=5: rank 5 0x5a11c0de0000aa10; rank 13 0x5a11c0de0000aa10; rank 21 0x5a11c0de0000aa12; rank 29 0x5a11c0de0000aa10",
      "2026-05-02 10:14:00 | step 5300 | loss 2.0398"
    ]}
  ],
  "probes": {
    "gpu.sdc@n-02": {"status": "fail", "reason": "gpu5 disagrees with the other 7 GPUs: 96 mismatched elements",
                     "metrics": {"mismatched_elements": 96, "gpus_checked": 8, "gpus_disagreeing": 1, "disagreeing_gpu_index": 5},
                     "details": {"odd_one_out": "gpu5"}},
    "gpu.sdc@n-00": {"status": "pass", "reason": "8 GPUs agree", "metrics": {"mismatched_elements": 0, "gpus_checked": 8}}
  }
})JSON";

TEST_CASE("rg10: a checksum table's odd replica places the SDC, not the table's first rank") {
  const Diagnosis d = Run(Parse(kChecksumTable));
  CHECK(d.root_cause == "gpu_silent_data_corruption");
  CHECK(d.component == "n-02/gpu5");
}

TEST_CASE("rg10: the netdev in a driver line's netdev slot, whatever its naming scheme") {
  CHECK(NetdevOfDriverLine("Mar 19 15:36:33 n-02 kernel: mlx5_core 0000:4b:00.0 ib4: Link down") == "ib4");
  CHECK(NetdevOfDriverLine("kernel: mlx5_core 0000:4b:00.0 ibp75s0: Link up") == "ibp75s0");
  CHECK(NetdevOfDriverLine("kernel: mlx5_core 0000:4b:00.0 enp75s0np0: Link down") == "enp75s0np0");
  CHECK(NetdevOfDriverLine("kernel: mlx5_core 0000:1f:00.0: mlx5_pcie_event:299: PCIe slot advertised sufficient power") == "");
  CHECK(NetdevOfDriverLine("NVRM: Xid (PCI:0000:ba:00): 74") == "");
}

// A classic IPoIB name (ib1) flaps on n-02; perfquery shows mlx5_1's link downed, mlx5_0 clean.
constexpr const char* kClassicNetdev = R"JSON({
  "id": "rg10-ib1",
  "topology": {"nodes": ["n-01", "n-02"], "gpus_per_node": 8},
  "logs": [
    {"source": "n-02/journal", "lines": [
      "May 02 10:01:12 n-02 kernel: mlx5_core 0000:3c:00.0 ib1: Link down",
      "May 02 10:01:16 n-02 kernel: mlx5_core 0000:3c:00.0 ib1: Link up",
      "May 02 10:07:40 n-02 kernel: mlx5_core 0000:3c:00.0 ib1: Link down",
      "May 02 10:07:45 n-02 kernel: mlx5_core 0000:3c:00.0 ib1: Link up"
    ]},
    {"source": "n-02/ops-shell", "lines": [
      "$ perfquery -x -C mlx5_1 -P 1",
      "# Port extended counters: Lid 212 port 1 (CapMask: 0x5A00)",
      "PortSelect:......................1",
      "LinkErrorRecoveryCounter:........9",
      "LinkDownedCounter:...............2",
      "$ perfquery -x -C mlx5_0 -P 1",
      "# Port extended counters: Lid 211 port 1 (CapMask: 0x5A00)",
      "PortSelect:......................1",
      "LinkErrorRecoveryCounter:........0",
      "LinkDownedCounter:...............0"
    ]}
  ]
})JSON";

TEST_CASE("rg10: a classic IPoIB netdev (ib1) in a Link down line resolves to its HCA") {
  const Diagnosis d = Run(Parse(kClassicNetdev));
  CHECK(d.root_cause == "ib_link_failure");
  CHECK(d.component == "n-02/mlx5_1");
}


// One node's tensor-pipe activity: gpu6, the slow GPU, busiest (its peers wait in NCCL), the
// others at 0.40 +- 0.02, gpu0 dipping to 0.36 at single samples; the straggler detector names
// rank 30 (n-03, local 6). The peer-relative condition's dips must not outvote that line.
std::string PeerCase() {
  std::string metrics;
  const int64_t t0 = 1791000000000;
  for (int g = 0; g < 8; ++g) {
    std::string samples;
    for (int i = 0; i < 24; ++i) {
      double v = g == 6 ? 0.58 + 0.01 * std::sin(i + g) : 0.40 + 0.02 * std::sin(0.9 * i + 1.7 * g);
      if (g == 0 && i % 8 == 3) v = 0.36;
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%s[%lld, %.4f]", i == 0 ? "" : ", ", static_cast<long long>(t0 + 30000LL * i), v);
      samples += buf;
    }
    if (g > 0) metrics += ",";
    metrics += R"({"name": "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", "labels": {"Hostname": "n-03", "gpu": ")";
    metrics += std::to_string(g);
    metrics += R"("}, "samples": [)";
    metrics += samples;
    metrics += "]}";
  }
  std::string out = R"JSON({
  "id": "rg10-peer",
  "alert": {"status": "firing", "labels": {"alertname": "TrainingStepTimeRegression", "severity": "warning", "job": "trainer"},
            "annotations": {"summary": "step time up 30% over its 24h baseline"}, "startsAt": "2026-05-02T10:20:00Z"},
  "topology": {"nodes": ["n-00", "n-01", "n-02", "n-03"], "gpus_per_node": 8,
               "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
  "logs": [{"source": "job-9/straggler.log", "lines": [
      "[2026-05-02 10:10:00] StragglerDetector: rank 30 (n-03, local 6): 0.74; next lowest rank 9: 0.97; median 0.99",
      "[2026-05-02 10:12:00] StragglerDetector: rank 30 (n-03, local 6): 0.75; next lowest rank 9: 0.98; median 0.99"]}],
  "probes": {"gpu.gemm@n-03/gpu6": {"status": "fail", "reason": "552 TFLOP/s, below the 700 TFLOP/s floor",
                                     "metrics": {"tflops": 552}, "thresholds": {"tflops_min": 700}}},
  "metrics": [)JSON";
  out += metrics;
  out += "]}";
  return out;
}

TEST_CASE("rg10: a peer-relative metric singles out a GPU only when it is clearly outside its peers' spread") {
  const Json j = Parse(PeerCase().c_str());
  auto c = ParseCase(j, "test case");
  REQUIRE(c.ok());
  REQUIRE(c->metrics.size() == 8);
  const std::vector<std::string> keys = {"Hostname"};
  CHECK_FALSE(ClearPeerOutlier(c->metrics[0], c->metrics, keys));  // dips inside the jitter
  CHECK_FALSE(ClearPeerOutlier(c->metrics[1], c->metrics, keys));
  CHECK(ClearPeerOutlier(c->metrics[6], c->metrics, keys));         // far above the others
  const Diagnosis d = Run(j);
  CHECK(d.root_cause == "straggler_rank");
  CHECK(d.component == "n-03/gpu6");
}

}  // namespace
}  // namespace vigil
