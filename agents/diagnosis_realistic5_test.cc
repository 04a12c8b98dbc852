// Tests of the diagnosis on metric shapes found missing by evals/diagnosis/realistic5/ (RL5,
// 2026-12-02: incidents with Prometheus series, probe results and Slurm's view, written blind).
// These run the shipped knowledge pack (data/knowledge/) through GatherKnowledge and the built-in
// reasoner, as `vigil diagnose` does; recorded probe results go through the replay executor. The
// series and lines here are written for the tests, not copied from the cases.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "knowledge/knowledge_base.h"
#include "probes/probe.h"

namespace vigil {
namespace {

constexpr int64_t kStartMs = 1796000000000;  // the window's first sample
constexpr int kSamples = 41;                  // 20 minutes at 30 s

Json Series(const std::string& name, Json labels, const std::function<double(int)>& value) {
  Json s = Json::object();
  s["name"] = name;
  s["labels"] = std::move(labels);
  s["samples"] = Json::array();
  for (int i = 0; i < kSamples; ++i) {
    Json p = Json::array();
    p.push_back(kStartMs + 30000LL * i);
    p.push_back(value(i));
    s["samples"].push_back(p);
  }
  return s;
}

// dcgm-exporter's labels for GPU `g` of `host`.
Json Dcgm(const std::string& host, int g) {
  Json l = Json::object();
  l["Hostname"] = host;
  l["gpu"] = std::to_string(g);
  std::string uuid = "GPU-";
  uuid += host;
  uuid += "-";
  uuid += std::to_string(g);
  l["UUID"] = uuid;
  l["modelName"] = "NVIDIA H200";
  return l;
}

Json CaseJson(const std::vector<std::string>& nodes, const std::vector<std::string>& lines) {
  Json j = ParseJson(R"JSON({
    "id": "t-realistic5",
    "alert": {"labels": {"alertname": "TrainingStepTimeHigh", "severity": "warning"},
              "annotations": {"summary": "step time above baseline"},
              "startsAt": "2026-11-30T08:13:20Z"},
    "logs": [{"source": "job.out", "lines": []}],
    "metrics": [],
    "topology": {"gpus_per_node": 8, "nodes": []}
  })JSON").value();
  for (const std::string& n : nodes) j["topology"]["nodes"].push_back(n);
  for (const std::string& l : lines) j["logs"][0]["lines"].push_back(l);
  return j;
}

Diagnosis Run(const Json& j, const Json& probes = Json::object()) { return testing::RunJsonWithPack(j, probes); }

// A collective hang: every GPU of the node drops to 0 tensor activity together (NCCL kernels spin)
// and the flight recorder names the rank that never joined. The pack's straggler condition
// `DCGM_FI_PROF_PIPE_TENSOR_ACTIVE < 0.9 * avg by (Hostname) (...)` compares with the group's
// series means, so it held on all eight GPUs at once and the hang read as a straggler node
// (realistic5 case-rl5-12).
TEST_CASE("realistic5: a peer comparison holding on every GPU of its group at once is no straggler (RL5)") {
  Json j = CaseJson({"hg-01"},
                    {"[rank0]:[E1130 08:05:01.000000000 ProcessGroupNCCL.cpp:616] [Rank 0] Watchdog caught collective "
                     "operation timeout: WorkNCCL(SeqNum=500, OpType=ALLREDUCE, NumelIn=1024, NumelOut=1024, "
                     "Timeout(ms)=600000) ran for 600100 milliseconds before timing out.",
                     "[rank3]:[E1130 08:05:01.100000000 ProcessGroupNCCL.cpp:616] [Rank 3] Watchdog caught collective "
                     "operation timeout: WorkNCCL(SeqNum=500, OpType=ALLREDUCE, NumelIn=1024, NumelOut=1024, "
                     "Timeout(ms)=600000) ran for 600100 milliseconds before timing out.",
                     "fr_trace: Not all ranks joining collective 500 at entry 12", "fr_trace: Missing ranks: {5}"});
  for (int g = 0; g < 8; ++g) {
    j["metrics"].push_back(Series("DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", Dcgm("hg-01", g),
                                  [](int i) { return i < 8 ? 0.42 : 0.0; }));
  }
  Diagnosis d = Run(j);
  CHECK(d.root_cause == "nccl_collective_hang");
  CHECK(d.component == "hg-01/gpu5");
}

// The guard: one GPU of eight falling behind its peers is still the straggler the condition names.
TEST_CASE("realistic5: one GPU below its node's peers is still a peer outlier (RL5 guard)") {
  Json j = CaseJson({"hg-01"}, {"step 100 loss 2.10 step_time 1.02s", "step 101 loss 2.09 step_time 1.41s"});
  for (int g = 0; g < 8; ++g) {
    j["metrics"].push_back(Series("DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", Dcgm("hg-01", g),
                                  [g](int i) { return g == 6 && i >= 8 ? 0.21 : 0.42; }));
  }
  Diagnosis d = Run(j);
  CHECK(d.root_cause == "straggler_rank");
  CHECK(d.component == "hg-01/gpu6");
}

// A power cap left on every GPU of one node: dcgm-exporter's reasons field has the SW power cap bit
// (0x4) on all eight from the first sample on (so the pack's condition, holding on every series
// there is, is no metric evidence), and gpu.health on GPU 0 fails on the limit. The cap is the
// node's, not GPU 0's (realistic5 case-rl5-07).
TEST_CASE("realistic5: the SW power cap bit on every GPU of a node makes the power throttle the node's (RL5)") {
  Json j = CaseJson({"pc-01", "pc-02"}, {"step 100 loss 2.10 step_time 1.02s", "step 101 loss 2.09 step_time 1.33s"});
  for (int g = 0; g < 8; ++g) {
    j["metrics"].push_back(Series("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", Dcgm("pc-02", g), [](int) { return 4.0; }));
    j["metrics"].push_back(Series("DCGM_FI_DEV_POWER_USAGE", Dcgm("pc-02", g), [](int) { return 400.0; }));
    j["metrics"].push_back(Series("DCGM_FI_DEV_POWER_USAGE", Dcgm("pc-01", g), [](int) { return 650.0; }));
  }
  Json probes = ParseJson(R"JSON({"gpu.health@pc-02/gpu0": {"probe": "gpu.health", "target": "pc-02/gpu0", "status": "fail",
      "metrics": {"power_limit_w": 400, "power_limit_default_w": 700, "clock_event_reasons": 4,
                  "sm_clock_mhz": 1365, "sm_clock_max_mhz": 1980},
      "thresholds": {"power_limit_w_min": 630},
      "reason": "clocks held at 1365 MHz of 1980 by: SW power cap; power limit 400 W below default 700 W",
      "duration_s": 1.2}})JSON").value();
  Diagnosis d = Run(j, probes);
  CHECK(d.root_cause == "gpu_power_throttle");
  CHECK(d.component == "pc-02");
}

