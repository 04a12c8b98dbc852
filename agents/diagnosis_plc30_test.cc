// PLC30 (2026-12-06): what the blind set realistic33 showed (now SEEN, not blind). Two general
// readers and where builtin_reasoner.cc uses them, tested with cases written here as other stacks
// print the same failures (nodes gx-NN / qx-NN, no case text of the set):
// - ReadPodEviction / StatesNodeDiskPressure (pod_eviction.h): a pod the kubelet evicted for local
//   storage, on a node whose disk shows no lasting pressure, is the pod's ranks killed
//   (rank_process_crash on its node), not a storage fault (rl33-18);
// - StatesNcclNetNotFound (nccl_net_missing.h): NCCL's "Error: network IB not found." makes the
//   ncclInvalidUsage it returns the network configuration's, not a launch error's (rl33-16);
// - StatesOptimizerStateLost (optimizer_state.h): a resume that did not restore the optimizer's state
//   is the cause's evidence of a loss divergence after it (rl33-22, right but weak).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_testing.h"
#include "agents/nccl_net_missing.h"
#include "agents/optimizer_state.h"
#include "agents/pod_eviction.h"
#include "core/json.h"

namespace vigil {
namespace {

using testing::HasEvidenceWith;

}  // namespace

TEST_CASE("plc30 ReadPodEviction: the kubelet's evictions for a resource, as kubectl, events and the kubelet print them") {
  // Node pressure: describe's Message, an events table row, the old list form, nodefs / imagefs.
  auto e = ReadPodEviction("Message:          The node was low on resource: ephemeral-storage. Threshold quantity: 50Gi, "
                           "available: 12Gi. Container worker was using 880Gi, request is 0, has larger consumption of ephemeral-storage. ");
  REQUIRE(e);
  CHECK(e->resource == EvictedFor::kLocalStorage);
  CHECK(e->node_pressure);
  CHECK(e->evicted);
  e = ReadPodEviction("3m   Warning   Evicted   pod/infer-7f9c   The node was low on resource: memory. Threshold quantity: 100Mi, "
                      "available: 82Mi. Container vllm was using 1400Gi, request is 64Gi, has larger consumption of memory.");
  REQUIRE(e);
  CHECK(e->resource == EvictedFor::kMemory);
  e = ReadPodEviction("Message: The node was low on resource: [nodefs].");
  REQUIRE(e);
  CHECK(e->resource == EvictedFor::kLocalStorage);
  e = ReadPodEviction("status.message: The node was low on resource: imagefs.inodesFree.");
  REQUIRE(e);
  CHECK(e->resource == EvictedFor::kLocalStorage);
  e = ReadPodEviction("Message: The node was low on resource: pids.");
  REQUIRE(e);
  CHECK(e->resource == EvictedFor::kPids);
  // The pod's own limits: the node is fine.
  e = ReadPodEviction("Message:          Pod ephemeral local storage usage exceeds the total limit of containers 20Gi. ");
  REQUIRE(e);
  CHECK(e->resource == EvictedFor::kLocalStorage);
  CHECK_FALSE(e->node_pressure);
  CHECK(ReadPodEviction("Warning Evicted pod/trainer-3 Container pytorch exceeded its local ephemeral storage limit \"20Gi\". "));
  CHECK(ReadPodEviction("Message: Usage of EmptyDir volume \"dshm\" exceeds the limit \"64Gi\". "));
  // The eviction manager's reclaim and the node's EvictionThresholdMet event: an attempt, no pod named evicted.
  e = ReadPodEviction("Nov 30 04:11:02 gx-07 kubelet[2210]: W1130 04:11:02.1 2210 eviction_manager.go:366] \"Eviction manager: "
                      "attempting to reclaim\" resourceName=\"nodefs\"");
  REQUIRE(e);
  CHECK(e->resource == EvictedFor::kLocalStorage);
  CHECK_FALSE(e->evicted);
  e = ReadPodEviction("44s  Warning  EvictionThresholdMet  node/gx-07  Attempting to reclaim memory");
  REQUIRE(e);
  CHECK(e->resource == EvictedFor::kMemory);
  CHECK_FALSE(e->evicted);
  // Near misses: an eviction with no resource (the Eviction API, a taint, a bare status), a Lustre
  // client's eviction, the manager's ranking line, a storage limit in a config dump.
  CHECK_FALSE(ReadPodEviction("Reason:           Evicted"));
  CHECK_FALSE(ReadPodEviction("Warning  Evicted  pod/trainer-3  Taint manager: deleting pod"));
  CHECK_FALSE(ReadPodEviction("DisruptionTarget True EvictionByEvictionAPI Eviction API: evicting"));
  CHECK_FALSE(ReadPodEviction("LustreError: 167-0: proj-OST0003-osc: This client was evicted by proj-OST0003; in progress operations using this service will fail."));
  CHECK_FALSE(ReadPodEviction("I1130 eviction_manager.go:397] \"Eviction manager: pods ranked for eviction\" pods=[\"ml/trainer-3\"]"));
  CHECK_FALSE(ReadPodEviction("resources: {limits: {ephemeral-storage: 20Gi}}  # storage limit set by the chart"));
}

TEST_CASE("plc30 StatesNodeDiskPressure: the node's disk under lasting pressure, not the other pressures") {
  CHECK(StatesNodeDiskPressure("  DiskPressure     True    Mon, 30 Nov 2026 04:12:01 +0000   Mon, 30 Nov 2026 04:11:02 +0000   "
                               "KubeletHasDiskPressure       kubelet has disk pressure"));
  CHECK(StatesNodeDiskPressure("2m  Normal  NodeHasDiskPressure  node/gx-07  Node gx-07 status is now: NodeHasDiskPressure"));
  CHECK(StatesNodeDiskPressure("Taints:             node.kubernetes.io/disk-pressure:NoSchedule"));
  CHECK(StatesNodeDiskPressure("Warning FreeDiskSpaceFailed node/gx-07 Failed to garbage collect required amount of images. "
                               "Attempted to free 412318123008 bytes, but only found 0 bytes eligible to free."));
  CHECK(StatesNodeDiskPressure("{\"type\": \"DiskPressure\", \"status\": \"True\", \"reason\": \"KubeletHasDiskPressure\"}"));
  CHECK(StatesNodeDiskPressure("[rank3]: OSError: [Errno 28] No space left on device: '/tmp/traces/rank3.json'"));
  CHECK(StatesNodeDiskPressure("Warning FailedScheduling pod/trainer-3 0/4 nodes are available: 1 node(s) had condition: [DiskPressure]."));
  // Near misses: no pressure, another pressure, another taint.
  CHECK_FALSE(StatesNodeDiskPressure("  DiskPressure     False   Mon, 30 Nov 2026 04:12:01 +0000   KubeletHasNoDiskPressure   kubelet has no disk pressure"));
  CHECK_FALSE(StatesNodeDiskPressure("  MemoryPressure   True    Mon, 30 Nov 2026 04:12:01 +0000   KubeletHasInsufficientMemory"));
  CHECK_FALSE(StatesNodeDiskPressure("Taints:             node.kubernetes.io/memory-pressure:NoSchedule"));
  CHECK_FALSE(StatesNodeDiskPressure("I1130 eviction_manager.go:366] \"Eviction manager: attempting to reclaim\" resourceName=\"ephemeral-storage\""));
}

TEST_CASE("plc30 StatesNcclNetNotFound: the forced network NCCL did not find") {
  CHECK(StatesNcclNetNotFound("qx-03:2210:2390 [0] init.cc:1868 NCCL WARN Error: network IB not found."));
  CHECK(StatesNcclNetNotFound("qx-03:2210:2390 [0] net.cc:1012 NCCL WARN Error: network AWS Libfabric not found."));
  CHECK(StatesNcclNetNotFound("[rank5]: Error: network IB not found."));
  // Near misses: the IB transport's INFO that it found no device (a socket fallback follows), other "not found"s.
  CHECK_FALSE(StatesNcclNetNotFound("qx-03:2210:2390 [0] NCCL INFO NET/IB : No device found."));
  CHECK_FALSE(StatesNcclNetNotFound("qx-03:2210:2390 [0] NCCL INFO NET/Plugin: Could not find: libnccl-net.so. Using internal network plugin."));
  CHECK_FALSE(StatesNcclNetNotFound("ERROR: model not found: /ckpt/step-900"));
  CHECK_FALSE(StatesNcclNetNotFound("socket error: network is unreachable"));
}

namespace {

// A Kubeflow PyTorchJob on gx-05..gx-08 whose worker-2 (on gx-07) is evicted for local storage
// (`message`), its peers failing on the broken connections. `node_rows` adds lines of
// `kubectl describe node gx-07`.
std::string EvictionCase(const std::string& message, const std::string& node_rows) {
  std::string text = R"JSON({
    "id": "plc30-evict",
    "alert": null,
    "logs": [
      {"source": "kubectl", "lines": [
        "$ kubectl -n research describe pod llama-ft-worker-2 | grep -E 'Node:|Status|Reason|Message'",
        "Node:             gx-07/10.8.0.17",
        "Status:           Failed",
        "Reason:           Evicted",
        "Message:          MESSAGE"NODEROWS]},
      {"source": "llama-ft-worker-0/pytorch", "lines": [
        "2026-11-30 04:02:10,113 INFO step 7100 loss 1.882 tokens/s 402113",
        "[rank0]:[E1130 04:11:40.552010 91 ProcessGroupNCCL.cpp:1595] [PG ID 0 PG GUID 0 Rank 0] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.23.4",
        "ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
        "[rank8]:[E1130 04:11:40.601113 88 ProcessGroupNCCL.cpp:1595] [PG ID 0 PG GUID 0 Rank 8] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error",
        "torch.distributed.elastic.multiprocessing.errors.ChildFailedError: train.py FAILED"]}],
    "metrics": [], "probes": {},
    "topology": {"nodes": ["gx-05", "gx-06", "gx-07", "gx-08"], "gpus_per_node": 8, "timezone": "UTC",
                 "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"}
  })JSON";
  text.replace(text.find("MESSAGE"), 7, message);
  text.replace(text.find("NODEROWS"), 8, node_rows);
  return text;
}

