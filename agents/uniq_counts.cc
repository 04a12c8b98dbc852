#include "agents/uniq_counts.h"

#include <regex>

#include "core/parse.h"

namespace vigil {

bool IsUniqCountCommand(const std::string& source) {
  static const std::regex kUniq(R"(\buniq\s+(?:-\w*c\w*|--count)\b)");
  return source.size() <= 2000 && source.find("uniq") != std::string::npos && std::regex_search(source, kUniq);
}

std::vector<UniqCountRow> UniqCountRows(const std::vector<std::string>& lines) {
  static const std::regex kRow(R"(^\s*(?:([A-Za-z][A-Za-z0-9._-]*):\s+)?(\d{1,5})\s+(\S.*?)\s*$)");
  std::vector<UniqCountRow> out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].size() > 2000) continue;
    std::smatch m;
    if (!std::regex_match(lines[i], m, kRow)) continue;
    std::optional<int32_t> n = ParseInt32(m.str(2));
    if (!n || *n <= 0) continue;
    out.push_back(UniqCountRow{i, m.str(1), *n, m.str(3)});
  }
  return out;
}

double UniqRowWatts(const std::string& value) {
  static const std::regex kWatts(R"((?:^|[\s,;])(\d{1,5}(?:\.\d+)?)\s*W\b)");
  std::smatch m;
  if (!std::regex_search(value, m, kWatts)) return -1;
  return ParseDouble(m.str(1)).value_or(-1);
}

}  // namespace vigil
