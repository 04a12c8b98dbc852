// The zone a log source declares for the times it prints without one (PLC46, realistic43: a kernel
// journal "# journalctl -k -o short (host timezone Europe/Berlin, CET +0100)" beside "slurm-310442.out
// (all ranks, UTC)", a BMC's SEL "(BMC clock set to Asia/Shanghai, +0800)"). topology.timezone gives
// one zone for the whole case; a source that says its own is read in that one. Pure functions, thread
// safe.
#pragma once

#include <optional>
#include <string>

#include "agents/case.h"

namespace vigil {

// The UTC offset (minutes east) `log` declares: in its name's parenthesised notes ("(all ranks, UTC)")
// or in a comment line ('#' first) among its first three lines, a UTC offset standing as a word
// ("+0100", "+01:00", "UTC+01:00", "GMT-0800"; ParseZoneOffsetMin's range) or the word UTC / GMT alone
// (0). nullopt when it declares none, or two different ones. IANA names and abbreviations (CET, PST)
// alone are not read: their offset depends on the date.
std::optional<int> SourceZoneOffsetMin(const CaseLog& log);

}  // namespace vigil
