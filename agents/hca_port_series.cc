#include "agents/hca_port_series.h"

#include <regex>

#include "agents/node_names.h"

namespace vigil {

std::set<std::string> HcasFailingInSeries(const std::vector<TimeSeries>& metrics, const std::string& node) {
  static const std::regex kHca(R"(^mlx5_\d+$)");
  constexpr double kActive = 4;
  std::set<std::string> out;
  if (node.empty()) return out;
  for (const TimeSeries& s : metrics) {
    const bool state = s.name == "node_infiniband_state_id" || s.name == "node_infiniband_port_state";
    const bool downed =
        s.name == "node_infiniband_link_downed_total" || s.name == "node_infiniband_port_link_downed_total";
    if ((!state && !downed) || s.values.size() < 2 || !SameNodeName(NodeOf(s.labels), node)) continue;
    std::string hca;
    for (const char* key : {"device", "hca", "ib_device"}) {
      auto it = s.labels.find(key);
      if (it != s.labels.end() && std::regex_match(it->second, kHca)) {
        hca = it->second;
        break;
      }
    }
    if (hca.empty()) continue;
    bool was_active = false, failing = false;
    for (size_t i = 0; i < s.values.size() && !failing; ++i) {
      const double v = s.values[i];
      if (state) {
        if (v == kActive) was_active = true;
        else if (was_active && v >= 1 && v < kActive) failing = true;
      } else if (i > 0 && v > s.values[i - 1]) {
        failing = true;
      }
    }
    if (failing) out.insert(hca);
  }
  return out;
}

}  // namespace vigil
