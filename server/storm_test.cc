// Alert storms in vigil serve (STORM, 2026-12-03): one Alertmanager notification of many alerts
// is grouped into a few incidents by what the alerts share, each triaged once over all its alerts;
// resends and resolutions update them; the webhook route takes a storm larger than --max-body; a
// small webhook's incident is not queued behind a storm's. server/testdata/storm_rack7_4nodes.json
// is `python3 bench/storm_webhook.py --nodes 4 --job-alert` (4 nodes x 8 GPUs x XidError,
// NVLinkDown, GPUMissing + NodeDown per node, and one TrainingJobStalled: 101 alerts).
#include <doctest/doctest.h>
#include <httplib.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "agents/alert_triage.h"
#include "agents/diagnosis_testing.h"
#include "connectors/alertmanager.h"
#include "knowledge/temp_dir_testing.h"
#include "server/http_api_testing.h"
#include "server/incident_store.h"
#include "server/storm_triage.h"

namespace vigil {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string StormBody() { return ReadFile("server/testdata/storm_rack7_4nodes.json"); }

std::vector<Alert> StormAlerts() {
  auto hook = ParseAlertmanagerWebhook(StormBody());
  REQUIRE_MESSAGE(hook.ok(), hook.status().ToString());
  return hook->alerts;
}

std::unique_ptr<IncidentStore> Open(const TempDir& dir, size_t queue_max = 100) {
  IncidentStoreOptions o;
  o.path = (dir.path / "incidents.db").string();
  o.queue_max = queue_max;
  auto store = IncidentStore::Open(o);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  return std::move(*store);
}

Alert NodeAlert(const std::string& fp, const std::string& node, Labels extra = {}) {
  Alert a;
  a.fingerprint = fp;
  a.rule = "NodeDown";
  a.severity = "critical";
  a.labels = {{"alertname", "NodeDown"}, {"Hostname", node}};
  for (auto& [k, v] : extra) a.labels[k] = v;
  a.state = AlertState::kFiring;
  a.starts_at_ms = 1'000'000;
  return a;
}

// "<prefix><i>", appended (GCC 12's -Wrestrict misfires on "x" + std::string).
std::string Named(const char* prefix, int i) {
  std::string s = prefix;
  s += std::to_string(i);
  return s;
}

IntakeOptions Storms(size_t n = 50) {
  IntakeOptions o;
  o.storm_min_alerts = n;
  return o;
}

}  // namespace

TEST_CASE("StormGroups: a rack label, also for the node's alerts without it; else all nodes; else the job") {
  std::vector<Alert> a = {NodeAlert("1", "n1", {{"rack", "r7"}}), NodeAlert("2", "n1"), NodeAlert("3", "n2"),
                          NodeAlert("4", "n3", {{"switch", "leaf-3"}})};
  Alert job;
  job.rule = "TrainingJobStalled";
  job.labels = {{"alertname", "TrainingJobStalled"}, {"job", "llama"}};
  a.push_back(job);
  Alert bare;
  bare.rule = "X";
  bare.labels = {{"alertname", "X"}};
  a.push_back(bare);
  CHECK(StormGroups(a) == std::vector<std::string>{"rack=r7", "rack=r7", "nodes", "switch=leaf-3", "job=llama", "other"});
}

