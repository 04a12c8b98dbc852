// STM3 (2026-12-05): what STM2 (storm_merge_test.cc) left of merging a storm into another group's.
//  - A storm whose re-sent alerts fall in TWO or more other groups (a NodeDown storm, then the rack's
//    Xid alerts on some of its nodes and a job's NCCL timeouts on the others): each alert goes to its
//    group's storm, the storm is merged into the one that took the most, naming the others.
//  - A storm merged twice (A into B, then B into C): C lists every alert, B lists A's and its own, A
//    says where its alerts are now; resolved along the chain; a v9 store's moves rebuilt on Open.
//  - Incidents stored before schema 8 (no groupKey) merge when their stored alert is the one re-sent.
//  - Bad input: a fingerprint re-sent with other labels, a target resolved meanwhile, alerts of one
//    storm arriving out of order across groups, a cycle (A -> B -> A).
#include <doctest/doctest.h>
#include <httplib.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <vector>

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
std::unique_ptr<IncidentStore> Open(const std::filesystem::path& file, int64_t* now) {
  return testing::OpenStoreAt(file, now);
}

// One alert of each of `jobs` other Slurm jobs on other nodes (more than 8 jobs: StormGroups keeps
// every alert on a node without topology in `nodes`).
std::vector<Alert> OtherJobs(int jobs) {
  std::vector<Alert> out;
  for (int k = 0; k < jobs; ++k) {
    out.push_back(Firing("job-" + std::to_string(k), "JobStalled",
                         {{"Hostname", "other-node-" + std::to_string(k)}, {"slurm_job_id", std::to_string(5000 + k)}}));
  }
  return out;
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

// Every alert of `alerts` is a member of exactly one unmerged incident of the store (nothing lost, no
// copy): the count of (fingerprint, startsAt) found over the unmerged storms' members.
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

}  // namespace

