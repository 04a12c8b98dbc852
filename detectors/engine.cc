#include "detectors/engine.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <regex>
#include <variant>

#include "core/time_util.h"
#include "detectors/window_state.h"

namespace vigil {
namespace {

using detail::kNaN;

inline bool Truthy(double v) { return v > 0.5; }

// The arithmetic of every stateless op; both modes call this, so results are identical.
inline double ApplyOp(PlanOp op, double a, double b, double c) {
  switch (op) {
    case PlanOp::kNeg: return -a;
    case PlanOp::kAbs: return std::fabs(a);
    case PlanOp::kLog: return std::log(a);
    case PlanOp::kNot: return Truthy(a) ? 0.0 : 1.0;
    case PlanOp::kAdd: return a + b;
    case PlanOp::kSub: return a - b;
    case PlanOp::kMul: return a * b;
    case PlanOp::kDiv: return a / b;
    case PlanOp::kClamp: return std::isnan(a) ? a : std::min(std::max(a, b), c);
    case PlanOp::kLt: return a < b ? 1.0 : 0.0;
    case PlanOp::kLe: return a <= b ? 1.0 : 0.0;
    case PlanOp::kGt: return a > b ? 1.0 : 0.0;
    case PlanOp::kGe: return a >= b ? 1.0 : 0.0;
    case PlanOp::kEq: return a == b ? 1.0 : 0.0;
    case PlanOp::kNe: return (!std::isnan(a) && !std::isnan(b) && a != b) ? 1.0 : 0.0;
    case PlanOp::kAnd: return Truthy(a) && Truthy(b) ? 1.0 : 0.0;
    case PlanOp::kOr: return Truthy(a) || Truthy(b) ? 1.0 : 0.0;
    default: return kNaN;
  }
}

inline double CleanValue(double v) { return std::isfinite(v) ? v : kNaN; }

using NodeState = std::variant<std::monostate, detail::WindowState, detail::EwmaState, detail::LagState,
                               detail::OffsetState>;

NodeState MakeState(const RulePlan& plan, size_t i) {
  const PlanNode& n = plan.nodes[i];
  NodeState st;
  switch (n.op) {
    case PlanOp::kWindow: st.emplace<detail::WindowState>(n); break;
    case PlanOp::kEwma: st.emplace<detail::EwmaState>(n.constant); break;
    case PlanOp::kLag: st.emplace<detail::LagState>(n.lag_points); break;
    case PlanOp::kOffset: st.emplace<detail::OffsetState>(n.duration_ms, plan.lookback_ms); break;
    default: break;
  }
  return st;
}

// Pairs each `median(x, w)` window node with a `mad(x, w)` node over the same input and window:
// partner[i] is the other node's index, or -1. Both engines evaluate a pair at the smaller index
// with one sorted window (WindowState::PushMedianMad) and skip the larger one.
std::vector<int32_t> MedianMadPartners(const RulePlan& plan) {
  std::vector<int32_t> partner(plan.nodes.size(), -1);
  for (size_t i = 0; i < plan.nodes.size(); ++i) {
    const PlanNode& a = plan.nodes[i];
    if (a.op != PlanOp::kWindow || a.window_fn != WindowFn::kMedian || partner[i] >= 0) continue;
    for (size_t j = 0; j < plan.nodes.size(); ++j) {
      const PlanNode& b = plan.nodes[j];
      if (b.op == PlanOp::kWindow && b.window_fn == WindowFn::kMad && partner[j] < 0 && b.inputs == a.inputs &&
          b.window == a.window) {
        partner[i] = static_cast<int32_t>(j);
        partner[j] = static_cast<int32_t>(i);
        break;
      }
    }
  }
  return partner;
}

// Pushes one point through a stateful node. `held` reports the window's size for limits.
inline double PushState(NodeState& s, int64_t seq, int64_t t, double x, size_t* held) {
  if (auto* w = std::get_if<detail::WindowState>(&s)) {
    double v = w->Push(seq, t, x);
    *held = w->held();
    return v;
  }
  if (auto* e = std::get_if<detail::EwmaState>(&s)) return e->Push(x);
  if (auto* l = std::get_if<detail::LagState>(&s)) return l->Push(x);
  auto& o = std::get<detail::OffsetState>(s);
  double v = o.Push(t, x);
  *held = o.held();
  return v;
}

std::vector<NodeState> MakeStates(const RulePlan& plan) {
  std::vector<NodeState> states;
  states.reserve(plan.nodes.size());
  for (size_t i = 0; i < plan.nodes.size(); ++i) states.push_back(MakeState(plan, i));
  return states;
}

bool IsStateful(PlanOp op) {
  return op == PlanOp::kWindow || op == PlanOp::kEwma || op == PlanOp::kLag || op == PlanOp::kOffset;
}

Status WindowOverflow(const RulePlan& plan, const PlanNode& node, const std::string& series, size_t held,
                      const RuleLimits& limits) {
  return OutOfRangeError("rule " + plan.name + ": `" + node.text + "` holds " + std::to_string(held) +
                         " points for series " + series + ", over the limit of " +
                         std::to_string(limits.max_window_points) +
                         " (max_window_points); use a shorter time window or a point window");
}

std::string FormatNumber(double v) {
  if (std::isnan(v)) return "NaN";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", v);
  return buf;
}

// The explanation record and the alert itself, at the moment it starts firing.
template <typename Get>
Alert MakeAlert(const RulePlan& plan, const std::string& metric, const Labels& series_labels, int64_t active_at,
                int64_t t, double value, Get node_value) {
  Alert a;
  a.rule = plan.name;
  a.severity = plan.severity;
  a.labels = series_labels;
  for (const auto& [k, v] : plan.labels) a.labels[k] = v;
  a.fingerprint = AlertFingerprint(plan.name, metric, a.labels);
  a.state = AlertState::kFiring;
  a.active_at_ms = active_at;
  a.starts_at_ms = t;
  a.value = std::isnan(value) ? 0 : value;
  Json terms = Json::array();
  for (int32_t id : plan.explain_nodes) {
    const PlanNode& n = plan.nodes[id];
    Json term;
    term["expr"] = n.text;
    double v = node_value(id);
    if (n.type == ValueType::kBool) {
      term["held"] = Truthy(v);
      if (n.op >= PlanOp::kLt && n.op <= PlanOp::kNe) {
        term["left"] = node_value(n.inputs[0]);
        term["right"] = node_value(n.inputs[1]);
      }
    } else {
      term["value"] = v;
    }
    terms.push_back(std::move(term));
  }
  std::string series_id = FormatSeriesId(metric, series_labels);
  a.explanation = Json{{"condition", plan.nodes[plan.condition].text},
                       {"series", series_id},
                       {"at", FormatRfc3339Ms(t)},
                       {"pending_since", FormatRfc3339Ms(active_at)},
                       {"for", FormatDurationMs(plan.for_ms)},
                       {"terms", std::move(terms)},
                       {"rule_file", plan.file + ":" + std::to_string(plan.line)}};
  std::string summary;
  if (plan.explain_template.empty()) {
    summary = plan.name + ": `" + plan.nodes[plan.condition].text + "` held for " + series_id;
  } else {
    for (const auto& part : plan.explain_template) {
      switch (part.kind) {
        case TemplatePart::Kind::kText: summary += part.text; break;
        case TemplatePart::Kind::kLabel: {
          auto it = a.labels.find(part.text);
          summary += it != a.labels.end() ? it->second : "<" + part.text + " unset>";
          break;
        }
        case TemplatePart::Kind::kNode: summary += FormatNumber(node_value(part.node)); break;
      }
    }
  }
  a.annotations["summary"] = summary;
  a.annotations["series"] = series_id;
  return a;
}

// pending -> firing -> resolved for one (rule, series).
struct AlertTracker {
  enum class Event { kNone, kFiring, kResolved };
  AlertState state = AlertState::kInactive;
  int64_t active_at = 0;
  int64_t last_true = 0;
  Alert alert;  // valid while firing

