// Alertmanager webhook payloads: a recorded-format payload (written by hand from the v4 format of
// Alertmanager's notify/webhook package), a resolved alert, and every kind of bad input naming its
// field. tests/diagnose_alert_prometheus_test.sh parses a webhook a real Alertmanager sent.
#include "connectors/alertmanager.h"

#include <doctest/doctest.h>

#include <string>

#include "core/time_util.h"

namespace vigil {
namespace {

// As Alertmanager 0.25 posts it (fields in its order; times with nanoseconds).
const char* kWebhook = R"({
  "receiver": "vigil",
  "status": "firing",
  "alerts": [
    {
      "status": "firing",
      "labels": {"alertname": "GpuThermalThrottle", "Hostname": "node-3", "gpu": "5",
                 "job": "dcgm-exporter", "severity": "critical"},
      "annotations": {"summary": "GPU 5 on node-3 is thermally throttled", "runbook_url": "http://wiki/thermal"},
      "startsAt": "2026-12-01T01:02:03.123456789Z",
      "endsAt": "0001-01-01T00:00:00Z",
      "generatorURL": "http://prom:9090/graph?g0.expr=DCGM_FI_DEV_GPU_TEMP+%3E+85&g0.tab=1",
      "fingerprint": "a1b2c3d4e5f60718"
    },
    {
      "status": "resolved",
      "labels": {"alertname": "GpuThermalThrottle", "Hostname": "node-4", "gpu": "0", "severity": "critical"},
      "annotations": {},
      "startsAt": "2026-12-01T00:40:00Z",
      "endsAt": "2026-12-01T01:55:00.5+01:00",
      "generatorURL": "",
      "fingerprint": "0011223344556677"
    }
  ],
  "groupLabels": {"alertname": "GpuThermalThrottle"},
  "commonLabels": {"alertname": "GpuThermalThrottle", "severity": "critical"},
  "commonAnnotations": {},
  "externalURL": "http://alertmanager:9093",
  "version": "4",
  "groupKey": "{}:{alertname=\"GpuThermalThrottle\"}",
  "truncatedAlerts": 0
})";

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  size_t at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

std::string ErrorOf(std::string_view body) {
  auto w = ParseAlertmanagerWebhook(body);
  REQUIRE_FALSE(w.ok());
  return w.status().message();
}

// A webhook whose one alert is bad: that alert alone is refused (its reason and error), the other
// one is read. Returns the error.
std::string RefusedOf(std::string_view body, size_t bad, const std::string& reason) {
  auto w = ParseAlertmanagerWebhook(body);
  REQUIRE_MESSAGE(w.ok(), w.status().message());
  REQUIRE(w->refused.size() == 1);
  CHECK(w->refused[0].index == bad);
  CHECK(w->refused[0].reason == reason);
  REQUIRE(w->alerts.size() == 1);
  CHECK(w->alerts[0].fingerprint == (bad == 0 ? "0011223344556677" : "a1b2c3d4e5f60718"));
  return w->refused[0].error;
}

TEST_CASE("alertmanager webhook v4: every field read, firing and resolved alerts") {
  auto w = ParseAlertmanagerWebhook(kWebhook);
  REQUIRE(w.ok());
  CHECK(w->version == "4");
  CHECK(w->receiver == "vigil");
  CHECK(w->status == "firing");
  CHECK(w->external_url == "http://alertmanager:9093");
  CHECK(w->group_key == "{}:{alertname=\"GpuThermalThrottle\"}");
  CHECK(w->group_labels.at("alertname") == "GpuThermalThrottle");
  CHECK(w->common_labels.at("severity") == "critical");
  REQUIRE(w->alerts.size() == 2);
  const Alert& a = w->alerts[0];
  CHECK(a.rule == "GpuThermalThrottle");
  CHECK(a.severity == "critical");
  CHECK(a.state == AlertState::kFiring);
  CHECK(a.labels.at("Hostname") == "node-3");
  CHECK(a.annotations.at("summary") == "GPU 5 on node-3 is thermally throttled");
  CHECK(a.starts_at_ms == *ParseRfc3339Ms("2026-12-01T01:02:03.123Z"));
  CHECK(a.active_at_ms == a.starts_at_ms);
  CHECK(a.ends_at_ms == 0);  // Go's zero time: unset
  CHECK(a.fingerprint == "a1b2c3d4e5f60718");
  CHECK(AlertGeneratorUrl(a) == "http://prom:9090/graph?g0.expr=DCGM_FI_DEV_GPU_TEMP+%3E+85&g0.tab=1");
  const Alert& r = w->alerts[1];
  CHECK(r.state == AlertState::kResolved);
  CHECK(r.ends_at_ms == *ParseRfc3339Ms("2026-12-01T00:55:00.5Z"));
  CHECK(AlertGeneratorUrl(r).empty());
}

