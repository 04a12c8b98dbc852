// `--data prom:...`: the spec's parts and defaults, and ReadDataSource's bad-row policy, filters
// and naming against a scripted Prometheus on loopback (tests/prometheus_train_detect_test.sh runs
// a real one).
#include "server/data_source.h"

#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "core/json.h"
#include "core/time_util.h"

namespace vigil {
namespace {

constexpr int64_t kNow = 1'800'000'000'000;

bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::string ErrorOf(const std::string& spec) {
  Result<PromDataSpec> r = ParsePromDataSpec(spec, kNow);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  return r.status().message();
}

// Answers every query_range with `body`; a marker query (`count_over_time(...) or ... * 0`, read
// beside a plain selector's values, connectors/prometheus_source.h PromQueryRangeFresh) as
// Prometheus would for those values if each were a fresh sample: the series without __name__, 1.
class OneAnswer {
 public:
  explicit OneAnswer(std::string body, int status = 200) : body_(std::move(body)), status_(status) {
    server_.Get("/api/v1/query_range", [this](const httplib::Request& req, httplib::Response& res) {
      res.status = status_;
      Result<Json> j = ParseJson(body_, "body");
      if (req.get_param_value("query").rfind("count_over_time(", 0) == 0 && j.ok() && j->contains("data") &&
          (*j)["data"].contains("result")) {
        for (Json& row : (*j)["data"]["result"]) {
          row["metric"].erase("__name__");
          for (Json& point : row["values"]) point[1] = "1";
        }
        res.set_content(j->dump(), "application/json");
        return;
      }
      res.set_content(body_, "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~OneAnswer() {
    server_.stop();
    thread_.join();
  }
  std::string Spec() const { return "prom:http://127.0.0.1:" + std::to_string(port_) + "?query=x&start=1000&end=1240"; }
  int port() const { return port_; }

 private:
  std::string body_;
  int status_ = 200;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

const char* kMatrix = R"({"status":"success","data":{"resultType":"matrix","result":[
  {"metric":{"__name__":"gpu_temp","gpu":"0"},"values":[[1000,"60"],[1060,"NaN"],[1120,"61"],[1180,"+Inf"],[1240,"62"]]},
  {"metric":{"__name__":"gpu_temp","gpu":"1"},"values":[[1000,"70"],[1060,"71"]]},
  {"metric":{"__name__":"power","gpu":"0"},"values":[[1000,"300"]]},
  {"metric":{"gpu":"9"},"values":[[1000,"1"],[1060,"2"]]}]}})";

}  // namespace

TEST_CASE("ParsePromDataSpec: parameters as Prometheus's query_range, defaults, the recorded form") {
  Result<PromDataSpec> d = ParsePromDataSpec("prom:http://prom:9090?query=up", kNow);
  REQUIRE(d.ok());
  CHECK(d->range.query == "up");
  CHECK(d->range.end_ms == kNow);                     // end = now
  CHECK(d->range.start_ms == kNow - 86'400'000);      // start = end - 1d
  CHECK(d->range.step_ms == 60'000);                  // step = 60s
  CHECK(d->url.base == "http://prom:9090");
  // Encoded or not; RFC 3339, Unix seconds, now-DURATION; step as seconds or a duration.
  d = ParsePromDataSpec(
      "prom:https://u:pw@prom:9090/api/v1/query_range?query=sum%20by%20(gpu)%20(rate(x%7Bjob%3D%22a%22%7D[5m]))%20%25%202"
      "&start=2027-01-15T00:00:00Z&end=now-1h&step=0.5",
      kNow);
  REQUIRE(d.ok());
  CHECK(d->range.query == R"(sum by (gpu) (rate(x{job="a"}[5m])) % 2)");
  CHECK(d->url.base == "https://u:pw@prom:9090");  // a pasted query_range path names the server
  CHECK(d->range.start_ms == *ParseRfc3339Ms("2027-01-15T00:00:00Z"));
  CHECK(d->range.end_ms == kNow - 3'600'000);
  CHECK(d->range.step_ms == 500);
  CHECK(d->recorded ==
        R"(prom:https://u:[redacted]@prom:9090?query=sum by (gpu) (rate(x{job="a"}[5m])) % 2&start=2027-01-15T00:00:00Z&end=2027-01-15T07:00:00Z&step=500ms)");
  d = ParsePromDataSpec(R"(prom:http://h:9090?query=a + b{x=~"c|d"} % 3&start=1700000000&end=1700003600.5&step=1m30s)", kNow);
  REQUIRE(d.ok());
  CHECK(d->range.query == R"(a + b{x=~"c|d"} % 3)");  // `+` and a lone `%` as typed
  CHECK(d->range.start_ms == 1'700'000'000'000);
  CHECK(d->range.end_ms == 1'700'003'600'500);
  CHECK(d->range.step_ms == 90'000);
  // A newline in the PromQL never breaks the rule file's comment line.
  d = ParsePromDataSpec("prom:http://h:9090?query=a%0A%2B b", kNow);
  REQUIRE(d.ok());
  CHECK(d->range.query == "a\n+ b");
  CHECK_FALSE(Contains(d->recorded, "\n"));
  // The recorded spec pasted back reads the same query: a `&` and a `%` before two hex digits are
  // written %26 / %25 (before, `query=x{p="a&b"}...` came back as an unknown parameter `b"}`).
  d = ParsePromDataSpec(R"(prom:http://h:9090?query=x{p="a%26b"} %252F + y%2 &start=1700000000&end=1700003600)", kNow);
  REQUIRE(d.ok());
  CHECK(d->range.query == R"(x{p="a&b"} %2F + y%2 )");
  CHECK(Contains(d->recorded, R"(?query=x{p="a%26b"} %252F + y%2 &start=)"));
  Result<PromDataSpec> again = ParsePromDataSpec(d->recorded, kNow);
  REQUIRE(again.ok());
  CHECK(again->range.query == d->range.query);
  CHECK(again->recorded == d->recorded);
}

TEST_CASE("ParsePromDataSpec and prometheus_url read a URL's path by one rule (DOG6)") {
  // DOG5 found --data prom:URL cutting a pasted `/api/v1/query_range` or `/graph` while
  // --prometheus-url (ParsePrometheusUrl) refused them: the same URL named one server to detect and
  // none to serve. Now both read the base as ParsePrometheusUrl does (connectors/prometheus_source.h).
  for (const char* url : {"http://prom:9090", "http://prom:9090/", "http://prom:9090/api/v1", "http://prom:9090/api/v1/",
                          "http://prom:9090/api/v1/query_range", "http://prom:9090/graph", "http://h/prometheus",
                          "http://h/prometheus/", "http://h/prometheus/api/v1/query_range", "http://h/prometheus/graph"}) {
    CAPTURE(url);
    Result<PrometheusUrl> setting = ParsePrometheusUrl(url);
    Result<PromDataSpec> data = ParsePromDataSpec(std::string("prom:") + url + "?query=up&start=now-1h&step=60s", kNow);
    REQUIRE_MESSAGE(setting.ok(), setting.status().message());
    REQUIRE_MESSAGE(data.ok(), data.status().message());
    CHECK(data->url.base == setting->base);
    CHECK(setting->base == (std::string_view(url).find("/prometheus") != std::string_view::npos ? "http://h/prometheus"
                                                                                                : "http://prom:9090"));
  }
  // Alertmanager's /api/v2: refused by both.
  CHECK(Contains(ErrorOf("prom:http://am:9093/api/v2/alerts?query=up"), "an Alertmanager's"));
  CHECK_FALSE(ParsePrometheusUrl("http://am:9093/api/v2/alerts").ok());
}

TEST_CASE("ParsePromDataSpec: bad specs name the part") {
  CHECK(Contains(ErrorOf("prom:http://h:9090"), "missing query"));
  CHECK(Contains(ErrorOf("prom:http://h:9090?query=%20"), "missing query"));
  CHECK(Contains(ErrorOf("prom:http://h:9090?query=up&step=0"), "step: `0`: the step must be positive"));
  CHECK(Contains(ErrorOf("prom:http://h:9090?query=up&step=-15s"), "step: `-15s` is negative"));
  CHECK(Contains(ErrorOf("prom:http://h:9090?query=up&step=-2"), "step: `-2`: the step must be positive"));
  CHECK(Contains(ErrorOf("prom:http://h:9090?query=up&step=soon"), "step: `soon` is neither a duration"));
  CHECK(Contains(ErrorOf("prom:http://h:9090?query=up&step=nan"), "step: `nan` is out of range"));
  CHECK(Contains(ErrorOf("prom:http://h:9090?query=up&start=yesterday"), "start: `yesterday` is not Unix"));
  CHECK(Contains(ErrorOf("prom:http://h:9090?query=up&end=now-2x"), "end: `now-2x`"));
  CHECK(Contains(ErrorOf("prom:http://h:9090?query=up&start=now"), "is not before end"));
  CHECK(Contains(ErrorOf("prom:http://h:9090?query=up&step=1e300"), "step: `1e300` is out of range"));
  CHECK(Contains(ErrorOf("prom:http://h:9090?query=up&step=100000000000000"), "step: `100000000000000` is out of range"));
  CHECK(Contains(ErrorOf("prom:http://h:9090?query=up&start=-5&end=10"), "is not between 1970 and 9999"));
  // (RV3: 99999999999999999 is now nanoseconds, 1973; from 1e20 a number is refused.)
  CHECK(Contains(ErrorOf("prom:http://h:9090?query=up&start=1&end=100000000000000000000"), "is out of range"));
  CHECK(Contains(ErrorOf("prom:http://h:9090?query=up&start=now-1h&end=now-1h"), "is not before end"));
  CHECK(Contains(ErrorOf("prom:http://h:9090?query=up&stpe=1m"), "unknown parameter `stpe` (known: query, start, end, step; did you mean `step`?)"));
  CHECK(Contains(ErrorOf(R"(prom:http://h:9090?query=x{p="a&b"})"), "a `&` inside the PromQL must be written %26"));
  CHECK(Contains(ErrorOf("prom:http://h:9090?query=up&query=down"), "`query` is given twice"));
  // An instant query's URL pasted: its server taken, its `time` named (was "unknown parameter").
  CHECK(Contains(ErrorOf("prom:http://h:9090/api/v1/query?query=up&time=1700000000"),
                 "`time` is an instant query's parameter (the URL is /api/v1/query's); prom: reads a range: give "
                 "start, end and step (end=1700000000 for the same last point)"));
  Result<PromDataSpec> instant = ParsePromDataSpec("prom:http://h:9090/api/v1/query?query=up&start=now-1h", kNow);
  REQUIRE(instant.ok());
  CHECK(instant->url.base == "http://h:9090");
  CHECK(Contains(ErrorOf("prom:http://h:9090?query=up&step"), "`step` has no `=value`"));
  CHECK(Contains(ErrorOf("prom:http://h:9090?query=%FF"), "not UTF-8"));
  CHECK(Contains(ErrorOf("prom:h:9090?query=up"), "must start with http:// or https://"));
  CHECK(Contains(ErrorOf("prom:http://h:0?query=up"), "port `0` is not 1-65535"));
  // 30 days at 1 s: 2,592,001 points, 236 requests of 11,000 > 200.
  const std::string many = ErrorOf("prom:http://h:9090?query=up&start=now-30d&step=1s");
  CHECK(Contains(many, "is 2592001 points per series, 236 requests of 11000; the limit is 200 requests"));
  // 200 requests exactly is taken.
  CHECK(ParsePromDataSpec("prom:http://h:9090?query=up&start=0&end=" + std::to_string(200 * 11'000 - 1) + "&step=1",
                          kNow)
            .ok());
  CHECK_FALSE(Contains(ErrorOf("prom:http://ops:s3cret@h:9090?query=up&step=0"), "s3cret"));
  // A `?` in the password: before, the spec was cut there and the error showed `http://ops:pa`.
  const std::string qpass = ErrorOf("prom:http://ops:pa?ss@h:9090?query=up");
  CHECK_FALSE(Contains(qpass, "pa?ss"));
  CHECK_FALSE(Contains(qpass, "ops:pa"));
  CHECK(Contains(qpass, "`http://ops:[redacted]@h:9090`: a `?` or `#` in the user:password must be written %3F / %23"));
  // PromQL's @ modifier after the `?` is the query's.
  Result<PromDataSpec> at = ParsePromDataSpec("prom:http://h:9090?query=x @ 1700000000&start=1699990000&end=1700000000", kNow);
  REQUIRE(at.ok());
  CHECK(at->range.query == "x @ 1700000000");
  CHECK(at->url.base == "http://h:9090");
}

TEST_CASE("ReadDataSource prom: NaN / Inf and nameless series are bad rows, as in the file readers") {
  OneAnswer prom(kMatrix);
  ReadOptions ro;
  Result<Dataset> ds = ReadDataSource(prom.Spec(), ro, kNow);
  REQUIRE_FALSE(ds.ok());
  CHECK(ds.status().code() == StatusCode::kInvalidArgument);
  CHECK(Contains(ds.status().message(), R"(series gpu_temp{gpu="0"} at 1970-01-01T00:17:40Z: value `NaN` is not finite)"));
  ro.bad_rows = BadRowPolicy::kSkip;
  ds = ReadDataSource(prom.Spec(), ro, kNow);
  REQUIRE(ds.ok());
  CHECK(ds->format == "prom");
  REQUIRE(ds->series.size() == 3);  // sorted by id; the nameless one dropped
  CHECK(ds->series[0].id() == R"(gpu_temp{gpu="0"})");
  CHECK(ds->series[0].values == std::vector<double>{60, 61, 62});
  CHECK(ds->series[2].name == "power");
  CHECK(ds->stats.rows_skipped == 2 + 2);  // NaN, +Inf, and the nameless series' 2 points
  CHECK(ds->stats.rows_accepted == 3 + 2 + 1);
  REQUIRE(ds->stats.examples.size() == 3);
  CHECK(Contains(ds->stats.examples[0], "`NaN` is not finite"));
  CHECK(Contains(ds->stats.examples[1], "`+Inf` is not finite"));
  CHECK(Contains(ds->stats.examples[2], R"(series {gpu="9"} has no __name__)"));
  CHECK(ds->windows.size() == 3);
  CHECK_FALSE(ds->series[0].has_anomaly_labels());
  // non_finite_as_missing (vigil detect): NaN / Inf are missing points at their time under either
  // policy, as in the file readers (DET2: a NaN loss from prom: stopped the read, exit 2).
  ro.non_finite_as_missing = true;
  for (BadRowPolicy policy : {BadRowPolicy::kError, BadRowPolicy::kSkip}) {
    ro.bad_rows = policy;
    ds = ReadDataSource(prom.Spec(), ro, kNow);
    if (policy == BadRowPolicy::kError) {  // the nameless series is still a bad row
      REQUIRE_FALSE(ds.ok());
      CHECK(Contains(ds.status().message(), R"(series {gpu="9"} has no __name__)"));
      continue;
    }
    REQUIRE_MESSAGE(ds.ok(), ds.status().message());
    REQUIRE(ds->series.size() == 3);
    CHECK(ds->stats.read_as_missing == 2);
    CHECK(ds->stats.rows_skipped == 2);  // the nameless series' 2 points only
    CHECK(ds->stats.rows_accepted == 3 + 2 + 1 + 2);
    REQUIRE(ds->stats.missing_examples.size() == 2);
    CHECK(Contains(ds->stats.missing_examples[0], "value `NaN` is not finite: read as a missing point"));
    size_t nan_points = 0;
    for (const TimeSeries& s : ds->series)
      for (double v : s.values) nan_points += std::isnan(v) ? 1 : 0;
    CHECK(nan_points == 2);
  }
}

TEST_CASE("ReadDataSource, a file: a bad row that stops the read names --skip-bad-rows, as prom: does") {
  // Before, `vigil detect --data csv:loss.csv` on a NaN loss said only "loss.csv:3: value `NaN` is
  // not finite" (exit 2), and nothing named the flag that reads the rest.
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("vigil_ds_nan_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string f = (dir / "loss.csv").string();
  std::ofstream(f) << "timestamp,series,value\n1700000000,loss,1\n1700000010,loss,NaN\n";
  ReadOptions ro;
  Result<Dataset> ds = ReadDataSource("csv:" + f, ro, kNow);
  REQUIRE_FALSE(ds.ok());
  CHECK(Contains(ds.status().message(), f + ":3: value `NaN` is not finite (to the rules a NaN or Inf reading is missing data"));
  CHECK(Contains(ds.status().message(), "see) (column 3, `value`) (--skip-bad-rows drops and counts such rows)"));
  // A structural error is not a bad row: no flag skips it, none is named.
  std::ofstream(f) << "time,value\n1,2\n";
  ds = ReadDataSource("csv:" + f, ro, kNow);
  REQUIRE_FALSE(ds.ok());
  CHECK_FALSE(Contains(ds.status().message(), "--skip-bad-rows"));
  ro.bad_rows = BadRowPolicy::kSkip;
  std::ofstream(f) << "timestamp,series,value\n1700000000,loss,1\n1700000010,loss,NaN\n";
  ds = ReadDataSource("csv:" + f, ro, kNow);
  REQUIRE(ds.ok());
  CHECK(ds->stats.rows_skipped == 1);
  CHECK_FALSE(Contains(ds->stats.examples.at(0), "--skip-bad-rows"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("ReadDataSource prom: Prometheus's warnings (a partial answer) reach the caller, naming the server") {
  OneAnswer prom(R"({"status":"success","warnings":["remote_read: store eu-1\nunavailable"],
    "data":{"resultType":"matrix","result":[{"metric":{"__name__":"up"},"values":[[1000,"1"]]}]}})");
  std::vector<std::string> warnings;
  Result<Dataset> ds = ReadDataSource(prom.Spec(), {}, kNow, &warnings);
  REQUIRE(ds.ok());
  CHECK(ds->series.size() == 1);  // the data is read all the same
  REQUIRE(warnings.size() == 1);
  CHECK(Contains(warnings[0], "prom:http://127.0.0.1:"));
  CHECK(Contains(warnings[0], "may be incomplete: remote_read: store eu-1 unavailable"));  // one line
  CHECK(ReadDataSource(prom.Spec(), {}, kNow).ok());
}

TEST_CASE("ReadDataSource prom: a scalar query's series (no labels at all) is named `{}` in the error") {
  OneAnswer prom(R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1000,"1"]]}]}})");
  Result<Dataset> ds = ReadDataSource(prom.Spec(), {}, kNow);
  REQUIRE_FALSE(ds.ok());
  CHECK(Contains(ds.status().message(), "series {} has no __name__"));
}

TEST_CASE("ReadDataSource prom: --filter, --max-series and --max-points apply as for files") {
  OneAnswer prom(kMatrix);
  ReadOptions ro;
  ro.bad_rows = BadRowPolicy::kSkip;
  ro.name_filter = "gpu_";
  ro.max_series = 1;
  ro.max_points = 2;
  Result<Dataset> ds = ReadDataSource(prom.Spec(), ro, kNow);
  REQUIRE(ds.ok());
  REQUIRE(ds->series.size() == 1);
  CHECK(ds->series[0].values == std::vector<double>{60, 61});
  ro = {};
  ro.bad_rows = BadRowPolicy::kSkip;  // the nameless series is a bad row, filter or not (as jsonl)
  ro.name_filter = "nothing";
  ds = ReadDataSource(prom.Spec(), ro, kNow);
  CHECK(ds.status().code() == StatusCode::kNotFound);
  CHECK(Contains(ds.status().message(), "left no series whose name contains `nothing`"));
  // A file spec still reads through detectors' ReadDataset.
  CHECK(ReadDataSource("csv:/no/such/file.csv", {}).status().code() == StatusCode::kNotFound);
}

}  // namespace vigil

