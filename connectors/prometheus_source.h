// Prometheus HTTP API client: range queries (`/api/v1/query_range`) and a MetricSource over them.
//
// PromQueryRange(url, {query, start, end, step}) asks a Prometheus server (or anything speaking its
// HTTP API: Thanos, VictoriaMetrics, Mimir) for a PromQL expression over a time range and returns
// the series it answers with, as TimeSeries named the way detectors/readers.h names a jsonl
// "Prometheus matrix row": `name` = the `__name__` label, `labels` = the other labels. A series the
// query's functions left without `__name__` (e.g. `rate(x[5m])`) is returned with an empty name;
// what to do with it is the caller's choice (server/data_source.h refuses it like the jsonl reader).
// Values are returned as Prometheus sent them: "NaN", "+Inf", "-Inf" become NaN / ±infinity (the
// caller applies its bad-row policy).
//
// Long ranges: Prometheus refuses a range query of more than 11,000 points per series, so the range
// is cut into requests of at most `max_points_per_request` evaluation steps on the same grid
// (start, start + step, ...), each starting one step after the previous one ended: no point is
// asked twice and none is skipped; a point a server returns twice at a seam is dropped once.
//
// Errors (Status; messages name the server as `Prometheus http://host:9090` with any
// `user:password@` password written `[redacted]`, and what was wrong):
//   InvalidArgument   bad URL (not http(s)://host[:port][/prefix]); bad request values (empty
//                     query, step <= 0, start > end, more than `max_requests` requests needed);
//                     Prometheus's own error "bad_data" / "execution" (a bad PromQL: its error
//                     quoted); an answer that is not Prometheus's (not JSON, JSON without
//                     "status", a result type other than matrix, a malformed point) from a 2xx or
//                     4xx response (another server at that URL), a 3xx redirect (not followed;
//                     its Location named); an answer over `max_response_bytes` (512 MiB)
//   NotFound          the query matched no series in the range
//   Unavailable       connection refused / reset, DNS; a 5xx answer (Prometheus "unavailable",
//                     "internal", a proxy's 502/503 page)
//   DeadlineExceeded  no answer within `timeout_ms`; Prometheus's "timeout" error
//   Cancelled         `cancel` turned true
// Prometheus's `"warnings"` (a success answer that may be partial: a failed remote-read or store,
// Thanos's partial response) are not errors: they come back in PromRangeResult::warnings for the
// caller to show.
// Thread safety: free functions and an immutable source; safe to call concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/metric_source.h"
#include "core/clock.h"
#include "core/status.h"
#include "core/time_series.h"

