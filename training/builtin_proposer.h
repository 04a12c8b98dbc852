// BuiltinProposer: the "builtin" RuleProposer — a search over the rule grammar with fitted
// parameters, no LLM.
//
// Families (each a numeric feature expression in the rule language, compared with a threshold):
//   value-high / value-low   value > T, value < T
//   residual                 abs(value - median(lag(value, 1), Wp))            (rolling median)
//   mad-band                 abs(value - median(lag(value, 1), Wp)) / (mad(lag(value, 1), Wp) + ε)
//   zscore                   abs(zscore(value, Wp))
//   jump                     abs(value - lag(value, 1))
//   level-shift              abs(mean(value, Wp) - mean(lag(value, W), Wp))
//   seasonal                 abs(value - (value offset 1d))    (when the training part spans ≥ 2 days)
//   flatline                 std(value, Wp) < T
//   increase                 delta(value, Wp) > T              (a series not known as a counter)
//   counter                  rate(value, Wp) > T               (the only family of a counter target,
//                                                              below; W = 5 and the windows)
//   conjunctions             E1 > T1 and E2 > T2 (each with its guard, below) of the best 4
//                            single features (two families, or one family over two windows),
//                            thresholds re-fitted
// with W from a small grid. Feature values come from the engine (RuleEvaluator::Values).
//
// Full windows (issue 4, review RV-A8): a feature over point windows (residual, mad-band, zscore,
// flatline, level-shift, increase) is fitted only on the training points where all of its windows
// are full — as the engine's `count` says: W values in a W-point window, so the first W − 1 points
// of a series and every window holding a missing point are left out — and its rule carries the
// same predicate (`std(value, 60p) < T and count(value, 60p) >= 60`, RuleFeature::FullGuard), so
// the rule as run never fires on a partial window (a cold engine start, a new series, the points
// after a gap) and what was fitted is what runs. Before, a warm-up value (the std of a series'
// first 2 points, a MAD of 1 point) could set an unlabeled threshold at the training extreme.
//
// Fitting, on the training chunks only (full windows only, above):
//   labeled:   T = the cut with the best objective F1 there, among training-score quantiles and
//              the cuts just short of (up to 32) labeled anomalous points' scores;
//   unlabeled: T = the largest (value-low/flatline: smallest) training value, plus
//              `unlabeled_margin` of the training range — the rule stays silent on history that
//              is assumed mostly normal; with `unlabeled_flatline` kFrozen, the flatline family's
//              T is at most 1% of the feature's training median ("frozen", below); a feature
//              constant over the training part is skipped, except the value levels: a constant
//              value C gets `value > C` / `value < C` (any departure is news; GPU memory in
//              steady training, an error count at 0 not known as a counter: Counters, below), when
//              `unlabeled_levels` allows them; a counter's constant rate C: `rate(value, 5p) > C`;
// Review, on the validation tail (flags from the engine):
//   labeled:   greedy forward selection — a rule joins the set (rules OR-ed) only if it raises
//              the validation objective F1 (when the tail holds no anomaly: the objective on
//              training + validation together); at most `max_rules` rules;
//   unlabeled: a rule is kept only if it flags at most `max_unlabeled_flag_rate` of the tail, or
//              no more tail points than a training maximum lets through on stationary data
//              (`unlabeled_tail_alpha`); of those, the first `max_rules` in the order
//              `unlabeled_rank` says (sensitivity, or tail flags then sensitivity);
//              without `unlabeled_levels`, value-high / value-low are not proposed.
//   range guard (labeled, `range_guard`): value below / above every normal training value (all
//              one value included), each side added to the set when quiet
//              (≤ max_unlabeled_flag_rate) on the tail's normal points — label-free in what it
//              fires on, so no training F1 can select it.
// Counters (review RV-GC; IsCounterTarget): a target whose every series is named as a counter and
// whose training values are shaped like one gets rules on its per-second increase over W points,
// `rate(value, Wp)` (reset-aware: a decrease counts its new value as the increase, as in PromQL), and
// never on its raw level, which a counter that only grows crosses for good. Flat over the training
// part (every full-window rate 0): one rule, `rate(value, 5p) > 0 and count(value, 5p) >= 5`, which
// fires at an increment and clears 4 points later; a reset to 0 adds nothing. Rising: the rate over
// each window fitted like every other feature (unlabeled: the training maximum), unless the target
// is an event counter (IsEventCounter: at most 3 increments in its history), which gets the flat
// counter's one rule `rate(value, 5p) > 0 ...`, every increment news. The labeled range
// guard becomes `rate(value, 5p) >` its largest value at normal training points (high side only: a
// reset lowers the rate, so a low side would fire on restarts).
// The best set is candidate 0; the next candidates are the best single rules.
// Thread safety: one thread at a time.
#pragma once

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "training/proposer.h"

