// RulesDetector over the real builtin proposer, compiler and engine.
#include "evals/detection_rules.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "evals/detection_command.h"
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

TEST_CASE("RefitCheckpoints: doubling the training part, below the series length") {
  using V = std::vector<size_t>;
  CHECK(RefitCheckpoints(600, 4000) == V{1200, 2400});                // NAB: 15% probation of 4000
  CHECK(RefitCheckpoints(750, 22695) == V{1500, 3000, 6000, 12000});  // NAB: the 750-point cap
  CHECK(RefitCheckpoints(1000, 2001) == V{2000});
  // A series no longer than twice its training part: no re-training (a checkpoint at n flags nothing).
  CHECK(RefitCheckpoints(1000, 2000).empty());
  CHECK(RefitCheckpoints(1000, 1500).empty());
  CHECK(RefitCheckpoints(1000, 500).empty());
  CHECK(RefitCheckpoints(0, 100).empty());
  CHECK(RefitCheckpoints(1, 9) == V{2, 4, 8});
}

TEST_CASE("StitchSegments: each set's flags on its own segment only") {
  const std::vector<std::vector<uint8_t>> sets = {
      {1, 1, 1, 1, 1, 1, 1}, {0, 0, 0, 0, 0, 0, 0}, {1, 1, 1, 1, 1, 1}};  // the last set one short
  CHECK(StitchSegments(sets, {3, 5}, 7) == std::vector<uint8_t>{1, 1, 1, 0, 0, 1, 0});
  CHECK(StitchSegments({sets[1], sets[0]}, {6}, 7) == std::vector<uint8_t>{0, 0, 0, 0, 0, 0, 1});
  CHECK(StitchSegments({sets[0]}, {}, 7) == sets[0]);
  CHECK(StitchSegments({sets[0]}, {}, 3) == std::vector<uint8_t>{1, 1, 1});
}

// Noise of amplitude 5 around 100 on [0, 1000), of amplitude 50 (a wider regime) from 1000 on.
EvalUnit WideningUnit(int n) {
  EvalUnit unit;
  unit.name = "nab/widening.csv";
  unit.split = 1000;
  unit.members = {Member(0, n, {})};
  for (size_t i = 1000; i < static_cast<size_t>(n); ++i) {
    unit.members[0].values[i] = 100 + (unit.members[0].values[i] - 100) * 10;
  }
  return unit;
}

TrainerOptions RefitTestOptions() {
  TrainerOptions t;
  t.objective = Objective::kPointAdjusted;
  return t;
}

TEST_CASE("RulesRefitDetector: rules re-trained on all earlier points flag from their checkpoint on") {
  const EvalUnit unit = WideningUnit(4500);  // checkpoints 2000, 4000
  RulesDetector plain(std::make_unique<BuiltinProposer>(), RefitTestOptions(), 1);
  RulesRefitDetector refit(std::make_unique<BuiltinProposer>(), RefitTestOptions(), 1);
  CHECK(refit.name() == "rules-refit");
  Result<std::vector<std::vector<uint8_t>>> p = plain.Run({unit});
  Result<std::vector<std::vector<uint8_t>>> r = refit.Run({unit});
  REQUIRE(p.ok());
  REQUIRE(r.ok());
  REQUIRE((*r)[0].size() == 4500);
  auto count = [](const std::vector<uint8_t>& f, size_t b, size_t e) {
    size_t c = 0;
    for (size_t i = b; i < e; ++i) c += f[i];
    return c;
  };
  // Before the first checkpoint: the same rules as `rules` (trained on the training part).
  CHECK(std::equal((*p)[0].begin(), (*p)[0].begin() + 2000, (*r)[0].begin()));
  // Rules from the narrow regime fire all over the wide one; rules re-trained at 2000 have seen it.
  CHECK(count((*p)[0], 2000, 4500) > 100);
  CHECK(count((*r)[0], 2000, 4500) <= 5);
  const Json d = refit.Details()["per_series"][0];
  CHECK(d["checkpoints"] == Json::array({2000, 4000}));
  REQUIRE(d["segments"].size() == 3);
  CHECK(d["segments"][0]["trained_on_end"] == 1000);
  CHECK(d["segments"][1]["trained_on_end"] == 2000);
  CHECK(d["segments"][1]["flags_from"] == 2000);
  CHECK(d["segments"][1]["flags_to"] == 4000);
  CHECK(d["segments"][2]["flags_to"] == 4500);
  CHECK(d["segments"][0]["text"] == plain.rules());
  CHECK(refit.Details()["refits_total"] == 2);
}

