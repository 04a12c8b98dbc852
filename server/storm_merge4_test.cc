// STM4 (2026-12-05): the storm intake's gaps STM3 left (server/HISTORY.md "STM4").
//  - A storm incident row deleted by hand (sqlite3 ... DELETE FROM incidents WHERE id=..., or a
//    retention job that left its alerts' rows): a webhook re-sending its alerts was refused whole (500,
//    UNIQUE constraint; Alertmanager retried for ever). Now its firing alerts are taken as new (their
//    group's storm) and their old rows move there (incident_alert_moves: deleted -> holder); a resolved
//    one marks its row ended; Open logs the orphans; the store serves with them (REST, /metrics, chat).
//  - A storm of which some re-sent alerts are still in its own group and others in other groups'
//    storms: those others move to their groups' storms (split off), it keeps the rest, its rule says
//    what it holds, a diagnosed one is queued again.
//  - A fingerprint re-sent with other labels after the merge window: a duplicate of its incident (the
//    store's key), the stored alert kept, never merged, and said (IntakeResult::relabeled).
#include <doctest/doctest.h>
#include <httplib.h>
#include <sqlite3.h>

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "core/logging.h"
#include "knowledge/temp_dir_testing.h"
#include "server/chat_store.h"
#include "server/http_api_testing.h"
#include "server/incident_store.h"
#include "server/storm_testing.h"

namespace vigil {
namespace {

using testing::Firing;
using testing::NodeDowns;
using testing::Cat;
using testing::NcclTimeouts;
using testing::RackXids;
constexpr const char* kGroup = testing::kRackStormGroupKey;
std::string Node(int n) { return testing::RackNode(n); }
std::unique_ptr<IncidentStore> Open(const std::filesystem::path& file, int64_t* now) {
  return testing::OpenStoreAt(file, now);
}


std::vector<Alert> Ended(std::vector<Alert> alerts, int64_t at) {
  for (Alert& a : alerts) {
    a.state = AlertState::kResolved;
    a.ends_at_ms = at;
  }
  return alerts;
}

IntakeOptions Hook(std::string group_key = kGroup) {
  IntakeOptions o;
  o.storm_min_alerts = 10;
  o.group_key = std::move(group_key);
  o.storm_merge_window_ms = 15 * 60'000;
  return o;
}

StoredIncident GetOk(IncidentStore& store, int64_t id) {
  auto got = store.Get(id);
  REQUIRE_MESSAGE(got.ok(), got.status().ToString());
  return *got;
}

int64_t StormOf(const IntakeResult& r, const std::string& group) {
  for (const StormIntake& s : r.storms) {
    if (s.group == group) return s.incident;
  }
  return 0;
}

// Every alert of `alerts` is held by exactly one unmerged incident (nothing lost, no copy).
void CheckEachAlertHeldOnce(IncidentStore& store, const std::vector<Alert>& alerts) {
  auto rows = store.List("", 1000);
  REQUIRE(rows.ok());
  std::map<std::pair<std::string, int64_t>, int> held;
  for (const StoredIncident& row : *rows) {
    if (row.merged_into != 0) continue;
    StoredIncident full = GetOk(store, row.id);
    for (const StormMember& m : full.members) ++held[{m.fingerprint, m.starts_at_ms}];
    if (full.storm_key.empty()) ++held[{full.fingerprint, full.starts_at_ms}];
  }
  for (const Alert& a : alerts) {
    const int n = held[std::make_pair(a.fingerprint, a.starts_at_ms)];
    CHECK_MESSAGE(n == 1, a.fingerprint);
  }
}

void ExecSql(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.string().c_str(), &db) == SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  const std::string why = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  const std::string what = sql + ": " + why;
  REQUIRE_MESSAGE(rc == SQLITE_OK, what);
}

int64_t QueryInt(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.string().c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(s) == SQLITE_ROW);
  const int64_t v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  sqlite3_close(db);
  return v;
}

