#include "agents/transport_line.h"

#include <regex>
#include <set>

namespace vigil {

bool IsNetworkTransportLine(const std::string& line) {
  if (line.find("NET/") == std::string::npos && line.find("fi_") == std::string::npos &&
      line.find("libfabric") == std::string::npos && line.find("UCX") == std::string::npos &&
      line.find("ucp_") == std::string::npos && line.find("uct_") == std::string::npos)
    return false;  // none of the literals the regex needs: no regex run on most lines
  static const std::regex kTransport(
      R"(\bNET/(IB|OFI|Socket|GPUDirectTCPX\w*|FasTrak\w*|AWS Libfabric|Libfabric)\b|\blibfabric:|)"
      R"(\bfi_(cq_readerr|cq_read|cq_sread|eq_readerr|eq_read|send|recv|write|read|tsend|trecv|inject|av_insert|getinfo|fabric|domain|endpoint|enable)\b|)"
      R"(\bUCX\s+(ERROR|WARN)\b|\bucp_\w+|\buct_\w+)");
  return std::regex_search(line, kTransport);
}

std::string LinkLocalCompletionGid(const std::string& line) {
  const bool completion = line.find("localGid") != std::string::npos;
  if (!completion && line.find("ibv_modify_qp") == std::string::npos) return "";
  static const std::regex kGid(R"(NET/IB\s*:\s*Got completion from peer\b.*\blocalGid\s+(fe80:[0-9a-fA-F:]*))",
                               std::regex::icase);
  // PLC31: NCCL's failed move of a queue pair to ready-to-receive names the GID it used ("NET/IB :
  // ibv_modify_qp failed with 110 Connection timed out, on dev mlx5_0:1, curr state INIT, next state
  // RTR, local GID index 0, local GID fe80::..."): the same link-local GID, before any completion.
  static const std::regex kRtr(R"(NET/IB\s*:\s*ibv_modify_qp failed\b.*\blocal GID\s+(fe80:[0-9a-fA-F:]*))",
                               std::regex::icase);
  std::smatch m;
  if (!std::regex_search(line, m, completion ? kGid : kRtr)) return "";
  return m[1].str();
}

bool ShowsRoce(const std::string& line) {
  if (line.find("RoCE") == std::string::npos && line.find("link_layer") == std::string::npos &&
      line.find("v2") == std::string::npos)
    return false;
  static const std::regex kRoce(
      R"(\[\d+\]\w+:\d+/RoCE\b|\blink_layer:\s*Ethernet\b|^\s*\w+\s+\d+\s+\d+\s+[0-9a-fA-F:]{20,}\s+(\d{1,3}(\.\d{1,3}){3}\s+)?v2\b)");
  return std::regex_search(line, kRoce);
}

bool StatedLinkLocalGidIndex(const std::string& line) {
  if (line.size() > 2000 || line.find("GID") == std::string::npos) return false;
  static const std::regex kIndex(
      R"(\bNCCL_IB_GID_INDEX\s*(?:=|:|\s+set by environment to)\s*["']?[01](?![\d.]*\d)|)"
      R"(\blocal GID index [01]\b|\bmtu \d+ GID [01] \()");
  return std::regex_search(line, kIndex);
}

std::optional<CompletionPeer> CompletionPeerOf(const std::string& line) {
  if (line.find("from peer") == std::string::npos) return std::nullopt;
  static const std::regex kPeer(R"(\bfrom peer ((\d{1,3}\.\d{1,3}\.\d{1,3})\.\d{1,3})<)");
  std::smatch m;
  if (!std::regex_search(line, m, kPeer)) return std::nullopt;
  return CompletionPeer{m.str(1), m.str(2)};
}

LinkLocalGidReading ReadLinkLocalGidErrors(const std::vector<std::string>& lines) {
  LinkLocalGidReading r;
  bool roce = false, stated = false;
  std::set<std::string> gids, subnets;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!roce && ShowsRoce(lines[i])) roce = true;
    if (!stated && StatedLinkLocalGidIndex(lines[i])) stated = true;
    const std::string gid = LinkLocalCompletionGid(lines[i]);
    if (gid.empty()) continue;
    if (gids.empty()) r.first = i;
    gids.insert(gid);
    if (const std::optional<CompletionPeer> peer = CompletionPeerOf(lines[i])) subnets.insert(peer->subnet);
  }
  r.gids = gids.size();
  r.found = roce && (gids.size() >= kMinLinkLocalGids ||
                     (stated && gids.size() >= kMinLinkLocalGidsStated && subnets.size() >= 2));
  return r;
}

bool StatesPauseSender(const std::string& line) {
  if (line.find("ause") == std::string::npos && line.find("PFC") == std::string::npos) return false;
  static const std::regex kSending(R"(\bsending PFC pause\b|\bPFC (pause )?storm (detected|prevention)|\bpause storm detected)",
                                   std::regex::icase);
  static const std::regex kStormCount(R"((?:\b|_)tx_pause_storm_(warning|error)_events\b(?:\{[^}]*\})?["]?\s*[:=]?\s*([0-9]+))");
  if (std::regex_search(line, kSending)) return true;
  std::smatch m;
  return std::regex_search(line, m, kStormCount) && m[2].str().find_first_not_of('0') != std::string::npos;
}

std::string EthtoolStatsInterface(const std::string& line) {
  if (line.find("ethtool") == std::string::npos) return "";
  static const std::regex kCmd(R"(\bethtool\s+(?:-S|--statistics)\s+([A-Za-z][\w.-]*))");
  std::smatch m;
  return std::regex_search(line, m, kCmd) ? m[1].str() : "";
}

}  // namespace vigil
