// Dataset readers: the on-disk formats of the public anomaly benchmarks and two plain formats.
//
//   ReadDataset("nab:../shared/datasets/nab", {})        NAB: data/<group>/<name>.csv +
//   labels/combined_windows.json ReadDataset("kpi:../shared/datasets/kpi/train", {})  KPI: a file or folder
//   of timestamp,value,label CSVs ReadDataset("smd:../shared/datasets/smd:test", {})   SMD: train/ test/
//   test_label/ (default split: test) ReadDataset("csv:metrics.csv", {})                    long CSV:
//   timestamp,series,value[,label][,<label keys>...] ReadDataset("jsonl:points.jsonl", {}) one JSON object
//   per line (point or Prometheus matrix row)
//   ReadDataset("promjson:answer.json", {})  a saved Prometheus /api/v1/query_range answer (matrix)
//   ReadDataset("promtext:snap.prom", {})    Prometheus text exposition with sample timestamps
//                                            (`metric{l="v"} value ts_ms`), several scrapes appended
//
// promjson: one JSON document `{"status":"success","data":{"resultType":"matrix","result":[...]}}`
// (any layout, e.g. pretty-printed): each result's `metric` labels name the series as a jsonl
// matrix row does (`__name__` the name), its `values` [[unix_s, "value"], ...] the points. A
// `status` "error" answer, a resultType other than matrix (a `vector` from /api/v1/query, which
// has one instant per series), and JSON that is not such an answer are InvalidArgument naming the
// file (a JSON syntax error: line and column). A bad point ("NaN"/"+Inf" values, a timestamp not
// after the previous one, a malformed pair) is a bad row "<file>: result[i] <series>: values[j]: ...".
// promtext: lines `name{label="value",...} value timestamp_ms` (`# HELP` / `# TYPE` comments and
// blank lines skipped; label values with \" \\ \n escapes); several scrapes of one exporter appended
// to one file (`curl` in a loop with timestamps) read as one series per name+labels. A sample
// without a timestamp is refused (InvalidArgument: a scrape without timestamps is one instant, not
// a series: how to add them is in detectors/README.md). NaN / +Inf values and a timestamp not after
// the previous one of the series are bad rows "<file>:<line>: ...".
//
// The exact formats, series naming and the bad-input policy are specified in detectors/README.md.
//
// Bad input: with BadRowPolicy::kError (the default) the first malformed row (missing or
// non-numeric field, NaN/Inf value, timestamp not after the previous one of the same series, a
// csv line that is not UTF-8, a jsonl line that is not JSON) fails the whole read with
// InvalidArgument "<file>:<line>: <what>". With kSkip the row is dropped, counted in
// Dataset::stats and the first few messages are kept; rows already accepted are never removed by
// a later bad row. Always InvalidArgument, whatever the policy: a csv header that is not UTF-8, an
// SMD machine file with no data rows, a kpi / smd file name (a series name) that is not UTF-8, a
// NAB data/ csv that combined_windows.json does not list, a file given as the nab: / smd: root
// folder, a folder given to csv: / jsonl: (one file each). Missing files and folders are NotFound.
// A UTF-8 byte order mark at the start of a file is skipped.
//
// Thread safety: free functions with no shared state; safe to call concurrently.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time_series.h"

namespace vigil {

// An anomaly window as NAB labels it: [begin_ms, end_ms], both ends inclusive, Unix ms.
struct AnomalyWindow {
  int64_t begin_ms = 0;
  int64_t end_ms = 0;
  friend bool operator==(const AnomalyWindow&, const AnomalyWindow&) = default;
};

enum class BadRowPolicy { kError, kSkip };

// Ends the bad-row message of a NaN / Inf value (every reader, prom: too): such a row is refused
// or skipped, yet docs/rules.md reads such a value as missing data; this says how the two meet,
// since a NaN loss is what a rule author often wants to catch.
inline constexpr std::string_view kNotFiniteNote =
    " (to the rules a NaN or Inf reading is missing data: skipping the row keeps it as a gap, which "
    "`stale_for` rules see)";

struct ReadStats {
  size_t files = 0;
  size_t rows_accepted = 0;
  size_t rows_skipped = 0;
  std::vector<std::string> examples;  // "<file>:<line>: <why>" for the first skipped rows
  // What ReadOptions::max_series / max_points cut (the filter's choice is not counted): series the
  // series cap left out (distinct series ids; a file format counts the files it did not open, SMD
  // the dimensions of a machine file it read, see files_left_out), and points past a kept series'
  // point cap (rows or values counted, not checked: a bad one among them is counted too). For a
  // user's "was my input cut, and by how much" (CutNote).
  size_t series_left_out = 0;
  size_t points_left_out = 0;
  // SMD machine files the series cap left unopened (their dimensions are not counted above).
  size_t files_left_out = 0;
  // ReadOptions::non_finite_as_missing: NaN / ±Inf values read as missing points (not skipped),
  // and the first max_examples of them, "<file>:<line>: value `NaN` ...".
  size_t read_as_missing = 0;
  std::vector<std::string> missing_examples;
};

// What to read (`--filter`, `--max-series`, `--max-points`) and what to do with a bad row
// (`--skip-bad-rows`). Every reader applies them through the methods below, the five file formats
// here and `prom:` (server/data_source.cc), so that they agree: a series the filter or the series
// cap leaves out and a point past the point cap are not read at all (their rows are neither
// checked nor counted, accepted or skipped); a row is bad, and goes through BadRow, only when it
// would have been read.
struct ReadOptions {
  BadRowPolicy bad_rows = BadRowPolicy::kError;
  // csv:, jsonl:, promjson: and promtext: (and prom:, server/data_source.cc) read a NaN / +Inf /
  // -Inf value as a missing point (NaN) at its time, under either bad-row policy (vigil detect
  // sets it): a NaN loss is a real reading of a training run, the thing a NaN-loss rule is for.
  // The engine reads NaN as missing data, and the time stays, so a `stale_for` rule sees the gap
  // also when no other series has a point then. Counted in ReadStats::read_as_missing, not
  // rows_skipped. A value that is no number at all (`oops`) is still a bad row. Off: NaN / Inf
  // rows are bad rows, as any.
  bool non_finite_as_missing = false;
  // Keep only series whose name (without labels) contains this substring ("" = all). Applied
  // before points are parsed where the format allows (NAB, KPI, SMD files), so a filter also
  // saves time.
  std::string name_filter;
  // At most this many series (0 = no limit), in the reader's deterministic (sorted) order.
  size_t max_series = 0;
  // At most this many points per series (0 = no limit): the first ones kept (a skipped bad row is
  // not a point). For small test slices.
  size_t max_points = 0;
  // How many skip messages to keep in ReadStats::examples.
  size_t max_examples = 10;
  // Appended to BadRow's kError message: how the caller's user skips bad rows instead (vigil
  // detect / train-rules: " (--skip-bad-rows drops and counts such rows)"); "" = nothing. Only
  // bad rows get it, not the structural errors (a missing header column) that no policy skips.
  std::string bad_row_hint;