  // Returns the transition; `make(active_at, t, alert&)` fills the alert when it starts firing.
  template <typename Make>
  Event Update(const RulePlan& plan, int64_t t, bool cond, Make make) {
    if (cond) {
      last_true = t;
      if (state == AlertState::kInactive) {
        state = AlertState::kPending;
        active_at = t;
      }
      if (state == AlertState::kPending && t - active_at >= plan.for_ms) {
        state = AlertState::kFiring;
        make(active_at, t, alert);
        return Event::kFiring;
      }
      return Event::kNone;
    }
    if (state == AlertState::kPending) {
      state = AlertState::kInactive;
    } else if (state == AlertState::kFiring && t - last_true >= plan.keep_firing_for_ms) {
      state = AlertState::kInactive;
      alert.state = AlertState::kResolved;
      alert.ends_at_ms = t;
      return Event::kResolved;
    }
    return Event::kNone;
  }
  bool firing() const { return state == AlertState::kFiring; }
};

// Compiled label matchers of one rule.
class SelectorMatcher {
 public:
  explicit SelectorMatcher(const Selector& s) : s_(s) {
    for (const auto& m : s.matchers) {
      res_.emplace_back();
      if (m.op == MatchOp::kRegex || m.op == MatchOp::kNotRegex) {
        try {
          res_.back() = std::regex(m.value);
        } catch (const std::regex_error&) {
          bad_ = true;
        }
      }
    }
  }
  bool bad() const { return bad_; }
  bool Matches(const std::string& name, const Labels& labels) const {
    if (!s_.metric.empty() && s_.metric != name) return false;
    for (size_t i = 0; i < s_.matchers.size(); ++i) {
      const LabelMatcher& m = s_.matchers[i];
      auto it = labels.find(m.name);
      const std::string& v = it == labels.end() ? kEmpty : it->second;  // absent label = ""
      bool ok = true;
      switch (m.op) {
        case MatchOp::kEq: ok = v == m.value; break;
        case MatchOp::kNe: ok = v != m.value; break;
        case MatchOp::kRegex: ok = std::regex_match(v, res_[i]); break;
        case MatchOp::kNotRegex: ok = !std::regex_match(v, res_[i]); break;
      }
      if (!ok) return false;
    }
    return true;
  }

