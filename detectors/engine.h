// The detection engine: evaluates compiled rule plans (core/rule_plan.h) over time series, in
// two modes that give identical results:
//
//  * EvaluateBatch: columnar arrays (each plan compiled to an instruction list, run over blocks
//    of 256 points per series; rules with cross-series aggregation stage by stage, keeping
//    whole-series columns for the nodes later stages read); for scoring, training and
//    `vigil detect`.
//  * StreamingEngine: points appended as they arrive; per point and window node amortised O(1)
//    (see detectors/window_state.h for each function's cost); memory bounded by the windows.
//
// Semantics (docs/rules.md has the user's view):
//  * Non-finite input values (NaN, +-Inf) are missing values: window functions skip them.
//    An infinity computed inside a rule (e.g. `x / 0`) that feeds a window is not an input value:
//    it enters the window as is, and only NaN is skipped there. While it is in the window a
//    function's value is what IEEE gives over the window's values (mean / sum +-Inf, or NaN with
//    both signs; std / zscore NaN; median / MAD / min / max as sorted); once it has left, the
//    values are those of the finite values (the running sums count non-finite values apart:
//    NonFiniteCount, window_state.h; DET21). Batch and streaming agree on this.
//  * A rule's condition is evaluated at each point of each selected series (tick-driven rules,
//    those using stale_for/absent, at every distinct timestamp of the whole input).
//  * Alert life cycle per (rule, series): the condition holds -> pending (active_at); held for
//    `for` -> firing (starts_at, explanation recorded); stops holding -> resolved (ends_at) once
//    `keep_firing_for` has passed since it last held; a pending alert that stops holding is
//    dropped. One alert per fingerprint at a time (deduplication).
//  * An absent rule alerts once for its whole selection when nothing selected had a value for d
//    (explanation "absent_of": "selection"), and per member that had values and then none for d
//    while the selection still reports ("absent_of": "series"; one firing stays when the whole
//    selection then goes quiet).
//  * A point's flag is 1 when some rule's alert for its series is firing after that point.
//  * A rule whose selector has `ignoring (l, ...)` (batch and streaming alike) sees its selected
//    series merged by identity, their labels minus those:
//    one series per identity with every timestamp of its inputs once, in time order; at a
//    timestamp two inputs share, the input given first (lower index) is taken and the others'
//    points are not evaluated (no window counts a reading twice). Its alerts carry the identity
//    labels (one fingerprint across pod changes), `explanation.ignored_labels` and `{{label}}`
//    read the ignored labels of the input whose point was evaluated last. Flags go back to the
//    input points (a point not taken gets the flag of the one taken at its time); traces name a
//    merged series by its first input's index, with the merged series' timestamps. Streaming:
//    points come in time order, so an identity's only conflict is a timestamp two of its inputs
//    share; the lowest series index (AddSeries order) is taken there, as batch does. Such a rule
//    counts input series against max_series_per_rule (as batch), and a series added after data
//    arrived is accepted by a rule watching for missing data: of an identity already watched it
//    joins that history; of a new one (OD3: it was refused, FailedPrecondition) the identity starts
//    at its first point, as a plain stale_for rule's new series.
//  * A stale_for / absent rule without `ignoring` takes a series added after data arrived too
//    (OD2): its member starts at its first point, as in batch.
//
// Errors: a plan that fails ValidatePlan, a rule selecting more than max_series_per_rule
// series, or a time window / offset holding more than max_window_points points gives
// InvalidArgument / OutOfRange naming the rule (and series). A window over the limit is
// reported at the first point where it holds max_window_points + 1 entries; when several
// rules go over it, both modes report the same error: the earliest in time; at one timestamp
// the first rule in file order, then the earlier aggregation stage, then the series appended
// first (batch: the lower series index), then the node evaluated first. A rule selecting more
// than max_series_per_rule: both modes name the rule whose limit the earliest series crosses
// (ties in file order) and that series; a rejected AddSeries adds nothing.
// Timestamps may be anywhere in int64 (INT64_MIN and INT64_MAX included): time differences
// (windows, offsets, lookbacks, `for`, staleness) are computed without overflow.
// Thread safety: EvaluateBatch is reentrant; a StreamingEngine is not thread-safe (one writer).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/domain.h"
#include "core/rule_plan.h"
#include "core/status.h"
#include "core/time_series.h"

