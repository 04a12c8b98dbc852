#include "agents/rank_file_name.h"

#include <regex>

#include "agents/noted_rank_source.h"

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
  if (rank == 0 || PrefixedRanksAgainst(lines, rank) == PrefixedRanks::kOther) return std::nullopt;
  return rank;
}

}  // namespace vigil
