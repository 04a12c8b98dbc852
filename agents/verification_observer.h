// VerificationObserver: what the built-in reasoner tells an onlooker while it verifies (VER4,
// 2026-12-04): the probe steps of each round as soon as they are chosen (before any starts), and
// the leading hypotheses with their posterior before the first round and after each round.
// `vigil serve`'s verification board (server/verification_progress.h) shows them in
// GET /api/v1/incidents/{id}'s `verification` (`planned`, `leading`) while the triage runs.
//
// The observer is handed in per thread, not through ReasonerOptions (agents/builtin_reasoner.h is
// included nearly everywhere): ScopedVerificationObserver sets it on the calling thread for its
// lifetime, and BuiltinReasoner::Diagnose, which makes its round decisions on the thread that calls
// it, reads CurrentVerificationObserver(). Its methods are called on that thread only, never from
// the planner's step threads. None set (every replay, `vigil diagnose`, the evals): nothing is
// reported and nothing else changes. The observer must not throw.
#pragma once

#include <string>
#include <vector>

namespace vigil {

struct PlannedProbeStep {
  std::string probe;   // catalog name, e.g. "gpu.gemm"
  std::string target;  // e.g. "node-3/gpu5"
};

struct RankedHypothesis {
  std::string category;   // taxonomy category, e.g. "straggler_rank"
  std::string component;  // where the reasoner places it now ("node-3/gpu5", "job"), may be ""
  double posterior = 0;   // 0..1
};

class VerificationObserver {
 public:
  virtual ~VerificationObserver() = default;
  // Round `round` (1, 2, ...) will run `steps` now; they have not started yet.
  virtual void Planned(int round, const std::vector<PlannedProbeStep>& steps) = 0;
  // The beliefs after round `round` (0: before any probe), the leading hypotheses first.
  virtual void Ranked(int round, const std::vector<RankedHypothesis>& leading) = 0;
};

// The observer set on this thread (nullptr when none).
VerificationObserver* CurrentVerificationObserver();

// Sets `observer` (may be nullptr) as this thread's observer until destroyed, then restores the
// one before. The observer must outlive the scope.
class ScopedVerificationObserver {
 public:
  explicit ScopedVerificationObserver(VerificationObserver* observer);
  ~ScopedVerificationObserver();
  ScopedVerificationObserver(const ScopedVerificationObserver&) = delete;
  ScopedVerificationObserver& operator=(const ScopedVerificationObserver&) = delete;

 private:
  VerificationObserver* saved_;
};

}  // namespace vigil
