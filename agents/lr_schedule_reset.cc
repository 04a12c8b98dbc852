#include "agents/lr_schedule_reset.h"

#include <regex>

namespace vigil {

bool SaysSchedulerReset(const std::string& line) {
  if (line.size() > 2000 || line.find("not found") == std::string::npos) return false;
  static const std::regex kReset(
      R"(\b(?:lr_)?scheduler(?:\.pt|\s+state)?\s+(?:was\s+)?not found\b.{0,200}?\b(?:start|creat)(?:ing|ed|e)\s+(?:a\s+)?(?:fresh|new)\s+(?:lr_?)?scheduler\b)",
      std::regex::icase);
  return std::regex_search(line, kReset);
}

}  // namespace vigil