// The log lines written while it lives (info and up).
struct LogLines {
  std::mutex mu;
  std::vector<std::string> lines;
  LogLevel level = GetLogLevel();
  LogLines() {
    SetLogSink([this](std::string_view l) {
      std::lock_guard<std::mutex> lock(mu);
      lines.emplace_back(l);
    });
    SetLogLevel(LogLevel::kInfo);
  }
  ~LogLines() {
    SetLogLevel(level);
    SetLogSink(nullptr);
  }
  bool Has(const std::string& a, const std::string& b = "") {
    std::lock_guard<std::mutex> lock(mu);
    for (const std::string& l : lines) {
      if (l.find(a) != std::string::npos && l.find(b) != std::string::npos) return true;
    }
    return false;
  }
};

}  // namespace

TEST_CASE("stm4 IncidentStore: a storm deleted by hand: its alerts sent again are a new storm, the orphan rows re-homed and said") {
  TempDir dir("vigil_stm4_test");
  const auto file = dir.path / "incidents.db";
  int64_t now = 2'000'000;
  auto store = Open(file, &now);
  const int64_t s = store->Intake(NodeDowns(0, 12), Hook())->storms[0].incident;
  store.reset();
  ExecSql(file, "DELETE FROM incidents WHERE id=" + std::to_string(s));
  LogLines log;
  store = Open(file, &now);
  CHECK(store->orphan_alerts_on_open() == 12);
  CHECK(log.Has("12 stored alerts (12 firing) belong to incident(s) " + std::to_string(s) + " no longer in the store"));
  now += 60'000;
  SUBCASE("sent again firing: a new storm of its group holds them; sent again after that: duplicates") {
    auto again = store->Intake(NodeDowns(0, 12), Hook());
    REQUIRE_MESSAGE(again.ok(), again.status().ToString());
    const int64_t n = StormOf(*again, "nodes");
    REQUIRE(n != 0);
    CHECK(n != s);
    CHECK(again->created == std::vector<int64_t>{n});
    REQUIRE(again->orphans.size() == 1);
    CHECK(again->orphans[0].deleted == s);
    CHECK(again->orphans[0].into == std::map<int64_t, int64_t>{{n, 12}});
    CHECK(again->orphans[0].ended == 0);
    CHECK(GetOk(*store, n).storm_alerts == 12);
    CHECK(GetOk(*store, n).state == "queued");
    CHECK(log.Has("incident " + std::to_string(s) + " is no longer in the store", "12 of its alerts sent again firing"));
    CheckEachAlertHeldOnce(*store, NodeDowns(0, 12));
    CHECK(QueryInt(file, "SELECT count(*) FROM incident_alert_moves WHERE incident_id=" + std::to_string(s) +
                             " AND into_id=" + std::to_string(n)) == 12);
    now += 60'000;
    auto third = store->Intake(NodeDowns(0, 12), Hook());
    REQUIRE(third.ok());
    CHECK(third->orphans.empty());
    CHECK(third->created.empty());
    CHECK(third->duplicates == std::vector<int64_t>{n});
    store.reset();
    store = Open(file, &now);
    CHECK(store->orphan_alerts_on_open() == 0);
  }
  SUBCASE("one alert of it twice in the webhook, and alerts of other incidents that are fine: every good one recorded") {
    const int64_t lone = store->Intake({Firing("lone-1", "DiskFull", {{"instance", "nfs-1:9100"}})}, Hook("other"))->created[0];
    std::vector<Alert> hook = Cat({NodeDowns(0, 12), NodeDowns(3, 4), RackXids(0, 12)});
    hook.push_back(Firing("lone-1", "DiskFull", {{"instance", "nfs-1:9100"}}));
    auto again = store->Intake(hook, Hook());
    REQUIRE_MESSAGE(again.ok(), again.status().ToString());
    const int64_t r = StormOf(*again, "rack=r7");
    REQUIRE(r != 0);
    CHECK(GetOk(*store, r).storm_alerts == 60);
    REQUIRE(again->orphans.size() == 1);
    CHECK(again->orphans[0].into == std::map<int64_t, int64_t>{{r, 12}});
    CHECK(std::count(again->duplicates.begin(), again->duplicates.end(), lone) == 1);
    CheckEachAlertHeldOnce(*store, Cat({NodeDowns(0, 12), RackXids(0, 12)}));
  }
  SUBCASE("sent resolved: its rows are marked ended, no incident made again") {
    auto ended = store->Intake(Ended(NodeDowns(0, 12), now), Hook());
    REQUIRE_MESSAGE(ended.ok(), ended.status().ToString());
    CHECK(ended->created.empty());
    REQUIRE(ended->orphans.size() == 1);
    CHECK(ended->orphans[0].ended == 12);
    CHECK(ended->orphans[0].into.empty());
    CHECK(QueryInt(file, "SELECT count(*) FROM incident_alerts WHERE resolved_at_ms=0") == 0);
    CHECK(log.Has("12 of its alerts stopped firing: their rows are marked ended"));
    auto listed = store->List("", 100);
    REQUIRE(listed.ok());
    CHECK(listed->empty());
  }
}

