// PLC65 (2026-12-07, realistic57, SEEN fixes: the blind run's misses): evidence written for these
// tests (made-up minimal lines in the shape of the case's logs, not the case's text).
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "agents/diagnosis_testing.h"
#include "agents/node_cooling.h"
#include "agents/object_store.h"

namespace vigil {
namespace {

// 1. (rl57-29) Azure Blob (a blobfuse2 mount, azcopy) and GCS are object stores: an account is every
//    node's, like an S3 bucket. (The pack signature for Azure's 503 ServerBusy that would make rl57-29
//    storage_failure was tried and dropped: agents/HISTORY.md, PLC65.)
TEST_CASE("plc65: NamesObjectStore reads Azure Blob's endpoint, tools, operations and throttling code") {
  CHECK(NamesObjectStore("PUT https://acct7.blob.core.windows.net/ckpt/step_9/shard_3.pt"));
  CHECK(NamesObjectStore("Dec  1 02:00:00 h1 blobfuse2[77]: LOG_WARNING [file_cache.go:1402] FileCache::FlushFile : pending"));
  CHECK(NamesObjectStore("INFO: azcopy copy /local/ckpt https://x/y --recursive: 12 transfers failed"));
  CHECK(NamesObjectStore("BlockBlob::StageBlock : Failed to stage block for ckpt/shard_3.pt"));
  CHECK(NamesObjectStore("retry 3/5 failed: 503 ServerBusy: The server is busy."));
  CHECK(NamesObjectStore("GET https://storage.googleapis.com/upload/storage/v1/b/ckpt/o: 429"));
  // Not an object store: a local or shared file system, a GPU's busy state.
  CHECK_FALSE(NamesObjectStore("OSError: [Errno 28] No space left on device: '/nvme/ckpt/step_9'"));
  CHECK_FALSE(NamesObjectStore("nfs: server ckpt-nfs01 not responding, still trying"));
  CHECK_FALSE(NamesObjectStore("cudaErrorDevicesUnavailable: all CUDA-capable devices are busy or unavailable"));
}

// 2. (rl57-09) A node's inlet air temperature over its upper critical threshold (the BMC's SEL) cools
//    every GPU of the node badly: a thermal throttle read on two of its GPUs is the node's, not the
//    GPU whose nvidia-smi was read first.
TEST_CASE("plc65: an inlet temperature over its upper critical threshold is a node cooling fault") {
  CHECK(StatesNodeCoolingFault("  12 | 03/04/2026 | 01:02:03 | Temperature GPU_Inlet | Upper Critical going high | Asserted | Reading 40 > Threshold 37 degrees C"));
  CHECK(StatesNodeCoolingFault("SEL: Inlet Temp: Upper Non-recoverable going high, asserted"));
  CHECK(StatesNodeCoolingFault("Temperature Ambient_Temp | Upper Critical going high | Asserted"));
  // Deasserted, a warning level, a GPU's own temperature or a low reading are not.
  CHECK_FALSE(StatesNodeCoolingFault("  13 | 03/04/2026 | 01:22:03 | Temperature GPU_Inlet | Upper Critical going high | Deasserted"));
  CHECK_FALSE(StatesNodeCoolingFault("Temperature Inlet_Temp | Upper Non-critical going high | Asserted"));
  CHECK_FALSE(StatesNodeCoolingFault("Temperature GPU3_Temp | Upper Critical going high | Asserted"));
  CHECK_FALSE(StatesNodeCoolingFault("Temperature Inlet_Temp | Lower Critical going low | Asserted"));
}

std::string HotNodeCase(bool sel) {
  std::string metrics;
  const int64_t t0 = 1796364120000;  // 2026-12-04T06:02:00Z
  for (int gpu : {1, 6}) {
    metrics += R"({"name": "DCGM_FI_DEV_GPU_TEMP", "labels": {"Hostname": "tq-02", "gpu": ")" + std::to_string(gpu) +
               R"("}, "samples": [)";
    const int temps[] = {66, 67, 78, 86, 88, 89, 90};
    for (int k = 0; k < 7; ++k) {
      metrics += (k ? ", [" : "[") + std::to_string(t0 + k * 120000) + ", " + std::to_string(temps[k]) + "]";
    }
    metrics += "]},\n";
  }
  metrics += R"({"name": "DCGM_FI_DEV_GPU_TEMP", "labels": {"Hostname": "tq-01", "gpu": "1"}, "samples": [)";
  for (int k = 0; k < 7; ++k) metrics += (k ? ", [" : "[") + std::to_string(t0 + k * 120000) + ", 67]";
  metrics += "]}";
  std::string logs = R"({"source": "tq-02/nvidia-smi-q-perf.txt", "lines": ["GPU 00000000:2A:00.0",
      "    Clocks Event Reasons", "        HW Slowdown                       : Active",
      "            HW Thermal Slowdown           : Active", "    Temperature", "        GPU Current Temp                  : 89 C"]})";
  if (sel) {
    logs += R"(,
    {"source": "tq-02/ipmi-sel.txt", "lines": ["  7 | 12/04/2026 | 06:08:00 | Temperature GPU_Inlet | Upper Critical going high | Asserted | Reading 40 > Threshold 37 degrees C"]})";
  }
  return R"JSON({
  "id": "plc65-inlet",
  "alert": {"status": "firing", "labels": {"alertname": "TrainingThroughputDrop", "severity": "warning", "job": "tq-train"},
            "annotations": {"summary": "tq-train tokens/s down 30 % for 10 m"}, "startsAt": "2026-12-04T06:16:00Z"},
  "topology": {"nodes": ["tq-01", "tq-02"], "gpus_per_node": 8, "timezone": "UTC"},
  "metrics": [)JSON" + metrics + R"JSON(],
  "logs": [)JSON" + logs + R"JSON(]
})JSON";
}

TEST_CASE("plc65: a thermal throttle on two GPUs of a node whose inlet air is over its critical threshold is the node's") {
  const Diagnosis d = testing::RunCaseText(HotNodeCase(true));
  CHECK(d.root_cause == "gpu_thermal_throttle");
  CHECK(d.component == "tq-02");
}

}  // namespace
}  // namespace vigil
