// PLC10 (2026-12-04): places the probe results give (realistic23, "the probes answered") -
// evidence written for these tests, not copied from a case.
//   1. gpu.inventory short of the node's GPUs, run on a GPU that answered, is the node's count, not
//      that GPU: the place is the GPU whose bus id it names missing, else the kernel log's (probe_place.h).
//   2. node.kernel_log's gpus_by_category written as "gpu2" (not 2) still names GPU 2.
//   3. An illegal address seen on ranks of two nodes is the job's kernel even when the kernel log
//      of one node reports it (Xid 31) on one GPU.
//   4. The flight recorder's "mismatch: rank 0 entered BROADCAST ..., ranks 1-31 entered ALLREDUCE"
//      is a collective mismatch (the job's), not the GPU of the first waiter printed.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/collective_mismatch.h"
#include "agents/command_comment.h"
#include "agents/diagnosis_testing.h"
#include "agents/launcher_exit.h"
#include "agents/logs_case_testing.h"
#include "agents/probe_place.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

TEST_CASE("plc10: InventoryCountShort reads a node's GPU count short of its GPUs") {
  const std::map<std::string, double> none;
  CHECK(InventoryCountShort("gpu.inventory", "fail", "expected 8 GPUs, CUDA sees 7", none));
  CHECK(InventoryCountShort("gpu.inventory", "fail", "6 GPUs visible to CUDA, 8 expected on this host", none));
  CHECK(InventoryCountShort("gpu.inventory", "fail", "GPU 0000:9a:00.0 is missing", none));
  CHECK(InventoryCountShort("gpu.inventory", "fail", "NVML sees 8 GPUs but CUDA sees 7", none));
  CHECK(InventoryCountShort("gpu.inventory", "fail", "", {{"gpu_count", 7}, {"nvml_gpu_count", 8}}));
  // Near misses: another probe, a pass, another reason for the failure, counts that agree.
  CHECK_FALSE(InventoryCountShort("gpu.health", "fail", "expected 8 GPUs, CUDA sees 7", none));
  CHECK_FALSE(InventoryCountShort("gpu.inventory", "pass", "expected 8 GPUs, CUDA sees 7", none));
  CHECK_FALSE(InventoryCountShort("gpu.inventory", "fail", "2 compute processes on gpu3 (another user's)", none));
  CHECK_FALSE(InventoryCountShort("gpu.inventory", "fail", "driver 535 older than required",
                                  {{"gpu_count", 8}, {"nvml_gpu_count", 8}}));
}

TEST_CASE("plc10: MissingBusIdInReason and GpuIndexOfJson") {
  CHECK(MissingBusIdInReason("7 GPUs visible, 8 expected; 0000:9a:00.0 is missing") == "0000:9a:00.0");
  CHECK(MissingBusIdInReason("missing GPU: 0000:5D:00.0 (PCIe)") == "0000:5D:00.0");
  CHECK(MissingBusIdInReason("bus 5d:00.0 not enumerated") == "5d:00.0");
  CHECK(MissingBusIdInReason("expected 8 GPUs, CUDA sees 7") == "");
  CHECK(MissingBusIdInReason("0000:5d:00.0 is present, 0 missing pages") == "");
  CHECK(GpuIndexOfJson(Json(3)) == 3);
  CHECK(GpuIndexOfJson(Json("gpu3")) == 3);
  CHECK(GpuIndexOfJson(Json("GPU 12")) == 12);
  CHECK(GpuIndexOfJson(Json(-1)) == -1);
  CHECK(GpuIndexOfJson(Json("gpu3,gpu4")) == -1);
  CHECK(GpuIndexOfJson(Json("mlx5_3")) == -1);
  CHECK(GpuIndexOfJson(Json(9000)) == -1);
  bool listed = false;
  CHECK(GpuCommonToPairs("9 pairs below 0.7 of the median: gpu0->gpu5 120.1, gpu5->gpu1 118.0, gpu2->gpu5 121.4, ...",
                         &listed) == 5);
  CHECK(listed);
  CHECK(GpuCommonToPairs("pairs low: gpu0->gpu5 120.1, gpu1->gpu2 118.0", &listed) == -1);  // no GPU in common
  CHECK(listed);
  CHECK(GpuCommonToPairs("pair low: gpu0->gpu5 120.1", &listed) == -1);  // one pair: two GPUs, no place
  CHECK(GpuCommonToPairs("min_pair_gbps 137.8 < 346.8", &listed) == -1);
  CHECK_FALSE(listed);
  CHECK(IsKernelLogProbeSource("probe node.kernel_log@n-1"));
  CHECK_FALSE(IsKernelLogProbeSource("probe gpu.health@n-1/gpu2"));
}

