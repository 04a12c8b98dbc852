#include "core/ascii.h"

#include <cctype>
#include <clocale>
#include <string>

#include <doctest/doctest.h>

namespace vigil {
namespace {

TEST_CASE("AsciiToLower changes 'A'..'Z' only and equals the C locale's tolower on every byte") {
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    const char expected = (b >= 'A' && b <= 'Z') ? static_cast<char>(b + ('a' - 'A')) : c;
    CHECK_MESSAGE(AsciiToLower(c) == expected, "byte ", b);
    // The hand-written copies it replaces used std::tolower in the "C" locale.
    CHECK_MESSAGE(AsciiToLower(c) == static_cast<char>(std::tolower(b)), "byte ", b);
  }
}

TEST_CASE("AsciiLower keeps bytes >= 0x80, digits and punctuation, and the length") {
  CHECK(AsciiLower("") == "");
  CHECK(AsciiLower("HTTPS") == "https");
  CHECK(AsciiLower("Content-Type: Application/JSON; Charset=UTF-8") ==
        "content-type: application/json; charset=utf-8");
  CHECK(AsciiLower("@[`{Zz09") == "@[`{zz09");
  // UTF-8 "ÄÖÜ É" and raw high bytes stay byte for byte (no Latin-1 or Unicode folding).
  const std::string utf8 = "\xC3\x84\xC3\x96\xC3\x9C \xC3\x89 GPU";
  CHECK(AsciiLower(utf8) == "\xC3\x84\xC3\x96\xC3\x9C \xC3\x89 gpu");
  const std::string high = "\x80\xC0\xC4\xDE\xFF";
  CHECK(AsciiLower(high) == high);
  const std::string with_nul("A\0B", 3);
  CHECK(AsciiLower(with_nul) == std::string("a\0b", 3));
}

TEST_CASE("AsciiLower does not follow a Latin-1 locale") {
  // In a Latin-1 locale std::tolower(0xC4 'Ä') is 0xE4 'ä'; AsciiLower must not change it.
  const char* previous = std::setlocale(LC_CTYPE, nullptr);
  const std::string saved = previous ? previous : "C";
  const bool switched = std::setlocale(LC_CTYPE, "de_DE.ISO-8859-1") != nullptr ||
                        std::setlocale(LC_CTYPE, "en_US.ISO-8859-1") != nullptr;
  CHECK(AsciiLower("\xC4Xid") == "\xC4xid");
  CHECK(AsciiToLower('\xDE') == '\xDE');
  std::setlocale(LC_CTYPE, saved.c_str());
  if (!switched) MESSAGE("no ISO-8859-1 locale installed; checked in the current locale only");
}

TEST_CASE("AsciiEqualsIgnoreCase") {
  CHECK(AsciiEqualsIgnoreCase("", ""));
  CHECK(AsciiEqualsIgnoreCase("Retry-After", "retry-after"));
  CHECK(AsciiEqualsIgnoreCase("HTTP", "http"));
  CHECK_FALSE(AsciiEqualsIgnoreCase("http", "https"));
  CHECK_FALSE(AsciiEqualsIgnoreCase("a", "b"));
  CHECK_FALSE(AsciiEqualsIgnoreCase("\xC4", "\xE4"));  // Latin-1 Ä / ä: not ASCII letters
  CHECK_FALSE(AsciiEqualsIgnoreCase("@", "`"));        // 0x40 / 0x60 differ by the case bit only
  CHECK_FALSE(AsciiEqualsIgnoreCase("[", "{"));
  static_assert(AsciiEqualsIgnoreCase("NVLink", "nvlink"));
  static_assert(AsciiToLower('Q') == 'q' && AsciiToLower('q') == 'q' && AsciiToLower('1') == '1');
}

}  // namespace
}  // namespace vigil
