// Round-13 tests of the built-in reasoner: a hung collective that every rank logs yields to the
// hardware fault that probes find where the case's telemetry points (a GPU whose telemetry stopped,
// a node swept when nothing places the stuck rank), and the reviewers' items of round 12.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_agent.h"
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

TEST_CASE("round 13: a NCCL test that fails on an IB verbs error names the fabric link and its port") {
  DiagnosisCase c = HangCase(Json::array());
  testing::RecordedExecutor exec;
  ProbeResult r = MakeProbeResult("nccl.sendrecv", "h-1", ProbeStatus::kFail, "busbw_gb_s 4.1 below 40.0", 5.6);
  r.details = Json::object({{"error", "NET/IB: IBV_WC_RETRY_EXC_ERR(12) on mlx5_1 to h-3"}});
  exec.results["nccl.sendrecv@h-1"] = r;
  Diagnosis d = DiagnoseHang(c, &exec);
  CHECK(exec.asked.count("nccl.sendrecv@h-1"));
  // Failed before: the bandwidth failure alone was read as the hang's own (answer: the hang).
  CHECK(d.root_cause == "ib_link_failure");
  CHECK(d.component == "h-1/mlx5_1");
  // The same failure whose details hold no error message (a driver version, a per-link table):
  // not read as words about the fault.
  testing::RecordedExecutor plain;
  r.details = Json::object({{"driver", "535.183.01 IBV_WC_ mlx5_1"}});
  plain.results["nccl.sendrecv@h-1"] = r;
  CHECK(DiagnoseHang(c, &plain).root_cause != "ib_link_failure");
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

// The component of a CUDA OOM line written into g-1's gathered log (review 12's helper, shortened).
std::string OomComponent(const std::string& line) {
  Json j = ParseJson(R"JSON({
    "id": "t-tee",
    "alert": {"labels": {"alertname": "JobFailed", "job": "llm", "node": "g-1"}, "startsAt": "2026-05-20T10:14:23Z"},
    "logs": [{"source": "g-1/train.log", "lines": []}],
    "metrics": [],
    "topology": {"nodes": ["g-1", "g-2"], "gpus_per_node": 8},
    "expected": {"root_cause": "cuda_oom", "component": "g-1"}
  })JSON").value();
  j["logs"][0]["lines"] = std::vector<std::string>{line};
  auto c = ParseCase(j, "t.json");
  REQUIRE(c.ok());
  Diagnosis d = BuiltinReasoner().Diagnose(*c, FactsMatching(*c, {{"OutOfMemoryError", "cuda_oom"}}, Layers()), nullptr)
                    .diagnosis;
  CHECK(d.root_cause == "cuda_oom");
  return d.component;
}

TEST_CASE("round 13 (review): a progress counter in front of a line is no torchrun local rank") {
  const std::string bare = "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB.";
  // Failed before: "[epoch3]:" on an 8-GPU node read as local rank 3 (g-1/gpu3).
  CHECK(OomComponent("[epoch3]:" + bare) == "g-1");
  CHECK(OomComponent("[step_2]:" + bare) == "g-1");
  CHECK(OomComponent("[iter7]:" + bare) == "g-1");
  // A torchrun role still is: the default one and one set with --role.
  CHECK(OomComponent("[default3]:" + bare) == "g-1/gpu3");
  CHECK(OomComponent("[trainer5]:" + bare) == "g-1/gpu5");
}

