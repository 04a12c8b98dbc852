// A storm's alert expressions are evaluated once each against Prometheus (STORM2, 2026-12-03;
// server/storm_triage.h): before, a storm's triage evaluated none (one alert's triage evaluates its
// own), so the series behind hundreds of alerts were never read.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "server/incident_store.h"
#include "server/storm_testing.h"
#include "server/storm_triage.h"

namespace vigil {
namespace {

constexpr int64_t kStart = 1'800'000'000'000;

Alert WithExpr(std::string fp, std::string rule, std::string node, std::string gpu, std::string encoded_expr) {
  Alert a;
  a.fingerprint = std::move(fp);
  a.rule = rule;
  a.severity = "critical";
  a.labels = {{"alertname", rule}, {"Hostname", node}, {"rack", "r1"}};
  if (!gpu.empty()) a.labels["gpu"] = gpu;
  a.annotations["summary"] = rule + " on " + node;
  if (!encoded_expr.empty()) {
    std::string url = "http://prometheus:9090/graph?g0.expr=";
    url += encoded_expr;
    url += "&g0.tab=1";
    a.explanation = Json{{"generator_url", url}};
  }
  a.state = AlertState::kFiring;
  a.starts_at_ms = kStart;
  return a;
}

}  // namespace

TEST_CASE("TriageStorm: each distinct alert expression of the storm is evaluated once, for every node's series") {
  std::vector<Alert> alerts;
  for (int n = 0; n < 2; ++n) {
    for (int g = 0; g < 4; ++g) {
      std::string fp = "xid-";
      fp += std::to_string(n);
      fp += "-";
      fp += std::to_string(g);
      Alert a = WithExpr(fp, "XidError", "rack1-node-" + std::to_string(n), std::to_string(g),
                         "DCGM_FI_DEV_XID_ERRORS%20%3E%200");
      a.starts_at_ms = kStart + 1000 * (n * 4 + g);  // the last one 7 s after the first
      alerts.push_back(a);
    }
  }
  alerts.push_back(WithExpr("down-0", "NodeDown", "rack1-node-0", "", "up%7Bjob%3D%22node%22%7D%20%3D%3D%200"));
  alerts.push_back(WithExpr("down-1", "NodeDown", "rack1-node-1", "", "up%7Bjob%3D%22node%22%7D%20%3D%3D%200"));
  alerts.push_back(WithExpr("plain", "GpuHot", "rack1-node-1", "3", ""));  // no generatorURL
  StoredIncident incident = testing::StormOf("rack=r1", alerts);
  incident.id = 7;

  std::vector<PromRangeQuery> asked;
  TriageOptions o;
  o.kb = &testing::ShippedPack();
  o.now_ms = kStart + 600'000;
  o.expression_source = "prometheus http://prometheus:9090";
  o.evaluate_expression = [&asked](const PromRangeQuery& q) -> Result<PromRangeResult> {
    asked.push_back(q);
    PromRangeResult r;
    if (q.query != "DCGM_FI_DEV_XID_ERRORS > 0") return r;  // NodeDown's: no series
    for (int n = 0; n < 2; ++n) {  // every GPU of both nodes, 79 from the storm's start
      for (int g = 0; g < 4; ++g) {
        TimeSeries s;
        s.name = "DCGM_FI_DEV_XID_ERRORS";
        s.labels = {{"Hostname", "rack1-node-" + std::to_string(n)}, {"gpu", std::to_string(g)}, {"rack", "r1"}};
        for (int64_t t = q.start_ms; t <= q.end_ms; t += q.step_ms) {
          s.timestamps_ms.push_back(t);
          s.values.push_back(t >= kStart - 15'000 ? 79 : 0);
        }
        r.series.push_back(std::move(s));
      }
    }
    return r;
  };
  auto report = TriageStorm(incident, o);
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  // Once per expression (not once per alert, and not none as before).
  REQUIRE(asked.size() == 2);
  CHECK(asked[0].query == "DCGM_FI_DEV_XID_ERRORS > 0");
  CHECK(asked[1].query == "up{job=\"node\"} == 0");
  // Over the window of the alerts carrying it: the earliest startsAt - lookback .. the latest + after.
  CHECK(asked[0].start_ms <= kStart - o.lookback_ms);
  CHECK(asked[0].start_ms > kStart - o.lookback_ms - asked[0].step_ms);
  CHECK((asked[0].end_ms - asked[0].start_ms) % asked[0].step_ms == 0);  // the last point at the window's end
  CHECK(asked[0].end_ms >= kStart + 7000);
  // Every node's series kept (not only the representative's node), as context (weight 0).
  int xid_rows = 0, node1 = 0;
  for (const Json& e : (*report)["evidence"]) {
    const std::string detail = e.value("detail", std::string());
    if (detail.find("alert expression `DCGM_FI_DEV_XID_ERRORS > 0` on") == std::string::npos) continue;
    ++xid_rows;
    CHECK(e["weight"] == 0);
    CHECK(detail.find("(once for the storm's 8 alerts): 79 at the earliest startsAt") != std::string::npos);
    if (detail.find("rack1-node-1") != std::string::npos) ++node1;
  }
  CHECK(xid_rows == 8);
  CHECK(node1 == 4);
  const Json& trace = (*report)["trace"][0];
  REQUIRE(trace["expressions"].size() == 2);
  CHECK(trace["expressions"][0]["alerts"] == 8);
  CHECK(trace["expressions"][0]["series_kept"] == 8);
  CHECK(trace["expressions"][1]["alerts"] == 2);
  CHECK(trace["expressions"][1]["series_returned"] == 0);
  // Context only: the answer still rests on the alerts alone (capped, marked suspected).
  CHECK((*report)["confidence"].get<double>() <= 0.45);

  // Without a Prometheus: nothing asked, the notes say why.
  TriageOptions bare;
  bare.kb = &testing::ShippedPack();
  auto alone = TriageStorm(incident, bare);
  REQUIRE(alone.ok());
  CHECK((*alone)["trace"][0]["expressions"].size() == 2);
  CHECK((*alone)["trace"][0]["expressions"][0]["series_returned"] == 0);
}

}  // namespace vigil