TEST_CASE("IncidentStore: a storm webhook becomes one incident per group, every alert kept as a member") {
  TempDir dir("vigil_storm_test");
  auto store = Open(dir);
  const std::vector<Alert> alerts = StormAlerts();
  REQUIRE(alerts.size() == 101);
  {  // Without storm grouping (IntakeOptions{}: as before STORM): one incident per alert.
    TempDir d2("vigil_storm_test");
    auto r = Open(d2, 1000)->Intake(alerts);
    REQUIRE(r.ok());
    CHECK(r->created.size() == 101);
    CHECK(r->storms.empty());
  }
  auto r = store->Intake(alerts, Storms());
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  // The rack's 100 alerts (all on nodes, no rack label: "nodes") and the job's alert alone.
  REQUIRE(r->created.size() == 2);
  REQUIRE(r->storms.size() == 1);
  CHECK(r->storms[0].group == "nodes");
  CHECK(r->storms[0].new_alerts == 100);
  CHECK(r->storms[0].created);
  auto storm = store->Get(r->storms[0].incident);
  REQUIRE(storm.ok());
  CHECK(storm->storm_key == "nodes");
  CHECK(storm->members.size() == 100);
  CHECK(storm->storm_alerts == 100);
  CHECK(storm->storm_firing == 100);
  CHECK(storm->alert.rule == "XidError");  // the earliest alert leads (ties: the first)
  CHECK(storm->alert.labels.at("Hostname") == "rack7-node-00");
  CHECK(storm->rule == "storm: GPUMissing x32, NVLinkDown x32, XidError x32, NodeDown x4");
  CHECK(storm->severity == "critical");
  const Json listed = storm->ToJson(false);
  CHECK(listed["storm"] == Json{{"group", "nodes"}, {"alerts", 100}, {"firing", 100}, {"resolved", 0}});
  const Json full = storm->ToJson(true);
  REQUIRE(full["members"].size() == 100);
  CHECK(full["members"][0].contains("fingerprint"));
  CHECK(full["members"][0]["node"] == "rack7-node-00");
  const int64_t job_id = r->created[0] == storm->id ? r->created[1] : r->created[0];
  auto job = store->Get(job_id);
  REQUIRE(job.ok());
  CHECK(job->storm_key.empty());  // a group of one alert: an incident of its own, as today
  CHECK(job->rule == "TrainingJobStalled");

  // Alertmanager's resend of the group: duplicates, the storm incident named once.
  auto again = store->Intake(alerts, Storms());
  REQUIRE(again.ok());
  CHECK(again->created.empty());
  CHECK(std::set<int64_t>(again->duplicates.begin(), again->duplicates.end()) ==
        std::set<int64_t>{storm->id, job_id});
  CHECK(again->duplicates.size() == 2);

  // A new alert of the group in a later, small notification joins the open storm incident.
  std::vector<Alert> grown = {alerts[0], alerts[1], NodeAlert("fresh-node-down", "rack7-node-09")};
  auto joined = store->Intake(grown, Storms());
  REQUIRE(joined.ok());
  CHECK(joined->created.empty());
  REQUIRE(joined->storms.size() == 1);
  CHECK(joined->storms[0].incident == storm->id);
  CHECK_FALSE(joined->storms[0].created);
  CHECK(store->Get(storm->id)->storm_alerts == 101);

  // Resolved: the storm incident once its last alert is, at that alert's endsAt.
  std::vector<Alert> resolved;
  for (size_t i = 0; i < 100; ++i) {
    Alert a = alerts[i];
    a.state = AlertState::kResolved;
    a.ends_at_ms = a.starts_at_ms + 60'000 + static_cast<int64_t>(i);
    resolved.push_back(a);
  }
  auto some = store->Intake(resolved, Storms());
  REQUIRE(some.ok());
  CHECK(some->resolved.empty());  // the joined NodeDown still fires
  CHECK(store->Get(storm->id)->storm_firing == 1);
  CHECK(store->Get(storm->id)->resolved_at_ms == 0);
  Alert last = grown[2];
  last.state = AlertState::kResolved;
  last.ends_at_ms = alerts[0].starts_at_ms + 3'600'000;  // after every other member's
  auto all = store->Intake({last});
  REQUIRE(all.ok());
  CHECK(all->resolved == std::vector<int64_t>{storm->id});
  CHECK(store->Get(storm->id)->resolved_at_ms == last.ends_at_ms);
  CHECK(store->Get(storm->id)->ToJson(false)["storm"]["resolved"] == 101);
}