// The guard: the cap bit on one GPU only stays that GPU's.
TEST_CASE("realistic5: the SW power cap bit on one GPU of eight stays that GPU's (RL5 guard)") {
  Json j = CaseJson({"pc-01", "pc-02"}, {"step 100 loss 2.10 step_time 1.02s", "step 101 loss 2.09 step_time 1.33s"});
  for (int g = 0; g < 8; ++g) {
    j["metrics"].push_back(
        Series("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", Dcgm("pc-02", g), [g](int) { return g == 3 ? 4.0 : 0.0; }));
  }
  Json probes = ParseJson(R"JSON({"gpu.health@pc-02/gpu3": {"probe": "gpu.health", "target": "pc-02/gpu3", "status": "fail",
      "metrics": {"power_limit_w": 400, "power_limit_default_w": 700, "clock_event_reasons": 4,
                  "sm_clock_mhz": 1365, "sm_clock_max_mhz": 1980},
      "thresholds": {"power_limit_w_min": 630},
      "reason": "clocks held at 1365 MHz of 1980 by: SW power cap; power limit 400 W below default 700 W",
      "duration_s": 1.2}})JSON").value();
  Diagnosis d = Run(j, probes);
  CHECK(d.root_cause == "gpu_power_throttle");
  CHECK(d.component == "pc-02/gpu3");
}

// node_exporter's filesystem series carry the mount table in their labels: a checkpoint path under
// an NFS export's mountpoint that ran out of space is the shared file system's (`job`), though only
// rank 0 (the checkpoint writer, on sf-01) printed the error (realistic5 case-rl5-23).
Json FullMount(const std::string& device, const std::string& fstype) {
  Json j = CaseJson({"sf-01", "sf-02"},
                    {"saving checkpoint at iteration 900 to /ckpt/run7",
                     "[rank0]: OSError: [Errno 28] No space left on device: '/ckpt/run7/iter_0000900/model.pt'",
                     "srun: error: sf-01: task 0: Exited with exit code 1"});
  Json l = Json::object();
  l["instance"] = "sf-01:9100";
  l["device"] = device;
  l["fstype"] = fstype;
  l["mountpoint"] = "/ckpt";
  j["metrics"].push_back(Series("node_filesystem_avail_bytes", l, [](int i) { return i < 25 ? 5e11 - i * 2e10 : 0.0; }));
  return j;
}

TEST_CASE("realistic5: a full NFS mount in node_exporter's labels makes the storage failure the job's (RL5)") {
  Diagnosis d = Run(FullMount("10.0.0.40:/export/ckpt", "nfs4"));
  CHECK(d.root_cause == "storage_failure");
  CHECK(d.component == "job");
}

TEST_CASE("realistic5: a full local NVMe mount in node_exporter's labels stays the node's (RL5 guard)") {
  Diagnosis d = Run(FullMount("/dev/nvme0n1", "ext4"));
  CHECK(d.root_cause == "storage_failure");
  CHECK(d.component == "sf-01");
}


