// What the built-in reasoner reads from single log lines and their neighbours (RG11). Declared apart
// from builtin_reasoner.h for the tests (that header is included everywhere); defined in
// builtin_reasoner.cc.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agents/case.h"

namespace vigil {

// The bus id ("0000:3b:00") of the driver's "NVRM: GPU at PCI:0000:3b:00: GPU-<uuid>" line at most a
// few lines above line `line` of `log`, when that line is an NVRM line naming no bus id of its own
// ("NVRM: Xid 79, GPU has fallen off the bus"); "" otherwise (a line with its own bus id, no such
// header near, or another NVRM line naming another bus id in between).
std::string NvrmBusIdAbove(const CaseLog& log, size_t line);

// The GPU index of each bus id ("3b:00", PciKey's form) nvidia-smi prints in `log`: the default
// table's GPU rows ("|   3  NVIDIA H100 ...  On  |   00000000:3B:00.0 Off |") and the rows of
// `--query-gpu=index,...,pci.bus_id --format=csv[,noheader]` (columns from the header row or the
// pasted command's list). A bus id listed twice keeps its first index.
std::map<std::string, int> SmiBusIndices(const CaseLog& log);

// A per-rank table of times in a log (MegaScale-style: one line a rank and step, "[MegaScale] step
// 1200 rank 13 fwd_bwd 1890.2 ms", "rank 13: step time 1.89 s") whose one rank is slow: lines of one
// shape (numbers aside) naming one rank and one time each, from at least 4 ranks; the slowest
// rank's median at least 1.25 x the others' median while the others agree (their slowest within
// 10% of their median). The most outlying table's rank; nullopt when no table singles one out.
struct RankTimeOutlier {
  int rank = -1;
  double seconds = 0;        // the rank's median time
  double peers_seconds = 0;  // the other ranks' median
  size_t ranks = 0;          // ranks in the table
  size_t line = 0;           // index into `lines` of one of the rank's rows
};
std::optional<RankTimeOutlier> FindRankTimeOutlier(const std::vector<std::string>& lines);

}  // namespace vigil
