#include "evals/detection_benchmark.h"

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "evals/detection_aggregate.h"
#include "evals/detection_peers.h"

namespace vigil {
namespace {

EvalSet TinySet() {
  // One unit of 10 points, training part [0, 4); test labels: a segment at 6..7.
  EvalSet set;
  set.dataset = "kpi";
  EvalUnit u;
  u.name = "s";
  u.split = 4;
  u.train_labels = {0, 1, 0, 0};
  TimeSeries ts;
  ts.name = "s";
  for (int i = 0; i < 10; ++i) {
    ts.timestamps_ms.push_back(i * 60'000);
    ts.values.push_back(i == 6 ? 50 : 1);
  }
  u.members.push_back(ts);
  set.units.push_back(u);
  set.truth.push_back({ts.timestamps_ms, {0, 1, 0, 0, 0, 0, 1, 1, 0, 0}, {}});
  return set;
}

// A report over `set` with one scored detector per (name, flags of the one unit).
DetectionReport ReportOf(const EvalSet& set, const std::vector<std::pair<std::string, std::vector<uint8_t>>>& runs) {
  DetectionReport report;
  report.set = set;
  for (const auto& [name, flags] : runs) {
    Result<DetectorResult> r = ScoreDetector(set, name, {flags}, 7);
    REQUIRE(r.ok());
    report.results.push_back(*r);
  }
  return report;
}

// Wall times in eval detect's output had three forms: the summary "wall time 0 s", "1 s",
// "1.1 s" (a rounded double streamed as is), the progress lines "(0.0 s)" and "in 0.0 s".
TEST_CASE("FormatWallSeconds: one decimal, and <0.1 s for a step under 0.05 s") {
  CHECK(FormatWallSeconds(0) == "<0.1 s");
  CHECK(FormatWallSeconds(0.049) == "<0.1 s");
  CHECK(FormatWallSeconds(0.051) == "0.1 s");
  CHECK(FormatWallSeconds(1) == "1.0 s");
  CHECK(FormatWallSeconds(1.14) == "1.1 s");
  CHECK(FormatWallSeconds(125.26) == "125.3 s");
  CHECK(FormatWallSeconds(std::nan("")) == "<0.1 s");
}

TEST_CASE("ScoreDetector scores only the test part") {
  EvalSet set = TinySet();
  // A flag in the training part (index 1, a labeled anomaly) must not count; index 7 hits the
  // test segment late (its second point), index 9 is a false positive.
  Result<DetectorResult> r = ScoreDetector(set, "d", {{0, 1, 0, 0, 0, 0, 0, 1, 0, 1}}, 0);
  REQUIRE(r.ok());
  CHECK(r->total.point == Counts{1, 1, 1});
  CHECK(r->total.pa == Counts{2, 1, 0});
  CHECK(r->total.dc_pa == Counts{0, 1, 2});  // k = 0: the flag came one point late
  CHECK(r->total.event == Counts{1, 1, 0});
  CHECK(r->flags[0][1] == 0);  // zeroed training part
  // Wrong shapes are errors.
  CHECK_FALSE(ScoreDetector(set, "d", {}, 0).ok());
  CHECK_FALSE(ScoreDetector(set, "d", {{0, 1}}, 0).ok());
}

TEST_CASE("MacroDcPaF1: mean per-series dc-PA F1 over series with anomalies") {
  DetectorResult r;
  CHECK(std::isnan(MacroDcPaF1(r)));
  DetectionCounts caught, missed, clean;
  caught.dc_pa = Counts{2, 0, 0};  // F1 1
  missed.dc_pa = Counts{0, 3, 2};  // F1 0
  clean.dc_pa = Counts{0, 5, 0};   // no anomaly: not averaged (its false alarms count in micro)
  r.per_unit = {caught, missed, clean};
  CHECK(MacroDcPaF1(r) == doctest::Approx(0.5));
}

TEST_CASE("MAD band scores: deviation from the trailing median in MAD units") {
  std::vector<double> v = {1, 2, 3, 2, 1, 10};
  std::vector<double> s = MadBandScores(v, 5);
  CHECK(std::isnan(s[4]));
  // Window {1,2,3,2,1}: median 2, |dev| {1,0,1,0,1} → MAD 1; (10 − 2)/1.4826.
  CHECK(s[5] == doctest::Approx(8 / 1.4826));
}

// Issue 4 (P2): `vigil eval detect --detectors mad-band --mad-window 0` crashed (SIGSEGV): the
// median of an empty window read buf[0]; a window near SIZE_MAX threw from vector::reserve.
TEST_CASE("MAD band: window 0 or past the series gives no score; the detectors refuse window 0") {
  std::vector<double> v = {1, 2, 3, 2, 1, 10};
  for (size_t w : {size_t{0}, size_t{6}, std::numeric_limits<size_t>::max()}) {
    std::vector<double> s = MadBandScores(v, w);
    REQUIRE(s.size() == v.size());
    for (double x : s) CHECK(std::isnan(x));
  }
  EvalUnit u;
  u.name = "u";
  TimeSeries ts;
  ts.name = "u";
  for (int i = 0; i < 40; ++i) {
    ts.timestamps_ms.push_back(i * 1000);
    ts.values.push_back(i % 3);
  }
  u.members.push_back(ts);
  u.split = 30;
  Result<std::vector<std::vector<uint8_t>>> r = MadBandDetector(0, {}).Run({u});
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  CHECK(r.status().message().find("window") != std::string::npos);
  Result<std::vector<std::vector<uint8_t>>> agg =
      AggregateRulesDetector(0, {}, TrainerOptions{}, AggregationOptions{}).Run({u});
  CHECK(agg.status().code() == StatusCode::kInvalidArgument);
  CHECK(MadBandDetector(5, {}).Run({u}).ok());
}

TEST_CASE("thresholds come from the training part only") {
  EvalUnit u;
  u.split = 6;
  // Unlabeled: threshold = max training score (3); test scores above it are flagged.
  UnitScores scores = {{1, 2, 3, 1, 2, 1, 2.5, 3.5, 9, NAN}};
  std::vector<double> chosen;
  std::vector<uint8_t> f = FlagsFromScores(u, scores, {}, &chosen);
  CHECK(chosen == std::vector<double>{3});
  CHECK(f == std::vector<uint8_t>{0, 0, 0, 0, 0, 0, 0, 1, 1, 0});
  // Labeled: the anomaly at index 1 (score 2) is caught by the best threshold below it, while a
  // test-part label could not have changed the choice (labels are only given for [0, split)).
  u.train_labels = {0, 1, 0, 0, 0, 0};
  scores = {{0.1, 2, 0.2, 0.3, 0.1, 0.2, 0.5, 0.1, 0.1, 0.1}};
  chosen.clear();
  ThresholdOptions o;
  o.objective = Objective::kPoint;
  f = FlagsFromScores(u, scores, o, &chosen);
  REQUIRE(chosen.size() == 1);
  CHECK(chosen[0] < 2);
  CHECK(chosen[0] >= 0.3);
  CHECK(f[1] == 1);
  CHECK(f[6] == 1);
  CHECK(f[7] == 0);
}

TEST_CASE("LoadEvalSet: KPI slice is split 70/30 and test labels are kept from detectors") {
  EvalSetOptions o;
  o.max_series = 2;
  o.max_points = 1000;
  Result<EvalSet> set = LoadEvalSet("kpi", "../shared/datasets/kpi/train", o);
  REQUIRE(set.ok());
  REQUIRE(set->units.size() == 2);
  CHECK(set->units[0].split == 700);
  CHECK(set->units[0].train_labels.size() == 700);
  CHECK_FALSE(set->units[0].members[0].has_anomaly_labels());
  CHECK(set->truth[0].labels.size() == 1000);
  CHECK_FALSE(LoadEvalSet("yahoo", "x").ok());
}

TEST_CASE("LoadEvalSet: NAB uses the probationary period as the unlabeled training part") {
  EvalSetOptions o;
  o.name_filter = "realKnownCause/nyc_taxi";
  Result<EvalSet> set = LoadEvalSet("nab", "../shared/datasets/nab", o);
  REQUIRE(set.ok());
  REQUIRE(set->units.size() == 1);
  CHECK(set->units[0].split == 750);
  CHECK(set->units[0].train_labels.empty());
  CHECK(set->truth[0].windows.size() == 5);
  // A perfect detector (flags at each window's first point) scores 100 on NAB.
  std::vector<uint8_t> flags(set->truth[0].labels.size(), 0);
  for (size_t i = 0; i < flags.size(); ++i)
    flags[i] = set->truth[0].labels[i] && (i == 0 || !set->truth[0].labels[i - 1]);
  set->dataset = "nab";
  Result<DetectorResult> r = ScoreDetector(*set, "perfect", {flags}, 7);
  REQUIRE(r.ok());
  CHECK(r->nab_total[0].Normalized() == doctest::Approx(100.0));
}

TEST_CASE("ScoreOverThreshold: the largest member score over its own threshold") {
  const double nan = NAN;
  const std::vector<double> r = ScoreOverThreshold({{2, nan, 8, 1}, {1, nan, 3, nan}}, {4, 0.5});
  REQUIRE(r.size() == 4);
  CHECK(r[0] == doctest::Approx(2));  // max(2/4, 1/0.5)
  CHECK(std::isnan(r[1]));
  CHECK(r[2] == doctest::Approx(6));
  CHECK(r[3] == doctest::Approx(0.25));
  const std::vector<double> zero = ScoreOverThreshold({{0, 0.1}}, {0});
  CHECK(zero[0] == 0);
  CHECK(std::isinf(zero[1]));  // flagged by a zero threshold, whatever the corpus multiplier
}

TEST_CASE("NabCorpusOptimum: NAB's own corpus threshold, chosen with the labels, reported apart") {
  EvalSetOptions o;
  o.name_filter = "realKnownCause/nyc_taxi";
  Result<EvalSet> set = LoadEvalSet("nab", "../shared/datasets/nab", o);
  REQUIRE(set.ok());
  // Score 1 at each window's first point, 0.5 at 30 scattered points outside windows, 0 elsewhere:
  // the best threshold (≥ 1) keeps the windows' points only (a perfect 100).
  const std::vector<uint8_t>& labels = set->truth[0].labels;
  std::vector<double> score(labels.size(), 0.0);
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] && (i == 0 || !labels[i - 1])) score[i] = 1;
  }
  int decoys = 0;
  for (size_t i = set->units[0].split; i < labels.size() && decoys < 30; i += 300) {
    if (!labels[i]) {
      score[i] = 0.5;
      ++decoys;
    }
  }
  Result<NabCorpusThreshold> c = NabCorpusOptimum(*set, {score}, 0);
  REQUIRE(c.ok());
  CHECK(c->available);
  CHECK(c->candidates >= 2);
  // "> 0.5" and "≥ 1" flag the same points; the first found is kept.
  CHECK(c->threshold[0] == 0.5);
  CHECK(c->strict[0]);
  CHECK(c->total[0].Normalized() == doctest::Approx(100.0));
  CHECK(c->total[0].false_positives == 0);
  // Each window's first point at exactly 1 (the files' own threshold), its later points rising
  // above 1, and 3000 distinct decoys just below 1: only "≥ 1" detects every window at its start
  // with no false positive, and no quantile of the pooled scores need land on 1 (a value of a few
  // points among ~4000 distinct ones; strict ">" never flags it). The optimum is never less than
  // the label-free figure.
  std::vector<double> dense(labels.size(), 0.0);
  int placed = 0;
  for (size_t i = set->units[0].split, in_window = 0; i < labels.size(); ++i) {
    in_window = labels[i] ? in_window + 1 : 0;
    if (labels[i]) dense[i] = 1.0 + 1e-6 * static_cast<double>(in_window - 1);
    else if (placed < 3000) dense[i] = 0.5 + 0.4999 * static_cast<double>(placed++) / 3000;
  }
  REQUIRE(placed == 3000);
  c = NabCorpusOptimum(*set, {dense}, 0);
  REQUIRE(c.ok());
  CHECK(c->threshold[0] == 1.0);
  CHECK_FALSE(c->strict[0]);
  CHECK(c->total[0].Normalized() == doctest::Approx(100.0));
  // With no score in the scored part above the decoys the optimum can only be partial.
  for (double& v : score) v = v == 1 ? 0.5 : (v == 0.5 ? 1 : v);
  c = NabCorpusOptimum(*set, {score}, 0);
  REQUIRE(c.ok());
  CHECK(c->total[0].Normalized() < 100.0);
  // Shapes are checked.
  Result<NabCorpusThreshold> bad = NabCorpusOptimum(*set, {{1, 2, 3}}, 0);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("has 3 scores for") != std::string::npos);
  CHECK_FALSE(NabCorpusOptimum(*set, {}, 0).ok());
}

