#include "evals/detection_benchmark.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "core/json.h"
#include "core/time_util.h"
#include "core/utf8.h"
#include "evals/detection_gpu.h"

namespace vigil {
namespace {

namespace fs = std::filesystem;

// The recorded options as one line of flags: `--dataset kpi --max-series 3 ...` (null values left
// out; a value with a space or a quote single-quoted, as a shell would take it).
std::string OptionsLine(const std::vector<ReportOption>& options) {
  std::string line;
  for (const ReportOption& o : options) {
    if (o.value.is_null()) continue;
    std::string v = o.value.is_string() ? o.value.get<std::string>() : o.value.dump();
    if (v.empty() || v.find_first_of(" '\"`$&;|<>()*?") != std::string::npos) {
      std::string q = "'";
      for (char c : v) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
      v = q + "'";
    }
    line += (line.empty() ? "" : " ") + o.flag + " " + v;
  }
  return line;
}

// The plots the report.md in `out_dir` links (`](plots/<name>.svg)`): what an earlier run of eval
// detect wrote there, so what --overwrite may remove; any other file in plots/ is not its own.
std::set<std::string> LinkedPlots(const std::string& out_dir) {
  std::set<std::string> names;
  Result<std::string> md = ReadFile(out_dir + "/report.md");
  if (!md.ok()) return names;
  constexpr std::string_view kOpen = "](plots/";
  for (size_t at = md->find(kOpen); at != std::string::npos; at = md->find(kOpen, at + 1)) {
    const size_t from = at + kOpen.size(), close = md->find(')', from);
    if (close == std::string::npos) break;
    std::string name = md->substr(from, close - from);
    if (name.ends_with(".svg") && name.find('/') == std::string::npos) names.insert(std::move(name));
  }
  return names;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

std::string Fmt(double v, int digits = 3) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

TimeSeries WithoutLabels(TimeSeries ts) {
  ts.anomaly_labels.clear();
  return ts;
}

ReadOptions ToReadOptions(const EvalSetOptions& o, bool apply_max_series) {
  ReadOptions r;
  r.name_filter = o.name_filter;
  r.max_series = apply_max_series ? o.max_series : 0;
  r.max_points = o.max_points;
  r.bad_rows = o.bad_rows;
  return r;
}

void NoteSkips(const ReadStats& stats, EvalSet& set) {
  if (stats.rows_skipped == 0) return;
  set.input_notes += std::to_string(stats.rows_skipped) + " bad input rows skipped";
  for (size_t i = 0; i < stats.examples.size() && i < 3; ++i) set.input_notes += "; " + stats.examples[i];
  if (stats.rows_skipped > 3) set.input_notes += "; ...";
  set.input_notes += ". ";
}

Result<EvalSet> LoadKpi(const std::string& path, const EvalSetOptions& options) {
  ASSIGN_OR_RETURN(Dataset ds, ReadDataset("kpi:" + path, ToReadOptions(options, true)));
  EvalSet set;
  NoteSkips(ds.stats, set);
  set.dataset = "kpi";
  set.split_description =
      "each KPI series split chronologically: first " + Fmt(100 * options.train_fraction, 0) +
      "% train, last " + Fmt(100 * (1 - options.train_fraction), 0) +
      "% test (the shared kpi/train folder is the released first 70% of the challenge data, so this "
      "splits that 70% again)";
  for (TimeSeries& ts : ds.series) {
    if (!ts.has_anomaly_labels())
      return InvalidArgumentError("kpi series " + ts.name + " has no label column");
    const size_t n = ts.size();
    const size_t split = static_cast<size_t>(std::floor(options.train_fraction * static_cast<double>(n)));
    if (split == 0 || split >= n)
      return InvalidArgumentError("kpi series " + ts.name + " is too short to split");
    EvalTruth truth{ts.timestamps_ms, ts.anomaly_labels, {}};
    EvalUnit unit;
    unit.name = ts.name;
    unit.split = split;
    unit.train_labels.assign(ts.anomaly_labels.begin(), ts.anomaly_labels.begin() + split);
    unit.members.push_back(WithoutLabels(std::move(ts)));
    set.units.push_back(std::move(unit));
    set.truth.push_back(std::move(truth));
  }
  return set;
}

Result<EvalSet> LoadNab(const std::string& path, const EvalSetOptions& options) {
  ASSIGN_OR_RETURN(Dataset ds, ReadDataset("nab:" + path, ToReadOptions(options, true)));
  EvalSet set;
  NoteSkips(ds.stats, set);
  set.dataset = "nab";
  set.split_description =
      "NAB protocol: every file is run from its first point; the probationary period (first 15%, at most "
      "750 points) is the unlabeled training part and is not scored; thresholds never see labels";
  for (size_t i = 0; i < ds.series.size(); ++i) {
    TimeSeries& ts = ds.series[i];
    EvalTruth truth{ts.timestamps_ms, ts.anomaly_labels, ds.windows[i]};
    EvalUnit unit;
    unit.name = ts.name;
    unit.split = NabProbationLength(ts.size());
    unit.members.push_back(WithoutLabels(std::move(ts)));
    set.units.push_back(std::move(unit));
    set.truth.push_back(std::move(truth));
  }
  return set;
}

// "smd-train": the train/ files only, each machine split at kSmdTrainForwardFraction; the scored
// part (the last 20% of train/) is unlabeled, so every flag there counts as a false positive and
// the report's false-positive points are the detectors' out-of-sample flag rate on data assumed
// mostly normal. Nothing of test/ or test_label/ is read.
constexpr double kSmdTrainForwardFraction = 0.8;

Result<EvalSet> LoadSmdTrainForward(const std::string& path, const EvalSetOptions& options) {
  ASSIGN_OR_RETURN(Dataset train, ReadDataset("smd:" + path + ":train", ToReadOptions(options, false)));
  EvalSet set;
  NoteSkips(train.stats, set);
  set.dataset = "smd-train";
  set.split_description =
      "SMD train/ files only (no test/ file, no label): each machine's first 80% is the training part, "
      "its last 20% is scored as if normal, so every flag there is a false positive (a label-free "
      "out-of-sample flag rate)";
  for (const auto& [machine, idx] : train.groups) {
    if (options.max_series != 0 && set.units.size() >= options.max_series) break;
    EvalUnit unit;
    unit.name = machine;
    for (size_t d = 0; d < idx.size(); ++d) {
      TimeSeries m = WithoutLabels(std::move(train.series[idx[d]]));  // train is not read again
      RETURN_IF_ERROR(m.Validate().WithContext("smd machine " + machine));
      unit.members.push_back(std::move(m));
    }
    const size_t n = unit.members.empty() ? 0 : unit.members[0].size();
    unit.split = static_cast<size_t>(kSmdTrainForwardFraction * static_cast<double>(n));
    if (unit.split == 0 || unit.split >= n) {
      return InvalidArgumentError("smd machine " + machine + ": " + std::to_string(n) +
                                  " train points are too few to split 80/20");
    }
    set.truth.push_back(EvalTruth{unit.members[0].timestamps_ms, std::vector<uint8_t>(n, 0), {}});
    set.units.push_back(std::move(unit));
  }
  return set;
}

Result<EvalSet> LoadSmd(const std::string& path, const EvalSetOptions& options) {
  ASSIGN_OR_RETURN(Dataset train, ReadDataset("smd:" + path + ":train", ToReadOptions(options, false)));
  ASSIGN_OR_RETURN(Dataset test, ReadDataset("smd:" + path + ":test", ToReadOptions(options, false)));
  EvalSet set;
  NoteSkips(train.stats, set);
  NoteSkips(test.stats, set);
  set.dataset = "smd";
  set.split_description =
      "SMD train/ files (unlabeled, assumed mostly normal) for training, test/ files scored with "
      "test_label/; a machine is one scored series, flagged where any of its 38 dimensions is flagged";
  for (const auto& [machine, idx] : test.groups) {
    if (options.max_series != 0 && set.units.size() >= options.max_series) break;
    auto tr = train.groups.find(machine);
    if (tr == train.groups.end() || tr->second.size() != idx.size()) {
      return InvalidArgumentError("smd machine " + machine + ": train and test have different dimensions");
    }
    EvalUnit unit;
    unit.name = machine;
    EvalTruth truth;
    for (size_t d = 0; d < idx.size(); ++d) {
      const TimeSeries& a = train.series[tr->second[d]];
      const TimeSeries& b = test.series[idx[d]];
      // Unlabeled train/ before labeled test/: the joined series has no labels (`truth` has them).
      Result<TimeSeries> joined = JoinSeries(a, b);
      if (!joined.ok()) return joined.status().WithContext("smd machine " + machine);
      TimeSeries m = std::move(joined).value();
      if (d == 0) {
        unit.split = a.size();
        truth.timestamps_ms = m.timestamps_ms;
        truth.labels.assign(a.size(), 0);
        truth.labels.insert(truth.labels.end(), b.anomaly_labels.begin(), b.anomaly_labels.end());
      }
      RETURN_IF_ERROR(m.Validate().WithContext("smd machine " + machine));
      unit.members.push_back(std::move(m));
    }
    set.units.push_back(std::move(unit));
    set.truth.push_back(std::move(truth));
  }
  return set;
}

// NAB's normalised score, 100 (raw - null) / (perfect - null), is 0/0 without a window: none.
bool HasNabScore(const NabFileScore& s) { return s.perfect_raw != s.null_raw; }

// A normalised NAB score for report.md: "—" where there is none.
std::string NabCell(const NabFileScore& s) { return HasNabScore(s) ? Fmt(s.Normalized(), 1) : "—"; }

Json NabToJson(const NabFileScore& s) {
  return Json{{"score", HasNabScore(s) ? Json(s.Normalized()) : Json(nullptr)},
              {"raw", s.raw},
              {"windows", s.windows},
              {"detected_windows", s.detected_windows},
              {"false_positives", s.false_positives}};
}

std::string SafeFileName(std::string name) {
  for (char& c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) c = '_';
  }
  return name;
}

// A value for a plot label: up to 6 significant digits.
std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// Text for one Markdown table cell: line breaks become spaces (trailing ones dropped) and `|` is
// escaped, so a multi-line error (a peer's log tail) or a name with `|` stays in its row.
std::string MdCell(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '\n' || c == '\r')
      o += ' ';
    else if (c == '|')
      o += "\\|";
    else
      o += c;
  }
  while (!o.empty() && o.back() == ' ') o.pop_back();
  return o;
}

