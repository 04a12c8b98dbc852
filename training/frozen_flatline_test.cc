// An unlabeled flatline rule means "frozen" (BuiltinProposerOptions::unlabeled_flatline, issue 4;
// evals/HISTORY.md, "NAB / SMD: frozen flatline"). Under kMinimum its threshold is the smallest
// W-point std of any full training window, so it fires on a stretch merely quieter than training;
// under kFrozen it is at most 1% of the median full-window std, so it fires on a frozen metric only.
// Labeled targets are unaffected.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "detectors/engine.h"
#include "rules/compiler.h"
#include "training/builtin_proposer.h"
#include "training/engine_evaluator.h"
#include "training/rule_text_testing.h"

namespace vigil {
namespace {

// 100 + a period-11 pattern in [-amp, amp] at point i (every window of 10 or more points spreads).
double PatternAt(size_t i, double amp) {
  return 100 + amp * static_cast<double>(static_cast<int>((i * 37) % 11) - 5) / 5.0;
}

// Busy (amplitude 10) and quiet (amplitude 3) stretches, one point a minute, unlabeled unless
// `labeled`: [0, 200) busy, [200, 350) quiet, [350, 500) busy, [500, 650) quiet, the rest busy.
TimeSeries QuietAndBusy(size_t n, bool labeled) {
  TimeSeries ts;
  ts.name = "ff";
  ts.labels = {{"kpi", "ff"}};
  for (size_t i = 0; i < n; ++i) {
    const bool quiet = (i >= 200 && i < 350) || (i >= 500 && i < 650);
    ts.timestamps_ms.push_back(static_cast<int64_t>(i) * 60'000);
    ts.values.push_back(PatternAt(i, quiet ? 3 : 10));
    if (labeled) ts.anomaly_labels.push_back(0);
  }
  return ts;
}

TrainingData Target(const TimeSeries& all, size_t cut, bool labeled) {
  TrainingData data;
  data.target = "ff";
  data.selector = "*{kpi=\"ff\"}";
  data.labeled = labeled;
  data.train.push_back(all.SliceIndex(0, cut));
  data.validation.push_back(all.SliceIndex(cut, all.size()));
  return data;
}

// Every candidate's text with `flatline` (every quiet rule kept: max_rules 20; every single rule a
// candidate).
std::vector<std::string> Propose(const TrainingData& data, UnlabeledFlatline flatline) {
  EngineEvaluator evaluator(data, Objective::kPointAdjusted, 7);
  BuiltinProposerOptions bo;
  bo.max_rules = 20;
  bo.unlabeled_flatline = flatline;
  ProposeOptions po;
  po.top_k = 100;
  Result<std::vector<RuleCandidate>> c = BuiltinProposer(bo).Propose(data, evaluator, po);
  REQUIRE(c.ok());
  std::vector<std::string> out;
  for (const RuleCandidate& cand : *c) out.push_back(cand.text);
  return out;
}

// The condition of the `flatline_W` rule of `text` (`std(value, Wp) < T and ...`), "" when absent.
std::string FlatlineCondition(const std::string& text, int w) {
  for (const std::string& c : WhenConditions(text)) {
    if (c.rfind("std(value, " + std::to_string(w) + "p) < ", 0) == 0) return c;
  }
  return "";
}

// T of a flatline condition (NaN when `condition` is empty).
double FlatlineThreshold(const std::string& condition) {
  const size_t at = condition.find(" < ");
  return at == std::string::npos ? NAN : std::strtod(condition.c_str() + at + 3, nullptr);
}

// The W-point std over the training part where the W-point window is full (count ≥ W), sorted.
std::vector<double> FullWindowStd(const TrainingData& data, int w) {
  EngineEvaluator evaluator(data, Objective::kPointAdjusted, 7);
  const std::string W = std::to_string(w);
  Result<std::vector<std::vector<double>>> sd = evaluator.Values("std(value, " + W + "p)", Split::kTrain);
  Result<std::vector<std::vector<double>>> n = evaluator.Values("count(value, " + W + "p)", Split::kTrain);
  REQUIRE(sd.ok());
  REQUIRE(n.ok());
  std::vector<double> out;
  for (size_t j = 0; j < (*sd)[0].size(); ++j) {
    if ((*n)[0][j] >= w && std::isfinite((*sd)[0][j])) out.push_back((*sd)[0][j]);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The smallest and the lower median of FullWindowStd(data, w) (over 100 full windows required).
struct FullSpread {
  double lowest = 0;
  double median = 0;
};
FullSpread FullWindowSpread(const TrainingData& data, int w) {
  const std::vector<double> full = FullWindowStd(data, w);
  REQUIRE(full.size() > 100);
  return {full.front(), full[(full.size() - 1) / 2]};
}

// Flags of `rule_text` on `probe`, run from a cold start.
std::vector<uint8_t> FlagsOn(const std::string& rule_text, const TimeSeries& probe) {
  Result<CompiledRules> rules = CompileRules(rule_text, "ff.rules");
  REQUIRE(rules.ok());
  Result<BatchResult> r = EvaluateBatch(*rules, std::vector<TimeSeries>{probe});
  REQUIRE(r.ok());
  return r->flags[0];
}

TEST_CASE("frozen flatline: kMinimum takes the full-window minimum, kFrozen 1% of the median") {
  // Training: the first 900 points (ending busy); the tail busy, so no flatline rule fires there.
  const TrainingData data = Target(QuietAndBusy(1200, false), 900, false);
  CHECK(BuiltinProposerOptions{}.unlabeled_flatline == UnlabeledFlatline::kFrozen);  // the default (adopted)
  const std::string minimum = Propose(data, UnlabeledFlatline::kMinimum).front();
  const std::string frozen = Propose(data, UnlabeledFlatline::kFrozen).front();
  INFO(minimum);
  INFO(frozen);
  for (int w : {10, 60}) {
    CAPTURE(w);
    const auto [lowest, median] = FullWindowSpread(data, w);
    CAPTURE(lowest);
    CAPTURE(median);
    CHECK(0.01 * median < lowest);  // the cap binds here: a quiet stretch is far from frozen
    const std::string min_rule = FlatlineCondition(minimum, w);
    const std::string frozen_rule = FlatlineCondition(frozen, w);
    REQUIRE_FALSE(min_rule.empty());
    REQUIRE_FALSE(frozen_rule.empty());
    CHECK(FlatlineThreshold(min_rule) == doctest::Approx(lowest));
    CHECK(FlatlineThreshold(frozen_rule) == doctest::Approx(0.01 * median));
    // The same guard either way.
    const std::string guard = " and count(value, " + std::to_string(w) + "p) >= " + std::to_string(w);
    CHECK(frozen_rule.ends_with(guard));
    CHECK(min_rule.ends_with(guard));
  }
  // Only the flatline family moves: the other kept rules' conditions are the same, in the same order.
  auto without_flatline = [](const std::string& text) {
    std::vector<std::string> c = WhenConditions(text);
    std::erase_if(c, [](const std::string& s) { return s.starts_with("std(value, "); });
    return c;
  };
  CHECK(without_flatline(minimum).size() >= 3);
  CHECK(without_flatline(minimum) == without_flatline(frozen));
}

TEST_CASE("frozen flatline: silent on a held-out quiet stretch, fires on an exactly constant one") {
  const TrainingData data = Target(QuietAndBusy(1200, false), 900, false);
  // Each flatline_10 condition as emitted, in a rule of its own.
  auto rule_of = [&](UnlabeledFlatline flatline) {
    const std::string condition = FlatlineCondition(Propose(data, flatline).front(), 10);
    REQUIRE_FALSE(condition.empty());
    return "rule flat {\n  select *\n  when " + condition + "\n}\n";
  };
  const std::string min_rule = rule_of(UnlabeledFlatline::kMinimum);
  const std::string frozen_rule = rule_of(UnlabeledFlatline::kFrozen);
  INFO(min_rule);
  INFO(frozen_rule);
  // A held-out series: busy, quiet (amplitude 0.5, quieter than any training window but moving)
  // at [100, 200), busy, frozen (exactly 100) at [250, 300), busy.
  TimeSeries probe;
  probe.name = "ff";
  probe.labels = {{"kpi", "ff"}};
  for (size_t i = 0; i < 350; ++i) {
    probe.timestamps_ms.push_back(static_cast<int64_t>(i) * 60'000);
    const double amp = i >= 100 && i < 200 ? 0.5 : 10;
    probe.values.push_back(i >= 250 && i < 300 ? 100 : PatternAt(i, amp));
  }
  const std::vector<uint8_t> fm = FlagsOn(min_rule, probe);
  const std::vector<uint8_t> ff = FlagsOn(frozen_rule, probe);
  // The quiet stretch's full windows (109..199): the minimum rule fires, the frozen one does not.
  int64_t min_quiet = 0, frozen_quiet = 0;
  for (size_t i = 109; i < 200; ++i) {
    min_quiet += fm[i];
    frozen_quiet += ff[i];
  }
  CHECK(min_quiet == 91);
  CHECK(frozen_quiet == 0);
  // The frozen stretch's full windows (259..299): both fire; elsewhere the frozen rule is silent.
  for (size_t i = 259; i < 300; ++i) {
    CHECK(fm[i] == 1);
    CHECK(ff[i] == 1);
  }
  int64_t frozen_total = 0;
  for (uint8_t f : ff) frozen_total += f;
  CHECK(frozen_total == 41);
}

TEST_CASE("frozen flatline: a labeled target's flatline threshold is the same under both") {
  // Labeled: the busy / quiet series with five frozen 40-point segments labeled anomalous.
  TimeSeries all = QuietAndBusy(2400, true);
  for (size_t start : {300, 900, 1500, 1950, 2200}) {
    for (size_t i = start; i < start + 40; ++i) {
      all.values[i] = 100;
      all.anomaly_labels[i] = 1;
    }
  }
  const TrainingData data = Target(all, 1800, true);
  const std::vector<std::string> minimum = Propose(data, UnlabeledFlatline::kMinimum);
  const std::vector<std::string> frozen = Propose(data, UnlabeledFlatline::kFrozen);
  std::string rule;
  for (const std::string& text : minimum) {
    if (rule.empty()) rule = FlatlineCondition(text, 10);
  }
  INFO(rule);
  REQUIRE_FALSE(rule.empty());
  // A labeled fit: between the frozen segments' std 0 and the normal windows', far above 1% of
  // the median.
  const std::vector<double> full = FullWindowStd(data, 10);
  const double t = FlatlineThreshold(rule);
  CHECK(t > 0.01 * full[(full.size() - 1) / 2]);
  CHECK(frozen == minimum);  // every candidate, word for word
}

TEST_CASE("frozen flatline: labels but no anomaly in training: fitted unlabeled, cap included") {
  // "Labeled" is the fit's (builtin_proposer.h): labels present but none anomalous in training.
  const TrainingData labeled = Target(QuietAndBusy(1200, true), 900, true);
  const TrainingData unlabeled = Target(QuietAndBusy(1200, false), 900, false);
  REQUIRE(labeled.labeled);
  const std::string frozen = Propose(labeled, UnlabeledFlatline::kFrozen).front();
  INFO(frozen);
  for (int w : {10, 60}) {
    CAPTURE(w);
    const std::string rule = FlatlineCondition(frozen, w);
    REQUIRE_FALSE(rule.empty());
    CHECK(FlatlineThreshold(rule) == doctest::Approx(0.01 * FullWindowSpread(labeled, w).median));
    CHECK(rule == FlatlineCondition(Propose(unlabeled, UnlabeledFlatline::kFrozen).front(), w));
  }
}

TEST_CASE("frozen flatline: the cap never raises T: a nearly frozen training stretch keeps the minimum") {
  // The busy / quiet series with a nearly frozen stretch (amplitude 0.001) at [400, 500) of the
  // training part: its full windows' std is far below 1% of the median, so T = min(T_min, 0.01 · m)
  // is T_min, the same under both.
  TimeSeries all = QuietAndBusy(1200, false);
  for (size_t i = 400; i < 500; ++i) all.values[i] = PatternAt(i, 0.001);
  const TrainingData data = Target(all, 900, false);
  const std::string minimum = Propose(data, UnlabeledFlatline::kMinimum).front();
  const std::string frozen = Propose(data, UnlabeledFlatline::kFrozen).front();
  INFO(minimum);
  INFO(frozen);
  for (int w : {10, 60}) {
    CAPTURE(w);
    const FullSpread spread = FullWindowSpread(data, w);
    CHECK(spread.lowest < 0.01 * spread.median);  // the minimum binds here (doctest prints both)
    const double lowest = spread.lowest;
    const std::string frozen_rule = FlatlineCondition(frozen, w);
    REQUIRE_FALSE(frozen_rule.empty());
    CHECK(FlatlineThreshold(frozen_rule) == doctest::Approx(lowest));
    CHECK(frozen_rule == FlatlineCondition(minimum, w));
  }
}

TEST_CASE("frozen flatline: a series whose 1% of median is 0 keeps no flatline rule") {
  // Exactly constant but for busy stretches covering fewer than half of the full windows.
  TimeSeries all = QuietAndBusy(1200, false);
  for (size_t i = 0; i < all.size(); ++i) {
    if (!((i >= 100 && i < 250) || (i >= 500 && i < 600) || i >= 900)) all.values[i] = 100;
  }
  const TrainingData data = Target(all, 900, false);
  for (int w : {10, 60}) {
    const std::vector<double> full = FullWindowStd(data, w);
    REQUIRE(full.size() > 100);
    CHECK(full[(full.size() - 1) / 2] == 0);
    CHECK(full.back() > 1);
  }
  const std::vector<std::string> frozen = Propose(data, UnlabeledFlatline::kFrozen);
  REQUIRE_FALSE(frozen.empty());  // other families are still proposed
  for (const std::string& text : frozen) {
    INFO(text);
    CHECK(text.find("std(value, ") == std::string::npos);
  }
}

TEST_CASE("frozen flatline: names") {
  CHECK(UnlabeledFlatlineName(UnlabeledFlatline::kMinimum) == "minimum");
  CHECK(UnlabeledFlatlineName(UnlabeledFlatline::kFrozen) == "frozen");
  CHECK(*ParseUnlabeledFlatline("frozen") == UnlabeledFlatline::kFrozen);
  CHECK(*ParseUnlabeledFlatline("minimum") == UnlabeledFlatline::kMinimum);
  Result<UnlabeledFlatline> bad = ParseUnlabeledFlatline("frozn");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("minimum or frozen, got `frozn`") != std::string::npos);
}

}  // namespace
}  // namespace vigil
