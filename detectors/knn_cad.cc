#include "detectors/knn_cad.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace vigil {

Result<KnnCadDetector> KnnCadDetector::Create(const KnnCadOptions& o) {
  if (o.dim == 0) return InvalidArgumentError("knn_cad: dim must be at least 1");
  if (o.k == 0) return InvalidArgumentError("knn_cad: k must be at least 1");
  if (!(o.alarm > 0 && o.alarm <= 1)) {
    return InvalidArgumentError("knn_cad: alarm must be in (0, 1], got " + std::to_string(o.alarm));
  }
  if (o.probationary < o.dim || o.probationary - o.dim <= o.k) {
    return InvalidArgumentError("knn_cad: probationary " + std::to_string(o.probationary) + " leaves " +
                                std::to_string(o.probationary >= o.dim ? o.probationary - o.dim : 0) +
                                " training items, need more than k = " + std::to_string(o.k));
  }
  return KnnCadDetector(o);
}

void KnnCadDetector::FitMetric() {
  const size_t d = options_.dim, n = training_size();
  std::vector<double> m(d * d, 0.0);
  for (size_t r = 0; r < n; ++r) {
    const double* x = &training_[r * d];
    for (size_t i = 0; i < d; ++i) {
      for (size_t j = 0; j <= i; ++j) m[i * d + j] += x[i] * x[j];
    }
  }
  double max_diag = 0;
  for (size_t i = 0; i < d; ++i) max_diag = std::max(max_diag, m[i * d + i]);
  std::vector<double> l(d * d, 0.0);
  for (size_t j = 0; j < d; ++j) {
    double s = m[j * d + j];
    for (size_t p = 0; p < j; ++p) s -= l[j * d + p] * l[j * d + p];
    if (!(s > 1e-12 * max_diag)) return;  // not positive definite: keep the previous metric
    const double pivot = std::sqrt(s);
    l[j * d + j] = pivot;
    for (size_t i = j + 1; i < d; ++i) {
      double t = m[i * d + j];
      for (size_t p = 0; p < j; ++p) t -= l[i * d + p] * l[j * d + p];
      l[i * d + j] = t / pivot;
    }
  }
  factor_ = std::move(l);
  fitted_ = true;
  for (size_t r = 0; r < n; ++r) Transform(&training_[r * d], &projected_[r * d]);
}

void KnnCadDetector::Transform(const double* x, double* out) const {
  const size_t d = options_.dim;
  if (!fitted_) {
    std::copy(x, x + d, out);
    return;
  }
  for (size_t i = 0; i < d; ++i) {  // forward substitution: L y = x, so ‖y‖² = xᵀ(XᵀX)⁻¹x
    double s = x[i];
    for (size_t p = 0; p < i; ++p) s -= factor_[i * d + p] * out[p];
    out[i] = s / factor_[i * d + i];
  }
}

double KnnCadDetector::Nonconformity(const double* y, bool self_in_set) {
  const size_t d = options_.dim, n = training_size();
  distances_.resize(n);
  for (size_t r = 0; r < n; ++r) {
    const double* t = &projected_[r * d];
    double s = 0;
    for (size_t i = 0; i < d; ++i) s += (t[i] - y[i]) * (t[i] - y[i]);
    distances_[r] = s;
  }
  const size_t take = std::min(n, options_.k + (self_in_set ? 1 : 0));
  std::nth_element(distances_.begin(), distances_.begin() + (take - 1), distances_.end());
  double sum = 0;
  for (size_t r = 0; r < take; ++r) sum += distances_[r];
  return sum;
}

double KnnCadDetector::Step(double value) {
  if (!std::isfinite(value)) return NAN;
  const size_t d = options_.dim, p = options_.probationary;
  ++record_;
  buffer_.push_back(value);
  if (buffer_.size() > d) buffer_.erase(buffer_.begin());
  if (buffer_.size() < d) return 0.0;
  if (record_ < p) {
    training_.insert(training_.end(), buffer_.begin(), buffer_.end());
    projected_.insert(projected_.end(), buffer_.begin(), buffer_.end());
    return 0.0;
  }
  const size_t phase = record_ % p;
  if (phase == 0 || phase == p / 2) FitMetric();
  if (scores_.empty()) {
    for (size_t r = 0; r < training_size(); ++r) scores_.push_back(Nonconformity(&projected_[r * d], true));
  }
  if (rest_ > 0) {  // the record's score would be discarded: none is computed
    --rest_;
    return 0.0;
  }
  std::vector<double> y(d);
  Transform(buffer_.data(), y.data());
  const double score = Nonconformity(y.data(), false);
  const size_t below = static_cast<size_t>(std::count_if(scores_.begin(), scores_.end(), [&](double s) { return s < score; }));
  const double result = static_cast<double>(below) / static_cast<double>(scores_.size());
  if (result >= options_.alarm) rest_ = p / 5;
  training_.erase(training_.begin(), training_.begin() + static_cast<std::ptrdiff_t>(d));
  training_.insert(training_.end(), buffer_.begin(), buffer_.end());
  projected_.erase(projected_.begin(), projected_.begin() + static_cast<std::ptrdiff_t>(d));
  projected_.insert(projected_.end(), y.begin(), y.end());
  scores_.erase(scores_.begin());
  scores_.push_back(score);
  return result;
}

}  // namespace vigil
