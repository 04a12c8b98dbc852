#include "training/builtin_proposer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>

namespace vigil {
namespace {

using Feature = RuleFeature;

struct Fitted {
  Feature feature;
  double threshold = 0;
  std::string threshold_text;  // as written into `condition` (ThresholdNumber)
  double train_f1 = 0;
  double sensitivity = 0;  // unlabeled: threshold / p99 of training values (lower = tighter)
  int64_t fit_points = 0;  // finite training values the threshold was fitted on
  bool frozen = false;     // unlabeled flatline capped at 1% of its training median (kFrozen)
  bool constant = false;   // unlabeled value level whose training values are all one value
  bool event = false;      // unlabeled event counter's `rate(value, 5p) > 0` (IsEventCounter)
  std::string condition;
  std::vector<std::vector<double>> train_values;
};

struct Scored {
  std::string name;
  std::string rule_text;
  std::string rationale;
  std::vector<std::vector<uint8_t>> val_flags;
  std::vector<std::vector<uint8_t>> train_flags;
  double val_f1 = 0;
  double val_flag_rate = 0;
  double train_f1 = 0;
  double sensitivity = 0;
  int64_t fit_points = 0;  // see Fitted
  int64_t val_points = 0;
  int64_t val_flagged = 0;
  bool event = false;  // see Fitted: kept by the unlabeled review whatever the tail shows
};

}  // namespace

std::string_view UnlabeledRankName(UnlabeledRank rank) {
  return rank == UnlabeledRank::kTail ? "tail" : "sensitivity";
}

Result<UnlabeledRank> ParseUnlabeledRank(std::string_view text) {
  if (text == "sensitivity") return UnlabeledRank::kSensitivity;
  if (text == "tail") return UnlabeledRank::kTail;
  return InvalidArgumentError("unlabeled rank must be sensitivity or tail, got `" + std::string(text) + "`");
}

std::string_view UnlabeledFlatlineName(UnlabeledFlatline flatline) {
  return flatline == UnlabeledFlatline::kFrozen ? "frozen" : "minimum";
}

Result<UnlabeledFlatline> ParseUnlabeledFlatline(std::string_view text) {
  if (text == "minimum") return UnlabeledFlatline::kMinimum;
  if (text == "frozen") return UnlabeledFlatline::kFrozen;
  return InvalidArgumentError("unlabeled flatline must be minimum or frozen, got `" + std::string(text) + "`");
}

int64_t UnlabeledTailAllowed(int64_t tail, int64_t fit, double rate, double alpha) {
  return std::max(static_cast<int64_t>(rate * static_cast<double>(tail)), AllowedExceedances(tail, fit, alpha));
}

int64_t AllowedExceedances(int64_t tail, int64_t fit, double alpha) {
  if (tail <= 0 || fit <= 0 || alpha <= 0) return 0;
  const double p = 1.0 / static_cast<double>(fit + 1);
  double pmf = std::pow(1 - p, static_cast<double>(tail));  // P(X = 0)
  double upper = 1.0;                                       // P(X >= x)
  for (int64_t x = 0; x < tail; ++x) {
    upper -= pmf;  // now P(X >= x + 1)
    if (upper < alpha) return x;
    pmf *= static_cast<double>(tail - x) / static_cast<double>(x + 1) * p / (1 - p);
  }
  return tail;
}

std::string RuleNumber(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

bool ThresholdFires(double v, double t, bool low) { return std::isfinite(v) && (low ? v < t : v > t); }

std::string ThresholdNumber(double t, const std::vector<std::vector<double>>& values, bool low) {
  // Whether `printed` flags every training value as `t` does. Only a value between the two can fire
  // under one and not the other.
  auto same_flags = [&](double printed) {
    const double a = std::min(t, printed), b = std::max(t, printed);
    for (const auto& series : values) {
      for (double v : series) {
        if (v >= a && v <= b && ThresholdFires(v, t, low) != ThresholdFires(v, printed, low)) return false;
      }
    }
    return true;
  };
  char buf[40];
  for (int digits = 6;; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, t);
    if (digits >= 17) return buf;  // 17 significant digits give back every double exactly
    const double printed = std::strtod(buf, nullptr);
    if (printed == t || same_flags(printed)) return buf;
    // Rounded to the side that flags more, the number can pass training values only float noise
    // away from a decimal (a jump 71.7 - 69.8 = 1.9000000000000057): the same digits one step
    // further out, on the side that flags fewer (1.90001 for `>`), usually flag exactly as `t`
    // does (RV-OPS: `more than 1.90000000000001`, `above 11.750000000000014`).
    if (!std::isfinite(t) || t == 0) continue;
    const double step = std::pow(10.0, std::floor(std::log10(std::fabs(t))) - (digits - 1));
    const bool wrong_side = low ? printed > t : printed < t;
    if (!wrong_side) continue;
    char out[40];
    std::snprintf(out, sizeof out, "%.*g", digits, low ? printed - step : printed + step);
    const double outward = std::strtod(out, nullptr);
    if ((low ? outward <= t : outward >= t) && same_flags(outward)) return out;
  }
}

namespace {

// The rank LowerQuantile reads: floor(q * (n - 1)), at most n - 1.
size_t QuantileRank(size_t n, double q) {
  return std::min(n - 1, static_cast<size_t>(q * static_cast<double>(n - 1)));
}

// LowerQuantile of values already sorted ascending (no copy, no selection).
double SortedLowerQuantile(const std::vector<double>& sorted, double q) {
  return sorted.empty() ? NAN : sorted[QuantileRank(sorted.size(), q)];
}

}  // namespace

double LowerQuantile(std::vector<double> v, double q) {
  if (v.empty()) return NAN;
  const size_t k = QuantileRank(v.size(), q);
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

bool FitsLabeled(const TrainingData& data) { return data.labeled && HasAnomalyLabel(data.train); }

bool IsCounterName(std::string_view name) {
  if (name.starts_with("DCGM_FI_")) {
    // dcgm-exporter's type column; every other DCGM field is a gauge (XID_ERRORS: the last Xid code;
    // FB_TOTAL, BAR1_TOTAL: sizes).
    static constexpr std::string_view kCounters[] = {
        "DCGM_FI_DEV_ECC_SBE_VOL_TOTAL",        "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL",
        "DCGM_FI_DEV_ECC_SBE_AGG_TOTAL",        "DCGM_FI_DEV_ECC_DBE_AGG_TOTAL",
        "DCGM_FI_DEV_PCIE_REPLAY_COUNTER",      "DCGM_FI_DEV_RETIRED_SBE",
        "DCGM_FI_DEV_RETIRED_DBE",              "DCGM_FI_DEV_RETIRED_PENDING",
        "DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL",   "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION",
        "DCGM_FI_DEV_POWER_VIOLATION",          "DCGM_FI_DEV_THERMAL_VIOLATION",
        "DCGM_FI_DEV_SYNC_BOOST_VIOLATION",     "DCGM_FI_DEV_BOARD_LIMIT_VIOLATION",
        "DCGM_FI_DEV_LOW_UTIL_VIOLATION",       "DCGM_FI_DEV_RELIABILITY_VIOLATION",
        "DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS", "DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS"};
    for (std::string_view c : kCounters) {
      if (name == c) return true;
    }
    return name.ends_with("_ERROR_COUNT_TOTAL");  // the NVLink CRC / replay / recovery error counts
  }
  for (std::string_view suffix : {"_total", "_count", "_sum", "_bucket"}) {
    if (name.size() > suffix.size() && name.ends_with(suffix)) return true;
  }
  return false;
}

bool CounterShape(const std::vector<double>& values) {
  int64_t steps = 0, resets = 0;
  double prev = NAN;
  for (double v : values) {
    if (!std::isfinite(v)) continue;
    if (v < 0) return false;
    if (!std::isnan(prev)) {
      ++steps;
      if (v < prev) {
        if (v > prev / 2) return false;  // a dip, not a restart from 0
        ++resets;
      }
    }
    prev = v;
  }
  return resets <= std::max<int64_t>(1, steps / 100);
}

namespace {

// `_count`, `_sum`, `_bucket`: a histogram's or summary's cumulative parts by Prometheus's
// conventions, but also the name of many gauges (`gpu_count`); IsCounterTarget.
bool IsHistogramPartName(std::string_view name) {
  if (name.starts_with("DCGM_FI_")) return false;
  for (std::string_view suffix : {"_count", "_sum", "_bucket"}) {
    if (name.size() > suffix.size() && name.ends_with(suffix)) return true;
  }
  return false;
}

// Whether some finite value of `values` is above the finite value before it.
bool Increases(const std::vector<double>& values) {
  double prev = NAN;
  for (double v : values) {
    if (!std::isfinite(v)) continue;
    if (v > prev) return true;  // false while prev is NaN
    prev = v;
  }
  return false;
}

}  // namespace

bool IsCounterTarget(const TrainingData& data) {
  if (data.train.empty()) return false;
  for (const TimeSeries& ts : data.train) {
    if (!IsCounterName(ts.name) || !CounterShape(ts.values)) return false;
    // A histogram part's name is a counter's only when the training part shows it counting: flat,
    // it is as likely a gauge at a level (a GPU count at 8), whose drop only `value < C` reports.
    if (IsHistogramPartName(ts.name) && !Increases(ts.values)) return false;
  }
  return true;
}

int64_t CounterIncrements(const std::vector<double>& values) {
  int64_t n = 0;
  double prev = NAN;
  for (double v : values) {
    if (!std::isfinite(v)) continue;
    if (v > prev || (v < prev && v > 0)) ++n;  // false while prev is NaN
    prev = v;
  }
  return n;
}

namespace {

// The most increments any series of `data` holds over its training part and validation tail.
int64_t EventIncrements(const TrainingData& data) {
  int64_t most = 0;
  for (size_t i = 0; i < data.train.size(); ++i) {
    std::vector<double> values = data.train[i].values;
    if (i < data.validation.size())
      values.insert(values.end(), data.validation[i].values.begin(), data.validation[i].values.end());
    most = std::max(most, CounterIncrements(values));
  }
  return most;
}

}  // namespace

bool IsEventCounter(const TrainingData& data) {
  return IsCounterTarget(data) && EventIncrements(data) <= kEventCounterMaxIncrements;
}

bool HasAnomalyLabel(const std::vector<TimeSeries>& series) {
  for (const TimeSeries& s : series) {
    for (uint8_t l : s.anomaly_labels) {
      if (l) return true;
    }
  }
  return false;
}

namespace {

std::vector<double> Finite(const std::vector<std::vector<double>>& values) {
  std::vector<double> out;
  for (const auto& s : values) {
    for (double v : s) {
      if (std::isfinite(v)) out.push_back(v);
    }
  }
  return out;
}


Result<DetectionCounts> Count(const std::vector<TimeSeries>& series,
                              const std::vector<std::vector<uint8_t>>& flags, int delay_k) {
  DetectionCounts total;
  for (size_t i = 0; i < series.size(); ++i) {
    if (!series[i].has_anomaly_labels()) continue;
    ASSIGN_OR_RETURN(DetectionCounts c, ScoreFlags(series[i].anomaly_labels, flags[i], delay_k));
    total += c;
  }
  return total;
}

// Flagged normal points / normal points of labeled `series` (unlabeled points count as normal).
double NormalFlagRate(const std::vector<TimeSeries>& series, const std::vector<std::vector<uint8_t>>& flags) {
  int64_t normal = 0, flagged = 0;
  for (size_t i = 0; i < series.size() && i < flags.size(); ++i) {
    for (size_t j = 0; j < flags[i].size(); ++j) {
      if (series[i].has_anomaly_labels() && series[i].anomaly_labels[j]) continue;
      ++normal;
      flagged += flags[i][j] ? 1 : 0;
    }
  }
  return normal == 0 ? 0.0 : static_cast<double>(flagged) / static_cast<double>(normal);
}

std::vector<std::vector<uint8_t>> Threshold(const std::vector<std::vector<double>>& values, double t,
                                            bool low) {
  std::vector<std::vector<uint8_t>> flags(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    flags[i].resize(values[i].size());
    for (size_t j = 0; j < values[i].size(); ++j) flags[i][j] = ThresholdFires(values[i][j], t, low);
  }
  return flags;
}

}  // namespace

std::string RuleFeature::Condition(const std::string& threshold_text, bool low_side) const {
  std::string c = expr + (low_side ? " < " : " > ") + threshold_text;
  if (!full_count.empty()) c += " and " + FullGuard();
  return c;
}

std::string RuleFeature::Explain(const std::string& threshold_text, bool low_side) const {
  const std::string& t = threshold_text;
  const std::string than = std::string(low_side ? "less than " : "more than ") + t;
  // W: the feature's window (full_points), as the rule's guard counts it.
  const std::string w = std::to_string(full_points);
  if (family == "value-high" || family == "value-low")
    return std::string("value {{value}} ") + (low_side ? "below" : "above") + " the fixed level " + t;
  if (family == "jump") return "value {{value}} moved {{" + expr + "}} from the point before, " + than;
  if (family == "residual" || family == "mad-band") {
    const std::string med = "median(lag(value, 1), " + w + "p)";
    if (family == "residual") {
      return "value {{value}} is {{" + expr + "}} from the median {{" + med + "}} of the previous " + w +
             " points, " + than;
    }
    std::string out = "value {{value}} is {{" + expr + "}} MADs from the median {{" + med + "}} of the previous " + w +
                      " points, " + than + " MADs";
    if (!scale.empty()) {
      // The band the value left (high side), from the same median and scale as the condition.
      out += low_side ? " (inside " : " (outside ";
      out += "{{" + med + " - (" + t + ") * " + scale + "}} to {{" + med + " + (" + t + ") * " + scale +
             "}}; MAD {{mad(lag(value, 1), " + w + "p)}})";
    }
    return out;
  }
  if (family == "zscore") {
    return "value {{value}} is {{" + expr + "}} standard deviations from the mean {{mean(value, " + w +
           "p)}} of the last " + w + " points (itself included), " + than;
  }
  if (family == "flatline") {
    return "the standard deviation of the last " + w + " points is {{" + expr + "}} (value {{value}}), " + than +
           (low_side ? " (a flat line)" : "");
  }
  if (family == "level-shift") {
    const std::string s = std::to_string(full_points / 2);
    return "the mean {{mean(value, " + s + "p)}} of the last " + s + " points differs by {{" + expr +
           "}} from the mean {{mean(lag(value, " + s + "), " + s + "p)}} of the " + s + " points before, " + than;
  }
  if (family == "increase")
    return "value {{value}} rose by {{" + expr + "}} over the last " + w + " points, " + than;
  if (family == "seasonal") {
    return "value {{value}} differs by {{" + expr + "}} from its value 1 day earlier {{value offset 1d}}, " + than;
  }
  if (family == "counter") {
    return "the counter rose {{" + expr + "}} per second over the last " + w + " points (reset-aware), " + than +
           " per second";
  }
  return "{{" + expr + "}} " + than;
}

Status FullWindowFilter::Keep(const RuleFeature& f, std::vector<std::vector<double>>& values) {
  if (f.full_count.empty()) return Status::Ok();
  auto it = counts_.find(f.full_count);
  if (it == counts_.end()) {
    Result<std::vector<std::vector<double>>> counts = evaluator_.Values(f.full_count, split_);
    if (!counts.ok()) return counts.status().WithContext("window count `" + f.full_count + "`");
    it = counts_.emplace(f.full_count, std::move(counts).value()).first;
  }
  const std::vector<std::vector<double>>& counts = it->second;
  if (counts.size() != values.size())
    return InternalError("window count `" + f.full_count + "` for another number of series");
  for (size_t i = 0; i < values.size(); ++i) {
    if (counts[i].size() != values[i].size())
      return InternalError("window count `" + f.full_count + "` for another number of points");
    for (size_t j = 0; j < values[i].size(); ++j) {
      // Not `< full_points`: a NaN count is not full either.
      if (!(counts[i][j] >= f.full_points)) values[i][j] = NAN;
    }
  }
  return Status::Ok();
}

namespace {

// A counter's features: its reset-aware per-second increase over 5 points and over each window,
// shortest first (a counter flat in training keeps the first only: Propose).
std::vector<Feature> CounterFeatures(const std::vector<int>& windows) {
  std::vector<int> ws = {5};
  for (int w : windows) {
    if (w >= 2 && std::find(ws.begin(), ws.end(), w) == ws.end()) ws.push_back(w);
  }
  std::sort(ws.begin(), ws.end());
  std::vector<Feature> f;
  for (int w : ws) {
    const std::string W = std::to_string(w);
    f.push_back({"counter", "counter_rate_" + W, "rate(value, " + W + "p)", false, INFINITY,
                 "count(value, " + W + "p)", w});
  }
  return f;
}

std::vector<Feature> Features(const TrainingData& data, const std::vector<int>& windows, double eps) {
  if (IsCounterTarget(data)) return CounterFeatures(windows);
  std::vector<Feature> f;
  f.push_back({"value-high", "value_high", "value", false});
  f.push_back({"value-low", "value_low", "value", true});
  f.push_back({"jump", "jump", "abs(value - lag(value, 1))", false});
  for (int w : windows) {
    const std::string W = std::to_string(w);
    const std::string med = "median(lag(value, 1), " + W + "p)";
    const std::string lagged_count = "count(lag(value, 1), " + W + "p)";
    const std::string count = "count(value, " + W + "p)";
    f.push_back({"residual", "residual_" + W, "abs(value - " + med + ")", false, INFINITY, lagged_count, w});
    const std::string scale = "(mad(lag(value, 1), " + W + "p) + " + RuleNumber(eps) + ")";
    f.push_back({"mad-band", "mad_band_" + W, "abs(value - " + med + ") / " + scale, false, INFINITY,
                 lagged_count, w, scale});
    f.push_back({"zscore", "zscore_" + W, "abs(zscore(value, " + W + "p))", false,
                 (w - 1) / std::sqrt(static_cast<double>(w)), count, w});
    f.push_back({"flatline", "flatline_" + W, "std(value, " + W + "p)", true, INFINITY, count, w});
  }
  const int s = std::max(5, windows.empty() ? 5 : windows.front() / 2);
  const std::string S = std::to_string(s);
  f.push_back({"level-shift", "level_shift_" + S,
               "abs(mean(value, " + S + "p) - mean(lag(value, " + S + "), " + S + "p))", false, INFINITY,
               "count(value, " + std::to_string(2 * s) + "p)", 2 * s});
  f.push_back({"increase", "increase_5", "delta(value, 5p)", false, INFINITY, "count(value, 5p)", 5});
  // Seasonal offset only when a day of history precedes most of the training part.
  int64_t span = 0;
  for (const TimeSeries& ts : data.train) {
    if (ts.size() > 1) span = std::max(span, ts.timestamps_ms.back() - ts.timestamps_ms.front());
  }
  if (span >= 2LL * 86'400'000)
    f.push_back({"seasonal", "seasonal_1d", "abs(value - (value offset 1d))", false});
  return f;
}

// Candidate thresholds of a labeled fit (FitLabeledThreshold then takes the middle of the best
// ones' interval): quantiles of the training values, then, for up to kAnomalyCuts labeled anomalous points
// (evenly spaced by rank), the cut just short of each — the largest training value below it (the
// smallest above it for a `low` feature) — so the rule fires from that point on. The quantile grid
// alone cannot cut between normal values and anomalies when the anomalies' share of the points is
// not near a grid step (a few spikes in 1 600 points: 0.99 keeps normal points, 0.995 drops
// anomalies). A cut equal to an earlier one is left out: it flags the same points, so its F1 is
// the same and adds nothing (anomalies of one segment often share their cut). `finite`: the finite
// training values, sorted ascending.
std::vector<double> LabeledCuts(const std::vector<std::vector<double>>& values, const std::vector<double>& finite,
                                const std::vector<TimeSeries>& train, bool low) {
  constexpr size_t kAnomalyCuts = 32;
  std::vector<double> cuts;
  auto add = [&](double t) {
    if (std::find(cuts.begin(), cuts.end(), t) == cuts.end()) cuts.push_back(t);
  };
  for (double q : {0.5, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999}) {
    add(SortedLowerQuantile(finite, low ? 1 - q : q));
  }
  std::vector<double> anomalous;
  for (size_t i = 0; i < train.size() && i < values.size(); ++i) {
    if (!train[i].has_anomaly_labels()) continue;
    for (size_t j = 0; j < values[i].size() && j < train[i].anomaly_labels.size(); ++j) {
      if (train[i].anomaly_labels[j] && std::isfinite(values[i][j])) anomalous.push_back(values[i][j]);
    }
  }
  if (anomalous.empty()) return cuts;
  std::sort(anomalous.begin(), anomalous.end());
  anomalous.erase(std::unique(anomalous.begin(), anomalous.end()), anomalous.end());
  const size_t m = std::min(kAnomalyCuts, anomalous.size());
  for (size_t r = 0; r < m; ++r) {
    const double v = anomalous[m == 1 ? 0 : r * (anomalous.size() - 1) / (m - 1)];
    if (!low) {
      auto it = std::lower_bound(finite.begin(), finite.end(), v);
      if (it != finite.begin()) add(*(it - 1));
    } else {
      auto it = std::upper_bound(finite.begin(), finite.end(), v);
      if (it != finite.end()) add(*it);
    }
  }
  return cuts;
}

// The midpoint of [a, b] when it lies strictly between them (adjacent doubles have none).
std::optional<double> StrictMidpoint(double a, double b) {
  const double m = a + (b - a) / 2;
  if (m > a && m < b) return m;
  return std::nullopt;
}

}  // namespace

Result<LabeledThreshold> FitLabeledThreshold(const std::vector<std::vector<double>>& values,
                                             const std::vector<TimeSeries>& train, bool low,
                                             Objective objective, int delay_k) {
  LabeledThreshold out;
  std::vector<double> finite = Finite(values);
  if (finite.empty()) return out;
  std::sort(finite.begin(), finite.end());  // one sort serves the cuts and the margin below
  const std::vector<double> cuts = LabeledCuts(values, finite, train, low);
  auto f1_of = [&](double t) -> Result<double> {
    ASSIGN_OR_RETURN(DetectionCounts c, Count(train, Threshold(values, t, low), delay_k));
    return ObjectiveF1(c, objective);
  };
  std::vector<double> f1(cuts.size());
  for (size_t i = 0; i < cuts.size(); ++i) {
    ASSIGN_OR_RETURN(f1[i], f1_of(cuts[i]));
    if (f1[i] > out.train_f1) {
      out.train_f1 = f1[i];
      out.threshold = cuts[i];  // the first of equal F1: kept when no margin can be added
    }
  }
  if (out.train_f1 < 0) return out;
  // Work on the "high" side: for `low`, negate (v < t is -v > -t).
  const double sign = low ? -1 : 1;
  double lowest = INFINITY, highest = -INFINITY;  // of the best cuts, in signed terms
  for (size_t i = 0; i < cuts.size(); ++i) {
    if (f1[i] != out.train_f1) continue;
    lowest = std::min(lowest, sign * cuts[i]);
    highest = std::max(highest, sign * cuts[i]);
  }
  // The first training value above a signed cut (what the cut flags first); none: flags nothing.
  // `low`: sign * v > cut is v < -cut, so the largest such v of the ascending values.
  auto next_above = [&](double cut) -> std::optional<double> {
    if (!low) {
      auto it = std::upper_bound(finite.begin(), finite.end(), cut);
      if (it == finite.end()) return std::nullopt;
      return *it;
    }
    auto it = std::lower_bound(finite.begin(), finite.end(), -cut);
    if (it == finite.begin()) return std::nullopt;
    return -*(it - 1);
  };
  if (std::optional<double> top = next_above(highest)) {
    if (std::optional<double> m = StrictMidpoint(lowest, *top)) {
      ASSIGN_OR_RETURN(double f1_m, f1_of(sign * *m));
      if (f1_m == out.train_f1) {
        out.threshold = sign * *m;
        return out;
      }
    }
  }
  // The gap above the lowest best cut flags exactly what that cut flags.
  if (std::optional<double> above = next_above(lowest)) {
    if (std::optional<double> m = StrictMidpoint(lowest, *above)) out.threshold = sign * *m;
  }
  return out;
}

namespace {

// `explain`: the text after `NAME: ` (RuleFeature::Explain), with its `{{...}}` parts.
std::string RuleText(const std::string& name, const std::string& selector, const std::string& condition,
                     const std::string& explain) {
  return "rule " + name + " {\n  select " + selector + "\n  when " + condition + "\n  explain \"" + name + ": " +
         explain + "\"\n}\n";
}

}  // namespace

Result<std::vector<RuleCandidate>> BuiltinProposer::Propose(const TrainingData& data,
                                                            RuleEvaluator& evaluator,
                                                            const ProposeOptions& options) {
  if (data.train.empty() || data.train.size() != data.validation.size()) {
    return InvalidArgumentError("builtin proposer: target `" + data.target +
                                "` needs training and validation parts of the same series");
  }
  const std::string selector =
      !data.selector.empty() ? data.selector : (data.metric.empty() ? std::string("*") : data.metric);
  const int k = options.delay_k;
  const Objective objective = evaluator.objective();
  const bool labeled = FitsLabeled(data);
  const bool counter = IsCounterTarget(data);  // then Features holds the counter family only
  // Unlabeled, an event counter gets `rate(value, 5p) > 0` only (IsEventCounter).
  const bool event = counter && !labeled && IsEventCounter(data);
  const bool val_has_anomaly = data.labeled && HasAnomalyLabel(data.validation);

  // ε for the MAD band: a thousandth of the training values' spread, so flat windows do not
  // divide by zero and tiny wobbles on a flat series do not read as huge deviations.
  std::vector<double> all;
  for (const TimeSeries& ts : data.train) {
    for (double v : ts.values) {
      if (std::isfinite(v)) all.push_back(v);
    }
  }
  if (all.empty())
    return InvalidArgumentError("builtin proposer: target `" + data.target + "` has no finite values");
  const double spread = LowerQuantile(all, 0.99) - LowerQuantile(all, 0.01);
  const double eps = std::max(1e-9, 1e-3 * spread);

  std::vector<Feature> features = Features(data, options_.windows, eps);
  if (!labeled && !options_.unlabeled_levels) {
    std::erase_if(features,
                  [](const Feature& f) { return f.family == "value-high" || f.family == "value-low"; });
  }
  const int planned = static_cast<int>(features.size()) * 2 + 10;
  int done = 0;
  // ProposeOptions::stop (SIGINT to train-rules), polled before each feature fit and each
  // candidate measured: a stopped target returns no rule set it did not finish reviewing.
  auto stopped = [&]() -> Status {
    if (options.stop && options.stop())
      return CancelledError("builtin proposer: target `" + data.target + "` stopped after " + std::to_string(done) +
                            " of " + std::to_string(planned) + " steps");
    return Status::Ok();
  };
  auto tick = [&] {
    ++done;
    if (options.progress) options.progress(std::min(done, planned), planned);
  };

  // 1. Fit each feature's threshold on the training chunks, over full windows only (the rule
  // carries the same guard).
  std::vector<Fitted> fitted;
  FullWindowFilter full_windows(evaluator, Split::kTrain);
  for (const Feature& f : features) {
    if (done >= options.max_candidates) break;
    RETURN_IF_ERROR(stopped());
    Result<std::vector<std::vector<double>>> values = evaluator.Values(f.expr, Split::kTrain);
    tick();
    if (!values.ok()) continue;  // e.g. an offset with no history: the family does not apply
    RETURN_IF_ERROR(full_windows.Keep(f, *values).WithContext("builtin proposer"));
    std::vector<double> finite = Finite(*values);
    if (finite.size() < 10) continue;
    Fitted fit;
    fit.feature = f;
    const double lo = *std::min_element(finite.begin(), finite.end());
    const double hi = *std::max_element(finite.begin(), finite.end());
    if (event) {
      // An event counter (IsEventCounter): every increment is news, as for a counter that never
      // moved; one window says it (the shortest, first in Features, clears soonest).
      if (f.family != "counter" || !fitted.empty()) continue;
      fit.event = true;
      fit.constant = lo == hi;
      fit.threshold = 0;
      fit.sensitivity = 1e9;
      fit.fit_points = static_cast<int64_t>(finite.size());
      fit.threshold_text = "0";
      fit.condition = f.Condition(fit.threshold_text, false);
      fit.train_values = std::move(values).value();
      fitted.push_back(std::move(fit));
      continue;
    }
    if (lo == hi) {
      // A constant feature. Unlabeled, a constant VALUE (GPU memory in steady training, an error
      // counter at 0) is where any departure is news: `value > C` / `value < C`, C the training
      // extreme as for every unlabeled level (the margin is a fraction of the range, 0 here).
      // Every other family stays skipped: on a constant value each is 0 or undefined (jump,
      // residual, level shift, increase: 0; MAD band: 0 / ε with ε = 1e-9 for a zero spread, so a
      // 1-unit departure would score 1e9; z-score: NaN; flatline: std 0), and a rule on it would
      // say no more than `> C` / `< C` while taking a max_rules slot. A derived feature constant
      // on a moving value (the jump of an exact ramp) is skipped as before. Labeled: skipped as
      // before (no cut of a constant separates anything).
      // A counter's rate constant over the training part (0: the counter never moved) is the same
      // case: `rate(value, 5p) > C`, any faster increase is news. One window says it all (every
      // window's rate is the same constant), so the shortest, which clears soonest, is kept.
      const bool level = f.family == "value-high" || f.family == "value-low";
      if (labeled || !(level || f.family == "counter")) continue;
      if (f.family == "counter" &&
          std::any_of(fitted.begin(), fitted.end(), [](const Fitted& g) { return g.constant; }))
        continue;
      fit.constant = true;
    }
    if (labeled) {
      ASSIGN_OR_RETURN(LabeledThreshold lt, FitLabeledThreshold(*values, data.train, f.low, objective, k));
      fit.threshold = lt.threshold;
      fit.train_f1 = lt.train_f1;
      if (lt.train_f1 <= 0) continue;
    } else {
      const double mid = LowerQuantile(finite, 0.5);
      fit.threshold =
          f.low ? lo - options_.unlabeled_margin * (mid - lo) : hi + options_.unlabeled_margin * (hi - mid);
      // kFrozen: "frozen" = a spread below 1% of the typical (median) full-window spread.
      if (f.family == "flatline" && options_.unlabeled_flatline == UnlabeledFlatline::kFrozen &&
          0.01 * mid < fit.threshold) {
        fit.threshold = 0.01 * mid;
        fit.frozen = true;
      }
      if (f.low && fit.threshold <= 0 && f.family == "flatline") continue;  // train already flat
      const double p99 = LowerQuantile(finite, f.low ? 0.01 : 0.99);
      fit.sensitivity =
          f.low ? (fit.threshold == 0 ? 1e9 : p99 / fit.threshold) : (p99 == 0 ? 1e9 : fit.threshold / p99);
    }
    // At the feature's bound (e.g. a z-score whose training part already held a lone spike in a
    // window) the rule can never fire: a dead rule would only take a max_rules slot.
    if (!f.low && fit.threshold >= f.bound * (1 - 1e-6)) continue;
    fit.fit_points = static_cast<int64_t>(finite.size());
    fit.threshold_text = ThresholdNumber(fit.threshold, *values, f.low);
    fit.condition = f.Condition(fit.threshold_text, f.low);
    fit.train_values = std::move(values).value();
    fitted.push_back(std::move(fit));
  }

  // 2. Conjunctions of the best single features (labeled only), thresholds re-fitted jointly.
  struct Conjunction {
    std::string name, condition, explain;
  };
  std::vector<Conjunction> conj;
  if (labeled && fitted.size() >= 2) {
    std::vector<size_t> order(fitted.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return fitted[a].train_f1 > fitted[b].train_f1; });
    const size_t top = std::min<size_t>(4, order.size());
    for (size_t a = 0; a < top; ++a) {
      for (size_t b = a + 1; b < top; ++b) {
        const Fitted& A = fitted[order[a]];
        const Fitted& B = fitted[order[b]];
        // Same family, two windows (mad_band_10 and mad_band_60) is a multi-window conjunction:
        // a deviation from both the short and the long baseline. Pairs of one expression
        // (value-high with value-low) are skipped.
        if (A.feature.expr == B.feature.expr) continue;
        std::vector<double> fa = Finite(A.train_values), fb = Finite(B.train_values);
        double best = std::max(A.train_f1, B.train_f1);
        double best_ta = NAN, best_tb = NAN;
        for (double qa : {0.8, 0.9, 0.95, 0.98, 0.99}) {
          for (double qb : {0.8, 0.9, 0.95, 0.98, 0.99}) {
            const double ta = LowerQuantile(fa, A.feature.low ? 1 - qa : qa);
            const double tb = LowerQuantile(fb, B.feature.low ? 1 - qb : qb);
            auto flags = Threshold(A.train_values, ta, A.feature.low);
            for (size_t i = 0; i < flags.size(); ++i) {
              for (size_t j = 0; j < flags[i].size(); ++j) {
                flags[i][j] &= ThresholdFires(B.train_values[i][j], tb, B.feature.low);
              }
            }
            ASSIGN_OR_RETURN(DetectionCounts c, Count(data.train, flags, k));
            if (ObjectiveF1(c, objective) > best) {
              best = ObjectiveF1(c, objective);
              best_ta = ta;
              best_tb = tb;
            }
          }
        }
        if (!std::isnan(best_ta)) {
          // Each side with its own guard (the values fitted above are its full-window ones); a guard
          // both sides share (zscore_60 and flatline_60) is written once.
          const std::string ta = ThresholdNumber(best_ta, A.train_values, A.feature.low);
          const std::string tb = ThresholdNumber(best_tb, B.train_values, B.feature.low);
          std::string cond = A.feature.Condition(ta, A.feature.low);
          Feature b_side = B.feature;
          if (b_side.FullGuard() == A.feature.FullGuard()) b_side.full_count.clear();
          cond += " and " + b_side.Condition(tb, B.feature.low);
          conj.push_back({A.feature.name + "_and_" + B.feature.name, std::move(cond),
                          A.feature.Explain(ta, A.feature.low) + "; and " + B.feature.Explain(tb, B.feature.low)});
        }
      }
    }
  }

  // 3. Measure every candidate on the validation tail with the engine.
  std::vector<Scored> scored;
  auto measure = [&](const std::string& name, const std::string& condition, const std::string& explain,
                     double train_f1, double sensitivity, const std::string& rationale) -> Status {
    if (done >= options.max_candidates) return Status::Ok();
    RETURN_IF_ERROR(stopped());
    Scored s;
    s.name = name;
    s.rule_text = RuleText(name, selector, condition, explain);
    Result<std::vector<std::vector<uint8_t>>> flags = evaluator.Flags(s.rule_text, Split::kValidation);
    tick();
    if (!flags.ok()) return flags.status().WithContext("builtin proposer: rule " + name);
    int64_t points = 0, flagged = 0;
    for (const auto& f : *flags) {
      points += static_cast<int64_t>(f.size());
      flagged += std::count(f.begin(), f.end(), 1);
    }
    s.val_flag_rate = points == 0 ? 0 : static_cast<double>(flagged) / static_cast<double>(points);
    s.val_points = points;
    s.val_flagged = flagged;
    ASSIGN_OR_RETURN(DetectionCounts c, Count(data.validation, *flags, k));
    s.val_f1 = ObjectiveF1(c, objective);
    s.train_f1 = train_f1;
    s.sensitivity = sensitivity;
    s.rationale = rationale;
    s.val_flags = std::move(flags).value();
    if (options_.pooled_review) {
      ASSIGN_OR_RETURN(s.train_flags, evaluator.Flags(s.rule_text, Split::kTrain));
    }
    scored.push_back(std::move(s));
    return Status::Ok();
  };
  for (const Fitted& f : fitted) {
    const std::string why =
        f.feature.family + " (" + f.feature.expr + ") " + (f.feature.low ? "below " : "above ") +
        f.threshold_text +
        (labeled ? ", threshold with the best training " + std::string(ObjectiveName(objective)) + " F1 (" +
                       RuleNumber(f.train_f1) + ")"
         : f.frozen   ? ", 1% of its training median: frozen, below the training minimum"
         : f.event && !f.constant
             ? ", an event counter (at most " + std::to_string(kEventCounterMaxIncrements) +
                   " increments in its history, " + std::to_string(EventIncrements(data)) +
                   " here): every increase is news (a reset to 0 is not)"
         : f.constant && counter
             ? (f.threshold == 0 ? ", a counter that did not increase over the training part: any increase is news "
                                "(a reset to 0 is not)"
                              : ", a counter whose rate was constant over the training part: a faster increase "
                                "is news")
         : f.constant ? ", the value every training point held (constant: any departure is news)"
         : counter    ? ", the counter's largest training rate (reset-aware; training data assumed mostly normal)"
                      : ", the training extreme (training data assumed mostly normal)") +
        (f.feature.full_count.empty()
             ? ""
             : ", over full " + std::to_string(f.feature.full_points) + "-point windows");
    const size_t before = scored.size();
    RETURN_IF_ERROR(measure(f.feature.name, f.condition, f.feature.Explain(f.threshold_text, f.feature.low),
                            f.train_f1, f.sensitivity, why));
    if (scored.size() > before) {
      scored.back().fit_points = f.fit_points;
      scored.back().event = f.event;
    }
  }
  for (const Conjunction& c : conj) {
    RETURN_IF_ERROR(
        measure(c.name, c.condition, c.explain, 0, 0, "conjunction: " + c.condition + ", thresholds fitted jointly"));
  }

  // Unlabeled review: quiet on the tail = at most max_unlabeled_flag_rate of it flagged, or no
  // more flags than a threshold at the training maximum shows on stationary data
  // (AllowedExceedances). With a tail of a few hundred points (NAB's probation) the rate bound
  // alone allows no flag at all and rejects about a quarter of stationary features by chance —
  // keeping those whose training maximum was unusually high, the least sensitive ones.
  auto quiet_on_tail = [&](const Scored& sc) {
    return sc.val_flagged <= UnlabeledTailAllowed(sc.val_points, sc.fit_points, options_.max_unlabeled_flag_rate,
                                                  options_.unlabeled_tail_alpha);
  };

  // 4. Review: choose the set.
  std::vector<size_t> chosen;
  if (labeled || val_has_anomaly) {
    // Greedy forward selection on the validation objective (OR of the chosen rules' flags).
    auto set_counts = [&](const std::vector<size_t>& set, const std::vector<TimeSeries>& series,
                          bool train) -> Result<DetectionCounts> {
      std::vector<std::vector<uint8_t>> flags(series.size());
      for (size_t i = 0; i < flags.size(); ++i) flags[i].assign(series[i].size(), 0);
      for (size_t c : set) {
        const auto& f = train ? scored[c].train_flags : scored[c].val_flags;
        for (size_t i = 0; i < flags.size(); ++i) {
          for (size_t j = 0; j < flags[i].size(); ++j) flags[i][j] |= f[i][j];
        }
      }
      return Count(series, flags, k);
    };
    auto set_f1 = [&](const std::vector<size_t>& set) -> Result<double> {
      ASSIGN_OR_RETURN(DetectionCounts c, set_counts(set, data.validation, false));
      if (options_.pooled_review) {
        ASSIGN_OR_RETURN(DetectionCounts t, set_counts(set, data.train, true));
        c += t;
      }
      return ObjectiveF1(c, objective);
    };
    double current = 0;
    while (static_cast<int>(chosen.size()) < options_.max_rules) {
      double best = current;
      int best_i = -1;
      for (size_t c = 0; c < scored.size(); ++c) {
        if (std::find(chosen.begin(), chosen.end(), c) != chosen.end()) continue;
        std::vector<size_t> trial = chosen;
        trial.push_back(c);
        double f1 = 0;
        if (val_has_anomaly || (options_.pooled_review && labeled)) {
          ASSIGN_OR_RETURN(f1, set_f1(trial));
        } else {
          // No anomaly in the tail: prefer the best training fit among rules quiet on the tail.
          f1 = chosen.empty() && scored[c].val_flag_rate <= options_.max_unlabeled_flag_rate
                   ? scored[c].train_f1
                   : 0;
        }
        if (f1 > best + (chosen.empty() ? 1e-9 : options_.min_gain)) {
          best = f1;
          best_i = static_cast<int>(c);
        }
      }
      if (best_i < 0) break;
      chosen.push_back(static_cast<size_t>(best_i));
      current = best;
    }
  } else {
    std::vector<size_t> quiet;
    for (size_t c = 0; c < scored.size(); ++c) {
      // An event counter's increment on the tail is one more event, not a rule too loose.
      if (scored[c].event || quiet_on_tail(scored[c])) quiet.push_back(c);
    }
    const bool by_tail = options_.unlabeled_rank == UnlabeledRank::kTail;
    std::sort(quiet.begin(), quiet.end(), [&](size_t a, size_t b) {  // as before for kSensitivity
      if (by_tail && scored[a].val_flagged != scored[b].val_flagged) {
        return scored[a].val_flagged < scored[b].val_flagged;
      }
      return scored[a].sensitivity < scored[b].sensitivity;
    });
    for (size_t c : quiet) {
      if (static_cast<int>(chosen.size()) >= options_.max_rules) break;
      chosen.push_back(c);
    }
  }

  // 4b. Range guard (labeled targets): a value outside the range of every NORMAL training point
  // is a novelty the labeled history cannot have rewarded (a level drop to values never seen),
  // so the greedy review above never picks it. Each side joins the set, beyond max_rules, when it
  // flags at most `max_unlabeled_flag_rate` of the validation tail's normal points.
  std::vector<size_t> guards;
  if (labeled && options_.range_guard && counter && !features.empty()) {
    // A counter's level is no range: the guard is its rate over the shortest window above the
    // largest rate at any normal training point (full windows only, as fitted). High side only: a
    // reset lowers the rate, so a low side would fire on every restart.
    const Feature& f = features.front();
    Result<std::vector<std::vector<double>>> values = evaluator.Values(f.expr, Split::kTrain);
    if (values.ok()) {
      RETURN_IF_ERROR(full_windows.Keep(f, *values).WithContext("builtin proposer"));
      double hi = -INFINITY;
      for (size_t i = 0; i < data.train.size() && i < values->size(); ++i) {
        const TimeSeries& ts = data.train[i];
        for (size_t j = 0; j < (*values)[i].size(); ++j) {
          if (ts.has_anomaly_labels() && ts.anomaly_labels[j]) continue;
          if (std::isfinite((*values)[i][j])) hi = std::max(hi, (*values)[i][j]);
        }
      }
      if (std::isfinite(hi)) {
        const std::string number = ThresholdNumber(hi, *values, false);
        const size_t before = scored.size();
        RETURN_IF_ERROR(measure("counter_guard", f.Condition(number, false),
                                f.Explain(number, false) + " (the largest rate at a normal training point)", 0, 0,
                                "counter guard: " + f.expr + " above the largest normal training rate " +
                                    number + ", quiet on the validation tail"));
        if (scored.size() > before &&
            NormalFlagRate(data.validation, scored.back().val_flags) <= options_.max_unlabeled_flag_rate) {
          guards.push_back(before);
        }
      }
    }
  } else if (labeled && options_.range_guard) {
    double lo = INFINITY, hi = -INFINITY;
    for (const TimeSeries& ts : data.train) {
      for (size_t j = 0; j < ts.size(); ++j) {
        if ((ts.has_anomaly_labels() && ts.anomaly_labels[j]) || !std::isfinite(ts.values[j])) continue;
        lo = std::min(lo, ts.values[j]);
        hi = std::max(hi, ts.values[j]);
      }
    }
    // lo == hi: the normal training points are constant; a value either side of it is as new as
    // for a spread (before, such a series got no guard).
    if (lo <= hi) {
      std::vector<std::vector<double>> train_values;
      for (const TimeSeries& ts : data.train) train_values.push_back(ts.values);
      for (const bool low : {true, false}) {
        const std::string name = low ? "range_low" : "range_high";
        const double t = low ? lo : hi;
        const std::string number = ThresholdNumber(t, train_values, low);
        const std::string cond = std::string("value ") + (low ? "< " : "> ") + number;
        const size_t before = scored.size();
        const std::string explain = std::string("value {{value}} ") +
                                    (low ? "below the smallest" : "above the largest") +
                                    " normal training value " + number;
        RETURN_IF_ERROR(measure(name, cond, explain, 0, 0,
                                std::string("range guard: value ") +
                                    (low ? "below the smallest" : "above the largest") +
                                    " normal training value " + number + ", quiet on the validation tail"));
        if (scored.size() == before) break;  // evaluation budget spent
        if (NormalFlagRate(data.validation, scored.back().val_flags) <= options_.max_unlabeled_flag_rate) {
          guards.push_back(before);
        }
      }
    }
  }

  // 5. Candidates: the chosen set, then the best single rules; scores from the engine.
  std::vector<RuleCandidate> out;
  auto emit = [&](const std::vector<size_t>& set) -> Status {
    RuleCandidate cand;
    std::string why;
    for (size_t c : set) {
      cand.text += scored[c].rule_text;
      why += (why.empty() ? "" : "; ") + scored[c].rationale;
    }
    cand.rationale = why;
    ASSIGN_OR_RETURN(cand.train, evaluator.Score(cand.text, Split::kTrain));
    ASSIGN_OR_RETURN(cand.validation, evaluator.Score(cand.text, Split::kValidation));
    tick();
    out.push_back(std::move(cand));
    return Status::Ok();
  };
  // Nothing passed review: no rules for this target (an empty list is the honest answer).
  std::vector<size_t> best_set = chosen;
  best_set.insert(best_set.end(), guards.begin(), guards.end());
  if (best_set.empty()) return out;
  RETURN_IF_ERROR(emit(best_set));
  std::vector<size_t> singles;
  for (size_t i = 0; i < scored.size(); ++i) {
    if (std::find(guards.begin(), guards.end(), i) == guards.end()) singles.push_back(i);
  }
  std::sort(singles.begin(), singles.end(), [&](size_t a, size_t b) {
    return labeled ? scored[a].val_f1 > scored[b].val_f1 : scored[a].sensitivity < scored[b].sensitivity;
  });
  for (size_t c : singles) {
    if (static_cast<int>(out.size()) >= options.top_k) break;
    if (best_set.size() == 1 && best_set[0] == c) continue;
    if (!labeled && !quiet_on_tail(scored[c])) continue;
    RETURN_IF_ERROR(emit({c}));
  }
  if (options.progress) options.progress(planned, planned);
  return out;
}

std::vector<RuleFeature> BuiltinFeatures(const TrainingData& data, const BuiltinProposerOptions& options) {
  std::vector<double> all;
  for (const TimeSeries& ts : data.train) {
    for (double v : ts.values) {
      if (std::isfinite(v)) all.push_back(v);
    }
  }
  if (all.empty()) return {};
  const double spread = LowerQuantile(all, 0.99) - LowerQuantile(all, 0.01);  // ε as in Propose
  return Features(data, options.windows, std::max(1e-9, 1e-3 * spread));
}

}  // namespace vigil
