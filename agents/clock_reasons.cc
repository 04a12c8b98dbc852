#include "agents/clock_reasons.h"

#include <cmath>
#include <regex>

namespace vigil {

namespace {

std::optional<uint32_t> ParseBits(const std::string& s) {
  try {
    size_t used = 0;
    const bool hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    if (s.size() > (hex ? 18u : 10u)) return std::nullopt;
    const unsigned long long v = std::stoull(hex ? s.substr(2) : s, &used, hex ? 16 : 10);
    if (used != (hex ? s.size() - 2 : s.size()) || v > 0xFFFFFFFFull) return std::nullopt;
    return static_cast<uint32_t>(v);
  } catch (...) {
    return std::nullopt;
  }
}

std::string BitWords(uint32_t bits) {
  static const struct {
    uint32_t bit;
    const char* name;
  } kBits[] = {{0x1, "GPU idle"},           {0x2, "application clocks setting"}, {0x4, "SW power cap"},
               {0x8, "HW slowdown"},        {0x10, "sync boost"},                {0x20, "SW thermal slowdown"},
               {0x40, "HW thermal slowdown"}, {0x80, "HW power brake slowdown"},  {0x100, "display clock setting"}};
  std::string out;
  for (const auto& b : kBits) {
    if ((bits & b.bit) == 0) continue;
    if (!out.empty()) out += ", ";
    out += b.name;
  }
  return out.empty() ? std::string("none") : out;
}

// The category a set of bits that all hold names (ReadClockReasons' rule).
std::string CategoryOfAll(uint32_t bits) {
  if ((bits & kClockReasonThermal) != 0) return "gpu_thermal_throttle";
  if ((bits & kClockReasonHwPowerBrake) != 0 || ((bits & kClockReasonSwPowerCap) != 0 && (bits & kClockReasonGpuIdle) == 0)) {
    return "gpu_power_throttle";
  }
  return "";
}

// The category any one of `mask`'s bits names, whichever holds: all of them one category's.
std::string CategoryOfAny(uint32_t mask) {
  if (mask != 0 && (mask & ~kClockReasonThermal) == 0) return "gpu_thermal_throttle";
  if (mask != 0 && (mask & ~(kClockReasonSwPowerCap | kClockReasonHwPowerBrake)) == 0) return "gpu_power_throttle";
  return "";
}

}  // namespace

std::optional<ClockReasonsReading> ReadClockReasonsMask(const std::string& expression) {
  if (expression.size() > 2000) return std::nullopt;
  if (expression.find("REASONS") == std::string::npos && expression.find("reasons") == std::string::npos) return std::nullopt;
  static const std::regex kMask(
      R"((?:\bDCGM_FI_DEV_CLOCKS?_(?:EVENT|THROTTLE)_REASONS|\bclocks?_(?:event|throttle)_reasons)\b(?:\{[^{}]*\})?)"
      R"(\s*(?:&|\bband\b)\s*(0[xX][0-9a-fA-F]+|\d+)\s*\)?\s*(>=|!=|==|>)\s*(0[xX][0-9a-fA-F]+|\d+)\b)");
  std::smatch m;
  if (!std::regex_search(expression, m, kMask)) return std::nullopt;
  const std::optional<uint32_t> mask = ParseBits(m[1].str()), v = ParseBits(m[3].str());
  if (!mask || !v || *mask == 0) return std::nullopt;
  const std::string op = m[2].str();
  ClockReasonsReading r;
  if ((op == ">" && *v == 0) || (op == "!=" && *v == 0) || (op == ">=" && *v == 1)) {
    r.bits = *mask;  // any of them
    r.reasons = "any of: ";
    r.reasons += BitWords(*mask);
    r.category = CategoryOfAny(*mask);
  } else if (op == "==" && *v != 0 && (*v & ~*mask) == 0) {
    r.bits = *v;  // exactly these of the mask
    r.reasons = BitWords(*v);
    r.category = CategoryOfAll(*v);
  } else {
    return std::nullopt;
  }
  return r;
}

std::optional<uint32_t> ClockReasonBits(double value) {
  if (!std::isfinite(value) || value < 0 || value > 4294967295.0 || value != std::floor(value)) return std::nullopt;
  return static_cast<uint32_t>(value);
}

std::optional<ClockReasonsReading> ReadClockReasons(const std::string& line) {
  if (line.size() > 2000) return std::nullopt;
  // Cheap test first: every form holds "reason" in some case.
  bool maybe = false;
  for (size_t i = 0; i + 6 <= line.size() && !maybe; ++i) {
    maybe = (line[i] == 'r' || line[i] == 'R') && (line.compare(i, 6, "reason") == 0 || line.compare(i, 6, "REASON") == 0 ||
                                                   line.compare(i, 6, "Reason") == 0);
  }
  if (!maybe) return std::nullopt;
  static const std::regex kName(
      R"(\bDCGM_FI_DEV_CLOCKS?_(?:EVENT|THROTTLE)_REASONS\b|\bclocks?_(?:event|throttle)_reasons\b(?:\.active)?|)"
      R"(\bclocks? (?:event|throttle) reasons?\b)",
      std::regex::icase);
  static const std::regex kExposition(R"(^\{[^{}]*\}\s+(0x[0-9a-fA-F]+|\d+)(?:\.0+)?(?:\s|$))");
  static const std::regex kStated(
      R"((?:\bis|\bvalue|=|(?:^|\D):)\s*\\?"?(0x[0-9a-fA-F]+|\d+)\b(?![.,:]\d))", std::regex::icase);
  for (std::sregex_iterator it(line.begin(), line.end(), kName), end; it != end; ++it) {
    const size_t after = static_cast<size_t>(it->position(0) + it->length(0));
    const std::string rest = line.substr(after, 80);
    std::smatch m;
    std::optional<uint32_t> bits;
    if (!rest.empty() && rest[0] == '{') {
      if (std::regex_search(rest, m, kExposition)) bits = ParseBits(m[1].str());
    } else if (std::regex_search(rest, m, kStated)) {
      // A bit mask in an expression is no stated value: "& 0xE8", "band 0x84" before the number.
      const std::string before = rest.substr(0, static_cast<size_t>(m.position(0)));
      if (before.find('&') == std::string::npos && before.find(" band ") == std::string::npos &&
          before.find('>') == std::string::npos && before.find('<') == std::string::npos) {
        bits = ParseBits(m[1].str());
      }
    }
    if (!bits) continue;
    ClockReasonsReading r;
    r.bits = *bits;
    r.reasons = BitWords(*bits);
    r.category = CategoryOfAll(*bits);
    return r;
  }
  return std::nullopt;
}

}  // namespace vigil
