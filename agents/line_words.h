// A log line's whitespace-separated words (a ps row, an `ip addr` line): one split for the readers
// that read lines by column (node_addresses, stopped_process).
#pragma once

#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

inline std::vector<std::string> LineWords(std::string_view line) {
  std::vector<std::string> out;
  std::istringstream in{std::string(line)};
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

}  // namespace vigil
