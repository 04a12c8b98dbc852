#include "agents/app_clock_gpu.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "agents/clock_reasons.h"
#include "agents/gpu_labels.h"
#include "agents/node_names.h"
#include "core/stats.h"

namespace vigil {

std::vector<AppClockGpu> FindAppClockLockedGpus(const std::vector<TimeSeries>& series) {
  constexpr uint32_t kAppClocksSetting = 0x2;
  constexpr uint32_t kSlowdownOrIdle = 0x1 | 0x4 | 0x8 | 0x20 | 0x40 | 0x80;
  std::map<std::pair<std::string, int>, double> sm;  // (node key, gpu) -> SM clock median
  std::map<std::pair<std::string, int>, std::string> node_of;
  for (const TimeSeries& s : series) {
    if (s.name != "DCGM_FI_DEV_SM_CLOCK" || s.values.empty()) continue;
    const std::string node = NodeOf(s.labels);
    const int gpu = GpuOf(s.labels);
    if (node.empty() || gpu < 0) continue;
    std::vector<double> v;
    for (double x : s.values) {
      if (x > 0 && x < 1e5) v.push_back(x);
    }
    if (v.empty()) continue;
    sm[{NodeNameKey(node), gpu}] = Median(std::move(v));
    node_of[{NodeNameKey(node), gpu}] = node;
  }
  std::vector<AppClockGpu> out;
  if (sm.size() < 2) return out;
  std::set<std::pair<std::string, int>> said;  // one reading a GPU (both field names may be present)
  for (const TimeSeries& s : series) {
    if ((s.name != "DCGM_FI_DEV_CLOCKS_EVENT_REASONS" && s.name != "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS") ||
        s.values.empty()) {
      continue;
    }
    const std::optional<uint32_t> bits = ClockReasonBits(s.values.back());
    if (!bits || (*bits & kAppClocksSetting) == 0 || (*bits & kSlowdownOrIdle) != 0) continue;
    const std::string node = NodeOf(s.labels);
    const int gpu = GpuOf(s.labels);
    const auto key = std::make_pair(NodeNameKey(node), gpu);
    auto own = sm.find(key);
    if (node.empty() || gpu < 0 || own == sm.end() || said.count(key)) continue;
    std::vector<double> peers;
    for (const auto& [k, mhz] : sm) {
      if (k != key) peers.push_back(mhz);
    }
    const double peers_mhz = Median(peers);
    if (!(own->second <= kAppClockSlowShare * peers_mhz)) continue;
    AppClockGpu g;
    g.node = node_of[key];
    g.gpu = gpu;
    g.sm_mhz = own->second;
    g.peers_mhz = peers_mhz;
    g.peers = peers.size();
    g.reasons_series = s.id();
    g.time_ms = s.timestamps_ms.back();
    said.insert(key);
    out.push_back(std::move(g));
  }
  return out;
}

}  // namespace vigil
