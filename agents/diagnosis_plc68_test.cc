// PLC68 (2026-12-07, realistic60, SEEN fixes: the blind run's misses): evidence written for these
// tests (made-up minimal lines in the shape of the case's logs, not the case's text).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/dataset_index_build.h"
#include "agents/diagnosis_testing.h"
#include "agents/earlier_sightings.h"
#include "agents/forced_nccl_algo.h"
#include "agents/ib_link_width.h"
#include "agents/logs_case_testing.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

std::vector<std::string> Nodes(const std::string& prefix, int n) {
  std::vector<std::string> out;
  for (int i = 1; i <= n; ++i) out.push_back(prefix + std::to_string(100 + i));
  return out;
}

// 1. (rl60-28) A dataset index build on rank 0 (the index cache missed) that outlasts the barrier's
//    NCCL timeout of the ranks waiting for it: the input pipeline holds the job.
TEST_CASE("plc68: a dataset index build line") {
  CHECK(IsDatasetIndexBuildLine("> could not find index cache /data/cache/idx/ab12-sample_index.npy; building indices on rank 0"));
  CHECK(IsDatasetIndexBuildLine(">>> building sample index for 57 datasets"));
  CHECK(IsDatasetIndexBuildLine("[rank0]: py-spy: build_sample_idx (helpers.cpp) <- GPTDataset._build_document_sample_shuffle_indices"));
  CHECK(IsDatasetIndexBuildLine("WARNING: index cache for split train missing, rebuilding"));
  // The build's end, and other indices, are not.
  CHECK_FALSE(IsDatasetIndexBuildLine("> elapsed time to build and save sample-idx mapping (seconds): 93.2"));
  CHECK_FALSE(IsDatasetIndexBuildLine("> loaded document index from cache /data/cache/idx/ab12.npy"));
  CHECK_FALSE(IsDatasetIndexBuildLine("building the model (index of layers 0-31)"));
  CHECK_FALSE(IsDatasetIndexBuildLine("NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC index 3"));
}

TEST_CASE("plc68: an index build followed by timeouts, and one that ended first") {
  const std::vector<std::string> stalled = {
      "> could not find index cache /d/cache/x-doc_idx.npy; building indices on rank 0",
      "[rank3]:[E0101 10:30:00.0 1 ProcessGroupNCCL.cpp:632] [Rank 3] Watchdog caught collective operation timeout: "
      "WorkNCCL(SeqNum=4, OpType=BARRIER, NumelIn=1, NumelOut=1, Timeout(ms)=1800000) ran for 1800010 milliseconds before timing out."};
  const auto s = FindDatasetIndexBuildStall(stalled);
  REQUIRE(s.has_value());
  CHECK(s->first_line == 0);
  CHECK(s->stalls == 1);
  // The build ended and training ran before a (later, unrelated) timeout: no stall of the build's.
  const std::vector<std::string> ended = {
      "> could not find index cache /d/cache/x-doc_idx.npy; building indices on rank 0",
      "> elapsed time to build and save sample-idx mapping (seconds): 41.0",
      " iteration        1/ 1000 | elapsed time per iteration (ms): 900.0 | lm loss: 9.1E+00 |",
      "[rank3]: Watchdog caught collective operation timeout: WorkNCCL(SeqNum=90, OpType=ALLREDUCE, Timeout(ms)=600000)"};
  CHECK_FALSE(FindDatasetIndexBuildStall(ended).has_value());
  // Megatron's start-up banner alone (every job prints it, cached or not) before a timeout says nothing of
  // the build (holdout h012, holdout13 p058: a hang of another cause after the banner).
  const std::vector<std::string> banner = {
      "> building indices for blendable datasets ...",
      "[rank3]: Watchdog caught collective operation timeout: WorkNCCL(SeqNum=90, OpType=ALLREDUCE, Timeout(ms)=600000)"};
  CHECK_FALSE(FindDatasetIndexBuildStall(banner).has_value());
}

TEST_CASE("plc68: ranks timing out in a barrier while rank 0 builds dataset indices is dataloader_stall") {
  Json c = Case("t-plc68-index", Nodes("kx-n", 4),
                Json::array({Log("slurm-77.out",
                                 {"srun: job 77 step 0: 32 tasks on 4 nodes (kx-n[101-104])",
                                  " [2027-01-04 08:00:01] > could not find index cache /fs/cache/idx/9e1-document_index.npy; "
                                  "building indices on rank 0",
                                  " [2027-01-04 08:00:05] >>> building sample index for 30 datasets",
                                  "[rank9]:[E0104 08:30:02.000000 5109 ProcessGroupNCCL.cpp:632] [Rank 9] Watchdog caught "
                                  "collective operation timeout: WorkNCCL(SeqNum=3, OpType=BARRIER, NumelIn=1, NumelOut=1, "
                                  "Timeout(ms)=1800000) ran for 1800040 milliseconds before timing out.",
                                  "[rank31]:[E0104 08:30:03.000000 5131 ProcessGroupNCCL.cpp:632] [Rank 31] Watchdog caught "
                                  "collective operation timeout: WorkNCCL(SeqNum=3, OpType=BARRIER, NumelIn=1, NumelOut=1, "
                                  "Timeout(ms)=1800000) ran for 1800051 milliseconds before timing out."})}));
  // Before: nccl_collective_hang @ job (the build lines unread).
  CHECK(testing::CaseAnswerDumped(c, "plc68-index", "PLC68_DUMP") == "dataloader_stall @ job");
}

