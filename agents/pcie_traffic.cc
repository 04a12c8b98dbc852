#include "agents/pcie_traffic.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <utility>

#include "agents/gpu_labels.h"
#include "agents/node_names.h"
#include "agents/upper_median.h"

namespace vigil {

std::vector<LowPcieGpu> FindLowPcieTrafficGpus(const std::vector<TimeSeries>& series) {
  std::vector<LowPcieGpu> out;
  std::set<std::pair<std::string, int>> seen;
  for (const char* name : {"DCGM_FI_PROF_PCIE_RX_BYTES", "DCGM_FI_PROF_PCIE_TX_BYTES"}) {
    // node -> gpu -> (median sample, first sample's time)
    std::map<std::string, std::map<int, std::pair<double, int64_t>>> by_node;
    for (const TimeSeries& s : series) {
      if (s.name != name) continue;
      const std::string node = NodeOf(s.labels);
      const int gpu = GpuOf(s.labels);
      std::vector<double> v;
      for (double x : s.values) {
        if (std::isfinite(x)) v.push_back(x);
      }
      if (node.empty() || gpu < 0 || v.empty()) continue;
      by_node[node].emplace(gpu, std::make_pair(UpperMedian(v), s.timestamps_ms.empty() ? 0 : s.timestamps_ms.front()));
    }
    for (const auto& [node, gpus] : by_node) {
      std::vector<LowPcieGpu> low;
      for (const auto& [gpu, own] : gpus) {
        std::vector<double> peers;
        for (const auto& [g, p] : gpus) {
          if (g != gpu) peers.push_back(p.first);
        }
        if (peers.empty()) continue;
        const double med = UpperMedian(peers);
        if (!(med > 0) || own.first > kLowPcieShare * med) continue;
        const bool agree = std::all_of(peers.begin(), peers.end(), [med](double p) {
          return p <= kPciePeerSpread * med && p * kPciePeerSpread >= med;
        });
        if (agree) low.push_back({node, gpu, name, own.first, med, own.second});
      }
      if (low.size() == 1 && seen.insert({node, low[0].gpu}).second) out.push_back(std::move(low[0]));
    }
  }
  return out;
}

}  // namespace vigil
