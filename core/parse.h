// Non-throwing number parsing for untrusted text (log lines, case files, HTTP headers, imports).
//
// std::stoi / std::stod throw std::out_of_range on "99999999999999999999" or "1e999", and a
// regex capture of `\d+` from a log line is untrusted however tight the regex: one such line
// must not abort a diagnosis. These functions never throw and never allocate.
//
// Contract, shared by all of them:
// - The whole of `text` is the number: no leading or trailing whitespace, no trailing junk
//   ("12abc" and "12 " are rejected). Callers that hold a regex capture pass it as is.
// - An optional sign: '-' or '+' ("+7" is 7; a lone sign is rejected). ParseUint rejects '-'.
// - Base 10 only ("0x1f" is rejected; leading zeros are fine: "007" is 7).
// - A value outside the result type's range is std::nullopt, never a wrapped or clamped value:
//   the caller decides what an absurd number means at its site (usually "unknown").
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace vigil {

// Integers in int64_t range.
std::optional<int64_t> ParseInt(std::string_view text);
// Integers in int32_t range (GPU indices, ranks, years): "3000000000" is nullopt, not a wrap.
std::optional<int32_t> ParseInt32(std::string_view text);
// Non-negative integers in uint64_t range (counters, generations).
std::optional<uint64_t> ParseUint(std::string_view text);

// Finite doubles: "1.5", "-.5", "5.", "1e-3", "2E+10". Not accepted: "inf", "infinity", "nan"
// (any case), hexadecimal floats, and values whose magnitude overflows ("1e999") or underflows
// to zero ("1e-400"): all std::nullopt. Exact zero ("0e5") and subnormals ("1e-310") are fine.
std::optional<double> ParseDouble(std::string_view text);

// Like ParseDouble, but parses the longest number at the start of `text` and stores the
// number of characters it used in `*used` (0 when it returns nullopt), for tokenizers:
// ParseDoublePrefix("10m", &n) is 10 with n == 2. A prefix that is a number out of range
// ("1e999m") is nullopt with *used the length of that number, so a tokenizer can report it.
std::optional<double> ParseDoublePrefix(std::string_view text, size_t* used);

}  // namespace vigil
