// PLC51 (2026-12-07): realistic46's seen misses (NOT blind). Each reader in its own file:
// fastest_slowest_ranks.h (a spread's fastest rank is no straggler), watchdog_abort.h (a SIGABRT right
// after the rank's own watchdog timeout is the hang's end), own_network_error.h (a rank that exits on
// its own NIC's completion error), other_job_process.h (an Xid whose process a line ties to another
// job). The case-level tests use made-up hosts of their own, the shapes of the set's lines.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/fastest_slowest_ranks.h"
#include "agents/log_time.h"
#include "agents/other_job_process.h"
#include "agents/own_network_error.h"
#include "agents/watchdog_abort.h"
#include "core/json.h"

namespace vigil {
namespace {

// ---- fastest_slowest_ranks.h ----

TEST_CASE("plc51 ReadFastestSlowestRanks: the fastest is the reference, the slow ones well above it") {
  const auto s = ReadFastestSlowestRanks(
      "step time spread: fastest rank 4 fwd+bwd 2,980 ms; slowest ranks rank70=4,102 ms (data wait 1,090 ms) "
      "rank71=3,010 ms rank12=3,001 ms");
  REQUIRE(s);
  CHECK(s->fastest_rank == 4);
  CHECK(s->fastest_s == doctest::Approx(2.98));
  CHECK(s->slow == std::vector<int>{70});
  // Every listed rank close to the fastest: none slow (the reader still owns the line).
  const auto even = ReadFastestSlowestRanks("fastest rank 2 1.90 s; slowest ranks rank9=2.01 s rank3=1.95 s");
  REQUIRE(even);
  CHECK(even->slow.empty());
  // Seconds against milliseconds.
  const auto units = ReadFastestSlowestRanks("fastest rank 0 900 ms, slowest: rank 17: 1.5 s");
  REQUIRE(units);
  CHECK(units->slow == std::vector<int>{17});
  // No fastest reference, or no list: not this shape.
  CHECK_FALSE(ReadFastestSlowestRanks("slowest ranks rank70=4,102 ms rank71=3,010 ms"));
  CHECK_FALSE(ReadFastestSlowestRanks("fastest rank 4 2,980 ms; slowest rank took longer"));
}

TEST_CASE("plc51 a straggler named by a spread line is the slow rank, not the fastest") {
  const Json c = testing::ParseCaseText(R"JSON({"id":"t","logs":[{"source":"kubectl-logs/pt-master-0","lines":[
 "[rank0]:[titan] 2026-12-05 21:05:10,002 - root - WARNING - step time spread: fastest rank 4 fwd+bwd 2,980 ms; slowest ranks rank70=4,102 ms (data wait 1,090 ms) rank71=3,010 ms rank12=3,001 ms"]}],
 "topology":{"nodes":["hx-001","hx-002","hx-003","hx-004","hx-005","hx-006","hx-007","hx-008","hx-009","hx-010"],
 "gpus_per_node":8,"rank_layout":"rank r runs on nodes[r // 8], local GPU r % 8"}})JSON");
  const Diagnosis d = testing::RunCaseWithOwnProbes(c);
  // Before: straggler_rank on hx-001/gpu4 (the fastest rank's GPU).
  CHECK(d.root_cause == "straggler_rank");
  CHECK(d.component == "hx-009/gpu6");
}

// ---- watchdog_abort.h ----

std::vector<std::string> HangThenAbort(const std::string& watchdog_time, const std::string& entry_time) {
  return {
      "[rank0]:[E1205 " + watchdog_time +
          ".000000 12001 ProcessGroupNCCL.cpp:632] [Rank 0] Watchdog caught collective operation timeout: "
          "WorkNCCL(SeqNum=412882, OpType=_ALLGATHER_BASE, NumelIn=4096, NumelOut=4096, Timeout(ms)=1800000) ran for "
          "1800018 milliseconds before timing out.",
      "[rank1]:[E1205 " + watchdog_time +
          ".007919 12002 ProcessGroupNCCL.cpp:632] [Rank 1] Watchdog caught collective operation timeout: "
          "WorkNCCL(SeqNum=412882, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=1800000) ran for 1800019 "
          "milliseconds before timing out.",
      "[rank1]: Detected mismatch between collectives on ranks. Rank 1 is running collective: "
      "CollectiveFingerPrint(SequenceNumber=412882, OpType=ALLREDUCE, TensorShape=[1]), but Rank 0 is running "
      "collective: CollectiveFingerPrint(SequenceNumber=412882, OpType=_ALLGATHER_BASE, TensorShape=[4096]).",
      "E1205 14:42:02.412003 1311 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: -6) "
      "local_rank: 0 (pid: 12001) of binary: /usr/bin/python3",
      "torch.distributed.elastic.multiprocessing.errors.ChildFailedError: ",
      "============================================================",
      "pretrain_gpt.py FAILED",
      "------------------------------------------------------------",
      "Root Cause (first observed failure):",
      "[0]:",
      "  time      : 2026-12-05_" + entry_time,
      "  host      : tx-c001",
      "  rank      : 0 (local_rank: 0)",
      "  exitcode  : -6 (pid: 12001)",
      "  error_file: <N/A>",
      "  traceback : Signal 6 (SIGABRT) received by PID 12001",
      "============================================================"};
}

