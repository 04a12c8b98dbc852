#include "agents/rank_time_summary.h"

#include <regex>

#include "core/ascii.h"

namespace vigil {

std::optional<SummarySlowRank> ReadSummarySlowRank(const std::string& line) {
  if (line.size() > 2000) return std::nullopt;
  const std::string l = AsciiLower(line);
  if (l.find("max") == std::string::npos || l.find("rank") == std::string::npos) return std::nullopt;
  // A line of times, not of a rate whose max is the fastest rank.
  static const std::regex kTime(R"(\b(?:time|times|latency|duration|elapsed)\b|\((?:s|ms|sec|seconds|us)\))");
  static const std::regex kRate(R"(throughput|tokens?/s|tok/s|samples/s|tflops|mfu|util|bandwidth|busbw|algbw|gb/s|\btps\b)");
  if (!std::regex_search(l, kTime) || std::regex_search(l, kRate)) return std::nullopt;
  static const std::regex kSummary(
      R"(\b(?:median|p50|mean|avg)\s*[:=]?\s*(\d+(?:\.\d+)?)\s*(?:ms|s|us)?\s*[,;]?\s*)"
      R"((?:p\d{1,2}(?:\.\d+)?\s*[:=]?\s*\d+(?:\.\d+)?\s*(?:ms|s|us)?\s*[,;]?\s*)*)"
      R"(max\s*[:=]?\s*(\d+(?:\.\d+)?)\s*(?:ms|s|us)?\s*(?:\(\s*|(?:on|at|@)\s+))"
      R"(rank(s?)\s*[=:#]?\s*(\d{1,6})\b(?:\s*(?:-|\.\.)\s*(\d{1,6})\b)?)");
  std::smatch m;
  if (!std::regex_search(l, m, kSummary)) return std::nullopt;
  SummarySlowRank out;
  out.median = std::stod(m.str(1));
  out.max = std::stod(m.str(2));
  out.rank = std::stoi(m.str(4));
  // PLC77: "(ranks 56-63)": every rank of the range is at the max (a node's ranks slow together).
  if (m[5].matched && !m.str(3).empty()) {
    const int last = std::stoi(m.str(5));
    if (last <= out.rank || last - out.rank > 64) return std::nullopt;
    out.last_rank = last;
  } else if (!m.str(3).empty()) {
    return std::nullopt;  // "ranks 41" names no one rank at the max
  }
  if (out.median <= 0 || out.max < kSummarySlowRatio * out.median) return std::nullopt;
  // "all other ranks 2.88-2.97" / "other ranks: 2.88 - 2.97": the max must stand out of them too.
  static const std::regex kOthers(R"(\bother ranks?\s*[:=]?\s*(?:within\s+|in\s+)?(\d+(?:\.\d+)?)\s*(?:ms|s|us)?\s*(?:-|\.\.|to)\s*(\d+(?:\.\d+)?))");
  std::smatch o;
  const std::string rest = m.suffix().str();
  if (std::regex_search(rest, o, kOthers)) {
    out.others_top = std::stod(o.str(2));
    if (out.max < kSummarySlowRatio * out.others_top) return std::nullopt;
  }
  return out;
}

std::optional<SummarySlowRank> FindSummarySlowRank(const std::vector<std::string>& lines) {
  for (size_t i = 0; i < lines.size(); ++i) {
    if (std::optional<SummarySlowRank> s = ReadSummarySlowRank(lines[i])) {
      s->line = i;
      return s;
    }
  }
  return std::nullopt;
}

}  // namespace vigil
