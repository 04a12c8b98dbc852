#include "server/stop_signal.h"

#include <pthread.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>

#include "connectors/http_client.h"
#include "probes/subprocess.h"

namespace vigil {

std::string SignalName(int sig) {
  if (sig == SIGINT) return "SIGINT";
  if (sig == SIGTERM) return "SIGTERM";
  return strsignal(sig);
}

StopOnSignal::StopOnSignal(std::string command, double bound_s) : command_(std::move(command)), bound_s_(bound_s) {
  sigemptyset(&set_);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set_, &old_);
  thread_ = std::thread([this] { Watch(); });
}

StopOnSignal::~StopOnSignal() {
  done_ = true;
  thread_.join();
  pthread_sigmask(SIG_SETMASK, &old_, nullptr);  // a signal still pending now takes its default action
}

void StopOnSignal::Watch() {
  using Clock = std::chrono::steady_clock;
  Clock::time_point first{};
  while (!done_) {
    timespec ts{0, 100'000'000L};
    const int sig = sigtimedwait(&set_, nullptr, &ts);
    if (sig > 0 && signal_.load() == 0) {
      signal_ = sig;
      first = Clock::now();
      std::fprintf(stderr,
                   "vigil %s: %s: stopping: the probes running are ended (SIGTERM to each one's process group, "
                   "SIGKILL %.0f s later) and no other starts; LLM and Prometheus requests are aborted; send it "
                   "again to quit now\n",
                   command_.c_str(), SignalName(sig).c_str(), kSubprocessStopWaitS);
      StopSubprocesses(sig);
      CancelAllHttpTransfers(SignalName(sig));
      continue;
    }
    const int first_sig = signal_.load();
    const bool late = first_sig != 0 && Clock::now() - first > std::chrono::duration<double>(bound_s_);
    if ((sig > 0 && first_sig != 0) || late) {
      KillSubprocessGroups();
      std::fprintf(stderr, "vigil %s: %s: quit now%s; the probes' process groups were sent SIGKILL; nothing more "
                           "is printed (exit %d)\n",
                   command_.c_str(), SignalName(sig > 0 ? sig : first_sig).c_str(),
                   late ? (" (not ended " + std::to_string(static_cast<int>(bound_s_)) + " s after the first)").c_str()
                        : " (a second signal)",
                   128 + first_sig);
      std::fflush(stderr);
      _exit(128 + first_sig);
    }
  }
}

int StopOnSignal::Exit(int rc) const {
  const int sig = signal_.load();
  if (sig == 0) return rc;
  std::fprintf(stderr, "vigil %s: stopped by %s: the probes it ran were ended; %s; exit %d\n", command_.c_str(),
               SignalName(sig).c_str(),
               command_ == "diagnose" ? "what is printed above was finished without them (see \"not verified\")"
                                      : "the results above name the probes stopped or not run",
               128 + sig);
  return 128 + sig;
}

}  // namespace vigil
