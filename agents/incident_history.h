// Evidence that is history (RG14, 2026-12-03): a fault a case's log shows only days before the
// incident's other evidence. With no alert, the incident's time is read from the evidence itself:
// the latest timed line any other category's signature matched (the job's failure, its watchdog
// timeouts). A category every matched line of which is timed, and timed over kHistoryGapMs before
// that, and before the job started when the case gives the job's start (scontrol's StartTime=),
// is history: an Xid 13 in `dmesg -T` from six days before a SIGSEGV is an older event of the
// node, not the crash's cause. An Xid followed minutes or hours later by the job's hang is not
// (the gap is two days: a watchdog waits at most hours, and a local time of an undeclared zone is
// off by at most 26 h). Pure functions, thread safe.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "agents/log_time.h"

namespace vigil {

constexpr int64_t kHistoryGapMs = 48 * 3600'000LL;

// What the signatures of one category matched, in time: the latest timed line (INT64_MIN: none)
// and whether some matched line prints no time (such a category is never history).
struct CategoryTimes {
  int64_t last_ms = std::numeric_limits<int64_t>::min();
  bool untimed = false;
};

// The categories that are history, by the rule above. `job_start_ms`: the job's start (INT64_MAX:
// not known).
std::set<std::string> HistoryCategories(const std::map<std::string, CategoryTimes>& cats,
                                        int64_t job_start_ms = std::numeric_limits<int64_t>::max());

// The job's start as the lines give it: `scontrol show job`'s "StartTime=2026-11-23T14:19:58" (its
// "Unknown" and "None" are no time). Several different starts (a requeued job's attempts, two jobs)
// give the latest, the attempt the failure belongs to. INT64_MAX when none is read.
int64_t JobStartMs(const std::vector<std::string>& lines, const LogClock& clock);

}  // namespace vigil
