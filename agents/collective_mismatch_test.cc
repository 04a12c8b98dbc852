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

}  // namespace vigil
