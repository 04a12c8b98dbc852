#include "server/http_api.h"

#include <httplib.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <regex>
#include <set>
#include <thread>
#include <utility>

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agents/alert_triage.h"
#include "agents/component_text.h"
#include "connectors/alertmanager.h"
#include "core/ascii.h"
#include "core/config.h"
#include "core/logging.h"
#include "core/parse.h"
#include "core/time_util.h"
#include "core/utf8.h"
#include "knowledge/text_util.h"
#include "server/connection_watchdog.h"
#include "server/terminal_safe.h"

namespace vigil {
namespace {

struct RouteSpec {
  const char* pattern;     // httplib's (std::regex, whole path)
  std::string_view label;  // the route template, for metrics
  std::string_view method;
};

constexpr RouteSpec kRoutes[] = {
    // The webhook's path with a trailing slash too (`url: http://vigil:8080/api/v1/alerts/`): the same
    // route, its limit and metrics label included (DOG6, 2026-12-05: answered 404, and Alertmanager
    // drops a notification answered 4xx, its alerts lost).
    {"/api/v1/alerts/?", "/api/v1/alerts", "POST"},
    {"/api/v1/incidents", "/api/v1/incidents", "GET"},
    {"/api/v1/incidents/([^/]*)", "/api/v1/incidents/{id}", "GET"},
    {"/api/v1/incidents/([^/]*)/resolution", "/api/v1/incidents/{id}/resolution", "POST"},
    {"/api/v1/categories", "/api/v1/categories", "GET"},
    {"/api/v1/diagnose", "/api/v1/diagnose", "POST"},
    {"/healthz", "/healthz", "GET"},
    {"/metrics", "/metrics", "GET"},
};

// `extra_paths`: HttpApiOptions::extra_route_paths, labelled by name.
std::string_view RouteLabel(const std::string& path, const std::vector<std::string>& extra_paths) {
  static const std::vector<std::regex> compiled = [] {
    std::vector<std::regex> out;
    for (const auto& r : kRoutes) out.emplace_back(r.pattern);
    return out;
  }();
  for (size_t i = 0; i < compiled.size(); ++i) {
    if (std::regex_match(path, compiled[i])) return kRoutes[i].label;
  }
  for (const std::string& label : extra_paths) {
    if (path == label) return label;
  }
  return "other";
}

std::string_view MethodLabel(const std::string& method) {
  for (std::string_view m : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}) {
    if (method == m) return m;
  }
  return "other";
}

struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

std::string Dump(const Json& j) { return DumpJson(j, 2) + "\n"; }

Reply JsonReply(int status, const Json& body) { return Reply{status, Dump(body), "application/json", {}}; }

Reply ErrorReply(int status, std::string_view message, std::string_view where) {
  return JsonReply(status, ErrorBody(message, where));
}

Reply StatusReply(const Status& status, std::string_view where) {
  return ErrorReply(HttpStatusFor(status.code()), status.message(), where);
}

// The field an error message names first ("version: ...", "alerts[2].startsAt: ...", "since:: ..."
// for a parameter `since:`): what precedes its first ": ". Empty when it names none (no ": ", or a
// phrase before it).
std::string FieldOf(const std::string& message) {
  const size_t end = message.find(": ");
  if (end == std::string::npos || end == 0) return "";
  std::string field = message.substr(0, end);
  return field.find(' ') == std::string::npos ? field : "";
}

// `where` of a webhook body's error: "body.<the field its message names>" ("body.version",
// "body.alerts[0].labels.gpu"), or "body" for the body as a whole ("body: not valid UTF-8 ...").
// RV6: every webhook error said "body", whatever field was wrong.
std::string BodyWhere(const std::string& message) {
  const std::string field = FieldOf(message);
  return field.empty() || field == "body" ? "body" : "body." + field;
}

// 415 unless the request says its body is JSON (media type application/json, any parameters).
std::optional<Reply> RequireJson(const httplib::Request& req) {
  std::string type = req.get_header_value("Content-Type");
  const std::string given = type;
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  if (AsciiEqualsIgnoreCase(type, "application/json")) return std::nullopt;
  return ErrorReply(415,
                    given.empty() ? "the request has no Content-Type; send the body as application/json"
                                  : "Content-Type `" + given + "` is not application/json",
                    "Content-Type header");
}

// The incident id of a path matched by a `/api/v1/incidents/([^/]*)...` route; InvalidArgument
// naming it when it is not a number.
Result<int64_t> PathId(const httplib::Request& req) {
  const std::string text = req.matches.size() > 1 ? std::string(req.matches[1]) : std::string();
  const auto id = ParseUint(text);
  if (!id || *id > static_cast<uint64_t>(INT64_MAX)) {
    return InvalidArgumentError("incident id `" + text + "` is not a number");
  }
  return static_cast<int64_t>(*id);
}

// A time of ?since= / ?until=: unix seconds ("1764900000", a fraction allowed) or RFC 3339
// ("2026-12-05T10:00:00Z"; a `+02:00` zone whose `+` the query string turned into a space is read as
// one). InvalidArgument "<param>: ..." otherwise.
Result<int64_t> ParseQueryTime(const std::string& param, const std::string& value) {
  constexpr double kMaxSeconds = 253402300799;  // 9999-12-31T23:59:59Z
  if (!value.empty() && value.front() >= '0' && value.front() <= '9') {
    if (value.find_first_not_of("0123456789.") == std::string::npos) {
      const auto seconds = ParseDouble(value);
      if (!seconds || *seconds > kMaxSeconds) {
        return InvalidArgumentError(param + ": `" + value + "` is not a time (unix seconds up to 253402300799)");
      }
      return static_cast<int64_t>(*seconds * 1000);
    }
  }
  auto ms = ParseRfc3339Ms(value);
  if (!ms.ok() && value.find(' ') != std::string::npos) {
    std::string plus = value;
    plus[plus.rfind(' ')] = '+';
    ms = ParseRfc3339Ms(plus);
  }
  if (!ms.ok()) {
    return InvalidArgumentError(param + ": `" + value +
                                "` is not a time: give RFC 3339 (2026-12-05T10:00:00Z; write a zone's + as %2B) or "
                                "unix seconds");
  }
  return *ms;
}

// Whether every byte of `value` is an ASCII letter, digit or one of `extra` (a filter's value that
// could hold SQL or shell metacharacters is refused, not searched: it is bound, but no such
// fingerprint, host or alertname exists, and a 400 says what was wrong).
bool OnlyNameBytes(std::string_view value, std::string_view extra) {
  return std::all_of(value.begin(), value.end(),
                     [&](char c) {
                       return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                              extra.find(c) != std::string_view::npos;
                     });
}

}  // namespace

