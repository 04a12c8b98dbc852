// FindCollectiveMismatch's one list of collective names (PLC11, 2026-12-04): the "ranks entered X"
// line of the flight recorder's analysis and fr_trace's per-rank op lines accept the same
// spellings - PyTorch's OpType (ALLREDUCE, _ALLGATHER_BASE, REDUCE_SCATTER, ALLTOALL_BASE,
// COALESCED, ALLREDUCE_COALESCED), NCCL's own ("AllReduce", "ReduceScatter") and fr_trace's
// ("nccl:all_reduce") - and two spellings of one collective are one collective. Lines written for
// these tests, not copied from a case.
#include "agents/collective_mismatch.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vigil {
namespace {

// The mismatch stated by one "ranks entered" line naming `a` for rank 3 and `b` for the others.
std::optional<CollectiveMismatch> Entered(const std::string& a, const std::string& b) {
  return FindCollectiveMismatch({"Collective 5120 mismatch: rank 3 entered " + a + " (sizes [[64]]), ranks 0-2,4-15 entered " + b});
}

// The mismatch stated by two consecutive fr_trace rank lines.
std::optional<CollectiveMismatch> RankLines(const std::string& a, const std::string& b) {
  return FindCollectiveMismatch({"  rank 3 : " + a + "  input sizes [[64]] state scheduled",
                                 "  ranks 0-2,4-15 : " + b + "  input sizes [[1]] state scheduled"});
}

}  // namespace

TEST_CASE("plc11: each spelling of a collective is read on the 'ranks entered' line and the rank lines alike") {
  // PyTorch's OpType, NCCL's own names, fr_trace's backend:name, each against a collective of another kind.
  const std::vector<std::pair<std::string, std::string>> spellings = {
      {"ALLREDUCE", "BROADCAST"},         {"_ALLGATHER_BASE", "ALLREDUCE"},   {"REDUCE_SCATTER", "ALLREDUCE"},
      {"BROADCAST", "ALLREDUCE"},         {"ALLTOALL_BASE", "ALLREDUCE"},     {"COALESCED", "ALLREDUCE"},
      {"ALLREDUCE_COALESCED", "BARRIER"}, {"_REDUCE_SCATTER_BASE", "ALLREDUCE"}, {"BARRIER", "ALLREDUCE"},
      {"SEND", "RECV"},                   {"ALL_TO_ALL", "ALLGATHER"},        {"ALLGATHER_INTO_TENSOR_COALESCED", "ALLREDUCE"}};
  for (const auto& [a, b] : spellings) {
    CAPTURE(a);
    const auto entered = Entered(a, b);
    REQUIRE(entered);
    CHECK(entered->what == "ranks entered " + a + " and " + b + " at one point");
    const auto lines = RankLines(a, b);
    REQUIRE(lines);
    CHECK(lines->what == a + " vs " + b + " in the ranks' last collectives");
  }
  // NCCL's own and fr_trace's names on the "entered" line (the rank lines take fr_trace's with
  // its backend, and OpType's capitals; NCCL's mixed case there is prose: below).
  const std::vector<std::pair<std::string, std::string>> entered = {
      {"AllReduce", "Broadcast"}, {"ReduceScatter", "AllGather"}, {"nccl:all_reduce", "nccl:all_gather"},
      {"nccl:broadcast", "ALLREDUCE"}, {"gloo:barrier", "gloo:all_reduce"}};
  for (const auto& [a, b] : entered) {
    CAPTURE(a);
    const auto m = Entered(a, b);
    REQUIRE(m);
    CHECK(m->what == "ranks entered " + a + " and " + b + " at one point");
  }
  CHECK(RankLines("nccl:all_reduce", "nccl:all_gather"));
  CHECK(RankLines("nccl:_reduce_scatter_base", "nccl:broadcast"));
}

TEST_CASE("plc11: two spellings of one collective are no mismatch") {
  // Before PLC11 the "entered" line compared the printed words: ALLREDUCE and all_reduce were two ops.
  for (const auto& [a, b] : std::vector<std::pair<std::string, std::string>>{
           {"ALLREDUCE", "all_reduce"}, {"AllReduce", "ALLREDUCE"}, {"nccl:all_reduce", "ALLREDUCE"},
           {"_ALLGATHER_BASE", "ALLGATHER_BASE"}, {"REDUCE_SCATTER", "ReduceScatter"}, {"ALL_TO_ALL", "AllToAll"}}) {
    CAPTURE(a);
    CHECK_FALSE(Entered(a, b));
  }
  CHECK_FALSE(RankLines("nccl:all_reduce", "ALLREDUCE"));
  CHECK_FALSE(RankLines("_ALLGATHER_BASE", "nccl:_allgather_base"));
  CHECK_FALSE(RankLines("REDUCE_SCATTER", "REDUCESCATTER"));
}

