#include "agents/store_port_in_use.h"

#include <cstdlib>
#include <regex>

#include "core/ascii.h"

namespace vigil {

namespace {

std::optional<int> PortOf(const std::string& digits) {
  if (digits.empty() || digits.size() > 5) return std::nullopt;
  const int p = std::atoi(digits.c_str());
  if (p <= 0 || p > 65535) return std::nullopt;
  return p;
}

}  // namespace

std::optional<int> StorePortInUse(const std::string& line) {
  if (line.size() > 4000) return std::nullopt;
  const std::string lower = AsciiLower(line);
  if (lower.find("eaddrinuse") == std::string::npos && lower.find("address already in use") == std::string::npos &&
      lower.find("errno: 98") == std::string::npos) {
    return std::nullopt;
  }
  // A server socket's failure: "failed to listen" / "failed to bind" (not a client's connect).
  if (lower.find("failed to listen") == std::string::npos && lower.find("failed to bind") == std::string::npos) {
    return std::nullopt;
  }
  static const std::regex kPortField(R"(\bport:\s*(\d{1,5})\b)", std::regex::icase);
  static const std::regex kBindAddr(R"(bind to \S*:(\d{1,5})\b)", std::regex::icase);
  std::smatch m;
  if (std::regex_search(line, m, kPortField)) return PortOf(m.str(1));
  if (std::regex_search(line, m, kBindAddr)) return PortOf(m.str(1));
  return std::nullopt;
}

std::optional<int> StoreConnectPort(const std::string& line) {
  if (line.size() > 4000) return std::nullopt;
  if (line.find("connect to") == std::string::npos) return std::nullopt;
  static const std::regex kTuple(R"((?:trying|failed) to connect to \(\s*[^,()\s]+\s*,\s*(\d{1,5})\s*\))");
  static const std::regex kHostPort(R"((?:trying|failed) to connect to \[?[^\]\s]+?\]?:(\d{1,5})\b)");
  std::smatch m;
  if (std::regex_search(line, m, kTuple)) return PortOf(m.str(1));
  if (std::regex_search(line, m, kHostPort)) return PortOf(m.str(1));
  return std::nullopt;
}

}  // namespace vigil