TEST_CASE("stm3 IncidentStore: a NodeDown storm whose alerts fall in two other groups (a rack's Xids, a job's NCCL timeouts): each alert to its group's storm, merged into the one that took most") {
  TempDir dir("vigil_stm3_test");
  int64_t now = 2'000'000;
  auto store = Open(dir.path / "incidents.db", &now);
  auto first = store->Intake(NodeDowns(0, 12), Hook());
  REQUIRE((first.ok() && first->storms.size() == 1 && first->storms[0].group == "nodes"));
  const int64_t nodes_storm = first->storms[0].incident;
  auto claimed = store->ClaimNext();
  REQUIRE((claimed.ok() && claimed->has_value()));
  REQUIRE(store->Finish(nodes_storm, Json{{"root_cause", "node_down"}}, 1.0).ok());

  // Webhook 2: nodes 0-7's GPU alerts (rack r7), nodes 8-11's NCCL timeouts (job 4242).
  now += 5 * 60'000;
  const std::vector<Alert> all = Cat({NodeDowns(0, 12), RackXids(0, 8), NcclTimeouts(8, 12)});
  auto second = store->Intake(all, Hook());
  REQUIRE_MESSAGE(second.ok(), second.status().ToString());
  const int64_t rack = StormOf(*second, "rack=r7");
  const int64_t job = StormOf(*second, "job=4242");
  REQUIRE((rack != 0 && job != 0));
  REQUIRE(second->merged.size() == 1);
  CHECK(second->merged[0].incident == nodes_storm);
  CHECK(second->merged[0].into == rack);  // 8 of its 12 alerts
  CHECK(second->merged[0].also_into == std::vector<int64_t>{job});
  CHECK(second->merged[0].storm);
  CHECK(second->merged[0].state == "diagnosed");
  CHECK(second->duplicates.empty());
  CHECK(GetOk(*store, rack).storm_alerts == 8 + 32);
  CHECK(GetOk(*store, rack).rule == "storm: XidError x32, NodeDown x8");
  CHECK(GetOk(*store, job).storm_alerts == 4 + 4);
  CHECK(GetOk(*store, job).rule == "storm: NCCLTimeout x4, NodeDown x4");

  const StoredIncident merged = GetOk(*store, nodes_storm);
  CHECK(merged.merged_into == rack);
  CHECK(merged.merged_into_now == rack);
  CHECK(merged.members.size() == 12);  // every alert it held, read where it is now
  CHECK(merged.members_now_in == std::map<int64_t, int64_t>{{rack, 8}, {job, 4}});
  const Json j = merged.ToJson(true);
  CHECK(j["state"] == "merged");
  CHECK(j["storm"]["alerts"] == 12);
  CHECK(j["storm"]["now_in"] == Json::array({Json{{"incident", rack}, {"alerts", 8}}, Json{{"incident", job}, {"alerts", 4}}}));
  CHECK(j["diagnosis"]["root_cause"] == "node_down");
  CHECK(LiveIncidentFromStored(merged).status ==
        "merged into storm incident #" + std::to_string(rack) + "; its alerts are now in #" + std::to_string(rack) +
            " (8), #" + std::to_string(job) + " (4)");
  auto listed = store->List("", 10);
  REQUIRE(listed.ok());
  for (const StoredIncident& r : *listed) {
    if (r.id == nodes_storm) CHECK(r.ToJson(false)["storm"]["now_in"].size() == 2);
  }
  CheckEachAlertHeldOnce(*store, all);

  // The group again: duplicates of the two storms only.
  auto again = store->Intake(all, Hook());
  REQUIRE(again.ok());
  CHECK(again->merged.empty());
  CHECK(std::set<int64_t>(again->duplicates.begin(), again->duplicates.end()) == std::set<int64_t>{rack, job});
  // The rack's alerts end: the rack's storm stops firing; the merged storm does not (4 of its alerts
  // fire in the job's storm); then the job's: both.
  auto rack_end = store->Intake(Ended(Cat({NodeDowns(0, 8), RackXids(0, 8)}), now + 1'000), Hook());
  REQUIRE(rack_end.ok());
  CHECK(rack_end->resolved == std::vector<int64_t>{rack});
  CHECK(GetOk(*store, nodes_storm).resolved_at_ms == 0);
  auto job_end = store->Intake(Ended(Cat({NodeDowns(8, 12), NcclTimeouts(8, 12)}), now + 2'000), Hook());
  REQUIRE(job_end.ok());
  CHECK(job_end->resolved == std::vector<int64_t>{job});
  CHECK(GetOk(*store, nodes_storm).resolved_at_ms == now + 2'000);
  CHECK(store->List("firing", 10)->empty());
}

TEST_CASE("stm3 IncidentStore: alerts of one storm arriving out of order across groups: the same incidents whichever group comes first") {
  for (const bool rack_first : {true, false}) {
    CAPTURE(rack_first);
    TempDir dir("vigil_stm3_test");
    int64_t now = 2'000'000;
    auto store = Open(dir.path / "incidents.db", &now);
    auto first = store->Intake(NodeDowns(0, 12), Hook());
    REQUIRE((first.ok() && first->storms.size() == 1));
    const int64_t nodes_storm = first->storms[0].incident;
    now += 60'000;
    // Webhook 2: one group's alerts only; the NodeDown storm keeps the others in its own group: not
    // merged (STM4: it gives the alerts of that group to that group's storm and keeps the rest).
    auto second = store->Intake(rack_first ? Cat({NodeDowns(0, 12), RackXids(0, 8)}) : Cat({NodeDowns(0, 12), NcclTimeouts(8, 12)}),
                                Hook());
    REQUIRE(second.ok());
    CHECK(second->merged.empty());
    CHECK(second->split.size() == 1);
    CHECK(GetOk(*store, nodes_storm).merged_into == 0);
    CHECK(GetOk(*store, nodes_storm).storm_alerts == (rack_first ? 4 : 8));
    now += 60'000;
    const std::vector<Alert> all = Cat({NodeDowns(0, 12), RackXids(0, 8), NcclTimeouts(8, 12)});
    auto third = store->Intake(all, Hook());
    REQUIRE_MESSAGE(third.ok(), third.status().ToString());
    REQUIRE(third->merged.size() == 1);
    // STM4: the first group's storm was made by webhook 2 (it took its share of the NodeDowns then).
    const int64_t rack = StormOf(rack_first ? *second : *third, "rack=r7");
    const int64_t job = StormOf(rack_first ? *third : *second, "job=4242");
    // STM4: what it kept goes to the last group's storm (into); the first group's storm took its share
    // in webhook 2. The storms and their members are the same either way.
    CHECK(third->merged[0].incident == nodes_storm);
    CHECK(third->merged[0].into == (rack_first ? job : rack));
    CHECK(third->merged[0].also_into.empty());
    CHECK(GetOk(*store, rack).storm_alerts == 40);
    CHECK(GetOk(*store, job).storm_alerts == 8);
    CHECK(GetOk(*store, nodes_storm).members_now_in == std::map<int64_t, int64_t>{{rack, 8}, {job, 4}});
    CheckEachAlertHeldOnce(*store, all);
  }
}

TEST_CASE("stm3 IncidentStore: a storm merged twice (A into B, then B into C): C lists every alert, B A's and its own; resolved along the chain") {
  TempDir dir("vigil_stm3_test");
  int64_t now = 2'000'000;
  auto store = Open(dir.path / "incidents.db", &now);
  auto first = store->Intake(NodeDowns(0, 12), Hook());
  REQUIRE((first.ok() && first->storms.size() == 1));
  const int64_t a = first->storms[0].incident;
  // Webhook 2: the job's NCCL timeouts on the 12 nodes: the NodeDowns are in job=4242 now.
  now += 60'000;
  auto second = store->Intake(Cat({NodeDowns(0, 12), NcclTimeouts(0, 12)}), Hook());
  REQUIRE_MESSAGE(second.ok(), second.status().ToString());
  const int64_t b = StormOf(*second, "job=4242");
  REQUIRE((second->merged.size() == 1 && second->merged[0].incident == a && second->merged[0].into == b));
  // Webhook 3: the rack's GPU alerts on the 12 nodes: everything is in rack=r7 now.
  now += 60'000;
  const std::vector<Alert> all = Cat({NodeDowns(0, 12), NcclTimeouts(0, 12), RackXids(0, 12)});
  auto third = store->Intake(all, Hook());
  REQUIRE_MESSAGE(third.ok(), third.status().ToString());
  const int64_t c = StormOf(*third, "rack=r7");
  REQUIRE((third->merged.size() == 1 && third->merged[0].incident == b && third->merged[0].into == c));
  CHECK(third->merged[0].also_into.empty());

  const StoredIncident sa = GetOk(*store, a), sb = GetOk(*store, b), sc = GetOk(*store, c);
  CHECK(sc.storm_alerts == 72);
  CHECK(sb.storm_alerts == 24);  // its own 12 and A's 12 that it held (STM2: 12)
  CHECK(sb.members_now_in == std::map<int64_t, int64_t>{{c, 24}});
  CHECK(sa.storm_alerts == 12);
  CHECK(sa.merged_into == b);  // true to the chain: A went into B
  CHECK(sa.merged_into_now == c);
  CHECK(sa.ToJson(false)["merged_into_now"] == c);
  CHECK_FALSE(sb.ToJson(false).contains("merged_into_now"));
  CHECK(LiveIncidentFromStored(sa).status ==
        "merged into storm incident #" + std::to_string(b) + ", now in #" + std::to_string(c));
  CHECK(LiveIncidentFromStored(sb).status == "merged into storm incident #" + std::to_string(c));
  auto counts = store->CountByState();
  REQUIRE(counts.ok());
  CHECK(counts->at("merged") == 2);
  CheckEachAlertHeldOnce(*store, all);
  // Every alert ends: C, B and A stop firing.
  auto ended = store->Intake(Ended(all, now + 1'000), Hook());
  REQUIRE(ended.ok());
  CHECK(ended->resolved == std::vector<int64_t>{c});
  CHECK(GetOk(*store, b).resolved_at_ms == now + 1'000);
  CHECK(GetOk(*store, a).resolved_at_ms == now + 1'000);
}

TEST_CASE("stm3 IncidentStore: a version-9 store's chain (A into B into C) is migrated: B lists A's alerts again") {
  TempDir dir("vigil_stm3_test");
  const auto file = dir.path / "incidents.db";
  int64_t now = 2'000'000;
  int64_t a = 0, b = 0, c = 0;
  {
    auto store = Open(file, &now);
    a = store->Intake(NodeDowns(0, 12), Hook())->storms[0].incident;
    now += 60'000;
    auto second = store->Intake(Cat({NodeDowns(0, 12), NcclTimeouts(0, 12)}), Hook());
    REQUIRE(second.ok());
    b = StormOf(*second, "job=4242");
    now += 60'000;
    auto third = store->Intake(Cat({NodeDowns(0, 12), NcclTimeouts(0, 12), RackXids(0, 12)}), Hook());
    REQUIRE(third.ok());
    c = StormOf(*third, "rack=r7");
  }
  // What a version-9 vigil left: the same rows (members in C, merged_from their first storm, the
  // merged_into chain), no table of moves.
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.string().c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "DROP TABLE incident_alert_moves; PRAGMA user_version=9", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  auto store = Open(file, &now);
  const StoredIncident sb = GetOk(*store, b);
  CHECK(sb.storm_alerts == 24);
  CHECK(sb.members_now_in == std::map<int64_t, int64_t>{{c, 24}});
  CHECK(GetOk(*store, a).members_now_in == std::map<int64_t, int64_t>{{c, 12}});
  CHECK(GetOk(*store, c).storm_alerts == 72);
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.string().c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT count(*) FROM incident_alert_moves", -1, &s, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(s) == SQLITE_ROW);
  CHECK(sqlite3_column_int64(s, 0) == 12 + 12 + 12);  // A's alerts: A->B, B->C; B's own: B->C
  sqlite3_finalize(s);
  REQUIRE(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(s) == SQLITE_ROW);
  CHECK(sqlite3_column_int64(s, 0) == 11);  // the current version (DOG8: 11)
  sqlite3_finalize(s);
  sqlite3_close(db);
}

TEST_CASE("stm3 IncidentStore: a cycle - B's alerts back in A's old group after A went into B: a merged storm is never a target") {
  TempDir dir("vigil_stm3_test");
  int64_t now = 2'000'000;
  auto store = Open(dir.path / "incidents.db", &now);
  const int64_t a = store->Intake(NodeDowns(0, 12), Hook())->storms[0].incident;
  now += 60'000;
  auto second = store->Intake(Cat({NodeDowns(0, 12), NcclTimeouts(0, 12)}), Hook());
  REQUIRE(second.ok());
  const int64_t b = StormOf(*second, "job=4242");
  REQUIRE((second->merged.size() == 1 && second->merged[0].into == b));
  now += 60'000;
  SUBCASE("10 jobs alert at once: every alert on a node is in `nodes` again; a new storm of it takes B's") {
    const std::vector<Alert> all = Cat({NodeDowns(0, 12), NcclTimeouts(0, 12), OtherJobs(9)});
    auto third = store->Intake(all, Hook());
    REQUIRE_MESSAGE(third.ok(), third.status().ToString());
    const int64_t d = StormOf(*third, "nodes");
    REQUIRE(d != 0);
    CHECK(d != a);
    REQUIRE(third->merged.size() == 1);
    CHECK(third->merged[0].incident == b);
    CHECK(third->merged[0].into == d);
    CHECK(GetOk(*store, a).merged_into == b);  // A is not merged again, nor into itself
    CHECK(GetOk(*store, a).merged_into_now == d);
    CHECK(GetOk(*store, d).storm_alerts == 33);
    CheckEachAlertHeldOnce(*store, all);
  }
  SUBCASE("a merge target deleted by hand (no route deletes incidents): read as leading nowhere") {
    store.reset();
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((dir.path / "incidents.db").string().c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, ("DELETE FROM incidents WHERE id=" + std::to_string(b)).c_str(), nullptr, nullptr, nullptr) ==
            SQLITE_OK);
    sqlite3_close(db);
    store = Open(dir.path / "incidents.db", &now);
    const StoredIncident sa = GetOk(*store, a);
    CHECK(sa.merged_into == b);
    CHECK(sa.merged_into_now == 0);
    CHECK(sa.ToJson(true)["merged_into_now"].is_null());
    CHECK(sa.storm_alerts == 12);  // its alerts' rows are still in incident_alerts
    // Its member rows are orphans now. STM3 refused a webhook re-sending them whole (the UNIQUE
    // (fingerprint, startsAt) of a member: a 500, Alertmanager retried for ever); STM4 takes them as
    // new alerts of the webhook (storm_merge4_test.cc): here all in the rack's new storm.
    const std::vector<Alert> all = Cat({NodeDowns(0, 12), NcclTimeouts(0, 12), RackXids(0, 12)});
    auto again = store->Intake(all, Hook());
    REQUIRE_MESSAGE(again.ok(), again.status().ToString());
    REQUIRE(again->orphans.size() == 1);
    CHECK(again->orphans[0].deleted == b);
    CHECK(GetOk(*store, StormOf(*again, "rack=r7")).storm_alerts == 72);
    CheckEachAlertHeldOnce(*store, all);
  }
  SUBCASE("a store edited by hand into a cycle (B merged into A): read without looping, nothing lost") {
    store.reset();
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((dir.path / "incidents.db").string().c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, ("UPDATE incidents SET merged_into=" + std::to_string(a) + " WHERE id=" + std::to_string(b)).c_str(),
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    store = Open(dir.path / "incidents.db", &now);
    const StoredIncident sa = GetOk(*store, a);
    CHECK(sa.merged_into_now == 0);
    CHECK(sa.ToJson(false)["merged_into_now"].is_null());
    CHECK(LiveIncidentFromStored(sa).status.find("leads nowhere") != std::string::npos);
    CHECK(GetOk(*store, b).storm_alerts == 24);  // its members are still there
    auto again = store->Intake(Cat({NodeDowns(0, 12), NcclTimeouts(0, 12)}), Hook());
    REQUIRE(again.ok());
    CHECK(again->merged.empty());
  }
}

TEST_CASE("stm3 IncidentStore: a merge target resolved meanwhile is not a target: a new storm of its group takes the alerts") {
  TempDir dir("vigil_stm3_test");
  int64_t now = 2'000'000;
  auto store = Open(dir.path / "incidents.db", &now);
  const int64_t a = store->Intake(NodeDowns(0, 12), Hook())->storms[0].incident;
  now += 60'000;
  // The rack's GPUs on 6 nodes alone (STM4: with the NodeDowns re-sent, those 6 would move to it).
  auto second = store->Intake(RackXids(0, 6), Hook());
  REQUIRE((second.ok() && second->merged.empty()));
  const int64_t old_rack = StormOf(*second, "rack=r7");
  REQUIRE(old_rack != 0);
  auto ended = store->Intake(Ended(RackXids(0, 6), now + 500), Hook());
  REQUIRE((ended.ok() && ended->resolved == std::vector<int64_t>{old_rack}));
  now += 60'000;
  // The rack's GPUs fail again (a new startsAt) on all 12 nodes.
  const std::vector<Alert> all = Cat({NodeDowns(0, 12), RackXids(0, 12, 3'000'000)});
  auto third = store->Intake(all, Hook());
  REQUIRE_MESSAGE(third.ok(), third.status().ToString());
  const int64_t rack = StormOf(*third, "rack=r7");
  CHECK(rack != old_rack);
  REQUIRE(third->merged.size() == 1);
  CHECK(third->merged[0].incident == a);
  CHECK(third->merged[0].into == rack);
  CHECK(GetOk(*store, old_rack).storm_alerts == 24);  // the resolved one kept as it was
  CHECK(GetOk(*store, old_rack).resolved_at_ms == now - 60'000 + 500);
  CHECK(GetOk(*store, rack).storm_alerts == 60);
  CheckEachAlertHeldOnce(*store, all);
}

TEST_CASE("stm3 IncidentStore: a re-sent alert with other labels than stored (a fingerprint reused) never causes a merge; said; stored alert kept") {
  TempDir dir("vigil_stm3_test");
  int64_t now = 2'000'000;
  auto store = Open(dir.path / "incidents.db", &now);
  SUBCASE("an incident of one alert") {
    std::vector<Alert> three = RackXids(0, 1);
    three.resize(3);
    auto first = store->Intake(three, Hook());
    REQUIRE((first.ok() && first->created.size() == 3));
    now += 60'000;
    std::vector<Alert> storm = RackXids(0, 12);
    storm[1].labels["gpu"] = "7";  // xid-0-1 sent again with another GPU
    auto second = store->Intake(storm, Hook());
    REQUIRE_MESSAGE(second.ok(), second.status().ToString());
    CHECK(second->merged.size() == 2);
    REQUIRE(second->not_merged.size() == 1);
    CHECK(second->not_merged[0].incident == first->created[1]);
    CHECK(second->not_merged[0].storm == StormOf(*second, "rack=r7"));
    CHECK(second->not_merged[0].why.find("other labels than stored (fingerprint xid-0-1 reused?): gpu 1 -> 7") != std::string::npos);
    const StoredIncident kept = GetOk(*store, first->created[1]);
    CHECK(kept.merged_into == 0);
    CHECK(kept.alert.labels.at("gpu") == "1");
    CHECK(std::count(second->duplicates.begin(), second->duplicates.end(), first->created[1]) == 1);
  }
  SUBCASE("a storm") {
    const int64_t a = store->Intake(NodeDowns(0, 12), Hook())->storms[0].incident;
    now += 60'000;
    std::vector<Alert> downs = NodeDowns(0, 12);
    downs[3].labels["job"] = "node-exporter";  // same node: its group is rack=r7 as the others'

    auto second = store->Intake(Cat({downs, RackXids(0, 12)}), Hook());
    REQUIRE_MESSAGE(second.ok(), second.status().ToString());
    CHECK(second->merged.empty());
    REQUIRE(second->not_merged.size() == 1);
    CHECK(second->not_merged[0].incident == a);
    CHECK(second->not_merged[0].why.find("(fingerprint down-3 reused?): job node -> node-exporter") != std::string::npos);
    CHECK(second->not_merged[0].storm == 0);
    const StoredIncident sa = GetOk(*store, a);
    CHECK(sa.merged_into == 0);
    CHECK(sa.storm_alerts == 12);
    CHECK(sa.members[3].alert.labels.at("job") == "node");
    CHECK(GetOk(*store, StormOf(*second, "rack=r7")).storm_alerts == 48);  // the rack's own alerts only
  }
}

TEST_CASE("stm3 IncidentStore: an incident stored before schema 8 (no groupKey) merges into a groupKey's storm when its stored alert is the one re-sent") {
  TempDir dir("vigil_stm3_test");
  std::filesystem::copy_file("server/testdata/incidents_v2.db", dir.path / "incidents.db");
  int64_t now = 0;
  auto store = Open(dir.path / "incidents.db", &now);
  const StoredIncident old = GetOk(*store, 1);
  REQUIRE(old.group_key.empty());
  now = old.received_ms + 60'000;
  std::vector<Alert> storm{old.alert};
  storm[0].fingerprint = old.fingerprint;
  for (int g = 0; g < 12; ++g) {
    storm.push_back(Firing("n3-" + std::to_string(g), "XidError", {{"Hostname", "node-3"}, {"gpu", std::to_string(g)}, {"rack", "r3"}},
                           old.alert.starts_at_ms));
  }
  SUBCASE("the same labels: merged") {
    auto got = store->Intake(storm, Hook());
    REQUIRE_MESSAGE(got.ok(), got.status().ToString());
    REQUIRE(got->merged.size() == 1);
    CHECK(got->merged[0].incident == 1);
    CHECK(got->merged[0].into == got->storms[0].incident);
    CHECK(got->not_merged.empty());
    CHECK(GetOk(*store, 1).merged_into == got->storms[0].incident);
    CHECK(GetOk(*store, got->storms[0].incident).storm_alerts == 13);
  }
  SUBCASE("other labels: kept apart and said") {
    storm[0].labels["rack"] = "r3";  // a label the stored alert does not have
    auto got = store->Intake(storm, Hook());
    REQUIRE(got.ok());
    CHECK(got->merged.empty());
    REQUIRE(got->not_merged.size() == 1);
    CHECK(got->not_merged[0].why.find("rack (none) -> r3") != std::string::npos);
    CHECK(GetOk(*store, 1).merged_into == 0);
  }
  SUBCASE("made longer ago than the window: not merged") {
    now = old.received_ms + 16 * 60'000;
    auto got = store->Intake(storm, Hook());
    REQUIRE(got.ok());
    CHECK(got->merged.empty());
  }
}

TEST_CASE("stm3 HttpApi: a storm split over two groups' storms, then merged along a chain: the answer, REST and /metrics agree") {
  TestServer s(100, true, 256 * 1024, 10, 5, nullptr, [](HttpApiOptions& o) { o.intake.storm_min_alerts = 10; });
  auto alert = [](const std::string& labels) {
    return R"({"status":"firing","labels":{)" + labels + R"(},"startsAt":"2026-12-05T10:00:00Z"})";
  };
  auto body = [&](bool xids, bool nccl) {
    std::string b = R"({"version":"4","status":"firing","receiver":"vigil","groupKey":"{}:{cluster=\"train-a\"}","alerts":[)";
    bool first = true;
    auto add = [&](const std::string& a) {
      b += (first ? "" : ",") + a;
      first = false;
    };
    for (int n = 0; n < 12; ++n) {
      const std::string node = "rack7-node-" + std::to_string(n);
      add(alert(R"("alertname":"NodeDown","instance":")" + node + R"(:9100","job":"node")"));
      if (xids && n < 8) {
        for (int g = 0; g < 4; ++g) {
          add(alert(R"("alertname":"XidError","rack":"r7","Hostname":")" + node + R"(","gpu":")" + std::to_string(g) + "\""));
        }
      }
      if (nccl && n >= 8) add(alert(R"("alertname":"NCCLTimeout","slurm_job_id":"4242","Hostname":")" + node + "\""));
    }
    return b + "]}";
  };
  auto c = s.Client();
  auto post = [&](const std::string& b) {
    auto r = c.Post("/api/v1/alerts", b, "application/json");
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, r->body);
    return Json::parse(r->body);
  };
  post(body(false, false));
  const Json answer = post(body(true, true));
  REQUIRE(answer["merged"].size() == 1);
  CHECK(answer["merged"][0]["storm"] == true);
  REQUIRE(answer["merged"][0]["also_into"].size() == 1);
  const int64_t into = answer["merged"][0]["into"];
  const int64_t also = answer["merged"][0]["also_into"][0];
  const int64_t merged_id = answer["merged"][0]["incident"];
  auto got = c.Get("/api/v1/incidents/" + std::to_string(merged_id));
  REQUIRE((got && got->status == 200));
  const Json inc = Json::parse(got->body);
  CHECK(inc["state"] == "merged");
  CHECK(inc["merged_into"] == into);
  CHECK(inc["storm"]["now_in"] == Json::array({Json{{"incident", into}, {"alerts", 8}}, Json{{"incident", also}, {"alerts", 4}}}));
  CHECK(inc["members"].size() == 12);
  // /metrics' merged state counts what REST lists as merged.
  auto list = c.Get("/api/v1/incidents?limit=100");
  REQUIRE((list && list->status == 200));
  int64_t rest_merged = 0;
  const Json listed = Json::parse(list->body);
  for (const Json& i : listed["incidents"]) rest_merged += i["state"] == "merged" ? 1 : 0;
  CHECK(rest_merged == 1);
  auto metrics = c.Get("/metrics");
  REQUIRE((metrics && metrics->status == 200));
  CHECK(metrics->body.find("vigil_incidents{state=\"merged\"} 1\n") != std::string::npos);
  CHECK(metrics->body.find("vigil_incidents_merged_total{incident=\"storm\"} 1\n") != std::string::npos);
}

}  // namespace vigil
