// A randomized differential test of StreamingEngine (detectors/engine.h) under label churn:
// seeded random rule sets and a random schedule that appends points (a tick's appends shuffled,
// series declared in the middle of an open tick), stops series, removes series, adds new ones
// (some reusing a removed series' labels, pods churning under `ignoring (pod)`), and tries what the
// engine must refuse. After each checkpoint the streaming engine's alerts and flags (and at the
// last one of even seeds its traces) are compared with EvaluateBatch over the data appended so far.
//
// The rules: a threshold with `for` / `keep_firing_for`; every window function (mean, std, min,
// max, median, mad, quantile, sum, count, delta, rate, zscore, changes, resets) over a point or
// time window, compared with >, >=, <, <=, alone or with the value; `ignoring (pod)` over either;
// `m > 2 and A by (job) (x) > S` or `m > A by (job) (x) + c` for every aggregation A (mean, median,
// min, max, sum, count, std, quantile), x the value or a 2-3 point mean (an aggregation in stage
// 1), with or without `ignoring (pod)`; ewma / lag / offset (offset with a 1-2.5 s lookback half
// the time, so older points read NaN) of the value or of |m - 5| or m / (m - 5) (+-Inf at 5, into
// windows too), in m - s, |x - s|, 0.5 (s + m), sometimes through a max / mean window, with a
// clause of not, <=, log(clamp), !=, neg and == joined by and / or, with or without
// `ignoring (pod)`; stale_for with or without `ignoring (pod)`; absent.
//
// The equivalence (what the engine promises, engine.h and detectors/HISTORY.md "RemoveSeries"):
//  * Each series index is an incarnation: batch gets one series per index ever added, with the
//    points appended to it, and a label `__inc` = index so incarnations with equal labels stay
//    apart (batch would merge equal series ids). Streaming's history of an index is exactly those
//    points, so flags of every point appended are equal (removed incarnations' points included).
//  * A rule with `ignoring (pod)`: its identity keeps the removed input's points (its windows,
//    ewma / lag / offset states, `for` and alert go on), so batch gets the removed input too; the
//    identity ends with its last live input and a later input of the same labels starts a new one:
//    batch series carry `__ii` = the identity incarnation (not ignored) and `__inc` is added to the
//    plan's `ignoring`.
//  * Where streaming legitimately differs after a removal: a removed series (or an identity whose
//    last input went) is no longer evaluated, and its pending / firing alert goes without a
//    transition, while batch evaluates it on (a stale_for member goes stale and fires; nothing
//    else can move without its points). So batch alerts are cut at the incarnation's removal
//    time T (the last timestamp appended before RemoveSeries; every tick up to T was evaluated):
//    a firing transition is expected iff starts_at <= T, a resolution iff ends_at <= T, and an
//    alert in ActiveAlerts only for live incarnations.
//  * A `by (job)` group counts a peer's latest point for lookback_ms after it; a removed member
//    leaves its group at once. The schedule removes series of such a rule set only after they
//    were silent longer than the lookback (as `vigil serve` forgets a series long after its last
//    sample), so both count the same peers (with `ignoring`, an identity ends with its last input,
//    silent as long).
//  * max_series_per_rule counts live series: AddSeries is refused (OutOfRange) exactly when some
//    rule would select more than the limit of live series.
//  * Traces (on_trace with trace_nodes, even seeds; batch's traces at the last checkpoint): every
//    evaluation's condition, firing and node values bit for bit (every NaN one value). Where they
//    legitimately differ: a tick-driven rule's evaluations after the cut are batch's only (as its
//    alerts); and a rule with `ignoring` names an identity by its lowest input: batch by the lowest
//    ever, streaming by the lowest live at the evaluation (RemoveInputs re-points Identity::first
//    and the member's `series`), so each batch row is expected under that input.
//  * Refused calls change nothing: Append at the series' latest timestamp again or before it, at a
//    timestamp before the one reached (another series' point), or to a removed or unknown index
//    is InvalidArgument naming the problem (and for a live series the timestamp), with value 100
//    (most rules would fire on it); AddSeries of a live series again is InvalidArgument ("was
//    already added"); RemoveSeries of a series with a point at the open timestamp is
//    FailedPrecondition, of a repeated or removed index InvalidArgument. The comparisons after them
//    see only what was accepted: a refused point taken, or a series removed by a refused call,
//    shows as a difference in flags, alerts or later appends.
// Alerts are compared as JSON with `__inc` / `__ii` taken out (labels, ignored_labels, series
// text) and the fingerprint (a hash of the labels) left out.
//
// Mutations of the engine this test catches (each reverted; VIGIL_CHURN_SEEDS=2000 unless said,
// the first failing seed and step): `members[k].series` not re-pointed in RemoveInputs (traces name
// a removed input): seed 2 step 34 (300 seeds); a duplicate timestamp accepted (`t < last_t`):
// seed 1 step 2 (300); the open-timestamp check dropped: seed 1 step 9 (300); AggregateAt without
// its lookback: seed 11 step 9; ewma fed the point instead of its input node: seed 32 step 3;
// LagState one point short: seed 19 step 8; OffsetState's lookback bound `<=`: seed 9 step 5;
// RemoveInputs without Rebuild (`ignoring` with `by`): crashes (SIGSEGV) at seed 3 (SeedOnCrash
// prints "churn: crashed at seed 3"; review RV-FZ);
// TickRule::RemoveMembers' self-move (2d3677a reverted): seed 4 step 7, also 19, 21, 38, 40 (300);
// Rebuild's series-order sort of a group left out: seed 218 step 36 (300). In WindowState::ValueFn
// (time windows in streaming; one build with all three): changes / resets of an empty window NaN
// instead of 0: seed 28 step 43 (resets 5 s); rate divided by dt + 0.5 s: seed 167 step 3; changes:
// seed 192 step 8. Not caught in 2,000 seeds: the identity order by `Identity::origin` replaced
// with the current first input (it differs only after an identity's first input went and a later
// identity's origin is lower than its new first, in a group with a third member: rarer than this
// schedule reaches; engine_remove_series_test's "RemoveSeries: an ignoring rule's identity keeps
// its place among its peers after its first input goes (batch's sum, bit for bit)" catches it);
// ValueFn's quantile at q = 0.5 whatever q: not by this test whatever the seeds (review RV-FZ: batch's
// WindowState::Column calls the same PushFn / ValueFn for a quantile window, so both engines change
// alike, as for detail::Aggregate); engine_test's "window functions match brute-force references
// (point and time windows, NaN gaps)" (q = 0.9) catches it (4,103 failed checks).
//
// Seeds: kSeeds by default; VIGIL_CHURN_SEEDS=N runs N, VIGIL_CHURN_SEED=S only S.
// A failure prints the seed, the step, the first difference and the rules node by node.
#pragma GCC diagnostic ignored "-Wrestrict"  // GCC 12 -O3 false positives in std::string (PR 105329)
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <limits>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <signal.h>
#include <unistd.h>

