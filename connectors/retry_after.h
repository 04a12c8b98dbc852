// Retry-After (RFC 9110 §10.2.3) read with the reason a value is not (RV11, 2026-12-06), for the
// HTTP clients that honour it (openai_llm_client.cc, openai_embeddings.cc).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vigil {

// connectors/http_client.h's ParseRetryAfterMs (delta-seconds, or an HTTP-date in any of RFC 9110
// §5.6.7's three forms: IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", RFC 850 "Sunday, 06-Nov-94
// 08:49:37 GMT" with its two-digit year taken within 50 years of `now_ms`, asctime "Sun Nov  6
// 08:49:37 1994"; before RV11 the last two were read as garbage), with `why` set to what is wrong
// when it returns -1 ("" otherwise): "empty", "neither delta-seconds nor an HTTP-date (...)", "an
// IMF-fixdate of a day its month does not have", ...
int64_t ParseRetryAfterMs(std::string_view value, int64_t now_ms, std::string* why);

// The log line of a Retry-After value not read (the value cut to 64 bytes, control bytes as `?`):
// "Retry-After `soon` ignored: neither delta-seconds nor an HTTP-date (...)".
std::string RetryAfterIgnored(std::string_view value, std::string_view why);

}  // namespace vigil
