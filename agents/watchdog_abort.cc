#include "agents/watchdog_abort.h"

#include <algorithm>
#include <limits>
#include <map>
#include <regex>

#include "agents/torchrun_entry_time.h"
#include "core/parse.h"

namespace vigil {

std::set<size_t> WatchdogAbortLines(const std::vector<std::string>& lines, const LogClock& clock) {
  constexpr int64_t kNone = std::numeric_limits<int64_t>::max();
  constexpr size_t kMaxLines = 20'000;
  const size_t n = std::min(lines.size(), kMaxLines);
  static const std::regex kWatchdog(R"(\[Rank\s+(\d{1,7})\]\s+Watchdog caught collective operation timeout)");
  static const std::regex kWatchdogPrefix(R"(^\s*\[rank(\d{1,7})\]:.*Watchdog caught collective operation timeout)");
  static const std::regex kField(R"(^\s*(?:\d{1,6}:\s+)?(time|host|rank|exitcode|error_file|traceback)\s*:\s*(.*)$)");
  static const std::regex kRankValue(R"(^(\d{1,7})\b)");
  static const std::regex kPidValue(R"(\(pid:\s*(\d{1,9})\))");
  static const std::regex kAgentFailed(R"(failed \(exitcode: -6\).*\(pid:\s*(\d{1,9})\))");
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
  // The entries: the field lines under one "[N]:" header share its entry time.
  struct Entry {
    std::vector<size_t> fields;
    int rank = -1;
    long pid = -1;
    bool abort = false;
    std::string time;
  };
  std::map<std::string, Entry> entries;  // keyed by the entry's first field line, as its time's anchor
  std::string current;
  for (size_t k = 0; k < n; ++k) {
    const std::string& l = lines[k];
    std::smatch m;
    if (l.size() > 300 || !std::regex_search(l, m, kField)) {
      current.clear();
      continue;
    }
    const std::string time = TorchrunEntryTime(lines, k);
    if (time.empty()) continue;
    if (current.empty()) current = std::to_string(k);
    Entry& e = entries[current];
    e.time = time;
    e.fields.push_back(k);
    const std::string name = m.str(1), value = m.str(2);
    std::smatch v;
    if (name == "rank" && std::regex_search(value, v, kRankValue)) {
      if (const std::optional<int32_t> r = ParseInt32(v.str(1))) e.rank = *r;
    }
    if (name == "exitcode") {
      if (value.rfind("-6", 0) == 0) e.abort = true;
      if (std::regex_search(value, v, kPidValue)) e.pid = std::stol(v.str(1));
    }
    if (name == "traceback" && value.find("SIGABRT") != std::string::npos) e.abort = true;
  }
  std::set<long> pids;
  for (const auto& [key, e] : entries) {
    if (!e.abort || e.rank < 0) continue;
    const int64_t at = LineTimeMs(e.time, clock);
    const int64_t w = watchdog_at(e.rank, ParseInt32(e.time.substr(0, 4)).value_or(0));
    if (w == kNone || at == kNone || w > at || at - w > kWatchdogAbortWithinMs) continue;
    out.insert(e.fields.begin(), e.fields.end());
    if (e.pid >= 0) pids.insert(e.pid);
  }
  for (size_t k = 0; k < n && !pids.empty(); ++k) {
    std::smatch m;
    if (lines[k].size() <= 2000 && lines[k].find("exitcode: -6") != std::string::npos &&
        std::regex_search(lines[k], m, kAgentFailed) && pids.count(std::stol(m.str(1)))) {
      out.insert(k);
    }
  }
  return out;
}

}  // namespace vigil