 private:
  inline static const std::string kEmpty;
  const Selector& s_;
  std::vector<std::regex> res_;
  bool bad_ = false;
};

std::string GroupKey(const std::vector<std::string>& by, const Labels& labels) {
  std::string key;
  for (const auto& b : by) {
    auto it = labels.find(b);
    key += it == labels.end() ? std::string() : it->second;
    key += '\xff';
  }
  return key;
}

Status CheckRules(const CompiledRules& rules) {
  for (const auto& r : rules.rules) {
    RETURN_IF_ERROR(ValidatePlan(r));
    SelectorMatcher m(r.selector);
    if (m.bad()) return InvalidArgumentError("rule " + r.name + ": invalid regular expression in its selector");
  }
  return Status::Ok();
}

// Labels identifying the single alert of an absent rule: the selector's equality matchers.
Labels AbsentLabels(const Selector& s) {
  Labels l;
  for (const auto& m : s.matchers)
    if (m.op == MatchOp::kEq) l[m.name] = m.value;
  return l;
}

struct TimeSeriesRef {
  std::string name;
  const Labels* labels;
};

// Tick-driven rules (stale_for / absent) run through this one class in both modes.
class TickRule {
 public:
  TickRule(const RulePlan& plan, std::vector<size_t> members) : plan_(plan), members_(std::move(members)) {
    state_.resize(plan_.absent_rule ? 1 : members_.size());
    vals_.resize(plan_.nodes.size());
  }

  struct MemberState {
    bool started = false;
    int64_t last_value_t = 0;  // last non-NaN point (or the first point)
    AlertTracker tracker;
  };

  // `value_at(series)` gives a pointer to the series' value at this tick, or nullptr.
  // `on_eval(member, condition, firing)` is told each evaluation; `on_event` each transition.
  template <typename ValueAt, typename OnEval, typename OnEvent>
  void OnTick(int64_t t, const std::vector<TimeSeriesRef>& infos, ValueAt value_at, OnEval on_eval,
              OnEvent on_event) {
    if (!started_) {
      started_ = true;
      first_tick_ = t;
      last_seen_ = t;
    }
    for (size_t k = 0; k < members_.size(); ++k) {
      const double* v = value_at(members_[k]);
      MemberState& m = state_[plan_.absent_rule ? 0 : k];
      if (plan_.absent_rule) {
        if (v && !std::isnan(*v)) last_seen_ = t;
        continue;
      }
      if (v && !m.started) {
        m.started = true;
        m.last_value_t = t;
      }
      if (v && !std::isnan(*v)) m.last_value_t = t;
    }
    if (plan_.absent_rule) {
      Evaluate(t, 0, last_seen_, infos, SIZE_MAX, on_eval, on_event);
      return;
    }
    for (size_t k = 0; k < members_.size(); ++k) {
      if (!state_[k].started) continue;
      Evaluate(t, k, state_[k].last_value_t, infos, members_[k], on_eval, on_event);
    }
  }

  const RulePlan& plan() const { return plan_; }
  const std::vector<size_t>& members() const { return members_; }
  std::vector<Alert> Active() const {
    std::vector<Alert> out;
    for (const auto& s : state_)
      if (s.tracker.firing()) out.push_back(s.tracker.alert);
    return out;
  }

 private:
  template <typename OnEval, typename OnEvent>
  void Evaluate(int64_t t, size_t k, int64_t last, const std::vector<TimeSeriesRef>& infos, size_t series,
                OnEval on_eval, OnEvent on_event) {
    for (size_t i = 0; i < plan_.nodes.size(); ++i) {
      const PlanNode& n = plan_.nodes[i];
      switch (n.op) {
        case PlanOp::kConst: vals_[i] = n.constant; break;
        case PlanOp::kStaleFor:
        case PlanOp::kAbsent: vals_[i] = t - last >= n.duration_ms ? 1.0 : 0.0; break;
        default:
          vals_[i] = ApplyOp(n.op, vals_[n.inputs[0]], n.inputs.size() > 1 ? vals_[n.inputs[1]] : 0.0, 0.0);
      }
    }
    bool cond = Truthy(vals_[plan_.condition]);
    MemberState& m = state_[k];
    std::string metric = series == SIZE_MAX ? plan_.selector.metric : infos[series].name;
    Labels labels = series == SIZE_MAX ? AbsentLabels(plan_.selector) : *infos[series].labels;
    auto ev = m.tracker.Update(plan_, t, cond, [&](int64_t active_at, int64_t now, Alert& a) {
      a = MakeAlert(plan_, metric, labels, active_at, now, kNaN, [&](int32_t id) { return vals_[id]; });
      a.explanation["last_value_at"] = FormatRfc3339Ms(last);
    });
    on_eval(series, t, cond, m.tracker.firing(), std::span<const double>(vals_));
    if (ev != AlertTracker::Event::kNone) on_event(m.tracker.alert);
  }

  const RulePlan& plan_;
  std::vector<size_t> members_;
  std::vector<MemberState> state_;
  std::vector<double> vals_;
  bool started_ = false;
  int64_t first_tick_ = 0, last_seen_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Batch mode: node by node over whole arrays.

struct SeriesColumns {
  std::vector<std::vector<double>> cols;  // [node][point]
};

class BatchRule {
 public:
  BatchRule(const RulePlan& plan, std::span<const TimeSeries> series, std::vector<size_t> members,
            const EngineOptions& options, SeriesColumns* scratch)
      : scratch_(scratch),
        plan_(plan),
        series_(series),
        members_(std::move(members)),
        options_(options),
        partner_(MedianMadPartners(plan)) {}

