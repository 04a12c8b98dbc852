#include "agents/forced_nccl_algo.h"

#include <algorithm>
#include <cstdlib>
#include <regex>

namespace vigil {

long StatedWorldSize(const std::vector<std::string>& lines) {
  static const std::regex kWorld(
      R"(\bworld[ _]size\s*[:=]?\s*(\d{1,7})\b|\b(\d{1,7})\s+tasks\s+on\s+\d+\s+nodes\b|\bnranks\s*[:=]?\s*(\d{1,7})\b)",
      std::regex::icase);
  long best = 0;
  for (const std::string& line : lines) {
    if (line.size() > 2000) continue;
    if (line.find("world") == std::string::npos && line.find("World") == std::string::npos &&
        line.find("tasks") == std::string::npos && line.find("nranks") == std::string::npos) {
      continue;
    }
    std::smatch m;
    if (!std::regex_search(line, m, kWorld)) continue;
    for (int g = 1; g <= 3; ++g) {
      if (m[g].matched) best = std::max(best, std::strtol(m.str(g).c_str(), nullptr, 10));
    }
  }
  return best;
}

std::optional<ForcedNcclAlgo> FindForcedNcclAlgoAtScale(const std::vector<std::string>& lines, long ranks) {
  static const std::regex kSet(R"(\bNCCL INFO (NCCL_ALGO|NCCL_PROTO) set by environment to\s+(\S+)\s*$)");
  std::optional<size_t> first;
  std::string algo, proto;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.size() > 2000 || line.find("set by environment") == std::string::npos) continue;
    std::smatch m;
    if (!std::regex_search(line, m, kSet)) continue;
    std::string v = m.str(2);
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    const bool is_algo = m.str(1) == "NCCL_ALGO";
    const bool forced = is_algo ? v == "ring" : v == "simple";
    if (!forced) continue;
    if (is_algo) algo = m.str(2);
    else proto = m.str(2);
    if (!first) first = i;
  }
  if (!first) return std::nullopt;
  const long world = std::max(ranks, StatedWorldSize(lines));
  if (world < kForcedRingMinRanks) return std::nullopt;
  ForcedNcclAlgo out;
  out.line = *first;
  out.ranks = world;
  if (!algo.empty()) out.what = "NCCL_ALGO=" + algo;
  if (!proto.empty()) out.what += (out.what.empty() ? "" : ", ") + std::string("NCCL_PROTO=") + proto;
  return out;
}

}  // namespace vigil
