// Test-only: the server of one HttpApi test, shared by http_api_test.cc and
// connection_watchdog_test.cc. A store in a temp dir, HttpApi on 127.0.0.1:<any>, served on a
// thread until the object goes; the real webhook parser (unless with_parser is false) and a fake
// case diagnosis (POST /api/v1/diagnose: InvalidArgument without `alert`, else root_cause xid_79).
// `configure` sees the options last (a test's own timeouts, diagnosis, knowledge base).
#pragma once

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "connectors/alertmanager.h"
#include "core/logging.h"
#include "knowledge/temp_dir_testing.h"
#include "server/http_api.h"
#include "server/incident_store.h"

namespace vigil {

// An answer's body as JSON (REQUIRE: an answer came, holding JSON).
inline Json AnswerJson(const httplib::Result& r) {
  REQUIRE(r);
  auto j = ParseJson(r->body, "response");
  REQUIRE_MESSAGE(j.ok(), r->body);
  return *j;
}

// A TCP connection to 127.0.0.1:`port` (a raw socket for tests that write bytes httplib's client would
// not); the caller closes it.
inline int ConnectLoopback(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  return fd;
}

struct TestServer {
  TempDir dir{"vigil_http_api_test"};
  std::unique_ptr<IncidentStore> store;
  std::unique_ptr<HttpApi> api;
  std::thread thread;
  int queued_calls = 0;

  explicit TestServer(size_t queue_max = 100, bool with_parser = true, size_t max_body = 64 * 1024,
                      int read_timeout_s = 10, int keep_alive_timeout_s = 5,
                      std::function<void(WatchedRoutes)> extra_routes = nullptr,
                      std::function<void(HttpApiOptions&)> configure = nullptr) {
    IncidentStoreOptions so;
    so.path = (dir.path / "incidents.db").string();
    so.queue_max = queue_max;
    auto opened = IncidentStore::Open(so);
    REQUIRE(opened.ok());
    store = std::move(*opened);
    HttpApiOptions o;
    o.store = store.get();
    if (with_parser) {
      o.parse_webhook = [](std::string_view body) -> Result<WebhookAlerts> {
        ASSIGN_OR_RETURN(AlertmanagerWebhook hook, ParseAlertmanagerWebhook(body));
        return WebhookAlertsOf(std::move(hook));
      };
    }
    o.diagnose = [](const Json& c) -> Result<Json> {
      if (!c.contains("alert")) return InvalidArgumentError("request body: no alert, logs or metrics");
      return Json{{"case_id", c.value("id", "")}, {"mode", "builtin"}, {"root_cause", "xid_79"}};
    };
    o.on_queued = [this] { ++queued_calls; };
    o.max_body = max_body;
    o.read_timeout_s = read_timeout_s;
    o.keep_alive_timeout_s = keep_alive_timeout_s;
    o.extra_routes = std::move(extra_routes);
    if (configure) configure(o);
    api = std::make_unique<HttpApi>(o);
    REQUIRE(api->Bind("127.0.0.1", 0).ok());
    thread = std::thread([this] { CHECK(api->Run().ok()); });
  }
  ~TestServer() {
    api->Stop();
    thread.join();
  }
  httplib::Client Client() const {
    httplib::Client c("127.0.0.1", api->port());
    c.set_read_timeout(10, 0);
    return c;
  }
};

// Test-only: the log's lines (from every thread) while it lives, at level info; stderr and the level
// back after. `Lines()` once the servers that log are gone.
struct LogCapture {
  std::mutex mu;
  std::vector<std::string> lines;
  const LogLevel level = GetLogLevel();
  LogCapture() {
    SetLogSink([this](std::string_view l) {
      std::lock_guard<std::mutex> lock(mu);
      lines.emplace_back(l);
    });
    SetLogLevel(LogLevel::kInfo);
  }
  ~LogCapture() { Stop(); }
  void Stop() {
    SetLogLevel(level);
    SetLogSink(nullptr);
  }
  std::vector<std::string> Lines() {
    std::lock_guard<std::mutex> lock(mu);
    return lines;
  }
};

}  // namespace vigil
