// PLC57 (2026-12-07): realistic51's blind misses, seen (agents/HISTORY.md's PLC57 section). Each reading
// with near misses, and a small case through the whole reasoner that answered the old wrong category or
// place on the base code (880ca5db):
// - one worker pod of a multi-node job preempted on a node of the job: rank_process_crash there, the
//   peers' retry-exceeded errors its consequence (rl51-18: ib_link_failure on a peer's HCA 0.42);
// - nvidia-smi's process table listing another program's compute process beside the job's on one GPU:
//   the straggler there (rl51-27: unknown);
// - an HCA's `mlxlink --port_type PCIE` output trained below its enabled link: the PCIe fault the
//   driver line names by bus id is that HCA's (rl51-10: answered on the node);
// - a GPU power limit set on every GPU of a node (`nvidia-smi -pl` with no -i, "..., 8 GPUs"), or a
//   NeMo straggler report scoring a whole node's ranks' GPU performance: the throttle is the node's
//   (rl51-07, rl51-08: answered on GPU 0).
// Evidence written for these tests, not copied from a case.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"
#include "agents/mlxlink_pcie.h"
#include "agents/node_power_cap.h"
#include "agents/preempted_pod_node.h"
#include "agents/slow_compute_node.h"
#include "agents/smi_process_table.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

// The case's answer; with PLC57_DUMP set to a folder, the case is also written there as NAME.json, so
// that an older `vigil diagnose --case` can be run on it (how these tests were seen failing on 880ca5db).
std::string Answer(const Json& c, const std::string& name) { return testing::CaseAnswerDumped(c, name, "PLC57_DUMP"); }

// ---- preempted pod ----

TEST_CASE("plc57: PreemptedPodNodes") {
  CHECK(PreemptedPodNodes("2026-12-07T10:00:01Z Normal Killing pod/tr-worker-2 Stopping container main (node pk-2, reason Preempted)") ==
        std::vector<std::string>{"pk-2"});
  CHECK(PreemptedPodNodes("Warning  Preempted  pod/tr-worker-1  Preempted by serving/vllm-0 on node pk-1") ==
        std::vector<std::string>{"pk-1"});
  CHECK(PreemptedPodNodes("reason: PreemptionByScheduler nodeName: pk-3") == std::vector<std::string>{"pk-3"});
  // No node named, or no preemption.
  CHECK(PreemptedPodNodes("Normal Preempted workload/tr Preempted to accommodate a workload due to prioritization").empty());
  CHECK(PreemptedPodNodes("Normal Scheduled pod/vllm-0 Successfully assigned serving/vllm-0 to node pk-2").empty());
  CHECK(PreemptedPodNodes("0/8 nodes are available: preemption: 0/8 nodes are available: 8 No preemption victims found, node pk-1").empty());
}

std::string PeerRetry(const std::string& host, int dev, const std::string& peer) {
  return host + ":51:70 [" + std::to_string(dev) + "] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer " +
         peer + "<41000> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=0 len=0 vendor err 129 (Recv) hca mlx5_" +
         std::to_string(dev);
}

Json PreemptCase(const std::string& kill_line, const std::string& kern_line = "") {
  Json logs = Json::array(
      {Log("worker-0.log",
           {"pk-1:51:51 [0] NCCL INFO Bootstrap : Using eth0:10.7.0.1<0>",
            "pk-1:51:60 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/RoCE [1]mlx5_1:1/RoCE ; OOB eth0:10.7.0.1<0>",
            PeerRetry("pk-1", 1, "10.7.0.3"),
            "[rank0]:[E1207 10:00:06.000000 51 ProcessGroupNCCL.cpp:1595] [PG ID 0 PG GUID 0(default_pg) Rank 0] Process group "
            "watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error"}),
       Log("events.txt", {"2026-12-07T10:00:00Z Normal Preempted workload/tr-a1 Preempted to accommodate a workload (UID: 1) due to "
                          "prioritization in the ClusterQueue",
                          kill_line})});
  if (!kern_line.empty()) logs.push_back(Log("pk-1/kern.log", {kern_line}));
  return Case("t-plc57-pre", {"pk-1", "pk-2", "pk-3"}, logs);
}

