// The unlabeled review's order (BuiltinProposerOptions::unlabeled_rank, issue 4, review RV-W).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "training/builtin_proposer.h"
#include "training/engine_evaluator.h"

namespace vigil {
namespace {

// 100 + deterministic pseudo-random noise in [-5, 5] (a 64-bit LCG, so the same on every
// platform), one point a minute, unlabeled.
TimeSeries Noise(int n, uint64_t seed) {
  TimeSeries ts;
  ts.name = "rk";
  ts.labels = {{"kpi", "rk"}};
  uint64_t s = seed;
  for (int i = 0; i < n; ++i) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    ts.timestamps_ms.push_back(int64_t{i} * 60'000);
    ts.values.push_back(100 + 10.0 * static_cast<double>(s >> 11) / 9007199254740992.0 - 5);
  }
  return ts;
}

// Seed 2's training part (900 points): the sensitivity order keeps `value_high` first and
// `value_low` second (both at a ratio near 1: threshold / p99, p1 / threshold). One tail point
// just above the training maximum makes `value_high` flag 1 tail point (still quiet: a maximum of
// 900 points may be exceeded twice in 300 at the 1% level) while `value_low` flags none.
struct TwoQuietRules {
  TrainingData data;
  TwoQuietRules() {
    TimeSeries all = Noise(1200, 2);
    double hi = all.values[0];
    for (size_t i = 0; i < 900; ++i) hi = std::max(hi, all.values[i]);
    all.values[1000] = hi + 0.01;
    data.target = "rk";
    data.selector = "*{kpi=\"rk\"}";
    data.labeled = false;
    data.train.push_back(all.SliceIndex(0, 900));
    data.validation.push_back(all.SliceIndex(900, all.size()));
  }
  // The kept set (candidate 0) with `max_rules` and `rank`.
  std::string Kept(int max_rules, UnlabeledRank rank) const {
    EngineEvaluator evaluator(data, Objective::kPointAdjusted, 7);
    BuiltinProposerOptions bo;
    bo.max_rules = max_rules;
    bo.unlabeled_rank = rank;
    Result<std::vector<RuleCandidate>> c = BuiltinProposer(bo).Propose(data, evaluator, {});
    REQUIRE(c.ok());
    REQUIRE_FALSE(c->empty());
    return c->front().text;
  }
  // Tail points flagged by the rule `name` of `text` (run warm after the training part).
  int64_t TailFlags(const std::string& text, const std::string& name) const {
    const size_t at = text.find("rule " + name + " {\n");
    REQUIRE(at != std::string::npos);
    const std::string block = text.substr(at, text.find("\n}\n", at) + 3 - at);
    EngineEvaluator evaluator(data, Objective::kPointAdjusted, 7);
    Result<std::vector<std::vector<uint8_t>>> f = evaluator.Flags(block, Split::kValidation);
    REQUIRE(f.ok());
    int64_t n = 0;
    for (const auto& s : *f) n += std::count(s.begin(), s.end(), 1);
    return n;
  }
};

TEST_CASE(
    "unlabeled rank: of two quiet rules, the one flagging more tail points is first by sensitivity, "
    "second by tail") {
  const TwoQuietRules t;
  const std::string sens = t.Kept(20, UnlabeledRank::kSensitivity);
  const std::string tail = t.Kept(20, UnlabeledRank::kTail);
  INFO(sens);
  INFO(tail);
  // Both rules pass the quiet review under either order, with the tail flags the setup says.
  CHECK(t.TailFlags(sens, "value_high") == 1);
  CHECK(t.TailFlags(sens, "value_low") == 0);
  const size_t s_high = sens.find("rule value_high {"), s_low = sens.find("rule value_low {");
  const size_t t_high = tail.find("rule value_high {"), t_low = tail.find("rule value_low {");
  REQUIRE(s_high != std::string::npos);
  REQUIRE(s_low != std::string::npos);
  REQUIRE(t_high != std::string::npos);
  REQUIRE(t_low != std::string::npos);
  CHECK(s_high < s_low);  // sensitivity: value_high, then value_low
  CHECK(t_low < t_high);  // tail: value_low (0 flags), then value_high (1)
  // The same rules are kept (max_rules 20 keeps every quiet one); only the order differs.
  CHECK(std::count(sens.begin(), sens.end(), '\n') == std::count(tail.begin(), tail.end(), '\n'));
  // Under tail, the kept rules' tail flags never decrease along the set.
  int64_t last = -1;
  for (size_t at = tail.find("rule "); at != std::string::npos; at = tail.find("\nrule ", at + 1)) {
    const size_t from = tail.find("rule ", at) + 5;
    const std::string name = tail.substr(from, tail.find(' ', from) - from);
    const int64_t n = t.TailFlags(tail, name);
    INFO(name);
    CHECK(n >= last);
    last = n;
  }
}

TEST_CASE("unlabeled rank: max_rules 1 keeps the tail-quieter rule under tail, the more sensitive one else") {
  const TwoQuietRules t;
  const std::string sens = t.Kept(1, UnlabeledRank::kSensitivity);
  const std::string tail = t.Kept(1, UnlabeledRank::kTail);
  INFO(sens);
  INFO(tail);
  CHECK(sens.find("rule value_high {") != std::string::npos);
  CHECK(sens.find("rule ", sens.find("rule ") + 1) == std::string::npos);  // one rule
  CHECK(tail.find("rule value_low {") != std::string::npos);
  CHECK(tail.find("rule ", tail.find("rule ") + 1) == std::string::npos);
}

TEST_CASE("unlabeled rank: names parse back; another name is refused naming it") {
  for (UnlabeledRank r : {UnlabeledRank::kSensitivity, UnlabeledRank::kTail}) {
    Result<UnlabeledRank> back = ParseUnlabeledRank(UnlabeledRankName(r));
    REQUIRE(back.ok());
    CHECK(*back == r);
  }
  Result<UnlabeledRank> bad = ParseUnlabeledRank("tails");
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
  CHECK(bad.status().message().find("`tails`") != std::string::npos);
  CHECK(BuiltinProposerOptions{}.unlabeled_rank == UnlabeledRank::kSensitivity);  // the default
}

}  // namespace
}  // namespace vigil