#include "core/json.h"
#include "detectors/engine.h"
#include "detectors/plan_testing.h"

namespace vigil {
namespace {

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
constexpr size_t kSeeds = 300;
constexpr int64_t kLimit = 7;  // max_series_per_rule in streaming

// Thresholds for a window function's value over points of 0..10 about a second apart.
double WindowThreshold(WindowFn fn, uint64_t r) {
  switch (fn) {
    case WindowFn::kSum: return 20 + static_cast<double>(r % 20);
    case WindowFn::kCount: return 2 + static_cast<double>(r % 3);
    case WindowFn::kStd:
    case WindowFn::kMad:
    case WindowFn::kDelta: return 1 + static_cast<double>(r % 4);
    case WindowFn::kRate: return 0.5 + static_cast<double>(r % 4);
    case WindowFn::kZscore: return 0.5 * static_cast<double>(r % 3);
    case WindowFn::kChanges: return 1 + static_cast<double>(r % 3);
    case WindowFn::kResets: return static_cast<double>(r % 2);
    default: return 3 + static_cast<double>(r % 5);  // mean, max, min, median, quantile
  }
}

double AggThreshold(AggFn fn, uint64_t r) {
  switch (fn) {
    case AggFn::kSum: return 15 + static_cast<double>(r % 15);
    case AggFn::kCount: return 1 + static_cast<double>(r % 3);
    case AggFn::kStd: return 1 + static_cast<double>(r % 3);
    default: return 3 + static_cast<double>(r % 5);
  }
}

// One random rule; `group` is set when it has a peer aggregation (removals then wait for silence).
RulePlan RandomRule(std::mt19937_64& rng, size_t k, bool* group) {
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  auto cmp = [&]() {
    const PlanOp ops[] = {PlanOp::kGt, PlanOp::kGt, PlanOp::kGe, PlanOp::kLt, PlanOp::kLe};
    return ops[pick(5)];
  };
  std::string name = "R";
  name += std::to_string(k);
  TestPlan p(name, "m");
  // 0 threshold, 1 window, 2-3 ignoring, 4 group, 5 stale_for, 6 absent, 7-8 ewma / lag / offset
  // and arithmetic (with or without ignoring)
  const int kind = pick(9);
  const int64_t fors[] = {0, 0, 1000, 2500};
  if (kind <= 3) {
    int32_t v = p.Node(PlanOp::kValue, {});
    int32_t cond;
    if (kind == 0 || (kind >= 2 && pick(2) == 0)) {
      cond = p.Node(PlanOp::kGt, {v, p.Const(3 + pick(6))}, ValueType::kBool);
    } else {
      const WindowFn fn = static_cast<WindowFn>(pick(static_cast<int>(WindowFn::kResets) + 1));
      const bool points = pick(2) == 0;
      const double q = fn == WindowFn::kQuantile ? 0.25 * (1 + pick(3)) : 0;
      int32_t w = p.Window(fn, v, points, points ? 2 + pick(5) : 1500 + 500 * pick(8), q);
      cond = p.Node(cmp(), {w, p.Const(WindowThreshold(fn, rng()))}, ValueType::kBool);
      if (pick(2) == 0)  // a conjunction with the point's value
        cond = p.Node(PlanOp::kAnd, {cond, p.Node(PlanOp::kGt, {v, p.Const(2 + pick(4))}, ValueType::kBool)},
                      ValueType::kBool);
    }
    RulePlan plan = p.Done(cond);
    plan.for_ms = fors[pick(4)];
    plan.keep_firing_for_ms = pick(3) == 0 ? 1500 : 0;
    if (kind >= 2) plan.selector.ignoring = {"pod"};
    return plan;
  }
  if (kind == 4) {  // `m > 2 and agg by (job) (x) > S` or `m > agg by (job) (x) + c`: peers within 2.5 s
    *group = true;
    int32_t v = p.Node(PlanOp::kValue, {});
    // x: the value or a short window of it (an aggregation in stage 1 over a window of stage 0)
    const int32_t x = pick(3) == 0 ? p.Window(WindowFn::kMean, v, true, 2 + pick(2)) : v;
    const AggFn fn = static_cast<AggFn>(pick(static_cast<int>(AggFn::kQuantile) + 1));
    int32_t a = p.Agg(fn, x, {"job"}, fn == AggFn::kQuantile ? 0.25 * (1 + pick(3)) : 0);
    int32_t cond;
    if (pick(3) == 0 && fn != AggFn::kCount && fn != AggFn::kSum && fn != AggFn::kStd) {
      cond = p.Node(PlanOp::kGt, {v, p.Node(PlanOp::kAdd, {a, p.Const(1 + pick(3))})}, ValueType::kBool);
    } else {
      int32_t big = p.Node(PlanOp::kGt, {a, p.Const(AggThreshold(fn, rng()))}, ValueType::kBool);
      cond = p.Node(PlanOp::kAnd, {p.Node(PlanOp::kGt, {v, p.Const(2)}, ValueType::kBool), big}, ValueType::kBool);
    }
    RulePlan plan = p.Done(cond);
    plan.lookback_ms = 2500;
    plan.for_ms = fors[pick(4)];
    if (pick(3) == 0) plan.selector.ignoring = {"pod"};  // `ignoring (pod)` with `by (job)`
    return plan;
  }
  if (kind == 5) {
    RulePlan plan = p.Done(p.Tick(PlanOp::kStaleFor, 1500 + 1000 * pick(3)));
    plan.tick_driven = true;
    plan.for_ms = pick(3) == 0 ? 1000 : 0;
    if (pick(2) == 0) plan.selector.ignoring = {"pod"};
    return plan;
  }
  if (kind == 6) {
    p.plan.selector.matchers.push_back({"job", MatchOp::kEq, "j0"});
    RulePlan plan = p.Done(p.Tick(PlanOp::kAbsent, 2000 + 1000 * pick(2)));
    plan.tick_driven = plan.absent_rule = true;
    return plan;
  }
  // ewma / lag / offset of the value or of an expression, compared with arithmetic.
  int32_t v = p.Node(PlanOp::kValue, {});
  const int shift = pick(3);
  int64_t lookback = 5 * 60 * 1000;
  int32_t base = v;
  if (pick(3) == 0)  // over an expression, not the point itself: |m - 5|, or m / (m - 5) (+-Inf at 5)
    base = pick(2) == 0 ? p.Node(PlanOp::kAbs, {p.Node(PlanOp::kSub, {v, p.Const(5)})})
                        : p.Node(PlanOp::kDiv, {v, p.Node(PlanOp::kSub, {v, p.Const(5)})});
  int32_t s;
  if (shift == 0) {
    s = p.Ewma(base, 0.25 * (1 + pick(4)), "ewma");
  } else if (shift == 1) {
    s = p.Shifted(PlanOp::kLag, base, 1 + pick(3), "lag");
  } else {
    s = p.Shifted(PlanOp::kOffset, base, 1000 + 500 * pick(4), "offset");
    if (pick(2) == 0) lookback = 1000 + 500 * pick(4);  // older points than this read as NaN
  }
  int32_t e;
  switch (pick(4)) {
    case 0: e = s; break;
    case 1: e = p.Node(PlanOp::kSub, {v, s}); break;
    case 2: e = p.Node(PlanOp::kAbs, {p.Node(PlanOp::kSub, {base, s})}); break;
    default: e = p.Node(PlanOp::kMul, {p.Const(0.5), p.Node(PlanOp::kAdd, {s, v})}); break;
  }
  if (pick(4) == 0) e = p.Window(pick(2) == 0 ? WindowFn::kMax : WindowFn::kMean, e, pick(2) == 0, pick(2) == 0 ? 3 : 2500);
  int32_t cond = p.Node(cmp(), {e, p.Const(1 + pick(6))}, ValueType::kBool);
  switch (pick(5)) {  // another clause: not, clamp, log, neg, =, !=, or
    case 0:
      cond = p.Node(PlanOp::kAnd, {cond, p.Node(PlanOp::kNot, {p.Node(PlanOp::kLe, {v, p.Const(1 + pick(3))}, ValueType::kBool)},
                                                ValueType::kBool)},
                    ValueType::kBool);
      break;
    case 1:
      cond = p.Node(PlanOp::kOr, {cond, p.Node(PlanOp::kGt, {p.Node(PlanOp::kLog, {p.Node(PlanOp::kClamp, {v, p.Const(1), p.Const(8)})}),
                                                              p.Const(2)},
                                               ValueType::kBool)},
                    ValueType::kBool);
      break;
    case 2:
      cond = p.Node(PlanOp::kAnd, {cond, p.Node(PlanOp::kNe, {v, p.Const(pick(11))}, ValueType::kBool)}, ValueType::kBool);
      break;
    case 3:
      cond = p.Node(PlanOp::kOr, {cond, p.Node(PlanOp::kEq, {p.Node(PlanOp::kNeg, {v}), p.Const(-10)}, ValueType::kBool)},
                    ValueType::kBool);
      break;
    default: break;
  }
  RulePlan plan = p.Done(cond);
  plan.lookback_ms = lookback;
  plan.for_ms = fors[pick(4)];
  plan.keep_firing_for_ms = pick(3) == 0 ? 1500 : 0;
  if (pick(2) == 0) plan.selector.ignoring = {"pod"};
  return plan;
}

// The data and life of one series index.
struct Incarnation {
  std::string name;
  Labels labels;
  std::vector<int64_t> ts;
  std::vector<double> vs;
  bool live = true;
  bool stopped = false;      // gets no more points
  int64_t cut = kNever;      // the last timestamp evaluated before its removal
  std::vector<uint8_t> flags;  // streaming's, per point
};

std::string IdentityKey(const std::string& name, const Labels& labels, const std::vector<std::string>& ignoring) {
  std::string key = name;
  for (const auto& [k, v] : labels)
    if (std::find(ignoring.begin(), ignoring.end(), k) == ignoring.end()) key += "|" + k + "=" + v;
  return key;
}

const std::regex& HelperLabelText() {
  static const std::regex re(R"(__i(nc|i)=\\?"[0-9]+\\?",?)");
  return re;
}

std::string Normalized(const Alert& a) {
  Json j = a;
  j.erase("fingerprint");
  j["labels"].erase("__inc");
  j["labels"].erase("__ii");
  if (j.contains("explanation") && j["explanation"].contains("ignored_labels"))
    j["explanation"]["ignored_labels"].erase("__inc");
  return std::regex_replace(j.dump(), HelperLabelText(), "");
}

std::string FirstDifference(const std::vector<std::string>& want, const std::vector<std::string>& got) {
  std::ostringstream out;
  std::vector<std::string> only_want, only_got;
  std::set_difference(want.begin(), want.end(), got.begin(), got.end(), std::back_inserter(only_want));
  std::set_difference(got.begin(), got.end(), want.begin(), want.end(), std::back_inserter(only_got));
  out << want.size() << " expected, " << got.size() << " got";
  if (!only_want.empty()) out << "; batch only: " << only_want.front();
  if (!only_got.empty()) out << "; streaming only: " << only_got.front();
  return out.str();
}

class Churn {
 public:
  explicit Churn(uint64_t seed) : rng_(seed), traces_(seed % 2 == 0) {}

