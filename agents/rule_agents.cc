#include "agents/rule_agents.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <sstream>

#include "core/json.h"
#include "core/logging.h"
#include "core/time_util.h"

namespace vigil {
namespace {

constexpr std::string_view kComponent = "rule-agents";

std::string Num(double x) {
  if (std::isnan(x)) return "NaN";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", x);
  return buf;
}

std::string Fixed3(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", x);
  return buf;
}

// Quantile q of `v` (sorted in place), linear interpolation; NaN when empty.
double Quantile(std::vector<double>& v, double q) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  double pos = q * static_cast<double>(v.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(pos));
  size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

struct Stats {
  double min = NAN, p01 = NAN, p50 = NAN, p99 = NAN, max = NAN, mean = NAN, std = NAN, mad = NAN;
  size_t n = 0;
};

Stats Describe(const std::vector<double>& values) {
  std::vector<double> v;
  v.reserve(values.size());
  for (double x : values)
    if (!std::isnan(x)) v.push_back(x);
  Stats s;
  s.n = v.size();
  if (v.empty()) return s;
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / static_cast<double>(v.size());
  double ss = 0;
  for (double x : v) ss += (x - s.mean) * (x - s.mean);
  s.std = std::sqrt(ss / static_cast<double>(v.size()));
  s.min = Quantile(v, 0);
  s.p01 = Quantile(v, 0.01);
  s.p50 = Quantile(v, 0.5);
  s.p99 = Quantile(v, 0.99);
  s.max = Quantile(v, 1);
  std::vector<double> dev;
  dev.reserve(v.size());
  for (double x : v) dev.push_back(std::fabs(x - s.p50));
  s.mad = Quantile(dev, 0.5);
  return s;
}

std::string StatsLine(const Stats& s) {
  return "min " + Num(s.min) + ", p1 " + Num(s.p01) + ", median " + Num(s.p50) + ", p99 " + Num(s.p99) +
         ", max " + Num(s.max) + ", mean " + Num(s.mean) + ", std " + Num(s.std) + ", MAD " + Num(s.mad);
}

std::string MetricsLine(const RuleMetrics& m, const std::string& objective) {
  return objective + " F1 " + Fixed3(m.objective_f1) + " (precision " + Fixed3(m.objective.Precision()) +
         ", recall " + Fixed3(m.objective.Recall()) + ", tp " + std::to_string(m.objective.tp) + ", fp " +
         std::to_string(m.objective.fp) + ", fn " + std::to_string(m.objective.fn) + "), flags " +
         std::to_string(m.flagged) + " of " + std::to_string(m.points) + " points";
}

bool IsIdentifier(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

std::string SelectClause(const std::string& selector, const std::string& metric) {
  if (!selector.empty()) return "select " + selector;
  return IsIdentifier(metric) ? "select " + metric : "select *";
}

const Json& AnswerSchema() {
  static const Json schema = Json::parse(R"({
    "type": "object",
    "properties": {
      "rules": {"type": "string", "description": "the complete rule file"},
      "rationale": {"type": "string", "description": "one line: what the rules look for and why"}
    },
    "required": ["rules", "rationale"],
    "additionalProperties": false
  })");
  return schema;
}

std::string WithLineNumbers(const std::string& text) {
  std::ostringstream out;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%4d | ", ++n);
    out << buf << line << '\n';
  }
  return out.str();
}

// The aggregation-mode part of the detection prompt: the two roles and how they combine.
std::string BaseInstructions(const RuleAgentsInput& input, const std::string& select) {
  return "Aggregation mode: the rules work ON TOP OF the base detector `" + input.base_name +
         "`, whose flags are given. The final flags are\n"
         "  (base flag AND NOT any role=\"suppress\" rule) OR any role=\"add\" rule\n"
         "Every rule must carry its role in a labels clause after `when`:\n"
         "  labels { role = \"suppress\" }   holds on the base's false alarms (flagged, label 0) and NOT on "
         "its true detections (flagged, label 1); where no base flag is set a suppress rule changes nothing, "
         "so it may also hold on ordinary normal points\n"
         "  labels { role = \"add\" }        flags the base's misses (label 1, not flagged); it must not "
         "hold "
         "on normal points\n"
         "A rule without a role label counts as add. Write only the rules that help: no rule at all means "
         "the base runs alone. Example:\n"
         "  rule quiet_daily_peak {\n    " +
         select +
         "\n    when abs(value - (value offset 1d)) < 5\n    labels { role = \"suppress\" }\n  }\n"
         "The base detector's false alarms, true detections and misses are listed per series below; their "
         "times and surroundings show what separates them.\n\n";
}

Result<ProposedRules> AskForRules(LlmClient& llm, std::string user, std::string purpose,
                                  const RuleAgentOptions& options) {
  ChatRequest req;
  req.messages.push_back({"system", RuleLanguagePrimer(), {}, "", ""});
  req.messages.push_back({"user", std::move(user), {}, "", ""});
  req.response_schema = AnswerSchema();
  req.temperature = options.temperature;
  req.max_tokens = options.max_tokens;
  req.stream = options.stream;
  req.purpose = std::move(purpose);
  ASSIGN_OR_RETURN(ChatResponse res, llm.Chat(req));
  auto parsed = ParseRuleAnswer(res.message.content);
  if (!parsed.ok()) {
    // Not an LLM failure: the caller hands this to the repair agent as the error to fix.
    Status why = parsed.status();
    if (res.finish_reason == "length") {
      why = InvalidArgumentError(why.message() +
                                 " (the answer was cut off at the token limit: write a shorter rule file)");
    }
    return why.WithContext("model answer");
  }
  return parsed;
}

// Maximal runs of non-zero entries of `mask`, as [begin, end) index pairs.
std::vector<std::pair<size_t, size_t>> Runs(const std::vector<uint8_t>& mask) {
  std::vector<std::pair<size_t, size_t>> runs;
  for (size_t i = 0; i < mask.size();) {
    if (!mask[i]) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < mask.size() && mask[j]) ++j;
    runs.push_back({i, j});
    i = j;
  }
  return runs;
}

