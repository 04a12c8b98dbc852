#include "evals/detection_gpu.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>

#include "core/time_util.h"
#include "detectors/readers.h"

namespace vigil {
namespace {

namespace fs = std::filesystem;

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// A number field of a run's json; `where` names the file and the key in every error.
Result<double> NumberField(const Json& j, const std::string& key, const std::string& where) {
  if (!j.is_object() || !j.contains(key)) return InvalidArgumentError(where + ": no `" + key + "`");
  const Json& v = j.at(key);
  if (!v.is_number() || !std::isfinite(v.get<double>())) {
    return InvalidArgumentError(where + ": `" + key + "` must be a number (Unix seconds), got " + v.dump());
  }
  // The csv's timestamps stop at 1e18 ms (detectors' ParseTimestampField): beyond, `t0` and
  // `seconds` reached std::llround(... * 1000), which has no int64 for them (x86: INT64_MIN).
  if (std::fabs(v.get<double>()) >= 1e15) {
    std::string message = where + ": `" + key + "` (";
    message += v.dump();
    message += ") is out of range: Unix seconds (or seconds) below 1e15, as the csv's timestamps";
    return InvalidArgumentError(message);
  }
  return v.get<double>();
}

Result<std::string> TextField(const Json& j, const std::string& key, const std::string& where) {
  if (!j.is_object() || !j.contains(key)) return InvalidArgumentError(where + ": no `" + key + "`");
  if (!j.at(key).is_string() || j.at(key).get<std::string>().empty()) {
    return InvalidArgumentError(where + ": `" + key + "` must be a non-empty string, got " + j.at(key).dump());
  }
  return j.at(key).get<std::string>();
}

// The json of one run: t0, normal_end, seconds (optional) and the incidents.
Result<EvalRun> ReadRunMeta(const std::string& path, const std::string& name) {
  ASSIGN_OR_RETURN(Json j, ReadJsonFile(path));
  if (!j.is_object()) return InvalidArgumentError(path + ": not a JSON object");
  EvalRun run;
  run.name = name;
  ASSIGN_OR_RETURN(run.t0_s, NumberField(j, "t0", path));
  ASSIGN_OR_RETURN(run.normal_end_s, NumberField(j, "normal_end", path));
  if (j.contains("seconds")) {
    ASSIGN_OR_RETURN(double seconds, NumberField(j, "seconds", path));
    run.recorded_end_s = run.t0_s + seconds;
  }
  if (!j.contains("incidents")) return InvalidArgumentError(path + ": no `incidents` (an empty list when none)");
  if (!j.at("incidents").is_array()) return InvalidArgumentError(path + ": `incidents` must be a list");
  const Json& incidents = j.at("incidents");
  for (size_t i = 0; i < incidents.size(); ++i) {
    const std::string where = path + ": incidents[" + std::to_string(i) + "]";
    EvalIncident inc;
    ASSIGN_OR_RETURN(inc.name, TextField(incidents[i], "name", where));
    ASSIGN_OR_RETURN(inc.start_s, NumberField(incidents[i], "start", where));
    ASSIGN_OR_RETURN(inc.end_s, NumberField(incidents[i], "end", where));
    if (!(inc.start_s < inc.end_s)) {
      return InvalidArgumentError(where + ": `end` (" + Fixed(inc.end_s, 3) + ") must be after `start` (" +
                                  Fixed(inc.start_s, 3) + ")");
    }
    if (!incidents[i].contains("expected") || !incidents[i].at("expected").is_array() ||
        incidents[i].at("expected").empty()) {
      return InvalidArgumentError(where + ": `expected` must be a non-empty list of {series, scope}");
    }
    const Json& expected = incidents[i].at("expected");
    for (size_t e = 0; e < expected.size(); ++e) {
      const std::string ewhere = where + ".expected[" + std::to_string(e) + "]";
      EvalIncident::Expected x;
      ASSIGN_OR_RETURN(x.series, TextField(expected[e], "series", ewhere));
      x.scope = "job";
      if (expected[e].contains("scope")) {
        ASSIGN_OR_RETURN(x.scope, TextField(expected[e], "scope", ewhere));
      }
      inc.expected.push_back(std::move(x));
    }
    run.incidents.push_back(std::move(inc));
  }
  return run;
}

// The runs of a folder: NAME for every NAME.csv + NAME.json pair, sorted; a file of either kind
// without the other is an error naming it.
Result<std::vector<std::string>> RunNames(const std::string& folder) {
  std::error_code ec;
  if (!fs::exists(folder, ec)) return NotFoundError("gpu telemetry folder " + folder + " not found");
  if (!fs::is_directory(folder, ec)) {
    return InvalidArgumentError(folder + " is not a folder: --dataset gpu reads a folder of runs (NAME.csv + NAME.json)");
  }
  std::set<std::string> csv, json;
  for (const fs::directory_entry& e : fs::directory_iterator(folder, ec)) {
    if (!e.is_regular_file(ec)) continue;
    const std::string ext = e.path().extension().string();
    if (ext == ".csv") csv.insert(e.path().stem().string());
    if (ext == ".json") json.insert(e.path().stem().string());
  }
  if (ec) return UnavailableError("cannot list " + folder + ": " + ec.message());
  for (const std::string& n : csv) {
    if (!json.count(n)) {
      return InvalidArgumentError((fs::path(folder) / (n + ".csv")).string() + " has no " + n +
                                  ".json beside it (a run is NAME.csv with its NAME.json: t0, normal_end, incidents)");
    }
  }
  for (const std::string& n : json) {
    if (!csv.count(n)) {
      return InvalidArgumentError((fs::path(folder) / (n + ".json")).string() + " has no " + n +
                                  ".csv beside it (a run is NAME.csv with its NAME.json)");
    }
  }
  if (csv.empty()) return InvalidArgumentError(folder + " holds no run (NAME.csv with NAME.json)");
  return std::vector<std::string>(csv.begin(), csv.end());
}

bool ScopeMatches(const std::string& scope, const Labels& labels) {
  const size_t colon = scope.find(':');
  if (colon == std::string::npos) return true;  // "job": the job-level series, any labels
  const std::string key = scope.substr(0, colon), want = scope.substr(colon + 1);
  if (want == "*") return true;
  auto it = labels.find(key);
  return it != labels.end() && it->second == want;
}

bool IsExpected(const EvalIncident& inc, const TimeSeries& member) {
  for (const EvalIncident::Expected& e : inc.expected) {
    if (member.name == e.series && ScopeMatches(e.scope, member.labels)) return true;
  }
  return false;
}

// The series id of a unit: its name without the `<run>/` prefix.
std::string SeriesOf(const EvalSet& set, size_t u) { return set.units[u].members[0].id(); }

}  // namespace

Result<EvalSet> LoadGpuTelemetry(const std::string& folder, const EvalSetOptions& options) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, RunNames(folder));
  EvalSet set;
  set.dataset = "gpu";
  set.split_description =
      "each recorded run (NAME.csv with NAME.json) split at its json's normal_end: every series' points "
      "before it (the run's incident-free history; its labels are all 0, so the training part is "
      "unlabeled) are the training part, the points from it on are scored against the csv's label column "
      "(1 on the series an incident was expected to move, inside its window); each series of a run is one "
      "scored unit, <run>/<series{labels}>";
  size_t labeled_history = 0;
  for (const std::string& name : names) {
    const std::string csv = (fs::path(folder) / (name + ".csv")).string();
    const std::string json = (fs::path(folder) / (name + ".json")).string();
    ASSIGN_OR_RETURN(EvalRun run, ReadRunMeta(json, name));
    ReadOptions read;
    read.bad_rows = options.bad_rows;
    read.non_finite_as_missing = true;
    read.max_points = options.max_points;
    ASSIGN_OR_RETURN(Dataset ds, ReadDataset("csv:" + csv, read));
    if (ds.stats.rows_skipped > 0) {
      set.input_notes += csv + ": " + std::to_string(ds.stats.rows_skipped) + " bad rows skipped";
      for (size_t i = 0; i < ds.stats.examples.size() && i < 3; ++i) set.input_notes += "; " + ds.stats.examples[i];
      set.input_notes += ". ";
    }
    if (ds.stats.read_as_missing > 0) {  // a NaN / Inf loss of the run: kept as a missing point with its label
      set.input_notes += csv + ": " + std::to_string(ds.stats.read_as_missing) +
                         " NaN / Inf value(s) read as missing points (kept with their labels)";
      if (!ds.stats.missing_examples.empty()) set.input_notes += ", e.g. " + ds.stats.missing_examples[0];
      set.input_notes += ". ";
    }
    int64_t first_ms = INT64_MAX, last_ms = INT64_MIN;
    for (const TimeSeries& ts : ds.series) {
      if (ts.empty()) continue;
      first_ms = std::min(first_ms, ts.timestamps_ms.front());
      last_ms = std::max(last_ms, ts.timestamps_ms.back());
    }
    if (ds.series.empty() || first_ms > last_ms) return InvalidArgumentError(csv + " has no data rows");
    // Compared in seconds as doubles, as tests/lib/score_incidents.py compares them.
    if (!(run.normal_end_s > static_cast<double>(first_ms) / 1000.0 &&
          run.normal_end_s <= static_cast<double>(last_ms) / 1000.0)) {
      return InvalidArgumentError(json + ": `normal_end` (" + Fixed(run.normal_end_s, 3) + ") is outside the data of " +
                                  csv + " (" + Fixed(static_cast<double>(first_ms) / 1000.0, 3) + " to " +
                                  Fixed(static_cast<double>(last_ms) / 1000.0, 3) +
                                  "): it must leave points before it to train on and points from it on to score");
    }
    for (TimeSeries& ts : ds.series) {
      const std::string unit_name = name + "/" + ts.id();
      if (!ts.has_anomaly_labels()) {
        return InvalidArgumentError(csv + ": series " + ts.id() +
                                    " has no labels: a run's csv needs a `label` column (1 inside an incident's "
                                    "window on the series it was expected to move)");
      }
      if (!options.name_filter.empty() && unit_name.find(options.name_filter) == std::string::npos) continue;
      if (options.max_series != 0 && set.units.size() >= options.max_series) break;
      size_t split = 0;
      while (split < ts.size() && static_cast<double>(ts.timestamps_ms[split]) / 1000.0 < run.normal_end_s) ++split;
      if (split == 0 || split == ts.size()) {
        return InvalidArgumentError(csv + ": series " + ts.id() + " has no point " +
                                    (split == 0 ? "before" : "at or after") + " `normal_end` (" +
                                    Fixed(run.normal_end_s, 3) + ", " + json + ")");
      }
      for (size_t i = 0; i < split; ++i) labeled_history += ts.anomaly_labels[i];
      EvalUnit unit;
      unit.name = unit_name;
      unit.split = split;
      EvalTruth truth{ts.timestamps_ms, ts.anomaly_labels, {}};
      ts.anomaly_labels.clear();
      unit.members.push_back(std::move(ts));
      run.units.push_back(set.units.size());
      set.units.push_back(std::move(unit));
      set.truth.push_back(std::move(truth));
    }
    // An incident window with no time of the data (seconds after t0 written where Unix seconds
    // belong) could never be caught: every detector would read "missed" without a word.
    for (size_t i = 0; i < run.incidents.size(); ++i) {
      const EvalIncident& inc = run.incidents[i];
      if (inc.end_s <= static_cast<double>(first_ms) / 1000.0 || inc.start_s > static_cast<double>(last_ms) / 1000.0) {
        return InvalidArgumentError(json + ": incidents[" + std::to_string(i) + "] (" + inc.name + "): [" +
                                    Fixed(inc.start_s, 3) + ", " + Fixed(inc.end_s, 3) + ") is outside the data of " +
                                    csv + " (" + Fixed(static_cast<double>(first_ms) / 1000.0, 3) + " to " +
                                    Fixed(static_cast<double>(last_ms) / 1000.0, 3) +
                                    "): `start` and `end` are Unix seconds, as `t0`");
      }
    }
    if (!run.units.empty()) set.runs.push_back(std::move(run));  // --filter / --max-series may leave none
  }
  if (labeled_history > 0) {
    set.input_notes += std::to_string(labeled_history) +
                       " points before normal_end are labeled 1 (the history was to be incident-free); they "
                       "are in the unlabeled training part and not scored. ";
  }
  return set;
}