TEST_CASE("LoadEvalSet: SMD machine = one unit of 38 dimensions, train then test") {
  EvalSetOptions o;
  o.name_filter = "machine-1-6";
  o.max_points = 300;
  Result<EvalSet> set = LoadEvalSet("smd", "../shared/datasets/smd", o);
  REQUIRE(set.ok());
  REQUIRE(set->units.size() == 1);
  CHECK(set->units[0].members.size() == 38);
  CHECK(set->units[0].split == 300);
  CHECK(set->units[0].members[0].size() == 600);
  CHECK(set->truth[0].labels.size() == 600);
}

TEST_CASE("report: JSON, Markdown and SVG name every series and detector") {
  EvalSet set = TinySet();
  Result<DetectorResult> r = ScoreDetector(set, "d", {{0, 0, 0, 0, 0, 0, 1, 0, 0, 0}}, 7);
  REQUIRE(r.ok());
  DetectionReport report;
  report.set = set;
  report.results.push_back(*r);
  DetectorResult failed;
  failed.name = "broken";
  failed.status = UnavailableError("no python");
  report.results.push_back(failed);
  Json j = report.ToJson(7);
  CHECK(j["detectors"][0]["overall"]["pa"]["f1"].get<double>() == doctest::Approx(1.0));
  CHECK(j["detectors"][1]["error"].get<std::string>().find("no python") != std::string::npos);
  std::string md = report.ToMarkdown(7);
  CHECK(md.find("| d | 0.667 | 1.000 | 1.000 | 1.000 |") != std::string::npos);
  CHECK(md.find("failed: no python") != std::string::npos);
  std::string svg = RenderUnitSvg(set.units[0], set.truth[0], {&report.results[0]}, 0);
  CHECK(svg.rfind("<svg", 0) == 0);
  // Label shading and flag ticks in two hues a colour-blind reader tells apart (before 2026-12-03,
  // SM: both red, #f4a0a0 and #d62728), and a legend naming both.
  CHECK(svg.find("fill=\"#56b4e9\" opacity=\"0.3\"") != std::string::npos);  // label shading
  CHECK(svg.find("stroke=\"#d55e00\"") != std::string::npos);                  // a flag tick
  CHECK(svg.find("#f4a0a0") == std::string::npos);
  CHECK(svg.find("#d62728") == std::string::npos);
  CHECK(svg.find(">labeled anomaly (ground truth)<") != std::string::npos);
  CHECK(svg.find(">detector flag<") != std::string::npos);
  CHECK(svg.find(">train / test split<") != std::string::npos);
}

