// A storm incident that more alerts joined after its diagnosis (STORM2, 2026-12-03): Alertmanager
// re-sends a group with alerts added; the incident is diagnosed again when it grew by half or
// reached new nodes, at most once per interval, only with room in the queue
// (IncidentStore's file comment, "Re-diagnosis"). Also the storm inputs that had no test: a new
// instance (another startsAt) of a member, a resolved notification for a member never seen.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "knowledge/temp_dir_testing.h"
#include "server/incident_store.h"
#include "server/storm_triage.h"

namespace vigil {
namespace {

struct StormTestClock {
  int64_t ms = 1'800'000'000'000;
};

std::unique_ptr<IncidentStore> OpenAt(const TempDir& dir, StormTestClock* clock, size_t queue_max = 100,
                                      int64_t interval_ms = 60'000) {
  IncidentStoreOptions o;
  o.path = (dir.path / "incidents.db").string();
  o.queue_max = queue_max;
  o.now_ms = [clock] { return clock->ms; };
  o.storm_rediagnose_interval_ms = interval_ms;
  auto store = IncidentStore::Open(o);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  return std::move(*store);
}

std::string NodeName(int n) {
  std::string s = "rack1-node-";
  s += std::to_string(n);
  return s;
}

// One XidError per GPU of nodes [first, last), rack r1, all starting at `starts`.
std::vector<Alert> RackAlerts(int first, int last, int gpus, int64_t starts = 1'700'000'000'000) {
  std::vector<Alert> out;
  for (int n = first; n < last; ++n) {
    for (int g = 0; g < gpus; ++g) {
      Alert a;
      a.fingerprint = NodeName(n);
      a.fingerprint += "-gpu";
      a.fingerprint += std::to_string(g);
      a.rule = "XidError";
      a.severity = "critical";
      a.labels = {{"alertname", "XidError"}, {"Hostname", NodeName(n)}, {"gpu", std::to_string(g)}, {"rack", "r1"}};
      a.state = AlertState::kFiring;
      a.starts_at_ms = starts;
      out.push_back(std::move(a));
    }
  }
  return out;
}

IntakeOptions Storms(size_t n = 5) {
  IntakeOptions o;
  o.storm_min_alerts = n;
  return o;
}

// What serve's storm triage stores: a report with the storm's facts (storm_triage.h StormFacts).
Json DiagnosisOf(const StoredIncident& claimed) {
  return Json{{"root_cause", "gpu_fallen_off_bus"}, {"component", "rack=r1"}, {"storm", StormFacts(claimed)}};
}

// Claims the next incident, requires it to be `id`, and stores its diagnosis.
StoredIncident ClaimAndDiagnose(IncidentStore& store, int64_t id) {
  auto claimed = store.ClaimNext();
  REQUIRE(claimed.ok());
  REQUIRE(claimed->has_value());
  REQUIRE((*claimed)->id == id);
  REQUIRE(store.Finish(id, DiagnosisOf(**claimed), 1.0).ok());
  return **claimed;
}

std::vector<Alert> Concat(std::vector<Alert> a, const std::vector<Alert>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

TEST_CASE("StormRediagnoseReason: half as many alerts again or a new node; never without the storm's facts") {
  const Json diagnosis{{"storm", {{"alerts", 16}, {"alerts_per_node", {{"n1", 8}, {"n2", 8}}}}}};
  const std::set<std::string> same = {"n1", "n2"};
  CHECK(StormRediagnoseReason(diagnosis, 16, same, 0.5) == "");
  CHECK(StormRediagnoseReason(diagnosis, 23, same, 0.5) == "");  // +43%
  CHECK(StormRediagnoseReason(diagnosis, 24, same, 0.5) == "24 alerts, 16 when diagnosed (+50%)");
  CHECK(StormRediagnoseReason(diagnosis, 17, {"n1", "n2", "n3"}, 0.5) ==
        "17 alerts, 16 when diagnosed (+6%); 1 new node(s): n3");
  CHECK(StormRediagnoseReason(diagnosis, 16, {"n1", "n2", "a", "b", "c", "d", "e", "f"}, 0.5) ==
        "16 alerts, 16 when diagnosed; 6 new node(s): a, b, c, d, e, ...");
  CHECK(StormRediagnoseReason(diagnosis, 20, same, 0.2) == "20 alerts, 16 when diagnosed (+25%)");
  // A diagnosis of the lead alert alone (no `storm`), or none: nothing to compare with.
  CHECK(StormRediagnoseReason(Json{{"root_cause", "x"}}, 100, {"n9"}, 0.5) == "");
  CHECK(StormRediagnoseReason(Json(nullptr), 100, {"n9"}, 0.5) == "");
  CHECK(StormRediagnoseReason(Json{{"storm", {{"alerts", "16"}, {"alerts_per_node", Json::object()}}}}, 100, {}, 0.5) ==
        "");
}

TEST_CASE("IncidentStore: a diagnosed storm incident that grew by half is diagnosed again, at most once per interval") {
  // Before: the joined alerts were listed, the diagnosis kept describing the first 16 (never queued again).
  TempDir dir("vigil_storm2_test");
  StormTestClock now;
  auto store = OpenAt(dir, &now);
  const std::vector<Alert> first = RackAlerts(0, 4, 4);  // 16 alerts on 4 nodes
  auto r = store->Intake(first, Storms());
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  REQUIRE(r->storms.size() == 1);
  const int64_t id = r->storms[0].incident;
  CHECK(r->storms[0].group == "rack=r1");
  now.ms += 5'000;
  ClaimAndDiagnose(*store, id);
  const int64_t diagnosed_at = now.ms;
  CHECK(store->Get(id)->ToJson(false)["storm"]["diagnosed_alerts"] == 16);

  // The group again with 4 more alerts on the same nodes (20 < 24): joined, not diagnosed again.
  now.ms += 1'000;
  std::vector<Alert> more = RackAlerts(0, 4, 5);  // gpu 4 of each node is new
  auto joined = store->Intake(more, Storms());
  REQUIRE(joined.ok());
  CHECK(joined->created.empty());
  CHECK(joined->rediagnose.empty());
  CHECK(store->Get(id)->state == "diagnosed");
  CHECK(store->Get(id)->storm_alerts == 20);

  // 24 alerts (+50%), same nodes: queued again, due one interval after the diagnosis.
  now.ms += 1'000;
  auto grown = store->Intake(RackAlerts(0, 4, 6), Storms());
  REQUIRE(grown.ok());
  CHECK(grown->rediagnose == std::vector<int64_t>{id});
  auto queued = store->Get(id);
  REQUIRE(queued.ok());
  CHECK(queued->state == "queued");
  CHECK(queued->attempts == 0);
  CHECK(queued->retry_at_ms == diagnosed_at + 60'000);
  CHECK(queued->diagnosis["storm"]["alerts"] == 16);  // the earlier diagnosis is shown meanwhile
  CHECK(queued->ToJson(false)["storm"]["diagnosed_alerts"] == 16);
  CHECK(queued->ToJson(false)["storm"]["alerts"] == 24);
  // Not claimed before it is due; then with all 24 members.
  auto early = store->ClaimNext();
  REQUIRE(early.ok());
  CHECK_FALSE(early->has_value());
  // More alerts meanwhile: it is queued already; nothing more to do.
  auto meanwhile = store->Intake(RackAlerts(0, 4, 8), Storms());
  REQUIRE(meanwhile.ok());
  CHECK(meanwhile->rediagnose.empty());
  now.ms = diagnosed_at + 60'000;
  auto again = store->ClaimNext();
  REQUIRE(again.ok());
  REQUIRE(again->has_value());
  CHECK((*again)->id == id);
  CHECK((*again)->attempts == 1);
  CHECK((*again)->members.size() == 32);
  REQUIRE(store->Finish(id, DiagnosisOf(**again), 1.0).ok());
  CHECK(store->Get(id)->state == "diagnosed");
  CHECK(store->Get(id)->ToJson(false)["storm"]["diagnosed_alerts"] == 32);

  // One alert on a node the diagnosis did not read: due again, not before the interval is over.
  const int64_t second_at = now.ms;
  now.ms += 2'000;
  auto node = store->Intake(Concat(RackAlerts(0, 4, 8), RackAlerts(4, 5, 1)), Storms());
  REQUIRE(node.ok());
  CHECK(node->rediagnose == std::vector<int64_t>{id});
  CHECK(store->Get(id)->retry_at_ms == second_at + 60'000);

  // A plain resend of the same alerts when nothing grew: a duplicate only.
  now.ms = second_at + 60'000;
  auto third = store->ClaimNext();
  REQUIRE((third.ok() && third->has_value()));
  REQUIRE(store->Finish(id, DiagnosisOf(**third), 1.0).ok());
  auto resend = store->Intake(Concat(RackAlerts(0, 4, 8), RackAlerts(4, 5, 1)), Storms());
  REQUIRE(resend.ok());
  CHECK(resend->duplicates == std::vector<int64_t>{id});
  CHECK(resend->rediagnose.empty());
  CHECK(store->Get(id)->state == "diagnosed");
}

TEST_CASE("IncidentStore: alerts that joined during a storm's triage queue it again when its diagnosis is stored") {
  TempDir dir("vigil_storm2_test");
  StormTestClock now;
  auto store = OpenAt(dir, &now);
  auto r = store->Intake(RackAlerts(0, 2, 4), Storms());  // 8 alerts, 2 nodes
  REQUIRE(r.ok());
  const int64_t id = r->storms.at(0).incident;
  auto claimed = store->ClaimNext();
  REQUIRE((claimed.ok() && claimed->has_value()));
  REQUIRE((*claimed)->members.size() == 8);
  // Running: the group comes again with 2 more nodes; joined, and not queued (it is not diagnosed).
  auto joined = store->Intake(RackAlerts(0, 4, 4), Storms());
  REQUIRE(joined.ok());
  CHECK(joined->rediagnose.empty());
  CHECK(store->Get(id)->state == "running");
  now.ms += 3'000;
  REQUIRE(store->Finish(id, DiagnosisOf(**claimed), 3.0).ok());  // read 8 of 16
  auto got = store->Get(id);
  REQUIRE(got.ok());
  CHECK(got->state == "queued");
  CHECK(got->retry_at_ms == now.ms + 60'000);
  CHECK(got->diagnosis["storm"]["alerts"] == 8);

  // A failed re-diagnosis keeps the earlier diagnosis (it was erased: diagnosis_json set NULL).
  now.ms += 60'000;
  auto again = store->ClaimNext();
  REQUIRE((again.ok() && again->has_value()));
  REQUIRE(store->Fail(id, "the LLM endpoint is down", 1.0).ok());
  auto failed = store->Get(id);
  REQUIRE(failed.ok());
  CHECK(failed->state == "failed");
  CHECK(failed->error == "the LLM endpoint is down");
  CHECK(failed->diagnosis["storm"]["alerts"] == 8);
  // A failed incident is not diagnosed again by growth (its triage fails; the retries decide).
  auto more = store->Intake(RackAlerts(0, 8, 4), Storms());
  REQUIRE(more.ok());
  CHECK(more->rediagnose.empty());
  CHECK(store->Get(id)->state == "failed");
}

TEST_CASE("IncidentStore: a grown storm is not queued again past --queue-max; the next resend of its group is") {
  TempDir dir("vigil_storm2_test");
  StormTestClock now;
  auto store = OpenAt(dir, &now, 1);
  auto r = store->Intake(RackAlerts(0, 2, 4), Storms());
  REQUIRE(r.ok());
  const int64_t id = r->storms.at(0).incident;
  ClaimAndDiagnose(*store, id);
  Alert other = RackAlerts(9, 10, 1).front();  // another webhook's incident fills the queue
  other.fingerprint = "other";
  other.labels["rack"] = "r9";
  auto filled = store->Intake({other});
  REQUIRE(filled.ok());
  REQUIRE(filled->created.size() == 1);
  auto grown = store->Intake(RackAlerts(0, 4, 4), Storms());  // 16 alerts, 2 new nodes
  REQUIRE_MESSAGE(grown.ok(), grown.status().ToString());  // the alerts are taken all the same
  CHECK(grown->rediagnose.empty());
  CHECK(store->Get(id)->state == "diagnosed");
  CHECK(store->Get(id)->storm_alerts == 16);
  // The queue has room again: Alertmanager's repeat of the group (no new alert) queues it.
  auto next = store->ClaimNext();
  REQUIRE((next.ok() && next->has_value()));
  CHECK((*next)->fingerprint == "other");
  auto repeat = store->Intake(RackAlerts(0, 4, 4), Storms());
  REQUIRE(repeat.ok());
  CHECK(repeat->rediagnose == std::vector<int64_t>{id});
  CHECK(store->Get(id)->state == "queued");
}

TEST_CASE("IncidentStore: storm_rediagnose_interval_ms 0 never diagnoses a storm again") {
  TempDir dir("vigil_storm2_test");
  StormTestClock now;
  auto store = OpenAt(dir, &now, 100, 0);
  auto r = store->Intake(RackAlerts(0, 2, 4), Storms());
  REQUIRE(r.ok());
  const int64_t id = r->storms.at(0).incident;
  ClaimAndDiagnose(*store, id);
  auto grown = store->Intake(RackAlerts(0, 8, 4), Storms());
  REQUIRE(grown.ok());
  CHECK(grown->rediagnose.empty());
  CHECK(store->Get(id)->state == "diagnosed");
}

TEST_CASE("IncidentStore: a member fired again (another startsAt) joins its storm and ends the earlier instance") {
  // Before: the new instance was a second firing member; Alertmanager resolves only the instance it
  // knows (the latest startsAt), so the earlier one stayed firing and the storm was never resolved.
  TempDir dir("vigil_storm2_test");
  StormTestClock now;
  auto store = OpenAt(dir, &now);
  std::vector<Alert> alerts = RackAlerts(0, 3, 4);  // 12
  auto r = store->Intake(alerts, Storms());
  REQUIRE(r.ok());
  const int64_t id = r->storms.at(0).incident;
  // Alone (a small notification of one alert: the group's other alerts not in it).
  Alert refired = alerts[5];
  refired.starts_at_ms += 600'000;
  auto joined = store->Intake({refired}, Storms());
  REQUIRE_MESSAGE(joined.ok(), joined.status().ToString());
  CHECK(joined->created.empty());
  REQUIRE(joined->storms.size() == 1);
  CHECK(joined->storms[0].incident == id);
  CHECK(joined->storms[0].new_alerts == 1);
  auto got = store->Get(id);
  REQUIRE(got.ok());
  CHECK(got->storm_alerts == 13);
  CHECK(got->storm_firing == 12);  // the earlier instance ended when the new one started
  bool ended = false;
  for (const StormMember& m : got->members) {
    if (m.fingerprint == refired.fingerprint && m.starts_at_ms == alerts[5].starts_at_ms) {
      ended = m.resolved_at_ms == refired.starts_at_ms;
    }
  }
  CHECK(ended);
  // Everything resolved as Alertmanager sends it (the latest instance of each): the storm is resolved.
  std::vector<Alert> resolved = alerts;
  resolved[5] = refired;
  for (Alert& a : resolved) {
    a.state = AlertState::kResolved;
    a.ends_at_ms = refired.starts_at_ms + 60'000;
  }
  auto done = store->Intake(resolved, Storms());
  REQUIRE(done.ok());
  CHECK(done->resolved == std::vector<int64_t>{id});
  CHECK(store->Get(id)->resolved_at_ms == refired.starts_at_ms + 60'000);
}

TEST_CASE("IncidentStore: a storm's resolved notification naming a member never seen adds it resolved") {
  TempDir dir("vigil_storm2_test");
  StormTestClock now;
  auto store = OpenAt(dir, &now);
  std::vector<Alert> alerts = RackAlerts(0, 3, 4);
  auto r = store->Intake(alerts, Storms());
  REQUIRE(r.ok());
  const int64_t id = r->storms.at(0).incident;
  // vigil was down while node 3's alert fired and resolved: the group's resolution names it.
  std::vector<Alert> resolved = Concat(alerts, RackAlerts(3, 4, 1));
  for (Alert& a : resolved) {
    a.state = AlertState::kResolved;
    a.ends_at_ms = a.starts_at_ms + 120'000;
  }
  auto done = store->Intake(resolved, Storms());
  REQUIRE_MESSAGE(done.ok(), done.status().ToString());
  CHECK(done->created.empty());
  CHECK(done->resolved == std::vector<int64_t>{id});
  auto got = store->Get(id);
  REQUIRE(got.ok());
  CHECK(got->storm_alerts == 13);
  CHECK(got->storm_firing == 0);
}

}  // namespace vigil
