#include "agents/slow_compute_node.h"

#include <regex>

namespace vigil {

bool RanksByComputeTime(const std::string& line) {
  if (line.size() > 2000) return false;
  static const std::regex kCompute(
      R"(\b(?:by|per[- ]rank|rank)\s+compute(?:[ _-]?time)?\b|\bcompute[ _-]time\s+(?:per|by)\s+rank\b)", std::regex::icase);
  return std::regex_search(line, kCompute);
}

}  // namespace vigil
