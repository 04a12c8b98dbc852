// PLC21 (2026-12-05): two readers the reasoner lacked, as whole cases (nodes pw-NN, written as the
// engines and frameworks print, no case text of the sets):
// - a serving engine's worker prefix names the GPU of the worker whose process died, where the case
//   makes it decidable (serving_worker.h), else the node stays;
// - a checkpoint saved for another parallel layout than the restarted job's is the launch's
//   configuration, the job's (checkpoint_layout.h), unless a hardware fault explains the smaller world.
#include <doctest/doctest.h>

#include <string>

#include "agents/diagnosis_testing.h"

namespace vigil {
namespace {

using testing::HasEvidenceWith;

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// vLLM on a node (its own log file): a TP=4 engine, each worker printing its device at start; worker TP2 dies of a
// segfault in a native extension, the executor shuts down.
constexpr const char* kVllmWorkerCrash = R"JSON({
  "id": "plc21-vllm-worker",
  "alert": null,
  "topology": {"nodes": ["pw-01", "pw-02", "pw-03"], "gpus_per_node": 8},
  "logs": [
    {"source": "pw-03/vllm-qwen-72b.log", "lines": [
      "INFO 12-05 08:00:01 [api_server.py:1090] vLLM API server version 0.9.2, tensor_parallel_size=4",
      "(VllmWorker rank=0 pid=5120) INFO 12-05 08:00:09 [parallel_state.py:1076] rank 0 in world size 4 is assigned as DP rank 0, PP rank 0, TP rank 0; device=cuda:0",
      "(VllmWorker rank=1 pid=5121) INFO 12-05 08:00:09 [parallel_state.py:1076] rank 1 in world size 4 is assigned as DP rank 0, PP rank 0, TP rank 1; device=cuda:1",
      "(VllmWorker rank=2 pid=5122) INFO 12-05 08:00:09 [parallel_state.py:1076] rank 2 in world size 4 is assigned as DP rank 0, PP rank 0, TP rank 2; device=cuda:2",
      "(VllmWorker rank=3 pid=5123) INFO 12-05 08:00:09 [parallel_state.py:1076] rank 3 in world size 4 is assigned as DP rank 0, PP rank 0, TP rank 3; device=cuda:3",
      "INFO 12-05 08:30:00 [loggers.py:118] Engine 000: Avg prompt throughput: 812.0 tokens/s, Avg generation throughput: 1903.2 tokens/s, Running: 64 reqs",
      "(VllmWorker rank=2 pid=5122) Fatal Python error: Segmentation fault",
      "(VllmWorker rank=2 pid=5122) Current thread 0x00007f61a37fe640 (most recent call first):",
      "(VllmWorker rank=2 pid=5122)   File \"/opt/serve/ext/prefix_cache.py\", line 77 in hash_blocks",
      "ERROR 12-05 08:41:13 [multiproc_executor.py:140] Worker proc VllmWorker-2 died unexpectedly, shutting down executor.",
      "ERROR 12-05 08:41:14 [core.py:515] EngineCore encountered a fatal error."]}
  ]
})JSON";

// SGLang on a Slurm node: one server, TP=8, no device printed; TP5's scheduler hits an illegal address.
constexpr const char* kSglangSchedulerFault = R"JSON({
  "id": "plc21-sglang-tp",
  "alert": null,
  "topology": {"nodes": ["pw-11", "pw-12"], "gpus_per_node": 8},
  "logs": [
    {"source": "pw-12/sglang-server.log", "lines": [
      "[2026-12-05 07:10:02] server_args=ServerArgs(model_path='/models/ds-v3', tp_size=8, dp_size=1, nnodes=1)",
      "[2026-12-05 07:10:40 TP0] Load weight end. avail mem=14.20 GB",
      "[2026-12-05 07:10:40 TP5] Load weight end. avail mem=14.18 GB",
      "[2026-12-05 07:52:13 TP5] Scheduler hit an exception: Traceback (most recent call last):",
      "[2026-12-05 07:52:13 TP5] RuntimeError: CUDA error: an illegal memory access was encountered",
      "[2026-12-05 07:52:13] Received sigquit from a child process. It usually means the child failed."]}
  ]
})JSON";

}  // namespace

TEST_CASE("plc21: a vLLM worker's crash is its GPU's, by the device it printed") {
  // Before: pw-03 (the node only: no reader of the worker's prefix).
  const Diagnosis d = testing::RunCaseText(kVllmWorkerCrash);
  CHECK(d.root_cause == "rank_process_crash");
  CHECK(d.component == "pw-03/gpu2");
}

TEST_CASE("plc21: an SGLang scheduler's fault on a one-node one-replica server is its TP rank's GPU") {
  // Before: pw-12 (the node only).
  const Diagnosis d = testing::RunCaseText(kSglangSchedulerFault);
  CHECK(d.root_cause == "illegal_memory_access");
  CHECK(d.component == "pw-12/gpu5");
}

TEST_CASE("plc21: undecidable serving GPUs keep the node") {
  // Two data-parallel replicas on the node and no device printed: DP1 TP1 is not decidably GPU 1 or 5.
  {
    std::string text = Replace(kSglangSchedulerFault, "tp_size=8, dp_size=1", "tp_size=4, dp_size=2");
    text = Replace(text, "07:52:13 TP5]", "07:52:13 DP1 TP1]");
    const Diagnosis d = testing::RunCaseText(text);
    CHECK(d.root_cause == "illegal_memory_access");
    CHECK(d.component == "pw-12");
  }
  // A server spread over two nodes (nnodes=2): TP5 may be either node's.
  {
    const std::string text = Replace(kSglangSchedulerFault, "nnodes=1", "nnodes=2");
    const Diagnosis d = testing::RunCaseText(text);
    CHECK(d.component == "pw-12");
  }
  // No worker prefix at all: "TP6" inside a model's name names nothing.
  {
    std::string text = Replace(kSglangSchedulerFault, "07:52:13 TP5] ", "07:52:13] ");
    text = Replace(text, "model_path='/models/ds-v3'", "model_path='/models/llama-70b-TP6'");
    const Diagnosis d = testing::RunCaseText(text);
    CHECK(d.component == "pw-12");
  }
}

