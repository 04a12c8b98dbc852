// Text for the terminal (and the log), its control characters escaped.
#pragma once

#include <string>
#include <string_view>

namespace vigil {

// `text` with its control characters escaped: a label, an annotation, a file name or a log line
// reaches the output as it came, and a NUL or an ESC printed raw hides text or rewrites the
// terminal (`\u001b]0;title\u0007`, `\u001b[2J`). C0 bytes but the line breaks and tabs of the
// layout (`keep_layout`), DEL, and the C1 controls U+0080..U+009F (UTF-8 C2 80..C2 9F, which some
// terminals read as CSI & co.) are written \xNN, but LF, CR and tab, written \n, \r, \t;
// everything else is as it was. Used by `vigil diagnose`'s text output and ReportError (server/
// cli.h) and by every log line (core/logging.h). Was cmd_diagnose.cc's (SM, 2026-12-03), where LF,
// CR, tab were \x0a, \x0d, \x09; moved to server/ for ReportError (SM2), to core/ for the log (RV6).
// JSON output escapes them itself.
std::string TerminalSafe(std::string_view text, bool keep_layout);

}  // namespace vigil
