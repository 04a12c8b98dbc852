#include "agents/ib_counter_lines.h"

#include <map>
#include <regex>
#include <set>

#include "core/parse.h"

namespace vigil {

std::vector<size_t> SymbolErrorTrickleLines(const std::vector<std::string>& lines, double background) {
  static const std::regex kCounter(
      R"(^(.*?)\b(?:Port)?(SymbolErrorCounter|LinkDownedCounter|LinkErrorRecoveryCounter|PortRcvErrors|LocalLinkIntegrityErrors):\.*\s*(\d{1,12})\s*$)");
  std::vector<std::pair<size_t, std::string>> small;  // line, label
  std::set<std::string> link_errors;                    // labels with another link error counted
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& t = lines[i];
    if (t.size() > 1000 || t.find(':') == std::string::npos) continue;
    if (t.find("Counter") == std::string::npos && t.find("Errors") == std::string::npos) continue;
    std::smatch m;
    if (!std::regex_search(t, m, kCounter)) continue;
    std::string label = m.str(1);
    while (!label.empty() && (label.back() == ' ' || label.back() == '\t')) label.pop_back();
    const std::optional<double> n = ParseDouble(m.str(3));
    if (!n || *n <= 0) continue;
    if (m.str(2) == "SymbolErrorCounter") {
      if (*n < background) small.emplace_back(i, label);
    } else {
      link_errors.insert(label);
    }
  }
  std::vector<size_t> out;
  for (const auto& [i, label] : small) {
    if (!link_errors.count(label)) out.push_back(i);
  }
  return out;
}

}  // namespace vigil
