// A GPU that computes for a process besides the job's (PLC34, 2026-12-06). `nvidia-smi
// --query-compute-apps=pid,gpu_bus_id,...` lists one row a compute process: on a node given to one
// job, each GPU runs one of its ranks. A GPU listed with more processes than every other GPU of the
// table (an orphan of an earlier job whose process survived its step's cgroup, another user's
// notebook) shares its SMs with them: the rank there runs slow, a straggler of that GPU, though the
// GPU itself is sound. Pure function, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

struct SharedGpu {
  size_t line = 0;          // the table's row of the first extra process on that GPU
  std::string bus;          // the GPU's bus id (PciKey)
  size_t processes = 0;     // processes listed on it
  size_t other_gpus = 0;    // the table's other GPUs, each with fewer processes
};

// Reads `lines` for compute-apps tables (a header or command naming the `pid` and `gpu_bus_id`
// columns, then comma-separated rows). Found: one GPU with two or more processes while at least
// two other GPUs of the same table each list one. Nullopt otherwise (every GPU shared alike is the
// job's own layout, e.g. MPS or two processes a GPU).
std::optional<SharedGpu> FindSharedGpu(const std::vector<std::string>& lines);

}  // namespace vigil
