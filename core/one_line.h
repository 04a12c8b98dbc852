// One-line text for fields of text reports and messages.
#pragma once

#include <string>
#include <string_view>

namespace vigil {

// `text` for a field printed on one line of a text report or message: each line break written as
// the two characters a reader would type for it, so that it cannot start a line that a reader (or
// a script reading line by line) takes for a new field: LF `\n`, CR `\r`, and U+2028 / U+2029
// (line breaks to Python's str.splitlines() and to editors) `\u2028` / `\u2029`. Everything else
// as it was (other control bytes are the printer's concern: server/terminal_safe.h). Before
// 2026-12-03 (SM2) a `\n` in an alert label began a new line of `vigil diagnose`'s text. Pure.
std::string OneLine(std::string_view text);

}  // namespace vigil
