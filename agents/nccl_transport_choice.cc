#include "agents/nccl_transport_choice.h"

#include <map>
#include <regex>

#include "agents/nccl_host.h"

namespace vigil {

std::optional<NcclTransportLine> ReadNcclTransportLine(const std::string& line) {
  if (line.size() > 1000 || line.find("NCCL INFO") == std::string::npos) return std::nullopt;
  static const std::regex kLine(
      R"((?:^|[\s\]:])([A-Za-z0-9][A-Za-z0-9._-]*):\d+:\d+ \[\d+\] NCCL INFO (?:Using network (\w+)|NET/IB ?: No device found))");
  std::smatch m;
  if (!std::regex_search(line, m, kLine)) return std::nullopt;
  NcclTransportLine out;
  out.host = m.str(1);
  if (m[2].matched) {
    const std::string net = m.str(2);
    if (net == "Socket") out.socket = true;
    else if (net == "IB") out.socket = false;
    else return std::nullopt;  // a plugin's network (AWS Libfabric, ...): not compared
  } else {
    out.socket = true;
  }
  return out;
}

OddSocketHost FindOddSocketHost(const std::vector<std::string>& lines) {
  struct Seen {
    std::string host;
    bool socket = false, ib = false;
    size_t first_socket = 0;
  };
  std::map<std::string, Seen> by_host;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::optional<NcclTransportLine> t = ReadNcclTransportLine(lines[i]);
    if (!t) continue;
    Seen& s = by_host[NcclHostKey(t->host)];
    if (s.host.empty()) s.host = t->host;
    if (t->socket && !s.socket) s.first_socket = i;
    (t->socket ? s.socket : s.ib) = true;
  }
  const Seen* odd = nullptr;
  bool other_ib = false;
  for (const auto& [key, s] : by_host) {
    if (s.socket) {
      if (odd != nullptr) return {};  // two hosts on sockets: not one host's setup
      odd = &s;
    }
  }
  if (odd == nullptr || odd->ib) return {};
  for (const auto& [key, s] : by_host) {
    if (&s != odd && s.ib) other_ib = true;
  }
  if (!other_ib) return {};
  return {odd->host, odd->first_socket};
}

}  // namespace vigil
