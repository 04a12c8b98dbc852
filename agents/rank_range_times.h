// Per-rank times printed as rank ranges on one line (PLC27, 2026-12-05; realistic31 rl31-30): a
// trainer's or an engineer's summary of a step's per-rank compute, a rank group at a time,
//   "per-rank compute ms / step (fwd+bwd, step 700): ranks 0-11 301-318 | ranks 12-15 812-840"
//   "fwd_bwd time (s): rank 0-7: 1.21-1.24; rank 8-15: 1.22-1.25; rank 16-23: 3.9-4.1"
//   "step time per rank group: ranks 0-3 0.91 s, ranks 4-7 0.93 s, ranks 8-11 2.40 s"
// A group is "rank(s) A[-B][:] V1[-V2]" (V the group's fastest and slowest, or one value). The slow
// group is the one whose fastest time is at least kRankRangeSlowRatio x every other group's slowest;
// the line must print times (ms, s, sec, time, latency, duration) and no waiting (wait, idle, stall,
// blocked, barrier: in a synchronous job every rank but the slow ones waits, so a wait table's
// outlier is the reverse). Ranks of two groups may not overlap; at least 2 groups and 4 ranks.
// Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

inline constexpr double kRankRangeSlowRatio = 1.25;  // as kRankTableSlowRatio

struct RankRangeSlowGroup {
  size_t line = 0;   // index into the lines
  int first_rank = 0, last_rank = 0;
  double fastest = 0;        // the slow group's fastest time, as printed (its unit)
  double peers_slowest = 0;  // the other groups' slowest
  size_t ranks = 0;          // ranks the line covers
};

// The first line of `lines` (at most 20,000 read; a line over 2,000 bytes is not) holding such a
// summary with one slow group; nullopt when none.
std::optional<RankRangeSlowGroup> FindRankRangeSlowGroup(const std::vector<std::string>& lines);

}  // namespace vigil
