// Alert-only triage (AO, 2026-12-04): alerts that name their cause in their value, labels or
// annotations, answered from the alert alone as `vigil serve` sees a webhook with no Prometheus, no
// logs and no probes. Each alert is written as the exporter and a common rule raise it; each
// answer is a suspected cause (the alert alone, confidence at most 0.45) placed where the alert is.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <tuple>

#include "agents/alert_case_testing.h"
#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "core/json.h"

namespace vigil {
namespace {

DiagnosisCase AlertCase(const std::string& alert_json) {
  auto alert = ParseJson(alert_json);
  REQUIRE_MESSAGE(alert.ok(), alert.status().ToString());
  Json j{{"id", "ao"}, {"alert", *alert}};
  auto c = ParseCase(j, "ao.json");
  REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  return *c;
}

Diagnosis DiagnoseAlone(const DiagnosisCase& c) { return testing::DiagnoseWithShippedPack(c).diagnosis; }

bool Said(const Diagnosis& d, const std::string& needle) {
  return std::any_of(d.unverified.begin(), d.unverified.end(),
                     [&](const std::string& u) { return u.find(needle) != std::string::npos; });
}

// A suspected cause from the alert alone: named, capped, said so.
void CheckSuspected(const Diagnosis& d, const std::string& cause, const std::string& component) {
  CHECK(d.root_cause == cause);
  CHECK(d.component == component);
  CHECK(d.confidence > 0.2);
  CHECK(d.confidence <= 0.45);
  CHECK(d.summary.rfind("suspected", 0) == 0);
  CHECK(Said(d, "only the alert was read"));
  CHECK_FALSE(d.mitigation.empty());
}

// kube-state-metrics' last termination reason, joined to kube_pod_info for the node, as a
// PrometheusRule raises it (no `job="kube-state-metrics"` label: with it the `node` label may be the
// exporter's own node, KSM2, and the answer is on the job): Kubernetes killed the container at its memory limit (or the node's
// OOM killer did). Host memory, not the GPU's: host_oom, on the pod's node.
TEST_CASE("ao: a Kubernetes OOMKilled container is host_oom on the pod's node") {
  const Diagnosis d = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "KubeContainerOOMKilled", "severity": "warning", "namespace": "llm",
               "pod": "sft-13b-worker-2", "container": "pytorch", "reason": "OOMKilled",
               "node": "gke-a3-highgpu-pool-2-9f3c"},
    "annotations": {"summary": "Container pytorch in pod llm/sft-13b-worker-2 was OOMKilled",
                    "description": "kube_pod_container_status_last_terminated_reason{reason=\"OOMKilled\"} == 1; restarted 2 times in 15m."},
    "startsAt": "2026-12-04T03:12:40Z"
  })JSON"));
  CheckSuspected(d, "host_oom", "gke-a3-highgpu-pool-2-9f3c");
}

// The alert's name is the only place that says it (a summary that says only "terminated").
TEST_CASE("ao: an OOMKilled alert name alone says host_oom") {
  const Diagnosis d = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "KubePodOOMKilled", "namespace": "speech", "pod": "asr-worker-0",
               "node": "aks-nd96h100-0007"},
    "annotations": {"summary": "pod speech/asr-worker-0 container trainer terminated, restarting"},
    "startsAt": "2026-12-04T03:12:40Z"
  })JSON"));
  CheckSuspected(d, "host_oom", "aks-nd96h100-0007");
}

