#include "agents/watchdog_abort.h"

#include <algorithm>
#include <limits>
#include <map>
#include <regex>

#include "agents/torchrun_failure.h"
#include "core/parse.h"

namespace vigil {

std::set<size_t> WatchdogAbortLines(const std::vector<std::string>& lines, const LogClock& clock) {
  constexpr int64_t kNone = std::numeric_limits<int64_t>::max();
  constexpr size_t kMaxLines = 20'000;
  const size_t n = std::min(lines.size(), kMaxLines);
  static const std::regex kWatchdog(R"(\[Rank\s+(\d{1,7})\]\s+Watchdog caught collective operation timeout)");
  static const std::regex kWatchdogPrefix(R"(^\s*\[rank(\d{1,7})\]:.*Watchdog caught collective operation timeout)");
  std::map<int, std::vector<size_t>> watchdog_lines;  // rank -> its watchdog timeout lines
  for (size_t k = 0; k < n; ++k) {
    const std::string& l = lines[k];
    if (l.size() > 2000 || l.find("Watchdog caught") == std::string::npos) continue;
    std::smatch m;
    if (!std::regex_search(l, m, kWatchdog) && !std::regex_search(l, m, kWatchdogPrefix)) continue;
    if (const std::optional<int32_t> r = ParseInt32(m.str(1))) watchdog_lines[*r].push_back(k);
  }
  std::set<size_t> out;
  if (watchdog_lines.empty()) return out;
  // The rank's first watchdog time; a year-less glog stamp ("E1205 14:41:52") is read in the entry's
  // year (`year`), which torchrun's entry prints.
  auto watchdog_at = [&](int rank, int year) {
    int64_t first = kNone;
    auto it = watchdog_lines.find(rank);
    if (it == watchdog_lines.end()) return first;
    LogClock c = clock;
    if (year > 1970) c.year = year;
    for (size_t k : it->second) first = std::min(first, LineTimeMs(lines[k], c));
    return first;
  };
  // The entries of torchrun's report (FindTorchrunFailures, TW1: before, this file parsed them a
  // second time): an entry with exit code -6 or signal 6 and its time, whose rank's own watchdog
  // fired at most kWatchdogAbortWithinMs before it; its field lines (not the "[N]:" header) and the
  // agent's lines of its pid.
  for (const TorchrunFailure& e : FindTorchrunFailures(lines)) {
    if (e.agent_line || !e.Aborted() || e.rank < 0 || e.time.empty() || e.last_line >= n) continue;
    const int64_t at = LineTimeMs(e.time, clock);
    const int64_t w = watchdog_at(e.rank, ParseInt32(e.time.substr(0, 4)).value_or(0));
    if (w == kNone || at == kNone || w > at || at - w > kWatchdogAbortWithinMs) continue;
    for (size_t k = e.first_line + 1; k <= e.last_line; ++k) out.insert(k);
    for (size_t k : e.agent_lines) {
      if (k < n) out.insert(k);
    }
  }
  return out;
}

}  // namespace vigil
