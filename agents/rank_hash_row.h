// One line listing every replica's checksum as "rank:value" pairs (PLC74, 2026-12-07, realistic64
// rl64-09, SEEN). A replica-consistency check that gathers each data-parallel replica's parameter hash
// (all_gather_object over a Gloo group) prints them on one row: "6:9f2c11e0 14:9f2c11e0 22:4a17d3b2
// 30:9f2c11e0 ...", under a header naming what they are ("param sha256 per dp replica"). The one rank
// whose value differs where every other agrees computes wrong numbers: its GPU (silent data
// corruption), where the rank layout places it - not the GPU of the rank that wrote the line, nor the
// first node of the job that a recalled pack entry falls back to.
//
// Read: a row of three or more "rank:value" / "rank=value" pairs whose values are hex digests (0x-hex
// or 8 hex digits or more), on a line naming a checksum / hash / digest / sha or right below one (up to
// two lines); one value held by one rank, one other value held by two ranks or more, nothing else.
// Not read: two values split evenly or three values; rows of step times or counters (decimal values
// with no hex letter are read only under a checksum header). Pure functions, thread safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agents/replica_checksum_lines.h"

namespace vigil {

// The first row of `lines` whose one odd rank is found as above (`iteration` 0, `iterations` 1).
std::optional<ReplicaChecksumOdd> FindRankHashRowOdd(const std::vector<std::string>& lines);

}  // namespace vigil
