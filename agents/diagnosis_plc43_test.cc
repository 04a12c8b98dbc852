// PLC43 (2026-12-06): evidence outside the failing job's place or time (job_scope.h,
// DiscountOutsideJobScope). realistic41's confident misses were a famous error of another node or of
// an hour before the job began (an Xid 13 of another user's pod, an IB link down and up, an Xid 79 on
// another team's node) winning over the job's own failure. Cases written here (nodes gx-NN, a Slurm
// job), not the set's text.
#include <doctest/doctest.h>

#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "agents/job_scope.h"
#include "agents/log_time.h"
#include "agents/logs_case_testing.h"

namespace vigil {
namespace {

using testing::Case;
using testing::CaseAnswer;
using testing::Log;

const std::vector<std::string> kNodes = {"gx-01", "gx-02", "gx-03", "gx-04"};

// A job on gx-01..gx-04 that started 09:00:00 and whose every rank failed to bootstrap at 09:00:40
// (NCCL_SOCKET_IFNAME names no interface of the hosts), with `other` pasted beside it.
Json BootstrapCase(const Json& other) {
  Json logs = Json::array();
  logs.push_back(Log("slurm/771204.out",
                     {"JobId=771204 JobName=pretrain UserId=ana(1201) JobState=FAILED Reason=NonZeroExitCode",
                      "   StartTime=2026-11-20T09:00:00 EndTime=2026-11-20T09:00:41 NodeList=gx-[01-04]",
                      "gx-01:5101:5101 [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to ens9",
                      "gx-01:5101:5101 [0] NCCL WARN Bootstrap : no socket interface found",
                      "gx-02:5230:5230 [0] NCCL WARN Bootstrap : no socket interface found",
                      "gx-03:5344:5344 [0] NCCL WARN Bootstrap : no socket interface found",
                      "gx-04:5412:5412 [0] NCCL WARN Bootstrap : no socket interface found"}));
  logs.push_back(other);
  return Case("t-plc43", kNodes, logs);
}

Json Xid13Dmesg(const std::string& node, const std::string& time) {
  return Log(node + "/dmesg",
             {"[Fri Nov 20 " + time + " 2026] NVRM: Xid (PCI:0000:5d:00): 13, pid=88120, name=python, Graphics SM Warp "
              "Exception on (GPC 2, TPC 0, SM 1): Out Of Range Address",
              "[Fri Nov 20 " + time + " 2026] NVRM: Xid (PCI:0000:5d:00): 13, pid=88120, name=python, Graphics Exception: "
              "ESR 0x51e730=0x102000e"});
}

}  // namespace

TEST_CASE("plc43 HostShape: digit runs collapsed, case folded") {
  CHECK(HostShape("gx-03") == "gx-##");
  CHECK(HostShape("kes-h200-041") == "kes-h###-###");
  CHECK(HostShape("FJORD-r02-ct05") == "fjord-r##-ct##");
  CHECK(HostShape("gpu3") != HostShape("gpu003"));
  CHECK(HostShape("fjord-r02-nvs01") != HostShape("fjord-r02-ct05"));  // a switch tray is no compute tray
  CHECK(HostShape("leaf-b2-07") != HostShape("gx-03"));
}

TEST_CASE("plc43 JobEarliestStartMs: scontrol, a launcher's note, torchtitan, a pod's Scheduled event") {
  LogClock clock;
  clock.year = 2026;
  const int64_t none = std::numeric_limits<int64_t>::max();
  const int64_t nine = ParseLineTime("2026-11-20T09:00:00", clock).ms;
  REQUIRE(nine != none);
  CHECK(JobEarliestStartMs({"   StartTime=2026-11-20T09:00:00 EndTime=Unknown"}, clock, "") == nine);
  CHECK(JobEarliestStartMs({"(job 771204 started 2026-11-20T09:00:00)"}, clock, "") == nine);
  CHECK(JobEarliestStartMs({"[rank0]:[titan] 2026-11-20 09:00:00,102 - root - INFO - Starting job: llm-8b"}, clock, "") -
            nine < 1000);
  // A requeued job: its first run's start.
  CHECK(JobEarliestStartMs({"=== job 77, run 2 (started 2026-11-20T11:00:00) ===", "=== job 77, first run (started 2026-11-20T09:00:00) ==="},
                           clock, "") == nine);
  // A pod's Scheduled event counts for the job's own pods only.
  const std::string ev = "2026-11-20T09:00:00Z Normal Scheduled pod/llm-8b-worker-3 Successfully assigned training/llm-8b-worker-3 to gx-04";
  CHECK(JobEarliestStartMs({ev}, clock, "llm-8b") == nine);
  CHECK(JobEarliestStartMs({ev}, clock, "other-job") == none);
  // No start: an EndTime, a "started" with no date, nothing.
  CHECK(JobEarliestStartMs({"EndTime=2026-11-20T09:00:00", "the job started late", "StartTime=Unknown"}, clock, "") == none);
}

TEST_CASE("plc43 an Xid 13 of a process an hour before the job started is not the job's cause") {
  // Without DiscountOutsideJobScope: illegal_memory_access @ gx-03/gpu3 (the Xid's first signature, 3.0).
  CHECK(CaseAnswer(BootstrapCase(Xid13Dmesg("gx-03", "08:02:11"))).rfind("nccl_network_misconfig", 0) == 0);
  // Near miss: the same Xid during the job (09:00:20) is read as before.
  CHECK(CaseAnswer(BootstrapCase(Xid13Dmesg("gx-03", "09:00:20"))).rfind("illegal_memory_access", 0) == 0);
}

TEST_CASE("plc43 an Xid 13 on a node of another job is not the job's cause") {
  // gx-09 is a node of the cluster (gx-NN) outside the job's list; during the job's time.
  CHECK(CaseAnswer(BootstrapCase(Xid13Dmesg("gx-09", "09:00:20"))).rfind("nccl_network_misconfig", 0) == 0);
  // Near miss: a node of the job (above, gx-03 at 09:00:20) keeps it.
}

TEST_CASE("plc43 HostsOfShape: the hosts of the job's shape a line names") {
  const std::vector<std::string> shapes = {HostShape("kes-h200-081")};
  CHECK(HostsOfShape("[FIRING:1] DCGMXidError Hostname=kes-h200-090 gpu=3 xid=79", shapes) ==
        std::vector<std::string>{"kes-h200-090"});
  CHECK(HostsOfShape("(kes-h200-090: pod vit-huge-worker-2 of another team; node cordoned 03:55.)", shapes) ==
        std::vector<std::string>{"kes-h200-090"});
  CHECK(HostsOfShape("Xid 79 on GPU 3, mlx5_0 port 1 down, gpu003", shapes).empty());
  CHECK(HostsOfShape("kes-h200-090", {}).empty());
  CHECK(LabelledHosts("[FIRING:1] DCGMXidError Hostname=kes-h200-090 gpu=3 xid=79", shapes) ==
        std::vector<std::string>{"kes-h200-090"});
  CHECK(LabelledHosts("up{instance=\"kes-h200-090:9400\"} 0", shapes) == std::vector<std::string>{"kes-h200-090"});
  // Named in a line's text only (the job's own log saying where an earlier attempt ran): no label.
  CHECK(LabelledHosts("kes-h200-090 drained (Xid 31 on gpu1); attempt 2 on kes-h200-[081-088]", shapes).empty());
}

TEST_CASE("plc43 SteppedThrough: steps before and after, no restart between") {
  std::vector<StepMark> marks;
  for (int i = 0; i < 30; ++i) marks.push_back({1'000'000 + i * 20'000, 100 + i});
  CHECK(SteppedThrough(marks, 1'000'000 + 100'000));
  CHECK_FALSE(SteppedThrough(marks, 1'000'000 + 29 * 20'000 - 60'000));  // under 2 min of steps after it
  CHECK_FALSE(SteppedThrough(marks, 1'000'000 - 60'000));                 // no step before it
  CHECK_FALSE(SteppedThrough(marks, std::numeric_limits<int64_t>::max()));
  // A restart from a checkpoint between: the job did not train through it.
  std::vector<StepMark> restarted = {{0, 100}, {20'000, 101}, {400'000, 90}, {420'000, 91}, {440'000, 120}};
  CHECK_FALSE(SteppedThrough(restarted, 30'000));
  // A rerun from step 1 after the crash, and a pause of 18 min: not through either (realistic16 rl16-30's
  // reruns with other settings).
  CHECK_FALSE(SteppedThrough({{0, 1}, {1'100'000, 1}, {1'800'000, 200}}, 4'000));
  CHECK_FALSE(SteppedThrough({{0, 100}, {1'100'000, 101}, {1'120'000, 102}}, 4'000));
  // A progress line is a time, a step and a loss.
  LogClock clock;
  clock.year = 2026;
  auto m = ReadStepMarks({"[rank0]:[titan] 2026-11-20 10:00:19,635 - root - INFO - step:  8000  loss: 2.3131  tps: 3,338",
                          " [2026-11-20 10:00:55] iteration      600/  500000 | lm loss: 2.958811E+00 |",
                          "[rank0]:[titan] 2026-11-20 10:01:00,000 - root - INFO - step:  8010  tps: 3,338",
                          "step: 8020 loss: 2.2"},
                         clock);
  REQUIRE(m.size() == 2);
  CHECK(m[0].step == 8000);
  CHECK(m[1].step == 600);
}

namespace {

// A torchtitan-like job on gx-01..gx-04 stepping every 20 s from 10:00:00 to `last` (hh:mm:ss), and an
// Xid 31 of a process on gx-02 at 10:03:00.
Json SteppingCase(int steps) {
  std::vector<std::string> out;
  for (int i = 0; i < steps; ++i) {
    char line[200];
    std::snprintf(line, sizeof line, "[rank0]:[titan] 2026-11-20 10:%02d:%02d,100 - root - INFO - step: %5d  loss: 2.31%02d  tps: 3,338",
                  i / 3, (i % 3) * 20, 4000 + i, i % 100);
    out.push_back(line);
  }
  Json logs = Json::array();
  logs.push_back(Log("training/llm-8b-worker-0/pytorch", out));
  logs.push_back(Log("gx-02/dmesg", {"[Fri Nov 20 10:03:00 2026] NVRM: Xid (PCI:0000:9b:00): 31, pid=99120, name=python3, "
                                     "Ch 00000010, intr 00000000. MMU Fault: ENGINE GRAPHICS GPCCLIENT_T1_3 faulted @ "
                                     "0x7f1c_2a400000. Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_READ"}));
  return Case("t-plc43-steps", kNodes, logs);
}

}  // namespace

TEST_CASE("plc43 an Xid 31 the job's ranks trained on through is another process's") {
  // Steps to 10:09:40, six minutes past the Xid: not the job's fault.
  CHECK(CaseAnswer(SteppingCase(30)).rfind("illegal_memory_access", 0) != 0);
  // Near miss: the steps end at 10:02:40, before the Xid: the job's own crash, as before.
  CHECK(CaseAnswer(SteppingCase(9)).rfind("illegal_memory_access", 0) == 0);
}

TEST_CASE("plc43 a kernel log whose only finding is a process's segfault supports the crash, not the catalog's faults") {
  Json logs = Json::array();
  logs.push_back(Log("slurm/771300.out", {"srun: error: gx-02: task 12: Segmentation fault (core dumped)",
                                          "[rank0]:[E1120 10:42:51.000000 30120 ProcessGroupNCCL.cpp:632] [Rank 0] Watchdog "
                                          "caught collective operation timeout: WorkNCCL(SeqNum=30992, OpType=ALLREDUCE, "
                                          "Timeout(ms)=600000) ran for 600002 milliseconds before timing out."}));
  Json c = Case("t-plc43-kl", kNodes, logs);
  c["probes"]["node.kernel_log@gx-02"] = testing::KernelLogSegfaultProbe("gx-02", "segfault in libpack.so at 10:32:49, no Xid");
  CHECK(CaseAnswer(c).rfind("rank_process_crash @ gx-02", 0) == 0);
}

TEST_CASE("plc43 SaysJobRanAgain: a requeue, a restart, an attempt 2 - not a pod's back-off") {
  CHECK(SaysJobRanAgain({"[2026-12-05T05:00:02.118] preempt: JobId=99120 preempted by JobId=99200 mode=REQUEUE"}));
  CHECK(SaysJobRanAgain({"[2026-12-01 10:55:01] gx-05 drained (Xid 31 on gpu1); attempt 2 on gx-[06-09]"}));
  CHECK(SaysJobRanAgain({"=== job 4474401 requeued (--requeue), run 2 started 2026-12-02T20:55:40 ==="}));
  CHECK_FALSE(SaysJobRanAgain({"2026-12-04T10:01:50Z Warning BackOff pod/dev-0 Back-off restarting failed container"}));
}

TEST_CASE("plc43 a node outside the list is the job's when a rank's log comes from it or the job ran again") {
  auto discounted_outside = [](const Json& c) {
    const Diagnosis d = testing::RunCaseWithOwnProbes(c);
    for (const Evidence& e : d.evidence) {
      if (e.detail.find("not one of the job's") != std::string::npos) return true;
    }
    return false;
  };
  // gx-09 holds a rank's own log: a node of the job, its line kept.
  const Json rank_log = Log("gx-09/rank0/stderr", {"[rank0]: RuntimeError: CUDA error: an illegal memory access was encountered"});
  CHECK_FALSE(discounted_outside(BootstrapCase(rank_log)));
  // The job ran again (requeued): the list is the last attempt's, gx-09's Xid 13 is kept.
  Json again = BootstrapCase(Xid13Dmesg("gx-09", "09:00:20"));
  again["logs"][0]["lines"].push_back("slurmctld: requeue JobId=771204 due to node failure");
  CHECK_FALSE(discounted_outside(again));
  // Near miss: the same case, not requeued: gx-09 is another job's node.
  CHECK(discounted_outside(BootstrapCase(Xid13Dmesg("gx-09", "09:00:20"))));
}

}  // namespace vigil
