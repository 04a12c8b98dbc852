// Test helpers shared by the tests that run a case through DiagnosisAgent as `vigil diagnose --case`
// does (diagnosis_ksm2_test.cc, diagnosis_plc_test.cc): the shipped pack, no probe answering.
#ifndef VIGIL_AGENTS_AGENT_RUN_TESTING_H_
#define VIGIL_AGENTS_AGENT_RUN_TESTING_H_

#include <doctest/doctest.h>

#include <string>

#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"

namespace vigil::testing {

// DiagnosisAgent over the case document with the shipped pack (kube_pod_info placement, the alert's
// facts, loopback scrapes); every probe answers `unavailable`.
inline Diagnosis RunAgentWithPack(const Json& case_json) {
  auto c = ParseCase(case_json, "t.json");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  DiagnosisAgentOptions o;
  o.kb = &ShippedPack();
  auto exec = MakeReplayExecutor(Json::object());
  REQUIRE_MESSAGE(exec.ok(), exec.status().ToString());
  auto r = DiagnosisAgent(o).Diagnose(*c, exec->get());
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return r->diagnosis;
}

// Whether one of `d`'s `unverified` notes holds `part`.
inline bool SaidInUnverified(const Diagnosis& d, const std::string& part) {
  for (const std::string& u : d.unverified) {
    if (u.find(part) != std::string::npos) return true;
  }
  return false;
}

}  // namespace vigil::testing

#endif  // VIGIL_AGENTS_AGENT_RUN_TESTING_H_
