#include "agents/node_gpu_config.h"

#include <regex>

#include "core/ascii.h"

namespace vigil {

bool IsNodeGpuConfigLine(const std::string& line) {
  if (line.size() > 2000) return false;
  const std::string low = AsciiLower(line);
  if (low.find("gres/gpu") != std::string::npos) {
    static const std::regex kCount(
        R"(count reported (?:lower|higher) than configured|does not match the number of files|count (?:too low|mismatch))");
    return std::regex_search(low, kCount);
  }
  if (low.find("gb") == std::string::npos) return false;
  // A MIG profile ("1g.18gb", "all-1g.18gb", "all-3g.71gb") on a node's row or label.
  static const std::regex kProfile(R"((?:^|[\s=,])(?:all-)?\dg\.\d+gb\b)");
  if (!std::regex_search(low, kProfile)) return false;
  // On a `kubectl get node` row (its STATUS column) or beside the label's name.
  static const std::regex kNodeRow(R"(\s(?:not)?ready\s)");
  return low.find("mig.config") != std::string::npos || std::regex_search(low, kNodeRow);
}

}  // namespace vigil