  Status Run(BatchResult* out) {
    const size_t nn = plan_.nodes.size();
    std::vector<std::vector<int32_t>> by_stage(plan_.max_stage + 1);
    for (size_t i = 0; i < nn; ++i) by_stage[plan_.nodes[i].stage].push_back(static_cast<int32_t>(i));
    if (plan_.max_stage == 0) {
      // Independent series: one at a time, reusing the column buffers.
      SeriesColumns& c = *scratch_;  // shared by the rules of one EvaluateBatch call
      for (size_t m = 0; m < members_.size(); ++m) {
        if (c.cols.size() < nn) c.cols.resize(nn);
        for (int32_t id : by_stage[0]) RETURN_IF_ERROR(ComputeNode(id, m, &c, nullptr));
        Finish(m, &c, out);
      }
      return Status::Ok();
    }
    std::vector<SeriesColumns> all(members_.size());
    for (auto& c : all) c.cols.resize(nn);
    // Groups for each aggregation node's `by` labels.
    for (size_t s = 0; s < by_stage.size(); ++s) {
      for (size_t m = 0; m < members_.size(); ++m) {
        for (int32_t id : by_stage[s]) RETURN_IF_ERROR(ComputeNode(id, m, &all[m], &all));
      }
    }
    for (size_t m = 0; m < members_.size(); ++m) Finish(m, &all[m], out);
    return Status::Ok();
  }

 private:
  const TimeSeries& S(size_t m) const { return series_[members_[m]]; }

  Status ComputeNode(int32_t id, size_t m, SeriesColumns* c, std::vector<SeriesColumns>* all) {
    const PlanNode& node = plan_.nodes[id];
    if (partner_[id] >= 0 && partner_[id] < id) return Status::Ok();  // computed with its partner
    const TimeSeries& ts = S(m);
    const size_t n = ts.size();
    std::vector<double>& out = c->cols[id];
    out.resize(n);
    switch (node.op) {
      case PlanOp::kConst: std::fill(out.begin(), out.end(), node.constant); return Status::Ok();
      case PlanOp::kValue:
        for (size_t i = 0; i < n; ++i) out[i] = CleanValue(ts.values[i]);
        return Status::Ok();
      case PlanOp::kAggregate: return ComputeAggregate(node, m, &out, *all);
      case PlanOp::kStaleFor:
      case PlanOp::kAbsent: return InternalError("tick-driven node in a point-driven rule");
      default: break;
    }
    if (IsStateful(node.op)) {
      NodeState st = MakeState(plan_, id);
      const std::vector<double>& in = c->cols[node.inputs[0]];
      size_t held = 0, max_held = 0;
      if (auto* w = std::get_if<detail::WindowState>(&st)) {
        const int32_t other = partner_[id];
        if (other >= 0) {  // a median/mad pair: one sorted window, both columns
          std::vector<double>& oc = c->cols[other];
          oc.resize(n);
          double* med = node.window_fn == WindowFn::kMedian ? out.data() : oc.data();
          double* mad = node.window_fn == WindowFn::kMedian ? oc.data() : out.data();
          max_held = w->PushMedianMadColumn(ts.timestamps_ms.data(), in.data(), med, mad, n);
        } else {
          max_held = w->PushColumn(ts.timestamps_ms.data(), in.data(), out.data(), n);
        }
      } else {
        for (size_t i = 0; i < n; ++i) {
          out[i] = PushState(st, static_cast<int64_t>(i), ts.timestamps_ms[i], in[i], &held);
          max_held = std::max(max_held, held);
        }
      }
      if (max_held > static_cast<size_t>(options_.limits.max_window_points))
        return WindowOverflow(plan_, node, ts.id(), max_held, options_.limits);
      return Status::Ok();
    }
    const double* a = c->cols[node.inputs[0]].data();
    const double* b = node.inputs.size() > 1 ? c->cols[node.inputs[1]].data() : a;
    const double* cc = node.inputs.size() > 2 ? c->cols[node.inputs[2]].data() : a;
    switch (node.op) {  // hoisted so each loop is a simple, vectorisable kernel
#define VIGIL_KERNEL(OP) \
  case PlanOp::OP:       \
    for (size_t i = 0; i < n; ++i) out[i] = ApplyOp(PlanOp::OP, a[i], b[i], cc[i]); \
    break;
      VIGIL_KERNEL(kNeg) VIGIL_KERNEL(kAbs) VIGIL_KERNEL(kLog) VIGIL_KERNEL(kNot) VIGIL_KERNEL(kAdd)
      VIGIL_KERNEL(kSub) VIGIL_KERNEL(kMul) VIGIL_KERNEL(kDiv) VIGIL_KERNEL(kClamp) VIGIL_KERNEL(kLt)
      VIGIL_KERNEL(kLe) VIGIL_KERNEL(kGt) VIGIL_KERNEL(kGe) VIGIL_KERNEL(kEq) VIGIL_KERNEL(kNe)
      VIGIL_KERNEL(kAnd) VIGIL_KERNEL(kOr)
#undef VIGIL_KERNEL
      default: return InternalError("unexpected plan op in batch kernel");
    }
    return Status::Ok();
  }

