// RulePlan: a compiled anomaly rule as plain data (the IR between rules/ and detectors/).
//
// rules/ parses, type-checks and compiles rule text into RulePlans; detectors/ evaluates them.
// Neither includes the other: this header is the whole contract. A plan is a list of nodes in
// topological order (every input index is smaller than the node's own index), with common
// sub-expressions shared (PlanBuilder hash-conses nodes). Values are doubles; booleans are 0/1
// doubles; NaN means "no value" (missing input, empty window) and compares false.
//
// Evaluation model (what detectors/ implements, see docs/rules.md for the user's view):
//  * A rule selects series by metric name and label matchers. Each selected series is evaluated
//    at each of its own points; kValue is that point's value.
//  * Window nodes see the last N points of the series (point windows, NaN points occupy a slot
//    but are ignored) or the points with timestamp in (t - duration, t] (time windows).
//  * kAggregate nodes combine, at time t, the input node's latest value of every series in the
//    same `by` group (itself included) whose latest point is at or before t and not older than
//    `lookback_ms`; peers are visited in series order so results are reproducible.
//  * A kAggregate node with `peer_metric` set (a peer term, `max by (Hostname, gpu)
//    (training_completed)`) has no input: it combines the latest values (same lookback, NaN ones
//    left out) of the input series NAMED peer_metric (any labels; not the rule's selection) whose
//    `by` labels equal the evaluated series'; NaN when there are none. Those series are read for
//    their values only: no condition, flag or alert of this rule is evaluated for them.
//  * kStaleFor / kAbsent rules (`tick_driven`) are evaluated at every distinct timestamp of the
//    whole input ("ticks"), not only at the series' own points.
// Thread safety: plain values; copy freely.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "core/time_series.h"

