#include "connectors/http_client.h"
#include "connectors/retry_after.h"

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>

#include "core/ascii.h"
#include "core/parse.h"

namespace vigil {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

bool InitCurlOnce() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] { ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; });
  return ok;
}

struct Transfer {
  CURL* curl = nullptr;
  const HttpRequest* request = nullptr;
  HttpResponse* response = nullptr;
  bool aborted_by_callback = false;
  bool cancelled = false;
  bool error_body_full = false;  // a non-2xx body reached kMaxErrorBodyBytes: the transfer was stopped
};

std::atomic<bool> g_cancel_all{false};
std::mutex g_cancel_mu;
std::string g_cancel_why;  // guarded by g_cancel_mu

std::string CancelledBy(const HttpRequest& request) {
  if (!g_cancel_all.load() || (request.cancel && request.cancel())) return "";
  std::lock_guard<std::mutex> lock(g_cancel_mu);
  return " (vigil is stopping: " + g_cancel_why + ")";
}

// CURLOPT_XFERINFOFUNCTION: non-zero aborts the transfer (CURLE_ABORTED_BY_CALLBACK).
int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (HttpStopRequested(t->request->cancel)) {
    t->cancelled = true;
    return 1;
  }
  return 0;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    // A new response (after a redirect or "100 Continue"): forget the previous headers.
    t->response->headers.clear();
    return size * n;
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    t->response->headers[AsciiLower(Trim(line.substr(0, colon)))] = std::string(Trim(line.substr(colon + 1)));
  }
  return size * n;
}

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t bytes = size * n;
  long code = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &code);
  if (t->request->on_body && code >= 200 && code < 300) {
    if (!t->request->on_body(std::string_view(data, bytes))) {
      t->aborted_by_callback = true;
      return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
    }
    return bytes;
  }
  // An error answer is read for its start (a message, an error JSON): the first kMaxErrorBodyBytes.
  const bool error_answer = code < 200 || code >= 300;
  const size_t room = kMaxErrorBodyBytes - std::min(kMaxErrorBodyBytes, t->response->body.size());
  if (error_answer && bytes > room) {
    t->response->body.append(data, room);
    t->error_body_full = true;
    return 0;  // stops the transfer (CURLE_WRITE_ERROR); HttpSend returns the response as read
  }
  t->response->body.append(data, bytes);
  return bytes;
}

Status ValidateUrl(const std::string& url) {
  if (url.empty()) return InvalidArgumentError("HTTP request: empty URL");
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos || scheme_end == 0) {
    return InvalidArgumentError("HTTP request: URL `" + url +
                                "` has no scheme (expected http:// or https://)");
  }
  std::string scheme = AsciiLower(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") {
    return InvalidArgumentError("HTTP request: URL `" + url + "` has scheme `" + scheme +
                                "`; only http and https are supported");
  }
  if (url.size() == scheme_end + 3 || url[scheme_end + 3] == '/') {
    return InvalidArgumentError("HTTP request: URL `" + url + "` has no host");
  }
  return Status::Ok();
}

}  // namespace

HttpRequest HttpRequest::Get(std::string url) {
  HttpRequest r;
  r.url = std::move(url);
  return r;
}

HttpRequest HttpRequest::PostJson(std::string url, std::string json_body) {
  HttpRequest r;
  r.method = "POST";
  r.url = std::move(url);
  r.body = std::move(json_body);
  r.headers.push_back({"Content-Type", "application/json"});
  return r;
}

std::string HttpResponse::Header(std::string_view name) const {
  auto it = headers.find(AsciiLower(name));
  return it == headers.end() ? std::string() : it->second;
}

void CancelAllHttpTransfers(std::string why) {
  {
    std::lock_guard<std::mutex> lock(g_cancel_mu);
    if (!g_cancel_all.load()) g_cancel_why = std::move(why);
  }
  g_cancel_all = true;
}

bool HttpStopRequested(const std::function<bool()>& cancel) {
  return g_cancel_all.load(std::memory_order_relaxed) || (cancel && cancel());
}

