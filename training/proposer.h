// Rule proposers: the pluggable part of offline rule training (the Argos loop).
//
// A trainer (training/trainer.h) cuts each target's history chronologically into training
// chunks and a validation tail, then asks a proposer for rules. A proposer writes rule TEXT in
// the rule language (docs/rules.md) and measures every candidate through the RuleEvaluator it
// is handed — the one compiler (rules/) and the one engine (detectors/) — so no proposer ever
// evaluates rules its own way. Nothing from a test split ever reaches a proposer.
//
// Two proposers:
//   "builtin" (training/builtin_proposer.h): grammar search with fitted parameters, no LLM.
//   "llm": the Argos agents (detection → repair → review). agents/ may not include training/
//     (layers), so the llm proposer is a thin adapter in training/ over the rule agents of
//     agents/, which take and return plain data (summaries, rule text, scores).
//
// Thread safety: a proposer instance is used by one thread at a time; RuleEvaluator likewise.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time_series.h"
#include "detectors/scoring.h"

namespace vigil {

// Which F1 a proposer maximises on the validation tail.
enum class Objective { kPoint, kPointAdjusted, kDelayPointAdjusted, kEvent };
std::string_view ObjectiveName(Objective o);  // "point", "pa", "dc_pa", "event"
[[nodiscard]] Result<Objective> ParseObjective(std::string_view name);

// The F1 of `counts` that `o` names.
double ObjectiveF1(const DetectionCounts& counts, Objective o);

enum class Split { kTrain, kValidation };

// The data of one training target: one series (mode one-for-one) or every series of a group or
// metric (mode one-for-all). `train[i]` and `validation[i]` are the chronological prefix and
// tail of the same series: same id, and validation[i] starts after train[i] ends (the trainer cuts
// one series at one index; an evaluator runs the tail after its training part, as the rules will
// run, and refuses a tail that does not continue it). anomaly_labels are present when `labeled`.
struct TrainingData {
  std::string target;  // series name (one-for-one) or group name (one-for-all)
  std::string metric;  // the metric name the rules select (`series[i].name` values)
  // The selector rules should use (after `select`), e.g. `*{kpi="05f10d3a"}` when the series name
  // is not a metric identifier, or `step_time_ms{job="a"}`. Empty: `metric`, or `*` when empty.
  std::string selector;
  std::vector<TimeSeries> train;
  std::vector<TimeSeries> validation;
  // Indices into train[i] where each training chunk starts (chronological; the first is 0).
  std::vector<size_t> chunk_starts;
  bool labeled = true;  // false: no labels; assume the training data is mostly normal
};

// Scores of one candidate on one split (summed over the target's series).
struct RuleScore {
  DetectionCounts counts;
  double objective_f1 = 0;  // the F1 named by the evaluator's objective
  int64_t points = 0;
  int64_t flagged = 0;  // points flagged
  double flag_rate() const { return points == 0 ? 0.0 : static_cast<double>(flagged) / points; }
};

// Compiles and runs rule text over a target's split. Implemented in training/ over rules/ and
// detectors/; proposers only call it.
class RuleEvaluator {
 public:
  virtual ~RuleEvaluator() = default;
  // Compiles `rule_text` (one or more rules; a point is flagged when any rule fires) and scores
  // it on `split`. A compile error is InvalidArgument whose message is the compiler's
  // diagnostics (file:line:col, caret, hint) — what a repair agent reads.
  [[nodiscard]] virtual Result<RuleScore> Score(std::string_view rule_text, Split split) = 0;
  // The per-point flags, parallel to TrainingData::train / ::validation. For Split::kValidation
  // the rules run over each series' training part and then its tail (warm, as in production);
  // Score, Flags and Values report the tail's points only.
  [[nodiscard]] virtual Result<std::vector<std::vector<uint8_t>>> Flags(std::string_view rule_text,
                                                                        Split split) = 0;
  virtual Objective objective() const = 0;
  // The values of a numeric EXPRESSION of the rule language (e.g. `abs(value - median(value,
  // 60p))`) at every point of `split`, computed by the engine; NaN where it has no value. For
  // fitting thresholds. Evaluators that cannot do this return Unimplemented.
  [[nodiscard]] virtual Result<std::vector<std::vector<double>>> Values(std::string_view expression,
                                                                        Split split) {
    (void)expression;
    (void)split;
    return UnimplementedError("this evaluator does not compute expression values");
  }
};

// One proposed rule set with where it came from.
struct RuleCandidate {
  std::string text;       // rule-language source, ready for a rule file
  std::string rationale;  // one line: what it looks for and why these parameters
  RuleScore train;        // as measured by the evaluator
  RuleScore validation;
};

struct ProposeOptions {
  int top_k = 3;             // candidates to return, best validation objective first
  int max_candidates = 400;  // evaluation budget per target
  int delay_k = 7;           // for the delay-constrained objective
  // Called after each evaluated candidate with (done, planned); may be empty.
  std::function<void(int, int)> progress;
  // May be empty. A stop request (TrainerOptions::stop, e.g. SIGINT): a proposer polls it between
  // its steps (and hands it to the LLM client as ChatRequest::cancel); once it is true the proposer
  // returns an error at once (Cancelled, core/status.h) rather than a
  // rule set it did not finish reviewing. A proposer that does not poll it finishes the target.
  std::function<bool()> stop;
};

class RuleProposer {
 public:
  virtual ~RuleProposer() = default;
  virtual std::string_view name() const = 0;
  // Proposes up to options.top_k candidates for `data`, best first. An empty list is valid
  // (nothing beat the empty rule set on validation). Errors: Unavailable (LLM down),
  // ResourceExhausted (budget spent), InvalidArgument (data unusable, e.g. empty series).
  [[nodiscard]] virtual Result<std::vector<RuleCandidate>> Propose(const TrainingData& data,
                                                                   RuleEvaluator& evaluator,
                                                                   const ProposeOptions& options) = 0;
};

}  // namespace vigil
