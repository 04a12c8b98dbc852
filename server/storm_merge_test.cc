// STM2 (2026-12-05): what STM1 (storm_split_test.cc) left of a storm's merged webhooks.
//  - Two storm incidents of one groupKey: StormGroups reads the whole request, so an alert's group
//    can change between two webhooks of one Alertmanager group (node_exporter's NodeDown carries no
//    rack label; a later webhook with the node's GPU alerts, which do, puts it in `rack=r7`): a
//    storm made from an earlier webhook of the groupKey whose re-sent alerts all fall in another
//    group's storm now is merged into that storm (its members moved there, marked merged_from).
//  - --storm-merge-window (ParseStormMergeWindow; 0: off).
//  - /metrics: vigil_incidents{state="merged"} and vigil_incidents_merged_total{incident}.
//  - Incidents stored without a groupKey (before schema 8): STM2 kept them apart (`not_merged`);
//    STM3 merges them when the stored alert is the one re-sent (storm_merge3_test.cc).
#include <doctest/doctest.h>
#include <httplib.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "knowledge/temp_dir_testing.h"
#include "server/chat_store.h"
#include "server/cli.h"
#include "server/http_api_testing.h"
#include "server/incident_store.h"
#include "server/storm_testing.h"

namespace vigil {
namespace {

using testing::Firing;
using testing::NodeDowns;
using testing::RackXids;
constexpr const char* kGroup = testing::kRackStormGroupKey;
std::string Node(int n) { return testing::RackNode(n); }
std::unique_ptr<IncidentStore> Open(const std::filesystem::path& file, int64_t* now) {
  return testing::OpenStoreAt(file, now);
}

std::vector<Alert> Both(std::vector<Alert> a, const std::vector<Alert>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

IntakeOptions Hook(std::string group_key = kGroup, int64_t window_ms = 15 * 60'000) {
  IntakeOptions o;
  o.storm_min_alerts = 10;
  o.group_key = std::move(group_key);
  o.storm_merge_window_ms = window_ms;
  return o;
}


std::vector<StoredIncident> All(IncidentStore& store) {
  auto rows = store.List("", 1000);
  REQUIRE_MESSAGE(rows.ok(), rows.status().ToString());
  return *rows;
}

}  // namespace

TEST_CASE("stm2 IncidentStore: a storm of NodeDowns (no rack), then the rack's GPU alerts: the first storm merged into the rack's") {
  TempDir dir("vigil_stm2_test");
  int64_t now = 2'000'000;
  auto store = Open(dir.path / "incidents.db", &now);
  // Webhook 1: 12 NodeDowns, no rack label: one storm of the group "nodes", diagnosed.
  auto first = store->Intake(NodeDowns(0, 12), Hook());
  REQUIRE_MESSAGE(first.ok(), first.status().ToString());
  REQUIRE(first->storms.size() == 1);
  CHECK(first->storms[0].group == "nodes");
  const int64_t nodes_storm = first->storms[0].incident;
  auto claimed = store->ClaimNext();
  REQUIRE((claimed.ok() && claimed->has_value() && (*claimed)->id == nodes_storm));
  REQUIRE(store->Finish(nodes_storm, Json{{"root_cause", "node_down"}}, 1.0).ok());

  // Webhook 2 (group_interval later): the same NodeDowns and 48 Xid alerts with rack r7 on the same
  // nodes: every NodeDown's node is in rack r7 now.
  now += 5 * 60'000;
  auto second = store->Intake(Both(NodeDowns(0, 12), RackXids(0, 12)), Hook());
  REQUIRE_MESSAGE(second.ok(), second.status().ToString());
  REQUIRE(second->storms.size() == 1);
  const int64_t rack_storm = second->storms[0].incident;
  CHECK(second->storms[0].group == "rack=r7");
  CHECK(second->storms[0].created);
  CHECK(second->storms[0].new_alerts == 60);  // 48 new + 12 moved
  CHECK(second->created == std::vector<int64_t>{rack_storm});
  CHECK(second->duplicates.empty());  // the NodeDowns are the rack storm's now
  REQUIRE(second->merged.size() == 1);
  CHECK(second->merged[0].incident == nodes_storm);
  CHECK(second->merged[0].into == rack_storm);
  CHECK(second->merged[0].state == "diagnosed");
  CHECK(second->merged[0].storm);

  auto rack = store->Get(rack_storm);
  REQUIRE(rack.ok());
  CHECK(rack->storm_alerts == 60);
  CHECK(rack->rule == "storm: XidError x48, NodeDown x12");  // the moved alerts counted in its rule
  auto merged = store->Get(nodes_storm);
  REQUIRE(merged.ok());
  CHECK(merged->merged_into == rack_storm);
  const Json j = merged->ToJson(true);
  CHECK(j["state"] == "merged");
  CHECK(j["state_when_merged"] == "diagnosed");
  CHECK(j["merged_into"] == rack_storm);
  CHECK(j["diagnosis"]["root_cause"] == "node_down");  // superseded, kept
  CHECK(j["storm"]["alerts"] == 12);                   // its members, read where they are now
  CHECK(merged->members.size() == 12);
  CHECK(LiveIncidentFromStored(*merged).status == "merged into storm incident #" + std::to_string(rack_storm));
  // Only the rack's storm is claimed; the counts say merged.
  claimed = store->ClaimNext();
  REQUIRE((claimed.ok() && claimed->has_value()));
  CHECK((*claimed)->id == rack_storm);
  CHECK((*claimed)->members.size() == 60);
  auto counts = store->CountByState();
  REQUIRE(counts.ok());
  CHECK(counts->at("merged") == 1);
  CHECK(counts->at("diagnosed") == 0);
  CHECK(counts->at("running") == 1);

  // The group again: a duplicate of the rack's storm only; then every alert ends: the rack's storm
  // is resolved, and the storm merged into it stops firing with it.
  auto again = store->Intake(Both(NodeDowns(0, 12), RackXids(0, 12)), Hook());
  REQUIRE(again.ok());
  CHECK(again->duplicates == std::vector<int64_t>{rack_storm});
  CHECK(again->merged.empty());
  std::vector<Alert> ended = Both(NodeDowns(0, 12), RackXids(0, 12));
  for (Alert& a : ended) {
    a.state = AlertState::kResolved;
    a.ends_at_ms = now + 1'000;
  }
  auto resolved = store->Intake(ended, Hook());
  REQUIRE(resolved.ok());
  CHECK(resolved->resolved == std::vector<int64_t>{rack_storm});
  CHECK(store->Get(nodes_storm)->resolved_at_ms == now + 1'000);
  auto firing = store->List("firing", 10);
  REQUIRE(firing.ok());
  CHECK(firing->empty());
  CHECK(All(*store).size() == 2);  // nothing deleted
}

TEST_CASE("stm2 IncidentStore: a storm is not merged - alerts split over two groups, another groupKey, old, window 0, joined in its own group") {
  TempDir dir("vigil_stm2_test");
  int64_t now = 2'000'000;
  auto store = Open(dir.path / "incidents.db", &now);
  auto first = store->Intake(NodeDowns(0, 12), Hook());
  REQUIRE((first.ok() && first->storms.size() == 1));
  const int64_t nodes_storm = first->storms[0].incident;
  now += 60'000;
  SUBCASE("half its nodes' GPU alerts come: its alerts in two groups, it stays with the others (STM4: gives those 6 to the rack's storm)") {
    auto second = store->Intake(Both(NodeDowns(0, 12), RackXids(0, 6)), Hook());
    REQUIRE(second.ok());
    CHECK(second->merged.empty());
    CHECK(store->Get(nodes_storm)->merged_into == 0);
    CHECK(store->Get(nodes_storm)->storm_alerts == 6);  // STM2 kept all 12
    REQUIRE(second->split.size() == 1);
    CHECK(second->split[0].kept == 6);
  }
  SUBCASE("another groupKey's webhook: not merged") {
    auto second = store->Intake(Both(NodeDowns(0, 12), RackXids(0, 12)), Hook("{}:{rack=\"r7\"}"));
    REQUIRE(second.ok());
    CHECK(second->merged.empty());
    CHECK(store->Get(nodes_storm)->merged_into == 0);
  }
  SUBCASE("made longer ago than the window: not merged") {
    now += 16 * 60'000;
    auto second = store->Intake(Both(NodeDowns(0, 12), RackXids(0, 12)), Hook());
    REQUIRE(second.ok());
    CHECK(second->merged.empty());
    CHECK(second->duplicates == std::vector<int64_t>{nodes_storm});
  }
  SUBCASE("--storm-merge-window 0: nothing merged") {
    auto second = store->Intake(Both(NodeDowns(0, 12), RackXids(0, 12)), Hook(kGroup, 0));
    REQUIRE(second.ok());
    CHECK(second->merged.empty());
    CHECK(store->Get(nodes_storm)->merged_into == 0);
  }
  SUBCASE("a new alert of this webhook joins it in its own group: it stays") {
    // Node 12's NodeDown has no rack alert beside it: it joins the `nodes` storm. STM4: the 12 NodeDowns
    // now in rack r7 go to the rack's storm (STM2 kept them: 13); it holds node 12's.
    auto second = store->Intake(Both(NodeDowns(0, 13), RackXids(0, 12)), Hook());
    REQUIRE(second.ok());
    CHECK(second->merged.empty());
    CHECK(store->Get(nodes_storm)->storm_alerts == 1);
    REQUIRE(second->split.size() == 1);
    CHECK(second->split[0].kept == 1);
  }
  CHECK(store->Get(nodes_storm)->ToJson(false)["state"] == "queued");
}

TEST_CASE("stm2 IncidentStore: a storm merged into the rack's OPEN, diagnosed storm: that one grows and is queued to be diagnosed again") {
  TempDir dir("vigil_stm2_test");
  int64_t now = 2'000'000;
  auto store = Open(dir.path / "incidents.db", &now);
  auto first = store->Intake(NodeDowns(0, 12), Hook());
  REQUIRE((first.ok() && first->storms.size() == 1));
  const int64_t nodes_storm = first->storms[0].incident;
  now += 60'000;
  // Half the nodes' GPU alerts: the NodeDowns are in two groups, the `nodes` storm stays; the rack's
  // storm is made of 24 Xid alerts (STM4: and the 6 NodeDowns of its nodes, given by the `nodes` storm).
  auto second = store->Intake(Both(NodeDowns(0, 12), RackXids(0, 6)), Hook());
  REQUIRE((second.ok() && second->merged.empty() && second->created.size() == 1));
  const int64_t rack_storm = second->created[0];
  Json per_node = Json::object();
  for (int n = 0; n < 6; ++n) per_node[Node(n)] = 4;
  for (int i = 0; i < 2; ++i) {
    auto claimed = store->ClaimNext();
    REQUIRE((claimed.ok() && claimed->has_value()));
    const int64_t id = (*claimed)->id;
    REQUIRE(store->Finish(id, id == rack_storm ? Json{{"storm", {{"alerts", 24}, {"alerts_per_node", per_node}}}}
                                               : Json{{"root_cause", "node_down"}},
                          1.0)
                .ok());
  }
  now += 120'000;
  // The other nodes' GPU alerts: every NodeDown is in rack r7 now.
  auto third = store->Intake(Both(NodeDowns(0, 12), RackXids(0, 12)), Hook());
  REQUIRE_MESSAGE(third.ok(), third.status().ToString());
  REQUIRE(third->merged.size() == 1);
  CHECK(third->merged[0].incident == nodes_storm);
  CHECK(third->merged[0].into == rack_storm);
  CHECK(third->merged[0].storm);
  CHECK(third->created.empty());
  REQUIRE(third->storms.size() == 1);
  CHECK_FALSE(third->storms[0].created);
  CHECK(third->storms[0].new_alerts == 30);  // 24 new Xid + 6 moved NodeDowns (the other 6 came in webhook 2, STM4)
  CHECK(store->Get(rack_storm)->storm_alerts == 60);
  CHECK(third->rediagnose == std::vector<int64_t>{rack_storm});  // 60 alerts, 24 when diagnosed
  CHECK(store->Get(nodes_storm)->ToJson(false)["state"] == "merged");
}

TEST_CASE("stm2 IncidentStore: a split first webhook that is itself a storm (group_by rack): webhook 2 joins it, no second storm") {
  // Alertmanager flushes at its first stale alert; 52 of the group's 60 made it in. StormGroups puts
  // every alert of a rack-labelled group in rack=r7 in both webhooks: one storm, joined.
  TempDir dir("vigil_stm2_test");
  int64_t now = 2'000'000;
  auto store = Open(dir.path / "incidents.db", &now);
  std::vector<Alert> all = RackXids(0, 15);
  auto first = store->Intake(std::vector<Alert>(all.begin(), all.begin() + 52), Hook());
  REQUIRE((first.ok() && first->storms.size() == 1 && first->storms[0].created));
  now += 2'000;
  auto second = store->Intake(all, Hook());
  REQUIRE(second.ok());
  REQUIRE(second->storms.size() == 1);
  CHECK_FALSE(second->storms[0].created);
  CHECK(second->storms[0].incident == first->storms[0].incident);
  CHECK(second->storms[0].new_alerts == 8);
  CHECK(All(*store).size() == 1);
}

TEST_CASE("stm2 IncidentStore: an incident stored before schema 8 (no groupKey) and a groupKey's storm (STM3: merged)") {
  TempDir dir("vigil_stm2_test");
  std::filesystem::copy_file("server/testdata/incidents_v2.db", dir.path / "incidents.db");
  int64_t now = 0;
  auto store = Open(dir.path / "incidents.db", &now);
  auto old = store->Get(1);
  REQUIRE_MESSAGE(old.ok(), old.status().ToString());
  REQUIRE(old->group_key.empty());
  now = old->received_ms + 60'000;  // a minute after it came: within the window
  // A storm of node-3's rack re-sending the old alert.
  std::vector<Alert> storm{old->alert};
  storm[0].fingerprint = old->fingerprint;  // as stored (schema 6 may have rewritten it)
  for (int g = 0; g < 12; ++g) {
    storm.push_back(Firing("n3-" + std::to_string(g), "XidError", {{"Hostname", "node-3"}, {"gpu", std::to_string(g)}, {"rack", "r3"}},
                           old->alert.starts_at_ms));
  }
  SUBCASE("a webhook with a groupKey (Alertmanager's): STM3 merges it (its stored alert is the one re-sent)") {
    // STM2 kept it apart (named in not_merged); STM3 (storm_merge3_test.cc): a groupKey stored as none
    // is unknown, and the same alert re-sent in this group merges; other labels keep it apart.
    auto got = store->Intake(storm, Hook());
    REQUIRE_MESSAGE(got.ok(), got.status().ToString());
    REQUIRE(got->storms.size() == 1);
    REQUIRE(got->merged.size() == 1);
    CHECK(got->merged[0].incident == 1);
    CHECK(got->not_merged.empty());
    CHECK(store->Get(1)->merged_into == got->storms[0].incident);
    CHECK(store->Get(1)->state == "diagnosed");
  }
  SUBCASE("a webhook without a groupKey: both unknown, merged (STM1's rule)") {
    auto got = store->Intake(storm, Hook(""));
    REQUIRE(got.ok());
    REQUIRE(got->merged.size() == 1);
    CHECK(got->merged[0].incident == 1);
    CHECK(got->not_merged.empty());
  }
}

TEST_CASE("stm2 --storm-merge-window: 0 or a duration up to 24h; bad values named") {
  CHECK(*ParseStormMergeWindow("15m") == 15 * 60'000);
  CHECK(*ParseStormMergeWindow("0") == 0);
  CHECK(*ParseStormMergeWindow("1h30m") == 90 * 60'000);
  CHECK(*ParseStormMergeWindow("24h") == 24 * 3'600'000LL);
  for (const char* bad : {"-5m", "abc", "99999h", "15", "", "5x", "25h", "1d1ms"}) {
    auto got = ParseStormMergeWindow(bad);
    REQUIRE_FALSE(got.ok());
    CHECK(got.status().code() == StatusCode::kInvalidArgument);
    CHECK(got.status().message().find("got `" + std::string(bad) + "`") != std::string::npos);
  }
  CHECK(ParseStormMergeWindow("-5m").status().message().find("(negative)") != std::string::npos);
  CHECK(ParseStormMergeWindow("15").status().message().find("no unit") != std::string::npos);
  CHECK(ParseStormMergeWindow("99999h").status().message().find("over 24h") != std::string::npos);
}

TEST_CASE("stm2 HttpApi: /metrics counts merged incidents under state=\"merged\" and the merges by kind") {
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
  auto metrics = [&] {
    auto r = c.Get("/metrics");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    return r->body;
  };
  const std::string before = metrics();
  CHECK(before.find("vigil_incidents{state=\"merged\"} 0\n") != std::string::npos);
  CHECK(before.find("vigil_incidents_merged_total{incident=\"alert\"} 0\n") != std::string::npos);
  CHECK(before.find("vigil_incidents_merged_total{incident=\"storm\"} 0\n") != std::string::npos);
  auto r1 = c.Post("/api/v1/alerts", body(3), "application/json");
  REQUIRE((r1 && r1->status == 200));
  auto r2 = c.Post("/api/v1/alerts", body(60), "application/json");
  REQUIRE((r2 && r2->status == 200));
  const Json answer = Json::parse(r2->body);
  REQUIRE(answer["merged"].size() == 3);
  CHECK(answer["merged"][0]["storm"] == false);
  const std::string after = metrics();
  CHECK(after.find("vigil_incidents{state=\"merged\"} 3\n") != std::string::npos);
  CHECK(after.find("vigil_incidents_merged_total{incident=\"alert\"} 3\n") != std::string::npos);
  CHECK(after.find("# TYPE vigil_incidents_merged_total counter\n") != std::string::npos);
  // The 3 merged rows are counted once, as merged: the states sum to the 4 rows.
  int64_t sum = 0;
  for (const char* state : {"queued", "running", "diagnosed", "failed", "merged"}) {
    const std::string key = std::string("vigil_incidents{state=\"") + state + "\"} ";
    const size_t at = after.find(key);
    REQUIRE_MESSAGE(at != std::string::npos, key);
    sum += std::stoll(after.substr(at + key.size()));
  }
  CHECK(sum == 4);
}

}  // namespace vigil
