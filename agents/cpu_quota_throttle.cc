#include "agents/cpu_quota_throttle.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>

namespace vigil {
namespace {

// The counter's increase and the time it took, first sample to last; nullopt for a reset or too few.
std::optional<std::pair<double, double>> Increase(const TimeSeries& s) {
  if (s.size() < 2 || s.values.size() != s.size()) return std::nullopt;
  const double dv = s.values.back() - s.values.front();
  const double dt = static_cast<double>(s.timestamps_ms.back() - s.timestamps_ms.front()) / 1000.0;
  if (!(dv >= 0) || !(dt > 0) || !std::isfinite(dv)) return std::nullopt;
  return std::make_pair(dv, dt);
}

std::string Label(const Labels& l, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    if (auto it = l.find(k); it != l.end() && !it->second.empty()) return it->second;
  }
  return "";
}

}  // namespace

std::optional<JobCpuThrottle> FindJobWideCpuThrottle(const std::vector<TimeSeries>& series, size_t min_pods) {
  std::map<std::string, double> share;  // pod (or node) -> its most throttled container's share
  std::string first;
  for (const TimeSeries& s : series) {
    if (s.name != "container_cpu_cfs_throttled_periods_total" || s.labels.count("snapshot")) continue;
    const std::string container = Label(s.labels, {"container", "container_name"});
    if ((s.labels.count("container") || s.labels.count("container_name")) && (container.empty() || container == "POD")) continue;
    std::string key = Label(s.labels, {"pod", "pod_name"});
    if (key.empty()) key = Label(s.labels, {"node", "instance", "Hostname", "hostname"});
    if (key.empty()) continue;
    const auto thr = Increase(s);
    if (!thr) continue;
    double periods = thr->second * 10.0;  // the kernel's default cfs_period_us, 100 ms
    for (const TimeSeries& p : series) {
      if (p.name == "container_cpu_cfs_periods_total" && p.labels == s.labels) {
        if (const auto inc = Increase(p); inc && inc->first > 0) periods = inc->first;
        break;
      }
    }
    if (!(periods > 0)) continue;
    const double sh = std::min(1.0, thr->first / periods);
    auto [it, added] = share.emplace(key, sh);
    if (!added) it->second = std::max(it->second, sh);
    if (first.empty()) first = s.id();
  }
  if (share.size() < std::max<size_t>(1, min_pods)) return std::nullopt;
  JobCpuThrottle r;
  r.pods = share.size();
  r.min_share = 1.0;
  for (const auto& [k, v] : share) r.min_share = std::min(r.min_share, v);
  if (r.min_share < kQuotaStarvedShare) return std::nullopt;
  r.series = first;
  return r;
}

bool StatesInputWait(const std::string& line) {
  if (line.size() > 2000) return false;
  static const std::regex kWait(
      R"(\bdata[ _-]wait\b|\bwaiting (?:for|on) (?:data|input|the next batch|batch(?:es)?)\b|\binput[- ]bound\b|\bdata ?loader\b.{0,60}\b(?:slow|starv\w*|stall\w*|bottleneck|waiting|batch wait)\b)",
      std::regex::icase);
  return std::regex_search(line, kWait);
}

bool StatesNamespaceCpuLimit(const std::string& line) {
  if (line.size() > 2000) return false;
  static const std::regex kLimitRange(R"(\blimit ?range\b)", std::regex::icase);
  static const std::regex kCpu(R"(\bcpu\b)", std::regex::icase);
  return std::regex_search(line, kLimitRange) && std::regex_search(line, kCpu);
}

}  // namespace vigil
