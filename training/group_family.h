// The group family: one rule per one-for-all target whose members share a group label (SMD: a
// machine's 38 dimensions, label `machine`), firing where many members deviate together.
//
// Per-member rules and a count vote miss deviations that are moderate in each member but shared
// by many. The group rule sums, over the members with the same label value, a clipped scale-free
// residual, written in the rule language so `vigil detect` runs it unchanged:
//
//   sum by (<label>) (
//       clamp(abs(value - median(lag(value, 1), W1p)) / (std(lag(value, 1), Sp) + F), 0, C)
//     + clamp(abs(value - median(lag(value, 1), W2p)) / (std(lag(value, 1), Sp) + F), 0, C) + ...)
//
// one term per residual window W (the builtin proposer's windows), normalised by a rolling,
// label-free spread of the previous points (`std` over S points: O(1) per point in the engine),
// floored by F (added, in value units) and clipped at C, so one member's spike adds at most C per
// window. The same text serves every member and every time step; a member with no value at t (or
// a NaN term) adds nothing (the aggregation's peer rules: latest value not older than 5m, NaN
// skipped; docs/rules.md).
//
// Full windows (as 7795529 for every builtin family: what was fitted is what runs): the rule is
//
//   when <sum> > T and count(lag(value, 1), Gp) >= G        (GroupGuard; G = the longest window)
//
// so a member fires only where its own windows are full — never in the warm-up of a cold engine
// start (`vigil detect` over a file, a restart, a new series), nor within G points after a missing
// value of its own. The guard is the member's, not the group's: the sum still takes the terms of
// peers whose windows are partial (each at most C per residual window), so one member's gap does
// not silence the machine. G ≥ every residual window and the spread window, and all run over the
// same lagged values, so the one count says all of the member's windows are full.
//
// Threshold T: as every unlabeled family, the training extreme — the largest value of the sum
// over exactly the training points the guard lets through (any member) — and the rule is kept
// only if quiet on the validation tail by the builtin proposer's unlabeled review bound:
// group-level flagged tail points (a time step counts once however many members fire there) ≤
// max(max_unlabeled_flag_rate · tail, AllowedExceedances(tail, fitted points, alpha)). So the
// guarded rule fires at no point of its own training part. Labeled targets get no group rule (the
// family fits unlabeled thresholds only).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "training/proposer.h"

namespace vigil {

struct GroupFamilyOptions {
  std::string label = "machine";        // the group label the members share (SMD: machine)
  std::vector<int> residual_windows = {10, 60};  // the builtin proposer's default windows
  int spread_window = 1440;             // points of the rolling spread (SMD: one day at 1 min)
  double floor = 0.01;                  // added to the spread, value units (SMD is scaled to [0, 1])
  double clip = 5;                      // the most one member adds per residual window
  // The builtin proposer's unlabeled review bound (BuiltinProposerOptions' defaults).
  double max_unlabeled_flag_rate = 0.001;
  double unlabeled_tail_alpha = 0.01;
};

// The summed score expression (no threshold) for `options`; valid rule language. Pure.
std::string GroupScoreExpression(const GroupFamilyOptions& options);
// The full-window guard the rule carries and the fit applies, `count(lag(value, 1), Gp) >= G`
// with G the longest of the spread and residual windows. Pure.
std::string GroupGuard(const GroupFamilyOptions& options);

// What ProposeGroupRule found for one target.
struct GroupRuleResult {
  std::optional<RuleCandidate> rule;  // the kept rule (name `group_residual_sum`), else empty
  double threshold = 0;               // the fitted T (when a threshold was fitted)
  int64_t fit_points = 0;             // time steps T was fitted on (some member's guard held)
  int64_t tail_points = 0;            // validation time steps
  int64_t tail_flagged = 0;           // validation time steps where any member fired
  int64_t tail_allowed = 0;           // the review bound on tail_flagged
  // Why there is no rule (or how it was kept): one line for provenance.
  std::string note;
};

// Fits and reviews the group rule of `data` (one target, every series a member), measuring
// through `evaluator` only. No rule, with `note` saying why (documented skips): fewer than 2
// members, no member has `options.label`, members with different values of it (a target of one
// metric across machines is not one group), a labeled target, a training part with no point where
// the guard holds, or a rule not quiet on the tail. InvalidArgument naming target and series: the
// label present on some members only. Errors of the evaluator are returned with the target named.
[[nodiscard]] Result<GroupRuleResult> ProposeGroupRule(const TrainingData& data, RuleEvaluator& evaluator,
                                                       const GroupFamilyOptions& options);

}  // namespace vigil
