#include "agents/moe_oom_skew.h"

#include <algorithm>
#include <cstdlib>
#include <regex>

namespace vigil {

std::optional<double> TokensPerExpertSkew(const std::string& line) {
  if (line.size() > 4000 || line.find("tokens_per_expert") == std::string::npos) return std::nullopt;
  static const std::regex kList(R"(\btokens_per_expert\s*[=:]\s*(?:tensor\()?\[([0-9,\s.]*)(?:\.\.\.)?)");
  std::smatch m;
  if (!std::regex_search(line, m, kList)) return std::nullopt;
  std::vector<double> counts;
  const std::string body = m[1].str();
  static const std::regex kNum(R"(\d+)");
  for (auto it = std::sregex_iterator(body.begin(), body.end(), kNum); it != std::sregex_iterator(); ++it) {
    counts.push_back(std::strtod(it->str().c_str(), nullptr));
  }
  if (counts.size() < 2) return std::nullopt;
  auto top = std::max_element(counts.begin(), counts.end());
  const double largest = *top;
  counts.erase(top);
  std::sort(counts.begin(), counts.end());
  const size_t n = counts.size();
  const double median = n % 2 ? counts[n / 2] : (counts[n / 2 - 1] + counts[n / 2]) / 2;
  if (median <= 0) return largest > 0 ? std::optional<double>(1e9) : std::nullopt;
  return largest / median;
}

bool OomTracebackShowsExpertSkew(const std::vector<std::string>& lines, size_t from, size_t span) {
  for (size_t i = from; i < lines.size() && i <= from + span; ++i) {
    std::optional<double> s = TokensPerExpertSkew(lines[i]);
    if (s && *s >= kOomExpertSkewMin) return true;
  }
  return false;
}

}  // namespace vigil
