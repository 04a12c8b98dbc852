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

#include "detectors/pot.h"
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

// How a multi-member detector (residual-sum, pca-spe, pca-spe-residual) turns its score on the
// held-out tail of the TRAINING part into a threshold, label-free:
//   kTailMax: the largest tail score (the default; what every figure before POT used);
//   kPot:     peaks over threshold (detectors/pot.h) fitted on the tail scores: GPD on the excesses
//             over the tail's `pot.level` quantile, threshold z_q at risk `pot.risk`. A unit whose
//             tail cannot be fitted (fewer than pot.min_peaks scores above the initial threshold)
//             falls back to kTailMax when `fallback_to_max`, and the details say so; else the
//             detector fails naming the unit.
enum class TailThresholdMethod { kTailMax, kPot };
struct TailThreshold {
  PotOptions pot{};  // `{}`: designated initialisers may omit it (-Wmissing-field-initializers)
  TailThresholdMethod method = TailThresholdMethod::kTailMax;
  bool fallback_to_max = true;
};

// The threshold over score[begin, end) (NaN = no score, skipped). `details` (optional) receives
// the method and, for kPot, t, N_t, n, γ, σ, the fit, the tail max and any fallback. InvalidArgument
// for an empty range or (no fallback) a failed POT fit.
[[nodiscard]] Result<double> ChooseTailThreshold(const std::vector<double>& score, size_t begin, size_t end,
                                                 const TailThreshold& options, Json* details = nullptr);

// Writes the run-level facts of `options` into `details` ("threshold_method", and for kPot
// "pot_level", "pot_risk", "pot_fit").
void AddTailThresholdDetails(const TailThreshold& options, Json* details);

// Rolling median/MAD band: score_i = |x_i − median(x_{i−W..i−1})| / max(1.4826·MAD, ε); NaN for
// the first W points, and for every point when W is 0 or at least values.size() (no full window).
std::vector<double> MadBandScores(const std::vector<double>& values, size_t window);

// Run: InvalidArgument for window 0.

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
// (evals/iforest_peer.py; Debian's /usr/bin/python3 has numpy, pandas and sklearn). A relative
// `script` is looked up in the working folder, then in the source tree the binary was built from
// (VIGIL_SOURCE_DIR). Unavailable when the script (naming where it looked), the interpreter or
// sklearn is missing; the report then says so.
// The exchange files (one CSV per unit in, one score file per unit out, the peer's log) go in a
// folder of their own, `work_dir`/vigil-iforest-XXXXXX (mkdtemp: runs at once never share one;
// `work_dir` "" = the system's temporary folder, TMPDIR else /tmp), removed when Run returns,
// except when the peer failed or its output is unreadable: then it is kept and the error names it.
// The peer is started without a shell (fork + exec of `python`, looked up in PATH when it has no
// '/'; its stdout and stderr go to the log) and waited for as std::system waits: SIGINT and
// SIGQUIT are ignored in this process meanwhile. Ctrl-C at the terminal while the peer runs
// (SIGINT / SIGQUIT to the foreground group) stops the peer; Run then removes the folder and
// raises that signal in this process (by default it ends; with a handler installed, Run returns
// Cancelled). A SIGINT sent to this process alone meanwhile is lost, as with std::system. The peer
// is killed (SIGKILL) when the thread that runs it ends first (this process killed by SIGTERM or
// SIGKILL: the folder is then left in the temporary folder). A peer that cannot be started
// (interpreter not found) is named, nothing kept. Not thread-safe per object; separate objects
// may run at once.
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
