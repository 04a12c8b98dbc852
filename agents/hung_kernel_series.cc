#include "agents/hung_kernel_series.h"

#include <cmath>
#include <map>
#include <utility>

#include "agents/gpu_labels.h"
#include "agents/node_names.h"

namespace vigil {

namespace {

// The mean over the first (`last` false) or last third of a series; nullopt under 3 samples or
// with a value that is not finite.
std::optional<double> ThirdMean(const TimeSeries& s, bool last) {
  const size_t n = s.values.size();
  if (n < 3) return std::nullopt;
  const size_t third = std::max<size_t>(1, n / 3);
  const size_t from = last ? n - third : 0;
  double sum = 0;
  for (size_t i = from; i < from + third; ++i) {
    if (!std::isfinite(s.values[i])) return std::nullopt;
    sum += s.values[i];
  }
  return sum / static_cast<double>(third);
}

}  // namespace

std::optional<HungKernelGpu> FindHungKernelGpu(const std::vector<TimeSeries>& series) {
  constexpr double kPinnedUtil = 95, kIdleUtil = 10, kStalledSm = 0.05, kWorkingSm = 0.3;
  std::map<std::pair<std::string, int>, double> util;  // (node, gpu) -> last third's utilisation
  std::map<std::pair<std::string, int>, const TimeSeries*> sm;
  for (const TimeSeries& s : series) {
    if (s.name != "DCGM_FI_DEV_GPU_UTIL" && s.name != "DCGM_FI_PROF_SM_ACTIVE") continue;
    const std::string node = NodeOf(s.labels);
    const int gpu = GpuOf(s.labels);
    if (node.empty() || gpu < 0) continue;
    if (s.name == "DCGM_FI_PROF_SM_ACTIVE") {
      sm.emplace(std::make_pair(node, gpu), &s);
    } else if (const std::optional<double> u = ThirdMean(s, true)) {
      util.emplace(std::make_pair(node, gpu), *u);
    }
  }
  std::optional<HungKernelGpu> hung;
  int pinned = 0, idle = 0;
  for (const auto& [at, u] : util) {
    if (u <= kIdleUtil) ++idle;
    if (u < kPinnedUtil) continue;
    ++pinned;
    auto it = sm.find(at);
    if (it == sm.end()) continue;
    const std::optional<double> first = ThirdMean(*it->second, false), last = ThirdMean(*it->second, true);
    if (!first || !last || *first < kWorkingSm || *last > kStalledSm) continue;
    hung = HungKernelGpu{at.first, at.second, it->second->id(), u, *last};
  }
  if (!hung || pinned != 1 || idle < 1) return std::nullopt;
  return hung;
}

}  // namespace vigil
