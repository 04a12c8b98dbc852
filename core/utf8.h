// UTF-8 validation, for text that reaches JSON output or the knowledge base (moved here from
// knowledge/text_util so the dataset readers can refuse non-UTF-8 names where they read them).
#pragma once

#include <cstddef>
#include <string_view>

namespace vigil {

// True when `text` is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF). On failure
// `*bad_offset` (if given) is the byte offset of the first invalid sequence. Pure.
bool IsValidUtf8(std::string_view text, size_t* bad_offset = nullptr);

}  // namespace vigil
