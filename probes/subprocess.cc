#include "probes/subprocess.h"
#include "probes/subprocess_env.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string_view>

namespace vigil {
namespace {

void CloseFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

// The children being run (their pids, each its group's id), for StopSubprocesses. A child past the
// slots (more than 512 at once) is not listed: it is still stopped when its RunSubprocess next looks
// at g_stop_signal (every 50 ms).
std::array<std::atomic<pid_t>, 512> g_children{};
std::atomic<int> g_stop_signal{0};

void ListChild(pid_t pid) {
  for (auto& slot : g_children) {
    pid_t empty = 0;
    if (slot.compare_exchange_strong(empty, pid)) return;
  }
}

void UnlistChild(pid_t pid) {
  for (auto& slot : g_children) {
    pid_t mine = pid;
    if (slot.compare_exchange_strong(mine, 0)) return;
  }
}

std::string StopReason(int sig) {
  return std::string("vigil is stopping (") + (sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : strsignal(sig)) +
         ")";
}

}  // namespace

void StopSubprocesses(int signal) {
  int none = 0;
  g_stop_signal.compare_exchange_strong(none, signal == 0 ? SIGTERM : signal);
  for (auto& slot : g_children) {
    if (const pid_t pid = slot.load(); pid > 0) kill(-pid, SIGTERM);
  }
}

int SubprocessesStopped() { return g_stop_signal.load(); }

void KillSubprocessGroups() {
  for (auto& slot : g_children) {
    if (const pid_t pid = slot.load(); pid > 0) kill(-pid, SIGKILL);
  }
}

std::string SubprocessResult::DescribeEnd() const {
  char buf[128];
  if (stopped_by != 0) return "stopped before it ended: " + StopReason(stopped_by);
  if (timed_out) {
    std::snprintf(buf, sizeof buf, "timed out after %.1f s (killed)", wall_s);
    return buf;
  }
  if (signaled) {
    return "killed by signal " + std::to_string(term_signal) + " (" + strsignal(term_signal) + ")";
  }
  return "exit code " + std::to_string(exit_code);
}

// Ends a timed-out child: SIGTERM to its group first, so that a launcher can clean up after
// itself (srun forwards it to the job step and the step leaves the queue; after a SIGKILL the
// step would run on until Slurm's own time limit), then SIGKILL after kTermGraceS.
static void StopGroup(pid_t pid, int* status) {
  constexpr double kTermGraceS = kSubprocessStopWaitS;
  kill(-pid, SIGTERM);
  kill(pid, SIGTERM);
  auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(kTermGraceS);
  while (std::chrono::steady_clock::now() < until) {
    pid_t w = waitpid(pid, status, WNOHANG);
    if (w == pid || (w < 0 && errno != EINTR)) return;
    usleep(5000);
  }
  kill(-pid, SIGKILL);
  kill(pid, SIGKILL);
  waitpid(pid, status, 0);
}

Result<SubprocessResult> RunSubprocess(const std::vector<std::string>& argv, double timeout_s,
                                       size_t max_output_bytes) {
  return RunSubprocessWithEnv(argv, timeout_s, {}, max_output_bytes);
}

Result<SubprocessResult> RunSubprocessWithEnv(const std::vector<std::string>& argv, double timeout_s,
                                              const std::vector<std::string>& extra_env, size_t max_output_bytes) {
  if (argv.empty()) return InvalidArgumentError("RunSubprocess: empty argv");
  if (!(timeout_s > 0)) return InvalidArgumentError("RunSubprocess: timeout must be > 0");
  int out_pipe[2], err_pipe[2], exec_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return InternalError(std::string("pipe: ") + strerror(errno));
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return InternalError(std::string("pipe: ") + strerror(errno));
  }
  if (pipe2(exec_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[0]);
    close(err_pipe[1]);
    return InternalError(std::string("pipe: ") + strerror(errno));
  }
  std::vector<char*> cargv;
  for (const std::string& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  // The child's environment, made before fork (the child may only make async-signal-safe calls).
  std::vector<char*> cenv;
  if (!extra_env.empty()) {
    for (char** e = environ; *e != nullptr; ++e) {
      const std::string_view var(*e);
      const bool replaced = std::any_of(extra_env.begin(), extra_env.end(), [&](const std::string& x) {
        const size_t eq = x.find('=');
        return var.substr(0, var.find('=')) == std::string_view(x).substr(0, eq);
      });
      if (!replaced) cenv.push_back(*e);
    }
    for (const std::string& x : extra_env) cenv.push_back(const_cast<char*>(x.c_str()));
    cenv.push_back(nullptr);
  }

  auto start = std::chrono::steady_clock::now();
  if (const int sig = g_stop_signal.load(); sig != 0) {
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1], exec_pipe[0], exec_pipe[1]}) close(fd);
    return UnavailableError(StopReason(sig));
  }
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1], exec_pipe[0], exec_pipe[1]}) close(fd);
    return ResourceExhaustedError(std::string("fork: ") + strerror(e));
  }
  if (pid == 0) {  // child: only async-signal-safe calls until exec
    setpgid(0, 0);
    // Its own group keeps a signal to vigil's group from reaching it, so it would run on, an orphan,
    // when vigil dies (SIGTERM to `vigil diagnose`, a second SIGTERM to `vigil serve`, the OOM
    // killer): an intrusive probe loading a GPU whose host-wide lease (probe_lock.h, held by vigil)
    // was gone. It gets SIGKILL then. The forking thread waits in RunSubprocess until the child is
    // reaped, so the signal (sent when that thread ends) comes only with vigil's end.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // vigil died before the line above
    // The signal mask is inherited through exec: `vigil serve` blocks SIGINT, SIGTERM and SIGHUP in
    // every thread (it takes them with sigtimedwait), so its probes ran with SIGTERM blocked and the
    // SIGTERM of StopGroup (srun's chance to cancel its job step) never arrived (DOG7).
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    signal(SIGPIPE, SIG_DFL);
    if (cenv.empty()) {
      execvp(cargv[0], cargv.data());
    } else {
      execvpe(cargv[0], cargv.data(), cenv.data());
    }
    int e = errno;
    ssize_t ignored = write(exec_pipe[1], &e, sizeof e);
    (void)ignored;
    _exit(127);
  }
  setpgid(pid, pid);  // also from the parent, so the group exists before any kill
  ListChild(pid);
  if (g_stop_signal.load() != 0) kill(-pid, SIGTERM);  // StopSubprocesses ran between the check and the list
  close(out_pipe[1]);
  close(err_pipe[1]);
  close(exec_pipe[1]);

  int exec_errno = 0;
  ssize_t n = read(exec_pipe[0], &exec_errno, sizeof exec_errno);  // EOF at a successful exec
  close(exec_pipe[0]);
  if (n == static_cast<ssize_t>(sizeof exec_errno)) {
    int status = 0;
    waitpid(pid, &status, 0);
    close(out_pipe[0]);
    close(err_pipe[0]);
    return NotFoundError("cannot execute `" + argv[0] + "`: " + strerror(exec_errno));
  }

  SubprocessResult res;
  int fds[2] = {out_pipe[0], err_pipe[0]};
  std::string* bufs[2] = {&res.out, &res.err};
  auto deadline = start + std::chrono::duration<double>(timeout_s);
  char chunk[65536];
  int status = 0;
  // The pipes stay open while anything the child started holds them (ssh's ControlPersist master,
  // a daemon a wrapper script starts): reading to their end waited for the deadline and turned a
  // finished probe's complete answer into a timeout. Once the child itself has exited, what is
  // still coming is read until the pipes are quiet for kDrainMs (at most kDrainMaxMs), then they
  // are closed and the group's leftovers killed below.
  constexpr int kExitCheckMs = 50;
  constexpr int kDrainMs = 200;
  constexpr int kDrainMaxMs = static_cast<int>(kSubprocessStopWaitS * 1000);
  bool reaped = false;
  // StopSubprocesses's signal as the child was reaped (RV2): a child that handles its SIGTERM and exits
  // with a code of its own (ssh: 255, "Killed by signal 15."; a wrapper's trap: 0) was stopped all the
  // same; its exit code stood before, and an ssh: probe read "ssh failed before vigil-probe ran".
  int stop_at_exit = 0;
  std::chrono::steady_clock::time_point exited_at;
  while (fds[0] >= 0 || fds[1] >= 0) {
    auto now = std::chrono::steady_clock::now();
    if (!reaped) {
      pid_t w = waitpid(pid, &status, WNOHANG);
      if (w == pid) {
        reaped = true;
        exited_at = now;
        stop_at_exit = g_stop_signal.load();
      }
    }
    if (now >= deadline && !reaped) {
      res.timed_out = true;
      break;
    }
    if (const int sig = g_stop_signal.load(); sig != 0 && !reaped) {
      res.stopped_by = sig;
      break;
    }
    int wait_ms;
    if (reaped) {
      const auto drained = std::chrono::duration_cast<std::chrono::milliseconds>(now - exited_at).count();
      if (drained >= kDrainMaxMs) break;
      wait_ms = static_cast<int>(std::min<int64_t>(kDrainMs, kDrainMaxMs - drained));
    } else {
      wait_ms = static_cast<int>(std::min<int64_t>(
          kExitCheckMs, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1));
    }
    pollfd p[2];
    int np = 0;
    int which[2];
    for (int i = 0; i < 2; ++i) {
      if (fds[i] >= 0) {
        p[np] = {fds[i], POLLIN, 0};
        which[np++] = i;
      }
    }
    int r = poll(p, np, wait_ms);
    if (r < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (r == 0 && reaped) break;  // the child is gone and its pipes are quiet
    for (int k = 0; k < np; ++k) {
      if (!(p[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      int i = which[k];
      ssize_t got = read(fds[i], chunk, sizeof chunk);
      if (got <= 0) {
        if (got < 0 && errno == EINTR) continue;
        CloseFd(fds[i]);
        continue;
      }
      size_t room = max_output_bytes > bufs[i]->size() ? max_output_bytes - bufs[i]->size() : 0;
      if (static_cast<size_t>(got) > room) res.output_truncated = true;
      bufs[i]->append(chunk, std::min(room, static_cast<size_t>(got)));
    }
  }
  if (res.timed_out || res.stopped_by != 0) {
    StopGroup(pid, &status);
  } else if (!reaped) {
    // Pipes closed; the child may still be running (it closed its stdout): wait until the deadline.
    while (true) {
      pid_t w = waitpid(pid, &status, WNOHANG);
      if (w == pid) {
        stop_at_exit = g_stop_signal.load();
        break;
      }
      if (w < 0 && errno != EINTR) break;
      if (const int sig = g_stop_signal.load(); sig != 0) {
        res.stopped_by = sig;
        StopGroup(pid, &status);
        break;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        res.timed_out = true;
        StopGroup(pid, &status);
        break;
      }
      usleep(2000);
    }
  }
  kill(-pid, SIGKILL);  // anything the child left behind in its group
  UnlistChild(pid);
  CloseFd(fds[0]);
  CloseFd(fds[1]);
  res.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // StopSubprocesses's SIGTERM ended the child before this loop saw the flag: killed by it, or exited on
  // its own with the flag already set (a child done just before the stop is taken as stopped too).
  if (const int sig = g_stop_signal.load();
      sig != 0 && res.stopped_by == 0 && !res.timed_out &&
      (stop_at_exit != 0 || (WIFSIGNALED(status) && (WTERMSIG(status) == SIGTERM || WTERMSIG(status) == SIGKILL)))) {
    res.stopped_by = sig;
  }
  if (!res.timed_out && res.stopped_by == 0) {
    if (WIFSIGNALED(status)) {
      res.signaled = true;
      res.term_signal = WTERMSIG(status);
    } else if (WIFEXITED(status)) {
      res.exit_code = WEXITSTATUS(status);
    }
  }
  return res;
}

}  // namespace vigil
