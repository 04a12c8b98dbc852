// PLC34 (2026-12-06): realistic36's blind misses, seen (agents/HISTORY.md's PLC34 section). Each reader
// with near misses, and a small case through the whole reasoner that answered the old wrong category or
// place on the base code (66c35c20):
// - NCCL versions a launcher's pod listing ("POD (NODE) image ... NCCL X.Y.Z") and time-stamped rank
//   prefixes print, mixed across the job's hosts (FindMixedNcclVersions);
// - a summary of each rank's last collective saying "mismatch" ("rank 0 last collective seq N
//   ALLREDUCE; ranks 1-31 last collective seq N _ALLGATHER_BASE"), read as a collective mismatch;
// - a slow rank's layout GPU is a CUDA ordinal, mapped through the node's printed CUDA_VISIBLE_DEVICES;
//   a GPU computing for a process besides the job's (FindSharedGpu) is that straggler's cause.
// Evidence written for these tests, not copied from a case.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/collective_mismatch.h"
#include "agents/diagnosis_testing.h"
#include "agents/gpu_compute_apps.h"
#include "agents/logs_case_testing.h"
#include "agents/nccl_versions.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

std::vector<std::string> PodListing(const std::vector<std::string>& nccl) {
  std::vector<std::string> out;
  for (size_t i = 0; i < nccl.size(); ++i) {
    out.push_back("2026-11-30T10:00:0" + std::to_string(i) + "Z train-w-" + std::to_string(i) + " (gx-" + std::to_string(i + 1) +
                  ") image reg.example/train:latest@sha256:" + (nccl[i] == nccl[0] ? "aa11" : "bb22") + " torch 2.4.0 NCCL " + nccl[i]);
  }
  out.push_back("2026-11-30T10:02:00Z train-w-1: [rank8]: torch.distributed.DistBackendError: NCCL error in: ProcessGroupNCCL.cpp:1970, "
                "invalid usage (run with NCCL_DEBUG=WARN for details), NCCL version " + nccl[1]);
  out.push_back("2026-11-30T10:05:00Z train-w-0: [rank0]: RuntimeError: [c10d] TCPStore: rendezvous failed, world size 32, 8 ranks never joined");
  return out;
}

TEST_CASE("plc34: NCCL versions of a launcher's pod listing, mixed across hosts") {
  // Before: no version read (the listing says "NCCL 2.20.5", its writer is "POD (NODE)").
  auto m = FindMixedNcclVersions(PodListing({"2.20.5", "2.21.5", "2.20.5", "2.20.5"}));
  REQUIRE(m.has_value());
  CHECK(m->versions == std::vector<std::string>{"2.20.5", "2.21.5"});
  CHECK(m->writers == 5);  // four hosts and rank 8
  CHECK(m->first_line == 1);
  // Near misses: one version everywhere; a listing with no node in parentheses; a bare "NCCL 2.21.5".
  CHECK_FALSE(FindMixedNcclVersions(PodListing({"2.20.5", "2.20.5", "2.20.5"})).has_value());
  CHECK_FALSE(FindMixedNcclVersions({"train-w-0 image a NCCL 2.20.5", "train-w-1 image b NCCL 2.21.5"}).has_value());
  CHECK_FALSE(FindMixedNcclVersions({"upgraded NCCL 2.20.5 to NCCL 2.21.5"}).has_value());
}

TEST_CASE("plc34: a job whose pods list different NCCL versions fails at launch, not on the failing pods' node") {
  const std::vector<std::string> nodes = {"gx-1", "gx-2", "gx-3", "gx-4"};
  CHECK(testing::CaseAnswer(Case("t-plc34-nv", nodes, Json::array({Log("jobset", PodListing({"2.20.5", "2.21.5", "2.20.5", "2.20.5"}))}))) ==
        "launch_config_error @ job");
  CHECK(testing::CaseAnswer(Case("t-plc34-nv", nodes, Json::array({Log("jobset", PodListing({"2.20.5", "2.20.5", "2.20.5", "2.20.5"}))})))
            .rfind("launch_config_error", 0) != 0);
}

std::string LastOps(const std::string& other_op, const std::string& verdict) {
  return "flight recorder: rank 0 last collective seq 512 ALLREDUCE numel 1 (scheduled); ranks 1-31 last collective seq 512 " +
         other_op + " numel 4096 (scheduled) -- " + verdict;
}

TEST_CASE("plc34: a summary of each rank's last collective, two ops and a mismatch said") {
  // Before: none (the ranks' ops follow "last collective seq N", not "entered").
  auto m = FindCollectiveMismatch({LastOps("_ALLGATHER_BASE", "collective mismatch at the same sequence number")});
  REQUIRE(m.has_value());
  CHECK(m->what.find("ALLREDUCE") != std::string::npos);
  // Near misses: the same op on every rank; a mismatch denied.
  CHECK_FALSE(FindCollectiveMismatch({LastOps("ALLREDUCE", "collective mismatch at the same sequence number")}).has_value());
  CHECK_FALSE(FindCollectiveMismatch({LastOps("_ALLGATHER_BASE", "no collective mismatch found")}).has_value());
}

std::string Watchdog(int rank, const std::string& op) {
  const std::string r = std::to_string(rank);
  return "[rank" + r + "]:[E1130 10:30:00.0" + r + "0000 4000" + r + " ProcessGroupNCCL.cpp:616] [Rank " + r +
         "] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=512, OpType=" + op +
         ", NumelIn=4096, NumelOut=4096, Timeout(ms)=600000) ran for 600011 milliseconds before timing out.";
}