  Status ComputeAggregate(const PlanNode& node, size_t m, std::vector<double>* out,
                          std::vector<SeriesColumns>& all) {
    const std::vector<size_t>& peers = Group(node, m);
    const TimeSeries& ts = S(m);
    std::vector<ptrdiff_t> ptr(peers.size(), -1);
    std::vector<double> vals;
    vals.reserve(peers.size());
    const int32_t in = node.inputs[0];
    for (size_t i = 0; i < ts.size(); ++i) {
      int64_t t = ts.timestamps_ms[i];
      vals.clear();
      for (size_t k = 0; k < peers.size(); ++k) {
        const TimeSeries& p = S(peers[k]);
        ptrdiff_t& j = ptr[k];
        while (j + 1 < static_cast<ptrdiff_t>(p.size()) && p.timestamps_ms[j + 1] <= t) ++j;
        if (j < 0 || t - p.timestamps_ms[j] > plan_.lookback_ms) continue;
        double v = all[peers[k]].cols[in][j];
        if (!std::isnan(v)) vals.push_back(v);
      }
      (*out)[i] = detail::Aggregate(node.agg_fn, node.constant, vals);
    }
    return Status::Ok();
  }

  const std::vector<size_t>& Group(const PlanNode& node, size_t m) {
    std::string k = GroupKey(node.by, S(m).labels);
    std::string cache_key;
    for (const auto& b : node.by) cache_key += b + ",";
    auto& groups = groups_[cache_key];
    if (groups.empty()) {
      for (size_t q = 0; q < members_.size(); ++q) groups[GroupKey(node.by, S(q).labels)].push_back(q);
    }
    return groups[k];
  }

  void Finish(size_t m, SeriesColumns* c, BatchResult* out) {
    const TimeSeries& ts = S(m);
    const size_t si = members_[m];
    const size_t n = ts.size();
    AlertTracker tracker;
    RuleSeriesTrace trace;
    const bool keep = options_.keep_traces || options_.trace_nodes;
    trace.rule = rule_index_;
    trace.series = si;
    if (keep) {
      trace.timestamps_ms = ts.timestamps_ms;
      trace.condition.resize(n);
      trace.firing.resize(n);
    }
    const std::vector<double>& cond = c->cols[plan_.condition];
    std::vector<uint8_t>& flags = out->flags[si];
    for (size_t i = 0; i < n; ++i) {
      bool hold = Truthy(cond[i]);
      auto ev = tracker.Update(plan_, ts.timestamps_ms[i], hold, [&](int64_t active_at, int64_t now, Alert& a) {
        if (!options_.build_alerts) return;
        a = MakeAlert(plan_, ts.name, ts.labels, active_at, now, CleanValue(ts.values[i]),
                      [&](int32_t id) { return c->cols[id][i]; });
      });
      if (!options_.build_alerts) ev = AlertTracker::Event::kNone;
      if (ev == AlertTracker::Event::kResolved) out->alerts.push_back(tracker.alert);
      const bool firing = tracker.firing();
      if (keep) {
        trace.condition[i] = hold;
        trace.firing[i] = firing;
      }
      flags[i] |= firing;
    }
    if (tracker.firing() && options_.build_alerts) out->alerts.push_back(tracker.alert);
    out->evaluations += n;
    if (options_.trace_nodes) {
      trace.node_values = std::move(c->cols);
      trace.node_values.resize(plan_.nodes.size());  // scratch columns may outnumber the nodes
      c->cols.clear();
    }
    if (keep) out->traces.push_back(std::move(trace));
  }

 public:
  size_t rule_index_ = 0;

