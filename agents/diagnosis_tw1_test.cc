// TW1 (2026-12-07): two twin readers made one. torchrun's failure report is read by
// FindTorchrunFailures alone (torchrun_failure.h; watchdog_abort.cc parsed the entries a second time):
// an entry's exit code, signal and time, srun's "N: " label on its lines. A log's Slurm job id is
// read by SlurmJobIdOfSource / SlurmJobIdOfLine alone (rendezvous_host.h; CaseJobIds kept its own
// regexes): what either accepted, both accept.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "agents/log_time.h"
#include "agents/other_job_process.h"
#include "agents/rendezvous_host.h"
#include "agents/torchrun_failure.h"
#include "agents/watchdog_abort.h"

namespace vigil {
namespace {

// torchrun's report for a rank the watchdog aborted, each line after `label` (srun --label's "3: ").
std::vector<std::string> AbortReport(const std::string& label) {
  return {
      label + "[rank10]:[E1205 14:41:50.000000 91638 ProcessGroupNCCL.cpp:632] [Rank 10] Watchdog caught collective "
              "operation timeout: WorkNCCL(SeqNum=9, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran "
              "for 600018 milliseconds before timing out.",
      label + "E1205 14:41:55.412003 1311 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: -6) "
              "local_rank: 2 (pid: 91638) of binary: /usr/bin/python3",
      label + "Root Cause (first observed failure):",
      label + "[0]:",
      label + "  time      : 2026-12-05_14:41:55",
      label + "  host      : n-02",
      label + "  rank      : 10 (local_rank: 2)",
      label + "  exitcode  : -6 (pid: 91638)",
      label + "  error_file: <N/A>",
      label + "  traceback : Signal 6 (SIGABRT) received by PID 91638",
      label + "============================================================"};
}

TEST_CASE("tw1 FindTorchrunFailures: an entry's exit code, signal and time") {
  const std::vector<TorchrunFailure> f = FindTorchrunFailures(AbortReport(""));
  REQUIRE(f.size() == 1);  // the agent's line of the same pid is the entry's, no entry of its own
  CHECK(f[0].host == "n-02");
  CHECK(f[0].rank == 10);
  CHECK(f[0].local_rank == 2);
  CHECK(f[0].pid == 91638);
  CHECK(f[0].first_line == 3);
  CHECK(f[0].last_line == 9);
  CHECK(f[0].exit_code == -6);
  CHECK(f[0].signal == 6);
  CHECK(f[0].Aborted());
  CHECK(f[0].time == "2026-12-05 14:41:55");
  CHECK_FALSE(f[0].agent_line);
  CHECK(f[0].agent_lines == std::vector<size_t>{1});
  // A SIGSEGV: exit code -11, signal 11, no abort; a signal named without its number.
  std::vector<std::string> segv = AbortReport("");
  segv[7] = "  exitcode  : -11 (pid: 91638)";
  segv[9] = "  traceback : Signal 11 (SIGSEGV) received by PID 91638";
  std::vector<TorchrunFailure> s = FindTorchrunFailures(segv);
  REQUIRE(s.size() == 1);
  CHECK(s[0].exit_code == -11);
  CHECK(s[0].signal == 11);
  CHECK_FALSE(s[0].Aborted());
  segv[9] = "  traceback : SIGBUS received";
  segv[4] = "  time      : <N/A>";
  s = FindTorchrunFailures(segv);
  REQUIRE(s.size() == 1);
  CHECK(s[0].signal == 7);
  CHECK(s[0].time.empty());  // a time in no date form
  // An exit code alone (a Python exception: "exitcode : 1 (pid: N)", traceback a link).
  const std::vector<TorchrunFailure> one = FindTorchrunFailures(
      {"[1]:", "  time      : 2026-12-05_14:42:01", "  host      : n-03", "  rank      : 17 (local_rank: 1)",
       "  exitcode  : 1 (pid: 5120)", "  error_file: <N/A>",
       "  traceback : To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html"});
  REQUIRE(one.size() == 1);
  CHECK(one[0].exit_code == 1);
  CHECK(one[0].signal == -1);
  CHECK_FALSE(one[0].Aborted());
  // The agent's own line, no report: its exit code.
  const std::vector<TorchrunFailure> agent =
      FindTorchrunFailures({"[E 05:05:59] failed (exitcode: -9) local_rank: 2 (pid: 9101) of binary: /usr/bin/python"});
  REQUIRE(agent.size() == 1);
  CHECK(agent[0].agent_line);
  CHECK(agent[0].exit_code == -9);
  CHECK(agent[0].local_rank == 2);
}

TEST_CASE("tw1 FindTorchrunFailures: srun's task label before the report's lines") {
  const std::vector<TorchrunFailure> f = FindTorchrunFailures(AbortReport("3: "));
  REQUIRE(f.size() == 1);  // before: the agent's line only, no host, no rank
  CHECK(f[0].host == "n-02");
  CHECK(f[0].rank == 10);
  CHECK(f[0].local_rank == 2);
  CHECK(f[0].first_line == 3);
  CHECK(f[0].last_line == 9);
  CHECK(f[0].exit_code == -6);
  CHECK(f[0].time == "2026-12-05 14:41:55");
  // Another task's line ends the entry (srun interleaves its tasks' lines).
  std::vector<std::string> mixed = AbortReport("3: ");
  mixed[6] = "4:   rank      : 12 (local_rank: 4)";
  const std::vector<TorchrunFailure> m = FindTorchrunFailures(mixed);
  REQUIRE(m.size() >= 1);
  CHECK(m[0].host == "n-02");
  CHECK(m[0].rank == -1);
  CHECK(m[0].last_line == 5);
}

TEST_CASE("tw1 WatchdogAbortLines reads the entries FindTorchrunFailures reads, srun's label too") {
  LogClock clock;
  clock.year = 2026;
  const std::set<size_t> expected{1, 4, 5, 6, 7, 8, 9};
  CHECK(WatchdogAbortLines(AbortReport(""), clock) == expected);
  CHECK(WatchdogAbortLines(AbortReport("3: "), clock) == expected);
  // No "[N]:" header: no entry (no case of the sets prints a report entry without one with a time).
  std::vector<std::string> headless = AbortReport("");
  headless[3] = "torch.distributed.elastic.multiprocessing.errors.ChildFailedError:";
  CHECK(WatchdogAbortLines(headless, clock).empty());
}

TEST_CASE("tw1 SlurmJobIdOfLine / SlurmJobIdOfSource: the forms CaseJobIds read") {
  CHECK(SlurmJobIdOfLine("srun: job 88411 queued and waiting for resources") == "88411");
  CHECK(SlurmJobIdOfLine("srun: job 88411 step 0: 8 tasks") == "88411");
  CHECK(SlurmJobIdOfLine("srun: Job step aborted: Waiting up to 32 seconds for job step to finish.").empty());
  CHECK(SlurmJobIdOfSource("slurm-88411.out.1") == "88411");  // rotated
  CHECK(SlurmJobIdOfSource("kst/slurm-88411_2.out (rank 7, last stage)") == "88411");
  CHECK(SlurmJobIdOfSource("slurm-88411.out.bak").empty());  // a copy (rg14's check)
  CHECK(SlurmJobIdOfSource("slurm-88411+88412.out").empty());
}

TEST_CASE("tw1 CaseJobIds: the forms SlurmJobIdOfLine read") {
  const std::vector<std::string> ids =
      CaseJobIds({"slurm-88411.out.1", "qx-11/dmesg"},
                 {"$ scontrol show job 88047 | grep NodeList", "+ echo SLURM_JOBID=88112", "srun: job 88411 step 0"}, {});
  CHECK(ids == std::vector<std::string>{"88411", "88047", "88112"});
  // ArrayJobId= is no job id of its own (both readers, before and after).
  CHECK(CaseJobIds({}, {"   JobId=88113 ArrayJobId=88112 ArrayTaskId=3"}, {}) == std::vector<std::string>{"88113"});
}

}  // namespace
}  // namespace vigil
