// Serving engines' worker prefixes and the GPU each worker drives (PLC21, serving_worker.h).
#include "agents/serving_worker.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace vigil {
namespace {

ServingLayout Layout(const std::vector<std::string>& lines) {
  ServingLayout l;
  for (const std::string& s : lines) l.AddLine(s);
  return l;
}

int GpuOf(const ServingLayout& l, const std::string& line, int gpus_per_node = 8, bool* physical = nullptr) {
  std::optional<ServingWorker> w = ServingWorkerOf(line);
  REQUIRE(w.has_value());
  return l.Gpu(*w, gpus_per_node, physical);
}

}  // namespace

TEST_CASE("serving worker: the prefixes vLLM, Ray, SGLang and TensorRT-LLM print") {
  std::optional<ServingWorker> w = ServingWorkerOf("(VllmWorker TP6 pid=3316) Fatal Python error: Segmentation fault");
  REQUIRE(w);
  CHECK(w->engine == "vllm");
  CHECK(w->tp == 6);
  CHECK(w->pid == 3316);
  CHECK(w->dp == -1);
  CHECK(w->length == std::string("(VllmWorker TP6 pid=3316) ").size());
  w = ServingWorkerOf("(VllmWorker rank=5 pid=4410) INFO 12-04 04:58:30 [gpu_worker.py:151] loading");
  REQUIRE(w);
  CHECK(w->rank == 5);
  CHECK(w->tp == -1);
  w = ServingWorkerOf("(Worker_PP1_TP3 pid=881) ERROR 11-30 10:00:00 [core.py:12] CUDA error");
  REQUIRE(w);
  CHECK(w->pp == 1);
  CHECK(w->tp == 3);
  w = ServingWorkerOf("(Worker_DP1_TP2 pid=900) INFO device=cuda:6");
  REQUIRE(w);
  CHECK(w->dp == 1);
  CHECK(w->tp == 2);
  w = ServingWorkerOf("(EngineCore_DP1 pid=2201) ERROR 12-04 [core.py:700] EngineCore failed to start.");
  REQUIRE(w);
  CHECK(w->engine_core);
  CHECK(w->dp == 1);
  w = ServingWorkerOf("(RayWorkerWrapper pid=4121, ip=10.0.3.7) ERROR worker.py:431 CUDA error: an illegal memory access");
  REQUIRE(w);
  CHECK(w->ray);
  CHECK(w->ip == "10.0.3.7");
  w = ServingWorkerOf("[2026-12-04 05:18:21 DP1 TP3] Scheduler hit an exception: Traceback (most recent call last):");
  REQUIRE(w);
  CHECK(w->engine == "sglang");
  CHECK(w->dp == 1);
  CHECK(w->tp == 3);
  w = ServingWorkerOf("[2026-12-04 05:18:21 TP7] Load weight end. avail mem=12.10 GB");
  REQUIRE(w);
  CHECK(w->tp == 7);
  w = ServingWorkerOf("[12/04/2026-05:18:21] [TRT-LLM] [RANK 3] [E] Executor worker failed");
  REQUIRE(w);
  CHECK(w->engine == "trtllm");
  CHECK(w->rank == 3);
  w = ServingWorkerOf("ERROR 12-04 05:18:21 [multiproc_executor.py:140] Worker proc VllmWorker-6 died unexpectedly, shutting down executor.");
  REQUIRE(w);
  CHECK(w->rank == 6);
  CHECK(w->length == 0);
}

TEST_CASE("serving worker: TP / DP inside other words are no prefix") {
  // A model name holding TP6, DP in another word, a prefix that is not the line's first field.
  CHECK_FALSE(ServingWorkerOf("INFO serving meta-llama/Llama-3-70B-TP6 (pid=3316) on 8 GPUs"));
  CHECK_FALSE(ServingWorkerOf("(DPDK pid=4411) port 0 link up"));
  CHECK_FALSE(ServingWorkerOf("[2026-12-04 05:18:21] DP1 TP3 replica started"));
  CHECK_FALSE(ServingWorkerOf("[2026-12-04 05:18:21 DPO TP] loss 0.3"));
  CHECK_FALSE(ServingWorkerOf("INFO launching (VllmWorker TP6 pid=3316) again"));
  CHECK_FALSE(ServingWorkerOf("(python3 pid=3316) Fatal Python error: Segmentation fault"));
  CHECK_FALSE(ServingWorkerOf("[rank6]: Fatal Python error: Segmentation fault"));
  CHECK_FALSE(ServingWorkerOf("[TRT-LLM] [I] Engine built in 41 s"));
}

