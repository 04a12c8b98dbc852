// KNN conformal anomaly detector (KNN-CAD; Burnaev and Ishimtsev), written from the public
// description and structure of NAB's `knncad` detector (NAB standard score 58.0). Needs no value
// range: it learns from the first `probationary` points and then from its own recent past.
//
// One series, streaming. Record r (1-based) with r ≥ dim forms the item x_r = the last `dim`
// values. Items with r < probationary are the training set (output 0). From r = probationary on:
//   - at r ≡ 0 or ⌊probationary / 2⌋ (mod probationary) the metric becomes Σ = (XᵀX)⁻¹ over the
//     current training items X (identity before; kept when XᵀX is not positive definite);
//   - the first scored record computes the calibration scores: each training item's sum of
//     distances dᵀ Σ d to its k nearest other training items;
//   - the item's nonconformity = sum of its k smallest distances to the training items; output =
//     the share of calibration scores strictly below it;
//   - during a rest the output is 0 and nothing is learned; an output ≥ `alarm` starts a rest of
//     ⌊probationary / 5⌋ records; otherwise the item and its score replace the oldest training
//     item and calibration score (sliding windows).
// Differences from NAB's Python: Σ⁻¹ is applied through a Cholesky factor of XᵀX (same quantity,
// better conditioned), and "singular" means a Cholesky pivot ≤ 1e-12 of the largest diagonal.
//
// Cost per record: O(training size · dim) for the distances plus a selection; memory
// O(probationary · dim). Not thread-safe; one instance per series.
#pragma once

#include <cstddef>
#include <vector>

#include "core/status.h"

namespace vigil {

struct KnnCadOptions {
  size_t probationary = 750;  // NAB: min(15% of the file, 750)
  size_t dim = 19;
  size_t k = 27;
  double alarm = 0.997;
};

class KnnCadDetector {
 public:
  // InvalidArgument (naming the option) for dim 0, k 0, alarm outside (0, 1], or a probationary
  // length that leaves fewer than k + 1 training items (probationary − dim ≤ k).
  [[nodiscard]] static Result<KnnCadDetector> Create(const KnnCadOptions& options);

  // Consumes one value; returns the output in [0, 1]. A non-finite value returns NaN and is not
  // consumed.
  double Step(double value);

  size_t training_size() const { return training_.size() / options_.dim; }
  bool metric_fitted() const { return fitted_; }
  bool resting() const { return rest_ > 0; }

 private:
  explicit KnnCadDetector(const KnnCadOptions& options) : options_(options) {}
  void FitMetric();
  // L⁻¹ x for the current factor (x itself before the first fit).
  void Transform(const double* x, double* out) const;
  double Nonconformity(const double* y, bool self_in_set);

  KnnCadOptions options_;
  std::vector<double> buffer_;     // the last dim values
  std::vector<double> training_;   // raw items, row-major, oldest first
  std::vector<double> projected_;  // the same items, transformed by the current factor
  std::vector<double> scores_;     // calibration scores, oldest first
  std::vector<double> factor_;     // lower-triangular L with LLᵀ = XᵀX (dim × dim)
  std::vector<double> distances_;  // scratch
  bool fitted_ = false;
  size_t record_ = 0;
  size_t rest_ = 0;
};

}  // namespace vigil
