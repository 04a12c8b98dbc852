#include "agents/change_log_lines.h"

#include <algorithm>
#include <regex>

#include "core/civil_date.h"

namespace vigil {

std::optional<int64_t> CivilDay(int y, int m, int d) {
  if (y < 1970 || y > 9999) return std::nullopt;
  // February 29 of any year is the day after the 28th: in a common year that is March 1, as the unchecked
  // days_from_civil this read with before TW2 counted it (core's CivilDayNumber refuses it).
  if (m == 2 && d == 29) return CivilDayNumber(y, 2, 28).value() + 1;
  return CivilDayNumber(y, m, d);
}

namespace {

std::optional<int64_t> DayOf(const std::smatch& m) {
  return CivilDay(std::stoi(m[1].str()), std::stoi(m[2].str()), std::stoi(m[3].str()));
}

}  // namespace

bool IsChangeLogSource(const std::string& source) {
  static const std::regex kChangeLog(
      R"((^|[^a-z])(maintenance|maint|change-?log|changelog|changes)([^a-z]|$)|(^|/)change/)", std::regex::icase);
  return source.size() <= 400 && std::regex_search(source, kChangeLog);
}

std::optional<int64_t> LineStampDay(const std::string& line) {
  if (line.size() > 4000) return std::nullopt;
  static const std::regex kStamp(R"((\d{4})-(\d{2})-(\d{2})[ T]\d{2}:\d{2})");
  std::optional<int64_t> latest;
  for (std::sregex_iterator it(line.begin(), line.end(), kStamp), end; it != end; ++it) {
    const std::optional<int64_t> day = DayOf(*it);
    if (day && (!latest || *day > *latest)) latest = day;
  }
  return latest;
}

std::optional<int64_t> IncidentDay(const DiagnosisCase& c, int64_t alert_start_ms) {
  if (alert_start_ms > 0) return alert_start_ms / 86'400'000;
  std::optional<int64_t> latest;
  for (const CaseLog& log : c.logs) {
    if (IsChangeLogSource(log.source)) continue;
    for (const LogLine& l : log.lines) {
      const std::optional<int64_t> day = LineStampDay(l.text);
      if (day && (!latest || *day > *latest)) latest = day;
    }
  }
  return latest;
}

std::vector<bool> ChangeLogHistoryLines(const CaseLog& log, int64_t incident_day) {
  std::vector<bool> out(log.lines.size(), false);
  if (!IsChangeLogSource(log.source)) return out;
  static const std::regex kLeadingDate(R"(^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T:]|$))");
  // A hardware fault someone saw (not a change they made).
  static const std::regex kSighting(
      R"(\bS?Xid\s*\d+|\blink (?:flaps?|flapping|flapped|down)\b|\bflap(?:s|ped|ping)?\b|fallen off the bus|)"
      R"(\bDBE\b|uncorrectable ECC|row remap(?:ping)? (?:pending|fail)|\bGSP (?:RPC )?timeout)",
      std::regex::icase);
  for (size_t i = 0; i < log.lines.size(); ++i) {
    const std::string& t = log.lines[i].text;
    if (t.size() > 4000) continue;
    std::smatch m;
    if (!std::regex_search(t, m, kLeadingDate)) continue;
    const std::optional<int64_t> day = DayOf(m);
    if (!day || incident_day - *day < kChangeLogHistoryDays) continue;
    out[i] = std::regex_search(t, kSighting);
  }
  return out;
}

}  // namespace vigil
