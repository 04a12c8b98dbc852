#include "agents/fan_series.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "agents/gpu_labels.h"
#include "agents/node_names.h"
#include "core/stats.h"

namespace vigil {
namespace {

bool IsFanSpeedSeries(const std::string& name) {
  std::string n;
  n.reserve(name.size());
  for (char ch : name) n.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  return n.find("fan") != std::string::npos &&
         (n.find("rpm") != std::string::npos || n.find("speed") != std::string::npos);
}

std::string FanName(const TimeSeries& s) {
  for (const char* key : {"name", "sensor", "fan", "id"}) {
    auto it = s.labels.find(key);
    if (it != s.labels.end() && !it->second.empty()) return it->second;
  }
  return s.id();
}

}  // namespace

std::vector<StoppedFan> FindStoppedFans(const std::vector<TimeSeries>& series) {
  struct Fan {
    const TimeSeries* s;
    std::string node;
    double last = 0, high = 0;
  };
  std::map<std::string, std::vector<Fan>> by_node;  // NodeNameKey -> its fans
  for (const TimeSeries& s : series) {
    if (s.values.empty() || !IsFanSpeedSeries(s.name) || GpuOf(s.labels) >= 0) continue;
    const std::string node = NodeOf(s.labels);
    if (node.empty()) continue;
    Fan f{&s, node, s.values.back(), 0};
    if (!std::isfinite(f.last) || f.last < 0) continue;
    for (double v : s.values) {
      if (std::isfinite(v) && v > f.high) f.high = v;
    }
    by_node[NodeNameKey(node)].push_back(f);
  }
  std::vector<StoppedFan> out;
  for (const auto& [key, fans] : by_node) {
    for (size_t i = 0; i < fans.size(); ++i) {
      std::vector<double> peers;
      for (size_t j = 0; j < fans.size(); ++j) {
        if (j != i) peers.push_back(fans[j].last);
      }
      const double reference = std::max(fans[i].high, peers.empty() ? 0.0 : Median(peers));
      if (!(reference > 0) || fans[i].last > kFanStoppedShare * reference) continue;
      StoppedFan f;
      f.node = fans[i].node;
      f.fan = FanName(*fans[i].s);
      f.last_rpm = fans[i].last;
      f.reference_rpm = reference;
      out.push_back(std::move(f));
    }
  }
  return out;
}

}  // namespace vigil
