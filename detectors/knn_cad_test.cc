#include "detectors/knn_cad.h"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

namespace vigil {
namespace {

// Hand trace, dim 1, k 1, probationary 6:
//   records 1–5 (1, 2, 3, 4, 5) are the training items; output 0.
//   record 6: metric (XᵀX)⁻¹ = 1/55; calibration = each item's nearest other: 1/55 each.
//     5.5: nearest 5, 0.25/55: no calibration score below → 0. It enters: items 2 3 4 5 5.5,
//     scores 1/55 ×4 and 0.25/55.
//   record 7: 20: nearest 5.5, 210.25/55: all 5 below → 1 ≥ 0.997: a rest of ⌊6/5⌋ = 1 record.
//   record 8: resting → 0, nothing learned.
TEST_CASE("knn_cad: a hand-traced small case") {
  Result<KnnCadDetector> d = KnnCadDetector::Create({.probationary = 6, .dim = 1, .k = 1});
  REQUIRE(d.ok());
  const std::vector<double> in = {1, 2, 3, 4, 5, 5.5, 20, 3};
  const std::vector<double> out = {0, 0, 0, 0, 0, 0, 1, 0};
  for (size_t i = 0; i < in.size(); ++i) {
    CAPTURE(i);
    CHECK(d->Step(in[i]) == doctest::Approx(out[i]));
  }
  CHECK(d->metric_fitted());
  CHECK(d->training_size() == 5);
}

// A noisy sine, then a spike: the conformal rank of the spike is 1 and the detector rests for
// probationary / 5 records; on the sine itself ranks ≥ 0.997 are rare (conformal: ~0.3%).
TEST_CASE("knn_cad: a spike on a learned noisy wave alarms, then rests") {
  const size_t p = 300;
  Result<KnnCadDetector> d = KnnCadDetector::Create({.probationary = p});
  REQUIRE(d.ok());
  auto wave = [](size_t t) {
    return 10 + 3 * std::sin(static_cast<double>(t) * 0.2) + 0.1 * static_cast<double>((t * 7919) % 13) / 13;
  };
  size_t alarms = 0;
  for (size_t t = 0; t < 1500; ++t) alarms += d->Step(wave(t)) >= 0.997 ? 1 : 0;
  CHECK(alarms <= 10);  // 1200 scored records
  size_t t = 1500;
  while (d->resting()) d->Step(wave(t++));
  CHECK(d->Step(40) == 1.0);
  CHECK(d->resting());
  for (size_t i = 0; i < p / 5; ++i) CHECK(d->Step(wave(t + 1 + i)) == 0.0);
  CHECK_FALSE(d->resting());
}

TEST_CASE("knn_cad: the metric does not depend on the series' scale") {
  Result<KnnCadDetector> a = KnnCadDetector::Create({.probationary = 100, .dim = 4, .k = 5});
  Result<KnnCadDetector> b = KnnCadDetector::Create({.probationary = 100, .dim = 4, .k = 5});
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  for (size_t t = 0; t < 400; ++t) {
    const double v = std::sin(static_cast<double>(t) * 0.3) + 0.05 * static_cast<double>((t * 31) % 17) + (t == 350 ? 5 : 0);
    CAPTURE(t);
    CHECK(a->Step(v) == doctest::Approx(b->Step(1e6 * v)));
  }
}

// A non-finite value mid-stream is not a record: the outputs around it are those of the stream
// without it (the item window, the record count that schedules the metric refits and the rest all
// stay where they were).
TEST_CASE("knn_cad: NaN and infinities mid-stream leave the outputs of the finite values unchanged") {
  Result<KnnCadDetector> clean = KnnCadDetector::Create({.probationary = 60, .dim = 3, .k = 4});
  Result<KnnCadDetector> gappy = KnnCadDetector::Create({.probationary = 60, .dim = 3, .k = 4});
  REQUIRE(clean.ok());
  REQUIRE(gappy.ok());
  size_t alarms = 0;
  for (size_t t = 0; t < 300; ++t) {
    const double v = std::sin(static_cast<double>(t) * 0.4) + 0.1 * static_cast<double>((t * 37) % 11) + (t == 200 ? 6 : 0);
    if (t % 7 == 3) CHECK(std::isnan(gappy->Step(t % 2 == 0 ? NAN : (t % 3 == 0 ? INFINITY : -INFINITY))));
    const double expected = clean->Step(v);
    alarms += expected >= 0.997 ? 1 : 0;
    CAPTURE(t);
    CHECK(gappy->Step(v) == expected);
  }
  CHECK(alarms >= 1);  // the 6 at t = 200: the comparison covers an alarm and its rest
  CHECK(gappy->training_size() == clean->training_size());
}

// A flat probationary part: XᵀX has rank 1, so the metric stays the identity (no division by a
// zero pivot, no NaN); identical items score 0 and nothing ranks above them; the first value off
// the flat line is far from every training item and alarms.
TEST_CASE("knn_cad: a constant series scores 0 with the identity metric; a step off it alarms") {
  Result<KnnCadDetector> d = KnnCadDetector::Create({.probationary = 100, .dim = 5, .k = 3});
  REQUIRE(d.ok());
  for (size_t t = 0; t < 300; ++t) {
    CAPTURE(t);
    CHECK(d->Step(42.0) == 0.0);
  }
  CHECK_FALSE(d->metric_fitted());
  CHECK(d->Step(43.0) == 1.0);
  CHECK(d->resting());
}

TEST_CASE("knn_cad: bad options are named; a non-finite value is skipped") {
  auto err = [](KnnCadOptions o) {
    Result<KnnCadDetector> d = KnnCadDetector::Create(o);
    REQUIRE_FALSE(d.ok());
    return d.status().message();
  };
  CHECK(err({.dim = 0}).find("dim") != std::string::npos);
  CHECK(err({.k = 0}).find("k must") != std::string::npos);
  CHECK(err({.alarm = 0}).find("alarm") != std::string::npos);
  CHECK(err({.probationary = 40}).find("need more than k = 27") != std::string::npos);
  Result<KnnCadDetector> d = KnnCadDetector::Create({.probationary = 6, .dim = 1, .k = 1});
  REQUIRE(d.ok());
  CHECK(std::isnan(d->Step(NAN)));
  CHECK(d->training_size() == 0);
}

}  // namespace
}  // namespace vigil
