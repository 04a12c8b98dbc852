// Test-only helpers shared by diagnosis_rg20_test.cc and diagnosis_plc2_test.cc: a case document of
// logs only on named nodes, 8 GPUs a node. Kept out of diagnosis_testing.h, which every agents test
// includes.
#ifndef VIGIL_AGENTS_LOGS_CASE_TESTING_H_
#define VIGIL_AGENTS_LOGS_CASE_TESTING_H_

#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "core/json.h"

namespace vigil::testing {

// One log of a case document: {"source": source, "lines": lines}.
inline Json Log(const std::string& source, const std::vector<std::string>& lines) {
  Json l = Json::object();
  l["source"] = source;
  Json a = Json::array();
  for (const std::string& s : lines) a.push_back(s);
  l["lines"] = std::move(a);
  return l;
}

// A case of logs only (no alert, metrics or probes) on `nodes`, 8 GPUs a node (the rank layout: rank
// r on nodes[r / 8], GPU r % 8), timezone UTC.
inline Json Case(const std::string& id, const std::vector<std::string>& nodes, Json logs) {
  Json j = Json::object();
  j["id"] = id;
  j["alert"] = nullptr;
  j["metrics"] = Json::array();
  j["probes"] = Json::object();
  Json n = Json::array();
  for (const std::string& s : nodes) n.push_back(s);
  j["topology"] = {{"nodes", std::move(n)}, {"gpus_per_node", 8}, {"timezone", "UTC"}};
  j["logs"] = std::move(logs);
  return j;
}

// "ROOT_CAUSE @ COMPONENT" of the case's diagnosis (its own recorded probes; the shipped pack).
inline std::string CaseAnswer(const Json& c) {
  Diagnosis d = RunCaseWithOwnProbes(c);
  return d.root_cause + " @ " + d.component;
}

}  // namespace vigil::testing

#endif  // VIGIL_AGENTS_LOGS_CASE_TESTING_H_