// Review RV-RL5. The SW power cap bit (0x4) is also what a GPU shows while it runs at its own
// default limit under a heavy load: seven GPUs at their 700 W limit with the bit set beside one
// GPU capped at 400 W are no node-wide cap; the capped GPU is the fault (e90762d counted all eight
// and answered the node).
Json CappedGpu3Probe() {
  return ParseJson(R"JSON({"gpu.health@pc-02/gpu3": {"probe": "gpu.health", "target": "pc-02/gpu3", "status": "fail",
      "metrics": {"power_limit_w": 400, "power_limit_default_w": 700, "clock_event_reasons": 4,
                  "sm_clock_mhz": 1365, "sm_clock_max_mhz": 1980},
      "thresholds": {"power_limit_w_min": 630},
      "reason": "clocks held at 1365 MHz of 1980 by: SW power cap; power limit 400 W below default 700 W",
      "duration_s": 1.2}})JSON").value();
}

TEST_CASE("realistic5: the SW power cap bit on GPUs at their own full limit is no node-wide cap (RV-RL5)") {
  Json j = CaseJson({"pc-01", "pc-02"}, {"step 100 loss 2.10 step_time 1.02s", "step 101 loss 2.09 step_time 1.33s"});
  for (int g = 0; g < 8; ++g) {
    j["metrics"].push_back(Series("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", Dcgm("pc-02", g), [](int) { return 4.0; }));
    j["metrics"].push_back(
        Series("DCGM_FI_DEV_POWER_USAGE", Dcgm("pc-02", g), [g](int) { return g == 3 ? 398.0 : 699.0; }));
    j["metrics"].push_back(
        Series("DCGM_FI_DEV_ENFORCED_POWER_LIMIT", Dcgm("pc-02", g), [g](int) { return g == 3 ? 400.0 : 700.0; }));
  }
  Diagnosis d = Run(j, CappedGpu3Probe());
  CHECK(d.root_cause == "gpu_power_throttle");
  CHECK(d.component == "pc-02/gpu3");
}

// Idle GPUs (reason bit 0x1) draw little power; a cap bit beside the idle bit slows no work and is
// not counted toward the node (RV-RL5).
TEST_CASE("realistic5: the SW power cap bit on idle GPUs is no node-wide cap (RV-RL5)") {
  Json j = CaseJson({"pc-01", "pc-02"}, {"step 100 loss 2.10 step_time 1.02s", "step 101 loss 2.09 step_time 1.33s"});
  for (int g = 0; g < 8; ++g) {
    j["metrics"].push_back(
        Series("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", Dcgm("pc-02", g), [g](int) { return g == 3 ? 4.0 : 5.0; }));
    j["metrics"].push_back(
        Series("DCGM_FI_DEV_POWER_USAGE", Dcgm("pc-02", g), [g](int) { return g == 3 ? 398.0 : 80.0; }));
  }
  Diagnosis d = Run(j, CappedGpu3Probe());
  CHECK(d.root_cause == "gpu_power_throttle");
  CHECK(d.component == "pc-02/gpu3");
}

// A reasons value that is no bit field (-1 from a broken exporter reads as every bit set after the
// cast) is not read: it made the brake "node-wide" (RV-RL5).
TEST_CASE("realistic5: a negative throttle-reasons value is not read as bits (RV-RL5)") {
  Json j = CaseJson({"pc-01", "pc-02"}, {"step 100 loss 2.10 step_time 1.02s", "step 101 loss 2.09 step_time 1.33s"});
  for (int g = 0; g < 8; ++g) {
    j["metrics"].push_back(Series("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", Dcgm("pc-02", g), [](int) { return -1.0; }));
  }
  Diagnosis d = Run(j, CappedGpu3Probe());
  CHECK(d.root_cause == "gpu_power_throttle");
  CHECK(d.component == "pc-02/gpu3");
}

// A local NVMe mounted below the NFS mountpoint (/data/local under /data): the full path lies on
// the deeper, local mount, so the storage failure is the node's (RV-RL5; 67a8c4e answered `job`).
TEST_CASE("realistic5: a full local mount nested under an NFS mountpoint stays the node's (RV-RL5)") {
  Json j = CaseJson({"sf-01", "sf-02"},
                    {"saving checkpoint at iteration 900 to /data/local/run7",
                     "[rank0]: OSError: [Errno 28] No space left on device: '/data/local/run7/iter_0000900/model.pt'",
                     "srun: error: sf-01: task 0: Exited with exit code 1"});
  auto mount = [](const std::string& device, const std::string& fstype, const std::string& mp) {
    Json l = Json::object();
    l["instance"] = "sf-01:9100";
    l["device"] = device;
    l["fstype"] = fstype;
    l["mountpoint"] = mp;
    return l;
  };
  j["metrics"].push_back(
      Series("node_filesystem_avail_bytes", mount("10.0.0.40:/export/data", "nfs4", "/data"), [](int) { return 5e13; }));
  j["metrics"].push_back(Series("node_filesystem_avail_bytes", mount("/dev/nvme0n1", "ext4", "/data/local"),
                                [](int i) { return i < 25 ? 5e11 - i * 2e10 : 0.0; }));
  Diagnosis d = Run(j);
  CHECK(d.root_cause == "storage_failure");
  CHECK(d.component == "sf-01");
}