// dcgm-exporter's DCGM_FI_DEV_XID_ERRORS as a kube-prometheus rule raises it: Xid 13 (a graphics
// engine exception) or 31 (an MMU fault) is the GPU driver's report that the job's kernel faulted -
// an illegal memory access of the application, not a GPU to drain. Before, the alert counted as a
// symptom (the category is the application's) and the answer was `unknown`.
TEST_CASE("ao: an Xid 13 or 31 alert names the job's illegal memory access; a lone Xid 43 does not") {
  const Diagnosis d13 = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "GPUXidError", "severity": "critical", "Hostname": "hgx-b200-r4-n11", "gpu": "6",
               "UUID": "GPU-1f0e5a44-7c2b-4d0e-9a61-3b8f2e7c9d10", "modelName": "NVIDIA B200", "xid": "13"},
    "annotations": {"summary": "GPU 6 on hgx-b200-r4-n11 reported Xid 13",
                    "description": "DCGM_FI_DEV_XID_ERRORS is 13 on hgx-b200-r4-n11 GPU 6."},
    "startsAt": "2026-12-04T02:40:05Z"
  })JSON"));
  CheckSuspected(d13, "illegal_memory_access", "hgx-b200-r4-n11/gpu6");
  const Diagnosis d31 = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "DCGMXidErrors", "severity": "critical", "Hostname": "dgx-h100-031", "gpu": "2"},
    "annotations": {"summary": "GPU dgx-h100-031/2 reported Xid 31 (MMU fault)"},
    "startsAt": "2026-12-04T02:40:05Z"
  })JSON"));
  CheckSuspected(d31, "illegal_memory_access", "dgx-h100-031/gpu2");
  // Xid 43 alone is a process's channel stopped, not an application fault (RL6's lone-Xid-43 rule):
  // still not named.
  const Diagnosis d43 = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "GPUXidError", "severity": "warning", "Hostname": "dgx-h100-031", "gpu": "2"},
    "annotations": {"summary": "GPU 2 on dgx-h100-031 reported Xid 43"},
    "startsAt": "2026-12-04T02:40:05Z"
  })JSON"));
  CHECK(d43.root_cause == "unknown");
}

// dcgm-exporter's clock-event-reasons field as an alert states it: the number is NVML's bit field
// (ReadClockReasons). 32 is SW thermal slowdown; a label 0x80 is the HW power brake. Before, the
// number was not decoded and both alerts were `unknown` (0.09).
TEST_CASE("ao: the clock-event-reasons value an alert states names the throttle") {
  const Diagnosis thermal = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "GPUClocksThrottled", "severity": "warning", "Hostname": "hgx-h100-20", "gpu": "3",
               "modelName": "NVIDIA H100 80GB HBM3"},
    "annotations": {"summary": "GPU clocks are held down on hgx-h100-20 GPU 3",
                    "description": "DCGM_FI_DEV_CLOCKS_EVENT_REASONS on hgx-h100-20 gpu 3 is 32 for 10m."},
    "startsAt": "2026-12-04T02:40:05Z"
  })JSON"));
  CheckSuspected(thermal, "gpu_thermal_throttle", "hgx-h100-20/gpu3");
  const Diagnosis brake = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "GPUClocksEventReason", "severity": "warning", "Hostname": "xe9680-n07", "gpu": "5",
               "clock_event_reasons": "0x80"},
    "annotations": {"summary": "xe9680-n07 GPU 5 clocks held down"},
    "startsAt": "2026-12-04T02:40:05Z"
  })JSON"));
  CheckSuspected(brake, "gpu_power_throttle", "xe9680-n07/gpu5");
}

// An alert with no generatorURL whose description quotes its rule's expression, or states a value for
// it (ExpressionInAnnotations): the PCIe replay rate and the NVLink CRC rate imply the pack's
// conditions as the same expression in a generatorURL does. Before, both were read as words only and
// answered `unknown` (0.10).
TEST_CASE("ao: an expression quoted in the description is read as the alert's own") {
  const Diagnosis pcie = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "GPUPCIeReplaysHigh", "severity": "warning", "Hostname": "gn061", "gpu": "4"},
    "annotations": {"summary": "PCIe replays rising on gn061 GPU 4",
                    "description": "rate(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[5m]) > 1"},
    "startsAt": "2026-12-04T02:40:05Z"
  })JSON"));
  CheckSuspected(pcie, "pcie_link_degraded", "gn061/gpu4");
  const Diagnosis nvlink = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "GPUNVLinkErrors", "severity": "warning", "Hostname": "hgx-h100-b1-07", "gpu": "2"},
    "annotations": {"summary": "NVLink CRC errors rising on hgx-h100-b1-07 GPU 2",
                    "description": "rate(DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL[5m]) is 41823/s on hgx-h100-b1-07 gpu 2."},
    "startsAt": "2026-12-04T02:40:05Z"
  })JSON"));
  CheckSuspected(nvlink, "nvlink_error", "hgx-h100-b1-07/gpu2");
}

