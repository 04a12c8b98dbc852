#include "agents/stale_counter_lines.h"

#include <regex>
#include <string>

#include "agents/change_log_lines.h"

namespace vigil {
namespace {

bool IsCommandLine(const std::string& t) {
  size_t i = t.find_first_not_of(" \t");
  return i != std::string::npos && (t[i] == '$' || (t[i] == '#' && i + 1 < t.size() && t[i + 1] == ' '));
}

}  // namespace

std::vector<bool> StaleCounterLines(const CaseLog& log, int64_t incident_day) {
  std::vector<bool> out(log.lines.size(), false);
  static const std::regex kUnchanged(
      R"(\b(?:unchanged|not changed|no change|same as on|same as|same (?:counters?|values?|counts?|readings?) (?:at|on|as at|as on))\s+(?:since\s+)?(?:on\s+)?(\d{4})-(\d{2})-(\d{2})\b)",
      std::regex::icase);
  size_t block_start = 0;  // the output's first line: after the last command line
  for (size_t i = 0; i < log.lines.size(); ++i) {
    const std::string& t = log.lines[i].text;
    if (t.size() > 4000) continue;
    std::smatch m;
    // A note may itself be a comment line ("# same counters at 2026-11-20: ...", PLC58): read as a note first.
    if (!std::regex_search(t, m, kUnchanged)) {
      if (IsCommandLine(t)) block_start = i + 1;
      continue;
    }
    const std::optional<int64_t> day = CivilDay(std::stoi(m.str(1)), std::stoi(m.str(2)), std::stoi(m.str(3)));
    if (!day || incident_day - *day < kChangeLogHistoryDays) continue;
    for (size_t k = block_start; k <= i; ++k) out[k] = true;
  }
  return out;
}

}  // namespace vigil
