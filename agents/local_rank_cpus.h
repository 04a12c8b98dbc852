// One local rank of a node bound to a sliver of the CPUs its peers have, read from lines that name
// the local rank beside its CPU list (PLC64, 2026-12-07; realistic56 rl56-26): a bind wrapper's map
//   "bind.sh: local_rank 1 -> numactl --physcpubind=0-1 --membind=1 (cpus 0-1)"
// beside "local_rank 0 -> numactl --cpunodebind=0 --membind=0 (cpus 0-27)", or `taskset -cp` answers
// annotated with the rank ("pid 88102's current affinity list: 0,1   (local_rank 1)"). Unlike
// FindAffinityOutlier (cpu_affinity.h: pid order, 4 processes at least), the local rank names the
// process, so three ranks are enough, and the GPU is the local rank's. Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

struct LocalRankCpuOutlier {
  size_t line = 0;         // the outlier's (last) line in the lines given
  int local_rank = -1;     // its local rank
  int cpus = 0;            // its CPU count
  int peer_cpus = 0;       // the median of the other local ranks' counts
  size_t local_ranks = 0;  // local ranks read
};

// The CPU count a line gives for the local rank it names ("local_rank N", "local rank N",
// "LOCAL_RANK=N"), from "(cpus LIST)", "--physcpubind=LIST" / "-C LIST", or "affinity list: LIST";
// nullopt when the line names no local rank or no CPU list. A NUMA node (--cpunodebind=0) is no list.
std::optional<std::pair<int, int>> LocalRankCpus(const std::string& line);  // (local rank, cpus)

// Among the lines, the one local rank with at most a quarter of the CPUs the others' median has, when
// at least 3 local ranks are read and every other one has at least half that median (a rank read
// twice keeps its last count); nullopt when none or more than one stands out.
std::optional<LocalRankCpuOutlier> FindLocalRankCpuOutlier(const std::vector<std::string>& lines);

}  // namespace vigil
