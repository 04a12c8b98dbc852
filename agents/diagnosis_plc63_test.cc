// PLC63 (2026-12-07, realistic56, SEEN fixes: the blind run's misses): evidence written for these
// tests (made-up minimal lines in the shape of the case's logs, not the case's text).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/collective_mismatch.h"
#include "agents/fp8_overflow.h"
#include "agents/note_guess.h"
#include "agents/nvlink_correctable.h"
#include "agents/rdzv_node_counts.h"

namespace vigil {
namespace {

// 1. (rl56-24) Transformer Engine's "amax_history contains inf for layer X" is a non-finite amax
//    warning: the loss turning NaN right after it, with a flat grad norm, is the FP8 recipe
//    overflowing, not a divergence.
TEST_CASE("plc63: TE's 'amax_history contains inf' is a non-finite amax warning") {
  CHECK(IsNonFiniteAmaxWarning("[W fp8.py:512] amax_history contains inf for layer blocks.7.fc2 (rank 3)"));
  CHECK(IsNonFiniteAmaxWarning("amax_history[-1] became nan for blocks.2.qkv"));
  // Settings and finite readings are not.
  CHECK_FALSE(IsNonFiniteAmaxWarning("amax_history_len: 1024"));
  CHECK_FALSE(IsNonFiniteAmaxWarning("amax_history contains 16 entries for layer blocks.7.fc2"));
  CHECK_FALSE(IsNonFiniteAmaxWarning("amax_history_len=1, amax_compute_algo=max, loss: nan"));
}

std::string Fp8Case(const std::string& warning, const std::string& extra_logs = "") {
  std::string lines;
  const char* norms[] = {"0.52", "0.55", "0.49", "0.58", "0.51", "0.54"};
  for (int k = 0; k < 6; ++k) {
    lines += "\" [2026-10-01 04:0" + std::to_string(k) + ":00] iteration " + std::to_string(500 + k) +
             "/ 9000 | lm loss: 2.3" + std::to_string(k) + "E+00 | grad norm: " + norms[k] + " |\",\n";
  }
  return R"JSON({
  "id": "plc63-amax-history",
  "alert": null,
  "topology": {"nodes": ["kx-01", "kx-02"], "gpus_per_node": 4},
  "logs": [
    {"source": "train-4411.out", "lines": [
      "fp8 recipe: amax_history_len=1, amax_compute_algo=most_recent, margin=0",
)JSON" + lines + "\"" + warning + R"JSON(",
      " [2026-10-01 04:07:00] iteration 507/ 9000 | lm loss: nan | grad norm: nan |"]}
)JSON" + extra_logs + R"JSON(
  ]
})JSON";
}

TEST_CASE("plc63: NaN right after 'amax_history contains inf' with a flat grad norm is fp8_scaling_overflow") {
  const Diagnosis d =
      testing::RunCaseText(Fp8Case("[W 2026-10-01 04:06:30 fp8.py:512] amax_history contains inf for layer blocks.7.fc2"));
  CHECK(d.root_cause == "fp8_scaling_overflow");
  CHECK(d.confidence >= 0.5);
}

// 2. (rl56-24) NVLink recovery / replay counts (no CRC errors, no Xid) beside an FP8 overflow read
//    from the training log are noise: the link retransmits CRC-checked data, it does not put an inf
//    into an amax.
TEST_CASE("plc63: NVLink recovery / replay counts alone are correctable counters") {
  CHECK(IsCorrectableNvlinkCounter("\t Link 5: Recovery Errors: 3"));
  CHECK(IsCorrectableNvlinkCounter("\t Link 1: Replay Errors: 17"));
  CHECK(IsCorrectableNvlinkCounter("metric DCGM_FI_DEV_NVLINK_RECOVERY_ERROR_COUNT_TOTAL{gpu=\"1\"} increase(...) > 0"));
  CHECK_FALSE(IsCorrectableNvlinkCounter("\t Link 5: CRC Errors: 18273"));
  CHECK_FALSE(IsCorrectableNvlinkCounter("NVRM: Xid (PCI:0000:07:00): 74, NVLink: fatal error detected on link 5"));
  CHECK_FALSE(IsCorrectableNvlinkCounter("Link 2: Recovery Errors: 9, link is down"));
}

