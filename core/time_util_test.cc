#include "core/time_util.h"
#include "core/civil_date.h"

#include <doctest/doctest.h>

#include <array>
#include <limits>
#include <optional>

namespace vigil {
namespace {

TEST_CASE("durations parse with units and compounds") {
  CHECK(ParseDurationMs("250ms").value() == 250);
  CHECK(ParseDurationMs("30s").value() == 30'000);
  CHECK(ParseDurationMs("5m").value() == 300'000);
  CHECK(ParseDurationMs("1h30m").value() == 5'400'000);
  CHECK(ParseDurationMs("1d").value() == 86'400'000);
  CHECK(ParseDurationMs("2w").value() == 14 * 86'400'000LL);
}

TEST_CASE("bad durations say what is wrong") {
  auto r = ParseDurationMs("5");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("missing or unknown unit") != std::string::npos);
  CHECK(ParseDurationMs("").status().code() == StatusCode::kInvalidArgument);
  CHECK(ParseDurationMs("m5").status().message().find("expected a number at position 1") != std::string::npos);
  CHECK(ParseDurationMs("5y").status().code() == StatusCode::kInvalidArgument);
  CHECK(ParseDurationMs("99999999999999999999d").status().code() == StatusCode::kOutOfRange);
}

TEST_CASE("a compound duration whose sum passes int64 is out of range, not wrapped negative") {
  // Each part is below INT64_MAX ms; their sum is not (it wrapped to a negative `for`).
  auto r = ParseDurationMs("106751991167d106751991167d");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kOutOfRange);
  CHECK(r.status().message().find("106751991167d106751991167d` is too large") != std::string::npos);
  CHECK(ParseDurationMs("15250284452w15250284452w").status().code() == StatusCode::kOutOfRange);
  // The largest sum that fits is still accepted.
  CHECK(ParseDurationMs("106751991167d1ms").value() == 106751991167LL * 86'400'000 + 1);
}

TEST_CASE("durations format to their shortest exact form") {
  CHECK(FormatDurationMs(0) == "0s");
  CHECK(FormatDurationMs(90'000) == "1m30s");
  CHECK(FormatDurationMs(86'400'000) == "1d");
  CHECK(FormatDurationMs(1500) == "1s500ms");
}

TEST_CASE("RFC 3339 round trip") {
  CHECK(ParseRfc3339Ms("1970-01-01T00:00:00Z").value() == 0);
  CHECK(ParseRfc3339Ms("2024-05-01T12:00:00Z").value() == 1714564800000);
  CHECK(ParseRfc3339Ms("2024-05-01T14:00:00.5+02:00").value() == 1714564800500);
  CHECK(ParseRfc3339Ms("2024-05-01 12:00:00").value() == 1714564800000);
  CHECK(FormatRfc3339Ms(1714564800000) == "2024-05-01T12:00:00Z");
  CHECK(FormatRfc3339Ms(1714564800123) == "2024-05-01T12:00:00.123Z");
  CHECK(ParseRfc3339Ms(FormatRfc3339Ms(-1)).value() == -1);
  CHECK(FormatRfc3339Ms(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(FormatRfc3339Ms(-86400000) == "1969-12-31T00:00:00Z");
  // The ends of int64 (an engine test's alert time reaches them): no signed overflow, and the
  // proleptic Gregorian dates java.time.Instant.ofEpochMilli gives for Long.MIN_VALUE / MAX_VALUE.
  CHECK(FormatRfc3339Ms(INT64_MIN) == "-292275055-05-16T16:47:04.192Z");
  CHECK(FormatRfc3339Ms(INT64_MAX) == "292278994-08-17T07:12:55.807Z");
}

TEST_CASE("bad timestamps are rejected with the reason") {
  CHECK(ParseRfc3339Ms("2024-13-01T00:00:00Z").status().message().find("out of range") != std::string::npos);
  CHECK(ParseRfc3339Ms("yesterday").status().code() == StatusCode::kInvalidArgument);
  CHECK(ParseRfc3339Ms("2024-05-01T12:00:00Zjunk").status().message().find("trailing") != std::string::npos);
  // A day its month does not have is refused, not rolled into the next month (RG11).
  CHECK(ParseRfc3339Ms("2024-02-29T12:00:00Z").ok());
  CHECK(ParseRfc3339Ms("2000-02-29T12:00:00Z").ok());
  CHECK(ParseRfc3339Ms("2026-02-29T12:00:00Z").status().message().find("not a leap year") != std::string::npos);
  CHECK(ParseRfc3339Ms("1900-02-29T12:00:00Z").status().message().find("not a leap year") != std::string::npos);
  CHECK(ParseRfc3339Ms("2026-04-31T12:00:00Z").status().message().find("day out of range") != std::string::npos);
  CHECK(ParseRfc3339Ms("2026-12-31T23:59:59Z").ok());
}

// RV3: a zone offset was read whatever its numbers (`+99:99` moved the time by 4 days without a
// word) and ISO 8601's other offset forms were refused: `+0530` (`date +%FT%T%z`, Python's and
// Go's %z) and `+05`. Now both forms read and an offset past 23:59 is refused.
TEST_CASE("zone offsets: +hh:mm, +hhmm and +hh read; an offset past 23:59 refused (RV3)") {
  const int64_t noon = 1714564800000;  // 2024-05-01T12:00:00Z
  CHECK(ParseRfc3339Ms("2024-05-01T17:30:00+05:30").value() == noon);
  CHECK(ParseRfc3339Ms("2024-05-01T17:30:00+0530").value() == noon);
  CHECK(ParseRfc3339Ms("2024-05-01T10:00:00-0200").value() == noon);
  CHECK(ParseRfc3339Ms("2024-05-01T14:00:00+02").value() == noon);
  CHECK(ParseRfc3339Ms("2024-05-01 12:00:00.250+0000").value() == noon + 250);
  for (const char* bad : {"2024-05-01T12:00:00+99:99", "2024-05-01T12:00:00+24:00", "2024-05-01T12:00:00+05:60",
                          "2024-05-01T12:00:00+2400"}) {
    INFO(std::string(bad));
    CHECK(ParseRfc3339Ms(bad).status().message().find("zone offset out of range") != std::string::npos);
  }
  for (const char* bad : {"2024-05-01T12:00:00+5", "2024-05-01T12:00:00+053", "2024-05-01T12:00:00+05:3",
                          "2024-05-01T12:00:00+05:300", "2024-05-01T12:00:00+"}) {
    INFO(std::string(bad));
    CHECK_FALSE(ParseRfc3339Ms(bad).ok());
  }
}

TEST_CASE("CivilDayNumber: days since 1970-01-01 of a real date, nullopt for one no calendar has") {
  CHECK(CivilDayNumber(1970, 1, 1) == 0);
  CHECK(CivilDayNumber(1969, 12, 31) == -1);
  CHECK(CivilDayNumber(2024, 5, 1) == 19844);  // 1714564800000 ms / 86400000
  // Leap years: 2000 (divisible by 400) has February 29, 2100 (by 100, not 400) has not.
  CHECK(CivilDayNumber(2000, 2, 29) == 11016);
  CHECK(CivilDayNumber(2000, 3, 1) == 11017);
  CHECK(CivilDayNumber(2024, 2, 29) == CivilDayNumber(2024, 3, 1).value() - 1);
  CHECK(CivilDayNumber(2100, 2, 28) == 47540);
  CHECK(CivilDayNumber(2100, 3, 1) == 47541);
  CHECK(CivilDayNumber(1600, 2, 29) == -135081);
  const std::array<int, 3> impossible[] = {{2100, 2, 29}, {2026, 2, 29}, {1900, 2, 29}, {2024, 2, 30},
                                           {2026, 4, 31}, {2026, 0, 1},  {2026, 13, 1}, {2026, 1, 0},
                                           {2026, 1, 32}, {2026, -1, 1}, {2026, 1, -1}};
  for (const auto& [y, m, d] : impossible) {
    INFO(y << "-" << m << "-" << d);
    CHECK_FALSE(CivilDayNumber(y, m, d).has_value());
  }
  // Year 0 (a leap year) and negative years are counted astronomically, as the unchecked arithmetic
  // under ParseRfc3339Ms always counted them; the far years of an int do not overflow.
  CHECK(CivilDayNumber(0, 3, 1) == -719468);
  CHECK(CivilDayNumber(0, 2, 29) == -719469);
  CHECK(CivilDayNumber(0, 1, 1) == -719528);
  CHECK(CivilDayNumber(-1, 12, 31) == -719529);
  CHECK(CivilDayNumber(-1, 1, 1) == -719893);
  CHECK(CivilDayNumber(-400, 1, 1) == -865625);
  CHECK_FALSE(CivilDayNumber(-100, 2, 29).has_value());
  CHECK(CivilDayNumber(9999, 12, 31) == 2932896);
  CHECK(CivilDayNumber(1000000, 1, 1) == 364522972);
  CHECK(CivilDayNumber(-1000000, 1, 1) == -365962028);
  CHECK(CivilDayNumber(std::numeric_limits<int>::max(), 12, 31) == 784351576776);
  CHECK(CivilDayNumber(std::numeric_limits<int>::min(), 1, 1) == -784353015833);
}

TEST_CASE("CivilDayNumber counts every day once, from 801 BC to AD 2800") {
  int64_t expect = CivilDayNumber(-800, 1, 1).value();
  int days = 0;
  for (int y = -800; y <= 2800; ++y) {
    for (int m = 1; m <= 12; ++m) {
      for (int d = 1; d <= 31; ++d) {
        const std::optional<int64_t> n = CivilDayNumber(y, m, d);
        if (!n) continue;
        if (*n != expect) {
          FAIL_CHECK(y << "-" << m << "-" << d << ": " << *n << ", expected " << expect);
          return;
        }
        ++expect;
        ++days;
      }
    }
  }
  CHECK(days == 9 * 146097 + 366);  // -800 .. 2799: nine 400-year cycles; 2800 a leap year
}

TEST_CASE("MonthOfAbbrev reads the three-letter English month names as syslog prints them, case and all") {
  const char* names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; ++i) CHECK(MonthOfAbbrev(names[i]) == i + 1);
  for (const char* no : {"", "jan", "JAN", "Sept", "January", "Ja", "Jan ", " Jan", "Mai", "Okt"}) {
    INFO(std::string(no));
    CHECK(MonthOfAbbrev(no) == 0);
  }
}

TEST_CASE("CivilDateOfDayNumber is CivilDayNumber's inverse") {
  CHECK(CivilDateOfDayNumber(0).year == 1970);
  CHECK(CivilDateOfDayNumber(-1).year == 1969);
  CHECK(CivilDateOfDayNumber(-1).month == 12);
  CHECK(CivilDateOfDayNumber(-1).day == 31);
  CHECK(CivilDateOfDayNumber(11016).month == 2);  // 2000-02-29
  CHECK(CivilDateOfDayNumber(11016).day == 29);
  int bad = 0;
  for (int64_t z = -1'000'000; z <= 1'000'000; z += 7) {
    const CivilDate d = CivilDateOfDayNumber(z);
    const std::optional<int64_t> back = CivilDayNumber(static_cast<int>(d.year), d.month, d.day);
    if (!back || *back != z) ++bad;
  }
  CHECK(bad == 0);
}

TEST_CASE("DaysInMonth: the Gregorian months, leap Februaries") {
  CHECK(DaysInMonth(2026, 1) == 31);
  CHECK(DaysInMonth(2026, 4) == 30);
  CHECK(DaysInMonth(2026, 2) == 28);
  CHECK(DaysInMonth(2024, 2) == 29);
  CHECK(DaysInMonth(2000, 2) == 29);
  CHECK(DaysInMonth(2100, 2) == 28);
  CHECK(DaysInMonth(-4, 2) == 29);
  CHECK(DaysInMonth(2026, 0) == 0);
  CHECK(DaysInMonth(2026, 13) == 0);
}

}  // namespace
}  // namespace vigil