TEST_CASE("stm4 IncidentStore: the target of a merge deleted by hand: the webhook re-sending its alerts is taken (was a 500), the merged storm lists them where they are now") {
  TempDir dir("vigil_stm4_test");
  const auto file = dir.path / "incidents.db";
  int64_t now = 2'000'000;
  auto store = Open(file, &now);
  const int64_t a = store->Intake(NodeDowns(0, 12), Hook())->storms[0].incident;
  now += 60'000;
  auto second = store->Intake(Cat({NodeDowns(0, 12), NcclTimeouts(0, 12)}), Hook());
  REQUIRE(second.ok());
  const int64_t b = StormOf(*second, "job=4242");
  REQUIRE((second->merged.size() == 1 && second->merged[0].into == b));
  store.reset();
  ExecSql(file, "DELETE FROM incidents WHERE id=" + std::to_string(b));
  store = Open(file, &now);
  CHECK(store->orphan_alerts_on_open() == 24);
  now += 60'000;
  // STM3 pinned this as refused whole ("UNIQUE constraint failed: incident_alerts.fingerprint").
  const std::vector<Alert> all = Cat({NodeDowns(0, 12), NcclTimeouts(0, 12), RackXids(0, 12)});
  auto again = store->Intake(all, Hook());
  REQUIRE_MESSAGE(again.ok(), again.status().ToString());
  const int64_t c = StormOf(*again, "rack=r7");
  REQUIRE(c != 0);
  CHECK(GetOk(*store, c).storm_alerts == 72);
  REQUIRE(again->orphans.size() == 1);
  CHECK(again->orphans[0].deleted == b);
  CHECK(again->orphans[0].into == std::map<int64_t, int64_t>{{c, 24}});
  CheckEachAlertHeldOnce(*store, all);
  const StoredIncident sa = GetOk(*store, a);
  CHECK(sa.merged_into == b);
  CHECK(sa.merged_into_now == 0);
  CHECK(sa.storm_alerts == 12);
  CHECK(sa.members_now_in == std::map<int64_t, int64_t>{{c, 12}});
  CHECK(sa.MergedText() == "merged into storm incident #" + std::to_string(b) +
                               ", whose own merge leads nowhere (a cycle or a missing incident); its alerts are now in #" +
                               std::to_string(c));
  // Every alert ended: C resolved, and A (its alerts all ended) stops firing too.
  now += 60'000;
  auto ended = store->Intake(Ended(all, now), Hook());
  REQUIRE(ended.ok());
  CHECK(GetOk(*store, c).resolved_at_ms == now);
  CHECK(GetOk(*store, a).resolved_at_ms == now);
}

