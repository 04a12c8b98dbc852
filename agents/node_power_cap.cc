#include "agents/node_power_cap.h"

#include <regex>

namespace vigil {

bool StatesNodePowerCapSet(const std::string& line) {
  if (line.size() > 2000) return false;
  static const std::regex kController(
      R"(\b(?:bmc|ipmi|ipmitool|dcmi|sel|redfish|idrac|ilo|xcc|node ?manager)\b)", std::regex::icase);
  static const std::regex kCap(
      R"(\bpower[ _-]?(?:cap(?:ping)?|limit)\b.{0,80}?(?:\b\d+(?:\.\d+)?\s*W(?:atts)?\b|\bset\b|\bapplied\b|\bactivated\b|\benabled\b|\blowered\b|\breduced\b|\brestored\b))",
      std::regex::icase);
  static const std::regex kOneGpu(R"(\bGPU\s*#?\d+\b|\bgpu\d+\b)", std::regex::icase);
  static const std::regex kOff(R"(\bdeasserted\b|\bdisabled\b|\bremoved\b|\bcleared\b|\bdeactivated\b)", std::regex::icase);
  return std::regex_search(line, kController) && std::regex_search(line, kCap) && !std::regex_search(line, kOneGpu) &&
         !std::regex_search(line, kOff);
}

}  // namespace vigil
