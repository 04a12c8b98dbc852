// Test helpers shared by the alert-beside-evidence tests (diagnosis_alert_only_test.cc,
// fault_codes_test.cc): what Prometheus returns for an alert's node that holds no fault code; and the
// diagnosis agent over a case with the shipped pack and no probe results (diagnosis_ao_test.cc,
// server/serve_alert_with_metrics_test.cc too).
#ifndef VIGIL_AGENTS_ALERT_CASE_TESTING_H_
#define VIGIL_AGENTS_ALERT_CASE_TESTING_H_

#include <cstdint>

#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "core/json.h"

namespace vigil::testing {

// A node's series as Prometheus returns them for the alert's node gpu-7 (node_exporter's CPU
// seconds, ten one-minute samples), no XID series.
inline Json NodeCpuSeries() {
  Json pts = Json::array();
  for (int k = 0; k < 10; ++k) pts.push_back(Json::array({int64_t{1764490000000} + 60000 * k, 1000 + 50 * k}));
  return Json::array({Json{{"name", "node_cpu_seconds_total"},
                           {"labels", {{"instance", "10.0.0.7:9100"}, {"node", "gpu-7"}, {"cpu", "0"}, {"mode", "idle"}}},
                           {"samples", pts}}});
}

// DiagnosisAgent over `c` with the shipped pack, as `vigil diagnose --case` runs a case with no
// recorded probes: every probe answers `unavailable`. The test fails if the agent does.
inline DiagnosisReport DiagnoseWithShippedPack(const DiagnosisCase& c) {
  DiagnosisAgentOptions o;
  o.kb = &ShippedPack();
  RecordedExecutor exec;  // nothing recorded: every probe `unavailable`
  auto r = DiagnosisAgent(o).Diagnose(c, &exec);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return *r;
}

}  // namespace vigil::testing

#endif  // VIGIL_AGENTS_ALERT_CASE_TESTING_H_
