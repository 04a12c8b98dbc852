// What an alert's own words state when the alert is the whole case (ALR2, 2026-12-05): a rank's
// crash signal, an out-of-memory report, an InfiniBand port not active, a PCIe link trained below
// its width or generation, NVLink / PCIe error counters named in plain words, correctable ECC errors,
// and a Kubernetes container killed by SIGKILL with no OOMKilled reason. The reasoner reads them
// (builtin_reasoner.cc AddAlertAlr2Readings, CapAlr2Readings; the 3a-sigkill block) only when the
// alert is all the evidence. Each reader takes the alert's words (name, summary, description,
// message, the reason / check / condition label values) or its rule's expression; texts over 4096
// characters are not read. Pure functions, thread safe.
#pragma once

#include <string>
#include <string_view>

namespace vigil {

// The detail prefix of the reasoner's ranked pair for a symptom an alert states more precisely than a
// symptom's name ("rank 11 OOM", a container's exit 137 without OOMKilled): the pair is the ranking,
// so symptom_prior.cc's incident counts for the symptom's name do not re-rank it.
inline constexpr std::string_view kAlertRankedPairPrefix = "from the alert alone, two causes fit: ";

// The signal a rank or process died of, as an alert words it.
enum class CrashSignal { kNone, kSegv, kBus, kAbort };
struct CrashSignalReading {
  CrashSignal signal = CrashSignal::kNone;
  std::string quote;  // the words read ("exited with signal SIGSEGV", "exit code 139")
};
// SIGSEGV (a segmentation fault / segfault, signal 11, exit code 139 or -11, sacct's ExitCode N:11),
// SIGBUS (signal 7, exit code 135 or -7, ExitCode N:7; not "bus error", which PCIe AER says too),
// SIGABRT (signal 6, exit code 134 or -6, ExitCode N:6), in that order of precedence. Not read:
// SIGKILL / 137 (the 3a-sigkill block's), exit code 1, a number that is no exit status ("134 ranks",
// "GPU 11", "exit 1340").
CrashSignalReading CrashSignalInWords(const std::string& text);

// An out-of-memory report in an alert's words.
enum class OomKind { kNone, kCuda, kUnqualified };
struct OomReading {
  OomKind kind = OomKind::kNone;
  std::string quote;
};
// kCuda: the GPU allocator's report ("CUDA OOM", "CUDA out of memory", "torch.OutOfMemoryError",
// "cudaErrorMemoryAllocation", "CUDA_ERROR_OUT_OF_MEMORY"). kUnqualified: "OOM" or "out of memory" with
// nothing saying whose memory ("rank 11 OOM at first step", "worker exited (OOM?)"). kNone: no such
// words; the kernel's or Kubernetes' kill ("OOMKilled", "OOM killer", "oom-kill", "oom_kill"), host
// memory ("host", "node", "system", "CPU", "RAM", "cgroup", "container", "/dev/shm"), an OOM ruled out
// or only feared ("no OOM", "not an OOM", "risk of OOM", "near OOM").
OomReading OomInWords(const std::string& text);

// The words saying an InfiniBand / RoCE port is not up: "InfiniBand port mlx5_4/1 on n is not
// ACTIVE", "IB port mlx5_2 port 1 not active", "mlx5_3 port 1 state POLLING" (INIT, ARMED, Disabled
// too); "" when none. Not read: a port that is ACTIVE or came back, an Ethernet port, a port merely
// "down" (the pack's own signature reads that).
std::string IbPortNotActiveInWords(const std::string& text);

// The mlx5 device an alert names, from its `device` / `hca` label value `label` or else the first
// "mlx5_N" of `text`; "" when neither names one.
std::string IbDeviceOf(const std::string& label, const std::string& text);

// A rule testing or words saying a GPU's PCIe link trained below its width or generation:
// `DCGM_FI_DEV_PCIE_LINK_WIDTH < 16`, `DCGM_FI_DEV_PCIE_LINK_GEN < 4`, `..._LINK_WIDTH !=
// DCGM_FI_DEV_PCIE_MAX_LINK_WIDTH`, "PCIe link below x16 / Gen4", "PCIe link downtrained to x8"; ""
// when none. Not read: the link at or above a bound (`>= 16`), PCIe replays or bandwidth, NVLink.
std::string PcieLinkBelowInAlert(const std::string& words, const std::string& expression);

// The DCGM counter an alert's plain words say is growing, for an alert naming no metric: "NVLink CRC
// flit errors rising" -> DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL, "NVLink replay errors
// increasing" -> DCGM_FI_DEV_NVLINK_REPLAY_ERROR_COUNT_TOTAL, "NVLink recovery errors climbing" ->
// ..._RECOVERY_..., "PCIe replays rising", "PCIe replay counter +4000/h" ->
// DCGM_FI_DEV_PCIE_REPLAY_COUNTER. Growth is a verb (rising, increasing, climbing, growing, going
// up) or a "+N" beside the words. "" when none: the words with no growth ("NVLink CRC errors: 0"),
// falling or cleared counters, another counter (ECC, Xid).
std::string ErrorCounterInWords(const std::string& text);

// Whether an alert's words or expression say only correctable (single-bit, SBE) ECC errors: "129
// correctable ECC errors", `increase(DCGM_FI_DEV_ECC_SBE_VOL_TOTAL[1h]) > 100`, and nothing of an
// uncorrectable error ("uncorrectable", "DBE", "double-bit", a row remap failure, "Xid 48", "Xid 94",
// "Xid 95"). ECC corrected them: a sign to watch, not a fault by itself.
bool OnlyCorrectableEcc(const std::string& words, const std::string& expression);

// Whether an alert about a Kubernetes container (`labels_text`: its pod / container labels, or
// `words` naming a pod or a container) says the container was killed by SIGKILL (exit code 137,
// signal 9) without the OOMKilled reason. The kubelet reports a container its memory limit killed as
// OOMKilled; 137 alone is also a liveness-probe kill, an eviction or a child's OOM kill: not split by
// the alert.
bool KubeKillWithoutOomReason(const std::string& words, bool kube_labels);

}  // namespace vigil