// A peer's error carries its log's tail, several lines (e.g. "iforest peer failed (exit 3): CMD\n
// iforest_peer: missing dependency ..."): before 2026-11-30 (U) it went into the Overall table
// as is, so the row ended at the first newline and the log line after it fell out of the table.
TEST_CASE("report: a failed detector's multi-line error stays in one Markdown table row") {
  DetectionReport report = ReportOf(TinySet(), {{"d", {0, 0, 0, 0, 0, 0, 1, 0, 0, 0}}});
  report.results.emplace_back();
  report.results.back().name = "iforest";
  report.results.back().status =
      UnavailableError("iforest peer failed (exit 3): 'py' a > log 2>&1\nmissing dependency | numpy\n");
  const std::string md = report.ToMarkdown(7);
  const size_t begin = md.find("## Overall");
  const size_t end = md.find("\n\n", md.find("|---|", begin));
  REQUIRE(begin != std::string::npos);
  std::string table = md.substr(begin, end - begin);
  table = table.substr(table.find("\n\n") + 2);  // past the heading
  size_t rows = 0, pos = 0;
  while (pos < table.size()) {
    const size_t nl = std::min(table.find('\n', pos), table.size());
    const std::string line = table.substr(pos, nl - pos);
    CAPTURE(line);
    CHECK(line.front() == '|');
    CHECK(line.back() == '|');
    ++rows;
    pos = nl + 1;
  }
  CHECK(rows == 4);  // header, rule, d, iforest
  CHECK(md.find("| iforest | failed: iforest peer failed (exit 3): 'py' a > log 2>&1 missing dependency \\| numpy |") !=
        std::string::npos);
}

