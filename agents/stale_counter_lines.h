// Counters a tool printed that its own note says have not moved for days are history, not today's
// evidence (PLC54, realistic49 rl49-18: a node's `perfquery` output "SymbolErrorCounter: 41,
// LinkDownedCounter: 1" followed by "(unchanged since 2026-11-28; cable replaced, ticket closed)" was read
// as a failing link a week later, ahead of the job's own collective mismatch). An error counter is a
// total since it was last cleared: when the person or tool that pasted it says it is "unchanged since",
// "no change since", "same as on" or "not changed since" a date two or more days
// (kChangeLogHistoryDays) before the incident, the counters did not move during the incident. The lines
// of that output - from the command line ("$ ...", "# ...") or the source's start above the note, to the
// note - are marked; the diagnosis agent blanks them for every reader and says so in a note (as PLC50's
// change-log history). A note dated the incident's day or the day before, or with no date, marks
// nothing. Pure functions, thread safe.
#pragma once

#include <cstdint>
#include <vector>

#include "agents/case.h"

namespace vigil {

// The lines of `log` that a dated "unchanged since" note sets aside as counters that have not moved since
// a day at least kChangeLogHistoryDays before `incident_day` (days since 1970-01-01).
std::vector<bool> StaleCounterLines(const CaseLog& log, int64_t incident_day);

}  // namespace vigil
