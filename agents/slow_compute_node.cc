#include "agents/slow_compute_node.h"

#include <regex>

namespace vigil {

bool RanksByComputeTime(const std::string& line) {
  if (line.size() > 2000) return false;
  static const std::regex kCompute(
      R"(\b(?:by|per[- ]rank|rank)\s+(?:compute(?:[ _-]?time)?|(?:fwd|forward)\s?[+/&]\s?(?:bwd|backward)(?:[ _-]?time)?)(?:\b|\s|$)|\bcompute[ _-]time\s+(?:per|by)\s+rank\b|)"
      // PLC57: NeMo's straggler detection scores each rank's own GPU compute ("relative GPU
      // performance 0.71", "GPU relative performance", "individual GPU performance").
      R"(\b(?:relative|individual)\s+GPU\s+performance\b|\bGPU\s+relative\s+performance\b)",
      std::regex::icase);
  return std::regex_search(line, kCompute);
}

std::optional<std::pair<int, int>> ComputeRankRange(const std::string& line) {
  if (line.size() > 2000) return std::nullopt;
  static const std::regex kRange(R"(\branks\b[^0-9\n]{0,40}?\b(\d{1,6})\s*(?:\.\.\.?|-|to)\s*(\d{1,6})\b)", std::regex::icase);
  std::smatch m;
  if (!std::regex_search(line, m, kRange)) return std::nullopt;
  const int first = std::stoi(m.str(1)), last = std::stoi(m.str(2));
  if (first >= last || last - first > 4096) return std::nullopt;
  return std::make_pair(first, last);
}

}  // namespace vigil
