#include "agents/gid_index_connect.h"

#include <map>
#include <regex>
#include <set>

#include "agents/gid_index_retry.h"
#include "agents/transport_line.h"

namespace vigil {

bool QpConnectTimeoutLine(const std::string& line, std::string* host) {
  if (line.size() > 2000 || line.find("ibv_modify_qp") == std::string::npos) return false;
  static const std::regex kFail(R"(NET/IB\s*:\s*ibv_modify_qp failed with 110\b|NET/IB\s*:\s*ibv_modify_qp failed\b.*\btimed out\b)");
  static const std::regex kWriter(R"(^\s*(?:\d+:\s*)?(?:\[(?:rank|default)\d+\]:\s*)?([A-Za-z][A-Za-z0-9._-]*):\d+:\d+ \[\d+\])");
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

bool StatesRoutableGidIndex(const std::string& text) {
  if (text.size() > 4000 || text.find("NCCL_IB_GID_INDEX") == std::string::npos) return false;
  static const std::regex kIndex(R"(\bNCCL_IB_GID_INDEX\s*(?:=|:|\s+set by environment to)\s*["']?([0-9]+)\b)");
  std::smatch m;
  return std::regex_search(text, m, kIndex) && std::stoul(m.str(1).substr(0, 6)) >= 2;
}

std::vector<std::string> PassingProbeTexts(const Json& probes) {
  std::vector<std::string> out;
  if (!probes.is_object()) return out;
  for (const auto& [key, p] : probes.items()) {
    if (!p.is_object()) continue;
    auto st = p.find("status");
    auto why = p.find("reason");
    if (st == p.end() || !st->is_string() || st->get<std::string>() != "pass") continue;
    if (why != p.end() && why->is_string()) out.push_back(why->get<std::string>());
  }
  return out;
}

GidIndexConnectReading ReadGidIndexConnectFailures(const std::vector<std::string>& lines,
                                                   const std::vector<std::string>& passing) {
  GidIndexConnectReading r;
  bool roce = false, stated = false;
  std::set<std::string> hosts, peers, subnets;
  std::map<std::string, size_t> local_gids;  // link-local local GID -> failure lines naming it
  size_t local_gid_lines = 0;
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
    if (!QpConnectTimeoutLine(lines[i], &host) && !RetryExceededLine(lines[i], &host, nullptr)) continue;
    hosts.insert(host);
    if (const std::optional<CompletionPeer> peer = CompletionPeerOf(lines[i])) {
      peers.insert(peer->address);
      subnets.insert(peer->subnet);
    }
    if (std::string local = LinkLocalCompletionGid(lines[i]); !local.empty()) {
      ++local_gids[local];
      ++local_gid_lines;
    }
  }
  for (const std::string& p : passing) {
    if (StatesRoutableGidIndex(p)) r.routable_pass = true;
  }
  r.nodes = hosts.size();
  // PLC29's subnet check: two peers or more, all in one /24: one L2 segment, where fe80:: connects.
  const bool one_subnet = peers.size() >= 2 && subnets.size() == 1;
  // PLC31's distinct-NIC check: one link-local local GID on every failure line naming one: one NIC.
  const bool one_nic = local_gid_lines >= 2 && local_gids.size() == 1;
  const bool routed = subnets.size() >= 2 || r.routable_pass;
  r.found = roce && stated && !r.gid.empty() && r.nodes >= kMinGidConnectNodes && !one_subnet && !one_nic && routed;
  return r;
}

}  // namespace vigil
