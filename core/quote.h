// A field quoted in a message, cut when it is long.
#pragma once

#include <string>
#include <string_view>

#include "core/utf8.h"

namespace vigil {

// `text` in backticks for a message: whole when it is at most `max_bytes` long, else its first
// `max_bytes` (Utf8Prefix: whole UTF-8 characters) then "...` (N bytes)". A reader's error quoted the
// field or line it refused whole: a 1 MB value made a 1 MB error line (RV3). Pure.
inline std::string QuoteClipped(std::string_view text, size_t max_bytes = 64) {
  std::string out = "`";
  if (text.size() <= max_bytes) return out.append(text).append("`");
  out += Utf8Prefix(text, max_bytes);
  out += "...` (";
  out += std::to_string(text.size());
  out += " bytes)";
  return out;
}

}  // namespace vigil
