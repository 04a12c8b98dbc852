// PLC59 (2026-12-07): realistic53's blind misses, seen (agents/HISTORY.md's PLC59 section). Each reading
// with near misses, and a small case through the whole reasoner that answered the old wrong category or
// place on the base code (880ca5db):
// - an uncorrectable ECC error is the GPU whose Xid 48 / DBE says so, not the GPU whose single-bit rate
//   (Xid 92) was high before it (rl53-30: placed on the Xid 92 GPU);
// - a power cap set by the node's BMC / IPMI makes gpu_power_throttle the node's (rl53-22: placed on
//   GPU 0, where the probe ran);
// - a CUDA OOM whose own traceback shows one expert given many times its neighbours' tokens is the
//   MoE routing collapse's symptom (rl53-12: cuda_oom 0.34);
// - NCCL's P2P transport disabled by the environment on NVLink GPUs, its channels via SHM, is the job's
//   NCCL setting (rl53-07: unknown);
// - a flight recorder's summary showing one rank a sequence number behind its group that went on to
//   another op: it skipped the group's collective, the job's hang (rl53-25: placed on a waiter's GPU).
// Evidence written for these tests, not copied from a case.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/ecc_precursor.h"
#include "agents/logs_case_testing.h"
#include "agents/moe_oom_skew.h"
#include "agents/nccl_p2p_disabled.h"
#include "agents/node_power_cap.h"
#include "agents/skipped_collective.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

// The case's answer; with PLC59_DUMP set to a folder, the case is also written there as NAME.json, so
// that an older `vigil diagnose --case` can be run on it (how these tests were seen failing on 880ca5db).
std::string Answer(const Json& c, const std::string& name) { return testing::CaseAnswerDumped(c, name, "PLC59_DUMP"); }

TEST_CASE("plc59: StatesEccRatePrecursor") {
  CHECK(StatesEccRatePrecursor("[Mon Dec  7 01:00:00 2026] NVRM: Xid (PCI:0000:2b:00): 92, pid=411, name=python3, High "
                               "single-bit ECC error rate."));
  CHECK(StatesEccRatePrecursor("metric DCGM_FI_DEV_ECC_SBE_VOL_TOTAL{Hostname=\"ec-1\",gpu=\"1\"}"));
  CHECK(StatesEccRatePrecursor("High correctable (SBE) ECC rate on ec-1 GPU 1"));
  // The uncorrectable error itself is no precursor.
  CHECK_FALSE(StatesEccRatePrecursor("NVRM: Xid (PCI:0000:8c:00): 48, pid=412, name=python3, An uncorrectable double bit "
                                     "error (DBE) has been detected on GPU"));
  CHECK_FALSE(StatesEccRatePrecursor("NVRM: Xid (PCI:0000:8c:00): 94, pid=412, Contained: SM (0x1)"));
  CHECK_FALSE(StatesEccRatePrecursor("metric DCGM_FI_DEV_ECC_DBE_VOL_TOTAL{Hostname=\"ec-1\",gpu=\"4\"}"));
  CHECK_FALSE(StatesEccRatePrecursor("CUDA error: uncorrectable ECC error encountered"));
  CHECK_FALSE(StatesEccRatePrecursor("NVRM: Xid (PCI:0000:8c:00): 79, GPU has fallen off the bus."));
}

Json EccCase(const std::string& dbe_bus) {
  Json c = Case("t-plc59-ecc", {"ec-1", "ec-2"},
                Json::array({Log("ec-1/dmesg",
                                 {"[Mon Dec  7 01:00:00 2026] NVRM: Xid (PCI:0000:2b:00): 92, pid=411, name=python3, High "
                                  "single-bit ECC error rate.",
                                  "[Mon Dec  7 02:30:00 2026] NVRM: Xid (PCI:" + dbe_bus +
                                      "): 48, pid=412, name=python3, An uncorrectable double bit error (DBE) has been "
                                      "detected on GPU in the framebuffer at partition 1, subpartition 0."})}));
  c["topology"]["gpu_pci_bus"] = {{"gpu0", "0000:0a:00.0"}, {"gpu1", "0000:2b:00.0"}, {"gpu2", "0000:3c:00.0"},
                                  {"gpu3", "0000:5d:00.0"}, {"gpu4", "0000:8c:00.0"}, {"gpu5", "0000:9d:00.0"},
                                  {"gpu6", "0000:be:00.0"}, {"gpu7", "0000:cf:00.0"}};
  return c;
}