// One node, 8 GPUs; the GPU at bus 0000:5d:00.0 (gpu3 in the topology) is lost. The probes the
// reasoner may ask of the other GPUs are recorded for each: the inventory short by one, health passing.
Json LostGpuCase(bool inventory_names_bus, bool kernel_log, const Json& by_category_gpu) {
  Json c = Case("t-plc10-lost", {"lx-4"},
                Json::array({Log("lx-4/device-plugin",
                                 {"I1204 03:00:01.100 health.go:160] XidCriticalError: Xid=79 on "
                                  "Device=GPU-0c1d2e3f-aaaa-bbbb-cccc-0123456789ab; marking device as unhealthy."}),
                             Log("trainer.log", {"RuntimeError: CUDA error: unknown error"})}));
  c["topology"]["gpu_pci_bus"] = {{"gpu0", "0000:18:00.0"}, {"gpu3", "0000:5d:00.0"}, {"gpu5", "0000:ab:00.0"}};
  Json probes = Json::object();
  for (int g : {0, 1, 2, 4, 5, 6, 7}) {
    const std::string at = "@lx-4/gpu" + std::to_string(g);
    probes["gpu.inventory" + at] = {
        {"status", "fail"},
        {"metrics", {{"gpu_count", 7.0}}},
        {"reason", inventory_names_bus ? "7 GPUs visible to CUDA, 8 expected on this node; 0000:5d:00.0 is missing"
                                       : "expected 8 GPUs, CUDA sees 7"}};
    probes["gpu.health" + at] = {{"status", "pass"}, {"reason", "all checks passed"}};
  }
  probes["gpu.health@lx-4/gpu3"] = {{"status", "unavailable"}, {"reason", "GPU 3 does not exist (7 visible)"}};
  if (kernel_log) {
    probes["node.kernel_log@lx-4"] = {
        {"status", "fail"},
        {"metrics", {{"xid_lines", 1.0}}},
        {"reason", "Xid 79 [gpu_fallen_off_bus] on PCI 0000:5d:00: GPU has fallen off the bus."},
        {"details",
         {{"categories", Json::array({"gpu_fallen_off_bus"})},
          {"gpus_by_category", {{"gpu_fallen_off_bus", Json::array({by_category_gpu})}}},
          {"findings", Json::array()}}}};
  }
  c["probes"] = probes;
  return c;
}

TEST_CASE("plc10: a short GPU inventory run on a GPU that answered does not name that GPU") {
  // Before: gpu_fallen_off_bus @ lx-4 (no GPU named); realistic23 rl23-13, with a kernel log naming
  // its GPU as "gpu2", named the inventory's target instead, gpu0, whose probes passed.
  CHECK(testing::CaseAnswer(LostGpuCase(true, false, Json(3))) == "gpu_fallen_off_bus @ lx-4/gpu3");
  CHECK(testing::CaseAnswer(LostGpuCase(true, true, Json(3))) == "gpu_fallen_off_bus @ lx-4/gpu3");
  // Twins: the kernel log names the GPU as "gpu3"; the inventory names no bus id.
  CHECK(testing::CaseAnswer(LostGpuCase(false, true, Json("gpu3"))) == "gpu_fallen_off_bus @ lx-4/gpu3");
  CHECK(testing::CaseAnswer(LostGpuCase(true, true, Json("gpu3"))) == "gpu_fallen_off_bus @ lx-4/gpu3");
  // An inventory reason naming the GPU it lacks by index keeps that GPU (agents round 13's test too).
  CHECK(InventoryCountShort("gpu.inventory", "fail", "gpu3 not enumerated by NVML or CUDA: 7 of 8 GPUs visible", {}));
  // Near miss: nothing names the lost GPU: the node, not a GPU that answered (the same before).
  CHECK(testing::CaseAnswer(LostGpuCase(false, false, Json(3))) == "gpu_fallen_off_bus @ lx-4");
}

