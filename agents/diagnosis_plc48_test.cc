// PLC48 (2026-12-06): another, finished process's app-fault Xid is no cause of an alert that says
// the job's rank is alive and slow now (job_scope.h AnotherProcessFault; the reasoner's
// DiscountOutsideJobScope and OtherProcessKernelLogFaults). Found on a real H100 (probes/HISTORY.md
// "H100 run 50"): triage_demo.sh's StragglerRank alert on a healthy GPU whose kernel log held our
// own earlier fault injections (Xid 31 / 43 of pid 745 fault_inject, pid 849 python3, ..., processes
// that had exited) was answered illegal_memory_access 0.72, confirmed. The probe results below are
// that run's node.kernel_log and gpu.health answers, trimmed (4 of its 8 findings, the texts cut).
#include <doctest/doctest.h>

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "agents/job_scope.h"
#include "agents/log_time.h"
#include "core/json.h"

namespace vigil {
namespace {

constexpr int64_t kNone = std::numeric_limits<int64_t>::max();

// The run's alert (run50/alert.json): rank 0 of llm-train on vm computes 45 ms a step vs 27 ms.
Json StragglerAlert() {
  return ParseJson(R"JSON({"labels":{"alertname":"StragglerRank","severity":"warning","job":"llm-train","node":"vm","rank":"0"},
 "annotations":{"summary":"rank 0 on vm computes 45 ms a step vs 27 ms for the job's faster ranks (lower quartile): a straggler; every other rank waits for it in the all-reduce"},
 "startsAt":"2026-12-06T20:30:01Z","status":"firing"})JSON")
      .value();
}

// alert_only_demo.sh's Xid alert for the first injection (fault_inject's Xid 31 at 20:28:41).
Json XidAlert() {
  return ParseJson(R"JSON({"labels":{"alertname":"GPUXidError","severity":"critical","Hostname":"vm","gpu":"0","UUID":"GPU-aa69e501-3506-4aca-3b07-b84215490770","modelName":"NVIDIA H100 80GB HBM3","xid":"31"},
 "annotations":{"summary":"GPU 0 on vm reported Xid 31","description":"DCGM_FI_DEV_XID_ERRORS is 31 (illegal memory access) on vm GPU 0 (GPU-aa69e501-3506-4aca-3b07-b84215490770)."},
 "startsAt":"2026-12-06T20:28:43Z","status":"firing",
 "generatorURL":"http://prometheus:9090/graph?g0.expr=DCGM_FI_DEV_XID_ERRORS+%3E+0&g0.tab=1"})JSON")
      .value();
}

// The run's node.kernel_log@vm (read at 20:30:01), trimmed to 4 of its 8 findings.
ProbeResult Run50KernelLog() {
  ProbeResult r;
  r.probe = "node.kernel_log";
  r.target = "vm";
  r.status = ProbeStatus::kFail;
  r.duration_s = 0.011;
  r.reason =
      "gpu0 (PCI 0000:00:06): Xid 31 [illegal_memory_access] at 2026-12-06T20:28:41Z: NVRM: Xid (PCI:0000:00:06): 31, "
      "pid=745, name=fault_inject, channel 0x0000000a, intr 00000000. MMU Fault: ENGINE GRAPHICS GPC1 GPCCLIENT_T1_8 "
      "faulted @ 0xdea_d0; gpu0 (PCI 0000:00:06): Xid 43 [illegal_memory_access] at 2026-12-06T20:28:48Z: NVRM: Xid "
      "(PCI:0000:00:06): 43, pid=819, name=fault_inject, channel 0x0000000a; and 2 more (4 finding(s) in the last "
      "3600 s, dmesg) (the node booted 126 s ago: nothing from before its boot was read)";
  auto finding = [](int xid, long pid, const std::string& name, const std::string& time) {
    return Json{{"category", "illegal_memory_access"},
                {"gpu", 0},
                {"kind", "xid"},
                {"pci", "0000:00:06"},
                {"pid", pid},
                {"process", name},
                {"text", "NVRM: Xid (PCI:0000:00:06): " + std::to_string(xid) + ", pid=" + std::to_string(pid) +
                             ", name=" + name + ", channel 0x0000000a"},
                {"time", time},
                {"uuid", "GPU-aa69e501-3506-4aca-3b07-b84215490770"},
                {"xid", xid}};
  };
  r.details = Json{{"categories", Json::array({"illegal_memory_access"})},
                   {"findings", Json::array({finding(31, 745, "fault_inject", "2026-12-06T20:28:41Z"),
                                             finding(43, 819, "fault_inject", "2026-12-06T20:28:48Z"),
                                             finding(43, 849, "python3", "2026-12-06T20:28:57Z"),
                                             finding(43, 1145, "python3", "2026-12-06T20:29:38Z")})},
                   {"gpu_map", "/proc/driver/nvidia/gpus (PCI order)"},
                   {"gpus_by_category", Json{{"illegal_memory_access", Json::array({0})}}},
                   {"source", "dmesg"},
                   {"uncategorised", Json::array()}};
  r.metrics = {{"findings_in_window", 4}, {"xid_lines", 4}, {"lines_read", 367}, {"log_covers_s", 126.19},
               {"read_at_unix_s", 1796589001.8}, {"window_s", 3600}};
  return r;
}

