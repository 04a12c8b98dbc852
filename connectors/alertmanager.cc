#include "connectors/alertmanager.h"
#include "connectors/alert_reader.h"

#include <cstdio>
#include <map>

#include "core/text_encoding.h"
#include "core/time_util.h"
#include "core/utf8.h"

namespace vigil {
namespace {

std::string TypeName(const Json& j) {
  if (j.is_null()) return "null";
  if (j.is_boolean()) return "a boolean";
  if (j.is_number()) return "a number";
  if (j.is_string()) return "a string";
  if (j.is_array()) return "an array";
  return "an object";
}

Status Bad(const std::string& field, const std::string& why) { return InvalidArgumentError(field + ": " + why); }

// An optional string field: absent or null is "".
Result<std::string> OptString(const Json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::string();
  if (!it->is_string()) return Bad(where + key, "expected a string, got " + TypeName(*it));
  return it->get<std::string>();
}

// A label/annotation map: an object of strings (absent or null is empty).
Result<Labels> OptLabels(const Json& obj, const char* key, const std::string& where) {
  Labels out;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return out;
  if (!it->is_object()) return Bad(where + key, "expected an object of strings, got " + TypeName(*it));
  for (const auto& [k, v] : it->items()) {
    if (!v.is_string()) {
      // RV11: a case file's `"gpu": 5` was read as "5" there and refused here; refused in both now
      // (Alertmanager's labels are strings), saying what to write.
      std::string hint;
      if (v.is_number() || v.is_boolean()) hint = " (a value is text: write \"" + v.dump() + "\")";
      return Bad(where + key + "." + k, "expected a string, got " + TypeName(v) + hint);
    }
    out[k] = v.get<std::string>();
  }
  return out;
}

Result<int64_t> OptTime(const Json& obj, const char* key, const std::string& where) {
  ASSIGN_OR_RETURN(std::string text, OptString(obj, key, where));
  if (text.empty() || IsGoZeroTime(text)) return int64_t{0};
  auto ms = ParseRfc3339Ms(text);
  if (!ms.ok()) return Bad(where + key, "not an RFC 3339 time: " + ms.status().message());
  // ParseRfc3339Ms also reads a space for the `T` and no zone as UTC (log lines); Alertmanager
  // always sends RFC 3339, so such a time came from elsewhere and its zone is a guess (OPS3).
  std::string wrong;
  if (text.size() > 10 && text[10] != 'T' && text[10] != 't') wrong = "a space between date and time (write `T`)";
  const char last = text.back();
  const size_t sign = text.size() >= 6 ? text.size() - 6 : 0;
  const bool zoned = last == 'Z' || last == 'z' ||
                     (sign > 10 && (text[sign] == '+' || text[sign] == '-') && text[sign + 3] == ':');
  if (!zoned) {
    if (!wrong.empty()) wrong += " and ";
    wrong += "no time zone (end it with `Z` or an offset such as `+02:00`)";
  }
  if (!wrong.empty()) {
    return Bad(where + key, "`" + text + "` is not an RFC 3339 time: " + wrong + "; e.g. 2026-12-03T02:20:00Z");
  }
  // RV9 (2026-12-06): a time at or before 1970 was taken and stored, and then read as unset (0 is
  // "none" and readers test > 0): GET /api/v1/incidents showed no `starts_at`. Go's zero time
  // (above) stays "none".
  if (*ms <= 0) {
    return Bad(where + key, "`" + text + "` is not after 1970-01-01T00:00:00Z (unix time 0); e.g. 2026-12-03T02:20:00Z");
  }
  return *ms;
}

// The body as UTF-8 text: within the size limit; UTF-16 (a file saved by PowerShell's `>` or
// Out-File, posted or passed to --alert) converted when that loses nothing, said in `notes` (it was
// refused before, RVU's finding; one detector with `diagnose --log`: core/text_encoding.h), refused
// naming the byte when not valid UTF-16; anything else must be valid UTF-8. `storage` holds a
// converted body; the view returned is into it or into `body`.
Result<std::string_view> BodyText(std::string_view body, const AlertmanagerLimits& limits, std::string& storage,
                                  std::vector<std::string>& notes) {
  if (body.size() > limits.max_body_bytes) {
    return ResourceExhaustedError("body: " + std::to_string(body.size()) + " bytes, more than the limit of " +
                                  std::to_string(limits.max_body_bytes));
  }
  // gzip's magic bytes: a body compressed without `Content-Encoding: gzip` (with it, the HTTP
  // server inflates it first) or a saved .json.gz given to --alert. DOG5 (2026-12-05): "not valid
  // UTF-8 at byte 1" before, which named no cause.
  if (body.size() >= 2 && body[0] == '\x1f' && body[1] == '\x8b') {
    return Bad("body", "gzip-compressed data (it starts with gzip's bytes 1f 8b), not JSON text: post it with the "
                       "header `Content-Encoding: gzip`, or decompress it first (`zcat FILE | vigil diagnose --alert -`)");
  }
  if (const std::optional<Utf16Layout> utf16 = DetectUtf16(body)) {
    auto text = Utf16ToUtf8(body, *utf16, InvalidUtf16::kRefuse);
    if (!text.ok()) {
      return Bad("body", DescribeUtf16(*utf16) + ", " + text.status().message() +
                             ": save it as UTF-8, e.g. `iconv -f UTF-16 -t UTF-8`, or Out-File -Encoding utf8");
    }
    storage = std::move(*text);
    notes.push_back("body: " + DescribeUtf16(*utf16) + ", read as UTF-8");
    body = storage;
  }
  size_t bad = 0;
  if (!IsValidUtf8(body, &bad)) return Bad("body", "not valid UTF-8 at byte " + std::to_string(bad));
  return body;
}

// The RefusedAlert::reason of an error ParseAlertmanagerAlert gave for the alert at `where`
// ("alerts[2]"): the field its message names first after `where.`.
std::string RefusalReason(const std::string& message, const std::string& where) {
  const std::string p = where + ".";
  if (message.rfind(p, 0) != 0) return "not_an_object";  // "alerts[2]: expected an alert object, got ..."
  const size_t start = p.size();
  const size_t end = message.find_first_of(".:", start);
  const std::string field = message.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (field == "labels") {
    const std::string rest = message.substr(start);
    if (rest.rfind("labels.alertname:", 0) == 0 || rest.rfind("labels: no `alertname`", 0) == 0 ||
        rest.rfind("labels: missing", 0) == 0) {
      return "alertname";
    }
  }
  for (const char* known : {"labels", "annotations", "startsAt", "endsAt", "status", "generatorURL", "fingerprint"}) {
    if (field == known) return field;
  }
  return "alert";
}

// Reads each element of `alerts` ("alerts[i]" or "[i]" in errors, by `prefix`): the good ones into
// `out.alerts`, each bad one into `out.refused`, a second alert with a fingerprint already read too.
void ReadAlerts(const Json& alerts, const std::string& prefix, AlertmanagerWebhook& out) {
  std::map<std::string, size_t> seen;  // fingerprint -> index of the alert read with it
  for (size_t i = 0; i < alerts.size(); ++i) {
    const std::string where = prefix + "[" + std::to_string(i) + "]";
    Result<Alert> a = ParseAlertmanagerAlert(alerts[i], where);
    if (!a.ok()) {
      out.refused.push_back({i, RefusalReason(a.status().message(), where), a.status().message()});
      continue;
    }
    auto [it, inserted] = seen.emplace(a->fingerprint, i);
    if (!inserted) {
      out.refused.push_back({i, "duplicate_fingerprint",
                             where + ".fingerprint: `" + a->fingerprint + "` also at " + prefix + "[" +
                                 std::to_string(it->second) + "] (duplicate fingerprint)"});
      continue;
    }
    out.alerts.push_back(std::move(*a));
  }
}

}  // namespace

// Before DEF5 (2026-12-03) the alertname was mixed in once more and the offset basis lacked its
// last digit, so an alert sent without `fingerprint` (amtool, a script, a test) got another
// fingerprint than the same alert coming through Alertmanager, and became a second incident.
std::string AlertmanagerFingerprint(const Labels& labels) {
  uint64_t h = 14695981039346656037ull;  // FNV-1a 64 offset basis
  auto mix = [&](std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;  // model.SeparatorByte
  };
  for (const auto& [k, v] : labels) mix(k), mix(v);  // Labels is a std::map: names in byte order
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

// The code of ce0f702 to ecf96fa^, kept to recognise what it wrote (server/incident_store.cc).
std::string PreDef5Fingerprint(std::string_view alertname, const Labels& labels) {
  uint64_t h = 1469598103934665603ull;  // the offset basis without its last digit, as it was
  auto mix = [&](std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;
  };
  mix(alertname);
  for (const auto& [k, v] : labels) mix(k), mix(v);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string AlertGeneratorUrl(const Alert& alert) {
  if (alert.explanation.is_object()) {
    auto it = alert.explanation.find("generator_url");
    if (it != alert.explanation.end() && it->is_string()) return it->get<std::string>();
  }
  return "";
}

Result<Alert> ParseAlertmanagerAlert(const Json& j, const std::string& where) {
  return ParseAlertmanagerAlert(j, where, AlertReadOptions{});
}

Result<Alert> ParseAlertmanagerAlert(const Json& j, const std::string& where, const AlertReadOptions& options) {
  if (!j.is_object()) return Bad(where, "expected an alert object, got " + TypeName(j));
  const std::string p = where.empty() ? "" : where + ".";
  Alert a;
  ASSIGN_OR_RETURN(a.labels, OptLabels(j, "labels", p));
  auto name = a.labels.find("alertname");
  if (options.alertname_required) {
    if (j.find("labels") == j.end()) return Bad(p + "labels", "missing (an alert needs at least `alertname`)");
    if (name == a.labels.end()) return Bad(p + "labels", "no `alertname` label");
  }
  if (name != a.labels.end() && name->second.empty()) return Bad(p + "labels.alertname", "empty");
  if (name != a.labels.end()) a.rule = name->second;
  if (auto s = a.labels.find("severity"); s != a.labels.end()) a.severity = s->second;
  ASSIGN_OR_RETURN(a.annotations, OptLabels(j, "annotations", p));
  ASSIGN_OR_RETURN(a.starts_at_ms, OptTime(j, "startsAt", p));
  ASSIGN_OR_RETURN(a.ends_at_ms, OptTime(j, "endsAt", p));
  a.active_at_ms = a.starts_at_ms;
  if (a.starts_at_ms > 0 && a.ends_at_ms > 0 && a.ends_at_ms < a.starts_at_ms) {
    return Bad(p + "endsAt", FormatRfc3339Ms(a.ends_at_ms) + " is before startsAt " + FormatRfc3339Ms(a.starts_at_ms));
  }
  ASSIGN_OR_RETURN(std::string generator, OptString(j, "generatorURL", p));
  ASSIGN_OR_RETURN(a.fingerprint, OptString(j, "fingerprint", p));
  if (a.fingerprint.empty()) a.fingerprint = AlertmanagerFingerprint(a.labels);

  auto st = j.find("status");
  if (st == j.end() || st->is_null()) {
    // No status (an alert as Prometheus POSTs it to /api/v2/alerts): firing. Its endsAt is no
    // resolution: Prometheus sets it a few evaluation intervals ahead on every firing alert, so
    // once that has passed a file cannot tell a firing alert from a resolved one (triage says so).
    a.state = AlertState::kFiring;
  } else if (st->is_string()) {
    const std::string s = st->get<std::string>();
    if (s == "firing") {
      a.state = AlertState::kFiring;
    } else if (s == "resolved") {
      a.state = AlertState::kResolved;
    } else {
      return Bad(p + "status", "`" + s + "` is neither firing nor resolved");
    }
  } else if (st->is_object()) {  // API v2: {"state": "active"|"suppressed"|"unprocessed", ...}
    ASSIGN_OR_RETURN(std::string s, OptString(*st, "state", p + "status."));
    if (s.empty()) {  // RV11: "`` is not active, ..." before
      return Bad(p + "status.state", "missing (API v2's status object says active, suppressed or unprocessed)");
    }
    if (s != "active" && s != "suppressed" && s != "unprocessed") {
      return Bad(p + "status.state", "`" + s + "` is not active, suppressed or unprocessed");
    }
    a.state = AlertState::kFiring;  // the API lists unresolved alerts only; endsAt: as above
  } else {
    return Bad(p + "status", "expected \"firing\" or \"resolved\" (or API v2's {\"state\": \"active\"}), got " +
                                 TypeName(*st));
  }
  a.explanation = Json{{"source", options.source}, {"generator_url", generator}};
  return a;
}

Result<AlertmanagerWebhook> ParseAlertmanagerWebhookJson(const Json& j) {
  if (!j.is_object()) return Bad("body", "expected a JSON object (an Alertmanager webhook), got " + TypeName(j));
  AlertmanagerWebhook w;
  ASSIGN_OR_RETURN(w.version, OptString(j, "version", ""));
  if (!w.version.empty() && w.version != "4") {
    return Bad("version", "`" + w.version + "` (this reader knows webhook version 4)");
  }
  ASSIGN_OR_RETURN(w.group_key, OptString(j, "groupKey", ""));
  ASSIGN_OR_RETURN(w.status, OptString(j, "status", ""));
  if (!w.status.empty() && w.status != "firing" && w.status != "resolved") {
    return Bad("status", "`" + w.status + "` is neither firing nor resolved");
  }
  ASSIGN_OR_RETURN(w.receiver, OptString(j, "receiver", ""));
  ASSIGN_OR_RETURN(w.external_url, OptString(j, "externalURL", ""));
  if (auto t = j.find("truncatedAlerts"); t != j.end() && !t->is_null()) {
    if (!t->is_number_integer() || t->get<int64_t>() < 0) {
      return Bad("truncatedAlerts", "expected a count >= 0, got " + t->dump());
    }
    w.truncated_alerts = t->get<int64_t>();
  }
  ASSIGN_OR_RETURN(w.group_labels, OptLabels(j, "groupLabels", ""));
  ASSIGN_OR_RETURN(w.common_labels, OptLabels(j, "commonLabels", ""));
  ASSIGN_OR_RETURN(w.common_annotations, OptLabels(j, "commonAnnotations", ""));
  auto alerts = j.find("alerts");
  if (alerts == j.end() || alerts->is_null()) return Bad("alerts", "missing (a webhook carries an array of alerts)");
  if (!alerts->is_array()) return Bad("alerts", "expected an array, got " + TypeName(*alerts));
  ReadAlerts(*alerts, "alerts", w);
  return w;
}

namespace {

// A webhook body's JSON, once BodyText has read it.
Result<AlertmanagerWebhook> ParseWebhookValue(const Json& j, const AlertmanagerLimits& limits,
                                              std::vector<std::string> notes) {
  if (j.is_object()) {
    if (auto a = j.find("alerts"); a != j.end() && a->is_array() && a->size() > limits.max_alerts) {
      return ResourceExhaustedError("alerts: " + std::to_string(a->size()) + " alerts, more than the limit of " +
                                    std::to_string(limits.max_alerts));
    }
  }
  ASSIGN_OR_RETURN(AlertmanagerWebhook w, ParseAlertmanagerWebhookJson(j));
  w.notes = std::move(notes);
  return w;
}

}  // namespace

Result<AlertmanagerWebhook> ParseAlertmanagerWebhook(std::string_view body, const AlertmanagerLimits& limits) {
  std::string storage;
  std::vector<std::string> notes;
  ASSIGN_OR_RETURN(std::string_view text, BodyText(body, limits, storage, notes));
  ASSIGN_OR_RETURN(Json j, ParseJson(text, "body"));
  return ParseWebhookValue(j, limits, std::move(notes));
}

Result<AlertmanagerWebhook> ParseAlertmanagerInput(std::string_view body, const AlertmanagerLimits& limits) {
  std::string storage;
  std::vector<std::string> notes;
  ASSIGN_OR_RETURN(std::string_view text, BodyText(body, limits, storage, notes));
  ASSIGN_OR_RETURN(Json j, ParseJson(text, "body"));
  if (j.is_object() && j.contains("alerts")) return ParseWebhookValue(j, limits, std::move(notes));
  AlertmanagerWebhook w;
  w.notes = std::move(notes);
  if (j.is_object()) {
    ASSIGN_OR_RETURN(Alert a, ParseAlertmanagerAlert(j, ""));
    w.alerts.push_back(std::move(a));
    return w;
  }
  if (!j.is_array()) {
    return Bad("body", "expected an Alertmanager webhook, an alert object or an array of alerts, got " + TypeName(j));
  }
  if (j.size() > limits.max_alerts) {
    return ResourceExhaustedError("body: " + std::to_string(j.size()) + " alerts, more than the limit of " +
                                  std::to_string(limits.max_alerts));
  }
  ReadAlerts(j, "", w);
  return w;
}

}  // namespace vigil
