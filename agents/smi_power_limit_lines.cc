#include "agents/smi_power_limit_lines.h"

#include <regex>

#include "agents/node_power_cap.h"
#include "core/parse.h"

namespace vigil {

std::optional<double> GpuPowerLimitSetToWatts(const std::string& line) {
  if (line.size() > 2000 || line.find("ower limit") == std::string::npos) return std::nullopt;
  static const std::regex kSet(R"(\bPower limit for GPU\s+\S+\s+was set to\s+(\d{2,4}(?:\.\d+)?)\s*W\b)",
                               std::regex::icase);
  std::smatch m;
  if (!std::regex_search(line, m, kSet)) return std::nullopt;
  return ParseDouble(m.str(1));
}

std::optional<double> AllGpusPowerLimitCommandWatts(const std::string& line) {
  if (line.size() > 1000 || line.find("nvidia-smi") == std::string::npos) return std::nullopt;
  if (PowerLimitSetGpus(line) != 0) return std::nullopt;
  static const std::regex kPl(R"(\bnvidia-smi\b[^|;&]*?(?:\s-pl\s+|\s--power-limit[= ])(\d{2,4})\b)");
  std::smatch m;
  if (!std::regex_search(line, m, kPl)) return std::nullopt;
  return ParseDouble(m.str(1));
}

}  // namespace vigil
