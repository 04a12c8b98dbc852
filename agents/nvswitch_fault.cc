#include "agents/nvswitch_fault.h"

#include <regex>

#include "core/ascii.h"

namespace vigil {

bool IsSwitchWideNvlinkFault(const std::string& line) {
  if (line.size() > 4000) return false;
  const std::string lower = AsciiLower(line);
  const bool switch_line = lower.find("nvswitch") != std::string::npos || lower.find("sxid") != std::string::npos ||
                           lower.find("fabricmanager") != std::string::npos ||
                           lower.find("fabric manager") != std::string::npos ||
                           lower.find("fabric-manager") != std::string::npos;
  if (!switch_line && lower.find("nvlink") == std::string::npos) return false;
  // Every GPU of the node / baseboard / switch named as hit.
  static const std::regex kAllGpus(
      R"(\ball\s+(?:\d+\s+)?gpus\b[^.;]*\b(?:degraded|lost|down|unavailable|disabled|reset|reboot|isolated|failed|fatal)\b|)"
      R"(\b(?:degraded|lost|down|disabled|reset)\b[^.;]*\bfor\s+all\s+(?:\d+\s+)?gpus\b)");
  return std::regex_search(lower, kAllGpus);
}

}  // namespace vigil