// The run's healthy GPU: node.kernel_log as above, gpu.health / gpu.inventory / gpu.kernel_launch /
// gpu.hbm_bandwidth passing on vm/gpu0.
void RecordRun50(testing::RecordedExecutor& e) {
  e.results["node.kernel_log@vm"] = Run50KernelLog();
  e.Record("gpu.inventory", "vm", ProbeStatus::kPass, "all checks passed", 0.02);
  e.Record("gpu.inventory", "vm/gpu0", ProbeStatus::kPass, "all checks passed", 0.02);
  e.Record("gpu.health", "vm/gpu0", ProbeStatus::kPass, "all checks passed", 1.0);
  e.Record("gpu.kernel_launch", "vm/gpu0", ProbeStatus::kPass, "all checks passed", 0.5);
  e.Record("gpu.hbm_bandwidth", "vm/gpu0", ProbeStatus::kPass, "all checks passed", 0.5);
}

Diagnosis DiagnoseWith(const Json& case_json, testing::RecordedExecutor& exec) {
  Json j = case_json;
  j["id"] = "plc48";
  auto c = ParseCase(j, "plc48.json");
  REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  DiagnosisAgentOptions o;
  o.kb = &testing::ShippedPack();
  auto r = DiagnosisAgent(o).Diagnose(*c, &exec);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return r->diagnosis;
}

TEST_CASE("plc48 XidProcessOf: the pid and name an Xid report names") {
  const FaultProcess p = XidProcessOf("NVRM: Xid (PCI:0000:00:06): 31, pid=745, name=fault_inject, channel 0x0000000a");
  CHECK(p.pid == 745);
  CHECK(p.name == "fault_inject");
  CHECK(XidProcessOf("NVRM: Xid (PCI:0000:00:06): 43, pid=849, name=python3, channel 0x0000000a").name == "python3");
  CHECK_FALSE(XidProcessOf("NVRM: Xid (PCI:0000:3b:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus.").pid >= 0);
  CHECK_FALSE(XidProcessOf("kernel: python3[849]: segfault at 0 ip pid=849").named());  // no Xid report
}

TEST_CASE("plc48 RunningSlowSinceMs: a straggler or slow-step alert's start; none for an Xid alert") {
  auto alert_of = [](const Json& j) {
    Json cj{{"id", "a"}, {"alert", j}};
    auto c = ParseCase(cj, "a.json");
    REQUIRE(c.ok());
    REQUIRE(c->alert.has_value());
    return *c->alert;
  };
  const Alert straggler = alert_of(StragglerAlert());
  CHECK(RunningSlowSinceMs(&straggler) == straggler.starts_at_ms);
  CHECK(straggler.starts_at_ms > 0);
  const Alert xid = alert_of(XidAlert());
  CHECK(RunningSlowSinceMs(&xid) == kNone);
  CHECK(RunningSlowSinceMs(nullptr) == kNone);
}