namespace vigil {
namespace {

// U2 (2026-12-01): what an on-call engineer typing --data by hand saw.
TEST_CASE("ReadDataSource: a bare URL, PROM:, prometheus: or an unknown format names prom: among the formats") {
  auto error = [](const std::string& spec) {
    Result<Dataset> r = ReadDataSource(spec, {}, kNow);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    return r.status().message();
  };
  // Was "unknown dataset format `http` in `http://ops:s3cret@...` (known: nab, kpi, smd, csv, jsonl)".
  const std::string url = error("http://ops:s3cret@h:9090?query=up&start=now-2h");
  CHECK(Contains(url, "--data `http://...`: a Prometheus server is read as a range query: put prom: before the URL"));
  CHECK_FALSE(Contains(url, "s3cret"));
  CHECK(Contains(error("https://h:9090/api/v1/query_range?query=up"), "put prom: before the URL"));
  const std::string upper = error("PROM:http://h:9090?query=up");
  CHECK(Contains(upper, "unknown dataset format `PROM`"));
  CHECK(Contains(upper, "(known: nab, kpi, smd, csv, jsonl, promjson, promtext, prom); did you mean `prom:`?"));
  CHECK(Contains(error("prometheus:http://h:9090?query=up"), "did you mean `prom:`?"));
  const std::string pw = error("PROM:http://ops:s3cret@h:9090?query=up");
  CHECK(Contains(pw, "unknown dataset format `PROM` in `PROM:...` (known:"));
  CHECK_FALSE(Contains(pw, "s3cret"));
  CHECK(Contains(error("cvs:x.csv"), "(known: nab, kpi, smd, csv, jsonl, promjson, promtext, prom); did you mean `csv:`?"));
  CHECK(Contains(error("telemetry.csv"), "must be FORMAT:PATH with FORMAT one of nab, kpi, smd, csv, jsonl, promjson, promtext, or prom:URL?query=PROMQL"));
  // A known file format goes on to its reader, whose errors are its own.
  Result<Dataset> missing = ReadDataSource("csv:/nonexistent/u2.csv", {}, kNow);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == StatusCode::kNotFound);
}

// DOG4 (2026-12-03): a misspelled file format is offered the nearest format; before, every word
// starting with `prom` was offered prom: (`promjsn:answer.json` -> "did you mean `prom:`?").
TEST_CASE("ReadDataSource: a misspelled format gets the nearest one, a prom... word near none gets prom:") {
  auto error = [](const std::string& spec) {
    Result<Dataset> r = ReadDataSource(spec, {}, kNow);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    return r.status().message();
  };
  const std::string known = "(known: nab, kpi, smd, csv, jsonl, promjson, promtext, prom)";
  for (const auto& [spec, meant] : std::vector<std::pair<std::string, std::string>>{
           {"promjsn:answer.json", "promjson"}, {"promjosn:answer.json", "promjson"},
           {"promtxt:snap.prom", "promtext"},   {"promtex:snap.prom", "promtext"},
           {"nba:/data/nab", "nab"},            {"kpj:/data/kpi", "kpi"},
           {"smb:/data/smd", "smd"},            {"cvs:x.csv", "csv"},
           {"jsnol:x.jsonl", "jsonl"},          {"Promjson:a.json", "promjson"},
           {"PROM:http://h:9090?query=up", "prom"}, {"prometheus:http://h:9090?query=up", "prom"}}) {
    INFO(spec);
    const std::string m = error(spec);
    CHECK(Contains(m, "unknown dataset format `" + spec.substr(0, spec.find(':')) + "`"));
    CHECK(Contains(m, known + "; did you mean `" + meant + ":`?"));
  }
  // Near no format: the list alone.
  const std::string far = error("parquet:x.parquet");
  CHECK(Contains(far, known));
  CHECK_FALSE(Contains(far, "did you mean"));
}

TEST_CASE("ParsePromDataSpec: a duration given as start or end asks for now-DURATION") {
  // Was "start: `1h` is not Unix seconds/ms or RFC 3339 (nor `now` / `now-2d`)".
  CHECK(Contains(ErrorOf("prom:http://h:9090?query=up&start=1h"), "start: `1h` is a duration, not a time: did you mean `now-1h`?"));
  CHECK(Contains(ErrorOf("prom:http://h:9090?query=up&start=-2d&end=-1h30m"), "end: `-1h30m` is a duration, not a time: did you mean `now-1h30m`?"));
  CHECK(Contains(ErrorOf("prom:http://h:9090?query=up&start=yesterday"), "`yesterday` is not Unix seconds/ms or RFC 3339 (nor `now` / `now-2d`)"));
}

TEST_CASE("ParsePromDataSpec: a URL copied from the web UI's graph page says what to write instead") {
  // Was "unknown parameter `g0.expr` (known: query, start, end, step); a `&` inside the PromQL must be written %26".
  const std::string graph = ErrorOf("prom:http://h:9090/graph?g0.expr=rate(x%5B5m%5D)&g0.tab=0&g0.range_input=6h");
  CHECK(Contains(graph, "--data prom:http://h:9090/graph: `g0.expr` is a parameter of the web UI's page, not of the API"));
  CHECK(Contains(graph, "give its expression as query=, e.g. 'prom:http://h:9090?query=rate(x[5m])&start=now-6h&step=60s'"));
  CHECK_FALSE(Contains(graph, "%26"));
  const std::string ui3 = ErrorOf("prom:http://h:9090/query?g0.tab=graph&g0.expr=up&g0.range_input=bad");
  CHECK(Contains(ui3, "`g0.tab` is a parameter of the web UI's page"));
  CHECK(Contains(ui3, "e.g. 'prom:http://h:9090?query=up&start=now-1h&step=60s'"));
  // Another unknown parameter is as before.
  CHECK(Contains(ErrorOf("prom:http://h:9090?query=up&g.x=1"), "unknown parameter `g.x`"));
}

TEST_CASE("ReadDataSource prom: a refused PromQL is quoted; a server not there or an https URL to http says what to check") {
  OneAnswer refused(R"({"status":"error","errorType":"bad_data","error":"1:2: parse error: unexpected end of input inside braces"})", 400);
  Result<Dataset> ds = ReadDataSource(refused.Spec(), {}, kNow);
  REQUIRE_FALSE(ds.ok());
  CHECK(ds.status().code() == StatusCode::kInvalidArgument);
  CHECK(Contains(ds.status().message(), "bad_data: 1:2: parse error: unexpected end of input inside braces (the PromQL as sent: `x`)"));
  // Nothing listens on port 1 of loopback.
  ds = ReadDataSource("prom:http://127.0.0.1:1?query=x&start=1000&end=1240", {}, kNow);
  REQUIRE_FALSE(ds.ok());
  CHECK(ds.status().code() == StatusCode::kUnavailable);
  CHECK(Contains(ds.status().message(), "(is Prometheus running there? check the host and port"));
  // TLS spoken to a plain-http server: OpenSSL says "wrong version number".
  OneAnswer plain(R"({"status":"success","data":{"resultType":"matrix","result":[]}})");
  ds = ReadDataSource("prom:https://127.0.0.1:" + std::to_string(plain.port()) + "?query=x&start=1000&end=1240", {}, kNow);
  REQUIRE_FALSE(ds.ok());
  CHECK(Contains(ds.status().message(), "wrong version number (the server does not speak TLS there: a plain-http Prometheus is http://)"));
}

TEST_CASE("PromReadNote: the range read, and the defaults named when the spec gives its query alone") {
  OneAnswer prom(R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"up"},"values":[[1000,"1"]]}]}})");
  Result<Dataset> ds = ReadDataSource(prom.Spec(), {}, kNow);
  REQUIRE(ds.ok());
  const std::string base = "prom:http://127.0.0.1:" + std::to_string(prom.port());
  CHECK(PromReadNote(prom.Spec(), *ds) == "read " + base + "?query=x&start=1970-01-01T00:16:40Z&end=1970-01-01T00:20:40Z&step=1m");
  // `vigil detect --data prom:URL?query=x&start=...` unquoted in a shell: the command ends at the &.
  ds = ReadDataSource(base + "?query=x", {}, kNow);
  REQUIRE(ds.ok());
  const std::string note = PromReadNote(base + "?query=x", *ds);
  CHECK(Contains(note, "read " + base + "?query=x&start=2027-01-14T08:00:00Z&end=2027-01-15T08:00:00Z&step=1m"));
  CHECK(Contains(note, "(no start, end or step given: the last day at 1m; in a shell, quote the whole --data value, an unquoted & ends the command)"));
  Dataset file;
  file.format = "csv";
  CHECK(PromReadNote("csv:x.csv", file).empty());
}

}  // namespace
}  // namespace vigil

