#include "agents/alert_triage.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "connectors/alertmanager.h"
#include "connectors/prometheus_source.h"
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

std::string Lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
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

std::string LabelOf(const Labels& labels, const char* key) {
  auto it = labels.find(key);
  return it == labels.end() ? "" : it->second;
}

// The matcher sets tried in order for each metric (see the header's "scope").
std::vector<Labels> ScopeAttempts(const Alert& alert) {
  std::vector<Labels> out;
  const std::string job = LabelOf(alert.labels, "job");
  const std::string instance = LabelOf(alert.labels, "instance");
  for (const std::string key : {"Hostname", "hostname", "node", "host", "nodename"}) {
    const std::string v = LabelOf(alert.labels, key.c_str());
    if (v.empty()) continue;
    if (!job.empty()) out.push_back({{key, v}, {"job", job}});
    out.push_back({{key, v}});
    // The same node under the other name: dcgm-exporter's `Hostname` (DCGM series, the DCGM rules)
    // and the trainer's `node` (training series, the training rules) name one machine.
    if (key != "Hostname") out.push_back({{"Hostname", v}});
    if (key != "node") out.push_back({{"node", v}});
    break;
  }
  if (!instance.empty()) {
    if (out.empty() && !job.empty()) out.push_back({{"instance", instance}, {"job", job}});
    out.push_back({{"instance", instance}});
  }
  if (out.empty() && !job.empty()) out.push_back({{"job", job}});
  if (out.empty()) out.push_back({});  // nothing names a scope: cluster-wide, capped per metric
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
    const std::string lower = Lower(word);  // keywords and aggregations are case-insensitive in PromQL
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
      std::string after = Lower(s.substr(next, w - next));
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

Result<std::unique_ptr<MetricSource>> MakeTriageMetricSource(const Config& config, int64_t step_ms) {
  const std::string& url = config.GetString("prometheus_url");
  if (url.empty()) return std::unique_ptr<MetricSource>();
  auto parsed = ParsePrometheusUrl(url);
  if (!parsed.ok()) return InvalidArgumentError("prometheus_url: " + parsed.status().message());
  if (step_ms <= 0) return InvalidArgumentError("metrics step: must be more than 0s");
  PrometheusSourceOptions po;
  po.url = *parsed;
  po.step_ms = step_ms;
  po.http.timeout_ms = config.GetDurationMs("prometheus_timeout");
  if (po.http.timeout_ms <= 0) return InvalidArgumentError("prometheus_timeout: must be more than 0s");
  po.http.connect_timeout_ms = std::min<int64_t>(po.http.timeout_ms, 10'000);
  return std::unique_ptr<MetricSource>(std::make_unique<PrometheusMetricSource>(po));
}

Result<DiagnosisCase> BuildTriageCase(const Alert& alert, const TriageOptions& options) {
  if (options.kb == nullptr) return InvalidArgumentError("alert triage: no knowledge base given");
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
  if (seen.count("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS")) want("DCGM_FI_DEV_CLOCKS_EVENT_REASONS");  // DCGM >= 3.3

  const std::vector<std::string> available = source.MetricNames();
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
  const int64_t anchor = alert.starts_at_ms > 0 ? alert.starts_at_ms : options.now_ms;
  int64_t start_ms = 0, end_ms = 0;
  if (anchor > 0) {
    start_ms = std::max<int64_t>(1, anchor - options.lookback_ms);
    end_ms = anchor + options.after_ms;
    if (options.now_ms > 0 && end_ms > options.now_ms + 1) end_ms = options.now_ms + 1;
    if (end_ms <= start_ms) {  // startsAt more than the lookback after now: a clock off, or a made-up time
      end_ms = anchor + options.after_ms;
      c.notes.push_back("metrics: the alert's startsAt " + FormatRfc3339Ms(anchor) + " is after now (" +
                        FormatRfc3339Ms(options.now_ms) + "); its window is read as given");
    }
  } else {
    c.notes.push_back("metrics: the alert has no startsAt; read over the source's default range before now");
  }

  const std::vector<Labels> attempts = ScopeAttempts(alert);
  if (attempts.front().empty()) {
    c.notes.push_back("metrics: the alert names no node, instance or job; each metric read cluster-wide (at most " +
                      std::to_string(options.max_series_per_metric) + " series per metric)");
  }

  size_t total_series = 0;
  bool source_down = false;
  std::string down_error;
  std::vector<std::string> not_read_down, not_read_cap, empty_names;
  std::vector<std::string> points_cut;
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
          down_error = r.status().message();
          not_read_down.push_back(name);
        } else {
          c.notes.push_back("metrics: " + name + FormatMatchers(matchers) + " not read: " + r.status().message());
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
  const std::string window =
      anchor > 0 ? " over [" + FormatRfc3339Ms(start_ms) + ", " + FormatRfc3339Ms(end_ms) + ")" : "";
  if (source_down) {
    c.notes.push_back("metrics: " + source.Describe() + " could not be read (" + down_error + "); " +
                      std::to_string(not_read_down.size()) + " of " + std::to_string(names.size()) +
                      " metrics not read: " + Joined(not_read_down, 8) +
                      (c.metrics.empty() ? "; this diagnosis uses no metrics" : ""));
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
  return c;
}

Result<DiagnosisReport> TriageAlert(const Alert& alert, const TriageOptions& options) {
  ASSIGN_OR_RETURN(DiagnosisCase c, BuildTriageCase(alert, options));
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
  DiagnosisAgentOptions o;
  o.kb = options.kb;
  o.llm = options.llm;
  o.reasoner.allow_intrusive = options.allow_intrusive;
  o.log_line_budget = options.log_line_budget;
  o.clock = options.clock;
  DiagnosisAgent agent(o);
  ASSIGN_OR_RETURN(DiagnosisReport report, agent.Diagnose(std::move(c), options.probes));
  Json trace = Json::array();
  trace.push_back(std::move(read));
  for (Json& t : report.trace) trace.push_back(std::move(t));
  report.trace = std::move(trace);
  return report;
}

}  // namespace vigil
