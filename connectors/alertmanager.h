// Alertmanager webhook payloads (the `webhook_config` receiver, payload version "4").
//
// The body Alertmanager POSTs to a webhook receiver:
//   {"version": "4", "groupKey": "...", "truncatedAlerts": 0, "status": "firing"|"resolved",
//    "receiver": "...", "groupLabels": {..}, "commonLabels": {..}, "commonAnnotations": {..},
//    "externalURL": "http://am:9093",
//    "alerts": [{"status": "firing"|"resolved", "labels": {..}, "annotations": {..},
//                "startsAt": RFC 3339, "endsAt": RFC 3339 ("0001-01-01T00:00:00Z" = unset),
//                "generatorURL": "http://prom:9090/graph?g0.expr=...", "fingerprint": "hex"}]}
// Each alert becomes a core/domain.h Alert: rule = labels["alertname"] (required), severity =
// labels["severity"] (may be empty), state kFiring / kResolved from its own `status`,
// starts_at_ms / ends_at_ms (0 when unset or Alertmanager's zero time), active_at_ms =
// starts_at_ms, fingerprint, labels, annotations; `explanation` is an object holding
// "generator_url" (as sent, "" when absent) and "source": "alertmanager".
//
// A defect of one alert refuses that alert only (RVU2, 2026-12-04: one alert without `alertname`
// made the webhook refuse the whole group, and Alertmanager does not resend a notification
// answered 4xx, so the group's valid alerts were lost): it goes to AlertmanagerWebhook::refused
// with its index, a reason word and the error naming the field and why, e.g.
//   "alerts[2].startsAt: not an RFC 3339 time: invalid timestamp `yesterday`: ..."
//   "alerts[0].labels: no `alertname` label"
//   "alerts[3].fingerprint: `ab12` also at alerts[1] (duplicate fingerprint)"
// and the others are parsed. What spoils the whole body is an InvalidArgument error, e.g.
//   "body: not valid UTF-8 at byte 1042", "alerts: expected an array, got an object",
//   "version: `3` (this reader knows webhook version 4)", "commonLabels.x: expected a string ..."
// A body larger than `max_body_bytes` is ResourceExhausted (nothing parsed). Unknown fields are
// ignored (Alertmanager adds fields over versions). A UTF-16 body (PowerShell's `>` / Out-File, a
// Windows tool's export) is read as the UTF-8 it converts to, losslessly (core/text_encoding.h),
// and said in AlertmanagerWebhook::notes; one that is not valid UTF-16 (an odd length, a lone
// surrogate) is refused naming the byte offset. A missing `fingerprint` is computed as
// Alertmanager computes it (FNV-1a 64 of the sorted labels, 16 hex digits), so that every parsed
// alert has one and the same alert sent with or without it is one alert.
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain.h"
#include "core/json.h"
#include "core/status.h"
#include "core/time_series.h"

namespace vigil {

// One alert of a payload that could not be read; the payload's other alerts are.
struct RefusedAlert {
  size_t index = 0;    // its position in the payload's alert array
  // What was wrong, one of a few words (a /metrics label): "not_an_object", "alertname" (labels
  // missing, or without a non-empty alertname), "labels" (not an object of strings), "annotations",
  // "startsAt", "endsAt" (not RFC 3339, or before startsAt), "status", "generatorURL",
  // "fingerprint" (not a string), "duplicate_fingerprint" (an alert read before has it).
  std::string reason;
  std::string error;   // "alerts[2].labels: no `alertname` label"
};

struct AlertmanagerWebhook {  // Alertmanager webhook payload, version "4"
  std::string version, group_key, status, receiver, external_url;
  int64_t truncated_alerts = 0;  // alerts Alertmanager left out (max_alerts of the receiver)
  Labels group_labels, common_labels, common_annotations;
  std::vector<Alert> alerts;  // the alerts read, in payload order; generatorURL in explanation["generator_url"]
  std::vector<RefusedAlert> refused;  // the alerts that could not be read, in payload order
  // How the body was read when not as sent: "body: UTF-16LE text (byte order mark), read as UTF-8".
  std::vector<std::string> notes;
};

struct AlertmanagerLimits {
  size_t max_body_bytes = 16u << 20;  // a larger body is ResourceExhausted
  size_t max_alerts = 10'000;         // more alerts in one payload is ResourceExhausted
};

// Alertmanager's own fingerprint of an alert (prometheus/common model.LabelSet.Fingerprint): FNV-1a
// 64 over the label names in byte order (the alertname is one of them), each name and value
// followed by the byte 0xff, as 16 lowercase hex digits. The parsers give it to an alert sent
// without `fingerprint`.
std::string AlertmanagerFingerprint(const Labels& labels);

// What vigil computed instead before DEF5 (2026-12-03, ecf96fa): FNV-1a 64 with the offset basis
// missing its last digit (1469598103934665603) over the alertname and then the sorted labels,
// each followed by 0xff. Only for recognising fingerprints stored by those versions (the incident
// store rewrites them to AlertmanagerFingerprint on upgrade); never for new alerts.
std::string PreDef5Fingerprint(std::string_view alertname, const Labels& labels);

// The alert's generatorURL ("" when none was sent).
std::string AlertGeneratorUrl(const Alert& alert);

// Parses a webhook body (see the header comment for the format and the errors).
Result<AlertmanagerWebhook> ParseAlertmanagerWebhook(std::string_view body, const AlertmanagerLimits& limits = {});

// Parses the same webhook from a JSON value already parsed (`body` checks size/UTF-8/JSON first).
Result<AlertmanagerWebhook> ParseAlertmanagerWebhookJson(const Json& j);

// One alert object in the webhook's alert format (as above), or as Prometheus POSTs it to
// /api/v2/alerts (no `status`), or as GET /api/v2/alerts lists it (`status` an object {"state":
// "active"|"suppressed"|"unprocessed"}). Only a `status` string "resolved" makes it resolved: an
// alert without a status string is firing whatever its endsAt says, because Prometheus sends every
// firing alert with endsAt = now + 4 x max(evaluation interval, resend delay) and the API lists
// unresolved alerts only (each with that endsAt), so a firing alert read from a file minutes later
// has an endsAt in the past; ends_at_ms keeps it (alert triage says when it has passed). `where`
// prefixes errors ("alerts[2]").
Result<Alert> ParseAlertmanagerAlert(const Json& j, const std::string& where);

// A webhook payload, or a single alert object, or a JSON array of alert objects: whichever `body`
// holds (an object with an "alerts" array is a webhook). For `vigil diagnose --alert`. A bad alert
// of a webhook or an array is refused alone (`refused`, "[2].labels: ..." for an array); a single
// alert object that is bad is the error.
Result<AlertmanagerWebhook> ParseAlertmanagerInput(std::string_view body, const AlertmanagerLimits& limits = {});

}  // namespace vigil
