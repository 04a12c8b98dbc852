// Whose process the kernel's OOM killer ended (PLC26, 2026-12-05; realistic31 rl31-19). An OOM kill
// names its victim by pid; a process that died of its own fault (SIGSEGV, SIGBUS: a segfault in a
// JPEG decoder) is no OOM victim - the OOM killer sends SIGKILL. A node's OOM kill of another pid,
// well before the crash, is an earlier event of the node (another user's job, a day before), not the
// cause of the crash: before, its kernel line and the node.kernel_log probe that re-read it answered
// host_oom at 0.88 over the segfault. Pure functions, thread safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

// The pid an OOM-kill line names as its victim: the kernel's "Out of memory: Killed process 4412
// (python)", older kernels' "Out of memory: Kill process 4412 (python) score 901 or sacrifice child",
// "Memory cgroup out of memory: Killed process 4412 (python)", the oom-kill summary
// "oom-kill:constraint=CONSTRAINT_NONE,...,task=python,pid=4412,uid=1000" and the reaper's
// "oom_reaper: reaped process 4412 (python)". nullopt for any other line (a rank's CUDA OOM, a
// dataloader worker "killed by signal: Killed" naming no pid of the kernel).
std::optional<int64_t> OomVictimPid(std::string_view line);

// The pid of a process a line says died of its own fault, by a signal the process raises itself
// (SIGSEGV, SIGBUS, SIGILL, SIGFPE): the kernel's "python[61203]: segfault at ..." and
// "traps: python[61203] general protection fault ...", torchelastic's "failed (exitcode: -11)
// local_rank: 3 (pid: 61203)" and its "exitcode -11 (pid: 61203)" failure entry, with -7 / -4 / -8
// too. nullopt otherwise (an exit code 1, a SIGKILL -9 or SIGABRT -6: the OOM killer's or a
// watchdog's).
std::optional<int64_t> OwnFaultDeathPid(std::string_view line);

// A line that says a process was killed by SIGKILL ("exitcode: -9", "Signal 9 (SIGKILL)",
// "killed by signal: Killed", "exit code 137"): the OOM killer's mark where the launcher runs.
bool SaysKilledBySigkill(std::string_view line);

struct OomKillLine {
  std::string node;  // as the case places the line; empty: unknown
  int64_t pid = -1;
  int64_t time_ms = INT64_MAX;  // INT64_MAX: untimed
};
struct OwnDeathLine {
  std::string node;
  int64_t pid = -1;
  int64_t time_ms = INT64_MAX;
};

// Whether every OOM kill of the case is of another process than every process that died of its own
// fault on its node, and earlier by over `min_lead_ms`: each kill placed and timed, each kill's node
// has a timed death, no death of that node has the kill's pid, every timed death of that node is
// later than the kill by over `min_lead_ms` (an untimed one - torchrun's failure summary - counts for
// its pid only), and no line says a process was killed by SIGKILL
// (`sigkill_seen`). False with no kill or no death.
bool OomKilledOtherProcessEarlier(const std::vector<OomKillLine>& kills, const std::vector<OwnDeathLine>& deaths,
                                  bool sigkill_seen, int64_t min_lead_ms);

}  // namespace vigil