// One segment [sb, se) of `values` (the chunk of `ts` starting at `b`): its size, start, values and
// what surrounds it. `with_end` adds the end time and the 30 points after it.
std::string SegmentLine(const TimeSeries& ts, size_t b, const std::vector<double>& values, size_t sb,
                        size_t se, bool with_end) {
  std::ostringstream out;
  std::vector<double> inside(values.begin() + sb, values.begin() + se);
  size_t ctx_b = sb >= 30 ? sb - 30 : 0;
  std::vector<double> before(values.begin() + ctx_b, values.begin() + sb);
  Stats in = Describe(inside), pre = Describe(before);
  double peak_dev = 0;
  for (double x : inside)
    if (!std::isnan(x) && !std::isnan(pre.p50)) peak_dev = std::max(peak_dev, std::fabs(x - pre.p50));
  out << (se - sb) << " point(s) from " << FormatRfc3339Ms(ts.timestamps_ms[b + sb]);
  if (with_end && se - sb > 1) out << " to " << FormatRfc3339Ms(ts.timestamps_ms[b + se - 1]);
  out << "; values min " << Num(in.min) << ", max " << Num(in.max) << ", mean " << Num(in.mean)
      << "; the 30 points before: median " << Num(pre.p50) << ", MAD " << Num(pre.mad) << ", std "
      << Num(pre.std);
  if (with_end) {
    std::vector<double> after(values.begin() + se, values.begin() + std::min(values.size(), se + 30));
    out << "; the 30 points after: median " << Num(Describe(after).p50);
  }
  out << "; largest |value - median before| " << Num(peak_dev);
  if (!std::isnan(pre.mad) && pre.mad > 0) out << " (" << Num(peak_dev / pre.mad) << " MADs)";
  if (sb > 0) out << "; change into the segment " << Num(values[sb] - values[sb - 1]);
  return out.str();
}