// Split 1000 of 4300 points (checkpoints 2000, 4000), spikes in every segment and a wider pattern
// from 2200 on member 0; `two`: a second member with spikes of its own.
EvalUnit SpikedUnit(bool two) {
  EvalUnit unit;
  unit.name = "m1";
  unit.split = 1000;
  unit.members = {Member(0, 4300, {1500, 2600, 3100, 4200})};
  if (two) unit.members.push_back(Member(1, 4300, {1500, 1900, 2600, 4200}));
  for (size_t i = 2200; i < 4300; ++i) unit.members[0].values[i] += static_cast<double>(i % 5) * 4;
  return unit;
}

// Each segment's rules and flags are exactly those of `rules` with the checkpoint as the split:
// trained on the points before it and nothing else. One member, and two members with the vote
// chosen on a held-out tail of [0, checkpoint).
TEST_CASE("RulesRefitDetector: segment k is `rules` trained on [0, checkpoint k), one or several members") {
  for (bool two : {false, true}) {
    CAPTURE(two);
    const EvalUnit unit = SpikedUnit(two);
    const int votes = two ? 0 : 1;
    RulesRefitDetector refit(std::make_unique<BuiltinProposer>(), RefitTestOptions(), votes);
    Result<std::vector<std::vector<uint8_t>>> r = refit.Run({unit});
    REQUIRE(r.ok());
    const Json segments = refit.Details()["per_series"][0]["segments"];
    REQUIRE(segments.size() == 3);  // 1000 (the training part), 2000, 4000
    size_t from = 0;
    for (size_t k = 0; k < 3; ++k) {
      CAPTURE(k);
      EvalUnit at = unit;
      at.split = segments[k]["trained_on_end"].get<size_t>();
      const size_t to = segments[k]["flags_to"].get<size_t>();
      RulesDetector plain(std::make_unique<BuiltinProposer>(), RefitTestOptions(), votes);
      Result<std::vector<std::vector<uint8_t>>> p = plain.Run({at});
      REQUIRE(p.ok());
      const Json pd = plain.Details()["per_series"][0];
      CHECK(segments[k]["rules"] == pd["rules"]);
      if (two) {
        CHECK(segments[k]["vote"] == pd["vote"]);
      } else {
        CHECK(segments[k]["text"] == pd["text"]);
      }
      CHECK(std::equal((*p)[0].begin() + static_cast<ptrdiff_t>(from),
                       (*p)[0].begin() + static_cast<ptrdiff_t>(to),
                       (*r)[0].begin() + static_cast<ptrdiff_t>(from)));
      from = to;
    }
    CHECK(from == 4300);
  }
}

