// MetricCondition: evaluates the knowledge pack's metric conditions over a case's series.
//
// A small, documented subset of the PromQL-like conditions the pack uses (not the rules engine,
// whose language differs): comparisons (> >= < <= == !=) between arithmetic expressions (+ - * /
// %) of numbers, selectors `name{l="v",...}[window]`, elementwise `floor`/`abs`, per-series range
// functions (avg/max/min/last_over_time, increase, delta, changes, rate, deriv) over the samples
// from the start of the case up to each evaluation point (the case window stands in for the
// written window, so a spike is compared with what came before it), group aggregations `avg|max|min|sum|count|median by (labels) (x)`
// and `quantile by (labels) (q, x)`, joined by `and`. Unsupported: `or`, `unless`, absent*,
// offsets; such conditions are reported as not understood, never guessed.
//
// Semantics: the condition is evaluated once per candidate series (each series of the first
// metric named outside an aggregation, or inside one when there is none), at each of its
// sample times. Other metrics are joined on the identifying labels they share with the candidate
// (every node label of agents/node_names.h's kNodeLabelKeys, and gpu) at the nearest earlier sample. An aggregation is computed
// over the series-means of the group that shares the `by` labels with the candidate; `max by` of
// the candidate's own metric on the left of a comparison is the candidate itself (the series that
// attains the maximum is the one singled out). A candidate is a hit when the condition holds at
// some sample. `onset` says whether it did not hold at the first sample (a change, rather than a
// state that held all along).
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time_series.h"

namespace vigil {

struct MetricConditionHit {
  const TimeSeries* series;  // the candidate series it held for (points into the input)
  double value;              // the left-hand side where it first held
  int64_t time_ms;           // where it first held
  bool onset;                // false at the first sample, true later
};

struct MetricConditionResult {
  std::vector<MetricConditionHit> hits;
  size_t candidates = 0;     // series it was evaluated for
};

// nullopt when the syntax is outside the subset above.
std::optional<MetricConditionResult> EvaluateMetricCondition(const std::string& condition,
                                                             const std::vector<TimeSeries>& series);

// Whether an alert rule's expression firing means `condition` held (same parser, leniently: the
// matchers =, !=, =~, !~ and an aggregation of a range function are read, never evaluated). Each
// comparison of the condition must follow from one of the expression's `and` parts: the same metric
// (the expression may select fewer series by its matchers; the condition's matchers it must carry),
// a compatible reading (a linear function of it, `100 - x * 100 > 90` for x < 0.1; max/min/avg by (...) of it; a gauge averaged, maxed, minned or last over a
// window for the gauge as sampled; increase or rate over a window no longer than the condition's for
// its increase or rate, or over a longer one by pigeonhole: `increase(X[1h]) > 600` is `> 100` in one
// of its six 10-minute windows), and a bound at least as strict (`> 90` implies `> 85`, `>= 1` implies `> 0`,
// `< 85` implies no `> 85`). A metric name may carry one namespace word before the pack's name of
// several words (`training_loss_scale` for `loss_scale`). Anything else - another metric, sum/count, absent(), or/unless, a
// syntax outside the subset - implies nothing (false).
bool ExpressionImpliesCondition(const std::string& expression, const std::string& condition);

// Whether the alert's expression, a single comparison `L op T` that fired with L at `value` (the
// value an annotation states, which must satisfy `op T`), means `condition` held: L = value read
// against it as above (`100 - (A / B * 100) > 90` at 98.71 is A / B = 0.0129: `A / B < 0.05` held).
bool ExpressionValueImpliesCondition(const std::string& expression, double value, const std::string& condition);

// Whether the alert's expression states that the counter a growth condition reads
// (`increase|rate(X[w]) > t`) grew, whatever the bound and window (AO2): one of its `and` parts is
// `increase|rate(X'[w']) > t'` (t' >= 0; `>=` with t' > 0), or max/min/avg by (...) of it, with X'
// the condition's counter (SameMetricName, the condition's matchers carried). Weaker than
// ExpressionImpliesCondition: `increase(NVLINK_CRC[1h]) > 100` states the CRC counter rising, not
// the condition's `> 100` in 10 minutes. False for any other form.
bool ExpressionStatesCounterGrowth(const std::string& expression, const std::string& condition);

// The number a single comparison `L op T` (or `T op L`) compares its left-hand side with: T, the
// scale the alert's value is written in (a fraction at `> 0.95`, a percentage at `* 100 < 10`).
// nullopt when the expression is not one comparison with a number (an `and`, vector to vector) or is
// not understood (RV-NA).
std::optional<double> ExpressionThreshold(const std::string& expression);

}  // namespace vigil