Result<IncidentQuery> ParseIncidentQuery(const std::multimap<std::string, std::string>& params, size_t limit_max) {
  IncidentQuery q;
  std::string status_key;
  std::set<std::string> seen;
  constexpr std::string_view kAccepted =
      "accepted: status (or state), fingerprint, node, alertname, since, until, limit, cursor";
  for (const auto& [key, value] : params) {
    // `state` is the field each incident carries, so a client filters by that name too (DOG:
    // `?state=diagnosed` was refused as an unknown parameter).
    if (key == "status" || key == "state") {
      if (!status_key.empty() && value != q.status) {
        return InvalidArgumentError(key + ": `" + status_key + "` and `" + key + "` disagree (`" + q.status + "`, `" +
                                    value + "`): give one filter");
      }
      bool known = value == "resolved" || value == "stopped" || value == "firing" || value == "open";
      for (std::string_view st : IncidentTriageStates()) known = known || value == st;
      if (!known) {
        return InvalidArgumentError(key + ": unknown status `" + value +
                                    "`; accepted: queued, running, diagnosed, failed, resolved, stopped, firing, open");
      }
      q.status = value;
      status_key = key;
      continue;
    }
    if (!seen.insert(key).second) {
      return InvalidArgumentError(key + ": given twice; filters are ANDed, give each once");
    }
    if (key == "limit") {
      const auto n = ParseUint(value);
      if (!n || *n < 1 || *n > limit_max) {
        return InvalidArgumentError("limit: must be a whole number from 1 to " + std::to_string(limit_max) + ", got `" +
                                    value + "`");
      }
      q.limit = *n;
    } else if (key == "fingerprint") {
      if (value.empty() || value.size() > 128 || !OnlyNameBytes(value, "-_")) {
        return InvalidArgumentError("fingerprint: `" + value +
                                    "` is not a fingerprint (1 to 128 letters, digits, - or _; Alertmanager's are 16 "
                                    "hex digits)");
      }
      q.fingerprint = value;
    } else if (key == "node") {
      if (value.empty() || value.size() > 255 || !OnlyNameBytes(value, ".-_:[]%")) {
        return InvalidArgumentError("node: `" + value +
                                    "` is not a host name or address (letters, digits and . - _ : [ ], up to 255)");
      }
      q.node = value;
    } else if (key == "alertname") {
      if (value.empty() || value.size() > 255 || !OnlyNameBytes(value, "_:.-")) {
        return InvalidArgumentError("alertname: `" + value +
                                    "` is not an alert name (letters, digits and _ : . -, up to 255)");
      }
      q.alertname = value;
    } else if (key == "cursor") {
      // The previous page's `next` (RV9): the id of its last incident, a token to clients.
      const auto id = ParseUint(value);
      if (!id || *id < 1 || *id > static_cast<uint64_t>(INT64_MAX)) {
        return InvalidArgumentError("cursor: `" + value + "` is not a cursor; give the previous page's `next`");
      }
      q.before_id = static_cast<int64_t>(*id);
    } else if (key == "since" || key == "until") {
      ASSIGN_OR_RETURN(int64_t ms, ParseQueryTime(key, value));
      (key == "since" ? q.since_ms : q.until_ms) = ms;
    } else {
      return InvalidArgumentError(key + ": unknown query parameter `" + key + "`; " + std::string(kAccepted));
    }
  }
  if (q.since_ms && q.until_ms && *q.since_ms > *q.until_ms) {
    return InvalidArgumentError("since: " + FormatRfc3339Ms(*q.since_ms) + " is after until " +
                                FormatRfc3339Ms(*q.until_ms));
  }
  return q;
}

namespace {

// Request timing for the duration histogram: httplib calls the pre-routing handler and the
// logger on the thread that serves the request, one request at a time per thread.
thread_local std::chrono::steady_clock::time_point t_request_start;
thread_local bool t_request_started = false;
// Set by the handler of POSTs to no route that took the body as an Alertmanager notification
// (WebhookElsewhere), read and cleared by the logger: the request is the webhook's for the
// metrics' route label and the log.
thread_local bool t_webhook_elsewhere = false;
// RV10: this thread's request was answered before its body was read (pre-routing 401 / 411 / 413):
// its connection is ended once the answer is written (the logger: EndAnsweredConnection).
thread_local bool t_end_connection = false;

// The webhook's own path (kRoutes' first), with or without its trailing slash.
bool IsWebhookPath(const std::string& path) { return path == "/api/v1/alerts" || path == "/api/v1/alerts/"; }

// A POST to a path no route takes whose body is an Alertmanager notification (a JSON object with an
// `alerts` array and Alertmanager's `version` or `groupKey`), as a receiver's webhook_configs `url:`
// written with another path sends it: `http://vigil:8080` (POST /), `/api/v2/alerts` (Alertmanager's
// own API), `/webhook`, `/alerts`. DOG6 (2026-12-05): such a POST was answered 404 and, Alertmanager
// resending on 5xx only, every alert of it was lost (DOG5 logged it); it is now taken as the webhook
// (answered as POST /api/v1/alerts answers), and each time the log says which url to write.
bool IsAlertmanagerNotification(const httplib::Request& req) {
  std::string type = req.get_header_value("Content-Type");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  if (!AsciiEqualsIgnoreCase(type, "application/json")) return false;
  auto json = ParseJson(req.body, "body");
  if (!json.ok() || !json->is_object()) return false;
  auto alerts = json->find("alerts");
  return alerts != json->end() && alerts->is_array() && (json->contains("version") || json->contains("groupKey"));
}

// For a path no route takes: the route meant, when the path is one with a trailing slash
// (`/api/v1/alerts/`, an Alertmanager `url:` written with one) or a POST elsewhere (`/api/v2/alerts`,
// Alertmanager's own API, or `/`); "" otherwise. DOG5 (2026-12-05): such a webhook was answered
// "no route POST /api/v1/alerts/" and, a 4xx not being resent, every alert of it was lost.
std::string RouteHint(const httplib::Request& req) {
  std::string path = req.path;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path != req.path) {
    for (const RouteSpec& r : kRoutes) {
      if (std::regex_match(path, std::regex(r.pattern))) {
        return "; did you mean " + std::string(r.method) + " " + path + " (no trailing slash)?";
      }
    }
  }
  if (req.method == "POST") return "; an Alertmanager webhook is POST /api/v1/alerts (webhook_configs url: http://HOST:PORT/api/v1/alerts)";
  return "";
}

// The 413's message for a body over `limit`, the flag that sets it named.
std::string OverLimitMessage(size_t limit, bool webhook) {
  return "request body over the limit of " + std::to_string(limit) + " bytes (vigil serve " +
         (webhook ? "--max-webhook-body" : "--max-body") + ")";
}

// `webhook_max`: the webhook route's limit (HttpApiOptions::max_webhook_body, at least max_body).
std::string DefaultErrorMessage(const httplib::Request& req, int status, size_t max_body, size_t webhook_max) {
  switch (status) {
    case 400: return "malformed HTTP request";
    case 404: return "no route " + req.method + " " + req.path + RouteHint(req);
    case 413:
      if (IsWebhookPath(req.path) && webhook_max > max_body) return OverLimitMessage(webhook_max, true);
      return OverLimitMessage(max_body, false);
    case 414: return "request URI too long";
    default: return "HTTP " + std::to_string(status);
  }
}

// Whether httplib reads a body after the header for this request (its detail::expect_content:
// POST, PUT, PATCH, DELETE, PRI), unless it says it has none (Content-Length: 0). Such a request
// is in its body phase (ConnectionWatchdog's request deadline) until its handler starts.
bool AwaitsBody(const httplib::Request& req) {
  const std::string& m = req.method;
  if (m != "POST" && m != "PUT" && m != "PATCH" && m != "DELETE" && m != "PRI") return false;
  return !(req.has_header("Content-Length") && req.get_header_value("Content-Length") == "0" &&
           !req.has_header("Transfer-Encoding"));
}

// A request that says nothing of its body's length although httplib reads one (a POST with neither
// Content-Length nor Transfer-Encoding, e.g. `curl -X POST URL` without -d): httplib 0.11 then reads
// its body until the client closes the connection, i.e. until --read-timeout, and answered 400
// "malformed HTTP request" (DOG5, 2026-12-05: 10 s, then a message naming nothing). Answered 411
// at once instead. DELETE is left as it was: one without a body is ordinary (its 405 is tested).
bool LengthMissing(const httplib::Request& req) {
  const std::string& m = req.method;
  return (m == "POST" || m == "PUT" || m == "PATCH") && !req.has_header("Content-Length") &&
         !req.has_header("Transfer-Encoding");
}

// RV11: `req` as its client wrote it, in bytes: the request line, each header as `Name: value`
// and CRLF (one space after the colon, as clients write it; httplib's own REMOTE_ / LOCAL_ headers
// left out), the blank line and the body's Content-Length. nullopt for a chunked body (its framing
// is not kept). A header written otherwise (no space, two, a URL-escape httplib decoded) is off
// by a few bytes: at worst a connection ended after its answer (BytesReadPastRequest).
std::optional<uint64_t> RequestWireBytes(const httplib::Request& req) {
  if (req.method.empty() || req.version.empty()) return std::nullopt;
  uint64_t n = req.method.size() + 1 + req.target.size() + 1 + req.version.size() + 2;
  for (const auto& [name, value] : req.headers) {
    if (name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" || name == "LOCAL_PORT") continue;
    n += name.size() + 2 + value.size() + 2;
  }
  n += 2;
  if (req.has_header("Transfer-Encoding")) return std::nullopt;
  if (req.has_header("Content-Length")) {
    const auto length = ParseUint(req.get_header_value("Content-Length"));
    if (!length) return std::nullopt;
    n += *length;
  }
  return n;
}

// Whether httplib keeps the connection after this answer (HTTP/1.1, neither side said close).
bool ConnectionKept(const httplib::Request& req, const httplib::Response& res) {
  return req.version == "HTTP/1.1" && !AsciiEqualsIgnoreCase(req.get_header_value("Connection"), "close") &&
         !AsciiEqualsIgnoreCase(res.get_header_value("Connection"), "close");
}

// Requests answered without a token under HttpApiOptions::auth (see there).
bool IsPublic(const httplib::Request& req, bool metrics_public) {
  if (req.method != "GET" && req.method != "HEAD") return false;
  return req.path == "/healthz" || req.path == "/" || req.path == "/chat" || (metrics_public && req.path == "/metrics");
}

}  // namespace

