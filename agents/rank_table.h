// Per-rank tables pasted into a case (RG27, 2026-12-04): the numbers of a slow or odd rank printed
// one row a rank under a header that names the columns, as training scripts' timing dumps, straggler
// reports and determinism checks print them and as engineers paste them into chat:
//
//    rank |  h2d_ms | fwd_ms | bwd_ms | step_s          | rank | step time |        rank  host     fwd_bwd_s
//       0 |      41 |    702 |   1390 |  2.31           |------|-----------|        0     gpu-g01  3.21
//      27 |     562 |    704 |   1393 |  2.83           |  0   | 1.41 s    |        33    gpu-g05  5.07
//
// A header is a line whose cells ('|'-separated when it holds a '|', a Markdown table's outer bars
// dropped; else separated by blanks) include a rank column (`rank`, `global_rank`, `global rank`,
// `rank_id`, `grank`) and at least one other; its rows follow it, each with as many cells and an
// integer in the rank column (separator lines `|---|---|`, `----+----` skipped). The table ends at
// the first other line. Readers over the tables (each reads at most kMaxRankTableLines lines):
//   - FindRankTableSlowRank: a time column (by its unit: `_s`, `_ms`, `_us`, `(s)`, `(ms)`, a cell's
//     `1.2 s` / `850ms`, or a name saying time / latency / duration / elapsed) in which one rank is
//     at least kRankTableSlowRatio x the others' median while the others agree (their slowest within
//     kRankTablePeerSpread of their median), from at least kRankTableMinRanks ranks. Columns of
//     waiting (`wait`, `idle`, `stall`, `blocked`, `barrier` in the name) are not read for it: in a
//     synchronous job every rank but the slow one waits for it, so the slow rank is the one that
//     waits least. The most outlying column wins; every column where the same rank is out is listed.
//   - FindRankTableDataWait: the share of step time spent waiting for input, a row at a time: a
//     data column (`data`, `dataloader`, `input`, `loader` with a time unit or word) beside a step
//     column (`step`, `iter`, `total`) or a compute column (`fwd_bwd`, `compute`: step = data +
//     compute). The median share over the rows.
//   - FindRankTableOddValue: one rank whose value no other rank shares while at least
//     kRankTableMinAgreeing other ranks print the very same value, in a column of computed numbers:
//     decimals with a fractional part and at least 4 significant digits, or hex digests of at least 6
//     digits (`0x3fa0c2`, `3fa0c2d1`), not times. Ranks that compute on the same input and weights
//     (data-parallel replicas' parameter checksums, a determinism check feeding one microbatch to
//     all) agree to the last digit; a rank that does not computed wrong. Per-rank losses of ordinary
//     data-parallel training (each rank its own microbatch) differ everywhere and single out none.
// Hosts: a `host` / `hostname` / `node` column's cell, as printed ("" when none). Pure functions,
// thread safe.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

constexpr size_t kMaxRankTableLines = 20000;
constexpr size_t kRankTableMinRanks = 4;
constexpr double kRankTableSlowRatio = 1.25;   // as FindRankTimeOutlier's
constexpr double kRankTablePeerSpread = 1.10;  // the others within 10% of their median
constexpr size_t kRankTableMinAgreeing = 3;

struct RankTable {
  size_t header_line = 0;            // index into the lines
  std::vector<std::string> columns;  // header cells as printed, trimmed
  int rank_col = -1;
  int host_col = -1;  // -1 when none
  struct Row {
    int rank = -1;
    size_t line = 0;
    std::vector<std::string> cells;  // trimmed
  };
  std::vector<Row> rows;
};

// The one slow rank of per-rank times (each rank's readings, in seconds; its median counts): the
// slowest rank's median at least kRankTableSlowRatio x the others' median while the others agree
// (their slowest within kRankTablePeerSpread of their median), from at least kRankTableMinRanks
// ranks; nullopt otherwise. Shared by the headed tables here and FindRankTimeOutlier's
// one-line-a-rank tables (line_facts.h).
struct SlowestRank {
  int rank = -1;
  double seconds = 0;        // its median
  double peers_seconds = 0;  // the others' median
};
std::optional<SlowestRank> FindSlowestRank(const std::map<int, std::vector<double>>& per_rank);

// Every per-rank table in `lines`, in order. A table needs at least one row.
std::vector<RankTable> FindRankTables(const std::vector<std::string>& lines);

struct RankTableSlowRank {
  int rank = -1;
  std::string host;                    // the row's host cell ("" when the table has none)
  std::string column;                  // the most outlying column, as printed
  double seconds = 0;                  // the rank's value there, in seconds
  double peers_seconds = 0;            // the other ranks' median there
  size_t ranks = 0;                    // ranks in the table
  size_t line = 0;                     // the rank's row
  std::vector<std::string> out_columns;  // every time column where this rank is the slow one
};
std::optional<RankTableSlowRank> FindRankTableSlowRank(const std::vector<std::string>& lines);

struct RankTableDataWait {
  double share = 0;       // median of data / step over the rows
  size_t rows = 0;        // rows that print both
  size_t first_line = 0;  // the first such row
};
std::optional<RankTableDataWait> FindRankTableDataWait(const std::vector<std::string>& lines);

struct RankTableOddValue {
  int rank = -1;
  std::string host;
  std::string column;   // the first column where it differs, as printed
  std::string value;    // its value there
  std::string agreed;   // the value the others agree on
  size_t agreeing = 0;  // other ranks printing `agreed`
  size_t line = 0;      // the rank's row
};
std::optional<RankTableOddValue> FindRankTableOddValue(const std::vector<std::string>& lines);

// One rank's gradient norm far above its peers' in a per-rank table (PLC36, realistic37 rl37-02: a
// grad_debug dump of "local_grad_norm" per rank, rank 133 at 6.118 where the others print 0.148-0.161):
// a column named for the grad norm ("grad" and "norm", or "gnorm"), every row a positive plain number,
// at least kRankTableMinOutlierRanks rows; the top rank at kRankTableOutlierRatio x the others' median
// or more while the others stay within kRankTablePeerOutlierSpread of it (each rank its own
// micro-batch: close, not equal). `agreed` is the others' median, `agreeing` their count. Two ranks
// singled out (two columns or tables): none.
constexpr size_t kRankTableMinOutlierRanks = 6;
constexpr double kRankTableOutlierRatio = 10.0;
constexpr double kRankTablePeerOutlierSpread = 1.5;
std::optional<RankTableOddValue> FindRankTableGradNormOutlier(const std::vector<std::string>& lines);

// The same finding from one line listing each rank's value (PLC32): "per-rank checksums of
// layers.17.mlp.w2 at step 71400: rank0 9f31c2a0 rank1 9f31c2a0 ... rank7 5be0d617", `rank 3: 0x3fa0c2`,
// `rank=3 3fa0c2d1`. At least kRankTableMinRanks ranks on the line, each with a computed number
// (as a table's column, above); one rank's value no other shares while at least
// kRankTableMinAgreeing others print the very same one. `column` and `host` stay empty; `line` is
// the listing line. Two such lines singling out different ranks: none.
std::optional<RankTableOddValue> FindRankListOddValue(const std::vector<std::string>& lines);

}  // namespace vigil
