#include "agents/alert_severity.h"

#include "core/ascii.h"

namespace vigil {

bool SeverityIsInformational(const std::string& severity) {
  size_t b = severity.find_first_not_of(" \t");
  if (b == std::string::npos) return false;
  size_t e = severity.find_last_not_of(" \t");
  const std::string s = AsciiLower(severity.substr(b, e - b + 1));
  return s == "info" || s == "informational" || s == "none" || s == "debug" || s == "notice" || s == "low";
}

}  // namespace vigil
