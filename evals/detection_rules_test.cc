// RulesDetector over the real builtin proposer, compiler and engine.
#include "evals/detection_rules.h"

#include <doctest/doctest.h>

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

}  // namespace
}  // namespace vigil
