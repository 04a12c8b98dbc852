#include "agents/pipeline_stage.h"

#include <algorithm>
#include <map>
#include <regex>

#include "core/ascii.h"
#include "core/parse.h"

namespace vigil {

std::optional<SlowPipelineStage> FindSlowPipelineStage(const std::vector<std::string>& lines) {
  static const std::regex kPair(R"(\bstage\s*([0-9]{1,3})\s*[:=]?\s*([0-9]+(?:\.[0-9]+)?)(?![0-9.]))");
  static const std::regex kLayers(R"(\bstages?\s+([0-9]{1,3})(?:\s*-\s*([0-9]{1,3}))?\s+gets?\s+([0-9]{1,4})\s+layers)");
  std::optional<SlowPipelineStage> out;
  for (size_t i = 0; i < lines.size() && !out; ++i) {
    if (lines[i].size() > 2000) continue;
    const std::string t = AsciiLower(lines[i]);
    if (t.find("stage") == std::string::npos) continue;
    if (t.find("compute") == std::string::npos && t.find("forward") == std::string::npos &&
        t.find("backward") == std::string::npos) {
      continue;
    }
    if (t.find("wait") != std::string::npos || t.find("idle") != std::string::npos || t.find("bubble") != std::string::npos) {
      continue;
    }
    std::map<int, double> by_stage;
    for (auto it = std::sregex_iterator(t.begin(), t.end(), kPair); it != std::sregex_iterator(); ++it) {
      const std::optional<double> v = ParseDouble((*it)[2].str());
      if (v && *v > 0) by_stage[std::stoi((*it)[1].str())] = *v;
    }
    if (by_stage.size() < 3) continue;
    auto slow = std::max_element(by_stage.begin(), by_stage.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    std::vector<double> others;
    for (const auto& [s, v] : by_stage) {
      if (s != slow->first) others.push_back(v);
    }
    std::sort(others.begin(), others.end());
    const size_t n = others.size();
    const double median = n % 2 ? others[n / 2] : (others[n / 2 - 1] + others[n / 2]) / 2;
    if (!(slow->second >= kSlowStageRatio * median)) continue;
    // The only one: the next slowest stays under the bar.
    if (others.back() >= kSlowStageRatio * median) continue;
    out = SlowPipelineStage{i, slow->first, slow->second, median};
  }
  if (!out) return out;
  for (const std::string& line : lines) {
    if (line.size() > 2000) continue;
    const std::string t = AsciiLower(line);
    if (t.find("layers") == std::string::npos) continue;
    for (auto it = std::sregex_iterator(t.begin(), t.end(), kLayers); it != std::sregex_iterator(); ++it) {
      const int from = std::stoi((*it)[1].str());
      const int to = (*it)[2].matched ? std::stoi((*it)[2].str()) : from;
      const int layers = std::stoi((*it)[3].str());
      if (from <= out->stage && out->stage <= to) {
        out->layers = layers;
      } else {
        out->peer_layers = layers;
      }
    }
    if (out->layers >= 0) break;
  }
  return out;
}

}  // namespace vigil
