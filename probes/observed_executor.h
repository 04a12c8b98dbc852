// ObservedProbeExecutor: forwards every request to another executor and tells an observer when
// each probe step of it starts and ends (server/verification_progress.h shows a `vigil serve`
// triage's steps to the on-call engineer with it). It changes nothing the executor does:
// IsCommandExecutor, ProbeExecutorGraceS and CommandExecutorArgv (command_executor.h) answer for
// the executor it wraps, so a reasoner's budget keeps the wrapped executor's grace.
// Thread-safe as far as the wrapped executor and the observer are (the reasoner's planner calls
// Run from several threads at once).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "probes/probe.h"

namespace vigil {

struct ProbeStepObserver {
  // A probe of a request is about to run: returns a step number handed back to `finished`.
  std::function<size_t(const std::string& probe, const std::string& target, double limit_s)> started;
  // Its result (an `error` result naming the executor's error when Run returned one).
  std::function<void(size_t step, const ProbeResult& result)> finished;
  // The step waits for a host-wide lease another process holds (probes/probe_lock.h): `held_by`
  // says what is held and by whom ("GPU 0 of vm (lock DIR/vm.gpu0.lock, held by pid 8737 (...))");
  // called again with "" when the lease was taken and the probe runs. May be unset.
  std::function<void(size_t step, const std::string& held_by)> waiting;
};

// Called by an executor on the thread running ObservedProbeExecutor::Run's request: every step of
// that request waits for another process's lease (`held_by` as above), or no longer ("").
// Nothing happens outside an observed run (`vigil probe run`, replays).
void ReportLeaseWait(const std::string& held_by);

class ObservedProbeExecutor : public ProbeExecutor {
 public:
  ObservedProbeExecutor(std::unique_ptr<ProbeExecutor> inner, ProbeStepObserver observer)
      : inner_(std::move(inner)), observer_(std::move(observer)) {}
  Result<std::vector<ProbeResult>> Run(const ProbeRequest& request) override;
  std::string Describe() const override { return inner_->Describe(); }
  const ProbeExecutor& inner() const { return *inner_; }

 private:
  std::unique_ptr<ProbeExecutor> inner_;
  ProbeStepObserver observer_;
};

// `executor` with every ObservedProbeExecutor around it taken off.
const ProbeExecutor& UnobservedExecutor(const ProbeExecutor& executor);

}  // namespace vigil
