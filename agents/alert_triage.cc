#include "agents/alert_triage.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>

#include "agents/expression_evidence.h"
#include "agents/job_logs.h"
#include "agents/label_value.h"
#include "agents/node_names.h"
#include "agents/peer_series.h"
#include "agents/scrape_labels.h"
#include "agents/pod_node.h"
#include "connectors/alertmanager.h"
#include "connectors/prometheus_source.h"
#include "probes/command_executor.h"
#include "core/ascii.h"
#include "core/clock.h"
#include "core/metric_renames.h"
#include "core/time_util.h"

namespace vigil {
namespace {

bool IsIdentStart(char ch) { return std::isalpha(static_cast<unsigned char>(ch)) || ch == '_' || ch == ':'; }
bool IsIdentChar(char ch) { return IsIdentStart(ch) || std::isdigit(static_cast<unsigned char>(ch)); }

// PromQL words that are not metric names when they stand alone (lower case: PromQL ignores case).
const std::set<std::string>& Keywords() {
  static const std::set<std::string> k = {"by", "without", "and", "or", "unless", "on", "ignoring",
                                          "group_left", "group_right", "bool", "offset", "inf", "nan",
                                          "atan2"};
  return k;
}
// Aggregation operators: followed by `by (...)`/`without (...)` before their parenthesis.
const std::set<std::string>& Aggregations() {
  static const std::set<std::string> a = {"sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk",
                                          "bottomk", "quantile", "count_values", "group", "limitk",
                                          "limit_ratio"};
  return a;
}
// Keywords followed by a parenthesised label list.
bool TakesLabelList(const std::string& w) {
  return w == "by" || w == "without" || w == "on" || w == "ignoring" || w == "group_left" || w == "group_right";
}

size_t SkipSpace(const std::string& s, size_t i) {
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return i;
}

// Index just past the bracket that closes the one at `i` (strings inside skipped).
size_t SkipBracket(const std::string& s, size_t i, char open, char close) {
  int depth = 0;
  for (; i < s.size(); ++i) {
    char ch = s[i];
    if (ch == '"' || ch == '\'' || ch == '`') {
      char q = ch;
      for (++i; i < s.size() && s[i] != q; ++i) {
        if (s[i] == '\\' && q != '`') ++i;
      }
      continue;
    }
    if (ch == open) ++depth;
    if (ch == close && --depth == 0) return i + 1;
  }
  return s.size();
}

int HexValue(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string Joined(const std::vector<std::string>& v, size_t max_items) {
  std::string out;
  for (size_t i = 0; i < v.size() && i < max_items; ++i) out += (i ? ", " : "") + v[i];
  if (v.size() > max_items) out += ", ... (" + std::to_string(v.size() - max_items) + " more)";
  return out;
}

std::string FormatMatchers(const Labels& m) {
  if (m.empty()) return "{} (no scope: cluster-wide)";
  std::string out = "{";
  for (const auto& [k, v] : m) out += (out.size() > 1 ? "," : "") + k + "=\"" + v + "\"";
  return out + "}";
}

constexpr int64_t kDefaultExpressionStepMs = 15'000;

// Whether every label of `labels` but `__name__` (the metric's name, no label of an alert) has the
// same value in `alert`'s labels: the alert's own series.
bool LabelsWithin(const Labels& labels, const Labels& alert) {
  return std::all_of(labels.begin(), labels.end(), [&](const auto& kv) {
    return kv.first == "__name__" || LabelValue(alert, kv.first) == kv.second;
  });
}

// Whether the alert says its condition held before it fired (activeAt before startsAt).
bool ActiveBeforeStart(const Alert& alert) {
  return alert.starts_at_ms > 0 && alert.active_at_ms > 0 && alert.active_at_ms < alert.starts_at_ms;
}

// `text` as an RE2 literal (Alertmanager's =~ matchers).
std::string RegexQuote(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::string_view("\\.+*?()|[]{}^$").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string FormatValue(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// A listed alert's state for a line about it: "" when active; "silenced by <ids>", "inhibited by
// <fingerprints>" (both, "; "-joined) when Alertmanager named what suppresses it; else its state.
std::string ListedState(const ListedAlert& l) {
  std::string out;
  if (!l.silenced_by.empty()) out = "silenced by " + Joined(l.silenced_by, 3);
  if (!l.inhibited_by.empty()) out += (out.empty() ? "" : "; ") + std::string("inhibited by ") + Joined(l.inhibited_by, 3);
  if (out.empty() && l.state != "active") out = l.state;
  return out;
}

// The options with the LiveTriageSource's expression evaluator and alert lister filled in where
// the caller left them empty (vigil diagnose --alert and vigil serve hand over only `metrics`).
TriageOptions WithLiveSources(const TriageOptions& in) {
  TriageOptions o = in;
  if (const auto* live = dynamic_cast<const LiveTriageSource*>(in.metrics)) {
    if (!o.evaluate_expression && live->evaluate()) {
      o.evaluate_expression = live->evaluate();
      o.expression_source = live->expression_source();
    }
    if (!o.list_alerts && live->list_alerts()) {
      o.list_alerts = live->list_alerts();
      o.alert_source = live->alert_source();
    }
    if (!o.query_node_names && live->evaluate()) {
      o.query_node_names = live->evaluate();
      o.node_names_source = live->expression_source();
    }
    if (!o.query_peers && live->evaluate()) {
      o.query_peers = live->evaluate();
      o.peers_source = live->expression_source();
    }
    if (o.expression_step_ms <= 0) o.expression_step_ms = live->expression_step_ms();
    if (!live->has_metrics()) o.metrics = nullptr;
  }
  return o;
}

struct Window {
  int64_t anchor = 0, start_ms = 0, end_ms = 0;
  std::vector<std::string> notes;
};

// [startsAt - lookback, startsAt + after) clipped to now (see the header's "window").
Window TriageWindow(const Alert& alert, const TriageOptions& options) {
  Window w;
  w.anchor = alert.starts_at_ms > 0 ? alert.starts_at_ms : options.now_ms;
  if (w.anchor > 0) {
    // The lookback is before activeAt when the alert's condition held before it fired (the engine's
    // alerts, or ALERTS_FOR_STATE read by ReadAlertActiveAt), so the series hold the onset too.
    w.start_ms = std::max<int64_t>(1, (ActiveBeforeStart(alert) ? alert.active_at_ms : w.anchor) - options.lookback_ms);
    w.end_ms = w.anchor + options.after_ms;
    if (options.now_ms > 0 && w.end_ms > options.now_ms + 1) w.end_ms = options.now_ms + 1;
    if (w.end_ms <= w.start_ms) {  // startsAt more than the lookback after now: a clock off, or a made-up time
      w.end_ms = w.anchor + options.after_ms;
      w.notes.push_back("metrics: the alert's startsAt " + FormatRfc3339Ms(w.anchor) + " is after now (" +
                        FormatRfc3339Ms(options.now_ms) + "); its window is read as given");
    }
  } else {
    w.notes.push_back("metrics: the alert has no startsAt; read over the source's default range before now");
  }
  return w;
}

// The matcher sets tried in order for each metric (see the header's "scope").
std::vector<Labels> ScopeAttempts(const Alert& alert, const std::vector<Labels>& learned) {
  std::vector<Labels> out;
  const std::string job = LabelValue(alert.labels, "job");
  const std::string instance = LabelValue(alert.labels, "instance");
  for (std::string_view k : kNodeLabelKeys) {
    if (k == "instance") continue;  // the exporter's host: read below, after the node labels
    // The label read (`exported_node` for `node` when the scrape renamed the series' own) and its
    // value; none for the exporter's node on a series about something else (node_names.h).
    std::string_view read;
    if (SubjectNodeLabel(alert.labels, k, &read).empty()) continue;
    // An `exported_node` (the series' own node, or a pod's placed there) is read under `node`, the
    // name the node's other exporters and the training series use (KSM2).
    const std::string v = LabelValue(alert.labels, std::string(read));
    const std::string key = read == "exported_node" ? std::string("node") : std::string(read);
    if (!job.empty()) out.push_back({{key, v}, {"job", job}});
    out.push_back({{key, v}});
    if (key == "exported_instance") {
      // The series' own instance (a relayed or federated series): scraped directly, it is `instance`.
      out.push_back({{"instance", v}});
      break;
    }
    // The same node under the other name: dcgm-exporter's `Hostname` (DCGM series, the DCGM rules)
    // and the trainer's `node` (training series, the training rules) name one machine.
    const std::string host = NodeLabelHost(v);
    if (key != "Hostname") out.push_back({{"Hostname", host}});
    if (key != "node") out.push_back({{"node", host}});
    break;
  }
  if (!instance.empty()) {
    if (out.empty() && !job.empty()) out.push_back({{"instance", instance}, {"job", job}});
    out.push_back({{"instance", instance}});
  }
  // The node under the names node_uname_info gave it, after the alert's own (LearnNodeNames).
  for (const Labels& l : learned) {
    if (!out.empty() && std::find(out.begin(), out.end(), l) == out.end()) out.push_back(l);
  }
  if (out.empty() && !job.empty()) out.push_back({{"job", job}});
  if (out.empty()) out.push_back({});  // nothing names a scope: cluster-wide, capped per metric
  return out;
}

// What node_uname_info says of the alert's node (see the header's "node names").
struct LearnedNodeNames {
  NodeNames names;                // the alert's, with the learned ones in `labelled`
  std::vector<Labels> attempts;   // {Hostname: nodename}, {node: nodename}, {instance: instance}
  std::vector<std::string> notes;
  bool source_down = false;       // Unavailable / DeadlineExceeded
  std::string down_error;
};

// Labels naming the cluster, Prometheus or site a series comes from: Prometheus's external labels,
// which a Thanos or Mimir query view shows on every series (a plain Prometheus stores none). A
// node_uname_info series with one of them other than the alert's is another cluster's node of the
// same name (review RV-DX): `cluster="b"` (the series' value), else "". Not `prometheus`
// (prometheus-operator's external label): it names one Prometheus, and a cluster may have several
// (a GPU one firing the alert, an infra one scraping node_exporter).
constexpr const char* kClusterLabels[] = {"cluster", "region", "datacenter", "env", "environment"};
std::string OtherCluster(const Labels& series, const Labels& alert) {
  for (const char* k : kClusterLabels) {
    const std::string theirs = LabelValue(series, k), ours = LabelValue(alert, k);
    if (!theirs.empty() && !ours.empty() && theirs != ours) {
      std::string out = k;
      out += "=\"" + theirs + "\", the alert's \"" + ours + "\"";
      return out;
    }
  }
  return "";
}

// One instant query on the metrics' Prometheus (`query_node_names`: a query_range of one point at
// `at_ms`); `down` is set when it failed Unavailable / DeadlineExceeded (the metric source down).
Result<PromRangeResult> InstantQuery(const TriageOptions& options, std::string query, int64_t at_ms, bool& down) {
  PromRangeQuery q;
  q.query = std::move(query);
  q.start_ms = at_ms;
  q.end_ms = at_ms;
  q.step_ms = 60'000;
  Result<PromRangeResult> res = options.query_node_names(q);
  if (!res.ok()) {
    const StatusCode code = res.status().code();
    down = code == StatusCode::kUnavailable || code == StatusCode::kDeadlineExceeded;
  }
  return res;
}

LearnedNodeNames LearnNodeNames(const Alert& alert, const TriageOptions& options, int64_t at_ms) {
  LearnedNodeNames out;
  out.names = NodeNamesOf(alert.labels);
  if (!options.query_node_names || out.names.empty()) return out;
  const std::string node = AlertNode(alert).second;
  const std::string at = options.node_names_source.empty() ? std::string("Prometheus") : options.node_names_source;
  std::string from = "node_uname_info at ";
  from += at;
  if (at_ms <= 0) {
    out.notes.push_back("node names: not asked (the alert has no startsAt to ask at); the alert's own names used");
    return out;
  }
  std::string by_nodename, by_instance;
  for (const auto* list : {&out.names.labelled, &out.names.instance}) {
    for (const std::string& n : *list) {
      if (n.find('`') != std::string::npos || n.find('\n') != std::string::npos) continue;  // no PromQL raw string
      if (!IsIpAddress(n)) by_nodename += (by_nodename.empty() ? "" : "|") + NodeNameRegex(n, false);
      by_instance += (by_instance.empty() ? "" : "|") + NodeNameRegex(n, true);
    }
  }
  if (by_instance.empty()) return out;
  std::string selector = "node_uname_info{instance=~`(?i)(" + by_instance + ")`}";
  if (!by_nodename.empty()) selector = "node_uname_info{nodename=~`(?i)(" + by_nodename + ")`} or " + selector;
  const size_t cap = std::max<size_t>(1, options.max_node_name_series);
  Result<PromRangeResult> res =
      InstantQuery(options, "topk(" + std::to_string(cap + 1) + ", " + selector + ")", at_ms, out.source_down);
  if (!res.ok() && res.status().code() != StatusCode::kNotFound) {
    out.down_error = res.status().message();
    out.notes.push_back("node names: " + from + " could not be read (" + res.status().message() +
                        "); only the alert's own names for " + node + " used");
    return out;
  }
  std::vector<TimeSeries> series;
  if (res.ok()) series = std::move(res->series);
  if (series.size() > cap) {
    out.notes.push_back("node names: " + from + " answered more than " + std::to_string(cap) +
                        " series for " + node + "; the first " + std::to_string(cap) + " read");
    series.resize(cap);
  }
  const NodeNames given = out.names;
  std::vector<std::pair<std::string, std::string>> on_node;  // {nodename, instance}
  size_t empty_nodename = 0, other_cluster = 0;
  std::string other_cluster_first;  // `cluster="b", the alert's "a"`
  for (const TimeSeries& s : series) {
    const std::string nodename = LabelValue(s.labels, "nodename"), instance = LabelValue(s.labels, "instance");
    const bool by_name = !nodename.empty() && NamesNode(given, nodename);
    const bool by_address = !instance.empty() && NamesNode(given, InstanceHost(instance));
    if (!by_name && !by_address) continue;  // the regex's near miss (node-30, another domain)
    if (std::string other = OtherCluster(s.labels, alert.labels); !other.empty()) {
      if (other_cluster++ == 0) other_cluster_first = std::move(other);
      continue;
    }
    if (nodename.empty()) ++empty_nodename;
    on_node.emplace_back(nodename, instance);
  }
  if (on_node.empty() && other_cluster > 0) {
    out.notes.push_back("node names: the node_uname_info series naming " + node + " at " + at +
                        " are of another cluster (" + other_cluster_first + "); only the alert's own names used");
    return out;
  }
  if (on_node.empty()) {
    out.notes.push_back("node names: no node_uname_info series names " + node + " at " + at +
                        " (node_exporter not scraped there, or under other names); only the alert's own names used");
    return out;
  }
  // Answers naming different nodes (node-3 short, node-3.a.example and node-3.b.example): none used.
  std::vector<std::string> nodenames;
  for (const auto& [nodename, instance] : on_node) {
    if (nodename.empty()) continue;
    if (std::none_of(nodenames.begin(), nodenames.end(), [&](const std::string& n) { return SameNodeName(n, nodename); }))
      nodenames.push_back(nodename);
  }
  if (nodenames.size() > 1) {
    out.notes.push_back("node names: " + from + " names " + std::to_string(nodenames.size()) + " nodes for " + node +
                        " (" + Joined(nodenames, 4) + "); none used, only the alert's own names");
    return out;
  }
  std::vector<std::string> learned;
  auto learn = [&](const std::string& shown, Labels scope) {
    if (std::find(out.attempts.begin(), out.attempts.end(), scope) == out.attempts.end())
      out.attempts.push_back(std::move(scope));
    // Named: each spelling the alert does not carry (the scopes read it as Prometheus spells it).
    const bool carried = std::any_of(alert.labels.begin(), alert.labels.end(),
                                     [&](const auto& kv) { return kv.second == shown; });
    if (!carried && std::find(learned.begin(), learned.end(), shown) == learned.end()) learned.push_back(shown);
  };
  for (const auto& [nodename, instance] : on_node) {
    if (!nodename.empty()) {
      out.names.AddLabelled(nodename);
      learn(nodename, {{"Hostname", nodename}});
      learn(nodename, {{"node", nodename}});
    }
    if (!instance.empty() && !InstanceHost(instance).empty()) {
      out.names.AddLabelled(InstanceHost(instance));
      learn(instance, {{"instance", instance}});
    }
  }
  std::string note = "node names: ";
  if (learned.empty()) {
    note += from + " names " + node + " as the alert does; no other name learned";
  } else {
    note += node + " is also " + Joined(learned, 8) + " (" + from + ")";
  }
  if (empty_nodename > 0) note += "; " + std::to_string(empty_nodename) + " of its series with an empty nodename";
  if (other_cluster > 0) {
    note += "; " + std::to_string(other_cluster) + " of its series of another cluster left out (" +
            other_cluster_first + ")";
  }
  out.notes.push_back(std::move(note));
  return out;
}

}  // namespace

std::vector<std::string> MetricNamesInExpression(const std::string& s) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  size_t i = 0;
  while (i < s.size()) {
    char ch = s[i];
    if (ch == '"' || ch == '\'' || ch == '`') {  // a string literal
      char q = ch;
      for (++i; i < s.size() && s[i] != q; ++i) {
        if (s[i] == '\\' && q != '`') ++i;
      }
      ++i;
      continue;
    }
    if (ch == '#') {  // a comment, to the end of the line
      while (i < s.size() && s[i] != '\n') ++i;
      continue;
    }
    if (ch == '{') {  // label matchers
      i = SkipBracket(s, i, '{', '}');
      continue;
    }
    if (ch == '[') {  // range / subquery durations
      i = SkipBracket(s, i, '[', ']');
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(ch)) || (ch == '.' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      // A number (1, 0.5, 1e3, 0x1f) or a duration (5m): one run of identifier chars and dots.
      while (i < s.size() && (IsIdentChar(s[i]) || s[i] == '.')) {
        if ((s[i] == 'e' || s[i] == 'E') && i + 1 < s.size() && (s[i + 1] == '+' || s[i + 1] == '-')) ++i;
        ++i;
      }
      continue;
    }
    if (!IsIdentStart(ch)) {
      ++i;
      continue;
    }
    size_t start = i;
    while (i < s.size() && IsIdentChar(s[i])) ++i;
    std::string word = s.substr(start, i - start);
    const std::string lower = AsciiLower(word);  // keywords and aggregations are case-insensitive in PromQL
    size_t next = SkipSpace(s, i);
    if (TakesLabelList(lower)) {
      if (next < s.size() && s[next] == '(') i = SkipBracket(s, next, '(', ')');
      continue;
    }
    if (Keywords().count(lower)) continue;
    if (next < s.size() && s[next] == '(') continue;  // a function call
    if (Aggregations().count(lower)) {               // `sum by (x) (...)`, `sum without (x) (...)`
      size_t w = next;
      while (w < s.size() && std::isalpha(static_cast<unsigned char>(s[w]))) ++w;
      std::string after = AsciiLower(std::string_view(s).substr(next, w - next));
      if (after == "by" || after == "without") continue;
    }
    if (seen.insert(word).second) out.push_back(word);
  }
  return out;
}

std::string ExpressionFromGeneratorUrl(const std::string& url) {
  size_t q = url.find('?');
  if (q == std::string::npos) return "";
  std::string_view rest(url);
  rest = rest.substr(q + 1);
  if (size_t hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view part = rest.substr(0, amp);
    size_t eq = part.find('=');
    if (eq != std::string_view::npos && PercentDecode(part.substr(0, eq)) == "g0.expr") {
      return PercentDecode(part.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return "";
}

namespace {

// The budget's setting as its errors name it, with where its value came from when that is not the
// flag the name already gives: a config file's value (file and line) or the environment's said only
// the flag (VER5, VER6).
std::string BudgetSetting(std::string_view source) {
  std::string setting = "verification_budget_s (--verification-budget-s";
  if (source.starts_with("config file ") || source.starts_with("environment ")) setting.append(", from ").append(source);
  return setting + ")";
}

}  // namespace

Status CheckVerificationBudgetGrace(double budget_s, const ProbeExecutor& probes, std::string_view source) {
  const double grace_s = ProbeExecutorGraceS(probes);
  if (budget_s > grace_s) return Status::Ok();
  char text[160];
  std::snprintf(text, sizeof text, ": %g s is not more than the probe executor's grace of %g s (", budget_s, grace_s);
  return InvalidArgumentError(BudgetSetting(source) + text + probes.Describe() +
                              "): the budget keeps the grace to end a probe it cuts, so no probe would get any "
                              "time; give a budget above the grace, or a smaller grace_s (--probe-executor "
                              "local:grace_s=1)");
}

Result<double> VerificationBudgetFromConfig(const Config& config) {
  const std::string& v = config.GetString("verification_budget_s");
  const std::string setting = BudgetSetting(config.SourceOf("verification_budget_s"));
  char* end = nullptr;
  const double s = v.empty() ? 0 : std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || !std::isfinite(s) || s <= 0) {
    return InvalidArgumentError(setting + ": must be a number of seconds > 0, got `" + v + "`");
  }
  // The reasoner's deadline is now + budget in a steady_clock time point: past about 9.2e9 s it
  // overflowed and lay in the past, so 1e10 ran no probe at all ("probes were started and cut until
  // -8.44674e+09 s"). One day is the most a probe request may take too (command_executor.cc).
  constexpr double kMaxBudgetS = 86400;
  if (s > kMaxBudgetS) {
    return InvalidArgumentError(setting + ": must be at most 86400 s (one day), got `" + v + "`");
  }
  return s;
}

Result<std::unique_ptr<MetricSource>> MakeTriageMetricSource(const Config& config, int64_t step_ms) {
  const std::string& url = config.GetString("prometheus_url");
  const std::string& am_url = config.GetString("alertmanager_url");
  if (url.empty() && am_url.empty()) return std::unique_ptr<MetricSource>();
  if (step_ms <= 0) return InvalidArgumentError("metrics step: must be more than 0s");
  const int64_t timeout_ms = config.GetDurationMs("prometheus_timeout");
  if (timeout_ms <= 0) return InvalidArgumentError("prometheus_timeout: must be more than 0s");
  std::unique_ptr<MetricSource> metrics;
  ExpressionEvaluator evaluate;
  std::string expression_source;
  if (!url.empty()) {
    auto parsed = ParsePrometheusUrl(url);
    if (!parsed.ok()) return InvalidArgumentError("prometheus_url: " + parsed.status().message());
    PrometheusSourceOptions po;
    po.url = *parsed;
    po.step_ms = step_ms;
    po.scrape_interval_ms = config.GetDurationMs("prometheus_scrape_interval");
    po.http.timeout_ms = timeout_ms;
    po.http.connect_timeout_ms = std::min<int64_t>(po.http.timeout_ms, 10'000);
    metrics = std::make_unique<PrometheusMetricSource>(po);
    expression_source = metrics->Describe();
    evaluate = [prom = *parsed, http = po.http](const PromRangeQuery& q) { return PromQueryRange(prom, q, http); };
  }
  AlertLister list_alerts;
  std::string alert_source;
  if (!am_url.empty()) {
    auto parsed = ParseAlertmanagerUrl(am_url);
    if (!parsed.ok()) return InvalidArgumentError("alertmanager_url: " + parsed.status().message());
    AlertmanagerApiOptions ao;
    ao.timeout_ms = std::min<int64_t>(timeout_ms, 10'000);
    ao.connect_timeout_ms = ao.timeout_ms;
    alert_source = "alertmanager " + parsed->shown;
    list_alerts = [am = *parsed, ao](const AlertFilter& f) { return ListAlerts(am, f, ao); };
  }
  return std::unique_ptr<MetricSource>(std::make_unique<LiveTriageSource>(
      std::move(metrics), std::move(evaluate), std::move(expression_source), std::move(list_alerts),
      std::move(alert_source), step_ms));
}

namespace {

// The pod's node from the live Prometheus (agents/pod_node.h; ALERTID2): kube-state-metrics'
// kube_pod_info for the alert's pod at `at_ms`, one instant query on the metrics' Prometheus. Its
// series go into the case (DiagnosisAgent places the alert on that node and says so in the
// evidence); `placed` gets the node as `node` (its `instance`, kube-state-metrics' address, stays:
// read after the node as for any alert), so the triage reads that node's metrics, names and
// co-firing alerts, and keeps the expression's series on it. A query
// failing Unavailable / DeadlineExceeded is the metric source down (not asked again).
void PlacePodOnNode(const Alert& alert, const TriageOptions& options, int64_t at_ms, DiagnosisCase& c, Alert& placed,
                    bool& source_down, std::string& down_error) {
  const std::string at = options.node_names_source.empty() ? std::string("Prometheus") : options.node_names_source;
  const LabelledPod named = PodOfLabels(alert.labels);
  const std::string& ns = named.ns;
  const std::string& pod = named.pod;
  std::string shown = ns.empty() ? pod : ns + "/" + pod;
  if (at_ms <= 0) {
    c.notes.push_back(std::string("pod ") + shown + ": its node not asked (the alert has no startsAt to ask at)");
    return;
  }
  // An alert's `exported_pod` (a relabelled kube-state-metrics, PodOfLabels) is asked as the
  // series' `exported_pod` or, scraped without that relabelling, their `pod` (RVFIX2).
  auto selector = [&](const std::string& prefix) {
    std::string q = "kube_pod_info{";
    if (!ns.empty()) q += prefix + "namespace=" + PromString(ns) + ",";
    q += prefix + "pod=" + PromString(pod) + "}";
    return q;
  };
  std::string query = named.exported ? selector("exported_") + " or " + selector("") : selector("");
  Result<PromRangeResult> res = InstantQuery(options, std::move(query), at_ms, source_down);
  if (!res.ok() && res.status().code() != StatusCode::kNotFound) {
    down_error = res.status().message();
    c.notes.push_back(std::string("pod ") + shown + ": kube_pod_info at " + at + " could not be read (" +
                      res.status().message() + "); the alert's node is unknown");
    return;
  }
  std::vector<TimeSeries> series;
  if (res.ok()) series = std::move(res->series);
  for (TimeSeries& s : series) {
    if (s.name.empty()) s.name = "kube_pod_info";
  }
  const PodNodeReading pn = PodNodeOf(alert.labels, series, "at " + at);
  if (pn.node.empty()) {
    c.notes.push_back(pn.note);
    return;
  }
  // Under `exported_node` when a `node` would not be read (scrape_labels.h PlacedNodeKey; KSM2).
  placed.labels[PlacedNodeKey(placed.labels, pn.node)] = pn.node;
  for (const TimeSeries* s : pn.series) c.metrics.push_back(*s);
}

// The job's other nodes' series (peer_series.h) added to the case: the pause counters and the
// job-wide names, each series once; their notes said. Not read without a Prometheus to ask
// (`query_peers`) or with max_peer_nodes 0.
void AddPeerSeries(const Alert& alert, const TriageOptions& options, const std::vector<Signature>& conditions,
                   const std::vector<std::string>& names, const NodeNames& own, int64_t start_ms, int64_t end_ms,
                   DiagnosisCase& c, bool* metrics_down) {
  if (options.max_peer_nodes == 0 || !options.query_peers) return;
  PeerOptions po;
  po.query = options.query_peers;
  po.source = options.peers_source;
  po.metrics = options.metrics;
  std::vector<std::string> patterns;
  for (const Signature& sig : conditions) patterns.push_back(sig.pattern);
  for (const std::string& n : JobWideMetricNames(patterns)) {
    if (std::find(names.begin(), names.end(), n) != names.end()) po.job_wide.push_back(n);
  }
  po.max_nodes = options.max_peer_nodes;
  po.job_nodes = options.job_nodes;
  po.max_series = options.max_peer_series;
  po.max_points_per_series = options.max_points_per_series;
  po.step_ms = options.expression_step_ms;
  PeerReading peers = ReadPeerSeries(alert, own, po, start_ms, end_ms);
  std::set<std::string> have;
  for (const TimeSeries& s : c.metrics) have.insert(s.id());
  for (TimeSeries& s : peers.series) {
    if (have.insert(s.id()).second) c.metrics.push_back(std::move(s));
  }
  for (std::string& n : peers.notes) c.notes.push_back(std::move(n));
  if (peers.source_down && metrics_down != nullptr) *metrics_down = true;
}

// BuildTriageCase; the co-firing alerts read are left in `cofiring` and whether the metric source
// was found down (Unavailable / DeadlineExceeded) in `metrics_down`, when given.
Result<DiagnosisCase> BuildCase(const Alert& given_alert, const TriageOptions& given, CoFiringReading* cofiring,
                                bool* metrics_down, NodeNames* node_names, ActiveAtReading* held,
                                Alert* placed = nullptr) {
  if (given.kb == nullptr) return InvalidArgumentError("alert triage: no knowledge base given");
  const TriageOptions options = WithLiveSources(given);
  // The alert with its activeAt from Prometheus (TriageAlert: `held` given), first of all, as the
  // window depends on it. Its source down: nothing more is asked of that Prometheus.
  ActiveAtReading read;
  if (held != nullptr) {
    read = ReadAlertActiveAt(given_alert, options);
    *held = read;
  }
  Alert alert = given_alert;
  if (read.active_at_ms > 0) alert.active_at_ms = read.active_at_ms;
  DiagnosisCase c;
  c.id = "alert/" + alert.rule + "/" + alert.fingerprint;
  c.alert = alert;
  if (alert.state == AlertState::kFiring && alert.ends_at_ms > 0 && options.now_ms > 0 &&
      alert.ends_at_ms <= options.now_ms) {
    c.notes.push_back("alert: its endsAt " + FormatRfc3339Ms(alert.ends_at_ms) +
                      " has passed and no status says it resolved (Prometheus sets endsAt a few evaluation intervals "
                      "ahead on every firing alert; Alertmanager's API lists unresolved alerts only): triaged as "
                      "firing, it may have resolved since");
  }
  const Window window_range = TriageWindow(alert, options);
  // An alert naming only its pod: the pod's node (kube_pod_info), first; `alert` is from here on
  // the alert as placed on it (the case keeps the alert as received).
  bool pod_down = false;
  std::string pod_down_error;
  if (options.metrics != nullptr && !read.source_down && options.query_node_names && AlertNamesPodOnly(alert.labels)) {
    const int64_t end_ms = window_range.end_ms;
    PlacePodOnNode(given_alert, options, end_ms > 0 ? end_ms - 1 : options.now_ms, c, alert, pod_down,
                   pod_down_error);
  }
  if (placed != nullptr) *placed = alert;
  // The node's other names from node_uname_info (the metrics' Prometheus), first: the co-firing
  // alerts are asked under them too. Its notes are said with the metrics' below.
  LearnedNodeNames learned;
  if (options.metrics == nullptr) {
    learned.names = NodeNamesOf(alert.labels);
  } else if (read.source_down || pod_down) {
    learned.names = NodeNamesOf(alert.labels);
    learned.source_down = true;
    learned.down_error = read.source_down ? read.down_error : pod_down_error;
  } else {
    const int64_t end_ms = window_range.end_ms;
    learned = LearnNodeNames(alert, options, end_ms > 0 ? end_ms - 1 : options.now_ms);
  }
  if (node_names != nullptr) *node_names = learned.names;
  {
    CoFiringReading co = ListCoFiringAlerts(alert, options, window_range.end_ms, &learned.names);
    for (std::string& n : co.notes) c.notes.push_back(std::move(n));
    // One log per place: `<node>/gpu<N>/alertmanager co-firing alerts` for an alert with a `gpu`
    // label, else `<node>/alertmanager co-firing alerts`, so that the reasoner places what a line
    // says on that node and GPU (it reads node and GPU from a log's source).
    std::map<std::string, size_t> log_of;  // source -> index in c.logs
    for (const ListedAlert& l : co.alerts) {
      const Alert& a = l.alert;
      // The triaged alert's name for the node (the one its diagnosis uses): Alertmanager was asked
      // for alerts on it, and a neighbour may name it otherwise (an address, a longer host name).
      const std::string node = AlertNode(alert).second;
      const std::string source = AlertLogSource(a, node, "alertmanager co-firing alerts");
      auto [it, added] = log_of.emplace(source, c.logs.size());
      if (added) c.logs.push_back(CaseLog{source, {}, 0});
      CaseLog& log = c.logs[it->second];
      log.lines.push_back({log.lines.size() + 1, AlertLogLine(a, node, ListedState(l))});
      log.original_lines = log.lines.size();
    }
    if (cofiring != nullptr) *cofiring = std::move(co);
  }
  if (options.job_logs != nullptr) AddJobLogs(alert, *options.job_logs, window_range.start_ms, window_range.end_ms, c);
  if (options.metrics == nullptr) {
    c.notes.push_back("metrics: none read (no metric source: set prometheus_url to read Prometheus)");
    return c;
  }
  const MetricSource& source = *options.metrics;

  // Names: the alert's expression first (most to the point), then the extra ones, then the KB's.
  std::vector<std::string> wanted;
  std::set<std::string> seen;
  auto want = [&](const std::string& n) {
    if (!n.empty() && seen.insert(n).second) wanted.push_back(n);
  };
  const std::string expr = ExpressionFromGeneratorUrl(AlertGeneratorUrl(alert));
  for (const std::string& n : MetricNamesInExpression(expr)) want(n);
  for (const std::string& n : options.extra_metrics) want(n);
  ASSIGN_OR_RETURN(std::vector<Signature> conditions, options.kb->Signatures(SignatureKind::kMetric));
  for (const Signature& sig : conditions) {
    for (const std::string& n : MetricNamesInExpression(sig.pattern)) want(n);
  }
  for (const RenamedMetric& r : kRenamedMetrics) {  // core/metric_renames.h: DCGM >= 3.3's name beside the older
    if (seen.count(std::string(r.older))) want(std::string(r.newer));
  }

  // The same Prometheus found down (the activeAt or the node-name query): its names are not asked.
  const std::vector<std::string> available =
      read.source_down || learned.source_down ? std::vector<std::string>{} : source.MetricNames();
  std::vector<std::string> names;
  if (available.empty()) {
    names = wanted;
  } else {
    std::set<std::string> have(available.begin(), available.end());
    for (const std::string& n : wanted) {
      if (have.count(n)) names.push_back(n);
    }
  }
  if (names.size() > options.max_metric_names) {
    std::vector<std::string> dropped(names.begin() + static_cast<std::ptrdiff_t>(options.max_metric_names), names.end());
    c.notes.push_back("metrics: " + std::to_string(dropped.size()) + " metric names over the cap of " +
                      std::to_string(options.max_metric_names) + " not read: " + Joined(dropped, 8));
    names.resize(options.max_metric_names);
  }

  // Window around startsAt.
  const int64_t anchor = window_range.anchor, start_ms = window_range.start_ms, end_ms = window_range.end_ms;
  for (const std::string& n : window_range.notes) c.notes.push_back(n);
  for (const std::string& n : read.notes) c.notes.push_back(n);

  for (std::string& n : learned.notes) c.notes.push_back(std::move(n));
  const std::vector<Labels> attempts = ScopeAttempts(alert, learned.attempts);
  if (attempts.front().empty()) {
    c.notes.push_back("metrics: the alert names no node, instance or job; each metric read cluster-wide (at most " +
                      std::to_string(options.max_series_per_metric) + " series per metric)");
  }

  size_t total_series = 0;
  // The same Prometheus failed the activeAt or the node-name query: not asked again (one time limit
  // when it hangs).
  bool source_down = learned.source_down;
  std::string down_error = learned.down_error;
  if (source_down && metrics_down != nullptr) *metrics_down = true;
  std::vector<std::string> not_read_down, not_read_cap, empty_names;
  std::vector<std::string> points_cut;
  // Other failures, by message, in the order first seen: the names (with their matchers) each
  // refused. One message for several names is one note (REV2: a Prometheus URL with a wrong path
  // answers 404 to every query, and the incident held one line per metric).
  std::vector<std::pair<std::string, std::vector<std::string>>> refused;
  for (const std::string& name : names) {
    if (source_down) {
      not_read_down.push_back(name);
      continue;
    }
    if (total_series >= options.max_series) {
      not_read_cap.push_back(name);
      continue;
    }
    bool found = false;
    for (const Labels& matchers : attempts) {
      MetricQuery q;
      q.name = name;
      q.matchers = matchers;
      q.start_ms = start_ms;
      q.end_ms = end_ms;
      q.max_series = options.max_series_per_metric;
      auto r = source.Query(q);
      if (!r.ok()) {
        const StatusCode code = r.status().code();
        if (code == StatusCode::kUnavailable || code == StatusCode::kDeadlineExceeded) {
          source_down = true;
          if (metrics_down != nullptr) *metrics_down = true;
          down_error = r.status().message();
          not_read_down.push_back(name);
        } else {
          const std::string why = r.status().message();
          auto same = std::find_if(refused.begin(), refused.end(), [&why](const auto& g) { return g.first == why; });
          if (same == refused.end()) same = refused.insert(refused.end(), {why, {}});
          same->second.push_back(name + FormatMatchers(matchers));
        }
        found = true;  // reported; no wider scope is tried
        break;
      }
      if (r->empty()) continue;
      found = true;
      size_t room = options.max_series - total_series;
      if (r->size() > room) {
        c.notes.push_back("metrics: " + name + FormatMatchers(matchers) + ": " + std::to_string(r->size()) +
                          " series, only " + std::to_string(room) + " kept (cap of " +
                          std::to_string(options.max_series) + " series in all)");
        r->resize(room);
      }
      for (TimeSeries& s : *r) {
        if (s.size() > options.max_points_per_series) {
          points_cut.push_back(s.id() + " (" + std::to_string(s.size()) + ")");
          s = s.SliceIndex(s.size() - options.max_points_per_series, s.size());
        }
        c.metrics.push_back(std::move(s));
      }
      total_series += r->size();
      break;
    }
    if (!found) empty_names.push_back(name);
  }
  for (const auto& [why, which] : refused) {
    if (which.size() == 1) {
      c.notes.push_back("metrics: " + which.front() + " not read: " + why);
      continue;
    }
    std::vector<std::string> bare;  // the names alone: the matchers repeat
    for (const std::string& w : which) bare.push_back(w.substr(0, w.find('{')));
    c.notes.push_back("metrics: " + std::to_string(which.size()) + " of " + std::to_string(names.size()) +
                      " metrics not read: " + why + ": " + Joined(bare, 8));
  }
  const std::string window =
      anchor > 0 ? " over [" + FormatRfc3339Ms(start_ms) + ", " + FormatRfc3339Ms(end_ms) + ")" : "";
  if (source_down) {
    c.notes.push_back("metrics: " + source.Describe() + " could not be read (" + down_error + "); " +
                      std::to_string(not_read_down.size()) + " of " + std::to_string(names.size()) +
                      " metrics not read: " + Joined(not_read_down, 8) +
                      (c.metrics.empty() ? "; this diagnosis uses no metrics: metric conditions not checked" : ""));
  }
  if (!not_read_cap.empty()) {
    c.notes.push_back("metrics: " + std::to_string(not_read_cap.size()) + " metrics not read, the cap of " +
                      std::to_string(options.max_series) + " series was reached: " + Joined(not_read_cap, 8));
  }
  if (!points_cut.empty()) {
    c.notes.push_back("metrics: " + std::to_string(points_cut.size()) + " series cut to their last " +
                      std::to_string(options.max_points_per_series) + " points: " + Joined(points_cut, 4));
  }
  if (!source_down && c.metrics.empty() && !empty_names.empty()) {
    // Only the names that answered with no series: a failed query is named above, not called empty.
    const std::string which = empty_names.size() == names.size()
                                  ? "none of the " + std::to_string(names.size()) + " metrics queried"
                                  : "none of the other " + std::to_string(empty_names.size()) +
                                        " metrics queried (" + Joined(empty_names, 8) + ")";
    c.notes.push_back("metrics: " + which + " has a series in " + FormatMatchers(attempts.front()) + window + " at " +
                      source.Describe());
  }
  if (names.empty()) {
    c.notes.push_back("metrics: none of the " + std::to_string(wanted.size()) +
                      " metrics the knowledge base and the alert name is in " + source.Describe());
  }
  if (!source_down) AddPeerSeries(alert, options, conditions, names, learned.names, start_ms, end_ms, c, metrics_down);
  return c;
}

}  // namespace

std::string NodeNameRegex(const std::string& name, bool port) {
  const std::string p = port ? "(:[0-9]+)?" : "";
  if (IsIpAddress(name)) {
    if (name.find(':') != std::string::npos) return "\\[" + RegexQuote(name) + "\\]" + p + "|" + RegexQuote(name);
    return RegexQuote(name) + p;
  }
  return RegexQuote(name.substr(0, name.find('.'))) + "(\\..*)?" + p;
}

Result<DiagnosisCase> BuildTriageCase(const Alert& alert, const TriageOptions& options) {
  return BuildCase(alert, options, nullptr, nullptr, nullptr, nullptr);
}

std::string AlertLogLine(const Alert& a, const std::string& node, const std::string& state) {
  std::string line = a.rule;
  if (line.empty()) line = LabelValue(a.labels, "alertname");
  if (line.empty()) line = "alert";
  const std::string severity = a.severity.empty() ? LabelValue(a.labels, "severity") : a.severity;
  if (!severity.empty()) {
    line += " [";
    line += severity;
    line += "]";
  }
  line += a.state == AlertState::kResolved ? " resolved" : " firing";
  if (!node.empty()) {
    line += " on ";
    line += node;
    if (const std::string gpu = LabelValue(a.labels, "gpu"); !gpu.empty()) {
      line += " GPU ";
      line += gpu;
    }
  }
  if (a.starts_at_ms > 0) {
    line += " since ";
    line += FormatRfc3339Ms(a.starts_at_ms);
  }
  if (!state.empty()) {
    line += " (";
    line += state;
    line += ")";
  }
  line += ":";
  for (const char* k : {"summary", "description", "message"}) {
    if (const std::string t = LabelValue(a.annotations, k); !t.empty()) {
      line += " ";
      line += t;
    }
  }
  line += " ";
  line += FormatMatchers(a.labels);
  return line;
}

std::string AlertLogSource(const Alert& a, const std::string& node, const std::string& what) {
  if (node.empty()) return "job/" + what;
  const std::string gpu = LabelValue(a.labels, "gpu");
  const bool gpu_index = !gpu.empty() && gpu.size() <= 3 &&
                         std::all_of(gpu.begin(), gpu.end(), [](unsigned char ch) { return std::isdigit(ch); });
  std::string source = node;
  if (gpu_index) {
    source += "/gpu";
    source += gpu;
  }
  source += "/";
  source += what;
  return source;
}

std::pair<std::string, std::string> AlertNode(const Alert& alert) {
  // kNodeLabelKeys' order, `instance` last; a value of spaces or a port alone names no node.
  for (std::string_view k : kNodeLabelKeys) {
    std::string_view read;
    if (std::string v = SubjectNodeLabel(alert.labels, k, &read); !v.empty()) return {std::string(read), std::move(v)};
  }
  return {"", ""};
}

ExpressionReading EvaluateAlertExpression(const Alert& alert, const TriageOptions& given, int64_t start_ms,
                                          int64_t end_ms, const NodeNames* node_names) {
  ExpressionReading r;
  r.expr = ExpressionFromGeneratorUrl(AlertGeneratorUrl(alert));
  if (r.expr.empty()) return r;
  const TriageOptions options = WithLiveSources(given);
  const std::string what = "alert expression `" + r.expr + "`";
  if (!options.evaluate_expression) {
    r.notes.push_back(what + ": not evaluated (no Prometheus to run it on: set prometheus_url)");
    return r;
  }
  if (start_ms <= 0 || end_ms <= start_ms) {
    r.notes.push_back(what + ": not evaluated (the alert has no startsAt to read around)");
    return r;
  }
  const std::string at = options.expression_source.empty() ? "" : " at " + options.expression_source;
  const std::string range = " over [" + FormatRfc3339Ms(start_ms) + ", " + FormatRfc3339Ms(end_ms) + ")";
  PromRangeQuery q;
  q.query = r.expr;
  q.start_ms = start_ms;
  q.end_ms = end_ms - 1;
  q.step_ms = options.expression_step_ms > 0 ? options.expression_step_ms : kDefaultExpressionStepMs;
  const int64_t span = q.end_ms - q.start_ms;
  const int64_t max_steps = static_cast<int64_t>(kPrometheusMaxPointsPerRequest) - 1;
  if (span / q.step_ms > max_steps) q.step_ms = (span + max_steps - 1) / max_steps;
  Result<PromRangeResult> res = options.evaluate_expression(q);
  if (!res.ok() && res.status().code() != StatusCode::kNotFound) {
    r.notes.push_back(what + " could not be evaluated" + at + ": " + res.status().message());
    return r;
  }
  if (!res.ok() || res->series.empty()) {
    r.notes.push_back(what + " returned no series" + range + at +
                      " (its condition no longer holds there, or its series are gone)");
    return r;
  }
  for (const std::string& w : res->warnings) r.notes.push_back(what + ": Prometheus warned (the answer may be partial): " + w);
  r.returned = res->series.size();
  const auto [node_key, node] = AlertNode(alert);
  // A series is on the node when node_names.h's SameNode says so: a node label naming it (any of
  // the alert's node labels, case, short name or FQDN), or, for a series naming its place by
  // `instance` alone (an aggregation `by (instance)`), a host naming it or the alert's own
  // instance's host (the alert may name its node by Hostname and its exporter by an address).
  const NodeNames alert_names = node_names != nullptr ? *node_names : NodeNamesOf(alert.labels);
  std::vector<Labels> all;
  bool any_node_label = false;
  for (const TimeSeries& s : res->series) {
    Labels l = s.labels;
    if (!s.name.empty()) l["__name__"] = s.name;
    any_node_label = any_node_label || !NodeNamesOf(l).empty();
    all.push_back(std::move(l));
  }
  std::vector<ExpressionSeries> kept;
  for (size_t i = 0; i < res->series.size(); ++i) {
    const TimeSeries& s = res->series[i];
    ExpressionSeries e;
    e.labels = all[i];
    e.alerts_own = LabelsWithin(s.labels, alert.labels);
    // The alert's own series is on its node whatever labels name the place.
    if (!node.empty() && any_node_label && !e.alerts_own && !SameNode(NodeNamesOf(all[i]), alert_names)) continue;
    bool have_peak = false;
    for (size_t k = 0; k < s.size(); ++k) {
      const double v = s.values[k];
      if (!std::isfinite(v)) continue;
      ++e.points;
      if (!have_peak || v > e.peak) {
        e.peak = v;
        e.peak_ms = s.timestamps_ms[k];
        have_peak = true;
      }
      // The evaluation at startsAt (the grid's point at or within one step before it), not an
      // older point of a series that had none there.
      if (alert.starts_at_ms > 0 && s.timestamps_ms[k] <= alert.starts_at_ms &&
          alert.starts_at_ms - s.timestamps_ms[k] < q.step_ms) {
        e.has_at_start = true;
        e.at_start = v;
        e.at_start_ms = s.timestamps_ms[k];
      }
    }
    if (e.points > 0) kept.push_back(std::move(e));
  }
  if (kept.empty()) {
    r.notes.push_back(what + ": none of the " + std::to_string(r.returned) + " series it returned" + range +
                      (node.empty() || !any_node_label ? " has a finite value" : " is on " + node) + at);
    return r;
  }
  std::stable_sort(kept.begin(), kept.end(),
                   [](const ExpressionSeries& a, const ExpressionSeries& b) { return a.alerts_own && !b.alerts_own; });
  if (kept.size() > options.max_expression_series) {
    r.notes.push_back(what + ": " + std::to_string(kept.size()) + " series" + (node.empty() ? "" : " on " + node) +
                      ", only the first " + std::to_string(options.max_expression_series) + " kept as evidence");
    kept.resize(options.max_expression_series);
  }
  r.series = std::move(kept);
  return r;
}

CoFiringReading ListCoFiringAlerts(const Alert& alert, const TriageOptions& given, int64_t end_ms,
                                   const NodeNames* node_names) {
  CoFiringReading r;
  const TriageOptions options = WithLiveSources(given);
  if (!options.list_alerts) return r;  // no Alertmanager configured: nothing to say
  const auto [node_key, node] = AlertNode(alert);
  if (node.empty()) {
    r.notes.push_back("co-firing alerts: not read (the alert names no node or instance to look for)");
    return r;
  }
  // Every name the triage knows for the node (the alert's node labels, its instance's host, those
  // learned from node_uname_info) in ONE case-insensitive regex, asked under each label that may
  // name a node: one request per label however many names. The regex is the coarse ask (a short
  // name's alternative takes any domain, a name any port); node_names.h's SameNode decides.
  const NodeNames known = node_names != nullptr ? *node_names : NodeNamesOf(alert.labels);
  std::string alternatives;
  std::set<std::string> alternative_seen;
  for (const auto* list : {&known.labelled, &known.instance}) {
    for (const std::string& n : *list) {
      std::string alt = NodeNameRegex(n, true);
      if (!alternative_seen.insert(alt).second) continue;
      if (!alternatives.empty()) alternatives += '|';
      alternatives += alt;
    }
  }
  if (alternatives.empty()) {  // a node label "." names nothing
    r.notes.push_back("co-firing alerts: not read (the alert names no node or instance to look for)");
    return r;
  }
  std::string regex = "(?i)(";
  regex += alternatives;
  regex += ")";
  // Asked under every node label key (node_names.h's kNodeLabelKeys: Hostname, hostname, node,
  // kubernetes_node, host, nodename, exported_instance, instance; the alert's own node label is one
  // of them): at most 8 requests however many names. Hand-written rules and node_exporter relabelling often name the node only `host=`,
  // `hostname=` or `nodename=` (PF; before, those alerts were not asked for). The keys of CF first.
  std::vector<AlertMatcher> asks;
  std::vector<std::string> keys = {"Hostname", "node", node_key, "instance"};
  for (std::string_view k : kNodeLabelKeys) keys.emplace_back(k);
  for (const std::string& key : keys) {
    if (std::none_of(asks.begin(), asks.end(), [&](const AlertMatcher& m) { return m.name == key; }))
      asks.push_back({key, "=~", regex});
  }
  const std::string from = options.alert_source.empty() ? "Alertmanager" : options.alert_source;
  std::set<std::string> seen = {alert.fingerprint};
  size_t over = 0, other_cluster = 0, unread = 0;
  std::string other_cluster_first, unread_first;
  // One time limit for all the requests together: a slow Alertmanager that answers each request
  // just inside its own limit would otherwise cost six limits. Each request gets what is left.
  const Clock* clock = options.clock != nullptr ? options.clock : SystemClock();
  const int64_t started_ns = clock->MonotonicNs();
  for (size_t i = 0; i < asks.size(); ++i) {
    const AlertMatcher& m = asks[i];
    const int64_t left_ms = options.cofiring_time_limit_ms - (clock->MonotonicNs() - started_ns) / 1'000'000;
    if (left_ms <= 0) {
      std::string keys;
      for (size_t k = i; k < asks.size(); ++k) keys += (k == i ? "" : ", ") + asks[k].name;
      r.notes.push_back("co-firing alerts on " + node + ": " + from + " took the whole time limit (" +
                        FormatDurationMs(options.cofiring_time_limit_ms) + ") for " + std::to_string(i) + " of " +
                        std::to_string(asks.size()) + " requests; alerts naming the node only under " + keys +
                        " were not looked at");
      break;
    }
    AlertFilter f;
    f.matchers = {m};
    f.max_time_ms = left_ms;
    Result<std::vector<ListedAlert>> listed = options.list_alerts(f);
    if (!listed.ok()) {  // not asked again (a hung Alertmanager costs one time limit); what was listed is kept
      const size_t n = r.alerts.size();
      r.notes.push_back("co-firing alerts on " + node + ": " + from + " could not be read (" +
                        listed.status().message() + "); " +
                        (n == 0 ? std::string("other alerts on the node were not looked at")
                                : std::to_string(n) + (n == 1 ? " alert" : " alerts") +
                                      " listed before it kept, the node's other alerts not looked at"));
      break;
    }
    for (ListedAlert& l : *listed) {
      if (!l.unread.empty()) {  // Alertmanager holds an alert it could take but we cannot read: the rest used
        if (unread++ == 0) unread_first = l.unread;
        continue;
      }
      if (!seen.insert(l.alert.fingerprint).second) continue;
      // The alert itself under another fingerprint (a file's alert without one gets a computed one;
      // vigil serve's forwarded copy of its own alert carries the vigil fingerprint in a label).
      if (l.alert.rule == alert.rule && l.alert.labels == alert.labels) continue;
      if (!alert.fingerprint.empty() && LabelValue(l.alert.labels, kVigilFingerprintLabel) == alert.fingerprint) continue;
      if (end_ms > 0 && l.alert.starts_at_ms >= end_ms) continue;  // started after the window
      // On the node by node_names.h's rule: the regex's near misses (node-30, another domain) and
      // one found by address whose node label names another node (an exporter on this machine
      // reporting on that one) left out.
      const NodeNames theirs = NodeNamesOf(l.alert.labels);
      if (!SameNode(theirs, known)) continue;
      // ... also when the triaged alert names its node by address only (SameNode then takes any
      // shared name): a node label of the answer's must name the node (review RV-CF).
      if (!theirs.labelled.empty() && std::none_of(theirs.labelled.begin(), theirs.labelled.end(),
                                                   [&](const std::string& n) { return NamesNode(known, n); }))
        continue;
      // Another cluster's node of the same name (a global Alertmanager; review RV-DX's rule).
      if (std::string other = OtherCluster(l.alert.labels, alert.labels); !other.empty()) {
        if (other_cluster++ == 0) other_cluster_first = std::move(other);
        continue;
      }
      if (r.alerts.size() >= options.max_cofiring_alerts) {
        ++over;
        continue;
      }
      r.alerts.push_back(std::move(l));
    }
  }
  std::stable_sort(r.alerts.begin(), r.alerts.end(), [](const ListedAlert& a, const ListedAlert& b) {
    return a.alert.starts_at_ms < b.alert.starts_at_ms;
  });
  // The alert names no cluster but the alerts kept name two or more (a global Alertmanager, a file's
  // alert): all kept, as one side's label alone says nothing (review RV-CF), and said.
  for (const char* k : kClusterLabels) {
    if (!LabelValue(alert.labels, k).empty()) continue;
    std::set<std::string> values;
    for (const ListedAlert& l : r.alerts) {
      if (std::string v = LabelValue(l.alert.labels, k); !v.empty()) values.insert(std::move(v));
    }
    if (values.size() < 2) continue;
    std::string said = "co-firing alerts on " + node + ": of " + std::to_string(values.size()) + " clusters (";
    said += k;
    said += '=';
    size_t shown = 0;
    for (const std::string& v : values) {
      if (shown == 4) {
        said += ", ...";
        break;
      }
      if (shown++ > 0) said += ", ";
      said += '"';
      said += v;
      said += '"';
    }
    said += ") and the alert names none: all kept, some may be another cluster's node of the same name";
    r.notes.push_back(std::move(said));
    break;
  }
  if (other_cluster > 0) {
    r.notes.push_back("co-firing alerts on " + node + ": " + std::to_string(other_cluster) +
                      (other_cluster == 1 ? " alert" : " alerts") + " of another cluster left out (" +
                      other_cluster_first + ")");
  }
  if (unread > 0) {
    r.notes.push_back("co-firing alerts on " + node + ": " + std::to_string(unread) +
                      (unread == 1 ? " alert" : " alerts") + " in Alertmanager's answer could not be read (" +
                      unread_first + "); the others used");
  }
  if (over > 0) {
    r.notes.push_back("co-firing alerts on " + node + ": " + std::to_string(over) + " more than the " +
                      std::to_string(options.max_cofiring_alerts) + " kept were not read");
  }
  return r;
}

LiveTriageSource::LiveTriageSource(std::unique_ptr<MetricSource> metrics, ExpressionEvaluator evaluate,
                                   std::string expression_source, AlertLister list_alerts, std::string alert_source,
                                   int64_t expression_step_ms)
    : metrics_(std::move(metrics)),
      evaluate_(std::move(evaluate)),
      expression_source_(std::move(expression_source)),
      list_alerts_(std::move(list_alerts)),
      alert_source_(std::move(alert_source)),
      expression_step_ms_(expression_step_ms) {}

Result<std::vector<TimeSeries>> LiveTriageSource::Query(const MetricQuery& query) const {
  if (metrics_ == nullptr) return FailedPreconditionError("no metric source (prometheus_url is not set)");
  return metrics_->Query(query);
}
std::vector<std::string> LiveTriageSource::MetricNames() const {
  return metrics_ == nullptr ? std::vector<std::string>{} : metrics_->MetricNames();
}
std::string LiveTriageSource::Describe() const { return metrics_ == nullptr ? "none" : metrics_->Describe(); }

ActiveAtReading ReadAlertActiveAt(const Alert& alert, const TriageOptions& given) {
  ActiveAtReading r;
  const TriageOptions options = WithLiveSources(given);
  if (!options.evaluate_expression || alert.starts_at_ms <= 0 || alert.rule.empty()) return r;
  if (ActiveBeforeStart(alert)) return r;  // known already
  const std::string at = options.expression_source.empty() ? "" : " at " + options.expression_source;
  const std::string what = "ALERTS_FOR_STATE{alertname=" + PromString(alert.rule) + "}";
  PromRangeQuery q;
  q.query = what;
  q.start_ms = alert.starts_at_ms;
  q.step_ms = options.expression_step_ms > 0 ? options.expression_step_ms : kDefaultExpressionStepMs;
  q.end_ms = alert.starts_at_ms + q.step_ms;
  Result<PromRangeResult> res = options.evaluate_expression(q);
  if (!res.ok() && res.status().code() != StatusCode::kNotFound) {
    const StatusCode code = res.status().code();
    r.source_down = code == StatusCode::kUnavailable || code == StatusCode::kDeadlineExceeded;
    r.down_error = res.status().message();
    r.notes.push_back("alert: " + what + " could not be read" + at + " (" + res.status().message() +
                      "): its condition is taken to have held from startsAt");
    return r;
  }
  // The alert's own series: every label of it (but __name__) equal in the alert's labels, which may
  // hold more (Prometheus's external labels are added on the way to Alertmanager, not stored); the
  // one naming the most labels.
  const TimeSeries* own = nullptr;
  size_t candidates = 0;
  if (res.ok()) {
    for (const TimeSeries& s : res->series) {
      if (!LabelsWithin(s.labels, alert.labels)) continue;
      ++candidates;
      if (own == nullptr || s.labels.size() > own->labels.size()) own = &s;
    }
  }
  // None (an alert of another server's rule, past retention, not from Prometheus): nothing to say
  // here; the kernel-log evidence names the window it used (startsAt - 300 s).
  if (own == nullptr) return r;
  std::optional<double> value;
  for (double v : own->values) {
    if (std::isfinite(v)) {
      value = v;
      break;
    }
  }
  if (!value || *value <= 0 || *value * 1000 > static_cast<double>(alert.starts_at_ms) ||
      *value * 1000 < static_cast<double>(alert.starts_at_ms) - 366.0 * 86400 * 1000) {
    char held[64] = "no finite value";
    if (value) std::snprintf(held, sizeof held, "%.3f", *value);
    r.notes.push_back("alert: " + what + at + " holds " + held + " for this alert, not a Unix time in the year up to its "
                      "startsAt " + FormatRfc3339Ms(alert.starts_at_ms) + ": not used");
    return r;
  }
  r.active_at_ms = static_cast<int64_t>(std::llround(*value * 1000));
  if (r.active_at_ms >= alert.starts_at_ms) {
    r.active_at_ms = 0;  // held from startsAt: a rule without a `for` that matters; nothing to say
    return r;
  }
  r.found = "its condition held from " + FormatRfc3339Ms(r.active_at_ms) + ", " +
            std::to_string((alert.starts_at_ms - r.active_at_ms) / 1000) + " s before startsAt (" + what + at +
            (candidates > 1 ? ", the series naming most of its labels" : "") + ")";
  return r;
}

Result<DiagnosisReport> TriageAlert(const Alert& alert, const TriageOptions& given) {
  const TriageOptions options = WithLiveSources(given);
  CoFiringReading cofiring;
  bool metrics_down = false;
  NodeNames node_names = NodeNamesOf(alert.labels);
  ActiveAtReading held;
  Alert placed = alert;  // on its pod's node when it names only its pod (kube_pod_info)
  ASSIGN_OR_RETURN(DiagnosisCase c, BuildCase(alert, options, &cofiring, &metrics_down, &node_names, &held, &placed));
  const Window window = TriageWindow(*c.alert, options);  // with the activeAt read
  ExpressionReading expr;
  if (metrics_down) {  // the same Prometheus (LiveTriageSource): not asked again, as the metrics were not
    expr.expr = ExpressionFromGeneratorUrl(AlertGeneratorUrl(alert));
    if (!expr.expr.empty()) {
      expr.notes.push_back("alert expression `" + expr.expr +
                           "`: not evaluated (the metric source could not be read, see above)");
    }
  } else {
    expr = EvaluateAlertExpression(placed, options, window.start_ms, window.end_ms, &node_names);
  }
  for (const std::string& n : expr.notes) c.notes.push_back(n);
  Json read = Json::object();
  read["agent"] = "alert_triage";
  read["metric_source"] = options.metrics ? options.metrics->Describe() : "";
  read["series_read"] = c.metrics.size();
  Json ids = Json::array();
  for (const TimeSeries& s : c.metrics) {
    if (ids.size() < 64) ids.push_back(s.id());
  }
  read["series"] = std::move(ids);
  read["notes"] = c.notes;
  if (!held.found.empty()) read["active_at"] = {{"time", FormatRfc3339Ms(held.active_at_ms)}, {"how", held.found}};
  // Context evidence (weight 0: the reasoner does not count it; it reads the co-firing alerts
  // through the case's log): the expression's series, then the co-firing alerts.
  std::vector<Evidence> context;
  if (!expr.expr.empty()) {
    Json e = Json::object();
    e["expr"] = expr.expr;
    e["source"] = options.expression_source;
    e["series_returned"] = expr.returned;
    Json rows = Json::array();
    for (const ExpressionSeries& s : expr.series) {
      const std::string where = FormatSeriesId("", s.labels);
      rows.push_back({{"series", where},
                      {"alerts_own", s.alerts_own},
                      {"at_starts_at", s.has_at_start ? Json(s.at_start) : Json()},
                      {"peak", s.peak},
                      {"peak_at", FormatRfc3339Ms(s.peak_ms)},
                      {"points", s.points}});
      context.push_back(ExpressionSeriesEvidence(expr.expr, s, options.expression_source,
                                                 s.alerts_own ? " (the alert's series)" : "", "startsAt"));
    }
    e["series"] = std::move(rows);
    read["expression"] = std::move(e);
  }
  if (options.list_alerts) {
    Json rows = Json::array();
    for (const ListedAlert& l : cofiring.alerts) {
      const Alert& a = l.alert;
      rows.push_back({{"alertname", a.rule},
                      {"fingerprint", a.fingerprint},
                      {"state", l.state},
                      {"silenced_by", l.silenced_by},
                      {"inhibited_by", l.inhibited_by},
                      {"starts_at", a.starts_at_ms > 0 ? FormatRfc3339Ms(a.starts_at_ms) : ""},
                      {"labels", a.labels}});
      Evidence ev;
      ev.kind = EvidenceKind::kAlert;
      ev.source = (options.alert_source.empty() ? "alertmanager" : options.alert_source) + " alert " + a.fingerprint;
      ev.detail = "co-firing on the same node: " + a.rule + (a.severity.empty() ? "" : " [" + a.severity + "]") +
                  " " + FormatMatchers(a.labels) +
                  (a.starts_at_ms > 0 ? " since " + FormatRfc3339Ms(a.starts_at_ms) : "") +
                  (ListedState(l).empty() ? "" : " (" + ListedState(l) + ")");
      if (const std::string t = LabelValue(a.annotations, "summary"); !t.empty()) ev.detail += ": " + t;
      ev.time_ms = a.starts_at_ms;
      ev.weight = 0;
      context.push_back(std::move(ev));
    }
    read["cofiring_alerts"] = std::move(rows);
    read["alert_source"] = options.alert_source;
  }
  DiagnosisAgentOptions o;
  o.kb = options.kb;
  o.llm = options.llm;
  o.reasoner.allow_intrusive = options.allow_intrusive;
  o.reasoner.verification_budget_s = options.verification_budget_s;
  o.log_line_budget = options.log_line_budget;
  o.clock = options.clock;
  DiagnosisAgent agent(o);
  ASSIGN_OR_RETURN(DiagnosisReport report, agent.Diagnose(std::move(c), options.probes));
  // The pod's node (PlacePodOnNode): the diagnosis read kube_pod_info from the case's metrics, which
  // the triage read from Prometheus: said so.
  const std::string pod_source = options.node_names_source.empty() ? std::string("Prometheus") : options.node_names_source;
  for (Evidence& e : report.diagnosis.evidence) {
    if (e.source != "kube_pod_info") continue;
    e.source = pod_source + " kube_pod_info";
    if (const size_t at = e.detail.find(" in the case's metrics;"); at != std::string::npos)
      e.detail.replace(at, std::string_view(" in the case's metrics").size(), " at " + pod_source);
  }
  std::set<std::string> ids_used;
  for (const Evidence& e : report.diagnosis.evidence) ids_used.insert(e.id);
  size_t next_id = 1;
  auto context_id = [](size_t n) {  // appended, not "t" + ...: GCC 12's -Wrestrict misfires on that here
    std::string id = "t";
    id += std::to_string(n);
    return id;
  };
  for (Evidence& e : context) {
    while (ids_used.count(context_id(next_id))) ++next_id;
    e.id = context_id(next_id++);
    report.diagnosis.evidence.push_back(std::move(e));
  }
  Json trace = Json::array();
  trace.push_back(std::move(read));
  for (Json& t : report.trace) trace.push_back(std::move(t));
  report.trace = std::move(trace);
  return report;
}

Evidence ExpressionSeriesEvidence(std::string_view expr, const ExpressionSeries& s, std::string_view source,
                                  std::string_view qualifier, std::string_view start_name) {
  Evidence ev;
  ev.kind = EvidenceKind::kMetric;
  ev.source = source.empty() ? std::string("prometheus") : std::string(source);
  ev.source += " query_range";
  ev.detail = "alert expression `";
  ev.detail += expr;
  ev.detail += "` on ";
  ev.detail += FormatSeriesId("", s.labels);
  ev.detail += qualifier;
  ev.detail += ": ";
  if (s.has_at_start) {
    ev.detail += FormatValue(s.at_start);
    ev.detail += " at ";
  } else {
    ev.detail += "no value at ";
  }
  ev.detail += start_name;
  ev.detail += ", peak ";
  ev.detail += FormatValue(s.peak);
  ev.detail += " at ";
  ev.detail += FormatRfc3339Ms(s.peak_ms);
  ev.detail += " (";
  ev.detail += std::to_string(s.points);
  ev.detail += s.points == 1 ? " point)" : " points)";
  ev.time_ms = s.has_at_start ? s.at_start_ms : s.peak_ms;
  ev.value = s.has_at_start ? s.at_start : s.peak;
  ev.weight = 0;
  return ev;
}

}  // namespace vigil