TEST_CASE("alertmanager webhook: bad input is an error naming the field") {
  CHECK(ErrorOf("{\"alerts\": [").find("body") != std::string::npos);
  CHECK(ErrorOf("[1, 2]").find("body: expected a JSON object") == 0);
  CHECK(ErrorOf("{\"version\": \"4\"}") == "alerts: missing (a webhook carries an array of alerts)");
  CHECK(ErrorOf("{\"alerts\": {}}") == "alerts: expected an array, got an object");
  CHECK(ErrorOf(Replace(kWebhook, "\"version\": \"4\"", "\"version\": 4")) == "version: expected a string, got a number");
  CHECK(ErrorOf(Replace(kWebhook, "\"version\": \"4\"", "\"version\": \"3\"")).find("version: `3`") == 0);
  CHECK(ErrorOf(Replace(kWebhook, "\"commonLabels\": {", "\"commonLabels\": {\"n\": 5, "))
        == "commonLabels.n: expected a string, got a number (a value is text: write \"5\")");
}

// RVU2 (2026-12-04): one bad alert refused the whole group (400), and Alertmanager does not resend a
// 4xx, so the group's good alerts were lost. Each per-alert defect now refuses that alert only.
TEST_CASE("alertmanager webhook: a bad alert is refused alone, naming it; the others are read") {
  CHECK(RefusedOf(Replace(kWebhook, "\"alertname\": \"GpuThermalThrottle\", \"Hostname\": \"node-4\"",
                          "\"Hostname\": \"node-4\""), 1, "alertname") == "alerts[1].labels: no `alertname` label");
  CHECK(RefusedOf(Replace(kWebhook, "\"alertname\": \"GpuThermalThrottle\", \"Hostname\": \"node-3\"",
                          "\"alertname\": \"\", \"Hostname\": \"node-3\""), 0, "alertname") == "alerts[0].labels.alertname: empty");
  CHECK(RefusedOf(Replace(kWebhook, "\"labels\": {\"alertname\": \"GpuThermalThrottle\", \"Hostname\": \"node-4\", \"gpu\": \"0\", \"severity\": \"critical\"},", ""),
                  1, "alertname") == "alerts[1].labels: missing (an alert needs at least `alertname`)");
  CHECK(RefusedOf(Replace(kWebhook, "\"labels\": {\"alertname\": \"GpuThermalThrottle\", \"Hostname\": \"node-4\", \"gpu\": \"0\", \"severity\": \"critical\"}",
                          "\"labels\": \"oops\""), 1, "labels") == "alerts[1].labels: expected an object of strings, got a string");
  CHECK(RefusedOf(Replace(kWebhook, "\"startsAt\": \"2026-12-01T00:40:00Z\"", "\"startsAt\": \"yesterday\""), 1, "startsAt")
            .find("alerts[1].startsAt: not an RFC 3339 time: invalid timestamp `yesterday`") == 0);
  // A space for the `T` and no zone: read as UTC before (OPS3); refused, naming both faults.
  CHECK(RefusedOf(Replace(kWebhook, "\"startsAt\": \"2026-12-01T00:40:00Z\"", "\"startsAt\": \"2026-12-03 02:20:00\""), 1, "startsAt")
        == "alerts[1].startsAt: `2026-12-03 02:20:00` is not an RFC 3339 time: a space between date and time "
           "(write `T`) and no time zone (end it with `Z` or an offset such as `+02:00`); e.g. 2026-12-03T02:20:00Z");
  CHECK(RefusedOf(Replace(kWebhook, "\"startsAt\": \"2026-12-01T00:40:00Z\"", "\"startsAt\": \"2026-12-01T00:40:00\""), 1, "startsAt")
            .find("alerts[1].startsAt: `2026-12-01T00:40:00` is not an RFC 3339 time: no time zone") == 0);
  CHECK(RefusedOf(Replace(kWebhook, "\"startsAt\": \"2026-12-01T00:40:00Z\"", "\"startsAt\": \"2026-12-01 00:40:00Z\""), 1, "startsAt")
            .find("alerts[1].startsAt: `2026-12-01 00:40:00Z` is not an RFC 3339 time: a space between date and time (write `T`);") == 0);
  CHECK(ParseAlertmanagerWebhook(Replace(kWebhook, "\"startsAt\": \"2026-12-01T00:40:00Z\"",
                                         "\"startsAt\": \"2026-12-01T01:40:00+01:00\""))->refused.empty());
  CHECK(RefusedOf(Replace(kWebhook, "\"startsAt\": \"2026-12-01T00:40:00Z\"", "\"startsAt\": 1764549600"), 1, "startsAt")
        == "alerts[1].startsAt: expected a string, got a number");
  CHECK(RefusedOf(Replace(kWebhook, "\"gpu\": \"5\"", "\"gpu\": 5"), 0, "labels") == "alerts[0].labels.gpu: expected a string, got a number (a value is text: write \"5\")");
  CHECK(RefusedOf(Replace(kWebhook, "\"annotations\": {}", "\"annotations\": []"), 1, "annotations")
        == "alerts[1].annotations: expected an object of strings, got an array");
  CHECK(RefusedOf(Replace(kWebhook, "\"status\": \"resolved\"", "\"status\": \"done\""), 1, "status")
        == "alerts[1].status: `done` is neither firing nor resolved");
  CHECK(RefusedOf(Replace(kWebhook, "\"status\": \"resolved\"", "\"status\": 7"), 1, "status")
        == R"(alerts[1].status: expected "firing" or "resolved" (or API v2's {"state": "active"}), got a number)");
  CHECK(RefusedOf(Replace(kWebhook, "\"generatorURL\": \"\"", "\"generatorURL\": false"), 1, "generatorURL")
        == "alerts[1].generatorURL: expected a string, got a boolean");
  CHECK(RefusedOf(Replace(kWebhook, "\"0011223344556677\"", "17"), 1, "fingerprint")
        == "alerts[1].fingerprint: expected a string, got a number");
  CHECK(RefusedOf(Replace(kWebhook, "0011223344556677", "a1b2c3d4e5f60718"), 1, "duplicate_fingerprint")
        == "alerts[1].fingerprint: `a1b2c3d4e5f60718` also at alerts[0] (duplicate fingerprint)");
  CHECK(RefusedOf(Replace(kWebhook, "\"endsAt\": \"2026-12-01T01:55:00.5+01:00\"", "\"endsAt\": \"2026-11-30T00:00:00Z\""), 1, "endsAt")
            .find("alerts[1].endsAt: 2026-11-30T00:00:00Z is before startsAt") == 0);
  // Not an object at all: refused alone too.
  Json j = Json::parse(kWebhook);
  j["alerts"][1] = "GpuThermalThrottle on node-4";
  CHECK(RefusedOf(j.dump(), 1, "not_an_object") == "alerts[1]: expected an alert object, got a string");
  // Every alert bad: the webhook is read, all of them refused (the caller says nothing was usable).
  j["alerts"][0] = 42;
  auto none = ParseAlertmanagerWebhook(j.dump());
  REQUIRE(none.ok());
  CHECK(none->alerts.empty());
  REQUIRE(none->refused.size() == 2);
  CHECK(none->refused[0].error == "alerts[0]: expected an alert object, got a number");
  // A refused alert keeps no fingerprint slot: a later alert with a duplicate of a refused one's is read.
  Json dup = Json::parse(kWebhook);
  dup["alerts"][0]["labels"].erase("alertname");
  dup["alerts"][1]["fingerprint"] = "a1b2c3d4e5f60718";
  auto w = ParseAlertmanagerWebhook(dup.dump());
  REQUIRE(w.ok());
  CHECK(w->alerts.size() == 1);
  CHECK(w->refused.size() == 1);
}

