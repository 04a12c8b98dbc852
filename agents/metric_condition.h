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
// (Hostname/host/node/instance, gpu) at the nearest earlier sample. An aggregation is computed
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

}  // namespace vigil