// A custom kernel's illegal address on rank 6 (ix-1/gpu6) in one attempt and rank 10 (ix-2/gpu2) in
// the next; the kernel log of ix-1 reports Xid 31 on gpu6 and the GPU's own probes pass.
Json MovingIllegalAddressCase(bool second_attempt) {
  std::vector<std::string> lines = {"--- run 1 ---",
                                    "[rank6]: RuntimeError: CUDA error: an illegal memory access was encountered",
                                    "[rank6]:   File \"/src/ops/fused_rope.py\", line 77, in forward"};
  if (second_attempt) {
    lines.push_back("--- run 2 (requeued) ---");
    lines.push_back("[rank10]: RuntimeError: CUDA error: an illegal memory access was encountered");
    lines.push_back("[rank10]:   File \"/src/ops/fused_rope.py\", line 77, in forward");
  }
  Json c = Case("t-plc10-ima", {"ix-1", "ix-2"}, Json::array({Log("notes", lines)}));
  c["topology"]["rank_layout"] = "rank r runs on nodes[r // 8], local GPU r % 8";
  c["topology"]["gpu_pci_bus"] = {{"gpu6", "0000:ba:00.0"}};
  Json probes = Json::object();
  probes["node.kernel_log@ix-1"] = {
      {"status", "fail"},
      {"metrics", {{"xid_lines", 1.0}}},
      {"reason", "gpu6 (PCI 0000:ba:00): Xid 31 [illegal_memory_access]: MMU Fault: ENGINE GRAPHICS faulted"},
      {"details",
       {{"categories", Json::array({"illegal_memory_access"})},
        {"gpus_by_category", {{"illegal_memory_access", Json::array({6})}}},
        {"findings", Json::array()}}}};
  probes["gpu.health@ix-1/gpu6"] = {{"status", "pass"}, {"reason", "all checks passed"}};
  probes["gpu.health@ix-2/gpu2"] = {{"status", "pass"}, {"reason", "all checks passed"}};
  c["probes"] = probes;
  return c;
}

TEST_CASE("plc10: an illegal address on two nodes' ranks is the job's despite one node's Xid 31") {
  // Before: illegal_memory_access @ ix-1/gpu6.
  CHECK(testing::CaseAnswer(MovingIllegalAddressCase(true)) == "illegal_memory_access @ job");
  // Near miss: one attempt, one GPU, its Xid 31: that GPU.
  CHECK(testing::CaseAnswer(MovingIllegalAddressCase(false)) == "illegal_memory_access @ ix-1/gpu6");
}

// NVLink errors on nv-2; the p2p matrix lists the slow pairs (`pairs`); no GPU probe answered.
Json P2pCase(const std::string& pairs) {
  Json c = Case("t-plc10-nvl", {"nv-1", "nv-2"},
                Json::array({Log("nv-2/kern.log", {"NVRM: NVLink: fatal error detected on link 7 (0x10000, 0x0)",
                                                   "NVRM: NVLink: link 7 replay errors rising"})}));
  Json probes = Json::object();
  probes["nccl.p2p_matrix@nv-2"] = {{"status", "fail"},
                                    {"metrics", {{"min_pair_gbps", 120.0}}},
                                    {"reason", "min_pair_gbps 120 < 346.8; pairs below 0.7 of the median 368.5 GB/s: " + pairs}};
  c["probes"] = probes;
  return c;
}

TEST_CASE("plc10: a p2p matrix's slow pairs place the GPU they share, not the first GPU printed") {
  auto answer = [](const Json& c) {  // nccl.p2p_matrix is intrusive: replayed as `vigil diagnose --case` does
    Diagnosis d = testing::RunCaseWithOwnProbes(c, /*intrusive=*/true);
    return d.root_cause + " @ " + d.component;
  };
  // Before: nvlink_error @ nv-2/gpu0 (the first GPU of the reason).
  CHECK(answer(P2pCase("gpu0->gpu5 120.0, gpu1->gpu5 121.3, gpu5->gpu2 119.8, ...")) == "nvlink_error @ nv-2/gpu5");
  // Near miss: pairs sharing no GPU place none (was gpu0 too).
  CHECK(answer(P2pCase("gpu0->gpu5 120.0, gpu1->gpu2 121.3")) == "nvlink_error @ nv-2");
}