// A firmware fault on n-2 logged by `fault_line` in n-2's dmesg, a launch failure on n-1's rank
// log; every GPU of n-1 passes its health check. The pass evidence of n-1's GPU 0.
Evidence PassOnOtherNode(const std::string& fault_line) {
  Json j = ParseJson(R"JSON({
    "id": "t-pinned",
    "alert": {"labels": {"alertname": "GPUXidCritical", "node": "n-2"}, "startsAt": "2026-01-07T03:20:00Z"},
    "logs": [{"source": "n-2/dmesg", "lines": []},
             {"source": "n-1/deepspeed.log", "lines": ["RuntimeError: CUDA error: unspecified launch failure"]}],
    "metrics": [],
    "topology": {"nodes": ["n-1", "n-2"], "gpus_per_node": 8,
                 "gpu_pci_bus": {"gpu0": "0000:18:00.0", "gpu6": "0000:ba:00.0"}},
    "expected": {"root_cause": "gpu_firmware_error", "component": "n-2/gpu6"}
  })JSON").value();
  j["logs"][0]["lines"] = std::vector<std::string>{fault_line};
  auto c = ParseCase(j, "t.json");
  REQUIRE(c.ok());
  testing::RecordedExecutor exec;
  for (int g = 0; g < 8; ++g) {
    exec.Record("gpu.health", "n-1/gpu" + std::to_string(g), ProbeStatus::kPass, "all health counters within thresholds",
                1.0);
  }
  std::map<std::string, std::string> layers = Layers();
  layers["illegal_memory_access"] = "application";
  Diagnosis d = BuiltinReasoner()
                    .Diagnose(*c,
                              FactsMatching(*c, {{"micro-controller halt", "gpu_firmware_error"},
                                                 {"unspecified launch failure", "illegal_memory_access"}},
                                            layers),
                              &exec)
                    .diagnosis;
  for (const Evidence& e : d.evidence) {
    if (e.source == "probe gpu.health@n-1/gpu0") return e;
  }
  FAIL("no pass evidence from n-1/gpu0");
  return {};
}

TEST_CASE("round 13 (review): passes elsewhere keep a fault pinned by its PCI id, not by a bare GPU number") {
  auto refutes = [](const Evidence& e, const std::string& cat) {
    return std::find(e.refutes.begin(), e.refutes.end(), cat) != e.refutes.end();
  };
  // The driver's PCI id pins the fault to n-2's GPU 6: n-1's healthy GPU clears n-1 only.
  Evidence pci = PassOnOtherNode("[1863621.011002] NVRM: Xid (PCI:0000:ba:00): 62, pid=220931, Internal micro-controller halt");
  CHECK_FALSE(refutes(pci, "gpu_firmware_error"));
  CHECK(pci.detail.find("pinned to a GPU of another node") != std::string::npos);
  // A bare "GPU 6" pins nothing (failed before: it was kept from the refutation the same way).
  Evidence bare = PassOnOtherNode("[1863621.011002] NVRM: GPU 6: Internal micro-controller halt");
  CHECK(refutes(bare, "gpu_firmware_error"));
  CHECK(bare.detail.find("pinned to a GPU of another node") == std::string::npos);
}

// A rank log of `noise` routine lines with a traceback of `frames` frames starting at line `at`.
CaseLog TracebackLog(size_t noise, size_t at, size_t frames) {
  CaseLog log;
  log.source = "n-1/rank3/stderr";
  std::vector<std::string> text;
  for (size_t i = 0; i < noise; ++i) text.push_back("[rank3]: iteration " + std::to_string(i) + " lm loss 2.31");
  std::vector<std::string> tb = {"[rank3]: Traceback (most recent call last):"};
  for (size_t f = 0; f < frames; ++f) {
    tb.push_back("[rank3]:   File \"/workspace/train.py\", line " + std::to_string(100 + f) + ", in step");
    tb.push_back("[rank3]:     loss = model(batch)");
  }
  tb.push_back("[rank3]: RuntimeError: CUDA error: an illegal memory access was encountered");
  text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), tb.begin(), tb.end());
  for (size_t i = 0; i < text.size(); ++i) log.lines.push_back({i + 1, text[i]});
  return log;
}

CaseLog KeepNumbers(const CaseLog& log, size_t head, size_t tail) {
  CaseLog kept;
  kept.source = log.source;
  for (const LogLine& l : log.lines) {
    if (l.number <= head || l.number + tail > log.lines.size()) kept.lines.push_back(l);
  }
  return kept;
}

