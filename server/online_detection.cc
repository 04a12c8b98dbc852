#include "server/online_detection.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "core/clock.h"
#include "core/rule_plan.h"
#include "core/logging.h"
#include "core/time_series.h"
#include "core/time_util.h"
#include "connectors/prometheus_source.h"
#include "detectors/engine.h"

namespace vigil {
namespace {

int64_t FloorTo(int64_t t, int64_t step) {
  int64_t q = t / step;
  if (t % step != 0 && t < 0) --q;
  return q * step;
}

std::string Seconds(int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", static_cast<double>(ms) / 1000.0);
  return buf;
}

// The /metrics reason of a failed read.
std::string ReadErrorReason(const Status& s) {
  switch (s.code()) {
    case StatusCode::kUnavailable: return "prometheus_unavailable";
    case StatusCode::kDeadlineExceeded: return "prometheus_timeout";
    case StatusCode::kOutOfRange: return "too_many_series";
    default: return "prometheus_answer";
  }
}

}  // namespace

int64_t RuleHistoryMs(const RulePlan& rule, int64_t step_ms) {
  std::vector<int64_t> need(rule.nodes.size(), 0);
  int64_t most = 0;
  for (size_t i = 0; i < rule.nodes.size(); ++i) {
    const PlanNode& n = rule.nodes[i];
    int64_t in = 0;
    for (int32_t j : n.inputs) {
      if (j >= 0 && static_cast<size_t>(j) < i) in = std::max(in, need[j]);
    }
    int64_t own = 0;
    switch (n.op) {
      case PlanOp::kWindow:
        own = n.window.is_points ? n.window.points * step_ms : n.window.duration_ms;
        break;
      case PlanOp::kLag: own = n.lag_points * step_ms; break;
      case PlanOp::kOffset:
      case PlanOp::kStaleFor:
      case PlanOp::kAbsent: own = n.duration_ms; break;
      default: break;
    }
    need[i] = in + own;
    most = std::max(most, need[i]);
  }
  return most + rule.for_ms;
}

struct OnlineDetection::Part {
  CompiledRules rules;
  std::unique_ptr<StreamingEngine> engine;
  std::map<std::string, size_t> index;  // series id -> engine index; SIZE_MAX: refused
  std::map<std::string, int64_t> refused_last;  // refused series id -> its last point seen
  // Rules with `ignoring` (OD3): (rule, identity id: the alert's `series`) -> its input series'
  // engine indices, and per engine index the identities it is an input of. An identity's alert is
  // about all of its inputs: gone when the newest of them is, forgotten with the last of them.
  std::map<std::pair<std::string, std::string>, std::set<size_t>> merged;
  std::map<size_t, std::vector<std::pair<std::string, std::string>>> merged_of;
  std::vector<int64_t> last_ms;         // per engine index: the last point appended
  // Per engine index: the rules of this part selecting it (indices into rules.rules), so that a
  // failing select holds only its own rules' series from being dropped (DropGone; OD3).
  std::vector<std::vector<uint32_t>> selected_by;
  std::vector<int64_t> since_ms;        // per engine index: the first point after its last gap
  int64_t newest_ms = INT64_MIN;        // the latest point of any series (the clock's not counted)
  // Tick-driven rules are evaluated at the timestamps of their engine's input: a series of no
  // rule's, given a point at every grid time read, makes every grid time a tick, so stale_for /
  // absent are evaluated when no selected series has a point (the case they are written for).
  size_t clock = SIZE_MAX;
  int64_t data_from_ms = INT64_MAX;  // tick parts: the warm-up's first point of a selected series
  // Tick-driven parts: a series with no point for this long before the last grid time read is
  // forgotten (DropGone; its stale alert fired long before).
  int64_t forget_after_ms = 0;
};

// Grid times one read asks at most (one query per part; 1 h at the default 15 s).
constexpr int64_t kReadPoints = 240;
// Prometheus's default --rules.alert.resend-delay.
constexpr int64_t kResendDelayMs = 60'000;
// A firing series with no point for this long is gone (Prometheus's lookback delta: a series
// without a staleness marker is answered this long after its last sample).
constexpr int64_t kGoneAfterMs = 5 * 60'000;

// A series of a stale_for / absent rule is forgotten this long after its stale alert fired (the
// rule's history + keep_firing_for after its last point: OnlineDetection::DropGone). Review
// RV-OD2: it was max(1 h, history + keep_firing_for), so a stale_for(1h) alert was resolved
// `forgotten` one interval after it fired.
constexpr int64_t kForgetAfterMs = 3600LL * 1000;

namespace {
// Whether any of `rules` is named in `names` (a part whose rules' reads failed is held).
bool AnyRuleIn(const std::vector<RulePlan>& rules, const std::set<std::string>& names) {
  for (const RulePlan& r : rules) {
    if (names.count(r.name)) return true;
  }
  return false;
}
}  // namespace

// The clock series' name: `__` names are Prometheus's own, no exporter's.
constexpr char kClockSeries[] = "__vigil_online_clock__";

OnlineDetection::OnlineDetection(OnlineDetectionOptions options) : options_(std::move(options)) {}

OnlineDetection::~OnlineDetection() { Stop(); }

Result<std::unique_ptr<OnlineDetection>> OnlineDetection::Create(OnlineDetectionOptions options) {
  if (options.source == nullptr || options.store == nullptr)
    return InvalidArgumentError("online detection: no metric source or incident store given");
  if (options.interval_ms <= 0) return InvalidArgumentError("online detection: interval must be more than 0 s");
  if (options.rules.rules.empty()) return InvalidArgumentError("online detection: no rules");
  if (options.lag_ms < 0) options.lag_ms = 2 * options.interval_ms;
  if (options.max_series_per_query == 0) return InvalidArgumentError("online detection: max_series_per_query is 0");
  if (options.max_series_per_selector == 0)
    options.max_series_per_selector = static_cast<size_t>(EngineOptions{}.limits.max_series_per_rule);
  options.max_series_per_selector = std::max(options.max_series_per_selector, options.max_series_per_query);
  // A read asks at most this many steps (PrometheusMetricSource widens the step beyond one request).
  const int64_t max_steps = 10'000;
  options.max_history_ms = std::max<int64_t>(
      options.interval_ms, std::min<int64_t>(options.max_history_ms, max_steps * options.interval_ms));
  std::unique_ptr<OnlineDetection> d(new OnlineDetection(std::move(options)));
  OnlineDetectionOptions& o = d->options_;
  std::set<std::pair<std::string, Labels>> seen;
  for (const RulePlan& r : o.rules.rules) {
    if (r.selector.metric.empty()) {
      return InvalidArgumentError(r.file + ":" + std::to_string(r.line) + ": rule `" + r.name +
                                  "` selects any metric (`*`): vigil serve --rules reads Prometheus by metric "
                                  "name; name the metric in its select");
    }
    Labels eq;
    for (const LabelMatcher& m : r.selector.matchers) {
      if (m.op == MatchOp::kEq && !m.value.empty()) eq[m.name] = m.value;
    }
    if (seen.insert({r.selector.metric, eq}).second) d->queries_.push_back({r.selector.metric, eq, {}});
    for (Query& q : d->queries_) {
      if (q.name == r.selector.metric && q.matchers == eq) q.rules.push_back(r.name);
    }
    d->needed_ms_ = std::max(d->needed_ms_, RuleHistoryMs(r, o.interval_ms));
    // Reads give one point per interval, so a time window's (an offset's) size in points is known
    // now: one over the engine's limit would stop detection for good once it filled.
    const int64_t limit = EngineOptions{}.limits.max_window_points;
    for (const PlanNode& n : r.nodes) {
      int64_t span = -1;
      if (n.op == PlanOp::kWindow && !n.window.is_points) span = n.window.duration_ms;
      if (n.op == PlanOp::kOffset) span = n.duration_ms + r.lookback_ms;
      if (span < 0 || span / o.interval_ms + 1 <= limit) continue;
      return InvalidArgumentError(r.file + ":" + std::to_string(r.line) + ": rule `" + r.name + "`: `" + n.text +
                                  "` holds up to " + std::to_string(span / o.interval_ms + 1) + " points at one per " +
                                  Seconds(o.interval_ms) + ", over the engine's max_window_points (" +
                                  std::to_string(limit) + "): online detection would stop when it filled; use a "
                                  "longer --eval-interval or a shorter window");
    }
  }
  d->warmup_ms_ = std::min(std::max(d->needed_ms_, o.min_warmup_ms), o.max_history_ms);
  // A series is dropped once absent longer than Prometheus's staleness (5 min) or the longest
  // history a rule reads plus its keep_firing_for, whichever is longer, plus one interval: its
  // windows no longer hold any of its points, and ResolveGone (5 min, keep_firing_for) resolved
  // its firing alert before.
  d->drop_after_ms_ = kGoneAfterMs;
  for (const RulePlan& r : o.rules.rules) {
    if (!r.tick_driven)
      d->drop_after_ms_ = std::max(d->drop_after_ms_, RuleHistoryMs(r, o.interval_ms) + r.keep_firing_for_ms);
  }
  d->drop_after_ms_ += o.interval_ms;
  // One engine for the rules evaluated at their series' points, and one for each stale_for /
  // absent rule (tick-driven): a read that failed for one rule's selector leaves that rule's
  // engine out of the range (Read), which must not hold up the other tick-driven rules.
  std::vector<CompiledRules> split(1);
  for (const RulePlan& r : o.rules.rules) {
    if (!r.tick_driven) {
      split[0].rules.push_back(r);
    } else {
      split.emplace_back().rules.push_back(r);
    }
  }
  OnlineDetection* self = d.get();
  for (CompiledRules& rules : split) {
    if (rules.rules.empty()) continue;
    auto part = std::make_unique<Part>();
    StreamingEngine::Callbacks callbacks;
    callbacks.on_alert = [self](const Alert& a) { self->transitions_.push_back(a); };
    EngineOptions engine_options;
    // Serve's gaps are Prometheus scraping nothing or a select's reads failing (no disappearance);
    // a series gone while others report is resolved after 5 min by ResolveGone.
    engine_options.end_at_gap = false;
    if (o.max_series_per_rule > 0) engine_options.limits.max_series_per_rule = o.max_series_per_rule;
    auto engine = StreamingEngine::Create(rules, engine_options, std::move(callbacks));
    if (!engine.ok()) return engine.status();
    part->rules = std::move(rules);
    part->engine = std::move(*engine);
    if (part->rules.rules.front().tick_driven) {
      const RulePlan& r = part->rules.rules.front();
      part->forget_after_ms =
          RuleHistoryMs(r, o.interval_ms) + r.keep_firing_for_ms + kForgetAfterMs + o.interval_ms;
      auto clock = part->engine->AddSeries(kClockSeries, {});
      if (!clock.ok()) return clock.status();
      part->clock = *clock;
      part->last_ms.push_back(INT64_MIN);
      part->selected_by.emplace_back();
      part->since_ms.push_back(INT64_MIN);
    }
    d->parts_.push_back(std::move(part));
  }
  return d;
}

int64_t OnlineDetection::Now() const { return options_.now_ms ? options_.now_ms() : SystemClock()->NowMs(); }

void OnlineDetection::NoteError(const std::string& reason, const Status& status) {
  errors_.Inc({reason});
  if (reason.rfind("prometheus", 0) == 0 || reason == "too_many_series") {
    if (!outage_) {
      outage_ = true;
      outage_since_ms_ = Now();
      LogWarn("detect", "reading " + options_.source->Describe() + " failed: " + status.message() +
                            "; detection waits and reads again every " + Seconds(options_.interval_ms) +
                            " from " + (last_evaluated_ > 0 ? FormatRfc3339Ms(last_evaluated_) : "the warm-up") +
                            " (said once until it is back; vigil_detection_errors_total counts each)");
    }
  }
}

void OnlineDetection::NoteSuccess(int64_t now_ms) {
  if (outage_) {
    outage_ = false;
    LogInfo("detect", options_.source->Describe() + " answers again after " + Seconds(now_ms - outage_since_ms_) +
                          "; caught up to " + FormatRfc3339Ms(last_evaluated_));
  }
  last_success_ms_ = now_ms;
}

Status OnlineDetection::EngineStopped(const Status& status) {
  engine_failed_ = true;
  LogError("detect", "online detection stopped: " + status.message() +
                         " (the engine cannot go on; vigil serve goes on without it: fix the rule and restart)");
  return status;
}

Result<std::vector<TimeSeries>> OnlineDetection::ReadSharded(const Query& q, const MetricQuery& whole) {
  const size_t limit = options_.max_series_per_query;
  MetricQuery at_end = whole;
  at_end.start_ms = whole.end_ms - 1;  // the range's last grid time: one point a series
  at_end.max_series = options_.max_series_per_selector;
  if (whole.start_ms == at_end.start_ms) return options_.source->Query(at_end);  // one grid time: the read
  // The series over the whole range (labels only), so one that stopped before its end is read too.
  MetricQuery list = whole;
  list.max_series = options_.max_series_per_selector;
  ASSIGN_OR_RETURN(std::vector<TimeSeries> present, options_.source->ListSeries(list));
  if (present.size() <= limit) {
    Result<std::vector<TimeSeries>> all = options_.source->Query(whole);
    // More than listed (below): read in shards, split until each answer fits.
    if (all.ok() || all.status().code() != StatusCode::kOutOfRange) return all;
  }
  // Per label: its values' series counts (a series without it: "", which `label=~"|..."` matches).
  std::map<std::string, std::map<std::string, size_t>> by_label;
  for (const TimeSeries& s : present) {
    for (const auto& [k, v] : s.labels) {
      if (!q.matchers.count(k)) ++by_label[k][v];
    }
  }
  // Values (and their series counts) packed first fit, by decreasing count, into shards of at
  // most `limit` series and max_matcher_bytes of regex; nullopt when one value is over `limit`.
  auto pack = [&](const std::map<std::string, size_t>& values) -> std::optional<std::vector<std::vector<std::string>>> {
    std::vector<std::pair<size_t, std::string>> order;
    for (const auto& [v, n] : values) {
      if (n > limit) return std::nullopt;
      order.emplace_back(n, v);
    }
    std::stable_sort(order.begin(), order.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
    std::vector<std::vector<std::string>> shards;
    std::vector<size_t> count, bytes;
    for (const auto& [n, v] : order) {
      const size_t b = PromRegexQuote(v).size() + 1;
      size_t i = 0;
      while (i < shards.size() &&
             (count[i] + n > limit || (bytes[i] + b > options_.max_matcher_bytes && !shards[i].empty())))
        ++i;
      if (i == shards.size()) {
        shards.emplace_back();
        count.push_back(0);
        bytes.push_back(0);
      }
      shards[i].push_back(v);
      count[i] += n;
      bytes[i] += b;
    }
    return shards;
  };
  // A shard: its any_of matchers, and the label whose values are halved when its read answers
  // more series than were listed (below).
  struct Shard {
    std::map<std::string, std::vector<std::string>> any_of;
    std::string split;
  };
  std::vector<Shard> shards;
  // The label whose values pack into the fewest shards.
  std::string best;
  size_t best_values = 0;
  for (auto& [label, values] : by_label) {
    size_t with = 0;
    for (const auto& [v, n] : values) with += n;
    if (with < present.size()) values[""] += present.size() - with;
    std::optional<std::vector<std::vector<std::string>>> packed = pack(values);
    if (!packed) continue;
    // Of labels giving as many shards, the one of more values: its shards can be halved when a
    // read answers more than was listed (below; review RV-OD2: a one-value label took the tie).
    if (best.empty() || packed->size() < shards.size() ||
        (packed->size() == shards.size() && values.size() > best_values)) {
      best = label;
      best_values = values.size();
      shards.clear();
      for (auto& vs : *packed) shards.push_back({{{label, std::move(vs)}}, label});
    }
  }
  // No one label splits them (OD3): a conjunction of two, `outer="a"` and `inner=~"v1|v2|..."`
  // (e.g. Hostname=~"..." within gpu="0"): per value of the outer label, the inner label's values
  // among its series packed as above; the pair of fewest shards is read (ties: the first in label
  // order). O(labels^2 x series).
  if (best.empty()) {
    std::vector<const TimeSeries*> all;
    for (const TimeSeries& s : present) all.push_back(&s);
    auto value_of = [](const TimeSeries& s, const std::string& l) {
      auto it = s.labels.find(l);
      return it != s.labels.end() ? it->second : std::string();
    };
    std::vector<Shard> pair_best;
    for (const auto& [outer, ov] : by_label) {
      for (const auto& [inner, iv] : by_label) {
        if (outer == inner) continue;
        std::map<std::string, std::map<std::string, size_t>> groups;  // outer value -> inner value -> n
        for (const TimeSeries* s : all) ++groups[value_of(*s, outer)][value_of(*s, inner)];
        std::vector<Shard> got;
        bool fits = true;
        for (const auto& [o, inner_values] : groups) {
          std::optional<std::vector<std::vector<std::string>>> packed = pack(inner_values);
          if (!packed) {
            fits = false;
            break;
          }
          for (auto& vs : *packed) got.push_back({{{outer, {o}}, {inner, std::move(vs)}}, inner});
          if (!pair_best.empty() && got.size() >= pair_best.size()) {
            fits = false;  // no better than the pair found
            break;
          }
        }
        if (fits) pair_best = std::move(got);
      }
    }
    shards = std::move(pair_best);
  }
  if (shards.empty()) {
    std::string labels;
    for (const auto& [label, values] : by_label) {
      size_t most = 0;
      for (const auto& [v, n] : values) most = std::max(most, n);
      labels += (labels.empty() ? "" : ", ") + label + " (" + std::to_string(values.size()) + " values, up to " +
                std::to_string(most) + " series one)";
    }
    return OutOfRangeError(std::to_string(present.size()) + " series match " + FormatSeriesId(q.name, q.matchers) +
                           ", over max_series_per_query (" + std::to_string(limit) +
                           ") for a read of several grid times, and no one label has at most that many series "
                           "for each of its values, nor any two labels for each pair of values (labels: " +
                           (labels.empty() ? "none" : labels) + "); add label matchers to the rule's select");
  }
  // A shard's read can answer more series than were listed for its values (Prometheus's range
  // query also answers a series whose last sample is within the 5 min lookback before start with
  // no staleness marker after it: remote write, federation, a restarted Prometheus; /api/v1/series
  // lists only series with samples in the range; or a series' first sample came after the list):
  // one of several values over
  // max_series_per_query is read again as two halves (review RV-OD2: a shard packed full failed,
  // and its rules lost the range). One value over it still fails.
  std::vector<TimeSeries> out;
  std::vector<Shard> todo(std::make_move_iterator(shards.rbegin()), std::make_move_iterator(shards.rend()));
  while (!todo.empty()) {
    Shard sh = std::move(todo.back());
    todo.pop_back();
    MetricQuery shard = whole;
    for (const auto& [l, vs] : sh.any_of) shard.any_of[l] = vs;
    Result<std::vector<TimeSeries>> part = options_.source->Query(shard);
    std::vector<std::string>& values = sh.any_of[sh.split];
    if (!part.ok() && part.status().code() == StatusCode::kOutOfRange && values.size() > 1) {
      const auto half = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
      Shard second = sh;
      second.any_of[sh.split].assign(half, values.end());
      values.erase(half, values.end());
      todo.push_back(std::move(second));
      todo.push_back(std::move(sh));
      continue;
    }
    if (!part.ok()) return part.status();
    for (TimeSeries& t : *part) out.push_back(std::move(t));
  }
  return out;
}

Result<std::vector<TimeSeries>> OnlineDetection::ReadQuery(Query& q, int64_t start_ms, int64_t end_ms) {
  MetricQuery mq;
  mq.name = q.name;
  mq.matchers = q.matchers;
  mq.start_ms = start_ms;
  mq.end_ms = end_ms + 1;  // exclusive
  mq.max_series = options_.max_series_per_query;
  if (!q.sharded) {
    Result<std::vector<TimeSeries>> r = options_.source->Query(mq);
    if (r.ok() || r.status().code() != StatusCode::kOutOfRange) return r;
    q.sharded = true;  // from now on: its series first, then shards (or one read of one grid time)
    LogInfo("detect", "the select of " + std::to_string(q.rules.size()) + " rule(s) (`" + q.rules.front() + "`" +
                          (q.rules.size() > 1 ? ", ..." : "") + ") matches more series than one read takes (" +
                          r.status().message() + "): read in shards by label from now on");
  }
  return ReadSharded(q, mq);
}

Status OnlineDetection::Read(int64_t start_ms, int64_t end_ms) {
  // Every query first. A read that fails because Prometheus is down or slow appends nothing, so
  // the next read starts from the same time. One that fails for its own query only (too many
  // series, an answer refused) leaves that query's rules without data for this range, and the
  // others go on: the engine takes time forward only, so the range is not read again for them.
  std::vector<TimeSeries> got;
  std::vector<std::pair<size_t, Status>> failed;
  for (size_t qi = 0; qi < queries_.size(); ++qi) {
    Result<std::vector<TimeSeries>> series = ReadQuery(queries_[qi], start_ms, end_ms);
    if (!series.ok()) {
      const StatusCode c = series.status().code();
      if (c == StatusCode::kUnavailable || c == StatusCode::kDeadlineExceeded || c == StatusCode::kCancelled)
        return series.status();
      failed.emplace_back(qi, series.status());
      continue;
    }
    for (TimeSeries& s : *series) got.push_back(std::move(s));
  }
  if (!failed.empty() && failed.size() == queries_.size()) {  // nothing read: the rules named
    std::string rules;
    for (const std::string& r : queries_[failed.front().first].rules) rules += (rules.empty() ? "`" : ", `") + r + "`";
    const Status& st = failed.front().second;
    return Status(st.code(), "rule(s) " + rules + ": " + st.message());
  }
  for (size_t qi = 0; qi < queries_.size(); ++qi) {
    Query& q = queries_[qi];
    auto f = std::find_if(failed.begin(), failed.end(), [qi](const auto& x) { return x.first == qi; });
    std::string rules;
    for (const std::string& r : q.rules) rules += (rules.empty() ? "`" : ", `") + r + "`";
    if (f == failed.end()) {
      if (q.failing) LogInfo("detect", "rule(s) " + rules + " read again from " + FormatRfc3339Ms(start_ms));
      q.failing = false;
      continue;
    }
    errors_.Inc({ReadErrorReason(f->second)});
    for (const std::string& r : q.rules) rule_read_errors_.Inc({r});
    if (!q.failing) {
      q.failing = true;
      LogWarn("detect", "rule(s) " + rules + " get no data from " + FormatRfc3339Ms(start_ms) + ": " +
                            f->second.message() + "; the other rules go on (said once until it reads again; "
                            "vigil_detection_rule_read_errors_total counts each read)");
    }
  }
  // New series are declared before any point of this read (the warm-up's are all declared first).
  struct Point {
    int64_t t;
    size_t series;
    double value;
  };
  // A tick-driven rule (stale_for / absent) whose selector's read failed is not evaluated over
  // this range: given the clock and no points, it would take the failed read for missing data
  // and fire. Its engine (one per such rule) is left out; the next read that succeeds goes on.
  std::set<std::string> failed_rules;
  for (const auto& [qi, st] : failed) failed_rules.insert(queries_[qi].rules.begin(), queries_[qi].rules.end());
  std::vector<bool> held(parts_.size(), false);
  for (size_t pi = 0; pi < parts_.size(); ++pi) {
    if (parts_[pi]->clock == SIZE_MAX) continue;
    held[pi] = AnyRuleIn(parts_[pi]->rules.rules, failed_rules);
  }
  std::vector<std::vector<Point>> points(parts_.size());
  size_t appended = 0;  // points of evaluated series in the range
  std::set<std::string> in_this_read;
  for (const TimeSeries& s : got) {
    const std::string id = s.id();
    if (!in_this_read.insert(id).second) continue;  // two queries selected it: read once
    bool evaluated = false;
    for (size_t pi = 0; pi < parts_.size(); ++pi) {
      if (held[pi]) continue;
      Part& part = *parts_[pi];
      std::vector<uint32_t> selected;
      for (size_t ri = 0; ri < part.rules.rules.size(); ++ri) {
        if (SelectorMatches(part.rules.rules[ri].selector, s.name, s.labels)) selected.push_back(static_cast<uint32_t>(ri));
      }
      if (selected.empty()) continue;
      auto it = part.index.find(id);
      if (it == part.index.end()) {
        Result<size_t> added = part.engine->AddSeries(s.name, s.labels);
        if (!added.ok()) {
          errors_.Inc({"series_refused"});
          if (!series_refused_logged_) {
            series_refused_logged_ = true;
            LogWarn("detect", "series left out of online detection: " + added.status().message() +
                                  " (said once; vigil_detection_errors_total{reason=\"series_refused\"} counts each)");
          }
          part.index.emplace(id, SIZE_MAX);  // not asked again (until DropGone makes room)
          if (!s.timestamps_ms.empty()) part.refused_last[id] = s.timestamps_ms.back();
          continue;
        }
        it = part.index.emplace(id, *added).first;
        for (const RulePlan& r : part.rules.rules) {
          if (r.selector.ignoring.empty() || !SelectorMatches(r.selector, s.name, s.labels)) continue;
          Labels identity = s.labels;
          for (const std::string& l : r.selector.ignoring) identity.erase(l);
          std::pair<std::string, std::string> key{r.name, FormatSeriesId(s.name, identity)};
          part.merged[key].insert(*added);
          part.merged_of[*added].push_back(std::move(key));
        }
        part.last_ms.resize(*added + 1, INT64_MIN);
        part.selected_by.resize(*added + 1);
        part.selected_by[*added] = std::move(selected);
        part.since_ms.resize(*added + 1, INT64_MIN);
        if (evaluated_ids_.insert(id).second) series_count_ = evaluated_ids_.size();
      }
      if (it->second == SIZE_MAX) {
        if (!s.timestamps_ms.empty()) {
          int64_t& last = part.refused_last[id];
          last = std::max(last, s.timestamps_ms.back());
        }
        continue;
      }
      evaluated = true;
      for (size_t i = 0; i < s.size(); ++i) {
        const int64_t t = s.timestamps_ms[i];
        if (t < start_ms || t > end_ms || !std::isfinite(s.values[i])) continue;
        points[pi].push_back({t, it->second, s.values[i]});
      }
    }
    if (evaluated) {
      for (size_t i = 0; i < s.size(); ++i) {
        const int64_t t = s.timestamps_ms[i];
        appended += t >= start_ms && t <= end_ms && std::isfinite(s.values[i]);
      }
    }
  }
  for (size_t pi = 0; pi < parts_.size(); ++pi) {
    if (held[pi]) continue;
    Part& part = *parts_[pi];
    std::vector<Point>& ps = points[pi];
    if (part.clock != SIZE_MAX) {
      // In the warm-up, a stale_for / absent rule's clock starts at its selection's first point
      // (DET4): before it the metric did not exist yet (on a Prometheus younger than the warm-up,
      // nothing did), which is no outage; an absent rule recorded an incident for that time. A
      // selection with no point in the warm-up is watched from the warm-up's end.
      int64_t from = start_ms;
      if (!warmed_) {
        for (const Point& p : ps) part.data_from_ms = std::min(part.data_from_ms, p.t);
        from = part.data_from_ms;
      }
      for (int64_t t = start_ms; t <= end_ms; t += options_.interval_ms)
        if (t >= from) ps.push_back({t, part.clock, 0});
    }
    std::sort(ps.begin(), ps.end(),
              [](const Point& a, const Point& b) { return std::tie(a.t, a.series) < std::tie(b.t, b.series); });
    for (const Point& p : ps) {
      if (p.t <= part.last_ms[p.series]) continue;  // a point sent twice
      const Status st = part.engine->Append(p.series, p.t, p.value);
      if (st.code() == StatusCode::kInvalidArgument) continue;  // cannot happen after the checks above
      if (!st.ok()) return EngineStopped(st);                    // a window over its limit
      if (part.last_ms[p.series] == INT64_MIN || p.t - part.last_ms[p.series] > options_.interval_ms)
        part.since_ms[p.series] = p.t;
      part.last_ms[p.series] = p.t;
      if (p.series != part.clock) part.newest_ms = std::max(part.newest_ms, p.t);
    }
    const Status flushed = part.engine->Flush();
    if (!flushed.ok()) return EngineStopped(flushed);
  }
  points_.Inc({}, static_cast<double>(appended));
  last_evaluated_ = end_ms;
  return Status::Ok();
}

Status OnlineDetection::Deliver() {
  if (undelivered_.empty()) return Status::Ok();
  // In order, in as large parts as the store takes: Intake is all-or-nothing, so more alerts at
  // once than the queue has room for would be refused whole every interval, even when it is empty.
  size_t done = 0, chunk = undelivered_.size();
  bool created = false;
  Status failed;
  while (done < undelivered_.size()) {
    const size_t n = std::min(chunk, undelivered_.size() - done);
    const std::vector<Alert> part(undelivered_.begin() + static_cast<std::ptrdiff_t>(done),
                                  undelivered_.begin() + static_cast<std::ptrdiff_t>(done + n));
    Result<IntakeResult> r = options_.store->Intake(part);
    if (r.ok()) {
      done += n;
      created = created || !r->created.empty();
      continue;
    }
    if (r.status().code() == StatusCode::kResourceExhausted && n > 1) {
      chunk = n / 2;  // room for fewer: try half
      continue;
    }
    failed = r.status();
    break;
  }
  undelivered_.erase(undelivered_.begin(), undelivered_.begin() + static_cast<std::ptrdiff_t>(done));
  if (created && options_.on_queued) options_.on_queued();
  if (!failed.ok()) {
    errors_.Inc({"store"});
    if (!store_failing_) {
      store_failing_ = true;
      LogWarn("detect", "recording " + std::to_string(undelivered_.size()) + " alert(s) failed: " +
                            failed.message() + "; kept and tried again every interval (said once)");
    }
    return failed;
  }
  if (store_failing_) LogInfo("detect", "alerts recorded again");
  store_failing_ = false;
  return Status::Ok();
}

Status OnlineDetection::EvaluateOnce() {
  evaluations_.Inc({});
  if (engine_failed_) {
    errors_.Inc({"engine"});
    return FailedPreconditionError("online detection stopped by an engine error (see the log)");
  }
  const int64_t now = Now();
  const int64_t step = options_.interval_ms;
  const int64_t end = FloorTo(now - options_.lag_ms, step);
  int64_t start = 0, cut_from = 0;
  if (last_evaluated_ == 0) {
    start = warm_start_ = FloorTo(end - warmup_ms_, step);
  } else {  // the next grid time (also a warm-up that a failed read cut short goes on from there)
    start = last_evaluated_ + step;
    if (end - start > options_.max_history_ms) {  // a long outage: the oldest part is not read
      cut_from = start;  // counted and said once the read succeeds
      start = FloorTo(end - options_.max_history_ms, step);
    }
  }
  if (end < start) {  // no grid time passed since the last read
    Forward();
    return Deliver();
  }
  // In parts of at most kReadPoints grid times: one answer for a long range over many series would
  // pass the source's size limit (10,000 series x 3,601 points, a 1 h warm-up at 1 s: ~650 MB of
  // JSON against 512 MiB) and be refused every interval. Each part is appended when read, so a
  // failure keeps what came before (its alerts wait in transitions_) and the next read goes on.
  Status read;
  for (int64_t from = start; from <= end && read.ok(); from += kReadPoints * step) {
    read = Read(from, std::min(end, from + (kReadPoints - 1) * step));
  }
  if (!read.ok()) {
    if (engine_failed_) {
      errors_.Inc({"engine"});
    } else {
      NoteError(ReadErrorReason(read), read);
    }
    Forward();  // what fires still fires: resent, or Alertmanager resolves it after endsAt
    return read;
  }
  if (cut_from > 0) {
    backlog_cut_.Inc({}, static_cast<double>(start - cut_from) / 1000.0);
    LogWarn("detect", "caught up after an outage, but " + Seconds(start - cut_from) + " of data from " +
                          FormatRfc3339Ms(cut_from) + " to " + FormatRfc3339Ms(start - step) +
                          " was not evaluated (a catch-up reads at most " + Seconds(options_.max_history_ms) + ")");
  }
  for (const Alert& a : transitions_) alerts_.Inc({a.state == AlertState::kFiring ? "firing" : "resolved"});
  std::vector<Alert> record;
  if (!warmed_) {
    record = WarmUpRecord(warm_start_);
    warmed_ = true;
    nothing_check_at_ = now;
    LogInfo("detect", "warmed up on " + Seconds(end - warm_start_) + " of history (" + std::to_string(series_count_) +
                          " series); " + std::to_string(record.size()) + " alert(s) firing or resolved to record");
  } else {
    record = transitions_;
  }
  // The warm-up reads up to `lag_ms` before it runs: a series whose first sample came in that gap (an
  // exporter that just started or moved) is not in it, and its rules would be named as selecting
  // nothing, wrongly (WALKT's e2e). They are named once a read has reached the warm-up's clock;
  // the gauge counts them meanwhile.
  if (!nothing_named_ && end >= nothing_check_at_) {
    NoteRulesSelectingNothing(/*log=*/true);
    nothing_named_ = true;
  } else if (!nothing_named_ || rules_selecting_nothing_ > 0) {
    NoteRulesSelectingNothing(/*log=*/false);  // until their series appear
  }
  std::erase_if(record, [this](Alert& a) { return !Adopt(a, /*forget=*/true); });
  ResolveGone(record);
  DropGone(record);
  transitions_.clear();
  for (const Alert& a : record) {
    if (options_.forward && a.state == AlertState::kResolved && unforwarded_resolved_.size() < 10'000)
      unforwarded_resolved_.push_back(a);
  }
  undelivered_.insert(undelivered_.end(), record.begin(), record.end());
  NoteSuccess(now);
  Forward();
  return Deliver();
}

bool OnlineDetection::Adopt(Alert& a, bool forget) {
  auto it = episodes_.find(a.fingerprint);
  if (it == episodes_.end() || a.starts_at_ms != it->second.engine_starts) return true;
  const int64_t recorded = it->second.recorded_starts;
  if (forget && a.state == AlertState::kResolved) episodes_.erase(it);
  if (recorded == 0) return false;
  a.starts_at_ms = recorded;
  return true;
}

// The engine indices of the series an alert of `part` is about: its series, or for a rule with
// `ignoring` the live inputs of its identity. Empty when none is known (refused, dropped).
// An absent rule's alert for its whole selection (detectors/engine.h), not for one series.
bool OnlineDetection::SelectionWide(const Alert& a) {
  auto it = a.explanation.find("absent_of");
  return it != a.explanation.end() && it->is_string() && it->get<std::string>() == "selection";
}

std::vector<size_t> OnlineDetection::AlertInputs(const Part& part, const Alert& a) {
  auto id = a.annotations.find("series");
  if (id == a.annotations.end()) return {};
  for (const RulePlan& r : part.rules.rules) {
    if (r.name != a.rule || r.selector.ignoring.empty()) continue;
    auto m = part.merged.find({a.rule, id->second});
    if (m == part.merged.end()) return {};
    return {m->second.begin(), m->second.end()};
  }
  auto it = part.index.find(id->second);
  if (it == part.index.end() || it->second == SIZE_MAX) return {};
  return {it->second};
}

// The latest point of `inputs` (INT64_MIN: none), and in *since that input's first point after
// its last gap.
int64_t OnlineDetection::LastOf(const Part& part, const std::vector<size_t>& inputs, int64_t* since) {
  int64_t last = INT64_MIN;
  for (size_t si : inputs) {
    if (part.last_ms[si] == INT64_MIN || part.last_ms[si] < last) continue;
    last = part.last_ms[si];
    if (since != nullptr) *since = part.since_ms[si];
  }
  return last;
}

int64_t OnlineDetection::SeriesLast(const Alert& a, int64_t* since, int64_t* newest) const {
  for (const auto& part : parts_) {
    if (part->clock != SIZE_MAX) continue;  // stale_for / absent: missing data is what they watch
    const std::vector<size_t> inputs = AlertInputs(*part, a);
    if (inputs.empty()) continue;
    if (newest != nullptr) *newest = part->newest_ms;
    return LastOf(*part, inputs, since);
  }
  return INT64_MIN;
}

bool OnlineDetection::Gone(const Alert& a) const {
  int64_t newest = INT64_MIN;
  const int64_t last = SeriesLast(a, nullptr, &newest);
  if (last == INT64_MIN) return false;
  int64_t after = kGoneAfterMs;
  for (const RulePlan& r : options_.rules.rules) {
    if (r.name == a.rule) after = std::max(after, r.keep_firing_for_ms);
  }
  // Measured against the newest point of any series, not the clock: when no series has points (a
  // hole in Prometheus's data), none is gone.
  return newest - last >= after;
}

std::set<std::string> OnlineDetection::FailingRules() const {
  std::set<std::string> out;
  for (const Query& q : queries_) {
    if (q.failing) out.insert(q.rules.begin(), q.rules.end());
  }
  return out;
}

void OnlineDetection::ResolveGone(std::vector<Alert>& record) {
  // A rule whose select's read fails has no new points because of the failure, not because its
  // series went away: its alerts are not resolved (nor its series dropped: DropGone) meanwhile.
  const std::set<std::string> failing = FailingRules();
  for (const auto& part : parts_) {
    if (part->clock != SIZE_MAX) continue;
    for (Alert& a : part->engine->ActiveAlerts()) {
      if (a.state != AlertState::kFiring || failing.count(a.rule)) continue;
      auto ep = episodes_.find(a.fingerprint);
      const bool known = ep != episodes_.end() && ep->second.engine_starts == a.starts_at_ms;
      int64_t since = INT64_MIN;
      const int64_t last = SeriesLast(a, &since, nullptr);
      if (known && ep->second.gone) {
        if (last <= ep->second.gone_last) continue;  // still gone
        // Back and still firing: a new episode from its return (Prometheus starts one too).
        ep->second.gone = false;
        ep->second.recorded_starts = since;
        a.starts_at_ms = since;
        record.push_back(a);
        continue;
      }
      if (!Gone(a)) continue;
      const int64_t recorded = known ? ep->second.recorded_starts : a.starts_at_ms;
      episodes_[a.fingerprint] = Episode{a.starts_at_ms, recorded, true, last};
      if (recorded == 0) continue;
      a.state = AlertState::kResolved;
      a.starts_at_ms = recorded;
      a.ends_at_ms = last + options_.interval_ms;
      record.push_back(a);
    }
  }
}

bool OnlineDetection::Forgotten(const Alert& a, int64_t* last) const {
  for (const auto& part : parts_) {
    // An absent rule's selection-wide alert is the rule's, not a series' (its `series` is the
    // selector's labels); its alerts of one series (DET3) are that series', as a stale_for rule's.
    if (part->clock == SIZE_MAX || SelectionWide(a)) continue;
    // The alert's own rule's part (its bound): review RV-OD2, the first part holding the series
    // was taken, so a longer stale_for's alert was judged by a shorter one's bound.
    if (part->rules.rules.front().name != a.rule) continue;
    // An `ignoring` rule's identity: forgotten with the last of its inputs (its newest point).
    const int64_t series_last = LastOf(*part, AlertInputs(*part, a), nullptr);
    if (series_last == INT64_MIN) continue;
    if (last != nullptr) *last = series_last;
    return last_evaluated_ - series_last > part->forget_after_ms;
  }
  return false;
}

void OnlineDetection::DropGone(std::vector<Alert>& record) {
  const std::set<std::string> failing_rules = FailingRules();
  for (const auto& part : parts_) {
    if (part->newest_ms == INT64_MIN) continue;
    // Refused series not seen for that long are forgotten (their ids would pile up with churn).
    for (auto it = part->refused_last.begin(); it != part->refused_last.end();) {
      if (part->newest_ms - it->second <= drop_after_ms_) {
        ++it;
        continue;
      }
      part->index.erase(it->first);
      it = part->refused_last.erase(it);
    }
    // While a select's read fails its series get no points: a series that one of the failing
    // selects' rules selects is not dropped until their reads work. Per series (OD3): before, one
    // failing select held every series of its part, and the part of the rules evaluated at their
    // points holds all of them (review RV-OD2 had made it per part: any failing select stopped
    // every part's drops, so one rule whose select fails for good kept the other rules' gone
    // series for good).
    std::vector<uint8_t> rule_failing(part->rules.rules.size(), 0);
    bool any_failing = false;
    for (size_t ri = 0; ri < part->rules.rules.size(); ++ri) {
      rule_failing[ri] = failing_rules.count(part->rules.rules[ri].name) > 0;
      any_failing = any_failing || rule_failing[ri];
    }
    auto held = [&](size_t si) {
      if (!any_failing) return false;
      for (uint32_t ri : part->selected_by[si]) {
        if (rule_failing[ri]) return true;
      }
      return false;
    };
    // stale_for / absent (tick-driven) parts watch for missing data: a series is forgotten once it
    // had no point for forget_after_ms before the last grid time read (its stale alert fired long
    // before); the others' series are dropped drop_after_ms_ older than the newest point of any.
    const bool tick = part->clock != SIZE_MAX;
    std::map<size_t, std::string> drop;     // engine index -> id
    for (const auto& [id, si] : part->index) {
      if (si == SIZE_MAX || si == part->clock || part->last_ms[si] == INT64_MIN || held(si)) continue;
      if (tick ? last_evaluated_ - part->last_ms[si] <= part->forget_after_ms
               : part->newest_ms - part->last_ms[si] <= drop_after_ms_)
        continue;
      drop.emplace(si, id);
    }
    if (drop.empty()) continue;
    // Their alerts' episodes (gone: ResolveGone resolved them) end with them. A stale_for rule's
    // alert still fires: resolved once its series is removed (the engine drops it without a
    // transition).
    // An absent rule's selection-wide alert is the rule's: it fires on while no series is there
    // (its `series` annotation, the selector's labels, can be a forgotten series' id: not its
    // alert); its alert of one series that stopped (DET3) goes as a stale_for rule's.
    std::map<size_t, Alert> forgotten;  // engine index -> its stale alert, resolved
    // An `ignoring` rule's alert is its identity's: it goes when all of the identity's inputs do
    // (OD3; the engine removes the identity with its last input), else it stays with the others.
    for (const Alert& a : part->engine->ActiveAlerts()) {
      if (SelectionWide(a)) continue;
      const std::vector<size_t> inputs = AlertInputs(*part, a);
      if (inputs.empty() || !std::all_of(inputs.begin(), inputs.end(), [&](size_t si) { return drop.count(si) > 0; }))
        continue;
      if (!tick) {
        episodes_.erase(a.fingerprint);
        continue;
      }
      Alert r = a;
      r.state = AlertState::kResolved;
      r.ends_at_ms = last_evaluated_;
      r.annotations["forgotten"] = "no point since " + FormatRfc3339Ms(LastOf(*part, inputs, nullptr)) + ", over " +
                                   Seconds(part->forget_after_ms) + ": no longer watched";
      forgotten.emplace(inputs.front(), std::move(r));
    }
    std::vector<size_t> removed;
    for (const auto& [si, id] : drop) removed.push_back(si);
    const Status st = part->engine->RemoveSeries(removed);
    if (!st.ok()) {
      if (!drop_failed_logged_) {
        drop_failed_logged_ = true;
        LogWarn("detect", "series whose samples stopped could not be dropped: " + st.message() + " (said once)");
      }
      continue;
    }
    for (size_t si : removed) {
      if (auto f = forgotten.find(si); f != forgotten.end() && Adopt(f->second, /*forget=*/true)) {
        alerts_.Inc({"resolved"});  // (Adopt false: never recorded, its series gone before vigil watched)
        record.push_back(std::move(f->second));
      }
      const std::string& id = drop[si];
      part->index.erase(id);
      if (auto of = part->merged_of.find(si); of != part->merged_of.end()) {
        for (const auto& key : of->second) {
          auto m = part->merged.find(key);
          if (m == part->merged.end()) continue;
          m->second.erase(si);
          if (m->second.empty()) part->merged.erase(m);
        }
        part->merged_of.erase(of);
      }
      part->last_ms[si] = part->since_ms[si] = INT64_MIN;
      bool elsewhere = false;
      for (const auto& other : parts_) elsewhere = elsewhere || (other != part && other->index.count(id));
      if (!elsewhere) evaluated_ids_.erase(id);
    }
    series_count_ = evaluated_ids_.size();
    dropped_.Inc({}, static_cast<double>(removed.size()));
    if (removed.empty()) continue;
    // Room was made: series refused for the limit are asked again at their next point.
    for (const auto& [id, last] : part->refused_last) part->index.erase(id);
    part->refused_last.clear();
  }
}

std::vector<Alert> OnlineDetection::WarmUpRecord(int64_t start) {
  std::vector<Alert> record;
  std::map<std::string, Alert> engine_firing;  // by fingerprint
  for (const auto& part : parts_) {
    for (Alert& a : part->engine->ActiveAlerts()) {
      if (a.state == AlertState::kFiring) engine_firing.emplace(a.fingerprint, std::move(a));
    }
  }
  std::map<std::string, int64_t> first_end;  // fingerprint -> the warm-up's first resolution of it
  for (const Alert& a : transitions_) {
    if (a.state == AlertState::kResolved) first_end.emplace(a.fingerprint, a.ends_at_ms);
  }
  std::map<std::string, const RulePlan*> rules;
  for (const RulePlan& r : options_.rules.rules) rules.emplace(r.name, &r);
  auto listed = options_.store->List("firing", 1000);
  if (!listed.ok()) LogWarn("detect", "reading the firing incidents failed: " + listed.status().message() +
                                          "; online incidents that ended while vigil was down stay firing");
  std::vector<StoredIncident> stored = listed.ok() ? *listed : std::vector<StoredIncident>{};
  std::sort(stored.begin(), stored.end(),
            [](const StoredIncident& a, const StoredIncident& b) { return a.starts_at_ms < b.starts_at_ms; });
  std::set<std::pair<std::string, int64_t>> store_firing;
  size_t continued = 0, ended = 0;
  for (const StoredIncident& i : stored) {
    store_firing.insert({i.fingerprint, i.starts_at_ms});
    // Only this vigil's online alerts of these rules (a webhook's alert has Alertmanager's fingerprint).
    auto r = rules.find(i.rule);
    if (r == rules.end() || AlertFingerprint(i.rule, r->second->selector.metric, i.alert.labels) != i.fingerprint)
      continue;
    auto e = engine_firing.find(i.fingerprint);
    if (e != engine_firing.end() && e->second.starts_at_ms == i.starts_at_ms) continue;  // a duplicate below
    bool resolved_below = false;
    for (const Alert& a : transitions_) {
      resolved_below = resolved_below || (a.state == AlertState::kResolved && a.fingerprint == i.fingerprint &&
                                          a.starts_at_ms == i.starts_at_ms);
    }
    if (resolved_below) continue;
    if (e != engine_firing.end() && !episodes_.count(i.fingerprint)) {
      // Firing since before the stored startsAt, or since the warm-up's windows first filled (its
      // start cannot be told): the stored episode goes on; the engine's alert takes its startsAt.
      const RulePlan& rule = *r->second;
      const int64_t filled = start + RuleHistoryMs(rule, options_.interval_ms) - rule.for_ms;
      if (e->second.active_at_ms <= i.starts_at_ms || e->second.active_at_ms <= filled) {
        episodes_[i.fingerprint] = Episode{e->second.starts_at_ms, i.starts_at_ms, false};
        ++continued;
        continue;
      }
    }
    // It ended while vigil was down: when the warm-up saw it end, or before the condition held
    // again, or at the latest at the warm-up's start.
    Alert a = i.alert;
    a.fingerprint = i.fingerprint;
    a.state = AlertState::kResolved;
    a.starts_at_ms = i.starts_at_ms;
    auto fe = first_end.find(i.fingerprint);
    a.ends_at_ms = fe != first_end.end() ? fe->second : e != engine_firing.end() ? e->second.active_at_ms : start;
    a.ends_at_ms = std::max(a.ends_at_ms, i.starts_at_ms);
    record.push_back(std::move(a));
    ++ended;
  }
  if (continued + ended > 0) {
    LogInfo("detect", "of the store's firing online incidents, " + std::to_string(continued) +
                          " still fire (found with a later startsAt by the warm-up: kept as they are) and " +
                          std::to_string(ended) + " ended while vigil was down (resolved)");
  }
  // Alerts still firing are incidents; an episode wholly inside the warm-up is not, and a
  // resolution only for an incident the store has firing.
  for (const Alert& a : transitions_) {
    if (a.state == AlertState::kResolved && store_firing.count({a.fingerprint, a.starts_at_ms})) record.push_back(a);
  }
  for (auto& [fp, a] : engine_firing) {
    // Its series gone before the warm-up's end: an episode that ended before vigil watched,
    // unless the store has it firing (then ResolveGone resolves it).
    int64_t forgotten_last = 0;
    if (!store_firing.count({fp, a.starts_at_ms}) && !episodes_.count(fp) && (Gone(a) || Forgotten(a, &forgotten_last))) {
      const int64_t last = SeriesLast(a, nullptr, nullptr);
      episodes_[fp] = Episode{a.starts_at_ms, 0, true, last != INT64_MIN ? last : forgotten_last};
      continue;
    }
    record.push_back(std::move(a));
  }
  return record;
}

void OnlineDetection::Forward() {
  if (!options_.forward || !warmed_) return;
  std::vector<Alert> send = unforwarded_resolved_;
  // Prometheus's ValidUntil: 4 x max(resend delay, evaluation interval), its resend delay 1 m by
  // default. Four intervals alone lapse at short intervals before the next resend can come (a
  // read waiting out its timeout of max(2 intervals, 5 s), a restart's warm-up).
  const int64_t ends_at = Now() + 4 * std::max<int64_t>(kResendDelayMs, options_.interval_ms);
  for (const auto& part : parts_) {
    for (Alert a : part->engine->ActiveAlerts()) {
      if (a.state != AlertState::kFiring) continue;
      auto ep = episodes_.find(a.fingerprint);
      if (ep != episodes_.end() && ep->second.engine_starts == a.starts_at_ms && ep->second.gone) continue;
      if (!Adopt(a, /*forget=*/false)) continue;
      a.ends_at_ms = ends_at;
      send.push_back(std::move(a));
    }
  }
  if (send.empty()) return;
  const Status sent = options_.forward(send);
  if (!sent.ok()) {
    errors_.Inc({"forward"});
    if (!forward_failing_) {
      forward_failing_ = true;
      LogWarn("detect", "forwarding " + std::to_string(send.size()) + " alert(s) failed: " + sent.message() +
                            "; resent every interval (said once until a send succeeds)");
    }
    return;
  }
  if (forward_failing_) LogInfo("detect", "alerts forwarded again");
  forward_failing_ = false;
  forwarded_.Inc({}, static_cast<double>(send.size()));
  unforwarded_resolved_.clear();
}

void OnlineDetection::Start() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = false;
  }
  thread_ = std::thread([this] {
    auto next = std::chrono::steady_clock::now();
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      lock.unlock();
      (void)EvaluateOnce();  // errors are counted and logged inside
      lock.lock();
      next += std::chrono::milliseconds(options_.interval_ms);
      const auto now = std::chrono::steady_clock::now();
      if (next < now) next = now;  // a slow read: the next one at once, then on the interval again
      cv_.wait_until(lock, next, [this] { return stop_; });
    }
  });
}

