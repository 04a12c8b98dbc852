// PLC4 (2026-12-04): the answer's place — the GPU, the node or the job.
//   1. A collective hang whose watchdog lines, from ranks on several nodes, all time out at one SeqNum
//      in one collective is the job's even when only one rank printed its "last enqueued / last
//      completed" progress line (SameProgressAcrossNodes counts the watchdog lines' ranks).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

// A watchdog line of torch 2.5's ProcessGroupNCCL for `rank` at `seq` in `op`.
std::string Watchdog(int rank, int seq, const std::string& op) {
  const std::string r = std::to_string(rank);
  return "[rank" + r + "]:[E1204 02:41:07.5512" + r + " 9" + r + "88 ProcessGroupNCCL.cpp:632] [Rank " + r +
         "] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=" + std::to_string(seq) + ", OpType=" + op +
         ", NumelIn=33554432, NumelOut=33554432, Timeout(ms)=900000) ran for 900027 milliseconds before timing out.";
}

// An expert-parallel job on four nodes (32 ranks, rank r on nodes[r / 8]) hung in an all-to-all:
// ranks 0, 11, 19 and 30 print their watchdog line, rank 0 alone its progress line; `seq19` is the
// SeqNum rank 19 (on ep-c03) times out at.
Json AllToAllHang(int seq19) {
  std::vector<std::string> lines = {
      "[2026-12-04 02:25:51] iter 12880 | lm loss 2.114 | 2.93 s/it | grad norm 0.41",
      Watchdog(0, 9120, "ALLTOALL_BASE"),
      Watchdog(11, 9120, "ALLTOALL_BASE"),
      Watchdog(19, seq19, "ALLTOALL_BASE"),
      Watchdog(30, 9120, "ALLTOALL_BASE"),
      "[rank0]:[E1204 02:41:07.562100 90088 ProcessGroupNCCL.cpp:1834] [PG ID 2 PG GUID 7(EP) Rank 0] Timeout at "
      "NCCL work: 9120, last enqueued NCCL work: 9120, last completed NCCL work: 9119.",
      "srun: error: ep-c01: tasks 0-7: Aborted (core dumped)",
  };
  return Case("t-plc4-a2a", {"ep-c01", "ep-c02", "ep-c03", "ep-c04"}, Json::array({Log("slurm-88120.out", lines)}));
}

TEST_CASE("plc4: ranks on four nodes timing out at one all-to-all, one progress line: the job's hang") {
  Diagnosis d = testing::RunCaseWithOwnProbes(AllToAllHang(9120));
  CHECK(d.root_cause == "nccl_collective_hang");
  // Before: ep-c01/gpu0, the GPU of rank 0, the one rank whose progress line was kept.
  CHECK(d.component == "job");
}

TEST_CASE("plc4: a rank timing out at an earlier SeqNum still places the hang (guard)") {
  Diagnosis d = testing::RunCaseWithOwnProbes(AllToAllHang(9119));
  CHECK(d.root_cause == "nccl_collective_hang");
  CHECK(d.component != "job");
}

}  // namespace
}  // namespace vigil
