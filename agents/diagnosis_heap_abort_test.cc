// A rank that aborts on glibc's heap check (the lead, 2026-12-04, after realistic19's blind runs:
// rl19-26, seen). `free(): corrupted unsorted chunks`, `double free or corruption (out)`,
// `malloc(): memory corruption`: glibc found the process' heap corrupted and called abort(), the
// rank's own crash. The knowledge pack's rank-crash entry (pack-rank-segfault) read SIGSEGV / SIGABRT
// summaries and segfault lines but none of glibc's words, so only the peers' "Connection closed by
// remote peer" counted, on the writing peer's GPU.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

// `srun -l` over 4 nodes at 8 tasks a node: task 13 is on the second node, GPU 5.
Json HeapAbortCase(const std::string& glibc_line) {
  return Case("heap-abort", {"hx-01", "hx-02", "hx-03", "hx-04"},
              Json::array({Log("ops/shell", {"$ scontrol show job 7001 | grep -E 'NodeList|NumTasks'",
                                             "   NodeList=hx-[01-04]", "   NumNodes=4 NumCPUs=448 NumTasks=32 CPUs/Task=14"}),
                           Log("slurm-7001.out (srun -l)",
                               {"13: " + glibc_line, "13: Fatal Python error: Aborted",
                                "21: hx-03:70110:70688 [5] misc/socket.cc:50 NCCL WARN socketProgress: Connection closed by "
                                "remote peer hx-02<50120>",
                                "0: [rank0]:[E1204 01:31:20.100211 41021 ProcessGroupNCCL.cpp:632] [Rank 0] Watchdog caught "
                                "collective operation timeout: WorkNCCL(SeqNum=51022, OpType=ALLGATHER, NumelIn=8388608, "
                                "NumelOut=536870912, Timeout(ms)=600000) ran for 600012 milliseconds before timing out."})}));
}

}  // namespace

TEST_CASE("a rank's glibc heap abort is its crash, on its own GPU, not the peer's that lost the connection") {
  for (const std::string line : {"free(): corrupted unsorted chunks", "double free or corruption (out)",
                                 "malloc(): memory corruption", "munmap_chunk(): invalid pointer",
                                 "corrupted size vs. prev_size"}) {
    CAPTURE(line);
    const Diagnosis d = testing::RunJsonWithPack(HeapAbortCase(line));
    CHECK(d.root_cause == "rank_process_crash");
    CHECK(d.component == "hx-02/gpu5");  // before: hx-03/gpu5, the peer writing "Connection closed"
  }
}

}  // namespace vigil
