#include "agents/pid_cpus_allowed.h"

#include <map>
#include <regex>

#include "agents/cpu_affinity.h"
#include "core/parse.h"

namespace vigil {

std::optional<std::pair<long, int>> PidCpusAllowed(const std::string& line) {
  if (line.size() > 2000 || line.find("Cpus_allowed_list") == std::string::npos) return std::nullopt;
  static const std::regex kLine(R"(/proc/(\d{1,9})/status:\s*Cpus_allowed_list:\s*([0-9,-]+)\s*$)");
  std::smatch m;
  if (!std::regex_search(line, m, kLine)) return std::nullopt;
  const std::optional<int32_t> pid = ParseInt32(m.str(1));
  const int n = CpuListCount(m.str(2));
  if (!pid || n <= 0) return std::nullopt;
  return std::make_pair(static_cast<long>(*pid), n);
}

std::optional<PidCpuOutlier> FindPidCpuOutlier(const std::vector<std::string>& lines) {
  std::map<long, std::pair<size_t, int>> by_pid;  // pid -> (line, cpus)
  for (size_t i = 0; i < lines.size(); ++i) {
    if (const std::optional<std::pair<long, int>> p = PidCpusAllowed(lines[i])) by_pid[p->first] = {i, p->second};
  }
  if (by_pid.size() < 3) return std::nullopt;
  std::vector<long> pids;
  std::vector<int> counts;
  for (const auto& [pid, v] : by_pid) {
    pids.push_back(pid);
    counts.push_back(v.second);
  }
  int median = 0;
  const std::optional<size_t> k = SliverCpuOutlier(counts, &median);
  if (!k) return std::nullopt;
  const auto& [line, cpus] = by_pid.at(pids[*k]);
  return PidCpuOutlier{line, pids[*k], cpus, median, by_pid.size()};
}

int NcclDeviceOfPid(const std::vector<std::string>& lines, long pid, std::string* host) {
  static const std::regex kPrefix(R"((?:^|\s)([A-Za-z][\w.-]*):(\d{1,9}):\d{1,9} \[(\d{1,2})\])");
  int dev = -1;
  std::string at;
  for (const std::string& l : lines) {
    if (l.size() > 2000 || l.find(':' + std::to_string(pid) + ':') == std::string::npos) continue;
    std::smatch m;
    if (!std::regex_search(l, m, kPrefix) || ParseInt32(m.str(2)).value_or(-1) != pid) continue;
    const int d = ParseInt32(m.str(3)).value_or(-1);
    if (dev >= 0 && d != dev) return -1;
    dev = d;
    at = m.str(1);
  }
  if (host != nullptr && dev >= 0) *host = at;
  return dev;
}

}  // namespace vigil
