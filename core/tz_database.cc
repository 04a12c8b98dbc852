#include "core/tz_database.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/civil_date.h"

namespace vigil {
namespace {

constexpr size_t kHeaderBytes = 44;
// Far beyond any real zone file (the fattest hold under 2,000 transitions and 20 types).
constexpr uint32_t kMaxTransitions = 100000;
constexpr uint32_t kMaxTypes = 256;
constexpr uint32_t kMaxChars = 4096;
constexpr uint32_t kMaxLeaps = 10000;
constexpr size_t kMaxFileBytes = 1 << 20;

uint32_t Be32(std::string_view b, size_t at) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(b[at])) << 24) |
         (static_cast<uint32_t>(static_cast<unsigned char>(b[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(b[at + 2])) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 3]));
}
int64_t Be64(std::string_view b, size_t at) {
  return static_cast<int64_t>((static_cast<uint64_t>(Be32(b, at)) << 32) | Be32(b, at + 4));
}

struct Counts {
  uint32_t isut = 0, isstd = 0, leap = 0, time = 0, type = 0, chars = 0;
  size_t DataBytes(size_t time_size) const {
    return static_cast<size_t>(time) * time_size + time + static_cast<size_t>(type) * 6 + chars +
           static_cast<size_t>(leap) * (time_size + 4) + isstd + isut;
  }
};

Result<Counts> ReadHeader(std::string_view b, size_t at, char* version) {
  if (b.size() < at + kHeaderBytes) {
    return InvalidArgumentError("TZif: truncated header at byte " + std::to_string(at) + " (the data is " +
                                std::to_string(b.size()) + " bytes)");
  }
  if (b.substr(at, 4) != "TZif") return InvalidArgumentError("TZif: no \"TZif\" magic at byte " + std::to_string(at));
  *version = b[at + 4];
  if (*version != '\0' && (*version < '2' || *version > '4')) {
    return InvalidArgumentError("TZif: unknown version byte " + std::to_string(static_cast<unsigned char>(*version)) +
                                " at byte " + std::to_string(at + 4));
  }
  Counts c;
  c.isut = Be32(b, at + 20);
  c.isstd = Be32(b, at + 24);
  c.leap = Be32(b, at + 28);
  c.time = Be32(b, at + 32);
  c.type = Be32(b, at + 36);
  c.chars = Be32(b, at + 40);
  if (c.type == 0 || c.type > kMaxTypes || c.time > kMaxTransitions || c.chars > kMaxChars || c.leap > kMaxLeaps ||
      (c.isut != 0 && c.isut != c.type) || (c.isstd != 0 && c.isstd != c.type)) {
    return InvalidArgumentError("TZif: counts out of range in the header at byte " + std::to_string(at) +
                                " (transitions " + std::to_string(c.time) + ", types " + std::to_string(c.type) +
                                ", characters " + std::to_string(c.chars) + ", leap records " +
                                std::to_string(c.leap) + ")");
  }
  return c;
}

// The day number of a date the rules name (always a real one: month 1-12, day 1 or a day of the month).
int64_t DayNumber(int64_t y, int m, int d) { return CivilDayNumber(static_cast<int>(y), m, d).value_or(0); }
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// A POSIX TZ string, parsed.
struct PosixRule {
  std::string std_name, dst_name;
  int std_utoff_s = 0;  // seconds east of UTC (POSIX writes west: "CET-1" is +3600)
  int dst_utoff_s = 0;
  bool has_dst = false;
  struct Date {
    char kind = 'M';  // 'M' (Mm.w.d), 'J' (Jn, 1-365, no Feb 29), 'n' (0-365, Feb 29 counted)
    int month = 0, week = 0, wday = 0, day = 0;
    int time_s = 2 * 3600;
  } start, end;
  bool has_rule = false;
};