// A job-failed alert whose only detail is a rank killed by SIGKILL: with no scheduler kill named,
// the OOM killer is the on-call engineer's first suspect (host_oom, suspected, on the alert's node).
// A SIGKILL at the job's time limit is the scheduler's, not named host_oom. Before: `unknown` (0.09).
TEST_CASE("ao: a rank killed by SIGKILL, no scheduler kill named, is a suspected host OOM") {
  const Diagnosis d = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "SlurmJobFailed", "severity": "critical", "job": "rlhf-ppo-70b", "node": "cpu-heavy-h100-3"},
    "annotations": {"summary": "JobId=771204 rlhf-ppo-70b FAILED: rank 9 exited with signal 9 (SIGKILL)"},
    "startsAt": "2026-12-04T02:40:05Z"
  })JSON"));
  CheckSuspected(d, "host_oom", "cpu-heavy-h100-3");
  const Diagnosis limit = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "SlurmJobFailed", "severity": "critical", "job": "rlhf-ppo-70b", "node": "cpu-heavy-h100-3"},
    "annotations": {"summary": "JobId=771204 rlhf-ppo-70b CANCELLED DUE TO TIME LIMIT: ranks got SIGKILL"},
    "startsAt": "2026-12-04T02:40:05Z"
  })JSON"));
  CHECK(limit.root_cause != "host_oom");
}

// "Clock-limited by SW power cap" in words: the GPUs' clocks are held by the power limit. Before, the
// pack read only nvidia-smi's "SW Power Cap : Active" and "clocks throttled (power ...)": `unknown`.
TEST_CASE("ao: clocks limited by the SW power cap, in words, is a power throttle") {
  const Diagnosis d = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "GPUPowerCapped", "severity": "warning", "job": "dcgm-exporter", "Hostname": "hgx-h200-0412"},
    "annotations": {"summary": "hgx-h200-0412: 8 GPUs throttled by the SW power cap for 30 min"},
    "startsAt": "2026-12-04T02:40:05Z"
  })JSON"));
  CheckSuspected(d, "gpu_power_throttle", "hgx-h200-0412");
}

// AO2: what AO left. A PCIe replay alert over an hour with the count it fired at: 2,930 replays in
// an hour are at least 489 in one of its six 10-minute windows, so the pack's `increase(...[10m]) >
// 100` held (pigeonhole, metric_condition.cc). Before, a window longer than the condition's implied
// nothing: `unknown` (0.10).
TEST_CASE("ao2: an hour's PCIe replay count under a 1h rule implies the pack's 10-minute condition") {
  const Diagnosis d = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "GpuPcieReplaysHigh", "severity": "warning", "job": "nvidia-dcgm-exporter",
               "Hostname": "dgx-h100-r3-n05", "gpu": "2", "modelName": "NVIDIA H100 80GB HBM3"},
    "annotations": {"summary": "dgx-h100-r3-n05 GPU 2 logged 2930 PCIe replays over the last hour"},
    "startsAt": "2026-12-04T05:31:00Z",
    "generatorURL": "http://prom-k8s.monitoring:9090/graph?g0.expr=increase%28DCGM_FI_DEV_PCIE_REPLAY_COUNTER%7Bjob%3D%22nvidia-dcgm-exporter%22%7D%5B1h%5D%29+%3E+300&g0.tab=1"
  })JSON"));
  CheckSuspected(d, "pcie_link_degraded", "dgx-h100-r3-n05/gpu2");
}

// An error counter an alert says is rising, below the pack condition's bound or with no number: a
// NVLink CRC rule over an hour with a low bound and no value, and a summary naming the PCIe replay
// counter "climbing". The counter's rising is the link fault's sign, not its measure: named, placed
// on the alert's GPU, at a modest confidence, suspected. Before: named at 0.10 from the pack entry's
// words alone (the title "... counters rising"), not as the alert's fact (holdout11 s016: `unknown`).
TEST_CASE("ao2: an error counter stated rising, below the pack's bound or with no number, is a modest suspicion") {
  const Diagnosis crc = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "NvlinkCrcFlitErrors", "severity": "warning", "job": "dcgm-exporter",
               "Hostname": "hgx-b200-07", "gpu": "3"},
    "annotations": {"summary": "NVLink CRC flit errors increasing on hgx-b200-07 GPU 3"},
    "startsAt": "2026-12-04T06:02:00Z",
    "generatorURL": "http://prometheus:9090/graph?g0.expr=increase%28DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL%5B1h%5D%29+%3E+20&g0.tab=1"
  })JSON"));
  const Diagnosis pcie = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "PcieReplayCounter", "severity": "warning", "instance": "10.8.3.17:9400",
               "Hostname": "a100-sxm-112", "gpu": "0"},
    "annotations": {"summary": "DCGM_FI_DEV_PCIE_REPLAY_COUNTER climbing on a100-sxm-112 GPU 0"},
    "startsAt": "2026-12-04T06:02:00Z"
  })JSON"));
  for (const auto& [d, cause, place] : {std::tuple{&crc, "nvlink_error", "hgx-b200-07/gpu3"},
                                        std::tuple{&pcie, "pcie_link_degraded", "a100-sxm-112/gpu0"}}) {
    CAPTURE(cause);
    CHECK(d->root_cause == cause);
    CHECK(d->component == place);
    CHECK(d->confidence > 0.15);  // before: named at the KB look-alike's 0.10, not as the alert's fact
    CHECK(d->confidence < 0.3);
    CHECK(d->summary.rfind("suspected", 0) == 0);
  }
  // A gauge said to be rising is no error count: no link fault from it.
  const Diagnosis temp = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "GpuTempRising", "Hostname": "a100-sxm-112", "gpu": "0"},
    "annotations": {"summary": "DCGM_FI_DEV_GPU_TEMP rising on a100-sxm-112 GPU 0"},
    "startsAt": "2026-12-04T06:02:00Z"
  })JSON"));
  CHECK(temp.root_cause != "pcie_link_degraded");
  CHECK(temp.root_cause != "nvlink_error");
}

