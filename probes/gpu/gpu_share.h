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
#include <map>
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
  // The memory marker (FindOwnEntry): NVML's lists taken while this process held `marker_bytes`
  // more device memory (a cudaMalloc just before the measurement) and right after it freed them.
  unsigned long long marker_bytes = 0;  // 0: no marker taken (marker_why says why, when tried)
  std::vector<ProcessOnGpu> processes_marker_held, processes_marker_released;
  std::string marker_why;
};

// What this process knows of its own pid (ReadOwnProcess). NVML lists the pids of the host's pid
// namespace; in a container (a pod) getpid() is the container's pid and is not among them.
struct OwnProcess {
  unsigned pid = 0;             // getpid(): this process's own pid namespace
  std::vector<unsigned> nspid;  // /proc/self/status NSpid: the pid in each namespace from that of
                                // the /proc mount down to this one (last == pid); empty: unread
  std::optional<bool> in_init_pid_ns;  // /proc/self/ns/pid is the host's (initial) pid namespace
  OwnProcess() = default;
  OwnProcess(unsigned p) : pid(p) {}  // NOLINT: only getpid() known (tests; an unreadable /proc)
};

// Reads getpid(), /proc/self/status's NSpid and /proc/self/ns/pid.
OwnProcess ReadOwnProcess();
// "NSpid:\t4711\t7" in /proc/PID/status's text -> {4711, 7}; empty when the line is missing (kernels
// before 4.1) or malformed.
std::vector<unsigned> ParseNsPid(std::string_view status);
// /proc/self/ns/pid's link text: "pid:[4026531836]" (the kernel's fixed inode number of the initial
// pid namespace, PROC_PID_INIT_INO) -> true; another "pid:[N]" -> false; anything else -> nullopt.
std::optional<bool> IsInitPidNamespace(std::string_view link);

// Which of NVML's pids on one GPU is this process, and how that was decided (FindOwnEntry).
struct OwnEntry {
  std::optional<unsigned> pid;  // nullopt: could not tell (unknown_why says why)
  std::string how;              // the signal(s) that decided
  std::string unknown_why;
};
// Signals, strongest first: (1) this process is in the host's pid namespace: NVML's pid is getpid();
// (2) the memory marker: the one listed pid whose used memory fell by the marker's size (within
// kMarkerSlackBytes) when this process freed it; (3) NSpid with more than one entry: the pid of
// /proc's (an ancestor) namespace, when NVML lists it; (4) getpid() listed (a driver reporting this
// namespace's pids, or the host's). (2) and (3) must agree where both decide; (4) counts only
// when neither decides or it agrees. Null when no signal decides (no marker taken or matched, NSpid
// of one entry, getpid() not listed), when the marker matches several pids, or when signals disagree.
OwnEntry FindOwnEntry(const GpuShareSample& s, const OwnProcess& self);
inline constexpr unsigned long long kMarkerBytes = 96ull << 20;        // vigil-probe's marker
inline constexpr unsigned long long kMarkerSlackBytes = 4ull << 20;   // NVML's 2 MiB pages, twice

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
  // Per GPU: the other processes' share of the GPU's time during the measurement (the sum of the
  // busy ones' largest SM samples, 0..1); nullopt where it is unknown (utilization unread, or this
  // process's own entry could not be told from another busy one). EstimateAlone reads it.
  std::map<int, std::optional<double>> foreign_share;
};

// `comm(pid)`: the process's name (/proc/PID/comm), nullopt when this process cannot see it (a pid
// of another pid namespace: NVML reports the host's pids); not asked when /proc is this container's
// own and NVML's pids are the host's (a name read so would be another process's). `self`: this
// process; its NVML entry (FindOwnEntry) is left out and every other pid, visible or not, is
// another's. When no signal tells which entry is this process and getpid() is not listed, one of
// the pids it cannot see is this process (the count says so; one hidden busy pid among several
// hidden ones leaves foreign_busy null).
GpuShareVerdict JudgeGpuShare(const std::vector<GpuShareSample>& samples, const OwnProcess& self,
                              const std::function<std::optional<std::string>(unsigned)>& comm);

// ---- How much of a shortfall the neighbour explains (EstimateAlone) ----
// Model: without MPS the GPU time-slices between contexts that have work queued; kernels of two
// processes do not run at once. A probe that keeps the GPU busy gets the time the others leave:
// alone = measured / (1 - f), f = the others' share of the time (GpuShareVerdict::foreign_share).
// Limits: f comes from NVML samples over periods of 1/6 to 1 s that include the second before the
// measurement, and context switches cost time the model ignores; a memory-bound probe beside a
// compute-bound neighbour loses more than its time share (H200: copy 1.434 TB/s beside a GEMM hog
// at SM 50 % -> 2.87 estimated vs 4.27 alone). Hence the slack: a shortfall is a finding of the
// GPU only when even kAloneSlack times the estimate fails. Latencies (launch, round trip) wait for
// the neighbour's time slice whatever its share: not estimated.
inline constexpr double kAloneSlack = 2.0;
inline constexpr double kMaxForeignShare = 0.9;  // f is capped: beyond it nothing can be told
struct AloneEstimate {
  // {"model", "slack", "metrics": {"gpu0.bf16_tflops": {measured, foreign_share, estimate_alone,
  // estimate_alone_high, threshold_min, verdict}}, "verdict"}: per metric "passed",
  // "contention" (the estimate passes), "beyond_contention" (even the high estimate fails),
  // "unclear" (between), "not_estimated" (why); overall, over the failing metrics: any
  // beyond_contention -> "beyond_contention", else any unclear / not_estimated -> "unclear", else
  // "contention"; "passed" when none failed. Null when no other process computed.
  nlohmann::json details;
  std::string verdict;  // as details["verdict"]; "" when not made
  std::string clause;   // for the reason; "" when no failing metric was estimated
};
// `metrics` and `thresholds` as the result holds them ("gpu0.bf16_tflops", "gpu0.bf16_tflops_min").
AloneEstimate EstimateAlone(const GpuShareVerdict& share, const std::map<std::string, double>& metrics,
                            const std::map<std::string, double>& thresholds);

// The probes whose figures other compute on the GPU lowers (throughput and latency, judged against
// baselines): vigil-probe samples NVML around these, and the reasoner reads `gpu_sharing` on these
// only. One list for both (before: a copy in vigil_probe.cc and one in builtin_reasoner.cc).
bool IsThroughputProbe(std::string_view probe);

// /proc/PID/comm without its newline; nullopt when unreadable.
std::optional<std::string> ProcComm(unsigned pid);

}  // namespace vigil::gpu_share
