#include "agents/fastest_slowest_ranks.h"

#include <regex>

#include "core/ascii.h"
#include "core/parse.h"

namespace vigil {
namespace {

// "4,102" -> 4102, "2.5" -> 2.5; a time in seconds from its unit.
std::optional<double> Seconds(std::string figure, const std::string& unit) {
  std::erase(figure, ',');
  std::optional<double> x = ParseDouble(figure);
  if (!x || *x < 0) return std::nullopt;
  if (unit == "ms") return *x / 1e3;
  if (unit == "us") return *x / 1e6;
  return *x;
}

}  // namespace

std::optional<FastestSlowestRanks> ReadFastestSlowestRanks(const std::string& line) {
  if (line.size() > 2000) return std::nullopt;
  const std::string t = AsciiLower(line);
  const size_t fast_at = t.find("fastest");
  const size_t slow_at = t.find("slowest");
  if (fast_at == std::string::npos || slow_at == std::string::npos || slow_at < fast_at) return std::nullopt;
  static const std::string kFigure = R"((\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(ms|us|s)\b)";
  // "fastest rank 4 fwd+bwd 2,980 ms": the rank, then its first timed figure before "slowest".
  static const std::regex kFastest(R"(^fastest\s+rank\s*[=:#]?\s*(\d{1,6})\b[^0-9]{0,40}?)" + kFigure);
  const std::string head = t.substr(fast_at, slow_at - fast_at);
  std::smatch f;
  if (!std::regex_search(head, f, kFastest)) return std::nullopt;
  FastestSlowestRanks out;
  const std::optional<int32_t> fr = ParseInt32(f.str(1));
  const std::optional<double> fs = Seconds(f.str(2), f.str(3));
  if (!fr || !fs || *fs <= 0) return std::nullopt;
  out.fastest_rank = *fr;
  out.fastest_s = *fs;
  // The slowest list: "rank70=4,102 ms", "rank 71: 3,010 ms"; a parenthesised detail is skipped.
  std::string tail = t.substr(slow_at);
  std::string flat;
  int depth = 0;
  for (char ch : tail) {
    if (ch == '(') ++depth;
    if (depth == 0) flat += ch;
    if (ch == ')' && depth > 0) --depth;
  }
  static const std::regex kEntry(R"(\brank\s*[=:#]?\s*(\d{1,6})\s*[=:]\s*)" + kFigure);
  size_t entries = 0;
  for (auto it = std::sregex_iterator(flat.begin(), flat.end(), kEntry); it != std::sregex_iterator(); ++it) {
    const std::optional<int32_t> r = ParseInt32(it->str(1));
    const std::optional<double> s = Seconds(it->str(2), it->str(3));
    if (!r || !s) continue;
    ++entries;
    if (*s >= kFastestSlowRatio * out.fastest_s && out.slow.size() < 64) out.slow.push_back(*r);
  }
  if (entries == 0) return std::nullopt;
  return out;
}

}  // namespace vigil
