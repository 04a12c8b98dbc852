// A recalled past incident is evidence (and a score delta) only when it shares a term with the alert
// (REV3's case, server/HISTORY.md: "similar past incident: CUDA error: invalid device ordinal ..." listed
// as evidence for a GPU at 91 C; agents/HISTORY.md, KBE).
#include <doctest/doctest.h>

#include <string>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_testing.h"
#include "agents/recall_overlap.h"

namespace vigil {
namespace {

// REV3's webhook (tests/serve_chat_chromium_test.sh): GPU 5 of node-b above 85 C; no logs, no metrics.
DiagnosisCase HotGpuAlert() {
  auto c = ParseCase(ParseJson(R"JSON({
    "id": "kbe-hot-gpu",
    "alert": {"labels": {"alertname": "GpuTemperatureHigh", "Hostname": "node-b", "gpu": "5",
                         "instance": "node-b:9400", "job": "dcgm-exporter", "severity": "critical"},
              "annotations": {"summary": "GPU 5 on node-b above 85 C"}, "startsAt": "2026-12-04T16:57:30Z"}
  })JSON").value(), "kbe-hot-gpu.json");
  REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  return *c;
}

SearchHit Hit(const std::string& id, const std::string& category, const std::string& title,
              std::vector<std::string> symptoms, std::vector<std::string> signatures,
              std::vector<std::string> conditions) {
  SearchHit h;
  h.kind = SearchHit::Kind::kIncident;
  h.category = category;
  h.incident.id = id;
  h.incident.title = title;
  h.incident.symptoms = std::move(symptoms);
  h.incident.log_signatures = std::move(signatures);
  h.incident.metric_conditions = std::move(conditions);
  h.incident.root_cause = category;
  h.incident.source = "pack:vigil";
  return h;
}

// What the shipped pack recalls for that alert's text (`vigil kb search`, hybrid: lexical ranks 1, 2
// and 4, dense 2, 1 and 6; the third shares only "node" of --nproc_per_node, "above" and "high" of
// "high local ranks"). Dense ranks are left 0 (a lexical-only search) unless a case sets them.
KnowledgeFacts HotGpuRecall() {
  KnowledgeFacts f;
  for (const char* cat : {"gpu_thermal_throttle", "launch_config_error", "gpu_fallen_off_bus"}) {
    f.categories.push_back(cat);
    f.layers[cat] = std::string(cat) == "launch_config_error" ? "job" : "gpu";
  }
  f.recalled.push_back(Hit("pack-thermal-sw-slowdown", "gpu_thermal_throttle",
                           "SW thermal slowdown: GPU clocks reduced by temperature",
                           {"clocks below max under load", "temperature near the slowdown threshold"},
                           {"SW Thermal Slowdown\\s*: Active"},
                           {"floor(DCGM_FI_DEV_CLOCK_THROTTLE_REASONS / 32) % 2 == 1", "DCGM_FI_DEV_GPU_TEMP > 85"}));
  f.recalled.push_back(Hit("pack-thermal-hbm-temp", "gpu_thermal_throttle",
                           "HBM memory temperature high: memory-bound kernels slow",
                           {"memory temperature far above peers", "intermittent thermal slowdown"}, {},
                           {"DCGM_FI_DEV_MEMORY_TEMP > 90"}));
  f.recalled.push_back(Hit("pack-launch-invalid-device-ordinal", "launch_config_error",
                           "CUDA error: invalid device ordinal at set_device: --nproc_per_node above the visible device count",
                           {"high local ranks fail at torch.cuda.set_device with invalid device ordinal",
                            "nvidia-smi lists every device healthy", "torchrun ChildFailedError right after launch"},
                           {"CUDA error: invalid device ordinal", "cudaErrorInvalidDevice"}, {}));
  f.recalled.back().incident.raw_text =
      "Job launched with torchrun --nproc_per_node=8 on pods that expose 4 GPUs (or with CUDA_VISIBLE_DEVICES=0,1,2,3,4,5): "
      "the local ranks >= the visible GPU count fail at startup in torch.cuda.set_device(local_rank):\n  [rank6]: "
      "RuntimeError: CUDA error: invalid device ordinal\ncudaSetDevice returns cudaErrorInvalidDevice when the ordinal is "
      "not a visible device. The same local ranks fail on every node; nvidia-smi shows all GPUs healthy. (One rank alone "
      "failing this way on one node can also be a GPU that dropped off the bus: check dmesg for Xid 79 first.)";
  return f;
}

Diagnosis Diagnose(const DiagnosisCase& c, const KnowledgeFacts& f) {
  ReasonerOptions ro;
  ro.allow_intrusive = false;
  testing::RecordedExecutor probes;
  return BuiltinReasoner(ro).Diagnose(c, f, &probes).diagnosis;
}

bool Cited(const Diagnosis& d, const std::string& source) {
  for (const Evidence& e : d.evidence) {
    if (e.source == source) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("kbe: a recalled incident that shares no term with the alert is not evidence; one that does is") {
  Diagnosis d = Diagnose(HotGpuAlert(), HotGpuRecall());
  CHECK(Cited(d, "kb:pack-thermal-sw-slowdown"));  // "temperature" of the alert's name
  CHECK(Cited(d, "kb:pack-thermal-hbm-temp"));
  CHECK_FALSE(Cited(d, "kb:pack-launch-invalid-device-ordinal"));
  // The same hit ranked among the first three by the embedding stays: it reads alike in word pieces.
  KnowledgeFacts close = HotGpuRecall();
  close.recalled[2].dense_rank = 3;
  CHECK(Cited(Diagnose(HotGpuAlert(), close), "kb:pack-launch-invalid-device-ordinal"));
  close.recalled[2].dense_rank = 4;
  CHECK_FALSE(Cited(Diagnose(HotGpuAlert(), close), "kb:pack-launch-invalid-device-ordinal"));
  for (const Hypothesis& h : d.hypotheses) {
    if (h.category != "launch_config_error") continue;
    for (const std::string& id : h.evidence_ids) {
      for (const Evidence& e : d.evidence) CHECK_FALSE((e.id == id && e.kind == EvidenceKind::kKnowledge));
    }
  }
}

TEST_CASE("kbe: the alert's terms: its name split where the case changes, its texts and label values, no generic word") {
  Alert a;
  a.rule = "XIDErrorGpuTemperatureHigh";
  a.labels = {{"Hostname", "node-b"}, {"gpu", "5"}, {"category", "thermal"}};
  a.annotations = {{"summary", "GPU 5 on node-b above 85 C"}, {"runbook_url", "https://wiki/overheat"}};
  CHECK(AlertTerms(a) == std::set<std::string>{"xid", "error", "temperature", "thermal"});
  CHECK(GenericRecallWord("node"));
  CHECK_FALSE(GenericRecallWord("ordinal"));
}

TEST_CASE("kbe: what a hit shares: title, symptoms, signature and metric words, a word's start agreeing") {
  const std::set<std::string> hot = AlertTerms(HotGpuAlert().alert.value());
  KnowledgeFacts f = HotGpuRecall();
  CHECK(SharedRecallTerms(hot, f.recalled[0]) == std::vector<std::string>{"temperature", "temp"});
  CHECK(SharedRecallTerms(hot, f.recalled[2]).empty());  // node, above, high, device: generic
  // "failure" is no generic word: a memory failure and a row remapping failure are one kind of fault.
  Alert memory_failure;
  memory_failure.rule = "GPUUnhealthy";
  memory_failure.annotations = {{"summary", "DCGM health: memory failure on node-1"}};
  SearchHit remap = Hit("x64", "gpu_row_remap_failure", "Xid 64: row remapping failure", {}, {}, {});
  CHECK(SharedRecallTerms(AlertTerms(memory_failure), remap) == std::vector<std::string>{"failure"});

  // Only a signature names it ("Slowdown\s*: Active" reads slowdown, active), or only a metric's name.
  Alert slow;
  slow.rule = "GpuClocksSlowdown";
  SearchHit sig = Hit("s", "gpu_thermal_throttle", "clocks cut", {}, {"SW Thermal Slowdown\\s*: Active"}, {});
  CHECK(SharedRecallTerms(AlertTerms(slow), sig) == std::vector<std::string>{"clocks", "slowdown"});
  Alert mem;
  mem.rule = "HbmMemoryTemp";
  SearchHit cond = Hit("m", "gpu_thermal_throttle", "HBM hot", {}, {}, {"increase(DCGM_FI_DEV_MEMORY_TEMP[5m]) > 0"});
  CHECK(SharedRecallTerms(AlertTerms(mem), cond) == std::vector<std::string>{"hbm", "memory", "temp"});
  // "increase" of the condition's function is no metric word; three letters do not start a longer word.
  Alert inc;
  inc.rule = "IncreaseTem";
  CHECK(SharedRecallTerms(AlertTerms(inc), cond).empty());

  // A guide chunk: its heading and text.
  SearchHit guide;
  guide.kind = SearchHit::Kind::kGuideChunk;
  guide.heading = "GPU temperature";
  guide.text = "Check the fans.";
  CHECK(SharedRecallTerms(hot, guide) == std::vector<std::string>{"temperature"});
}

}  // namespace vigil
