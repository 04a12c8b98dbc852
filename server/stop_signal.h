// SIGINT / SIGTERM (Ctrl-C, `kill`, systemd, a cron job's timeout) while a command runs probes
// (`vigil diagnose`, `vigil probe run`; DOG7, 2026-12-05). Before, the signal's default action ended
// vigil at once: its direct child got SIGKILL (PR_SET_PDEATHSIG) and the rest of the probe's process
// group ran on, orphaned (a probe script's `sleep`s, seen with pgrep).
//
// While a StopOnSignal lives, both signals are blocked in the thread that made it and in every
// thread started after, and a thread of its own takes them (sigtimedwait). The first one:
// StopSubprocesses (probes/subprocess.h: each probe's group gets SIGTERM, SIGKILL 2 s later, no new
// probe starts), said on stderr; the command then ends on its own (a diagnosis goes on without its
// probes: the probes stopped are "not verified", with the reason) and returns Exit(rc): 130 for
// SIGINT, 143 for SIGTERM. A second signal, or the command still running `bound_s` after the first:
// SIGKILL to every probe's group and _exit(128 + signal) at once (what was being written is
// SQLite's to roll back at the next open). Make it before any thread starts.
#pragma once

#include <atomic>
#include <csignal>
#include <string>
#include <thread>

namespace vigil {

class StopOnSignal {
 public:
  StopOnSignal(std::string command, double bound_s);
  ~StopOnSignal();
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

  // The signal taken (SIGINT / SIGTERM), 0 when none came.
  int signal() const { return signal_.load(); }
  // `rc` when no signal came; else 128 + the signal, said on stderr ("vigil diagnose: stopped by
  // SIGTERM: ...").
  int Exit(int rc) const;

 private:
  void Watch();

  std::string command_;
  double bound_s_;
  sigset_t set_{};
  sigset_t old_{};
  std::atomic<int> signal_{0};
  std::atomic<bool> done_{false};
  std::thread thread_;
};

// "SIGINT", "SIGTERM", else strsignal's name.
std::string SignalName(int sig);

}  // namespace vigil
