// A series constant over its training part (BuiltinProposer, builtin_proposer.h "Fitting"):
// unlabeled with level rules on, `value > C` / `value < C` at the one training value C; every other
// family on a constant feature stays out (no rule that divides by a zero spread or fires on every
// point); labeled, the range guard also takes normal training points that are all one value.
// Found on real H200 telemetry (data/gpu_telemetry/README.md): GPU memory used is constant
// in steady training, and a 256 MiB/s leak went unwatched because the constant feature was skipped.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "detectors/engine.h"
#include "rules/compiler.h"
#include "training/builtin_proposer.h"
#include "training/engine_evaluator.h"
#include "training/rule_text_testing.h"

namespace vigil {
namespace {

constexpr double kMemory = 9789.94;  // DCGM_FI_DEV_FB_USED of the H200 run, MiB, every history point

// `n` points one a second at `level`, labeled (all 0) when `labeled`.
TimeSeries Constant(size_t n, double level, bool labeled) {
  TimeSeries ts;
  ts.name = "fb_used";
  ts.labels = {{"gpu", "0"}};
  for (size_t i = 0; i < n; ++i) {
    ts.timestamps_ms.push_back(static_cast<int64_t>(i) * 1000);
    ts.values.push_back(level);
    if (labeled) ts.anomaly_labels.push_back(0);
  }
  return ts;
}

TrainingData Target(const TimeSeries& all, size_t cut, bool labeled) {
  TrainingData data;
  data.target = "fb_used";
  data.selector = "fb_used{gpu=\"0\"}";
  data.labeled = labeled;
  data.train.push_back(all.SliceIndex(0, cut));
  data.validation.push_back(all.SliceIndex(cut, all.size()));
  return data;
}

std::vector<RuleCandidate> Propose(const TrainingData& data, bool levels) {
  EngineEvaluator evaluator(data, Objective::kDelayPointAdjusted, 7);
  BuiltinProposerOptions bo;
  bo.unlabeled_levels = levels;
  ProposeOptions po;
  po.top_k = 100;
  Result<std::vector<RuleCandidate>> c = BuiltinProposer(bo).Propose(data, evaluator, po);
  REQUIRE(c.ok());
  return *c;
}

// The `when` conditions of `text`, sorted (rules of equal sensitivity come in either order).
std::vector<std::string> Conditions(const std::string& text) {
  std::vector<std::string> out = WhenConditions(text);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<uint8_t> FlagsOn(const std::string& rule_text, const TimeSeries& probe) {
  Result<CompiledRules> rules = CompileRules(rule_text, "fb_used.rules");
  REQUIRE(rules.ok());
  Result<BatchResult> r = EvaluateBatch(*rules, std::vector<TimeSeries>{probe});
  REQUIRE(r.ok());
  return r->flags[0];
}

TEST_CASE("constant series: unlabeled, the value levels at the constant, nothing else") {
  // 240 s of history, the last quarter the validation tail, as train-rules cuts it.
  for (const bool labeled : {false, true}) {  // labels all 0 (the csv's label column): fitted unlabeled
    CAPTURE(labeled);
    const TrainingData data = Target(Constant(240, kMemory, labeled), 180, labeled);
    REQUIRE_FALSE(FitsLabeled(data));
    const std::vector<RuleCandidate> c = Propose(data, true);
    REQUIRE_FALSE(c.empty());  // before: no candidate (constant features skipped)
    const std::string& best = c.front().text;
    INFO(best);
    const std::vector<std::string> when = Conditions(best);
    REQUIRE(when.size() == 2);
    CHECK(when[0] == "value < 9789.94");
    CHECK(when[1] == "value > 9789.94");
    CHECK(c.front().rationale.find("constant: any departure is news") != std::string::npos);
    // Every candidate holds value levels only: no jump / residual / MAD band / z-score / flatline.
    for (const RuleCandidate& cand : c) {
      for (const std::string& w : Conditions(cand.text)) {
        CAPTURE(w);
        CHECK(w.starts_with("value "));
      }
    }
    // Silent on the history; on held-out data, from the first point of a leak (256 MiB a second)
    // and on a drop below the constant, and silent again when the value is back.
    CHECK(c.front().train.flagged == 0);
    CHECK(c.front().validation.flagged == 0);
    TimeSeries probe = Constant(120, kMemory, false);
    for (size_t i = 40; i < 60; ++i) probe.values[i] = kMemory + 256.0 * static_cast<double>(i - 39);
    probe.values[80] = kMemory - 512;
    const std::vector<uint8_t> flags = FlagsOn(best, probe);
    for (size_t i = 0; i < probe.size(); ++i) {
      CAPTURE(i);
      CHECK(flags[i] == ((i >= 40 && i < 60) || i == 80 ? 1 : 0));
    }
  }
}

TEST_CASE("constant series: at 0 (an error counter), `value > 0` is kept") {
  const TrainingData data = Target(Constant(240, 0, false), 180, false);
  const std::vector<RuleCandidate> c = Propose(data, true);
  REQUIRE_FALSE(c.empty());
  INFO(c.front().text);
  const std::vector<std::string> when = Conditions(c.front().text);
  REQUIRE(when.size() == 2);
  CHECK(when[0] == "value < 0");
  CHECK(when[1] == "value > 0");
}

TEST_CASE("constant series: without level rules (eval detect), no rule; a side the tail crosses, dropped") {
  // unlabeled_levels = false: the other families on a constant value are not proposed either.
  CHECK(Propose(Target(Constant(240, kMemory, false), 180, false), false).empty());
  // Constant in training, higher through the tail: `value > C` fires on all 60 tail points and the
  // unlabeled review drops it; `value < C`, quiet there, stays.
  TimeSeries moved = Constant(240, kMemory, false);
  for (size_t i = 180; i < 240; ++i) moved.values[i] = kMemory + 352;
  const std::vector<RuleCandidate> c = Propose(Target(moved, 180, false), true);
  REQUIRE_FALSE(c.empty());
  for (const RuleCandidate& cand : c) {
    INFO(cand.text);
    CHECK(Conditions(cand.text) == std::vector<std::string>{"value < 9789.94"});
  }
}

TEST_CASE("constant series: labeled, an anomaly the value does not show: only the range guard") {
  // Labeled with an anomaly in training at the constant itself: no fitted threshold separates it
  // (as before), and the range guard's two sides sit at C (before: no guard, no rule at all).
  TimeSeries all = Constant(240, kMemory, true);
  all.anomaly_labels[100] = 1;
  const TrainingData data = Target(all, 180, true);
  REQUIRE(FitsLabeled(data));
  const std::vector<RuleCandidate> c = Propose(data, true);
  REQUIRE(c.size() == 1);
  INFO(c.front().text);
  CHECK(Conditions(c.front().text) == std::vector<std::string>{"value < 9789.94", "value > 9789.94"});
  CHECK(c.front().text.find("rule range_low {") != std::string::npos);
  CHECK(c.front().text.find("rule range_high {") != std::string::npos);
}

TEST_CASE("constant series: labeled, normal points constant: the range guard's two sides at C") {
  // Normal training points all at C; the labeled anomalies are drops to C - 100 (the labeled fit
  // learns `value < ...` for them). A rise never seen in training is caught only by range_high,
  // which the guard skipped when the normal points spanned no range (lo == hi).
  TimeSeries all = Constant(2400, kMemory, true);
  for (size_t start : {300, 900, 1500, 2100}) {
    for (size_t i = start; i < start + 5; ++i) {
      all.values[i] = kMemory - 100;
      all.anomaly_labels[i] = 1;
    }
  }
  const TrainingData data = Target(all, 1800, true);
  REQUIRE(FitsLabeled(data));
  const std::vector<RuleCandidate> c = Propose(data, true);
  REQUIRE_FALSE(c.empty());
  const std::string& best = c.front().text;
  INFO(best);
  const std::vector<std::string> when = Conditions(best);
  CHECK(std::count(when.begin(), when.end(), "value > 9789.94") == 1);  // range_high
  CHECK(best.find("rule range_high {") != std::string::npos);
  // Held out: a rise of 1 MiB for 10 points and a drop like the labeled ones are both flagged.
  TimeSeries probe = Constant(100, kMemory, false);
  for (size_t i = 40; i < 50; ++i) probe.values[i] = kMemory + 1;
  for (size_t i = 70; i < 75; ++i) probe.values[i] = kMemory - 100;
  const std::vector<uint8_t> flags = FlagsOn(best, probe);
  for (size_t i = 0; i < probe.size(); ++i) {
    CAPTURE(i);
    CHECK(flags[i] == ((i >= 40 && i < 50) || (i >= 70 && i < 75) ? 1 : 0));
  }
}

TEST_CASE("constant series: a value constant for part of training still gets the usual fit") {
  // Not constant (one step in training): value_high at the training maximum, as before.
  TimeSeries all = Constant(240, kMemory, false);
  for (size_t i = 60; i < 240; ++i) all.values[i] = kMemory + 1;
  const std::vector<RuleCandidate> c = Propose(Target(all, 180, false), true);
  REQUIRE_FALSE(c.empty());
  INFO(c.front().text);
  bool high = false;
  for (const std::string& w : Conditions(c.front().text)) high = high || w.starts_with("value > 9790.9");
  CHECK(high);
  CHECK(c.front().rationale.find("constant") == std::string::npos);
}

}  // namespace
}  // namespace vigil