TEST_CASE("plc59: an uncorrectable ECC error is the GPU whose DBE says so, not an earlier SBE-rate GPU") {
  // Before: gpu_memory_uncorrectable_ecc @ ec-1/gpu1 (the Xid 92's GPU).
  CHECK(Answer(EccCase("0000:8c:00"), "plc59_ecc_other") == "gpu_memory_uncorrectable_ecc @ ec-1/gpu4");
  // Near miss: the DBE on the same GPU as the SBE rate stays that GPU.
  CHECK(Answer(EccCase("0000:2b:00"), "plc59_ecc_same") == "gpu_memory_uncorrectable_ecc @ ec-1/gpu1");
}

TEST_CASE("plc59: StatesNodePowerCapSet") {
  CHECK(StatesNodePowerCapSet("2026-12-07 08:12:40 pw-2 bmc: power capping profile restored to factory default: GPU "
                              "board power limit 450 W"));
  CHECK(StatesNodePowerCapSet("Dec 07 08:12:40 pw-2 ipmitool: DCMI power limit set: 5600 Watts, activated"));
  // Near misses: one GPU's limit (nvidia-smi's), a cap removed, no controller named.
  CHECK_FALSE(StatesNodePowerCapSet("2026-12-07 08:12:40 pw-2 bmc: GPU 3 power limit 450 W"));
  CHECK_FALSE(StatesNodePowerCapSet("2026-12-07 08:12:40 pw-2 bmc: power capping disabled (limit 5600 W)"));
  CHECK_FALSE(StatesNodePowerCapSet("Current Power Limit : 450.00 W"));
}

Json PowerCapCase(const std::string& bmc_line) {
  Json c = Case("t-plc59-cap", {"pw-1", "pw-2"},
                Json::array({Log("train.log", {"I1207 08:00:00.000 job pt-4 world_size=16"}),
                             Log("pw-2/bmc-sel.log", {bmc_line})}));
  testing::AddGpu0PowerCapEvidence(c, "pw-2", 1796630400000);  // its power-violation counter, a GEMM failing there
  return c;
}

TEST_CASE("plc59: a power cap the node's BMC set makes the power throttle the node's") {
  // Before: gpu_power_throttle @ pw-2/gpu0.
  CHECK(Answer(PowerCapCase("2026-12-07 08:12:40 pw-2 bmc: power capping profile restored to factory default: GPU board "
                            "power limit 450 W"),
               "plc59_cap_bmc") == "gpu_power_throttle @ pw-2");
  // Near miss: the BMC saying the cap was disabled leaves it GPU 0's.
  CHECK(Answer(PowerCapCase("2026-12-07 08:12:40 pw-2 bmc: power capping disabled"), "plc59_cap_off") ==
        "gpu_power_throttle @ pw-2/gpu0");
}

TEST_CASE("plc59: TokensPerExpertSkew") {
  auto s = TokensPerExpertSkew("  File \"moe/experts.py\", line 230, in forward (GroupedMLP: tokens_per_expert=[951, 1020, 88410, 1004])");
  REQUIRE(s.has_value());
  CHECK(*s > 80);
  auto even = TokensPerExpertSkew("tokens_per_expert=[951, 1020, 990, 1004, ...]");
  REQUIRE(even.has_value());
  CHECK(*even < 1.1);
  CHECK_FALSE(TokensPerExpertSkew("tokens_per_expert=[951]").has_value());
  CHECK_FALSE(TokensPerExpertSkew("tokens per expert (layer 4, max/mean): 6.80").has_value());
  CHECK(OomTracebackShowsExpertSkew({"OOM", "x", "tokens_per_expert=[10, 12, 400]"}, 0));
  CHECK_FALSE(OomTracebackShowsExpertSkew({"OOM", "x", "tokens_per_expert=[10, 12, 11]"}, 0));
}

