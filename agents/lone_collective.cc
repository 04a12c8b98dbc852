#include "agents/lone_collective.h"

#include <cstdlib>
#include <regex>

#include "core/ascii.h"

namespace vigil {

std::optional<CollectiveMismatch> FindLoneCollective(const std::vector<std::string>& lines) {
  // "SeqNum 240011 BARRIER enqueued on rank 0 only" / "seq 77 ALLREDUCE started on rank 3 only".
  static const std::regex kLone(
      R"(\b(?:seqnum|seq|sequence number|collective)\s*[:=#]?\s*(\d+)\s*\(?\s*(?:nccl:)?([a-z_]+)?\)?\s+)"
      R"((?:enqueued|started|issued|called)\s+(?:on|by)\s+(?:only\s+)?rank\s*(\d+)(\s+only|\s+alone)?)");
  // The rest: "ranks 1-31 last SeqNum 240010 (all_reduce, completed)", "all other ranks last seq 240010 ... completed".
  static const std::regex kRest(
      R"(\b(?:(?:all\s+)?other\s+ranks?|ranks\s+\d+\s*(?:-|\.\.)\s*\d+)\s+(?:last\s+)?(?:seqnum|seq|sequence number|collective|enqueued)\s*[:=#]?\s*(\d+)\b([^;]{0,80}))");
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].size() > 4000) continue;
    const std::string l = AsciiLower(lines[i]);
    if (l.find("rank") == std::string::npos || l.find("complet") == std::string::npos) continue;
    std::smatch m;
    if (!std::regex_search(l, m, kLone)) continue;
    // "only" / "alone" after the rank, or "on only rank N".
    if (!m[4].matched && m.str(0).find("only rank") == std::string::npos) continue;
    const long seq = std::strtol(m.str(1).c_str(), nullptr, 10);
    const std::string op = m[2].matched && !m.str(2).empty() ? m.str(2) : std::string("a collective");
    const std::string rank = m.str(3);
    const std::string rest_text = m.suffix().str();
    std::smatch r;
    if (!std::regex_search(rest_text, r, kRest)) continue;
    const long others = std::strtol(r.str(1).c_str(), nullptr, 10);
    if (others != seq - 1 || r.str(2).find("complet") == std::string::npos) continue;
    return CollectiveMismatch{i, op + " seq " + std::to_string(seq) + " called by rank " + rank +
                                     " alone; the other ranks completed seq " + std::to_string(others) +
                                     " and called no more"};
  }
  return std::nullopt;
}

}  // namespace vigil
