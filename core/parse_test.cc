#include "core/parse.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

namespace vigil {
namespace {

TEST_CASE("ParseInt: digits, sign, range") {
  CHECK(ParseInt("0") == 0);
  CHECK(ParseInt("007") == 7);
  CHECK(ParseInt("-12") == -12);
  CHECK(ParseInt("+12") == 12);
  CHECK(ParseInt("9223372036854775807") == std::numeric_limits<int64_t>::max());
  CHECK(ParseInt("-9223372036854775808") == std::numeric_limits<int64_t>::min());
  CHECK_FALSE(ParseInt("9223372036854775808").has_value());
  CHECK_FALSE(ParseInt("99999999999999999999").has_value());
  CHECK_FALSE(ParseInt("-99999999999999999999").has_value());
  CHECK_FALSE(ParseInt(std::string(5000, '9')).has_value());
}

TEST_CASE("ParseInt: the whole text is the number") {
  for (const char* bad : {"", "-", "+", "+-1", "-+1", "++1", " 1", "1 ", "12abc", "1.5", "1e3", "0x1f", "abc", "\x01\x02"}) {
    INFO("text: `" << bad << "`");
    CHECK_FALSE(ParseInt(bad).has_value());
    CHECK_FALSE(ParseInt32(bad).has_value());
    CHECK_FALSE(ParseUint(bad).has_value());
  }
  // A view into a longer buffer stops where the view does.
  std::string_view digits = std::string_view("12345").substr(1, 2);
  CHECK(ParseInt(digits) == 23);
}

TEST_CASE("ParseInt32 rejects what does not fit, rather than wrapping") {
  CHECK(ParseInt32("2147483647") == 2147483647);
  CHECK(ParseInt32("-2147483648") == std::numeric_limits<int32_t>::min());
  CHECK_FALSE(ParseInt32("2147483648").has_value());
  CHECK_FALSE(ParseInt32("3000000000").has_value());  // would be a negative index after a cast
  CHECK_FALSE(ParseInt32("99999999999999999999").has_value());
}

TEST_CASE("ParseUint: non-negative only, full uint64 range") {
  CHECK(ParseUint("18446744073709551615") == std::numeric_limits<uint64_t>::max());
  CHECK(ParseUint("+3") == 3u);
  CHECK_FALSE(ParseUint("18446744073709551616").has_value());
  CHECK_FALSE(ParseUint("-1").has_value());
  CHECK_FALSE(ParseUint("-0").has_value());
}

TEST_CASE("ParseDouble: forms that are numbers") {
  CHECK(ParseDouble("1.5") == 1.5);
  CHECK(ParseDouble("-.5") == -0.5);
  CHECK(ParseDouble(".5") == 0.5);
  CHECK(ParseDouble("5.") == 5.0);
  CHECK(ParseDouble("+2") == 2.0);
  CHECK(ParseDouble("1e-3") == 1e-3);
  CHECK(ParseDouble("2E+10") == 2e10);
  CHECK(ParseDouble("0e5") == 0.0);
  CHECK(ParseDouble("12") == 12.0);
  CHECK(ParseDouble("1.7976931348623157e308") == std::numeric_limits<double>::max());
  auto sub = ParseDouble("1e-310");  // subnormal: a real, if tiny, value
  REQUIRE(sub.has_value());
  CHECK(*sub > 0);
}

TEST_CASE("ParseDouble: inf, nan, overflow, underflow and junk are nullopt") {
  for (const char* bad : {"", "-", "+", ".", "e5", "1e999", "-1e999", "1e-400", "inf", "-inf", "+inf", "INF",
                          "Infinity", "nan", "NaN", "-nan", "nan(0x1)", "0x1p3", "1.5x", "1.5 ", " 1.5", "1..5",
                          "1e", "--1", "+-1"}) {
    INFO("text: `" << bad << "`");
    CHECK_FALSE(ParseDouble(bad).has_value());
  }
}

TEST_CASE("ParseDoublePrefix: longest number at the start, and how much it used") {
  size_t used = 99;
  CHECK(ParseDoublePrefix("10m", &used) == 10.0);
  CHECK(used == 2);
  CHECK(ParseDoublePrefix("2.5e3 > x", &used) == 2500.0);
  CHECK(used == 5);
  CHECK(ParseDoublePrefix("1e", &used) == 1.0);  // the exponent is incomplete: the number is "1"
  CHECK(used == 1);
  CHECK(ParseDoublePrefix("+4)", &used) == 4.0);
  CHECK(used == 2);
  CHECK(ParseDoublePrefix("0x10", &used) == 0.0);  // base 10 only: "0", then junk for the caller
  CHECK(used == 1);
  CHECK_FALSE(ParseDoublePrefix("1e999m", &used).has_value());
  CHECK(used == 5);  // the out-of-range number's length, so a tokenizer can name it
  CHECK_FALSE(ParseDoublePrefix("inf", &used).has_value());
  CHECK(used == 0);
  CHECK_FALSE(ParseDoublePrefix("x1", &used).has_value());
  CHECK(used == 0);
  CHECK_FALSE(ParseDoublePrefix("", &used).has_value());
  CHECK(used == 0);
}

}  // namespace
}  // namespace vigil
