#include "detectors/engine.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <regex>
#include <set>

#include "core/time_util.h"
#include "detectors/engine_fused.h"
#include "detectors/window_state.h"

namespace vigil {
namespace {

using detail::kNaN;

inline bool Truthy(double v) { return v > 0.5; }

// any_bits / all_bits (PlanOp::kAnyBits, kAllBits): x is read as a bit field only when it is a
// whole number from 0 to 2^53 - 1 (a double holds those exactly); NaN (missing), a negative, a
// fractional or a larger value has no bit set. The mask is checked the same way (the compiler and
// ValidatePlan refuse a bad one; a plan changed after validation must still not cast out of range).
inline double BitTest(double x, double mask, bool all) {
  if (!(x >= 0 && x <= kMaxBitMask && mask >= 1 && mask <= kMaxBitMask)) return 0.0;
  const auto xi = static_cast<uint64_t>(x);
  const auto mi = static_cast<uint64_t>(mask);
  if (static_cast<double>(xi) != x || static_cast<double>(mi) != mask) return 0.0;
  return (all ? (xi & mi) == mi : (xi & mi) != 0) ? 1.0 : 0.0;
}

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
    case PlanOp::kAnyBits: return BitTest(a, b, false);
    case PlanOp::kAllBits: return BitTest(a, b, true);
    default: return kNaN;
  }
}

// The stateless ops that are not comparisons (those may be fused, FuseCompares): X(OP) for each.
// Every per-op loop over them (batch Exec, streaming Exec and ExecActive) expands this one list.
#define VIGIL_STATELESS_OPS(X) \
  X(kNeg) X(kAbs) X(kLog) X(kNot) X(kAdd) X(kSub) X(kMul) X(kDiv) X(kClamp) X(kEq) X(kNe) X(kAnd) X(kOr) \
  X(kAnyBits) X(kAllBits)

inline double CleanValue(double v) { return std::isfinite(v) ? v : kNaN; }

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

// A plan compiled for evaluation: one instruction per node that does work per point, in node
// order. Constants are written once (they never change); the second node of a median/mad pair
// is written by its partner's instruction. Stateful instructions index their typed state in a
// StateSet directly, and a window's single-point step is resolved once to a function pointer,
// so evaluating an instruction is one switch on its op (no std::variant visit, no switch on the
// window function per point). Both engines run the same instructions over the same states.
struct Instr {
  PlanOp op = PlanOp::kConst;
  int32_t node = 0;
  int32_t a = 0, b = 0, c = 0;  // input nodes (the first one repeated where the op has fewer)
  int32_t other = -1;           // kWindow median/mad pair: the partner node, written too
  // Streaming only (PairMinMax): a min or max point window of up to kExtremeDirectMax points
  // whose max / min partner over the same input and window is written by this instruction too.
  int32_t minmax_other = -1;
  bool sums_group = false;      // kWindow: running-sum windows sharing one state, below
  int32_t sums[detail::WindowState::kSumsSlots] = {-1, -1, -1, -1, -1};  // node per SumsIndex slot
  int32_t state = -1;           // index into the StateSet vector of the op's kind
  bool time_bounded = false;    // held points are checked against max_window_points
  detail::WindowState::PushFnPtr push = nullptr;  // kWindow, unpaired
  // A running-sum point window over the series' value, whose state is shared by every rule
  // with the same window (ShareValueSumsWindow: an index into the engine's shared windows;
  // batch only for rules run series by series); its nodes are in sums[].
  int32_t shared = -1;
  // A comparison fused with its operands' arithmetic (FuseCompares); null functions otherwise.
  detail::FusedCompareFns fused;
  detail::FusedCompare fused_sides;
};

// The states of one (rule, series).
struct StateSet {
  std::vector<detail::WindowState> windows;
  std::vector<detail::EwmaState> ewmas;
  std::vector<detail::LagState> lags;
  std::vector<detail::OffsetState> offsets;
};

struct Program {
  std::vector<std::vector<Instr>> by_stage;  // instructions per stage (PlanNode::stage)
  std::vector<int32_t> consts;               // kConst nodes
  StateSet fresh;                            // initial states, copied for each series

  void SetConsts(const RulePlan& plan, double* vals, size_t stride) const {
    for (int32_t id : consts) std::fill(vals + id * stride, vals + (id + 1) * stride, plan.nodes[id].constant);
  }
};

Program CompileProgram(const RulePlan& plan) {
  Program p;
  const std::vector<int32_t> partner = MedianMadPartners(plan);
  // Running-sum windows (mean, sum, count, std, zscore) of the same input and window share one
  // state: the first of them pushes and writes every member's value (PushSums).
  std::vector<int32_t> sums_leader(plan.nodes.size(), -1);
  auto sums_slot = [&](size_t i) {
    const PlanNode& n = plan.nodes[i];
    return n.op == PlanOp::kWindow ? detail::WindowState::SumsIndex(n.window_fn) : -1;
  };
  for (size_t i = 0; i < plan.nodes.size(); ++i) {
    if (sums_slot(i) < 0 || sums_leader[i] >= 0) continue;
    for (size_t j = i + 1; j < plan.nodes.size(); ++j) {
      if (sums_slot(j) >= 0 && sums_leader[j] < 0 && plan.nodes[j].inputs == plan.nodes[i].inputs &&
          plan.nodes[j].window == plan.nodes[i].window) {
        sums_leader[i] = static_cast<int32_t>(i);
        sums_leader[j] = static_cast<int32_t>(i);
      }
    }
  }
  p.by_stage.resize(plan.max_stage + 1);
  for (size_t i = 0; i < plan.nodes.size(); ++i) {
    const PlanNode& n = plan.nodes[i];
    if (n.op == PlanOp::kConst) {
      p.consts.push_back(static_cast<int32_t>(i));
      continue;
    }
    if (partner[i] >= 0 && partner[i] < static_cast<int32_t>(i)) continue;  // written by its partner
    if (sums_leader[i] >= 0 && sums_leader[i] != static_cast<int32_t>(i)) continue;  // by its leader
    Instr in;
    in.op = n.op;
    in.node = static_cast<int32_t>(i);
    if (!n.inputs.empty()) {
      in.a = in.b = in.c = n.inputs[0];
      if (n.inputs.size() > 1) in.b = n.inputs[1];
      if (n.inputs.size() > 2) in.c = n.inputs[2];
    }
    switch (n.op) {
      case PlanOp::kWindow:
        in.state = static_cast<int32_t>(p.fresh.windows.size());
        p.fresh.windows.emplace_back(n);
        in.other = partner[i];
        if (sums_leader[i] >= 0) {
          in.sums_group = true;
          for (size_t j = i; j < plan.nodes.size(); ++j)
            if (sums_leader[j] == static_cast<int32_t>(i)) in.sums[sums_slot(j)] = static_cast<int32_t>(j);
        } else if (in.other < 0) {
          in.push = detail::WindowState::PushFnFor(n.window_fn, n.window.is_points);
        }
        in.time_bounded = !n.window.is_points;
        break;
      case PlanOp::kEwma:
        in.state = static_cast<int32_t>(p.fresh.ewmas.size());
        p.fresh.ewmas.emplace_back(n.constant);
        break;
      case PlanOp::kLag:
        in.state = static_cast<int32_t>(p.fresh.lags.size());
        p.fresh.lags.emplace_back(n.lag_points);
        break;
      case PlanOp::kOffset:
        in.state = static_cast<int32_t>(p.fresh.offsets.size());
        p.fresh.offsets.emplace_back(n.duration_ms, plan.lookback_ms);
        in.time_bounded = true;
        break;
      default: break;
    }
    p.by_stage[n.stage].push_back(in);
  }
  return p;
}

// Fuses each comparison (<, <=, >, >=) with the arithmetic of its two operands where
// they have a shape of detail::FusedShape (`abs(a - b) > c * d`, `a > b + c * d`, `a - b > c`,
// ...): the comparison's instruction computes the whole tree with one specialised function
// (engine_fused.h), and the instructions of the inner nodes are dropped. An inner node is
// fused only when the tree is its only reader (not the condition, an aggregation, a window or
// another operation), so no instruction reads it before the comparison writes it; every node
// of the tree is still written, with the same arithmetic, so values are those of the unfused
// instructions bit for bit. Both engines fuse (batch runs the column form).
void FuseCompares(const RulePlan& plan, Program* p) {
  const size_t nn = plan.nodes.size();
  std::vector<int> readers(nn, 0);
  for (const PlanNode& n : plan.nodes)
    for (int32_t i : n.inputs) ++readers[i];
  if (plan.condition >= 0) ++readers[plan.condition];
  std::vector<uint8_t> absorbed(nn, 0);
  auto inner = [&](int32_t id, PlanOp op) { return readers[id] == 1 && plan.nodes[id].op == op; };
  auto side = [&](int32_t id) {
    using detail::FusedShape;
    detail::FusedSide s;
    s.node = s.x = id;
    const PlanNode& n = plan.nodes[id];
    if (readers[id] != 1) return s;
    const int32_t a = n.inputs.empty() ? 0 : n.inputs[0];
    const int32_t b = n.inputs.size() > 1 ? n.inputs[1] : 0;
    switch (n.op) {
      case PlanOp::kAbs:
        if (inner(a, PlanOp::kSub)) {
          s.shape = FusedShape::kAbsSub;
          s.inner = a;
          s.x = plan.nodes[a].inputs[0];
          s.y = plan.nodes[a].inputs[1];
          absorbed[a] = 1;
        } else {
          s.shape = FusedShape::kAbs;
          s.x = a;
        }
        break;
      case PlanOp::kSub:
      case PlanOp::kMul:
        s.shape = n.op == PlanOp::kSub ? FusedShape::kSub : FusedShape::kMul;
        s.x = a;
        s.y = b;
        break;
      case PlanOp::kAdd:
        if (inner(b, PlanOp::kMul)) {
          s.shape = FusedShape::kAddMul;
          s.inner = b;
          s.x = a;
          s.y = plan.nodes[b].inputs[0];
          s.z = plan.nodes[b].inputs[1];
          absorbed[b] = 1;
        } else if (inner(a, PlanOp::kMul)) {
          s.shape = FusedShape::kMulAdd;
          s.inner = a;
          s.x = plan.nodes[a].inputs[0];
          s.y = plan.nodes[a].inputs[1];
          s.z = b;
          absorbed[a] = 1;
        } else {
          s.shape = FusedShape::kAdd;
          s.x = a;
          s.y = b;
        }
        break;
      default:
        return s;  // a leaf
    }
    absorbed[id] = 1;
    return s;
  };
  for (auto& stage : p->by_stage) {
    for (Instr& in : stage) {
      if (in.op != PlanOp::kLt && in.op != PlanOp::kLe && in.op != PlanOp::kGt && in.op != PlanOp::kGe)
        continue;
      const detail::FusedSide l = side(in.a), r = side(in.b);
      if (l.shape == detail::FusedShape::kLeaf && r.shape == detail::FusedShape::kLeaf) continue;
      in.fused = detail::FusedCompareFor(in.op, l.shape, r.shape);
      in.fused_sides = {{l, r}};
    }
  }
  for (auto& stage : p->by_stage)
    std::erase_if(stage, [&](const Instr& in) { return absorbed[in.node] != 0; });
}

// Running-sum point windows over the series' `value` (mean, sum, count, std, zscore) are one
// state per series and window for all the rules of an engine (streaming: every rule; batch: the
// rules it runs series by series). For such an instruction: its window's index in *windows (a
// kMean node of the window, added when new), with the SumsIndex slots it writes added to
// (*slots)[index]; in.shared and in.sums are set. -1, `in` unchanged, for any other instruction.
// Streaming: pairs each min point window of up to kExtremeDirectMax points with a max over the
// same input and window in the same stage (either order): the first instruction of the pair
// pushes one state for both (WindowState::PushMinMax; Instr::minmax_other), the second is
// removed. Its input is the first's, so computing it at the first's place changes no value.
void PairMinMax(const RulePlan& plan, std::vector<Instr>* stage) {
  auto pairable = [&](const Instr& in) {
    if (in.op != PlanOp::kWindow || in.shared >= 0 || in.other >= 0 || in.sums_group || in.time_bounded ||
        in.minmax_other >= 0)
      return false;
    const PlanNode& n = plan.nodes[in.node];
    return (n.window_fn == WindowFn::kMin || n.window_fn == WindowFn::kMax) && n.window.is_points &&
           n.window.points <= static_cast<int64_t>(detail::kExtremeDirectMax);
  };
  for (size_t i = 0; i < stage->size(); ++i) {
    if (!pairable((*stage)[i])) continue;
    for (size_t j = i + 1; j < stage->size(); ++j) {
      const Instr& a = (*stage)[i];
      const Instr& b = (*stage)[j];
      if (!pairable(b) || b.a != a.a || plan.nodes[b.node].window_fn == plan.nodes[a.node].window_fn ||
          plan.nodes[b.node].window.points != plan.nodes[a.node].window.points)
        continue;
      (*stage)[i].minmax_other = b.node;
      stage->erase(stage->begin() + static_cast<ptrdiff_t>(j));
      break;
    }
  }
}

