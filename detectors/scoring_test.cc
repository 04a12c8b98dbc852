#include "detectors/scoring.h"

#include <doctest/doctest.h>

namespace vigil {
namespace {

// Hand-checked case used by several tests:
//   index   0 1 2 3 4 5 6 7 8
//   labels  0 1 1 0 0 1 1 1 0     segments [1,2] and [5,7]
//   flags   0 0 1 1 0 0 0 0 1     flags inside the first segment at index 2 (its 2nd point)
const std::vector<uint8_t> kLabels = {0, 1, 1, 0, 0, 1, 1, 1, 0};
const std::vector<uint8_t> kFlags = {0, 0, 1, 1, 0, 0, 0, 0, 1};

TEST_CASE("point counts: flagged anomalous / flagged normal / missed anomalous points") {
  Result<Counts> c = PointCounts(kLabels, kFlags);
  REQUIRE(c.ok());
  CHECK(*c == Counts{1, 2, 4});
  CHECK(c->Precision() == doctest::Approx(1.0 / 3));
  CHECK(c->Recall() == doctest::Approx(1.0 / 5));
  CHECK(c->F1() == doctest::Approx(0.25));  // 2·(1/3)(1/5)/(8/15)
}

TEST_CASE("point-adjusted counts: a hit segment counts all its points") {
  Result<Counts> c = PointAdjustedCounts(kLabels, kFlags);
  REQUIRE(c.ok());
  CHECK(*c == Counts{2, 2, 3});
  CHECK(c->F1() == doctest::Approx(2 * 0.5 * 0.4 / 0.9));
}

TEST_CASE("delay-constrained PA: the flag must fall in the first k+1 points") {
  Result<Counts> k0 = DelayPointAdjustedCounts(kLabels, kFlags, 0);
  REQUIRE(k0.ok());
  CHECK(*k0 == Counts{0, 2, 5});  // flag at start+1 is too late for k=0
  CHECK(k0->F1() == 0.0);
  Result<Counts> k1 = DelayPointAdjustedCounts(kLabels, kFlags, 1);
  REQUIRE(k1.ok());
  CHECK(*k1 == Counts{2, 2, 3});
  // A flag after a long segment's first k+1 points does not count; the segment ends at the
  // series end (no trailing normal point).
  Result<Counts> tail = DelayPointAdjustedCounts({0, 1, 1, 1, 1}, {0, 0, 0, 1, 1}, 1);
  REQUIRE(tail.ok());
  CHECK(*tail == Counts{0, 0, 4});
  CHECK_FALSE(DelayPointAdjustedCounts(kLabels, kFlags, -1).ok());
}

TEST_CASE("event counts: one TP per detected segment, FP per flagged normal point") {
  Result<Counts> c = EventCounts(kLabels, kFlags);
  REQUIRE(c.ok());
  CHECK(*c == Counts{1, 2, 1});
  CHECK(c->F1() == doctest::Approx(0.4));  // P 1/3, R 1/2
}

TEST_CASE("scores of degenerate inputs") {
  // No anomalies and no flags: everything zero, F1 defined as 0.
  Result<DetectionCounts> none = ScoreFlags({0, 0, 0}, {0, 0, 0}, 7);
  REQUIRE(none.ok());
  CHECK(none->point.F1() == 0.0);
  // Perfect detector.
  Result<DetectionCounts> perfect = ScoreFlags(kLabels, kLabels, 0);
  REQUIRE(perfect.ok());
  CHECK(perfect->point.F1() == 1.0);
  CHECK(perfect->pa.F1() == 1.0);
  CHECK(perfect->dc_pa.F1() == 1.0);
  CHECK(perfect->event.F1() == 1.0);
  // Length mismatch is an error, not a crash.
  Result<Counts> bad = PointCounts({0, 1}, {0});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("2 labels but 1 flags") != std::string::npos);
}

TEST_CASE("micro average sums counts across series before F1") {
  DetectionCounts total;
  total += *ScoreFlags({1, 0}, {1, 0}, 7);  // tp 1
  total += *ScoreFlags({0, 1}, {1, 0}, 7);  // fp 1, fn 1
  CHECK(total.point == Counts{1, 1, 1});
  CHECK(total.point.F1() == doctest::Approx(0.5));
  Json j = DetectionCountsToJson(total);
  CHECK(j["point"]["f1"].get<double>() == doctest::Approx(0.5));
  CHECK(j["event"]["tp"].get<int64_t>() == 1);
}

TEST_CASE("NAB scaled sigmoid and probation") {
  CHECK(NabScaledSigmoid(0.0) == doctest::Approx(0.0));
  CHECK(NabScaledSigmoid(-1.0) == doctest::Approx(0.9866143));
  CHECK(NabScaledSigmoid(3.5) == -1.0);
  CHECK(NabProbationLength(40) == 6);       // floor(0.15·40)
  CHECK(NabProbationLength(10320) == 750);  // capped at 0.15·5000
}

// 40 points one minute apart; probation = 6 points; one window at indices 10..13 (width 4).
std::vector<int64_t> Minutes(int n) {
  std::vector<int64_t> t;
  for (int i = 0; i < n; ++i) t.push_back(int64_t{i} * 60'000);
  return t;
}
std::vector<uint8_t> DetectAt(int n, std::initializer_list<int> at) {
  std::vector<uint8_t> d(n, 0);
  for (int i : at) d[i] = 1;
  return d;
}
const std::vector<AnomalyWindow> kWindow = {{10 * 60'000, 13 * 60'000}};

TEST_CASE("NAB score: hand-computed file") {
  // 1: in probation, ignored. 8: before the first window, −B = −0.11.
  // 12: y = −(13−12+1)/4 = −0.5, weight σ(−0.5)/σ(−1) = 0.848284/0.986614 = 0.859793; 13 scores
  //     less and the window keeps its best detection.
  // 15: y = (15−13)/(4−1) = 0.667, weight 0.11·σ(0.667) = 0.11·(−0.931109) = −0.102422.
  // 30: y = 17/3 > 3, weight −B = −0.11.
  // raw = 0.859793 − 0.11 − 0.102422 − 0.11 = 0.537371; null −1, perfect 1 → 76.8685.
  Result<NabFileScore> s =
      NabScore(Minutes(40), DetectAt(40, {1, 8, 12, 13, 15, 30}), kWindow, NabProfile::kStandard);
  REQUIRE(s.ok());
  CHECK(s->raw == doctest::Approx(0.5373705));
  CHECK(s->windows == 1);
  CHECK(s->detected_windows == 1);
  CHECK(s->false_positives == 3);
  CHECK(s->Normalized() == doctest::Approx(76.8685255));
  // reward_low_FP doubles B: raw = 0.859793 − 0.22 − 0.204844 − 0.22.
  Result<NabFileScore> lowfp =
      NabScore(Minutes(40), DetectAt(40, {1, 8, 12, 13, 15, 30}), kWindow, NabProfile::kRewardLowFp);
  REQUIRE(lowfp.ok());
  CHECK(lowfp->raw == doctest::Approx(0.2149485));
}

TEST_CASE("NAB score: perfect, null and late detectors; windows in probation") {
  Result<NabFileScore> first = NabScore(Minutes(40), DetectAt(40, {10}), kWindow, NabProfile::kStandard);
  REQUIRE(first.ok());
  CHECK(first->raw == doctest::Approx(1.0));
  CHECK(first->Normalized() == doctest::Approx(100.0));
  Result<NabFileScore> null = NabScore(Minutes(40), DetectAt(40, {}), kWindow, NabProfile::kRewardLowFn);
  REQUIRE(null.ok());
  CHECK(null->raw == doctest::Approx(-2.0));
  CHECK(null->Normalized() == doctest::Approx(0.0));
  // Last point of the window: y = −1/4 → σ(−0.25)/σ(−1) = 0.555 / 0.9866.
  Result<NabFileScore> late = NabScore(Minutes(40), DetectAt(40, {13}), kWindow, NabProfile::kStandard);
  REQUIRE(late.ok());
  CHECK(late->raw == doctest::Approx(NabScaledSigmoid(-0.25) / NabScaledSigmoid(-1.0)));
  // A window wholly inside the probation period is not scored at all.
  Result<NabFileScore> prob =
      NabScore(Minutes(40), DetectAt(40, {}), {{2 * 60'000, 4 * 60'000}}, NabProfile::kStandard);
  REQUIRE(prob.ok());
  CHECK(prob->windows == 0);
  CHECK(prob->raw == 0.0);
  // Mismatched inputs are an error.
  CHECK_FALSE(NabScore(Minutes(3), {1}, kWindow, NabProfile::kStandard).ok());
}

}  // namespace
}  // namespace vigil
