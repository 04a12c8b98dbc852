#include "agents/tools.h"

#include <algorithm>
#include <sstream>
#include <cmath>
#include <regex>

#include "core/ascii.h"
#include "core/regex_hazard.h"
#include "core/utf8.h"
#include "knowledge/literal_prefilter.h"
#include "probes/catalog.h"

namespace vigil {
namespace {

constexpr size_t kMaxLogLinesReturned = 200;

Result<std::string> StringArg(const Json& args, const char* key, bool required) {
  auto it = args.find(key);
  if (it == args.end() || it->is_null()) {
    if (required) return InvalidArgumentError(std::string("missing argument `") + key + "`");
    return std::string();
  }
  if (!it->is_string()) return InvalidArgumentError(std::string("argument `") + key + "` must be a string");
  return it->get<std::string>();
}

Result<int64_t> IntArg(const Json& args, const char* key, int64_t fallback, int64_t lo, int64_t hi) {
  auto it = args.find(key);
  if (it == args.end() || it->is_null()) return fallback;
  if (!it->is_number_integer()) return InvalidArgumentError(std::string("argument `") + key + "` must be an integer");
  int64_t v = it->get<int64_t>();
  if (v < lo || v > hi) {
    return InvalidArgumentError(std::string("argument `") + key + "` must be in [" + std::to_string(lo) + ", " +
                                std::to_string(hi) + "]");
  }
  return v;
}

Json KbSearchSchema() {
  return {{"type", "object"},
          {"properties",
           {{"query", {{"type", "string"}, {"description", "symptoms or error text"}}},
            {"k", {{"type", "integer"}, {"minimum", 1}, {"maximum", 20}}},
            {"category", {{"type", "string"}, {"description", "restrict to one root-cause category"}}}}},
          {"required", {"query"}}};
}

Result<Json> KbSearch(const Json& args, ToolContext& ctx) {
  if (ctx.kb == nullptr) return UnavailableError("no knowledge base configured");
  ASSIGN_OR_RETURN(std::string query, StringArg(args, "query", true));
  ASSIGN_OR_RETURN(int64_t k, IntArg(args, "k", 5, 1, 20));
  ASSIGN_OR_RETURN(std::string category, StringArg(args, "category", false));
  SearchQuery q;
  q.text = query;
  q.k = static_cast<size_t>(k);
  q.category = category;
  ASSIGN_OR_RETURN(std::vector<SearchHit> hits, ctx.kb->Search(q));
  Json out = Json::array();
  for (const SearchHit& h : hits) {
    Json j = {{"category", h.category}, {"score", h.score}};
    if (h.kind == SearchHit::Kind::kIncident) {
      j["incident"] = h.incident.id;
      j["title"] = h.incident.title;
      j["symptoms"] = h.incident.symptoms;
      j["verification_steps"] = h.incident.verification_steps;
      j["mitigation"] = h.incident.mitigation;
    } else {
      j["guide"] = h.guide_path;
      j["heading"] = h.heading;
      j["text"] = Utf8Prefix(h.text, 600);  // a guide in any language: whole characters
    }
    out.push_back(std::move(j));
  }
  return Json{{"hits", out}};
}

Json QueryMetricsSchema() {
  return {{"type", "object"},
          {"properties",
           {{"name", {{"type", "string"}, {"description", "metric name, e.g. DCGM_FI_DEV_GPU_TEMP"}}},
            {"labels", {{"type", "object"}, {"description", "exact label matchers, e.g. {\"Hostname\":\"node-3\"}"}}},
            {"start_ms", {{"type", "integer"}}},
            {"end_ms", {{"type", "integer"}}}}},
          {"required", {"name"}}};
}

Result<Json> QueryMetrics(const Json& args, ToolContext& ctx) {
  if (ctx.metrics == nullptr) return UnavailableError("no metric source configured");
  MetricQuery q;
  ASSIGN_OR_RETURN(q.name, StringArg(args, "name", true));
  if (auto it = args.find("labels"); it != args.end() && !it->is_null()) {
    if (!it->is_object()) return InvalidArgumentError("argument `labels` must be an object of strings");
    for (const auto& [k, v] : it->items()) {
      if (!v.is_string()) return InvalidArgumentError("argument `labels." + k + "` must be a string");
      q.matchers[k] = v.get<std::string>();
    }
  }
  ASSIGN_OR_RETURN(q.start_ms, IntArg(args, "start_ms", 0, 0, INT64_MAX));
  ASSIGN_OR_RETURN(q.end_ms, IntArg(args, "end_ms", 0, 0, INT64_MAX));
  auto series = ctx.metrics->Query(q);
  if (!series.ok()) return series.status();
  if (series->empty()) {
    auto names = ctx.metrics->MetricNames();
    return Json{{"series", Json::array()},
                {"note", "no series match"},
                {"did_you_mean", ClosestMatch(q.name, names)}};
  }
  Json out = Json::array();
  for (const TimeSeries& s : *series) {
    double mn = INFINITY, mx = -INFINITY, last = NAN;
    for (double v : s.values) {
      if (std::isnan(v)) continue;
      mn = std::min(mn, v);
      mx = std::max(mx, v);
      last = v;
    }
    Json j = {{"id", s.id()}, {"points", s.size()}};
    if (!std::isnan(last)) {
      j["min"] = mn;
      j["max"] = mx;
      j["last"] = last;
    }
    // A short tail of raw points, so the model sees the shape without the whole series.
    Json tail = Json::array();
    for (size_t i = s.size() > 10 ? s.size() - 10 : 0; i < s.size(); ++i) {
      tail.push_back({s.timestamps_ms[i], std::isnan(s.values[i]) ? Json() : Json(s.values[i])});
    }
    j["tail"] = tail;
    out.push_back(std::move(j));
  }
  return Json{{"series", out}};
}

Json ReadLogsSchema() {
  return {{"type", "object"},
          {"properties",
           {{"source", {{"type", "string"}, {"description", "log source, e.g. node-3/dmesg; omitted = all"}}},
            {"contains", {{"type", "string"}, {"description", "case-insensitive substring filter"}}},
            {"regex", {{"type", "string"}, {"description", "ECMAScript regex filter"}}},
            {"max_lines", {{"type", "integer"}, {"minimum", 1}, {"maximum", 200}}}}}};
}

Result<Json> ReadLogs(const Json& args, ToolContext& ctx) {
  if (ctx.diagnosis_case == nullptr) return UnavailableError("no logs in this context");
  ASSIGN_OR_RETURN(std::string source, StringArg(args, "source", false));
  ASSIGN_OR_RETURN(std::string contains, StringArg(args, "contains", false));
  ASSIGN_OR_RETURN(std::string pattern, StringArg(args, "regex", false));
  ASSIGN_OR_RETURN(int64_t max_lines, IntArg(args, "max_lines", 50, 1, kMaxLogLinesReturned));
  // FilteredRegex: the regex runs only on lines holding its required words; a leading `.*` (an
  // LLM's habit) is dropped, as it changes no line's answer and costs a scan per start position
  // (core/regex_hazard.h).
  std::optional<FilteredRegex> re;
  if (!pattern.empty()) {
    try {
      re.emplace(std::string(WithoutLeadingWildcard(pattern)), /*icase=*/true);
    } catch (const std::regex_error& e) {
      return InvalidArgumentError("argument `regex` is not a valid ECMAScript regex: " + std::string(e.what()));
    }
    if (const std::string hazard = RegexBacktrackHazard(pattern); !hazard.empty())
      return InvalidArgumentError("argument `regex`: " + hazard);
  }
  std::string needle = AsciiLower(contains);
  Json lines = Json::array();
  std::vector<std::string> sources;
  size_t matched = 0;
  bool source_found = source.empty();
  for (const CaseLog& log : ctx.diagnosis_case->logs) {
    sources.push_back(log.source);
    if (!source.empty() && log.source != source) continue;
    source_found = true;
    for (const LogLine& l : log.lines) {
      if (!needle.empty() && AsciiLower(l.text).find(needle) == std::string::npos) continue;
      if (re && !re->Search(l.text)) continue;
      ++matched;
      if (lines.size() < static_cast<size_t>(max_lines)) {
        lines.push_back({{"at", log.source + ":" + std::to_string(l.number)}, {"line", l.text}});
      }
    }
  }
  if (!source_found) {
    return NotFoundError("no log source `" + source + "`; did you mean `" + ClosestMatch(source, sources) + "`?");
  }
  return Json{{"lines", lines}, {"matched", matched}, {"sources", sources}};
}

Json RunProbeSchema() {
  return {{"type", "object"},
          {"properties",
           {{"probe", {{"type", "string"}, {"description", "probe name from list_probes"}}},
            {"target", {{"type", "string"}, {"description", "node-3/gpu5 (gpu probes) or node-3 (node probes)"}}}}},
          {"required", {"probe", "target"}}};
}

Result<Json> RunProbe(const Json& args, ToolContext& ctx) {
  if (ctx.probes == nullptr) return UnavailableError("no probe executor configured");
  ASSIGN_OR_RETURN(std::string probe, StringArg(args, "probe", true));
  ASSIGN_OR_RETURN(std::string target, StringArg(args, "target", true));
  std::vector<std::string> names = {probe};
  RETURN_IF_ERROR(CheckProbeNames(names, ctx.allow_intrusive));
  const ProbeSpec* spec = FindProbe(probe);
  if (spec->intrusive) {
    if (ctx.intrusive_probes_left <= 0) {
      return ResourceExhaustedError("the budget of intrusive probes is spent; use non-intrusive probes");
    }
    --ctx.intrusive_probes_left;
  }
  ProbeRequest req;
  req.probes = names;
  req.target = target;
  req.time_limit_s = ctx.probe_time_limit_s;
  if (ctx.probe_deadline) {  // the same deadline as the built-in plan's steps
    const double left =
        std::chrono::duration<double>(*ctx.probe_deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      if (spec->intrusive) ++ctx.intrusive_probes_left;  // not run: not spent
      ctx.budget_refused.push_back(probe + "@" + target);
      std::ostringstream m;
      m << "the verification's time budget of " << ctx.verification_budget_s
        << " s is spent: no more probes run; answer from what was verified";
      return ResourceExhaustedError(m.str());
    }
    req.time_limit_s = std::min(req.time_limit_s, left);
  }
  req.allow_intrusive = ctx.allow_intrusive;
  ASSIGN_OR_RETURN(std::vector<ProbeResult> results, ctx.probes->Run(req));
  if (results.empty()) return InternalError("probe executor returned no result");
  ProbeResult r = results.front();
  if (r.probe.empty()) r.probe = probe;
  if (r.target.empty()) r.target = target;
  VerificationStep s;
  s.id = "l" + std::to_string(ctx.steps.size() + 1);
  s.action = "run_probe";
  s.target = probe + "@" + target;
  s.expected_s = spec->expected_duration_s;
  s.duration_s = r.duration_s;
  s.outcome = std::string(ProbeStatusName(r.status));
  ctx.steps.push_back(s);
  ctx.probe_results.push_back(r);
  return Json(r);
}

Json ListProbesSchema() { return {{"type", "object"}, {"properties", Json::object()}}; }

Result<Json> ListProbes(const Json&, ToolContext& ctx) {
  Json catalog = CatalogToJson();
  return Json{{"probes", catalog}, {"allow_intrusive", ctx.allow_intrusive},
              {"intrusive_probes_left", ctx.intrusive_probes_left}};
}

constexpr Tool kTools[] = {
    {"kb_search", "Search the incident knowledge base for similar past incidents and troubleshooting guides.",
     KbSearchSchema, KbSearch},
    {"query_metrics", "Read metric series of this incident (summaries and the last points).", QueryMetricsSchema,
     QueryMetrics},
    {"read_logs", "Read log lines of this incident, filtered by source, substring or regex.", ReadLogsSchema,
     ReadLogs},
    {"run_probe", "Run one probe from the catalog on a target and return its result (pass/fail/error/unavailable).",
     RunProbeSchema, RunProbe},
    {"list_probes", "List the probe catalog: what each probe measures, its cost, and which causes it tells apart.",
     ListProbesSchema, ListProbes},
};

}  // namespace

std::span<const Tool> DiagnosisTools() { return kTools; }

const Tool* FindTool(std::string_view name) {
  for (const Tool& t : kTools) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::vector<ToolSpec> ToolSpecsFor(std::span<const Tool> tools) {
  std::vector<ToolSpec> out;
  for (const Tool& t : tools) out.push_back({std::string(t.name), std::string(t.description), t.parameters()});
  return out;
}

}  // namespace vigil