  // Runs the schedule; returns "" or the first difference ("step N: ...").
  std::string Run() {
    const size_t nrules = 1 + Pick(4);
    bool group = false;
    for (size_t k = 0; k < nrules; ++k) rules_.rules.push_back(RandomRule(rng_, k, &group));
    group_ = group;
    for (const RulePlan& r : rules_.rules) {
      for (const PlanNode& n : r.nodes) {
        stats_.shifted += n.op == PlanOp::kEwma || n.op == PlanOp::kLag || n.op == PlanOp::kOffset;
        stats_.grouped_ignoring += n.op == PlanOp::kAggregate && !r.selector.ignoring.empty();
      }
    }
    ii_of_.resize(nrules);
    identity_live_.resize(nrules);
    identity_ii_.resize(nrules);
    StreamingEngine::Callbacks cb;
    cb.on_point = [&](size_t s, int64_t t, uint8_t f) {
      Incarnation& inc = incs_[s];
      if (inc.flags.size() >= inc.ts.size() || inc.ts[inc.flags.size()] != t) bad_point_ = true;
      inc.flags.push_back(f);
    };
    cb.on_alert = [&](const Alert& a) {
      (a.state == AlertState::kResolved ? resolved_ : fired_).push_back(Normalized(a));
    };
    cb.on_trace = [&](size_t r, size_t s, int64_t t, bool cond, bool firing, std::span<const double> vals) {
      traced_.push_back(TraceRow(r, s, t, cond, firing, vals));
    };
    EngineOptions opt;
    opt.limits.max_series_per_rule = kLimit;
    opt.trace_nodes = traces_;
    auto made = StreamingEngine::Create(rules_, opt, cb);
    if (!made.ok()) return "Create: " + made.status().ToString();
    eng_ = std::move(*made);
    for (int i = 0; i < 4; ++i)
      if (std::string e = Add(); !e.empty()) return e;
    const int steps = 25 + static_cast<int>(Pick(20));
    int64_t t = 1000;
    for (int step = 0; step < steps; ++step) {
      t += Pick(6) == 0 ? 3000 : Pick(4) == 0 ? 500 : 1000;
      std::vector<size_t> who;
      for (size_t s = 0; s < incs_.size(); ++s)
        if (incs_[s].live && !incs_[s].stopped && Pick(100) < 85) who.push_back(s);
      std::shuffle(who.begin(), who.end(), rng_);
      // New series, at random places among the tick's appends (mid-tick declarations): one in four
      // steps, and one or two whenever fewer than 3 report (removals and stops would empty it).
      size_t live = 0;
      for (const Incarnation& inc : incs_) live += inc.live && !inc.stopped;
      std::vector<size_t> add_at;
      for (size_t n = live < 3 ? 1 + Pick(2) : Pick(4) == 0; n > 0; --n) add_at.push_back(Pick(who.size() + 1));
      for (size_t i = 0; i <= who.size(); ++i) {
        for (size_t n = std::count(add_at.begin(), add_at.end(), i); n > 0; --n) {
          const size_t before = incs_.size();
          if (std::string e = Add(); !e.empty()) return Where(step, e);
          if (incs_.size() > before && Pick(2) == 0)
            if (std::string e = Append(before, t); !e.empty()) return Where(step, e);
        }
        if (i < who.size())
          if (std::string e = Append(who[i], t); !e.empty()) return Where(step, e);
      }
      if (Pick(4) == 0)  // an append out of order, at a timestamp taken, or to an unknown index
        if (std::string e = BadAppend(); !e.empty()) return Where(step, e);
      if (Pick(7) == 0) {  // a series stops reporting
        std::vector<size_t> active;
        for (size_t s = 0; s < incs_.size(); ++s)
          if (incs_[s].live && !incs_[s].stopped) active.push_back(s);
        if (!active.empty()) incs_[active[Pick(active.size())]].stopped = true;
      }
      if (Pick(4) == 0) {  // removals, after a Flush
        if (Pick(2) == 0)  // refused ones first: they remove nothing
          if (std::string e = BadRemove(); !e.empty()) return Where(step, e);
        if (Status f = eng_->Flush(); !f.ok()) return Where(step, "Flush: " + f.ToString());
        open_ = false;
        std::vector<size_t> can;
        for (size_t s = 0; s < incs_.size(); ++s) {
          const Incarnation& inc = incs_[s];
          if (!inc.live) continue;
          // With a group rule only a series silent longer than its lookback (2.5 s).
          if (group_ && !inc.ts.empty() && t - inc.ts.back() <= 3000) continue;
          can.push_back(s);
        }
        std::shuffle(can.begin(), can.end(), rng_);
        can.resize(std::min<size_t>(can.size(), 1 + Pick(2)));
        if (!can.empty()) {
          if (Status r = eng_->RemoveSeries(can); !r.ok()) return Where(step, "RemoveSeries: " + r.ToString());
          for (size_t s : can) Removed(s, t);
          stats_.removed += can.size();
        }
      }
      if (Pick(3) == 0 || step + 1 == steps) {
        if (Status f = eng_->Flush(); !f.ok()) return Where(step, "Flush: " + f.ToString());
        open_ = false;
        if (std::string e = Compare(traces_ && step + 1 == steps); !e.empty()) return Where(step, e);
        ++checkpoints_;
      }
    }
    return "";
  }
  struct Stats {
    size_t checkpoints = 0, fired = 0, removed = 0, reused = 0, refused = 0, joined = 0;
    size_t points = 0, shifted = 0, grouped_ignoring = 0, rejected = 0, refused_removals = 0, trace_rows = 0;
  };
  // The rules, node by node (for a failure's message).
  std::string Describe() const {
    std::ostringstream out;
    for (size_t r = 0; r < rules_.rules.size(); ++r) {
      const RulePlan& plan = rules_.rules[r];
      out << "rule " << r << ": for " << plan.for_ms << " keep_firing_for " << plan.keep_firing_for_ms << " lookback "
          << plan.lookback_ms << (plan.selector.ignoring.empty() ? "" : " ignoring (pod)") << ", condition node "
          << plan.condition << ":";
      for (size_t n = 0; n < plan.nodes.size(); ++n) {
        const PlanNode& node = plan.nodes[n];
        out << " [" << n << "] op " << static_cast<int>(node.op) << " " << node.text;
        if (node.op == PlanOp::kConst || node.op == PlanOp::kEwma || node.op == PlanOp::kAggregate) out << " c=" << node.constant;
        if (node.op == PlanOp::kWindow) out << " q=" << node.constant;
        if (!node.inputs.empty()) {
          out << " (";
          for (int32_t i : node.inputs) out << i << ",";
          out << ")";
        }
      }
      out << "\n";
    }
    return out.str();
  }
  Stats stats() const {
    Stats s = stats_;
    s.checkpoints = checkpoints_;
    s.fired = fired_.size();
    return s;
  }

