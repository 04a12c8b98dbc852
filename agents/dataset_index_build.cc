#include "agents/dataset_index_build.h"

#include <regex>

namespace vigil {
namespace {

// A line about an index build that ended.
bool SaysBuildEnded(const std::string& line) {
  static const std::regex kEnded(
      R"(\belapsed time to build\b|\b(?:indices|index|idx)\b[^\n]{0,60}?\b(?:built|done|finished|complete[d]?|loaded|saved)\b|)"
      R"(\b(?:built|loaded)\s+(?:the\s+)?(?:\w+[- ])?(?:indices|index|idx)\b|\bload(?:ed|ing)?\b[^\n]{0,40}?\bfrom (?:the )?(?:index )?cache\b)",
      std::regex::icase);
  return std::regex_search(line, kEnded);
}

// A build line that says more than Megatron's start-up banner ("> building indices for blendable
// datasets ...", printed by every job, cached or not): the cache missed, or a stack dump shows the
// index builder at work.
bool IsTellingBuildLine(const std::string& line) {
  static const std::regex kTelling(
      R"(\bbuild_(?:sample|blending|document|shuffle|exhaustive_blending)\w*(?:_idx|_indices|_index)\b|\b_build_\w*indices\b|)"
      R"(\bcould not find (?:the\s+)?(?:\w+\s+)?index cache\b|\bindex cache\b[^\n]{0,120}?\b(?:not found|missing|miss|absent|invalid(?:ated)?|stale)\b|)"
      R"(\b(?:no|missing)\s+(?:\w+\s+)?index cache\b)",
      std::regex::icase);
  return std::regex_search(line, kTelling);
}

bool IsProgress(const std::string& line) {
  static const std::regex kProgress(
      R"(\b(?:iteration|step)\s*[:=]?\s*\d+\b[^\n]{0,200}?\b(?:loss|lr|learning rate|tokens/s|samples/s|tps)\b)", std::regex::icase);
  return std::regex_search(line, kProgress);
}

bool IsStall(const std::string& line) {
  static const std::regex kStall(
      R"(\bWatchdog caught collective operation timeout\b|\bTimeout\(ms\)=|\bcollective\b[^\n]{0,60}?\btimed out\b|)"
      R"(\bno (?:iteration|step|progress)\w* (?:completed|made|reported|logged)\b|\btreating (?:the )?job as hung\b|\bheartbeat (?:lost|missed|timeout)\b)",
      std::regex::icase);
  return std::regex_search(line, kStall);
}

}  // namespace

bool IsDatasetIndexBuildLine(const std::string& line) {
  if (line.size() > 2000) return false;
  // Cheap look first: every form names an index.
  if (line.find("ind") == std::string::npos && line.find("idx") == std::string::npos &&
      line.find("IND") == std::string::npos && line.find("Ind") == std::string::npos) {
    return false;
  }
  if (SaysBuildEnded(line)) return false;
  // "building indices", "building sample index", "building the document/sample/shuffle index mapping"
  // (the banner), or a telling line: the builder in a stack dump, the cache missed.
  static const std::regex kBuilding(
      R"(\bbuilding\s+(?:the\s+)?(?:(?:dataset|data|document|doc|sample|shuffle|blend(?:ing|ed)?|mmap)[- ]?)*(?:ind(?:ex|ices|exes)|idx)\b)",
      std::regex::icase);
  return std::regex_search(line, kBuilding) || IsTellingBuildLine(line);
}

std::optional<DatasetIndexBuildStall> FindDatasetIndexBuildStall(const std::vector<std::string>& lines) {
  DatasetIndexBuildStall out;
  bool building = false, any = false, telling = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.size() > 2000) continue;
    if (IsDatasetIndexBuildLine(line)) {
      telling = telling || IsTellingBuildLine(line);
      if (!any) out.first_line = i;
      any = building = true;
      if (out.stalls == 0) ++out.build_lines;
      continue;
    }
    if (!building) continue;
    if (SaysBuildEnded(line) || IsProgress(line)) {
      if (out.stalls > 0) break;  // the stall came while it was building
      building = false;
    } else if (IsStall(line)) {
      if (out.stalls++ == 0) out.first_stall = i;
    }
  }
  if (out.stalls == 0) return std::nullopt;
  // The banner alone is every job's start: a missed cache or the builder in a stack dump (before or after
  // the timeouts, in this log) says the build is what ran long.
  if (!telling) {
    for (size_t i = out.first_stall; i < lines.size() && !telling; ++i) {
      telling = lines[i].size() <= 2000 && IsDatasetIndexBuildLine(lines[i]) && IsTellingBuildLine(lines[i]);
    }
  }
  if (!telling) return std::nullopt;
  return out;
}

}  // namespace vigil