TEST_CASE("plc48 AnotherProcessFault: before a slow alert, unless a log of the job names the process or ends there") {
  LogClock clock;
  const int64_t xid = LineTimeMs("2026-12-06T20:28:41Z", clock);
  REQUIRE(xid != kNone);
  JobRunning running;
  running.clock = clock;
  running.slow_since_ms = LineTimeMs("2026-12-06T20:30:01Z", clock);
  const FaultProcess p = XidProcessOf("NVRM: Xid (PCI:0000:00:06): 31, pid=745, name=fault_inject, channel 0x0000000a");
  CHECK(AnotherProcessFault(running, p, xid));
  CHECK_FALSE(AnotherProcessFault(running, FaultProcess{}, xid));                        // names no process
  CHECK_FALSE(AnotherProcessFault(running, p, LineTimeMs("2026-12-06T20:30:14Z", clock)));  // after the alert's start
  CHECK_FALSE(AnotherProcessFault(running, p, kNone));
  JobRunning no_alert = running;
  no_alert.slow_since_ms = kNone;
  CHECK_FALSE(AnotherProcessFault(no_alert, p, xid));
  // The job's log names the pid: the job's own process.
  JobRunning pid_named = running;
  pid_named.logs = {{"2026-12-06T20:27:00Z [rank0] started worker (pid 745)", "2026-12-06T20:29:50Z step 300 loss 2.1"}};
  CHECK(FaultTiedToJob(pid_named, p, xid));
  CHECK_FALSE(AnotherProcessFault(pid_named, p, xid));
  // ... or its name as a word; a path holding it is no name.
  JobRunning name_named = running;
  name_named.logs = {{"2026-12-06T20:27:00Z launching fault_inject on GPU 0"}};
  CHECK(FaultTiedToJob(name_named, p, xid));
  JobRunning path = running;
  path.logs = {{"2026-12-06T20:27:00Z /opt/fault_inject_tools/run.sh started", "2026-12-06T20:29:55Z step 310 loss 2.0"}};
  CHECK_FALSE(FaultTiedToJob(path, p, xid));
  // The rank's log ends at the fault: its process died there.
  JobRunning died = running;
  died.logs = {{"2026-12-06T20:28:10Z step 100 loss 2.31", "2026-12-06T20:28:40Z step 101 loss 2.30"}};
  CHECK(FaultTiedToJob(died, p, xid));
  CHECK_FALSE(AnotherProcessFault(died, p, xid));
  // Steps through the fault (PLC43) read as before, with no alert.
  no_alert.steps = {{xid - 60'000, 100}, {xid + 30'000, 101}, {xid + 150'000, 104}};
  CHECK(AnotherProcessFault(no_alert, p, xid));
}

TEST_CASE("plc48 H100 run 50: a straggler alert is not answered by exited processes' Xids of the kernel log") {
  testing::RecordedExecutor exec;
  RecordRun50(exec);
  const Diagnosis d = DiagnoseWith(Json{{"alert", StragglerAlert()}}, exec);
  // Before: illegal_memory_access on vm/gpu0 0.72, confirmed.
  CHECK(d.root_cause != "illegal_memory_access");
  CHECK(testing::ProbabilityOf(d, "illegal_memory_access") < 0.3);
  for (const Hypothesis& h : d.hypotheses) {
    if (h.category == "illegal_memory_access") CHECK(h.status != HypothesisStatus::kConfirmed);
  }
  // Said as a side finding, not dropped.
  CHECK(testing::HasEvidenceWith(d, "side finding: the process faults it reads (pid 745 (fault_inject), pid 819"));
}

TEST_CASE("plc48 the same Xid still answers an alert that is the Xid itself") {
  // alert_only_demo.sh's GPUXidError for the first injection: the alert is the fault.
  testing::RecordedExecutor exec;
  RecordRun50(exec);
  const Diagnosis d = DiagnoseWith(Json{{"alert", XidAlert()}}, exec);
  CHECK(d.root_cause == "illegal_memory_access");
  CHECK(d.confidence >= 0.95);
  CHECK_FALSE(testing::HasEvidenceWith(d, "side finding"));
}

TEST_CASE("plc48 the same Xid still answers a straggler alert when the rank's log dies at its time") {
  testing::RecordedExecutor exec;
  RecordRun50(exec);
  Json logs = Json::array();
  logs.push_back(Json{{"source", "vm/rank0/stderr"},
                      {"lines", Json::array({"2026-12-06T20:27:40Z [rank0] step 100 | loss 2.31 | 45 ms",
                                             "2026-12-06T20:28:10Z [rank0] step 101 | loss 2.30 | 45 ms",
                                             "2026-12-06T20:28:40Z [rank0] step 102 | loss 2.30 | 46 ms"})}});
  const Diagnosis d = DiagnoseWith(Json{{"alert", StragglerAlert()}, {"logs", logs}}, exec);
  CHECK(d.root_cause == "illegal_memory_access");
  CHECK(d.confidence >= 0.6);
  CHECK_FALSE(testing::HasEvidenceWith(d, "side finding"));
}

TEST_CASE("plc48 an Xid line of the node's kernel log before a straggler alert: discounted as PLC43's trained-through one") {
  // The same fault as a pasted kernel log line (DiscountOutsideJobScope's log path), no probes.
  testing::RecordedExecutor none;
  Json logs = Json::array();
  logs.push_back(Json{{"source", "vm/dmesg"},
                      {"lines", Json::array({"2026-12-06T20:28:41Z vm kernel: NVRM: Xid (PCI:0000:00:06): 31, pid=745, "
                                             "name=fault_inject, channel 0x0000000a, intr 00000000. MMU Fault: ENGINE "
                                             "GRAPHICS GPC1 GPCCLIENT_T1_8 faulted @ 0xdea_d0000000"})}});
  const Diagnosis slow = DiagnoseWith(Json{{"alert", StragglerAlert()}, {"logs", logs}}, none);
  CHECK(slow.root_cause != "illegal_memory_access");
  CHECK(testing::HasEvidenceWith(slow, "the job ran on after it: another process's fault"));
  // The Xid alert itself keeps it.
  const Diagnosis xid = DiagnoseWith(Json{{"alert", XidAlert()}, {"logs", logs}}, none);
  CHECK(xid.root_cause == "illegal_memory_access");
  CHECK_FALSE(testing::HasEvidenceWith(xid, "another process's fault"));
}

}  // namespace
}  // namespace vigil
