#include "evals/detection_gpu.h"

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

#include "evals/detection_command.h"

namespace vigil {
namespace {

namespace fs = std::filesystem;

// A fresh folder under the temporary folder, removed when the test ends.
struct TempFolder {
  fs::path path;
  explicit TempFolder(const std::string& tag)
      : path(fs::temp_directory_path() / ("vigil_gpu_" + tag + "_" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempFolder() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void Write(const fs::path& p, const std::string& text) {
  std::ofstream f(p);
  f << text;
}

// A tiny run: t0 = 1000 s, one point a second at 1000 .. 1049 on four series (step time of ranks 0
// and 1, memory used of GPUs 0 and 1), history to normal_end = 1010, recorded 45 s. Incidents:
// `stall` [1012, 1014) on step_time_ms of any rank, `leak` [1030, 1033) on fb_used of GPU 0; the
// label column is 1 there.
std::string TinyCsv() {
  std::ostringstream o;
  o << "timestamp,series,value,label,rank,gpu\n";
  for (int t = 1000; t < 1050; ++t) {
    const int stall = t >= 1012 && t < 1014, leak = t >= 1030 && t < 1033;
    o << t << ",step_time_ms," << (stall ? 180 : 38) << "," << stall << ",0,\n";
    o << t << ",step_time_ms," << (stall ? 181 : 39) << "," << stall << ",1,\n";
    o << t << ",fb_used," << 9790 + (leak ? 256 * (t - 1029) : 0) << "," << leak << ",,0\n";
    o << t << ",fb_used,9918,0,,1\n";
  }
  return o.str();
}

std::string TinyJson(const std::string& normal_end = "\"normal_end\": 1010,") {
  return "{\"t0\": 1000, " + normal_end +
         " \"seconds\": 45, \"incidents\": ["
         "{\"name\": \"stall\", \"start\": 1012, \"end\": 1014, \"expected\": [{\"series\": \"step_time_ms\", "
         "\"scope\": \"rank:*\"}]},"
         "{\"name\": \"leak\", \"start\": 1030, \"end\": 1033, \"expected\": [{\"series\": \"fb_used\", "
         "\"scope\": \"gpu:0\"}]}]}";
}

size_t UnitIndex(const EvalSet& set, const std::string& name) {
  for (size_t u = 0; u < set.units.size(); ++u) {
    if (set.units[u].name == name) return u;
  }
  FAIL("no unit " << name);
  return 0;
}

const std::string kRank0 = "run/step_time_ms{rank=\"0\"}", kRank1 = "run/step_time_ms{rank=\"1\"}",
                  kGpu0 = "run/fb_used{gpu=\"0\"}", kGpu1 = "run/fb_used{gpu=\"1\"}";

TEST_CASE("LoadGpuTelemetry: each series a unit split at normal_end, unlabeled history, labels as truth") {
  TempFolder dir("load");
  Write(dir.path / "run.csv", TinyCsv());
  Write(dir.path / "run.json", TinyJson());
  Write(dir.path / "README.md", "not a run\n");
  Result<EvalSet> set = LoadEvalSet("gpu", dir.path.string());
  REQUIRE_MESSAGE(set.ok(), set.status().ToString());
  CHECK(set->dataset == "gpu");
  CHECK(set->split_description.find("labels are all 0") != std::string::npos);
  REQUIRE(set->units.size() == 4);
  REQUIRE(set->truth.size() == 4);
  for (size_t u = 0; u < 4; ++u) {
    CHECK(set->units[u].split == 10);  // 1000 .. 1009 before normal_end
    CHECK(set->units[u].train_labels.empty());
    REQUIRE(set->units[u].members.size() == 1);
    CHECK(set->units[u].members[0].anomaly_labels.empty());  // no label reaches a detector
    CHECK(set->units[u].members[0].size() == 50);
    CHECK(set->truth[u].labels.size() == 50);
  }
  const EvalTruth& stall = set->truth[UnitIndex(*set, kRank1)];
  for (int i = 0; i < 50; ++i) CHECK(stall.labels[i] == (i == 12 || i == 13));
  const EvalTruth& leak = set->truth[UnitIndex(*set, kGpu0)];
  for (int i = 0; i < 50; ++i) CHECK(leak.labels[i] == (i >= 30 && i < 33));
  size_t ones = 0;
  for (uint8_t l : set->truth[UnitIndex(*set, kGpu1)].labels) ones += l;
  CHECK(ones == 0);
  REQUIRE(set->runs.size() == 1);
  const EvalRun& run = set->runs[0];
  CHECK(run.name == "run");
  CHECK(run.t0_s == 1000);
  CHECK(run.normal_end_s == 1010);
  CHECK(run.recorded_end_s == 1045);
  CHECK(run.units.size() == 4);
  REQUIRE(run.incidents.size() == 2);
  CHECK(run.incidents[1].name == "leak");
  CHECK(run.incidents[1].start_s == 1030);
  CHECK(run.incidents[1].end_s == 1033);
  REQUIRE(run.incidents[1].expected.size() == 1);
  CHECK(run.incidents[1].expected[0].series == "fb_used");
  CHECK(run.incidents[1].expected[0].scope == "gpu:0");

  // --filter (a substring of the unit name) and --max-series.
  EvalSetOptions o;
  o.name_filter = "fb_used";
  Result<EvalSet> only = LoadGpuTelemetry(dir.path.string(), o);
  REQUIRE(only.ok());
  CHECK(only->units.size() == 2);
  REQUIRE(only->runs.size() == 1);
  CHECK(only->runs[0].units == std::vector<size_t>{0, 1});
  o.max_series = 1;
  CHECK(LoadGpuTelemetry(dir.path.string(), o)->units.size() == 1);
  o.name_filter = "no such series";
  o.max_series = 0;
  Result<EvalSet> none = LoadGpuTelemetry(dir.path.string(), o);
  REQUIRE(none.ok());
  CHECK(none->units.empty());
  CHECK(none->runs.empty());
}

// The error of loading `dir`, which must fail.
std::string LoadError(const fs::path& dir) {
  Result<EvalSet> set = LoadGpuTelemetry(dir.string());
  REQUIRE_FALSE(set.ok());
  return set.status().ToString();
}

TEST_CASE("LoadGpuTelemetry: bad input is an error naming the file and the key") {
  TempFolder dir("bad");
  const fs::path csv = dir.path / "run.csv", json = dir.path / "run.json";
  // Folder missing, empty, or a file.
  CHECK(LoadGpuTelemetry((dir.path / "nope").string()).status().code() == StatusCode::kNotFound);
  CHECK(LoadError(dir.path).find("holds no run") != std::string::npos);
  Write(csv, TinyCsv());
  CHECK(LoadError(csv).find("is not a folder") != std::string::npos);
  // A csv without its json and the reverse.
  std::string e = LoadError(dir.path);
  CHECK(e.find("run.csv has no run.json") != std::string::npos);
  fs::remove(csv);
  Write(json, TinyJson());
  e = LoadError(dir.path);
  CHECK(e.find("run.json has no run.csv") != std::string::npos);
  Write(csv, TinyCsv());
  REQUIRE(LoadGpuTelemetry(dir.path.string()).ok());
  // normal_end missing, not a number, or outside the data (no point before it / none from it on).
  for (const std::string& bad : {std::string(""), std::string("\"normal_end\": \"late\","),
                                 std::string("\"normal_end\": 1000,"), std::string("\"normal_end\": 999,"),
                                 std::string("\"normal_end\": 1049.5,")}) {
    CAPTURE(bad);
    Write(json, TinyJson(bad));
    e = LoadError(dir.path);
    CHECK(e.find(json.string()) != std::string::npos);
    CHECK(e.find("normal_end") != std::string::npos);
  }
  Write(json, TinyJson("\"normal_end\": 1049,"));  // the last point alone is scored
  CHECK(LoadGpuTelemetry(dir.path.string()).ok());
  // t0 and incidents are needed too; an incident's fields are named with its index.
  Write(json, "{\"normal_end\": 1010, \"incidents\": []}");
  CHECK(LoadError(dir.path).find("no `t0`") != std::string::npos);
  Write(json, "{\"t0\": 1000, \"normal_end\": 1010}");
  CHECK(LoadError(dir.path).find("no `incidents`") != std::string::npos);
  Write(json, "{\"t0\": 1000, \"normal_end\": 1010, \"incidents\": [{\"name\": \"x\", \"start\": 1020, "
              "\"end\": 1015, \"expected\": [{\"series\": \"fb_used\"}]}]}");
  e = LoadError(dir.path);
  CHECK(e.find("incidents[0]: `end`") != std::string::npos);
  Write(json, "{\"t0\": 1000, \"normal_end\": 1010, \"incidents\": [{\"name\": \"x\", \"start\": 1020, "
              "\"end\": 1025, \"expected\": [{\"scope\": \"gpu:0\"}]}]}");
  CHECK(LoadError(dir.path).find("incidents[0].expected[0]: no `series`") != std::string::npos);
  Write(json, "[1, 2]");
  CHECK(LoadError(dir.path).find("not a JSON object") != std::string::npos);
  // An incident whose window holds no time of the csv (seconds after t0 written for Unix seconds)
  // could never be caught: every detector would read "missed".
  Write(json, "{\"t0\": 1000, \"normal_end\": 1010, \"incidents\": [{\"name\": \"stall\", \"start\": 12, "
              "\"end\": 14, \"expected\": [{\"series\": \"step_time_ms\"}]}]}");
  e = LoadError(dir.path);
  CHECK(e.find(json.string() + ": incidents[0] (stall): [12.000, 14.000) is outside the data") != std::string::npos);
  Write(json, "{\"t0\": 1000, \"normal_end\": 1010, \"incidents\": [{\"name\": \"late\", \"start\": 1050, "
              "\"end\": 1060, \"expected\": [{\"series\": \"step_time_ms\"}]}]}");
  CHECK(LoadError(dir.path).find("incidents[0] (late): [1050.000, 1060.000) is outside the data") != std::string::npos);
  Write(json, "{\"t0\": 1000, \"normal_end\": 1010, \"incidents\": [{\"name\": \"end\", \"start\": 1049, "
              "\"end\": 1060, \"expected\": [{\"series\": \"step_time_ms\"}]}]}");
  CHECK(LoadGpuTelemetry(dir.path.string()).ok());  // the last point is in its window
  // A csv without a label column.
  Write(json, TinyJson());
  Write(csv, "timestamp,series,value\n1000,x,1\n1020,x,2\n");
  e = LoadError(dir.path);
  CHECK(e.find(csv.string()) != std::string::npos);
  CHECK(e.find("`label` column") != std::string::npos);
  // A series that ends before normal_end: nothing of it to score.
  Write(csv, TinyCsv() + "1001,late,1,0,,\n1002,late,1,0,,\n");
  e = LoadError(dir.path);
  CHECK(e.find("series late has no point at or after `normal_end`") != std::string::npos);
}

TEST_CASE("LoadGpuTelemetry: a t0, seconds or incident time of 1e15 s or more is out of range, not llround()ed") {
  // AS2: `t0: 1e300` loaded, and the report's std::llround(t0 * 1000) and the after-end count's
  // std::llround((t0 + seconds) * 1000) had no int64 for it (x86: INT64_MIN: every false alarm
  // counted after the recorded end, t0 printed as year -292277026596).
  TempFolder dir("range");
  Write(dir.path / "run.csv", TinyCsv());
  const fs::path json = dir.path / "run.json";
  const std::string incidents = " \"incidents\": []}";
  for (const auto& [key, text] : std::vector<std::pair<std::string, std::string>>{
           {"t0", "{\"t0\": 1e300, \"normal_end\": 1010, \"seconds\": 45,"},
           {"t0", "{\"t0\": -1e300, \"normal_end\": 1010, \"seconds\": 45,"},
           {"t0", "{\"t0\": 1e15, \"normal_end\": 1010,"},
           {"seconds", "{\"t0\": 1000, \"normal_end\": 1010, \"seconds\": 1e300,"},
           {"seconds", "{\"t0\": 1000, \"normal_end\": 1010, \"seconds\": -1e16,"}}) {
    CAPTURE(text);
    Write(json, text + incidents);
    const std::string e = LoadError(dir.path);
    CHECK(e.find(json.string() + ": `" + key + "` (") != std::string::npos);
    CHECK(e.find(") is out of range") != std::string::npos);
  }
  Write(json, "{\"t0\": 1000, \"normal_end\": 1010, \"incidents\": [{\"name\": \"x\", \"start\": -1e300, "
              "\"end\": 1012, \"expected\": [{\"series\": \"fb_used\"}]}]}");
  CHECK(LoadError(dir.path).find("incidents[0]: `start` (") != std::string::npos);
  // Just below the bound is read (t0 after normal_end is not the loader's to refuse).
  Write(json, "{\"t0\": 999999999999999, \"normal_end\": 1010, \"seconds\": 45," + incidents);
  CHECK(LoadGpuTelemetry(dir.path.string()).ok());
}

// The tiny run written into `dir` and loaded.
Result<EvalSet> LoadTinyRun(const TempFolder& dir) {
  Write(dir.path / "run.csv", TinyCsv());
  Write(dir.path / "run.json", TinyJson());
  return LoadGpuTelemetry(dir.path.string());
}

// Flags of every unit of `set`, all 0, with 1 at the given seconds of the named units.
std::vector<std::vector<uint8_t>> FlagsAt(const EvalSet& set, const std::map<std::string, std::vector<int>>& at) {
  std::vector<std::vector<uint8_t>> flags;
  for (size_t u = 0; u < set.units.size(); ++u) {
    flags.emplace_back(set.truth[u].labels.size(), 0);
    auto it = at.find(set.units[u].name);
    if (it == at.end()) continue;
    for (int t : it->second) flags[u][t - 1000] = 1;
  }
  return flags;
}

TEST_CASE("ScoreIncidents: caught by an onset in the window on an expected series in scope; false alarms") {
  TempFolder dir("view");
  Result<EvalSet> set = LoadTinyRun(dir);
  REQUIRE(set.ok());
  const auto flags = FlagsAt(*set, {
      {kRank0, {1020, 1047}},        // stall +8 s (inside end + 10 s); a false alarm past the recorded end
      {kRank1, {1013, 1014}},        // stall +1 s: the first catch wins
      {kGpu0, {1027, 1028, 1029, 1030, 1031}},  // begins before the leak: a false alarm, not a catch
      {kGpu1, {1003, 1008, 1009, 1010, 1011, 1031}},  // training part ignored; onset at the split (a false
                                                       // alarm); the leak's window, but GPU 1 is not in scope
  });
  Result<std::vector<RunOutcome>> view = ScoreIncidents(*set, flags);
  REQUIRE(view.ok());
  REQUIRE(view->size() == 1);
  const RunOutcome& r = (*view)[0];
  CHECK(r.run == "run");
  REQUIRE(r.incidents.size() == 2);
  CHECK(r.incidents[0].incident == "stall");
  CHECK(r.incidents[0].caught);
  CHECK(r.incidents[0].delay_s == doctest::Approx(1.0));
  CHECK(r.incidents[0].caught_on == "step_time_ms{rank=\"1\"}");
  CHECK(r.incidents[0].onsets_in_window == 2);
  CHECK(r.incidents[1].incident == "leak");
  CHECK_FALSE(r.incidents[1].caught);
  CHECK(std::isnan(r.incidents[1].delay_s));
  CHECK(r.incidents[1].onsets_in_window == 1);
  CHECK(r.false_alarms == 3);  // 1027 on GPU 0, 1010 on GPU 1, 1047 on rank 0
  CHECK(r.false_alarms_after_end == 1);
  CHECK(r.false_alarm_series == std::map<std::string, size_t>{{"fb_used{gpu=\"0\"}", 1},
                                                              {"fb_used{gpu=\"1\"}", 1},
                                                              {"step_time_ms{rank=\"0\"}", 1}});
  // An onset inside the leak's window on GPU 0 catches it (+2 s).
  auto caught = FlagsAt(*set, {{kGpu0, {1032}}});
  view = ScoreIncidents(*set, caught);
  REQUIRE(view.ok());
  CHECK((*view)[0].incidents[1].caught);
  CHECK((*view)[0].incidents[1].delay_s == doctest::Approx(2.0));
  CHECK((*view)[0].false_alarms == 0);
  // A window's end + 10 s is outside it: 1043 is a false alarm, 1042 is not.
  view = ScoreIncidents(*set, FlagsAt(*set, {{kGpu1, {1042}}, {kRank0, {1044}}, {kRank1, {1043}}}));
  REQUIRE(view.ok());
  CHECK((*view)[0].incidents[1].onsets_in_window == 1);
  CHECK((*view)[0].false_alarms == 2);
  CHECK((*view)[0].false_alarms_after_end == 0);  // 1045 is the recorded end, not after it
  // Wrong shapes are errors.
  CHECK_FALSE(ScoreIncidents(*set, {}).ok());
  auto short_row = flags;
  short_row[0].pop_back();
  CHECK_FALSE(ScoreIncidents(*set, short_row).ok());
}

TEST_CASE("ScoreIncidents: the recorded end at the csv's millisecond precision") {
  // The recorder stamps a step bucket at t0 + its second's end, written in ms: with a t0 such as
  // 1796081137.1377385 (run 1) the last full second, t0 + 470, reads 1796081607.138, 0.26 ms past
  // t0 + seconds. Here t0 + seconds = 1044.9996 and the point of the last full second reads 1045.
  TempFolder dir("end_ms");
  Write(dir.path / "run.csv", TinyCsv());
  std::string json = TinyJson();
  json.replace(json.find("\"seconds\": 45"), 13, "\"seconds\": 44.9996");
  Write(dir.path / "run.json", json);
  Result<EvalSet> set = LoadGpuTelemetry(dir.path.string());
  REQUIRE(set.ok());
  Result<std::vector<RunOutcome>> view = ScoreIncidents(*set, FlagsAt(*set, {{kRank0, {1045}}, {kRank1, {1046}}}));
  REQUIRE(view.ok());
  CHECK((*view)[0].false_alarms == 2);
  CHECK((*view)[0].false_alarms_after_end == 1);  // 1046 only: 1045 is the recorded end at ms precision
}

TEST_CASE("gpu report: the incident view in report.md and report.json") {
  TempFolder dir("report");
  Result<EvalSet> set = LoadTinyRun(dir);
  REQUIRE(set.ok());
  DetectionReport report;
  report.set = *set;
  report.plots = false;
  Result<DetectorResult> a = ScoreDetector(*set, "a", FlagsAt(*set, {{kRank1, {1013}}, {kGpu1, {1025, 1047}}}), 7);
  REQUIRE(a.ok());
  report.results.push_back(*a);
  DetectorResult failed;
  failed.name = "b";
  failed.status = UnavailableError("peer died");
  report.results.push_back(failed);
  const std::string md = report.ToMarkdown(7);
  CHECK(md.find("## Incidents (on-call view)") != std::string::npos);
  CHECK(md.find("### run") != std::string::npos);
  CHECK(md.find("| detector | stall [12, 14) s | leak [30, 33) s | caught | false alarms |") != std::string::npos);
  CHECK(md.find("| a | +1.0 s step_time_ms{rank=\"1\"} | **missed** | 1 of 2 | 2 (1 after the recorded end, "
                "t0 + 45 s); most on fb_used{gpu=\"1\"} 2 |") != std::string::npos);
  CHECK(md.find("| b | failed (see Overall) |") != std::string::npos);
  const Json j = report.ToJson(7);
  REQUIRE(j["runs"].size() == 1);
  CHECK(j["runs"][0]["incidents"][1]["start_s_after_t0"] == 30.0);
  CHECK(j["runs"][0]["normal_end_s_after_t0"] == 10.0);
  const Json& inc = j["detectors"][0]["incidents"][0];
  CHECK(inc["caught"] == 1);
  CHECK(inc["incidents"][0]["delay_s"] == 1.0);
  CHECK(inc["incidents"][1]["delay_s"].is_null());
  CHECK(inc["false_alarms"] == 2);
  CHECK(inc["false_alarms_after_recorded_end"] == 1);
  CHECK_FALSE(j["detectors"][1].contains("incidents"));
  // One alert in a window on a series not in scope: singular.
  Result<DetectorResult> c = ScoreDetector(*set, "c", FlagsAt(*set, {{kGpu1, {1031}}}), 7);
  REQUIRE(c.ok());
  report.results = {*c};
  CHECK(report.ToMarkdown(7).find("| c | **missed** | **missed** (1 alert in the window, none expected) | 0 of 2 | 0 |") !=
        std::string::npos);
}

// A run whose loss went inf / nan (run 3's nan_loss: the recorder writes a non-finite second as
// `inf` / `nan`): the rows are missing points at their time, kept with their labels, so the truth
// keeps the incident's points; before, the loader skipped them as bad rows (run 3: its 12 label-1
// rows of nan_loss lost from the truth).
TEST_CASE("LoadGpuTelemetry: a NaN / Inf value is a missing point with its label, and a note") {
  TempFolder dir("nan");
  std::string csv = TinyCsv();
  // GPU 1's memory: the row at 1013 becomes inf (label 1 as if expected), the one at 1040 nan (label 0).
  const std::string inf_row = "1013,fb_used,9918,0,,1\n", nan_row = "1040,fb_used,9918,0,,1\n";
  REQUIRE(csv.find(inf_row) != std::string::npos);
  csv.replace(csv.find(inf_row), inf_row.size(), "1013,fb_used,inf,1,,1\n");
  csv.replace(csv.find(nan_row), nan_row.size(), "1040,fb_used,nan,0,,1\n");
  Write(dir.path / "run.csv", csv);
  Write(dir.path / "run.json", TinyJson());
  Result<EvalSet> set = LoadEvalSet("gpu", dir.path.string());
  REQUIRE_MESSAGE(set.ok(), set.status().ToString());
  const size_t u = UnitIndex(*set, kGpu1);
  REQUIRE(set->units[u].members[0].size() == 50);  // no row dropped
  CHECK(std::isnan(set->units[u].members[0].values[13]));
  CHECK(std::isnan(set->units[u].members[0].values[40]));
  CHECK(set->units[u].members[0].values[14] == 9918);
  REQUIRE(set->truth[u].labels.size() == 50);
  CHECK(set->truth[u].labels[13] == 1);
  CHECK(set->truth[u].labels[40] == 0);
  CHECK(set->input_notes.find("run.csv: 2 NaN / Inf value(s) read as missing points (kept with their labels)") !=
        std::string::npos);
  CHECK(set->input_notes.find("bad rows skipped") == std::string::npos);
  // A value that is no number is still a bad row (skipped under eval's default policy, and named).
  csv.replace(csv.find("1041,fb_used,9918,0,,1"), 22, "1041,fb_used,oops,0,,1");
  Write(dir.path / "run.csv", csv);
  Result<EvalSet> bad = LoadEvalSet("gpu", dir.path.string());
  REQUIRE_MESSAGE(bad.ok(), bad.status().ToString());
  CHECK(bad->units[UnitIndex(*bad, kGpu1)].members[0].size() == 49);
  CHECK(bad->input_notes.find("1 bad rows skipped") != std::string::npos);
  CHECK(bad->input_notes.find("value `oops` is not a number") != std::string::npos);
}

// The shipped recordings (data/gpu_telemetry/: runs 1 and 2, two H200s; run 3, one H200 with
// other incidents and NaN / Inf loss rows; run 4, one H200, a stale exporter and a clean job end;
// run 5, one H200, a loader death and a job end marked by `training_completed`, a 13th series;
// run 6, one H200, a periodic stall, a host-memory leak, an unnormalised shard, the trainer's RSS a 14th;
// run 7, one H100, a slow checkpoint, a GPU-memory hog, frozen layers; run 8, one H200, optimizer offload,
// unscaled gradient accumulation, half the layers frozen; run 9, one H100, the loss masked out, a loss summed
// over sequences, padding waste; run 10, one H100, the gradients not zeroed, an eval every step, silent weight
// corruption; run 11, one H100, a checkpoint after every step, a loss scale not undone: two incidents)
// through `vigil eval detect`'s library call, with the default --data.
TEST_CASE("eval detect --dataset gpu --detectors mad-band: the shipped runs and their incident table") {
  TempFolder out("shipped");
  DetectCommandOptions o;
  o.dataset = "gpu";
  o.detectors = {"mad-band"};
  o.plots = false;
  o.out_dir = out.path.string();
  Result<DetectionReport> report = RunDetectCommand(o);
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  // Truth: the label column of both csvs, counted here from the files.
  size_t label_ones = 0;
  for (const char* name : {"h200_ddp_incidents", "h200_ddp_incidents_run2", "h200_single_incidents_run3",
                           "h200_single_incidents_run4", "h200_single_incidents_run5",
                           "h200_single_incidents_run6", "h100_single_incidents_run7",
                           "h200_single_incidents_run8", "h100_single_incidents_run9",
                           "h100_single_incidents_run10", "h100_single_incidents_run11"}) {
    std::ifstream f(std::string("data/gpu_telemetry/") + name + ".csv");
    REQUIRE(f);
    std::string line;
    std::getline(f, line);
    REQUIRE(line.rfind("timestamp,series,value,label,", 0) == 0);
    while (std::getline(f, line)) {
      size_t c = line.find(',');
      c = line.find(',', c + 1);
      c = line.find(',', c + 1);
      label_ones += line.compare(c + 1, 2, "1,") == 0;
    }
  }
  CHECK(label_ones > 0);
  size_t truth_ones = 0;
  for (const EvalTruth& t : report->set.truth) {
    for (uint8_t l : t.labels) truth_ones += l;
  }
  CHECK(truth_ones == label_ones);
  REQUIRE(report->set.runs.size() == 11);
  // file-name order: runs 10, 11, 7 and 9 (the H100's; "run10", "run11" sort before "run7") first, run 8 (an
  // H200's) last
  CHECK(report->set.runs[0].name == "h100_single_incidents_run10");
  CHECK(report->set.runs[1].name == "h100_single_incidents_run11");
  CHECK(report->set.runs[2].name == "h100_single_incidents_run7");
  CHECK(report->set.runs[3].name == "h100_single_incidents_run9");
  CHECK(report->set.runs[4].name == "h200_ddp_incidents");
  CHECK(report->set.runs[5].name == "h200_ddp_incidents_run2");
  CHECK(report->set.runs[6].name == "h200_single_incidents_run3");
  CHECK(report->set.runs[7].name == "h200_single_incidents_run4");
  CHECK(report->set.runs[8].name == "h200_single_incidents_run5");
  CHECK(report->set.runs[9].name == "h200_single_incidents_run6");
  CHECK(report->set.runs[10].name == "h200_single_incidents_run8");
  // 21 series in runs 1 and 2 (2 GPUs), 12 in runs 3 and 4 (1 GPU), 13 in run 5 (+ training_completed),
  // 14 in runs 6-11 (+ process_resident_memory_bytes)
  CHECK(report->set.units.size() == 163);
  for (const EvalRun& run : report->set.runs) {
    const bool one_gpu = run.name.find("_single_") != std::string::npos;
    const bool run5 = run.name == "h200_single_incidents_run5";
    const bool run67 = run.name == "h200_single_incidents_run6" || run.name == "h100_single_incidents_run7" ||
                       run.name == "h200_single_incidents_run8" || run.name == "h100_single_incidents_run9" ||
                       run.name == "h100_single_incidents_run10" || run.name == "h100_single_incidents_run11";
    const bool run11 = run.name == "h100_single_incidents_run11";
    CHECK(run.units.size() == (run67 ? 14u : run5 ? 13u : one_gpu ? 12u : 21u));
    CHECK(run.incidents.size() ==
          (run.name == "h200_single_incidents_run3" ? 5u : run11 ? 2u : run5 || run67 ? 3u : 4u));
    CHECK(run.normal_end_s - run.t0_s == doctest::Approx(240));
  }
  // run 3's inf / nan loss rows are read as missing points, not skipped (their labels are truth)
  CHECK(report->set.input_notes.find("h200_single_incidents_run3.csv: 12 NaN / Inf value(s) read as missing") !=
        std::string::npos);
  std::ifstream md_file(out.path / "report.md");
  std::stringstream md;
  md << md_file.rdbuf();
  CHECK(md.str().find("## Incidents (on-call view)") != std::string::npos);
  CHECK(md.str().find("### h200_ddp_incidents\n") != std::string::npos);
  CHECK(md.str().find("### h200_ddp_incidents_run2\n") != std::string::npos);
  CHECK(md.str().find("### h200_single_incidents_run3\n") != std::string::npos);
  CHECK(md.str().find("### h200_single_incidents_run4\n") != std::string::npos);
  CHECK(md.str().find("### h200_single_incidents_run5\n") != std::string::npos);
  CHECK(md.str().find("### h200_single_incidents_run6\n") != std::string::npos);
  CHECK(md.str().find("### h100_single_incidents_run7\n") != std::string::npos);
  CHECK(md.str().find("### h200_single_incidents_run8\n") != std::string::npos);
  CHECK(md.str().find("### h100_single_incidents_run9\n") != std::string::npos);
  CHECK(md.str().find("### h100_single_incidents_run10\n") != std::string::npos);
  CHECK(md.str().find("### h100_single_incidents_run11\n") != std::string::npos);
  CHECK(md.str().find("| detector | checkpoint_every_step [245, 270) s | loss_scale_not_undone [280, 305) s |") !=
        std::string::npos);
  CHECK(md.str().find("| detector | grads_not_zeroed [245, 270) s | eval_every_step [280, 305) s | weight_corruption [315, 340) s |") !=
        std::string::npos);
  CHECK(md.str().find("| detector | loss_masked_out [245, 270) s | loss_sum_reduction [280, 305) s | padding_waste [315, 340) s |") !=
        std::string::npos);
  CHECK(md.str().find("| detector | optimizer_offload [245, 270) s | grad_accum_unscaled [280, 305) s | half_frozen [315, 340) s |") !=
        std::string::npos);
  CHECK(md.str().find("| detector | slow_checkpoint [245, 270) s | gpu_memory_hog [280, 305) s | frozen_layers [315, 340) s |") !=
        std::string::npos);
  CHECK(md.str().find("| detector | periodic_stall [245, 270) s | host_rss_leak [280, 305) s | unnormalised_shard [315, 340) s |") !=
        std::string::npos);
  CHECK(md.str().find("| detector | loader_death [245, 280) s | pageable_copies [290, 310) s |") != std::string::npos);
  CHECK(md.str().find("| detector | cpu_contention [245, 265) s | precision_fallback [279, 299) s |") != std::string::npos);
  CHECK(md.str().find("| detector | hang [245, 275) s | nan_loss [292, 298) s |") != std::string::npos);
  CHECK(md.str().find("| detector | input_stall [") != std::string::npos);
  CHECK(md.str().find("| mad-band |") != std::string::npos);
  Result<Json> j = ReadJsonFile((out.path / "report.json").string());
  REQUIRE(j.ok());
  CHECK((*j)["dataset"] == "gpu");
  REQUIRE((*j)["detectors"].size() == 1);
  REQUIRE((*j)["detectors"][0]["incidents"].size() == 11);
  for (size_t r = 0; r < 11; ++r) {  // runs 10, 11, 7 and 9 first (file-name order), then runs 1-6, then run 8
    CHECK((*j)["detectors"][0]["incidents"][r]["incidents"].size() ==
          (r == 1 ? 2u : r == 6 ? 5u : r >= 8 || r == 0 || r == 2 || r == 3 ? 3u : 4u));
  }
}

}  // namespace
}  // namespace vigil