TEST_CASE("stm4 IncidentStore: a version-8 and a version-9 store with orphans open, say them, and re-home them when sent again") {
  TempDir dir("vigil_stm4_test");
  const auto file = dir.path / "incidents.db";
  int64_t now = 2'000'000;
  int64_t a = 0, b = 0, lone = 0;
  {
    auto store = Open(file, &now);
    a = store->Intake(NodeDowns(0, 12), Hook())->storms[0].incident;
    now += 60'000;
    auto second = store->Intake(Cat({NodeDowns(0, 12), NcclTimeouts(0, 12)}), Hook());
    REQUIRE(second.ok());
    b = StormOf(*second, "job=4242");
    lone = store->Intake({Firing("lone-1", "DiskFull", {{"instance", "nfs-1:9100"}})}, Hook("other"))->created[0];
  }
  ExecSql(file, "DELETE FROM incidents WHERE id=" + std::to_string(b));
  int expected_version = 0;
  SUBCASE("version 9 (no moves table)") {
    ExecSql(file, "DROP TABLE incident_alert_moves; PRAGMA user_version=9");
    expected_version = 9;
  }
  SUBCASE("version 8 (no moves table, no merged_from)") {
    ExecSql(file, "DROP TABLE incident_alert_moves; DROP INDEX incident_alerts_by_merged_from; "
                  "ALTER TABLE incident_alerts DROP COLUMN merged_from; PRAGMA user_version=8");
    expected_version = 8;
  }
  CAPTURE(expected_version);
  LogLines log;
  auto store = Open(file, &now);
  CHECK(QueryInt(file, "PRAGMA user_version") == 11);  // the current version (DOG8: 11)
  CHECK(store->orphan_alerts_on_open() == 24);
  CHECK(log.Has("24 stored alerts (24 firing) belong to incident(s) " + std::to_string(b)));
  auto listed = store->List("", 100);
  REQUIRE_MESSAGE(listed.ok(), listed.status().ToString());
  CHECK(listed->size() == 2);  // A (merged) and the lone incident
  CHECK(GetOk(*store, lone).state == "queued");
  now += 60'000;
  const std::vector<Alert> all = Cat({NodeDowns(0, 12), NcclTimeouts(0, 12)});
  auto again = store->Intake(all, Hook());
  REQUIRE_MESSAGE(again.ok(), again.status().ToString());
  const int64_t n = StormOf(*again, "job=4242");
  REQUIRE(n != 0);
  CHECK(n != b);
  CHECK(GetOk(*store, n).storm_alerts == 24);
  REQUIRE(again->orphans.size() == 1);
  CHECK(again->orphans[0].into == std::map<int64_t, int64_t>{{n, 24}});
  CheckEachAlertHeldOnce(*store, all);
  // Version 9 kept merged_from (A): RebuildMoves gave A -> B, so A lists its 12 where they are now.
  if (expected_version == 9) CHECK(GetOk(*store, a).members_now_in == std::map<int64_t, int64_t>{{n, 12}});
}