bool ResolutionCategoryList::Contains(std::string_view id) const {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

Result<IncidentResolution> ParseResolution(std::string_view body, const ResolutionCategoryList& categories) {
  auto json = ParseJson(body, "request body");
  if (!json.ok()) return InvalidArgumentError("body: " + json.status().message());
  if (!json->is_object()) return InvalidArgumentError("body: expected a JSON object {root_cause, summary, resolution, by}");
  struct Field {
    const char* name;
    size_t max_bytes;
    std::string* out;
  };
  IncidentResolution r;
  const Field fields[] = {{"root_cause", 64, &r.root_cause},
                          {"summary", kMaxResolutionSummaryBytes, &r.summary},
                          {"resolution", kMaxResolutionTextBytes, &r.resolution},
                          {"by", kMaxResolutionByBytes, &r.by}};
  for (const auto& [key, value] : json->items()) {
    bool known = false;
    for (const Field& f : fields) known = known || key == f.name;
    if (!known) {
      return InvalidArgumentError("body." + key + ": unknown field; accepted: root_cause, summary, resolution, by");
    }
  }
  // Every field's problem is reported, in field order (the first names `where`): a body with a
  // bad root_cause and no `by` answered only "by: missing", and the category's refusal came on the
  // next post (RV-OPS, 2026-12-03).
  std::vector<std::string> problems;
  auto check_field = [&](const Field& f) -> std::string {
    const std::string name = f.name;
    auto it = json->find(name);
    if (it == json->end()) return name + ": missing";
    if (!it->is_string()) return name + ": expected a string, got " + it->type_name();
    const std::string& text = it->get_ref<const std::string&>();
    size_t bad = 0;
    if (!IsValidUtf8(text, &bad)) return name + ": not UTF-8 (invalid byte at offset " + std::to_string(bad) + ")";
    const std::string_view trimmed = kb::Trim(text);
    if (trimmed.empty()) return name + ": empty";
    if (trimmed.size() > f.max_bytes) {
      return name + ": " + std::to_string(trimmed.size()) + " bytes, at most " + std::to_string(f.max_bytes);
    }
    *f.out = std::string(trimmed);
    if (f.out != &r.root_cause || categories.Contains(r.root_cause)) return "";
    // Every accepted category is named: "those of taxonomy.json" sent the on-call engineer looking
    // for a file the server does not name (RV-OPS, 2026-12-03).
    const std::string hint = kb::ClosestCategory(r.root_cause, categories.ids);
    std::string accepted, learned;
    for (size_t i = 0; i < categories.ids.size(); ++i) {
      std::string& list = categories.Learned(i) ? learned : accepted;
      list += (list.empty() ? "" : ", ") + categories.ids[i];
    }
    std::string message = "root_cause: unknown category `" + r.root_cause + "`";
    if (!hint.empty()) message += "; did you mean `" + hint + "`?";
    message += accepted.empty() ? std::string("; the knowledge base has no taxonomy category")
                                : "; accepted (the taxonomy's categories): " + accepted;
    if (!learned.empty()) message += "; and those your imported incidents added: " + learned;
    return message;
  };
  for (const Field& f : fields) {
    if (std::string problem = check_field(f); !problem.empty()) problems.push_back(std::move(problem));
  }
  if (!problems.empty()) {
    std::string message = problems.front();
    for (size_t i = 1; i < problems.size(); ++i) message += " -- also " + problems[i];
    return InvalidArgumentError(message);
  }
  return r;
}

Incident KnowledgeIncidentFromResolution(const StoredIncident& incident, std::string_view store_id) {
  const IncidentResolution& res = *incident.resolution;
  const Alert& alert = incident.alert;
  Incident inc;
  inc.id = KnowledgeIncidentId(store_id, incident.id);
  // The source stays "vigil-serve:incident-N" (agents/builtin_reasoner.cc reads N from it for
  // "from past incident #N"); the id is what the knowledge base keys entries by.
  inc.source = "vigil-serve:incident-" + std::to_string(incident.id);
  inc.title = (alert.rule.empty() ? std::string("incident ") + std::to_string(incident.id) : alert.rule) + ": " +
              res.summary;
  inc.started_at_ms = alert.starts_at_ms > 0 ? alert.starts_at_ms : incident.received_ms;
  inc.resolved_at_ms = incident.resolved_at_ms > 0 ? incident.resolved_at_ms : res.posted_ms;
  inc.status = IncidentStatus::kResolved;
  std::string text = "Alert " + alert.rule;
  for (const char* key : {"summary", "description"}) {
    if (auto it = alert.annotations.find(key); it != alert.annotations.end()) text += "\n" + it->second;
  }
  if (!alert.labels.empty()) {
    text += "\nLabels:";
    for (const auto& [k, v] : alert.labels) text += " " + k + "=" + v;
  }
  // The alert's expression (its generatorURL's g0.expr): the built-in reasoner's strong recall
  // answers only for an alert of the same expression (agents/builtin_reasoner.cc, DX).
  if (const std::string expr = ExpressionFromGeneratorUrl(AlertGeneratorUrl(alert)); !expr.empty()) {
    text += "\nExpression: ";
    for (char ch : expr) text += ch == '\n' || ch == '\r' ? ' ' : ch;  // one line: a multi-line PromQL too
  }
  const Json& d = incident.diagnosis;
  if (d.is_object()) {
    // The place in words an engineer searches for: `job` (a job-wide answer) is no host (DEF5).
    const std::string cause = d.value("root_cause", std::string("?"));
    text += "\nDiagnosis by vigil: " + cause;
    if (const std::string c = d.value("component", std::string()); !c.empty()) {
      const std::string place = PlaceForSearch(cause, c, JobIdOfLabels(alert.labels));
      if (place == c) {
        text += " on ";
        text += c;
      } else if (!place.empty()) {
        text += ", ";
        text += place;
      }
    }
    if (auto ev = d.find("evidence"); ev != d.end() && ev->is_array()) {
      size_t n = 0;
      for (const Json& e : *ev) {
        if (!e.is_object() || n >= 8) break;
        text += "\n- " + e.value("source", std::string()) + ": " + e.value("detail", std::string());
        ++n;
      }
    }
    inc.component = d.value("component", std::string());
  } else if (!incident.error.empty()) {
    text += "\nDiagnosis failed: " + incident.error;
  }
  text += "\nFound by " + res.by + ": " + res.summary + "\nFixed by: " + res.resolution;
  inc.raw_text = std::move(text);
  if (auto it = alert.annotations.find("summary"); it != alert.annotations.end() && !it->second.empty()) {
    inc.symptoms.push_back(it->second);
  }
  inc.root_cause = res.root_cause;
  inc.mitigation = res.resolution;
  inc.alerts.push_back(alert);
  return inc;
}

ResolutionCategoryList ResolutionCategories(const KnowledgeBase& kb) {
  ResolutionCategoryList out;
  std::vector<std::string> learned;
  for (std::string& c : kb.Categories()) {
    (kb.CategoryLayer(c).empty() ? learned : out.ids).push_back(std::move(c));
  }
  out.taxonomy = out.ids.size();
  for (std::string& c : learned) out.ids.push_back(std::move(c));
  return out;
}

Result<ResolutionRecord> RecordResolution(IncidentStore& store, KnowledgeBase& kb, int64_t id,
                                          const IncidentResolution& resolution) {
  ResolutionRecord out;
  {
    auto before = store.Get(id);
    out.replaced_earlier = before.ok() && before->resolution.has_value();
  }
  RETURN_IF_ERROR(store.SetResolution(id, resolution));
  ASSIGN_OR_RETURN(StoredIncident row, store.Get(id));
  // Into the knowledge base the triage searches: the next similar alert recalls it.
  const Incident kb_incident = KnowledgeIncidentFromResolution(row, store.store_id());
  auto report = kb.UpsertIncident(kb_incident);
  if (!report.ok()) {
    out.kb_failed = true;
    out.kb_error = "importing into the knowledge base failed: " + report.status().message();
  } else if (report->added != 1) {  // added counts a replaced version too (replaced: 1 of them)
    out.kb_error = "not added to the knowledge base";
    for (const ImportIssue& issue : report->issues) {
      // A post repeating the stored text exactly is the entry itself: nothing to change.
      if (issue.message.find("duplicate of stored incident `" + kb_incident.id + "`") != std::string::npos) {
        out.kb_error.clear();
        break;
      }
      out.kb_error += ": " + issue.message;
    }
  }
  RETURN_IF_ERROR(store.SetResolutionKb(id, out.kb_error.empty() ? kb_incident.id : "", out.kb_error));
  ASSIGN_OR_RETURN(StoredIncident stored, store.Get(id));
  out.resolution = stored.ToJson(true)["resolution"];
  return out;
}

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kResourceExhausted:
    case StatusCode::kUnavailable:
    case StatusCode::kUnimplemented:
    case StatusCode::kFailedPrecondition: return 503;
    case StatusCode::kDeadlineExceeded: return 504;
    default: return 500;
  }
}

