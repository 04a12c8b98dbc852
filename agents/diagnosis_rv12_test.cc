// RV12 (2026-12-07): log time stamps real clusters print that the reasoner did not read (PLC46's
// Known gap): Python logging's comma milliseconds, ipmitool's SEL "MM/DD/YYYY | hh:mm:ss", common
// fixed zone abbreviations in a source's note or heading, dmesg's boot seconds with the node's boot
// time in the same source. Lines written for the tests (nodes gx-NN), not a set's text.
#include <doctest/doctest.h>

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "agents/log_time.h"
#include "agents/logs_case_testing.h"
#include "agents/source_zone.h"
#include "core/time_util.h"

namespace vigil {
namespace {

int64_t At(const char* rfc3339) { return ParseRfc3339Ms(rfc3339).value(); }
constexpr int64_t kNone = std::numeric_limits<int64_t>::max();

}  // namespace

// Before RV12 the stamp was read without its milliseconds (the ISO reader took only a '.' fraction):
// "14:41:52,123" and "14:41:52,900" were the same time, so two lines 0.8 s apart tied.
TEST_CASE("rv12 Python logging's asctime: the comma milliseconds are read") {
  LogClock utc;
  CHECK(ParseLineTime("[2026-12-05 14:41:52,123] [INFO] [engine.py:1190] step 400", utc).ms ==
        At("2026-12-05T14:41:52.123Z"));
  CHECK(ParseLineTime("2026-12-05 14:41:52,900 - nemo_logger - ERROR - x", utc).ms == At("2026-12-05T14:41:52.900Z"));
  // Zone-less: read in the case's zone like any local stamp.
  LogClock cet;
  cet.zone_declared = true;
  cet.offset_min = 60;
  const LineTime t = ParseLineTime("[2026-12-05 14:41:52,123] [WARNING] x", cet);
  CHECK(t.ms == At("2026-12-05T13:41:52.123Z"));
  CHECK(t.zoned);
}

// Garbage after the comma is no fraction: the second is read (as before RV12), never a wrong
// fraction; a CSV value ("…:52,1234,gx-01") is not milliseconds.
TEST_CASE("rv12 comma milliseconds: garbage after the comma gives no fraction, no crash") {
  LogClock utc;
  CHECK(ParseLineTime("2026-12-05 14:41:52,abc x", utc).ms == At("2026-12-05T14:41:52Z"));
  CHECK(ParseLineTime("2026-12-05 14:41:52,1234,gx-01", utc).ms == At("2026-12-05T14:41:52Z"));
  CHECK(ParseLineTime("2026-12-05 14:41:52,12x", utc).ms == At("2026-12-05T14:41:52Z"));
  CHECK(ParseLineTime("2026-12-05 14:41:52,", utc).ms == At("2026-12-05T14:41:52Z"));
  CHECK(ParseLineTime("2026-13-45 14:41:52,123 x", utc).ms == kNone);
}

// ipmitool sel list / elist: "id | MM/DD/YYYY | hh:mm:ss | sensor | event". The BMC's clock: read in the
// case's zone (or the source's, RetimeToSourceZones), like any zone-less stamp.
TEST_CASE("rv12 BMC SEL lines: MM/DD/YYYY | hh:mm:ss is read") {
  LogClock utc;
  CHECK(ParseLineTime("  1a | 12/05/2026 | 14:41:52 | Temperature #0x30 | Upper Critical going high", utc).ms ==
        At("2026-12-05T14:41:52Z"));
  CHECK(ParseLineTime("   3 | 01/02/2027 | 00:00:07 | Power Supply #0x51 | Failure detected | Asserted", utc).ms ==
        At("2027-01-02T00:00:07Z"));
  LogClock cst;
  cst.zone_declared = true;
  cst.offset_min = 480;
  CHECK(ParseLineTime("  1a | 12/05/2026 | 14:41:52 | Temperature #0x30 | x", cst).ms == At("2026-12-05T06:41:52Z"));
}

TEST_CASE("rv12 BMC SEL lines: an impossible date is no time") {
  LogClock utc;
  CHECK(ParseLineTime("  1a | 13/45/2026 | 14:41:52 | Temperature #0x30 | x", utc).ms == kNone);
  CHECK(ParseLineTime("  1b | 02/29/2026 | 14:41:52 | Temperature #0x30 | x", utc).ms == kNone);
  CHECK(ParseLineTime("  1c | 00/05/2026 | 14:41:52 | x", utc).ms == kNone);
  CHECK(ParseLineTime("  1d | 12/05/2026 | 25:41:52 | x", utc).ms == kNone);
}

// Common fixed zone abbreviations in a source's note or heading; ambiguous ones (IST: India, Ireland,
// Israel; CST: US Central, China) and IANA names (their offset depends on the date) stay unread.
TEST_CASE("rv12 SourceZoneOffsetMin: fixed zone abbreviations and UTC+8 spellings") {
  auto log = [](const std::string& source, const std::vector<std::string>& lines) {
    return testing::CaseLogOf(source, lines);
  };
  CHECK(SourceZoneOffsetMin(log("gx-01/syslog (CET)", {"x"})) == 60);
  CHECK(SourceZoneOffsetMin(log("gx-01/syslog (CEST)", {"x"})) == 120);
  CHECK(SourceZoneOffsetMin(log("gx-01/syslog", {"# journalctl -k (host clock PST)", "x"})) == -480);
  CHECK(SourceZoneOffsetMin(log("gx-01/syslog (PDT)", {"x"})) == -420);
  CHECK(SourceZoneOffsetMin(log("gx-01/syslog (EST)", {"x"})) == -300);
  CHECK(SourceZoneOffsetMin(log("gx-01/syslog (EDT)", {"x"})) == -240);
  CHECK(SourceZoneOffsetMin(log("gx-01/bmc sel (BMC clock JST)", {"x"})) == 540);
  CHECK(SourceZoneOffsetMin(log("gx-01/bmc sel (KST)", {"x"})) == 540);
  CHECK(SourceZoneOffsetMin(log("gx-01/bmc sel (BMC clock UTC+8)", {"x"})) == 480);
  CHECK(SourceZoneOffsetMin(log("gx-01/trainer.log (GMT-5)", {"x"})) == -300);
  // The name and its offset agree: one zone.
  CHECK(SourceZoneOffsetMin(log("gx-01/syslog (Europe/Berlin, CEST +0200)", {"x"})) == 120);
  // Unread: ambiguous, IANA alone, two that disagree, a word in lower case, in a word.
  CHECK_FALSE(SourceZoneOffsetMin(log("gx-01/syslog (IST)", {"x"})));
  CHECK_FALSE(SourceZoneOffsetMin(log("gx-01/syslog (CST)", {"x"})));
  CHECK_FALSE(SourceZoneOffsetMin(log("gx-01/syslog (Europe/Berlin)", {"x"})));
  CHECK_FALSE(SourceZoneOffsetMin(log("gx-01/syslog (CET/CEST)", {"x"})));
  CHECK_FALSE(SourceZoneOffsetMin(log("gx-01/syslog (CET, +0200)", {"x"})));
  CHECK_FALSE(SourceZoneOffsetMin(log("gx-01/syslog (cet)", {"x"})));
  CHECK_FALSE(SourceZoneOffsetMin(log("gx-01/syslog (TESTS)", {"x"})));
  CHECK_FALSE(SourceZoneOffsetMin(log("gx-01/syslog (UTC+15)", {"x"})));
}


// dmesg's boot seconds: read only where the same source states the node's boot time (`who -b`, or
// `date` beside `uptime`); before RV12 they were never read (ParseLineTime still reads none).
TEST_CASE("rv12 SourceBootTime / BootRelativeLineMs: dmesg boot seconds with the boot time in the source") {
  LogClock utc;
  utc.anchor_ms = At("2026-12-05T15:00:00Z");
  const CaseLog who = testing::CaseLogOf("gx-02/dmesg", {"$ who -b", "         system boot  2026-12-04 04:24",
                                                         "[123456.789012] NVRM: Xid (PCI:0000:2a:00): 79, GPU has fallen off the bus."});
  const std::optional<SourceBoot> b = SourceBootTime(who, utc);
  REQUIRE(b);
  CHECK(b->boot_ms == At("2026-12-04T04:24:00Z"));
  CHECK(BootRelativeLineMs(who.lines[2].text, *b) == At("2026-12-04T04:24:00Z") + 123'456'789);
  CHECK(ParseLineTime(who.lines[2].text, utc).ms == kNone);
  // `date` and `uptime`: 14:41:52 less 1 day 10:17 = 2026-12-04 04:24:52.
  const CaseLog up = testing::CaseLogOf(
      "gx-03/dmesg", {"$ date; uptime", "Sat Dec  5 14:41:52 UTC 2026",
                      " 14:41:52 up 1 day, 10:17,  0 users,  load average: 1.02, 2.30, 20.11", "[100.000000] x"});
  const std::optional<SourceBoot> u = SourceBootTime(up, LogClock{});
  REQUIRE(u);
  CHECK(u->boot_ms == At("2026-12-04T04:24:52Z"));
  CHECK(u->latest_ms == At("2026-12-05T14:41:52Z"));
  CHECK(BootRelativeLineMs("[100.000000] x", *u) == At("2026-12-04T04:26:32Z"));
  // A zone in `date`'s output is its own.
  const CaseLog cet = testing::CaseLogOf("gx-03/dmesg", {"Sat Dec  5 14:41:52 CET 2026", " 14:41:52 up 10 min,  0 users"});
  const std::optional<SourceBoot> c = SourceBootTime(cet, LogClock{});
  REQUIRE(c);
  CHECK(c->boot_ms == At("2026-12-05T13:31:52Z"));
}

TEST_CASE("rv12 dmesg boot seconds: no boot time, a bad one, or seconds past the source's span give no time") {
  LogClock utc;
  utc.anchor_ms = At("2026-12-05T15:00:00Z");
  // Only seconds, no boot time in the source (an `uptime` in another source is not read).
  CHECK_FALSE(SourceBootTime(testing::CaseLogOf("gx-02/dmesg", {"[123456.789012] NVRM: Xid 79"}), utc));
  CHECK_FALSE(SourceBootTime(testing::CaseLogOf("gx-02/uptime", {" 02:05:00 up 4 days, 18:41,  0 users"}), utc));
  // Impossible dates.
  CHECK_FALSE(SourceBootTime(testing::CaseLogOf("gx-02/dmesg", {"system boot  2026-13-45 04:24"}), utc));
  CHECK_FALSE(SourceBootTime(testing::CaseLogOf("gx-02/dmesg", {"Sat Dec 45 14:41:52 UTC 2026", " 14:41:52 up 3 min,"}), utc));
  // An uptime of 99999 days; a `date` far from uptime's clock; two boot times that disagree.
  CHECK_FALSE(SourceBootTime(
      testing::CaseLogOf("gx-02/dmesg", {"Sat Dec  5 14:41:52 UTC 2026", " 14:41:52 up 99999 days, 10:17,  0 users"}), utc));
  CHECK_FALSE(SourceBootTime(
      testing::CaseLogOf("gx-02/dmesg", {"Sat Dec  5 14:41:52 UTC 2026", " 09:00:00 up 1 day, 10:17,  0 users"}), utc));
  CHECK_FALSE(SourceBootTime(
      testing::CaseLogOf("gx-02/dmesg", {"system boot  2026-12-04 04:24", "system boot  2026-12-01 00:00"}), utc));
  // A `date` zone whose offset is not read.
  CHECK_FALSE(SourceBootTime(
      testing::CaseLogOf("gx-02/dmesg", {"Sat Dec  5 14:41:52 IST 2026", " 14:41:52 up 3 min,  0 users"}), utc));
  // `who -b` with no alert and no `date`: no span to check the seconds against.
  CHECK_FALSE(SourceBootTime(testing::CaseLogOf("gx-02/dmesg", {"system boot  2026-12-04 04:24"}), LogClock{}));
  // Seconds that land after the source's `date` (more than the uptime): no time.
  const std::optional<SourceBoot> u = SourceBootTime(
      testing::CaseLogOf("gx-02/dmesg", {"Sat Dec  5 14:41:52 UTC 2026", " 14:41:52 up 10 min,  0 users"}), utc);
  REQUIRE(u);
  CHECK(BootRelativeLineMs("[599.000000] x", *u) == u->boot_ms + 599'000);
  CHECK(BootRelativeLineMs("[601.000000] x", *u) == kNone);
  CHECK(BootRelativeLineMs("[9999999999.999999] x", *u) == kNone);
  CHECK(BootRelativeLineMs("[12.5] x", *u) == kNone);
  CHECK(BootRelativeLineMs("NVRM: [12.000000] x", *u) == kNone);
}

}  // namespace vigil