TEST_CASE("plc10: FindCollectiveMismatch reads ranks entering different collectives") {
  auto m = FindCollectiveMismatch(
      {"Collective 5120 mismatch: rank 3 entered ALLGATHER (sizes [[64]]), ranks 0-2,4-15 entered ALLREDUCE"});
  REQUIRE(m);
  CHECK(m->what.find("ALLGATHER") != std::string::npos);
  CHECK(m->what.find("ALLREDUCE") != std::string::npos);
  CHECK(FindCollectiveMismatch({"seq 88 mismatched: ranks [0, 1] are in BROADCAST, ranks [2, 3] are in BARRIER"}));
  // Near misses: one collective named; no mismatch said; said absent.
  CHECK_FALSE(FindCollectiveMismatch({"Collective 5120 mismatch: rank 3 entered ALLREDUCE, ranks 0-2 entered ALLREDUCE"}));
  CHECK_FALSE(FindCollectiveMismatch({"rank 3 entered BROADCAST, ranks 0-2 entered ALLREDUCE"}));
  CHECK_FALSE(FindCollectiveMismatch({"no collective mismatch: rank 3 entered BROADCAST, ranks 0-2 entered ALLREDUCE"}));
}

TEST_CASE("plc10: a hang with a flight-recorder mismatch is not placed on the first waiter's GPU") {
  auto watchdog = [](int rank, const char* op) {
    return std::to_string(rank) + ": [rank" + std::to_string(rank) + "]:[E1204 03:10:22.100 ProcessGroupNCCL.cpp:632] [Rank " +
           std::to_string(rank) + "] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=7001, OpType=" + op +
           ", NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600010 milliseconds before timing out.";
  };
  Json c = Case("t-plc10-fr", {"hx-1", "hx-2"},
                Json::array({Log("slurm-77.out", {watchdog(3, "ALLREDUCE"), watchdog(9, "ALLREDUCE"), watchdog(0, "BROADCAST")}),
                             Log("fr_trace", {"Collective 7001 mismatch: rank 0 entered BROADCAST (sizes [[2048]]), ranks 1-15 "
                                              "entered ALLREDUCE (sizes [[1]])"})}));
  c["topology"]["rank_layout"] = "rank r runs on nodes[r // 8], local GPU r % 8";
  // Before: nccl_collective_hang @ hx-1/gpu3 (rank 3, the first waiter printed).
  CHECK(testing::CaseAnswer(c) == "nccl_collective_hang @ job");
}

TEST_CASE("plc10: SignalExitLocalRank and StatesFatalSignal") {
  CHECK(SignalExitLocalRank("[ERROR] [launch.py:325:sigkill_handler] ['/usr/bin/python3', '-u', 'pretrain.py', "
                            "'--local_rank=6', '--deepspeed_config', 'z3.json'] exits with return code = -6") == 6);
  CHECK(SignalExitLocalRank("['python', 'x.py', '--local-rank', '2'] exited with return code -11") == 2);
  CHECK_FALSE(SignalExitLocalRank("['python', 'x.py', '--local_rank=6'] exits with return code = 1"));  // no signal
  CHECK_FALSE(SignalExitLocalRank("['python', 'x.py'] exits with return code = -11"));  // no local rank
  CHECK(StatesFatalSignal("dx-2: Fatal Python error: Segmentation fault"));
  CHECK(StatesFatalSignal("/bin/sh: line 1: 4412 Segmentation fault (core dumped) python train.py"));
  CHECK_FALSE(StatesFatalSignal("[rank3]: socketProgress: Connection closed by remote peer dx-2<5531>"));
  CHECK_FALSE(StatesFatalSignal("exits with return code = -11"));
}

// DeepSpeed over pdsh on dx-1..dx-4: local rank 5 of dx-3 segfaults in a C++ extension; peers report.
Json LauncherSegfaultCase(const std::string& exit_code, const std::string& local_rank) {
  Json c = Case("t-plc10-ds", {"dx-1", "dx-2", "dx-3", "dx-4"},
                Json::array({Log("pdsh output",
                                 {"dx-1: [2026-12-01 04:00:00,100] [INFO] [logging.py:128:log_dist] [Rank 0] step=900, skipped=0",
                                  "dx-3: Fatal Python error: Segmentation fault",
                                  "dx-3: ",
                                  "dx-3:   File \"/opt/ext/fastbucket/__init__.py\", line 41 in scatter_rows",
                                  "dx-3: [2026-12-01 04:00:31,002] [INFO] [launch.py:319:sigkill_handler] Killing subprocess 77120",
                                  "dx-3: [2026-12-01 04:00:31,900] [ERROR] [launch.py:325:sigkill_handler] ['/usr/bin/python', "
                                  "'-u', 'main.py', '--local_rank=" + local_rank + "', '--deepspeed_config', 'ds.json'] exits "
                                  "with return code = " + exit_code,
                                  "dx-2: [rank12]: ncclRemoteError: A call failed possibly due to a network error or a remote "
                                  "process exiting prematurely.",
                                  "dx-2: [rank12]: socketProgress: Connection closed by remote peer dx-3<40022>",
                                  "pdsh@dx-1: dx-3: ssh exited with exit code 245"})}));
  c["topology"]["rank_layout"] = "rank r runs on nodes[r // 8], local GPU r % 8";
  Json probes = Json::object();
  probes["gpu.health@dx-3/gpu5"] = {{"status", "pass"}, {"reason", "all checks passed"}};
  c["probes"] = probes;
  return c;
}

