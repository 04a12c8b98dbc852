// Round-11 tests of the built-in reasoner: a slow node's host (the kernel-launch test joins the
// sweep of a node-level straggler and a late launch names the host), and FP8 scaling overflow vs a
// run's own divergence (FP8 evidence only in a run that computes in FP8; FP8 statistics read from
// JSON-lines logs).
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_testing.h"

namespace vigil {
namespace {

KnowledgeFacts Categories(const std::map<std::string, std::string>& layers) {
  KnowledgeFacts f;
  for (const auto& [cat, layer] : layers) {
    f.categories.push_back(cat);
    f.layers[cat] = layer;
  }
  return f;
}

Signature MetricCondition(const std::string& pattern, const std::string& category) {
  Signature s;
  s.kind = SignatureKind::kMetric;
  s.pattern = pattern;
  s.category = category;
  s.incident_id = "pack-" + category;
  s.component = "job";
  return s;
}

// A job on three nodes whose alert names one slow node (s-2); rank 0's log on s-1 is healthy.
Json SlowNodeCase() {
  Json j = ParseJson(R"JSON({
    "id": "t-slow-host",
    "alert": {"labels": {"alertname": "StragglerDetected", "job": "llm", "node": "s-2"},
              "annotations": {"summary": "ranks 8-15 (host s-2) 1.3x slower than median"},
              "startsAt": "2026-06-24T18:40:00Z"},
    "logs": [{"source": "s-1/rank0/stdout", "lines": ["step 100 loss 2.01", "step 101 loss 2.00"]}],
    "metrics": [],
    "topology": {"nodes": ["s-1", "s-2", "s-3"], "gpus_per_node": 8},
    "expected": {"root_cause": "straggler_rank", "component": "s-2"}
  })JSON").value();
  return j;
}

TEST_CASE("round 11: a slow node gets the kernel-launch test, and a late launch there names its host") {
  auto c = ParseCase(SlowNodeCase(), "t.json");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  testing::RecordedExecutor exec;
  exec.Record("gpu.health", "s-2/gpu0", ProbeStatus::kPass, "all health counters within thresholds", 1.0);
  exec.Record("gpu.kernel_launch", "s-2/gpu0", ProbeStatus::kFail, "launch_latency_us 41.0 above 20.0", 0.9);
  std::map<std::string, std::string> layers = {{"straggler_rank", "performance"},
                                               {"gpu_fallen_off_bus", "gpu_hardware"},
                                               {"gpu_firmware_error", "gpu_hardware"},
                                               {"gpu_thermal_throttle", "gpu_hardware"},
                                               {"dataloader_stall", "input_pipeline"}};
  // The alert text recalls a straggler incident (as GatherKnowledge's search would): the weak prior.
  KnowledgeFacts f = Categories(layers);
  SearchHit hit;
  hit.incident.id = "pack-straggler-host";
  hit.incident.title = "Straggler: CPU contention on one node";
  hit.incident.root_cause = "straggler_rank";
  hit.category = "straggler_rank";
  f.recalled.push_back(hit);
  Diagnosis d = BuiltinReasoner().Diagnose(*c, f, &exec).diagnosis;
  // The sweep of the slow node runs the empty-kernel launch test beside the health read.
  CHECK(exec.asked.count("gpu.kernel_launch@s-2/gpu0"));
  CHECK(exec.asked.count("gpu.kernel_launch@s-2/gpu7"));
  CHECK(exec.asked.count("gpu.health@s-2/gpu0"));
  CHECK(d.root_cause == "straggler_rank");
  // The launch came back late on a GPU whose siblings did not pass it: the host, not gpu0.
  CHECK(d.component == "s-2");

  // A sibling that launched in time makes it that GPU's (a GPU-side launch problem).
  testing::RecordedExecutor exec2;
  exec2.results = exec.results;
  exec2.Record("gpu.kernel_launch", "s-2/gpu1", ProbeStatus::kPass, "kernel launch latency within thresholds", 0.9);
  d = BuiltinReasoner().Diagnose(*c, f, &exec2).diagnosis;
  CHECK(d.root_cause == "straggler_rank");
  CHECK(d.component == "s-2/gpu0");

  // A launch that never came back is no latency: the GPU, not a slow host (no straggler answer).
  testing::RecordedExecutor exec3;
  exec3.Record("gpu.kernel_launch", "s-2/gpu0", ProbeStatus::kFail, "cuLaunchKernel failed: unspecified launch failure", 0.9);
  d = BuiltinReasoner().Diagnose(*c, f, &exec3).diagnosis;
  CHECK(d.root_cause != "straggler_rank");
}

// A NaN loss in a run; `fp8_line` adds the run's FP8 recipe line.
Json NanCase(bool fp8_line) {
  Json j = ParseJson(R"JSON({
    "id": "t-nan",
    "alert": {"labels": {"alertname": "TrainLossNaN", "job": "llm", "node": "n-1"},
              "annotations": {"summary": "loss became NaN"}, "startsAt": "2026-02-03T17:49:00Z"},
    "logs": [], "metrics": [],
    "topology": {"nodes": ["n-1"], "gpus_per_node": 8},
    "expected": {"root_cause": "loss_divergence", "component": "job"}
  })JSON").value();
  Json lines = Json::array();
  if (fp8_line) lines.push_back("[2026-02-03 17:40:00] fp8 recipe: DelayedScaling(fp8_format=HYBRID, amax_history_len=16)");
  for (int i = 0; i < 8; ++i) {
    lines.push_back("[2026-02-03 17:4" + std::to_string(i) + ":10] step " + std::to_string(100 + i) + " loss " +
                    (i < 6 ? "2.30" : "nan") + " grad_norm 0.4");
  }
  j["logs"].push_back({{"source", "n-1/rank0/stdout"}, {"lines", lines}});
  return j;
}

