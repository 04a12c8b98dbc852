// Test helpers for detectors/*_test.cc (tests only): rule plans built by hand, node by node
// (detectors/ does not depend on the rule compiler in rules/).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/rule_plan.h"
#include "core/time_series.h"

namespace vigil {

// A series of the given name, labels, timestamps and values.
inline TimeSeries Series(std::string name, Labels labels, std::vector<int64_t> ts, std::vector<double> vs) {
  TimeSeries s;
  s.name = std::move(name);
  s.labels = std::move(labels);
  s.timestamps_ms = std::move(ts);
  s.values = std::move(vs);
  return s;
}

// A plan under construction: nodes added through a PlanBuilder (common sub-expressions shared),
// then Done(condition) fills in the condition, the explained nodes and max_stage.
struct TestPlan {
  RulePlan plan;
  PlanBuilder b{&plan.nodes};
  explicit TestPlan(std::string name, std::string metric = "m") {
    plan.name = std::move(name);
    plan.selector.metric = std::move(metric);
    plan.file = "test";
  }
  // A node of `op` over `in`; its text "n<index>" unless given.
  int32_t Node(PlanOp op, std::vector<int32_t> in, ValueType type = ValueType::kNumber, std::string text = "") {
    PlanNode n;
    n.op = op;
    n.inputs = std::move(in);
    n.type = type;
    if (text.empty()) {
      n.text = "n";
      n.text += std::to_string(plan.nodes.size());
    } else {
      n.text = std::move(text);
    }
    return b.Add(std::move(n));
  }
  int32_t Value() { return Node(PlanOp::kValue, {}, ValueType::kNumber, "m"); }
  // `in` lag(k) points (kLag) or offset by k ms (kOffset).
  int32_t Shifted(PlanOp op, int32_t in, int64_t k, std::string text) {
    PlanNode n;
    n.op = op;
    n.inputs = {in};
    (op == PlanOp::kLag ? n.lag_points : n.duration_ms) = k;
    n.text = std::move(text);
    return b.Add(std::move(n));
  }
  // ewma(in) with smoothing factor alpha.
  int32_t Ewma(int32_t in, double alpha, std::string text) {
    PlanNode n;
    n.op = PlanOp::kEwma;
    n.inputs = {in};
    n.constant = alpha;
    n.text = std::move(text);
    return b.Add(std::move(n));
  }
  int32_t Const(double c) {
    PlanNode n;
    n.op = PlanOp::kConst;
    n.constant = c;
    n.text = std::to_string(c);
    return b.Add(std::move(n));
  }
  // A window function over the last `size` points or ms; q: a quantile's.
  int32_t Window(WindowFn fn, int32_t in, bool points, int64_t size, double q = 0) {
    PlanNode n;
    n.op = PlanOp::kWindow;
    n.window_fn = fn;
    n.inputs = {in};
    n.window.is_points = points;
    (points ? n.window.points : n.window.duration_ms) = size;
    n.constant = q;
    n.text = std::string(WindowFnName(fn));
    n.text += "(";
    n.text += std::to_string(size);
    n.text += points ? "p)" : "ms)";
    return b.Add(std::move(n));
  }
  int32_t Agg(AggFn fn, int32_t in, std::vector<std::string> by, double q = 0) {
    PlanNode n;
    n.op = PlanOp::kAggregate;
    n.agg_fn = fn;
    n.inputs = {in};
    n.by = std::move(by);
    n.constant = q;
    n.text = std::string(AggFnName(fn));
    n.text += " by";
    return b.Add(std::move(n));
  }
  // A peer term `fn by (by) (metric)`: the aggregation of another metric's series (no input).
  int32_t Peer(AggFn fn, std::string metric, std::vector<std::string> by, double q = 0) {
    PlanNode n;
    n.op = PlanOp::kAggregate;
    n.agg_fn = fn;
    n.by = std::move(by);
    n.constant = q;
    n.text = std::string(AggFnName(fn)) + " by (" + metric + ")";
    n.peer_metric = std::move(metric);
    return b.Add(std::move(n));
  }
  int32_t Cmp(PlanOp op, int32_t a, int32_t c) { return Node(op, {a, c}, ValueType::kBool); }
  // stale_for(d) or absent(d) (kStaleFor / kAbsent): the plan is then tick_driven (Done does not
  // set it).
  int32_t Tick(PlanOp op, int64_t d, std::string text = "") {
    PlanNode n;
    n.op = op;
    n.type = ValueType::kBool;
    n.duration_ms = d;
    if (text.empty()) {
      n.text = op == PlanOp::kStaleFor ? "stale_for" : "absent";
      n.text += std::to_string(d);
    } else {
      n.text = std::move(text);
    }
    return b.Add(std::move(n));
  }
  RulePlan Done(int32_t cond) {
    plan.condition = cond;
    plan.explain_nodes = {cond};
    for (const auto& n : plan.nodes) plan.max_stage = std::max(plan.max_stage, n.stage);
    return plan;
  }
  // A tick-driven rule whose condition is `stale_for(duration_ms)`.
  RulePlan StaleFor(int64_t duration_ms, std::string text = "stale_for") {
    RulePlan out = Done(Tick(PlanOp::kStaleFor, duration_ms, std::move(text)));
    out.tick_driven = true;
    return out;
  }
};

}  // namespace vigil