TEST_CASE("IncidentStore: a storm over two racks (rack labels) is two incidents; the answer is placed on the rack") {
  TempDir dir("vigil_storm_test");
  auto store = Open(dir);
  std::vector<Alert> alerts = StormAlerts();
  alerts.pop_back();  // the job's alert
  for (Alert& a : alerts) {  // dcgm-exporter's GPU alerts carry the rack; node_exporter's NodeDown does not
    if (a.rule == "NodeDown") continue;
    const std::string node = a.labels.at("Hostname");
    a.labels["rack"] = node < "rack7-node-02" ? "r7a" : "r7b";
  }
  auto r = store->Intake(alerts, Storms());
  REQUIRE(r.ok());
  REQUIRE(r->storms.size() == 2);
  CHECK(r->storms[0].group == "rack=r7a");
  CHECK(r->storms[0].new_alerts == 50);  // NodeDown of nodes 00, 01 with their GPUs' rack
  CHECK(r->storms[1].group == "rack=r7b");
  CHECK(r->storms[1].new_alerts == 50);
  auto claimed = store->ClaimNext();
  REQUIRE((claimed.ok() && claimed->has_value()));
  TriageOptions o;
  o.kb = &testing::ShippedPack();
  auto report = TriageStorm(**claimed, o);
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  CHECK((*report)["component"] == "rack=r7a");
  CHECK((*report)["summary"].get<std::string>().find("on 2 nodes, 25 per node") != std::string::npos);
  CHECK((*report)["summary"].get<std::string>().find("sharing rack=r7a, cluster=train-a") != std::string::npos);
}

TEST_CASE("IncidentStore: below the storm size a webhook is one incident per alert, as before") {
  TempDir dir("vigil_storm_test");
  auto store = Open(dir);
  std::vector<Alert> alerts = StormAlerts();
  alerts.resize(49);
  auto r = store->Intake(alerts, Storms(50));
  REQUIRE(r.ok());
  CHECK(r->created.size() == 49);
  CHECK(r->storms.empty());
  for (int64_t id : r->created) CHECK(store->Get(id)->storm_key.empty());
}

TEST_CASE("IncidentStore: the queue bound counts incidents: a storm of 101 alerts fits a queue of 5") {
  TempDir dir("vigil_storm_test");
  auto store = Open(dir, 5);
  auto r = store->Intake(StormAlerts(), Storms());
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->created.size() == 2);
  // Without grouping the same request is refused whole (as before).
  TempDir d2("vigil_storm_test");
  auto refused = Open(d2, 5)->Intake(StormAlerts());
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == StatusCode::kResourceExhausted);
}

TEST_CASE("IncidentStore: a small webhook's incident is claimed after one of an earlier large webhook's, not after all") {
  // Before STORM: FIFO by id, so the other webhook's incident waited behind all 30 (claimed 31st).
  TempDir dir("vigil_storm_test");
  auto store = Open(dir);
  std::vector<Alert> big;
  for (int i = 0; i < 30; ++i) big.push_back(NodeAlert(Named("big-", i), Named("n", i)));
  REQUIRE(store->Intake(big).ok());
  auto first = store->ClaimNext();
  REQUIRE((first.ok() && first->has_value()));
  CHECK((*first)->fingerprint == "big-0");
  auto other = store->Intake({NodeAlert("other", "other-node-1")});
  REQUIRE(other.ok());
  auto second = store->ClaimNext();
  REQUIRE((second.ok() && second->has_value()));
  CHECK((*second)->fingerprint == "other");
  // Then the large webhook's, oldest first; a third webhook's first goes before its third.
  CHECK((*store->ClaimNext())->fingerprint == "big-1");
  REQUIRE(store->Intake({NodeAlert("third", "other-node-2")}).ok());
  CHECK((*store->ClaimNext())->fingerprint == "third");
  CHECK((*store->ClaimNext())->fingerprint == "big-2");
}