TEST_CASE("alertmanager webhook: what spoils the whole body is an error") {
  CHECK(ErrorOf(Replace(kWebhook, "\"truncatedAlerts\": 0", "\"truncatedAlerts\": -1")).find("truncatedAlerts") == 0);
  // Non-UTF-8: the byte offset of the bad sequence.
  std::string latin1 = Replace(kWebhook, "thermally", "th\xe9rmally");
  CHECK(ErrorOf(latin1) == "body: not valid UTF-8 at byte " + std::to_string(latin1.find('\xe9')));
  // gzip-compressed (no Content-Encoding header, or a saved .json.gz): named as such (DOG5; before,
  // "body: not valid UTF-8 at byte 1"). The first bytes of `printf '{}' | gzip`.
  CHECK(ErrorOf(std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xab\xae\x05\x00", 14)) ==
        "body: gzip-compressed data (it starts with gzip's bytes 1f 8b), not JSON text: post it with the header "
        "`Content-Encoding: gzip`, or decompress it first (`zcat FILE | vigil diagnose --alert -`)");
  // UTF-16 (PowerShell's `>` / Out-File; with a byte order mark or without): read as the UTF-8 it
  // converts to, losslessly, and said in `notes` (RVU2; refused before, and before that RVU's finding:
  // "not valid UTF-8 at byte 0" with a BOM, a JSON syntax error without one).
  auto utf16 = [](std::string_view ascii, bool bom, bool little = true) {
    std::string out = bom ? std::string(little ? "\xFF\xFE" : "\xFE\xFF") : std::string();
    for (char c : ascii) {
      out += little ? c : '\0';
      out += little ? '\0' : c;
    }
    return out;
  };
  for (bool bom : {true, false}) {
    for (bool little : {true, false}) {
      CAPTURE(bom);
      CAPTURE(little);
      auto w16 = ParseAlertmanagerWebhook(utf16(kWebhook, bom, little));
      REQUIRE_MESSAGE(w16.ok(), w16.status().message());
      CHECK(w16->alerts.size() == 2);
      CHECK(w16->alerts[0].annotations.at("summary") == "GPU 5 on node-3 is thermally throttled");
      REQUIRE(w16->notes.size() == 1);
      CHECK(w16->notes[0] == std::string("body: UTF-16") + (little ? "LE" : "BE") + " text (" +
                                 (bom ? "byte order mark" : "no byte order mark") + "), read as UTF-8");
      auto in16 = ParseAlertmanagerInput(utf16(R"({"labels": {"alertname": "XidError"}})", bom, little));
      REQUIRE_MESSAGE(in16.ok(), in16.status().message());
      CHECK(in16->alerts[0].rule == "XidError");
      CHECK(in16->notes.size() == 1);
    }
  }
  CHECK(ParseAlertmanagerWebhook(kWebhook)->notes.empty());
  // Not valid UTF-16: refused naming the byte (an odd length; a lone surrogate), with the way out.
  CHECK(ErrorOf(utf16(kWebhook, true) + "x") ==
        "body: UTF-16LE text (byte order mark), not valid UTF-16 at byte " + std::to_string(2 + 2 * std::string(kWebhook).size()) +
            ": an odd number of bytes (" + std::to_string(3 + 2 * std::string(kWebhook).size()) +
            "), the last one is half a code unit: save it as UTF-8, e.g. `iconv -f UTF-16 -t UTF-8`, or Out-File -Encoding utf8");
  std::string lone = utf16(R"({"alerts": [], "receiver": "x"})", true);
  lone[lone.size() - 6] = '\x3D';  // the unit of `x`: D83D, a high surrogate with `"` after it
  lone[lone.size() - 5] = '\xD8';
  CHECK(ErrorOf(lone).find("body: UTF-16LE text (byte order mark), not valid UTF-16 at byte " +
                           std::to_string(lone.size() - 6) + ": a high surrogate (D83D) not followed by a low one") == 0);
  // Twin: a valid UTF-8 body with a NUL escaped in a string is no UTF-16.
  CHECK(ParseAlertmanagerWebhook(Replace(kWebhook, "thermally", "therm\\u0000ally")).ok());
  // Huge bodies: refused before parsing.
  AlertmanagerLimits small;
  small.max_body_bytes = 100;
  auto big = ParseAlertmanagerWebhook(kWebhook, small);
  REQUIRE_FALSE(big.ok());
  CHECK(big.status().code() == StatusCode::kResourceExhausted);
  CHECK(big.status().message().find("more than the limit of 100") != std::string::npos);
  AlertmanagerLimits one;
  one.max_alerts = 1;
  auto many = ParseAlertmanagerWebhook(kWebhook, one);
  REQUIRE_FALSE(many.ok());
  CHECK(many.status().message() == "alerts: 2 alerts, more than the limit of 1");
}

// DEF5 (2026-12-03): an alert sent without `fingerprint` (amtool, Grafana's webhook, a script) got a
// fingerprint of vigil's own (the alertname mixed in twice, a wrong FNV offset), so the same alert
// coming through Alertmanager was a second incident. The values below are what a real Alertmanager
// (Debian's prometheus-alertmanager 0.25) answered on GET /api/v2/alerts for these label sets
// POSTed to it; tests/serve_alertmanager_test.sh compares with a running one too.
TEST_CASE("alertmanager: a missing fingerprint is computed as Alertmanager computes it (DEF5)") {
  struct Known {
    const char* labels;
    const char* fingerprint;
  };
  for (const Known& k : {Known{R"({"alertname":"GpuXidError","Hostname":"node-3","gpu":"5","xid":"79","severity":"critical"})",
                               "5ef07fd7b76a54cc"},
                         Known{R"({"alertname":"NodeDown","instance":"gpu-07.cluster.local:9100","job":"node","zone":"\u00fc"})",
                               "ad72b6433234125c"},
                         Known{R"({"alertname":"A"})", "d2c6efc389df0927"}}) {
    CAPTURE(k.labels);
    const std::string body = std::string(R"({"version":"4","status":"firing","alerts":[{"status":"firing","labels":)") +
                             k.labels + R"(,"startsAt":"2026-12-03T22:00:00Z"}]})";
    auto w = ParseAlertmanagerWebhook(body);
    REQUIRE(w.ok());
    CHECK(w->alerts[0].fingerprint == k.fingerprint);
    // The same from /api/v2/alerts' shape with no fingerprint (vigil diagnose --alert).
    auto one = ParseAlertmanagerInput(std::string(R"({"labels":)") + k.labels + "}");
    REQUIRE(one.ok());
    CHECK(one->alerts[0].fingerprint == k.fingerprint);
  }
  // A fingerprint that is sent is kept as sent.
  auto w = ParseAlertmanagerWebhook(
      R"({"version":"4","alerts":[{"status":"firing","labels":{"alertname":"A"},"fingerprint":"0123456789abcdef"}]})");
  REQUIRE(w.ok());
  CHECK(w->alerts[0].fingerprint == "0123456789abcdef");
}

TEST_CASE("alertmanager input: a webhook, one alert object or an array of alerts") {
  auto w = ParseAlertmanagerInput(kWebhook);
  REQUIRE(w.ok());
  CHECK(w->alerts.size() == 2);
  // One alert as POSTed to /api/v2/alerts: no status, no fingerprint (computed, stable).
  const char* one = R"({"labels": {"alertname": "XidError", "Hostname": "node-1"}, "startsAt": "2026-12-01T01:00:00Z"})";
  auto a = ParseAlertmanagerInput(one);
  REQUIRE(a.ok());
  REQUIRE(a->alerts.size() == 1);
  CHECK(a->alerts[0].rule == "XidError");
  CHECK(a->alerts[0].state == AlertState::kFiring);
  CHECK(a->alerts[0].fingerprint.size() == 16);
  CHECK(ParseAlertmanagerInput(one)->alerts[0].fingerprint == a->alerts[0].fingerprint);
  // Without a status string an endsAt that has passed does not make the alert resolved: Prometheus
  // sends every firing alert with endsAt = now + 4 x max(eval interval, resend delay) ("valid
  // until"), so the same firing alert read from a file minutes later has an endsAt in the past.
  const char* sent = R"({"labels": {"alertname": "XidError"}, "startsAt": "2026-12-01T01:00:00Z", "endsAt": "2026-12-01T01:10:00Z"})";
  auto firing = ParseAlertmanagerInput(sent);
  REQUIRE(firing.ok());
  CHECK(firing->alerts[0].state == AlertState::kFiring);
  CHECK(firing->alerts[0].ends_at_ms == *ParseRfc3339Ms("2026-12-01T01:10:00Z"));  // kept: triage says it passed
  // GET /api/v2/alerts (amtool alert query -o json) lists unresolved alerts only, each with the
  // endsAt Prometheus last sent: active when fetched, whenever it is read.
  const char* listed = R"([{"labels": {"alertname": "XidError", "Hostname": "node-1"}, "status": {"state": "active",
      "silencedBy": [], "inhibitedBy": []}, "startsAt": "2026-12-01T01:00:00Z", "endsAt": "2026-12-01T01:04:00Z",
      "updatedAt": "2026-12-01T01:00:00Z", "receivers": [{"name": "vigil"}], "fingerprint": "9f2c"}])";
  auto active = ParseAlertmanagerInput(listed);
  REQUIRE(active.ok());
  CHECK(active->alerts[0].state == AlertState::kFiring);
  CHECK(active->alerts[0].fingerprint == "9f2c");
  // GET /api/v2/alerts elements: status is an object.
  auto arr = ParseAlertmanagerInput(R"([{"labels": {"alertname": "A"}, "status": {"state": "active"}, "fingerprint": "1"},
                                       {"labels": {"alertname": "B"}, "status": {"state": "gone"}, "fingerprint": "2"}])");
  REQUIRE(arr.ok());  // the bad one refused alone, as in a webhook (RVU2)
  REQUIRE(arr->alerts.size() == 1);
  CHECK(arr->alerts[0].rule == "A");
  REQUIRE(arr->refused.size() == 1);
  CHECK(arr->refused[0].index == 1);
  CHECK(arr->refused[0].reason == "status");
  CHECK(arr->refused[0].error == "[1].status.state: `gone` is not active, suppressed or unprocessed");
  // A webhook given to --alert: the same.
  auto hook = ParseAlertmanagerInput(Replace(kWebhook, "\"status\": \"resolved\"", "\"status\": \"done\""));
  REQUIRE(hook.ok());
  CHECK(hook->alerts.size() == 1);
  REQUIRE(hook->refused.size() == 1);
  CHECK(hook->refused[0].error == "alerts[1].status: `done` is neither firing nor resolved");
  auto bad = ParseAlertmanagerInput(R"({"labels": {"alertname": ""}})");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == "labels.alertname: empty");
  auto scalar = ParseAlertmanagerInput("42");
  REQUIRE_FALSE(scalar.ok());
  CHECK(scalar.status().message().find("body: expected an Alertmanager webhook, an alert object or an array") == 0);
}

}  // namespace
}  // namespace vigil

namespace vigil {

// DEF6: what vigil before DEF5 computed for an alert without `fingerprint`, kept to recognise it in
// stores that vigil wrote. The values are the output of that code (ecf96fa^:connectors/alertmanager.cc
// Fnv1aHex) compiled on its own for these label sets.
TEST_CASE("alertmanager: PreDef5Fingerprint is the fingerprint vigil computed before DEF5") {
  const Labels xid = {{"alertname", "GpuXidError"}, {"Hostname", "node-3"}, {"gpu", "5"}, {"xid", "79"},
                      {"severity", "critical"}};
  CHECK(PreDef5Fingerprint("GpuXidError", xid) == "bf3466a154fdac4e");
  CHECK(PreDef5Fingerprint("A", {{"alertname", "A"}}) == "64db7e9e40756195");
  CHECK(AlertmanagerFingerprint(xid) == "5ef07fd7b76a54cc");  // what replaced it (Alertmanager 0.25's)
}

}  // namespace vigil