TEST_CASE("RulesRefitDetector: a later change of the series does not change earlier flags") {
  auto run = [](bool change) {
    EvalUnit unit = WideningUnit(4500);
    unit.members[0].values[2500] += 400;  // a spike the rules re-trained at 2000 flag
    // From 2700 on: a lower, quieter level, with spikes.
    if (change) {
      for (size_t i = 2700; i < 4500; ++i)
        unit.members[0].values[i] = 20 + (i % 97 == 0 ? 5000 : 0) + static_cast<double>(i % 13) * 0.5;
    }
    RulesRefitDetector refit(std::make_unique<BuiltinProposer>(), RefitTestOptions(), 1);
    Result<std::vector<std::vector<uint8_t>>> r = refit.Run({unit});
    REQUIRE(r.ok());
    std::vector<std::string> texts;
    const Json d = refit.Details();
    for (const Json& s : d["per_series"][0]["segments"]) texts.push_back(s.value("text", ""));
    return std::make_pair((*r)[0], texts);
  };
  const auto [flags, texts] = run(false);
  const auto [changed_flags, changed_texts] = run(true);
  REQUIRE(texts.size() == 3);
  REQUIRE(changed_texts.size() == 3);
  CHECK(flags[2500] == 1);
  CHECK(std::equal(flags.begin(), flags.begin() + 2700, changed_flags.begin()));
  CHECK(texts[0] == changed_texts[0]);
  CHECK(texts[1] == changed_texts[1]);
  // The rules trained on [0, 4000) saw the change in their training chunks [0, 3000) (so the checks
  // above are not vacuous), and flags differ after it.
  CHECK(texts[2] != changed_texts[2]);
  CHECK_FALSE(std::equal(flags.begin() + 2700, flags.end(), changed_flags.begin() + 2700));
}

// The boundary itself: rule set k is what the trainer makes of exactly [0, c_k) (c_0 = the split),
// checked against TrainRules called directly, not through TrainAndFlag (shared with RulesDetector,
// so comparing with `rules` cannot see a slice one point too long in both). On this series the
// point at the checkpoint 2000 changes the rules trained with it (the check is not vacuous there;
// at 1000 and 4000 one point more or less happens to give the same rules).
TEST_CASE("RulesRefitDetector: rule set k is trained on exactly [0, c_k)") {
  const EvalUnit unit = SpikedUnit(false);
  RulesRefitDetector refit(std::make_unique<BuiltinProposer>(), RefitTestOptions(), 1);
  REQUIRE(refit.Run({unit}).ok());
  const Json segments = refit.Details()["per_series"][0]["segments"];
  REQUIRE(segments.size() == 3);
  auto trained = [&](size_t end) {
    BuiltinProposer proposer;
    Result<TrainingRun> run =
        TrainRules({unit.members[0].SliceIndex(0, end)}, {}, proposer, RefitTestOptions());
    REQUIRE(run.ok());
    return run->CombinedRules();
  };
  for (size_t k = 0; k < 3; ++k) {
    const size_t end = k == 0 ? 1000 : 1000u << k;
    CAPTURE(end);
    CHECK(segments[k]["trained_on_end"] == end);
    CHECK(segments[k]["text"] == trained(end));
  }
  CHECK(trained(2000) != trained(2001));
}

// With a vote to choose (two members), the point at a checkpoint is outside the vote's held-out
// tail too: a +5000 spike on both members there leaves every rule set trained up to it (rules and
// vote) and all earlier flags as they were; the same spike one point earlier, inside that tail,
// changes the set's vote.
TEST_CASE("RulesRefitDetector: the point at the split or a checkpoint reaches no vote chosen before it") {
  auto run = [](int spike) {
    EvalUnit unit = WideningUnit(4500);  // split 1000; checkpoints 2000, 4000
    unit.members.push_back(Member(1, 4500, {}));
    if (spike >= 0) {
      for (TimeSeries& m : unit.members) m.values[static_cast<size_t>(spike)] += 5000;
    }
    RulesRefitDetector refit(std::make_unique<BuiltinProposer>(), RefitTestOptions(), 0);
    Result<std::vector<std::vector<uint8_t>>> r = refit.Run({unit});
    REQUIRE(r.ok());
    Json segments = refit.Details()["per_series"][0]["segments"];
    REQUIRE(segments.size() == 3);
    return std::make_pair((*r)[0], segments);
  };
  const auto [flags, segments] = run(-1);
  for (size_t k = 0; k < 3; ++k) {
    const size_t end = segments[k]["trained_on_end"].get<size_t>();  // 1000, 2000, 4000
    CAPTURE(end);
    const auto [at_flags, at] = run(static_cast<int>(end));
    for (size_t j = 0; j <= k; ++j) CHECK(at[j] == segments[j]);
    CHECK(std::equal(flags.begin(), flags.begin() + static_cast<ptrdiff_t>(end), at_flags.begin()));
    const Json before = run(static_cast<int>(end) - 1).second;
    CHECK(before[k]["vote"] != segments[k]["vote"]);
  }
}

