#include "detectors/anomaly_likelihood.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace vigil {
namespace {

constexpr double kLargest = std::numeric_limits<double>::max();

double ClampFinite(double x) { return std::clamp(x, -kLargest, kLargest); }

// The binary exponent e with max |v| < 2^e: every v · 2^−e lies in (−1, 1), exactly (a power of
// two scales without rounding, bar subnormal underflow of values far below the largest).
template <typename It>
int ScaleExponent(It first, It last) {
  double largest = 0;
  for (It it = first; it != last; ++it) largest = std::max(largest, std::fabs(*it));
  int e = 0;
  std::frexp(largest, &e);
  return e;
}

}  // namespace

AnomalyLikelihoodOptions AnomalyLikelihoodOptions::ForProbationary(size_t probationary) {
  AnomalyLikelihoodOptions o;
  o.probationary = probationary;
  o.learning_period = probationary / 2;
  return o;
}

Result<AnomalyLikelihood> AnomalyLikelihood::Create(const AnomalyLikelihoodOptions& o) {
  auto bad = [](const std::string& what) { return InvalidArgumentError("anomaly likelihood: " + what); };
  if (o.averaging_window == 0) return bad("averaging_window must be ≥ 1, got 0");
  if (o.historic_window < o.averaging_window) {
    return bad("historic_window (" + std::to_string(o.historic_window) + ") must be ≥ averaging_window (" +
               std::to_string(o.averaging_window) + ")");
  }
  if (o.reestimation_period == 0) return bad("reestimation_period must be ≥ 1, got 0");
  if (!(o.red > 0 && o.red < 1)) return bad("red must be in (0, 1), got " + std::to_string(o.red));
  if (!(o.yellow > 0 && o.yellow < 1))
    return bad("yellow must be in (0, 1), got " + std::to_string(o.yellow));
  if (o.red > o.yellow) {
    return bad("red (" + std::to_string(o.red) + ") must be ≤ yellow (" + std::to_string(o.yellow) + ")");
  }
  if (!(std::isfinite(o.min_mean) && o.min_mean >= 0)) {
    return bad("min_mean must be finite and ≥ 0, got " + std::to_string(o.min_mean));
  }
  if (!(std::isfinite(o.min_variance) && o.min_variance > 0)) {
    return bad("min_variance must be finite and > 0, got " + std::to_string(o.min_variance));
  }
  return AnomalyLikelihood(o);
}

double AnomalyLikelihood::TailProbability(double x, const LikelihoodDistribution& d) {
  const double diff = x - d.mean, scale = d.stdev * M_SQRT2;
  if (std::isfinite(diff) && std::isfinite(scale)) return 0.5 * std::erfc(diff / scale);
  // x − μ or σ·√2 beyond the doubles (scores near ±DBL_MAX): z from the two quotients instead.
  return 0.5 * std::erfc((x / d.stdev - d.mean / d.stdev) / M_SQRT2);
}

double AnomalyLikelihood::LogLikelihood(double tail) { return std::log(tail + 1e-10) / std::log(1e-10); }

double AnomalyLikelihood::AverageEnding(size_t end) const {
  const size_t k = std::min(options_.averaging_window, end);
  double sum = 0;
  for (size_t i = end - k; i < end; ++i) sum += history_[i];
  if (std::isfinite(sum)) return sum / static_cast<double>(k);
  // The sum overflowed (scores near DBL_MAX): the same mean over the scores scaled into (−1, 1).
  const auto first = history_.begin() + static_cast<std::ptrdiff_t>(end - k);
  const auto last = history_.begin() + static_cast<std::ptrdiff_t>(end);
  const int e = ScaleExponent(first, last);
  double scaled = 0;
  for (auto it = first; it != last; ++it) scaled += std::ldexp(*it, -e);
  return ClampFinite(std::ldexp(scaled / static_cast<double>(k), e));
}