namespace vigil {
namespace {

TEST_CASE("PromStepMismatch: rule files trained at another prom: step are named, with the step to use") {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("u2_step_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& data_line) {
    std::ofstream((dir / name).string()) << "# Trained by `vigil train-rules` at 2026-12-01T00:17:09Z\n" << data_line
                                         << "# target: x\n\nrule R_" << name.substr(0, 1) << " {\n  select x\n  when value > 1\n}\n";
    return (dir / name).string();
  };
  const std::string at1m = "# data: prom:http://ops:[redacted]@h:9090?query=x{a=\"b%26c\"}&start=2026-11-29T22:17:00Z&end=2026-11-30T16:17:00Z&step=1m\n";
  const std::string a = write("a.rules", at1m), b = write("b.rules", at1m);
  const std::string c = write("c.rules", "# data: csv:telemetry.csv\n");
  const std::string d = write("d.rules", "# data: prom:http://h:9090?query=x&start=2026-11-29T22:17:00Z&end=2026-11-30T16:17:00Z&step=15s\n");
  Dataset read;
  read.format = "prom";
  read.source = "prom:http://h:9090?query=x&start=2026-11-30T16:17:00Z&end=2026-11-30T22:17:00Z&step=15s";
  // a and b recorded 1m (twice: named once), c a file, d the read's own step.
  const std::vector<std::string> w = PromStepMismatch(read, {a, a, b, c, d});
  REQUIRE(w.size() == 1);
  CHECK(w[0] == a + " (and 1 more rule files) was trained on prom: data at step 1m (its `# data:` line); this read is at "
                    "step 15s: its windows counted in points (10p, 60p) span another time and its thresholds were fit at "
                    "1m; read with step=1m");
  read.source = "prom:http://h:9090?query=x&start=2026-11-30T16:17:00Z&end=2026-11-30T22:17:00Z&step=1m";
  const std::vector<std::string> back = PromStepMismatch(read, {a, b, c, d});
  REQUIRE(back.size() == 1);
  CHECK(Contains(back[0], d + " was trained on prom: data at step 15s"));
  read.format = "csv";
  CHECK(PromStepMismatch(read, {a, d}).empty());
  // vigil serve reads at its --eval-interval (default 15 s): a and b were fit at 1m.
  const std::vector<std::string> serve = ServeStepMismatch(15'000, {a, b, c, d});
  REQUIRE(serve.size() == 1);
  CHECK(serve[0] == a + " (and 1 more rule files) was trained on prom: data at step 1m (its `# data:` line); vigil serve "
                        "reads and evaluates at step 15s (--eval-interval): its windows counted in points (10p, 60p) span "
                        "another time and its thresholds were fit at 1m; serve them with --eval-interval 60");
  CHECK(ServeStepMismatch(60'000, {a, b, c}).empty());
  std::filesystem::remove_all(dir);
}

}  // namespace

TEST_CASE("ReadDataSource prom: a point past --max-points is not read, as in the file readers") {
  // Before, a NaN past the cap failed the read (and counted under kSkip) while nab / kpi / smd
  // stop reading a series at the cap.
  OneAnswer prom(R"({"status":"success","data":{"resultType":"matrix","result":[
    {"metric":{"__name__":"up"},"values":[[1000,"1"],[1060,"2"],[1120,"NaN"],[1180,"4"]]}]}})");
  ReadOptions ro;
  ro.max_points = 2;
  Result<Dataset> ds = ReadDataSource(prom.Spec(), ro, kNow);
  REQUIRE_MESSAGE(ds.ok(), ds.status().message());
  CHECK(ds->series[0].values == std::vector<double>{1, 2});
  CHECK(ds->stats.rows_accepted == 2);
  CHECK(ds->stats.rows_skipped == 0);
}

}  // namespace vigil