namespace vigil {

enum class PlanOp : uint8_t {
  kConst,      // constant
  kValue,      // the selected series' value at the current point
  kNeg, kAbs, kLog, kNot,
  kAdd, kSub, kMul, kDiv,
  kClamp,      // inputs: x, lo, hi
  kLt, kLe, kGt, kGe, kEq, kNe,
  kAnd, kOr,
  // Bit tests of a flag field (DCGM's clock-event reasons): input 0 is the value, input 1 a kConst
  // mask, a whole number in [1, kMaxBitMask]. 1 when the value is a whole number in
  // [0, kMaxBitMask] with any (kAnyBits) / all (kAllBits) of the mask's bits set; 0 otherwise
  // (NaN, negative, fractional, larger: not a bit field a double holds exactly).
  kAnyBits, kAllBits,
  kWindow,     // window function `window_fn` over input 0 with `window`
  kEwma,       // exponentially weighted mean of input 0, smoothing factor `constant` in (0, 1]
  kLag,        // input 0 as it was `lag_points` points earlier in the series
  kOffset,     // input 0 at the latest point at or before t - duration_ms (within lookback_ms)
  kAggregate,  // cross-series aggregation `agg_fn` of input 0 by `by` labels
  kStaleFor,   // 1 when the series' last non-NaN point is at least duration_ms old
  kAbsent,     // 1 when no selected series had a non-NaN point in the last duration_ms
};

// The largest value a bit test reads (and the largest mask): 2^53 - 1, the end of the whole
// numbers a double holds exactly (above it the low bits of a field are lost in transport).
inline constexpr double kMaxBitMask = 9007199254740991.0;

enum class WindowFn : uint8_t {
  kMean, kStd, kMin, kMax, kMedian, kMad, kQuantile, kSum, kCount, kDelta, kRate, kZscore,
  kChanges, kResets,
};

enum class AggFn : uint8_t { kMean, kMedian, kMin, kMax, kSum, kCount, kStd, kQuantile };

enum class ValueType : uint8_t { kNumber, kBool };

struct WindowSpec {
  bool is_points = true;     // true: last `points` points; false: (t - duration_ms, t]
  int64_t points = 0;
  int64_t duration_ms = 0;
  friend bool operator==(const WindowSpec&, const WindowSpec&) = default;
};

struct PlanNode {
  PlanOp op = PlanOp::kConst;
  ValueType type = ValueType::kNumber;
  std::vector<int32_t> inputs;  // indices of earlier nodes
  double constant = 0;          // kConst value; quantile q; ewma alpha
  WindowFn window_fn = WindowFn::kMean;
  AggFn agg_fn = AggFn::kMean;
  WindowSpec window;            // kWindow
  int64_t duration_ms = 0;      // kOffset, kStaleFor, kAbsent
  int64_t lag_points = 0;       // kLag
  std::vector<std::string> by;  // kAggregate grouping labels, sorted
  std::string peer_metric;      // kAggregate of a peer term: the metric read (no inputs then); "" otherwise
  int stage = 0;                // number of kAggregate nodes on the deepest path to this node
  std::string text;             // canonical source text, for explanations ("mean(x, 10p)")
};

enum class MatchOp : uint8_t { kEq, kNe, kRegex, kNotRegex };

struct LabelMatcher {
  std::string name;
  MatchOp op = MatchOp::kEq;
  std::string value;  // for regex ops: an ECMAScript regex matched against the whole value
};

struct Selector {
  std::string metric;  // "" = any metric name (written `*`)
  std::vector<LabelMatcher> matchers;
  // `ignoring (pod, namespace)`: the selected series are identified by their labels minus these
  // (sorted, unique), so series differing only in them are one series with one history
  // (docs/rules.md, "Series identity"). Empty: every label identifies.
  std::vector<std::string> ignoring = {};  // (an initializer: designated-initializer users may omit it)
};

// One piece of an explanation template: literal text, a label's value, or a node's value.
struct TemplatePart {
  enum class Kind : uint8_t { kText, kLabel, kNode } kind = Kind::kText;
  std::string text;   // kText: the text; kLabel: the label name; kNode: the expression text
  int32_t node = -1;  // kNode
};

struct RulePlan {
  std::string name;
  std::string file;          // where it was defined, for messages
  int line = 0;
  std::string source;        // the rule's text as written
  Selector selector;
  std::vector<PlanNode> nodes;
  int32_t condition = -1;    // a kBool node
  std::vector<int32_t> explain_nodes;  // recorded on every alert: comparisons and template values
  int64_t for_ms = 0;
  int64_t keep_firing_for_ms = 0;
  std::string severity = "warning";
  Labels labels;             // added to every alert of this rule
  std::vector<TemplatePart> explain_template;
  int max_stage = 0;         // largest PlanNode::stage
  bool tick_driven = false;  // uses kStaleFor / kAbsent
  bool absent_rule = false;  // uses kAbsent: one alert for the whole selection
  int64_t lookback_ms = 5 * 60 * 1000;  // peer values and offsets older than this are ignored
};

struct CompiledRules {
  std::vector<RulePlan> rules;
};

// Limits a rule must respect; checked by the compiler (a rule over a limit is rejected with a
// message naming the limit) and, for what depends on data (series count, points held by a time
// window), by the engine at run time.
struct RuleLimits {
  int64_t max_window_points = 100000;
  int64_t max_window_ms = 7LL * 24 * 3600 * 1000;  // also bounds offsets and stale_for
  int64_t max_lag_points = 100000;
  int max_nodes = 256;
  int max_rules = 1000;
  int64_t max_series_per_rule = 100000;
};

// Builds a plan's node list with common sub-expressions shared: adding a node equal to an
// existing one returns the existing index. Computes `stage`. Not thread-safe.
class PlanBuilder {
 public:
  explicit PlanBuilder(std::vector<PlanNode>* nodes) : nodes_(nodes) {}
  int32_t Add(PlanNode node);

 private:
  std::vector<PlanNode>* nodes_;  // not owned
  std::map<std::string, int32_t> index_;
};

// Names used in canonical text and plain-words explanations ("mean", "median", ...).
std::string_view WindowFnName(WindowFn fn);
std::string_view AggFnName(AggFn fn);
std::string_view MatchOpText(MatchOp op);  // "=", "!=", "=~", "!~"

// Stable fingerprint of an alert identity: FNV-1a 64 over rule name, metric name and sorted
// labels, as 16 lowercase hex digits.
std::string AlertFingerprint(std::string_view rule, std::string_view metric, const Labels& labels);

// Checks structural invariants (topological order, input arity, condition is boolean). Engines
// call this on plans they receive as data; an error names the rule and node.
Status ValidatePlan(const RulePlan& plan);

}  // namespace vigil