// Escapes text for SVG/XML.
std::string Xml(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '<')
      o += "&lt;";
    else if (c == '>')
      o += "&gt;";
    else if (c == '&')
      o += "&amp;";
    else
      o += c;
  }
  return o;
}

}  // namespace

Result<EvalSet> LoadEvalSet(const std::string& dataset, const std::string& path,
                            const EvalSetOptions& options) {
  if (dataset == "kpi") return LoadKpi(path, options);
  if (dataset == "nab") return LoadNab(path, options);
  if (dataset == "smd") return LoadSmd(path, options);
  if (dataset == "smd-train") return LoadSmdTrainForward(path, options);
  if (dataset == "gpu") return LoadGpuTelemetry(path, options);  // evals/detection_gpu.h
  return InvalidArgumentError("unknown benchmark dataset `" + dataset +
                              "` (known: kpi, smd, nab, smd-train, gpu)");
}

std::vector<uint8_t> AlertOnsets(const std::vector<uint8_t>& flags, size_t refractory) {
  std::vector<uint8_t> onsets(flags.size(), 0);
  bool have_last = false;
  size_t last = 0;
  for (size_t i = 0; i < flags.size(); ++i) {
    if (!flags[i] || (i > 0 && flags[i - 1])) continue;  // not the first point of a run
    if (have_last && refractory > 0 && i - last < refractory) continue;
    onsets[i] = 1;
    have_last = true;
    last = i;
  }
  return onsets;
}

