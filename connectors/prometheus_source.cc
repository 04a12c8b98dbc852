#include "connectors/prometheus_source.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <utility>

#include "connectors/http_client.h"
#include "connectors/http_endpoint.h"
#include "core/ascii.h"
#include "core/json.h"
#include "core/time_util.h"

namespace vigil {
namespace {

constexpr int64_t kMaxStepMs = 1000LL * 366 * 86'400'000;  // 1000 years
constexpr int64_t kMaxTimeMs = 253'402'300'799'999;          // 9999-12-31T23:59:59.999Z

// Unix ms as the decimal seconds Prometheus reads ("1717000000.5"), exactly.
std::string SecondsText(int64_t ms) {
  const bool negative = ms < 0;
  const uint64_t a = negative ? 0 - static_cast<uint64_t>(ms) : static_cast<uint64_t>(ms);
  std::string out = negative ? "-" : "";
  out += std::to_string(a / 1000);
  if (const uint64_t frac = a % 1000; frac != 0) {
    std::string f = std::to_string(frac);
    f.insert(0, 3 - f.size(), '0');
    while (f.back() == '0') f.pop_back();
    out += "." + f;
  }
  return out;
}

// The first `n` bytes of `s` for a message, control bytes as spaces.
std::string Preview(std::string_view s, size_t n = 120) { return BodyPreview(s, n); }

// Prometheus sends sample values as strings: numbers, "NaN", "+Inf", "-Inf".
Result<double> SampleValue(const Json& j) {
  if (!j.is_string()) return InvalidArgumentError("value " + Preview(j.dump(), 40) + " is not a string");
  const std::string s = j.get<std::string>();
  if (s == "NaN") return std::nan("");
  if (s == "+Inf" || s == "Inf") return HUGE_VAL;
  if (s == "-Inf") return -HUGE_VAL;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v))
    return InvalidArgumentError("value `" + Preview(s, 40) + "` is not a number");
  return v;
}

class Client {
 public:
  Client(const PrometheusUrl& url, const PrometheusHttpOptions& options) : url_(url), options_(options) {}

