// Alertmanager HTTP API v2 client: list the alerts Alertmanager holds (`GET /api/v2/alerts`) and
// send it alerts (`POST /api/v2/alerts`, what Prometheus does for every firing alert).
//
// ListAlerts(url, filter) asks for the alerts matching `filter` (label matchers, sent as
// Alertmanager's `filter=` query parameters; which states: active / silenced / inhibited /
// unprocessed) and returns each as a core/domain.h Alert parsed by connectors/alertmanager.h's
// ParseAlertmanagerAlert (firing: the API lists unresolved alerts only) with its API state
// ("active", "suppressed", "unprocessed") and the silences / inhibiting alerts that suppress it.
// PostAlerts(url, alerts) sends alerts in Alertmanager's posted-alert format:
//   [{"labels": {"alertname": rule, ...}, "annotations": {...}, "startsAt": RFC 3339,
//     "endsAt": RFC 3339, "generatorURL": "..."}]
// (a time of 0 is left out: Alertmanager takes "now" for startsAt and its resolve_timeout for
// endsAt); a firing alert is resent with endsAt in the future, a resolved one with its endsAt.
//
// Errors (Status; messages name `Alertmanager <url><path>` with a `user:password@` password written
// `[redacted]`):
//   InvalidArgument   bad URL (not http(s)://host[:port][/prefix]); a matcher whose name is not a
//                     label name or whose operator is not = != =~ !~; an alert to post without an
//                     alertname, with a label name that is not [a-zA-Z_][a-zA-Z0-9_]*, or an endsAt
//                     before its startsAt (named `alerts[i]...`, nothing sent); Alertmanager's 4xx
//                     answer (its message quoted: a bad filter, a bad alert); an answer that is not
//                     Alertmanager's (not JSON, not an array of alerts) from a 2xx, with how the body
//                     starts, or an alert in it that does not parse (`alerts[i].field: ...`); a 3xx
//                     redirect (not followed; its Location named); an answer over
//                     `max_response_bytes`
//   Unavailable       connection refused / reset, DNS; a 5xx answer (how its body starts quoted)
//   DeadlineExceeded  no answer within `timeout_ms`
//   Cancelled         `cancel` turned true
// No retries: callers own their policy (a webhook path resends on its next interval).
// Thread safety: free functions; safe to call concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain.h"
#include "core/status.h"

namespace vigil {

// The label vigil serve --rules puts on the alerts it forwards to Alertmanager: the alert's vigil
// fingerprint (Alertmanager hashes the labels into its own), so that the copy Alertmanager holds
// or sends back is known as the same alert (serve's webhook, alert triage's co-firing list).
inline constexpr char kVigilFingerprintLabel[] = "vigil_fingerprint";

// A parsed Alertmanager base URL: `http(s)://[user[:password]@]host[:port][/prefix]` (the API paths
// `/api/v2/...` are appended; a trailing `/` is dropped).
struct AlertmanagerUrl {
  std::string base;   // as sent (credentials kept: libcurl sends them as basic auth)
  std::string shown;  // for messages: the password written `[redacted]`
};
// InvalidArgument naming the URL (password hidden) unless http:// or https://, a host, a port
// 1-65535 when one is given, no query string or fragment, no space or control character.
[[nodiscard]] Result<AlertmanagerUrl> ParseAlertmanagerUrl(std::string_view url);

struct AlertmanagerApiOptions {
  int64_t timeout_ms = 10'000;         // one request (connect included)
  int64_t connect_timeout_ms = 5'000;  // connection set-up only
  size_t max_response_bytes = size_t{64} << 20;  // a larger answer is refused (InvalidArgument)
  std::function<bool()> cancel;        // polled by the HTTP client; true aborts (Cancelled)
};

// One label matcher of Alertmanager's filter syntax: `name op "value"`.
struct AlertMatcher {
  std::string name;       // a label name ([a-zA-Z_][a-zA-Z0-9_]*)
  std::string op = "=";   // "=", "!=", "=~" (RE2, anchored by Alertmanager), "!~"
  std::string value;
};

struct AlertFilter {
  std::vector<AlertMatcher> matchers;  // all must hold (an empty list: every alert)
  bool active = true;                  // Alertmanager's `active`
  bool silenced = true;                // `silenced`
  bool inhibited = true;               // `inhibited`
  bool unprocessed = true;             // `unprocessed`
  std::string receiver;                // `receiver` regex; "" = any
  // Not a filter: this request's time limit when lower than AlertmanagerApiOptions::timeout_ms
  // (connect included); 0 = the options' own. A caller with a budget over several requests (alert
  // triage's co-firing listing) gives each what is left of it.
  int64_t max_time_ms = 0;
};

// The filter's query string as sent (`filter=...&active=true&...`, each part percent-encoded).
// InvalidArgument for a matcher with a bad name or operator.
[[nodiscard]] Result<std::string> AlertFilterQuery(const AlertFilter& filter);

struct ListedAlert {
  Alert alert;                              // as ParseAlertmanagerAlert reads it (firing)
  std::string state;                        // status.state: "active", "suppressed", "unprocessed"
  std::vector<std::string> silenced_by;     // silence ids
  std::vector<std::string> inhibited_by;    // fingerprints of the inhibiting alerts
  std::vector<std::string> receivers;       // receiver names
  // Non-empty: this entry of the listing could not be read (e.g. "alerts[3].labels: no `alertname`
  // label": Alertmanager takes such alerts from other senders); `alert` is then empty. One bad entry
  // never costs the others.
  std::string unread;
};

// GET /api/v2/alerts with `filter`; the alerts in the order Alertmanager listed them. An alert that
// cannot be read is an entry with `unread` set, in its place; the others are read as usual.
[[nodiscard]] Result<std::vector<ListedAlert>> ListAlerts(const AlertmanagerUrl& url, const AlertFilter& filter,
                                                          const AlertmanagerApiOptions& options = {});

// The JSON array PostAlerts sends for `alerts` (labels get `alertname` = rule when they lack it, and
// `severity` when the alert has one and its labels do not). InvalidArgument naming `alerts[i]` for an
// alert with no alertname, a label name that is not a label name, or endsAt before startsAt.
[[nodiscard]] Result<std::string> PostAlertsBody(const std::vector<Alert>& alerts);

// POST /api/v2/alerts with PostAlertsBody(alerts). OK once Alertmanager answered 2xx. An empty
// list sends nothing.
[[nodiscard]] Status PostAlerts(const AlertmanagerUrl& url, const std::vector<Alert>& alerts,
                                const AlertmanagerApiOptions& options = {});

}  // namespace vigil
