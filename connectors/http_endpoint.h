// One request to an HTTP JSON API endpoint named for messages, shared by the API clients
// (prometheus_source.h, alertmanager_api.h): the 2xx body collected up to a size limit, and
// transport errors that name the endpoint instead of the request's URL (which may hold a password
// and a long encoded query).
// Thread safety: pure functions over HttpSend; safe to call concurrently.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "connectors/http_client.h"
#include "core/status.h"

namespace vigil {

// Sends `req` (its on_body is replaced) and returns the response, the whole body collected.
//   - A 2xx body over `max_ok_body_bytes` (0 = no limit) stops the transfer: InvalidArgument
//     "<where>: the answer is over N MiB|bytes (the limit of one answer): <over_hint>".
//   - A transport error keeps its code (Unavailable, DeadlineExceeded, Cancelled, ...); its message
//     is "<where>: <what libcurl said>", with the request's URL, wherever it was quoted, written
//     `shown_url` (the endpoint as it may be shown: password `[redacted]`, no query).
// An HTTP error status is a response, as with HttpSend.
[[nodiscard]] Result<HttpResponse> SendToEndpoint(HttpRequest req, size_t max_ok_body_bytes, const std::string& where,
                                                  const std::string& shown_url, std::string_view over_hint);

// The first `n` bytes of `body` for a message, control characters as spaces, "..." when cut.
std::string BodyPreview(std::string_view body, size_t n);

// When `body` is JSON that ends before its value is complete (an object or array cut short: a
// proxy's buffer limit, a server killed mid-write), the words for it: "JSON cut short: its N bytes
// end before the answer is complete (a proxy or the server cut it)"; else "" (text of another kind,
// or whole JSON). An answer cut short is the transfer's fault, not the URL's: callers say so instead
// of "not JSON (is the URL ...?)", and treat it as Unavailable (a retry may be whole).
std::string JsonCutShort(std::string_view body);

}  // namespace vigil
