#include "agents/gid_index_retry.h"

#include <regex>
#include <set>

#include "agents/transport_line.h"

namespace vigil {

bool RetryExceededLine(const std::string& line, std::string* host, std::string* peer) {
  if (line.size() > 2000) return false;
  if (line.find("RETRY_EXC") == std::string::npos && line.find("retry counter exceeded") == std::string::npos) {
    return false;
  }
  static const std::regex kStatus(R"(\bIBV_WC_RETRY_EXC_ERR\b|\btransport retry counter exceeded\b)");
  static const std::regex kWriter(R"(^\s*(?:\d+:\s*)?(?:\[(?:rank|default)\d+\]:\s*)?([A-Za-z][A-Za-z0-9._-]*):\d+:\d+ \[\d+\])");
  static const std::regex kPeer(R"(\bfrom peer ([0-9A-Fa-f.:]+?)<\d+>)");
  std::smatch w;
  if (!std::regex_search(line, kStatus) || !std::regex_search(line, w, kWriter)) return false;
  if (host != nullptr) *host = w.str(1);
  if (peer != nullptr) {
    std::smatch p;
    *peer = std::regex_search(line, p, kPeer) ? p.str(1) : std::string();
  }
  return true;
}

GidIndexRetryReading ReadGidIndexRetryErrors(const std::vector<std::string>& lines) {
  GidIndexRetryReading r;
  bool roce = false, stated = false, any = false;
  std::set<std::string> hosts, peers;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!roce && ShowsRoce(lines[i])) roce = true;
    if (!stated && StatedLinkLocalGidIndex(lines[i])) stated = true;
    std::string host, peer;
    if (!RetryExceededLine(lines[i], &host, &peer)) continue;
    if (!any) r.first = i;
    any = true;
    hosts.insert(host);
    if (!peer.empty()) peers.insert(peer);
  }
  r.nodes = hosts.size();
  r.peers = peers.size();
  r.found = roce && stated && r.nodes >= kMinGidRetryNodes && r.peers >= kMinGidRetryNodes;
  return r;
}

}  // namespace vigil
