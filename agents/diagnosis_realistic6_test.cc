// Tests of the diagnosis on shapes found missing by evals/diagnosis/realistic6/ (RL6, 2026-12-02:
// jobs of 16-512 nodes, whole-job srun output with every rank's cascade, alert groups and
// pre-existing faults, written blind). These run the shipped knowledge pack (data/knowledge/)
// through GatherKnowledge and the built-in reasoner, as `vigil diagnose` does; recorded probe results
// go through the replay executor. The cases here are written for the tests (node names n-01 ...),
// not copied from the set.
#include <doctest/doctest.h>

#include <string>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "knowledge/knowledge_base.h"
#include "probes/probe.h"

namespace vigil {
namespace {

using testing::ShippedPack;

Diagnosis Run(const std::string& text) {
  auto j = ParseJson(text);
  REQUIRE_MESSAGE(j.ok(), j.status().message());
  Json probes = j->contains("probes") ? (*j)["probes"] : Json::object();
  auto c = ParseCase(*j, "t.json");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  auto facts = GatherKnowledge(ShippedPack(), *c);
  REQUIRE_MESSAGE(facts.ok(), facts.status().ToString());
  auto exec = MakeReplayExecutor(probes);
  REQUIRE_MESSAGE(exec.ok(), exec.status().ToString());
  return BuiltinReasoner(ReasonerOptions{}).Diagnose(*c, *facts, exec->get()).diagnosis;
}

// 32 nodes; rank 0's log reports "data-parallel replicas disagree on param checksum: dp_rank 21
// (global rank 174)"; gpu.sdc fails on n-22 (rank 174 = n-22, GPU 6) and passes on n-05.
constexpr const char* kSdcGlobalRank = R"JSON({"id": "t-sdc", "alert": {"labels": {"alertname": "TrainingLossAnomaly", "severity": "critical"}, "annotations": {"summary": "job alert"}, "startsAt": "2026-11-30T08:20:00Z"}, "logs": [{"source": "n-01/rank0/stdout", "lines": ["[2026-11-30 08:10:10] iteration 5000/ 100000 | lm loss: 2.100E+00 | grad norm: 0.41 |", "[2026-11-30 08:11:10] iteration 5001/ 100000 | lm loss: 2.101E+00 | grad norm: 0.41 |", "[2026-11-30 08:12:10] iteration 5002/ 100000 | lm loss: 2.102E+00 | grad norm: 0.41 |", "[2026-11-30 08:13:10] iteration 5003/ 100000 | lm loss: 2.103E+00 | grad norm: 0.41 |", "[2026-11-30 08:14:10] iteration 5004/ 100000 | lm loss: 2.104E+00 | grad norm: 0.41 |", "[2026-11-30 08:15:10] iteration 5005/ 100000 | lm loss: 2.105E+00 | grad norm: 0.41 |", "[2026-11-30 08:14:30] WARNING replica_check: step 5004 data-parallel replicas disagree on param checksum: dp_rank 21 (global rank 174) crc32=0x00001234, 255 others crc32=0x00009999", "[2026-11-30 08:15:30] WARNING replica_check: step 5005 data-parallel replicas disagree on param checksum: dp_rank 21 (global rank 174) crc32=0x00001235, 255 others crc32=0x0000999a", "[2026-11-30 08:16:30] WARNING replica_check: step 5006 data-parallel replicas disagree on param checksum: dp_rank 21 (global rank 174) crc32=0x00001236, 255 others crc32=0x0000999b"]}], "metrics": [], "probes": {"gpu.sdc@n-22": {"status": "fail", "metrics": {"iterations": 200, "mismatched_elements": 812, "gpus_checked": 8, "gpus_disagreeing": 1, "disagreeing_gpu_index": 6}, "thresholds": {"mismatched_elements_max": 0}, "reason": "gpu6 disagrees with the other 7 GPUs: 812 mismatched elements", "duration_s": 5.0, "details": {"odd_one_out": "gpu6"}}, "gpu.sdc@n-05": {"status": "pass", "metrics": {"iterations": 200, "mismatched_elements": 0, "gpus_checked": 8, "gpus_disagreeing": 0}, "thresholds": {"mismatched_elements_max": 0}, "reason": "bit-exact GEMM checksum vote within thresholds", "duration_s": 5.0}}, "topology": {"gpus_per_node": 8, "nodes": ["n-01", "n-02", "n-03", "n-04", "n-05", "n-06", "n-07", "n-08", "n-09", "n-10", "n-11", "n-12", "n-13", "n-14", "n-15", "n-16", "n-17", "n-18", "n-19", "n-20", "n-21", "n-22", "n-23", "n-24", "n-25", "n-26", "n-27", "n-28", "n-29", "n-30", "n-31", "n-32"]}})JSON";

TEST_CASE("realistic6: a checksum mismatch naming a global rank is that rank's GPU, not rank 0's (RL6)") {
  Diagnosis d = Run(kSdcGlobalRank);
  CHECK(d.root_cause == "gpu_silent_data_corruption");
  CHECK(d.component == "n-22/gpu6");  // f1d4508: n-01/gpu0 (the writer's), gpu.sdc run on n-05 only
}

}  // namespace
}  // namespace vigil