namespace {

// NAB's three profile scores of one unit's full-length flags (training part already cleared).
// NAB counts every detection point; a flag that stays up for an episode is one alert, so the NAB
// score sees each episode's first point (the alert onset), for every detector alike.
Result<std::array<NabFileScore, 3>> NabUnitScores(const EvalTruth& truth, const std::vector<uint8_t>& flags,
                                                  double nab_refractory_fraction) {
  const auto refractory = static_cast<size_t>(nab_refractory_fraction * static_cast<double>(truth.labels.size()));
  const std::vector<uint8_t> onsets = AlertOnsets(flags, refractory);
  std::array<NabFileScore, 3> per;
  for (int p = 0; p < 3; ++p) {
    ASSIGN_OR_RETURN(per[p], NabScore(truth.timestamps_ms, onsets, truth.windows, kNabProfiles[p]));
  }
  return per;
}

}  // namespace

Result<DetectorResult> ScoreDetector(const EvalSet& set, const std::string& name,
                                     std::vector<std::vector<uint8_t>> flags, int delay_k,
                                     double nab_refractory_fraction) {
  if (flags.size() != set.units.size()) {
    return InternalError("detector " + name + " returned flags for " + std::to_string(flags.size()) +
                         " series, expected " + std::to_string(set.units.size()));
  }
  DetectorResult r;
  r.name = name;
  for (size_t u = 0; u < set.units.size(); ++u) {
    const EvalTruth& truth = set.truth[u];
    const size_t n = truth.labels.size(), split = set.units[u].split;
    if (flags[u].size() != n) {
      return InternalError("detector " + name + ": series " + set.units[u].name + " has " +
                           std::to_string(flags[u].size()) + " flags for " + std::to_string(n) + " points");
    }
    std::fill(flags[u].begin(), flags[u].begin() + split, 0);  // the training part is never scored
    std::vector<uint8_t> l(truth.labels.begin() + split, truth.labels.end());
    std::vector<uint8_t> f(flags[u].begin() + split, flags[u].end());
    ASSIGN_OR_RETURN(DetectionCounts c, ScoreFlags(l, f, delay_k));
    r.per_unit.push_back(c);
    r.total += c;
    if (set.dataset == "nab") {
      ASSIGN_OR_RETURN(auto per, NabUnitScores(truth, flags[u], nab_refractory_fraction));
      for (int p = 0; p < 3; ++p) r.nab_total[p] += per[p];
      r.nab_per_unit.push_back(per);
    }
  }
  r.flags = std::move(flags);
  return r;
}

Result<NabCorpusThreshold> NabCorpusOptimum(const EvalSet& set,
                                            const std::vector<std::vector<double>>& scores,
                                            double nab_refractory_fraction) {
  if (scores.size() != set.units.size()) {
    return InternalError("NAB corpus threshold: " + std::to_string(scores.size()) + " score series for " +
                         std::to_string(set.units.size()) + " files");
  }
  std::vector<double> pooled;
  for (size_t u = 0; u < set.units.size(); ++u) {
    if (scores[u].size() != set.truth[u].labels.size()) {
      return InternalError("NAB corpus threshold: " + set.units[u].name + " has " +
                           std::to_string(scores[u].size()) + " scores for " +
                           std::to_string(set.truth[u].labels.size()) + " points");
    }
    for (size_t i = set.units[u].split; i < scores[u].size(); ++i) {
      if (std::isfinite(scores[u][i])) pooled.push_back(scores[u][i]);
    }
  }
  NabCorpusThreshold out;
  out.available = true;
  if (pooled.empty()) return out;
  std::sort(pooled.begin(), pooled.end());
  std::vector<double> candidates;
  for (int step = 6; step <= 100; ++step) {  // a = 0.30, 0.35, ..., 5.00
    const double q = 1 - std::pow(10.0, -0.05 * step);
    candidates.push_back(
        pooled[std::min(pooled.size() - 1, static_cast<size_t>(q * static_cast<double>(pooled.size())))]);
  }
  candidates.push_back(1.0);  // each file's own label-free threshold: the sweep never does worse
  candidates.push_back(std::numeric_limits<double>::infinity());  // no detection at all
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  out.candidates = static_cast<int>(candidates.size());
  // Both comparisons: the detectors differ (CAD OSE and KNN-CAD flag at score / threshold ≥ 1, the
  // score-quantile peers at > 1), so the label-free flags of each are among the swept ones.
  bool first = true;
  for (double th : candidates) {
    for (bool strict : {false, true}) {
      if (strict && std::isinf(th)) continue;
      // Only the NAB totals are read: scored as ScoreDetector scores them, training part cleared.
      NabFileScore total[3];
      std::vector<uint8_t> flags;
      for (size_t u = 0; u < scores.size(); ++u) {
        flags.assign(scores[u].size(), 0);
        for (size_t i = set.units[u].split; i < scores[u].size(); ++i) {
          flags[i] = strict ? scores[u][i] > th : scores[u][i] >= th;
        }
        ASSIGN_OR_RETURN(auto per, NabUnitScores(set.truth[u], flags, nab_refractory_fraction));
        for (int p = 0; p < 3; ++p) total[p] += per[p];
      }
      for (int p = 0; p < 3; ++p) {
        if (first || total[p].Normalized() > out.total[p].Normalized()) {
          out.total[p] = total[p];
          out.threshold[p] = th;
          out.strict[p] = strict;
        }
      }
      first = false;
    }
  }
  return out;
}