// A rule that tests the clock-event-reasons field with a bit mask: `& 0x60` is the thermal slowdown
// bits, the summary says only that clocks are reduced. Before, `&` (not PromQL) left the expression
// unread: `unknown`. A mask of both kinds (0xE8: HW slowdown, thermal, power brake) names neither.
TEST_CASE("ao2: a clock-reasons bit mask in the alert's expression names the throttle its bits are") {
  const Diagnosis d = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "GpuClocksReduced", "severity": "warning", "Hostname": "xe9680-31", "gpu": "6"},
    "annotations": {"summary": "GPU 6 on xe9680-31: clocks reduced for 15 minutes"},
    "startsAt": "2026-12-04T06:40:00Z",
    "generatorURL": "http://prometheus:9090/graph?g0.expr=max+by+%28Hostname%2C+gpu%29+%28%28DCGM_FI_DEV_CLOCKS_EVENT_REASONS+%26+0x60%29+%3E+0%29&g0.tab=1"
  })JSON"));
  CheckSuspected(d, "gpu_thermal_throttle", "xe9680-31/gpu6");
  const Diagnosis both = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "GpuClocksReduced", "severity": "warning", "Hostname": "xe9680-31", "gpu": "6"},
    "annotations": {"summary": "GPU 6 on xe9680-31: clocks reduced for 15 minutes"},
    "startsAt": "2026-12-04T06:40:00Z",
    "generatorURL": "http://prometheus:9090/graph?g0.expr=%28DCGM_FI_DEV_CLOCKS_EVENT_REASONS+%26+0xE8%29+%3E+0&g0.tab=1"
  })JSON"));
  CHECK(both.confidence < 0.2);
}

// AO3: an Xid storm the rule counts over several GPUs and nodes (a `count(...) by (job)` rule whose
// `instance` label is the first node): a kernel's bad address that every rank hit is the job's, as
// lines from processes on several GPUs are, not the node the alert's label names. Before, the answer
// was on the labelled node. One GPU stays that GPU's.
TEST_CASE("ao3: an Xid 31 stated on many GPUs of two nodes is the job's; on one GPU, that GPU's") {
  const Diagnosis many = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "GPUXidBurst", "severity": "critical", "job": "sft-70b-run4",
               "instance": "a3-mega-17:9400"},
    "annotations": {"summary": "Xid 31 (MMU fault) on 12 GPUs across a3-mega-17, a3-mega-18 in 20s"},
    "startsAt": "2026-12-04T05:11:52Z"
  })JSON"));
  CheckSuspected(many, "illegal_memory_access", "job");
  const Diagnosis one = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "GPUXidBurst", "severity": "critical", "Hostname": "a3-mega-17", "gpu": "5"},
    "annotations": {"summary": "Xid 31 (MMU fault) on 1 GPU of a3-mega-17 in 20s"},
    "startsAt": "2026-12-04T05:11:52Z"
  })JSON"));
  CheckSuspected(one, "illegal_memory_access", "a3-mega-17/gpu5");
}