TEST_CASE("stm4 HttpApi: a storm row deleted while serve runs: REST, /metrics and the chat status serve, the re-sent webhook is 200 (was 500)") {
  TestServer s(100, true, 256 * 1024, 10, 5, nullptr, [](HttpApiOptions& o) { o.intake.storm_min_alerts = 10; });
  auto alert = [](std::string& out, const std::string& labels) {
    out.append(R"({"status":"firing","labels":{)");
    out.append(labels);
    out.append(R"(},"startsAt":"2026-12-05T10:00:00Z"})");
  };
  auto body = [&](bool xids) {
    std::string b = R"({"version":"4","status":"firing","receiver":"vigil","groupKey":"{}:{cluster=\"train-a\"}","alerts":[)";
    for (int n = 0; n < 12; ++n) {
      const std::string node = "rack7-node-" + std::to_string(n);
      if (n > 0) b.push_back(',');
      alert(b, "\"alertname\":\"NodeDown\",\"job\":\"node\",\"instance\":\"" + node + ":9100\"");
      for (int g = 0; xids && g < 4; ++g) {
        b.push_back(',');
        alert(b, "\"alertname\":\"XidError\",\"rack\":\"r7\",\"gpu\":\"" + std::to_string(g) + "\",\"Hostname\":\"" + node + "\"");
      }
    }
    b.append("]}");
    return b;
  };
  auto c = s.Client();
  auto post = [&](const std::string& b) {
    auto r = c.Post("/api/v1/alerts", b, "application/json");
    REQUIRE(r);
    CHECK_MESSAGE(r->status == 200, r->body);
    return r->status == 200 ? Json::parse(r->body) : Json();
  };
  const Json first = post(body(false));
  REQUIRE(first["created"].size() == 1);
  const int64_t deleted = first["created"][0];
  // Another incident, fine, of one alert.
  post(R"({"version":"4","status":"firing","groupKey":"{}:{other}","alerts":[{"status":"firing","labels":{"alertname":"DiskFull","instance":"nfs-1"},"startsAt":"2026-12-05T10:00:00Z"}]})");
  ExecSql(s.dir.path / "incidents.db", "DELETE FROM incidents WHERE id=" + std::to_string(deleted));
  auto list = c.Get("/api/v1/incidents?limit=100");
  REQUIRE(list);
  CHECK(list->status == 200);
  auto metrics = c.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->status == 200);
  auto gone = c.Get("/api/v1/incidents/" + std::to_string(deleted));
  REQUIRE(gone);
  CHECK(gone->status == 404);
  const Json answer = post(body(true));
  REQUIRE(answer.contains("orphans"));
  CHECK(answer["orphans"][0]["deleted_incident"] == deleted);
  const int64_t storm = answer["orphans"][0]["into"][0]["incident"];
  CHECK(answer["orphans"][0]["into"][0]["alerts"] == 12);
  auto got = c.Get("/api/v1/incidents/" + std::to_string(storm));
  REQUIRE((got && got->status == 200));
  const Json inc = Json::parse(got->body);
  CHECK(inc["storm"]["alerts"] == 60);
  CHECK(inc["storm"]["group"] == "rack=r7");
  list = c.Get("/api/v1/incidents?limit=100");
  REQUIRE((list && list->status == 200));
  CHECK(Json::parse(list->body)["incidents"].size() == 2);
  metrics = c.Get("/metrics");
  REQUIRE((metrics && metrics->status == 200));
  CHECK(metrics->body.find("vigil_incidents{state=\"queued\"} 2\n") != std::string::npos);
  auto row = s.store->Get(storm);
  REQUIRE(row.ok());
  CHECK(LiveIncidentFromStored(*row).status.find("queued") != std::string::npos);
  // The same webhook again: duplicates of the new storm, nothing re-homed.
  const Json repeat = post(body(true));
  CHECK_FALSE(repeat.contains("orphans"));
  CHECK(repeat["duplicates"] == Json::array({storm}));
}