// The same with a pasted df: the export line and the nested local device's line (RV-RL5).
TEST_CASE("StorageIsShared: a path under a local device mounted below an export's mountpoint is local (RV-RL5)") {
  std::vector<std::string> enospc = {"OSError: [Errno 28] No space left on device: '/data/local/run7/model.pt'"};
  std::vector<std::string> df = {"10.0.0.40:/export/data  100T   40T   60T  40% /data",
                                 "/dev/nvme0n1p1           3.5T  3.5T     0 100% /data/local"};
  CHECK_FALSE(StorageIsShared(enospc, df));
  CHECK_FALSE(StorageIsShared(enospc, StorageLines(df)));
  std::vector<std::string> on_nfs = {"OSError: [Errno 28] No space left on device: '/data/shared_ckpt/model.pt'"};
  CHECK(StorageIsShared(on_nfs, df));
  std::vector<std::string> sibling = {"OSError: [Errno 28] No space left on device: '/data/localx/model.pt'"};
  CHECK(StorageIsShared(sibling, df));
}


// Review RV-RL5: a job the scheduler killed. The job hung on a lost Lustre OST (both nodes' clients
// lost it, the checkpoint write blocked) until Slurm's time limit ended it; the driver's Xid 45 on
// the killed processes' GPUs and slurmd's "Kill task failed" follow the kill. They are no rank
// crash: the storage failure is the cause (realistic5 case-rl5-26 answered rank_process_crash).
std::vector<std::string> LustreHangLines() {
  return {"Nov 30 01:00:32 kq-01 kernel: Lustre: proj-OST0007-osc-ffff8c2a11e0c000: Connection to proj-OST0007 "
          "(at 10.60.1.7@o2ib) was lost; in progress operations using this service will wait for recovery to complete",
          "Nov 30 01:00:33 kq-02 kernel: Lustre: proj-OST0007-osc-ffff9d0b52a41000: Connection to proj-OST0007 "
          "(at 10.60.1.7@o2ib) was lost; in progress operations using this service will wait for recovery to complete",
          "Nov 30 01:01:10 kq-01 kernel: LustreError: 11-0: proj-OST0007-osc-ffff8c2a11e0c000: operation ost_write "
          "to node 10.60.1.7@o2ib failed: rc = -107",
          "Nov 30 01:01:12 kq-02 kernel: LustreError: 11-0: proj-OST0007-osc-ffff9d0b52a41000: operation ost_write "
          "to node 10.60.1.7@o2ib failed: rc = -107",
          "Nov 30 01:03:20 kq-01 kernel: INFO: task python3:20931 blocked for more than 120 seconds."};
}

// `lines`, then what a kill leaves on kq-01 (two Xid 45 kernel lines at 01:19:34, then `after`), and
// dcgm-exporter's last Xid 45 on every GPU of kq-01 and kq-02 from sample 40 (01:20:00) on, under a
// DCGMXidErrors alert for Xid 45.
Diagnosis RunXid45AfterKill(std::vector<std::string> lines, const std::vector<std::string>& after) {
  lines.push_back("Nov 30 01:19:34 kq-01 kernel: NVRM: Xid (PCI:0000:2a:00): 45, pid=20931, name=python3, Ch 00000008");
  lines.push_back("Nov 30 01:19:34 kq-01 kernel: NVRM: Xid (PCI:0000:3a:00): 45, pid=20932, name=python3, Ch 00000008");
  lines.insert(lines.end(), after.begin(), after.end());
  Json j = CaseJson({"kq-01", "kq-02"}, lines);
  for (const char* host : {"kq-01", "kq-02"}) {
    for (int g = 0; g < 8; ++g) {
      j["metrics"].push_back(Series("DCGM_FI_DEV_XID_ERRORS", Dcgm(host, g), [](int i) { return i >= 40 ? 45.0 : 0.0; }));
    }
  }
  j["alert"]["labels"]["alertname"] = "DCGMXidErrors";
  j["alert"]["labels"]["xid"] = "45";
  return Run(j);
}

TEST_CASE("realistic5: Xid 45 after Slurm's time limit killed a hung job is no rank crash (RV-RL5)") {
  std::vector<std::string> lines = LustreHangLines();
  std::string kill = "slurmstepd: error: *** JOB 5512 ON kq-01 CANCELLED AT 2026-11-30T01:19:30 DUE TO TIME LIMIT ***";
  SUBCASE("time limit") {}
  SUBCASE("preemption") {
    kill = "slurmstepd: error: *** JOB 5512 ON kq-01 CANCELLED AT 2026-11-30T01:19:30 DUE TO PREEMPTION ***";
  }
  SUBCASE("scancel") { kill = "slurmstepd: error: *** JOB 5512 ON kq-01 CANCELLED AT 2026-11-30T01:19:30 ***"; }
  lines.push_back(kill);
  // dcgm-exporter's last Xid on every GPU of both nodes (01:20:00, sample 40, after the kill at
  // 01:19:30): the kill's cleanup outweighs the storage lines 2:1, too much to be explained away.
  Diagnosis d = RunXid45AfterKill(
      lines, {"[2026-11-30T01:21:00.101] error: slurmd error running JobId=5512 on node(s)=kq-01: Kill task failed"});
  CHECK(d.root_cause == "storage_failure");
}