Json MoeCase(const std::string& tokens) {
  std::vector<std::string> lines = {
      "> moe: num_experts 32, moe_router_topk 2, expert_model_parallel_size 8, moe_aux_loss_coeff 0.0, seq_length 8192"};
  const char* skew[] = {"1.20; top experts: e9:3.8%", "3.10; top experts: e9:9.7%", "7.90; top experts: e9:24.7%",
                        "15.40; top experts: e9:48.1%"};
  for (int i = 0; i < 4; ++i) {
    lines.push_back("[2026-12-07 03:0" + std::to_string(i) + ":00] moe router: tokens per expert (layer 6, max/mean): " +
                    skew[i]);
  }
  lines.push_back("[rank13]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 12.50 GiB. GPU 5 has a total "
                  "capacity of 79.11 GiB of which 3.10 GiB is free. Of the allocated memory 70.20 GiB is allocated by PyTorch.");
  lines.push_back("[rank13]:   File \"megatron/core/transformer/moe/experts.py\", line 230, in forward (GroupedMLP: "
                  "tokens_per_expert=" + tokens + ")");
  lines.push_back("srun: error: mx-2: task 13: Exited with exit code 1");
  return Case("t-plc59-moe", {"mx-1", "mx-2"}, Json::array({Log("slurm-77.out", lines)}));
}

TEST_CASE("plc59: an OOM whose traceback shows one expert's tokens many times the others' is the routing collapse") {
  // Before: cuda_oom @ mx-2/gpu5 (a list cut short by "...", as a log prints it; a whole list is read as a
  // pasted series already).
  CHECK(Answer(MoeCase("[951, 1020, 88410, ...]"), "plc59_moe_skew") == "moe_expert_imbalance @ job");
  // Near miss: even shares in the OOM's experts leave the OOM its own.
  CHECK(Answer(MoeCase("[951, 1020, 990, 1004, ...]"), "plc59_moe_even").rfind("cuda_oom @ ", 0) == 0);
}

TEST_CASE("plc59: StatesP2pDisabledByEnv, StatesShmChannel, NvlinkClassGpuModel") {
  CHECK(StatesP2pDisabledByEnv("p2-1:51:60 [0] NCCL INFO NCCL_P2P_DISABLE set by environment to 1"));
  CHECK_FALSE(StatesP2pDisabledByEnv("p2-1:51:60 [0] NCCL INFO NCCL_P2P_DISABLE set by environment to 0"));
  CHECK_FALSE(StatesP2pDisabledByEnv("should i set NCCL_P2P_DISABLE=1 or raise the timeout?"));
  CHECK(StatesShmChannel("p2-1:51:60 [0] NCCL INFO Channel 01/0 : 0[0] -> 1[1] via SHM/direct/direct"));
  CHECK_FALSE(StatesShmChannel("p2-1:51:60 [0] NCCL INFO Channel 01/0 : 0[0] -> 1[1] via P2P/CUMEM/read"));
  CHECK(NvlinkClassGpuModel("NVIDIA H100 80GB HBM3"));
  CHECK(NvlinkClassGpuModel("NVIDIA B200"));
  CHECK_FALSE(NvlinkClassGpuModel("NVIDIA H100 PCIe"));
  CHECK_FALSE(NvlinkClassGpuModel("NVIDIA RTX 6000 Ada Generation"));
}

Json P2pCase(const std::string& model, const std::string& setting_line) {
  std::vector<std::string> lines = {
      "NCCL version 2.23.4+cuda12.6",
      setting_line,
      "p2-1:51:60 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via SHM/direct/direct",
      "p2-1:51:60 [0] NCCL INFO Channel 01/0 : 0[0] -> 1[1] via SHM/direct/direct",
      "p2-1:51:60 [0] NCCL INFO Connected all rings"};
  for (int i = 0; i < 4; ++i) {
    lines.push_back("[rank0]:[titan] 2026-12-07 04:0" + std::to_string(i) + ":00,000 - root - INFO - step: " +
                    std::to_string(100 + 10 * i) + "  loss:  2.4100  memory: 60.10GiB(75.00%)  tps: 410  mfu: 14.10%");
  }
  Json c = Case("t-plc59-p2p", {"p2-1", "p2-2"}, Json::array({Log("trainer.log", lines)}));
  c["topology"]["gpu_model"] = model;
  return c;
}

