// PLC7 (2026-12-04): the answer's place, continued - rows whose cause was right and whose place was
// not (evidence written for these tests, not copied from a case).
//   1. Lustre's `lfs df` rows name the mount point of a network file system: a quota or ENOSPC on a
//      path under it is the shared file system's (the job's), not the node of the rank that printed it.
//   2. py-spy's top frames of several ranks, one line a rank, in two different c10d collectives are a
//      collective mismatch (collective_mismatch.h): the job's hang, not the first watchdog line's GPU.
//   3. A CUDA OOM raised gathering the full state dict onto one rank (no CPU offload) is the job's
//      export code, not that rank's GPU (OomGatheringFullStateDict).
//   4. A failed row remap is the GPU whose block says "Remapping Failure Occurred : Yes", not the first
//      GPU listed with an uncorrectable row (StatesRemapFailure in Beliefs::Component).
//   5. A job's rank map printing rank ranges per host ("rank 24-31 host gpu-r03 (local 0-7)") ties
//      each rank to its host and GPU (RankHostReader).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/case.h"
#include "agents/collective_mismatch.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"
#include "agents/rank_hosts.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;


// Ranks on qa-01 fail a checkpoint save under `path` with EDQUOT; `lfs df` of /scratch is pasted.
Json QuotaCase(const std::string& path) {
  return Case("t-plc7-lfs-quota", {"qa-01", "qa-02"},
              Json::array({Log("slurm-4410.out",
                               {"0: [rank0]: Saving checkpoint to " + path + "/step_9000",
                                "3: [rank3]: OSError: [Errno 122] Disk quota exceeded: '" + path +
                                    "/step_9000/__3_0.distcp'",
                                "6: [rank6]: OSError: [Errno 122] Disk quota exceeded: '" + path +
                                    "/step_9000/__6_0.distcp'",
                                "srun: error: qa-01: tasks 0-7: Exited with exit code 1"}),
                           Log("lfs df -h /scratch",
                               {"UUID                       bytes        Used   Available Use% Mounted on",
                                "scr-MDT0000_UUID            4.2T        1.1T        3.1T  26% /scratch[MDT:0]",
                                "scr-OST0000_UUID           58.2T       31.7T       26.5T  55% /scratch[OST:0]",
                                "scr-OST0001_UUID           58.2T       30.9T       27.3T  54% /scratch[OST:1]",
                                "filesystem_summary:       116.4T       62.6T       53.8T  55% /scratch"})}));
}

TEST_CASE("plc7: a quota exceeded on a path under lfs df's mount point is the job's") {
  // Before: storage_failure @ qa-01 (the node of the ranks printing EDQUOT; /scratch was not known
  // to be Lustre's mount point).
  CHECK(testing::CaseAnswer(QuotaCase("/scratch/ckpt/llm-7b")) == "storage_failure @ job");
}

TEST_CASE("plc7: a quota exceeded on a local path beside a pasted lfs df stays the node's (twin)") {
  CHECK(testing::CaseAnswer(QuotaCase("/local_nvme/ckpt/llm-7b")) == "storage_failure @ qa-01");
}

TEST_CASE("plc7: FindCollectiveMismatch reads py-spy top frames of ranks in two collectives") {
  const std::string ar = " | all_reduce (torch/distributed/distributed_c10d.py:2501) <- train_step (train.py:412)";
  auto m = FindCollectiveMismatch({"rank 0" + ar, "rank 1" + ar,
                                   "rank 2  | barrier (torch/distributed/distributed_c10d.py:4131) <- run_eval (ev.py:8)",
                                   "rank 3" + ar});
  REQUIRE(m.has_value());
  CHECK(m->line_index == 2);
  CHECK(m->what == "py-spy shows ranks in all_reduce and in barrier");
  // One rank outside any collective (its data loader) is no mismatch: it is behind, not elsewhere.
  CHECK_FALSE(FindCollectiveMismatch({"rank 0" + ar, "rank 1" + ar,
                                      "rank 2  | _next_data (torch/utils/data/dataloader.py:1328) <- train.py:398",
                                      "rank 3" + ar})
                  .has_value());
  // Two ranks only: too few to tell a path from a straggler.
  CHECK_FALSE(FindCollectiveMismatch(
                  {"rank 0" + ar, "rank 2  | barrier (torch/distributed/distributed_c10d.py:4131) <- run_eval (ev.py:8)"})
                  .has_value());
}