TEST_CASE("plc57: one worker pod preempted on a node of the job is the crash there, not the peers' link") {
  // Before: ib_link_failure @ pk-1/mlx5_1.
  CHECK(Answer(PreemptCase("2026-12-07T10:00:01Z Normal Killing pod/tr-worker-2 Stopping container main (node pk-3, reason Preempted)"),
               "plc57_pre") == "rank_process_crash @ pk-3");
  // Near misses: the preempted pod ran on a node outside the job (a neighbour's pod); a link that went
  // down before the kill.
  CHECK(Answer(PreemptCase("2026-12-07T10:00:01Z Normal Killing pod/vllm-0 Stopping container vllm (node pk-9, reason Preempted)"),
               "plc57_pre_other") == "ib_link_failure @ pk-1/mlx5_1");
  CHECK(Answer(PreemptCase("2026-12-07T10:00:01Z Normal Killing pod/tr-worker-2 Stopping container main (node pk-3, reason Preempted)",
                           "2026-12-07T09:52:00Z pk-1 kernel: mlx5_core 0000:2b:00.0 eth1: Link down"),
               "plc57_pre_linkdown")
            .rfind("ib_link_failure @ pk-1", 0) == 0);
}

// ---- nvidia-smi process table ----

std::vector<std::string> SmiTable(const std::string& extra) {
  std::vector<std::string> t = {"|  GPU   GI   CI        PID   Type   Process name                              GPU Memory |",
                                "|    2   N/A  N/A      4101      C   /usr/bin/python3                             60110MiB |",
                                "|    3   N/A  N/A      4102      C   /usr/bin/python3                             60120MiB |"};
  if (!extra.empty()) t.push_back(extra);
  return t;
}

TEST_CASE("plc57: FindSmiSharedGpu") {
  auto s = FindSmiSharedGpu(SmiTable("|    3   N/A  N/A      9001    M+C   /opt/infer/bin/serve-engine                   8120MiB |"));
  REQUIRE(s);
  CHECK(s->gpu == 3);
  CHECK(s->processes == 2);
  CHECK(s->line == 3);
  // The pre-MIG form without GI / CI.
  CHECK(FindSmiSharedGpu({"|    0      4101      C   python     60110MiB |", "|    1      4102      C   python     60110MiB |",
                          "|    1      7007      C   notebook-kernel     3000MiB |"}));
  // Near misses: the second process the job's own program; a graphics-only process; every GPU alike.
  CHECK_FALSE(FindSmiSharedGpu(SmiTable("|    3   N/A  N/A      4188      C   /usr/bin/python3                              900MiB |")));
  CHECK_FALSE(FindSmiSharedGpu(SmiTable("|    3   N/A  N/A      1822      G   /usr/lib/xorg/Xorg                              4MiB |")));
  CHECK_FALSE(FindSmiSharedGpu({"|    0   N/A  N/A  11  C   python  1MiB |", "|    0   N/A  N/A  12  C   mps-server  1MiB |",
                                "|    1   N/A  N/A  13  C   python  1MiB |", "|    1   N/A  N/A  14  C   mps-server  1MiB |"}));
}

Json SmiCase(const std::string& extra) {
  std::vector<std::string> smi = {"# sp-2: nvidia-smi"};
  for (const std::string& l : SmiTable(extra)) smi.push_back(l);
  return Case("t-plc57-smi", {"sp-1", "sp-2"},
              Json::array({Log("train.log",
                               {"[2026-12-07 09:00:00] iteration 100/1000 | elapsed time per iteration (ms): 2200.0",
                                "[2026-12-07 09:05:00] iteration 110/1000 | elapsed time per iteration (ms): 3150.0",
                                "WARNING: straggler detected: step time 1.43x its median; one GPU computes slower than its peers"}),
                           Log("sp-2/nvidia-smi.txt", smi)}));
}

