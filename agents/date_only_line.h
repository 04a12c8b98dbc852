// A log line dated with no time of day (PLC22). Defined in builtin_reasoner.cc; declared apart from
// log_time.h for the tests.
#pragma once

#include <cstdint>
#include <string_view>

namespace vigil {

// A line that begins with a bare date and no time of day ("2026-11-12 RMA-43907 ... GPU replaced",
// an ops note or changelog; leading blanks allowed; the date followed by a blank, ':' or the line's
// end): the latest instant that day can end in any zone (its 24:00 UTC + 14 h), so a line read as
// older than a time by it is older whatever its zone; INT64_MAX for any other line (a time of day
// after the date, "2026-11-12T08:41:17", an impossible date, a date not at the start).
int64_t LeadingDateEndMs(std::string_view line);

}  // namespace vigil
