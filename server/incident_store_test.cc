// IncidentStore: intake (dedupe by fingerprint + startsAt, resolved notifications, the bounded
// queue), the triage state machine, restart recovery, listing.
#include "server/incident_store.h"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "connectors/alertmanager.h"
#include "core/time_util.h"
#include "knowledge/temp_dir_testing.h"
#include "server/triage_workers.h"

namespace vigil {
namespace {

Alert Firing(std::string fingerprint, int64_t starts_at_ms, std::string rule = "GpuXid") {
  Alert a;
  a.fingerprint = std::move(fingerprint);
  a.rule = std::move(rule);
  a.severity = "critical";
  a.labels = {{"alertname", a.rule}, {"Hostname", "node-3"}, {"gpu", "5"}};
  a.annotations = {{"summary", "XID 79 on node-3 gpu 5"}};
  a.state = AlertState::kFiring;
  a.starts_at_ms = starts_at_ms;
  a.active_at_ms = starts_at_ms;
  return a;
}

Alert Resolved(Alert a, int64_t ends_at_ms) {
  a.state = AlertState::kResolved;
  a.ends_at_ms = ends_at_ms;
  return a;
}

std::unique_ptr<IncidentStore> OpenStore(const TempDir& dir, size_t queue_max = 100, int64_t* now = nullptr) {
  IncidentStoreOptions o;
  o.path = (dir.path / "incidents.db").string();
  o.queue_max = queue_max;
  if (now) o.now_ms = [now] { return *now; };
  auto store = IncidentStore::Open(o);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  return std::move(*store);
}

}  // namespace

TEST_CASE("IncidentStore: a firing alert is queued once; Alertmanager's repeat is a duplicate") {
  TempDir dir("vigil_serve_test");
  int64_t now = 1'800'000'000'000;
  auto store = OpenStore(dir, 100, &now);
  auto first = store->Intake({Firing("aa01", 1'799'999'000'000)});
  REQUIRE(first.ok());
  REQUIRE(first->created.size() == 1);
  CHECK(first->duplicates.empty());
  now += 4 * 3600 * 1000;  // repeat_interval later, the same alert again
  auto again = store->Intake({Firing("aa01", 1'799'999'000'000)});
  REQUIRE(again.ok());
  CHECK(again->created.empty());
  CHECK(again->duplicates == first->created);
  // The same fingerprint firing again later (a new startsAt) is a new incident.
  auto refire = store->Intake({Firing("aa01", 1'800'000'500'000)});
  REQUIRE(refire.ok());
  CHECK(refire->created.size() == 1);
  auto all = store->List("", 50);
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2);
  CHECK(all->at(0).id == refire->created[0]);  // newest first
  CHECK(all->at(1).state == "queued");
  CHECK(all->at(1).received_ms == 1'800'000'000'000);  // the first notification's time, kept
  CHECK(all->at(1).alert.annotations.at("summary") == "XID 79 on node-3 gpu 5");
  CHECK(all->at(1).rule == "GpuXid");
}

TEST_CASE("IncidentStore: a resolved notification marks its incident; an unseen one opens none (RV10)") {
  TempDir dir("vigil_serve_test");
  auto store = OpenStore(dir);
  auto first = store->Intake({Firing("bb02", 1000)});
  REQUIRE(first.ok());
  auto resolved = store->Intake({Resolved(Firing("bb02", 1000), 9000)});
  REQUIRE(resolved.ok());
  CHECK(resolved->created.empty());
  CHECK(resolved->resolved == first->created);
  auto row = store->Get(first->created[0]);
  REQUIRE(row.ok());
  CHECK(row->resolved_at_ms == 9000);
  CHECK(row->state == "queued");  // still diagnosed: on call wants to know why it fired
  // Resolved again (Alertmanager repeats resolved notifications too): a duplicate, time kept.
  auto twice = store->Intake({Resolved(Firing("bb02", 1000), 9500)});
  REQUIRE(twice.ok());
  CHECK(twice->duplicates == first->created);
  CHECK(store->Get(first->created[0])->resolved_at_ms == 9000);
  // Never seen firing (vigil was down): no incident opened, nothing triaged (RV10; before: recorded,
  // queued and resolved), said in resolved_unseen.
  auto unseen = store->Intake({Resolved(Firing("cc03", 2000), 7000)});
  REQUIRE(unseen.ok());
  CHECK(unseen->created.empty());
  CHECK(unseen->resolved_unseen.size() == 1);
  auto listed = store->List("stopped", 10);  // the alert's end; "resolved" is a recorded fix (DEF5)
  REQUIRE(listed.ok());
  CHECK(listed->size() == 1);
  CHECK(store->List("resolved", 10)->empty());
  CHECK(store->List("firing", 10)->empty());
  CHECK(*store->CountStoppedFiring() == 1);
  CHECK(*store->CountResolved() == 0);  // no resolution recorded (DEF6: before, the alert's end: 2)
}

TEST_CASE("IncidentStore: the queue is bounded and a request that would overflow it records nothing") {
  TempDir dir("vigil_serve_test");
  auto store = OpenStore(dir, 3);
  REQUIRE(store->Intake({Firing("q1", 1), Firing("q2", 1)}).ok());
  auto over = store->Intake({Firing("q3", 1), Firing("q4", 1)});
  REQUIRE_FALSE(over.ok());
  CHECK(over.status().code() == StatusCode::kResourceExhausted);
  CHECK(over.status().message().find("queue is full") != std::string::npos);
  CHECK(over.status().message().find("--queue-max") != std::string::npos);
  CHECK(store->List("", 10)->size() == 2);  // q3 was not kept either: all or nothing
  // Duplicates do not count against the queue; the request fits once one is taken.
  auto dup = store->Intake({Firing("q1", 1), Firing("q3", 1)});
  REQUIRE(dup.ok());
  CHECK(dup->created.size() == 1);
  auto claimed = store->ClaimNext();
  REQUIRE(claimed.ok());
  REQUIRE(claimed->has_value());
  CHECK(store->Intake({Firing("q4", 1)}).ok());
}

