// The replay executor: recorded results, for offline benchmarks and tests.
#include <map>

#include "probes/probe.h"

namespace vigil {
namespace {

class ReplayExecutor : public ProbeExecutor {
 public:
  explicit ReplayExecutor(std::map<std::string, ProbeResult> recorded) : recorded_(std::move(recorded)) {}

  Result<std::vector<ProbeResult>> Run(const ProbeRequest& request) override {
    std::vector<ProbeResult> out;
    for (const std::string& probe : request.probes) {
      auto it = recorded_.find(probe + "@" + request.target);
      if (it == recorded_.end()) {
        out.push_back(MakeProbeResult(probe, request.target, ProbeStatus::kUnavailable,
                                      "no recorded result for " + probe + "@" + request.target));
        continue;
      }
      ProbeResult r = it->second;
      r.probe = probe;
      r.target = request.target;
      out.push_back(std::move(r));
    }
    return out;
  }

  std::string Describe() const override {
    return "replay (" + std::to_string(recorded_.size()) + " recorded results)";
  }

 private:
  const std::map<std::string, ProbeResult> recorded_;
};

}  // namespace

Result<std::unique_ptr<ProbeExecutor>> MakeReplayExecutor(const Json& recorded) {
  if (!recorded.is_object()) {
    return InvalidArgumentError("replay: expected a JSON object of \"probe@target\" -> result, got " +
                                std::string(recorded.type_name()));
  }
  std::map<std::string, ProbeResult> results;
  for (const auto& [key, value] : recorded.items()) {
    auto at = key.find('@');
    if (at == std::string::npos || at == 0) {
      return InvalidArgumentError("replay: key `" + key + "` is not \"probe@target\"");
    }
    ASSIGN_OR_RETURN(ProbeResult r, ParseProbeResult(value, "replay: `" + key + "`"));
    if (r.probe != key.substr(0, at)) {
      return InvalidArgumentError("replay: `" + key + "` holds a result for probe `" + r.probe + "`");
    }
    results.emplace(key, std::move(r));
  }
  return std::unique_ptr<ProbeExecutor>(new ReplayExecutor(std::move(results)));
}

}  // namespace vigil