double MacroDcPaF1(const DetectorResult& result) {
  double sum = 0;
  int series = 0;
  for (const DetectionCounts& c : result.per_unit) {
    if (c.dc_pa.tp + c.dc_pa.fn == 0) continue;
    sum += c.dc_pa.F1();
    ++series;
  }
  return series == 0 ? NAN : sum / series;
}

// No scored series has an anomalous test point (a --max-points slice of normal data): every F1 is
// undefined, and Counts::F1() gives 0, which read as "the detector missed them all".
bool NoAnomalousTestPoint(const DetectorResult& result) {
  return result.status.ok() && result.total.point.tp + result.total.point.fn == 0;
}

Json DetectionReport::ToJson(int delay_k) const {
  Json j;
  j["dataset"] = set.dataset;
  j["options"] = Json::object();
  for (const ReportOption& o : options) j["options"][o.key] = o.value;
  j["partial"] = partial.empty() ? Json() : Json(partial);
  j["split"] = set.split_description;
  j["input_notes"] = set.input_notes;
  j["delay_k"] = delay_k;
  j["wall_s"] = wall_s;
  TokenUsage tokens;
  for (const DetectorResult& r : results) {
    tokens.Add(r.llm_usage);
  }
  j["llm_prompt_tokens"] = tokens.prompt_tokens;
  j["llm_completion_tokens"] = tokens.completion_tokens;
  j["series"] = Json::array();
  for (const EvalUnit& u : set.units) j["series"].push_back(u.name);
  if (!set.runs.empty()) j["runs"] = RunsToJson(set);  // gpu: the incidents of each run
  j["detectors"] = Json::array();
  for (const DetectorResult& r : results) {
    Json d;
    d["name"] = r.name;
    d["wall_s"] = r.wall_s;
    d["llm_prompt_tokens"] = r.llm_usage.prompt_tokens;
    d["llm_completion_tokens"] = r.llm_usage.completion_tokens;
    d["details"] = r.details;
    if (!r.status.ok()) {
      d["error"] = r.status.ToString();
      j["detectors"].push_back(d);
      continue;
    }
    d["overall"] = DetectionCountsToJson(r.total);
    if (const double macro = MacroDcPaF1(r); std::isfinite(macro)) d["dc_pa_macro_f1"] = macro;
    if (set.dataset == "nab") {
      for (int p = 0; p < 3; ++p)
        d["nab"][std::string(NabProfileName(kNabProfiles[p]))] = NabToJson(r.nab_total[p]);
      if (r.nab_corpus.available) {
        Json c{{"protocol",
                "NAB's own: one threshold per profile optimised over the whole corpus WITH its labels (as "
                "published NAB scores); not our protocol"},
               {"candidates", r.nab_corpus.candidates}};
        for (int p = 0; p < 3; ++p) {
          Json pj = NabToJson(r.nab_corpus.total[p]);
          pj["threshold"] = r.nab_corpus.threshold[p];
          pj["flags"] = r.nab_corpus.strict[p] ? "score > threshold" : "score >= threshold";
          c[std::string(NabProfileName(kNabProfiles[p]))] = pj;
        }
        d["nab_corpus_threshold"] = c;
      }
    }
    d["per_series"] = Json::array();
    for (size_t u = 0; u < r.per_unit.size(); ++u) {
      Json s = DetectionCountsToJson(r.per_unit[u]);
      s["name"] = set.units[u].name;
      if (set.dataset == "nab") {
        for (int p = 0; p < 3; ++p) {
          s["nab"][std::string(NabProfileName(kNabProfiles[p]))] = NabToJson(r.nab_per_unit[u][p]);
        }
      }
      d["per_series"].push_back(s);
    }
    if (!set.runs.empty()) {  // gpu: each incident caught or missed, and the false alarms
      Result<std::vector<RunOutcome>> incidents = ScoreIncidents(set, r.flags);
      d["incidents"] = incidents.ok() ? RunOutcomesToJson(*incidents) : Json{{"error", incidents.status().ToString()}};
    }
    j["detectors"].push_back(d);
  }
  return j;
}