TEST_CASE("IncidentStore: claim, finish, fail; a restart queues what was running") {
  TempDir dir("vigil_serve_test");
  int64_t first_id = 0, second_id = 0, third_id = 0;
  {
    auto store = OpenStore(dir);
    auto in = store->Intake({Firing("r1", 10), Firing("r2", 20), Firing("r3", 30)});
    REQUIRE(in.ok());
    first_id = in->created[0];
    second_id = in->created[1];
    third_id = in->created[2];
    auto a = store->ClaimNext();
    REQUIRE((a.ok() && a->has_value()));
    CHECK((*a)->id == first_id);  // oldest first
    CHECK((*a)->state == "running");
    CHECK((*a)->attempts == 1);
    REQUIRE(store->Finish(first_id, Json{{"case_id", "alert/GpuXid/f00d"}, {"root_cause", "xid_79"}}, 1.5).ok());
    auto b = store->ClaimNext();
    REQUIRE((b.ok() && b->has_value()));
    REQUIRE(store->Fail(second_id, "knowledge base: disk I/O error", 0.25).ok());
    auto c = store->ClaimNext();  // r3 is running when the process "dies"
    REQUIRE((c.ok() && c->has_value()));
    CHECK(store->Finish(first_id, Json::object(), 1).code() == StatusCode::kFailedPrecondition);  // not running
    auto none = store->ClaimNext();
    REQUIRE(none.ok());
    CHECK_FALSE(none->has_value());
  }
  auto store = OpenStore(dir);
  CHECK(store->recovered_on_open() == 1);
  // A second process (here: a second Open) on the same file is refused while this one runs, so it
  // cannot queue again what this one is triaging.
  IncidentStoreOptions second;
  second.path = (dir.path / "incidents.db").string();
  auto refused = IncidentStore::Open(second);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("is in use by another process") != std::string::npos);
  auto r3 = store->Get(third_id);
  REQUIRE(r3.ok());
  CHECK(r3->state == "queued");
  auto done = store->Get(first_id);
  REQUIRE(done.ok());
  CHECK(done->state == "diagnosed");
  CHECK(done->diagnosis["root_cause"] == "xid_79");
  CHECK(done->triage_seconds == 1.5);
  CHECK(done->ToJson(false)["root_cause"] == "xid_79");
  auto failed = store->Get(second_id);
  REQUIRE(failed.ok());
  CHECK(failed->state == "failed");
  CHECK(failed->error == "knowledge base: disk I/O error");
  auto again = store->ClaimNext();
  REQUIRE((again.ok() && again->has_value()));
  CHECK((*again)->id == third_id);
  CHECK((*again)->attempts == 2);
  auto counts = store->CountByState();
  REQUIRE(counts.ok());
  CHECK(counts->at("diagnosed") == 1);
  CHECK(counts->at("failed") == 1);
  CHECK(counts->at("running") == 1);
  CHECK(counts->at("queued") == 0);
}

TEST_CASE("IncidentStore: bad filters, unknown ids, alerts without a fingerprint, a file that is not SQLite") {
  TempDir dir("vigil_serve_test");
  auto store = OpenStore(dir);
  auto bad = store->List("done", 10);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
  CHECK(bad.status().message() == "unknown status `done`; accepted: queued, running, diagnosed, failed, resolved, stopped, firing, open");
  auto missing = store->Get(4242);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK(missing.status().message() == "no incident 4242");
  // No fingerprint: one from the labels, the same for the same labels.
  auto a = store->Intake({Firing("", 5)});
  auto b = store->Intake({Firing("", 5)});
  REQUIRE((a.ok() && b.ok()));
  CHECK(a->created.size() == 1);
  CHECK(b->duplicates == a->created);
  CHECK(store->Get(a->created[0])->fingerprint.size() == 16);

  const auto junk = dir.path / "junk.db";
  REQUIRE(WriteFileAtomic(junk.string(), std::string(4096, 'x')).ok());
  IncidentStoreOptions o;
  o.path = junk.string();
  auto opened = IncidentStore::Open(o);
  REQUIRE_FALSE(opened.ok());
  CHECK_MESSAGE(opened.status().message().find(junk.string()) != std::string::npos, opened.status().message());
  o.path = (dir.path / "no-such-dir" / "incidents.db").string();
  auto nodir = IncidentStore::Open(o);
  REQUIRE_FALSE(nodir.ok());
  CHECK(nodir.status().message().find("cannot open incident store") != std::string::npos);
}

