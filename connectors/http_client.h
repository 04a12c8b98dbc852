// HttpClient: the product's one HTTP client (libcurl is used here and nowhere else).
//
// A small synchronous wrapper for JSON APIs (OpenAI-compatible LLM endpoints, embeddings,
// Prometheus, Alertmanager): GET/POST with headers and a time limit, returning status, headers
// and body; optionally streaming the body through a callback (server-sent events).
//
// Errors (as Status, never exceptions):
//   InvalidArgument   the URL is empty or malformed (no scheme/host), or a header has a newline
//   Unavailable       could not connect / resolve / send / receive (connection refused, reset)
//   DeadlineExceeded  the request took longer than `timeout_ms`
//   Internal          libcurl could not be initialised
//   Cancelled         HttpRequest::cancel turned true: the transfer was aborted (a stop the caller
//                     asked for, e.g. SIGINT; not retryable; core/status.h IsCancelled)
// An HTTP error status (404, 429, 500, ...) is NOT an error of Send(): it is returned in
// HttpResponse::status so callers can read Retry-After and the error body.
//
// Thread safety: every call creates its own CURL handle; Send() may be called from any number
// of threads at once. curl_global_init runs once, on first use.
//
// Example:
//   HttpRequest req = HttpRequest::PostJson("http://127.0.0.1:8000/v1/embeddings", body.dump());
//   req.headers.push_back({"Authorization", "Bearer " + key});
//   ASSIGN_OR_RETURN(HttpResponse res, HttpSend(req));
//   if (!res.ok()) return UnavailableError("embeddings: HTTP " + std::to_string(res.status));
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace vigil {

struct HttpRequest {
  std::string method = "GET";  // "GET", "POST", "PUT", "DELETE"
  std::string url;             // absolute http:// or https:// URL, query already encoded
  std::vector<std::pair<std::string, std::string>> headers;  // sent in this order
  std::string body;                                          // sent for POST/PUT (may be empty)
  int64_t timeout_ms = 30'000;                               // whole request, connect included; 0 = no limit
  int64_t connect_timeout_ms = 10'000;                       // connection set-up only
  // Streaming: when set, body bytes of a 2xx response are handed to this callback as they
  // arrive (arbitrary chunk boundaries) instead of being collected in HttpResponse::body. Return
  // false to abort the transfer (Send then returns Unavailable "aborted by callback"). Bodies of
  // non-2xx responses are always collected in HttpResponse::body, their first kMaxErrorBodyBytes
  // only: there the transfer stops and the response is returned as read.
  std::function<bool(std::string_view chunk)> on_body;
  // When set, polled before the request and while it runs (libcurl's transfer-progress callback:
  // many times a second while data moves, about once a second while the server is silent); true
  // aborts the transfer and Send returns Cancelled (core/status.h IsCancelled). Called
  // on the sending thread; must be cheap and must not throw.
  std::function<bool()> cancel;

  static HttpRequest Get(std::string url);
  static HttpRequest PostJson(std::string url, std::string json_body);  // adds Content-Type
};

// The most of a non-2xx response's body kept (callers quote its start or read an error JSON): a
// proxy's error page that streams on stops the transfer here instead of filling memory.
inline constexpr size_t kMaxErrorBodyBytes = size_t{1} << 20;

struct HttpResponse {
  int status = 0;                              // HTTP status code of the final response
  std::map<std::string, std::string> headers;  // names lower-cased; last value wins
  std::string body;                            // empty when streamed to on_body
  bool ok() const { return status >= 200 && status < 300; }
  // The header's value, or "" when absent. `name` is matched case-insensitively.
  std::string Header(std::string_view name) const;
};

// Performs one request (no retries: callers own their retry policy).
[[nodiscard]] Result<HttpResponse> HttpSend(const HttpRequest& request);

// Ends every HttpSend in flight (Cancelled, as HttpRequest::cancel does; polled by libcurl's
// progress callback, about once a second while a server is silent) and makes every later one return
// Cancelled unsent: `vigil diagnose` on SIGINT / SIGTERM (server/stop_signal.h), so a triage waiting
// on an LLM or on Prometheus ends with its probes instead of at the hard bound with nothing printed
// (DOG7 left this; 2026-12-06). Thread-safe; lasts for the rest of the process (as
// probes/subprocess.h StopSubprocesses). `why` names the stop in the errors ("SIGTERM").
void CancelAllHttpTransfers(std::string why);
// A caller's own cancel (HttpRequest::cancel, ChatRequest::cancel; may be empty) turned true, or
// CancelAllHttpTransfers called: what HttpSend and the LLM client's retry loop both check.
bool HttpStopRequested(const std::function<bool()>& cancel);

// Percent-encodes a query-string component (RFC 3986 unreserved characters pass through).
std::string UrlEncode(std::string_view text);

// `url` with the password of a `user:password@` before its host written `[redacted]`, for messages
// (the LLM and embeddings clients).
std::string HideUrlPassword(std::string url);

// Parses a Retry-After header value: delta-seconds ("30") or an HTTP-date
// ("Wed, 21 Oct 2015 07:28:00 GMT", relative to `now_ms`). Returns milliseconds to wait (>= 0),
// or -1 when the value is empty or unparseable. A delta-seconds too large to represent in
// milliseconds ("99999999999999999999") saturates to INT64_MAX: callers clamp to their maximum.
int64_t ParseRetryAfterMs(std::string_view value, int64_t now_ms);

// Incremental parser for text/event-stream bodies (server-sent events). Feed it body chunks
// with arbitrary boundaries; it calls `on_event(event_name, data)` for every complete event
// (lines "event:", "data:" joined by "\n"; comments and "id:"/"retry:" ignored; CRLF or LF).
// Not thread-safe; one parser per stream.
class SseParser {
 public:
  using EventFn = std::function<void(const std::string& event, const std::string& data)>;
  explicit SseParser(EventFn on_event) : on_event_(std::move(on_event)) {}
  void Feed(std::string_view chunk);
  // Dispatches an event left unterminated at the end of the stream (servers that omit the
  // final blank line). Returns true when there was one.
  bool Finish();
  // Bytes fed so far.
  size_t bytes() const { return bytes_; }

 private:
  void ProcessLine(std::string_view line);
  void Dispatch();

  EventFn on_event_;
  std::string pending_;  // incomplete line
  std::string event_;
  std::string data_;
  bool has_data_ = false;
  size_t bytes_ = 0;
};

}  // namespace vigil
