// A throughput probe that fails by a hair (MarginalShortfall in builtin_reasoner.cc): H100 device run 42
// (probes/HISTORY.md), triage_demo.sh's StragglerRank alert on a healthy, idle H100 whose BF16 GEMM
// measured 668.5 TFLOP/s against the 683.5 floor the shipped file then gave (baseline 735 - 7 %): the
// reasoner answered straggler_rank "confirmed" at 0.52. The probe documents are the run's own
// (probes/testdata/h100x1/triage_healthy_run42.json, with the thresholds of that run).
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "core/json.h"
#include "core/source_tree.h"

namespace vigil {

std::map<std::string, double> ProbeDeltas(const ProbeResult& r);  // builtin_reasoner.cc

namespace {

std::map<std::string, ProbeResult> Run42Results() {
  std::ifstream in(SourceTreePath("probes/testdata/h100x1/triage_healthy_run42.json"));
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  Json doc = ParseJson(ss.str()).value();
  std::map<std::string, ProbeResult> out;
  for (const Json& j : doc["results"]) {
    ProbeResult r;
    from_json(j, r);
    out[r.probe + "@" + r.target] = r;
  }
  return out;
}

Result<DiagnosisReport> DiagnoseRun42(const std::map<std::string, ProbeResult>& results) {
  Json alert = ParseJson(R"JSON({
    "labels": {"alertname": "StragglerRank", "severity": "warning", "job": "llm-train", "node": "vm", "rank": "0"},
    "annotations": {"summary": "rank 0 on vm computes 45 ms a step vs 27 ms for the job's faster ranks (lower quartile): a straggler; every other rank waits for it in the all-reduce"},
    "startsAt": "2026-12-05T17:01:06Z", "status": "firing"})JSON").value();
  Json j{{"id", "run42-straggler"}, {"alert", alert}};
  auto c = ParseCase(j, "run42-straggler.json");
  REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  testing::RecordedExecutor exec;
  for (const auto& [key, r] : results) exec.results[key] = r;
  DiagnosisAgentOptions o;
  o.kb = &testing::ShippedPack();
  o.reasoner.allow_intrusive = true;  // as triage_demo.sh's --allow-intrusive-probes true
  return DiagnosisAgent(o).Diagnose(*c, &exec);
}

TEST_CASE("marginal probe failure: run 42's GEMM 2.2 % under its floor supports the straggler weakly and confirms nothing") {
  std::map<std::string, ProbeResult> results = Run42Results();
  REQUIRE(results.count("gpu.gemm@vm/gpu0"));
  const ProbeResult& gemm = results["gpu.gemm@vm/gpu0"];
  REQUIRE(gemm.status == ProbeStatus::kFail);
  const std::map<std::string, double> d = ProbeDeltas(gemm);
  REQUIRE(d.count("straggler_rank"));
  CHECK(d.at("straggler_rank") < kProbeFailWeight * 0.5);  // under what a confirmation needs
  auto e = EvidenceFromProbe(gemm, "e1");
  REQUIRE(e.has_value());
  CHECK(e->detail.find("failed by a hair: at most 2.2 % beyond its bound") != std::string::npos);

  auto r = DiagnoseRun42(results);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  const Diagnosis& dx = r->diagnosis;
  for (const Hypothesis& h : dx.hypotheses) {
    CHECK_MESSAGE(h.status != HypothesisStatus::kConfirmed, h.category, " ", h.probability);
  }
  CHECK(!(dx.root_cause == "straggler_rank" && dx.confidence >= 0.5));
}

TEST_CASE("marginal probe failure: a real shortfall, a bound over its max, and what is not read as marginal") {
  std::map<std::string, ProbeResult> results = Run42Results();
  ProbeResult slow = results["gpu.gemm@vm/gpu0"];
  // the same GEMM 12 % short (a throttled or straggling GPU): a full fail, and the straggler confirmed at
  // 0.52, as the live run 42 answered with the 2.2 % shortfall before MarginalShortfall
  for (auto& [name, v] : slow.metrics) {
    if (name.find("tflops") != std::string::npos) v *= 0.88;
  }
  const std::map<std::string, double> full = ProbeDeltas(slow);
  REQUIRE(full.count("straggler_rank"));
  CHECK(full.at("straggler_rank") >= kProbeFailWeight * 0.5);
  CHECK(EvidenceFromProbe(slow, "e1")->detail.find("by a hair") == std::string::npos);
  results["gpu.gemm@vm/gpu0"] = slow;
  auto r = DiagnoseRun42(results);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->diagnosis.root_cause == "straggler_rank");
  bool confirmed = false;
  for (const Hypothesis& h : r->diagnosis.hypotheses) {
    confirmed = confirmed || (h.category == "straggler_rank" && h.status == HypothesisStatus::kConfirmed);
  }
  CHECK(confirmed);

