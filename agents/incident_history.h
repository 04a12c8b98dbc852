// Evidence that is history (RG14, 2026-12-03): a fault a case's log shows only days before the
// incident's other evidence. With no alert, the incident's time is read from the evidence itself:
// the latest timed line any other category's signature matched (the job's failure, its watchdog
// timeouts). A category every matched line of which is timed, and timed over kHistoryGapMs before
// that, and before the job started when the case gives the job's start (scontrol's StartTime=),
// is history: an Xid 13 in `dmesg -T` from six days before a SIGSEGV is an older event of the
// node, not the crash's cause. An Xid followed minutes or hours later by the job's hang is not
// (the gap is two days: a watchdog waits at most hours, and a local time of an undeclared zone is
// off by at most 26 h). RG15 (realistic15 rl15-27: an Xid 79 35 h before a driver mismatch on the
// node whose board it got replaced, the reason for the swap, not the failure): when the case
// declares its zone the 26 h of zone drop out and the gap is kHistoryGapExactMs; an untimed line
// (a rank's traceback) is the incident's evidence no earlier than the timed line before it in its
// source (the job's "attempt 1" banner). Pure functions, thread safe.
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
// The gap when every time is exact (a declared zone): the hours a watchdog can wait, doubled.
constexpr int64_t kHistoryGapExactMs = 24 * 3600'000LL;

// What the signatures of one category matched, in time: the latest timed line (INT64_MIN: none)
// and whether some matched line prints no time (such a category is never history).
struct CategoryTimes {
  int64_t last_ms = std::numeric_limits<int64_t>::min();
  bool untimed = false;
  // Of the untimed lines: the latest time of a timed line before one in its source (INT64_MIN:
  // none). Counts as the incident's evidence for the other categories (a lower bound of its time).
  int64_t floor_ms = std::numeric_limits<int64_t>::min();
};

// The categories that are history, by the rule above. `job_start_ms`: the job's start (INT64_MAX:
// not known). `exact_times`: the case declares its zone (gap kHistoryGapExactMs, else kHistoryGapMs).
std::set<std::string> HistoryCategories(const std::map<std::string, CategoryTimes>& cats,
                                        int64_t job_start_ms = std::numeric_limits<int64_t>::max(),
                                        bool exact_times = false);

// The job's start as the lines give it: `scontrol show job`'s "StartTime=2026-11-23T14:19:58" (its
// "Unknown" and "None" are no time). Several different starts (a requeued job's attempts, two jobs)
// give the latest, the attempt the failure belongs to. INT64_MAX when none is read.
int64_t JobStartMs(const std::vector<std::string>& lines, const LogClock& clock);

}  // namespace vigil
