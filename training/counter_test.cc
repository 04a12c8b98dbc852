// Counters (BuiltinProposer, builtin_proposer.h "Counters"; review RV-GC): a cumulative series known
// as a counter by its name and shaped like one over its training part gets rules on its reset-aware
// increase (`rate(value, Wp)`), never on its level. Before, a counter flat in training got
// `value > C`, which fired at the first increment and stayed firing until a reset (one alert, never
// resolved, the second error unseen), and a rising counter got level thresholds its normal growth
// crossed for good.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "detectors/engine.h"
#include "rules/compiler.h"
#include "training/builtin_proposer.h"
#include "training/engine_evaluator.h"
#include "training/rule_text_testing.h"

namespace vigil {
namespace {

// `n` points one a second, all at `level`.
TimeSeries Series(const std::string& name, size_t n, double level) {
  TimeSeries ts;
  ts.name = name;
  ts.labels = {{"gpu", "0"}};
  for (size_t i = 0; i < n; ++i) {
    ts.timestamps_ms.push_back(static_cast<int64_t>(i) * 1000);
    ts.values.push_back(level);
  }
  return ts;
}

// A counter that grows every second by 1000 + 100 · ((7 i) mod 11): a normal growth whose every
// window of rates repeats with period 11, so a held-out stretch shows no rate the training part
// did not (the test cannot pass or fail by the chance of a new maximum).
TimeSeries Rising(const std::string& name, size_t n) {
  TimeSeries ts = Series(name, n, 0);
  for (size_t i = 1; i < n; ++i)
    ts.values[i] = ts.values[i - 1] + 1000 + 100 * static_cast<double>((7 * i) % 11);
  return ts;
}

TrainingData Target(const TimeSeries& history, size_t cut) {
  TrainingData data;
  data.target = history.name;
  data.selector = history.name + "{gpu=\"0\"}";
  data.labeled = false;
  data.train.push_back(history.SliceIndex(0, cut));
  data.validation.push_back(history.SliceIndex(cut, history.size()));
  return data;
}

std::vector<RuleCandidate> Propose(const TrainingData& data) {
  EngineEvaluator evaluator(data, Objective::kDelayPointAdjusted, 7);
  ProposeOptions po;
  po.top_k = 100;
  Result<std::vector<RuleCandidate>> c = BuiltinProposer().Propose(data, evaluator, po);
  REQUIRE(c.ok());
  return *c;
}

// The rules run over `history` then `probe` (one series: the probe continues the history, as
// `vigil detect` runs over the whole file); flags and alerts of the probe's points.
BatchResult RunAfter(const std::string& rule_text, const TimeSeries& history, const TimeSeries& probe) {
  TimeSeries all = history;
  for (size_t i = 0; i < probe.size(); ++i) {
    all.timestamps_ms.push_back(history.timestamps_ms.back() + 1000 * static_cast<int64_t>(i + 1));
    all.values.push_back(probe.values[i]);
    if (all.has_anomaly_labels()) all.anomaly_labels.push_back(0);
  }
  Result<CompiledRules> rules = CompileRules(rule_text, "counter.rules");
  REQUIRE(rules.ok());
  Result<BatchResult> r = EvaluateBatch(*rules, std::vector<TimeSeries>{all});
  REQUIRE(r.ok());
  BatchResult out = *r;
  out.flags[0].erase(out.flags[0].begin(),
                     out.flags[0].begin() + static_cast<std::ptrdiff_t>(history.size()));
  return out;
}

TEST_CASE("counters: names and shapes") {
  for (const char* name : {"DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "DCGM_FI_DEV_ECC_SBE_AGG_TOTAL",
                           "DCGM_FI_DEV_PCIE_REPLAY_COUNTER", "DCGM_FI_DEV_RETIRED_DBE",
                           "DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", "DCGM_FI_DEV_THERMAL_VIOLATION",
                           "nccl_retransmits_total", "tokens_total", "http_request_duration_seconds_count",
                           "http_request_duration_seconds_sum", "http_request_duration_seconds_bucket"}) {
    CAPTURE(name);
    CHECK(IsCounterName(name));
  }
  // Gauges: the last Xid code, memory sizes, readings; a bare suffix is no name.
  for (const char* name :
       {"DCGM_FI_DEV_XID_ERRORS", "DCGM_FI_DEV_FB_TOTAL", "DCGM_FI_DEV_BAR1_TOTAL", "DCGM_FI_DEV_FB_USED",
        "DCGM_FI_DEV_GPU_TEMP", "tokens_per_s", "step_time_ms", "_total", "total", "counter",
        // dcgm-exporter types these counter, but they are per-second rates (DCP fields)
        "DCGM_FI_PROF_PCIE_TX_BYTES", "DCGM_FI_PROF_NVLINK_RX_BYTES",
        // the exporter's Xid count over its window (a gauge that goes back down)
        "DCGM_EXP_XID_ERRORS_COUNT"}) {
    CAPTURE(name);
    CHECK_FALSE(IsCounterName(name));
  }
  CHECK(CounterShape({0, 0, 0, 0}));
  CHECK(CounterShape({5, 6, 6, 9, NAN, 12}));
  CHECK(CounterShape({5, 6, 9, 0, 1, 3}));              // one restart from 0
  CHECK(CounterShape({5, 6, 9, 4, 5, 6}));              // to half or less of the value before: a restart
  CHECK_FALSE(CounterShape({5, 6, 9, 8, 9, 10}));       // a dip
  CHECK_FALSE(CounterShape({-3, -2, -1}));              // below 0
  CHECK_FALSE(CounterShape({9, 0, 9, 0, 9, 0, 9, 0}));  // resets on every other step
}

TEST_CASE("counters: flat in training, the rule fires at each increment and clears within its window") {
  // An ECC error counter at 0 over 240 s of history (the last quarter the validation tail).
  const TimeSeries history = Series("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", 240, 0);
  const std::vector<RuleCandidate> c = Propose(Target(history, 180));
  REQUIRE_FALSE(c.empty());
  const std::string& best = c.front().text;
  INFO(best);
  // One rule on the increase, none on the level (before: `value > 0` and `value < 0`).
  CHECK(WhenConditions(best) == std::vector<std::string>{"rate(value, 5p) > 0 and count(value, 5p) >= 5"});
  CHECK(c.front().rationale.find("did not increase over the training part") != std::string::npos);
  for (const RuleCandidate& cand : c) {
    for (const std::string& w : WhenConditions(cand.text)) {
      CAPTURE(w);
      CHECK(w.starts_with("rate(value, "));
    }
  }
  CHECK(c.front().train.flagged == 0);
  CHECK(c.front().validation.flagged == 0);
  // Held out: an error at 40 and another at 80. Each fires for the 4 points its window holds the
  // increment and then clears: two alerts, both resolved (before: one alert from 40 to the end).
  TimeSeries probe = Series("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", 120, 0);
  for (size_t i = 40; i < 120; ++i) probe.values[i] = i < 80 ? 1 : 2;
  const BatchResult r = RunAfter(best, history, probe);
  for (size_t i = 0; i < probe.size(); ++i) {
    CAPTURE(i);
    CHECK(r.flags[0][i] == ((i >= 40 && i < 44) || (i >= 80 && i < 84) ? 1 : 0));
  }
  REQUIRE(r.alerts.size() == 2);
  for (const Alert& a : r.alerts) CHECK(a.ends_at_ms > 0);
}

TEST_CASE("counters: a rising counter's normal growth does not fire; a faster increase does") {
  const TimeSeries history = Rising("nccl_bytes_sent_total", 800);
  const std::vector<RuleCandidate> c = Propose(Target(history, 600));
  REQUIRE_FALSE(c.empty());
  const std::string& best = c.front().text;
  INFO(best);
  const std::vector<std::string> when = WhenConditions(best);
  REQUIRE_FALSE(when.empty());
  for (const std::string& w : when) {
    CAPTURE(w);
    CHECK(w.starts_with("rate(value, "));  // before: `value > 9.0..e+05`, crossed by the next point
  }
  CHECK(c.front().rationale.find("largest training rate") != std::string::npos);
  // Held out: the same growth continued for 1000 points (far past every training level), then
  // 5 points growing 3 times as fast.
  TimeSeries probe = Rising("nccl_bytes_sent_total", 1800);
  probe.values.erase(probe.values.begin(), probe.values.begin() + 800);
  probe.timestamps_ms.resize(probe.values.size());
  const size_t burst = 1000;
  for (size_t i = burst; i < burst + 5; ++i) probe.values.push_back(probe.values.back() + 3000);
  for (size_t i = 0; i < 20; ++i) probe.values.push_back(probe.values.back() + 1000);
  probe.timestamps_ms.resize(probe.values.size());
  const BatchResult r = RunAfter(best, history, probe);
  int64_t normal_flags = 0, burst_flags = 0;
  for (size_t i = 0; i < probe.size(); ++i) (i < burst ? normal_flags : burst_flags) += r.flags[0][i];
  CHECK(normal_flags == 0);
  CHECK(burst_flags > 0);
  CHECK(r.flags[0][burst + 1] == 1);  // from its second point at the latest
}

TEST_CASE("counters: a reset to 0 does not fire and does not hide the next increase") {
  SUBCASE("flat at 7, restarted") {
    const TimeSeries history = Series("DCGM_FI_DEV_PCIE_REPLAY_COUNTER", 240, 7);
    const std::vector<RuleCandidate> c = Propose(Target(history, 180));
    REQUIRE_FALSE(c.empty());
    INFO(c.front().text);
    // The process restarts at 30 (0 from then on), one replay at 60 (0 -> 1).
    TimeSeries probe = Series("DCGM_FI_DEV_PCIE_REPLAY_COUNTER", 100, 7);
    for (size_t i = 30; i < 100; ++i) probe.values[i] = i < 60 ? 0 : 1;
    const BatchResult r = RunAfter(c.front().text, history, probe);
    for (size_t i = 0; i < probe.size(); ++i) {
      CAPTURE(i);
      CHECK(r.flags[0][i] == (i >= 60 && i < 64 ? 1 : 0));  // before: `value < 7` from 30 on
    }
  }
  SUBCASE("flat at 7, restarted, an increment inside the restart's window") {
    // The restart to 0 at 30 and a replay at 31 share the windows ending at 31-34: the increase
    // there is 0 + 1, not 1 - 7 (`delta`'s reading, which hides the replay until 34).
    const TimeSeries history = Series("DCGM_FI_DEV_PCIE_REPLAY_COUNTER", 240, 7);
    const std::vector<RuleCandidate> c = Propose(Target(history, 180));
    REQUIRE_FALSE(c.empty());
    const std::string& best = c.front().text;
    INFO(best);
    TimeSeries probe = Series("DCGM_FI_DEV_PCIE_REPLAY_COUNTER", 60, 7);
    for (size_t i = 30; i < probe.size(); ++i) probe.values[i] = i == 30 ? 0 : 1;
    BatchResult r = RunAfter(best, history, probe);
    for (size_t i = 0; i < probe.size(); ++i) {
      CAPTURE(i);
      CHECK(r.flags[0][i] == (i >= 31 && i < 35 ? 1 : 0));
    }
    // A restart to 3 (3 counts since the restart, as PromQL's increase reads it): the windows
    // holding the step fire (30-33); from 34 the restart is the window's first point, whose step
    // from the point before the window is not the window's.
    for (size_t i = 30; i < probe.size(); ++i) probe.values[i] = 3;
    r = RunAfter(best, history, probe);
    for (size_t i = 0; i < probe.size(); ++i) {
      CAPTURE(i);
      CHECK(r.flags[0][i] == (i >= 30 && i < 34 ? 1 : 0));
    }
  }
  SUBCASE("rising, with a restart in the training part and another held out") {
    TimeSeries history = Rising("tokens_total", 800);
    const double restart = history.values[299];
    for (size_t i = 300; i < 800; ++i) history.values[i] -= restart;  // restarted at 300
    REQUIRE(history.values[300] < history.values[299] / 2);
    REQUIRE(IsCounterTarget(Target(history, 600)));
    const std::vector<RuleCandidate> c = Propose(Target(history, 600));
    REQUIRE_FALSE(c.empty());
    INFO(c.front().text);
    TimeSeries probe = Rising("tokens_total", 1300);
    probe.values.erase(probe.values.begin(), probe.values.begin() + 800);
    probe.timestamps_ms.resize(probe.values.size());
    for (double& v : probe.values) v -= restart;  // continues the history
    const double at = probe.values[200];
    for (size_t i = 200; i < probe.size(); ++i) probe.values[i] -= at;  // restart at 200: 0 there
    const BatchResult r = RunAfter(c.front().text, history, probe);
    int64_t flags = 0;
    for (uint8_t f : r.flags[0]) flags += f;
    CHECK(flags == 0);
  }
}

TEST_CASE("counters: labeled, rules and the guard on the increase, none on the level") {
  // An ECC counter at 0 with one labeled error in training (0 -> 1 at 100, points 100-103 labeled,
  // the 4 points whose 5-point window holds it), one more held out.
  TimeSeries history = Series("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", 400, 0);
  history.anomaly_labels.assign(history.size(), 0);
  for (size_t i = 100; i < history.size(); ++i) history.values[i] = 1;
  for (size_t i = 100; i < 104; ++i) history.anomaly_labels[i] = 1;
  TrainingData data = Target(history, 300);
  data.labeled = true;
  REQUIRE(FitsLabeled(data));
  REQUIRE(IsCounterTarget(data));
  const std::vector<RuleCandidate> c = Propose(data);
  REQUIRE_FALSE(c.empty());
  const std::string& best = c.front().text;
  INFO(best);
  // Before: `value > 0.5`-like level cuts and the range guard `value < 0` / `value > 1`.
  for (const std::string& w : WhenConditions(best)) {
    CAPTURE(w);
    CHECK(w.starts_with("rate(value, "));
  }
  CHECK(best.find("rule counter_guard") != std::string::npos);
  CHECK(best.find("rate(value, 5p) > 0 and count(value, 5p) >= 5") != std::string::npos);  // the guard
  TimeSeries probe = Series("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", 60, 1);
  for (size_t i = 30; i < 60; ++i) probe.values[i] = 2;
  const BatchResult r = RunAfter(best, history, probe);
  for (size_t i = 0; i < probe.size(); ++i) {
    CAPTURE(i);
    CHECK(r.flags[0][i] == (i >= 30 && i < 34 ? 1 : 0));
  }
}

TEST_CASE("counters: a flat `_count` is a gauge at a level; a flat `_total` or DCGM counter is a counter") {
  // `_count` / `_sum` / `_bucket` are a histogram's or summary's parts (Prometheus reserves them;
  // promtool check metrics: 'non-histogram and non-summary metrics should not have "_count"
  // suffix'), but exporters name gauges so too: a GPU count stuck at 8 over the training part. Read
  // as a counter, it lost `value < 8`: 8 -> 7 (a GPU off the bus) fired `rate(value, 5p) > 0` for 4
  // points and resolved with the GPU still missing, and 8 -> 0 (a restart-shaped drop) fired nothing.
  for (const std::string name :
       {"gpu_count", "nvidia_gpu_count", "queue_wait_seconds_sum", "req_seconds_bucket"}) {
    CAPTURE(name);
    const TimeSeries history = Series(name, 240, 8);
    const TrainingData data = Target(history, 180);
    CHECK_FALSE(IsCounterTarget(data));
    const std::vector<RuleCandidate> c = Propose(data);
    REQUIRE_FALSE(c.empty());
    const std::string& best = c.front().text;
    INFO(best);
    const std::vector<std::string> when = WhenConditions(best);
    CHECK(std::find(when.begin(), when.end(), "value < 8") != when.end());
    for (const double after : {7.0, 0.0}) {
      CAPTURE(after);
      TimeSeries probe = Series(name, 60, 8);
      for (size_t i = 20; i < probe.size(); ++i) probe.values[i] = after;
      const BatchResult r = RunAfter(best, history, probe);
      for (size_t i = 0; i < probe.size(); ++i) {
        CAPTURE(i);
        CHECK(r.flags[0][i] == (i >= 20 ? 1 : 0));  // firing for as long as the GPU is missing
      }
      REQUIRE(r.alerts.size() == 1);
      CHECK(r.alerts[0].ends_at_ms == 0);
    }
  }
  // The same names counting in training (a histogram in use) are counters.
  CHECK(IsCounterTarget(Target(Rising("req_seconds_count", 240), 180)));
  CHECK(IsCounterTarget(Target(Rising("req_seconds_bucket", 240), 180)));
  // `_total` (OpenMetrics requires it of a counter) and the DCGM counters are counters while flat.
  CHECK(IsCounterTarget(Target(Series("xid_errors_total", 240, 0), 180)));
  CHECK(IsCounterTarget(Target(Series("nccl_retransmits_total", 240, 12), 180)));
  CHECK(IsCounterTarget(Target(Series("DCGM_FI_DEV_PCIE_REPLAY_COUNTER", 240, 5), 180)));
}

TEST_CASE("counters: a gauge is not one, whatever its name or its rise") {
  // Named as a counter, but it goes up and down: the usual families, no rate.
  TimeSeries queue = Series("scheduler_queue_count", 400, 0);
  for (size_t i = 0; i < queue.size(); ++i) queue.values[i] = 50 + static_cast<double>((13 * i) % 17);
  TrainingData data = Target(queue, 300);
  CHECK_FALSE(IsCounterTarget(data));
  std::vector<RuleCandidate> c = Propose(data);
  REQUIRE_FALSE(c.empty());
  for (const RuleCandidate& cand : c) {
    INFO(cand.text);
    CHECK(cand.text.find("rate(") == std::string::npos);
  }
  // Only rising over its training part (a GPU warming up), but a gauge's name: not a counter.
  TimeSeries temp = Series("DCGM_FI_DEV_GPU_TEMP", 400, 0);
  for (size_t i = 0; i < temp.size(); ++i) temp.values[i] = 30 + static_cast<double>(i / 10);
  data = Target(temp, 300);
  CHECK_FALSE(IsCounterTarget(data));
  c = Propose(data);
  for (const RuleCandidate& cand : c) {
    INFO(cand.text);
    CHECK(cand.text.find("rate(") == std::string::npos);
  }
  // A counter's name and shape for one series of a target but not the other: not a counter target.
  data = Target(Series("errors_total", 240, 0), 180);
  TimeSeries other = queue;
  other.name = "errors_total";
  other.labels = {{"gpu", "1"}};
  data.train.push_back(other.SliceIndex(0, 180));
  data.validation.push_back(other.SliceIndex(180, 240));
  CHECK_FALSE(IsCounterTarget(data));
}

// Event counters (CT2): a counter whose history holds at most kEventCounterMaxIncrements
// increments is read as counting events (ECC, Xid, PCIe replays): every increment is news, as for
// a counter that never moved. Before, one increment in the training part set the fitted
// `rate(value, 5p) > 0.25` (its own size over 4 s), so every later single error was missed.
const char kEventRule[] = "rate(value, 5p) > 0 and count(value, 5p) >= 5";

// `n` points at 0 with one unit increment at each of `at` (the counter holds the count so far).
TimeSeries Events(const std::string& name, size_t n, const std::vector<size_t>& at) {
  TimeSeries ts = Series(name, n, 0);
  for (size_t i = 0; i < n; ++i) {
    for (size_t a : at) ts.values[i] += i >= a ? 1 : 0;
  }
  return ts;
}

// `probe` continues `history` at its last value, with one unit increment at each of `at`.
TimeSeries EventsAfter(const TimeSeries& history, size_t n, const std::vector<size_t>& at) {
  TimeSeries probe = Events(history.name, n, at);
  for (double& v : probe.values) v += history.values.back();
  return probe;
}

// Flags of the probe run after `history` (RunAfter) are exactly the 4 points from each of `at`
// (the 5-point window holding the increment, the increment's own point first); the probe's
// alerts: one per increment, every one resolved.
void ExpectAlertPerIncrement(const BatchResult& r, const TimeSeries& history, const std::vector<size_t>& at) {
  for (size_t i = 0; i < r.flags[0].size(); ++i) {
    bool in = false;
    for (size_t a : at) in = in || (i >= a && i < a + 4);
    CAPTURE(i);
    CHECK(r.flags[0][i] == (in ? 1 : 0));
  }
  size_t alerts = 0;
  for (const Alert& a : r.alerts) {
    if (a.active_at_ms <= history.timestamps_ms.back()) continue;  // the history's own
    ++alerts;
    CHECK(a.ends_at_ms > 0);
  }
  CHECK(alerts == at.size());
}

TEST_CASE("counters: one error in the training part, the next error of the same size still alerts and resolves") {
  // DCGM_FI_DEV_ECC_SBE_VOL_TOTAL 0 -> 1 at 100 s of a 240 s history (RV-CT's known limit).
  const TimeSeries history = Events("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", 240, {100});
  const TrainingData data = Target(history, 180);
  CHECK(CounterIncrements(history.values) == 1);
  CHECK(IsEventCounter(data));
  const std::vector<RuleCandidate> c = Propose(data);
  REQUIRE_FALSE(c.empty());
  const std::string& best = c.front().text;
  INFO(best);
  // Before: `rate(value, 5p) > 0.25`, `rate(value, 10p) > 0.111...`, `rate(value, 60p) > 0.0169...`.
  CHECK(WhenConditions(best) == std::vector<std::string>{kEventRule});
  CHECK(c.front().rationale.find("event counter") != std::string::npos);
  // Held out: a single error at 40 (1 -> 2), another at 80 (2 -> 3).
  const TimeSeries probe = EventsAfter(history, 120, {40, 80});
  ExpectAlertPerIncrement(RunAfter(best, history, probe), history, {40, 80});
}

TEST_CASE("counters: three rare increments are events; every later one alerts") {
  SUBCASE("all three in the training part") {
    const TimeSeries history = Events("gpu_xid_errors_total", 240, {30, 90, 150});
    const std::vector<RuleCandidate> c = Propose(Target(history, 180));
    REQUIRE_FALSE(c.empty());
    INFO(c.front().text);
    CHECK(WhenConditions(c.front().text) == std::vector<std::string>{kEventRule});
    ExpectAlertPerIncrement(RunAfter(c.front().text, history, EventsAfter(history, 120, {20, 70})), history,
                            {20, 70});
  }
  SUBCASE("two in the training part, one in the validation tail: the tail's event does not drop the rule") {
    const TimeSeries history = Events("pcie_replay_errors_total", 240, {50, 120, 200});
    const std::vector<RuleCandidate> c = Propose(Target(history, 180));
    REQUIRE_FALSE(c.empty());
    INFO(c.front().text);
    CHECK(WhenConditions(c.front().text) == std::vector<std::string>{kEventRule});
    ExpectAlertPerIncrement(RunAfter(c.front().text, history, EventsAfter(history, 120, {60})), history, {60});
  }
  SUBCASE("a restart to 0 is not an increment and does not fire") {
    TimeSeries history = Events("DCGM_FI_DEV_PCIE_REPLAY_COUNTER", 240, {30, 90});
    for (size_t i = 160; i < 240; ++i) history.values[i] = 0;  // restarted at 160
    CHECK(CounterIncrements(history.values) == 2);
    const std::vector<RuleCandidate> c = Propose(Target(history, 180));
    REQUIRE_FALSE(c.empty());
    CHECK(WhenConditions(c.front().text) == std::vector<std::string>{kEventRule});
  }
}

TEST_CASE("counters: a counter that increments often keeps its fitted thresholds; its normal growth does not alert") {
  SUBCASE("steps every third point, sizes repeating") {
    // A `train_steps_total`-like counter: +1..+3 at every third point (a third of the points move);
    // 900 points of history, then 600 held out of the same growth.
    TimeSeries steps = Series("optimizer_steps_total", 1500, 0);
    for (size_t i = 1; i < steps.size(); ++i)
      steps.values[i] = steps.values[i - 1] + (i % 3 == 0 ? 1 + static_cast<double>((i / 3) % 3) : 0);
    const TimeSeries history = steps.SliceIndex(0, 900);
    const TrainingData data = Target(history, 600);
    CHECK_FALSE(IsEventCounter(data));
    const std::vector<RuleCandidate> c = Propose(data);
    REQUIRE_FALSE(c.empty());
    const std::string& best = c.front().text;
    INFO(best);
    CHECK(WhenConditions(best).size() >= 1);
    CHECK(best.find("when rate(value, ") != std::string::npos);
    CHECK(best.find(kEventRule) == std::string::npos);
    CHECK(c.front().rationale.find("largest training rate") != std::string::npos);
    const BatchResult r = RunAfter(best, history, steps.SliceIndex(900, 1500));
    int64_t flags = 0;
    for (uint8_t f : r.flags[0]) flags += f;
    CHECK(flags == 0);
  }
  SUBCASE("one increment more than an event counter may hold") {
    const TimeSeries history = Events("gpu_xid_errors_total", 240, {20, 60, 100, 140});
    CHECK(CounterIncrements(history.values) == kEventCounterMaxIncrements + 1);
    CHECK_FALSE(IsEventCounter(Target(history, 180)));
    const std::vector<RuleCandidate> c = Propose(Target(history, 180));
    REQUIRE_FALSE(c.empty());
    CHECK(WhenConditions(c.front().text) != std::vector<std::string>{kEventRule});
  }
}

}  // namespace
}  // namespace vigil
