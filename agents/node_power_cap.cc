#include "agents/node_power_cap.h"

#include <algorithm>
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
  // Redfish's own property set to a wattage (PLC70, realistic62 rl62-24: "PATCH .../EnvironmentMetrics
  // PowerLimitWatts.SetPoint=3200", "PowerLimit.LimitInWatts: 3200"); a null / absent value lifts the cap.
  static const std::regex kRedfishLimit(
      R"(\bPowerLimit(?:Watts|InWatts)?(?:\.(?:SetPoint|LimitInWatts))?\s*[=:]\s*\d{2,5}(?:\.\d+)?\b)", std::regex::icase);
  return std::regex_search(line, kController) &&
         (std::regex_search(line, kCap) || std::regex_search(line, kRedfishLimit)) && !std::regex_search(line, kOneGpu) &&
         !std::regex_search(line, kOff);
}

int PowerLimitSetGpus(const std::string& line) {
  if (line.size() > 1000) return -1;
  const bool smi = line.find("nvidia-smi") != std::string::npos;
  if (smi) {
    static const std::regex kPl(R"(\bnvidia-smi\b[^|;&]*?(?:\s-pl\s+|\s--power-limit[= ])\d{2,4}\b)");
    static const std::regex kId(R"(\bnvidia-smi\b[^|;&]*?\s(?:-i\s*\S|--id[= ]\S))");
    if (std::regex_search(line, kPl)) {
      if (!std::regex_search(line, kId)) return 0;
      // PLC62 (realistic55 rl55-09: a prolog's "nvidia-smi -i 0,1,2,3,4,5,6,7 -pl 600"): a list of GPU
      // indices sets that many GPUs (the caller weighs the count against the node's GPUs).
      static const std::regex kList(R"(\bnvidia-smi\b[^|;&]*?\s(?:-i\s*|--id[= ])(\d{1,2}(?:,\d{1,2})+)\b)");
      std::smatch m;
      if (std::regex_search(line, m, kList)) {
        const std::string ids = m.str(1);
        return static_cast<int>(std::count(ids.begin(), ids.end(), ',')) + 1;
      }
      return -1;
    }
  }
  static const std::regex kSet(R"(\b(?:apply(?:ing)?|set(?:ting)?|lower(?:ing|ed)?|cap(?:ping|ped)?)\b.{0,40}\bpower[ _-]?limit\b)",
                               std::regex::icase);
  if (!std::regex_search(line, kSet)) return -1;
  static const std::regex kOneGpu(R"(\bGPU\s*#?\d{1,2}\b|\bgpu\d{1,2}\b)");
  if (std::regex_search(line, kOneGpu)) return -1;
  static const std::regex kAll(R"(\ball\s+(?:\d{1,3}\s+)?GPUs\b)", std::regex::icase);
  if (std::regex_search(line, kAll)) return 0;
  static const std::regex kCount(R"(\b(\d{1,3})\s+GPUs\b)", std::regex::icase);
  std::smatch m;
  if (std::regex_search(line, m, kCount)) return std::stoi(m.str(1));
  return -1;
}

std::vector<std::string> ControllerHostNodes(const std::string& line) {
  std::vector<std::string> out;
  if (line.size() > 2000) return out;
  static const std::regex kHost(R"((?:^|[^A-Za-z0-9._-])([A-Za-z][A-Za-z0-9_-]*[A-Za-z0-9])[-._](?:bmc|ipmi|ilo|idrac|xcc|mgmt)(?![A-Za-z0-9_-]))",
                                std::regex::icase);
  for (std::sregex_iterator it(line.begin(), line.end(), kHost), end; it != end; ++it) out.push_back(it->str(1));
  return out;
}

}  // namespace vigil
