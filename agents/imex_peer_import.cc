#include "agents/imex_peer_import.h"

#include <regex>

#include "core/ascii.h"

namespace vigil {

bool IsImexPeerImportFailure(const std::string& line) {
  if (line.size() > 4000) return false;
  const std::string lower = AsciiLower(line);
  if (lower.find("imex") == std::string::npos) return false;
  // The daemon's own failure, its service's state or its version check: not a peer's path.
  static const std::regex kOwn(R"(\.service\b|\binactive\b|not running|does not match|failed to start|exited)");
  if (std::regex_search(lower, kOwn)) return false;
  static const std::regex kPeer(
      R"(imex_err_peer_unreachable|failed to (?:import|map)\b[^\n]{0,40}\bfrom (?:node|peer)\b|)"
      R"(\bpeer (?:node )?\S{1,40} (?:is )?unreachable)");
  return std::regex_search(lower, kPeer);
}

}  // namespace vigil
