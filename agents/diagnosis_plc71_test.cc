// PLC71 (2026-12-07, realistic57, SEEN fixes, second round: what PLC65 left): evidence written for these
// tests (made-up minimal lines in the shape of a cloud cluster's logs, not the cases' text).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "agents/cloud_vm_eviction.h"
#include "agents/diagnosis_testing.h"
#include "agents/object_store_throttle.h"

namespace vigil {
namespace {

// 1. (rl57-19) A cloud provider's notice that it takes a VM: Azure's scheduled events, Spot evictions
//    and interruptions, GCP's preemption and host-maintenance terminate. A live migration, a Freeze,
//    a pod's preemption or a kubelet's eviction for memory are not the provider taking the VM.
TEST_CASE("plc71: StatesVmEvictionNotice reads a provider's preempt / evict / terminate notice for a VM") {
  CHECK(StatesVmEvictionNotice(R"({"Events":[{"EventId":"x1","EventType":"Preempt","ResourceType":"VirtualMachine","Resources":["vm-7"]}]})"));
  CHECK(StatesVmEvictionNotice(R"({"Events":[{"EventType": "Terminate", "Resources": ["vm-7"]}]})"));
  CHECK(StatesVmEvictionNotice("cyclecloud: node vm-7 deallocated (reason=SpotEviction)"));
  CHECK(StatesVmEvictionNotice("EC2 Spot Instance Interruption Warning for i-0abc (host ip-10-0-1-7)"));
  CHECK(StatesVmEvictionNotice(R"(curl 169.254.169.254/latest/meta-data/spot/instance-action -> {"action": "terminate", "time": "2026-12-01T01:02:00Z"})"));
  CHECK(StatesVmEvictionNotice("protoPayload.methodName: compute.instances.preempted resource: gk-a3-4"));
  CHECK(StatesVmEvictionNotice("Instance was preempted. gk-a3-4"));
  CHECK(StatesVmEvictionNotice("maintenance-event: TERMINATE_ON_HOST_MAINTENANCE gk-a3-4"));
  CHECK_FALSE(StatesVmEvictionNotice(R"({"Events":[{"EventType":"Freeze","Resources":["vm-7"]}]})"));
  CHECK_FALSE(StatesVmEvictionNotice(R"({"Events":[{"EventType":"Redeploy","EventStatus":"Started","Resources":["vm-7"]}]})"));
  CHECK_FALSE(StatesVmEvictionNotice("maintenance-event: MIGRATE_ON_HOST_MAINTENANCE gk-a3-4"));
  CHECK_FALSE(StatesVmEvictionNotice("Killing pod/w-3 Stopping container trainer (node n-2, reason Preempted)"));
  CHECK_FALSE(StatesVmEvictionNotice("Evicted: The node was low on resource: memory. Container trainer was using 90Gi"));

  CHECK(EvictedVmNames(R"(vm-1 azure-events: {"Events":[{"EventType":"Preempt","Resources":["vm-7","vm-8"]}]})") ==
        std::vector<std::string>{"vm-7", "vm-8"});
  const std::vector<std::string> n = EvictedVmNames("cyclecloud: node vm-7 deallocated (reason=SpotEviction)");
  CHECK(std::find(n.begin(), n.end(), "vm-7") != n.end());
  CHECK(EvictedVmNames("node vm-7 not responding").empty());
}

std::string EvictedVmCase(const std::string& notice) {
  return R"JSON({
  "id": "plc71-evict",
  "topology": {"nodes": ["ev-01", "ev-02", "ev-03"], "gpus_per_node": 8, "timezone": "UTC",
               "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
  "metrics": [{"name": "up", "labels": {"instance": "ev-02:9400", "job": "dcgm-exporter"},
               "samples": [[1796180640000, 1], [1796180670000, 1], [1796180700000, 1], [1796180730000, 1],
                           [1796180760000, 0], [1796180790000, 0], [1796180820000, 0]]},
              {"name": "up", "labels": {"instance": "ev-01:9400", "job": "dcgm-exporter"},
               "samples": [[1796180640000, 1], [1796180700000, 1], [1796180760000, 1], [1796180820000, 1]]}],
  "logs": [
    {"source": "slurm-5.out", "lines": [
      "ev-01:100:200 [3] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.1.0.2<4000> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=0 len=0 vendor err 129 (Recv) hca mlx5_ib3",
      "[rank4]:[E1202 03:06:12.002110 300 ProcessGroupNCCL.cpp:1618] [PG 0 Rank 4] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error",
      "srun: error: Node failure on ev-02",
      "slurmstepd: error: *** STEP 5.0 ON ev-01 CANCELLED AT 2026-12-02T03:06:40 DUE TO NODE FAILURE ***"]},
    {"source": "ev-02/scheduled-events.log", "lines": [)JSON" +
         notice + R"JSON(]}
  ]
})JSON";
}

TEST_CASE("plc71: a Spot VM the provider preempted is its ranks' end, not its GPU's firmware") {
  const Diagnosis d = testing::RunCaseText(EvictedVmCase(
      R"("2026-12-02T03:05:31Z ev-02 azure-events: {\"Events\":[{\"EventType\":\"Preempt\",\"ResourceType\":\"VirtualMachine\",\"Resources\":[\"ev-02\"]}]}")"));
  CHECK(d.root_cause == "rank_process_crash");
  CHECK(d.component.rfind("ev-02", 0) == 0);
  CHECK(testing::ProbabilityOf(d, "gpu_firmware_error") < 0.3);
}

TEST_CASE("plc71: a provider's notice naming a node outside the job changes nothing") {
  const Diagnosis base = testing::RunCaseText(EvictedVmCase(R"("2026-12-02T03:05:31Z ev-02 kernel: hv_balloon: Max. dynamic memory size: 1048576 MB")"));
  const Diagnosis d = testing::RunCaseText(EvictedVmCase(
      R"("2026-12-02T03:05:31Z ev-02 azure-events: {\"Events\":[{\"EventType\":\"Preempt\",\"Resources\":[\"zz-99\"]}]}")"));
  CHECK(d.root_cause == base.root_cause);
  CHECK(d.component == base.component);
}

// 2. (rl57-29) Azure Storage's / GCS's throttling answer to a write: ServerBusy, OperationTimedOut,
//    429 / 503 rateLimitExceeded. A throttled read, another service's 503, a GPU's busy state are not.
TEST_CASE("plc71: StatesObjectStoreWriteThrottled reads Azure's and GCS's throttling of a write") {
  CHECK(StatesObjectStoreWriteThrottled("BlockBlob::StageBlock : retry 2/5 failed: 503 ServerBusy: Ingress is over the account limit."));
  CHECK(StatesObjectStoreWriteThrottled("PUT https://acct.blob.core.windows.net/c/s.pt: 503 Server Busy: The server is busy."));
  CHECK(StatesObjectStoreWriteThrottled("azcopy: upload failed: 500 OperationTimedOut: Operation could not be completed within the permitted time."));
  CHECK(StatesObjectStoreWriteThrottled("POST https://storage.googleapis.com/upload/storage/v1/b/ck/o: 429 rateLimitExceeded"));
  CHECK(StatesObjectStoreWriteThrottled("gcsfuse: writing ck/shard_1.pt: googleapi: Error 503: rateLimitExceeded"));
  CHECK_FALSE(StatesObjectStoreWriteThrottled("GET https://acct.blob.core.windows.net/c/s.pt: 503 ServerBusy: The server is busy."));
  CHECK_FALSE(StatesObjectStoreWriteThrottled("POST https://api.example.com/v1/push: 503 Service Unavailable"));
  CHECK_FALSE(StatesObjectStoreWriteThrottled("cudaErrorDevicesUnavailable: all CUDA-capable devices are busy or unavailable"));
  CHECK_FALSE(FindObjectStoreWriteThrottle({"x", "StageBlock : 503 ServerBusy: The server is busy.", "y"}).has_value());
  const auto two = FindObjectStoreWriteThrottle(
      {"x", "StageBlock : 503 ServerBusy: The server is busy.", "StageBlock : retry 5/5 failed: 503 ServerBusy"});
  REQUIRE(two.has_value());
  CHECK(two->size() == 2);
}

std::string ThrottledSaveCase(const std::string& verb) {
  return R"JSON({
  "id": "plc71-throttle",
  "alert": {"status": "firing", "labels": {"alertname": "NCCLWatchdogTimeout", "severity": "critical", "job_id": "77"},
            "annotations": {"summary": "job 77: NCCL watchdog timeout on 16 ranks"}, "startsAt": "2026-12-07T04:13:50Z"},
  "topology": {"nodes": ["bz-01", "bz-02"], "gpus_per_node": 8, "timezone": "UTC",
               "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
  "logs": [
    {"source": "slurm-77.out", "lines": [
      "[rank0]: saving checkpoint at iteration 5000 to /mnt/ck/run (blobfuse2)",
      "[rank3]:[E1207 04:13:40.004118 12004 ProcessGroupNCCL.cpp:632] [Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=88, OpType=BARRIER, NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600018 milliseconds before timing out.",
      "[rank12]:[E1207 04:13:40.101102 12311 ProcessGroupNCCL.cpp:632] [Rank 12] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=88, OpType=BARRIER, NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600044 milliseconds before timing out."]},
    {"source": "bz-01/blobfuse2.log", "lines": [
      "Dec  7 04:04:12 bz-01 blobfuse2[81]: LOG_ERR [block_blob.go:1101] BlockBlob::)JSON" + verb + R"JSON( : 503 ServerBusy: The server is busy.",
      "Dec  7 04:05:40 bz-01 blobfuse2[81]: LOG_ERR [block_blob.go:1101] BlockBlob::)JSON" + verb + R"JSON( : retry 5/5 failed: 503 ServerBusy: Ingress is over the account limit."]}
  ]
})JSON";
}

TEST_CASE("plc71: a checkpoint save the object store throttles is the job's storage, not the barrier that timed out") {
  const Diagnosis d = testing::RunCaseText(ThrottledSaveCase("StageBlock"));
  CHECK(d.root_cause == "storage_failure");
  CHECK(d.component == "job");
  CHECK(testing::ProbabilityOf(d, "nccl_collective_hang") < testing::ProbabilityOf(d, "storage_failure"));
  // The same busy answers to reads (a download of a blob) are not the save's.
  const Diagnosis r = testing::RunCaseText(ThrottledSaveCase("GetBlob GET"));
  CHECK(r.root_cause != "storage_failure");
}

}  // namespace
}  // namespace vigil