void AnomalyLikelihood::Estimate() {
  ++estimates_;
  const size_t m = ingested_;
  const size_t shifted_out = m > options_.historic_window ? m - options_.historic_window : 0;
  const size_t skip =
      std::min(m, options_.learning_period > shifted_out ? options_.learning_period - shifted_out : 0);
  // The moving averages over the history from its start (the first ones over fewer scores), each
  // summed afresh as Step sums it: a running total would keep rounding errors of a huge score
  // long after it left the window.
  double mean_sum = 0, last_average = NAN;
  std::vector<double> kept;
  kept.reserve(history_.size());
  for (size_t i = 0; i < history_.size(); ++i) {
    last_average = AverageEnding(i + 1);
    if (i >= skip) {
      kept.push_back(last_average);
      mean_sum += last_average;
    }
  }
  distribution_ = LikelihoodDistribution{};  // the null distribution
  if (!kept.empty()) {
    const double n = static_cast<double>(kept.size());
    double mean = mean_sum / n;
    double ss = 0;
    for (double a : kept) ss += (a - mean) * (a - mean);
    if (std::isfinite(mean_sum) && std::isfinite(ss)) {
      distribution_.stdev = std::sqrt(std::max(ss / n, options_.min_variance));
    } else {
      // The sum of the averages or of their squared deviations overflowed (deviations above
      // ~1.3e154): the same moments over the averages scaled into (−1, 1) by a power of two, σ
      // scaled back (σ ≤ the largest |average|, so it stays finite).
      const int e = ScaleExponent(kept.begin(), kept.end());
      double scaled_sum = 0;
      for (double a : kept) scaled_sum += std::ldexp(a, -e);
      const double scaled_mean = scaled_sum / n;
      double scaled_ss = 0;
      for (double a : kept) scaled_ss += (std::ldexp(a, -e) - scaled_mean) * (std::ldexp(a, -e) - scaled_mean);
      mean = ClampFinite(std::ldexp(scaled_mean, e));
      distribution_.stdev = std::max(ClampFinite(std::ldexp(std::sqrt(scaled_ss / n), e)),
                                     std::sqrt(options_.min_variance));
    }
    distribution_.mean = std::max(mean, options_.min_mean);
    distribution_.null = false;
  }
  // The filter compares with the previous step's tail under the distribution now in force.
  previous_tail_ = history_.empty() ? 1.0 : TailProbability(last_average, distribution_);
}

double AnomalyLikelihood::Step(double score) {
  const size_t t = step_++;
  if (t >= options_.probationary && t % options_.reestimation_period == 0) estimate_due_ = true;
  if (std::isnan(score) || score == -INFINITY) {
    last_tail_ = NAN;
    return NAN;
  }
  // +∞ ("beyond every finite score", e.g. a deviation over a zero scale) is the largest finite one.
  score = std::min(score, kLargest);
  if (t >= options_.probationary && estimate_due_) {
    Estimate();
    estimate_due_ = false;
  }
  history_.push_back(score);
  if (history_.size() > options_.historic_window) history_.pop_front();
  ++ingested_;
  if (t < options_.probationary) {
    last_tail_ = 0.5;
    return 0.5;
  }
  const double tail = TailProbability(AverageEnding(history_.size()), distribution_);
  last_tail_ = tail <= options_.red && previous_tail_ <= options_.red ? options_.yellow : tail;
  previous_tail_ = tail;
  return 1 - last_tail_;
}

Result<std::vector<double>> AnomalyLikelihoods(const std::vector<double>& scores,
                                               const AnomalyLikelihoodOptions& options,
                                               std::vector<double>* tails) {
  ASSIGN_OR_RETURN(AnomalyLikelihood al, AnomalyLikelihood::Create(options));
  std::vector<double> out(scores.size());
  if (tails != nullptr) tails->assign(scores.size(), NAN);
  for (size_t i = 0; i < scores.size(); ++i) {
    out[i] = al.Step(scores[i]);
    if (tails != nullptr) (*tails)[i] = al.last_tail();
  }
  return out;
}

}  // namespace vigil