namespace {

// DeepSpeed ZeRO-2 job requeued by Slurm on fewer nodes (a node kept by a higher-priority job).
constexpr const char* kZeroWorldShrunk = R"JSON({
  "id": "plc21-zero-world",
  "alert": null,
  "topology": {"nodes": ["pw-21", "pw-22", "pw-23"], "gpus_per_node": 8},
  "logs": [
    {"source": "slurmctld.log", "lines": [
      "[2026-12-05T05:00:02.118] preempt: JobId=99120 preempted by JobId=99200 mode=REQUEUE",
      "[2026-12-05T05:03:12.004] sched: Allocate JobId=99120 NodeList=pw-[21-23] #CPUs=288 (NumNodes=3)"]},
    {"source": "slurm-99120.out", "lines": [
      "pw-21:7001:7001 [0] NCCL INFO NET/Plugin: Could not find: libnccl-net.so. Using internal network plugin.",
      "[2026-12-05 05:03:40,118] [INFO] [engine.py:3012:_load_checkpoint] rank=0 loading checkpoint /ckpt/bert-xl/global_step41000",
      "[rank0]: Traceback (most recent call last):",
      "[rank0]: deepspeed.runtime.zero.utils.ZeRORuntimeException: The checkpoint being loaded used a DP world size of 32 but the current world size is 24. Automatic adjustment of ZeRO's optimizer state partitioning with a new world size is not currently supported.",
      "srun: error: pw-21: tasks 0-7: Exited with exit code 1"]}
  ]
})JSON";

// Megatron restarted after a preemption on fewer nodes: the save line's world, the new run's world, a
// failed load.
constexpr const char* kMegatronWorldShrunk = R"JSON({
  "id": "plc21-megatron-world",
  "alert": null,
  "topology": {"nodes": ["pw-31", "pw-32", "pw-33", "pw-34"], "gpus_per_node": 8},
  "logs": [
    {"source": "slurm-51500.out", "lines": [
      "pw-31:9001:9001 [0] NCCL INFO NET/Plugin: Could not find: libnccl-net.so. Using internal network plugin.",
      "pw-31:9001:9001 [0] NCCL INFO NVLS multicast support is not available on dev 0",
      " [2026-12-05 03:58:01] exit signal handler: saving checkpoint at iteration 12000 to /lustre/ckpt/gpt-7b (world size 40)",
      "restart 1",
      "using world size: 32, data-parallel size: 8, context-parallel size: 1, tensor-model-parallel size: 4, pipeline-model-parallel size: 1",
      " loading checkpoint from /lustre/ckpt/gpt-7b at iteration 12000",
      "[rank0]: Traceback (most recent call last):",
      "[rank0]: RuntimeError: Error(s) in loading optimizer state: shard count 10 does not match 8",
      "srun: error: pw-31: task 0: Exited with exit code 1"]}
  ]
})JSON";

}  // namespace

TEST_CASE("plc21: a checkpoint saved for another parallel layout is the job's launch configuration") {
  // Before: not launch_config_error (the NCCL INFO lines and the Traceback read otherwise).
  for (const char* text : {kZeroWorldShrunk, kMegatronWorldShrunk}) {
    const Diagnosis d = testing::RunCaseText(text);
    CHECK(d.root_cause == "launch_config_error");
    CHECK(d.component == "job");
    CHECK(HasEvidenceWith(d, "saved for another parallel layout"));
  }
}

TEST_CASE("plc21: a checkpoint resumed on its own layout, or a world size with no checkpoint, is no mismatch") {
  // (The failed load itself may still read as a launch error by the pack's signatures: the reader's
  // evidence is what must be absent.)
  {
    const Diagnosis d = testing::RunCaseText(Replace(kMegatronWorldShrunk, "(world size 40)", "(world size 32)"));
    CHECK_FALSE(HasEvidenceWith(d, "saved for another parallel layout"));
  }
  {
    const Diagnosis d = testing::RunCaseText(
        Replace(kMegatronWorldShrunk, " [2026-12-05 03:58:01] exit signal handler: saving checkpoint at iteration 12000 to /lustre/ckpt/gpt-7b (world size 40)",
                " [2026-12-05 03:58:01] exit signal handler: SIGTERM received"));
    CHECK_FALSE(HasEvidenceWith(d, "saved for another parallel layout"));
  }
}

TEST_CASE("plc21: a GPU that fell off the bus before the smaller restart explains the checkpoint mismatch") {
  // The world shrank because a node lost a GPU: the hardware fault is the cause.
  std::string text = kZeroWorldShrunk;
  const std::string anchor = R"({"source": "slurm-99120.out")";
  const size_t at = text.find(anchor);
  REQUIRE(at != std::string::npos);
  text.insert(at, R"({"source": "pw-24/kern.log", "lines": [
      "Dec  5 04:58:10 pw-24 kernel: NVRM: Xid (PCI:0000:3b:00): 79, pid=88120, name=python3, GPU has fallen off the bus.",
      "Dec  5 04:58:10 pw-24 kernel: NVRM: GPU 0000:3b:00.0: GPU has fallen off the bus."]},
    )");
  const Diagnosis d = testing::RunCaseText(text);
  CHECK(d.root_cause == "gpu_fallen_off_bus");
}

}  // namespace vigil
