// A serving engine's worker, as its line prefix names it (PLC21, 2026-12-05), and the GPU that worker
// drives when the case's lines make it decidable.
//
// Serving engines print each worker process's lines behind a prefix of their own, not PyTorch's
// "[rankN]:":
//   - vLLM's multiprocessing executor: "(VllmWorker TP6 pid=3316) ...", "(VllmWorker rank=6 pid=3316) ...",
//     later "(Worker_TP6 pid=..)", "(Worker_PP1_TP3 pid=..)", "(Worker_DP1_TP3 pid=..)"; its executor's
//     "Worker proc VllmWorker-6 died unexpectedly" names worker rank 6;
//   - vLLM V1's engine core of one data-parallel replica: "(EngineCore_DP1 pid=..)" (no GPU of its own);
//   - Ray's forwarded lines: "(RayWorkerWrapper pid=4121, ip=10.0.3.7)" (its node by address, no GPU);
//   - SGLang's logging prefix: "[2026-12-04 05:18:21 DP1 TP3] ...", "[2026-12-04 05:18:21 TP3] ...",
//     "[... PP1 TP3 EP3] ..." (its Scheduler's "Scheduler hit an exception" included);
//   - TensorRT-LLM's Python logger: "[TRT-LLM] [RANK 3] [E] ..." (after an optional time bracket).
// (`mpirun --tag-output`'s "[1,3]<stderr>:" is a launcher label, read with the other launchers.)
//
// The worker's GPU (ServingLayout::Gpu): the CUDA device the same worker's lines print ("local_rank=6
// device=cuda:6", "device=cuda:6", "gpu_id=6", "torch.cuda.set_device(6)"), else the replica's printed
// CUDA_VISIBLE_DEVICES list indexed by the worker's TP rank, else - only where the engine's layout makes
// the local GPU the worker's rank - the rank itself: one node (no --nnodes > 1, no Ray worker), one
// replica (no data-parallel size > 1, no DP rank > 0), and the rank below the node's GPU count. A worker
// whose lines print two devices, a Ray worker, an engine core, or a worker of a multi-replica / multi-node
// engine whose layout the lines do not show: no GPU (the node keeps the line: a wrong GPU is worse).
// Pure and thread safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

struct ServingWorker {
  std::string engine;  // "vllm", "sglang", "trtllm"
  int dp = -1;         // data-parallel replica
  int pp = -1;         // pipeline stage
  int tp = -1;         // tensor-parallel rank
  int rank = -1;       // the engine's own rank of the worker (vLLM rank=N / VllmWorker-N, TRT-LLM RANK N)
  int64_t pid = -1;
  std::string ip;            // Ray's ip=
  bool ray = false;          // a Ray actor's line: which GPU it holds is not printed
  bool engine_core = false;  // vLLM V1's EngineCore_DPn / an API server: a process of no one GPU
  size_t length = 0;         // the prefix's length (0 for a line that names a worker inside its text)

  // The worker within one case: the engine and its parallel coordinates ("vllm dp1 tp6"), else its pid.
  std::string Key() const;
};

// The worker whose prefix `line` starts with (or, for vLLM's executor, that the line reports dead:
// "Worker proc VllmWorker-6 died unexpectedly"); nullopt for any other line. A "TP6" inside other words
// (a model name "Llama-TP6", "DP" in a word) is no prefix: the shapes are anchored at the line's start.
std::optional<ServingWorker> ServingWorkerOf(std::string_view line);

// Whether a line may carry a serving worker prefix (a cheap test before ServingWorkerOf).
bool MayNameServingWorker(std::string_view line);

// What a case's lines say of its serving engines' layout, read once (AddLine for every line of the
// case, in order) and asked per worker (Gpu).
class ServingLayout {
 public:
  void AddLine(std::string_view line);
  // Whether any line carried a serving worker prefix.
  bool any() const { return any_; }
  // The GPU ordinal the worker drives, or -1. `*physical` is set when the number is a physical index
  // (from a replica's CUDA_VISIBLE_DEVICES list), false when it is the process's CUDA ordinal (which a
  // node's own CUDA_VISIBLE_DEVICES may still map). `gpus_per_node` <= 0: unknown (16 assumed at most).
  int Gpu(const ServingWorker& w, int gpus_per_node, bool* physical = nullptr) const;

 private:
  bool any_ = false;
  bool multi_node_ = false;     // --nnodes N > 1, a Ray worker, TRT-LLM ranks past one node
  bool multi_replica_ = false;  // data-parallel size > 1 or a DP rank > 0
  int tp_size_ = -1;            // tensor_parallel_size printed (for PP stages' ranks)
  int max_trt_rank_ = -1;
  std::map<std::string, int> device_;  // worker key -> printed device (-2: two devices printed)
  std::map<int, std::vector<int>> replica_devices_;  // DP replica -> its printed CUDA_VISIBLE_DEVICES
  std::map<int, bool> replica_devices_twice_;
};

}  // namespace vigil
