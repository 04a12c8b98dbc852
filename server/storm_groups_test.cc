// Storms of several Alertmanager groups at once, and storms whose alerts name their node by a
// Kubernetes or relay label (ALERTID2, 2026-12-03). A real Alertmanager sends one notification per
// group (`group_by: [rack]`): two racks failing at once are two storm incidents whose alerts share
// one rule and so one expression. Before ALERTID2 each storm's triage kept the other rack's series
// of that expression as its own context, and a storm of `kubernetes_node`-labelled alerts evaluated
// its expressions on the lead's node only (its own list of node labels lacked kubernetes_node).
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "knowledge/temp_dir_testing.h"
#include "server/incident_store.h"
#include "server/storm_testing.h"
#include "server/storm_triage.h"

namespace vigil {
namespace {

constexpr int64_t kStart = 1'800'000'000'000;

// "<prefix><i>", appended (GCC 12's -Wrestrict misfires on "x" + std::string).
std::string Named(const std::string& prefix, int i) {
  std::string s = prefix;
  s += std::to_string(i);
  return s;
}

// XidError on `node` GPU `gpu`, its node named under `node_key`, its rule's expression
// `DCGM_FI_DEV_XID_ERRORS > 0` in its generatorURL.
Alert Xid(const std::string& node_key, const std::string& node, int gpu, const std::string& rack) {
  Alert a;
  a.fingerprint = node;
  a.fingerprint += "-";
  a.fingerprint += std::to_string(gpu);
  a.rule = "XidError";
  a.severity = "critical";
  a.labels = {{"alertname", "XidError"}, {node_key, node}, {"gpu", std::to_string(gpu)}};
  if (!rack.empty()) a.labels["rack"] = rack;
  a.annotations["summary"] = "Xid 79 on " + node;
  a.explanation = Json{{"generator_url", "http://prometheus:9090/graph?g0.expr=DCGM_FI_DEV_XID_ERRORS%20%3E%200&g0.tab=1"}};
  a.state = AlertState::kFiring;
  a.starts_at_ms = kStart + gpu * 1000;
  return a;
}

// Prometheus answering `DCGM_FI_DEV_XID_ERRORS > 0` with every GPU of every node of `racks`
// (rack<R>-node-<N>, 2 nodes x 4 GPUs a rack), 79 throughout, its node under `node_key`.
TriageOptions Prometheus(const std::string& node_key, const std::vector<int>& racks) {
  TriageOptions o;
  o.kb = &testing::ShippedPack();
  o.now_ms = kStart + 600'000;
  o.expression_source = "prometheus http://prometheus:9090";
  o.evaluate_expression = [node_key, racks](const PromRangeQuery& q) -> Result<PromRangeResult> {
    PromRangeResult r;
    for (int rack : racks) {
      for (int n = 0; n < 2; ++n) {
        for (int g = 0; g < 4; ++g) {
          TimeSeries s;
          s.name = "DCGM_FI_DEV_XID_ERRORS";
          std::string node = Named("rack", rack);
          node += Named("-node-", n);
          s.labels = {{node_key, node}, {"gpu", std::to_string(g)}, {"rack", Named("r", rack)}};
          for (int64_t t = q.start_ms; t <= q.end_ms; t += q.step_ms) {
            s.timestamps_ms.push_back(t);
            s.values.push_back(79);
          }
          r.series.push_back(std::move(s));
        }
      }
    }
    return r;
  };
  return o;
}

std::vector<Alert> Rack(const std::string& node_key, int rack, bool with_rack_label = true) {
  std::vector<Alert> out;
  for (int n = 0; n < 2; ++n) {
    for (int g = 0; g < 4; ++g) {
      std::string node = Named("rack", rack);
      node += Named("-node-", n);
      out.push_back(Xid(node_key, node, g, with_rack_label ? Named("r", rack) : ""));
    }
  }
  return out;
}

// The nodes named in the storm report's expression context items.
std::set<std::string> ContextNodes(const Json& report) {
  std::set<std::string> nodes;
  for (const Json& e : report["evidence"]) {
    const std::string detail = e.value("detail", std::string());
    if (detail.find("alert expression `DCGM_FI_DEV_XID_ERRORS > 0` on") == std::string::npos) continue;
    const size_t at = detail.find("rack");
    if (at != std::string::npos) nodes.insert(detail.substr(at, detail.find('"', at) - at));
  }
  return nodes;
}

}  // namespace

TEST_CASE("TriageStorm: two racks' storms of one rule each keep their own rack's expression series (ALERTID2)") {
  const TriageOptions o = Prometheus("Hostname", {7, 8});
  auto r7 = TriageStorm(testing::StormOf("rack=r7", Rack("Hostname", 7)), o);
  REQUIRE_MESSAGE(r7.ok(), r7.status().ToString());
  CHECK(ContextNodes(*r7) == std::set<std::string>{"rack7-node-0", "rack7-node-1"});
  const Json& row = (*r7)["trace"][0]["expressions"][0];
  CHECK(row["series_returned"] == 16);
  CHECK(row["series_kept"] == 8);
  CHECK(row["series_of_other_groups"] == 8);
  bool said = false;
  for (const Json& u : (*r7)["unverified"]) {
    said = said || u.get<std::string>().find("8 of its 16 series are on nodes outside this storm or of another rack") !=
                       std::string::npos;
  }
  CHECK(said);
  auto r8 = TriageStorm(testing::StormOf("rack=r8", Rack("Hostname", 8)), o);
  REQUIRE(r8.ok());
  CHECK(ContextNodes(*r8) == std::set<std::string>{"rack8-node-0", "rack8-node-1"});
  CHECK((*r8)["component"] == "rack=r8");
  CHECK((*r7)["component"] == "rack=r7");
  CHECK((*r8)["storm"]["alerts_per_node"] == Json{{"rack8-node-0", 4}, {"rack8-node-1", 4}});

  // A storm grouped by its nodes (no rack label on the alerts): another group's nodes left out too.
  auto nodes = TriageStorm(testing::StormOf("nodes", Rack("Hostname", 7, false)), o);
  REQUIRE(nodes.ok());
  CHECK(ContextNodes(*nodes) == std::set<std::string>{"rack7-node-0", "rack7-node-1"});

  // The cap counts the storm's own series only: 8 of rack 7 with a cap of 8, none of rack 8.
  TriageOptions capped = o;
  capped.max_expression_series = 8;
  auto c7 = TriageStorm(testing::StormOf("rack=r7", Rack("Hostname", 7)), capped);
  REQUIRE(c7.ok());
  CHECK(ContextNodes(*c7) == std::set<std::string>{"rack7-node-0", "rack7-node-1"});
  CHECK((*c7)["trace"][0]["expressions"][0]["series_kept"] == 8);
}

TEST_CASE("storms: alerts naming their node by kubernetes_node group and read as Hostname-labelled ones (ALERTID2)") {
  for (const char* key : {"kubernetes_node", "exported_instance"}) {
    CAPTURE(key);
    const std::vector<Alert> by_key = Rack(key, 7, false), by_hostname = Rack("Hostname", 7, false);
    // Grouped alike: all on nodes, no topology label.
    CHECK(StormGroups(by_key) == StormGroups(by_hostname));
    const StoredIncident k = testing::StormOf("nodes", by_key), h = testing::StormOf("nodes", by_hostname);
    const Json fk = StormFacts(k), fh = StormFacts(h);
    CHECK(fk["nodes"] == 2);
    CHECK(fk["alerts_per_node"] == fh["alerts_per_node"]);
    CHECK(fk["node_name_prefix"] == fh["node_name_prefix"]);
    // The node label is each alert's own, never what the storm shares.
    CHECK(fk["shared_labels"] == fh["shared_labels"]);
    // One node's storm: its node is not "shared" either (a Hostname storm's is not).
    std::vector<Alert> one_node(by_key.begin(), by_key.begin() + 4);
    CHECK(StormFacts(testing::StormOf("nodes", one_node))["shared_labels"].count(key) == 0);
    // The expression read for every node of the storm, not only the lead's.
    auto rk = TriageStorm(k, Prometheus(key, {7}));
    auto rh = TriageStorm(h, Prometheus("Hostname", {7}));
    REQUIRE(rk.ok());
    REQUIRE(rh.ok());
    CHECK(ContextNodes(*rk) == std::set<std::string>{"rack7-node-0", "rack7-node-1"});
    CHECK((*rk)["trace"][0]["expressions"][0]["series_kept"] == (*rh)["trace"][0]["expressions"][0]["series_kept"]);
  }
}

TEST_CASE("IncidentStore: one notification whose alerts carry two racks is two storms, each resolving on its own (ALERTID2)") {
  TempDir dir("vigil_storm_groups_test");
  IncidentStoreOptions so;
  so.path = (dir.path / "incidents.db").string();
  auto store = IncidentStore::Open(so);
  REQUIRE(store.ok());
  IntakeOptions io;
  io.storm_min_alerts = 10;
  // `group_by: [cluster]`: one notification of both racks (8 + 8 alerts), and one alert with an
  // empty rack on a node of rack 7 (read as rack 7: the node's other alerts carry it).
  std::vector<Alert> alerts = Rack("Hostname", 7);
  for (const Alert& a : Rack("Hostname", 8)) alerts.push_back(a);
  Alert empty_rack = Xid("Hostname", "rack7-node-1", 5, "");
  empty_rack.labels["rack"] = "";
  alerts.push_back(empty_rack);
  auto r = (*store)->Intake(alerts, io);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  REQUIRE(r->storms.size() == 2);
  std::map<std::string, int64_t> id_of;
  for (const StormIntake& s : r->storms) id_of[s.group] = s.incident;
  REQUIRE(id_of.count("rack=r7"));
  REQUIRE(id_of.count("rack=r8"));
  auto s7 = (*store)->Get(id_of["rack=r7"]);
  auto s8 = (*store)->Get(id_of["rack=r8"]);
  REQUIRE(s7.ok());
  REQUIRE(s8.ok());
  CHECK(s7->members.size() == 9);
  CHECK(s8->members.size() == 8);
  for (const StormMember& m : s8->members) CHECK(m.alert.labels.at("rack") == "r8");
  // Rack 8 resolves; rack 7 stays open.
  std::vector<Alert> resolved = Rack("Hostname", 8);
  for (Alert& a : resolved) {
    a.state = AlertState::kResolved;
    a.ends_at_ms = kStart + 120'000;
  }
  auto rr = (*store)->Intake(resolved, io);
  REQUIRE(rr.ok());
  CHECK(rr->resolved == std::vector<int64_t>{id_of["rack=r8"]});
  CHECK((*store)->Get(id_of["rack=r8"])->resolved_at_ms == kStart + 120'000);
  CHECK((*store)->Get(id_of["rack=r7"])->resolved_at_ms == 0);
}

// A storm of alerts naming only their pod (KubePodCrashLooping from a relabelled kube-state-metrics:
// `exported_pod`, or `pod`): each member is placed on its pod's node from one kube_pod_info query, as
// alert triage places the lead (RVFIX2, 2026-12-03: only the lead was; the members' lines went under
// kube-state-metrics' address, their `instance`, and the case named no node of theirs).
TEST_CASE("BuildStormCase: members naming only their pod are placed on their pod's node (RVFIX2)") {
  std::vector<Alert> alerts;
  for (int i = 0; i < 6; ++i) {
    Alert a;
    a.fingerprint = Named("crash-", i);
    a.rule = "KubePodCrashLooping";
    a.severity = "warning";
    a.state = AlertState::kFiring;
    a.starts_at_ms = kStart + i * 1000;
    a.labels = {{"alertname", "KubePodCrashLooping"}, {"namespace", "monitoring"}, {"pod", "ksm-0"},
                {"exported_namespace", "ml"}, {"exported_pod", Named("trainer-", i)}, {"job", "kube-state-metrics"},
                {"instance", "10.244.9.2:8080"}};
    if (i % 2 == 1) {  // scraped without the relabelling: the subject's pod is `pod`
      a.labels.erase("exported_pod");
      a.labels.erase("exported_namespace");
      a.labels["pod"] = Named("trainer-", i);
      a.labels["namespace"] = "ml";
    }
    alerts.push_back(a);
  }
  StoredIncident incident = testing::StormOf("job=kube-state-metrics", alerts);
  std::vector<std::string> asked;
  TriageOptions o;
  o.kb = &testing::ShippedPack();
  o.node_names_source = "prometheus http://prom:9090";
  o.query_node_names = [&](const PromRangeQuery& q) -> Result<PromRangeResult> {
    asked.push_back(q.query);
    PromRangeResult r;
    if (q.query.rfind("kube_pod_info", 0) != 0) return r;
    for (int i = 0; i < 6; ++i) {  // trainer-i on gpu-node-(i / 2)
      TimeSeries s{"kube_pod_info", {{"exported_namespace", "ml"}, {"exported_pod", Named("trainer-", i)},
                                     {"namespace", "monitoring"}, {"pod", "ksm-0"}, {"node", Named("gpu-node-", i / 2)}},
                   {}, {}, {}};
      REQUIRE(s.Append(q.start_ms, 1).ok());
      r.series.push_back(s);
    }
    return r;
  };
  auto c = BuildStormCase(incident, o);
  REQUIRE(c.ok());
  std::set<std::string> sources;
  for (const CaseLog& l : c->logs) {
    if (l.source.ends_with("/alertmanager co-firing alerts")) sources.insert(l.source.substr(0, l.source.find('/')));
  }
  CHECK(sources == std::set<std::string>{"gpu-node-0", "gpu-node-1", "gpu-node-2"});
  CHECK(c->topology["nodes"] == Json::array({"gpu-node-0", "gpu-node-1", "gpu-node-2"}));
  CHECK(Json(c->notes).dump().find("storm: 6 of 6 alerts naming only their pod placed on their pod's node "
                                   "(kube_pod_info at prometheus http://prom:9090)") != std::string::npos);
  // One query for the members' pods (besides the lead's own lookup).
  CHECK(std::count_if(asked.begin(), asked.end(), [](const std::string& q) { return q.find("pod=~") != std::string::npos; }) == 1);
}

}  // namespace vigil
