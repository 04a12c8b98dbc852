// RulesDetector: the benchmark's "rules" detector — rules trained by training/ (the builtin
// proposer unless another is handed in) on each unit's training part, then run by the detectors/
// engine over the whole series; a unit is flagged where the rules of at least `min_votes` of its
// members fire at the same point (1 = any member; SMD: k of a machine's 38 dimensions); a unit
// with fewer members than `min_votes` needs all of them (a one-member unit: its own rules).
#pragma once

#include <algorithm>
#include <memory>

#include "evals/detection_benchmark.h"
#include "training/trainer.h"

namespace vigil {

class RulesDetector : public BenchDetector {
 public:
  RulesDetector(std::unique_ptr<RuleProposer> proposer, TrainerOptions options, int min_votes = 1)
      : proposer_(std::move(proposer)), options_(std::move(options)), min_votes_(std::max(1, min_votes)) {}
  std::string name() const override { return "rules-" + std::string(proposer_->name()); }
  Result<std::vector<std::vector<uint8_t>>> Run(const std::vector<EvalUnit>& units) override;
  Json Details() const override { return details_; }
  // Every unit's trained rules, one file (for `vigil detect`).
  const std::string& rules() const { return rules_; }

 private:
  std::unique_ptr<RuleProposer> proposer_;
  TrainerOptions options_;
  int min_votes_ = 1;
  Json details_;
  std::string rules_;
};

}  // namespace vigil