int32_t ShareValueSumsWindow(const RulePlan& plan, Instr& in, std::vector<PlanNode>* windows,
                             std::vector<unsigned>* slots) {
  const PlanNode& n = plan.nodes[in.node];
  if (in.op != PlanOp::kWindow || !n.window.is_points || plan.nodes[in.a].op != PlanOp::kValue) return -1;
  const int slot = detail::WindowState::SumsIndex(n.window_fn);
  if (slot < 0) return -1;
  if (!in.sums_group) in.sums[slot] = in.node;
  size_t k = 0;
  while (k < windows->size() && !((*windows)[k].window == n.window)) ++k;
  if (k == windows->size()) {
    PlanNode w;
    w.op = PlanOp::kWindow;
    w.window_fn = WindowFn::kMean;
    w.window = n.window;
    windows->push_back(w);
    slots->push_back(0);
  }
  in.shared = static_cast<int32_t>(k);
  for (int j = 0; j < detail::WindowState::kSumsSlots; ++j)
    if (in.sums[j] >= 0) (*slots)[k] |= 1u << j;
  return in.shared;
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

// A number of an explanation term: JSON has no infinity, and nlohmann writes it as null, so a
// computed ±Inf (`x / (x - x)`, `(x - m) / mad(x, 30p)` over a flat window) read `"left": null`
// beside `"held": true`. Written as Prometheus writes it, "+Inf" / "-Inf"; NaN (missing) stays null.
Json TermNumber(double v) {
  if (std::isinf(v)) return Json(v > 0 ? "+Inf" : "-Inf");
  return Json(v);
}

// The explanation record and the alert itself, at the moment it starts firing. `source`: for a
// rule whose selector has `ignoring`, the labels of the input series whose point was evaluated
// last (series_labels are the merged series' identity): its ignored labels are recorded in the
// explanation (`ignored_labels`) and `{{label}}` in the template reads them; nullptr otherwise.
template <typename Get>
Alert MakeAlert(const RulePlan& plan, const std::string& metric, const Labels& series_labels, int64_t active_at,
                int64_t t, double value, const Labels* source, Get node_value) {
  Alert a;
  a.rule = plan.name;
  a.severity = plan.severity;
  a.labels = series_labels;
  // A rule label adds to the series' labels and does not override one the series has (RV7): the
  // alert is the series', and one value for all of them (`labels { gpu = "all" }` over per-GPU
  // series) gave every series' alert one fingerprint, a firing and a resolved alert under it
  // (Prometheus refuses such an evaluation). The compiler refuses it where the selector shows
  // the label is there; otherwise the alert says which rule label it did not apply.
  std::string conflict;
  for (const auto& [k, v] : plan.labels) {
    auto [it, added] = a.labels.try_emplace(k, v);
    if (added || it->second == v) continue;
    if (it->second.empty()) {
      it->second = v;
      continue;
    }
    conflict += (conflict.empty() ? "rule label " : "; rule label ") + k + "=\"" + v +
                "\" not applied: the series has its own " + k + "=\"" + it->second + "\"";
  }
  if (!conflict.empty())
    a.annotations["rule_label_conflict"] =
        conflict + " (one value for all the rule's series would give their alerts one fingerprint); rename the rule label";
  a.fingerprint = AlertFingerprint(plan.name, metric, a.labels);
  a.state = AlertState::kFiring;
  a.active_at_ms = active_at;
  a.starts_at_ms = t;
  a.value = std::isnan(value) ? 0 : value;
  // The value that made it fire, as Prometheus's $value: the left side of the condition's first
  // comparison that held (`rate(value, 5m) > 10` fires with the rate, not the counter); the
  // series' point when no comparison held or its left side is not a finite number (`stale_for`,
  // `absent`, `not (...)`).
  bool value_from_term = false;
  Json terms = Json::array();
  for (int32_t id : plan.explain_nodes) {
    const PlanNode& n = plan.nodes[id];
    Json term;
    term["expr"] = n.text;
    double v = node_value(id);
    if (n.type == ValueType::kBool) {
      term["held"] = Truthy(v);
      if (n.op >= PlanOp::kLt && n.op <= PlanOp::kNe) {
        const double left = node_value(n.inputs[0]);
        term["left"] = TermNumber(left);
        term["right"] = TermNumber(node_value(n.inputs[1]));
        if (!value_from_term && Truthy(v) && std::isfinite(left)) {
          a.value = left;
          value_from_term = true;
        }
      } else if (n.op == PlanOp::kAnyBits || n.op == PlanOp::kAllBits) {
        // The field read and the mask tested; a bit test that held gives the alert the field's
        // value (the reasons bitmask), as a comparison gives its left side.
        const double field = node_value(n.inputs[0]);
        term["value"] = TermNumber(field);
        term["mask"] = node_value(n.inputs[1]);
        if (!value_from_term && Truthy(v) && std::isfinite(field)) {
          a.value = field;
          value_from_term = true;
        }
      }
    } else {
      term["value"] = TermNumber(v);
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
  if (!plan.selector.ignoring.empty()) {
    Json ignored = Json::object();
    for (const std::string& l : plan.selector.ignoring) {
      auto it = source ? source->find(l) : series_labels.end();
      ignored[l] = source && it != source->end() ? it->second : std::string();
    }
    a.explanation["ignored_labels"] = std::move(ignored);
  }
  std::string summary;
  if (plan.explain_template.empty()) {
    summary = plan.name + ": `" + plan.nodes[plan.condition].text + "` held for " + series_id;
  } else {
    for (const auto& part : plan.explain_template) {
      switch (part.kind) {
        case TemplatePart::Kind::kText: summary += part.text; break;
        case TemplatePart::Kind::kLabel: {
          auto it = a.labels.find(part.text);
          if (it != a.labels.end()) {
            summary += it->second;
          } else if (auto src = source ? source->find(part.text) : a.labels.end(); source && src != source->end()) {
            summary += src->second;  // an ignored label, as the latest point's series had it
          } else {
            summary += "<" + part.text + " unset>";
          }
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
  // What Update reads and writes at every point first, in 40 bytes; the two alerts (248 bytes each)
  // last: a streaming tick touches every member's tracker, and with the alerts between these
  // fields each member cost one more cache line from memory once the members outgrew the cache
  // (PERF2, detectors/HISTORY.md).
  AlertState state = AlertState::kInactive;
  // A firing alert that a gap ended (EngineOptions::end_at_gap; Update's point came after one):
  // `gone`, resolved when the gap rule says the series went quiet. The caller reports it before
  // the point's own transition and clears the flag.
  bool gap_resolved = false;
  // The series' point before this one and the interval before that (the series' step), for the
  // gap rule in Update. Update keeps them; batch, which skips idle false points, sets them from the
  // series' timestamps first (SeePrevious).
  bool has_last = false, has_step = false;
  int64_t active_at = 0;
  int64_t last_true = 0;
  int64_t last_t = 0;
  uint64_t step = 0;
  Alert alert;  // valid while firing
  Alert gone;
  void SeePrevious(const std::vector<int64_t>& ts, size_t i) {
    has_last = i >= 1;
    if (has_last) last_t = ts[i - 1];
    has_step = i >= 2;
    if (has_step) step = detail::Elapsed(ts[i - 2], ts[i - 1]);
  }

  // How long a series goes without a point before it is stale (DET8): 5 of its steps (a scrape
  // that returns no sample makes Prometheus mark the series stale at once; 5 let a few late or
  // lost samples pass: 5 s for a 1 s recorder, 75 s at 15 s scrapes), at most the lookback
  // (Prometheus's 5 minutes for a series that ends without a staleness marker) and at least twice
  // its step (a coarse cadence such as `vigil serve --eval-interval 600` is no gap). Without a
  // step (after a series' first point) the lookback (RV5: it was UINT64_MAX, never stale, so
  // `for 5m` held from a first hot point across any gap). Before DET8: the larger of the lookback
  // and twice the step (a 1 s series was stale after 5 minutes only).
  static constexpr uint64_t kStaleSteps = 5;
  uint64_t Quiet(const RulePlan& plan) const {
    if (!has_step) return plan.lookback_ms < 0 ? UINT64_MAX : static_cast<uint64_t>(plan.lookback_ms);
    const uint64_t twice = step > UINT64_MAX / 2 ? UINT64_MAX : 2 * step;
    const uint64_t steps = step > UINT64_MAX / kStaleSteps ? UINT64_MAX : kStaleSteps * step;
    const uint64_t cap = plan.lookback_ms < 0 ? steps : std::min(steps, static_cast<uint64_t>(plan.lookback_ms));
    return std::max(twice, cap);
  }
  // A firing alert whose series is stale at `t` (no point since last_t for longer than Quiet) and
  // whose keep_firing_for has passed since its condition last held: the series' absence is a
  // condition that does not hold, as Prometheus treats a series gone stale.
  bool StaleAt(const RulePlan& plan, int64_t t) const {
    return state == AlertState::kFiring && has_last && t > last_t && detail::Elapsed(last_t, t) > Quiet(plan) &&
           detail::ElapsedAtLeast(last_true, t, plan.keep_firing_for_ms);
  }
  // Resolves a firing alert that StaleAt says is stale, into `gone`: it ends at the later of the
  // staleness (last_t + Quiet) and last_true + keep_firing_for (both before the `t` StaleAt was
  // asked of: no overflow), and says why (explanation `resolved_because` "stale", annotation
  // `resolved`). Prometheus resolves an alert whose series went stale once keep_firing_for has
  // passed (it counts keep_firing_for from its first evaluation without the series, so it ends up
  // to one staleness window later than this when the condition held at the last point).
  void EndStale(const RulePlan& plan) {
    const uint64_t quiet = Quiet(plan);
    const int64_t stale = static_cast<int64_t>(static_cast<uint64_t>(last_t) + quiet);
    const int64_t kept = static_cast<int64_t>(static_cast<uint64_t>(last_true) + static_cast<uint64_t>(plan.keep_firing_for_ms));
    state = AlertState::kInactive;
    alert.state = AlertState::kResolved;
    alert.ends_at_ms = std::max(stale, kept);
    alert.explanation["resolved_because"] = "stale";
    alert.explanation["stale_after_ms"] = static_cast<int64_t>(quiet);
    alert.explanation["last_point_ms"] = last_t;
    const std::string step_text = FormatDurationMs(static_cast<int64_t>(std::min<uint64_t>(step, INT64_MAX)));
    const bool by_steps = has_step && step <= UINT64_MAX / kStaleSteps && quiet == kStaleSteps * step;
    const std::string why = by_steps ? std::to_string(kStaleSteps) + " of its " + step_text + " steps"
                            : has_step && quiet == 2 * step ? "twice its " + step_text + " step"
                                                        : "the " + FormatDurationMs(plan.lookback_ms) + " lookback";
    alert.annotations["resolved"] = "stale: no point for more than " + FormatDurationMs(static_cast<int64_t>(quiet)) + " (" +
                                    why + ") after its last at " + FormatRfc3339Ms(last_t) +
                                    "; resolved once keep_firing_for " + FormatDurationMs(plan.keep_firing_for_ms) +
                                    " had passed since the condition last held (" + FormatRfc3339Ms(last_true) + ")";
    gone = std::move(alert);
    alert = Alert{};
    gap_resolved = true;
  }
  // The end of a batch input at `end_ms` (or a stream's clock): a firing alert whose series has
  // been stale since (it never came back) is resolved (EngineOptions::end_at_input_end).
  bool EndAtInputEnd(const RulePlan& plan, int64_t end_ms) {
    if (!StaleAt(plan, end_ms)) return false;
    EndStale(plan);
    return true;
  }

  // Returns the transition; `make(active_at, t, alert&)` fills the alert when it starts firing.
  // `end_at_gap`: a firing alert is resolved at a gap (EngineOptions::end_at_gap).
  template <typename Make>
  Event Update(const RulePlan& plan, int64_t t, bool cond, bool end_at_gap, Make make) {
    // A gap: no point for longer than Quiet (5 of the series' steps, at most the lookback, at least
    // twice the step: an exporter down, not a coarse cadence such as `vigil serve --eval-interval
    // 600`; DET8). A pending
    // alert restarts its `for` at the point after it: nothing said the condition held in between,
    // as Prometheus drops a pending alert whose series went stale.
    bool gap = false;
    if (has_last) {
      gap = detail::Elapsed(last_t, t) > Quiet(plan);
      // A firing alert ends at the gap once keep_firing_for has passed too (EndStale); within it
      // the series came back in time and the alert goes on, as in Prometheus.
      if (gap && end_at_gap && StaleAt(plan, t)) EndStale(plan);
    }
    if (has_last) {
      step = detail::Elapsed(last_t, t);
      has_step = true;
    }
    last_t = t;
    has_last = true;
    if (cond) {
      if (state == AlertState::kPending && gap) active_at = t;
      last_true = t;
      if (state == AlertState::kInactive) {
        state = AlertState::kPending;
        active_at = t;
      }
      if (state == AlertState::kPending && detail::ElapsedAtLeast(active_at, t, plan.for_ms)) {
        state = AlertState::kFiring;
        make(active_at, t, alert);
        return Event::kFiring;
      }
      return Event::kNone;
    }
    if (state == AlertState::kPending) {
      state = AlertState::kInactive;
    } else if (state == AlertState::kFiring && detail::ElapsedAtLeast(last_true, t, plan.keep_firing_for_ms)) {
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

// Tick-driven rules (stale_for / absent) run through this one class in both modes. A stale_for
// rule alerts per member (series or `ignoring` identity). An absent rule has one alert for the
// whole selection (nothing selected had a value for d: `whole_`) and one per member that had a
// value and then none for d (DET3: a dcgm-exporter dead on one node of 64 named no node), while
// some other member still reports: when the whole selection goes quiet at once, the selection's
// one alert says it (a member's alert already firing stays).
class TickRule {
 public:
  TickRule(const RulePlan& plan, std::vector<size_t> members) : plan_(plan), members_(std::move(members)) {
    state_.resize(members_.size());
    vals_.resize(plan_.nodes.size());
  }

  // One more member (streaming's AddSeries, before the first tick), in O(1) amortised: rebuilding
  // the rule for each new series copied every member and state before it, O(series^2) to add them.
  void AddMember(size_t member) {
    members_.push_back(member);
    state_.emplace_back();
  }

  // Drops the members whose series `gone` marks (RemoveSeries; `ignoring` rules are refused
  // there), keeping the others' order and state. An absent rule's selection-wide state stays: a
  // removed series' points already counted in it; its own alert goes with it.
  void RemoveMembers(const std::vector<uint8_t>& gone) {
    size_t w = 0;
    for (size_t k = 0; k < members_.size(); ++k) {
      if (members_[k] < gone.size() && gone[members_[k]]) continue;
      // Only a member after a removed one moves: `state_[k] = std::move(state_[k])` left the
      // firing alert's rule, labels and annotations empty (a self-move of its maps and strings).
      if (w != k) {
        members_[w] = members_[k];
        state_[w] = std::move(state_[k]);
      }
      ++w;
    }
    members_.resize(w);
    state_.resize(w);
  }

  struct MemberState {
    bool started = false;
    int64_t last_value_t = 0;  // last non-NaN point (or the first point)
    bool seen_value = false;   // some point had a value (not NaN): last_value_t is one
    const Labels* source = nullptr;  // merged series (`ignoring`): its latest point's input labels
    AlertTracker tracker;
  };

  // `value_at(series)` gives a pointer to the series' value at this tick, or nullptr;
  // `source_of(series)`, called right after a non-null value_at, the labels of the input series
  // that point came from when `series` is a merged one (`ignoring`), else nullptr.
  // `on_eval(member, condition, firing)` is told each evaluation; `on_event` each transition.
  template <typename ValueAt, typename SourceOf, typename OnEval, typename OnEvent>
  void OnTick(int64_t t, const std::vector<TimeSeriesRef>& infos, ValueAt value_at, SourceOf source_of,
              OnEval on_eval, OnEvent on_event) {
    if (!started_) {
      started_ = true;
      first_tick_ = t;
      last_seen_ = t;
    }
    for (size_t k = 0; k < members_.size(); ++k) {
      const double* v = value_at(members_[k]);
      MemberState& m = state_[k];
      if (plan_.absent_rule && v && !std::isnan(*v)) {
        last_seen_ = t;
        seen_any_ = true;
      }
      if (v && !m.started) {
        m.started = true;
        m.last_value_t = t;
      }
      if (v) m.source = source_of(members_[k]);
      if (v && !std::isnan(*v)) {
        m.last_value_t = t;
        m.seen_value = true;
      }
    }
    bool whole_quiet = false;
    if (plan_.absent_rule) whole_quiet = Evaluate(t, whole_, last_seen_, seen_any_, false, infos, SIZE_MAX, on_eval, on_event);
    for (size_t k = 0; k < members_.size(); ++k) {
      MemberState& m = state_[k];
      // An absent rule's member: only one that had a value (it stopped), and not while the whole
      // selection is quiet, unless its alert already fires (it stays until the member reports).
      if (!m.started || (plan_.absent_rule && !m.seen_value)) continue;
      Evaluate(t, m, m.last_value_t, m.seen_value, plan_.absent_rule && whole_quiet && !m.tracker.firing(), infos,
               members_[k], on_eval, on_event);
    }
  }

  const RulePlan& plan() const { return plan_; }
  const std::vector<size_t>& members() const { return members_; }
  std::vector<Alert> Active() const {
    std::vector<Alert> out;
    if (whole_.tracker.firing()) out.push_back(whole_.tracker.alert);
    for (const auto& s : state_)
      if (s.tracker.firing()) out.push_back(s.tracker.alert);
    return out;
  }

 private:
  // Evaluates member `m` (`series` SIZE_MAX: an absent rule's whole selection) at t, its last value
  // at `last`; `held_off`: its condition is false whatever it computes. Returns the condition.
  template <typename OnEval, typename OnEvent>
  bool Evaluate(int64_t t, MemberState& m, int64_t last, bool seen, bool held_off, const std::vector<TimeSeriesRef>& infos,
                size_t series, OnEval on_eval, OnEvent on_event) {
    for (size_t i = 0; i < plan_.nodes.size(); ++i) {
      const PlanNode& n = plan_.nodes[i];
      switch (n.op) {
        case PlanOp::kConst: vals_[i] = n.constant; break;
        case PlanOp::kStaleFor:
        case PlanOp::kAbsent: vals_[i] = detail::ElapsedAtLeast(last, t, n.duration_ms) ? 1.0 : 0.0; break;
        default:
          // The compiler gives tick rules only these, and/or/not and constants; a plan received as
          // data with a value or window node gets NaN there (it indexed inputs[0] of a kValue node).
          vals_[i] = n.inputs.empty() ? kNaN
                                      : ApplyOp(n.op, vals_[n.inputs[0]], n.inputs.size() > 1 ? vals_[n.inputs[1]] : 0.0, 0.0);
      }
    }
    const bool computed = Truthy(vals_[plan_.condition]);
    const bool cond = computed && !held_off;
    // The name and labels are read only when the alert starts firing (copying them at every
    // evaluation cost a label map per series and tick).
    // A stale_for / absent rule watches for missing data: a gap is what it alerts on, not an end.
    auto ev = m.tracker.Update(plan_, t, cond, /*end_at_gap=*/false, [&](int64_t active_at, int64_t now, Alert& a) {
      const auto value = [&](int32_t id) { return vals_[id]; };
      if (series == SIZE_MAX)
        a = MakeAlert(plan_, plan_.selector.metric, AbsentLabels(plan_.selector), active_at, now, kNaN, m.source, value);
      else
        a = MakeAlert(plan_, infos[series].name, *infos[series].labels, active_at, now, kNaN, m.source, value);
      // Never a value (a node that never reported, a series of NaN only): no time to name; the
      // absence is counted from `last`, the first evaluation (absent) or the series' first point.
      a.explanation["last_value_at"] = seen ? Json(FormatRfc3339Ms(last)) : Json(nullptr);
      if (!seen) a.explanation["no_value_since"] = FormatRfc3339Ms(last);
      // An absent rule's alert says whether it is the whole selection's or one series'.
      if (plan_.absent_rule) a.explanation["absent_of"] = series == SIZE_MAX ? "selection" : "series";
    });
    on_eval(series, t, cond, m.tracker.firing(), std::span<const double>(vals_));
    if (ev != AlertTracker::Event::kNone) on_event(m.tracker.alert);
    return computed;
  }

  const RulePlan& plan_;
  std::vector<size_t> members_;
  std::vector<MemberState> state_;
  MemberState whole_;  // absent: the whole selection's
  std::vector<double> vals_;
  bool started_ = false;
  int64_t first_tick_ = 0, last_seen_ = 0;
  bool seen_any_ = false;  // absent: some selected series had a value (last_seen_ is its time)
};

// ---------------------------------------------------------------------------------------------
// Batch mode. Each series runs in blocks of kBlock points: every instruction over one block
// before the next block, so the values a node writes are still in L1 when the next instruction
// reads them (whole-series columns are larger than L2 and would stream through memory once per
// node). Window states carry over from block to block, so the values are those of one pass over
// the series, bit for bit. Rules with aggregations (max_stage > 0) run stage by stage: each
// stage over every member (in blocks) before the next, since a peer's value at any time may be
// needed; only the nodes of the earlier stages keep whole-series columns (what an aggregation
// or a later stage reads), the nodes of the last stage live in the block buffers. A series
// whose values are all finite lends its value array to the `value` node (no copy).

// 512: 2.5% faster than 256 on the bench (fewer per-block set-ups and tail copies, more
// running-sum pieces per block to step together), 1024 no faster; a block's columns (4 KiB
// each) still sit in L1/L2.
constexpr size_t kBlock = 512;

// The running-sum point windows over `value` that rules evaluated series by series have in
// common (`std(value, 60p)` in three rules, `zscore(value, 60p)` in a fourth), for one series:
// one state per window, pushed once per block for all the rules, with the values of every
// function some rule reads (the same state and kernel as a rule's own window: the same doubles).
class SharedValueSums {
 public:
  // One entry per window: its node (ShareValueSumsWindow) and the WindowState::SumsIndex slots read
  // (bit k = slot k).
  void Reset(const std::vector<std::pair<const PlanNode*, unsigned>>& windows) {
    states_.clear();
    wanted_.clear();
    for (const auto& [node, slots] : windows) {
      states_.emplace_back(*node);
      wanted_.push_back(slots);
    }
    out_.resize(states_.size() * detail::WindowState::kSumsSlots * kBlock);
  }
  size_t size() const { return states_.size(); }
  // Pushes the block's values x[0..nb) (CleanValue'd) through every window.
  void Push(const double* x, size_t nb) {
    for (size_t k = 0; k < states_.size(); ++k) {
      double* outs[detail::WindowState::kSumsSlots];
      for (int j = 0; j < detail::WindowState::kSumsSlots; ++j) outs[j] = wanted_[k] >> j & 1 ? Out(k, j) : nullptr;
      states_[k].PushSumsColumn(nullptr, x, outs, nb, 0);  // point windows: no timestamps or seq
    }
  }
  // Window k's values of slot j for the block last pushed.
  double* Out(size_t k, int j) {
    return out_.data() + (k * detail::WindowState::kSumsSlots + static_cast<size_t>(j)) * kBlock;
  }

 private:
  std::vector<detail::WindowState> states_;
  std::vector<unsigned> wanted_;
  std::vector<double> out_;
};

// True when no value is NaN or +-Inf: v * 0 is +-0 for finite v and NaN otherwise, and a sum
// with a NaN stays NaN (two lanes at a time).
bool AllFinite(const std::vector<double>& v) {
  const double* p = v.data();
  const size_t n = v.size();
  size_t i = 0;
  double acc = 0;
#if defined(__SSE2__)
  __m128d acc2 = _mm_setzero_pd();
  const __m128d zero = _mm_setzero_pd();
  for (; i + 2 <= n; i += 2) acc2 = _mm_add_pd(acc2, _mm_mul_pd(_mm_loadu_pd(p + i), zero));
  acc = _mm_cvtsd_f64(acc2) + _mm_cvtsd_f64(_mm_unpackhi_pd(acc2, acc2));
#endif
  for (; i < n; ++i) acc += p[i] * 0.0;
  return !std::isnan(acc);
}

#if defined(VIGIL_HAVE_AVX2_KERNELS)
// OrTruthy for AVX2, sixteen points a step: the compare masks (all ones per double) are packed
// to one byte per double (two packs give two equal bytes per double, the shuffle and the
// unpack keep one of each, in point order), then 1 or 0. The rest as OrTruthy.
VIGIL_AVX2 void OrTruthyAvx2(const double* cond, uint8_t* flags, size_t n) {
  const __m256d half = _mm256_set1_pd(0.5);
  const __m256i even = _mm256_setr_epi8(0, 2, 4, 6, 8, 10, 12, 14, -1, -1, -1, -1, -1, -1, -1, -1, 0, 2, 4, 6, 8,
                                        10, 12, 14, -1, -1, -1, -1, -1, -1, -1, -1);
  const __m128i one = _mm_set1_epi8(1);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256i g[4];
    for (int k = 0; k < 4; ++k)
      g[k] = _mm256_castpd_si256(_mm256_cmp_pd(_mm256_loadu_pd(cond + i + 4 * k), half, _CMP_GT_OQ));
    // Lane l of the 32-bit packs holds doubles 2l, 2l+1 of each input (two 16-bit words each).
    const __m256i p01 = _mm256_packs_epi32(g[0], g[1]), p23 = _mm256_packs_epi32(g[2], g[3]);
    const __m256i b = _mm256_shuffle_epi8(_mm256_packs_epi16(p01, p23), even);
    // Lane 0: points 0 1 4 5 8 9 12 13, lane 1: 2 3 6 7 10 11 14 15 (bytes); interleaved by pairs.
    const __m128i m = _mm_unpacklo_epi16(_mm256_castsi256_si128(b), _mm256_extracti128_si256(b, 1));
    __m128i* f = reinterpret_cast<__m128i*>(flags + i);
    _mm_storeu_si128(f, _mm_or_si128(_mm_loadu_si128(f), _mm_and_si128(m, one)));
  }
  for (; i < n; ++i) flags[i] |= Truthy(cond[i]) ? 1 : 0;
}
#endif

// flags[i] |= Truthy(cond[i]) for n points; SSE2 compares four at a time (AVX2: sixteen).
void OrTruthy(const double* cond, uint8_t* flags, size_t n) {
#if defined(VIGIL_HAVE_AVX2_KERNELS)
  if (detail::UseAvx2()) return OrTruthyAvx2(cond, flags, n);
#endif
  size_t i = 0;
#if defined(__SSE2__)
  // kSpread[m] has byte j = bit j of m (little-endian), so four compare bits become four flags.
  static constexpr uint32_t kSpread[16] = {
      0x00000000, 0x00000001, 0x00000100, 0x00000101, 0x00010000, 0x00010001, 0x00010100, 0x00010101,
      0x01000000, 0x01000001, 0x01000100, 0x01000101, 0x01010000, 0x01010001, 0x01010100, 0x01010101};
  const __m128d half = _mm_set1_pd(0.5);
  for (; i + 4 <= n; i += 4) {
    const int m = _mm_movemask_pd(_mm_cmpgt_pd(_mm_loadu_pd(cond + i), half)) |
                  _mm_movemask_pd(_mm_cmpgt_pd(_mm_loadu_pd(cond + i + 2), half)) << 2;
    uint32_t w;
    std::memcpy(&w, flags + i, sizeof(w));
    w |= kSpread[m];
    std::memcpy(flags + i, &w, sizeof(w));
  }
#endif
  for (; i < n; ++i) flags[i] |= Truthy(cond[i]) ? 1 : 0;
}

// A series merged from input series that differ only in a rule's `ignoring` labels
// (MergeByIdentity): where each of its points came from, for the template labels and for the
// flags, which go back to the input points.
struct MergedSeries {
  std::vector<uint32_t> src;        // per point: the input series it was taken from
  std::vector<uint32_t> src_point;  // per point: its index in that series
  // Points of other input series at a timestamp already taken (the first input series wins):
  // {merged point, input series, input point}. Not evaluated; flagged with the merged point.
  std::vector<std::array<uint32_t, 3>> dropped;
  size_t first = 0;  // the lowest input series index merged (traces name the merged series by it)
};

// Merges the input series `members` (increasing indices) by identity, their labels minus
// `ignoring`: one series per identity, in the order of its first member, with every timestamp
// of its members once. At a timestamp two members share, the member given first (the lower
// input index) is taken and the others' points are dropped (MergedSeries::dropped): never two
// points at one time, so no window counts a reading twice. Each member is strictly increasing,
// so the merge is too (interleaved timestamps from two members are put in order). Appends to
// *out / *info and returns the merged series' indices, counting the inputs first (n_in + k).
std::vector<size_t> MergeByIdentity(std::span<const TimeSeries> series, const std::vector<size_t>& members,
                                    const std::vector<std::string>& ignoring, std::vector<TimeSeries>* out,
                                    std::vector<MergedSeries>* info) {
  std::map<std::string, size_t> by_id;  // identity -> index into *out
  const size_t base = out->size();      // groups[k] is (*out)[base + k]
  std::vector<std::pair<size_t, std::vector<size_t>>> groups;  // (index into *out, members)
  for (size_t si : members) {
    Labels l = series[si].labels;
    for (const std::string& x : ignoring) l.erase(x);
    std::string id = FormatSeriesId(series[si].name, l);
    auto [it, fresh] = by_id.emplace(std::move(id), out->size());
    if (fresh) {
      TimeSeries ts;
      ts.name = series[si].name;
      ts.labels = std::move(l);
      out->push_back(std::move(ts));
      info->emplace_back();
      info->back().first = si;
      groups.push_back({it->second, {}});
    }
    groups[it->second - base].second.push_back(si);  // (a scan of every group was quadratic)
  }
  std::vector<size_t> result;
  std::vector<std::array<int64_t, 3>> points;  // {t, input series, point}
  for (const auto& [k, group] : groups) {
    TimeSeries& ts = (*out)[k];
    MergedSeries& mi = (*info)[k];
    points.clear();
    for (size_t si : group)
      for (size_t p = 0; p < series[si].size(); ++p)
        points.push_back({series[si].timestamps_ms[p], static_cast<int64_t>(si), static_cast<int64_t>(p)});
    if (group.size() > 1) std::sort(points.begin(), points.end());  // by time, then input order
    ts.timestamps_ms.reserve(points.size());
    ts.values.reserve(points.size());
    for (const auto& [t, si, p] : points) {
      if (!ts.timestamps_ms.empty() && ts.timestamps_ms.back() == t) {
        mi.dropped.push_back({static_cast<uint32_t>(ts.size() - 1), static_cast<uint32_t>(si), static_cast<uint32_t>(p)});
        continue;
      }
      ts.timestamps_ms.push_back(t);
      ts.values.push_back(series[static_cast<size_t>(si)].values[static_cast<size_t>(p)]);
      mi.src.push_back(static_cast<uint32_t>(si));
      mi.src_point.push_back(static_cast<uint32_t>(p));
    }
    result.push_back(series.size() + k);
  }
  std::sort(result.begin(), result.end());
  return result;
}

class BatchRule {
 public:
  BatchRule(const RulePlan& plan, const std::vector<const TimeSeries*>& series, std::vector<size_t> members,
            const EngineOptions& options, std::vector<double>* scratch, const std::vector<uint8_t>* finite)
      : scratch_(scratch),
        finite_(finite),
        plan_(plan),
        series_(series),
        members_(std::move(members)),
        options_(options),
        prog_(CompileProgram(plan)) {
    FuseCompares(plan_, &prog_);
    const size_t nn = plan_.nodes.size();
    if (scratch_->size() < nn * kBlock) scratch_->resize(nn * kBlock);
    // Constants in columns of their own (the block buffers are shared with other rules, which
    // run between this rule's blocks when rules run series by series).
    full_slot_.assign(nn, -1);  // no whole-series columns until Run decides them
    const_col_.assign(nn, -1);
    for (int32_t id : prog_.consts) {
      const_col_[id] = static_cast<int32_t>(consts_.size() / kBlock);
      consts_.resize(consts_.size() + kBlock, plan_.nodes[id].constant);
    }
  }

  // Traces and the evaluation count go to *sink (EvaluateBatch keeps one per rule and joins
  // them in rule order), alerts to *alerts with this rule's index in *alert_rules (EvaluateBatch
  // orders them by time, fingerprint and rule); flags to the result's flags.
  void SetSink(BatchResult* sink, std::vector<Alert>* alerts, std::vector<uint32_t>* alert_rules) {
    sink_ = sink;
    alerts_ = alerts;
    alert_rules_ = alert_rules;
  }
  void PushAlert(const Alert& a) const {
    alerts_->push_back(a);
    alert_rules_->push_back(static_cast<uint32_t>(rule_index_));
  }

  Status Run(BatchResult* out) {
    const size_t nn = plan_.nodes.size();
    // Whole-series columns: every computed node of a stage before the last, and what an
    // aggregation reads (a constant too: `count by (job) (1)`).
    std::vector<int32_t> full_slot(nn, -1);
    std::vector<int32_t> const_full;
    size_t nfull = 0;
    int32_t value_full = -1;  // the `value` node, when it has a column: the last slot, below
    for (size_t i = 0; i < nn; ++i) {
      const PlanNode& node = plan_.nodes[i];
      bool full = node.stage < plan_.max_stage && node.op != PlanOp::kConst;
      for (const PlanNode& reader : plan_.nodes)
        full |= reader.op == PlanOp::kAggregate && !reader.inputs.empty() && reader.inputs[0] == static_cast<int32_t>(i);
      if (!full) continue;
      if (node.op == PlanOp::kValue) {
        value_full = static_cast<int32_t>(i);
        continue;
      }
      full_slot[i] = static_cast<int32_t>(nfull++);
      if (node.op == PlanOp::kConst) const_full.push_back(static_cast<int32_t>(i));
    }
    // The `value` column is the last one, so a member that lends its input (Lends: all values
    // finite, read in place) does not allocate it.
    if (value_full >= 0) full_slot[value_full] = static_cast<int32_t>(nfull++);
    full_.assign(nfull ? members_.size() : 0, {});
    full_slot_ = std::move(full_slot);
    std::vector<StateSet> states(members_.size());
    std::vector<double*> col(nn);
    std::vector<const double*> aggs;  // per instruction of the stage: its aggregation's values for the member
    for (int stage = 0; stage <= plan_.max_stage; ++stage) {
      const std::vector<Instr>& instrs = prog_.by_stage[stage];
      const bool last = stage == plan_.max_stage;
      for (size_t m = 0; m < members_.size(); ++m) {
        const size_t n = S(m).size();
        if (stage == 0) {
          states[m] = prog_.fresh;
          if (nfull) full_[m].resize((nfull - (value_full >= 0 && Lends(m) ? 1 : 0)) * n);
          for (int32_t id : const_full)  // no instruction writes constants
            std::fill_n(full_[m].begin() + static_cast<ptrdiff_t>(full_slot_[id] * n), n,
                        plan_.nodes[id].constant);
        }
        aggs.assign(instrs.size(), nullptr);
        for (size_t k = 0; k < instrs.size(); ++k)
          if (instrs[k].op == PlanOp::kAggregate)
            aggs[k] = plan_.nodes[instrs[k].node].peer_metric.empty() ? GroupValues(instrs[k], m) : PeerValues(instrs[k], m);
        std::optional<SeriesFinish> fin;
        if (last) fin.emplace(*this, m);
        const bool lend = Lends(m);
        bool failed = false;  // this stage of this member stopped at a window limit
        for (size_t base = 0; base < n && !failed; base += kBlock) {
          size_t nb = std::min(kBlock, n - base);
          for (size_t i = 0; i < nn; ++i) col[i] = BlockColumn(m, static_cast<int32_t>(i), base);
          for (size_t k = 0; k < instrs.size(); ++k)  // an aggregation without a column of its own: read in place
            if (aggs[k] && full_slot_[instrs[k].node] < 0) col[instrs[k].node] = const_cast<double*>(aggs[k]) + base;
          for (size_t k = 0; k < instrs.size(); ++k) {
            if (lend && instrs[k].op == PlanOp::kValue) continue;  // col points at the input
            RETURN_IF_ERROR(ExecOrNote(instrs[k], col.data(), states[m], m, base, &nb, aggs[k], stage, &failed));
          }
          if (last && !failed) fin->Block(col.data(), base, nb, out);
        }
        // A member that stopped at a limit still runs its later stages (up to their own first
        // failure): one of those may fail at an earlier time, and that is the error streaming
        // reports. Its columns past the failure are not computed; what reads them is past the
        // failure's time too, so it cannot produce an earlier error.
        if (last) {
          if (!failed) fin->Done();
          states[m] = StateSet{};  // a member's states are done after its last stage
        }
      }
    }
    full_.clear();
    agg_values_.clear();
    built_.clear();
    return Status::Ok();
  }

  size_t rule_index_ = 0;
  int64_t end_ms_ = INT64_MIN;  // the input's newest point (EngineOptions::end_at_gap at its end)

  // ---- Series by series: rules without aggregations (max_stage 0) run one series at a time,
  // all of them block by block (EvaluateBatch), so the running-sum windows of `value` they
  // have in common are computed once per series (SharedValueSums). The same instructions
  // and states as Run, so the same values.

  // Marks the running-sum point windows over `value` as shared (ShareValueSumsWindow: the
  // windows and the slots read in *windows and *slots). Call once, before the first BeginSeries.
  void ShareValueSums(std::vector<PlanNode>* windows, std::vector<unsigned>* slots) {
    for (Instr& in : prog_.by_stage[0]) {
      const int32_t k = ShareValueSumsWindow(plan_, in, windows, slots);
      if (k >= 0 && std::find(shared_.begin(), shared_.end(), k) == shared_.end()) shared_.push_back(k);
    }
  }
  // The shared windows this rule reads (indices into ShareValueSums' *windows).
  const std::vector<int32_t>& shared_windows() const { return shared_; }

  // Starts series si (series are visited in increasing order): false when the rule does not
  // select it.
  bool BeginSeries(size_t si) {
    while (cursor_ < members_.size() && members_[cursor_] < si) ++cursor_;
    if (cursor_ == members_.size() || members_[cursor_] != si) return false;
    series_state_ = prog_.fresh;
    fin_.emplace(*this, cursor_);
    series_ready_ = false;
    series_failed_ = false;
    return true;
  }
  // Points [base, base + nb) of the current series; lane[w] is shared window w's lane in
  // `shared`, which holds the values of this block.
  Status SeriesBlock(SharedValueSums& shared, const std::vector<int32_t>& lane, size_t base, size_t nb,
                     BatchResult* out) {
    const size_t m = cursor_;
    double** col = col_.data();
    if (!series_ready_) {  // the series' first block: where each node lives, what runs
      const size_t nn = plan_.nodes.size();
      col_.resize(nn);
      col = col_.data();
      for (size_t i = 0; i < nn; ++i) col[i] = BlockColumn(m, static_cast<int32_t>(i), base);
      const bool lend = Lends(m);
      lent_value_ = -1;
      run_.clear();
      for (const Instr& in : prog_.by_stage[0]) {
        if (in.shared >= 0) {
          for (int j = 0; j < detail::WindowState::kSumsSlots; ++j)
            if (in.sums[j] >= 0) col[in.sums[j]] = shared.Out(static_cast<size_t>(lane[in.shared]), j);
        } else if (lend && in.op == PlanOp::kValue) {
          lent_value_ = in.node;  // read in place
        } else {
          run_.push_back(&in);
        }
      }
      series_ready_ = true;
    } else if (lent_value_ >= 0) {  // the only column that moves: the rest are block buffers
      col[lent_value_] = const_cast<double*>(S(m).values.data()) + base;
    }
    if (series_failed_) return Status::Ok();  // stopped at a window limit in an earlier block
    for (const Instr* in : run_)
      RETURN_IF_ERROR(ExecOrNote(*in, col, series_state_, m, base, &nb, nullptr, 0, &series_failed_));
    if (!series_failed_) fin_->Block(col, base, nb, out);
    return Status::Ok();
  }
  void EndSeries() {
    if (!series_failed_) fin_->Done();
    fin_.reset();
    series_state_ = StateSet{};
  }

  // The first run-time error of this rule (a time window or an offset over max_window_points)
  // in the order streaming meets them: by time, then stage, then member (series order: streaming
  // appends the points of one timestamp in that order in the tests), then instruction. Batch
  // keeps evaluating after an error (each member and stage up to its own first one) to find it.
  struct Failure {
    int64_t t;
    int stage;
    size_t member;
    Status status;
  };
  const std::optional<Failure>& failure() const { return failure_; }

 private:
  const TimeSeries& S(size_t m) const { return *series_[members_[m]]; }

 public:
  // The merged series (`ignoring`), numbered after the n_in inputs. Call before Run/BeginSeries.
  void SetMerged(const std::vector<MergedSeries>* merged, size_t n_in) {
    merged_ = merged;
    n_in_ = n_in;
  }
  // For a merged series si: the labels of the input series its point i came from; else nullptr.
  const Labels* SourceLabels(size_t si, size_t i) const {
    if (si < n_in_ || !merged_) return nullptr;
    return &series_[(*merged_)[si - n_in_].src[i]]->labels;
  }
  // The series index traces report: the input itself, or a merged series' first input.
  size_t TraceIndex(size_t si) const { return si < n_in_ || !merged_ ? si : (*merged_)[si - n_in_].first; }

 private:
  const std::vector<MergedSeries>* merged_ = nullptr;
  size_t n_in_ = SIZE_MAX;

  // True when member m's `value` nodes read the series' values in place (all finite, so
  // CleanValue would copy them unchanged).
  bool Lends(size_t m) const { return (*finite_)[members_[m]] != 0; }

  // Node `id`'s whole-series column for member m (the series' values for a lending `value`
  // node), or nullptr when the node lives in the block buffers.
  double* Column(size_t m, int32_t id) {
    if (plan_.nodes[id].op == PlanOp::kValue && Lends(m)) return const_cast<double*>(S(m).values.data());
    const int32_t slot = full_slot_[id];
    return slot < 0 ? nullptr : full_[m].data() + static_cast<size_t>(slot) * S(m).size();
  }

  // Where node `id`'s values for the block at `base` of member m live: its whole-series column,
  // its constant column, or the shared block buffer.
  double* BlockColumn(size_t m, int32_t id, size_t base) {
    if (double* c = Column(m, id)) return c + base;
    if (const_col_[id] >= 0) return consts_.data() + static_cast<size_t>(const_col_[id]) * kBlock;
    return scratch_->data() + static_cast<size_t>(id) * kBlock;
  }

  // Aggregation `in`'s values for member m at its own timestamps. At time t an aggregation
  // depends only on the group and t, not on which member asks, so it is computed once per
  // distinct timestamp of the group (the union of its members' timestamps: peers of a job
  // usually report at the same times) and written to the column of every member with a point
  // at t. Built for the whole group on its first member's use, kept until the end of Run (one
  // allocation per aggregation: member m's column at offset first point of m).
  const double* GroupValues(const Instr& in, size_t m) {
    const std::vector<size_t>& group = Group(plan_.nodes[in.node], m);
    std::vector<double>& values = agg_values_[in.node];
    if (values.empty()) {
      agg_offset_.assign(members_.size() + 1, 0);
      for (size_t q = 0; q < members_.size(); ++q) agg_offset_[q + 1] = agg_offset_[q] + S(q).size();
      values.resize(agg_offset_.back());
    }
    if (built_.insert({&group, in.node}).second) MergeGroup(in, group, values.data());
    return values.data() + agg_offset_[m];
  }
  // A peer term's values for member m at its own timestamps (core/rule_plan.h): at each point's
  // time t, the aggregation of the latest value (at or before t, not older than the lookback, NaN
  // left out) of each input series named node.peer_metric whose `by` labels equal m's, in series
  // order (as streaming visits them). Per member, not per group: the peers' cursors only move
  // forward over m's increasing timestamps, O(points of m x peers + points of the peers).
  const double* PeerValues(const Instr& in, size_t m) {
    const PlanNode& node = plan_.nodes[in.node];
    std::vector<double>& values = agg_values_[in.node];
    if (values.empty()) {
      agg_offset_.assign(members_.size() + 1, 0);
      for (size_t q = 0; q < members_.size(); ++q) agg_offset_[q + 1] = agg_offset_[q] + S(q).size();
      values.resize(agg_offset_.back());
    }
    const std::vector<size_t>& peers = PeerGroup(node, m);
    std::vector<size_t> at(peers.size(), 0);
    const TimeSeries& s = S(m);
    double* out = values.data() + agg_offset_[m];
    for (size_t i = 0; i < s.size(); ++i) {
      const int64_t t = s.timestamps_ms[i];
      agg_vals_.clear();
      for (size_t q = 0; q < peers.size(); ++q) {
        const TimeSeries& p = *series_[peers[q]];
        size_t& j = at[q];
        while (j < p.size() && p.timestamps_ms[j] <= t) ++j;
        if (j == 0 || detail::ElapsedOver(p.timestamps_ms[j - 1], t, plan_.lookback_ms)) continue;
        const double v = CleanValue(p.values[j - 1]);
        if (!std::isnan(v)) agg_vals_.push_back(v);
      }
      out[i] = detail::Aggregate(node.agg_fn, node.constant, agg_vals_);
    }
    return out;
  }
  // The input series (not merged ones) named node.peer_metric whose `by` labels equal member m's.
  const std::vector<size_t>& PeerGroup(const PlanNode& node, size_t m) {
    std::string cache_key = node.peer_metric + "|";
    for (const auto& b : node.by) cache_key += b + ",";
    auto [it, fresh] = peer_groups_.try_emplace(cache_key);
    if (fresh) {
      const size_t n_in = std::min(n_in_, series_.size());
      for (size_t q = 0; q < n_in; ++q)
        if (series_[q]->name == node.peer_metric) it->second[GroupKey(node.by, series_[q]->labels)].push_back(q);
    }
    static const std::vector<size_t> kNone;
    auto g = it->second.find(GroupKey(node.by, S(m).labels));
    return g == it->second.end() ? kNone : g->second;
  }
  // The aggregation `in` of the group at each distinct timestamp of its members, written to
  // each member's column (`values` at agg_offset_): MergeAny's steps.
  void MergeGroup(const Instr& in, const std::vector<size_t>& group, double* values) {
    const PlanNode& node = plan_.nodes[in.node];
    std::vector<MergePeer> merge;  // the peers with points (an empty series has no timestamps)
    for (size_t q : group) {
      const ptrdiff_t n = static_cast<ptrdiff_t>(S(q).size());
      if (n > 0) merge.push_back({S(q).timestamps_ms.data(), n, Column(q, in.a), values + agg_offset_[q]});
    }
    const MergeArgs args{node.agg_fn, node.constant, plan_.lookback_ms};
    // Groups of up to eight peers (ranks of a node, a job's few workers) take a copy with the
    // peer count fixed: the per-peer cursors live in registers and the peer loops unroll. The
    // same steps in the same order as the general loop, so the same values.
    switch (merge.size()) {
      case 0: return;
      case 1: return MergeFixed<1>(args, merge.data());
      case 2: return MergeFixed<2>(args, merge.data());
      case 3: return MergeFixed<3>(args, merge.data());
      case 4: return MergeFixed<4>(args, merge.data());
      case 5: return MergeFixed<5>(args, merge.data());
      case 6: return MergeFixed<6>(args, merge.data());
      case 7: return MergeFixed<7>(args, merge.data());
      case 8: return MergeFixed<8>(args, merge.data());
      default: return MergeAny(args, merge);
    }
  }
  struct MergePeer {
    const int64_t* t;
    ptrdiff_t n;
    const double* v;
    double* out;
  };
  struct MergeArgs {
    AggFn fn;
    double quantile;
    int64_t lookback;
  };
  static constexpr int64_t kMergeEnd = std::numeric_limits<int64_t>::max();
  // One timestamp of the merge for peer q (MergeGroup): moves its cursor past `next` when it
  // has a point there, gathers its latest value into vals[*k] (counted when not NaN and not
  // older than the lookback) and returns where the aggregate goes (its point at `next`, or
  // *spare).
  [[gnu::always_inline]] static double* MergeStep(const MergePeer& p, int64_t next, int64_t lookback,
                                                  ptrdiff_t* at, int64_t* head, size_t* live, double* vals,
                                                  size_t* k, double* spare) {
    const bool here = *at < p.n && *head == next;
    const ptrdiff_t j = *at + (here ? 1 : 0);  // points at or before next
    *at = j;
    *head = j < p.n ? p.t[std::min(j, p.n - 1)] : kMergeEnd;
    *live += j < p.n ? 1 : 0;
    const ptrdiff_t latest = j > 0 ? j - 1 : 0;
    const double v = p.v[latest];
    vals[*k] = v;
    *k += j > 0 && !detail::ElapsedOver(p.t[latest], next, lookback) && !std::isnan(v) ? 1 : 0;
    return here ? p.out + latest : spare;
  }
  template <size_t kNp>
  static void MergeFixed(const MergeArgs& args, const MergePeer* peers) {
    MergePeer merge[kNp];
    ptrdiff_t at[kNp];
    int64_t head[kNp];
    double* dst[kNp];
    // One spare value: GCC (-Warray-bounds, -O2) cannot see that Aggregate reads only vals[0..k).
    double vals[kNp + 1];
    for (size_t q = 0; q < kNp; ++q) {
      merge[q] = peers[q];
      at[q] = 0;
      head[q] = merge[q].t[0];
    }
    double spare;
    for (size_t live = kNp; live > 0;) {
      int64_t next = kMergeEnd;
#pragma GCC unroll 8
      for (size_t q = 0; q < kNp; ++q) next = std::min(next, head[q]);
      live = 0;
      size_t k = 0;
#pragma GCC unroll 8
      for (size_t q = 0; q < kNp; ++q)
        dst[q] = MergeStep(merge[q], next, args.lookback, &at[q], &head[q], &live, vals, &k, &spare);
      const double agg = detail::Aggregate(args.fn, args.quantile, vals, k);
#pragma GCC unroll 8
      for (size_t q = 0; q < kNp; ++q) *dst[q] = agg;
    }
  }
  // Merges the group's timestamps, each distinct one once, without branches on the data (which
  // peers have the next timestamp is as good as random when their clocks differ): head[q] is
  // peer q's next timestamp, kMergeEnd once it has none; at[q] its points at or before the
  // current time. At each time the aggregation takes each peer's latest value (skipping NaN and
  // values older than the lookback, peers in group order as streaming gathers them) and is
  // written to the members whose point it is.
  void MergeAny(const MergeArgs& args, const std::vector<MergePeer>& merge) {
    const size_t np = merge.size();
    std::vector<ptrdiff_t> at(np, 0);
    std::vector<int64_t> head(np);
    std::vector<double*> dst(np);
    for (size_t q = 0; q < np; ++q) head[q] = merge[q].t[0];
    agg_vals_.resize(np);
    double* vals = agg_vals_.data();
    double spare;  // where peers without a point at the current time write
    // (A peer may have a point at kMergeEnd itself: `live` counts the peers not done, so that
    // point is merged too.)
    for (size_t live = np; live > 0;) {
      int64_t next = kMergeEnd;
      for (size_t q = 0; q < np; ++q) next = std::min(next, head[q]);
      live = 0;
      size_t k = 0;
      for (size_t q = 0; q < np; ++q)
        dst[q] = MergeStep(merge[q], next, args.lookback, &at[q], &head[q], &live, vals, &k, &spare);
      const double agg = detail::Aggregate(args.fn, args.quantile, vals, k);
      for (size_t q = 0; q < np; ++q) *dst[q] = agg;
    }
  }

  // Exec over points [base, base + *nb) of member m. A window limit error is noted (failure_)
  // instead of returned, *nb becomes the failing point's index (the instructions after this one
  // run over the points before it only: at that point streaming stops at this instruction) and
  // *failed is set. Other errors are returned.
  Status ExecOrNote(const Instr& in, double* const* col, StateSet& st, size_t m, size_t base, size_t* nb,
                    const double* agg, int stage, bool* failed) {
    size_t fail_at = SIZE_MAX;
    Status s = Exec(in, col, st, m, base, *nb, agg, &fail_at);
    if (s.ok() || fail_at == SIZE_MAX) return s;
    const int64_t t = S(m).timestamps_ms[base + fail_at];
    if (!failure_ || std::tie(t, stage, m) < std::tie(failure_->t, failure_->stage, failure_->member))
      failure_ = Failure{t, stage, m, std::move(s)};
    *nb = fail_at;
    *failed = true;
    return Status::Ok();
  }

  // Runs one instruction over points [base, base + nb) of member m; col[node] points at the
  // node's values for those points. `agg`: an aggregation's values for member m from its first
  // point on (GroupValues), nullptr for other instructions. When a time window or offset goes over
  // max_window_points, returns the OutOfRange error streaming gives at the same point (the
  // first one over the limit, with the entries held there) and sets *fail_at to that point's
  // index in the block; the instruction's values from that point on are not computed. Other
  // errors leave *fail_at alone.
  Status Exec(const Instr& in, double* const* col, StateSet& st, size_t m, size_t base, size_t nb,
              const double* agg, size_t* fail_at) {
    const TimeSeries& ts = S(m);
    double* out = col[in.node];
    const double* a = col[in.a];
    const double* b = col[in.b];
    const double* c = col[in.c];
    const int64_t* t = ts.timestamps_ms.data() + base;
    const int64_t seq0 = static_cast<int64_t>(base);
    const size_t limit = static_cast<size_t>(std::max<int64_t>(options_.limits.max_window_points, 0));
    // Entries held grow by at most one per point: a block that starts with `held` entries
    // cannot go over the limit when held + nb <= limit (always, in practice). Otherwise the
    // block runs point by point to find the first point over it, as streaming does.
    auto over_limit = [&](size_t i, size_t held) {
      *fail_at = i;
      return WindowOverflow(plan_, plan_.nodes[in.node], ts.id(), held, options_.limits);
    };
    switch (in.op) {
      case PlanOp::kValue: {
        const double* x = ts.values.data() + base;
        for (size_t i = 0; i < nb; ++i) out[i] = CleanValue(x[i]);
        return Status::Ok();
      }
      case PlanOp::kWindow: {
        detail::WindowState& w = st.windows[in.state];
        auto push = [&](size_t i, size_t k) {  // points [i, i + k) of the block
          const int64_t s0 = seq0 + static_cast<int64_t>(i);
          if (in.other >= 0) {  // a median/mad pair: one sorted window, both columns
            const bool is_median = plan_.nodes[in.node].window_fn == WindowFn::kMedian;
            double* med = is_median ? out : col[in.other];
            double* mad = is_median ? col[in.other] : out;
            w.PushMedianMadColumn(t + i, a + i, med + i, mad + i, k, s0);
          } else if (in.sums_group) {
            double* outs[detail::WindowState::kSumsSlots];
            for (int j = 0; j < detail::WindowState::kSumsSlots; ++j)
              outs[j] = in.sums[j] >= 0 ? col[in.sums[j]] + i : nullptr;
            w.PushSumsColumn(t + i, a + i, outs, k, s0);
          } else {
            w.PushColumn(t + i, a + i, out + i, k, s0);
          }
        };
        if (!in.time_bounded || w.held() + nb <= limit) {
          push(0, nb);
          return Status::Ok();
        }
        for (size_t i = 0; i < nb; ++i) {
          push(i, 1);
          if (w.held() > limit) return over_limit(i, w.held());
        }
        return Status::Ok();
      }
      case PlanOp::kEwma: {
        st.ewmas[in.state].PushColumn(a, out, nb);
        return Status::Ok();
      }
      case PlanOp::kLag: {
        st.lags[in.state].PushColumn(a, out, nb);
        return Status::Ok();
      }
      case PlanOp::kOffset: {
        detail::OffsetState& o = st.offsets[in.state];
        if (o.held() + nb <= limit) {
          o.PushColumn(t, a, out, nb);
          return Status::Ok();
        }
        for (size_t i = 0; i < nb; ++i) {
          out[i] = o.Push(t[i], a[i]);
          if (o.held() > limit) return over_limit(i, o.held());
        }
        return Status::Ok();
      }
      case PlanOp::kAggregate: {  // computed by GroupValues; Run reads it in place unless the node has a column
        if (out != agg + base) std::copy(agg + base, agg + base + nb, out);
        return Status::Ok();
      }
#define VIGIL_KERNEL(OP)                                                             \
  case PlanOp::OP:                                                                   \
    for (size_t i = 0; i < nb; ++i) out[i] = ApplyOp(PlanOp::OP, a[i], b[i], c[i]); \
    return Status::Ok();
        VIGIL_STATELESS_OPS(VIGIL_KERNEL)
#undef VIGIL_KERNEL
#define VIGIL_CMP_KERNEL(OP)                                                         \
  case PlanOp::OP:                                                                   \
    if (in.fused.column) {                                                           \
      in.fused.column(col, in.fused_sides, out, nb);                                 \
      return Status::Ok();                                                           \
    }                                                                                \
    for (size_t i = 0; i < nb; ++i) out[i] = ApplyOp(PlanOp::OP, a[i], b[i], c[i]); \
    return Status::Ok();
        VIGIL_CMP_KERNEL(kLt) VIGIL_CMP_KERNEL(kLe) VIGIL_CMP_KERNEL(kGt) VIGIL_CMP_KERNEL(kGe)
#undef VIGIL_CMP_KERNEL
      case PlanOp::kConst:
      case PlanOp::kStaleFor:
      case PlanOp::kAbsent: return InternalError("unexpected plan op in a batch instruction");
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

  // The alert life cycle, flags and trace of one member, fed its condition block by block.
  class SeriesFinish {
   public:
    SeriesFinish(const BatchRule& r, size_t m)
        : r_(r),
          ts_(r.S(m)),
          si_(r.members_[m]),
          keep_(r.options_.keep_traces || r.options_.trace_nodes),
          flags_only_(!keep_ && !r.options_.build_alerts && r.plan_.for_ms <= 0 && r.plan_.keep_firing_for_ms <= 0) {
      trace_.rule = r.rule_index_;
      trace_.series = r.TraceIndex(si_);
      if (keep_) {
        trace_.timestamps_ms = ts_.timestamps_ms;
        trace_.condition.resize(ts_.size());
        trace_.firing.resize(ts_.size());
      }
      if (r.options_.trace_nodes) trace_.node_values.assign(r.plan_.nodes.size(), std::vector<double>(ts_.size()));
    }

    void Block(double* const* col, size_t base, size_t nb, BatchResult* out) {
      const RulePlan& plan = r_.plan_;
      const double* cond = col[plan.condition];
      uint8_t* flags = out->flags[si_].data() + base;
      if (flags_only_) {  // without `for` / `keep_firing_for` an alert fires exactly while it holds
        OrTruthy(cond, flags, nb);
        return;
      }
      const int64_t* t = ts_.timestamps_ms.data() + base;
      // The tracker in a local for the loop: the flag stores (uint8_t, which may alias anything)
      // would otherwise make the compiler reload it from memory at every point.
      AlertTracker tracker = std::move(tracker_);
      const bool skip_idle = !keep_;  // no trace to write: an idle tracker with a false condition is a no-op
      for (size_t i = 0; i < nb; ++i) {
        if (skip_idle && tracker.state == AlertState::kInactive) {
          // Inactive and false: nothing changes and the flag stays as it is; find the next
          // true condition four points a step.
          const size_t from = i;
          while (i + 4 <= nb && !(Truthy(cond[i]) | Truthy(cond[i + 1]) | Truthy(cond[i + 2]) | Truthy(cond[i + 3])))
            i += 4;
          while (i < nb && !Truthy(cond[i])) ++i;
          if (i == nb) {
            tracker.SeePrevious(ts_.timestamps_ms, base + nb);  // the skipped points, for the next block
            break;
          }
          if (i != from) tracker.SeePrevious(ts_.timestamps_ms, base + i);  // idle points skipped did not reach Update
        }
        const bool hold = Truthy(cond[i]);
        auto ev = tracker.Update(plan, t[i], hold, r_.options_.end_at_gap, [&](int64_t active_at, int64_t now, Alert& a) {
          if (!r_.options_.build_alerts) return;
          a = MakeAlert(plan, ts_.name, ts_.labels, active_at, now, CleanValue(ts_.values[base + i]),
                        r_.SourceLabels(si_, base + i),
                        [&](int32_t id) { return col[id][i]; });
        });
        if (tracker.gap_resolved) [[unlikely]] {
          tracker.gap_resolved = false;
          if (r_.options_.build_alerts) r_.PushAlert(tracker.gone);
        }
        if (ev == AlertTracker::Event::kResolved && r_.options_.build_alerts)
          r_.PushAlert(tracker.alert);
        const bool firing = tracker.firing();
        if (keep_) {
          trace_.condition[base + i] = hold;
          trace_.firing[base + i] = firing;
        }
        flags[i] |= firing;
      }
      tracker_ = std::move(tracker);
      if (r_.options_.trace_nodes)
        for (size_t id = 0; id < plan.nodes.size(); ++id)
          std::copy(col[id], col[id] + nb, trace_.node_values[id].begin() + static_cast<ptrdiff_t>(base));
    }

    void Done() {
      BatchResult* sink = r_.sink_;
      // A series that never came back: its alert ends as at a gap, when the input goes on past
      // the gap rule's quiet time (the newest point of any series).
      if (r_.options_.end_at_gap && r_.options_.end_at_input_end && tracker_.EndAtInputEnd(r_.plan_, r_.end_ms_) && r_.options_.build_alerts)
        r_.PushAlert(tracker_.gone);
      if (tracker_.firing() && r_.options_.build_alerts) r_.PushAlert(tracker_.alert);
      sink->evaluations += ts_.size();
      if (keep_) sink->traces.push_back(std::move(trace_));
    }

   private:
    const BatchRule& r_;
    const TimeSeries& ts_;
    const size_t si_;
    const bool keep_;
    const bool flags_only_;  // no alerts or traces wanted and no durations: flag = condition
    AlertTracker tracker_;
    RuleSeriesTrace trace_;
  };

  std::vector<double>* scratch_;  // not owned; block buffers reused across rules
  BatchResult* sink_ = nullptr;   // not owned; this rule's traces and evaluations
  std::vector<Alert>* alerts_ = nullptr;          // not owned; every rule's alerts
  std::vector<uint32_t>* alert_rules_ = nullptr;  // not owned; per alert: its rule's index
  std::vector<double> consts_;    // one block column per constant node
  std::vector<int32_t> const_col_;  // per node: its column in consts_, or -1
  // Series by series (BeginSeries .. EndSeries): the current member, its states and finish.
  size_t cursor_ = 0;
  StateSet series_state_;
  std::optional<SeriesFinish> fin_;
  std::vector<double*> col_;            // per node: its values for the current block
  bool series_ready_ = false;            // col_ and run_ are set for the current series
  bool series_failed_ = false;           // the current series stopped at a window limit
  std::optional<Failure> failure_;
  int32_t lent_value_ = -1;              // the `value` node when it reads the input in place
  std::vector<const Instr*> run_;        // the instructions that run (not shared, not lent)
  std::vector<int32_t> shared_;  // shared windows read (ShareValueSums)
  const std::vector<uint8_t>* finite_;     // not owned; per input series: all values finite
  std::vector<int32_t> full_slot_;         // per node: its whole-series column, or -1
  std::vector<std::vector<double>> full_;  // per member: the whole-series columns
  std::vector<double> agg_vals_;           // MergeGroup: the peers' values at one time
  std::map<int32_t, std::vector<double>> agg_values_;  // per aggregation node: every member's values
  std::vector<size_t> agg_offset_;  // per member: its first point in agg_values_ columns
  std::set<std::pair<const std::vector<size_t>*, int32_t>> built_;    // (group, node) merged
  const RulePlan& plan_;
  const std::vector<const TimeSeries*>& series_;  // the inputs, then the merged series
  std::vector<size_t> members_;
  const EngineOptions& options_;
  std::map<std::string, std::map<std::string, std::vector<size_t>>> groups_;
  std::map<std::string, std::map<std::string, std::vector<size_t>>> peer_groups_;  // PeerGroup's, by metric and labels
  Program prog_;
};

// The error of a rule selecting more than max_series_per_rule series, `id` the first series
// beyond the limit (in the order series are given to batch / added to streaming): the same
// message in both modes.
Status TooManySeries(const RulePlan& plan, const std::string& id, const RuleLimits& limits) {
  return OutOfRangeError("rule " + plan.name + " selects more than " + std::to_string(limits.max_series_per_rule) +
                         " series (max_series_per_rule), the first beyond the limit being " + id +
                         "; narrow its selector");
}

// The series `plan` selects, in order. More than the limit is not an error here: the caller
// compares rules by where they cross it (the position of the first series beyond it).
std::vector<size_t> SelectSeries(const RulePlan& plan, size_t count,
                                 const std::function<const std::string&(size_t)>& name,
                                 const std::function<const Labels&(size_t)>& labels) {
  SelectorMatcher matcher(plan.selector);
  std::vector<size_t> out;
  for (size_t i = 0; i < count; ++i)
    if (matcher.Matches(name(i), labels(i))) out.push_back(i);
  return out;
}

// Every distinct timestamp of `series`, ascending (batch's ticks for tick-driven rules). Each
// series' timestamps are strictly increasing (TimeSeries::Validate), so they are merged pairwise,
// not sorted: O(points log series), O(points) when series share their timestamps (a fleet's
// scrape times; a series equal to the one before it is skipped). PERF1: sorting every point's
// timestamp took 0.3 s of a stale_for rule's 0.32 s over a fleet of 12,000 series.
std::vector<int64_t> DistinctTicks(std::span<const TimeSeries> series) {
  std::vector<std::span<const int64_t>> runs;
  for (const auto& s : series) {
    const std::vector<int64_t>& t = s.timestamps_ms;
    if (!t.empty() && (runs.empty() || !std::ranges::equal(runs.back(), t))) runs.emplace_back(t);
  }
  std::vector<std::vector<int64_t>> level;  // the merged runs `runs` points into
  while (runs.size() > 1) {
    std::vector<std::vector<int64_t>> next((runs.size() + 1) / 2);
    for (size_t i = 0; i + 1 < runs.size(); i += 2) {
      std::vector<int64_t>& m = next[i / 2];
      m.resize(runs[i].size() + runs[i + 1].size());
      // set_union of two strictly increasing runs: each shared timestamp once.
      m.erase(std::set_union(runs[i].begin(), runs[i].end(), runs[i + 1].begin(), runs[i + 1].end(), m.begin()),
              m.end());
    }
    if (runs.size() % 2) next.back().assign(runs.back().begin(), runs.back().end());
    level = std::move(next);
    runs.assign(level.begin(), level.end());
  }
  if (!level.empty()) return std::move(level[0]);
  return runs.empty() ? std::vector<int64_t>{} : std::vector<int64_t>(runs[0].begin(), runs[0].end());
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
  std::vector<double> scratch;  // batch block buffers, reused by every rule
  // Series whose values are all finite. Set just before the series-by-series pass reads each
  // series (its values are then in cache for the rules), or before the other rules run when
  // no rule runs series by series.
  std::vector<uint8_t> finite(series.size());  // (sized for the merged series too, below)
  // Each rule's alerts, traces and evaluation count, joined in rule order at the end (rules
  // without aggregations run series by series, the others rule by rule).
  std::vector<BatchResult> parts(rules.rules.size());
  std::vector<uint32_t> alert_rules;  // per alert of out.alerts: its rule's index
  std::vector<std::vector<size_t>> selected(rules.rules.size());
  // A rule over max_series_per_rule: the one whose limit the earliest series crosses, ties in
  // file order, which is the rule streaming's AddSeries rejects first when the series are added
  // in this order.
  const size_t max_series = static_cast<size_t>(std::max<int64_t>(options.limits.max_series_per_rule, 0));
  size_t over_rule = SIZE_MAX, over_at = SIZE_MAX;
  for (size_t r = 0; r < rules.rules.size(); ++r) {
    selected[r] = SelectSeries(rules.rules[r], series.size(), name, labels);
    if (selected[r].size() > max_series && selected[r][max_series] < over_at)
      over_rule = r, over_at = selected[r][max_series];
  }
  if (over_rule != SIZE_MAX) return TooManySeries(rules.rules[over_rule], series[over_at].id(), options.limits);
  // Rules whose selector has `ignoring`: their series merged by identity (MergeByIdentity), the
  // merged series numbered after the inputs in `all`; rules with the same selection and
  // `ignoring` share them. Other rules read the inputs in place.
  const size_t n_in = series.size();
  std::vector<TimeSeries> merged;
  std::vector<MergedSeries> merged_info;
  {
    std::map<std::pair<std::vector<size_t>, std::vector<std::string>>, std::vector<size_t>> done;
    for (size_t r = 0; r < rules.rules.size(); ++r) {
      const std::vector<std::string>& ignoring = rules.rules[r].selector.ignoring;
      if (ignoring.empty()) continue;
      auto key = std::make_pair(selected[r], ignoring);
      auto it = done.find(key);
      if (it == done.end())
        it = done.emplace(std::move(key), MergeByIdentity(series, selected[r], ignoring, &merged, &merged_info)).first;
      selected[r] = it->second;
    }
  }
  std::vector<const TimeSeries*> all(n_in + merged.size());
  for (size_t i = 0; i < n_in; ++i) all[i] = &series[i];
  for (size_t k = 0; k < merged.size(); ++k) all[n_in + k] = &merged[k];
  if (!merged.empty()) {
    out.flags.resize(all.size());
    for (size_t k = 0; k < merged.size(); ++k) out.flags[n_in + k].assign(merged[k].size(), 0);
  }
  // Rules without aggregations: series by series, every rule over a block before the next
  // block, with the running-sum point windows of `value` shared (computed once per series and
  // window for all of them: SharedValueSums).
  int64_t end_ms = INT64_MIN;  // the input's newest point: where a series that never came back went quiet
  for (const auto& s : series)
    if (!s.timestamps_ms.empty()) end_ms = std::max(end_ms, s.timestamps_ms.back());
  std::vector<std::unique_ptr<BatchRule>> by_series;
  std::vector<PlanNode> shared_windows;
  std::vector<unsigned> shared_slots;
  for (size_t r = 0; r < rules.rules.size(); ++r) {
    const RulePlan& plan = rules.rules[r];
    if (plan.tick_driven || plan.max_stage > 0) continue;
    by_series.push_back(std::make_unique<BatchRule>(plan, all, selected[r], options, &scratch, &finite));
    by_series.back()->rule_index_ = r;
    by_series.back()->end_ms_ = end_ms;
    by_series.back()->SetMerged(&merged_info, n_in);
    by_series.back()->SetSink(&parts[r], &out.alerts, &alert_rules);
    by_series.back()->ShareValueSums(&shared_windows, &shared_slots);
  }
  finite.resize(all.size());
  if (by_series.empty())
    for (size_t i = 0; i < all.size(); ++i) finite[i] = AllFinite(all[i]->values);
  if (!by_series.empty()) {
    SharedValueSums sums;
    std::vector<BatchRule*> active;
    std::vector<int32_t> lane(shared_windows.size());
    std::vector<std::pair<const PlanNode*, unsigned>> lanes;
    std::vector<double> clean(kBlock);
    for (size_t si = 0; si < all.size(); ++si) {
      finite[si] = AllFinite(all[si]->values);
      active.clear();
      std::fill(lane.begin(), lane.end(), -1);
      lanes.clear();
      for (auto& br : by_series) {
        if (!br->BeginSeries(si)) continue;
        active.push_back(br.get());
        for (int32_t w : br->shared_windows()) {
          if (lane[w] >= 0) continue;
          lane[w] = static_cast<int32_t>(lanes.size());
          lanes.emplace_back(&shared_windows[w], shared_slots[w]);
        }
      }
      if (active.empty()) continue;
      sums.Reset(lanes);
      const TimeSeries& ts = *all[si];
      const size_t n = ts.size();
      for (size_t base = 0; base < n; base += kBlock) {
        const size_t nb = std::min(kBlock, n - base);
        if (sums.size() > 0) {
          const double* x = ts.values.data() + base;
          if (!finite[si]) {
            for (size_t i = 0; i < nb; ++i) clean[i] = CleanValue(x[i]);
            x = clean.data();
          }
          sums.Push(x, nb);
        }
        for (BatchRule* br : active) RETURN_IF_ERROR(br->SeriesBlock(sums, lane, base, nb, &out));
      }
      for (BatchRule* br : active) br->EndSeries();
    }
  }
  // Run-time errors (window limits): each rule's first, in streaming's order (BatchRule::Failure);
  // the one reported is the earliest in time, ties in rule (file) order, as streaming reports it.
  std::vector<std::optional<BatchRule::Failure>> failures(rules.rules.size());
  for (auto& br : by_series) failures[br->rule_index_] = br->failure();
  for (size_t r = 0; r < rules.rules.size(); ++r) {
    const RulePlan& plan = rules.rules[r];
    std::vector<size_t>& members = selected[r];
    BatchResult& part = parts[r];
    if (!plan.tick_driven && plan.max_stage == 0) continue;  // done above
    if (!plan.tick_driven) {
      BatchRule br(plan, all, std::move(members), options, &scratch, &finite);
      br.rule_index_ = r;
      br.end_ms_ = end_ms;
      br.SetMerged(&merged_info, n_in);
      br.SetSink(&part, &out.alerts, &alert_rules);
      RETURN_IF_ERROR(br.Run(&out));
      failures[r] = br.failure();
      continue;
    }
    if (ticks.empty()) ticks = DistinctTicks(series);
    std::vector<TimeSeriesRef> infos;
    for (const TimeSeries* s : all) infos.push_back({s->name, &s->labels});
    TickRule tr(plan, members);
    std::vector<size_t> pos(all.size(), 0);
    std::map<size_t, RuleSeriesTrace> traces;
    for (int64_t t : ticks) {
      auto value_at = [&](size_t si) -> const double* {
        const TimeSeries& s = *all[si];
        size_t& p = pos[si];
        while (p < s.size() && s.timestamps_ms[p] < t) ++p;
        return p < s.size() && s.timestamps_ms[p] == t ? &s.values[p] : nullptr;
      };
      auto source_of = [&](size_t si) -> const Labels* {  // after value_at(si) found a point
        return si < n_in ? nullptr : &series[merged_info[si - n_in].src[pos[si]]].labels;
      };
      auto on_eval = [&](size_t si, int64_t tt, bool cond, bool firing, std::span<const double> vals) {
        ++part.evaluations;
        if (si != SIZE_MAX && firing) {
          const TimeSeries& s = *all[si];
          size_t p = pos[si];
          if (p < s.size() && s.timestamps_ms[p] == tt) out.flags[si][p] = 1;
        }
        if (!options.keep_traces && !options.trace_nodes) return;
        RuleSeriesTrace& tr2 = traces[si];
        tr2.rule = r;
        tr2.series = si == SIZE_MAX || si < n_in ? si : merged_info[si - n_in].first;
        tr2.timestamps_ms.push_back(tt);
        tr2.condition.push_back(cond);
        tr2.firing.push_back(firing);
        if (options.trace_nodes) {
          tr2.node_values.resize(vals.size());
          for (size_t k = 0; k < vals.size(); ++k) tr2.node_values[k].push_back(vals[k]);
        }
      };
      auto on_event = [&](const Alert& a) {
        if (a.state == AlertState::kResolved) {
          out.alerts.push_back(a);
          alert_rules.push_back(static_cast<uint32_t>(r));
        }
      };
      tr.OnTick(t, infos, value_at, source_of, on_eval, on_event);
    }
    for (auto& a : tr.Active()) {
      out.alerts.push_back(std::move(a));
      alert_rules.push_back(static_cast<uint32_t>(r));
    }
    for (auto& [si, t] : traces) part.traces.push_back(std::move(t));
  }
  const std::optional<BatchRule::Failure>* first = nullptr;
  for (const auto& f : failures)
    if (f && (!first || f->t < (*first)->t)) first = &f;
  if (first) return (*first)->status;
  // A merged series' flags go back to the input points it was made of (a dropped point of a
  // shared timestamp gets the flag of the point taken there).
  for (size_t k = 0; k < merged.size(); ++k) {
    const std::vector<uint8_t>& f = out.flags[n_in + k];
    const MergedSeries& mi = merged_info[k];
    for (size_t p = 0; p < f.size(); ++p)
      if (f[p]) out.flags[mi.src[p]][mi.src_point[p]] = 1;
    for (const auto& [p, si, q] : mi.dropped)
      if (f[p]) out.flags[si][q] = 1;
  }
  out.flags.resize(n_in);
  for (BatchResult& part : parts) {
    out.traces.insert(out.traces.end(), std::make_move_iterator(part.traces.begin()),
                      std::make_move_iterator(part.traces.end()));
    out.evaluations += part.evaluations;
  }
  // Alerts by start time, then fingerprint; ties (one rule and series) in rule order, then in
  // the order each rule found them (series, then time), as when rules ran one after another.
  // Sorted as indices, then moved once (an Alert is large: moving it is what sorting cost).
  std::vector<uint32_t> order(out.alerts.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t i, uint32_t j) {
    const Alert& a = out.alerts[i];
    const Alert& b = out.alerts[j];
    if (a.starts_at_ms != b.starts_at_ms) return a.starts_at_ms < b.starts_at_ms;
    if (a.fingerprint != b.fingerprint) return a.fingerprint < b.fingerprint;
    return alert_rules[i] < alert_rules[j];
  });
  std::vector<Alert> sorted;
  sorted.reserve(order.size());
  for (uint32_t i : order) sorted.push_back(std::move(out.alerts[i]));
  out.alerts = std::move(sorted);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Streaming mode.

struct StreamingEngine::Impl {
  // A running-sum point window over a series' value (mean, sum, count, std, zscore of `value`
  // over the same number of points), shared by all rules that use it: pushed once per point by
  // the first rule evaluated, its five values kept for the others. Values are those of separate
  // states (the same pushes in the same order), so batch, which does not share across rules,
  // agrees bit for bit.
  struct SharedSums {
    detail::WindowState state;
    int64_t seq = -1;  // the point last pushed
    double out[detail::WindowState::kSumsSlots] = {};
  };
  // Series and members are laid out for CloseTick's passes over every point of a tick (PERF2,
  // detectors/HISTORY.md): what Append / CloseTick read per point first, in one aligned cache line
  // (a series) or two adjacent ones (a member: its `tracker` begins with its hot 40 bytes); names,
  // labels, window states and alerts after. Past the cache (~10^5 series) each line is a read from
  // memory per point and tick.
  struct alignas(64) SeriesState {
    int64_t last_t = 0;      // the latest appended point's time, when has_point
    bool has_point = false;  // (INT64_MIN is a valid first timestamp)
    bool removed = false;    // RemoveSeries: a slot that takes no more points
    int64_t seq = 0;  // points appended so far (Append counts; pending_seq has each point's index)
    double last_value = kNaN;         // the latest appended point's value (peer terms read it)
    std::vector<SharedSums> shared;  // per shared_windows entry
    std::string name;
    Labels labels;
    std::string id;
  };
  struct alignas(64) Member {  // one (rule, series)
    size_t series;
    std::vector<double> vals;  // per node: its value at the member's latest point
    int64_t last_t = 0;     // the member's latest evaluated time, when `reported`
    bool reported = false;  // (a flag, not a sentinel time: INT64_MIN is a valid timestamp)
    // A rule with `ignoring`: the member is an identity (Rule::ids), `series` its first input;
    // seq counts the identity's points evaluated (its series' seq counts only that series').
    int32_t identity = -1;
    AlertTracker tracker;
    StateSet states;
    int64_t seq = 0;
    uint64_t at_tick = 0;   // CloseTick's tick_serial when it last had a point
    size_t active_pos = 0;  // its index in active_scratch at that tick
  };
  // A rule with `ignoring`: one identity per label set minus the ignored labels, the inputs with
  // that identity merged into it (EvaluateBatch's MergeByIdentity, point by point).
  struct Identity {
    std::string name;
    Labels labels;  // the input's labels minus the ignored ones (the alerts' labels)
    std::string id;
    size_t first;  // the lowest live input series with this identity (traces name it)
    size_t source = SIZE_MAX;  // tick-driven rules: the input of the latest point taken...
    // ...and its labels (a copy: SeriesState moves when series are added), on the heap: TickRule
    // keeps a pointer to them from the identity's last point, and `ids` grows (moving every
    // identity) when a new identity comes after data (review RV-OD3: the pointer into the old
    // storage was read when the alert fired, a use after free).
    std::unique_ptr<Labels> source_labels = std::make_unique<Labels>();
    // Its live input series, ascending (RemoveSeries re-points `first` to the lowest that remains;
    // an identity whose last input goes is removed).
    std::vector<size_t> inputs = {};
    // The input that made it (its lowest input ever: later inputs have higher indices). Identities
    // are in this order in batch (MergeByIdentity), so aggregation groups visit them in it.
    size_t origin = SIZE_MAX;
  };
  struct Rule {
    const RulePlan* plan;
    SelectorMatcher matcher;
    std::vector<Member> members;
    Program prog;
    std::unique_ptr<TickRule> tick;
    std::vector<size_t> tick_members;
    int32_t value_node = -1;  // the `value` node, written before stage 0 (it has no instruction)
    // Per aggregation node: each member's group (an index into agg_cache[node]), and per group
    // its value at the tick its `tick` field names (CloseTick's tick_serial). An aggregation's
    // value depends only on the group and the time (every member of a group has the same peers,
    // in the same order), so a tick computes it once per group, not once per member.
    std::vector<std::vector<int32_t>> group_of;
    struct AggValue {
      uint64_t tick = 0;  // CloseTick's tick_serial when computed
      double value = 0;
    };
    std::vector<std::vector<AggValue>> agg_cache;
    // Per aggregation node, per group: its members' indices (in series order, an identity by its
    // origin: batch's peer order, which member order is not after a RemoveSeries; Rebuild), shared
    // by the group (a copy per member held O(group^2) indices: 10^8 for one job of 10,000 ranks).
    std::vector<std::vector<std::vector<int32_t>>> group_members = {};
    // Per peer term (a kAggregate node with peer_metric), per group: the series named its metric
    // whose `by` labels are the group's, ascending (batch's order). Built by Rebuild with the
    // groups; a series of a peer metric added or removed marks the groups stale.
    std::vector<std::vector<std::vector<size_t>>> peer_series = {};
    std::vector<std::string> peer_metrics = {};  // the metrics its peer terms read
    // Set by AddSeries: group_of / group_members miss the new members until the next tick of
    // the rule rebuilds them (Rebuild at every AddSeries made declaring N series O(N^2)).
    bool groups_stale = false;
    // `ignoring`: the identities (members of a rule that is not tick-driven, tick members
    // otherwise), by id; infos for TickRule; how many input series the rule selects.
    bool merge = false;
    std::vector<Identity> ids = {};
    std::map<std::string, int32_t> id_index = {};
    std::vector<TimeSeriesRef> id_infos = {};
    size_t n_series = 0;
    // A tick-driven rule with `ignoring`, during CloseMergedTick: per identity, the index in
    // `pending` of its point at this tick (-1: none) and whether it was firing after it.
    std::vector<int32_t> id_point = {};
    std::vector<uint8_t> id_firing = {};
    // Some instruction can fail at run time (a time window or offset over max_window_points).
    bool prog_may_fail = false;    // EngineOptions::end_at_input_end in streaming (DET8): the members whose alert fired (indices;
    // entries no longer firing are dropped by SweepStale), rebuilt from `members` after a
    // RemoveSeries moved them (firing_dirty).
    std::vector<uint32_t> firing = {};
    bool firing_dirty = false;
  };

  CompiledRules rules;
  EngineOptions options;
  Callbacks cb;
  std::vector<SeriesState> series;
  std::map<std::string, size_t> series_by_id;
  std::vector<Rule> rt;
  bool have_tick = false;
  bool any_tick = false;  // some rule is tick-driven (stale_for / absent)
  // Set by a window-limit error: every later Append / Flush returns it (the failing tick is not
  // evaluated again; ticks before it were evaluated and reported).
  Status stopped;
  // Set while CloseTick runs: its callbacks (on_point / on_alert / on_trace) run then, and a call
  // from one of them that changes the engine is refused (review RV-FZ: RemoveSeries from on_alert
  // moved the rule's last member into a removed one's place under the tick's ActivePoint pointers,
  // and the next member evaluated was a destroyed one).
  bool closing = false;
  int64_t tick = 0;
  std::vector<std::pair<size_t, double>> pending;  // points at `tick`
  std::vector<int64_t> pending_seq;  // per pending point: its index in its series (Append counts)
  // Per series: its point's index in `pending` during CloseTick's tick-driven rules, -1 when it
  // has none at this tick (a series has at most one point per tick). Without it each member
  // searched `pending`: O(series x points at the tick) per tick, the warm-up's cost quadratic.
  std::vector<int32_t> pending_pos;
  // Per series: the rules evaluated at points (not tick-driven) that select it, extended by
  // CloseTick to the series added since (a series joins rules only at AddSeries); per rule, its
  // points' indices in `pending` at this tick. One pass over `pending` gives each rule its points
  // (PERF1: each rule scanned every pending point, 11 % of a whole file's streaming profile).
  // Series si's rules are point_rules[point_rules_at[si] .. point_rules_at[si + 1]) (one array,
  // appended to: a vector per series was one more cache line from memory per point, PERF2).
  std::vector<uint32_t> point_rules;
  std::vector<size_t> point_rules_at = {0};
  std::vector<std::vector<uint32_t>> rule_points;
  std::vector<TimeSeriesRef> infos;
  std::vector<uint8_t> flag_scratch;
  std::vector<PlanNode> shared_windows;  // the windows of SharedSums (a kMean node of each spec)
  std::vector<unsigned> shared_slots;    // per shared window: bit k set when some rule reads slot k
  std::vector<double> agg_scratch;                          // CloseTick: peer values
  // CloseTick: one rule's members with a point at this tick, in pending (append) order.
  struct ActivePoint {
    Member* mem;
    int64_t seq;  // the point's index in its series
    double x;     // its value as appended
    size_t k;     // its index in `pending`
    SharedSums* shared;  // its series' shared windows
    // The member's values and window states, loaded once per tick and rule rather than at each
    // instruction (two dependent loads each, on lines other series' points have evicted).
    double* v;
    detail::WindowState* windows;
  };
  std::vector<ActivePoint> active_scratch;
  // CloseTick, a rule with `ignoring`: the points of an identity at this tick other than the one
  // evaluated (index in `pending`, the evaluated one's index in active_scratch); they take its flag.
  std::vector<std::pair<size_t, size_t>> merged_scratch;
  static constexpr size_t kTickChunk = 128;  // members per pass of a stage's instructions (CloseTick)
  static constexpr size_t kAhead = 8;  // CloseTick: members asked from memory this many points early
  // A member's first two cache lines (Member: what CloseTick reads per point).
  static void PrefetchLines(const Member* m) {
    __builtin_prefetch(m);
    __builtin_prefetch(reinterpret_cast<const char*>(m) + 64);
  }
  // ExecActive over a chunk's members, one window instruction (PERF3): each member's window state
  // asked for kWindowAhead members before its push (the lines PrefetchNext names: they are known
  // only from the state's own fields, so those are asked for twice as early). Past the cache a
  // push otherwise waited for its state, its ring's front entry and each step of its sorted
  // array's binary search, one miss after another.
  static constexpr size_t kWindowAhead = 4;
  // time_window: the state's step reads fewer of its lines (WindowState::PrefetchObject, PERF4).
  [[gnu::always_inline]] static void PrefetchWindowsFirst(const ActivePoint* act, size_t n, int32_t state,
                                                          bool time_window) {
    if (n > kWindowAhead)
      for (size_t j = 0; j < std::min(n, 2 * kWindowAhead); ++j) act[j].windows[state].PrefetchObject(time_window);
  }
  [[gnu::always_inline]] static void PrefetchWindowsAhead(const ActivePoint* act, size_t j, size_t n, int32_t state,
                                                          bool time_window) {
    if (j + 2 * kWindowAhead < n) act[j + 2 * kWindowAhead].windows[state].PrefetchObject(time_window);
    if (j + kWindowAhead < n) act[j + kWindowAhead].windows[state].PrefetchNext(time_window);
  }
  uint64_t tick_serial = 0;  // ticks closed (Rule::agg_cache entries name the tick they are for)

  // The name, labels and id a member's alerts, groups and errors use: its identity's for a rule
  // with `ignoring`, its series' otherwise.
  const Labels& MemberLabels(const Rule& r, const Member& m) const {
    return m.identity >= 0 ? r.ids[static_cast<size_t>(m.identity)].labels : series[m.series].labels;
  }
  const std::string& MemberId(const Rule& r, const Member& m) const {
    return m.identity >= 0 ? r.ids[static_cast<size_t>(m.identity)].id : series[m.series].id;
  }

  void Rebuild(Rule& r) {
    // Group membership for aggregation nodes: recomputed before the first tick after series
    // were added (CloseTick, groups_stale) and when series are removed. O(members log groups).
    r.groups_stale = false;
    r.group_of.resize(r.plan->nodes.size());
    r.group_members.resize(r.plan->nodes.size());
    r.agg_cache.resize(r.plan->nodes.size());
    r.peer_series.resize(r.plan->nodes.size());
    for (size_t id = 0; id < r.plan->nodes.size(); ++id) {
      const PlanNode& node = r.plan->nodes[id];
      if (node.op != PlanOp::kAggregate) continue;
      std::map<std::string, int32_t> index;  // group key -> group, numbered in key order
      std::vector<std::string> keys(r.members.size());
      for (size_t m = 0; m < r.members.size(); ++m) {
        keys[m] = GroupKey(node.by, MemberLabels(r, r.members[m]));
        index.emplace(keys[m], 0);
      }
      int32_t g = 0;
      for (auto& [key, n] : index) n = g++;
      r.group_of[id].assign(r.members.size(), 0);
      r.group_members[id].assign(index.size(), {});
      r.agg_cache[id].assign(index.size(), Rule::AggValue{});
      for (size_t m = 0; m < r.members.size(); ++m) {
        const int32_t gm = index.find(keys[m])->second;
        r.group_of[id][m] = gm;
        r.group_members[id][static_cast<size_t>(gm)].push_back(static_cast<int32_t>(m));
      }
      if (!node.peer_metric.empty()) {  // a peer term: its metric's series, by the members' groups
        r.peer_series[id].assign(index.size(), {});
        for (size_t si = 0; si < series.size(); ++si) {
          const SeriesState& ps = series[si];
          if (ps.removed || ps.name != node.peer_metric) continue;
          if (auto g = index.find(GroupKey(node.by, ps.labels)); g != index.end())
            r.peer_series[id][static_cast<size_t>(g->second)].push_back(si);
        }
      }
      // Peers in series order, as batch visits them (core/rule_plan.h; a floating-point sum
      // depends on the order): RemoveSeries moves the last member into a removed one's place, so
      // member order is series order only until a removal (an identity: its origin's order).
      // Found by the churn test: a sum / mean / std by (job) one bit off batch's after a removal.
      auto order = [&r](int32_t m) {
        const Member& mm = r.members[static_cast<size_t>(m)];
        return mm.identity >= 0 ? r.ids[static_cast<size_t>(mm.identity)].origin : mm.series;
      };
      for (std::vector<int32_t>& g : r.group_members[id])
        if (!std::is_sorted(g.begin(), g.end(), [&](int32_t a, int32_t b) { return order(a) < order(b); }))
          std::sort(g.begin(), g.end(), [&](int32_t a, int32_t b) { return order(a) < order(b); });
    }
  }

  // The aggregation `in` (a kAggregate instruction) over the peers of member m at time t: their
  // values of in.a at their latest points within the lookback, NaN ones left out.
  double AggregateAt(const Rule& r, const Member& m, const Instr& in, int64_t t, std::vector<double>& scratch) const {
    const PlanNode& node = r.plan->nodes[in.node];
    scratch.clear();
    const size_t mi = static_cast<size_t>(&m - r.members.data());
    const size_t group = static_cast<size_t>(r.group_of[in.node][mi]);
    if (!node.peer_metric.empty()) {  // a peer term: the latest appended values of its metric's series
      for (size_t p : r.peer_series[in.node][group]) {
        const SeriesState& ps = series[p];
        if (ps.removed || !ps.has_point || detail::ElapsedOver(ps.last_t, t, r.plan->lookback_ms)) continue;
        const double pv = CleanValue(ps.last_value);
        if (!std::isnan(pv)) scratch.push_back(pv);
      }
      return detail::Aggregate(node.agg_fn, node.constant, scratch);
    }
    for (int32_t p : r.group_members[in.node][group]) {
      const Member& pm = r.members[p];
      if (!pm.reported || detail::ElapsedOver(pm.last_t, t, r.plan->lookback_ms)) continue;
      double pv = pm.vals[in.a];
      if (!std::isnan(pv)) scratch.push_back(pv);
    }
    return detail::Aggregate(node.agg_fn, node.constant, scratch);
  }

  // A shared running-sum window of `value` (in.shared >= 0) at the point `seq` of its series:
  // pushed by the first rule that reaches the point (only the values some rule reads: bits of
  // `used`, shared_slots), then the values this instruction reads copied into v.
  [[gnu::always_inline]] static void PushShared(const Instr& in, unsigned used, SharedSums& sh, int64_t seq,
                                                int64_t t, double* v) {
    if (sh.seq != seq) {
      double* outs[detail::WindowState::kSumsSlots];
      for (int k = 0; k < detail::WindowState::kSumsSlots; ++k)
        outs[k] = used >> k & 1 ? &sh.out[k] : nullptr;
      sh.state.PushSums(seq, t, v[in.a], outs);
      sh.seq = seq;
    }
    for (int k = 0; k < detail::WindowState::kSumsSlots; ++k)
      if (in.sums[k] >= 0) v[in.sums[k]] = sh.out[k];
  }

  // Runs one instruction for one member at this tick. Returns false only when a time-bounded
  // window went over its limit, with the error in *err (a bool keeps the per-point path cheap).
  // The member's values and window states are read through the active point's pointers (PERF3:
  // the member's own lines were evicted by then once a tick's members outgrow the cache).
  [[gnu::always_inline]] bool Exec(Rule& r, const ActivePoint& a, const Instr& in, int64_t t,
                                   std::vector<double>& scratch, Status* err) {
    Member& m = *a.mem;
    const int64_t seq = a.seq;
    const double x = a.x;
    double* v = a.v;
    double& out = v[in.node];
    size_t held = 0;
    switch (in.op) {
      case PlanOp::kValue: out = CleanValue(x); return true;
      case PlanOp::kWindow: {
        if (in.shared >= 0) {
          PushShared(in, shared_slots[in.shared], series[m.series].shared[in.shared], seq, t, v);
          return true;
        }
        detail::WindowState& w = a.windows[in.state];
        if (in.other >= 0) {  // a median/mad pair: one sorted window, both values
          const bool is_median = r.plan->nodes[in.node].window_fn == WindowFn::kMedian;
          double* med = is_median ? &out : &v[in.other];
          double* mad = is_median ? &v[in.other] : &out;
          w.PushMedianMad(seq, t, v[in.a], med, mad);
        } else if (in.sums_group) {
          double* outs[detail::WindowState::kSumsSlots];
          for (int k = 0; k < detail::WindowState::kSumsSlots; ++k) outs[k] = in.sums[k] >= 0 ? &v[in.sums[k]] : nullptr;
          w.PushSums(seq, t, v[in.a], outs);
        } else {
          out = in.push(w, seq, t, v[in.a]);
        }
        if (!in.time_bounded) return true;
        held = w.held();
        break;
      }
      case PlanOp::kEwma: out = m.states.ewmas[in.state].Push(v[in.a]); return true;
      case PlanOp::kLag: out = m.states.lags[in.state].Push(v[in.a]); return true;
      case PlanOp::kOffset: {
        detail::OffsetState& o = m.states.offsets[in.state];
        out = o.Push(t, v[in.a]);
        held = o.held();
        break;
      }
      case PlanOp::kAggregate: out = AggregateAt(r, m, in, t, scratch); return true;
#define VIGIL_OP(OP) \
  case PlanOp::OP: out = ApplyOp(PlanOp::OP, v[in.a], v[in.b], v[in.c]); return true;
        VIGIL_STATELESS_OPS(VIGIL_OP)
#undef VIGIL_OP
#define VIGIL_CMP(OP)                                                                            \
  case PlanOp::OP:                                                                               \
    out = in.fused.one ? in.fused.one(v, in.fused_sides) : ApplyOp(PlanOp::OP, v[in.a], v[in.b], v[in.c]); \
    return true;
        VIGIL_CMP(kLt) VIGIL_CMP(kLe) VIGIL_CMP(kGt) VIGIL_CMP(kGe)
#undef VIGIL_CMP
      case PlanOp::kConst:
      case PlanOp::kStaleFor:
      case PlanOp::kAbsent: return true;  // constants are set once; tick-driven rules run elsewhere
    }
    // The same conversion as batch (BatchRule::Exec): a negative limit holds no points, rather
    // than wrapping to a huge size_t here while batch fails at the first point.
    if (held > static_cast<size_t>(std::max<int64_t>(options.limits.max_window_points, 0))) {
      *err = WindowOverflow(*r.plan, r.plan->nodes[in.node], MemberId(r, m), held, options.limits);
      return false;
    }
    return true;
  }

  // Runs one instruction for the first n active members (a tick's points of one rule), the
  // instruction decoded once for all of them. Returns n, or the position of the first member
  // whose time-bounded window went over its limit (error in *err).
  // Inlined into CloseTick, its one caller (PERF2: left out of line when CloseTick grew, a call per
  // instruction and tick cost rules_bench's streaming 8 %).
  [[gnu::always_inline]] size_t ExecActive(Rule& r, const Instr& in, const ActivePoint* act, size_t n, int64_t t,
                    std::vector<double>& scratch, Status* err) {
    switch (in.op) {
      case PlanOp::kWindow:
        if (in.shared >= 0) {
          const unsigned used = shared_slots[in.shared];
          if (n > kWindowAhead)
            for (size_t j = 0; j < std::min(n, 2 * kWindowAhead); ++j) act[j].shared[in.shared].state.PrefetchObject();
          for (size_t j = 0; j < n; ++j) {
            if (j + 2 * kWindowAhead < n) act[j + 2 * kWindowAhead].shared[in.shared].state.PrefetchObject();
            if (j + kWindowAhead < n) act[j + kWindowAhead].shared[in.shared].state.PrefetchNext();
            PushShared(in, used, act[j].shared[in.shared], act[j].seq, t, act[j].v);
          }
          return n;
        }
        PrefetchWindowsFirst(act, n, in.state, in.time_bounded);
        if (in.other >= 0 && !in.time_bounded) {
          const bool is_median = r.plan->nodes[in.node].window_fn == WindowFn::kMedian;
          const int32_t med = is_median ? in.node : in.other, mad = is_median ? in.other : in.node;
          for (size_t j = 0; j < n; ++j) {
            PrefetchWindowsAhead(act, j, n, in.state, in.time_bounded);
            double* v = act[j].v;
            act[j].windows[in.state].PushMedianMad(act[j].seq, t, v[in.a], &v[med], &v[mad]);
          }
          return n;
        }
        if (in.minmax_other >= 0) {  // a min/max pair (PairMinMax): one state, both values
          const bool is_min = r.plan->nodes[in.node].window_fn == WindowFn::kMin;
          const int32_t lo = is_min ? in.node : in.minmax_other, hi = is_min ? in.minmax_other : in.node;
          for (size_t j = 0; j < n; ++j) {
            PrefetchWindowsAhead(act, j, n, in.state, in.time_bounded);
            double* v = act[j].v;
            act[j].windows[in.state].PushMinMax(v[in.a], &v[lo], &v[hi]);
          }
          return n;
        }
        if (in.push && !in.time_bounded) {
          for (size_t j = 0; j < n; ++j) {
            PrefetchWindowsAhead(act, j, n, in.state, in.time_bounded);
            double* v = act[j].v;
            v[in.node] = in.push(act[j].windows[in.state], act[j].seq, t, v[in.a]);
          }
          return n;
        }
        if (in.push) {  // a time window: held points checked against the limit (as Exec does)
          const size_t limit = static_cast<size_t>(std::max<int64_t>(options.limits.max_window_points, 0));
          for (size_t j = 0; j < n; ++j) {
            PrefetchWindowsAhead(act, j, n, in.state, in.time_bounded);
            double* v = act[j].v;
            detail::WindowState& w = act[j].windows[in.state];
            v[in.node] = in.push(w, act[j].seq, t, v[in.a]);
            if (w.held() > limit) [[unlikely]] {
              *err = WindowOverflow(*r.plan, r.plan->nodes[in.node], MemberId(r, *act[j].mem), w.held(),
                                    options.limits);
              return j;
            }
          }
          return n;
        }
        break;
      case PlanOp::kEwma:
        for (size_t j = 0; j < n; ++j) {
          double* v = act[j].v;
          v[in.node] = act[j].mem->states.ewmas[in.state].Push(v[in.a]);
        }
        return n;
      case PlanOp::kLag:
        for (size_t j = 0; j < n; ++j) {
          double* v = act[j].v;
          v[in.node] = act[j].mem->states.lags[in.state].Push(v[in.a]);
        }
        return n;
#define VIGIL_OP(OP)                                                 \
  case PlanOp::OP:                                                   \
    for (size_t j = 0; j < n; ++j) {                                 \
      double* v = act[j].v;                                          \
      v[in.node] = ApplyOp(PlanOp::OP, v[in.a], v[in.b], v[in.c]);   \
    }                                                                \
    return n;
        VIGIL_STATELESS_OPS(VIGIL_OP)
#undef VIGIL_OP
      case PlanOp::kLt:
      case PlanOp::kLe:
      case PlanOp::kGt:
      case PlanOp::kGe:
        if (!in.fused.one) break;
        for (size_t j = 0; j < n; ++j) {
          double* v = act[j].v;
          v[in.node] = in.fused.one(v, in.fused_sides);
        }
        return n;
      case PlanOp::kAggregate: {
        // Once per group and tick (the value depends only on them): peers' values of earlier
        // stages, final for this tick before this stage began.
        const std::vector<int32_t>& group_of = r.group_of[in.node];
        std::vector<Rule::AggValue>& cache = r.agg_cache[in.node];
        for (size_t j = 0; j < n; ++j) {
          const Member& m = *act[j].mem;
          Rule::AggValue& g = cache[static_cast<size_t>(group_of[static_cast<size_t>(&m - r.members.data())])];
          if (g.tick != tick_serial) {
            g.value = AggregateAt(r, m, in, t, scratch);
            g.tick = tick_serial;
          }
          act[j].v[in.node] = g.value;
        }
        return n;
      }
      default: break;
    }
    const bool own_window = in.op == PlanOp::kWindow && in.shared < 0;  // (its first ones asked for above)
    for (size_t j = 0; j < n; ++j) {
      if (own_window) PrefetchWindowsAhead(act, j, n, in.state, in.time_bounded);
      if (!Exec(r, act[j], in, t, scratch, err)) [[unlikely]]
        return j;
    }
    return n;
  }

  // A call that changes the engine, made from a callback (`closing`): refused.
  static Status FromCallback(const char* call) {
    std::string m = "StreamingEngine::";
    m += call;
    m += " called from a callback (on_point / on_alert / on_trace) while a timestamp is evaluated; "
         "call it after Append / Flush returns";
    return FailedPreconditionError(std::move(m));
  }

  // EngineOptions::end_at_input_end in streaming: the stream's clock (the tick `t` closing) ends
  // each firing alert of `r` whose series went stale before it, as batch does at its input's end
  // (DET8); reported before the tick's own transitions.
  void SweepStale(Rule& r, int64_t t) {
    if (r.firing_dirty) {
      r.firing.clear();
      for (size_t m = 0; m < r.members.size(); ++m)
        if (r.members[m].tracker.firing()) r.firing.push_back(static_cast<uint32_t>(m));
      r.firing_dirty = false;
    }
    size_t keep = 0;
    for (const uint32_t m : r.firing) {
      if (m >= r.members.size()) continue;
      AlertTracker& tr = r.members[m].tracker;
      if (!tr.firing()) continue;
      if (tr.EndAtInputEnd(*r.plan, t)) {
        tr.gap_resolved = false;
        if (cb.on_alert && options.build_alerts) cb.on_alert(tr.gone);
        continue;
      }
      r.firing[keep++] = m;
    }
    r.firing.resize(keep);
  }

  Status CloseTick() {
    if (closing) [[unlikely]]
      return FromCallback("Flush");
    if (!stopped.ok()) [[unlikely]]
      return stopped;
    if (!have_tick || pending.empty()) return Status::Ok();
    closing = true;
    struct Done {
      bool* closing;
      ~Done() { *closing = false; }
    } done{&closing};
    ++tick_serial;
    const int64_t t = tick;
    flag_scratch.assign(pending.size(), 0);
    std::vector<double>& scratch = agg_scratch;
    std::vector<ActivePoint>& active = active_scratch;
    for (size_t si = point_rules_at.size() - 1; si < series.size(); ++si) {
      for (size_t ri = 0; ri < rt.size(); ++ri)
        if (!rt[ri].tick && member_of[ri][si] >= 0) point_rules.push_back(static_cast<uint32_t>(ri));
      point_rules_at.push_back(point_rules.size());
    }
    rule_points.resize(rt.size());
    for (auto& ks : rule_points) ks.clear();
    for (size_t k = 0; k < pending.size(); ++k) {
      const size_t si = pending[k].first;
      for (size_t j = point_rules_at[si]; j < point_rules_at[si + 1]; ++j)
        rule_points[point_rules[j]].push_back(static_cast<uint32_t>(k));
    }
    const bool sweep_stale = options.end_at_gap && options.end_at_input_end;
    for (size_t ri = 0; ri < rt.size(); ++ri) {
      Rule& r = rt[ri];
      if (r.tick) continue;
      if (sweep_stale && (r.firing_dirty || !r.firing.empty())) SweepStale(r, t);
      if (r.groups_stale) Rebuild(r);  // series were added since the rule's last tick
      active.clear();
      const std::vector<int32_t>& members_here = member_of[ri];
      // A member's window states and its series' shared windows are read only by rules that have
      // them (their pointers are on lines of their own: PERF2).
      const bool own_windows = !r.prog.fresh.windows.empty();
      const bool shared_sums = !shared_windows.empty();
      const std::vector<uint32_t>& points = rule_points[ri];
      merged_scratch.clear();
      for (size_t pi = 0; pi < points.size(); ++pi) {
        // Past the cache each member is a read from memory: asked for kAhead points early, the
        // reads overlap rather than wait one after another (PERF2).
        if (pi + kAhead < points.size())
          if (const int32_t ma = members_here[pending[points[pi + kAhead]].first]; ma >= 0) {
            PrefetchLines(&r.members[static_cast<size_t>(ma)]);
            if (shared_sums) __builtin_prefetch(&series[pending[points[pi + kAhead]].first]);
          }
        const size_t k = points[pi];
        int32_t m = members_here[pending[k].first];
        if (m < 0) continue;
        Member& mem = r.members[m];
        detail::WindowState* windows = own_windows ? mem.states.windows.data() : nullptr;
        if (r.merge) {
          // An identity's point at this tick: the one of the lowest input series index (as batch
          // takes), the others not evaluated; they get its flag below. (No shared windows: those
          // are per input series.)
          if (mem.at_tick == tick_serial) {
            ActivePoint& kept = active[mem.active_pos];
            if (pending[k].first < pending[kept.k].first) {
              merged_scratch.emplace_back(kept.k, mem.active_pos);
              kept.x = pending[k].second;
              kept.k = k;
            } else {
              merged_scratch.emplace_back(k, mem.active_pos);
            }
            continue;
          }
          mem.at_tick = tick_serial;
          mem.active_pos = active.size();
          active.push_back({&mem, mem.seq, pending[k].second, k, nullptr, mem.vals.data(), windows});
          continue;
        }
        // A series has at most one point per tick; pending_seq[k] is its index in the series.
        active.push_back({&mem, pending_seq[k], pending[k].second, k,
                          shared_sums ? series[pending[k].first].shared.data() : nullptr, mem.vals.data(),
                          windows});
      }
      // The alert life cycle of one member after its point's last instruction.
      auto update = [&](const ActivePoint& a) __attribute__((always_inline)) {  // (a call per point: 15 % more on rules_bench)
        Member& mem = *a.mem;
        const size_t k = a.k;
        bool cond = Truthy(mem.vals[r.plan->condition]);
        auto ev = mem.tracker.Update(*r.plan, t, cond, options.end_at_gap, [&](int64_t active_at, int64_t now, Alert& al) {
          if (!options.build_alerts) return;
          al = MakeAlert(*r.plan, series[mem.series].name, MemberLabels(r, mem), active_at, now,
                         CleanValue(pending[k].second), r.merge ? &series[pending[k].first].labels : nullptr,
                         [&](int32_t id) { return mem.vals[id]; });
        });
        if (mem.tracker.gap_resolved) [[unlikely]] {
          mem.tracker.gap_resolved = false;
          if (cb.on_alert && options.build_alerts) cb.on_alert(mem.tracker.gone);
        }
        if (ev != AlertTracker::Event::kNone && cb.on_alert && options.build_alerts) cb.on_alert(mem.tracker.alert);
        if (ev == AlertTracker::Event::kFiring && sweep_stale) r.firing.push_back(static_cast<uint32_t>(&mem - r.members.data()));
        if (mem.tracker.firing()) flag_scratch[k] = 1;
        if (options.trace_nodes && cb.on_trace)
          cb.on_trace(ri, mem.series, t, cond, mem.tracker.firing(), std::span<const double>(mem.vals));
        // An identity counts its points evaluated (read by the instructions through ActivePoint::seq,
        // copied before them; counted here rather than in a pass of its own over the members: PERF3).
        if (r.merge) ++mem.seq;
      };
      // PERF2: the alert life cycle runs chunk by chunk after the last stage's instructions, while
      // the chunk's members are in cache (a pass of its own over every member of the tick read
      // each from memory again past ~10^5 series), in the same member order. Not for a rule that
      // can fail (a time window or offset over max_window_points: the failing tick reports none of
      // the rule's transitions, so they wait for every chunk). A rule with `ignoring` too since
      // PERF3 (its identities' other points take their flags after the last chunk, below).
      const bool update_in_chunks = !r.prog.by_stage.empty() && !r.prog_may_fail;
      // Instruction by instruction over the tick's members (a member's instructions read only
      // its own values of this stage, peers' values of earlier stages: aggregations are in a
      // later stage than their inputs). A failing window cuts the members after it from the
      // next instructions, so the error returned is the one the member-by-member order would
      // meet first: the earliest member, then its earliest instruction.
      for (size_t si = 0; si < r.prog.by_stage.size(); ++si) {
        Status err;  // set only when an instruction fails (one Status per tick, not per instruction)
        Status e;
        const bool last_stage = si + 1 == r.prog.by_stage.size();
        // In chunks of kTickChunk members: every instruction of the stage over one chunk before
        // the next, so a chunk's values and window states stay in cache from one instruction to
        // the next (OD4: instruction by instruction over all the tick's members, each instruction
        // found the members' lines evicted once they outgrew L2). The values are the same (a
        // member's instructions of a stage read only its own values of the stage and peers' values
        // of earlier stages), and so is the error: chunks run in member order, a failing chunk is
        // the earliest one with a failure, and the later ones are not run (the engine stops).
        for (size_t c0 = 0; c0 < active.size(); c0 += kTickChunk) {
          const size_t n = std::min(kTickChunk, active.size() - c0);
          if (si == 0) {  // the `value` node, before stage 0 (no instruction)
            if (active.size() > kTickChunk)  // the chunk's values and states asked for at once
              for (size_t j = c0; j < c0 + n; ++j) {
                __builtin_prefetch(active[j].v);
                if (active[j].windows) __builtin_prefetch(active[j].windows);
              }
            if (r.value_node >= 0)
              for (size_t j = c0; j < c0 + n; ++j) active[j].v[r.value_node] = CleanValue(active[j].x);
          }
          size_t limit = n;
          for (const Instr& in : r.prog.by_stage[si]) {
            const size_t ok = ExecActive(r, in, active.data() + c0, limit, t, scratch, &e);
            if (ok < limit) [[unlikely]] {
              limit = ok;
              err = std::move(e);
            }
          }
          if (!err.ok()) [[unlikely]] {
            // The tick's windows may hold part of it now: stop rather than run it again.
            stopped = err;
            return err;
          }
          // Peers read these members' values for this tick in later stages (an aggregation of this
          // stage reads last_t = t set after the stage before; stage 0 has no aggregation).
          for (size_t j = c0; j < c0 + n; ++j) {
            active[j].mem->last_t = t;
            active[j].mem->reported = true;
          }
          if (update_in_chunks && last_stage)
            for (size_t j = c0; j < c0 + n; ++j) {
              if (j + kAhead < c0 + n) PrefetchLines(active[j + kAhead].mem);
              update(active[j]);
            }
        }
      }
      if (r.prog.by_stage.empty() && r.value_node >= 0)
        for (const ActivePoint& a : active) a.v[r.value_node] = CleanValue(a.x);
      if (!update_in_chunks)
        for (size_t j = 0; j < active.size(); ++j) {
          if (j + kAhead < active.size()) {
            PrefetchLines(active[j + kAhead].mem);
            // the condition's value, on a line of its own (PERF3: a miss per member and tick)
            __builtin_prefetch(active[j + kAhead].v + r.plan->condition);
          }
          update(active[j]);
        }
      // Every input point of an identity gets the flag of the point taken at this tick (the taken
      // one got it in `update`; the others are listed, rather than every point's member read again).
      for (const auto& [k, pos] : merged_scratch)
        if (active[pos].mem->tracker.firing()) flag_scratch[k] = 1;
    }
    // Tick-driven rules.
    if (any_tick)
      for (size_t k = 0; k < pending.size(); ++k) pending_pos[pending[k].first] = static_cast<int32_t>(k);
    for (size_t ri = 0; ri < rt.size(); ++ri) {
      Rule& r = rt[ri];
      if (!r.tick) continue;
      if (r.merge) {
        CloseMergedTick(ri, t);
        continue;
      }
      auto value_at = [&](size_t si) -> const double* {
        const int32_t k = pending_pos[si];
        return k >= 0 ? &pending[static_cast<size_t>(k)].second : nullptr;
      };
      auto on_eval = [&](size_t si, int64_t tt, bool cond, bool firing, std::span<const double> vals) {
        if (si != SIZE_MAX && firing && pending_pos[si] >= 0) flag_scratch[static_cast<size_t>(pending_pos[si])] = 1;
        if (options.trace_nodes && cb.on_trace) cb.on_trace(ri, si, tt, cond, firing, vals);
      };
      auto on_event = [&](const Alert& a) {
        if (cb.on_alert) cb.on_alert(a);
      };
      r.tick->OnTick(t, infos, value_at, [](size_t) -> const Labels* { return nullptr; }, on_eval, on_event);
    }
    if (any_tick)
      for (const auto& p : pending) pending_pos[p.first] = -1;
    if (cb.on_point)
      for (size_t k = 0; k < pending.size(); ++k) cb.on_point(pending[k].first, t, flag_scratch[k]);
    pending.clear();
    pending_seq.clear();
    return Status::Ok();
  }

  // A tick-driven rule with `ignoring` at tick t: its members are identities (member_of maps an
  // input series to its identity); an identity's point is that of its lowest input index here.
  void CloseMergedTick(size_t ri, int64_t t) {
    Rule& r = rt[ri];
    const std::vector<int32_t>& id_of = member_of[ri];
    // Each identity's point here, found in one pass over `pending` (searching it per identity was
    // O(identities x points) per tick): the one of the lowest input series index.
    r.id_point.resize(r.ids.size(), -1);
    r.id_firing.resize(r.ids.size(), 0);
    for (size_t j = 0; j < pending.size(); ++j) {
      const int32_t id = id_of[pending[j].first];
      if (id < 0) continue;
      int32_t& best = r.id_point[static_cast<size_t>(id)];
      if (best < 0 || pending[j].first < pending[static_cast<size_t>(best)].first) best = static_cast<int32_t>(j);
    }
    auto value_at = [&](size_t k) -> const double* {
      if (r.id_point[k] < 0) return nullptr;
      const std::pair<size_t, double>* best = &pending[static_cast<size_t>(r.id_point[k])];
      Identity& id = r.ids[k];
      if (id.source != best->first) {
        id.source = best->first;
        *id.source_labels = series[best->first].labels;
      }
      return &best->second;
    };
    auto source_of = [&](size_t k) -> const Labels* { return r.ids[k].source_labels.get(); };
    auto on_eval = [&](size_t k, int64_t tt, bool cond, bool firing, std::span<const double> vals) {
      if (k != SIZE_MAX && firing && r.id_point[k] >= 0) r.id_firing[k] = 1;
      if (options.trace_nodes && cb.on_trace) cb.on_trace(ri, k == SIZE_MAX ? k : r.ids[k].first, tt, cond, firing, vals);
    };
    auto on_event = [&](const Alert& a) {
      if (cb.on_alert) cb.on_alert(a);
    };
    r.tick->OnTick(t, r.id_infos, value_at, source_of, on_eval, on_event);
    // Every input point of an identity gets the flag of the point evaluated for it; then the
    // scratch is cleared for the next tick (only the identities with a point here were set).
    for (size_t j = 0; j < pending.size(); ++j) {
      const int32_t id = id_of[pending[j].first];
      if (id >= 0 && r.id_firing[static_cast<size_t>(id)]) flag_scratch[j] = 1;
    }
    for (const auto& p : pending) {
      const int32_t id = id_of[p.first];
      if (id < 0) continue;
      r.id_point[static_cast<size_t>(id)] = -1;
      r.id_firing[static_cast<size_t>(id)] = 0;
    }
  }

  std::vector<std::vector<int32_t>> member_of;  // [rule][series] -> member (identity) index or -1

  // RemoveSeries for a rule with `ignoring` (OD3): each removed input leaves its identity; an
  // identity that keeps an input goes on (its `first`, and a member's `series`, re-pointed to the
  // lowest remaining input: traces and the alert's metric name come from it); one whose last input
  // goes is removed with its state and pending / firing alert (no transition reported, as a
  // series'). A tick-driven rule's identity slot stays (TickRule's members are identity indices;
  // its labels are cleared); an evaluated-at-points rule's members are compacted (the last takes
  // the removed one's place: members[k] is identity k).
  void RemoveInputs(size_t ri, std::span<const size_t> given) {
    Rule& r = rt[ri];
    std::vector<int32_t>& id_of = member_of[ri];
    std::vector<uint8_t> id_gone(r.ids.size(), 0);
    bool any_gone = false;
    for (size_t si : given) {
      const int32_t k = id_of[si];
      if (k < 0) continue;
      id_of[si] = -1;
      --r.n_series;
      Identity& id = r.ids[static_cast<size_t>(k)];
      std::erase(id.inputs, si);
      if (!id.inputs.empty()) {
        id.first = id.inputs.front();
        if (!r.tick) r.members[static_cast<size_t>(k)].series = id.first;
        continue;
      }
      id_gone[static_cast<size_t>(k)] = 1;
      any_gone = true;
    }
    if (!any_gone) return;
    if (r.tick) {
      for (size_t k = 0; k < r.ids.size(); ++k) {
        if (!id_gone[k]) continue;
        r.id_index.erase(r.ids[k].id);
        r.ids[k].labels.clear();
        r.ids[k].source_labels->clear();
      }
      std::erase_if(r.tick_members, [&id_gone](size_t k) { return id_gone[k] != 0; });
      r.tick->RemoveMembers(id_gone);
      return;
    }
    // Highest first, so that the last identity moved into a removed one's place is never one
    // still to be removed.
    for (size_t k = r.ids.size(); k-- > 0;) {
      if (!id_gone[k]) continue;
      r.id_index.erase(r.ids[k].id);
      const size_t last = r.ids.size() - 1;
      if (k != last) {
        r.ids[k] = std::move(r.ids[last]);
        r.members[k] = std::move(r.members[last]);
        r.members[k].identity = static_cast<int32_t>(k);
        r.id_index[r.ids[k].id] = static_cast<int32_t>(k);
        for (size_t si : r.ids[k].inputs) id_of[si] = static_cast<int32_t>(k);
      }
      r.ids.pop_back();
      r.members.pop_back();
    }
    Rebuild(r);  // aggregation groups (their member indices moved)
  }
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
    Impl::Rule r{&plan, SelectorMatcher(plan.selector), {}, {}, nullptr, {}, -1, {}, {}};
    r.merge = !plan.selector.ignoring.empty();
    for (const PlanNode& node : plan.nodes)
      if (!node.peer_metric.empty() &&
          std::find(r.peer_metrics.begin(), r.peer_metrics.end(), node.peer_metric) == r.peer_metrics.end())
        r.peer_metrics.push_back(node.peer_metric);
    if (!plan.tick_driven) {
      r.prog = CompileProgram(plan);
      FuseCompares(plan, &r.prog);
      // The `value` node (at most one: plans are hash-consed) is written by CloseTick directly.
      for (auto& stage : r.prog.by_stage) {
        std::erase_if(stage, [&](const Instr& in) {
          if (in.op != PlanOp::kValue) return false;
          r.value_node = in.node;
          return true;
        });
      }
      // Running-sum point windows of `value` are shared across rules (Impl::SharedSums), per
      // input series: not for a rule with `ignoring`, whose windows are per identity.
      if (!r.merge)
        for (auto& stage : r.prog.by_stage)
          for (Instr& in : stage) ShareValueSumsWindow(plan, in, &impl->shared_windows, &impl->shared_slots);
      for (auto& stage : r.prog.by_stage) PairMinMax(plan, &stage);
      for (const auto& stage : r.prog.by_stage)
        for (const Instr& in : stage) r.prog_may_fail |= in.time_bounded;
    }
    if (plan.tick_driven) {
      r.tick = std::make_unique<TickRule>(plan, std::vector<size_t>{});
      impl->any_tick = true;
    }
    impl->rt.push_back(std::move(r));
  }
  impl->member_of.resize(impl->rt.size());
  return std::unique_ptr<StreamingEngine>(new StreamingEngine(std::move(impl)));
}

Result<size_t> StreamingEngine::AddSeries(const std::string& name, const Labels& labels) {
  Impl& im = *impl_;
  if (im.closing) [[unlikely]]
    return Impl::FromCallback("AddSeries");
  std::string id = FormatSeriesId(name, labels);
  if (im.series_by_id.count(id)) return InvalidArgumentError("series " + id + " was already added");
  const size_t si = im.series.size();
  // Every check first (in rule order), so that a rejected series changes nothing: before, the
  // series stayed half added (in the series list, missing from later rules' member maps).
  // A rule with `ignoring`: the series' identity (its labels minus those), per rule.
  std::vector<std::pair<std::string, Labels>> identity(im.rt.size());
  for (size_t ri = 0; ri < im.rt.size(); ++ri) {
    const Impl::Rule& r = im.rt[ri];
    if (!r.matcher.Matches(name, labels)) continue;
    // As batch: the input series a rule selects count, not the identities they merge into.
    const size_t count = r.merge ? r.n_series : r.tick ? r.tick_members.size() : r.members.size();
    if (static_cast<int64_t>(count + 1) > im.options.limits.max_series_per_rule)
      return TooManySeries(*r.plan, id, im.options.limits);
    if (r.merge) {
      Labels l = labels;
      for (const std::string& x : r.plan->selector.ignoring) l.erase(x);
      identity[ri] = {FormatSeriesId(name, l), std::move(l)};
    }
    // A tick-driven rule takes a series after data too: a new series of an identity already
    // watched (a pod label that came or went) is no new member; a new identity (OD3: also one
    // whose inputs were all removed) is a member that starts at its first point, as in batch.
  }
  im.series.emplace_back();
  im.series.back().name = name;
  im.series.back().labels = labels;
  im.series.back().id = id;
  for (const PlanNode& w : im.shared_windows) im.series.back().shared.push_back({detail::WindowState(w)});
  im.series_by_id[id] = si;
  im.pending_pos.push_back(-1);
  // infos point at the series' labels: rebuilt only when the series moved (amortised O(1) per
  // series; rebuilding it at every AddSeries made declaring N series O(N^2)).
  if (im.infos.empty() || im.infos.front().labels != &im.series.front().labels) {
    im.infos.clear();
    for (const auto& s : im.series) im.infos.push_back({s.name, &s.labels});
  } else {
    im.infos.push_back({im.series.back().name, &im.series.back().labels});
  }
  for (size_t ri = 0; ri < im.rt.size(); ++ri) {
    Impl::Rule& r = im.rt[ri];
    im.member_of[ri].push_back(-1);
    if (!r.peer_metrics.empty() && std::find(r.peer_metrics.begin(), r.peer_metrics.end(), name) != r.peer_metrics.end())
      r.groups_stale = true;  // a series a peer term reads: in its group from the rule's next tick
    if (!r.matcher.Matches(name, labels)) continue;
    if (r.merge) {
      ++r.n_series;
      auto [it, fresh] = r.id_index.emplace(identity[ri].first, static_cast<int32_t>(r.ids.size()));
      im.member_of[ri][si] = it->second;
      if (!fresh) {
        r.ids[static_cast<size_t>(it->second)].inputs.push_back(si);  // si is the highest index yet
        continue;
      }
      r.ids.push_back({name, std::move(identity[ri].second), identity[ri].first, si});
      r.ids.back().inputs.push_back(si);
      r.ids.back().origin = si;
      if (r.tick) {
        // As infos above: rebuilt only when the identities moved.
        if (r.id_infos.empty() || r.id_infos.front().labels != &r.ids.front().labels) {
          r.id_infos.clear();
          for (const auto& x : r.ids) r.id_infos.push_back({x.name, &x.labels});
        } else {
          r.id_infos.push_back({r.ids.back().name, &r.ids.back().labels});
        }
        r.tick_members.push_back(r.ids.size() - 1);
        r.tick->AddMember(r.ids.size() - 1);  // not started until its first point
        continue;
      }
      Impl::Member m;
      m.series = si;
      m.identity = it->second;
      m.states = r.prog.fresh;
      m.vals.assign(r.plan->nodes.size(), kNaN);
      r.prog.SetConsts(*r.plan, m.vals.data(), 1);
      r.members.push_back(std::move(m));
      r.groups_stale = true;  // rebuilt once, at the rule's next tick
      continue;
    }
    if (r.tick) {
      r.tick_members.push_back(si);
      r.tick->AddMember(si);  // not started until its first point
      continue;
    }
    Impl::Member m;
    m.series = si;
    m.states = r.prog.fresh;
    m.vals.assign(r.plan->nodes.size(), kNaN);
    r.prog.SetConsts(*r.plan, m.vals.data(), 1);
    im.member_of[ri][si] = static_cast<int32_t>(r.members.size());
    r.members.push_back(std::move(m));
    r.groups_stale = true;  // rebuilt once, at the rule's next tick
  }
  return si;
}

Status StreamingEngine::Append(size_t si, int64_t t, double value) {
  Impl& im = *impl_;
  if (!im.stopped.ok()) [[unlikely]]
    return im.stopped;
  if (im.closing) [[unlikely]]
    return Impl::FromCallback("Append");
  if (si >= im.series.size() || im.series[si].removed)
    return InvalidArgumentError("unknown or removed series index " + std::to_string(si));
  Impl::SeriesState& s = im.series[si];
  if (s.has_point && t <= s.last_t)
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
  s.has_point = true;
  s.last_value = value;
  im.pending.emplace_back(si, value);
  im.pending_seq.push_back(s.seq++);
  return Status::Ok();
}

Status StreamingEngine::Flush() { return impl_->CloseTick(); }

Status StreamingEngine::RemoveSeries(std::span<const size_t> given) {
  Impl& im = *impl_;
  if (im.closing) [[unlikely]]
    return Impl::FromCallback("RemoveSeries");
  // Every check first: a refused call removes nothing.
  std::vector<uint8_t> gone(im.series.size(), 0);
  for (size_t si : given) {
    if (si >= im.series.size() || im.series[si].removed || gone[si])
      return InvalidArgumentError("unknown, removed or repeated series index " + std::to_string(si));
    gone[si] = 1;
    const Impl::SeriesState& s = im.series[si];
    for (const auto& p : im.pending) {
      if (p.first == si)
        return FailedPreconditionError("series " + s.id + " has a point at the open timestamp: Flush before removing it");
    }
  }
  for (size_t ri = 0; ri < im.rt.size(); ++ri) {
    Impl::Rule& r = im.rt[ri];
    r.firing_dirty = true;  // members move (SweepStale rebuilds its list)
    for (size_t si : given)  // a series a peer term reads: out of its group (AggregateAt skips it till then)
      if (std::find(r.peer_metrics.begin(), r.peer_metrics.end(), im.series[si].name) != r.peer_metrics.end())
        r.groups_stale = true;
    if (r.merge) {
      im.RemoveInputs(ri, given);
      continue;
    }
    if (r.tick) {  // stale_for / absent: its members are series
      std::erase_if(r.tick_members, [&gone](size_t si) { return gone[si] != 0; });
      r.tick->RemoveMembers(gone);
      continue;
    }
    std::vector<int32_t>& member_of = im.member_of[ri];
    bool changed = false;
    for (size_t si : given) {
      const int32_t m = member_of[si];
      if (m < 0) continue;
      // The last member takes the removed one's place.
      const size_t last = r.members.size() - 1;
      if (static_cast<size_t>(m) != last) {
        r.members[static_cast<size_t>(m)] = std::move(r.members[last]);
        member_of[r.members[static_cast<size_t>(m)].series] = m;
      }
      r.members.pop_back();
      member_of[si] = -1;
      changed = true;
    }
    if (changed) im.Rebuild(r);  // aggregation groups (their member indices moved)
  }
  for (size_t si : given) {
    Impl::SeriesState& s = im.series[si];
    im.series_by_id.erase(s.id);
    s.removed = true;
    s.labels.clear();
    std::vector<Impl::SharedSums>().swap(s.shared);
  }
  return Status::Ok();
}

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

#undef VIGIL_STATELESS_OPS
