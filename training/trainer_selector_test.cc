// What a trained rule selects: the unit's own labels, not the scrape's volatile ones (WALKT,
// 2026-12-04). Rules trained from Prometheus history used to pin `instance` (and the exporter's
// pod, service, ...), so after the exporter pod restarted on another address they selected nothing.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>

#include "core/json.h"
#include "detectors/engine.h"
#include "rules/compiler.h"
#include "training/builtin_proposer.h"
#include "training/trainer.h"

namespace vigil {
namespace {

// A GPU temperature as dcgm-exporter exports it behind Kubernetes service discovery: the unit's
// labels (Hostname, gpu, UUID, modelName), the scrape's job, and the exporter pod's volatile ones.
// Noise around 60 C with a +25 C spike every 97 points from `first`, labeled.
TimeSeries DcgmTemp(const std::string& host, const std::string& gpu, const std::string& address,
                    const std::string& pod, int first) {
  TimeSeries ts;
  ts.name = "DCGM_FI_DEV_GPU_TEMP";
  ts.labels = {{"Hostname", host},
               {"gpu", gpu},
               {"UUID", "GPU-" + host + "-" + gpu},
               {"modelName", "NVIDIA H200"},
               {"job", "dcgm-exporter"},
               {"instance", address + ":9400"},
               {"pod", pod},
               {"container", "nvidia-dcgm-exporter"},
               {"endpoint", "gpu-metrics"},
               {"service", "nvidia-dcgm-exporter"},
               {"namespace", "gpu-operator"}};
  for (int i = 0; i < 1600; ++i) {
    ts.timestamps_ms.push_back(int64_t{i} * 60'000);
    const bool spike = i >= first && (i - first) % 97 == 0;
    ts.values.push_back(60 + ((i * 37 + first) % 11) * 0.3 + (spike ? 25 : 0));
    ts.anomaly_labels.push_back(spike ? 1 : 0);
  }
  return ts;
}

Result<TrainingRun> Train(const std::vector<TimeSeries>& history) {
  BuiltinProposer proposer;
  TrainerOptions opts;
  opts.objective = Objective::kPoint;
  return TrainRules(history, {}, proposer, opts);
}

// One-for-all over `history` (`groups` as Dataset::groups; empty: by metric name).
Result<TrainingRun> TrainOneForAll(const std::vector<TimeSeries>& history,
                                   const std::map<std::string, std::vector<size_t>>& groups = {}) {
  BuiltinProposer proposer;
  TrainerOptions opts;
  opts.mode = TrainMode::kOneForAll;
  opts.objective = Objective::kPoint;
  return TrainRules(history, groups, proposer, opts);
}

// The flags of all the run's rules (compiled together) over `series`.
std::vector<std::vector<uint8_t>> FlagsOf(const TrainingRun& run, const std::vector<TimeSeries>& series) {
  Result<CompiledRules> all = CompileRules(run.CombinedRules(), "all.rules");
  REQUIRE(all.ok());
  Result<BatchResult> r = EvaluateBatch(*all, series);
  REQUIRE(r.ok());
  return r->flags;
}

TEST_CASE("trainer: DCGM rules select the GPU, not the exporter's instance / pod, and still run after it moves") {
  std::vector<TimeSeries> history = {DcgmTemp("node-a", "0", "10.0.0.11", "dcgm-x7k2p", 40),
                                     DcgmTemp("node-a", "1", "10.0.0.11", "dcgm-x7k2p", 45),
                                     DcgmTemp("node-b", "0", "10.0.0.12", "dcgm-q9w4r", 50)};
  Result<TrainingRun> run = Train(history);
  REQUIRE(run.ok());
  REQUIRE(run->targets.size() == 3);
  const TrainedTarget& t = run->targets[0];
  REQUIRE(t.status.ok());
  REQUIRE_FALSE(t.rule_text.empty());
  CHECK(t.selector ==
        "DCGM_FI_DEV_GPU_TEMP{Hostname=\"node-a\", UUID=\"GPU-node-a-0\", gpu=\"0\", job=\"dcgm-exporter\", "
        "modelName=\"NVIDIA H200\"}");
  for (const char* scrape : {"instance", "pod", "container", "endpoint", "service", "namespace"}) {
    INFO(scrape);
    CHECK(t.rule_text.find(std::string(scrape) + "=") == std::string::npos);
  }
  // Named after what it selects: no address or pod in the target, file or rule names.
  CHECK(t.target.find("instance") == std::string::npos);
  CHECK(t.target.find("Hostname") != std::string::npos);
  CHECK(t.file_stem.find("10_0_0_11") == std::string::npos);
  CHECK(t.file_stem.find("x7k2p") == std::string::npos);
  INFO(t.selector_note);
  CHECK(t.selector_note.find("left container=\"nvidia-dcgm-exporter\", endpoint=\"gpu-metrics\", instance=\"10.0.0.11:9400\", "
                             "namespace=\"gpu-operator\", pod=\"dcgm-x7k2p\", service=\"nvidia-dcgm-exporter\" out of the "
                             "select: scrape labels that change when the exporter restarts or moves") == 0);
  CHECK(t.selector_note.find("Hostname, UUID, gpu, job, modelName name the unit") != std::string::npos);

  // The exporter pods restart on other addresses: the trained rules still select every GPU, and
  // still catch the spikes (each target's rules only its own GPU).
  std::vector<TimeSeries> moved = history;
  for (TimeSeries& s : moved) {
    s.labels["instance"] = "10.0.7." + s.labels["gpu"] + ":9400";
    s.labels["pod"] = "dcgm-new-" + s.labels["Hostname"];
  }
  const std::vector<std::vector<uint8_t>> flags = FlagsOf(*run, moved);
  CHECK(flags[0][40 + 97 * 3] == 1);
  CHECK(flags[1][45 + 97 * 3] == 1);
  CHECK(flags[2][50 + 97 * 3] == 1);
  CHECK(flags[0][50 + 97 * 3] == 0);

  // The provenance says it: training.json and the rule file.
  const Json j = TrainingRunToJson(*run, "prom:x", "s");
  CHECK(j["targets"][0]["selector_note"] == t.selector_note);
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("vigil_trainer_selector_" + std::to_string(::getpid()))).string();
  std::filesystem::create_directories(dir);
  REQUIRE(WriteTargetRuleFile(*run, t, dir, "prom:x", "s").ok());
  Result<std::string> text = ReadFile(dir + "/" + t.file_stem + ".rules");
  REQUIRE(text.ok());
  CHECK(text->find("\n# select: left container=") != std::string::npos);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

TEST_CASE("trainer: instance is kept, and the note says why, when no other label names the unit") {
  // Two trainers' throughput told apart by instance only (job is the scrape job, shared).
  std::vector<TimeSeries> history = {DcgmTemp("h", "0", "10.0.0.1", "p", 40), DcgmTemp("h", "0", "10.0.0.2", "p", 45)};
  for (TimeSeries& s : history) {
    s.name = "samples_per_second";
    s.labels = {{"job", "trainers"}, {"instance", s.labels["instance"]}};
  }
  Result<TrainingRun> run = Train(history);
  REQUIRE(run.ok());
  REQUIRE(run->targets.size() == 2);
  const TrainedTarget& t = run->targets[0];
  CHECK(t.selector == "samples_per_second{instance=\"10.0.0.1:9400\", job=\"trainers\"}");
  INFO(t.selector_note);
  CHECK(t.selector_note.find("kept instance in the select: no other label but the scrape's job names the unit") == 0);

  // Only instance: kept, said so.
  for (TimeSeries& s : history) s.labels.erase("job");
  run = Train(history);
  REQUIRE(run.ok());
  CHECK(run->targets[0].selector == "samples_per_second{instance=\"10.0.0.1:9400\"}");
  CHECK(run->targets[0].selector_note.find("kept instance in the select: no other label names the unit") == 0);
}

TEST_CASE("trainer: volatile labels are kept when the unit's labels would also pick another series") {
  // Two exporters on one host report the same GPU at once (a second exporter left running):
  // without instance the select would pick both series.
  std::vector<TimeSeries> history = {DcgmTemp("node-a", "0", "10.0.0.11", "dcgm-a", 40),
                                     DcgmTemp("node-a", "0", "10.0.0.12", "dcgm-b", 45)};
  Result<TrainingRun> run = Train(history);
  REQUIRE(run.ok());
  REQUIRE(run->targets.size() == 2);
  const TrainedTarget& t = run->targets[0];
  CHECK(t.selector.find("instance=\"10.0.0.11:9400\"") != std::string::npos);
  CHECK(t.selector.find("pod=\"dcgm-a\"") != std::string::npos);
  INFO(t.selector_note);
  CHECK(t.selector_note.find("kept container, endpoint, instance, namespace, pod, service in the select: without them, `DCGM_FI_DEV_GPU_TEMP{Hostname=") == 0);
  CHECK(t.selector_note.find("also selects 1 other series of the data") != std::string::npos);
  CHECK(t.selector_warning.empty());

  // Labels without any volatile one: no note (SMD, KPI, CSV data as before).
  std::vector<TimeSeries> plain = {DcgmTemp("node-a", "0", "x", "y", 40)};
  plain[0].labels = {{"kpi", "k1"}};
  run = Train(plain);
  REQUIRE(run.ok());
  CHECK(run->targets[0].selector == "DCGM_FI_DEV_GPU_TEMP{kpi=\"k1\"}");
  CHECK(run->targets[0].selector_note.empty());
}


// `s` from point `from` to `to` (exclusive), with another instance and pod: the same GPU after its
// exporter moved.
TimeSeries Fragment(const TimeSeries& s, size_t from, size_t to, const std::string& address, const std::string& pod) {
  TimeSeries f = s.SliceIndex(from, to);
  f.labels["instance"] = address + ":9400";
  f.labels["pod"] = pod;
  return f;
}

// node-a's two GPUs (spikes from points 40 and 45) whose exporter moved from 10.0.0.11 (points up
// to `old_end`) to 10.0.0.21 (from `new_start`): the old GPU 0, old GPU 1, new GPU 0, new GPU 1.
std::vector<TimeSeries> TwoGpusMoved(size_t old_end, size_t new_start) {
  const TimeSeries gpu0 = DcgmTemp("node-a", "0", "10.0.0.11", "dcgm-old", 40);
  const TimeSeries gpu1 = DcgmTemp("node-a", "1", "10.0.0.11", "dcgm-old", 45);
  return {Fragment(gpu0, 0, old_end, "10.0.0.11", "dcgm-old"), Fragment(gpu1, 0, old_end, "10.0.0.11", "dcgm-old"),
          Fragment(gpu0, new_start, 1600, "10.0.0.21", "dcgm-new"),
          Fragment(gpu1, new_start, 1600, "10.0.0.21", "dcgm-new")};
}

TEST_CASE("trainer: one GPU's series before and after its exporter moved train as one stitched target") {
  const TimeSeries gpu0 = DcgmTemp("node-a", "0", "10.0.0.11", "dcgm-old", 40);
  const TimeSeries gpu1 = DcgmTemp("node-a", "1", "10.0.0.11", "dcgm-old", 45);
  // The exporter moved at point 900 (10.0.0.11 -> 10.0.0.21); Prometheus's lookback repeated the
  // old series' last value for 3 more points (its next 3 points are the new series' first 3).
  std::vector<TimeSeries> history = TwoGpusMoved(903, 900);
  Result<TrainingRun> run = Train(history);
  REQUIRE(run.ok());
  REQUIRE(run->targets.size() == 2);
  const TrainedTarget& t = run->targets[0];
  REQUIRE(t.status.ok());
  CHECK(t.series == std::vector<size_t>{0, 2});
  CHECK(t.selector.find("instance=") == std::string::npos);
  CHECK(t.selector.find("gpu=\"0\"") != std::string::npos);
  // Its select ignores the labels that changed (DET3): run live, the next move joins its history.
  CHECK(t.selector.find(" ignoring (instance, pod)") != std::string::npos);
  INFO(t.stitch_note);
  CHECK(t.stitch_note.find("stitched from 2 series of one unit, one after another") == 0);
  CHECK(t.stitch_note.find("instance=\"10.0.0.11:9400\", pod=\"dcgm-old\" from 1970-01-01T00:00:00Z (900 points); "
                           "instance=\"10.0.0.21:9400\", pod=\"dcgm-new\" from 1970-01-01T15:00:00Z (700 points)") !=
        std::string::npos);
  CHECK(TrainingRunToJson(*run, "prom:x", "s")["targets"][0]["stitched"] == t.stitch_note);
  // Trained on the whole history: the rules catch the spikes at a third address.
  std::vector<TimeSeries> later = {Fragment(gpu0, 0, 1600, "10.0.0.31", "dcgm-3"),
                                   Fragment(gpu1, 0, 1600, "10.0.0.31", "dcgm-3")};
  const std::vector<std::vector<uint8_t>> flags = FlagsOf(*run, later);
  CHECK(flags[0][40 + 97 * 12] == 1);
  CHECK(flags[1][45 + 97 * 12] == 1);

  // A job restarted: its rank's loss under a new pod and address, trained as one series too.
  std::vector<TimeSeries> job = {Fragment(gpu0, 0, 800, "10.1.0.5", "llm-8b-0"),
                                 Fragment(gpu0, 800, 1600, "10.1.0.9", "llm-8b-0-r1")};
  for (TimeSeries& f : job) {
    f.name = "training_loss";
    f.labels = {{"job", "trainers"}, {"rank", "0"}, {"instance", f.labels["instance"]}, {"pod", f.labels["pod"]}};
  }
  run = Train(job);
  REQUIRE(run.ok());
  REQUIRE(run->targets.size() == 1);
  CHECK(run->targets[0].selector == "training_loss{job=\"trainers\", rank=\"0\"} ignoring (instance, pod)");
  CHECK(run->targets[0].stitch_note.find("stitched from 2 series") == 0);
}

TEST_CASE("trainer: one-for-all stitches an exporter that moved too: one member per GPU, the newer fragment kept") {
  // DET (2026-12-04): one-for-all did not stitch. The exporter moved 18 points before the history
  // ended: each GPU's newer fragment was a member of its own, left out for too little history (and
  // with more history it was a second member for the same GPU).
  std::vector<TimeSeries> history = TwoGpusMoved(1584, 1582);
  Result<TrainingRun> run = TrainOneForAll(history);
  REQUIRE(run.ok());
  REQUIRE(run->targets.size() == 1);
  const TrainedTarget& t = run->targets[0];
  REQUIRE(t.status.ok());
  CHECK(run->left_out.empty());
  CHECK(t.series == std::vector<size_t>{0, 1, 2, 3});
  INFO(t.stitch_note);
  CHECK(t.stitch_note.find("gpu=\"0\"") != std::string::npos);
  CHECK(t.stitch_note.find("stitched from 2 series of one unit, one after another") != std::string::npos);
  CHECK(t.stitch_note.find(" | DCGM_FI_DEV_GPU_TEMP{") != std::string::npos);  // both GPUs named
  CHECK(t.selector.find("instance=") == std::string::npos);
  // Its select ignores the labels that changed within a GPU's unit, as a one-for-one target's
  // (DET4): run live, a GPU's next pod or address joins its history.
  CHECK(t.selector ==
        "DCGM_FI_DEV_GPU_TEMP{Hostname=\"node-a\", job=\"dcgm-exporter\", modelName=\"NVIDIA H200\"} ignoring (instance, pod)");
  // The group's reader-given members (groups) are stitched the same way.
  run = TrainOneForAll(history, {{"node-a", {0, 1, 2, 3}}});
  REQUIRE(run.ok());
  CHECK(run->left_out.empty());
  CHECK(run->targets[0].stitch_note.find("stitched from 2 series") != std::string::npos);
  CHECK(run->targets[0].selector.find(" ignoring (instance, pod)") != std::string::npos);
  // Nothing moved: no `ignoring`.
  run = TrainOneForAll({DcgmTemp("node-a", "0", "10.0.0.11", "dcgm-old", 40), DcgmTemp("node-a", "1", "10.0.0.11", "dcgm-old", 45)});
  REQUIRE(run.ok());
  REQUIRE(run->targets.size() == 1);
  CHECK(run->targets[0].selector.find("ignoring") == std::string::npos);
}

TEST_CASE("trainer: a GPU whose job's pod label goes away (dcgm-exporter's pod mapping) trains as one series") {
  const TimeSeries gpu0 = DcgmTemp("node-a", "0", "10.0.0.11", "x", 40);
  TimeSeries busy = gpu0.SliceIndex(0, 1000), idle = gpu0.SliceIndex(1000, 1600);
  busy.labels = idle.labels = {{"Hostname", "node-a"}, {"gpu", "0"}, {"UUID", "GPU-node-a-0"}};
  busy.labels["pod"] = "llm-8b-worker-3";
  busy.labels["namespace"] = "team-a";
  Result<TrainingRun> run = Train({busy, idle});
  REQUIRE(run.ok());
  REQUIRE(run->targets.size() == 1);
  CHECK(run->targets[0].selector ==
        "DCGM_FI_DEV_GPU_TEMP{Hostname=\"node-a\", UUID=\"GPU-node-a-0\", gpu=\"0\"} ignoring (namespace, pod)");
  INFO(run->targets[0].stitch_note);
  CHECK(run->targets[0].stitch_note.find("namespace=\"team-a\", pod=\"llm-8b-worker-3\" from 1970-01-01T00:00:00Z (1000 "
                                         "points); without those labels from 1970-01-01T16:40:00Z (600 points)") !=
        std::string::npos);
}

TEST_CASE("trainer: two series of one GPU that overlap longer than Prometheus's lookback are not stitched") {
  const TimeSeries gpu0 = DcgmTemp("node-a", "0", "10.0.0.11", "dcgm-old", 40);
  // 10 minutes of overlap: two exporters at once, not one that moved.
  std::vector<TimeSeries> history = {Fragment(gpu0, 0, 910, "10.0.0.11", "dcgm-old"),
                                     Fragment(gpu0, 900, 1600, "10.0.0.21", "dcgm-new")};
  Result<TrainingRun> run = Train(history);
  REQUIRE(run.ok());
  REQUIRE(run->targets.size() == 2);
  CHECK(run->targets[0].stitch_note.empty());
  CHECK(run->targets[0].selector.find("instance=\"10.0.0.11:9400\"") != std::string::npos);
  CHECK(run->targets[0].selector_note.find("also selects 1 other series of the data") != std::string::npos);
}

TEST_CASE("trainer: a time-sliced GPU reported once per pod at once trains as one target that ignores the pod") {
  // DET (2026-12-04): a GPU shared by two pods (time-slicing): dcgm-exporter's pod mapping gives
  // one series per pod, with the same reading. Before: two targets, each select keeping
  // pod="train-a" / "train-b" (the other series "also selected" without it), so once those pods
  // ended the GPU's rules selected nothing, and the same readings trained two rule files.
  const TimeSeries gpu0 = DcgmTemp("node-a", "0", "10.0.0.11", "x", 40);
  std::vector<TimeSeries> history;
  for (const char* pod : {"train-a", "train-b"}) {
    TimeSeries s = gpu0.SliceIndex(0, 1200);
    s.labels = {{"Hostname", "node-a"}, {"gpu", "0"},           {"UUID", "GPU-node-a-0"},
                {"job", "dcgm-exporter"}, {"instance", "10.0.0.11:9400"}, {"pod", pod}, {"namespace", "team-a"}};
    history.push_back(s);
  }
  history[1] = history[1].SliceIndex(100, 1200);  // train-b started later
  Result<TrainingRun> run = Train(history);
  REQUIRE(run.ok());
  REQUIRE(run->targets.size() == 1);
  const TrainedTarget& t = run->targets[0];
  REQUIRE(t.status.ok());
  CHECK(t.series == std::vector<size_t>{0, 1});
  CHECK(t.selector ==
        "DCGM_FI_DEV_GPU_TEMP{Hostname=\"node-a\", UUID=\"GPU-node-a-0\", gpu=\"0\", job=\"dcgm-exporter\"} "
        "ignoring (namespace, pod)");
  INFO(t.stitch_note);
  CHECK(t.stitch_note.find("merged from 2 series of one unit reported at once with the same readings (a "
                           "time-sliced or shared GPU") == 0);
  CHECK(t.stitch_note.find("pod=\"train-a\" (1200 points from 1970-01-01T00:00:00Z); pod=\"train-b\" (1100 points") !=
        std::string::npos);
  CHECK(t.stitch_note.find("its select ignores (namespace, pod)") != std::string::npos);
  REQUIRE(t.best);
  // The rules watch the GPU under the next pod, in another namespace: its spikes are flagged.
  TimeSeries later = gpu0.SliceIndex(0, 1600);
  later.labels = history[0].labels;
  later.labels["pod"] = "eval-c";
  later.labels["namespace"] = "team-b";
  const std::vector<std::vector<uint8_t>> flags = FlagsOf(*run, {later});
  CHECK(flags[0][40 + 97 * 14] == 1);

  // Different readings at shared times (two GPUs that happen to share the unit labels): apart.
  history[1].values[500] += 1;
  run = Train(history);
  REQUIRE(run.ok());
  CHECK(run->targets.size() == 2);
}

TEST_CASE("trainer: a series with under 20 training points is left out, named with how much history it had") {
  // WALKT's walk: node-c's GPU appeared 20 points before the history ended and trained on 15
  // points (the minimum is 20 per series), without a word.
  const TimeSeries node_c = DcgmTemp("node-c", "0", "10.0.0.13", "dcgm-c", 40).SliceIndex(1580, 1600);
  const TimeSeries node_d = DcgmTemp("node-d", "0", "10.0.0.14", "dcgm-d", 40).SliceIndex(1573, 1600);
  std::vector<TimeSeries> history = {DcgmTemp("node-a", "0", "10.0.0.11", "dcgm-a", 40), node_c, node_d};
  Result<TrainingRun> run = Train(history);
  REQUIRE(run.ok());
  // node-d: 27 points, 7 in the validation tail, 20 to train on: trained.
  REQUIRE(run->targets.size() == 2);
  for (const TrainedTarget& t : run->targets) CHECK(t.target.find("node-c") == std::string::npos);
  REQUIRE(run->left_out.size() == 1);
  CHECK(run->left_out[0].series == node_c.id());
  CHECK(run->left_out[0].points == 20);
  CHECK(run->left_out[0].training_points == 15);
  const std::string summary = LeftOutSummary(*run);
  CHECK(summary.find("1 series left out for too little history (a series needs 20 training points") == 0);
  CHECK(summary.find("Hostname=\"node-c\"") != std::string::npos);
  CHECK(summary.find("(20 points, 15 before the validation tail)") != std::string::npos);
  const Json j = TrainingRunToJson(*run, "prom:x", "s");
  REQUIRE(j["left_out"].size() == 1);
  CHECK(j["left_out"][0]["points"] == 20);
  CHECK(j["left_out"][0]["training_points"] == 15);
  CHECK(j["left_out"][0]["needs_training_points"] == 20);
  CHECK(LeftOutSummary(*Train({history[0]})).empty());

  // One-for-all: the short member is left out of the training data, its select still picks it.
  Result<TrainingRun> group = TrainOneForAll(history);
  REQUIRE(group.ok());
  REQUIRE(group->targets.size() == 1);
  CHECK(group->targets[0].status.ok());
  CHECK(group->targets[0].series.size() == 2);
  REQUIRE(group->left_out.size() == 1);
  CHECK(group->left_out[0].series == node_c.id());
  CHECK(group->left_out[0].target == "DCGM_FI_DEV_GPU_TEMP");
  CHECK(group->targets[0].selector.find("Hostname") == std::string::npos);  // the select still picks node-c
  CHECK(LeftOutSummary(*group).find(", target DCGM_FI_DEV_GPU_TEMP)") != std::string::npos);
}

}  // namespace
}  // namespace vigil
