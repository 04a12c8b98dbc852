// UTF-16 detection and decoding, the one implementation behind `vigil diagnose --log` (lenient) and
// the Alertmanager body (webhook, --alert; strict), RVU2.
#include "core/text_encoding.h"

#include <doctest/doctest.h>

#include <string>

namespace vigil {
namespace {

// `text` (ASCII or UTF-8 of the BMP plus raw units) as UTF-16 code units, in either order.
std::string Units(std::u16string_view units, bool little, bool bom) {
  std::string out;
  if (bom) out += little ? "\xFF\xFE" : "\xFE\xFF";
  for (char16_t u : units) {
    const char lo = static_cast<char>(u & 0xFF), hi = static_cast<char>(u >> 8);
    out += little ? lo : hi;
    out += little ? hi : lo;
  }
  return out;
}

TEST_CASE("DetectUtf16: a byte order mark, or NULs in one byte of nearly every pair") {
  auto le = DetectUtf16(Units(u"{\"alerts\": []}", true, true));
  REQUIRE(le);
  CHECK(le->little_endian);
  CHECK(le->bom);
  auto be = DetectUtf16(Units(u"{\"alerts\": []}", false, true));
  REQUIRE(be);
  CHECK_FALSE(be->little_endian);
  auto le_bare = DetectUtf16(Units(u"Dec  3 02:19:58 gpu-a17 kernel: NVRM: Xid 79", true, false));
  REQUIRE(le_bare);
  CHECK(le_bare->little_endian);
  CHECK_FALSE(le_bare->bom);
  auto be_bare = DetectUtf16(Units(u"[{\"labels\": {}}]", false, false));
  REQUIRE(be_bare);
  CHECK_FALSE(be_bare->little_endian);
  CHECK(DescribeUtf16(*le) == "UTF-16LE text (byte order mark)");
  CHECK(DescribeUtf16(*be_bare) == "UTF-16BE text (no byte order mark)");
  // Not UTF-16: UTF-8 (a BOM too), a NUL escaped in JSON, a single pair, NULs on both sides.
  CHECK_FALSE(DetectUtf16("{\"alerts\": []}"));
  CHECK_FALSE(DetectUtf16("\xEF\xBB\xBF{\"alerts\": []}"));
  CHECK_FALSE(DetectUtf16("{\"a\": \"x\\u0000y\"}"));
  CHECK_FALSE(DetectUtf16(std::string("a\0", 2)));
  CHECK_FALSE(DetectUtf16(std::string("a\0\0b", 4)));
  CHECK_FALSE(DetectUtf16(""));
  // Mostly ASCII with a few other characters (a log with an accented name): still at least 9 in 10.
  CHECK(DetectUtf16(Units(u"node caf\u00e9 Xid 79 on GPU 3, job 4411 stopped", true, false)));
}

TEST_CASE("Utf16ToUtf8: lossless for valid UTF-16; invalid refused at its byte or replaced") {
  const std::u16string text = u"Xid 79 caf\u00e9 \u4e2d \U0001F600 end";
  for (bool little : {true, false}) {
    for (bool bom : {true, false}) {
      CAPTURE(little);
      CAPTURE(bom);
      auto out = Utf16ToUtf8(Units(text, little, bom), Utf16Layout{little, bom}, InvalidUtf16::kRefuse);
      REQUIRE(out.ok());
      CHECK(*out == "Xid 79 caf\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x98\x80 end");
    }
  }
  // A lone high surrogate (byte 2 after the mark: unit 1 at byte 4), a lone low one, an odd length.
  const std::string high = Units(u"a\xD83D" u"b", true, true);
  auto e1 = Utf16ToUtf8(high, Utf16Layout{true, true}, InvalidUtf16::kRefuse);
  REQUIRE_FALSE(e1.ok());
  CHECK(e1.status().code() == StatusCode::kInvalidArgument);
  CHECK(e1.status().message() == "not valid UTF-16 at byte 4: a high surrogate (D83D) not followed by a low one");
  auto e2 = Utf16ToUtf8(Units(u"ab\xDE00", false, false), Utf16Layout{false, false}, InvalidUtf16::kRefuse);
  REQUIRE_FALSE(e2.ok());
  CHECK(e2.status().message() == "not valid UTF-16 at byte 4: a low surrogate (DE00) without a high one before it");
  std::string odd = Units(u"{}", true, true) + "x";
  auto e3 = Utf16ToUtf8(odd, Utf16Layout{true, true}, InvalidUtf16::kRefuse);
  REQUIRE_FALSE(e3.ok());
  CHECK(e3.status().message() == "not valid UTF-16 at byte 6: an odd number of bytes (7), the last one is half a code unit");
  // A high surrogate as the last unit.
  auto e4 = Utf16ToUtf8(Units(u"a\xD800", true, false), Utf16Layout{true, false}, InvalidUtf16::kRefuse);
  REQUIRE_FALSE(e4.ok());
  CHECK(e4.status().message().find("at byte 2: a high surrogate (D800)") != std::string::npos);
  // Replaced (a log): each becomes U+FFFD, counted.
  size_t replaced = 99;
  auto r = Utf16ToUtf8(high + Units(u"\xDC00", true, false) + "z", Utf16Layout{true, true}, InvalidUtf16::kReplace,
                       &replaced);
  REQUIRE(r.ok());
  CHECK(*r == "a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(replaced == 3);
  size_t none = 99;
  CHECK(Utf16ToUtf8(Units(u"ok", true, false), Utf16Layout{true, false}, InvalidUtf16::kReplace, &none).value() == "ok");
  CHECK(none == 0);
}

TEST_CASE("WithoutUtf8Bom: drops one leading mark, nothing else") {
  CHECK(WithoutUtf8Bom("\xEF\xBB\xBFtimestamp,value") == "timestamp,value");
  CHECK(WithoutUtf8Bom("\xEF\xBB\xBF") == "");
  CHECK(WithoutUtf8Bom("\xEF\xBB\xBF\xEF\xBB\xBFx") == "\xEF\xBB\xBFx");  // one mark only
  CHECK(WithoutUtf8Bom("\xEF\xBB") == "\xEF\xBB");                        // not a whole mark
  CHECK(WithoutUtf8Bom("a\xEF\xBB\xBF") == "a\xEF\xBB\xBF");              // not at the start
  CHECK(WithoutUtf8Bom("\xFF\xFEx") == "\xFF\xFEx");                        // UTF-16's mark is not it
  CHECK(WithoutUtf8Bom("") == "");
  static_assert(WithoutUtf8Bom("\xEF\xBB\xBF#").size() == 1);
}

TEST_CASE("StripUtf8Bom") {
  std::string t = "\xEF\xBB\xBFline";
  CHECK(StripUtf8Bom(t));
  CHECK(t == "line");
  CHECK_FALSE(StripUtf8Bom(t));
  CHECK(t == "line");
  std::string short_text = "\xEF\xBB";
  CHECK_FALSE(StripUtf8Bom(short_text));
}

}  // namespace
}  // namespace vigil