std::string DetectionReport::ToMarkdown(int delay_k) const {
  std::ostringstream o;
  const std::string k = std::to_string(delay_k);
  o << "# Detection benchmark: " << set.dataset << "\n\n";
  if (!partial.empty()) o << "**" << partial << "**: not the whole dataset's figures.\n\n";
  if (!options.empty()) o << "Options: `" << OptionsLine(options) << "`\n\n";
  o << "Split: " << set.split_description << ".\n\n";
  if (!set.input_notes.empty()) o << "Input: " << set.input_notes << "\n\n";
  size_t points = 0;
  for (const EvalTruth& t : set.truth) points += t.labels.size();
  o << set.units.size() << " scored series, " << points << " points in all. Total wall time "
    << FormatWallSeconds(wall_s) << ".";
  for (const DetectorResult& r : results) {
    if (r.llm_usage.total() == 0) continue;
    o << " LLM tokens, " << r.name << ": " << r.llm_usage.prompt_tokens << " prompt + "
      << r.llm_usage.completion_tokens << " completion.";
  }
  o << "\n\n";
  o << "Counts are summed over series before F1 (micro average), except `dc-PA F1 macro`: the mean "
       "per-series dc-PA F1 over series with anomalous test points. Point F1 is the honest floor; "
       "point-adjusted figures are inflated by construction and are shown beside it.\n\n";
  o << "## Overall\n\n| detector | point F1 | PA F1 | dc-PA F1 (k=" << k
    << ") | dc-PA F1 macro | event F1 (PA) | point P / R |";
  if (set.dataset == "nab") o << " NAB standard | NAB low-FP | NAB low-FN |";
  o << " wall |\n|---|---|---|---|---|---|---|";
  if (set.dataset == "nab") o << "---|---|---|";
  o << "---|\n";
  for (const DetectorResult& r : results) {
    if (!r.status.ok()) {
      o << "| " << MdCell(r.name) << " | failed: " << MdCell(r.status.message()) << " |\n";
      continue;
    }
    if (NoAnomalousTestPoint(r)) {  // F1 undefined: "—", not 0.000 (which reads as "missed them all")
      o << "| " << MdCell(r.name) << " | — | — | — | — | — | — / — |";
    } else {
      o << "| " << MdCell(r.name) << " | " << Fmt(r.total.point.F1()) << " | " << Fmt(r.total.pa.F1()) << " | "
        << Fmt(r.total.dc_pa.F1()) << " | " << (std::isfinite(MacroDcPaF1(r)) ? Fmt(MacroDcPaF1(r)) : "—") << " | " << Fmt(r.total.event.F1()) << " | "
        << Fmt(r.total.point.Precision(), 2) << " / " << Fmt(r.total.point.Recall(), 2) << " |";
    }
    if (set.dataset == "nab") {
      for (int p = 0; p < 3; ++p) o << " " << NabCell(r.nab_total[p]) << " |";
    }
    o << " " << FormatWallSeconds(r.wall_s) << " |\n";
  }
  for (const DetectorResult& r : results) {
    if (!NoAnomalousTestPoint(r)) continue;
    o << "\nNo scored series has an anomalous test point (a slice of normal data?): F1, precision and recall "
         "are undefined (—); every flag is a false positive ("
      << r.total.point.fp << " flagged by " << MdCell(r.name) << ").\n";
  }
  if (set.dataset == "nab") {
    bool any = false;
    for (const DetectorResult& r : results) any = any || (r.status.ok() && r.nab_corpus.available);
    if (any) {
      o << "\n## NAB's own threshold protocol (uses the corpus labels; not comparable with the table "
           "above)\n\n"
           "Published NAB scores choose, per profile, the one threshold on a detector's score that maximises "
           "the whole corpus's score, using its labels. Shown for detectors with a score, apart from our "
           "label-free figures above; detections are counted as above (alert onsets).\n\n"
           "| detector | NAB standard | NAB low-FP | NAB low-FN | thresholds (std / low-FP / low-FN) |\n"
           "|---|---|---|---|---|\n";
      for (const DetectorResult& r : results) {
        if (!r.status.ok() || !r.nab_corpus.available) continue;
        o << "| " << MdCell(r.name) << " |";
        for (int p = 0; p < 3; ++p) o << " " << NabCell(r.nab_corpus.total[p]) << " |";
        for (int p = 0; p < 3; ++p) {
          o << (p == 0 ? " " : " / ") << (r.nab_corpus.strict[p] ? ">" : "≥") << Fmt(r.nab_corpus.threshold[p], 3);
        }
        o << " |\n";
      }
    }
  }
  if (!set.runs.empty()) o << IncidentViewMarkdown(set, results);  // gpu (evals/detection_gpu.h)
  o << "\n## Per series\n\nEach cell: point F1 / PA F1 / dc-PA F1 / event F1";
  if (set.dataset == "nab") o << " / NAB standard";
  o << ". A series with no anomalous test point has no F1 of its own (its false positives still count in the totals)";
  if (set.dataset == "nab") o << " and no normalised NAB score";
  o << ": its cell gives the points flagged there, all false positives";
  if (set.dataset == "nab") o << ", and its raw NAB standard score (0 = no false alarm)";
  o << ".\n\n| series | anomalous test points |";
  for (const DetectorResult& r : results) o << " " << MdCell(r.name) << " |";
  o << "\n|---|---|";
  for (size_t i = 0; i < results.size(); ++i) o << "---|";
  o << "\n";
  for (size_t u = 0; u < set.units.size(); ++u) {
    size_t anomalous = 0;
    for (size_t i = set.units[u].split; i < set.truth[u].labels.size(); ++i)
      anomalous += set.truth[u].labels[i];
    if (plots) {
      o << "| [" << MdCell(set.units[u].name) << "](plots/" << SafeFileName(set.units[u].name) << ".svg) | ";
    } else {
      o << "| " << MdCell(set.units[u].name) << " | ";
    }
    o << anomalous << " |";
    for (const DetectorResult& r : results) {
      if (!r.status.ok() || u >= r.per_unit.size()) {
        o << " — |";
        continue;
      }
      const DetectionCounts& c = r.per_unit[u];
      if (anomalous == 0) {  // no F1 and no normalised NAB score to give: the false alarms instead
        o << " no anomaly: " << c.point.fp << " flagged";
        if (set.dataset == "nab") o << ", NAB raw " << Fmt(r.nab_per_unit[u][0].raw, 2);
        o << " |";
        continue;
      }
      o << " " << Fmt(c.point.F1(), 2) << " / " << Fmt(c.pa.F1(), 2) << " / " << Fmt(c.dc_pa.F1(), 2) << " / "
        << Fmt(c.event.F1(), 2);
      if (set.dataset == "nab") o << " / " << Fmt(r.nab_per_unit[u][0].Normalized(), 1);
      o << " |";
    }
    o << "\n";
  }
  for (const DetectorResult& r : results) {
    if (!r.details.empty())
      o << "\n### " << r.name << "\n\n```json\n" << Utf8Prefix(DumpJson(r.details, 1), 6000) << "\n```\n";
  }
  return o.str();
}

