// Sightings of one log signature days apart (PLC12, 2026-12-04): an operator's `dmesg -T | grep Xid`
// over a fleet, or one node's whole kernel log, keeps an earlier incident's line beside today's
// ("Xid 79 ... fallen off the bus" on another node nine days ago, since resolved by a GPU swap). Both
// lines match the same signature; the signature's weight and place go to its first line, so the old
// incident's GPU became the answer. A sighting more than `gap_ms` before the signature's newest timed
// sighting belongs to an earlier incident: the newer sightings lead. Pure function, thread safe.
#pragma once

#include <cstdint>
#include <vector>

namespace vigil {

// For each sighting (its line's time, `no_time` when it prints none), whether it is an earlier
// incident's: timed more than `gap_ms` before the newest timed sighting. Untimed sightings are never
// marked (nothing says when they were written); with fewer than two timed sightings none is.
std::vector<bool> EarlierIncidentSightings(const std::vector<int64_t>& times_ms, int64_t no_time, int64_t gap_ms);

}  // namespace vigil
