#include "detectors/readers.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/time_util.h"
#include "core/utf8.h"

namespace vigil {
namespace {

namespace fs = std::filesystem;

// A scratch folder per test process, removed at exit.
class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() / ("vigil_readers_test_" + std::to_string(::getpid()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string Write(const std::string& rel, const std::string& content) {
    fs::path p = path_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << content;
    return p.string();
  }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

bool Contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

TEST_CASE("timestamp fields: Unix seconds, milliseconds, fractions, RFC 3339") {
  CHECK(*ParseTimestampField("1491041280") == 1491041280000);
  CHECK(*ParseTimestampField("1491041280123") == 1491041280123);
  CHECK(*ParseTimestampField("1491041280.5") == 1491041280500);
  CHECK(*ParseTimestampField("2024-05-01T12:00:00Z") == *ParseRfc3339Ms("2024-05-01T12:00:00Z"));
  CHECK(*ParseTimestampField("2014-04-10 07:15:00.000000") == *ParseRfc3339Ms("2014-04-10T07:15:00Z"));
  CHECK_FALSE(ParseTimestampField("yesterday").ok());
  // Beyond int64 milliseconds (and near it): refused, naming the text. llround(1e300) has no
  // int64 value: it came back INT64_MIN and a row with it was read (year -292275055).
  // (RV3: the limit was 1e18 ms; from 1e14 the number is now microseconds, from 1e17 nanoseconds.)
  for (const char* far : {"1e300", "-1e300", "1e20", "-1e20", "100000000000000000000"}) {
    INFO(std::string(far));
    auto r = ParseTimestampField(far);
    REQUIRE_FALSE(r.ok());
    std::string want = "`";  // appended, not "`" + string + "...": GCC 12's -Wrestrict misfires at -O3
    want += far;
    want += "` is out of range (Unix seconds; milliseconds from 1e11, microseconds from 1e14, nanoseconds from 1e17, "
            "up to 1e20)";
    CHECK(r.status().message() == want);
  }
  CHECK(*ParseTimestampField("9223372036854775807") == 9223372036855);  // INT64_MAX ns, rounded to ms
  CHECK(*ParseTimestampField("-9223372036854775808") == -9223372036855);
  CHECK(*ParseTimestampField("-1491041280") == -1491041280000);
  CHECK_FALSE(ParseTimestampField("").ok());
}

TEST_CASE("csv: long format with label columns, quoting and mixed series") {
  TempDir dir;
  const std::string f = dir.Write("m.csv",
                                  "# comment line\n"
                                  "timestamp,series,value,label,job,gpu\n"
                                  "1700000000,step_time_ms,100,0,train,0\n"
                                  "1700000000,step_time_ms,101,0,train,1\n"
                                  "2023-11-14T22:14:20Z,step_time_ms,300,1,train,0\n"
                                  "1700000020000,step_time_ms,102,0,train,1\n"
                                  "1700000040,\"step_time_ms\",99.5,0,\"train, eval\",0\n");
  Result<Dataset> ds = ReadDataset("csv:" + f);
  REQUIRE(ds.ok());
  REQUIRE(ds->series.size() == 3);
  const TimeSeries& g0 = ds->series[0];
  CHECK(g0.name == "step_time_ms");
  CHECK(g0.labels == Labels{{"job", "train"}, {"gpu", "0"}});
  CHECK(g0.timestamps_ms == std::vector<int64_t>{1700000000000, 1700000060000});
  CHECK(g0.values == std::vector<double>{100, 300});
  CHECK(g0.anomaly_labels == std::vector<uint8_t>{0, 1});
  CHECK(ds->windows[0] == std::vector<AnomalyWindow>{{1700000060000, 1700000060000}});
  CHECK(ds->series[1].timestamps_ms == std::vector<int64_t>{1700000000000, 1700000020000});
  CHECK(ds->series[2].labels.at("job") == "train, eval");
  CHECK(ds->stats.rows_accepted == 5);
}

TEST_CASE("csv, jsonl: a NaN / Inf value says that the rules read it as missing data") {
  // docs/rules.md reads a NaN or Inf as missing data (a NaN loss is what `stale_for` rules catch),
  // while the readers refuse the row: before, the message said only "value `NaN` is not finite".
  TempDir dir;
  const std::string f = dir.Write("nan.csv", "timestamp,series,value\n1700000000,loss,1\n1700000010,loss,NaN\n");
  Result<Dataset> ds = ReadDataset("csv:" + f);
  REQUIRE_FALSE(ds.ok());
  CHECK(ds.status().message() == f + ":3: value `NaN` is not finite (to the rules a NaN or Inf reading is missing "
                                     "data: skipping the row keeps it as a gap, which `stale_for` rules see) (column 3, `value`)");
  const std::string j = dir.Write("nan.jsonl", R"({"name":"loss","timestamp":1,"value":"-Inf"})" "\n");
  ds = ReadDataset("jsonl:" + j);
  REQUIRE_FALSE(ds.ok());
  CHECK(Contains(ds.status().message(), "value `-Inf` is not finite (to the rules a NaN or Inf reading is missing data"));
}

TEST_CASE("ReadOptions::bad_row_hint ends a bad row that stops the read, nothing else") {
  TempDir dir;
  const std::string f = dir.Write("nan.csv", "timestamp,series,value\n1700000000,loss,1\n1700000010,loss,NaN\n");
  ReadOptions ro;
  ro.bad_row_hint = " (use --skip)";
  Result<Dataset> ds = ReadDataset("csv:" + f, ro);
  REQUIRE_FALSE(ds.ok());
  CHECK(Contains(ds.status().message(), "is not finite"));
  CHECK(Contains(ds.status().message(), ") (use --skip)"));
  ro.bad_rows = BadRowPolicy::kSkip;
  ds = ReadDataset("csv:" + f, ro);
  REQUIRE(ds.ok());
  REQUIRE(ds->stats.examples.size() == 1);
  CHECK_FALSE(Contains(ds->stats.examples[0], "(use --skip)"));
  const std::string nohdr = dir.Write("nohdr2.csv", "time,value\n1,2\n");
  ds = ReadDataset("csv:" + nohdr, ro);
  REQUIRE_FALSE(ds.ok());
  CHECK_FALSE(Contains(ds.status().message(), "(use --skip)"));
}

TEST_CASE("csv: bad rows are errors naming file:line") {
  TempDir dir;
  struct Case {
    std::string row, expect;
  } cases[] = {
      {"1700000060,cpu,abc\n", "value `abc` is not a number"},
      {"1700000060,cpu,nan\n", "is not finite"},
      {"1700000060,cpu,inf\n", "is not finite"},
      {"1700000060,cpu,\n", "missing value"},
      {"1700000060,cpu\n", "expected 3 fields, got 2"},
      {"1700000000,cpu,2\n", "duplicates the previous one"},
      {"1699999000,cpu,2\n", "is before the previous one"},
      // OPS5: an unsorted file is told to be sorted (skipping its rows keeps few of them).
      {"1699999000,cpu,2\n", "of series cpu: the rows of a series must be in time order; sort the file by time"},
      {"soon,cpu,2\n", "timestamp: `soon` is not"},
      {"1700000060,,2\n", "missing series name"},
      // A series name or label that is not UTF-8 would reach every JSON output (training.json,
      // detect --json) and fail there as "internal error: invalid UTF-8 byte" after work was done.
      {"1700000060,cp\xffu,2\n", "not UTF-8 text: byte 0xFF at column 14"},
      {"1700000060,cpu\xc3,2\n", "not UTF-8 text: byte 0xC3 at column 15"},
  };
  for (const Case& c : cases) {
    const std::string f = dir.Write("bad.csv", "timestamp,series,value\n1700000000,cpu,1\n" + c.row);
    Result<Dataset> ds = ReadDataset("csv:" + f);
    REQUIRE_FALSE(ds.ok());
    CHECK(ds.status().code() == StatusCode::kInvalidArgument);
    INFO(ds.status().message());
    CHECK(Contains(ds.status().message(), f + ":3: "));
    CHECK(Contains(ds.status().message(), c.expect));
  }
  const std::string badkey = dir.Write("badkey.csv", "timestamp,series,value,j\xe9" "b\n1700000000,cpu,1,a\n");
  Result<Dataset> bk = ReadDataset("csv:" + badkey);
  REQUIRE_FALSE(bk.ok());
  CHECK(Contains(bk.status().message(), badkey + ":1: not UTF-8 text: byte 0xE9 at column 25"));
  // Valid multi-byte UTF-8 is accepted as it is.
  const std::string utf8 = dir.Write("utf8.csv", "timestamp,series,value,h\xc3\xb4te\n1700000000,d\xc3\xa9" "bit,1,n\xc5\x93ud\n");
  Result<Dataset> ok = ReadDataset("csv:" + utf8);
  REQUIRE(ok.ok());
  CHECK(ok->series[0].name == "d\xc3\xa9" "bit");
  CHECK(ok->series[0].labels.at("h\xc3\xb4te") == "n\xc5\x93ud");
  const std::string nohdr = dir.Write("nohdr.csv", "time,value\n1,2\n");
  Result<Dataset> ds = ReadDataset("csv:" + nohdr);
  REQUIRE_FALSE(ds.ok());
  CHECK(Contains(ds.status().message(), "header must name `timestamp`, `series` (or `metric`, `__name__`) and `value`"));
}

// OPS5 (2026-12-03): a CSV whose header is separated by `;` or tabs (Excel where the decimal mark
// is a comma, a spreadsheet's "tab-separated" export) and a CSV of one series, `timestamp,value`
// (NAB's layout, pandas' to_csv), were refused with "header must name `timestamp`, `series` ...".
TEST_CASE("csv: `;` and tab separated files, decimal commas, and one series as timestamp,value") {
  TempDir dir;
  const std::string semi = dir.Write("semi.csv",
                                     "timestamp;series;value;rank\r\n1700000000;compute_ms;300,5;0\r\n"
                                     "1700000015;compute_ms;301.25;0\r\n1700000000;compute_ms;\"1,5\";1\r\n");
  Result<Dataset> ds = ReadDataset("csv:" + semi);
  REQUIRE_MESSAGE(ds.ok(), ds.status().message());
  REQUIRE(ds->series.size() == 2);
  CHECK(ds->series[0].name == "compute_ms");
  CHECK(ds->series[0].labels.at("rank") == "0");
  CHECK(ds->series[0].values == std::vector<double>{300.5, 301.25});
  CHECK(ds->series[1].values == std::vector<double>{1.5});
  const std::string tab = dir.Write("tab.csv", "timestamp\tseries\tvalue\n1700000000\tgpu_temp\t61\n");
  ds = ReadDataset("csv:" + tab);
  REQUIRE_MESSAGE(ds.ok(), ds.status().message());
  CHECK(ds->series[0].name == "gpu_temp");
  CHECK(ds->series[0].values == std::vector<double>{61});
  // A comma file keeps its rules: `1,5` is two fields there.
  const std::string comma = dir.Write("comma.csv", "timestamp,series,value\n1700000000,x,1,5\n");
  ds = ReadDataset("csv:" + comma);
  REQUIRE_FALSE(ds.ok());
  CHECK(Contains(ds.status().message(), comma + ":2: expected 3 fields, got 4"));
  // A `;` file's value with a comma and a point is no number.
  const std::string both = dir.Write("both.csv", "timestamp;series;value\n1700000000;x;1.000,5\n");
  ds = ReadDataset("csv:" + both);
  REQUIRE_FALSE(ds.ok());
  CHECK(Contains(ds.status().message(), both + ":2: value `1.000,5` is not a number"));

  // One series: `timestamp,value[,label]`, named after the file; NAB's timestamps.
  const std::string nab = dir.Write("machine_temperature.csv",
                                    "timestamp,value\n2013-12-02 21:15:00,73.96\n2013-12-02 21:20:00,74.93\n");
  ds = ReadDataset("csv:" + nab);
  REQUIRE_MESSAGE(ds.ok(), ds.status().message());
  REQUIRE(ds->series.size() == 1);
  CHECK(ds->series[0].name == "machine_temperature");
  CHECK(ds->series[0].labels.empty());
  CHECK(ds->series[0].timestamps_ms == std::vector<int64_t>{1386018900000, 1386019200000});
  CHECK(ds->series[0].values == std::vector<double>{73.96, 74.93});
  const std::string labeled = dir.Write("kpi_a.csv", "value,label,timestamp\n5,0,1700000000\n9,1,1700000060\n");
  ds = ReadDataset("csv:" + labeled);
  REQUIRE_MESSAGE(ds.ok(), ds.status().message());
  CHECK(ds->series[0].name == "kpi_a");
  CHECK(ds->series[0].anomaly_labels == std::vector<uint8_t>{0, 1});
  // Any other column still needs the series column (a misspelt `seris` must not merge metrics).
  const std::string typo = dir.Write("typo.csv", "timestamp,seris,value\n1700000000,x,1\n");
  ds = ReadDataset("csv:" + typo);
  REQUIRE_FALSE(ds.ok());
  CHECK(Contains(ds.status().message(), "header must name `timestamp`, `series` (or `metric`, `__name__`) and `value` "
                                        "columns, got `timestamp,seris,value` (a file of one series may have "
                                        "`timestamp,value[,label]` alone: it is named after the file)"));
}

// 2026-12-06: pandas' `df.to_csv(path)` without `index=False` writes its index as an unnamed first
// column (`,timestamp,value` then `0,1700000000,5`): refused before with "column 1 has an empty name",
// so the most common pandas file needed editing. An unnamed FIRST column beside a `timestamp` column is
// pandas' index now, left out. Without a `timestamp` column it stays refused (a row count would read as
// 1970), the error naming pandas; an unnamed column anywhere else is refused as before.
TEST_CASE("csv: pandas' unnamed index column beside a timestamp column is left out") {
  TempDir dir;
  const std::string idx = dir.Write("loss.csv", ",timestamp,value\n0,1700000000,5\n1,1700000015,6\n");
  Result<Dataset> ds = ReadDataset("csv:" + idx);
  REQUIRE_MESSAGE(ds.ok(), ds.status().message());
  REQUIRE(ds->series.size() == 1);
  CHECK(ds->series[0].name == "loss");
  CHECK(ds->series[0].labels.empty());
  CHECK(ds->series[0].timestamps_ms == std::vector<int64_t>{1700000000000, 1700000015000});
  CHECK(ds->series[0].values == std::vector<double>{5, 6});
  const std::string longf = dir.Write("long.csv", ",timestamp,series,value,rank\n0,1700000000,compute_ms,300,0\n"
                                                  "1,1700000000,compute_ms,310,1\n");
  ds = ReadDataset("csv:" + longf);
  REQUIRE_MESSAGE(ds.ok(), ds.status().message());
  REQUIRE(ds->series.size() == 2);
  CHECK(ds->series[0].labels == Labels{{"rank", "0"}});
  // With no `timestamp` column the index may be a row count (0, 1, 2 would be 1970): refused, saying how.
  const std::string range = dir.Write("temp.csv", ",value\n0,61\n1,62\n");
  ds = ReadDataset("csv:" + range);
  REQUIRE_FALSE(ds.ok());
  CHECK(Contains(ds.status().message(), range + ":1: column 1 has an empty name (pandas writes its index so: with "
                                                "no `timestamp` column it is not known to be the times; name it "
                                                "`timestamp` (df.index.name = 'timestamp') or write with index=False)"));
  const std::string mid = dir.Write("mid.csv", "timestamp,,value\n1700000000,a,5\n");
  ds = ReadDataset("csv:" + mid);
  REQUIRE_FALSE(ds.ok());
  CHECK(Contains(ds.status().message(), mid + ":1: column 2 has an empty name"));
}

// 2026-12-06: the wide layout, a time column then one column a series. Grafana's panel export
// ("Inspect > Data > Download CSV": `"Time","DCGM_FI_DEV_GPU_UTIL{Hostname=""n1"", gpu=""0""}"`, gaps
// of a series joined by time left empty, `sep=,` first for Excel) and pandas' pivoted frames
// (`timestamp,loss,grad_norm`) were refused before ("header must name `timestamp`, `series` ...").
TEST_CASE("csv: Grafana's and pivoted pandas' wide files: one column a series") {
  TempDir dir;
  const std::string graf = dir.Write(
      "panel.csv",
      "sep=,\r\n\"Time\",\"DCGM_FI_DEV_GPU_UTIL{Hostname=\"\"n1\"\", gpu=\"\"0\"\"}\","
      "\"DCGM_FI_DEV_GPU_UTIL{Hostname=\"\"n1\"\", gpu=\"\"1\"\"}\"\r\n"
      "1765015200000,97,98\r\n1765015215000,96,\r\n1765015230000,12,99\r\n");
  Result<Dataset> ds = ReadDataset("csv:" + graf);
  REQUIRE_MESSAGE(ds.ok(), ds.status().message());
  REQUIRE(ds->series.size() == 2);
  CHECK(ds->series[0].name == "DCGM_FI_DEV_GPU_UTIL");
  CHECK(ds->series[0].labels == Labels{{"Hostname", "n1"}, {"gpu", "0"}});
  CHECK(ds->series[0].values == std::vector<double>{97, 96, 12});
  CHECK(ds->series[1].labels == Labels{{"Hostname", "n1"}, {"gpu", "1"}});
  // The empty cell is no point at that time, not a missing reading.
  CHECK(ds->series[1].timestamps_ms == std::vector<int64_t>{1765015200000, 1765015230000});
  CHECK(ds->series[1].values == std::vector<double>{98, 99});
  CHECK(ds->stats.rows_accepted == 3);

  // pandas: `df.pivot(index="timestamp", columns="metric", values="value").to_csv(path)`, and a legend
  // alias as the column name (not a selector: the whole name).
  const std::string piv = dir.Write("piv.csv", "timestamp,grad_norm,lm loss\n2026-12-06 10:00:00,1.5,2.25\n"
                                               "2026-12-06 10:00:15,1.25,2.0\n");
  ds = ReadDataset("csv:" + piv);
  REQUIRE_MESSAGE(ds.ok(), ds.status().message());
  REQUIRE(ds->series.size() == 2);
  CHECK(ds->series[0].name == "grad_norm");
  CHECK(ds->series[1].name == "lm loss");
  CHECK(ds->series[1].values == std::vector<double>{2.25, 2.0});

  // Grafana's "Formatted data" writes units: a bad row naming the column and what to do.
  const std::string unit = dir.Write("unit.csv", "Time,gpu_util\n2026-12-06 10:00:00,45.2 %\n");
  ds = ReadDataset("csv:" + unit);
  REQUIRE_FALSE(ds.ok());
  CHECK(Contains(ds.status().message(), unit + ":2: value `45.2 %` is not a number (column 2, `gpu_util`); a value "
                                               "with a unit: export without formatted data"));
  // A bad time names its column; skip-and-count keeps the other rows.
  const std::string badt = dir.Write("badt.csv", "Time,a\nyesterday,1\n1765015200,2\n");
  ds = ReadDataset("csv:" + badt);
  REQUIRE_FALSE(ds.ok());
  CHECK(Contains(ds.status().message(), badt + ":2: `yesterday` is not Unix seconds/ms or RFC 3339 (column 1, `Time`)"));
  ReadOptions skip;
  skip.bad_rows = BadRowPolicy::kSkip;
  ds = ReadDataset("csv:" + badt, skip);
  REQUIRE_MESSAGE(ds.ok(), ds.status().message());
  CHECK(ds->series[0].values == std::vector<double>{2});
  // The same series twice, an empty series name, and a header alone are refused, located.
  const std::string twice = dir.Write("twice.csv", "timestamp,a,a\n1765015200,1,2\n");
  ds = ReadDataset("csv:" + twice);
  REQUIRE_FALSE(ds.ok());
  CHECK(Contains(ds.status().message(), twice + ":1: columns `a` name the same series twice"));
  const std::string alone = dir.Write("alone.csv", "Time,a\n");
  ds = ReadDataset("csv:" + alone);
  REQUIRE_FALSE(ds.ok());
  CHECK(Contains(ds.status().message(), alone + ":1: a header and no data row after it"));
  const std::string only_sep = dir.Write("sep.csv", "sep=;\n");
  ds = ReadDataset("csv:" + only_sep);
  REQUIRE_FALSE(ds.ok());
  CHECK(Contains(ds.status().message(), only_sep + ":1: only a `sep=` line, expected a header after it"));
}

// 2026-12-06: Grafana's older "Series as rows" export, `Series;Time;Value` with the series cell a selector,
// was refused by its capitalised header names (RV3 left it). Read as the long layout, the selector as name
// and labels; a cell that is no selector is the whole name.
TEST_CASE("csv: Grafana's `Series;Time;Value` rows, the selector as name and labels") {
  TempDir dir;
  const std::string rows = dir.Write(
      "rows.csv",
      "\"Series\";\"Time\";\"Value\"\n"
      "\"DCGM_FI_DEV_GPU_TEMP{Hostname=\"\"n1\"\", gpu=\"\"3\"\"}\";2026-12-06T10:00:00Z;61\n"
      "\"DCGM_FI_DEV_GPU_TEMP{Hostname=\"\"n1\"\", gpu=\"\"3\"\"}\";2026-12-06T10:00:15Z;62,5\n"
      "\"node 1 temp\";2026-12-06T10:00:00Z;40\n");
  Result<Dataset> ds = ReadDataset("csv:" + rows);
  REQUIRE_MESSAGE(ds.ok(), ds.status().message());
  REQUIRE(ds->series.size() == 2);
  CHECK(ds->series[0].name == "DCGM_FI_DEV_GPU_TEMP");
  CHECK(ds->series[0].labels == Labels{{"Hostname", "n1"}, {"gpu", "3"}});
  CHECK(ds->series[0].values == std::vector<double>{61, 62.5});
  CHECK(ds->series[1].name == "node 1 temp");
  CHECK(ds->series[1].labels.empty());
}

// OPS5 (2026-12-03): `vigil detect --skip-bad-rows` over a loss.csv of one series with NaN rows:
// the rows were dropped, so no time was left in the gap and docs/rules.md's NaN-loss rule
// (`stale_for`) never fired. With non_finite_as_missing they are missing points at their time.
// DET2 (2026-12-04): also without kSkip (a NaN loss is a reading, not a bad row: the NaN-loss rule
// needed --skip-bad-rows), and in promjson: / promtext: too; `oops` stays an error that names
// file, line and column.
TEST_CASE("csv, jsonl, promjson, promtext: non_finite_as_missing reads a NaN / Inf value as a missing point") {
  TempDir dir;
  const std::string csv = dir.Write("loss.csv",
                                    "timestamp,series,value\n100,loss,2.5\n115,loss,NaN\n130,loss,+Inf\n130,loss,nan\n"
                                    "145,loss,oops\n160,loss,2.4\n");
  const std::string jsonl = dir.Write("loss.jsonl",
                                      "{\"name\":\"loss\",\"timestamp\":100,\"value\":2.5}\n"
                                      "{\"name\":\"loss\",\"timestamp\":115,\"value\":\"NaN\"}\n"
                                      "{\"name\":\"loss\",\"timestamp\":130,\"value\":\"-Inf\"}\n"
                                      "{\"name\":\"loss\",\"timestamp\":160,\"value\":2.4}\n");
  const std::string promjson = dir.Write(
      "loss.json",
      "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"__name__\":\"loss\"},"
      "\"values\":[[100,\"2.5\"],[115,\"NaN\"],[130,\"+Inf\"],[160,\"2.4\"]]}]}}");
  const std::string promtext = dir.Write("loss.prom", "loss 2.5 100000\nloss NaN 115000\nloss -Inf 130000\nloss 2.4 160000\n");
  ReadOptions ro;
  ro.bad_rows = BadRowPolicy::kSkip;
  ro.non_finite_as_missing = true;
  Result<Dataset> ds = ReadDataset("csv:" + csv, ro);
  REQUIRE_MESSAGE(ds.ok(), ds.status().message());
  REQUIRE(ds->series.size() == 1);
  const TimeSeries& s = ds->series[0];
  CHECK(s.timestamps_ms == std::vector<int64_t>{100000, 115000, 130000, 160000});
  REQUIRE(s.values.size() == 4);
  CHECK(std::isnan(s.values[1]));
  CHECK(std::isnan(s.values[2]));
  CHECK(s.values[3] == 2.4);
  CHECK(ds->stats.read_as_missing == 2);  // the second NaN at 130 duplicates a time: a bad row
  CHECK(ds->stats.rows_skipped == 2);     // it, and `oops`
  REQUIRE(ds->stats.missing_examples.size() == 2);
  CHECK(ds->stats.missing_examples[0] == csv + ":3: value `NaN` is not finite: read as a missing point");
  CHECK(ds->stats.missing_examples[1] == csv + ":4: value `+Inf` is not finite: read as a missing point");
  // jsonl:, promjson: and promtext: the same, under either policy: NaN / Inf are not bad rows.
  for (BadRowPolicy policy : {BadRowPolicy::kSkip, BadRowPolicy::kError}) {
    ro.bad_rows = policy;
    for (const std::string& spec : {"jsonl:" + jsonl, "promjson:" + promjson, "promtext:" + promtext}) {
      CAPTURE(spec);
      ds = ReadDataset(spec, ro);
      REQUIRE_MESSAGE(ds.ok(), ds.status().message());
      REQUIRE(ds->series.size() == 1);
      CHECK(ds->series[0].timestamps_ms == std::vector<int64_t>{100000, 115000, 130000, 160000});
      REQUIRE(ds->series[0].values.size() == 4);
      CHECK(std::isnan(ds->series[0].values[1]));
      CHECK(std::isnan(ds->series[0].values[2]));
      CHECK(ds->stats.read_as_missing == 2);
      CHECK(ds->stats.rows_skipped == 0);
    }
  }
  CHECK(ds->stats.missing_examples.at(0) == promtext + ":2: value `NaN` is not finite: read as a missing point");
  // kError: the NaN and +Inf rows are read; the first bad row is the duplicate time at line 5.
  ds = ReadDataset("csv:" + csv, ro);
  REQUIRE_FALSE(ds.ok());
  CHECK(Contains(ds.status().message(), csv + ":5: "));
  // Garbage names file, line and column.
  const std::string oops = dir.Write("oops.csv", "timestamp,series,value\n100,loss,2.5\n115,loss,NaN\n145,loss,oops\n");
  ds = ReadDataset("csv:" + oops, ro);
  REQUIRE_FALSE(ds.ok());
  CHECK(ds.status().message() == oops + ":4: value `oops` is not a number (column 3, `value`)");
  const std::string bad_t = dir.Write("bad_t.csv", "series,timestamp,value\nloss,soon,2.5\n");
  ds = ReadDataset("csv:" + bad_t, ro);
  REQUIRE_FALSE(ds.ok());
  CHECK(Contains(ds.status().message(), bad_t + ":2: timestamp: "));
  CHECK(Contains(ds.status().message(), "(column 2, `timestamp`)"));
  // Without the option NaN / Inf rows are bad rows as before: skipped under kSkip.
  ro.bad_rows = BadRowPolicy::kSkip;
  ro.non_finite_as_missing = false;
  ds = ReadDataset("csv:" + csv, ro);
  REQUIRE(ds.ok());
  CHECK(ds->series[0].timestamps_ms == std::vector<int64_t>{100000, 160000});
  CHECK(ds->stats.read_as_missing == 0);
  CHECK(ds->stats.rows_skipped == 4);
  ro.bad_rows = BadRowPolicy::kError;
  ds = ReadDataset("promtext:" + promtext, ro);
  REQUIRE_FALSE(ds.ok());
  CHECK(Contains(ds.status().message(), promtext + ":2: value `NaN` is not finite"));
}

// `metric` and `__name__` (common export names) name the series column as `series` does; they
// were refused with "header must name ..." (OPS3, 2026-12-03). Without a `series` column, both of
// them are refused; beside one, they are labels.
TEST_CASE("csv: a `metric` or `__name__` header is the series column; two of them are refused") {
  TempDir dir;
  for (const char* name : {"metric", "__name__"}) {
    CAPTURE(name);
    const std::string f = dir.Write("alias.csv", std::string("timestamp,") + name + ",value,gpu\n1700000000,temp,81,3\n");
    Result<Dataset> ds = ReadDataset("csv:" + f);
    REQUIRE_MESSAGE(ds.ok(), ds.status().ToString());
    REQUIRE(ds->series.size() == 1);
    CHECK(ds->series[0].name == "temp");
    CHECK(ds->series[0].labels.at("gpu") == "3");
    CHECK(ds->series[0].labels.count(name) == 0);
  }
  // Beside a `series` column, `metric` is a label column, as it was before the aliases (a file that
  // read before reads the same).
  const std::string with_series = dir.Write("ws.csv", "timestamp,series,value,metric\n1700000000,temp,81,x\n");
  Result<Dataset> ws = ReadDataset("csv:" + with_series);
  REQUIRE_MESSAGE(ws.ok(), ws.status().ToString());
  REQUIRE(ws->series.size() == 1);
  CHECK(ws->series[0].name == "temp");
  CHECK(ws->series[0].labels.at("metric") == "x");
  const std::string two = dir.Write("two.csv", "timestamp,metric,value,__name__\n1700000000,temp,81,x\n");
  Result<Dataset> ds = ReadDataset("csv:" + two);
  REQUIRE_FALSE(ds.ok());
  CHECK(ds.status().message() == two + ":1: columns `metric` and `__name__` both name the series (with no `series` "
                                        "column, `metric` and `__name__` are one column); keep one, or add a `series` "
                                        "column to make them labels");
  const std::string same = dir.Write("same.csv", "timestamp,series,value,series\n1700000000,temp,81,x\n");
  CHECK(Contains(ReadDataset("csv:" + same).status().message(), "column `series` appears twice"));
}

TEST_CASE("csv: skip-and-count keeps every accepted point") {
  TempDir dir;
  const std::string f = dir.Write("skip.csv",
                                  "timestamp,series,value\n"
                                  "1700000000,cpu,1\n"
                                  "1700000060,cpu,NaN\n"
                                  "1700000060,cpu,2\n"
                                  "1700000060,cpu,3\n"  // duplicate: skipped, the earlier 2 stays
                                  "1700000120,cpu,4\n");
  ReadOptions opts;
  opts.bad_rows = BadRowPolicy::kSkip;
  Result<Dataset> ds = ReadDataset("csv:" + f, opts);
  REQUIRE(ds.ok());
  CHECK(ds->series[0].values == std::vector<double>{1, 2, 4});
  CHECK(ds->stats.rows_skipped == 2);
  CHECK(ds->stats.rows_accepted == 3);
  REQUIRE(ds->stats.examples.size() == 2);
  CHECK(Contains(ds->stats.examples[0], f + ":3: "));
  CHECK(Contains(ds->stats.examples[1], f + ":5: "));
}

TEST_CASE("kpi: a folder of timestamp,value,label files; windows from labels") {
  TempDir dir;
  dir.Write("kpi/b.csv", "timestamp,value,label\n60,1.0,0\n120,9.0,1\n180,9.5,1\n240,1.0,0\n300,8,1\n");
  dir.Write("kpi/a.csv", "timestamp,value,label\n60,1.0,0\n");
  Result<Dataset> ds = ReadDataset("kpi:" + dir.path() + "/kpi");
  REQUIRE(ds.ok());
  REQUIRE(ds->series.size() == 2);
  CHECK(ds->series[0].name == "a");
  const TimeSeries& b = ds->series[1];
  CHECK(b.name == "b");
  CHECK(b.anomaly_labels == std::vector<uint8_t>{0, 1, 1, 0, 1});
  CHECK(ds->windows[1] == std::vector<AnomalyWindow>{{120000, 180000}, {300000, 300000}});
  // A single file, a filter, a point limit.
  ReadOptions opts;
  opts.max_points = 2;
  Result<Dataset> one = ReadDataset("kpi:" + dir.path() + "/kpi/b.csv", opts);
  REQUIRE(one.ok());
  CHECK(one->series[0].size() == 2);
  // Bad label.
  dir.Write("kpi/c.csv", "timestamp,value,label\n60,1.0,2\n");
  Result<Dataset> bad = ReadDataset("kpi:" + dir.path() + "/kpi");
  REQUIRE_FALSE(bad.ok());
  CHECK(Contains(bad.status().message(), "c.csv:2: label `2` is not 0 or 1"));
  CHECK(ReadDataset("kpi:" + dir.path() + "/missing").status().code() == StatusCode::kNotFound);
}

// The KPI download keeps its files in train/ (and test/): a kpi: folder without *.csv whose
// subfolders have some names them (before 2026-12-03, SM: only "no .csv files in this folder").
TEST_CASE("kpi: a folder without .csv names its subfolders that have some") {
  TempDir dir;
  dir.Write("kpi/train/a.csv", "timestamp,value,label\n60,1.0,0\n");
  dir.Write("kpi/train/b.csv", "timestamp,value,label\n60,1.0,0\n");
  dir.Write("kpi/test/a.csv", "timestamp,value,label\n60,1.0,0\n");
  dir.Write("kpi/notes/readme.txt", "no csv here\n");
  Result<Dataset> ds = ReadDataset("kpi:" + dir.path() + "/kpi");
  REQUIRE_FALSE(ds.ok());
  INFO(ds.status().message());
  CHECK(ds.status().code() == StatusCode::kNotFound);
  CHECK(Contains(ds.status().message(), dir.path() + "/kpi: no .csv files in this folder; its subfolders test/ (1 .csv) and "
                                                     "train/ (2 .csv) have some: pass one of them, e.g. kpi:" +
                                                     dir.path() + "/kpi/test"));
  CHECK_FALSE(Contains(ds.status().message(), "notes"));
  // One subfolder.
  dir.Write("one/train/a.csv", "timestamp,value,label\n60,1.0,0\n");
  Result<Dataset> one = ReadDataset("kpi:" + dir.path() + "/one");
  REQUIRE_FALSE(one.ok());
  CHECK(Contains(one.status().message(), "; its subfolder train/ (1 .csv) has some: pass it, e.g. kpi:" + dir.path() +
                                             "/one/train"));
  // No subfolder with .csv: the plain message.
  dir.Write("none/x/readme.txt", "-\n");
  Result<Dataset> none = ReadDataset("kpi:" + dir.path() + "/none");
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().message() == dir.path() + "/none: no .csv files in this folder");
}

TEST_CASE("kpi, smd: a file name that is not UTF-8 is an error naming it, the byte escaped") {
  // The series name comes from the file name and reaches every JSON output: before, train-rules
  // wrote `cp_u.rules`, then died on training.json ("internal error: ... invalid UTF-8 byte").
  TempDir dir;
  dir.Write("kpi/cp\xffu.csv", "timestamp,value,label\n60,1.0,0\n");
  Result<Dataset> kpi = ReadDataset("kpi:" + dir.path() + "/kpi");
  REQUIRE_FALSE(kpi.ok());
  INFO(kpi.status().message());
  CHECK(kpi.status().code() == StatusCode::kInvalidArgument);
  CHECK(Contains(kpi.status().message(), dir.path() + "/kpi/cp\\xFFu.csv: the file name is not UTF-8 text"));
  CHECK(IsValidUtf8(kpi.status().message()));
  dir.Write("smd/train/machine-\xe9.txt", "1,2\n");
  Result<Dataset> smd = ReadDataset("smd:" + dir.path() + "/smd:train");
  REQUIRE_FALSE(smd.ok());
  INFO(smd.status().message());
  CHECK(Contains(smd.status().message(), "machine-\\xE9.txt: the file name is not UTF-8 text"));
  CHECK(IsValidUtf8(smd.status().message()));
}

TEST_CASE("smd: machines x dimensions, test labels, test after train in time") {
  TempDir dir;
  dir.Write("smd/train/machine-9-9.txt", "0.1,0.2,0.3\n0.1,0.2,0.3\n");
  dir.Write("smd/test/machine-9-9.txt", "0.1,0.2,0.3\n0.9,0.8,0.7\n0.1,0.2,0.3\n");
  dir.Write("smd/test_label/machine-9-9.txt", "0\n1\n0\n");
  Result<Dataset> test = ReadDataset("smd:" + dir.path() + "/smd");  // default split: test
  REQUIRE(test.ok());
  REQUIRE(test->series.size() == 3);
  CHECK(test->series[1].name == "machine-9-9/dim1");
  CHECK(test->series[1].labels == Labels{{"machine", "machine-9-9"}, {"dim", "1"}});
  CHECK(test->series[1].values == std::vector<double>{0.2, 0.8, 0.2});
  CHECK(test->series[2].anomaly_labels == std::vector<uint8_t>{0, 1, 0});
  CHECK(test->series[0].timestamps_ms.front() == 2 * 60'000);  // after the 2 train rows
  CHECK(test->groups.at("machine-9-9") == std::vector<size_t>{0, 1, 2});
  Result<Dataset> train = ReadDataset("smd:" + dir.path() + "/smd:train");
  REQUIRE(train.ok());
  CHECK_FALSE(train->series[0].has_anomaly_labels());
  CHECK(train->series[0].timestamps_ms == std::vector<int64_t>{0, 60'000});
  ReadOptions one;
  one.name_filter = "machine-9-9/dim2";
  Result<Dataset> dim = ReadDataset("smd:" + dir.path() + "/smd", one);
  REQUIRE(dim.ok());
  REQUIRE(dim->series.size() == 1);
  CHECK(dim->series[0].name == "machine-9-9/dim2");

  dir.Write("smd/test_label/machine-9-9.txt", "0\n1\n");
  Result<Dataset> short_labels = ReadDataset("smd:" + dir.path() + "/smd:test");
  REQUIRE_FALSE(short_labels.ok());
  CHECK(Contains(short_labels.status().message(), "machine-9-9.txt:3: no label for this row"));
  dir.Write("smd/test_label/machine-9-9.txt", "0\n1\n0\n");
  dir.Write("smd/test/machine-9-9.txt", "0.1,0.2,0.3\n0.9,x,0.7\n0.1,0.2,0.3\n");
  Result<Dataset> bad = ReadDataset("smd:" + dir.path() + "/smd:test");
  REQUIRE_FALSE(bad.ok());
  CHECK(Contains(bad.status().message(), "machine-9-9.txt:2: column 2: value `x` is not a number"));
  CHECK_FALSE(ReadDataset("smd:" + dir.path() + "/smd:valid").ok());

  // A machine file with no rows (a copy cut at 0 bytes) is an error naming it; before, that
  // machine was silently left out and training went on with the others.
  dir.Write("smd/train/machine-9-8.txt", "\n");
  Result<Dataset> empty = ReadDataset("smd:" + dir.path() + "/smd:train");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.status().code() == StatusCode::kInvalidArgument);
  CHECK(Contains(empty.status().message(), "machine-9-8.txt: no data rows"));
}

TEST_CASE("nab: windows from combined_windows.json become labels") {
  TempDir dir;
  dir.Write(
      "nab/labels/combined_windows.json",
      R"({"g/s.csv": [["2014-01-01 00:02:00.000000", "2014-01-01 00:03:00.000000"]], "g/empty.csv": []})");
  dir.Write("nab/data/g/s.csv",
            "timestamp,value\n2014-01-01 00:00:00,1\n2014-01-01 00:01:00,1\n2014-01-01 00:02:00,5\n"
            "2014-01-01 00:03:00,6\n2014-01-01 00:04:00,1\n");
  dir.Write("nab/data/g/empty.csv", "timestamp,value\n2014-01-01 00:00:00,1\n");
  Result<Dataset> ds = ReadDataset("nab:" + dir.path() + "/nab");
  REQUIRE(ds.ok());
  REQUIRE(ds->series.size() == 2);
  const int s = ds->Find("g/s");
  REQUIRE(s >= 0);
  CHECK(ds->series[s].anomaly_labels == std::vector<uint8_t>{0, 0, 1, 1, 0});
  CHECK(ds->windows[s].size() == 1);
  CHECK(ds->series[s].labels.at("group") == "g");
  CHECK(ds->groups.at("g").size() == 2);
  dir.Write("nab/labels/combined_windows.json", R"({"g/s.csv": [["2014-01-01", "noon"]]})");
  CHECK_FALSE(ReadDataset("nab:" + dir.path() + "/nab").ok());
}

// `spec` names a file where a dataset's root folder goes: InvalidArgument saying it is a file and
// pointing at --filter, without `old_words` of the error it gave before (a path joined onto the file).
void CheckFileAsRoot(const std::string& spec, const std::string& old_words) {
  CAPTURE(spec);
  Result<Dataset> ds = ReadDataset(spec);
  REQUIRE_FALSE(ds.ok());
  CHECK(ds.status().code() == StatusCode::kInvalidArgument);
  CHECK(Contains(ds.status().message(), "is a file"));
  CHECK(Contains(ds.status().message(), "--filter"));
  CHECK_FALSE(Contains(ds.status().message(), old_words));
}

// Before 2026-11-30 (U), a data file that combined_windows.json does not list was left out
// without a word (train-rules trained 1 target of 2, eval detect scored 1 file, exit 0), and a
// file given as the NAB root read "cannot open FILE/labels/combined_windows.json: Not a directory".
TEST_CASE("nab: a data file without a combined_windows.json entry, or a file as the root, is an error naming it") {
  TempDir dir;
  dir.Write("nab/labels/combined_windows.json", R"({"g/a.csv": []})");
  const std::string a = dir.Write("nab/data/g/a.csv", "timestamp,value\n2014-01-01 00:00:00,1\n");
  dir.Write("nab/data/g/b.csv", "timestamp,value\n2014-01-01 00:00:00,1\n");
  dir.Write("nab/data/README.md", "not data\n");
  Result<Dataset> ds = ReadDataset("nab:" + dir.path() + "/nab");
  REQUIRE_FALSE(ds.ok());
  CHECK(ds.status().code() == StatusCode::kInvalidArgument);
  CHECK(Contains(ds.status().message(), "data/g/b.csv"));
  CHECK(Contains(ds.status().message(), "labels/combined_windows.json"));
  // The filter picks the files checked: g/a alone reads; g/b is still named.
  ReadOptions only_a;
  only_a.name_filter = "g/a";
  CHECK(ReadDataset("nab:" + dir.path() + "/nab", only_a).ok());
  ReadOptions only_b;
  only_b.name_filter = "g/b";
  CHECK(Contains(ReadDataset("nab:" + dir.path() + "/nab", only_b).status().message(), "data/g/b.csv"));
  // Listed (with no windows), it reads.
  dir.Write("nab/labels/combined_windows.json", R"({"g/a.csv": [], "g/b.csv": []})");
  CHECK(ReadDataset("nab:" + dir.path() + "/nab").ok());
  CheckFileAsRoot("nab:" + a, "Not a directory");
}

// Before 2026-11-30 (U): "smd/train/machine-1-6.txt/train: no such folder (expected an SMD root)".
TEST_CASE("smd: a file as the root says it is a file and how to read one machine") {
  TempDir dir;
  CheckFileAsRoot("smd:" + dir.Write("smd/train/m-1.txt", "1,2\n"), "m-1.txt/");
}

// The converse: csv: and jsonl: take one file. Before 2026-11-30 (review RV-U) a folder was read
// as an empty file: csv: "DIR:1: empty file, expected a header", jsonl: "dataset `jsonl:DIR` has
// no series" (NotFound, exit 1), neither saying the path is a folder.
TEST_CASE("csv, jsonl: a folder where the file goes says it is a folder") {
  TempDir dir;
  dir.Write("long/a.csv", "timestamp,series,value\n1700000000,a,1\n");
  for (const std::string format : {"csv", "jsonl"}) {
    Result<Dataset> ds = ReadDataset(format + ":" + dir.path() + "/long");
    CAPTURE(format);
    REQUIRE_FALSE(ds.ok());
    CHECK(ds.status().code() == StatusCode::kInvalidArgument);
    CHECK(Contains(ds.status().message(), dir.path() + "/long is a folder"));
    CHECK_FALSE(Contains(ds.status().message(), "empty file"));
    CHECK_FALSE(Contains(ds.status().message(), "no series"));
  }
}

// Excel's "CSV UTF-8" and many Windows tools start the file with a byte order mark. Before
// 2026-11-30 (U) the header's first name was then "\xEF\xBB\xBFtimestamp", and the error read
// "header must name `timestamp` and `value` columns, got `timestamp,value,label`": the BOM is
// invisible, so the header quoted looked right.
TEST_CASE("csv, kpi, nab, smd: a UTF-8 byte order mark at the start of a file is skipped") {
  TempDir dir;
  const std::string bom = "\xEF\xBB\xBF";
  const std::string csv = dir.Write("bom/long.csv", bom + "timestamp,series,value,label\n1700000000,a,1,0\n1700000060,a,2,1\n");
  Result<Dataset> c = ReadDataset("csv:" + csv);
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  CHECK(c->series.size() == 1);
  CHECK(c->series[0].anomaly_labels == std::vector<uint8_t>{0, 1});
  dir.Write("bom/kpi/k.csv", bom + "timestamp,value,label\n1700000000,1,0\n1700000060,2,1\n");
  Result<Dataset> k = ReadDataset("kpi:" + dir.path() + "/bom/kpi");
  REQUIRE_MESSAGE(k.ok(), k.status().message());
  CHECK(k->series[0].values == std::vector<double>{1, 2});
  dir.Write("bom/nab/labels/combined_windows.json", R"({"g/s.csv": []})");
  dir.Write("bom/nab/data/g/s.csv", bom + "timestamp,value\n2014-01-01 00:00:00,1\n");
  Result<Dataset> n = ReadDataset("nab:" + dir.path() + "/bom/nab");
  REQUIRE_MESSAGE(n.ok(), n.status().message());
  CHECK(n->series[0].values == std::vector<double>{1});
  dir.Write("bom/smd/train/m.txt", bom + "1,2\n3,4\n");
  Result<Dataset> m = ReadDataset("smd:" + dir.path() + "/bom/smd:train");
  REQUIRE_MESSAGE(m.ok(), m.status().message());
  REQUIRE(m->series.size() == 2);
  CHECK(m->series[0].values == std::vector<double>{1, 3});
  // jsonl: the JSON parser skips it (detectors/README says so).
  const std::string jl = dir.Write("bom/p.jsonl", bom + R"({"name":"a","timestamp":1700000000,"value":1})" + "\n");
  CHECK(ReadDataset("jsonl:" + jl).ok());
  // Only at the start: inside a line it is still a bad value.
  dir.Write("bom/kpi2/k.csv", "timestamp,value\n1700000000," + bom + "1\n");
  CHECK_FALSE(ReadDataset("kpi:" + dir.path() + "/bom/kpi2").ok());
}

TEST_CASE("nab: the shared corpus, one file") {
  ReadOptions opts;
  opts.name_filter = "realKnownCause/nyc_taxi";
  Result<Dataset> ds = ReadDataset("nab:../shared/datasets/nab", opts);
  REQUIRE(ds.ok());
  REQUIRE(ds->series.size() == 1);
  CHECK(ds->series[0].size() == 10320);
  CHECK(ds->windows[0].size() == 5);
  size_t anomalous = 0;
  for (uint8_t l : ds->series[0].anomaly_labels) anomalous += l;
  CHECK(anomalous == 1035);  // checked with pandas against combined_windows.json
}

TEST_CASE("jsonl: point objects and Prometheus matrix rows") {
  TempDir dir;
  const std::string f = dir.Write(
      "p.jsonl",
      R"({"name":"gpu_util","labels":{"gpu":"0"},"timestamp":1700000000,"value":97.5,"anomaly":0})"
      "\n"
      R"({"name":"gpu_util","labels":{"gpu":"0"},"timestamp":"2023-11-14T22:14:20Z","value":3,"anomaly":1})"
      "\n\n"
      R"({"metric":{"__name__":"nccl_bw","node":"a"},"values":[[1700000000.5,"12.5"],[1700000001.5,"13"]]})"
      "\n");
  Result<Dataset> ds = ReadDataset("jsonl:" + f);
  REQUIRE(ds.ok());
  REQUIRE(ds->series.size() == 2);
  CHECK(ds->series[0].anomaly_labels == std::vector<uint8_t>{0, 1});
  CHECK(ds->series[1].name == "nccl_bw");
  CHECK(ds->series[1].labels == Labels{{"node", "a"}});
  CHECK(ds->series[1].timestamps_ms == std::vector<int64_t>{1700000000500, 1700000001500});
  CHECK(ds->series[1].values == std::vector<double>{12.5, 13});
  CHECK_FALSE(ds->series[1].has_anomaly_labels());

  struct Case {
    std::string line, expect;
  } cases[] = {
      // Syntax errors say where on the line (before: only "not a JSON object", for a bare NaN, a
      // cut-off line or a byte that is not UTF-8 alike).
      {"{not json", "not valid JSON at column 3: syntax error"},
      {R"({"name":"x","timestamp":1,"value":NaN})", "not valid JSON at column 35: syntax error"},
      {"{\"name\":\"x\xff\",\"timestamp\":1,\"value\":1}", "not valid JSON at column 11: syntax error"},
      {R"({"name":"x","timestamp":1,"val)", "not valid JSON at column 31: syntax error"},
      {"[1, 2]", "not a JSON object"},
      {R"({"timestamp":1,"value":1})", "missing string field `name`"},
      {R"({"name":"x","value":1})", "missing field `timestamp`"},
      {R"({"name":"x","timestamp":1,"value":null})", "missing value (null)"},
      {R"({"name":"x","timestamp":1,"value":"NaN"})", "is not finite"},
      {R"({"metric":{"__name__":"m"},"values":[[1,"1"],[1,"2"]]})", "values[1]: "},
      // Deeper than ParseJson's limit (core/json.h): refused before nlohmann builds it, as every
      // other JSON input (copying such a value recursed once per level: a stack overflow).
      {R"({"name":"x","timestamp":1,"value":1,"labels":)" + std::string(100'000, '[') + std::string(100'000, ']') + "}",
       "arrays and objects nested deeper than 512 levels at column 557"},
  };
  for (const Case& c : cases) {
    const std::string bad = dir.Write("bad.jsonl", R"({"name":"ok","timestamp":1,"value":1})"
                                                   "\n" +
                                                       c.line + "\n");
    Result<Dataset> r = ReadDataset("jsonl:" + bad);
    REQUIRE_FALSE(r.ok());
    INFO(r.status().message());
    CHECK(Contains(r.status().message(), bad + ":2: "));
    CHECK(Contains(r.status().message(), c.expect));
  }
  // The message quotes at most the 40 bytes before the column, bytes that are not UTF-8 as \xHH:
  // the parser's own "last read" quoted a whole 1 MB string token (a 1 MB error line) and passed
  // a 0xFF byte through raw (a message no JSON output can hold).
  struct Quoted {
    std::string line, expect;
  } quoted[] = {
      {R"({"name":"x","timestamp":1,"value":NaN})", R"(near `{"name":"x","timestamp":1,"value":N`)"},
      {"{\"name\":\"x\xff\",\"timestamp\":1,\"value\":1}", R"(near `{"name":"x\xFF`)"},
      {"{\"name\":\"" + std::string(1'000'000, 'y'), "near `" + std::string(40, 'y') + "`"},  // cut string
  };
  for (const Quoted& q : quoted) {
    const std::string bad = dir.Write("bad.jsonl", q.line + "\n");
    Result<Dataset> r = ReadDataset("jsonl:" + bad);
    REQUIRE_FALSE(r.ok());
    INFO(r.status().message().substr(0, 300));
    CHECK(Contains(r.status().message(), q.expect));
    CHECK(r.status().message().size() < 300 + bad.size());
    CHECK(IsValidUtf8(r.status().message()));
  }
}

// The six readers (csv, jsonl, nab, kpi, smd here; prom: in server/data_source.cc) apply
// --filter, --max-series and --max-points through ReadOptions' one set of checks. Before, they
// disagreed: smd matched a filter against machine names only (`dim1` found nothing), counted a
// skipped bad row against --max-points; csv / jsonl read (and failed on) rows that the filter or
// the point cap leaves out and counted capped rows as accepted; kpi read the header of a file the
// filter leaves out; the "no series" messages of files and prom: differed.
TEST_CASE("readers: --filter, --max-series, --max-points and 'no series left' alike in every format") {
  TempDir dir;
  // smd: a filter naming dimensions (any part of `<machine>/dim<N>`), as for every other name.
  dir.Write("smd/train/machine-9-9.txt", "0.1,0.2,0.3\nx,1,1\n0.4,0.5,0.6\n0.7,0.8,0.9\n");
  ReadOptions dim1;
  dim1.bad_rows = BadRowPolicy::kSkip;
  dim1.name_filter = "dim1";
  Result<Dataset> smd = ReadDataset("smd:" + dir.path() + "/smd:train", dim1);
  REQUIRE_MESSAGE(smd.ok(), smd.status().message());
  REQUIRE(smd->series.size() == 1);
  CHECK(smd->series[0].name == "machine-9-9/dim1");
  dim1.name_filter = "9/dim2";
  smd = ReadDataset("smd:" + dir.path() + "/smd:train", dim1);
  REQUIRE_MESSAGE(smd.ok(), smd.status().message());
  REQUIRE(smd->series.size() == 1);
  CHECK(smd->series[0].name == "machine-9-9/dim2");
  // smd: --max-points counts the points kept, not the rows read (a skipped bad row is not a point).
  ReadOptions two;
  two.max_points = 2;
  two.bad_rows = BadRowPolicy::kSkip;
  smd = ReadDataset("smd:" + dir.path() + "/smd:train", two);
  REQUIRE_MESSAGE(smd.ok(), smd.status().message());
  CHECK(smd->series[0].values == std::vector<double>{0.1, 0.4});
  CHECK(smd->stats.rows_accepted == 2);
  CHECK(smd->stats.rows_skipped == 1);

  // csv: rows past --max-points and rows of series the filter leaves out are not read: no error,
  // not counted (as nab / kpi / smd stop reading a file at the cap).
  const std::string csv = dir.Write("cap.csv",
                                    "timestamp,series,value\n"
                                    "1,a,1\n2,a,2\n3,a,oops\n1,b,bad\n4,a,4\n");
  ReadOptions cap;
  cap.max_points = 2;
  cap.name_filter = "a";
  Result<Dataset> c = ReadDataset("csv:" + csv, cap);
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  REQUIRE(c->series.size() == 1);
  CHECK(c->series[0].values == std::vector<double>{1, 2});
  CHECK(c->stats.rows_accepted == 2);
  CHECK(c->stats.rows_skipped == 0);
  // jsonl: the same for points and for a matrix row's values.
  const std::string jl = dir.Write(
      "cap.jsonl",
      R"({"name":"a","timestamp":1,"value":1})"
      "\n"
      R"({"name":"b","timestamp":"never","value":1})"
      "\n"
      R"({"metric":{"__name__":"m"},"values":[[1,"1"],[2,"2"],[3,"NaN"],[4,"4"]]})"
      "\n");
  ReadOptions jcap;
  jcap.max_points = 2;
  jcap.name_filter = "m";  // matches `m`, not `a` or `b`
  Result<Dataset> j = ReadDataset("jsonl:" + jl, jcap);
  REQUIRE_MESSAGE(j.ok(), j.status().message());
  REQUIRE(j->series.size() == 1);
  CHECK(j->series[0].values == std::vector<double>{1, 2});
  CHECK(j->stats.rows_accepted == 2);
  // kpi: a file the filter leaves out is not opened (its bad header is not this read's error).
  dir.Write("kpi/keep.csv", "timestamp,value,label\n60,1,0\n120,2,0\n180,3,0\n");
  dir.Write("kpi/other.csv", "time,val\n60,1\n");
  ReadOptions keep;
  keep.name_filter = "keep";
  keep.max_points = 2;
  Result<Dataset> k = ReadDataset("kpi:" + dir.path() + "/kpi", keep);
  REQUIRE_MESSAGE(k.ok(), k.status().message());
  CHECK(k->series[0].values == std::vector<double>{1, 2});
  CHECK(k->stats.files == 1);
  // --max-series: the first N series in the reader's order, in every format.
  ReadOptions one;
  one.max_series = 1;
  Result<Dataset> k1 = ReadDataset("kpi:" + dir.path() + "/kpi/keep.csv", one);
  REQUIRE(k1.ok());
  CHECK(k1->series.size() == 1);
  Result<Dataset> s1 = ReadDataset("smd:" + dir.path() + "/smd:train", [] {
    ReadOptions o;
    o.max_series = 2;
    o.bad_rows = BadRowPolicy::kSkip;
    return o;
  }());
  REQUIRE(s1.ok());
  CHECK(s1->series.size() == 2);
  // Nothing left: one message, naming the filter and the rows skipped.
  ReadOptions none;
  none.name_filter = "zzz";
  Result<Dataset> nothing = ReadDataset("csv:" + csv, none);
  CHECK(nothing.status().code() == StatusCode::kNotFound);
  CHECK(Contains(nothing.status().message(), "csv:" + csv + "` left no series whose name contains `zzz`"));
  const std::string all_bad = dir.Write("bad.csv", "timestamp,series,value\n1,a,x\n2,a,y\n");
  ReadOptions skip;
  skip.bad_rows = BadRowPolicy::kSkip;
  nothing = ReadDataset("csv:" + all_bad, skip);
  CHECK(nothing.status().code() == StatusCode::kNotFound);
  CHECK(Contains(nothing.status().message(), "left no series (2 bad rows skipped)"));
}

// smd's --filter is a substring of `<machine>/dim<N>`: a machine's name also selects the machines
// it begins (machine-9-1 and machine-9-10); `machine-9-1/` names one machine, `1/dim1` one dimension
// of each machine whose name ends in 1 (evals/README.md, detectors/README.md).
TEST_CASE("smd --filter: a substring of <machine>/dim<N>, `<machine>/` names one machine") {
  TempDir dir;
  dir.Write("smd/train/machine-9-1.txt", "1,2\n3,4\n");
  dir.Write("smd/train/machine-9-10.txt", "5,6\n7,8\n");
  auto names = [&](const std::string& filter) {
    ReadOptions o;
    o.name_filter = filter;
    Result<Dataset> ds = ReadDataset("smd:" + dir.path() + "/smd:train", o);
    std::vector<std::string> out;
    if (!ds.ok()) out.push_back(ds.status().message());
    for (const TimeSeries& ts : ds.ok() ? ds->series : std::vector<TimeSeries>{}) out.push_back(ts.name);
    return out;
  };
  using V = std::vector<std::string>;
  CHECK(names("machine-9-1") == V{"machine-9-1/dim0", "machine-9-1/dim1", "machine-9-10/dim0", "machine-9-10/dim1"});
  CHECK(names("machine-9-1/") == V{"machine-9-1/dim0", "machine-9-1/dim1"});
  CHECK(names("10/dim1") == V{"machine-9-10/dim1"});
  CHECK(names("1/dim1") == V{"machine-9-1/dim1"});
  CHECK(names("dim0") == V{"machine-9-1/dim0", "machine-9-10/dim0"});
  CHECK(names("-10/d") == V{"machine-9-10/dim0", "machine-9-10/dim1"});
}

TEST_CASE("specs: unknown formats get a hint, missing paths are NotFound") {
  Result<Dataset> r = ReadDataset("knp:/tmp/x");
  REQUIRE_FALSE(r.ok());
  CHECK(Contains(r.status().message(), "did you mean `kpi`?"));
  CHECK_FALSE(ReadDataset("nab").ok());
  CHECK(ReadDataset("csv:/nonexistent/file.csv").status().code() == StatusCode::kNotFound);
}

// DOG4 (2026-12-03): a path that is not there, a folder given for a file, an empty file: each
// reader's error names the path and says what it takes. Before, nab: of a missing root said
// "cannot open ROOT/labels/combined_windows.json", smd: "ROOT/test: no such folder", and an empty
// jsonl: / promtext: file "dataset `...` left no series", as if a filter had left nothing.
TEST_CASE("specs: a missing path, a folder for a file, an empty file: a clear error naming the path") {
  TempDir dir;
  const std::string root = dir.path();
  dir.Write("folder/readme.txt", "not data\n");
  const std::string folder = root + "/folder";
  const std::string missing = root + "/nowhere";
  struct Case {
    std::string spec;
    StatusCode code;
    std::string says;
  };
  const std::vector<Case> cases = {
      // Not there: NotFound naming the path given.
      {"nab:" + missing, StatusCode::kNotFound, missing + ": no such folder (nab: takes the NAB root folder"},
      {"kpi:" + missing, StatusCode::kNotFound, missing + ": no such file or folder"},
      {"smd:" + missing, StatusCode::kNotFound, missing + ": no such folder (smd: takes the SMD root folder"},
      {"smd:" + missing + ":train", StatusCode::kNotFound, missing + ": no such folder (smd:"},
      {"csv:" + missing + ".csv", StatusCode::kNotFound, missing + ".csv"},
      {"jsonl:" + missing + ".jsonl", StatusCode::kNotFound, missing + ".jsonl"},
      {"promjson:" + missing + ".json", StatusCode::kNotFound, missing + ".json"},
      {"promtext:" + missing + ".prom", StatusCode::kNotFound, missing + ".prom"},
      // A folder that is not the layout asked for.
      {"nab:" + folder, StatusCode::kNotFound, folder + " is not a NAB root folder: it has no labels/combined_windows.json"},
      {"csv:" + folder, StatusCode::kInvalidArgument, "csv:" + folder + " is a folder; csv: takes one file"},
      {"jsonl:" + folder, StatusCode::kInvalidArgument, "jsonl:" + folder + " is a folder"},
      {"promjson:" + folder, StatusCode::kInvalidArgument, "promjson:" + folder + " is a folder"},
      {"promtext:" + folder, StatusCode::kInvalidArgument, "promtext:" + folder + " is a folder"},
      // Empty (or blank, or a byte order mark alone) files.
      {"csv:" + dir.Write("empty.csv", ""), StatusCode::kInvalidArgument, root + "/empty.csv:1: empty file"},
      // `-` for standard input: named, with the path that reads a pipe (DOG5; "cannot open -" before).
      {"csv:-", StatusCode::kInvalidArgument, "`csv:-`: `-` is not standard input here; give csv:/dev/stdin to read a pipe"},
      // A header and no row, blank and comment lines after it (DOG5; "left no series", NotFound, before).
      {"csv:" + dir.Write("header.csv", "# exported 2026-12-05\ntimestamp,series,value\n\n# none\n"),
       StatusCode::kInvalidArgument,
       root + "/header.csv:2: a header and no data row after it (csv: takes the header, then one row per point)"},
      {"kpi:" + dir.Write("kpi/empty.csv", ""), StatusCode::kInvalidArgument, root + "/kpi/empty.csv:1: empty file"},
      {"jsonl:" + dir.Write("empty.jsonl", ""), StatusCode::kInvalidArgument, root + "/empty.jsonl: empty file (jsonl: takes one JSON object per line"},
      {"jsonl:" + dir.Write("blank.jsonl", "\xEF\xBB\xBF \n\n  \n"), StatusCode::kInvalidArgument, root + "/blank.jsonl: empty file"},
      {"promjson:" + dir.Write("empty.json", ""), StatusCode::kInvalidArgument, root + "/empty.json: empty file"},
      {"promtext:" + dir.Write("empty.prom", "\n"), StatusCode::kInvalidArgument, root + "/empty.prom: empty file (promtext: takes"},
  };
  // A jsonl: file starting with a byte order mark, then a blank line, reads (readers.h: every
  // reader skips the mark; jsonl: kept it as its first line, "not valid JSON at column 4").
  Result<Dataset> bom = ReadDataset(
      "jsonl:" + dir.Write("bom.jsonl", "\xEF\xBB\xBF\n{\"name\": \"x\", \"timestamp\": 1700000000, \"value\": 1}\n"));
  REQUIRE_MESSAGE(bom.ok(), bom.status().message());
  CHECK(bom->series.size() == 1);
  for (const Case& c : cases) {
    INFO(c.spec);
    Result<Dataset> r = ReadDataset(c.spec);
    REQUIRE_FALSE(r.ok());
    INFO(r.status().message());
    CHECK(r.status().code() == c.code);
    CHECK(Contains(r.status().message(), c.says));
  }
}

TEST_CASE("max_series / max_points: the read counts what the caps left out, and CutNote says it") {
  // Before ReadStats::series_left_out / points_left_out a capped read looked like the whole input:
  // `vigil detect` had no --max-series / --max-points, and train-rules said nothing of the cut.
  TempDir dir;
  const std::string csv = dir.Write("cut.csv",
                                    "timestamp,series,value\n"
                                    "1,a,1\n1,b,1\n2,a,2\n2,b,2\n3,a,3\n1,c,1\n3,b,oops\n4,a,4\n");
  ReadOptions o;
  o.max_series = 2;
  o.max_points = 2;
  Result<Dataset> c = ReadDataset("csv:" + csv, o);
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  CHECK(c->series.size() == 2);
  CHECK(c->stats.series_left_out == 1);  // c
  CHECK(c->stats.points_left_out == 3);  // a at 3 and 4, b's bad row (not checked)
  CHECK(CutNote(o, c->stats) ==
        "input cut: --max-series 2 left out 1 more series; --max-points 2 left out 3 more point(s) past the cap (not "
        "checked)");
  // The filter's choice is not a cut; no cap, no note.
  ReadOptions f;
  f.name_filter = "a";
  Result<Dataset> fa = ReadDataset("csv:" + csv, f);
  REQUIRE(fa.ok());
  CHECK(fa->stats.series_left_out == 0);
  CHECK(CutNote(f, fa->stats).empty());
  // kpi: files not opened are series left out; the rows past the cap counted, not parsed.
  dir.Write("kpi/a.csv", "timestamp,value,label\n60,1,0\n120,2,0\n180,x,0\n");
  dir.Write("kpi/b.csv", "timestamp,value,label\n60,1,0\n");
  dir.Write("kpi/c.csv", "timestamp,value,label\n60,1,0\n");
  Result<Dataset> k = ReadDataset("kpi:" + dir.path() + "/kpi", o);
  REQUIRE_MESSAGE(k.ok(), k.status().message());
  CHECK(k->stats.series_left_out == 1);
  CHECK(k->stats.points_left_out == 1);
  // jsonl matrix rows and promjson: the values past the cap.
  const std::string jl = dir.Write("cut.jsonl", R"({"metric":{"__name__":"m"},"values":[[1,"1"],[2,"2"],[3,"3"]]})"
                                                "\n"
                                                R"({"metric":{"__name__":"n"},"values":[[1,"1"]]})"
                                                "\n"
                                                R"({"metric":{"__name__":"o"},"values":[[1,"1"]]})"
                                                "\n");
  Result<Dataset> j = ReadDataset("jsonl:" + jl, o);
  REQUIRE_MESSAGE(j.ok(), j.status().message());
  CHECK(j->stats.series_left_out == 1);
  CHECK(j->stats.points_left_out == 1);
}

TEST_CASE("promjson: a saved /api/v1/query_range answer reads as its series; others are clear errors") {
  TempDir dir;
  const std::string good = dir.Write("range.json", R"({"status":"success","data":{"resultType":"matrix","result":[
  {"metric":{"__name__":"DCGM_FI_DEV_GPU_TEMP","gpu":"0","Hostname":"gpu-3"},"values":[[1717000000,"61"],[1717000060,"62.5"]]},
  {"metric":{"__name__":"DCGM_FI_DEV_GPU_TEMP","gpu":"1","Hostname":"gpu-3"},"values":[[1717000000,"58"],[1717000060.5,"59"]]}
]}})");
  Result<Dataset> ds = ReadDataset("promjson:" + good);
  REQUIRE_MESSAGE(ds.ok(), ds.status().message());
  REQUIRE(ds->series.size() == 2);
  CHECK(ds->format == "promjson");
  CHECK(ds->series[0].name == "DCGM_FI_DEV_GPU_TEMP");
  CHECK(ds->series[0].labels.at("gpu") == "0");
  CHECK(ds->series[0].labels.count("__name__") == 0);
  CHECK(ds->series[0].timestamps_ms == std::vector<int64_t>{1717000000000, 1717000060000});
  CHECK(ds->series[0].values == std::vector<double>{61, 62.5});
  CHECK(ds->series[1].timestamps_ms[1] == 1717000060500);
  CHECK_FALSE(ds->series[0].has_anomaly_labels());

  auto error = [&](const std::string& name, const std::string& content, ReadOptions o = {}) {
    Result<Dataset> r = ReadDataset("promjson:" + dir.Write(name, content), o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    return r.status().message();
  };
  // Truncated (a curl cut short): the line and column where it ends.
  std::string m = error("cut.json", "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\n\"result\":[{\"metric\":");
  CHECK(Contains(m, "cut.json:2:"));
  CHECK(Contains(m, "cut short"));
  m = error("err.json", R"({"status":"error","errorType":"bad_data","error":"parse error at char 5"})");
  CHECK(Contains(m, "err.json: the saved answer is Prometheus's error, not data: bad_data: parse error at char 5"));
  m = error("vec.json", R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up"},"value":[1717000000,"1"]}]}})");
  CHECK(Contains(m, "vec.json: the answer's resultType is `vector`, not `matrix`: an instant query"));
  m = error("other.json", R"({"data":[1,2]})");
  CHECK(Contains(m, "not a Prometheus API answer"));
  // A "NaN" value and a duplicate timestamp: bad rows naming result[i] and values[j].
  const std::string nan = R"({"status":"success","data":{"resultType":"matrix","result":[
    {"metric":{"__name__":"loss"},"values":[[1,"0.5"],[2,"NaN"],[3,"+Inf"],[3,"0.4"]]}]}})";
  m = error("nan.json", nan);
  CHECK(Contains(m, "nan.json: result[0]: values[1]: value `NaN` is not finite"));
  ReadOptions skip;
  skip.bad_rows = BadRowPolicy::kSkip;
  Result<Dataset> kept = ReadDataset("promjson:" + dir.Write("nan2.json", nan), skip);
  REQUIRE_MESSAGE(kept.ok(), kept.status().message());
  CHECK(kept->series[0].values == std::vector<double>{0.5, 0.4});
  CHECK(kept->stats.rows_skipped == 2);
  const std::string dup = R"({"status":"success","data":{"resultType":"matrix","result":[
    {"metric":{"__name__":"x"},"values":[[1,"1"],[1,"2"]]}]}})";
  CHECK(Contains(error("dup.json", dup), "dup.json: result[0]: values[1]: timestamp 1970-01-01T00:00:01"));
  // Escaped quotes in a label value are JSON's own: read as the quote.
  Result<Dataset> q = ReadDataset("promjson:" + dir.Write("q.json", R"({"status":"success","data":{"resultType":"matrix","result":[
    {"metric":{"__name__":"x","job":"a \"b\""},"values":[[1,"1"]]}]}})"));
  REQUIRE_MESSAGE(q.ok(), q.status().message());
  CHECK(q->series[0].labels.at("job") == "a \"b\"");
  CHECK(ReadDataset("promjson:" + dir.path() + "/none.json").status().code() == StatusCode::kNotFound);
}

