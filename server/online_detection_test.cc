// OnlineDetection (server/online_detection.h) against a fake MetricSource and a real IncidentStore.
// GCC 12 at -O3 (scripts/test's Release) reports a false -Wrestrict inside std::string's inlined
// copy on "n" + std::to_string(n) in FeedLoad (GCC PR 105329, as detectors/engine_remove_series_test.cc):
// off for this file only.
#pragma GCC diagnostic ignored "-Wrestrict"
#include "server/online_detection.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "core/logging.h"
#include "knowledge/temp_dir_testing.h"
#include "rules/compiler.h"

namespace vigil {
namespace {

constexpr int64_t kStep = 1000;

// Series held in memory, sliced to each query's [start, end), answering an error when told to.
// Points are returned as stored (a test may store them out of order across series).
class FakeSource : public MetricSource {
 public:
  void Set(const std::string& name, const Labels& labels, int64_t t, double v) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& s = series_[FormatSeriesId(name, labels)];
    s.name = name;
    s.labels = labels;
    s.timestamps_ms.push_back(t);
    s.values.push_back(v);
  }
  void Fail(Status s) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_ = std::move(s);
  }
  // Called (outside the lock) at each query: a test's slow Prometheus moves its clock on.
  std::function<void()> on_query;
  int queries() const {
    std::lock_guard<std::mutex> lock(mu_);
    return queries_;
  }
  std::vector<std::pair<int64_t, int64_t>> ranges() const {
    std::lock_guard<std::mutex> lock(mu_);
    return ranges_;
  }
  Result<std::vector<TimeSeries>> Query(const MetricQuery& q) const override {
    if (on_query) on_query();
    std::lock_guard<std::mutex> lock(mu_);
    ++queries_;
    ranges_.push_back({q.start_ms, q.end_ms});
    asked_.push_back(q);
    if (!fail_.ok()) return fail_;
    std::vector<TimeSeries> out;
    for (const auto& [id, s] : series_) {
      if (s.name != q.name) continue;
      bool match = true;
      for (const auto& [k, v] : q.matchers) {  // as Prometheus: `l=""` matches a series without l
        auto it = s.labels.find(k);
        match = match && (it != s.labels.end() ? it->second == v : v.empty());
      }
      for (const auto& [k, values] : q.any_of) {  // `l=~"v1|v2"`: absent is ""
        auto it = s.labels.find(k);
        const std::string have = it != s.labels.end() ? it->second : "";
        match = match && std::find(values.begin(), values.end(), have) != values.end();
      }
      if (!match) continue;
      TimeSeries t;
      t.name = s.name;
      t.labels = s.labels;
      for (size_t i = 0; i < s.size(); ++i) {
        if (s.timestamps_ms[i] >= q.start_ms && s.timestamps_ms[i] < q.end_ms) {
          t.timestamps_ms.push_back(s.timestamps_ms[i]);
          t.values.push_back(s.values[i]);
        }
      }
      if (!t.timestamps_ms.empty()) out.push_back(std::move(t));  // a range query answers series with points
    }
    if (out.size() > q.max_series) {
      ++over_limit_;
      return OutOfRangeError("query_metrics: " + std::to_string(out.size()) + " series match " +
                             FormatSeriesId(q.name, q.matchers) + " (at most " + std::to_string(q.max_series) + ")");
    }
    max_answer_ = std::max(max_answer_, out.size());
    return out;
  }
  int over_limit() const {
    std::lock_guard<std::mutex> lock(mu_);
    return over_limit_;
  }
  std::vector<MetricQuery> asked() const {  // every query, in order
    std::lock_guard<std::mutex> lock(mu_);
    return asked_;
  }
  size_t max_answer() const {  // the most series one answer held
    std::lock_guard<std::mutex> lock(mu_);
    return max_answer_;
  }
  // Series ids ListSeries leaves out though Query answers them: Prometheus's /api/v1/series lists
  // a series with samples in [start, end], query_range also one whose last sample is within the
  // 5 min lookback before start (no staleness marker after it: remote write, federation).
  std::set<std::string> unlisted;
  Result<std::vector<TimeSeries>> ListSeries(const MetricQuery& q) const override {
    ASSIGN_OR_RETURN(std::vector<TimeSeries> all, MetricSource::ListSeries(q));
    std::erase_if(all, [this](const TimeSeries& s) { return unlisted.count(s.id()) > 0; });
    return all;
  }
  std::vector<std::string> MetricNames() const override { return {}; }
  std::string Describe() const override { return "fake prometheus"; }

 private:
  mutable std::mutex mu_;
  std::map<std::string, TimeSeries> series_;
  Status fail_;
  mutable int queries_ = 0;
  mutable int over_limit_ = 0;
  mutable size_t max_answer_ = 0;
  mutable std::vector<std::pair<int64_t, int64_t>> ranges_;
  mutable std::vector<MetricQuery> asked_;
};

CompiledRules Rules(const std::string& text) {
  auto r = CompileRules(text, "t.rules");
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return *r;
}

// temp > 80 for 2 s, over series selected by `gpu=~".+"` (a regex: applied after the query).
const char* kHot = R"(rule Hot {
  select temp{gpu=~".+"}
  when temp > 80 and mean(temp, 5s) > 0
  for 2s
  severity critical
})";

// What /metrics shows of `d` (WriteMetrics).
std::string MetricsText(const OnlineDetection& d) {
  std::string m;
  d.WriteMetrics(m);
  return m;
}

struct Fixture {
  TempDir dir{"vigil_online_test"};
  FakeSource source;
  int64_t now = 100'000;  // the clock, ms
  int queued = 0;
  std::unique_ptr<IncidentStore> store;

  Fixture() { OpenStore(); }
  void OpenStore(size_t queue_max = 100) {
    store.reset();
    IncidentStoreOptions o;
    o.path = (dir.path / "incidents.db").string();
    o.queue_max = queue_max;
    auto s = IncidentStore::Open(o);
    REQUIRE_MESSAGE(s.ok(), s.status().ToString());
    store = std::move(*s);
  }
  // Make's options: `rules`, kStep, 60 s of history at most, the fixture's clock, queue count.
  OnlineDetectionOptions Options(const std::string& rules = kHot, int64_t min_warmup_ms = 0) {
    OnlineDetectionOptions o;
    o.rules = Rules(rules);
    o.source = &source;
    o.store = store.get();
    o.interval_ms = kStep;
    o.lag_ms = kStep;  // one interval (the default is two: the late-sample case tests it)
    o.max_history_ms = 60'000;
    o.min_warmup_ms = min_warmup_ms;
    o.now_ms = [this] { return now; };
    o.on_queued = [this] { ++queued; };
    return o;
  }
  std::unique_ptr<OnlineDetection> Make(const std::string& rules = kHot, int64_t min_warmup_ms = 0) {
    return Make(Options(rules, min_warmup_ms));
  }
  // Options(...) as a case changed them (limits, lag, warm-up).
  std::unique_ptr<OnlineDetection> Make(OnlineDetectionOptions o) {
    auto d = OnlineDetection::Create(std::move(o));
    REQUIRE_MESSAGE(d.ok(), d.status().ToString());
    return std::move(*d);
  }
  std::vector<StoredIncident> Incidents(std::string_view filter = "") {
    auto l = store->List(filter, 100);
    REQUIRE(l.ok());
    return *l;
  }
  // One point per second for `gpu` from `from` to `to` (inclusive, ms) at `value`.
  void Feed(const std::string& gpu, int64_t from, int64_t to, double value) {
    for (int64_t t = from; t <= to; t += kStep) source.Set("temp", {{"gpu", gpu}}, t, value);
  }
};

