#include "agents/job_runs.h"

#include <algorithm>
#include <map>
#include <regex>

namespace vigil {

bool StartsLaterRun(std::string_view line) {
  static const std::regex kLater(
      R"((?:\brequeue[sd]?\b|\bre-queued\b|JobRequeue|\brelaunch(?:ed|ing)?\b|\brestarting (?:the )?worker group|)"
      R"(\bwill restart worker group|\brestart_count\s*[=:]\s*[1-9]|\battempt\s*#?\s*(?:[2-9]|[1-9]\d)\b|)"
      R"(\brun\s*#?\s*(?:[2-9]|[1-9]\d)\s+(?:started|starting|begins)\b|\(run\s*(?:[2-9]|[1-9]\d)\)))",
      std::regex::icase);
  if (line.size() > 2000) return false;
  const std::string s(line);
  return std::regex_search(s, kLater);
}

std::vector<std::vector<bool>> LaterRunLines(const std::vector<std::string>& sources,
                                             const std::vector<std::vector<std::string_view>>& texts) {
  std::vector<std::vector<bool>> later(texts.size());
  // The run a source names: its word (run / attempt) and ordinal; the later of two or more of one
  // word are later runs ("sft-run42-worker-0" alone is a job's name).
  static const std::regex kOrdinal(R"((?:^|[^A-Za-z0-9])(run|attempt)[ _#-]?(\d{1,2})(?![0-9]))", std::regex::icase);
  std::map<std::string, std::vector<std::pair<size_t, int>>> named;  // word -> (log, ordinal)
  for (size_t i = 0; i < sources.size() && i < texts.size(); ++i) {
    std::smatch m;
    if (sources[i].size() > 400 || !std::regex_search(sources[i], m, kOrdinal)) continue;
    std::string word = m.str(1);
    std::transform(word.begin(), word.end(), word.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    named[word].push_back({i, std::stoi(m.str(2))});
  }
  for (const auto& [word, logs] : named) {
    int lowest = logs.front().second, highest = logs.front().second;
    for (const auto& [i, n] : logs) {
      lowest = std::min(lowest, n);
      highest = std::max(highest, n);
    }
    if (lowest == highest) continue;
    for (const auto& [i, n] : logs) {
      if (n > lowest) later[i].assign(texts[i].size(), true);
    }
  }
  for (size_t i = 0; i < texts.size(); ++i) {
    if (!later[i].empty()) continue;
    for (size_t k = 0; k < texts[i].size(); ++k) {
      if (!StartsLaterRun(texts[i][k])) continue;
      later[i].assign(texts[i].size(), false);
      std::fill(later[i].begin() + static_cast<std::ptrdiff_t>(k) + 1, later[i].end(), true);
      break;
    }
  }
  return later;
}

}  // namespace vigil
