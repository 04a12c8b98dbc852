// The "gpu" dataset of `vigil eval detect`: recorded training runs on real GPUs with incidents
// planted at times fixed before each run (data/gpu_telemetry/, its README.md), and the on-call
// view of a detector's flags on them: each incident caught or missed, how late, and the false
// alarms.
//
// A run is NAME.csv (Vigil's long CSV, detectors/README.md, with a `label` column: 1 on the series
// an incident was expected to move, inside its window) beside NAME.json:
//   {"t0": <Unix s>, "normal_end": <Unix s>, "seconds": <optional, the recorded length>,
//    "incidents": [{"name": "straggler", "start": <Unix s>, "end": <Unix s>,
//                   "expected": [{"series": "compute_ms", "scope": "rank:1"}, ...]}, ...]}
// `scope`: "job" (or absent: any labels), "KEY:VALUE" (label KEY is VALUE), "KEY:*" (anything).
//
// Thread safety: free functions without shared state.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "evals/detection_benchmark.h"

namespace vigil {

// Reads every run of `folder` (sorted by NAME). Each series of a run is one unit named
// `<NAME>/<series{labels}>`, split at the json's `normal_end`: the points before it (the run's
// incident-free history) are the unlabeled training part (`train_labels` empty, as NAB and SMD),
// the rest is scored against the `label` column. EvalSet::runs gets each run's incidents.
// `options`: name_filter (a substring of the unit name), max_series, max_points (per series, the
// first points, before splitting) and bad_rows (the csv reader's policy; skipped rows are named in
// input_notes) apply; train_fraction does not.
// Errors: NotFound for a missing folder; InvalidArgument, naming the file (and the key), for a
// path that is not a folder, a folder without runs, a NAME.csv without NAME.json or the reverse,
// a json without `t0` / `normal_end` / `incidents` or with a field of the wrong type, an
// incident without name, start < end or expected series, a csv without a `label` column, a
// `normal_end` outside the csv's data, an incident whose [start, end) holds no time of the csv's
// data, and a series with no point before or none at/after it.
[[nodiscard]] Result<EvalSet> LoadGpuTelemetry(const std::string& folder, const EvalSetOptions& options = {});

// An alert is pending from the first point of a run of flags (its onset); it belongs to an
// incident when its onset is inside [start, end + grace) (rolling windows and `for` lag behind).
constexpr double kIncidentGraceS = 10;

// How one detector did on one incident.
struct IncidentOutcome {
  std::string incident;
  bool caught = false;          // an onset in the window on an expected series, in its scope
  double delay_s = NAN;         // the first such onset − the incident's start; NaN when missed
  std::string caught_on;        // that onset's series id (the unit name without `<run>/`)
  size_t onsets_in_window = 0;  // onsets in the window on any series of the run
};

// One detector on one run.
struct RunOutcome {
  std::string run;
  std::vector<IncidentOutcome> incidents;  // in the json's order
  // Onsets after the training part outside every incident window + grace: false alarms.
  size_t false_alarms = 0;
  // Of them, those after the run's recorded end (t0 + `seconds` rounded to the csv's ms; 0 without
  // `seconds`): the recorder's last, partial bucket (data/gpu_telemetry/README.md).
  size_t false_alarms_after_end = 0;
  std::map<std::string, size_t> false_alarm_series;  // series id -> its false alarms
};

// The incident view of `flags` (per unit, full length, as BenchDetector::Run gives them) over
// `set.runs`, with tests/lib/score_incidents.py's definitions: points before a unit's split are
// never flagged (an episode running at the split has its onset at the first scored point); an
// onset belongs to the first incident (json order) whose [start, end + grace) holds it; the
// expected series is matched on the name before `{` and the scope on the unit's labels. Pure.
// InvalidArgument when `flags` does not have one full-length row per unit.
[[nodiscard]] Result<std::vector<RunOutcome>> ScoreIncidents(const EvalSet& set,
                                                             const std::vector<std::vector<uint8_t>>& flags,
                                                             double grace_s = kIncidentGraceS);

// report.json: the runs with their incidents (seconds after t0) for the set, and one detector's
// outcomes (delay null when missed).
Json RunsToJson(const EvalSet& set);
Json RunOutcomesToJson(const std::vector<RunOutcome>& outcomes);

// report.md's "Incidents (on-call view)" section: per run, one row per detector (failed ones
// named), one column per incident (the delay and the series, or "missed") and the false alarms.
std::string IncidentViewMarkdown(const EvalSet& set, const std::vector<DetectorResult>& results);

}  // namespace vigil