namespace vigil {

// Prometheus refuses a range query answering more points than this per series.
inline constexpr size_t kPrometheusMaxPointsPerRequest = 11'000;

struct PrometheusHttpOptions {
  int64_t timeout_ms = 60'000;          // one request (connect included)
  int64_t connect_timeout_ms = 10'000;  // connection set-up only
  // Evaluation steps per request (each series gets at most this many points from one request).
  size_t max_points_per_request = kPrometheusMaxPointsPerRequest;
  // A range needing more requests than this is refused before any is sent (InvalidArgument).
  size_t max_requests = 200;
  std::function<bool()> cancel;  // polled by the HTTP client; true aborts (Cancelled)
  // One answer's body larger than this is refused (InvalidArgument: match fewer series or ask
  // fewer points) instead of being held and parsed whole; 0 = no limit.
  size_t max_response_bytes = size_t{512} << 20;
  // A request whose encoded parameters are longer than this goes as a POST form
  // (application/x-www-form-urlencoded; Prometheus's query_range and series take both) instead of a
  // GET whose URL a proxy or the server could refuse (a shard's `label=~"v1|...|v2000"`). Shorter
  // ones stay GETs.
  size_t post_over_bytes = 4096;
};

// A parsed Prometheus base URL: `http(s)://[user[:password]@]host[:port][/prefix]`; the API paths
// are appended to it (`/api/v1/...`). A trailing `/` is dropped.
struct PrometheusUrl {
  std::string base;   // as sent (credentials kept: libcurl sends them as basic auth)
  std::string shown;  // for messages and records: the password written `[redacted]`
  std::string cut;    // what ParsePrometheusUrl cut off the path (`/api/v1/query_range`, `/graph`), "" if none
};
// InvalidArgument (naming the URL, password hidden) unless http:// or https://, a host, a port
// 1-65535 when one is given, no query string or fragment, no space or control character.
// The one rule of --data prom:URL and prometheus_url (DOG6): the base is the URL's scheme, host,
// port and path, trailing `/`s dropped, the path cut at the API path `/api/v1` (a pasted query URL,
// `/api/v1/query_range`) or the UI's page `/graph` (`cut` says what was cut); the path left is the
// server's route prefix (`http://host/prometheus` behind a proxy, --web.route-prefix) and every API
// path is appended to it. `/api/v2` (Alertmanager's API) is refused.
[[nodiscard]] Result<PrometheusUrl> ParsePrometheusUrl(std::string_view url);
// The same checks for another server's base URL (ParseAlertmanagerUrl): with `cut_api_path` false
// an API path or `/graph` in the path is refused, naming the base to give, instead of cut.
[[nodiscard]] Result<PrometheusUrl> ParseBaseUrl(std::string_view url, bool cut_api_path);

// `s` as a PromQL double-quoted string literal (backslash, quote and newline escaped).
std::string PromString(const std::string& s);

struct PromRangeQuery {
  std::string query;     // PromQL, as typed (encoded here)
  int64_t start_ms = 0;  // first evaluation time, Unix ms
  int64_t end_ms = 0;    // last evaluation time at most this (inclusive, as Prometheus)
  int64_t step_ms = 0;   // > 0
};

// Evaluation steps of `q` per series ((end - start) / step + 1) and the requests needed for them.
// InvalidArgument for step <= 0 or over 1000 years, start > end, or a time before 1970 or after
// 9999.
struct PromRangePlan {
  int64_t points = 0;
  int64_t requests = 0;
};
[[nodiscard]] Result<PromRangePlan> PlanPromRange(const PromRangeQuery& q, size_t max_points_per_request);

struct PromRangeResult {
  std::vector<TimeSeries> series;  // sorted by id; values as sent (NaN, ±inf kept)
  size_t requests = 0;             // HTTP requests made
  size_t seam_duplicates = 0;      // points a server sent twice at a seam, dropped
  std::vector<std::string> warnings;  // the answers' "warnings", each text once, in order
  // PromQueryRangeFresh only: points dropped as lookback repeats, the requests of `requests` that
  // read the markers, and Vigil's own notes on them (one line each; empty when all went well).
  size_t repeats_dropped = 0;
  size_t freshness_requests = 0;
  std::vector<std::string> notes;
};

// Runs `q` against the server at `url`, in as many requests as PlanPromRange says.
[[nodiscard]] Result<PromRangeResult> PromQueryRange(const PrometheusUrl& url, const PromRangeQuery& q,
                                                     const PrometheusHttpOptions& options = {});

// Lookback repeats (rules/README.md "`stale_for` on data read from Prometheus"). Prometheus answers
// each step of a range query with the latest sample within its lookback delta (5 min by default)
// unless a staleness marker ended the series; backfilled, remote-written and federated data have no
// markers, so a series that stopped at T reads as its last value at every step up to T + 5 min and
// `stale_for(d)` fires at T + 5 min + d. PromQueryRangeFresh reads `q` as PromQueryRange does and,
// when `q.query` is a plain selector S (IsPromSelector), also the marker query
// `count_over_time(S[B]) or S * 0` over the same range, B = PromRepeatBoundMs(step, scrape
// interval): at every step where S has a value, the number of samples in the last B, or 0 where
// S's value is a lookback repeat; those points are dropped: the repeats become gaps, so stale_for
// fires at about T + d (at most B later). Not `timestamp(S)`, which says the same more directly:
// Prometheus 2.42 evaluates it in time quadratic in the range (a day at 15 s, 16 series: 9-10 s
// against 0.1 s for the values; connectors/README.md). Requests: the value query's, plus as many
// again per metric name for the markers: one marker query for a selector that names its metric; for
// a `{...}` selector answering several names, one per name N with `__name__="N"` added
// (count_over_time drops the name, and two names' series of the same labels would collide).
// Not a plain selector (a function, an operator, `offset`, `@`, a range): the values as read, no
// extra request (a function's result has no samples of its own; `rate()` reads counters unchanged).
// Bad answers never lose data: the marker query failing (an error, a timeout), answering what
// cannot be the marker's (a series with a `__name__`, a value other than NaN or a whole number >= 0:
// another server, a proxy) or other series than the values (a series or a point missing) keeps the
// values of the series concerned (all, for the first two) as read and says so in `notes` (the
// query, the series concerned, that stale_for may fire up to the lookback delta late there).
// A series left with no point (all repeats: it stopped before the range) is dropped; when none is
// left, NotFound as PromQueryRange's (saying that only lookback repeats were answered).
inline constexpr int64_t kDefaultScrapeIntervalMs = 60'000;  // Prometheus's default scrape_interval
// The oldest a sample may be at a step and still count as current: the larger of the step and 1.5
// scrape intervals (`scrape_interval_ms` <= 0: kDefaultScrapeIntervalMs). A step never shorter
// than the spacing of the samples sees a fresh one within the step; the half interval takes
// scrape jitter and a late remote write (a sample 1 s behind its slot is kept).
int64_t PromRepeatBoundMs(int64_t step_ms, int64_t scrape_interval_ms);
// True for a plain series selector: a metric name, `{matchers}` or both (`x`, `x{a="1",b=~"2|3"}`,
// `{__name__=~"a|b"}`), nothing else; whitespace allowed around tokens.
bool IsPromSelector(std::string_view promql);
[[nodiscard]] Result<PromRangeResult> PromQueryRangeFresh(const PrometheusUrl& url, const PromRangeQuery& q,
                                                          const PrometheusHttpOptions& options = {},
                                                          int64_t scrape_interval_ms = 0);

// The PromQL selector for a metric name and exact label matchers: `name{k="v",...}`, label values
// escaped as PromQL string literals (\\, \", \n). A name that is not a valid metric name
// ([a-zA-Z_:][a-zA-Z0-9_:]*) is matched through `{__name__="..."}`.
// `any_of` (MetricQuery::any_of) adds `label=~"v1|v2|..."` per label, each value quoted with
// PromRegexQuote, so the regex (fully anchored by Prometheus) matches exactly those values; `""`
// among them matches a series without the label, as in Prometheus.
std::string PromSelector(const std::string& name, const Labels& matchers,
                         const std::map<std::string, std::vector<std::string>>& any_of = {});
// `value` as an RE2 literal: the characters RE2 / Go's regexp give a meaning (\.+*?()|[]{}^$)
// preceded by a backslash (Go's regexp.QuoteMeta); the PromQL string escaping comes on top.
std::string PromRegexQuote(std::string_view value);

struct PrometheusSourceOptions {
  PrometheusUrl url;
  PrometheusHttpOptions http;
  int64_t step_ms = 60'000;             // evaluation step; widened so one query fits one request
  int64_t default_range_ms = 3'600'000;  // a query without start_ms reads this much before end
  Clock* clock = nullptr;               // "now" for a query without end_ms; nullptr = SystemClock()
  // Drop Prometheus's lookback repeats (PromQueryRangeFresh) at this scrape interval (0: the
  // default, kDefaultScrapeIntervalMs); false: the values as query_range answers them.
  bool drop_lookback_repeats = true;
  int64_t scrape_interval_ms = 0;
};

// A MetricSource reading a real Prometheus: Query() runs the selector of PromSelector() as a range
// query over [start_ms, end_ms) at `step_ms` (widened to fit one request of
// max_points_per_request steps), through PromQueryRangeFresh unless drop_lookback_repeats is off
// (its notes logged as warnings, each text once per source); points at or after end_ms and
// non-finite values (NaN, ±Inf) are left out (agents read numbers). No matching series is an empty result, not an error; a matcher
// whose name is not a label name ([a-zA-Z_][a-zA-Z0-9_]*) is InvalidArgument, nothing sent; other
// errors as PromQueryRange. ListSeries reads `/api/v1/series` (match[] = the selector, start..end;
// no points), OutOfRange over max_series. MetricNames() reads `/api/v1/label/__name__/values` (empty when the
// server does not answer). Immutable but for the set of notes logged (under a mutex): thread-safe.
class PrometheusMetricSource : public MetricSource {
 public:
  explicit PrometheusMetricSource(PrometheusSourceOptions options);
  Result<std::vector<TimeSeries>> Query(const MetricQuery& query) const override;
  Result<std::vector<TimeSeries>> ListSeries(const MetricQuery& query) const override;
  std::vector<std::string> MetricNames() const override;
  // The names, or the error that kept them from being read.
  Result<std::vector<std::string>> ListMetricNames() const;
  std::string Describe() const override;  // "prometheus http://host:9090" (password hidden)

 private:
  PrometheusSourceOptions options_;
  mutable std::mutex logged_mu_;
  mutable std::set<std::string> logged_;  // notes already logged (at most 100 kept)
};

}  // namespace vigil
