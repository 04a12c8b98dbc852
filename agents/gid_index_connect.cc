#include "agents/gid_index_connect.h"

#include <regex>
#include <set>

#include "agents/gid_index_retry.h"
#include "agents/transport_line.h"

namespace vigil {

bool QpConnectTimeoutLine(const std::string& line, std::string* host) {
  if (line.size() > 2000 || line.find("ibv_modify_qp") == std::string::npos) return false;
  static const std::regex kFail(R"(NET/IB\s*:\s*ibv_modify_qp failed with 110\b|NET/IB\s*:\s*ibv_modify_qp failed\b.*\btimed out\b)");
  static const std::regex kWriter(R"(^\s*(?:\d+:\s*)?([A-Za-z][A-Za-z0-9._-]*):\d+:\d+ \[\d+\])");
  std::smatch w;
  if (!std::regex_search(line, kFail) || !std::regex_search(line, w, kWriter)) return false;
  if (host != nullptr) *host = w.str(1);
  return true;
}

std::string LinkLocalGidOnFailure(const std::string& line) {
  if (line.size() > 2000 || line.find("fe80") == std::string::npos || line.find("NET/IB") == std::string::npos) return "";
  static const std::regex kFailure(R"(NET/IB\s*:\s*(?:ibv_modify_qp failed\b|Got completion from peer\b))");
  static const std::regex kGid(R"(\b(?:local|remote)\s*GID\s+(fe80:[0-9a-fA-F:]*))", std::regex::icase);
  std::smatch m;
  if (!std::regex_search(line, kFailure) || !std::regex_search(line, m, kGid)) return "";
  return m[1].str();
}

GidIndexConnectReading ReadGidIndexConnectFailures(const std::vector<std::string>& lines) {
  GidIndexConnectReading r;
  bool roce = false, stated = false;
  std::set<std::string> hosts;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!roce && ShowsRoce(lines[i])) roce = true;
    if (!stated && StatedLinkLocalGidIndex(lines[i])) stated = true;
    if (r.gid.empty()) {
      if (std::string gid = LinkLocalGidOnFailure(lines[i]); !gid.empty()) {
        r.gid = gid;
        r.first = i;
      }
    }
    std::string host;
    if (QpConnectTimeoutLine(lines[i], &host) || RetryExceededLine(lines[i], &host, nullptr)) hosts.insert(host);
  }
  r.nodes = hosts.size();
  r.found = roce && stated && !r.gid.empty() && r.nodes >= kMinGidConnectNodes;
  return r;
}

}  // namespace vigil
