// A storm's first webhook split off by Alertmanager (STM1, 2026-12-05): Alertmanager flushes an
// aggregation group at once when an inserted alert's startsAt is older than group_wait, so a storm's
// first webhook can hold a few of its alerts and the next (group_interval later) the whole group.
// Before, the first webhook's alerts stayed incidents of their own beside the storm incident, each
// diagnosed alone. Now they join the storm incident (merged_into), their queued triage is never
// claimed, a running or ended one's result is kept; a later small webhook of the open storm's
// groupKey joins it.
#include <doctest/doctest.h>
#include <httplib.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "knowledge/temp_dir_testing.h"
#include "server/chat_store.h"
#include "server/http_api_testing.h"
#include "server/incident_store.h"

namespace vigil {
namespace {

constexpr char kGroup[] = "{}/{severity=\"critical\"}:{rack=\"r7\"}";

// Alert i of rack r7's storm: XidError on rack7-node-<i/8> GPU <i%8>, fingerprint "stm1-<i>".
Alert RackAlert(int i, int64_t starts_at_ms = 1'000'000) {
  Alert a;
  a.fingerprint = "stm1-" + std::to_string(i);
  a.rule = "XidError";
  a.severity = "critical";
  a.labels = {{"alertname", "XidError"},
              {"Hostname", "rack7-node-" + std::to_string(i / 8)},
              {"gpu", std::to_string(i % 8)},
              {"rack", "r7"}};
  a.state = AlertState::kFiring;
  a.starts_at_ms = starts_at_ms;
  a.active_at_ms = starts_at_ms;
  return a;
}

std::vector<Alert> Rack(int from, int to) {
  std::vector<Alert> out;
  for (int i = from; i < to; ++i) out.push_back(RackAlert(i));
  return out;
}

IntakeOptions Storm(std::string group_key = kGroup) {
  IntakeOptions o;
  o.storm_min_alerts = 50;
  o.group_key = std::move(group_key);
  return o;
}

std::unique_ptr<IncidentStore> Open(const TempDir& dir, int64_t* now) {
  IncidentStoreOptions o;
  o.path = (dir.path / "incidents.db").string();
  o.queue_max = 100;
  o.now_ms = [now] { return *now; };
  auto store = IncidentStore::Open(o);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  return std::move(*store);
}

// Every incident's id -> row (List of all).
std::vector<StoredIncident> All(IncidentStore& store) {
  auto rows = store.List("", 1000);
  REQUIRE_MESSAGE(rows.ok(), rows.status().ToString());
  return *rows;
}

}  // namespace

TEST_CASE("stm1 IncidentStore: webhook 1 (3 alerts) then webhook 2 (60, the 3 included) of one groupKey: one storm, no strays") {
  TempDir dir("vigil_stm1_test");
  int64_t now = 2'000'000;
  auto store = Open(dir, &now);
  auto first = store->Intake(Rack(0, 3), Storm());
  REQUIRE_MESSAGE(first.ok(), first.status().ToString());
  REQUIRE(first->created.size() == 3);  // a small webhook: one incident per alert, as before
  // One of them is already being diagnosed, one has been; the third is still queued.
  auto claimed = store->ClaimNext();
  REQUIRE((claimed.ok() && claimed->has_value()));
  const int64_t diagnosed_id = (*claimed)->id;
  REQUIRE(store->Finish(diagnosed_id, Json{{"root_cause", "xid_79"}}, 1.0).ok());
  claimed = store->ClaimNext();
  REQUIRE((claimed.ok() && claimed->has_value()));
  const int64_t running_id = (*claimed)->id;

  now += 5 * 60'000;  // group_interval later: the whole group
  auto second = store->Intake(Rack(0, 60), Storm());
  REQUIRE_MESSAGE(second.ok(), second.status().ToString());
  REQUIRE(second->storms.size() == 1);
  const int64_t storm = second->storms[0].incident;
  CHECK(second->storms[0].created);
  CHECK(second->storms[0].group == "rack=r7");
  CHECK(second->storms[0].new_alerts == 60);
  CHECK(second->created == std::vector<int64_t>{storm});
  CHECK(second->duplicates.empty());  // the 3 are merged, not duplicates of their own incidents
  REQUIRE(second->merged.size() == 3);
  std::set<std::string> states;
  for (const MergedIncident& m : second->merged) {
    CHECK(m.into == storm);
    states.insert(m.state);
  }
  CHECK(states == std::set<std::string>{"queued", "running", "diagnosed"});

  auto got = store->Get(storm);
  REQUIRE(got.ok());
  CHECK(got->storm_alerts == 60);  // every alert of the group, the first webhook's included
  CHECK(got->members.size() == 60);
  CHECK(got->group_key == kGroup);
  int open_strays = 0;
  for (const StoredIncident& r : All(*store)) {
    if (r.id == storm) continue;
    CHECK(r.merged_into == storm);
    const Json j = r.ToJson(false);
    CHECK(j["state"] == "merged");
    CHECK(j["merged_into"] == storm);
    if (r.merged_into == 0) ++open_strays;
  }
  CHECK(open_strays == 0);
  // The diagnosed one's result is kept (superseded), as the running one's will be.
  CHECK(store->Get(diagnosed_id)->diagnosis["root_cause"] == "xid_79");
  REQUIRE(store->Finish(running_id, Json{{"root_cause", "xid_79"}}, 1.0).ok());
  auto finished = store->Get(running_id);
  CHECK(finished->ToJson(true)["state"] == "merged");
  CHECK(finished->ToJson(true)["state_when_merged"] == "diagnosed");
  CHECK(finished->ToJson(true)["diagnosis"]["root_cause"] == "xid_79");
  // The chat says it too.
  CHECK(LiveIncidentFromStored(*finished).status == "merged into storm incident #" + std::to_string(storm));
  // The queued stray is never claimed: only the storm is.
  claimed = store->ClaimNext();
  REQUIRE((claimed.ok() && claimed->has_value()));
  CHECK((*claimed)->id == storm);
  CHECK_FALSE(store->ClaimNext()->has_value());
  CHECK(store->CountByState()->at("queued") == 0);
  auto queued = store->List("queued", 10);
  CHECK((queued.ok() && queued->empty()));

  // Alertmanager re-sends the group: duplicates of the storm only; a resolved notification of a
  // merged alert resolves the storm's member (and the storm when its last member ends).
  auto resend = store->Intake(Rack(0, 60), Storm());
  REQUIRE(resend.ok());
  CHECK(resend->duplicates == std::vector<int64_t>{storm});
  CHECK(resend->created.empty());
  std::vector<Alert> ended = Rack(0, 60);
  for (Alert& a : ended) {
    a.state = AlertState::kResolved;
    a.ends_at_ms = now + 1'000;
  }
  auto resolved = store->Intake(ended, Storm());
  REQUIRE(resolved.ok());
  CHECK(resolved->resolved == std::vector<int64_t>{storm});
  CHECK(store->Get(storm)->storm_firing == 0);
}

TEST_CASE("stm1 IncidentStore: a later small webhook of an open storm's groupKey joins the storm") {
  TempDir dir("vigil_stm1_test");
  int64_t now = 2'000'000;
  auto store = Open(dir, &now);
  auto storm = store->Intake(Rack(0, 60), Storm());
  REQUIRE((storm.ok() && storm->created.size() == 1));
  // Two alerts that no webhook of the group sent before (its members not among them).
  auto later = store->Intake(Rack(60, 62), Storm());
  REQUIRE_MESSAGE(later.ok(), later.status().ToString());
  CHECK(later->created.empty());
  REQUIRE(later->storms.size() == 1);
  CHECK(later->storms[0].incident == storm->created[0]);
  CHECK(later->storms[0].new_alerts == 2);
  CHECK(store->Get(storm->created[0])->storm_alerts == 62);
  // Another groupKey's small webhook of the same rack is not joined (another route / receiver).
  auto other = store->Intake(Rack(62, 63), Storm("{}:{rack=\"r7\",team=\"b\"}"));
  REQUIRE(other.ok());
  CHECK(other->created.size() == 1);
  CHECK(other->storms.empty());
}

TEST_CASE("stm1 IncidentStore: bad input - no groupKey, a groupKey shared by unrelated alerts, a resolved webhook between, an old incident") {
  TempDir dir("vigil_stm1_test");
  int64_t now = 2'000'000;
  auto store = Open(dir, &now);
  SUBCASE("no groupKey: the same grouping vigil uses decides") {
    auto first = store->Intake(Rack(0, 3), Storm(""));
    REQUIRE((first.ok() && first->created.size() == 3));
    auto second = store->Intake(Rack(0, 60), Storm(""));
    REQUIRE(second.ok());
    CHECK(second->merged.size() == 3);
    CHECK(store->Get(second->storms.at(0).incident)->storm_alerts == 60);
  }
  SUBCASE("an earlier webhook of another groupKey is not joined; its alert is a duplicate") {
    auto first = store->Intake(Rack(0, 3), Storm("{}:{alertname=\"XidError\"}"));
    REQUIRE((first.ok() && first->created.size() == 3));
    auto second = store->Intake(Rack(0, 60), Storm());
    REQUIRE(second.ok());
    CHECK(second->merged.empty());
    CHECK(second->duplicates.size() == 3);
    CHECK(store->Get(second->storms.at(0).incident)->storm_alerts == 57);
    CHECK(All(*store).size() == 4);  // nothing lost: 3 of their own + the storm's 57
  }
  SUBCASE("a groupKey shared by an unrelated alert (another alertname, no rack) not in the storm: kept apart") {
    Alert stall;
    stall.fingerprint = "stall";
    stall.rule = "TrainingJobStalled";
    stall.severity = "warning";
    stall.labels = {{"alertname", "TrainingJobStalled"}, {"job", "llama-70b"}};
    stall.state = AlertState::kFiring;
    stall.starts_at_ms = 900'000;
    std::vector<Alert> first_alerts = Rack(0, 3);
    first_alerts.push_back(stall);
    auto first = store->Intake(first_alerts, Storm());
    REQUIRE((first.ok() && first->created.size() == 4));
    const int64_t stall_id = first->created.back();
    auto second = store->Intake(Rack(0, 60), Storm());  // the stall is not re-sent
    REQUIRE(second.ok());
    CHECK(second->merged.size() == 3);
    CHECK(store->Get(stall_id)->merged_into == 0);
    CHECK(store->Get(stall_id)->state == "queued");
    // Re-sent beside the storm (its own group `job=llama-70b`, one alert): still its own.
    std::vector<Alert> with_stall = Rack(0, 60);
    with_stall.push_back(stall);
    auto third = store->Intake(with_stall, Storm());
    REQUIRE(third.ok());
    CHECK(store->Get(stall_id)->merged_into == 0);
    CHECK(third->merged.empty());
  }
  SUBCASE("a resolved webhook between the two: the ended alert's incident stays its own, resolved") {
    auto first = store->Intake(Rack(0, 3), Storm());
    REQUIRE((first.ok() && first->created.size() == 3));
    Alert ended = RackAlert(0);
    ended.state = AlertState::kResolved;
    ended.ends_at_ms = 2'100'000;
    auto between = store->Intake({ended, RackAlert(1), RackAlert(2)}, Storm());
    REQUIRE(between.ok());
    CHECK(between->resolved == std::vector<int64_t>{first->created[0]});
    std::vector<Alert> group = Rack(0, 60);
    group[0] = ended;  // Alertmanager sends the ended alert once more, resolved
    auto second = store->Intake(group, Storm());
    REQUIRE(second.ok());
    CHECK(second->merged.size() == 2);
    const StoredIncident kept = *store->Get(first->created[0]);
    CHECK(kept.merged_into == 0);
    CHECK(kept.resolved_at_ms == 2'100'000);
    CHECK(store->Get(second->storms.at(0).incident)->storm_alerts == 59);
  }
  SUBCASE("an incident older than the merge window is not joined") {
    auto first = store->Intake(Rack(0, 3), Storm());
    REQUIRE((first.ok() && first->created.size() == 3));
    now += 16 * 60'000;  // past the default 15 minutes
    auto second = store->Intake(Rack(0, 60), Storm());
    REQUIRE(second.ok());
    CHECK(second->merged.empty());
    CHECK(second->duplicates.size() == 3);
  }
}

TEST_CASE("stm1 HttpApi: the webhook's answer names the merged incidents; the REST API shows merged_into") {
  TestServer s(100, true, 64 * 1024, 10, 5, nullptr, [](HttpApiOptions& o) { o.intake.storm_min_alerts = 50; });
  auto body = [](int n) {
    std::string b = R"({"version":"4","status":"firing","receiver":"vigil","groupKey":"{}:{rack=\"r7\"}","alerts":[)";
    for (int i = 0; i < n; ++i) {
      if (i) b += ",";
      b += R"({"status":"firing","labels":{"alertname":"XidError","rack":"r7","Hostname":"rack7-node-)" +
           std::to_string(i / 8) + R"(","gpu":")" + std::to_string(i % 8) +
           R"("},"startsAt":"2026-12-05T10:00:00Z"})";
    }
    return b + "]}";
  };
  auto c = s.Client();
  auto r1 = c.Post("/api/v1/alerts", body(3), "application/json");
  REQUIRE(r1);
  REQUIRE_MESSAGE(r1->status == 200, r1->body);
  CHECK(Json::parse(r1->body)["created"].size() == 3);
  auto r2 = c.Post("/api/v1/alerts", body(60), "application/json");
  REQUIRE(r2);
  REQUIRE_MESSAGE(r2->status == 200, r2->body);
  const Json j = Json::parse(r2->body);
  REQUIRE(j["merged"].size() == 3);
  const int64_t storm = j["storms"][0]["incident"].get<int64_t>();
  CHECK(j["merged"][0]["into"] == storm);
  CHECK(j["merged"][0]["state_when_merged"] == "queued");
  auto list = c.Get("/api/v1/incidents");
  REQUIRE((list && list->status == 200));
  int merged = 0;
  const Json listed = Json::parse(list->body);
  REQUIRE(listed["incidents"].size() == 4);
  for (const Json& i : listed["incidents"]) {
    if (i["id"] == storm) {
      CHECK(i["storm"]["alerts"] == 60);
      CHECK(i["group_key"] == "{}:{rack=\"r7\"}");
    } else {
      CHECK(i["state"] == "merged");
      CHECK(i["merged_into"] == storm);
      ++merged;
    }
  }
  CHECK(merged == 3);
  auto one = c.Get("/api/v1/incidents/1");
  REQUIRE((one && one->status == 200));
  CHECK(Json::parse(one->body)["merged_into"] == storm);
}

TEST_CASE("stm1 IncidentStore: a version-2 store file (testdata) migrates to 8: group_key and merged_into, then merges") {
  TempDir dir("vigil_stm1_test");
  std::filesystem::copy_file("server/testdata/incidents_v2.db", dir.path / "incidents.db");
  int64_t now = 1'900'000'000'000;
  auto store = Open(dir, &now);
  auto old = store->Get(1);
  REQUIRE_MESSAGE(old.ok(), old.status().ToString());
  CHECK(old->group_key.empty());
  CHECK(old->merged_into == 0);
  CHECK(old->ToJson(false)["state"] == "diagnosed");
  CHECK_FALSE(old->ToJson(false).contains("merged_into"));
  auto first = store->Intake(Rack(0, 3), Storm());
  REQUIRE((first.ok() && first->created.size() == 3));
  auto second = store->Intake(Rack(0, 60), Storm());
  REQUIRE_MESSAGE(second.ok(), second.status().ToString());
  CHECK(second->merged.size() == 3);
  CHECK(store->Get(1)->merged_into == 0);  // the old row is left as it was
}

}  // namespace vigil
