#include "agents/zero_counter.h"

#include <array>
#include <regex>

#include "core/ascii.h"

namespace vigil {
namespace {

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool IsCounterWord(std::string_view w) {
  static constexpr std::array<std::string_view, 12> kWords = {
      "skipped", "nan", "inf", "failed", "dropped", "error", "errors", "timeout", "timeouts", "retries", "overflow",
      "overflows"};
  if (w.size() < 3 || w.size() > 9) return false;
  char buf[9];
  for (size_t i = 0; i < w.size(); ++i) buf[i] = AsciiToLower(w[i]);
  std::string_view lower(buf, w.size());
  for (std::string_view k : kWords) {
    if (k == lower) return true;
  }
  return false;
}

}  // namespace

bool MayHoldZeroCounter(std::string_view line) {
  size_t i = 0;
  while (i < line.size()) {
    if (!IsWordChar(line[i])) {
      ++i;
      continue;
    }
    // A whole run of word characters: \b on both sides of the counter word.
    size_t end = i;
    while (end < line.size() && IsWordChar(line[end])) ++end;
    if (IsCounterWord(line.substr(i, end - i))) {
      // [a-z _-]* under icase (letters of either case), then [:=].
      size_t k = end;
      while (k < line.size()) {
        char c = AsciiToLower(line[k]);
        if (!((c >= 'a' && c <= 'z') || c == ' ' || c == '_' || c == '-')) break;
        ++k;
      }
      if (k < line.size() && (line[k] == ':' || line[k] == '=')) return true;
    }
    i = end;
  }
  return false;
}

std::string RemoveZeroCounters(const std::string& line) {
  static const std::regex kZeroCounter(kZeroCounterPattern, std::regex::ECMAScript | std::regex::icase);
  if (!MayHoldZeroCounter(line)) return line;
  return std::regex_replace(line, kZeroCounter, "");
}

std::string RemoveFaultsSaidAbsent(const std::string& line) {
  static const std::regex kAbsent(
      R"(\b(?:no|zero|0)\s+(?:new\s+|more\s+)?(?:s?xids?|errors?|faults?|failures?|ecc(?:\s+errors?)?|dbes?|sbes?|)"
      R"(timeouts?|hangs?|crash(?:es)?|throttl\w*|retirements?|remaps?)\b)",
      std::regex::ECMAScript | std::regex::icase);
  if (line.size() > 4000) return line;
  // The regex only runs on a line holding a standalone "no", "zero" or "0" followed by a space.
  bool may = false;
  for (size_t i = 0; i + 1 < line.size() && !may; ++i) {
    const bool start = i == 0 || !IsWordChar(line[i - 1]);
    if (!start) continue;
    if (line[i] == '0' && line[i + 1] == ' ') may = true;
    if (i + 2 < line.size() && AsciiToLower(line[i]) == 'n' && AsciiToLower(line[i + 1]) == 'o' && line[i + 2] == ' ') may = true;
    if (i + 4 < line.size() && AsciiToLower(line[i]) == 'z' && AsciiToLower(line[i + 1]) == 'e' &&
        AsciiToLower(line[i + 2]) == 'r' && AsciiToLower(line[i + 3]) == 'o' && line[i + 4] == ' ') {
      may = true;
    }
  }
  if (!may) return line;
  return std::regex_replace(line, kAbsent, "");
}

bool IsShellCommandLine(const std::string& line) {
  if (line.size() > 4000) return false;
  // The prompt: a bare "$", "#" or "+" (set -x prints "+ " or "++ "), or user@host[:dir] / [user@host
  // dir] before "$" or "#"; then one space and a command word: a lower-case name or path, or an
  // environment assignment before one.
  static const std::regex kPrompt(
      R"(^\s*(?:\$|#|\++|[A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+(?::[^\s$#]*)?\s*[$#]|\[[A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+[^\]]{0,80}\][$#])\s+)"
      R"((?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:[a-z_.~/][a-z0-9_.~/-]*)(?:\s|$))");
  const size_t first = line.find_first_not_of(" \t");
  if (first == std::string::npos) return false;
  const char c = line[first];
  if (c != '$' && c != '#' && c != '+' && c != '[' && line.find('@') == std::string::npos) return false;
  return std::regex_search(line, kPrompt);
}

}  // namespace vigil