// The base detector's behaviour on series `s` in chunk [b, e): its false alarms (flagged, label
// 0), true detections (flagged, label 1) and misses (label 1, not flagged), as segments.
void DescribeBase(std::ostream& out, const RuleAgentsInput& input, size_t s, size_t b, size_t e,
                  const std::vector<double>& values, const std::vector<uint8_t>& labels,
                  const RuleAgentOptions& options) {
  const TimeSeries& ts = input.train[s];
  const std::vector<uint8_t>& all = input.base_flags[s];
  std::vector<uint8_t> false_alarm(e - b, 0), detected(e - b, 0), missed(e - b, 0);
  size_t flagged = 0;
  for (size_t i = 0; i < e - b; ++i) {
    const bool f = b + i < all.size() && all[b + i] != 0;
    flagged += f;
    false_alarm[i] = f && !labels[i];
    detected[i] = f && labels[i];
    missed[i] = !f && labels[i];
  }
  out << "  base detector `" << input.base_name << "`: flags " << flagged << " of " << (e - b)
      << " points in this chunk\n";
  auto list = [&](const std::vector<uint8_t>& mask, const std::string& title, const std::string& item,
                  const std::string& hint) {
    const auto runs = Runs(mask);
    out << "  " << title << ": " << std::count(mask.begin(), mask.end(), 1) << " points in " << runs.size()
        << " segment(s)" << (runs.empty() ? "" : hint);
    if (runs.size() >= 3) {
      std::vector<double> gaps;
      for (size_t k = 1; k < runs.size(); ++k)
        gaps.push_back(static_cast<double>(ts.timestamps_ms[b + runs[k].first] -
                                           ts.timestamps_ms[b + runs[k - 1].first]));
      out << "; median time between them " << FormatDurationMs(static_cast<int64_t>(Quantile(gaps, 0.5)));
    }
    out << "\n";
    for (size_t k = 0; k < runs.size() && k < options.max_segments_in_prompt; ++k) {
      out << "    " << item << " " << (k + 1) << ": "
          << SegmentLine(ts, b, values, runs[k].first, runs[k].second, true) << "\n";
    }
    if (runs.size() > options.max_segments_in_prompt)
      out << "    (" << (runs.size() - options.max_segments_in_prompt) << " more not shown)\n";
  };
  list(false_alarm, "base false alarms (flagged, label 0)", "false alarm",
       ": role=\"suppress\" rules should hold here");
  list(detected, "base true detections (flagged, label 1)", "detection",
       ": role=\"suppress\" rules must NOT hold here");
  list(missed, "base misses (label 1, not flagged)", "missed", ": role=\"add\" rules should hold here");
}

bool IsLlmStop(const Status& s) {
  return s.code() == StatusCode::kResourceExhausted || s.code() == StatusCode::kUnavailable ||
         s.code() == StatusCode::kDeadlineExceeded;
}

}  // namespace