 private:
  SeriesColumns* scratch_;  // not owned; column buffers reused across series and rules
  const RulePlan& plan_;
  std::span<const TimeSeries> series_;
  std::vector<size_t> members_;
  const EngineOptions& options_;
  std::map<std::string, std::map<std::string, std::vector<size_t>>> groups_;
  std::vector<int32_t> partner_;  // MedianMadPartners(plan_)
};

Result<std::vector<size_t>> SelectSeries(const RulePlan& plan, size_t count,
                                         const std::function<const std::string&(size_t)>& name,
                                         const std::function<const Labels&(size_t)>& labels,
                                         const RuleLimits& limits) {
  SelectorMatcher matcher(plan.selector);
  std::vector<size_t> out;
  for (size_t i = 0; i < count; ++i)
    if (matcher.Matches(name(i), labels(i))) out.push_back(i);
  if (static_cast<int64_t>(out.size()) > limits.max_series_per_rule)
    return OutOfRangeError("rule " + plan.name + " selects " + std::to_string(out.size()) +
                           " series, over the limit of " + std::to_string(limits.max_series_per_rule) +
                           " (max_series_per_rule); narrow its selector");
  return out;
}

}  // namespace

bool SelectorMatches(const Selector& selector, const std::string& name, const Labels& labels) {
  return SelectorMatcher(selector).Matches(name, labels);
}

Result<BatchResult> EvaluateBatch(const CompiledRules& rules, std::span<const TimeSeries> series,
                                  const EngineOptions& options) {
  RETURN_IF_ERROR(CheckRules(rules));
  for (const auto& s : series) {
    Status v = s.Validate();
    if (!v.ok()) return v.WithContext("series " + s.id());
  }
  BatchResult out;
  out.flags.resize(series.size());
  for (size_t i = 0; i < series.size(); ++i) out.flags[i].assign(series[i].size(), 0);
  auto name = [&](size_t i) -> const std::string& { return series[i].name; };
  auto labels = [&](size_t i) -> const Labels& { return series[i].labels; };
  std::vector<int64_t> ticks;  // built on first need
  SeriesColumns scratch;       // batch columns, reused by every rule
  for (size_t r = 0; r < rules.rules.size(); ++r) {
    const RulePlan& plan = rules.rules[r];
    ASSIGN_OR_RETURN(std::vector<size_t> members, SelectSeries(plan, series.size(), name, labels, options.limits));
    if (!plan.tick_driven) {
      BatchRule br(plan, series, std::move(members), options, &scratch);
      br.rule_index_ = r;
      RETURN_IF_ERROR(br.Run(&out));
      continue;
    }
    if (ticks.empty()) {
      for (const auto& s : series) ticks.insert(ticks.end(), s.timestamps_ms.begin(), s.timestamps_ms.end());
      std::sort(ticks.begin(), ticks.end());
      ticks.erase(std::unique(ticks.begin(), ticks.end()), ticks.end());
    }
    std::vector<TimeSeriesRef> infos;
    for (const auto& s : series) infos.push_back({s.name, &s.labels});
    TickRule tr(plan, members);
    std::vector<size_t> pos(series.size(), 0);
    std::map<size_t, RuleSeriesTrace> traces;
    for (int64_t t : ticks) {
      auto value_at = [&](size_t si) -> const double* {
        const TimeSeries& s = series[si];
        size_t& p = pos[si];
        while (p < s.size() && s.timestamps_ms[p] < t) ++p;
        return p < s.size() && s.timestamps_ms[p] == t ? &s.values[p] : nullptr;
      };
      auto on_eval = [&](size_t si, int64_t tt, bool cond, bool firing, std::span<const double> vals) {
        ++out.evaluations;
        if (si != SIZE_MAX && firing) {
          const TimeSeries& s = series[si];
          size_t p = pos[si];
          if (p < s.size() && s.timestamps_ms[p] == tt) out.flags[si][p] = 1;
        }
        if (!options.keep_traces && !options.trace_nodes) return;
        RuleSeriesTrace& tr2 = traces[si];
        tr2.rule = r;
        tr2.series = si;
        tr2.timestamps_ms.push_back(tt);
        tr2.condition.push_back(cond);
        tr2.firing.push_back(firing);
        if (options.trace_nodes) {
          tr2.node_values.resize(vals.size());
          for (size_t k = 0; k < vals.size(); ++k) tr2.node_values[k].push_back(vals[k]);
        }
      };
      auto on_event = [&](const Alert& a) {
        if (a.state == AlertState::kResolved) out.alerts.push_back(a);
      };
      tr.OnTick(t, infos, value_at, on_eval, on_event);
    }
    for (auto& a : tr.Active()) out.alerts.push_back(a);
    for (auto& [si, t] : traces) out.traces.push_back(std::move(t));
  }
  std::stable_sort(out.alerts.begin(), out.alerts.end(), [](const Alert& a, const Alert& b) {
    return a.starts_at_ms != b.starts_at_ms ? a.starts_at_ms < b.starts_at_ms : a.fingerprint < b.fingerprint;
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Streaming mode.

struct StreamingEngine::Impl {
  struct SeriesState {
    std::string name;
    Labels labels;
    std::string id;
    int64_t last_t = std::numeric_limits<int64_t>::min();
    int64_t seq = 0;  // points evaluated so far
  };
  struct Member {  // one (rule, series)
    size_t series;
    std::vector<NodeState> states;
    std::vector<double> vals;
    int64_t last_t = std::numeric_limits<int64_t>::min();
    AlertTracker tracker;
    std::vector<std::vector<int32_t>> peers;  // per node: member indices of its group (aggregations)
  };
  struct Rule {
    const RulePlan* plan;
    SelectorMatcher matcher;
    std::vector<Member> members;
    std::vector<std::vector<int32_t>> by_stage;
    std::unique_ptr<TickRule> tick;
    std::vector<size_t> tick_members;
    std::vector<int32_t> partner;  // MedianMadPartners(*plan)
  };

  CompiledRules rules;
  EngineOptions options;
  Callbacks cb;
  std::vector<SeriesState> series;
  std::map<std::string, size_t> series_by_id;
  std::vector<Rule> rt;
  bool have_tick = false;
  int64_t tick = 0;
  std::vector<std::pair<size_t, double>> pending;  // points at `tick`
  std::vector<TimeSeriesRef> infos;
  std::vector<uint8_t> flag_scratch;
  std::vector<double> agg_scratch;                          // CloseTick: peer values
  std::vector<std::pair<int32_t, size_t>> active_scratch;  // CloseTick: (member, pending index)

  void Rebuild(Rule& r) {
    // Group membership for aggregation nodes: recomputed when a series is added.
    for (size_t id = 0; id < r.plan->nodes.size(); ++id) {
      const PlanNode& node = r.plan->nodes[id];
      if (node.op != PlanOp::kAggregate) continue;
      std::map<std::string, std::vector<int32_t>> groups;
      for (size_t m = 0; m < r.members.size(); ++m)
        groups[GroupKey(node.by, series[r.members[m].series].labels)].push_back(static_cast<int32_t>(m));
      for (size_t m = 0; m < r.members.size(); ++m) {
        r.members[m].peers.resize(r.plan->nodes.size());
        r.members[m].peers[id] = groups[GroupKey(node.by, series[r.members[m].series].labels)];
      }
    }
  }

  // Evaluates one node for one member at this tick. Returns false only when a time-bounded
  // window went over its limit, with the error in *err (a bool keeps the per-node path cheap).
  bool EvalNode(Rule& r, Member& m, int32_t id, int64_t seq, int64_t t, double x, std::vector<double>& scratch,
                Status* err) {
    const PlanNode& node = r.plan->nodes[id];
    double& out = m.vals[id];
    switch (node.op) {
      case PlanOp::kConst: out = node.constant; return true;
      case PlanOp::kValue: out = CleanValue(x); return true;
      case PlanOp::kAggregate: {
        scratch.clear();
        for (int32_t p : m.peers[id]) {
          const Member& pm = r.members[p];
          if (pm.last_t == std::numeric_limits<int64_t>::min() || t - pm.last_t > r.plan->lookback_ms) continue;
          double v = pm.vals[node.inputs[0]];
          if (!std::isnan(v)) scratch.push_back(v);
        }
        out = detail::Aggregate(node.agg_fn, node.constant, scratch);
        return true;
      }
      default: break;
    }
    if (IsStateful(node.op)) {
      size_t held = 0;
      const int32_t other = r.partner[id];
      if (other >= 0) {  // a median/mad pair, evaluated once at the smaller index
        if (other < id) return true;
        auto& w = std::get<detail::WindowState>(m.states[id]);
        double* med = node.window_fn == WindowFn::kMedian ? &out : &m.vals[other];
        double* mad = node.window_fn == WindowFn::kMedian ? &m.vals[other] : &out;
        w.PushMedianMad(seq, t, m.vals[node.inputs[0]], med, mad);
        held = w.held();
      } else {
        out = PushState(m.states[id], seq, t, m.vals[node.inputs[0]], &held);
      }
      bool time_bounded = node.op == PlanOp::kOffset || (node.op == PlanOp::kWindow && !node.window.is_points);
      if (time_bounded && held > static_cast<size_t>(options.limits.max_window_points)) {
        *err = WindowOverflow(*r.plan, node, series[m.series].id, held, options.limits);
        return false;
      }
      return true;
    }
    double a = m.vals[node.inputs[0]];
    double b = node.inputs.size() > 1 ? m.vals[node.inputs[1]] : a;
    double c = node.inputs.size() > 2 ? m.vals[node.inputs[2]] : a;
    out = ApplyOp(node.op, a, b, c);
    return true;
  }

  Status CloseTick() {
    if (!have_tick || pending.empty()) return Status::Ok();
    const int64_t t = tick;
    flag_scratch.assign(pending.size(), 0);
    std::vector<double>& scratch = agg_scratch;
    std::vector<std::pair<int32_t, size_t>>& active = active_scratch;  // (member, pending index)
    for (size_t ri = 0; ri < rt.size(); ++ri) {
      Rule& r = rt[ri];
      if (r.tick) continue;
      active.clear();
      for (size_t k = 0; k < pending.size(); ++k) {
        int32_t m = member_of[ri][pending[k].first];
        if (m >= 0) active.emplace_back(m, k);
      }
      for (const auto& stage : r.by_stage) {
        for (auto [m, k] : active) {
          Member& mem = r.members[m];
          int64_t seq = series[mem.series].seq;
          for (int32_t id : stage) {
            Status err;
            if (!EvalNode(r, mem, id, seq, t, pending[k].second, scratch, &err)) [[unlikely]]
              return err;
          }
          // Peers read this member's values for this tick in later stages.
          mem.last_t = t;
        }
      }
      for (auto [m, k] : active) {
        Member& mem = r.members[m];
        const SeriesState& ss = series[mem.series];
        bool cond = Truthy(mem.vals[r.plan->condition]);
        auto ev = mem.tracker.Update(*r.plan, t, cond, [&](int64_t active_at, int64_t now, Alert& a) {
          if (!options.build_alerts) return;
          a = MakeAlert(*r.plan, ss.name, ss.labels, active_at, now, CleanValue(pending[k].second),
                        [&](int32_t id) { return mem.vals[id]; });
        });
        if (ev != AlertTracker::Event::kNone && cb.on_alert && options.build_alerts) cb.on_alert(mem.tracker.alert);
        if (mem.tracker.firing()) flag_scratch[k] = 1;
        if (options.trace_nodes && cb.on_trace)
          cb.on_trace(ri, mem.series, t, cond, mem.tracker.firing(), std::span<const double>(mem.vals));
      }
    }
    // Tick-driven rules.
    for (size_t ri = 0; ri < rt.size(); ++ri) {
      Rule& r = rt[ri];
      if (!r.tick) continue;
      auto value_at = [&](size_t si) -> const double* {
        for (const auto& p : pending)
          if (p.first == si) return &p.second;
        return nullptr;
      };
      auto on_eval = [&](size_t si, int64_t tt, bool cond, bool firing, std::span<const double> vals) {
        if (si != SIZE_MAX && firing) {
          for (size_t k = 0; k < pending.size(); ++k)
            if (pending[k].first == si) flag_scratch[k] = 1;
        }
        if (options.trace_nodes && cb.on_trace) cb.on_trace(ri, si, tt, cond, firing, vals);
      };
      auto on_event = [&](const Alert& a) {
        if (cb.on_alert) cb.on_alert(a);
      };
      r.tick->OnTick(t, infos, value_at, on_eval, on_event);
    }
    for (size_t k = 0; k < pending.size(); ++k) {
      ++series[pending[k].first].seq;
      if (cb.on_point) cb.on_point(pending[k].first, t, flag_scratch[k]);
    }
    pending.clear();
    return Status::Ok();
  }

  std::vector<std::vector<int32_t>> member_of;  // [rule][series] -> member index or -1
};

StreamingEngine::StreamingEngine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StreamingEngine::~StreamingEngine() = default;

Result<std::unique_ptr<StreamingEngine>> StreamingEngine::Create(CompiledRules rules, EngineOptions options,
                                                                 Callbacks callbacks) {
  RETURN_IF_ERROR(CheckRules(rules));
  auto impl = std::make_unique<Impl>();
  impl->rules = std::move(rules);
  impl->options = options;
  impl->cb = std::move(callbacks);
  for (const auto& plan : impl->rules.rules) {
    Impl::Rule r{&plan, SelectorMatcher(plan.selector), {}, {}, nullptr, {}, MedianMadPartners(plan)};
    r.by_stage.resize(plan.max_stage + 1);
    for (size_t i = 0; i < plan.nodes.size(); ++i) r.by_stage[plan.nodes[i].stage].push_back(static_cast<int32_t>(i));
    if (plan.tick_driven) r.tick = std::make_unique<TickRule>(plan, std::vector<size_t>{});
    impl->rt.push_back(std::move(r));
  }
  impl->member_of.resize(impl->rt.size());
  return std::unique_ptr<StreamingEngine>(new StreamingEngine(std::move(impl)));
}

Result<size_t> StreamingEngine::AddSeries(const std::string& name, const Labels& labels) {
  Impl& im = *impl_;
  std::string id = FormatSeriesId(name, labels);
  if (im.series_by_id.count(id)) return InvalidArgumentError("series " + id + " was already added");
  size_t si = im.series.size();
  im.series.push_back({name, labels, id});
  im.series_by_id[id] = si;
  im.infos.clear();
  for (const auto& s : im.series) im.infos.push_back({s.name, &s.labels});
  for (size_t ri = 0; ri < im.rt.size(); ++ri) {
    Impl::Rule& r = im.rt[ri];
    im.member_of[ri].push_back(-1);
    if (!r.matcher.Matches(name, labels)) continue;
    size_t count = r.tick ? r.tick_members.size() : r.members.size();
    if (static_cast<int64_t>(count + 1) > im.options.limits.max_series_per_rule)
      return OutOfRangeError("rule " + r.plan->name + " would select more than " +
                             std::to_string(im.options.limits.max_series_per_rule) +
                             " series (max_series_per_rule); narrow its selector");
    if (r.tick) {
      if (im.have_tick) return FailedPreconditionError("series " + id + " added after data arrived: rule " + r.plan->name + " watches for missing data and needs its series declared before the first point");
      r.tick_members.push_back(si);
      r.tick = std::make_unique<TickRule>(*r.plan, r.tick_members);
      continue;
    }
    Impl::Member m;
    m.series = si;
    m.states = MakeStates(*r.plan);
    m.vals.assign(r.plan->nodes.size(), kNaN);
    im.member_of[ri][si] = static_cast<int32_t>(r.members.size());
    r.members.push_back(std::move(m));
    im.Rebuild(r);
  }
  return si;
}

Status StreamingEngine::Append(size_t si, int64_t t, double value) {
  Impl& im = *impl_;
  if (si >= im.series.size()) return InvalidArgumentError("unknown series index " + std::to_string(si));
  Impl::SeriesState& s = im.series[si];
  if (t <= s.last_t)
    return InvalidArgumentError("series " + s.id + ": timestamp " + std::to_string(t) +
                                " is not after the previous point " + std::to_string(s.last_t));
  if (im.have_tick && t < im.tick)
    return InvalidArgumentError("series " + s.id + ": timestamp " + std::to_string(t) +
                                " is earlier than the time already reached " + std::to_string(im.tick) +
                                " (streams must be appended in time order)");
  if (im.have_tick && t > im.tick) RETURN_IF_ERROR(im.CloseTick());
  im.have_tick = true;
  im.tick = t;
  s.last_t = t;
  im.pending.emplace_back(si, value);
  return Status::Ok();
}

Status StreamingEngine::Flush() { return impl_->CloseTick(); }

std::vector<Alert> StreamingEngine::ActiveAlerts() const {
  std::vector<Alert> out;
  for (const auto& r : impl_->rt) {
    for (const auto& m : r.members)
      if (m.tracker.firing()) out.push_back(m.tracker.alert);
    if (r.tick)
      for (auto& a : r.tick->Active()) out.push_back(a);
  }
  return out;
}

}  // namespace vigil
