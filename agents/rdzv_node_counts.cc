#include "agents/rdzv_node_counts.h"

#include <map>
#include <regex>
#include <utility>

namespace vigil {

RdzvNodeCountSplit FindRdzvNodeCountSplit(const std::vector<std::string>& lines) {
  static const std::regex kExpects(
      R"(\bexpects\s+(min|max)_nodes\s*[=:]\s*(\d{1,6})\b[^\n]{0,80}?\b(?:run|rendezvous|others?|state)\s+(?:has|have|is|expects?)\s+(min|max)_nodes\s*[=:]\s*(\d{1,6})\b)",
      std::regex::icase);
  static const std::regex kMin(R"(\bmin_nodes\s*=\s*(\d{1,6})\b)");
  static const std::regex kMax(R"(\bmax_nodes\s*=\s*(\d{1,6})\b)");
  static const std::regex kEndpoint(R"(\brdzv_endpoint\s*=\s*([^\s,]+))");
  RdzvNodeCountSplit out;
  // endpoint -> (min, max) -> the lines naming it
  std::map<std::string, std::map<std::pair<int, int>, std::vector<size_t>>> seen;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& t = lines[i];
    if (t.size() > 4000 || t.find("_nodes") == std::string::npos) continue;
    std::smatch m;
    if (std::regex_search(t, m, kExpects) && m.str(1) == m.str(3) && m.str(2) != m.str(4)) {
      out.found = true;
      out.line = i;
      out.what = m.str(1) + "_nodes " + m.str(2) + " expected by one participant, " + m.str(4) + " by the run";
      return out;
    }
    std::smatch lo, hi;
    if (!std::regex_search(t, lo, kMin) || !std::regex_search(t, hi, kMax)) continue;
    std::smatch ep;
    const std::string endpoint = std::regex_search(t, ep, kEndpoint) ? ep.str(1) : "";
    seen[endpoint][{std::stoi(lo.str(1)), std::stoi(hi.str(1))}].push_back(i);
  }
  for (const auto& [endpoint, counts] : seen) {
    if (counts.size() < 2) continue;
    // The odd one: the count the fewest agents were started with.
    auto odd = counts.begin(), common = counts.begin();
    for (auto it = counts.begin(); it != counts.end(); ++it) {
      if (it->second.size() < odd->second.size()) odd = it;
      if (it->second.size() > common->second.size()) common = it;
    }
    if (odd == common) odd = std::next(counts.begin());
    out.found = true;
    out.line = odd->second.front();
    out.what = "min_nodes/max_nodes " + std::to_string(odd->first.first) + "/" + std::to_string(odd->first.second) +
               " on " + std::to_string(odd->second.size()) + " agent(s), " + std::to_string(common->first.first) + "/" +
               std::to_string(common->first.second) + " on " + std::to_string(common->second.size()) +
               (endpoint.empty() ? "" : " (rendezvous " + endpoint + ")");
    return out;
  }
  return out;
}

}  // namespace vigil
