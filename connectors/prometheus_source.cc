#include "connectors/prometheus_source.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "connectors/http_client.h"
#include "connectors/http_endpoint.h"
#include "core/ascii.h"
#include "core/json.h"
#include "core/logging.h"
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
Result<double> SampleText(const std::string& s) {
  if (s == "NaN") return std::nan("");
  if (s == "+Inf" || s == "Inf") return HUGE_VAL;
  if (s == "-Inf") return -HUGE_VAL;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v))
    return InvalidArgumentError("value `" + Preview(s, 40) + "` is not a number");
  return v;
}
Result<double> SampleValue(const Json& j) {
  if (!j.is_string()) return InvalidArgumentError("value " + Preview(j.dump(), 40) + " is not a string");
  return SampleText(j.get<std::string>());
}

class Client {
 public:
  Client(const PrometheusUrl& url, const PrometheusHttpOptions& options) : url_(url), options_(options) {}

  // GET base + path_and_query (a POST form when the parameters are longer than post_over_bytes);
  // the `data` member of a Prometheus success answer. Its "warnings" (strings) are appended to
  // `warnings` when given, each text once.
  Result<Json> Get(const std::string& path, const std::string& query_string,
                   std::vector<std::string>* warnings = nullptr) const {
    ASSIGN_OR_RETURN(HttpResponse res, Send(path, query_string));
    return Interpret(res, path, warnings);
  }

  // The request alone: the response, its 2xx body whole (up to max_response_bytes).
  Result<HttpResponse> Send(const std::string& path, const std::string& query_string) const {
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
    return res;
  }

  // After a 404 with Prometheus's "404 page not found": whether the URL's path is not the one the server
  // serves under, with one more request (DOG6, 2026-12-05: a Prometheus run with --web.route-prefix
  // /prometheus, or behind a proxy's path prefix, given as http://host:9090, was "is the URL a
  // Prometheus server?" alone). A URL with no path: GET / (a Prometheus with a route prefix redirects
  // it there; one without, to its UI page /graph or /query). A URL with a path: GET /-/ready at the
  // server's root (200: the server serves there, not under the path). "" when neither says so.
  std::string PrefixHint() const {
    const size_t scheme_end = url_.base.find("://");
    if (scheme_end == std::string::npos) return "";
    const size_t path_at = url_.base.find('/', scheme_end + 3);
    const size_t shown_scheme_end = url_.shown.find("://");
    const size_t shown_path_at =
        shown_scheme_end == std::string::npos ? std::string::npos : url_.shown.find('/', shown_scheme_end + 3);
    HttpRequest req = HttpRequest::Get(path_at == std::string::npos ? url_.base + "/"
                                                                     : url_.base.substr(0, path_at) + "/-/ready");
    req.timeout_ms = options_.timeout_ms;
    req.connect_timeout_ms = options_.connect_timeout_ms;
    req.cancel = options_.cancel;
    // Only the status and Location are read: a 2xx body (collected whole otherwise) is left after 64 KiB
    // (RV1: a server streaming at `/` took memory up to the timeout). Left, the request is an error: "".
    req.on_body = [n = size_t{0}](std::string_view chunk) mutable { return (n += chunk.size()) <= (64u << 10); };
    Result<HttpResponse> res = HttpSend(req);
    if (!res.ok()) return "";
    if (path_at != std::string::npos) {
      if (res->status != 200 || shown_path_at == std::string::npos) return "";
      const std::string root = url_.shown.substr(0, shown_path_at);
      return "; " + root + "/-/ready answers 200: this server serves at its root, not under `" +
             Preview(url_.base.substr(path_at), 80) + "` (give " + root + ", or the path its --web.route-prefix names)";
    }
    if (res->status < 300 || res->status >= 400) return "";
    std::string to = res->Header("location");
    if (const size_t sch = to.find("://"); sch != std::string::npos) {  // absolute: its path
      const size_t p = to.find('/', sch + 3);
      to = p == std::string::npos ? "" : to.substr(p);
    }
    if (const size_t q = to.find_first_of("?#"); q != std::string::npos) to.resize(q);
    while (!to.empty() && to.back() == '/') to.pop_back();
    for (std::string_view page : {"/graph", "/query"}) {
      if (to.size() >= page.size() && to.compare(to.size() - page.size(), page.size(), page) == 0) {
        to.resize(to.size() - page.size());
      }
    }
    if (to.empty() || to[0] != '/') return "";  // the UI at the root: no prefix
    return "; this server redirects / to `" + Preview(to, 80) +
           "`: it serves under that path (a Prometheus run with --web.route-prefix, or a proxy's path prefix): give " +
           url_.shown + Preview(to, 80);
  }