// EvictionCase's `node_rows`: more lines of the kubectl log, each a JSON string.
std::string KubectlRows(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += ",\n        " + DumpJson(Json(l));
  return out;
}

const char* const kNodeLow =
    "The node was low on resource: ephemeral-storage. Threshold quantity: 70Gi, available: 51Gi. Container pytorch was "
    "using 611Gi, request is 0, has larger consumption of ephemeral-storage. ";

}  // namespace

TEST_CASE("plc30 a pod evicted for ephemeral-storage, the node's disk under no lasting pressure: rank_process_crash on its node") {
  // Before PLC30: storage_failure on gx-07 (the pack's disk-pressure entry, +3.0 for the Message line).
  const Diagnosis d = testing::RunCaseText(EvictionCase(kNodeLow, ""));
  CHECK(d.root_cause == "rank_process_crash");
  CHECK(d.component.rfind("gx-07", 0) == 0);
  CHECK(HasEvidenceWith(d, "a pod evicted for local storage"));
}

TEST_CASE("plc30 the pod's own ephemeral-storage limit: the node's disk is fine, the pod's ranks were killed") {
  const Diagnosis d =
      testing::RunCaseText(EvictionCase("Container pytorch exceeded its local ephemeral storage limit \\\"200Gi\\\". ", ""));
  // Before PLC30: rank_process_crash on gx-05/gpu0 (rank 0's line, the waiter's).
  CHECK(d.root_cause == "rank_process_crash");
  CHECK(d.component == "gx-07");
}

