// PLC78, committed by PLC80 (realistic64 rl64-26, seen): one training process of a node confined to a sliver of the CPUs its
// peers have, read from the kernel's own word, /proc/PID/status's "Cpus_allowed_list:" (grep -H over the
// node's training processes: "/proc/71900/status:Cpus_allowed_list:\t24-35"), and tied to its GPU by NCCL's
// own line prefix "HOST:PID:TID [DEV]" (the process's CUDA device). A rank whose process has 2 cores where
// its peers have 12 runs its kernels' launches, its NCCL proxy thread and its loader workers on them: every
// step waits for it (a host-side straggler on that GPU; its GPU tests clean). cpu_affinity.h reads
// `taskset -cp` answers the same way (its SliverCpuOutlier rule, reused here); local_rank_cpus.h the lines
// naming a local rank. Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

struct PidCpuOutlier {
  size_t line = 0;        // the outlier's line in the lines given
  long pid = -1;          // its process id
  int cpus = 0;           // its CPU count
  int peer_cpus = 0;      // the median of the other processes' counts
  size_t processes = 0;   // processes read
};

// The (pid, CPU count) a "/proc/PID/status:Cpus_allowed_list:\tLIST" line states; nullopt for any other
// line (a "Cpus_allowed:" mask is not read). Lines over 2000 bytes are not read.
std::optional<std::pair<long, int>> PidCpusAllowed(const std::string& line);

// Among the lines, the one process with at most a quarter of the CPUs the others' median has (cpu_affinity.h's
// SliverCpuOutlier), when at least 3 distinct processes are read (a pid read twice keeps its last count);
// nullopt when none or more than one stands out.
std::optional<PidCpuOutlier> FindPidCpuOutlier(const std::vector<std::string>& lines);

// The CUDA device NCCL's line prefix "HOST:PID:TID [DEV]" names for process `pid` (the host in `host` when
// non-null); -1 when no line names it, or lines name it with two devices.
int NcclDeviceOfPid(const std::vector<std::string>& lines, long pid, std::string* host = nullptr);

}  // namespace vigil
