// Bad storm webhooks on POST /api/v1/alerts (STORM2, 2026-12-03): alerts that carry no node, rack
// or job; an alert without alertname or a fingerprint twice in one storm (that alert left out,
// named, the rest taken: 207; RVU2); a storm at the 10,000-alert limit (taken, grouped) and one alert over it
// (413 naming the count). These held before this session's changes (no fix here): they pin down
// what a storm-sized request gets.
#include <doctest/doctest.h>
#include <httplib.h>

#include <string>

#include "server/http_api_testing.h"

namespace vigil {
namespace {

// A webhook of `n` alerts; `labels(i)` gives alert i's labels as JSON object text (without braces).
template <typename F>
std::string Webhook(int n, F labels) {
  std::string body = R"({"version":"4","status":"firing","receiver":"vigil","groupKey":"{}:{}","alerts":[)";
  for (int i = 0; i < n; ++i) {
    if (i) body += ",";
    body += R"({"status":"firing","labels":{)";
    body += labels(i);
    body += R"(},"startsAt":"2026-12-03T10:00:00Z"})";
  }
  body += "]}";
  return body;
}

std::string Gpu(int i) {
  std::string l = R"("alertname":"XidError","Hostname":"rack1-node-)";
  l += std::to_string(i / 8);
  l += R"(","gpu":")";
  l += std::to_string(i % 8);
  l += R"(","rack":"r1")";
  return l;
}

void Storms(HttpApiOptions& o) {
  o.intake.storm_min_alerts = 10;
  o.max_webhook_body = 16 << 20;
}

}  // namespace

TEST_CASE("HttpApi: a storm of alerts with no node, rack or job is one incident of group `other`") {
  TestServer s(100, true, 64 * 1024, 10, 5, nullptr, Storms);
  auto c = s.Client();
  auto r = c.Post("/api/v1/alerts", Webhook(12, [](int i) {
                    std::string l = R"("alertname":"DiskFull","volume":"v)";
                    l += std::to_string(i);
                    l += "\"";
                    return l;
                  }),
                  "application/json");
  REQUIRE(r);
  REQUIRE_MESSAGE(r->status == 200, r->body);
  const Json j = Json::parse(r->body);
  REQUIRE(j["storms"].size() == 1);
  CHECK(j["storms"][0]["group"] == "other");
  CHECK(j["storms"][0]["new_alerts"] == 12);
  CHECK(j["created"].size() == 1);
}

// RVU2 (2026-12-04): such a storm was refused whole (400), and Alertmanager does not resend a 4xx:
// its 19 good alerts were lost. The bad alert is left out alone now (207, named); the rest is taken
// and grouped as a storm.
TEST_CASE("HttpApi: a storm's alert without alertname, or a fingerprint twice, is left out alone, named") {
  TestServer s(100, true, 64 * 1024, 10, 5, nullptr, Storms);
  auto c = s.Client();
  auto r = c.Post("/api/v1/alerts", Webhook(20, [](int i) { return i == 13 ? std::string(R"("Hostname":"n1")") : Gpu(i); }),
                  "application/json");
  REQUIRE(r);
  CHECK(r->status == 207);
  Json j = Json::parse(r->body);
  REQUIRE(j["refused"].size() == 1);
  CHECK(j["refused"][0]["index"] == 13);
  CHECK(j["refused"][0]["error"] == "alerts[13].labels: no `alertname` label");
  REQUIRE(j["storms"].size() == 1);
  CHECK(j["storms"][0]["new_alerts"] == 19);
  auto twice = c.Post("/api/v1/alerts", Webhook(20, [](int i) { return Gpu(i == 17 ? 3 : i); }), "application/json");
  REQUIRE(twice);
  CHECK(twice->status == 207);
  j = Json::parse(twice->body);
  REQUIRE(j["refused"].size() == 1);
  CHECK(j["refused"][0]["reason"] == "duplicate_fingerprint");
  CHECK_MESSAGE(j["refused"][0]["error"].get<std::string>().find("alerts[17].fingerprint") == 0, twice->body);
  CHECK_MESSAGE(j["refused"][0]["error"].get<std::string>().find("also at alerts[3]") != std::string::npos, twice->body);
}

TEST_CASE("HttpApi: a storm of exactly 10,000 alerts is taken and grouped; 10,001 is refused with 413 naming the count") {
  TestServer s(100, true, 64 * 1024, 10, 5, nullptr, Storms);
  auto c = s.Client();
  c.set_read_timeout(120, 0);
  auto at = c.Post("/api/v1/alerts", Webhook(10'000, Gpu), "application/json");
  REQUIRE(at);
  REQUIRE_MESSAGE(at->status == 200, at->body.substr(0, 300));
  const Json j = Json::parse(at->body);
  REQUIRE(j["storms"].size() == 1);
  CHECK(j["storms"][0]["group"] == "rack=r1");
  CHECK(j["storms"][0]["new_alerts"] == 10'000);
  auto over = c.Post("/api/v1/alerts", Webhook(10'001, Gpu), "application/json");
  REQUIRE(over);
  CHECK(over->status == 413);
  CHECK_MESSAGE(over->body.find("10001 alerts, more than the limit of 10000") != std::string::npos, over->body);
  auto incident = s.store->Get(j["storms"][0]["incident"].get<int64_t>());
  REQUIRE(incident.ok());
  CHECK(incident->storm_alerts == 10'000);  // the accepted storm is kept whole
}

}  // namespace vigil