std::string RenderUnitSvg(const EvalUnit& unit, const EvalTruth& truth,
                          const std::vector<const DetectorResult*>& results, size_t unit_index,
                          bool minute_rows) {
  // A label drawn over the values, on a white box (about 6 px per character at font size 10).
  auto label = [](std::ostringstream& o, double x, int y, const std::string& text) {
    o << "<rect x=\"" << Fmt(x - 1, 1) << "\" y=\"" << y - 9 << "\" width=\"" << Fmt(6.0 * static_cast<double>(text.size()) + 2, 1)
      << "\" height=\"12\" fill=\"white\" opacity=\"0.85\"/>\n<text x=\"" << Fmt(x, 1) << "\" y=\"" << y
      << "\" font-size=\"10\" fill=\"#333\">" << Xml(text) << "</text>\n";
  };
  const size_t members = std::min<size_t>(unit.members.size(), 8);
  const int width = 1200, plot_h = 240, row_h = 14, left = 10, time_h = 14;
  const int top = members > 1 ? 40 : 24;  // a legend row under the title for several members
  const size_t n = truth.labels.size();
  const size_t begin = unit.split > n / 10 ? unit.split - n / 10 : 0;  // a little training context
  const size_t span = std::max<size_t>(1, n - begin);
  const int cols = width - 2 * left;
  auto x_of = [&](size_t i) {
    return left + static_cast<double>(i - begin) * cols / static_cast<double>(span);
  };
  std::ostringstream o;
  // Labels and flags in two hues a colour-blind reader tells apart too (Okabe-Ito sky blue, light,
  // and vermillion, dark): before 2026-12-03 (SM) the label shading and the flag ticks were both red.
  static constexpr const char* kLabelFill = "#56b4e9";
  static constexpr const char* kFlagStroke = "#d55e00";
  const int legend_h = 18;
  const int height =
      top + plot_h + time_h + 10 + static_cast<int>(results.size()) * (row_h + 4) + legend_h + 10;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
    << "\" font-family=\"sans-serif\" font-size=\"11\">\n";
  o << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  o << "<text x=\"" << left << "\" y=\"14\">" << Xml(unit.name)
    << " — values (test part after the dashed line), "
    << "labeled anomalies shaded blue, detector flags as orange ticks below";
  if (members > 1) {
    o << "; " << members << " of " << unit.members.size() << " members drawn, each min-max normalised";
  }
  o << "</text>\n";
  static const char* kColors[] = {"#1f77b4", "#2ca02c", "#9467bd", "#8c564b",
                                  "#17becf", "#7f7f7f", "#bcbd22", "#ff7f0e"};
  if (members > 1) {  // which colour is which member
    double lx = left;
    for (size_t m = 0; m < members && lx < width - 60; ++m) {
      o << "<line x1=\"" << Fmt(lx, 1) << "\" x2=\"" << Fmt(lx + 14, 1) << "\" y1=\"26\" y2=\"26\" stroke=\""
        << kColors[m % 8] << "\" stroke-width=\"2\"/>\n<text x=\"" << Fmt(lx + 17, 1) << "\" y=\"30\">"
        << Xml(unit.members[m].name) << "</text>\n";
      lx += 17 + 6.5 * static_cast<double>(unit.members[m].name.size()) + 14;
    }
  }
  // Label segments.
  for (size_t i = begin; i < n;) {
    if (!truth.labels[i]) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < n && truth.labels[j]) ++j;
    o << "<rect x=\"" << Fmt(x_of(i), 1) << "\" y=\"" << top << "\" width=\""
      << Fmt(std::max(1.0, x_of(j) - x_of(i)), 1) << "\" height=\"" << plot_h
      << "\" fill=\"" << kLabelFill << "\" opacity=\"0.3\"/>\n";
    i = j;
  }
  const double split_x = x_of(unit.split);
  o << "<line x1=\"" << Fmt(split_x, 1) << "\" x2=\"" << Fmt(split_x, 1) << "\" y1=\"" << top << "\" y2=\""
    << top + plot_h << "\" stroke=\"#555\" stroke-dasharray=\"4,3\"/>\n";
  // Values: min/max per pixel column, members min-max normalised when several.
  std::pair<double, double> scale{NAN, NAN};  // the one member's range (drawn over its values below)
  for (size_t m = 0; m < members; ++m) {
    const std::vector<double>& v = unit.members[m].values;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = begin; i < n; ++i) {
      if (std::isfinite(v[i])) {
        lo = std::min(lo, v[i]);
        hi = std::max(hi, v[i]);
      }
    }
    if (!std::isfinite(lo)) continue;
    if (members == 1) scale = {lo, hi};
    if (hi == lo) hi = lo + 1;
    auto y_of = [&](double val) { return top + plot_h - (val - lo) / (hi - lo) * plot_h; };
    o << "<polyline fill=\"none\" stroke=\"" << kColors[m % 8] << "\" stroke-width=\"0.8\" points=\"";
    std::vector<double> cmin(cols, INFINITY), cmax(cols, -INFINITY);
    for (size_t i = begin; i < n; ++i) {
      int c = std::min(cols - 1, static_cast<int>(x_of(i) - left));
      cmin[c] = std::min(cmin[c], v[i]);
      cmax[c] = std::max(cmax[c], v[i]);
    }
    for (int c = 0; c < cols; ++c) {
      if (!std::isfinite(cmin[c])) continue;
      o << left + c << "," << Fmt(y_of(cmax[c]), 1) << " " << left + c << "," << Fmt(y_of(cmin[c]), 1) << " ";
    }
    o << "\"/>\n";
  }
  if (std::isfinite(scale.first)) {  // the scale of the one series drawn
    label(o, left + 2, top + 10, "max " + Num(scale.second));
    label(o, left + 2, top + plot_h - 3, "min " + Num(scale.first));
  }
  // Times (UTC; SMD: minute rows) of the first point drawn, of the first test point and of the last.
  auto time_text = [&](size_t i) {
    return minute_rows ? "minute " + std::to_string(truth.timestamps_ms[i] / 60'000)
                       : FormatRfc3339Ms(truth.timestamps_ms[i]);
  };
  if (n > 0 && truth.timestamps_ms.size() == n) {
    const int ty = top + plot_h + 11;
    o << "<text x=\"" << left << "\" y=\"" << ty << "\" font-size=\"10\" fill=\"#333\">"
      << time_text(begin) << "</text>\n";
    o << "<text x=\"" << width - left << "\" y=\"" << ty
      << "\" font-size=\"10\" fill=\"#333\" text-anchor=\"end\">" << time_text(n - 1)
      << "</text>\n";
    if (unit.split < n) {
      label(o, split_x + 4, top + 10, "test from " + time_text(unit.split));
    }
  }
  // One row of flag ticks per detector (test part only).
  int y = top + plot_h + time_h + 10;
  for (const DetectorResult* r : results) {
    o << "<text x=\"" << left << "\" y=\"" << y + row_h - 3 << "\" fill=\"#333\">" << Xml(r->name)
      << "</text>\n";
    if (r->status.ok() && unit_index < r->flags.size()) {
      const std::vector<uint8_t>& f = r->flags[unit_index];
      int last_c = -1;
      for (size_t i = unit.split; i < n && i < f.size(); ++i) {
        if (!f[i]) continue;
        int c = static_cast<int>(x_of(i));
        if (c == last_c) continue;
        last_c = c;
        o << "<line x1=\"" << c << "\" x2=\"" << c << "\" y1=\"" << y << "\" y2=\"" << y + row_h
          << "\" stroke=\"" << kFlagStroke << "\" stroke-width=\"1.5\"/>\n";
      }
    }
    y += row_h + 4;
  }
  // Legend: what the shading, the ticks and the dashed line mean.
  {
    const int ly = y + 4;
    double lx = left;
    o << "<rect x=\"" << lx << "\" y=\"" << ly << "\" width=\"14\" height=\"10\" fill=\"" << kLabelFill
      << "\" opacity=\"0.3\"/>\n<text x=\"" << lx + 18 << "\" y=\"" << ly + 9
      << "\">labeled anomaly (ground truth)</text>\n";
    lx += 18 + 6.5 * 30 + 16;
    o << "<line x1=\"" << Fmt(lx + 7, 1) << "\" x2=\"" << Fmt(lx + 7, 1) << "\" y1=\"" << ly << "\" y2=\""
      << ly + 10 << "\" stroke=\"" << kFlagStroke << "\" stroke-width=\"1.5\"/>\n<text x=\"" << Fmt(lx + 18, 1)
      << "\" y=\"" << ly + 9 << "\">detector flag</text>\n";
    lx += 18 + 6.5 * 13 + 16;
    o << "<line x1=\"" << Fmt(lx, 1) << "\" x2=\"" << Fmt(lx + 14, 1) << "\" y1=\"" << ly + 5 << "\" y2=\""
      << ly + 5 << "\" stroke=\"#555\" stroke-dasharray=\"4,3\"/>\n<text x=\"" << Fmt(lx + 18, 1) << "\" y=\""
      << ly + 9 << "\">train / test split</text>\n";
  }
  o << "</svg>\n";
  return o.str();
}

