// RulesDetector over the real builtin proposer, compiler and engine.
#include "evals/detection_rules.h"

#include <doctest/doctest.h>

#include <cmath>

#include "training/builtin_proposer.h"

namespace vigil {
namespace {

// Deterministic noise around 100 (unlabeled), with +300 spikes at the given points.
TimeSeries Member(int dim, int n, const std::vector<int>& spikes) {
  TimeSeries ts;
  ts.name = "machine-m1-dimension-series";
  ts.labels["machine"] = "m1";
  ts.labels["dim"] = std::to_string(dim);
  for (int i = 0; i < n; ++i) {
    ts.timestamps_ms.push_back(int64_t{i} * 60'000);
    ts.values.push_back(100 + ((i * (dim == 0 ? 37 : 53)) % 11) - 5);
  }
  for (int p : spikes) ts.values[static_cast<size_t>(p)] += 300;
  return ts;
}

std::vector<uint8_t> RunVotes(int min_votes, bool one_member = false) {
  EvalUnit unit;
  unit.name = "m1";
  unit.split = 1000;
  // Point 1200 spikes on both dimensions, 1300 on dimension 0 only.
  unit.members = {Member(0, 1500, {1200, 1300}), Member(1, 1500, {1200})};
  if (one_member) unit.members.pop_back();
  TrainerOptions t;
  t.objective = Objective::kPointAdjusted;
  RulesDetector det(std::make_unique<BuiltinProposer>(), t, min_votes);
  Result<std::vector<std::vector<uint8_t>>> flags = det.Run({unit});
  REQUIRE(flags.ok());
  REQUIRE(flags->size() == 1);
  REQUIRE((*flags)[0].size() == 1500);
  CHECK(det.Details()["min_votes"] == min_votes);
  return (*flags)[0];
}

TEST_CASE("RulesDetector: a unit is flagged where at least min_votes members' rules fire") {
  const std::vector<uint8_t> any = RunVotes(1);
  CHECK(any[1200] == 1);
  CHECK(any[1300] == 1);
  const std::vector<uint8_t> two = RunVotes(2);
  CHECK(two[1200] == 1);
  CHECK(two[1300] == 0);
  for (size_t i = 1000; i < 1500; ++i) {
    if (two[i]) CHECK(any[i]);  // a vote of two never flags more than OR
  }
  // A one-member unit (KPI, NAB) under a vote of two: its own rules decide.
  const std::vector<uint8_t> single = RunVotes(2, true);
  CHECK(single[1200] == 1);
  CHECK(single[1300] == 1);
}

TEST_CASE("ChooseVote: the smallest vote within the flag-rate bound on the held-out range") {
  const std::vector<int> votes = {9, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 9};  // range [1, 11): 10 points
  CHECK(ChooseVote(votes, 1, 11, 3, 0.1) == 2);                         // k=1: 2 points > 1
  CHECK(ChooseVote(votes, 1, 11, 3, 0.2) == 1);
  CHECK(ChooseVote(votes, 1, 11, 3, 0.0) == 3);  // none within the bound: every member
  CHECK(ChooseVote(votes, 5, 5, 4, 0.0) == 4);   // empty range
  CHECK(ChooseVote(votes, 1, 11, 1, 0.0) == 1);
}

// Vote chosen on the held-out training tail [800, 1000): single-dimension spikes there push it up.
std::vector<uint8_t> RunChosenVote(const std::vector<int>& tail_spikes0, const std::vector<int>& tail_spikes1,
                                   int* vote) {
  EvalUnit unit;
  unit.name = "m1";
  unit.split = 1000;
  std::vector<int> s0 = tail_spikes0, s1 = tail_spikes1;
  s0.insert(s0.end(), {1200, 1300});
  s1.push_back(1200);
  unit.members = {Member(0, 1500, s0), Member(1, 1500, s1)};
  TrainerOptions t;
  t.objective = Objective::kPointAdjusted;
  RulesDetector det(std::make_unique<BuiltinProposer>(), t, 0);
  Result<std::vector<std::vector<uint8_t>>> flags = det.Run({unit});
  REQUIRE(flags.ok());
  const Json d = det.Details();
  REQUIRE(d["per_series"].size() == 1);
  *vote = d["per_series"][0]["vote"].get<int>();
  return (*flags)[0];
}

TEST_CASE("RulesDetector: vote 0 picks the vote on a held-out training tail, never on the test part") {
  int vote = 0;
  std::vector<uint8_t> quiet_tail = RunChosenVote({}, {}, &vote);
  CHECK(vote == 1);
  CHECK(quiet_tail[1200] == 1);
  CHECK(quiet_tail[1300] == 1);
  // One-dimension spikes in the held-out tail (not in the fitting part): a vote of 1 would flag
  // 2 of its 200 points (> 0.1%), so the unit needs both dimensions.
  std::vector<uint8_t> noisy_tail = RunChosenVote({850}, {900}, &vote);
  CHECK(vote == 2);
  CHECK(noisy_tail[1200] == 1);
  CHECK(noisy_tail[1300] == 0);
}

// The test part is never read for training: a unit whose test part is rewritten (other values, a
// level far outside the training range) trains the same rules, and the flags before the split do
// not change. Labeled training part (KPI's case) and unlabeled (NAB's, SMD's).
TEST_CASE("RulesDetector: the test part does not change the trained rules") {
  for (bool labeled : {true, false}) {
    CAPTURE(labeled);
    auto run = [&](bool rewrite_test) {
      EvalUnit unit;
      unit.name = "k";
      unit.split = 1000;
      unit.members = {Member(0, 1500, {300, 700, 1200})};
      if (labeled) {
        unit.train_labels.assign(1000, 0);
        unit.train_labels[300] = unit.train_labels[700] = 1;
      }
      if (rewrite_test) {
        for (size_t i = 1000; i < 1500; ++i) unit.members[0].values[i] = 5000 + static_cast<double>(i % 7) * 300;
      }
      TrainerOptions t;
      t.objective = Objective::kPointAdjusted;
      RulesDetector det(std::make_unique<BuiltinProposer>(), t, 1);
      Result<std::vector<std::vector<uint8_t>>> flags = det.Run({unit});
      REQUIRE(flags.ok());
      return std::make_pair(det.rules(), std::vector<uint8_t>((*flags)[0].begin(), (*flags)[0].begin() + 1000));
    };
    const auto [rules, train_flags] = run(false);
    const auto [rules_rewritten, train_flags_rewritten] = run(true);
    CHECK_FALSE(rules.empty());
    CHECK(rules == rules_rewritten);
    CHECK(train_flags == train_flags_rewritten);
  }
}

TEST_CASE("SumOfNormalisedResiduals: each term over its max on the range, floored and clipped") {
  const double nan = NAN;
  // Term 0: max 2 on [1, 3); term 1: max 0 there, so the floor (0.5) normalises it.
  const std::vector<std::vector<double>> r = {{9, 2, 1, 4, 100}, {nan, 0, 0, 1, nan}};
  const std::vector<double> s = SumOfNormalisedResiduals(r, 1, 3, 0.5, 10);
  REQUIRE(s.size() == 5);
  CHECK(s[0] == doctest::Approx(4.5));  // 9 / 2; the missing term counts 0
  CHECK(s[1] == doctest::Approx(1.0));
  CHECK(s[2] == doctest::Approx(0.5));
  CHECK(s[3] == doctest::Approx(2 + 2));  // 4 / 2 + 1 / 0.5
  CHECK(s[4] == doctest::Approx(10));     // 100 / 2 clipped at 10
}

// Two members over 1500 points, split 1000 (fitting part [0, 800), held-out tail [800, 1000)).
Result<std::vector<std::vector<uint8_t>>> RunResidualSum(const std::vector<int>& spikes0,
                                                         const std::vector<int>& spikes1, double bump,
                                                         Json* details) {
  EvalUnit unit;
  unit.name = "m1";
  unit.split = 1000;
  unit.members = {Member(0, 1500, {}), Member(1, 1500, {})};
  for (int p : spikes0) unit.members[0].values[static_cast<size_t>(p)] += bump;
  for (int p : spikes1) unit.members[1].values[static_cast<size_t>(p)] += bump;
  ResidualSumDetector det;
  Result<std::vector<std::vector<uint8_t>>> flags = det.Run({unit});
  *details = det.Details();
  return flags;
}

TEST_CASE(
    "ResidualSumDetector: flags what both members deviate on; threshold from the held-out training tail") {
  Json d;
  // A step of 30 on both dimensions at 1200 (3x each member's largest training residual), on
  // dimension 0 alone at 1300.
  Result<std::vector<std::vector<uint8_t>>> quiet = RunResidualSum({1200, 1300}, {1200}, 30, &d);
  REQUIRE(quiet.ok());
  REQUIRE((*quiet)[0].size() == 1500);
  CHECK((*quiet)[0][1200] == 1);
  CHECK((*quiet)[0][1300] == 1);
  const double quiet_threshold = d["per_series"][0]["threshold"].get<double>();
  CHECK(d["per_series"][0]["terms"] == 4);  // 2 members x 2 windows
  CHECK(quiet_threshold > 0);
  size_t test_flags = 0;
  for (size_t i = 1000; i < 1500; ++i) test_flags += (*quiet)[0][i];
  CHECK(test_flags <= 4);  // the two steps (each seen by the point and its return)
  // A two-dimension step inside the held-out tail raises the threshold past a one-dimension one:
  // the one-dimension step in the test part is no longer flagged.
  Result<std::vector<std::vector<uint8_t>>> noisy = RunResidualSum({900, 1200, 1300}, {900, 1200}, 30, &d);
  REQUIRE(noisy.ok());
  CHECK(d["per_series"][0]["threshold"].get<double>() > quiet_threshold);
  CHECK((*noisy)[0][1300] == 0);
}

TEST_CASE("ResidualSumDetector with a POT threshold: fitted on the held-out tail's S; a failed fit says so") {
  EvalUnit unit;
  unit.name = "m1";
  unit.split = 1000;
  unit.members = {Member(0, 1500, {1200}), Member(1, 1500, {1200})};
  for (int p : {1200}) {
    unit.members[0].values[static_cast<size_t>(p)] += 30;
    unit.members[1].values[static_cast<size_t>(p)] += 30;
  }
  // The members' noise repeats with periods 11 and 7, so the tail's S takes few distinct values:
  // at level 0.98 every tail score above the initial threshold ties with it (no peaks).
  ResidualSumDetector strict(
      ResidualSumOptions{.threshold = {.method = TailThresholdMethod::kPot, .fallback_to_max = false}},
      "residual-sum-pot");
  Result<std::vector<std::vector<uint8_t>>> failed = strict.Run({unit});
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.status().message().find("residual-sum-pot: unit `m1`: POT: ") != std::string::npos);
  ResidualSumDetector fallback(ResidualSumOptions{.threshold = {.method = TailThresholdMethod::kPot}},
                               "residual-sum-pot");
  Result<std::vector<std::vector<uint8_t>>> flags = fallback.Run({unit});
  REQUIRE(flags.ok());
  CHECK((*flags)[0][1200] == 1);
  const Json d = fallback.Details();
  CHECK(d["threshold_method"] == "pot");
  CHECK(d["per_series"][0]["threshold_choice"].contains("pot_failed"));
  CHECK(d["per_series"][0]["threshold"].get<double>() ==
        d["per_series"][0]["threshold_choice"]["tail_max"].get<double>());
  CHECK(fallback.name() == "residual-sum-pot");
}

TEST_CASE("ResidualSumDetector: a training part too short for the tail and windows is an error") {
  EvalUnit unit;
  unit.name = "short";
  unit.split = 40;
  unit.members = {Member(0, 100, {})};
  ResidualSumDetector det;
  Result<std::vector<std::vector<uint8_t>>> flags = det.Run({unit});
  REQUIRE_FALSE(flags.ok());
  CHECK(flags.status().message().find("unit `short` has 40 training points") != std::string::npos);
}

}  // namespace
}  // namespace vigil
