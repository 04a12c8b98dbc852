#include "agents/lustre_import.h"

#include <cstdlib>
#include <map>
#include <regex>

#include "agents/upper_median.h"

namespace vigil {

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
    std::vector<double> others;
    for (const auto& [o, ow] : waits) {
      if (o != target) others.push_back(ow.first);
    }
    const double peer = UpperMedian(others);
    const bool is_slow = others.empty() ? wl.first >= kSlowTargetAloneUs
                                        : wl.first >= kSlowTargetMinUs && wl.first >= kSlowTargetRatio * peer;
    if (is_slow) slow.push_back({target, wl.first, peer, wl.second});
  }
  return slow;
}

}  // namespace vigil
