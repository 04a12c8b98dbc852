// PLC33 (2026-12-06): realistic35's blind misses, seen (agents/HISTORY.md's PLC33 section). Each
// reading with near misses, and a small case through the whole reasoner that answered the old wrong
// category on the base code (a9f1ebf7):
// - a failed probe saying tasks hung blocked in a network file system's calls names storage_failure
//   (CategoriesNamedByProbe), not the GPU and host faults of its catalog entry (rl35-27: host_oom 0.77);
// - DeepSpeed's launcher reporting a rank's process "exits with return code = -9" is the pack's
//   SIGKILLed rank (pack-rank-killed-sigkill), as torchrun's "exitcode: -9 (pid: N)" (rl35-13: unknown);
// - a GPU's enforced power limit lowered under its draw (FindLoweredPowerCaps) is a power throttle on it,
//   not a straggler (rl35-07: straggler_rank 0.16).
// Evidence written for these tests, not copied from a case.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"
#include "agents/power_limit.h"

namespace vigil {

std::map<std::string, double> ProbeDeltas(const ProbeResult& r);  // builtin_reasoner.cc

namespace {

using testing::Case;
using testing::Log;

ProbeResult KernelLogFail(const std::string& reason) {
  ProbeResult r;
  r.probe = "node.kernel_log";
  r.target = "fs-n3";
  r.status = ProbeStatus::kFail;
  r.reason = reason;
  r.metrics["hung_tasks"] = 2;
  r.thresholds["hung_tasks_max"] = 0;
  return r;
}

TEST_CASE("plc33: a probe's hung tasks blocked in a network file system name the storage") {
  // Before: nothing named, every category of the kernel log's entry at full weight (host_oom among them).
  const std::map<std::string, double> d = ProbeDeltas(KernelLogFail("hung tasks blocked in beegfs stat/open"));
  REQUIRE(d.count("storage_failure"));
  CHECK(d.at("storage_failure") == doctest::Approx(kProbeFailWeight));
  for (const auto& [cat, w] : d) {
    if (cat != "storage_failure") CHECK(w < d.at("storage_failure"));
  }
  CHECK(ProbeDeltas(KernelLogFail("2 tasks blocked for more than 120 s in nfs4 rpc wait")).count("storage_failure"));
  CHECK(ProbeDeltas(KernelLogFail("hung task python:77 in lustre ll_file_open")).count("storage_failure"));
  // Near misses: hung tasks with no file system named; a file system named with no task hung.
  CHECK_FALSE(ProbeDeltas(KernelLogFail("hung tasks: 2 (blocked in io_schedule)")).count("storage_failure"));
  CHECK_FALSE(ProbeDeltas(KernelLogFail("Xid 79 on 0000:3a:00; beegfs client loaded")).count("storage_failure"));
}

Json MetadataCase(const std::string& reason) {
  const std::vector<std::string> nodes = {"fs-n3", "fs-n4"};
  Json c = Case("t-plc33-meta", nodes,
                Json::array({Log("users' jobs",
                                 {"job 771 (fs-n3): RuntimeError: DataLoader worker (pid 4410) is killed by signal: Killed."}),
                             Log("fs-n3/dmesg", {"[Fri Dec  4 20:31:55 2026] INFO: task python:4410 blocked for more than 122 seconds."})}));
  c["probes"]["node.kernel_log@fs-n3"] = {{"probe", "node.kernel_log"}, {"target", "fs-n3"},     {"status", "fail"},
                                         {"metrics", {{"hung_tasks", 3}}},   {"reason", reason}, {"duration_s", 2.0}};
  return c;
}

TEST_CASE("plc33: a worker killed while the node's tasks hang in the file system is the storage's") {
  // Before: host_oom @ fs-n3 (the probe's failure confirmed the killed worker's OOM reading).
  CHECK(testing::CaseAnswer(MetadataCase("hung tasks blocked in beegfs stat/open")).rfind("storage_failure @ ", 0) == 0);
  // Near miss: the same failure naming no file system leaves the killed worker's reading.
  CHECK(testing::CaseAnswer(MetadataCase("hung tasks found")).rfind("host_oom", 0) == 0);
}

Json LauncherCase(const std::string& code) {
  const std::vector<std::string> nodes = {"ds-07"};
  return Case("t-plc33-ds", nodes,
              Json::array({Log("job/stdout",
                               {"[2026-12-04 10:20:40,118] [INFO] [logging.py:128:log_dist] [Rank 0] step=100, skipped=0",
                                "ds-07:5101:5202 [0] NCCL INFO [Service thread] Connection closed by localRank 2",
                                "[2026-12-04 10:30:04,330] [ERROR] [launch.py:321:sigkill_handler] ['/usr/bin/python', '-u', "
                                "'sft.py', '--local_rank=2'] exits with return code = " +
                                    code,
                                "[2026-12-04 10:30:04,331] [INFO] [launch.py:319:sigkill_handler] Killing subprocess 5101"})}));
}

TEST_CASE("plc33: DeepSpeed's launcher reporting a rank's process killed by SIGKILL") {
  // Before: the line read only as a recalled incident (1.6), rank_process_crash at 0.16.
  const Diagnosis d = testing::RunCaseWithOwnProbes(LauncherCase("-9"));
  CHECK(d.root_cause == "rank_process_crash");
  CHECK(d.component == "ds-07/gpu2");  // the local rank (HintFromSignalExit, PLC10)
  CHECK(d.confidence > 0.3);
  // Near miss: a rank that exited on its own (code 1) is no SIGKILL: the recall alone.
  CHECK(testing::RunCaseWithOwnProbes(LauncherCase("1")).confidence < 0.3);
}

TimeSeries Gpu(const std::string& name, const std::string& node, int gpu, const std::vector<double>& values) {
  return testing::GpuSeries(name, node, gpu, "NVIDIA A100-SXM4-80GB", 1796266800000, 3600000, values);
}

TEST_CASE("plc33: a GPU's enforced power limit lowered under its draw is a cap holding it") {
  const std::vector<double> lowered = {400, 400, 200, 200, 200};
  auto caps = FindLoweredPowerCaps({Gpu("DCGM_FI_DEV_ENFORCED_POWER_LIMIT", "pw-19", 6, lowered),
                                    Gpu("DCGM_FI_DEV_POWER_USAGE", "pw-19", 6, {372, 381, 199, 198, 199})});
  REQUIRE(caps.size() == 1);
  CHECK(caps[0].node == "pw-19");
  CHECK(caps[0].gpu == 6);
  CHECK(caps[0].from_w == 400);
  CHECK(caps[0].to_w == 200);
  CHECK(caps[0].onset_ms == 1796266800000 + 2 * 3600000);
  // Near misses: a limit that never moved; a lowered limit on a GPU drawing far under it (idle); a
  // lowered limit with no power series of the same GPU.
  CHECK(FindLoweredPowerCaps({Gpu("DCGM_FI_DEV_ENFORCED_POWER_LIMIT", "pw-19", 6, {200, 200, 200}),
                              Gpu("DCGM_FI_DEV_POWER_USAGE", "pw-19", 6, {199, 199, 199})})
            .empty());
  CHECK(FindLoweredPowerCaps({Gpu("DCGM_FI_DEV_ENFORCED_POWER_LIMIT", "pw-19", 6, lowered),
                              Gpu("DCGM_FI_DEV_POWER_USAGE", "pw-19", 6, {372, 381, 60, 58, 61})})
            .empty());
  CHECK(FindLoweredPowerCaps({Gpu("DCGM_FI_DEV_ENFORCED_POWER_LIMIT", "pw-19", 6, lowered),
                              Gpu("DCGM_FI_DEV_POWER_USAGE", "pw-19", 5, {372, 381, 199, 198, 199})})
            .empty());
}

Json CapCase(const std::vector<int>& capped) {
  Json c = Case("t-plc33-cap", {"pw-14", "pw-19"}, Json::array({Log("sweep", {"epoch 1 | 612 img/s | pw-19", "epoch 1 | 1034 img/s | pw-14"})}));
  Json metrics = Json::array();
  auto add = [&](const TimeSeries& s) { metrics.push_back(testing::MetricJson(s)); };
  for (int g : {0, 6}) {
    const bool cap = std::find(capped.begin(), capped.end(), g) != capped.end();
    add(Gpu("DCGM_FI_DEV_ENFORCED_POWER_LIMIT", "pw-19", g, cap ? std::vector<double>{400, 400, 200, 200, 200, 200}
                                                                 : std::vector<double>{400, 400, 400, 400, 400, 400}));
    add(Gpu("DCGM_FI_DEV_POWER_USAGE", "pw-19", g, cap ? std::vector<double>{372, 381, 199, 198, 199, 199}
                                                       : std::vector<double>{372, 381, 380, 377, 379, 380}));
    add(Gpu("DCGM_FI_DEV_SM_CLOCK", "pw-19", g, cap ? std::vector<double>{1410, 1410, 1080, 1065, 1080, 1095}
                                                    : std::vector<double>{1410, 1410, 1410, 1410, 1410, 1410}));
    add(Gpu("DCGM_FI_DEV_ENFORCED_POWER_LIMIT", "pw-14", g, {400, 400, 400, 400, 400, 400}));
    add(Gpu("DCGM_FI_DEV_POWER_USAGE", "pw-14", g, {368, 377, 381, 375, 379, 380}));
    add(Gpu("DCGM_FI_DEV_SM_CLOCK", "pw-14", g, {1410, 1410, 1410, 1410, 1410, 1410}));
  }
  c["metrics"] = metrics;
  return c;
}

TEST_CASE("plc33: GPUs slowed by a lowered power limit are power throttled, not stragglers") {
  // Before: straggler_rank @ pw-19 (the capped GPUs' clocks below their peers').
  CHECK(testing::CaseAnswer(CapCase({0, 6})) == "gpu_power_throttle @ pw-19");  // two GPUs: the node's
  // Near miss: one GPU capped stays that GPU's.
  CHECK(testing::CaseAnswer(CapCase({6})) == "gpu_power_throttle @ pw-19/gpu6");
}

// The lead, 2026-12-06 (realistic35 rl35-30): a killed rank's pid in the kernel's Xid line names its GPU.
Json XidPidCase(const std::string& xid_bus) {
  Json c = Case("t-xidpid", {"mg-22"},
                Json::array({Log("job stdout",
                                 {"gpu-a100-22:601876:601950 [0] NCCL INFO [Service thread] Connection closed by localRank 1",
                                  "[rank0]:[E1206 14:00:04.228000 601876 ProcessGroupNCCL.cpp:1435] [PG ID 0 PG GUID 0(default_pg) "
                                  "Rank 0] NCCL error: remote process exited or there was a network error, NCCL version 2.21.5",
                                  "Root Cause (first observed failure): [0]: rank 1 (local_rank: 1) exitcode -9 (pid: 601877) "
                                  "Signal 9 (SIGKILL) received by PID 601877"}),
                             Log("mg-22/dmesg", {"[Sun Dec  6 14:00:03 2026] NVRM: Xid (PCI:" + xid_bus +
                                                 "): 43, pid=601877, name=python, Ch 00000018"})}));
  c["topology"]["gpus_per_node"] = 8;
  c["topology"]["gpu_pci_bus"] = {{"gpu0", "0000:07:00.0"}, {"gpu1", "0000:0f:00.0"}, {"gpu2", "0000:47:00.0"},
                                  {"gpu3", "0000:4e:00.0"}, {"gpu4", "0000:87:00.0"}, {"gpu5", "0000:90:00.0"},
                                  {"gpu6", "0000:b7:00.0"}, {"gpu7", "0000:bd:00.0"}};
  return c;
}

TEST_CASE("lead 2026-12-06: a killed rank's pid in an Xid line places it on that GPU, not its local rank's") {
  // Before: rank_process_crash @ mg-22/gpu1 (local rank 1; under MIG its instance was on gpu3).
  CHECK(testing::CaseAnswer(XidPidCase("0000:4e:00")) == "rank_process_crash @ mg-22/gpu3");
  // Near miss: the Xid on the local rank's own GPU changes nothing.
  CHECK(testing::CaseAnswer(XidPidCase("0000:0f:00")) == "rank_process_crash @ mg-22/gpu1");
}

// The lead, 2026-12-06 (realistic36 rl36-07): a limit that never moved, below the same model's on other nodes.
TimeSeries ModelGpu(const std::string& name, const std::string& node, int gpu, const std::string& model,
                    const std::vector<double>& values) {
  TimeSeries s = Gpu(name, node, gpu, values);
  if (model.empty()) s.labels.erase("modelName");
  else s.labels["modelName"] = model;
  return s;
}

TEST_CASE("lead 2026-12-06: a limit below the same model's on other nodes, drawn at, is a cap") {
  const std::string h200 = "NVIDIA H200";
  auto node = [&](const std::string& n, const std::string& model, double limit, double draw) {
    return std::vector<TimeSeries>{ModelGpu("DCGM_FI_DEV_POWER_MGMT_LIMIT", n, 0, model, {limit, limit, limit}),
                                   ModelGpu("DCGM_FI_DEV_POWER_USAGE", n, 0, model, {draw, draw, draw})};
  };
  auto join = [](std::vector<std::vector<TimeSeries>> parts) {
    std::vector<TimeSeries> all;
    for (auto& p : parts) all.insert(all.end(), p.begin(), p.end());
    return all;
  };
  auto caps = FindLoweredPowerCaps(join({node("a52", h200, 450, 441), node("a51", h200, 700, 640)}));
  REQUIRE(caps.size() == 1);
  CHECK(caps[0].node == "a52");
  CHECK(caps[0].below_peers);
  CHECK(caps[0].from_w == 700);
  CHECK(caps[0].to_w == 450);
  // Near misses: another model on the other node (an L40S's 350 W beside an H200's 700 W); no modelName;
  // the low-limit GPU drawing far under it (idle); the only node in the case (no peers).
  CHECK(FindLoweredPowerCaps(join({node("l40s-1", "NVIDIA L40S", 350, 345), node("a51", h200, 700, 640)})).empty());
  CHECK(FindLoweredPowerCaps(join({node("a52", "", 450, 441), node("a51", "", 700, 640)})).empty());
  CHECK(FindLoweredPowerCaps(join({node("a52", h200, 450, 120), node("a51", h200, 700, 640)})).empty());
  CHECK(FindLoweredPowerCaps(node("a52", h200, 450, 441)).empty());
}

}  // namespace
}  // namespace vigil
