#include "core/rule_plan.h"

#include <algorithm>
#include <cstdio>

namespace vigil {

std::string_view WindowFnName(WindowFn fn) {
  switch (fn) {
    case WindowFn::kMean: return "mean";
    case WindowFn::kStd: return "std";
    case WindowFn::kMin: return "min";
    case WindowFn::kMax: return "max";
    case WindowFn::kMedian: return "median";
    case WindowFn::kMad: return "mad";
    case WindowFn::kQuantile: return "quantile";
    case WindowFn::kSum: return "sum";
    case WindowFn::kCount: return "count";
    case WindowFn::kDelta: return "delta";
    case WindowFn::kRate: return "rate";
    case WindowFn::kZscore: return "zscore";
    case WindowFn::kChanges: return "changes";
    case WindowFn::kResets: return "resets";
  }
  return "?";
}

std::string_view AggFnName(AggFn fn) {
  switch (fn) {
    case AggFn::kMean: return "mean";
    case AggFn::kMedian: return "median";
    case AggFn::kMin: return "min";
    case AggFn::kMax: return "max";
    case AggFn::kSum: return "sum";
    case AggFn::kCount: return "count";
    case AggFn::kStd: return "std";
    case AggFn::kQuantile: return "quantile";
  }
  return "?";
}

std::string_view MatchOpText(MatchOp op) {
  switch (op) {
    case MatchOp::kEq: return "=";
    case MatchOp::kNe: return "!=";
    case MatchOp::kRegex: return "=~";
    case MatchOp::kNotRegex: return "!~";
  }
  return "?";
}

int32_t PlanBuilder::Add(PlanNode node) {
  // The key covers every field that affects evaluation; `text` does not (two spellings of one
  // expression share a node, and the first spelling names it).
  char buf[160];
  std::snprintf(buf, sizeof(buf), "%d|%d|%a|%d|%d|%d|%lld|%lld|%lld|%lld|", static_cast<int>(node.op),
                static_cast<int>(node.type), node.constant, static_cast<int>(node.window_fn),
                static_cast<int>(node.agg_fn), node.window.is_points ? 1 : 0,
                static_cast<long long>(node.window.points), static_cast<long long>(node.window.duration_ms),
                static_cast<long long>(node.duration_ms), static_cast<long long>(node.lag_points));
  std::string key = buf;
  for (int32_t in : node.inputs) key += std::to_string(in) + ",";
  key += "|";
  for (const auto& b : node.by) key += b + ",";
  key += "|" + node.peer_metric;
  if (auto it = index_.find(key); it != index_.end()) return it->second;
  int stage = 0;
  for (int32_t in : node.inputs) stage = std::max(stage, (*nodes_)[in].stage);
  if (node.op == PlanOp::kAggregate) ++stage;
  node.stage = stage;
  auto id = static_cast<int32_t>(nodes_->size());
  nodes_->push_back(std::move(node));
  index_.emplace(std::move(key), id);
  return id;
}

std::string AlertFingerprint(std::string_view rule, std::string_view metric, const Labels& labels) {
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    h ^= 0xff;  // separator that cannot occur in UTF-8 text
    h *= 1099511628211ULL;
  };
  mix(rule);
  mix(metric);
  for (const auto& [k, v] : labels) {
    mix(k);
    mix(v);
  }
  char out[17];
  std::snprintf(out, sizeof(out), "%016llx", static_cast<unsigned long long>(h));
  return out;
}

namespace {
size_t Arity(PlanOp op) {
  switch (op) {
    case PlanOp::kConst:
    case PlanOp::kValue:
    case PlanOp::kStaleFor:
    case PlanOp::kAbsent: return 0;
    case PlanOp::kNeg:
    case PlanOp::kAbs:
    case PlanOp::kLog:
    case PlanOp::kNot:
    case PlanOp::kWindow:
    case PlanOp::kEwma:
    case PlanOp::kLag:
    case PlanOp::kOffset:
    case PlanOp::kAggregate: return 1;
    case PlanOp::kClamp: return 3;
    default: return 2;
  }
}
}  // namespace