 private:
  uint64_t Pick(uint64_t n) { return n == 0 ? 0 : rng_() % n; }
  static std::string Where(int step, const std::string& e) {
    std::string s = "step ";
    s += std::to_string(step);
    s += ": ";
    s += e;
    return s;
  }

  // Declares a random series (half the time one with a removed series' labels); checks the limit.
  std::string Add() {
    std::string name = Pick(6) == 0 ? "n" : "m";
    Labels labels;
    std::vector<size_t> removed;
    bool reused = false;
    for (size_t s = 0; s < incs_.size(); ++s)
      if (!incs_[s].live) removed.push_back(s);
    if (!removed.empty() && Pick(2) == 0) {
      const Incarnation& old = incs_[removed[Pick(removed.size())]];
      name = old.name;
      labels = old.labels;
      reused = true;
    } else {
      labels["job"] = Pick(3) == 0 ? "j1" : "j0";
      labels["gpu"] = std::to_string(Pick(2));
      if (Pick(5) != 0) labels["pod"] = "p" + std::to_string(Pick(6));
    }
    bool over = false;
    for (const Incarnation& inc : incs_) {
      if (!inc.live || inc.name != name || inc.labels != labels) continue;
      // A live duplicate: refused, and the live series keeps its index and history.
      Result<size_t> dup = eng_->AddSeries(name, labels);
      ++stats_.rejected;
      if (dup.ok() || dup.status().code() != StatusCode::kInvalidArgument ||
          dup.status().message().find("was already added") == std::string::npos)
        return "AddSeries of a live series again gave " + (dup.ok() ? std::string("ok") : dup.status().ToString());
      return "";
    }
    for (const RulePlan& r : rules_.rules) {
      if (!SelectorMatches(r.selector, name, labels)) continue;
      int64_t n = 0;
      for (const Incarnation& inc : incs_) n += inc.live && SelectorMatches(r.selector, inc.name, inc.labels);
      over = over || n + 1 > kLimit;
    }
    Result<size_t> got = eng_->AddSeries(name, labels);
    if (over) {
      ++stats_.refused;
      if (got.ok() || got.status().code() != StatusCode::kOutOfRange)
        return "AddSeries over max_series_per_rule gave " + (got.ok() ? std::string("ok") : got.status().ToString());
      return "";
    }
    if (!got.ok()) return "AddSeries: " + got.status().ToString();
    if (*got != incs_.size()) return "AddSeries index " + std::to_string(*got);
    Incarnation inc;
    inc.name = name;
    inc.labels = labels;
    incs_.push_back(std::move(inc));
    stats_.reused += reused;
    for (size_t r = 0; r < rules_.rules.size(); ++r) {  // identity incarnations of ignoring rules
      const RulePlan& plan = rules_.rules[r];
      ii_of_[r].push_back(-1);
      if (plan.selector.ignoring.empty() || !SelectorMatches(plan.selector, name, labels)) continue;
      const std::string key = IdentityKey(name, labels, plan.selector.ignoring);
      if (identity_live_[r][key] > 0) ++stats_.joined;
      if (identity_live_[r][key]++ == 0) {
        identity_ii_[r][key] = static_cast<int>(ii_cut_.size());
        ii_cut_.push_back(kNever);
      }
      ii_of_[r].back() = identity_ii_[r][key];
    }
    return "";
  }