// 2. (rl60-02) The IB driver's "Port: 1 Link ACTIVE" ends its "Port: 1 Link DOWN": a flap an hour
//    before a hang, training between, does not explain the hang.
TEST_CASE("plc68: the IB driver's Link ACTIVE port event is a recovery") {
  CHECK(StatesFaultOver("[Mon Jan  4 07:10:02 2027] mlx5_core 0000:1a:00.0 mlx5_3: Port: 1 Link ACTIVE") == FaultOver::kLink);
  CHECK(StatesFaultOver("mlx5_3: Port 1 link ACTIVE") == FaultOver::kLink);
  CHECK(StatesFaultOver("[Mon Jan  4 07:10:00 2027] mlx5_core 0000:1a:00.0 mlx5_3: Port: 1 Link DOWN") == FaultOver::kNone);
}

TEST_CASE("plc68: a port flap that recovered an hour before a collective mismatch is not the hang's cause") {
  Json c = Case("t-plc68-flap", Nodes("kx-n", 4),
                Json::array({Log("slurm-78.out",
                                 {" [2027-01-04 08:10:00] iteration     500/ 9000 | elapsed time per iteration (ms): 5000.0 | "
                                  "lm loss: 2.1E+00 | loss scale: 1.0 |",
                                  " [2027-01-04 08:10:05] iteration     501/ 9000 | elapsed time per iteration (ms): 5000.0 | "
                                  "lm loss: 2.1E+00 | loss scale: 1.0 |",
                                  "[rank0]:[E0104 08:20:07.000000 6100 ProcessGroupNCCL.cpp:632] [Rank 0] Watchdog caught collective "
                                  "operation timeout: WorkNCCL(SeqNum=1212, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=600000) "
                                  "ran for 600050 milliseconds before timing out.",
                                  "[rank5]:[E0104 08:20:08.000000 6105 ProcessGroupNCCL.cpp:632] [Rank 5] Watchdog caught collective "
                                  "operation timeout: WorkNCCL(SeqNum=1212, OpType=_REDUCE_SCATTER_BASE, NumelIn=4096, NumelOut=4096, "
                                  "Timeout(ms)=600000) ran for 600020 milliseconds before timing out.",
                                  "[rank17]:[E0104 08:20:09.000000 6117 ProcessGroupNCCL.cpp:632] [Rank 17] Watchdog caught collective "
                                  "operation timeout: WorkNCCL(SeqNum=1212, OpType=_REDUCE_SCATTER_BASE, NumelIn=4096, NumelOut=4096, "
                                  "Timeout(ms)=600000) ran for 600030 milliseconds before timing out."}),
                             Log("kx-n103/dmesg", {"[Mon Jan  4 07:05:00 2027] mlx5_core 0000:1a:00.0 mlx5_3: Port: 1 Link DOWN",
                                                   "[Mon Jan  4 07:05:04 2027] mlx5_core 0000:1a:00.0 mlx5_3: Port: 1 Link ACTIVE"})}));
  // Before: ib_link_failure @ kx-n103/mlx5_3 (the flap read as never over, the hang its symptom).
  CHECK(testing::CaseAnswerDumped(c, "plc68-flap", "PLC68_DUMP") == "nccl_collective_hang @ job");
}

// 3. (rl60-30) NCCL_ALGO=Ring / NCCL_PROTO=Simple forced by the environment in a job of thousands of ranks.
TEST_CASE("plc68: a forced ring algorithm at scale") {
  const std::vector<std::string> lines = {"world size: 2048",
                                          "kx-n101:1:1 [0] NCCL INFO NCCL_ALGO set by environment to Ring",
                                          "kx-n101:1:1 [0] NCCL INFO NCCL_PROTO set by environment to Simple"};
  const auto f = FindForcedNcclAlgoAtScale(lines, 0);
  REQUIRE(f.has_value());
  CHECK(f->line == 1);
  CHECK(f->ranks == 2048);
  CHECK(f->what == "NCCL_ALGO=Ring, NCCL_PROTO=Simple");
  // Small jobs, and settings that leave NCCL a choice, are not read.
  CHECK_FALSE(FindForcedNcclAlgoAtScale({"kx-n101:1:1 [0] NCCL INFO NCCL_ALGO set by environment to Ring"}, 128).has_value());
  CHECK_FALSE(FindForcedNcclAlgoAtScale({"kx-n101:1:1 [0] NCCL INFO NCCL_ALGO set by environment to Ring,Tree"}, 8192).has_value());
  CHECK_FALSE(FindForcedNcclAlgoAtScale({"kx-n101:1:1 [0] NCCL INFO NCCL_PROTO set by environment to LL128"}, 8192).has_value());
  CHECK(StatedWorldSize({"srun: job 5 step 0: 4096 tasks on 512 nodes (a[1-512])"}) == 4096);
}

