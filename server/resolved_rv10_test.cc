// RV10 (2026-12-06): a resolved alert (Alertmanager's `send_resolved: true`) opens no incident; it
// ends the open one of its alert when there is one.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "knowledge/temp_dir_testing.h"
#include "server/http_api_testing.h"
#include "server/incident_store.h"

namespace vigil {
namespace {

Alert Xid(std::string fingerprint, int64_t starts_at_ms, AlertState state, int64_t ends_at_ms = 0,
          std::string node = "node-3") {
  Alert a;
  a.fingerprint = std::move(fingerprint);
  a.rule = "GpuXid";
  a.severity = "critical";
  a.labels = {{"alertname", a.rule}, {"Hostname", std::move(node)}, {"gpu", "5"}};
  a.state = state;
  a.starts_at_ms = starts_at_ms;
  a.active_at_ms = starts_at_ms;
  a.ends_at_ms = ends_at_ms;
  return a;
}

std::unique_ptr<IncidentStore> Open(const TempDir& dir) {
  IncidentStoreOptions o;
  o.path = (dir.path / "incidents.db").string();
  auto opened = IncidentStore::Open(o);
  REQUIRE(opened.ok());
  return std::move(*opened);
}

}  // namespace

TEST_CASE("rv10 IncidentStore: a resolved alert never seen firing opens no incident and queues no triage") {
  TempDir dir("vigil_rv10");
  auto store = Open(dir);
  // Was: created, queued (triaged: its probes testing a state that had ended) and resolved.
  auto r = store->Intake({Xid("cc03", 2000, AlertState::kResolved, 7000)});
  REQUIRE(r.ok());
  CHECK(r->created.empty());
  CHECK(r->resolved.empty());
  CHECK(r->resolved_unseen == std::vector<size_t>{0});
  CHECK(store->List("", 10)->empty());
  CHECK(!store->ClaimNext()->has_value());
  // Its alert firing later (another instance): an incident as any.
  auto later = store->Intake({Xid("cc03", 9000, AlertState::kFiring)});
  REQUIRE(later.ok());
  CHECK(later->created.size() == 1);
}

TEST_CASE("rv10 IncidentStore: a resolved alert of another startsAt ends the open incident of its fingerprint") {
  TempDir dir("vigil_rv10");
  auto store = Open(dir);
  auto first = store->Intake({Xid("dd04", 1000, AlertState::kFiring)});
  REQUIRE(first.ok());
  REQUIRE(first->created.size() == 1);
  // Prometheus restarted (its for-state lost: a new startsAt), the alert then resolved; Alertmanager
  // holds one alert per fingerprint, so the first instance has ended too. Was: a second incident.
  auto r = store->Intake({Xid("dd04", 5000, AlertState::kResolved, 8000)});
  REQUIRE(r.ok());
  CHECK(r->created.empty());
  CHECK(r->resolved == first->created);
  CHECK(store->Get(first->created[0])->resolved_at_ms == 8000);
  // A resolved notification of an OLDER instance (sent late) does not end the newer open one.
  auto newer = store->Intake({Xid("ee05", 9000, AlertState::kFiring)});
  REQUIRE(newer.ok());
  auto old = store->Intake({Xid("ee05", 3000, AlertState::kResolved, 4000)});
  REQUIRE(old.ok());
  CHECK(old->resolved.empty());
  CHECK(old->created.empty());
  CHECK(old->resolved_unseen == std::vector<size_t>{0});
  CHECK(store->Get(newer->created[0])->resolved_at_ms == 0);
}

TEST_CASE("rv10 IncidentStore: a storm-sized webhook of resolved alerts only opens no storm incident") {
  TempDir dir("vigil_rv10");
  auto store = Open(dir);
  std::vector<Alert> alerts;
  for (int i = 0; i < 4; ++i) {
    alerts.push_back(Xid("ff" + std::to_string(i), 1000, AlertState::kResolved, 5000, "node-" + std::to_string(i)));
  }
  IntakeOptions o;
  o.storm_min_alerts = 3;
  o.group_key = "{}:{alertname=\"GpuXid\"}";
  auto r = store->Intake(alerts, o);
  REQUIRE(r.ok());
  CHECK(r->created.empty());  // was: one storm incident, queued
  CHECK(r->storms.empty());
  CHECK(r->resolved_unseen.size() == 4);
  // One of them firing: the storm is made, the resolved ones its members as before.
  alerts[0].state = AlertState::kFiring;
  alerts[0].ends_at_ms = 0;
  auto f = store->Intake(alerts, o);
  REQUIRE(f.ok());
  CHECK(f->created.size() == 1);
  CHECK(f->resolved_unseen.empty());
}

TEST_CASE("rv10 IncidentStore: an alert firing and resolved in one call opens its incident resolved") {
  // Online detection delivers every transition since its last delivery in one call (after a store
  // outage, or a read that caught up several grid points): the firing alert and its resolution.
  // Was: the resolution taken for "the same alert twice in this call" and dropped, the incident
  // left firing for good.
  TempDir dir("vigil_rv10");
  auto store = Open(dir);
  auto r = store->Intake({Xid("gg07", 1000, AlertState::kFiring), Xid("gg07", 1000, AlertState::kResolved, 6000)});
  REQUIRE(r.ok());
  REQUIRE(r->created.size() == 1);
  CHECK(r->resolved == r->created);
  CHECK(r->resolved_unseen.empty());
  CHECK(store->Get(r->created[0])->resolved_at_ms == 6000);
  CHECK(store->List("firing", 10)->empty());
  // A storm's member the same.
  std::vector<Alert> alerts;
  for (int i = 0; i < 3; ++i) alerts.push_back(Xid("hh" + std::to_string(i), 2000, AlertState::kFiring, 0, "node-" + std::to_string(i)));
  alerts.push_back(Xid("hh0", 2000, AlertState::kResolved, 7000, "node-0"));
  IntakeOptions o;
  o.storm_min_alerts = 3;
  auto st = store->Intake(alerts, o);
  REQUIRE(st.ok());
  REQUIRE(st->created.size() == 1);
  auto storm = store->Get(st->created[0]);
  REQUIRE(storm.ok());
  CHECK(storm->storm_alerts == 3);
  CHECK(storm->storm_firing == 2);
}

TEST_CASE("rv10 HttpApi: a webhook's resolved alert never seen firing is answered `resolved_unseen`, nothing queued") {
  TestServer s;
  auto c = s.Client();
  const std::string body = R"({"version": "4", "status": "resolved", "alerts": [{"status": "resolved",
    "labels": {"alertname": "GpuXid", "Hostname": "node-3"}, "startsAt": "2026-12-06T10:00:00Z",
    "endsAt": "2026-12-06T10:05:00Z", "fingerprint": "ab12"}]})";
  auto r = c.Post("/api/v1/alerts", body, "application/json");
  REQUIRE(r);
  CHECK(r->status == 200);
  const Json a = AnswerJson(r);
  CHECK(a["created"].empty());
  CHECK(a["resolved_unseen"] == Json::array({Json{{"fingerprint", "ab12"}, {"alertname", "GpuXid"}}}));
  CHECK(s.queued_calls == 0);
  auto metrics = c.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("vigil_alerts_received_total{outcome=\"resolved_unseen\"} 1") != std::string::npos);
}

}  // namespace vigil
