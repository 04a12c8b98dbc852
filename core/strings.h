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

// A log line holding carriage returns as a terminal leaves it: a progress bar (tqdm, pip, wget)
// rewrites its line with a lone `\r` and no `\n`, so the line written is every state in turn, the
// oldest first, and what on-call saw is the last. The last segment after a `\r` that is not blank
// (spaces, tabs); `line` itself when it holds no `\r` (RV10). A shorter last state over a longer
// one leaves the longer one's end on a terminal: not kept here (tqdm pads its bar to one width).
inline std::string_view LastCarriageReturnState(std::string_view line) {
  std::string_view rest = line;
  while (true) {
    const size_t cr = rest.rfind('\r');
    if (cr == std::string_view::npos) return rest;
    const std::string_view after = rest.substr(cr + 1);
    if (after.find_first_not_of(" \t") != std::string_view::npos) return after;
    rest = rest.substr(0, cr);
  }
}

}  // namespace vigil
