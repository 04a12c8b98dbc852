#include "core/time_util.h"

#include <cctype>
#include <cstdio>
#include <limits>

#include "core/civil_date.h"
#include "core/quote.h"

namespace vigil {
Result<int64_t> ParseDurationMs(std::string_view text) {
  if (text.empty()) return InvalidArgumentError("empty duration; expected e.g. 30s, 5m, 1h, 1d");
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
      return InvalidArgumentError("invalid duration `" + std::string(text) +
                                  "`: expected a number at position " + std::to_string(i + 1) +
                                  " (units: ms s m h d w)");
    }
    int64_t n = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (n > std::numeric_limits<int64_t>::max() / 10 - 10) {
        return OutOfRangeError("duration `" + std::string(text) + "` is too large");
      }
      n = n * 10 + (text[i] - '0');
      ++i;
    }
    int64_t unit = 0;
    if (text.substr(i, 2) == "ms") { unit = 1; i += 2; }
    else if (i < text.size()) {
      switch (text[i]) {
        case 's': unit = 1000; break;
        case 'm': unit = 60'000; break;
        case 'h': unit = 3'600'000; break;
        case 'd': unit = 86'400'000; break;
        case 'w': unit = 7 * 86'400'000LL; break;
        default: break;
      }
      if (unit) ++i;
    }
    if (unit == 0) {
      return InvalidArgumentError("invalid duration `" + std::string(text) +
                                  "`: missing or unknown unit after " + std::to_string(n) +
                                  " (units: ms s m h d w)");
    }
    // Each part fits, but their sum may not ("106751991167d106751991167d" wrapped negative, which
    // signed overflow makes undefined; a rule's `for` of it read as "fires as soon as it holds").
    if (n > std::numeric_limits<int64_t>::max() / unit ||
        total > std::numeric_limits<int64_t>::max() - n * unit) {
      return OutOfRangeError("duration `" + std::string(text) + "` is too large");
    }
    total += n * unit;
  }
  return total;
}

std::string FormatDurationMs(int64_t ms) {
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) { out = "-"; ms = -ms; }
  const struct { int64_t size; const char* name; } units[] = {
      {7 * 86'400'000LL, "w"}, {86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}, {1, "ms"}};
  for (const auto& u : units) {
    if (ms >= u.size) {
      out += std::to_string(ms / u.size) + u.name;
      ms %= u.size;
    }
  }
  return out;
}

bool IsGoZeroTime(std::string_view text) { return text.rfind("0001-01-01T00:00:00", 0) == 0; }

Result<int64_t> ParseRfc3339Ms(std::string_view t) {
  auto bad = [&](const char* why) {
    return InvalidArgumentError("invalid timestamp " + QuoteClipped(t) + ": " + why +
                                " (expected RFC 3339, e.g. 2024-05-01T12:00:00Z)");
  };
  auto num = [&](size_t pos, size_t len, int& out) {
    if (pos + len > t.size()) return false;
    out = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(t[i]))) return false;
      out = out * 10 + (t[i] - '0');
    }
    return true;
  };
  int y, mo, d, h, mi, s;
  if (!num(0, 4, y) || t.size() < 19 || t[4] != '-' || !num(5, 2, mo) || t[7] != '-' || !num(8, 2, d) ||
      (t[10] != 'T' && t[10] != 't' && t[10] != ' ') || !num(11, 2, h) || t[13] != ':' ||
      !num(14, 2, mi) || t[16] != ':' || !num(17, 2, s)) {
    return bad("malformed date or time");
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return bad("field out of range");
  // A day the month does not have (Feb 29 of a non-leap year, Apr 31) is refused, not rolled into
  // the next month (RG11: a year-less "Feb 29" log line read in 2026 became Mar 1).
  const std::optional<int64_t> days = CivilDayNumber(y, mo, d);
  if (!days) {
    return bad(mo == 2 && d == 29 ? "February 29 in a year that is not a leap year" : "day out of range for its month");
  }
  size_t i = 19;
  int64_t frac_ms = 0;
  if (i < t.size() && t[i] == '.') {
    ++i;
    int digits = 0;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) {
      if (digits < 3) frac_ms = frac_ms * 10 + (t[i] - '0');
      ++digits;
      ++i;
    }
    if (digits == 0) return bad("empty fraction");
    for (int k = digits; k < 3; ++k) frac_ms *= 10;
  }
  int64_t offset_min = 0;
  if (i == t.size()) {
    // no zone: UTC
  } else if (t[i] == 'Z' || t[i] == 'z') {
    ++i;
  } else if (t[i] == '+' || t[i] == '-') {
    // RFC 3339's +hh:mm, and ISO 8601's +hhmm (`date +%FT%T%z`, Python's and Go's %z) and +hh
    // (refused before RV3); hours past 23 or minutes past 59 are refused (`+99:99` was read).
    int oh = 0, om = 0;
    const size_t rest = t.size() - i - 1;
    const bool colon = rest == 5 && t[i + 3] == ':';
    if (!num(i + 1, 2, oh) || !(rest == 2 || rest == 4 || colon) || (rest > 2 && !num(i + (colon ? 4 : 3), 2, om))) {
      return bad("malformed zone offset (+hh:mm, +hhmm or +hh)");
    }
    if (oh > 23 || om > 59) return bad("zone offset out of range");
    offset_min = (oh * 60 + om) * (t[i] == '+' ? 1 : -1);
    i = t.size();
  }
  if (i != t.size()) return bad("trailing characters");
  int64_t secs = *days * 86400 + h * 3600 + mi * 60 + s - offset_min * 60;
  return secs * 1000 + frac_ms;
}

std::string FormatRfc3339Ms(int64_t unix_ms) {
  // Floor division by remainder adjustment: `(unix_ms - 999) / 1000` overflowed at INT64_MIN.
  int64_t secs = unix_ms / 1000;
  int64_t ms = unix_ms % 1000;
  if (ms < 0) ms += 1000, --secs;
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) rem += 86400, --days;
  const CivilDate date = CivilDateOfDayNumber(days);
  const long long y = static_cast<long long>(date.year);
  const unsigned m = static_cast<unsigned>(date.month), d = static_cast<unsigned>(date.day);
  char buf[96];
  if (ms) {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", y, m, d,
                  static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                  static_cast<long long>(rem % 60), static_cast<long long>(ms));
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", y, m, d,
                  static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                  static_cast<long long>(rem % 60));
  }
  return buf;
}

}  // namespace vigil