  // GET base + path_and_query (a POST form when the parameters are longer than post_over_bytes);
  // the `data` member of a Prometheus success answer. Its "warnings" (strings) are appended to
  // `warnings` when given, each text once.
  Result<Json> Get(const std::string& path, const std::string& query_string,
                   std::vector<std::string>* warnings = nullptr) const {
    const std::string where = "Prometheus " + url_.shown + path;
    HttpRequest req;
    if (query_string.size() > options_.post_over_bytes) {
      req.method = "POST";
      req.url = url_.base + path;
      req.body = query_string;
      req.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
    } else {
      req = HttpRequest::Get(url_.base + path + (query_string.empty() ? "" : "?" + query_string));
    }
    req.timeout_ms = options_.timeout_ms;
    req.connect_timeout_ms = options_.connect_timeout_ms;
    req.cancel = options_.cancel;
    // A 2xx body is collected up to max_response_bytes: a query matching a whole fleet must not
    // take all the memory.
    Result<HttpResponse> res =
        SendToEndpoint(std::move(req), options_.max_response_bytes, where, url_.shown + path,
                       "match fewer series (label matchers in the PromQL) or ask fewer points (a larger step, a shorter "
                       "range)");
    if (!res.ok()) return res.status();
    Result<Json> body = ParseJson(res->body, "answer");
    const std::string http = "HTTP " + std::to_string(res->status);
    if (!body.ok() || !body->is_object() || !body->contains("status") || !(*body)["status"].is_string()) {
      std::string what = where + " answered " + http + " with " +
                         (body.ok() ? "JSON that is not a Prometheus API answer (no \"status\")"
                                    : std::string("a body that is not JSON")) +
                         "; the body starts `" + Preview(res->body) + "`";
      if (res->status >= 500) return UnavailableError(what);
      if (res->status >= 300 && res->status < 400) {  // libcurl follows no redirect: name where it points
        const std::string to = res->Header("location");
        return InvalidArgumentError(what + " (a redirect" + (to.empty() ? "" : " to `" + Preview(to) + "`") +
                                    ": give the URL Prometheus answers at, http://host:9090[/prefix])");
      }
      return InvalidArgumentError(what + " (is the URL a Prometheus server, http://host:9090?)");
    }
    const Json& j = *body;
    if (j["status"] == "success" && res->ok()) {
      if (!j.contains("data")) return InvalidArgumentError(where + " answered " + http + " with no `data`");
      if (warnings != nullptr && j.contains("warnings") && j["warnings"].is_array()) {
        for (const Json& w : j["warnings"]) {
          const std::string text = w.is_string() ? w.get<std::string>() : w.dump();
          if (std::find(warnings->begin(), warnings->end(), text) == warnings->end()) warnings->push_back(text);
        }
      }
      return j["data"];
    }
    // errorType / error of another JSON type (a proxy's own JSON, a fork): shown as JSON, never a
    // type_error escaping (found by tests/fuzz/input_fuzz's prometheus_answer target).
    auto text_of = [&j](const char* key) -> std::string {
      if (!j.contains(key) || j[key].is_null()) return "";
      return j[key].is_string() ? j[key].get<std::string>() : Preview(j[key].dump(), 200);
    };
    const std::string type = text_of("errorType");
    const std::string error = text_of("error");
    const std::string what = where + " answered " + http + ": " + (type.empty() ? "error" : type) + ": " +
                             (error.empty() ? Preview(res->body) : error);
    if (type == "timeout") return DeadlineExceededError(what);
    if (type == "bad_data" || type == "execution" || (res->status >= 400 && res->status < 500))
      return InvalidArgumentError(what);
    return UnavailableError(what);
  }

 private:
  const PrometheusUrl& url_;
  const PrometheusHttpOptions& options_;
};

// Appends one matrix answer to `by_id` / `out`. `where` names the request for messages.
Status AddMatrix(const Json& data, const std::string& where, std::map<std::string, size_t>& by_id,
                 PromRangeResult& out) {
  if (!data.is_object() || !data.contains("resultType") || !data.contains("result"))
    return InvalidArgumentError(where + ": the answer's data has no resultType / result");
  if (data["resultType"] != "matrix") {
    return InvalidArgumentError(where + ": the answer's result type is " + Preview(data["resultType"].dump(), 40) +
                                ", not matrix (a range query of a PromQL expression answers a matrix)");
  }
  const Json& result = data["result"];
  if (!result.is_array()) return InvalidArgumentError(where + ": `result` is not an array");
  for (const Json& row : result) {
    if (!row.is_object() || !row.contains("metric") || !row["metric"].is_object())
      return InvalidArgumentError(where + ": a result has no `metric` object");
    TimeSeries s;
    for (const auto& [k, v] : row["metric"].items()) {
      if (!v.is_string()) return InvalidArgumentError(where + ": label " + k + " is not a string");
      if (k == "__name__")
        s.name = v.get<std::string>();
      else
        s.labels[k] = v.get<std::string>();
    }
    const std::string id = s.id();
    auto [it, fresh] = by_id.emplace(id, out.series.size());
    if (fresh) out.series.push_back(std::move(s));
    TimeSeries& ts = out.series[it->second];
    if (!row.contains("values")) continue;  // e.g. native histograms only ("histograms")
    const Json& values = row["values"];
    if (!values.is_array()) return InvalidArgumentError(where + ": series " + id + ": `values` is not an array");
    for (size_t p = 0; p < values.size(); ++p) {
      const Json& pt = values[p];
      if (!pt.is_array() || pt.size() != 2 || !pt[0].is_number()) {
        return InvalidArgumentError(where + ": series " + id + ": values[" + std::to_string(p) +
                                    "] is not [unix_seconds, \"value\"]: " + Preview(pt.dump(), 60));
      }
      const double seconds = pt[0].get<double>();
      if (!(std::fabs(seconds) < 1e14)) {
        return InvalidArgumentError(where + ": series " + id + ": values[" + std::to_string(p) + "]: timestamp " +
                                    Preview(pt[0].dump(), 40) + " is out of range");
      }
      const int64_t t = std::llround(seconds * 1000.0);
      Result<double> v = SampleValue(pt[1]);
      if (!v.ok())
        return InvalidArgumentError(where + ": series " + id + ": values[" + std::to_string(p) + "]: " +
                                    v.status().message());
      if (!ts.timestamps_ms.empty() && t <= ts.timestamps_ms.back()) {
        if (t == ts.timestamps_ms.back()) {  // asked once, sent twice (a seam): keep the first
          ++out.seam_duplicates;
          continue;
        }
        return InvalidArgumentError(where + ": series " + id + ": timestamp " + SecondsText(t) +
                                    " is before the previous one " + SecondsText(ts.timestamps_ms.back()));
      }
      ts.timestamps_ms.push_back(t);
      ts.values.push_back(*v);
    }
  }
  return Status::Ok();
}

