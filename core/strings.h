// Joining strings. Header only, pure, thread safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vigil {

// The parts with `sep` between each two neighbours (not after the last); "" for no parts. An empty
// part still gets its separators: {"a", "", "b"} with ", " is "a, , b".
inline std::string JoinStrings(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

}  // namespace vigil
