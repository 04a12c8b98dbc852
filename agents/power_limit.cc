#include "agents/power_limit.h"

#include <cstdlib>
#include <regex>

namespace vigil {

namespace {
// "Current Power Limit : 450.00 W" -> (kind, watts): kind 1 a limit in force, 2 the default.
int ReadLimit(const std::string& line, double* watts) {
  if (line.size() > 400 || line.find("Power Limit") == std::string::npos) return 0;
  static const std::regex kLine(
      R"(^\s*(Current|Enforced|Default|)\s*Power Limit\s*:\s*(\d{1,5}(?:\.\d+)?)\s*W\s*$)");
  std::smatch m;
  if (!std::regex_search(line, m, kLine)) return 0;
  *watts = std::strtod(m.str(2).c_str(), nullptr);
  return m.str(1) == "Default" ? 2 : 1;
}
}  // namespace

std::vector<LowPowerLimit> LowPowerLimits(const std::vector<std::string>& lines) {
  constexpr size_t kSpan = 12;
  std::vector<LowPowerLimit> out;
  for (size_t i = 0; i < lines.size(); ++i) {
    double limit = 0;
    if (ReadLimit(lines[i], &limit) != 1) continue;
    double best_default = 0;
    size_t best_dist = kSpan + 1;
    const size_t lo = i >= kSpan ? i - kSpan : 0;
    for (size_t j = lo; j < lines.size() && j <= i + kSpan; ++j) {
      double w = 0;
      const size_t dist = j > i ? j - i : i - j;
      if (j != i && dist < best_dist && ReadLimit(lines[j], &w) == 2) {
        best_default = w;
        best_dist = dist;
      }
    }
    if (best_default > 0 && limit > 0 && limit < kLowPowerLimitShare * best_default) {
      out.push_back({i, limit, best_default});
    }
  }
  return out;
}

}  // namespace vigil
