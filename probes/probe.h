// Probe requests, results and the ProbeExecutor interface.
//
// A probe answers one question about one target ("is gpu5 on node-3 healthy?") in seconds. Its
// result is the JSON object `vigil-probe` prints per probe:
//   {probe, target, status: pass|fail|error|unavailable, metrics{...}, thresholds{...}, reason,
//    duration_s}
// Executors (local subprocess, ssh, slurm srun, replay of recorded results) turn a request into
// results; a probe that crashes, hangs or prints garbage becomes an `error` result with the reason,
// never a crash of the caller.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace vigil {

enum class ProbeStatus { kPass, kFail, kError, kUnavailable };
std::string_view ProbeStatusName(ProbeStatus s);           // "pass", ...
Result<ProbeStatus> ParseProbeStatus(std::string_view s);

struct ProbeResult {
  std::string probe;    // "gpu.health"
  std::string target;   // "node-3/gpu5", "node-3", "" for the local node
  ProbeStatus status = ProbeStatus::kUnavailable;
  std::map<std::string, double> metrics;     // measured values, units in the name (tflops, gbps, ...)
  std::map<std::string, double> thresholds;  // the bounds they were judged against
  std::string reason;   // why it passed/failed/errored, in words
  double duration_s = 0;
  Json details;         // probe-specific extras (inventory strings, per-link tables); may be null
};

void to_json(Json& j, const ProbeResult& r);
void from_json(const Json& j, ProbeResult& r);

struct ProbeRequest {
  std::vector<std::string> probes;  // names from the catalog
  std::string target;               // "node-3/gpu5", "node-3", or "" (local)
  double time_limit_s = 60;         // whole request
  bool allow_intrusive = false;
};

class ProbeExecutor {
 public:
  virtual ~ProbeExecutor() = default;
  // Runs the probes on the target; one result per requested probe, in request order. Only
  // programming errors return a non-OK Result; probe failures are results.
  virtual Result<std::vector<ProbeResult>> Run(const ProbeRequest& request) = 0;
  virtual std::string Describe() const = 0;
};

// Factory by spec string: "local", "local:binary=/path/vigil-probe", "ssh:user=ops",
// "slurm:partition=gpu", "replay:FILE" (FILE: JSON object "probe@target" -> result).
// InvalidArgument for an unknown spec, naming the accepted ones.
Result<std::unique_ptr<ProbeExecutor>> MakeProbeExecutor(const std::string& spec);

// --- Additions (issue 6) --------------------------------------------------------------------

// Validates one result object strictly: `probe` (non-empty string) and `status` are required;
// `target`, `reason` strings; `metrics`/`thresholds` objects of finite numbers; `duration_s` a
// finite number >= 0; `details` anything. InvalidArgument names `what` and the offending field.
Result<ProbeResult> ParseProbeResult(const Json& j, std::string_view what = "probe result");

// Parses the document `vigil-probe` prints: {"vigil_probe": 1, "host": ..., "results": [...]}
// (a bare array of results is accepted too). Garbage text, a missing `results` array or any bad
// result is InvalidArgument naming `what` (and the result index).
Result<std::vector<ProbeResult>> ParseProbeDocument(std::string_view text,
                                                    std::string_view what = "vigil-probe output");

// A result that says a probe could not produce an answer (status error/unavailable), for
// executors and callers that need one per requested probe.
ProbeResult MakeProbeResult(std::string probe, std::string target, ProbeStatus status,
                            std::string reason, double duration_s = 0);

// Replay executor over recorded results: `recorded` is a JSON object whose keys are
// "probe@target" (target may be empty: "gpu.health@") and whose values are result objects.
// Run() returns the recorded result for each requested probe on the request's target (its
// recorded duration_s is the reported duration), and `unavailable` for a probe not recorded.
// InvalidArgument when `recorded` is not such an object or an entry is not a valid result
// (the key is named). Thread-safe: Run() only reads.
Result<std::unique_ptr<ProbeExecutor>> MakeReplayExecutor(const Json& recorded);

}  // namespace vigil
