#include "agents/step_interval_data_wait.h"

#include <algorithm>
#include <limits>
#include <regex>

#include "core/ascii.h"

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

std::optional<double> ReadAveragedDataWait(const std::string& line) {
  if (line.size() > 1000) return std::nullopt;
  // The wait's name, then (within a few words) an average's word and a figure with its unit, per step.
  static const std::regex kAvgWait(
      R"(\b(?:data(?:[ _-]?loader)?|input|batch)[ _-]?(?:wait|loading|load|fetch)(?:[ _-]?time)?\b[^0-9\n]{0,24}?\b(?:avg|average|mean|p50|median)\b\s*[:=]?\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s)\b\s*(?:/|per)\s*(?:step|iter(?:ation)?|batch)\b)",
      std::regex::icase);
  static const std::regex kAvgFirst(
      R"(\b(?:avg|average|mean|median)\s+(?:data(?:[ _-]?loader)?|input|batch)[ _-]?(?:wait|loading|load|fetch)(?:[ _-]?time)?\s*(?:per\s+(?:step|iter(?:ation)?|batch))?\s*[:=]?\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s)\b)",
      std::regex::icase);
  std::smatch m;
  if (!std::regex_search(line, m, kAvgWait) && !std::regex_search(line, m, kAvgFirst)) return std::nullopt;
  // A line that prints its own step counter is a progress line (FindStepIntervalDataWait reads it).
  if (ReadStepWait(line)) return std::nullopt;
  double v = 0;
  try {
    v = std::stod(m.str(1));
  } catch (...) {
    return std::nullopt;
  }
  if (AsciiLower(m.str(2)) == "ms") v /= 1000;
  return v;
}

std::optional<StepIntervalDataWait> FindAveragedDataWait(const std::vector<std::string>& lines, const LogClock& clock) {
  // The progress lines: a step counter and a stamp.
  static const std::regex kProgress(R"(\b(?:step|iteration|iter)\s*[:=]?\s*(\d{1,12})\b)", std::regex::icase);
  struct Point {
    long long step;
    int64_t ms;
  };
  std::vector<Point> points;
  for (const std::string& l : lines) {
    if (l.size() > 2000 || ReadAveragedDataWait(l)) continue;
    std::smatch m;
    if (!std::regex_search(l, m, kProgress)) continue;
    const int64_t ms = LineTimeMs(l, clock);
    if (ms == std::numeric_limits<int64_t>::max()) continue;
    long long step = 0;
    try {
      step = std::stoll(m.str(1));
    } catch (...) {
      continue;
    }
    points.push_back({step, ms});
  }
  std::sort(points.begin(), points.end(), [](const Point& a, const Point& b) { return a.ms < b.ms; });
  struct Interval {
    int64_t end_ms;
    double step_s;
  };
  std::vector<Interval> intervals;
  for (size_t i = 1; i < points.size(); ++i) {
    if (points[i].step <= points[i - 1].step || points[i].ms <= points[i - 1].ms) continue;
    intervals.push_back({points[i].ms, (points[i].ms - points[i - 1].ms) / 1000.0 /
                                           static_cast<double>(points[i].step - points[i - 1].step)});
  }
  if (intervals.size() < 2) return std::nullopt;
  std::vector<double> shares;
  StepIntervalDataWait out;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::optional<double> wait = ReadAveragedDataWait(lines[i]);
    if (!wait) continue;
    const int64_t at = LineTimeMs(lines[i], clock);
    std::vector<double> steps;
    for (const Interval& iv : intervals) {
      if (at == std::numeric_limits<int64_t>::max() || iv.end_ms >= at) steps.push_back(iv.step_s);
    }
    if (steps.empty()) continue;
    std::sort(steps.begin(), steps.end());
    const double step_s = steps[steps.size() / 2];
    if (step_s <= 0 || *wait > 1.05 * step_s) continue;
    if (shares.empty()) out.first_line = i;
    shares.push_back(std::min(1.0, *wait / step_s));
  }
  if (shares.empty()) return std::nullopt;
  std::sort(shares.begin(), shares.end());
  out.share = shares[shares.size() / 2];
  out.lines = shares.size();
  return out;
}

}  // namespace vigil
