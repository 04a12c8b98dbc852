// Test helpers for training/*_test.cc (tests only): reading rule text back.
#pragma once

#include <cctype>
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

// The `explain` texts of rule text `text` (one per rule, as written by the proposers: the line
// `  explain "..."`, quotes left out), in order.
inline std::vector<std::string> ExplainTexts(const std::string& text) {
  std::vector<std::string> out;
  for (size_t at = text.find("\n  explain \""); at != std::string::npos; at = text.find("\n  explain \"", at + 1)) {
    const size_t from = at + 12;
    const size_t end = text.find('\n', from);
    out.push_back(text.substr(from, end - from - 1));  // up to the closing quote
  }
  return out;
}

// What a reader of the explain texts of `text` (the proposers' rules) would miss: for each rule,
// every threshold its `when` compares with (the number after ` > ` / ` < ` in a part that is not a
// full-window guard `... >= W`), as the condition writes it, and every point window of those parts
// (`Wp`, said "W points"), must be in its explain text. One line per miss; empty when none.
inline std::vector<std::string> ExplainMisses(const std::string& text) {
  std::vector<std::string> misses;
  const std::vector<std::string> whens = WhenConditions(text), explains = ExplainTexts(text);
  if (whens.size() != explains.size()) return {"rules without an explain text in:\n" + text};
  for (size_t r = 0; r < whens.size(); ++r) {
    const std::string& when = whens[r];
    const std::string& explain = explains[r];
    size_t start = 0;
    while (start <= when.size()) {
      size_t end = when.find(" and ", start);
      if (end == std::string::npos) end = when.size();
      const std::string part = when.substr(start, end - start);
      start = end + 5;
      if (part.find(" >= ") != std::string::npos) continue;  // the guard
      size_t op = part.rfind(" > ");
      if (op == std::string::npos) op = part.rfind(" < ");
      if (op == std::string::npos) continue;
      const std::string threshold = part.substr(op + 3);
      if (explain.find(threshold) == std::string::npos)
        misses.push_back("threshold " + threshold + " of `" + part + "` not in \"" + explain + "\"");
      for (size_t i = 0; i < op; ++i) {  // windows: digits then `p` then `)`, after `, `
        if (i < 2 || part.compare(i - 2, 2, ", ") != 0 || !std::isdigit(static_cast<unsigned char>(part[i]))) continue;
        size_t j = i;
        while (j < op && std::isdigit(static_cast<unsigned char>(part[j]))) ++j;
        if (j + 1 < op && part[j] == 'p' && part[j + 1] == ')') {
          const std::string window = part.substr(i, j - i) + " points";
          if (explain.find(window) == std::string::npos)
            misses.push_back("window `" + window + "` of `" + part + "` not in \"" + explain + "\"");
        }
      }
    }
  }
  return misses;
}

}  // namespace vigil
