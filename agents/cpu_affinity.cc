#include "agents/cpu_affinity.h"

#include <algorithm>
#include <regex>

namespace vigil {

int CpuListCount(const std::string& list) {
  static const std::regex kPart(R"(^(\d{1,5})(?:-(\d{1,5}))?$)");
  if (list.empty() || list.size() > 2000) return -1;
  long total = 0;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    const std::string part = list.substr(start, end - start);
    std::smatch m;
    if (!std::regex_match(part, m, kPart)) return -1;
    const long a = std::stol(m.str(1)), b = m[2].matched ? std::stol(m.str(2)) : a;
    if (b < a) return -1;
    total += b - a + 1;
    if (total > 65536) return -1;
    start = end + 1;
  }
  return static_cast<int>(total);
}

std::optional<AffinityOutlier> FindAffinityOutlier(const std::vector<std::string>& lines) {
  static const std::regex kAffinity(R"(\bpid \d+'s (?:current|new) affinity list:\s*([0-9,-]+)(?=\s|$))");  // PLC64: text may follow ("  (local_rank 1)")
  std::vector<std::pair<size_t, int>> seen;  // (line, cpus)
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l.size() > 2000 || l.find("affinity list") == std::string::npos) continue;
    std::smatch m;
    if (!std::regex_search(l, m, kAffinity)) continue;
    // taskset -cp PID prints the current list, then with a new list "pid N's new affinity list":
    // the new one replaces the current one of the same process.
    const int n = CpuListCount(m.str(1));
    if (n <= 0) continue;
    if (l.find("new affinity") != std::string::npos && !seen.empty()) seen.back() = {i, n};
    else seen.emplace_back(i, n);
  }
  if (seen.size() < 4) return std::nullopt;
  std::vector<int> counts;
  for (const auto& [line, cpus] : seen) counts.push_back(cpus);
  int median = 0;
  const std::optional<size_t> k = SliverCpuOutlier(counts, &median);
  if (!k) return std::nullopt;
  return AffinityOutlier{seen[*k].first, *k, seen[*k].second, median, seen.size()};
}

std::optional<size_t> SliverCpuOutlier(const std::vector<int>& counts, int* median) {
  if (counts.size() < 2) return std::nullopt;
  std::optional<size_t> out;
  for (size_t k = 0; k < counts.size(); ++k) {
    std::vector<int> others;
    for (size_t j = 0; j < counts.size(); ++j) {
      if (j != k) others.push_back(counts[j]);
    }
    std::sort(others.begin(), others.end());
    const int m = others[others.size() / 2];
    if (counts[k] * 4 > m) continue;
    if (others.front() * 2 < m) return std::nullopt;  // another one stands out as well
    if (out) return std::nullopt;
    out = k;
    *median = m;
  }
  return out;
}

}  // namespace vigil
