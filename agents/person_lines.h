// What people wrote about an incident is no reading of the machines (PLC44, 2026-12-06; realistic42
// "the handover"). A shift handover, a ticket thread or a chat channel carries people's messages:
// guesses ("NVLink fabric on nvl05 must be down"), a bot's keyword summary ("uncorrectable NVLink error
// on rank 42 (cdr-nvl07-ct11). NVLink issue."), and actions ("Drained kst-c056", "swapped ct03"). The
// node such a message names is where a person looked or acted, not where a fault line was printed; read
// as log lines they gave the message's words a signature's weight (rl42-30: the handover's "fabric
// down" +3.0 for nvlink_error; rl42-06: the bot's summary +3.0 on the tray it names). A command and its
// output pasted into the same note ("$ nvidia-smi -q ...", the rows under it, a quoted log line) are
// the machine's and stay evidence. Pure functions, thread safe.
#pragma once

#include <string>
#include <vector>

#include "agents/case.h"

namespace vigil {

// Whether a log source's name says it holds people's messages: a handover, a ticket (ticket-1234,
// INC-3412, NET-1880, jira), a chat channel (slack, "#channel", chat), a thread, comments or an email.
bool IsPersonChannelSource(const std::string& source);

// Which lines of `log` are a person's (or a chat bot's) message, when IsPersonChannelSource(log.source):
// - a chat message: "[16:46] bot: ...", "[09:10] h.barros (owner): ...", "08:41 @rin: ..." (a time of
//   day without seconds, a speaker, an optional "(role)", a colon);
// - a ticket comment: "2026-12-02 04:05  p.fischer: ...", "2026-12-02 08:10  fabric-team (m.lopez): ..."
//   (a date, a time without seconds, a speaker, a colon) and the ticket's title line ("NET-1880  kst-c056
//   mlx5_3 retry exceeded");
// - a ticket's record in a history file ("ticket NET-0877 (2026-11-09): kst-a045 mlx5_3 port flapping",
//   "OPS-7720 (2026-11-18) ...") and the labelled lines after it ("Resolution: ...", "Status: ...",
//   "Action: ..."): an earlier incident is a prior, not today's evidence (PLC49, realistic45 rl45-04);
// - a handover note's Markdown heading ("## Handover night -> day ...") and bullets ("- 772660 died
//   03:50 ...") with their indented continuation lines.
// A shell prompt ("$ perfquery ..."), the lines below it, a fenced block and any line of none of these
// shapes (a pasted log line, a machine's timestamp with seconds) are not. Other sources: none.
std::vector<bool> PersonMessageLines(const CaseLog& log);

}  // namespace vigil