  // The `data` of a Prometheus success answer `res` to `path`, or the error it is.
  Result<Json> Interpret(const HttpResponse& raw, const std::string& path, std::vector<std::string>* warnings) const {
    const std::string where = "Prometheus " + url_.shown + path;
    const HttpResponse* res = &raw;
    Result<Json> body = ParseJson(res->body, "answer");
    const std::string http = "HTTP " + std::to_string(res->status);
    if (!body.ok() && res->ok()) {
      if (const std::string cut = JsonCutShort(res->body); !cut.empty())
        return UnavailableError(where + " answered " + http + " with " + cut + "; the body starts `" + Preview(res->body) + "`");
    }
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
      return InvalidArgumentError(what + (res->status == 404 ? PrefixHint() : "") +
                                  " (is the URL a Prometheus server, http://host:9090[/prefix]?)");
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

// The series of `out` with `s`'s id (added when new).
TimeSeries& SeriesOf(TimeSeries s, std::map<std::string, size_t>& by_id, PromRangeResult& out) {
  auto [it, fresh] = by_id.emplace(s.id(), out.series.size());
  if (fresh) out.series.push_back(std::move(s));
  return out.series[it->second];
}

// Appends the point (t, v) to `ts` (id `id`): a point a server repeats at a seam is counted and
// dropped; one before the previous is an error naming `where`.
Status AddPoint(TimeSeries& ts, const std::string& id, int64_t t, double v, const std::string& where,
                PromRangeResult& out) {
  if (!ts.timestamps_ms.empty() && t <= ts.timestamps_ms.back()) {
    if (t == ts.timestamps_ms.back()) {  // asked once, sent twice (a seam): keep the first
      ++out.seam_duplicates;
      return Status::Ok();
    }
    return InvalidArgumentError(where + ": series " + id + ": timestamp " + SecondsText(t) +
                                " is before the previous one " + SecondsText(ts.timestamps_ms.back()));
  }
  ts.timestamps_ms.push_back(t);
  ts.values.push_back(v);
  return Status::Ok();
}

// A success answer of a range query read straight into series, nothing but the points held: the
// DOM of nlohmann's parse takes about 16 times the body (a 20 MB answer of 1M samples: 320 MiB more
// resident, measured), so an answer near max_response_bytes (512 MiB) would take ~8 GiB. Anything
// this reader does not expect (an error answer, another shape, a value that is not a number) makes
// it give up (`odd`), and the answer is read whole as before, for its precise error.
class MatrixSax : public nlohmann::json_sax<Json> {
 public:
  std::string status, result_type;
  bool has_data = false, has_result = false;
  std::vector<std::string> warnings;
  std::vector<TimeSeries> rows;  // in the answer's order; a row's points as sent
  bool odd = false;

  bool null() override { return Scalar(nullptr); }
  bool boolean(bool) override { return Scalar(nullptr); }
  bool number_integer(number_integer_t v) override { return Number(static_cast<double>(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Number(static_cast<double>(v)); }
  bool number_float(number_float_t v, const string_t&) override { return Number(v); }
  bool string(string_t& v) override { return Scalar(&v); }
  bool binary(binary_t&) override { return Give(); }
  bool start_object(std::size_t) override { return Open(false); }
  bool start_array(std::size_t) override { return Open(true); }
  bool end_object() override { return Close(); }
  bool end_array() override { return Close(); }
  bool key(string_t& k) override {
    if (skip_ == 0) stack_.back().key = k;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return Give(); }

 private:
  struct Frame {
    bool array = false;
    std::string key;   // the current key of an object
    size_t index = 0;  // the next element's index in an array
  };
  // Where the next value goes: 0 root; 1 a root key's value; 2 data's; 3 a series; 4 a metric label or
  // a point; 5 a point's element.
  size_t Depth() const { return stack_.size(); }
  const std::string& Key(size_t depth) const { return stack_[depth - 1].key; }
  bool Give() {
    odd = true;
    return false;
  }
  // Where the value being opened or read sits: its parent's key or index.
  enum class At { kOther, kStatus, kData, kWarnings, kWarning, kResultType, kResult, kSeries, kMetric, kLabel,
                  kValues, kPoint, kPointTime, kPointValue };
  At Where() const {
    const size_t d = Depth();
    if (d == 0) return At::kOther;
    if (d == 1) {
      const std::string& k = Key(1);
      return k == "status" ? At::kStatus : k == "data" ? At::kData : k == "warnings" ? At::kWarnings : At::kOther;
    }
    if (d == 2 && Key(1) == "warnings") return At::kWarning;
    if (Key(1) != "data") return At::kOther;
    if (d == 2) return Key(2) == "resultType" ? At::kResultType : Key(2) == "result" ? At::kResult : At::kOther;
    if (Key(2) != "result") return At::kOther;
    if (d == 3) return At::kSeries;
    if (d == 4) return Key(4) == "metric" ? At::kMetric : Key(4) == "values" ? At::kValues : At::kOther;
    if (d == 5) return Key(4) == "metric" ? At::kLabel : Key(4) == "values" ? At::kPoint : At::kOther;
    if (d == 6 && Key(4) == "values") return stack_[5].index == 0 ? At::kPointTime : stack_[5].index == 1 ? At::kPointValue : At::kOther;
    return At::kOther;
  }
  bool Open(bool array) {
    if (skip_ > 0) {
      ++skip_;
      return true;
    }
    const At at = Where();
    const bool expected = (at == At::kOther && Depth() == 0 && !array) || (at == At::kData && !array) ||
                          (at == At::kWarnings && array) || (at == At::kResult && array) ||
                          (at == At::kSeries && !array) || (at == At::kMetric && !array) ||
                          (at == At::kValues && array) || (at == At::kPoint && array);
    if (!expected) {
      if (at != At::kOther || Depth() == 0) return Give();
      skip_ = 1;  // a member this reader does not read ("histograms", "stats", "infos", ...)
      return true;
    }
    if (at == At::kData) has_data = true;
    if (at == At::kResult) has_result = true;
    if (at == At::kSeries) {
      rows.emplace_back();
      metric_seen_ = false;
    }
    if (at == At::kMetric) metric_seen_ = true;
    if (at == At::kPoint) point_ = {};
    stack_.push_back({array, "", 0});
    return true;
  }
  bool Close() {
    if (skip_ > 0) {
      if (--skip_ == 0) Next();
      return true;
    }
    // A series with no `metric` object: the whole read says so (AddMatrix).
    if (Depth() == 4 && Key(1) == "data" && Key(2) == "result" && !metric_seen_) return Give();
    const bool point = Depth() == 6;
    if (point) {
      if (stack_.back().index != 2) return Give();
      rows.back().timestamps_ms.push_back(point_.t);
      rows.back().values.push_back(point_.v);
    }
    stack_.pop_back();
    Next();
    return true;
  }
  void Next() {
    if (!stack_.empty() && stack_.back().array) ++stack_.back().index;
  }
  bool Number(double v) {
    if (skip_ > 0) return true;
    const At at = Where();
    if (at == At::kOther && Depth() > 0) return Next(), true;
    if (at != At::kPointTime || !(std::fabs(v) < 1e14)) return Give();
    point_.t = std::llround(v * 1000.0);
    Next();
    return true;
  }
  bool Scalar(const std::string* text) {
    if (skip_ > 0) return true;
    const At at = Where();
    if (at == At::kOther && Depth() > 0) return Next(), true;
    if (text == nullptr) return Give();
    switch (at) {
      case At::kStatus: status = *text; break;
      case At::kResultType: result_type = *text; break;
      case At::kWarning: warnings.push_back(*text); break;
      case At::kLabel:
        if (Key(5) == "__name__")
          rows.back().name = *text;
        else
          rows.back().labels[Key(5)] = *text;
        break;
      case At::kPointValue: {
        Result<double> v = SampleText(*text);
        if (!v.ok()) return Give();
        point_.v = *v;
        break;
      }
      default: return Give();
    }
    Next();
    return true;
  }

  std::vector<Frame> stack_;
  size_t skip_ = 0;  // > 0: inside a member not read, this many containers deep
  bool metric_seen_ = false;  // the current series has its `metric` object
  struct {
    int64_t t = 0;
    double v = 0;
  } point_;
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
    TimeSeries& ts = SeriesOf(std::move(s), by_id, out);
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
      RETURN_IF_ERROR(AddPoint(ts, id, t, *v, where, out));
    }
  }
  return Status::Ok();
}

// Reads a 2xx range-query answer through MatrixSax into `by_id` / `out` (its warnings into
// `out.warnings`, each once). False when the answer is not a plain success matrix: the caller
// reads it whole (Client::Interpret, AddMatrix) for what it is. Nothing is added before the whole
// answer has been read.
Result<bool> AddMatrixStreamed(const HttpResponse& res, const std::string& where, std::map<std::string, size_t>& by_id,
                               PromRangeResult& out) {
  if (!res.ok() || JsonTooDeepAt(res.body) != std::string_view::npos) return false;
  MatrixSax sax;
  if (!Json::sax_parse(res.body, &sax) || sax.odd || sax.status != "success" || !sax.has_data || !sax.has_result ||
      sax.result_type != "matrix")
    return false;
  for (const std::string& w : sax.warnings) {
    if (std::find(out.warnings.begin(), out.warnings.end(), w) == out.warnings.end()) out.warnings.push_back(w);
  }
  for (TimeSeries& row : sax.rows) {
    TimeSeries s;
    s.name = std::move(row.name);
    s.labels = std::move(row.labels);
    const std::string id = s.id();
    TimeSeries& ts = SeriesOf(std::move(s), by_id, out);
    for (size_t p = 0; p < row.timestamps_ms.size(); ++p)
      RETURN_IF_ERROR(AddPoint(ts, id, row.timestamps_ms[p], row.values[p], where, out));
    row = TimeSeries();  // its points are in `out` now
  }
  return true;
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

namespace {

// `s` with any password hidden. In error messages the last `@` ends the user:password, even when the
// password holds a `/`, `?` or `#` that should have been percent-encoded (a base64 one): over-hiding a
// path's `@` is the safe side. A URL taken (`parsed`) has its user:password before the first `/`.
std::string UrlPasswordHidden(const std::string& s, bool parsed) {
  const size_t b = s.find("://") == std::string::npos ? 0 : s.find("://") + 3;
  const size_t e = parsed ? std::min(s.find('/', b), s.size()) : s.size();
  const size_t at = e == 0 ? std::string::npos : s.rfind('@', e - 1);
  if (at == std::string::npos || at < b) return s;
  const size_t colon = s.find(':', b);
  return colon < at ? s.substr(0, colon + 1) + "[redacted]" + s.substr(at) : s;
}

// Where a base URL's path (`path`, from its first `/`, trailing `/`s removed) holds what vigil
// appends or a browser page rather than a route prefix: the offset in `path` where the base ends and
// the part written out (`/api/v1`, `/graph`), or npos. The API path is a segment `api` followed by `v1`
// or `v2` (Prometheus, Alertmanager), anywhere (`/api/v1/query_range` too); the web UI's page a last
// segment `graph`. Case-insensitive: `/API/V1` is the same mistake.
std::pair<size_t, std::string> ApiPathInBase(const std::string& path) {
  std::vector<std::pair<size_t, std::string>> segments;  // (offset of its `/`, lower-cased text)
  for (size_t at = 0; at < path.size();) {
    size_t next = path.find('/', at + 1);
    if (next == std::string::npos) next = path.size();
    segments.emplace_back(at, AsciiLower(std::string_view(path).substr(at + 1, next - at - 1)));
    at = next;
  }
  for (size_t i = 0; i + 1 < segments.size(); ++i) {
    if (segments[i].second == "api" && (segments[i + 1].second == "v1" || segments[i + 1].second == "v2")) {
      return {segments[i].first, "/api/" + segments[i + 1].second};
    }
  }
  if (!segments.empty() && segments.back().second == "graph") return {segments.back().first, "/graph"};
  return {std::string::npos, ""};
}

}  // namespace

Result<PrometheusUrl> ParsePrometheusUrl(std::string_view text) { return ParseBaseUrl(text, /*cut_api_path=*/true); }

Result<PrometheusUrl> ParseBaseUrl(std::string_view text, bool cut_api_path) {
  PrometheusUrl url;
  std::string s(text);
  const size_t scheme_end = s.find("://");
  // Messages show the URL with any password hidden (computed below once the parts are known).
  auto hidden = [&s](bool parsed = false) { return UrlPasswordHidden(s, parsed); };
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
    // RV1: a query's or the UI page's whole URL as a browser shows it (`/api/v1/query?query=up`,
    // `/graph?g0.expr=...`) always has a query string: name the base its path gives (the password hidden
    // up to the last `@`, a `/` in it being possible here).
    const size_t pb = std::min(s.find('/', scheme_end + 3), qf);
    std::string path = s.substr(pb, qf - pb);
    while (!path.empty() && path.back() == '/') path.pop_back();
    if (const auto [at, part] = ApiPathInBase(path); at != std::string::npos) {
      std::string base = s.substr(0, pb + at);
      while (base.size() > pb && base.back() == '/') base.pop_back();
      return bad("holds a query string or fragment; give the server's base URL, " +
                 UrlPasswordHidden(base, /*parsed=*/false) + " (vigil adds the API paths)");
    }
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
  // `http://prom:9090/api/v1` (or a query's whole URL, or the UI's `/graph` page) was taken, and every
  // request went to /api/v1/api/v1/...: a 404 at each metric of each alert (REV2), and was refused
  // since. One rule for --data prom:URL and prometheus_url (DOG6, 2026-12-05: prom: cut a pasted
  // `/api/v1/query_range` and `/graph` while serve refused them): the base is the URL up to the API
  // path `/api/v1` (whatever follows it) or the UI's page `/graph`, what was cut said in `cut`; a
  // path before it is the server's route prefix and kept. `/api/v2` is Alertmanager's API (no
  // Prometheus has it): refused.
  if (const auto [at, part] = ApiPathInBase(s.substr(path_begin)); at != std::string::npos) {
    const std::string base = UrlPasswordHidden(s.substr(0, path_begin + at), /*parsed=*/true);
    if (!cut_api_path) {  // an Alertmanager's URL (ParseAlertmanagerUrl): refused as before DOG6
      return bad(part == "/graph" ? "holds the web UI's page `/graph`; give the server's base URL, " + base
                                  : "holds the API path `" + part + "`; give the server's base URL, " + base +
                                        " (vigil adds the API paths)");
    }
    if (part == "/api/v2") {
      return bad("holds the API path `/api/v2`, an Alertmanager's (is this the Alertmanager's URL?); give the "
                 "Prometheus server's base URL, http://host:9090[/prefix]");
    }
    url.cut = s.substr(path_begin + at);
    s.resize(path_begin + at);
    // RV1: `http://h:9090//api/v1` or `/prometheus//api/v1` left `http://h:9090/`: every API path was
    // sent as `//api/v1/...`.
    while (s.size() > path_begin && s.back() == '/') s.pop_back();
  }
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
    ASSIGN_OR_RETURN(HttpResponse res, client.Send("/api/v1/query_range", params));
    ++out.requests;
    const std::string where = "Prometheus " + url.shown + "/api/v1/query_range (request " +
                              std::to_string(out.requests) + " of " + std::to_string(plan.requests) + ")";
    ASSIGN_OR_RETURN(bool streamed, AddMatrixStreamed(res, where, by_id, out));
    if (streamed) continue;
    ASSIGN_OR_RETURN(Json data, client.Interpret(res, "/api/v1/query_range", &out.warnings));
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

namespace {

// A plain selector's parts: its metric name ("" for `{...}` alone) and its matchers as written.
struct SelectorParts {
  std::string name;
  std::vector<std::string> matchers;
};

bool IdentChar(char c, bool first, bool colon) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalpha(u) || c == '_' || (colon && c == ':') || (!first && std::isdigit(u));
}

std::optional<SelectorParts> ParseSelector(std::string_view s) {
  size_t i = 0;
  auto ws = [&] {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  };
  auto ident = [&](bool colon) {
    const size_t b = i;
    while (i < s.size() && IdentChar(s[i], i == b, colon)) ++i;
    return std::string(s.substr(b, i - b));
  };
  SelectorParts out;
  ws();
  out.name = ident(/*colon=*/true);
  // `Inf` / `NaN` are PromQL numbers, not metric names.
  if (const std::string lower = AsciiLower(out.name); lower == "inf" || lower == "nan") return std::nullopt;
  ws();
  bool braces = false;
  if (i < s.size() && s[i] == '{') {
    braces = true;
    ++i;
    ws();
    while (i < s.size() && s[i] != '}') {
      const size_t b = i;
      if (ident(/*colon=*/false).empty()) return std::nullopt;
      ws();
      const std::string_view op = s.substr(i, 2);
      if (op == "=~" || op == "!=" || op == "!~")
        i += 2;
      else if (i < s.size() && s[i] == '=')
        ++i;
      else
        return std::nullopt;
      ws();
      if (i >= s.size() || (s[i] != '"' && s[i] != '\'' && s[i] != '`')) return std::nullopt;
      const char quote = s[i++];
      while (i < s.size() && s[i] != quote) i += (s[i] == '\\' && quote != '`') ? 2 : 1;
      if (i >= s.size()) return std::nullopt;
      ++i;
      out.matchers.emplace_back(s.substr(b, i - b));
      ws();
      if (i < s.size() && s[i] == ',') {
        ++i;
        ws();
      } else if (i < s.size() && s[i] != '}') {
        return std::nullopt;
      }
    }
    if (i >= s.size()) return std::nullopt;
    ++i;
    ws();
  }
  if (i != s.size() || (out.name.empty() && !braces)) return std::nullopt;
  return out;
}

// One value series' freshness markers, from one series of the marker answer.
struct Markers {
  const TimeSeries* series = nullptr;
};

}  // namespace

int64_t PromRepeatBoundMs(int64_t step_ms, int64_t scrape_interval_ms) {
  const int64_t interval = scrape_interval_ms > 0 ? scrape_interval_ms : kDefaultScrapeIntervalMs;
  return std::max(step_ms, interval + interval / 2);
}

bool IsPromSelector(std::string_view promql) { return ParseSelector(promql).has_value(); }

Result<PromRangeResult> PromQueryRangeFresh(const PrometheusUrl& url, const PromRangeQuery& q,
                                            const PrometheusHttpOptions& options, int64_t scrape_interval_ms) {
  ASSIGN_OR_RETURN(PromRangeResult out, PromQueryRange(url, q, options));
  const std::optional<SelectorParts> selector = ParseSelector(q.query);
  if (!selector) return out;  // a function's result has no samples of its own: as read
  const int64_t bound = PromRepeatBoundMs(q.step_ms, scrape_interval_ms);
  const std::string kept_late =
      "; their values are kept as read, with Prometheus's lookback repeats (stale_for there may fire up to the "
      "lookback delta, 5 min by default, late)";
  // The marker of a selector S: `count_over_time(S[B]) or S * 0` is, at each step where S has a
  // value, the number of samples in the last B (>= 1: a fresh point) or 0 (NaN for a NaN / Inf
  // sample: S * 0) where S's value is a lookback repeat. Every value point gets one, so a missing
  // one is a different answer, not staleness. Several names of a `{...}` selector: one marker query
  // per name (count_over_time and `* 0` drop the name: two names' series of the same labels would
  // collide in one answer).
  std::set<std::string> names;
  for (const TimeSeries& s : out.series) names.insert(s.name);
  auto marker = [&](const std::string& only_name) {
    std::string sel = selector->name + "{";
    for (size_t k = 0; k < selector->matchers.size(); ++k) sel += (k > 0 ? "," : "") + selector->matchers[k];
    if (!only_name.empty()) sel += std::string(selector->matchers.empty() ? "" : ",") + "__name__=" + PromString(only_name);
    sel += "}";
    return "count_over_time(" + sel + "[" + std::to_string(bound) + "ms]) or " + sel + " * 0";
  };
  std::vector<std::pair<std::string, std::string>> asks;  // (name the answer is for, "" = all; query)
  if (!selector->name.empty() || names.size() <= 1) {
    asks.emplace_back("", marker(""));
  } else {
    for (const std::string& n : names) asks.emplace_back(n, marker(n));
  }
  for (const auto& [name, query] : asks) {
    PromRangeQuery mq = q;
    mq.query = query;
    auto for_this = [&name](const TimeSeries& s) { return name.empty() || s.name == name; };
    size_t concerned = 0;
    for (const TimeSeries& s : out.series) concerned += for_this(s) ? 1 : 0;
    const std::string what = "Prometheus " + url.shown + ": the freshness of " + std::to_string(concerned) +
                             " series (`" + Preview(query, 160) + "`)";
    Result<PromRangeResult> marks = PromQueryRange(url, mq, options);
    if (!marks.ok()) {
      out.notes.push_back(what + " could not be read (" + marks.status().message() + ")" + kept_late);
      continue;
    }
    out.requests += marks->requests;
    out.freshness_requests += marks->requests;
    for (const std::string& w : marks->warnings) {
      if (std::find(out.warnings.begin(), out.warnings.end(), w) == out.warnings.end()) out.warnings.push_back(w);
    }
    // An answer that cannot be the marker's (another server, a proxy answering something else) is
    // not used at all: a named series, a value other than NaN or a whole number >= 0.
    size_t named = 0, not_counts = 0;
    std::map<std::string, Markers> by_labels;  // a marker series has the labels, no name
    for (const TimeSeries& m : marks->series) {
      if (!m.name.empty()) ++named;
      for (double v : m.values) {
        if (!std::isnan(v) && !(v >= 0 && v < 1e15 && v == std::floor(v))) ++not_counts;
      }
      TimeSeries key;
      key.labels = m.labels;
      by_labels[key.id()].series = &m;
    }
    if (named > 0 || not_counts > 0) {
      std::string why = named > 0 ? std::to_string(named) + " series with a __name__" : "";
      if (not_counts > 0)
        why += (why.empty() ? "" : " and ") + std::to_string(not_counts) + " values that are not a count of samples";
      out.notes.push_back(what + " answered what is not a count of samples (" + why + ")" + kept_late);
      continue;
    }
    size_t unmatched = 0, points_unmatched = 0;
    for (TimeSeries& s : out.series) {
      if (!for_this(s)) continue;
      TimeSeries key;
      key.labels = s.labels;
      auto it = by_labels.find(key.id());
      if (it == by_labels.end()) {
        ++unmatched;
        continue;
      }
      const TimeSeries& m = *it->second.series;
      TimeSeries kept;
      kept.name = s.name;
      kept.labels = s.labels;
      size_t j = 0;
      for (size_t p = 0; p < s.size(); ++p) {
        const int64_t at = s.timestamps_ms[p];
        while (j < m.size() && m.timestamps_ms[j] < at) ++j;
        if (j < m.size() && m.timestamps_ms[j] == at) {
          if (!(m.values[j] >= 1)) {  // 0 or NaN: no sample within the bound
            ++out.repeats_dropped;
            continue;
          }
        } else {
          ++points_unmatched;  // kept
        }
        kept.timestamps_ms.push_back(at);
        kept.values.push_back(s.values[p]);
      }
      s = std::move(kept);
    }
    // A marker series with no value series is not counted as odd: a series that Prometheus's own
    // scrape ended with a staleness marker (a pod label that changed, an exporter that died) has
    // no value after the marker while count_over_time still counts its samples for B (DET3: every
    // read of a live serve said so for 90 s after a pod change, and that the values were "kept as
    // read", which they were not).
    if (unmatched > 0 || points_unmatched > 0) {
      std::string why;
      auto add = [&why](size_t n, const std::string& text) {
        if (n == 0) return;
        why += (why.empty() ? "" : ", ") + std::to_string(n) + " " + text;
      };
      add(unmatched, "series without a marker");
      add(points_unmatched, "points without a marker");
      out.notes.push_back(what + " answered other series than the values: " + why + kept_late);
    }
  }
  std::erase_if(out.series, [](const TimeSeries& s) { return s.empty(); });
  if (out.series.empty()) {
    return NotFoundError("Prometheus " + url.shown + ": the query `" + q.query + "` matched no series with a sample from " +
                         FormatRfc3339Ms(q.start_ms) + " to " + FormatRfc3339Ms(q.end_ms) + " (" +
                         std::to_string(out.repeats_dropped) +
                         " points answered were Prometheus's lookback repeats of older samples)");
  }
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
  Result<PromRangeResult> r = options_.drop_lookback_repeats
                                  ? PromQueryRangeFresh(options_.url, q, options_.http, options_.scrape_interval_ms)
                                  : PromQueryRange(options_.url, q, options_.http);
  if (r.ok()) {
    std::lock_guard lock(logged_mu_);
    for (const std::string& note : r->notes) {
      if (logged_.size() >= 100 || !logged_.insert(note).second) continue;
      LogWarn("prometheus", note);
    }
  }
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