Json ErrorBody(std::string_view message, std::string_view where) {
  return Json{{"error", std::string(message)}, {"where", std::string(where)}};
}

HttpApi::HttpApi(HttpApiOptions options)
    : options_(std::move(options)),
      server_(std::make_unique<httplib::Server>()),
      metrics_(std::make_unique<ServerMetrics>()) {
  metrics_->connections_cut.Inc({}, 0);  // a counter without labels is written from 0
  // So are the outcomes (REV2): a series that appears at its first failure is missed by
  // `increase(...[10m]) > 0`, which needs two samples of it.
  for (const char* outcome : {"created", "duplicate", "stopped_firing", "resolved_unseen"}) metrics_->alerts.Inc({outcome}, 0);
  for (const char* outcome : {"diagnosed", "failed", "retried"}) metrics_->triages.Inc({outcome}, 0);
  for (const char* what : {"alert", "storm"}) metrics_->merges.Inc({what}, 0);
  Routes();
}

HttpApi::~HttpApi() { Stop(); }

void HttpApi::MakeWatchdog() {
  if (options_.header_timeout_s <= 0 && options_.request_timeout_s <= 0) return;
  ConnectionWatchdogOptions o;
  o.port = port_;
  // Seconds to milliseconds in 64 bits, at most INT_MAX (24.8 days): `int` seconds * 1000 overflowed
  // from 2147484 s, and --header-timeout 4294968 became a 968 ms deadline (review RV-SV2).
  auto ms = [](int s) { return static_cast<int>(std::min<int64_t>(int64_t{std::max(0, s)} * 1000, INT_MAX)); };
  o.header_timeout_ms = ms(options_.header_timeout_s);
  o.request_timeout_ms = ms(options_.request_timeout_s);
  o.scan_ms = 500;
  for (int t : {o.header_timeout_ms, o.request_timeout_ms}) {
    if (t > 0) o.scan_ms = std::min(o.scan_ms, t / 4);
  }
  o.on_cut = [this] { metrics_->connections_cut.Inc({}); };
  watchdog_ = std::make_unique<ConnectionWatchdog>(o);
}

namespace {

Status ListenError(const std::string& host, int port, int err) {
  return FailedPreconditionError("cannot listen on " + host + ":" + std::to_string(port) + ": " +
                                 (err != 0 ? std::strerror(err) : "the address cannot be bound") +
                                 (err == EADDRINUSE ? " (another process listens there: pick another with --listen)"
                                                    : ""));
}

}  // namespace

Status CheckListenAddress(const std::string& host, int port) {
  if (port == 0) return Status::Ok();
  // As httplib binds: getaddrinfo(AI_PASSIVE) of the host, SO_REUSEADDR, the first address that binds.
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    return FailedPreconditionError("cannot listen on " + host + ":" + service + ": " + gai_strerror(rc));
  }
  int err = 0;
  bool bound = false;
  for (addrinfo* a = found; a != nullptr && !bound; a = a->ai_next) {
    const int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      err = errno;
      continue;
    }
    const int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (bind(fd, a->ai_addr, a->ai_addrlen) == 0) {
      bound = true;
    } else {
      err = errno;
    }
    close(fd);
  }
  freeaddrinfo(found);
  return bound ? Status::Ok() : ListenError(host, port, err);
}

Status HttpApi::Bind(const std::string& host, int port) {
  errno = 0;
  if (port == 0) {
    const int bound = server_->bind_to_any_port(host);
    if (bound > 0) {
      port_ = bound;
      MakeWatchdog();
      return Status::Ok();
    }
  } else if (server_->bind_to_port(host, port)) {
    port_ = port;
    MakeWatchdog();
    return Status::Ok();
  }
  return ListenError(host, port, errno);
}

Status HttpApi::Run() {
  if (port_ == 0) return FailedPreconditionError("HttpApi::Run before a successful Bind");
  running_ = true;
  if (watchdog_) watchdog_->Start();
  if (!stop_requested_) server_->listen_after_bind();
  if (watchdog_) watchdog_->Stop();
  running_ = false;
  return Status::Ok();
}

