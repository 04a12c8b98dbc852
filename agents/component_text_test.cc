// The place line of a diagnosis for people (agents/component_text.h RootCausePlaceText), through
// the text `vigil diagnose` prints (FormatDiagnosisText). Found by the lead's clean-clone check of
// 2026-12-06: after KBE an `unknown` answer with no hypothesis at all has no component, and printed
// "component: (unknown)" where OPS3 wants "not determined (root cause unknown)"
// (tests/diagnose_cli_test.sh "unknown: no place").
#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "agents/component_text.h"
#include "agents/diagnosis_agent.h"

namespace vigil {
namespace {

std::string ComponentLine(const std::string& root_cause, const std::string& component) {
  DiagnosisReport r;
  r.diagnosis.root_cause = root_cause;
  r.diagnosis.component = component;
  std::istringstream text(FormatDiagnosisText(r));
  for (std::string line; std::getline(text, line);) {
    if (line.rfind("component:   ", 0) == 0) return line;
  }
  FAIL("no component line");
  return "";
}

TEST_CASE("RootCausePlaceText: an unknown root cause has no place, with or without a component") {
  CHECK(RootCausePlaceText("unknown", "") == kUnknownPlaceText);
  CHECK(RootCausePlaceText("unknown", "job") == kUnknownPlaceText);
  CHECK(RootCausePlaceText("Unknown", "node-1/gpu2") == kUnknownPlaceText);
  CHECK(RootCausePlaceText("gpu_thermal_throttle", "") == "");
  CHECK(RootCausePlaceText("gpu_thermal_throttle", "node-1/gpu2") == ComponentForPeople("node-1/gpu2"));
  CHECK(ComponentLine("unknown", "") == "component:   not determined (root cause unknown)");
  CHECK(ComponentLine("unknown", "job") == "component:   not determined (root cause unknown)");
  CHECK(ComponentLine("gpu_thermal_throttle", "") == "component:   (unknown)");
  CHECK(ComponentLine("gpu_thermal_throttle", "node-1/gpu2").find("node-1/gpu2") != std::string::npos);
}

}  // namespace
}  // namespace vigil
