#include "agents/source_zone.h"

#include <cstdio>
#include <limits>
#include <map>
#include <regex>
#include <set>
#include <vector>

#include "agents/log_time.h"
#include "core/civil_date.h"
#include "core/time_util.h"
#include "core/tz_database.h"

namespace vigil {

namespace {

const std::map<std::string, int>& AbbrevOffsets() {
  static const auto* m = new std::map<std::string, int>{
      {"CET", 60},   {"CEST", 120}, {"EET", 120},  {"EEST", 180}, {"WET", 0},    {"WEST", 60},
      {"PST", -480}, {"PDT", -420}, {"MST", -420}, {"MDT", -360}, {"EST", -300}, {"EDT", -240},
      {"JST", 540},  {"KST", 540},  {"HKT", 480},  {"SGT", 480},  {"AEST", 600}, {"AEDT", 660},
      {"UTC", 0},    {"GMT", 0}};
  return *m;
}

// The offsets a note declares (ParseZoneOffsetMin's), each once; with `at_ms` > 0 also an IANA zone
// name's offset at that instant (TZ2).
std::set<int> DeclaredOffsets(const std::string& note, int64_t at_ms) {
  // "+0100", "+01:00", "UTC+01:00", and after UTC / GMT also one hour digit ("UTC+8", "GMT-5"; RV12).
  static const std::regex kOffset(
      R"((?:^|[\s(,;])((?:UTC|GMT)[+-]\d{1,2}(?::?\d{2})?|[+-]\d{2}(?::?\d{2})?)(?=[\s),;]|$))");
  // Common fixed abbreviations (RV12), upper case, standing as a word ('/' too: "CET/CEST" says two,
  // and is then no zone). Ambiguous ones are not read: IST (India +05:30, Ireland +01:00, Israel
  // +02:00), CST (US Central -06:00, China +08:00), BST (British Summer, Bangladesh).
  static const std::regex kAbbrev(
      R"((?:^|[\s(,;/])(CET|CEST|EET|EEST|WET|WEST|PST|PDT|MST|MDT|EST|EDT|JST|KST|HKT|SGT|AEST|AEDT)(?=[\s),;/]|$))");
  static const std::regex kUtcWord(R"((?:^|[\s(,;])(?:UTC|GMT)(?=[\s),;]|$))");
  std::set<int> out;
  if (note.size() > 2000) return out;
  for (auto it = std::sregex_iterator(note.begin(), note.end(), kOffset); it != std::sregex_iterator(); ++it) {
    if (std::optional<int> off = ParseZoneOffsetMin(it->str(1))) out.insert(*off);
  }
  if (std::regex_search(note, kUtcWord)) out.insert(0);
  for (auto it = std::sregex_iterator(note.begin(), note.end(), kAbbrev); it != std::sregex_iterator(); ++it) {
    out.insert(AbbrevOffsets().at(it->str(1)));
  }
  if (at_ms > 0) {
    // An IANA name of the tz database's regions ("host timezone Europe/Berlin", "(BMC clock set to
    // Asia/Shanghai, +0800)"), read from the database at `at_ms`; a name it lacks adds nothing.
    static const std::regex kIana(
        R"((?:^|[\s(,;=])((?:Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)/[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+)?)(?=[\s),;]|$))");
    for (auto it = std::sregex_iterator(note.begin(), note.end(), kIana); it != std::sregex_iterator(); ++it) {
      if (Result<ZoneOffset> z = IanaZoneOffsetAt(it->str(1), at_ms); z.ok()) out.insert(z->offset_min);
    }
  }
  return out;
}

}  // namespace

std::optional<int> SourceZoneOffsetMin(const CaseLog& log, int64_t at_ms) {
  std::vector<std::string> notes;
  for (size_t open = log.source.find('('); open != std::string::npos; open = log.source.find('(', open + 1)) {
    const size_t close = log.source.find(')', open);
    if (close == std::string::npos) break;
    notes.push_back(log.source.substr(open, close - open + 1));
  }
  for (size_t i = 0; i < log.lines.size() && i < 3; ++i) {
    const std::string& t = log.lines[i].text;
    const size_t first = t.find_first_not_of(" \t");
    if (first != std::string::npos && t[first] == '#') notes.push_back(t);
  }
  std::set<int> offsets;
  for (const std::string& n : notes) {
    for (int off : DeclaredOffsets(n, at_ms)) offsets.insert(off);
  }
  if (offsets.size() != 1) return std::nullopt;
  return *offsets.begin();
}

namespace {

constexpr int64_t kNoBootTime = std::numeric_limits<int64_t>::max();

// "2026-12-04T04:24:00Z"-style text read as unix ms, minus `zone_min`; kNoBootTime when no calendar has it.
int64_t CivilMs(int y, int mo, int d, int h, int mi, int sec, int zone_min) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, sec);
  auto t = ParseRfc3339Ms(buf);
  return t.ok() ? *t - static_cast<int64_t>(zone_min) * 60'000 : kNoBootTime;
}

}  // namespace

