// A trained rule's explain text (the alert's summary) names its threshold, its window and what it
// measures against (RuleFeature::Explain), so a reader can judge the rule before deploying it.
// Before 2026-12-03 it was `NAME: {{EXPR}}`: the feature's value at the alert and nothing else.
//
// Each family's feature (as BuiltinFeatures builds it) is written into a rule as the proposers
// write it (Condition + Explain, with a threshold low enough to fire), compiled and run by the
// engine: the alert's summary must hold the threshold as the condition writes it, the window,
// the reference, and numbers for every {{...}} part.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "detectors/engine.h"
#include "rules/compiler.h"
#include "training/builtin_proposer.h"
#include "training/engine_evaluator.h"
#include "training/rule_text_testing.h"

namespace vigil {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Three days of 5-minute points (so the seasonal family applies): a daily wave, a little
// deterministic wobble, a few spikes.
TimeSeries Gauge() {
  TimeSeries ts;
  ts.name = "gpu_temp";
  ts.labels = {{"gpu", "0"}};
  for (int i = 0; i < 3 * 288; ++i) {
    ts.timestamps_ms.push_back(int64_t{i} * 300'000);
    double v = 60 + 10 * std::sin(2 * kPi * i / 288.0) + 0.5 * std::sin(i * 1.7);
    if (i % 97 == 50) v += 15;
    ts.values.push_back(v);
  }
  return ts;
}

// An error counter with a few increments and a restart.
TimeSeries Counter() {
  TimeSeries ts;
  ts.name = "nccl_errors_total";
  double c = 0;
  for (int i = 0; i < 600; ++i) {
    ts.timestamps_ms.push_back(int64_t{i} * 60'000);
    if (i % 41 == 7) c += 3;
    if (i == 400) c = 0;
    ts.values.push_back(c);
  }
  return ts;
}

TrainingData DataOf(const TimeSeries& ts) {
  TrainingData data;
  data.target = ts.name;
  data.metric = ts.name;
  data.labeled = false;
  data.train = {ts};
  data.validation = {ts};
  return data;
}

// The alert summaries of `text` run over `series`.
std::vector<std::string> Summaries(const std::string& text, const TimeSeries& series) {
  Result<CompiledRules> rules = CompileRules(text, "explain.rules");
  REQUIRE_MESSAGE(rules.ok(), rules.status().ToString());
  const std::vector<TimeSeries> all = {series};
  Result<BatchResult> run = EvaluateBatch(*rules, all);
  REQUIRE(run.ok());
  std::vector<std::string> out;
  for (const Alert& a : run->alerts) out.push_back(a.annotations.at("summary"));
  return out;
}

// The rule of `family` (first window when it has several) over `series`, with threshold text
// `threshold` (low enough / high enough to fire), as the builtin proposer writes it; checks its
// explain text and the alert the engine raises with it. Returns the explain text.
std::string CheckFamily(const TimeSeries& series, const std::string& family, const std::string& threshold,
                        const std::string& window_words, const std::string& reference_words) {
  const std::vector<RuleFeature> features = BuiltinFeatures(DataOf(series), BuiltinProposerOptions{});
  const RuleFeature* f = nullptr;
  for (const RuleFeature& g : features) {
    if (g.family == family) {
      f = &g;
      break;
    }
  }
  INFO("family ", family);
  REQUIRE(f != nullptr);
  const std::string explain = f->Explain(threshold, f->low);
  const std::string text = "rule " + f->name + " {\n  select " + series.name + "\n  when " +
                           f->Condition(threshold, f->low) + "\n  explain \"" + f->name + ": " + explain + "\"\n}\n";
  INFO(text);
  CHECK(explain.find(threshold) != std::string::npos);
  CHECK(explain.find(window_words) != std::string::npos);
  CHECK(explain.find(reference_words) != std::string::npos);
  CHECK(ExplainMisses(text).empty());
  const std::vector<std::string> summaries = Summaries(text, series);
  REQUIRE_FALSE(summaries.empty());
  for (const std::string& s : summaries) {
    INFO(s);
    CHECK(s.find(threshold) != std::string::npos);
    CHECK(s.find(window_words) != std::string::npos);
    CHECK(s.find("{{") == std::string::npos);
    CHECK(s.find("NaN") == std::string::npos);  // the explain parts have values where the rule fires
  }
  return explain;
}

}  // namespace

TEST_CASE("rule explain: value-high names its level") {
  CheckFamily(Gauge(), "value-high", "72.25", "fixed level 72.25", "value ");
}

TEST_CASE("rule explain: value-low names its level") {
  CheckFamily(Gauge(), "value-low", "51.5", "below the fixed level 51.5", "value ");
}

TEST_CASE("rule explain: jump names its threshold and the point before") {
  CheckFamily(Gauge(), "jump", "4.125", "point before", "moved");
}

TEST_CASE("rule explain: residual names its threshold, window and rolling median") {
  CheckFamily(Gauge(), "residual", "3.5", "previous 10 points", "from the median");
}

TEST_CASE("rule explain: MAD band names its threshold in MADs, window, median and band") {
  const std::string e = CheckFamily(Gauge(), "mad-band", "6.75", "previous 10 points", "MADs from the median");
  CHECK(e.find("more than 6.75 MADs") != std::string::npos);
  CHECK(e.find("outside {{") != std::string::npos);  // the band's edges at the alert
}

TEST_CASE("rule explain: z-score names its threshold, window and mean") {
  CheckFamily(Gauge(), "zscore", "2.5", "last 10 points", "standard deviations from the mean");
}

TEST_CASE("rule explain: flatline names its threshold and window") {
  CheckFamily(Gauge(), "flatline", "1000", "last 10 points", "less than 1000");
}

TEST_CASE("rule explain: level shift names its threshold and both windows") {
  CheckFamily(Gauge(), "level-shift", "1.5", "last 5 points", "the 5 points before");
}

TEST_CASE("rule explain: increase names its threshold and window") {
  CheckFamily(Gauge(), "increase", "5.5", "last 5 points", "rose by");
}

TEST_CASE("rule explain: seasonal offset names its threshold and the day before") {
  CheckFamily(Gauge(), "seasonal", "4.5", "1 day earlier", "differs by");
}

TEST_CASE("rule explain: counter rate names its threshold per second and window") {
  CheckFamily(Counter(), "counter", "0.01", "last 5 points", "per second");
}

// Proposed rules, end to end: the builtin proposer's unlabeled rules (flatline, counter rate ...)
// and the group family's rule name the thresholds their conditions use.
TEST_CASE("rule explain: proposed unlabeled and counter rules name their thresholds and windows") {
  for (const TimeSeries& series : {Gauge(), Counter()}) {
    TrainingData data = DataOf(series);
    const size_t cut = series.size() * 3 / 4;
    data.train = {series.SliceIndex(0, cut)};
    data.validation = {series.SliceIndex(cut, series.size())};
    EngineEvaluator evaluator(data, Objective::kPointAdjusted, 7);
    BuiltinProposer proposer;
    Result<std::vector<RuleCandidate>> c = proposer.Propose(data, evaluator, {});
    REQUIRE(c.ok());
    REQUIRE_FALSE(c->empty());
    for (const RuleCandidate& cand : *c) {
      INFO(cand.text);
      const std::vector<std::string> misses = ExplainMisses(cand.text);
      for (const std::string& m : misses) MESSAGE(m);
      CHECK(misses.empty());
    }
  }
}

}  // namespace vigil
