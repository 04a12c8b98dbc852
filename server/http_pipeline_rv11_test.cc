// RV11 (2026-12-06): requests pipelined on one connection (the next sent before the answer to the
// one before). httplib 0.11 reads a request through a 4 KiB buffer that it drops once the request
// is answered, so bytes of the next request read with it are lost: a small one wholly (no answer;
// the connection idled till the keep-alive timeout), a large one's head (its rest read as a request:
// 400, which a sender takes as the webhook's answer). Now such a connection is ended right after the
// answer, as RFC 9112 9.3.2 lets a server do: the client sees its later requests unanswered and
// sends them again on a new connection.
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <cerrno>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "core/logging.h"
#include "server/http_api_testing.h"

namespace vigil {
namespace {

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

// Sends `bytes` in one send() on a new connection and reads what the server writes until it
// closes or `give_up_s` pass: (what it wrote, seconds until it closed; give_up_s when it did not).
std::pair<std::string, double> SendAtOnce(int port, const std::string& bytes, double give_up_s) {
  const int fd = ConnectLoopback(port);
  timeval tv{0, 100'000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  const auto start = std::chrono::steady_clock::now();
  REQUIRE(send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size()));
  std::string got;
  double closed_after = give_up_s;
  while (true) {
    const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (t >= give_up_s) break;
    char buf[4096];
    const ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
      closed_after = t;
      break;
    }
    if (n > 0) got.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return {got, closed_after};
}

// A webhook of one alert whose annotations hold `pad` bytes, in lines of about 100 (JSON written
// with newlines, as json.dumps(indent=...) or jq write it).
std::string Webhook(const std::string& fingerprint, size_t pad) {
  std::string annotations = R"("summary": "Xid 79")";
  for (size_t i = 0; i * 100 < pad; ++i) {
    annotations += ",\n    \"note" + std::to_string(i) + "\": \"" + std::string(90, 'x') + "\"";
  }
  const std::string body = "{\"version\": \"4\", \"status\": \"firing\", \"alerts\": [{\"status\": \"firing\",\n" +
                           std::string(R"(  "labels": {"alertname": "GpuXid", "Hostname": "node-3"},)") + "\n" +
                           "  \"annotations\": {" + annotations + "},\n" +
                           R"(  "startsAt": "2026-12-06T10:00:00Z", "fingerprint": ")" + fingerprint + "\"}]}\n";
  return "POST /api/v1/alerts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

const std::string kHealth = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

struct LogLines {
  std::mutex mu;
  std::vector<std::string> lines;
  LogLines() {
    SetLogSink([this](std::string_view line) {
      std::lock_guard lock(mu);
      lines.emplace_back(line);
    });
  }
  ~LogLines() { SetLogSink(nullptr); }
  bool Has(const std::string& what) {
    std::lock_guard lock(mu);
    for (const std::string& l : lines)
      if (l.find(what) != std::string::npos) return true;
    return false;
  }
};

}  // namespace

TEST_CASE("rv11 HttpApi: a webhook pipelined behind a request in one send is never lost without a word") {
  LogLines log;
  // keep-alive 5 s: the old code held the connection that long, the webhook neither answered nor read.
  TestServer s(100, true, 64 * 1024, 10, 5);
  auto [got, closed_after] = SendAtOnce(s.api->port(), kHealth + Webhook("pl01", 10), 4.0);
  INFO(got);
  CHECK(got.find("HTTP/1.1 200") == 0);
  const size_t answers = Count(got, "HTTP/1.1 ");
  if (answers == 2) {  // read and answered: then it is stored
    CHECK(s.store->List("", 10)->size() == 1);
  } else {
    // Not read: the connection ends at once after the first answer (the client resends), and it is said.
    CHECK(answers == 1);
    CHECK(closed_after < 2.0);
    CHECK(s.store->List("", 10)->empty());
    CHECK(log.Has("pipelined"));
  }
}

TEST_CASE("rv11 HttpApi: a large webhook pipelined behind a request is not answered 400 from its tail") {
  LogLines log;
  TestServer s(100, true, 64 * 1024, 10, 5);
  // 20 KB: httplib's read-ahead took its head; its rest was read as a request (400 malformed).
  auto [got, closed_after] = SendAtOnce(s.api->port(), kHealth + Webhook("pl02", 20'000), 4.0);
  INFO(got.substr(0, 2000));
  CHECK(got.find("HTTP/1.1 200") == 0);
  // Was: its tail after httplib's read-ahead read as a request, a 400 the sender takes for its answer.
  CHECK(got.find("HTTP/1.1 4") == std::string::npos);
  const size_t answers = Count(got, "HTTP/1.1 ");
  if (answers == 2) {
    CHECK(s.store->List("", 10)->size() == 1);
  } else {
    CHECK(answers == 1);
    CHECK(closed_after < 2.0);
    CHECK(log.Has("pipelined"));
  }
}

TEST_CASE("rv11 HttpApi: requests sent one after another's answer on one connection keep it (no pipelining)") {
  LogLines log;
  TestServer s(100, true, 64 * 1024, 10, 5);
  const int fd = ConnectLoopback(s.api->port());
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  // Header spellings clients use: one space after the colon, none, a duplicate header.
  const std::vector<std::string> requests = {
      kHealth, Webhook("pl03", 10), "GET /healthz HTTP/1.1\r\nHost:x\r\nAccept: */*\r\nAccept: text/plain\r\n\r\n",
      Webhook("pl04", 20'000), kHealth};
  for (size_t i = 0; i < requests.size(); ++i) {
    CAPTURE(i);
    REQUIRE(send(fd, requests[i].data(), requests[i].size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(requests[i].size()));
    std::string got;
    while (true) {  // one whole answer
      const size_t end = got.find("\r\n\r\n");
      const size_t cl = got.find("Content-Length: ");
      if (end != std::string::npos && cl != std::string::npos &&
          got.size() >= end + 4 + std::stoul(got.substr(cl + 16))) {
        break;
      }
      char buf[4096];
      const ssize_t n = recv(fd, buf, sizeof(buf), 0);
      REQUIRE(n > 0);  // the connection is kept: each answer comes on it
      got.append(buf, static_cast<size_t>(n));
    }
    CHECK(got.find("HTTP/1.1 200") == 0);
  }
  close(fd);
  CHECK(s.store->List("", 10)->size() == 2);
  CHECK_FALSE(log.Has("pipelined"));
}

TEST_CASE("rv11 HttpApi: a client that closes its side once its request is sent is not taken for pipelining") {
  // Its FIN counts one byte in TCP_INFO's bytes received: curl closing as soon as it had its answer
  // was logged "1 bytes of it came before this answer" on vigil serve before the FIN was left out.
  LogLines log;
  TestServer s(100, true, 64 * 1024, 10, 5);
  for (const std::string& request : {kHealth, Webhook("pl05", 10)}) {
    const int fd = ConnectLoopback(s.api->port());
    timeval tv{2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    REQUIRE(send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
    shutdown(fd, SHUT_WR);  // the FIN is there before the answer
    std::string got;
    char buf[4096];
    for (ssize_t n; (n = recv(fd, buf, sizeof(buf), 0)) > 0;) got.append(buf, static_cast<size_t>(n));
    close(fd);
    // No answer is asserted: httplib 0.11 writes none to a client that half-closed after its request
    // (seen on 1e43158c's code too; the webhook is still taken, below).
  }
  CHECK(s.store->List("", 10)->size() == 1);
  CHECK_FALSE(log.Has("pipelined"));
}

}  // namespace vigil
