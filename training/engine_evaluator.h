// EngineEvaluator: the trainer's RuleEvaluator — rules/ compiles the text, detectors/ runs it
// (EvaluateBatch), detectors/scoring.h scores the flags against the split's labels.
//
// Rule text selects series as it will in production; here it is evaluated over the target's
// series only. The data is not owned and must outlive the evaluator. Not thread-safe.
//
// Split::kValidation runs the engine as the kept rules will run (`vigil detect`, `eval detect`):
// over each series' training part followed by its validation tail, so rolling windows, `offset`,
// `lag` / `delta` and `for` start the tail warm; flags, values and scores are of the tail's points
// only. The concatenated series are built once, at the first validation call, after checking that
// validation[i] continues train[i] (TrainingData's contract): a tail that does not (another series
// id, or a first timestamp not after the training part's last) is InvalidArgument naming the
// target, the index and both series, never run with another series' history (the joining is
// core's JoinSeries). Split::kTrain runs the training parts alone (they start the history).
// FlagsOf runs already compiled rules the same way (the aggregation scoring runs a text's suppress
// and add rules apart, training/aggregation.h); it does not count as an evaluation.
#pragma once

#include <string>

#include "core/rule_plan.h"
#include "training/proposer.h"

namespace vigil {

class EngineEvaluator : public RuleEvaluator {
 public:
  EngineEvaluator(const TrainingData& data, Objective objective, int delay_k)
      : data_(data), objective_(objective), delay_k_(delay_k) {}
  [[nodiscard]] Result<RuleScore> Score(std::string_view rule_text, Split split) override;
  [[nodiscard]] Result<std::vector<std::vector<uint8_t>>> Flags(std::string_view rule_text,
                                                                Split split) override;
  [[nodiscard]] Result<std::vector<std::vector<double>>> Values(std::string_view expression,
                                                                Split split) override;
  Objective objective() const override { return objective_; }
  // Flags of compiled rules on `split`, run as Flags runs a text (the tail after its training part).
  [[nodiscard]] Result<std::vector<std::vector<uint8_t>>> FlagsOf(const CompiledRules& rules, Split split);
  const TrainingData& data() const { return data_; }
  int delay_k() const { return delay_k_; }
  int evaluations() const { return evaluations_; }

 private:
  // What the engine runs for `split` and, per series, the index of the split's first point in it.
  struct Run {
    const std::vector<TimeSeries>* series = nullptr;
    std::vector<size_t> first;
  };
  [[nodiscard]] Result<Run> RunFor(Split split);

  const TrainingData& data_;
  Objective objective_;
  int delay_k_;
  int evaluations_ = 0;
  // Split::kValidation's series (train[i] then validation[i]), built at the first validation call.
  bool history_built_ = false;
  std::vector<TimeSeries> history_and_tail_;
};

// Scores flags against the labels of `series` (unlabeled series count points and flags only).
[[nodiscard]] Result<RuleScore> ScoreSplit(const std::vector<TimeSeries>& series,
                                           const std::vector<std::vector<uint8_t>>& flags,
                                           Objective objective, int delay_k);

}  // namespace vigil