TEST_CASE("plc57: another program computing on one training GPU is the straggler there") {
  // Before: straggler_rank @ job (nothing placed it).
  CHECK(Answer(SmiCase("|    3   N/A  N/A      9001    M+C   /opt/infer/bin/serve-engine                   8120MiB |"), "plc57_smi") ==
        "straggler_rank @ sp-2/gpu3");
  // Near miss: the extra process is the job's own program.
  CHECK(Answer(SmiCase("|    3   N/A  N/A      4188      C   /usr/bin/python3                              900MiB |"), "plc57_smi_own") !=
        "straggler_rank @ sp-2/gpu3");
}

// ---- mlxlink PCIe ----

std::vector<std::string> Mlxlink(const std::string& dev, const std::string& speed, const std::string& width) {
  return {"$ mlxlink -d " + dev + " --port_type PCIE", "PCIe Operational (Enabled) Info", "--------------------------------",
          "Link Speed Active (Enabled)        : " + speed, "Link Width Active (Enabled)        : " + width};
}

TEST_CASE("plc57: HcasWithDownTrainedPcie") {
  CHECK(HcasWithDownTrainedPcie(Mlxlink("mlx5_6", "32G-Gen 5 (32G-Gen 5)", "8X (16X)")) == std::vector<std::string>{"mlx5_6"});
  CHECK(HcasWithDownTrainedPcie(Mlxlink("mlx5_1", "16G-Gen 4 (32G-Gen 5)", "16X (16X)")) == std::vector<std::string>{"mlx5_1"});
  CHECK(HcasWithDownTrainedPcie(Mlxlink("mlx5_1", "32G-Gen 5 (32G-Gen 5)", "16X (16X)")).empty());
  CHECK(HcasWithDownTrainedPcie(Mlxlink("/dev/mst/mt4129_pciconf0", "16G-Gen 4 (32G-Gen 5)", "8X (16X)")).empty());
  // The port's (not PCIe) output names no PCIe link.
  CHECK(HcasWithDownTrainedPcie({"$ mlxlink -d mlx5_1", "Width : 4x", "Speed : 400G"}).empty());
}

Json NicPcieCase(const std::vector<std::string>& mlxlink) {
  return Case("t-plc57-nic", {"np-1", "np-2"},
              Json::array({Log("np-2/kern.log",
                               {"2026-12-07T08:00:00Z np-2 kernel: mlx5_core 0000:9c:00.0: 63.008 Gb/s available PCIe bandwidth, "
                                "limited by 16.0 GT/s PCIe x8 link at 0000:9b:00.0 (capable of 252.048 Gb/s with 32.0 GT/s PCIe x16 link)"}),
                           Log("np-2/mlxlink.txt", mlxlink)}));
}

TEST_CASE("plc57: an HCA's own mlxlink PCIe output below its enabled link names the NIC of the driver's bus id") {
  // Before: pcie_link_degraded @ np-2.
  CHECK(Answer(NicPcieCase(Mlxlink("mlx5_6", "16G-Gen 4 (32G-Gen 5)", "8X (16X)")), "plc57_nic") == "pcie_link_degraded @ np-2/mlx5_6");
  // Near miss: that HCA's link at its enabled width and speed says nothing of the bus id.
  CHECK(Answer(NicPcieCase(Mlxlink("mlx5_6", "32G-Gen 5 (32G-Gen 5)", "16X (16X)")), "plc57_nic_ok") == "pcie_link_degraded @ np-2");
}

// ---- node-wide power cap ----

