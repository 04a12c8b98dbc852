// Round-13 tests of the built-in reasoner: a hung collective that every rank logs yields to the
// hardware fault that probes find where the case's telemetry points (a GPU whose telemetry stopped,
// a node swept when nothing places the stuck rank), and the reviewers' items of round 12.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_testing.h"

namespace vigil {
namespace {

using testing::FactsMatching;

const std::map<std::string, std::string>& Layers() {
  static const auto* m = new std::map<std::string, std::string>{
      {"gpu_fallen_off_bus", "gpu"},     {"gpu_firmware_error", "gpu"},   {"nvlink_error", "gpu"},
      {"nccl_collective_hang", "communication"}, {"rank_process_crash", "communication"},
      {"ib_link_failure", "network"},    {"cuda_oom", "application"},     {"dataloader_stall", "performance"},
      {"straggler_rank", "performance"}, {"gpu_memory_uncorrectable_ecc", "gpu"},
      {"gpu_row_remap_failure", "gpu"}};
  return *m;
}

constexpr int64_t kT0 = 1779183221000;  // 2026-05-19T09:33:41Z

// One DCGM series of `node`/gpu `gpu`: 30 s samples from kT0, `n` of them, value `v`.
Json Series(const std::string& name, const std::string& node, int gpu, int n, double v) {
  Json s = Json::object();
  s["name"] = name;
  s["labels"] = Json::object({{"Hostname", node}, {"gpu", std::to_string(gpu)}});
  Json samples = Json::array();
  for (int i = 0; i < n; ++i) samples.push_back(Json::array({kT0 + 30'000 * static_cast<int64_t>(i), v}));
  s["samples"] = samples;
  return s;
}

// Three nodes of 8 GPUs, rank r on nodes[r / 8]; every rank that logs reports the same watchdog
// timeout (gathered on h-1, where the alert fires). `metrics` is the case's telemetry.
DiagnosisCase HangCase(const Json& metrics, const std::vector<std::string>& extra_lines = {}) {
  Json j = ParseJson(R"JSON({
    "id": "t-hang-hw",
    "alert": {"labels": {"alertname": "NCCLWatchdogTimeout", "job": "vlm", "node": "h-1"},
              "annotations": {"summary": "vlm: watchdog timeouts on 23 of 24 ranks"},
              "startsAt": "2026-05-19T09:53:41Z"},
    "logs": [{"source": "vlm/ranks.log", "lines": [
      "[rank0]:[E0519 09:53:16.549260000 ProcessGroupNCCL.cpp:616] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=90441, OpType=ALLREDUCE, NumelIn=268435456, NumelOut=268435456, Timeout(ms)=600000) ran for 600042 milliseconds before timing out.",
      "[rank9]:[E0519 09:53:16.556715000 ProcessGroupNCCL.cpp:616] [Rank 9] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=90441, OpType=ALLREDUCE, NumelIn=268435456, NumelOut=268435456, Timeout(ms)=600000) ran for 600051 milliseconds before timing out.",
      "[rank17]:[E0519 09:53:17.632462000 ProcessGroupNCCL.cpp:616] [Rank 17] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=90441, OpType=ALLREDUCE, NumelIn=268435456, NumelOut=268435456, Timeout(ms)=600000) ran for 600047 milliseconds before timing out."]}],
    "metrics": [],
    "topology": {"nodes": ["h-1", "h-2", "h-3"], "gpus_per_node": 8},
    "expected": {"root_cause": "nvlink_error", "component": "h-3/gpu4"}
  })JSON").value();
  j["metrics"] = metrics;
  for (const std::string& l : extra_lines) j["logs"][0]["lines"].push_back(l);
  auto c = ParseCase(j, "t.json");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  return *c;
}

Diagnosis DiagnoseHang(const DiagnosisCase& c, ProbeExecutor* exec) {
  ReasonerOptions opts;
  opts.allow_intrusive = true;
  return BuiltinReasoner(opts)
      .Diagnose(c, FactsMatching(c, {{"Watchdog caught collective operation timeout", "nccl_collective_hang"}}, Layers()),
                exec)
      .diagnosis;
}

TEST_CASE("round 13: a hang nothing places sweeps the nodes the telemetry covers, and a probe's fault wins") {
  // Every rank that logs waits; nothing says which rank is behind. DCGM was gathered on h-3 (all
  // GPUs busy, nothing odd): the NVLink fault on h-3's GPU 4 shows only in its health probe.
  Json metrics = Json::array();
  for (int g = 0; g < 8; ++g) metrics.push_back(Series("DCGM_FI_DEV_GPU_UTIL", "h-3", g, 40, 100));
  DiagnosisCase c = HangCase(metrics);
  testing::RecordedExecutor exec;
  for (int g = 0; g < 8; ++g) {
    for (const char* node : {"h-1", "h-3"}) {
      exec.Record("gpu.health", std::string(node) + "/gpu" + std::to_string(g), ProbeStatus::kPass,
                  "all health counters within thresholds", 1.0);
    }
  }
  exec.Record("gpu.health", "h-3/gpu4", ProbeStatus::kFail,
              "7 of 18 NVLink links down; NVLink replay errors 880.0/s over the 1 s window", 1.0);
  Diagnosis d = DiagnoseHang(c, &exec);
  CHECK(exec.asked.count("gpu.health@h-3/gpu4"));
  CHECK(d.root_cause == "nvlink_error");
  CHECK(d.component == "h-3/gpu4");

  // The same probes, but the flight recorder names the rank behind (rank 2, h-1's GPU 2): the hang
  // is placed, so the telemetry node is not swept for it.
  DiagnosisCase placed = HangCase(
      metrics, {"[rank0]:[E0519 09:53:18.000000000 ProcessGroupNCCL.cpp:1785] rank 2 last enqueued SeqNum 90440, "
                "all other ranks enqueued 90441"});
  testing::RecordedExecutor exec2;
  exec2.results = exec.results;
  Diagnosis d2 = DiagnoseHang(placed, &exec2);
  CHECK_FALSE(exec2.asked.count("gpu.health@h-3/gpu4"));
  CHECK(d2.root_cause == "nccl_collective_hang");
  CHECK(d2.component == "h-1/gpu2");
}

TEST_CASE("round 13: a GPU whose telemetry stopped while its peers' went on is the hang's stuck participant") {
  // h-2's GPU 5 reported for 20 samples (10 minutes), its seven peers for 40.
  Json metrics = Json::array();
  for (int g = 0; g < 8; ++g) metrics.push_back(Series("DCGM_FI_DEV_GPU_TEMP", "h-2", g, g == 5 ? 20 : 40, 60));
  for (int g = 0; g < 8; ++g) metrics.push_back(Series("DCGM_FI_DEV_GPU_UTIL", "h-1", g, 40, 95));
  DiagnosisCase c = HangCase(metrics);

  // No probes: the hang, on the GPU that went silent (not rank 0's GPU where the alert fires).
  Diagnosis d = DiagnoseHang(c, nullptr);
  CHECK(d.root_cause == "nccl_collective_hang");
  CHECK(d.component == "h-2/gpu5");

  // Its probes answer: NVML no longer enumerates it.
  testing::RecordedExecutor exec;
  exec.Record("gpu.inventory", "h-2/gpu5", ProbeStatus::kFail, "gpu5 not enumerated by NVML or CUDA: 7 of 8 GPUs visible",
              0.6);
  d = DiagnoseHang(c, &exec);
  CHECK(exec.asked.count("gpu.inventory@h-2/gpu5"));
  CHECK(d.root_cause == "gpu_fallen_off_bus");
  CHECK(d.component == "h-2/gpu5");

  // Every GPU of h-2 stopped together (the exporter, not one GPU): no GPU is singled out.
  Json together = Json::array();
  for (int g = 0; g < 8; ++g) together.push_back(Series("DCGM_FI_DEV_GPU_TEMP", "h-2", g, 20, 60));
  for (int g = 0; g < 8; ++g) together.push_back(Series("DCGM_FI_DEV_GPU_UTIL", "h-1", g, 40, 95));
  d = DiagnoseHang(HangCase(together), nullptr);
  CHECK(d.component != "h-2/gpu5");
  // One late sample short (a scrape missed): within the gap, nothing stopped.
  Json jitter = Json::array();
  for (int g = 0; g < 8; ++g) jitter.push_back(Series("DCGM_FI_DEV_GPU_TEMP", "h-2", g, g == 5 ? 39 : 40, 60));
  d = DiagnoseHang(HangCase(jitter), nullptr);
  CHECK(d.component != "h-2/gpu5");
}

}  // namespace
}  // namespace vigil
