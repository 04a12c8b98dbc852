// Whether a performance probe measured its GPU alone: other processes' compute on the GPU while it
// ran (a training job, a hung NCCL kernel spinning, a notebook, a hog), from NVML samples taken
// around the measurement (nvmlDeviceGetComputeRunningProcesses, nvmlDeviceGetProcessUtilization,
// nvmlDeviceGetUtilizationRates; vigil_probe.cc takes them). A `gpu.gemm` 7% under its baseline or
// a 2,433 us kernel-launch round trip measured beside another process's GEMM is contention, not a
// degraded GPU: the result says so in `details.gpu_sharing` and its reason, and the reasoner reads
// it that way (agents/builtin_reasoner.cc, ForeignComputeBeside / MeasuredBesideForeignCompute).
//
// Compiled into `vigil-probe` (probes/gpu/, no project library) and into vigil_probes
// (probes/CMakeLists.txt), so that the CPU build tests the judging (probes/gpu_share_test.cc).
// Depends on the C++ standard library, POSIX and nlohmann-json only.
// Thread safety: JudgeGpuShare is pure; ProcComm reads /proc.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::gpu_share {

// A process's SM use above this (percent of the sampling period, the largest NVML sample during
// the measurement and the second before it) counts as computing beside the probe. An idle context
// (a notebook holding memory, 0%) does not.
inline constexpr unsigned kBusySmPct = 5;

struct ProcessOnGpu {  // one entry of nvmlDeviceGetComputeRunningProcesses
  unsigned pid = 0;
  std::optional<unsigned long long> used_memory_bytes;  // nullopt: NVML_VALUE_NOT_AVAILABLE
};
struct ProcessUtil {  // one nvmlProcessUtilizationSample_t
  unsigned pid = 0;
  unsigned sm_pct = 0, mem_pct = 0;
};

// What NVML said of one GPU around one measurement. A `*_why` text non-empty means that reading
// failed or the driver lacks the call (said in the details as is).
struct GpuShareSample {
  int gpu = 0;  // CUDA index, as the probe's target names it
  std::vector<ProcessOnGpu> processes_before, processes_after;
  std::string processes_why;  // "" when both lists were read
  std::vector<ProcessUtil> utilization;  // per-process samples over the measurement
  std::string utilization_why;           // "" when read (no sample at all is a valid answer)
  std::optional<unsigned> device_util_before_pct, device_util_after_pct;  // nvmlDeviceGetUtilizationRates.gpu
  std::string device_util_why;
};

struct GpuShareVerdict {
  // {"gpus": {"0": {...}}, "foreign_busy": true|false|null, "foreign_processes": N}: per GPU the
  // other processes (pid, name, used_memory_mib, sm_pct / sm_pct_max, mem_pct), the device
  // utilization before / after and what could not be read.
  nlohmann::json details;
  // true: another process computed on a probed GPU during the measurement; false: none did (none
  // there, or only idle ones); nullopt: could not tell (NVML unreadable, or a process whose SM use
  // is unknown).
  std::optional<bool> foreign_busy;
  // For the result's reason: "measured beside 1 other process computing on GPU 0 (pid 4242: SM 97%,
  // 1.2 GiB; details.gpu_sharing)"; "" when no other process was on the GPU. Holds no process
  // name (free text that the reasoner's keyword reading could take for a finding).
  std::string clause;
};

// `comm(pid)`: the process's name (/proc/PID/comm), nullopt when this process cannot see it (a pid
// of another pid namespace: NVML reports the host's pids). `own_pid`: this process (left out; when
// it is not among NVML's pids, NVML's pids are another namespace's, and one of those it cannot see
// is this process: the count says so).
GpuShareVerdict JudgeGpuShare(const std::vector<GpuShareSample>& samples, unsigned own_pid,
                              const std::function<std::optional<std::string>(unsigned)>& comm);

// The probes whose figures other compute on the GPU lowers (throughput and latency, judged against
// baselines): vigil-probe samples NVML around these, and the reasoner reads `gpu_sharing` on these
// only. One list for both (before: a copy in vigil_probe.cc and one in builtin_reasoner.cc).
bool IsThroughputProbe(std::string_view probe);

// /proc/PID/comm without its newline; nullopt when unreadable.
std::optional<std::string> ProcComm(unsigned pid);

}  // namespace vigil::gpu_share