const std::string& RuleLanguagePrimer() {
  static const std::string primer =
      R"(You write anomaly-detection rules for time series in Vigil's rule language. A rule file holds one or more rules. The engine evaluates every rule at every point of every selected series; a point is flagged as anomalous when the `when` condition of any rule is true at that point.

Rule syntax:
  rule NAME {                      # NAME: letters, digits and _, unique within the file
    select METRIC                  # the series: a metric name, `*` (any metric), or METRIC{label="v", other=~"re.*"}
    when CONDITION                 # boolean expression, evaluated at each point
    severity warning               # optional: critical, warning or info
    explain "text {{label}} {{expression}}"   # optional, shown with every alert
  }
Optional clauses `for 2m` and `keep_firing_for 5m` delay and extend alerts; leave them out when training rules.
Comments start with # and run to the end of the line.

Expressions:
  value                  the current point's value (the metric name means the same)
  3, 0.5, 1e3, 0x60      numbers (0x: hexadecimal); true, false
  + - * /                arithmetic; unary minus
  < <= > >= == !=        comparisons (they do not chain: write `a < b and b < c`; `=` is not a comparison)
  and, or, not, ( )      boolean logic
  NaN (missing data, empty windows) compares false.

Windows are the last argument of a window function: `30p` is the last 30 points including the current one; a duration (`30s`, `5m`, `1h`, `1d`, `1h30m`) is the points with timestamps in the last that long. A duration always needs its unit.
Window functions: mean(x, w), std(x, w), min(x, w), max(x, w), median(x, w), mad(x, w) (median absolute deviation from the window median, unscaled), sum(x, w), count(x, w), delta(x, w) (last minus first), rate(x, w) (per second), zscore(x, w) ((x - mean) / std over w), changes(x, w), resets(x, w), quantile(x, q, w) with q in [0, 1].
Other functions: ewma(x, alpha) with alpha in (0, 1]; lag(x, k) (x as it was k points earlier); diff(x) (x - lag(x, 1)); x offset 1d (x one day earlier, for seasonality); abs(x); log(x); clamp(x, lo, hi); stale_for(5m) (the series sent no point for 5m); absent(5m) (no selected series sent a point for 5m).
Bit fields (a status bitmask such as DCGM's clock-event reasons): any_bits(x, 0x60) is true when x has any of the mask's bits set, all_bits(x, 0x60) when it has all of them; the mask is a literal whole number; a value that is not a whole number >= 0 has no bit set.
Cross-series aggregation (when several series share a metric): median by (host) (value), also mean, min, max, sum, count, std, quantile by (...) (q, x).
x may itself be an expression: mean(abs(diff(value)), 60p), median(lag(value, 1), 100p).

Examples (each compiles):
  # a spike far outside the recent robust band (the band excludes the current point)
  rule latency_spike {
    select step_time_ms
    when abs(value - median(lag(value, 1), 120p)) > 8 * mad(lag(value, 1), 120p) and value > 1.2 * median(lag(value, 1), 120p)
    severity warning
    explain "step time {{value}} ms against a median of {{median(lag(value, 1), 120p)}} ms"
  }
  # a sudden jump between consecutive points, large against typical jumps
  rule throughput_jump {
    select samples_per_second
    when abs(diff(value)) > 6 * median(abs(diff(value)), 200p) + 1
  }
  # a level shift: the recent mean moved away from the mean an hour earlier
  rule level_shift {
    select gpu_util
    when abs(mean(value, 10p) - mean(value offset 1h, 10p)) > 4 * std(value offset 1h, 60p)
  }
  # a stuck value, a hard threshold, and a counter that must keep increasing
  rule flatline {
    select loss
    when std(value, 30p) == 0 and count(value, 30p) >= 30
  }
  rule too_hot {
    select gpu_temp_c
    when value > 87
  }
  rule stalled_counter {
    select optimizer_steps_total
    when delta(value, 10m) <= 0 and count(value, 10m) > 3
  }

Advice: fit thresholds to the statistics you are given; prefer robust bands (median/mad) over mean/std when there are spikes; several short rules are better than one long one; do not refer to timestamps or point indices; keep every rule that still helps.

Answer with exactly one JSON object and nothing else:
  {"rules": "<the complete rule file>", "rationale": "<one line: what the rules look for and why these parameters>"})";
  return primer;
}