TEST_CASE("stm4 IncidentStore: a storm keeping some re-sent alerts in its own group gives the others to their groups' storms, whichever comes first") {
  TempDir dir("vigil_stm4_test");
  const auto file = dir.path / "incidents.db";
  int64_t now = 2'000'000;
  auto store = Open(file, &now);
  const std::vector<Alert> all = Cat({NodeDowns(0, 12), RackXids(0, 8)});
  SUBCASE("the NodeDowns first (a diagnosed storm), then the rack's Xid alerts on 8 of the nodes") {
    const int64_t a = store->Intake(NodeDowns(0, 12), Hook())->storms[0].incident;
    auto claimed = store->ClaimNext();
    REQUIRE((claimed.ok() && claimed->has_value() && (*claimed)->id == a));
    REQUIRE(store->Finish(a, Json{{"root_cause", "node_down"}, {"storm", {{"alerts", 12}}}}, 1.0).ok());
    now += 60'000;
    LogLines log;
    auto second = store->Intake(all, Hook());
    REQUIRE_MESSAGE(second.ok(), second.status().ToString());
    const int64_t r = StormOf(*second, "rack=r7");
    REQUIRE(r != 0);
    CHECK(second->merged.empty());
    REQUIRE(second->split.size() == 1);
    CHECK(second->split[0].incident == a);
    CHECK(second->split[0].gave == std::map<int64_t, int64_t>{{r, 8}});
    CHECK(second->split[0].kept == 4);
    CHECK(second->split[0].rediagnose);
    CHECK(std::count(second->rediagnose.begin(), second->rediagnose.end(), a) == 1);
    const StoredIncident sa = GetOk(*store, a);
    CHECK(sa.merged_into == 0);
    CHECK(sa.storm_alerts == 4);
    CHECK(sa.rule == "storm: NodeDown x4");
    CHECK(sa.state == "queued");
    CHECK(sa.gave_to == std::map<int64_t, int64_t>{{r, 8}});
    CHECK(sa.ToJson(false)["storm"]["gave"] == Json::array({Json{{"incident", r}, {"alerts", 8}}}));
    const StoredIncident sr = GetOk(*store, r);
    CHECK(sr.storm_alerts == 40);
    CHECK(sr.rule == "storm: XidError x32, NodeDown x8");
    CHECK(log.Has("storm incident " + std::to_string(a) + " (nodes", "keeps 4 alerts of its group"));
    CheckEachAlertHeldOnce(*store, all);
    // Sent again: duplicates of both, nothing moves.
    now += 60'000;
    auto third = store->Intake(all, Hook());
    REQUIRE(third.ok());
    CHECK(third->split.empty());
    CHECK(third->created.empty());
    CHECK(GetOk(*store, a).storm_alerts == 4);
    CHECK(GetOk(*store, r).storm_alerts == 40);
    // Every alert ended: both resolved.
    now += 60'000;
    REQUIRE(store->Intake(Ended(all, now), Hook()).ok());
    CHECK(GetOk(*store, a).resolved_at_ms == now);
    CHECK(GetOk(*store, r).resolved_at_ms == now);
  }
  SUBCASE("the rack's Xid alerts first, then the NodeDowns with them: the same storms and members") {
    const int64_t r = store->Intake(RackXids(0, 8), Hook())->storms[0].incident;
    now += 60'000;
    auto second = store->Intake(all, Hook());
    REQUIRE(second.ok());
    const int64_t a = StormOf(*second, "nodes");
    REQUIRE(a != 0);
    CHECK(GetOk(*store, a).storm_alerts == 4);
    CHECK(GetOk(*store, r).storm_alerts == 40);
    CheckEachAlertHeldOnce(*store, all);
  }
  SUBCASE("older than the merge window: it stays whole") {
    const int64_t a = store->Intake(NodeDowns(0, 12), Hook())->storms[0].incident;
    now += 16 * 60'000;
    auto second = store->Intake(all, Hook());
    REQUIRE(second.ok());
    CHECK(second->split.empty());
    CHECK(GetOk(*store, a).storm_alerts == 12);
    CHECK(GetOk(*store, StormOf(*second, "rack=r7")).storm_alerts == 32);
  }
  SUBCASE("another groupKey: it stays whole") {
    const int64_t a = store->Intake(NodeDowns(0, 12), Hook("{}:{cluster=\"other\"}"))->storms[0].incident;
    now += 60'000;
    auto second = store->Intake(all, Hook());
    REQUIRE(second.ok());
    CHECK(second->split.empty());
    CHECK(GetOk(*store, a).storm_alerts == 12);
  }
}