Result<HttpResponse> HttpSend(const HttpRequest& request) {
  RETURN_IF_ERROR(ValidateUrl(request.url));
  for (const auto& [name, value] : request.headers) {
    if (name.find_first_of("\r\n:") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos) {
      return InvalidArgumentError("HTTP request: header `" + name +
                                  "` has a newline in its name or value, or a colon in its name");
    }
  }
  const std::string where = request.method + " " + request.url;
  if (HttpStopRequested(request.cancel)) return CancelledError(where + ": not sent" + CancelledBy(request));
  if (!InitCurlOnce()) return InternalError("HTTP request: curl_global_init failed");
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return InternalError("HTTP request: curl_easy_init failed");

  HttpResponse response;
  Transfer transfer{curl.get(), &request, &response, false, false, false};
  char error_buffer[CURL_ERROR_SIZE] = {0};

  struct curl_slist* header_list = nullptr;
  for (const auto& [name, value] : request.headers) {
    std::string line = name + ": " + value;
    header_list = curl_slist_append(header_list, line.c_str());
  }
  // libcurl adds "Expect: 100-continue" to large POSTs; some servers answer it badly.
  header_list = curl_slist_append(header_list, "Expect:");
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers_guard(header_list,
                                                                            &curl_slist_free_all);

  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // thread-safe timeouts
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<int64_t>(0, request.timeout_ms)));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::max<int64_t>(0, request.connect_timeout_ms)));
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // any encoding libcurl can decode
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  // Always: CancelAllHttpTransfers reaches requests that set no cancel of their own.
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &OnProgress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &transfer);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  if (request.method == "POST" || request.method == "PUT") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    if (request.method == "PUT") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PUT");
  } else if (request.method == "DELETE") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "DELETE");
  } else if (request.method != "GET") {
    return InvalidArgumentError("HTTP request: unsupported method `" + request.method + "`");
  }

  CURLcode rc = curl_easy_perform(h);
  if (rc == CURLE_WRITE_ERROR && transfer.error_body_full) rc = CURLE_OK;  // the error answer, its start kept
  if (rc != CURLE_OK) {
    std::string detail = error_buffer[0] ? error_buffer : curl_easy_strerror(rc);
    if (transfer.cancelled) return CancelledError(where + ": aborted during the transfer" + CancelledBy(request));
    if (transfer.aborted_by_callback) return UnavailableError(where + ": aborted by callback");
    if (rc == CURLE_OPERATION_TIMEDOUT) {
      return DeadlineExceededError(where + ": no complete response within " +
                                   std::to_string(request.timeout_ms) + " ms (" + detail + ")");
    }
    if (rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL) {
      return InvalidArgumentError(where + ": " + detail);
    }
    return UnavailableError(where + ": " + detail);
  }
  long code = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
  response.status = static_cast<int>(code);
  return response;
}

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string HideUrlPassword(std::string url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const size_t host = scheme + 3;
  const size_t end = std::min(url.find_first_of("/?#", host), url.size());
  const size_t at = url.rfind('@', end == 0 ? 0 : end - 1);
  if (at == std::string::npos || at < host) return url;
  const size_t colon = url.find(':', host);
  if (colon == std::string::npos || colon > at) return url;
  return url.replace(colon + 1, at - colon - 1, "[redacted]");
}

namespace {

int MonthOf(std::string_view name) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; ++i)
    if (kMonths[i] == name) return i;
  return -1;
}

// A day's name as the form writes it: "Sun" (IMF-fixdate, asctime) or "Sunday" (RFC 850).
bool IsDayName(std::string_view name, bool full) {
  static constexpr std::string_view kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                               "Thursday", "Friday", "Saturday"};
  for (std::string_view d : kDays)
    if (full ? name == d : name == d.substr(0, 3)) return true;
  return false;
}

