#include "agents/dynamo_recompile.h"

#include <regex>

namespace vigil {
namespace {

bool HitsLimit(const std::string& line) {
  static const std::regex kLimit(
      R"(\bhit\s+(?:torch\._dynamo\.)?config\.(?:recompile_limit|cache_size_limit|accumulated_recompile_limit)\b|)"
      R"(\b(?:recompile_limit|cache_size_limit)\s+(?:\(\d+\)\s+)?(?:reached|exceeded)\b)",
      std::regex::icase);
  return std::regex_search(line, kLimit);
}

}  // namespace

bool IsDynamoRecompileNote(const std::string& line) {
  if (line.size() > 4000) return false;
  if (HitsLimit(line)) return true;
  static const std::regex kNote(
      R"(\bRecompiling function \S+ in \S+ triggered by\b|^\s*(?:\[rank\d+\]:\s*)?last reason: \d+/\d+: |)"
      R"(To log all recompilation reasons)");
  return std::regex_search(line, kNote);
}

int RecompileLimitRank(const std::string& line) {
  if (line.size() > 4000 || !HitsLimit(line)) return -1;
  static const std::regex kRank(R"(^\s*\[rank(\d{1,6})\])");
  std::smatch m;
  if (!std::regex_search(line, m, kRank)) return -1;
  return std::stoi(m[1].str());
}

}  // namespace vigil
