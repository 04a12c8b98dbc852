// The zone a log source declares for the times it prints without one (PLC46, realistic43: a kernel
// journal "# journalctl -k -o short (host timezone Europe/Berlin, CET +0100)" beside "slurm-310442.out
// (all ranks, UTC)", a BMC's SEL "(BMC clock set to Asia/Shanghai, +0800)"). topology.timezone gives
// one zone for the whole case; a source that says its own is read in that one. Pure functions, thread
// safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "agents/case.h"
#include "agents/log_time.h"

namespace vigil {

// The UTC offset (minutes east) `log` declares: in its name's parenthesised notes ("(all ranks, UTC)")
// or in a comment line ('#' first) among its first three lines, a UTC offset standing as a word
// ("+0100", "+01:00", "UTC+01:00", "GMT-0800", "UTC+8"; ParseZoneOffsetMin's range), the word UTC / GMT
// alone (0) or a common fixed abbreviation (RV12: CET, CEST, EET, EEST, WET, WEST, PST, PDT, MST, MDT,
// EST, EDT, JST, KST, HKT, SGT, AEST, AEDT). nullopt when it declares none, or two different ones.
// With `at_ms` > 0 (TZ2) an IANA name of the tz database's regions ("Europe/Berlin", "Asia/Shanghai") is
// read too, at that instant (core/tz_database.h; the caller gives the alert's start or the case's first
// dated time); with 0, or a name the database lacks, IANA names alone are not read. Ambiguous
// abbreviations (IST, CST, BST) are not read.
std::optional<int> SourceZoneOffsetMin(const CaseLog& log, int64_t at_ms = 0);

// The node's boot time a log source states beside dmesg's boot-relative lines "[123456.789012] ..."
// (RV12), from its own lines only: `who -b`'s "system boot  2026-12-04 04:24", or `date`'s "Sat Dec  5
// 14:41:52 UTC 2026" with `uptime`'s " 14:41:52 up 1 day, 10:17, ..." (their clocks within 10 min).
// boot_ms: unix ms (minute precision: both print minutes); latest_ms: no boot-relative line lands after
// it (the `date` line's time, else the alert's + 1 day; with neither, nullopt). Zone-less times are read
// in `zone_min` (the source's or the case's zone); `date`'s UTC / GMT or a fixed abbreviation is its own.
// nullopt when none, two that disagree by more than 2 min, or an uptime over 3650 days.
struct SourceBoot {
  int64_t boot_ms = 0;
  int64_t latest_ms = 0;
};
std::optional<SourceBoot> SourceBootTime(const CaseLog& log, const LogClock& clock);
// A dmesg line's boot-relative time placed at `boot`: kNoTime (INT64_MAX) when the line does not begin
// with "[seconds.micro]" or lands after boot.latest_ms.
int64_t BootRelativeLineMs(const std::string& line, const SourceBoot& boot);

}  // namespace vigil