TEST_CASE("round 11: a generic NaN condition is FP8 evidence only in a run that computes in FP8") {
  KnowledgeFacts f = Categories({{"fp8_scaling_overflow", "numerics"}, {"loss_divergence", "numerics"}});
  // The pack's FP8 entry carries the generic condition; the divergence entry a weaker one it also holds.
  f.metric_conditions = {MetricCondition("loss != loss", "fp8_scaling_overflow"),
                         MetricCondition("loss > 1.5 * avg_over_time(loss[30m])", "loss_divergence")};
  auto bf16 = ParseCase(NanCase(false), "t.json");
  REQUIRE(bf16.ok());
  Diagnosis d = BuiltinReasoner().Diagnose(*bf16, f, nullptr).diagnosis;
  CHECK(d.root_cause != "fp8_scaling_overflow");
  for (const Evidence& e : d.evidence) {
    for (const std::string& s : e.supports) CHECK(s != "fp8_scaling_overflow");
  }
  // The same NaN in an FP8 run: the condition counts.
  auto fp8 = ParseCase(NanCase(true), "t.json");
  REQUIRE(fp8.ok());
  d = BuiltinReasoner().Diagnose(*fp8, f, nullptr).diagnosis;
  CHECK(d.root_cause == "fp8_scaling_overflow");
}

TEST_CASE("round 11: FP8 saturation from JSON-lines statistics is read as fp8_saturated_fraction") {
  Json j = NanCase(false);
  Json lines = Json::array();
  for (int i = 0; i < 8; ++i) {
    char buf[200];
    std::snprintf(buf, sizeof(buf),
                  R"({"ts": "2026-05-31T02:0%d:57Z", "step": %d, "tag": "fp8_stats", "amax_fwd": 61.2, "saturated_frac": %s})",
                  i, 15000 + 15 * i, i < 5 ? "0.0001" : "0.4100");
    lines.push_back(buf);
  }
  j["logs"] = Json::array({{{"source", "b-01/rank0/metrics.jsonl"}, {"lines", lines}}});
  auto c = ParseCase(j, "t.json");
  REQUIRE(c.ok());
  KnowledgeFacts f = Categories({{"fp8_scaling_overflow", "numerics"}, {"loss_divergence", "numerics"}});
  f.metric_conditions = {MetricCondition("fp8_saturated_fraction > 0.001", "fp8_scaling_overflow")};
  Diagnosis d = BuiltinReasoner().Diagnose(*c, f, nullptr).diagnosis;
  CHECK(d.root_cause == "fp8_scaling_overflow");
  bool read = false;
  for (const Evidence& e : d.evidence) read = read || e.source.find("fp8_saturated_fraction") != std::string::npos;
  CHECK(read);
}

}  // namespace
}  // namespace vigil
