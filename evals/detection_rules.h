// RulesDetector: the benchmark's "rules" detector — rules trained by training/ (the builtin
// proposer unless another is handed in) on each unit's training part, then run by the detectors/
// engine over the whole series; a unit is flagged where the rules of at least `votes` of its
// members fire at the same point (1 = any member; SMD: k of a machine's 38 dimensions); a unit
// with fewer members than the vote needs all of them (a one-member unit: its own rules).
//
// Vote chosen without test data (`min_votes = 0`, the default of `vigil eval detect`): for a unit
// with several members the last `holdout_fraction` of its TRAINING part is held out of rule
// training; the vote is the smallest k whose unit-level flag rate on that held-out tail is at most
// `max_holdout_flag_rate` (label-free: the training part is assumed mostly normal), else the
// member count. One-member units train on the whole training part.
#pragma once

#include <algorithm>
#include <memory>

#include "evals/detection_benchmark.h"
#include "evals/detection_peers.h"
#include "training/trainer.h"

namespace vigil {

struct VoteSelection {
  double holdout_fraction = 0.2;
  // Fixed a priori: the builtin proposer's per-rule review bound (0.1% of mostly normal data).
  double max_holdout_flag_rate = 0.001;
};

// The smallest k in [1, votes.size() max] such that the fraction of `votes[begin, end)` that are
// ≥ k is at most `max_rate`; `members` when none is. Pure.
int ChooseVote(const std::vector<int>& votes, size_t begin, size_t end, int members, double max_rate);

// What a rules detector trains with (RulesDetector, RulesRefitDetector): the proposer, the
// trainer's options and the vote. min_votes ≥ 1: a fixed vote; 0: chosen per unit on a held-out
// training tail (see above).
struct RulesTraining {
  RulesTraining(std::unique_ptr<RuleProposer> proposer, TrainerOptions options, int min_votes,
                VoteSelection vote, std::optional<GroupFamilyOptions> group = std::nullopt)
      : proposer(std::move(proposer)),
        options(std::move(options)),
        min_votes(std::max(0, min_votes)),
        vote(vote),
        group(std::move(group)) {}
  std::unique_ptr<RuleProposer> proposer;
  TrainerOptions options;
  int min_votes = 1;
  VoteSelection vote;
  // rules-group: units with several members also get the trainer's group rule (TrainGroupRule),
  // trained on the same fitting part as the members' rules ([0, train_end − vote holdout)); the
  // unit is flagged where the vote OR the group rule fires. The vote is chosen as without it.
  std::optional<GroupFamilyOptions> group;
};

class RulesDetector : public BenchDetector {
 public:
  // See RulesTraining.
  // `group` set: the rules-group detector (RulesTraining::group).
  RulesDetector(std::unique_ptr<RuleProposer> proposer, TrainerOptions options, int min_votes = 1,
                VoteSelection vote = {}, std::optional<GroupFamilyOptions> group = std::nullopt)
      : training_(std::move(proposer), std::move(options), min_votes, vote, std::move(group)) {}
  // "rules-<proposer>"; with a group rule "rules-group" (builtin) or "rules-<proposer>-group";
  // SetName overrides it (`vigil eval detect --detectors rules` keeps "rules-builtin").
  std::string name() const override;
  void SetName(std::string name) { name_ = std::move(name); }
  Result<std::vector<std::vector<uint8_t>>> Run(const std::vector<EvalUnit>& units) override;
  Json Details() const override { return details_; }
  // Since the start of the last Run (also when it failed part-way).
  TokenUsage LlmUsage() const override;
  // Counts the tokens `llm` (the proposer's client, not owned) uses during each Run.
  void MeterLlm(const LlmClient* llm) { llm_ = llm; }
  // Every unit's trained rules, one file (for `vigil detect`).
  const std::string& rules() const { return rules_; }

