// TrainRules: rule names unique across a run's files, and a stop that cuts the target in progress
// short (issue 4's loose ends 3 and 1). A fake proposer writes fixed rule text per target, so the
// names are known in advance.
#include <doctest/doctest.h>

#include <algorithm>
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

// A `value_high` rule on the target's metric for any target.
class AnyTargetProposer : public RuleProposer {
 public:
  std::string_view name() const override { return "any"; }
  Result<std::vector<RuleCandidate>> Propose(const TrainingData& data, RuleEvaluator&,
                                             const ProposeOptions&) override {
    RuleCandidate c;
    c.text = Rule("value_high", data.selector);
    c.rationale = "fixed";
    return std::vector<RuleCandidate>{c};
  }
};

TimeSeries Gpu(const std::string& host, const std::string& gpu, const std::string& uuid) {
  TimeSeries ts = Flat("DCGM_FI_DEV_GPU_TEMP", 200);
  ts.labels = {{"Hostname", host}, {"gpu", gpu},     {"UUID", uuid},
               {"modelName", "NVIDIA H200"}, {"job", "dcgm-exporter"}, {"device", "nvidia" + gpu}};
  return ts;
}

std::map<std::string, std::string> RuleNameBySelect(const TrainingRun& run) {
  std::map<std::string, std::string> by;  // target -> its one rule's name
  for (const TrainedTarget& t : run.targets) {
    const std::set<std::string> names = RuleNames(t.rule_text);
    REQUIRE(names.size() == 1);
    by[t.target] = *names.begin();
  }
  return by;
}

TEST_CASE("trainer: one-for-one rule names are the metric and the labels that tell the unit apart") {
  // Before (WALKT's walk), a DCGM GPU's rules were named after every label:
  // DCGM_FI_DEV_GPU_TEMP_Hostname__node_a__UUID__GPU_5f1c_0__gpu__0__job__dcgm_exporter__modelName__NVIDIA_H200___value_high.
  AnyTargetProposer p;
  std::vector<TimeSeries> history = {Gpu("node-a", "0", "GPU-5f1c-0"), Gpu("node-a", "1", "GPU-5f1c-1"),
                                     Gpu("node-b", "0", "GPU-77aa-0")};
  std::vector<std::map<std::string, std::string>> runs;
  for (bool reversed : {false, true}) {
    CAPTURE(reversed);
    if (reversed) std::reverse(history.begin(), history.end());
    Result<TrainingRun> run = TrainRules(history, {}, p, TrainerOptions{});
    REQUIRE(run.ok());
    REQUIRE(run->targets.size() == 3);
    INFO(run->CombinedRules());
    CHECK(RuleNames(run->CombinedRules()) ==
          std::set<std::string>{"DCGM_FI_DEV_GPU_TEMP_Hostname_node_a_gpu_0_value_high",
                                "DCGM_FI_DEV_GPU_TEMP_Hostname_node_a_gpu_1_value_high",
                                "DCGM_FI_DEV_GPU_TEMP_Hostname_node_b_gpu_0_value_high"});
    for (const TrainedTarget& t : run->targets) {
      // The file is named as the rules; the target (training.json, the header) and the select
      // keep every label.
      CHECK(t.rule_prefix == t.file_stem);
      CHECK(t.target.find("UUID=") != std::string::npos);
      CHECK(t.selector.find("modelName=\"NVIDIA H200\"") != std::string::npos);
      CHECK(t.rule_text.find("select " + t.selector) != std::string::npos);
    }
    runs.push_back(RuleNameBySelect(*run));
  }
  CHECK(runs[0] == runs[1]);  // the same names whatever the order of the series

  // One host's GPUs (WALKT's e2e trained node-a only): the host is still named, so an incident
  // says which machine (was DCGM_FI_DEV_GPU_TEMP_gpu_0_value_high with the host left out).
  Result<TrainingRun> one_host = TrainRules({Gpu("node-a", "0", "GPU-1"), Gpu("node-a", "1", "GPU-2")}, {}, p, TrainerOptions{});
  REQUIRE(one_host.ok());
  CHECK(RuleNames(one_host->CombinedRules()) ==
        std::set<std::string>{"DCGM_FI_DEV_GPU_TEMP_Hostname_node_a_gpu_0_value_high",
                              "DCGM_FI_DEV_GPU_TEMP_Hostname_node_a_gpu_1_value_high"});

  // Told apart only by the UUID (one host's GPUs without a gpu label): the host and the UUID name them.
  std::vector<TimeSeries> by_uuid = {Gpu("node-a", "0", "GPU-1"), Gpu("node-a", "0", "GPU-2")};
  for (TimeSeries& s : by_uuid) s.labels.erase("device");
  Result<TrainingRun> uuid_run = TrainRules(by_uuid, {}, p, TrainerOptions{});
  REQUIRE(uuid_run.ok());
  CHECK(RuleNames(uuid_run->CombinedRules()) ==
        std::set<std::string>{"DCGM_FI_DEV_GPU_TEMP_Hostname_node_a_UUID_GPU_1_value_high",
                              "DCGM_FI_DEV_GPU_TEMP_Hostname_node_a_UUID_GPU_2_value_high"});

  // Host names that read alike once made identifiers (node-a, node.a): each gets 8 hex digits of a
  // hash of its readable name, so both stay and the files combine.
  Result<TrainingRun> clash = TrainRules({Gpu("node-a", "0", "GPU-1"), Gpu("node.a", "0", "GPU-2")}, {}, p, TrainerOptions{});
  REQUIRE(clash.ok());
  const std::set<std::string> names = RuleNames(clash->CombinedRules());
  CHECK(names.size() == 2);
  for (const std::string& n : names) {
    CHECK(n.starts_with("DCGM_FI_DEV_GPU_TEMP_Hostname_node_a_"));
    CHECK(n.ends_with("_value_high"));
  }
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
