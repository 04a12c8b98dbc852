#include "connectors/alertmanager_api.h"

#include <cctype>
#include <utility>

#include "connectors/alertmanager.h"
#include "connectors/http_client.h"
#include "connectors/http_endpoint.h"
#include "connectors/prometheus_source.h"
#include "core/json.h"
#include "core/time_util.h"
#include "core/utf8.h"

namespace vigil {
namespace {

std::string Preview(std::string_view s, size_t n = 160) { return BodyPreview(s, n); }

bool IsLabelName(const std::string& name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (!(std::isalpha(c) || c == '_' || (i > 0 && std::isdigit(c)))) return false;
  }
  return true;
}

// A string in Alertmanager's matcher syntax (a Go-style double-quoted string).
std::string Quoted(const std::string& v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// One request to the API: the 2xx body (at most max_response_bytes), or the error naming `where`.
Result<std::string> Send(const AlertmanagerUrl& url, HttpRequest req, const std::string& path,
                         const AlertmanagerApiOptions& options) {
  const std::string where = "Alertmanager " + url.shown + path;
  req.timeout_ms = options.timeout_ms;
  req.connect_timeout_ms = options.connect_timeout_ms;
  req.cancel = options.cancel;
  ASSIGN_OR_RETURN(HttpResponse res, SendToEndpoint(std::move(req), options.max_response_bytes, where,
                                                    url.shown + path, "filter on more labels"));
  if (res.ok()) return std::move(res.body);
  const std::string http = where + " answered HTTP " + std::to_string(res.status);
  if (res.status >= 300 && res.status < 400) {
    const std::string to = res.Header("location");
    return InvalidArgumentError(http + " (a redirect, not followed" + (to.empty() ? "" : ", to `" + to + "`") +
                                "): give alertmanager_url as the server's base URL");
  }
  // Alertmanager's errors are a JSON string ("bad matcher ...") or {"code":..,"message":..}.
  std::string said = Preview(res.body);
  if (Result<Json> j = ParseJson(res.body, "answer"); j.ok()) {
    if (j->is_string()) said = Preview(j->get<std::string>());
    if (j->is_object() && j->contains("message") && (*j)["message"].is_string())
      said = Preview((*j)["message"].get<std::string>());
  }
  if (res.status >= 500) return UnavailableError(http + ": " + said);
  return InvalidArgumentError(http + ": " + said);
}

std::vector<std::string> StringList(const Json& j, const char* key) {
  std::vector<std::string> out;
  if (!j.is_object() || !j.contains(key) || !j[key].is_array()) return out;
  for (const Json& e : j[key]) {
    if (e.is_string()) out.push_back(e.get<std::string>());
    if (e.is_object() && e.contains("name") && e["name"].is_string()) out.push_back(e["name"].get<std::string>());
  }
  return out;
}

}  // namespace

Result<AlertmanagerUrl> ParseAlertmanagerUrl(std::string_view text) {
  if (text.empty()) return InvalidArgumentError("Alertmanager URL is empty (http://host:9093)");
  Result<PrometheusUrl> p = ParseBaseUrl(text, /*cut_api_path=*/false);  // the same rules for a base URL
  if (!p.ok()) {
    std::string m = p.status().message();
    if (m.rfind("Prometheus URL", 0) == 0) m.replace(0, 10, "Alertmanager");
    for (size_t at = m.find("host:9090"); at != std::string::npos; at = m.find("host:9090", at)) m.replace(at, 9, "host:9093");
    return InvalidArgumentError(m);
  }
  return AlertmanagerUrl{p->base, p->shown};
}

Result<std::string> AlertFilterQuery(const AlertFilter& filter) {
  std::string q;
  auto add = [&q](const std::string& k, const std::string& v) { q += (q.empty() ? "" : "&") + k + "=" + UrlEncode(v); };
  for (size_t i = 0; i < filter.matchers.size(); ++i) {
    const AlertMatcher& m = filter.matchers[i];
    if (!IsLabelName(m.name))
      return InvalidArgumentError("alert filter matchers[" + std::to_string(i) + "]: `" + Preview(m.name, 60) +
                                  "` is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)");
    if (m.op != "=" && m.op != "!=" && m.op != "=~" && m.op != "!~")
      return InvalidArgumentError("alert filter matchers[" + std::to_string(i) + "]: operator `" + Preview(m.op, 10) +
                                  "` is not one of = != =~ !~");
    add("filter", m.name + m.op + Quoted(m.value));
  }
  add("active", filter.active ? "true" : "false");
  add("silenced", filter.silenced ? "true" : "false");
  add("inhibited", filter.inhibited ? "true" : "false");
  add("unprocessed", filter.unprocessed ? "true" : "false");
  if (!filter.receiver.empty()) add("receiver", filter.receiver);
  return q;
}

Result<std::vector<ListedAlert>> ListAlerts(const AlertmanagerUrl& url, const AlertFilter& filter,
                                            const AlertmanagerApiOptions& options) {
  ASSIGN_OR_RETURN(std::string query, AlertFilterQuery(filter));
  const std::string path = "/api/v2/alerts";
  AlertmanagerApiOptions limited = options;
  if (filter.max_time_ms > 0 && filter.max_time_ms < limited.timeout_ms) {
    limited.timeout_ms = filter.max_time_ms;
    limited.connect_timeout_ms = std::min(limited.connect_timeout_ms, filter.max_time_ms);
  }
  ASSIGN_OR_RETURN(std::string body, Send(url, HttpRequest::Get(url.base + path + "?" + query), path, limited));
  const std::string where = "Alertmanager " + url.shown + path;
  Result<Json> j = ParseJson(body, "answer");
  if (const std::string cut = j.ok() ? "" : JsonCutShort(body); !cut.empty())
    return UnavailableError(where + " answered HTTP 200 with " + cut + "; the body starts `" + Preview(body) + "`");
  if (!j.ok() || !j->is_array()) {
    return InvalidArgumentError(where + " answered HTTP 200 with " +
                                (j.ok() ? std::string("JSON that is not an array of alerts")
                                        : std::string("a body that is not JSON")) +
                                " (is alertmanager_url an Alertmanager?); the body starts `" + Preview(body) + "`");
  }
  std::vector<ListedAlert> out;
  out.reserve(j->size());
  for (size_t i = 0; i < j->size(); ++i) {
    const Json& e = (*j)[i];
    const std::string at = "alerts[" + std::to_string(i) + "]";
    Result<Alert> a = ParseAlertmanagerAlert(e, at);
    ListedAlert l;
    if (!a.ok()) {  // one alert Alertmanager took from another sender (no alertname, ...): left out alone
      l.unread = a.status().message();
      out.push_back(std::move(l));
      continue;
    }
    l.alert = std::move(*a);
    if (e.contains("status") && e["status"].is_object()) {
      const Json& s = e["status"];
      if (s.contains("state") && s["state"].is_string()) l.state = s["state"].get<std::string>();
      l.silenced_by = StringList(s, "silencedBy");
      l.inhibited_by = StringList(s, "inhibitedBy");
    }
    l.receivers = StringList(e, "receivers");
    out.push_back(std::move(l));
  }
  return out;
}

Result<std::string> PostAlertsBody(const std::vector<Alert>& alerts) {
  Json arr = Json::array();
  for (size_t i = 0; i < alerts.size(); ++i) {
    const Alert& a = alerts[i];
    const std::string at = "alerts[" + std::to_string(i) + "]";
    Labels labels = a.labels;
    if (!a.rule.empty()) labels.emplace("alertname", a.rule);
    if (!a.severity.empty()) labels.emplace("severity", a.severity);
    auto name = labels.find("alertname");
    if (name == labels.end() || name->second.empty()) return InvalidArgumentError(at + ": no alertname (rule or label)");
    for (const auto& [k, v] : labels) {
      if (!IsLabelName(k))
        return InvalidArgumentError(at + ".labels: `" + Preview(k, 60) + "` is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)");
    }
    // Alertmanager takes UTF-8 only (and the JSON writer would throw on anything else).
    using Field = std::pair<const char*, const Labels*>;
    for (const auto& [field, map] : {Field{"labels", &labels}, Field{"annotations", &a.annotations}}) {
      for (const auto& [k, v] : *map) {
        size_t bad = 0;
        if (!IsValidUtf8(k, &bad) || !IsValidUtf8(v, &bad))
          return InvalidArgumentError(at + "." + field + "." + Preview(k, 60) + ": not valid UTF-8 at byte " +
                                      std::to_string(bad));
      }
    }
    if (size_t bad = 0; !IsValidUtf8(AlertGeneratorUrl(a), &bad))
      return InvalidArgumentError(at + ".generatorURL: not valid UTF-8 at byte " + std::to_string(bad));
    if (a.starts_at_ms > 0 && a.ends_at_ms > 0 && a.ends_at_ms < a.starts_at_ms)
      return InvalidArgumentError(at + ": endsAt " + FormatRfc3339Ms(a.ends_at_ms) + " is before startsAt " +
                                  FormatRfc3339Ms(a.starts_at_ms));
    Json o = Json::object();
    o["labels"] = labels;
    o["annotations"] = a.annotations;
    if (a.starts_at_ms > 0) o["startsAt"] = FormatRfc3339Ms(a.starts_at_ms);
    if (a.ends_at_ms > 0) o["endsAt"] = FormatRfc3339Ms(a.ends_at_ms);
    if (const std::string g = AlertGeneratorUrl(a); !g.empty()) o["generatorURL"] = g;
    arr.push_back(std::move(o));
  }
  return DumpJson(arr);
}

Status PostAlerts(const AlertmanagerUrl& url, const std::vector<Alert>& alerts, const AlertmanagerApiOptions& options) {
  if (alerts.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(std::string body, PostAlertsBody(alerts));
  const std::string path = "/api/v2/alerts";
  Result<std::string> r = Send(url, HttpRequest::PostJson(url.base + path, std::move(body)), path, options);
  return r.ok() ? Status::Ok() : r.status();
}

}  // namespace vigil
