// Calendar dates: the day number of a year-month-day and the month of a syslog-style abbreviation.
// One copy for every reader of dates (TW2: core's RFC 3339 parser, agents' change-log, stale-counter and
// date-only line readers each carried their own days_from_civil; syslog, dmesg -T and Fabric Manager
// readers each their own month table). Pure functions, thread safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace vigil {

// The day number (days since 1970-01-01; earlier days negative) of a proleptic Gregorian date, year 0
// and negative years counted astronomically (Howard Hinnant's days_from_civil); nullopt for a date the
// calendar does not have: month 0 or 13, day 0 or 32, April 31, February 30, February 29 of a common
// year (2100 is one, 2000 is not). Any int year.
std::optional<int64_t> CivilDayNumber(int y, int m, int d);

// The days of month `m` (1-12) in year `y` of the proleptic Gregorian calendar (February 29 in a leap
// year: divisible by 4, not by 100 unless by 400); 0 for a month 0 or 13.
int DaysInMonth(int64_t y, int m);

// The date of a day number (days since 1970-01-01), the inverse of CivilDayNumber (Hinnant's
// civil_from_days): year, month 1-12, day 1-31. Any int64 day number whose year fits int64.
struct CivilDate {
  int64_t year = 1970;
  int month = 1;
  int day = 1;
};
CivilDate CivilDateOfDayNumber(int64_t z);

// The month of an English three-letter abbreviation as syslog, dmesg -T and Fabric Manager print it:
// "Jan" -> 1 ... "Dec" -> 12; anything else 0 (case matters: "jan", "JAN", "Sept", "January" are 0).
int MonthOfAbbrev(std::string_view name);

}  // namespace vigil
