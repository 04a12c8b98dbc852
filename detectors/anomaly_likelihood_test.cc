#include "detectors/anomaly_likelihood.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace vigil {
namespace {

AnomalyLikelihoodOptions Small(size_t probationary, size_t learning, size_t averaging) {
  AnomalyLikelihoodOptions o;
  o.probationary = probationary;
  o.learning_period = learning;
  o.historic_window = 100;
  o.averaging_window = averaging;
  o.reestimation_period = 100;
  return o;
}

// Hand trace, probationary 4, learning period 2, moving average over 2:
//   t 0–3: 0.1 0.2 0.3 0.4 → 0.5 (probation).
//   t 4: estimate from the history's averages 0.1 0.15 0.25 0.35, the first 2 left out:
//        μ = 0.3, σ² = 0.0025, σ = 0.05; the previous tail = Q((0.35 − 0.3)/0.05) = Q(1).
//        score 0.2: average (0.4 + 0.2)/2 = 0.3, z = 0 → Q = 0.5, L = 0.5.
//   t 5: 1.0: average 0.6, z = 6, Q(6) = 9.866e-10 ≤ 1e-5 and the previous (0.5) was not red:
//        red, L = 1 − Q(6), an alarm.
//   t 6: 1.0: average 1.0, z = 14: red after red → yellow 1e-3, L = 0.999.
//   t 7: 0.3: average 0.65, z = 7, Q(7) = 1.28e-12: the previous unfiltered Q(14) was red → 1e-3.
//   t 8: 0.3: average 0.3 → L = 0.5.
TEST_CASE("anomaly_likelihood: a hand-traced small case") {
  Result<AnomalyLikelihood> al = AnomalyLikelihood::Create(Small(4, 2, 2));
  REQUIRE(al.ok());
  const double q1 = 0.15865525393145707, q6 = 9.865876450377e-10, q7 = 1.279812543885835e-12;
  CHECK(AnomalyLikelihood::TailProbability(1, {.mean = 0, .stdev = 1, .null = false}) == doctest::Approx(q1));
  for (double s : {0.1, 0.2, 0.3, 0.4}) {
    CHECK(al->Step(s) == 0.5);
    CHECK_FALSE(al->last_alarm());
  }
  CHECK(al->estimates() == 0);
  CHECK(al->Step(0.2) == doctest::Approx(0.5));
  CHECK(al->estimates() == 1);
  CHECK(al->distribution().mean == doctest::Approx(0.3));
  CHECK(al->distribution().stdev == doctest::Approx(0.05));
  CHECK_FALSE(al->distribution().null);

  al->Step(1.0);
  CHECK(al->last_tail() == doctest::Approx(q6).epsilon(1e-6));
  CHECK(al->last_alarm());
  CHECK(al->Step(1.0) == doctest::Approx(0.999));
  CHECK(al->last_tail() == 1e-3);
  CHECK_FALSE(al->last_alarm());
  CHECK(al->Step(0.3) == doctest::Approx(0.999));  // Q(7) would be red, but follows a red step
  CHECK(q7 < 1e-5);
  CHECK(al->Step(0.3) == doctest::Approx(0.5));
  CHECK(al->estimates() == 1);
}

// A re-estimation at t = 5 (period 5) includes the history up to t 4: averages 0.1 0.15 0.25 0.35
// 0.3, the first 2 left out: μ = 0.3, σ² = 0.005/3; the previous tail is re-evaluated under it
// (Q(0) = 0.5, not red), so 1.0 at t 5 (average 0.6, z = 0.3/σ = 7.35) is red.
TEST_CASE("anomaly_likelihood: re-estimates every period from the history before the step") {
  AnomalyLikelihoodOptions o = Small(4, 2, 2);
  o.reestimation_period = 5;
  Result<AnomalyLikelihood> al = AnomalyLikelihood::Create(o);
  REQUIRE(al.ok());
  for (double s : {0.1, 0.2, 0.3, 0.4, 0.2}) al->Step(s);
  CHECK(al->estimates() == 1);
  al->Step(1.0);
  CHECK(al->estimates() == 2);
  CHECK(al->distribution().mean == doctest::Approx(0.3));
  CHECK(al->distribution().stdev == doctest::Approx(std::sqrt(0.005 / 3)));
  CHECK(al->last_tail() == doctest::Approx(0.5 * std::erfc(0.3 / std::sqrt(0.005 / 3) / std::sqrt(2.0))));
  CHECK(al->last_alarm());
  for (int i = 0; i < 4; ++i) al->Step(0.3);  // t 6–9
  CHECK(al->estimates() == 2);
  al->Step(0.3);  // t 10
  CHECK(al->estimates() == 3);
}

// At a re-estimation the filter compares with the previous average under the *new* distribution.
// Probationary 4, learning period 2, average over 2, re-estimation every 6: t 4 as the hand trace
// (μ 0.3, σ 0.05); t 5: 1.0, average 0.6, z = 6: red. t 6 re-estimates from averages 0.25 0.35
// 0.3 0.6: μ = 0.375, σ² = 0.018125; the previous average 0.6 is now z = 1.67, not red, so 2.0
// (average 1.5, z = 8.36) stays red — under the old previous tail (red) it would be yellow.
TEST_CASE("anomaly_likelihood: at a re-estimation the previous tail is re-evaluated for the filter") {
  AnomalyLikelihoodOptions o = Small(4, 2, 2);
  o.reestimation_period = 6;
  Result<AnomalyLikelihood> al = AnomalyLikelihood::Create(o);
  REQUIRE(al.ok());
  for (double s : {0.1, 0.2, 0.3, 0.4, 0.2}) al->Step(s);
  al->Step(1.0);
  CHECK(al->last_alarm());
  al->Step(2.0);
  CHECK(al->estimates() == 2);
  CHECK(al->distribution().mean == doctest::Approx(0.375));
  CHECK(al->distribution().stdev == doctest::Approx(std::sqrt(0.018125)));
  CHECK(al->last_tail() == doctest::Approx(0.5 * std::erfc(1.125 / std::sqrt(0.018125) / std::sqrt(2.0))));
  CHECK(al->last_alarm());
}

// Historic window 4: after six scores it holds the last four, so the two large early scores are
// gone; the averages restart at the window's start (0.1 alone, then 0.15 ...), and once the
// learning period (2) has shifted out of the window nothing is skipped.
TEST_CASE("anomaly_likelihood: the long window slides and the learning period shifts out") {
  AnomalyLikelihoodOptions o = Small(6, 2, 2);
  o.historic_window = 4;
  Result<AnomalyLikelihood> al = AnomalyLikelihood::Create(o);
  REQUIRE(al.ok());
  for (double s : {100.0, 100.0, 0.1, 0.2, 0.3, 0.4}) CHECK(al->Step(s) == 0.5);
  al->Step(0.3);
  // averages 0.1 0.15 0.25 0.35: μ = 0.2125, σ² = 0.036875 / 4
  CHECK(al->distribution().mean == doctest::Approx(0.2125));
  CHECK(al->distribution().stdev == doctest::Approx(std::sqrt(0.036875 / 4)));
}

// The estimate's moving averages are the same sums of the last scores as the step's: a huge
// score that has left the averaging window leaves no trace in later averages. Probationary 4,
// learning period 3, average over 2: scores 1e17 0.1 0.2 0.3 → averages 1e17 5e16 0.15 0.25, the
// first 3 left out: μ = 0.25, σ² floored at 0.0003; 0.25 then averages 0.275: z = 1.44, no alarm.
// (A running total that adds and subtracts 1e17 loses the 0.1 and 0.2 and would give μ = 0.1,
// z = 10.1: a false alarm.)
TEST_CASE("anomaly_likelihood: a huge score that left the average leaves no trace in the estimate") {
  Result<AnomalyLikelihood> al = AnomalyLikelihood::Create(Small(4, 3, 2));
  REQUIRE(al.ok());
  for (double s : {1e17, 0.1, 0.2, 0.3}) al->Step(s);
  al->Step(0.25);
  CHECK(al->distribution().mean == doctest::Approx(0.25));
  CHECK(al->distribution().stdev == doctest::Approx(std::sqrt(0.0003)));
  CHECK(al->last_tail() == doctest::Approx(0.5 * std::erfc(0.025 / std::sqrt(0.0003) / std::sqrt(2.0))));
  CHECK_FALSE(al->last_alarm());
}

TEST_CASE("anomaly_likelihood: constant scores are floored, not divided by zero; one-sided") {
  AnomalyLikelihoodOptions o = Small(20, 10, 10);
  Result<AnomalyLikelihood> al = AnomalyLikelihood::Create(o);
  REQUIRE(al.ok());
  for (int i = 0; i < 20; ++i) al->Step(0.0);
  // μ floored at 0.03, σ² at 0.0003: the constant 0 is *below* the mean, so the one-sided tail is
  // above ½ (NuPIC would mirror it) and the likelihood is low.
  const double quiet = al->Step(0.0);
  CHECK(al->distribution().mean == doctest::Approx(0.03));
  CHECK(al->distribution().stdev == doctest::Approx(std::sqrt(0.0003)));
  CHECK(quiet == doctest::Approx(0.5 * std::erfc(0.03 / std::sqrt(0.0003) / std::sqrt(2.0))));
  CHECK(quiet < 0.5);
  for (int i = 0; i < 50; ++i) {
    CHECK(std::isfinite(al->Step(0.0)));
    CHECK_FALSE(al->last_alarm());
  }
  // A jump: average 0.1 (z = 4.04, Q = 2.7e-5: not yet red), then 0.2 (z = 9.8: red).
  al->Step(1.0);
  CHECK_FALSE(al->last_alarm());
  CHECK(al->last_tail() == doctest::Approx(0.5 * std::erfc(0.07 / std::sqrt(0.0003) / std::sqrt(2.0))));
  al->Step(1.0);
  CHECK(al->last_alarm());
  // Constant scores at a level above the mean floor: z = 0, L = ½.
  Result<AnomalyLikelihood> flat = AnomalyLikelihood::Create(o);
  REQUIRE(flat.ok());
  for (int i = 0; i < 20; ++i) flat->Step(0.7);
  CHECK(flat->Step(0.7) == doctest::Approx(0.5));
  CHECK(flat->distribution().stdev == doctest::Approx(std::sqrt(0.0003)));
}

TEST_CASE("anomaly_likelihood: NaN and -inf are not ingested; a due estimate waits for one") {
  AnomalyLikelihoodOptions o = Small(4, 2, 2);
  o.reestimation_period = 5;
  const std::vector<double> clean = {0.1, 0.2, 0.3, 0.4, 0.2, 0.25, 0.3, 0.2, 0.3};
  std::vector<double> tails_clean, tails_nan;
  Result<std::vector<double>> a = AnomalyLikelihoods(clean, o, &tails_clean);
  REQUIRE(a.ok());
  // The same scores with NaN, NaN and −∞ at t 5–7: outputs NaN and nothing is ingested; the
  // estimate due at t 5 (a multiple of the period) happens at the next finite step, t 8.
  Result<AnomalyLikelihood> al = AnomalyLikelihood::Create(o);
  REQUIRE(al.ok());
  for (size_t i = 0; i < 5; ++i) CHECK(al->Step(clean[i]) == doctest::Approx((*a)[i]));
  CHECK(std::isnan(al->Step(NAN)));  // t 5: the estimate due here waits
  CHECK(std::isnan(al->last_tail()));
  CHECK_FALSE(al->last_alarm());
  CHECK(std::isnan(al->Step(NAN)));
  CHECK(std::isnan(al->Step(-INFINITY)));
  CHECK(al->estimates() == 1);
  CHECK(std::isfinite(al->Step(0.25)));  // t 8: the due estimate, over the five finite scores
  CHECK(al->estimates() == 2);
  // ... which is what the clean run estimated at its t 5, before its sixth score.
  Result<AnomalyLikelihood> ref = AnomalyLikelihood::Create(o);
  REQUIRE(ref.ok());
  for (size_t i = 0; i < 6; ++i) ref->Step(clean[i]);
  CHECK(al->distribution().mean == doctest::Approx(ref->distribution().mean));
  CHECK(al->distribution().stdev == doctest::Approx(ref->distribution().stdev));
  CHECK(al->last_tail() == doctest::Approx(ref->last_tail()));
  // Non-finite scores during probation count as steps of it.
  Result<std::vector<double>> p = AnomalyLikelihoods({NAN, 0.1, NAN, 0.2, 0.3}, Small(4, 0, 2));
  REQUIRE(p.ok());
  CHECK(std::isnan((*p)[0]));
  CHECK((*p)[1] == 0.5);
  CHECK(std::isnan((*p)[2]));
  CHECK((*p)[3] == 0.5);
  CHECK(std::isfinite((*p)[4]));
  CHECK((*p)[4] != 0.5);
}

// +∞ (a base whose scale is zero: "beyond every finite score") is ingested as the largest finite
// double: it raises an alarm where a NaN would leave a hole, and the run is the same as with
// DBL_MAX in its place, finite throughout.
TEST_CASE("anomaly_likelihood: +inf is ingested as the largest finite score") {
  AnomalyLikelihoodOptions o = Small(4, 2, 2);
  o.reestimation_period = 3;
  std::vector<double> with_inf = {0.1, 0.2, 0.3, 0.4, 0.2, INFINITY, 0.3, 0.2, 0.3, 0.25, 0.2, 0.3};
  std::vector<double> with_max = with_inf;
  with_max[5] = std::numeric_limits<double>::max();
  std::vector<double> tails_inf, tails_max;
  Result<std::vector<double>> a = AnomalyLikelihoods(with_inf, o, &tails_inf);
  Result<std::vector<double>> b = AnomalyLikelihoods(with_max, o, &tails_max);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  for (size_t i = 0; i < with_inf.size(); ++i) {
    CAPTURE(i);
    CHECK(std::isfinite((*a)[i]));
    CHECK(std::isfinite(tails_inf[i]));
    CHECK((*a)[i] == (*b)[i]);
    CHECK(tails_inf[i] == tails_max[i]);
  }
  CHECK(tails_inf[5] <= o.red);  // the alarm
  CHECK((*a)[5] >= 1 - o.red);
  // The estimates after it (t 6, 9) hold DBL_MAX / 2 among their averages: finite, not NaN.
  Result<AnomalyLikelihood> al = AnomalyLikelihood::Create(o);
  REQUIRE(al.ok());
  for (double s : with_inf) al->Step(s);
  CHECK(al->estimates() == 3);
  CHECK(std::isfinite(al->distribution().mean));
  CHECK(std::isfinite(al->distribution().stdev));
  CHECK(al->distribution().stdev > 0);
}

// Scores of any finite size: the transform of c·s equals that of s for a power of two c (exact
// scaling) when the floors bind on neither, with μ and σ scaled by c. At c = 2^600 (scores near
// 1e181) the squared deviations overflow a plain sum of squares (above ~1.3e154); at c = 2^1015
// the sums of the averages themselves do (8 averages near 3e306 each).
TEST_CASE("anomaly_likelihood: huge scores scale, they do not overflow the estimate") {
  AnomalyLikelihoodOptions o = Small(8, 0, 2);
  o.reestimation_period = 4;
  const std::vector<double> base = {2, 5, 3, 4, 6, 2, 5, 3, 4, 40, 3, 5, 4, 2, 6, 3, 5, 4};
  std::vector<double> tails_ref;
  Result<std::vector<double>> ref = AnomalyLikelihoods(base, o, &tails_ref);
  REQUIRE(ref.ok());
  Result<AnomalyLikelihood> unit = AnomalyLikelihood::Create(o);
  REQUIRE(unit.ok());
  for (double s : base) unit->Step(s);
  REQUIRE(unit->distribution().mean > 1);  // the floors do not bind
  REQUIRE(unit->distribution().stdev > 1);
  size_t ref_alarms = 0;
  for (double q : tails_ref) ref_alarms += q <= o.red;
  CHECK(ref_alarms == 1);  // the 40
  for (int exponent : {600, 1015}) {
    CAPTURE(exponent);
    std::vector<double> scaled;
    for (double s : base) scaled.push_back(std::ldexp(s, exponent));
    std::vector<double> tails;
    Result<std::vector<double>> l = AnomalyLikelihoods(scaled, o, &tails);
    REQUIRE(l.ok());
    for (size_t i = 0; i < base.size(); ++i) {
      CAPTURE(i);
      CHECK(tails[i] == doctest::Approx(tails_ref[i]).epsilon(1e-9));
      CHECK((tails[i] <= o.red) == (tails_ref[i] <= o.red));
    }
    Result<AnomalyLikelihood> al = AnomalyLikelihood::Create(o);
    REQUIRE(al.ok());
    for (double s : scaled) al->Step(s);
    CHECK(std::ldexp(al->distribution().mean, -exponent) == doctest::Approx(unit->distribution().mean));
    CHECK(std::ldexp(al->distribution().stdev, -exponent) == doctest::Approx(unit->distribution().stdev));
  }
}

// Extremes of both signs together: every output stays a number in [0, 1].
TEST_CASE("anomaly_likelihood: scores at ±DBL_MAX give numbers, never NaN") {
  const double big = std::numeric_limits<double>::max();
  AnomalyLikelihoodOptions o = Small(4, 0, 3);
  o.reestimation_period = 2;
  const std::vector<double> scores = {big, -big, big, 1, -big, big, big, 0.5, -1e300, big, 1e-300, -big, big, 2};
  Result<std::vector<double>> l = AnomalyLikelihoods(scores, o);
  REQUIRE(l.ok());
  for (size_t i = 0; i < scores.size(); ++i) {
    CAPTURE(i);
    CHECK((*l)[i] >= 0);
    CHECK((*l)[i] <= 1);
  }
  CHECK(AnomalyLikelihood::TailProbability(big, {.mean = -big, .stdev = big, .null = false}) ==
        doctest::Approx(0.5 * std::erfc(2 / std::sqrt(2.0))));
  CHECK(AnomalyLikelihood::TailProbability(big, {.mean = -big, .stdev = 1, .null = false}) == 0);
  CHECK(AnomalyLikelihood::TailProbability(-big, {.mean = big, .stdev = 1, .null = false}) == 1);
}

TEST_CASE("anomaly_likelihood: shorter than probation, or nothing left to estimate from") {
  Result<std::vector<double>> s =
      AnomalyLikelihoods(std::vector<double>(10, 3.0), AnomalyLikelihoodOptions::ForProbationary(750));
  REQUIRE(s.ok());
  for (double v : *s) CHECK(v == 0.5);
  // A learning period that covers the whole history: the null distribution (μ 0.5, σ 1000).
  Result<AnomalyLikelihood> al = AnomalyLikelihood::Create(Small(4, 10, 2));
  REQUIRE(al.ok());
  for (double v : {0.1, 0.2, 0.3, 0.4}) al->Step(v);
  const double l = al->Step(50.0);
  CHECK(al->distribution().null);
  CHECK(al->distribution().stdev == 1000);
  CHECK(l == doctest::Approx(1 - 0.5 * std::erfc((25.2 - 0.5) / 1000 / std::sqrt(2.0))));
  CHECK_FALSE(al->last_alarm());
  // Every score non-finite during probation: no history, the null distribution, no previous tail.
  Result<AnomalyLikelihood> none = AnomalyLikelihood::Create(Small(3, 0, 2));
  REQUIRE(none.ok());
  for (int i = 0; i < 3; ++i) none->Step(NAN);
  CHECK(none->Step(0.4) == doctest::Approx(0.5).epsilon(1e-3));
  CHECK(none->distribution().null);
}

TEST_CASE("anomaly_likelihood: NAB's defaults; a sustained rise on noise alarms once, noise rarely") {
  const AnomalyLikelihoodOptions o = AnomalyLikelihoodOptions::ForProbationary(750);
  CHECK(o.learning_period == 375);
  CHECK(o.historic_window == 8640);
  CHECK(o.averaging_window == 10);
  CHECK(o.reestimation_period == 100);
  CHECK(o.red == 1e-5);
  uint64_t state = 12345;
  auto uniform = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / 9007199254740992.0;
  };
  std::vector<double> scores;
  for (int i = 0; i < 4000; ++i) scores.push_back(0.2 * uniform());
  for (int i = 0; i < 30; ++i) scores.push_back(0.6 + 0.2 * uniform());
  for (int i = 0; i < 1000; ++i) scores.push_back(0.2 * uniform());
  std::vector<double> tails;
  Result<std::vector<double>> l = AnomalyLikelihoods(scores, o, &tails);
  REQUIRE(l.ok());
  size_t noise_alarms = 0, rise_alarms = 0, first_rise = 0;
  for (size_t i = 750; i < scores.size(); ++i) {
    if (tails[i] > o.red) continue;
    CHECK((*l)[i] >= 1 - o.red);
    if (i >= 4000 && i < 4040) {
      if (rise_alarms++ == 0) first_rise = i;
    } else {
      ++noise_alarms;
    }
  }
  CHECK(rise_alarms == 1);  // the filter keeps the first red step of the run only
  CHECK(first_rise >= 4000);
  CHECK(first_rise <= 4004);
  CHECK(noise_alarms == 0);
}