TEST_CASE("plc57: PowerLimitSetGpus and the NeMo compute report") {
  CHECK(PowerLimitSetGpus("ctl[1]: nvidia-smi -pl 450 on pw-2: All done.") == 0);
  CHECK(PowerLimitSetGpus("$ sudo nvidia-smi --power-limit=500") == 0);
  CHECK(PowerLimitSetGpus("ctl[1]: applying GPU power limit 450 W to pw-2 (batch tier), 8 GPUs") == 8);
  CHECK(PowerLimitSetGpus("ctl[1]: set power limit 450 W on all GPUs of pw-2") == 0);
  CHECK(PowerLimitSetGpus("$ sudo nvidia-smi -i 3 -pl 450") == -1);
  CHECK(PowerLimitSetGpus("ctl[1]: applying GPU power limit 450 W to pw-2 GPU 3") == -1);
  CHECK(PowerLimitSetGpus("    Current Power Limit               : 450.00 W") == -1);
  CHECK(RanksByComputeTime("NeMo W straggler_detection: rank 8-15 (pw-2) relative GPU performance 0.70 (threshold 0.75)"));
  CHECK_FALSE(RanksByComputeTime("NeMo W straggler_detection: rank 8-15 (pw-2) relative section time 1.4"));
}

// A power cap read on GPU 0 only (its power-violation counter, an nvidia-smi paste, a GEMM probe), the
// job's line `slow_line`, and `ctl_line` (if any) from a power controller.
Json PowerCase(const std::string& slow_line, const std::string& ctl_line) {
  Json logs = Json::array({Log("train.log", {"I1207 09:00:00.000 job pt-9 world_size=16", slow_line}),
                           Log("pw-2/nvidia-smi.txt", {"$ nvidia-smi -q -d POWER -i 0   (pw-2)",
                                                       "        Current Power Limit               : 450.00 W",
                                                       "        Default Power Limit               : 700.00 W",
                                                       "    Clocks Event Reasons: SW Power Cap : Active"})});
  if (!ctl_line.empty()) logs.push_back(Log("power-controller.log", {ctl_line}));
  Json c = Case("t-plc57-pw", {"pw-1", "pw-2"}, logs);
  c["metrics"] = Json::array({testing::MetricJson(testing::GpuSeries("DCGM_FI_DEV_POWER_VIOLATION", "pw-2", 0, "NVIDIA H200",
                                                                     1796115600000, 30000, {1e9, 3e10, 6e10, 9e10, 1.2e11, 1.5e11}))});
  c["probes"] = {{"gpu.gemm@pw-2/gpu0",
                  {{"probe", "gpu.gemm"},
                   {"target", "pw-2/gpu0"},
                   {"status", "fail"},
                   {"metrics", {{"tflops", 600.0}}},
                   {"thresholds", {{"tflops_min", 850.0}}},
                   {"reason", "GEMM 600 TFLOPS at the power cap"},
                   {"duration_s", 2.0}}}};
  return c;
}

const char* kStepSlow = "[rank0]:[W1207 09:10:00.000000 metrics.py:311] step time 61.0 s (was 44.0 s); slowest ranks 8-15";

TEST_CASE("plc57: a power limit set on every GPU of a node makes the throttle the node's") {
  // Before: gpu_power_throttle @ pw-2/gpu0 for the three.
  CHECK(Answer(PowerCase(kStepSlow, "2026-12-07T09:03:56Z ctl[1]: applying GPU power limit 450 W to pw-2 (batch tier), 8 GPUs"),
               "plc57_pw") == "gpu_power_throttle @ pw-2");
  CHECK(Answer(PowerCase(kStepSlow, "2026-12-07T09:03:58Z ctl[1]: nvidia-smi -pl 450 on pw-2: All done."), "plc57_pw_smi") ==
        "gpu_power_throttle @ pw-2");
  CHECK(Answer(PowerCase("2026-12-07 09:10:00 NeMo W straggler_detection: rank 8-15 (pw-2) relative GPU performance 0.70 "
                         "(threshold 0.75)",
                         ""),
               "plc57_pw_nemo") == "gpu_power_throttle @ pw-2");
  // Near misses: the limit set on that one GPU; no controller line at all.
  CHECK(Answer(PowerCase(kStepSlow, "2026-12-07T09:03:58Z ctl[1]: nvidia-smi -i 0 -pl 450 on pw-2: All done."), "plc57_pw_one") ==
        "gpu_power_throttle @ pw-2/gpu0");
  CHECK(Answer(PowerCase(kStepSlow, ""), "plc57_pw_none") == "gpu_power_throttle @ pw-2/gpu0");
}

}  // namespace
}  // namespace vigil