void HttpApi::Stop() {
  stop_requested_ = true;
  // httplib's stop() does nothing before its accept loop has started, so a Stop() right after
  // Run() began would be lost: repeat it until Run has returned.
  // Once stopped, the connections idle between requests are cut every 100 ms (the watchdog's
  // Drain): httplib's threads otherwise wait out the keep-alive timeout on them before Run returns
  // (REV3: SIGTERM took up to 3.7 s with Prometheus scraping). Requests being served finish.
  auto next_drain = std::chrono::steady_clock::now();
  while (running_) {
    server_->stop();
    if (!running_) break;
    if (watchdog_ && std::chrono::steady_clock::now() >= next_drain) {
      watchdog_->Drain();
      next_drain = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string HttpApi::RenderMetrics() const {
  std::string out;
  metrics_->requests.Write(out);
  metrics_->request_seconds.Write(out);
  metrics_->alerts.Write(out);
  metrics_->alerts_refused.Write(out);
  metrics_->merges.Write(out);
  metrics_->triages.Write(out);
  metrics_->triage_seconds.Write(out);
  metrics_->connections_cut.Write(out);
  auto states = options_.store->CountByState();
  if (states.ok()) {
    std::vector<std::pair<MetricLabelValues, double>> samples;
    for (const auto& [state, n] : *states) samples.push_back({{state}, static_cast<double>(n)});
    WriteGauge(out, "vigil_incidents",
               "incidents in the store, by state: the triage state, or merged (joined to a storm incident, "
               "whatever its triage state; REST's state)",
               {"state"}, samples);
    WriteGauge(out, "vigil_triage_queue_depth", "incidents queued for triage (bounded by --queue-max)", {},
               {{{}, static_cast<double>(states->at("queued"))}});
  } else {
    LogWarn("serve", "/metrics: " + states.status().message());
  }
  // DEF6 (2026-12-04): as chat and REST, "resolved" is a resolution recorded and the alert's end
  // "stopped firing"; vigil_incidents_resolved counted the alert's end before (that count is now
  // vigil_incidents_stopped_firing), as did vigil_alerts_received_total{outcome="resolved"}.
  auto stopped = options_.store->CountStoppedFiring();
  if (stopped.ok()) {
    WriteGauge(out, "vigil_incidents_stopped_firing",
               "incidents whose alert stopped firing (Alertmanager's resolved notification), resolution recorded "
               "or not",
               {}, {{{}, static_cast<double>(*stopped)}});
  } else {
    LogWarn("serve", "/metrics: " + stopped.status().message());
  }
  auto resolved = options_.store->CountResolved();
  if (resolved.ok()) {
    WriteGauge(out, "vigil_incidents_resolved",
               "incidents with a resolution recorded (POST /api/v1/incidents/{id}/resolution, vigil kb resolve)", {},
               {{{}, static_cast<double>(*resolved)}});
  } else {
    LogWarn("serve", "/metrics: " + resolved.status().message());
  }
  WriteGauge(out, "vigil_triage_running", "triages running now", {},
             {{{}, static_cast<double>(options_.triage_busy ? options_.triage_busy() : 0)}});
  WriteGauge(out, "vigil_build_info", "the running vigil's version", {"version"},
             {{{std::string(kVigilVersion)}, 1.0}});
  if (options_.extra_metrics) options_.extra_metrics(out);
  return out;
}

Json HttpApi::PastResolutions(const StoredIncident& incident) const {
  Json out = Json::array();
  auto evidence = incident.diagnosis.is_object() ? incident.diagnosis.find("evidence") : incident.diagnosis.end();
  if (!incident.diagnosis.is_object() || evidence == incident.diagnosis.end() || !evidence->is_array()) return out;
  // "kb:vigil-serve-<store id>-incident-" (or the old form for a store without an id).
  const std::string id0 = KnowledgeIncidentId(options_.store->store_id(), 0);
  const std::string prefix = "kb:" + id0.substr(0, id0.size() - 1);
  std::vector<int64_t> seen;
  for (const Json& e : *evidence) {
    if (!e.is_object() || !e.contains("source") || !e["source"].is_string()) continue;
    const std::string& source = e["source"].get_ref<const std::string&>();
    if (!source.starts_with(prefix)) continue;
    const auto past = ParseUint(std::string_view(source).substr(prefix.size()));
    if (!past || *past > static_cast<uint64_t>(INT64_MAX)) continue;
    const auto past_id = static_cast<int64_t>(*past);
    if (past_id == incident.id || std::find(seen.begin(), seen.end(), past_id) != seen.end()) continue;
    seen.push_back(past_id);
    auto row = options_.store->Get(past_id);
    if (!row.ok() || !row->resolution) continue;  // gone, or its resolution withdrawn
    out.push_back(Json{{"incident", past_id},
                       {"url", "/api/v1/incidents/" + std::to_string(past_id)},
                       {"evidence", e.value("detail", std::string())},
                       {"root_cause", row->resolution->root_cause},
                       {"summary", row->resolution->summary},
                       {"resolution", row->resolution->resolution},
                       {"by", row->resolution->by}});
  }
  return out;
}

void HttpApi::Routes() {
  httplib::Server& s = *server_;
  // The webhook route takes larger bodies (an alert storm's notification); the others keep max_body,
  // checked by Content-Length before the body is read (pre-routing) and by size after (the wrapper).
  const size_t webhook_max = std::max(options_.max_body, options_.max_webhook_body);
  s.set_payload_max_length(webhook_max);
  s.set_read_timeout(options_.read_timeout_s, 0);
  s.set_write_timeout(options_.write_timeout_s, 0);
  s.set_keep_alive_timeout(options_.keep_alive_timeout_s);
  s.set_keep_alive_max_count(options_.keep_alive_max_requests);
  // httplib's default sets SO_REUSEPORT, with which a second `vigil serve` on the same port binds
  // too and the kernel splits the requests between them. SO_REUSEADDR alone still allows a
  // restart while old connections linger in TIME_WAIT, and fails while another process listens.
  s.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });

  s.set_pre_routing_handler([this, webhook_max](const httplib::Request& req, httplib::Response& res) {
    t_request_start = std::chrono::steady_clock::now();
    t_request_started = true;
    if (watchdog_) watchdog_->RequestStarted(req.remote_addr, req.remote_port, AwaitsBody(req));
    if (LengthMissing(req)) {
      res.status = 411;
      res.set_header("Connection", "close");  // no body is read
      res.set_content(Dump(ErrorBody("a " + req.method + " request needs a Content-Length header (0 for no body) or " +
                                         "Transfer-Encoding: chunked; this one has neither (curl: give the body with " +
                                         "-d or --data-binary)",
                                     "Content-Length header")),
                      "application/json");
      t_end_connection = true;
      return httplib::Server::HandlerResponse::Handled;
    }
    auto too_large = [&]() {  // another route than the webhook's, over max_body by its Content-Length
      // A POST to no route may be a notification sent to another path (IsAlertmanagerNotification):
      // it has the webhook's limit too.
      if (webhook_max <= options_.max_body || IsWebhookPath(req.path) || !req.has_header("Content-Length") ||
          (req.method == "POST" && (RouteLabel(req.path, options_.extra_route_paths) == "other" ||
                                    req.path == "/" || req.path == "/chat"))) {  // RV1: `elsewhere`'s pages too
        return false;
      }
      const auto n = ParseUint(req.get_header_value("Content-Length"));
      return n && *n > options_.max_body;
    };
    if (options_.auth == nullptr || IsPublic(req, options_.metrics_public)) {
      if (!too_large()) return httplib::Server::HandlerResponse::Unhandled;
      res.status = 413;
      res.set_header("Connection", "close");  // the body is not read
      res.set_content(Dump(ErrorBody(DefaultErrorMessage(req, 413, options_.max_body, webhook_max), "body")),
                      "application/json");
      t_end_connection = true;
      return httplib::Server::HandlerResponse::Handled;
    }
    const std::string given = req.get_header_value("Authorization");
    if (options_.auth->Accepts(given)) {
      if (!too_large()) return httplib::Server::HandlerResponse::Unhandled;
      res.status = 413;
      res.set_header("Connection", "close");  // the body is not read
      res.set_content(Dump(ErrorBody(DefaultErrorMessage(req, 413, options_.max_body, webhook_max), "body")),
                      "application/json");
      t_end_connection = true;
      return httplib::Server::HandlerResponse::Handled;
    }
    res.status = 401;
    res.set_header("WWW-Authenticate",
                   given.empty() ? "Bearer realm=\"vigil\"" : "Bearer realm=\"vigil\", error=\"invalid_token\"");
    res.set_header("Cache-Control", "no-store");
    // The body (if any) is not read: the client must not send its next request after it.
    res.set_header("Connection", "close");
    res.set_content(Dump(ErrorBody(given.empty() ? "this server needs a bearer token: send `Authorization: Bearer "
                                                   "<token>` (vigil serve --auth-token-file)"
                                                 : "the Authorization header is not `Bearer <token>` with a token "
                                                   "this server accepts",
                                   "Authorization header")),
                    "application/json");
    t_end_connection = true;
    return httplib::Server::HandlerResponse::Handled;
  });
  s.set_logger([this, webhook_max](const httplib::Request& req, const httplib::Response& res) {
    // A connection the watchdog cut: httplib logs its failed read as a 400 that was never sent;
    // it is counted in vigil_http_connections_cut_total, not as a request (review RV-SV2). One cut
    // before its header was all read is logged without the peer (remote_port -1: httplib takes it
    // after the header), so it is matched by the thread that read it (SV3).
    const bool cut = watchdog_ && (req.remote_port < 0 ? watchdog_->HeaderCutOnThisThread()
                                                       : watchdog_->RequestDone(req.remote_addr, req.remote_port));
    if (cut) {
      t_request_started = false;
      t_end_connection = false;
      return;
    }
    const bool elsewhere = std::exchange(t_webhook_elsewhere, false);
    const std::string route(elsewhere ? std::string_view("/api/v1/alerts")
                                      : RouteLabel(req.path, options_.extra_route_paths));
    if (elsewhere) {
      LogWarn("serve", "webhook POSTed to " + TerminalSafe(Utf8Prefix(req.path, 200), false) + " from " +
                           (req.remote_addr.empty() ? std::string("?") : req.remote_addr) +
                           " taken as POST /api/v1/alerts (an Alertmanager notification; answered " +
                           std::to_string(res.status) +
                           "): set the receiver's webhook_configs url to http://HOST:PORT/api/v1/alerts");
    }
    metrics_->requests.Inc({route, std::string(MethodLabel(req.method)), std::to_string(res.status)});
    // A webhook refused with 4xx is lost: Alertmanager resends a notification on 5xx only. Said in
    // the log, with the reason the sender got (before 2026-12-02 nothing was logged: a 413 for a
    // notification over --max-body dropped its alerts without a word on this side).
    if (route == "/api/v1/alerts" && req.method == "POST" && res.status >= 400 && res.status < 500) {
      std::string why = "(no reason)";
      if (auto body = ParseJson(res.body, "response"); body.ok() && body->is_object() && body->contains("error") &&
                                                      (*body)["error"].is_string()) {
        why = (*body)["error"].get<std::string>();
      }
      std::string line = "webhook from ";
      line += req.remote_addr.empty() ? std::string("?") : req.remote_addr;
      line += " refused with ";
      line += std::to_string(res.status);
      line += ": ";
      line += Utf8Prefix(why, 500);
      line += "; its alerts are lost (Alertmanager resends a notification on 5xx only)";
      if (res.status == 413) {
        if (why.rfind("alerts:", 0) == 0) {  // the parser's count limit: no flag raises it
          line += ": set max_alerts on the receiver";
        } else {
          line += webhook_max > options_.max_body ? ": set max_alerts on the receiver (or raise --max-webhook-body)"
                                                   : ": raise --max-body, or set max_alerts on the receiver";
        }
      }
      LogWarn("serve", line);
    }
    // A POST to no route is most likely a webhook sent to a wrong URL (a trailing slash, another
    // path): its sender is told (404, RouteHint) but the alerts are lost, so it is said here too.
    if (route == "other" && req.method == "POST" && res.status == 404) {
      LogWarn("serve", "POST " + TerminalSafe(Utf8Prefix(req.path, 200), false) + " from " +
                           (req.remote_addr.empty() ? std::string("?") : req.remote_addr) +
                           " answered 404: no such route" + TerminalSafe(RouteHint(req), false) +
                           "; if it was a webhook, its alerts are lost (Alertmanager resends on 5xx only)");
    }
    if (t_request_started) {
      metrics_->request_seconds.Observe(
          {route}, std::chrono::duration<double>(std::chrono::steady_clock::now() - t_request_start).count());
      t_request_started = false;
    }
    // RV10: an answer given before the body was read says `Connection: close`; httplib keeps the
    // connection (it decides from the request's header), so it is ended here.
    if (std::exchange(t_end_connection, false)) {
      EndAnsweredConnection(port_, req.remote_addr, req.remote_port);
    } else if (req.remote_port >= 0 && ConnectionKept(req, res)) {
      // RV11: a client that pipelined (sent its next request before this answer) lost it, or its
      // head, with httplib's read buffer: the connection is ended now, so the client sees that
      // request unanswered and sends it again (RFC 9112 9.3.2), rather than waiting out the
      // keep-alive timeout or getting a 400 for a tail read as a request. A chunked request's
      // framing is not kept: its bytes are only taken as read.
      const std::optional<uint64_t> bytes = RequestWireBytes(req);
      const int64_t past = BytesReadPastRequest(port_, req.remote_addr, req.remote_port,
                                                bytes.value_or(std::numeric_limits<int64_t>::max() / 2));
      if (bytes && past > 0) {
        LogWarn("serve", "a request pipelined after " + req.method + " " + TerminalSafe(Utf8Prefix(req.path, 200), false) +
                             " from " + (req.remote_addr.empty() ? std::string("?") : req.remote_addr) + " (" +
                             std::to_string(past) +
                             " bytes of it came before this answer) could not be read (httplib 0.11 drops what it "
                             "read ahead); its connection is ended so the client sends it again");
        EndAnsweredConnection(port_, req.remote_addr, req.remote_port);
      }
    }
  });
  // Answers httplib made itself (no route, body too large, a malformed request) get the JSON
  // error body too; ours already have one.
  s.set_error_handler(httplib::Server::HandlerWithResponse([this, webhook_max](const httplib::Request& req,
                                                                   httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const std::string_view where = res.status == 413 ? "body" : res.status == 404 ? "path" : "request";
    res.set_content(Dump(ErrorBody(DefaultErrorMessage(req, res.status, options_.max_body, webhook_max), where)),
                    "application/json");
    return httplib::Server::HandlerResponse::Handled;
  }));
  s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    res.status = 500;
    res.set_content(Dump(ErrorBody("internal error: " + what, "server")), "application/json");
  });

  // One wrapper for every route: the handler's Reply becomes the response.
  auto wrap = [this, webhook_max](std::function<Reply(const httplib::Request&)> handler) {
    return [this, webhook_max, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
      ConnectionWatchdog::HandlerStarted();  // the body has been read: from here the time is ours
      // A chunked body (no Content-Length) on another route than the webhook's, over max_body.
      Reply reply = !IsWebhookPath(req.path) && req.body.size() > options_.max_body
                        ? ErrorReply(413, DefaultErrorMessage(req, 413, options_.max_body, webhook_max), "body")
                        : handler(req);
      res.status = reply.status;
      for (const auto& [k, v] : reply.headers) res.set_header(k, v);
      res.set_content(reply.body, reply.content_type);
    };
  };

  auto alerts = [this](const httplib::Request& req) -> Reply {
    if (auto bad = RequireJson(req)) return *bad;
    if (!options_.parse_webhook) {
      return ErrorReply(503, "cannot take alerts: " + options_.unavailable_why, "server");
    }
    auto parsed = options_.parse_webhook(req.body);
    if (!parsed.ok()) {  // too large (bytes or alerts) is the client's size problem, not our capacity
      const std::string where = BodyWhere(parsed.status().message());
      return parsed.status().code() == StatusCode::kResourceExhausted ? ErrorReply(413, parsed.status().message(), where)
                                                                       : StatusReply(parsed.status(), where);
    }
    // An alert that could not be read is left out alone; the others are taken (RVU2: one alert
    // without `alertname` refused the whole group, and Alertmanager does not resend a 4xx). Each is
    // named in the answer and the log, and counted by reason.
    const std::vector<RefusedAlert>& refused = parsed->refused;
    Json refused_json = Json::array();
    for (const RefusedAlert& r : refused) {
      refused_json.push_back(Json{{"index", r.index}, {"reason", r.reason}, {"error", r.error}});
    }
    auto count_refused = [&] {
      for (const RefusedAlert& r : refused) metrics_->alerts_refused.Inc({r.reason});
    };
    if (parsed->alerts.empty() && !refused.empty()) {  // nothing usable: 400, logged as lost by the logger
      count_refused();
      std::string why = refused.size() == 1 ? "its one alert could not be read: "
                                            : "none of its " + std::to_string(refused.size()) +
                                                  " alerts could be read (each in `refused`); the first: ";
      Json body = ErrorBody(why + refused.front().error, BodyWhere(refused.front().error));
      body["refused"] = std::move(refused_json);
      return JsonReply(400, body);
    }
    IntakeOptions intake_options = options_.intake;
    intake_options.group_key = parsed->group_key;  // STM1: a storm's split first webhook joins it
    auto intake = options_.store->Intake(parsed->alerts, intake_options);
    if (!intake.ok()) {  // resent on 503 by Alertmanager: the refused ones are counted then
      Reply r = StatusReply(intake.status(), intake.status().code() == StatusCode::kResourceExhausted ? "queue" : "store");
      if (r.status == 503) r.headers.emplace_back("Retry-After", "30");
      return r;
    }
    if (!refused.empty()) {
      count_refused();
      std::string line = "webhook from " + (req.remote_addr.empty() ? std::string("?") : req.remote_addr) + ": " +
                         std::to_string(refused.size()) + " of " +
                         std::to_string(refused.size() + parsed->alerts.size()) +
                         " alerts could not be read and were left out (answered 207; Alertmanager will not "
                         "resend them), the others taken: ";
      constexpr size_t kShown = 5;
      for (size_t i = 0; i < refused.size() && i < kShown; ++i) {
        if (i > 0) line += "; ";
        line += Utf8Prefix(refused[i].error, 300);
      }
      if (refused.size() > kShown) line += "; and " + std::to_string(refused.size() - kShown) + " more";
      LogWarn("serve", line);
    }
    metrics_->alerts.Inc({"created"}, static_cast<double>(intake->created.size()));
    metrics_->alerts.Inc({"duplicate"}, static_cast<double>(intake->duplicates.size()));
    metrics_->alerts.Inc({"stopped_firing"}, static_cast<double>(intake->resolved.size()));
    metrics_->alerts.Inc({"resolved_unseen"}, static_cast<double>(intake->resolved_unseen.size()));
    if ((!intake->created.empty() || !intake->rediagnose.empty()) && options_.on_queued) options_.on_queued();
    // The incidents whose alert this notification says stopped firing: `stopped_firing`, as REST's
    // `?status=stopped`, the chat's "alert stopped firing" and /metrics' outcome="stopped_firing"
    // say it; "resolved" there is a recorded resolution (DEF5). `resolved` (Alertmanager's word for
    // the alert's end) holds the same ids for clients that read it (RG25: it alone answered a
    // resolved notification, so a client read "resolved" where REST's resolved listed none of them).
    Json answer{{"created", intake->created},
                {"duplicates", intake->duplicates},
                {"stopped_firing", intake->resolved},
                {"resolved", intake->resolved}};
    if (!intake->rediagnose.empty()) answer["rediagnose"] = intake->rediagnose;  // grown storms, queued again
    if (!intake->resolved_unseen.empty()) {  // RV10: resolved, never seen firing: no incident opened
      Json unseen = Json::array();
      for (size_t i : intake->resolved_unseen) {
        const Alert& a = parsed->alerts[i];
        unseen.push_back(Json{{"fingerprint", a.fingerprint}, {"alertname", a.rule}});
      }
      answer["resolved_unseen"] = std::move(unseen);
      LogInfo("serve", "webhook: " + std::to_string(intake->resolved_unseen.size()) +
                           " resolved alert(s) vigil never saw firing (the first: " + parsed->alerts[intake->resolved_unseen[0]].rule +
                           " " + parsed->alerts[intake->resolved_unseen[0]].fingerprint + "): no incident opened");
    }
    if (!intake->merged.empty()) {  // STM1: earlier webhooks' incidents joined to a storm
      Json merged = Json::array();
      for (const MergedIncident& m : intake->merged) {
        merged.push_back(Json{{"incident", m.incident}, {"into", m.into}, {"state_when_merged", m.state},
                              {"storm", m.storm}});
        if (!m.also_into.empty()) merged.back()["also_into"] = m.also_into;  // STM3: split over two groups' storms
        metrics_->merges.Inc({m.storm ? "storm" : "alert"});
      }
      answer["merged"] = std::move(merged);
    }
    if (!intake->not_merged.empty()) {  // STM2: kept apart, and why (another groupKey, or none stored)
      Json apart = Json::array();
      for (const NotMerged& m : intake->not_merged) {
        apart.push_back(Json{{"incident", m.incident}, {"storm", m.storm != 0 ? Json(m.storm) : Json(nullptr)}, {"why", m.why}});
      }
      answer["not_merged"] = std::move(apart);
    }
    // STM4: alerts of incidents deleted by hand sent again; storms that gave alerts to other groups'
    // storms; alerts re-sent with other labels than stored (a fingerprint reused).
    for (const OrphanAlerts& o : intake->orphans) {
      Json into = Json::array();
      for (const auto& [id, n] : o.into) into.push_back(Json{{"incident", id}, {"alerts", n}});
      answer["orphans"].push_back(Json{{"deleted_incident", o.deleted}, {"into", into}, {"ended", o.ended}});
    }
    for (const SplitIncident& sp : intake->split) {
      Json gave = Json::array();
      for (const auto& [id, n] : sp.gave) gave.push_back(Json{{"incident", id}, {"alerts", n}});
      answer["split"].push_back(Json{{"incident", sp.incident}, {"gave", gave}, {"kept", sp.kept}, {"rediagnose", sp.rediagnose}});
    }
    for (const NotMerged& m : intake->relabeled) answer["relabeled"].push_back(Json{{"incident", m.incident}, {"why", m.why}});
    if (!intake->storms.empty()) {  // a storm: its alerts grouped into these incidents
      Json storms = Json::array();
      for (const StormIntake& st : intake->storms) {
        storms.push_back(Json{{"incident", st.incident}, {"group", st.group}, {"new_alerts", st.new_alerts},
                              {"created", st.created}});
      }
      answer["storms"] = std::move(storms);
      LogInfo("serve", "webhook of " + std::to_string(parsed->alerts.size()) + " alerts: " +
                           std::to_string(intake->storms.size()) + " storm incident(s), " +
                           std::to_string(intake->created.size()) + " incident(s) created");
    }
    if (!parsed->notes.empty()) answer["notes"] = parsed->notes;  // how the body was read (UTF-16)
    if (refused.empty()) return JsonReply(200, answer);
    answer["refused"] = std::move(refused_json);
    return JsonReply(207, answer);  // Multi-Status: some alerts taken, some not (a 2xx: not resent)
  };

  auto list = [this](const httplib::Request& req) -> Reply {
    auto query = ParseIncidentQuery(req.params, options_.list_limit_max);
    if (!query.ok()) {
      const std::string m = query.status().message();
      return ErrorReply(400, m, "query." + FieldOf(m));
    }
    // One more than the page, to say whether another follows (`next`).
    IncidentQuery one_more = *query;
    ++one_more.limit;
    auto rows = options_.store->Search(one_more);
    if (!rows.ok()) {
      // InvalidArgument: a node that names no host (":9100"); the rest was checked above.
      return StatusReply(rows.status(), rows.status().code() == StatusCode::kInvalidArgument ? "query.node" : "store");
    }
    Json items = Json::array();
    for (size_t i = 0; i < rows->size() && i < query->limit; ++i) items.push_back((*rows)[i].ToJson(false));
    // `count` is this page's size; `next` the cursor of the page after it (`?cursor=NEXT` with the same
    // filters), null when none follows. RV9: before, `count == limit` said only that more may exist,
    // and `until` was the only way on (incidents sharing one startsAt were repeated or skipped).
    const Json next = rows->size() > query->limit ? Json(std::to_string((*rows)[query->limit - 1].id)) : Json(nullptr);
    return JsonReply(200, Json{{"incidents", items}, {"count", items.size()}, {"limit", query->limit}, {"next", next}});
  };

  auto get = [this](const httplib::Request& req) -> Reply {
    const auto id = PathId(req);
    if (!id.ok()) return StatusReply(id.status(), "path.id");
    auto row = options_.store->Get(*id);
    if (!row.ok()) return StatusReply(row.status(), row.status().code() == StatusCode::kNotFound ? "path.id" : "store");
    Json out = row->ToJson(true);
    if (options_.verification != nullptr) {
      if (std::optional<Json> v = options_.verification->Get(*id)) out["verification"] = std::move(*v);
    }
    if (!out.contains("verification")) {
      // Not on this serve's board (triaged before a restart, or dropped from it): the stored record.
      auto stored = options_.store->LoadVerification(*id);
      if (!stored.ok()) return StatusReply(stored.status(), "store");
      if (stored->has_value()) out["verification"] = std::move(**stored);
    }
    out["past_resolutions"] = PastResolutions(*row);
    return JsonReply(200, out);
  };

  auto resolution = [this](const httplib::Request& req) -> Reply {
    if (auto bad = RequireJson(req)) return *bad;
    const auto id = PathId(req);
    if (!id.ok()) return StatusReply(id.status(), "path.id");
    if (options_.kb == nullptr) {
      return ErrorReply(503, "this server has no knowledge base to check and keep resolutions", "server");
    }
    // The taxonomy's categories and those the user's imported history added (GET /api/v1/categories).
    auto parsed = ParseResolution(req.body, ResolutionCategories(*options_.kb));
    if (!parsed.ok()) {
      const std::string m = parsed.status().message();
      return ErrorReply(400, m, FieldOf(m));
    }
    std::lock_guard resolution_lock(resolution_mu_);
    auto record = RecordResolution(*options_.store, *options_.kb, *id, *parsed);  // shared with `vigil kb resolve`
    if (!record.ok()) {
      const Status& st = record.status();
      if (st.code() == StatusCode::kNotFound) return StatusReply(st, "path.id");
      if (st.code() == StatusCode::kFailedPrecondition) return ErrorReply(409, st.message(), "path.id");
      return StatusReply(st, "store");
    }
    if (record->kb_failed) {
      return ErrorReply(500, "the resolution of incident " + std::to_string(*id) + " is stored, but " +
                                 record->kb_error + "; post it again to retry",
                        "knowledge_base");
    }
    return JsonReply(200, Json{{"id", *id}, {"replaced_earlier", record->replaced_earlier},
                               {"resolution", record->resolution}});
  };

  // The root causes a resolution may name (ResolutionCategories: what POST .../resolution accepts),
  // for the chat page's form to offer (DOG9: it asked for a category as typed text, naming none):
  // {"categories": [{"id", "layer", "learned", "incidents"}], "taxonomy": N, "learned": M}. `layer` is
  // null for a learned one (a category the user's imported incidents added); `incidents`: the
  // knowledge base's incidents of that root cause.
  auto categories = [this](const httplib::Request&) -> Reply {
    if (options_.kb == nullptr) {
      return ErrorReply(503, "this server has no knowledge base to check and keep resolutions", "server");
    }
    auto stats = options_.kb->Stats();
    if (!stats.ok()) return StatusReply(UnavailableError("knowledge base: " + stats.status().message()), "knowledge_base");
    const ResolutionCategoryList list = ResolutionCategories(*options_.kb);
    Json items = Json::array();
    for (size_t i = 0; i < list.ids.size(); ++i) {
      const std::string& id = list.ids[i];
      const auto count = stats->incidents_by_category.find(id);
      items.push_back(Json{{"id", id},
                           {"layer", list.Learned(i) ? Json() : Json(options_.kb->CategoryLayer(id))},
                           {"learned", list.Learned(i)},
                           {"incidents", count == stats->incidents_by_category.end() ? 0 : count->second}});
    }
    return JsonReply(200, Json{{"categories", items},
                               {"taxonomy", list.taxonomy},
                               {"learned", list.ids.size() - list.taxonomy}});
  };

  auto diagnose = [this](const httplib::Request& req) -> Reply {
    if (auto bad = RequireJson(req)) return *bad;
    if (!options_.diagnose) return ErrorReply(503, "diagnosis is not available in this server", "server");
    auto body = ParseJson(req.body, "request body");
    if (!body.ok()) return ErrorReply(400, body.status().message(), "body");
    auto report = options_.diagnose(*body);
    if (!report.ok()) {
      // The case reader's errors are "request body: logs[0].line: ..." (agents/case.cc ParseCase):
      // `where` names that field (RV9: every one said "body", as the webhook's did before RV6).
      const std::string m = report.status().message();
      constexpr std::string_view kPrefix = "request body: ";
      return StatusReply(report.status(), m.rfind(kPrefix, 0) == 0 ? BodyWhere(m.substr(kPrefix.size())) : "body");
    }
    return JsonReply(200, *report);
  };

  auto health = [this](const httplib::Request&) -> Reply {
    auto states = options_.store->CountByState();
    if (!states.ok()) return StatusReply(UnavailableError("incident store: " + states.status().message()), "store");
    return JsonReply(200, Json{{"status", "ok"},
                               {"version", std::string(kVigilVersion)},
                               {"queued", states->at("queued")},
                               {"triage", options_.parse_webhook ? "available" : options_.unavailable_why}});
  };

  auto metrics = [this](const httplib::Request&) -> Reply {
    return Reply{200, RenderMetrics(), "text/plain; version=0.0.4; charset=utf-8", {}};
  };

  // Every body-taking route reads its body through WatchedRoutes::Capped: at most its limit, chunked
  // or inflated (RV6). The webhook's and a POST no route takes (a notification sent elsewhere) have
  // the webhook's limit; the others --max-body.
  auto too_large = [this, webhook_max](size_t limit) -> WatchedRoutes::Handler {
    const bool webhook = limit == webhook_max && webhook_max > options_.max_body;
    return [limit, webhook](const httplib::Request&, httplib::Response& res) {
      res.status = 413;
      res.set_content(Dump(ErrorBody(OverLimitMessage(limit, webhook), "body")), "application/json");
    };
  };
  auto capped = [&too_large](WatchedRoutes::Handler h, size_t limit) {
    return WatchedRoutes::Capped(std::move(h), limit, too_large(limit));
  };
  const std::function<Reply(const httplib::Request&)> handlers[] = {alerts,   list,   get,    resolution, categories,
                                                                    diagnose, health, metrics};
  static_assert(std::size(handlers) == std::size(kRoutes));
  for (size_t i = 0; i < std::size(kRoutes); ++i) {
    const RouteSpec& route = kRoutes[i];
    auto handler = wrap(handlers[i]);
    auto not_allowed = wrap([route](const httplib::Request& req) {
      Reply r = ErrorReply(405, req.method + " is not allowed on " + std::string(route.label) + "; use " +
                                    std::string(route.method),
                           "method");
      r.headers.emplace_back("Allow", std::string(route.method));
      return r;
    });
    const size_t limit = i == 0 ? webhook_max : options_.max_body;  // kRoutes[0]: the webhook
    for (std::string_view method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
      const auto& h = method == route.method ? handler : not_allowed;
      if (method == "GET") s.Get(route.pattern, h);
      if (method == "POST") s.Post(route.pattern, capped(h, method == route.method ? limit : options_.max_body));
      if (method == "PUT") s.Put(route.pattern, capped(h, options_.max_body));
      if (method == "PATCH") s.Patch(route.pattern, capped(h, options_.max_body));
      if (method == "DELETE") s.Delete(route.pattern, capped(h, options_.max_body));
    }
  }
  // A POST no route takes, or one to the chat page's paths (405 there otherwise): an Alertmanager
  // notification is taken as the webhook (IsAlertmanagerNotification; `url: http://vigil:8080` posts to
  // `/`). Anything else: `fallback`'s answer, as before DOG6.
  auto elsewhere = [this, webhook_max, alerts](std::function<Reply(const httplib::Request&)> fallback) {
    return [this, webhook_max, alerts, fallback](const httplib::Request& req, httplib::Response& res) {
      ConnectionWatchdog::HandlerStarted();
      Reply reply;
      if (IsAlertmanagerNotification(req)) {
        t_webhook_elsewhere = true;
        reply = alerts(req);
      } else if (req.body.size() > options_.max_body) {
        reply = ErrorReply(413, DefaultErrorMessage(req, 413, options_.max_body, webhook_max), "body");
      } else {
        reply = fallback(req);
      }
      res.status = reply.status;
      for (const auto& [k, v] : reply.headers) res.set_header(k, v);
      res.set_content(reply.body, reply.content_type);
    };
  };
  if (options_.extra_routes) {  // before the chat's own 405 for POST / and /chat
    for (const char* page : {"/", "/chat"}) {
      s.Post(page, capped(elsewhere([](const httplib::Request& req) {
               Reply r = ErrorReply(405, req.method + " is not allowed on " + req.path + "; use GET", "method");
               r.headers.emplace_back("Allow", "GET");
               return r;
             }),
                          webhook_max));
    }
  }
  if (options_.extra_routes) {
    // The extra routes (the chat) keep max_body, chunked and inflated bodies included (a
    // Content-Length over it is refused before the body is read, above; httplib's payload limit is
    // the webhook's).
    options_.extra_routes(WatchedRoutes(s, options_.max_body, too_large(options_.max_body)));
  }
  // Last, after every route: a POST no route took; not a notification: the 404 naming the webhook's route.
  s.Post(".*", capped(elsewhere([this, webhook_max](const httplib::Request& req) {
                        return ErrorReply(404, DefaultErrorMessage(req, 404, options_.max_body, webhook_max), "path");
                      }),
                      webhook_max));
}

}  // namespace vigil
