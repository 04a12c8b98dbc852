#include "agents/node_hot_gpus.h"

#include <cctype>
#include <cmath>

#include "agents/gpu_labels.h"
#include "agents/node_names.h"

namespace vigil {

std::map<std::string, std::set<int>> FindHotGpus(const std::vector<TimeSeries>& series) {
  std::map<std::string, std::set<int>> out;
  for (const TimeSeries& s : series) {
    std::string n;
    for (char ch : s.name) n.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
    if (n.find("temp") == std::string::npos || n.find("mem") != std::string::npos) continue;
    const int gpu = GpuOf(s.labels);
    if (gpu < 0) continue;
    const std::string node = NodeOf(s.labels);
    if (node.empty()) continue;
    for (double v : s.values) {
      if (std::isfinite(v) && v >= kHotGpuCelsius && v < 200) {
        out[node].insert(gpu);
        break;
      }
    }
  }
  return out;
}

}  // namespace vigil