TEST_CASE("plc68: a job of 1,024 ranks with NCCL_ALGO=Ring forced and slow steps is launch_config_error") {
  Json c = Case("t-plc68-ring", Nodes("kx-n", 128),
                Json::array({Log("pod/train-worker-0/pytorch",
                                 {"kx-n101:7000:7000 [0] NCCL INFO NCCL_ALGO set by environment to Ring",
                                  "kx-n101:7000:7000 [0] NCCL INFO NCCL_PROTO set by environment to Simple",
                                  "[rank0]: 2027-01-04 09:00:00,000 - INFO - step:  20  loss:  4.1000  tps: 900  mfu: 15.00%",
                                  "[rank0]: 2027-01-04 09:00:20,000 - INFO - step:  21  loss:  4.0900  tps: 900  mfu: 15.00%"})}));
  // Before: unknown (nothing read the forced settings).
  CHECK(testing::CaseAnswerDumped(c, "plc68-ring", "PLC68_DUMP") == "launch_config_error @ job");
}

// 4. (rl60-13) A port that trained at a reduced width (the fabric manager's "Link width degradation ... 4x -> 2x",
//    mlxlink's "Width reduction"): the port's link, not a straggler on its node.
TEST_CASE("plc68: a link width reduction line") {
  CHECK(SaysLinkWidthReduced("2027-01-04T06:00:00Z UFM: Link width degradation: kx-n103 mlx5_4 port 1 <-> leaf-2 port 9: 4x -> 2x"));
  CHECK(SaysLinkWidthReduced("Width reduction (lanes 1,2,3 disabled)"));
  CHECK(SaysLinkWidthReduced("opensm: port width degraded from 4X to 1X on kx-n103 mlx5_4"));
  CHECK_FALSE(SaysLinkWidthReduced("UFM: link width changed: kx-n103 mlx5_4 port 1: 2x -> 4x"));
  CHECK_FALSE(SaysLinkWidthReduced("no width degradation on any port"));
  CHECK_FALSE(SaysLinkWidthReduced("pcieport 0000:3a:00.0: PCIe link width degraded x16 -> x8"));
  CHECK_FALSE(SaysLinkWidthReduced("LnkSta: Speed 32GT/s, Width x8 (downgraded)"));
  CHECK_FALSE(SaysLinkWidthReduced("Width                           : 4x"));
}

TEST_CASE("plc68: a fabric manager's width degradation event on one port is ib_link_failure on that HCA") {
  Json c = Case("t-plc68-width", Nodes("kx-n", 4),
                Json::array({Log("train-88.out",
                                 {"[2027-01-04 09:00:00] [straggler] StragglerDetector: GPU compute time uniform; "
                                  "communication time per iteration +0.9 s on all ranks"}),
                             Log("kx-n103/ibstat.txt", {"CA 'mlx5_4'", "\tPort 1:", "\t\tState: Active", "\t\tRate: 200"}),
                             Log("fabric/events.log",
                                 {"2027-01-04T06:00:00Z UFM: Link width degradation: kx-n103 mlx5_4 port 1 <-> leaf-2 port 9: 4x -> 2x"})}));
  // Before: straggler_rank @ kx-n103 (the pack's "Rate: 200" signature; the width event unread).
  CHECK(testing::CaseAnswerDumped(c, "plc68-width", "PLC68_DUMP") == "ib_link_failure @ kx-n103/mlx5_4");
}

// 5. (rl60-12) A responder's command about a netdev whose parenthesised note names its HCA ("$ ethtool -S eth6
//    ... (mlx5_6, ...)") ties the two, as the "# mlx5_6" comment did (RG11): the pause storm's port is named
//    by its HCA.
TEST_CASE("plc68: a command's parenthesised note ties its netdev to the HCA") {
  Json c = Case("t-plc68-netdev", Nodes("kx-n", 4),
                Json::array({Log("kx-n102/ethtool-S-eth3.txt",
                                 {"$ ethtool -S eth3 | egrep 'pause|storm'  (mlx5_3, 2 samples 60 s apart)",
                                  "     rx_pause_ctrl_phy: 0 -> 0",
                                  "     tx_pause_ctrl_phy: 1100200 -> 4800100",
                                  "     tx_pause_storm_warning_events: 12 -> 40",
                                  "     tx_pause_storm_error_events: 1 -> 3"}),
                             Log("kx-n102/dmesg", {"[Mon Jan  4 07:19:40 2027] mlx5_core 0000:d3:00.0 eth3: TX timeout detected"})}));
  // Before: ib_link_failure @ kx-n102/eth3 (the netdev's name kept: no tie read).
  CHECK(testing::CaseAnswerDumped(c, "plc68-netdev", "PLC68_DUMP") == "ib_link_failure @ kx-n102/mlx5_3");
}

}  // namespace
}  // namespace vigil
