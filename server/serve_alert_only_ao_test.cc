// vigil serve with no Prometheus and no probes (AO): alerts that name their cause - a Kubernetes
// OOMKilled container, a dcgm-exporter Xid 13 - posted as Alertmanager webhooks over HTTP to the real
// server and parser, triaged as serve's workers do (TriageAlert: the shipped knowledge pack, no
// metric source, no probe executor), stored and read back through GET /api/v1/incidents/ID. The
// answer must be the one `vigil diagnose --case` gives for the same alert (DiagnosisAgent on the
// case file form): the same cause, place and confidence, suspected from the alert alone.
#include <doctest/doctest.h>
#include <httplib.h>

#include <string>

#include "agents/alert_triage.h"
#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "core/time_util.h"
#include "server/http_api_testing.h"

namespace vigil {
namespace {

constexpr int64_t kStart = 1'796'353'960'000;  // 2026-12-04T03:12:40Z

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

// Posts the webhook, claims the incident, triages it as serve's workers do with no Prometheus and
// --no-probes, stores the answer; returns GET's diagnosis.
Json ServeTriage(const Json& alert) {
  TestServer s;
  auto c = s.Client();
  const std::string body = Json{{"version", "4"},
                                {"groupKey", "{}:{}"},
                                {"status", "firing"},
                                {"receiver", "vigil"},
                                {"alerts", Json::array({alert})}}
                               .dump();
  auto posted = c.Post("/api/v1/alerts", body, "application/json");
  REQUIRE(posted);
  REQUIRE_MESSAGE(posted->status == 200, posted->body);
  auto claimed = s.store->ClaimNext();
  REQUIRE((claimed.ok() && claimed->has_value()));
  TriageOptions o;
  o.kb = &testing::ShippedPack();
  o.now_ms = kStart + 5 * 60'000;
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

// The same alert as a case file (`vigil diagnose --case`, `vigil eval diagnose`).
Diagnosis CaseDiagnosis(const Json& alert) {
  auto c = ParseCase(Json{{"id", "ao"}, {"alert", alert}}, "ao.json");
  REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  DiagnosisAgentOptions o;
  o.kb = &testing::ShippedPack();
  testing::RecordedExecutor exec;
  auto r = DiagnosisAgent(o).Diagnose(*c, &exec);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return r->diagnosis;
}

void CheckServedAsCase(const Json& alert, const std::string& cause, const std::string& component) {
  const Json served = ServeTriage(alert);
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