TEST_CASE("plc51 WatchdogAbortLines: a SIGABRT seconds after the rank's own watchdog timeout") {
  LogClock clock;
  clock.year = 2026;
  const std::set<size_t> got = WatchdogAbortLines(HangThenAbort("14:41:52", "14:42:02"), clock);
  CHECK(got == std::set<size_t>{3, 10, 11, 12, 13, 14, 15});
  // The abort before the timeout, or long after it: not the watchdog's.
  CHECK(WatchdogAbortLines(HangThenAbort("14:41:52", "14:39:02"), clock).empty());
  CHECK(WatchdogAbortLines(HangThenAbort("14:31:52", "14:42:02"), clock).empty());
  // A SIGSEGV entry of the same rank is a crash.
  std::vector<std::string> segv = HangThenAbort("14:41:52", "14:42:02");
  segv[13] = "  exitcode  : -11 (pid: 12001)";
  segv[15] = "  traceback : Signal 11 (SIGSEGV) received by PID 12001";
  CHECK(WatchdogAbortLines(segv, clock).empty());
}

TEST_CASE("plc51 a hung job's watchdog SIGABRT is no crash: the collective mismatch leads") {
  Json lines = Json::array();
  lines.push_back("srun: job 7001 step 0: 2 tasks on 2 nodes (tx-c[001-002]): torchrun --nnodes 2 --nproc-per-node 8 (16 ranks)");
  for (const std::string& l : HangThenAbort("14:41:52", "14:42:02")) lines.push_back(l);
  Json c = {{"id", "t"},
            {"logs", Json::array({Json{{"source", "slurm-7001.out"}, {"lines", lines}}})},
            {"topology", {{"nodes", Json::array({"tx-c001", "tx-c002"})}, {"gpus_per_node", 8}}}};
  const Diagnosis d = testing::RunCaseWithOwnProbes(c);
  // Before: rank_process_crash on tx-c001/gpu0 from "Signal 6 (SIGABRT)".
  CHECK(d.root_cause == "nccl_collective_hang");
  CHECK(testing::ProbabilityOf(d, "rank_process_crash") < 0.3);
  CHECK(testing::HasEvidenceWith(d, "the watchdog's abort, not a crash"));
}

// ---- own_network_error.h ----

const std::vector<std::string> kOwnIbExit = {
    "tx-c305:52131:52781 [3] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.31.3.58<49211> "
    "with status=IBV_WC_RETRY_EXC_ERR(12) opcode=IBV_WC_SEND(0) len=0 vendor_err=129 localGid ::ffff:10.31.3.49 "
    "remoteGids::ffff:10.31.3.58 hca mlx5_3",
    "[rank3]:[E1203 22:17:08.000000 52131 ProcessGroupNCCL.cpp:1895] [PG ID 0 PG GUID 0(default_pg) Rank 3] Process "
    "group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, "
    "NCCL version 2.21.5",
    "E1203 22:17:09.412003 1311 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: 1) local_rank: "
    "3 (pid: 52131) of binary: /usr/bin/python3",
    "tx-c306:7100:7200 [1] NCCL WARN NET/IB : Got completion from peer 10.31.3.49<1> with status=IBV_WC_WR_FLUSH_ERR(5)"};

TEST_CASE("plc51 OwnIbErrorProcesses and LineOfPid") {
  const std::vector<OwnIbErrorProcess> p = OwnIbErrorProcesses(kOwnIbExit);
  REQUIRE(p.size() == 1);  // the flush error is no first error
  CHECK(p[0].host == "tx-c305");
  CHECK(p[0].pid == 52131);
  CHECK(p[0].hca == "mlx5_3");
  CHECK(LineOfPid(kOwnIbExit[1], 52131));
  CHECK(LineOfPid(kOwnIbExit[2], 52131));
  CHECK_FALSE(LineOfPid(kOwnIbExit[2], 5213));
  CHECK_FALSE(LineOfPid("iteration 52131 | loss 2.0", 52131));
}

