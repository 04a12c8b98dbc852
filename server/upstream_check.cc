#include "server/upstream_check.h"

#include <algorithm>
#include <string_view>

#include "connectors/alertmanager_api.h"
#include "connectors/http_client.h"
#include "connectors/prometheus_source.h"
#include "core/json.h"

namespace vigil {

namespace {

// The error text of a failed check, one line (a server's body may hold newlines).
std::string OneLine(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  std::replace(s.begin(), s.end(), '\r', ' ');
  return s;
}

void CheckPrometheus(const std::string& text, const UpstreamCheckOptions& options, std::vector<std::string>& lines) {
  Result<PrometheusUrl> url = ParsePrometheusUrl(text);
  if (!url.ok()) {
    lines.push_back("vigil serve: warning: prometheus_url: " + url.status().message());
    return;
  }
  PrometheusSourceOptions po;
  po.url = *url;
  po.http.timeout_ms = options.timeout_ms;
  po.http.connect_timeout_ms = options.timeout_ms;
  po.http.max_requests = 1;
  const PrometheusMetricSource source(po);
  Result<std::vector<std::string>> names = source.ListMetricNames();
  if (!names.ok()) {
    lines.push_back("vigil serve: warning: Prometheus " + url->shown + " did not answer as a Prometheus at start-up: " +
                    OneLine(names.status().message()) +
                    "; until it does, each alert is triaged without metrics (its incident says what was not read)");
    return;
  }
  const size_t dcgm = static_cast<size_t>(std::count_if(names->begin(), names->end(), [](const std::string& n) {
    return n.rfind("DCGM_FI_", 0) == 0;
  }));
  const bool uname = std::binary_search(names->begin(), names->end(), std::string("node_uname_info"));
  lines.push_back("vigil serve: Prometheus " + url->shown + " answered: " + std::to_string(names->size()) +
                  " metric names, " + std::to_string(dcgm) +
                  " of them dcgm-exporter's (DCGM_FI_*); node_exporter's node_uname_info " +
                  (uname ? "there (a node's other names are read from it)"
                         : "absent (a node's instance address and Hostname are not matched through it)"));
  if (dcgm == 0) {
    lines.push_back("vigil serve: warning: no dcgm-exporter metric (DCGM_FI_*) at Prometheus " + url->shown +
                    ": GPU alerts are triaged without GPU metrics (is this the Prometheus that scrapes dcgm-exporter?)");
  }
}

std::string CheckAlertmanager(const std::string& text, const UpstreamCheckOptions& options) {
  Result<AlertmanagerUrl> url = ParseAlertmanagerUrl(text);
  if (!url.ok()) return "vigil serve: warning: alertmanager_url: " + url.status().message();
  const std::string without = "; until it does, triage lists no other alerts firing on an alert's node";
  const std::string lead = "vigil serve: warning: Alertmanager " + url->shown + " did not answer as an Alertmanager at start-up: ";
  HttpRequest req = HttpRequest::Get(url->base + "/api/v2/status");
  req.timeout_ms = options.timeout_ms;
  req.connect_timeout_ms = options.timeout_ms;
  Result<HttpResponse> res = HttpSend(req);
  if (!res.ok()) return lead + OneLine(res.status().message()) + without;
  if (!res->ok()) {
    return lead + "GET /api/v2/status answered HTTP " + std::to_string(res->status) +
           " (is the URL an Alertmanager, http://host:9093?)" + without;
  }
  Result<Json> body = ParseJson(res->body, "GET /api/v2/status");
  if (!body.ok() || !body->is_object() || !body->contains("versionInfo") || !(*body)["versionInfo"].is_object()) {
    return lead + "GET /api/v2/status answered " + (body.ok() ? "JSON without versionInfo" : "a body that is not JSON") +
           " (is the URL an Alertmanager, http://host:9093?)" + without;
  }
  const Json& info = (*body)["versionInfo"];
  const std::string version = info.contains("version") && info["version"].is_string() ? info["version"].get<std::string>() : "";
  return "vigil serve: Alertmanager " + url->shown + " answered" +
         (version.empty() ? "" : ": version " + OneLine(version.substr(0, 64)));
}

}  // namespace

std::vector<std::string> CheckUpstreams(const Config& config, const UpstreamCheckOptions& options) {
  std::vector<std::string> lines;
  if (const std::string& prom = config.GetString("prometheus_url"); !prom.empty()) {
    CheckPrometheus(prom, options, lines);
  }
  if (const std::string& am = config.GetString("alertmanager_url"); !am.empty()) {
    lines.push_back(CheckAlertmanager(am, options));
  }
  return lines;
}

}  // namespace vigil
