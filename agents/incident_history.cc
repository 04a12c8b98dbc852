#include "agents/incident_history.h"

#include <algorithm>
#include <regex>

#include "core/saturating.h"

namespace vigil {

std::set<std::string> HistoryCategories(const std::map<std::string, CategoryTimes>& cats, int64_t job_start_ms,
                                        bool exact_times) {
  const int64_t gap = exact_times ? kHistoryGapExactMs : kHistoryGapMs;
  constexpr int64_t kNone = std::numeric_limits<int64_t>::min();
  std::set<std::string> out;
  for (const auto& [cat, t] : cats) {
    if (t.untimed || t.last_ms == kNone) continue;
    int64_t other = kNone;  // the incident's other evidence: the latest line another category matched
    for (const auto& [o, ot] : cats) {
      if (o != cat) other = std::max({other, ot.last_ms, ot.floor_ms});
    }
    if (other == kNone || t.last_ms >= SaturatingSub(other, gap)) continue;
    if (job_start_ms != std::numeric_limits<int64_t>::max() && t.last_ms >= job_start_ms) continue;
    out.insert(cat);
  }
  return out;
}

int64_t JobStartMs(const std::vector<std::string>& lines, const LogClock& clock) {
  static const std::regex kStart(R"((?:^|\s)StartTime=(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d))");
  int64_t latest = std::numeric_limits<int64_t>::max();
  for (const std::string& line : lines) {
    if (line.find("StartTime=") == std::string::npos) continue;
    std::smatch m;
    if (!std::regex_search(line, m, kStart)) continue;
    const int64_t t = ParseLineTime(m.str(1), clock).ms;
    if (t == std::numeric_limits<int64_t>::max()) continue;
    latest = latest == std::numeric_limits<int64_t>::max() ? t : std::max(latest, t);
  }
  return latest;
}

}  // namespace vigil