TEST_CASE("round 13 (review): a log budget cut inside a Python traceback is stated") {
  // 100 lines, a traceback at lines 41-62 (10 frames, exception on 62); head 50 and tail 30 kept.
  CaseLog log = TracebackLog(78, 40, 10);
  REQUIRE(log.lines.size() == 100);
  std::vector<std::string> notes = TracebackCutNotes(log, KeepNumbers(log, 50, 30));
  REQUIRE(notes.size() == 1);
  CHECK(notes[0] ==
        "log budget: source n-1/rank3/stderr: the cut falls inside a Python traceback (lines 41-62; 10 of 22 read; "
        "its exception line was not read)");
  // The exception kept (the cut took the middle frames only).
  notes = TracebackCutNotes(log, KeepNumbers(log, 45, 39));
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].find("its exception line was read") != std::string::npos);
  // A traceback wholly kept, or wholly cut, is no cut inside one.
  CHECK(TracebackCutNotes(log, KeepNumbers(log, 70, 10)).empty());
  CHECK(TracebackCutNotes(log, KeepNumbers(log, 20, 20)).empty());
}

TEST_CASE("round 13 (review): the agent adds the traceback note when its budget cuts one") {
  auto kb = testing::KbWith({testing::OomIncident()});
  DiagnosisCase c;
  c.id = "t-tb";
  c.logs.push_back(TracebackLog(3000, 995, 10));
  DiagnosisAgentOptions o;
  o.kb = kb.get();
  o.log_line_budget = 2'000;
  auto r = DiagnosisAgent(o).Diagnose(c, nullptr);
  REQUIRE(r.ok());
  bool stated = false;
  for (const std::string& u : r->diagnosis.unverified) {
    stated = stated || u.find("the cut falls inside a Python traceback (lines 996-1017") != std::string::npos;
  }
  INFO(Json(r->diagnosis.unverified).dump(1));
  CHECK(stated);
}

// Uncorrectable ECC errors logged by rank 20 (g-3's GPU 4); the GPU's health probe answers `reason`.
Diagnosis EccWithProbe(const std::string& reason) {
  Json j = ParseJson(R"JSON({
    "id": "t-remap",
    "alert": {"labels": {"alertname": "TrainingJobFailed", "job": "llm", "node": "g-1"}, "startsAt": "2026-03-07T05:45:00Z"},
    "logs": [{"source": "g-1/train.log", "lines": [
      "[2026-03-07 05:24:42] [Rank 20] CUDA error: uncorrectable ECC error encountered",
      "[2026-03-07 05:41:22] [Rank 20] CUDA error: uncorrectable ECC error encountered"]}],
    "metrics": [],
    "topology": {"nodes": ["g-1", "g-2", "g-3", "g-4"], "gpus_per_node": 8},
    "expected": {"root_cause": "gpu_row_remap_failure", "component": "g-3/gpu4"}
  })JSON").value();
  auto c = ParseCase(j, "t.json");
  REQUIRE(c.ok());
  testing::RecordedExecutor exec;
  for (int g = 0; g < 8; ++g) {
    exec.Record("gpu.health", "g-3/gpu" + std::to_string(g), g == 4 ? ProbeStatus::kFail : ProbeStatus::kPass,
                g == 4 ? reason : "all health counters within thresholds", 1.0);
  }
  Diagnosis d = BuiltinReasoner()
                    .Diagnose(*c, FactsMatching(*c, {{"uncorrectable ECC error", "gpu_memory_uncorrectable_ecc"}}, Layers()),
                              &exec)
                    .diagnosis;
  CHECK(exec.asked.count("gpu.health@g-3/gpu4"));
  CHECK(d.component == "g-3/gpu4");
  return d;
}