  std::string Append(size_t s, int64_t t) {
    const double v = Pick(20) == 0 ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(Pick(11));
    if (Status st = eng_->Append(s, t, v); !st.ok()) return "Append: " + st.ToString();
    tick_ = t;
    open_ = true;
    ++stats_.points;
    incs_[s].ts.push_back(t);
    incs_[s].vs.push_back(v);
    return "";
  }

  // An append the engine must refuse (engine.h: timestamps strictly increasing per series and
  // not below the open timestamp; no unknown or removed index): InvalidArgument saying what was
  // wrong, and nothing changes: the value (100) would make most rules fire, and the comparisons
  // after it see only the points accepted.
  std::string BadAppend() {
    std::vector<size_t> with_point, behind, removed;
    for (size_t s = 0; s < incs_.size(); ++s) {
      const Incarnation& inc = incs_[s];
      if (!inc.live) {
        removed.push_back(s);
        continue;
      }
      if (!inc.ts.empty()) with_point.push_back(s);
      if (tick_ > std::numeric_limits<int64_t>::min() && (inc.ts.empty() || inc.ts.back() < tick_ - 1)) behind.push_back(s);
    }
    size_t s = SIZE_MAX;
    int64_t t = 0;
    std::string want;
    switch (Pick(5)) {
      case 0:  // its latest timestamp again (in the open tick or an earlier one)
      case 1:  // before its latest
        if (with_point.empty()) return "";
        s = with_point[Pick(with_point.size())];
        t = incs_[s].ts.back() - (Pick(2) == 0 ? 0 : 1 + static_cast<int64_t>(Pick(1500)));
        want = " is not after the previous point ";
        want += std::to_string(incs_[s].ts.back());
        break;
      case 2:  // after its latest, before the time reached (another series' point)
        if (behind.empty()) return "";
        s = behind[Pick(behind.size())];
        t = tick_ - 1;
        want = " is earlier than the time already reached ";
        want += std::to_string(tick_);
        break;
      case 3:
        if (removed.empty()) return "";
        s = removed[Pick(removed.size())];
        t = tick_ + 1;
        want = "unknown or removed series index ";
        want += std::to_string(s);
        break;
      default:
        s = incs_.size() + Pick(3);
        t = tick_ + 1;
        want = "unknown or removed series index ";
        want += std::to_string(s);
        break;
    }
    ++stats_.rejected;
    const Status st = eng_->Append(s, t, 100);
    if (st.code() == StatusCode::kInvalidArgument && st.message().find(want) != std::string::npos &&
        (s >= incs_.size() || !incs_[s].live || st.message().find("timestamp " + std::to_string(t)) != std::string::npos))
      return "";
    std::ostringstream out;
    out << "Append(" << s << ", " << t << ") should be InvalidArgument with \"" << want << "\", got "
        << (st.ok() ? std::string("ok") : st.ToString());
    return out.str();
  }