// DEF6 (2026-12-04): slurmstepd prints CANCELLED AT in local time with no zone, and the kill's time
// was read as UTC while the case's other zone-less lines were read in its declared zone. At -05:00
// the kill moved five hours earlier, before a rank's SIGKILL seventy minutes ahead of it, and that
// crash (the job then hung to its time limit) was discounted as the kill's doing: `unknown`.
TEST_CASE("realistic5: a Slurm kill's time is read in the case's zone, as its other lines (DEF6)") {
  for (const std::string zone : {"-05:00", "UTC", "+02:00"}) {
    CAPTURE(zone);
    Json j = CaseJson({"kq-01", "kq-02"},
                      {"[2026-11-30T00:10:01] torch.distributed.elastic.multiprocessing.api: [ERROR] failed (exitcode: -9) "
                       "local_rank: 2 (pid: 20933) of binary: /usr/bin/python3",
                       "Nov 30 00:10:02 kq-01 kernel: NVRM: Xid (PCI:0000:3a:00): 45, pid=20933, name=python3, Ch 00000008",
                       "slurmstepd: error: *** JOB 5512 ON kq-01 CANCELLED AT 2026-11-30T01:19:30 DUE TO TIME LIMIT ***"});
    j["topology"]["timezone"] = zone;
    CHECK(Run(j).root_cause == "rank_process_crash");
  }
}

// The guard: a rank that segfaulted before the time limit ended the job is still the crash; only
// what follows the kill is discounted.
TEST_CASE("realistic5: a segfault before the scheduler's kill is still a rank crash (RV-RL5 guard)") {
  std::vector<std::string> lines = {
      "Nov 30 01:00:32 kq-01 kernel: python3[20933]: segfault at 0 ip 00007f3a1c2b4d10 sp 00007ffd9a1b2c40 error 4 in "
      "libcustom_ops.so[7f3a1c200000+1b4000]",
      "srun: error: kq-01: task 2: Segmentation fault (core dumped)",
      "Nov 30 01:00:33 kq-01 kernel: NVRM: Xid (PCI:0000:3a:00): 45, pid=20933, name=python3, Ch 00000008",
      "slurmstepd: error: *** JOB 5512 ON kq-01 CANCELLED AT 2026-11-30T01:19:30 DUE TO TIME LIMIT ***"};
  Json j = CaseJson({"kq-01", "kq-02"}, lines);
  Diagnosis d = Run(j);
  CHECK(d.root_cause == "rank_process_crash");
  CHECK(d.component == "kq-01/gpu2");
}


// Review RV-RL5: two hot GPUs of eight (their temperature series over the pack's limit, the probe
// failing on one of them) are those GPUs' own cooling, not the node's; six of eight are the node's.
Json HotGpus(const std::vector<int>& hot) {
  Json j = CaseJson({"th-01", "th-02"}, {"step 100 loss 2.10 step_time 1.02s", "step 101 loss 2.09 step_time 1.33s"});
  for (int g = 0; g < 8; ++g) {
    const bool h = std::find(hot.begin(), hot.end(), g) != hot.end();
    j["metrics"].push_back(Series("DCGM_FI_DEV_GPU_TEMP", Dcgm("th-02", g), [h](int i) { return h && i >= 10 ? 90.0 : 65.0; }));
  }
  return j;
}
Json HotProbe() {
  return ParseJson(R"JSON({"gpu.health@th-02/gpu3": {"probe": "gpu.health", "target": "th-02/gpu3", "status": "fail",
      "metrics": {"temperature_c": 91, "clock_event_reasons": 32, "sm_clock_mhz": 1400, "sm_clock_max_mhz": 1980},
      "thresholds": {"temperature_c_max": 87},
      "reason": "temperature 91 C above 87; clocks held by SW thermal slowdown", "duration_s": 1.0}})JSON").value();
}

TEST_CASE("realistic5: two hot GPUs of eight in the metrics are those GPUs', not the node's (RV-RL5)") {
  Diagnosis d = Run(HotGpus({3, 4}), HotProbe());
  CHECK(d.root_cause == "gpu_thermal_throttle");
  CHECK(d.component == "th-02/gpu3");
}

TEST_CASE("realistic5: six hot GPUs of eight in the metrics are the node's (RV-RL5 guard)") {
  Diagnosis d = Run(HotGpus({0, 1, 2, 3, 4, 5}), HotProbe());
  CHECK(d.root_cause == "gpu_thermal_throttle");
  CHECK(d.component == "th-02");
}


