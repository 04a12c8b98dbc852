// A job that forces NCCL's ring algorithm or its Simple protocol at a scale where they cost it most
// (PLC68, realistic60 rl60-30). NCCL picks its algorithm (Ring, Tree, NVLS, CollNet) and protocol (LL,
// LL128, Simple) per collective and size; NCCL_ALGO / NCCL_PROTO override the choice for every
// collective. A ring all-reduce's latency grows with the ranks (2 x (N - 1) steps): fine on the 16
// nodes of a debug run, at thousands of ranks it is the job's step time ("comm time 61 % of step").
// Left set from a debug run, the settings are the job's launch configuration's fault, whatever the
// fabric: launch_config_error on the job. NCCL prints the settings it reads from the environment
// ("NCCL INFO NCCL_ALGO set by environment to Ring"). Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

// At this many ranks or more a ring-only all-reduce's latency (2 x (N - 1) steps) is the job's cost.
constexpr long kForcedRingMinRanks = 1024;

struct ForcedNcclAlgo {
  size_t line = 0;    // the first "set by environment" line forcing it (index into the lines given)
  std::string what;   // "NCCL_ALGO=Ring, NCCL_PROTO=Simple"
  long ranks = 0;     // the job's ranks the case shows
};

// The world size a job's lines state ("world size 8192", "world_size=8192", "8192 tasks on 1024 nodes",
// "nranks 8192"): the largest; 0 for none.
long StatedWorldSize(const std::vector<std::string>& lines);

// Reads `lines` (a case's, in order): NCCL's "NCCL INFO NCCL_ALGO set by environment to V" with V one
// algorithm, Ring (a list with another algorithm, "Ring,Tree", leaves NCCL a choice and is not read), or
// "NCCL_PROTO set by environment to Simple" (Simple alone), in a job of at least kForcedRingMinRanks ranks
// (the larger of `ranks` and StatedWorldSize). Nullopt otherwise.
std::optional<ForcedNcclAlgo> FindForcedNcclAlgoAtScale(const std::vector<std::string>& lines, long ranks);

}  // namespace vigil