TEST_CASE("plc30 near miss: the same eviction with the node in DiskPressure stays the node's storage fault") {
  const std::string rows = KubectlRows(
      {"$ kubectl describe node gx-07 | sed -n '/Conditions/,/Addresses/p'",
       "  DiskPressure     True    Mon, 30 Nov 2026 04:12:01 +0000   Mon, 30 Nov 2026 04:11:02 +0000   KubeletHasDiskPressure       kubelet has disk pressure",
       "Taints:             node.kubernetes.io/disk-pressure:NoSchedule"});
  const Diagnosis d = testing::RunCaseText(EvictionCase(kNodeLow, rows));
  CHECK(d.root_cause == "storage_failure");
  CHECK_FALSE(HasEvidenceWith(d, "a pod evicted for local storage"));
}

// RV2 (2026-12-06): a pod's toleration of the disk-pressure taint (every DaemonSet pod carries one:
// `kubectl describe pod` prints "Tolerations: node.kubernetes.io/disk-pressure:NoSchedule op=Exists")
// was read as the node's taint, the disk under lasting pressure.
TEST_CASE("rv2 StatesNodeDiskPressure: a toleration of the disk-pressure taint is no taint") {
  CHECK_FALSE(StatesNodeDiskPressure("Tolerations:                 node.kubernetes.io/disk-pressure:NoSchedule op=Exists"));
  CHECK_FALSE(StatesNodeDiskPressure("                             node.kubernetes.io/disk-pressure:NoSchedule op=Exists"));
  CHECK_FALSE(StatesNodeDiskPressure(
      R"("tolerations":[{"effect":"NoSchedule","key":"node.kubernetes.io/disk-pressure","operator":"Exists"}])"));
  // Still read: the node's taint, and a toleration line that also states the condition.
  CHECK(StatesNodeDiskPressure("Taints:             node.kubernetes.io/disk-pressure:NoSchedule"));
  CHECK(StatesNodeDiskPressure(R"({"taints":[{"effect":"NoSchedule","key":"node.kubernetes.io/disk-pressure"}]})"));
  CHECK(StatesNodeDiskPressure("Tolerations: node.kubernetes.io/disk-pressure:NoSchedule op=Exists; node gx-07 DiskPressure True"));
}

