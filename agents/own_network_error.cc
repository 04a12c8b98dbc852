#include "agents/own_network_error.h"

#include <algorithm>
#include <regex>

namespace vigil {

std::vector<OwnIbErrorProcess> OwnIbErrorProcesses(const std::vector<std::string>& lines) {
  static const std::regex kPrefix(R"(^\s*([A-Za-z0-9][A-Za-z0-9._-]{0,62}):(\d{1,9}):\d{1,9}\s+\[\d{1,3}\])");
  static const std::regex kStatus(R"(status=IBV_WC_([A-Z_]+?)_ERR\b)");
  static const std::regex kHca(R"(\bhca\s+(mlx5_\d{1,3})\b)");
  std::vector<OwnIbErrorProcess> out;
  const size_t n = std::min<size_t>(lines.size(), 20'000);
  for (size_t k = 0; k < n; ++k) {
    const std::string& l = lines[k];
    if (l.size() > 2000 || l.find("Got completion from peer") == std::string::npos) continue;
    std::smatch p, s, h;
    if (!std::regex_search(l, p, kPrefix) || !std::regex_search(l, s, kStatus) || s.str(1) == "WR_FLUSH") continue;
    const long pid = std::stol(p.str(2));
    if (std::any_of(out.begin(), out.end(), [&](const OwnIbErrorProcess& o) { return o.pid == pid; })) continue;
    OwnIbErrorProcess o;
    o.host = p.str(1);
    o.pid = pid;
    if (std::regex_search(l, h, kHca)) o.hca = h.str(1);
    out.push_back(std::move(o));
  }
  return out;
}

bool LineOfPid(const std::string& line, long pid) {
  if (pid < 0 || line.size() > 2000) return false;
  const std::string id = std::to_string(pid);
  if (line.find(id) == std::string::npos) return false;
  const std::regex glog(R"(\[[IWEF]\d{4}\s+\d{2}:\d{2}:\d{2}(?:\.\d+)?\s+)" + id + R"(\s)");
  const std::regex torchrun(R"(\(pid:\s*)" + id + R"(\))");
  const std::regex eq(R"(\bpid=)" + id + R"(\b)");
  const std::regex nccl(R"(^\s*[A-Za-z0-9][A-Za-z0-9._-]{0,62}:)" + id + R"(:\d{1,9}\s)");
  return std::regex_search(line, glog) || std::regex_search(line, torchrun) || std::regex_search(line, eq) ||
         std::regex_search(line, nccl);
}

}  // namespace vigil
