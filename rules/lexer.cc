#include "rules/lexer.h"

#include <cctype>
#include <charconv>

#include "core/time_util.h"
#include "core/utf8.h"

namespace vigil::rules {
namespace {

std::string Hex2(unsigned char b) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "0x";
  out += kHex[b >> 4];
  out += kHex[b & 0xF];
  return out;
}

// The bytes of the UTF-8 character starting at `text[i]`, or 0 when no valid one starts there.
size_t Utf8CharBytes(std::string_view text, size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  const size_t n = lead < 0x80 ? 1 : (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3 : (lead & 0xF8) == 0xF0 ? 4 : 0;
  if (n == 0 || i + n > text.size() || !IsValidUtf8(text.substr(i, n))) return 0;
  return n;
}

uint32_t CodePoint(std::string_view ch) {
  const auto b = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(ch[k])); };
  if (ch.size() == 2) return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
  if (ch.size() == 3) return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
  return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
}

// What to type instead of a non-ASCII look-alike of the language's own characters, as text pasted
// from a document, a wiki or a chat brings them (curly quotes, a typeset >=, a minus sign, a
// non-breaking space); empty when it is not one.
std::string AsciiInstead(uint32_t cp) {
  switch (cp) {
    case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x2033: case 0x00AB: case 0x00BB:
      return "a typographic quote: strings take the plain double quote `\"`";
    case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032:
      return "a typographic quote: strings take the plain double quote `\"`";
    case 0x2265: return "write `>=`";
    case 0x2264: return "write `<=`";
    case 0x2260: return "write `!=`";
    case 0x2212: case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: return "a dash: write the minus `-`";
    case 0x00D7: case 0x2217: case 0x22C5: return "write `*`";
    case 0x00F7: case 0x2215: return "write `/`";
    case 0x00A0: case 0x2007: case 0x202F: case 0x2009: case 0x200A: case 0x3000: return "a non-breaking or special space: write a plain space";
    case 0x200B: case 0x2060: case 0xFEFF: return "an invisible zero-width character: delete it";
    default: return "";
  }
}

// The message of a character that starts no token at `text[i]`; `*bytes` is how many it spans.
std::string UnexpectedCharacter(std::string_view text, size_t i, size_t* bytes) {
  const auto c = static_cast<unsigned char>(text[i]);
  const size_t n = Utf8CharBytes(text, i);
  if (n == 0) {
    *bytes = 1;
    std::string m = "byte ";
    m += Hex2(c);
    m += " is not UTF-8 text (a rule file is UTF-8; was it saved in another encoding, such as Latin-1?)";
    return m;
  }
  *bytes = n;
  if (n == 1) {
    if (c < 0x20 || c == 0x7F) {
      std::string m = "unexpected control character ";
      m += Hex2(c);
      return m;
    }
    std::string m = "unexpected character `";
    m += static_cast<char>(c);
    m += '`';
    // C's bit and remainder operators, as someone testing a flag field writes them first.
    if (c == '&' || c == '|' || c == '%' || c == '^' || c == '~')
      m += ": the rule language has no bit or remainder operators; test a flag field's bits with "
           "`any_bits(x, MASK)` or `all_bits(x, MASK)` (e.g. any_bits(x, 0x60)), and join conditions with `and` / `or`";
    if (c == '!')
      m += ": negate a condition with `not` (`not (x > 2)`); `!=` compares";
    // PromQL's range selector, `rate(x[5m])`: the window is a function's last argument here.
    if (c == '[' || c == ']')
      m += ": a window is the function's last argument, e.g. `rate(x, 5m)`, `mean(x, 10p)` (PromQL's "
           "`rate(x[5m])`; docs/rules.md lists the functions)";
    return m;
  }
  const uint32_t cp = CodePoint(text.substr(i, n));
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string u = "U+";
  for (int shift = cp > 0xFFFF ? 20 : 12; shift >= 0; shift -= 4) u += kHex[(cp >> shift) & 0xF];
  std::string m = "unexpected character `";
  m += text.substr(i, n);
  m += "` (";
  m += u;
  m += ')';
  if (const std::string instead = AsciiInstead(cp); !instead.empty()) {
    m += ": ";
    m += instead;
  }
  return m;
}

