#include "agents/rerun_check.h"

#include <regex>

#include "core/ascii.h"

namespace vigil {

std::optional<int> RankFaultyByRerun(const std::string& line) {
  if (line.size() > 4000) return std::nullopt;
  const std::string lower = AsciiLower(line);
  if (lower.find("specific to") == std::string::npos) return std::nullopt;
  // The verdict must rest on the check: a hardware fault named, or the rerun that showed it.
  if (lower.find("hardware") == std::string::npos && lower.find("rerun") == std::string::npos &&
      lower.find("reproduc") == std::string::npos) {
    return std::nullopt;
  }
  // "not specific to rank N" / "transient" clear the rank.
  static const std::regex kSpecific(R"((?:^|[^a-z])(not\s+)?(?:persistent\s+and\s+)?specific\s+to\s+rank\s+(\d{1,7})\b)");
  std::smatch m;
  if (!std::regex_search(lower, m, kSpecific) || m[1].matched) return std::nullopt;
  if (lower.find("transient") != std::string::npos) return std::nullopt;
  return std::stoi(m.str(2));
}

}  // namespace vigil