// Before 2026-11-30 (U) a plot had no numbers at all: no value scale, no time, and on SMD eight
// coloured lines (the first 8 of 38 dimensions, each min-max normalised) with nothing saying
// which colour was which dimension or that they were normalised.
TEST_CASE("SVG plot: value range, times of start / split / end, and a legend of the members drawn") {
  EvalSet set = TinySet();  // values 1 .. 50, split at point 4, points one minute apart
  Result<DetectorResult> r = ScoreDetector(set, "d", {{0, 0, 0, 0, 0, 0, 1, 0, 0, 0}}, 7);
  REQUIRE(r.ok());
  std::string svg = RenderUnitSvg(set.units[0], set.truth[0], {&*r}, 0);
  CHECK(svg.find(">max 50<") != std::string::npos);
  CHECK(svg.find(">min 1<") != std::string::npos);
  CHECK(svg.find(">1970-01-01T00:03:00Z<") != std::string::npos);            // first point drawn
  CHECK(svg.find(">test from 1970-01-01T00:04:00Z<") != std::string::npos);  // the split
  CHECK(svg.find(">1970-01-01T00:09:00Z<") != std::string::npos);            // last point
  // SMD has no clock (rows counted as minutes from 1970): before 2026-11-30 (review RV-U) its
  // plots read "test from 1970-01-17T10:48:00Z" (machine-1-6), dates the data never had.
  const std::string rows = RenderUnitSvg(set.units[0], set.truth[0], {&*r}, 0, /*minute_rows=*/true);
  CHECK(rows.find(">minute 3<") != std::string::npos);
  CHECK(rows.find(">test from minute 4<") != std::string::npos);
  CHECK(rows.find(">minute 9<") != std::string::npos);
  CHECK(rows.find("1970") == std::string::npos);
  // Ten members (an SMD machine): the first eight are drawn, named in the legend in their colour.
  EvalUnit many = set.units[0];
  many.members.clear();
  for (int m = 0; m < 10; ++m) {
    TimeSeries ts = set.units[0].members[0];
    ts.name = "machine-x/dim" + std::to_string(m);
    for (double& v : ts.values) v = v * (m + 1);
    many.members.push_back(ts);
  }
  svg = RenderUnitSvg(many, set.truth[0], {&*r}, 0);
  CHECK(svg.find(">machine-x/dim0<") != std::string::npos);
  CHECK(svg.find(">machine-x/dim7<") != std::string::npos);
  CHECK(svg.find(">machine-x/dim8<") == std::string::npos);
  CHECK(svg.find("8 of 10 members drawn, each min-max normalised") != std::string::npos);
  CHECK(svg.find(">max 50<") == std::string::npos);  // no common scale to show
}

