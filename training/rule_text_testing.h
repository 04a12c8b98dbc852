// Test helpers for training/*_test.cc (tests only): reading rule text back.
#pragma once

#include <string>
#include <vector>

namespace vigil {

// The `when` conditions of rule text `text` (one per rule, as written by the proposers), in order.
inline std::vector<std::string> WhenConditions(const std::string& text) {
  std::vector<std::string> out;
  for (size_t at = text.find("\n  when "); at != std::string::npos; at = text.find("\n  when ", at + 1)) {
    const size_t from = at + 8;
    out.push_back(text.substr(from, text.find('\n', from) - from));
  }
  return out;
}

}  // namespace vigil
