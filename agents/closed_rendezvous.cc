#include "agents/closed_rendezvous.h"

#include <regex>

namespace vigil {

size_t CountClosedRendezvous(const std::vector<std::string>& lines, size_t* first) {
  static const std::regex kClosed(R"(\bRendezvousClosedError\b)");
  size_t n = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& t = lines[i];
    if (t.size() > 2000 || t.find("RendezvousClosedError") == std::string::npos || !std::regex_search(t, kClosed)) continue;
    if (n == 0 && first != nullptr) *first = i;
    ++n;
  }
  return n;
}

}  // namespace vigil
