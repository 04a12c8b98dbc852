#include "core/parse.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace vigil {
namespace {

// from_chars takes '-' but not '+'; strip a '+' that is followed by a digit or '.'.
std::string_view StripPlus(std::string_view text) {
  if (text.size() >= 2 && text[0] == '+' && text[1] != '-' && text[1] != '+') text.remove_prefix(1);
  return text;
}

template <typename Int>
std::optional<Int> ParseWhole(std::string_view text) {
  text = StripPlus(text);
  if (text.empty()) return std::nullopt;
  Int value{};
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 10);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

// True when `text` (after a sign) starts like "inf" or "nan", which from_chars accepts.
bool StartsNonFinite(std::string_view text) {
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) text.remove_prefix(1);
  if (text.empty()) return false;
  char c = static_cast<char>(text[0] | 0x20);
  return c == 'i' || c == 'n';
}

}  // namespace

std::optional<int64_t> ParseInt(std::string_view text) { return ParseWhole<int64_t>(text); }
std::optional<int32_t> ParseInt32(std::string_view text) { return ParseWhole<int32_t>(text); }
std::optional<uint64_t> ParseUint(std::string_view text) {
  if (!text.empty() && text[0] == '-') return std::nullopt;  // from_chars would reject it too; be explicit
  return ParseWhole<uint64_t>(text);
}

std::optional<double> ParseDoublePrefix(std::string_view text, size_t* used) {
  *used = 0;
  if (StartsNonFinite(text)) return std::nullopt;
  size_t plus = 0;
  std::string_view body = StripPlus(text);
  if (body.size() != text.size()) plus = 1;
  if (body.empty()) return std::nullopt;
  double value = 0;
  auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), value, std::chars_format::general);
  if (ec == std::errc::invalid_argument) return std::nullopt;
  *used = plus + static_cast<size_t>(ptr - body.data());
  if (ec != std::errc() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<double> ParseDouble(std::string_view text) {
  size_t used = 0;
  auto v = ParseDoublePrefix(text, &used);
  if (!v || used != text.size()) return std::nullopt;
  return v;
}

}  // namespace vigil
