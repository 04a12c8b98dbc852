// rank_exit.h's OwnExceptions, read once per log by the caller and handed to both finders (KB8,
// 2026-12-04): the finders with the precomputed reading answer as they do reading the log
// themselves, and read what they are handed (not the log again).
#include "agents/rank_exit.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace vigil {
namespace {

const std::vector<std::string> kOwn = {"[rank9]: Traceback (most recent call last):",
                                       "[rank9]:   File \"train.py\", line 88, in <module>",
                                       "[rank9]: KeyError: 'input_ids'"};
const std::vector<std::string> kPeers = {
    "[rank0]:[E0611 07:41:09.120 ProcessGroupNCCL.cpp:632] [Rank 0] Watchdog caught collective operation timeout: "
    "WorkNCCL(SeqNum=7, OpType=ALLREDUCE, Timeout(ms)=600000) ran for 600007 milliseconds before timing out.",
    "n-01:311:390 [1] NCCL WARN NET/IB : Got completion from peer 10.0.0.12<4011> with error 12, opcode 0"};

TEST_CASE("OwnExceptions: each rank's own exception line; another category's refuses the log") {
  OwnExceptionLines r = OwnExceptions(kOwn);
  REQUIRE(r.has_value());
  CHECK(*r == std::map<int, size_t>{{9, 2}});
  CHECK(OwnExceptions(kPeers) == OwnExceptionLines(std::map<int, size_t>{}));
  CHECK_FALSE(OwnExceptions({kOwn[0], "[rank9]: RuntimeError: CUDA error: an illegal memory access was encountered"})
                  .has_value());
  // Two ranks: both listed (the finders then refuse: no single rank left first).
  r = OwnExceptions({kOwn[0], kOwn[2], "4: Traceback (most recent call last):", "4: ValueError: bad shape"});
  REQUIRE(r.has_value());
  CHECK(*r == std::map<int, size_t>{{9, 1}, {4, 3}});
}

TEST_CASE("rank exit finders: a reading handed in answers as the finder's own, and is what is read") {
  const std::vector<std::vector<std::string>> logs = {kPeers, kOwn, {kOwn[0], kOwn[2], kPeers[0]}};
  for (const auto& lines : logs) {
    const std::vector<int64_t> none(lines.size(), -1);
    const RankExitBeforeTimeouts a = FindRankExitBeforeTimeouts(lines, none, -1);
    const RankExitBeforeTimeouts b = FindRankExitBeforeTimeouts(lines, none, -1, OwnExceptions(lines));
    CHECK(a.found == b.found);
    CHECK(a.rank == b.rank);
    CHECK(a.line == b.line);
    CHECK(a.timeout_line == b.timeout_line);
  }
  // The third log alone: rank 9's exception, then rank 0's timeout.
  const std::vector<std::string>& own_then_timeout = logs[2];
  const std::vector<int64_t> none3(3, -1);
  CHECK(FindRankExitBeforeTimeouts(own_then_timeout, none3, -1).found);
  // Handed a reading that refuses the log (or lists no rank), the finder refuses it: it reads what it is given.
  CHECK_FALSE(FindRankExitBeforeTimeouts(own_then_timeout, none3, -1, std::nullopt).found);
  CHECK_FALSE(FindRankExitBeforeTimeouts(own_then_timeout, none3, -1, std::map<int, size_t>{}).found);

  const std::vector<std::vector<std::string>> two = {kPeers, kOwn};
  const std::vector<std::vector<int64_t>> times = {{-1, -1}, {-1, -1, -1}};
  const RankExitBeforePeerErrors a = FindRankExitBeforePeerErrors(two, times, -1);
  const RankExitBeforePeerErrors b = FindRankExitBeforePeerErrors(two, times, -1, {OwnExceptions(kPeers), OwnExceptions(kOwn)});
  REQUIRE(a.found);
  CHECK(b.found);
  CHECK(a.rank == 9);
  CHECK(b.rank == a.rank);
  CHECK(b.log == a.log);
  CHECK(b.line == a.line);
  CHECK(b.error_log == a.error_log);
  CHECK(b.error_line == a.error_line);
  CHECK_FALSE(FindRankExitBeforePeerErrors(two, times, -1, {OwnExceptions(kPeers), std::nullopt}).found);
  // A reading short of the logs reads no log it lacks: refused.
  CHECK_FALSE(FindRankExitBeforePeerErrors(two, times, -1, {OwnExceptions(kPeers)}).found);
}

}  // namespace
}  // namespace vigil
