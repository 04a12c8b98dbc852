#include "probes/observed_executor.h"

#include <utility>

namespace vigil {
namespace {

// The observed request running on this thread (the planner runs each request on one thread).
struct ObservedRun {
  const ProbeStepObserver* observer;
  const std::vector<size_t>* steps;
};
thread_local const ObservedRun* current_run = nullptr;

}  // namespace

void ReportLeaseWait(const std::string& held_by) {
  if (current_run == nullptr || !current_run->observer->waiting) return;
  for (size_t step : *current_run->steps) current_run->observer->waiting(step, held_by);
}

Result<std::vector<ProbeResult>> ObservedProbeExecutor::Run(const ProbeRequest& request) {
  std::vector<size_t> steps;
  steps.reserve(request.probes.size());
  for (const std::string& p : request.probes) {
    steps.push_back(observer_.started ? observer_.started(p, request.target, request.time_limit_s) : 0);
  }
  const ObservedRun run{&observer_, &steps};
  const ObservedRun* saved = std::exchange(current_run, &run);
  Result<std::vector<ProbeResult>> out = inner_->Run(request);
  current_run = saved;
  if (!observer_.finished) return out;
  for (size_t i = 0; i < steps.size(); ++i) {
    if (out.ok() && i < out->size()) {
      observer_.finished(steps[i], (*out)[i]);
    } else {
      observer_.finished(steps[i], MakeProbeResult(request.probes[i], request.target, ProbeStatus::kError,
                                                   out.ok() ? "the executor gave no result for it"
                                                            : out.status().message()));
    }
  }
  return out;
}

const ProbeExecutor& UnobservedExecutor(const ProbeExecutor& executor) {
  const ProbeExecutor* e = &executor;
  while (const auto* o = dynamic_cast<const ObservedProbeExecutor*>(e)) e = &o->inner();
  return *e;
}

}  // namespace vigil
