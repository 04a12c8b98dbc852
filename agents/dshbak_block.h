// The host of a `dshbak -c` / `clush -b` block a line sits in (PLC12, 2026-12-04). `pdsh -w NODES CMD
// | dshbak -c` prints each host's output under a banner instead of a "host: " label on each line:
//   ----------------
//   cw-h100-221
//   ----------------
//   [Wed Nov 25 08:31:52 2026] NVRM: Xid (PCI:0000:5d:00): 74, ... NVLink: fatal error detected ...
// (hosts whose output is the same are coalesced into one banner, "cw-h100-[214-220,222-229]"). The
// kernel's Xid line names a bus id but no host: the banner above it does. Pure function, thread safe.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace vigil {

// The banner host of the block holding line `line` of a log of `count` lines (`text_at(k)`: line k's
// text), as printed ("cw-h100-221", or a coalesced hostlist "n-[1-3]" / "n-1,n-2" with clush -b's
// " (3)" count dropped); "" when the line is in no block: no banner above it within 400 lines, a
// shell prompt or command line ("$ ...", "# ...", "user@host:~$ ...") between it and the banner, or
// the line is itself a banner's dashes or host.
std::string DshbakBlockHost(size_t line, size_t count, const std::function<const std::string&(size_t)>& text_at);

// DshbakBlockHost of every line of a log of `count` lines at once (KB8): each line is classified
// once (a prompt or command, a rule, a banner's host after a rule), then each line within 400 lines
// below a rule reads the same window as DshbakBlockHost does, on the classes; the others are in no
// block. Line k's host is `hosts[k]`; empty (no line in a block) when the log has no banner. The
// caller placing many lines of one log precomputes this (DshbakBlockHost alone reads up to 400
// lines back through a regex per line, per line placed).
struct DshbakHosts {
  size_t lines = 0;                // the log's line count
  std::vector<std::string> hosts;  // `lines` entries, or none when every line's host is ""
};
DshbakHosts DshbakBlockHosts(size_t count, const std::function<const std::string&(size_t)>& text_at);

// Whether `text` is a banner's rule: four or more '-' and nothing else but blanks.
bool IsDshbakRule(const std::string& text);

}  // namespace vigil
