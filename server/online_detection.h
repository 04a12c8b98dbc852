// OnlineDetection: `vigil serve --rules`: the rules run online against Prometheus, every alert
// they fire recorded as an incident (the webhook's path: IncidentStore::Intake), so the triage
// workers diagnose it.
//
// Every `interval_ms` the loop asks the MetricSource (a PrometheusMetricSource at step =
// interval) for the series each rule selects (one query per distinct metric name and `=`
// matchers; other matchers are applied here with SelectorMatches), over the evaluation grid
// t = k * interval from the last evaluated timestamp + interval up to now - lag, in parts of at
// most 240 grid times (each read and appended in turn; a failed part keeps the ones before). The points of all
// series are merged per timestamp and appended to one detectors/engine.h StreamingEngine (a new
// series is added when it first appears), then flushed, so every timestamp up to the read's end is
// evaluated once. Each alert that starts firing is recorded with Intake (firing); each that
// resolves, as a resolved notification. Intake dedupes by (fingerprint, startsAt), so the replay
// of a restart records nothing twice.
//
// Warm-up: the first successful read starts RuleHistoryMs before now (the longest window, offset,
// lag and `for` of any rule, in time; point windows count interval-spaced points), at least
// `min_warmup_ms` (an hour), cut to `max_history_ms` (24 h or 10,000 intervals; said at start). Of what the warm-up fires, only the alerts still
// firing at its end are recorded (an episode that began and ended before vigil watched is not an
// incident), and a resolution only for an incident the store has firing (one that resolved while
// vigil was down). The store's firing incidents of these rules' online alerts (fingerprint as the
// engine makes it; a webhook's alert is left alone) that the warm-up does not find firing are
// resolved (at the end it saw, else when the condition held again, else at the warm-up's start);
// one it finds firing with a later startsAt, held since before the stored startsAt or since its
// windows first filled (an episode older than the warm-up), keeps the stored startsAt: no second
// incident, and its end resolves the stored one.
//
// Series that disappear (a node drained, a label that changed): the engine keeps an alert firing
// until its series has a point where the condition no longer holds, which a gone series never
// has. Here a firing alert of a rule without stale_for / absent whose series' last point is 5 min
// (Prometheus's lookback delta; and the rule's keep_firing_for) older than the newest point of any
// series (so a hole in all of Prometheus's data is no disappearance) is resolved with endsAt
// = its last point + one interval (when Prometheus would have resolved it) and no longer
// forwarded; should the series come back still firing, that is a new incident from its first
// point back (the engine's `for` is not waited again). One that disappeared before the warm-up's
// end is not recorded. An `ignoring` rule's alert names the merged identity: it is gone when the
// newest point of the identity's input series is (OD3; before, such alerts were never resolved
// as gone and their series never dropped).
//
// Failures: a read that fails (Prometheus down, slow: the source's timeout, an answer refused)
// changes nothing: the engine is kept and the next interval reads again from the last evaluated
// timestamp, so nothing is skipped unless the backlog passes `max_history_ms` (then the oldest
// part is cut, said in the log and counted). One log line when an outage starts and one when it
// ends, not one per interval. An Intake that fails (queue full: ResourceExhausted) keeps the
// alerts and tries again next interval; alerts are recorded in order in as large parts as the
// queue takes (halved on ResourceExhausted), so a burst over queue_max is recorded as it drains. A series an engine refuses (over a rule's
// max_series_per_rule; before OD2 also a series first seen after the warm-up by a stale_for /
// absent rule) is left out of those rules and counted. A stale_for / absent rule's series with
// no point for its history + keep_firing_for + 1 h + one interval is forgotten (DropGone: its
// stale alert resolved, annotation `forgotten`). An engine error (a window over
// max_window_points) stops detection for good (logged, counted; serve goes on).
// /metrics families (WriteMetrics): vigil_detection_evaluations_total,
// vigil_detection_errors_total{reason}, vigil_detection_last_success_timestamp_seconds,
// vigil_detection_series, vigil_detection_points_total, vigil_detection_alerts_total{transition},
// vigil_detection_backlog_cut_seconds_total, and with `forward` vigil_detection_alerts_forwarded_total.
//
// With `forward`, each interval also sends the firing alerts (and resolutions) on, e.g. to
// Alertmanager; a failure is counted (reason "forward") and logged once until a send succeeds.
// Thread safety: EvaluateOnce and Start/Stop from one thread (the loop runs on its own thread
// between Start and Stop); WriteMetrics and the accessors from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "connectors/metric_source.h"
#include "core/rule_plan.h"
#include "core/status.h"
#include "server/incident_store.h"
#include "server/metrics_text.h"

