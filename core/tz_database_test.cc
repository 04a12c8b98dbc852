#include "core/tz_database.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

using namespace vigil;

namespace {

constexpr int64_t kS = 1000;  // ms per second
// UTC instants (python3 datetime, checked against the zoneinfo module).
constexpr int64_t kEuStart2026 = 1774746000;  // 2026-03-29T01:00:00Z, the last Sunday of March
constexpr int64_t kEuEnd2026 = 1792890000;    // 2026-10-25T01:00:00Z, the last Sunday of October
constexpr int64_t kUsStart2026 = 1772964000;  // 2026-03-08T10:00:00Z = 02:00 PST, the second Sunday of March
constexpr int64_t kUsEnd2026 = 1793523600;    // 2026-11-01T09:00:00Z = 02:00 PDT, the first Sunday of November
constexpr int64_t kSydEnd2026 = 1775318400;   // 2026-04-04T16:00:00Z = 03:00 AEDT Apr 5
constexpr int64_t kSydStart2026 = 1791043200; // 2026-10-03T16:00:00Z = 02:00 AEST Oct 4
constexpr int64_t kJul2026 = 1782864000;      // 2026-07-01T00:00:00Z
constexpr int64_t kJan2026 = 1768435200;      // 2026-01-15T00:00:00Z
constexpr int64_t kJul2050 = 2540246400;      // 2050-07-01T00:00:00Z (past a fat file's 2037 transitions)

void Put32(std::string& b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<char>((v >> s) & 0xff));
}
void Put64(std::string& b, int64_t v) {
  Put32(b, static_cast<uint32_t>(static_cast<uint64_t>(v) >> 32));
  Put32(b, static_cast<uint32_t>(v));
}

struct TestType {
  int32_t utoff;
  bool dst;
  uint8_t desig;
};

// A TZif file as RFC 8536 lays it out: version `version` ('\0' or '2'..'4'), the given transitions
// (time, type index) and types, abbreviation characters `chars`, and (version 2+) `footer`.
std::string Tzif(char version, const std::vector<std::pair<int64_t, uint8_t>>& transitions,
                 const std::vector<TestType>& types, const std::string& chars, const std::string& footer) {
  auto block = [&](size_t time_size) {
    std::string b = "TZif";
    b.push_back(version);
    b.append(15, '\0');
    Put32(b, 0);  // isutcnt
    Put32(b, 0);  // isstdcnt
    Put32(b, 0);  // leapcnt
    Put32(b, static_cast<uint32_t>(transitions.size()));
    Put32(b, static_cast<uint32_t>(types.size()));
    Put32(b, static_cast<uint32_t>(chars.size()));
    for (const auto& t : transitions) {
      if (time_size == 8) Put64(b, t.first);
      else Put32(b, static_cast<uint32_t>(static_cast<int32_t>(t.first)));
    }
    for (const auto& t : transitions) b.push_back(static_cast<char>(t.second));
    for (const TestType& t : types) {
      Put32(b, static_cast<uint32_t>(t.utoff));
      b.push_back(t.dst ? 1 : 0);
      b.push_back(static_cast<char>(t.desig));
    }
    b += chars;
    return b;
  };
  std::string out = block(4);
  if (version != '\0') out += block(8) + "\n" + footer + "\n";
  return out;
}

// Berlin-like: LMT before 1893, then CET / CEST transitions for 2026 only, and the EU rule after.
std::string BerlinLike(const std::string& footer = "CET-1CEST,M3.5.0,M10.5.0/3") {
  return Tzif('2', {{-2422051208, 1}, {kEuStart2026, 2}, {kEuEnd2026, 1}},
              {{3208, false, 0}, {3600, false, 4}, {7200, true, 8}}, std::string("LMT\0CET\0CEST\0", 13), footer);
}

}  // namespace

