#include "agents/store_connect_timeout.h"

#include <regex>

#include "agents/quota_denied_pod.h"

namespace vigil {

bool StatesStoreConnectTimeout(const std::string& line) {
  if (line.size() > 4000) return false;
  if (StatesStoreWaitFailure(line)) return true;
  static const std::regex kConnectTimeout(
      R"(\[c10d\].{0,120}\btimed out\b.{0,60}\btrying to connect to\b|\b(?:TCPStore|rendezvous)\b.{0,80}\btimed out waiting for\b)",
      std::regex::icase);
  return std::regex_search(line, kConnectTimeout);
}

}  // namespace vigil
