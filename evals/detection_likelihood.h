// "<base>-likelihood": Numenta's anomaly likelihood (detectors/anomaly_likelihood.h) over another
// benchmark detector's score (evals/README.md: the design, pre-registered before any run).
//
// The base runs exactly as it would alone; its flags are ignored. Its LastScores (score / the
// unit's own label-free threshold; for multi-member units the largest member's) is the raw score
// of the transform, per unit, with probationary = the unit's training part (NAB: its probationary
// period) and learning period = half of it; every other constant is NuPIC's default. A unit is
// flagged where the filtered tail probability is ≤ ε = 1e-5 (likelihood ≥ 1 − ε). LastScores =
// Numenta's log-likelihood / its value at ε (1 = the flag level; NaN where the base has no score).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "detectors/anomaly_likelihood.h"
#include "evals/detection_benchmark.h"

namespace vigil {

class LikelihoodDetector : public BenchDetector {
 public:
  explicit LikelihoodDetector(std::unique_ptr<BenchDetector> base) : base_(std::move(base)) {}
  std::string name() const override { return base_->name() + "-likelihood"; }
  // The base's error, prefixed with this detector's name; FailedPrecondition when the base
  // returns no score (LastScores null) or a score series of the wrong count or length.
  Result<std::vector<std::vector<uint8_t>>> Run(const std::vector<EvalUnit>& units) override;
  Json Details() const override { return details_; }
  const std::vector<std::vector<double>>* LastScores() const override { return &scores_; }

 private:
  std::unique_ptr<BenchDetector> base_;
  Json details_;
  std::vector<std::vector<double>> scores_;
};

}  // namespace vigil