// AO3: a DCGM health watch's memory system failing, from the alert alone. DCGM's memory watch fails
// on a row remap failure or on uncorrectable ECC errors and the alert does not say which: the ranked
// pair, row remapping first, at a modest confidence, on the alert's GPU. Before, `unknown` (0.09, the
// KB prior). A PCIe health failure names neither.
TEST_CASE("ao3: a DCGM health memory failure is a suspected row remap failure, uncorrectable ECC second") {
  const Diagnosis d = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "DCGMHealthCheckFailed", "severity": "critical", "Hostname": "h200-pod3-n12",
               "gpu": "6"},
    "annotations": {"summary": "DCGM health check: memory system FAIL on h200-pod3-n12 GPU 6"},
    "startsAt": "2026-12-04T06:02:10Z"
  })JSON"));
  CHECK(d.root_cause == "gpu_row_remap_failure");
  CHECK(d.component == "h200-pod3-n12/gpu6");
  REQUIRE(d.hypotheses.size() >= 2);
  CHECK(d.hypotheses[1].category == "gpu_memory_uncorrectable_ecc");
  CHECK(d.confidence > 0.15);
  CHECK(d.confidence < 0.35);
  CHECK(d.summary.rfind("suspected", 0) == 0);
  const Diagnosis pcie = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "DCGMHealthCheckFailed", "severity": "critical", "Hostname": "h200-pod3-n12",
               "gpu": "6"},
    "annotations": {"summary": "DCGM health check: PCIe system FAIL on h200-pod3-n12 GPU 6"},
    "startsAt": "2026-12-04T06:02:10Z"
  })JSON"));
  // "memory failure" in words: the KB recall lifts row remapping above 0.25 (the ECC reading explained
  // away by it); the alert still does not split the two causes, so the answer stays at most 0.25.
  const Diagnosis worded = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "DCGMHealthFailure", "Hostname": "b200-r4-n07", "gpu": "3"},
    "annotations": {"summary": "DCGM health: memory failure on b200-r4-n07 GPU 3"},
    "startsAt": "2026-12-04T06:02:10Z"
  })JSON"));
  CHECK(worded.root_cause == "gpu_row_remap_failure");
  CHECK(worded.component == "b200-r4-n07/gpu3");
  CHECK(worded.confidence > 0.15);
  CHECK(worded.confidence <= 0.25);
  CHECK(pcie.root_cause != "gpu_row_remap_failure");
  CHECK(pcie.root_cause != "gpu_memory_uncorrectable_ecc");
}

// A GPU missing from its node (AO4): the node exports or advertises one GPU fewer than it has, or one
// GPU's DCGM series stopped. The driver no longer reaches that GPU: off the bus (Xid 79) or its
// firmware (GSP) failed - the alert does not say which, so the answer is the ranked pair, suspected,
// below 0.3. Before: `unknown` (0.10) for each.
TEST_CASE("ao4: a GPU missing from its node is a suspected GPU off the bus, firmware error second") {
  const Diagnosis counted = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "GPUCountBelowExpected", "severity": "critical", "Hostname": "hgx-b200-r3-n11"},
    "annotations": {"summary": "hgx-b200-r3-n11 exports 7 GPUs, expected 8"},
    "generatorURL": "http://prometheus:9090/graph?g0.expr=count%20by%20%28Hostname%29%20%28DCGM_FI_DEV_POWER_USAGE%7Bcluster%3D%22east%22%7D%29%20%3C%208&g0.tab=1",
    "startsAt": "2026-12-04T07:12:00Z"
  })JSON"));
  CHECK(counted.root_cause == "gpu_fallen_off_bus");
  CHECK(counted.component == "hgx-b200-r3-n11");
  REQUIRE(counted.hypotheses.size() >= 2);
  CHECK(counted.hypotheses[1].category == "gpu_firmware_error");
  CHECK(counted.confidence > 0.15);
  CHECK(counted.confidence < 0.3);
  CHECK(counted.summary.rfind("suspected", 0) == 0);
  // kube-state-metrics' allocatable GPUs, words only.
  const Diagnosis allocatable = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "NodeGPUsNotAllocatable", "node": "k8s-gpu-pool-a-17", "resource": "nvidia_com_gpu",
               "severity": "warning"},
    "annotations": {"summary": "k8s-gpu-pool-a-17: 6 of 8 nvidia.com/gpu allocatable"},
    "startsAt": "2026-12-04T07:12:00Z"
  })JSON"));
  CHECK(allocatable.root_cause == "gpu_fallen_off_bus");
  CHECK(allocatable.component == "k8s-gpu-pool-a-17");
  CHECK(allocatable.confidence < 0.3);
  // One GPU's series stopped: that GPU.
  const Diagnosis stopped = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "DCGMGPUSeriesAbsent", "Hostname": "a100-r7-n02", "gpu": "6"},
    "annotations": {"summary": "dcgm-exporter stopped reporting GPU 6 on a100-r7-n02"},
    "startsAt": "2026-12-04T07:12:00Z"
  })JSON"));
  CHECK(stopped.root_cause == "gpu_fallen_off_bus");
  CHECK(stopped.component == "a100-r7-n02/gpu6");
  CHECK(stopped.confidence > 0.15);
  CHECK(stopped.confidence < 0.3);
}

