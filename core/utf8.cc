#include "core/utf8.h"

#include <cstdint>

namespace vigil {

bool IsValidUtf8(std::string_view s, size_t* bad_offset) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size(), i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      if (bad_offset) *bad_offset = i;
      return false;
    }
    if (i + len > n) {
      if (bad_offset) *bad_offset = i;
      return false;
    }
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) {
        if (bad_offset) *bad_offset = i;
        return false;
      }
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      if (bad_offset) *bad_offset = i;
      return false;
    }
    i += len;
  }
  return true;
}

std::string Utf8Prefix(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  // s[max_bytes] is the first byte left out. When it continues a sequence (10xxxxxx), step back to
  // that sequence's lead byte (at most 3 bytes back) and leave the sequence out whole.
  size_t n = max_bytes;
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  if ((byte(n) & 0xC0) == 0x80) {
    size_t lead = n;
    while (lead > 0 && n - lead < 3 && (byte(lead) & 0xC0) == 0x80) --lead;
    if ((byte(lead) & 0xC0) == 0xC0) n = lead;  // a lead byte: its sequence is cut, drop it
  }
  return std::string(s.substr(0, n));
}

}  // namespace vigil