// The three forms of RFC 9110 §5.6.7, each matched whole; `why` says what is wrong otherwise.
// Widths keep sscanf's %d from overflowing and the ranges keep `year - 1900` and
// `timegm(...) * 1000` within int / int64 (RV3: a year of -2147483648 or 2147483647).
std::optional<int64_t> ParseHttpDateMs(const std::string& s, int64_t now_ms, std::string& why) {
  char day_name[10] = {0}, month[4] = {0};
  int day = 0, year = 0, hh = 0, mm = 0, ss = 0, end = -1;
  const int size = static_cast<int>(s.size());
  const char* form = nullptr;
  bool full_day_name = false;
  if (std::sscanf(s.c_str(), "%3[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d GMT%n", day_name, &day, month, &year, &hh,
                  &mm, &ss, &end) == 7 &&
      end == size) {
    form = "IMF-fixdate";  // Sun, 06 Nov 1994 08:49:37 GMT
  } else if (end = -1; std::sscanf(s.c_str(), "%9[A-Za-z], %2d-%3[A-Za-z]-%2d %2d:%2d:%2d GMT%n", day_name, &day,
                                   month, &year, &hh, &mm, &ss, &end) == 7 &&
                       end == size) {
    form = "RFC 850 date";  // Sunday, 06-Nov-94 08:49:37 GMT
    full_day_name = true;
    if (year < 0 || year > 99) {
      why = "an RFC 850 date's year has two digits";
      return std::nullopt;
    }
    // RFC 9110: a two-digit year more than 50 years ahead is the latest past year ending in
    // those digits; so it is the year within 50 of now.
    const int now_year = static_cast<int>(now_ms / 1000 / 31'556'952) + 1970;  // Gregorian mean year
    year += now_year - now_year % 100;
    if (year > now_year + 50) year -= 100;
    if (year <= now_year - 50) year += 100;
  } else if (end = -1; std::sscanf(s.c_str(), "%3[A-Za-z] %3[A-Za-z] %2d %2d:%2d:%2d %4d%n", day_name, month, &day,
                                   &hh, &mm, &ss, &year, &end) == 7 &&
                       end == size) {
    form = "asctime date";  // Sun Nov  6 08:49:37 1994
  } else {
    why = "neither delta-seconds nor an HTTP-date (IMF-fixdate \"Sun, 06 Nov 1994 08:49:37 GMT\", RFC 850 "
          "\"Sunday, 06-Nov-94 08:49:37 GMT\" or asctime \"Sun Nov  6 08:49:37 1994\")";
    return std::nullopt;
  }
  const int mon = MonthOf(month);
  if (!IsDayName(day_name, full_day_name)) {
    why = std::string("an ") + form + " whose day name `" + day_name + "` is no day's";
  } else if (mon < 0) {
    why = std::string("an ") + form + " whose month `" + month + "` is no month's (Jan ... Dec)";
  } else if (year < 0 || day < 1 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60) {
    why = std::string("an ") + form + " out of range (day, hour, minute or second)";
  } else {
    static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (day > kDays[mon] || (mon == 1 && day == 29 && !leap)) {
      why = std::string("an ") + form + " of a day its month does not have";
    }
  }
  if (!why.empty()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon;
  tm.tm_mday = day;
  tm.tm_hour = hh;
  tm.tm_min = mm;
  tm.tm_sec = ss;
  const int64_t at_ms = static_cast<int64_t>(timegm(&tm)) * 1000;
  return std::max<int64_t>(0, at_ms - now_ms);
}

}  // namespace

int64_t ParseRetryAfterMs(std::string_view value, int64_t now_ms) { return ParseRetryAfterMs(value, now_ms, nullptr); }

int64_t ParseRetryAfterMs(std::string_view value, int64_t now_ms, std::string* why) {
  std::string reason;
  value = Trim(value);
  int64_t ms = -1;
  if (value.empty()) {
    reason = "empty";
  } else if (std::all_of(value.begin(), value.end(),
                         [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    // A delta too large for milliseconds in int64 (or for int64 at all) saturates: the server
    // asked for a very long wait, and every caller clamps to its own maximum backoff.
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    std::optional<int64_t> seconds = ParseInt(value);
    ms = !seconds || *seconds > kMax / 1000 ? kMax : *seconds * 1000;
  } else if (value.size() > 64) {
    reason = "longer than any HTTP-date";
  } else if (std::optional<int64_t> date = ParseHttpDateMs(std::string(value), now_ms, reason)) {
    ms = *date;
  }
  if (why != nullptr) *why = ms >= 0 ? std::string() : reason;
  return ms;
}

std::string RetryAfterIgnored(std::string_view value, std::string_view why) {
  std::string shown(value.substr(0, 64));
  for (char& c : shown)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  return "Retry-After `" + shown + (value.size() > 64 ? "...`" : "`") + " ignored: " + std::string(why);
}

void SseParser::Feed(std::string_view chunk) {
  bytes_ += chunk.size();
  pending_.append(chunk);
  size_t start = 0;
  while (true) {
    size_t nl = pending_.find('\n', start);
    if (nl == std::string::npos) break;
    std::string_view line(pending_.data() + start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ProcessLine(line);
    start = nl + 1;
  }
  pending_.erase(0, start);
}

bool SseParser::Finish() {
  if (!pending_.empty()) {
    std::string line;
    line.swap(pending_);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    ProcessLine(line);
  }
  if (has_data_) {
    Dispatch();
    return true;
  }
  return false;
}

void SseParser::ProcessLine(std::string_view line) {
  if (line.empty()) {
    if (has_data_) Dispatch();
    event_.clear();
    return;
  }
  if (line.front() == ':') return;  // comment / keep-alive
  auto colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field == "data") {
    if (has_data_) data_ += '\n';
    data_.append(value);
    has_data_ = true;
  } else if (field == "event") {
    event_ = std::string(value);
  }
}

void SseParser::Dispatch() {
  std::string event = event_.empty() ? "message" : event_;
  std::string data;
  data.swap(data_);
  has_data_ = false;
  event_.clear();
  on_event_(event, data);
}

}  // namespace vigil
