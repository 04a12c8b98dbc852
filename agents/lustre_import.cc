#include "agents/lustre_import.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <regex>
#include <utility>

#include "agents/upper_median.h"

namespace vigil {
namespace {

// The upper median of every other target's figure in `by_target` (`figure` reads one entry), with
// how many there were (0: no peer, the median 0).
template <typename Map, typename Figure>
std::pair<double, size_t> PeerUpperMedian(const Map& by_target, const std::string& target, Figure figure) {
  std::vector<double> others;
  for (const auto& [o, entry] : by_target) {
    if (o != target) others.push_back(figure(entry));
  }
  return {UpperMedian(others), others.size()};
}

}  // namespace

std::vector<SlowLustreTarget> FindSlowLustreTargets(const std::vector<std::string>& lines) {
  // A target's name: FS-OSTxxxx / FS-MDTxxxx (hex index), as lctl, lfs and the client's own lines
  // write it ("kestrel-OST0017-osc-ffff9a2e4c1d8000", "kestrel-OST0017_UUID", "osc.kestrel-OST0017*").
  static const std::regex kTarget(R"(([A-Za-z0-9_][A-Za-z0-9_-]*-(?:OST|MDT)[0-9a-fA-F]{4})(?![0-9a-fA-F]))");
  static const std::regex kWait(R"(^\s*avg_waittime:\s*(\d+(?:\.\d+)?)\s*usec\b)");
  std::map<std::string, std::pair<double, size_t>> waits;  // target -> (largest wait, its line)
  std::string current;
  std::smatch m;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& t = lines[i];
    if (t.size() > 2000) continue;
    if (t.find("avg_waittime") != std::string::npos && std::regex_search(t, m, kWait)) {
      if (current.empty()) continue;
      const double us = std::strtod(m.str(1).c_str(), nullptr);
      auto [it, fresh] = waits.try_emplace(current, us, i);
      if (!fresh && us > it->second.first) it->second = {us, i};
      continue;
    }
    if ((t.find("OST") != std::string::npos || t.find("MDT") != std::string::npos) && std::regex_search(t, m, kTarget)) {
      current = m.str(1);
    }
  }
  std::vector<SlowLustreTarget> slow;
  for (const auto& [target, wl] : waits) {
    const auto [peer, peers] = PeerUpperMedian(waits, target, [](const auto& w) { return w.first; });
    const bool is_slow = peers == 0 ? wl.first >= kSlowTargetAloneUs
                                        : wl.first >= kSlowTargetMinUs && wl.first >= kSlowTargetRatio * peer;
    if (is_slow) slow.push_back({target, wl.first, peer, wl.second});
  }
  return slow;
}

std::vector<SlowLustreSeries> FindSlowLustreTargetSeries(const std::vector<TimeSeries>& series) {
  static const std::regex kTargetValue(R"((?:^|[^A-Za-z0-9])((?:[A-Za-z0-9_-]*-)?(?:OST|MDT)[0-9a-fA-F]{4})(?![0-9a-fA-F]))");
  struct Peak {
    double us = 0;
    size_t index = 0;
    double to_us = 0;
  };
  std::map<std::string, Peak> peaks;  // target -> its largest sample (in usec) over its series
  for (size_t i = 0; i < series.size(); ++i) {
    const TimeSeries& s = series[i];
    const std::string& n = s.name;
    if (n.find("lustre") == std::string::npos) continue;
    if (n.find("latency") == std::string::npos && n.find("wait") == std::string::npos) continue;
    double to_us = 0;
    if (n.find("seconds") != std::string::npos) {
      to_us = 1e6;
    } else if (n.find("_ms") != std::string::npos) {
      to_us = 1e3;
    } else if (n.find("_us") != std::string::npos || n.find("usec") != std::string::npos) {
      to_us = 1;
    }
    if (to_us == 0 || s.values.empty()) continue;
    std::string target;
    std::smatch m;
    for (const auto& [k, v] : s.labels) {
      if (std::regex_search(v, m, kTargetValue)) {
        target = m.str(1);
        break;
      }
    }
    if (target.empty()) continue;
    double top = 0;
    for (double v : s.values) top = std::max(top, v * to_us);
    auto [it, fresh] = peaks.try_emplace(target, Peak{top, i, to_us});
    if (!fresh && top > it->second.us) it->second = Peak{top, i, to_us};
  }
  std::vector<SlowLustreSeries> slow;
  for (const auto& [target, p] : peaks) {
    const auto [peer, peers] = PeerUpperMedian(peaks, target, [](const Peak& q) { return q.us; });
    if (peers == 0) continue;
    const double bar = std::max(kSlowTargetMinUs, kSlowTargetRatio * peer);
    if (p.us < bar) continue;
    const TimeSeries& s = series[p.index];
    int64_t onset = 0;
    for (size_t k = 0; k < s.values.size() && k < s.timestamps_ms.size(); ++k) {
      if (s.values[k] * p.to_us >= bar) {
        onset = s.timestamps_ms[k];
        break;
      }
    }
    slow.push_back({{target, p.us, peer, p.index}, onset});
  }
  return slow;
}

}  // namespace vigil
