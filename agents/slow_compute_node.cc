#include "agents/slow_compute_node.h"

#include <regex>

namespace vigil {

bool RanksByComputeTime(const std::string& line) {
  if (line.size() > 2000) return false;
  static const std::regex kCompute(
      R"(\b(?:by|per[- ]rank|rank)\s+compute(?:[ _-]?time)?\b|\bcompute[ _-]time\s+(?:per|by)\s+rank\b|)"
      // PLC57: NeMo's straggler detection scores each rank's own GPU compute ("relative GPU
      // performance 0.71", "GPU relative performance", "individual GPU performance").
      R"(\b(?:relative|individual)\s+GPU\s+performance\b|\bGPU\s+relative\s+performance\b)",
      std::regex::icase);
  return std::regex_search(line, kCompute);
}

}  // namespace vigil