TEST_CASE("plc63: an FP8 overflow beside NVLink recovery counts is the overflow, a CRC storm keeps the link") {
  const std::string recovery = R"JSON(,
    {"source": "kx-02/nvlink-e.txt", "lines": ["GPU 1: NVIDIA H100", "\t Link 4: Recovery Errors: 3", "\t Link 4: CRC Errors: 0"]})JSON";
  Diagnosis d = testing::RunCaseText(
      Fp8Case("[W 2026-10-01 04:06:30 fp8.py:512] amax_history contains inf for layer blocks.7.fc2", recovery));
  CHECK(d.root_cause == "fp8_scaling_overflow");
  // The same counters with CRC errors climbing: a link that corrupts data is not discounted.
  const std::string crc = R"JSON(,
    {"source": "kx-02/nvlink-e.txt", "lines": ["GPU 1: NVIDIA H100", "\t Link 4: Recovery Errors: 3", "\t Link 4: CRC Errors: 52110"]})JSON";
  d = testing::RunCaseText(
      Fp8Case("[W 2026-10-01 04:06:30 fp8.py:512] amax_history contains inf for layer blocks.7.fc2", crc));
  bool link_kept = false;
  for (const Hypothesis& h : d.hypotheses) link_kept = link_kept || (h.category == "nvlink_error" && h.probability > 0.05);
  CHECK(link_kept);
}

// 3. (rl56-29) torch elastic agents of one rendezvous started with different node counts (one pod
//    from an old template) never complete it: the launch's configuration.
std::string Agent(const std::string& node, int n, const std::string& endpoint = "trainer-0:29400") {
  return "[2026-09-02 11:00:0" + std::to_string(n % 10) + "] INFO torch.distributed.elastic.agent.server.api: [default] "
         "starting workers on " + node + ": rdzv_backend=c10d, rdzv_endpoint=" + endpoint + ", min_nodes=" +
         std::to_string(n) + ", max_nodes=" + std::to_string(n);
}

TEST_CASE("plc63: agents of one rendezvous with different node counts are a split launch") {
  std::vector<std::string> lines = {Agent("gq-1", 4), Agent("gq-2", 4), Agent("gq-3", 2), Agent("gq-4", 4)};
  RdzvNodeCountSplit s = FindRdzvNodeCountSplit(lines);
  CHECK(s.found);
  CHECK(s.line == 2);
  // All alike, or two rendezvous (two jobs) with their own counts: nothing.
  CHECK_FALSE(FindRdzvNodeCountSplit({Agent("gq-1", 4), Agent("gq-2", 4)}).found);
  CHECK_FALSE(FindRdzvNodeCountSplit({Agent("gq-1", 4, "a-0:29400"), Agent("gq-2", 2, "b-0:29400")}).found);
  // torch's own complaint.
  s = FindRdzvNodeCountSplit({"ERROR dynamic_rendezvous: rendezvous state mismatch: participant gq-3_1_0 expects "
                              "max_nodes=2, run has max_nodes=4"});
  CHECK(s.found);
  CHECK_FALSE(FindRdzvNodeCountSplit({"participant gq-3_1_0 expects max_nodes=4, run has max_nodes=4"}).found);
}

// 4. (rl56-29) A question in an on-call note is a person's guess: "GPUs dead?? gq-3 had an Xid 79"
//    does not outweigh the launcher's own lines.
TEST_CASE("plc63: a note's question is a guess, not a reading") {
  CHECK(IsNoteSource("grafana-note.txt"));
  CHECK(IsNoteSource("ops/oncall-notes.md"));
  CHECK_FALSE(IsNoteSource("gq-3/dmesg"));
  CHECK_FALSE(IsNoteSource("notebook-runner.log"));
  CHECK(IsQuestionLine("util 0% everywhere -> GPUs dead?? gq-3 had an Xid 79"));
  CHECK(IsQuestionLine("someone check IB?"));
  CHECK_FALSE(IsQuestionLine("http://prom:9090/graph?g0.expr=up"));
  CHECK_FALSE(IsQuestionLine("NVRM: Xid (PCI:0000:3b:00): 79, GPU has fallen off the bus."));
}

