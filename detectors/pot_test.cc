#include "detectors/pot.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace vigil {
namespace {

// Uniform (0, 1) from the raw 64-bit engine output (std::uniform_real_distribution's algorithm is
// implementation-defined; this is the same on every standard library).
double Uniform(std::mt19937_64& rng) { return (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53; }

// GPD(shape, scale) by inversion: F⁻¹(u) = σ/γ ((1 − u)^(−γ) − 1), or −σ log(1 − u) for γ = 0.
std::vector<double> GpdSample(double shape, double scale, size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<double> out(n);
  for (double& y : out) {
    const double u = Uniform(rng);
    y = shape == 0 ? -scale * std::log(1 - u) : scale / shape * (std::pow(1 - u, -shape) - 1);
  }
  return out;
}

TEST_CASE("pot: log-likelihood, hand-checked") {
  const std::vector<double> y = {1, 2, 3};
  // γ = 0, σ = 2: −3 log 2 − 6 / 2.
  CHECK(GpdLogLikelihood(y, 0, 2) == doctest::Approx(-3 * std::log(2.0) - 3));
  // γ = 0.5, σ = 1: −0 − 3 · (log 1.5 + log 2 + log 2.5).
  CHECK(GpdLogLikelihood(y, 0.5, 1) == doctest::Approx(-3 * (std::log(1.5) + std::log(2.0) + std::log(2.5))));
  // γ = −0.5, σ = 1: the support ends at σ/|γ| = 2, so Y = 3 is outside it.
  CHECK(GpdLogLikelihood(y, -0.5, 1) == -INFINITY);
  CHECK(GpdLogLikelihood(y, 0.1, 0) == -INFINITY);
}

TEST_CASE("pot: quantile formula, hand-checked") {
  // t = 1, γ = 0.5, σ = 2, n = 1000, N_t = 20, q = 0.001: q n / N_t = 0.05,
  // z = 1 + (2 / 0.5) (0.05^−0.5 − 1) = 1 + 4 · 3.4721360 = 14.888544.
  Result<double> z = PotQuantile(1, GpdFit{.shape = 0.5, .scale = 2}, 0.001, 1000, 20);
  REQUIRE(z.ok());
  CHECK(*z == doctest::Approx(14.888544).epsilon(1e-7));
  // γ = 0: z = t − σ log(q n / N_t) = 1 + 2 log 20.
  z = PotQuantile(1, GpdFit{.shape = 0, .scale = 2}, 0.001, 1000, 20);
  REQUIRE(z.ok());
  CHECK(*z == doctest::Approx(1 + 2 * std::log(20.0)));
  // γ = −0.5: bounded tail, z = 1 + (2 / −0.5)(0.05^0.5 − 1) = 1 + 4 · 0.7763932 = 4.1055728.
  z = PotQuantile(1, GpdFit{.shape = -0.5, .scale = 2}, 0.001, 1000, 20);
  REQUIRE(z.ok());
  CHECK(*z == doctest::Approx(4.1055728).epsilon(1e-7));
  // A risk at the peak fraction (20 / 1000) or above is not in the tail.
  CHECK_FALSE(PotQuantile(1, GpdFit{.shape = 0, .scale = 2}, 0.02, 1000, 20).ok());
  CHECK_FALSE(PotQuantile(1, GpdFit{.shape = 0, .scale = 0}, 0.001, 1000, 20).ok());
}

TEST_CASE("pot: method of moments, hand-checked") {
  // Y = 1, 2, 3: mean 2, sample variance 1, Ȳ²/s² = 4: γ = (1 − 4)/2 = −1.5, σ = 2 (1 + 4)/2 = 5.
  Result<GpdFit> fit = FitGpd({1, 2, 3}, GpdMethod::kMoments);
  REQUIRE(fit.ok());
  CHECK(fit->shape == doctest::Approx(-1.5));
  CHECK(fit->scale == doctest::Approx(5));
  CHECK(fit->method == GpdMethod::kMoments);
  CHECK_FALSE(FitGpd({2, 2, 2}, GpdMethod::kMoments).ok());  // zero variance
}

TEST_CASE("pot: the Grimshaw fit is the maximum of the likelihood (brute-force grid)") {
  // A small skewed sample: the MLE must be at least as likely as every point of a fine grid.
  const std::vector<double> y = {0.1, 0.3, 0.4, 0.8, 1.1, 1.5, 2.2, 3.0, 4.5, 9.0, 14.0};
  Result<GpdFit> fit = FitGpd(y, GpdMethod::kGrimshaw);
  REQUIRE(fit.ok());
  double best = -INFINITY, best_shape = 0, best_scale = 0;
  for (double g = -0.9; g <= 1.5; g += 0.005) {
    for (double s = 0.05; s <= 6; s += 0.005) {
      const double ll = GpdLogLikelihood(y, g, s);
      if (ll > best) best = ll, best_shape = g, best_scale = s;
    }
  }
  CHECK(fit->log_likelihood >= best - 1e-9);
  CHECK(fit->log_likelihood == doctest::Approx(GpdLogLikelihood(y, fit->shape, fit->scale)));
  CHECK(fit->shape == doctest::Approx(best_shape).epsilon(0.02));  // the grid's step is 0.005
  CHECK(fit->scale == doctest::Approx(best_scale).epsilon(0.02));
  CHECK(fit->shape > 0.2);  // heavy-tailed sample
}

TEST_CASE("pot: a tiny or zero smallest excess does not hide a heavy tail from Grimshaw") {
  // Grimshaw's bound for x > 0 is 2(Ȳ − Y_min)/Y_min²: with Y_min = 1e-9 it is ~1e18 times the
  // roots' scale (x ≈ 0.35 here), with Y_min = 0 it is +∞. Both must still find the γ > 0 root.
  std::vector<double> y = GpdSample(0.3, 1.0, 300, 5);
  for (double tiny : {1e-9, 0.0}) {
    CAPTURE(tiny);
    y[0] = tiny;
    Result<GpdFit> fit = FitGpd(y, GpdMethod::kGrimshaw);
    REQUIRE(fit.ok());
    CHECK(fit->shape > 0.15);
    double best = -INFINITY;
    for (double g = -0.5; g <= 1.0; g += 0.01) {
      for (double s = 0.3; s <= 3; s += 0.01) best = std::max(best, GpdLogLikelihood(y, g, s));
    }
    CHECK(fit->log_likelihood >= best - 1e-9);
  }
}

TEST_CASE("pot: Grimshaw recovers known GPD shapes") {
  struct Case {
    double shape, scale;
  };
  // Standard error of γ̂ at n = 10000 is about (1 + γ)/√n ≤ 0.013: ±0.05 is ≥ 3.8 of them.
  for (const Case c : {Case{0.3, 2.0}, Case{0.0, 1.0}, Case{-0.3, 0.5}}) {
    CAPTURE(c.shape);
    const std::vector<double> y = GpdSample(c.shape, c.scale, 10000, 7);
    Result<GpdFit> fit = FitGpd(y, GpdMethod::kGrimshaw);
    REQUIRE(fit.ok());
    CHECK(std::abs(fit->shape - c.shape) < 0.05);
    CHECK(fit->scale == doctest::Approx(c.scale).epsilon(0.05));
    // Moments agree where they are valid (γ < 1/4 has a finite fourth moment).
    if (c.shape < 0.25) {
      Result<GpdFit> mom = FitGpd(y, GpdMethod::kMoments);
      REQUIRE(mom.ok());
      CHECK(std::abs(mom->shape - c.shape) < 0.06);
      CHECK(mom->log_likelihood <= fit->log_likelihood + 1e-9);  // the MLE is the most likely
    }
  }
}

TEST_CASE("pot: exponential scores give the exponential quantile") {
  // X ~ Exp(1): P(X > z) = e^−z, so z_q = −log q. Excesses over any t are Exp(1) again.
  const size_t n = 400000;
  const std::vector<double> x = GpdSample(0, 1, n, 11);
  for (double q : {1e-4, 1e-5}) {
    CAPTURE(q);
    Result<PotResult> pot = FitPot(x, PotOptions{.level = 0.98, .risk = q});
    REQUIRE(pot.ok());
    CHECK(pot->n == n);
    CHECK(pot->init_threshold == doctest::Approx(std::log(50.0)).epsilon(0.02));  // 98% quantile
    CHECK(pot->peaks == doctest::Approx(0.02 * n).epsilon(0.01));
    CHECK(std::abs(pot->gpd.shape) < 0.03);
    CHECK(pot->gpd.scale == doctest::Approx(1).epsilon(0.04));
    CHECK(pot->threshold == doctest::Approx(-std::log(q)).epsilon(0.04));
  }
  // q = 1e-6 (below 1/n = 2.5e-6) extrapolates beyond every score seen.
  Result<PotResult> far = FitPot(x, PotOptions{.level = 0.98, .risk = 1e-6});
  REQUIRE(far.ok());
  CHECK(far->threshold > far->max_score);
  CHECK(far->threshold == doctest::Approx(-std::log(1e-6)).epsilon(0.06));
}

TEST_CASE("pot: bad input is refused with what and where") {
  const std::vector<double> x = GpdSample(0, 1, 1000, 3);
  Result<PotResult> r = FitPot(x, PotOptions{.level = 1.0});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("level") != std::string::npos);
  r = FitPot(x, PotOptions{.risk = 0});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("risk") != std::string::npos);
  // 1000 scores, level 0.98: 19 peaks (a risk ≥ 19/1000 is not in the tail).
  r = FitPot(x, PotOptions{.level = 0.98, .risk = 0.05});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("N_t/n") != std::string::npos);
  r = FitPot(x, PotOptions{.level = 0.999});  // 0 or 1 peaks
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("fewer than the 10") != std::string::npos);
  CHECK_FALSE(FitPot({NAN, NAN}, PotOptions{}).ok());
  Result<GpdFit> g = FitGpd({1, -2}, GpdMethod::kGrimshaw);
  REQUIRE_FALSE(g.ok());
  CHECK(g.status().message().find("excess 1") != std::string::npos);
  CHECK_FALSE(FitGpd({}, GpdMethod::kGrimshaw).ok());
  CHECK_FALSE(FitGpd({0, 0}, GpdMethod::kGrimshaw).ok());
}

TEST_CASE("pot: non-finite scores are skipped, ties at t are not peaks") {
  // 100 zeros, then 1..20: level 0.5 → t = sorted[60] = 0; peaks = the 20 positive values.
  std::vector<double> x(100, 0.0);
  for (int i = 1; i <= 20; ++i) x.push_back(i);
  x.push_back(NAN);
  x.push_back(INFINITY);
  Result<PotResult> pot = FitPot(x, PotOptions{.level = 0.5, .risk = 0.01});
  REQUIRE(pot.ok());
  CHECK(pot->n == 120);
  CHECK(pot->init_threshold == 0);
  CHECK(pot->peaks == 20);
  CHECK(pot->max_score == 20);
  // Equal excesses: the exponential with σ = Ȳ is the only Grimshaw candidate.
  Result<GpdFit> flat = FitGpd({2, 2, 2, 2}, GpdMethod::kGrimshaw);
  REQUIRE(flat.ok());
  CHECK(flat->shape == 0);
  CHECK(flat->scale == doctest::Approx(2));
}

}  // namespace
}  // namespace vigil