std::string FormatWallSeconds(double seconds) {
  if (!(seconds >= 0.05)) return "<0.1 s";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", seconds);
  return text;
}

Status CheckReportDir(const std::string& out_dir, bool overwrite) {
  std::error_code ec;
  if (fs::exists(out_dir, ec) && !fs::is_directory(out_dir, ec))
    return InvalidArgumentError("--out " + out_dir + " is not a folder");
  // A folder that cannot be made is said now, not after the run (DOCCHK, 2026-12-04: `eval
  // diagnose --out /proc/x` ran every case, `eval detect --out FILE/x` every detector, then failed
  // writing the report): its nearest existing folder must be one, and the first missing folder is
  // made and removed again (nothing is left; permission bits alone do not say it for root).
  if (!fs::exists(out_dir, ec)) {
    fs::path first = fs::path(out_dir).lexically_normal();
    if (!first.empty() && first.filename().empty()) first = first.parent_path();  // "a/b/" -> "a/b"
    auto parent_of = [](const fs::path& p) { return p.has_parent_path() ? p.parent_path() : fs::path("."); };
    while (first.has_parent_path() && first.parent_path() != first && !fs::exists(first.parent_path(), ec)) {
      first = first.parent_path();
    }
    const fs::path holder = parent_of(first);
    if (!fs::is_directory(holder, ec)) {
      return InvalidArgumentError("--out " + out_dir + ": cannot be made: " + holder.string() + " is not a folder");
    }
    if (!fs::create_directory(first, ec) || ec) {
      return InvalidArgumentError("--out " + out_dir + ": cannot be made: making " + first.string() + ": " +
                                  (ec ? ec.message() : std::string("it appeared meanwhile")));
    }
    fs::remove(first, ec);
    return Status::Ok();
  }
  std::string held;
  for (const char* name : {"report.md", "report.json"}) {
    if (fs::exists(fs::path(out_dir) / name, ec)) held += (held.empty() ? "" : ", ") + std::string(name);
  }
  if (held.empty() || overwrite) return Status::Ok();
  return InvalidArgumentError("--out " + out_dir + " holds the report of an earlier run (" + held +
                              "); choose another folder, or pass --overwrite to replace it");
}

std::string PartialRunText(const EvalSet& set, const std::string& data_path, const EvalSetOptions& options) {
  if (options.name_filter.empty() && options.max_series == 0 && options.max_points == 0) return "";
  // The dataset's own count, from its listing (cheap: no data file is read).
  size_t total = 0;
  std::error_code ec;
  auto count = [&](const fs::path& dir, std::string_view ext) {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir, ec))
      n += e.is_regular_file() && e.path().extension() == ext;
    return n;
  };
  if (set.dataset == "kpi") {
    total = fs::is_directory(data_path, ec) ? count(data_path, ".csv") : 1;
  } else if (set.dataset == "nab") {
    Result<Json> labels = ReadJsonFile(data_path + "/labels/combined_windows.json");
    if (labels.ok() && labels->is_object()) total = labels->size();
  } else if (set.dataset == "smd" || set.dataset == "smd-train") {
    total = count(fs::path(data_path) / (set.dataset == "smd" ? "test" : "train"), ".txt");
  }
  std::string text = "partial: " + std::to_string(set.units.size()) +
                     (total > 0 ? " of " + std::to_string(total) : "") + " series";
  std::string flags;
  if (!options.name_filter.empty()) flags += "--filter " + options.name_filter;
  if (options.max_series != 0)
    flags += (flags.empty() ? "" : ", ") + std::string("--max-series ") + std::to_string(options.max_series);
  if (!flags.empty()) text += " (" + flags + ")";
  if (options.max_points != 0) {
    text += ", the first " + std::to_string(options.max_points) + " points of each (--max-points " +
            std::to_string(options.max_points) + ")";
  }
  return text;
}

