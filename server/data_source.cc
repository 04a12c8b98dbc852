#include "server/data_source.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <vector>

#include "core/ascii.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/time_util.h"
#include "core/utf8.h"

namespace vigil {
namespace {

constexpr std::string_view kPrefix = "prom:";
constexpr int64_t kDayMs = 86'400'000;

// `text` in backquotes, for messages.
std::string Quoted(std::string_view text) {
  std::string q = "`";
  q.append(text);
  q += '`';
  return q;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX decoded where XX is hex; everything else (PromQL's `%` modulo, `+`) as typed.
std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexDigit(s[i + 1]) >= 0 && HexDigit(s[i + 2]) >= 0) {
      out += static_cast<char>(HexDigit(s[i + 1]) * 16 + HexDigit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// `now`, `now-DURATION`, Unix seconds (ms from 1e11 up) or RFC 3339.
Result<int64_t> ParseTime(std::string_view text, int64_t now_ms) {
  if (text == "now") return now_ms;
  if (text.rfind("now-", 0) == 0) {
    Result<int64_t> d = ParseDurationMs(text.substr(4));
    if (!d.ok()) return InvalidArgumentError(Quoted(text) + ": " + d.status().message());
    return now_ms - *d;
  }
  Result<int64_t> t = ParseTimestampField(text);
  if (!t.ok()) {
    // `1h` or `-1h` (Grafana's and promtool's relative forms) meant the last hour.
    const std::string_view d = text.substr(text.starts_with('-') ? 1 : 0);
    if (!d.empty() && ParseDurationMs(d).ok())
      return InvalidArgumentError(Quoted(text) + " is a duration, not a time: did you mean `now-" + std::string(d) + "`?");
    return InvalidArgumentError(t.status().message() + " (nor `now` / `now-2d`)");
  }
  return t;
}

// A duration ("15s", "1m") or a number of seconds ("60", "0.5"), as Prometheus reads `step`.
Result<int64_t> ParseStep(std::string_view text) {
  double seconds = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  int64_t ms = 0;
  if (!text.empty() && ec == std::errc() && ptr == text.data() + text.size()) {
    if (!std::isfinite(seconds) || seconds * 1000.0 >= 1e13)  // 300 years: PlanPromRange's bound is 1000
      return InvalidArgumentError(Quoted(text) + " is out of range");
    ms = std::llround(seconds * 1000.0);
  } else if (text.size() > 1 && text[0] == '-') {
    return InvalidArgumentError(Quoted(text) + " is negative; the step must be positive");
  } else {
    Result<int64_t> d = ParseDurationMs(text);
    if (!d.ok())
      return InvalidArgumentError(Quoted(text) + " is neither a duration (15s, 1m) nor seconds (60)");
    ms = *d;
  }
  if (ms <= 0) return InvalidArgumentError(Quoted(text) + ": the step must be positive (at least 1ms)");
  return ms;
}

std::string OneLine(std::string s) {
  for (char& c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return s;
}

// The PromQL as the recorded spec writes it: one line, with `&` and a `%` that would read as %XX
// written %26 / %25, so that the recorded spec, pasted back, reads the same query.
std::string RecordedQuery(const std::string& q) {
  std::string out;
  for (size_t i = 0; i < q.size(); ++i) {
    if (q[i] == '&')
      out += "%26";
    else if (q[i] == '%' && i + 2 < q.size() && HexDigit(q[i + 1]) >= 0 && HexDigit(q[i + 2]) >= 0)
      out += "%25";
    else
      out += q[i];
  }
  return OneLine(out);
}

// A --data that is not prom: but meant a Prometheus (a bare URL, `PROM:`, `prometheus:`) or a format
// the readers do not know: ReadDataset's message lists the file formats only, so a user who typed
// `--data http://prom:9090?...` was not told that prom: exists. Ok for a known file format.
Status CheckFileFormat(std::string_view spec) {
  static const std::vector<std::string> kFormats = {"nab", "kpi", "smd", "csv", "jsonl", "promjson", "promtext", "prom"};
  const size_t colon = spec.find(':');
  const std::string format(spec.substr(0, colon == std::string_view::npos ? 0 : colon));
  const std::string lower = AsciiLower(format);
  if (lower == "http" || lower == "https") {  // the spec is not echoed: it may hold a password
    return InvalidArgumentError("--data `" + format +
                                "://...`: a Prometheus server is read as a range query: put prom: before the URL "
                                "(--data 'prom:http://host:9090?query=PROMQL&start=now-1d&step=1m', quoted; "
                                "detectors/README.md)");
  }
  if (colon != std::string_view::npos && colon + 1 < spec.size() &&
      std::find(kFormats.begin(), kFormats.end(), format) != kFormats.end())
    return Status::Ok();
  // The nearest format (`promjsn` -> promjson, `cvs` -> csv, `PROM` -> prom); a word starting with
  // prom that is near none (`prometheus`) meant prom:. Before, every prom... word got prom:
  // (`promjsn:FILE` was told `did you mean prom:?`).
  std::string close = ClosestMatch(lower, kFormats);
  if (close.empty() && lower.rfind("prom", 0) == 0) close = "prom";
  if (colon == std::string_view::npos || colon + 1 >= spec.size()) {
    return InvalidArgumentError("dataset spec `" + OneLine(std::string(spec)) +
                                "` must be FORMAT:PATH with FORMAT one of nab, kpi, smd, csv, jsonl, promjson, promtext, or "
                                "prom:URL?query=PROMQL (a Prometheus range query)");
  }
  // A URL's user:password is not echoed (`PROM:http://ops:pw@h:9090?...`).
  const std::string shown = spec.find("://") != std::string_view::npos && spec.find('@') != std::string_view::npos
                                ? format + ":..."
                                : std::string(spec);
  return InvalidArgumentError("unknown dataset format `" + OneLine(format) + "` in `" + OneLine(shown) +
                              "` (known: nab, kpi, smd, csv, jsonl, promjson, promtext, prom)" +
                              (close.empty() ? "" : "; did you mean `" + close + ":`?"));
}

// Where the fetch failed, what to check: the PromQL as sent (Prometheus's parse error gives a
// line:column in it), a server that is not there, an https URL to a plain-http server.
std::string FetchHint(const Status& st, const PromDataSpec& prom) {
  const std::string& m = st.message();
  if (st.code() == StatusCode::kInvalidArgument && m.find(": bad_data: ") != std::string::npos)
    return " (the PromQL as sent: `" + OneLine(prom.range.query) + "`)";
  if (st.code() != StatusCode::kUnavailable) return "";
  if (m.find("Couldn't connect to server") != std::string::npos || m.find("Could not resolve host") != std::string::npos)
    return " (is Prometheus running there? check the host and port: its web UI's address, 9090 by default)";
  if (prom.url.base.rfind("https://", 0) == 0 && m.find("wrong version number") != std::string::npos)
    return " (the server does not speak TLS there: a plain-http Prometheus is http://)";
  return "";
}

// A URL copied from Prometheus's web UI (/graph?g0.expr=...&g0.range_input=1h&g0.tab=0): its
// parameters are the page's, not the API's. "" unless `key` is one (gN.something); otherwise what to
// write instead, the expression and range carried over.
std::string WebUiHint(const std::string& key, std::string_view params, std::string base) {
  const size_t dot = key.find('.');
  if (key.size() < 3 || key[0] != 'g' || dot == std::string::npos || dot == 1 ||
      !std::all_of(key.begin() + 1, key.begin() + dot, [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return "";
  const std::string panel = key.substr(0, dot + 1);
  std::string expr, range;
  for (size_t pos = 0; pos <= params.size();) {
    size_t amp = params.find('&', pos);
    if (amp == std::string_view::npos) amp = params.size();
    const std::string_view item = params.substr(pos, amp - pos);
    pos = amp + 1;
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string k = PercentDecode(item.substr(0, eq));
    if (k == panel + "expr") expr = PercentDecode(item.substr(eq + 1));
    if (k == panel + "range_input") range = PercentDecode(item.substr(eq + 1));
  }
  for (std::string_view page : {"/graph", "/query"}) {
    if (base.ends_with(page)) base.resize(base.size() - page.size());
  }
  return "`" + OneLine(key) + "` is a parameter of the web UI's page, not of the API: this is a URL copied from "
         "Prometheus's graph page; give its expression as query=, e.g. 'prom:" + base + "?query=" +
         (expr.empty() ? std::string("PROMQL") : RecordedQuery(expr)) + "&start=now-" +
         (range.empty() || !ParseDurationMs(range).ok() ? std::string("1h") : OneLine(range)) + "&step=60s'";
}

}  // namespace

bool IsPromDataSpec(std::string_view spec) { return spec.rfind(kPrefix, 0) == 0; }

Result<PromDataSpec> ParsePromDataSpec(std::string_view spec, int64_t now_ms) {
  if (!IsPromDataSpec(spec)) return InvalidArgumentError("--data `" + std::string(spec) + "` is not a prom: spec");
  std::string_view rest = spec.substr(kPrefix.size());
  // The parameters start at the first `?`, unless an `@` follows it with no `=` or `&` between:
  // then that `?` is in a user:password (refused by ParsePrometheusUrl, the password hidden).
  size_t qmark = rest.find('?');
  if (const size_t at = rest.find('@', qmark == std::string_view::npos ? rest.size() : qmark);
      qmark != std::string_view::npos && at != std::string_view::npos &&
      rest.substr(qmark, at - qmark).find_first_of("=&") == std::string_view::npos) {
    qmark = rest.find('?', at);
  }
  std::string url_text(rest.substr(0, qmark));
  const std::string_view params = qmark == std::string_view::npos ? std::string_view() : rest.substr(qmark + 1);
  // A pasted query_range URL names its server; so does an instant query's (/api/v1/query: read as
  // a range, its `time` refused below).
  bool instant = false;
  for (std::string_view tail : {"/", "/api/v1/query_range", "/api/v1/query"}) {
    if (url_text.size() > tail.size() && url_text.ends_with(tail)) {
      url_text.resize(url_text.size() - tail.size());
      instant = instant || tail == "/api/v1/query";
    }
  }
  // The web UI's graph page (ParsePrometheusUrl refuses it in a base URL): its server read, the page
  // kept in messages, so that its own parameters (g0.expr) are named below with what to write.
  std::string page;
  if (url_text.ends_with("/graph")) {
    page = "/graph";
    url_text.resize(url_text.size() - page.size());
  }
  PromDataSpec out;
  Result<PrometheusUrl> url = ParsePrometheusUrl(url_text);
  if (!url.ok()) return InvalidArgumentError("--data prom:...: " + url.status().message() + " (prom:http://host:9090?query=...)");
  out.url = *url;
  const std::string where = "--data prom:" + out.url.shown + page;
  static const std::vector<std::string> kKnown = {"query", "start", "end", "step"};
  std::map<std::string, std::string> given;
  size_t pos = 0;
  while (pos < params.size()) {
    size_t amp = params.find('&', pos);
    if (amp == std::string_view::npos) amp = params.size();
    const std::string_view item = params.substr(pos, amp - pos);
    pos = amp + 1;
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    const std::string key = PercentDecode(item.substr(0, eq));
    if (key == "time") {  // an instant query's parameter (/api/v1/query): prom: reads a range
      return InvalidArgumentError(where + ": `time` is an instant query's parameter" +
                                  (instant ? " (the URL is /api/v1/query's)" : "") +
                                  "; prom: reads a range: give start, end and step (end=" +
                                  OneLine(PercentDecode(item.substr(std::min(eq, item.size() - 1) + 1))) +
                                  " for the same last point)");
    }
    if (std::find(kKnown.begin(), kKnown.end(), key) == kKnown.end()) {
      if (const std::string ui = WebUiHint(key, params, out.url.shown); !ui.empty()) return InvalidArgumentError(where + ": " + ui);
      const std::string close = ClosestMatch(key, kKnown);
      return InvalidArgumentError(where + ": unknown parameter `" + OneLine(key) +
                                  "` (known: query, start, end, step" +
                                  (close.empty() ? ")" : "; did you mean `" + close + "`?)") +
                                  (std::all_of(key.begin(), key.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; })
                                       ? ""
                                       : "; a `&` inside the PromQL must be written %26"));
    }
    if (eq == std::string_view::npos) return InvalidArgumentError(where + ": parameter `" + key + "` has no `=value`");
    if (given.count(key)) return InvalidArgumentError(where + ": parameter `" + key + "` is given twice");
    given[key] = PercentDecode(item.substr(eq + 1));
  }
  const std::string& query = given["query"];
  if (query.find_first_not_of(" \t\r\n") == std::string::npos) {
    return InvalidArgumentError(where + ": missing query: give the PromQL as ?query=... (e.g. prom:" + out.url.shown +
                                "?query=DCGM_FI_DEV_GPU_TEMP&start=now-2d&step=1m)");
  }
  if (size_t bad = 0; !IsValidUtf8(query, &bad))
    return InvalidArgumentError(where + ": query: not UTF-8 text at byte " + std::to_string(bad + 1));
  out.range.query = query;
  // Defaults: end = now, start = end - 1 day, step = 60 s.
  out.range.end_ms = now_ms;
  if (given.count("end")) {
    Result<int64_t> t = ParseTime(given["end"], now_ms);
    if (!t.ok()) return InvalidArgumentError(where + ": end: " + t.status().message());
    out.range.end_ms = *t;
  }
  out.range.start_ms = out.range.end_ms - kDayMs;
  if (given.count("start")) {
    Result<int64_t> t = ParseTime(given["start"], now_ms);
    if (!t.ok()) return InvalidArgumentError(where + ": start: " + t.status().message());
    out.range.start_ms = *t;
  }
  out.range.step_ms = 60'000;
  if (given.count("step")) {
    Result<int64_t> s = ParseStep(given["step"]);
    if (!s.ok()) return InvalidArgumentError(where + ": step: " + s.status().message());
    out.range.step_ms = *s;
  }
  if (out.range.start_ms >= out.range.end_ms) {
    return InvalidArgumentError(where + ": start " + FormatRfc3339Ms(out.range.start_ms) + " is not before end " +
                                FormatRfc3339Ms(out.range.end_ms) +
                                (given.count("end") ? "" : " (end defaults to now)"));
  }
  Result<PromRangePlan> planned = PlanPromRange(out.range, kPrometheusMaxPointsPerRequest);
  if (!planned.ok()) return InvalidArgumentError(where + ": " + planned.status().message());
  const PromRangePlan& plan = *planned;
  if (plan.requests > static_cast<int64_t>(kMaxPromRequests)) {
    return InvalidArgumentError(where + ": " + FormatRfc3339Ms(out.range.start_ms) + " to " +
                                FormatRfc3339Ms(out.range.end_ms) + " at step " + FormatDurationMs(out.range.step_ms) +
                                " is " + std::to_string(plan.points) + " points per series, " +
                                std::to_string(plan.requests) + " requests of 11000; the limit is " +
                                std::to_string(kMaxPromRequests) + " requests (server/data_source.h "
                                "kMaxPromRequests): use a larger step or a shorter range");
  }
  out.recorded = "prom:" + out.url.shown + "?query=" + RecordedQuery(query) + "&start=" +
                 FormatRfc3339Ms(out.range.start_ms) + "&end=" + FormatRfc3339Ms(out.range.end_ms) +
                 "&step=" + FormatDurationMs(out.range.step_ms);
  return out;
}

Result<Dataset> ReadDataSource(const std::string& spec, const ReadOptions& options, int64_t now_ms,
                               std::vector<std::string>* warnings, int64_t scrape_interval_ms) {
  if (!IsPromDataSpec(spec)) {
    RETURN_IF_ERROR(CheckFileFormat(spec));
    // A bad row that stops the read says how to skip it, as prom: does below (a NaN row of a csv:
    // said only "value `NaN` is not finite", exit 2).
    ReadOptions file_options = options;
    if (file_options.bad_row_hint.empty()) file_options.bad_row_hint = " (--skip-bad-rows drops and counts such rows)";
    return ReadDataset(spec, file_options);
  }
  ASSIGN_OR_RETURN(PromDataSpec prom, ParsePromDataSpec(spec, now_ms != 0 ? now_ms : SystemClock()->NowMs()));
  PrometheusHttpOptions http;
  http.max_requests = kMaxPromRequests;
  // Plain selectors drop Prometheus's lookback repeats (connectors/prometheus_source.h), so that
  // stale_for sees a series stop when its samples stop.
  Result<PromRangeResult> fetched = PromQueryRangeFresh(prom.url, prom.range, http, scrape_interval_ms);
  if (!fetched.ok())
    return Status(fetched.status().code(), fetched.status().message() + FetchHint(fetched.status(), prom));
  if (warnings != nullptr) {
    for (const std::string& w : fetched->warnings)
      warnings->push_back("prom:" + prom.url.shown + ": Prometheus warns that its answer may be incomplete: " + OneLine(w));
    for (const std::string& n : fetched->notes) warnings->push_back(OneLine(n));
  }
  Dataset ds;
  ds.format = "prom";
  ds.source = prom.recorded;
  ReadStats& stats = ds.stats;
  // ReadOptions::BadRow; the message names the series and time, an error adds the flag that skips.
  ReadOptions prom_options = options;
  if (prom_options.bad_row_hint.empty()) prom_options.bad_row_hint = " (--skip-bad-rows drops and counts such points)";
  auto bad = [&](const std::string& why, size_t points) -> Status {
    return prom_options.BadRow("prom:" + prom.url.shown, why, stats, points);
  };
  for (TimeSeries& s : fetched->series) {
    if (s.name.empty()) {
      RETURN_IF_ERROR(bad("series " + (s.labels.empty() ? std::string("{}") : s.id()) + " has no __name__ (the query's functions dropped it; name it, e.g. "
                          "label_replace(EXPR, \"__name__\", \"my_metric\", \"\", \"\")); " +
                          std::to_string(s.size()) + " point(s)", s.size()));
      continue;
    }
    if (!options.KeepsName(s.name)) continue;
    if (!options.RoomForSeries(ds.series.size())) {
      ++stats.series_left_out;
      continue;
    }
    TimeSeries kept;
    kept.name = s.name;
    kept.labels = s.labels;
    for (size_t i = 0; i < s.size(); ++i) {
      if (!options.RoomForPoint(kept.size())) {
        stats.points_left_out += s.size() - i;
        break;
      }
      if (!std::isfinite(s.values[i])) {
        const double v = s.values[i];
        const char* text = std::isnan(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
        std::string at = "series " + s.id() + " at " + FormatRfc3339Ms(s.timestamps_ms[i]);
        if (options.non_finite_as_missing) {  // a missing point at its time, as the file readers
          options.CountReadAsMissing("prom:" + prom.url.shown + ": " + at, text, stats);
          kept.timestamps_ms.push_back(s.timestamps_ms[i]);
          kept.values.push_back(std::numeric_limits<double>::quiet_NaN());
          ++stats.rows_accepted;
          continue;
        }
        std::string why = at + ": value `" + text + "` is not finite";
        why += kNotFiniteNote;
        RETURN_IF_ERROR(bad(why, 1));
        continue;
      }
      kept.timestamps_ms.push_back(s.timestamps_ms[i]);
      kept.values.push_back(s.values[i]);
      ++stats.rows_accepted;
    }
    if (kept.empty()) continue;
    ds.series.push_back(std::move(kept));
    ds.windows.emplace_back();
  }
  if (ds.series.empty()) {
    return options.NoSeriesLeft("prom:" + prom.url.shown + ": the query `" + OneLine(prom.range.query) + "`", stats,
                                "points");
  }
  return ds;
}

namespace {

// The warnings of PromStepMismatch / ServeStepMismatch: rule files recording a prom: step other than
// `step_ms`, one line per recorded step, `how` the reader's step in words, `fix(trained)` the remedy.
std::vector<std::string> StepMismatch(int64_t step_ms, const std::vector<std::string>& rule_files,
                                      const std::string& how,
                                      const std::function<std::string(int64_t)>& fix) {
  struct Seen {
    std::string file;
    size_t more = 0;
  };
  std::map<int64_t, Seen> by_step;  // recorded step -> the first file recording it
  std::vector<std::string> done;
  for (const std::string& path : rule_files) {
    if (std::find(done.begin(), done.end(), path) != done.end()) continue;
    done.push_back(path);
    std::ifstream in(path);
    std::string line;
    for (int n = 0; n < 40 && std::getline(in, line) && line.rfind("#", 0) == 0; ++n) {
      constexpr std::string_view kData = "# data: ";
      if (line.rfind(kData, 0) != 0) continue;
      Result<PromDataSpec> then = ParsePromDataSpec(std::string_view(line).substr(kData.size()), 0);
      if (!then.ok() || then->range.step_ms == step_ms) break;
      auto [it, fresh] = by_step.try_emplace(then->range.step_ms, Seen{path});
      if (!fresh) ++it->second.more;
      break;
    }
  }
  std::vector<std::string> out;
  for (const auto& [step, seen] : by_step) {
    const std::string trained = FormatDurationMs(step);
    out.push_back(seen.file + (seen.more ? " (and " + std::to_string(seen.more) + " more rule files)" : std::string()) +
                  " was trained on prom: data at step " + trained + " (its `# data:` line); " + how +
                  ": its windows counted in points (10p, 60p) span another time and its thresholds were "
                  "fit at " + trained + "; " + fix(step));
  }
  return out;
}

}  // namespace

std::vector<std::string> PromStepMismatch(const Dataset& read, const std::vector<std::string>& rule_files) {
  if (read.format != "prom") return {};
  Result<PromDataSpec> now = ParsePromDataSpec(read.source, 0);
  if (!now.ok()) return {};
  return StepMismatch(now->range.step_ms, rule_files, "this read is at step " + FormatDurationMs(now->range.step_ms),
                      [](int64_t trained) { return "read with step=" + FormatDurationMs(trained); });
}

std::vector<std::string> ServeStepMismatch(int64_t interval_ms, const std::vector<std::string>& rule_files) {
  return StepMismatch(interval_ms, rule_files,
                      "vigil serve reads and evaluates at step " + FormatDurationMs(interval_ms) + " (--eval-interval)",
                      [](int64_t trained) {
                        if (trained % 1000 != 0)
                          return std::string("--eval-interval takes whole seconds; train at a step of whole seconds");
                        return "serve them with --eval-interval " + std::to_string(trained / 1000);
                      });
}

std::string PromReadNote(std::string_view spec, const Dataset& read) {
  if (!IsPromDataSpec(spec) || read.format != "prom") return "";
  std::string note = "read " + read.source;
  // Only the query given: in a shell, an unquoted `&` ends the command there, so
  // --data prom:URL?query=Q&start=...&step=... read the defaults without a word.
  if (spec.find('&') == std::string_view::npos)
    note += " (no start, end or step given: the last day at 1m; in a shell, quote the whole --data value, an unquoted & ends the command)";
  return note;
}

}  // namespace vigil
