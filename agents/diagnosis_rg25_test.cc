// RG25 (2026-12-04): confident wrong answers of the seen sets read for their family. Each test is
// the rule an on-call engineer applies, on a case written for the test (nodes qz-NN), not copied
// from the sets.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "agents/diagnosis_testing.h"

namespace vigil {
namespace {

// ---- 1. a job-wide NaN loss: the GPUs of the nodes the case's telemetry covers are checked -----

// A 3-node job's loss turns NaN (read from rank 0's log on qz-01, where the alert fires); the case
// carries DCGM utilisation of qz-02 (where someone looked); gpu.health of qz-02/gpu5 finds a
// volatile uncorrectable ECC error, every other GPU checked passes.
std::string NanLossCase() {
  std::string lines;
  for (int i = 0; i < 6; ++i) {
    const bool nan = i >= 3;
    lines += std::string(i ? ",\n" : "") + "      \"[2026-05-02 11:0" + std::to_string(i) +
             ":00] iteration " + std::to_string(4200 + i) + "/ 90000 | lm loss: " + (nan ? "nan" : "1.874") +
             " | loss scale: 1.0 | grad norm: " + (nan ? "nan" : "0.41") + " | number of nan iterations: " +
             std::to_string(nan ? i - 2 : 0) + " |\"";
  }
  std::string util;
  for (int g = 0; g < 8; ++g) {
    util += std::string(g ? ",\n" : "") +
            "    {\"name\": \"DCGM_FI_DEV_GPU_UTIL\", \"labels\": {\"Hostname\": \"qz-02\", \"gpu\": \"" +
            std::to_string(g) +
            "\"}, \"samples\": [[1777719600000, 97], [1777719660000, 98], [1777719720000, 96], [1777719780000, 97]]}";
  }
  std::string probes;
  for (const char* node : {"qz-01", "qz-02"}) {
    for (int g = 0; g < 8; ++g) {
      const std::string t = std::string(node) + "/gpu" + std::to_string(g);
      const bool bad = t == "qz-02/gpu5";
      probes += std::string(probes.empty() ? "" : ",\n") + "    \"gpu.health@" + t + "\": {\"status\": \"" +
                (bad ? "fail" : "pass") + "\", \"metrics\": {\"ecc_dbe_volatile\": " + (bad ? "2" : "0") +
                ", \"ecc_dbe_aggregate\": " + (bad ? "2" : "0") +
                ", \"remap_pending\": 0, \"remap_failure\": 0, \"temperature_c\": 51}, " +
                "\"thresholds\": {\"ecc_dbe_volatile_max\": 0}, \"reason\": \"" +
                (bad ? "2 volatile uncorrectable (DBE) ECC errors" : "all health counters within thresholds") +
                "\", \"duration_s\": 1.0}";
    }
  }
  for (const char* node : {"qz-01", "qz-02", "qz-03"}) {
    probes += std::string(",\n    \"gpu.sdc@") + node +
              "\": {\"status\": \"pass\", \"metrics\": {\"mismatched_elements\": 0, \"gpus_checked\": 8}, "
              "\"thresholds\": {\"mismatched_elements_max\": 0}, \"reason\": \"checksum vote within thresholds\", "
              "\"duration_s\": 4.0}";
  }
  return std::string("{\"id\": \"rg25-nan-ecc\",\n") +
         "  \"alert\": {\"labels\": {\"alertname\": \"TrainingLossNaN\", \"job\": \"llm-qz\", \"node\": \"qz-01\"}, "
         "\"annotations\": {\"summary\": \"loss is nan, job llm-qz\"}, \"startsAt\": \"2026-05-02T11:08:00Z\"},\n"
         "  \"topology\": {\"nodes\": [\"qz-01\", \"qz-02\", \"qz-03\"], \"gpus_per_node\": 8},\n"
         "  \"logs\": [{\"source\": \"qz-01/rank0/stderr\", \"lines\": [\n" + lines + "]}],\n"
         "  \"metrics\": [\n" + util + "],\n"
         "  \"probes\": {\n" + probes + "}\n}";
}

TEST_CASE("rg25: a job-wide NaN loss sweeps the GPUs of the node the case's telemetry covers") {
  // Before: only the alert's node was swept with gpu.health; qz-02's DBE was never read and the
  // answer was loss_divergence on the job at ~0.8.
  const Diagnosis d = testing::RunCaseText(NanLossCase(), /*intrusive=*/true);
  CHECK(d.root_cause == "gpu_memory_uncorrectable_ecc");
  CHECK(d.component == "qz-02/gpu5");
}


// ---- 2. an illegal address on the GPU of the rank the waiters wait for explains their timeouts ----

// A 2-node job: qz-22's rank 9 (GPU 1) dies of "an illegal memory access was encountered" two minutes
// after the kernel logged Xid 31 naming GPU 1's bus id; rank 3 on qz-21 reports the watchdog's
// 600 s timeout of the all-to-all it waited in; rank 9 wrote no timeout.
constexpr const char* kIllegalAddressHang = R"JSON({
  "id": "rg25-xid31-hang",
  "alert": {"labels": {"alertname": "TrainingJobFailed", "job": "moe-qz", "node": "qz-22"},
            "annotations": {"summary": "job moe-qz failed"}, "startsAt": "2026-06-11T03:25:00Z"},
  "topology": {"nodes": ["qz-21", "qz-22"], "gpus_per_node": 8,
               "gpu_pci_bus": {"gpu0": "0000:18:00.0", "gpu1": "0000:2a:00.0", "gpu2": "0000:3a:00.0", "gpu3": "0000:5d:00.0",
                               "gpu4": "0000:9a:00.0", "gpu5": "0000:ab:00.0", "gpu6": "0000:ba:00.0", "gpu7": "0000:db:00.0"}},
  "logs": [
    {"source": "qz-22/rank9/stderr", "lines": [
      "[rank9]: Traceback (most recent call last):",
      "[rank9]:   File \"/opt/ext/grouped_gemm/ops.py\", line 118, in forward",
      "[rank9]: RuntimeError: CUDA error: an illegal memory access was encountered"]},
    {"source": "qz-22/journal", "lines": [
      "Jun 11 03:12:40 qz-22 kernel: NVRM: Xid (PCI:0000:2a:00): 31, pid=90211, name=python, Ch 00000010, intr 00000000. MMU Fault: ENGINE GRAPHICS GPC1 GPCCLIENT_T1_2 faulted @ 0x7f11_40000000. Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_READ"]},
    {"source": "qz-21/rank3/stderr", "lines": [
      "[rank3]:[E0611 03:14:55.120000000 ProcessGroupNCCL.cpp:616] [Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=5120, OpType=ALLTOALL_BASE, NumelIn=2097152, NumelOut=2097152, Timeout(ms)=600000) ran for 600012 milliseconds before timing out.",
      "[rank3]:[E0611 03:14:55.300000000 ProcessGroupNCCL.cpp:630] [Rank 3] Some NCCL operations have failed or timed out. Due to the asynchronous nature of CUDA kernels, subsequent GPU operations might run on corrupted/incomplete data.",
      "[rank3]:[E0611 03:14:55.500000000 ProcessGroupNCCL.cpp:636] [Rank 3] To avoid data inconsistency, we are taking the entire process down."]}
  ]
})JSON";

TEST_CASE("rg25: an illegal address on the silent rank's GPU explains the peers' collective timeouts") {
  // Before: nccl_collective_hang led (the silent rank counted as the hang's own evidence, and an
  // illegal address was no device fault for the waiters' timeouts).
  const Diagnosis d = testing::RunCaseText(kIllegalAddressHang);
  CHECK(d.root_cause == "illegal_memory_access");
  CHECK(d.component == "qz-22/gpu1");
}

}  // namespace
}  // namespace vigil
