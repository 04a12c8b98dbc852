// Text as Windows tools save it: UTF-16 (PowerShell's `>` and Out-File write UTF-16LE with a byte
// order mark; some exports have none) or UTF-8 behind a byte order mark (Notepad). One detector and
// one decoder for every input vigil reads such text from: a pasted log (`vigil diagnose --log`,
// lenient: what is not UTF-16 becomes U+FFFD) and an Alertmanager body (the webhook, `vigil
// diagnose --alert`; strict: converted only when that loses nothing, else refused naming the byte).
// Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace vigil {

// How a UTF-16 text is laid out.
struct Utf16Layout {
  bool little_endian = true;
  bool bom = false;  // it starts with a byte order mark (FF FE little, FE FF big), skipped when decoding
};

// Whether `text` is UTF-16, and how: a byte order mark (FF FE, FE FF), or no mark and, in the first
// 4 KiB (at least 2 byte pairs), a NUL in at least 9 of 10 byte pairs, always the same byte of the
// pair, and none in the other (ASCII-heavy text in UTF-16: logs, JSON). nullopt otherwise (UTF-8
// text has no NUL where valid JSON or a log line has one). A UTF-8 byte order mark (EF BB BF) is
// no UTF-16.
std::optional<Utf16Layout> DetectUtf16(std::string_view text);

// "UTF-16LE text (byte order mark)", "UTF-16BE text (no byte order mark)".
std::string DescribeUtf16(const Utf16Layout& layout);

// What to do with what is not UTF-16: a lone surrogate, or an odd last byte.
enum class InvalidUtf16 {
  kRefuse,   // InvalidArgument naming the byte offset (in `text`, the mark included)
  kReplace,  // U+FFFD in its place, counted
};

// `text` (as DetectUtf16 saw it, its byte order mark included) decoded as UTF-16 of `layout`, in
// UTF-8. Pairs of surrogates become one code point. With kRefuse the errors are
//   "not valid UTF-16 at byte 10: a high surrogate (D83D) not followed by a low one"
//   "not valid UTF-16 at byte 12: a low surrogate (DE00) without a high one before it"
//   "not valid UTF-16 at byte 41: an odd number of bytes (41), the last one is half a code unit"
// With kReplace, `*replaced` (when given) is set to the count of U+FFFD put in.
Result<std::string> Utf16ToUtf8(std::string_view text, const Utf16Layout& layout, InvalidUtf16 invalid,
                                size_t* replaced = nullptr);

// `text` without a leading UTF-8 byte order mark (EF BB BF; Notepad, Excel's "CSV UTF-8" and
// PowerShell's Out-File -Encoding utf8 write one): kept, it became part of a file's first header
// name, value, token or Markdown line. The one check for every reader of such files.
constexpr std::string_view WithoutUtf8Bom(std::string_view text) {
  return text.starts_with("\xEF\xBB\xBF") ? text.substr(3) : text;
}

// Removes a leading UTF-8 byte order mark (EF BB BF) in place; whether there was one.
bool StripUtf8Bom(std::string& text);

}  // namespace vigil