class TzParser {
 public:
  explicit TzParser(std::string_view s) : s_(s) {}
  Result<PosixRule> Parse() {
    PosixRule r;
    if (!Name(&r.std_name)) return Bad("a zone abbreviation (3+ letters or <...>)");
    int off = 0;
    if (!Offset(&off, false)) return Bad("the standard offset ([+-]hh[:mm[:ss]])");
    r.std_utoff_s = -off;
    if (at_end()) return r;
    if (!Name(&r.dst_name)) return Bad("a daylight-saving abbreviation or the end");
    r.has_dst = true;
    r.dst_utoff_s = r.std_utoff_s + 3600;
    if (!at_end() && s_[i_] != ',') {
      if (!Offset(&off, false)) return Bad("the daylight-saving offset");
      r.dst_utoff_s = -off;
    }
    if (at_end()) {
      // No rule: POSIX leaves it to the implementation; glibc and tzcode use the US rules.
      r.start = {'M', 3, 2, 0, 0, 2 * 3600};
      r.end = {'M', 11, 1, 0, 0, 2 * 3600};
      r.has_rule = true;
      return r;
    }
    if (s_[i_] != ',') return Bad("',' before the start rule");
    ++i_;
    if (!DateRule(&r.start)) return Bad("the start date (Mm.w.d, Jn or n)");
    if (at_end() || s_[i_] != ',') return Bad("',' before the end rule");
    ++i_;
    if (!DateRule(&r.end)) return Bad("the end date (Mm.w.d, Jn or n)");
    if (!at_end()) return Bad("the end of the rule");
    r.has_rule = true;
    return r;
  }

 private:
  bool at_end() const { return i_ >= s_.size(); }
  Status Bad(const std::string& expected) const {
    return InvalidArgumentError("TZ rule \"" + std::string(s_) + "\": expected " + expected + " at character " +
                                std::to_string(i_ + 1));
  }
  bool Name(std::string* out) {
    if (at_end()) return false;
    if (s_[i_] == '<') {
      const size_t close = s_.find('>', i_);
      if (close == std::string_view::npos || close - i_ - 1 < 3) return false;
      *out = std::string(s_.substr(i_ + 1, close - i_ - 1));
      i_ = close + 1;
      return true;
    }
    size_t j = i_;
    while (j < s_.size() && std::isalpha(static_cast<unsigned char>(s_[j]))) ++j;
    if (j - i_ < 3) return false;
    *out = std::string(s_.substr(i_, j - i_));
    i_ = j;
    return true;
  }
  bool Number(int* out, int max_digits) {
    size_t j = i_;
    int v = 0;
    while (j < s_.size() && j - i_ < static_cast<size_t>(max_digits) && std::isdigit(static_cast<unsigned char>(s_[j]))) {
      v = v * 10 + (s_[j] - '0');
      ++j;
    }
    if (j == i_) return false;
    i_ = j;
    *out = v;
    return true;
  }
  // [+-]hh[:mm[:ss]] in seconds; hours up to 24 for offsets, 167 for rule times (RFC 8536 3.3.1).
  bool Offset(int* out, bool rule_time) {
    int sign = 1;
    if (!at_end() && (s_[i_] == '+' || s_[i_] == '-')) {
      if (s_[i_] == '-') sign = -1;
      ++i_;
    }
    int h = 0, m = 0, sec = 0;
    if (!Number(&h, 3) || h > (rule_time ? 167 : 24)) return false;
    if (!at_end() && s_[i_] == ':') {
      ++i_;
      if (!Number(&m, 2) || m > 59) return false;
      if (!at_end() && s_[i_] == ':') {
        ++i_;
        if (!Number(&sec, 2) || sec > 59) return false;
      }
    }
    *out = sign * (h * 3600 + m * 60 + sec);
    return true;
  }
  bool DateRule(PosixRule::Date* d) {
    if (at_end()) return false;
    if (s_[i_] == 'M') {
      ++i_;
      d->kind = 'M';
      if (!Number(&d->month, 2) || d->month < 1 || d->month > 12) return false;
      if (at_end() || s_[i_] != '.') return false;
      ++i_;
      if (!Number(&d->week, 1) || d->week < 1 || d->week > 5) return false;
      if (at_end() || s_[i_] != '.') return false;
      ++i_;
      if (!Number(&d->wday, 1) || d->wday > 6) return false;
    } else if (s_[i_] == 'J') {
      ++i_;
      d->kind = 'J';
      if (!Number(&d->day, 3) || d->day < 1 || d->day > 365) return false;
    } else {
      d->kind = 'n';
      if (!Number(&d->day, 3) || d->day > 365) return false;
    }
    d->time_s = 2 * 3600;
    if (!at_end() && s_[i_] == '/') {
      ++i_;
      if (!Offset(&d->time_s, true)) return false;
    }
    return true;
  }

  std::string_view s_;
  size_t i_ = 0;
};