namespace vigil {

struct EngineOptions {
  RuleLimits limits;
  // Record every plan node's value at every point (tests and `explain`-style debugging; costs
  // memory nodes x points).
  bool trace_nodes = false;
  // Build Alert records (with explanations). Scoring and rule training need only the per-point
  // flags and can turn this off; the life cycle (and so the flags) is the same either way.
  bool build_alerts = true;
  // Fill BatchResult::traces (per rule and series: condition and firing per point). Implied by
  // trace_nodes. Off by default: flags and alerts are what most callers need.
  bool keep_traces = false;
  // A firing alert ends at a gap in its series: stale after 5 of its steps without a point (at
  // most the lookback, at least twice its step; the rule `for` restarts by), resolved at the later
  // of that staleness and its last true + keep_firing_for (annotation `resolved` says so), as
  // Prometheus resolves an alert whose series went stale, and the point after the gap starts anew
  // (DET8; before, the staleness was the larger of the lookback and twice the step).
  // stale_for / absent rules are not ended so (a gap is what they watch). `vigil serve` turns it
  // off: its gaps are Prometheus scraping nothing or reads failing, not disappearances, and it
  // resolves a series gone for 5 min itself (OnlineDetection::ResolveGone).
  bool end_at_gap = true;
  // With end_at_gap: a firing alert whose series never came back is resolved the same way when
  // the input goes on past that time: batch at its newest point of any series, streaming at each
  // tick it closes (the stream's clock; DET8). Off by default; `vigil detect` turns it on.
  bool end_at_input_end = false;
};

// Per (rule, series) detail, for scoring one rule at a time and for tests.
struct RuleSeriesTrace {
  size_t rule = 0;
  size_t series = 0;                        // index into the input; SIZE_MAX for absent rules
  std::vector<int64_t> timestamps_ms;       // evaluation times (the series' points or ticks)
  std::vector<uint8_t> condition;           // the `when` condition per evaluation
  std::vector<uint8_t> firing;              // alert firing after the evaluation
  std::vector<std::vector<double>> node_values;  // [node][evaluation] when trace_nodes
};

struct BatchResult {
  std::vector<std::vector<uint8_t>> flags;  // [series][point], 1 = some rule firing
  std::vector<Alert> alerts;                // episodes that fired: resolved, or firing at the end
  std::vector<RuleSeriesTrace> traces;      // one per (rule, selected series), when keep_traces
  size_t evaluations = 0;                   // (rule, point) pairs evaluated
};

// Evaluates every rule over `series` (each strictly increasing in time).
[[nodiscard]] Result<BatchResult> EvaluateBatch(const CompiledRules& rules, std::span<const TimeSeries> series,
                                                const EngineOptions& options = {});

// True when `selector` selects a series with this name and labels.
bool SelectorMatches(const Selector& selector, const std::string& name, const Labels& labels);

class StreamingEngine {
 public:
  struct Callbacks {
    // After each point is evaluated (when its timestamp's tick closes): its flag.
    std::function<void(size_t series, int64_t t_ms, uint8_t flag)> on_point;
    // Alert transitions: state kFiring when it starts firing, kResolved when it resolves.
    std::function<void(const Alert& alert)> on_alert;
    // Per (rule, series) evaluation, when EngineOptions::trace_nodes (node_values has one entry
    // per node).
    std::function<void(size_t rule, size_t series, int64_t t_ms, bool condition, bool firing,
                       std::span<const double> node_values)> on_trace;
  };

  [[nodiscard]] static Result<std::unique_ptr<StreamingEngine>> Create(CompiledRules rules, EngineOptions options,
                                                                       Callbacks callbacks);
  ~StreamingEngine();

  // Declares a series; returns its index (dense, from 0). The same name+labels twice is an error.
  [[nodiscard]] Result<size_t> AddSeries(const std::string& name, const Labels& labels);

  // Appends one point. Timestamps must not decrease across all appends (points of one
  // timestamp are evaluated together when a later timestamp arrives or on Flush), and must
  // strictly increase within a series; violations are InvalidArgument and change nothing.
  // A window over `max_window_points` (OutOfRange, found when its timestamp is evaluated) stops
  // the engine: that call and every later Append / Flush return the same error; the timestamps
  // before it were evaluated and reported, the failing one is not. Callbacks must not call
  // AddSeries / Append / Flush / RemoveSeries: from a callback each is FailedPrecondition and
  // changes nothing (ActiveAlerts may be called).
  [[nodiscard]] Status Append(size_t series, int64_t t_ms, double value);

  // Evaluates the buffered timestamp now (end of input). Further appends must be later.
  [[nodiscard]] Status Flush();

  // Removes series (a label churn: a pod's series whose samples stopped) so they no longer count
  // against max_series_per_rule: their windows, pending / firing alerts (dropped, no transition
  // reported) and aggregation group memberships go; the index is not reused (Append to it is
  // InvalidArgument) and the same name+labels may be added again later as a new series (fresh
  // windows: its alert waits `for` again). A small slot per removed index stays. A stale_for rule's
  // member goes with its firing alert (OD2: online detection forgets a series gone long after its
  // stale alert fired); from an absent rule the series goes, what its points told stays.
  // A rule with `ignoring` (OD3; refused before): the series leaves its identity, which goes on
  // from its other inputs (its traces then name the lowest remaining input; its windows, `for`
  // and alert are the identity's, so the results are batch's over the points appended); with its
  // last input the identity goes, with its pending / firing alert (no transition reported).
  // FailedPrecondition, nothing removed, when one of them has a point at the open timestamp (Flush
  // first); InvalidArgument for an unknown or already removed index. O(series ever added + members
  // of each rule selecting one, for rules with an aggregation or stale_for / absent; + the inputs
  // of each identity losing one, for rules with `ignoring`).
  [[nodiscard]] Status RemoveSeries(std::span<const size_t> series);

  // Alerts currently firing (deduplicated by fingerprint).
  std::vector<Alert> ActiveAlerts() const;

 private:
  struct Impl;
  explicit StreamingEngine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil
