// Per-rank tables (RG27): the readers on tables as tools print them, and their twins.
#include "agents/rank_table.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace vigil {
namespace {

TEST_CASE("FindRankTables: '|' columns, Markdown tables and blank-aligned ones") {
  const std::vector<std::string> lines = {
      "[06:11:40] step 3300 | 5.12 s/step",
      " rank | data_wait_s | step_s",
      "    0 |        3.94 |   5.11",
      "    3 |        3.71 |   4.89",
      "(other ranks alike)",
      "| rank | host | step time |",
      "|------|------|-----------|",
      "| 0 | n-01 | 1.41 s |",
      "| 9 | n-02 | 1.89 s |",
      "rank  host   fwd_bwd_s",
      "12    n-02   3.20",
      "33    n-05   5.07",
      "rank 13 fwd_bwd 1890.2 ms"};
  const std::vector<RankTable> t = FindRankTables(lines);
  REQUIRE(t.size() == 3);
  CHECK(t[0].header_line == 1);
  CHECK(t[0].columns == std::vector<std::string>{"rank", "data_wait_s", "step_s"});
  CHECK(t[0].rows.size() == 2);
  CHECK(t[0].rows[1].rank == 3);
  CHECK(t[0].host_col == -1);
  CHECK(t[1].columns == std::vector<std::string>{"rank", "host", "step time"});
  CHECK(t[1].host_col == 1);
  REQUIRE(t[1].rows.size() == 2);
  CHECK(t[1].rows[1].cells[2] == "1.89 s");
  CHECK(t[2].rows.size() == 2);
  CHECK(t[2].rows[1].rank == 33);
  CHECK(t[2].rows[1].line == 11);
}

TEST_CASE("FindRankTables: a line naming a rank in words is no header") {
  CHECK(FindRankTables({"rank 13 fwd_bwd 1890.2 ms", "rank 14 fwd_bwd 1402.0 ms"}).empty());
  CHECK(FindRankTables({"the rank of this job was", "0 of 16 ranks"}).empty());
  CHECK(FindRankTables({"rank | step_s"}).empty());  // no row
}

// A per-rank timing dump: rank 27's host-to-device copies take 13 x its peers'.
const std::vector<std::string> kH2dTable = {
    "[2026-12-04 02:40:03] step 18200 | 2.84 s/step (baseline 2.31)",
    " rank |  h2d_ms | fwd_ms | bwd_ms | opt_ms | step_s",
    "    0 |      41 |    702 |   1390 |    88  |  2.31",
    "    8 |      39 |    699 |   1388 |    87  |  2.30",
    "   16 |      42 |    705 |   1395 |    88  |  2.31",
    "   26 |      40 |    703 |   1392 |    87  |  2.31",
    "   27 |     562 |    704 |   1393 |    88  |  2.83",
    "   28 |      41 |    702 |   1390 |    87  |  2.31"};

TEST_CASE("FindRankTableSlowRank: the rank whose column stands out, and which column") {
  std::optional<RankTableSlowRank> s = FindRankTableSlowRank(kH2dTable);
  REQUIRE(s);
  CHECK(s->rank == 27);
  CHECK(s->column == "h2d_ms");
  CHECK(s->seconds == doctest::Approx(0.562));
  CHECK(s->peers_seconds == doctest::Approx(0.041));
  CHECK(s->ranks == 6);
  CHECK(s->line == 6);
  CHECK(s->out_columns == std::vector<std::string>{"h2d_ms"});
  CHECK(s->host.empty());
}

TEST_CASE("FindRankTableSlowRank: a host column; the waiting column's low rank is the slow one's sign, not read") {
  const std::vector<std::string> lines = {
      " rank | host    | fwd_bwd_s | wait_in_allreduce_s",
      "    0 | gpu-g01 |      3.21 |   1.90",
      "   12 | gpu-g02 |      3.20 |   1.92",
      "   32 | gpu-g05 |      3.19 |   1.93",
      "   33 | gpu-g05 |      5.07 |   0.04",
      "   34 | gpu-g05 |      3.23 |   1.88",
      "   63 | gpu-g08 |      3.22 |   1.90"};
  std::optional<RankTableSlowRank> s = FindRankTableSlowRank(lines);
  REQUIRE(s);
  CHECK(s->rank == 33);
  CHECK(s->host == "gpu-g05");
  CHECK(s->column == "fwd_bwd_s");
  CHECK(s->out_columns == std::vector<std::string>{"fwd_bwd_s"});
}

TEST_CASE("FindRankTableSlowRank: twins that single out no one") {
  // Every rank alike (an input-bound job): no slow rank.
  CHECK_FALSE(FindRankTableSlowRank({" rank | data_wait_s | fwd_bwd_s | step_s", "  0 | 3.94 | 1.08 | 5.11",
                                     "  3 | 3.71 | 1.09 | 4.89", "  7 | 4.06 | 1.07 | 5.23", " 12 | 3.62 | 1.10 | 4.81"}));
  // The peers spread widely: no one stands out.
  CHECK_FALSE(FindRankTableSlowRank({"rank | step_s", "0 | 1.0", "1 | 1.3", "2 | 1.6", "3 | 2.1"}));
  // Only three ranks.
  CHECK_FALSE(FindRankTableSlowRank({"rank | step_s", "0 | 1.0", "1 | 1.0", "2 | 2.1"}));
  // Throughput is no time: the low one is slow, the high one is not.
  CHECK_FALSE(FindRankTableSlowRank({"rank | tokens_s", "0 | 1000", "1 | 1010", "2 | 990", "3 | 1600"}));
  // Two columns, two ranks.
  CHECK_FALSE(FindRankTableSlowRank({"rank | fwd_ms | h2d_ms", "0 | 700 | 41", "1 | 1400 | 40", "2 | 702 | 42",
                                     "3 | 701 | 400", "4 | 699 | 41"}));
}

TEST_CASE("FindRankTableSlowRank: a Markdown table of step times with units in the cells") {
  std::optional<RankTableSlowRank> s = FindRankTableSlowRank(
      {"| rank | step time |", "|---|---|", "| 0 | 1.41 s |", "| 1 | 1.43 s |", "| 2 | 1890 ms |", "| 3 | 1.40 s |"});
  REQUIRE(s);
  CHECK(s->rank == 2);
  CHECK(s->seconds == doctest::Approx(1.89));
}

TEST_CASE("FindRankTableDataWait: input wait against the step, a row at a time") {
  std::optional<RankTableDataWait> d = FindRankTableDataWait(
      {" rank | data_wait_s | fwd_bwd_s | allreduce_s | step_s", "    0 |        3.94 |      1.08 |        0.09 |   5.11",
       "    3 |        3.71 |      1.09 |        0.09 |   4.89", "    7 |        4.06 |      1.07 |        0.10 |   5.23"});
  REQUIRE(d);
  CHECK(d->rows == 3);
  CHECK(d->share == doctest::Approx(3.94 / 5.11));
  CHECK(d->first_line == 1);
  // Data and compute only: step = data + compute.
  d = FindRankTableDataWait({"rank | data_ms | fwd_bwd_ms", "0 | 100 | 900", "1 | 120 | 880"});
  REQUIRE(d);
  CHECK(d->share == doctest::Approx(0.12));
  // No data column.
  CHECK_FALSE(FindRankTableDataWait({"rank | fwd_ms | step_s", "0 | 700 | 2.3", "1 | 705 | 2.3"}));
}

TEST_CASE("FindRankTableOddValue: the one rank whose computed number the others do not share") {
  const std::vector<std::string> lines = {
      " rank | host    | loss (rep 1) | loss (rep 2)",
      "    0 | gpu-h01 |     2.318472 |     2.318472",
      "    8 | gpu-h02 |     2.318472 |     2.318472",
      "   20 | gpu-h03 |     2.318472 |     2.318472",
      "   21 | gpu-h03 |     2.319015 |     2.319015",
      "   31 | gpu-h04 |     2.318472 |     2.318472"};
  std::optional<RankTableOddValue> v = FindRankTableOddValue(lines);
  REQUIRE(v);
  CHECK(v->rank == 21);
  CHECK(v->host == "gpu-h03");
  CHECK(v->column == "loss (rep 1)");
  CHECK(v->value == "2.319015");
  CHECK(v->agreed == "2.318472");
  CHECK(v->agreeing == 4);
  CHECK(v->line == 4);
  // Parameter checksums in hex, blank-aligned.
  v = FindRankTableOddValue({"rank  param_checksum", "0  0x3fa0c2d1", "1  0x3fa0c2d1", "2  0x91d2e0aa", "3  0x3fa0c2d1"});
  REQUIRE(v);
  CHECK(v->rank == 2);
}

TEST_CASE("FindRankTableOddValue: twins that single out no one") {
  // Ordinary data-parallel losses: each rank its own microbatch.
  CHECK_FALSE(FindRankTableOddValue({"rank | loss", "0 | 2.318472", "1 | 2.297311", "2 | 2.330918", "3 | 2.301174"}));
  // Everyone agrees.
  CHECK_FALSE(FindRankTableOddValue({"rank | loss", "0 | 2.318472", "1 | 2.318472", "2 | 2.318472", "3 | 2.318472"}));
  // Too few agree.
  CHECK_FALSE(FindRankTableOddValue({"rank | loss", "0 | 2.318472", "1 | 2.318472", "2 | 2.319015"}));
  // Small integers (counts) and times are no computed numbers.
  CHECK_FALSE(FindRankTableOddValue({"rank | nan_count", "0 | 0", "1 | 0", "2 | 0", "3 | 4"}));
  CHECK_FALSE(FindRankTableOddValue({"rank | step_s", "0 | 2.3100", "1 | 2.3100", "2 | 2.3100", "3 | 2.8300"}));
  // Two ranks apart from the rest: two suspects, none named.
  CHECK_FALSE(FindRankTableOddValue(
      {"rank | loss", "0 | 2.318472", "1 | 2.318472", "2 | 2.318472", "3 | 2.319015", "4 | 2.317700"}));
}

}  // namespace
}  // namespace vigil