Result<std::vector<RunOutcome>> ScoreIncidents(const EvalSet& set, const std::vector<std::vector<uint8_t>>& flags,
                                               double grace_s) {
  if (flags.size() != set.units.size()) {
    return InvalidArgumentError("incident view: flags for " + std::to_string(flags.size()) + " series, expected " +
                                std::to_string(set.units.size()));
  }
  std::vector<RunOutcome> out;
  for (const EvalRun& run : set.runs) {
    RunOutcome r;
    r.run = run.name;
    for (const EvalIncident& inc : run.incidents) {
      IncidentOutcome o;
      o.incident = inc.name;
      r.incidents.push_back(std::move(o));
    }
    for (size_t u : run.units) {
      const EvalUnit& unit = set.units[u];
      const std::vector<int64_t>& ts = set.truth[u].timestamps_ms;
      if (flags[u].size() != ts.size()) {
        return InvalidArgumentError("incident view: " + unit.name + " has " + std::to_string(flags[u].size()) +
                                    " flags for " + std::to_string(ts.size()) + " points");
      }
      for (size_t i = unit.split; i < ts.size(); ++i) {
        if (!flags[u][i] || (i > unit.split && flags[u][i - 1])) continue;  // not an onset
        const double t = static_cast<double>(ts[i]) / 1000.0;
        size_t k = 0;
        while (k < run.incidents.size() &&
               !(run.incidents[k].start_s <= t && t < run.incidents[k].end_s + grace_s))
          ++k;
        if (k == run.incidents.size()) {
          ++r.false_alarms;
          // At the csv's precision (ms): the last full second's bucket is stamped t0 + seconds,
          // rounded, up to 0.5 ms past the exact sum (run 1's read 0.26 ms past it).
          if (std::isfinite(run.recorded_end_s) && ts[i] > std::llround(run.recorded_end_s * 1000)) {
            ++r.false_alarms_after_end;
          }
          ++r.false_alarm_series[SeriesOf(set, u)];
          continue;
        }
        IncidentOutcome& o = r.incidents[k];
        ++o.onsets_in_window;
        const double delay = t - run.incidents[k].start_s;
        if (IsExpected(run.incidents[k], unit.members[0]) && (!o.caught || delay < o.delay_s)) {
          o.caught = true;
          o.delay_s = delay;
          o.caught_on = SeriesOf(set, u);
        }
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

Json RunsToJson(const EvalSet& set) {
  Json runs = Json::array();
  for (const EvalRun& run : set.runs) {
    Json r{{"name", run.name},
           {"t0", run.t0_s},
           {"normal_end_s_after_t0", run.normal_end_s - run.t0_s},
           {"series", run.units.size()},
           {"incidents", Json::array()}};
    if (std::isfinite(run.recorded_end_s)) r["recorded_end_s_after_t0"] = run.recorded_end_s - run.t0_s;
    for (const EvalIncident& inc : run.incidents) {
      Json e = Json::array();
      for (const EvalIncident::Expected& x : inc.expected) e.push_back({{"series", x.series}, {"scope", x.scope}});
      r["incidents"].push_back({{"name", inc.name},
                                {"start_s_after_t0", inc.start_s - run.t0_s},
                                {"end_s_after_t0", inc.end_s - run.t0_s},
                                {"expected", e}});
    }
    runs.push_back(r);
  }
  return runs;
}

Json RunOutcomesToJson(const std::vector<RunOutcome>& outcomes) {
  Json out = Json::array();
  for (const RunOutcome& r : outcomes) {
    Json j{{"run", r.run},
           {"caught", 0},
           {"incidents", Json::array()},
           {"false_alarms", r.false_alarms},
           {"false_alarms_after_recorded_end", r.false_alarms_after_end},
           {"false_alarm_series", r.false_alarm_series}};
    int caught = 0;
    for (const IncidentOutcome& o : r.incidents) {
      caught += o.caught ? 1 : 0;
      j["incidents"].push_back({{"name", o.incident},
                                {"caught", o.caught},
                                {"delay_s", o.caught ? Json(o.delay_s) : Json(nullptr)},
                                {"caught_on", o.caught ? Json(o.caught_on) : Json(nullptr)},
                                {"onsets_in_window", o.onsets_in_window}});
    }
    j["caught"] = caught;
    out.push_back(j);
  }
  return out;
}

std::string IncidentViewMarkdown(const EvalSet& set, const std::vector<DetectorResult>& results) {
  // One table cell: `|` escaped, as report.md's other cells.
  auto cell = [](const std::string& s) {
    std::string o;
    for (char c : s) o += c == '|' ? std::string("\\|") : std::string(1, c);
    return o;
  };
  std::vector<std::vector<RunOutcome>> per_detector(results.size());
  std::vector<std::string> errors(results.size());
  for (size_t d = 0; d < results.size(); ++d) {
    if (!results[d].status.ok()) continue;
    Result<std::vector<RunOutcome>> o = ScoreIncidents(set, results[d].flags);
    if (o.ok())
      per_detector[d] = std::move(o).value();
    else
      errors[d] = o.status().message();
  }
  std::ostringstream o;
  o << "\n## Incidents (on-call view)\n\n"
       "An alert is a run of flags on one series, pending from its first point (its onset). An incident is "
       "caught when an onset lies inside [start, end + "
    << Fixed(kIncidentGraceS, 0)
    << " s) on one of its expected series in the expected scope; the delay is from the incident's start to "
       "the first such onset. False alarms: onsets after the training part outside every incident window + "
    << Fixed(kIncidentGraceS, 0)
    << " s (the definitions of tests/lib/score_incidents.py). An onset inside a window on a series the "
       "incident was not expected to move is neither; the cells count every onset in the window.\n";
  for (size_t ri = 0; ri < set.runs.size(); ++ri) {
    const EvalRun& run = set.runs[ri];
    o << "\n### " << cell(run.name) << "\n\nt0 " << FormatRfc3339Ms(std::llround(run.t0_s * 1000))
      << ", training part to t0 + " << Fixed(run.normal_end_s - run.t0_s, 0) << " s, " << run.units.size()
      << " series.\n\n| detector |";
    for (const EvalIncident& inc : run.incidents) {
      o << " " << cell(inc.name) << " [" << Fixed(inc.start_s - run.t0_s, 0) << ", "
        << Fixed(inc.end_s - run.t0_s, 0) << ") s |";
    }
    o << " caught | false alarms |\n|---|";
    for (size_t i = 0; i < run.incidents.size() + 2; ++i) o << "---|";
    o << "\n";
    for (size_t d = 0; d < results.size(); ++d) {
      o << "| " << cell(results[d].name) << " |";
      if (!results[d].status.ok()) {  // its error, perhaps several lines long, is in the Overall table
        o << " failed (see Overall) |\n";
        continue;
      }
      if (!errors[d].empty()) {
        o << " no incident view: " << cell(errors[d]) << " |\n";
        continue;
      }
      const RunOutcome& r = per_detector[d][ri];
      int caught = 0;
      for (const IncidentOutcome& x : r.incidents) {
        caught += x.caught ? 1 : 0;
        if (x.caught) {
          o << " +" << Fixed(x.delay_s, 1) << " s " << cell(x.caught_on);
          if (x.onsets_in_window > 1) o << " (" << x.onsets_in_window << " alerts in the window)";
        } else {
          o << " **missed**";
          if (x.onsets_in_window > 0) {
            o << " (" << x.onsets_in_window << (x.onsets_in_window == 1 ? " alert" : " alerts")
              << " in the window, none expected)";
          }
        }
        o << " |";
      }
      o << " " << caught << " of " << r.incidents.size() << " | " << r.false_alarms;
      if (r.false_alarms_after_end > 0) {
        o << " (" << r.false_alarms_after_end << " after the recorded end, t0 + "
          << Fixed(run.recorded_end_s - run.t0_s, 0) << " s)";
      }
      if (!r.false_alarm_series.empty()) {
        std::vector<std::pair<size_t, std::string>> most;
        for (const auto& [series, n] : r.false_alarm_series) most.emplace_back(n, series);
        std::stable_sort(most.begin(), most.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        o << "; most on";
        for (size_t i = 0; i < most.size() && i < 3; ++i) {
          o << (i == 0 ? " " : ", ") << cell(most[i].second) << " " << most[i].first;
        }
        if (most.size() > 3) o << ", ... (" << most.size() << " series)";
      }
      o << " |\n";
    }
  }
  return o.str();
}

}  // namespace vigil