void OnlineDetection::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

// A rule whose select matched no series in the warm-up (a misspelt metric or label: `compute_mss`)
// watched nothing without a word, where `vigil detect` warns (OPS5). Logged once the reads reach
// the time the warm-up ran (EvaluateOnce), one line per rule (ten named, then a count); counted in
// vigil_detection_rules_selecting_nothing until their series appear. absent() rules are left out: an empty selection is what they watch.
void OnlineDetection::NoteRulesSelectingNothing(bool log) {
  std::vector<const RulePlan*> none;
  for (const auto& part : parts_) {
    std::vector<bool> selects(part->rules.rules.size(), false);
    for (const auto& by : part->selected_by)
      for (uint32_t ri : by) selects[ri] = true;
    for (size_t ri = 0; ri < selects.size(); ++ri) {
      if (!selects[ri] && !part->rules.rules[ri].absent_rule) none.push_back(&part->rules.rules[ri]);
    }
  }
  rules_selecting_nothing_ = none.size();
  if (!log) return;
  constexpr size_t kNamed = 10;
  for (size_t i = 0; i < none.size() && i < kNamed; ++i) {
    const RulePlan& r = *none[i];
    LogWarn("detect", "rule `" + r.name + "` (" + r.file + ":" + std::to_string(r.line) + ") selects no series: `" +
                          r.selector.metric + "`" + (r.selector.matchers.empty() ? "" : " with its label matchers") +
                          " matched none in Prometheus over the warm-up (" + Seconds(warmup_ms_) +
                          ") or in the reads since, up to when the warm-up ran; a misspelt metric or label? It watches "
                          "nothing until such series appear");
  }
  if (none.size() > kNamed) {
    LogWarn("detect", std::to_string(none.size() - kNamed) + " more rule(s) select no series (" +
                          std::to_string(none.size()) + " in all)");
  }
}

void OnlineDetection::WriteMetrics(std::string& out) const {
  evaluations_.Write(out);
  errors_.Write(out);
  rule_read_errors_.Write(out);
  dropped_.Write(out);
  points_.Write(out);
  alerts_.Write(out);
  backlog_cut_.Write(out);
  if (options_.forward) forwarded_.Write(out);
  const int64_t last = last_success_ms_;
  WriteGauge(out, "vigil_detection_last_success_timestamp_seconds",
             "when the last online detection interval read and evaluated its data (Unix seconds; 0: never)", {},
             {{{}, static_cast<double>(last) / 1000.0}});
  WriteGauge(out, "vigil_detection_series", "series the online rules evaluate", {},
             {{{}, static_cast<double>(series_count_.load())}});
  WriteGauge(out, "vigil_detection_rules_selecting_nothing",
             "rules whose select matched no series in Prometheus since the warm-up (named in the log)", {},
             {{{}, static_cast<double>(rules_selecting_nothing_.load())}});
  WriteGauge(out, "vigil_detection_rule_errors",
             "rules of --rules left out because they do not compile (their errors are in the start-up log)", {},
             {{{}, static_cast<double>(options_.rule_errors)}});
}

}  // namespace vigil