Json OwnIbExitCase(bool port_counters) {
  Json logs = Json::array();
  Json main = Json::array();
  main.push_back("srun: job 5001 step 0: 2 tasks on 2 nodes (tx-c[305-306]): torchrun --nnodes 2 --nproc-per-node 8 (16 ranks)");
  main.push_back(kOwnIbExit[0]);
  main.push_back(kOwnIbExit[1]);
  main.push_back("ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.");
  main.push_back("Last error:");
  main.push_back("NET/IB : Got completion from peer 10.31.3.58<49211> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=IBV_WC_SEND(0) len=0 vendor_err=129");
  main.push_back(kOwnIbExit[2]);
  for (const char* l : {"torch.distributed.elastic.multiprocessing.errors.ChildFailedError: ",
                        "============================================================", "pretrain_gpt.py FAILED",
                        "------------------------------------------------------------", "Root Cause (first observed failure):",
                        "[0]:", "  time      : 2026-12-03_22:17:09", "  host      : tx-c305", "  rank      : 3 (local_rank: 3)",
                        "  exitcode  : 1 (pid: 52131)", "============================================================"}) {
    main.push_back(l);
  }
  main.push_back(kOwnIbExit[3]);
  main.push_back("[rank0]:[E1203 22:27:05.000000 100000 ProcessGroupNCCL.cpp:632] [Rank 0] Watchdog caught collective "
                 "operation timeout: WorkNCCL(SeqNum=301744, OpType=ALLREDUCE, NumelIn=268435456, NumelOut=268435456, "
                 "Timeout(ms)=600000) ran for 600018 milliseconds before timing out.");
  main.push_back("[rank8]:[E1203 22:27:05.506816 102368 ProcessGroupNCCL.cpp:632] [Rank 8] Watchdog caught collective "
                 "operation timeout: WorkNCCL(SeqNum=301744, OpType=ALLREDUCE, NumelIn=268435456, NumelOut=268435456, "
                 "Timeout(ms)=600000) ran for 600042 milliseconds before timing out.");
  logs.push_back(Json{{"source", "slurm-5001.out"}, {"lines", main}});
  if (port_counters) {
    logs.push_back(Json{{"source", "tx-c305/perfquery"},
                        {"lines", Json::array({"$ perfquery -x -C mlx5_3 -P 1", "SymbolErrorCounter:..............6512",
                                               "LinkErrorRecoveryCounter:........11", "LinkDownedCounter:...............4",
                                               "PortRcvErrors:...................2210"})}});
  }
  return {{"id", "t"}, {"logs", logs}, {"topology", {{"nodes", Json::array({"tx-c305", "tx-c306"})}, {"gpus_per_node", 8}}}};
}

TEST_CASE("plc51 a rank that exits on its own NIC's error beside that port's counters: ib_link_failure") {
  const Diagnosis d = testing::RunCaseWithOwnProbes(OwnIbExitCase(true));
  // Before: rank_process_crash on tx-c305/gpu3, the port's counters explained away by it.
  CHECK(d.root_cause == "ib_link_failure");
  CHECK(d.component.rfind("tx-c305", 0) == 0);
  CHECK(testing::HasEvidenceWith(d, "exited on its own NIC's completion error"));
  // Without first-hand port evidence the exit lines are read as before.
  const Diagnosis bare = testing::RunCaseWithOwnProbes(OwnIbExitCase(false));
  CHECK_FALSE(testing::HasEvidenceWith(bare, "exited on its own NIC's completion error"));
}

// ---- other_job_process.h ----

TEST_CASE("plc51 CaseJobIds and ProcessOfAnotherJob") {
  const std::vector<std::string> ids = CaseJobIds({"slurm-88411.out", "qx-11/dmesg"}, {"srun: job 88411 step 0: 8 tasks"},
                                                  {{"slurm_job_id", "88412"}});
  CHECK(ids == std::vector<std::string>{"88411", "88412"});
  const std::vector<std::string> dmesg = {
      "[Sat Dec  5 17:40:52 2026] NVRM: Xid (PCI:0000:52:00): 13, pid=90211, name=pytest, Graphics SM Warp Exception",
      "[Sat Dec  5 17:41:03 2026] python3[90211]: kernel test_scatter_oob finished (user test job 88390 by dkr, expected failure)"};
  CHECK(ProcessOfAnotherJob(dmesg, 90211, {"88411"}));
  CHECK_FALSE(ProcessOfAnotherJob(dmesg, 90211, {"88390"}));  // the case's own job
  CHECK_FALSE(ProcessOfAnotherJob(dmesg, 90211, {}));         // no job known
  CHECK_FALSE(ProcessOfAnotherJob(dmesg, 90212, {"88411"}));  // another pid
}

