// PLC56 (realistic49 rl49-19, seen): a log saved under a note that names its rank
// ("pod/tt-8b-long-worker-2 (previous, rank 20)") whose own PyTorch-prefixed lines are all that
// rank's ("[rank20]: ..."): its unprefixed lines ("Fatal Python error: Segmentation fault", a
// faulthandler dump) were written by that rank. SourceRankRegex reads a rank only as a path segment
// ("node/rank20/stderr"); PLC54 found that reading every "(rank N)" note would place 36 sources of 11
// other sets, most "... (rank 0)" logs that hold other ranks' lines. Here the note counts only when the
// log's own prefixed lines agree with it: at least one "[rankN]:" line, none of another rank.
// Pure function, thread safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace vigil {

// How a log's own "[rankN]:" prefixed lines stand to `rank`: kOther when one names another rank,
// else kSame when one names it, else kNone (no prefixed line; lines over 4000 bytes are not read).
enum class PrefixedRanks { kNone, kSame, kOther };
PrefixedRanks PrefixedRanksAgainst(const std::vector<std::string>& lines, int rank);

// The rank a source's parenthesised note names ("(previous, rank 20)", "(rank 3)"), when `lines` (the
// log's lines) hold a "[rankN]:" line of that rank and none of another; nullopt otherwise.
std::optional<int> NotedSourceRank(const std::string& source, const std::vector<std::string>& lines);

}  // namespace vigil
