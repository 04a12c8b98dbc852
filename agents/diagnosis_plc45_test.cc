// PLC45 (2026-12-06): realistic41's misses left after PLC43. A requeued job's later run failing on
// what its first run left (job_runs.h, DiscountLaterRunConsequences), and a job's start read from
// its Slurm prolog lines (JobEarliestStartMs), a segfault's pid tied to its rank by NCCL's
// communicator line (NcclCommPidRank). Cases written here (nodes gx-NN, a Slurm job), not the set's
// text.
#include <doctest/doctest.h>

#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "agents/job_runs.h"
#include "agents/job_scope.h"
#include "agents/log_time.h"
#include "agents/logs_case_testing.h"
#include "agents/rank_hosts.h"

namespace vigil {
namespace {

using testing::Case;
using testing::CaseAnswer;
using testing::Log;

const std::vector<std::string> kNodes = {"gx-01", "gx-02", "gx-03", "gx-04"};

}  // namespace

TEST_CASE("plc45 StartsLaterRun: a requeue, torchrun's restart, an attempt 2 - not a bare restart") {
  CHECK(StartsLaterRun("=== job 77 requeued (--requeue), run 2 started 2026-11-20T11:00:00 ==="));
  CHECK(StartsLaterRun("[2026-11-20T11:00:00.118] sched: JobId=77 requeued: job launch failure"));
  CHECK(StartsLaterRun("[2026-11-20T11:00:00] _job_requeue: JobRequeue JobId=77"));
  CHECK(StartsLaterRun("[INFO] [c10d] Restarting worker group"));
  CHECK(StartsLaterRun("torch.distributed.elastic: [default] Worker group FAILED. 2/3 attempts left; will restart worker group"));
  CHECK(StartsLaterRun("  restart_count=1"));
  CHECK(StartsLaterRun("attempt 2 on gx-[05-08]"));
  CHECK_FALSE(StartsLaterRun("$ sudo systemctl restart nvidia-fabricmanager"));
  CHECK_FALSE(StartsLaterRun("2026-11-20T10:01:50Z Warning BackOff pod/dev-0 Back-off restarting failed container"));
  CHECK_FALSE(StartsLaterRun("  restart_count=0"));
  CHECK_FALSE(StartsLaterRun("we run 50 steps per check"));
}

TEST_CASE("plc45 LaterRunLines: a log per run, the lines after a requeue") {
  using Texts = std::vector<std::vector<std::string_view>>;
  // Two logs naming their runs: the later one throughout; a third log of no run: not.
  auto l = LaterRunLines({"slurm/77.out (run 1)", "slurm/77.out (run 2)", "gx-02/dmesg"}, Texts{{"a", "b"}, {"c", "d"}, {"e"}});
  REQUIRE(l.size() == 3);
  CHECK(l[0].empty());  // the first run's: no line of a later run
  CHECK(l[1] == std::vector<bool>{true, true});
  CHECK(l[2].empty());
  // One source naming a run number is a job's name ("sft-run42"): nothing.
  l = LaterRunLines({"kubectl logs sft-run42-worker-0"}, Texts{{"a"}});
  CHECK(l[0].empty());
  // In one log, the lines after the requeue.
  l = LaterRunLines({"slurm/77.out"}, Texts{{"a", "JobId=77 requeued", "c", "d"}});
  CHECK(l[0] == std::vector<bool>{false, false, true, true});
}

namespace {

// A job on gx-01..gx-04 whose first run ends when a rank on gx-02 dies of SIGSEGV (when `crash`) or
// hangs (else), and whose requeued run OOMs on gx-04 GPU 0 (rank 24), where a stuck process of the first run
// still holds the memory.
Json RequeueCase(bool crash) {
  std::vector<std::string> first = {"=== job 77, first run (started 2026-11-20T09:00:02) ==="};
  if (crash) first.push_back("srun: error: gx-02: task 10: Segmentation fault (core dumped)");
  first.push_back("[rank0]:[E1120 10:51:40.000000 1 ProcessGroupNCCL.cpp:632] [Rank 0] Watchdog caught collective operation "
                  "timeout: WorkNCCL(SeqNum=99102, OpType=ALLREDUCE, Timeout(ms)=600000) ran for 600010 milliseconds before "
                  "timing out.");
  first.push_back("slurmstepd: error: gx-04: Unable to kill process 61200 (D state); step left uncleaned");
  first.push_back("=== job 77 requeued (--requeue), run 2 started 2026-11-20T10:55:40 ===");
  Json logs = Json::array();
  logs.push_back(Log("slurm/77.out (run 1)", first));
  logs.push_back(Log("slurm/77.out (run 2)",
                     {"[rank24]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total "
                      "capacity of 79.10 GiB of which 1.21 GiB is free. Process 61200 has 71.40 GiB memory in use.",
                      "srun: error: gx-04: task 24: Exited with exit code 1"}));
  if (crash) {
    logs.push_back(Log("gx-02/dmesg", {"[Fri Nov 20 10:41:38 2026] python[60124]: segfault at 0 ip 00007f1e8a1c01f2 sp "
                                       "00007ffd1c2a8f10 error 4 in libtransformer_engine.so[7f1e8a000000+4a00000]"}));
  }
  return Case("t-plc45-requeue", kNodes, logs);
}

}  // namespace

TEST_CASE("plc45 a requeued run's OOM on what the first run left is not the first failure") {
  // Without DiscountLaterRunConsequences: cuda_oom @ gx-04/gpu0 (the OOM's 3.0 over the crash's
  // lines, which it then explained away).
  CHECK(CaseAnswer(RequeueCase(true)).rfind("rank_process_crash @ gx-02", 0) == 0);
  // Near miss: a first run that only hung shows no failure of its own: the OOM stays the answer.
  CHECK(CaseAnswer(RequeueCase(false)).rfind("cuda_oom", 0) == 0);
}

TEST_CASE("plc45 JobEarliestStartMs: a Slurm prolog that ran; not one that failed, nor a requeued job's") {
  LogClock clock;
  clock.year = 2026;
  const int64_t none = std::numeric_limits<int64_t>::max();
  const int64_t eight = ParseLineTime("2026-12-06T08:00:00", clock).ms;
  REQUIRE(eight != none);
  const std::string ran = "2026-12-06T08:00:00 gx-01 slurm-prolog: IMEX daemon ready (channel0), 4 GPUs";
  CHECK(JobEarliestStartMs({ran, "2026-12-06T08:00:01 gx-02 slurm-prolog: IMEX daemon ready (channel0), 4 GPUs"}, clock, "") ==
        eight);
  CHECK(JobEarliestStartMs({"[prolog 2026-12-06 08:00:00] nvidia-smi -q: GPU Fabric State 'Completed'"}, clock, "") == eight);
  CHECK(JobEarliestStartMs({"2026-12-06T08:00:00 gx-01 slurmd[20]: error: prolog failed: rc:1 output:gpu_check: FAIL"}, clock,
                           "") == none);
  CHECK(JobEarliestStartMs({ran, "JobId=77 requeued"}, clock, "") == none);
  // A start the job's own lines state wins over a prolog line (which may be another job's on that node).
  CHECK(JobEarliestStartMs({"2026-12-06T06:00:00 gx-01 slurm-prolog: NHC: all checks passed",
                            "(job 77 started 2026-12-06T08:00:00)"},
                           clock, "") == eight);
}

namespace {

// Every rank of a job on gx-01..gx-04 fails at init on an old host NCCL put first in LD_LIBRARY_PATH;
// gx-03 GPU 1 had GSP timeouts (Xid 119) the day before, reset since. With `prolog`, the job's
// prolog lines of this morning.
Json StaleXidCase(bool prolog) {
  Json logs = Json::array();
  logs.push_back(Log("slurm/881.out",
                     {"+ export LD_LIBRARY_PATH=/opt/site/nccl-2.19.3/lib:$LD_LIBRARY_PATH",
                      "[rank0]: ImportError: /usr/local/lib/python3.12/dist-packages/torch/lib/libtorch_cuda.so: undefined "
                      "symbol: ncclCommInitRankScalable",
                      "[rank9]: ImportError: /usr/local/lib/python3.12/dist-packages/torch/lib/libtorch_cuda.so: undefined "
                      "symbol: ncclCommInitRankScalable",
                      "srun: error: gx-01: tasks 0-7: Exited with exit code 1"}));
  logs.push_back(Log("gx-03/dmesg", {"[Sat Dec 05 17:12:02 2026] NVRM: Xid (PCI:0000:2a:00): 119, pid=11020, name=python, "
                                     "Timeout after 6s of waiting for RPC response from GPU1 GSP! Expected function 76 "
                                     "(GSP_RM_CONTROL)"}));
  if (prolog) {
    std::vector<std::string> lines;
    for (const std::string& n : kNodes) lines.push_back("2026-12-06T08:00:00 " + n + " slurm-prolog: NHC: all checks passed");
    logs.push_back(Log("slurm/prolog", lines));
  }
  return Case("t-plc45-prolog", kNodes, logs);
}

}  // namespace

TEST_CASE("plc45 a day-old Xid 119 before the job's prolog is not the job's cause") {
  // Without the prolog reading: gpu_firmware_error @ gx-03/gpu1 (the Xid 119's 3.0; no start read).
  CHECK(CaseAnswer(StaleXidCase(true)).rfind("launch_config_error", 0) == 0);
  // Near miss: no prolog, no start: as before.
  CHECK(CaseAnswer(StaleXidCase(false)).rfind("gpu_firmware_error", 0) == 0);
}

TEST_CASE("plc45 NcclCommPidRank: NCCL's communicator line ties its pid to its rank") {
  const auto r = NcclCommPidRank(
      "tarn-h0190:45120:45331 [4] NCCL INFO comm 0x55d1c8a0 rank 108 nRanks 256 nNodes 32 localRanks 8 localRank 4 MNNVL 0 "
      "- Init COMPLETE");
  REQUIRE(r.has_value());
  CHECK(r->first == 45120);
  CHECK(r->second == 108);
  CHECK_FALSE(NcclCommPidRank("tarn-h0190:45120:45120 [4] NCCL INFO Bootstrap : Using ib0:10.12.3.4<0>").has_value());
  CHECK_FALSE(NcclCommPidRank("comm 0x55d1c8a0 rank 108 nRanks 256").has_value());  // no HOST:PID:TID prefix
}

namespace {

// A rank's segfault on gx-02 (its kernel log names the pid, a failing kernel-log probe names the
// node) and NCCL's communicator line of that pid: `comm_line`.
Json SegfaultPidCase(const std::string& comm_line) {
  Json logs = Json::array();
  logs.push_back(Log("slurm/771300.out",
                     {comm_line, "Fatal Python error: Segmentation fault",
                      "[rank0]:[E1120 10:42:51.000000 30120 ProcessGroupNCCL.cpp:632] [Rank 0] Watchdog caught collective "
                      "operation timeout: WorkNCCL(SeqNum=30992, OpType=ALLREDUCE, Timeout(ms)=600000) ran for 600002 "
                      "milliseconds before timing out."}));
  logs.push_back(Log("gx-02/dmesg", {"[Fri Nov 20 10:32:49 2026] python[45120]: segfault at 7f3a00000010 ip 00007f3a4c21a2f4 "
                                     "sp 00007f3a2effa9e0 error 4 in fast_pack.so[7f3a4c200000+3c000]"}));
  Json c = Case("t-plc45-pid", kNodes, logs);
  c["probes"]["node.kernel_log@gx-02"] = testing::KernelLogSegfaultProbe("gx-02", "segfault in fast_pack.so at 10:32:49, no Xid");
  return c;
}

}  // namespace

TEST_CASE("plc45 a segfault's pid that NCCL's communicator line names is that rank's GPU") {
  // Without the communicator reading in PidRanks: rank_process_crash @ gx-02 (the probe's node, no GPU).
  CHECK(CaseAnswer(SegfaultPidCase("gx-02:45120:45331 [4] NCCL INFO comm 0x55d1c8a0 rank 12 nRanks 32 nNodes 4 localRanks 8 "
                                   "localRank 4 MNNVL 0 - Init COMPLETE")) == "rank_process_crash @ gx-02/gpu4");
  // Near miss: a tensor-parallel group's line ("rank 4 nRanks 8"; the layout puts rank 4 on gx-01) ties nothing.
  CHECK(CaseAnswer(SegfaultPidCase("gx-02:45120:45331 [4] NCCL INFO comm 0x77 rank 4 nRanks 8 nNodes 1 localRanks 8 "
                                   "localRank 4 MNNVL 0 - Init COMPLETE")) == "rank_process_crash @ gx-02");
}

}  // namespace vigil