TEST_CASE("PosixTzOffsetAt: the EU, US and southern rules, their switch instants, fixed zones") {
  auto at = [](const char* rule, int64_t s) {
    Result<ZoneOffset> r = PosixTzOffsetAt(rule, s * kS);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    return *r;
  };
  const char* eu = "CET-1CEST,M3.5.0,M10.5.0/3";
  CHECK(at(eu, kEuStart2026 - 1).offset_min == 60);
  CHECK(at(eu, kEuStart2026 - 1).abbreviation == "CET");
  CHECK(at(eu, kEuStart2026).offset_min == 120);
  CHECK(at(eu, kEuStart2026).dst);
  CHECK(at(eu, kEuStart2026).abbreviation == "CEST");
  CHECK(at(eu, kEuEnd2026 - 1).offset_min == 120);
  CHECK(at(eu, kEuEnd2026).offset_min == 60);
  CHECK_FALSE(at(eu, kEuEnd2026).dst);

  const char* us = "PST8PDT,M3.2.0,M11.1.0";
  CHECK(at(us, kUsStart2026 - 1).offset_min == -480);
  CHECK(at(us, kUsStart2026).offset_min == -420);
  CHECK(at(us, kUsEnd2026 - 1).offset_min == -420);
  CHECK(at(us, kUsEnd2026).offset_min == -480);
  // No rule after the names: the US rule (as glibc and tzcode read it).
  CHECK(at("EST5EDT", kJul2026).offset_min == -240);
  CHECK(at("EST5EDT", kJan2026).offset_min == -300);

  // Southern hemisphere: daylight saving time spans the new year.
  const char* syd = "AEST-10AEDT,M10.1.0,M4.1.0/3";
  CHECK(at(syd, kJan2026).offset_min == 660);
  CHECK(at(syd, kSydEnd2026 - 1).offset_min == 660);
  CHECK(at(syd, kSydEnd2026).offset_min == 600);
  CHECK(at(syd, kJul2026).offset_min == 600);
  CHECK(at(syd, kSydStart2026 - 1).offset_min == 600);
  CHECK(at(syd, kSydStart2026).offset_min == 660);

  // Fixed zones, quoted names, half hours, the Jn / n forms.
  CHECK(at("JST-9", kJul2026).offset_min == 540);
  CHECK(at("<+0330>-3:30", kJul2026).offset_min == 210);
  CHECK(at("<-03>3", kJul2026).offset_min == -180);
  CHECK(at("IST-5:30", kJan2026).offset_min == 330);
  CHECK(at("XST-1XDT,J60/0,J300/0", kJul2026).offset_min == 120);  // Mar 1 .. Oct 27
  CHECK(at("XST-1XDT,59/0,299/0", kJan2026).offset_min == 60);
}

TEST_CASE("PosixTzOffsetAt: a malformed rule is refused, saying what and where") {
  for (const char* bad : {"", "CE-1", "CET", "CET-1CEST,M13.1.0,M10.5.0", "CET-1CEST,M3.6.0,M10.5.0",
                          "CET-1CEST,M3.5.7,M10.5.0", "CET-1CEST,M3.5.0", "CET-1CEST;M3.5.0,M10.5.0",
                          "CET-25", "CET-1:60", "<CE-1", "CET-1CEST,J366,M10.5.0", "CET-1CEST,M3.5.0,M10.5.0/3x"}) {
    CAPTURE(bad);
    Result<ZoneOffset> r = PosixTzOffsetAt(bad, kJul2026 * kS);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().find("expected") != std::string::npos);
    CHECK(r.status().message().find("at character") != std::string::npos);
  }
}

TEST_CASE("TzifOffsetAt: transitions, before the first, after the last (the footer), version 1") {
  const std::string berlin = BerlinLike();
  auto at = [](const std::string& tzif, int64_t s) {
    Result<ZoneOffset> r = TzifOffsetAt(tzif, s * kS);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    return *r;
  };
  CHECK(at(berlin, -2422051209).abbreviation == "LMT");  // before the first transition: type 0
  CHECK(at(berlin, -2422051209).offset_min == 53);       // 3208 s, floored to minutes
  CHECK(at(berlin, kJan2026).offset_min == 60);
  CHECK(at(berlin, kEuStart2026).offset_min == 120);
  CHECK(at(berlin, kEuStart2026).abbreviation == "CEST");
  // After the last transition (Oct 2026): the footer's rule, so July 2050 is CEST.
  CHECK(at(berlin, kJul2050).offset_min == 120);
  CHECK(at(berlin, kJul2050).dst);
  // Milliseconds just before a transition are before it.
  CHECK(TzifOffsetAt(berlin, kEuStart2026 * kS - 1)->offset_min == 60);
  // An empty footer (a zone with no rule): the last transition's type.
  CHECK(at(BerlinLike(""), kJul2050).offset_min == 60);
  // Version 1 (32-bit times only, no footer).
  const std::string v1 =
      Tzif('\0', {{kEuStart2026, 1}}, {{3600, false, 0}, {7200, true, 4}}, std::string("CET\0CEST\0", 9), "");
  CHECK(at(v1, kJan2026).offset_min == 60);
  CHECK(at(v1, kJul2026).offset_min == 120);
  // No transition at all, version 2: the footer rules every time.
  const std::string utc_like = Tzif('2', {}, {{0, false, 0}}, std::string("UTC\0", 4), "JST-9");
  CHECK(at(utc_like, kJul2026).offset_min == 540);
}

