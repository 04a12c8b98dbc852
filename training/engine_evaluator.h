// EngineEvaluator: the trainer's RuleEvaluator — rules/ compiles the text, detectors/ runs it
// (EvaluateBatch), detectors/scoring.h scores the flags against the split's labels.
//
// Rule text selects series as it will in production; here it is evaluated over the target's
// series only. The data is not owned and must outlive the evaluator. Not thread-safe.
#pragma once

#include <string>

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
  int evaluations() const { return evaluations_; }

 private:
  const TrainingData& data_;
  Objective objective_;
  int delay_k_;
  int evaluations_ = 0;
};

// Scores flags against the labels of `series` (unlabeled series count points and flags only).
[[nodiscard]] Result<RuleScore> ScoreSplit(const std::vector<TimeSeries>& series,
                                           const std::vector<std::vector<uint8_t>>& flags,
                                           Objective objective, int delay_k);

}  // namespace vigil
