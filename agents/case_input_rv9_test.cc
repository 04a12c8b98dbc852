// RV9 (2026-12-06): how a case's input is read (agents/case.cc ParseCase): fields the reader does
// not know, and times and numbers it read wrong.
#include "agents/case.h"

#include <doctest/doctest.h>

namespace vigil {
namespace {

Json Case() {
  return Json::parse(R"({"id": "x", "alert": {"labels": {"alertname": "GpuXid"}, "startsAt": "2026-12-06T10:00:00Z"},
    "logs": [{"source": "n1/kern", "lines": ["NVRM: Xid (PCI:0000:1b:00): 79, GPU has fallen off the bus"]}],
    "metrics": [{"name": "up", "labels": {}, "samples": [[1796551200000, 1]]}],
    "probes": {}, "topology": null, "expected": {"root_cause": "gpu_fell_off_bus", "component": "n1/gpu0"}})");
}

std::string Refusal(const Json& j) {
  auto c = ParseCase(j, "t.json");
  return c.ok() ? std::string("(read)") : c.status().message();
}

TEST_CASE("rv9 case: an unknown field is refused, named with the fields known there") {
  REQUIRE(ParseCase(Case(), "t.json").ok());
  // `log` for `logs`: was diagnosed without the log, silently.
  Json j = Case();
  j["log"] = j["logs"];
  j.erase("logs");
  CHECK(Refusal(j) == "t.json: log: unknown field; known here: id, alert, logs, metrics, probes, topology, expected");
  j = Case();
  j["logs"][0]["line"] = j["logs"][0]["lines"];
  CHECK(Refusal(j) == "t.json: logs[0].line: unknown field; known here: source, lines");
  j = Case();
  j["metrics"][0]["sample"] = Json::array({Json::array({1765015300000, 2})});
  CHECK(Refusal(j) == "t.json: metrics[0].sample: unknown field; known here: name, labels, samples");
  j = Case();
  j["alert"]["label"] = Json{{"gpu", "3"}};
  CHECK(Refusal(j).rfind("t.json: alert.label: unknown field; known here: labels, annotations, startsAt", 0) == 0);
  j = Case();
  j["expected"]["rootcause"] = "x";
  CHECK(Refusal(j) == "t.json: expected.rootcause: unknown field; known here: root_cause, component");
}

TEST_CASE("rv9 case: an alert written as a webhook payload reads; its other alerts are noted as not read") {
  Json j = Case();
  j["alert"]["receiver"] = "oncall";
  j["alert"]["status"] = "firing";
  j["alert"]["endsAt"] = "0001-01-01T00:00:00Z";
  j["alert"]["alerts"] = Json::array({j["alert"]["labels"], j["alert"]["labels"]});
  auto c = ParseCase(j, "t.json");
  REQUIRE(c.ok());
  bool noted = false;
  for (const std::string& n : c->notes) noted = noted || n.rfind("alert.alerts: the 2 alerts of the webhook payload", 0) == 0;
  CHECK(noted);
}

TEST_CASE("rv9 case: an alert's startsAt at or before 1970 is refused; Go's zero time is no start") {
  Json j = Case();
  j["alert"]["startsAt"] = "1000-01-01T00:00:00Z";  // was read, starts_at_ms < 0: "no start" downstream
  // RV11: the webhook's reader's words (one reader of an alert, connectors/alert_reader.h).
  CHECK(Refusal(j) == "t.json: alert.startsAt: `1000-01-01T00:00:00Z` is not after 1970-01-01T00:00:00Z (unix time 0); "
                      "e.g. 2026-12-03T02:20:00Z");
  j["alert"]["startsAt"] = "1970-01-01T00:00:00Z";
  CHECK(Refusal(j).find("is not after 1970-01-01T00:00:00Z") != std::string::npos);
  j["alert"]["startsAt"] = "0001-01-01T00:00:00Z";
  j["alert"]["fingerprint"] = "abc";
  auto c = ParseCase(j, "t.json");
  REQUIRE(c.ok());
  CHECK(c->alert->starts_at_ms == 0);
  CHECK(c->alert->fingerprint == "abc");
}

TEST_CASE("rv9 case: a metric timestamp that is no whole number of milliseconds, or in seconds, is refused") {
  auto with = [](const char* samples) {
    Json j = Case();
    j["metrics"][0]["samples"] = Json::parse(samples);
    return Refusal(j);
  };
  CHECK(with("[[1796551200000, 1], [1796551260000.0, 2]]") == "(read)");  // a whole number written as a float
  // Were converted: 1e30 to INT64_MIN (undefined), 2^64-1 to -1, a fraction cut.
  CHECK(with("[[1e30, 1]]") == "t.json: metrics[0].samples[0]: timestamp 1e+30 is not a whole number of unix "
                               "milliseconds (unix seconds? multiply by 1000)");
  CHECK(with("[[18446744073709551615, 1]]").find("samples[0]: timestamp 18446744073709551615 is not a whole") !=
        std::string::npos);
  CHECK(with("[[1796551200000, 1], [1796551200.5, 2]]").find("samples[1]: timestamp 1796551200.5 is not") !=
        std::string::npos);
  // Unix seconds of the alert's day: was read as January 1970.
  CHECK(with("[[1796551140, 1], [1796551200, 2]]") ==
        "t.json: metrics[0].samples: timestamps in unix seconds (the last, 1796551200, is 2026-12-06T10:00:00Z as "
        "seconds); give unix milliseconds");
  // Small test times far from the alert are not seconds of its day: read as before.
  CHECK(with("[[1000, 1], [61000, 2]]") == "(read)");
}

TEST_CASE("rv9 case: a result recorded for a probe no catalog has is noted as not read, the nearest named") {
  Json j = Case();
  j["probes"]["gpu.heath@n1/gpu0"] = Json{{"status", "fail"}};  // never asked for: was left out unsaid
  auto c = ParseCase(j, "t.json");
  REQUIRE(c.ok());
  REQUIRE(c->notes.size() == 1);
  CHECK(c->notes[0] == "probes.\"gpu.heath@n1/gpu0\": not read: unknown probe `gpu.heath`, did you mean "
                       "`gpu.health`? (`vigil probe list` shows them)");
  j["probes"].erase("gpu.heath@n1/gpu0");
  j["probes"]["gpu.health@n1/gpu0"] = Json{{"status", "fail"}};
  c = ParseCase(j, "t.json");
  REQUIRE(c.ok());
  CHECK(c->notes.empty());
}

}  // namespace
}  // namespace vigil
