// Test-only helpers shared by the launch-count tests (diagnosis_rg4_test.cc, diagnosis_rg6_test.cc):
// a case of `nodes` nodes named n-01 ... with an alert and logs, and the launch-mismatch evidence of
// a diagnosis. Kept out of diagnosis_testing.h, which every agents test includes.
#ifndef VIGIL_AGENTS_LAUNCH_CASE_TESTING_H_
#define VIGIL_AGENTS_LAUNCH_CASE_TESTING_H_

#include <string>

#include "agents/diagnosis_agent.h"
#include "core/json.h"

namespace vigil::testing {

// A case with the alert's labels and summary, `logs`, no metrics and a topology of `nodes` nodes
// n-01 ... of 8 GPUs each.
inline Json LaunchCase(const std::string& id, const Json& alert_labels, const std::string& summary,
                       const std::string& starts, const Json& logs, int nodes) {
  Json names = Json::array();
  for (int n = 1; n <= nodes; ++n) {
    std::string h = "n-0";
    h += std::to_string(n);
    names.push_back(h);
  }
  return {{"id", id},
          {"alert", {{"labels", alert_labels}, {"annotations", {{"summary", summary}}}, {"startsAt", starts}}},
          {"logs", logs},
          {"metrics", Json::array()},
          {"topology", {{"gpus_per_node", 8}, {"nodes", names}}}};
}

// The detail of the diagnosis's "launch does not fit the allocation" evidence, or "" for none.
inline std::string LaunchMismatch(const Diagnosis& d) {
  for (const Evidence& e : d.evidence) {
    if (e.detail.find("launch does not fit the allocation") != std::string::npos) return e.detail;
  }
  return "";
}

}  // namespace vigil::testing

#endif  // VIGIL_AGENTS_LAUNCH_CASE_TESTING_H_
