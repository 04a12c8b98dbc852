// PLC54 (2026-12-07): what realistic49 ("checkpoints, resumes and restarts") showed - SEEN fixes, not
// blind. General readings, each with short cases written here as another cluster prints the same
// shapes (nodes pn-NN, job names of our own; no case text of the set):
// - watchdog timeouts of one group at one sequence number in two ops: a collective mismatch, the job's
//   (watchdog_op_mismatch.h);
// - counters a note says are "unchanged since" days ago: history (stale_counter_lines.h);
// - a file-system stall that began after a crash of its node and was over at once: no cause of it
//   (stall_after_fault.h);
// - a hang that a restart of the workers ended, the job training again after it: an earlier attempt's
//   (restart_then_trained.h);
// - a resume's data skip still under way at the log's end with no step since: the input pipeline
//   (FindUnfinishedDataSkip);
// - a start-up check that the batch size does not fit the data-parallel size: the launch's
//   (batch_layout_check.h).
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "agents/batch_layout_check.h"
#include "agents/data_fast_forward.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "agents/port_phy_errors.h"
#include "agents/restart_then_trained.h"
#include "agents/stale_counter_lines.h"
#include "agents/stall_after_fault.h"
#include "agents/watchdog_op_mismatch.h"

namespace vigil {
namespace {

std::string Answer(const Diagnosis& d) { return d.root_cause + " @ " + d.component; }

Diagnosis ThroughAgent(std::string_view text) {
  auto c = ParseCase(testing::ParseCaseText(text), "t.json");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  DiagnosisAgentOptions o;
  o.kb = &testing::ShippedPack();
  auto r = DiagnosisAgent(o).Diagnose(*std::move(c), nullptr);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return r->diagnosis;
}

std::string Watchdog(int rank, int seq, const std::string& op, const std::string& pg = "") {
  return "[rank" + std::to_string(rank) + "]:[E0412 10:20:0" + std::to_string(rank % 10) +
         ".100000 4411 ProcessGroupNCCL.cpp:632] [" + pg + "Rank " + std::to_string(rank) +
         "] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=" + std::to_string(seq) + ", OpType=" + op +
         ", NumelIn=8, NumelOut=8, Timeout(ms)=600000) ran for 600021 milliseconds before timing out.";
}

}  // namespace

TEST_CASE("plc54 FindWatchdogOpMismatch: one group's sequence number in two ops, not two groups or two numbers") {
  std::optional<CollectiveMismatch> m = FindWatchdogOpMismatch({Watchdog(2, 907, "ALLREDUCE"), Watchdog(9, 907, "_ALLGATHER_BASE")});
  REQUIRE(m.has_value());
  CHECK(m->line_index == 1);
  CHECK(m->what.find("ALLREDUCE vs _ALLGATHER_BASE at sequence number 907") != std::string::npos);
  // The same op everywhere: the ordinary hang.
  CHECK_FALSE(FindWatchdogOpMismatch({Watchdog(2, 907, "ALLREDUCE"), Watchdog(9, 907, "ALLREDUCE")}));
  // Two numbers: a rank behind, no mismatch.
  CHECK_FALSE(FindWatchdogOpMismatch({Watchdog(2, 906, "ALLREDUCE"), Watchdog(9, 907, "_ALLGATHER_BASE")}));
  // Two groups count their collectives apart.
  CHECK_FALSE(FindWatchdogOpMismatch({Watchdog(2, 907, "ALLREDUCE", "PG 1 "), Watchdog(9, 907, "BROADCAST", "PG 3 ")}));
  CHECK(FindWatchdogOpMismatch({Watchdog(2, 907, "ALLREDUCE", "PG 1 "), Watchdog(9, 907, "BROADCAST", "PG 1 ")}));
  // A pipeline stage's send and the next stage's receive share a sequence number by design.
  CHECK_FALSE(FindWatchdogOpMismatch({Watchdog(2, 907, "SEND", "PG 2 "), Watchdog(9, 907, "RECV", "PG 2 ")}));
  CHECK_FALSE(FindWatchdogOpMismatch({Watchdog(2, 907, "_SEND"), Watchdog(9, 907, "ALLREDUCE")}));
  // A line that is no timeout (a work's description in a debug dump) does not count.
  CHECK_FALSE(FindWatchdogOpMismatch({Watchdog(2, 907, "ALLREDUCE"), "enqueued WorkNCCL(SeqNum=907, OpType=BROADCAST)"}));
}

// Eight ranks of pn-11 resumed from an older checkpoint than the other 8: at one sequence number half the
// job reduces an eval loss while the rest reduce-scatter gradients. Before: nccl_collective_hang on rank
// 1's GPU (the first watchdog line's rank), a hardware place for the program's divergence.
TEST_CASE("plc54 watchdog timeouts at one sequence number in two ops answer the job's collective mismatch") {
  const Diagnosis d = testing::RunCaseText(R"JSON({
    "id": "plc54-op-mismatch", "alert": null,
    "topology": {"nodes": ["pn-11", "pn-12"], "gpus_per_node": 8, "timezone": "UTC",
                 "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
    "logs": [{"source": "train-4410.log", "lines": [
      "[rank1]:[E0412 10:20:01.100000 4411 ProcessGroupNCCL.cpp:632] [Rank 1] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=2210, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600021 milliseconds before timing out.",
      "[rank12]:[E0412 10:20:01.300000 5120 ProcessGroupNCCL.cpp:632] [Rank 12] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=2210, OpType=_REDUCE_SCATTER_BASE, NumelIn=4096, NumelOut=256, Timeout(ms)=600000) ran for 600033 milliseconds before timing out."]}]
  })JSON");
  CHECK(Answer(d) == "nccl_collective_hang @ job");
}

TEST_CASE("plc54 StaleCounterLines: the output a dated 'unchanged since' note closes, 2+ days old") {
  CaseLog log;
  log.source = "pn-14/ib.txt";
  for (const char* t : {"$ perfquery -x pn-14 mlx5_2", "SymbolErrorCounter:..............17", "LinkDownedCounter:...............2",
                        "(unchanged since 2027-04-03, cable swapped then)", "$ ibstat mlx5_2", "State: Active"}) {
    LogLine l;
    l.number = log.lines.size() + 1;
    l.text = t;
    log.lines.push_back(l);
  }
  const int64_t apr12 = 20920;  // 2027-04-12 (days since 1970-01-01)
  CHECK(StaleCounterLines(log, apr12) == std::vector<bool>{false, true, true, true, false, false});
  // The day before the incident: today's counters.
  CHECK(StaleCounterLines(log, 20912) == std::vector<bool>{false, false, false, false, false, false});
  log.lines[3].text = "(counters cleared at 09:00)";
  CHECK(StaleCounterLines(log, apr12) == std::vector<bool>{false, false, false, false, false, false});
}

// A port's counters pasted beside today's hang, with the note that they have not moved for nine days.
// Before: ib_link_failure on pn-14 (the SymbolErrors read as today's).
TEST_CASE("plc54 counters noted as unchanged for days are no link fault today") {
  const Diagnosis d = ThroughAgent(R"JSON({
    "id": "plc54-stale-counters",
    "alert": {"status": "firing", "labels": {"alertname": "NCCLWatchdogTimeout", "severity": "critical"},
              "annotations": {"summary": "NCCL watchdog timeout on the job"}, "startsAt": "2027-04-12T10:21:00Z"},
    "topology": {"nodes": ["pn-11", "pn-14"], "gpus_per_node": 8, "timezone": "UTC",
                 "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
    "logs": [
      {"source": "train-4410.log", "lines": [
        "[rank1]:[E0412 10:20:01.100000 4411 ProcessGroupNCCL.cpp:632] [Rank 1] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=2210, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600021 milliseconds before timing out."]},
      {"source": "pn-14/ib.txt", "lines": [
        "$ perfquery -x pn-14 mlx5_2",
        "SymbolErrorCounter:..............17",
        "LinkDownedCounter:...............2",
        "(unchanged since 2027-04-03, cable swapped then)"]}]
  })JSON");
  CHECK(d.root_cause != "ib_link_failure");
}

TEST_CASE("plc54 StallBeganAfterFault: every stall line after a fault of its node") {
  const int64_t kNone = -1;
  const std::vector<LineAt> stall = {{2000, 1, 1}};
  CHECK(StallBeganAfterFault(stall, {"pn-3"}, {{1000, 1, 0}}, {"pn-3"}, kNone));
  CHECK_FALSE(StallBeganAfterFault(stall, {"pn-3"}, {{3000, 0, 4}}, {"pn-3"}, kNone));   // the stall came first
  CHECK_FALSE(StallBeganAfterFault(stall, {"pn-3"}, {{1000, 0, 4}}, {"pn-4"}, kNone));   // another node
  CHECK_FALSE(StallBeganAfterFault({{kNone, 1, 1}}, {"pn-3"}, {{1000, 0, 4}}, {"pn-3"}, kNone));  // untimed
}

// A rank's checkpoint thread segfaults; 40 s later the node's NFS client stalls for 3 s. Before:
// storage_failure of the job over the crash.
TEST_CASE("plc54 an NFS stall over in seconds that began after a segfault on its node does not explain the segfault") {
  const Diagnosis d = testing::RunCaseText(R"JSON({
    "id": "plc54-stall-after-crash", "alert": null,
    "topology": {"nodes": ["pn-21", "pn-22"], "gpus_per_node": 8, "timezone": "UTC",
                 "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
    "logs": [
      {"source": "pn-22/dmesg", "lines": [
        "[Mon Apr 12 10:02:11 2027] pt_ckpt_writer[7711]: segfault at 28 ip 00007f11aa01c2d4 sp 00007f10ffffd0a0 error 4 in libtorch_cpu.so[7f11a6400000+1a3f2000]",
        "[Mon Apr 12 10:02:52 2027] nfs: server filer-2.lab.internal not responding, still trying",
        "[Mon Apr 12 10:02:55 2027] nfs: server filer-2.lab.internal OK"]}]
  })JSON");
  CHECK(d.root_cause != "storage_failure");
}

TEST_CASE("plc54 RestartThenTrained: a restart line that training steps follow") {
  const std::string step = " [2027-04-12 11:00:00] iteration   5010/  90000 | lm loss: 1.91E+00 | learning rate: 1.0E-04 |";
  CHECK(RestartThenTrained({"hang", "Worker group failed, restarting workers (attempt 1 of 3)", "loaded", step}) == 1);
  CHECK_FALSE(RestartThenTrained({"hang", "Worker group failed, restarting workers (attempt 1 of 3)", "loaded"}));
  CHECK_FALSE(RestartThenTrained({step, "hang"}));
  CHECK(IsTrainingProgress("step: 120  loss: 2.11  tps: 4100"));
  CHECK_FALSE(IsTrainingProgress("number of skipped iterations: 0"));
}

// Attempt 0 hung (one watchdog line), torchrun restarted the workers, the job trains again but slowly with
// rank 5 the slowest: the alert is about the slowness. Before: nccl_collective_hang (attempt 0's line).
TEST_CASE("plc54 a hang that a restart ended, the job training since, does not lead over the run's slowness") {
  const Diagnosis d = testing::RunCaseText(R"JSON({
    "id": "plc54-hang-then-restart",
    "alert": {"status": "firing", "labels": {"alertname": "TrainingStepTimeHigh", "severity": "warning"},
              "annotations": {"summary": "step time 50% above baseline after restart"}, "startsAt": "2027-04-12T11:40:00Z"},
    "topology": {"nodes": ["pn-31"], "gpus_per_node": 8, "timezone": "UTC",
                 "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
    "logs": [{"source": "train-5510.log", "lines": [
      "[rank5]:[E0412 10:30:11.002000 3122 ProcessGroupNCCL.cpp:632] [Rank 5] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=88, OpType=BARRIER) ran for 600003 milliseconds before timing out.",
      "[2027-04-12 10:30:30,900] torch.distributed.elastic.agent.server.api: [ERROR] [default] Worker group failed, restarting workers (attempt 1 of 3)",
      " [2027-04-12 11:00:00] iteration   5010/  90000 | elapsed time per iteration (ms): 1510.1 | lm loss: 1.910900E+00 | learning rate: 1.0E-04 |",
      " [2027-04-12 11:30:00] straggler detector: | MnRtt/Rnk: 1490.40ms/2 | MxRtt/Rnk: 2290.77ms/5 | MnPwr/Rnk: 290000mW/5 | MxPwr/Rnk: 690000mW/3 |",
      " [2027-04-12 11:30:00] iteration   5600/  90000 | elapsed time per iteration (ms): 2290.1 | lm loss: 1.880900E+00 | learning rate: 1.0E-04 |",
      " [2027-04-12 11:31:00] iteration   5620/  90000 | elapsed time per iteration (ms): 2295.3 | lm loss: 1.879900E+00 | learning rate: 1.0E-04 |"]}]
  })JSON");
  CHECK(d.root_cause == "straggler_rank");
}

TEST_CASE("plc54 FindUnfinishedDataSkip: a skip still under way, no step since") {
  const std::string start = "resuming data iterator: skipping 9,000,000 consumed samples";
  CHECK(FindUnfinishedDataSkip({"loaded checkpoint", start, "still fast-forwarding data iterator: 3,000,000 / 9,000,000 samples skipped"}) == 1);
  CHECK(FindUnfinishedDataSkip({start, "[rank0]: data: skipped 4,000,000 / 9,000,000 samples"}) == 0);
  // Finished, or trained since: nothing held the job.
  CHECK_FALSE(FindUnfinishedDataSkip({start, "data: skipped 9,000,000 / 9,000,000 samples"}));
  CHECK_FALSE(FindUnfinishedDataSkip({start, "data: skipped 3,000,000 / 9,000,000 samples", "iteration 12 | lm loss: 2.0 |"}));
  // A trainer's count of skipped iterations is no data skip.
  CHECK_FALSE(FindUnfinishedDataSkip({"iteration 10 | number of skipped iterations: 0 |"}));
}

// A resume whose iterator is still skipping consumed samples, no step since, no timeout yet. Before: the
// skip lines recalled a loss-NaN incident (loss_divergence).
TEST_CASE("plc54 a resume's data skip still under way with no step since is the input pipeline's stall") {
  const Diagnosis d = testing::RunCaseText(R"JSON({
    "id": "plc54-skip-unfinished", "alert": null,
    "topology": {"nodes": ["pn-41", "pn-42"], "gpus_per_node": 8, "timezone": "UTC"},
    "logs": [{"source": "train-6610.log", "lines": [
      " [2027-04-12 09:01:30] successfully loaded checkpoint from /fs/ckpt at iteration 40000",
      "> resuming data iterator: skipping 40,960,000 consumed samples (fast-forward)",
      "[rank0]: still fast-forwarding data iterator: 10,240,000 / 40,960,000 samples skipped"]}]
  })JSON");
  CHECK(Answer(d) == "dataloader_stall @ job");
}

