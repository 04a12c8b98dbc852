// Aggregation mode over the real trainer, compiler, engine and scoring.
#include "training/aggregation.h"
#include "training/rule_text_testing.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "connectors/scripted_llm_client.h"
#include "core/json.h"
#include "detectors/scoring.h"
#include "rules/compiler.h"
#include "training/builtin_proposer.h"
#include "training/engine_evaluator.h"
#include "training/llm_proposer.h"
#include "training/trainer.h"

namespace vigil {
namespace {

constexpr int kDay = 1440;  // one point a minute

// Ten days of minute data around 100 with three kinds of bumps:
//   - a daily spike (+50) at 10:00 every day: NORMAL (not labeled), yet a spike detector fires;
//   - true spikes (+50) at irregular times: labeled anomalies the base detector catches;
//   - dips (-40): labeled anomalies the base detector misses.
// `base` receives the base detector's flags: every spike (daily or true), no dip.
TimeSeries Scenario(std::vector<uint8_t>* base) {
  TimeSeries ts;
  ts.name = "k1";
  ts.labels = {{"kpi", "k1"}};
  const int n = 10 * kDay;  // the validation tail (2.5 days) has daily spikes a day into it
  for (int i = 0; i < n; ++i) {
    double v = 100 + ((i * 37) % 11) - 5;
    const bool daily = i % kDay == 600;
    const bool spike = !daily && i % 997 == 300;
    const bool dip = !daily && !spike && i % 1201 == 700;
    if (daily || spike) v += 50;
    if (dip) v -= 40;
    ts.timestamps_ms.push_back(int64_t{i} * 60'000);
    ts.values.push_back(v);
    ts.anomaly_labels.push_back(spike || dip ? 1 : 0);
    base->push_back(daily || spike ? 1 : 0);
  }
  return ts;
}

TEST_CASE("aggregation learns to suppress a normal daily spike and to add the base's missed dips") {
  std::vector<uint8_t> base;
  const TimeSeries series = Scenario(&base);
  Result<BaseFlagsFn> base_fn = BaseFlagsFromHistory({series}, {base});
  REQUIRE(base_fn.ok());
  AggregationOptions ao;
  ao.base_name = "spike-detector";
  AggregationProposer proposer(*base_fn, ao);
  TrainerOptions to;  // dc-PA F1, k = 7, last 25% validation
  Result<TrainingRun> run = TrainRules({series}, {}, proposer, to);
  REQUIRE(run.ok());
  REQUIRE(run->targets.size() == 1);
  const TrainedTarget& t = run->targets[0];
  REQUIRE(t.status.ok());
  REQUIRE(t.best.has_value());
  INFO(t.rule_text);
  CHECK(t.rule_text.find("role = \"suppress\"") != std::string::npos);
  CHECK(t.rule_text.find("offset 1d") != std::string::npos);  // only the seasonal offset separates them
  CHECK(t.rule_text.find("role = \"add\"") != std::string::npos);
  CHECK(t.rule_text.find("rule k1_suppress_") != std::string::npos);  // renamed by the trainer
  CHECK(t.best->rationale.find("base spike-detector alone") != std::string::npos);
  // Each suppress / add rule's explain text names its threshold and window.
  for (const std::string& m : ExplainMisses(t.rule_text)) FAIL_CHECK(m);
  CHECK(t.rule_text.find("from its value 1 day earlier") != std::string::npos);

  // Run the file as a user would: compile, split by role, combine with the base.
  Result<CompiledRules> compiled = CompileRules(t.rule_text, "k1.rules");
  REQUIRE(compiled.ok());
  Result<AggregateRules> roles = SplitByRole(std::move(compiled).value());
  REQUIRE(roles.ok());
  CHECK_FALSE(roles->suppress.rules.empty());
  CHECK_FALSE(roles->add.rules.empty());
  Result<std::vector<std::vector<uint8_t>>> flags =
      ApplyAggregateRules(*roles, std::span(&series, 1), {base});
  REQUIRE(flags.ok());
  const std::vector<uint8_t>& f = flags->at(0);
  int daily_flagged = 0, daily_after_first = 0, anomalies = 0, caught = 0, other_fp = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    const bool daily = i % kDay == 600;
    if (daily && i >= static_cast<size_t>(kDay)) {
      ++daily_after_first;
      daily_flagged += f[i];
    }
    if (series.anomaly_labels[i]) {
      ++anomalies;
      caught += f[i];
    } else if (!daily) {
      other_fp += f[i];
    }
  }
  CHECK(daily_after_first == 9);
  CHECK(daily_flagged == 0);   // the normal daily spike no longer fires (it has a day of history)
  CHECK(caught == anomalies);  // true spikes kept, dips added
  CHECK(other_fp == 0);
  // The candidate's scores are those of the combination. The evaluator runs the validation tail
  // after the training part (as the run over the whole series above), so the tail's first daily
  // spike has its day of history and is suppressed there too (before 2026-11-30 the tail ran on
  // its own and that spike stayed a validation false alarm: fp 1).
  CHECK(t.best->validation.counts.point.fn == 0);
  CHECK(t.best->validation.counts.point.fp == 0);
}

// Base flags equal to the labels, plus false alarms in the TRAINING part only at the lowest noise
// level (value 95). A `value < 95.5` suppress rule removes them there, but the validation tail
// has nothing for it to fix: review on validation must not keep it.
TEST_CASE("aggregation keeps no rule that does not improve the validation tail") {
  TimeSeries ts;
  ts.name = "k2";
  std::vector<uint8_t> base;
  const int n = 4000, train_end = 3000;  // the trainer's validation tail is the last 25%
  for (int i = 0; i < n; ++i) {
    double v = 100 + ((i * 37) % 11) - 5;
    const bool spike = i % 97 == 50;
    if (spike) v += 60;
    ts.timestamps_ms.push_back(int64_t{i} * 60'000);
    ts.values.push_back(v);
    ts.anomaly_labels.push_back(spike);
    base.push_back(spike || (i < train_end && v == 95 && i % 3 == 0));
  }
  Result<BaseFlagsFn> base_fn = BaseFlagsFromHistory({ts}, {base});
  REQUIRE(base_fn.ok());
  TrainerOptions to;
  {
    AggregationOptions ao;
    ao.pooled_review = false;  // Argos: the validation tail alone
    AggregationProposer proposer(*base_fn, ao);
    Result<TrainingRun> run = TrainRules({ts}, {}, proposer, to);
    REQUIRE(run.ok());
    REQUIRE(run->targets[0].status.ok());
    CHECK_FALSE(run->targets[0].best.has_value());
    CHECK(run->targets[0].rule_text.empty());
  }
  {  // Contrast: reviewed on training + validation pooled (the default), the rule is kept.
    AggregationProposer proposer(*base_fn);
    Result<TrainingRun> run = TrainRules({ts}, {}, proposer, to);
    REQUIRE(run.ok());
    REQUIRE(run->targets[0].best.has_value());
    INFO(run->targets[0].rule_text);
    CHECK(run->targets[0].rule_text.find("role = \"suppress\"") != std::string::npos);
  }
}

TEST_CASE("aggregation: another proposer's rule set joins as an add candidate, renamed and labeled") {
  // The base detects nothing; the builtin proposer's set catches the spikes (ties with a single
  // feature rule go to the proposer's set, which comes first).
  TimeSeries ts;
  ts.name = "k3";
  ts.labels = {{"kpi", "k3"}};
  for (int i = 0; i < 3000; ++i) {
    const bool spike = i % 97 == 50;
    ts.timestamps_ms.push_back(int64_t{i} * 60'000);
    ts.values.push_back(100 + ((i * 37) % 11) - 5 + (spike ? 60 : 0));
    ts.anomaly_labels.push_back(spike);
  }
  Result<BaseFlagsFn> base_fn = BaseFlagsFromHistory({ts}, {std::vector<uint8_t>(3000, 0)});
  REQUIRE(base_fn.ok());
  BuiltinProposer builtin;
  AggregationOptions ao;
  ao.add_proposer = &builtin;
  AggregationProposer proposer(*base_fn, ao);
  Result<TrainingRun> run = TrainRules({ts}, {}, proposer, {});
  REQUIRE(run.ok());
  const TrainedTarget& t = run->targets[0];
  REQUIRE(t.best.has_value());
  INFO(t.rule_text);
  CHECK(t.rule_text.find("rule k3_builtin_0_") != std::string::npos);
  CHECK(t.best->rationale.find("the builtin proposer's rule set 0") != std::string::npos);
  Result<CompiledRules> compiled = CompileRules(t.rule_text, "k3.rules");
  REQUIRE(compiled.ok());
  Result<AggregateRules> roles = SplitByRole(std::move(compiled).value());
  REQUIRE(roles.ok());
  CHECK(roles->suppress.rules.empty());
  for (const RulePlan& r : roles->add.rules) CHECK(r.labels.at("role") == "add");
  CHECK(t.best->validation.counts.point.F1() == doctest::Approx(1.0));
}

// The llm proposer in aggregation mode: 800 points every 10 s around 100; a periodic bump to
// 130 every 40 points (normal, label 0) and labeled spikes to 180, some in the validation tail.
// The base detector (value > 120) flags both: its periodic false alarms are what to suppress.
TimeSeries PeriodicBumps(std::vector<uint8_t>* base) {
  TimeSeries ts;
  ts.name = "step_time_ms";
  for (int i = 0; i < 800; ++i) {
    const bool spike = i == 60 || i == 220 || i == 410 || i == 530 || i == 650 || i == 720;
    const bool bump = !spike && i % 40 == 20;
    const double v = spike ? 180 : bump ? 130 : 100 + ((i * 37) % 11) - 5;
    ts.timestamps_ms.push_back(1'700'000'000'000 + int64_t{i} * 10'000);
    ts.values.push_back(v);
    ts.anomaly_labels.push_back(spike ? 1 : 0);
    base->push_back(v > 120 ? 1 : 0);
  }
  return ts;
}

std::string LlmAnswer(const std::string& rules, const std::string& rationale) {
  return Json{{"rules", rules}, {"rationale", rationale}}.dump();
}

TEST_CASE(
    "aggregation with the llm proposer: a suppress rule for the base's false alarms is kept, a useless "
    "one reverted") {
  std::vector<uint8_t> base;
  const TimeSeries ts = PeriodicBumps(&base);
  Result<BaseFlagsFn> base_fn = BaseFlagsFromHistory({ts}, {base});
  REQUIRE(base_fn.ok());
  const std::string quiet =
      "rule quiet_bump {\n  select step_time_ms\n  when value < 150\n  labels { role = \"suppress\" }\n}";
  const std::string useless =
      "rule never {\n  select step_time_ms\n  when value > 1000\n  labels { role = \"suppress\" }\n}";
  auto script = [&](ScriptedLlmClient& llm) {
    llm.PushAnswer(LlmAnswer(quiet, "the bumps to 130 are normal"));
    llm.PushAnswer(LlmAnswer(quiet + "\n" + useless, "also silence huge values"));
    for (int i = 0; i < 6; ++i) llm.PushAnswer(LlmAnswer(quiet, "unchanged"));  // no change: not reviewed
  };
  TrainerOptions to;
  to.objective = Objective::kPoint;

  ScriptedLlmClient llm;
  script(llm);
  LlmProposer proposer(&llm);
  proposer.SetBase(*base_fn, "value>120");
  CHECK(proposer.name() == "aggregate-llm");
  Result<TrainingRun> run = TrainRules({ts}, {}, proposer, to);
  REQUIRE(run.ok());
  const TrainedTarget& t = run->targets[0];
  REQUIRE(t.status.ok());
  REQUIRE(t.best.has_value());
  INFO(t.rule_text);
  const RuleAgentsResult& agents = proposer.last_run();
  CHECK(agents.stats.kept == 1);
  CHECK(agents.stats.reverted == 1);  // equal combined F1: not an improvement
  REQUIRE(agents.kept.size() == 1);
  CHECK(agents.kept[0].text == quiet);
  // The base alone is the bar: its point F1 with 3 false alarms per 4 flags on validation.
  REQUIRE_FALSE(agents.stats.log.empty());
  CHECK(agents.stats.log[0].find("base `value>120` alone: validation point F1 0.") != std::string::npos);
  CHECK(t.rule_text.find("# Aggregation over base detector `value>120`") != std::string::npos);
  CHECK(t.rule_text.find("when value < 150") != std::string::npos);
  CHECK(t.rule_text.find("value > 1000") == std::string::npos);
  // Candidate scores are the combination's: the spikes alone, exactly.
  CHECK(t.best->validation.counts.point.F1() == doctest::Approx(1.0));
  CHECK(t.best->validation.counts.point.fp == 0);
  // The prompt described the base's false alarms and asked for roles.
  REQUIRE_FALSE(llm.requests().empty());
  // A copy: requests() returns its vector by value (a reference into it read freed memory, ASan).
  const std::string prompt = llm.requests()[0].messages[1].content;
  CHECK(prompt.find("base false alarms (flagged, label 0): ") != std::string::npos);
  CHECK(prompt.find("role = \"suppress\"") != std::string::npos);

  // The same answers as plain rules (no base): `value < 150` alone flags only normal points, so
  // nothing is kept — the combined scoring is what made the suppress rule worth keeping.
  ScriptedLlmClient plain_llm;
  script(plain_llm);
  LlmProposer plain(&plain_llm);
  Result<TrainingRun> plain_run = TrainRules({ts}, {}, plain, to);
  REQUIRE(plain_run.ok());
  CHECK_FALSE(plain_run->targets[0].best.has_value());
  CHECK(plain.last_run().stats.kept == 0);

  // Unlabeled data: a clear refusal.
  TimeSeries unlabeled = ts;
  unlabeled.anomaly_labels.clear();
  ScriptedLlmClient idle;
  LlmProposer needs_labels(&idle);
  needs_labels.SetBase(*base_fn, "value>120");
  Result<TrainingRun> refused = TrainRules({unlabeled}, {}, needs_labels, to);
  REQUIRE(refused.ok());
  CHECK(refused->targets[0].status.code() == StatusCode::kFailedPrecondition);
  CHECK(idle.requests().empty());
}

// The llm path's validation score runs the suppress / add rules over the training part and then
// the tail, as the kept file runs over the whole series: Scenario's tail starts at minute 10800
// (7.5 days), so its first daily spike (minute 12120) lies in the tail's first day, where
// `offset 1d` has a value only with the training part's last day before it.
TEST_CASE("aggregation with the llm proposer: the validation score is the whole-series run's on the tail") {
  std::vector<uint8_t> base;
  const TimeSeries series = Scenario(&base);
  Result<BaseFlagsFn> base_fn = BaseFlagsFromHistory({series}, {base});
  REQUIRE(base_fn.ok());
  const std::string seasonal =
      "rule daily_again {\n  select k1\n  when abs(value - (value offset 1d)) < 20\n"
      "  labels { role = \"suppress\" }\n}";
  const std::string dips =
      "rule dip {\n  select k1\n  when value < median(lag(value, 1), 60p) - 25\n"
      "  labels { role = \"add\" }\n}";
  ScriptedLlmClient llm;
  llm.PushAnswer(LlmAnswer(seasonal, "the 10:00 spike comes back every day"));
  llm.PushAnswer(LlmAnswer(seasonal + "\n" + dips, "and the base misses the dips"));
  for (int i = 0; i < 6; ++i) llm.PushAnswer(LlmAnswer(seasonal + "\n" + dips, "unchanged"));
  LlmProposer proposer(&llm);
  proposer.SetBase(*base_fn, "spike-detector");
  TrainerOptions to;  // dc-PA F1, k = 7, last 25% validation
  Result<TrainingRun> run = TrainRules({series}, {}, proposer, to);
  REQUIRE(run.ok());
  const TrainedTarget& t = run->targets[0];
  REQUIRE(t.status.ok());
  REQUIRE(t.best.has_value());
  INFO(t.rule_text);
  REQUIRE(t.best->text.find("offset 1d") != std::string::npos);
  REQUIRE(t.best->text.find("median(lag(value, 1), 60p)") != std::string::npos);

  // The kept text run as a user runs it: over the whole series, combined with the base.
  Result<CompiledRules> compiled = CompileRules(t.best->text, "k1.rules");
  REQUIRE(compiled.ok());
  Result<AggregateRules> roles = SplitByRole(std::move(compiled).value());
  REQUIRE(roles.ok());
  Result<std::vector<std::vector<uint8_t>>> whole = ApplyAggregateRules(*roles, std::span(&series, 1), {base});
  REQUIRE(whole.ok());
  const size_t n = series.size();
  const size_t cut = n - static_cast<size_t>(t.best->validation.points);
  REQUIRE(cut == n - n / 4);
  const TimeSeries tail = series.SliceIndex(cut, n);
  const std::vector<uint8_t> whole_tail(whole->at(0).begin() + static_cast<std::ptrdiff_t>(cut),
                                        whole->at(0).end());
  Result<DetectionCounts> expected = ScoreFlags(tail.anomaly_labels, whole_tail, to.delay_k);
  REQUIRE(expected.ok());
  // Not vacuous: the tail run alone differs (its first daily spike has no day before it).
  const std::vector<uint8_t> base_tail(base.begin() + static_cast<std::ptrdiff_t>(cut), base.end());
  Result<std::vector<std::vector<uint8_t>>> cold = ApplyAggregateRules(*roles, std::span(&tail, 1), {base_tail});
  REQUIRE(cold.ok());
  Result<DetectionCounts> cold_counts = ScoreFlags(tail.anomaly_labels, cold->at(0), to.delay_k);
  REQUIRE(cold_counts.ok());
  REQUIRE(expected->point.fp == 0);
  REQUIRE(cold_counts->point.fp == 1);

  const DetectionCounts& got = t.best->validation.counts;
  CHECK(got.point.tp == expected->point.tp);
  CHECK(got.point.fp == expected->point.fp);
  CHECK(got.point.fn == expected->point.fn);
  CHECK(got.dc_pa.tp == expected->dc_pa.tp);
  CHECK(got.dc_pa.fp == expected->dc_pa.fp);
  CHECK(got.dc_pa.fn == expected->dc_pa.fn);
  CHECK(t.best->validation.flagged == std::count(whole_tail.begin(), whole_tail.end(), 1));
  CHECK(t.best->validation.objective_f1 == doctest::Approx(expected->dc_pa.F1()));
  // The training score is the training part's own run, as before.
  const TimeSeries train = series.SliceIndex(0, cut);
  const std::vector<uint8_t> base_train(base.begin(), base.begin() + static_cast<std::ptrdiff_t>(cut));
  Result<std::vector<std::vector<uint8_t>>> train_flags =
      ApplyAggregateRules(*roles, std::span(&train, 1), {base_train});
  REQUIRE(train_flags.ok());
  Result<DetectionCounts> train_expected = ScoreFlags(train.anomaly_labels, train_flags->at(0), to.delay_k);
  REQUIRE(train_expected.ok());
  CHECK(t.best->train.counts.point.fp == train_expected->point.fp);
  CHECK(t.best->train.counts.point.tp == train_expected->point.tp);
  CHECK(t.best->train.counts.point.fn == train_expected->point.fn);
}

TEST_CASE("aggregation needs labels and matching base flags") {
  std::vector<uint8_t> base;
  TimeSeries series = Scenario(&base);
  SUBCASE("unlabeled target") {
    TimeSeries unlabeled = series;
    unlabeled.anomaly_labels.clear();
    Result<BaseFlagsFn> fn = BaseFlagsFromHistory({unlabeled}, {base});
    REQUIRE(fn.ok());
    AggregationProposer proposer(*fn);
    Result<TrainingRun> run = TrainRules({unlabeled}, {}, proposer, {});
    REQUIRE(run.ok());
    CHECK(run->targets[0].status.code() == StatusCode::kFailedPrecondition);
    CHECK(run->targets[0].status.message().find("no labels") != std::string::npos);
  }
  SUBCASE("flags of another length") {
    std::vector<uint8_t> short_base(base.begin(), base.end() - 1);
    Result<BaseFlagsFn> fn = BaseFlagsFromHistory({series}, {short_base});
    REQUIRE_FALSE(fn.ok());
    CHECK(fn.status().message().find("base flags") != std::string::npos);
  }
  SUBCASE("flags computed on another history") {
    TimeSeries other = series;
    other.labels = {{"kpi", "k9"}};
    Result<BaseFlagsFn> fn = BaseFlagsFromHistory({other}, {base});
    REQUIRE(fn.ok());
    AggregationProposer proposer(*fn);
    Result<TrainingRun> run = TrainRules({series}, {}, proposer, {});
    REQUIRE(run.ok());
    CHECK(run->targets[0].status.code() == StatusCode::kInvalidArgument);
    CHECK(run->targets[0].status.message().find("no flags for series k1{kpi=\"k1\"}") != std::string::npos);
  }
}

TEST_CASE("AlignBaseFlags matches flag series to the data by id and timestamp") {
  TimeSeries data;
  data.name = "m";
  data.labels = {{"job", "a"}};
  for (int i = 0; i < 5; ++i) {
    data.timestamps_ms.push_back(i * 1000);
    data.values.push_back(i);
  }
  TimeSeries flags = data;
  flags.values = {0, 1, 0, 0, 1};
  Result<std::vector<std::vector<uint8_t>>> ok = AlignBaseFlags({data}, {flags}, "f.csv");
  REQUIRE(ok.ok());
  CHECK(ok->at(0) == std::vector<uint8_t>{0, 1, 0, 0, 1});

  TimeSeries other = flags;
  other.labels = {{"job", "b"}};
  Result<std::vector<std::vector<uint8_t>>> missing = AlignBaseFlags({data}, {other}, "f.csv");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find("f.csv: no base flags for series m{job=\"a\"}") != std::string::npos);
  CHECK(missing.status().message().find("m{job=\"b\"}") != std::string::npos);  // what the file has

  TimeSeries shorter = flags;
  shorter.timestamps_ms.pop_back();
  shorter.values.pop_back();
  Result<std::vector<std::vector<uint8_t>>> len = AlignBaseFlags({data}, {shorter}, "f.csv");
  REQUIRE_FALSE(len.ok());
  CHECK(len.status().message().find("4 base flags but the data has 5 points") != std::string::npos);

  TimeSeries shifted = flags;
  shifted.timestamps_ms[2] += 500;
  Result<std::vector<std::vector<uint8_t>>> ts = AlignBaseFlags({data}, {shifted}, "f.csv");
  REQUIRE_FALSE(ts.ok());
  CHECK(ts.status().message().find("base flag 2 is at timestamp 2500 ms") != std::string::npos);

  TimeSeries bad = flags;
  bad.values[3] = 0.5;
  Result<std::vector<std::vector<uint8_t>>> value = AlignBaseFlags({data}, {bad}, "f.csv");
  REQUIRE_FALSE(value.ok());
  CHECK(value.status().message().find("base flag 3 is 0.5, expected 0 or 1") != std::string::npos);
}

TEST_CASE("roles: suppress, add, default add, unknown role rejected; the combination") {
  const char* text =
      "rule s { select * when value < 1 labels { role = \"suppress\" } }\n"
      "rule a { select * when value > 9 labels { role = \"add\" } }\n"
      "rule plain { select * when value > 8 }\n";
  Result<CompiledRules> c = CompileRules(text, "r.rules");
  REQUIRE(c.ok());
  Result<AggregateRules> roles = SplitByRole(std::move(c).value());
  REQUIRE(roles.ok());
  CHECK(roles->suppress.rules.size() == 1);
  CHECK(roles->add.rules.size() == 2);

  Result<CompiledRules> bad =
      CompileRules("rule x { select * when value > 1 labels { role = \"mute\" } }", "b.rules");
  REQUIRE(bad.ok());
  Result<AggregateRules> r = SplitByRole(std::move(bad).value());
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find(
            "b.rules:1: rule x: label role must be \"suppress\" or \"add\", got \"mute\"") !=
        std::string::npos);

  CHECK(CombineFlags({1, 1, 0, 0}, {0, 1, 0, 1}, {0, 0, 1, 0}) == std::vector<uint8_t>{1, 0, 1, 0});

  TimeSeries ts;
  ts.name = "x";
  ts.timestamps_ms = {0, 1000, 2000, 3000};
  ts.values = {0, 5, 10, 5};
  Result<std::vector<std::vector<uint8_t>>> flags =
      ApplyAggregateRules(*roles, std::span(&ts, 1), {{1, 1, 0, 0}});
  REQUIRE(flags.ok());
  CHECK(flags->at(0) == std::vector<uint8_t>{0, 1, 1, 0});  // 0 suppressed, 10 added
  Result<std::vector<std::vector<uint8_t>>> wrong = ApplyAggregateRules(*roles, std::span(&ts, 1), {{1, 1}});
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.status().message().find("4 points but 2 base flags") != std::string::npos);
}

}  // namespace
}  // namespace vigil
