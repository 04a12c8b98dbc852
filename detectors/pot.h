// Peaks over threshold (POT): a label-free alarm threshold for an anomaly score from extreme value
// theory (Siffer, Fouque, Termier, Largouët, "Anomaly detection in streams with extreme value
// theory", KDD 2017; the batch "POT" step of their SPOT, which OmniAnomaly and InterFusion use to
// threshold their SMD scores).
//
// Given calibration scores x_1..x_n (assumed mostly normal; larger = more anomalous):
//   t    = the empirical quantile of the scores at `level` (SPOT's convention: the sorted finite
//          scores' entry ⌊level · n⌋, 0-based);
//   Y_i  = x_i − t for the N_t scores strictly above t (the peaks, or excesses);
//   fit a generalised Pareto distribution GPD(γ, σ) to the Y_i (Pickands–Balkema–de Haan: the
//   excesses over a high threshold of almost any distribution are GPD);
//   z_q  = t + σ/γ · ((q·n / N_t)^(−γ) − 1)        (γ ≠ 0)
//          t − σ · log(q·n / N_t)                  (γ = 0, exponential tail)
// so that P(X > z_q) ≈ q: a score above z_q is an event the calibration data makes rarer than the
// risk q. Unlike "the largest calibration score", z_q may lie beyond every score seen (q < 1/n).
//
// GPD fits:
//   kGrimshaw: maximum likelihood by Grimshaw's reduction (Technometrics 1993), as SPOT's code:
//     with x = γ/σ, the likelihood equations reduce to one equation in x,
//       w(x) = u(x)·v(x) − 1 = 0,  u(x) = mean(1 / (1 + x·Y_i)),  v(x) = 1 + mean(log(1 + x·Y_i)),
//     whose non-zero roots lie in (−1/Y_max, 0) and (0, 2(Ȳ − Y_min)/Y_min²); each root gives
//     γ = v(x) − 1, σ = γ / x, and x = 0 gives the exponential (γ = 0, σ = Ȳ). The candidate
//     with the largest log-likelihood wins. Roots are found by scanning each interval on a grid
//     (uniform plus log-spaced towards both ends; on x > 0 also geometric from near 0 up, as a
//     tiny Y_min makes the bound many decades wider than the roots' scale; Y_min = 0 makes it +∞,
//     capped) and bisecting every sign change. SPOT's code
//     (as we recall it; not at hand here) minimises w² from a few starting points and searches
//     x > 0 only from 2(Ȳ − Y_min)/(Ȳ·Y_min) up; a heavy-tailed sample in the tests has its root
//     well below that bound, so the whole positive interval is scanned here.
//   kMoments: the method of moments, γ = (1 − Ȳ²/s²)/2, σ = Ȳ(1 + Ȳ²/s²)/2 (s² the sample
//     variance, n − 1), valid for γ < 1/2; the documented fallback (closed form, no search).
//
// All functions are pure and thread-compatible. Non-finite scores are ignored (not counted in n).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/status.h"

namespace vigil {

enum class GpdMethod { kGrimshaw, kMoments };
const char* GpdMethodName(GpdMethod method);  // "grimshaw" | "moments"

// GPD(γ = shape, σ = scale) fitted to excesses.
struct GpdFit {
  double shape = 0;  // γ (ξ in some texts); 0 = exponential tail, < 0 bounded, > 0 heavy
  double scale = 1;  // σ > 0
  double log_likelihood = 0;
  GpdMethod method = GpdMethod::kGrimshaw;
};

// Log-likelihood of `excesses` (each ≥ 0) under GPD(shape, scale): −N log σ − (1 + 1/γ) Σ
// log(1 + γ Y/σ), or −N log σ − Σ Y/σ for γ = 0 (|γ| < 1e-12). −∞ when an excess lies outside the
// support (1 + γ Y/σ ≤ 0) or scale ≤ 0.
double GpdLogLikelihood(const std::vector<double>& excesses, double shape, double scale);

// InvalidArgument for no excesses, or an excess that is negative or not finite. kMoments also
// for excesses with zero variance (no closed form: use kGrimshaw, which returns γ = 0, σ = Ȳ);
// kGrimshaw for excesses that are all 0 (no scale).
[[nodiscard]] Result<GpdFit> FitGpd(const std::vector<double>& excesses, GpdMethod method);

// z_q for a tail model: InvalidArgument unless 0 < risk, risk · n < peaks ≤ n and scale > 0 (a
// risk at or above the peak fraction N_t / n is not in the fitted tail: lower q or the level).
[[nodiscard]] Result<double> PotQuantile(double init_threshold, const GpdFit& gpd, double risk, size_t n,
                                         size_t peaks);

struct PotOptions {
  double level = 0.98;  // initial threshold quantile (SPOT's recommendation)
  double risk = 1e-3;   // q
  GpdMethod method = GpdMethod::kGrimshaw;
  size_t min_peaks = 10;  // fewer excesses than this: InvalidArgument (no tail to fit)
};

struct PotResult {
  double threshold = 0;       // z_q
  double init_threshold = 0;  // t
  size_t n = 0;               // finite calibration scores
  size_t peaks = 0;           // N_t
  double max_score = 0;       // the largest calibration score (what a "max" threshold would be)
  GpdFit gpd;
};

// POT on `scores`. InvalidArgument (naming the value) for a level outside (0, 1), a risk outside
// (0, 1), fewer than min_peaks scores above t, or a risk not below N_t / n.
[[nodiscard]] Result<PotResult> FitPot(const std::vector<double>& scores, const PotOptions& options);

}  // namespace vigil