namespace vigil {

struct OnlineDetectionOptions {
  CompiledRules rules;
  // Rules of the files that did not compile and were left out (rules/rule_files.h
  // LoadRuleFilesKeepingGood); /metrics' vigil_detection_rule_errors.
  size_t rule_errors = 0;
  const MetricSource* source = nullptr;  // borrowed; its step should be interval_ms
  IncidentStore* store = nullptr;        // borrowed
  int64_t interval_ms = 15'000;          // evaluation interval and read step (> 0)
  // Read up to now - lag. < 0: two intervals, so a sample that reaches Prometheus up to one
  // interval after the next grid time (a slow scrape, a remote-write delay, clocks apart) is in
  // when its grid time is read: the engine takes time forward only, so a grid time is read once
  // and a sample later than the lag is not seen at it (a re-read could not append it).
  int64_t lag_ms = -1;
  int64_t max_history_ms = 24LL * 3600 * 1000;  // warm-up and catch-up at most this
  // The warm-up reads at least this much, so that an alert firing when vigil (re)starts gets the
  // startsAt it had (found only when the warm-up reaches back to where its episode began).
  int64_t min_warmup_ms = 3600LL * 1000;
  // A read of several grid times asks for at most this many series at once. A selector matching
  // more is read in shards: its series over the range are listed (MetricSource::ListSeries, labels
  // only: Prometheus's /api/v1/series), and the values of the label that packs them into the
  // fewest shards go into `label=~"v1|v2|..."` reads (MetricQuery::any_of) of at most this many
  // series and max_matcher_bytes of regex each; a read of one grid time (the steady state) asks
  // for all of them at once, up to max_series_per_selector.
  size_t max_series_per_query = 10'000;
  // A shard's regex (its values quoted, `|` between) at most this long, so that the request stays
  // small (PrometheusMetricSource sends a long one as a POST form); a single longer value is a
  // shard of its own.
  size_t max_matcher_bytes = 32 * 1024;
  // A selector matching more than this (over the range; at one grid time for a read of one), or
  // one where no label has at most max_series_per_query series for each of its values (nor two
  // labels for each pair of values: `outer="a"` with `inner=~"v1|..."` shards, OD3), fails: for
  // its own rules only (counted under reason too_many_series and per rule, logged once naming the
  // rules and the count); the other rules' reads and appends go on. 0: the engine's
  // max_series_per_rule.
  size_t max_series_per_selector = 0;
  // Series one rule takes at most (the engine's max_series_per_rule); 0: the engine's default.
  int64_t max_series_per_rule = 0;
  std::function<int64_t()> now_ms;       // nullptr: the system clock
  std::function<void()> on_queued;       // after incidents were created (wakes the workers)
  // Forwarding (vigil serve: connectors/alertmanager_api.h PostAlerts to alertmanager_url); empty:
  // none. Called each interval once warmed up, failed read or not, with every alert firing (endsAt
  // = now + 4 x max(1 m, interval), Prometheus's ValidUntil with its default resend delay) and the
  // resolutions not yet sent (with their endsAt; kept and resent until a call succeeds, at most
  // 10,000).
  std::function<Status(const std::vector<Alert>&)> forward;
};

// The history a rule needs before its windows are full, at evaluation step `step_ms`: along each
// path of its plan, window spans (points * step for point windows), offsets, lags and stale_for /
// absent durations add up; plus its `for`. EWMA has no bound and counts nothing.
int64_t RuleHistoryMs(const RulePlan& rule, int64_t step_ms);

class OnlineDetection {
 public:
  // InvalidArgument (naming file:line and rule) for a rule that selects any metric (`*`: the
  // Prometheus source reads by metric name), a time window or offset that would hold more than
  // the engine's max_window_points at one point per interval, or a bad option; the engine's plan
  // errors as Create's.
  static Result<std::unique_ptr<OnlineDetection>> Create(OnlineDetectionOptions options);
  ~OnlineDetection();
  OnlineDetection(const OnlineDetection&) = delete;
  OnlineDetection& operator=(const OnlineDetection&) = delete;