// Ranks 2 and 5 (both on hg-01) of a 2-node job time out in one collective; py-spy's top frames are
// pasted one line a rank, rank 11 (on hg-02) in `odd_frame`.
Json SpyCase(const std::string& odd_frame) {
  const std::string ar = " | all_reduce (torch/distributed/distributed_c10d.py:2501) <- train_step (train.py:412)";
  return Case(
      "t-plc7-py-spy", {"hg-01", "hg-02"},
      Json::array(
          {Log("slurm-5120.out",
               {"2: [rank2]:[E1204 04:18:02.551 ProcessGroupNCCL.cpp:632] [Rank 2] Watchdog caught collective "
                "operation timeout: WorkNCCL(SeqNum=9120, OpType=ALLREDUCE, NumelIn=1048576) ran for 1800082 "
                "milliseconds before timing out.",
                "5: [rank5]:[E1204 04:18:02.603 ProcessGroupNCCL.cpp:632] [Rank 5] Watchdog caught collective "
                "operation timeout: WorkNCCL(SeqNum=9120, OpType=ALLREDUCE, NumelIn=1048576) ran for 1800071 "
                "milliseconds before timing out."}),
           Log("py-spy dump --pid <rank pid> on each node (main thread, top frames)",
               {"rank 0 " + ar, "rank 2 " + ar, "rank 8 " + ar, "rank 11 | " + odd_frame, "rank 15" + ar})}));
}

TEST_CASE("plc7: py-spy showing one rank in another collective makes the hang the job's") {
  // Before: nccl_collective_hang @ hg-01/gpu2 (the first watchdog line's GPU).
  CHECK(testing::CaseAnswer(SpyCase("barrier (torch/distributed/distributed_c10d.py:4131) <- run_eval (evaluate.py:88)")) ==
        "nccl_collective_hang @ job");
}

TEST_CASE("plc7: py-spy showing one rank stuck outside any collective is not the job's (twin)") {
  const std::string a =
      testing::CaseAnswer(SpyCase("_next_data (torch/utils/data/dataloader.py:1328) <- __next__ (dataloader.py:631)"));
  CHECK(a != "nccl_collective_hang @ job");
}

// Rank 0 of a 2-node job runs out of GPU memory inside `frame_call` (pasted from its traceback).
Json ExportOomCase(const std::string& frame_call) {
  return Case("t-plc7-export-oom", {"ox-01", "ox-02"},
              Json::array({Log("ox-01/rank0/stderr",
                               {"[2026-12-04 04:05:31] step 500: running eval",
                                "[rank0]:   File \"/app/eval.py\", line 44, in export_for_eval",
                                "[rank0]:     " + frame_call,
                                "[rank0]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 3.91 GiB. GPU 0 "
                                "has a total capacity of 139.81 GiB of which 2.20 GiB is free."})}));
}

TEST_CASE("plc7: an OOM gathering the full state dict onto one rank is the job's") {
  // Before: cuda_oom @ ox-01/gpu0 (rank 0's GPU).
  CHECK(testing::CaseAnswer(ExportOomCase(
            "sd = get_model_state_dict(model, options=StateDictOptions(full_state_dict=True, cpu_offload=False))")) ==
        "cuda_oom @ job");
}

TEST_CASE("plc7: an OOM of one rank's own step, or of a gather offloaded to the CPU, stays its GPU's (twin)") {
  CHECK(testing::CaseAnswer(ExportOomCase("logits = model(batch[\"input_ids\"])")) == "cuda_oom @ ox-01/gpu0");
  CHECK(testing::CaseAnswer(ExportOomCase(
            "sd = get_model_state_dict(model, options=StateDictOptions(full_state_dict=True, cpu_offload=True))")) ==
        "cuda_oom @ ox-01/gpu0");
}

// `nvidia-smi -q -d REMAPPED_ROWS -i 1,2` on rr-02; GPU `failed` (1 or 2) says its remap failed, the
// other shows one uncorrectable row remapped fine. The bus ids are tied by a --query-gpu table.
Json RemapCase(int failed) {
  auto block = [&](int gpu, const std::string& bus) {
    const bool f = gpu == failed;
    return std::vector<std::string>{"GPU 00000000:" + bus + ":00.0", "    Remapped Rows",
                                    "        Correctable Error                 : 0",
                                    std::string("        Uncorrectable Error               : ") + (f ? "8" : "1"),
                                    std::string("        Pending                           : ") + (f ? "Yes" : "No"),
                                    std::string("        Remapping Failure Occurred        : ") + (f ? "Yes" : "No")};
  };
  std::vector<std::string> lines = block(1, "2A");
  for (const std::string& l : block(2, "3A")) lines.push_back(l);
  return Case("t-plc7-remap", {"rr-01", "rr-02"},
              Json::array({Log("ssh rr-02 nvidia-smi -q -d REMAPPED_ROWS -i 1,2", lines),
                           Log("ssh rr-02 nvidia-smi --query-gpu=index,pci.bus_id --format=csv,noheader | sed -n 2,3p",
                               {"1, 00000000:2A:00.0", "2, 00000000:3A:00.0"})}));
}

