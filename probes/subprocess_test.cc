// RunSubprocess and StopSubprocesses (subprocess.h): review RV2's cases. StopSubprocesses lasts for the
// rest of the process, so each case runs it in a forked copy of this test process and reads the
// outcome from that copy's exit status.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

#include "probes/subprocess.h"

namespace vigil {
namespace {

// In a fork: runs `script` (sh -c), calls StopSubprocesses(SIGTERM) `after_ms` later, and exits 0 when
// the result says the child was stopped (stopped_by == SIGTERM), 1 when it says otherwise (its end
// printed on stderr), 2 when RunSubprocess failed.
int StoppedInFork(const char* script, int after_ms) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::thread stop([after_ms] {
      std::this_thread::sleep_for(std::chrono::milliseconds(after_ms));
      StopSubprocesses(SIGTERM);
    });
    auto r = RunSubprocess({"sh", "-c", script}, 60);
    stop.join();
    if (!r.ok()) _exit(2);
    std::fprintf(stderr, "child: %s (stopped_by %d)\n", r->DescribeEnd().c_str(), r->stopped_by);
    _exit(r->stopped_by == SIGTERM ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

// RV2 (2026-12-06): a child that handles SIGTERM and exits with a code of its own - ssh does (exit 255,
// "Killed by signal 15."), so does a wrapper script with a trap - was not marked stopped: its exit
// code stood, and `vigil diagnose` stopped by Ctrl-C with the ssh: executor printed "no probe can run on
// NODE ... ssh failed before vigil-probe ran (exit code 255)": the node taken as unreachable.
TEST_CASE("rv2 RunSubprocess: a child that exits on its own after StopSubprocesses's SIGTERM was stopped") {
  CHECK(StoppedInFork("trap 'echo Killed by signal 15. >&2; exit 255' TERM; sleep 30 & wait", 300) == 0);
  CHECK(StoppedInFork("trap 'exit 0' TERM; sleep 30 & wait", 300) == 0);
  // As before: a child ended by the signal itself.
  CHECK(StoppedInFork("sleep 30", 300) == 0);
}

}  // namespace
}  // namespace vigil
