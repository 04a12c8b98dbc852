// RV6: the body limits (--max-body, --max-webhook-body) hold while the body is read, for a chunked
// body and for a gzip body inflating past them. Before, httplib 0.11 read a chunked body whole
// whatever its size (its payload limit is checked against Content-Length only) and inflated a
// `Content-Encoding: gzip` body whole (a 0.97 MB gzip of zeros posted to vigil serve's webhook took
// its RSS over 1 GB before the 413): the limit was checked after, on what was already in memory.
#include <doctest/doctest.h>
#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <utility>

#include "server/http_api_testing.h"

namespace vigil {
namespace {

// The process's peak resident set (VmHWM) in bytes, and its reset (Linux: clear_refs 5). 0 when
// /proc cannot tell.
size_t PeakRssBytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    size_t kb = 0;
    if (std::sscanf(line.c_str(), "VmHWM: %zu kB", &kb) == 1) return kb * 1024;
  }
  return 0;
}
bool ResetPeakRss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

// `mib` MiB of zero bytes as one gzip stream (about 1 KiB of it per MiB).
std::string GzipZeros(size_t mib) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  const std::string zeros(1 << 20, '\0');
  std::string out;
  char buf[1 << 16];
  for (size_t i = 0; i <= mib; ++i) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
    z.avail_in = i < mib ? static_cast<uInt>(zeros.size()) : 0;
    const int flush = i < mib ? Z_NO_FLUSH : Z_FINISH;
    do {
      z.next_out = reinterpret_cast<Bytef*>(buf);
      z.avail_out = sizeof buf;
      deflate(&z, flush);
      out.append(buf, sizeof buf - z.avail_out);
    } while (z.avail_out == 0);
  }
  deflateEnd(&z);
  return out;
}

TestServer LimitServer() {
  return TestServer(100, true, /*max_body=*/256 * 1024, 10, 5,
                    [](WatchedRoutes r) {  // as the chat's routes are added
                      r.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
                        res.set_content(std::to_string(req.body.size()), "text/plain");
                      });
                    },
                    [](HttpApiOptions& o) { o.max_webhook_body = 1024 * 1024; });
}

constexpr size_t kMiB = 1 << 20;

}  // namespace

TEST_CASE("rv6 HttpApi: a chunked body over the limit is refused without being held in memory") {
  TestServer s = LimitServer();
  auto c = s.Client();
  for (const auto& [path, limit] : {std::pair<std::string, std::string>{"/api/v1/alerts", "1048576"},
                                    {"/api/v1/diagnose", "262144"},
                                    {"/echo", "262144"}}) {
    CAPTURE(path);
    REQUIRE(ResetPeakRss());
    const size_t before = PeakRssBytes();
    auto r = c.Post(
        path,
        [sent = size_t{0}](size_t, httplib::DataSink& sink) mutable {
          if (sent >= 96) {
            sink.done();
            return true;
          }
          static const std::string part(kMiB, 'x');
          ++sent;
          return sink.write(part.data(), part.size());
        },
        "application/json");
    const size_t peak = PeakRssBytes();
    REQUIRE(r);
    CHECK(r->status == 413);
    CHECK(r->body.find("over the limit of " + limit + " bytes") != std::string::npos);
    // 96 MiB sent: before, all of it was in Request::body (and more while it grew) before the 413.
    CHECK(peak - before < 24 * kMiB);
    // The connection is still in step: the next request on it is answered as such.
    auto health = c.Get("/healthz");
    REQUIRE(health);
    CHECK(health->status == 200);
  }
  auto small = c.Post("/echo", std::string(200 * 1024, 'x'), "application/json");  // within the limit: as before
  REQUIRE(small);
  CHECK(small->body == "204800");
}

TEST_CASE("rv6 HttpApi: a gzip body is limited by what it inflates to, without holding it") {
  TestServer s = LimitServer();
  auto c = s.Client();
  const std::string gz = GzipZeros(96);  // 96 MiB inflated, about 100 KiB sent: within the Content-Length limits
  REQUIRE(gz.size() < 256 * 1024);
  for (const std::string path : {"/api/v1/alerts", "/api/v1/diagnose", "/echo"}) {
    CAPTURE(path);
    REQUIRE(ResetPeakRss());
    const size_t before = PeakRssBytes();
    auto r = c.Post(path, httplib::Headers{{"Content-Encoding", "gzip"}}, gz, "application/json");
    const size_t peak = PeakRssBytes();
    REQUIRE(r);
    CHECK(r->status == 413);
    CHECK(r->body.find("request body over the limit of") != std::string::npos);
    CHECK(peak - before < 24 * kMiB);
  }
  // Within the limit a gzip body is read as before.
  const std::string body = R"({"version":"4","alerts":[{"labels":{"alertname":"GpuXid","Hostname":"node-1"}}]})";
  std::string whole;
  {
    z_stream z{};
    REQUIRE(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    whole.resize(deflateBound(&z, body.size()) + 64);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
    z.avail_in = static_cast<uInt>(body.size());
    z.next_out = reinterpret_cast<Bytef*>(whole.data());
    z.avail_out = static_cast<uInt>(whole.size());
    REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
    whole.resize(whole.size() - z.avail_out);
    deflateEnd(&z);
  }
  auto r = c.Post("/api/v1/alerts", httplib::Headers{{"Content-Encoding", "gzip"}}, whole, "application/json");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body.find("\"created\"") != std::string::npos);
}

}  // namespace vigil
