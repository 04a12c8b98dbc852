// The ranks a straggler report lists one by one (PLC72, realistic60 rl60-03): Megatron-style "slowest ranks by
// GPU time (ms/iter): rank 847 6.98 s, rank 843 6.96 s, rank 841 6.95 s, rank 846 6.95 s, rank 840 6.94 s;
// median 5.38 s". SlowMentionIn (builtin_reasoner.cc) reads such a line as its last rank against the median
// (one rank, one GPU); when the ranks listed all run on one node (the layout's), the slow participant is that
// node: its ranks share its CPUs, its cgroup, its power and cooling. Pure function, thread safe.
#pragma once

#include <string>
#include <vector>

namespace vigil {

// The distinct ranks `line` names as "rank N" / "rank=N" / "rank: N", in order; a "[rankN]:" writer prefix
// is not one of them. Empty for lines over 2000 characters and for a report that says it found no straggler
// ("no straggler (threshold 0.75); lowest relative perf scores: rank 77 0.83, ...": its lowest scores, not slow
// ranks; realistic34 rl34-07).
std::vector<int> RanksListed(const std::string& line);

// At least this many distinct ranks listed make a list (two are a pair compared, PLC51's fastest / slowest).
constexpr size_t kMinListedRanks = 3;

}  // namespace vigil
