#include "agents/rank_file_name.h"

#include <regex>

namespace vigil {

std::optional<int> FileNamedRank(const std::string& source, const std::vector<std::string>& lines) {
  if (source.size() > 500) return std::nullopt;
  const size_t slash = source.find_last_of('/');
  const std::string name = slash == std::string::npos ? source : source.substr(slash + 1);
  static const std::regex kName(R"(^(?:[A-Za-z0-9._-]*[-_])?rank[-_]?(\d{1,6})\.(?:err|out|log|txt|stderr|stdout)$)",
                                std::regex::icase);
  std::smatch m;
  if (!std::regex_match(name, m, kName)) return std::nullopt;
  const int rank = std::stoi(m.str(1));
  if (rank == 0) return std::nullopt;
  static const std::regex kPrefix(R"(^\s*\[rank(\d{1,6})\]:)");
  for (const std::string& l : lines) {
    if (l.size() > 4000 || l.find("[rank") == std::string::npos) continue;
    std::smatch p;
    if (std::regex_search(l, p, kPrefix) && std::stoi(p.str(1)) != rank) return std::nullopt;
  }
  return rank;
}

}  // namespace vigil