TEST_CASE("round 13: a remap the GPU reports pending with no uncorrectable error outstanding is the cause") {
  // The probe finds the repair stuck (a reset required) and no volatile uncorrectable error: the
  // ECC errors the job logged are its symptom. Failed before: answered as the ECC error.
  CHECK(EccWithProbe("row remap pending (GPU reset required)").root_cause == "gpu_row_remap_failure");
  CHECK(EccWithProbe("row remapping failure recorded; last Xid 64").root_cause == "gpu_row_remap_failure");
  // A fresh uncorrectable error and the remap it queued: the error is the cause.
  CHECK(EccWithProbe("1 volatile uncorrectable (DBE) ECC errors; row remap pending (GPU reset required); last Xid 94")
            .root_cause == "gpu_memory_uncorrectable_ecc");
}

TEST_CASE("round 13 (review d): a GPU whose exporter series restarted just before the end has not stopped") {
  // h-2's GPU 5: its series (pod "a") ends after 20 samples; the exporter picked the GPU up again
  // under a new label set (pod "b"), two samples so far, ending with its peers'. The GPU answers.
  Json metrics = Json::array();
  for (int g = 0; g < 8; ++g) metrics.push_back(Series("DCGM_FI_DEV_GPU_TEMP", "h-2", g, g == 5 ? 20 : 40, 60));
  for (int g = 0; g < 8; ++g) metrics.push_back(Series("DCGM_FI_DEV_GPU_UTIL", "h-1", g, 40, 95));
  for (int n : {1, 2}) {
    Json again = Series("DCGM_FI_DEV_GPU_TEMP", "h-2", 5, 0, 60);
    again["labels"]["pod"] = "b";
    for (int i = 40 - n; i < 40; ++i) again["samples"].push_back(Json::array({kT0 + 30'000 * static_cast<int64_t>(i), 60}));
    Json m = metrics;
    m.push_back(again);
    // Failed before: series shorter than 3 samples were not read, so GPU 5 looked stopped.
    CHECK(DiagnoseHang(HangCase(m), nullptr).component != "h-2/gpu5");
  }
  // Without the new series it still is the stopped one.
  CHECK(DiagnoseHang(HangCase(metrics), nullptr).component == "h-2/gpu5");
}

TEST_CASE("round 13 (review d): a probe's enormous error text is read within a bound, without crashing") {
  DiagnosisCase c = HangCase(Json::array());
  ProbeResult r = MakeProbeResult("nccl.sendrecv", "h-1", ProbeStatus::kFail, "busbw_gb_s 4.1 below 40.0", 5.6);
  r.details = Json::object({{"error", "NET/IB: IBV_WC_RETRY_EXC_ERR(12) on mlx5_1 to h-3"}});
  // 200 more error messages of 2000 bytes each (400 kB): the keyword regexes ran over all of it and
  // std::regex's recursion overflowed the stack ("uncorrectable.*ecc" from the first one on).
  for (int k = 0; k < 200; ++k) {
    r.details["error_context_" + std::to_string(1000 + k)] = "uncorrectable " + std::string(1990, 'x');
  }
  testing::RecordedExecutor exec;
  exec.results["nccl.sendrecv@h-1"] = r;
  Diagnosis d = DiagnoseHang(c, &exec);
  CHECK(d.root_cause == "ib_link_failure");
  CHECK(d.component == "h-1/mlx5_1");
  // The same for an enormous reason.
  r.details = Json::object({{"error", "NET/IB: IBV_WC_RETRY_EXC_ERR(12) on mlx5_1 to h-3"}});
  r.reason = "busbw_gb_s 4.1 below 40.0; uncorrectable " + std::string(400'000, 'x');
  testing::RecordedExecutor exec2;
  exec2.results["nccl.sendrecv@h-1"] = r;
  d = DiagnoseHang(c, &exec2);
  CHECK(d.root_cause == "ib_link_failure");
}

}  // namespace
}  // namespace vigil
