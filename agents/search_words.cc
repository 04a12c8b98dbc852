#include "agents/search_words.h"

#include <cctype>

#include "core/ascii.h"


namespace vigil {
namespace {

bool Digit(char c) { return c >= '0' && c <= '9'; }
bool Letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool Alnum(char c) { return Digit(c) || Letter(c); }

// Units of time, size, rate, frequency, power, temperature and compute: the word after a number
// that makes it a measurement. Matched case-blind; `C` and `W` (a temperature, a power) only as
// capitals, so that no word is taken for them.
constexpr std::string_view kUnits[] = {
    "ns",   "us",    "ms",     "s",      "sec",    "secs",  "second", "seconds", "m",    "min",  "mins",
    "minute", "minutes", "h",  "hr",     "hrs",    "hour",  "hours",  "day",     "days", "kb",   "kib",
    "mb",   "mib",   "gb",     "gib",    "tb",     "tib",   "hz",     "khz",     "mhz",  "ghz",  "kw",
    "degc", "tflop", "tflops", "gflops", "pflops", "gbps",  "mbps",   "percent", "k"};

bool IsUnit(std::string_view word) {
  if (word == "C" || word == "W") return true;
  for (std::string_view u : kUnits) {
    if (AsciiEqualsIgnoreCase(word, u)) return true;
  }
  return false;
}

// Letters written onto a number that make it a measurement: the units above and a multiplier `x`
// (1.36x). Not any other letters: "3b" of a PCI bus id, "1e" of 1e-5, "100g" of a NIC's name.
bool IsAttachedUnit(std::string_view word) { return IsUnit(word) || word == "x" || word == "X"; }

// Bytes of a temperature's unit with its degree sign at `text[at]` - `°C`, `°F` (either case) or
// one character `℃`, `℉` - not run into a word (`°Cx`); 0 when none (KB10, 2026-12-05).
size_t DegreeUnitAt(std::string_view text, size_t at) {
  size_t len = 0;
  const std::string_view rest = text.substr(at);
  if (rest.starts_with("\xC2\xB0") && rest.size() > 2 && (rest[2] == 'C' || rest[2] == 'c' || rest[2] == 'F' || rest[2] == 'f')) {
    len = 3;
  } else if (rest.starts_with("\xE2\x84\x83") || rest.starts_with("\xE2\x84\x89")) {  // U+2103 ℃, U+2109 ℉
    len = 3;
  }
  if (len == 0 || (len < rest.size() && (Alnum(rest[len]) || rest[len] == '_'))) return 0;
  return len;
}

}  // namespace

std::string WithoutMeasuredValues(std::string_view text) {
  std::string out(text);
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    if (!Digit(text[i])) {
      ++i;
      continue;
    }
    const size_t start = i;
    // Inside a word or a name (h200, mlx5_6, node-41, gpu-s21) or a compound (0000:41:00.0): kept.
    if (start > 0) {
      const char p = text[start - 1];
      const char pp = start > 1 ? text[start - 2] : ' ';
      if (Alnum(p) || p == '_' || ((p == '-' || p == '.' || p == ':') && (Alnum(pp) || pp == '_'))) {
        while (i < n && (Alnum(text[i]) || text[i] == '_')) ++i;
        continue;
      }
    }
    // The number: digits, thousands groups (200,000), one decimal part.
    while (i < n && Digit(text[i])) ++i;
    while (i + 3 < n && text[i] == ',' && Digit(text[i + 1]) && Digit(text[i + 2]) && Digit(text[i + 3]) &&
           (i + 4 >= n || !Digit(text[i + 4]))) {
      i += 4;
    }
    if (i + 1 < n && text[i] == '.' && Digit(text[i + 1])) {
      ++i;
      while (i < n && Digit(text[i])) ++i;
    }
    // A compound of numbers (a version, an IP address, a PCI bus id): the whole is one identifier.
    if (i + 1 < n && (text[i] == '.' || text[i] == ':') && Alnum(text[i + 1])) {
      while (i < n && (Alnum(text[i]) || ((text[i] == '.' || text[i] == ':') && i + 1 < n && Alnum(text[i + 1])))) ++i;
      continue;
    }
    const size_t number_end = i;
    // Letters written onto it: a unit (30m, 200k, 1.36x, 1400MHz) or a word (3b, 1e).
    size_t letters_end = i;
    while (letters_end < n && Letter(text[letters_end])) ++letters_end;
    bool measured = false;
    size_t blank_end = number_end;
    if (letters_end > number_end) {
      const std::string_view unit = text.substr(number_end, letters_end - number_end);
      if (letters_end < n && (Digit(text[letters_end]) || text[letters_end] == '_')) {
        // "3b4", "5x_" : a word.
      } else if (IsAttachedUnit(unit)) {
        measured = true;
        // A one-letter unit is no search word; a longer one ("MHz", "GiB") stays.
        if (unit.size() == 1) blank_end = letters_end;
      }
      i = letters_end;
      if (!measured) {
        while (i < n && (Alnum(text[i]) || text[i] == '_')) ++i;
        continue;
      }
    } else if (i < n && text[i] == '%') {
      measured = true;
      blank_end = i + 1;
    } else if (DegreeUnitAt(text, i) > 0 || (i + 1 < n && text[i] == ' ' && DegreeUnitAt(text, i + 1) > 0)) {
      measured = true;  // 92°C, 92 °C, 92 ℃, 185°F: the unit stays
    } else {
      // A unit word after a space (1400 MHz, 12 GiB, 9.5 s, 35 %).
      size_t j = i;
      while (j < n && j - i < 2 && text[j] == ' ') ++j;
      if (j > i && j < n && text[j] == '%') {
        measured = true;
      } else if (j > i) {
        size_t k = j;
        while (k < n && Letter(text[k])) ++k;
        if (k > j && (k >= n || !(Digit(text[k]) || text[k] == '_')) && IsUnit(text.substr(j, k - j))) measured = true;
      }
    }
    // A threshold: the number a comparison holds it to (> 200000, <= 0.5, < 60).
    if (!measured) {
      size_t b = start;
      while (b > 0 && text[b - 1] == ' ') --b;
      if (b > 0 && text[b - 1] == '=' && b > 1 && (text[b - 2] == '<' || text[b - 2] == '>')) measured = true;
      if (b > 0 && (text[b - 1] == '<' || text[b - 1] == '>')) measured = true;
    }
    if (measured) {
      for (size_t k = start; k < blank_end; ++k) out[k] = ' ';
    }
  }
  return out;
}

std::string WithoutHostRanges(std::string_view text) {
  std::string out(text);
  const size_t n = text.size();
  for (size_t i = 1; i < n; ++i) {
    if (text[i] != '[') continue;
    const char before = text[i - 1];
    const bool after_name = std::isalnum(static_cast<unsigned char>(before)) || before == '-' || before == '_' ||
                            before == '/' || before == '.';
    if (!after_name) continue;
    size_t j = i + 1;
    bool joined = false, digit = false;
    while (j < n && (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == '-' || text[j] == ',')) {
      if (text[j] == '-' || text[j] == ',') joined = true;
      else digit = true;
      ++j;
    }
    if (j >= n || text[j] != ']' || !joined || !digit) continue;
    for (size_t k = i + 1; k < j; ++k) out[k] = ' ';
    i = j;
  }
  return out;
}

}  // namespace vigil