Status ValidatePlan(const RulePlan& plan) {
  auto fail = [&](size_t i, const std::string& why) {
    return InvalidArgumentError("rule " + plan.name + ": plan node " + std::to_string(i) + ": " + why);
  };
  int deepest = 0;
  for (size_t i = 0; i < plan.nodes.size(); ++i) {
    const PlanNode& n = plan.nodes[i];
    const bool peer = n.op == PlanOp::kAggregate && !n.peer_metric.empty();
    if (n.inputs.size() != (peer ? 0 : Arity(n.op))) return fail(i, "wrong number of inputs");
    if (!n.peer_metric.empty() && n.op != PlanOp::kAggregate) return fail(i, "a peer metric on a node that is no aggregation");
    if (peer && n.by.empty()) return fail(i, "a peer aggregation needs `by` labels");
    if (peer && plan.tick_driven) return fail(i, "a peer aggregation in a stale_for / absent rule");
    for (int32_t in : n.inputs) {
      if (in < 0 || static_cast<size_t>(in) >= i) return fail(i, "input is not an earlier node");
    }
    if (n.op == PlanOp::kWindow && n.window.is_points && n.window.points <= 0)
      return fail(i, "point window must be positive");
    if (n.op == PlanOp::kWindow && !n.window.is_points && n.window.duration_ms <= 0)
      return fail(i, "time window must be positive");
    if (n.op == PlanOp::kLag && n.lag_points <= 0) return fail(i, "lag must be positive");
    if (n.op == PlanOp::kAnyBits || n.op == PlanOp::kAllBits) {
      const PlanNode& m = plan.nodes[n.inputs[1]];
      if (m.op != PlanOp::kConst || !(m.constant >= 1 && m.constant <= kMaxBitMask) ||
          m.constant != static_cast<double>(static_cast<int64_t>(m.constant)))
        return fail(i, "a bit test's mask must be a constant whole number from 1 to 2^53 - 1");
      if (n.type != ValueType::kBool) return fail(i, "a bit test is a condition");
    }
    // Engines run a node in its stage, after every aggregation on its inputs' paths: a wrong
    // stage reads peers' values before they exist (or indexes past the stages).
    int expected = 0;
    for (int32_t in : n.inputs) expected = std::max(expected, plan.nodes[in].stage);
    if (n.op == PlanOp::kAggregate) ++expected;
    if (n.stage != expected)
      return fail(i, "stage " + std::to_string(n.stage) + ", expected " + std::to_string(expected) +
                         " (the deepest input's stage, plus one for an aggregation)");
    deepest = std::max(deepest, n.stage);
  }
  if (plan.max_stage != deepest)
    return InvalidArgumentError("rule " + plan.name + ": max_stage " + std::to_string(plan.max_stage) +
                                ", but the deepest node is in stage " + std::to_string(deepest));
  if (plan.condition < 0 || static_cast<size_t>(plan.condition) >= plan.nodes.size())
    return InvalidArgumentError("rule " + plan.name + ": no condition node");
  if (plan.nodes[plan.condition].type != ValueType::kBool)
    return InvalidArgumentError("rule " + plan.name + ": condition is not boolean");
  for (int32_t e : plan.explain_nodes) {
    if (e < 0 || static_cast<size_t>(e) >= plan.nodes.size())
      return InvalidArgumentError("rule " + plan.name + ": explain node out of range");
  }
  for (const auto& part : plan.explain_template) {
    if (part.kind == TemplatePart::Kind::kNode &&
        (part.node < 0 || static_cast<size_t>(part.node) >= plan.nodes.size()))
      return InvalidArgumentError("rule " + plan.name + ": explanation template refers to a missing node");
  }
  if (plan.lookback_ms < 0) return InvalidArgumentError("rule " + plan.name + ": negative lookback");
  return Status::Ok();
}

}  // namespace vigil
