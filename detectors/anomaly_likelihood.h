// Numenta's anomaly likelihood (Ahmad, Lavin, Purdy, Agha, "Unsupervised real-time anomaly
// detection for streaming data", Neurocomputing 2017; NuPIC's / NAB's `anomaly_likelihood.py`): a
// streaming, label-free transform of any anomaly score into "how unusual is the recent score for
// this stream". Written from the public description and structure of that code (not copied);
// evals/README.md lists every constant and its source.
//
// One score series, streaming. Step t consumes the raw score s_t (larger = more anomalous):
//   - NaN and −∞ are no score: not ingested, the output is NaN and nothing changes except the step
//     count (a re-estimation due at that step happens at the next ingested one); +∞ ("beyond every
//     finite score", e.g. a deviation over a zero scale) is ingested as the largest finite double
//     (before 2026-11-30 it was dropped like NaN, so such a step could never alarm);
//   - any finite score works, up to ±DBL_MAX: a sum of scores, of averages or of squared
//     deviations that overflows is recomputed over the values scaled into (−1, 1) by a power of
//     two (exact), and z from x/σ − μ/σ when x − μ overflows, so μ, σ and Q stay finite (before
//     2026-11-30 deviations above ~1.3e154 made σ infinite and scores near DBL_MAX gave NaN);
//     results for scores whose sums do not overflow are bit-identical to the plain sums;
//   - history: the last `historic_window` ingested scores; moving average a_t = the mean of the last
//     `averaging_window` ingested scores including s_t;
//   - for the first `probationary` steps (ingested or not) the output is 0.5 (no opinion);
//   - at the first ingested step from `probationary` on, then at the first ingested step at or after
//     every multiple of `reestimation_period`, the distribution is re-estimated from the history
//     *before* s_t: the moving averages over the history computed from its start (its first
//     entries average fewer scores), the first `skip` of them left out, skip = min(m, max(0,
//     learning_period − max(0, m − historic_window))) for m scores ingested so far; μ and
//     σ² = their mean and population variance, floored at `min_mean` and `min_variance`; no
//     average left: the null distribution μ = 0.5, σ = 1000;
//   - tail probability Q_t = ½·erfc(z/√2), z = (a_t − μ)/σ (upper tail only: an average below μ
//     gives Q > ½; NuPIC mirrors it to the upper tail, evals/README.md says why not here);
//   - filter: when Q_t ≤ red and the previous ingested step's unfiltered Q (re-evaluated under the
//     new distribution at a re-estimation step, so at the first step after probation the last
//     probationary average's Q under the first estimate; none without any score ingested before)
//     was also ≤ red, Q_t becomes `yellow`: only the first step of a run of red stays red;
//   - output: the likelihood L_t = 1 − Q_t (filtered). Numenta's alarm: L_t ≥ 1 − red.
//
// Cost per step O(averaging_window), plus O(historic_window·averaging_window) per re-estimation;
// memory O(historic_window).
// Not thread-safe; one instance per series.
#pragma once

#include <cstddef>
#include <deque>
#include <vector>

#include "core/status.h"

namespace vigil {

struct AnomalyLikelihoodOptions {
  size_t probationary = 750;     // steps answered 0.5 (NAB: the file's probationary period)
  size_t learning_period = 375;  // scores left out of the first estimates (NAB: ⌊probationary/2⌋)
  size_t historic_window = 8640;
  size_t averaging_window = 10;
  size_t reestimation_period = 100;
  double red = 1e-5;     // ε: flagged where the filtered tail probability ≤ red
  double yellow = 1e-3;  // a red step right after a red step is raised to this
  double min_mean = 0.03;
  double min_variance = 0.0003;

  // NAB's numenta detector: probationary = P, learning period ⌊P/2⌋, every other value as above.
  static AnomalyLikelihoodOptions ForProbationary(size_t probationary);
};

// The Gaussian model of the moving averages in force.
struct LikelihoodDistribution {
  double mean = 0.5;
  double stdev = 1000;  // the null distribution until the first estimate
  bool null = true;
};

class AnomalyLikelihood {
 public:
  // InvalidArgument naming the option: averaging_window 0, historic_window < averaging_window,
  // reestimation_period 0, red or yellow outside (0, 1), red > yellow, min_mean negative or not
  // finite, min_variance not > 0 (a zero σ has no tail probability) or not finite.
  [[nodiscard]] static Result<AnomalyLikelihood> Create(const AnomalyLikelihoodOptions& options);

  // Consumes one raw score; returns L_t in [0, 1], 0.5 during probation, NaN for NaN or −∞ (+∞
  // counts as the largest finite score).
  double Step(double score);

  // The filtered tail probability Q_t of the last Step (1 − its result; exact for tiny Q); NaN
  // after NaN or −∞, 0.5 during probation.
  double last_tail() const { return last_tail_; }
  // Whether the last Step is an alarm: last_tail() ≤ red (false during probation or for NaN).
  bool last_alarm() const { return last_tail_ <= options_.red; }
  const LikelihoodDistribution& distribution() const { return distribution_; }
  size_t estimates() const { return estimates_; }

  // Upper-tail probability of x under N(mean, stdev²): ½·erfc((x − mean)/(stdev·√2)). Pure.
  static double TailProbability(double x, const LikelihoodDistribution& d);
  // Numenta's log-likelihood of a tail probability Q (= 1 − L): log(Q + 1e-10) / log(1e-10), in
  // [0, 1], 0.5 at Q = 1e-5, monotone decreasing in Q. Pure.
  static double LogLikelihood(double tail);

 private:
  explicit AnomalyLikelihood(const AnomalyLikelihoodOptions& options) : options_(options) {}
  void Estimate();
  // The mean of history_[end − k, end), k = min(averaging_window, end); end ≥ 1.
  double AverageEnding(size_t end) const;

  AnomalyLikelihoodOptions options_;
  std::deque<double> history_;  // the last historic_window ingested scores, oldest first
  size_t step_ = 0;             // every Step, ingested or not
  size_t ingested_ = 0;         // scores appended to history_
  bool estimate_due_ = true;    // the first ingested step after probation estimates
  size_t estimates_ = 0;
  LikelihoodDistribution distribution_;
  double previous_tail_ = 1;  // the previous ingested step's unfiltered Q (1 = none yet)
  double last_tail_ = 0.5;
};

// Runs the transform over a whole series: L_t per step (see Step). InvalidArgument as Create.
[[nodiscard]] Result<std::vector<double>> AnomalyLikelihoods(const std::vector<double>& scores,
                                                             const AnomalyLikelihoodOptions& options,
                                                             std::vector<double>* tails = nullptr);

}  // namespace vigil
