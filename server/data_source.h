// The `--data` of `vigil detect` and `vigil train-rules`: a file dataset (detectors/readers.h,
// FORMAT:PATH) or a Prometheus range query (`prom:`), read into the same Dataset.
//
//   prom:URL[?query=PROMQL][&start=T][&end=T][&step=STEP]
//
// URL is the server's base URL, http:// or https:// (`user:password@` allowed: sent as basic auth,
// never printed or recorded); a pasted `.../api/v1/query_range` path is taken as the base. The
// parameters are those of Prometheus's own /api/v1/query_range:
//   query  PromQL, required. Percent-encoded or not: a `%` followed by two hex digits is decoded,
//          anything else is kept as typed (a `+` stays PromQL's plus, not a space); a `&` inside
//          the PromQL must be written %26 (it would start the next parameter).
//   start  first evaluation time; default end - 1d
//   end    last evaluation time (inclusive); default now
//          T: Unix seconds ("1717000000", "1717000000.5"), RFC 3339 ("2026-11-30T12:00:00Z"),
//          `now`, or `now-DURATION` ("now-2d", "now-1h30m")
//   step   evaluation step: a duration ("15s", "1m", "1h30m") or seconds ("60", "0.5"); default 60s
// Every series gets a point at start, start + step, ... up to end (Prometheus fills each from the
// latest sample within its lookback, 5 minutes by default). A range of more than 11,000 points per
// series is read in several requests (connectors/prometheus_source.h); one needing more than
// kMaxPromRequests (200 requests, 2.2 million points per series) is refused.
//
// Series are named as the jsonl reader names a Prometheus matrix row: `__name__` is the name, the
// other labels the labels; a series without `__name__` (the query applied a function) is a bad row.
// Bad rows follow ReadOptions::bad_rows as in the file readers: a NaN / +Inf / -Inf value or a
// series without a name fails the read (InvalidArgument naming series and time) or, with kSkip, is
// dropped and counted (a nameless series counts its points). name_filter, max_series (in series-id
// order) and max_points apply as for files. The Dataset has format "prom", no labels (the history is
// unlabeled) and `source` = the spec as recorded: password hidden, times resolved to RFC 3339, step
// as a duration, so a rule file's provenance says exactly what was read.
//
// Errors: InvalidArgument for a bad spec (naming the part: a missing query, a bad or unknown
// parameter, a bad step, start not before end, too many requests, a bad URL) and for a query
// Prometheus refuses; NotFound when the query matched no series (or none left after --filter);
// Unavailable / DeadlineExceeded when the server does not answer. The CLI maps InvalidArgument to
// exit 2 and the others to exit 1.
// Thread safety: free functions with no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/prometheus_source.h"
#include "core/status.h"
#include "detectors/readers.h"

namespace vigil {

inline constexpr size_t kMaxPromRequests = 200;

struct PromDataSpec {
  PrometheusUrl url;
  PromRangeQuery range;
  std::string recorded;  // the spec as Dataset::source records it (see above)
};

// True when `spec` is a prom: spec.
bool IsPromDataSpec(std::string_view spec);

// Parses a prom: spec; `now_ms` is what `now` and the default end mean.
[[nodiscard]] Result<PromDataSpec> ParsePromDataSpec(std::string_view spec, int64_t now_ms);

// Reads `spec`: prom: from Prometheus, anything else through ReadDataset (a bare http(s):// URL or an
// unknown format is refused here first, naming prom: among the formats). `now_ms` 0 = the clock's now.
// `warnings`, when given, receives Prometheus's own warnings about its answer (it may be partial: a
// failed remote read or store), one line each naming the server, for the caller to print; the data
// is read all the same.
// A prom: query that is a plain selector (`x{job="a"}`, `{__name__=~"a|b"}`) is read through
// PromQueryRangeFresh at `scrape_interval_ms` (0: kDefaultScrapeIntervalMs): Prometheus's lookback
// repeats of a series that stopped are left out, so `stale_for` fires when the samples stop, not
// up to 5 min later; its notes (the markers not read: the values kept as read) go to `warnings`.
// Any other PromQL is read as Prometheus answers it.
[[nodiscard]] Result<Dataset> ReadDataSource(const std::string& spec, const ReadOptions& options,
                                             int64_t now_ms = 0, std::vector<std::string>* warnings = nullptr,
                                             int64_t scrape_interval_ms = 0);

// For the commands' stderr after a successful read of a prom: spec: "read <the recorded spec>"
// (the range and step resolved), so a range other than the one meant shows; when the spec gives its
// query alone, also that start, end and step took their defaults and that the --data value must be
// quoted in a shell (an unquoted `&` ends the command: `--data prom:URL?query=Q&start=T` read the
// last day without a word). "" for a file dataset.
std::string PromReadNote(std::string_view spec, const Dataset& read);

// Rule files trained by `vigil train-rules` on prom: data record the step they were fit at (their
// `# data: prom:...&step=S` line). Run over a prom: read at another step, windows counted in points
// (`10p`, `60p`) span another time and the fitted thresholds no longer mean what they did (U2 saw a
// folder trained at 1m give 23 alerts over a day read at step=1m, 107 over the same day at step=15).
// One warning line per recorded step that differs from `read`'s, naming a file, both steps and the
// step to use. Empty when `read` is not prom:, or no file records a prom: step other than its own.
std::vector<std::string> PromStepMismatch(const Dataset& read, const std::vector<std::string>& rule_files);
// The same for `vigil serve --rules`, which reads Prometheus at step `interval_ms` (its
// --eval-interval): one warning per recorded step other than it, naming the --eval-interval to use
// (before 2026-12-04 serve said nothing: rules trained at 1m ran at the default 15 s).
std::vector<std::string> ServeStepMismatch(int64_t interval_ms, const std::vector<std::string>& rule_files);

}  // namespace vigil
