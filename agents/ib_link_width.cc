#include "agents/ib_link_width.h"

#include <cstdlib>
#include <regex>

#include "core/ascii.h"

namespace vigil {

bool SaysLinkWidthReduced(const std::string& line) {
  if (line.size() > 2000) return false;
  const std::string lower = AsciiLower(line);
  if (lower.find("width") == std::string::npos && lower.find("lanes") == std::string::npos) return false;
  // A PCIe or NVLink width is another link's (pcie_link_degraded, nvlink_error).
  static const std::regex kOtherLink(R"(\bpci|\blnk(?:sta|cap)|\bnvlink|\bx(?:1|2|4|8|16)\b)");
  if (std::regex_search(lower, kOtherLink)) return false;
  static const std::regex kDenied(
      R"(\bno\s+(?:\w+\s+){0,2}width\s+(?:degradation|reduction)|\bwidth\s+(?:degradation|reduction)s?\s*[:=]\s*(?:0|none|no)\b|\bnot\s+(?:degraded|reduced)\b)");
  if (std::regex_search(lower, kDenied)) return false;
  // A width step: "4x -> 2x", "from 4x to 1x", "4x => 2x".
  static const std::regex kStep(R"(\b(?:from\s+)?([1-9]\d?)x\s*(?:->|=>|→|to)\s*([1-9]\d?)x\b)");
  std::smatch m;
  if (lower.find("width") != std::string::npos && std::regex_search(lower, m, kStep)) {
    return std::atoi(m.str(2).c_str()) < std::atoi(m.str(1).c_str());
  }
  static const std::regex kSaid(
      R"(\b(?:link\s+)?width\s+(?:degradation|reduction|degraded|reduced|downgraded?|downshift(?:ed)?)\b|)"
      R"(\bwidth\s+(?:has\s+been\s+|was\s+|is\s+)?(?:degraded|reduced|downgraded)\b|)"
      R"(\blanes?\s+\d+(?:\s*,\s*\d+)*\s+(?:disabled|down|failed)\b)");
  return std::regex_search(lower, kSaid);
}

}  // namespace vigil