// Before 2026-11-30 (U) the Overall table printed `nan` there (a KPI slice whose test part has
// no anomaly: eval detect --filter 05f10d3a --max-points 5000); report.json leaves the key out.
TEST_CASE("report: dc-PA F1 macro with no series holding anomalous test points reads — in Markdown, not nan") {
  EvalSet set = TinySet();
  set.truth[0].labels = {0, 1, 0, 0, 0, 0, 0, 0, 0, 0};  // the one anomaly is in the training part
  DetectionReport report = ReportOf(set, {{"d", {0, 0, 0, 0, 0, 0, 1, 0, 0, 0}}});
  const std::string md = report.ToMarkdown(7);
  CHECK(md.find("nan") == std::string::npos);
  // Every figure of that row is undefined (since 2026-12-03, DOG2: the F1s read 0.000, as if the
  // detector had missed every anomaly): detection_report_test "... no anomalous test point ...".
  CHECK(md.find("| d | — | — | — | — | — | — / — |") != std::string::npos);
  CHECK_FALSE(report.ToJson(7)["detectors"][0].contains("dc_pa_macro_f1"));
}

// A series without anomalous test points has no F1 (0 by convention) and, in NAB, no normalised
// score (0/0, shown 0.0): before 2026-11-30 (U) its cell read "0.00 / 0.00 / 0.00 / 0.00 / 0.0"
// for a quiet detector and for one with 10 false-positive points alike (NAB art_noisy, mad-band).
TEST_CASE("report: a series with no anomalous test point shows its flagged points, not zeros") {
  EvalSet set = TinySet();
  set.truth[0].labels = {0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
  DetectionReport report =
      ReportOf(set, {{"noisy", {0, 0, 0, 0, 0, 1, 1, 0, 1, 0}}, {"quiet", {0, 0, 0, 0, 0, 0, 0, 0, 0, 0}}});
  const std::string md = report.ToMarkdown(7);
  CHECK(md.find("| 0 | no anomaly: 3 flagged | no anomaly: 0 flagged |") != std::string::npos);
}

// NAB's normalised score is 100 (raw - null) / (perfect - null); with no window both are 0, and
// before 2026-11-30 (review RV-U) 0/0 was written as a score of 0: the Overall row of a NAB
// selection without windows read `0.0` (eval detect --dataset nab --filter artificialNoAnomaly,
// mad-band, 20 false-positive points), and report.json gave every window-less file `"score": 0`,
// as if a detector had scored 0 there, while report.md said it has no normalised score.
TEST_CASE("report: NAB with no window has no normalised score (— in Markdown, null in JSON)") {
  EvalSet set = TinySet();
  set.dataset = "nab";
  set.truth[0].labels.assign(10, 0);
  DetectionReport report = ReportOf(set, {{"d", {0, 0, 0, 0, 0, 1, 0, 0, 0, 0}}});
  REQUIRE(report.results[0].nab_total[0].windows == 0);
  const std::string md = report.ToMarkdown(7);
  CHECK(md.find("| — / — | — | — | — |") != std::string::npos);  // no window: no F1 either (DOG2)
  const Json j = report.ToJson(7);
  CHECK(j["detectors"][0]["nab"]["standard"]["score"].is_null());
  CHECK(j["detectors"][0]["nab"]["standard"]["raw"].get<double>() < 0);  // the false positive
  CHECK(j["detectors"][0]["per_series"][0]["nab"]["standard"]["score"].is_null());
  // With a window the score is a number.
  set.truth[0].labels[6] = 1;
  set.truth[0].windows = {{6 * 60'000, 7 * 60'000}};
  DetectionReport scored = ReportOf(set, {{"d", {0, 0, 0, 0, 0, 0, 1, 0, 0, 0}}});
  CHECK(scored.ToJson(7)["detectors"][0]["nab"]["standard"]["score"].is_number());
}

// `eval detect --no-plots` writes no SVG: before 2026-11-30 (review RV-U) report.md still linked
// every series to plots/<name>.svg (dangling links, or a stale plot of an earlier run into the
// same --out), and an empty plots/ folder was made.
TEST_CASE("report: series link to their plots only when plots are written") {
  DetectionReport report = ReportOf(TinySet(), {{"d", {0, 0, 0, 0, 0, 0, 1, 0, 0, 0}}});
  CHECK(report.ToMarkdown(7).find("| [s](plots/s.svg) | 2 |") != std::string::npos);
  report.plots = false;
  const std::string md = report.ToMarkdown(7);
  CHECK(md.find("plots/") == std::string::npos);
  CHECK(md.find("| s | 2 |") != std::string::npos);
}

TEST_CASE("AlertOnsets keeps run starts and drops onsets inside the refractory") {
  const std::vector<uint8_t> flags = {0, 1, 1, 0, 1, 0, 0, 0, 0, 1, 1, 0};
  CHECK(AlertOnsets(flags, 0) == std::vector<uint8_t>{0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0});
  // Refractory 5: the onset at 4 is 3 after the kept onset at 1 (dropped); 9 is 8 after it (kept).
  CHECK(AlertOnsets(flags, 5) == std::vector<uint8_t>{0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0});
  // Measured from the last KEPT onset, so a chain of dropped onsets cannot extend the dead time.
  CHECK(AlertOnsets({1, 0, 1, 0, 1, 0, 1}, 4) == std::vector<uint8_t>{1, 0, 0, 0, 1, 0, 0});
  CHECK(AlertOnsets({}, 3).empty());
}

}  // namespace
}  // namespace vigil