  // RemoveSeries calls the engine must refuse, removing nothing (the comparisons after them
  // would miss the series' alerts, and its appends would be refused): a series with a point at
  // the open timestamp (FailedPrecondition), a repeated index, a removed one (InvalidArgument).
  std::string BadRemove() {
    std::vector<size_t> live, open, removed;
    for (size_t s = 0; s < incs_.size(); ++s) {
      const Incarnation& inc = incs_[s];
      if (!inc.live) {
        removed.push_back(s);
        continue;
      }
      live.push_back(s);
      if (open_ && !inc.ts.empty() && inc.ts.back() == tick_) open.push_back(s);
    }
    // The indices are checked in the order given, and the first wrong one says the error: `a`, a
    // live series, has no point at the open timestamp.
    std::vector<size_t> quiet;
    for (size_t s : live)
      if (std::find(open.begin(), open.end(), s) == open.end()) quiet.push_back(s);
    if (quiet.empty()) return "";
    std::vector<size_t> call;
    StatusCode want = StatusCode::kInvalidArgument;
    const size_t a = quiet[Pick(quiet.size())];
    switch (Pick(3)) {
      case 0:
        if (open.empty()) return "";
        call = {a, open[Pick(open.size())]};
        want = StatusCode::kFailedPrecondition;
        break;
      case 1: call = {a, a}; break;
      default:
        if (removed.empty()) return "";
        call = {a, removed[Pick(removed.size())]};
        break;
    }
    ++stats_.refused_removals;
    const Status st = eng_->RemoveSeries(call);
    if (st.code() == want) return "";
    std::ostringstream out;
    out << "RemoveSeries(";
    for (size_t s : call) out << s << " ";
    out << ") should be refused (" << (want == StatusCode::kFailedPrecondition ? "FailedPrecondition" : "InvalidArgument")
        << "), got " << (st.ok() ? std::string("ok") : st.ToString());
    return out.str();
  }

  void Removed(size_t s, int64_t t) {
    Incarnation& inc = incs_[s];
    inc.live = false;
    inc.cut = t;
    for (size_t r = 0; r < rules_.rules.size(); ++r) {
      if (ii_of_[r][s] < 0) continue;
      const std::string key = IdentityKey(inc.name, inc.labels, rules_.rules[r].selector.ignoring);
      if (--identity_live_[r][key] == 0) ii_cut_[ii_of_[r][s]] = t;
    }
  }

