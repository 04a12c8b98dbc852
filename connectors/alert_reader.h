// The one reader of an Alertmanager alert object (RV11, 2026-12-06): the webhook's alerts
// (connectors/alertmanager.h ParseAlertmanagerWebhook, ParseAlertmanagerInput, ListAlerts) and a
// diagnosis case's `alert` (agents/case.cc) go through ParseAlertmanagerAlert, so the same bad
// input gets the same error wherever it is given, named by where it was: "alerts[2].endsAt: ..."
// in a webhook, "case.json: alert.endsAt: ..." in a case file. Before, agents/case.cc had a copy
// that took any `status` object, dropped an endsAt before the startsAt without a word, read
// `"gpu": 5` as "5" and a startsAt with a space or without a zone as UTC, where the webhook refused
// each naming the field.
//
// Refused, naming the field: `status` neither a string nor an object; a word other than firing /
// resolved; an object (API v2's) whose `state` is missing or not active / suppressed /
// unprocessed; `startsAt` / `endsAt` not RFC 3339 with a zone, or at or before 1970; an endsAt
// before the startsAt; a label or annotation that is not a string (`"gpu": 5`: write "5"). A missing
// startsAt is no error (an alert as Prometheus POSTs it, or a hand-made sender: starts_at_ms 0;
// vigil serve takes the time received); a missing fingerprint is computed (AlertmanagerFingerprint).
// Unknown fields are ignored here (Alertmanager adds fields over versions); a case refuses them
// itself. Thread safety: pure functions.
#pragma once

#include <string>

#include "core/domain.h"
#include "core/json.h"
#include "core/status.h"

namespace vigil {

struct AlertReadOptions {
  // The webhook's alerts (and --alert's) need `labels` with a non-empty `alertname`: it is the
  // incident's rule. A diagnosis case's alert may lack it (a case about some alert, read from its
  // annotations, logs and metrics); an empty one is still refused.
  bool alertname_required = true;
  std::string source = "alertmanager";  // explanation["source"]
};

// As connectors/alertmanager.h's ParseAlertmanagerAlert(j, where) (which is this with the
// defaults), read as `options` say.
Result<Alert> ParseAlertmanagerAlert(const Json& j, const std::string& where, const AlertReadOptions& options);

}  // namespace vigil
