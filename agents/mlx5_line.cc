#include "agents/mlx5_line.h"

#include <cctype>
#include <regex>

namespace vigil {

std::optional<Mlx5DriverLine> ParseMlx5DriverLine(std::string_view line) {
  if (line.size() > 2000 || line.find("mlx5_core") == std::string_view::npos) return std::nullopt;
  // The device's address, then either ": " (a line about the device itself: "mlx5_core 0000:5e:00.0:
  // firmware version ...") or its netdev's slot ("mlx5_core 0000:4b:00.0 ib4: Link down").
  static const std::regex kShape(
      R"(\bmlx5_core\s+(?:[0-9a-fA-F]{4,8}:)?([0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7])(?::\s|\s+([A-Za-z][A-Za-z0-9_.-]{0,14}):\s))");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_search(line.begin(), line.end(), m, kShape)) return std::nullopt;
  Mlx5DriverLine out;
  out.bus = m.str(1);
  for (char& ch : out.bus) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (m[2].matched) out.netdev = m.str(2);
  return out;
}

}  // namespace vigil
