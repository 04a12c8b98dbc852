#include "core/utf8.h"

#include "core/quote.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

namespace vigil {

TEST_CASE("Utf8Prefix cuts before a sequence that would not fit whole, never inside it") {
  const std::string e = "\xC3\xA9";              // é, 2 bytes
  const std::string euro = "\xE2\x82\xAC";       // €, 3 bytes
  const std::string emoji = "\xF0\x9F\x98\x80";  // 4 bytes
  CHECK(Utf8Prefix("abc", 10) == "abc");
  CHECK(Utf8Prefix("abc", 2) == "ab");
  CHECK(Utf8Prefix("abc", 0) == "");
  CHECK(Utf8Prefix("a" + e, 2) == "a");  // substr(0, 2) would keep 0xC3 alone
  CHECK(Utf8Prefix("a" + e, 1) == "a");
  CHECK(Utf8Prefix("a" + e, 3) == "a" + e);
  CHECK(Utf8Prefix(euro + euro, 4) == euro);
  CHECK(Utf8Prefix(euro + euro, 5) == euro);
  CHECK(Utf8Prefix(euro + euro, 6) == euro + euro);
  CHECK(Utf8Prefix(emoji, 3) == "");
  CHECK(Utf8Prefix("x" + emoji + "y", 4) == "x");
  CHECK(Utf8Prefix("x" + emoji + "y", 5) == "x" + emoji);
  // Every cut of a mixed text is valid UTF-8 and as long as it can be.
  const std::string mixed = "GPU " + e + euro + " fell " + emoji + " off" + e;
  for (size_t n = 0; n <= mixed.size() + 1; ++n) {
    const std::string p = Utf8Prefix(mixed, n);
    CHECK(IsValidUtf8(p));
    CHECK(p.size() <= n);
    CHECK(p.size() + 3 >= std::min(n, mixed.size()));
    CHECK(mixed.compare(0, p.size(), p) == 0);
  }
  // Bytes that are not UTF-8 (stray continuation bytes, Latin-1) are cut where asked.
  CHECK(Utf8Prefix(std::string(5, '\x80'), 3) == std::string(3, '\x80'));
  CHECK(Utf8Prefix("caf\xE9 noir", 4) == "caf\xE9");
}

TEST_CASE("QuoteClipped: short text whole in backticks, long text cut with its size (RV3)") {
  CHECK(QuoteClipped("abc") == "`abc`");
  CHECK(QuoteClipped(std::string(64, 'x')) == "`" + std::string(64, 'x') + "`");
  CHECK(QuoteClipped(std::string(65, 'x')) == "`" + std::string(64, 'x') + "...` (65 bytes)");
  // Whole UTF-8 characters only: "é" (2 bytes) across the cut is left out whole.
  CHECK(QuoteClipped("abc\xC3\xA9xyz", 4) == "`abc...` (8 bytes)");
}

}  // namespace vigil
