// VerificationPlanner: runs a plan of verification steps (probes, queries) with dependencies,
// independent steps concurrently, each under its own time limit.
//
// A plan is a list of VerificationStep (core/domain.h) whose `depends_on` name earlier steps by
// id. Execute() runs the steps in dependency waves: every step whose dependencies have finished is
// started at once (at most `max_parallel` threads); a step whose dependency ended in error,
// timeout or skipped is itself `skipped`. A step that overruns `step_time_limit_s` is recorded as
// `timeout` and abandoned: its thread is joined when the planner is destroyed, so a StepRunner
// must itself honour the limit it is given (ProbeExecutors do through ProbeRequest::time_limit_s).
//
// Times: `expected_s` comes from the probe catalog; `duration_s` is the step's reported duration
// (the probe's own duration_s when it gives one, else measured wall time). CriticalPathS() is the
// planned time with unlimited parallelism (longest dependency chain), SequentialS() the sum.
//
// Thread safety: one Execute() at a time per planner; StepRunner is called from worker threads
// and must be thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/domain.h"
#include "core/json.h"

namespace vigil {

struct StepResult {
  std::string outcome;     // "pass", "fail", "error", "unavailable", ...
  double duration_s = -1;  // < 0: use the measured wall time
  Json result;             // what the step returned (probe result JSON), for the trace
};

using StepRunner = std::function<StepResult(const VerificationStep& step, double time_limit_s)>;

struct PlannerOptions {
  size_t max_parallel = 8;
  double step_time_limit_s = 120;  // the limit of every step unless step_limit_s gives one
  Clock* clock = nullptr;          // nullptr = SystemClock()
  // Per-step limit (seconds, > 0), e.g. scaled from the step's expected_s; nullptr = the
  // uniform step_time_limit_s.
  std::function<double(const VerificationStep&)> step_limit_s;
};

class VerificationPlanner {
 public:
  explicit VerificationPlanner(PlannerOptions options = {});
  ~VerificationPlanner();  // joins abandoned (timed-out) steps
  VerificationPlanner(const VerificationPlanner&) = delete;
  VerificationPlanner& operator=(const VerificationPlanner&) = delete;

  // Runs `steps` (filling outcome and duration_s) and returns one StepResult per step, in order.
  // InvalidArgument for a duplicate id, an unknown dependency or a cycle (nothing is run).
  Result<std::vector<StepResult>> Execute(std::vector<VerificationStep>& steps, const StepRunner& run);

 private:
  PlannerOptions options_;
  std::mutex mu_;
  std::vector<std::thread> abandoned_;
};

// Longest chain of step durations along depends_on (duration_s when > 0, else expected_s).
// Steps that were skipped count 0. Unknown dependencies are ignored.
double CriticalPathS(const std::vector<VerificationStep>& steps);
// Sum of the same per-step times.
double SequentialS(const std::vector<VerificationStep>& steps);

}  // namespace vigil