Result<ProposedRules> ParseRuleAnswer(std::string_view content) {
  std::string text(content);
  auto trim = [](std::string s) {
    size_t b = s.find_first_not_of(" \t\r\n");
    size_t e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  };
  text = trim(text);
  std::string fenced;
  if (size_t open = text.find("```"); open != std::string::npos) {
    size_t body = text.find('\n', open);
    size_t close = body == std::string::npos ? std::string::npos : text.find("```", body);
    if (close != std::string::npos) fenced = trim(text.substr(body + 1, close - body - 1));
  }
  for (const std::string& candidate : {text, fenced}) {
    if (candidate.empty() || candidate.front() != '{') continue;
    auto json = ParseJson(candidate, "answer");
    if (!json.ok() || !json->is_object()) continue;
    ProposedRules out;
    const Json& j = *json;
    if (j.contains("rules") && j["rules"].is_string()) {
      out.text = j["rules"].get<std::string>();
    } else if (j.contains("rules") && j["rules"].is_array()) {
      for (const Json& r : j["rules"]) {
        if (!r.is_string()) return InvalidArgumentError("the `rules` array must hold strings of rule text");
        out.text += r.get<std::string>() + "\n\n";
      }
    } else {
      return InvalidArgumentError(
          "the answer JSON has no string field `rules`; answer {\"rules\": \"<rule file>\", \"rationale\": "
          "\"...\"}");
    }
    if (j.contains("rationale") && j["rationale"].is_string())
      out.rationale = j["rationale"].get<std::string>();
    out.text = trim(out.text);
    if (out.text.empty()) return InvalidArgumentError("the `rules` field is empty; write at least one rule");
    return out;
  }
  if (!fenced.empty() && fenced.find("rule ") != std::string::npos) return ProposedRules{fenced, ""};
  for (size_t pos = text.find("rule "); pos != std::string::npos; pos = text.find("rule ", pos + 1)) {
    if (pos == 0 || text[pos - 1] == '\n') return ProposedRules{trim(text.substr(pos)), ""};
  }
  return InvalidArgumentError(
      "the answer contains no rule; answer with one JSON object {\"rules\": \"rule NAME { select ... when "
      "... }\", "
      "\"rationale\": \"...\"}");
}

std::string SummarizeChunk(const RuleAgentsInput& input, size_t begin, size_t end,
                           const RuleAgentOptions& options) {
  std::ostringstream out;
  size_t shown = std::min(input.train.size(), options.max_series_in_prompt);
  if (input.train.size() > shown) {
    out << "(" << input.train.size() << " series; the first " << shown << " are described)\n";
  }
  for (size_t s = 0; s < shown; ++s) {
    const TimeSeries& ts = input.train[s];
    size_t b = std::min(begin, ts.size()), e = std::min(end, ts.size());
    out << "Series " << ts.id() << ": points " << b << ".." << (e == 0 ? 0 : e - 1)
        << " of the training part";
    if (e <= b) {
      out << " (no points in this chunk)\n";
      continue;
    }
    out << " (" << (e - b) << " points, " << FormatRfc3339Ms(ts.timestamps_ms[b]) << " to "
        << FormatRfc3339Ms(ts.timestamps_ms[e - 1]);
    if (e - b > 1) {
      std::vector<double> steps;
      for (size_t i = b + 1; i < e; ++i)
        steps.push_back(static_cast<double>(ts.timestamps_ms[i] - ts.timestamps_ms[i - 1]));
      out << ", median step " << FormatDurationMs(static_cast<int64_t>(Quantile(steps, 0.5)));
    }
    out << ")\n";
    std::vector<double> values(ts.values.begin() + b, ts.values.begin() + e);
    std::vector<uint8_t> labels;
    if (ts.has_anomaly_labels()) labels.assign(ts.anomaly_labels.begin() + b, ts.anomaly_labels.begin() + e);
    size_t missing = std::count_if(values.begin(), values.end(), [](double x) { return std::isnan(x); });
    Stats all = Describe(values);
    out << "  values: " << StatsLine(all);
    if (missing) out << "; " << missing << " missing";
    out << "\n";
    std::vector<double> diffs;
    for (size_t i = 1; i < values.size(); ++i) diffs.push_back(std::fabs(values[i] - values[i - 1]));
    Stats d = Describe(diffs);
    out << "  |point-to-point change|: median " << Num(d.p50) << ", p99 " << Num(d.p99) << ", max "
        << Num(d.max) << "\n";
    if (!labels.empty() && input.labeled) {
      std::vector<double> normal;
      for (size_t i = 0; i < values.size(); ++i)
        if (!labels[i]) normal.push_back(values[i]);
      Stats n = Describe(normal);
      out << "  normal points only: " << StatsLine(n) << "\n";
      const std::vector<std::pair<size_t, size_t>> segs = Runs(labels);
      size_t anomalous = std::count(labels.begin(), labels.end(), 1);
      out << "  labeled anomalies: " << anomalous << " points in " << segs.size() << " segment(s)\n";
      for (size_t k = 0; k < segs.size() && k < options.max_segments_in_prompt; ++k) {
        out << "    segment " << (k + 1) << ": "
            << SegmentLine(ts, b, values, segs[k].first, segs[k].second, false) << "\n";
      }
      if (segs.size() > options.max_segments_in_prompt) {
        out << "    (" << (segs.size() - options.max_segments_in_prompt) << " more segment(s) not shown)\n";
      }
    }
    if (input.has_base() && input.labeled && !labels.empty() && s < input.base_flags.size()) {
      DescribeBase(out, input, s, b, e, values, labels, options);
    }
    // A coarse sketch: bucket means; `!` marks buckets that contain labeled anomalies.
    size_t buckets = std::min(options.sketch_points, values.size());
    if (buckets > 0) {
      out << "  sketch (" << buckets << " bucket means, in time order"
          << (labels.empty() ? "" : ", ! = has anomalies") << "):";
      for (size_t k = 0; k < buckets; ++k) {
        size_t kb = k * values.size() / buckets, ke = (k + 1) * values.size() / buckets;
        double sum = 0;
        size_t cnt = 0;
        bool anomalous = false;
        for (size_t i = kb; i < ke; ++i) {
          if (!std::isnan(values[i])) {
            sum += values[i];
            ++cnt;
          }
          if (!labels.empty() && labels[i]) anomalous = true;
        }
        out << ' ' << (cnt ? Num(sum / static_cast<double>(cnt)) : "NaN") << (anomalous ? "!" : "");
      }
      out << "\n";
    }
  }
  return out.str();
}