TEST_CASE("plc63: a split rendezvous beside a note's guess of a dead GPU is launch_config_error") {
  const std::string text = R"JSON({
  "id": "plc63-split-rdzv",
  "alert": null,
  "topology": {"nodes": ["gq-1", "gq-2", "gq-3", "gq-4"], "gpus_per_node": 8},
  "logs": [
    {"source": "trainer/workers.log", "lines": [
      ")JSON" + Agent("gq-1", 4) + R"JSON(",
      ")JSON" + Agent("gq-2", 4) + R"JSON(",
      ")JSON" + Agent("gq-4", 4) + R"JSON(",
      ")JSON" + Agent("gq-3", 2) + R"JSON(",
      "[2026-09-02 11:10:05] INFO torch.distributed.elastic.agent.server.api: [default] Rendezvous timed out after 600s; 3 of 4 nodes joined"]},
    {"source": "ops-note.txt", "lines": [
      "GPU util 0% on all nodes for 10 min -> GPUs dead?? gq-3 had an Xid 79 (GPU has fallen off the bus) last month"]}
  ]
})JSON";
  const Diagnosis d = testing::RunCaseText(text);
  CHECK(d.root_cause == "launch_config_error");
}

// 5. (rl56-17) A desync verdict in words that one pipeline stage issued a collective the others never
//    call is a collective mismatch of the job's program, not the rank the watchdog shows behind.
TEST_CASE("plc63: 'stage N issued an all-reduce the other stages never call' is a collective mismatch") {
  CHECK(FindCollectiveMismatch({"[rank40]: Collective sequence mismatch across pipeline stages: stage 2 issued an "
                                "all-reduce the other stages never call"}));
  CHECK(FindCollectiveMismatch({"desync: pp stage 1 issued a broadcast the other stages never call"}));
  CHECK_FALSE(FindCollectiveMismatch({"desync check: no collective sequence mismatch across pipeline stages"}));
  CHECK_FALSE(FindCollectiveMismatch({"stage 1 issued an all-reduce at step 40"}));
}

TEST_CASE("plc63: the watchdog's laggard beside a stage's extra collective is the job's hang") {
  const std::string text = R"JSON({
  "id": "plc63-stage-extra-collective",
  "alert": null,
  "topology": {"nodes": ["hm-1", "hm-2"], "gpus_per_node": 4},
  "logs": [
    {"source": "train.out", "lines": [
      "[rank4]:[E0301 10:21:40.201100 881 ProcessGroupNCCL.cpp:616] [Rank 4] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=90, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600013 milliseconds before timing out.",
      "[rank0]:[E0301 10:21:40.330118 881 ProcessGroupNCCL.cpp:616] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=91, OpType=ALLREDUCE, NumelIn=4096, NumelOut=4096, Timeout(ms)=600000) ran for 600044 milliseconds before timing out.",
      "[rank4]:[E0301 10:21:41.002311 881 ProcessGroupNCCL.cpp:1390] Collective sequence mismatch across pipeline stages: stage 1 issued an all-reduce the other stages never call"]}
  ]
})JSON";
  const Diagnosis d = testing::RunCaseText(text);
  CHECK(d.root_cause == "nccl_collective_hang");
  CHECK(d.component == "job");
}

// 6. (rl56-15) A port tool's output saved to a file named for one HCA ("node/perfquery-mlx5_4.txt")
//    is that HCA's: the answer names the port, not only the node.
TEST_CASE("plc63: counters in a file named for one HCA place the link fault on that HCA") {
  const std::string text = R"JSON({
  "id": "plc63-hca-file",
  "alert": null,
  "topology": {"nodes": ["pb-1", "pb-2"], "gpus_per_node": 8},
  "logs": [
    {"source": "pb-2/perfquery-mlx5_4.txt", "lines": [
      "# Port counters: Lid 31 port 1",
      "SymbolErrorCounter:..............2210",
      "LinkDownedCounter:...............0"]}
  ]
})JSON";
  const Diagnosis d = testing::RunCaseText(text);
  CHECK(d.root_cause == "ib_link_failure");
  CHECK(d.component == "pb-2/mlx5_4");
}

}  // namespace
}  // namespace vigil
