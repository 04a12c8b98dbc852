#include "agents/data_fast_forward.h"

#include <algorithm>
#include <cstdlib>
#include <regex>

namespace vigil {
namespace {

bool IsSkipLine(const std::string& line) {
  static const std::regex kSkip(
      R"(\b(?:skipping|fast[- ]?forward(?:ing|ed)?)\b[^\n]{0,60}?\b(?:samples?|batch(?:es)?|examples?|sequences?)\b|)"
      R"(\bskipped\s+\d[\d,]*\s*(?:/|of|out of)\s*\d[\d,]*\s*(?:samples?|batch(?:es)?|examples?|sequences?)\b)",
      std::regex::icase);
  static const std::regex kData(R"(\b(?:data\w*|dataset|loader|iterator|sampler|consumed\w*|resum\w*)\b)", std::regex::icase);
  return std::regex_search(line, kSkip) && std::regex_search(line, kData);
}

bool IsSkipEnd(const std::string& line) {
  static const std::regex kEnd(
      R"(\b(?:skip\w*|fast[- ]?forward\w*)\b[^\n]{0,60}?\b(?:done|finished|complete[d]?|took)\b|\bresumed\s+(?:training|data)\b)",
      std::regex::icase);
  static const std::regex kProgress(
      R"(\b(?:iteration|step)\s*[:=]?\s*\d+\b[^\n]{0,200}?\b(?:loss|lr|learning rate|tokens/s|samples/s)\b)", std::regex::icase);
  return std::regex_search(line, kEnd) || std::regex_search(line, kProgress);
}

bool IsStall(const std::string& line) {
  static const std::regex kStall(
      R"(\bWatchdog caught collective operation timeout\b|\bTimeout\(ms\)=|\bcollective\b[^\n]{0,60}?\btimed out\b|)"
      R"(\bno (?:iteration|step|progress)\w* (?:completed|made|reported)\b|\btreating (?:the )?job as hung\b|\bheartbeat (?:lost|missed|timeout)\b)",
      std::regex::icase);
  return std::regex_search(line, kStall);
}

}  // namespace

std::optional<size_t> FindUnfinishedDataSkip(const std::vector<std::string>& lines) {
  static const std::regex kCount(R"((\d[\d,]*)\s*(?:/|of|out of)\s*(\d[\d,]*)\s*(?:samples?|batch(?:es)?|examples?|sequences?)\b)",
                                 std::regex::icase);
  static const std::regex kStill(R"(\bstill\s+(?:skipping|fast[- ]?forwarding)\b)", std::regex::icase);
  auto number = [](std::string s) {
    s.erase(std::remove(s.begin(), s.end(), ','), s.end());
    return s.size() > 15 ? -1.0 : std::strtod(s.c_str(), nullptr);
  };
  std::optional<size_t> first;
  bool unfinished = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.size() > 2000) continue;
    if (IsSkipLine(line)) {
      if (!first) first = i;
      std::smatch m;
      const bool counted = std::regex_search(line, m, kCount);
      unfinished = std::regex_search(line, kStill) ||
                   (counted && number(m.str(1)) >= 0 && number(m.str(1)) < number(m.str(2)));
      continue;
    }
    if (first && IsSkipEnd(line)) return std::nullopt;
  }
  if (!first || !unfinished) return std::nullopt;
  return first;
}

std::optional<DataFastForwardStall> FindDataFastForwardStall(const std::vector<std::string>& lines) {
  DataFastForwardStall out;
  bool skipping = false, any = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.size() > 2000) continue;
    if (IsSkipLine(line)) {
      if (!any) out.first_line = i;
      any = skipping = true;
      ++out.skip_lines;
      continue;
    }
    if (!skipping) continue;
    if (IsSkipEnd(line)) {
      skipping = false;
    } else if (IsStall(line)) {
      if (out.stalls++ == 0) out.first_stall = i;
    }
  }
  if (out.stalls == 0) return std::nullopt;
  return out;
}

std::optional<size_t> FindDataRestartAfterResume(const std::vector<std::string>& lines) {
  static const std::regex kLoaded(
      R"(\b(?:loaded|loading|resum\w*)\b[^|]{0,80}?\bcheckpoint\b[^|]{0,120}?\b(?:iteration|step|iter)\s*[=:]?\s*(\d{1,12})\b)",
      std::regex::icase);
  static const std::regex kData(R"(\b(?:data\w*|dataset|loader|iterator|sampler|consumed\w*)\b)", std::regex::icase);
  static const std::regex kRestart(
      R"(\b(?:starts?|starting|started|restart\w*|begins?|beginning|reset\w*)\b[^.;]{0,40}?\b(?:at|from)\s+(?:sample|batch|index|epoch|shard|example)\s+0\b|)"
      R"(\bfrom the (?:beginning|start)\b|\bconsumed\w*[^.;]{0,80}?\bnot (?:applied|restored|loaded|used)\b)",
      std::regex::icase);
  static const std::regex kConsumedFromCkpt(R"(\bconsumed\w*\s+from (?:the )?checkpoint\s*\(?\s*(\d{1,15}))", std::regex::icase);
  bool resumed = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& t = lines[i];
    if (t.size() > 2000) continue;
    std::smatch m;
    if (!resumed && t.find("heckpoint") != std::string::npos && std::regex_search(t, m, kLoaded) &&
        std::strtoll(m.str(1).c_str(), nullptr, 10) > 0) {
      resumed = true;
      continue;
    }
    if (!std::regex_search(t, kRestart) || !std::regex_search(t, kData) || IsSkipLine(t)) continue;
    if (resumed || (std::regex_search(t, m, kConsumedFromCkpt) && std::strtoll(m.str(1).c_str(), nullptr, 10) > 0)) return i;
  }
  return std::nullopt;
}

}  // namespace vigil
