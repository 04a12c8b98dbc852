// StreamingEngine::RemoveSeries (detectors/engine.h): a label churn (pods) must not fill a rule's
// max_series_per_rule for good. Plans are built by hand (detectors/ does not depend on rules/).
// GCC 12 at -O3 (build-s, scripts/test) reports false -Wrestrict errors inside std::string's
// inlined copies here (GCC PR 105329), on "p" + std::to_string(pod) and, with that rewritten, on
// plain assignments of literals: off for this file only.
#pragma GCC diagnostic ignored "-Wrestrict"
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "detectors/engine.h"

namespace vigil {
namespace {

// `m > 5` (`for` 0), or with `by` a rule `m > 0 and sum by (by) (m) > 100`.
RulePlan Above5(const std::string& name, const std::string& by = "") {
  RulePlan plan;
  plan.name = name;
  plan.file = "test";
  plan.selector.metric = "m";
  PlanBuilder b{&plan.nodes};
  auto add = [&](PlanOp op, std::vector<int32_t> in, ValueType type, double c = 0) {
    PlanNode n;
    n.op = op;
    n.inputs = std::move(in);
    n.type = type;
    n.constant = c;
    n.text = "n" + std::to_string(plan.nodes.size());
    return b.Add(std::move(n));
  };
  const int32_t v = add(PlanOp::kValue, {}, ValueType::kNumber);
  int32_t cond = add(PlanOp::kGt, {v, add(PlanOp::kConst, {}, ValueType::kNumber, by.empty() ? 5 : 0)}, ValueType::kBool);
  if (!by.empty()) {
    PlanNode agg;
    agg.op = PlanOp::kAggregate;
    agg.agg_fn = AggFn::kSum;
    agg.inputs = {v};
    agg.by = {by};
    agg.text = "sum by";
    const int32_t sum = b.Add(std::move(agg));
    const int32_t big = add(PlanOp::kGt, {sum, add(PlanOp::kConst, {}, ValueType::kNumber, 100)}, ValueType::kBool);
    cond = add(PlanOp::kAnd, {cond, big}, ValueType::kBool);
  }
  plan.condition = cond;
  plan.explain_nodes = {cond};
  for (const auto& n : plan.nodes) plan.max_stage = std::max(plan.max_stage, n.stage);
  return plan;
}

// stale_for(d) over `other`, by hand (detectors/ does not depend on rules/).
RulePlan StaleFor(const std::string& name, int64_t d_ms) {
  RulePlan stale;
  stale.name = name;
  stale.file = "test";
  stale.selector.metric = "other";
  PlanBuilder b{&stale.nodes};
  PlanNode n;
  n.op = PlanOp::kStaleFor;
  n.type = ValueType::kBool;
  n.duration_ms = d_ms;
  n.text = "stale_for(";
  n.text += std::to_string(d_ms / 1000);
  n.text += "s)";
  stale.condition = b.Add(std::move(n));
  stale.explain_nodes = {stale.condition};
  stale.tick_driven = true;
  return stale;
}

// A streaming engine over one rule that keeps every alert transition it reports; `on_point`, when
// given, is its per-point callback.
struct RecordingEngine {
  explicit RecordingEngine(RulePlan plan, const EngineOptions& opt = {},
                           std::function<void(size_t, int64_t, uint8_t)> on_point = nullptr) {
    StreamingEngine::Callbacks cb;
    cb.on_alert = [this](const Alert& a) { transitions.push_back(a); };
    cb.on_point = std::move(on_point);
    auto made = StreamingEngine::Create(CompiledRules{{std::move(plan)}}, opt, cb);
    REQUIRE(made.ok());
    engine = std::move(*made);
  }
  RecordingEngine(const RecordingEngine&) = delete;
  RecordingEngine& operator=(const RecordingEngine&) = delete;

