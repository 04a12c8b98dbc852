// PLC50 (2026-12-06): realistic45's misses left by PLC49 (seen fixes, not blind). Cases written here
// (nodes gx-NN), not the set's text.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/change_log_lines.h"
#include "agents/diagnosis_agent.h"
#include "agents/fan_series.h"
#include "agents/logs_case_testing.h"

namespace vigil {
namespace {

using testing::Case;
using testing::GpuSeries;
using testing::Log;
using testing::MetricJson;

}  // namespace

namespace testing {
namespace {
Diagnosis DiagnoseThroughAgentForTest(DiagnosisCase c) {
  DiagnosisAgentOptions o;
  o.kb = &ShippedPack();
  auto r = DiagnosisAgent(o).Diagnose(std::move(c), nullptr);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return r->diagnosis;
}
}  // namespace
}  // namespace testing

namespace {

std::string Answer(const Json& c) {
  const Diagnosis d = testing::RunCaseWithOwnProbes(c, /*intrusive=*/true);
  return d.root_cause + " @ " + d.component;
}

Json GemmResult(const std::string& target, const std::string& status, double tflops, const std::string& reason) {
  return {{"probe", "gpu.gemm"},
          {"target", target},
          {"status", status},
          {"metrics", {{"tflops", tflops}}},
          {"thresholds", {{"tflops_min", 700.0}}},
          {"reason", reason},
          {"duration_s", 10.0}};
}

}  // namespace

// The words of a failed throughput probe: clocks held by the applications clocks setting are the
// straggler's own finding (it confirms), not a throttle's.
TEST_CASE("plc50 a probe fail whose reason names the applications clocks setting supports straggler_rank first") {
  ProbeResult r;
  r.probe = "gpu.gemm";
  r.target = "gx-03/gpu5";
  r.status = ProbeStatus::kFail;
  r.metrics = {{"tflops", 398.0}};
  r.thresholds = {{"tflops_min", 700.0}};
  r.reason = "GEMM 398 TFLOPS; SM clock 1050 MHz (clock event reason: applications clocks setting)";
  std::optional<Evidence> e = EvidenceFromProbe(r, "k1");
  REQUIRE(e.has_value());
  REQUIRE_FALSE(e->supports.empty());
  CHECK(e->supports.front() == "straggler_rank");
  // Named by its words, the fail counts in full for the straggler (before: 0.7 of a fail, the catalog's share,
  // and the throttles nearly as much).
  CHECK(e->weight == doctest::Approx(kProbeFailWeight));
  // Near miss: a GEMM slow for heat names the thermal throttle, not the straggler.
  r.reason = "GEMM 398 TFLOPS; clocks held down: HW thermal slowdown";
  e = EvidenceFromProbe(r, "k1");
  REQUIRE(e.has_value());
  CHECK(e->supports.front() == "gpu_thermal_throttle");
}

TEST_CASE("plc50 FindStoppedFans: a BMC fan series at 0 beside its peer, not a GPU's own fan") {
  auto fan = [](const std::string& node, const std::string& name, const std::vector<double>& v) {
    TimeSeries s;
    s.name = "ipmi_fan_speed_rpm";
    s.labels = {{"instance", node + ":9290"}, {"name", name}};
    for (size_t i = 0; i < v.size(); ++i) REQUIRE(s.Append(1'796'310'000'000 + static_cast<int64_t>(i) * 15'000, v[i]).ok());
    return s;
  };
  std::vector<TimeSeries> m = {fan("gx-08", "FAN3_REAR", {10800, 10750, 4100, 0, 0}),
                               fan("gx-08", "FAN4_REAR", {10800, 10800, 10820, 10780, 10810}),
                               fan("gx-07", "FAN1", {9800, 600, 9800}),  // came back
                               fan("gx-06", "FAN1", {0, 0, 0})};          // never spun, no peer: no reading
  std::vector<StoppedFan> f = FindStoppedFans(m);
  REQUIRE(f.size() == 1);
  CHECK(f[0].node == "gx-08");
  CHECK(f[0].fan == "FAN3_REAR");
  // A fan at 0 in every sample beside a peer that spins is stopped too.
  m.push_back(fan("gx-06", "FAN2", {9000, 9000, 9000}));
  CHECK(FindStoppedFans(m).size() == 2);
  // A GPU's own fan (DCGM, percent, a gpu label) is no chassis fan.
  TimeSeries g = GpuSeries("DCGM_FI_DEV_FAN_SPEED", "gx-05", 3, "NVIDIA RTX 6000 Ada Generation", 0, 15'000, {100, 40, 0});
  CHECK(FindStoppedFans({g}).empty());
}

// rl45-09: a node's rear fan stopped; the GPUs the DCGM series show all throttle for heat; the GEMM ran
// on one of them. Before, no line said the fan failed and the answer named that GPU; the fan series now
// makes the throttle the node's.
TEST_CASE("plc50 a stopped fan in the BMC series makes a thermal throttle on several GPUs the node's") {
  const int64_t t0 = 1'796'310'000'000;
  Json metrics = Json::array();
  for (int g : {0, 3, 7}) {
    metrics.push_back(MetricJson(GpuSeries("DCGM_FI_DEV_GPU_TEMP", "gx-08", g, "NVIDIA H100 80GB HBM3", t0, 15'000, {66, 68, 74, 80, 84})));
    metrics.push_back(MetricJson(GpuSeries("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", "gx-08", g, "NVIDIA H100 80GB HBM3", t0, 15'000, {0, 0, 0, 32, 96})));
    metrics.push_back(MetricJson(GpuSeries("DCGM_FI_DEV_SM_CLOCK", "gx-08", g, "NVIDIA H100 80GB HBM3", t0, 15'000, {1980, 1980, 1950, 1710, 1410})));
  }
  auto fan = [&](const std::string& name, const std::vector<double>& v) {
    TimeSeries s;
    s.name = "ipmi_fan_speed_rpm";
    s.labels = {{"instance", "gx-08:9290"}, {"name", name}};
    for (size_t i = 0; i < v.size(); ++i) REQUIRE(s.Append(t0 + static_cast<int64_t>(i) * 15'000, v[i]).ok());
    return MetricJson(s);
  };
  metrics.push_back(fan("FAN3_REAR", {10800, 10750, 4100, 0, 0}));
  metrics.push_back(fan("FAN4_REAR", {10800, 10800, 10820, 10780, 10810}));
  Json c = Case("plc50-fan", {"gx-07", "gx-08"},
                Json::array({Log("slurm-4418.out", {" [2026-12-03 15:09:40] straggler detector: 8 slowest ranks by fwd-bwd time: "
                                                    "8,9,10,11,12,13,14,15 (+41% vs median)"})}));
  c["metrics"] = metrics;
  c["probes"]["gpu.gemm@gx-08/gpu3"] = GemmResult("gx-08/gpu3", "fail", 481.0, "dense BF16 GEMM 481 TFLOPS");
  CHECK(Answer(c) == "gpu_thermal_throttle @ gx-08");
  // Near miss: both fans spin; three hot GPUs of eight stay those GPUs' (PLC36's rule), not the node's.
  c["metrics"][c["metrics"].size() - 2] = fan("FAN3_REAR", {10800, 10750, 10800, 10790, 10800});
  CHECK(Answer(c) != "gpu_thermal_throttle @ gx-08");
}

// A maintenance log's entry of a fault seen weeks ago is history: its Xid 79 is no rival of today's
// host OOM. The log's changes, and an entry of the incident's own day, are still read.
TEST_CASE("plc50 a maintenance log's weeks-old fault entries are history; changes and today's entries stay") {
  CHECK(IsChangeLogSource("maintenance.log"));
  CHECK(IsChangeLogSource("ops/change-log"));
  CHECK(IsChangeLogSource("change/CHG-5530"));
  CHECK_FALSE(IsChangeLogSource("gx-03/journal"));
  CHECK_FALSE(IsChangeLogSource("history/tickets-gx-03.txt"));
  CaseLog log = testing::CaseLogOf("maintenance.log", {
      "2026-10-04 gx-03 NHC: Xid 79 on GPU 0000:c6:00.0 (gpu6), node drained (ticket HW-1510)",
      "2026-10-06 gx-03 HW-1510: GPU6 reseated, burn-in 24h pass, returned",
      "2026-10-20 gx-03 mlx5_1 link flap x4: optic reseated",
      "2026-11-01 gx-03 Xid 79 on GPU 0000:c6:00.0 (gpu6) again",
      "2026-11-02 04:10 gx-03 driver 570.86 -> 575.51"});
  // The incident on 2026-11-02: the entries from 10-31 on are not history.
  const int64_t day = *LineStampDay("[2026-11-02 09:10:11] rank 3 died");
  CHECK(ChangeLogHistoryLines(log, day) == std::vector<bool>{true, false, true, false, false});
  // In another source the same lines are read as they are.
  log.source = "gx-03/journal";
  CHECK(ChangeLogHistoryLines(log, day) == std::vector<bool>{false, false, false, false, false});

  DiagnosisCase c;
  c.id = "plc50-maint";
  c.logs.push_back(testing::CaseLogOf("maintenance.log", {
      "2026-10-04 gx-03 NHC: Xid 79 on GPU 0000:c6:00.0 (gpu6), node drained (ticket HW-1510)",
      "2026-10-19 gx-03 NHC: Xid 79 on GPU 0000:c6:00.0 (gpu6) again, node drained (ticket HW-1588)"}));
  c.logs.push_back(testing::CaseLogOf("slurm-5521.out", {
      "[2026-11-02 09:10:02] iteration 900 | lm loss: 2.31 | grad norm: 0.30",
      "[2026-11-02 09:10:11] torch.distributed.elastic.multiprocessing.api: [ERROR] failed (exitcode: -9) local_rank: 6 (pid: 41877) of binary: /usr/bin/python"}));
  // Before: the October Xid 79 lines were read as today's, gpu_fallen_off_bus on gx-03.
  const Diagnosis d = testing::DiagnoseThroughAgentForTest(c);
  CHECK_FALSE(testing::HasEvidenceWith(d, "Xid 79"));
  // The same entries on the incident's day are read.
  c.logs[0].lines[1].text = "2026-11-02 gx-03 NHC: Xid 79 on GPU 0000:c6:00.0 (gpu6) again, node drained (ticket HW-1588)";
  CHECK(testing::HasEvidenceWith(testing::DiagnoseThroughAgentForTest(c), "Xid 79"));
}

}  // namespace vigil
