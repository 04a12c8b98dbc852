#include "agents/smi_unreadable_row.h"

#include <regex>

namespace vigil {

std::string UnreadableGpuBus(const std::string& line) {
  if (line.size() > 1000 || line.find("Unable to determine the device handle for GPU") == std::string::npos) return "";
  static const std::regex kLine(
      R"(Unable to determine the device handle for GPU\s*([0-9a-fA-F]{4,8}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}(?:\.[0-7])?))");
  std::smatch m;
  return std::regex_search(line, m, kLine) ? m.str(1) : std::string();
}

std::optional<int> UnreadableRowIndex(int before, const std::string& before_bus, const std::string& bus, int after,
                                      const std::string& after_bus) {
  if (bus.empty() || after_bus.empty() || after < 1) return std::nullopt;
  if (before < 0 ? after != 1 : after != before + 2) return std::nullopt;
  if (!(bus < after_bus)) return std::nullopt;
  if (before >= 0 && !(before_bus < bus)) return std::nullopt;
  return after - 1;
}

}  // namespace vigil
