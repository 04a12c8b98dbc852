#include "core/strings.h"

#include <doctest/doctest.h>

namespace vigil {

TEST_CASE("JoinStrings puts the separator between neighbours only, empty parts included") {
  CHECK(JoinStrings({}, ", ") == "");
  CHECK(JoinStrings({"a"}, ", ") == "a");
  CHECK(JoinStrings({"a", "b", "c"}, ",") == "a,b,c");
  CHECK(JoinStrings({"", "b"}, " ") == " b");
  CHECK(JoinStrings({"a", "", "b"}, ", ") == "a, , b");
  CHECK(JoinStrings({"x", "y"}, "") == "xy");
  CHECK(JoinStrings({"l1", "l2"}, "\n") == "l1\nl2");
}

}  // namespace vigil
