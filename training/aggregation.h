// Aggregation mode of rule training (Argos): rules learned ON TOP OF a base detector's per-point
// flags, which remove its false alarms and add its misses. The combination is
//
//   flags = (base AND NOT any suppress rule) OR any add rule
//
// and each rule carries its role as a rule label, so the rule file states how it is meant to
// run and stays in the rule language unchanged:
//
//   rule k1_suppress_seasonal_1d {            rule k1_add_jump {
//     select *{kpi="k1"}                        select *{kpi="k1"}
//     when abs(value - (value offset 1d)) < 3   when abs(value - lag(value, 1)) > 40
//     labels { role = "suppress" }              labels { role = "add" }
//   }                                         }
//
// A rule without a `role` label counts as `add` (a plain rule file OR-ed with the base). Suppress
// rules are NOT detectors on their own (they hold on normal points); run the files with
// ApplyAggregateRules (or `vigil eval detect --detectors rules-aggregate`), not plain `vigil detect`.
//
// Learning (AggregationProposer, a RuleProposer so the trainer's split, renaming and rule-file
// export apply unchanged), on labeled targets only:
//   1. candidates: every feature expression of the builtin grammar search (BuiltinFeatures:
//      value level, residual, MAD band, z-score, jump, level shift, seasonal, flatline, increase);
//      a feature over point windows is fitted only on the training points where its windows are
//      full (FullWindowFilter) and its rule carries the same guard (`... and count(value, Wp) >=
//      W`, RuleFeature::Condition), as the builtin proposer's:
//      - suppress: `feature < T` and `feature > T`, T midway between two distinct values of the
//        feature at the base detector's flagged TRAINING points; the T with the best training F1 of
//        (base AND NOT rule) is kept when it beats the base alone;
//      - add: `feature > T` (`< T` for low families), T a quantile of all training values; the T
//        with the best training objective F1 of (base OR rule), kept when it beats the base alone;
//      - add (optional, `add_proposer`): another proposer's rule sets (the builtin search's kept
//        set), each one add candidate;
//   2. review on the chronological validation tail (the trainer's) pooled with the training part
//      (`pooled_review`; false = the tail alone): every candidate's flags come from the engine;
//      greedy forward selection adds the suppress or add rule that raises the objective F1 of the
//      combination the most (by at least `min_gain`), at most
//      `max_rules` rules. Nothing improves: no rules (the base runs alone).
// The objective is the evaluator's (dc-PA F1 with k = 7 by default, as the benchmark reports).
// Unlabeled targets: FailedPrecondition (without labels a base detector's false alarms cannot be
// told from its true ones).
//
// With an LLM (`vigil train-rules --mode aggregate --proposer llm`) the Argos agents write the
// suppress and add rules instead: LlmProposer::SetBase (training/llm_proposer.h) gives the
// detection agent the base's false alarms and misses, and scores every proposal as the
// combination (ScoreAggregateRules below), so the review agent keeps a change only when the
// combined validation objective rises.
//
// Thread safety: a proposer is used by one thread at a time; the free functions are pure.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/rule_plan.h"
#include "core/status.h"
#include "core/time_series.h"
#include "training/engine_evaluator.h"
#include "training/proposer.h"

