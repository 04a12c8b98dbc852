#include "server/upstream_check.h"

#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace vigil {
namespace {

bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// A loopback HTTP server answering GET `path` with (status, body) from its table, 404 "404 page not
// found" (Go's text, what Prometheus and Alertmanager send) for any other path; `delay_ms` before
// each answer.
class Fake {
 public:
  explicit Fake(std::map<std::string, std::pair<int, std::string>> answers, int delay_ms = 0)
      : answers_(std::move(answers)), delay_ms_(delay_ms) {
    server_.Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
      if (delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
      auto it = answers_.find(req.path);
      if (it == answers_.end()) {
        res.status = 404;
        res.set_content("404 page not found\n", "text/plain");
        return;
      }
      res.status = it->second.first;
      res.set_content(it->second.second, "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Fake() {
    server_.stop();
    thread_.join();
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }

 private:
  std::map<std::string, std::pair<int, std::string>> answers_;
  int delay_ms_ = 0;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

Config Settings(const std::map<std::string, std::string>& flags) {
  Result<Config> c = Config::Load(
      flags, [](std::string_view) -> std::optional<std::string> { return std::nullopt; },
      [] { return std::vector<std::string>{}; });
  REQUIRE(c.ok());
  return *c;
}

const char* kNames = R"({"status":"success","data":["DCGM_FI_DEV_GPU_TEMP","DCGM_FI_DEV_XID_ERRORS","node_load1","node_uname_info","up"]})";
const char* kStatus = R"({"cluster":{"status":"disabled"},"versionInfo":{"version":"0.25.0","revision":"x"},"uptime":"2026-12-04T14:13:56Z"})";

}  // namespace

TEST_CASE("CheckUpstreams: a Prometheus and an Alertmanager that answer are said so, with what they hold (REV2)") {
  Fake prom({{"/api/v1/label/__name__/values", {200, kNames}}});
  Fake am({{"/api/v2/status", {200, kStatus}}});
  const std::vector<std::string> lines =
      CheckUpstreams(Settings({{"prometheus_url", prom.Url()}, {"alertmanager_url", am.Url()}}));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "vigil serve: Prometheus " + prom.Url() +
                        " answered: 5 metric names, 2 of them dcgm-exporter's (DCGM_FI_*); node_exporter's "
                        "node_uname_info there (a node's other names are read from it)");
  CHECK(lines[1] == "vigil serve: Alertmanager " + am.Url() + " answered: version 0.25.0");
  // Neither set: nothing said (ServeStartupGuide says they are not set).
  CHECK(CheckUpstreams(Settings({})).empty());
}

TEST_CASE("CheckUpstreams: a Prometheus without dcgm-exporter's metrics is a warning (REV2)") {
  Fake prom({{"/api/v1/label/__name__/values", {200, R"({"status":"success","data":["node_load1","up"]})"}}});
  const std::vector<std::string> lines = CheckUpstreams(Settings({{"prometheus_url", prom.Url()}}));
  REQUIRE(lines.size() == 2);
  CHECK(Contains(lines[0], "answered: 2 metric names, 0 of them dcgm-exporter's (DCGM_FI_*); node_exporter's node_uname_info absent"));
  CHECK(lines[1] == "vigil serve: warning: no dcgm-exporter metric (DCGM_FI_*) at Prometheus " + prom.Url() +
                        ": GPU alerts are triaged without GPU metrics (is this the Prometheus that scrapes "
                        "dcgm-exporter?)");
}

TEST_CASE("CheckUpstreams: a URL that is not the server's is a warning naming it and the error (REV2)") {
  // The Alertmanager's address given as Prometheus's and the other way round: both 404 with Go's text.
  Fake prom({{"/api/v1/label/__name__/values", {200, kNames}}});
  Fake am({{"/api/v2/status", {200, kStatus}}});
  std::vector<std::string> lines =
      CheckUpstreams(Settings({{"prometheus_url", am.Url()}, {"alertmanager_url", prom.Url()}}));
  REQUIRE(lines.size() == 2);
  CAPTURE(lines[0]);
  CAPTURE(lines[1]);
  CHECK(Contains(lines[0], "vigil serve: warning: Prometheus " + am.Url() + " did not answer as a Prometheus at start-up: "));
  CHECK(Contains(lines[0], "HTTP 404"));
  CHECK(Contains(lines[0], "(is the URL a Prometheus server, http://host:9090[/prefix]?)"));
  CHECK(Contains(lines[0], "; until it does, each alert is triaged without metrics (its incident says what was not read)"));
  CHECK(lines[1] == "vigil serve: warning: Alertmanager " + prom.Url() +
                        " did not answer as an Alertmanager at start-up: GET /api/v2/status answered HTTP 404 (is the "
                        "URL an Alertmanager, http://host:9093?); until it does, triage lists no other alerts firing "
                        "on an alert's node");
  // Something answering 200 with other JSON (another service at that port).
  Fake other({{"/api/v2/status", {200, R"({"ok":true})"}}, {"/api/v1/label/__name__/values", {200, "<html>hi</html>"}}});
  lines = CheckUpstreams(Settings({{"prometheus_url", other.Url()}, {"alertmanager_url", other.Url()}}));
  REQUIRE(lines.size() == 2);
  CHECK(Contains(lines[0], "did not answer as a Prometheus at start-up: "));
  CHECK(Contains(lines[1], "GET /api/v2/status answered JSON without versionInfo (is the URL an Alertmanager"));
}

TEST_CASE("CheckUpstreams: nothing listening, or no answer within the time limit: a warning, no wait beyond it (REV2)") {
  int closed_port = 0;
  {
    Fake gone({});
    closed_port = gone.port();
  }
  const std::string closed = "http://127.0.0.1:" + std::to_string(closed_port);
  std::vector<std::string> lines = CheckUpstreams(Settings({{"prometheus_url", closed}, {"alertmanager_url", closed}}));
  REQUIRE(lines.size() == 2);
  CHECK(Contains(lines[0], "vigil serve: warning: Prometheus " + closed + " did not answer as a Prometheus at start-up: "));
  CHECK(Contains(lines[1], "vigil serve: warning: Alertmanager " + closed + " did not answer as an Alertmanager at start-up: "));
  Fake slow({{"/api/v2/status", {200, kStatus}}}, /*delay_ms=*/2'000);
  UpstreamCheckOptions o;
  o.timeout_ms = 300;
  lines = CheckUpstreams(Settings({{"alertmanager_url", slow.Url()}}), o);
  REQUIRE(lines.size() == 1);
  CHECK(Contains(lines[0], "did not answer as an Alertmanager at start-up: "));
}

TEST_CASE("CheckUpstreams: a password in the URL is never shown (REV2)") {
  Fake prom({{"/api/v1/label/__name__/values", {200, kNames}}});
  const std::string url = "http://ops:s3cret@127.0.0.1:" + std::to_string(prom.port());
  for (const std::string& line : CheckUpstreams(Settings({{"prometheus_url", url}, {"alertmanager_url", url}}))) {
    CAPTURE(line);
    CHECK_FALSE(Contains(line, "s3cret"));
    CHECK(Contains(line, "ops:[redacted]@127.0.0.1"));
  }
}

}  // namespace vigil
