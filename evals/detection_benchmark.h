// The detection benchmark behind `vigil eval detect`: split a public dataset into a training and a
// test part, run every detector on the same split, score with every metric of detectors/scoring.h,
// and write a report (Markdown + JSON + one SVG per scored series).
//
// Splits (the test labels never reach a detector; see evals/README.md):
//   kpi: each series of the folder split chronologically, first 70% train / last 30% test. The
//        shared kpi/train folder is itself the released first 70% of the KPI challenge data, so
//        this is a 70/30 split of that 70%.
//   smd: train/ files (unlabeled, assumed mostly normal) and test/ files; a machine (38 dims) is
//        one scored series, flagged where any of its dimensions is flagged.
//   smd-train: a label-free check of thresholds, not a benchmark: the train/ files only, each
//        machine's first 80% as the training part and its last 20% scored as all normal (every
//        flag is a false positive; nothing of test/ or test_label/ is read). The false-positive
//        points / scored points is a detector's out-of-sample flag rate on data assumed mostly
//        normal — for a POT threshold, to set beside its risk q.
//   nab: NAB's protocol: the whole file is run, the probationary period (first 15%, ≤ 750 points)
//        is the unlabeled training part and is not scored; thresholds come from it, not labels.
//        The NAB score counts alert onsets (the first point of each run of flags) as detections;
//        the F1 metrics use every flagged point.
//   gpu: recorded GPU training runs with planted incidents (data/gpu_telemetry/): each series of a
//        run split at the run's `normal_end`, the incident-free history before it the unlabeled
//        training part; the report adds each run's incidents caught or missed (evals/detection_gpu.h).
//
// Detectors:
//   "mad":     rolling median/MAD band (C++): |x − median(last W)| / (1.4826·MAD); threshold chosen
//              on the training part (best objective F1 there when labeled, else a high quantile).
//   "iforest": scikit-learn IsolationForest on windowed features, via /usr/bin/python3
//              evals/iforest_peer.py; threshold chosen on the training part the same way.
//   "rules":   rules trained by training/ (builtin proposer) on the training part, run by the
//              detectors/ engine — see RulesDetector in evals/detection_detectors.h.
//
// Thread safety: RunDetectionBenchmark is not reentrant for the same out_dir.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "core/time_series.h"
#include "connectors/llm_client.h"
#include "detectors/readers.h"
#include "detectors/scoring.h"