  // HBM copy 1.8 % under its floor: marginal; at run 42's 1.094 TB/s beside the hog (-62 %): not
  ProbeResult hbm = MakeProbeResult("gpu.hbm_bandwidth", "vm/gpu0", ProbeStatus::kFail, "copy_tbps 2.8 < 2.85", 0.1);
  hbm.metrics["copy_tbps"] = 2.8;
  hbm.thresholds["copy_tbps_min"] = 2.85;
  CHECK(EvidenceFromProbe(hbm, "e2")->detail.find("at most 1.8 % beyond its bound") != std::string::npos);
  ProbeResult far = hbm;
  far.metrics["copy_tbps"] = 1.094;
  CHECK(EvidenceFromProbe(far, "e3")->detail.find("by a hair") == std::string::npos);
  // a probe whose words name its finding keeps it (a round trip 3 % over its max names the straggler)
  ProbeResult launch = MakeProbeResult("gpu.kernel_launch", "vm/gpu0", ProbeStatus::kFail, "roundtrip_us 103 > max 100", 0.1);
  launch.metrics["roundtrip_us"] = 103;
  launch.thresholds["roundtrip_us_max"] = 100;
  CHECK(EvidenceFromProbe(launch, "e4")->detail.find("by a hair") == std::string::npos);
  // no bounds in the result (a recorded case's probe): read as before
  ProbeResult bare = MakeProbeResult("gpu.gemm", "vm/gpu0", ProbeStatus::kFail, "bf16_tflops 668.5 < 683.5", 2.5);
  bare.metrics["bf16_tflops"] = 668.5;
  CHECK(EvidenceFromProbe(bare, "e5")->detail.find("by a hair") == std::string::npos);
  const std::map<std::string, double> bare_d = ProbeDeltas(bare);
  REQUIRE(bare_d.count("straggler_rank"));
  CHECK(bare_d.at("straggler_rank") >= kProbeFailWeight * 0.5);
  // bad figures in a result are not read as marginal: a NaN metric, a bound of 0 or below, a bound with no
  // metric of its name
  ProbeResult odd = hbm;
  odd.metrics["copy_tbps"] = std::nan("");
  CHECK(EvidenceFromProbe(odd, "e7")->detail.find("by a hair") == std::string::npos);
  odd = hbm;
  odd.thresholds["copy_tbps_min"] = 0;
  CHECK(EvidenceFromProbe(odd, "e8")->detail.find("by a hair") == std::string::npos);
  odd = hbm;
  odd.thresholds["copy_tbps_min"] = -2.85;
  CHECK(EvidenceFromProbe(odd, "e9")->detail.find("by a hair") == std::string::npos);
  odd = hbm;
  odd.metrics.clear();
  odd.metrics["triad_tbps"] = 2.8;
  CHECK(EvidenceFromProbe(odd, "e10")->detail.find("by a hair") == std::string::npos);
  // not a throughput probe: gpu.health's temperature just over its max keeps its weight
  ProbeResult hot = MakeProbeResult("gpu.health", "vm/gpu0", ProbeStatus::kFail, "gpu0.temperature_c 88 > max 87", 1.0);
  hot.metrics["gpu0.temperature_c"] = 88;
  hot.thresholds["gpu0.temperature_c_max"] = 87;
  CHECK(EvidenceFromProbe(hot, "e6")->detail.find("by a hair") == std::string::npos);
}

}  // namespace
}  // namespace vigil