Result<ProposedRules> ProposeRules(LlmClient& llm, const RuleAgentsInput& input, size_t begin, size_t end,
                                   const std::string& current, const RuleMetrics& current_train,
                                   const std::string& feedback, const RuleAgentOptions& options) {
  std::ostringstream user;
  user << "Target: " << input.target << " (metric `" << input.metric << "`). Rules are judged by the "
       << input.objective_name << " F1 on a later validation part of the same series.\n"
       << "Every rule must use `" << SelectClause(input.selector, input.metric) << "`.\n\n";
  if (input.has_base()) user << BaseInstructions(input, SelectClause(input.selector, input.metric));
  if (input.labeled) {
    user << "Training data of this chunk, with its labeled anomalies:\n";
  } else {
    user << "Training data of this chunk. It has NO labels and is assumed to be mostly normal: write rules "
            "that flag "
            "only clear departures from the behaviour described here (well under "
         << Num(100 * options.unlabeled_max_flag_rate) << "% of points).\n";
  }
  user << SummarizeChunk(input, begin, end, options) << "\n";
  if (current.empty()) {
    if (input.has_base()) {
      user << "Current rule set: none yet, so the base detector runs alone (on the training data: "
           << MetricsLine(current_train, input.objective_name) << ").\n";
    } else {
      user << "Current rule set: none yet.\n";
    }
  } else {
    user << "Current rule set (" << (input.has_base() ? "combined with the base, " : "")
         << "on the training data: " << MetricsLine(current_train, input.objective_name) << "):\n"
         << current << "\n";
  }
  if (!feedback.empty()) user << "\n" << feedback << "\n";
  if (input.has_base()) {
    user << "\nReturn the complete updated rule file: keep the rules that work, change or add suppress "
            "rules so that the base's false alarms of this chunk are silenced and its true detections are "
            "not, and add rules so that its misses are flagged and normal points are not.";
  } else {
    user << "\nReturn the complete updated rule file: keep the rules that work, change or add rules so that "
            "the anomalies of this chunk are flagged and normal points are not.";
  }
  return AskForRules(llm, user.str(), "rule-detect", options);
}

Result<ProposedRules> RepairRule(LlmClient& llm, const std::string& select, const std::string& rule_text,
                                 const std::string& error, const RuleAgentOptions& options) {
  std::string user =
      "The rule file below failed. Fix it and return the complete corrected rule file, in the same "
      "JSON answer format. Change only what the error requires and keep the intent. Every rule must use `" +
      select + "`.\n\nError, verbatim:\n" + error +
      "\n\nRule file (line numbers for reference only; do not write them):\n" + WithLineNumbers(rule_text);
  return AskForRules(llm, std::move(user), "rule-repair", options);
}