TEST_CASE("plc11: words that name no collective are not read as one") {
  // Near misses: a word after "entered"/"in" that is no collective; a collective-like word in prose
  // on a rank line; a backend with no collective.
  CHECK_FALSE(Entered("SYNC", "ALLREDUCE"));
  CHECK_FALSE(Entered("ALLREDUCES", "BROADCAST"));
  CHECK_FALSE(Entered("nccl:init", "nccl:all_reduce"));
  CHECK_FALSE(FindCollectiveMismatch({"Collective 5120 mismatch: rank 3 entered the barrier late, ranks 0-2 entered ALLREDUCE"}));
  CHECK_FALSE(RankLines("Broadcast of the eval prompts", "ALLREDUCE"));
  CHECK_FALSE(RankLines("WAITING", "ALLREDUCE"));
  CHECK_FALSE(RankLines("nccl:init", "nccl:all_reduce"));
}

// The lead, 2026-12-06: the watchdog's own lines at one sequence number in two ops (realistic35
// rl35-12), and fr_trace's missing rank waiting in another collective (realistic26 rl26-30).
std::string Watchdog(int rank, const std::string& seq, const std::string& op, const std::string& pg = "") {
  return "[rank" + std::to_string(rank) + "]:[E1204 09:42:40.221001 40400 ProcessGroupNCCL.cpp:632] " +
         (pg.empty() ? "" : "[PG ID " + pg + " PG GUID 0 Rank " + std::to_string(rank) + "] ") + "[Rank " +
         std::to_string(rank) + "] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=" + seq +
         ", OpType=" + op + ", NumelIn=1, NumelOut=1, Timeout(ms)=1800000) ran for 1800011 milliseconds";
}

TEST_CASE("lead 2026-12-06: watchdog lines at one sequence number in two ops are a mismatch") {
  const std::vector<std::string> lines = {Watchdog(0, "18402", "ALLREDUCE"), Watchdog(5, "18402", "ALLREDUCE"),
                                          Watchdog(11, "18402", "ALLGATHER"), Watchdog(15, "18402", "ALLREDUCE")};
  const auto m = FindCollectiveMismatch(lines);
  REQUIRE(m);
  CHECK(m->line_index == 2);  // the odd rank's line
  CHECK(m->what.find("ALLREDUCE vs ALLGATHER at sequence number 18402") != std::string::npos);
  // PyTorch's "collective sequence" print counts as the rank's op too.
  CHECK(FindCollectiveMismatch({Watchdog(0, "7", "ALLREDUCE"), Watchdog(1, "7", "ALLREDUCE"),
                                "[rank2]:[W1204 09:12:40.118220 51203 ProcessGroupNCCL.cpp:4115] [PG ID 0 PG GUID 0 "
                                "Rank 2] collective sequence: SeqNum=7 OpType=BROADCAST"}));
}

TEST_CASE("lead 2026-12-06: watchdog lines that are no mismatch") {
  // One op everywhere; two ranks only; different sequence numbers; two process groups; a rank in two ops
  // at one number (two groups' counters).
  CHECK_FALSE(FindCollectiveMismatch({Watchdog(0, "9", "ALLREDUCE"), Watchdog(1, "9", "ALLREDUCE"), Watchdog(2, "9", "ALLREDUCE")}));
  CHECK_FALSE(FindCollectiveMismatch({Watchdog(0, "9", "ALLREDUCE"), Watchdog(1, "9", "ALLGATHER")}));
  CHECK_FALSE(FindCollectiveMismatch({Watchdog(0, "9", "ALLREDUCE"), Watchdog(1, "9", "ALLREDUCE"), Watchdog(2, "10", "ALLGATHER")}));
  CHECK_FALSE(FindCollectiveMismatch({Watchdog(0, "9", "ALLREDUCE", "0"), Watchdog(1, "9", "ALLREDUCE", "0"),
                                      Watchdog(2, "9", "ALLGATHER", "3")}));
  CHECK_FALSE(FindCollectiveMismatch({Watchdog(0, "9", "ALLREDUCE"), Watchdog(1, "9", "ALLREDUCE"), Watchdog(2, "9", "ALLGATHER"),
                                      Watchdog(2, "9", "ALLREDUCE")}));
}

std::vector<std::string> FrMissing(const std::string& last_entry) {
  return {"Collective 412907 (pg 0 default_pg, ALLREDUCE, sizes [[1]]): 143 of 144 ranks entered it, state scheduled",
          "Not all ranks joining collective 412907 at entry 2211",
          "  missing ranks: {50}",
          "  rank 50 last entries:",
          "    entry 2210: pg 0 default_pg ALLREDUCE seq 412906 state completed",
          last_entry,
          "  ranks [0..143] except 50, last entry: pg 0 default_pg ALLREDUCE seq 412907 state scheduled"};
}

TEST_CASE("lead 2026-12-06: fr_trace's missing rank waiting in another collective is a mismatch") {
  const auto m = FindCollectiveMismatch(
      FrMissing("    entry 2211: pg 7 eval_dp_group BARRIER seq 31 state scheduled (waiting for 35 ranks of pg 7)"));
  REQUIRE(m);
  CHECK(m->line_index == 5);
  CHECK(m->what.find("rank 50 waits in BARRIER") != std::string::npos);
  // Its last entry completed (it finished 412906 and never entered 412907): behind, not on another path.
  CHECK_FALSE(FindCollectiveMismatch(FrMissing("    (no later entry)")));
  CHECK_FALSE(FindCollectiveMismatch(
      FrMissing("    entry 2211: pg 7 eval_dp_group BARRIER seq 31 state completed")));
}

}  // namespace vigil
