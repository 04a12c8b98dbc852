#include "agents/restart_then_trained.h"

#include <regex>

#include "agents/job_runs.h"

namespace vigil {

bool SaysWorkersRestart(const std::string& line) {
  if (line.size() > 2000) return false;
  static const std::regex kRestart(R"(\brestarting (?:the )?workers\b)", std::regex::icase);
  return StartsLaterRun(line) || std::regex_search(line, kRestart);
}

bool IsTrainingProgress(const std::string& line) {
  if (line.size() > 2000) return false;
  static const std::regex kProgress(
      R"(\b(?:iteration|step)\s*[:=]?\s*\d+\b[^\n]{0,200}?\b(?:loss|lr|learning rate|tokens/s|samples/s|tps)\b)",
      std::regex::icase);
  return std::regex_search(line, kProgress);
}

std::optional<size_t> RestartThenTrained(const std::vector<std::string>& lines) {
  std::optional<size_t> restart;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!restart) {
      if (SaysWorkersRestart(lines[i])) restart = i;
      continue;
    }
    if (IsTrainingProgress(lines[i])) return restart;
  }
  return std::nullopt;
}

}  // namespace vigil
