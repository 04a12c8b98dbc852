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

// 1. (rl57-29) A checkpoint saved to Azure Blob (a blobfuse2 mount, azcopy) that the storage account
//    throttles: Azure Storage answers 503 ServerBusy ("Ingress/Egress is over the account limit",
//    "The server is busy"), the save stalls and every rank's BARRIER hits the NCCL watchdog. The
//    account is every node's, like an S3 bucket: the job's storage_failure, not a collective hang
//    and not the node whose blobfuse2 log was read.
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

const char* kBlobCase = R"JSON({
  "id": "plc65-blob-throttle",
  "alert": {"status": "firing", "labels": {"alertname": "NCCLWatchdogTimeout", "severity": "critical", "job_id": "5120"},
            "annotations": {"summary": "job 5120: NCCL watchdog timeout on 16 ranks"},
            "startsAt": "2026-11-02T08:12:00Z"},
  "topology": {"nodes": ["vx-101", "vx-102"], "gpus_per_node": 8, "timezone": "UTC"},
  "logs": [
    {"source": "slurm-5120.out", "lines": [
      "srun: job 5120 step 0: 16 tasks on 2 nodes (vx-[101-102])",
      " [2026-11-02 07:59:10] iteration     4000/  90000 | lm loss: 2.101E+00 | grad norm: 0.71 |",
      "[rank0]: saving checkpoint at iteration 4000 to /mnt/ckpt/run-3 (blobfuse2, container ckpt)",
      "[rank5]:[E1102 08:11:50.000101 9101 ProcessGroupNCCL.cpp:632] [Rank 5] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=88120, OpType=BARRIER, NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600011 milliseconds before timing out.",
      "[rank12]:[E1102 08:11:50.000320 9412 ProcessGroupNCCL.cpp:632] [Rank 12] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=88120, OpType=BARRIER, NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600020 milliseconds before timing out.",
      "srun: error: vx-102: tasks 8-15: Exited with exit code 1"]},
    {"source": "vx-101/blobfuse2.log", "lines": [
      "Nov  2 08:02:01 vx-101 blobfuse2[4410]: LOG_ERR [block_blob.go:1101] BlockBlob::StageBlock : Failed to stage block for run-3/iter_0004000/shard_00.pt [PUT https://runckpt.blob.core.windows.net/ckpt/...: 503 Server Busy: ServerBusy: Ingress is over the account limit.]",
      "Nov  2 08:03:40 vx-101 blobfuse2[4410]: LOG_ERR [block_blob.go:1101] BlockBlob::StageBlock : retry 5/5 failed: 503 ServerBusy: Ingress is over the account limit."]}
  ]
})JSON";

TEST_CASE("plc65: a checkpoint save throttled by Azure Blob (503 ServerBusy) is the job's storage_failure") {
  const Diagnosis d = testing::RunCaseText(kBlobCase);
  CHECK(d.root_cause == "storage_failure");
  CHECK(d.component == "job");
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
