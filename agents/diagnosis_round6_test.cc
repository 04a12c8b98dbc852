// Round-6 tests of the built-in reasoner and the diagnosis agent: probes on the nodes the case's
// telemetry names when nothing is solid, a rank's timing compared with its peers' in one line, data
// wait against compute time, repeated lines whose readings grow several-fold searched in the KB,
// and at most one intrusive probe per GPU per wave (two in round 6).
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <set>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "probes/catalog.h"

namespace vigil {
namespace {

using testing::RecordedExecutor;

// Two nodes x 8 GPUs; the alert fires on node-1 (where rank 0 logs) and names no fault.
Json Round6Case(Json logs, Json metrics) {
  return Json{{"id", "r6"},
              {"alert", {{"labels", {{"alertname", "StepTimeHigh"}, {"job", "llm"}, {"node", "node-1"}}},
                         {"annotations", {{"summary", "step time 1.3x baseline"}}},
                         {"startsAt", "2026-03-18T22:20:00Z"}}},
              {"topology", {{"nodes", {"node-1", "node-2"}}, {"gpus_per_node", 8}}},
              {"logs", std::move(logs)},
              {"metrics", std::move(metrics)},
              {"probes", Json::object()},
              {"expected", {{"root_cause", "straggler_rank"}, {"component", "node-2"}}}};
}

KnowledgeFacts Round6Facts() {
  KnowledgeFacts f;
  f.categories = {"straggler_rank", "gpu_thermal_throttle", "gpu_power_throttle", "dataloader_stall"};
  f.layers = {{"straggler_rank", "performance"}, {"gpu_thermal_throttle", "gpu"},
              {"gpu_power_throttle", "gpu"}, {"dataloader_stall", "data"}};
  return f;
}

Json Logs(std::vector<std::string> lines) {
  return Json::array({{{"source", "node-1/rank0/stdout"}, {"lines", std::move(lines)}}});
}

// Flat GPU-utilisation series of every GPU of `node` (no GPU behind its peers).
Json FlatUtil(const std::string& node) {
  Json out = Json::array();
  for (int g = 0; g < 8; ++g) {
    Json samples = Json::array();
    for (int k = 0; k < 12; ++k) samples.push_back({1773871000000 + k * 30000, 90 + (k + g) % 5});
    out.push_back({{"name", "DCGM_FI_DEV_GPU_UTIL"}, {"labels", {{"Hostname", node}, {"gpu", std::to_string(g)}}},
                   {"samples", samples}});
  }
  return out;
}

Diagnosis Run(const Json& j, ProbeExecutor* ex = nullptr, bool intrusive = false) {
  auto c = ParseCase(j, "r6.json");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  ReasonerOptions o;
  o.allow_intrusive = intrusive;
  return BuiltinReasoner(o).Diagnose(*c, Round6Facts(), ex).diagnosis;
}

TEST_CASE("round 6: a line comparing one rank's time with its peers' locates the slow rank") {
  Diagnosis slow = Run(Round6Case(
      Logs({"[Rank 0] time (ms) | fwd: 611.2 | bwd: 1310.7 | step: 2298.1",
            "[Rank 0] rank 10 optimizer_step 1991 ms, others 655-702 ms"}),
      Json::array()));
  CHECK(slow.root_cause == "straggler_rank");
  CHECK(slow.component == "node-2/gpu2");  // rank 10 -> nodes[1], local GPU 2
  Diagnosis median = Run(Round6Case(Logs({"allreduce wait: rank 3 840.0 ms vs median 410.5 ms"}), Json::array()));
  CHECK(median.root_cause == "straggler_rank");
  CHECK(median.component == "node-1/gpu3");
  Diagnosis dist = Run(Round6Case(Logs({"per-rank fwd+bwd ms: p50 1712, max 2331 (rank 10), min 1690 (rank 4)"}),
                                  Json::array()));
  CHECK(dist.root_cause == "straggler_rank");
  CHECK(dist.component == "node-2/gpu2");
  Json ratio = Round6Case(Logs({"step 100 loss 2.1"}), Json::array());
  ratio["alert"]["annotations"]["summary"] = "rank 13 step time p50 1.36x of job median for 45m";
  Diagnosis by_ratio = Run(ratio);
  CHECK(by_ratio.root_cause == "straggler_rank");
  CHECK(by_ratio.component == "node-2/gpu5");
  ratio["alert"]["annotations"]["summary"] = "rank 13 step time p50 1.05x of job median";
  CHECK(Run(ratio).root_cause == "unknown");
  CHECK(Run(Round6Case(Logs({"per-rank fwd+bwd ms: p50 1712, max 1760 (rank 10)"}), Json::array())).root_cause ==
        "unknown");
  // Within the spread of its peers: nothing is slow.
  Diagnosis even = Run(Round6Case(Logs({"rank 10 optimizer_step 720 ms, others 655-702 ms"}), Json::array()));
  CHECK(even.root_cause == "unknown");
}

TEST_CASE("round 6: data wait printed beside compute time (not the step) is an input-bound share") {
  Diagnosis stalled = Run(Round6Case(
      Logs({"timer | last 200 steps: data_time p50 1.42s p90 2.12s, fwd_bwd p50 1.07s",
            "timer | last 200 steps: data_time p50 1.48s p90 2.27s, fwd_bwd p50 1.07s",
            "timer | last 200 steps: data_time p50 1.49s p90 2.48s, fwd_bwd p50 1.07s"}),
      Json::array()));
  CHECK(stalled.root_cause == "dataloader_stall");
  CHECK(stalled.component == "job");
  Diagnosis healthy = Run(Round6Case(
      Logs({"timer | last 200 steps: data_time p50 0.02s p90 0.04s, fwd_bwd p50 1.07s",
            "timer | last 200 steps: data_time p50 0.02s p90 0.05s, fwd_bwd p50 1.06s",
            "timer | last 200 steps: data_time p50 0.03s p90 0.04s, fwd_bwd p50 1.07s"}),
      Json::array()));
  CHECK(healthy.root_cause == "unknown");
}

TEST_CASE("round 6: with nothing solid, the nodes the telemetry names are probed beside the alert's node") {
  // Only node-2's telemetry is in the case and nothing in it is a fault on its own; the fault is
  // found by a probe on node-2, where the alert (node-1, rank 0's host) does not point.
  Json j = Round6Case(Logs({"step 100 loss 2.1 step_time 1.30s"}), FlatUtil("node-2"));
  RecordedExecutor ex;
  ex.results["gpu.health@node-2/gpu6"] = MakeProbeResult(
      "gpu.health", "node-2/gpu6", ProbeStatus::kFail, "temperature 93 C above 85 C; clocks held by: HW thermal slowdown");
  Diagnosis d = Run(j, &ex);
  CHECK(ex.asked.count("gpu.health@node-2/gpu6") == 1);
  CHECK(d.root_cause == "gpu_thermal_throttle");
  CHECK(d.component == "node-2/gpu6");
  // A solid hypothesis elsewhere: its component is probed, the telemetry's other node is not swept.
  j["logs"] = Logs({"rank 10 optimizer_step 1991 ms, others 655-702 ms"});
  Json util = FlatUtil("node-2");
  for (const Json& s : FlatUtil("node-1")) util.push_back(s);
  j["metrics"] = util;
  KnowledgeFacts f = Round6Facts();
  RecordedExecutor ex2;
  auto c = ParseCase(j, "r6.json");
  REQUIRE(c.ok());
  BuiltinReasoner().Diagnose(*c, f, &ex2);
  CHECK(ex2.asked.count("gpu.health@node-2/gpu2") == 1);
}

TEST_CASE("round 6: repeated lines whose reading grows several-fold are found; noise and clocks are not") {
  DiagnosisCase c;
  c.logs.push_back({"node-1/train.log", {}, 0});
  std::vector<std::string> lines = {
      "2026-06-17 07:18:01 - WARNING - grad norm 12.4 (clip 1.0)",
      "2026-06-17 07:20:01 - INFO - step 10 loss 1.3215 lr 3.0e-04",
      "2026-06-17 07:23:01 - WARNING - grad norm 31.0 (clip 1.0)",
      "2026-06-17 07:25:01 - INFO - step 11 loss 1.3340 lr 3.0e-04",
      "2026-06-17 07:28:01 - WARNING - grad norm 55.2 (clip 1.0)",
      "2026-06-17 07:30:01 - INFO - step 12 loss 1.3119 lr 3.0e-04",
      // Noisy but not trending; minute fields that grow are timestamps, not readings.
      "2026-06-17 07:01:01 - INFO - throughput 10.5 samples/s",
      "2026-06-17 07:05:01 - INFO - throughput 31.5 samples/s",
      "2026-06-17 07:09:01 - INFO - throughput 9.8 samples/s",
      "2026-06-17 07:13:01 - INFO - throughput 12.0 samples/s"};
  size_t n = 1;
  for (const std::string& l : lines) c.logs[0].lines.push_back({n++, l});
  FlatLogs flat = FlattenLogs(c);
  std::vector<size_t> dev = DeviatingLines(flat, {});
  REQUIRE(dev.size() == 1);
  CHECK(flat.lines[dev[0]].find("grad norm 55.2") != std::string::npos);
  CHECK(DeviatingLines(flat, {4}).empty());  // without its last instance: two readings, no trend
  // A level shift with noise on top (not rising at every step) is found too.
  DiagnosisCase shift;
  shift.logs.push_back({"x", {}, 0});
  size_t m = 1;
  for (const char* v : {"0.334", "0.304", "0.287", "0.338", "45.3", "61.1", "36.0", "13.4", "21.3"}) {
    shift.logs[0].lines.push_back({m++, std::string("progress: loss=1.9, grad_norm=") + v});
  }
  std::vector<size_t> found = DeviatingLines(FlattenLogs(shift), {});
  REQUIRE(found.size() == 1);
  CHECK(found[0] == 8);
  // Only two instances: not a trend.
  DiagnosisCase two;
  two.logs.push_back({"x", {{1, "sat_frac=0.40%"}, {2, "sat_frac=16.80%"}}, 2});
  CHECK(DeviatingLines(FlattenLogs(two), {}).empty());
}

TEST_CASE("round 6: a growing reading is searched in the KB and names the incident it reads like") {
  Incident fp8;
  fp8.id = "fp8-1";
  fp8.title = "FP8 amax history too short: e4m3 saturation fraction grows, loss rises";
  fp8.log_signatures = {"FP8 amax overflow detected"};
  fp8.root_cause = "fp8_scaling_overflow";
  fp8.mitigation = "lengthen the amax history";
  Incident oom = testing::OomIncident();
  auto kb = testing::KbWith({fp8, oom});
  Json j = Round6Case(Logs({"[20:19:55] te-fp8 monitor: fc1 fwd_input e4m3 amax_cur=1840.0 scale=14.36 sat_frac=0.40%",
                            "[20:21:55] te-fp8 monitor: fc1 fwd_input e4m3 amax_cur=2140.0 scale=14.36 sat_frac=4.50%",
                            "[20:23:55] te-fp8 monitor: fc1 fwd_input e4m3 amax_cur=2440.0 scale=14.36 sat_frac=8.60%",
                            "[20:25:55] te-fp8 monitor: fc1 fwd_input e4m3 amax_cur=2740.0 scale=14.36 sat_frac=12.70%"}),
                      Json::array());
  auto c = ParseCase(j, "r6.json");
  REQUIRE(c.ok());
  auto facts = GatherKnowledge(*kb, *c);
  REQUIRE(facts.ok());
  REQUIRE(facts->line_recalls.size() == 1);
  CHECK(facts->line_recalls[0].category == "fp8_scaling_overflow");
  CHECK(facts->line_recalls[0].line_index == 3);  // the latest instance
  // The same monitor with flat readings is no evidence.
  j["logs"] = Logs({"[20:19:55] te-fp8 monitor: fc1 fwd_input e4m3 amax_cur=31.0 scale=14.36 sat_frac=0.40%",
                    "[20:21:55] te-fp8 monitor: fc1 fwd_input e4m3 amax_cur=30.5 scale=14.36 sat_frac=0.41%",
                    "[20:23:55] te-fp8 monitor: fc1 fwd_input e4m3 amax_cur=31.2 scale=14.36 sat_frac=0.39%"});
  c = ParseCase(j, "r6.json");
  REQUIRE(c.ok());
  facts = GatherKnowledge(*kb, *c);
  REQUIRE(facts.ok());
  CHECK(facts->line_recalls.empty());
}

TEST_CASE("round 6/7: at most one intrusive probe per GPU per wave; the rest wait for the next round") {
  // rank 10 is slow: its GPU (node-2/gpu2) gets the probes that tell its causes apart.
  Json j = Round6Case(Logs({"rank 10 optimizer_step 1991 ms, others 655-702 ms"}), Json::array());
  RecordedExecutor ex;
  for (const char* p : {"gpu.gemm", "gpu.hbm_bandwidth", "gpu.pcie_bandwidth"}) {
    ex.results[std::string(p) + "@node-2/gpu2"] = MakeProbeResult(p, "node-2/gpu2", ProbeStatus::kPass, "within thresholds", 3.0);
  }
  auto c = ParseCase(j, "r6.json");
  REQUIRE(c.ok());
  ReasonerOptions o;
  o.allow_intrusive = true;
  ReasonerOutput out = BuiltinReasoner(o).Diagnose(*c, Round6Facts(), &ex);
  // The trace lists each round's probe calls before that round's belief entry.
  std::map<std::string, int> first_wave;  // intrusive GPU probes of round 1, per GPU
  int intrusive_on_gpu = 0, round = 1;
  for (const Json& t : out.trace) {
    if (t.value("type", "") == "belief" && t.value("round", 0) >= 1) round = t.value("round", 0) + 1;
    if (t.value("type", "") != "tool_call" || t.value("tool", "") != "run_probe") continue;
    std::string probe = t["arguments"].value("probe", ""), target = t["arguments"].value("target", "");
    const ProbeSpec* spec = FindProbe(probe);
    REQUIRE(spec != nullptr);
    if (!spec->intrusive || spec->target_kind != ProbeTargetKind::kGpu) continue;
    if (target == "node-2/gpu2") ++intrusive_on_gpu;
    if (round == 1) ++first_wave[target];
  }
  CHECK(intrusive_on_gpu >= 3);  // deferred, not dropped: nothing confirmed a cause
  REQUIRE(first_wave.count("node-2/gpu2") == 1);
  for (const auto& [gpu, n] : first_wave) CHECK_MESSAGE(n == 1, gpu);  // round 7: one (round 6: two)
  // Planned time stays honest: the deferred probe still runs after the first on that GPU.
  CHECK(out.diagnosis.planned_s >= 6.0);
}

}  // namespace
}  // namespace vigil
