// UTF-8 validation, for text that reaches JSON output or the knowledge base (moved here from
// knowledge/text_util so the dataset readers can refuse non-UTF-8 names where they read them).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vigil {

// True when `text` is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF). On failure
// `*bad_offset` (if given) is the byte offset of the first invalid sequence. Pure.
bool IsValidUtf8(std::string_view text, size_t* bad_offset = nullptr);

// The first at most `max_bytes` bytes of `text`, cut before a UTF-8 sequence that would not fit
// whole (`substr(0, n)` can cut "é" in two: the half byte made nlohmann's dump() throw type_error
// 316 on the whole report, `vigil diagnose --json`'s "internal error"). Bytes that are not UTF-8
// stay as they are. Pure.
std::string Utf8Prefix(std::string_view text, size_t max_bytes);

}  // namespace vigil
