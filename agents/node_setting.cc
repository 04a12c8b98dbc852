#include "agents/node_setting.h"

#include <map>
#include <regex>
#include <set>

#include "agents/node_names.h"

namespace vigil {

std::pair<std::string, std::string> SocketIfnameOfLine(const std::string& line) {
  if (line.size() > 1000 || line.find("NCCL_SOCKET_IFNAME") == std::string::npos) return {};
  // NCCL's own line, wherever it starts: behind `srun --label`'s "3: ", torchrun's "[default0]:",
  // a collector's time (before review S35 it had to start the line, and none of those was read).
  static const std::regex kNccl(
      R"((?:^|[^\w.-])([A-Za-z][\w.-]{0,252}):\d+:\d+ \[\d+\] NCCL INFO NCCL_SOCKET_IFNAME set by environment to (\S+)\s*$)");
  static const std::regex kPdsh(
      R"re(^\s*([A-Za-z][\w.-]{0,252}):\s+(?:export\s+)?NCCL_SOCKET_IFNAME\s*=\s*"?([^\s"]+)"?\s*$)re");
  std::smatch m;
  if (std::regex_search(line, m, kNccl) || std::regex_search(line, m, kPdsh)) return {m.str(1), m.str(2)};
  return {};
}

OddNodeSetting OddNodeOut(const std::vector<std::pair<std::string, std::string>>& settings) {
  std::vector<std::string> hosts;                   // first spelling of each host
  std::map<size_t, std::set<std::string>> values;   // host index -> values
  for (const auto& [host, value] : settings) {
    if (host.empty() || value.empty()) continue;
    size_t i = 0;
    while (i < hosts.size() && !SameNodeName(hosts[i], host)) ++i;
    if (i == hosts.size()) hosts.push_back(host);
    values[i].insert(value);
  }
  if (hosts.size() < 2) return {};
  // Every host holds one value; exactly one host's differs from the value all others share.
  for (const auto& [i, v] : values) {
    if (v.size() != 1) return {};
  }
  std::map<std::string, std::vector<size_t>> by_value;
  for (const auto& [i, v] : values) by_value[*v.begin()].push_back(i);
  if (by_value.size() != 2) return {};
  auto a = by_value.begin(), b = std::next(a);
  if (a->second.size() == 1 && b->second.size() >= 1 && b->second.size() != 1) return {hosts[a->second[0]], a->first, b->first};
  if (b->second.size() == 1 && a->second.size() != 1) return {hosts[b->second[0]], b->first, a->first};
  return {};
}

}  // namespace vigil
