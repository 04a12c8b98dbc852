// VerificationPlanner: runs a plan of verification steps (probes, queries) with dependencies,
// independent steps concurrently, each under its own time limit.
//
// A plan is a list of VerificationStep (core/domain.h) whose `depends_on` name other steps by
// id. Execute() is event-driven: a step starts as soon as every step it depends on has finished
// (not when a whole wave has), at most `max_parallel` at a time; a step whose dependency ended in
// error, timeout or skipped is itself `skipped`. Steps that conflict (PlannerOptions::conflicts,
// e.g. two intrusive probes on one GPU, which would skew each other's numbers) never overlap: a
// step waits while a conflicting one runs; among steps free to start at the same moment, the
// earlier in plan order (dependency order, then list order) goes first. Each step's limit runs from its own
// start; a step that overruns it is recorded as `timeout` and abandoned: its thread is joined when the
// planner is destroyed, so a StepRunner must itself honour the limit it is given (ProbeExecutors do through
// ProbeRequest::time_limit_s).
//
// Times: `expected_s` comes from the probe catalog; `duration_s` is the step's reported duration
// (the probe's own duration_s when it gives one, else measured wall time). ScheduleSteps() replays
// Execute()'s policy on those durations (start and finish of every step); PlannedS() is the end of
// that schedule, the planned time. CriticalPathS() is the longest dependency chain alone
// (unlimited parallelism, no conflicts), SequentialS() the plain sum.
//
// Thread safety: one Execute() at a time per planner; StepRunner is called from worker threads
// and must be thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
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
// True when two steps must not run at the same time. Must be symmetric.
using StepConflict = std::function<bool(const VerificationStep& a, const VerificationStep& b)>;

// The resource model of probe steps (action "run_probe", target "probe@target", probes from
// probes/catalog.h): two *intrusive* probes conflict when they load the same hardware — the same
// GPU (`node/gpuN`), a node-wide probe (gpu.sdc, nccl.* on `node`) and any intrusive probe on that
// node, or a job-wide probe (`job/J`: its node set is not known here, so it conflicts with every
// intrusive probe). Non-intrusive probes (gpu.health, gpu.inventory, gpu.kernel_launch), queries
// and unknown probes overlap anything.
bool ProbeStepsConflict(const VerificationStep& a, const VerificationStep& b);

struct PlannerOptions {
  size_t max_parallel = 8;
  double step_time_limit_s = 120;  // the limit of every step unless step_limit_s gives one
  Clock* clock = nullptr;          // nullptr = SystemClock()
  // Per-step limit (seconds, > 0), e.g. scaled from the step's expected_s; nullptr = the
  // uniform step_time_limit_s.
  std::function<double(const VerificationStep&)> step_limit_s;
  StepConflict conflicts;  // nullptr = no step conflicts with another
  // The whole verification's deadline (steady clock; empty = none), shared by every Execute() of
  // one verification: a step not started by then is `skipped` (reason "not started: ... budget");
  // a step starting earlier gets at most the time left as its limit (its runner, a ProbeExecutor,
  // kills its process at that limit as at any step limit), and one still running at the deadline is
  // `timeout` and abandoned like any step past its limit. Results cut by it carry "budget": true.
  std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt;
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

  // Waits for the steps abandoned so far (their runners return once their executor has killed the
  // process: the limit plus the executor's grace) and returns how many it waited for. The destructor
  // does the same; call it first where the time until they are gone must be known (the budget's line).
  size_t JoinAbandoned();

 private:
  PlannerOptions options_;
  std::mutex mu_;
  std::vector<std::thread> abandoned_;
};

// The schedule Execute() follows, replayed on the steps' times (duration_s when > 0, else
// expected_s; skipped steps take 0, unavailable ones their duration_s, never expected_s): a step starts when its dependencies have finished, no
// conflicting step is running and fewer than `max_parallel` (0 = no limit) run; plan order breaks
// ties. Unknown dependencies are ignored; steps in a dependency cycle are placed in list
// order ignoring the dependencies among them.
struct StepTiming {
  double start_s = 0;
  double finish_s = 0;
};
std::vector<StepTiming> ScheduleSteps(const std::vector<VerificationStep>& steps,
                                      const StepConflict& conflicts, size_t max_parallel);
// The end of that schedule: the planned verification time.
double PlannedS(const std::vector<VerificationStep>& steps, const StepConflict& conflicts,
                size_t max_parallel);

// Longest chain of step durations along depends_on (duration_s when > 0, else expected_s).
// Skipped steps count 0, unavailable ones their duration_s (never expected_s). Unknown dependencies are ignored.
double CriticalPathS(const std::vector<VerificationStep>& steps);
// Sum of the same per-step times.
double SequentialS(const std::vector<VerificationStep>& steps);

}  // namespace vigil