constexpr uint64_t kMaxHexLiteral = (uint64_t{1} << 53) - 1;

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
  // A UTF-8 byte order mark (Notepad, PowerShell's Out-File) is not part of the text; columns of
  // the first line count from after it.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") i = line_start = 3;
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
    if (c == '0' && i + 1 < text.size() && (text[i + 1] == 'x' || text[i + 1] == 'X')) {
      // A hex literal (0x20): a whole number, for bit masks. No fraction, exponent or unit.
      i += 2;
      const size_t digits = i;
      while (i < text.size() && std::isxdigit(static_cast<unsigned char>(text[i]))) ++i;
      const size_t digits_end = i;
      while (i < text.size() && (IsIdentChar(text[i]) || text[i] == '.')) ++i;
      Token t = make(TokenKind::kNumber, start);
      t.text = std::string(text.substr(start, i - start));
      t.length = i - start;
      uint64_t v = 0;
      const auto [p, ec] = std::from_chars(text.data() + digits, text.data() + digits_end, v, 16);
      if (digits_end == digits || i != digits_end) {
        t.kind = TokenKind::kError;
        std::string m = "malformed hex number `";
        m += t.text;
        m += "`: write 0x and hex digits 0-9, a-f, e.g. 0x20 (a whole number, with no fraction or unit)";
        t.text = std::move(m);
      } else if (ec != std::errc() || p != text.data() + digits_end || v > kMaxHexLiteral) {
        t.kind = TokenKind::kError;
        std::string m = "hex number `";
        m += t.text;
        m += "` is larger than 0x1FFFFFFFFFFFFF (2^53 - 1): numbers in rules are 64-bit floating point, which "
             "hold whole numbers exactly only up to there";
        t.text = std::move(m);
      } else {
        t.number = static_cast<double>(v);
      }
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
      if (ec == std::errc::result_out_of_range && p == num.data() + num.size()) {
        // Well formed, but no double holds it (1e999, 1e-999): was "malformed number", which sent
        // the author looking for a typo in a number written correctly.
        t.kind = TokenKind::kError;
        const size_t e = num.find_first_of("eE");
        const bool tiny = e != std::string_view::npos && e + 1 < num.size() && num[e + 1] == '-';
        t.text = "number `";
        t.text += whole;
        t.text += tiny ? "` is too close to 0 for a 64-bit floating-point number (the smallest is about 2.2e-308); write 0"
                       : "` is too large: numbers in rules are 64-bit floating point, at most about 1.8e308";
      } else if (ec != std::errc() || p != num.data() + num.size()) {
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
          // A unit on a value (`> 85C`, `> 90%`, `> 600W`) is the usual slip (OPS3, 2026-12-03: only
          // the window forms were offered), so the bare number comes first.
          t.text = "bad number suffix in `" + std::string(whole) + "`: a value takes no unit (write `" +
                   std::string(num) +
                   "`); a window or duration is written like 10p (points), 250ms, 30s, 5m, 1h, 1d, 1w, 1h30m";
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
          // An escaped line break continues the string on the next line: counted as a line, or
          // every later token's line was one short of the line its diagnostic quoted (RV3).
          if (e == '\n') {
            ++line;
            line_start = i;
          }
          continue;
        }
        s += text[i++];
      }
      t.length = i - start;
      size_t bad = 0;
      if (!closed) {
        t.kind = TokenKind::kError;
        t.text = "unterminated string: a closing `\"` is missing on this line";
      } else if (!IsValidUtf8(s, &bad)) {
        // It would reach alerts' JSON (labels, explanations), which must be UTF-8.
        t.kind = TokenKind::kError;
        t.text = "string holds byte " + Hex2(static_cast<unsigned char>(s[bad])) +
                 ", which is not UTF-8 text (a rule file is UTF-8; was it saved in another encoding, such as Latin-1?)";
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
    t.text = UnexpectedCharacter(text, i, &t.length);
    i += t.length;
    out.push_back(std::move(t));
  }
  Token end = make(TokenKind::kEnd, i);
  out.push_back(std::move(end));
  return out;
}

}  // namespace vigil::rules