// Twins: GPUs counted in a state, or the exporter down for the whole node, are no GPU missing.
TEST_CASE("ao4: GPUs counted in a state, or a whole exporter down, name no GPU off the bus") {
  const Diagnosis idle = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "GPUsIdle", "Hostname": "hgx-b200-r3-n11"},
    "annotations": {"summary": "7 of 8 GPUs idle on hgx-b200-r3-n11 for 20m"},
    "generatorURL": "http://prometheus:9090/graph?g0.expr=count%20by%20%28Hostname%29%20%28DCGM_FI_DEV_GPU_UTIL%20%3C%205%29%20%3E%3D%207&g0.tab=1",
    "startsAt": "2026-12-04T07:12:00Z"
  })JSON"));
  CHECK(idle.root_cause != "gpu_fallen_off_bus");
  const Diagnosis down = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "DCGMExporterDown", "Hostname": "hgx-b200-r3-n11"},
    "annotations": {"summary": "no DCGM samples from hgx-b200-r3-n11 for 8 minutes"},
    "generatorURL": "http://prometheus:9090/graph?g0.expr=absent%28up%7Bjob%3D%22dcgm-exporter%22%7D%29&g0.tab=1",
    "startsAt": "2026-12-04T07:12:00Z"
  })JSON"));
  CHECK(down.root_cause != "gpu_fallen_off_bus");
}

// An AO5 ranked pair read from the alert alone: `first` answered, suspected, below 0.3, `second` next.
void CheckPairAlone(const Diagnosis& d, const std::string& first, const std::string& second, const std::string& component) {
  CHECK(d.root_cause == first);
  if (!component.empty()) CHECK(d.component == component);
  REQUIRE(d.hypotheses.size() >= 2);
  CHECK(d.hypotheses[1].category == second);
  CHECK(d.confidence > 0.15);
  CHECK(d.confidence < 0.3);
  CHECK(d.summary.rfind("suspected", 0) == 0);
}

// A GPU health check that failed without saying what it found (AO5): a node drained by its health
// check, a GPU marked unhealthy, a DCGM diagnostic failing. Most often a row remap failure, else
// uncorrectable ECC errors: the ranked pair, suspected, below 0.3. nvidia-smi failing is the driver
// not reaching a GPU (off the bus first), hanging is a GPU's firmware not answering (firmware first).
// Before: `unknown` (0.09-0.10) with neither, or only one, in the top 3.
TEST_CASE("ao5: a failed GPU health check is a suspected row remap failure, ECC second; nvidia-smi failing or hanging") {
  const Diagnosis drained = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "SlurmNodeDrained", "node": "hgx-c9-n4", "partition": "train", "severity": "warning"},
    "annotations": {"summary": "hgx-c9-n4 drained by epilog: GPU health check failed"},
    "startsAt": "2026-12-04T07:12:00Z"
  })JSON"));
  CheckPairAlone(drained, "gpu_row_remap_failure", "gpu_memory_uncorrectable_ecc", "hgx-c9-n4");
  // node-problem-detector's condition, in a label only.
  const Diagnosis npd = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "KubeNodeConditionTrue", "node": "aks-nd96-07", "condition": "GPUUnhealthy", "status": "true"},
    "annotations": {"summary": "Node aks-nd96-07 has a condition set"},
    "startsAt": "2026-12-04T07:12:00Z"
  })JSON"));
  CheckPairAlone(npd, "gpu_row_remap_failure", "gpu_memory_uncorrectable_ecc", "aks-nd96-07");
  const Diagnosis smi = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "SlurmNodeDrained", "node": "a100-q4-19"},
    "annotations": {"summary": "a100-q4-19 drained by NHC: nvidia-smi failed"},
    "startsAt": "2026-12-04T07:12:00Z"
  })JSON"));
  CheckPairAlone(smi, "gpu_fallen_off_bus", "gpu_firmware_error", "a100-q4-19");
  const Diagnosis hung = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "NodeHealthCheckFailed", "node": "h200-g2-05"},
    "annotations": {"summary": "h200-g2-05: nvidia-smi hung for 60 s in the prolog"},
    "startsAt": "2026-12-04T07:12:00Z"
  })JSON"));
  CheckPairAlone(hung, "gpu_firmware_error", "gpu_fallen_off_bus", "h200-g2-05");
}

