#include "agents/nvlink_correctable.h"

#include <regex>

namespace vigil {

bool IsCorrectableNvlinkCounter(const std::string& text) {
  if (text.size() > 4000) return false;
  static const std::regex kCounter(
      R"(\b(?:recovery|replay)\s+errors?\s*[:=]\s*\d+|NVLINK_(?:RECOVERY|REPLAY)_ERROR_COUNT)", std::regex::icase);
  if (!std::regex_search(text, kCounter)) return false;
  static const std::regex kWorse(
      R"(\bcrc\b[^:=\n]{0,20}errors?\s*[:=]\s*[1-9]|CRC_(?:FLIT|DATA)_ERROR|\bxid\b|\bfatal\b|\buncorrectable\b|\blink\s+(?:is\s+)?down\b|\binactive\b)",
      std::regex::icase);
  return !std::regex_search(text, kWorse);
}

}  // namespace vigil