namespace vigil {

// One scored series and what a detector may see of it.
struct EvalUnit {
  std::string name;                   // KPI id, NAB <group>/<file>, SMD machine
  std::vector<TimeSeries> members;    // full history (train then test), anomaly_labels removed
  size_t split = 0;                   // points [0, split) are training, [split, n) are scored
  std::vector<uint8_t> train_labels;  // size split when the training part is labeled, else empty
};

// Ground truth, kept away from detectors.
struct EvalTruth {
  std::vector<int64_t> timestamps_ms;  // full length
  std::vector<uint8_t> labels;         // full length
  std::vector<AnomalyWindow> windows;  // NAB windows (nab only)
};

// A planted incident of a recorded run (dataset "gpu", evals/detection_gpu.h): its window in Unix
// seconds, [start_s, end_s), and the series it was expected to move.
struct EvalIncident {
  struct Expected {
    std::string series;  // series name without labels, e.g. "compute_ms"
    std::string scope;   // "job" (any labels), "rank:1" (label rank = 1), "gpu:*" (any gpu)
  };
  std::string name;
  double start_s = 0;
  double end_s = 0;
  std::vector<Expected> expected;
};

// One recorded run of the "gpu" dataset: its incidents and the units made from its series. Ground
// truth, like EvalTruth: kept away from detectors.
struct EvalRun {
  std::string name;             // NAME of NAME.csv / NAME.json
  double t0_s = 0;              // the run's start (Unix s)
  double normal_end_s = 0;      // points before it are the training part
  double recorded_end_s = NAN;  // t0 + the json's `seconds` when given, else NaN
  std::vector<EvalIncident> incidents;
  std::vector<size_t> units;    // indices into EvalSet::units
};

struct EvalSet {
  std::string dataset;  // "kpi", "smd", "nab", "smd-train", "gpu"
  std::string split_description;
  std::string input_notes;  // rows the reader skipped (bad-row policy), with examples
  std::vector<EvalUnit> units;
  std::vector<EvalTruth> truth;  // parallel to units
  std::vector<EvalRun> runs;     // "gpu" only: the report's on-call view (evals/detection_gpu.h)
};

struct EvalSetOptions {
  std::string name_filter;      // substring of series names (smd: `<machine>/dim<N>`, a machine or a dimension)
  size_t max_series = 0;        // 0 = all
  size_t max_points = 0;        // 0 = all; per series, before splitting (small slices for tests)
  double train_fraction = 0.7;  // kpi only
  // The public data has a few bad rows (NAB's ec2_disk_write_bytes_1ef3de repeats a timestamp at
  // a DST change): by default they are skipped, counted and named in the report.
  BadRowPolicy bad_rows = BadRowPolicy::kSkip;
};

// Reads and splits `dataset` ("kpi", "smd", "nab", "smd-train", "gpu") at `path` (the folder the
// reader takes; smd-train: the SMD folder; gpu: a folder of NAME.csv + NAME.json runs, see
// evals/detection_gpu.h).
[[nodiscard]] Result<EvalSet> LoadEvalSet(const std::string& dataset, const std::string& path,
                                          const EvalSetOptions& options = {});

// A detector under test: flags for every unit, each of full length (flags before `split` are
// ignored). Must not read anything but the EvalUnits.
class BenchDetector {
 public:
  virtual ~BenchDetector() = default;
  virtual std::string name() const = 0;
  [[nodiscard]] virtual Result<std::vector<std::vector<uint8_t>>> Run(const std::vector<EvalUnit>& units) = 0;
  // Extra facts for the report (chosen thresholds, rules learned, tokens); may be empty.
  virtual Json Details() const { return Json::object(); }
  // The continuous score behind the last Run's flags, one series per unit (full length, NaN = no
  // score), divided by the unit's own label-free threshold, so 1 is where the unit is flagged and
  // units compare (as NAB's anomaly likelihoods do); null for detectors without a score (trained
  // rules). Used only by the separately reported NAB corpus-threshold figures below.
  virtual const std::vector<std::vector<double>>* LastScores() const { return nullptr; }
  // Tokens the last Run sent to and got from an LLM (zero for detectors that use none); the
  // report prints them beside the wall time.
  virtual TokenUsage LlmUsage() const { return {}; }
};

// One setting of the run a report records (`vigil eval detect`'s option, as resolved): report.json
// `options` {key: value}, report.md's header as `flag value`. A null value is recorded as null and
// left out of the header (an option not given whose absence means something: --filter, --rules-vote).
struct ReportOption {
  std::string flag;  // "--max-series"
  std::string key;   // "max_series"
  Json value;
};

struct DetectionBenchmarkOptions {
  std::string dataset;
  std::string data_path;
  std::string out_dir;  // report.md, report.json, plots/*.svg
  // An out_dir already holding report.md or report.json is refused unless this is set (then the
  // report is replaced, and the plots the earlier report.md links that this run does not write
  // are removed; no other file).
  bool overwrite = false;
  // What the report records as the run's options (RunDetectCommand fills it; may be empty).
  std::vector<ReportOption> recorded_options;
  EvalSetOptions set;
  int delay_k = 7;
  // NAB only: after an alert onset, further onsets within this fraction of the file's length are
  // suppressed (a refractory / dead time; label-free, applied to every detector alike). NAB counts
  // every detection point, so a detector that re-fires during one incident pays for each onset.
  // 0 disables. Fixed a priori at 5% (NAB's own windows cover 10% of a file in total).
  double nab_refractory_fraction = 0.05;
  bool plots = true;
  std::function<void(const std::string&)> log;  // progress lines; may be empty
};

// Alert onsets of `flags`: the first point of each run of flags, then (when `refractory` > 0)
// onsets closer than `refractory` points after the previous kept onset dropped. Pure; no labels.
std::vector<uint8_t> AlertOnsets(const std::vector<uint8_t>& flags, size_t refractory);

// NAB's OWN threshold protocol, reported apart from ours: NAB's optimiser picks, per profile, the
// one threshold on a detector's score that maximises the score of the whole corpus — with the
// corpus's labels. Published NAB scores are made this way; our protocol instead takes every
// threshold from each file's unlabeled probationary part. The two are never mixed.
struct NabCorpusThreshold {
  bool available = false;                 // the detector has a score
  double threshold[3] = {NAN, NAN, NAN};  // by profile (kNabProfiles order)
  bool strict[3] = {false, false, false};  // flags were score > threshold (else score ≥ threshold)
  NabFileScore total[3];
  int candidates = 0;
};

// Sweeps thresholds on LastScores (quantiles 1 − 10^−a of the scored parts' pooled finite scores, a = 0.3 …
// 5 in steps of 0.05; 1, each file's own label-free threshold; +∞, no detection), each with flags
// score ≥ threshold and score > threshold (CAD OSE / KNN-CAD flag at ≥ 1, the score-quantile peers
// at > 1, so the optimum is never below a detector's label-free figure), and keeps each profile's
// best corpus score. Detections are counted as in ScoreDetector (alert onsets, refractory).
[[nodiscard]] Result<NabCorpusThreshold> NabCorpusOptimum(const EvalSet& set,
                                                          const std::vector<std::vector<double>>& scores,
                                                          double nab_refractory_fraction);

struct DetectorResult {
  std::string name;
  double wall_s = 0;
  Status status;  // a detector that failed is reported, not dropped
  DetectionCounts total;
  std::vector<DetectionCounts> per_unit;
  NabFileScore nab_total[3];  // by profile (kNabProfiles order); nab only
  std::vector<std::array<NabFileScore, 3>> nab_per_unit;
  std::vector<std::vector<uint8_t>> flags;  // per unit, full length
  Json details;
  NabCorpusThreshold nab_corpus;  // nab only, detectors with a score
  TokenUsage llm_usage;           // BenchDetector::LlmUsage after the run
};

// Macro average of the per-series dc-PA F1: the mean over series whose test part holds at least
// one anomalous point (others have no defined recall). The micro figure (counts summed first) is
// dominated by the longest segments; this one weighs every series alike. NaN when no series has
// an anomaly.
double MacroDcPaF1(const DetectorResult& result);

struct DetectionReport {
  EvalSet set;
  std::vector<DetectorResult> results;
  double wall_s = 0;
  std::vector<ReportOption> options;  // the run's options (DetectionBenchmarkOptions::recorded_options)
  // "" for a run over the whole dataset; else what --filter / --max-series / --max-points kept,
  // e.g. "partial: 3 of 58 series (--max-series 3), the first 3000 points of each (--max-points
  // 3000)". report.json `partial`, report.md's header.
  std::string partial;
  // plots/<series>.svg are written beside report.md (eval detect without --no-plots): the
  // Markdown's per-series names link to them only then.
  bool plots = true;
  Json ToJson(int delay_k) const;
  std::string ToMarkdown(int delay_k) const;
};

// Scores flags of one detector on a set (no I/O).
[[nodiscard]] Result<DetectorResult> ScoreDetector(const EvalSet& set, const std::string& name,
                                                   std::vector<std::vector<uint8_t>> flags, int delay_k,
                                                   double nab_refractory_fraction = 0);

// A wall time for progress lines and the CLI's summary: one decimal ("1.0 s", "12.3 s"), and
// "<0.1 s" under 0.05 s (a step that ran reads neither "0.0 s" nor "0 s", as if it had not).
std::string FormatWallSeconds(double seconds);

// Checked before anything is read or run (nothing is created): InvalidArgument naming `out_dir`
// when it is a file, or holds report.md / report.json of an earlier run and `overwrite` is off.
[[nodiscard]] Status CheckReportDir(const std::string& out_dir, bool overwrite);

// The partial-run line of DetectionReport::partial for `set` read with `options` from `data_path`
// ("" when none of --filter, --max-series, --max-points is set). The dataset's own series count
// comes from its listing (kpi: *.csv files, nab: combined_windows.json, smd: test/ or train/
// machine files); gpu is not counted ("partial: 3 series").
std::string PartialRunText(const EvalSet& set, const std::string& data_path, const EvalSetOptions& options);

// Runs `detectors` on the set and writes the report into options.out_dir (CheckReportDir first).
[[nodiscard]] Result<DetectionReport> RunDetectionBenchmark(
    const DetectionBenchmarkOptions& options, std::vector<std::unique_ptr<BenchDetector>> detectors);

// One SVG: the unit's values (up to 8 members, min-max normalised when there are several, then
// named in a legend in their colours and the title says how many of how many are drawn; one
// member: its min and max drawn as labels), shaded label segments, the UTC times of the first
// point drawn, of the first test point (at the dashed marker) and of the last point, and one row
// of flag ticks per detector. The test part plus the last tenth of the series' length before it.
// `minute_rows`: the times are row numbers, not a clock (SMD: its reader counts rows as minutes
// from 1970-01-01, the train file's first row at 0), so they are written "minute N", not as dates.
std::string RenderUnitSvg(const EvalUnit& unit, const EvalTruth& truth,
                          const std::vector<const DetectorResult*>& results, size_t unit_index,
                          bool minute_rows = false);

}  // namespace vigil
