#include "agents/peer_loss.h"

#include <regex>

namespace vigil {

bool StatesPeerLoss(std::string_view line) {
  static const std::regex kLoss(
      R"(completion from peer|ncclRemoteError|remote process exited or there was a network error|)"
      R"(Did the remote (?:server|peer|process) (?:shut ?down|crash)|Connection was likely closed|)"
      R"(Connection reset by peer|\bBroken pipe\b|connection closed by (?:peer|remote))",
      std::regex::icase);
  const std::string_view head = line.substr(0, 2000);
  return std::regex_search(head.begin(), head.end(), kLoss);
}

}  // namespace vigil