  // One interval: read, append, evaluate, record. Ok with nothing to do when no grid time passed.
  // The read's or the store's error otherwise (counted; logged once per outage).
  Status EvaluateOnce();
  // Replaces options.on_queued (before Start: serve makes its workers after the detection).
  void SetOnQueued(std::function<void()> on_queued) { options_.on_queued = std::move(on_queued); }
  // Runs EvaluateOnce every interval on a thread until Stop (which wakes it and joins).
  void Start();
  void Stop();

  int64_t warmup_ms() const { return warmup_ms_; }            // history read at start (cut)
  int64_t lag_ms() const { return options_.lag_ms; }          // reads go up to now - this
  size_t max_series_per_query() const { return options_.max_series_per_query; }
  int64_t needed_history_ms() const { return needed_ms_; }    // what the rules asked for
  int64_t last_evaluated_ms() const { return last_evaluated_; }  // 0 before the first read
  size_t series() const { return series_count_; }
  bool stopped_by_engine_error() const { return engine_failed_; }

  void WriteMetrics(std::string& out) const;

 private:
  struct Query {
    std::string name;
    Labels matchers;
    std::vector<std::string> rules;  // the rules reading it, in file order
    bool sharded = false;             // matched more than max_series_per_query once: read in shards
    bool failing = false;             // its last read failed while others' went on (said once)
  };
  // One query over [start_ms, end_ms] (grid times, inclusive), in shards when it is big.
  Result<std::vector<TimeSeries>> ReadQuery(Query& q, int64_t start_ms, int64_t end_ms);
  Result<std::vector<TimeSeries>> ReadSharded(const Query& q, const MetricQuery& whole);
  explicit OnlineDetection(OnlineDetectionOptions options);
  int64_t Now() const;
  Status Read(int64_t start_ms, int64_t end_ms);
  Status Deliver();
  Status EngineStopped(const Status& status);
  void Forward();
  // The warm-up's alerts to record: the firing ones, resolutions of stored firing incidents, and
  // the stored firing online incidents it does not find firing (resolved) or finds with a later
  // startsAt (adopted).
  std::vector<Alert> WarmUpRecord(int64_t start);
  // An alert of a known episode gets its recorded startsAt (`forget`: its resolution ends the
  // entry). False: an episode never recorded (its series gone before vigil watched): drop it.
  bool Adopt(Alert& a, bool forget);
  // A non-tick rule's firing alert whose series' last point is kGoneAfterMs (and its
  // keep_firing_for) older than the newest point of any series is resolved (endsAt its last point
  // + one interval, Prometheus's resolution) and no longer forwarded; if its series comes back
  // still firing, a new episode is recorded from its return. SeriesLast: the alert's series' last
  // point (since: the first after its last gap; newest: the part's newest point), INT64_MIN when
  // its series is not known. An `ignoring` rule's alert (OD3): the newest point of its identity's
  // input series (since: that input's), so it is gone when all of them are.
  // The rules of the selects whose last read failed (Query::failing).
  std::set<std::string> FailingRules() const;
  void ResolveGone(std::vector<Alert>& record);
  int64_t SeriesLast(const Alert& a, int64_t* since, int64_t* newest) const;
  bool Gone(const Alert& a) const;
  // Series of the non-tick engine whose last point is drop_after_ms_ older than the newest point of
  // any series are removed from the engine (after ResolveGone resolved their firing alerts), so a
  // label churn does not fill max_series_per_rule; one that comes back is a new series.
  // Tick-driven (stale_for / absent) parts: a series with no point for the part's forget_after_ms
  // (the rule's history + keep_firing_for + 1 h + one interval) before the last grid time read
  // is forgotten: its firing stale alert resolved into `record` (annotation `forgotten`), the series
  // removed and counted.
  // A series of an `ignoring` rule is dropped / forgotten like the others (OD3); its identity's
  // alert goes with the last of its inputs. While a select's reads fail, the series its rules
  // select are not dropped (no points is then no sign of a gone series); the others are (OD3: per
  // series; before, a failing select held every series of an engine holding one of its rules).
  void DropGone(std::vector<Alert>& record);
  struct Part;
  // The engine indices of the series an alert of `part` is about: its series, or for a rule with
  // `ignoring` the live inputs of its identity (Part::merged). Empty when none is known.
  static std::vector<size_t> AlertInputs(const Part& part, const Alert& a);
  static bool SelectionWide(const Alert& a);
  // The latest point of `inputs` (INT64_MIN: none); *since: that input's first point after its
  // last gap.
  static int64_t LastOf(const Part& part, const std::vector<size_t>& inputs, int64_t* since);
  // A tick-driven part's alert whose series would be forgotten now (its last point in *last).
  bool Forgotten(const Alert& a, int64_t* last) const;
  void NoteError(const std::string& reason, const Status& status);
  // Counts the rules (absent() ones aside) no series of any part is selected by; with `log`, names
  // them in a warning each (the warm-up's end).
  void NoteRulesSelectingNothing(bool log);
  void NoteSuccess(int64_t now_ms);

