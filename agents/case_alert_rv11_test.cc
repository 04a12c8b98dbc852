// RV11 (2026-12-06): a case file's alert and a webhook's alert read by one reader
// (connectors/alertmanager.h ParseAlertmanagerAlert): the same bad input, the same error, named by
// the case file's `alert` or by the webhook's alert index.
#include "agents/case.h"
#include "connectors/alert_reader.h"
#include "connectors/alertmanager.h"

#include <doctest/doctest.h>

#include <string>

namespace vigil {
namespace {

// `alert` (the object's fields after its labels) as a case's alert and as the webhook's second alert.
Json WithLabels(const std::string& fields) {
  return Json::parse(R"({"labels": {"alertname": "GpuXid", "Hostname": "node-3"})" +
                     (fields.empty() ? std::string() : ", " + fields) + "}");
}

// `s` after `prefix`, or `s` whole when it does not start so.
std::string After(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0 ? s.substr(prefix.size()) : s;
}

std::string CaseError(const Json& alert) {
  auto c = ParseCase(Json{{"id", "x"}, {"alert", alert}}, "t.json");
  return c.ok() ? "(read)" : c.status().message();
}

// The error of the webhook's alerts[1] (alerts[0] is good and read); "(read)" when it was read.
std::string WebhookError(const Json& alert) {
  const Json first = Json::parse(R"({"labels": {"alertname": "NodeDown", "Hostname": "node-4"}})");
  Json body{{"version", "4"}, {"status", "firing"}, {"alerts", Json::array({first, alert})}};
  auto w = ParseAlertmanagerWebhook(body.dump());
  REQUIRE(w.ok());
  CHECK(w->alerts.size() >= 1);
  if (w->refused.empty()) return "(read)";
  REQUIRE(w->refused.size() == 1);
  CHECK(w->refused[0].index == 1);
  return w->refused[0].error;
}

}  // namespace

TEST_CASE("rv11 case and webhook: a bad alert is refused by both with the same error, each naming where") {
  struct Bad {
    const char* fields;  // after the labels
    const char* error;   // after "t.json: alert." / "alerts[1]."
  };
  const Bad bad[] = {
      // A status of another type, an unknown word, API v2's object with an unknown or no state (the
      // case took any object as firing before).
      {R"("status": 3)", R"(status: expected "firing" or "resolved" (or API v2's {"state": "active"}), got a number)"},
      {R"("status": "ok")", "status: `ok` is neither firing nor resolved"},
      {R"("status": {"state": "gone"})", "status.state: `gone` is not active, suppressed or unprocessed"},
      {R"("status": {"silencedBy": []})",
       "status.state: missing (API v2's status object says active, suppressed or unprocessed)"},
      // An end before the start (the case dropped the endsAt without a word before).
      {R"("startsAt": "2026-12-06T10:00:00Z", "endsAt": "2026-12-06T09:00:00Z")",
       "endsAt: 2026-12-06T09:00:00Z is before startsAt 2026-12-06T10:00:00Z"},
      // Times that are no RFC 3339 (the case read a space and no zone as UTC before).
      {R"("startsAt": "2026-12-06T10:00:00Z", "endsAt": "yesterday")",
       "endsAt: not an RFC 3339 time: invalid timestamp `yesterday`"},
      {R"("startsAt": "2026-12-06 10:00:00")",
       "startsAt: `2026-12-06 10:00:00` is not an RFC 3339 time: a space between date and time (write `T`) and no "
       "time zone (end it with `Z` or an offset such as `+02:00`); e.g. 2026-12-03T02:20:00Z"},
      {R"("startsAt": 1765015200)", "startsAt: expected a string, got a number"},
  };
  for (const Bad& b : bad) {
    CAPTURE(b.fields);
    const Json alert = WithLabels(b.fields);
    const std::string case_error = CaseError(alert), webhook_error = WebhookError(alert);
    // The time parser's own words follow "invalid timestamp `x`"; the start is what is compared.
    CHECK(case_error.rfind(std::string("t.json: alert.") + b.error, 0) == 0);
    CHECK(webhook_error.rfind(std::string("alerts[1].") + b.error, 0) == 0);
    CHECK(After(case_error, "t.json: alert.") == After(webhook_error, "alerts[1]."));
  }
  // A label or annotation that is not a string: the case read `"gpu": 5` as "5" before.
  Json numeric = WithLabels(R"("annotations": {"summary": "Xid 79"})");
  numeric["labels"]["gpu"] = 5;
  CHECK(CaseError(numeric) == R"(t.json: alert.labels.gpu: expected a string, got a number (a value is text: write "5"))");
  CHECK(WebhookError(numeric) == R"(alerts[1].labels.gpu: expected a string, got a number (a value is text: write "5"))");
  Json nested = WithLabels("");
  nested["annotations"] = Json{{"summary", Json{{"text", "x"}}}};
  CHECK(CaseError(nested) == "t.json: alert.annotations.summary: expected a string, got an object");
  CHECK(WebhookError(nested) == "alerts[1].annotations.summary: expected a string, got an object");
}

TEST_CASE("rv11 case and webhook: a good alert reads the same; startsAt may be missing; alertname only the webhook's") {
  const Json alert = WithLabels(R"("status": "resolved", "startsAt": "2026-12-06T10:00:00Z",
      "endsAt": "2026-12-06T10:05:00Z", "generatorURL": "http://prom:9090/graph?g0.expr=up")");
  auto c = ParseCase(Json{{"id", "x"}, {"alert", alert}}, "t.json");
  auto w = ParseAlertmanagerWebhook(Json{{"alerts", Json::array({alert})}}.dump());
  REQUIRE(c.ok());
  REQUIRE(w.ok());
  REQUIRE(w->alerts.size() == 1);
  const Alert& from_case = *c->alert;
  const Alert& from_hook = w->alerts[0];
  CHECK(from_case.state == AlertState::kResolved);
  CHECK(from_case.state == from_hook.state);
  CHECK(from_case.starts_at_ms == from_hook.starts_at_ms);
  CHECK(from_case.ends_at_ms == from_hook.ends_at_ms);
  CHECK(from_case.rule == from_hook.rule);
  CHECK(from_case.labels == from_hook.labels);
  CHECK(from_case.fingerprint == from_hook.fingerprint);  // computed for both (the case left it empty)
  CHECK(AlertGeneratorUrl(from_case) == AlertGeneratorUrl(from_hook));
  CHECK(from_case.explanation["source"] == "case");
  // No startsAt: read by both (an alert as Prometheus POSTs it; serve takes the time received).
  const Json unstarted = WithLabels(R"("status": "firing")");
  auto cu = ParseCase(Json{{"id", "x"}, {"alert", unstarted}}, "t.json");
  REQUIRE(cu.ok());
  CHECK(cu->alert->starts_at_ms == 0);
  CHECK(WebhookError(unstarted) == "(read)");
  // No alertname: the webhook refuses it (the incident's rule), a case reads it (a case about some alert).
  const Json nameless = Json::parse(R"({"labels": {"Hostname": "node-3"}, "status": "firing"})");
  CHECK(WebhookError(nameless) == "alerts[1].labels: no `alertname` label");
  CHECK(CaseError(nameless) == "(read)");
  Json empty_name = nameless;
  empty_name["labels"]["alertname"] = "";
  CHECK(WebhookError(empty_name) == "alerts[1].labels.alertname: empty");
  CHECK(CaseError(empty_name) == "t.json: alert.labels.alertname: empty");
}

}  // namespace vigil