  // Batch per rule over every incarnation so far; streaming's record against it.
  std::string Compare(bool traces) {
    if (bad_point_) return "on_point for a point not appended (or out of order)";
    std::vector<std::string> want_traces;
    std::vector<std::string> want_fired, want_resolved, want_active;
    std::vector<std::vector<uint8_t>> want_flags(incs_.size());
    for (size_t s = 0; s < incs_.size(); ++s) want_flags[s].assign(incs_[s].ts.size(), 0);
    for (size_t r = 0; r < rules_.rules.size(); ++r) {
      RulePlan plan = rules_.rules[r];
      const bool ignoring = !plan.selector.ignoring.empty();
      if (ignoring) {
        plan.selector.ignoring.push_back("__inc");
        std::sort(plan.selector.ignoring.begin(), plan.selector.ignoring.end());
      }
      std::vector<TimeSeries> in(incs_.size());
      for (size_t s = 0; s < incs_.size(); ++s) {
        in[s].name = incs_[s].name;
        in[s].labels = incs_[s].labels;
        in[s].labels["__inc"] = std::to_string(s);
        if (ignoring && ii_of_[r][s] >= 0) in[s].labels["__ii"] = std::to_string(ii_of_[r][s]);
        in[s].timestamps_ms = incs_[s].ts;
        in[s].values = incs_[s].vs;
      }
      EngineOptions bopt;
      bopt.trace_nodes = traces;
      auto batch = EvaluateBatch(CompiledRules{{plan}}, in, bopt);
      if (!batch.ok()) return "batch: " + batch.status().ToString();
      for (const RuleSeriesTrace& tr : batch->traces) ExpectTrace(r, plan, tr, &want_traces);
      for (size_t s = 0; s < incs_.size(); ++s)
        for (size_t i = 0; i < batch->flags[s].size(); ++i) want_flags[s][i] |= batch->flags[s][i];
      for (const Alert& a : batch->alerts) {
        int64_t cut = kNever;
        if (auto it = a.labels.find("__ii"); it != a.labels.end()) cut = ii_cut_[std::stoul(it->second)];
        else if (auto inc = a.labels.find("__inc"); inc != a.labels.end()) cut = incs_[std::stoul(inc->second)].cut;
        if (a.starts_at_ms <= cut) {
          Alert f = a;
          f.state = AlertState::kFiring;
          f.ends_at_ms = 0;
          // The firing transition, before it was resolved: a stale series' resolution (DET8) adds its
          // reason to the alert only when it resolves.
          f.annotations.erase("resolved");
          for (const char* k : {"resolved_because", "stale_after_ms", "last_point_ms"}) f.explanation.erase(k);
          want_fired.push_back(Normalized(f));
        }
        if (a.ends_at_ms != 0 && a.ends_at_ms <= cut) want_resolved.push_back(Normalized(a));
        if (a.ends_at_ms == 0 && cut == kNever) want_active.push_back(Normalized(a));
      }
    }
    for (size_t s = 0; s < incs_.size(); ++s)
      if (incs_[s].flags != want_flags[s]) {
        size_t i = 0;
        while (i < std::min(incs_[s].flags.size(), want_flags[s].size()) && incs_[s].flags[i] == want_flags[s][i]) ++i;
        std::ostringstream out;
        out << "flags of series " << s << " (" << Json(incs_[s].labels).dump() << ") differ at point " << i << " of "
            << want_flags[s].size() << " (streaming has " << incs_[s].flags.size() << ")";
        if (i < incs_[s].ts.size()) out << ", t=" << incs_[s].ts[i];
        return out.str();
      }
    std::vector<std::string> active;
    for (const Alert& a : eng_->ActiveAlerts()) active.push_back(Normalized(a));
    auto sorted = [](std::vector<std::string> v) {
      std::sort(v.begin(), v.end());
      return v;
    };
    if (sorted(fired_) != sorted(want_fired)) return "firing transitions: " + FirstDifference(sorted(want_fired), sorted(fired_));
    if (sorted(resolved_) != sorted(want_resolved))
      return "resolutions: " + FirstDifference(sorted(want_resolved), sorted(resolved_));
    if (sorted(active) != sorted(want_active)) return "ActiveAlerts: " + FirstDifference(sorted(want_active), sorted(active));
    if (traces) {
      stats_.trace_rows += want_traces.size();
      if (sorted(traced_) != sorted(want_traces)) return "traces: " + FirstDifference(sorted(want_traces), sorted(traced_));
    }
    return "";
  }

  // One evaluation as on_trace reports it: rule, series, time, condition, firing, node values
  // (bits; every NaN one value).
  static std::string TraceRow(size_t r, size_t s, int64_t t, bool cond, bool firing, std::span<const double> vals) {
    std::ostringstream out;
    out << "rule " << r << " series " << (s == SIZE_MAX ? std::string("-") : std::to_string(s)) << " t=" << t
        << " cond " << cond << " firing " << firing << " nodes";
    for (double v : vals) {
      uint64_t bits = 0;
      std::memcpy(&bits, &v, sizeof v);
      out << ' ';
      if (std::isnan(v)) out << "nan";
      else out << std::hex << bits << std::dec;
    }
    return out.str();
  }

  // Batch's trace of rule r's series (an incarnation, or an identity incarnation named by its
  // first input) as streaming must report it: a tick-driven rule's evaluations up to the cut (batch
  // evaluates a removed member on); a rule with `ignoring` names at each evaluation the lowest
  // input of the identity still live then (RemoveInputs re-points Identity::first and the
  // member's series to it), batch the lowest ever.
  void ExpectTrace(size_t r, const RulePlan& plan, const RuleSeriesTrace& tr, std::vector<std::string>* rows) const {
    const bool ignoring = !rules_.rules[r].selector.ignoring.empty();
    std::vector<size_t> inputs;
    int64_t cut = kNever;
    if (tr.series != SIZE_MAX) {
      if (ignoring) {
        const int ii = ii_of_[r][tr.series];
        for (size_t s = 0; s < incs_.size(); ++s)
          if (ii_of_[r][s] == ii) inputs.push_back(s);
        cut = ii_cut_[static_cast<size_t>(ii)];
      } else {
        inputs.push_back(tr.series);
        cut = incs_[tr.series].cut;
      }
    }
    std::vector<double> vals(plan.nodes.size());
    for (size_t i = 0; i < tr.timestamps_ms.size(); ++i) {
      const int64_t t = tr.timestamps_ms[i];
      if (plan.tick_driven && t > cut) continue;
      size_t named = tr.series;
      for (size_t s : inputs)
        if (incs_[s].cut >= t) {
          named = s;
          break;
        }
      for (size_t n = 0; n < vals.size(); ++n) vals[n] = tr.node_values[n][i];
      rows->push_back(TraceRow(r, named, t, tr.condition[i] != 0, tr.firing[i] != 0, vals));
    }
  }

