// A step-time spread printed as the fastest rank beside a list of the slowest (PLC51, 2026-12-07;
// realistic46 rl46-26): a trainer's warning that names its reference rank first,
//   "step time spread: fastest rank 4 fwd+bwd 2,980 ms; slowest ranks rank70=4,102 ms (data wait
//    1,090 ms) rank71=3,010 ms rank12=3,001 ms"
// The fastest rank is the one every other is measured against, not a slow one; of the "slowest"
// list only the ranks at least kFastestSlowRatio x the fastest's time are slow (rank 70 here: 1.38x;
// ranks 71 and 12 are within 1 % of it: the list's tail, no straggler). The slow-participant reader
// took "fastest rank 4" for the slow rank (the first "rank N" of a line holding "slowest").
// Figures may carry thousands separators ("4,102"); a time is ms, s or us. Pure functions, thread safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace vigil {

inline constexpr double kFastestSlowRatio = 1.25;  // as SlowMentionIn's kSlowRatio

struct FastestSlowestRanks {
  int fastest_rank = -1;
  double fastest_s = 0;   // the fastest rank's time, in seconds
  std::vector<int> slow;  // the listed ranks at least kFastestSlowRatio x fastest_s (empty: none slow)
};

// The spread `line` prints (at most 2,000 bytes): "fastest rank N ... T unit" followed by a "slowest"
// list of "rankK=T unit" / "rank K: T unit" entries (one at least); nullopt when the line is no such
// spread. A parenthesised figure after an entry ("(data wait 1,090 ms)") is that entry's detail, not
// another rank's time.
std::optional<FastestSlowestRanks> ReadFastestSlowestRanks(const std::string& line);

}  // namespace vigil
