#include "server/terminal_safe.h"

#include <doctest/doctest.h>

#include <string>

namespace vigil {

TEST_CASE("TerminalSafe escapes control characters; the layout's line breaks only when asked") {
  // LF, CR, tab are written \n, \r, \t (SM2; \x0a, \x0d, \x09 before), the others \xNN.
  CHECK(TerminalSafe("a\nb\tc\rd\x1b[2J\x07\x7f", false) == "a\\nb\\tc\\rd\\x1b[2J\\x07\\x7f");
  CHECK(TerminalSafe("a\nb\tc\rd\x1b", true) == "a\nb\tc\\rd\\x1b");
  CHECK(TerminalSafe(std::string("n\0ul", 4), true) == "n\\x00ul");
  CHECK(TerminalSafe("\xC2\x9B" "x \xC3\xA9", true) == "\\x9bx \xC3\xA9");  // C1 CSI escaped, é kept
  CHECK(TerminalSafe("", false).empty());
}

TEST_CASE("ErrorMessageText: the message's lines stay, indented; user text cannot start a `vigil:` line") {
  CHECK(ErrorMessageText("case file /tmp/no\nvigil: fake\x1b[2J: No such file") ==
        "case file /tmp/no\n  vigil: fake\\x1b[2J: No such file");
  // A rule file's diagnostics: each line kept, source and caret shifted together.
  CHECK(ErrorMessageText("a.rules:2:3: bad\n  x / 0\n      ^\nb.rules:1:1: worse") ==
        "a.rules:2:3: bad\n    x / 0\n        ^\n  b.rules:1:1: worse");
  CHECK(ErrorMessageText("one line\r") == "one line\\r");
}

}  // namespace vigil
