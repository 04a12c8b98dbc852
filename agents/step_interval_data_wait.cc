#include "agents/step_interval_data_wait.h"

#include <algorithm>
#include <regex>

namespace vigil {

std::optional<StepWait> ReadStepWait(const std::string& line) {
  if (line.size() > 2000 || line.find("step") == std::string::npos) return std::nullopt;
  static const std::regex kStep(R"(\b(?:step|iteration|iter)\s*[:=]?\s*(\d{1,12})\b)", std::regex::icase);
  static const std::regex kWait(
      R"(\bdata[ _-]?(?:wait|loading|load|fetch)(?:[ _-]?time)?\s*[:=]\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s)\b)",
      std::regex::icase);
  // A step / iteration time printed on the line itself: FindDataWaitShare's reading, not this one.
  static const std::regex kOwnStepTime(
      R"(\b(?:step[ _-]?tim(?:e|ing)|iter(?:ation)?[ _-]?time|time per iteration|elapsed time per iteration|batch[ _-]?time)\b)",
      std::regex::icase);
  std::smatch s, w;
  if (!std::regex_search(line, s, kStep) || !std::regex_search(line, w, kWait)) return std::nullopt;
  if (std::regex_search(line, kOwnStepTime)) return std::nullopt;
  StepWait r;
  try {
    r.step = std::stoll(s.str(1));
    r.wait_s = std::stod(w.str(1));
  } catch (...) {
    return std::nullopt;
  }
  if (w.str(2) == "ms") r.wait_s /= 1000;
  return r;
}

std::optional<StepIntervalDataWait> FindStepIntervalDataWait(const std::vector<std::string>& lines, const LogClock& clock) {
  std::vector<double> shares;
  StepIntervalDataWait out;
  std::optional<StepWait> prev;
  int64_t prev_ms = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::optional<StepWait> cur = ReadStepWait(lines[i]);
    if (!cur) continue;
    const int64_t ms = LineTimeMs(lines[i], clock);
    if (ms == std::numeric_limits<int64_t>::max()) {
      prev.reset();
      continue;
    }
    if (prev && cur->step > prev->step && ms > prev_ms) {
      const double step_s = (ms - prev_ms) / 1000.0 / static_cast<double>(cur->step - prev->step);
      if (step_s > 0 && cur->wait_s <= 1.05 * step_s) {
        if (shares.empty()) out.first_line = i;
        shares.push_back(std::min(1.0, cur->wait_s / step_s));
      }
    }
    prev = cur;
    prev_ms = ms;
  }
  if (shares.empty()) return std::nullopt;
  std::sort(shares.begin(), shares.end());
  out.share = shares[shares.size() / 2];
  out.lines = shares.size();
  return out;
}

}  // namespace vigil
