#include "agents/watchdog_op_mismatch.h"

#include <map>
#include <regex>
#include <utility>

namespace vigil {
namespace {

bool IsPointToPoint(const std::string& op) {
  std::string o = op;
  while (!o.empty() && o.front() == '_') o.erase(o.begin());
  return o == "SEND" || o == "RECV" || o == "RECVANYSOURCE" || o == "COALESCED";
}

}  // namespace

std::optional<CollectiveMismatch> FindWatchdogOpMismatch(const std::vector<std::string>& lines) {
  static const std::regex kWork(R"(WorkNCCL\(\s*SeqNum=(\d+),\s*OpType=([A-Za-z_]+))");
  static const std::regex kGroup(R"(\[PG (?:ID )?(\d+)\b)");
  std::map<std::pair<std::string, std::string>, std::string> op_at;  // (group, seq) -> first op
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.size() > 4000 || line.find("WorkNCCL(") == std::string::npos) continue;
    const bool timeout = line.find("collective operation timeout") != std::string::npos ||
                         line.find("Timeout at NCCL work") != std::string::npos;
    if (!timeout) continue;
    std::smatch m;
    if (!std::regex_search(line, m, kWork)) continue;
    const std::string seq = m.str(1), op = m.str(2);
    // Point-to-point work: a send and its receive share a sequence number by design (pipeline stages).
    if (IsPointToPoint(op)) continue;
    std::smatch g;
    const std::string group = std::regex_search(line, g, kGroup) ? g.str(1) : "";
    auto [it, inserted] = op_at.emplace(std::make_pair(group, seq), op);
    if (inserted || it->second == op) continue;
    CollectiveMismatch out;
    out.line_index = i;
    out.what = it->second + " vs " + op + " at sequence number " + seq + " (watchdog timeouts)";
    return out;
  }
  return std::nullopt;
}

}  // namespace vigil
