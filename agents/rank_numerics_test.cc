// FindOneRankNumerics (rank_numerics.h): which lines single out one rank in a numbers comparison.
#include <doctest/doctest.h>

#include "agents/rank_numerics.h"

namespace vigil {
namespace {

TEST_CASE("rank numerics: one rank named again and again, its place as a line writes it") {
  auto r = FindOneRankNumerics({"nan-guard: non-finite or outlier grads first seen on rank 37; rolling back",
                                "replica-check step 90000: param checksum of rank 37 differs from its 7 data-parallel replicas",
                                "hkim: rank 37 = h100-a044 local 5. no Xid"});
  REQUIRE(r);
  CHECK(r->rank == 37);
  CHECK(r->lines == 2);
  CHECK(r->first_line == 0);
  CHECK(r->node == "h100-a044");
  CHECK(r->gpu == 5);
}

TEST_CASE("rank numerics: lines comparing two ranks name the one common to all of them (RG17)") {
  // A replica checker printing both sides: rank 3 disagrees with each of its replicas.
  auto r = FindOneRankNumerics({"step 2300 shard 2: sha1(flat_param) rank 3 = 3fa09c1e.. rank 11 = 91d2e7b0.. MISMATCH",
                                "step 2300 shard 2: sha1(flat_param) rank 3 = 3fa09c1e.. rank 19 = 91d2e7b0.. MISMATCH",
                                "step 2400 shard 2: sha1(flat_param) rank 27 = 0b7e41aa.. rank 3 = 5c20f9d3.. MISMATCH"});
  REQUIRE(r);  // before: nothing (a line naming two ranks was skipped)
  CHECK(r->rank == 3);
  CHECK(r->lines == 3);
  r = FindOneRankNumerics({"grad norm mismatch between rank 12 and rank 20", "grad norm mismatch between rank 28 and rank 12"});
  REQUIRE(r);
  CHECK(r->rank == 12);
  // The same two ranks every time: either could be the wrong one.
  CHECK(!FindOneRankNumerics({"sha1 rank 5 = aa.. rank 13 = bb.. MISMATCH", "sha1 rank 5 = cc.. rank 13 = dd.. MISMATCH"}));
}

TEST_CASE("rank numerics: not one rank, once only, or a responder's command: nothing") {
  // Once is not again and again.
  CHECK(!FindOneRankNumerics({"[Rank 21] Hash not matching for layers.3.weight"}));
  // Two ranks as often: no single suspect.
  CHECK(!FindOneRankNumerics({"[Rank 21] Hash not matching for a", "[Rank 21] Hash not matching for b",
                              "[Rank 4] Hash not matching for a", "[Rank 4] Hash not matching for b"}));
  // A line naming two ranks singles out neither.
  CHECK(!FindOneRankNumerics({"grad norm mismatch on rank 3 and rank 4", "grad norm mismatch on rank 3 and rank 4"}));
  // The responder's grep names what it looks for, not a finding.
  CHECK(!FindOneRankNumerics({"$ grep 'checksum mismatch' rank7.log", "$ grep -c 'hash not matching' rank7.log"}));
  // No disagreement word: a rank's grad norm printed is no outlier.
  CHECK(!FindOneRankNumerics({"rank 5 grad norm 0.91", "rank 5 grad norm 0.93"}));
  // The reference side of a comparison is not singled out.
  CHECK(!FindOneRankNumerics({"checksum mismatch: expected 0x9 from global rank 8", "checksum mismatch: expected 0x9 from global rank 8"}));
  // A checkpoint whose shapes do not fit is configuration.
  CHECK(!FindOneRankNumerics({"[rank3]: size mismatch for w: copying a param with shape [8] from checkpoint", "[rank3]: size mismatch for v: copying a param with shape [4] from checkpoint"}));
  // A data-parallel group index is no rank (holdout7 x009: dp_rank 2 holds ranks 16-23).
  CHECK(!FindOneRankNumerics({"checksum mismatch: dp_rank 2 (ranks 16-23)", "checksum mismatch: dp_rank 2 (ranks 16-23)"}));
}

}  // namespace
}  // namespace vigil