bool IsLabelName(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

bool IsMetricName(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':'; });
}

}  // namespace

std::string PromString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\\' || c == '"')
      out += {'\\', c};
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out + '"';
}

Result<PrometheusUrl> ParsePrometheusUrl(std::string_view text) {
  PrometheusUrl url;
  std::string s(text);
  const size_t scheme_end = s.find("://");
  // Messages show the URL with any password hidden (computed below once the parts are known).
  // In error messages the last `@` ends the user:password, even when the password holds a `/`, `?`
  // or `#` that should have been percent-encoded (a base64 one): over-hiding a path's `@` is the
  // safe side. A URL taken (`parsed`) has its user:password before the first `/`.
  auto hidden = [&s](bool parsed = false) {
    const size_t b = s.find("://") == std::string::npos ? 0 : s.find("://") + 3;
    const size_t e = parsed ? std::min(s.find('/', b), s.size()) : s.size();
    const size_t at = e == 0 ? std::string::npos : s.rfind('@', e - 1);
    if (at == std::string::npos || at < b) return s;
    const size_t colon = s.find(':', b);
    return colon < at ? s.substr(0, colon + 1) + "[redacted]" + s.substr(at) : s;
  };
  auto bad = [&](const std::string& why) {
    return InvalidArgumentError("Prometheus URL `" + hidden() + "`: " + why);
  };
  if (s.empty()) return InvalidArgumentError("Prometheus URL is empty (http://host:9090)");
  for (size_t i = 0; i < s.size(); ++i) {
    if (static_cast<unsigned char>(s[i]) <= 0x20 || s[i] == 0x7f)
      return bad("a space or control character at position " + std::to_string(i + 1));
  }
  if (scheme_end == std::string::npos) return bad("must start with http:// or https://");
  const std::string scheme = AsciiLower(std::string_view(s).substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") return bad("scheme `" + scheme + "` is not http or https");
  if (const size_t qf = s.find_first_of("?#"); qf != std::string::npos) {
    if (s.find('@', qf) != std::string::npos)  // user:pa?ss@host
      return bad("a `?` or `#` in the user:password must be written %3F / %23");
    return bad("holds a query string or fragment; give the server's base URL (http://host:9090[/prefix])");
  }
  const size_t auth_begin = scheme_end + 3;
  const size_t path_begin = std::min(s.find('/', auth_begin), s.size());
  std::string authority = s.substr(auth_begin, path_begin - auth_begin);
  if (const size_t at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
  std::string host = authority, port;
  if (!authority.empty() && authority[0] == '[') {  // IPv6 literal
    const size_t close = authority.find(']');
    if (close == std::string::npos) return bad("unclosed [ in the host");
    host = authority.substr(0, close + 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return bad("unexpected text after the IPv6 host");
      port = authority.substr(close + 2);
      if (port.empty()) return bad("empty port after `:`");
    }
  } else if (const size_t colon = authority.rfind(':'); colon != std::string::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty()) return bad("empty port after `:`");
  }
  if (host.empty()) return bad("has no host");
  if (!port.empty()) {
    const bool digits = port.size() <= 5 && std::all_of(port.begin(), port.end(), [](unsigned char c) {
                          return std::isdigit(c);
                        });
    if (!digits || std::stoi(port) < 1 || std::stoi(port) > 65535) {
      if (s.find('@', path_begin) != std::string::npos)  // user:pa/ss@host: the port would show the password
        return bad("a `/` in the user:password must be written %2F (a `?` %3F, a `#` %23)");
      return bad("port `" + port + "` is not 1-65535");
    }
  }
  while (s.size() > path_begin && s.back() == '/') s.pop_back();
  url.base = s;
  url.shown = hidden(/*parsed=*/true);
  return url;
}

Result<PromRangePlan> PlanPromRange(const PromRangeQuery& q, size_t max_points_per_request) {
  if (q.step_ms <= 0) return InvalidArgumentError("step must be positive, got " + std::to_string(q.step_ms) + " ms");
  // Bounds that keep the grid arithmetic below in int64 (a step of up to 1000 years; times from
  // 1970 to 9999, what RFC 3339 writes).
  if (q.step_ms > kMaxStepMs)
    return InvalidArgumentError("step " + std::to_string(q.step_ms) + " ms is over 1000 years");
  for (const auto& [what, t] : {std::pair{"start", q.start_ms}, std::pair{"end", q.end_ms}}) {
    if (t < 0 || t > kMaxTimeMs)
      return InvalidArgumentError(std::string(what) + " " + std::to_string(t) + " ms is not between 1970 and 9999");
  }
  if (q.start_ms > q.end_ms) {
    return InvalidArgumentError("start " + FormatRfc3339Ms(q.start_ms) + " is after end " + FormatRfc3339Ms(q.end_ms));
  }
  if (max_points_per_request == 0) return InvalidArgumentError("max_points_per_request must be at least 1");
  PromRangePlan plan;
  plan.points = (q.end_ms - q.start_ms) / q.step_ms + 1;
  const auto per = static_cast<int64_t>(max_points_per_request);
  plan.requests = (plan.points + per - 1) / per;
  return plan;
}

Result<PromRangeResult> PromQueryRange(const PrometheusUrl& url, const PromRangeQuery& q,
                                       const PrometheusHttpOptions& options) {
  if (q.query.empty()) return InvalidArgumentError("Prometheus " + url.shown + ": empty PromQL query");
  ASSIGN_OR_RETURN(PromRangePlan plan, PlanPromRange(q, options.max_points_per_request));
  if (plan.requests > static_cast<int64_t>(options.max_requests)) {
    return InvalidArgumentError("Prometheus " + url.shown + ": the range needs " + std::to_string(plan.points) +
                                " points per series, " + std::to_string(plan.requests) + " requests of at most " +
                                std::to_string(options.max_points_per_request) + " points; the limit is " +
                                std::to_string(options.max_requests) +
                                " requests: use a larger step or a shorter range");
  }
  const Client client(url, options);
  PromRangeResult out;
  std::map<std::string, size_t> by_id;
  const int64_t chunk_ms = static_cast<int64_t>(options.max_points_per_request) * q.step_ms;
  const std::string encoded = "query=" + UrlEncode(q.query);
  for (int64_t begin = q.start_ms; begin <= q.end_ms; begin += chunk_ms) {
    // The chunk's last evaluation time: max_points_per_request steps on the grid from `begin`.
    const int64_t last = std::min(q.end_ms, begin + chunk_ms - q.step_ms);
    const std::string params = encoded + "&start=" + SecondsText(begin) + "&end=" + SecondsText(last) +
                               "&step=" + SecondsText(q.step_ms);
    ASSIGN_OR_RETURN(Json data, client.Get("/api/v1/query_range", params, &out.warnings));
    ++out.requests;
    const std::string where = "Prometheus " + url.shown + "/api/v1/query_range (request " +
                              std::to_string(out.requests) + " of " + std::to_string(plan.requests) + ")";
    RETURN_IF_ERROR(AddMatrix(data, where, by_id, out));
  }
  std::erase_if(out.series, [](const TimeSeries& s) { return s.empty(); });
  if (out.series.empty()) {
    return NotFoundError("Prometheus " + url.shown + ": the query `" + q.query + "` matched no series from " +
                         FormatRfc3339Ms(q.start_ms) + " to " + FormatRfc3339Ms(q.end_ms));
  }
  std::sort(out.series.begin(), out.series.end(),
            [](const TimeSeries& a, const TimeSeries& b) { return a.id() < b.id(); });
  return out;
}

std::string PromRegexQuote(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (std::string_view("\\.+*?()|[]{}^$").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string PromSelector(const std::string& name, const Labels& matchers,
                         const std::map<std::string, std::vector<std::string>>& any_of) {
  std::string out;
  std::string inner;
  if (!IsMetricName(name)) inner = "__name__=" + PromString(name);
  for (const auto& [k, v] : matchers) inner += (inner.empty() ? "" : ",") + k + "=" + PromString(v);
  for (const auto& [k, values] : any_of) {
    std::string re;
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) re += '|';
      re += PromRegexQuote(values[i]);
    }
    if (values.empty()) re = "x^";  // no value: a regex nothing matches (a character before the start)
    if (!inner.empty()) inner += ',';
    inner += k;
    inner += "=~";
    inner += PromString(re);
  }
  if (IsMetricName(name)) out = name;
  return out + "{" + inner + "}";
}

namespace {
// A label name goes into the PromQL as typed: anything but a label name would change the query.
Status CheckLabelNames(const MetricQuery& query) {
  auto check = [](const std::string& k) {
    if (IsLabelName(k)) return Status::Ok();
    return InvalidArgumentError("query_metrics: `" + Preview(k, 60) + "` is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)");
  };
  for (const auto& [k, v] : query.matchers) RETURN_IF_ERROR(check(k));
  for (const auto& [k, v] : query.any_of) RETURN_IF_ERROR(check(k));
  return Status::Ok();
}
}  // namespace

PrometheusMetricSource::PrometheusMetricSource(PrometheusSourceOptions options) : options_(std::move(options)) {}

Result<std::vector<TimeSeries>> PrometheusMetricSource::Query(const MetricQuery& query) const {
  if (query.name.empty()) return InvalidArgumentError("query_metrics: metric name is empty");
  RETURN_IF_ERROR(CheckLabelNames(query));
  const Clock* clock = options_.clock != nullptr ? options_.clock : SystemClock();
  PromRangeQuery q;
  q.query = PromSelector(query.name, query.matchers, query.any_of);
  q.end_ms = query.end_ms != 0 ? query.end_ms - 1 : clock->NowMs();  // end_ms is exclusive here
  q.start_ms = query.start_ms != 0 ? query.start_ms : q.end_ms - options_.default_range_ms;
  if (q.start_ms > q.end_ms) {
    return InvalidArgumentError("query_metrics: start " + std::to_string(query.start_ms) + " ms is not before end " +
                                (query.end_ms != 0 ? std::to_string(query.end_ms) + " ms"
                                                   : "now (" + FormatRfc3339Ms(q.end_ms) + ")"));
  }
  // One request: widen the step until the range fits.
  const int64_t steps = static_cast<int64_t>(std::max<size_t>(options_.http.max_points_per_request, 2)) - 1;
  q.step_ms = std::max<int64_t>({options_.step_ms, 1, (q.end_ms - q.start_ms + steps - 1) / steps});
  Result<PromRangeResult> r = PromQueryRange(options_.url, q, options_.http);
  if (!r.ok()) {
    if (r.status().code() == StatusCode::kNotFound) return std::vector<TimeSeries>{};
    return r.status();
  }
  std::vector<TimeSeries> out;
  for (TimeSeries& s : r->series) {
    TimeSeries kept;
    kept.name = s.name.empty() ? query.name : s.name;
    kept.labels = std::move(s.labels);
    for (size_t i = 0; i < s.size(); ++i) {
      if (std::isfinite(s.values[i]) && (query.end_ms == 0 || s.timestamps_ms[i] < query.end_ms)) {
        kept.timestamps_ms.push_back(s.timestamps_ms[i]);
        kept.values.push_back(s.values[i]);
      }
    }
    out.push_back(std::move(kept));
  }
  if (out.size() > query.max_series) {
    return OutOfRangeError("query_metrics: " + std::to_string(out.size()) + " series match " + q.query +
                           " (at most " + std::to_string(query.max_series) + "); add label matchers");
  }
  return out;
}

Result<std::vector<TimeSeries>> PrometheusMetricSource::ListSeries(const MetricQuery& query) const {
  if (query.name.empty()) return InvalidArgumentError("query_metrics: metric name is empty");
  RETURN_IF_ERROR(CheckLabelNames(query));
  const Clock* clock = options_.clock != nullptr ? options_.clock : SystemClock();
  const int64_t end = query.end_ms != 0 ? query.end_ms - 1 : clock->NowMs();
  const int64_t start = query.start_ms != 0 ? query.start_ms : end - options_.default_range_ms;
  const std::string selector = PromSelector(query.name, query.matchers, query.any_of);
  const std::string params =
      "match%5B%5D=" + UrlEncode(selector) + "&start=" + SecondsText(start) + "&end=" + SecondsText(end);
  ASSIGN_OR_RETURN(Json data, Client(options_.url, options_.http).Get("/api/v1/series", params));
  const std::string where = "Prometheus " + options_.url.shown + "/api/v1/series";
  if (!data.is_array()) return InvalidArgumentError(where + ": the answer's data is not an array");
  std::vector<TimeSeries> out;
  for (const Json& row : data) {
    if (!row.is_object()) return InvalidArgumentError(where + ": a series is not an object of labels");
    TimeSeries s;
    for (const auto& [k, v] : row.items()) {
      if (!v.is_string()) return InvalidArgumentError(where + ": label " + k + " is not a string");
      if (k == "__name__")
        s.name = v.get<std::string>();
      else
        s.labels[k] = v.get<std::string>();
    }
    if (s.name.empty()) s.name = query.name;
    out.push_back(std::move(s));
  }
  if (out.size() > query.max_series) {
    return OutOfRangeError("query_metrics: " + std::to_string(out.size()) + " series match " + selector +
                           " (at most " + std::to_string(query.max_series) + "); add label matchers");
  }
  std::sort(out.begin(), out.end(), [](const TimeSeries& a, const TimeSeries& b) { return a.id() < b.id(); });
  return out;
}

Result<std::vector<std::string>> PrometheusMetricSource::ListMetricNames() const {
  ASSIGN_OR_RETURN(Json data, Client(options_.url, options_.http).Get("/api/v1/label/__name__/values", ""));
  if (!data.is_array())
    return InvalidArgumentError("Prometheus " + options_.url.shown + ": label values answer is not an array");
  std::vector<std::string> names;
  for (const Json& n : data) {
    if (n.is_string()) names.push_back(n.get<std::string>());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> PrometheusMetricSource::MetricNames() const {
  Result<std::vector<std::string>> names = ListMetricNames();
  return names.ok() ? *names : std::vector<std::string>{};
}

std::string PrometheusMetricSource::Describe() const { return "prometheus " + options_.url.shown; }

}  // namespace vigil
