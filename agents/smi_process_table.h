// A GPU shared with another program, as nvidia-smi's own "Processes:" table shows it (PLC57,
// 2026-12-07). `nvidia-smi` prints one row a process:
//   |    7   N/A  N/A     88410    M+C   /opt/tritonserver/bin/tritonserver      9120MiB |
// (GPU index, MIG GI / CI ids on drivers since R450 - absent on older ones -, PID, type: C compute,
// G graphics, M an MPS client, C+G / M+C both, process name, memory). On a node given to one training
// job each GPU lists one rank's process; a GPU listing a second compute process of ANOTHER program (an
// inference server placed there by a wrong gres / CUDA_VISIBLE_DEVICES, an MPS client, someone's
// notebook) shares its SMs with it: the rank there runs slow on a sound GPU. FindSharedGpu
// (gpu_compute_apps.h) reads the `--query-compute-apps` CSV; this reads the table. Pure, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

struct SmiSharedGpu {
  size_t line = 0;          // the row of the other program's process on that GPU
  int gpu = -1;             // nvidia-smi's GPU index
  size_t processes = 0;     // compute processes listed on it
  size_t other_gpus = 0;    // the table's other GPUs, each listing one compute process
  std::string program;      // the other program's process name as the row prints it
};

// Reads `lines` for nvidia-smi process-table rows (graphics-only rows "G" not counted). Found: one GPU
// listing two or more compute processes, one of them a program no single-process GPU of the table
// runs, while at least one other GPU of the table lists exactly one compute process. Nullopt
// otherwise: every GPU shared alike (the job's own MPS or two processes a GPU), two GPUs shared
// (no single odd one), or the extra process the same program as the job's (a rank's helper).
std::optional<SmiSharedGpu> FindSmiSharedGpu(const std::vector<std::string>& lines);

}  // namespace vigil
