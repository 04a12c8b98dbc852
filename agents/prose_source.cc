#include "agents/prose_source.h"

#include <regex>
#include <string>
#include <tuple>
#include <utility>

namespace vigil {
namespace {

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

bool IsFence(std::string_view line) {
  std::string_view t = TrimLeft(line);
  return StartsWith(t, "```") || StartsWith(t, "~~~");
}

// A fence line's character and run length ("````bash": '`', 4).
std::pair<char, size_t> FenceRun(std::string_view line) {
  std::string_view t = TrimLeft(line);
  size_t n = 0;
  while (n < t.size() && t[n] == t[0]) ++n;
  return {t[0], n};
}

// Whether `line` (a fence) closes a block opened by `open` (CommonMark, RV1): the same character, at
// least as long, nothing but blanks after it. A "```" inside a "~~~" or "````" block, or a "```bash",
// is the block's text: taken as a closing fence it flipped every later line (a quoted log read as
// prose, the prose after the block as evidence).
bool ClosesFence(std::string_view line, std::pair<char, size_t> open) {
  const auto [c, n] = FenceRun(line);
  if (c != open.first || n < open.second) return false;
  for (char x : TrimLeft(line).substr(n)) {
    if (x != ' ' && x != '\t' && x != '\r') return false;
  }
  return true;
}

// A table's separator row: "|---|:--:|" or "--- | ---".
bool IsTableSeparator(std::string_view line) {
  std::string_view t = TrimLeft(line);
  if (t.empty() || t.find("---") == std::string_view::npos || t.find('|') == std::string_view::npos) return false;
  for (char c : t) {
    if (c != '|' && c != '-' && c != ':' && c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

}  // namespace

// "# Title", "## Part 2" (a shell comment "# on node-3" or "#pragma" is no heading: the title starts
// with an upper-case letter or a digit after one to six '#' and a space).
bool IsAtxHeading(std::string_view line) {
  size_t n = 0;
  while (n < line.size() && line[n] == '#') ++n;
  if (n == 0 || n > 6 || n + 1 >= line.size() || line[n] != ' ') return false;
  const char c = line[n + 1];
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool LineHasLogShape(std::string_view line) {
  static const std::regex kShape(
      R"(\b\d{1,2}:\d{2}\b)"                                     // 15:23, 15:23:41, host:4410:4590
      R"(|\b\d{4}-\d{2}-\d{2}(\b|T)|\b\d{4}/\d{2}/\d{2}\b)"      // dates
      R"(|\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2}\b)"
      R"(|^\s*\[[^\]]*\])"                                        // [rank3]:, [ 12.345], [E1203 ...]
      R"(|\w\[\d+\]:)"                                            // python[61203]:
      R"re(|[\w.\])"'] ?= ?\S)re"                                     // key=value
      R"(|^\s*[^\s:]+( +[^\s:]+){0,2} *:(\s|$|\.|\d))"            // kernel: / CUDA error: / 40211:6:
      R"(|\S\s+:\s|\w:\.{2,})"                                    // "Pending   : Yes", "Counter:....9"
      R"(|\b(INFO|WARN|WARNING|Warning|ERROR|Error|FATAL|CRITICAL|DEBUG|NOTICE|PANIC)\b)"
      R"(|\b0x[0-9a-fA-F]+\b)"
      R"(|[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.\d)"      // PCI bus id
      R"(|<[\w ]+>)"                                              // <inactive>
      R"(|\S \| \S.* \| \S)",                                     // a | b | c
      std::regex::optimize);
  if (line.size() > 4096) line = line.substr(0, 4096);
  return std::regex_search(line.begin(), line.end(), kShape);
}

bool FenceTracker::Step(std::string_view line) {
  if (!IsFence(line) || (inside_ && !ClosesFence(line, {open_char_, open_len_}))) return false;
  if (!inside_) std::tie(open_char_, open_len_) = FenceRun(line);
  inside_ = !inside_;
  return true;
}

bool IsShellPromptLine(const std::string& line) {
  static const std::regex kPrompt(R"(^\s*(?:\[[^\]]{1,80}\]|[\w.-]{1,64}@[\w.:~/-]{1,120}|[A-Za-z][\w.-]{0,63}(?=\$ ))?[$#] \S)");
  return std::regex_search(line, kPrompt);
}

ProseReading ProseLines(const CaseLog& log) {
  ProseReading r;
  r.prose.assign(log.lines.size(), false);
  bool heading = false, markdown_mark = false;
  for (const LogLine& l : log.lines) {
    heading = heading || IsAtxHeading(l.text);
    markdown_mark = markdown_mark || IsFence(l.text) || IsTableSeparator(l.text) ||
                    l.text.find("](") != std::string::npos;
  }
  if (heading && markdown_mark) {
    r.document = true;
    FenceTracker fences;
    for (size_t i = 0; i < log.lines.size(); ++i) {
      if (fences.Step(log.lines[i].text)) {
        r.prose[i] = true;  // the fence line itself
        continue;
      }
      r.prose[i] = !fences.inside() || !LineHasLogShape(log.lines[i].text);
    }
    return r;
  }
  return r;
}

}  // namespace vigil
