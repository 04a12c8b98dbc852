#include "agents/slow_rank_list.h"

#include <algorithm>
#include <regex>

namespace vigil {

std::vector<int> RanksListed(const std::string& line) {
  std::vector<int> out;
  if (line.size() > 2000) return out;
  // A report that finds no straggler ("no straggler (threshold 0.75); lowest relative perf scores: rank 77 0.83,
  // rank 79 0.83, ...") lists its lowest scores, not slow ranks (realistic34 rl34-07).
  static const std::regex kNone(R"(\bno (?:stragglers?|slow (?:ranks?|gpus?|nodes?))\b|\bstragglers?\s*[:=]\s*(?:none\b|\[\s*\]))",
                                std::regex::icase);
  if (std::regex_search(line, kNone)) return out;
  static const std::regex kRank(R"(\brank\s*[=:#]?\s*(\d{1,6})\b)", std::regex::icase);
  for (std::sregex_iterator it(line.begin(), line.end(), kRank), end; it != end; ++it) {
    const size_t pos = static_cast<size_t>(it->position(0));
    if (pos > 0 && line[pos - 1] == '[') continue;  // "[rank0]:", the writer
    const int r = std::stoi(it->str(1));
    if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
  }
  return out;
}

}  // namespace vigil
