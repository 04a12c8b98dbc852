// Text for the terminal, its control characters escaped (TerminalSafe itself: core/terminal_safe.h).
#pragma once

#include <string>
#include <string_view>

#include "core/terminal_safe.h"

namespace vigil {

// An error message as ReportError (server/cli.h) prints it after `vigil: `: TerminalSafe with its
// layout kept, every line after the first indented two spaces, so that a rule file's diagnostics
// keep their lines (source and caret shift together) while no text of the user's in the message
// (a file name, a flag's value) starts a line of its own that reads as another `vigil:` message
// (SM2, 2026-12-03; raw before).
std::string ErrorMessageText(std::string_view message);

}  // namespace vigil
