// vigil serve with Prometheus (AP): the webhook posted over HTTP to the real server and parser, then
// triaged as serve's workers do (MakeAlertTriage: TriageAlert with the metric source, the shipped
// knowledge pack, no probes), with a stand-in Prometheus (an in-memory MetricSource) that holds the
// node's node_exporter series and no XID series. tests/serve_alertmanager_test.sh runs serve with a
// real Alertmanager; this is the unit-level case of an alert whose fact only the alert carries.
// And with no Prometheus at all (AO): an alert naming its cause is triaged as diagnose --case does.
#include <doctest/doctest.h>
#include <httplib.h>

#include <string>
#include <vector>

#include "agents/alert_case_testing.h"
#include "agents/alert_triage.h"
#include "agents/case.h"
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
// `series` as its Prometheus (none: serve with no Prometheus) and --no-probes at `now_ms`; stores the
// answer; returns GET's diagnosis.
Json ServeTriage(const std::string& webhook, const std::vector<TimeSeries>* series, int64_t now_ms) {
  TestServer s;
  auto c = s.Client();
  auto posted = c.Post("/api/v1/alerts", webhook, "application/json");
  REQUIRE(posted);
  REQUIRE_MESSAGE(posted->status == 200, posted->body);
  auto claimed = s.store->ClaimNext();
  REQUIRE((claimed.ok() && claimed->has_value()));
  InMemoryMetricSource prometheus(series == nullptr ? std::vector<TimeSeries>{} : *series);
  TriageOptions o;
  o.kb = &testing::ShippedPack();
  o.metrics = series == nullptr ? nullptr : &prometheus;
  o.now_ms = now_ms;
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
  const std::vector<TimeSeries> series = NodeSeries(0);
  const Json d = ServeTriage(Xid95Webhook(), &series, kStart + 10 * kMinute);
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
  const std::vector<TimeSeries> series = NodeSeries(95);
  const Json d = ServeTriage(Xid95Webhook(), &series, kStart + 10 * kMinute);
  CAPTURE(d.dump(2));
  for (const Json& e : d["evidence"]) CHECK(e.value("source", std::string()).find("alertmanager alert") == std::string::npos);
}

// With no Prometheus (AO): alerts that name their cause - a Kubernetes OOMKilled container, a
// dcgm-exporter Xid 13 - triaged by serve give the answer `vigil diagnose --case` gives for the same
// alert (DiagnosisAgent on the case-file form): the same cause, place, confidence and fix, suspected
// from the alert alone.
Json OomKilledAlert() {
  return Json{{"status", "firing"},
              {"labels",
               {{"alertname", "KubePodOOMKilled"}, {"severity", "warning"}, {"namespace", "speech"},
                {"pod", "whisper-ft-worker-1"}, {"container", "trainer"}, {"node", "aks-nd96h100-0031"}}},
              {"annotations", {{"summary", "pod speech/whisper-ft-worker-1 container trainer OOMKilled (exit 137)"}}},
              {"startsAt", FormatRfc3339Ms(kStart)},
              {"endsAt", "0001-01-01T00:00:00Z"},
              {"generatorURL", "http://prometheus:9090/graph?g0.expr=kube_pod_container_status_last_terminated_reason"
                               "%7Breason%3D%22OOMKilled%22%7D+%3D%3D+1"},
              {"fingerprint", "oom-whisper-1"}};
}

Json Xid13Alert() {
  return Json{{"status", "firing"},
              {"labels",
               {{"alertname", "GPUXidError"}, {"severity", "critical"}, {"Hostname", "hgx-h200-r2-n09"}, {"gpu", "2"},
                {"job", "nvidia-dcgm-exporter"}, {"xid", "13"}}},
              {"annotations",
               {{"summary", "GPU Xid error on hgx-h200-r2-n09 GPU 2"},
                {"description", "GPU 2 on hgx-h200-r2-n09 reported Xid 13."}}},
              {"startsAt", FormatRfc3339Ms(kStart)},
              {"endsAt", "0001-01-01T00:00:00Z"},
              {"generatorURL", "http://prometheus:9090/graph?g0.expr=DCGM_FI_DEV_XID_ERRORS+%3E+0"},
              {"fingerprint", "xid13-n09-gpu2"}};
}

// The same alert as a case file (`vigil diagnose --case`, `vigil eval diagnose`).
Diagnosis CaseDiagnosis(const Json& alert) {
  auto c = ParseCase(Json{{"id", "ao"}, {"alert", alert}}, "ao.json");
  REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  return testing::DiagnoseWithShippedPack(*c).diagnosis;
}

void CheckServedAsCase(const Json& alert, const std::string& cause, const std::string& component) {
  const std::string webhook = Json{{"version", "4"},
                                   {"groupKey", "{}:{}"},
                                   {"status", "firing"},
                                   {"receiver", "vigil"},
                                   {"alerts", Json::array({alert})}}
                                  .dump();
  const Json served = ServeTriage(webhook, nullptr, kStart + 10 * kMinute);
  CAPTURE(served.dump(2));
  const Diagnosis d = CaseDiagnosis(alert);
  CHECK(served["root_cause"] == cause);
  CHECK(served["component"] == component);
  CHECK(d.root_cause == cause);
  CHECK(d.component == component);
  CHECK(served["confidence"].get<double>() == doctest::Approx(d.confidence).epsilon(1e-9));
  CHECK(served["confidence"].get<double>() > 0.2);
  CHECK(served["confidence"].get<double>() <= 0.45);
  CHECK(served["summary"].get<std::string>().rfind("suspected (from the alert alone, not verified)", 0) == 0);
  CHECK(served["unverified"].dump().find("only the alert was read") != std::string::npos);
  CHECK(served["mitigation"].get<std::string>() == d.mitigation);
  CHECK_FALSE(d.mitigation.empty());
}

TEST_CASE("serve, alert only (AO): a KubePodOOMKilled webhook is triaged host_oom on the pod's node, as diagnose --case") {
  CheckServedAsCase(OomKilledAlert(), "host_oom", "aks-nd96h100-0031");
}

TEST_CASE("serve, alert only (AO): an Xid 13 webhook is triaged illegal_memory_access on its GPU, as diagnose --case") {
  CheckServedAsCase(Xid13Alert(), "illegal_memory_access", "hgx-h200-r2-n09/gpu2");
}

}  // namespace
}  // namespace vigil
