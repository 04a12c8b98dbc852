// Runs a program with a wall-clock limit, capturing stdout and stderr (fork/exec, pipes, poll).
//
// The child runs in its own process group; on timeout the group gets SIGTERM (so srun can cancel
// its job step) and, 2 s later, SIGKILL, so a hung probe and anything it started are gone when
// RunSubprocess returns. The child (not the rest of its group) gets SIGKILL when this process dies
// first (PR_SET_PDEATHSIG): a probe does not run on, orphaned, after vigil is killed. No shell is involved: argv is passed as is. Thread-safe (no shared
// state); blocks the caller for at most about timeout_s + 3 s.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace vigil {

struct SubprocessResult {
  int exit_code = -1;   // valid when !signaled && !timed_out
  int term_signal = 0;  // the signal that ended the child, when signaled
  bool signaled = false;
  bool timed_out = false;  // killed by us after timeout_s
  // StopSubprocesses's signal, when it ended the child (SIGTERM, then SIGKILL), or the child exited after
  // it was called (however: ssh exits 255 on SIGTERM, a trap may exit 0; RV2); its exit code is then unset.
  int stopped_by = 0;
  bool output_truncated = false;
  std::string out;  // stdout, at most max_output_bytes
  std::string err;  // stderr, at most max_output_bytes
  double wall_s = 0;

  // "exit code 3", "killed by signal 11 (Segmentation fault)", "timed out after 5.0 s (killed)".
  std::string DescribeEnd() const;
};

// How long a timed-out child's group has between SIGTERM and SIGKILL (and the most a child that
// exited may go on printing through what it left holding its pipes): RunSubprocess returns at most
// about this long after timeout_s.
inline constexpr double kSubprocessStopWaitS = 2.0;

// Ends every child RunSubprocess is running now (SIGTERM to each one's process group; RunSubprocess
// then waits kSubprocessStopWaitS for it and sends SIGKILL) and refuses every later one
// (Unavailable, "not run: vigil is stopping (SIGTERM)"): `vigil diagnose` on SIGINT / SIGTERM and
// `vigil serve` once its shutdown bound has passed (DOG7, 2026-12-05). Before, a signal to vigil
// killed its direct child only (PR_SET_PDEATHSIG) and the rest of the probe's group ran on,
// orphaned (seen: a probe script's `sleep`s after `vigil diagnose --alert` got SIGTERM). `signal`
// is the one vigil got (its name in the messages). Thread-safe; not async-signal-safe (call it
// from a thread that took the signal with sigwait). Lasts for the rest of the process.
void StopSubprocesses(int signal);
// The signal given to StopSubprocesses, 0 while it has not been called.
int SubprocessesStopped();
// SIGKILL to the process group of every child running now (a second signal: no grace).
void KillSubprocessGroups();

// NotFound when argv[0] cannot be executed (the message names it and errno); InvalidArgument for
// an empty argv or a timeout <= 0. Any way the child ends is a SubprocessResult.
Result<SubprocessResult> RunSubprocess(const std::vector<std::string>& argv, double timeout_s,
                                       size_t max_output_bytes = 64u << 20);

}  // namespace vigil