ReviewDecision ReviewChange(const RuleMetrics& before, const RuleMetrics& after, bool labeled,
                            const std::string& objective_name, const RuleAgentOptions& options) {
  ReviewDecision d;
  if (!labeled) {
    d.keep = after.flag_rate() <= options.unlabeled_max_flag_rate;
    d.reason = "unlabeled: validation flag rate " + Num(100 * before.flag_rate()) + "% -> " +
               Num(100 * after.flag_rate()) + "% (limit " + Num(100 * options.unlabeled_max_flag_rate) +
               "%): " + (d.keep ? "kept" : "reverted");
    return d;
  }
  d.keep = after.objective_f1 > before.objective_f1 + options.min_improvement;
  d.reason = "validation " + objective_name + " F1 " + Fixed3(before.objective_f1) + " -> " +
             Fixed3(after.objective_f1) + " (P " + Fixed3(before.objective.Precision()) + " -> " +
             Fixed3(after.objective.Precision()) + ", R " + Fixed3(before.objective.Recall()) + " -> " +
             Fixed3(after.objective.Recall()) + "): " + (d.keep ? "kept" : "reverted");
  return d;
}

Result<RuleAgentsResult> RunRuleAgents(LlmClient& llm, const RuleAgentsInput& input, const RuleScoreFn& score,
                                       const RuleAgentOptions& options) {
  if (!score) return InvalidArgumentError("RunRuleAgents: no score function");
  if (input.train.empty())
    return InvalidArgumentError("RunRuleAgents: target `" + input.target + "` has no series");
  size_t longest = 0;
  for (const auto& ts : input.train) longest = std::max(longest, ts.size());
  if (longest == 0)
    return InvalidArgumentError("RunRuleAgents: target `" + input.target + "` has no training points");
  std::vector<size_t> starts = input.chunk_starts.empty() ? std::vector<size_t>{0} : input.chunk_starts;
  for (size_t i = 1; i < starts.size(); ++i) {
    if (starts[i] <= starts[i - 1]) {
      return InvalidArgumentError("RunRuleAgents: chunk_starts must increase (chunk " + std::to_string(i) +
                                  " starts at " + std::to_string(starts[i]) + ")");
    }
  }

  if (input.has_base()) {
    if (!input.labeled) {
      return FailedPreconditionError("RunRuleAgents: target `" + input.target +
                                     "` has no labels; aggregation over a base detector needs them");
    }
    if (input.base_flags.size() != input.train.size()) {
      return InvalidArgumentError("RunRuleAgents: target `" + input.target + "`: base flags for " +
                                  std::to_string(input.base_flags.size()) + " series, " +
                                  std::to_string(input.train.size()) + " training series");
    }
    for (size_t i = 0; i < input.train.size(); ++i) {
      if (input.base_flags[i].size() != input.train[i].size()) {
        return InvalidArgumentError("RunRuleAgents: series " + input.train[i].id() + " has " +
                                    std::to_string(input.train[i].size()) + " training points but " +
                                    std::to_string(input.base_flags[i].size()) + " base flags");
      }
    }
  }

  RuleAgentsResult result;
  RuleAgentsStats& st = result.stats;
  std::string current;
  RuleMetrics current_train, current_val;  // the empty rule set: flags nothing, or the base alone
  if (input.has_base()) {
    for (RuleSplit split : {RuleSplit::kTrain, RuleSplit::kValidation}) {
      Result<RuleMetrics> alone = score("", split);
      if (!alone.ok()) return alone.status().WithContext("scoring the base detector alone");
      (split == RuleSplit::kTrain ? current_train : current_val) = *alone;
    }
    st.log.push_back("base `" + input.base_name + "` alone: validation " +
                     MetricsLine(current_val, input.objective_name));
    LogDebug(kComponent, st.log.back());
  }
  std::string feedback;  // the verdict on the previous proposal, for the next prompt
  const int planned = options.rounds * static_cast<int>(starts.size());
  int done = 0;
  auto note = [&](std::string line) {
    LogDebug(kComponent, line);
    st.log.push_back(std::move(line));
  };
  // Returns the LLM's status when the loop must stop (recorded in stopped_early), OK otherwise.
  auto llm_budget_left = [&]() { return st.llm_calls < options.max_llm_calls; };

  for (int round = 0; round < options.rounds && result.stopped_early.ok(); ++round) {
    for (size_t c = 0; c < starts.size(); ++c) {
      std::string where = "round " + std::to_string(round + 1) + " chunk " + std::to_string(c + 1) + "/" +
                          std::to_string(starts.size());
      if (!llm_budget_left()) {
        result.stopped_early = ResourceExhaustedError(
            "max_llm_calls (" + std::to_string(options.max_llm_calls) + ") reached at " + where);
        break;
      }
      size_t begin = starts[c], end = c + 1 < starts.size() ? starts[c + 1] : longest;
      ++st.llm_calls;
      ++st.proposals;
      auto proposal = ProposeRules(llm, input, begin, end, current, current_train, feedback, options);
      std::string text, rationale, error;
      if (proposal.ok()) {
        text = proposal->text;
        rationale = proposal->rationale;
      } else if (proposal.status().message().starts_with("model answer")) {
        error = proposal.status().message();  // unusable answer: the repair agent gets it
      } else if (IsLlmStop(proposal.status())) {
        result.stopped_early = proposal.status().WithContext(where);
        break;
      } else {
        return proposal.status().WithContext(where);
      }

      // Score on training data; repair until it compiles and runs, or give up.
      std::optional<RuleMetrics> train;
      int repairs = 0;
      while (true) {
        if (error.empty()) {
          auto scored = score(text, RuleSplit::kTrain);
          if (scored.ok()) {
            train = *scored;
            break;
          }
          error = scored.status().message();
        }
        if (repairs >= options.max_repair_attempts || !llm_budget_left()) break;
        note(where + ": repairing: " + error.substr(0, error.find('\n')));
        ++repairs;
        ++st.repairs;
        ++st.llm_calls;
        auto fixed = RepairRule(llm, SelectClause(input.selector, input.metric), text, error, options);
        if (fixed.ok()) {
          text = fixed->text;
          if (!fixed->rationale.empty()) rationale = fixed->rationale;
          error.clear();
        } else if (fixed.status().message().starts_with("model answer")) {
          error = fixed.status().message();
        } else if (IsLlmStop(fixed.status())) {
          result.stopped_early = fixed.status().WithContext(where);
          break;
        } else {
          return fixed.status().WithContext(where);
        }
      }
      if (!result.stopped_early.ok()) break;
      if (!train) {
        ++st.dropped;
        note(where + ": dropped after " + std::to_string(repairs) +
             " repair(s): " + error.substr(0, error.find('\n')));
        feedback = "Your previous proposal was dropped: it still failed after " + std::to_string(repairs) +
                   " repair(s) with: " + error.substr(0, error.find('\n'));
      } else {
        if (repairs > 0) ++st.repaired;
        if (text == current) {
          note(where + ": no change proposed");
        } else {
          auto val = score(text, RuleSplit::kValidation);
          if (!val.ok()) {
            ++st.dropped;
            note(where + ": dropped: validation run failed: " + val.status().message());
          } else {
            ReviewDecision d = ReviewChange(current_val, *val, input.labeled, input.objective_name, options);
            note(where + ": " + d.reason);
            feedback = "Your previous proposal was " + std::string(d.keep ? "kept" : "reverted") + ": " +
                       d.reason + (d.keep ? "." : ". The current rule set below is unchanged.");
            if (d.keep) {
              ++st.kept;
              current = text;
              current_train = *train;
              current_val = *val;
              result.kept.push_back({text, rationale, *train, *val, static_cast<int>(c), round});
            } else {
              ++st.reverted;
            }
          }
        }
      }
      ++done;
      if (options.progress) options.progress(done, planned);
    }
  }
  if (!result.stopped_early.ok()) LogWarn(kComponent, "stopped early: " + result.stopped_early.message());
  return result;
}

}  // namespace vigil