TEST_CASE("promtext: exposition scrapes with timestamps read as series; untimed samples and bad lines are clear errors") {
  TempDir dir;
  const std::string good = dir.Write("snap.prom",
                                     "# HELP DCGM_FI_DEV_GPU_TEMP GPU temperature (in C).\n"
                                     "# TYPE DCGM_FI_DEV_GPU_TEMP gauge\n"
                                     "DCGM_FI_DEV_GPU_TEMP{gpu=\"0\",Hostname=\"gpu-3\"} 61 1717000000000\n"
                                     "DCGM_FI_DEV_GPU_TEMP{gpu=\"1\",Hostname=\"gpu-3\"} 58 1717000000000\n"
                                     "node_load1 0.5 1717000000000\n"
                                     "\n"
                                     "# a second scrape appended\n"
                                     "DCGM_FI_DEV_GPU_TEMP{gpu=\"0\",Hostname=\"gpu-3\",} 62 1717000015000\n"
                                     "DCGM_FI_DEV_GPU_TEMP{gpu=\"1\",Hostname=\"gpu-3\"} 58.5 1717000015000\n"
                                     "node_load1 0.75 1717000015000\n"
                                     "x{path=\"C:\\\\dir\",msg=\"say \\\"hi\\\"\\n\"} 1 1717000015.5\n");
  Result<Dataset> ds = ReadDataset("promtext:" + good);
  REQUIRE_MESSAGE(ds.ok(), ds.status().message());
  REQUIRE(ds->series.size() == 4);
  CHECK(ds->format == "promtext");
  CHECK(ds->series[0].name == "DCGM_FI_DEV_GPU_TEMP");
  CHECK(ds->series[0].labels.at("gpu") == "0");
  CHECK(ds->series[0].values == std::vector<double>{61, 62});
  CHECK(ds->series[0].timestamps_ms == std::vector<int64_t>{1717000000000, 1717000015000});
  CHECK(ds->series[2].name == "node_load1");
  CHECK(ds->series[2].labels.empty());
  CHECK(ds->series[3].labels.at("path") == "C:\\dir");
  CHECK(ds->series[3].labels.at("msg") == "say \"hi\"\n");
  CHECK(ds->series[3].timestamps_ms[0] == 1717000015500);  // decimal: OpenMetrics seconds

  auto error = [&](const std::string& name, const std::string& content, ReadOptions o = {}) {
    Result<Dataset> r = ReadDataset("promtext:" + dir.Write(name, content), o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    return r.status().message();
  };
  // A plain `curl .../metrics` snapshot: no timestamps, one instant. Not skippable.
  ReadOptions skip;
  skip.bad_rows = BadRowPolicy::kSkip;
  std::string m = error("plain.prom", "# TYPE up gauge\nup{job=\"x\"} 1\n", skip);
  CHECK(Contains(m, "plain.prom:2: sample `up` has no timestamp: a scrape without timestamps is one instant"));
  m = error("nan.prom", "loss 0.5 1000\nloss NaN 2000\n");
  CHECK(Contains(m, "nan.prom:2: value `NaN` is not finite"));
  m = error("inf.prom", "loss +Inf 2000\n");
  CHECK(Contains(m, "inf.prom:1: value `+Inf` is not finite"));
  m = error("dup.prom", "loss 1 2000\nloss 2 2000\n");
  CHECK(Contains(m, "dup.prom:2: timestamp 1970-01-01T00:00:02"));
  CHECK(Contains(m, "duplicates the previous one"));
  m = error("esc.prom", "x{a=\"b\\q\"} 1 1000\n");
  CHECK(Contains(m, "esc.prom:1: label `a`: unknown escape `\\q`"));
  m = error("open.prom", "x{a=\"b} 1 1000\n");
  CHECK(Contains(m, "open.prom:1: the value of label `a` is not closed"));
  m = error("ts.prom", "x 1 soon\n");
  CHECK(Contains(m, "ts.prom:1: timestamp `soon` is not integer Unix milliseconds"));
  m = error("name.prom", "1x 1 1000\n");
  CHECK(Contains(m, "name.prom:1: expected a metric name at column 1"));
  // Skipped: the bad lines are counted, the good ones kept.
  Result<Dataset> kept = ReadDataset("promtext:" + dir.Write("mixed.prom", "loss 1 1000\nloss NaN 2000\nloss 3 3000\n"), skip);
  REQUIRE_MESSAGE(kept.ok(), kept.status().message());
  CHECK(kept->series[0].values == std::vector<double>{1, 3});
  CHECK(kept->stats.rows_skipped == 1);
}

// RV3: an error quoted the whole text it refused: a header line (a minified JSON answer or a log
// given as csv:), a value, a timestamp or a label field, a JSON value. A 1 MB field made a 1 MB
// error line (a "2 GB" one, a 2 GB message); now a quote holds at most 64 bytes and says the size.
TEST_CASE("csv, kpi, jsonl: a huge header, field or JSON value is quoted cut, with its size (RV3)") {
  TempDir dir;
  const std::string big(1 << 20, 'x');  // 1,048,576 bytes
  struct Case {
    std::string spec, expect;
  } cases[] = {
      {"csv:" + dir.Write("hdr.csv", "{\"status\":\"success\",\"data\":\"" + big + "\"}\n"),
       "header must name `timestamp`, `series` (or `metric`, `__name__`) and `value` columns, got `{\"status\":"},
      {"csv:" + dir.Write("val.csv", "timestamp,series,value\n1700000000,cpu," + big + "\n"), ":2: value `xxxx"},
      {"csv:" + dir.Write("ts.csv", "timestamp,series,value\n" + big + ",cpu,1\n"), ":2: timestamp: `xxxx"},
      {"csv:" + dir.Write("lab.csv", "timestamp,series,value,label\n1700000000,cpu,1," + big + "\n"), ":2: label `xxxx"},
      {"kpi:" + dir.Write("k/hdr.csv", big + "\n1,2\n"), "header must name `timestamp` and `value` columns, got `xxxx"},
      {"jsonl:" + dir.Write("v.jsonl", "{\"name\": \"a\", \"timestamp\": 1700000000, \"value\": [\"" + big + "\"]}\n"),
       "value must be a number, got `[\"xxxx"},
      {"jsonl:" + dir.Write("t.jsonl", "{\"name\": \"a\", \"timestamp\": {\"" + big + "\": 1}, \"value\": 1}\n"),
       "timestamp must be a number or a string, got `{\"xxxx"},
  };
  for (const Case& c : cases) {
    Result<Dataset> ds = ReadDataset(c.spec);
    REQUIRE_FALSE(ds.ok());
    const std::string m = ds.status().message();
    INFO(m.substr(0, 300));
    CHECK(m.size() < 600);
    CHECK(Contains(m, c.expect));
    CHECK(Contains(m, "...` (10"));
    CHECK(Contains(m, " bytes)"));
  }
  // A short field is quoted whole, as before.
  Result<Dataset> short_value = ReadDataset("csv:" + dir.Write("s.csv", "timestamp,series,value\n1700000000,cpu,abc\n"));
  CHECK(Contains(short_value.status().message(), "value `abc` is not a number (column 3, `value`)"));
}

// RV3: a number from 1e14 on was read as milliseconds, so microseconds since the epoch (DCGM's
// field timestamps, `time.time_ns() // 1000`) became the year 55,000 and every window 1000x
// shorter in real time, without a word; nanoseconds (InfluxDB, OpenTelemetry) were refused as out
// of range. The magnitude now says the unit, as it already told seconds from milliseconds.
TEST_CASE("timestamp fields: microseconds and nanoseconds since the epoch by their magnitude (RV3)") {
  CHECK(*ParseTimestampField("1491041280123456") == 1491041280123);        // µs
  CHECK(*ParseTimestampField("1491041280123456789") == 1491041280123);     // ns
  CHECK(*ParseTimestampField("1491041280123456.5") == 1491041280123);
  CHECK(*ParseTimestampField("1.491041280123e15") == 1491041280123);
  CHECK(*ParseTimestampField("99999999999999") == 99999999999999);          // still ms below 1e14
  CHECK(*ParseTimestampField("-1491041280123456") == -1491041280123);
  for (const char* far : {"1e300", "-1e300", "1e20", "99999999999999999999"}) {
    INFO(std::string(far));
    auto r = ParseTimestampField(far);
    REQUIRE_FALSE(r.ok());
    CHECK(Contains(r.status().message(), "is out of range"));
  }
  TempDir dir;
  const std::string f = dir.Write("us.csv", "timestamp,series,value\n1700000000000000,a,1\n1700000015000000,a,2\n");
  Result<Dataset> ds = ReadDataset("csv:" + f);
  REQUIRE(ds.ok());
  CHECK(ds->series[0].timestamps_ms == std::vector<int64_t>{1700000000000, 1700000015000});
}

// RV3: a kpi: (or NAB) file holding its header alone was read as a series of no points: the read
// went on and `vigil detect` ran over nothing, exit 0. A csv: file's header alone was already an
// error (DOG5), and an SMD file without rows.
TEST_CASE("kpi, nab: a file holding its header alone is an error naming it (RV3)") {
  TempDir dir;
  const std::string empty = dir.Write("kpi/b.csv", "timestamp,value,label\r\n\r\n");
  dir.Write("kpi/a.csv", "timestamp,value,label\n60,1.0,0\n");
  for (const std::string& spec : {"kpi:" + empty, "kpi:" + dir.path() + "/kpi"}) {
    INFO(spec);
    Result<Dataset> ds = ReadDataset(spec);
    REQUIRE_FALSE(ds.ok());
    CHECK(ds.status().code() == StatusCode::kInvalidArgument);
    CHECK(Contains(ds.status().message(), empty + ":1: a header and no data row after it"));
  }
  dir.Write("nab/data/g/f.csv", "timestamp,value\n");
  dir.Write("nab/labels/combined_windows.json", "{\"g/f.csv\": []}");
  Result<Dataset> nab = ReadDataset("nab:" + dir.path() + "/nab");
  REQUIRE_FALSE(nab.ok());
  CHECK(Contains(nab.status().message(), "g/f.csv:1: a header and no data row after it"));
  // The good file alone still reads.
  CHECK(ReadDataset("kpi:" + dir.path() + "/kpi/a.csv").ok());
}

// RV3: pandas' to_csv writes NaN as an empty cell; `vigil detect` (non_finite_as_missing) read
// the `NaN` string as a missing point but stopped at the empty cell, "missing value", exit 2.
TEST_CASE("csv: with non_finite_as_missing an empty value (pandas' NaN) is a missing point (RV3)") {
  TempDir dir;
  const std::string f = dir.Write("pd.csv", "timestamp,series,value,gpu\n100,loss,2.5,0\n115,loss,,0\n130,loss, ,0\n"
                                            "145,loss,2.4,0\n");
  ReadOptions ro;
  ro.non_finite_as_missing = true;
  Result<Dataset> ds = ReadDataset("csv:" + f, ro);
  REQUIRE_MESSAGE(ds.ok(), ds.status().message());
  REQUIRE(ds->series.size() == 1);
  const TimeSeries& s = ds->series[0];
  CHECK(s.timestamps_ms == std::vector<int64_t>{100000, 115000, 130000, 145000});
  CHECK(s.values[0] == 2.5);
  CHECK(std::isnan(s.values[1]));
  CHECK(std::isnan(s.values[2]));
  CHECK(ds->stats.read_as_missing == 2);
  REQUIRE(!ds->stats.missing_examples.empty());
  CHECK(ds->stats.missing_examples[0] == f + ":3: value is empty (pandas writes NaN so): read as a missing point");
  // A row short of its value field is still a bad row; without the option an empty value is too.
  const std::string shortrow = dir.Write("short.csv", "timestamp,series,value,gpu\n100,loss,2.5,0\n115,loss,0\n");
  CHECK(Contains(ReadDataset("csv:" + shortrow, ro).status().message(), ":3: expected 4 fields, got 3"));
  CHECK(Contains(ReadDataset("csv:" + f).status().message(), ":3: missing value (column 3, `value`)"));
}

}  // namespace
}  // namespace vigil
