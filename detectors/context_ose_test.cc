#include "detectors/context_ose.h"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

namespace vigil {
namespace {

ContextOseDetector Make(size_t rest_period, double min_value = 0, double max_value = 7) {
  Result<ContextOseDetector> d =
      ContextOseDetector::Create({.min_value = min_value, .max_value = max_value, .rest_period = rest_period});
  REQUIRE(d.ok());
  return *std::move(d);
}

TEST_CASE("context_ose: quantisation into 8 levels of [min, max], clamped outside") {
  ContextOseDetector d = Make(1, 10, 24);  // step (24 − 10) / 7 = 2
  CHECK(d.Level(10) == 0);
  CHECK(d.Level(11.9) == 0);
  CHECK(d.Level(12.1) == 1);
  CHECK(d.Level(23.9) == 6);
  CHECK(d.Level(24) == 7);
  CHECK(d.Level(-100) == 0);
  CHECK(d.Level(1e9) == 7);
  ContextOseDetector flat = Make(1, 5, 5);  // a constant range: as CAD OSE, steps of 1 from min
  CHECK(flat.Level(5) == 0);
  CHECK(flat.Level(6.5) == 1);
}

// Hand trace of a constant value (level 5, facts {1, 2, 5}):
//   t=0  nothing remembered: no context selected, none new              raw (1 − 0 + 0) / 2 = 0.5
//   t=1  zero-level context 0 ({1,2,5} → {1,2,5}) is new; 1 of 1 unique raw (1 − 0 + 1) / 2 = 1
//   t=2  context 0 selected and active; left facts gain neuron 0        raw (1 − 1 + 0) / 2 = 0
//   t=3  ({1,2,5,n0} → {1,2,5}) is new (context 1); context 0 active    raw (1 − 1 + 1) / 2 = 0.5
//   t=4  contexts 0 and 1 active; no new context                        raw 0
//   ... one new context every second step while the neurons grow, until 16 contexts exist (t=31)
//   and the 15 most used (0 … 14) form a left part already known: raw 0 from t=32 on.
TEST_CASE("context_ose: a constant series, step by step") {
  ContextOseDetector d = Make(3);
  const std::vector<double> raw = {0.5, 1.0, 0.0, 0.5, 0.0, 0.5, 0.0, 0.5};
  const std::vector<double> out = {0, 0, 0, 0, 0, 0.5, 0.0, 0.5};  // rest: 3 steps after t=1's 1.0
  for (size_t t = 0; t < raw.size(); ++t) {
    CAPTURE(t);
    const double o = d.Step(5.2);
    CHECK(d.last_raw_score() == doctest::Approx(raw[t]));
    CHECK(o == doctest::Approx(out[t]));
  }
  for (size_t t = raw.size(); t < 32; ++t) {
    CAPTURE(t);
    d.Step(5.2);
    CHECK(d.last_raw_score() == doctest::Approx(t % 2 == 1 ? 0.5 : 0.0));
  }
  CHECK(d.context_count() == 16);
  for (size_t t = 32; t < 100; ++t) {
    CAPTURE(t);
    CHECK(d.Step(5.2) == 0.0);
    CHECK(d.last_raw_score() == 0.0);
  }
  CHECK(d.context_count() == 16);  // nothing new is learned from a known pattern
}

TEST_CASE("context_ose: a learned periodic pattern is quiet; a novel value fires once, then rests") {
  const size_t rest = 20;
  ContextOseDetector d = Make(rest);
  const std::vector<double> period = {0, 7, 7, 3};
  size_t at_300 = 0;
  for (size_t t = 0; t < 400; ++t) {
    if (t == 300) at_300 = d.context_count();
    const double o = d.Step(period[t % 4]);
    // Learned: nothing new; only contexts whose left part also precedes the other successor of 7
    // are selected and not active (7 is followed by 7 and by 3), so the score stays low.
    if (t >= 300) CHECK(o < 0.1);
  }
  const size_t learned = d.context_count();
  CHECK(learned == at_300);
  const double alert = d.Step(5);  // level 5 never followed this context
  CHECK(alert >= 0.75);
  CHECK(d.context_count() > learned);
  for (size_t t = 0; t < rest; ++t) CHECK(d.Step(period[t % 4]) == 0.0);  // the rest period
}

TEST_CASE("context_ose: grow_range widens the range causally; off, values are clamped") {
  Result<ContextOseDetector> grow = ContextOseDetector::Create({.min_value = 0, .max_value = 7, .grow_range = true});
  REQUIRE(grow.ok());
  ContextOseDetector fixed = Make(1);
  for (double v : {1.0, 6.0, 70.0, 3.0}) {
    grow->Step(v);
    fixed.Step(v);
  }
  CHECK(grow->max_value() == 70.0);  // widened by 70 when it arrived, not narrowed by 3
  CHECK(grow->min_value() == 0.0);
  CHECK(grow->Level(7) == 0);  // step 70 / 7 = 10
  CHECK(grow->Level(69.9) == 6);
  CHECK(fixed.max_value() == 7.0);
  CHECK(fixed.Level(70) == 7);
  grow->Step(-35);  // below: min moves, step (70 + 35) / 7 = 15
  CHECK(grow->min_value() == -35.0);
  CHECK(grow->Level(0) == 2);
}

TEST_CASE("context_ose: a non-finite value scores NaN and changes nothing") {
  ContextOseDetector d = Make(1);
  for (int i = 0; i < 5; ++i) d.Step(1);
  const size_t n = d.context_count();
  CHECK(std::isnan(d.Step(NAN)));
  CHECK(d.context_count() == n);
}

// Mid-stream, the step after a non-finite value scores as if it had never come: the left facts
// (previous value and neurons) and the rest clock are untouched; with grow_range an infinity
// does not widen the range.
TEST_CASE("context_ose: NaN and infinities mid-stream leave the finite values' scores unchanged") {
  Result<ContextOseDetector> clean = ContextOseDetector::Create({.rest_period = 10, .grow_range = true});
  Result<ContextOseDetector> gappy = ContextOseDetector::Create({.rest_period = 10, .grow_range = true});
  REQUIRE(clean.ok());
  REQUIRE(gappy.ok());
  const double period[] = {0, 7, 7, 3, 1};
  size_t high = 0;
  for (size_t t = 0; t < 200; ++t) {
    const double v = t == 150 ? 5.0 : t == 170 ? 12.0 : period[t % 5];
    if (t % 9 == 4) CHECK(std::isnan(gappy->Step(t % 2 == 0 ? NAN : (t % 3 == 0 ? INFINITY : -INFINITY))));
    const double expected = clean->Step(v);
    high += expected >= 0.75 ? 1 : 0;
    CAPTURE(t);
    CHECK(gappy->Step(v) == expected);
  }
  CHECK(high >= 1);  // the comparison covers an alarm and its rest
  CHECK(gappy->context_count() == clean->context_count());
  CHECK(gappy->max_value() == 12.0);
  CHECK(gappy->min_value() == 0.0);
}

TEST_CASE("context_ose: bad options are named") {
  auto err = [](ContextOseOptions o) {
    Result<ContextOseDetector> d = ContextOseDetector::Create(o);
    REQUIRE_FALSE(d.ok());
    return d.status().message();
  };
  CHECK(err({.min_value = 2, .max_value = 1}).find("max_value") != std::string::npos);
  CHECK(err({.min_value = NAN}).find("finite") != std::string::npos);
  CHECK(err({.rest_period = 0}).find("rest_period") != std::string::npos);
  CHECK(err({.value_bits = 0}).find("value_bits") != std::string::npos);
  CHECK(err({.max_active_neurons = 0}).find("max_active_neurons") != std::string::npos);
  CHECK(err({.base_threshold = 1.5}).find("base_threshold") != std::string::npos);
}

}  // namespace
}  // namespace vigil