 private:
  const LlmClient* llm_ = nullptr;
  TokenUsage llm_before_;  // the client's usage when the last Run started
  RulesTraining training_;
  Json details_;
  std::string rules_;
  std::string name_;  // "" = the default above
};

// RulesRefitDetector ("rules-refit"): rules that keep learning after the training part, for
// UNLABELED targets (NAB, SMD). Rule set 0 is trained exactly as RulesDetector trains it (same
// proposer, trainer options, vote) on the unit's training part [0, split); then, at each checkpoint
// c of RefitCheckpoints(split, n), rule set k is trained the same way (same unlabeled mode, review
// bound and options) on ALL points [0, c) of the series — the scored part's points, never its
// labels (units carry none past the split) — with the vote's held-out tail taken from [0, c).
// Every rule set is run by the engine over the whole series (its windows see the true history);
// the unit's flags are set 0's before the first checkpoint and set k's on [c_k, c_{k+1}) (see
// StitchSegments), so a flag at point t comes only from rules trained on points < t (set 0's on
// the unscored training part itself, as `rules`). Units with a labeled training part (KPI) are
// refused with InvalidArgument naming the unit: re-training past the split would need labels of
// the scored part (use RulesDetector). O(log(n / split)) trainings per unit.
// Checkpoints: split·2, split·4, split·8, … while < n; none when split == 0 or n ≤ 2·split. Pure.
std::vector<size_t> RefitCheckpoints(size_t split, size_t n);

// Flags of length n taken from flags[0] on [0, starts[0]), flags[k] on [starts[k-1], starts[k]),
// the last set to n; `starts` ascending, flags.size() == starts.size() + 1; a point a set's
// flags do not reach counts unflagged. Pure.
std::vector<uint8_t> StitchSegments(const std::vector<std::vector<uint8_t>>& flags,
                                    const std::vector<size_t>& starts, size_t n);

class RulesRefitDetector : public BenchDetector {
 public:
  // As RulesDetector's.
  RulesRefitDetector(std::unique_ptr<RuleProposer> proposer, TrainerOptions options, int min_votes = 1,
                     VoteSelection vote = {})
      : training_(std::move(proposer), std::move(options), min_votes, vote) {}
  // "rules-refit" for the builtin proposer, else "rules-<proposer>-refit".
  std::string name() const override;
  Result<std::vector<std::vector<uint8_t>>> Run(const std::vector<EvalUnit>& units) override;
  // As RulesDetector's, with per unit the checkpoints and, per segment, the training end, the
  // flagged range [flags_from, flags_to) and its rules (text for one-member units), vote.
  Json Details() const override { return details_; }

 private:
  RulesTraining training_;
  Json details_;
};

}  // namespace vigil

namespace vigil {

// ResidualSumDetector ("residual-sum"): one score per unit and time step, the sum over members
// and windows of normalised rolling-median residuals, thresholded at its largest value on a
// held-out tail of the TRAINING part (label-free). For units with many members (SMD: 38
// dimensions) where a count vote of per-member rules misses deviations that are moderate in each
// dimension but shared by many.
//   r_{d,W}(t) = abs(value - median(lag(value, 1), Wp))   computed by the detectors/ engine
//   e_{d,W}(t) = min(r_{d,W}(t) / max(N_{d,W}, floor), clip)   N = max of r over the fitting part
//   S(t)       = Σ_d Σ_W e_{d,W}(t)          (missing r counts 0)
// Fitting part: [0, split − holdout), holdout: [split − holdout, split); flagged where S > the
// holdout's max S (or, with TailThreshold kPot, S > POT's z_q fitted on the holdout's S). The sum across
// members is not expressible in the rule language (an aggregation `sum by ()` cannot carry a per-series
// normaliser), so it is computed here; each term is an engine expression.
struct ResidualSumOptions {
  // The threshold over the held-out tail's S: its max (default) or POT (evals/detection_peers.h).
  TailThreshold threshold{};
  std::vector<int> windows = {10, 60};  // the builtin proposer's default windows
  double clip = 5;                      // one member cannot dominate the sum
  // Normaliser floor, in value units: SMD's values are min-max scaled to [0, 1] by the dataset,
  // so 1% of that scale; a member constant in training then counts steps of ≥ 1% of the scale.
  double floor = 0.01;
  double holdout_fraction = 0.2;  // as VoteSelection
};

// S(t) from `residuals` ([term][t], NaN = missing) with each term normalised by its max over
// [norm_begin, norm_end). Pure.
std::vector<double> SumOfNormalisedResiduals(const std::vector<std::vector<double>>& residuals,
                                             size_t norm_begin, size_t norm_end, double floor, double clip);

class ResidualSumDetector : public BenchDetector {
 public:
  explicit ResidualSumDetector(ResidualSumOptions options = {}, std::string name = "residual-sum")
      : options_(std::move(options)), name_(std::move(name)) {}
  std::string name() const override { return name_; }
  Result<std::vector<std::vector<uint8_t>>> Run(const std::vector<EvalUnit>& units) override;
  Json Details() const override { return details_; }
  const std::vector<std::vector<double>>* LastScores() const override { return &scores_; }

 private:
  ResidualSumOptions options_;
  std::string name_;
  Json details_;
  std::vector<std::vector<double>> scores_;  // S per unit
};

}  // namespace vigil
