#include "agents/ecc_precursor.h"

#include <regex>

namespace vigil {

bool StatesEccRatePrecursor(const std::string& text) {
  if (text.size() > 4000) return false;
  static const std::regex kPrecursor(
      R"(\bxid\b"?(?: \(PCI:[0-9a-f:.]+\))?[ :=#"]*(?:errors?|code|event)?[ :=#"]*92\b|\bsingle[- ]bit\b|\bSBE\b|_SBE_|\bcorrectable\b)",
      std::regex::icase);
  static const std::regex kUncorrectable(
      R"(\bxid\b"?(?: \(PCI:[0-9a-f:.]+\))?[ :=#"]*(?:errors?|code|event)?[ :=#"]*(?:48|94|95)\b|\bdouble[- ]bit\b|\bDBE\b|_DBE_|\buncorrectable\b)",
      std::regex::icase);
  return std::regex_search(text, kPrecursor) && !std::regex_search(text, kUncorrectable);
}

}  // namespace vigil