TEST_CASE("TzifOffsetAt: malformed data is refused with the reason and the byte") {
  const std::string good = BerlinLike();
  auto message = [](const std::string& tzif, int64_t s = kJul2026) {
    Result<ZoneOffset> r = TzifOffsetAt(tzif, s * kS);
    REQUIRE_FALSE(r.ok());
    return r.status().message();
  };
  CHECK(message("") .find("truncated header at byte 0") != std::string::npos);
  CHECK(message("TZjf" + good.substr(4)).find("no \"TZif\" magic at byte 0") != std::string::npos);
  std::string version = good;
  version[4] = '9';
  CHECK(message(version).find("unknown version") != std::string::npos);
  CHECK(message(good.substr(0, good.size() - 40)).find("truncated data block") != std::string::npos);
  // A transition naming a type that does not exist.
  const std::string bad_index =
      Tzif('2', {{kEuStart2026, 7}}, {{3600, false, 0}}, std::string("CET\0", 4), "");
  CHECK(message(bad_index).find("names type 7 of 1") != std::string::npos);
  // No types at all.
  CHECK(message(Tzif('2', {}, {}, "", "")).find("counts out of range") != std::string::npos);
  // An abbreviation index beyond the characters.
  CHECK(message(Tzif('2', {{0, 0}}, {{3600, false, 9}}, std::string("CET\0", 4), "")).find("abbreviation index 9") !=
        std::string::npos);
  // An offset no zone has.
  CHECK(message(Tzif('2', {{0, 0}}, {{100000, false, 0}}, std::string("X\0", 2), "")).find("beyond -25 h") !=
        std::string::npos);
  // A footer that is no rule, read for a time after the last transition (before it, it is not read).
  CHECK(message(BerlinLike("CET-1CEST,M3.5.0"), kJul2050).find("TZ rule") != std::string::npos);
  CHECK(TzifOffsetAt(BerlinLike("CET-1CEST,M3.5.0"), kJul2026 * kS)->offset_min == 120);
}

TEST_CASE("IsIanaZoneName: zone names, not paths") {
  for (const char* good : {"Europe/Berlin", "America/Argentina/Buenos_Aires", "Etc/GMT+5", "Etc/GMT-14", "UTC",
                           "America/Port-au-Prince"}) {
    CAPTURE(good);
    CHECK(IsIanaZoneName(good));
  }
  for (const char* bad : {"", "/etc/passwd", "../etc/passwd", "Europe/../../etc/passwd", "Europe//Berlin",
                          "Europe/Berlin/", "Europe/Berlin ", "Europe/./Berlin", "+01:00", "1Europe",
                          "Europe\\Berlin"}) {
    CAPTURE(bad);
    CHECK_FALSE(IsIanaZoneName(bad));
  }
  CHECK_FALSE(IsIanaZoneName(std::string(65, 'A')));
}

TEST_CASE("IanaZoneOffsetAt: the system's tz database (tzdata, installed by scripts/lib/setup.sh)") {
  const std::string dir = DefaultZoneinfoDir();
  REQUIRE_MESSAGE(std::filesystem::is_regular_file(dir + "/Europe/Berlin"), "no tzdata at " << dir);
  auto at = [&](const char* zone, int64_t s) {
    Result<ZoneOffset> r = IanaZoneOffsetAt(zone, s * kS, dir);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    return *r;
  };
  CHECK(at("Europe/Berlin", kJan2026).offset_min == 60);
  CHECK(at("Europe/Berlin", kJul2026).offset_min == 120);
  CHECK(at("Europe/Berlin", kJul2026).abbreviation == "CEST");
  CHECK(at("Europe/Berlin", kEuStart2026 - 1).offset_min == 60);
  CHECK(at("Europe/Berlin", kEuStart2026).offset_min == 120);
  CHECK(at("Europe/Berlin", kJul2050).offset_min == 120);
  CHECK(at("America/Los_Angeles", kUsStart2026 - 1).offset_min == -480);
  CHECK(at("America/Los_Angeles", kUsStart2026).offset_min == -420);
  CHECK(at("Asia/Kolkata", kJul2026).offset_min == 330);
  CHECK(at("Australia/Sydney", kJan2026).offset_min == 660);
  CHECK(at("UTC", kJul2026).offset_min == 0);

  Result<ZoneOffset> missing = IanaZoneOffsetAt("Mars/Olympus_Mons", kJul2026 * kS, dir);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK(missing.status().message().find(dir + "/Mars/Olympus_Mons") != std::string::npos);
  // A folder of the database is no zone.
  CHECK_FALSE(IanaZoneOffsetAt("Europe", kJul2026 * kS, dir).ok());
  Result<ZoneOffset> path = IanaZoneOffsetAt("../../etc/passwd", kJul2026 * kS, dir);
  REQUIRE_FALSE(path.ok());
  CHECK(path.status().message().find("no IANA zone name") != std::string::npos);
}

TEST_CASE("IanaZoneOffsetAt: a file that is no TZif names the path") {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "vigil_tz_database_test";
  std::filesystem::create_directories(dir / "Bad");
  { std::ofstream(dir / "Bad" / "Zone") << "not a zone file\n"; }
  Result<ZoneOffset> r = IanaZoneOffsetAt("Bad/Zone", kJul2026 * kS, dir.string());
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find((dir / "Bad" / "Zone").string()) != std::string::npos);
  CHECK(r.status().message().find("TZif") != std::string::npos);
  std::filesystem::remove_all(dir);
}
