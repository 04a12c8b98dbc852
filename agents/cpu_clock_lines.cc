#include "agents/cpu_clock_lines.h"

#include <regex>

#include "core/parse.h"

namespace vigil {

std::optional<double> CpuClockHzInLine(const std::string& line) {
  if (line.size() > 500) return std::nullopt;
  const bool cpupower = line.find("current CPU frequency") != std::string::npos;
  const bool cpuinfo = line.find("cpu MHz") != std::string::npos;
  if (!cpupower && !cpuinfo) return std::nullopt;
  static const std::regex kCpupower(R"(^\s*current CPU frequency(?: is|:)\s*(\d+(?:\.\d+)?)\s*(GHz|MHz|kHz)\b)");
  static const std::regex kCpuinfo(R"(^\s*(?:\d{1,5}\s+)?cpu MHz\s*:\s*(\d+(?:\.\d+)?)\s*$)");
  std::smatch m;
  std::optional<double> v;
  double scale = 1e6;
  if (cpupower && std::regex_search(line, m, kCpupower)) {
    v = ParseDouble(m.str(1));
    scale = m.str(2) == "GHz" ? 1e9 : m.str(2) == "MHz" ? 1e6 : 1e3;
  } else if (cpuinfo && std::regex_search(line, m, kCpuinfo)) {
    v = ParseDouble(m.str(1));
  }
  if (!v || !(*v > 0)) return std::nullopt;
  const double hz = *v * scale;
  // 100 MHz .. 10 GHz: a CPU's clock; anything else is a misread.
  if (hz < 1e8 || hz > 1e10) return std::nullopt;
  return hz;
}

}  // namespace vigil