// Twins that must not read as a failed GPU check: a drain whose reason is another part, a check
// naming its finding (the pack reads it, at its own weight).
TEST_CASE("ao5: a drain for another reason, or a check naming what it found, is no unnamed GPU check") {
  const Diagnosis kill = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "SlurmNodeDrained", "node": "cpu-r2-n8"},
    "annotations": {"summary": "cpu-r2-n8 drained: Kill task failed"},
    "startsAt": "2026-12-04T07:12:00Z"
  })JSON"));
  CHECK(kill.root_cause != "gpu_row_remap_failure");
  const Diagnosis mount = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "SlurmNodeDrained", "node": "gpu-n8"},
    "annotations": {"summary": "gpu-n8 drained by NHC: check_fs_mount /lustre failed"},
    "startsAt": "2026-12-04T07:12:00Z"
  })JSON"));
  CHECK(mount.root_cause != "gpu_row_remap_failure");
  const Diagnosis named = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "SlurmNodeDrained", "node": "dgx-r1-3"},
    "annotations": {"summary": "dgx-r1-3 drained by NHC: GPU 4 row remap failure"},
    "startsAt": "2026-12-04T07:12:00Z"
  })JSON"));
  CHECK(named.root_cause == "gpu_row_remap_failure");
  CHECK(named.confidence > 0.3);  // the pack's signature, not the capped pair
}

// An Xid reported without its code (AO5): off the bus and firmware lead, below 0.3. A code
// given is the pack's reading (an Xid 48 alert stays ECC).
TEST_CASE("ao5: an Xid without its code is a suspected GPU off the bus, firmware second") {
  const Diagnosis xid = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "NodeGPUXidErrors", "node": "a100-r2-031", "severity": "critical"},
    "annotations": {"summary": "a100-r2-031: 3 GPUs reported Xid errors in 10 minutes"},
    "startsAt": "2026-12-04T07:12:00Z"
  })JSON"));
  // The pair leads, in either order (the KB's recall of the words may put firmware first).
  CHECK((xid.root_cause == "gpu_fallen_off_bus" || xid.root_cause == "gpu_firmware_error"));
  CheckPairAlone(xid, xid.root_cause, xid.root_cause == "gpu_fallen_off_bus" ? "gpu_firmware_error" : "gpu_fallen_off_bus",
                 "a100-r2-031");
  const Diagnosis condition = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "KubeNodeConditionTrue", "node": "b200-k-11", "condition": "GpuXidCritical", "status": "true"},
    "annotations": {"summary": "Node b200-k-11 has condition GpuXidCritical"},
    "startsAt": "2026-12-04T07:12:00Z"
  })JSON"));
  CHECK(condition.root_cause == "gpu_fallen_off_bus");
  const Diagnosis coded = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "GPUXidError", "Hostname": "h100-s3", "gpu": "2"},
    "annotations": {"summary": "Xid 48 on h100-s3 GPU 2", "description": "DCGM_FI_DEV_XID_ERRORS != 0 (value 48)"},
    "startsAt": "2026-12-04T07:12:00Z"
  })JSON"));
  CHECK(coded.root_cause == "gpu_memory_uncorrectable_ecc");
  const Diagnosis labelled = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "GPUXidError", "Hostname": "h100-s3", "gpu": "2", "xid": "119"},
    "annotations": {"summary": "GPU 2 on h100-s3 reported a critical Xid error"},
    "startsAt": "2026-12-04T07:12:00Z"
  })JSON"));
  CHECK(labelled.root_cause == "gpu_firmware_error");
}