// The day number (days since 1970-01-01) a rule date names in `year`.
int64_t RuleDay(const PosixRule::Date& d, int64_t year) {
  const int64_t jan1 = DayNumber(year, 1, 1);
  if (d.kind == 'J') return jan1 + d.day - 1 + (DaysInMonth(year, 2) == 29 && d.day >= 60 ? 1 : 0);
  if (d.kind == 'n') return jan1 + d.day;
  const int days_in_month = DaysInMonth(year, d.month);
  const int64_t first = DayNumber(year, d.month, 1);
  const int first_wday = static_cast<int>(((first % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday (4)
  int day = 1 + (d.wday - first_wday + 7) % 7 + (d.week - 1) * 7;
  while (day > days_in_month) day -= 7;
  return first + day - 1;
}

ZoneOffset Make(int utoff_s, bool dst, std::string abbreviation) {
  return ZoneOffset{static_cast<int>(FloorDiv(utoff_s, 60)), dst, std::move(abbreviation)};
}

ZoneOffset EvalRule(const PosixRule& r, int64_t unix_s) {
  if (!r.has_dst || !r.has_rule) return Make(r.std_utoff_s, false, r.std_name);
  const int64_t year = CivilDateOfDayNumber(FloorDiv(unix_s + r.std_utoff_s, 86400)).year;
  // The start is written in standard local time, the end in daylight-saving local time.
  const int64_t start = RuleDay(r.start, year) * 86400 + r.start.time_s - r.std_utoff_s;
  const int64_t end = RuleDay(r.end, year) * 86400 + r.end.time_s - r.dst_utoff_s;
  const bool dst = start < end ? (unix_s >= start && unix_s < end) : !(unix_s >= end && unix_s < start);
  return dst ? Make(r.dst_utoff_s, true, r.dst_name) : Make(r.std_utoff_s, false, r.std_name);
}

}  // namespace

bool IsIanaZoneName(std::string_view name) {
  if (name.empty() || name.size() > 64 || !std::isalpha(static_cast<unsigned char>(name[0]))) return false;
  size_t seg_start = 0;
  for (size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '/') {
      const std::string_view seg = name.substr(seg_start, i - seg_start);
      if (seg.empty() || seg == "." || seg == "..") return false;
      seg_start = i + 1;
      continue;
    }
    const unsigned char ch = static_cast<unsigned char>(name[i]);
    if (!std::isalnum(ch) && ch != '_' && ch != '+' && ch != '-') return false;
  }
  return true;
}

std::string DefaultZoneinfoDir() {
  const char* dir = std::getenv("TZDIR");
  if (dir != nullptr && *dir != '\0') return dir;
  return "/usr/share/zoneinfo";
}

Result<ZoneOffset> PosixTzOffsetAt(std::string_view rule, int64_t unix_ms) {
  TzParser parser(rule);
  Result<PosixRule> r = parser.Parse();
  if (!r.ok()) return r.status();
  return EvalRule(*r, unix_ms / 1000 - (unix_ms % 1000 < 0 ? 1 : 0));
}

Result<ZoneOffset> TzifOffsetAt(std::string_view b, int64_t unix_ms) {
  char version = 0;
  Result<Counts> v1 = ReadHeader(b, 0, &version);
  if (!v1.ok()) return v1.status();
  size_t at = kHeaderBytes;
  Counts c = *v1;
  size_t time_size = 4;
  if (version != '\0') {
    at += c.DataBytes(4);
    char v2_version = 0;
    Result<Counts> v2 = ReadHeader(b, at, &v2_version);
    if (!v2.ok()) return v2.status();
    c = *v2;
    at += kHeaderBytes;
    time_size = 8;
  }
  if (b.size() < at + c.DataBytes(time_size)) {
    return InvalidArgumentError("TZif: truncated data block at byte " + std::to_string(at) + " (needs " +
                                std::to_string(c.DataBytes(time_size)) + " bytes, " +
                                std::to_string(b.size() - std::min(b.size(), at)) + " left)");
  }
  const size_t times_at = at;
  const size_t idx_at = times_at + static_cast<size_t>(c.time) * time_size;
  const size_t types_at = idx_at + c.time;
  const size_t chars_at = types_at + static_cast<size_t>(c.type) * 6;
  const size_t end_at = at + c.DataBytes(time_size);
  auto type_at = [&](uint32_t t) -> Result<ZoneOffset> {
    const size_t p = types_at + static_cast<size_t>(t) * 6;
    const int32_t utoff = static_cast<int32_t>(Be32(b, p));
    const bool dst = b[p + 4] != 0;
    const uint32_t desig = static_cast<unsigned char>(b[p + 5]);
    if (desig >= c.chars && c.chars > 0) {
      return InvalidArgumentError("TZif: type " + std::to_string(t) + " names abbreviation index " +
                                  std::to_string(desig) + " beyond the " + std::to_string(c.chars) + " characters");
    }
    if (utoff <= -89999 || utoff >= 93600) {
      return InvalidArgumentError("TZif: type " + std::to_string(t) + " has offset " + std::to_string(utoff) +
                                  " s (beyond -25 h .. +26 h)");
    }
    std::string abbr;
    if (c.chars > 0) {
      const std::string_view rest = b.substr(chars_at + desig, c.chars - desig);
      abbr = std::string(rest.substr(0, rest.find('\0')));
    }
    return Make(utoff, dst, abbr);
  };
  const int64_t t = unix_ms / 1000 - (unix_ms % 1000 < 0 ? 1 : 0);
  auto time_of = [&](uint32_t i) {
    return time_size == 8 ? Be64(b, times_at + static_cast<size_t>(i) * 8)
                          : static_cast<int64_t>(static_cast<int32_t>(Be32(b, times_at + static_cast<size_t>(i) * 4)));
  };
  if (c.time == 0 || t < time_of(0)) {
    if (c.time == 0 && time_size == 8) {
      // No transition: the footer (when there is one) says the rule for all times.
      const std::string_view rest = b.substr(end_at);
      if (rest.size() >= 2 && rest[0] == '\n') {
        const size_t nl = rest.find('\n', 1);
        if (nl != std::string_view::npos && nl > 1) return PosixTzOffsetAt(rest.substr(1, nl - 1), unix_ms);
      }
    }
    return type_at(0);
  }
  // The last transition at or before t.
  uint32_t lo = 0, hi = c.time;  // time_of(lo) <= t < time_of(hi) (hi == c.time: none later)
  while (hi - lo > 1) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (time_of(mid) <= t) lo = mid;
    else hi = mid;
  }
  const uint32_t type = static_cast<unsigned char>(b[idx_at + lo]);
  if (type >= c.type) {
    return InvalidArgumentError("TZif: transition " + std::to_string(lo) + " names type " + std::to_string(type) +
                                " of " + std::to_string(c.type));
  }
  if (lo + 1 == c.time && time_size == 8) {
    const std::string_view rest = b.substr(end_at);
    if (!rest.empty()) {
      if (rest[0] != '\n') return InvalidArgumentError("TZif: footer at byte " + std::to_string(end_at) + " does not begin with a newline");
      const size_t nl = rest.find('\n', 1);
      if (nl == std::string_view::npos) return InvalidArgumentError("TZif: footer at byte " + std::to_string(end_at) + " has no closing newline");
      if (nl > 1) return PosixTzOffsetAt(rest.substr(1, nl - 1), unix_ms);
    }
  }
  return type_at(type);
}

Result<ZoneOffset> IanaZoneOffsetAt(std::string_view name, int64_t unix_ms, const std::string& zoneinfo_dir) {
  if (!IsIanaZoneName(name)) {
    std::string m = "\"";
    m.append(name.substr(0, 80));
    m += "\" is no IANA zone name (e.g. \"Europe/Berlin\", \"America/Los_Angeles\")";
    return InvalidArgumentError(m);
  }
  const std::string path = zoneinfo_dir + "/" + std::string(name);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return NotFoundError("zone \"" + std::string(name) + "\": no file " + path + " (is tzdata installed?)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("zone \"" + std::string(name) + "\": no file " + path + " (is tzdata installed?)");
  std::string bytes;
  bytes.resize(kMaxFileBytes + 1);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<size_t>(in.gcount()));
  if (bytes.size() > kMaxFileBytes) return InvalidArgumentError(path + ": over 1 MiB, no TZif file");
  Result<ZoneOffset> r = TzifOffsetAt(bytes, unix_ms);
  if (!r.ok()) return InvalidArgumentError(path + ": " + r.status().message());
  return r;
}

}  // namespace vigil