// ---------------------------------------------------------------------------------------------
// Review RG: the reasoner's known gaps (agents/HISTORY.md, "Known gaps closed (RG)").

namespace {
// A 4-node job whose 4th node's GPUs sit idle; `launch` and `alloc` are the launcher's and Slurm's
// lines. The training lines are the other nodes' steps.
Json LaunchCase(const std::vector<std::string>& lines) {
  std::vector<std::string> all = lines;
  for (int i = 0; i < 6; ++i) {
    all.push_back(" [2026-11-30 08:1" + std::to_string(i) + ":00] iteration     " + std::to_string(2010 + i) +
                  "/  500000 | elapsed time per iteration (ms): 6579.5 | lm loss: 2.304892E+00 | grad norm: 0.390 |");
  }
  Json j = CaseJson({"lc-01", "lc-02", "lc-03", "lc-04"}, all);
  j["alert"]["labels"]["alertname"] = "GPUIdleAllocated";
  j["alert"]["labels"]["Hostname"] = "lc-04";
  for (const char* host : {"lc-01", "lc-02", "lc-03", "lc-04"}) {
    const bool idle = std::string(host) == "lc-04";
    for (int g = 0; g < 8; ++g) {
      j["metrics"].push_back(Series("DCGM_FI_DEV_GPU_UTIL", Dcgm(host, g), [idle, g](int i) { return idle ? 0.0 : 94.0 + (i + g) % 5; }));
    }
  }
  return j;
}
}  // namespace

// realistic5 case-rl5-30's shape, written from what the tools print: a launcher asking for fewer nodes
// than Slurm allocated leaves the extra node's GPUs idle (its agent refused by the closed rendezvous).
TEST_CASE("realistic5: a launcher's node count that disagrees with the allocation is a launch config error (RG)") {
  std::vector<std::string> lines;
  SUBCASE("sbatch --nodes and torchrun --nnodes") {
    lines = {"#SBATCH --nodes=4 --gpus-per-node=8 --ntasks-per-node=1",
             "+ srun torchrun --nnodes=3 --nproc-per-node=8 --rdzv-backend=c10d --rdzv-endpoint=lc-01:29400 train.py"};
  }
  SUBCASE("scontrol's NumNodes and NodeList, an elastic range") {
    lines = {"   NumNodes=4 NumCPUs=512 NumTasks=4 CPUs/Task=128 ReqB:S:C:T=0:0:*:*",
             "   ReqNodeList=(null) ExcNodeList=(null)",
             "   NodeList=lc-[01-04]",
             "srun torchrun --nnodes=2:3 --nproc_per_node=8 --rdzv_backend=c10d --rdzv_endpoint=lc-01:29400 train.py"};
  }
  SUBCASE("SLURM_JOB_NODELIST's size and DeepSpeed's --num_nodes") {
    lines = {"SLURM_JOB_NODELIST=lc-01,lc-[02-04]",
             "deepspeed --num_nodes=3 --num_gpus=8 --hostfile=/tmp/hostfile train.py --deepspeed ds_config.json"};
  }
  SUBCASE("sacct's NNodes and srun -N") {
    lines = {"$ sacct -j 9120 -o JobID,JobName,NNodes,NodeList,State",
             "JobID           JobName   NNodes        NodeList      State",
             "------------ ---------- -------- --------------- ----------",
             "9120          pretrain        4     lc-[01-04]    RUNNING",
             "9120.batch        batch        1           lc-01    RUNNING",
             "9120.0         torchrun        3     lc-[01-03]    RUNNING",
             "srun -N 3 --ntasks-per-node=1 torchrun --nproc-per-node=8 train.py"};
  }
  SUBCASE("torch elastic's closed rendezvous with SLURM_NNODES") {
    lines = {"SLURM_NNODES=4",
             "torchrun --nnodes 3 --nproc-per-node 8 --rdzv-backend c10d --rdzv-endpoint lc-01:29400 train.py",
             "torch.distributed.elastic.rendezvous.api.RendezvousClosedError"};
  }
  Diagnosis d = Run(LaunchCase(lines));
  CHECK(d.root_cause == "launch_config_error");
  CHECK(d.component == "job");
}

// The guards: a launcher that fits its allocation (an exact count, an elastic range holding it, a
// step of fewer nodes than a second source's allocation of a different job) is no launch error.
TEST_CASE("realistic5: a launcher that fits its allocation is no launch config error (RG guard)") {
  std::vector<std::string> lines;
  SUBCASE("exact") {
    lines = {"#SBATCH --nodes=4 --gpus-per-node=8", "+ srun torchrun --nnodes=4 --nproc-per-node=8 train.py"};
  }
  SUBCASE("elastic range") {
    lines = {"SLURM_JOB_NUM_NODES=4", "torchrun --nnodes=3:4 --nproc-per-node=8 train.py"};
  }
  SUBCASE("two allocations disagree") {
    lines = {"SLURM_JOB_NUM_NODES=4", "   NumNodes=3 NumCPUs=384", "torchrun --nnodes=3 --nproc-per-node=8 train.py"};
  }
  SUBCASE("not a node list") {
    lines = {"   NodeList=(null)", "torchrun --nnodes=3 --nproc-per-node=8 train.py"};
  }
  Diagnosis d = Run(LaunchCase(lines));
  CHECK(d.root_cause != "launch_config_error");
}

