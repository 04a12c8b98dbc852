#include "agents/send_recv_deadlock.h"

#include <cctype>
#include <map>
#include <regex>
#include <utility>

namespace vigil {

namespace {

std::string Upper(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

constexpr size_t kMaxPairLines = 8;  // the two fr_trace lines of one mismatch sit this close

}  // namespace

std::optional<CollectiveMismatch> FindSendRecvDeadlock(const std::vector<std::string>& lines) {
  // The desync report: "is blocked in SEND to peer 1 ...; peer 1 is blocked in SEND to peer 0".
  static const std::regex kDesync(
      R"(\bblocked in (SEND|RECV)\s+(?:to|from)\s+peer\s+(\d+)\b[^;]*;\s*peer\s+(\d+)\s+is blocked in (SEND|RECV)\s+(?:to|from)\s+peer\s+\d+)",
      std::regex::icase);
  // fr_trace's op of one rank: "rank 20: send -> 52 (shape ...)", "rank 52: recv <- 20".
  static const std::regex kFrOp(R"(^\s*rank\s+(\d+)\s*:\s*(send|recv)\s*(?:->|<-|to|from)\s*(\d+)\b)", std::regex::icase);
  std::map<std::pair<std::string, std::string>, std::pair<std::string, size_t>> fr;  // (rank, peer) -> (op, line)
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.size() > 4000) continue;
    std::smatch m;
    if (line.find("blocked in") != std::string::npos && std::regex_search(line, m, kDesync) &&
        Upper(m.str(1)) == Upper(m.str(4)) && m.str(2) == m.str(3)) {
      return CollectiveMismatch{i, "two ranks both blocked in " + Upper(m.str(1)) + " towards each other, no matching " +
                                       (Upper(m.str(1)) == "SEND" ? "RECV" : "SEND") + " posted"};
    }
    if (!std::regex_search(line, m, kFrOp)) continue;
    const std::string rank = m.str(1), op = Upper(m.str(2)), peer = m.str(3);
    if (auto back = fr.find({peer, rank}); back != fr.end() && back->second.first == op &&
                                           i - back->second.second <= kMaxPairLines) {
      return CollectiveMismatch{i, "ranks " + peer + " and " + rank + " both " + op + " to each other at one point"};
    }
    fr[{rank, peer}] = {op, i};
  }
  return std::nullopt;
}

}  // namespace vigil
