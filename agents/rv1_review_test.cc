// RV1 (2026-12-06): a bug-hunting review of PLC27 / PLC28 / MARG2's readers with hostile and odd inputs
// (agents/HISTORY.md, "RV1"). Each case is named `rv1 ...`.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "agents/case.h"
#include "agents/page_cause_lines.h"
#include "agents/prose_source.h"
#include "agents/rank_range_times.h"
#include "agents/search_words.h"

namespace vigil {
namespace {

CaseLog Rv1Log(const std::vector<std::string>& lines) {
  CaseLog log;
  log.source = "doc.md";
  for (size_t i = 0; i < lines.size(); ++i) log.lines.push_back({i + 1, lines[i]});
  log.original_lines = lines.size();
  return log;
}

TEST_CASE("rv1 prose: a fence of one kind is not closed by a fence of the other kind or a shorter one") {
  // CommonMark: a code fence is closed only by a fence of the same character, at least as long, with
  // no info string. A runbook quoting a Markdown snippet (``` inside ~~~) flipped the parity: the
  // quoted log after the inner fence read as prose and the prose after the block as evidence.
  const std::vector<std::string> lines = {
      "# Runbook",                                        // 0
      "~~~markdown",                                      // 1 opens (~)
      "```",                                              // 2 inside: text
      "[rank5]: torch.OutOfMemoryError: CUDA out of memory",  // 3 fenced log line: read
      "```",                                              // 4 inside: text
      "[rank6]: NCCL WARN Net/IB : Got completion with error 12",  // 5 fenced log line: read
      "~~~",                                              // 6 closes
      "ERROR: the noisy neighbour at 14:02 took the GPU",  // 7 prose: not read
  };
  ProseReading r = ProseLines(Rv1Log(lines));
  REQUIRE(r.document);
  CHECK_FALSE(r.prose[3]);
  CHECK_FALSE(r.prose[5]);
  CHECK(r.prose[7]);
  // A 4-backtick fence quoting a 3-backtick one.
  const std::vector<std::string> four = {
      "# Runbook", "````", "```", "[rank5]: torch.OutOfMemoryError: CUDA out of memory", "```",
      "[rank6]: RuntimeError: NCCL error", "````", "ERROR: prose at 14:02 naming Xid 79",
  };
  ProseReading r4 = ProseLines(Rv1Log(four));
  REQUIRE(r4.document);
  CHECK_FALSE(r4.prose[3]);
  CHECK_FALSE(r4.prose[5]);
  CHECK(r4.prose[7]);
  // A "```bash" line cannot close a block (an info string): the block goes on.
  const std::vector<std::string> info = {
      "# Runbook", "```", "[rank5]: torch.OutOfMemoryError: CUDA out of memory", "```bash",
      "[rank6]: RuntimeError: NCCL error", "```", "ERROR: prose at 14:02 naming Xid 79",
  };
  ProseReading ri = ProseLines(Rv1Log(info));
  REQUIRE(ri.document);
  CHECK_FALSE(ri.prose[2]);
  CHECK_FALSE(ri.prose[4]);
  CHECK(ri.prose[6]);
}

TEST_CASE("rv1 prose: odd inputs") {
  // Empty source, CRLF line ends, a fence never closed, a huge line.
  CHECK_FALSE(ProseLines(Rv1Log({})).document);
  ProseReading crlf = ProseLines(Rv1Log({"# Title\r", "```\r", "[rank3]: RuntimeError: CUDA error\r", "```\r",
                                         "prose with a noisy neighbour\r"}));
  REQUIRE(crlf.document);
  CHECK_FALSE(crlf.prose[2]);
  CHECK(crlf.prose[4]);
  ProseReading open = ProseLines(Rv1Log({"# Title", "```", "[rank3]: RuntimeError: CUDA error", "plain words"}));
  REQUIRE(open.document);
  CHECK_FALSE(open.prose[2]);
  CHECK(open.prose[3]);
  // A line of 4,096 bytes (what is read of a longer one) whose only shape is "a | b .... | c": the
  // regex's ".*" runs over all of it without overflowing the stack; a longer line is cut first.
  CHECK(LineHasLogShape("a | b " + std::string(4080, 'x') + " | c"));
  CHECK_FALSE(LineHasLogShape("a | b " + std::string(200000, 'x') + " | c"));
  std::string bad_utf8 = "\xff\xfe [rank1]: \xc3";
  CHECK_NOTHROW(LineHasLogShape(bad_utf8));
}

TEST_CASE("rv1 rank ranges: odd inputs") {
  // A group at a sentence's end ("2.40.") is still a group.
  auto g = FindRankRangeSlowGroup(
      {"step time per rank group: ranks 0-3 0.91 s, ranks 4-7 0.93 s, ranks 8-11 2.40."});
  REQUIRE(g);
  CHECK(g->first_rank == 8);
  // Rank numbers past the reader's 6 digits, reversed ranges, overlaps: no group, no throw.
  CHECK_FALSE(FindRankRangeSlowGroup({"fwd time ms: ranks 0-3 300 | ranks 99999999999-100000000000 900"}));
  CHECK_FALSE(FindRankRangeSlowGroup({"fwd time ms: ranks 48-41 300 | ranks 0-3 300 | ranks 4-7 900"}));
  CHECK_FALSE(FindRankRangeSlowGroup({"fwd time ms: ranks 0-7 300 | ranks 4-11 900"}));
  // A million ranks.
  auto m = FindRankRangeSlowGroup({"fwd time ms: ranks 0-999998 300 | ranks 999999-999999 900"});
  REQUIRE(m);
  CHECK(m->ranks == 1000000);
  // A value of 400 digits is no finite time.
  CHECK_FALSE(FindRankRangeSlowGroup({"fwd time ms: ranks 0-3 300 | ranks 4-7 " + std::string(400, '9')}));
  CHECK_FALSE(FindRankRangeSlowGroup({}));
  CHECK_FALSE(FindRankRangeSlowGroup({""}));
}

TEST_CASE("rv1 host ranges and page lines: odd inputs") {
  CHECK(WithoutHostRanges("") == "");
  CHECK(WithoutHostRanges("[1-2]") == "[1-2]");
  CHECK(WithoutHostRanges("gpu-[41-48") == "gpu-[41-48");
  CHECK(WithoutHostRanges("gpu-[41-48]") == "gpu-[     ]");
  CHECK(WithoutHostRanges("n[1-2]x[3,4]").size() == 12);
  CHECK_FALSE(StillBusyAt({}, {}, 0));
  CHECK_FALSE(StillBusyAt({1, 2}, {0, 0}, 5));
  CHECK(FirstRankAbortMs({}, {}, -1) == std::nullopt);
  CHECK_FALSE(LustreConnectBusy("LustreError: 11-0: x: operation ost_connect to node 1@o2ib failed: rc = -160"));
  CHECK(LustreConnectBusy("LustreError: 11-0: x: operation ost_connect to node 1@o2ib failed: rc = -16"));
}

}  // namespace
}  // namespace vigil
