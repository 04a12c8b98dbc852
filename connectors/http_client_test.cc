#include "connectors/http_client.h"
#include "connectors/retry_after.h"
#include "connectors/http_endpoint.h"

#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <thread>

namespace vigil {
namespace {

// A loopback server on a port chosen by the OS; stopped and joined on destruction.
class LoopbackServer {
 public:
  LoopbackServer() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~LoopbackServer() {
    server_.stop();
    thread_.join();
  }
  httplib::Server& server() { return server_; }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

TEST_CASE("HttpSend: GET and POST with headers, status and response headers") {
  LoopbackServer srv;
  srv.server().Get("/ping", [](const httplib::Request& req, httplib::Response& res) {
    res.set_header("X-Echo", req.get_header_value("X-Token"));
    res.set_content("pong", "text/plain");
  });
  srv.server().Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
    res.status = 201;
    res.set_content(req.body + "|" + req.get_header_value("Content-Type"), "text/plain");
  });
  HttpRequest get = HttpRequest::Get(srv.Url("/ping"));
  get.headers.push_back({"X-Token", "abc"});
  auto r = HttpSend(get);
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(r->body == "pong");
  CHECK(r->Header("x-echo") == "abc");
  CHECK(r->Header("X-ECHO") == "abc");

  auto p = HttpSend(HttpRequest::PostJson(srv.Url("/echo"), R"({"a":1})"));
  REQUIRE(p.ok());
  CHECK(p->status == 201);
  CHECK(p->ok());
  CHECK(p->body == R"({"a":1}|application/json)");
}

TEST_CASE("HttpSend: an HTTP error status is a response, not an error") {
  LoopbackServer srv;
  srv.server().Get("/busy", [](const httplib::Request&, httplib::Response& res) {
    res.status = 429;
    res.set_header("Retry-After", "7");
    res.set_content("slow down", "text/plain");
  });
  auto r = HttpSend(HttpRequest::Get(srv.Url("/busy")));
  REQUIRE(r.ok());
  CHECK(r->status == 429);
  CHECK_FALSE(r->ok());
  CHECK(r->Header("Retry-After") == "7");
  CHECK(r->body == "slow down");
}

TEST_CASE(
    "HttpSend: timeout is DeadlineExceeded, refused connection is Unavailable, bad URL is InvalidArgument") {
  LoopbackServer srv;
  srv.server().Get("/slow", [](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    res.set_content("late", "text/plain");
  });
  HttpRequest slow = HttpRequest::Get(srv.Url("/slow"));
  slow.timeout_ms = 100;
  auto r = HttpSend(slow);
  CHECK(r.status().code() == StatusCode::kDeadlineExceeded);
  CHECK(r.status().message().find("/slow") != std::string::npos);

  // Port 1 on loopback: nothing listens there.
  auto refused = HttpSend(HttpRequest::Get("http://127.0.0.1:1/x"));
  CHECK(refused.status().code() == StatusCode::kUnavailable);

  CHECK(HttpSend(HttpRequest::Get("")).status().code() == StatusCode::kInvalidArgument);
  CHECK(HttpSend(HttpRequest::Get("localhost:8000/v1")).status().code() == StatusCode::kInvalidArgument);
  CHECK(HttpSend(HttpRequest::Get("ftp://host/x")).status().code() == StatusCode::kInvalidArgument);
  HttpRequest bad_header = HttpRequest::Get(srv.Url("/slow"));
  bad_header.headers.push_back({"X-Evil", "a\r\nInjected: yes"});
  CHECK(HttpSend(bad_header).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("HttpSend: streaming body goes to the callback; abort stops the transfer") {
  LoopbackServer srv;
  srv.server().Get("/sse", [](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/event-stream", [](size_t, httplib::DataSink& sink) {
      sink.write("data: one\n\n", 11);
      sink.write("data: two\n\n", 11);
      sink.done();
      return true;
    });
  });
  std::string streamed;
  HttpRequest req = HttpRequest::Get(srv.Url("/sse"));
  req.on_body = [&](std::string_view chunk) {
    streamed.append(chunk);
    return true;
  };
  auto r = HttpSend(req);
  REQUIRE(r.ok());
  CHECK(r->body.empty());
  CHECK(streamed == "data: one\n\ndata: two\n\n");

  req.on_body = [](std::string_view) { return false; };
  auto aborted = HttpSend(req);
  CHECK(aborted.status().code() == StatusCode::kUnavailable);
  CHECK(aborted.status().message().find("aborted by callback") != std::string::npos);
}

TEST_CASE("HttpSend: an error answer's body is kept to its first 1 MiB; a body that never ends does not hold the call") {
  // A proxy's or a broken server's error page that streams on (a 502 whose upstream keeps sending): before,
  // every byte was collected until the request's time limit, memory without bound (RVU3).
  LoopbackServer srv;
  srv.server().Get("/flood", [](const httplib::Request&, httplib::Response& res) {
    res.status = 502;
    res.set_chunked_content_provider("text/html", [](size_t, httplib::DataSink& sink) {
      static const std::string chunk(64 << 10, 'x');
      return sink.write(chunk.data(), chunk.size());  // until the client hangs up
    });
  });
  HttpRequest req = HttpRequest::Get(srv.Url("/flood"));
  req.timeout_ms = 20'000;
  const auto start = std::chrono::steady_clock::now();
  auto r = HttpSend(req);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(r.ok());
  CHECK(r->status == 502);
  CHECK(r->body.size() == kMaxErrorBodyBytes);
  CHECK(r->body.find_first_not_of('x') == std::string::npos);
  CHECK(took < 15);  // not the request's 20 s limit
  // A short error body is whole, as before.
  srv.server().Get("/short", [](const httplib::Request&, httplib::Response& res) {
    res.status = 503;
    res.set_content(std::string(1000, 'y'), "text/plain");
  });
  auto s = HttpSend(HttpRequest::Get(srv.Url("/short")));
  REQUIRE(s.ok());
  CHECK(s->body == std::string(1000, 'y'));
}

TEST_CASE("SseParser: events across arbitrary chunk boundaries, CRLF, comments, multi-line data") {
  std::vector<std::pair<std::string, std::string>> events;
  SseParser parser([&](const std::string& e, const std::string& d) { events.push_back({e, d}); });
  std::string stream =
      ": keep-alive\r\ndata: {\"a\":1}\r\n\r\nevent: error\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n";
  for (char c : stream) parser.Feed(std::string_view(&c, 1));  // worst case: one byte at a time
  CHECK_FALSE(parser.Finish());
  REQUIRE(events.size() == 3);
  CHECK(events[0] == std::pair<std::string, std::string>{"message", "{\"a\":1}"});
  CHECK(events[1] == std::pair<std::string, std::string>{"error", "line1\nline2"});
  CHECK(events[2].second == "[DONE]");

  events.clear();
  SseParser tail([&](const std::string& e, const std::string& d) { events.push_back({e, d}); });
  tail.Feed("data: unterminated");
  CHECK(events.empty());
  CHECK(tail.Finish());
  REQUIRE(events.size() == 1);
  CHECK(events[0].second == "unterminated");
}

TEST_CASE("ParseRetryAfterMs: seconds, HTTP-date, garbage") {
  CHECK(ParseRetryAfterMs("30", 0) == 30'000);
  CHECK(ParseRetryAfterMs(" 0 ", 0) == 0);
  CHECK(ParseRetryAfterMs("", 0) == -1);
  CHECK(ParseRetryAfterMs("soon", 0) == -1);
  // 2015-10-21T07:28:00Z = 1445412480 s.
  CHECK(ParseRetryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT", 1445412480000 - 5000) == 5000);
  CHECK(ParseRetryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT", 1445412480000 + 5000) == 0);
  // Absurd deltas saturate instead of throwing or wrapping; callers clamp to their max backoff.
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  CHECK(ParseRetryAfterMs("99999999999999999999", 0) == kMax);
  CHECK(ParseRetryAfterMs("9223372036854776", 0) == kMax);  // fits int64 as seconds, not as ms
  CHECK(ParseRetryAfterMs("9223372036854775", 0) == 9223372036854775000);
  CHECK(ParseRetryAfterMs("1234567890", 0) == 1234567890000);
  CHECK(ParseRetryAfterMs("-5", 0) == -1);
}

TEST_CASE("ParseRetryAfterMs: an HTTP-date with an out-of-range year or time is garbage, not overflow") {
  // A server's header: the year fed `year - 1900` (int) and `timegm(...) * 1000` (int64), both of
  // which overflowed (UBSan: signed integer overflow) and the wait came out as whatever wrapped.
  CHECK(ParseRetryAfterMs("Wed, 21 Oct 2147483647 07:28:00 GMT", 0) == -1);
  CHECK(ParseRetryAfterMs("Wed, 21 Oct -2147483648 07:28:00 GMT", 0) == -1);
  CHECK(ParseRetryAfterMs("Wed, 21 Oct 300000000 07:28:00 GMT", 0) == -1);
  CHECK(ParseRetryAfterMs("Wed, 2147483647 Oct 2015 07:28:00 GMT", 0) == -1);
  CHECK(ParseRetryAfterMs("Wed, 21 Oct 2015 99:28:00 GMT", 0) == -1);
  CHECK(ParseRetryAfterMs("Wed, 0 Oct 2015 07:28:00 GMT", 0) == -1);
  // The widest valid dates still parse: 9999-12-31T23:59:59Z = 253402300799 s.
  CHECK(ParseRetryAfterMs("Fri, 31 Dec 9999 23:59:59 GMT", 0) == 253402300799000);
  CHECK(ParseRetryAfterMs("Wed, 01 Oct 2015 07:28:00 GMT", 1443684480000 - 1000) == 1000);
}

TEST_CASE("UrlEncode") {
  CHECK(UrlEncode("2024-06-01") == "2024-06-01");
  CHECK(UrlEncode("a b&c=d/é") == "a%20b%26c%3Dd%2F%C3%A9");
}

}  // namespace
}  // namespace vigil

namespace vigil {

TEST_CASE("JsonCutShort: JSON that runs out of input is cut short; other text, whole JSON or a bad byte before the end is not") {
  // Cut inside a string, after a comma, inside a number, a literal, a nested array: the parser ran out of input.
  for (const char* cut : {R"({"status":"success","data":{"result":[[1,"2)", R"({"a":[1,)", R"({"a":1)", "[1,2",
                          R"({"a":1e99)", R"(  {"a":tr)", "{"}) {
    CAPTURE(cut);
    CHECK(JsonCutShort(cut) == "JSON cut short: its " + std::to_string(std::string_view(cut).size()) +
                                   " bytes end before the answer is complete (a proxy or the server cut it)");
  }
  // Whole JSON, JSON with something after it, a wrong byte before the end, another kind of text, nothing.
  for (const char* other : {R"({"a":1})", R"({"a":1}x)", "{not json", R"({"a":1,,"b":)", "<html><body>", "404 page not found",
                            "", "   ", "\"a string"}) {
    CAPTURE(other);
    CHECK(JsonCutShort(other).empty());
  }
}

}  // namespace vigil

namespace vigil {

TEST_CASE("rv11 ParseRetryAfterMs: the three HTTP-date forms of RFC 9110 5.6.7; a bad value says why") {
  // RFC 9110's example instant, 1994-11-06T08:49:37Z = 784111777 s, in each form.
  constexpr int64_t kAt = 784'111'777'000;
  for (const char* date : {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
                           "Sun Nov 06 08:49:37 1994"}) {
    CAPTURE(date);
    std::string why = "unset";
    CHECK(ParseRetryAfterMs(date, kAt - 5000, &why) == 5000);  // RFC 850 and asctime were -1
    CHECK(why.empty());
    CHECK(ParseRetryAfterMs(date, kAt + 5000) == 0);  // passed: no wait, never a negative one
  }
  // RFC 850's two-digit year is the one within 50 years of now: read in December 2025, 30 is 2030, 94 is 1994.
  constexpr int64_t kDec2025 = 1'765'000'000'000;  // 2025-12-06T05:46:40Z
  CHECK(ParseRetryAfterMs("Tuesday, 01-Jan-30 00:00:00 GMT", kDec2025) == 1'893'456'000'000 - kDec2025);
  CHECK(ParseRetryAfterMs("Sunday, 06-Nov-94 08:49:37 GMT", kDec2025) == 0);
  struct Bad {
    const char* value;
    const char* why;
  };
  const Bad bad[] = {
      {"", "empty"},
      {"soon", "neither delta-seconds nor an HTTP-date (IMF-fixdate \"Sun, 06 Nov 1994 08:49:37 GMT\", RFC 850 "
               "\"Sunday, 06-Nov-94 08:49:37 GMT\" or asctime \"Sun Nov  6 08:49:37 1994\")"},
      {"-5", "neither delta-seconds nor an HTTP-date (IMF-fixdate \"Sun, 06 Nov 1994 08:49:37 GMT\", RFC 850 "
             "\"Sunday, 06-Nov-94 08:49:37 GMT\" or asctime \"Sun Nov  6 08:49:37 1994\")"},
      {"Sun, 31 Feb 2030 00:00:00 GMT", "an IMF-fixdate of a day its month does not have"},
      {"Sun, 29 Feb 2029 00:00:00 GMT", "an IMF-fixdate of a day its month does not have"},
      {"Sun, 06 Nov 1994 08:49:37 UTC", "neither delta-seconds nor an HTTP-date (IMF-fixdate \"Sun, 06 Nov 1994 "
                                        "08:49:37 GMT\", RFC 850 \"Sunday, 06-Nov-94 08:49:37 GMT\" or asctime "
                                        "\"Sun Nov  6 08:49:37 1994\")"},
      {"Sun, 06 Foo 1994 08:49:37 GMT", "an IMF-fixdate whose month `Foo` is no month's (Jan ... Dec)"},
      {"Sunday, 06-Nov-1994 08:49:37 GMT", "neither delta-seconds nor an HTTP-date (IMF-fixdate \"Sun, 06 Nov 1994 "
                                           "08:49:37 GMT\", RFC 850 \"Sunday, 06-Nov-94 08:49:37 GMT\" or asctime "
                                           "\"Sun Nov  6 08:49:37 1994\")"},
      {"Someday, 06-Nov-94 08:49:37 GMT", "an RFC 850 date whose day name `Someday` is no day's"},
      {"Sun Nov  6 25:49:37 1994", "an asctime date out of range (day, hour, minute or second)"},
  };
  for (const Bad& b : bad) {
    CAPTURE(b.value);
    std::string why;
    CHECK(ParseRetryAfterMs(b.value, 0, &why) == -1);
    CHECK(why == b.why);
  }
  CHECK(RetryAfterIgnored("a\nb", "x") == "Retry-After `a?b` ignored: x");
}

}  // namespace vigil