namespace vigil {

// The order in which the unlabeled review keeps the rules quiet on the tail (issue 4, review RV-W):
//   kSensitivity  threshold / training p99 (high side), training p1 / threshold (low side), lower
//                 first — not on one scale across features;
//   kTail         fewer validation-tail points flagged first (the tail run warm after its training
//                 part), ties by sensitivity: on exchangeable data every rule at a training extreme
//                 fires with the same chance per point, so the tail's flags are the label-free,
//                 comparable estimate of each rule's false-alarm rate.
enum class UnlabeledRank { kSensitivity, kTail };
// "sensitivity" / "tail".
std::string_view UnlabeledRankName(UnlabeledRank rank);
// Parses "sensitivity" or "tail"; InvalidArgument naming `text` and the two choices otherwise.
[[nodiscard]] Result<UnlabeledRank> ParseUnlabeledRank(std::string_view text);

// What an unlabeled flatline rule (`std(value, Wp) < T`) means (issue 4; evals/HISTORY.md, "NAB / SMD:
// frozen flatline"):
//   kMinimum  T = the smallest W-point std of any full training window (less `unlabeled_margin`),
//             "quieter than any training window" — fires on ordinary quiet stretches;
//   kFrozen   T = min(that, 0.01 · m), m the median W-point std over the full training windows
//             (the values the fit uses): "the metric is frozen", the window's spread below 1% of
//             the series' typical spread (1% fixed a priori, not tuned). A tiny T also ranks last
//             in the sensitivity order. T ≤ 0: no flatline rule for the target, as for kMinimum.
//             The default since its pre-registered adoption (9dd758c).
// Labeled targets and the other families are unaffected. "Labeled" is the fit's: a target whose
// training part holds an anomaly label; a labeled series with none there is fitted the unlabeled
// way, this cap included.
enum class UnlabeledFlatline { kMinimum, kFrozen };
// "minimum" / "frozen".
std::string_view UnlabeledFlatlineName(UnlabeledFlatline flatline);
// Parses "minimum" or "frozen"; InvalidArgument naming `text` and the two choices otherwise.
[[nodiscard]] Result<UnlabeledFlatline> ParseUnlabeledFlatline(std::string_view text);

struct BuiltinProposerOptions {
  int max_rules = 3;
  double max_unlabeled_flag_rate = 0.001;
  // Unlabeled review: a rule whose threshold is the training maximum may also flag as many tail
  // points as stationary data would at this significance (exceedances of the maximum of n points
  // are Binomial(tail, 1/(n+1))); 0 = the rate bound alone. Fixed a priori at the usual 1%.
  double unlabeled_tail_alpha = 0.01;
  std::vector<int> windows = {10, 60};
  // Review on training + validation counts pooled (the training part is several times longer
  // than the tail, so the choice varies less); false: on the validation tail alone (Argos).
  bool pooled_review = true;
  // Unlabeled thresholds sit this fraction of the training range (max − median) beyond the
  // training extreme, for data that drifts a little after training.
  double unlabeled_margin = 0.0;
  // A rule joins the set only if it raises the review objective by at least this much.
  double min_gain = 1e-9;
  // Unlabeled targets may use absolute level rules (value-high / value-low). false: only rules
  // relative to a rolling baseline or to the previous point (residual, mad-band, zscore, jump,
  // level-shift, seasonal, flatline, increase), which do not fire when the data drifts past the
  // training range as a whole (SMD's test files do). Labeled targets are unaffected.
  bool unlabeled_levels = true;
  // Labeled targets: add `value < min` / `value > max` of the normal training points (each side
  // only when it flags at most max_unlabeled_flag_rate of the validation tail's normal points).
  // Catches level drops/rises to values the labeled history never showed, which no training-F1
  // fit can reward. Outside the max_rules budget.
  bool range_guard = true;
  // The order of the unlabeled review's kept rules (above). Labeled targets are unaffected.
  UnlabeledRank unlabeled_rank = UnlabeledRank::kSensitivity;
  // The unlabeled flatline family's threshold (above). Labeled targets are unaffected.
  UnlabeledFlatline unlabeled_flatline = UnlabeledFlatline::kFrozen;
};

class BuiltinProposer : public RuleProposer {
 public:
  explicit BuiltinProposer(BuiltinProposerOptions options = {}) : options_(std::move(options)) {}
  std::string_view name() const override { return "builtin"; }
  [[nodiscard]] Result<std::vector<RuleCandidate>> Propose(const TrainingData& data, RuleEvaluator& evaluator,
                                                           const ProposeOptions& options) override;

