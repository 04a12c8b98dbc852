#include "rules/lexer.h"

#include <cctype>
#include <charconv>

#include "core/time_util.h"

namespace vigil::rules {
namespace {

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}

}  // namespace

std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> out;
  size_t i = 0;
  int line = 1;
  size_t line_start = 0;
  auto make = [&](TokenKind kind, size_t start) {
    Token t;
    t.kind = kind;
    t.line = line;
    t.col = static_cast<int>(start - line_start) + 1;
    t.offset = start;
    return t;
  };
  while (i < text.size()) {
    char c = text[i];
    if (c == '\n') {
      ++i;
      ++line;
      line_start = i;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (c == '#' || (c == '/' && i + 1 < text.size() && text[i + 1] == '/')) {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    size_t start = i;
    if (IsIdentStart(c)) {
      while (i < text.size() && IsIdentChar(text[i])) ++i;
      Token t = make(TokenKind::kIdent, start);
      t.text = std::string(text.substr(start, i - start));
      t.length = i - start;
      out.push_back(std::move(t));
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1])))) {
      while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
      // An exponent: 1e3, 2.5E-4 (but not a duration unit).
      if (i + 1 < text.size() && (text[i] == 'e' || text[i] == 'E') &&
          (std::isdigit(static_cast<unsigned char>(text[i + 1])) ||
           ((text[i + 1] == '-' || text[i + 1] == '+') && i + 2 < text.size() &&
            std::isdigit(static_cast<unsigned char>(text[i + 2]))))) {
        i += 2;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
      }
      size_t num_end = i;
      while (i < text.size() && IsIdentChar(text[i])) ++i;  // a unit suffix, maybe compound (1h30m)
      std::string_view whole = text.substr(start, i - start);
      std::string_view num = text.substr(start, num_end - start);
      std::string_view suffix = text.substr(num_end, i - num_end);
      Token t = make(TokenKind::kNumber, start);
      t.text = std::string(whole);
      t.length = i - start;
      double value = 0;
      auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), value);
      if (ec != std::errc() || p != num.data() + num.size()) {
        t.kind = TokenKind::kError;
        t.text = "malformed number `" + std::string(whole) + "`";
      } else if (suffix.empty()) {
        t.number = value;
      } else if (suffix == "p") {
        t.kind = TokenKind::kPoints;
        if (num.find_first_of(".eE") != std::string_view::npos || value < 1) {
          t.kind = TokenKind::kError;
          t.text = "point window `" + std::string(whole) + "` must be a positive whole number of points";
        } else if (!(value < 0x1p63)) {
          // Casting 1e20 to int64_t is undefined (x86 gave INT64_MIN: a negative window that
          // passed the compiler's limit and came back as "internal: ... must be positive").
          t.kind = TokenKind::kError;
          t.text = "point window `" + std::string(whole) + "` is too large for a count of points";
        } else {
          t.value_points = static_cast<int64_t>(value);
        }
      } else {
        auto d = ParseDurationMs(whole);
        if (!d.ok() && d.status().code() == StatusCode::kOutOfRange) {
          t.kind = TokenKind::kError;
          t.text = d.status().message();  // "duration `...` is too large"
        } else if (!d.ok()) {
          t.kind = TokenKind::kError;
          t.text = "bad number suffix in `" + std::string(whole) +
                   "`: a window or duration is written like 10p (points), 250ms, 30s, 5m, 1h, 1d, 1w, 1h30m";
        } else {
          t.kind = TokenKind::kDuration;
          t.value_ms = *d;
        }
      }
      out.push_back(std::move(t));
      continue;
    }
    if (c == '"') {
      Token t = make(TokenKind::kString, start);
      ++i;
      std::string s;
      bool closed = false;
      while (i < text.size() && text[i] != '\n') {
        if (text[i] == '"') {
          closed = true;
          ++i;
          break;
        }
        if (text[i] == '\\' && i + 1 < text.size()) {
          char e = text[i + 1];
          s += e == 'n' ? '\n' : e == 't' ? '\t' : e;
          i += 2;
          continue;
        }
        s += text[i++];
      }
      t.length = i - start;
      if (!closed) {
        t.kind = TokenKind::kError;
        t.text = "unterminated string: a closing `\"` is missing on this line";
      } else {
        t.text = std::move(s);
      }
      out.push_back(std::move(t));
      continue;
    }
    static constexpr std::string_view kTwo[] = {"!=", "=~", "!~", "<=", ">=", "=="};
    bool matched = false;
    for (std::string_view op : kTwo) {
      if (text.substr(i, 2) == op) {
        Token t = make(TokenKind::kPunct, start);
        t.text = std::string(op);
        t.length = 2;
        i += 2;
        out.push_back(std::move(t));
        matched = true;
        break;
      }
    }
    if (matched) continue;
    if (std::string_view("{}(),=<>+-*/").find(c) != std::string_view::npos) {
      Token t = make(TokenKind::kPunct, start);
      t.text = std::string(1, c);
      t.length = 1;
      ++i;
      out.push_back(std::move(t));
      continue;
    }
    Token t = make(TokenKind::kError, start);
    t.length = 1;
    t.text = std::string("unexpected character `") + c + "`";
    ++i;
    out.push_back(std::move(t));
  }
  Token end = make(TokenKind::kEnd, i);
  out.push_back(std::move(end));
  return out;
}

}  // namespace vigil::rules