TEST_CASE("plc7: a failed row remap is the GPU whose block says the remap failed") {
  // Before: gpu_row_remap_failure @ rr-02/gpu1 (GPU 1's "Uncorrectable Error : 1", listed first,
  // carried the signature's weight).
  CHECK(testing::CaseAnswer(RemapCase(2)) == "gpu_row_remap_failure @ rr-02/gpu2");
  // Twin: the first GPU listed is the one that failed.
  CHECK(testing::CaseAnswer(RemapCase(1)) == "gpu_row_remap_failure @ rr-02/gpu1");
}

TEST_CASE("plc7: RankHostReader reads rank ranges per host") {
  RankHostReader r;
  auto ties = r.Read("rank 0-7 host gpu-r01 (local 0-7); rank 8-15 host gpu-r02; rank 24-31 host gpu-r03 (local 0-7)");
  REQUIRE(ties.size() == 24);
  CHECK(ties[0].rank == 0);
  CHECK(ties[0].host == "gpu-r01");
  CHECK(ties[0].gpu == 0);
  CHECK(ties[8].rank == 8);
  CHECK(ties[8].host == "gpu-r02");
  CHECK(ties[8].gpu == -1);  // no local range: no GPU
  CHECK(ties[22].rank == 30);
  CHECK(ties[22].host == "gpu-r03");
  CHECK(ties[22].gpu == 6);
  RankHostReader r2;
  auto arrow = r2.Read("ranks 16-19 -> gpu-r04 (local 4-7)");
  REQUIRE(arrow.size() == 4);
  CHECK(arrow[1].rank == 17);
  CHECK(arrow[1].gpu == 5);
  // Not a map: a failure report of a range, or local ranges of another length (no GPU then).
  RankHostReader r3;
  CHECK(r3.Read("ranks 0-7 failed with exit code 1").empty());
  auto odd = r3.Read("rank 8-15 host gpu-r02 (local 0-3)");
  REQUIRE(odd.size() == 8);
  CHECK(odd[0].gpu == -1);
}

// Four nodes; the job's rank map puts gpu-r03 at ranks 24-31 (not the block layout's 16-23). Rank 30
// dies first with a KeyError.
Json RankMapCase(const std::string& map_line) {
  return Case("t-plc7-rank-map", {"rm-01", "rm-02", "rm-03", "rm-04"},
              Json::array({Log("slurm-99871.out",
                               {"30: Traceback (most recent call last):",
                                "30:   File \"/workspace/data/packed_dataset.py\", line 211, in __getitem__",
                                "30: KeyError: 'shard-01877'",
                                "30: [2026-12-04 03:02:44] rank 30 exiting (uncaught exception in training loop)",
                                "0: [rank0]:[E1204 03:12:47.109 ProcessGroupNCCL.cpp:632] [Rank 0] Watchdog caught "
                                "collective operation timeout: WorkNCCL(SeqNum=311920, OpType=ALLREDUCE) ran for 600051 "
                                "milliseconds before timing out."}),
                           Log("rank map (train log, rank 0)", {map_line})}));
}

TEST_CASE("plc7: a rank map of ranges places a rank's crash on its host and GPU") {
  // Before: rank_process_crash @ rm-04/gpu6 (the block layout's place of rank 30).
  CHECK(testing::CaseAnswer(RankMapCase("rank 0-7 host rm-01 (local 0-7); rank 8-15 host rm-02; rank 24-31 host rm-03 (local "
                           "0-7); rank 16-23 host rm-04")) == "rank_process_crash @ rm-03/gpu6");
  // Twin: a map agreeing with the layout keeps rank 30 on rm-04.
  CHECK(testing::CaseAnswer(RankMapCase("rank 0-7 host rm-01 (local 0-7); rank 24-31 host rm-04 (local 0-7)")) ==
        "rank_process_crash @ rm-04/gpu6");
}

}  // namespace
}  // namespace vigil
