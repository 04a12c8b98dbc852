// `vigil eval detect`'s report records how it was made: the options that change what is scored,
// a partial run marked as one, the wall time as the console writes it, and an earlier report in
// --out refused unless --overwrite.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>

#include "evals/detection_benchmark.h"
#include "evals/detection_command.h"

namespace vigil {
namespace {

namespace fs = std::filesystem;

bool Contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

std::string ReadAll(const fs::path& p) {
  std::ifstream f(p);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// A scratch folder of this process, removed at the end.
struct Scratch {
  fs::path path = fs::temp_directory_path() / ("vigil_detection_report_test_" + std::to_string(::getpid()));
  Scratch() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// Three KPI files of 400 points (a sine with a few labeled spikes).
std::string WriteKpi(const fs::path& root) {
  const fs::path dir = root / "kpi";
  fs::create_directories(dir);
  for (const char* id : {"aaa", "bbb", "ccc"}) {
    std::ofstream f(dir / (std::string(id) + ".csv"));
    f << "timestamp,value,label\n";
    for (int i = 0; i < 400; ++i) {
      const bool spike = i % 97 == 50;
      f << 1'500'000'000 + 60 * i << "," << std::sin(i / 10.0) + (spike ? 8 : 0) << "," << (spike ? 1 : 0)
        << "\n";
    }
  }
  return dir.string();
}

// eval detect's mad-band (window 10) over the KPI folder `data`, the report into `out`.
DetectCommandOptions MadBandRun(const std::string& data, const fs::path& out) {
  DetectCommandOptions o;
  o.dataset = "kpi";
  o.data_path = data;
  o.out_dir = out.string();
  o.detectors = {"mad-band"};
  o.mad_window = 10;
  return o;
}

TEST_CASE("eval detect report: the options, a partial run marked, --out with a report refused without --overwrite") {
  Scratch scratch;
  const std::string data = fs::weakly_canonical(WriteKpi(scratch.path)).string();
  const fs::path out = scratch.path / "out";
  DetectCommandOptions o = MadBandRun(data, out);
  o.plots = false;
  o.set.max_series = 1;
  o.set.max_points = 300;
  Result<DetectionReport> r = RunDetectCommand(o);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  const Json j = Json::parse(ReadAll(out / "report.json"));
  REQUIRE(j.contains("options"));
  CHECK(j["options"]["dataset"] == "kpi");
  CHECK(j["options"]["data"] == data);
  CHECK(j["options"]["max_series"] == 1);
  CHECK(j["options"]["max_points"] == 300);
  CHECK(j["options"]["filter"].is_null());
  CHECK(j["options"]["detectors"] == "mad-band");
  CHECK(j["options"]["delay_k"] == 7);
  CHECK(j["options"]["mad_window"] == 10);
  CHECK(j["options"]["threshold"] == "tail-max");
  CHECK(j["options"].contains("nab_refractory"));
  CHECK(j["options"].contains("rules_windows"));
  CHECK_FALSE(j["options"].contains("pot_risk"));  // only with --threshold pot
  const std::string partial = "partial: 1 of 3 series (--max-series 1), the first 300 points of each (--max-points 300)";
  CHECK(j["partial"] == partial);
  const std::string md = ReadAll(out / "report.md");
  CHECK(Contains(md, "**" + partial + "**"));
  CHECK(Contains(md, "Options: `--dataset kpi --data " + data +
                         " --max-series 1 --max-points 300 --detectors mad-band --delay-k 7 --nab-refractory 0.05 "
                         "--mad-window 10 --rules-max "));
  CHECK_FALSE(Contains(md, "--filter"));
  // The wall times as on the console: "<0.1 s" or "N.N s", never "0.0".
  INFO(md);
  CHECK(std::regex_search(md, std::regex("Total wall time (<0\\.1|[0-9]+\\.[0-9]) s\\.")));
  CHECK(std::regex_search(md, std::regex("\\| (<0\\.1|[0-9]+\\.[0-9]) s \\|\\n")));
  CHECK_FALSE(Contains(md, "0.0 s"));

  // The same --out again: refused, naming the folder and the files, nothing changed.
  const std::string before = ReadAll(out / "report.json");
  o.set.max_series = 0;
  o.set.max_points = 0;
  o.set.name_filter = "bbb";
  Result<DetectionReport> again = RunDetectCommand(o);
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().code() == StatusCode::kInvalidArgument);
  CHECK(again.status().message() == "--out " + out.string() +
                                        " holds the report of an earlier run (report.md, report.json); choose "
                                        "another folder, or pass --overwrite to replace it");
  CHECK(ReadAll(out / "report.json") == before);
  // --overwrite replaces it (which plots it removes: the next case).
  o.overwrite = true;
  o.plots = true;
  r = RunDetectCommand(o);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  const Json j2 = Json::parse(ReadAll(out / "report.json"));
  CHECK(j2["options"]["filter"] == "bbb");
  CHECK(j2["partial"] == "partial: 1 of 3 series (--filter bbb)");
  CHECK(Contains(ReadAll(out / "report.md"), "--filter bbb"));
  CHECK(fs::exists(out / "plots" / "bbb.svg"));

  // The whole dataset: no partial mark.
  o.set.name_filter.clear();
  o.out_dir = (scratch.path / "whole").string();
  o.plots = false;
  r = RunDetectCommand(o);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  const Json j3 = Json::parse(ReadAll(scratch.path / "whole" / "report.json"));
  CHECK(j3["partial"].is_null());
  CHECK_FALSE(Contains(ReadAll(scratch.path / "whole" / "report.md"), "partial"));
}

TEST_CASE("eval detect report: no anomalous test point anywhere reads F1 undefined, not 0.000") {
  // `vigil eval detect --dataset kpi --max-series 2 --max-points 4000`: the slices' test parts hold no
  // labeled point, and the console and Overall table said "point F1 0.000, PA F1 0.000, ...", which
  // reads as a detector that missed every anomaly.
  Scratch scratch;
  const fs::path dir = scratch.path / "normal";
  fs::create_directories(dir);
  {
    std::ofstream f(dir / "normal.csv");
    f << "timestamp,value,label\n";
    for (int i = 0; i < 400; ++i) {
      const bool spike = i == 50;  // in the training part only (the first 70%)
      f << 1'500'000'000 + 60 * i << "," << std::sin(i / 10.0) + (spike ? 8 : 0) + (i == 350 ? 5 : 0) << ","
        << (spike ? 1 : 0) << "\n";
    }
  }
  DetectCommandOptions o = MadBandRun(fs::weakly_canonical(dir).string(), scratch.path / "out");
  o.plots = false;
  std::vector<std::string> lines;
  o.log = [&](const std::string& l) { lines.push_back(l); };
  Result<DetectionReport> r = RunDetectCommand(o);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  const std::string md = ReadAll(scratch.path / "out" / "report.md");
  INFO(md);
  CHECK(Contains(md, "| mad-band | — | — | — | — | — | — / — |"));
  CHECK(Contains(md, "No scored series has an anomalous test point"));
  bool said = false;
  for (const std::string& l : lines) {
    CHECK_FALSE(Contains(l, "point F1 0.000"));
    said = said || Contains(l, "mad-band: no anomalous test point in the scored data, F1 undefined; ");
  }
  CHECK(said);
  // With anomalies in the test part (the KPI set of the case above), no such note.
  o.data_path = fs::weakly_canonical(WriteKpi(scratch.path)).string();
  o.out_dir = (scratch.path / "out3").string();
  r = RunDetectCommand(o);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK_FALSE(Contains(ReadAll(scratch.path / "out3" / "report.md"), "No scored series has an anomalous test point"));
}

// --overwrite removes the plots the earlier report links (an earlier run of eval detect wrote
// them; left, they would read as this run's), and no other file: before, every plots/*.svg this run
// did not write went, with or without --overwrite, even in a folder that held no report (an svg of
// the user's), and --no-plots left the earlier run's plots (README: "removed").
TEST_CASE("eval detect --overwrite: removes the earlier report's plots, nothing else") {
  Scratch scratch;
  const std::string data = WriteKpi(scratch.path);
  const fs::path out = scratch.path / "out";
  const fs::path plots = out / "plots";
  fs::create_directories(plots);
  std::ofstream(plots / "mine.svg") << "<svg/>";  // no report here: not eval detect's
  DetectCommandOptions o = MadBandRun(data, out);
  o.set.name_filter = "aaa";
  Result<DetectionReport> r = RunDetectCommand(o);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(fs::exists(plots / "aaa.svg"));
  CHECK(fs::exists(plots / "mine.svg"));
  // Another series: the earlier run's aaa.svg goes, mine.svg stays.
  o.overwrite = true;
  o.set.name_filter = "bbb";
  r = RunDetectCommand(o);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK_FALSE(fs::exists(plots / "aaa.svg"));
  CHECK(fs::exists(plots / "bbb.svg"));
  CHECK(fs::exists(plots / "mine.svg"));
  // --no-plots: the new report links none, so the earlier run's bbb.svg goes too.
  o.plots = false;
  r = RunDetectCommand(o);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK_FALSE(fs::exists(plots / "bbb.svg"));
  CHECK(fs::exists(plots / "mine.svg"));
}

TEST_CASE("CheckReportDir: a file is refused, an empty or new folder is not created") {
  Scratch scratch;
  const fs::path file = scratch.path / "afile";
  std::ofstream(file) << "x";
  Status st = CheckReportDir(file.string(), true);
  CHECK(st.code() == StatusCode::kInvalidArgument);
  CHECK(st.message() == "--out " + file.string() + " is not a folder");
  CHECK(CheckReportDir((scratch.path / "new").string(), false).ok());
  CHECK_FALSE(fs::exists(scratch.path / "new"));  // a refused run writes nothing
  fs::create_directories(scratch.path / "other");
  std::ofstream(scratch.path / "other" / "notes.txt") << "mine";
  CHECK(CheckReportDir((scratch.path / "other").string(), false).ok());  // other files: not a report
  std::ofstream(scratch.path / "other" / "report.json") << "{}";
  st = CheckReportDir((scratch.path / "other").string(), false);
  CHECK(Contains(st.message(), "holds the report of an earlier run (report.json)"));
  CHECK(CheckReportDir((scratch.path / "other").string(), true).ok());
}

TEST_CASE("CheckReportDir: a folder that cannot be made is refused before the run, naming why; nothing is made") {
  // DOCCHK (2026-12-04): `eval diagnose --out /proc/x` ran all 126 dev cases, `eval detect --out
  // FILE/x` every detector, and only then failed to make the folder.
  Scratch scratch;
  const fs::path file = scratch.path / "afile";
  std::ofstream(file) << "x";
  Status st = CheckReportDir((file / "ev").string(), false);
  CHECK(st.code() == StatusCode::kInvalidArgument);
  CHECK(st.message() == "--out " + (file / "ev").string() + ": cannot be made: " + file.string() + " is not a folder");
  st = CheckReportDir((file / "a" / "b").string(), false);
  CHECK(st.message() == "--out " + (file / "a" / "b").string() + ": cannot be made: " + file.string() + " is not a folder");
  st = CheckReportDir("/proc/vigil-no-such/ev", false);
  CHECK(st.code() == StatusCode::kInvalidArgument);
  CHECK(Contains(st.message(), "--out /proc/vigil-no-such/ev: cannot be made: making /proc/vigil-no-such: "));
  // Deeper new folders under a writable one are fine, and the probe leaves nothing behind.
  CHECK(CheckReportDir((scratch.path / "n1" / "n2" / "n3").string(), false).ok());
  CHECK_FALSE(fs::exists(scratch.path / "n1"));
  CHECK(CheckReportDir((scratch.path / "n4").string() + "/", false).ok());
  CHECK_FALSE(fs::exists(scratch.path / "n4"));
}

}  // namespace
}  // namespace vigil
