#include "core/one_line.h"

#include <doctest/doctest.h>

#include <string>

namespace vigil {

TEST_CASE("OneLine writes line breaks as \\n, \\r, \\u2028, \\u2029; the rest as it was") {
  CHECK(OneLine("node-a\nseverity: critical") == "node-a\\nseverity: critical");
  CHECK(OneLine("a\r\nb\rc") == "a\\r\\nb\\rc");
  CHECK(OneLine("a\xE2\x80\xA8" "b\xE2\x80\xA9" "c") == "a\\u2028b\\u2029c");
  CHECK(OneLine("\xE2\x80\xA6 \xC3\xA9\ttab \x1b") == "\xE2\x80\xA6 \xC3\xA9\ttab \x1b");  // …, é, tab, ESC kept
  CHECK(OneLine("cut \xE2\x80") == "cut \xE2\x80");  // a cut sequence: nothing read past the end
  CHECK(OneLine("").empty());
}

}  // namespace vigil
