// One process of a node's ranks pinned to far fewer cores than its peers (PLC12, 2026-12-04). An
// on-call engineer who finds a rank slow while its GPU tests clean looks at the host next, and
// `taskset -cp PID` for each of the node's training processes prints
//   pid 771205's current affinity list: 56-69
//   pid 771206's current affinity list: 0,1
// A rank bound to 2 cores where its peers have 14 launches its kernels, runs its data loader workers
// and its NCCL proxy threads on those 2: a host-side straggler (a bad `--cpu-bind` / numactl map, a
// leftover cgroup). Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

// The number of CPUs in a Linux CPU list ("0-13", "0,1", "0-3,8-11", "5"); -1 when it is not one
// (or counts over 65536).
int CpuListCount(const std::string& list);

// The one count of `counts` at most a quarter of the others' median, every other count at least half
// that median (FindAffinityOutlier's rule, also FindLocalRankCpuOutlier's): its index, and that median
// in `median`; nullopt when none or more than one stands out. Needs at least 2 counts.
std::optional<size_t> SliverCpuOutlier(const std::vector<int>& counts, int* median);

struct AffinityOutlier {
  size_t line = 0;      // the outlier's line in the lines given
  size_t position = 0;  // its place among the affinity lines, 0-based (pgrep's order: pid order)
  int cpus = 0;         // its CPU count
  int peer_cpus = 0;    // the median of the other processes' counts
  size_t processes = 0; // affinity lines read
};

// Among `taskset -p` / `taskset -cp` answers ("pid N's current affinity list: LIST"; the mask form
// "pid N's current affinity mask: ff" is not read), the one process with at most a quarter of the
// CPUs the others' median has, when at least 4 processes are listed and every other one has at least
// half that median. nullopt when none or more than one stands out (a node pinned unevenly by design).
std::optional<AffinityOutlier> FindAffinityOutlier(const std::vector<std::string>& lines);

}  // namespace vigil
