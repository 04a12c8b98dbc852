// What a maintenance or change log says people saw days before the incident is history (PLC50,
// realistic45: seven cases carry a `maintenance.log` whose dated lines - "2026-11-04 kst-a031 NHC: Xid 79 on
// GPU 0000:c6:00.0 (gpu6), node drained" - were read as today's log lines, a month-old Xid 79 a rival of
// today's host OOM). Such a log records what people did and saw before; PLC27 / PLC44 / PLC49 set aside
// Markdown history, chat and ticket records the same way (person_lines.h). What stays evidence: the
// changes it records (a driver upgraded, a cable reseated, an image rolled: the state the machines are
// in now, whenever it was made), every line of the incident's day and the day before, and any line
// without a leading date. Pure functions, thread safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agents/case.h"

namespace vigil {

// Whether a log source's name says it is a maintenance or change log: "maintenance.log",
// "ops/maintenance", "ops/change-log", "ops/changes", "netops/changes", "change/CHG-5530", a changelog.
bool IsChangeLogSource(const std::string& source);

// The day (days since 1970-01-01) of a calendar date, 1970-9999; nullopt for a date that does not exist
// (month 13, day 32, 31 April; 29 February is accepted in any year).
std::optional<int64_t> CivilDay(int y, int m, int d);

// The day (days since 1970-01-01) of the latest "YYYY-MM-DD hh:mm" / "YYYY-MM-DDThh:mm" stamp in `line`,
// if it holds one with a real date.
std::optional<int64_t> LineStampDay(const std::string& line);

// The day of the incident: `alert_start_ms`'s (when > 0), else the latest LineStampDay of the lines of
// the case's other sources (not change logs: their own entries date the history, not the incident).
std::optional<int64_t> IncidentDay(const DiagnosisCase& c, int64_t alert_start_ms);

// The lines of a change log (IsChangeLogSource) that report a hardware fault seen (an Xid, an SXid, a
// link flap or a port down, a GPU fallen off the bus, uncorrectable ECC, a row remap pending or
// failed, a GSP timeout) on a day at least kChangeLogHistoryDays before `incident_day`, by the date the
// line begins with. Other sources: none.
constexpr int64_t kChangeLogHistoryDays = 2;
std::vector<bool> ChangeLogHistoryLines(const CaseLog& log, int64_t incident_day);

}  // namespace vigil
