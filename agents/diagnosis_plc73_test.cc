// PLC73 (2026-12-07): what realistic63 ("the host side of a GPU job") showed - SEEN fixes, not blind.
// General readings, each with short lines written here as another cluster prints the same shapes (no
// case text of the set):
// - NCCL's own "failed to extend /dev/shm/nccl-X" / "Error while creating shared memory segment" beside
//   a /dev/shm at the container's default size: the launch (container_shm.h);
// - node.kernel_log's hung tasks in nfs_wait_bit_killable / "NFS server not responding": the storage
//   (CategoriesNamedByProbe);
// - node.kernel_log's SIGBUS for an uncorrectable host memory error: the rank's crash, not host_oom
//   (CategoriesNamedByProbe);
// - a node Slurm says failed whose own kernel hung (soft lockup, RCU stall, IERR): the collective's hang
//   on that node, not its ranks' crash (node_kernel_hang.h);
// - a small memlock limit under failing RDMA registrations: the launch's setting named beside the
//   network's, no CUDA OOM (memlock_limit.h);
// - the one rank named slow whose Slurm cpu-bind mask shares no CPU with the same local rank's on other
//   nodes: the straggler on its GPU (cpu_bind_masks.h);
// - `nvidia-smi -pl W` stated without a node, tied by W to the node whose GPUs printed "Power limit for
//   GPU ... was set to W" (smi_power_limit_lines.h).
// Each end-to-end case is written to $PLC73_DUMP/NAME.json when that is set (CaseAnswerDumped), which is
// how they were run through the code before PLC73 and seen failing.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/container_shm.h"
#include "agents/cpu_bind_masks.h"
#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"
#include "agents/node_kernel_hang.h"
#include "agents/smi_power_limit_lines.h"