  // Keep this series? Its name contains name_filter.
  bool KeepsName(std::string_view name) const;
  // Room for another series after `series_kept` of them?
  bool RoomForSeries(size_t series_kept) const;
  // Room for another point in a series holding `points`?
  bool RoomForPoint(size_t points) const;
  // The bad-row policy for `count` points (a row; a nameless prom: series counts its points) at
  // `where` ("<file>:<line>", "prom:<url>"): kError returns InvalidArgument "<where>: <why>" +
  // bad_row_hint; kSkip
  // adds `count` to stats.rows_skipped, keeps the message among stats.examples (max_examples) and
  // returns OK.
  [[nodiscard]] Status BadRow(const std::string& where, const std::string& why, ReadStats& stats,
                              size_t count = 1) const;
  // Whether `value_text` (a field as written) is read as a missing point: non_finite_as_missing
  // is on and it is a NaN / Inf number.
  bool ReadsAsMissing(std::string_view value_text) const;
  // Counts an accepted row whose value ReadsAsMissing in `stats`, with `where` among its examples.
  void CountReadAsMissing(const std::string& where, std::string_view value_text, ReadStats& stats) const;
  // NotFound "<what> left no series[ whose name contains `F`][ (N bad <unit> skipped)]": the read
  // of `what` kept no series.
  [[nodiscard]] Status NoSeriesLeft(const std::string& what, const ReadStats& stats,
                                    std::string_view unit = "rows") const;
};

struct Dataset {
  std::string format;  // "nab", "kpi", "smd", "csv", "jsonl"
  std::string source;  // the spec it was read from
  std::vector<TimeSeries> series;
  // Parallel to `series`: anomaly windows (NAB's own windows; for the other formats, the maximal
  // runs of labeled points, as [first, last] timestamps). Empty for unlabeled series.
  std::vector<std::vector<AnomalyWindow>> windows;
  // Group name -> indices into `series` (SMD: machine -> its 38 dimensions; NAB: the data folder
  // such as "realKnownCause"). Empty for formats without a grouping.
  std::map<std::string, std::vector<size_t>> groups;
  ReadStats stats;

  // Index of the series with this name (first match), or -1.
  int Find(const std::string& name) const;
};

// "" when the caps left nothing out; else one line for stderr naming the flags and what they cut:
// "input cut: --max-series 2 left out 3 more series; --max-points 100 left out 1200 more point(s)
// past the cap (not checked)". Shared by the commands that take --max-series / --max-points.
std::string CutNote(const ReadOptions& options, const ReadStats& stats);

// Reads a dataset from a "FORMAT:PATH[:SPLIT]" spec. Unknown formats and malformed specs are
// InvalidArgument naming the accepted formats.
[[nodiscard]] Result<Dataset> ReadDataset(const std::string& spec, const ReadOptions& options = {});

// Maximal runs of 1s in `labels` as windows over `timestamps_ms` (sizes must match).
std::vector<AnomalyWindow> WindowsFromLabels(const std::vector<int64_t>& timestamps_ms,
                                             const std::vector<uint8_t>& labels);

// Parses a timestamp field: an integer or decimal number of Unix seconds below 1e11 (year 5138),
// milliseconds from 1e11, microseconds from 1e14, nanoseconds from 1e17, refused from 1e20 (RV3,
// merged by the lead 2026-12-06: DCGM's microseconds read as the year 55,000 before), or RFC 3339 text
// ("2024-05-01T12:00:00Z", "2024-05-01 12:00:00" as UTC). Errors name the text.
[[nodiscard]] Result<int64_t> ParseTimestampField(std::string_view text);

}  // namespace vigil
