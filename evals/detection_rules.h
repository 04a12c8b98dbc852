// RulesDetector: the benchmark's "rules" detector — rules trained by training/ (the builtin
// proposer unless another is handed in) on each unit's training part, then run by the detectors/
// engine over the whole series; a unit is flagged where any of its members' rules fire.
#pragma once

#include <memory>

#include "evals/detection_benchmark.h"
#include "training/trainer.h"

namespace vigil {

class RulesDetector : public BenchDetector {
 public:
  RulesDetector(std::unique_ptr<RuleProposer> proposer, TrainerOptions options)
      : proposer_(std::move(proposer)), options_(std::move(options)) {}
  std::string name() const override { return "rules-" + std::string(proposer_->name()); }
  Result<std::vector<std::vector<uint8_t>>> Run(const std::vector<EvalUnit>& units) override;
  Json Details() const override { return details_; }
  // Every unit's trained rules, one file (for `vigil detect`).
  const std::string& rules() const { return rules_; }

 private:
  std::unique_ptr<RuleProposer> proposer_;
  TrainerOptions options_;
  Json details_;
  std::string rules_;
};

}  // namespace vigil