  std::mt19937_64 rng_;
  CompiledRules rules_;
  bool group_ = false;
  std::unique_ptr<StreamingEngine> eng_;
  std::vector<Incarnation> incs_;
  std::vector<std::vector<int>> ii_of_;                     // [rule][series] identity incarnation, -1
  std::vector<std::map<std::string, int>> identity_live_;   // [rule] identity -> live inputs
  std::vector<std::map<std::string, int>> identity_ii_;     // [rule] identity -> its incarnation
  std::vector<int64_t> ii_cut_;                             // identity incarnation -> end time
  std::vector<std::string> fired_, resolved_;
  bool traces_ = false;                // on_trace on (even seeds); compared at the last checkpoint
  std::vector<std::string> traced_;    // streaming's evaluations (TraceRow)
  int64_t tick_ = std::numeric_limits<int64_t>::min();  // the latest timestamp appended
  bool open_ = false;                  // points at tick_ not yet evaluated (no Flush since)
  bool bad_point_ = false;
  size_t checkpoints_ = 0;
  Stats stats_;
};

std::vector<uint64_t> ChurnSeeds() {
  std::vector<uint64_t> seeds;
  if (const char* one = std::getenv("VIGIL_CHURN_SEED")) {
    seeds.push_back(std::strtoull(one, nullptr, 10));
    return seeds;
  }
  size_t n = kSeeds;
  if (const char* many = std::getenv("VIGIL_CHURN_SEEDS")) n = std::strtoull(many, nullptr, 10);
  for (uint64_t s = 1; s <= n; ++s) seeds.push_back(s);
  return seeds;
}

// While it lives, a SIGSEGV / SIGBUS first writes "churn: crashed at seed N" to stderr (doctest
// reports a crash without the seed: no difference string comes back, and INFO is not printed on
// a signal), then the handler before it (doctest's) takes the re-raised fault.
struct SeedOnCrash {
  static inline volatile uint64_t seed = 0;
  static inline struct sigaction prev[2] = {};
  static constexpr int kSignals[2] = {SIGSEGV, SIGBUS};
  SeedOnCrash() {
    struct sigaction sa = {};
    sa.sa_handler = &Note;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < 2; ++i) sigaction(kSignals[i], &sa, &prev[i]);
  }
  ~SeedOnCrash() {
    for (int i = 0; i < 2; ++i) sigaction(kSignals[i], &prev[i], nullptr);
  }
  SeedOnCrash(const SeedOnCrash&) = delete;
  SeedOnCrash& operator=(const SeedOnCrash&) = delete;
  static void Note(int sig) {
    char buf[64] = "churn: crashed at seed ";
    size_t n = std::strlen(buf);
    char digits[24];
    size_t k = 0;
    for (uint64_t s = seed; k == 0 || s > 0; s /= 10) digits[k++] = static_cast<char>('0' + s % 10);
    while (k > 0) buf[n++] = digits[--k];
    buf[n++] = '\n';
    [[maybe_unused]] const ssize_t w = write(2, buf, n);
    // Back to the handler before (doctest's); the faulting instruction runs again and calls it.
    for (int i = 0; i < 2; ++i)
      if (kSignals[i] == sig) sigaction(sig, &prev[i], nullptr);
  }
};

TEST_CASE("churn: random schedules of appends, RemoveSeries and new series; streaming as batch over the data appended") {
  Churn::Stats all;
  size_t failed = 0;
  const SeedOnCrash note;
  for (uint64_t seed : ChurnSeeds()) {
    SeedOnCrash::seed = seed;
    Churn churn(seed);
    const std::string diff = churn.Run();
    const Churn::Stats s = churn.stats();
    all.checkpoints += s.checkpoints;
    all.fired += s.fired;
    all.removed += s.removed;
    all.reused += s.reused;
    all.refused += s.refused;
    all.joined += s.joined;
    all.points += s.points;
    all.shifted += s.shifted;
    all.grouped_ignoring += s.grouped_ignoring;
    all.rejected += s.rejected;
    all.refused_removals += s.refused_removals;
    all.trace_rows += s.trace_rows;
    if (!diff.empty()) {
      ++failed;
      FAIL_CHECK("seed ", seed, " (VIGIL_CHURN_SEED=", seed, "): ", diff, "\n", churn.Describe());
      if (failed >= 5) break;
    }
  }
  MESSAGE("churn: ", all.points, " points, ", all.checkpoints, " checkpoints, ", all.fired, " firing transitions, ", all.removed,
          " series removed, ", all.reused, " added again with a removed series' labels, ", all.joined,
          " joined a live identity of an ignoring rule, ", all.refused, " refused at max_series_per_rule, ",
          all.shifted, " ewma / lag / offset nodes, ", all.grouped_ignoring, " aggregations with ignoring, ",
          all.rejected, " bad appends / AddSeries refused, ", all.refused_removals, " RemoveSeries refused, ",
          all.trace_rows, " trace rows compared");
  // The schedules do what they are for (a generator that stopped removing would pass silently).
  CHECK(all.checkpoints > 0);
  CHECK(all.removed > 0);
  CHECK(all.reused > 0);
  CHECK(all.joined > 0);
  CHECK(all.fired > 0);
  CHECK(all.shifted > 0);
  CHECK(all.grouped_ignoring > 0);
  CHECK(all.rejected > 0);
  CHECK(all.refused_removals > 0);
  CHECK(all.trace_rows > 0);
}

// Seeds that found bugs, run whatever VIGIL_CHURN_SEEDS says (with this generator; the first
// one's seeds 17, 23, 24, 45, 51, 67, 91, 140 now make other schedules): 4 (step 7), 19, 21, 38,
// 40 fail with TickRule::RemoveMembers' self-move back (2d3677a reverted: ActiveAlerts without rule
// and labels after a later member's removal); 218 (step 36) with Rebuild's series-order sort left
// out (a std by (job) one bit off batch's). c4cb79d's use after free (ignored_labels {"pod":""})
// was not looked for again with this generator; its own test is in engine_remove_series_test.cc.
TEST_CASE("churn: the seeds that found bugs") {
  const SeedOnCrash note;
  for (uint64_t seed : {4, 19, 21, 38, 40, 218}) {
    SeedOnCrash::seed = seed;
    Churn churn(seed);
    const std::string diff = churn.Run();
    CHECK_MESSAGE(diff.empty(), "seed ", seed, ": ", diff);
    CHECK(churn.stats().removed > 0);
  }
}

}  // namespace
}  // namespace vigil
