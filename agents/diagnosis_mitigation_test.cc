// The answer's mitigation when no log line matched a stored incident (an alert with its metrics, as
// vigil serve triages one): the incident of the answer's category with more of its metric conditions
// held in the case, not the first by id (REV2's deployment review, 2026-12-04: a GPU core-temperature
// alert was given the HBM-temperature incident's fix, "... until memory temperature is back in range").
// Evidence written for this test against the shipped pack (data/knowledge/pack/gpu.jsonl).
#include <doctest/doctest.h>

#include <string>

#include "agents/diagnosis_testing.h"
#include "core/json.h"

namespace vigil {
namespace {

constexpr int64_t kT0 = 1773871060000;  // first sample; the alert 10.5 minutes later

// One node's 8 GPUs over 22 samples 30 s apart; GPU 5 heats (`core` GPU temperature or `memory`
// HBM temperature) and its clock-event reasons gain the SW-thermal bit (0x20) in the last 6 samples.
Json ThermalCase(const std::string& which) {
  Json metrics = Json::array();
  auto series = [&](const std::string& name, int gpu, auto value) {
    Json s = Json::object();
    s["name"] = name;
    s["labels"] = {{"Hostname", "gpu-a17"}, {"gpu", std::to_string(gpu)}, {"modelName", "NVIDIA H200"}};
    Json samples = Json::array();
    for (int i = 0; i < 22; ++i) samples.push_back(Json::array({kT0 + i * 30000, value(i)}));
    s["samples"] = std::move(samples);
    metrics.push_back(std::move(s));
  };
  for (int g = 0; g < 8; ++g) {
    const bool hot = g == 5;
    const bool core = which == "core";
    series("DCGM_FI_DEV_GPU_TEMP", g, [&](int i) { return hot && core ? 60.0 + 1.5 * i : 60.0; });
    series("DCGM_FI_DEV_MEMORY_TEMP", g, [&](int i) { return hot && !core ? 70.0 + 1.4 * i : 70.0; });
    series("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", g, [&](int i) { return hot && i > 15 ? 32.0 : 0.0; });
    series("DCGM_FI_DEV_SM_CLOCK", g, [&](int i) { return hot && i > 15 ? 1400.0 : 1980.0; });
  }
  Json c = Json::object();
  c["id"] = "case-mitigation-" + which;
  c["alert"] = {{"labels", {{"alertname", which == "core" ? "GPUHighTemperature" : "GPUMemoryTemperatureHigh"},
                            {"Hostname", "gpu-a17"}, {"gpu", "5"}, {"severity", "warning"}}},
                {"annotations", {{"summary", which == "core" ? "GPU 5 on gpu-a17 at 92 C" : "GPU 5 on gpu-a17: HBM at 99 C"}}},
                {"startsAt", "2026-03-18T22:08:10Z"}};
  c["logs"] = Json::array();
  c["metrics"] = std::move(metrics);
  c["probes"] = Json::object();
  return c;
}

TEST_CASE("mitigation: a GPU core-temperature alert gets the GPU thermal fix, an HBM one the HBM fix") {
  const Diagnosis core = testing::RunCaseWithOwnProbes(ThermalCase("core"));
  CHECK(core.root_cause == "gpu_thermal_throttle");
  CHECK(core.component == "gpu-a17/gpu5");
  // Before: "Fix cooling for the tray (coolant flow, fans); move the job off the node until memory
  // temperature is back in range." (the HBM incident: only the clock bit is shared with this case).
  CHECK(core.mitigation.find("memory temperature") == std::string::npos);
  CHECK(core.mitigation.find("Check chassis fans") != std::string::npos);
  // The twin: HBM hot, the GPU core not: the HBM incident's fix (its memory-temperature condition
  // and the clock bit held; the core-temperature incidents' temperature conditions did not).
  const Diagnosis hbm = testing::RunCaseWithOwnProbes(ThermalCase("memory"));
  CHECK(hbm.root_cause == "gpu_thermal_throttle");
  CHECK(hbm.mitigation.find("memory temperature") != std::string::npos);
}

// REV3, 2026-12-04: a metric condition's value was written by std::to_string, "(value 91.000000)",
// "(value 1.000000)", in every metric evidence line and the summary an engineer reads.
TEST_CASE("metric evidence: a condition's value is written as people write it, not 91.000000 (REV3)") {
  const Diagnosis d = testing::RunCaseWithOwnProbes(ThermalCase("core"));
  int values = 0;
  for (const Evidence& e : d.evidence) {
    const size_t at = e.detail.find(" (value ");
    if (e.kind != EvidenceKind::kMetric || at == std::string::npos) continue;
    ++values;
    const std::string v = e.detail.substr(at + 8, e.detail.find(')', at) - at - 8);
    CHECK_MESSAGE(v.find(".000000") == std::string::npos, e.detail);
    CHECK_MESSAGE((v.find('.') == std::string::npos || v.back() != '0'), e.detail);
  }
  CHECK(values >= 2);  // the temperature's and the clock bit's conditions
  CHECK(d.summary.find("00000)") == std::string::npos);
}

}  // namespace
}  // namespace vigil
