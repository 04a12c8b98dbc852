// Test-only helper shared by diagnosis_gpu_count_test.cc and probe_contention_test.cc: one
// straggler log line on vm's one GPU (topology: 1 GPU), for the reasoner alone on recorded probe
// results. Kept out of diagnosis_testing.h, which every agents test includes.
#ifndef VIGIL_AGENTS_STRAGGLER_CASE_TESTING_H_
#define VIGIL_AGENTS_STRAGGLER_CASE_TESTING_H_

#include <string>

#include "agents/diagnosis_agent.h"
#include "core/json.h"

namespace vigil::testing {

inline DiagnosisCase StragglerLogCase(const std::string& id) {
  DiagnosisCase c;
  c.id = id;
  CaseLog log;
  log.source = "vm/rank0/stderr";
  log.lines.push_back({1, "straggler detected: rank 0 on vm gpu 0 computes 45 ms a step vs 27 ms"});
  log.original_lines = 1;
  c.logs.push_back(log);
  c.topology = Json{{"nodes", Json::array({"vm"})}, {"gpus_per_node", 1}};
  return c;
}

}  // namespace vigil::testing

#endif  // VIGIL_AGENTS_STRAGGLER_CASE_TESTING_H_
