// A rank's own log file named for the rank with an extension (PLC72, realistic60 rl60-20): Slurm's
// `--error=%N/rank-%t.err`, a launcher's per-rank `rank-1950.err`, `rank13.log`, `py-spy-rank21.txt`. The
// source-rank pattern of builtin_reasoner.cc (SourceRankRegex) reads a rank only as a path segment
// ("node/rank5/stderr", "node/rank_5"), not before an extension; PLC68 found widening it touches the
// "rank0.log"-like sources of 98 set cases, most of them the job's main log, which rank 0 writes for all
// (its lines are every rank's). Here a file name counts only when it is the rank's alone: a rank other than
// 0, the name's last segment, and no "[rankM]:" prefixed line of another rank M in it.
// Pure function, thread safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace vigil {

// The rank a log source's file name gives ("avc-n01/rank-1950.err", "rank13.log", "py-spy-dump-rank21.txt":
// 1950, 13, 21) when `lines` (the log's lines) hold no "[rankM]:" line of another rank; nullopt for rank 0,
// for a name without an extension (SourceRankRegex's), for a rank in a folder's name, and otherwise.
std::optional<int> FileNamedRank(const std::string& source, const std::vector<std::string>& lines);

}  // namespace vigil