TEST_CASE("stm4 IncidentStore: a fingerprint re-sent with other labels after the merge window: a duplicate, the stored alert kept, said") {
  TempDir dir("vigil_stm4_test");
  int64_t now = 2'000'000;
  auto store = Open(dir.path / "incidents.db", &now);
  SUBCASE("an incident of one alert") {
    const Alert first = Firing("gpu-alert-1", "XidError", {{"Hostname", Node(0)}, {"gpu", "1"}});
    const int64_t id = store->Intake({first}, Hook())->created[0];
    now += 60 * 60'000;  // an hour: past the window
    LogLines log;
    Alert reused = first;
    reused.labels["gpu"] = "7";
    auto again = store->Intake(Cat({{reused}, RackXids(0, 12)}), Hook());
    REQUIRE(again.ok());
    CHECK(std::count(again->duplicates.begin(), again->duplicates.end(), id) == 1);
    CHECK(again->merged.empty());
    REQUIRE(again->relabeled.size() == 1);
    CHECK(again->relabeled[0].incident == id);
    CHECK(again->relabeled[0].why.find("gpu 1 -> 7") != std::string::npos);
    CHECK(log.Has("incident " + std::to_string(id) + ": its alert was sent again with other labels", "taken as a duplicate"));
    const StoredIncident s = GetOk(*store, id);
    CHECK(s.alert.labels.at("gpu") == "1");
    CHECK(s.merged_into == 0);
    // The same labels again: nothing said.
    auto plain = store->Intake({first}, Hook());
    REQUIRE(plain.ok());
    CHECK(plain->relabeled.empty());
  }
  SUBCASE("a storm's member: a duplicate of its storm, the stored member kept, the storm not merged nor split, said") {
    const int64_t a = store->Intake(NodeDowns(0, 12), Hook())->storms[0].incident;
    now += 60 * 60'000;
    std::vector<Alert> hook = Cat({NodeDowns(0, 12), RackXids(0, 12)});
    hook[0].labels["job"] = "node-exporter";
    hook[3].labels["job"] = "node-exporter";
    LogLines log;
    auto again = store->Intake(hook, Hook());
    REQUIRE(again.ok());
    CHECK(again->merged.empty());
    CHECK(again->split.empty());
    CHECK(std::count(again->duplicates.begin(), again->duplicates.end(), a) == 1);
    const StoredIncident s = GetOk(*store, a);
    CHECK(s.storm_alerts == 12);
    CHECK(s.members[0].alert.labels.at("job") == "node");
    // DOG9: said as for an incident of one alert (STM4 left it silent: the other alert, never
    // recorded, went without a word), once for the storm, counting its members so re-sent.
    REQUIRE(again->relabeled.size() == 1);
    CHECK(again->relabeled[0].incident == a);
    CHECK_MESSAGE(again->relabeled[0].why.find("job node -> node-exporter") != std::string::npos, again->relabeled[0].why);
    CHECK_MESSAGE(again->relabeled[0].why.find("(and 1 more of its members)") != std::string::npos, again->relabeled[0].why);
    CHECK(log.Has("storm incident " + std::to_string(a) + ": a member its alert was sent again with other labels",
                  "its stored member kept"));
    // The same labels again: nothing said.
    auto plain = store->Intake(Cat({NodeDowns(0, 12), RackXids(0, 12)}), Hook());
    REQUIRE(plain.ok());
    CHECK(plain->relabeled.empty());
  }
  SUBCASE("a storm's member with Alertmanager's fingerprint (its labels' hash) re-sent: nothing to compare, nothing said") {
    std::vector<Alert> downs = NodeDowns(0, 12);
    for (Alert& d : downs) d.fingerprint = AlertmanagerFingerprint(d.labels);
    const int64_t a = store->Intake(downs, Hook())->storms[0].incident;
    now += 60 * 60'000;
    auto again = store->Intake(downs, Hook());
    REQUIRE(again.ok());
    CHECK(std::count(again->duplicates.begin(), again->duplicates.end(), a) == 1);
    CHECK(again->relabeled.empty());
  }
}

}  // namespace vigil