TEST_CASE("plc54 FindBatchLayoutCheck: a batch or world size that does not divide by the layout") {
  CHECK(FindBatchLayoutCheck({"x", "AssertionError: global batch size (768) is not divisible by micro batch size (4) times data parallel size (5)"}) == 1);
  CHECK(FindBatchLayoutCheck({"ValueError: train batch size 1000 must be divisible by dp_size 6"}) == 0);
  CHECK(FindBatchLayoutCheck({"AssertionError: Check batch related parameters. train_batch_size is not equal to micro_batch_per_gpu * gradient_acc_step * world_size 512 != 4 * 8 * 12"}) == 0);
  // Not about the layout: a tensor's own shape, or a size alone.
  CHECK_FALSE(FindBatchLayoutCheck({"hidden size 5000 is not divisible by 128 heads"}));
  CHECK_FALSE(FindBatchLayoutCheck({"global batch size 1024"}));
}

// Requeued onto fewer nodes, every attempt dies at the trainer's batch check; a node's power failure
// started the requeue. Before: no reading of the check (a recalled IB incident led, at 0.2).
TEST_CASE("plc54 a batch size that does not divide by the data-parallel size is the launch's configuration") {
  const Diagnosis d = testing::RunCaseText(R"JSON({
    "id": "plc54-batch-check", "alert": null,
    "topology": {"nodes": ["pn-51", "pn-52", "pn-53"], "gpus_per_node": 8, "timezone": "UTC"},
    "logs": [{"source": "train-7710.log", "lines": [
      "using world size: 24, data-parallel size: 3, tensor-model-parallel size: 8, pipeline-model-parallel size: 1",
      "AssertionError: global batch size (512) is not divisible by micro batch size (2) times data parallel size (3)",
      "srun: error: pn-51: tasks 0-23: Exited with exit code 1"]}]
  })JSON");
  CHECK(Answer(d) == "launch_config_error @ job");
}