std::optional<SourceBoot> SourceBootTime(const CaseLog& log, const LogClock& clock) {
  static const std::regex kWhoB(R"(\bsystem boot +(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?![\d:]))");
  static const std::regex kDate(
      R"(^\s*(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (?:([A-Z]{3,4}) )?(\d{4})\s*$)");
  static const std::regex kUptime(
      R"(^\s*(\d{2}):(\d{2}):(\d{2}) up +(?:(\d+) days?, +)?(?:(\d{1,2}):(\d{2})|(\d+) min),)");
  const int zone = clock.zone_declared ? clock.offset_min : 0;
  std::vector<int64_t> boots;
  int64_t date_ms = kNoBootTime;
  int date_clock_s = -1;
  std::vector<std::string> uptime_fields;
  for (const LogLine& l : log.lines) {
    const std::string& t = l.text;
    if (t.size() > 400) continue;
    std::smatch m;
    if (std::regex_search(t, m, kWhoB)) {
      const int64_t b = CivilMs(std::stoi(m.str(1)), std::stoi(m.str(2)), std::stoi(m.str(3)), std::stoi(m.str(4)),
                                std::stoi(m.str(5)), 0, zone);
      if (b == kNoBootTime) return std::nullopt;
      boots.push_back(b);
    } else if (std::regex_search(t, m, kDate)) {
      int z = zone;
      if (m[6].matched) {
        auto it = AbbrevOffsets().find(m.str(6));
        if (it == AbbrevOffsets().end()) return std::nullopt;  // a zone whose offset is not read (IST, CST)
        z = it->second;
      }
      const int64_t d = CivilMs(std::stoi(m.str(7)), MonthOfAbbrev(m.str(1)), std::stoi(m.str(2)), std::stoi(m.str(3)),
                                std::stoi(m.str(4)), std::stoi(m.str(5)), z);
      if (d == kNoBootTime || (date_ms != kNoBootTime && d != date_ms)) return std::nullopt;
      date_ms = d;
      date_clock_s = std::stoi(m.str(3)) * 3600 + std::stoi(m.str(4)) * 60 + std::stoi(m.str(5));
    } else if (std::regex_search(t, m, kUptime)) {
      if (!uptime_fields.empty()) return std::nullopt;
      for (size_t i = 1; i < m.size(); ++i) uptime_fields.push_back(m[i].matched ? m.str(i) : "");
    }
  }
  if (!uptime_fields.empty() && date_ms != kNoBootTime) {
    const int h = std::stoi(uptime_fields[0]), mi = std::stoi(uptime_fields[1]), sec = std::stoi(uptime_fields[2]);
    if (h > 23 || mi > 59 || sec > 59) return std::nullopt;
    const int clock_s = h * 3600 + mi * 60 + sec;
    // uptime's clock and date's, within 10 min on the same day (not across a midnight).
    if (std::abs(clock_s - date_clock_s) > 600) return std::nullopt;
    const int64_t days = uptime_fields[3].empty() ? 0 : std::stoll(uptime_fields[3].substr(0, 6));
    int64_t up_min = 0;
    if (!uptime_fields[6].empty()) {
      up_min = std::stoll(uptime_fields[6].substr(0, 6));
    } else {
      const int uh = std::stoi(uptime_fields[4]), um = std::stoi(uptime_fields[5]);
      if (uh > 23 || um > 59) return std::nullopt;
      up_min = uh * 60 + um;
    }
    if (days > 3650 || up_min >= 24 * 60) return std::nullopt;
    const int64_t now_ms = date_ms + static_cast<int64_t>(clock_s - date_clock_s) * 1000;
    boots.push_back(now_ms - (days * 1440 + up_min) * 60'000);
  }
  if (boots.empty()) return std::nullopt;
  for (int64_t b : boots) {
    if (std::llabs(b - boots[0]) > 120'000) return std::nullopt;
  }
  SourceBoot out;
  out.boot_ms = boots[0];
  if (date_ms != kNoBootTime) {
    out.latest_ms = date_ms;
  } else if (clock.anchor_ms > 0) {
    out.latest_ms = clock.anchor_ms + 86'400'000;
  } else {
    return std::nullopt;
  }
  if (out.latest_ms < out.boot_ms) return std::nullopt;
  return out;
}

int64_t BootRelativeLineMs(const std::string& line, const SourceBoot& boot) {
  static const std::regex kBootSeconds(R"(^\s*\[\s*(\d{1,10})\.(\d{6})\])");
  std::smatch m;
  if (line.size() > 4000 || !std::regex_search(line, m, kBootSeconds)) return kNoBootTime;
  const int64_t ms = std::stoll(m.str(1)) * 1000 + std::stoll(m.str(2)) / 1000;
  if (ms > boot.latest_ms - boot.boot_ms) return kNoBootTime;  // after the source's "now": not this boot's
  return boot.boot_ms + ms;
}

}  // namespace vigil