TEST_CASE("IncidentStore: webhooks of one alert each are still claimed oldest first") {
  TempDir dir("vigil_storm_test");
  auto store = Open(dir);
  for (int i = 0; i < 5; ++i) REQUIRE(store->Intake({NodeAlert(Named("one-", i), "n")}).ok());
  for (int i = 0; i < 5; ++i) CHECK((*store->ClaimNext())->fingerprint == Named("one-", i));
}

TEST_CASE("HttpApi: a storm larger than --max-body is taken on the webhook route and grouped; other routes keep max_body") {
  const std::string body = StormBody();  // 71 KB
  TestServer s(100, true, 16 * 1024, 10, 5, nullptr, [](HttpApiOptions& o) {
    o.max_webhook_body = 1 << 20;
    o.intake.storm_min_alerts = 50;
  });
  auto c = s.Client();
  auto r = c.Post("/api/v1/alerts", body, "application/json");
  REQUIRE(r);
  REQUIRE_MESSAGE(r->status == 200, r->body);
  const Json j = Json::parse(r->body);
  CHECK(j["created"].size() == 2);
  REQUIRE(j["storms"].size() == 1);
  CHECK(j["storms"][0]["group"] == "nodes");
  CHECK(j["storms"][0]["new_alerts"] == 100);
  CHECK(s.queued_calls == 1);
  const int64_t id = j["storms"][0]["incident"].get<int64_t>();
  auto got = c.Get("/api/v1/incidents/" + std::to_string(id));
  REQUIRE(got);
  const Json incident = Json::parse(got->body);
  CHECK(incident["storm"]["alerts"] == 100);
  CHECK(incident["members"].size() == 100);
  // Another route: 413 at max_body, by Content-Length before the body is read.
  auto other = c.Post("/api/v1/diagnose", std::string(20 * 1024, ' '), "application/json");
  REQUIRE(other);
  CHECK(other->status == 413);
  CHECK(other->body.find("over the limit of 16384 bytes (vigil serve --max-body)") != std::string::npos);
  // Over the webhook's own limit: 413 naming it.
  auto huge = c.Post("/api/v1/alerts", std::string((1 << 20) + 10, ' '), "application/json");
  REQUIRE(huge);
  CHECK(huge->status == 413);
  CHECK(huge->body.find("over the limit of 1048576 bytes (vigil serve --max-webhook-body)") != std::string::npos);
  // What was accepted before is kept.
  CHECK(s.store->Get(id).ok());
}

