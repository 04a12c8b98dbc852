#include "core/text_encoding.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace vigil {
namespace {

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string Hex4(uint32_t unit) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04X", static_cast<unsigned>(unit));
  return buf;
}

}  // namespace

std::optional<Utf16Layout> DetectUtf16(std::string_view text) {
  if (text.size() >= 2 && text[0] == '\xFF' && text[1] == '\xFE') return Utf16Layout{true, true};
  if (text.size() >= 2 && text[0] == '\xFE' && text[1] == '\xFF') return Utf16Layout{false, true};
  const size_t pairs = std::min<size_t>(text.size(), 4096) / 2;
  if (pairs < 2) return std::nullopt;
  size_t zero_first = 0, zero_second = 0;
  for (size_t i = 0; i < pairs; ++i) {
    zero_first += text[2 * i] == '\0';
    zero_second += text[2 * i + 1] == '\0';
  }
  if (zero_second * 10 >= pairs * 9 && zero_first == 0) return Utf16Layout{true, false};  // 'a' 00: little
  if (zero_first * 10 >= pairs * 9 && zero_second == 0) return Utf16Layout{false, false};  // 00 'a': big
  return std::nullopt;
}

std::string DescribeUtf16(const Utf16Layout& layout) {
  return std::string(layout.little_endian ? "UTF-16LE" : "UTF-16BE") +
         (layout.bom ? " text (byte order mark)" : " text (no byte order mark)");
}

Result<std::string> Utf16ToUtf8(std::string_view text, const Utf16Layout& layout, InvalidUtf16 invalid,
                                size_t* replaced) {
  auto unit = [&](size_t i) -> uint32_t {
    const auto a = static_cast<unsigned char>(text[i]), b = static_cast<unsigned char>(text[i + 1]);
    return layout.little_endian ? (a | (b << 8)) : ((a << 8) | b);
  };
  size_t bad = 0;
  std::string out;
  out.reserve(text.size() / 2 + 16);
  auto refuse_or_replace = [&](size_t at, const std::string& why) -> Status {
    if (invalid == InvalidUtf16::kRefuse) {
      return InvalidArgumentError("not valid UTF-16 at byte " + std::to_string(at) + ": " + why);
    }
    AppendUtf8(out, 0xFFFD);
    ++bad;
    return Status::Ok();
  };
  size_t i = layout.bom && text.size() >= 2 ? 2 : 0;
  for (; i + 1 < text.size(); i += 2) {
    const uint32_t u = unit(i);
    if (u >= 0xD800 && u < 0xDC00) {  // a high surrogate: a low one must follow
      if (i + 3 < text.size()) {
        const uint32_t v = unit(i + 2);
        if (v >= 0xDC00 && v < 0xE000) {
          AppendUtf8(out, 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00));
          i += 2;
          continue;
        }
      }
      RETURN_IF_ERROR(refuse_or_replace(i, "a high surrogate (" + Hex4(u) + ") not followed by a low one"));
      continue;
    }
    if (u >= 0xDC00 && u < 0xE000) {
      RETURN_IF_ERROR(refuse_or_replace(i, "a low surrogate (" + Hex4(u) + ") without a high one before it"));
      continue;
    }
    AppendUtf8(out, u);
  }
  if (i < text.size()) {
    RETURN_IF_ERROR(refuse_or_replace(i, "an odd number of bytes (" + std::to_string(text.size()) +
                                             "), the last one is half a code unit"));
  }
  if (replaced != nullptr) *replaced = bad;
  return out;
}

bool StripUtf8Bom(std::string& text) {
  const size_t mark = text.size() - WithoutUtf8Bom(text).size();
  text.erase(0, mark);
  return mark > 0;
}

}  // namespace vigil
