#include "agents/skipped_collective.h"

#include <cstdlib>
#include <regex>

namespace vigil {

std::optional<CollectiveMismatch> FindSkippedCollective(const std::vector<std::string>& lines) {
  static const std::regex kOp(
      R"(last enqueued\s+(?:nccl:)?([A-Za-z_]+)\s*(?:seq(?:uence)?(?: number)?|SeqNum=|#)\s*:?\s*(\d+)((?:\s*,)?\s*then\s+(?:nccl:)?([A-Za-z_]+))?)",
      std::regex::icase);
  static const std::regex kRank(R"(\brank\s+(\d+)(?:\s*\(global\s+(\d+)\))?[^;]*$)", std::regex::icase);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.size() > 4000 || line.find("last enqueued") == std::string::npos || line.find("then") == std::string::npos) {
      continue;
    }
    struct Seen {
      std::string op;
      long seq = 0;
      std::string then;
      size_t at = 0;
    };
    std::vector<Seen> seen;
    for (auto it = std::sregex_iterator(line.begin(), line.end(), kOp); it != std::sregex_iterator(); ++it) {
      const std::smatch& m = *it;
      seen.push_back({m[1].str(), std::strtol(m[2].str().c_str(), nullptr, 10), m[4].matched ? m[4].str() : "",
                      static_cast<size_t>(m.position(0))});
    }
    for (const Seen& behind : seen) {
      if (behind.then.empty() || behind.then == behind.op) continue;
      for (const Seen& ahead : seen) {
        if (&ahead == &behind || ahead.op != behind.op || ahead.seq != behind.seq + 1) continue;
        std::string who = "a rank";
        std::smatch r;
        const std::string before = line.substr(0, behind.at);
        if (std::regex_search(before, r, kRank)) who = "rank " + (r[2].matched ? r[2].str() : r[1].str());
        return CollectiveMismatch{i, who + " skipped " + behind.op + " seq " + std::to_string(ahead.seq) + ", then " +
                                         behind.then};
      }
    }
  }
  return std::nullopt;
}

}  // namespace vigil