TEST_CASE("IncidentStore: a row whose alert cannot be read is data loss, and is not left running") {
  TempDir dir("vigil_serve_test");
  {
    auto store = OpenStore(dir);
    REQUIRE(store->Intake({Firing("good", 5)}).ok());
  }
  {  // a damaged or hand-edited database
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((dir.path / "incidents.db").string().c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "INSERT INTO incidents(fingerprint, starts_at_ms, rule, state, alert_json, "
                             "received_ms, updated_ms) VALUES('bad', 1, 'R', 'queued', '{not json', 1, 1)",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  auto store = OpenStore(dir);
  auto listed = store->List("", 10);
  REQUIRE_FALSE(listed.ok());
  // Was InvalidArgument, which GET /api/v1/incidents answered as 400 "query.status".
  CHECK(listed.status().code() == StatusCode::kDataLoss);
  CHECK(listed.status().message().find("incident 2 alert_json") != std::string::npos);
  auto first = store->ClaimNext();  // the good one (id 1)
  REQUIRE((first.ok() && first->has_value()));
  CHECK((*first)->id == 1);
  auto second = store->ClaimNext();
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == StatusCode::kDataLoss);
  // Marked failed with the reason, not left running (it was claimed again after every restart).
  auto counts = store->CountByState();
  REQUIRE(counts.ok());
  CHECK(counts->at("running") == 1);  // the good one only
  CHECK(counts->at("failed") == 1);
  auto none = store->ClaimNext();
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
}

TEST_CASE("TriageWorkers: every queued incident is triaged once; failures and exceptions are stored") {
  TempDir dir("vigil_serve_test");
  auto store = OpenStore(dir);
  std::vector<Alert> alerts;
  for (int i = 0; i < 12; ++i) {
    std::string n = std::to_string(i);  // not "w" + ...: GCC 12's -Wrestrict false positive
    alerts.push_back(Firing(std::string("w").append(n), 100 + i, std::string("Rule").append(n)));
  }
  REQUIRE(store->Intake(alerts).ok());
  std::mutex mu;
  std::multiset<std::string> seen;
  std::atomic<int> done{0};
  TriageWorkersOptions o;
  o.store = store.get();
  o.workers = 3;
  o.poll_ms = 20;
  o.retry_backoff_ms = {};  // no retries here: the retry cases are below
  o.triage = [&](const Alert& a) -> Result<Json> {
    {
      std::lock_guard lock(mu);
      seen.insert(a.fingerprint);
    }
    if (a.rule == "Rule3") return UnavailableError("Prometheus at http://p:9090 did not answer");
    if (a.rule == "Rule4") throw std::runtime_error("boom");
    return Json{{"case_id", "alert/" + a.rule}, {"root_cause", "gpu_xid"}};
  };
  o.on_done = [&](std::string_view, double) { ++done; };
  TriageWorkers workers(o);
  workers.Start();
  for (int i = 0; i < 500 && done < 12; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  workers.Stop();
  CHECK(done == 12);
  CHECK(seen.size() == 12);
  CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == 12);  // none twice
  auto counts = store->CountByState();
  REQUIRE(counts.ok());
  CHECK(counts->at("diagnosed") == 10);
  CHECK(counts->at("failed") == 2);
  auto failed = store->List("failed", 10);
  REQUIRE(failed.ok());
  std::set<std::string> errors;
  for (const auto& r : *failed) errors.insert(r.error);
  CHECK(errors == std::set<std::string>{"Prometheus at http://p:9090 did not answer", "internal error: boom"});
}

// RV2 (2026-12-06): a triage `vigil serve` ended past --stop-wait is queued again due now, its attempt
// not counted (Retry counted it: two stops mid-triage and one failure failed the incident for good).
TEST_CASE("rv2 IncidentStore: Interrupt queues a stopped triage again at once, its attempt not counted") {
  TempDir dir("vigil_serve_test");
  int64_t now = 1'000'000;
  auto store = OpenStore(dir, 100, &now);
  REQUIRE(store->Intake({Firing("r1", 1)}).ok());
  for (int stop = 0; stop < 3; ++stop) {
    auto c = store->ClaimNext();
    REQUIRE((c.ok() && c->has_value()));
    CHECK((*c)->attempts == 1);  // each claim after an interrupt is the first attempt again
    REQUIRE(store->Interrupt(1, "interrupted: vigil serve stopped (SIGTERM)", 2.0).ok());
    auto row = store->Get(1);
    REQUIRE(row.ok());
    CHECK(row->state == "queued");
    CHECK(row->attempts == 0);
    CHECK(row->error == "interrupted: vigil serve stopped (SIGTERM)");
    CHECK(row->retry_at_ms == now);  // due at once
  }
  CHECK(store->Interrupt(1, "x", 0).code() == StatusCode::kFailedPrecondition);  // queued, not running
}

TEST_CASE("IncidentStore: Retry queues a failed attempt again with its error, not claimed before its time") {
  TempDir dir("vigil_serve_test");
  int64_t now = 1'000'000;
  auto store = OpenStore(dir, 100, &now);
  REQUIRE(store->Intake({Firing("r1", 1)}).ok());
  auto c = store->ClaimNext();
  REQUIRE((c.ok() && c->has_value()));
  REQUIRE(store->Retry(1, "Prometheus at http://p:9090 did not answer", 1.5, 30'000).ok());
  auto row = store->Get(1);
  REQUIRE(row.ok());
  CHECK(row->state == "queued");
  CHECK(row->attempts == 1);
  CHECK(row->error == "Prometheus at http://p:9090 did not answer");
  CHECK(row->retry_at_ms == 1'030'000);
  const Json j = row->ToJson(false);
  CHECK(j["error"] == "Prometheus at http://p:9090 did not answer");
  CHECK(j["retry_at"] == FormatRfc3339Ms(1'030'000));
  CHECK(j["attempts"] == 1);
  now += 29'999;
  c = store->ClaimNext();
  REQUIRE(c.ok());
  CHECK_FALSE(c->has_value());  // not due yet
  now += 1;
  c = store->ClaimNext();
  REQUIRE((c.ok() && c->has_value()));
  CHECK((*c)->attempts == 2);
  CHECK(store->Retry(1, "x", 0, 1).ok());
  CHECK(store->Retry(1, "x", 0, 1).code() == StatusCode::kFailedPrecondition);  // queued, not running
  now += 1;
  c = store->ClaimNext();
  REQUIRE((c.ok() && c->has_value()));
  REQUIRE(store->Finish(1, Json{{"root_cause", "gpu_xid"}}, 0.5).ok());
  row = store->Get(1);
  CHECK(row->state == "diagnosed");
  CHECK(row->error.empty());  // the last attempt succeeded
  CHECK(row->attempts == 3);
  CHECK_FALSE(row->ToJson(false).contains("retry_at"));
}

TEST_CASE("TriageWorkers: a failed triage is retried after 30 s and 2 min (3 attempts); bad input is not") {
  TempDir dir("vigil_serve_test");
  std::atomic<int64_t> now{5'000'000};
  IncidentStoreOptions so;
  so.path = (dir.path / "incidents.db").string();
  so.now_ms = [&now] { return now.load(); };
  auto opened = IncidentStore::Open(so);
  REQUIRE(opened.ok());
  auto& store = *opened;
  REQUIRE(store->Intake({Firing("flaky", 1, "Flaky"), Firing("bad", 2, "Bad"), Firing("down", 3, "Down")}).ok());
  std::mutex mu;
  std::map<std::string, int> calls;
  std::vector<std::string> outcomes;
  std::atomic<int> done{0};
  TriageWorkersOptions o;
  o.store = store.get();
  o.workers = 2;
  o.poll_ms = 20;  // the default backoff, {30 s, 2 min}, on the store's fake clock
  o.triage = [&](const Alert& a) -> Result<Json> {
    int n;
    {
      std::lock_guard lock(mu);
      n = ++calls[a.rule];
    }
    if (a.rule == "Bad") return InvalidArgumentError("alert: no Hostname label");
    if (a.rule == "Down" || n < 3) return UnavailableError("Prometheus did not answer (call " + std::to_string(n) + ")");
    return Json{{"root_cause", "gpu_xid"}};
  };
  o.on_done = [&](std::string_view outcome, double) {
    std::lock_guard lock(mu);
    outcomes.emplace_back(outcome);
    ++done;
  };
  auto wait_done = [&](int n) {
    for (int i = 0; i < 500 && done < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return done.load();
  };
  TriageWorkers workers(o);
  workers.Start();
  REQUIRE(wait_done(3) == 3);
  auto get = [&](int64_t id) {
    auto r = store->Get(id);
    REQUIRE(r.ok());
    return *r;
  };
  CHECK(get(1).state == "queued");
  CHECK(get(1).attempts == 1);
  CHECK(get(1).error == "Prometheus did not answer (call 1)");
  CHECK(get(1).retry_at_ms == 5'030'000);
  CHECK(get(2).state == "failed");  // bad input: not retried
  CHECK(get(2).attempts == 1);
  CHECK(get(2).error == "alert: no Hostname label");
  CHECK(get(3).state == "queued");

  now += 29'000;  // not due: nothing runs
  workers.Notify();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(done == 3);
  now += 1'000;
  workers.Notify();
  REQUIRE(wait_done(5) == 5);
  CHECK(get(1).state == "queued");
  CHECK(get(1).attempts == 2);
  CHECK(get(1).error == "Prometheus did not answer (call 2)");
  CHECK(get(1).retry_at_ms == 5'030'000 + 120'000);

  now += 120'000;
  workers.Notify();
  REQUIRE(wait_done(7) == 7);
  workers.Stop();
  CHECK(get(1).state == "diagnosed");
  CHECK(get(1).attempts == 3);
  CHECK(get(1).error.empty());
  CHECK(get(3).state == "failed");  // 3 attempts: the last error stays
  CHECK(get(3).attempts == 3);
  CHECK(get(3).error == "Prometheus did not answer (call 3)");
  CHECK(calls["Bad"] == 1);
  std::multiset<std::string> counted(outcomes.begin(), outcomes.end());
  CHECK(counted.count("retried") == 4);
  CHECK(counted.count("failed") == 2);
  CHECK(counted.count("diagnosed") == 1);
}

TEST_CASE("TriageWorkers: Notify wakes an idle worker at once; Stop lets the triage in flight finish") {
  TempDir dir("vigil_serve_test");
  auto store = OpenStore(dir);
  std::atomic<bool> started{false}, release{false};
  TriageWorkersOptions o;
  o.store = store.get();
  o.workers = 1;
  o.poll_ms = 60'000;  // only Notify can wake it within the test
  o.triage = [&](const Alert&) -> Result<Json> {
    started = true;
    while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return Json{{"ok", true}};
  };
  TriageWorkers workers(o);
  workers.Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the worker is asleep now
  auto in = store->Intake({Firing("n1", 1)});
  REQUIRE(in.ok());
  workers.Notify();
  for (int i = 0; i < 300 && !started; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(started);
  CHECK(workers.busy() == 1);
  std::thread stopper([&] { workers.Stop(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  release = true;
  stopper.join();
  CHECK(store->Get(in->created[0])->state == "diagnosed");
}

}  // namespace vigil

namespace vigil {
namespace {

IncidentResolution Resolution(std::string root_cause, std::string resolution, std::string by = "ana") {
  IncidentResolution r;
  r.root_cause = std::move(root_cause);
  r.summary = "GPU 5 of node-3 fell off the bus";
  r.resolution = std::move(resolution);
  r.by = std::move(by);
  return r;
}

// The incidents schema exactly as vigil wrote it before resolutions (schema version 1, c262f87 to
// db1ee07), so a database of that version is made here without the current code.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE incidents(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  fingerprint TEXT NOT NULL,
  starts_at_ms INTEGER NOT NULL,
  rule TEXT NOT NULL,
  severity TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL CHECK(state IN ('queued', 'running', 'diagnosed', 'failed')),
  alert_json TEXT NOT NULL,
  received_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  resolved_at_ms INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  triage_seconds REAL NOT NULL DEFAULT 0,
  diagnosis_json TEXT,
  UNIQUE(fingerprint, starts_at_ms));
CREATE INDEX incidents_by_state ON incidents(state, id);
PRAGMA user_version=1;
)sql";

int64_t UserVersion(const std::string& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(s) == SQLITE_ROW);
  const int64_t v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  sqlite3_close(db);
  return v;
}

}  // namespace

TEST_CASE("IncidentStore: a resolution is taken once triage finished, replaced by a later post, kept on reopen") {
  TempDir dir("vigil_serve_test");
  int64_t now = 1'800'000'000'000;
  int64_t diagnosed_id = 0, failed_id = 0, queued_id = 0;
  {
    auto store = OpenStore(dir, 100, &now);
    auto in = store->Intake({Firing("s1", 10), Firing("s2", 20), Firing("s3", 30)});
    REQUIRE(in.ok());
    diagnosed_id = in->created[0];
    failed_id = in->created[1];
    queued_id = in->created[2];
    // Queued, then running: refused (the triage has not finished), nothing stored.
    auto refused = store->SetResolution(diagnosed_id, Resolution("gpu_fallen_off_bus", "reseated"));
    CHECK(refused.code() == StatusCode::kFailedPrecondition);
    CHECK(refused.message().find("is queued") != std::string::npos);
    REQUIRE(store->ClaimNext().ok());
    CHECK(store->SetResolution(diagnosed_id, Resolution("gpu_fallen_off_bus", "x")).code() ==
          StatusCode::kFailedPrecondition);
    CHECK_FALSE(store->Get(diagnosed_id)->resolution.has_value());
    Json diagnosis{{"root_cause", "nvlink_error"},
                   {"hypotheses", Json::array({Json{{"category", "nvlink_error"}},
                                               Json{{"category", "gpu_fallen_off_bus"}}})}};
    REQUIRE(store->Finish(diagnosed_id, diagnosis, 1).ok());
    REQUIRE(store->ClaimNext().ok());
    REQUIRE(store->Fail(failed_id, "no knowledge base", 1).ok());
    CHECK(store->SetResolution(999, Resolution("gpu_fallen_off_bus", "x")).code() == StatusCode::kNotFound);
    CHECK(store->SetResolutionKb(diagnosed_id, "kb-1", "").code() == StatusCode::kNotFound);  // none yet

    REQUIRE(store->SetResolution(diagnosed_id, Resolution("gpu_fallen_off_bus", "reseated the GPU")).ok());
    REQUIRE(store->SetResolutionKb(diagnosed_id, "vigil-serve-incident-1", "").ok());
    REQUIRE(store->SetResolution(failed_id, Resolution("host_oom", "raised the memory limit", "bo")).ok());
    now += 60'000;
    // Posting again replaces the first; the KB id is kept until the import says otherwise.
    REQUIRE(store->SetResolution(diagnosed_id, Resolution("gpu_fallen_off_bus", "replaced the GPU", "cy")).ok());
    REQUIRE(store->SetResolutionKb(failed_id, "", "knowledge base: disk full").ok());
  }
  auto store = OpenStore(dir, 100, &now);
  auto d = store->Get(diagnosed_id);
  REQUIRE(d.ok());
  REQUIRE(d->resolution.has_value());
  CHECK(d->resolution->resolution == "replaced the GPU");
  CHECK(d->resolution->by == "cy");
  CHECK(d->resolution->posted_ms == 1'800'000'060'000);
  CHECK(d->resolution->kb_id == "vigil-serve-incident-1");
  const Json full = d->ToJson(true);
  CHECK(full["resolution"]["root_cause"] == "gpu_fallen_off_bus");
  CHECK(full["resolution"]["knowledge_base"]["id"] == "vigil-serve-incident-1");
  CHECK(full["resolution"]["diagnosis_agreed"]["agreed"] == false);
  CHECK(full["resolution"]["diagnosis_agreed"]["diagnosed_root_cause"] == "nvlink_error");
  CHECK(full["resolution"]["diagnosis_agreed"]["hypothesis_rank"] == 2);
  CHECK(d->ToJson(false)["resolution_root_cause"] == "gpu_fallen_off_bus");
  auto f = store->Get(failed_id);
  REQUIRE((f.ok() && f->resolution.has_value()));
  CHECK(f->resolution->kb_error == "knowledge base: disk full");
  CHECK(f->ToJson(true)["resolution"]["knowledge_base"]["error"] == "knowledge base: disk full");
  CHECK(f->ToJson(true)["resolution"]["diagnosis_agreed"]["diagnosed_root_cause"].is_null());
  // List and ClaimNext still read rows with and without a resolution.
  auto all = store->List("", 10);
  REQUIRE(all.ok());
  REQUIRE(all->size() == 3);
  CHECK_FALSE(all->at(0).resolution.has_value());  // queued_id, newest
  CHECK(all->at(2).resolution->by == "cy");
  auto diagnosed = store->List("diagnosed", 10);
  REQUIRE((diagnosed.ok() && diagnosed->size() == 1));
  auto next = store->ClaimNext();
  REQUIRE((next.ok() && next->has_value()));
  CHECK((*next)->id == queued_id);
}

TEST_CASE("IncidentStore: a version-1 database (before resolutions) opens, keeps its rows and takes resolutions") {
  TempDir dir("vigil_serve_test");
  const std::string path = (dir.path / "incidents.db").string();
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    char* err = nullptr;
    REQUIRE_MESSAGE(sqlite3_exec(db, kSchemaV1, nullptr, nullptr, &err) == SQLITE_OK, (err ? err : ""));
    Alert a = Firing("old1", 1000);
    const std::string alert_json = Json(a).dump();
    const std::string insert =
        "INSERT INTO incidents(fingerprint, starts_at_ms, rule, severity, state, alert_json, received_ms, "
        "updated_ms, attempts, triage_seconds, diagnosis_json) VALUES('old1', 1000, 'GpuXid', 'critical', "
        "'diagnosed', '" + alert_json + "', 5, 6, 1, 2.5, '{\"root_cause\": \"gpu_fallen_off_bus\"}')";
    REQUIRE_MESSAGE(sqlite3_exec(db, insert.c_str(), nullptr, nullptr, &err) == SQLITE_OK, (err ? err : ""));
    sqlite3_close(db);
  }
  REQUIRE(UserVersion(path) == 1);
  {
    auto store = OpenStore(dir);
    auto row = store->Get(1);
    REQUIRE(row.ok());
    CHECK(row->state == "diagnosed");
    CHECK(row->alert.annotations.at("summary") == "XID 79 on node-3 gpu 5");
    CHECK(row->diagnosis["root_cause"] == "gpu_fallen_off_bus");
    CHECK_FALSE(row->resolution.has_value());
    CHECK(row->ToJson(true)["resolution"].is_null());
    REQUIRE(store->SetResolution(1, Resolution("gpu_fallen_off_bus", "reseated")).ok());
    CHECK(store->Get(1)->ToJson(true)["resolution"]["diagnosis_agreed"]["agreed"] == true);
    auto more = store->Intake({Firing("new1", 2000)});
    REQUIRE(more.ok());
    CHECK(more->created == std::vector<int64_t>{2});
    auto claimed = store->ClaimNext();  // retry_at_ms (version 3) was added: 0, due at once
    REQUIRE((claimed.ok() && claimed->has_value()));
    CHECK((*claimed)->id == 2);
    CHECK((*claimed)->retry_at_ms == 0);
  }
  CHECK(UserVersion(path) == 11);
  auto store = OpenStore(dir);
  CHECK(store->Get(1)->resolution->resolution == "reseated");
}

TEST_CASE("IncidentStore: a database of a newer schema than this vigil reads is refused, not changed") {
  TempDir dir("vigil_serve_test");
  const std::string path = (dir.path / "incidents.db").string();
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "PRAGMA user_version=12", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  IncidentStoreOptions o;
  o.path = path;
  auto store = IncidentStore::Open(o);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().message().find("schema version 12, written by a newer vigil (this one reads 11)") !=
        std::string::npos);
  CHECK(UserVersion(path) == 12);
}

TEST_CASE("ResolutionAgreement: agreed, rank among hypotheses, no diagnosis") {
  Json d{{"root_cause", "ib_link_failure"},
         {"hypotheses", Json::array({Json{{"category", "ib_link_failure"}}, Json{{"category", "nvlink_error"}}})}};
  CHECK(ResolutionAgreement(d, "ib_link_failure") ==
        Json{{"diagnosed_root_cause", "ib_link_failure"}, {"agreed", true}, {"hypothesis_rank", 1}});
  CHECK(ResolutionAgreement(d, "nvlink_error")["hypothesis_rank"] == 2);
  CHECK(ResolutionAgreement(d, "host_oom")["hypothesis_rank"].is_null());
  CHECK(ResolutionAgreement(d, "host_oom")["agreed"] == false);
  CHECK(ResolutionAgreement(Json(nullptr), "host_oom")["diagnosed_root_cause"].is_null());
  CHECK(ResolutionAgreement(Json{{"root_cause", 7}}, "host_oom")["agreed"] == false);  // not a string: read as none
}

}  // namespace vigil

namespace vigil {

TEST_CASE("IncidentStore: incidents.db written by vigil serve before resolutions (testdata) opens and migrates") {
  // server/testdata/incidents_v1.db: `build/bin/vigil serve --no-probes` (the lead's build of
  // 2026-12-01 04:18, schema version 1) after one Alertmanager webhook, diagnosed, then SIGTERM.
  TempDir dir("vigil_serve_test");
  std::filesystem::copy_file("server/testdata/incidents_v1.db", dir.path / "incidents.db");
  REQUIRE(UserVersion((dir.path / "incidents.db").string()) == 1);
  {
    auto store = OpenStore(dir);
    CHECK(store->recovered_on_open() == 0);
    auto row = store->Get(1);
    REQUIRE_MESSAGE(row.ok(), row.status().ToString());
    CHECK(row->state == "diagnosed");
    CHECK(row->fingerprint == "v1fp0001");
    CHECK(row->alert.labels.at("Hostname") == "node-3");
    CHECK(row->diagnosis["case_id"] == "alert/GpuXidError/v1fp0001");
    CHECK_FALSE(row->resolution.has_value());
    REQUIRE(store->SetResolution(1, Resolution("gpu_fallen_off_bus", "replaced GPU 5")).ok());
    auto rows = store->List("diagnosed", 10);
    REQUIRE((rows.ok() && rows->size() == 1));
    CHECK(rows->at(0).ToJson(false)["resolution_root_cause"] == "gpu_fallen_off_bus");
  }
  CHECK(UserVersion((dir.path / "incidents.db").string()) == 11);
  auto store = OpenStore(dir);
  CHECK(store->Get(1)->resolution->resolution == "replaced GPU 5");
  // No resolution had been imported before the migration: it got a store id (kept on reopen).
  CHECK(store->store_id().size() == 16);
}

}  // namespace vigil

namespace vigil {

TEST_CASE("IncidentStore: incidents.db written by vigil serve at schema version 2 (testdata) migrates to 3") {
  // review RV-S: server/testdata/incidents_v2.db: `vigil serve --no-probes` built at 8d3d910 (schema
  // version 2, before retries), one Alertmanager webhook (fingerprint v2fp0001) diagnosed, a
  // resolution posted (imported as vigil-serve-incident-1), then SIGTERM (2026-12-01 10:03).
  TempDir dir("vigil_serve_test");
  std::filesystem::copy_file("server/testdata/incidents_v2.db", dir.path / "incidents.db");
  REQUIRE(UserVersion((dir.path / "incidents.db").string()) == 2);
  int64_t now = 1'900'000'000'000;
  {
    auto store = OpenStore(dir, 100, &now);
    auto row = store->Get(1);
    REQUIRE_MESSAGE(row.ok(), row.status().ToString());
    CHECK(row->state == "diagnosed");
    CHECK(row->fingerprint == "v2fp0001");
    CHECK(row->retry_at_ms == 0);
    CHECK(row->storm_key.empty());  // version 5 (STORM): an old row is an incident of one alert,
    CHECK(row->batch == 1);         // its own batch
    REQUIRE(row->resolution.has_value());
    CHECK(row->resolution->root_cause == "gpu_fallen_off_bus");
    CHECK(row->resolution->kb_id == "vigil-serve-incident-1");
    // It had imported a resolution under the old name: no store id, new entries keep that form
    // (vigil-serve-incident-2 next), so its own entry is not duplicated under a new name.
    CHECK(store->store_id().empty());
    CHECK(KnowledgeIncidentId(store->store_id(), 2) == "vigil-serve-incident-2");
    // A new incident is claimed, retried and claimed again when due on the migrated file.
    REQUIRE(store->Intake({Firing("after-migration", 1'000)}).ok());
    auto claimed = store->ClaimNext();
    REQUIRE((claimed.ok() && claimed->has_value()));
    CHECK((*claimed)->id == 2);
    REQUIRE(store->Retry(2, "Prometheus did not answer", 1, 30'000).ok());
    CHECK(store->ClaimNext()->has_value() == false);
    now += 30'000;
    auto again = store->ClaimNext();
    REQUIRE((again.ok() && again->has_value()));
    CHECK((*again)->attempts == 2);
  }
  CHECK(UserVersion((dir.path / "incidents.db").string()) == 11);
  auto store = OpenStore(dir);
  CHECK(store->store_id().empty());  // kept as decided on the first open
  CHECK(store->Get(1)->resolution->resolution == "reseated the GPU");
  CHECK(store->Get(2)->state == "queued");  // running when the store closed: queued again on open
}

}  // namespace vigil

namespace vigil {

TEST_CASE("IncidentStore: a new database gets a random store id, kept on reopen; another database gets another") {
  TempDir a("vigil_serve_test"), b("vigil_serve_test");
  std::string id_a;
  {
    auto store = OpenStore(a);
    id_a = store->store_id();
    REQUIRE(id_a.size() == 16);
    CHECK(id_a.find_first_not_of("0123456789abcdef") == std::string::npos);
  }
  CHECK(OpenStore(a)->store_id() == id_a);
  CHECK(OpenStore(b)->store_id() != id_a);
  CHECK(KnowledgeIncidentId(id_a, 7) == "vigil-serve-" + id_a + "-incident-7");
}

// The list is what people read to see what broke (RVFIX2, 2026-12-03): a job-wide answer's
// component stays `job` for machines and gets `component_text` in words; the confidence is rounded
// to 2 decimals there; the incident itself keeps its diagnosis as stored.
TEST_CASE("IncidentStore: the list's headline says a job-wide component in words and rounds the confidence (RVFIX2)") {
  TempDir dir("vigil_serve_test");
  auto store = OpenStore(dir);
  REQUIRE(store->Intake({Firing("j1", 1'000), Firing("g2", 2'000)}).ok());
  int64_t job_id = 0, gpu_id = 0;
  for (int i = 0; i < 2; ++i) {
    auto c = store->ClaimNext();
    REQUIRE((c.ok() && c->has_value()));
    const bool is_job = (*c)->fingerprint == "j1";
    (is_job ? job_id : gpu_id) = (*c)->id;
    REQUIRE(store->Finish((*c)->id, Json{{"root_cause", "nccl_collective_hang"},
                                          {"component", is_job ? "job" : "node-3/gpu5"},
                                          {"confidence", is_job ? 0.9083333333333333 : 0.875}}, 1.0).ok());
  }
  auto job = store->Get(job_id);
  REQUIRE(job.ok());
  const Json list = job->ToJson(false);
  CHECK(list["component"] == "job");
  CHECK(list["component_text"] == "the whole job (no single component)");
  CHECK(list["confidence"].dump() == "0.91");
  CHECK(job->ToJson(true)["diagnosis"]["confidence"] == 0.9083333333333333);  // the record as stored
  auto gpu = store->Get(gpu_id);
  REQUIRE(gpu.ok());
  CHECK(gpu->ToJson(false)["component_text"] == "node-3/gpu5");
  CHECK(gpu->ToJson(false)["confidence"].dump() == "0.88");
}

// An unknown root cause has no place (OPS3, 2026-12-03): its component is the leading hypothesis'
// (`job` for a GPU temperature alert read without metrics), and the list said "the whole job".
TEST_CASE("IncidentStore: the list says an unknown root cause's place is not determined, not the whole job (OPS3)") {
  TempDir dir("vigil_serve_test");
  auto store = OpenStore(dir);
  REQUIRE(store->Intake({Firing("u1", 1'000)}).ok());
  auto c = store->ClaimNext();
  REQUIRE((c.ok() && c->has_value()));
  REQUIRE(store->Finish((*c)->id, Json{{"root_cause", "unknown"}, {"component", "job"}, {"confidence", 0.0959}}, 1.0).ok());
  auto inc = store->Get((*c)->id);
  REQUIRE(inc.ok());
  const Json list = inc->ToJson(false);
  CHECK(list["component"] == "job");  // for machines, as stored
  CHECK(list["component_text"] == "not determined (root cause unknown)");
}

// An alert sent without startsAt (a hand-made sender; Go's zero time from an old Alertmanager) has
// starts_at_ms 0: the incident said `"starts_at": "1970-01-01T00:00:00Z"`, a date nobody sent (OPS3,
// 2026-12-03). It is null, as resolved_at is when unset.
TEST_CASE("IncidentStore: an alert without startsAt has starts_at null, not 1970 (OPS3)") {
  TempDir dir("vigil_serve_test");
  auto store = OpenStore(dir);
  REQUIRE(store->Intake({Firing("z1", 0), Firing("s2", 1'796'000'000'000)}).ok());
  auto list = store->List("", 10);
  REQUIRE(list.ok());
  REQUIRE(list->size() == 2);
  for (const StoredIncident& inc : *list) {
    CAPTURE(inc.fingerprint);
    if (inc.fingerprint == "z1") {
      CHECK(inc.ToJson(false)["starts_at"].is_null());
      CHECK(inc.ToJson(true)["starts_at"].is_null());
    } else {
      CHECK(inc.ToJson(false)["starts_at"] == "2026-11-30T00:53:20Z");
    }
  }
}

// The same firing alert sent again without startsAt (0) opened a second incident: dedupe matched
// only an identical startsAt (OPS3, 2026-12-03). It is the open instance of its fingerprint; a
// resolved one without startsAt resolves it; once nothing of it is open it is a new incident.
TEST_CASE("IncidentStore: an alert without startsAt is the open incident of its fingerprint, not a second (OPS3)") {
  TempDir dir("vigil_serve_test");
  int64_t now = 1'800'000'000'000;
  auto store = OpenStore(dir, 100, &now);
  auto first = store->Intake({Firing("b1b2", 1'799'999'000'000)});
  REQUIRE(first.ok());
  REQUIRE(first->created.size() == 1);
  auto again = store->Intake({Firing("b1b2", 0)});
  REQUIRE(again.ok());
  CHECK(again->created.empty());
  CHECK(again->duplicates == first->created);
  auto list = store->List("", 10);
  REQUIRE(list.ok());
  CHECK(list->size() == 1);
  auto resolved = store->Intake({Resolved(Firing("b1b2", 0), 1'799'999'500'000)});
  REQUIRE(resolved.ok());
  CHECK(resolved->created.empty());
  CHECK(resolved->resolved == first->created);
  auto later = store->Intake({Firing("b1b2", 0)});  // nothing of it open: a new incident
  REQUIRE(later.ok());
  CHECK(later->created.size() == 1);
  // A member of an open storm incident, sent again without startsAt: a duplicate of the storm.
  IntakeOptions storm;
  storm.storm_min_alerts = 2;
  Alert s1 = Firing("st1", 1'799'998'000'000), s2 = Firing("st2", 1'799'998'000'000);
  s2.labels["gpu"] = "6";
  auto st = store->Intake({s1, s2}, storm);
  REQUIRE(st.ok());
  REQUIRE(st->created.size() == 1);
  Alert s2_again = s2;
  s2_again.starts_at_ms = 0;
  auto dup = store->Intake({s2_again});
  REQUIRE(dup.ok());
  CHECK(dup->created.empty());
  CHECK(dup->duplicates == st->created);
}

// `?state=open` is the chat's "open incidents" (server/chat.cc IsOpen): the alert still fires and
// no resolution was posted; `firing` keeps every incident whose alert fires (OPS3, 2026-12-03).
TEST_CASE("IncidentStore: the open filter leaves out resolved alerts and posted resolutions (OPS3)") {
  TempDir dir("vigil_serve_test");
  int64_t now = 1'800'000'000'000;
  auto store = OpenStore(dir, 100, &now);
  auto in = store->Intake({Firing("o1", 10), Firing("o2", 20), Firing("o3", 30)});
  REQUIRE(in.ok());
  REQUIRE(in->created.size() == 3);
  const int64_t fixed = in->created[0], done = in->created[1], open = in->created[2];
  REQUIRE(store->ClaimNext().ok());
  REQUIRE(store->Finish(fixed, Json{{"root_cause", "gpu_fallen_off_bus"}}, 1).ok());
  REQUIRE(store->SetResolution(fixed, Resolution("gpu_fallen_off_bus", "reseated")).ok());
  REQUIRE(store->Intake({Resolved(Firing("o2", 20), 40)}).ok());
  auto ids = [&](std::string_view filter) {
    std::vector<int64_t> out;
    auto rows = store->List(filter, 10);
    REQUIRE(rows.ok());
    for (const StoredIncident& r : *rows) out.push_back(r.id);
    return out;
  };
  CHECK(ids("open") == std::vector<int64_t>{open});
  CHECK(ids("firing") == std::vector<int64_t>{open, fixed});
  // DEF5: "resolved" is a recorded resolution, as the chat's "resolved incidents"; the alert's end
  // is "stopped" (before, `resolved` listed `done`, whose alert ended with no fix recorded, and not
  // `fixed`).
  CHECK(ids("resolved") == std::vector<int64_t>{fixed});
  CHECK(ids("stopped") == std::vector<int64_t>{done});
  REQUIRE(store->Intake({Resolved(Firing("o1", 10), 50)}).ok());  // the fixed one's alert ends too
  CHECK(ids("resolved") == std::vector<int64_t>{fixed});
  CHECK(ids("stopped") == std::vector<int64_t>{done, fixed});  // newest first
}

}  // namespace vigil

namespace vigil {
namespace {

// DEF6: the fingerprints below are what vigil before DEF5 (ecf96fa^, connectors/alertmanager.cc
// Fnv1aHex, compiled on its own) computed for these label sets sent without a fingerprint; the
// new ones are what a real Alertmanager 0.25 answered for them (connectors/alertmanager_test.cc).
constexpr const char* kXidLabels =
    R"({"alertname":"GpuXidError","Hostname":"node-3","gpu":"5","xid":"79","severity":"critical"})";
constexpr const char* kXidPreDef5 = "bf3466a154fdac4e";
constexpr const char* kXidAlertmanager = "5ef07fd7b76a54cc";
constexpr const char* kALabels = R"({"alertname":"A","rack":"r7"})";

// The alert as a pre-DEF5 vigil parsed a webhook without `fingerprint`: labels, startsAt, and the
// fingerprint given (the old hash) in place of the one today's parser computes.
Alert ParsedAs(const std::string& labels, const std::string& status, const std::string& fingerprint = "") {
  const std::string body = R"({"version":"4","status":")" + status + R"(","alerts":[{"status":")" + status +
                           R"(","labels":)" + labels +
                           R"(,"startsAt":"2026-12-03T22:00:00Z","endsAt":"2026-12-03T22:30:00Z"}]})";
  auto w = ParseAlertmanagerWebhook(body);
  REQUIRE_MESSAGE(w.ok(), w.status().ToString());
  Alert a = w->alerts.at(0);
  if (!fingerprint.empty()) a.fingerprint = fingerprint;
  return a;
}

// Writes the store as the vigil of schema version 5 left it (the rows are Intake's own; only the
// fingerprint and the version are the old vigil's).
void MarkSchema5(const std::string& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "PRAGMA user_version=5", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

}  // namespace

TEST_CASE("IncidentStore: an alert stored by a vigil before DEF5 (its own fingerprint) joins that incident when sent again") {
  TempDir dir("vigil_serve_test");
  const std::string path = (dir.path / "incidents.db").string();
  int64_t old_id = 0, am_id = 0;
  {
    auto store = OpenStore(dir);
    auto in = store->Intake({ParsedAs(kXidLabels, "firing", kXidPreDef5),
                             ParsedAs(R"({"alertname":"NodeDown","Hostname":"node-9"})", "firing", "a1b2c3d4e5f60718")});
    REQUIRE((in.ok() && in->created.size() == 2));
    old_id = in->created[0];
    am_id = in->created[1];
  }
  MarkSchema5(path);
  auto store = OpenStore(dir);
  CHECK(UserVersion(path) == 11);
  auto old = store->Get(old_id);
  REQUIRE(old.ok());
  CHECK(old->fingerprint == kXidAlertmanager);        // the column,
  CHECK(old->alert.fingerprint == kXidAlertmanager);  // and the stored alert
  CHECK(old->alert.labels.at("xid") == "79");         // nothing else changed
  CHECK(store->Get(am_id)->fingerprint == "a1b2c3d4e5f60718");  // Alertmanager's own: kept
  // The same alert sent again without a fingerprint (amtool, a script), and through Alertmanager.
  auto again = store->Intake({ParsedAs(kXidLabels, "firing")});
  REQUIRE(again.ok());
  CHECK(again->created.empty());
  CHECK(again->duplicates == std::vector<int64_t>{old_id});
  auto via_am = store->Intake({ParsedAs(kXidLabels, "firing", kXidAlertmanager)});
  REQUIRE(via_am.ok());
  CHECK(via_am->duplicates == std::vector<int64_t>{old_id});
  auto resolved = store->Intake({ParsedAs(kXidLabels, "resolved")});
  REQUIRE(resolved.ok());
  CHECK(resolved->resolved == std::vector<int64_t>{old_id});
}

TEST_CASE("IncidentStore: a pre-DEF5 storm member is rewritten; a row whose new fingerprint is taken keeps its own") {
  TempDir dir("vigil_serve_test");
  const std::string path = (dir.path / "incidents.db").string();
  const std::string b_labels = R"({"alertname":"B","rack":"r7"})";
  int64_t storm_id = 0, old_id = 0, new_id = 0;
  {
    auto store = OpenStore(dir);
    IntakeOptions storm;
    storm.storm_min_alerts = 2;
    const Alert a = ParsedAs(kALabels, "firing"), b = ParsedAs(b_labels, "firing");
    auto in = store->Intake({ParsedAs(kALabels, "firing", PreDef5Fingerprint("A", a.labels)),
                             ParsedAs(b_labels, "firing", PreDef5Fingerprint("B", b.labels))},
                            storm);
    REQUIRE((in.ok() && in->storms.size() == 1));
    storm_id = in->storms[0].incident;
    // The old vigil stored the Xid alert; an upgraded vigil of schema 5 (before this migration)
    // opened it a second time under Alertmanager's fingerprint.
    auto twice = store->Intake({ParsedAs(kXidLabels, "firing", kXidPreDef5)});
    auto second = store->Intake({ParsedAs(kXidLabels, "firing")});
    REQUIRE((twice.ok() && second.ok() && twice->created.size() == 1 && second->created.size() == 1));
    old_id = twice->created[0];
    new_id = second->created[0];
  }
  MarkSchema5(path);
  auto store = OpenStore(dir);  // opens: the conflict is said in the log, nothing is lost
  CHECK(store->Get(old_id)->fingerprint == kXidPreDef5);
  CHECK(store->Get(new_id)->fingerprint == kXidAlertmanager);
  auto again = store->Intake({ParsedAs(kALabels, "firing"), ParsedAs(b_labels, "firing")});
  REQUIRE(again.ok());
  CHECK(again->created.empty());
  CHECK(again->duplicates == std::vector<int64_t>{storm_id});
  auto xid = store->Intake({ParsedAs(kXidLabels, "firing")});
  REQUIRE(xid.ok());
  CHECK(xid->duplicates == std::vector<int64_t>{new_id});
}

}  // namespace vigil

namespace vigil {

TEST_CASE("IncidentStore: a triage's verification record is kept with its incident and survives a reopen (VER4)") {
  TempDir dir("vigil_serve_test");
  int64_t id = 0, other = 0;
  {
    auto store = OpenStore(dir);
    auto in = store->Intake({Firing("v1", 10), Firing("v2", 20)});
    REQUIRE(in.ok());
    id = in->created[0];
    other = in->created[1];
    auto none = store->LoadVerification(id);
    REQUIRE(none.ok());
    CHECK_FALSE(none->has_value());
    CHECK(store->SaveVerification(999, Json::object()).code() == StatusCode::kNotFound);
    // The workers save the board's record once the triage ended (TriageWorkersOptions::board).
    VerificationBoard board;
    std::atomic<int> done{0};
    TriageWorkersOptions o;
    o.store = store.get();
    o.workers = 1;
    o.poll_ms = 20;
    o.board = &board;
    o.triage = [](const Alert&) -> Result<Json> {
      const TriageProgress p = CurrentTriageProgress();
      if (p.board == nullptr) return InternalError("no board set around the triage");
      p.board->Begin(p.incident, 60, 7.5, "local");
      const size_t s = p.board->StepStarted(p.incident, "gpu.health", "node-3/gpu5", 10);
      p.board->StepFinished(p.incident, s, MakeProbeResult("gpu.health", "node-3/gpu5", ProbeStatus::kFail, "XID 79"));
      return Json{{"root_cause", "gpu_fallen_off_bus"}};
    };
    o.on_done = [&](std::string_view, double) { ++done; };
    TriageWorkers workers(o);
    workers.Start();
    for (int i = 0; i < 500 && done < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    workers.Stop();
    REQUIRE(done == 2);
    auto saved = store->LoadVerification(id);
    REQUIRE(saved.ok());
    REQUIRE(saved->has_value());
    CHECK(**saved == *board.Get(id));
    // Saving again replaces it (a retry's record, a storm diagnosed again).
    REQUIRE(store->SaveVerification(other, Json{{"state", "retried"}}).ok());
    REQUIRE(store->SaveVerification(other, Json{{"state", "diagnosed"}}).ok());
  }
  auto store = OpenStore(dir);  // a restarted serve: a new, empty board, the same file
  auto kept = store->LoadVerification(id);
  REQUIRE(kept.ok());
  REQUIRE(kept->has_value());
  CHECK((**kept)["state"] == "diagnosed");
  CHECK((**kept)["done"][0]["probe"] == "gpu.health");
  CHECK((**kept)["done"][0]["status"] == "fail");
  CHECK((**kept)["budget_s"] == 60);
  auto replaced = store->LoadVerification(other);
  REQUIRE((replaced.ok() && replaced->has_value()));
  CHECK(**replaced == Json{{"state", "diagnosed"}});
}

}  // namespace vigil
