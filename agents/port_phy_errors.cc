#include "agents/port_phy_errors.h"

#include <cstdlib>
#include <regex>

namespace vigil {

std::string HcaNamedBySource(const std::string& source) {
  if (source.size() > 500 || source.find("mlx5_") == std::string::npos) return "";
  static const std::regex kHca(R"((?:^|[^A-Za-z0-9])(mlx5_\d{1,3})(?![0-9]))");
  static const std::regex kTool(R"(\b(?:mlxlink|ethtool|mlxcables|perfquery|ibstat)\b|(?:^|[/_-])(?:mlxlink|ethtool))");
  if (!std::regex_search(source, kTool)) return "";
  std::string hca;
  for (auto it = std::sregex_iterator(source.begin(), source.end(), kHca); it != std::sregex_iterator(); ++it) {
    if (!hca.empty() && hca != it->str(1)) return "";
    hca = it->str(1);
  }
  return hca;
}

std::optional<PortPhyErrors> FindPortPhyErrors(const std::vector<std::string>& lines) {
  static const std::regex kCommand(R"(^\s*(?:\$|#)\s|\b(?:ethtool|mlxlink|mlxcables)\b)");
  static const std::regex kHca(R"(\b(mlx5_\d{1,3})\b)");
  static const std::regex kCounter(
      R"(^\s*(rx_crc_errors_phy|rx_symbol_err_phy|rx_pcs_symbol_err_phy|link_down_events_phy|Effective Physical Errors|)"
      R"(Raw Physical Errors(?: Per Lane)?|Link Down Counter)\s*:\s*(\d{1,15})\s*$)");
  std::string hca;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.size() > 1000) continue;
    std::smatch m;
    if (std::regex_search(line, kCommand)) {
      hca = std::regex_search(line, m, kHca) ? m.str(1) : std::string();
      continue;
    }
    if (!std::regex_search(line, m, kCounter)) continue;
    const std::string name = m.str(1);
    const double value = std::strtod(m.str(2).c_str(), nullptr);
    const bool link_down = name == "link_down_events_phy" || name == "Link Down Counter";
    if (value < (link_down ? kPhyLinkDownMin : kPhyErrorCountMin)) continue;
    PortPhyErrors out;
    out.line = i;
    out.hca = hca;
    out.counter = name;
    out.value = value;
    return out;
  }
  return std::nullopt;
}

}  // namespace vigil
