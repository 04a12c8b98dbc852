// PLC80 (2026-12-08, realistic64, SEEN fixes: what realistic64's blind run and PLC74 / PLC78 left): evidence
// written for these tests (made-up minimal lines in the shape of a training job's logs and of
// /proc/PID/status, not the cases' text).
#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/pid_cpus_allowed.h"

namespace vigil {
namespace {

// 1. (rl64-26) One training process confined to a sliver of its peers' CPUs (/proc/PID/status), its GPU named
//    by NCCL's own line prefix for that pid: a host-side straggler on that GPU, read after the metrics so that
//    the low utilisation of that GPU is moved to it.
TEST_CASE("plc80: PidCpusAllowed, FindPidCpuOutlier and NcclDeviceOfPid") {
  const std::vector<std::string> l = {"/proc/4100/status:Cpus_allowed_list:\t0-15", "/proc/4101/status:Cpus_allowed_list:\t16-31",
                                      "/proc/4102/status:Cpus_allowed_list:\t32,33", "/proc/4103/status:Cpus_allowed_list:\t48-63"};
  REQUIRE(PidCpusAllowed(l[2]).has_value());
  CHECK(PidCpusAllowed(l[2])->first == 4102);
  CHECK(PidCpusAllowed(l[2])->second == 2);
  CHECK_FALSE(PidCpusAllowed("/proc/4100/status:Cpus_allowed:\tffff").has_value());
  const std::optional<PidCpuOutlier> o = FindPidCpuOutlier(l);
  REQUIRE(o.has_value());
  CHECK(o->pid == 4102);
  CHECK(o->cpus == 2);
  CHECK(o->peer_cpus == 16);
  CHECK(o->processes == 4);
  CHECK_FALSE(FindPidCpuOutlier({l[0], l[1], l[3]}).has_value());  // none stands out
  CHECK_FALSE(FindPidCpuOutlier({l[0], l[2]}).has_value());        // too few
  std::string host;
  CHECK(NcclDeviceOfPid({"cx-3:4101:4300 [1] NCCL INFO Channel 00/02", "cx-3:4102:4310 [2] NCCL INFO comm 0x1 rank 10 nRanks 16"}, 4102, &host) == 2);
  CHECK(host == "cx-3");
  CHECK(NcclDeviceOfPid({"cx-3:4101:4300 [1] NCCL INFO Channel 00/02"}, 4102) == -1);
  CHECK(NcclDeviceOfPid({"cx-3:4102:4300 [1] NCCL INFO a", "cx-3:4102:4301 [2] NCCL INFO b"}, 4102) == -1);  // two devices
}

std::string PinnedCase(const std::string& outlier_list) {
  std::string iters;
  for (int i = 0; i < 6; ++i) {
    char buf[240];
    std::snprintf(buf, sizeof buf,
                  "\" [2026-03-09 08:%02d:00] iteration %5d/ 90000 | elapsed time per iteration (ms): 4100.0 | lm loss: 2.1 |\",",
                  i, 300 + 10 * i);
    iters += buf;
  }
  std::string util;
  for (int gpu = 1; gpu <= 2; ++gpu) {
    char buf[400];
    const double v = gpu == 2 ? 52.0 : 88.0;  // the pinned process's GPU (2) runs below the others
    std::snprintf(buf, sizeof buf,
                  R"({"name": "DCGM_FI_DEV_GPU_UTIL", "labels": {"Hostname": "cx-3", "gpu": "%d"}, "samples": )"
                  R"([[1773043200000, %.0f], [1773043260000, %.0f], [1773043320000, %.0f], [1773043380000, %.0f]]}%s)",
                  gpu, v, v + 1, v - 1, v, gpu == 1 ? "," : "");
    util += buf;
  }
  return R"JSON({
  "id": "plc80-pinned",
  "topology": {"nodes": ["cx-2", "cx-3"], "gpus_per_node": 4, "timezone": "UTC",
               "rank_layout": "rank r runs on nodes[r // 4], local GPU r % 4"},
  "metrics": [)JSON" + util + R"JSON(],
  "logs": [{"source": "slurm-77.out", "lines": [
    "srun: job 77 step 0: 8 tasks on 2 nodes (cx-[2-3])",
    "cx-2:3100:3300 [0] NCCL INFO comm 0x5 rank 0 nRanks 8 nNodes 2 localRanks 4 localRank 0 - Init COMPLETE",
    )JSON" + iters + R"JSON(
    "cx-3:4102:4310 [2] NCCL INFO proxy thread started"]},
   {"source": "cx-3/procs.txt", "lines": [
    "cx-3$ grep -H Cpus_allowed_list /proc/$(pgrep -d' ' -f train.py)/status",
    "/proc/4100/status:Cpus_allowed_list:\t0-15",
    "/proc/4101/status:Cpus_allowed_list:\t16-31",
    "/proc/4102/status:Cpus_allowed_list:\t)JSON" + outlier_list + R"JSON(",
    "/proc/4103/status:Cpus_allowed_list:\t48-63"]}]
})JSON";
}

TEST_CASE("plc80: a process pinned to two cores whose NCCL lines name its GPU is the straggler there") {
  const Diagnosis d = testing::RunCaseText(PinnedCase("32,33"));
  CHECK(d.root_cause == "straggler_rank");
  CHECK(d.component == "cx-3/gpu2");
  CHECK(testing::HasEvidenceWith(d, "NCCL names its device 2"));
  CHECK(testing::HasEvidenceWith(d, "read as straggler_rank"));  // the GPU's low utilisation, moved
  // Every process with its share of the cores: no such reading.
  const Diagnosis even = testing::RunCaseText(PinnedCase("32-47"));
  CHECK_FALSE(testing::HasEvidenceWith(even, "NCCL names its device"));
  CHECK(even.root_cause != "straggler_rank");
}

}  // namespace
}  // namespace vigil
