// Time helpers: durations in rule/config syntax and RFC 3339 timestamps.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace vigil {

// Parses "250ms", "30s", "5m", "1h", "1d", "1w", and compounds like "1h30m" into milliseconds.
// A bare number is rejected (units are required). Errors name the offending text.
Result<int64_t> ParseDurationMs(std::string_view text);
// The shortest exact form: 90000 -> "1m30s", 0 -> "0s".
std::string FormatDurationMs(int64_t ms);

// RFC 3339 / ISO 8601 with optional fraction and zone ("2024-05-01T12:00:00Z",
// "2024-05-01T12:00:00.123+02:00", also "2024-05-01 12:00:00" as UTC) to Unix ms.
Result<int64_t> ParseRfc3339Ms(std::string_view text);
// Whether `text` is Go's zero time ("0001-01-01T00:00:00Z" and its forms), which Alertmanager writes
// for an unset endsAt (older versions for startsAt too): "unset", not a time.
bool IsGoZeroTime(std::string_view text);
// UTC, millisecond precision: "2024-05-01T12:00:00.123Z" (fraction omitted when zero).
std::string FormatRfc3339Ms(int64_t unix_ms);

}  // namespace vigil