// Ranks 1-31 time out in the all-gather (`others_op`), rank 0 in its own all-reduce; then the summary line.
std::vector<std::string> Watchdogs(const std::string& summary, const std::string& others_op = "_ALLGATHER_BASE") {
  std::vector<std::string> out;
  for (int r : {1, 7, 17, 31}) out.push_back(Watchdog(r, others_op));
  out.push_back(Watchdog(0, "ALLREDUCE"));
  out.push_back(summary);
  return out;
}

TEST_CASE("plc34: ranks whose last collectives differ hang the job, not the first waiter's GPU") {
  const std::vector<std::string> nodes = {"gx-1", "gx-2", "gx-3", "gx-4"};
  // Before: nccl_collective_hang @ gx-1/gpu1 (rank 1's watchdog line).
  CHECK(testing::CaseAnswer(Case("t-plc34-cm", nodes, Json::array({Log("slurm.out", Watchdogs(LastOps("_ALLGATHER_BASE",
                                                                                                        "collective mismatch")))}))) ==
        "nccl_collective_hang @ job");
  // PLC34's near miss (the summary naming one op for all ranks) is checked on FindCollectiveMismatch above: as a
  // whole case it is no longer a near miss, since the watchdog lines' two ops at one SeqNum are a mismatch of
  // their own (the lead's WatchdogOpsDiffer, 2026-12-06) and ranks of several nodes stuck in one op are the job's
  // hang (RL9).
}

std::vector<std::string> ComputeApps(bool orphan) {
  std::vector<std::string> out = {"gx-3$ nvidia-smi --query-compute-apps=pid,gpu_bus_id,used_memory,process_name --format=csv",
                                  "pid, gpu_bus_id, used_memory [MiB], process_name",
                                  "5100, 00000000:18:00.0, 60100 MiB, python", "5101, 00000000:2A:00.0, 60120 MiB, python",
                                  "5102, 00000000:3A:00.0, 60090 MiB, python"};
  if (orphan) out.push_back("7733, 00000000:3A:00.0, 8200 MiB, python3");
  out.push_back("5103, 00000000:5D:00.0, 60110 MiB, python");
  return out;
}

TEST_CASE("plc34: a GPU computing for a process besides the job's") {
  auto s = FindSharedGpu(ComputeApps(true));
  REQUIRE(s.has_value());
  CHECK(s->bus == "0000:3a:00");
  CHECK(s->line == 5);
  CHECK(s->processes == 2);
  CHECK(s->other_gpus == 3);
  // Near misses: one process a GPU; every GPU with two (the job's own layout); rows with no table.
  CHECK_FALSE(FindSharedGpu(ComputeApps(false)).has_value());
  CHECK_FALSE(FindSharedGpu({"pid, gpu_bus_id", "1, 00000000:18:00.0", "2, 00000000:18:00.0", "3, 00000000:2A:00.0",
                             "4, 00000000:2A:00.0", "5, 00000000:3A:00.0", "6, 00000000:3A:00.0"})
                  .has_value());
  CHECK_FALSE(FindSharedGpu({"5100, 00000000:18:00.0", "5101, 00000000:2A:00.0", "5102, 00000000:3A:00.0",
                             "7733, 00000000:3A:00.0"})
                  .has_value());
}

std::vector<std::string> SlowLocalRank0() {
  return {"gx-3: bind.sh: CUDA_VISIBLE_DEVICES=2,3,0,1,6,7,4,5 (NUMA order)",
          "[rank0]: step time per rank (p50 2.90s): slowest rank 16 3.95s (LOCAL_RANK 0 on gx-3, cuda:0)",
          "[rank0]: step time per rank (p50 2.91s): slowest rank 16 3.99s (LOCAL_RANK 0 on gx-3, cuda:0)"};
}

TEST_CASE("plc34: a slow local rank under a remapped CUDA_VISIBLE_DEVICES is the physical GPU it maps to") {
  const std::vector<std::string> nodes = {"gx-1", "gx-2", "gx-3", "gx-4"};
  // Before: straggler_rank @ gx-3/gpu0 (the layout's local rank read as the physical GPU).
  CHECK(testing::CaseAnswer(Case("t-plc34-cvd", nodes, Json::array({Log("slurm.out", SlowLocalRank0())}))) ==
        "straggler_rank @ gx-3/gpu2");
  // Near miss: no map printed, the local rank's GPU stands.
  std::vector<std::string> plain = SlowLocalRank0();
  plain.erase(plain.begin());
  CHECK(testing::CaseAnswer(Case("t-plc34-cvd", nodes, Json::array({Log("slurm.out", plain)}))) == "straggler_rank @ gx-3/gpu0");
}

TEST_CASE("plc34: a GPU shared with another process is the slow rank's cause, over a ticket's guess") {
  const std::vector<std::string> nodes = {"gx-1", "gx-2", "gx-3", "gx-4"};
  auto answer = [&](bool orphan) {
    const std::vector<std::string> ticket = {"ticket: rank 16 = local rank 0 on gx-3 is slow. GPU 0 of gx-3 must be bad, please check gpu0"};
    Json c = Case("t-plc34-apps", nodes, Json::array({Log("slurm.out", SlowLocalRank0()), Log("ticket", ticket),
                                                       Log("gx-3/shell", ComputeApps(orphan))}));
    c["topology"]["gpu_pci_bus"] = {{"gpu0", "0000:18:00.0"}, {"gpu1", "0000:2a:00.0"}, {"gpu2", "0000:3a:00.0"}, {"gpu3", "0000:5d:00.0"}};
    return testing::CaseAnswer(c);
  };
  // Before: pcie_link_degraded @ gx-3/gpu2 (the ticket read like a pack entry) with or without the orphan.
  CHECK(answer(true) == "straggler_rank @ gx-3/gpu2");
  CHECK(answer(false) != "straggler_rank @ gx-3/gpu2");
}

}  // namespace
}  // namespace vigil
