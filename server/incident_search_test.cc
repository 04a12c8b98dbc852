// Incident search (DOG8): IncidentStore::Search's filters (fingerprint, node, alertname, since /
// until, status, limit; ANDed), the schema-11 keys filled for an older store, and GET
// /api/v1/incidents' parameters and their 400s (ParseIncidentQuery, through the real server).
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <set>

#include "core/time_util.h"
#include "knowledge/temp_dir_testing.h"
#include "server/http_api.h"
#include "server/http_api_testing.h"
#include "server/incident_store.h"
#include "server/storm_testing.h"

namespace vigil {
namespace {

using testing::Firing;

// "<a><b>", appended (GCC 12's -Wrestrict misfires on "x" + std::string).
std::string Cat(std::string a, const std::string& b) {
  a += b;
  return a;
}

std::unique_ptr<IncidentStore> OpenAt(const std::string& path) {
  IncidentStoreOptions o;
  o.path = path;
  auto store = IncidentStore::Open(o);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  return std::move(*store);
}

// The ids Search finds, newest first.
std::vector<int64_t> Ids(const IncidentStore& store, const IncidentQuery& q) {
  auto rows = store.Search(q);
  REQUIRE_MESSAGE(rows.ok(), rows.status().ToString());
  std::vector<int64_t> out;
  for (const StoredIncident& r : *rows) out.push_back(r.id);
  return out;
}

IncidentQuery Node(std::string node) {
  IncidentQuery q;
  q.node = std::move(node);
  return q;
}

constexpr int64_t kT0 = 1'796'000'000'000;  // 2026-11-30T...

// Five incidents: 1 GPUXidError Hostname=node-3 (t0), 2 NodeDown instance=node-3.cluster.local:9100
// (t0+1h), 3 GPUXidError node=node-30 (t0+2h), 4 HighTemp instance=10.0.0.3:9100 (t0+3h), 5 NcclTimeout
// with no node label, diagnosed on node-3/gpu1 (t0+4h).
std::vector<int64_t> FiveIncidents(IncidentStore& store) {
  std::vector<int64_t> ids;
  for (const Alert& a : {Firing("f1", "GPUXidError", {{"Hostname", "node-3"}}, kT0),
                         Firing("f2", "NodeDown", {{"instance", "node-3.cluster.local:9100"}}, kT0 + 3'600'000),
                         Firing("f3", "GPUXidError", {{"node", "node-30"}}, kT0 + 7'200'000),
                         Firing("f4", "HighTemp", {{"instance", "10.0.0.3:9100"}}, kT0 + 10'800'000),
                         Firing("f5", "NcclTimeout", {{"job", "llama"}}, kT0 + 14'400'000)}) {
    auto in = store.Intake({a});
    REQUIRE(in.ok());
    REQUIRE(in->created.size() == 1);
    ids.push_back(in->created[0]);
  }
  // Claim all five; finish #5 with a diagnosis on node-3's GPU 1, the others elsewhere / job-wide.
  for (int i = 0; i < 5; ++i) {
    auto c = store.ClaimNext();
    REQUIRE((c.ok() && c->has_value()));
    const int64_t id = (*c)->id;
    const std::string component = id == ids[4] ? "node-3/gpu1" : "job";
    REQUIRE(store.Finish(id, Json{{"root_cause", "x"}, {"component", component}}, 0.1).ok());
  }
  return ids;
}

}  // namespace

TEST_CASE("IncidentStore::Search: node by any node label, short name and FQDN, address, diagnosed component") {
  TempDir dir("vigil_search_test");
  auto store = OpenAt((dir.path / "incidents.db").string());
  const auto id = FiveIncidents(*store);
  // node-3: its Hostname (1), the FQDN of its instance (2), the diagnosis' component (5); never node-30.
  CHECK(Ids(*store, Node("node-3")) == std::vector<int64_t>{id[4], id[1], id[0]});
  CHECK(Ids(*store, Node("NODE-3")) == std::vector<int64_t>{id[4], id[1], id[0]});
  // The FQDN finds the short names too, another domain's FQDN only itself.
  CHECK(Ids(*store, Node("node-3.cluster.local")) == std::vector<int64_t>{id[4], id[1], id[0]});
  CHECK(Ids(*store, Node("node-3.other.example")) == std::vector<int64_t>{id[4], id[0]});
  CHECK(Ids(*store, Node("node-30")) == std::vector<int64_t>{id[2]});
  CHECK(Ids(*store, Node("10.0.0.3")) == std::vector<int64_t>{id[3]});
  CHECK(Ids(*store, Node("10.0.0.3:9100")) == std::vector<int64_t>{id[3]});  // an instance as written
  CHECK(Ids(*store, Node("node-4")).empty());
  CHECK(store->Search(Node(":9100")).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("IncidentStore::Search: fingerprint, alertname, since / until, status and limit, ANDed") {
  TempDir dir("vigil_search_test");
  auto store = OpenAt((dir.path / "incidents.db").string());
  const auto id = FiveIncidents(*store);
  IncidentQuery q;
  q.fingerprint = "f2";
  CHECK(Ids(*store, q) == std::vector<int64_t>{id[1]});
  q = {};
  q.alertname = "GPUXidError";
  CHECK(Ids(*store, q) == std::vector<int64_t>{id[2], id[0]});
  q.node = "node-3";  // AND
  CHECK(Ids(*store, q) == std::vector<int64_t>{id[0]});
  q = {};
  q.since_ms = kT0 + 3'600'000;  // inclusive both ends
  q.until_ms = kT0 + 10'800'000;
  CHECK(Ids(*store, q) == std::vector<int64_t>{id[3], id[2], id[1]});
  q.limit = 2;
  CHECK(Ids(*store, q) == std::vector<int64_t>{id[3], id[2]});
  q = Node("node-3");
  q.until_ms = kT0;
  CHECK(Ids(*store, q) == std::vector<int64_t>{id[0]});
  q = {};
  q.alertname = "GPUXidError' OR '1'='1";  // bound, never spliced: nothing matches, nothing breaks
  CHECK(Ids(*store, q).empty());
  IncidentResolution fix;
  fix.root_cause = "gpu_fallen_off_bus";
  fix.summary = "GPU 5 fell off the bus";
  fix.resolution = "reseated";
  fix.by = "me";
  REQUIRE(store->SetResolution(id[0], fix).ok());
  q = Node("node-3");
  q.status = "resolved";
  CHECK(Ids(*store, q) == std::vector<int64_t>{id[0]});
  q.status = "open";
  CHECK(Ids(*store, q) == std::vector<int64_t>{id[4], id[1]});
}

TEST_CASE("IncidentStore::Search: a storm is found by any member's node, alertname and fingerprint") {
  TempDir dir("vigil_search_test");
  auto store = OpenAt((dir.path / "incidents.db").string());
  std::vector<Alert> storm;
  for (int i = 0; i < 6; ++i) {
    storm.push_back(Firing(Cat("s", std::to_string(i)), i == 5 ? "NodeDown" : "GPUXidError",
                       {{"Hostname", Cat("gpu-", std::to_string(i))}, {"rack", "r7"}}, kT0 + i * 1000));
  }
  IntakeOptions o;
  o.storm_min_alerts = 5;
  auto in = store->Intake(storm, o);
  REQUIRE(in.ok());
  REQUIRE(in->storms.size() == 1);
  const int64_t sid = in->storms[0].incident;
  CHECK(Ids(*store, Node("gpu-4")) == std::vector<int64_t>{sid});
  IncidentQuery q;
  q.alertname = "NodeDown";
  CHECK(Ids(*store, q) == std::vector<int64_t>{sid});
  q = {};
  q.fingerprint = "s3";
  CHECK(Ids(*store, q) == std::vector<int64_t>{sid});
}

TEST_CASE("IncidentStore: a version-10 store's alerts and diagnoses are indexed for search on open (schema 11)") {
  TempDir dir("vigil_search_test");
  const std::string path = (dir.path / "incidents.db").string();
  std::vector<int64_t> id;
  {
    auto store = OpenAt(path);
    id = FiveIncidents(*store);
  }
  {  // as a vigil before DEF8 left it: no search keys, version 10
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "DROP TABLE alert_keys; DROP TABLE incident_keys; DROP INDEX incidents_by_start; "
                             "PRAGMA user_version=10",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  auto store = OpenAt(path);
  CHECK(Ids(*store, Node("node-3")) == std::vector<int64_t>{id[4], id[1], id[0]});
  IncidentQuery q;
  q.alertname = "HighTemp";
  CHECK(Ids(*store, q) == std::vector<int64_t>{id[3]});
  // The plan reads the index, not every row (EXPLAIN QUERY PLAN).
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "EXPLAIN QUERY PLAN SELECT id FROM incidents WHERE starts_at_ms >= 5", -1, &s,
                             nullptr) == SQLITE_OK);
  std::string plan;
  while (sqlite3_step(s) == SQLITE_ROW) plan += reinterpret_cast<const char*>(sqlite3_column_text(s, 3));
  sqlite3_finalize(s);
  sqlite3_close(db);
  CHECK(plan.find("incidents_by_start") != std::string::npos);
}

TEST_CASE("GET /api/v1/incidents: fingerprint, node, alertname, since, until, limit; bad input named") {
  TestServer s;
  const auto id = FiveIncidents(*s.store);
  auto c = s.Client();
  auto ids = [&](const std::string& query) {
    auto r = c.Get("/api/v1/incidents?" + query);
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, r->body);
    std::vector<int64_t> out;
    auto body = ParseJson(r->body, "body");
    REQUIRE(body.ok());
    for (const Json& i : (*body)["incidents"]) out.push_back(i["id"].get<int64_t>());
    return out;
  };
  CHECK(ids("node=node-3") == std::vector<int64_t>{id[4], id[1], id[0]});
  CHECK(ids("node=node-3&alertname=GPUXidError") == std::vector<int64_t>{id[0]});
  CHECK(ids("fingerprint=f4") == std::vector<int64_t>{id[3]});
  const std::string since = FormatRfc3339Ms(kT0 + 3'600'000), until = FormatRfc3339Ms(kT0 + 7'200'000);
  CHECK(ids("since=" + since + "&until=" + until) == std::vector<int64_t>{id[2], id[1]});
  CHECK(ids("since=" + std::to_string((kT0 + 7'200'000) / 1000)) == std::vector<int64_t>{id[4], id[3], id[2]});
  // A +02:00 zone whose + the query string made a space, and one sent as %2B.
  CHECK(ids("until=" + FormatRfc3339Ms(kT0 + 7'200'000).substr(0, 19) + "%2B00:00") ==
        std::vector<int64_t>{id[2], id[1], id[0]});
  CHECK(ids("until=" + FormatRfc3339Ms(kT0 + 7'200'000).substr(0, 19) + "+00:00") ==
        std::vector<int64_t>{id[2], id[1], id[0]});
  CHECK(ids("node=node-3&state=diagnosed&limit=1") == std::vector<int64_t>{id[4]});

  auto expect = [&](const std::string& query, const std::string& where, const std::string& text) {
    auto r = c.Get("/api/v1/incidents?" + query);
    REQUIRE(r);
    CHECK_MESSAGE(r->status == 400, query);
    auto body = ParseJson(r->body, "body");
    REQUIRE(body.ok());
    CHECK_MESSAGE((*body)["where"] == where, query, " ", r->body);
    CHECK_MESSAGE((*body)["error"].get<std::string>().find(text) != std::string::npos, query, " ", r->body);
  };
  expect("nodes=node-3", "query.nodes", "unknown query parameter `nodes`; accepted: status (or state), fingerprint, node");
  expect("since=yesterday", "query.since", "`yesterday` is not a time: give RFC 3339");
  expect("until=2026-13-01T00:00:00Z", "query.until", "is not a time");
  expect("since=99999999999999", "query.since", "unix seconds up to");
  expect("since=2026-12-02T00:00:00Z&until=2026-12-01T00:00:00Z", "query.since",
         "2026-12-02T00:00:00Z is after until 2026-12-01T00:00:00Z");
  expect("limit=0", "query.limit", "from 1 to 1000, got `0`");
  expect("limit=-3", "query.limit", "got `-3`");
  expect("limit=100000", "query.limit", "got `100000`");
  expect("node=node-3'%3B%20DROP%20TABLE%20incidents%3B--", "query.node", "is not a host name or address");
  expect("alertname=X'%20OR%20'1'%3D'1", "query.alertname", "is not an alert name");
  expect("fingerprint=%22f1%22", "query.fingerprint", "is not a fingerprint");
  expect("node=", "query.node", "is not a host name");
  expect("node=:9100", "query.node", "names no host");
  expect("node=a&node=b", "query.node", "given twice");
  expect("state=done", "query.state", "unknown status `done`");
  CHECK(s.store->List("", 10)->size() == 5);  // nothing dropped
}

}  // namespace vigil
