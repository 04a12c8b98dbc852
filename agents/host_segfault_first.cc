#include "agents/host_segfault_first.h"

#include <regex>

#include "core/parse.h"

namespace vigil {

std::set<int> HostSegfaultRanks(const std::vector<std::string>& lines) {
  std::set<int> out;
  static const std::regex kSegv(R"(^\s*\[rank(\d{1,6})\]:\s*!+\s*Segfault encountered\b)");
  for (const std::string& t : lines) {
    if (t.size() > 1000 || t.find("Segfault encountered") == std::string::npos) continue;
    std::smatch m;
    if (!std::regex_search(t, m, kSegv)) continue;
    if (std::optional<int32_t> r = ParseInt32(m.str(1))) out.insert(*r);
  }
  return out;
}

bool NamesDeadPeer(const std::string& line, const std::set<int>& ranks) {
  if (ranks.empty() || line.size() > 2000 || line.find("peer") == std::string::npos) return false;
  static const std::regex kPeer(
      R"(\bpeer\b[^.;]{0,80}?\brank\s*(\d{1,6})\b[^.;]{0,40}?\b(unreachable|exited|died|lost|gone)\b)",
      std::regex::icase);
  for (auto it = std::sregex_iterator(line.begin(), line.end(), kPeer); it != std::sregex_iterator(); ++it) {
    if (std::optional<int32_t> r = ParseInt32((*it)[1].str()); r && ranks.count(*r)) return true;
  }
  return false;
}

}  // namespace vigil
