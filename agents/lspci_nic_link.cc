#include "agents/lspci_nic_link.h"

#include <algorithm>
#include <map>
#include <regex>

#include "agents/label_value.h"
#include "agents/node_names.h"

namespace vigil {
namespace {

struct Link {
  double gts = -1;
  int width = -1;
};

Link ReadLink(const std::string& line) {
  static const std::regex kSpeed(R"(\bSpeed\s+([0-9]+(?:\.[0-9]+)?)\s*GT/s)", std::regex::icase);
  static const std::regex kWidth(R"(\bWidth\s+x(\d{1,2})\b)", std::regex::icase);
  Link l;
  std::smatch m;
  if (std::regex_search(line, m, kSpeed)) l.gts = std::stod(m.str(1));
  if (std::regex_search(line, m, kWidth)) l.width = std::stoi(m.str(1));
  return l;
}

}  // namespace

LspciDownTrained LspciDownTrainedLinks(const std::vector<std::string>& lines) {
  static const std::regex kHca(R"(\b(mlx5_\d{1,3})\b)");
  // PLC77: "gdw-b2-07: <output>" - a host's name (a letter first, a digit in it) before its output.
  static const std::regex kHost(R"(^([A-Za-z][A-Za-z0-9_.-]*[0-9][A-Za-z0-9_.-]*):\s+(.*)$)");
  static const std::regex kNic(R"(mellanox|connectx|infiniband controller)", std::regex::icase);
  LspciDownTrained out;
  bool in_block = false;
  std::string hca;
  struct HostState {
    Link cap;
    bool nic = false;
  };
  std::map<std::string, HostState> hosts;  // by host prefix ("" for none)
  for (const std::string& whole : lines) {
    if (whole.size() > 400) continue;
    std::smatch m;
    if (whole.find("lspci") != std::string::npos) {
      in_block = true;
      hosts.clear();
      hca.clear();
      // The command's comment ("# mlx5_3") names the device it reads.
      const size_t hash = whole.find('#');
      if (hash != std::string::npos) {
        const std::string comment = whole.substr(hash);
        std::string named;
        bool two = false;
        for (auto it = std::sregex_iterator(comment.begin(), comment.end(), kHca); it != std::sregex_iterator(); ++it) {
          if (!named.empty() && named != it->str(1)) two = true;
          named = it->str(1);
        }
        if (!two) hca = named;
      }
      continue;
    }
    if (!whole.empty() && whole[0] == '$') {  // another command
      in_block = false;
      continue;
    }
    if (!in_block) continue;
    std::string host, line = whole;
    if (std::regex_match(whole, m, kHost) && m.str(1).find("Lnk") == std::string::npos) {
      host = m.str(1);
      line = m.str(2);
    }
    HostState& st = hosts[host];
    if (line.find("LnkCap:") != std::string::npos) {
      st.cap = ReadLink(line);
      continue;
    }
    if (line.find("LnkSta:") == std::string::npos) {
      if (std::regex_search(line, kNic)) st.nic = true;
      continue;
    }
    const Link sta = ReadLink(line);
    const Link& cap = st.cap;
    const bool down = line.find("downgraded") != std::string::npos ||
                      (cap.width > 0 && sta.width > 0 && sta.width < cap.width) ||
                      (cap.gts > 0 && sta.gts > 0 && sta.gts < cap.gts);
    if (!down) continue;
    if (hca.empty()) {
      out.other = true;
      if (st.nic && std::find(out.unnamed_nic_hosts.begin(), out.unnamed_nic_hosts.end(), host) == out.unnamed_nic_hosts.end())
        out.unnamed_nic_hosts.push_back(host);
    } else if (std::find(out.hcas.begin(), out.hcas.end(), hca) == out.hcas.end()) {
      out.hcas.push_back(hca);
    }
  }
  return out;
}

std::vector<SlowHca> SlowHcaTraffic(const std::vector<TimeSeries>& series) {
  struct Level {
    std::string name, node, hca;
    double level = 0;
  };
  std::vector<Level> levels;
  std::map<std::string, double> busiest;  // by series name
  for (const TimeSeries& s : series) {
    if (s.size() < 2 || s.name.find("infiniband") == std::string::npos || s.name.find("bytes") == std::string::npos) continue;
    const std::string hca = LabelValue(s.labels, "device");
    if (hca.rfind("mlx5_", 0) != 0) continue;
    std::string node = FirstLabelValue(s.labels, {"Hostname", "instance", "node", "host"});
    node = InstanceHost(node);
    if (node.empty()) continue;
    double level = 0;
    const bool counter = s.name.find("rate") == std::string::npos &&
                         s.name.size() >= 6 && s.name.compare(s.name.size() - 6, 6, "_total") == 0;
    if (counter) {
      const double dt = (s.timestamps_ms.back() - s.timestamps_ms.front()) / 1000.0;
      if (dt <= 0) continue;
      level = (s.values.back() - s.values.front()) / dt;
    } else {
      for (double v : s.values) level += v;
      level /= static_cast<double>(s.values.size());
    }
    if (!(level > 0)) continue;
    levels.push_back({s.name, node, hca, level});
    busiest[s.name] = std::max(busiest[s.name], level);
  }
  std::vector<SlowHca> out;
  for (const Level& l : levels) {
    if (l.level <= kSlowHcaShare * busiest[l.name]) out.push_back({l.node, l.hca});
  }
  return out;
}

}  // namespace vigil
