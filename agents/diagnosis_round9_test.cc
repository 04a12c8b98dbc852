// Round-9 tests of the built-in reasoner: the first wave (the non-intrusive probes of every leading
// hypothesis at once, intrusive probes only for what it leaves open), peer comparison (the suspect
// GPU and its node peers probed by the same probe in one wave, the verdict from the difference),
// and the honest time accounting (unavailable probes cost nothing; a peer that fed no decision is
// in the planned time but not in the sequential sum).
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_testing.h"
#include "agents/verification_planner.h"
#include "probes/catalog.h"

namespace vigil {
namespace {

using testing::RecordedExecutor;

// One node of 4 GPUs; rank 3 (node-1/gpu3) logs a thermal slowdown. The alert names no node (one
// that did would have its GPUs swept anyway).
Json Round9Case() {
  return Json{
      {"id", "r9"},
      {"alert",
       {{"labels", {{"alertname", "StepTimeHigh"}, {"job", "llm"}}},
        {"annotations", {{"summary", "step time 1.4x baseline"}}},
        {"startsAt", "2026-03-18T22:20:00Z"}}},
      {"topology", {{"nodes", {"node-1"}}, {"gpus_per_node", 4}}},
      {"logs", Json::array({{{"source", "node-1/rank3/stderr"},
                             {"lines", {"[2026-03-18 22:19:00] clocks throttled: HW slowdown active"}}}})},
      {"metrics", Json::array()},
      {"probes", Json::object()},
      {"expected", {{"root_cause", "gpu_thermal_throttle"}, {"component", "node-1/gpu3"}}}};
}

KnowledgeFacts Round9Facts(const DiagnosisCase& c) {
  KnowledgeFacts f;
  f.categories = {"gpu_thermal_throttle", "gpu_power_throttle", "straggler_rank",
                  "gpu_fallen_off_bus",   "gpu_firmware_error", "gpu_memory_uncorrectable_ecc"};
  f.layers = {{"gpu_thermal_throttle", "gpu"},   {"gpu_power_throttle", "gpu"},
              {"straggler_rank", "performance"}, {"gpu_fallen_off_bus", "gpu"},
              {"gpu_firmware_error", "gpu"},     {"gpu_memory_uncorrectable_ecc", "gpu"}};
  FlatLogs flat = FlattenLogs(c);
  f.log_matches.push_back(
      {0, flat.lines[0], "HW slowdown", "HW slowdown", "pack-thermal", "gpu_thermal_throttle", ""});
  return f;
}

struct Run9 {
  ReasonerOutput out;
  RecordedExecutor ex;
};

void Diagnose(Run9& r, bool first_wave, bool peers) {
  auto c = ParseCase(Round9Case(), "r9.json");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  ReasonerOptions o;
  o.allow_intrusive = true;
  o.first_wave = first_wave;
  o.peer_comparison = peers;
  r.out = BuiltinReasoner(o).Diagnose(*c, Round9Facts(*c), &r.ex);
}

// Probe calls of round 1 (the trace lists a round's calls before that round's belief entry).
std::set<std::string> FirstRoundCalls(const Json& trace) {
  std::set<std::string> calls;
  for (const Json& t : trace) {
    if (t.value("type", "") == "belief" && t.value("round", 0) >= 1) break;
    if (t.value("type", "") == "tool_call" && t.value("tool", "") == "run_probe") {
      calls.insert(t["arguments"].value("probe", "") + "@" + t["arguments"].value("target", ""));
    }
  }
  return calls;
}

std::string FedOf(const Json& trace, const std::string& target) {
  for (const Json& t : trace) {
    if (t.value("type", "") == "tool_result" && t.value("target", "") == target) return t.value("fed", "");
  }
  return "(not run)";
}

TEST_CASE("round 9: the first wave runs the non-intrusive probes first; a decided answer runs no GEMM") {
  Run9 r;
  r.ex.Record("gpu.health", "node-1/gpu3", ProbeStatus::kFail, "clock event reason HW thermal slowdown, 91 C",
              1.0);
  r.ex.Record("gpu.gemm", "node-1/gpu3", ProbeStatus::kFail, "61% of baseline TFLOP/s", 3.0);
  Diagnose(r, /*first_wave=*/true, /*peers=*/true);
  const Diagnosis& d = r.out.diagnosis;
  CHECK(d.root_cause == "gpu_thermal_throttle");
  CHECK(d.component == "node-1/gpu3");
  std::set<std::string> first = FirstRoundCalls(r.out.trace);
  CHECK(first.count("gpu.health@node-1/gpu3") == 1);
  for (const std::string& call : first) {
    const ProbeSpec* spec = FindProbe(call.substr(0, call.find('@')));
    REQUIRE(spec != nullptr);
    CHECK_MESSAGE(!spec->intrusive, call);
  }
  // health confirmed the leader: no intrusive probe was ever needed, so none loaded a GPU and the
  // answer came after ~1 s.
  auto intrusive_asked = [](const RecordedExecutor& ex) {
    int n = 0;
    for (const std::string& call : ex.asked) n += FindProbe(call.substr(0, call.find('@')))->intrusive;
    return n;
  };
  CHECK(intrusive_asked(r.ex) == 0);
  CHECK(d.planned_s < 2.0);

  // Without the first wave, round 1 runs an intrusive probe on the suspect beside health.
  Run9 off;
  off.ex.results = r.ex.results;
  Diagnose(off, /*first_wave=*/false, /*peers=*/true);
  CHECK(off.out.diagnosis.root_cause == "gpu_thermal_throttle");
  CHECK(intrusive_asked(off.ex) >= 1);
  bool intrusive_first = false;
  for (const std::string& call : FirstRoundCalls(off.out.trace)) {
    intrusive_first = intrusive_first || FindProbe(call.substr(0, call.find('@')))->intrusive;
  }
  CHECK(intrusive_first);
}

TEST_CASE("round 9: intrusive probes still run after a first wave that leaves the answer open") {
  Run9 r;  // nothing non-intrusive answers: the GEMM on the suspect (and its neighbour) decides
  r.ex.Record("gpu.gemm", "node-1/gpu3", ProbeStatus::kFail, "61% of baseline TFLOP/s", 3.0);
  r.ex.Record("gpu.gemm", "node-1/gpu2", ProbeStatus::kPass, "within thresholds", 3.0);
  Diagnose(r, true, true);
  CHECK(FirstRoundCalls(r.out.trace).count("gpu.gemm@node-1/gpu3") == 0);
  CHECK(r.ex.asked.count("gpu.gemm@node-1/gpu3") == 1);
  // One neighbour for an intrusive probe, never every GPU of the node.
  CHECK(r.ex.asked.count("gpu.gemm@node-1/gpu2") == 1);
  CHECK(r.ex.asked.count("gpu.gemm@node-1/gpu0") == 0);
  CHECK(r.ex.asked.count("gpu.gemm@node-1/gpu1") == 0);
  CHECK(r.out.diagnosis.component == "node-1/gpu3");
}

TEST_CASE("round 9: peer comparison — the suspect the odd one out, a healthy peer refutes nothing") {
  Run9 r;
  r.ex.Record("gpu.health", "node-1/gpu3", ProbeStatus::kFail, "clock event reason HW thermal slowdown, 91 C",
              1.0);
  r.ex.Record("gpu.health", "node-1/gpu2", ProbeStatus::kPass, "healthy", 1.0);
  Diagnose(r, true, true);
  const Diagnosis& d = r.out.diagnosis;
  // The peers ran in the same wave as the suspect (every other GPU of the node: non-intrusive).
  std::set<std::string> first = FirstRoundCalls(r.out.trace);
  for (int g : {0, 1, 2}) CHECK(first.count("gpu.health@node-1/gpu" + std::to_string(g)) == 1);
  CHECK(d.root_cause == "gpu_thermal_throttle");
  CHECK(d.component == "node-1/gpu3");
  bool odd = false;
  for (const Evidence& e : d.evidence) {
    if (e.source == "probe gpu.health@node-1/gpu3") odd = e.detail.find("odd one out") != std::string::npos;
    // A healthy peer's pass is not evidence against thermal throttling on the suspect.
    if (e.source == "probe gpu.health@node-1/gpu2") CHECK(e.refutes.empty());
  }
  CHECK(odd);
  CHECK(FedOf(r.out.trace, "gpu.health@node-1/gpu2").find("peer comparison") != std::string::npos);
  // The peer fed the decision, so it is in the sequential sum beside the suspect; both ran at once.
  CHECK(d.sequential_s == doctest::Approx(2.0));
  CHECK(d.planned_s == doctest::Approx(1.0));

  // Without peer comparison the peer is never probed and the suspect's result stands alone.
  Run9 off;
  off.ex.results = r.ex.results;
  Diagnose(off, true, false);
  CHECK(off.ex.asked.count("gpu.health@node-1/gpu2") == 0);
  CHECK(off.out.diagnosis.sequential_s == doctest::Approx(1.0));
  for (const Evidence& e : off.out.diagnosis.evidence)
    CHECK(e.detail.find("odd one out") == std::string::npos);
}

TEST_CASE("round 9: a peer that fails the same way makes the fault the node's") {
  Run9 r;
  r.ex.Record("gpu.health", "node-1/gpu3", ProbeStatus::kFail, "clock event reason HW thermal slowdown, 91 C",
              1.0);
  r.ex.Record("gpu.health", "node-1/gpu1", ProbeStatus::kFail, "clock event reason HW thermal slowdown, 90 C",
              1.0);
  r.ex.Record("gpu.health", "node-1/gpu0", ProbeStatus::kPass, "healthy", 1.0);
  Diagnose(r, true, true);
  CHECK(r.out.diagnosis.root_cause == "gpu_thermal_throttle");
  CHECK(r.out.diagnosis.component == "node-1");
  // Without the peers only the suspect is seen: one GPU.
  Run9 off;
  off.ex.results = r.ex.results;
  Diagnose(off, true, false);
  CHECK(off.out.diagnosis.component == "node-1/gpu3");
}

TEST_CASE("round 9: a probe that errors on the suspect and answers on its peer: the GPU does not respond") {
  Run9 r;
  r.ex.Record("gpu.health", "node-1/gpu3", ProbeStatus::kError, "NVML: GPU is inaccessible", 0.4);
  r.ex.Record("gpu.health", "node-1/gpu2", ProbeStatus::kPass, "healthy", 1.0);
  Diagnose(r, true, true);
  bool unresponsive = false;
  for (const Evidence& e : r.out.diagnosis.evidence) {
    if (e.detail.find("does not respond") != std::string::npos) {
      unresponsive = true;
      CHECK(e.source == "probe gpu.health@node-1/gpu3");
      CHECK(e.supports.front() == "gpu_fallen_off_bus");
    }
  }
  CHECK(unresponsive);
  bool bus_hypothesis = false;
  for (const Hypothesis& h : r.out.diagnosis.hypotheses) {
    if (h.category == "gpu_fallen_off_bus") {
      bus_hypothesis = true;
      CHECK(h.component == "node-1/gpu3");
    }
  }
  CHECK(bus_hypothesis);
  Run9 off;
  off.ex.results = r.ex.results;
  Diagnose(off, true, false);
  for (const Evidence& e : off.out.diagnosis.evidence)
    CHECK(e.detail.find("does not respond") == std::string::npos);
}

TEST_CASE("round 9: a peer with nothing to compare with ran but is not in the sequential sum") {
  Run9 r;  // the suspect's health is not recorded (unavailable); its peer answers
  r.ex.Record("gpu.health", "node-1/gpu2", ProbeStatus::kPass, "healthy", 1.0);
  Diagnose(r, true, true);
  CHECK(r.ex.asked.count("gpu.health@node-1/gpu2") == 1);
  CHECK(FedOf(r.out.trace, "gpu.health@node-1/gpu2") == "nothing");
  CHECK(r.out.diagnosis.planned_s == doctest::Approx(1.0));     // it took its time
  CHECK(r.out.diagnosis.sequential_s == doctest::Approx(0.0));  // and fed nothing
  for (const Evidence& e : r.out.diagnosis.evidence) CHECK(e.source != "probe gpu.health@node-1/gpu2");
}

// Before WALKP (2026-12-04) an unavailable step counted 0 whatever it took: a live triage on a host
// with no usable GPU ran 25 steps in 7.4 s and printed "planned 0.2 s (parallel) vs 0.2 s
// sequential". It takes its own duration now; one that reports none still takes nothing (never the
// catalog's expected time: it ran no test).
TEST_CASE("round 9: skipped steps take no time; an unavailable step takes its own, never the expected time") {
  auto step = [](std::string id, std::string outcome, double d) {
    VerificationStep s;
    s.id = std::move(id);
    s.action = "run_probe";
    s.target = "gpu.health@n/gpu0";
    s.outcome = std::move(outcome);
    s.duration_s = d;
    s.expected_s = 1.0;
    return s;
  };
  std::vector<VerificationStep> steps = {step("a", "pass", 2.0), step("b", "unavailable", 0.5),
                                         step("c", "skipped", 0), step("d", "fail", 1.0),
                                         step("e", "unavailable", 0)};
  steps[3].depends_on = {"b"};
  CHECK(SequentialS(steps) == doctest::Approx(3.5));  // 3.0 before: b's 0.5 s left out
  CHECK(CriticalPathS(steps) == doctest::Approx(2.0));
  CHECK(PlannedS(steps, nullptr, 0) == doctest::Approx(2.0));
  // The live shape: unavailable answers that took longer than the one probe that ran.
  std::vector<VerificationStep> live = {step("s1", "unavailable", 0.9), step("s2", "pass", 0.2),
                                        step("s3", "unavailable", 6.3)};
  live[1].depends_on = {"s1"};
  live[2].depends_on = {"s1"};
  CHECK(SequentialS(live) == doctest::Approx(7.4));     // 0.2 before
  CHECK(CriticalPathS(live) == doctest::Approx(7.2));   // s1 then s3; 0.2 before
  CHECK(PlannedS(live, nullptr, 0) == doctest::Approx(7.2));
}

}  // namespace
}  // namespace vigil
