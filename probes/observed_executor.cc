#include "probes/observed_executor.h"

namespace vigil {

Result<std::vector<ProbeResult>> ObservedProbeExecutor::Run(const ProbeRequest& request) {
  std::vector<size_t> steps;
  steps.reserve(request.probes.size());
  for (const std::string& p : request.probes) {
    steps.push_back(observer_.started ? observer_.started(p, request.target, request.time_limit_s) : 0);
  }
  Result<std::vector<ProbeResult>> out = inner_->Run(request);
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