TEST_CASE("serving worker: the GPU from the worker's printed device, else the one-node one-replica layout") {
  // The device printed by the same worker.
  ServingLayout l = Layout({"(VllmWorker TP6 pid=3316) INFO [gpu_worker.py:151] local_rank=6 device=cuda:5",
                            "(VllmWorker TP6 pid=3316) Fatal Python error: Segmentation fault"});
  CHECK(GpuOf(l, "(VllmWorker TP6 pid=3316) Fatal Python error: Segmentation fault") == 5);
  // The executor's "VllmWorker-6" is the same worker.
  CHECK(GpuOf(l, "ERROR Worker proc VllmWorker-6 died unexpectedly") == 5);
  // One node, one replica, no device printed: the TP rank is the local GPU.
  l = Layout({"INFO starting (vLLM backend, tensor_parallel_size=8)", "(VllmWorker TP3 pid=10) hello"});
  CHECK(GpuOf(l, "(VllmWorker TP3 pid=10) Fatal Python error: Aborted") == 3);
  CHECK(GpuOf(l, "[2026-12-04 05:18:21 TP2] Scheduler hit an exception") == 2);
  // PP stage 1 of a TP=4 engine on one node: rank 1*4+2.
  l = Layout({"engine args: tensor_parallel_size=4, pipeline_parallel_size=2", "(Worker_PP1_TP2 pid=11) x"});
  CHECK(GpuOf(l, "(Worker_PP1_TP2 pid=11) CUDA error") == 6);
  // A rank past the node's GPUs: none.
  l = Layout({"(VllmWorker TP9 pid=12) x"});
  CHECK(GpuOf(l, "(VllmWorker TP9 pid=12) x") == -1);
  // TensorRT-LLM: ranks of one node only.
  l = Layout({"[TRT-LLM] [RANK 3] [E] failed", "[TRT-LLM] [RANK 0] [I] ok"});
  CHECK(GpuOf(l, "[TRT-LLM] [RANK 3] [E] failed") == 3);
  l = Layout({"[TRT-LLM] [RANK 3] [E] failed", "[TRT-LLM] [RANK 12] [I] ok"});
  CHECK(GpuOf(l, "[TRT-LLM] [RANK 3] [E] failed") == -1);
}

TEST_CASE("serving worker: several replicas or nodes keep the node unless the layout is printed") {
  // Two DP replicas on a node, no device printed: DP1 TP3 is no decidable GPU.
  ServingLayout l = Layout({"server_args=ServerArgs(tp_size=4, dp_size=2)", "[2026-12-04 05:18:21 DP1 TP3] x"});
  CHECK(GpuOf(l, "[2026-12-04 05:18:21 DP1 TP3] Scheduler hit an exception") == -1);
  // A TP worker without a DP field under a multi-replica engine: none either.
  l = Layout({"(EngineCore_DP1 pid=2201) INFO started", "(VllmWorker TP1 pid=3311) x"});
  CHECK(GpuOf(l, "(VllmWorker TP1 pid=3311) x") == -1);
  // The replica's device printed by the worker: that device.
  l = Layout({"server_args=ServerArgs(tp_size=4, dp_size=2)", "[2026-12-04 05:18:21 DP1 TP3] Init torch distributed begin. device=cuda:7"});
  CHECK(GpuOf(l, "[2026-12-04 05:18:21 DP1 TP3] Scheduler hit an exception") == 7);
  // The replica's CUDA_VISIBLE_DEVICES printed: its TP3 is the list's fourth GPU, a physical index.
  l = Layout({"data_parallel_size=2", "(EngineCore_DP1 pid=2201) INFO CUDA_VISIBLE_DEVICES=4,5,6,7"});
  bool physical = false;
  CHECK(GpuOf(l, "(Worker_DP1_TP3 pid=3400) Fatal Python error: Segmentation fault", 8, &physical) == 7);
  CHECK(physical);
  // A multi-node engine (--nnodes 2) or a Ray executor: none.
  l = Layout({"python -m sglang.launch_server --tp 16 --nnodes 2 --node-rank 0", "[2026-12-04 05:18:21 TP3] x"});
  CHECK(GpuOf(l, "[2026-12-04 05:18:21 TP3] x") == -1);
  l = Layout({"(RayWorkerWrapper pid=4121, ip=10.0.3.7) INFO ok", "(VllmWorker TP3 pid=10) x"});
  CHECK(GpuOf(l, "(VllmWorker TP3 pid=10) x") == -1);
  CHECK(GpuOf(l, "(RayWorkerWrapper pid=4121, ip=10.0.3.7) CUDA error") == -1);
  // A worker that printed two devices: none.
  l = Layout({"(VllmWorker TP2 pid=10) device=cuda:2", "(VllmWorker TP2 pid=77) device=cuda:5"});
  CHECK(GpuOf(l, "(VllmWorker TP2 pid=77) x") == -1);
  // An engine core is no one GPU's.
  l = Layout({"(EngineCore_DP0 pid=1) x"});
  CHECK(GpuOf(l, "(EngineCore_DP0 pid=1) RuntimeError") == -1);
}

}  // namespace vigil
