// The builtin proposer and the trainer over the real compiler, engine and scoring.
#include "training/trainer.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <set>

#include "detectors/engine.h"
#include "detectors/readers.h"
#include "rules/compiler.h"
#include "training/builtin_proposer.h"
#include "training/engine_evaluator.h"

namespace vigil {
namespace {

// Deterministic noise around 100 with labeled spikes (+60) every `every` points from `first`.
TimeSeries Spiky(const std::string& kpi, int n, int every, int first, bool labeled) {
  TimeSeries ts;
  ts.name = kpi;
  ts.labels = {{"kpi", kpi}};
  for (int i = 0; i < n; ++i) {
    double v = 100 + ((i * 37) % 11) - 5;
    const bool spike = i >= first && (i - first) % every == 0;
    if (spike) v += 60;
    ts.timestamps_ms.push_back(int64_t{i} * 60'000);
    ts.values.push_back(v);
    if (labeled) ts.anomaly_labels.push_back(spike ? 1 : 0);
  }
  return ts;
}

// One target: `all` cut at `cut` into a training part and a validation tail.
TrainingData Target(const std::string& name, const TimeSeries& all, size_t cut, bool labeled) {
  TrainingData data;
  data.target = name;
  data.labeled = labeled;
  data.train.push_back(all.SliceIndex(0, cut));
  data.validation.push_back(all.SliceIndex(cut, all.size()));
  return data;
}

TEST_CASE("builtin proposer finds a spike rule and measures it with the engine") {
  TimeSeries all = Spiky("k1", 2000, 97, 50, true);
  TrainingData data = Target("k1", all, 1500, true);
  data.selector = "*{kpi=\"k1\"}";
  EngineEvaluator evaluator(data, Objective::kPoint, 7);
  BuiltinProposer proposer;
  ProposeOptions po;
  int progress_calls = 0;
  po.progress = [&](int done, int planned) {
    ++progress_calls;
    CHECK(done <= planned);
  };
  Result<std::vector<RuleCandidate>> c = proposer.Propose(data, evaluator, po);
  REQUIRE(c.ok());
  REQUIRE_FALSE(c->empty());
  const RuleCandidate& best = c->front();
  INFO(best.text);
  CHECK(best.text.find("select *{kpi=\"k1\"}") != std::string::npos);
  CHECK(best.validation.counts.point.F1() == doctest::Approx(1.0));
  CHECK(best.train.counts.point.F1() == doctest::Approx(1.0));
  CHECK(progress_calls > 5);
  // The text is a valid rule file and the engine reproduces the validation score.
  Result<CompiledRules> rules = CompileRules(best.text, "best.rules");
  REQUIRE(rules.ok());
  Result<RuleScore> again = evaluator.Score(best.text, Split::kValidation);
  REQUIRE(again.ok());
  CHECK(again->counts.point == best.validation.counts.point);
  CHECK(c->size() <= 3);
}

TEST_CASE("builtin proposer, unlabeled: thresholds at the training extremes stay silent on normal data") {
  TimeSeries all = Spiky("q", 1200, 100000, 100000, false);  // no spikes at all
  TrainingData data = Target("quiet", all, 900, false);
  EngineEvaluator evaluator(data, Objective::kPointAdjusted, 7);
  BuiltinProposer proposer;
  Result<std::vector<RuleCandidate>> c = proposer.Propose(data, evaluator, {});
  REQUIRE(c.ok());
  REQUIRE_FALSE(c->empty());
  CHECK(c->front().train.flagged == 0);
  CHECK(c->front().validation.flag_rate() <= 0.001);
  // And a spike far beyond anything in training fires.
  TimeSeries probe = all.SliceIndex(0, 1000);
  probe.values[950] = 400;
  Result<CompiledRules> rules = CompileRules(c->front().text, "q.rules");
  REQUIRE(rules.ok());
  Result<BatchResult> r = EvaluateBatch(*rules, std::vector<TimeSeries>{probe});
  REQUIRE(r.ok());
  CHECK(r->flags[0][950] == 1);
}

TEST_CASE("builtin proposer, unlabeled without level rules: drift past the training range stays quiet") {
  TimeSeries all = Spiky("d", 1200, 100000, 100000, false);
  TrainingData data = Target("drift", all, 900, false);
  EngineEvaluator evaluator(data, Objective::kPointAdjusted, 7);
  BuiltinProposerOptions bo;
  bo.unlabeled_levels = false;
  BuiltinProposer proposer(bo);
  Result<std::vector<RuleCandidate>> c = proposer.Propose(data, evaluator, {});
  REQUIRE(c.ok());
  REQUIRE_FALSE(c->empty());
  INFO(c->front().text);
  CHECK(c->front().text.find("value > ") == std::string::npos);
  CHECK(c->front().text.find("value < ") == std::string::npos);
  // The same noise shifted up by 30 (beyond the training maximum) after a slow 200-point ramp:
  // silent; a spike on top of the drifted level still fires.
  TimeSeries probe = all.SliceIndex(0, 1200);
  for (size_t i = 600; i < probe.size(); ++i)
    probe.values[i] += 30.0 * std::min<double>(1.0, (i - 600) / 200.0);
  probe.values[1100] += 200;
  Result<CompiledRules> rules = CompileRules(c->front().text, "d.rules");
  REQUIRE(rules.ok());
  Result<BatchResult> r = EvaluateBatch(*rules, std::vector<TimeSeries>{probe});
  REQUIRE(r.ok());
  CHECK(r->flags[0][1100] == 1);
  int drift_flags = 0;
  for (size_t i = 900; i < 1090; ++i) drift_flags += r->flags[0][i];
  CHECK(drift_flags == 0);
  // With level rules allowed, the default proposer's best set fires on the drifted level.
  BuiltinProposer with_levels;
  Result<std::vector<RuleCandidate>> l = with_levels.Propose(data, evaluator, {});
  REQUIRE(l.ok());
  REQUIRE_FALSE(l->empty());
  CHECK(l->front().text.find("value > ") != std::string::npos);
}

TEST_CASE("builtin proposer, labeled: the range guard flags a level drop no training label showed") {
  TimeSeries all = Spiky("g", 2000, 97, 50, true);
  TrainingData data = Target("g", all, 1500, true);
  // A probe: the same history, then a 300-point drop to 60 (normal training range is [95, 105]).
  TimeSeries probe = all.SliceIndex(0, 2000);
  for (size_t i = 1600; i < 1900; ++i) probe.values[i] = 60 + ((i * 37) % 11) * 0.1;
  auto flags_of = [&](const std::string& text) {
    Result<CompiledRules> rules = CompileRules(text, "g.rules");
    REQUIRE(rules.ok());
    Result<BatchResult> r = EvaluateBatch(*rules, std::vector<TimeSeries>{probe});
    REQUIRE(r.ok());
    return r->flags[0];
  };
  EngineEvaluator evaluator(data, Objective::kDelayPointAdjusted, 7);
  BuiltinProposer proposer;
  Result<std::vector<RuleCandidate>> c = proposer.Propose(data, evaluator, {});
  REQUIRE(c.ok());
  REQUIRE_FALSE(c->empty());
  INFO(c->front().text);
  CHECK(c->front().text.find("rule range_low") != std::string::npos);
  CHECK(c->front().text.find("value < 95\n") != std::string::npos);
  CHECK(c->front().validation.counts.point.F1() == doctest::Approx(1.0));  // quiet on the tail
  std::vector<uint8_t> f = flags_of(c->front().text);
  int in_drop = 0;
  for (size_t i = 1600; i < 1900; ++i) in_drop += f[i];
  CHECK(in_drop == 300);
  // Without the guard, rolling-baseline rules catch up with the new level and stop firing.
  BuiltinProposerOptions off;
  off.range_guard = false;
  BuiltinProposer plain(off);
  Result<std::vector<RuleCandidate>> p = plain.Propose(data, evaluator, {});
  REQUIRE(p.ok());
  REQUIRE_FALSE(p->empty());
  CHECK(p->front().text.find("range_") == std::string::npos);
  std::vector<uint8_t> g = flags_of(p->front().text);
  int late = 0;
  for (size_t i = 1700; i < 1900; ++i) late += g[i];
  CHECK(late < 20);
}

TEST_CASE("builtin proposer, labeled: a range guard that fires on the validation tail is left out") {
  TimeSeries all = Spiky("h", 2000, 97, 50, true);
  // The tail runs 20 below the training range: range_low would flag most of it; range_high not.
  for (size_t i = 1500; i < 2000; ++i) all.values[i] -= 20;
  TrainingData data = Target("h", all, 1500, true);
  EngineEvaluator evaluator(data, Objective::kDelayPointAdjusted, 7);
  BuiltinProposer proposer;
  Result<std::vector<RuleCandidate>> c = proposer.Propose(data, evaluator, {});
  REQUIRE(c.ok());
  REQUIRE_FALSE(c->empty());
  INFO(c->front().text);
  CHECK(c->front().text.find("rule range_low") == std::string::npos);
  CHECK(c->front().text.find("rule range_high") != std::string::npos);
}

TEST_CASE("builtin proposer, unlabeled: a z-score fitted at its bound (a dead rule) is not kept") {
  TimeSeries all = Spiky("z", 1200, 100000, 100000, false);
  all.values[300] += 1e6;  // a lone spike: |zscore(value, 10p)| there is (10 - 1)/sqrt(10) to ~1e-10
  TrainingData data = Target("z", all, 900, false);
  EngineEvaluator evaluator(data, Objective::kPointAdjusted, 7);
  BuiltinProposer proposer;
  Result<std::vector<RuleCandidate>> c = proposer.Propose(data, evaluator, {});
  REQUIRE(c.ok());
  REQUIRE_FALSE(c->empty());
  for (const RuleCandidate& cand : *c) {
    INFO(cand.text);
    CHECK(cand.text.find("zscore(value, 10p)) >") == std::string::npos);
  }
}

TEST_CASE("AllowedExceedances: exceedances of a training maximum that stationary data shows") {
  // 187 tail points after a maximum over 562: Binomial(187, 1/563), P(X >= 3) ~ 0.005 < 1%.
  CHECK(AllowedExceedances(187, 562, 0.01) == 2);
  CHECK(AllowedExceedances(4700, 14100, 0.01) == 2);  // the same ratio, the same allowance
  CHECK(AllowedExceedances(187, 562, 0.0) == 0);      // disabled
  CHECK(AllowedExceedances(0, 562, 0.01) == 0);
  const int64_t many = AllowedExceedances(1000, 10, 0.01);  // mean 1000/11 ~ 91, sd ~ 9.1
  CHECK(many > 100);
  CHECK(many < 120);
}

TEST_CASE("builtin proposer, unlabeled: one tail exceedance of the training maximum is not a drift") {
  TimeSeries all = Spiky("x", 1200, 100000, 100000, false);  // 100 + [-5, 5], period 11
  all.values[1000] = 107;  // one point of the 300-point tail above the training maximum (105)
  TrainingData data = Target("x", all, 900, false);
  EngineEvaluator evaluator(data, Objective::kPointAdjusted, 7);
  BuiltinProposerOptions bo;
  bo.max_rules = 20;  // the best set = every rule the review keeps
  Result<std::vector<RuleCandidate>> kept = BuiltinProposer(bo).Propose(data, evaluator, {});
  REQUIRE(kept.ok());
  REQUIRE_FALSE(kept->empty());
  INFO(kept->front().text);
  CHECK(kept->front().text.find("rule value_high") != std::string::npos);
  // With the 0.1% rate bound alone (no flag allowed on 300 points) the same rule is dropped.
  bo.unlabeled_tail_alpha = 0;
  Result<std::vector<RuleCandidate>> strict = BuiltinProposer(bo).Propose(data, evaluator, {});
  REQUIRE(strict.ok());
  for (const RuleCandidate& c : *strict) CHECK(c.text.find("rule value_high") == std::string::npos);
}

// TrainRules one-for-one with the builtin proposer and the point objective (`opts`' other fields kept).
Result<TrainingRun> TrainPoint(const std::vector<TimeSeries>& history, TrainerOptions opts = {}) {
  BuiltinProposer proposer;
  opts.objective = Objective::kPoint;
  return TrainRules(history, {}, proposer, opts);
}

// A new folder under the temp directory, named after `what` and this process.
std::string TempDir(const std::string& what) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("vigil_" + what + "_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir.string();
}

TEST_CASE("builtin proposer rejects unusable data") {
  TrainingData data;
  data.target = "empty";
  EngineEvaluator evaluator(data, Objective::kPoint, 7);
  BuiltinProposer proposer;
  CHECK(proposer.Propose(data, evaluator, {}).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("trainer: one rule file per target with provenance; renamed rules compile together") {
  std::vector<TimeSeries> history = {Spiky("a", 1600, 89, 40, true), Spiky("b", 1600, 71, 30, true)};
  BuiltinProposer proposer;
  TrainerOptions opts;
  opts.objective = Objective::kPoint;
  Result<TrainingRun> run = TrainRules(history, {}, proposer, opts);
  REQUIRE(run.ok());
  REQUIRE(run->targets.size() == 2);
  for (const TrainedTarget& t : run->targets) {
    CHECK(t.status.ok());
    REQUIRE(t.best.has_value());
    CHECK(t.rule_text.find("rule " + t.target + "_") != std::string::npos);
  }
  CHECK(run->targets[0].selector == "a{kpi=\"a\"}");
  // Both targets' rules in one file compile (names are unique) and select only their series.
  Result<CompiledRules> all = CompileRules(run->CombinedRules(), "all.rules");
  REQUIRE(all.ok());
  Result<BatchResult> r = EvaluateBatch(*all, history);
  REQUIRE(r.ok());
  CHECK(r->flags[0][40] == 1);
  CHECK(r->flags[1][30] == 1);
  CHECK(r->flags[0][30] == 0);

  const std::string dir =
      (std::filesystem::temp_directory_path() / ("vigil_trainer_test_" + std::to_string(::getpid())))
          .string();
  REQUIRE(WriteRuleFiles(*run, dir, "kpi:/data", "last 25% validation").ok());
  Result<std::string> file = ReadFile(dir + "/a.rules");
  REQUIRE(file.ok());
  CHECK(file->find("# data: kpi:/data") != std::string::npos);
  CHECK(file->find("# proposer: builtin, mode one-for-one, objective point") != std::string::npos);
  CHECK(CompileRuleFile(dir + "/a.rules").ok());
  Result<Json> j = ReadJsonFile(dir + "/training.json");
  REQUIRE(j.ok());
  CHECK((*j)["targets"].size() == 2);
  CHECK((*j)["targets"][0]["validation"]["point"]["f1"].get<double>() > 0.9);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

// Issue 4 (P2): `Sanitize` mapped cpu-1, cpu_1 and cpu.1 all to cpu_1, so their rule files
// overwrote each other (one file left of three) and their rule names collided; a 300-character
// series name made a file name the file system refused, losing the whole run after training.
TEST_CASE("trainer: names that sanitise alike get distinct rule files and rules; long names are capped") {
  const std::string long_name(300, 'x');
  std::vector<TimeSeries> history = {Spiky("cpu-1", 1600, 89, 40, true), Spiky("cpu_1", 1600, 71, 30, true),
                                     Spiky("cpu.1", 1600, 83, 35, true), Spiky(long_name, 1600, 67, 25, true)};
  Result<TrainingRun> run = TrainPoint(history);
  REQUIRE(run.ok());
  REQUIRE(run->targets.size() == 4);
  std::set<std::string> stems;
  for (const TrainedTarget& t : run->targets) {
    REQUIRE(t.best.has_value());
    stems.insert(t.file_stem);
    CHECK(t.file_stem.size() <= 120);
    CHECK(t.rule_text.find("rule " + t.file_stem + "_") != std::string::npos);
  }
  CHECK(stems.size() == 4);
  // The name sanitising leaves unchanged keeps it; the others carry a hash of their own name.
  CHECK(run->targets[1].file_stem == "cpu_1");
  CHECK(run->targets[0].file_stem.rfind("cpu_1_", 0) == 0);
  CHECK(run->targets[2].file_stem.rfind("cpu_1_", 0) == 0);
  CHECK(run->targets[3].file_stem.rfind(std::string(100, 'x'), 0) == 0);
  // Deterministic: the same data gives the same names, whatever the order of the series.
  std::vector<TimeSeries> reversed(history.rbegin(), history.rend());
  Result<TrainingRun> again = TrainPoint(reversed);
  REQUIRE(again.ok());
  for (size_t i = 0; i < 4; ++i) CHECK(again->targets[3 - i].file_stem == run->targets[i].file_stem);
  // All rules compile together (no duplicate rule name).
  CHECK(CompileRules(run->CombinedRules(), "all.rules").ok());

  const std::string dir = TempDir("trainer_names");
  REQUIRE(WriteRuleFiles(*run, dir, "csv:x", "last 25% validation").ok());
  Result<Json> j = ReadJsonFile(dir + "/training.json");
  REQUIRE(j.ok());
  REQUIRE((*j)["targets"].size() == 4);
  for (size_t i = 0; i < 4; ++i) {
    const Json& tj = (*j)["targets"][i];
    CHECK(tj["target"] == run->targets[i].target);
    REQUIRE(tj.contains("rule_file"));
    const std::string file = tj["rule_file"].get<std::string>();
    CHECK(file == run->targets[i].file_stem + ".rules");
    Result<std::string> text = ReadFile(dir + "/" + file);
    REQUIRE(text.ok());
    CHECK(text->find("select " + run->targets[i].selector + "\n") != std::string::npos);
    CHECK(text->find("# target: " + run->targets[i].target + " ") != std::string::npos);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

// Review RV-P2: a target named like another's hashed stem (`cpu_1_<hash of cpu-1>`) took or lost
// that stem by the order of the series, so the same targets got each other's rule files when the
// data came in another order. A name that sanitising leaves unchanged keeps it, whatever the order.
TEST_CASE("trainer: rule-file stems do not depend on the order of the targets, adversarial names") {
  Result<TrainingRun> first = TrainPoint({Spiky("cpu-1", 400, 89, 40, true), Spiky("cpu_1", 400, 71, 30, true)});
  REQUIRE(first.ok());
  const std::string hashed = first->targets[0].file_stem;  // cpu_1_ and 8 hex digits
  REQUIRE(hashed.size() == 14);
  std::vector<TimeSeries> history = {Spiky("cpu-1", 400, 89, 40, true), Spiky("cpu_1", 400, 71, 30, true),
                                     Spiky(hashed, 400, 83, 35, true), Spiky("", 400, 67, 25, true),
                                     Spiky("t_", 400, 61, 20, true), Spiky("-", 400, 59, 22, true),
                                     Spiky(std::string(130, 'y') + "a", 400, 53, 21, true),
                                     Spiky(std::string(130, 'y') + "b", 400, 47, 23, true)};
  for (TimeSeries& s : history) s.labels.clear();
  std::vector<TimeSeries> reversed(history.rbegin(), history.rend());
  Result<TrainingRun> a = TrainPoint(history), b = TrainPoint(reversed);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(a->targets.size() == history.size());
  std::set<std::string> stems;
  for (size_t i = 0; i < history.size(); ++i) {
    INFO(a->targets[i].target);
    CHECK(b->targets[history.size() - 1 - i].file_stem == a->targets[i].file_stem);
    stems.insert(a->targets[i].file_stem);
  }
  CHECK(stems.size() == history.size());
  CHECK(a->targets[2].file_stem == hashed);  // an identifier keeps its own name
  CHECK(a->targets[4].file_stem == "t_");
  CHECK(CompileRules(a->CombinedRules(), "all.rules").ok());
}

// Issue 4 (P2): one-for-all over a group where some members have anomaly labels and others none
// was trained as unlabeled, the labels dropped without a word. Now the target fails naming the
// members without labels (the others train; `vigil train-rules` exits 1 naming it).
TEST_CASE("trainer: one-for-all with labels on some members only is an error naming the unlabeled ones") {
  TimeSeries x = Spiky("cpu", 800, 60, 20, true), y = Spiky("cpu", 800, 60, 20, false),
             z = Spiky("cpu", 800, 60, 20, false);
  x.labels = {{"machine", "m1"}, {"dim", "0"}};
  y.labels = {{"machine", "m1"}, {"dim", "1"}};
  z.labels = {{"machine", "m2"}, {"dim", "0"}};
  std::vector<TimeSeries> history = {x, y, z};
  BuiltinProposer proposer;
  TrainerOptions opts;
  opts.mode = TrainMode::kOneForAll;
  Result<TrainingRun> run = TrainRules(history, {{"m1", {0, 1}}, {"m2", {2}}}, proposer, opts);
  REQUIRE(run.ok());
  REQUIRE(run->targets.size() == 2);
  const TrainedTarget& mixed = run->targets[0];
  CHECK(mixed.status.code() == StatusCode::kInvalidArgument);
  CHECK(mixed.status.message().find(y.id()) != std::string::npos);
  CHECK(mixed.status.message().find("1 of 2 series") != std::string::npos);
  CHECK(mixed.rule_text.empty());
  CHECK(run->targets[1].status.ok());  // an all-unlabeled group trains as before
  CHECK_FALSE(run->targets[1].labeled);
  // TrainGroupRule cuts the same way.
  CHECK(TrainGroupRule({x, y}, "m1", opts).status().code() == StatusCode::kInvalidArgument);
}

// Issue 4 (P2): a NaN validation fraction passed `<= 0 || >= 1` (only the CLI refused it), and a
// fraction too small for one tail point was reported as "too few to train" for an 800-point series.
TEST_CASE("trainer: a NaN validation fraction is refused; an empty validation tail is named as such") {
  std::vector<TimeSeries> history = {Spiky("a", 800, 89, 40, true)};
  BuiltinProposer proposer;
  TrainerOptions opts;
  opts.validation_fraction = std::nan("");
  Result<TrainingRun> nan_run = TrainRules(history, {}, proposer, opts);
  CHECK(nan_run.status().code() == StatusCode::kInvalidArgument);
  CHECK(nan_run.status().message().find("nan") != std::string::npos);
  opts.group_rule = true;
  CHECK(TrainGroupRule(history, "a", opts).status().code() == StatusCode::kInvalidArgument);

  opts.validation_fraction = 1e-9;
  Result<TrainingRun> tiny = TrainRules(history, {}, proposer, opts);
  REQUIRE(tiny.ok());
  const std::string why = tiny->targets[0].status.message();
  CHECK(why.find("too few") == std::string::npos);
  CHECK(why.find("empty validation tail") != std::string::npos);
  CHECK(why.find("at least 0.00125") != std::string::npos);  // 1 / 800
  opts.validation_fraction = 0.999;  // a 1-point training part
  Result<TrainingRun> huge = TrainRules(history, {}, proposer, opts);
  REQUIRE(huge.ok());
  CHECK(huge->targets[0].status.message().find("training part") != std::string::npos);
}

// Issue 4 (P2): rule files were written only after every target had trained, so an interrupted run
// (or one that failed late) lost every target already trained. `target_done` sees each target as
// soon as it is trained; `stop` ends the run before the next target starts.
TEST_CASE("trainer: each target is handed out when trained; a stop request starts no further target") {
  std::vector<TimeSeries> history = {Spiky("a", 1600, 89, 40, true), Spiky("b", 1600, 71, 30, true),
                                     Spiky("c", 1600, 83, 35, true)};
  TrainerOptions opts;
  const std::string dir = TempDir("trainer_stop");
  std::vector<std::string> done;
  opts.target_done = [&](const TrainingRun& so_far, const TrainedTarget& t) {
    done.push_back(t.target);
    CHECK(so_far.targets.size() == done.size());
    return WriteTargetRuleFile(so_far, t, dir, "csv:x", "last 25% validation");
  };
  opts.stop = [&] { return done.size() == 2; };  // as a signal arriving during the second target
  Result<TrainingRun> run = TrainPoint(history, opts);
  REQUIRE(run.ok());
  CHECK(run->interrupted);
  CHECK(run->targets_planned == 3);
  REQUIRE(run->targets.size() == 2);
  CHECK(done == std::vector<std::string>{"a", "b"});
  CHECK(std::filesystem::exists(dir + "/a.rules"));
  CHECK(std::filesystem::exists(dir + "/b.rules"));
  CHECK_FALSE(std::filesystem::exists(dir + "/c.rules"));
  CHECK(CompileRuleFile(dir + "/b.rules").ok());
  const Json j = TrainingRunToJson(*run, "csv:x", "last 25% validation");
  CHECK(j["complete"] == false);
  CHECK(j["targets_planned"] == 3);
  CHECK(j["targets"].size() == 2);
  // A rule file that cannot be written is that target's error; the others go on.
  opts.stop = nullptr;
  done.clear();
  opts.target_done = [&](const TrainingRun&, const TrainedTarget& t) {
    done.push_back(t.target);
    return t.target == "b" ? UnavailableError("disk full") : Status::Ok();
  };
  Result<TrainingRun> full = TrainPoint(history, opts);
  REQUIRE(full.ok());
  CHECK_FALSE(full->interrupted);
  REQUIRE(full->targets.size() == 3);
  CHECK(full->targets[1].status.message().find("disk full") != std::string::npos);
  CHECK(full->targets[2].status.ok());
  CHECK(TrainingRunToJson(*full, "csv:x", "s")["complete"] == true);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

// Issue 4 (P2): the rule language selects by an identifier metric name and labels, so the rule
// file of a series named `cpu-1` with no labels says `select *`: in `vigil detect` it runs on every
// series. The trainer cannot make that exact; it says so, naming the other series it selects.
TEST_CASE("trainer: a selector that also picks other series of the data is named in a warning") {
  std::vector<TimeSeries> history = {Spiky("cpu-1", 1600, 89, 40, true), Spiky("cpu_1", 1600, 71, 30, true),
                                     Spiky("cpu.1", 1600, 83, 35, true)};
  for (TimeSeries& s : history) s.labels.clear();
  Result<TrainingRun> run = TrainPoint(history);
  REQUIRE(run.ok());
  REQUIRE(run->targets.size() == 3);
  const TrainedTarget& dash = run->targets[0];
  CHECK(dash.selector == "*");
  INFO(dash.selector_warning);
  CHECK(dash.selector_warning.find("selector `*` also selects 2 other series of the data (cpu_1, cpu.1)") == 0);
  CHECK(run->targets[1].selector == "cpu_1");
  CHECK(run->targets[1].selector_warning.empty());
  const Json j = TrainingRunToJson(*run, "csv:x", "s");
  CHECK(j["targets"][0]["selector_warning"] == dash.selector_warning);
  CHECK_FALSE(j["targets"][1].contains("selector_warning"));
  const std::string dir = TempDir("trainer_sel");
  REQUIRE(WriteTargetRuleFile(*run, dash, dir, "csv:x", "s").ok());
  Result<std::string> text = ReadFile(dir + "/" + dash.file_stem + ".rules");
  REQUIRE(text.ok());
  CHECK(text->find("# warning: selector `*` also selects 2 other series") != std::string::npos);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

TEST_CASE("trainer: one-for-all groups, selectors by common labels, short series, bad options") {
  TimeSeries x = Spiky("cpu", 800, 60, 20, false), y = Spiky("cpu", 800, 60, 20, false);
  x.labels = {{"machine", "m1"}, {"dim", "0"}};
  y.labels = {{"machine", "m1"}, {"dim", "1"}};
  CHECK(SelectorFor({&x, &y}) == "cpu{machine=\"m1\"}");
  x.name = "m1/dim0";
  CHECK(SelectorFor({&x}) == "*{dim=\"0\", machine=\"m1\"}");
  CHECK(SelectorFor({&x, &y}) == "*{machine=\"m1\"}");

  std::vector<TimeSeries> history = {x, y, Spiky("short", 10, 5, 1, false)};
  BuiltinProposer proposer;
  TrainerOptions opts;
  opts.mode = TrainMode::kOneForAll;
  Result<TrainingRun> run = TrainRules(history, {{"m1", {0, 1}}, {"s", {2}}}, proposer, opts);
  REQUIRE(run.ok());
  REQUIRE(run->targets.size() == 2);
  CHECK(run->targets[0].target == "m1");
  CHECK(run->targets[0].series.size() == 2);
  CHECK(run->targets[1].status.message().find("too few to train") != std::string::npos);

  CHECK_FALSE(ParseTrainMode("one-for-some").ok());
  opts.validation_fraction = 1.5;
  CHECK_FALSE(TrainRules(history, {}, proposer, opts).ok());
}

// The grammar the issue names, every family present and each expression valid rule language:
// thresholds on the value, residuals from a rolling median, a 1-day seasonal offset (two days of
// history), z-score and MAD bands, jumps, level shifts, flatlines and counter increases.
TEST_CASE("builtin proposer: every family of the grammar is searched and compiles") {
  TimeSeries all = Spiky("g", 3200, 97, 50, true);  // 3200 minutes: more than two days
  TrainingData data = Target("g", all, 3000, true);
  std::vector<RuleFeature> features = BuiltinFeatures(data, BuiltinProposerOptions{});
  std::set<std::string> families;
  for (const RuleFeature& f : features) {
    families.insert(f.family);
    INFO(f.expr);
    const std::string rule = "rule f {\n  select *\n  when " + f.expr + (f.low ? " < 1" : " > 1") + "\n}";
    CHECK(CompileRules(rule, "feature.rules").ok());
  }
  for (const char* family : {"value-high", "value-low", "residual", "seasonal", "zscore", "mad-band", "jump",
                             "level-shift", "flatline", "increase"}) {
    CHECK_MESSAGE(families.count(family) == 1, family);
  }
  // Less than two days of history: no seasonal offset (it would have no day before to compare).
  TrainingData short_data = Target("g", all, 1500, true);
  for (const RuleFeature& f : BuiltinFeatures(short_data, BuiltinProposerOptions{})) CHECK(f.family != "seasonal");
}

// A stuck sensor (the value frozen at an ordinary level, labeled) is separable only by a low
// rolling standard deviation: no value, jump or residual threshold fires on it. The search finds
// the flatline family: every frozen segment of the validation tail is caught; a W-point std may
// stay low for up to W − 1 points after a segment ends, so precision is bounded, not 1.
TEST_CASE("builtin proposer, labeled: a frozen value is caught by the flatline family") {
  TimeSeries all = Spiky("s", 2400, 1000000, 1000000, true);  // noise in [95, 105], no spikes
  for (int start : {300, 900, 1500, 1950, 2200}) {
    for (int i = start; i < start + 40; ++i) {
      all.values[static_cast<size_t>(i)] = 100;
      all.anomaly_labels[static_cast<size_t>(i)] = 1;
    }
  }
  TrainingData data = Target("s", all, 1800, true);
  data.selector = "*{kpi=\"s\"}";
  EngineEvaluator evaluator(data, Objective::kPointAdjusted, 7);
  BuiltinProposer proposer;
  Result<std::vector<RuleCandidate>> c = proposer.Propose(data, evaluator, {});
  REQUIRE(c.ok());
  REQUIRE_FALSE(c->empty());
  INFO(c->front().text);
  CHECK(c->front().text.find("std(value, ") != std::string::npos);
  CHECK(c->front().validation.counts.pa.Recall() == doctest::Approx(1.0));
  CHECK(c->front().validation.counts.pa.Precision() >= 0.8);  // ≤ 9 trailing points per 40
}

TEST_CASE("TrainingDataSpec: SMD reads its train split; a test split is refused; others unchanged") {
  CHECK(*TrainingDataSpec("smd:../shared/datasets/smd") == "smd:../shared/datasets/smd:train");
  CHECK(*TrainingDataSpec("smd:../shared/datasets/smd:train") == "smd:../shared/datasets/smd:train");
  Result<std::string> test = TrainingDataSpec("smd:../shared/datasets/smd:test");
  REQUIRE_FALSE(test.ok());
  CHECK(test.status().code() == StatusCode::kInvalidArgument);
  CHECK(test.status().message().find("smd:../shared/datasets/smd:test") != std::string::npos);
  CHECK(test.status().message().find("never reads a test split") != std::string::npos);
  // A split the SMD reader does not know (a typo) is refused as the reader refuses it, not read as
  // a folder `PATH:tset/train` (a NotFound, exit 1, that hid the typo); so is an SMD spec without a
  // path, which would read a folder `train` in the working directory.
  for (const char* bad : {"smd:../shared/datasets/smd:tset", "smd:../shared/datasets/smd:", "smd:"}) {
    CAPTURE(bad);
    Result<std::string> r = TrainingDataSpec(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK(r.status().message().find(std::string("--data ") + bad + ": ") == 0);
  }
  CHECK(TrainingDataSpec("smd:../shared/datasets/smd:tset").status().message().find("got `tset`") !=
        std::string::npos);
  CHECK(*TrainingDataSpec("kpi:../shared/datasets/kpi/train") == "kpi:../shared/datasets/kpi/train");
  CHECK(*TrainingDataSpec("nab:../shared/datasets/nab") == "nab:../shared/datasets/nab");
  CHECK(*TrainingDataSpec("csv:/tmp/x.csv") == "csv:/tmp/x.csv");
  // The SMD reader with the spec it returns reads train/ (unlabeled), not test/.
  ReadOptions ro;
  ro.max_series = 1;
  ro.max_points = 10;
  Result<Dataset> ds = ReadDataset(*TrainingDataSpec("smd:../shared/datasets/smd"), ro);
  REQUIRE(ds.ok());
  REQUIRE_FALSE(ds->series.empty());
  CHECK_FALSE(ds->series[0].has_anomaly_labels());
}


// One labeled series of `normal` values followed by `tail` values with their labels (one point a
// minute), and the feature values a fit sees: the values themselves.
TimeSeries Feature1(const std::vector<double>& normal, const std::vector<std::pair<double, uint8_t>>& tail) {
  TimeSeries ts;
  ts.name = "f";
  for (double v : normal) {
    ts.values.push_back(v);
    ts.anomaly_labels.push_back(0);
  }
  for (const auto& [v, label] : tail) {
    ts.values.push_back(v);
    ts.anomaly_labels.push_back(label);
  }
  for (size_t i = 0; i < ts.values.size(); ++i) ts.timestamps_ms.push_back(static_cast<int64_t>(i) * 60'000);
  return ts;
}

TEST_CASE("labeled fit: among cuts of equal training F1 the threshold is the middle of their interval") {
  std::vector<double> normal;  // 0 .. 3.97: the training part's normal values (a spread <= 4)
  for (int k = 0; k <= 100; ++k) normal.push_back(3.97 * ((k * 37) % 101) / 100.0);
  SUBCASE("two spikes: any cut in [3.97, 20) separates them; the middle, not the top normal value") {
    const TimeSeries ts = Feature1(normal, {{20, 1}, {1, 0}, {21, 1}, {2, 0}});
    Result<LabeledThreshold> fit = FitLabeledThreshold({ts.values}, {ts}, false, Objective::kPoint, 7);
    REQUIRE(fit.ok());
    CHECK(fit->train_f1 == 1.0);
    CHECK(fit->threshold == doctest::Approx((3.97 + 20) / 2));
    // Mirrored for a feature that fires below its threshold.
    TimeSeries neg = ts;
    for (double& v : neg.values) v = -v;
    Result<LabeledThreshold> low = FitLabeledThreshold({neg.values}, {neg}, true, Objective::kPoint, 7);
    REQUIRE(low.ok());
    CHECK(low->train_f1 == 1.0);
    CHECK(low->threshold == doctest::Approx(-(3.97 + 20) / 2));
  }
  SUBCASE("point-adjusted: one point of a segment is enough, so the interval reaches its top point") {
    const TimeSeries ts = Feature1(normal, {{20, 1}, {5, 1}, {30, 1}, {1, 0}});
    Result<LabeledThreshold> fit =
        FitLabeledThreshold({ts.values}, {ts}, false, Objective::kPointAdjusted, 7);
    REQUIRE(fit.ok());
    CHECK(fit->train_f1 == 1.0);
    CHECK(fit->threshold == doctest::Approx((3.97 + 30) / 2));
  }
  SUBCASE("equal F1 from different points, worse in between: the gap above the lowest best cut") {
    // Above the normal values: 5 (anomaly), 6 (normal), 25 (normal), 30 (anomaly). Cut 3.97 flags
    // all four (tp 2, fp 2: F1 2/3), cut 25 flags 30 alone (tp 1, fn 1: F1 2/3); the middle of
    // [3.97, 30), 16.985, flags 25 and 30 (F1 1/2), so the margin goes to the gap (3.97, 5).
    const TimeSeries ts = Feature1(normal, {{5, 1}, {6, 0}, {25, 0}, {30, 1}});
    Result<LabeledThreshold> fit = FitLabeledThreshold({ts.values}, {ts}, false, Objective::kPoint, 7);
    REQUIRE(fit.ok());
    CHECK(fit->train_f1 == doctest::Approx(2.0 / 3));
    CHECK(fit->threshold == doctest::Approx((3.97 + 5) / 2));
  }
}

}  // namespace
}  // namespace vigil
