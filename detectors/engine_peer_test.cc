// Peer terms (core/rule_plan.h: a kAggregate node with peer_metric): a rule reads another
// metric's series, matched by `by` labels, for their values only. Hand-checked values, a
// brute-force reference, and batch / streaming parity (values, flags, alerts).

#include "detectors/engine.h"
#include "detectors/plan_testing.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <tuple>

namespace vigil {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool Same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

// The fixture: util of four GPUs of host h1 (1 s apart, 100 then 10 from t = 11 s) and `done`
// markers: GPU 0's before util starts (then a 1 at 10.5 s), GPU 1's only after util started
// (12.5 s), none for GPU 2, two for GPU 3 (two pods; one NaN point), one of another host.
std::vector<TimeSeries> Fixture() {
  std::vector<TimeSeries> s;
  s.push_back(Series("done", {{"Hostname", "h1"}, {"gpu", "0"}}, {500, 5500, 10500}, {0, 0, 1}));
  for (int g = 0; g < 4; ++g) {
    std::vector<int64_t> ts;
    std::vector<double> vs;
    for (int i = 0; i < 20; ++i) {
      ts.push_back(1000 * (i + 1));
      vs.push_back(i < 10 ? 100.0 : 10.0);
    }
    s.push_back(Series("util", {{"Hostname", "h1"}, {"gpu", std::to_string(g)}}, ts, vs));
  }
  s.push_back(Series("done", {{"Hostname", "h1"}, {"gpu", "1"}}, {12500, 13500}, {1, 1}));
  s.push_back(Series("done", {{"Hostname", "h1"}, {"gpu", "3"}, {"pod", "a"}}, {2000, 6000}, {0, 0}));
  s.push_back(Series("done", {{"Hostname", "h1"}, {"gpu", "3"}, {"pod", "b"}}, {3000, 4000}, {kNaN, 7}));
  s.push_back(Series("done", {{"Hostname", "h2"}, {"gpu", "0"}}, {1000, 2000}, {5, 5}));
  s.push_back(Series("other", {{"Hostname", "h1"}, {"gpu", "2"}}, {1000, 2000}, {9, 9}));
  return s;
}

// Brute force: the max (or sum) over the series named `metric` with the same Hostname and gpu
// as `self`, of each one's latest point at or before t, not older than lookback, NaN left out.
double Reference(const std::vector<TimeSeries>& all, const TimeSeries& self, const std::string& metric, int64_t t,
                 int64_t lookback, bool sum) {
  std::vector<double> vals;
  for (const TimeSeries& p : all) {
    if (p.name != metric || p.labels.at("Hostname") != self.labels.at("Hostname") ||
        p.labels.at("gpu") != self.labels.at("gpu"))
      continue;
    int last = -1;
    for (size_t j = 0; j < p.size(); ++j)
      if (p.timestamps_ms[j] <= t) last = static_cast<int>(j);
    if (last < 0 || t - p.timestamps_ms[last] > lookback || std::isnan(p.values[last])) continue;
    vals.push_back(p.values[last]);
  }
  if (vals.empty()) return kNaN;
  double out = sum ? 0 : vals[0];
  for (double v : vals) out = sum ? out + v : std::max(out, v);
  return out;
}

// `util < 50 and not (max(max by (Hostname, gpu) (done), 1h) == 1)`, lookback 4 s; the peer
// term's node in *peer (and `sum by (Hostname, gpu) (done)` in *peer_sum, explained).
RulePlan DropPlan(int32_t* peer, int32_t* peer_sum) {
  TestPlan p("UtilDrop", "util");
  const int32_t v = p.Value();
  *peer = p.Peer(AggFn::kMax, "done", {"Hostname", "gpu"});
  *peer_sum = p.Peer(AggFn::kSum, "done", {"Hostname", "gpu"});
  const int32_t seen = p.Cmp(PlanOp::kEq, p.Window(WindowFn::kMax, *peer, false, 3600000), p.Const(1));
  const int32_t low = p.Cmp(PlanOp::kLt, v, p.Const(50));
  const int32_t cond = p.Node(PlanOp::kAnd, {low, p.Node(PlanOp::kNot, {seen}, ValueType::kBool)}, ValueType::kBool);
  RulePlan plan = p.Done(cond);
  plan.explain_nodes.push_back(*peer_sum);
  plan.lookback_ms = 4000;
  plan.for_ms = 3000;
  return plan;
}

struct Streamed {
  std::map<size_t, std::vector<std::vector<double>>> vals;  // [series] -> per evaluation, node values
  std::map<std::pair<size_t, size_t>, std::vector<std::vector<double>>> rule_vals;  // [rule, series] -> as vals
  std::map<size_t, std::vector<uint8_t>> flags;             // [series] -> per point
  std::vector<Alert> alerts;                                 // firing transitions and resolutions
};

// Streams `series` in time order (ties in series order), each series declared just before its
// first point when `late` (else all first); `remove_at`: series removed at the first tick at or
// after the time.
Streamed Stream(const CompiledRules& rules, const std::vector<TimeSeries>& series, bool late,
                std::map<size_t, int64_t> remove_at = {}) {
  Streamed out;
  std::map<size_t, size_t> input_of;  // engine index -> input index
  StreamingEngine::Callbacks cb;
  cb.on_trace = [&](size_t r, size_t s, int64_t, bool, bool, std::span<const double> v) {
    out.vals[input_of.at(s)].emplace_back(v.begin(), v.end());
    out.rule_vals[{r, input_of.at(s)}].emplace_back(v.begin(), v.end());
  };
  cb.on_point = [&](size_t s, int64_t, uint8_t f) { out.flags[input_of.at(s)].push_back(f); };
  cb.on_alert = [&](const Alert& a) { out.alerts.push_back(a); };
  EngineOptions opt;
  opt.trace_nodes = true;
  auto eng = StreamingEngine::Create(rules, opt, cb);
  REQUIRE(eng.ok());
  std::vector<std::tuple<int64_t, size_t, double>> events;
  for (size_t i = 0; i < series.size(); ++i)
    for (size_t j = 0; j < series[i].size(); ++j) events.emplace_back(series[i].timestamps_ms[j], i, series[i].values[j]);
  std::stable_sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
  std::map<size_t, size_t> index;  // input -> engine index
  auto declare = [&](size_t i) {
    if (index.count(i)) return;
    auto si = (*eng)->AddSeries(series[i].name, series[i].labels);
    REQUIRE(si.ok());
    index[i] = *si;
    input_of[*si] = i;
  };
  if (!late)
    for (size_t i = 0; i < series.size(); ++i) declare(i);
  int64_t last = std::numeric_limits<int64_t>::min();
  for (auto& [t, i, x] : events) {
    if (t != last) {
      for (auto it = remove_at.begin(); it != remove_at.end();) {
        if (it->second > t) {
          ++it;
          continue;
        }
        REQUIRE((*eng)->Flush().ok());
        const size_t gone = index.at(it->first);
        REQUIRE((*eng)->RemoveSeries(std::span<const size_t>(&gone, 1)).ok());
        it = remove_at.erase(it);
      }
      last = t;
    }
    declare(i);
    REQUIRE((*eng)->Append(index.at(i), t, x).ok());
  }
  REQUIRE((*eng)->Flush().ok());
  return out;
}

Streamed Stream(const RulePlan& plan, const std::vector<TimeSeries>& series, bool late,
                std::map<size_t, int64_t> remove_at = {}) {
  return Stream(CompiledRules{{plan}}, series, late, std::move(remove_at));
}

// Batch and streaming agree on every node value, flag and alert.
void CheckParity(const RulePlan& plan, const std::vector<TimeSeries>& series, const BatchResult& batch, bool late) {
  const Streamed st = Stream(plan, series, late);
  for (const RuleSeriesTrace& tr : batch.traces) {
    const auto& sv = st.vals.at(tr.series);
    REQUIRE(sv.size() == tr.timestamps_ms.size());
    for (size_t node = 0; node < plan.nodes.size(); ++node)
      for (size_t i = 0; i < sv.size(); ++i) {
        INFO("series ", tr.series, " node ", node, " point ", i);
        CHECK(Same(sv[i][node], tr.node_values[node][i]));
      }
  }
  for (size_t s = 0; s < series.size(); ++s) {
    std::vector<uint8_t> sf = st.flags.count(s) ? st.flags.at(s) : std::vector<uint8_t>{};
    CHECK(sf == batch.flags[s]);
  }
  std::vector<std::tuple<std::string, int64_t>> firing;
  for (const Alert& a : st.alerts)
    if (a.state == AlertState::kFiring) firing.emplace_back(a.fingerprint, a.starts_at_ms);
  std::vector<std::tuple<std::string, int64_t>> batch_firing;
  for (const Alert& a : batch.alerts) batch_firing.emplace_back(a.fingerprint, a.starts_at_ms);
  std::sort(firing.begin(), firing.end());
  std::sort(batch_firing.begin(), batch_firing.end());
  CHECK(firing.size() == batch_firing.size());
  for (size_t i = 0; i < std::min(firing.size(), batch_firing.size()); ++i) {
    CHECK(std::get<0>(firing[i]) == std::get<0>(batch_firing[i]));
    CHECK(std::get<1>(firing[i]) == std::get<1>(batch_firing[i]));
  }
}

// Batch with node traces, checked against streaming (CheckParity).
BatchResult BatchWithParity(const RulePlan& plan, const std::vector<TimeSeries>& series, bool late) {
  EngineOptions opt;
  opt.trace_nodes = true;
  auto r = EvaluateBatch(CompiledRules{{plan}}, series, opt);
  REQUIRE(r.ok());
  CheckParity(plan, series, *r, late);
  return std::move(*r);
}

TEST_CASE("peer term: the latest value of the named metric's series with the same labels (hand-checked, reference)") {
  const std::vector<TimeSeries> series = Fixture();
  int32_t peer = 0, peer_sum = 0;
  const RulePlan plan = DropPlan(&peer, &peer_sum);
  REQUIRE(ValidatePlan(plan).ok());
  const BatchResult batch = BatchWithParity(plan, series, false);
  const BatchResult* r = &batch;
  REQUIRE(r->traces.size() == 4);  // the util series only: peers are read, not evaluated
  std::map<std::string, const RuleSeriesTrace*> by_gpu;
  for (const RuleSeriesTrace& tr : r->traces) {
    const TimeSeries& self = series[tr.series];
    REQUIRE(self.name == "util");
    by_gpu[self.labels.at("gpu")] = &tr;
    for (size_t i = 0; i < tr.timestamps_ms.size(); ++i) {
      INFO("gpu ", self.labels.at("gpu"), " t ", tr.timestamps_ms[i]);
      CHECK(Same(tr.node_values[peer][i], Reference(series, self, "done", tr.timestamps_ms[i], 4000, false)));
      CHECK(Same(tr.node_values[peer_sum][i], Reference(series, self, "done", tr.timestamps_ms[i], 4000, true)));
    }
  }
  // Hand-checked (index i is t = (i + 1) s).
  const auto& g0 = by_gpu.at("0")->node_values[peer];
  CHECK(g0[0] == 0);              // 0 at 0.5 s: the peer's point came before the series' first
  CHECK(g0[10] == 1);             // 1 at 10.5 s
  CHECK(g0[13] == 1);             // 14 s: 3.5 s old
  CHECK(std::isnan(g0[14]));      // 15 s: 4.5 s old, past the 4 s lookback
  const auto& g1 = by_gpu.at("1")->node_values[peer];
  CHECK(std::isnan(g1[11]));      // 12 s: GPU 1's marker starts at 12.5 s
  CHECK(g1[12] == 1);
  for (double x : by_gpu.at("2")->node_values[peer]) CHECK(std::isnan(x));  // none (h2's and `other` do not count)
  const auto& g3 = by_gpu.at("3")->node_values[peer];
  CHECK(g3[2] == 0);              // 3 s: pod a's 0; pod b's NaN left out
  CHECK(g3[3] == 7);              // 4 s: the larger of 0 and 7
  // Alerts (`for` 3 s): GPU 0 saw the marker before its drop (quiet); GPU 1's came 1.5 s into
  // the drop, before `for` (quiet); GPU 2 (none) and 3 (7, never 1) alert. The `done` series, whose values are < 50, raise nothing.
  std::vector<std::string> alerted;
  for (const Alert& a : r->alerts) alerted.push_back(a.labels.at("gpu"));
  std::sort(alerted.begin(), alerted.end());
  CHECK(alerted == std::vector<std::string>{"2", "3"});
  for (size_t s = 0; s < series.size(); ++s)
    if (series[s].name != "util")
      for (uint8_t f : r->flags[s]) CHECK(f == 0);
}

TEST_CASE("peer term, streaming: peer series declared late (after data) give batch's values, flags and alerts") {
  const std::vector<TimeSeries> series = Fixture();
  int32_t peer = 0, peer_sum = 0;
  BatchWithParity(DropPlan(&peer, &peer_sum), series, true);
}

TEST_CASE("peer term, streaming: a removed peer series no longer counts") {
  const std::vector<TimeSeries> series = Fixture();
  int32_t peer = 0, peer_sum = 0;
  const RulePlan plan = DropPlan(&peer, &peer_sum);
  const Streamed kept = Stream(plan, series, false);
  const Streamed removed = Stream(plan, series, false, {{0, 12000}});  // GPU 0's marker, at 12 s
  const auto& a = kept.vals.at(1);  // util of GPU 0
  const auto& b = removed.vals.at(1);
  REQUIRE(a.size() == 20);
  REQUIRE(b.size() == 20);
  CHECK(a[11][peer] == 1);
  CHECK(b[10][peer] == 1);          // 11 s: before the removal
  CHECK(std::isnan(b[11][peer]));   // 12 s: removed, though within the lookback
  CHECK(a[12][peer] == 1);
}

TEST_CASE("peer term with `ignoring` and a peer-group aggregation in one rule: batch and streaming agree") {
  // util with a pod label that comes and goes (merged by `ignoring (pod)`), a peer term and
  // `median by (Hostname)` of the rule's own series.
  std::vector<TimeSeries> series = Fixture();
  series.push_back(Series("util", {{"Hostname", "h1"}, {"gpu", "2"}, {"pod", "x"}}, {500, 1500, 2500}, {90, 80, 5}));
  TestPlan p("Mixed", "util");
  p.plan.selector.ignoring = {"pod"};
  const int32_t v = p.Value();
  const int32_t peer = p.Peer(AggFn::kCount, "done", {"Hostname", "gpu"});
  const int32_t med = p.Agg(AggFn::kMedian, v, {"Hostname"});
  const int32_t cond = p.Node(PlanOp::kAnd,
                              {p.Cmp(PlanOp::kLt, v, p.Node(PlanOp::kMul, {p.Const(0.5), med})),
                               p.Cmp(PlanOp::kLt, p.Node(PlanOp::kAdd, {peer, p.Const(0)}), p.Const(2))},
                              ValueType::kBool);
  RulePlan plan = p.Done(cond);
  plan.lookback_ms = 4000;
  REQUIRE(ValidatePlan(plan).ok());
  BatchWithParity(plan, series, false);
}

// Review RV (2026-12-05): DET6's peer series and PERF1's per-series rule lists (CloseTick's
// point_rules, built once per series at the first tick after it is added) in one engine: two rules,
// each reading the other's metric through a peer term, so every series is a member of one rule and
// a peer of the other; series join after the rules' first ticks, a peer whose group has no member
// yet, a member that opens a new group later, a series declared within an open tick. Streaming
// (declared first, and each series just before its first point) against batch: every node value,
// flag and alert.
TEST_CASE("peer terms, streaming: two rules reading each other's metric, series joining at every stage, as batch") {
  std::vector<TimeSeries> series;
  auto secs = [](std::vector<double> s) {
    std::vector<int64_t> out;
    for (double x : s) out.push_back(static_cast<int64_t>(x * 1000));
    return out;
  };
  std::vector<double> t20, v20;
  for (int i = 1; i <= 20; ++i) {
    t20.push_back(i);
    v20.push_back(i <= 10 ? 100 : 10);
  }
  series.push_back(Series("util", {{"Hostname", "h1"}, {"gpu", "0"}}, secs(t20), v20));  // from the first tick
  series.push_back(Series("done", {{"Hostname", "h1"}, {"gpu", "1"}}, secs({3, 9.5, 16}), {0, 1, 1}));  // before its group's member
  series.push_back(Series("done", {{"Hostname", "h1"}, {"gpu", "0"}}, secs({6, 12, 13, 14}), {0, 1, 1, 0}));  // after rule A's first ticks
  std::vector<double> t8(t20.begin() + 7, t20.end()), v8(v20.begin() + 7, v20.end());
  series.push_back(Series("util", {{"Hostname", "h1"}, {"gpu", "1"}}, secs(t8), v8));  // a new group, at 8 s
  series.push_back(Series("done", {{"Hostname", "h1"}, {"gpu", "0"}, {"pod", "b"}}, secs({12, 15, 18}), {kNaN, 1, 1}));  // declared within the open tick 12 s
  series.push_back(Series("util", {{"Hostname", "h2"}, {"gpu", "0"}}, secs({14, 15, 16, 17, 18}), {5, 5, 5, 5, 5}));  // no peer ever
  series.push_back(Series("done", {{"Hostname", "h2"}, {"gpu", "0"}}, secs({19}), {1}));  // its peer, last

  // Rule A: util low, no `done` marker of its GPU (a peer term); rule B: a `done` marker set while
  // its GPU's util is low (a peer term the other way).
  TestPlan a("UtilDrop", "util");
  const int32_t a_peer = a.Peer(AggFn::kMax, "done", {"Hostname", "gpu"});
  const int32_t a_cond = a.Node(PlanOp::kAnd,
                                {a.Cmp(PlanOp::kLt, a.Value(), a.Const(50)),
                                 a.Node(PlanOp::kNot, {a.Cmp(PlanOp::kEq, a.Window(WindowFn::kMax, a_peer, false, 3600000), a.Const(1))},
                                        ValueType::kBool)},
                                ValueType::kBool);
  RulePlan plan_a = a.Done(a_cond);
  plan_a.lookback_ms = 4000;
  plan_a.for_ms = 2000;
  TestPlan b("DoneWhileLow", "done");
  const int32_t b_peer = b.Peer(AggFn::kMin, "util", {"Hostname", "gpu"});
  const int32_t b_cond = b.Node(PlanOp::kAnd, {b.Cmp(PlanOp::kGt, b.Value(), b.Const(0.5)), b.Cmp(PlanOp::kLt, b_peer, b.Const(50))},
                                ValueType::kBool);
  RulePlan plan_b = b.Done(b_cond);
  plan_b.lookback_ms = 2500;
  REQUIRE(ValidatePlan(plan_a).ok());
  REQUIRE(ValidatePlan(plan_b).ok());
  const CompiledRules rules{{plan_a, plan_b}};

  EngineOptions opt;
  opt.trace_nodes = true;
  auto batch = EvaluateBatch(rules, series, opt);
  REQUIRE(batch.ok());
  REQUIRE(batch->traces.size() == 7);  // util's 3 in rule A, done's 4 in rule B
  std::map<std::pair<size_t, size_t>, const RuleSeriesTrace*> want;
  for (const RuleSeriesTrace& tr : batch->traces) want[{tr.rule, tr.series}] = &tr;
  // The fixture reaches both sides of each peer term (not NaN everywhere, not constant).
  std::set<double> seen_a, seen_b;
  for (const auto& [key, tr] : want)
    for (double x : tr->node_values[key.first == 0 ? a_peer : b_peer]) (key.first == 0 ? seen_a : seen_b).insert(std::isnan(x) ? -1 : x);
  CHECK(seen_a == std::set<double>{-1, 0, 1});
  CHECK(seen_b == std::set<double>{-1, 5, 10, 100});  // 5: h2's util, its peer declared last
  CHECK(!batch->alerts.empty());

  for (const bool late : {false, true}) {
    INFO("declared ", std::string(late ? "just before the first point" : "first"));
    const Streamed st = Stream(rules, series, late);
    const auto& vals = st.rule_vals;
    std::vector<std::tuple<std::string, int64_t>> firing;
    for (const Alert& x : st.alerts)
      if (x.state == AlertState::kFiring) firing.emplace_back(x.fingerprint, x.starts_at_ms);
    for (const auto& [key, tr] : want) {
      INFO("rule ", key.first, " series ", key.second);
      REQUIRE(vals.count(key));
      const auto& sv = vals.at(key);
      REQUIRE(sv.size() == tr->timestamps_ms.size());
      for (size_t node = 0; node < rules.rules[key.first].nodes.size(); ++node)
        for (size_t i = 0; i < sv.size(); ++i) {
          INFO("node ", node, " t ", tr->timestamps_ms[i]);
          CHECK(Same(sv[i][node], tr->node_values[node][i]));
        }
    }
    CHECK(vals.size() == want.size());
    for (size_t s = 0; s < series.size(); ++s) {
      INFO("series ", s);
      CHECK((st.flags.count(s) ? st.flags.at(s) : std::vector<uint8_t>{}) == batch->flags[s]);
    }
    std::vector<std::tuple<std::string, int64_t>> batch_firing;
    for (const Alert& x : batch->alerts) batch_firing.emplace_back(x.fingerprint, x.starts_at_ms);
    std::sort(firing.begin(), firing.end());
    std::sort(batch_firing.begin(), batch_firing.end());
    CHECK(firing == batch_firing);
  }
}

TEST_CASE("peer term plans received as data: no input, `by` labels, not in a stale_for rule") {
  int32_t peer = 0, peer_sum = 0;
  RulePlan plan = DropPlan(&peer, &peer_sum);
  RulePlan with_input = plan;
  with_input.nodes[peer].inputs = {0};
  CHECK(ValidatePlan(with_input).message().find("wrong number of inputs") != std::string::npos);
  RulePlan no_by = plan;
  no_by.nodes[peer].by.clear();
  CHECK(ValidatePlan(no_by).message().find("needs `by` labels") != std::string::npos);
  RulePlan not_agg = plan;
  not_agg.nodes[0].peer_metric = "done";
  CHECK(ValidatePlan(not_agg).message().find("no aggregation") != std::string::npos);
  RulePlan tick = plan;
  tick.tick_driven = true;
  CHECK(ValidatePlan(tick).message().find("stale_for") != std::string::npos);
  CHECK(!EvaluateBatch(CompiledRules{{no_by}}, {}).ok());
}

}  // namespace
}  // namespace vigil