TEST_CASE("rv2 an evicted pod beside a DaemonSet pod's tolerations: still the killed pod's ranks") {
  const Diagnosis d = testing::RunCaseText(EvictionCase(
      kNodeLow, KubectlRows({"$ kubectl -n gpu-operator describe pod nvidia-dcgm-exporter-x7k2p | sed -n '/Tolerations/,/Events/p'",
                             "Tolerations:                 node.kubernetes.io/disk-pressure:NoSchedule op=Exists",
                             "                             node.kubernetes.io/memory-pressure:NoSchedule op=Exists",
                             "                             node.kubernetes.io/not-ready:NoExecute op=Exists"})));
  CHECK(d.root_cause == "rank_process_crash");
  CHECK(HasEvidenceWith(d, "a pod evicted for local storage"));
}

TEST_CASE("plc30 near miss: a memory eviction is not moved by the local-storage rule") {
  const Diagnosis d = testing::RunCaseText(EvictionCase(
      "The node was low on resource: memory. Threshold quantity: 100Mi, available: 88Mi. Container pytorch was using "
      "1811Gi, request is 0, has larger consumption of memory. ",
      ""));
  CHECK_FALSE(HasEvidenceWith(d, "a pod evicted for local storage"));
  CHECK(d.root_cause != "storage_failure");
}

namespace {

// A Slurm job on qx-03 / qx-04 whose sbatch forces NCCL_NET=IB with an NCCL_IB_HCA list the nodes do
// not have; `warn` is NCCL's WARN line before PyTorch's error.
std::string NetCase(const std::string& warn, const std::string& last_error) {
  std::string text = R"JSON({
    "id": "plc30-net",
    "alert": null,
    "logs": [
      {"source": "slurm-88120.out", "lines": [
        "NCCL_NET=IB NCCL_IB_HCA==ibp12s0,ibp75s0 NCCL_DEBUG=INFO",
        "qx-03:2210:2210 [0] NCCL INFO cudaDriverVersion 12060",
        "NCCL version 2.21.5+cuda12.4",
        "qx-03:2210:2390 [0] NCCL INFO NCCL_IB_HCA set to =ibp12s0,ibp75s0",
        "WARN",
        "qx-03:2210:2390 [0] NCCL INFO init.cc:1590 -> 3",
        "[rank0]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, invalid usage (run with NCCL_DEBUG=WARN for details), NCCL version 2.21.5",
        "[rank0]: ncclInvalidUsage: This usually reflects invalid usage of NCCL library.",
        "[rank0]: Last error:",
        "[rank0]: LASTERR",
        "srun: error: qx-03: task 0: Exited with exit code 1"]}],
    "metrics": [], "probes": {},
    "topology": {"nodes": ["qx-03", "qx-04"], "gpus_per_node": 8, "timezone": "UTC"}
  })JSON";
  text.replace(text.find("\"WARN\""), 6, "\"" + warn + "\"");
  text.replace(text.find("LASTERR"), 7, last_error);
  return text;
}

}  // namespace

TEST_CASE("plc30 ncclInvalidUsage after NCCL's forced network was not found: nccl_network_misconfig of the job") {
  // Before PLC30: launch_config_error (the pack's duplicate-GPU entry reads every ncclInvalidUsage).
  const Diagnosis d = testing::RunCaseText(
      NetCase("qx-03:2210:2390 [0] net.cc:1012 NCCL WARN Error: network IB not found.", "Error: network IB not found."));
  CHECK(d.root_cause == "nccl_network_misconfig");
  CHECK(d.component == "job");
  CHECK(d.confidence >= 0.5);
}

