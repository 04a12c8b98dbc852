// HttpApi: `vigil serve`'s HTTP server (cpp-httplib): Alertmanager webhook intake, incidents,
// synchronous case diagnosis, health and Prometheus metrics.
//
//   POST /api/v1/alerts          Alertmanager webhook (v4 JSON): alerts recorded in the incident
//                                store before the answer; 200 {created, duplicates, resolved}; an
//                                alert that cannot be read is left out alone: 207 with the same
//                                and `refused` [{index, reason, error}], 400 when none could be
//                                (RVU2: one such alert lost the whole group before)
//   GET  /api/v1/incidents       ?status=queued|running|diagnosed|failed|resolved|firing&limit=N
//   GET  /api/v1/incidents/{id}  one incident with its alert, diagnosis and resolution JSON, and
//                                `past_resolutions`: earlier incidents' resolutions its diagnosis
//                                recalled from the knowledge base
//   POST /api/v1/incidents/{id}/resolution
//                                the on-call engineer's finding {root_cause, summary, resolution,
//                                by}: stored with the incident and imported into the knowledge base
//                                (see ParseResolution, KnowledgeIncidentFromResolution)
//   POST /api/v1/diagnose        a case (agents/case.h format) -> the DiagnosisReport JSON
//   GET  /healthz                {"status": "ok", "version": ...}
//   GET  /metrics                Prometheus text exposition (the API's families, then
//                                HttpApiOptions::extra_metrics')
//
// With HttpApiOptions::auth, a request without an accepted bearer token gets 401 (see there).
// Errors are JSON, `{"error": "...", "where": "..."}`: 400 bad JSON / a wrong field (named) / a bad
// query or id, 404 unknown route or incident, 405 wrong method (with Allow), 409 a resolution for
// an incident whose triage has not finished (queued or running), 413 body over
// `max_body` (or a webhook with too many alerts), 415 a body that is not application/json, 503
// triage queue full (Retry-After) or a part not built (no webhook parser, no diagnosis), 500 a
// bug. Every route goes through one wrapper that turns a Status into that body and an exception
// into a 500. A client that stalls mid-request is dropped after `read_timeout_s`; one whose request
// header has not come `header_timeout_s` after connecting (or after its last answer) is cut, and
// one whose request body has not come `request_timeout_s` after its header.
//
// The webhook parser, the diagnosis and the store are handed in (HttpApiOptions), so tests run the
// real server on loopback with fakes. Ownership: the store and the knowledge base are borrowed and
// must outlive the HttpApi. Thread safety: handlers run on httplib's thread pool; Stop() may be called from any
// thread (a signal handler must not call it: see cmd_serve.cc).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <span>
#include <string_view>
#include <vector>

#include "connectors/alertmanager.h"
#include "core/domain.h"
#include "core/json.h"
#include "core/status.h"
#include "knowledge/knowledge_base.h"
#include "server/auth_tokens.h"
#include "server/incident_store.h"
#include "server/verification_progress.h"
#include "server/metrics_text.h"
#include "server/watched_routes.h"

namespace httplib {
class Server;
}