// A busy GPU's clocks held low with no reason given (AO5): power first, thermal second, below 0.3; a
// named reason is the pack's reading.
TEST_CASE("ao5: clocks low under load, no reason given, is a suspected power throttle, thermal second") {
  const Diagnosis low = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "GPUClocksLowUnderLoad", "Hostname": "hgx-m4", "gpu": "6"},
    "annotations": {"summary": "GPU 6 on hgx-m4 below 1250 MHz while busy",
                    "description": "DCGM_FI_DEV_SM_CLOCK < 1250 and DCGM_FI_DEV_GPU_UTIL > 90 for 15m"},
    "startsAt": "2026-12-04T07:12:00Z"
  })JSON"));
  CheckPairAlone(low, "gpu_power_throttle", "gpu_thermal_throttle", "hgx-m4/gpu6");
  const Diagnosis thermal = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "GPUClocksThrottledThermal", "Hostname": "hgx-m4", "gpu": "1"},
    "annotations": {"summary": "hgx-m4 GPU 1 clocks held down by HW thermal slowdown"},
    "startsAt": "2026-12-04T07:12:00Z"
  })JSON"));
  CHECK(thermal.root_cause != "gpu_power_throttle");  // the reason named: not this reading
  const Diagnosis cpu = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "NodeCPUClockLow", "instance": "gpu-n3:9100"},
    "annotations": {"summary": "CPU clock below 1200 MHz on gpu-n3"},
    "startsAt": "2026-12-04T07:12:00Z"
  })JSON"));
  CHECK(cpu.root_cause != "gpu_power_throttle");
}

// An alert its rule rates informational names its cause at most 0.25 (AO5); the same alert at
// severity warning keeps the alert-only cap of 0.45.
TEST_CASE("ao5: an informational alert alone names its cause below 0.3") {
  const std::string alert = R"JSON({
    "labels": {"alertname": "DCGMNVLinkCRCErrors", "Hostname": "hgx-p7", "gpu": "5", "severity": "SEVERITY"},
    "annotations": {"summary": "NVLink CRC errors on hgx-p7 GPU 5",
                    "description": "GPU 5 on hgx-p7 counted 240 NVLink CRC flit errors in 10m."},
    "generatorURL": "http://prometheus:9090/graph?g0.expr=increase%28DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL%5B10m%5D%29%20%3E%2050&g0.tab=1",
    "startsAt": "2026-12-04T07:12:00Z"
  })JSON";
  auto with = [&](const std::string& severity) {
    std::string a = alert;
    a.replace(a.find("SEVERITY"), 8, severity);
    return DiagnoseAlone(AlertCase(a));
  };
  const Diagnosis info = with("info");
  const Diagnosis warning = with("warning");
  CHECK(info.root_cause == "nvlink_error");
  CHECK(info.confidence <= 0.25);
  REQUIRE_FALSE(info.hypotheses.empty());
  CHECK(info.hypotheses[0].rationale.find("severity \"info\"") != std::string::npos);
  CHECK(warning.root_cause == "nvlink_error");
  CHECK(warning.confidence > 0.3);
}

// GPU utilisation low, from the alert alone (AO5): a symptom, `unknown`, with the input pipeline and
// then the host link ranked first. Before: the KB recall of the words ranked straggler_rank,
// loss_divergence and nvlink_error for such an alert.
TEST_CASE("ao5: low GPU utilisation alone stays unknown, the data loader and the host link ranked first") {
  const Diagnosis d = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "GPUUtilizationLow", "severity": "warning", "namespace": "ml", "job_name": "vit-g-pt"},
    "annotations": {"summary": "vit-g-pt: mean GPU utilisation 31% over 15m"},
    "startsAt": "2026-12-04T07:12:00Z"
  })JSON"));
  CHECK(d.root_cause == "unknown");
  REQUIRE(d.hypotheses.size() >= 2);
  CHECK(d.hypotheses[0].category == "dataloader_stall");
  CHECK(d.hypotheses[1].category == "pcie_link_degraded");
  // GPUs idle because nothing runs on them: not this reading.
  const Diagnosis idle = DiagnoseAlone(AlertCase(R"JSON({
    "labels": {"alertname": "GPUIdleAllocated", "node": "gh-3"},
    "annotations": {"summary": "All GPUs of gh-3 idle while allocated to job 7102"},
    "startsAt": "2026-12-04T07:12:00Z"
  })JSON"));
  CHECK((idle.hypotheses.empty() || idle.hypotheses[0].category != "dataloader_stall" ||
         idle.hypotheses.size() < 2 || idle.hypotheses[1].category != "pcie_link_degraded"));
}

}  // namespace
}  // namespace vigil
