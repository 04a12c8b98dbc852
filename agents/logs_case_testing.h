// Test-only helpers shared by the diagnosis test files that build case documents (diagnosis_rg20_test.cc,
// diagnosis_plc*_test.cc, ...): a case of logs only on named nodes, 8 GPUs a node, its pieces, and its
// answer. Kept out of diagnosis_testing.h, which every agents test includes.
#ifndef VIGIL_AGENTS_LOGS_CASE_TESTING_H_
#define VIGIL_AGENTS_LOGS_CASE_TESTING_H_

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "agents/case.h"
#include "agents/diagnosis_testing.h"
#include "core/json.h"
#include "core/time_series.h"

namespace vigil::testing {

// One log of a case document: {"source": source, "lines": lines}.
inline Json Log(const std::string& source, const std::vector<std::string>& lines) {
  Json l = Json::object();
  l["source"] = source;
  Json a = Json::array();
  for (const std::string& s : lines) a.push_back(s);
  l["lines"] = std::move(a);
  return l;
}

// One log as DiagnosisCase holds it, its lines numbered from 1 (the agent-level tests of PLC27 and PLC44,
// which hand a DiagnosisCase to DiagnosisAgent).
inline CaseLog CaseLogOf(const std::string& source, const std::vector<std::string>& lines) {
  CaseLog log;
  log.source = source;
  for (size_t i = 0; i < lines.size(); ++i) log.lines.push_back({i + 1, lines[i]});
  log.original_lines = lines.size();
  return log;
}

// A case of logs only (no alert, metrics or probes) on `nodes`, 8 GPUs a node (the rank layout: rank
// r on nodes[r / 8], GPU r % 8), timezone UTC.
inline Json Case(const std::string& id, const std::vector<std::string>& nodes, Json logs) {
  Json j = Json::object();
  j["id"] = id;
  j["alert"] = nullptr;
  j["metrics"] = Json::array();
  j["probes"] = Json::object();
  Json n = Json::array();
  for (const std::string& s : nodes) n.push_back(s);
  j["topology"] = {{"nodes", std::move(n)}, {"gpus_per_node", 8}, {"timezone", "UTC"}};
  j["logs"] = std::move(logs);
  return j;
}

// A GPU's series labelled as DCGM labels it (Hostname, gpu, modelName), one sample every `step_ms`
// from `start_ms`.
inline TimeSeries GpuSeries(const std::string& name, const std::string& node, int gpu, const std::string& model,
                            int64_t start_ms, int64_t step_ms, const std::vector<double>& values) {
  TimeSeries s;
  s.name = name;
  s.labels = {{"Hostname", node}, {"gpu", std::to_string(gpu)}, {"modelName", model}};
  for (size_t i = 0; i < values.size(); ++i) REQUIRE(s.Append(start_ms + static_cast<int64_t>(i) * step_ms, values[i]).ok());
  return s;
}

// A series as a case document's "metrics" entry: {"name", "labels", "samples": [[ms, value], ...]}.
inline Json MetricJson(const TimeSeries& s) {
  Json m = Json::object();
  m["name"] = s.name;
  m["labels"] = Json::object();
  for (const auto& [k, v] : s.labels) m["labels"][k] = v;
  Json samples = Json::array();
  for (size_t i = 0; i < s.size(); ++i) samples.push_back(Json::array({s.timestamps_ms[i], s.values[i]}));
  m["samples"] = std::move(samples);
  return m;
}

// A node.kernel_log probe result on `node` that failed finding one segfault and no Xid, `reason` its
// words (PLC43's and PLC45's segfault cases).
inline Json KernelLogSegfaultProbe(const std::string& node, const std::string& reason) {
  return {{"probe", "node.kernel_log"},
          {"target", node},
          {"status", "fail"},
          {"metrics", {{"segfaults", 1}, {"xid_count", 0}}},
          {"thresholds", Json::object()},
          {"reason", reason},
          {"duration_s", 1.0}};
}

// "ROOT_CAUSE @ COMPONENT" of a diagnosis.
inline std::string AnswerOf(const Diagnosis& d) { return d.root_cause + " @ " + d.component; }

// "ROOT_CAUSE @ COMPONENT" of the case's diagnosis (its own recorded probes; the shipped pack).
inline std::string CaseAnswer(const Json& c) { return AnswerOf(RunCaseWithOwnProbes(c)); }

// CaseAnswer; with the environment variable `dump_env` (PLC57_DUMP, ...) naming a folder, the case is
// first written there as NAME.json, so that an older `vigil diagnose --case` can be run on it (how the
// PLC tests were seen failing on the code before them).
inline std::string CaseAnswerDumped(const Json& c, const std::string& name, const char* dump_env) {
  if (const char* dir = std::getenv(dump_env); dir != nullptr && *dir != '\0') {
    std::ofstream(std::string(dir) + "/" + name + ".json") << DumpJson(c, 1);
  }
  return CaseAnswer(c);
}

// GPU 0's own evidence of gpu_power_throttle on `node` (PLC53's and PLC59's power-cap cases): its
// DCGM power-violation counter rising every 30 s from `start_ms`, and a gpu.gemm failing there at the cap.
inline void AddGpu0PowerCapEvidence(Json& c, const std::string& node, int64_t start_ms) {
  c["metrics"] = Json::array({MetricJson(GpuSeries("DCGM_FI_DEV_POWER_VIOLATION", node, 0, "NVIDIA H200", start_ms, 30000,
                                                   {1e9, 3e10, 6e10, 9e10, 1.2e11, 1.5e11}))});
  c["probes"] = {{"gpu.gemm@" + node + "/gpu0",
                  {{"probe", "gpu.gemm"},
                   {"target", node + "/gpu0"},
                   {"status", "fail"},
                   {"metrics", {{"tflops", 600.0}}},
                   {"thresholds", {{"tflops_min", 850.0}}},
                   {"reason", "GEMM 600 TFLOPS at the power cap"},
                   {"duration_s", 2.0}}}};
}

}  // namespace vigil::testing

#endif  // VIGIL_AGENTS_LOGS_CASE_TESTING_H_
