// PcaSpeDetector ("pca-spe"): the squared prediction error (SPE, the Q statistic of multivariate
// statistical process control) of a PCA model of a unit's members fitted on its TRAINING part,
// thresholded at its largest value on a held-out tail of that part (label-free). For units with
// many members (SMD: 38 dimensions of a machine): it measures how far the current state is from
// the subspace the training data moves in, so a deviation that persists, or that is moderate in
// every member but breaks how they move together, keeps scoring; drift along that subspace does
// not. The design was fixed before any run (evals/HISTORY.md, "pca-spe").
//   fitting part [0, split − holdout), held-out tail [split − holdout, split)
//   z_d(t) = (x_d(t) − μ_d) / max(σ_d, scale_floor)   μ, σ over the fitting part; missing: z = 0
//   members constant over the fitting part are left out (named in the details)
//   P = the fewest leading principal components of cov(z) holding ≥ variance_kept of its trace
//   SPE(t) = ‖z(t) − P Pᵀ z(t)‖²;  flagged where SPE > max SPE over the held-out tail (or, with
//   TailThreshold kPot, SPE > POT's z_q fitted on the held-out tail's SPE)
// "pca-spe-residual" (baseline_window 1440, clip 5): the same on residuals from a one-day rolling
// median, z clamped to ±5 (evals/README.md says why and when each was chosen).
// Not a rule: the projection needs a per-unit matrix of constants the rule language cannot carry.
//
// AnyOfDetector: flags where any of its parts flags (each part runs as it would alone).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "evals/detection_benchmark.h"
#include "evals/detection_peers.h"

namespace vigil {

// Eigen-decomposition of a symmetric matrix (cyclic Jacobi rotations). `values` descending,
// `vectors[k]` the unit eigenvector of `values[k]`. InvalidArgument for a non-square or
// non-finite matrix. Pure.
struct SymmetricEigen {
  std::vector<double> values;
  std::vector<std::vector<double>> vectors;
};
[[nodiscard]] Result<SymmetricEigen> EigenSymmetric(const std::vector<std::vector<double>>& a);

struct PcaSpeOptions {
  // The threshold over the held-out tail's SPE: its max (default) or POT (evals/detection_peers.h).
  TailThreshold threshold{};
  double holdout_fraction = 0.2;  // as VoteSelection and ResidualSumOptions
  double variance_kept = 0.9;     // a conventional cut (Jolliffe: 70-90%)
  // σ floor in value units: SMD's values are min-max scaled to [0, 1], so 1% of that scale (as
  // ResidualSumOptions::floor).
  double scale_floor = 0.01;
  // 0: the model is fitted on the values. W > 0 ("pca-spe-residual"): on the residuals
  // value − median(lag(value, 1), Wp), computed by the detectors/ engine; the fitting part then
  // starts at W (full baselines only).
  int baseline_window = 0;
  double clip = 0;  // > 0: each z is clamped to [−clip, clip] (in the fit and the score)
  // The details name, for this many of a unit's first test alert onsets, the 3 members (1-based)
  // with the largest share of the SPE.
  size_t explained_alerts = 20;
};

struct PcaSpeModel {
  std::vector<size_t> used;                     // member indices in the model
  std::vector<size_t> constant;                 // member indices constant over the fitting range (left out)
  std::vector<double> mean, scale;              // per used member
  double clip = 0;                              // as PcaSpeOptions::clip
  std::vector<std::vector<double>> components;  // kept, each of used.size()
  double variance_fraction = 0;                 // of the trace held by the kept components
};

// Fits the model on x[member][t] for t in [begin, end) (baseline_window is not applied here: x is
// what the model sees). InvalidArgument for an empty range, members of unequal length, or options
// out of range. Pure.
[[nodiscard]] Result<PcaSpeModel> FitPcaSpe(const std::vector<std::vector<double>>& x, size_t begin,
                                            size_t end, const PcaSpeOptions& options);

// z(t) − P Pᵀ z(t), one entry per model.used member: its squares sum to SPE(t). Pure.
std::vector<double> SpeResidual(const PcaSpeModel& model, const std::vector<std::vector<double>>& x,
                                size_t t);

// SPE(t) for every t of x (same member layout as the fit). Pure.
std::vector<double> SpeScores(const PcaSpeModel& model, const std::vector<std::vector<double>>& x);

class PcaSpeDetector : public BenchDetector {
 public:
  explicit PcaSpeDetector(PcaSpeOptions options = {}, std::string name = "pca-spe")
      : options_(options), name_(std::move(name)) {}
  std::string name() const override { return name_; }
  Result<std::vector<std::vector<uint8_t>>> Run(const std::vector<EvalUnit>& units) override;
  Json Details() const override { return details_; }

 private:
  PcaSpeOptions options_;
  std::string name_;
  Json details_;
};

class AnyOfDetector : public BenchDetector {
 public:
  AnyOfDetector(std::string name, std::vector<std::unique_ptr<BenchDetector>> parts)
      : name_(std::move(name)), parts_(std::move(parts)) {}
  std::string name() const override { return name_; }
  Result<std::vector<std::vector<uint8_t>>> Run(const std::vector<EvalUnit>& units) override;
  Json Details() const override { return details_; }

 private:
  std::string name_;
  std::vector<std::unique_ptr<BenchDetector>> parts_;
  Json details_;
};

}  // namespace vigil