  OnlineDetectionOptions options_;
  std::vector<Query> queries_;
  int64_t needed_ms_ = 0, warmup_ms_ = 0;
  int64_t drop_after_ms_ = 0;  // see DropGone
  bool drop_failed_logged_ = false;
  // The rules run in several engines: one for the rules evaluated at their series' points, one
  // per tick-driven (stale_for, absent) rule, so a read failing for one rule's select leaves that
  // engine alone out of the range.
  std::vector<std::unique_ptr<Part>> parts_;
  std::set<std::string> evaluated_ids_;  // series some part evaluates
  std::vector<Alert> transitions_;              // from the engine's callback, this read
  std::vector<Alert> undelivered_;              // waiting for Intake
  bool warmed_ = false;
  int64_t warm_start_ = 0;  // the warm-up's first grid time
  // Rules selecting no series are named once the reads reach this time (the clock when the warm-up
  // ran: its read ends `lag_ms` earlier, so a series that appeared in between is not in it yet).
  int64_t nothing_check_at_ = 0;
  bool nothing_named_ = false;
  std::atomic<int64_t> last_evaluated_{0};
  std::atomic<size_t> series_count_{0};
  std::atomic<size_t> rules_selecting_nothing_{0};
  std::atomic<int64_t> last_success_ms_{0};
  std::atomic<bool> engine_failed_{false};
  bool outage_ = false;          // the read failing since outage_since_ms_
  int64_t outage_since_ms_ = 0;
  bool store_failing_ = false;
  bool series_refused_logged_ = false;
  std::vector<Alert> unforwarded_resolved_;
  // Episodes recorded under another startsAt than the engine's, by fingerprint: one that began
  // before the warm-up could see its start (continued under the stored startsAt), one whose series
  // disappeared (gone: resolved; recorded 0 when it was never recorded) and came back.
  struct Episode {
    int64_t engine_starts = 0;
    int64_t recorded_starts = 0;
    bool gone = false;
    int64_t gone_last = 0;  // the series' last point when it was found gone
  };
  std::map<std::string, Episode> episodes_;
  bool forward_failing_ = false;

  MetricCounter evaluations_{"vigil_detection_evaluations_total",
                             "online detection intervals run (vigil serve --rules), failed ones included", {}};
  MetricCounter errors_{"vigil_detection_errors_total",
                        "online detection failures by reason (prometheus_unavailable, prometheus_timeout, "
                        "prometheus_answer, too_many_series, store, series_refused, engine, forward)",
                        {"reason"}};
  MetricCounter rule_read_errors_{"vigil_detection_rule_read_errors_total",
                                  "reads of a rule's selector that failed while other rules' reads went on "
                                  "(its rule saw no data for that range)",
                                  {"rule"}};
  MetricCounter dropped_{"vigil_detection_series_dropped_total",
                        "series removed from online detection after their samples stopped (label churn)", {}};
  MetricCounter points_{"vigil_detection_points_total", "points read from Prometheus and evaluated", {}};
  MetricCounter alerts_{"vigil_detection_alerts_total", "alert transitions of the online rules (firing, resolved)",
                        {"transition"}};
  MetricCounter backlog_cut_{"vigil_detection_backlog_cut_seconds_total",
                             "seconds of data never evaluated because a catch-up passed the history limit", {}};

  MetricCounter forwarded_{"vigil_detection_alerts_forwarded_total",
                           "alerts sent on (firing ones each interval, resolutions once): Alertmanager", {}};

  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
};

}  // namespace vigil