TEST_CASE("RulesRefitDetector: a short series is plain `rules`; labeled units are refused") {
  EvalUnit unit = WideningUnit(2000);  // n = 2 x the training part: no checkpoint
  RulesDetector plain(std::make_unique<BuiltinProposer>(), RefitTestOptions(), 1);
  RulesRefitDetector refit(std::make_unique<BuiltinProposer>(), RefitTestOptions(), 1);
  Result<std::vector<std::vector<uint8_t>>> p = plain.Run({unit});
  Result<std::vector<std::vector<uint8_t>>> r = refit.Run({unit});
  REQUIRE(p.ok());
  REQUIRE(r.ok());
  CHECK(*p == *r);
  CHECK(refit.Details()["per_series"][0]["checkpoints"].empty());
  CHECK(refit.Details()["refits_total"] == 0);
  // KPI: a labeled training part; re-training past it would need the scored part's labels.
  EvalUnit labeled = WideningUnit(4500);
  labeled.name = "kpi-1";
  labeled.train_labels.assign(1000, 0);
  Result<std::vector<std::vector<uint8_t>>> refused = refit.Run({unit, labeled});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == StatusCode::kInvalidArgument);
  CHECK(refused.status().message().find("rules-refit: unit `kpi-1` has a labeled training part") !=
        std::string::npos);
}

TEST_CASE("eval detect: rules-refit is a known detector, refused for kpi when parsed") {
  DetectCommandOptions o;
  o.dataset = "nab";
  o.detectors = {"rules-refi"};
  const std::string m = RunDetectCommand(o).status().message();
  INFO(m);
  CHECK(m.find("unknown detector `rules-refi`") != std::string::npos);
  CHECK(m.find("did you mean `rules-refit`?") != std::string::npos);
  o.dataset = "kpi";
  o.detectors = {"rules-refit"};
  o.data_path = "/nonexistent";  // refused before any data is read
  Result<DetectionReport> kpi = RunDetectCommand(o);
  REQUIRE_FALSE(kpi.ok());
  CHECK(kpi.status().code() == StatusCode::kInvalidArgument);
  CHECK(kpi.status().message().find("`rules-refit` is for unlabeled targets") != std::string::npos);
}