  std::vector<Alert> transitions;
  std::unique_ptr<StreamingEngine> engine;
};

TEST_CASE("RemoveSeries: churn past max_series_per_rule keeps taking new series; a removed one comes back new") {
  EngineOptions opt;
  opt.limits.max_series_per_rule = 3;
  RecordingEngine r(Above5("Hot"), opt);
  StreamingEngine& e = *r.engine;
  const std::vector<Alert>& transitions = r.transitions;
  // Pods p0, p1, ... three at a time, each gets 2 points then is removed: 9 pods, 3x the limit.
  int64_t t = 1000;
  std::vector<size_t> live;
  for (int pod = 0; pod < 9; ++pod) {
    Result<size_t> si = e.AddSeries("m", {{"pod", "p" + std::to_string(pod)}});
    REQUIRE_MESSAGE(si.ok(), si.status().ToString());
    live.push_back(*si);
    if (live.size() < 3) continue;
    // The limit is reached: a fourth is refused until one is removed.
    CHECK(e.AddSeries("m", {{"pod", "extra"}}).status().code() == StatusCode::kOutOfRange);
    for (int k = 0; k < 2; ++k, t += 1000)
      for (size_t s : live) REQUIRE(e.Append(s, t, s == live.back() ? 9 : 1).ok());
    REQUIRE(e.Flush().ok());
    CHECK(e.ActiveAlerts().size() == 1);  // the newest pod fires
    REQUIRE(e.RemoveSeries(live).ok());
    CHECK(e.ActiveAlerts().empty());  // dropped with its series, no transition reported
    CHECK(e.Append(live.front(), t, 1).code() == StatusCode::kInvalidArgument);
    CHECK(e.RemoveSeries(std::vector<size_t>{live.front()}).code() == StatusCode::kInvalidArgument);
    live.clear();
  }
  CHECK(transitions.size() == 3);  // three firings, no resolution for the removed ones
  // p8 comes back: a new series (new index), fresh state: it fires again at its first hot point.
  Result<size_t> back = e.AddSeries("m", {{"pod", "p8"}});
  REQUIRE(back.ok());
  CHECK(*back == 9);
  REQUIRE(e.Append(*back, t, 9).ok());
  REQUIRE(e.Flush().ok());
  REQUIRE(transitions.size() == 4);
  CHECK(transitions.back().state == AlertState::kFiring);
  CHECK(transitions.back().starts_at_ms == t);
}

TEST_CASE("RemoveSeries: aggregation groups lose the removed member; refused cases remove nothing") {
  EngineOptions opt;
  RulePlan sum = Above5("Sum", "job");
  sum.lookback_ms = 5000;  // a member's value counts in the group for 5 s
  RecordingEngine r(sum, opt);
  StreamingEngine& e = *r.engine;
  const std::vector<Alert>& transitions = r.transitions;
  std::vector<size_t> s;
  for (int i = 0; i < 3; ++i) s.push_back(*e.AddSeries("m", {{"job", "j"}, {"pod", std::to_string(i)}}));
  for (size_t x : s) REQUIRE(e.Append(x, 1000, 60).ok());
  // A point at the open timestamp: Flush first.
  CHECK(e.RemoveSeries(std::vector<size_t>{s[0]}).code() == StatusCode::kFailedPrecondition);
  REQUIRE(e.Flush().ok());
  CHECK(transitions.size() == 3);  // sum 180 > 100: all three fire
  // Remove pod 0 (the others move in the member list): the group's sum is now 2 x 60 = 120, then
  // with pod 1 at 30 it is 90: both remaining resolve. With pod 0 still counted it would be 150.
  REQUIRE(e.RemoveSeries(std::vector<size_t>{s[0]}).ok());
  CHECK(e.ActiveAlerts().size() == 2);
  REQUIRE(e.Append(s[1], 2000, 30).ok());
  REQUIRE(e.Append(s[2], 2000, 60).ok());
  REQUIRE(e.Flush().ok());
  CHECK(e.ActiveAlerts().empty());
  CHECK(transitions.size() == 5);
  // A refused call (one of them has a point at the open timestamp) removes none of them.
  auto tick = StreamingEngine::Create(CompiledRules{{Above5("Hot")}}, opt, {});
  REQUIRE(tick.ok());
  const size_t a = *(*tick)->AddSeries("m", {});
  const size_t o = *(*tick)->AddSeries("m", {{"pod", "x"}});
  REQUIRE((*tick)->Append(o, 1000, 1).ok());
  CHECK((*tick)->RemoveSeries(std::vector<size_t>{a, o}).code() == StatusCode::kFailedPrecondition);
  REQUIRE((*tick)->Flush().ok());
  CHECK((*tick)->Append(a, 2000, 1).ok());  // a kept: nothing was removed
  REQUIRE((*tick)->Flush().ok());
  CHECK((*tick)->RemoveSeries(std::vector<size_t>{a}).ok());
}

// Appends `series` to the engine in time order (all points of a timestamp, then the next).
void Feed(StreamingEngine& e, const std::vector<std::pair<size_t, const TimeSeries*>>& series, int64_t from,
          int64_t to) {
  for (int64_t t = from; t <= to; t += 1000)
    for (const auto& [si, s] : series)
      for (size_t i = 0; i < s->size(); ++i)
        if (s->timestamps_ms[i] == t) REQUIRE(e.Append(si, t, s->values[i]).ok());
}

TEST_CASE("RemoveSeries: an ignoring rule's identity keeps evaluating from its other input; its last input takes it") {
  // OD3: the members of an `ignoring` rule were refused (FailedPrecondition), so with pod churn
  // such a rule reached max_series_per_rule and refused new pods for good.
  // `m > 5 for 8s` ignoring (pod): pod a hot 1..5 s, pod b hot 4..14 s: one identity {job=j},
  // pending from 1 s (a's point), firing at 9 s only if a's points still count after a is removed.
  RulePlan hot = Above5("Merged");
  hot.selector.ignoring = {"pod"};
  hot.for_ms = 8000;
  TimeSeries a{"m", {{"job", "j"}, {"pod", "a"}}, {}, {}, {}};
  TimeSeries b{"m", {{"job", "j"}, {"pod", "b"}}, {}, {}, {}};
  for (int64_t t = 1000; t <= 5000; t += 1000) REQUIRE(a.Append(t, 9).ok());
  for (int64_t t = 4000; t <= 14'000; t += 1000) REQUIRE(b.Append(t, 9).ok());
  EngineOptions opt;
  opt.limits.max_series_per_rule = 2;
  std::vector<std::pair<int64_t, uint8_t>> b_flags;
  RecordingEngine r(hot, opt, [&](size_t si, int64_t t, uint8_t flag) {
    if (si == 1) b_flags.emplace_back(t, flag);
  });
  StreamingEngine& e = *r.engine;
  const std::vector<Alert>& transitions = r.transitions;
  const size_t sa = *e.AddSeries(a.name, a.labels);
  const size_t sb = *e.AddSeries(b.name, b.labels);
  Feed(e, {{sa, &a}, {sb, &b}}, 1000, 6000);
  REQUIRE(e.Flush().ok());
  // At the limit (2 input series): a third pod is refused until an input goes.
  CHECK(e.AddSeries("m", {{"job", "j"}, {"pod", "c"}}).status().code() == StatusCode::kOutOfRange);
  Status removed = e.RemoveSeries(std::vector<size_t>{sa});
  REQUIRE_MESSAGE(removed.ok(), removed.ToString());
  Feed(e, {{sb, &b}}, 7000, 14'000);
  REQUIRE(e.Flush().ok());
  // Batch over the same data: one episode firing at 9 s, still firing at the end.
  EngineOptions bopt;
  auto batch = EvaluateBatch(CompiledRules{{hot}}, std::vector<TimeSeries>{a, b}, bopt);
  REQUIRE(batch.ok());
  REQUIRE(batch->alerts.size() == 1);
  CHECK(batch->alerts[0].starts_at_ms == 9000);
  REQUIRE(transitions.size() == 1);
  CHECK(transitions[0].state == AlertState::kFiring);
  CHECK(transitions[0].starts_at_ms == batch->alerts[0].starts_at_ms);
  CHECK(transitions[0].active_at_ms == batch->alerts[0].active_at_ms);
  CHECK(transitions[0].fingerprint == batch->alerts[0].fingerprint);
  CHECK(transitions[0].labels == batch->alerts[0].labels);
  REQUIRE(b_flags.size() == b.size());
  for (size_t i = 0; i < b.size(); ++i) {
    CHECK(b_flags[i].first == b.timestamps_ms[i]);
    CHECK(b_flags[i].second == batch->flags[1][i]);
  }
  CHECK(e.ActiveAlerts().size() == 1);
  // Room again: a new pod of the identity is taken (it counts as an input), then removed.
  Result<size_t> c = e.AddSeries("m", {{"job", "j"}, {"pod", "c"}});
  REQUIRE(c.ok());
  REQUIRE(e.RemoveSeries(std::vector<size_t>{*c}).ok());
  // b, the identity's last input, goes: the identity with its firing alert (no transition).
  REQUIRE(e.RemoveSeries(std::vector<size_t>{sb}).ok());
  CHECK(e.ActiveAlerts().empty());
  CHECK(e.Append(sb, 15'000, 9).code() == StatusCode::kInvalidArgument);
  // b back: a new identity, fresh state (pending from 15 s, not firing at its first point).
  Result<size_t> back = e.AddSeries(b.name, b.labels);
  REQUIRE(back.ok());
  REQUIRE(e.Append(*back, 15'000, 9).ok());
  REQUIRE(e.Flush().ok());
  CHECK(e.ActiveAlerts().empty());
  for (int64_t t = 16'000; t <= 23'000; t += 1000) REQUIRE(e.Append(*back, t, 9).ok());
  REQUIRE(e.Flush().ok());
  REQUIRE(transitions.size() == 2);
  CHECK(transitions[1].starts_at_ms == 23'000);
}

TEST_CASE("RemoveSeries: a stale_for ignoring rule forgets an input, then the identity; a new identity after data is watched") {
  // OD3: RemoveSeries refused these series, and a new identity after the first point was refused
  // (FailedPrecondition), so a whole job that ended and came back was never watched again.
  RulePlan stale = StaleFor("Stale", 10'000);
  stale.selector.ignoring = {"pod"};
  TimeSeries a{"other", {{"job", "j"}, {"pod", "a"}}, {}, {}, {}};
  TimeSeries b{"other", {{"job", "j"}, {"pod", "b"}}, {}, {}, {}};
  TimeSeries clock{"clock", {}, {}, {}, {}};  // selected by no rule: a tick every second
  for (int64_t t = 1000; t <= 5000; t += 1000) REQUIRE(a.Append(t, 1).ok());
  for (int64_t t = 3000; t <= 20'000; t += 1000) REQUIRE(b.Append(t, 1).ok());
  for (int64_t t = 1000; t <= 40'000; t += 1000) REQUIRE(clock.Append(t, 0).ok());
  EngineOptions opt;
  opt.limits.max_series_per_rule = 2;
  RecordingEngine r(stale, opt);
  StreamingEngine& e = *r.engine;
  const std::vector<Alert>& transitions = r.transitions;
  const size_t sc = *e.AddSeries(clock.name, clock.labels);
  const size_t sa = *e.AddSeries(a.name, a.labels);
  const size_t sb = *e.AddSeries(b.name, b.labels);
  Feed(e, {{sc, &clock}, {sa, &a}, {sb, &b}}, 1000, 7000);
  REQUIRE(e.Flush().ok());
  CHECK(e.AddSeries("other", {{"job", "j"}, {"pod", "c"}}).status().code() == StatusCode::kOutOfRange);
  Status removed = e.RemoveSeries(std::vector<size_t>{sa});
  REQUIRE_MESSAGE(removed.ok(), removed.ToString());
  Feed(e, {{sc, &clock}, {sb, &b}}, 8000, 40'000);
  REQUIRE(e.Flush().ok());
  // As batch: the identity stale from 30 s (b's last point 20 s + 10 s).
  auto batch = EvaluateBatch(CompiledRules{{stale}}, std::vector<TimeSeries>{clock, a, b}, EngineOptions{});
  REQUIRE(batch.ok());
  REQUIRE(batch->alerts.size() == 1);
  CHECK(batch->alerts[0].starts_at_ms == 30'000);
  REQUIRE(transitions.size() == 1);
  CHECK(transitions[0].starts_at_ms == batch->alerts[0].starts_at_ms);
  CHECK(transitions[0].fingerprint == batch->alerts[0].fingerprint);
  CHECK(transitions[0].labels.count("pod") == 0);
  CHECK(e.ActiveAlerts().size() == 1);
  // b goes: the identity with its firing alert.
  REQUIRE(e.RemoveSeries(std::vector<size_t>{sb}).ok());
  CHECK(e.ActiveAlerts().empty());
  // The job back with pod c after data: a new identity, watched from its first point (41 s).
  Result<size_t> c = e.AddSeries("other", {{"job", "j"}, {"pod", "c"}});
  REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  REQUIRE(e.Append(sc, 41'000, 0).ok());
  REQUIRE(e.Append(*c, 41'000, 1).ok());
  for (int64_t t = 42'000; t <= 60'000; t += 1000) REQUIRE(e.Append(sc, t, 0).ok());
  REQUIRE(e.Flush().ok());
  REQUIRE(transitions.size() == 2);
  CHECK(transitions[1].state == AlertState::kFiring);
  CHECK(transitions[1].starts_at_ms == 51'000);
  CHECK(transitions[1].fingerprint == transitions[0].fingerprint);
}

TEST_CASE("RemoveSeries: a stale_for ignoring rule's alert names its input's pod after new identities came") {
  // Review RV-OD3: since OD3 a tick-driven `ignoring` rule takes new identities after data, so its
  // identities (Identity::source_labels) move when the vector grows, and a member's alert read the
  // labels of its last point through a pointer into the old storage (freed): the stale alert of
  // job j1, whose last point came before the new identities, named no pod (use after free).
  RulePlan stale = StaleFor("Stale", 10'000);
  stale.selector.ignoring = {"pod"};
  TimeSeries a{"other", {{"job", "j1"}, {"pod", "a"}}, {}, {}, {}};
  TimeSeries clock{"clock", {}, {}, {}, {}};
  for (int64_t t = 1000; t <= 5000; t += 1000) REQUIRE(a.Append(t, 1).ok());
  for (int64_t t = 1000; t <= 30'000; t += 1000) REQUIRE(clock.Append(t, 0).ok());
  std::vector<TimeSeries> later;  // 64 jobs from 6 s on, each with one pod
  for (int j = 2; j < 66; ++j) {
    std::string job = "j";
    job += std::to_string(j);
    later.push_back(TimeSeries{"other", {{"job", job}, {"pod", "p"}}, {}, {}, {}});
    for (int64_t t = 6000; t <= 30'000; t += 1000) REQUIRE(later.back().Append(t, 1).ok());
  }
  RecordingEngine r(stale);
  StreamingEngine& e = *r.engine;
  const std::vector<Alert>& transitions = r.transitions;
  const size_t sc = *e.AddSeries(clock.name, clock.labels);
  const size_t sa = *e.AddSeries(a.name, a.labels);
  Feed(e, {{sc, &clock}, {sa, &a}}, 1000, 5000);
  REQUIRE(e.Flush().ok());
  std::vector<std::pair<size_t, const TimeSeries*>> feed{{sc, &clock}};
  for (const TimeSeries& s : later) {
    Result<size_t> added = e.AddSeries(s.name, s.labels);
    REQUIRE_MESSAGE(added.ok(), added.status().ToString());
    feed.emplace_back(*added, &s);
  }
  Feed(e, feed, 6000, 30'000);
  REQUIRE(e.Flush().ok());
  std::vector<TimeSeries> all{clock, a};
  all.insert(all.end(), later.begin(), later.end());
  auto batch = EvaluateBatch(CompiledRules{{stale}}, all, EngineOptions{});
  REQUIRE(batch.ok());
  REQUIRE(batch->alerts.size() == 1);
  REQUIRE(transitions.size() == 1);
  CHECK(transitions[0].labels.at("job") == "j1");
  CHECK(transitions[0].starts_at_ms == batch->alerts[0].starts_at_ms);
  CHECK(batch->alerts[0].explanation["ignored_labels"].dump() == R"({"pod":"a"})");
  CHECK(transitions[0].explanation["ignored_labels"].dump() == R"({"pod":"a"})");
}

TEST_CASE("RemoveSeries: a stale_for rule's series goes with its firing alert; one added after data is watched") {
  // OD2: stale_for / absent rules took no series after the first point and refused RemoveSeries,
  // so online detection could neither watch a new pod for staleness nor forget a gone one (its
  // stale alert fired for good).
  EngineOptions opt;
  opt.limits.max_series_per_rule = 2;
  RecordingEngine r(StaleFor("Stale", 10'000), opt);
  StreamingEngine& e = *r.engine;
  const std::vector<Alert>& transitions = r.transitions;
  const size_t a = *e.AddSeries("other", {{"pod", "a"}});
  REQUIRE(e.Append(a, 1000, 1).ok());
  REQUIRE(e.Flush().ok());
  // After data: taken (it was FailedPrecondition), watched from its first point (2 s).
  Result<size_t> b = e.AddSeries("other", {{"pod", "b"}});
  REQUIRE_MESSAGE(b.ok(), b.status().ToString());
  for (int64_t t = 2000; t <= 30'000; t += 1000) {
    REQUIRE(e.Append(a, t, 1).ok());
    if (t <= 4000) REQUIRE(e.Append(*b, t, 1).ok());  // b stops at 4 s
  }
  REQUIRE(e.Flush().ok());
  REQUIRE(transitions.size() == 1);  // b stale from 14 s
  CHECK(transitions[0].labels.at("pod") == "b");
  CHECK(transitions[0].starts_at_ms == 14'000);
  CHECK(e.ActiveAlerts().size() == 1);
  // At the limit (2): a third is refused until b goes; b goes with its firing alert.
  CHECK(e.AddSeries("other", {{"pod", "c"}}).status().code() == StatusCode::kOutOfRange);
  REQUIRE(e.RemoveSeries(std::vector<size_t>{*b}).ok());
  CHECK(e.ActiveAlerts().empty());
  CHECK(e.Append(*b, 31'000, 1).code() == StatusCode::kInvalidArgument);
  Result<size_t> c = e.AddSeries("other", {{"pod", "c"}});
  REQUIRE(c.ok());
  for (int64_t t = 31'000; t <= 60'000; t += 1000) {
    REQUIRE(e.Append(a, t, 1).ok());
    if (t == 31'000) REQUIRE(e.Append(*c, t, 1).ok());  // c: one point, then gone
  }
  REQUIRE(e.Flush().ok());
  REQUIRE(transitions.size() == 2);  // no resolution for b (removed), c stale from 41 s
  CHECK(transitions[1].labels.at("pod") == "c");
  CHECK(transitions[1].starts_at_ms == 41'000);
}

TEST_CASE("RemoveSeries: a stale_for alert of a series before the removed one keeps its rule and labels") {
  // OD4 (found by engine_churn_fuzz_test.cc, seed 17 step 29 and four more of the first 300):
  // TickRule::RemoveMembers moved every kept member's state onto itself up to the first removed
  // one (`state_[k] = std::move(state_[k])`), which emptied a firing alert's rule, labels,
  // severity, annotations and fingerprint: ActiveAlerts returned it with `"rule":""` and its later
  // resolution carried no fingerprint (a caller could not match it to the firing it resolves).
  std::vector<Alert> transitions;
  StreamingEngine::Callbacks cb;
  cb.on_alert = [&](const Alert& x) { transitions.push_back(x); };
  auto made = StreamingEngine::Create(CompiledRules{{StaleFor("Stale", 3000)}}, {}, cb);
  REQUIRE(made.ok());
  StreamingEngine& e = **made;
  const size_t a = *e.AddSeries("other", {{"pod", "a"}});
  const size_t b = *e.AddSeries("other", {{"pod", "b"}});
  const size_t clock = *e.AddSeries("clock", {});
  REQUIRE(e.Append(a, 1000, 1).ok());
  REQUIRE(e.Append(b, 1000, 1).ok());
  for (int64_t t = 1000; t <= 6000; t += 1000) REQUIRE(e.Append(clock, t, 0).ok());
  REQUIRE(e.Flush().ok());
  REQUIRE(e.ActiveAlerts().size() == 2);  // a and b stale from 4 s
  REQUIRE(transitions.size() == 2);
  REQUIRE(transitions[0].labels == Labels{{"pod", "a"}});
  REQUIRE(e.RemoveSeries(std::vector<size_t>{b}).ok());  // a (member 0) comes before b
  const std::vector<Alert> active = e.ActiveAlerts();
  REQUIRE(active.size() == 1);
  CHECK(active[0].rule == "Stale");
  CHECK(active[0].labels == Labels{{"pod", "a"}});
  CHECK(active[0].fingerprint == transitions[0].fingerprint);
  REQUIRE(e.Append(a, 7000, 1).ok());  // a reports again: its alert resolves
  REQUIRE(e.Flush().ok());
  REQUIRE(transitions.size() == 3);
  CHECK(transitions[2].state == AlertState::kResolved);
  CHECK(transitions[2].rule == "Stale");
  CHECK(transitions[2].labels == Labels{{"pod", "a"}});
  CHECK(transitions[2].fingerprint == transitions[0].fingerprint);
}

// `sum by (job) (m) > 0.6`, peers within 500 ms.
RulePlan SumAbove06(bool ignoring_pod) {
  RulePlan plan;
  plan.name = "Sum06";
  plan.file = "test";
  plan.selector.metric = "m";
  if (ignoring_pod) plan.selector.ignoring = {"pod"};
  PlanBuilder b{&plan.nodes};
  PlanNode v;
  v.op = PlanOp::kValue;
  v.text = "m";
  const int32_t value = b.Add(std::move(v));
  PlanNode agg;
  agg.op = PlanOp::kAggregate;
  agg.agg_fn = AggFn::kSum;
  agg.inputs = {value};
  agg.by = {"job"};
  agg.text = "sum by (job) (m)";
  const int32_t sum = b.Add(std::move(agg));
  PlanNode c;
  c.op = PlanOp::kConst;
  c.constant = 0.6;
  c.text = "0.6";
  const int32_t limit = b.Add(std::move(c));
  PlanNode gt;
  gt.op = PlanOp::kGt;
  gt.type = ValueType::kBool;
  gt.inputs = {sum, limit};
  gt.text = "sum by (job) (m) > 0.6";
  plan.condition = b.Add(std::move(gt));
  plan.explain_nodes = {plan.condition};
  for (const auto& n : plan.nodes) plan.max_stage = std::max(plan.max_stage, n.stage);
  plan.lookback_ms = 500;
  return plan;
}

// Found by the churn differential test (engine_churn_fuzz_test.cc, seeds 14 and 218: a mean and
// a std by (job) one bit off batch's). RemoveSeries moved the last member into the removed one's
// place, and the aggregation visited the group in member order: no longer series order, so its
// sum (a floating-point sum depends on the order) differed from batch's, which visits peers in
// series order (core/rule_plan.h), and a comparison at the boundary flipped.
TEST_CASE("RemoveSeries: a group's aggregation still visits its peers in series order (batch's sum, bit for bit)") {
  for (bool ignoring : {false, true}) {
    INFO("ignoring (pod): ", ignoring);
    std::vector<std::vector<uint8_t>> flags(4);
    std::vector<double> sums;  // the sum's value at each evaluation after the removal
    EngineOptions opt;
    opt.trace_nodes = true;
    StreamingEngine::Callbacks cb;
    cb.on_point = [&](size_t s, int64_t, uint8_t f) { flags[s].push_back(f); };
    cb.on_trace = [&](size_t, size_t, int64_t t, bool, bool, std::span<const double> vals) {
      if (t == 2000) sums.push_back(vals[1]);
    };
    const RulePlan plan = SumAbove06(ignoring);
    auto made = StreamingEngine::Create(CompiledRules{{plan}}, opt, cb);
    REQUIRE(made.ok());
    StreamingEngine& e = **made;
    std::vector<TimeSeries> data(4);
    for (size_t s = 0; s < 4; ++s) {
      data[s].name = "m";
      data[s].labels = {{"job", "j"}, {"gpu", std::to_string(s)}, {"pod", "p"}};
      REQUIRE(e.AddSeries(data[s].name, data[s].labels).ok());
      REQUIRE(e.Append(s, 1000, 0).ok());
      data[s].timestamps_ms.push_back(1000);
      data[s].values.push_back(0);
    }
    REQUIRE(e.Flush().ok());
    const size_t first = 0;
    REQUIRE(e.RemoveSeries(std::span<const size_t>(&first, 1)).ok());
    // In series order 0.2 + 0.1 + 0.3 = 0.6000000000000001 > 0.6; with series 3 moved first,
    // 0.3 + 0.2 + 0.1 = 0.6, not above.
    const double x[] = {0, 0.2, 0.1, 0.3};
    for (size_t s = 1; s < 4; ++s) {
      REQUIRE(e.Append(s, 2000, x[s]).ok());
      data[s].timestamps_ms.push_back(2000);
      data[s].values.push_back(x[s]);
    }
    REQUIRE(e.Flush().ok());
    // Batch over the same points (series 0's point is older than the lookback at 2000).
    auto batch = EvaluateBatch(CompiledRules{{plan}}, data);
    REQUIRE(batch.ok());
    for (size_t s = 1; s < 4; ++s) {
      CHECK(batch->flags[s] == std::vector<uint8_t>{0, 1});
      CHECK(flags[s] == batch->flags[s]);
    }
    REQUIRE(sums.size() == 3);
    for (double v : sums) CHECK(v == 0.2 + 0.1 + 0.3);
  }
}

// Review RV-FZ: Rebuild orders an `ignoring` rule's identities by Identity::origin (the input that
// made it, its lowest input ever), as batch orders merged series (MergeByIdentity), not by its
// current first input: after identity A's first input goes, A (inputs 0 and 3) still comes before
// B (1) and C (2). Ordering by the current first input (A after C) passed the churn test for 2,000
// seeds; here the removal leaves A live (no Rebuild then) and a new series of another job makes
// the next tick rebuild the groups.
TEST_CASE("RemoveSeries: an ignoring rule's identity keeps its place among its peers after its first input goes (batch's sum, bit for bit)") {
  std::vector<std::vector<uint8_t>> flags(5);
  std::vector<double> sums;  // the sum's value at each evaluation at t = 2000
  EngineOptions opt;
  opt.trace_nodes = true;
  StreamingEngine::Callbacks cb;
  cb.on_point = [&](size_t s, int64_t, uint8_t f) { flags[s].push_back(f); };
  cb.on_trace = [&](size_t, size_t, int64_t t, bool, bool, std::span<const double> vals) {
    if (t == 2000) sums.push_back(vals[1]);
  };
  const RulePlan plan = SumAbove06(true);
  auto made = StreamingEngine::Create(CompiledRules{{plan}}, opt, cb);
  REQUIRE(made.ok());
  StreamingEngine& e = **made;
  // Identities (labels minus pod) gpu 0 (series 0 and 3), gpu 1 (1), gpu 2 (2) of job j; series 4
  // of job k, added after the removal.
  std::vector<TimeSeries> data(5);
  const char* gpu[] = {"0", "1", "2", "0", "9"};
  const char* pod[] = {"p0", "p1", "p2", "p3", "p4"};
  for (size_t s = 0; s < 5; ++s) {
    data[s].name = "m";
    data[s].labels = {{"job", s == 4 ? "k" : "j"}, {"gpu", gpu[s]}, {"pod", pod[s]}};
  }
  auto append = [&](size_t s, int64_t t, double x) {
    REQUIRE(e.Append(s, t, x).ok());
    data[s].timestamps_ms.push_back(t);
    data[s].values.push_back(x);
  };
  for (size_t s = 0; s < 4; ++s) REQUIRE(*e.AddSeries(data[s].name, data[s].labels) == s);
  for (size_t s = 0; s < 3; ++s) append(s, 1000, 0);
  REQUIRE(e.Flush().ok());
  const size_t first = 0;
  REQUIRE(e.RemoveSeries(std::span<const size_t>(&first, 1)).ok());  // gpu 0 goes on from series 3
  REQUIRE(*e.AddSeries(data[4].name, data[4].labels) == 4);
  // In origin order (gpu 0, 1, 2) 0.1 + 0.2 + 0.3 = 0.6000000000000001 > 0.6; in current-first
  // order (gpu 1, 2, then 0 from series 3) 0.2 + 0.3 + 0.1 = 0.6, not above.
  append(3, 2000, 0.1);
  append(1, 2000, 0.2);
  append(2, 2000, 0.3);
  append(4, 2000, 0);
  REQUIRE(e.Flush().ok());
  auto batch = EvaluateBatch(CompiledRules{{plan}}, data);
  REQUIRE(batch.ok());
  CHECK(batch->flags[3] == std::vector<uint8_t>{1});
  for (size_t s = 0; s < 5; ++s) CHECK(flags[s] == batch->flags[s]);
  REQUIRE(sums.size() == 4);  // gpu 0, 1, 2 of job j and job k's
  CHECK(std::count(sums.begin(), sums.end(), 0.1 + 0.2 + 0.3) == 3);
}

// Review RV-FZ: engine.h let callbacks call RemoveSeries (only AddSeries / Append / Flush were
// ruled out, and nothing checked). RemoveSeries of series 1 from series 0's on_alert moved member
// 2 (series 2, which has a point at this tick) into slot 1 and destroyed slot 2, which the tick
// evaluated next: a read of a destroyed member (SIGSEGV before the fix). Every call that changes
// the engine is now FailedPrecondition from a callback, and changes nothing.
TEST_CASE("RemoveSeries, AddSeries, Append and Flush from a callback are FailedPrecondition and change nothing") {
  std::vector<Status> got;
  std::vector<std::pair<size_t, uint8_t>> points;
  StreamingEngine* eng = nullptr;
  StreamingEngine::Callbacks cb;
  cb.on_alert = [&](const Alert& a) {
    if (a.labels.at("pod") != "p0") return;
    const size_t one = 1;
    got.push_back(eng->RemoveSeries(std::span<const size_t>(&one, 1)));
    got.push_back(eng->AddSeries("m", {{"pod", "new"}}).status());
    got.push_back(eng->Append(1, 1000, 9));
    got.push_back(eng->Append(1, 2000, 9));
    got.push_back(eng->Flush());
  };
  cb.on_point = [&](size_t s, int64_t, uint8_t f) { points.push_back({s, f}); };
  auto made = StreamingEngine::Create(CompiledRules{{Above5("Hot")}}, EngineOptions{}, cb);
  REQUIRE(made.ok());
  StreamingEngine& e = **made;
  eng = &e;
  for (int pod = 0; pod < 3; ++pod) REQUIRE(*e.AddSeries("m", {{"pod", "p" + std::to_string(pod)}}) == static_cast<size_t>(pod));
  REQUIRE(e.Append(0, 1000, 9).ok());
  REQUIRE(e.Append(2, 1000, 9).ok());  // series 1 has no point here: RemoveSeries would take it
  REQUIRE(e.Flush().ok());
  REQUIRE(got.size() == 5);
  for (const Status& st : got) {
    CHECK(st.code() == StatusCode::kFailedPrecondition);
    CHECK(st.message().find("called from a callback") != std::string::npos);
  }
  CHECK(got[0].message().find("RemoveSeries") != std::string::npos);
  // Both points were evaluated and fired; nothing the callback tried was taken.
  CHECK(points == std::vector<std::pair<size_t, uint8_t>>{{0, 1}, {2, 1}});
  std::vector<Alert> active = e.ActiveAlerts();
  REQUIRE(active.size() == 2);
  CHECK(active[0].labels.at("pod") == "p0");
  CHECK(active[1].labels.at("pod") == "p2");
  // After the tick the same calls work: series 1 is still there, no series "new" was added.
  REQUIRE(e.Append(1, 2000, 9).ok());
  REQUIRE(e.Flush().ok());
  CHECK(points.back() == std::pair<size_t, uint8_t>{1, 1});
  CHECK(*e.AddSeries("m", {{"pod", "new"}}) == 3);
  const size_t two = 2;
  CHECK(e.RemoveSeries(std::span<const size_t>(&two, 1)).ok());
}

}  // namespace
}  // namespace vigil