TEST_CASE("plc10: a segfault's GPU is the local rank its node's launcher reports killed by the signal") {
  // Before: rank_process_crash @ dx-3 (the segfault line names no GPU).
  CHECK(testing::CaseAnswer(LauncherSegfaultCase("-11", "5")) == "rank_process_crash @ dx-3/gpu5");
  // Twin: SIGABRT of local rank 2.
  CHECK(testing::CaseAnswer(LauncherSegfaultCase("-6", "2")) == "rank_process_crash @ dx-3/gpu2");
  // Near miss: the launcher reports code 1 (no signal): no GPU from it.
  CHECK(testing::CaseAnswer(LauncherSegfaultCase("1", "5")).find("dx-3/gpu5") == std::string::npos);
}

TEST_CASE("plc10: CommentNodeWords reads the note after a pasted command") {
  using W = std::vector<std::string>;
  CHECK(CommentNodeWords("$ sudo lspci -vv -s 5d:00.0 | grep LnkSta   # on px-2") == W{"px-2", "on"});
  CHECK(CommentNodeWords("$ py-spy dump --pid 88 # rank 0 on px-1, at 03:10") == W{"px-1", "rank"});
  CHECK(CommentNodeWords("$ nvidia-smi -q -d ECC  # px-2: after the drain") == W{"px-2"});
  CHECK(CommentNodeWords("$ grep '#' notes.txt").empty());          // inside quotes
  CHECK(CommentNodeWords("$ echo a#b").empty());                    // no space before '#'
  CHECK(CommentNodeWords("$ nvidia-smi -q -d ECC").empty());
}

// A two-node pod job: GPU 4 of px-2 (bus 5d:00.0 in this topology) trained at x4; the lspci paste is
// annotated with the node it ran on.
Json AnnotatedLspciCase(const std::string& note) {
  Json c = Case("t-plc10-lspci", {"px-1", "px-2"},
                Json::array({Log("kubectl (seg)",
                                 {"$ kubectl -n seg logs seg-1 -c trainer --tail=2",
                                  "2026-12-01 02:00:00 | INFO | step 900 | h2d_time 0.400s | step_time 1.200s",
                                  "$ sudo lspci -vv -s 5d:00.0 | grep -E 'LnkCap|LnkSta'" + note,
                                  "\t\tLnkCap:\tPort #0, Speed 32GT/s, Width x16, ASPM not supported",
                                  "\t\tLnkSta:\tSpeed 32GT/s, Width x4 (downgraded)"})}));
  c["topology"]["gpu_pci_bus"] = {{"gpu0", "0000:18:00.0"}, {"gpu4", "0000:5d:00.0"}};
  Json probes = Json::object();
  probes["gpu.pcie_bandwidth@px-2/gpu4"] = {
      {"status", "fail"},
      {"metrics", {{"h2d_gbps", 12.9}, {"gpu4.h2d_gbps", 12.9}}},
      {"thresholds", {{"h2d_gbps_min", 20.0}}},
      {"reason", "gpu4.h2d_gbps 12.9 < 20; h2d_gbps 12.9 < 20"}};
  probes["gpu.health@px-2/gpu4"] = {{"status", "fail"}, {"reason", "gpu4: PCIe link gen5 x4, maximum gen5 x16"}};
  c["probes"] = probes;
  return c;
}

TEST_CASE("plc10: a command's '# on NODE' note places its output on that node") {
  // Before: pcie_link_degraded @ job (no node: no probe ran).
  CHECK(testing::CaseAnswer(AnnotatedLspciCase("   # on px-2")) == "pcie_link_degraded @ px-2/gpu4");
  // Twin: the note names the node first.
  CHECK(testing::CaseAnswer(AnnotatedLspciCase("  # px-2")) == "pcie_link_degraded @ px-2/gpu4");
  // Near miss: a note naming no node of the case places nothing.
  CHECK(testing::CaseAnswer(AnnotatedLspciCase("  # on the login node")) == "pcie_link_degraded @ job");
}

}  // namespace
}  // namespace vigil
