// vigil serve with Prometheus (AP): the webhook posted over HTTP to the real server and parser, then
// triaged as serve's workers do (MakeAlertTriage: TriageAlert with the metric source, the shipped
// knowledge pack, no probes), with a stand-in Prometheus (an in-memory MetricSource) that holds the
// node's node_exporter series and no XID series. tests/serve_alertmanager_test.sh runs serve with a
// real Alertmanager; this is the unit-level case of an alert whose fact only the alert carries.
#include <doctest/doctest.h>
#include <httplib.h>

#include <string>
#include <vector>

#include "agents/alert_triage.h"
#include "agents/diagnosis_testing.h"
#include "connectors/metric_source.h"
#include "core/time_util.h"
#include "server/http_api_testing.h"

namespace vigil {
namespace {

constexpr int64_t kStart = 1'795'658'400'000;  // 2026-11-26T00:26:40Z
constexpr int64_t kMinute = 60'000;

// dcgm-exporter's Xid alert (kube-prometheus rule): the Xid in a label and in the text.
std::string Xid95Webhook() {
  Json alert{{"status", "firing"},
             {"labels",
              {{"alertname", "GPUXidError"}, {"severity", "critical"}, {"Hostname", "node-3"}, {"gpu", "5"},
               {"job", "nvidia-dcgm-exporter"}, {"xid", "95"}}},
             {"annotations",
              {{"summary", "GPU reported Xid 95 on node-3"}, {"description", "GPU 5 on node-3 reported XID 95 for 1m."}}},
             {"startsAt", FormatRfc3339Ms(kStart)},
             {"endsAt", "0001-01-01T00:00:00Z"},
             {"generatorURL", "http://prometheus:9090/graph?g0.expr=DCGM_FI_DEV_XID_ERRORS+%3E+0"},
             {"fingerprint", "xid95-node3-gpu5"}};
  return Json{{"version", "4"},
              {"groupKey", "{}:{alertname=\"GPUXidError\"}"},
              {"status", "firing"},
              {"receiver", "vigil"},
              {"alerts", Json::array({alert})}}
      .dump();
}

// node_exporter's series of node-3 (relabelled with `node`, as kube-prometheus does): CPU and memory
// over the triage window; `xid_value` > 0 adds dcgm-exporter's XID series of GPU 5 holding it.
std::vector<TimeSeries> NodeSeries(double xid_value) {
  std::vector<TimeSeries> out;
  TimeSeries cpu{"node_cpu_seconds_total", {{"instance", "10.0.0.3:9100"}, {"node", "node-3"}, {"cpu", "0"}, {"mode", "idle"}}, {}, {}, {}};
  TimeSeries mem{"node_memory_MemAvailable_bytes", {{"instance", "10.0.0.3:9100"}, {"node", "node-3"}}, {}, {}, {}};
  TimeSeries xid{"DCGM_FI_DEV_XID_ERRORS", {{"Hostname", "node-3"}, {"gpu", "5"}}, {}, {}, {}};
  for (int64_t t = kStart - 30 * kMinute, k = 0; t < kStart + 5 * kMinute; t += kMinute, ++k) {
    REQUIRE(cpu.Append(t, 1000.0 + 50.0 * static_cast<double>(k)).ok());
    REQUIRE(mem.Append(t, 900e9).ok());
    REQUIRE(xid.Append(t, t >= kStart - 2 * kMinute ? xid_value : 0).ok());
  }
  out.push_back(cpu);
  out.push_back(mem);
  if (xid_value > 0) out.push_back(xid);
  return out;
}

// Posts the webhook, claims the incident and triages it as serve's MakeAlertTriage does with
// `metrics` as its Prometheus and --no-probes; stores the answer; returns GET's body.
Json ServeTriage(const std::vector<TimeSeries>& series) {
  TestServer s;
  auto c = s.Client();
  auto posted = c.Post("/api/v1/alerts", Xid95Webhook(), "application/json");
  REQUIRE(posted);
  REQUIRE_MESSAGE(posted->status == 200, posted->body);
  auto claimed = s.store->ClaimNext();
  REQUIRE((claimed.ok() && claimed->has_value()));
  InMemoryMetricSource prometheus(series);
  TriageOptions o;
  o.kb = &testing::ShippedPack();
  o.metrics = &prometheus;
  o.now_ms = kStart + 10 * kMinute;
  auto report = TriageAlert((*claimed)->alert, o);
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  REQUIRE(s.store->Finish((*claimed)->id, report->ToJson(), 0.1).ok());
  auto got = c.Get("/api/v1/incidents/" + std::to_string((*claimed)->id));
  REQUIRE(got);
  REQUIRE(got->status == 200);
  auto j = ParseJson(got->body, "response");
  REQUIRE(j.ok());
  return (*j)["diagnosis"];
}

TEST_CASE("serve with Prometheus: node series without the Xid; the webhook's Xid 95 names uncorrectable ECC, suspected (AP)") {
  // Before AP: any series for the node kept the alert's own line out, and the Xid only the alert
  // carried fell back to the knowledge prior (`unknown`).
  const Json d = ServeTriage(NodeSeries(0));
  CAPTURE(d.dump(2));
  CHECK(d["root_cause"] == "gpu_memory_uncorrectable_ecc");
  CHECK(d["component"] == "node-3/gpu5");
  CHECK(d["confidence"].get<double>() > 0.2);
  CHECK(d["confidence"].get<double>() <= 0.45);
  CHECK(d["summary"].get<std::string>().rfind("suspected (from the alert alone, not verified)", 0) == 0);
  CHECK(d["mitigation"].get<std::string>().find("reset the GPU") != std::string::npos);
  CHECK(d["unverified"].dump().find("only the alert was read") != std::string::npos);
  bool alert_line = false;
  for (const Json& e : d["evidence"]) {
    alert_line = alert_line || e.value("source", std::string()).find("alertmanager alert") != std::string::npos;
  }
  CHECK(alert_line);
}

TEST_CASE("serve with Prometheus: the XID series of the alert's GPU holds the Xid: the alert's line is not added (AP)") {
  const Json d = ServeTriage(NodeSeries(95));
  CAPTURE(d.dump(2));
  for (const Json& e : d["evidence"]) CHECK(e.value("source", std::string()).find("alertmanager alert") == std::string::npos);
}

}  // namespace
}  // namespace vigil
