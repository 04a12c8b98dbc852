#include "agents/work_per_step_change.h"

#include <algorithm>
#include <cmath>
#include <regex>

#include "core/ascii.h"

namespace vigil {

namespace {

double Number(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), ','), s.end());
  try {
    return std::stod(s);
  } catch (...) {
    return -1;
  }
}

double Median3(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

bool StatesWorkPerStepGrew(const std::string& line) {
  if (line.size() > 1000) return false;
  const std::string l = AsciiLower(line);
  static const std::regex kWhat(
      R"(\b(?:seq(?:uence)?[ _-]?len(?:gth)?|max[ _-]?seq[ _-]?len|context[ _-]?(?:length|len)|(?:global|micro)[ _-]?batch[ _-]?size|tokens\s+per\s+(?:global\s+)?batch)\b)");
  static const std::regex kWas(R"(^\s*[:=]?\s*([0-9][0-9,]*)\s*\((?:was|previously|before|from)\s*:?\s*([0-9][0-9,]*)\s*\))");
  static const std::regex kArrow(R"(^\s*[:=]?\s*(?:from\s+)?([0-9][0-9,]*)\s*(?:->|=>|→|to)\s*([0-9][0-9,]*)\b)");
  for (auto it = std::sregex_iterator(l.begin(), l.end(), kWhat); it != std::sregex_iterator(); ++it) {
    const std::string rest = l.substr(it->position(0) + it->length(0), 80);
    std::smatch m;
    if (std::regex_search(rest, m, kWas)) {
      const double now = Number(m.str(1)), before = Number(m.str(2));
      if (before > 0 && now > before) return true;
    } else if (std::regex_search(rest, m, kArrow)) {
      const double before = Number(m.str(1)), now = Number(m.str(2));
      if (before > 0 && now > before) return true;
    }
  }
  return false;
}

std::optional<WorkPerStepChange> FindWorkPerStepChange(const std::vector<std::string>& lines) {
  static const std::regex kStepTime(
      R"(\b(?:elapsed\s+time\s+per\s+iteration|time\s+per\s+iteration|step[ _-]?time|iteration[ _-]?time)\s*(\(ms\)|\(s\)|_ms|_s)?\s*[:=]\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s)?\b)",
      std::regex::icase);
  static const std::regex kFlops(
      R"(\bTFLOP/s(?:/GPU)?\)?\s*[:=]\s*([0-9]+(?:\.[0-9]+)?)|\btflops(?:[ _-]per[ _-]gpu)?\s*[:=]\s*([0-9]+(?:\.[0-9]+)?)|\bmfu\s*[:=]\s*([0-9]+(?:\.[0-9]+)?)\s*%)",
      std::regex::icase);
  struct Point {
    size_t line;
    double step_s;
    double flops;
  };
  std::vector<Point> points;
  std::optional<size_t> change;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l.size() > 2000) continue;
    if (!change && StatesWorkPerStepGrew(l)) change = i;
    std::smatch s, f;
    if (!std::regex_search(l, s, kStepTime) || !std::regex_search(l, f, kFlops)) continue;
    double step = Number(s.str(2));
    const std::string unit = AsciiLower(s.str(1) + s.str(3));
    if (unit.find("ms") != std::string::npos) step /= 1000;
    double flops = -1;
    for (int g = 1; g <= 3 && flops < 0; ++g) {
      if (f[g].matched) flops = Number(f.str(g));
    }
    if (step <= 0 || flops <= 0) continue;
    points.push_back({i, step, flops});
  }
  if (!change || points.size() < 6) return std::nullopt;
  std::vector<double> s0, f0, s1, f1;
  for (size_t k = 0; k < 3; ++k) {
    s0.push_back(points[k].step_s);
    f0.push_back(points[k].flops);
    s1.push_back(points[points.size() - 1 - k].step_s);
    f1.push_back(points[points.size() - 1 - k].flops);
  }
  const double step_before = Median3(s0), step_after = Median3(s1);
  const double flops_before = Median3(f0), flops_after = Median3(f1);
  if (step_after < kSlowerStep * step_before) return std::nullopt;
  if (std::fabs(flops_after - flops_before) > kSameFlops * flops_before) return std::nullopt;
  // The first slower step, and the change printed before it (after the earlier steps).
  size_t slow = 0;
  bool found = false;
  for (const Point& p : points) {
    if (p.step_s >= 0.5 * (step_before + step_after) * 1.0 && p.step_s >= 1.25 * step_before) {
      slow = p.line;
      found = true;
      break;
    }
  }
  if (!found || *change > slow || *change < points.front().line) return std::nullopt;
  WorkPerStepChange out;
  out.change_line = *change;
  out.slow_line = slow;
  out.step_ratio = step_after / step_before;
  out.flops_ratio = flops_after / flops_before;
  return out;
}

}  // namespace vigil
