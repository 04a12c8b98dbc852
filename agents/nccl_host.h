// The host of an NCCL line's "HOST:PID:TID [dev]" prefix as a key: lower case, up to its first dot
// (NCCL prints the short name on one node and the FQDN on another). Shared by the readers that
// compare NCCL's lines across hosts (nccl_transport_choice.cc, nccl_interface_missing_host.cc).
#pragma once

#include <cctype>
#include <string>

namespace vigil {

inline std::string NcclHostKey(const std::string& host) {
  std::string k;
  for (char ch : host) {
    if (ch == '.') break;
    k.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  }
  return k;
}

}  // namespace vigil
