// Test helpers shared by the symptom-prior tests (diagnosis_ao6_test.cc, diagnosis_plc18_test.cc): a case
// whose alert is the whole case (and, optionally, logs), an incident of a small store, the diagnosis agent
// over a knowledge base with no probes, and the prior's evidence item.
#ifndef VIGIL_AGENTS_SYMPTOM_PRIOR_TESTING_H_
#define VIGIL_AGENTS_SYMPTOM_PRIOR_TESTING_H_

#include <doctest/doctest.h>

#include <string>

#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "core/json.h"

namespace vigil::testing {

// A case of one alert (JSON text) and the log sources `logs_json` (a JSON array); named `id`.
inline DiagnosisCase SymptomAlertCase(const std::string& alert_json, const std::string& logs_json = "[]",
                                      const std::string& id = "ao6") {
  auto alert = ParseJson(alert_json);
  REQUIRE_MESSAGE(alert.ok(), alert.status().ToString());
  auto logs = ParseJson(logs_json);
  REQUIRE_MESSAGE(logs.ok(), logs.status().ToString());
  Json j{{"id", id}, {"alert", *alert}, {"logs", *logs}};
  auto c = ParseCase(j, id + ".json");
  REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  return *c;
}

// An incident of a test store: its id, title, text and root cause; its mitigation names it.
inline Incident StoreIncident(const std::string& id, const std::string& title, const std::string& text,
                              const std::string& cause) {
  Incident i;
  i.id = id;
  i.title = title;
  i.raw_text = text;
  i.root_cause = cause;
  i.mitigation = "fix of " + id;
  return i;
}

// The diagnosis agent over `kb` with no probe executor; the test fails if the agent does.
inline DiagnosisReport DiagnoseWithKb(const KnowledgeBase& kb, const DiagnosisCase& c) {
  DiagnosisAgentOptions o;
  o.kb = &kb;
  auto r = DiagnosisAgent(o).Diagnose(c, nullptr);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return *r;
}

// The evidence item the symptom prior adds ("incidents with this symptom ..."), nullptr if none.
inline const Evidence* SymptomPriorEvidence(const Diagnosis& d) {
  for (const Evidence& e : d.evidence) {
    if (e.detail.rfind("incidents with this symptom", 0) == 0) return &e;
  }
  return nullptr;
}

}  // namespace vigil::testing

#endif  // VIGIL_AGENTS_SYMPTOM_PRIOR_TESTING_H_
