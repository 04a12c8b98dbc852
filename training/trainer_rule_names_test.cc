// TrainRules: rule names unique across a run's files, and a stop that cuts the target in progress
// short (issue 4's loose ends 3 and 1). A fake proposer writes fixed rule text per target, so the
// names are known in advance.
#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "connectors/http_client.h"
#include "rules/compiler.h"
#include "training/builtin_proposer.h"
#include "training/trainer.h"

namespace vigil {
namespace {

TimeSeries Flat(const std::string& name, int n) {
  TimeSeries ts;
  ts.name = name;
  ts.labels = {{"job", name}};
  for (int i = 0; i < n; ++i) {
    ts.timestamps_ms.push_back(int64_t{i} * 60'000);
    ts.values.push_back(100 + (i * 37) % 11);
  }
  return ts;
}

// Returns the rule text `rules[target]` as its one candidate; `before` runs first (may fail).
class FixedProposer : public RuleProposer {
 public:
  std::map<std::string, std::string> rules;
  std::function<Status(const TrainingData&, const ProposeOptions&)> before;
  std::string_view name() const override { return "fixed"; }
  Result<std::vector<RuleCandidate>> Propose(const TrainingData& data, RuleEvaluator&,
                                             const ProposeOptions& options) override {
    if (before) RETURN_IF_ERROR(before(data, options));
    RuleCandidate c;
    c.text = rules.at(data.target);
    c.rationale = "fixed";
    return std::vector<RuleCandidate>{c};
  }
};

std::string Rule(const std::string& name, const std::string& metric) {
  return "rule " + name + " {\n  select " + metric + "\n  when value > 1000\n}\n";
}

std::set<std::string> RuleNames(const std::string& text) {
  Result<CompiledRules> compiled = CompileRules(text, "combined.rules");
  REQUIRE_MESSAGE(compiled.ok(), compiled.status().message());
  std::set<std::string> names;
  for (const RulePlan& r : compiled->rules) names.insert(r.name);
  return names;
}

TEST_CASE("trainer: rule names are unique across the run's files (T and T_value_low_and)") {
  // Rule names are the file stem + `_` + the proposer's name: `T` + `value_low_and_x` and
  // `T_value_low_and` + `x` were both `T_value_low_and_x`, in two files, so the files could not
  // be combined (CombinedRules, `cat *.rules`: "duplicate rule name").
  FixedProposer p;
  p.rules = {{"T", Rule("value_low_and_x", "T")}, {"T_value_low_and", Rule("x", "T_value_low_and")}};
  std::vector<std::string> t_names;  // T's rule name in each order
  for (bool reversed : {false, true}) {
    CAPTURE(reversed);
    std::vector<TimeSeries> history = {Flat("T", 200), Flat("T_value_low_and", 200)};
    if (reversed) std::swap(history[0], history[1]);
    Result<TrainingRun> run = TrainRules(history, {}, p, TrainerOptions{});
    REQUIRE(run.ok());
    REQUIRE(run->targets.size() == 2);
    std::map<std::string, const TrainedTarget*> by;
    for (const TrainedTarget& t : run->targets) by[t.target] = &t;
    // The file names stay as they were (they do not collide).
    CHECK(by["T"]->file_stem == "T");
    CHECK(by["T_value_low_and"]->file_stem == "T_value_low_and");
    const std::set<std::string> names = RuleNames(run->CombinedRules());
    CHECK(names.size() == 2);
    // The longer stem keeps its plain prefix; the one that starts the other's gets the hash.
    CHECK(names.count("T_value_low_and_x") == 1);
    CHECK(RuleNames(by["T"]->rule_text).begin()->starts_with("T_"));
    CHECK(*RuleNames(by["T"]->rule_text).begin() != "T_value_low_and_x");
    t_names.push_back(*RuleNames(by["T"]->rule_text).begin());
  }
  CHECK(t_names[0] == t_names[1]);  // the same names whatever the order of the targets
  // No other stem starts with `cpu_`: `cpu` keeps the plain prefix.
  p.rules = {{"cpu", Rule("spike", "cpu")}, {"mem", Rule("spike", "mem")}};
  Result<TrainingRun> plain = TrainRules({Flat("cpu", 200), Flat("mem", 200)}, {}, p, TrainerOptions{});
  REQUIRE(plain.ok());
  CHECK(RuleNames(plain->CombinedRules()) == std::set<std::string>{"cpu_spike", "mem_spike"});
}

TEST_CASE("trainer: a stop during a target cuts it short: not completed, no rules, no target_done") {
  FixedProposer p;
  p.rules = {{"a", Rule("spike", "a")}, {"b", Rule("spike", "b")}, {"c", Rule("spike", "c")}};
  bool stop = false;
  // As a SIGINT arriving while target b's proposer runs: it sees the stop and gives up.
  p.before = [&](const TrainingData& data, const ProposeOptions& options) {
    if (data.target != "b") return Status::Ok();
    stop = true;
    REQUIRE(options.stop);
    return options.stop() ? CancelledError("stopped") : Status::Ok();
  };
  TrainerOptions opts;
  opts.stop = [&] { return stop; };
  std::vector<std::string> done;
  opts.target_done = [&](const TrainingRun&, const TrainedTarget& t) {
    done.push_back(t.target);
    return Status::Ok();
  };
  Result<TrainingRun> run = TrainRules({Flat("a", 200), Flat("b", 200), Flat("c", 200)}, {}, p, opts);
  REQUIRE(run.ok());
  CHECK(run->interrupted);
  CHECK(run->targets_planned == 3);
  REQUIRE(run->targets.size() == 2);
  CHECK(done == std::vector<std::string>{"a"});
  CHECK_FALSE(run->targets[0].interrupted);
  CHECK_FALSE(run->targets[0].rule_text.empty());
  const TrainedTarget& b = run->targets[1];
  CHECK(b.interrupted);
  CHECK(b.rule_text.empty());
  CHECK_FALSE(b.best.has_value());
  CHECK(IsCancelled(b.status));
  const Json j = TrainingRunToJson(*run, "csv:x", "s");
  CHECK(j["complete"] == false);
  CHECK(j["targets"][1]["completed"] == false);
  CHECK(j["targets"][1]["rule_file"].is_null());
  CHECK_FALSE(j["targets"][0].contains("completed"));

  // A proposer that does not poll the stop finishes its target: kept, and no further one starts.
  stop = false;
  done.clear();
  p.before = [&](const TrainingData& data, const ProposeOptions&) {
    if (data.target == "b") stop = true;
    return Status::Ok();
  };
  Result<TrainingRun> kept = TrainRules({Flat("a", 200), Flat("b", 200), Flat("c", 200)}, {}, p, opts);
  REQUIRE(kept.ok());
  CHECK(kept->interrupted);
  REQUIRE(kept->targets.size() == 2);
  CHECK_FALSE(kept->targets[1].interrupted);
  CHECK_FALSE(kept->targets[1].rule_text.empty());
  CHECK(done == std::vector<std::string>{"a", "b"});
}

TEST_CASE("builtin proposer: a stop between its steps cuts the target short") {
  // Before, the builtin proposer did not poll ProposeOptions::stop: its target ran to the end.
  BuiltinProposer builtin;
  int ticks = 0;
  TrainerOptions opts;
  opts.progress = [&](size_t, size_t, const std::string&, int, int) { ++ticks; };
  opts.stop = [&] { return ticks >= 3; };  // as a signal after the third fitted feature
  Result<TrainingRun> run = TrainRules({Flat("a", 400), Flat("b", 400)}, {}, builtin, opts);
  REQUIRE(run.ok());
  CHECK(run->interrupted);
  REQUIRE(run->targets.size() == 1);
  CHECK(run->targets[0].interrupted);
  CHECK(run->targets[0].rule_text.empty());
  CHECK(IsCancelled(run->targets[0].status));
  CHECK(ticks == 3);
}

}  // namespace
}  // namespace vigil