namespace vigil {

class ConnectionWatchdog;

// The version /healthz and vigil_build_info report; equal to project(vigil VERSION ...) in the
// top CMakeLists.txt (server_test checks it).
inline constexpr std::string_view kVigilVersion = "0.1.0";

// What a webhook body holds (connectors/alertmanager.h ParseAlertmanagerWebhook): the alerts read,
// the ones that could not be (each with its index and why), and notes on how the body was read
// (UTF-16 converted).
struct WebhookAlerts {
  std::vector<Alert> alerts;
  std::vector<RefusedAlert> refused;
  std::vector<std::string> notes;
  std::string group_key;  // Alertmanager's `groupKey` ("" when absent; STM1: IntakeOptions::group_key)
};
// The alerts, refused alerts, notes and groupKey of a parsed webhook.
inline WebhookAlerts WebhookAlertsOf(AlertmanagerWebhook&& hook) {
  return WebhookAlerts{std::move(hook.alerts), std::move(hook.refused), std::move(hook.notes), std::move(hook.group_key)};
}
// Alertmanager webhook body -> its alerts. An error: the body as a whole could not be used.
using WebhookParser = std::function<Result<WebhookAlerts>(std::string_view body)>;
// A case JSON -> the DiagnosisReport JSON (what `vigil diagnose --case --json` prints).
// InvalidArgument for a bad case (the message names the field).
using CaseDiagnoser = std::function<Result<Json>(const Json& case_json)>;

struct HttpApiOptions {
  IncidentStore* store = nullptr;     // required, borrowed
  // What running (and recently ended) triages' verification is doing: GET /api/v1/incidents/{id}
  // adds it as `verification` (server/verification_progress.h VerificationBoard::Get) when the
  // board has a record of the incident. nullptr: no `verification`. Borrowed.
  const VerificationBoard* verification = nullptr;
  WebhookParser parse_webhook;        // empty: POST /api/v1/alerts answers 503 naming `unavailable_why`
  CaseDiagnoser diagnose;             // empty: POST /api/v1/diagnose answers 503
  std::string unavailable_why = "triage not built";
  std::function<void()> on_queued;   // called after new incidents were recorded (wakes workers)
  std::function<int()> triage_busy;   // triages running now (for /metrics); nullptr: 0
  size_t max_body = 1 << 20;          // bytes; larger bodies get 413
  // POST /api/v1/alerts takes bodies up to this (vigil serve --max-webhook-body: an alert storm's
  // notification); 0 or less than max_body: max_body. Other routes keep max_body (a larger
  // Content-Length is refused 413 before the body is read; a chunked body without one is read up to
  // this limit and then refused 413, by the API's routes and, through WatchedRoutes' limit, by
  // extra_routes' handlers).
  size_t max_webhook_body = 0;
  IntakeOptions intake;               // IncidentStore::Intake's (storm grouping)
  int read_timeout_s = 10;            // a client that stalls mid-request is dropped after this
  int write_timeout_s = 10;
  int keep_alive_timeout_s = 5;
  // A connection whose next request header has not fully come this long after it was opened (or
  // after its last response) is cut (server/connection_watchdog.h: slowloris; read_timeout_s
  // bounds each read only). 0: no such deadline.
  int header_timeout_s = 20;
  // A request's body must have fully come this long after its header was read: a client trickling a body a byte at a time (each read within
  // read_timeout_s, the size within max_body) is cut then. A handler running is never cut: every
  // route's handler calls ConnectionWatchdog::HandlerStarted first (HttpApi's through its wrapper,
  // extra_routes' through WatchedRoutes). 0: no such deadline. Both deadlines are at most INT_MAX
  // ms (24.8 days): a longer one is that.
  int request_timeout_s = 60;
  size_t keep_alive_max_requests = 100;  // requests on one connection, then httplib closes it
  size_t list_limit_max = 1000;       // ?limit= at most this (default 50)
  // The knowledge base resolutions are imported into (borrowed; the one the triage searches, so the
  // next triage recalls them) and whose taxonomy checks their root_cause. nullptr: POST
  // .../resolution answers 503.
  KnowledgeBase* kb = nullptr;
  // More routes mounted after the API's own (the chat page, server/chat.h); nullptr: none. They go
  // through WatchedRoutes (server/watched_routes.h), so --request-timeout never cuts their handlers.
  std::function<void(WatchedRoutes)> extra_routes;
  // The exact paths extra_routes mounts, which /metrics labels by name (the chat's: ChatRoutePaths()
  // in server/chat.h); requests to other paths are counted as "other".
  std::vector<std::string> extra_route_paths;
  // More families for GET /metrics, appended after the API's own (vigil serve --rules: the
  // online detection's vigil_detection_*). Called on httplib's threads at every scrape, so it
  // must be thread-safe. Its family names must not be the API's own (vigil_http_*,
  // vigil_alerts_received_total, vigil_alerts_refused_total, vigil_triage_*, vigil_incidents*, vigil_build_info): a family
  // written twice is not valid exposition text. Empty: none.
  std::function<void(std::string& out)> extra_metrics;
  // Bearer-token authentication (vigil serve --auth-token-file; borrowed, may be reloaded while
  // serving). When set, every request needs `Authorization: Bearer <one of its tokens>` except
  // GET/HEAD /healthz, GET/HEAD / and /chat (the chat page: static HTML holding no data; it asks
  // for the token: ChatPageHtml in server/chat.cc) and, with metrics_public, GET/HEAD /metrics.
  // Otherwise 401 with `WWW-Authenticate: Bearer realm="vigil"` (plus error="invalid_token" when
  // a token was sent) and the JSON error, before the body is read or the route looked up (an
  // unknown path is 401 too). nullptr: no authentication.
  const AuthTokens* auth = nullptr;
  bool metrics_public = false;
};

// Limits of a posted resolution's texts (bytes of UTF-8).
inline constexpr size_t kMaxResolutionSummaryBytes = 4000;
inline constexpr size_t kMaxResolutionTextBytes = 4000;
inline constexpr size_t kMaxResolutionByBytes = 200;

// The root causes a resolution may name (ResolutionCategories): the taxonomy's categories in its
// order, then those the user's own history added (`vigil kb import` keeps a root cause the taxonomy
// lacks as a user-defined category, "learned" here).
struct ResolutionCategoryList {
  std::vector<std::string> ids;  // ids[0, taxonomy) the taxonomy's, the rest learned
  size_t taxonomy = 0;
  bool Contains(std::string_view id) const;
  bool Learned(size_t i) const { return i >= taxonomy; }
};

// Parses a POST .../resolution body: a JSON object with exactly root_cause (one of `categories`),
// summary, resolution and by, each a non-empty (after trimming) UTF-8 string within the limits
// above. InvalidArgument whose message starts with the field ("root_cause: unknown category
// `gpu_falen_off_bus`; did you mean `gpu_fallen_off_bus`?", "summary: missing", "body: not
// JSON ...", "body.extra: unknown field ...") so the route names it in `where`.
Result<IncidentResolution> ParseResolution(std::string_view body, const ResolutionCategoryList& categories);

// The knowledge-base incident an engineer's resolution of `incident` (a row of the store
// `store_id`) becomes: id KnowledgeIncidentId(store_id, N) ("vigil-serve-<store_id>-incident-N"),
// source "vigil-serve:incident-N", title "<alertname>: <summary>",
// raw_text the alert text (name, summary and description annotations, labels), the diagnosis'
// headline and evidence summary (up to 8 items) and the engineer's summary and resolution;
// root_cause from the resolution, component from the diagnosis, mitigation the resolution, the
// alert in `alerts`. Precondition: incident.resolution is set.
Incident KnowledgeIncidentFromResolution(const StoredIncident& incident, std::string_view store_id);

// The root causes a resolution may name: `kb`'s taxonomy categories (those with a layer), then the
// user-defined ones its imports of the user's history added (no layer). Before DOG9 only the
// taxonomy's: a category the user's own incidents use could not be recorded for the next one.
ResolutionCategoryList ResolutionCategories(const KnowledgeBase& kb);

// What RecordResolution did.
struct ResolutionRecord {
  bool replaced_earlier = false;  // the incident had a resolution before: this one replaced it
  bool kb_failed = false;         // the knowledge-base import itself failed (kb_error says why)
  std::string kb_error;           // "" = imported (or already there, unchanged)
  Json resolution;                // as stored: StoredIncident::ToJson(true)["resolution"]
};

// Stores `resolution` for incident `id` (IncidentStore::SetResolution: NotFound for an unknown id,
// FailedPrecondition while its triage has not finished) and imports it into `kb`
// (KnowledgeIncidentFromResolution), recording the import (SetResolutionKb). The one code path of
// POST /api/v1/incidents/{id}/resolution and `vigil kb resolve`. The resolution is stored first, so
// a failed import loses nothing: ResolutionRecord::kb_failed, and doing it again retries it. Not
// thread-safe for one id: the caller serialises (serve holds a mutex; the CLI the store's lock).
Result<ResolutionRecord> RecordResolution(IncidentStore& store, KnowledgeBase& kb, int64_t id,
                                          const IncidentResolution& resolution);

// GET /api/v1/incidents' query -> IncidentStore::Search's filters: status (or state), fingerprint,
// node, alertname, since / until (RFC 3339 or unix seconds), limit (1..limit_max, default 50); each
// at most once. InvalidArgument whose message starts with the parameter ("since: `yesterday` is not
// a time ...", "color: unknown query parameter ...") for an unknown parameter, a malformed value
// (a name with characters no fingerprint, host or alertname has: quotes, `;`, spaces), since after
// until, or a limit out of range.
Result<IncidentQuery> ParseIncidentQuery(const std::multimap<std::string, std::string>& params, size_t limit_max);

// Maps a status to the HTTP status of its JSON error (InvalidArgument 400, NotFound 404,
// ResourceExhausted / Unavailable / Unimplemented / FailedPrecondition 503, DeadlineExceeded 504,
// else 500).
int HttpStatusFor(StatusCode code);
// `{"error": message, "where": where}`.
Json ErrorBody(std::string_view message, std::string_view where);

// The metrics HttpApi keeps: requests by route, method and code, request duration, triage
// outcomes and durations. Thread-safe.
struct ServerMetrics {
  MetricCounter requests{"vigil_http_requests_total", "HTTP requests answered, by route template, method and code",
                         {"route", "method", "code"}};
  MetricHistogram request_seconds{"vigil_http_request_duration_seconds",
                                  "HTTP request time from routing to the answer written, by route template",
                                  {"route"},
                                  {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30}};
  MetricCounter alerts{"vigil_alerts_received_total",
                       "alerts in accepted webhooks, by outcome (created: a new incident; duplicate: one "
                       "recorded before; stopped_firing: Alertmanager's resolved notification ended an "
                       "incident's alert)",
                       {"outcome"}};
  MetricCounter alerts_refused{"vigil_alerts_refused_total",
                               "alerts of webhooks left out because they could not be read (the rest of "
                               "the webhook was taken), by reason (connectors/alertmanager.h RefusedAlert)",
                               {"reason"}};
  // STM2: merges since start (the gauge vigil_incidents{state="merged"} holds every merged row).
  MetricCounter merges{"vigil_incidents_merged_total",
                       "incidents joined to a storm incident since start, by what was joined (alert: an "
                       "incident of one alert from an earlier webhook of the storm's groupKey; storm: a storm "
                       "incident of that groupKey whose alerts are in other groups' storms now, counted once)",
                       {"incident"}};
  MetricCounter triages{"vigil_triage_total",
                        "triage attempts finished, by outcome (diagnosed, failed, retried: failed and queued again)",
                        {"outcome"}};
  MetricCounter connections_cut{"vigil_http_connections_cut_total",
                                 "connections cut because their request header did not come within "
                                 "--header-timeout or its body within --request-timeout",
                                 {}};
  MetricHistogram triage_seconds{"vigil_triage_duration_seconds", "wall time of one alert's triage", {"outcome"},
                                 {0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300}};
};

// Binds `host:port` for a moment and lets it go: the error HttpApi::Bind would give (an address in
// use, a host not on this machine), found before `vigil serve` opens its data dir and knowledge
// base (RV-OPS: a port in use was found after the 145-entry pack was imported into a new data dir).
// Port 0 (any free port) is always OK.
Status CheckListenAddress(const std::string& host, int port);

class HttpApi {
 public:
  explicit HttpApi(HttpApiOptions options);
  ~HttpApi();
  HttpApi(const HttpApi&) = delete;
  HttpApi& operator=(const HttpApi&) = delete;

