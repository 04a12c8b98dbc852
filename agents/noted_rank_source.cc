#include "agents/noted_rank_source.h"

#include <regex>

namespace vigil {

std::optional<int> NotedSourceRank(const std::string& source, const std::vector<std::string>& lines) {
  if (source.size() > 500 || source.find('(') == std::string::npos) return std::nullopt;
  static const std::regex kNote(R"(\((?:[^()]*[\s,;])?rank\s+(\d{1,6})\s*\))", std::regex::icase);
  std::smatch m;
  if (!std::regex_search(source, m, kNote)) return std::nullopt;
  const int noted = std::stoi(m.str(1));
  return PrefixedRanksAgainst(lines, noted) == PrefixedRanks::kSame ? std::optional<int>(noted) : std::nullopt;
}

PrefixedRanks PrefixedRanksAgainst(const std::vector<std::string>& lines, int rank) {
  static const std::regex kPrefix(R"(^\s*\[rank(\d{1,6})\]:)");
  PrefixedRanks out = PrefixedRanks::kNone;
  for (const std::string& l : lines) {
    if (l.size() > 4000 || l.find("[rank") == std::string::npos) continue;
    std::smatch p;
    if (!std::regex_search(l, p, kPrefix)) continue;
    if (std::stoi(p.str(1)) != rank) return PrefixedRanks::kOther;
    out = PrefixedRanks::kSame;
  }
  return out;
}

}  // namespace vigil
