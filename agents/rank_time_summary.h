// A per-rank time distribution printed on one line with its slowest rank named after the max
// (PLC64, 2026-12-07; realistic56 rl56-26): a trainer's periodic summary
//   "per-rank step time (s): median 2.93, p99 4.10, max 4.12 (rank 41); all other ranks 2.88-2.97"
// The rank after the max is the slow one when the max is at least kSummarySlowRatio x the median
// (and, where the others' range is printed, that much over its top too). SlowMentionIn reads
// "p50 X max Y (rank N)" only with nothing between the two figures, and only once straggler_rank is
// suspected; this line is first-hand and read either way. A distribution of a rate (throughput,
// tokens/s, TFLOPS, utilisation, bandwidth) names its fastest rank after the max: not read. Pure
// functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

inline constexpr double kSummarySlowRatio = 1.25;  // as SlowMentionIn's kSlowRatio

struct SummarySlowRank {
  size_t line = 0;          // the summary's line in the lines given
  int rank = -1;            // the rank named after the max (the first of a range)
  int last_rank = -1;       // PLC77: the last rank of "max M (ranks A-B)" (a node's ranks), else -1
  double max = 0;           // the max (the line's unit)
  double median = 0;        // the median / p50 / mean it is read against
  double others_top = -1;   // the top of "all other ranks A-B" where printed, else -1
};

// The summary `line` (at most 2,000 bytes) prints: "median|p50|mean T ... max M (rank N)" (also "max M
// on rank N", "max M @ rank N"; PLC77, realistic68 rl68-13: "max M (ranks A-B)", a node's ranks slow
// together, A < B at most 64 apart), any percentiles between ("p90 X, p99 Y"), on a line of times ("time",
// "latency", "duration", "(s)", "(ms)"); nullopt when it is no such line or the max is not slow.
std::optional<SummarySlowRank> ReadSummarySlowRank(const std::string& line);

// The first such line of `lines` that names a slow rank.
std::optional<SummarySlowRank> FindSummarySlowRank(const std::vector<std::string>& lines);

}  // namespace vigil
