// Lexer for the rule language (docs/rules.md). Turns text into tokens with 1-based line and
// column; never throws. A character that starts no token becomes a kError token whose text is
// the message, so the parser reports it with a caret like any other error.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::rules {

enum class TokenKind {
  kIdent,     // step_time_ms, rule, mean, by, and, ...
  kNumber,    // 1.3, 2e-3, 0x20 (hex: a whole number up to 2^53 - 1)
  kDuration,  // 5m, 1h30m, 250ms  (value_ms)
  kPoints,    // 10p                (value_points)
  kString,    // "text" (escapes \" \\ \n \t decoded)
  kPunct,     // { } ( ) , = != =~ !~ < <= > >= == + - * / 
  kEnd,
  kError,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;    // as written (decoded for strings; the message for kError)
  double number = 0;   // kNumber
  int64_t value_ms = 0;       // kDuration
  int64_t value_points = 0;   // kPoints
  int line = 1;
  int col = 1;
  size_t offset = 0;   // byte offset of the first character
  size_t length = 0;   // bytes in the source
};

// Tokenizes all of `text`; the last token is kEnd. `#` and `//` start comments to end of line.
std::vector<Token> Tokenize(std::string_view text);

}  // namespace vigil::rules
