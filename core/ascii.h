// ASCII letter case, independent of the C/C++ locale: only 'A'..'Z' and 'a'..'z' change; every
// other byte (digits, punctuation, control bytes, and bytes >= 0x80 such as UTF-8 sequences) is
// kept as it is. For protocol text (URL schemes, HTTP header names, MIME types, file extensions,
// column names) and for case-insensitive matching of log text. Not Unicode case folding.
// Header only, pure, thread safe.
#pragma once

#include <string>
#include <string_view>

namespace vigil {

// 'A'..'Z' -> 'a'..'z'; any other byte unchanged.
constexpr char AsciiToLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// `text` with 'A'..'Z' lower-cased, same length, every other byte unchanged.
inline std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = AsciiToLower(c);
  return out;
}

// True when `a` and `b` have the same length and are equal after AsciiToLower on each byte.
constexpr bool AsciiEqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiToLower(a[i]) != AsciiToLower(b[i])) return false;
  }
  return true;
}

}  // namespace vigil
