// VerificationBoard: what a `vigil serve` triage's verification is doing right now, for the
// on-call engineer who waits on it (GET /api/v1/incidents/{id}'s `verification`, the chat).
//
// A triage run by the triage workers (server/triage_workers.h: ScopedTriageProgress) opens the
// incident's record (Begin, serve's MakeTriageSources) and the workers close it with the outcome
// (End); the probe executor of that triage is wrapped (Observe: probes/observed_executor.h), which
// records each probe step as it starts (probe, target, when, the
// limit it got) and as it ends (status, reason, seconds). The reasoner's planner calls the
// executor from its own threads, so every method takes the board's mutex. The record names the
// hypotheses the steps bear on (the catalog's categories of each started probe: probes/catalog.h
// `evidence`), and, once a budget was given, the budget, the seconds spent since the first probe
// started (the reasoner counts its budget from there: agents/builtin_reasoner.h
// verification_budget_s) and the seconds left. The reasoner's own view comes through Observer()
// (agents/verification_observer.h, set by TriageWorkers around the triage): the steps a round
// planned that have not started yet, and the leading hypotheses with their posterior after the
// latest round.
//
// Records live in memory (not in incidents.db): a restarted serve shows none for incidents
// triaged before; the stored diagnosis keeps the evidence. The board keeps the newest
// `max_records` finished records (older ones are dropped; running ones are never dropped).
// Replays of case sets (`vigil diagnose --case`, evals) do not use it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "agents/verification_observer.h"
#include "core/json.h"
#include "probes/probe.h"

namespace vigil {

class VerificationBoard {
 public:
  // `now_ms`: a monotonic-enough clock in ms (nullptr: steady_clock).
  explicit VerificationBoard(size_t max_records = 256, std::function<int64_t()> now_ms = nullptr);

  // The triage of incident `id` started (a retry starts a new record). `budget_s`: the
  // verification budget (0: none); `grace_s`: the probe executor's grace (ProbeExecutorGraceS).
  void Begin(int64_t id, double budget_s, double grace_s, std::string executor);
  // Incident `id`'s triage ended: "diagnosed", "failed" or "retried". Steps still running are
  // marked abandoned.
  void End(int64_t id, const std::string& outcome);
  // `inner` wrapped so that each probe step it runs for incident `id` is recorded on this board
  // as it starts and ends (probes/observed_executor.h); the board must outlive it.
  std::unique_ptr<ProbeExecutor> Observe(std::unique_ptr<ProbeExecutor> inner, int64_t id);
  // A step started / ended (Observe's executor). `step` indexes the record's steps.
  size_t StepStarted(int64_t id, const std::string& probe, const std::string& target, double limit_s);
  void StepFinished(int64_t id, size_t step, const ProbeResult& result);
  // The step waits for a host-wide lease another process holds (`held_by`: what and by whom,
  // ReportLeaseWait in probes/observed_executor.h), or no longer ("": its probe runs now).
  void StepWaiting(int64_t id, size_t step, const std::string& held_by);
  // The reasoner planned round `round`'s `steps` (not started yet; each leaves the plan as it
  // starts, StepStarted with the same probe and target) / ranked its hypotheses after round
  // `round` (0: before any probe; the steps of the round that did not start leave the plan).
  void Planned(int64_t id, int round, const std::vector<PlannedProbeStep>& steps);
  void Ranked(int64_t id, int round, const std::vector<RankedHypothesis>& leading);
  // An observer that forwards the reasoner's reports for incident `id` to Planned / Ranked; the
  // board must outlive it.
  std::unique_ptr<VerificationObserver> Observer(int64_t id);

  // {state: running|diagnosed|failed|retried, executor, started_at_ms?, budget_s?, probe_grace_s?,
  //  elapsed_s, left_s?, steps: {done, running, total}, checking: [category...] (the hypotheses the
  //  steps so far bear on, most steps first), running: [{probe, target, for_s, limit_s}],
  //  waiting: [{probe, target, for_s, limit_s, waiting_s, waiting_for}] (started, but waiting for
  //  another process's lease on the GPU or node: waiting_for names it and its holder; not in
  //  `running`, counted in steps.waiting),
  //  done: [{probe, target, status, reason, seconds}], planned: [{probe, target}] (chosen by the
  //  reasoner, not started), round (the latest round planned), leading: [{hypothesis, target,
  //  posterior}] (the reasoner's ranking after round `leading_round`), summary: one line in words}
  // nullopt when the board has no record of `id`.
  std::optional<Json> Get(int64_t id) const;

 private:
  struct Step {
    std::string probe, target;
    double limit_s = 0;
    int64_t started_ms = 0;
    std::optional<ProbeResult> result;
    bool abandoned = false;
    std::string waiting_for;  // not empty: waiting for another process's lease since waiting_ms
    int64_t waiting_ms = 0;
  };
  struct Record {
    std::string state = "running";
    std::string executor;
    double budget_s = 0, grace_s = 0;
    int64_t begun_ms = 0, first_probe_ms = 0, ended_ms = 0;
    std::vector<Step> steps;
    std::vector<PlannedProbeStep> planned;  // chosen, not started
    int round = 0, leading_round = -1;
    std::vector<RankedHypothesis> leading;
  };
  int64_t Now() const;

  size_t max_records_;
  std::function<int64_t()> now_ms_;
  mutable std::mutex mu_;
  std::map<int64_t, Record> records_;
  std::vector<int64_t> finished_;  // ids in the order they ended (dropping the oldest)
};

// One line in words of a `verification` object (VerificationBoard::Get), for the chat:
// "verifying: 2 of 5 probe steps done, 3 running (gpu.gemm@n1/gpu3 for 4 s); checking
// gpu_compute, gpu_memory; 41 s of the 60 s budget left".
std::string VerificationSummary(const Json& verification);

// The board and incident of the triage running on this thread (set by TriageWorkers around the
// triage call, so that the triage function can wrap its executor); {nullptr, 0} elsewhere.
struct TriageProgress {
  VerificationBoard* board = nullptr;
  int64_t incident = 0;
};
TriageProgress CurrentTriageProgress();
class ScopedTriageProgress {
 public:
  explicit ScopedTriageProgress(TriageProgress p);
  ~ScopedTriageProgress();
  ScopedTriageProgress(const ScopedTriageProgress&) = delete;
  ScopedTriageProgress& operator=(const ScopedTriageProgress&) = delete;

 private:
  TriageProgress saved_;
};

}  // namespace vigil
