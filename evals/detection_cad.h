// CAD OSE (detectors/context_ose.h) as a benchmark detector, meant for NAB (evals/README.md says
// how every choice was made, before any run).
//
// Per unit member: the quantiser's range is the member's min / max over the training part (NAB:
// the probationary period; Range::kWholeFile = NAB's harness, which hands every detector the
// whole file's range: future values, no labels; Range::kGrowing = the training part's range
// widened causally by each later value outside it); rest period = training length / 5 (NAB's
// probationary period / 5), at least 1. The unit's score is the largest member score; flagged
// where it is ≥ the base threshold 0.75 (CAD OSE's own; label-free). LastScores = score / 0.75.
#pragma once

#include <string>
#include <vector>

#include "evals/detection_benchmark.h"

namespace vigil {

class CadOseDetector : public BenchDetector {
 public:
  enum class Range {
    kTraining,   // "cad-ose": min / max of the training part, fixed
    kWholeFile,  // "cad-ose-nabrange": NAB's harness, the whole file (reads future values)
    kGrowing,    // "cad-ose-grow": the training part's, widened by each later value outside it
    kWidened,    // "cad-ose-wide": the training part's [min, max] widened by its width on each side
  };
  explicit CadOseDetector(Range range = Range::kTraining) : range_(range) {}
  std::string name() const override {
    switch (range_) {
      case Range::kWholeFile: return "cad-ose-nabrange";
      case Range::kGrowing: return "cad-ose-grow";
      case Range::kWidened: return "cad-ose-wide";
      case Range::kTraining: break;
    }
    return "cad-ose";
  }
  // InvalidArgument naming the unit when a member has no finite value in its range part.
  Result<std::vector<std::vector<uint8_t>>> Run(const std::vector<EvalUnit>& units) override;
  Json Details() const override { return details_; }
  const std::vector<std::vector<double>>* LastScores() const override { return &scores_; }

 private:
  Range range_;
  Json details_;
  std::vector<std::vector<double>> scores_;
};

// KNN-CAD (detectors/knn_cad.h) as a benchmark detector, "knn-cad": per member, the probationary
// length is the unit's training part; flagged where the output is ≥ 0.997 (KNN-CAD's own alarm
// level; label-free). LastScores = output / 0.997. Needs no value range.
class KnnCadBenchDetector : public BenchDetector {
 public:
  std::string name() const override { return "knn-cad"; }
  // InvalidArgument naming the unit when its training part is too short for 27 neighbours.
  Result<std::vector<std::vector<uint8_t>>> Run(const std::vector<EvalUnit>& units) override;
  Json Details() const override { return details_; }
  const std::vector<std::vector<double>>* LastScores() const override { return &scores_; }

 private:
  Json details_;
  std::vector<std::vector<double>> scores_;
};

}  // namespace vigil
