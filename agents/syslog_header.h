// The host a syslog-style line header names (OPS4A, 2026-12-03). A kernel or daemon line as syslog,
// rsyslog or journalctl write it carries the host that wrote it in its header
// (`Dec  3 02:24:09 gpu-a17 kernel: mlx5_core 0000:c1:00.0 ibp193s0: Link down`); a pasted log
// gathered from several hosts, or saved under a file's name, says nothing else of who wrote it.
// The built-in reasoner places such a line on that host (PlaceLine) and counts the host among the
// case's nodes (BuildTopology).
//
// Thread safety: pure function.
#pragma once

#include <string>
#include <string_view>

namespace vigil {

// The host of `line`'s header, "" when the line has none. Read:
//   BSD syslog / journalctl short:   `Dec  3 02:24:09 HOST TAG[PID]: ...` (optional `<PRI>`)
//   journalctl short-iso / rsyslog:  `2026-12-03T02:24:09+0000 HOST TAG: ...` (fraction, zone optional)
//   RFC 5424:                        `<PRI>1 2026-12-03T02:24:09.1Z HOST APP PROCID MSGID SD MSG`
//   a date and time with a space or in brackets (`2026-12-03 02:24:09 HOST kernel: ...`,
//   `[2026-12-03 02:24:09] HOST slurmd[2211]: ...`): only with the tag `kernel:` or `NAME[PID]:`,
//   as an application's own log puts a level or a module there (`... INFO train: ...`).
// TAG is a program name (`kernel`, `slurmd`, `nvidia-persistenced`), PID digits. Not a host:
// `-` (RFC 5424's nil), `localhost`, a log level (INFO, WARN, ERROR, ...), an IP address is kept.
std::string SyslogHeaderHost(std::string_view line);

}  // namespace vigil