  // Binds `host:port` (port 0: any free port). FailedPrecondition naming the address and the
  // reason ("Address already in use") when it cannot.
  Status Bind(const std::string& host, int port);
  int port() const { return port_; }
  // Serves until Stop(). Precondition: Bind succeeded.
  Status Run();
  // Stops Run (also one that has not started yet: it then returns at once) and returns when Run
  // has returned; requests in progress are answered first. From any thread but Run's.
  void Stop();

  ServerMetrics& metrics() { return *metrics_; }
  // The /metrics text (the counters above plus incidents by state, queue depth, build info).
  std::string RenderMetrics() const;

 private:
  void Routes();
  void MakeWatchdog();  // after a successful bind
  // Resolutions of earlier served incidents that the diagnosis of `incident` cites as knowledge
  // evidence (`kb:` + KnowledgeIncidentId(this store's id, N); other stores' entries are not
  // this store's rows and are left out): [{incident, url, evidence, root_cause, summary,
  // resolution, by}], read from the store now.
  Json PastResolutions(const StoredIncident& incident) const;

  HttpApiOptions options_;
  std::unique_ptr<httplib::Server> server_;
  std::unique_ptr<ServerMetrics> metrics_;
  std::unique_ptr<ConnectionWatchdog> watchdog_;  // made by Bind (it needs the port) when header_timeout_s > 0
  // Held by POST .../resolution from storing the text to recording its import: one post at a
  // time, so the knowledge base ends with the version the store ends with (two posts for one
  // incident could otherwise import in the other order).
  std::mutex resolution_mu_;
  int port_ = 0;
  std::atomic<bool> running_{false};
  std::atomic<bool> stop_requested_{false};
};

}  // namespace vigil
