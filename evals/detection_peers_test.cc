// The tail threshold shared by the multi-member score detectors (tail max or POT).
#include "evals/detection_peers.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>

namespace vigil {
namespace {

// n values whose empirical distribution is Exp(1) exactly in the quantiles: −log(1 − (i + 0.5)/n),
// in a scrambled order (the threshold must not depend on the order).
std::vector<double> ExponentialQuantiles(size_t n) {
  std::vector<double> v(n);
  for (size_t i = 0; i < n; ++i) {
    const size_t j = (i * 7919) % n;  // 7919 is prime, coprime with the n used below
    v[j] = -std::log(1 - (static_cast<double>(i) + 0.5) / static_cast<double>(n));
  }
  return v;
}

TEST_CASE("ChooseTailThreshold: tail max, and POT on the tail range only") {
  // Training part [0, 20000) = fitting [0, 10000) with one huge score, tail [10000, 20000).
  std::vector<double> score(20000, 0.0);
  score[5] = 1e6;  // in the fitting part: neither method may see it
  const std::vector<double> tail = ExponentialQuantiles(10000);
  std::copy(tail.begin(), tail.end(), score.begin() + 10000);
  score[10003] = NAN;  // no score: skipped
  Json d;
  Result<double> max = ChooseTailThreshold(score, 10000, 20000, TailThreshold{}, &d);
  REQUIRE(max.ok());
  double expected_max = 0;
  for (size_t i = 10000; i < 20000; ++i) {
    if (std::isfinite(score[i])) expected_max = std::max(expected_max, score[i]);
  }
  CHECK(*max == expected_max);
  CHECK(d["method"] == "tail-max");
  CHECK_FALSE(d.contains("pot"));
  // POT at q = 1e-3: Exp(1)'s quantile is −log q = 6.91, below the tail max (≈ log 20000 = 9.9).
  TailThreshold pot{.pot = {.level = 0.98, .risk = 1e-3}, .method = TailThresholdMethod::kPot};
  Result<double> z = ChooseTailThreshold(score, 10000, 20000, pot, &d);
  REQUIRE(z.ok());
  CHECK(*z == doctest::Approx(-std::log(1e-3)).epsilon(0.03));
  CHECK(*z < *max);
  CHECK(d["method"] == "pot");
  CHECK(d["pot"]["n"] == 9999);
  CHECK(d["pot"]["peaks"].get<int64_t>() == doctest::Approx(200).epsilon(0.02));
  CHECK(d["pot"]["fit"] == "grimshaw");
  CHECK(d["tail_max"].get<double>() == *max);
  // q = 1e-5 < 1/n: beyond every tail score.
  pot.pot.risk = 1e-5;
  z = ChooseTailThreshold(score, 10000, 20000, pot, &d);
  REQUIRE(z.ok());
  CHECK(*z > *max);
  CHECK(*z == doctest::Approx(-std::log(1e-5)).epsilon(0.05));
}

TEST_CASE("ChooseTailThreshold: a tail POT cannot fit falls back to the max, or fails when told") {
  std::vector<double> score(1000, 0.0);
  for (size_t i = 500; i < 1000; ++i) score[i] = i % 50 == 0 ? 2.0 : 1.0;  // 10 distinct tops, tied
  TailThreshold pot{.pot = {.level = 0.98, .risk = 1e-3}, .method = TailThresholdMethod::kPot};
  Json d;
  Result<double> z = ChooseTailThreshold(score, 500, 1000, pot, &d);
  REQUIRE(z.ok());
  CHECK(*z == 2.0);  // the tail max
  CHECK(d["method"] == "pot");
  CHECK(d["pot_failed"].get<std::string>().find("fewer than the 10") != std::string::npos);
  pot.fallback_to_max = false;
  z = ChooseTailThreshold(score, 500, 1000, pot, &d);
  REQUIRE_FALSE(z.ok());
  CHECK(z.status().message().find("POT: 0 of 500 scores") != std::string::npos);
  CHECK_FALSE(ChooseTailThreshold(score, 1000, 1000, TailThreshold{}).ok());
}

}  // namespace
}  // namespace vigil
