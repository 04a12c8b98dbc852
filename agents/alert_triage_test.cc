// Alert triage: the case builder's choice of metrics (names from the KB and the alert's expression,
// scope from the alert's labels, caps, a failing source) with a fake MetricSource, and TriageAlert
// end to end with a thermal pattern on one GPU. tests/diagnose_alert_prometheus_test.sh runs the
// same path against a real Prometheus and Alertmanager.
#include "agents/alert_triage.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "core/clock.h"
#include "core/time_util.h"

namespace vigil {
namespace {

constexpr int64_t kT0 = 1'764'550'000'000;  // 2025-12-01T00:46:40Z
constexpr int64_t kMin = 60'000;

// Serves series held in memory like InMemoryMetricSource, records every query, and can fail:
// `fail_code` for every query (from the `fail_after`-th on), or `fail_name` for one metric.
// Not thread-safe (BuildTriageCase queries one metric at a time).
class FakeSource : public MetricSource {
 public:
  std::vector<TimeSeries> series;
  mutable std::vector<MetricQuery> asked;
  StatusCode fail_code = StatusCode::kOk;
  size_t fail_after = 0;
  std::string fail_name;
  std::string fail_text;  // with fail_code: every failure's message (a server's 404 names no metric)
  bool list_names = true;

  Result<std::vector<TimeSeries>> Query(const MetricQuery& q) const override {
    asked.push_back(q);
    if (fail_code != StatusCode::kOk && asked.size() > fail_after)
      return Status(fail_code, fail_text.empty() ? "fake failure on " + q.name : fail_text);
    if (q.name == fail_name) return InvalidArgumentError("fake bad query " + q.name);
    std::vector<TimeSeries> out;
    for (const TimeSeries& s : series) {
      if (s.name != q.name) continue;
      bool match = std::all_of(q.matchers.begin(), q.matchers.end(), [&](const auto& m) {
        auto it = s.labels.find(m.first);
        return it != s.labels.end() && it->second == m.second;
      });
      if (match) out.push_back(s.Slice(q.start_ms == 0 ? INT64_MIN : q.start_ms, q.end_ms == 0 ? INT64_MAX : q.end_ms));
    }
    if (out.size() > q.max_series) {
      return OutOfRangeError(std::to_string(out.size()) + " series match " + q.name + " (at most " +
                             std::to_string(q.max_series) + ")");
    }
    return out;
  }
  mutable size_t names_asked = 0;
  std::vector<std::string> MetricNames() const override {
    ++names_asked;
    if (!list_names) return {};
    std::vector<std::string> names;
    for (const TimeSeries& s : series) {
      if (std::find(names.begin(), names.end(), s.name) == names.end()) names.push_back(s.name);
    }
    return names;
  }
  std::string Describe() const override { return "fake"; }
};

// Two nodes x 8 GPUs, one point a minute over [kT0 - 60 min, kT0 + 20 min): temperature ~60 C and
// throttle reasons 0, except node-3 GPU 5, which heats to 92 C with the SW thermal bit (32) set
// from kT0 - 10 min. No `job` label (as a DCGM exporter's series often lack the alert's job).
FakeSource Cluster() {
  FakeSource src;
  for (const char* node : {"node-3", "node-4"}) {
    for (int gpu = 0; gpu < 8; ++gpu) {
      TimeSeries temp{"DCGM_FI_DEV_GPU_TEMP", {{"Hostname", node}, {"gpu", std::to_string(gpu)}}, {}, {}, {}};
      TimeSeries reasons{"DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", temp.labels, {}, {}, {}};
      for (int64_t t = kT0 - 60 * kMin; t < kT0 + 20 * kMin; t += kMin) {
        bool hot = std::string(node) == "node-3" && gpu == 5 && t >= kT0 - 10 * kMin;
        REQUIRE(temp.Append(t, hot ? 92 : 60 + gpu * 0.5).ok());
        REQUIRE(reasons.Append(t, hot ? 32 : 0).ok());
      }
      src.series.push_back(temp);
      src.series.push_back(reasons);
    }
  }
  TimeSeries other{"unrelated_metric", {{"Hostname", "node-3"}}, {kT0}, {1}, {}};
  src.series.push_back(other);
  return src;
}

Incident ThermalIncident() {
  Incident i;
  i.id = "pack-thermal";
  i.title = "SW thermal slowdown: GPU clocks reduced by temperature";
  i.metric_conditions = {"floor(DCGM_FI_DEV_CLOCK_THROTTLE_REASONS / 32) % 2 == 1", "DCGM_FI_DEV_GPU_TEMP > 85",
                         "increase(DCGM_FI_DEV_THERMAL_VIOLATION[5m]) > 0"};
  i.root_cause = "gpu_thermal_throttle";
  i.component = "gpu";
  i.mitigation = "check the node's cooling";
  return i;
}

Alert NodeAlert() {
  Alert a;
  a.rule = "GpuHot";
  a.fingerprint = "f00d";
  a.labels = {{"alertname", "GpuHot"}, {"Hostname", "node-3"}, {"gpu", "5"}, {"job", "dcgm-exporter"}};
  a.annotations = {{"summary", "GPU 5 on node-3 runs hot"}};
  a.state = AlertState::kFiring;
  a.starts_at_ms = kT0;
  a.explanation = Json{{"generator_url", "http://prom:9090/graph?g0.expr=max_over_time%28DCGM_FI_DEV_GPU_TEMP%7Bgpu%3D%225%22%7D%5B5m%5D%29+%3E+85&g0.tab=1"}};
  return a;
}

TriageOptions Options(const KnowledgeBase& kb, const MetricSource* metrics) {
  TriageOptions o;
  o.kb = &kb;
  o.metrics = metrics;
  return o;
}

bool HasNote(const DiagnosisCase& c, const std::string& needle) {
  return std::any_of(c.notes.begin(), c.notes.end(), [&](const std::string& n) { return n.find(needle) != std::string::npos; });
}

TEST_CASE("alert triage: metric names in expressions and generator URLs") {
  using V = std::vector<std::string>;
  CHECK(MetricNamesInExpression("floor(DCGM_FI_DEV_CLOCK_THROTTLE_REASONS / 32) % 2 == 1") ==
        V{"DCGM_FI_DEV_CLOCK_THROTTLE_REASONS"});
  CHECK(MetricNamesInExpression("count by (Hostname) (DCGM_FI_DEV_GPU_TEMP) < 8") == V{"DCGM_FI_DEV_GPU_TEMP"});
  CHECK(MetricNamesInExpression("DCGM_FI_DEV_POWER_USAGE >= 0.97 * DCGM_FI_DEV_POWER_MGMT_LIMIT") ==
        V{"DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_POWER_MGMT_LIMIT"});
  CHECK(MetricNamesInExpression("increase(node_vmstat_oom_kill[10m]) > 0 and up{job=\"dcgm-exporter\"} == 0") ==
        V{"node_vmstat_oom_kill", "up"});
  CHECK(MetricNamesInExpression("sum without (gpu) (rate(x_total{a=\"b{c}\"}[5m] offset 1h)) / on (Hostname) group_left (job) y > 1e3") ==
        V{"x_total", "y"});
  CHECK(MetricNamesInExpression("quantile by (job) (0.9, step_time_ms) > 2 * 1.5e+2").size() == 1);
  CHECK(MetricNamesInExpression("").empty());
  // PromQL keywords and aggregations are case-insensitive; `#` starts a comment to the line's end.
  CHECK(MetricNamesInExpression("SUM BY (job) (x) AND ON (Hostname) GROUP_LEFT (gpu) y") == V{"x", "y"});
  CHECK(MetricNamesInExpression("sum(x) BY (job) > bool 1") == V{"x"});
  CHECK(MetricNamesInExpression("x > 5 # hot GPUs: see runbook_url\n  unless y") == V{"x", "y"});
  CHECK(MetricNamesInExpression("rate(a[5m]) offset 5m @ start() > on(instance) group_left job:gpu_util:avg") ==
        V{"a", "job:gpu_util:avg"});
  CHECK(MetricNamesInExpression("label_replace(x, \"dst\", \"foo_bar\", \"src\", \"(.*)\")") == V{"x"});
  CHECK(ExpressionFromGeneratorUrl("http://prom:9090/graph?g0.expr=DCGM_FI_DEV_GPU_TEMP+%3E+85&g0.tab=1") ==
        "DCGM_FI_DEV_GPU_TEMP > 85");
  CHECK(ExpressionFromGeneratorUrl("http://prom:9090/graph?g0.tab=1&g0.expr=up%7Bjob%3D%22x%22%7D").find("up{job=\"x\"}") == 0);
  CHECK(ExpressionFromGeneratorUrl("http://grafana/d/abc").empty());
  CHECK(ExpressionFromGeneratorUrl("").empty());
}

TEST_CASE("alert triage case: a node alert reads that node's GPUs only, falling back from the alert's job") {
  auto kb = testing::KbWith({ThermalIncident()});
  FakeSource src = Cluster();
  TriageOptions o = Options(*kb, &src);
  auto c = BuildTriageCase(NodeAlert(), o);
  REQUIRE(c.ok());
  CHECK(c->id == "alert/GpuHot/f00d");
  REQUIRE(c->alert.has_value());
  CHECK(c->alert->labels.at("gpu") == "5");
  // Both KB metrics (THERMAL_VIOLATION is not in the source, so not asked), 8 GPUs each, node-3 only.
  CHECK(c->metrics.size() == 16);
  for (const TimeSeries& s : c->metrics) {
    CHECK(s.labels.at("Hostname") == "node-3");
    CHECK(s.timestamps_ms.front() >= kT0 - 30 * kMin);
    CHECK(s.timestamps_ms.back() < kT0 + 5 * kMin);
  }
  for (const MetricQuery& q : src.asked) {
    CHECK(q.name != "DCGM_FI_DEV_THERMAL_VIOLATION");
    CHECK(q.name != "unrelated_metric");
    CHECK(q.matchers.at("Hostname") == "node-3");  // never unscoped
    CHECK(q.matchers.count("gpu") == 0);
  }
  // The alert's job first, then without it: 2 queries per metric.
  CHECK(src.asked.size() == 4);
  CHECK(src.asked[0].name == "DCGM_FI_DEV_GPU_TEMP");  // the alert's own expression first
  CHECK(src.asked[0].matchers.at("job") == "dcgm-exporter");
  CHECK(src.asked[1].matchers.count("job") == 0);
  CHECK(c->notes.empty());
}

TEST_CASE("alert triage case: instance or job scope, and an alert with no scope reads cluster-wide within the cap") {
  auto kb = testing::KbWith({ThermalIncident()});
  FakeSource src = Cluster();
  for (TimeSeries& s : src.series) s.labels["instance"] = s.labels["Hostname"] + ":9400";
  TriageOptions o = Options(*kb, &src);
  Alert a = NodeAlert();
  a.labels = {{"alertname", "GpuHot"}, {"instance", "node-4:9400"}};
  auto c = BuildTriageCase(a, o);
  REQUIRE(c.ok());
  CHECK(c->metrics.size() == 16);
  for (const TimeSeries& s : c->metrics) CHECK(s.labels.at("Hostname") == "node-4");

  a.labels = {{"alertname", "GpuHot"}};
  src.asked.clear();
  o.max_series_per_metric = 8;
  c = BuildTriageCase(a, o);
  REQUIRE(c.ok());
  CHECK(c->metrics.empty());  // 16 series per metric > 8: not read
  CHECK(HasNote(*c, "names no node, instance or job"));
  CHECK(HasNote(*c, "DCGM_FI_DEV_GPU_TEMP{} (no scope: cluster-wide) not read: 16 series match"));
  for (const MetricQuery& q : src.asked) CHECK(q.max_series == 8);
}

TEST_CASE("alert triage case: a training alert (node, rank, job) reads its node's DCGM series under Hostname") {
  // data/rules/gpu_training.rules: the training rules name a rank by the trainer's `node`, `rank`
  // and `job`; dcgm-exporter names the same node `Hostname` and has no `node` label.
  Incident straggler;
  straggler.id = "pack-straggler";
  straggler.title = "straggler rank";
  straggler.metric_conditions = {"step_time_ms > 1.5 * quantile by (job) (0.5, step_time_ms)"};
  straggler.root_cause = "straggler";
  straggler.component = "node";
  auto kb = testing::KbWith({ThermalIncident(), straggler});
  FakeSource src = Cluster();
  for (const char* node : {"node-3", "node-4"}) {
    for (int r = 0; r < 8; ++r) {
      TimeSeries s{"step_time_ms", {{"node", node}, {"rank", std::to_string(r)}, {"job", "llm-13b"}}, {}, {}, {}};
      REQUIRE(s.Append(kT0, 40).ok());
      src.series.push_back(s);
    }
  }
  TriageOptions o = Options(*kb, &src);
  Alert a = NodeAlert();
  a.rule = "StragglerRank";
  a.labels = {{"alertname", "StragglerRank"}, {"node", "node-3"}, {"rank", "5"}, {"job", "llm-13b"}};
  a.explanation = Json::object();
  auto c = BuildTriageCase(a, o);
  REQUIRE(c.ok());
  size_t training = 0, dcgm = 0;
  for (const TimeSeries& s : c->metrics) {
    if (s.name == "step_time_ms") {
      ++training;
      CHECK(s.labels.at("node") == "node-3");
    } else {
      ++dcgm;
      CHECK(s.labels.at("Hostname") == "node-3");
    }
  }
  CHECK(training == 8);
  CHECK(dcgm == 16);  // GPU temperature and throttle reasons of node-3's 8 GPUs
  // And the other way: a DCGM alert (Hostname) reads the trainer's series of that node under `node`.
  c = BuildTriageCase(NodeAlert(), o);
  REQUIRE(c.ok());
  training = 0;
  for (const TimeSeries& s : c->metrics) training += s.name == "step_time_ms" && s.labels.at("node") == "node-3";
  CHECK(training == 8);
  CHECK(c->metrics.size() == 24);
}

TEST_CASE("alert triage case: the window is clipped to now, and a startsAt after now is said") {
  auto kb = testing::KbWith({ThermalIncident()});
  FakeSource src = Cluster();
  TriageOptions o = Options(*kb, &src);
  o.now_ms = kT0 + 2 * kMin;
  auto c = BuildTriageCase(NodeAlert(), o);
  REQUIRE(c.ok());
  REQUIRE(!c->metrics.empty());
  CHECK(c->metrics[0].timestamps_ms.back() == kT0 + 2 * kMin);
  CHECK(c->notes.empty());
  // An endsAt that has passed on an alert still firing (no resolved status: Prometheus's "valid
  // until", or GET /api/v2/alerts read later) is said, and the alert is triaged all the same.
  Alert listed = NodeAlert();
  listed.ends_at_ms = kT0 + 1 * kMin;
  c = BuildTriageCase(listed, o);
  REQUIRE(c.ok());
  CHECK(c->metrics.size() == 16);
  CHECK(HasNote(*c, "alert: its endsAt " + FormatRfc3339Ms(kT0 + kMin) + " has passed"));
  listed.ends_at_ms = kT0 + 3 * kMin;  // still ahead of now: nothing to say
  c = BuildTriageCase(listed, o);
  REQUIRE(c.ok());
  CHECK(c->notes.empty());
  o.now_ms = kT0 - 60 * kMin;  // the alert claims to start an hour from now
  c = BuildTriageCase(NodeAlert(), o);
  REQUIRE(c.ok());
  CHECK(c->metrics.size() == 16);
  CHECK(HasNote(*c, "is after now"));
}

TEST_CASE("alert triage case: caps on series, points and names are stated") {
  auto kb = testing::KbWith({ThermalIncident()});
  FakeSource src = Cluster();
  TriageOptions o = Options(*kb, &src);
  o.max_series = 10;
  o.max_points_per_series = 5;
  auto c = BuildTriageCase(NodeAlert(), o);
  REQUIRE(c.ok());
  CHECK(c->metrics.size() == 10);
  for (const TimeSeries& s : c->metrics) {
    CHECK(s.size() == 5);
    CHECK(s.timestamps_ms.back() == kT0 + 4 * kMin);  // the last points are kept
  }
  CHECK(HasNote(*c, "8 series, only 2 kept (cap of 10 series in all)"));
  CHECK(HasNote(*c, "cut to their last 5 points"));

  o.max_series = 8;
  c = BuildTriageCase(NodeAlert(), o);
  REQUIRE(c.ok());
  CHECK(HasNote(*c, "1 metrics not read, the cap of 8 series was reached: DCGM_FI_DEV_CLOCK_THROTTLE_REASONS"));

  o.max_series = 512;
  o.max_metric_names = 1;
  c = BuildTriageCase(NodeAlert(), o);
  REQUIRE(c.ok());
  CHECK(c->metrics.size() == 8);
  CHECK(HasNote(*c, "1 metric names over the cap of 1 not read: DCGM_FI_DEV_CLOCK_THROTTLE_REASONS"));
}

TEST_CASE("alert triage case: a failing source is said, never a silent empty") {
  auto kb = testing::KbWith({ThermalIncident()});
  TriageOptions o;
  o.kb = kb.get();
  {  // Down from the start (and no name list: every wanted name is asked until the first failure).
    FakeSource src = Cluster();
    src.fail_code = StatusCode::kUnavailable;
    src.list_names = false;
    o.metrics = &src;
    auto c = BuildTriageCase(NodeAlert(), o);
    REQUIRE(c.ok());
    CHECK(c->metrics.empty());
    CHECK(src.asked.size() == 1);  // not asked again
    CHECK(HasNote(*c, "metrics: fake could not be read (fake failure on DCGM_FI_DEV_GPU_TEMP); 4 of 4 metrics not read"));
    CHECK(HasNote(*c, "this diagnosis uses no metrics"));
  }
  {  // Times out after the first metric: what was read is kept.
    FakeSource src = Cluster();
    src.fail_code = StatusCode::kDeadlineExceeded;
    src.fail_after = 1;
    o.metrics = &src;
    auto c = BuildTriageCase(NodeAlert(), o);
    REQUIRE(c.ok());
    CHECK(c->metrics.size() == 0);  // the first query (with job) read nothing; the second timed out
    CHECK(HasNote(*c, "2 of 2 metrics not read"));
  }
  {  // One bad query: that metric is named, the others are read.
    FakeSource src = Cluster();
    src.fail_name = "DCGM_FI_DEV_GPU_TEMP";
    o.metrics = &src;
    auto c = BuildTriageCase(NodeAlert(), o);
    REQUIRE(c.ok());
    CHECK(c->metrics.size() == 8);
    CHECK(HasNote(*c, "DCGM_FI_DEV_GPU_TEMP{Hostname=\"node-3\",job=\"dcgm-exporter\"} not read: fake bad query"));
  }
  {  // Every query refused the same way (REV2: a prometheus_url whose path is wrong answers 404 to
     // each; the incident held one line per metric, ~65 in a real triage): one line, the names listed.
    FakeSource src = Cluster();
    src.fail_code = StatusCode::kInvalidArgument;
    src.fail_text = "Prometheus http://h/x/api/v1/query_range answered HTTP 404 with a body that is not JSON";
    o.metrics = &src;
    auto c = BuildTriageCase(NodeAlert(), o);
    REQUIRE(c.ok());
    CHECK(c->metrics.empty());
    CHECK(std::count_if(c->notes.begin(), c->notes.end(), [](const std::string& n) {
            return n.find("HTTP 404") != std::string::npos;
          }) == 1);
    CHECK(HasNote(*c, "metrics: 2 of 2 metrics not read: Prometheus http://h/x/api/v1/query_range answered HTTP 404 "
                      "with a body that is not JSON: DCGM_FI_DEV_GPU_TEMP, DCGM_FI_DEV_CLOCK_THROTTLE_REASONS"));
    CHECK_FALSE(HasNote(*c, "none of the"));
  }
  {  // One bad query and nothing in scope for the other: the failed one is not called empty.
    FakeSource src = Cluster();
    src.fail_name = "DCGM_FI_DEV_GPU_TEMP";
    o.metrics = &src;
    Alert a = NodeAlert();
    a.labels["Hostname"] = "node-9";
    auto c = BuildTriageCase(a, o);
    REQUIRE(c.ok());
    CHECK(c->metrics.empty());
    CHECK(HasNote(*c, "DCGM_FI_DEV_GPU_TEMP{Hostname=\"node-9\",job=\"dcgm-exporter\"} not read: fake bad query"));
    CHECK_FALSE(HasNote(*c, "none of the 2 metrics queried"));
    CHECK(HasNote(*c, "none of the other 1 metrics queried (DCGM_FI_DEV_CLOCK_THROTTLE_REASONS) has a series in "
                      "{Hostname=\"node-9\",job=\"dcgm-exporter\"}"));
  }
  {  // Nothing in scope.
    FakeSource src = Cluster();
    o.metrics = &src;
    Alert a = NodeAlert();
    a.labels["Hostname"] = "node-9";
    auto c = BuildTriageCase(a, o);
    REQUIRE(c.ok());
    CHECK(c->metrics.empty());
    CHECK(HasNote(*c, "none of the 2 metrics queried has a series in {Hostname=\"node-9\",job=\"dcgm-exporter\"}"));
  }
  {  // No source at all.
    o.metrics = nullptr;
    auto c = BuildTriageCase(NodeAlert(), o);
    REQUIRE(c.ok());
    CHECK(HasNote(*c, "no metric source"));
  }
  o.kb = nullptr;
  CHECK_FALSE(BuildTriageCase(NodeAlert(), o).ok());
}

TEST_CASE("alert triage: the hot GPU's metrics name thermal throttling on node-3 GPU 5; without metrics it is said") {
  auto kb = testing::KbWith({ThermalIncident()});
  FakeSource src = Cluster();
  TriageOptions o = Options(*kb, &src);
  auto r = TriageAlert(NodeAlert(), o);
  REQUIRE(r.ok());
  CHECK(r->case_id == "alert/GpuHot/f00d");
  CHECK(r->diagnosis.root_cause == "gpu_thermal_throttle");
  CHECK(r->diagnosis.component.find("node-3") != std::string::npos);
  bool metric_evidence = false;
  for (const Evidence& e : r->diagnosis.evidence) {
    if (e.kind == EvidenceKind::kMetric && e.detail.find("DCGM_FI_DEV") != std::string::npos &&
        e.source.find("node-3") != std::string::npos) {
      metric_evidence = true;
    }
  }
  CHECK(metric_evidence);
  REQUIRE(!r->trace.empty());
  CHECK(r->trace[0]["agent"] == "alert_triage");
  CHECK(r->trace[0]["series_read"] == 16);

  src.fail_code = StatusCode::kUnavailable;
  auto down = TriageAlert(NodeAlert(), o);
  REQUIRE(down.ok());
  // Without metrics the answer rests on the alert alone. Since NA (2026-12-03) the alert's expression
  // `max_over_time(DCGM_FI_DEV_GPU_TEMP{gpu="5"}[5m]) > 85` implies this test KB's one condition on the
  // temperature (`DCGM_FI_DEV_GPU_TEMP > 85`, a metric of one category here; in the shipped pack the
  // temperature belongs to several and a hot-GPU alert stays unknown): at most the alert-only cap.
  CHECK(down->diagnosis.confidence <= 0.45 + 1e-9);
  CHECK(std::any_of(down->diagnosis.unverified.begin(), down->diagnosis.unverified.end(),
                    [](const std::string& u) { return u.find("could not be read") != std::string::npos; }));
}

// The alert's expression as Prometheus would answer it: `max_over_time(...) > 85` returns the hot
// series only; here node-3 GPU 5 and GPU 6 and node-4 GPU 1 (another node), each one point a
// minute over the query's range, 92 from kT0 - 10 min (93 at kT0 + 2 min), 60 before. Records the
// queries.
// Queries of ALERTS_FOR_STATE (ReadAlertActiveAt) are recorded apart and answered `for_state`
// (no series unless a test sets one), or `for_state_fail` when set (`fail` is the expression's).
struct FakeEvaluator {
  std::vector<PromRangeQuery> asked;
  std::vector<PromRangeQuery> for_state_asked;
  PromRangeResult for_state;
  Status for_state_fail;
  Status fail;
  bool empty = false;
  ExpressionEvaluator Fn() {
    return [this](const PromRangeQuery& q) -> Result<PromRangeResult> {
      if (q.query.rfind("ALERTS_FOR_STATE", 0) == 0) {
        for_state_asked.push_back(q);
        if (!for_state_fail.ok()) return for_state_fail;
        return for_state;
      }
      asked.push_back(q);
      if (!fail.ok()) return fail;
      PromRangeResult r;
      if (empty) return r;
      for (auto [node, gpu] : {std::pair{"node-3", "5"}, std::pair{"node-3", "6"}, std::pair{"node-4", "1"}}) {
        TimeSeries s{"", {{"Hostname", node}, {"gpu", gpu}}, {}, {}, {}};
        for (int64_t t = q.start_ms; t <= q.end_ms; t += q.step_ms) {
          const double v = t == kT0 + 2 * kMin ? 93 : t >= kT0 - 10 * kMin ? 92 : 60;
          REQUIRE(s.Append(t, v).ok());
        }
        r.series.push_back(s);
      }
      return r;
    };
  }
};

bool HasUnverified(const DiagnosisReport& r, const std::string& needle) {
  return std::any_of(r.diagnosis.unverified.begin(), r.diagnosis.unverified.end(),
                     [&](const std::string& u) { return u.find(needle) != std::string::npos; });
}

std::vector<const Evidence*> EvidenceOf(const DiagnosisReport& r, EvidenceKind kind, const std::string& needle) {
  std::vector<const Evidence*> out;
  for (const Evidence& e : r.diagnosis.evidence) {
    if (e.kind == kind && e.detail.find(needle) != std::string::npos) out.push_back(&e);
  }
  return out;
}

TEST_CASE("alert triage: the alert's expression is evaluated over the window, scoped to its node") {
  auto kb = testing::KbWith({ThermalIncident()});
  FakeSource src = Cluster();
  FakeEvaluator ev;
  TriageOptions o = Options(*kb, &src);
  o.evaluate_expression = ev.Fn();
  o.expression_source = "prometheus http://prom:9090";
  o.expression_step_ms = kMin;
  auto r = TriageAlert(NodeAlert(), o);
  REQUIRE(r.ok());
  REQUIRE(ev.asked.size() == 1);
  CHECK(ev.asked[0].query == "max_over_time(DCGM_FI_DEV_GPU_TEMP{gpu=\"5\"}[5m]) > 85");
  CHECK(ev.asked[0].start_ms == kT0 - 30 * kMin);
  CHECK(ev.asked[0].end_ms == kT0 + 5 * kMin - 1);
  CHECK(ev.asked[0].step_ms == kMin);
  const auto found = EvidenceOf(*r, EvidenceKind::kMetric, "alert expression `max_over_time");
  REQUIRE(found.size() == 2);  // node-3's two series; node-4's left out
  CHECK(found[0]->detail.find("{Hostname=\"node-3\",gpu=\"5\"} (the alert's series): 92 at startsAt") != std::string::npos);
  CHECK(found[0]->detail.find("peak 93 at " + FormatRfc3339Ms(kT0 + 2 * kMin)) != std::string::npos);
  CHECK(found[0]->value == 92);
  CHECK(found[0]->time_ms == kT0);
  CHECK(found[0]->weight == 0);
  CHECK(found[0]->source == "prometheus http://prom:9090 query_range");
  CHECK(found[1]->detail.find("gpu=\"6\"") != std::string::npos);
  CHECK(found[1]->detail.find("alert's series") == std::string::npos);
  CHECK(EvidenceOf(*r, EvidenceKind::kMetric, "node-4").empty());
  const Json& trace = r->trace[0]["expression"];
  CHECK(trace["series_returned"] == 3);
  CHECK(trace["series"].size() == 2);
  // The diagnosis itself is unchanged by the context evidence.
  CHECK(r->diagnosis.root_cause == "gpu_thermal_throttle");

  SUBCASE("a cap on the series kept is said") {
    o.max_expression_series = 1;
    auto capped = TriageAlert(NodeAlert(), o);
    REQUIRE(capped.ok());
    CHECK(EvidenceOf(*capped, EvidenceKind::kMetric, "alert expression").size() == 1);
    CHECK(HasUnverified(*capped, "2 series on node-3, only the first 1 kept"));
  }
  SUBCASE("an alert without a node keeps every series") {
    Alert a = NodeAlert();
    a.labels.erase("Hostname");
    auto all = TriageAlert(a, o);
    REQUIRE(all.ok());
    CHECK(EvidenceOf(*all, EvidenceKind::kMetric, "alert expression").size() == 3);
  }
  SUBCASE("an answer with no series on the alert's node is said") {
    Alert a = NodeAlert();
    a.labels["Hostname"] = "node-9";
    auto none = TriageAlert(a, o);
    REQUIRE(none.ok());
    CHECK(EvidenceOf(*none, EvidenceKind::kMetric, "alert expression").empty());
    CHECK(HasUnverified(*none, "none of the 3 series it returned over ["));
    CHECK(HasUnverified(*none, "is on node-9 at prometheus http://prom:9090"));
  }
}

TEST_CASE("alert triage: an expression refused, empty or with nowhere to run is said, the diagnosis still made") {
  auto kb = testing::KbWith({ThermalIncident()});
  FakeSource src = Cluster();
  FakeEvaluator ev;
  TriageOptions o = Options(*kb, &src);
  o.evaluate_expression = ev.Fn();
  SUBCASE("refused") {
    ev.fail = InvalidArgumentError("Prometheus http://prom:9090/api/v1/query_range: bad_data: parse error");
    auto r = TriageAlert(NodeAlert(), o);
    REQUIRE(r.ok());
    CHECK(HasUnverified(*r, "could not be evaluated: Prometheus http://prom:9090/api/v1/query_range: bad_data"));
    CHECK(r->diagnosis.root_cause == "gpu_thermal_throttle");
  }
  SUBCASE("Prometheus down") {
    ev.fail = UnavailableError("connection refused");
    auto r = TriageAlert(NodeAlert(), o);
    REQUIRE(r.ok());
    CHECK(HasUnverified(*r, "could not be evaluated: connection refused"));
  }
  SUBCASE("no series (NotFound, as PromQueryRange answers, or empty)") {
    ev.fail = NotFoundError("matched no series");
    auto r = TriageAlert(NodeAlert(), o);
    REQUIRE(r.ok());
    CHECK(HasUnverified(*r, "returned no series over ["));
    ev.fail = Status();
    ev.empty = true;
    r = TriageAlert(NodeAlert(), o);
    REQUIRE(r.ok());
    CHECK(HasUnverified(*r, "returned no series over ["));
  }
  SUBCASE("a metric source found down is not asked again for the expression") {
    src.fail_code = StatusCode::kDeadlineExceeded;
    auto r = TriageAlert(NodeAlert(), o);
    REQUIRE(r.ok());
    CHECK(ev.asked.empty());
    CHECK(HasUnverified(*r, "not evaluated (the metric source could not be read, see above)"));
  }
  SUBCASE("no Prometheus") {
    o.evaluate_expression = nullptr;
    auto r = TriageAlert(NodeAlert(), o);
    REQUIRE(r.ok());
    CHECK(HasUnverified(*r, "not evaluated (no Prometheus to run it on: set prometheus_url)"));
  }
  SUBCASE("an alert without an expression asks nothing") {
    Alert a = NodeAlert();
    a.explanation = Json::object();
    auto r = TriageAlert(a, o);
    REQUIRE(r.ok());
    CHECK(ev.asked.empty());
    CHECK_FALSE(HasUnverified(*r, "alert expression"));
  }
}

// Alertmanager's answers by matcher: under Hostname="node-3" the alert itself, an XidError on
// GPU 3 and one that started after the window; under node="node-3" an NCCL timeout; under
// instance=~ nothing. Records the filters.
// Whether a label set holds `m` as Alertmanager's API v2 filter reads it: a missing label is "";
// `=~` / `!~` an RE2 anchored at both ends, `(?i)` at its start case-insensitive (std::regex's
// ECMAScript grammar reads the rest of what triage sends alike: `\.`, `\[`, groups, `?`, `|`).
bool AmMatches(const AlertMatcher& m, const Labels& labels) {
  auto it = labels.find(m.name);
  const std::string v = it == labels.end() ? "" : it->second;
  if (m.op == "=") return v == m.value;
  if (m.op == "!=") return v != m.value;
  std::string re = m.value;
  auto flags = std::regex::ECMAScript;
  if (re.rfind("(?i)", 0) == 0) {
    re = re.substr(4);
    flags |= std::regex::icase;
  }
  const bool match = std::regex_match(v, std::regex("(?:" + re + ")", flags));
  return m.op == "=~" ? match : !match;
}

// Alertmanager holding `held` (by default node-3's alerts), answering a filter with those matching
// every matcher (AmMatches), recording the filters asked; `fail` for every request.
struct FakeLister {
  std::vector<AlertFilter> asked;
  Status fail;
  std::vector<ListedAlert> held;
  FakeClock* clock = nullptr;  // when set, each request takes `takes_ms` of it
  int64_t takes_ms = 0;
  FakeLister() {
    auto add = [&](const char* name, const char* fp, Labels labels, int64_t starts, const char* summary) {
      ListedAlert l;
      l.alert.rule = name;
      l.alert.fingerprint = fp;
      l.alert.labels = std::move(labels);
      l.alert.labels["alertname"] = name;
      l.alert.annotations = {{"summary", summary}};
      l.alert.state = AlertState::kFiring;
      l.alert.starts_at_ms = starts;
      l.state = "active";
      held.push_back(std::move(l));
    };
    add("GpuHot", "f00d", {{"Hostname", "node-3"}, {"gpu", "5"}}, kT0, "GPU 5 on node-3 runs hot");
    add("XidError", "x079", {{"Hostname", "node-3"}, {"gpu", "3"}, {"xid", "79"}}, kT0 - 3 * kMin,
        "Xid 79: GPU has fallen off the bus");
    add("Later", "l8r", {{"Hostname", "node-3"}}, kT0 + 30 * kMin, "after the window");
    add("NcclTimeout", "nc01", {{"node", "node-3"}}, kT0 - kMin, "NCCL watchdog timeout");
  }
  AlertLister Fn() {
    return [this](const AlertFilter& f) -> Result<std::vector<ListedAlert>> {
      asked.push_back(f);
      if (clock != nullptr) clock->Advance(takes_ms);
      if (!fail.ok()) return fail;
      std::vector<ListedAlert> out;
      for (const ListedAlert& l : held) {
        if (std::all_of(f.matchers.begin(), f.matchers.end(),
                        [&](const AlertMatcher& m) { return AmMatches(m, l.alert.labels); }))
          out.push_back(l);
      }
      return out;
    };
  }
};

Incident XidIncident() {
  Incident i;
  i.id = "pack-xid79";
  i.title = "Xid 79: GPU has fallen off the bus";
  i.log_signatures = {"Xid 79"};
  i.root_cause = "gpu_fallen_off_bus";
  i.component = "gpu";
  i.mitigation = "drain the node";
  return i;
}

TEST_CASE("alert triage: alerts firing on the same node are read from Alertmanager into the case and the report") {
  auto kb = testing::KbWith({ThermalIncident(), XidIncident()});
  FakeSource src = Cluster();
  FakeLister am;
  TriageOptions o = Options(*kb, &src);
  o.list_alerts = am.Fn();
  o.alert_source = "alertmanager http://am:9093";
  auto c = BuildTriageCase(NodeAlert(), o);
  REQUIRE(c.ok());
  // Every node label key (PF): CF's first, then hostname, kubernetes_node, host, nodename,
  // exported_instance (ALERTID: the Kubernetes and relay keys).
  REQUIRE(am.asked.size() == 8);
  CHECK(am.asked[0].matchers.at(0).name == "Hostname");
  CHECK(am.asked[1].matchers.at(0).name == "node");
  CHECK(am.asked[2].matchers.at(0).name == "instance");
  CHECK(am.asked[3].matchers.at(0).name == "hostname");
  CHECK(am.asked[4].matchers.at(0).name == "kubernetes_node");
  CHECK(am.asked[5].matchers.at(0).name == "host");
  CHECK(am.asked[6].matchers.at(0).name == "nodename");
  CHECK(am.asked[7].matchers.at(0).name == "exported_instance");
  for (const AlertFilter& f : am.asked) {  // every name of the node in one regex per label (review CF)
    CHECK(f.matchers.at(0).op == "=~");
    CHECK(f.matchers.at(0).value == "(?i)(node-3(\\..*)?(:[0-9]+)?)");
  }
  // The alert itself and the later one left out, oldest first; one log per node / GPU.
  REQUIRE(c->logs.size() == 2);
  CHECK(c->logs[0].source == "node-3/gpu3/alertmanager co-firing alerts");
  REQUIRE(c->logs[0].lines.size() == 1);
  CHECK(c->logs[0].lines[0].text.find("XidError firing on node-3 GPU 3 since " + FormatRfc3339Ms(kT0 - 3 * kMin) +
                                      ": Xid 79: GPU has fallen off the bus") == 0);
  CHECK(c->logs[1].source == "node-3/alertmanager co-firing alerts");
  REQUIRE(c->logs[1].lines.size() == 1);
  CHECK(c->logs[1].lines[0].text.find("NcclTimeout firing on node-3") == 0);

  auto r = TriageAlert(NodeAlert(), o);
  REQUIRE(r.ok());
  const auto listed = EvidenceOf(*r, EvidenceKind::kAlert, "co-firing on the same node");
  REQUIRE(listed.size() == 2);
  CHECK(listed[0]->detail.find("XidError") != std::string::npos);
  CHECK(listed[0]->source == "alertmanager http://am:9093 alert x079");
  CHECK(r->trace[0]["cofiring_alerts"].size() == 2);
  // The reasoner read the Xid alert through the case's log (the knowledge base's Xid 79 signature),
  // on the GPU the Xid alert names.
  bool xid_evidence = false;
  for (const Evidence& e : r->diagnosis.evidence) {
    if (e.weight > 0 && e.source.find("node-3/gpu3/alertmanager co-firing alerts") == 0 &&
        std::find(e.supports.begin(), e.supports.end(), "gpu_fallen_off_bus") != e.supports.end())
      xid_evidence = true;
  }
  CHECK(xid_evidence);
  bool on_gpu3 = false;
  for (const Hypothesis& h : r->diagnosis.hypotheses) {
    if (h.category == "gpu_fallen_off_bus") on_gpu3 = h.component == "node-3/gpu3";
  }
  CHECK(on_gpu3);

  SUBCASE("Alertmanager down: said, the diagnosis still made") {
    am.fail = UnavailableError("Alertmanager http://am:9093/api/v2/alerts: connection refused");
    auto down = TriageAlert(NodeAlert(), o);
    REQUIRE(down.ok());
    CHECK(HasUnverified(*down, "co-firing alerts on node-3: alertmanager http://am:9093 could not be read"));
    CHECK(EvidenceOf(*down, EvidenceKind::kAlert, "co-firing").empty());
    CHECK(down->diagnosis.root_cause == "gpu_thermal_throttle");
  }
  SUBCASE("a cap on the alerts kept is said") {
    o.max_cofiring_alerts = 1;
    auto capped = BuildTriageCase(NodeAlert(), o);
    REQUIRE(capped.ok());
    REQUIRE(capped->logs.size() == 1);
    CHECK(capped->logs[0].lines.size() == 1);
    CHECK(HasNote(*capped, "1 more than the 1 kept were not read"));
  }
  SUBCASE("the alert itself under another fingerprint is left out too (a file's alert without one)") {
    Alert a = NodeAlert();
    a.fingerprint = "computed";
    a.labels = {{"alertname", "GpuHot"}, {"Hostname", "node-3"}, {"gpu", "5"}};
    auto self = BuildTriageCase(a, o);
    REQUIRE(self.ok());
    CHECK(self->logs.size() == 2);  // the Xid and the NCCL alert, not the alert itself
  }
  SUBCASE("an alert on no node asks nothing and says so") {
    Alert a = NodeAlert();
    a.labels = {{"alertname", "GpuHot"}, {"job", "x"}};
    auto none = BuildTriageCase(a, o);
    REQUIRE(none.ok());
    CHECK(HasNote(*none, "co-firing alerts: not read (the alert names no node or instance"));
  }
  SUBCASE("an instance-only alert asks for its host part") {
    am.asked.clear();
    Alert a = NodeAlert();
    a.labels = {{"alertname", "GpuHot"}, {"instance", "node-3.dc1:9400"}};
    auto inst = BuildTriageCase(a, o);
    REQUIRE(inst.ok());
    REQUIRE(am.asked.size() == 8);
    CHECK(am.asked[0].matchers.at(0).name == "Hostname");
    CHECK(am.asked[2].matchers.at(0).name == "instance");
    CHECK(am.asked[2].matchers.at(0).value == "(?i)(node-3(\\..*)?(:[0-9]+)?)");
  }
}

// Review RV-LT: what an on-call engineer would have been shown wrong.
// A firing alert as Alertmanager lists it: fingerprint = alertname = `name`, active.
ListedAlert Neighbour(const std::string& name, Labels labels, int64_t starts_ms) {
  ListedAlert l;
  l.alert.rule = name;
  l.alert.fingerprint = name;
  l.alert.labels = std::move(labels);
  l.alert.labels["alertname"] = name;
  l.alert.state = AlertState::kFiring;
  l.alert.starts_at_ms = starts_ms;
  l.state = "active";
  return l;
}

// An evaluator answering `series` (each a list of (time, value) points), recording the queries;
// ALERTS_FOR_STATE (ReadAlertActiveAt) is answered no series and not recorded.
ExpressionEvaluator Answering(std::vector<PromRangeQuery>* asked,
                              std::vector<std::pair<Labels, std::vector<std::pair<int64_t, double>>>> series) {
  return [asked, series](const PromRangeQuery& q) -> Result<PromRangeResult> {
    PromRangeResult r;
    if (q.query.rfind("ALERTS_FOR_STATE", 0) == 0) return r;
    asked->push_back(q);
    for (const auto& [labels, points] : series) {
      TimeSeries s{"", labels, {}, {}, {}};
      for (const auto& [t, v] : points) {
        if (!s.Append(t, v).ok()) return InternalError("bad test series");
      }
      r.series.push_back(s);
    }
    return r;
  };
}

TEST_CASE("alert triage: review RV-LT: the alert's own series, its value at startsAt, the step, co-firing kept") {
  auto kb = testing::KbWith({ThermalIncident(), XidIncident()});
  FakeSource src = Cluster();
  TriageOptions o = Options(*kb, &src);
  std::vector<PromRangeQuery> asked;
  SUBCASE("series carrying only `instance` (an aggregation by instance): the alert's own is kept, other hosts not") {
    // The alert has Hostname (its node) and the exporter's instance; `sum by (instance)` answers
    // instance only. The alert's own series must not be dropped for not naming node-3.
    Alert a = NodeAlert();
    a.labels = {{"alertname", "GpuHot"}, {"Hostname", "node-3"}, {"instance", "10.0.0.3:9400"}};
    a.explanation = Json{{"generator_url", "http://prom:9090/graph?g0.expr=sum+by+%28instance%29+%28x%29+%3E+1"}};
    const std::vector<std::pair<int64_t, double>> pts = {{kT0 - kMin, 2}, {kT0, 3}};
    o.evaluate_expression = Answering(&asked, {{{{"instance", "10.0.0.3:9400"}}, pts},
                                               {{{"instance", "10.0.0.3:9500"}}, pts},
                                               {{{"instance", "10.0.0.4:9400"}}, pts}});
    auto r = TriageAlert(a, o);
    REQUIRE(r.ok());
    const auto found = EvidenceOf(*r, EvidenceKind::kMetric, "alert expression `sum by (instance) (x) > 1`");
    REQUIRE(found.size() == 2);  // 10.0.0.3:9400 (the alert's) and :9500 (the same host); not 10.0.0.4
    CHECK(found[0]->detail.find("{instance=\"10.0.0.3:9400\"} (the alert's series): 3 at startsAt") != std::string::npos);
    CHECK(found[1]->detail.find("10.0.0.3:9500") != std::string::npos);
    CHECK(EvidenceOf(*r, EvidenceKind::kMetric, "10.0.0.4").empty());
  }
  SUBCASE("the alert's own series is kept when its node label differs from the one the alert is scoped by") {
    Alert a = NodeAlert();  // scoped by Hostname (first); its series names the node by `node` only
    a.labels = {{"alertname", "GpuHot"}, {"Hostname", "node-3.dc1"}, {"node", "node-3"}, {"gpu", "5"}};
    const std::vector<std::pair<int64_t, double>> pts = {{kT0, 3}};
    o.evaluate_expression = Answering(&asked, {{{{"node", "node-3"}, {"gpu", "5"}}, pts},
                                               {{{"node", "node-4"}, {"gpu", "5"}}, pts}});
    auto r = TriageAlert(a, o);
    REQUIRE(r.ok());
    const auto found = EvidenceOf(*r, EvidenceKind::kMetric, "alert expression");
    REQUIRE(found.size() == 1);
    CHECK(found[0]->detail.find("{gpu=\"5\",node=\"node-3\"} (the alert's series)") != std::string::npos);
  }
  SUBCASE("review DX: the expression's series on the alert's node under its other names are kept") {
    // Before node_names.h: exact strings, so NODE-3 / node-3.cluster.local / [fd00::3] were other nodes.
    Alert a = NodeAlert();
    a.labels = {{"alertname", "GpuHot"}, {"Hostname", "NODE-3"}, {"instance", "[fd00::3]:9400"}};
    const std::vector<std::pair<int64_t, double>> pts = {{kT0, 3}};
    o.evaluate_expression = Answering(&asked, {{{{"Hostname", "node-3.cluster.local"}, {"gpu", "1"}}, pts},
                                               {{{"node", "node-3"}, {"gpu", "2"}}, pts},
                                               {{{"instance", "fd00::3"}}, pts},
                                               {{{"Hostname", "node-30"}, {"gpu", "3"}}, pts},
                                               {{{"Hostname", "node-4"}, {"instance", "[fd00::3]:9400"}}, pts}});
    auto r = TriageAlert(a, o);
    REQUIRE(r.ok());
    const auto found = EvidenceOf(*r, EvidenceKind::kMetric, "alert expression");
    CHECK(found.size() == 3);
    CHECK(EvidenceOf(*r, EvidenceKind::kMetric, "node-3.cluster.local").size() == 1);
    CHECK(EvidenceOf(*r, EvidenceKind::kMetric, "node=\"node-3\"").size() == 1);
    CHECK(EvidenceOf(*r, EvidenceKind::kMetric, "{instance=\"fd00::3\"}").size() == 1);
    CHECK(EvidenceOf(*r, EvidenceKind::kMetric, "node-30").empty());
    CHECK(EvidenceOf(*r, EvidenceKind::kMetric, "node-4").empty());  // an exporter on node-3 reporting node-4
  }
  SUBCASE("a series with no point near startsAt has no value at startsAt (not one from 20 minutes before)") {
    o.evaluate_expression =
        Answering(&asked, {{{{"Hostname", "node-3"}, {"gpu", "5"}}, {{kT0 - 20 * kMin, 60}, {kT0 + kMin, 92}}}});
    o.expression_step_ms = kMin;
    auto r = TriageAlert(NodeAlert(), o);
    REQUIRE(r.ok());
    const auto found = EvidenceOf(*r, EvidenceKind::kMetric, "alert expression");
    REQUIRE(found.size() == 1);
    CHECK(found[0]->detail.find("no value at startsAt") != std::string::npos);
    CHECK(found[0]->detail.find("60 at startsAt") == std::string::npos);
    CHECK(found[0]->value == 92);  // the peak
    CHECK(r->trace[0]["expression"]["series"][0]["at_starts_at"].is_null());
  }
  SUBCASE("the expression runs at the step the live source reads metrics at (--metrics-step)") {
    LiveTriageSource live(nullptr, Answering(&asked, {}), "prometheus http://prom:9090", {}, "", 4 * kMin);
    o.metrics = &live;
    auto r = TriageAlert(NodeAlert(), o);
    REQUIRE(r.ok());
    REQUIRE(asked.size() == 1);
    CHECK(asked[0].step_ms == 4 * kMin);
    o.expression_step_ms = kMin;  // given: it wins
    asked.clear();
    REQUIRE(TriageAlert(NodeAlert(), o).ok());
    REQUIRE(asked.size() == 1);
    CHECK(asked[0].step_ms == kMin);
  }
  SUBCASE("an Alertmanager failing on a later request keeps the alerts listed before it") {
    FakeLister am;
    AlertLister inner = am.Fn();
    size_t calls = 0;
    o.list_alerts = [&](const AlertFilter& f) -> Result<std::vector<ListedAlert>> {
      ++calls;
      if (f.matchers.at(0).name == "node") return DeadlineExceededError("Alertmanager http://am:9093/api/v2/alerts: timed out");
      return inner(f);
    };
    auto c = BuildTriageCase(NodeAlert(), o);
    REQUIRE(c.ok());
    CHECK(calls == 2);  // a hung Alertmanager is not asked again (instance=~ not sent)
    REQUIRE(c->logs.size() == 1);  // the Xid alert read under Hostname before the timeout
    CHECK(c->logs[0].source == "node-3/gpu3/alertmanager co-firing alerts");
    CHECK(HasNote(*c, "co-firing alerts on node-3: Alertmanager could not be read"));
    CHECK(HasNote(*c, "1 alert listed before it kept"));
  }
}

TEST_CASE("alert triage: review RV-LT: co-firing alerts on the alert's exporter address, placed on the alert's node") {
  auto kb = testing::KbWith({ThermalIncident(), XidIncident()});
  FakeSource src = Cluster();
  TriageOptions o = Options(*kb, &src);
  // dcgm-exporter names the node `Hostname` and scrapes at the node's address; node_exporter's
  // alerts carry only the address; an exporter on that address reporting on another node does not
  // put that node's alerts here.
  Alert a = NodeAlert();
  a.labels = {{"alertname", "GpuHot"}, {"Hostname", "node-3"}, {"instance", "10.0.0.3:9400"}, {"gpu", "5"}};
  FakeLister am;
  am.held = {Neighbour("NodeMemoryPressure", {{"instance", "10.0.0.3:9100"}}, kT0 - kMin),
             Neighbour("SlurmNodeDown", {{"instance", "10.0.0.3:8080"}, {"node", "node-7"}}, kT0 - kMin),
             Neighbour("NcclTimeout", {{"node", "node-3"}, {"hostname", "node-3.dc1"}}, kT0 - kMin)};
  o.list_alerts = am.Fn();
  auto c = BuildTriageCase(a, o);
  REQUIRE(c.ok());
  const std::vector<AlertFilter>& asked = am.asked;
  REQUIRE(asked.size() == 8);  // Hostname, node, instance, hostname, kubernetes_node, host, nodename, exported_instance: the node and the exporter's address in one regex
  CHECK(asked[2].matchers.at(0).name == "instance");
  CHECK(asked[2].matchers.at(0).value == "(?i)(node-3(\\..*)?(:[0-9]+)?|10\\.0\\.0\\.3(:[0-9]+)?)");
  // Both on node-3 (the name the alert and its diagnosis use), not on `10.0.0.3` or `node-3.dc1`;
  // node-7's alert not listed.
  REQUIRE(c->logs.size() == 1);
  CHECK(c->logs[0].source == "node-3/alertmanager co-firing alerts");
  REQUIRE(c->logs[0].lines.size() == 2);
  CHECK(c->logs[0].lines[0].text.find("NcclTimeout firing on node-3 ") == 0);  // asked first (node=), same startsAt
  CHECK(c->logs[0].lines[1].text.find("NodeMemoryPressure firing on node-3 ") == 0);
}

TEST_CASE("alert triage: review RV-LT: co-firing alerts listed under the alert's Hostname") {
  auto kb = testing::KbWith({ThermalIncident()});
  FakeSource src = Cluster();
  TriageOptions o = Options(*kb, &src);
  std::vector<ListedAlert> listed;  // Alertmanager's answer for Hostname="node-3" (nothing for the rest)
  o.list_alerts = [&](const AlertFilter& f) -> Result<std::vector<ListedAlert>> {
    return f.matchers.at(0).name == "Hostname" ? listed : std::vector<ListedAlert>{};
  };
  SUBCASE("vigil serve's own alert forwarded to Alertmanager is not co-firing with itself") {
    // vigil serve --rules forwards its online alerts with label vigil_fingerprint = its fingerprint;
    // Alertmanager lists that copy under its own fingerprint and with the extra label.
    Labels labels = NodeAlert().labels;
    labels[kVigilFingerprintLabel] = "f00d";
    listed.push_back(Neighbour("GpuHot", labels, kT0));
    listed.back().alert.fingerprint = "a1b2c3d4e5f60718";
    labels[kVigilFingerprintLabel] = "beef";  // another of vigil's alerts on the node: listed
    listed.push_back(Neighbour("GpuSlow", labels, kT0));
    auto c = BuildTriageCase(NodeAlert(), o);
    REQUIRE(c.ok());
    REQUIRE(c->logs.size() == 1);
    REQUIRE(c->logs[0].lines.size() == 1);
    CHECK(c->logs[0].lines[0].text.find("GpuSlow firing on node-3") == 0);
  }
  SUBCASE("an alert in Alertmanager's answer that cannot be read is said; the others are used") {
    // Alertmanager takes alerts without alertname from other senders; one of them must not cost
    // the node's other alerts (before: the whole listing failed, "could not be read").
    ListedAlert bad;
    bad.unread = "alerts[0].labels: no `alertname` label";
    listed.push_back(bad);
    listed.push_back(Neighbour("GpuSlow", {{"Hostname", "node-3"}}, kT0));
    listed.push_back(bad);
    auto c = BuildTriageCase(NodeAlert(), o);
    REQUIRE(c.ok());
    REQUIRE(c->logs.size() == 1);
    REQUIRE(c->logs[0].lines.size() == 1);
    CHECK(c->logs[0].lines[0].text.find("GpuSlow firing on node-3") == 0);
    CHECK(HasNote(*c, "co-firing alerts on node-3: 2 alerts in Alertmanager's answer could not be read "
                      "(alerts[0].labels: no `alertname` label); the others used"));
  }
  SUBCASE("a suppressed neighbour says whether it is silenced or inhibited") {
    auto add = [&](const char* name, std::vector<std::string> silenced, std::vector<std::string> inhibited) {
      ListedAlert l = Neighbour(name, {{"Hostname", "node-3"}}, kT0);
      l.state = silenced.empty() && inhibited.empty() ? "active" : "suppressed";
      l.silenced_by = std::move(silenced);
      l.inhibited_by = std::move(inhibited);
      listed.push_back(std::move(l));
    };
    add("Silenced", {"5f1c"}, {});
    add("Inhibited", {}, {"9e2a"});
    add("Active", {}, {});
    auto r = TriageAlert(NodeAlert(), o);
    REQUIRE(r.ok());
    const auto silenced = EvidenceOf(*r, EvidenceKind::kAlert, "co-firing on the same node: Silenced");
    const auto inhibited = EvidenceOf(*r, EvidenceKind::kAlert, "co-firing on the same node: Inhibited");
    const auto active = EvidenceOf(*r, EvidenceKind::kAlert, "co-firing on the same node: Active");
    REQUIRE(silenced.size() == 1);
    REQUIRE(inhibited.size() == 1);
    REQUIRE(active.size() == 1);
    CHECK(silenced[0]->detail.find("(silenced by 5f1c)") != std::string::npos);
    CHECK(inhibited[0]->detail.find("(inhibited by 9e2a)") != std::string::npos);
    CHECK(active[0]->detail.find(" (") == std::string::npos);  // an active one: no state written
    auto c = BuildTriageCase(NodeAlert(), o);
    REQUIRE(c.ok());
    REQUIRE(c->logs.size() == 1);
    REQUIRE(c->logs[0].lines.size() == 3);
    CHECK(c->logs[0].lines[0].text.find("Silenced firing on node-3 since " + FormatRfc3339Ms(kT0) + " (silenced by 5f1c):") == 0);
    CHECK(c->logs[0].lines[1].text.find("Inhibited firing on node-3 since " + FormatRfc3339Ms(kT0) + " (inhibited by 9e2a):") == 0);
  }
}

// ALERTS_FOR_STATE's series for `labels` holding `active_ms` (in Unix seconds, as Prometheus writes it).
TimeSeries ForState(Labels labels, double active_s) {
  labels["__name__"] = "ALERTS_FOR_STATE";
  TimeSeries s{"ALERTS_FOR_STATE", labels, {}, {}, {}};
  REQUIRE(s.Append(kT0, active_s).ok());
  return s;
}

TEST_CASE("alert triage: the alert's activeAt is read from Prometheus's ALERTS_FOR_STATE") {
  auto kb = testing::KbWith({ThermalIncident()});
  FakeSource src = Cluster();
  FakeEvaluator ev;
  TriageOptions o = Options(*kb, &src);
  o.evaluate_expression = ev.Fn();
  o.expression_source = "prometheus http://prom:9090";
  o.expression_step_ms = kMin;
  const double held_s = (kT0 - 20 * kMin) / 1000.0;
  SUBCASE("the alert's own series, among another GPU's and one naming fewer labels") {
    ev.for_state.series = {ForState({{"alertname", "GpuHot"}, {"Hostname", "node-3"}, {"gpu", "6"}}, held_s - 600),
                           ForState({{"alertname", "GpuHot"}, {"Hostname", "node-3"}}, held_s - 300),
                           ForState({{"alertname", "GpuHot"}, {"Hostname", "node-3"}, {"gpu", "5"}}, held_s)};
    auto r = TriageAlert(NodeAlert(), o);
    REQUIRE(r.ok());
    REQUIRE(ev.for_state_asked.size() == 1);
    CHECK(ev.for_state_asked[0].query == "ALERTS_FOR_STATE{alertname=\"GpuHot\"}");
    CHECK(ev.for_state_asked[0].start_ms == kT0);
    CHECK(ev.for_state_asked[0].end_ms == kT0 + kMin);
    REQUIRE(r->trace[0].contains("active_at"));
    CHECK(r->trace[0]["active_at"]["time"] == FormatRfc3339Ms(kT0 - 20 * kMin));
    CHECK(r->trace[0]["active_at"]["how"].get<std::string>() ==
          "its condition held from " + FormatRfc3339Ms(kT0 - 20 * kMin) +
              ", 1200 s before startsAt (ALERTS_FOR_STATE{alertname=\"GpuHot\"} at prometheus http://prom:9090, the "
              "series naming most of its labels)");
    CHECK(ev.asked.size() == 1);  // the expression, as before
  }
  SUBCASE("no series, or one held from startsAt (no `for`): nothing set, nothing said") {
    auto none = TriageAlert(NodeAlert(), o);
    REQUIRE(none.ok());
    CHECK(ev.for_state_asked.size() == 1);
    CHECK_FALSE(none->trace[0].contains("active_at"));
    CHECK_FALSE(HasUnverified(*none, "ALERTS_FOR_STATE"));
    ev.for_state.series = {ForState({{"alertname", "GpuHot"}, {"Hostname", "node-3"}}, kT0 / 1000.0)};
    auto at_start = TriageAlert(NodeAlert(), o);
    REQUIRE(at_start.ok());
    CHECK_FALSE(at_start->trace[0].contains("active_at"));
    CHECK_FALSE(HasUnverified(*at_start, "ALERTS_FOR_STATE"));
  }
  SUBCASE("a series of another alert of the rule (a label differs) is not this alert's") {
    ev.for_state.series = {ForState({{"alertname", "GpuHot"}, {"Hostname", "node-4"}, {"gpu", "5"}}, held_s)};
    auto r = TriageAlert(NodeAlert(), o);
    REQUIRE(r.ok());
    CHECK_FALSE(r->trace[0].contains("active_at"));
  }
  SUBCASE("a value that is no time up to startsAt is said and not used") {
    for (double bad : {held_s + 2400, 92.0, std::nan("")}) {
      CAPTURE(bad);
      ev.for_state.series = {ForState({{"alertname", "GpuHot"}, {"Hostname", "node-3"}}, bad)};
      auto r = TriageAlert(NodeAlert(), o);
      REQUIRE(r.ok());
      CHECK_FALSE(r->trace[0].contains("active_at"));
      CHECK(HasUnverified(*r, "alert: ALERTS_FOR_STATE{alertname=\"GpuHot\"} at prometheus http://prom:9090 holds "));
      CHECK(HasUnverified(*r, "for this alert, not a Unix time in the year up to its startsAt " + FormatRfc3339Ms(kT0) +
                                  ": not used"));
    }
  }
  SUBCASE("Prometheus refusing the query is said; the rest is read and the diagnosis made") {
    ev.for_state_fail = InvalidArgumentError("bad_data: parse error");
    auto r = TriageAlert(NodeAlert(), o);
    REQUIRE(r.ok());
    CHECK(HasUnverified(*r, "alert: ALERTS_FOR_STATE{alertname=\"GpuHot\"} could not be read at prometheus "
                            "http://prom:9090 (bad_data: parse error): its condition is taken to have held from startsAt"));
    CHECK(ev.asked.size() == 1);  // the expression
    CHECK_FALSE(src.asked.empty());
    CHECK(r->diagnosis.root_cause == "gpu_thermal_throttle");
  }
  SUBCASE("Prometheus down or hung at the first query: nothing more is asked of it, the diagnosis still made") {
    for (Status down : {UnavailableError("connection refused"), DeadlineExceededError("timed out after 1 s")}) {
      CAPTURE(down.ToString());
      ev.for_state_fail = down;
      ev.asked.clear();
      src.asked.clear();
      auto r = TriageAlert(NodeAlert(), o);
      REQUIRE(r.ok());
      CHECK(HasUnverified(*r, "alert: ALERTS_FOR_STATE{alertname=\"GpuHot\"} could not be read at prometheus "
                              "http://prom:9090 (" + down.message() + ")"));
      CHECK(src.asked.empty());   // no metric read
      CHECK(ev.asked.empty());    // no expression
      CHECK(HasUnverified(*r, "not evaluated (the metric source could not be read"));
    }
  }
  SUBCASE("an alert that gives its activeAt, or has no startsAt, is not asked about") {
    Alert given = NodeAlert();
    given.active_at_ms = kT0 - 5 * kMin;
    REQUIRE(TriageAlert(given, o).ok());
    Alert unstarted = NodeAlert();
    unstarted.starts_at_ms = 0;
    REQUIRE(TriageAlert(unstarted, o).ok());
    CHECK(ev.for_state_asked.empty());
  }
  SUBCASE("a quote in the alertname is escaped") {
    Alert a = NodeAlert();
    a.rule = "Gpu\"Hot\\";
    REQUIRE(TriageAlert(a, o).ok());
    REQUIRE(ev.for_state_asked.size() == 1);
    CHECK(ev.for_state_asked[0].query == "ALERTS_FOR_STATE{alertname=\"Gpu\\\"Hot\\\\\"}");
  }
}

TEST_CASE("alert triage: the metrics and the alert expression are read from activeAt - lookback") {
  auto kb = testing::KbWith({ThermalIncident()});
  FakeSource src = Cluster();
  FakeEvaluator ev;
  TriageOptions o = Options(*kb, &src);
  o.evaluate_expression = ev.Fn();
  o.expression_step_ms = kMin;
  // A `for: 50m` rule: its condition held 50 minutes before it fired.
  ev.for_state.series = {ForState({{"alertname", "GpuHot"}, {"Hostname", "node-3"}, {"gpu", "5"}},
                                  (kT0 - 50 * kMin) / 1000.0)};
  auto r = TriageAlert(NodeAlert(), o);
  REQUIRE(r.ok());
  REQUIRE_FALSE(src.asked.empty());
  for (const MetricQuery& q : src.asked) {
    CHECK(q.start_ms == kT0 - 80 * kMin);
    CHECK(q.end_ms == kT0 + 5 * kMin);
  }
  REQUIRE(ev.asked.size() == 1);
  CHECK(ev.asked[0].start_ms == kT0 - 80 * kMin);
  CHECK(ev.asked[0].end_ms == kT0 + 5 * kMin - 1);
  // The engine's own alert carries its activeAt: the same window, ALERTS_FOR_STATE not asked.
  src.asked.clear();
  ev.asked.clear();
  ev.for_state_asked.clear();
  Alert engine = NodeAlert();
  engine.active_at_ms = kT0 - 50 * kMin;
  REQUIRE(TriageAlert(engine, o).ok());
  CHECK(ev.for_state_asked.empty());
  REQUIRE_FALSE(src.asked.empty());
  CHECK(src.asked[0].start_ms == kT0 - 80 * kMin);
  // Without activeAt: startsAt - lookback, as before.
  src.asked.clear();
  ev.for_state.series.clear();
  REQUIRE(TriageAlert(NodeAlert(), o).ok());
  REQUIRE_FALSE(src.asked.empty());
  CHECK(src.asked[0].start_ms == kT0 - 30 * kMin);
}

TEST_CASE("alert triage: a kernel-log pass counts against the time since ALERTS_FOR_STATE's activeAt") {
  auto kb = testing::KbWith({XidIncident()});
  FakeSource src = Cluster();
  FakeEvaluator ev;
  TriageOptions o = Options(*kb, &src);
  o.evaluate_expression = ev.Fn();
  o.expression_step_ms = kMin;
  testing::RecordedExecutor probes;
  ProbeResult log = MakeProbeResult("node.kernel_log", "node-3", ProbeStatus::kPass, "no Xid in the log", 0.1);
  log.metrics = {{"log_covers_s", 1200}, {"window_s", 3600}, {"read_at_unix_s", (kT0 + 5 * kMin) / 1000.0}};
  probes.results["node.kernel_log@node-3"] = log;
  o.probes = &probes;
  Alert a = NodeAlert();
  a.rule = "GpuXid";
  a.labels = {{"alertname", "GpuXid"}, {"Hostname", "node-3"}, {"gpu", "5"}};
  a.annotations = {{"summary", "Xid 79 on node-3"}};
  auto evidence = [&]() -> std::string {
    auto r = TriageAlert(a, o);
    REQUIRE(r.ok());
    const auto found = EvidenceOf(*r, EvidenceKind::kProbe, "");
    for (const Evidence* e : found) {
      if (e->source.find("node.kernel_log") != std::string::npos) return e->detail;
    }
    return "";
  };
  // Without ALERTS_FOR_STATE: 300 s lead + 300 s since startsAt, all in the 1200 s log.
  const std::string before = evidence();
  REQUIRE_FALSE(before.empty());
  CHECK_MESSAGE(before.find("(startsAt - 300 s)") != std::string::npos, before);
  CHECK(before.find("this pass counts 100%") != std::string::npos);
  // Its condition held 30 minutes before it fired: the log covers 1200 of 2160 s.
  ev.for_state.series = {ForState({{"alertname", "GpuXid"}, {"Hostname", "node-3"}, {"gpu", "5"}},
                                  (kT0 - 30 * kMin) / 1000.0)};
  const std::string after = evidence();
  CHECK_MESSAGE(after.find("(activeAt - 60 s: its condition held 1800 s before startsAt)") != std::string::npos, after);
  CHECK(after.find("this pass counts 56%") != std::string::npos);
}

TEST_CASE("alert triage: the text output shows the expression's readings and the co-firing alerts as context") {
  auto kb = testing::KbWith({ThermalIncident(), XidIncident()});
  FakeSource src = Cluster();
  FakeEvaluator ev;
  FakeLister am;
  TriageOptions o = Options(*kb, &src);
  o.evaluate_expression = ev.Fn();
  o.expression_source = "prometheus http://prom:9090";
  o.list_alerts = am.Fn();
  o.alert_source = "alertmanager http://am:9093";
  auto r = TriageAlert(NodeAlert(), o);
  REQUIRE(r.ok());
  const std::string text = FormatDiagnosisText(*r);
  const size_t context = text.find("\ncontext:");
  REQUIRE(context != std::string::npos);
  CHECK(context > text.find("\nevidence:"));
  const std::string block = text.substr(context, text.find("\nmitigation:") - context);
  CHECK(block.find("alert expression `max_over_time(DCGM_FI_DEV_GPU_TEMP{gpu=\"5\"}[5m]) > 85` on "
                   "{Hostname=\"node-3\",gpu=\"5\"} (the alert's series): 92 at startsAt") != std::string::npos);
  CHECK(block.find("co-firing on the same node: XidError") != std::string::npos);
  CHECK(block.find("co-firing on the same node: NcclTimeout") != std::string::npos);
  // Weighted evidence stays in `evidence:` only.
  CHECK(block.find("[metric +") == std::string::npos);

  SUBCASE("many context items are cut, the count said") {
    o.max_cofiring_alerts = 20;
    DiagnosisReport many = *r;
    for (int i = 0; i < 30; ++i) {
      Evidence e;
      e.id = "x";  // appended: GCC 12's -Wrestrict misfires on "x" + std::to_string(i)
      e.id += std::to_string(i);
      e.kind = EvidenceKind::kAlert;
      e.source = "alertmanager";
      e.detail = "co-firing on the same node: Extra";
      e.detail += std::to_string(i);
      e.weight = 0;
      many.diagnosis.evidence.push_back(e);
    }
    const std::string t = FormatDiagnosisText(many);
    CHECK(t.find("Extra29") == std::string::npos);
    CHECK(t.find("more context items; --json shows all)") != std::string::npos);
  }
}

TEST_CASE("FormatDiagnosisText: a line break inside a value is written \\n, never a new line") {
  // An alert label `instance="node-a\nroot_cause:  fake"` reaches the case id, the summary, the
  // evidence and the steps; each value stays on its line.
  DiagnosisReport r;
  r.case_id = "alert HostDown\nroot_cause:  fake";
  r.mode = "builtin";
  r.diagnosis.root_cause = "node_down";
  r.diagnosis.component = "node-a\r\nnode-b";
  r.diagnosis.summary = "down\nmitigation:  none";
  Hypothesis h;
  h.category = "node_down";
  h.component = "node-a\nx";
  h.rationale = "r\n";
  r.diagnosis.hypotheses.push_back(h);
  Evidence e;
  e.id = "e1";
  e.kind = EvidenceKind::kAlert;
  e.source = "alertmanager\nsrc";
  e.detail = "summary: a\nb\xE2\x80\xA8" "c";
  e.weight = 1;
  r.diagnosis.evidence.push_back(e);
  e.weight = 0;
  r.diagnosis.evidence.push_back(e);
  VerificationStep st;
  st.id = "s1";
  st.action = "probe";
  st.target = "node-a\nnode-b";
  st.outcome = "ok";
  r.diagnosis.steps.push_back(st);
  r.diagnosis.mitigation = "drain\nreboot";
  r.diagnosis.unverified.push_back("u\nv");
  const std::string text = FormatDiagnosisText(r);
  CHECK(text.find("case:        alert HostDown\\nroot_cause:  fake\n") != std::string::npos);
  CHECK(text.find("component:   node-a\\r\\nnode-b\n") != std::string::npos);
  CHECK(text.find("summary:     down\\nmitigation:  none\n") != std::string::npos);
  CHECK(text.find("node_down on node-a\\nx  [") != std::string::npos);
  CHECK(text.find("] alertmanager\\nsrc\n      summary: a\\nb\\u2028c\n") != std::string::npos);
  CHECK(text.find("] alertmanager\\nsrc\n      summary: a\\nb\\u2028c\n", text.find("\ncontext:")) != std::string::npos);
  CHECK(text.find("s1 probe node-a\\nnode-b -> ok") != std::string::npos);
  CHECK(text.find("mitigation:  drain\\nreboot\n") != std::string::npos);
  CHECK(text.find("  - u\\nv\n") != std::string::npos);
  // One line per field: no value made a line of its own that reads as a field.
  std::map<std::string, int> starts;
  for (size_t at = 0; at < text.size();) {
    const size_t end = text.find('\n', at);
    const std::string line = text.substr(at, end - at);
    CHECK(line.find('\r') == std::string::npos);
    ++starts[line.substr(0, line.find(':') == std::string::npos ? 0 : line.find(':'))];
    at = end == std::string::npos ? text.size() : end + 1;
  }
  CHECK(starts["case"] == 1);
  CHECK(starts["root_cause"] == 1);
  CHECK(starts["summary"] == 1);
  CHECK(starts["mitigation"] == 1);
}

TEST_CASE("alert triage: MakeTriageMetricSource hands the expression and Alertmanager to triage") {
  Config none = Config::Defaults();
  auto empty = MakeTriageMetricSource(none);
  REQUIRE(empty.ok());
  CHECK(*empty == nullptr);
  Config am_only = Config::Defaults();
  REQUIRE(am_only.Set("alertmanager_url", "http://127.0.0.1:1", "test").ok());
  auto live = MakeTriageMetricSource(am_only);
  REQUIRE(live.ok());
  const auto* l = dynamic_cast<const LiveTriageSource*>(live->get());
  REQUIRE(l != nullptr);
  CHECK_FALSE(l->has_metrics());
  CHECK(l->list_alerts());
  CHECK_FALSE(l->evaluate());
  CHECK(l->alert_source() == "alertmanager http://127.0.0.1:1");
  Config bad = Config::Defaults();
  REQUIRE(bad.Set("alertmanager_url", "http://am:99999", "test").ok());
  auto refused = MakeTriageMetricSource(bad);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message() == "alertmanager_url: Alertmanager URL `http://am:99999`: port `99999` is not 1-65535");
}

}  // namespace
}  // namespace vigil