TEST_CASE("plc30 near miss: ncclInvalidUsage for a duplicate GPU stays launch_config_error") {
  const Diagnosis d = testing::RunCaseText(
      NetCase("qx-03:2210:2390 [0] init.cc:871 NCCL WARN Duplicate GPU detected : rank 0 and rank 1 both on CUDA device 18000",
              "Duplicate GPU detected : rank 0 and rank 1 both on CUDA device 18000"));
  CHECK(d.root_cause == "launch_config_error");
  CHECK_FALSE(HasEvidenceWith(d, "forced network was not found"));
}

TEST_CASE("plc30 StatesOptimizerStateLost: a resume without the optimizer's state, as loaders print it") {
  CHECK(StatesOptimizerStateLost("RuntimeError: Error(s) in loading state_dict for Trainer: Missing key(s) in state_dict: "
                                 "\"optimizer.state.0.exp_avg\", \"optimizer.state.0.exp_avg_sq\"."));
  CHECK(StatesOptimizerStateLost("/opt/torch/distributed/checkpoint/default_planner.py:420: UserWarning: Missing keys in "
                                 "state_dict: ['optim.state.decoder.blocks.3.mlp.fc1.weight.exp_avg']"));
  CHECK(StatesOptimizerStateLost("[WARNING] Skipping loading optimizer state: no optim shard found under /ckpt/iter_0012000"));
  CHECK(StatesOptimizerStateLost("WARNING: could not load optimizer state from /ckpt/global_step1200 (file not found); training continues"));
  CHECK(StatesOptimizerStateLost("[rank0]: Unable to find optimizer states in /ckpt/step_900, initializing from scratch"));
  CHECK(StatesOptimizerStateLost("INFO trainer: optimizer state re-initialized after resume"));
  // Near misses: a load that worked, another part of the state lost, model keys missing, a config dump.
  CHECK_FALSE(StatesOptimizerStateLost("2026-07-10 03:02:47 | INFO | train | loaded optimizer state (fp32 master weights) in 19.4 s"));
  CHECK_FALSE(StatesOptimizerStateLost("[NeMo W nlp_overrides:612] optimizer state found, lr_scheduler state missing in checkpoint; "
                                       "scheduler re-initialised (warmup_steps=0)"));
  CHECK_FALSE(StatesOptimizerStateLost("Missing key(s) in state_dict: \"model.layers.0.weight\""));
  CHECK_FALSE(StatesOptimizerStateLost("zero_optimization ............ stage=1 offload_optimizer=cpu"));
  CHECK_FALSE(StatesOptimizerStateLost("no_load_optim ................................... False"));
}

namespace {

// A job on qx-05 resumed at step 30000 (`resume` is the loader's line), then its loss climbs to NaN.
std::string ResumeCase(const std::string& resume) {
  std::string text = R"JSON({
    "id": "plc30-resume",
    "alert": null,
    "logs": [
      {"source": "slurm-99120.out", "lines": [
        "2026-11-30 08:00:02 [ckpt] resuming from /ckpt/run7/step-30000",
        "RESUME",
        "2026-11-30 08:01:00 step 30001 | loss 2.211 | grad_norm 0.41 | lr 2.50e-04",
        "2026-11-30 08:03:00 step 30041 | loss 2.906 | grad_norm 5.10 | lr 2.50e-04",
        "2026-11-30 08:05:00 step 30081 | loss 6.440 | grad_norm 44.20 | lr 2.50e-04",
        "2026-11-30 08:07:00 step 30121 | loss nan | grad_norm nan | lr 2.50e-04"]}],
    "metrics": [], "probes": {},
    "topology": {"nodes": ["qx-05", "qx-06"], "gpus_per_node": 8, "timezone": "UTC"}
  })JSON";
  text.replace(text.find("\"RESUME\""), 8, "\"" + resume + "\"");
  return text;
}

}  // namespace

TEST_CASE("plc30 a divergence after a resume that skipped the optimizer's state: the resume is the divergence's evidence") {
  const Diagnosis d = testing::RunCaseText(
      ResumeCase("2026-11-30 08:00:40 [WARNING] Skipping loading optimizer state: no optim shard found under /ckpt/run7/step-30000"));
  CHECK(d.root_cause == "loss_divergence");
  CHECK(HasEvidenceWith(d, "the resume did not restore the optimizer's state"));
}

TEST_CASE("plc30 near miss: a resume that loaded the optimizer adds nothing") {
  const Diagnosis d = testing::RunCaseText(
      ResumeCase("2026-11-30 08:00:40 [INFO] loaded optimizer state (fp32 master weights) in 19.4 s"));
  CHECK_FALSE(HasEvidenceWith(d, "the resume did not restore the optimizer's state"));
}

}  // namespace vigil
