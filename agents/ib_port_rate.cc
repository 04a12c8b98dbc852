#include "agents/ib_port_rate.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <utility>

#include "agents/node_names.h"
#include "agents/upper_median.h"
#include "core/parse.h"

namespace vigil {

std::optional<IbRateLine> ReadIbRateLine(const std::string& line) {
  if (line.size() > 2000 || line.find("Rate") == std::string::npos) return std::nullopt;
  static const std::regex kRate(R"((?:^|[\s|,;])Rate:\s*(\d+(?:\.\d+)?)(?:\s*Gb/?s(?:ec)?)?(?:\s|$|[,;|(]))");
  static const std::regex kHca(R"(\bmlx5_\d+\b)");
  std::smatch m;
  if (!std::regex_search(line, m, kRate)) return std::nullopt;
  std::optional<double> v = ParseDouble(m.str(1));
  if (!v || !(*v > 0)) return std::nullopt;
  IbRateLine out;
  out.gbps = *v;
  std::set<std::string> hcas;
  for (auto it = std::sregex_iterator(line.begin(), line.end(), kHca); it != std::sregex_iterator(); ++it) {
    hcas.insert(it->str());
  }
  if (hcas.size() == 1) out.hca = *hcas.begin();
  return out;
}

std::string IbstatHeaderHca(const std::string& line) {
  static const std::regex kHeader(R"(^\s*CA '(mlx5_\d+)')");
  std::smatch m;
  if (line.size() < 200 && std::regex_search(line, m, kHeader)) return m.str(1);
  return "";
}

std::vector<IbPortRate> IbPortRatesFromSeries(const std::vector<TimeSeries>& series) {
  static const std::regex kHca(R"(^mlx5_\d+$)");
  std::vector<IbPortRate> out;
  for (const TimeSeries& s : series) {
    if (s.name != "node_infiniband_rate_bytes_per_second") continue;
    auto dev = s.labels.find("device");
    if (dev == s.labels.end() || !std::regex_match(dev->second, kHca)) continue;
    const std::string node = NodeOf(s.labels);
    std::vector<double> v;
    for (double x : s.values) {
      if (std::isfinite(x) && x > 0) v.push_back(x);
    }
    if (node.empty() || v.empty()) continue;
    IbPortRate r;
    r.node = node;
    r.hca = dev->second;
    r.gbps = UpperMedian(v) * 8 / 1e9;
    r.source = "metric node_infiniband_rate_bytes_per_second{instance=\"" + node + "\",device=\"" + r.hca + "\"}";
    r.time_ms = s.timestamps_ms.empty() ? 0 : s.timestamps_ms.front();
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<SlowIbPort> FindSlowIbPorts(const std::vector<IbPortRate>& rates) {
  // One reading per port: the lowest (a port read by the metric and by ibstat).
  std::map<std::pair<std::string, std::string>, IbPortRate> ports;
  for (const IbPortRate& r : rates) {
    if (r.node.empty() || r.hca.empty() || !(r.gbps > 0)) continue;
    auto [it, fresh] = ports.emplace(std::make_pair(r.node, r.hca), r);
    if (!fresh && r.gbps < it->second.gbps) it->second = r;
  }
  auto agree = [](const std::vector<double>& v, double med) {
    return std::all_of(v.begin(), v.end(), [med](double p) { return p <= kIbPeerSpread * med && p * kIbPeerSpread >= med; });
  };
  std::vector<SlowIbPort> out;
  for (const auto& [key, port] : ports) {
    std::vector<double> rail, node;
    for (const auto& [k, p] : ports) {
      if (k == key) continue;
      if (k.second == key.second) rail.push_back(p.gbps);
      else if (k.first == key.first) node.push_back(p.gbps);
    }
    if (rail.size() + node.size() < 2) continue;
    bool slow = true;
    double said = 0;
    for (const std::vector<double>* set : {&rail, &node}) {
      if (set->empty()) continue;
      const double med = UpperMedian(*set);
      if (!(med > 0) || !agree(*set, med) || port.gbps > kSlowIbPortShare * med) slow = false;
      if (said == 0) said = med;
    }
    if (slow) out.push_back({port, said, rail.size() + node.size()});
  }
  if (out.size() > 2) out.clear();
  return out;
}

}  // namespace vigil