TEST_CASE("OnlineDetection: RuleHistoryMs adds windows along a path, point windows at the step, and for") {
  auto r = Rules(R"(rule A {
  select x
  when mean(x, 10p) > 2 * median(mean(x, 30s), 1m)
  for 5s
})");
  // mean(x, 10p) = 10 s at 1 s; median over 1 m of a 30 s mean: 90 s; plus for 5 s.
  CHECK(RuleHistoryMs(r.rules[0], 1000) == 95'000);
  CHECK(RuleHistoryMs(r.rules[0], 15'000) == 155'000);  // 10p at 15 s = 150 s, over the other path's 90 s
}

TEST_CASE("OnlineDetection: a spike fires one incident, its end resolves it, nothing twice") {
  Fixture f;
  f.Feed("0", 40'000, 99'000, 50);
  auto d = f.Make();
  CHECK(d->warmup_ms() == 7'000);  // mean 5 s + for 2 s
  REQUIRE(d->EvaluateOnce().ok());  // warm-up: reads up to now - lag = 99 s
  CHECK(d->last_evaluated_ms() == 99'000);
  CHECK(d->series() == 1);
  CHECK(f.Incidents().empty());
  // Spike from 100 s: the condition holds at 100, 101, 102 -> firing at 102 (for 2 s).
  for (int i = 0; i < 6; ++i) {
    f.Feed("0", f.now, f.now, 95);
    f.now += kStep;
    REQUIRE(d->EvaluateOnce().ok());
  }
  auto inc = f.Incidents();
  REQUIRE(inc.size() == 1);
  CHECK(inc[0].rule == "Hot");
  CHECK(inc[0].severity == "critical");
  CHECK(inc[0].starts_at_ms == 102'000);
  CHECK(inc[0].resolved_at_ms == 0);
  CHECK(inc[0].alert.labels.at("gpu") == "0");
  CHECK(f.queued == 1);
  // The spike ends: resolved at the first point where it no longer holds.
  for (int i = 0; i < 3; ++i) {
    f.Feed("0", f.now, f.now, 50);
    f.now += kStep;
    REQUIRE(d->EvaluateOnce().ok());
  }
  inc = f.Incidents();
  REQUIRE(inc.size() == 1);
  CHECK(inc[0].resolved_at_ms == 106'000);
  std::string m = MetricsText(*d);
  CHECK(m.find("vigil_detection_alerts_total{transition=\"firing\"} 1\n") != std::string::npos);
  CHECK(m.find("vigil_detection_alerts_total{transition=\"resolved\"} 1\n") != std::string::npos);
  CHECK(m.find("vigil_detection_evaluations_total 10\n") != std::string::npos);
  CHECK(m.find("vigil_detection_series 1\n") != std::string::npos);
  CHECK(m.find("vigil_detection_last_success_timestamp_seconds 109\n") != std::string::npos);
}

// The log's "selects no series" lines while it lives.
class NoSeriesLog {
 public:
  NoSeriesLog() {
    SetLogSink([this](std::string_view l) {
      std::lock_guard<std::mutex> lock(mu_);
      if (l.find("selects no series") != std::string_view::npos) lines_.emplace_back(l);
    });
  }
  ~NoSeriesLog() { SetLogSink(nullptr); }
  std::vector<std::string> lines() {
    std::lock_guard<std::mutex> lock(mu_);
    return lines_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

// kHot with a minute of gpu 0's history, and `more` rules.
std::unique_ptr<OnlineDetection> HotWith(Fixture& f, const std::string& more) {
  f.Feed("0", 40'000, 99'000, 50);
  return f.Make(std::string(kHot) + more);
}

// WALKT's e2e: an exporter that had just moved had its first sample in Prometheus before serve
// started, but after the warm-up's read ends (lag_ms before the warm-up runs): "warmed up ... (0
// series)" and every rule "selects no series ... a misspelt metric or label?", wrongly. The warning
// now waits until a read has reached the time the warm-up ran, by when such a series is read.
TEST_CASE("OnlineDetection: a series that appeared after the warm-up's read end is not named as selecting nothing") {
  NoSeriesLog log;
  Fixture f;
  auto d = HotWith(f, R"(
rule Moved {
  select power{gpu="0"}
  when power > 1000
})");
  // Its first sample at the warm-up's clock: after the warm-up's read ends (now - lag).
  f.source.Set("power", {{"gpu", "0"}}, f.now, 300);
  REQUIRE(d->EvaluateOnce().ok());
  for (int i = 0; i < 3; ++i) {
    f.now += kStep;
    f.Feed("0", f.now, f.now, 50);
    f.source.Set("power", {{"gpu", "0"}}, f.now, 300);
    REQUIRE(d->EvaluateOnce().ok());
  }
  for (const std::string& l : log.lines()) CHECK_MESSAGE(false, l);
  CHECK(MetricsText(*d).find("vigil_detection_rules_selecting_nothing 0\n") != std::string::npos);
}

// OPS5: `vigil serve --rules` with a misspelt metric (`tmep`) evaluated nothing for that rule and
// said nothing; `vigil detect` warns ("selects no series"). Now the warm-up's end names it, and a
// gauge counts such rules until their series appear. absent() rules are meant for no series.
TEST_CASE("OnlineDetection: a rule whose select matches no series is named at the warm-up and counted") {
  NoSeriesLog log;
  Fixture f;
  auto d = HotWith(f, R"(
rule Typo {
  select tmep{gpu="0"}
  when tmep > 1
}
rule Gone {
  select tmep
  when absent(10s)
})");
  REQUIRE(d->EvaluateOnce().ok());
  // Named once a read reaches the time the warm-up ran (its read ends one lag before): the next one.
  CHECK(log.lines().empty());
  CHECK(MetricsText(*d).find("vigil_detection_rules_selecting_nothing 1\n") != std::string::npos);
  f.Feed("0", f.now, f.now, 50);
  f.now += kStep;
  REQUIRE(d->EvaluateOnce().ok());
  const std::vector<std::string> named = log.lines();
  REQUIRE(named.size() == 1);
  CHECK(named[0].find("rule `Typo` (t.rules:7) selects no series: `tmep` with its label matchers matched none in "
                      "Prometheus over the warm-up") != std::string::npos);
  CHECK(MetricsText(*d).find("vigil_detection_rules_selecting_nothing 1\n") != std::string::npos);
  // Its series appear: no longer counted.
  for (int i = 0; i < 2; ++i) {
    f.Feed("0", f.now, f.now, 50);
    f.source.Set("tmep", {{"gpu", "0"}}, f.now, 0.5);
    f.now += kStep;
    REQUIRE(d->EvaluateOnce().ok());
  }
  CHECK(MetricsText(*d).find("vigil_detection_rules_selecting_nothing 0\n") != std::string::npos);
}

TEST_CASE("OnlineDetection: each read starts one step after the last evaluated time, up to now - lag") {
  Fixture f;
  f.Feed("0", 80'000, 120'000, 50);
  auto d = f.Make();
  REQUIRE(d->EvaluateOnce().ok());
  REQUIRE(!f.source.ranges().empty());
  CHECK(f.source.ranges().back() == std::pair<int64_t, int64_t>{92'000, 99'001});  // 7 s warm-up
  f.now = 100'500;  // not a whole step later: no new grid time, no query
  const int before = f.source.queries();
  REQUIRE(d->EvaluateOnce().ok());
  CHECK(f.source.queries() == before);
  f.now = 103'200;
  REQUIRE(d->EvaluateOnce().ok());
  CHECK(f.source.ranges().back() == std::pair<int64_t, int64_t>{100'000, 102'001});
  CHECK(d->last_evaluated_ms() == 102'000);
}

TEST_CASE("OnlineDetection: series out of order across a read, gaps and a new series") {
  Fixture f;
  f.Feed("0", 90'000, 99'000, 50);
  auto d = f.Make();
  REQUIRE(d->EvaluateOnce().ok());
  CHECK(d->series() == 1);
  // gpu 1 appears; its points are stored (and returned) before gpu 0's later ones, and gpu 0 has
  // a gap at 101 s. The engine needs time order across series: the read merges per timestamp.
  f.Feed("1", 100'000, 104'000, 99);
  f.source.Set("temp", {{"gpu", "0"}}, 100'000, 50);
  f.source.Set("temp", {{"gpu", "0"}}, 102'000, 50);
  f.source.Set("temp", {{"gpu", "0"}}, 104'000, 50);
  f.now = 105'000;
  REQUIRE(d->EvaluateOnce().ok());
  CHECK(d->series() == 2);
  auto inc = f.Incidents();
  REQUIRE(inc.size() == 1);
  CHECK(inc[0].alert.labels.at("gpu") == "1");
  CHECK(inc[0].starts_at_ms == 102'000);
  // A series that a regex matcher leaves out is not added.
  f.source.Set("temp", {{"gpu", ""}, {"host", "h"}}, 105'000, 99);
  f.now = 106'000;
  REQUIRE(d->EvaluateOnce().ok());
  CHECK(d->series() == 2);
}

TEST_CASE("OnlineDetection: a series new after the warm-up is evaluated by every rule, stale_for ones too") {
  Fixture f;
  f.Feed("0", 90'000, 99'000, 50);
  const std::string rules = std::string(kHot) + R"(
rule Stale {
  select temp
  when stale_for(3s)
})";
  auto d = f.Make(rules);
  REQUIRE(d->EvaluateOnce().ok());
  // gpu 1 appears hot; gpu 0 stops reporting.
  f.Feed("1", 100'000, 106'000, 99);
  f.now = 107'000;
  REQUIRE(d->EvaluateOnce().ok());
  CHECK(d->series() == 2);
  std::map<std::string, std::string> fired;  // rule -> gpu
  for (const StoredIncident& i : f.Incidents()) fired[i.rule] = i.alert.labels.at("gpu");
  CHECK(fired == std::map<std::string, std::string>{{"Hot", "1"}, {"Stale", "0"}});
  // OD2: Stale takes gpu 1 after data arrived (it was refused, counted under series_refused), and
  // finds it stale when it stops.
  f.now = 111'000;
  REQUIRE(d->EvaluateOnce().ok());
  std::map<std::string, int> stale;
  for (const StoredIncident& i : f.Incidents()) stale[i.rule + " " + i.alert.labels.at("gpu")]++;
  CHECK(stale == std::map<std::string, int>{{"Hot 1", 1}, {"Stale 0", 1}, {"Stale 1", 1}});
  std::string m = MetricsText(*d);
  CHECK(m.find("series_refused\"}") == std::string::npos);
}

TEST_CASE("OnlineDetection: Prometheus down: counted, the engine kept, the backlog read when it is back") {
  Fixture f;
  f.Feed("0", 90'000, 99'000, 50);
  auto d = f.Make();
  REQUIRE(d->EvaluateOnce().ok());
  f.source.Fail(UnavailableError("Prometheus http://x: connection refused"));
  for (int i = 0; i < 4; ++i) {
    f.Feed("0", f.now, f.now, 95);  // the spike happens while vigil cannot read it
    f.now += kStep;
    CHECK(d->EvaluateOnce().code() == StatusCode::kUnavailable);
  }
  f.source.Fail(DeadlineExceededError("Prometheus http://x: no answer in 2 s"));
  f.Feed("0", f.now, f.now, 95);
  f.now += kStep;
  CHECK(d->EvaluateOnce().code() == StatusCode::kDeadlineExceeded);
  CHECK(d->last_evaluated_ms() == 99'000);
  CHECK(f.Incidents().empty());
  f.source.Fail(Status::Ok());
  f.Feed("0", f.now, f.now, 95);
  f.now += kStep;
  REQUIRE(d->EvaluateOnce().ok());
  CHECK(d->last_evaluated_ms() == 105'000);
  auto inc = f.Incidents();
  REQUIRE(inc.size() == 1);
  CHECK(inc[0].starts_at_ms == 102'000);  // as if never down
  std::string m = MetricsText(*d);
  CHECK(m.find("vigil_detection_errors_total{reason=\"prometheus_unavailable\"} 4\n") != std::string::npos);
  CHECK(m.find("vigil_detection_errors_total{reason=\"prometheus_timeout\"} 1\n") != std::string::npos);
  CHECK(m.find("vigil_detection_last_success_timestamp_seconds 106\n") != std::string::npos);
}

TEST_CASE("OnlineDetection: a long range is read in parts of 240 grid times; a failed part does not lose the ones before") {
  Fixture f;
  f.Feed("0", 60'000, 99'000, 50);
  f.Feed("0", 100'000, 110'000, 95);
  f.Feed("0", 111'000, 700'000, 50);
  f.now = 105'000;
  REQUIRE(f.Make(kHot, 30'000)->EvaluateOnce().ok());  // the incident at 102 s, firing
  REQUIRE(f.Incidents("firing").size() == 1);
  // A restart at 701 s with a 600 s warm-up: 100..700 s, 601 grid times; the second part fails.
  OnlineDetectionOptions o = f.Options(kHot, 600'000);
  o.max_history_ms = 1'000'000;
  auto d = OnlineDetection::Create(std::move(o));
  REQUIRE(d.ok());
  int queries = 0;
  f.source.on_query = [&] {
    if (++queries == 2) f.source.Fail(UnavailableError("down"));
  };
  const size_t before = f.source.ranges().size();
  f.now = 701'000;
  CHECK((*d)->EvaluateOnce().code() == StatusCode::kUnavailable);
  f.source.on_query = nullptr;
  f.source.Fail(Status::Ok());
  CHECK((*d)->last_evaluated_ms() == 339'000);
  REQUIRE((*d)->EvaluateOnce().ok());
  const auto ranges = f.source.ranges();
  REQUIRE(ranges.size() == before + 4);
  CHECK(ranges[before] == std::pair<int64_t, int64_t>{100'000, 339'001});
  CHECK(ranges[before + 1] == std::pair<int64_t, int64_t>{340'000, 579'001});
  CHECK(ranges[before + 2] == std::pair<int64_t, int64_t>{340'000, 579'001});  // again, after the failure
  CHECK(ranges[before + 3] == std::pair<int64_t, int64_t>{580'000, 700'001});
  // The end at 111 s, seen in the first part, before the failure: recorded when the warm-up ends.
  auto inc = f.Incidents();
  REQUIRE(inc.size() == 1);
  CHECK(inc[0].resolved_at_ms == 111'000);
}

TEST_CASE("OnlineDetection: a backlog longer than max_history is cut and counted") {
  Fixture f;
  f.Feed("0", 90'000, 300'000, 50);
  auto d = f.Make();
  REQUIRE(d->EvaluateOnce().ok());
  f.source.Fail(UnavailableError("down"));
  f.now = 200'000;
  CHECK(!d->EvaluateOnce().ok());
  f.source.Fail(Status::Ok());
  f.now = 250'000;
  REQUIRE(d->EvaluateOnce().ok());
  // Read 189..249 s (60 s); 100..188 s never evaluated: 89 s.
  CHECK(f.source.ranges().back() == std::pair<int64_t, int64_t>{189'000, 249'001});
  std::string m = MetricsText(*d);
  CHECK(m.find("vigil_detection_backlog_cut_seconds_total 89\n") != std::string::npos);
}

TEST_CASE("OnlineDetection: a restart replays the warm-up and records nothing twice") {
  // The warm-up (30 s window + 2 s for) reaches back before the spike began, so the restart finds
  // the same startsAt (a warm-up starting inside an episode would find a later one).
  const std::string rules = R"(rule Hot {
  select temp{gpu=~".+"}
  when temp > 80 and mean(temp, 30s) > 0
  for 2s
  severity critical
})";
  Fixture g;
  g.Feed("0", 60'000, 99'000, 50);
  g.Feed("0", 100'000, 110'000, 95);
  g.now = 105'000;
  {
    auto d = g.Make(rules);
    REQUIRE(d->EvaluateOnce().ok());
    REQUIRE(g.Incidents().size() == 1);
  }
  g.now = 111'000;
  {
    auto d = g.Make(rules);
    REQUIRE(d->EvaluateOnce().ok());
  }
  auto inc = g.Incidents();
  REQUIRE(inc.size() == 1);  // the same (fingerprint, startsAt): a duplicate
  CHECK(inc[0].starts_at_ms == 102'000);
  CHECK(g.queued == 1);
  // The spike ended while vigil was down: the restart's warm-up resolves the stored incident.
  g.Feed("0", 111'000, 125'000, 50);
  g.now = 126'000;
  {
    auto d = g.Make(rules);
    REQUIRE(d->EvaluateOnce().ok());
  }
  inc = g.Incidents();
  REQUIRE(inc.size() == 1);
  CHECK(inc[0].resolved_at_ms == 111'000);
  // kHot's own history is 7 s (mean 5 s, for 2 s): a warm-up that short starts inside the spike and
  // finds a later startsAt (105 s). The store's firing incident of that fingerprint is the same
  // episode (the condition held from the warm-up's first full window): no second incident, and
  // its end resolves the stored one.
  Fixture k;
  k.Feed("0", 60'000, 99'000, 50);
  k.Feed("0", 100'000, 110'000, 95);
  k.now = 105'000;
  REQUIRE(k.Make(kHot, 30'000)->EvaluateOnce().ok());
  k.now = 111'000;
  {
    auto d = k.Make(kHot, 0);
    REQUIRE(d->EvaluateOnce().ok());
    CHECK(k.Incidents().size() == 1);  // not a second one at 105 s
    k.Feed("0", 111'000, 114'000, 50);
    k.now = 115'000;
    REQUIRE(d->EvaluateOnce().ok());
    auto inc = k.Incidents();
    REQUIRE(inc.size() == 1);
    CHECK(inc[0].starts_at_ms == 102'000);
    CHECK(inc[0].resolved_at_ms == 111'000);
  }
  REQUIRE(k.Make(kHot, 30'000)->EvaluateOnce().ok());
  CHECK(k.Incidents().size() == 1);  // 102 s again: a duplicate
  // An episode that began and ended wholly before vigil watched is not recorded.
  Fixture h;
  h.Feed("0", 60'000, 99'000, 50);
  h.Feed("0", 100'000, 110'000, 95);
  h.Feed("0", 111'000, 130'000, 50);
  h.now = 131'000;
  auto d = h.Make(rules);
  REQUIRE(d->EvaluateOnce().ok());
  CHECK(h.Incidents().empty());
}

TEST_CASE("OnlineDetection: a restart resolves an online incident that ended before its warm-up, not a webhook's") {
  Fixture f;
  f.Feed("0", 60'000, 99'000, 50);
  f.Feed("0", 100'000, 110'000, 95);
  f.Feed("0", 111'000, 200'000, 50);
  f.now = 105'000;
  REQUIRE(f.Make(kHot, 0)->EvaluateOnce().ok());
  // Alertmanager's alert of the same name (its own fingerprint), firing too.
  std::vector<Alert> hook(1);
  hook[0].rule = "Hot";
  hook[0].fingerprint = "00000000000000f0";
  hook[0].labels = {{"alertname", "Hot"}, {"gpu", "0"}};
  hook[0].state = AlertState::kFiring;
  hook[0].starts_at_ms = 100'000;
  REQUIRE(f.store->Intake(hook).ok());
  REQUIRE(f.Incidents("firing").size() == 2);
  // vigil down from 105 s to 200 s; the episode ended at 111 s, before the restart's 7 s warm-up
  // (192..199 s) could see it.
  f.now = 200'000;
  REQUIRE(f.Make(kHot, 0)->EvaluateOnce().ok());
  auto firing = f.Incidents("firing");
  REQUIRE(firing.size() == 1);
  CHECK(firing[0].fingerprint == "00000000000000f0");
  auto resolved = f.Incidents("stopped");  // the alert ended ("resolved" is a recorded fix, DEF5)
  REQUIRE(resolved.size() == 1);
  CHECK(resolved[0].starts_at_ms == 102'000);
  CHECK(resolved[0].resolved_at_ms == 192'000);  // at the latest when the warm-up saw it not firing
  // A new episode of the same alert within a longer warm-up, after its windows filled: the stored
  // one ended before the condition held again (a new incident for the new one).
  Fixture g;
  g.Feed("0", 60'000, 99'000, 50);
  g.Feed("0", 100'000, 110'000, 95);
  g.Feed("0", 111'000, 150'000, 50);
  g.Feed("0", 151'000, 200'000, 95);
  g.now = 105'000;
  REQUIRE(g.Make(kHot, 0)->EvaluateOnce().ok());
  g.now = 200'000;
  REQUIRE(g.Make(kHot, 60'000)->EvaluateOnce().ok());
  auto inc = g.Incidents();
  REQUIRE(inc.size() == 2);
  CHECK(inc[0].starts_at_ms == 153'000);
  CHECK(inc[0].resolved_at_ms == 0);
  CHECK(inc[1].starts_at_ms == 102'000);
  CHECK(inc[1].resolved_at_ms == 151'000);
}

TEST_CASE("OnlineDetection: a firing series that disappears is resolved after 5 min, and a new incident if it comes back firing") {
  Fixture f;
  f.Feed("0", 90'000, 99'000, 50);
  f.Feed("1", 90'000, 99'000, 50);
  std::vector<std::vector<Alert>> sent;
  OnlineDetectionOptions o = f.Options();
  o.forward = [&](const std::vector<Alert>& alerts) {
    sent.push_back(alerts);
    return Status::Ok();
  };
  auto made = OnlineDetection::Create(std::move(o));
  REQUIRE(made.ok());
  OnlineDetection& d = **made;
  REQUIRE(d.EvaluateOnce().ok());
  // gpu 1 goes hot (firing at 102 s), its last point at 104 s; then its node is gone. gpu 0 reports on.
  f.Feed("1", 100'000, 104'000, 95);
  for (f.now = 101'000; f.now <= 420'000; f.now += 10'000) {
    f.Feed("0", std::max<int64_t>(100'000, f.now - 10'000), f.now - 1'000, 50);
    REQUIRE(d.EvaluateOnce().ok());
  }
  auto inc = f.Incidents();
  REQUIRE(inc.size() == 1);
  CHECK(inc[0].alert.labels.at("gpu") == "1");
  CHECK(inc[0].resolved_at_ms == 105'000);  // its last point + one interval: when Prometheus resolves it
  REQUIRE(!sent.empty());
  CHECK(sent.back().size() == 1);  // the resolution, once
  CHECK(sent.back()[0].state == AlertState::kResolved);
  const size_t sends = sent.size();
  f.now += 10'000;
  f.Feed("0", f.now - 20'000, f.now - 1'000, 50);
  REQUIRE(d.EvaluateOnce().ok());
  CHECK(sent.size() == sends);  // no longer resent as firing
  // gpu 1 comes back, still hot: a new incident; its end resolves that one. Absent 327 s, past
  // the drop (5 min + 7 s history + 1 s), it was dropped: a new series, whose `for` (2 s) is
  // waited again, as Prometheus does for a series back after its staleness.
  const int64_t back = f.now;
  f.Feed("1", back, back + 2'000, 95);
  f.Feed("0", back, back + 2'000, 50);
  f.now = back + 3'000;
  REQUIRE(d.EvaluateOnce().ok());
  inc = f.Incidents();
  REQUIRE(inc.size() == 2);
  CHECK(inc[0].starts_at_ms == back + 2'000);
  CHECK(inc[0].resolved_at_ms == 0);
  f.Feed("1", back + 3'000, back + 4'000, 50);
  f.Feed("0", back + 3'000, back + 4'000, 50);
  f.now = back + 5'000;
  REQUIRE(d.EvaluateOnce().ok());
  inc = f.Incidents();
  REQUIRE(inc.size() == 2);
  CHECK(inc[0].resolved_at_ms == back + 3'000);
  // A series that fired and disappeared before vigil started is no incident at all (the engine
  // still has its alert firing at the warm-up's end), and is not forwarded.
  Fixture h;
  h.Feed("0", 60'000, 500'000, 50);
  h.Feed("1", 60'000, 99'000, 50);
  h.Feed("1", 100'000, 104'000, 95);
  OnlineDetectionOptions ho = h.Options(kHot, 450'000);
  ho.max_history_ms = 600'000;
  size_t forwarded = 0;
  ho.forward = [&](const std::vector<Alert>& alerts) {
    forwarded += alerts.size();
    return Status::Ok();
  };
  h.now = 501'000;
  auto hd = OnlineDetection::Create(std::move(ho));
  REQUIRE(hd.ok());
  REQUIRE((*hd)->EvaluateOnce().ok());
  CHECK(h.Incidents().empty());
  CHECK(forwarded == 0);
  // No series has a point for 6 min (Prometheus answered but scraped nothing: its restart, a
  // network split) and then they report again: not a disappearance, nothing resolved or doubled.
  Fixture q;
  q.Feed("0", 90'000, 99'000, 50);
  auto qd = q.Make();
  REQUIRE(qd->EvaluateOnce().ok());
  q.Feed("0", 100'000, 104'000, 95);
  q.now = 105'000;
  REQUIRE(qd->EvaluateOnce().ok());
  REQUIRE(q.Incidents("firing").size() == 1);
  for (q.now = 115'000; q.now <= 475'000; q.now += 10'000) REQUIRE(qd->EvaluateOnce().ok());
  q.Feed("0", 475'000, 480'000, 95);
  q.now = 481'000;
  REQUIRE(qd->EvaluateOnce().ok());
  CHECK(q.Incidents().size() == 1);
  CHECK(q.Incidents("firing").size() == 1);
}

TEST_CASE("OnlineDetection: a full queue keeps the alerts and records them on a later interval") {
  Fixture f;
  f.OpenStore(1);
  std::vector<Alert> other(1);
  other[0].rule = "Other";
  other[0].fingerprint = "00000000000000f0";
  other[0].state = AlertState::kFiring;
  other[0].starts_at_ms = 1;
  REQUIRE(f.store->Intake(other).ok());  // the one queue slot taken
  f.Feed("0", 90'000, 99'000, 50);
  f.Feed("0", 100'000, 110'000, 95);
  auto d = f.Make();
  REQUIRE(d->EvaluateOnce().ok());
  f.now = 106'000;
  CHECK(d->EvaluateOnce().code() == StatusCode::kResourceExhausted);
  CHECK(f.Incidents().size() == 1);
  auto claimed = f.store->ClaimNext();  // the queue drains
  REQUIRE(claimed.ok());
  f.now = 107'000;
  REQUIRE(d->EvaluateOnce().ok());
  auto inc = f.Incidents();
  REQUIRE(inc.size() == 2);
  CHECK(inc[0].rule == "Hot");
  CHECK(inc[0].starts_at_ms == 102'000);
  std::string m = MetricsText(*d);
  CHECK(m.find("vigil_detection_errors_total{reason=\"store\"} 1\n") != std::string::npos);
}

TEST_CASE("OnlineDetection: more alerts at once than the queue takes: as many as fit, the rest as it drains") {
  Fixture f;
  f.OpenStore(2);
  for (const char* gpu : {"0", "1", "2"}) {
    f.Feed(gpu, 90'000, 99'000, 50);
    f.Feed(gpu, 100'000, 110'000, 95);
  }
  auto d = f.Make();
  REQUIRE(d->EvaluateOnce().ok());
  f.now = 106'000;  // all three fire at 102 s; the queue takes 2
  CHECK(d->EvaluateOnce().code() == StatusCode::kResourceExhausted);
  CHECK(f.Incidents().size() == 2);
  CHECK(f.queued == 1);
  for (int i = 0; i < 2; ++i) REQUIRE(f.store->ClaimNext().ok());  // the workers drain it
  f.now = 107'000;
  REQUIRE(d->EvaluateOnce().ok());
  CHECK(f.Incidents().size() == 3);
  CHECK(f.queued == 2);
}

TEST_CASE("OnlineDetection: forward resends firing alerts each interval with endsAt ahead, a resolution until sent") {
  Fixture f;
  f.Feed("0", 90'000, 99'000, 50);
  std::vector<std::vector<Alert>> sent;
  Status answer;
  OnlineDetectionOptions o;
  o.rules = Rules(kHot);
  o.source = &f.source;
  o.store = f.store.get();
  o.interval_ms = kStep;
  o.min_warmup_ms = 0;
  o.now_ms = [&f] { return f.now; };
  o.forward = [&](const std::vector<Alert>& alerts) {
    sent.push_back(alerts);
    return answer;
  };
  auto made = OnlineDetection::Create(std::move(o));
  REQUIRE(made.ok());
  OnlineDetection& d = **made;
  REQUIRE(d.EvaluateOnce().ok());
  CHECK(sent.empty());  // nothing firing: nothing sent
  f.Feed("0", 100'000, 104'000, 95);
  f.now = 105'000;
  REQUIRE(d.EvaluateOnce().ok());
  REQUIRE(sent.size() == 1);
  REQUIRE(sent[0].size() == 1);
  CHECK(sent[0][0].state == AlertState::kFiring);
  CHECK(sent[0][0].starts_at_ms == 102'000);
  // Prometheus's: now + 4 x max(resend delay 1 m, interval), not 4 intervals (4 s here).
  CHECK(sent[0][0].ends_at_ms == 105'000 + 240'000);
  // Prometheus down and slow: the read waits out serve's timeout (max(2 intervals, 5 s)) before it
  // fails. The firing alert is still resent, and the endsAt sent before still covers that wait
  // (else Alertmanager resolves it, and its resolved webhook marks the online incident resolved).
  f.source.Fail(DeadlineExceededError("down"));
  f.source.on_query = [&f] { f.now += 5'000; };
  f.now = 106'000;
  CHECK(!d.EvaluateOnce().ok());
  f.source.on_query = nullptr;
  REQUIRE(sent.size() == 2);
  CHECK(sent[1][0].ends_at_ms == 111'000 + 240'000);
  CHECK(sent[0][0].ends_at_ms >= 111'000);  // not lapsed before this resend
  f.source.Fail(Status::Ok());
  // The spike ends while Alertmanager is down: the resolution is kept and sent when it is back.
  f.Feed("0", 105'000, 108'000, 50);
  answer = UnavailableError("Alertmanager http://am: connection refused");
  f.now = 109'000;
  CHECK(d.EvaluateOnce().ok());  // forwarding does not fail the interval
  REQUIRE(sent.size() == 3);
  REQUIRE(sent[2].size() == 1);
  CHECK(sent[2][0].state == AlertState::kResolved);
  CHECK(sent[2][0].ends_at_ms == 105'000);
  answer = Status::Ok();
  f.now = 110'000;
  f.Feed("0", 109'000, 109'000, 50);
  REQUIRE(d.EvaluateOnce().ok());
  REQUIRE(sent.size() == 4);
  CHECK(sent[3].size() == 1);  // the resolution again
  f.now = 111'000;
  f.Feed("0", 110'000, 110'000, 50);
  REQUIRE(d.EvaluateOnce().ok());
  CHECK(sent.size() == 4);  // sent: not again; nothing firing
  std::string m;
  d.WriteMetrics(m);
  CHECK(m.find("vigil_detection_errors_total{reason=\"forward\"} 1\n") != std::string::npos);
  CHECK(m.find("vigil_detection_alerts_forwarded_total 3\n") != std::string::npos);
}

TEST_CASE("OnlineDetection: a rule selecting any metric is refused, naming it") {
  Fixture f;
  OnlineDetectionOptions o;
  o.rules = Rules("rule Any {\n  select *{gpu=\"0\"}\n  when value > 1\n}");
  o.source = &f.source;
  o.store = f.store.get();
  auto d = OnlineDetection::Create(std::move(o));
  REQUIRE(!d.ok());
  CHECK(d.status().code() == StatusCode::kInvalidArgument);
  CHECK(d.status().message().find("t.rules:1: rule `Any` selects any metric") != std::string::npos);
}

TEST_CASE("OnlineDetection: a time window that would outgrow max_window_points at the interval is refused at start") {
  // One point per interval: 7d at 1 s is 604,800 points, over the engine's 100,000; the engine
  // would stop detection for good when the window filled, after 100,000 s of running.
  Fixture f;
  for (const char* body : {"when x > 2 * mean(x, 7d)", "when x > 2 * (x offset 7d)"}) {
    OnlineDetectionOptions o = f.Options(std::string("rule Week {\n  select x\n  ") + body + "\n}");
    o.interval_ms = 1000;
    auto d = OnlineDetection::Create(o);
    REQUIRE(!d.ok());
    CHECK(d.status().code() == StatusCode::kInvalidArgument);
    CHECK(d.status().message().find("t.rules:1: rule `Week`") != std::string::npos);
    CHECK(d.status().message().find("max_window_points (100000)") != std::string::npos);
    o.interval_ms = 15'000;  // 40,321 points: fine
    CHECK(OnlineDetection::Create(std::move(o)).ok());
  }
}

// 12 series `load{node, gpu}`: nodes n0..n3 (3 series each), gpus 0..2 (4 each), at `value`
// from `from` to `to` (inclusive), and the rule Busy over them beside kHot.
const char* kBusy = R"(
rule Busy {
  select load
  when load > 90
  severity warning
})";
void FeedLoad(Fixture& f, int64_t from, int64_t to, double value, const std::string& hot_node = "") {
  for (int n = 0; n < 4; ++n) {
    for (int g = 0; g < 3; ++g) {
      const std::string node = "n" + std::to_string(n);
      for (int64_t t = from; t <= to; t += kStep)
        f.source.Set("load", {{"node", node}, {"gpu", std::to_string(g)}}, t,
                     node == hot_node && g == 2 ? 95 : value);
    }
  }
}

TEST_CASE("OnlineDetection: a selector over max_series_per_query is read in shards by label; every rule goes on") {
  Fixture f;
  f.Feed("0", 90'000, 99'000, 50);
  FeedLoad(f, 90'000, 99'000, 10);
  OnlineDetectionOptions o = f.Options(std::string(kHot) + kBusy);
  o.max_series_per_query = 5;
  auto d = f.Make(std::move(o));
  // The warm-up (92..99 s, several grid times): load's 12 series are over 5 at once; the series at
  // 99 s split by gpu into 3 reads of 4 (by node 4 reads of 3: more reads).
  REQUIRE(d->EvaluateOnce().ok());
  CHECK(d->series() == 13);
  CHECK(f.source.max_answer() == 12);  // the series at the range's end, one point each
  // One grid time a read (the steady state): one read of all 12; then three at once (shards).
  for (int i = 0; i < 3; ++i) {
    f.Feed("0", f.now, f.now, 95);
    FeedLoad(f, f.now, f.now, 10, "n1");
    f.now += kStep;
    REQUIRE(d->EvaluateOnce().ok());
  }
  f.Feed("0", f.now, f.now + 2 * kStep, 95);
  FeedLoad(f, f.now, f.now + 2 * kStep, 10, "n1");
  f.now += 3 * kStep;
  REQUIRE(d->EvaluateOnce().ok());
  CHECK(d->last_evaluated_ms() == 105'000);
  std::map<std::string, std::string> fired;  // rule -> the series' labels
  for (const StoredIncident& i : f.Incidents()) fired[i.rule] = FormatSeriesId("", i.alert.labels);
  CHECK(fired == std::map<std::string, std::string>{{"Busy", FormatSeriesId("", {{"gpu", "2"}, {"node", "n1"}})},
                                                    {"Hot", FormatSeriesId("", {{"gpu", "0"}})}});
  std::string m = MetricsText(*d);
  CHECK(m.find("{reason=\"too_many_series\"}") == std::string::npos);
  CHECK(m.find("vigil_detection_rule_read_errors_total{") == std::string::npos);
  // 8 warm-up + 3 + 3 grid times of 13 series.
  CHECK(m.find("vigil_detection_points_total 182\n") != std::string::npos);
}

TEST_CASE("OnlineDetection: a selector no one label splits is read in shards of two labels") {
  // OD3: 4 nodes x 3 GPUs at max_series_per_query 2: every node has 3 series and every GPU 4, so
  // no one label splits them and the read failed (`no one label ...`); a node within a GPU is one
  // series. Read as gpu="g" and node=~"a|b": per GPU its 4 nodes in 2 shards (6 shards; node
  // within gpu: per node its 3 GPUs in 2, 8 shards).
  Fixture f;
  f.Feed("0", 90'000, 99'000, 50);
  FeedLoad(f, 90'000, 99'000, 10);
  FeedLoad(f, 96'000, 99'000, 10, "n1");  // n1/gpu 2 at 95 from 96 s: Busy fires in the warm-up
  OnlineDetectionOptions o = f.Options(std::string(kHot) + kBusy);
  o.max_series_per_query = 2;
  auto d = f.Make(std::move(o));
  REQUIRE(d->EvaluateOnce().ok());
  CHECK(d->series() == 13);
  std::string m = MetricsText(*d);
  CHECK(m.find("{reason=\"too_many_series\"}") == std::string::npos);
  CHECK(m.find("vigil_detection_rule_read_errors_total{") == std::string::npos);
  // The reads of load with any_of: 6, each `gpu` one value and `node` two, each answering 2.
  size_t shards = 0;
  std::set<std::string> read;
  for (const MetricQuery& q : f.source.asked()) {
    if (q.name != "load" || q.any_of.empty()) continue;
    ++shards;
    REQUIRE(q.any_of.size() == 2);
    CHECK(q.any_of.at("gpu").size() == 1);
    CHECK(q.any_of.at("node").size() == 2);
    for (const std::string& n : q.any_of.at("node")) read.insert(q.any_of.at("gpu")[0] + "/" + n);
  }
  CHECK(shards == 6);
  CHECK(read.size() == 12);  // every (gpu, node) once
  auto inc = f.Incidents();
  REQUIRE(inc.size() == 1);
  CHECK(inc[0].rule == "Busy");
  CHECK(inc[0].alert.labels == Labels{{"gpu", "2"}, {"node", "n1"}});
}

TEST_CASE("OnlineDetection: a selector no two labels split fails for its rules only") {
  // 3 labels of 3 values (27 series) at max_series_per_query 2: every pair of values of two labels
  // has 3 series.
  Fixture f;
  f.Feed("0", 90'000, 99'000, 50);
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b)
      for (int c = 0; c < 3; ++c)
        for (int64_t t = 90'000; t <= 99'000; t += kStep)
          f.source.Set("load",
                       {{"a", std::to_string(a)}, {"b", std::to_string(b)}, {"c", std::to_string(c)},
                        {"instance", "h:9100"}, {"job", "node"}},  // one value each, as Prometheus adds
                       t, 10);
  OnlineDetectionOptions o = f.Options(std::string(kHot) + kBusy);
  o.max_series_per_query = 2;
  auto d = f.Make(std::move(o));
  REQUIRE(d->EvaluateOnce().ok());  // Hot's read went on
  CHECK(d->series() == 1);
  std::string m = MetricsText(*d);
  CHECK(m.find("vigil_detection_rule_read_errors_total{rule=\"Busy\"} 1\n") != std::string::npos);
  CHECK(m.find("vigil_detection_errors_total{reason=\"too_many_series\"} 1\n") != std::string::npos);
}

TEST_CASE("OnlineDetection: a splitting label of 300 values is read in 3 regex shards of at most 100 series") {
  // OD2: the shards were one `label="value"` read each, at most 256: 300 nodes (2,000 on a real
  // cluster) failed every read of the selector (too_many_series), and its rules got no data.
  Fixture f;
  for (int n = 0; n < 300; ++n) {
    const std::string node = "n" + std::to_string(n) + (n % 7 == 0 ? ".dc-1" : "");  // a `.` to quote
    for (int64_t t = 90'000; t <= 99'000; t += kStep) f.source.Set("load", {{"node", node}}, t, n == 299 ? 95 : 10);
  }
  OnlineDetectionOptions o = f.Options(kBusy, 7'000);  // the warm-up: 92..99 s, 8 grid times
  o.max_series_per_query = 100;
  auto d = f.Make(std::move(o));
  const Status st = d->EvaluateOnce();
  REQUIRE_MESSAGE(st.ok(), st.message());
  CHECK(d->series() == 300);
  CHECK(f.source.max_answer() <= 300);  // the list of series (labels only), then shards
  std::vector<size_t> shard_sizes;
  for (const MetricQuery& q : f.source.asked()) {
    if (!q.any_of.empty()) shard_sizes.push_back(q.any_of.at("node").size());
  }
  CHECK(shard_sizes == std::vector<size_t>{100, 100, 100});
  auto inc = f.Incidents();
  REQUIRE(inc.size() == 1);
  CHECK(inc[0].alert.labels.at("node") == "n299");
  std::string m = MetricsText(*d);
  CHECK(m.find("{reason=\"too_many_series\"}") == std::string::npos);
  CHECK(m.find("vigil_detection_points_total 2400\n") != std::string::npos);  // 300 x 8 grid times (92..99 s)
  // A byte bound on each shard's regex: the values are ~4-9 bytes, so 40 bytes hold at most ~8.
  Fixture g;
  for (int n = 0; n < 300; ++n)
    for (int64_t t = 90'000; t <= 99'000; t += kStep) g.source.Set("load", {{"node", "n" + std::to_string(n)}}, t, 10);
  OnlineDetectionOptions small = g.Options(kBusy, 7'000);
  small.max_series_per_query = 100;
  small.max_matcher_bytes = 40;
  auto d2 = OnlineDetection::Create(std::move(small));
  REQUIRE(d2.ok());
  REQUIRE((*d2)->EvaluateOnce().ok());
  CHECK((*d2)->series() == 300);
  size_t shards = 0, most_bytes = 0;
  for (const MetricQuery& q : g.source.asked()) {
    if (q.any_of.empty()) continue;
    ++shards;
    size_t bytes = 0;
    for (const std::string& v : q.any_of.at("node")) bytes += v.size() + 1;
    most_bytes = std::max(most_bytes, bytes);
  }
  CHECK(most_bytes <= 40);
  CHECK(shards >= 300 * 4 / 40);
}

TEST_CASE("OnlineDetection: a series that stopped early in the warm-up, with a label value no present series has, is read") {
  // OD2: the shards were the label values at the range's last grid time, so load{node="n4",gpu="7"}
  // (gone at 94 s) was never read: its 5 points and its series were missing.
  Fixture f;
  FeedLoad(f, 90'000, 99'000, 10);
  for (int64_t t = 90'000; t <= 94'000; t += kStep) f.source.Set("load", {{"node", "n4"}, {"gpu", "7"}}, t, 10);
  OnlineDetectionOptions o = f.Options(kBusy, 7'000);  // the warm-up: 92..99 s
  o.max_series_per_query = 5;
  auto d = f.Make(std::move(o));
  REQUIRE(d->EvaluateOnce().ok());
  CHECK(d->series() == 13);
  std::string m = MetricsText(*d);
  CHECK(m.find("vigil_detection_points_total 99\n") != std::string::npos);  // 12 x 8 (92..99 s) + 3 (92..94 s)
  size_t shards = 0;
  for (const MetricQuery& q : f.source.asked()) shards += !q.any_of.empty();
  CHECK(shards == 3);  // by gpu: {0, 7} {1} {2} (4 + 1, 4, 4); by node it would take 4
}

TEST_CASE("OnlineDetection: a shard that reads more series than were listed is split, not failed") {
  // Review RV-OD2: shards are packed up to max_series_per_query series by the list of series
  // (/api/v1/series over [start, end]), but query_range also answers a series whose last sample
  // is within the 5 min lookback before start (no staleness marker: remote write, federation) or
  // that first came after the list: a full shard read one more than allowed and failed
  // (OutOfRange: the select's rules got no data for that range, too_many_series counted).
  Fixture f;
  for (int h = 0; h < 10; ++h)
    for (int slot = 0; slot < 2; ++slot)
      for (int64_t t = 90'000; t <= 99'000; t += kStep)
        f.source.Set("load", {{"host", "h" + std::to_string(h)}, {"slot", std::to_string(slot)}}, t, 10);
  for (int64_t t = 90'000; t <= 99'000; t += kStep) f.source.Set("load", {{"host", "h0"}, {"slot", "2"}}, t, 95);
  f.source.unlisted = {R"(load{host="h0",slot="2"})"};
  OnlineDetectionOptions o = f.Options(kBusy, 7'000);  // the warm-up: 92..99 s, 8 grid times
  o.max_series_per_query = 10;
  auto d = f.Make(std::move(o));
  const Status st = d->EvaluateOnce();
  REQUIRE_MESSAGE(st.ok(), st.message());
  CHECK(d->series() == 21);
  std::string m = MetricsText(*d);
  CHECK(m.find("{reason=\"too_many_series\"}") == std::string::npos);
  CHECK(m.find("vigil_detection_points_total 168\n") != std::string::npos);  // 21 x 8
  auto inc = f.Incidents();
  REQUIRE(inc.size() == 1);
  CHECK(inc[0].alert.labels.at("slot") == "2");
  // By host: {h0..h4} {h5..h9}, 10 listed each; the first answered 11 and was read as two halves.
  std::vector<size_t> shard_sizes;
  for (const MetricQuery& q : f.source.asked()) {
    if (!q.any_of.empty()) shard_sizes.push_back(q.any_of.at("host").size());
  }
  CHECK(shard_sizes == std::vector<size_t>{5, 2, 3, 5});
  // Listed 10, at the limit, answered 11: the one read of all of them is sharded too, by a label
  // that can be split (every label packs into one shard here: `cluster`, first by name, has one
  // value, so a shard of it cannot be halved; host has 5).
  Fixture g;
  for (int h = 0; h < 5; ++h)
    for (int slot = 0; slot < 2; ++slot)
      for (int64_t t = 90'000; t <= 99'000; t += kStep)
        g.source.Set("load", {{"cluster", "c1"}, {"host", "h" + std::to_string(h)}, {"slot", std::to_string(slot)}},
                     t, 10);
  for (int64_t t = 90'000; t <= 99'000; t += kStep)
    g.source.Set("load", {{"cluster", "c1"}, {"host", "h0"}, {"slot", "2"}}, t, 10);
  g.source.unlisted = {R"(load{cluster="c1",host="h0",slot="2"})"};
  OnlineDetectionOptions o2 = g.Options(kBusy, 7'000);
  o2.max_series_per_query = 10;
  auto d2 = OnlineDetection::Create(std::move(o2));
  REQUIRE(d2.ok());
  const Status st2 = (*d2)->EvaluateOnce();
  REQUIRE_MESSAGE(st2.ok(), st2.message());
  CHECK((*d2)->series() == 11);
}

TEST_CASE("OnlineDetection: a selector no read can take fails for its own rules only, counted per rule") {
  Fixture f;
  f.Feed("0", 90'000, 99'000, 50);
  FeedLoad(f, 90'000, 99'000, 95);
  OnlineDetectionOptions o = f.Options(std::string(kHot) + kBusy);
  o.max_series_per_query = 2;
  o.max_series_per_selector = 8;  // 12 load series at one grid time: over
  auto d = f.Make(std::move(o));
  REQUIRE(d->EvaluateOnce().ok());  // Hot's read went on
  for (int i = 0; i < 4; ++i) {
    f.Feed("0", f.now, f.now, 95);
    FeedLoad(f, f.now, f.now, 95);
    f.now += kStep;
    REQUIRE(d->EvaluateOnce().ok());
  }
  CHECK(d->last_evaluated_ms() == 103'000);
  CHECK(d->series() == 1);
  auto inc = f.Incidents();
  REQUIRE(inc.size() == 1);
  CHECK(inc[0].rule == "Hot");
  CHECK(inc[0].starts_at_ms == 102'000);
  std::string m = MetricsText(*d);
  CHECK(m.find("vigil_detection_errors_total{reason=\"too_many_series\"} 5\n") != std::string::npos);
  CHECK(m.find("vigil_detection_rule_read_errors_total{rule=\"Busy\"} 5\n") != std::string::npos);
  CHECK(m.find("rule=\"Hot\"") == std::string::npos);
  // Only Busy's selector: every read fails and nothing is evaluated (the time does not move on).
  Fixture g;
  FeedLoad(g, 90'000, 99'000, 95);
  OnlineDetectionOptions only = g.Options(kBusy);
  only.max_series_per_query = 2;
  only.max_series_per_selector = 8;
  auto alone = OnlineDetection::Create(std::move(only));
  REQUIRE(alone.ok());
  const Status st = (*alone)->EvaluateOnce();
  CHECK(st.code() == StatusCode::kOutOfRange);
  CHECK_MESSAGE(st.message().find("rule(s) `Busy`: query_metrics: 12 series match load") == 0, st.message());
  CHECK((*alone)->last_evaluated_ms() == 0);
}

TEST_CASE("OnlineDetection: a stale_for rule whose select fails is not evaluated (no false alert); another goes on") {
  // review RV-S: a read failing for one selector (here: 13 series over the 12 allowed) left its
  // stale_for rule with the clock and no points, so every load series looked stale and fired.
  Fixture f;
  f.Feed("0", 90'000, 99'000, 50);
  f.Feed("1", 90'000, 99'000, 50);
  FeedLoad(f, 90'000, 99'000, 50);
  OnlineDetectionOptions o = f.Options(R"(
rule LoadStale {
  select load
  when stale_for(3s)
}
rule TempStale {
  select temp
  when stale_for(3s)
})");
  o.max_series_per_query = 12;
  o.max_series_per_selector = 12;
  auto d = f.Make(std::move(o));
  REQUIRE(d->EvaluateOnce().ok());  // the warm-up: 12 load series, 2 temp
  CHECK(f.Incidents().empty());
  // 6 s in which load's select matches 13 series (its reads fail) while every load series still
  // reports; gpu 1's temp stops (TempStale's read works: it must still fire).
  for (int i = 0; i < 6; ++i) {
    f.Feed("0", f.now, f.now, 50);
    FeedLoad(f, f.now, f.now, 50);
    f.source.Set("load", {{"node", "n9"}, {"gpu", "0"}}, f.now, 50);
    f.now += kStep;
    REQUIRE(d->EvaluateOnce().ok());
  }
  // Back to 12: read again, and no load series is stale.
  for (int i = 0; i < 4; ++i) {
    f.Feed("0", f.now, f.now, 50);
    FeedLoad(f, f.now, f.now, 50);
    f.now += kStep;
    REQUIRE(d->EvaluateOnce().ok());
  }
  CHECK(d->last_evaluated_ms() == 109'000);
  std::vector<std::string> fired;
  for (const StoredIncident& i : f.Incidents()) {
    const auto node = i.alert.labels.find("node");
    fired.push_back(i.rule + (node != i.alert.labels.end() ? " node " + node->second : std::string()) + " gpu " +
                    (i.alert.labels.count("gpu") ? i.alert.labels.at("gpu") : "-"));
  }
  CHECK(fired == std::vector<std::string>{"TempStale gpu 1"});
  std::string m = MetricsText(*d);
  CHECK(m.find("vigil_detection_rule_read_errors_total{rule=\"LoadStale\"} 6\n") != std::string::npos);
  CHECK(m.find("rule=\"TempStale\"") == std::string::npos);
}

TEST_CASE("OnlineDetection: a firing alert whose select's reads fail for 7 min is neither resolved nor dropped") {
  // review RV-S: ResolveGone measured a series' last point against the newest of any series, so
  // 5 min of failed reads of Hot's select (while load's worked) resolved Hot's incident, DropGone
  // then dropped its series, and when reads worked again it fired a second incident.
  Fixture f;
  f.Feed("0", 90'000, 99'000, 95);
  FeedLoad(f, 90'000, 99'000, 50);
  OnlineDetectionOptions o = f.Options(std::string(kHot) + kBusy);
  o.max_series_per_query = 12;
  o.max_series_per_selector = 12;
  auto d = f.Make(std::move(o));
  REQUIRE(d->EvaluateOnce().ok());
  REQUIRE(f.Incidents().size() == 1);
  // 7 min: temp matches 13 series (Hot's reads fail), gpu 0 still hot; load reads fine.
  for (int i = 0; i < 420; ++i) {
    for (int g = 0; g < 13; ++g) f.Feed(std::to_string(g), f.now, f.now, g == 0 ? 95 : 50);
    FeedLoad(f, f.now, f.now, 50);
    f.now += kStep;
    REQUIRE(d->EvaluateOnce().ok());
  }
  // Reads work again (gpu 0 alone), still hot.
  for (int i = 0; i < 5; ++i) {
    f.Feed("0", f.now, f.now, 95);
    FeedLoad(f, f.now, f.now, 50);
    f.now += kStep;
    REQUIRE(d->EvaluateOnce().ok());
  }
  auto inc = f.Incidents();
  REQUIRE(inc.size() == 1);  // no second incident
  CHECK(inc[0].rule == "Hot");
  CHECK(inc[0].resolved_at_ms == 0);  // never resolved
  std::string m = MetricsText(*d);
  const size_t dropped = m.find("\nvigil_detection_series_dropped_total ");  // absent or 0: none dropped
  const bool none_dropped = dropped == std::string::npos || m.compare(dropped + 38, 2, "0\n") == 0;
  const std::string dropped_line = dropped == std::string::npos ? std::string() : m.substr(dropped, 60);
  CHECK_MESSAGE(none_dropped, dropped_line);
  CHECK(m.find("vigil_detection_rule_read_errors_total{rule=\"Hot\"} 420\n") != std::string::npos);
}

TEST_CASE("OnlineDetection: series whose samples stopped are dropped, so a churn of 3x the series limit goes on") {
  Fixture f;
  // A steady series, and 4 waves of 2 pods (3x max_series_per_rule = 3, the steady one counted),
  // each pod hot for 10 s; a wave every 330 s (past the 5 min staleness + 7 s history + 1 s).
  constexpr int64_t kWave = 330'000;
  const int64_t end = 100'000 + 5 * kWave;
  f.Feed("base", 60'000, end, 50);
  auto pod = [](int w, int i) { return "w" + std::to_string(w) + "-" + std::to_string(i); };
  for (int w = 0; w < 4; ++w)
    for (int i = 0; i < 2; ++i) f.Feed(pod(w, i), 100'000 + w * kWave, 109'000 + w * kWave, 95);
  // Wave 0's first pod comes back hot in a fifth wave: a new series.
  f.Feed(pod(0, 0), 100'000 + 4 * kWave, 109'000 + 4 * kWave, 95);
  OnlineDetectionOptions o = f.Options();
  o.max_series_per_rule = 3;
  f.now = 80'000;  // warmed up before the first wave
  auto d = f.Make(std::move(o));
  REQUIRE(d->EvaluateOnce().ok());
  size_t most = 0;
  while (f.now < end) {
    f.now += 10 * kStep;
    REQUIRE(d->EvaluateOnce().ok());
    most = std::max(most, d->series());
  }
  CHECK(most == 3);
  CHECK(d->series() == 1);  // the steady one; the last wave dropped too
  std::map<std::string, std::vector<StoredIncident>> by_gpu;
  for (const StoredIncident& i : f.Incidents()) by_gpu[i.alert.labels.at("gpu")].push_back(i);
  CHECK(by_gpu.size() == 8);  // every pod of every wave was taken and fired
  for (auto& [gpu, list] : by_gpu) {
    CHECK_MESSAGE(list.size() == (gpu == pod(0, 0) ? 2u : 1u), gpu);
    for (const StoredIncident& i : list) CHECK_MESSAGE(i.resolved_at_ms > 0, gpu);  // resolved when gone
  }
  // The pod that came back: a second incident, from its return (fresh windows, `for` again).
  auto& back = by_gpu[pod(0, 0)];
  REQUIRE(back.size() == 2);
  std::sort(back.begin(), back.end(), [](const auto& a, const auto& b) { return a.starts_at_ms < b.starts_at_ms; });
  CHECK(back[0].starts_at_ms == 102'000);
  CHECK(back[1].starts_at_ms == 102'000 + 4 * kWave);
  std::string m = MetricsText(*d);
  CHECK(m.find("vigil_detection_series_dropped_total 9\n") != std::string::npos);
  CHECK(m.find("{reason=\"series_refused\"}") == std::string::npos);
}

TEST_CASE("OnlineDetection: a churn of pods under an ignoring (pod) rule stays bounded: inputs dropped, alerts resolved") {
  // OD3: the engine refused to remove the series of an `ignoring` rule (its state is per identity),
  // so such a rule kept every pod it had seen, reached max_series_per_rule and refused the next
  // pods (series_refused); its alerts (named by the identity) were never resolved as gone.
  Fixture f;
  constexpr int64_t kWave = 330'000;  // past the 5 min staleness + 2 s history + 1 s
  const int64_t end = 100'000 + 5 * kWave;
  auto set = [&](const std::string& gpu, const std::string& pod, int64_t from, int64_t to, double v) {
    for (int64_t t = from; t <= to; t += kStep) {
      Labels l{{"gpu", gpu}};
      if (!pod.empty()) l["pod"] = pod;
      f.source.Set("temp", l, t, v);
    }
  };
  set("base", "", 60'000, end, 50);
  for (int w = 0; w < 4; ++w) {
    const int64_t start = 100'000 + w * kWave;
    // GPUs 0 and 1: a pod hot for 10 s each wave (wave 3's pod on GPU 0 is wave 0's back: a new
    // series of a new identity after the old one was dropped).
    set("0", w == 3 ? "w0" : "w" + std::to_string(w), start, start + 9'000, 95);
    set("1", "v" + std::to_string(w), start, start + 9'000, 95);
    // GPU 2: hot throughout, its pod replaced each wave (5 s of overlap): one identity, one episode,
    // its old pods dropped while it goes on.
    set("2", "l" + std::to_string(w), start, start + kWave + 5'000, 95);
  }
  OnlineDetectionOptions o = f.Options(R"(rule JobHot {
  select temp{gpu=~".+"} ignoring (pod)
  when temp > 80
  for 2s
})");
  o.max_series_per_rule = 5;  // base + GPU 2's two pods at a switch + one pod each on GPUs 0, 1
  f.now = 80'000;
  auto d = f.Make(std::move(o));
  REQUIRE(d->EvaluateOnce().ok());
  size_t most = 0;
  while (f.now < end) {
    f.now += 10 * kStep;
    REQUIRE(d->EvaluateOnce().ok());
    most = std::max(most, d->series());
    if (f.now == 100'000 + 2 * kWave - 10'000) {  // just before wave 2: waves 0, 1 gone 5 min
      CHECK(f.Incidents("firing").size() == 1);  // GPU 2's (GPUs 0, 1: resolved as gone)
      CHECK(d->series() == 2);                   // base and l1: l0 and the others dropped
    }
  }
  CHECK(most <= 5);
  CHECK(d->series() == 1);  // base; every pod dropped, GPU 2's last one too
  std::map<std::string, std::vector<StoredIncident>> by_gpu;
  for (const StoredIncident& i : f.Incidents()) by_gpu[i.alert.labels.at("gpu")].push_back(i);
  CHECK(by_gpu["0"].size() == 4);  // one per wave: each pod was taken (none refused) and fired
  CHECK(by_gpu["1"].size() == 4);
  REQUIRE(by_gpu["2"].size() == 1);  // one identity: its pods' switches are no new episode
  CHECK(by_gpu["2"][0].starts_at_ms == 102'000);
  CHECK(by_gpu["2"][0].resolved_at_ms == 100'000 + 4 * kWave + 5'000 + kStep);  // its last pod's end
  for (auto& [gpu, list] : by_gpu) {
    for (const StoredIncident& i : list) {
      CHECK_MESSAGE(i.resolved_at_ms > 0, gpu);  // resolved when gone
      CHECK_MESSAGE(i.alert.labels.count("pod") == 0, gpu);
    }
  }
  std::sort(by_gpu["0"].begin(), by_gpu["0"].end(),
            [](const auto& a, const auto& b) { return a.starts_at_ms < b.starts_at_ms; });
  for (int w = 0; w < 4 && by_gpu["0"].size() == 4; ++w) {
    CHECK(by_gpu["0"][static_cast<size_t>(w)].starts_at_ms == 102'000 + w * kWave);
    CHECK(by_gpu["0"][static_cast<size_t>(w)].resolved_at_ms == 110'000 + w * kWave);
  }
  std::string m = MetricsText(*d);
  CHECK(m.find("vigil_detection_series_dropped_total 12\n") != std::string::npos);
  CHECK(m.find("{reason=\"series_refused\"}") == std::string::npos);
}

TEST_CASE("OnlineDetection: a stale_for ignoring (pod) rule forgets a replaced pod, then a gone identity; a new one is watched") {
  // OD3: RemoveSeries refused these series (nothing forgotten: a gone identity's stale alert fired
  // for good) and the engine refused a new identity after the warm-up (series_refused).
  Fixture f;
  auto set = [&](const std::string& gpu, const std::string& pod, int64_t from, int64_t to) {
    for (int64_t t = from; t <= to; t += kStep) f.source.Set("temp", {{"gpu", gpu}, {"pod", pod}}, t, 50);
  };
  set("a", "p1", 60'000, 200'000);     // GPU a: pod p1 replaced by p2 at 200 s, never stale
  set("a", "p2", 200'000, 4'500'000);
  set("b", "q1", 60'000, 300'000);     // GPU b: gone at 300 s, stale from 305 s
  set("c", "r1", 500'000, 600'000);    // GPU c: new after the warm-up, gone at 600 s
  OnlineDetectionOptions o = f.Options(R"(rule Stale {
  select temp ignoring (pod)
  when stale_for(5s)
})");
  f.now = 80'000;
  auto d = f.Make(std::move(o));
  REQUIRE(d->EvaluateOnce().ok());
  while (f.now < 4'400'000) {
    f.now += 60 * kStep;
    REQUIRE(d->EvaluateOnce().ok());
    if (f.now == 1'040'000) CHECK(d->series() == 4);  // p1, p2, q1, r1: none forgotten yet
  }
  std::map<std::string, StoredIncident> by_gpu;
  for (const StoredIncident& i : f.Incidents()) by_gpu[i.alert.labels.at("gpu")] = i;
  CHECK(by_gpu.size() == 2);
  CHECK(by_gpu.count("a") == 0);  // p1's end was no staleness: p2 fed the identity
  CHECK(by_gpu["b"].starts_at_ms == 305'000);
  CHECK(by_gpu["c"].starts_at_ms == 605'000);  // taken after the warm-up (it was refused)
  // Forgotten (stale_for 5 s + 1 h + 1 s after the last point), resolved in the store.
  CHECK(by_gpu["b"].resolved_at_ms > 300'000 + 3'606'000);
  CHECK(by_gpu["c"].resolved_at_ms > 600'000 + 3'606'000);
  CHECK(d->series() == 1);  // p2
  std::string m = MetricsText(*d);
  CHECK(m.find("vigil_detection_series_dropped_total 3\n") != std::string::npos);
  CHECK(m.find("series_refused\"}") == std::string::npos);
}

TEST_CASE("OnlineDetection: a stale_for series that goes away fires, then an hour later is forgotten: resolved, counted") {
  // OD2: a stale_for / absent rule's series were never dropped: a gone pod's stale alert fired
  // (and was resent) until a restart, and a pod new after the warm-up was never watched.
  Fixture f;
  f.Feed("0", 90'000, 4'000'000, 50);
  f.Feed("1", 90'000, 100'000, 50);   // goes away at 100 s
  f.Feed("2", 200'000, 210'000, 50);  // new after the warm-up, gone at 210 s
  auto d = f.Make(R"(rule Stale {
  select temp
  when stale_for(3s)
})");
  REQUIRE(d->EvaluateOnce().ok());
  size_t most = 0;
  while (f.now < 4'000'000) {
    f.now += 10 * kStep;
    REQUIRE(d->EvaluateOnce().ok());
    most = std::max(most, d->series());
    if (f.now == 300'000) {
      CHECK(d->series() == 3);  // gpu 2 taken after the warm-up (it was refused)
      CHECK(f.Incidents("firing").size() == 2);
    }
  }
  std::map<std::string, StoredIncident> by_gpu;
  for (const StoredIncident& i : f.Incidents()) by_gpu[i.alert.labels.at("gpu")] = i;
  REQUIRE(by_gpu.size() == 2);
  CHECK(by_gpu["1"].starts_at_ms == 103'000);
  CHECK(by_gpu["2"].starts_at_ms == 213'000);
  // Forgotten more than 1 h + 3 s (the rule's history) + 1 s after the last point: at the end of the
  // first read past it (reads end every 10 s, at 99 s, 109 s, ...).
  CHECK(by_gpu["1"].resolved_at_ms == 3'709'000);
  CHECK(by_gpu["2"].resolved_at_ms == 3'819'000);
  CHECK(d->series() == 1);
  CHECK(most == 3);
  std::string m = MetricsText(*d);
  CHECK(m.find("vigil_detection_series_dropped_total 2\n") != std::string::npos);
  CHECK(m.find("series_refused\"}") == std::string::npos);
}

TEST_CASE("OnlineDetection: a stale alert firing while a later series is forgotten is resolved when its own turn comes") {
  // OD4: forgetting gpu 1 (RemoveSeries) moved gpu 0's engine state onto itself
  // (TickRule::RemoveMembers, detectors/README.md), which emptied gpu 0's firing stale alert (rule,
  // labels, fingerprint): an hour later, when gpu 0 was forgotten in turn, its incident was not found.
  Fixture f;
  f.Feed("0", 90'000, 1'000'000, 50);  // goes away at 1,000 s: stale from 1,003 s
  f.Feed("1", 90'000, 100'000, 50);    // goes away at 100 s: stale from 103 s, forgotten first
  f.Feed("2", 90'000, 4'700'000, 50);  // reports throughout
  auto d = f.Make(R"(rule Stale {
  select temp
  when stale_for(3s)
})");
  REQUIRE(d->EvaluateOnce().ok());
  while (f.now < 4'700'000) {
    f.now += 10 * kStep;
    REQUIRE(d->EvaluateOnce().ok());
  }
  std::map<std::string, StoredIncident> by_gpu;
  for (const StoredIncident& i : f.Incidents()) by_gpu[i.alert.labels.at("gpu")] = i;
  REQUIRE(by_gpu.size() == 2);
  CHECK(by_gpu["1"].starts_at_ms == 103'000);
  CHECK(by_gpu["1"].resolved_at_ms == 3'709'000);
  CHECK(by_gpu["0"].starts_at_ms == 1'003'000);
  // Forgotten 1 h + 3 s + 1 s after its last point, at the end of the first read past it.
  CHECK(by_gpu["0"].resolved_at_ms == 4'609'000);
  CHECK(f.Incidents("firing").empty());
  CHECK(d->series() == 1);
}

TEST_CASE("OnlineDetection: a stale_for series gone for over an hour when a long warm-up ends is not recorded") {
  // Its stale episode began before vigil watched and would be forgotten at once: no incident.
  Fixture f;
  f.Feed("0", 90'000, 7'400'000, 50);
  f.Feed("1", 90'000, 200'000, 50);  // gone ~2 h before the warm-up's end
  OnlineDetectionOptions o = f.Options(R"(rule Stale {
  select temp
  when stale_for(3s)
})", 7'300'000);
  o.max_history_ms = 8'000'000;
  f.now = 7'400'000;
  auto d = f.Make(std::move(o));
  REQUIRE(d->EvaluateOnce().ok());
  CHECK(d->last_evaluated_ms() == 7'399'000);
  CHECK(f.Incidents().empty());  // before the fix: one incident, fired and resolved at once
  CHECK(d->series() == 1);
  std::string m = MetricsText(*d);
  CHECK(m.find("vigil_detection_series_dropped_total 1\n") != std::string::npos);
}

TEST_CASE("OnlineDetection: an absent rule's alert stays firing when its only series is forgotten") {
  // Review RV-OD2: the absent alert's `series` annotation is the selector's equality labels; when
  // the select names every label of its series, DropGone took it for that series' stale alert.
  Fixture f;
  f.Feed("0", 90'000, 100'000, 50);  // goes away at 100 s
  auto d = f.Make(R"(rule Gone {
  select temp{gpu="0"}
  when absent(3s)
})");
  REQUIRE(d->EvaluateOnce().ok());
  while (f.now < 4'000'000) {
    f.now += 10 * kStep;
    REQUIRE(d->EvaluateOnce().ok());
  }
  auto inc = f.Incidents();
  REQUIRE(inc.size() == 1);
  CHECK(inc[0].rule == "Gone");
  CHECK(inc[0].starts_at_ms == 103'000);
  CHECK(inc[0].resolved_at_ms == 0);  // still absent: still firing
  std::string m = MetricsText(*d);
  CHECK(m.find("vigil_detection_series_dropped_total 1\n") != std::string::npos);  // the series is forgotten
  CHECK(m.find("vigil_detection_alerts_total{transition=\"resolved\"}") == std::string::npos);
  // It comes back: the absent alert resolves.
  f.Feed("0", f.now - 5'000, f.now + 20'000, 50);
  f.now += 10 * kStep;
  REQUIRE(d->EvaluateOnce().ok());
  inc = f.Incidents();
  REQUIRE(inc.size() == 1);
  CHECK(inc[0].resolved_at_ms > 0);
}

TEST_CASE("OnlineDetection: an absent rule records nothing for the warm-up's time before its metric existed (DET4)") {
  // DET3's live run: on a Prometheus younger than the warm-up, an absent rule fired from the
  // warm-up's start (nothing had a value for d) and its metric's first point resolved it: an
  // incident for the time before the metric existed, no outage. Here the warm-up reads 39..99 s,
  // `load` (another job) reports throughout, and temp's exporter starts at 97 s, or after the
  // warm-up's read (101 s).
  for (const int64_t first : {int64_t{97'000}, int64_t{101'000}}) {
    CAPTURE(first);
    Fixture f;
    FeedLoad(f, 39'000, 200'000, 50);
    f.Feed("0", first, 200'000, 50);
    auto d = f.Make(R"(rule Gone {
  select temp
  when absent(3s)
})", 60'000);
    for (; f.now <= 130'000; f.now += kStep) REQUIRE(d->EvaluateOnce().ok());
    CHECK(f.Incidents().empty());
  }
  // A metric that did exist in the warm-up and stopped there still fires from then on (3 s after
  // its last point), and one with no point in the warm-up is watched from the warm-up's end.
  Fixture g;
  FeedLoad(g, 39'000, 200'000, 50);
  g.Feed("0", 50'000, 70'000, 50);
  auto gd = g.Make(R"(rule Gone {
  select temp
  when absent(3s)
}
rule Never {
  select tmep
  when absent(3s)
})", 60'000);
  for (; g.now <= 110'000; g.now += kStep) REQUIRE(gd->EvaluateOnce().ok());
  auto inc = g.Incidents("firing");
  REQUIRE(inc.size() == 2);
  std::sort(inc.begin(), inc.end(), [](const StoredIncident& a, const StoredIncident& b) { return a.rule < b.rule; });
  CHECK(inc[0].rule == "Gone");
  CHECK(inc[0].starts_at_ms == 73'000);
  CHECK(inc[1].rule == "Never");
  CHECK(inc[1].starts_at_ms == 103'000);  // the warm-up read to 99 s: the next grid time + 3 s
}

TEST_CASE("OnlineDetection: a stale_for(1h) alert fires for an hour before its series is forgotten") {
  // Review RV-OD2: the forget bound was max(1 h, the rule's history) + one interval after the last
  // point, so stale_for(1h) fired at 1 h and was resolved `forgotten` one interval later (before
  // Alertmanager's group_wait sent it). Now: the rule's history + keep_firing_for + 1 h.
  Fixture f;
  f.Feed("0", 90'000, 100'000, 50);  // goes away at 100 s
  auto d = f.Make(R"(rule Stale {
  select temp
  when stale_for(1h)
})");
  REQUIRE(d->EvaluateOnce().ok());
  while (f.now < 7'400'000) {
    f.now += 10 * kStep;
    REQUIRE(d->EvaluateOnce().ok());
    if (f.now == 4'000'000) {
      auto inc = f.Incidents();
      REQUIRE(inc.size() == 1);
      CHECK(inc[0].starts_at_ms == 3'700'000);
      CHECK(inc[0].resolved_at_ms == 0);  // still firing 300 s after it fired
    }
  }
  auto inc = f.Incidents();
  REQUIRE(inc.size() == 1);
  // Forgotten after 1 h + 1 h + 1 s without a point: at the end of the first read past 7,301 s.
  CHECK(inc[0].resolved_at_ms == 7'309'000);
}

TEST_CASE("OnlineDetection: at a long warm-up's end, a stale alert is judged forgotten by its own rule's bound") {
  // Review RV-OD2: WarmUpRecord's Forgotten() took the first stale_for part holding the series,
  // not the alert's rule's: Long's alert (forgotten 20 min + 1 h after the last point) was judged
  // by Short's bound (3 s + 1 h) and not recorded though it fires.
  Fixture f;
  f.Feed("0", 90'000, 7'400'000, 50);
  f.Feed("1", 90'000, 3'199'000, 50);  // gone 70 min before the warm-up's end (7,399 s)
  OnlineDetectionOptions o = f.Options(R"(rule Short {
  select temp
  when stale_for(3s)
}
rule Long {
  select temp
  when stale_for(20m)
})", 7'300'000);
  o.max_history_ms = 8'000'000;
  f.now = 7'400'000;
  auto d = f.Make(std::move(o));
  REQUIRE(d->EvaluateOnce().ok());
  CHECK(d->last_evaluated_ms() == 7'399'000);
  auto inc = f.Incidents();
  REQUIRE(inc.size() == 1);  // Short's: an episode wholly before vigil watched (forgotten)
  CHECK(inc[0].rule == "Long");
  CHECK(inc[0].starts_at_ms == 4'399'000);
  CHECK(inc[0].resolved_at_ms == 0);
}

TEST_CASE("OnlineDetection: a select that always fails does not keep other rules' series from being forgotten") {
  // Review RV-OD2: DropGone dropped nothing while any select's reads failed, so one rule whose
  // select is over max_series_per_selector for good kept every other rule's gone series (and
  // stale alerts) for good: the growth to max_series_per_rule that forgetting is for.
  Fixture f;
  f.Feed("0", 90'000, 4'000'000, 50);
  f.Feed("1", 90'000, 100'000, 50);  // goes away at 100 s
  FeedLoad(f, 90'000, 4'000'000, 10);
  OnlineDetectionOptions o = f.Options(std::string(R"(rule Stale {
  select temp
  when stale_for(3s)
})") + kBusy);
  o.max_series_per_query = 2;
  o.max_series_per_selector = 8;  // 12 load series: Busy's reads fail every time
  auto d = f.Make(std::move(o));
  REQUIRE(d->EvaluateOnce().ok());
  while (f.now < 3'800'000) {
    f.now += 10 * kStep;
    REQUIRE(d->EvaluateOnce().ok());
  }
  auto inc = f.Incidents();
  REQUIRE(inc.size() == 1);
  CHECK(inc[0].alert.labels.at("gpu") == "1");
  CHECK(inc[0].resolved_at_ms == 3'709'000);  // forgotten (3 s + 1 h + 1 s after 100 s)
  std::string m = MetricsText(*d);
  CHECK(m.find("vigil_detection_series_dropped_total 1\n") != std::string::npos);
  CHECK(m.find("vigil_detection_rule_read_errors_total{rule=\"Busy\"}") != std::string::npos);
}

TEST_CASE("OnlineDetection: a select that always fails holds only its own rules' series in the shared engine") {
  // OD3: Hot and Busy are both evaluated at their points, so they share one engine, and DropGone
  // dropped no series of that engine while any of its rules' selects failed: with Busy's select
  // over max_series_per_selector for good, Hot's gone series stayed for good (its pods would fill
  // max_series_per_rule).
  Fixture f;
  f.Feed("0", 90'000, 600'000, 50);
  f.Feed("1", 90'000, 100'000, 95);  // hot, then gone at 100 s
  FeedLoad(f, 90'000, 600'000, 10);
  OnlineDetectionOptions o = f.Options(std::string(kHot) + kBusy);
  o.max_series_per_query = 2;
  o.max_series_per_selector = 8;  // 12 load series: Busy's reads fail every time
  auto d = f.Make(std::move(o));
  REQUIRE(d->EvaluateOnce().ok());
  CHECK(d->series() == 2);
  while (f.now < 600'000) {
    f.now += 10 * kStep;
    REQUIRE(d->EvaluateOnce().ok());
  }
  auto inc = f.Incidents();
  REQUIRE(inc.size() == 1);
  CHECK(inc[0].alert.labels.at("gpu") == "1");
  CHECK(inc[0].resolved_at_ms == 101'000);  // gone: its last point + one interval
  CHECK(d->series() == 1);  // gpu 1 dropped (5 min + 7 s + 1 s after 100 s) though Busy fails
  std::string m = MetricsText(*d);
  CHECK(m.find("vigil_detection_series_dropped_total 1\n") != std::string::npos);
  CHECK(m.find("vigil_detection_rule_read_errors_total{rule=\"Busy\"}") != std::string::npos);
}

// A source whose queries with a `job` matcher fail (an answer refused: that query alone) while
// `failing` is set.
class JobFailingSource : public FakeSource {
 public:
  bool failing = true;
  Result<std::vector<TimeSeries>> Query(const MetricQuery& q) const override {
    if (failing && q.matchers.count("job")) return InvalidArgumentError("bad_data: refused for the test");
    return FakeSource::Query(q);
  }
};

TEST_CASE("OnlineDetection: a series a failing select's rule selects is not dropped while it fails") {
  // The hold that stays (OD3 made it per series): gpu 1's series, gone at 100 s, is selected by
  // Hot (its query works) and by JobA (its query, `temp{job="a"}`, fails): no points is then no
  // sign of a gone series, so it is kept until JobA's reads work, then dropped. Hot's alert of it is
  // resolved meanwhile (resolving is per rule), JobA's once its reads work. gpu 0 (no job label:
  // Hot's only) is not held.
  Fixture f;
  JobFailingSource source;
  for (int64_t t = 90'000; t <= 900'000; t += kStep) {
    source.Set("temp", {{"gpu", "0"}}, t, 50);
    if (t <= 100'000) source.Set("temp", {{"gpu", "1"}, {"job", "a"}}, t, 95);
  }
  OnlineDetectionOptions o = f.Options(std::string(kHot) + R"(
rule JobA {
  select temp{job="a"}
  when temp > 90
})");
  o.source = &source;
  auto d = f.Make(std::move(o));
  REQUIRE(d->EvaluateOnce().ok());
  while (f.now < 600'000) {  // 500 s after gpu 1's end: past the drop bound (5 min + 7 s + 1 s)
    f.now += 10 * kStep;
    REQUIRE(d->EvaluateOnce().ok());
  }
  CHECK(d->series() == 2);  // gpu 1 held: JobA selects it and its reads fail
  // Both rules evaluate gpu 1 (its points came with Hot's query): JobA's alert is not resolved
  // as gone while its own reads fail, Hot's is.
  std::map<std::string, StoredIncident> by_rule;
  for (const StoredIncident& i : f.Incidents()) by_rule[i.alert.rule] = i;
  REQUIRE(by_rule.size() == 2);
  CHECK(by_rule["Hot"].resolved_at_ms == 101'000);
  CHECK(by_rule["JobA"].resolved_at_ms == 0);
  std::string m = MetricsText(*d);
  CHECK(m.find("vigil_detection_rule_read_errors_total{rule=\"JobA\"}") != std::string::npos);
  CHECK(m.find("vigil_detection_series_dropped_total 1\n") == std::string::npos);
  source.failing = false;  // JobA reads again: gpu 1, still without points, is dropped
  f.now += 10 * kStep;
  REQUIRE(d->EvaluateOnce().ok());
  CHECK(d->series() == 1);
  m.clear();
  d->WriteMetrics(m);
  CHECK(m.find("vigil_detection_series_dropped_total 1\n") != std::string::npos);
  for (const StoredIncident& i : f.Incidents()) {
    CHECK_MESSAGE(i.resolved_at_ms == 101'000, i.alert.rule);  // JobA's resolved as gone now
  }
}

TEST_CASE("OnlineDetection: a churn of short-lived series keeps a stale_for rule's live series bounded") {
  // 30 pods over 5 h, one every 10 min, each reporting 20 s: without forgetting, the rule's engine
  // reached max_series_per_rule (10) and refused every later pod (series_refused).
  Fixture f;
  f.Feed("base", 60'000, 18'600'000, 50);  // past the last read: never stale
  for (int p = 0; p < 30; ++p) {
    const int64_t from = 100'000 + p * 600'000LL;
    f.Feed("pod" + std::to_string(p), from, from + 20'000, 50);
  }
  OnlineDetectionOptions o = f.Options(R"(rule Stale {
  select temp
  when stale_for(5s)
})");
  o.max_series_per_rule = 10;
  f.now = 80'000;
  auto d = f.Make(std::move(o));
  REQUIRE(d->EvaluateOnce().ok());
  size_t most = 0;
  while (f.now < 18'400'000) {
    f.now += 60 * kStep;
    REQUIRE(d->EvaluateOnce().ok());
    most = std::max(most, d->series());
  }
  // Live: the base series + the pods of the last hour and a bit (6 or 7).
  CHECK(most <= 8);
  auto inc = f.Incidents();
  CHECK(inc.size() == 30);  // every pod watched and found stale
  size_t resolved = 0;
  for (const StoredIncident& i : inc) resolved += i.resolved_at_ms > 0;
  CHECK(resolved >= 24);  // those gone over an hour before the end: forgotten
  std::string m = MetricsText(*d);
  CHECK(m.find("series_refused\"}") == std::string::npos);
  CHECK(m.find("vigil_detection_series_dropped_total " + std::to_string(resolved) + "\n") != std::string::npos);
}

// A source whose points reach it `late_ms` after their timestamps (a slow scrape, remote write).
class LateSource : public FakeSource {
 public:
  LateSource(const int64_t* now, int64_t late_ms) : now_(now), late_ms_(late_ms) {}
  Result<std::vector<TimeSeries>> Query(const MetricQuery& q) const override {
    MetricQuery in = q;
    in.end_ms = std::min(q.end_ms, *now_ - late_ms_ + 1);  // what has arrived
    if (in.end_ms <= in.start_ms) return std::vector<TimeSeries>{};
    return FakeSource::Query(in);
  }

 private:
  const int64_t* now_;
  int64_t late_ms_;
};

TEST_CASE("OnlineDetection: a sample reaching Prometheus 1.5 intervals late is evaluated (the default lag)") {
  Fixture f;
  LateSource late(&f.now, 1500);
  for (int64_t t = 80'000; t <= 120'000; t += kStep) late.Set("temp", {{"gpu", "0"}}, t, t == 105'000 ? 99 : 50);
  OnlineDetectionOptions o = f.Options(R"(rule Spike {
  select temp
  when temp > 90
})");
  o.source = &late;
  o.lag_ms = -1;  // the default: two intervals
  auto d = f.Make(std::move(o));
  for (; f.now <= 112'000; f.now += kStep) REQUIRE(d->EvaluateOnce().ok());
  CHECK(d->last_evaluated_ms() == 110'000);
  auto inc = f.Incidents();
  REQUIRE(inc.size() == 1);  // with a lag of one interval the 105 s point is never read
  CHECK(inc[0].starts_at_ms == 105'000);
  CHECK(inc[0].resolved_at_ms == 106'000);
}

TEST_CASE("OnlineDetection: Start runs the loop and Stop ends it") {
  Fixture f;
  std::atomic<int64_t> clock{100'000};
  OnlineDetectionOptions o;
  o.rules = Rules(kHot);
  o.source = &f.source;
  o.store = f.store.get();
  o.interval_ms = 20;
  o.now_ms = [&clock] { return clock += 20; };
  auto d = OnlineDetection::Create(std::move(o));
  REQUIRE(d.ok());
  (*d)->Start();
  for (int i = 0; i < 200 && f.source.queries() < 3; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  (*d)->Stop();
  CHECK(f.source.queries() >= 3);
  const int after = f.source.queries();
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  CHECK(f.source.queries() == after);
}

}  // namespace
}  // namespace vigil
