#include "agents/rank_range_times.h"

#include <algorithm>
#include <cmath>
#include <regex>

#include "core/ascii.h"

namespace vigil {
namespace {

struct Group {
  int first = 0, last = 0;
  double lo = 0, hi = 0;
};

std::optional<RankRangeSlowGroup> ReadLine(const std::string& line) {
  const std::string t = AsciiLower(line);
  if (t.find("rank") == std::string::npos) return std::nullopt;
  static const std::regex kTimeWord(R"(\bms\b|\bsec|\btime|\blatency|\bduration|\(s\)|_s\b|\d\s?s\b)");
  static const std::regex kWaitWord(R"(\bwait|\bidle\b|\bstall|\bblocked\b|\bbarrier)");
  if (!std::regex_search(t, kTimeWord) || std::regex_search(t, kWaitWord)) return std::nullopt;
  static const std::regex kGroup(
      R"(\branks?\s+(\d{1,6})(?:\s*-\s*(\d{1,6}))?\s*:?\s+(\d+(?:\.\d+)?)(?:\s*-\s*(\d+(?:\.\d+)?))?(?!\.?\d))");
  std::vector<Group> groups;
  for (auto it = std::sregex_iterator(t.begin(), t.end(), kGroup); it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    Group g;
    g.first = std::stoi(m.str(1));
    g.last = m[2].matched ? std::stoi(m.str(2)) : g.first;
    g.lo = std::strtod(m.str(3).c_str(), nullptr);
    g.hi = m[4].matched ? std::strtod(m.str(4).c_str(), nullptr) : g.lo;
    // A value past a double's range (strtod's inf) is no time (RV1: printed "inf" as the slow group's).
    if (g.last < g.first || g.hi < g.lo || g.lo <= 0 || !std::isfinite(g.hi)) return std::nullopt;
    groups.push_back(g);
  }
  if (groups.size() < 2) return std::nullopt;
  size_t ranks = 0;
  for (size_t i = 0; i < groups.size(); ++i) {
    ranks += static_cast<size_t>(groups[i].last - groups[i].first + 1);
    for (size_t j = 0; j < i; ++j) {
      if (groups[i].first <= groups[j].last && groups[j].first <= groups[i].last) return std::nullopt;
    }
  }
  if (ranks < 4) return std::nullopt;
  std::optional<RankRangeSlowGroup> found;
  for (size_t i = 0; i < groups.size(); ++i) {
    double peers = 0;
    for (size_t j = 0; j < groups.size(); ++j) {
      if (j != i) peers = std::max(peers, groups[j].hi);
    }
    if (peers <= 0 || groups[i].lo < kRankRangeSlowRatio * peers) continue;
    if (found) return std::nullopt;  // one slow group only
    found = RankRangeSlowGroup{0, groups[i].first, groups[i].last, groups[i].lo, peers, ranks};
  }
  return found;
}

}  // namespace

std::optional<RankRangeSlowGroup> FindRankRangeSlowGroup(const std::vector<std::string>& lines) {
  for (size_t i = 0; i < lines.size() && i < 20000; ++i) {
    if (lines[i].size() > 2000) continue;
    if (std::optional<RankRangeSlowGroup> g = ReadLine(lines[i])) {
      g->line = i;
      return g;
    }
  }
  return std::nullopt;
}

}  // namespace vigil