TEST_CASE("TriageStorm: one diagnosis over the rack's 100 alerts names what they share and the counts") {
  TempDir dir("vigil_storm_test");
  auto store = Open(dir);
  auto r = store->Intake(StormAlerts(), Storms());
  REQUIRE(r.ok());
  REQUIRE(r->storms.size() == 1);
  auto claimed = store->ClaimNext();
  REQUIRE((claimed.ok() && claimed->has_value()));
  REQUIRE((*claimed)->id == r->storms[0].incident);  // the older incident of the request
  REQUIRE((*claimed)->members.size() == 100);
  const Json facts = StormFacts(**claimed);
  CHECK(facts["alerts"] == 100);
  CHECK(facts["nodes"] == 4);
  CHECK(facts["alerts_per_node"]["rack7-node-02"] == 25);
  CHECK(facts["shared_labels"] == Json{{"cluster", "train-a"}});
  CHECK(facts["node_name_prefix"] == "rack7-node-");
  CHECK(facts["earliest"]["alertname"] == "XidError");
  CHECK(facts["earliest"]["node"] == "rack7-node-00");
  TriageOptions o;
  o.kb = &testing::ShippedPack();
  auto case_ = BuildStormCase(**claimed, o);
  REQUIRE(case_.ok());
  size_t member_lines = 0;
  std::set<std::string> nodes;
  for (const CaseLog& l : case_->logs) {
    if (!l.source.ends_with("/alertmanager co-firing alerts")) continue;
    member_lines += l.lines.size();
    nodes.insert(l.source.substr(0, l.source.find('/')));
  }
  CHECK(member_lines == 99);  // every alert but the lead, which is the case's alert
  CHECK(nodes.size() == 4);
  // The members' nodes are the case's nodes, so the reasoner places each line on its own node
  // (before: topology null, every member's line read on the lead's node rack7-node-00).
  CHECK(case_->topology["nodes"] == Json::array({"rack7-node-00", "rack7-node-01", "rack7-node-02", "rack7-node-03"}));
  auto capped = BuildStormCase(**claimed, o, 10);
  REQUIRE(capped.ok());
  CHECK(Json(capped->notes).dump().find("89 of its alerts not read") != std::string::npos);
  auto report = TriageStorm(**claimed, o);
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  const Json& d = *report;
  CAPTURE(d["summary"]);
  CAPTURE(d["unverified"].dump(1));
  const std::string summary = d["summary"].get<std::string>();
  CHECK(summary.rfind("suspected (from the alerts alone, not verified): storm of 100 alerts on 4 nodes, 25 per node "
                      "(GPUMissing x32, NVLinkDown x32, XidError x32, NodeDown x4) sharing cluster=train-a, nodes named "
                      "rack7-node-*; earliest: XidError on rack7-node-00 GPU 0 at 2026-11-28T03:14:00Z: ",
                      0) == 0);
  // Alerts alone (no series, log or probe): capped as one alert's answer is; placed where the nodes meet.
  CHECK(d["confidence"].get<double>() <= 0.45);
  CHECK(d["component"] == "rack7-node-* (4 nodes)");
  CHECK(d["unverified"][0].get<std::string>().find("the answer is placed on rack7-node-* (4 nodes)") != std::string::npos);
  CHECK(d["unverified"][0].get<std::string>().find("point at what they share (cluster=train-a, nodes named "
                                                   "rack7-node-*)") != std::string::npos);
  CHECK(d["storm"]["alerts"] == 100);
  CHECK(d["case_id"].get<std::string>().rfind("storm/nodes/storm-", 0) == 0);
  CHECK(d["trace"][0]["agent"] == "storm_triage");
  CHECK(d["trace"][0]["member_lines"] == 99);
  // The answer reads the alerts' fault (Xid 79, GPUs gone) and not the lead's alone.
  CHECK(d["root_cause"] != "unknown");
  REQUIRE(store->Finish((*claimed)->id, d, 1.0).ok());
}


TEST_CASE("HttpApi: with a larger webhook limit, an extra route (the chat's) keeps max_body for a chunked body too") {
  // httplib's payload limit is the webhook's 1 MiB here, and a chunked body carries no
  // Content-Length to refuse it by before it is read: the route's own wrapper refuses it.
  TestServer s(
      100, true, 16 * 1024, 10, 5,
      [](WatchedRoutes r) {
        r.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
          res.set_content(std::to_string(req.body.size()), "text/plain");
        });
      },
      [](HttpApiOptions& o) { o.max_webhook_body = 1 << 20; });
  auto c = s.Client();
  auto chunked = [&](size_t n) {
    return c.Post(
        "/echo",
        [n, sent = size_t{0}](size_t, httplib::DataSink& sink) mutable {
          if (sent >= n) {
            sink.done();
            return true;
          }
          const std::string part(std::min<size_t>(4096, n - sent), 'x');
          sent += part.size();
          return sink.write(part.data(), part.size());
        },
        "application/json");
  };
  auto big = chunked(20 * 1024);
  REQUIRE(big);
  CHECK(big->status == 413);
  CHECK(big->body.find("over the limit of 16384 bytes (vigil serve --max-body)") != std::string::npos);
  auto small = chunked(8 * 1024);
  REQUIRE(small);
  CHECK(small->status == 200);
  CHECK(small->body == "8192");
}

}  // namespace vigil
