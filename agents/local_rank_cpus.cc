#include "agents/local_rank_cpus.h"

#include <map>
#include <regex>

#include "agents/cpu_affinity.h"

namespace vigil {

std::optional<std::pair<int, int>> LocalRankCpus(const std::string& line) {
  if (line.size() > 2000) return std::nullopt;
  if (line.find("ocal") == std::string::npos && line.find("OCAL") == std::string::npos) return std::nullopt;
  static const std::regex kLocalRank(R"((?:^|[^A-Za-z0-9_])local[_ ]rank\s*[=:]?\s*(\d{1,3})\b)", std::regex::icase);
  std::smatch r;
  if (!std::regex_search(line, r, kLocalRank)) return std::nullopt;
  // The most explicit list first: a wrapper's "(cpus LIST)", then numactl's, then taskset's.
  static const std::regex kLists[] = {
      std::regex(R"(\(\s*cpus?\s*[:=]?\s*([0-9][0-9,-]*)\s*\))", std::regex::icase),
      std::regex(R"((?:--physcpubind[= ]|\s-C\s*)([0-9][0-9,-]*)(?=\s|$|[);]))"),
      std::regex(R"(affinity list:\s*([0-9][0-9,-]*)(?=\s|$))"),
  };
  for (const std::regex& re : kLists) {
    std::smatch m;
    if (!std::regex_search(line, m, re)) continue;
    const int n = CpuListCount(m.str(1));
    if (n > 0) return std::make_pair(std::stoi(r.str(1)), n);
  }
  return std::nullopt;
}

std::optional<LocalRankCpuOutlier> FindLocalRankCpuOutlier(const std::vector<std::string>& lines) {
  std::map<int, std::pair<size_t, int>> seen;  // local rank -> (line, cpus)
  for (size_t i = 0; i < lines.size(); ++i) {
    if (std::optional<std::pair<int, int>> lc = LocalRankCpus(lines[i])) seen[lc->first] = {i, lc->second};
  }
  if (seen.size() < 3) return std::nullopt;
  std::vector<int> ranks, counts;
  for (const auto& [rank, at] : seen) {
    ranks.push_back(rank);
    counts.push_back(at.second);
  }
  int median = 0;
  const std::optional<size_t> k = SliverCpuOutlier(counts, &median);
  if (!k) return std::nullopt;
  const auto& at = seen.at(ranks[*k]);
  return LocalRankCpuOutlier{at.first, ranks[*k], at.second, median, seen.size()};
}

}  // namespace vigil
