// Peer detectors measured beside the trained rules in `vigil eval detect`, and the one threshold
// chooser they share.
//
// Both peers turn each unit into anomaly scores (one score series per member, or one for the
// whole unit) and then choose thresholds on the TRAINING part only:
//   - labeled training part with at least one anomaly: the candidate threshold (a quantile of the
//     training scores, or their maximum) with the best objective F1 on the training part;
//   - otherwise (unlabeled, or no anomaly seen): the largest training score, so the detector
//     stays silent on data like its (assumed mostly normal) history.
// A unit is flagged where any of its score series exceeds its threshold.
#pragma once

#include <string>
#include <vector>

#include "evals/detection_benchmark.h"
#include "training/proposer.h"

namespace vigil {

struct ThresholdOptions {
  Objective objective = Objective::kDelayPointAdjusted;
  int delay_k = 7;
  size_t warmup = 0;  // leading points whose scores are not trusted (window not full yet)
};

// Scores of one unit: one or more score series, each of the unit's full length (NaN = no score).
using UnitScores = std::vector<std::vector<double>>;

// Chooses per-score-series thresholds on [warmup, split) and flags the whole unit.
// `chosen` (optional) receives the thresholds.
std::vector<uint8_t> FlagsFromScores(const EvalUnit& unit, const UnitScores& scores,
                                     const ThresholdOptions& options, std::vector<double>* chosen = nullptr);

// Per point, the largest over members of score / that member's threshold (1 = where the unit is
// flagged; NaN where no member has a score; a threshold ≤ 0 makes any positive score +∞). What
// BenchDetector::LastScores returns for score-based detectors. Pure.
std::vector<double> ScoreOverThreshold(const UnitScores& scores, const std::vector<double>& thresholds);

// Rolling median/MAD band: score_i = |x_i − median(x_{i−W..i−1})| / max(1.4826·MAD, ε).
std::vector<double> MadBandScores(const std::vector<double>& values, size_t window);

class MadBandDetector : public BenchDetector {
 public:
  MadBandDetector(size_t window, ThresholdOptions options) : window_(window), options_(options) {}
  std::string name() const override { return "mad-band"; }
  Result<std::vector<std::vector<uint8_t>>> Run(const std::vector<EvalUnit>& units) override;
  Json Details() const override { return details_; }
  const std::vector<std::vector<double>>* LastScores() const override { return &scores_; }

 private:
  size_t window_;
  ThresholdOptions options_;
  Json details_;
  std::vector<std::vector<double>> scores_;
};

// scikit-learn IsolationForest on windowed features, run as `<python> <script> IN_DIR OUT_DIR`
// (evals/iforest_peer.py; Debian's /usr/bin/python3 has numpy, pandas and sklearn). Unavailable
// when the interpreter or sklearn is missing; the report then says so.
class IForestDetector : public BenchDetector {
 public:
  IForestDetector(std::string python, std::string script, std::string work_dir, ThresholdOptions options)
      : python_(std::move(python)),
        script_(std::move(script)),
        work_dir_(std::move(work_dir)),
        options_(options) {}
  std::string name() const override { return "iforest"; }
  Result<std::vector<std::vector<uint8_t>>> Run(const std::vector<EvalUnit>& units) override;
  Json Details() const override { return details_; }
  const std::vector<std::vector<double>>* LastScores() const override { return &scores_; }

 private:
  std::string python_, script_, work_dir_;
  ThresholdOptions options_;
  Json details_;
  std::vector<std::vector<double>> scores_;
};

}  // namespace vigil