TEST_CASE("plc54 FindPortPhyErrors: a port's own CRC / symbol errors in the thousands, its HCA from the command") {
  std::optional<PortPhyErrors> p = FindPortPhyErrors({"$ ethtool -S eth2 | grep _phy   (pn-63, mlx5_2)", "     rx_crc_errors_phy: 5120",
                                                      "     link_down_events_phy: 1"});
  REQUIRE(p.has_value());
  CHECK(p->line == 1);
  CHECK(p->hca == "mlx5_2");
  CHECK(p->counter == "rx_crc_errors_phy");
  p = FindPortPhyErrors({"$ mlxlink -d mlx5_6", "Effective Physical Errors          : 2400"});
  REQUIRE(p.has_value());
  CHECK(p->hca == "mlx5_6");
  // A healthy port's handful of errors, one link-down, a netdev alone: none or no HCA.
  CHECK_FALSE(FindPortPhyErrors({"$ ethtool -S eth2", "rx_crc_errors_phy: 12", "link_down_events_phy: 1"}));
  p = FindPortPhyErrors({"$ ethtool -S eth2", "link_down_events_phy: 9"});
  REQUIRE(p.has_value());
  CHECK(p->hca.empty());
}

// Two hosts' NCCL completion errors name one peer; that peer's node shows its port's physical errors.
// Before: ib_link_failure on the first writer's node (pn-61).
TEST_CASE("plc54 a port's own physical error counters place the link over the peers that reported it") {
  const Diagnosis d = testing::RunCaseText(R"JSON({
    "id": "plc54-phy-errors", "alert": null,
    "topology": {"nodes": ["pn-61", "pn-62", "pn-63", "pn-64"], "gpus_per_node": 8, "timezone": "UTC"},
    "logs": [
      {"source": "train-8810.log", "lines": [
        "pn-61:301:402 [1] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.9.0.63<40211> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.9.0.61 remoteGids::ffff:10.9.0.63 hca mlx5_2",
        "pn-64:377:410 [4] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.9.0.63<40230> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=0 len=0 vendor err 129 (Recv) localGid ::ffff:10.9.0.64 remoteGids::ffff:10.9.0.63 hca mlx5_2"]},
      {"source": "pn-63/port.txt", "lines": [
        "$ ethtool -S eth2 | grep _phy   (pn-63, mlx5_2)",
        "     rx_crc_errors_phy: 40112",
        "     link_down_events_phy: 5"]}]
  })JSON");
  CHECK(Answer(d) == "ib_link_failure @ pn-63/mlx5_2");
}

}  // namespace vigil