// rules-group: 12 members with independent uniform noise of different scales; at 2400..2402 every
// member sits at 0.95 of its noise scale above its level (inside each member's own range).
EvalUnit GroupUnit(int members) {
  EvalUnit unit;
  unit.name = "m1";
  unit.split = 2000;
  for (int m = 0; m < members; ++m) {
    std::mt19937 rng(99 + static_cast<unsigned>(m));
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    TimeSeries ts;
    ts.name = "m1/dim" + std::to_string(m);
    ts.labels = {{"machine", "m1"}, {"dim", std::to_string(m)}};
    for (int i = 0; i < 3000; ++i) {
      double v = 10.0 * m + (1 + m) * u(rng);
      if (i >= 2400 && i < 2403) v = 10.0 * m + 0.95 * (1 + m);
      ts.timestamps_ms.push_back(int64_t{i} * 60'000);
      ts.values.push_back(v);
    }
    unit.members.push_back(std::move(ts));
  }
  return unit;
}

TEST_CASE("rules-group: the vote OR the group rule; a one-member unit is plain rules") {
  GroupFamilyOptions g;
  g.spread_window = 300;  // the fitting part is 1 600 points
  auto run = [&](const EvalUnit& unit, bool group, Json* details) {
    TrainerOptions t;
    t.objective = Objective::kPointAdjusted;
    RulesDetector det(std::make_unique<BuiltinProposer>(), t, 0, VoteSelection{},
                      group ? std::optional<GroupFamilyOptions>(g) : std::nullopt);
    CHECK(det.name() == (group ? "rules-group" : "rules-builtin"));
    Result<std::vector<std::vector<uint8_t>>> flags = det.Run({unit});
    REQUIRE(flags.ok());
    *details = det.Details();
    return (*flags)[0];
  };
  Json dv, dg;
  const EvalUnit unit = GroupUnit(12);
  const std::vector<uint8_t> vote = run(unit, false, &dv);
  const std::vector<uint8_t> both = run(unit, true, &dg);
  CHECK(vote[2400] == 0);
  CHECK(both[2400] == 1);
  for (size_t i = 0; i < vote.size(); ++i) {
    if (vote[i]) CHECK(both[i]);  // OR: nothing the vote flags is lost
  }
  // The group rule adds nothing in its 300-point warm-up, where the engine starts cold (review
  // RV-G: the rule carries count(lag(value, 1), 300p) >= 300, as its fit saw only those points).
  int warmup_added = 0;
  for (size_t i = 0; i < 300; ++i) warmup_added += both[i] && !vote[i];
  CHECK(warmup_added == 0);
  const Json& pu = dg["per_series"][0];
  CHECK(pu["vote"] == dv["per_series"][0]["vote"]);  // the vote is chosen as without the group rule
  REQUIRE(pu.contains("group_rule"));
  CHECK(pu["group_rule"]["text"].get<std::string>().find("rule m1_group_residual_sum {") == 0);
  CHECK(pu["group_rule"]["flagged_not_by_vote"].get<int64_t>() >= 1);
  CHECK(dg["group_rule"].get<std::string>().find("sum by (machine) (") == 0);
  // One member: no group rule, the same flags as rules.
  const EvalUnit single = GroupUnit(1);
  Json s1, s2;
  CHECK(run(single, false, &s1) == run(single, true, &s2));
  CHECK_FALSE(s2["per_series"][0].contains("group_rule"));
}

TEST_CASE("eval detect: rules is the vote OR the group rule (adopted), rules-vote-only the vote alone") {
  DetectCommandOptions o;
  o.dataset = "smd";
  o.detectors = {"rules-grup"};
  const std::string m = RunDetectCommand(o).status().message();
  INFO(m);
  CHECK(m.find("did you mean `rules-group`?") != std::string::npos);
  // An SMD-format folder: one machine of 12 dimensions; train/ 2 000 rows, test/ 1 000 rows with
  // labels; the same data as "rules-group: the vote OR the group rule ..." (deviation at test row 400).
  const std::string dir = "/tmp/vigil_rules_group_cmd_" + std::to_string(::getpid());
  std::filesystem::create_directories(dir + "/train");
  std::filesystem::create_directories(dir + "/test");
  std::filesystem::create_directories(dir + "/test_label");
  const EvalUnit unit = GroupUnit(12);
  std::ofstream train(dir + "/train/machine-9-1.txt"), test(dir + "/test/machine-9-1.txt"),
      label(dir + "/test_label/machine-9-1.txt");
  for (size_t i = 0; i < 3000; ++i) {
    std::ostream& out = i < 2000 ? static_cast<std::ostream&>(train) : test;
    for (size_t d = 0; d < unit.members.size(); ++d) out << (d ? "," : "") << unit.members[d].values[i];
    out << "\n";
    if (i >= 2000) label << (i == 2400 ? 1 : 0) << "\n";
  }
  train.close(), test.close(), label.close();
  o.detectors = {"rules", "rules-group", "rules-vote-only"};
  o.data_path = dir;
  o.out_dir = dir + "/out";
  o.plots = false;
  Result<DetectionReport> r = RunDetectCommand(o);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  REQUIRE(r->results.size() == 3);
  CHECK(r->results[0].name == "rules-builtin");
  CHECK(r->results[1].name == "rules-group");
  CHECK(r->results[2].name == "rules-vote-only");
  CHECK(r->results[0].details["per_series"][0].contains("group_rule"));
  CHECK(r->results[0].details["per_series"] == r->results[1].details["per_series"]);
  CHECK_FALSE(r->results[2].details["per_series"][0].contains("group_rule"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vigil