TEST_CASE("plc59: NCCL's P2P disabled by the environment on NVLink GPUs is the job's NCCL setting") {
  const std::string set = "p2-1:51:60 [0] NCCL INFO NCCL_P2P_DISABLE set by environment to 1";
  // Before: unknown @ job.
  CHECK(Answer(P2pCase("NVIDIA H100 80GB HBM3", set), "plc59_p2p_h100") == "nccl_network_misconfig @ job");
  // Near misses: a workstation board (SHM its normal path); NCCL saying P2P is off without the setting.
  CHECK(Answer(P2pCase("NVIDIA RTX 6000 Ada Generation", set), "plc59_p2p_ada").rfind("nccl_network_misconfig", 0) != 0);
  CHECK(Answer(P2pCase("NVIDIA H100 80GB HBM3",
                       "p2-1:51:60 [0] NCCL INFO P2P is disabled between connected GPUs 0 and 1, using SHM "
                       "(NCCL_P2P_DISABLE set or not supported on this platform)"),
               "plc59_p2p_nosetting")
            .rfind("nccl_network_misconfig", 0) != 0);
}

std::string FlightLine(const std::string& behind) {
  return "[rank8]:[E1207 05:10:20.000000 901 ProcessGroupNCCL.cpp:1418] [PG ID 2 PG GUID 5(cp) Rank 0] Flight recorder: "
         "ranks 0-2 of cp group 2 last enqueued ALLTOALL_BASE seq 4410; rank 3 (global 11) last enqueued " + behind;
}

TEST_CASE("plc59: FindSkippedCollective") {
  auto m = FindSkippedCollective({"x", FlightLine("ALLTOALL_BASE seq 4409, then ALLREDUCE on default_pg")});
  REQUIRE(m.has_value());
  CHECK(m->line_index == 1);
  CHECK(m->what == "rank 11 skipped ALLTOALL_BASE seq 4410, then ALLREDUCE");
  // Near misses: behind and still in the op (a laggard); the same op next; two behind.
  CHECK_FALSE(FindSkippedCollective({FlightLine("ALLTOALL_BASE seq 4409")}).has_value());
  CHECK_FALSE(FindSkippedCollective({FlightLine("ALLTOALL_BASE seq 4409, then ALLTOALL_BASE")}).has_value());
  CHECK_FALSE(FindSkippedCollective({FlightLine("ALLTOALL_BASE seq 4408, then ALLREDUCE on default_pg")}).has_value());
}

Json SkipCase(const std::string& behind) {
  std::vector<std::string> lines;
  for (int r = 8; r <= 10; ++r) {
    lines.push_back("[rank" + std::to_string(r) + "]:[E1207 05:10:10.000000 90" + std::to_string(r - 8) +
                    " ProcessGroupNCCL.cpp:632] [PG ID 2 PG GUID 5(cp) Rank " + std::to_string(r - 8) +
                    "] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=4410, OpType=ALLTOALL_BASE, "
                    "NumelIn=1048576, NumelOut=1048576, Timeout(ms)=600000) ran for 600021 milliseconds before timing out.");
  }
  lines.push_back("[rank11]:[E1207 05:10:11.000000 904 ProcessGroupNCCL.cpp:632] [PG ID 0 PG GUID 0(default_pg) Rank 11] "
                  "Watchdog caught collective operation timeout: WorkNCCL(SeqNum=9120, OpType=ALLREDUCE, NumelIn=4194304, "
                  "NumelOut=4194304, Timeout(ms)=600000) ran for 600013 milliseconds before timing out.");
  lines.push_back(FlightLine(behind));
  return Case("t-plc59-skip", {"sk-1", "sk-2"}, Json::array({Log("trainer.log", lines)}));
}

TEST_CASE("plc59: a rank that skipped its group's collective makes the hang the job's") {
  // Before: nccl_collective_hang @ sk-2/gpu0 (the first waiter's GPU).
  CHECK(Answer(SkipCase("ALLTOALL_BASE seq 4409, then ALLREDUCE on default_pg"), "plc59_skip_then") ==
        "nccl_collective_hang @ job");
  // Near miss: the rank behind with no later op is still in the collective: not read as the job's.
  CHECK(Answer(SkipCase("ALLTOALL_BASE seq 4409"), "plc59_skip_behind") != "nccl_collective_hang @ job");
}

}  // namespace
}  // namespace vigil
