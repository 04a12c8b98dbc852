#include "agents/rising_counter.h"

#include <regex>

namespace vigil {

std::string RisingCounterInWords(const std::string& text) {
  if (text.size() > 4096) return "";
  static const std::regex kRising(
      R"(\b([A-Za-z_:][A-Za-z0-9_:]*_(?:COUNTER|COUNT|TOTAL|counter|count|total)(?:_[A-Za-z0-9]+)?)(?:\{[^{}]*\})?)"
      R"(\s+(?:(?:is|are|keeps|keep|has been|have been|still)\s+)*(?:rising|increasing|climbing|growing|going up|incrementing)\b)");
  std::smatch m;
  if (!std::regex_search(text, m, kRising)) return "";
  return m[1].str();
}

}  // namespace vigil
