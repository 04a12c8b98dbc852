// How the built-in reasoner reads the time of a log line and the systemd lines about the
// monitoring stack (TZ). Declared apart from builtin_reasoner.h for the tests; defined in
// builtin_reasoner.cc.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace vigil {

// How a case's log lines are placed in time (TZ): the year of lines printed without one (the
// alert's, else the case's earliest dated time's), the alert's startsAt (anchor_ms, 0: none) and the zone of lines printed without one
// (topology.timezone: offset_min, zone_declared; else UTC, assumed).
struct LogClock {
  int year = 1970;
  int64_t anchor_ms = 0;
  bool zone_declared = false;
  int offset_min = 0;
  // With no alert (anchor_ms 0): the case's earliest dated time (ReferenceYear), which year-less
  // times are placed nearest to (RG9: "Jan 01" lines after a Dec 31); 0: none.
  int64_t reference_ms = 0;
};
// A line's time (unix ms; kNoTime = INT64_MAX when it prints none) and whether it is exact: printed
// with a zone, or without one in a case that declares its zone. `zoned` false: a local time read
// as UTC, off by up to -12 h .. +14 h.
struct LineTime {
  int64_t ms = std::numeric_limits<int64_t>::max();
  bool zoned = false;
};
// The instant a date-dependent zone (an IANA name in topology.timezone or a source's heading, TZ2) is
// read at: the alert's start, else the case's earliest dated time; 0 when the case has neither.
inline int64_t ZoneInstantMs(const LogClock& clock) { return clock.anchor_ms > 0 ? clock.anchor_ms : clock.reference_ms; }
LineTime ParseLineTime(const std::string& line, const LogClock& clock);
// Whether `line` holds hh:mm:ss (ASCII digits: two, ':', two, ':', two), which every stamp
// ParseLineTime reads holds: a line without one has no time (ParseLineTime answers at once).
bool HoldsClockTime(std::string_view line);
int64_t LineTimeMs(const std::string& line, const LogClock& clock);
// topology.timezone ("UTC", "Z", "+01:00", "-0500", "UTC+1"): minutes east of UTC; nullopt for
// anything else (IANA names included), a malformed offset ("+05:3", "+5:30", "+0530x") or one
// beyond UTC-12 .. UTC+14.
std::optional<int> ParseZoneOffsetMin(std::string z);
// The systemd unit of the monitoring stack a line is about ("systemd[1]: dcgm-exporter.service:
// Main process exited, code=killed, status=9/KILL" -> "dcgm-exporter.service"), or "" (TZ).
std::string MonitoringUnitOfLine(const std::string& text);

}  // namespace vigil
