#include "agents/node_cooling.h"

#include <regex>

namespace vigil {

bool StatesNodeCoolingFault(const std::string& line) {
  if (line.size() > 2000) return false;
  static const std::regex kDeasserted(R"(\bdeasserted\b)", std::regex::icase);
  if (std::regex_search(line, kDeasserted)) return false;
  // Coolant flow / pump below its lower threshold.
  static const std::regex kFlow(
      R"(\b(?:liquid|coolant|flow|pump|CDU)\w*\b.{0,80}?\blower (?:critical|non-recoverable)\b)", std::regex::icase);
  static const std::regex kFlowCleared(R"(\brestored\b|\brecovered\b|\bnormal\b)", std::regex::icase);
  if (std::regex_search(line, kFlow) && !std::regex_search(line, kFlowCleared)) return true;
  // A fan policy / mode set to a quiet profile ("Fan policy set to Acoustic", "fan mode: 0x02 (Acoustic)").
  static const std::regex kQuiet(
      R"(\bfan[ _-]?(?:policy|mode|profile)\b.{0,60}?\b(?:acoustic|quiet|silent|low[ -]noise)\b)", std::regex::icase);
  return std::regex_search(line, kQuiet);
}

}  // namespace vigil