TEST_CASE("anomaly_likelihood: log-likelihood and option errors") {
  CHECK(AnomalyLikelihood::LogLikelihood(1e-5) == doctest::Approx(0.5).epsilon(1e-5));
  CHECK(AnomalyLikelihood::LogLikelihood(0) == doctest::Approx(1));
  CHECK(AnomalyLikelihood::LogLikelihood(1) == doctest::Approx(0).epsilon(1e-9));
  CHECK(AnomalyLikelihood::LogLikelihood(1e-6) > AnomalyLikelihood::LogLikelihood(1e-5));
  auto error = [](AnomalyLikelihoodOptions o) {
    Result<AnomalyLikelihood> al = AnomalyLikelihood::Create(o);
    return al.ok() ? std::string() : al.status().message();
  };
  AnomalyLikelihoodOptions o;
  CHECK(error(o).empty());
  o.averaging_window = 0;
  CHECK(error(o).find("averaging_window") != std::string::npos);
  o = {};
  o.historic_window = 5;
  CHECK(error(o).find("historic_window (5)") != std::string::npos);
  o = {};
  o.reestimation_period = 0;
  CHECK(error(o).find("reestimation_period") != std::string::npos);
  o = {};
  o.red = 0;
  CHECK(error(o).find("red must be") != std::string::npos);
  o = {};
  o.yellow = NAN;
  CHECK(error(o).find("yellow must be") != std::string::npos);
  o = {};
  o.red = 0.01;
  CHECK(error(o).find("must be ≤ yellow") != std::string::npos);
  o = {};
  o.min_variance = 0;
  CHECK(error(o).find("min_variance") != std::string::npos);
  o = {};
  o.min_mean = -1;
  CHECK(error(o).find("min_mean") != std::string::npos);
}

}  // namespace
}  // namespace vigil