Result<DetectionReport> RunDetectionBenchmark(const DetectionBenchmarkOptions& options,
                                              std::vector<std::unique_ptr<BenchDetector>> detectors) {
  const auto start = std::chrono::steady_clock::now();
  auto log = [&](const std::string& s) {
    if (options.log) options.log(s);
  };
  if (!options.out_dir.empty()) RETURN_IF_ERROR(CheckReportDir(options.out_dir, options.overwrite));
  // With --overwrite, the earlier report's plots (read before it is replaced).
  const std::set<std::string> earlier_plots =
      options.out_dir.empty() ? std::set<std::string>() : LinkedPlots(options.out_dir);
  DetectionReport report;
  report.options = options.recorded_options;
  ASSIGN_OR_RETURN(report.set, LoadEvalSet(options.dataset, options.data_path, options.set));
  report.partial = PartialRunText(report.set, options.data_path, options.set);
  if (options.dataset == "nab" && options.nab_refractory_fraction > 0) {
    report.set.split_description +=
        "; NAB scores see alert onsets with a refractory of " +
        Fmt(100 * options.nab_refractory_fraction, 1) +
        "% of each file's length after each kept onset (label-free, every detector alike)";
  }
  log("loaded " + std::to_string(report.set.units.size()) + " series from " + options.dataset + ":" +
      options.data_path + " in " + FormatWallSeconds(Seconds(start)));
  for (auto& det : detectors) {
    const auto t0 = std::chrono::steady_clock::now();
    log("running " + det->name() + " ...");
    Result<std::vector<std::vector<uint8_t>>> flags = det->Run(report.set.units);
    DetectorResult r;
    if (flags.ok()) {
      Result<DetectorResult> scored = ScoreDetector(report.set, det->name(), std::move(flags).value(),
                                                    options.delay_k, options.nab_refractory_fraction);
      if (scored.ok())
        r = std::move(scored).value();
      else
        r.status = scored.status();
    } else {
      r.status = flags.status();
    }
    r.name = det->name();
    r.wall_s = Seconds(t0);
    r.details = det->Details();
    r.llm_usage = det->LlmUsage();
    if (options.dataset == "nab" && r.status.ok() && det->LastScores() != nullptr) {
      Result<NabCorpusThreshold> corpus =
          NabCorpusOptimum(report.set, *det->LastScores(), options.nab_refractory_fraction);
      if (!corpus.ok()) return corpus.status();
      r.nab_corpus = *corpus;
    }
    std::string figures;
    if (!r.status.ok()) {
      figures = "failed: " + r.status.message();
    } else if (NoAnomalousTestPoint(r)) {
      figures = "no anomalous test point in the scored data, F1 undefined; ";
      figures += std::to_string(r.total.point.fp);
      figures += " point(s) flagged, all false positives";
    } else {
      figures = "point F1 " + Fmt(r.total.point.F1()) + ", PA F1 " + Fmt(r.total.pa.F1()) + ", dc-PA F1 " +
                Fmt(r.total.dc_pa.F1()) + ", event F1 " + Fmt(r.total.event.F1());
    }
    log(det->name() + ": " + figures +
        " (" + FormatWallSeconds(r.wall_s) +
        (r.llm_usage.total() > 0 ? ", LLM " + std::to_string(r.llm_usage.prompt_tokens) + " prompt + " +
                                       std::to_string(r.llm_usage.completion_tokens) + " completion tokens"
                                 : "") +
        ")");
    report.results.push_back(std::move(r));
  }
  report.wall_s = Seconds(start);
  report.plots = options.plots;
  if (!options.out_dir.empty()) {
    std::error_code ec;
    fs::create_directories(options.plots ? fs::path(options.out_dir) / "plots" : fs::path(options.out_dir), ec);
    if (ec) return UnavailableError("cannot create " + options.out_dir + ": " + ec.message());
    RETURN_IF_ERROR(
        WriteFileAtomic(options.out_dir + "/report.json", DumpJson(report.ToJson(options.delay_k), 1)));
    RETURN_IF_ERROR(WriteFileAtomic(options.out_dir + "/report.md", report.ToMarkdown(options.delay_k)));
    std::set<std::string> written;
    if (options.plots) {
      std::vector<const DetectorResult*> rs;
      for (const DetectorResult& r : report.results) rs.push_back(&r);
      for (size_t u = 0; u < report.set.units.size(); ++u) {
        const std::string name = SafeFileName(report.set.units[u].name) + ".svg";
        written.insert(name);
        RETURN_IF_ERROR(
            WriteFileAtomic(options.out_dir + "/plots/" + name,
                            RenderUnitSvg(report.set.units[u], report.set.truth[u], rs, u,
                                          /*minute_rows=*/report.set.dataset.rfind("smd", 0) == 0)));
      }
    }
    // --overwrite: the earlier run's plots this run did not write would read as its; only those
    // (the earlier report.md links them) are removed.
    for (const std::string& name : earlier_plots) {
      if (written.count(name)) continue;
      std::error_code rm;
      fs::remove(fs::path(options.out_dir) / "plots" / name, rm);
    }
    log("report: " + options.out_dir + "/report.md");
  }
  return report;
}

}  // namespace vigil
