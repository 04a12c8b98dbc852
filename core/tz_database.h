// The UTC offset of an IANA time zone ("Europe/Berlin", "America/Los_Angeles") at an instant,
// read from the system's compiled tz database: TZif files (RFC 8536), as Debian's tzdata installs
// them under /usr/share/zoneinfo. A zone's offset depends on the date (daylight saving time), so a
// name alone is no offset: the caller says at which instant.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace vigil {

struct ZoneOffset {
  int offset_min = 0;        // minutes east of UTC (+60 for CET, -420 for PDT)
  bool dst = false;          // daylight saving time in force
  std::string abbreviation;  // "CEST", "PDT" (empty when the file names none)
};

// Whether `name` has the shape of an IANA zone name: segments of [A-Za-z0-9_+-] separated by '/',
// the first starting with a letter, at most 64 characters, no empty segment (so no "..", no
// absolute path)
// ("Europe/Berlin", "America/Argentina/Buenos_Aires", "Etc/GMT+5", "UTC"). Says nothing of whether
// the database holds it.
bool IsIanaZoneName(std::string_view name);

// The folder of the compiled tz database: $TZDIR when set and non-empty, else /usr/share/zoneinfo.
std::string DefaultZoneinfoDir();

// The offset in force at `unix_ms` in the TZif data `tzif` (a file's whole bytes). Versions 1-4;
// for version 2+ the 64-bit block is read. Before the first transition: the first time type (RFC
// 8536 3.2). After the last: the footer's POSIX TZ rule when there is one ("CET-1CEST,M3.5.0,
// M10.5.0/3": the "Mm.w.d", "Jn" and "n" date forms), else the last transition's type. Errors say
// what is wrong and at which byte: not TZif, truncated, a count or index out of range, a footer
// that is no TZ rule.
Result<ZoneOffset> TzifOffsetAt(std::string_view tzif, int64_t unix_ms);

// The same for the zone `name` read from `zoneinfo_dir`/`name`. Errors: a name that is no zone
// name (IsIanaZoneName), a zone the database does not hold (the path said), an unreadable or
// malformed file (the path and TzifOffsetAt's reason).
Result<ZoneOffset> IanaZoneOffsetAt(std::string_view name, int64_t unix_ms,
                                    const std::string& zoneinfo_dir = DefaultZoneinfoDir());

// A POSIX TZ rule ("EST5EDT,M3.2.0,M11.1.0", "<+0330>-3:30", "JST-9") evaluated at `unix_ms`.
// Exposed for tests and for TZif footers.
Result<ZoneOffset> PosixTzOffsetAt(std::string_view rule, int64_t unix_ms);

}  // namespace vigil