namespace vigil {

enum class AggregateRole { kSuppress, kAdd };
std::string_view AggregateRoleName(AggregateRole role);  // "suppress" | "add"

// The rule label that carries the role.
inline constexpr char kAggregateRoleLabel[] = "role";

// A base detector's flags parallel to TrainingData::train and ::validation (same series order,
// same lengths).
struct BaseFlags {
  std::vector<std::vector<uint8_t>> train;
  std::vector<std::vector<uint8_t>> validation;
};

// Supplies a target's base flags (called once per Propose).
using BaseFlagsFn = std::function<Result<BaseFlags>(const TrainingData& data)>;

// Base flags over whole histories, cut the way the trainer cuts them: each TrainingData series is
// found by its id (name + labels) among `history`, and its train / validation parts must be the
// prefix / suffix of that history's timestamps (else InvalidArgument naming the series).
// `flags[i]` is parallel to `history[i]`; both are copied.
[[nodiscard]] Result<BaseFlagsFn> BaseFlagsFromHistory(const std::vector<TimeSeries>& history,
                                                       const std::vector<std::vector<uint8_t>>& flags);

// Base flags read from a file (any dataset format; each series' `value` column holds 0/1), aligned
// to `history`: every history series needs a flag series of the same id with exactly the same
// timestamps. InvalidArgument names the series and the first differing point, or a value that is
// not 0/1; `source` (e.g. the file path) prefixes every message.
[[nodiscard]] Result<std::vector<std::vector<uint8_t>>> AlignBaseFlags(
    const std::vector<TimeSeries>& history, const std::vector<TimeSeries>& flag_series,
    const std::string& source);

struct AggregationOptions {
  std::string base_name = "base";       // the base detector, for rationale and provenance
  int max_rules = 3;                    // suppress + add rules kept per target
  double min_gain = 1e-9;               // a rule joins only if the objective rises by more
  std::vector<int> windows = {10, 60};  // rolling windows of the features (BuiltinFeatures)
  // Review on training + validation counts pooled (the default, as the builtin proposer's: many
  // validation tails hold no labeled anomaly, and then nothing can raise the tail's F1), or on the
  // validation tail alone (Argos; false).
  bool pooled_review = true;
  // When set, the candidates this proposer returns for the target (e.g. the builtin proposer's
  // kept set) join as add candidates, each rule set as one candidate with `role = "add"`, and are
  // reviewed like the others. Not owned; must outlive Propose.
  RuleProposer* add_proposer = nullptr;
};

class AggregationProposer : public RuleProposer {
 public:
  AggregationProposer(BaseFlagsFn base, AggregationOptions options = {})
      : base_(std::move(base)), options_(std::move(options)) {}
  std::string_view name() const override { return "aggregate"; }
  // Candidates: the kept set first, then the best single rules that improved the base on
  // validation. RuleCandidate::train / ::validation score the COMBINATION (base and rules);
  // the rationale names each rule's role and the base's own validation F1.
  [[nodiscard]] Result<std::vector<RuleCandidate>> Propose(const TrainingData& data, RuleEvaluator& evaluator,
                                                           const ProposeOptions& options) override;

 private:
  BaseFlagsFn base_;
  AggregationOptions options_;
};

// Rules split by their `role` label. InvalidArgument for a role other than suppress / add
// (naming the rule and where it is defined).
struct AggregateRules {
  CompiledRules suppress;
  CompiledRules add;
};
[[nodiscard]] Result<AggregateRules> SplitByRole(CompiledRules rules);

// (base AND NOT suppress) OR add, point by point; all three the same length.
std::vector<uint8_t> CombineFlags(const std::vector<uint8_t>& base, const std::vector<uint8_t>& suppress,
                                  const std::vector<uint8_t>& add);

// Runs the rules with the engine over `series` and combines them with `base` (parallel to
// `series`, same lengths; else InvalidArgument naming the series).
[[nodiscard]] Result<std::vector<std::vector<uint8_t>>> ApplyAggregateRules(
    const AggregateRules& rules, std::span<const TimeSeries> series,
    const std::vector<std::vector<uint8_t>>& base);

// The comment that opens an aggregate-mode rule set: the base and the combination.
std::string AggregateFileHeader(const std::string& base_name);

// Compiles `rule_text` (roles as SplitByRole reads them; blank = no rule, the base alone) and
// scores (base AND NOT suppress) OR add on `split` of the evaluator's data against its labels, with
// the evaluator's objective and delay k. The suppress and add rules' flags come from
// `evaluator.FlagsOf`, so on Split::kValidation they run over each series' training part followed
// by its tail (warm windows, `offset`, `lag`, as the kept file runs over the whole series); `base`
// (parallel to the split's series, same lengths; else InvalidArgument naming the series) is
// combined on the split's points only. A compile error is InvalidArgument carrying the compiler's
// diagnostics (what the LLM repair agent reads). Used by the llm proposer in aggregation mode
// (training/llm_proposer.h).
[[nodiscard]] Result<RuleScore> ScoreAggregateRules(std::string_view rule_text, EngineEvaluator& evaluator,
                                                    Split split, const std::vector<std::vector<uint8_t>>& base);

}  // namespace vigil