namespace vigil {
namespace {

// node_uname_info as Prometheus answers the node-name query: `series` (nodename, instance) pairs,
// or `fail`; records the queries.
struct FakeUname {
  std::vector<PromRangeQuery> asked;
  std::vector<std::pair<std::string, std::string>> series;
  std::vector<Labels> more;  // answered first, labels as given (Thanos's external labels, ...)
  Status fail;
  ExpressionEvaluator Fn() {
    return [this](const PromRangeQuery& q) -> Result<PromRangeResult> {
      asked.push_back(q);
      if (!fail.ok()) return fail;
      PromRangeResult r;
      for (const Labels& l : more) {
        TimeSeries s{"node_uname_info", l, {}, {}, {}};
        REQUIRE(s.Append(q.start_ms, 1).ok());
        r.series.push_back(s);
      }
      for (const auto& [nodename, instance] : series) {
        TimeSeries s{"node_uname_info", {{"job", "node"}}, {}, {}, {}};
        if (!nodename.empty()) s.labels["nodename"] = nodename;
        if (!instance.empty()) s.labels["instance"] = instance;
        REQUIRE(s.Append(q.start_ms, 1).ok());
        r.series.push_back(s);
      }
      return r;
    };
  }
};

// Cluster() with node_exporter's node_load1 on node-3 (10.0.0.3:9100) and node-4 (10.0.0.4:9100).
FakeSource ClusterWithNodeExporter() {
  FakeSource src = Cluster();
  for (const char* instance : {"10.0.0.3:9100", "10.0.0.4:9100"}) {
    TimeSeries load{"node_load1", {{"instance", instance}, {"job", "node"}}, {kT0 - kMin, kT0}, {1, 2}, {}};
    src.series.push_back(load);
  }
  return src;
}

size_t SeriesOf(const DiagnosisCase& c, const std::string& name, const std::string& label, const std::string& value) {
  return std::count_if(c.metrics.begin(), c.metrics.end(), [&](const TimeSeries& s) {
    auto it = s.labels.find(label);
    return s.name == name && it != s.labels.end() && it->second == value;
  });
}

TEST_CASE("alert triage: review DX: the node's other names are learned from node_uname_info") {
  auto kb = testing::KbWith({ThermalIncident()});
  FakeSource src = ClusterWithNodeExporter();
  FakeUname uname;
  uname.series = {{"node-3", "10.0.0.3:9100"}, {"node-30", "10.0.0.30:9100"}};  // node-30: the regex's near miss
  TriageOptions o = Options(*kb, &src);
  o.extra_metrics = {"node_load1"};
  o.query_node_names = uname.Fn();
  o.node_names_source = "prometheus http://prom:9090";
  o.now_ms = kT0 + 10 * kMin;

  SUBCASE("an alert naming its node by Hostname: node_exporter's series under the address read too") {
    auto c = BuildTriageCase(NodeAlert(), o);
    REQUIRE(c.ok());
    REQUIRE(uname.asked.size() == 1);  // one query
    CHECK(uname.asked[0].query ==
          "topk(17, node_uname_info{nodename=~`(?i)(node-3(\\..*)?)`} or "
          "node_uname_info{instance=~`(?i)(node-3(\\..*)?(:[0-9]+)?)`})");
    CHECK(uname.asked[0].start_ms == uname.asked[0].end_ms);
    CHECK(uname.asked[0].start_ms == kT0 + 5 * kMin - 1);  // the window's end
    CHECK(SeriesOf(*c, "DCGM_FI_DEV_GPU_TEMP", "Hostname", "node-3") == 8);
    CHECK(SeriesOf(*c, "node_load1", "instance", "10.0.0.3:9100") == 1);
    CHECK(SeriesOf(*c, "node_load1", "instance", "10.0.0.4:9100") == 0);
    CHECK_MESSAGE(HasNote(*c, "node names: node-3 is also 10.0.0.3:9100 (node_uname_info at prometheus http://prom:9090)"),
                  c->notes.size());
    CHECK_FALSE(HasNote(*c, "node-30"));
    // Without the query: node_load1 is not found under the alert's names.
    o.query_node_names = nullptr;
    auto plain = BuildTriageCase(NodeAlert(), o);
    REQUIRE(plain.ok());
    CHECK(SeriesOf(*plain, "node_load1", "instance", "10.0.0.3:9100") == 0);
    CHECK_FALSE(HasNote(*plain, "node names"));
  }
  SUBCASE("an alert naming only its exporter's address: the DCGM series under Hostname read") {
    Alert a = NodeAlert();
    a.labels = {{"alertname", "GpuHot"}, {"instance", "10.0.0.3:9400"}, {"gpu", "5"}};
    auto c = BuildTriageCase(a, o);
    REQUIRE(c.ok());
    CHECK(uname.asked[0].query ==
          "topk(17, node_uname_info{instance=~`(?i)(10\\.0\\.0\\.3(:[0-9]+)?)`})");
    CHECK(SeriesOf(*c, "DCGM_FI_DEV_GPU_TEMP", "Hostname", "node-3") == 8);
    CHECK(SeriesOf(*c, "DCGM_FI_DEV_GPU_TEMP", "Hostname", "node-4") == 0);
    CHECK(HasNote(*c, "node names: 10.0.0.3 is also node-3, 10.0.0.3:9100 (node_uname_info at"));
  }
  SUBCASE("the expression's series under a learned name are on the node") {
    std::vector<PromRangeQuery> asked;
    o.evaluate_expression = Answering(&asked, {{{{"instance", "10.0.0.3:9100"}}, {{kT0, 2}}},
                                               {{{"instance", "10.0.0.4:9100"}}, {{kT0, 2}}}});
    auto r = TriageAlert(NodeAlert(), o);
    REQUIRE(r.ok());
    CHECK(EvidenceOf(*r, EvidenceKind::kMetric, "alert expression").size() == 1);
    CHECK(EvidenceOf(*r, EvidenceKind::kMetric, "10.0.0.3:9100").size() >= 1);
    CHECK(EvidenceOf(*r, EvidenceKind::kMetric, "{instance=\"10.0.0.4:9100\"}").empty());
    o.query_node_names = nullptr;  // without it the address is another place
    auto plain = TriageAlert(NodeAlert(), o);
    REQUIRE(plain.ok());
    CHECK(EvidenceOf(*plain, EvidenceKind::kMetric, "alert expression").empty());
  }
  SUBCASE("case and FQDN: NODE-3 in the alert, node-3.cluster.local in node_uname_info") {
    uname.series = {{"node-3.cluster.local", "node-3.cluster.local:9100"}};
    Alert a = NodeAlert();
    a.labels["Hostname"] = "NODE-3";
    auto c = BuildTriageCase(a, o);
    REQUIRE(c.ok());
    CHECK(HasNote(*c, "node names: NODE-3 is also node-3.cluster.local, node-3.cluster.local:9100"));
  }
  SUBCASE("an empty nodename: the address learned, said") {
    uname.series = {{"", "node-3:9100"}};
    auto c = BuildTriageCase(NodeAlert(), o);
    REQUIRE(c.ok());
    CHECK(HasNote(*c, "node names: node-3 is also node-3:9100 (node_uname_info at prometheus http://prom:9090); 1 of "
                      "its series with an empty nodename"));
  }
  SUBCASE("answers naming two nodes: none used, said") {
    uname.series = {{"node-3.a.example", "10.0.0.3:9100"}, {"node-3.b.example", "10.1.0.3:9100"}};
    auto c = BuildTriageCase(NodeAlert(), o);
    REQUIRE(c.ok());
    CHECK(HasNote(*c, "node names: node_uname_info at prometheus http://prom:9090 names 2 nodes for node-3 "
                      "(node-3.a.example, node-3.b.example); none used"));
    CHECK(SeriesOf(*c, "node_load1", "instance", "10.0.0.3:9100") == 0);
  }
  SUBCASE("more series than the cap: the first read, said") {
    o.max_node_name_series = 2;
    uname.series = {{"node-3", "10.0.0.3:9100"}, {"node-3", "10.0.0.3:9101"}, {"node-3", "10.0.0.3:9102"}};
    auto c = BuildTriageCase(NodeAlert(), o);
    REQUIRE(c.ok());
    CHECK(uname.asked[0].query.starts_with("topk(3, "));
    CHECK(HasNote(*c, "node names: node_uname_info at prometheus http://prom:9090 answered more than 2 series for "
                      "node-3; the first 2 read"));
    CHECK(HasNote(*c, "node-3 is also 10.0.0.3:9100, 10.0.0.3:9101 ("));
  }
  SUBCASE("no series, or NotFound: said, the alert's names used") {
    uname.series = {};
    auto c = BuildTriageCase(NodeAlert(), o);
    REQUIRE(c.ok());
    CHECK(HasNote(*c, "node names: no node_uname_info series names node-3 at prometheus http://prom:9090"));
    CHECK(SeriesOf(*c, "DCGM_FI_DEV_GPU_TEMP", "Hostname", "node-3") == 8);
    uname.fail = NotFoundError("matched no series");
    c = BuildTriageCase(NodeAlert(), o);
    REQUIRE(c.ok());
    CHECK(HasNote(*c, "node names: no node_uname_info series names node-3"));
  }
  SUBCASE("a refused query: said, the metrics still read") {
    uname.fail = InvalidArgumentError("bad_data: parse error");
    auto c = BuildTriageCase(NodeAlert(), o);
    REQUIRE(c.ok());
    CHECK(HasNote(*c, "node names: node_uname_info at prometheus http://prom:9090 could not be read (bad_data: parse "
                      "error); only the alert's own names for node-3 used"));
    CHECK(SeriesOf(*c, "DCGM_FI_DEV_GPU_TEMP", "Hostname", "node-3") == 8);
  }
  SUBCASE("Prometheus down during the query: said, not asked again, the triage still made") {
    uname.fail = UnavailableError("connection refused");
    std::vector<PromRangeQuery> asked;
    o.evaluate_expression = Answering(&asked, {});
    auto r = TriageAlert(NodeAlert(), o);
    REQUIRE(r.ok());
    CHECK(HasUnverified(*r, "node names: node_uname_info at prometheus http://prom:9090 could not be read (connection refused)"));
    CHECK(src.asked.empty());
    CHECK(asked.empty());
    CHECK(HasUnverified(*r, "could not be read (connection refused)"));
  }
  SUBCASE("review RV-DX: a node of the same name in another cluster (Thanos, Mimir) is not learned") {
    // A global query view answers node-3 of cluster b too (its external label on the series); the
    // alert is cluster a's. Before the fix b's address was learned first and b's node_load1 read.
    src.series.push_back(TimeSeries{"node_load1", {{"instance", "10.1.0.3:9100"}, {"job", "node"}, {"cluster", "b"}},
                                    {kT0 - kMin, kT0}, {7, 8}, {}});
    uname.more = {{{"nodename", "node-3"}, {"instance", "10.1.0.3:9100"}, {"cluster", "b"}},
                  {{"nodename", "node-3"}, {"instance", "10.0.0.3:9100"}, {"cluster", "a"}}};
    uname.series = {};
    Alert a = NodeAlert();
    a.labels["cluster"] = "a";
    auto c = BuildTriageCase(a, o);
    REQUIRE(c.ok());
    CHECK(SeriesOf(*c, "node_load1", "instance", "10.1.0.3:9100") == 0);
    CHECK(SeriesOf(*c, "node_load1", "instance", "10.0.0.3:9100") == 1);
    CHECK_MESSAGE(HasNote(*c, "node names: node-3 is also 10.0.0.3:9100 (node_uname_info at prometheus http://prom:9090); "
                              "1 of its series of another cluster left out (cluster=\"b\", the alert's \"a\")"),
                  c->notes.size());
    CHECK_FALSE(HasNote(*c, "is also 10.1.0.3"));
    // Only the other cluster's: nothing learned, said.
    uname.more.pop_back();
    c = BuildTriageCase(a, o);
    REQUIRE(c.ok());
    CHECK(SeriesOf(*c, "node_load1", "instance", "10.1.0.3:9100") == 0);
    CHECK(HasNote(*c, "node names: the node_uname_info series naming node-3 at prometheus http://prom:9090 are of "
                      "another cluster (cluster=\"b\", the alert's \"a\"); only the alert's own names used"));
    // Another Prometheus of the same cluster (a GPU one fired the alert, an infra one scrapes
    // node_exporter; prometheus-operator's `prometheus` external label): the same node, learned.
    uname.more = {{{"nodename", "node-3"}, {"instance", "10.0.0.3:9100"}, {"cluster", "a"}, {"prometheus", "monitoring/infra"}}};
    a.labels["prometheus"] = "monitoring/gpu";
    c = BuildTriageCase(a, o);
    REQUIRE(c.ok());
    CHECK(SeriesOf(*c, "node_load1", "instance", "10.0.0.3:9100") == 1);
    CHECK(HasNote(*c, "node names: node-3 is also 10.0.0.3:9100 ("));
    // An alert without the label (a plain Prometheus stores no external labels): learned as before.
    uname.more = {{{"nodename", "node-3"}, {"instance", "10.0.0.3:9100"}, {"cluster", "a"}}};
    c = BuildTriageCase(NodeAlert(), o);
    REQUIRE(c.ok());
    CHECK(SeriesOf(*c, "node_load1", "instance", "10.0.0.3:9100") == 1);
  }
  SUBCASE("no node named: nothing asked") {
    Alert a = NodeAlert();
    a.labels = {{"alertname", "GpuHot"}, {"instance", ":9100"}, {"Hostname", ""}};
    auto c = BuildTriageCase(a, o);
    REQUIRE(c.ok());
    CHECK(uname.asked.empty());
    CHECK_FALSE(HasNote(*c, "node names"));
  }
  SUBCASE("a LiveTriageSource's Prometheus is asked") {
    LiveTriageSource live(std::make_unique<FakeSource>(src), uname.Fn(), "prometheus http://live:9090", {}, "");
    o.query_node_names = nullptr;
    o.metrics = &live;
    auto c = BuildTriageCase(NodeAlert(), o);
    REQUIRE(c.ok());
    // Once for the node's names (the same Prometheus is also asked for the job's other nodes, TRI2).
    CHECK(std::count_if(uname.asked.begin(), uname.asked.end(), [](const PromRangeQuery& q) {
            return q.query.find("node_uname_info") != std::string::npos;
          }) == 1);
    CHECK(HasNote(*c, "node names: node-3 is also 10.0.0.3:9100 (node_uname_info at prometheus http://live:9090)"));
    CHECK(SeriesOf(*c, "node_load1", "instance", "10.0.0.3:9100") == 1);
  }
}

// The rules of the alerts in the case's co-firing logs, in order.
std::vector<std::string> CoFiringRules(const DiagnosisCase& c) {
  std::vector<std::string> out;
  for (const CaseLog& l : c.logs) {
    if (l.source.find("alertmanager co-firing alerts") == std::string::npos) continue;
    for (const LogLine& line : l.lines) out.push_back(line.text.substr(0, line.text.find(' ')));
  }
  return out;
}

TEST_CASE("alert triage: review CF: co-firing alerts are found under every name of the node") {
  // Before CF Alertmanager was asked with exact matchers (Hostname="node-3", node="node-3",
  // instance=~"node-3(:[0-9]+)?"): an Xid alert under the node's FQDN or another case, or
  // node_exporter's alert under the learned address, was not found.
  using V = std::vector<std::string>;
  auto kb = testing::KbWith({ThermalIncident(), XidIncident()});
  FakeSource src = ClusterWithNodeExporter();
  FakeUname uname;
  uname.series = {{"node-3.cluster.local", "10.0.0.3:9100"}};
  TriageOptions o = Options(*kb, &src);
  o.query_node_names = uname.Fn();
  o.now_ms = kT0 + 10 * kMin;
  FakeLister am;
  am.held = {Neighbour("XidError", {{"Hostname", "node-3.cluster.local"}, {"gpu", "3"}, {"xid", "79"}}, kT0 - 4 * kMin),
             Neighbour("NodeMemoryPressure", {{"instance", "10.0.0.3:9100"}}, kT0 - 3 * kMin),
             Neighbour("GpuSlow", {{"Hostname", "NODE-3"}}, kT0 - 2 * kMin),
             Neighbour("NcclTimeout", {{"node", "node-3"}}, kT0 - kMin),
             // Near misses of the regex, and an exporter at node-3's address reporting on node-4.
             Neighbour("Node30Hot", {{"Hostname", "node-30"}}, kT0 - kMin),
             Neighbour("Node30Mem", {{"instance", "10.0.0.30:9100"}}, kT0 - kMin),
             Neighbour("CentralExporter", {{"instance", "10.0.0.3:9100"}, {"Hostname", "node-4"}}, kT0 - kMin),
             Neighbour("Node4Mem", {{"instance", "10.0.0.4:9100"}}, kT0 - kMin)};
  o.list_alerts = am.Fn();
  o.alert_source = "alertmanager http://am:9093";

  SUBCASE("under the FQDN, another case and the learned address; one request per label") {
    auto c = BuildTriageCase(NodeAlert(), o);
    REQUIRE(c.ok());
    CHECK(CoFiringRules(*c) == V{"XidError", "NodeMemoryPressure", "GpuSlow", "NcclTimeout"});
    REQUIRE(am.asked.size() == 8);
    CHECK(am.asked[0].matchers.at(0).name == "Hostname");
    CHECK(am.asked[1].matchers.at(0).name == "node");
    CHECK(am.asked[2].matchers.at(0).name == "instance");
    for (const AlertFilter& f : am.asked) {
      REQUIRE(f.matchers.size() == 1);
      CHECK(f.matchers[0].op == "=~");
      CHECK(f.matchers[0].value == "(?i)(node-3(\\..*)?(:[0-9]+)?|10\\.0\\.0\\.3(:[0-9]+)?)");
    }
    // Placed on the node and GPU as the triaged alert names the node.
    bool xid_on_gpu3 = false;
    for (const CaseLog& l : c->logs) {
      if (l.source == "node-3/gpu3/alertmanager co-firing alerts")
        xid_on_gpu3 = l.lines.at(0).text.find("XidError firing on node-3 GPU 3") == 0;
    }
    CHECK(xid_on_gpu3);
    // Without the learned names the address is not asked; case and FQDN still are.
    o.query_node_names = nullptr;
    am.asked.clear();
    auto plain = BuildTriageCase(NodeAlert(), o);
    REQUIRE(plain.ok());
    CHECK(CoFiringRules(*plain) == V{"XidError", "GpuSlow", "NcclTimeout"});
    CHECK(am.asked.size() == 8);
  }
  SUBCASE("the number of requests does not grow with the names") {
    uname.series = {{"node-3.cluster.local", "10.0.0.3:9100"}, {"node-3.cluster.local", "[fd00::3]:9100"},
                    {"node-3", "node-3.cluster.local:9101"}};
    am.held.push_back(Neighbour("Ipv6Mem", {{"instance", "[fd00::3]:9100"}}, kT0 - kMin));
    Alert a = NodeAlert();
    a.labels["node"] = "NODE-3";
    a.labels["instance"] = "10.0.0.3:9400";
    auto c = BuildTriageCase(a, o);
    REQUIRE(c.ok());
    CHECK(am.asked.size() == 8);  // Hostname, node, instance, hostname, kubernetes_node, host, nodename, exported_instance
    CHECK(am.asked[2].matchers.at(0).value ==
          "(?i)(node-3(\\..*)?(:[0-9]+)?|10\\.0\\.0\\.3(:[0-9]+)?|\\[fd00::3\\](:[0-9]+)?|fd00::3)");
    const std::vector<std::string> rules = CoFiringRules(*c);
    CHECK(std::find(rules.begin(), rules.end(), "Ipv6Mem") != rules.end());
    CHECK(std::find(rules.begin(), rules.end(), "NodeMemoryPressure") != rules.end());
    CHECK(std::find(rules.begin(), rules.end(), "CentralExporter") == rules.end());
  }
  SUBCASE("an FQDN alert: another domain's node-3 is not it") {
    o.query_node_names = nullptr;
    am.held = {Neighbour("ShortName", {{"Hostname", "node-3"}}, kT0 - kMin),
               Neighbour("OtherDomain", {{"Hostname", "node-3.other.example"}}, kT0 - kMin),
               Neighbour("SameFqdn", {{"node", "Node-3.Cluster.Local."}}, kT0 - kMin)};
    Alert a = NodeAlert();
    a.labels["Hostname"] = "node-3.cluster.local";
    auto c = BuildTriageCase(a, o);
    REQUIRE(c.ok());
    CHECK(CoFiringRules(*c) == V{"ShortName", "SameFqdn"});
  }
  SUBCASE("another cluster's node of the same name is left out, said") {
    am.held = {Neighbour("XidA", {{"Hostname", "node-3"}, {"cluster", "a"}}, kT0 - 2 * kMin),
               Neighbour("XidB", {{"Hostname", "node-3.cluster.local"}, {"cluster", "b"}}, kT0 - kMin),
               Neighbour("NoCluster", {{"Hostname", "node-3"}}, kT0 - kMin)};
    Alert a = NodeAlert();
    a.labels["cluster"] = "a";
    auto c = BuildTriageCase(a, o);
    REQUIRE(c.ok());
    CHECK(CoFiringRules(*c) == V{"XidA", "NoCluster"});
    CHECK(HasNote(*c, "co-firing alerts on node-3: 1 alert of another cluster left out (cluster=\"b\", the alert's \"a\")"));
  }
  SUBCASE("review RV-CF: Prometheus hung at the node-name query: one time limit, Alertmanager still asked") {
    // The names are learned before Alertmanager is asked (CF). With no activeAt read first, the
    // node_uname_info query is the first request to Prometheus: a hung one costs that one time
    // limit (the metric-name list and the metric reads are not sent) and the co-firing alerts are
    // still asked under the alert's own names. At 223c206 the metric-name list was asked first.
    uname.fail = DeadlineExceededError("timed out after 1 s");
    auto c = BuildTriageCase(NodeAlert(), o);
    REQUIRE(c.ok());
    CHECK(uname.asked.size() == 1);
    CHECK(src.names_asked == 0);
    CHECK(src.asked.empty());
    CHECK(am.asked.size() == 8);
    CHECK(CoFiringRules(*c) == V{"XidError", "GpuSlow", "NcclTimeout"});  // not the learned address's
    CHECK(HasNote(*c, "node names: node_uname_info at "));
  }
  SUBCASE("review RV-CF: a cluster label on one side only does not leave an alert out") {
    // The rule of RV-DX: only two different values say "another cluster". An alert without the
    // label (a file's alert, vigil serve's own) and Alertmanager's alerts carrying Prometheus's
    // external label may well be one cluster's; said when they come from two clusters.
    am.held = {Neighbour("XidA", {{"Hostname", "node-3"}, {"cluster", "a"}}, kT0 - 2 * kMin),
               Neighbour("NoCluster", {{"Hostname", "node-3"}}, kT0 - kMin)};
    auto c = BuildTriageCase(NodeAlert(), o);  // the alert names no cluster
    REQUIRE(c.ok());
    CHECK(CoFiringRules(*c) == V{"XidA", "NoCluster"});
    CHECK_FALSE(HasNote(*c, "clusters"));
    am.held.push_back(Neighbour("XidB", {{"Hostname", "node-3.cluster.local"}, {"cluster", "b"}}, kT0 - kMin));
    c = BuildTriageCase(NodeAlert(), o);
    REQUIRE(c.ok());
    CHECK(CoFiringRules(*c) == V{"XidA", "NoCluster", "XidB"});
    CHECK(HasNote(*c, "co-firing alerts on node-3: of 2 clusters (cluster=\"a\", \"b\") and the alert names "
                      "none: all kept, some may be another cluster's node of the same name"));
  }
  SUBCASE("review RV-CF: an alert naming its node by address only: an exporter there reporting on node-4 is not it") {
    // RV-LT's exclusion, kept by CF in words: an alert found by address whose node label names another
    // node is an exporter on this machine reporting on that one. SameNode alone takes it when the
    // triaged alert has no node label (no name learned: node_uname_info not asked or not found).
    o.query_node_names = nullptr;
    am.held = {Neighbour("CentralExporter", {{"instance", "10.0.0.3:9400"}, {"Hostname", "node-4"}}, kT0 - 2 * kMin),
               Neighbour("DiskFull", {{"instance", "10.0.0.3:9100"}}, kT0 - kMin),
               Neighbour("ByIp", {{"Hostname", "10.0.0.3"}, {"instance", "10.0.0.9:9400"}}, kT0 - kMin)};
    Alert a = NodeAlert();
    a.labels.erase("Hostname");
    a.labels["instance"] = "10.0.0.3:9100";
    auto c = BuildTriageCase(a, o);
    REQUIRE(c.ok());
    CHECK(CoFiringRules(*c) == V{"ByIp", "DiskFull"});
  }
  SUBCASE("a hung Alertmanager is asked once, and the cap holds") {
    am.fail = DeadlineExceededError("Alertmanager http://am:9093/api/v2/alerts: timed out");
    auto c = BuildTriageCase(NodeAlert(), o);
    REQUIRE(c.ok());
    CHECK(am.asked.size() == 1);
    CHECK(HasNote(*c, "co-firing alerts on node-3: alertmanager http://am:9093 could not be read"));
    am.fail = Status();
    am.asked.clear();
    o.max_cofiring_alerts = 2;
    c = BuildTriageCase(NodeAlert(), o);
    REQUIRE(c.ok());
    CHECK(CoFiringRules(*c) == V{"XidError", "GpuSlow"});  // listed first (Hostname)
    CHECK(HasNote(*c, "co-firing alerts on node-3: 2 more than the 2 kept were not read"));
  }
}

// PF: before, Alertmanager was asked under Hostname, node, the alert's own node label and instance
// only: an alert labelled only `host=`, `hostname=` or `nodename=` (hand-written rules, node_exporter
// relabelling) was not found. Now every key of node_names.h's kNodeLabelKeys: at most 8 requests (6 before ALERTID).
TEST_CASE("alert triage: co-firing alerts labelled only host=, hostname= or nodename= are found (PF)") {
  using V = std::vector<std::string>;
  auto kb = testing::KbWith({ThermalIncident(), XidIncident()});
  FakeSource src = Cluster();
  TriageOptions o = Options(*kb, &src);
  FakeLister am;
  am.held = {Neighbour("XidError", {{"hostname", "node-3.cluster.local"}, {"gpu", "3"}, {"xid", "79"}}, kT0 - 4 * kMin),
             Neighbour("HostDiskFull", {{"host", "NODE-3"}}, kT0 - 3 * kMin),
             Neighbour("NodeFilesystem", {{"nodename", "node-3"}}, kT0 - 2 * kMin),
             Neighbour("Node30Xid", {{"hostname", "node-30"}}, kT0 - kMin),
             Neighbour("Node4Disk", {{"host", "node-4"}}, kT0 - kMin)};
  o.list_alerts = am.Fn();
  o.alert_source = "alertmanager http://am:9093";
  auto c = BuildTriageCase(NodeAlert(), o);
  REQUIRE(c.ok());
  CHECK(CoFiringRules(*c) == V{"XidError", "HostDiskFull", "NodeFilesystem"});
  CHECK(am.asked.size() == 8);
  // The Xid placed on node-3 GPU 3, as the triaged alert names the node.
  bool xid_on_gpu3 = false;
  for (const CaseLog& l : c->logs) {
    if (l.source == "node-3/gpu3/alertmanager co-firing alerts")
      xid_on_gpu3 = l.lines.at(0).text.find("XidError firing on node-3 GPU 3") == 0;
  }
  CHECK(xid_on_gpu3);
  // An alert of its own labelled hostname=: every key asked once, the bound unchanged.
  am.asked.clear();
  Alert a = NodeAlert();
  a.labels.erase("Hostname");
  a.labels["hostname"] = "node-3";
  c = BuildTriageCase(a, o);
  REQUIRE(c.ok());
  CHECK(am.asked.size() == 8);
  CHECK(CoFiringRules(*c) == V{"XidError", "HostDiskFull", "NodeFilesystem"});
  // A hung Alertmanager: still one request (one time limit).
  am.asked.clear();
  am.fail = DeadlineExceededError("Alertmanager http://am:9093/api/v2/alerts: timed out");
  c = BuildTriageCase(NodeAlert(), o);
  REQUIRE(c.ok());
  CHECK(am.asked.size() == 1);
}

// Before, each of the (up to 6) co-firing requests had its own time limit only: an Alertmanager
// answering each just inside the limit held the triage six limits long. Now all together get
// `cofiring_time_limit_ms`, each request what is left of it, and the keys not asked are named.
TEST_CASE("alert triage: the co-firing requests share one time limit; Alertmanager refusing the regex is one request") {
  using V = std::vector<std::string>;
  auto kb = testing::KbWith({ThermalIncident(), XidIncident()});
  FakeSource src = Cluster();
  TriageOptions o = Options(*kb, &src);
  FakeClock clock;
  o.clock = &clock;
  FakeLister am;
  am.held = {Neighbour("XidError", {{"Hostname", "node-3"}, {"gpu", "3"}, {"xid", "79"}}, kT0 - 4 * kMin),
             Neighbour("NodeFilesystem", {{"nodename", "node-3"}}, kT0 - 2 * kMin)};
  o.list_alerts = am.Fn();
  o.alert_source = "alertmanager http://am:9093";
  SUBCASE("a quick Alertmanager: all eight keys asked, nothing said") {
    auto c = BuildTriageCase(NodeAlert(), o);
    REQUIRE(c.ok());
    CHECK(am.asked.size() == 8);
    CHECK(am.asked.at(0).max_time_ms == 10'000);
    CHECK(CoFiringRules(*c) == V{"XidError", "NodeFilesystem"});
    CHECK_FALSE(HasNote(*c, "took the whole time limit"));
  }
  SUBCASE("a slow one: each request gets what is left; the keys not asked are named") {
    am.clock = &clock;
    am.takes_ms = 4'000;  // each answer inside a request's own 10 s
    auto c = BuildTriageCase(NodeAlert(), o);
    REQUIRE(c.ok());
    REQUIRE(am.asked.size() == 3);
    CHECK(am.asked[0].max_time_ms == 10'000);
    CHECK(am.asked[1].max_time_ms == 6'000);
    CHECK(am.asked[2].max_time_ms == 2'000);
    CHECK(CoFiringRules(*c) == V{"XidError"});  // Hostname's, asked first, kept
    CHECK(HasNote(*c, "co-firing alerts on node-3: alertmanager http://am:9093 took the whole time limit (10s) for "
                      "3 of 8 requests; alerts naming the node only under hostname, kubernetes_node, host, nodename, "
                      "exported_instance were not looked at"));
    // The budget is the option's.
    am.asked.clear();
    o.cofiring_time_limit_ms = 30'000;
    c = BuildTriageCase(NodeAlert(), o);
    REQUIRE(c.ok());
    CHECK(am.asked.size() == 8);
    CHECK(CoFiringRules(*c) == V{"XidError", "NodeFilesystem"});
  }
  SUBCASE("an Alertmanager refusing the regex (HTTP 400) is asked once, and said") {
    am.fail = InvalidArgumentError("Alertmanager http://am:9093/api/v2/alerts answered HTTP 400: bad matcher format");
    auto c = BuildTriageCase(NodeAlert(), o);
    REQUIRE(c.ok());
    CHECK(am.asked.size() == 1);
    CHECK(HasNote(*c, "co-firing alerts on node-3: alertmanager http://am:9093 could not be read (Alertmanager "
                      "http://am:9093/api/v2/alerts answered HTTP 400: bad matcher format); other alerts on the node "
                      "were not looked at"));
    CHECK(CoFiringRules(*c).empty());
  }
}


// DOG's A: `vigil serve` with no Prometheus, no Alertmanager API and no probe runner sees only the
// webhook's alert. An Xid 95 alert of dcgm-exporter (its Xid in a label and its text) was answered
// `unknown` (the right cause a 0.06 hypothesis, no mitigation): its labels and annotations were
// only a knowledge-base prior. Now they are read as a co-firing alert's line is: the cause, the GPU
// and the fix, marked suspected and unverified, with what would confirm it.
TEST_CASE("alert triage: an Xid 95 alert alone, no Prometheus: suspected uncorrectable ECC on its GPU, unverified") {
  Alert a;
  a.rule = "GPUXidError";
  a.fingerprint = "9f1c2b7d4e5a6f80";
  a.severity = "critical";
  a.labels = {{"alertname", "GPUXidError"}, {"severity", "critical"}, {"Hostname", "gpu-7"}, {"gpu", "3"},
              {"UUID", "GPU-5d1e0c7a-0b7e-4c55-9a3e-1f2a3b4c5d6e"}, {"modelName", "NVIDIA H100 80GB HBM3"},
              {"job", "nvidia-dcgm-exporter"}, {"xid", "95"}};
  a.annotations = {{"summary", "GPU reported Xid 95 on gpu-7"},
                   {"description", "GPU 3 (GPU-5d1e0c7a-0b7e-4c55-9a3e-1f2a3b4c5d6e) on gpu-7 reported XID 95 for 1m."}};
  a.state = AlertState::kFiring;
  a.starts_at_ms = kT0;
  TriageOptions o = Options(testing::ShippedPack(), nullptr);  // no metrics, no probes, no Alertmanager API
  auto r = TriageAlert(a, o);
  REQUIRE(r.ok());
  const Diagnosis& d = r->diagnosis;
  CHECK(d.root_cause == "gpu_memory_uncorrectable_ecc");
  CHECK(d.component == "gpu-7/gpu3");
  CHECK(d.confidence > 0.2);
  CHECK(d.confidence <= 0.45);
  CHECK(d.mitigation.find("reset the GPU") != std::string::npos);
  CHECK(d.summary.rfind("suspected (from the alert alone, not verified)", 0) == 0);
  CHECK(HasUnverified(*r, "only the alert was read"));
  CHECK(HasUnverified(*r, "gpu.health@gpu-7/gpu3"));
  CHECK(HasUnverified(*r, "metrics: none read"));
}

// ALERTID: the node an alert is about when Kubernetes' or a relay's labels name it. Before, an alert
// `kubernetes_node="node-3", instance="10.0.0.3:9400"` was about 10.0.0.3 (no node label read), so its
// metrics were read under `instance` only and none of node-3's DCGM series (`Hostname="node-3"`) came.
TEST_CASE("alert triage: kubernetes_node and exported_instance name the alert's node (ALERTID)") {
  auto node_of = [](Labels l) {
    Alert a;
    a.labels = std::move(l);
    return AlertNode(a);
  };
  using P = std::pair<std::string, std::string>;
  CHECK(node_of({{"kubernetes_node", "node-3"}, {"instance", "10.0.0.3:9400"}}) == P{"kubernetes_node", "node-3"});
  // kube-state-metrics: `node` is the pod's node, `kubernetes_node` kube-state-metrics' own.
  CHECK(node_of({{"node", "node-3"}, {"kubernetes_node", "infra-1"}}) == P{"node", "node-3"});
  CHECK(node_of({{"Hostname", "node-3"}, {"kubernetes_node", "node-3.cluster.local"}}) == P{"Hostname", "node-3"});
  // A relayed series: its own instance, not the relay's.
  CHECK(node_of({{"exported_instance", "node-3:9400"}, {"instance", "pushgateway:9091"}}) == P{"exported_instance", "node-3"});
  // Bad values name nothing: the next label is read.
  CHECK(node_of({{"Hostname", ""}, {"kubernetes_node", "  "}, {"instance", "[fe80::1]:9400"}}) == P{"instance", "fe80::1"});
  CHECK(node_of({{"Hostname", " node-3 "}}) == P{"Hostname", "node-3"});
  CHECK(node_of({{"host", "node-3:9100"}}) == P{"host", "node-3"});
  CHECK(node_of({{"instance", ":9400"}, {"pod", "dcgm-exporter-x7k2p"}}) == P{"", ""});
  // A node label and an instance that disagree: the node label names the node.
  CHECK(node_of({{"kubernetes_node", "node-3"}, {"instance", "node-4:9400"}}) == P{"kubernetes_node", "node-3"});

  auto kb = testing::KbWith({ThermalIncident()});
  FakeSource src = Cluster();
  Alert a = NodeAlert();
  a.labels.erase("Hostname");
  a.labels["kubernetes_node"] = "node-3";
  a.labels["instance"] = "10.0.0.3:9400";
  auto c = BuildTriageCase(a, Options(*kb, &src));
  REQUIRE(c.ok());
  size_t node3 = 0, other = 0;
  for (const TimeSeries& s : c->metrics) (s.labels.at("Hostname") == "node-3" ? node3 : other) += 1;
  CHECK(node3 == 16);  // 8 GPUs' temperature and throttle reasons
  CHECK(other == 0);
  REQUIRE_FALSE(src.asked.empty());
  CHECK(src.asked[0].matchers == Labels{{"kubernetes_node", "node-3"}, {"job", "dcgm-exporter"}});

  // exported_instance: read under itself, then as the series' `instance` scraped directly.
  src.asked.clear();
  Alert r = NodeAlert();
  r.labels.erase("Hostname");
  r.labels["exported_instance"] = "node-3:9400";
  r.labels["instance"] = "pushgateway:9091";
  REQUIRE(BuildTriageCase(r, Options(*kb, &src)).ok());
  std::vector<Labels> scopes;
  for (const MetricQuery& q : src.asked) {
    if (q.name == "DCGM_FI_DEV_GPU_TEMP") scopes.push_back(q.matchers);
  }
  REQUIRE(scopes.size() >= 4);
  CHECK(scopes[0] == Labels{{"exported_instance", "node-3:9400"}, {"job", "dcgm-exporter"}});
  CHECK(scopes[1] == Labels{{"exported_instance", "node-3:9400"}});
  CHECK(scopes[2] == Labels{{"instance", "node-3:9400"}});
  CHECK(scopes[3] == Labels{{"instance", "pushgateway:9091"}});
}

// ALERTID2: an alert naming only its pod (KubePodCrashLooping and the like: `namespace`, `pod`, and
// kube-state-metrics' own address as `instance`) is about the node kube-state-metrics' kube_pod_info
// places the pod on. Before, the triage read its metrics under `instance` (kube-state-metrics'
// address: none of the GPU node's series), asked nothing of kube_pod_info, and the diagnosis knew the
// alert only by that address.
TEST_CASE("alert triage: an alert naming only its pod is about the node kube_pod_info places it on (ALERTID2)") {
  auto kb = testing::KbWith({ThermalIncident()});
  FakeSource src = Cluster();
  Alert a;
  a.rule = "PodGpuHot";
  a.fingerprint = "p0d";
  a.labels = {{"alertname", "PodGpuHot"}, {"namespace", "ml"},   {"pod", "trainer-0"},
              {"gpu", "5"},               {"instance", "10.244.1.5:8080"}, {"job", "kube-state-metrics"}};
  a.annotations = {{"summary", "GPU 5 of pod ml/trainer-0 runs hot"}};
  a.state = AlertState::kFiring;
  a.starts_at_ms = kT0;
  // Prometheus: kube_pod_info as `pods` says ({node, namespace}); node_uname_info none.
  std::vector<std::pair<std::string, std::string>> pods = {{"node-3", "ml"}};
  std::vector<std::string> asked;
  StatusCode fail = StatusCode::kOk;
  TriageOptions o = Options(*kb, &src);
  o.now_ms = kT0 + 10 * kMin;
  o.node_names_source = "prometheus http://prom:9090";
  o.query_node_names = [&](const PromRangeQuery& q) -> Result<PromRangeResult> {
    asked.push_back(q.query);
    if (fail != StatusCode::kOk) return Status(fail, "connection refused");
    PromRangeResult r;
    if (q.query.rfind("kube_pod_info", 0) != 0) return r;
    for (const auto& [node, ns] : pods) {
      TimeSeries s{"kube_pod_info", {{"namespace", ns}, {"pod", "trainer-0"}, {"node", node}, {"host_ip", "10.0.0.3"},
                                     {"instance", "10.244.1.5:8080"}, {"job", "kube-state-metrics"}}, {}, {}, {}};
      REQUIRE(s.Append(q.start_ms, 1).ok());
      r.series.push_back(s);
    }
    return r;
  };

  SUBCASE("one node: its metrics, the series in the case, the evidence says so") {
    auto c = BuildTriageCase(a, o);
    REQUIRE(c.ok());
    REQUIRE_FALSE(asked.empty());
    CHECK(asked[0] == "kube_pod_info{namespace=\"ml\",pod=\"trainer-0\"}");
    CHECK(SeriesOf(*c, "DCGM_FI_DEV_GPU_TEMP", "Hostname", "node-3") == 8);
    CHECK(SeriesOf(*c, "DCGM_FI_DEV_GPU_TEMP", "Hostname", "node-4") == 0);
    CHECK(SeriesOf(*c, "kube_pod_info", "node", "node-3") == 1);
    REQUIRE_FALSE(src.asked.empty());
    CHECK(src.asked[0].matchers == Labels{{"node", "node-3"}, {"job", "kube-state-metrics"}});
    CHECK(c->alert->labels.count("node") == 0);  // the case keeps the alert as received
    src.asked.clear();
    auto r = TriageAlert(a, o);
    REQUIRE(r.ok());
    const Diagnosis& d = r->diagnosis;
    CHECK(d.root_cause == "gpu_thermal_throttle");
    CHECK(d.component == "node-3/gpu5");
    bool placed = false;
    for (const Evidence& e : d.evidence) {
      placed = placed || (e.source == "prometheus http://prom:9090 kube_pod_info" && e.weight == 0 &&
                          e.detail.find("pod ml/trainer-0 runs on node node-3 (host_ip 10.0.0.3)") != std::string::npos &&
                          e.detail.find("at prometheus http://prom:9090") != std::string::npos);
    }
    CHECK(placed);
  }
  SUBCASE("exported_pod (a relabelled kube-state-metrics): asked as exported_pod or pod, placed (RVFIX2)") {
    Alert e = a;
    e.labels["exported_pod"] = "trainer-0";
    e.labels["exported_namespace"] = "ml";
    e.labels["pod"] = "ksm-7d9";  // kube-state-metrics' own pod
    e.labels["namespace"] = "monitoring";
    auto c = BuildTriageCase(e, o);
    REQUIRE(c.ok());
    REQUIRE_FALSE(asked.empty());
    CHECK(asked[0] == "kube_pod_info{exported_namespace=\"ml\",exported_pod=\"trainer-0\"} or "
                      "kube_pod_info{namespace=\"ml\",pod=\"trainer-0\"}");
    CHECK(SeriesOf(*c, "DCGM_FI_DEV_GPU_TEMP", "Hostname", "node-3") == 8);
    CHECK(SeriesOf(*c, "kube_pod_info", "node", "node-3") == 1);
  }
  // REVFIX3: kube-state-metrics through the community chart's kubernetes-service-endpoints job
  // carries the scrape's `kubernetes_node` - its own node, infra-1. Before, the alert was on infra-1:
  // kube_pod_info never asked, infra-1's series read, the diagnosis' component on infra-1.
  SUBCASE("kube-state-metrics' own kubernetes_node is not the pod's node (REVFIX3)") {
    Alert e = a;
    e.labels["job"] = "kubernetes-service-endpoints";
    e.labels["kubernetes_node"] = "infra-1";
    e.labels["kubernetes_namespace"] = "monitoring";
    e.labels["kubernetes_name"] = "prometheus-kube-state-metrics";
    e.labels["app_kubernetes_io_name"] = "kube-state-metrics";
    CHECK(AlertNode(e) == std::pair<std::string, std::string>{"", ""});  // KSM2: nor kube-state-metrics' address
    auto c = BuildTriageCase(e, o);
    REQUIRE(c.ok());
    REQUIRE_FALSE(asked.empty());
    CHECK(asked[0] == "kube_pod_info{namespace=\"ml\",pod=\"trainer-0\"}");
    CHECK(SeriesOf(*c, "DCGM_FI_DEV_GPU_TEMP", "Hostname", "node-3") == 8);
    REQUIRE_FALSE(src.asked.empty());
    CHECK(src.asked[0].matchers == Labels{{"node", "node-3"}, {"job", "kubernetes-service-endpoints"}});
    for (const MetricQuery& q : src.asked) CHECK(q.matchers.count("kubernetes_node") == 0);
    auto r = TriageAlert(e, o);
    REQUIRE(r.ok());
    CHECK(r->diagnosis.component == "node-3/gpu5");
    // Its `exported_node` (relabelled with honor_labels false) is the pod's node, `node` the scrape's.
    Alert x = a;
    x.labels.erase("pod");
    x.labels["exported_pod"] = "trainer-0";
    x.labels["exported_node"] = "node-3";
    x.labels["node"] = "infra-1";
    CHECK(AlertNode(x) == std::pair<std::string, std::string>{"exported_node", "node-3"});
  }
  // KSM2: the community chart's newer kubernetes-service-endpoints job relabels the target's node to
  // `node` with honor_labels: true; kube-state-metrics' series without a node of their own carry
  // kube-state-metrics' node (infra-1). Before, the alert was on infra-1 (kube_pod_info not asked).
  SUBCASE("kube-state-metrics' own node as `node` under honor_labels is not the pod's (KSM2)") {
    Alert e = a;
    e.labels["job"] = "kubernetes-service-endpoints";
    e.labels["service"] = "prometheus-kube-state-metrics";
    e.labels["app_kubernetes_io_name"] = "kube-state-metrics";
    e.labels["node"] = "infra-1";
    e.labels["uid"] = "0b6c2f7e-4d1a-4f5e-9d7b-2a9f1c3e5b71";
    CHECK(AlertNode(e) == std::pair<std::string, std::string>{"", ""});
    auto c = BuildTriageCase(e, o);
    REQUIRE(c.ok());
    REQUIRE_FALSE(asked.empty());
    CHECK(asked[0] == "kube_pod_info{namespace=\"ml\",pod=\"trainer-0\"}");
    CHECK(SeriesOf(*c, "DCGM_FI_DEV_GPU_TEMP", "Hostname", "node-3") == 8);
    CHECK(SeriesOf(*c, "DCGM_FI_DEV_GPU_TEMP", "Hostname", "infra-1") == 0);
    auto r = TriageAlert(e, o);
    REQUIRE(r.ok());
    CHECK(r->diagnosis.component == "node-3/gpu5");  // main: infra-1/gpu5
    bool said = false;
    for (const Evidence& ev : r->diagnosis.evidence) {
      said = said || (ev.source == "prometheus http://prom:9090 kube_pod_info" &&
                      ev.detail.find("its `node` label (infra-1) is not read") != std::string::npos);
    }
    CHECK(said);
    // No kube_pod_info answer: the node unknown, neither infra-1 nor kube-state-metrics' address.
    pods.clear();
    auto c2 = BuildTriageCase(e, o);
    REQUIRE(c2.ok());
    CHECK(HasNote(*c2, "pod ml/trainer-0: no kube_pod_info series at prometheus http://prom:9090 names it"));
    CHECK(HasNote(*c2, "its `node` label (infra-1) is not read: on a kube-state-metrics series about another pod it may be "
                       "kube-state-metrics' own node"));
    auto r2 = TriageAlert(e, o);
    REQUIRE(r2.ok());
    CHECK(r2->diagnosis.component.find("infra-1") == std::string::npos);
    CHECK(r2->diagnosis.component.find("10.244.1.5") == std::string::npos);
  }
  // KSM2: without a kube_pod_info answer the alert's place was kube-state-metrics' address
  // (component 10.244.1.5/gpu5 on main); co-firing alerts were asked under that address, i.e. every
  // other pod kube-state-metrics reports.
  SUBCASE("no node for the pod: its scrape target's address is no place (KSM2)") {
    pods.clear();
    auto r = TriageAlert(a, o);
    REQUIRE(r.ok());
    CHECK(r->diagnosis.component.find("10.244.1.5") == std::string::npos);
    for (const Hypothesis& h : r->diagnosis.hypotheses) CHECK(h.component.find("10.244.1.5") == std::string::npos);
    o.query_node_names = nullptr;  // no Prometheus to ask
    o.node_names_source.clear();
    auto r2 = TriageAlert(a, o);
    REQUIRE(r2.ok());
    CHECK(r2->diagnosis.component.find("10.244.1.5") == std::string::npos);
    bool said = false;
    for (const std::string& u : r2->diagnosis.unverified) {
      said = said || u.find("pod ml/trainer-0: the alert names no node and no kube_pod_info series says which node the pod runs "
                            "on; its node is unknown (its instance 10.244.1.5:8080 is the scraped target's address") !=
                         std::string::npos;
    }
    CHECK(said);
  }
  SUBCASE("two nodes for the pod: both said, neither taken") {
    pods = {{"node-3", "ml"}, {"node-4", "ml"}};
    auto c = BuildTriageCase(a, o);
    REQUIRE(c.ok());
    CHECK(HasNote(*c, "pod ml/trainer-0: kube_pod_info at prometheus http://prom:9090 names 2 nodes for it (node-3, node-4); "
                      "none taken, the alert's node is unknown"));
    CHECK(SeriesOf(*c, "DCGM_FI_DEV_GPU_TEMP", "Hostname", "node-3") == 0);
    CHECK(src.asked[0].matchers == Labels{{"instance", "10.244.1.5:8080"}, {"job", "kube-state-metrics"}});
  }
  SUBCASE("another namespace's pod of the same name is not it; without a namespace both are said") {
    pods = {{"node-3", "ml"}, {"node-4", "web"}};
    auto c = BuildTriageCase(a, o);
    REQUIRE(c.ok());
    CHECK(SeriesOf(*c, "DCGM_FI_DEV_GPU_TEMP", "Hostname", "node-3") == 8);
    Alert no_ns = a;
    no_ns.labels.erase("namespace");
    auto c2 = BuildTriageCase(no_ns, o);
    REQUIRE(c2.ok());
    CHECK(std::find(asked.begin(), asked.end(), "kube_pod_info{pod=\"trainer-0\"}") != asked.end());
    CHECK(HasNote(*c2, "names 2 nodes for it (node-3, node-4) and the alert names no namespace; none taken"));
  }
  SUBCASE("no kube_pod_info for the pod, or one with an empty node") {
    pods.clear();
    auto c = BuildTriageCase(a, o);
    REQUIRE(c.ok());
    CHECK(HasNote(*c, "pod ml/trainer-0: no kube_pod_info series at prometheus http://prom:9090 names it"));
    pods = {{"", "ml"}};
    auto c2 = BuildTriageCase(a, o);
    REQUIRE(c2.ok());
    CHECK(HasNote(*c2, "pod ml/trainer-0: its kube_pod_info at prometheus http://prom:9090 has an empty node"));
  }
  SUBCASE("empty label values: an empty pod is not looked up; an empty node label does not stop it") {
    Alert empty = a;
    empty.labels["pod"] = " ";
    REQUIRE(BuildTriageCase(empty, o).ok());
    CHECK(std::none_of(asked.begin(), asked.end(), [](const std::string& q) { return q.rfind("kube_pod_info", 0) == 0; }));
    Alert blank_node = a;
    blank_node.labels["node"] = "";
    auto c = BuildTriageCase(blank_node, o);
    REQUIRE(c.ok());
    CHECK(SeriesOf(*c, "DCGM_FI_DEV_GPU_TEMP", "Hostname", "node-3") == 8);
    // An alert with a node label is about that node: no lookup.
    asked.clear();
    Alert with_node = a;
    with_node.labels["Hostname"] = "node-4";
    REQUIRE(BuildTriageCase(with_node, o).ok());
    CHECK(std::none_of(asked.begin(), asked.end(), [](const std::string& q) { return q.rfind("kube_pod_info", 0) == 0; }));
  }
  SUBCASE("Prometheus down: said, nothing more asked of it") {
    fail = StatusCode::kUnavailable;
    auto c = BuildTriageCase(a, o);
    REQUIRE(c.ok());
    CHECK(HasNote(*c, "pod ml/trainer-0: kube_pod_info at prometheus http://prom:9090 could not be read (connection refused)"));
    CHECK(src.asked.empty());
    CHECK(asked.size() == 1);
  }
}


// RG18: dcgm-exporter run by the GPU Operator without hostNetwork labels its series with its
// container's hostname, the exporter pod's name. Before, the alert was triaged on a node named
// "nvidia-dcgm-exporter-7xq4m": kube_pod_info never asked, the component
// "nvidia-dcgm-exporter-7xq4m/gpu5". The exporter is a DaemonSet, so its pod's node is the GPUs'.
TEST_CASE("alert triage: dcgm-exporter's Hostname equal to its own pod is no node; kube_pod_info places the pod (RG18)") {
  auto kb = testing::KbWith({ThermalIncident()});
  FakeSource src = Cluster();
  Alert a;
  a.rule = "GpuHot";
  a.fingerprint = "e7x";
  // The labels that matter here; scrape_labels_test has the whole label set.
  a.labels = {{"alertname", "GpuHot"}, {"gpu", "5"}, {"Hostname", "nvidia-dcgm-exporter-7xq4m"},
              {"pod", "nvidia-dcgm-exporter-7xq4m"}, {"namespace", "gpu-operator"},
              {"instance", "10.233.84.17:9400"}, {"job", "nvidia-dcgm-exporter"}};
  a.state = AlertState::kFiring;
  a.starts_at_ms = kT0;
  std::vector<std::string> asked;
  bool answer = true;
  TriageOptions o = Options(*kb, &src);
  o.now_ms = kT0 + 10 * kMin;
  o.node_names_source = "prometheus http://prom:9090";
  o.query_node_names = [&](const PromRangeQuery& q) -> Result<PromRangeResult> {
    asked.push_back(q.query);
    PromRangeResult r;
    if (!answer || q.query.rfind("kube_pod_info", 0) != 0) return r;
    TimeSeries s{"kube_pod_info", {{"namespace", "gpu-operator"}, {"pod", "nvidia-dcgm-exporter-7xq4m"}, {"node", "node-3"},
                                   {"host_ip", "10.0.0.3"}, {"job", "kube-state-metrics"}}, {}, {}, {}};
    REQUIRE(s.Append(q.start_ms, 1).ok());
    r.series.push_back(s);
    return r;
  };
  CHECK(AlertNode(a) == std::pair<std::string, std::string>{"", ""});  // KSM2: nor the exporter pod's address

  SUBCASE("kube_pod_info names the exporter pod's node: the alert is on it") {
    auto c = BuildTriageCase(a, o);
    REQUIRE(c.ok());
    REQUIRE_FALSE(asked.empty());
    CHECK(asked[0] == "kube_pod_info{namespace=\"gpu-operator\",pod=\"nvidia-dcgm-exporter-7xq4m\"}");
    CHECK(SeriesOf(*c, "DCGM_FI_DEV_GPU_TEMP", "Hostname", "node-3") == 8);
    for (const MetricQuery& q : src.asked) {
      auto it = q.matchers.find("Hostname");
      CHECK((it == q.matchers.end() || it->second != "nvidia-dcgm-exporter-7xq4m"));
    }
    auto r = TriageAlert(a, o);
    REQUIRE(r.ok());
    CHECK(r->diagnosis.component == "node-3/gpu5");
  }
  SUBCASE("no kube_pod_info answer: said, and no node invented") {
    answer = false;
    auto c = BuildTriageCase(a, o);
    REQUIRE(c.ok());
    CHECK(HasNote(*c, "pod gpu-operator/nvidia-dcgm-exporter-7xq4m: no kube_pod_info series at prometheus http://prom:9090 names it"));
    CHECK(SeriesOf(*c, "DCGM_FI_DEV_GPU_TEMP", "Hostname", "nvidia-dcgm-exporter-7xq4m") == 0);
    auto r = TriageAlert(a, o);
    REQUIRE(r.ok());
    MESSAGE("component without kube_pod_info: " << r->diagnosis.component);
    CHECK(r->diagnosis.component.find("nvidia-dcgm-exporter") == std::string::npos);
  }
  SUBCASE("no Prometheus to ask: no node invented") {
    o.query_node_names = nullptr;
    o.node_names_source.clear();
    auto r = TriageAlert(a, o);
    REQUIRE(r.ok());
    MESSAGE("component without Prometheus: " << r->diagnosis.component);
    CHECK(r->diagnosis.component.find("nvidia-dcgm-exporter") == std::string::npos);
  }
  SUBCASE("with exported_pod (the GPU Operator's ServiceMonitor): a real `Hostname` read; the exporter pod's is no node") {
    Alert e = a;
    e.labels["exported_pod"] = "trainer-0";
    e.labels["exported_namespace"] = "ml";
    e.labels["Hostname"] = "node-3";
    CHECK(AlertNode(e) == std::pair<std::string, std::string>{"Hostname", "node-3"});
    auto r = TriageAlert(e, o);
    REQUIRE(r.ok());
    CHECK(r->diagnosis.component == "node-3/gpu5");
    CHECK(std::none_of(asked.begin(), asked.end(), [](const std::string& q) { return q.rfind("kube_pod_info", 0) == 0; }));
    // `Hostname` equal to `pod`, the exporter's: no node; the workload pod is asked for.
    e.labels["Hostname"] = "nvidia-dcgm-exporter-7xq4m";
    CHECK(AlertNode(e).second.find("nvidia-dcgm-exporter") == std::string::npos);
    asked.clear();
    auto r2 = TriageAlert(e, o);
    REQUIRE(r2.ok());
    CHECK(r2->diagnosis.component.find("nvidia-dcgm-exporter") == std::string::npos);
    CHECK(std::any_of(asked.begin(), asked.end(), [](const std::string& q) {
      return q.rfind("kube_pod_info", 0) == 0 && q.find("trainer-0") != std::string::npos;
    }));
  }
}

}  // namespace
}  // namespace vigil