// Review RV-RG: a launch using less than its allocation on purpose (a spare node kept for elastic
// restarts, steps of half the allocation) with no idle node and no refused agent is no launch error
// over the case's real fault (realistic5 case-rl5-11's shape: NCCL_SOCKET_IFNAME names an interface
// the nodes lack). With a spare node beside it, RG's weight made the launch error the answer.
TEST_CASE("realistic5: a launch using less than its allocation, with no idle node, is no cause (RV-RG)") {
  std::vector<std::string> lines;
  SUBCASE("a spare node") {
    lines = {"SLURM_JOB_NUM_NODES=5", "+ srun -N 4 torchrun --nnodes=4 --nproc-per-node=8 --rdzv-backend=c10d train.py"};
  }
  SUBCASE("steps of half the allocation") {
    lines = {"#SBATCH --nodes=8 --gpus-per-node=8",
             "+ srun -N 4 --ntasks-per-node=1 torchrun --nnodes=4 --nproc-per-node=8 train.py"};
  }
  lines.push_back("+ export NCCL_SOCKET_IFNAME=eth0");
  int pid = 41020;
  for (const char* h : {"nm-01", "nm-02", "nm-03", "nm-04"}) {
    std::string p = std::string(h);
    p += ":";
    p += std::to_string(pid);
    p += ":";
    p += std::to_string(pid);
    lines.push_back(p + " [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to eth0");
    lines.push_back(p + " [0] NCCL WARN Bootstrap : no socket interface found");
    pid += 8;
  }
  for (const char* l : {"[rank0]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/"
                        "NCCLUtils.hpp:317, internal error - please report this issue to the NCCL developers, NCCL "
                        "version 2.21.5",
                        "[rank0]: ncclInternalError: Internal check failed.", "[rank0]: Bootstrap : no socket interface found",
                        "srun: error: nm-01: task 0: Exited with exit code 1"}) {
    lines.push_back(l);
  }
  Json j = CaseJson({"nm-01", "nm-02", "nm-03", "nm-04"}, lines);
  j["alert"]["labels"]["alertname"] = "SlurmJobFailedFast";
  j["alert"]["annotations"]["summary"] = "job 220145 failed 41s after start";
  Diagnosis d = Run(j);
  CHECK(d.root_cause == "nccl_network_misconfig");
}

// Review RV-RG guard: a launch using less than its allocation whose started ranks wait for the others
// (c10d's store clients time out) is the launch's fault, with no idle-GPU metrics in the case.
TEST_CASE("realistic5: a launch using less than its allocation, its ranks waiting for the rest, keeps its weight (RV-RG)") {
  Json j = CaseJson({"lc-01", "lc-02", "lc-03", "lc-04"},
                    {"[2026-11-30T08:17:59.715] sched: Allocate JobId=771230 NodeList=lc-[01-04] #CPUs=384 Partition=gpu",
                     "launch: srun --nodes=3 --ntasks-per-node=1 torchrun --nnodes=3 --nproc-per-node=8",
                     "[W1130 08:47:59.894167000 socket.cpp:1019] [c10d] The client socket has timed out after 1800000ms "
                     "while trying to connect to (lc-01, 29500)."});
  j["alert"]["labels"]["alertname"] = "JobStartTimeout";
  j["alert"]["annotations"]["summary"] = "no rank reached step 1 in 30 min";
  Diagnosis d = Run(j);
  // Its full weight (the socket timeout is also read as a network misconfiguration, as strong).
  bool full = false;
  for (const Evidence& e : d.evidence) {
    full = full || (e.detail.rfind("launch does not fit the allocation", 0) == 0 && e.weight >= 3.0);
  }
  CHECK(full);
}

// Review RV-RG: a launcher asking for more nodes than allocated cannot start as written: a cause with
// no consequence needed (the guard above is only for a launch using less).
TEST_CASE("realistic5: a launcher asking for more nodes than allocated stays a launch config error (RV-RG)") {
  Json j = CaseJson({"lc-01", "lc-02", "lc-03", "lc-04"},
                    {"SLURM_JOB_NUM_NODES=4", "+ srun torchrun --nnodes=5 --nproc-per-node=8 --rdzv-backend=c10d train.py"});
  j["alert"]["labels"]["alertname"] = "SlurmJobFailedFast";
  Diagnosis d = Run(j);
  CHECK(d.root_cause == "launch_config_error");
}