Json OtherJobXidCase(const std::string& tie_line) {
  Json main = Json::array({"srun: job 88411 step 0: 2 tasks on 2 nodes (qx-[10-11]): torchrun --nnodes 2 --nproc-per-node 8 (16 ranks)"});
  for (int i = 0; i < 6; ++i) {
    main.push_back(" [2026-12-06 06:0" + std::to_string(i) + ":19] iteration  1502" + std::to_string(i) +
                   "0/ 500000 | consumed samples:     76907520 | elapsed time per iteration (ms): 1996.7 | lm loss: " +
                   (i == 3 ? "2.640200E+00 | grad norm: 37.200" : "2.110200E+00 | grad norm: 0.710") +
                   " | number of skipped iterations:   0 | number of nan iterations:   0 |");
  }
  Json c = {{"id", "t"},
            {"alert", {{"status", "firing"},
                       {"labels", {{"alertname", "GPUXidErrors"}, {"Hostname", "qx-11"}, {"gpu", "2"}, {"err_code", "13"}}},
                       {"annotations", {{"summary", "Xid 13 on qx-11 GPU 2"}, {"description", "GPU reported Xid 13 in the last 24h"}}},
                       {"startsAt", "2026-12-05T17:41:30Z"}}},
            {"logs", Json::array({Json{{"source", "slurm-88411.out"}, {"lines", main}},
                                  Json{{"source", "qx-11/dmesg"},
                                       {"lines", Json::array({"[Sat Dec  5 17:40:52 2026] NVRM: Xid (PCI:0000:52:00): 13, pid=90211, "
                                                              "name=pytest, Graphics SM Warp Exception on (GPC 3, TPC 1, SM 0): Out Of Range Address",
                                                              tie_line})}},
                                  Json{{"source", "oncall-note"},
                                       {"lines", Json::array({"Engineer (06:40): loss and grad-norm spikes every few hundred steps, no NaN.",
                                                              "  GPUXidErrors is firing for qx-11 GPU 2 (Xid 13). Plan: drain it."})}}})},
            {"probes", {{"gpu.sdc@qx-11", {{"probe", "gpu.sdc"}, {"target", "qx-11"}, {"status", "fail"},
                                            {"metrics", {{"gpus_disagreeing", 1}, {"disagreeing_gpu", 6}}},
                                            {"thresholds", {{"gpus_disagreeing_max", 0}}},
                                            {"reason", "GPU 6 disagrees with the other 7 on 3 of 40 GEMM checksums"},
                                            {"duration_s", 95.0}}}}},
            {"topology", {{"nodes", Json::array({"qx-10", "qx-11"})}, {"gpus_per_node", 8},
                          {"gpu_pci_bus", {{"gpu2", "0000:52:00.0"}, {"gpu6", "0000:d1:00.0"}}}}}};
  return c;
}

TEST_CASE("plc51 an Xid whose process a line ties to another job is no cause of this job's trouble") {
  const Diagnosis d = testing::RunCaseWithOwnProbes(
      OtherJobXidCase("[Sat Dec  5 17:41:03 2026] python3[90211]: kernel test_scatter_oob finished (user test job 88390 "
                      "by dkr, expected failure)"),
      /*intrusive=*/true);
  // Before: illegal_memory_access on qx-11/gpu2 at 0.9, the gpu.sdc vote never run.
  CHECK(d.root_cause != "illegal_memory_access");
  CHECK(testing::ProbabilityOf(d, "illegal_memory_access") < 0.3);
  CHECK(testing::HasEvidenceWith(d, "the process it ended was another job's"));
  // The same Xid of a process no line ties to another job keeps its weight.
  const Diagnosis own = testing::RunCaseWithOwnProbes(
      OtherJobXidCase("[Sat Dec  5 17:41:03 2026] python3[90211]: kernel test_scatter_oob finished (job 88411)"), true);
  CHECK_FALSE(testing::HasEvidenceWith(own, "the process it ended was another job's"));
}

}  // namespace
}  // namespace vigil
