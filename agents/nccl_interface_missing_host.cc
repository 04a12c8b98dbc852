#include "agents/nccl_interface_missing_host.h"

#include <map>
#include <regex>

#include "agents/nccl_host.h"

namespace vigil {
namespace {

// NCCL's prefix: "HOST:PID:TID [dev] NCCL INFO|WARN ", after a shipper's time stamp or pod name.
const std::regex& NcclPrefix() {
  static const std::regex kPrefix(R"((?:^|[\s\]:])([A-Za-z0-9][A-Za-z0-9._-]*):\d+:\d+ \[\d+\] (?:\S+ )?NCCL (?:INFO|WARN) )");
  return kPrefix;
}

}  // namespace

bool ReadNcclNoInterfaceLine(const std::string& line, std::string& host) {
  if (line.size() > 1000 || line.find("NCCL") == std::string::npos) return false;
  static const std::regex kNone(R"(\bno socket interface found\b|NET/Socket ?: ?no interface found)", std::regex::icase);
  std::smatch m;
  if (!std::regex_search(line, kNone) || !std::regex_search(line, m, NcclPrefix())) return false;
  host = m.str(1);
  return true;
}

InterfaceMissingHost FindInterfaceMissingHost(const std::vector<std::string>& lines) {
  static const std::regex kUsing(R"(NCCL INFO (?:Bootstrap|NET/Socket) ?: ?Using (?:\[\d+\])?[A-Za-z][\w.@-]*:)");
  struct Seen {
    std::string host;
    bool none = false, found = false;
    size_t first_none = 0;
  };
  std::map<std::string, Seen> by_host;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.size() > 1000 || line.find("NCCL") == std::string::npos) continue;
    std::string host;
    if (ReadNcclNoInterfaceLine(line, host)) {
      Seen& s = by_host[NcclHostKey(host)];
      if (s.host.empty()) s.host = host;
      if (!s.none) s.first_none = i;
      s.none = true;
      continue;
    }
    std::smatch m;
    if (!std::regex_search(line, kUsing) || !std::regex_search(line, m, NcclPrefix())) continue;
    Seen& s = by_host[NcclHostKey(m.str(1))];
    if (s.host.empty()) s.host = m.str(1);
    s.found = true;
  }
  const Seen* odd = nullptr;
  for (const auto& [key, s] : by_host) {
    if (!s.none) continue;
    if (odd != nullptr) return {};  // two hosts without: the setting's, not one node's
    odd = &s;
  }
  if (odd == nullptr || odd->found) return {};
  for (const auto& [key, s] : by_host) {
    if (&s != odd && s.found) return {odd->host, odd->first_none};
  }
  return {};
}

}  // namespace vigil