// Item 2: Kubernetes' own kill wording, the same consequence as Slurm's (Xid 45 on the killed
// processes' GPUs is the driver's cleanup, not a crash).
TEST_CASE("realistic5: Xid 45 after Kubernetes ended the pod is no rank crash (RG)") {
  std::vector<std::string> lines = LustreHangLines();
  std::string kill;
  SUBCASE("activeDeadlineSeconds") {
    kill = "  Warning  DeadlineExceeded  3m    kubelet  Pod was active on the node longer than the specified deadline";
  }
  SUBCASE("Job deadline") { kill = "  Warning  DeadlineExceeded  2m  job-controller  Job was active longer than specified deadline"; }
  SUBCASE("scheduler preemption") {
    kill = "  Normal   Preempted  4m  default-scheduler  Preempted by ml-prod/llm-pretrain-worker-0 on node kq-01";
  }
  SUBCASE("Kueue") {
    kill = "Normal Preempted workload/pytorchjob-llm-3c2a1 Preempted to accommodate a workload (UID: 5b1e) due to "
           "prioritization in the ClusterQueue";
  }
  SUBCASE("DisruptionTarget") { kill = "    reason: PreemptionByScheduler"; }
  SUBCASE("kubectl get pods") {
    // The pod is the case's (review RV-RG: a listing's row counts only for a pod the case names).
    lines.push_back("Name:             llm-pretrain-worker-1");
    kill = "llm-pretrain-worker-1   0/1     Evicted   0          5h12m";
  }
  lines.push_back(kill);
  Diagnosis d = RunXid45AfterKill(lines, {"    Exit Code:    137"});
  CHECK(d.root_cause == "storage_failure");
}

// The guards: gRPC's DeadlineExceeded (any call that timed out) and OOMKilled (a kill with a cause)
// are no scheduler's kill: the Xid 45 stays what it was read as before.
TEST_CASE("realistic5: gRPC's DeadlineExceeded and OOMKilled are no scheduler kill (RG guard)") {
  std::vector<std::string> lines = LustreHangLines();
  SUBCASE("gRPC") { lines.push_back("rpc error: code = DeadlineExceeded desc = context deadline exceeded"); }
  SUBCASE("OOMKilled") { lines.push_back("      Reason:       OOMKilled"); }
  // Review RV-RG: gRPC's status in a structured log, and another job's pod left listed as Evicted
  // (evicted pods stay in `kubectl get pods` until deleted) are no kill of this job.
  SUBCASE("gRPC's reason in a JSON log") {
    lines.push_back(R"({"level":"warn","msg":"retrying checkpoint upload","reason":"DeadlineExceeded"})");
  }
  SUBCASE("another pod evicted days ago") { lines.push_back("data-prep-7d9f4   0/1     Evicted   0          3d"); }
  Diagnosis d = RunXid45AfterKill(lines, {});
  // RL8: the pack now reads the Lustre client's "Connection to ... was lost" lines as storage evidence
  // too, and the OST loss on both nodes outweighs the Xid 45s (the answer is storage_failure, as it
  // is under a real kill above). What the guard holds: no Xid 45 is discounted as the kill's cleanup,
  // and the crash stays a hypothesis in the top 3.
  for (const Evidence& e : d.evidence) CHECK(e.detail.find("after the scheduler's kill") == std::string::npos);
  bool crash_in_top3 = false;
  for (size_t i = 0; i < d.hypotheses.size() && i < 3; ++i) {
    crash_in_top3 = crash_in_top3 || d.hypotheses[i].category == "rank_process_crash";
  }
  CHECK(crash_in_top3);
}

// Item 3: a training exporter's per-rank series (rank="13", no host) carrying the silent data
// corruption: placed by the case's rank layout on that rank's GPU, else the job; never "".
TEST_CASE("realistic5: silent data corruption from rank-only series has a component (RG)") {
  // The usual layout (rank r on nodes[r // 8], GPU r % 8) is laid out from the topology's node list.
  bool layout = true;
  SUBCASE("with the rank layout") {}
  SUBCASE("without a node list") { layout = false; }
  Json j = CaseJson(layout ? std::vector<std::string>{"sd-01", "sd-02"} : std::vector<std::string>{},
                    {"determinism check failed: replica checksum mismatch at step 4200"});
  j["alert"]["labels"]["alertname"] = "GradNormSpread";
  for (int r = 0; r < 16; ++r) {
    Json l = Json::object();
    l["job"] = "llm";
    l["rank"] = std::to_string(r);
    l["dp_rank"] = std::to_string(r);
    l["pp_rank"] = "0";
    l["tp_rank"] = "0";
    j["metrics"].push_back(Series("grad_norm", l, [r](int i) { return r == 13 && i >= 20 ? 1.93 : 0.41; }));
  }
  Diagnosis d = Run(j);
  REQUIRE(d.root_cause == "gpu_silent_data_corruption");
  CHECK(!d.component.empty());
  if (layout) CHECK(d.component == "sd-02/gpu5");
  else CHECK(d.component == "job");
}

}  // namespace
}  // namespace vigil