namespace vigil {

std::map<std::string, double> ProbeDeltas(const ProbeResult& r);  // builtin_reasoner.cc

namespace {

using testing::Case;
using testing::Log;

constexpr const char* kDump = "PLC73_DUMP";

ProbeResult KernelLogFail(const std::string& node, const std::string& reason) {
  ProbeResult r;
  r.probe = "node.kernel_log";
  r.target = node;
  r.status = ProbeStatus::kFail;
  r.reason = reason;
  return r;
}

Json KernelLogProbeJson(const std::string& node, const std::string& reason) {
  return {{"probe", "node.kernel_log"}, {"target", node},         {"status", "fail"},
          {"metrics", Json::object()},  {"thresholds", Json::object()}, {"reason", reason},
          {"duration_s", 1.0}};
}

// The category a probe's failure weighs most.
std::string TopOf(const std::map<std::string, double>& d) {
  std::string top;
  double best = -1;
  for (const auto& [cat, w] : d) {
    if (w > best) {
      best = w;
      top = cat;
    }
  }
  return top;
}

}  // namespace

TEST_CASE("plc73 StatesShmExhausted reads NCCL's own shm segment failures") {
  CHECK(StatesShmExhausted("kp-7:90:311 [5] include/shm.h:28 NCCL WARN Error: failed to extend /dev/shm/nccl-Qx81aB to 4818946 bytes"));
  CHECK(StatesShmExhausted("[rank5]: Error while creating shared memory segment /dev/shm/nccl-Qx81aB (size 4818944)"));
  // Attaching to a segment another rank made and lost is no size limit (a cleaner removed it).
  CHECK_FALSE(StatesShmExhausted(
      "misc/shmutils.cc:87 NCCL WARN Error while attaching to shared memory segment /dev/shm/nccl-Qx81aB (size 4818944): No such file or directory"));
  CHECK_FALSE(StatesShmExhausted("NCCL INFO Channel 00 : 2[2] -> 3[3] via SHM/direct/direct"));
}

TEST_CASE("plc73 NCCL failing to create its shm segment on a 64 MiB /dev/shm answers the launch") {
  Json c = Case("t-plc73-shm", {"kp-7"},
                Json::array({Log("ml/ft-run-0/trainer",
                                 {"kp-7:88:88 [0] NCCL INFO Bootstrap : Using eth0:10.8.3.4<0>",
                                  "kp-7:90:311 [2] NCCL INFO Channel 00/0 : 2[2] -> 3[3] via P2P/CUMEM/read",
                                  "kp-7:90:311 [2] include/shm.h:28 NCCL WARN Error: failed to extend /dev/shm/nccl-Qx81aB to 4818946 bytes",
                                  "kp-7:90:311 [2] include/shm.h:48 NCCL WARN Error while creating shared memory segment /dev/shm/nccl-Qx81aB (size 4818944)",
                                  "[rank2]: torch.distributed.DistBackendError: NCCL error in: ProcessGroupNCCL.cpp:1970, unhandled system error, NCCL version 2.20.5",
                                  "[rank2]: Error while creating shared memory segment /dev/shm/nccl-Qx81aB (size 4818944)",
                                  "E1207 09:12:03.000000 77 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: 1) local_rank: 2 (pid: 90) of binary: /usr/bin/python"}),
                             Log("df.txt", {"$ kubectl exec ft-run-0 -- df -h /dev/shm",
                                            "Filesystem      Size  Used Avail Use% Mounted on",
                                            "shm              64M   64M     0 100% /dev/shm"})}));
  // Before: rank_process_crash @ kp-7/gpu2 (the rank whose segment failed).
  CHECK(testing::CaseAnswerDumped(c, "t-plc73-shm", kDump) == "launch_config_error @ job");
  // Near miss: a /dev/shm of 64 GiB is no container default; the same lines do not name the launch.
  c["logs"][1]["lines"][2] = "shm              64G   1.2G   63G   2% /dev/shm";
  CHECK(testing::CaseAnswer(c) != "launch_config_error @ job");
}

TEST_CASE("plc73 node.kernel_log: hung tasks in an NFS wait or an NFS server not responding name the storage") {
  CHECK(TopOf(ProbeDeltas(KernelLogFail("vx-1", "2 hung tasks in nfs_wait_bit_killable"))) == "storage_failure");
  CHECK(TopOf(ProbeDeltas(KernelLogFail("vx-1", "hung_task 4; NFS server not responding"))) == "storage_failure");
  CHECK(TopOf(ProbeDeltas(KernelLogFail("vx-1", "3 tasks blocked in lustre_ioctl"))) == "storage_failure");
  // Near miss: hung tasks waiting on no file system.
  CHECK_FALSE(ProbeDeltas(KernelLogFail("vx-1", "2 hung tasks in io_schedule")).count("storage_failure"));
}

TEST_CASE("plc73 a checkpoint blocked on an NFS server not responding answers the storage, not the GPU") {
  Json c = Case("t-plc73-nfs", {"vx-1", "vx-2"},
                Json::array({Log("ckpt-job/rank0",
                                 {"2026-12-07 03:00:01,100 INFO step 900 loss 2.01",
                                  "2026-12-07 03:00:05,400 INFO saving checkpoint to /mnt/filer/ckpt/step-900",
                                  "2026-12-07 03:10:05,400 WARNING checkpoint save still running after 600 s",
                                  "[rank9]:[E1207 03:30:06.000000 5521 ProcessGroupNCCL.cpp:616] [Rank 9] Watchdog caught "
                                  "collective operation timeout: WorkNCCL(SeqNum=4410, OpType=GATHER, NumelIn=1, NumelOut=16, "
                                  "Timeout(ms)=1800000) ran for 1800031 milliseconds before timing out."}),
                             Log("vx-1/kern.log",
                                 {"2026-12-07T03:00:20Z vx-1 kernel: nfs: server filer-b.lab not responding, still trying",
                                  "2026-12-07T03:02:22Z vx-1 kernel: INFO: task python:5510 blocked for more than 120 seconds.",
                                  "2026-12-07T03:02:22Z vx-1 kernel: Call Trace: schedule+0x69/0x110 nfs_wait_bit_killable+0x24/0x60 [nfs]"})}));
  c["probes"]["node.kernel_log@vx-1"] = KernelLogProbeJson("vx-1", "2 hung tasks in nfs_wait_bit_killable; NFS server not responding");
  // Before: gpu_fallen_off_bus @ vx-1 (the failed probe read as its catalog entry's GPU faults).
  CHECK(testing::CaseAnswerDumped(c, "t-plc73-nfs", kDump).rfind("storage_failure @ ", 0) == 0);
}

TEST_CASE("plc73 node.kernel_log: SIGBUS for an uncorrectable host memory error is the rank's crash") {
  CHECK(TopOf(ProbeDeltas(KernelLogFail("mc-4", "1 uncorrectable memory error (MC0 DIMM#2), SIGBUS to python:7710"))) ==
        "rank_process_crash");
  CHECK(TopOf(ProbeDeltas(KernelLogFail("mc-4", "Memory failure: Sending SIGBUS to pt_main_thread:7710"))) ==
        "rank_process_crash");
  // Near miss: a bus error with no memory failure named (a full /dev/shm, say) is not read so.
  CHECK(TopOf(ProbeDeltas(KernelLogFail("mc-4", "1 SIGBUS in python:7710"))) != "rank_process_crash");
}

TEST_CASE("plc73 a rank killed by SIGBUS for a host DIMM error answers the rank's crash on that node") {
  Json c = Case("t-plc73-sigbus", {"mc-1", "mc-2", "mc-3", "mc-4"},
                Json::array({Log("train-5512.log",
                                 {"E1207 02:11:04.000000 3301 torch/distributed/elastic/multiprocessing/api.py:869] failed "
                                  "(exitcode: -7) local_rank: 1 (pid: 7710) of binary: /usr/bin/python3",
                                  "  host      : mc-4",
                                  "  traceback : Signal 7 (SIGBUS) received by PID 7710",
                                  "[rank2]:[E1207 02:11:06.000000 2202 ProcessGroupNCCL.cpp:1895] [Rank 2] Process group "
                                  "watchdog thread terminated with exception: NCCL error: remote process exited or there was a "
                                  "network error, NCCL version 2.21.5"}),
                             Log("mc-4/dmesg",
                                 {"2026-12-07T02:11:03Z mc-4 kernel: EDAC MC0: 1 UE memory read error on CPU_SrcID#0_MC#0_Chan#1_DIMM#0",
                                  "2026-12-07T02:11:03Z mc-4 kernel: Memory failure: 0x2a1f0c: Sending SIGBUS to python3:7710 due to hardware memory corruption"})}));
  c["probes"]["node.kernel_log@mc-4"] = KernelLogProbeJson("mc-4", "1 uncorrectable memory error (MC0 DIMM#0), SIGBUS to python3:7710");
  // Before: gpu_fallen_off_bus @ mc-4 (0.21: the probe read as its catalog entry; realistic63 rl63-10 answered host_oom).
  CHECK(testing::CaseAnswerDumped(c, "t-plc73-sigbus", kDump) == "rank_process_crash @ mc-4");
}

TEST_CASE("plc73 StatesKernelHang") {
  CHECK(StatesKernelHang("kernel: watchdog: BUG: soft lockup - CPU#12 stuck for 23s! [python:4410]"));
  CHECK(StatesKernelHang("kernel: rcu: INFO: rcu_sched detected stalls on CPUs/tasks:"));
  CHECK(StatesKernelHang("kernel: NMI watchdog: Watchdog detected hard LOCKUP on cpu 30"));
  CHECK(StatesKernelHang(" 2b1 | 12/07/2026 | 01:02:03 | Processor CPU0_Status | IERR | Asserted"));
  CHECK(StatesKernelHang(" 2b3 | 12/07/2026 | 01:02:40 | Watchdog2 #0x70 | Timer expired | Asserted"));
  CHECK_FALSE(StatesKernelHang("kernel: INFO: task python:41022 blocked for more than 122 seconds."));
  CHECK_FALSE(StatesKernelHang(" 2b1 | 12/07/2026 | 01:02:03 | Processor CPU0_Status | IERR | Deasserted"));
  CHECK_FALSE(StatesKernelHang("NCCL watchdog thread terminated with exception"));
}

TEST_CASE("plc73 a node Slurm says failed whose kernel hung is the collective's hang there, not a crash") {
  const std::vector<std::string> nodes = {"hx-01", "hx-02", "hx-03", "hx-04"};
  Json logs = Json::array();
  logs.push_back(Log("slurm-9001.out",
                     {"[rank0]:[E1207 01:20:00.100000 700 ProcessGroupNCCL.cpp:616] [Rank 0] Watchdog caught collective "
                      "operation timeout: WorkNCCL(SeqNum=5120, OpType=ALLREDUCE, Timeout(ms)=600000) ran for 600100 "
                      "milliseconds before timing out.",
                      "[rank9]:[E1207 01:20:00.300000 709 ProcessGroupNCCL.cpp:616] [Rank 9] Watchdog caught collective "
                      "operation timeout: WorkNCCL(SeqNum=5120, OpType=ALLREDUCE, Timeout(ms)=600000) ran for 600300 "
                      "milliseconds before timing out.",
                      "[rank30]:[E1207 01:20:00.500000 730 ProcessGroupNCCL.cpp:616] [Rank 30] Watchdog caught collective "
                      "operation timeout: WorkNCCL(SeqNum=5120, OpType=ALLREDUCE, Timeout(ms)=600000) ran for 600500 "
                      "milliseconds before timing out.",
                      "srun: error: hx-01: task 0: Exited with exit code 1",
                      "srun: error: Node failure on hx-03"}));
  logs.push_back(Log("slurmctld.log", {"[2026-12-07T01:12:30.000] error: Nodes hx-03 not responding",
                                       "[2026-12-07T01:17:30.000] error: Nodes hx-03 not responding, setting DOWN"}));
  logs.push_back(Log("hx-03/remote-syslog",
                     {"2026-12-07T01:10:02Z hx-03 kernel: rcu: INFO: rcu_sched detected stalls on CPUs/tasks:",
                      "2026-12-07T01:10:25Z hx-03 kernel: watchdog: BUG: soft lockup - CPU#40 stuck for 23s! [python:6120]"}));
  // Before: rank_process_crash @ hx-03 (Slurm's NODE_FAIL read as the node's ranks gone with it).
  CHECK(testing::CaseAnswerDumped(Case("t-plc73-hang", nodes, logs), "t-plc73-hang", kDump) == "nccl_collective_hang @ hx-03");
  // Near miss: the same node's BMC then says it powered off - gone, its ranks with it (PLC46's reading).
  logs.push_back(Log("hx-03/bmc sel", {" 1a5 | 12/07/2026 | 01:11:00 | Power Unit Pwr Unit Status | Power off/down | Asserted"}));
  CHECK(testing::CaseAnswer(Case("t-plc73-hang-off", nodes, logs)) == "rank_process_crash @ hx-03");
}

TEST_CASE("plc73 a small memlock limit under failing RDMA registrations names the launch beside the network") {
  Json c = Case("t-plc73-memlock", {"mq-11", "mq-12"},
                Json::array({Log("job-4410.err",
                                 {"libibverbs: Warning: RLIMIT_MEMLOCK is 65536 bytes.",
                                  "mq-11:2201:2290 [1] misc/ibvwrap.cc:190 NCCL WARN Call to ibv_reg_mr_iova2 failed with error Cannot allocate memory",
                                  "mq-12:3301:3390 [4] misc/ibvwrap.cc:190 NCCL WARN Call to ibv_reg_mr_iova2 failed with error Cannot allocate memory",
                                  "[rank1]: ncclSystemError: System call (e.g. socket, malloc) or external library call failed or device error.",
                                  "[rank1]: Call to ibv_reg_mr_iova2 failed with error Cannot allocate memory"}),
                             Log("limits.txt", {"$ cat /proc/$(pgrep -o slurmd)/limits | grep -i locked",
                                                "Max locked memory         65536                65536                bytes"})}));
  const Diagnosis d = testing::RunCaseWithOwnProbes(c);
  (void)testing::CaseAnswerDumped(c, "t-plc73-memlock", kDump);
  // The network's reading leads as before (realistic55's key); the launch's is named in the top 3 (realistic63's).
  CHECK(testing::AnswerOf(d) == "nccl_network_misconfig @ job");
  bool launch_in_top3 = false;
  for (size_t i = 0; i < d.hypotheses.size() && i < 3; ++i) launch_in_top3 = launch_in_top3 || d.hypotheses[i].category == "launch_config_error";
  CHECK(launch_in_top3);
  // The registration's "Cannot allocate memory" is no CUDA OOM.
  CHECK(testing::ProbabilityOf(d, "cuda_oom") < testing::ProbabilityOf(d, "launch_config_error"));
}

TEST_CASE("plc73 GpuPowerLimitSetToWatts and AllGpusPowerLimitCommandWatts") {
  CHECK(GpuPowerLimitSetToWatts("nvidia-smi[801]: Power limit for GPU 00000000:1B:00.0 was set to 400.00 W from 700.00 W.") ==
        std::optional<double>(400));
  CHECK_FALSE(GpuPowerLimitSetToWatts("Power limit for GPU 00000000:1B:00.0 is 700.00 W"));
  CHECK(AllGpusPowerLimitCommandWatts("gpu-profile.service: ExecStart=/usr/bin/nvidia-smi -pl 400") == std::optional<double>(400));
  CHECK(AllGpusPowerLimitCommandWatts("sudo nvidia-smi --power-limit=350") == std::optional<double>(350));
  CHECK_FALSE(AllGpusPowerLimitCommandWatts("nvidia-smi -i 3 -pl 400"));
}

TEST_CASE("plc73 a power limit command stated without its node is tied to the node whose GPUs printed its wattage") {
  Json c = Case("t-plc73-pl", {"pw-1", "pw-2", "pw-3"},
                Json::array({Log("image-builds.log",
                                 {"2026-12-07T04:00:00Z build: node image 2026.12-b adds gpu-profile.service "
                                  "(ExecStart=/usr/bin/nvidia-smi -pl 400)"}),
                             Log("pw-2/journal",
                                 {"2026-12-07T04:20:00Z pw-2 nvidia-smi[801]: Power limit for GPU 00000000:1B:00.0 was set to 400.00 W from 700.00 W.",
                                  "2026-12-07T04:20:00Z pw-2 nvidia-smi[801]: Power limit for GPU 00000000:DB:00.0 was set to 400.00 W from 700.00 W.",
                                  "2026-12-07T04:20:00Z pw-2 nvidia-smi[801]: All done."})}));
  testing::AddGpu0PowerCapEvidence(c, "pw-2", 1'796'530'000'000);
  // Before: gpu_power_throttle @ pw-2/gpu0 (the GPU the probe and the series read the cap on).
  CHECK(testing::CaseAnswerDumped(c, "t-plc73-pl", kDump) == "gpu_power_throttle @ pw-2");
  // Near miss: another wattage ties the command to no node.
  c["logs"][0]["lines"][0] = "2026-12-07T04:00:00Z build: node image 2026.12-b adds gpu-profile.service (ExecStart=/usr/bin/nvidia-smi -pl 550)";
  CHECK(testing::CaseAnswer(c) == "gpu_power_throttle @ pw-2/gpu0");
}

TEST_CASE("plc73 ReadCpuBindMasks, CpuMasksDisjoint and RankBoundApart") {
  const std::vector<std::string> lines = {
      "cpu-bind=MASK - cb-2, task 12 4 [5012]: mask 0xff00 set",
      "cpu-bind=MASK - cb-2, task 13 5 [5013]: mask 0x00ff set",
      "cpu-bind=MASK - cb-1, task 5 5 [4005]: mask 0xFF00 set",
      "cpu-bind=MASK - cb-3, task 21 5 [6021]: mask 0xff00 set",
      "NCCL INFO Bootstrap : Using ib0:10.1.0.2<0>"};
  const std::vector<CpuBindMask> m = ReadCpuBindMasks(lines);
  REQUIRE(m.size() == 4);
  CHECK(m[1].host == "cb-2");
  CHECK(m[1].task == 13);
  CHECK(m[1].local == 5);
  CHECK(m[1].mask == "ff");
  CHECK(m[2].mask == "ff00");
  CHECK(CpuMasksDisjoint("ff", "ff00"));
  CHECK_FALSE(CpuMasksDisjoint("1ff", "ff00"));
  CHECK_FALSE(CpuMasksDisjoint("", "ff00"));
  REQUIRE(RankBoundApart(m, 13));
  CHECK(RankBoundApart(m, 13)->line == 1);
  // The peers' own masks: each shares CPUs with the others of its local id.
  CHECK_FALSE(RankBoundApart(m, 5));
  // No peer of the same local id on another node: nothing to compare with.
  CHECK_FALSE(RankBoundApart(m, 12));
  // Peers that disagree among themselves say nothing of the rank.
  std::vector<CpuBindMask> split = m;
  split[3].mask = "f0000";
  CHECK_FALSE(RankBoundApart(split, 13));
}

TEST_CASE("plc73 the slow rank bound to the other socket's CPUs is the straggler on its GPU") {
  const std::vector<std::string> nodes = {"cb-1", "cb-2", "cb-3", "cb-4"};
  Json c = Case("t-plc73-bind", nodes,
                Json::array({Log("slurm-7712.out",
                                 {"srun: job 7712 step 0: 32 tasks on 4 nodes, --cpu-bind=verbose,cores",
                                  "cpu-bind=MASK - cb-2, task 12 4 [5012]: mask 0xffff0000 set",
                                  "cpu-bind=MASK - cb-2, task 13 5 [5013]: mask 0x0000ffff set",
                                  "cpu-bind=MASK - cb-1, task 5 5 [4005]: mask 0xffff0000 set",
                                  "cpu-bind=MASK - cb-3, task 21 5 [6021]: mask 0xffff0000 set",
                                  " [2026-12-07 10:00:05] | MnRtt/Rnk: 2101.0ms/3 | MxRtt/Rnk: 2890.4ms/13 | MnUtl/Rnk: 61%/13 | "
                                  "MxUtl/Rnk: 98%/2",
                                  " [2026-12-07 10:01:05] | MnRtt/Rnk: 2099.2ms/7 | MxRtt/Rnk: 2885.0ms/13 | MnUtl/Rnk: 60%/13 | "
                                  "MxUtl/Rnk: 99%/0"})}));
  c["metrics"].push_back(testing::MetricJson(testing::GpuSeries("DCGM_FI_DEV_GPU_UTIL", "cb-2", 5, "NVIDIA H100 80GB HBM3",
                                                                1'796'637'000'000, 60'000, {57, 58, 56, 58, 57})));
  // Its GPU itself is healthy: a GEMM and a host-to-device copy (the probe binds to the GPU's own socket) pass.
  c["probes"]["gpu.gemm@cb-2/gpu5"] = {{"probe", "gpu.gemm"},           {"target", "cb-2/gpu5"},
                                       {"status", "pass"},              {"metrics", {{"tflops", 741.0}}},
                                       {"thresholds", Json::object()},  {"reason", "bf16 GEMM 741 TFLOPS"},
                                       {"duration_s", 5.0}};
  c["probes"]["gpu.pcie_bandwidth@cb-2/gpu5"] = {{"probe", "gpu.pcie_bandwidth"}, {"target", "cb-2/gpu5"},
                                                 {"status", "pass"},              {"metrics", {{"h2d_gbps", 52.0}}},
                                                 {"thresholds", Json::object()},  {"reason", "H2D 52 GB/s"},
                                                 {"duration_s", 5.0}};
  // Before: unknown (0.11: the passing GPU probes read against the straggler the detector names). The
  // recorded GEMM is replayed, as `vigil diagnose --case` replays it (intrusive).
  (void)testing::CaseAnswerDumped(c, "t-plc73-bind", kDump);
  CHECK(testing::AnswerOf(testing::RunCaseWithOwnProbes(c, true)) == "straggler_rank @ cb-2/gpu5");
  // Near miss: bound like its peers, nothing sets the rank's host side apart.
  c["logs"][0]["lines"][2] = "cpu-bind=MASK - cb-2, task 13 5 [5013]: mask 0xffff0000 set";
  CHECK(testing::AnswerOf(testing::RunCaseWithOwnProbes(c, true)) != "straggler_rank @ cb-2/gpu5");
}

}  // namespace vigil
