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
  if (std::regex_search(line, kQuiet)) return true;
  // PLC65 (realistic57 rl57-09, seen): the node's inlet (intake, ambient) air temperature sensor over its
  // upper threshold, asserted (the BMC's SEL "Temperature GPU_Inlet | Upper Critical going high | Asserted",
  // "Inlet Temp ... Upper Non-recoverable going high"; a non-critical warning is not read): the air that
  // cools every GPU of the node comes in too hot (the hall's or the rack's cooling), so a throttle on two
  // GPUs or more there is the node's.
  static const std::regex kInlet(
      R"((?:\b|_)(?:inlet|intake|ambient)\w*\b.{0,80}?\bupper (?:critical|non-recoverable)\b.{0,40}?\bgoing high\b)",
      std::regex::icase);
  return std::regex_search(line, kInlet);
}

}  // namespace vigil