namespace vigil {
namespace {

TEST_CASE("LoadEvalSet smd-train: train/ files only, 80/20, the scored part all normal") {
  // A folder with a train/ file and no test/ or test_label/: the forward check must not need them.
  const std::filesystem::path root = std::filesystem::temp_directory_path() / "vigil_smd_train_forward";
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root / "train");
  {
    std::ofstream f(root / "train" / "machine-9-9.txt");
    for (int r = 0; r < 50; ++r) {
      for (int d = 0; d < 38; ++d) f << (d ? "," : "") << (r * 38 + d) % 7 / 7.0;
      f << "\n";
    }
  }
  Result<EvalSet> set = LoadEvalSet("smd-train", root.string());
  REQUIRE(set.ok());
  CHECK(set->dataset == "smd-train");
  REQUIRE(set->units.size() == 1);
  const EvalUnit& u = set->units[0];
  CHECK(u.name == "machine-9-9");
  CHECK(u.members.size() == 38);
  CHECK(u.members[0].size() == 50);
  CHECK(u.split == 40);
  CHECK(u.train_labels.empty());
  CHECK_FALSE(u.members[0].has_anomaly_labels());
  REQUIRE(set->truth[0].labels.size() == 50);
  for (uint8_t l : set->truth[0].labels) CHECK(l == 0);
  // Every flag in the scored part is a false positive.
  std::vector<uint8_t> flags(50, 0);
  flags[10] = flags[45] = flags[46] = 1;
  Result<DetectorResult> r = ScoreDetector(*set, "d", {flags}, 7);
  REQUIRE(r.ok());
  CHECK(r->total.point == Counts{0, 2, 0});
  // The normal SMD loader still needs test/.
  CHECK_FALSE(LoadEvalSet("smd", root.string()).ok());
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace vigil