 private:
  BuiltinProposerOptions options_;
};

// The most exceedances of a training maximum that `tail` new points may show before stationarity
// is rejected at significance `alpha`: on exchangeable data each new point exceeds the maximum of
// `fit` points with probability 1/(fit + 1), so the count is Binomial(tail, 1/(fit + 1)). 0 when
// alpha ≤ 0 or either count is 0. Pure.
int64_t AllowedExceedances(int64_t tail, int64_t fit, double alpha);

// The unlabeled review's bound (builtin families and the group rule): the most flags a rule
// fitted on `fit` points may show on a validation tail of `tail` points and still count as quiet,
// max(⌊rate · tail⌋, AllowedExceedances(tail, fit, alpha)). Pure.
int64_t UnlabeledTailAllowed(int64_t tail, int64_t fit, double rate, double alpha);

// Helpers shared with training/aggregation.h. A number as written into rule text and rationales
// (%.6g).
std::string RuleNumber(double v);
// Whether a fitted threshold `t` flags `v` (`low`: below it); never for NaN or ±Inf.
bool ThresholdFires(double v, double t, bool low);
// A fitted threshold as written into rule text: the fewest significant digits, from 6, that flag
// every value of `values` (the training values it was fitted on) as `t` itself does; at most 17,
// which give back `t` exactly. Six digits alone could move a threshold past training values
// (1000004 printed as 1e+06: a rule firing on almost every point of a gauge near 1e6).
std::string ThresholdNumber(double t, const std::vector<std::vector<double>>& values, bool low);
// The element at rank floor(q · (n − 1)) of `v` (no interpolation); NaN when empty.
double LowerQuantile(std::vector<double> v, double q);
// Whether any point of any series is labeled anomalous.
bool HasAnomalyLabel(const std::vector<TimeSeries>& series);
// Whether the builtin proposer fits `data` the labeled way: labeled and an anomaly in its training
// part. Otherwise (no labels, or none anomalous in training) it is fitted as unlabeled data, the
// frozen flatline cap included; the trainer names the unlabeled choices on such a target.
bool FitsLabeled(const TrainingData& data);

// Counters (cumulative series that only grow but for resets to 0 when their process restarts).
// Whether `name` is a counter's metric name:
//   - Prometheus naming conventions: ends with `_total`, `_count`, `_sum` or `_bucket` (a counter,
//     a histogram's or summary's cumulative parts);
//   - DCGM fields (dcgm-exporter names): the ones dcgm-exporter's default counters file types as
//     `counter` — ECC_{SBE,DBE}_{VOL,AGG}_TOTAL, PCIE_REPLAY_COUNTER, RETIRED_{SBE,DBE,PENDING},
//     the NVLink `*_ERROR_COUNT_TOTAL` fields, NVLINK_BANDWIDTH_TOTAL, TOTAL_ENERGY_CONSUMPTION, the
//     `*_VIOLATION` times, {UN,}CORRECTABLE_REMAPPED_ROWS — and no other DCGM_FI_ name: XID_ERRORS is
//     the last Xid code, FB_TOTAL / BAR1_TOTAL are memory sizes (gauges).
// A name alone decides nothing: see IsCounterTarget. Pure.
bool IsCounterName(std::string_view name);
// Whether `values` (one series in time order; NaN = missing, skipped) are shaped like a counter:
// every finite value ≥ 0 and every decrease between consecutive finite values a reset — to at most
// half the value before it — with at most max(1, steps / 100) resets. A constant series qualifies
// (a counter that did not move); a gauge that goes down now and then does not. Pure.
bool CounterShape(const std::vector<double>& values);
// Whether the builtin proposer treats `data` as a counter: every training series has a counter name
// (IsCounterName) and a counter shape over its training part (CounterShape), and a series named as
// a histogram's part (`_count`, `_sum`, `_bucket`) also rose at least once there: flat, such a name
// is as often a gauge at a level (`gpu_count` at 8), whose drop only `value < C` reports. The shape
// alone never makes a counter: a gauge that only rose in training (a GPU warming up) would then be
// read with `rate`, which counts each later dip as a reset and fires on it. Pure.
bool IsCounterTarget(const TrainingData& data);
// Event counters (CT2). The most increments a counter's history (training part and validation tail,
// per series) may hold for the builtin proposer to read it as counting events (ECC / Xid / PCIe
// replay errors): 3. Why 3 (training/HISTORY.md "Event counters"): a threshold at the largest of a
// counter's training rates is, for a counter that rarely moves, the largest of its m increments,
// which a later increment of a seen size crosses about 1 time in m + 1 at best (and never when
// every increment is one unit), so the fitted rules miss the events they exist for; alerting on
// each increment instead costs m alerts per training-part span, at most 3 here, the number of rate
// rules (`rate(value, Wp)` for W = 5, 10, 60) whose thresholds at a training maximum each cross
// about once per training-part span on data that keeps moving (1/(n+1) of n points).
inline constexpr int64_t kEventCounterMaxIncrements = 3;
// The increments of counter `values` (time order; NaN = missing, skipped): steps between
// consecutive finite values that rise, plus resets to a value above 0 (PromQL's `increase`
// counts the new value); a reset to 0 is none. Pure.
int64_t CounterIncrements(const std::vector<double>& values);
// Whether the builtin proposer reads `data` as an event counter: a counter target (IsCounterTarget)
// each of whose series holds at most kEventCounterMaxIncrements increments over its training part
// and validation tail together (a counter that never moved holds 0). Unlabeled, such a target
// gets the one rule `rate(value, 5p) > 0 and count(value, 5p) >= 5` (every increment alerts, for
// 4 points, and resolves), kept whatever the tail shows (an increment there is one more event);
// labeled targets are fitted on their labels as before. Pure.
bool IsEventCounter(const TrainingData& data);

// A labeled fit of one feature's threshold on the training part.
struct LabeledThreshold {
  double threshold = 0;
  double train_f1 = -1;  // the objective F1 of `threshold` on the training part; -1: no cut tried
};
// Fits the threshold of a feature whose training values are `values` (parallel to `train`, whose
// labels are used; `low`: fires below it). Candidate cuts: 12 quantiles of the finite values and
// the cut just short of up to 32 labeled anomalous values (the largest value below each; the
// smallest above for `low`). Each cut's flags are scored with `objective` (dc-PA with `delay_k`).
// Among the cuts with the best F1, the threshold is the middle of the score interval they span —
// from the lowest such cut to the first training value the highest one still flags (mirrored for
// `low`) — when that midpoint scores the same F1; otherwise the middle of the gap above the lowest
// such cut (which flags what that cut flags). So a fit that only had to separate the normal values
// from the anomalies does not sit on the largest normal training value, where unseen normal
// values of the same spread fire. The threshold lies strictly between training values unless they
// are adjacent doubles. Errors: those of ScoreFlags (labels and values of different lengths).
[[nodiscard]] Result<LabeledThreshold> FitLabeledThreshold(const std::vector<std::vector<double>>& values,
                                                           const std::vector<TimeSeries>& train, bool low,
                                                           Objective objective, int delay_k);

// One feature of the grammar search: a numeric expression compared with a fitted threshold.
struct RuleFeature {
  std::string family;  // "residual"
  std::string name;    // "residual_60"
  std::string expr;    // rule-language expression
  bool low = false;    // fires when the feature is BELOW the threshold
  // The largest value the expression can take whatever the data (zscore over W points, sample
  // std, x in the window: (W − 1)/√W); a threshold there can never be exceeded.
  double bound = INFINITY;
  // The count whose value says all of the feature's point windows are full, and the count they
  // need: the rule fires only where `full_count >= full_points`, and the fit sees only those
  // points. Empty `full_count`: no point window (value levels, jump's lag, the seasonal offset),
  // nothing to guard. Residual and MAD band: `count(lag(value, 1), Wp)` (their median and MAD run
  // over the lagged values, full one point later than a window over `value`). Level shift over s
  // points: its two windows, `value` and `lag(value, s)` over s points each, together cover exactly
  // the last 2s points, so both are full iff `count(value, 2sp) >= 2s`.
  std::string full_count = {};
  int full_points = 0;
  // mad-band only: the scale the residual is divided by, `(mad(lag(value, 1), Wp) + ε)` (Explain
  // writes the band's edges with it).
  std::string scale = {};
  // `full_count >= full_points`; empty when the feature has no point window.
  std::string FullGuard() const {
    return full_count.empty() ? std::string() : full_count + " >= " + std::to_string(full_points);
  }
  // The rule condition `expr < threshold_text` (`low_side`) or `expr > threshold_text`, followed
  // by ` and FullGuard()` when the feature has a point window: it fires only where a fit on
  // FullWindowFilter's values could see the feature. `low_side` is the comparison's, not
  // necessarily `low` (aggregation's suppress rules fit both sides).
  std::string Condition(const std::string& threshold_text, bool low_side) const;
  // The explain text of the rule `Condition(threshold_text, low_side)`, after its `NAME: `: what
  // the family measures at the alert's point (`{{...}}`: the engine's values, printed to six
  // significant digits), against which reference (the value itself, the point before, the median
  // or mean of the previous W points, the value 1 day earlier, the counter's rate), over which
  // window, and the threshold `threshold_text` as the condition writes it (ThresholdNumber's
  // exact text, not rounded), e.g. for mad_band_60 `value {{value}} is {{...}} MADs from the
  // median {{...}} of the previous 60 points, more than 6.5 MADs (outside {{...}} to {{...}}; ...)`.
  // A family this does not know gets `{{expr}} more than T` (less than, `low_side`).
  std::string Explain(const std::string& threshold_text, bool low_side) const;
};

// The values a threshold of a windowed feature is fitted on: only the points where all of the
// feature's point windows are full, as its guard says in the engine (RuleFeature::full_count ≥
// full_points). Used by BuiltinProposer and training/aggregation.h, so the fit sees exactly the
// points where the rule written with RuleFeature::Condition can fire. Each distinct full_count is
// evaluated once over `split` with `evaluator` (which must outlive the filter) and kept.
// Thread safety: one thread at a time.
class FullWindowFilter {
 public:
  FullWindowFilter(RuleEvaluator& evaluator, Split split) : evaluator_(evaluator), split_(split) {}
  // Sets to NaN every value of `values` (f.expr's values over the split, as RuleEvaluator::Values
  // returns them) at points where f's windows are not full; no change when f has no point window.
  // Errors: the count's evaluation failed (its status, with the count named), or the count's shape
  // differs from `values` (Internal).
  [[nodiscard]] Status Keep(const RuleFeature& f, std::vector<std::vector<double>>& values);

 private:
  RuleEvaluator& evaluator_;
  Split split_;
  std::map<std::string, std::vector<std::vector<double>>> counts_;  // by full_count
};

// The features Propose searches for `data` (every family above; the MAD-band ε from the training
// values' spread), before the unlabeled_levels filter. Empty when the training part has no finite
// value. Used by training/aggregation.h, which thresholds the same expressions.
std::vector<RuleFeature> BuiltinFeatures(const TrainingData& data, const BuiltinProposerOptions& options);

}  // namespace vigil
