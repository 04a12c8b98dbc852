#include "agents/seq_limit_lifted.h"

#include <regex>

namespace vigil {

bool StatesSeqLimitLifted(const std::string& line) {
  if (line.size() > 1000) return false;
  static const std::regex kAdded(R"(^\s*\+(?!\+\+))");
  static const std::regex kChanged(R"(\bchanged\b|\bwas\s*:|\(was\b)", std::regex::icase);
  if (!std::regex_search(line, kAdded) && !std::regex_search(line, kChanged)) return false;
  // A length cap set to nothing: max_seq_length / seq_len / max_length / max_position(s) / context_length
  // / max_tokens.
  static const std::regex kCapOff(
      R"re(\b(?:max[_-]?seq(?:uence)?[_-]?len(?:gth)?|seq(?:uence)?[_-]?len(?:gth)?|max[_-]?len(?:gth)?|max[_-]?tokens|context[_-]?len(?:gth)?)\b"?\s*[:=]\s*"?(?:null|none|nil|~|-1|0|unlimited|inf)\b)re",
      std::regex::icase);
  // Truncation turned off.
  static const std::regex kTruncOff(R"re(\btruncat(?:e|ion)\b"?\s*[:=]\s*"?(?:false|off|no|none|null|0)\b)re",
                                    std::regex::icase);
  return std::regex_search(line, kCapOff) || std::regex_search(line, kTruncOff);
}

}  // namespace vigil
