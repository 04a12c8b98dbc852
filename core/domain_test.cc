#include "core/domain.h"

#include <doctest/doctest.h>

namespace vigil {
namespace {

Diagnosis SampleDiagnosis() {
  Diagnosis d;
  d.root_cause = "nvlink_error";
  d.component = "node-3/gpu5";
  d.confidence = 0.93;
  d.summary = "NVLink CRC errors on gpu5";
  Evidence e;
  e.id = "e1";
  e.kind = EvidenceKind::kProbe;
  e.source = "probe gpu.health@node-3/gpu5";
  e.detail = "nvlink_crc_errors=1532 > 0";
  e.value = 1532;
  e.supports = {"nvlink_error"};
  d.evidence.push_back(e);
  d.hypotheses.push_back({"nvlink_error", "node-3/gpu5", 0.93, HypothesisStatus::kConfirmed, "CRC rising", {"e1"}});
  d.hypotheses.push_back({"straggler_rank", "node-3", 0.05, HypothesisStatus::kRefuted, "", {}});
  d.steps.push_back({"s1", "run_probe", "gpu.health@node-3/gpu5", {}, 2.0, 2.1, "fail"});
  d.planned_s = 2.1;
  d.sequential_s = 2.1;
  d.mitigation = "drain node-3, reseat NVLink bridge";
  d.unverified = {"nccl.p2p_matrix: probe unavailable"};
  return d;
}

TEST_CASE("diagnosis JSON round trip keeps every field") {
  Diagnosis d = SampleDiagnosis();
  Json j = d;
  CHECK(j["verification"]["planned_s"] == 2.1);
  CHECK(j["hypotheses"][0]["status"] == "confirmed");
  Diagnosis back = FromJson<Diagnosis>(j).value();
  CHECK(Json(back) == j);
}

TEST_CASE("incident and alert round trip") {
  Incident inc;
  inc.id = "inc-1";
  inc.title = "Training hang on node-3";
  inc.status = IncidentStatus::kDiagnosed;
  inc.log_signatures = {"Watchdog caught collective operation timeout"};
  Alert a;
  a.rule = "StepTimeHigh";
  a.labels = {{"job", "llm"}, {"rank", "5"}};
  a.state = AlertState::kFiring;
  a.explanation = Json{{"expr", "x > 3"}, {"value", 4.2}};
  inc.alerts.push_back(a);
  inc.diagnosis = SampleDiagnosis();
  Json j = inc;
  Incident back = FromJson<Incident>(j).value();
  CHECK(Json(back) == j);
  CHECK(back.alerts[0].state == AlertState::kFiring);
}

TEST_CASE("bad JSON gives InvalidArgument naming the problem") {
  auto missing = FromJson<Diagnosis>(Json{{"component", "x"}}, "case.json");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == StatusCode::kInvalidArgument);
  CHECK(missing.status().message().find("case.json") == 0);
  CHECK(missing.status().message().find("root_cause") != std::string::npos);
  auto bad_enum = FromJson<Alert>(Json{{"rule", "r"}, {"state", "burning"}});
  REQUIRE_FALSE(bad_enum.ok());
  CHECK(bad_enum.status().message().find("accepted: inactive, pending, firing, resolved") != std::string::npos);
  auto wrong_type = FromJson<Hypothesis>(Json{{"category", 5}});
  CHECK_FALSE(wrong_type.ok());
}

TEST_CASE("ParseJson reports line and column") {
  auto r = ParseJson("{\n  \"a\": 1,\n  \"b\": }", "x.json");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("x.json: line 3") == 0);
  // The place once (before 2026-12-02, DOG: "x.json: line 3, column 8: parse error at line 3, column
  // 8: syntax error ..."), and an empty input said to be empty.
  CHECK(r.status().message().rfind("x.json: line 3, column 8: syntax error while parsing value - ", 0) == 0);
  CHECK(r.status().message().find("parse error at") == std::string::npos);
  auto e = ParseJson(" \n", "body");
  REQUIRE_FALSE(e.ok());
  CHECK(e.status().message() == "body: line 2, column 1: empty: no JSON value in it");
}

TEST_CASE("ParseJson: nesting deeper than 512 levels is an error with its place; 512 parses; brackets in strings do not count") {
  // Found by tests/fuzz/input_fuzz under ASan: a case topology 200,000 arrays deep parsed, then
  // crashed `vigil diagnose` when the case was copied (nlohmann's copy recurses per level).
  const std::string ok = std::string(512, '[') + std::string(512, ']');
  CHECK(ParseJson(ok, "x.json").ok());
  const std::string deep = "{\"t\":\n" + std::string(200000, '[') + std::string(200000, ']') + "}";
  auto r = ParseJson(deep, "x.json");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  CHECK(r.status().message() == "x.json: line 2, column 512: arrays and objects nested deeper than 512 levels");
  const std::string in_string = "{\"s\": \"" + std::string(2000, '[') + "\\\"{{{\"}";
  auto s = ParseJson(in_string, "x.json");
  CHECK_MESSAGE(s.ok(), s.status().message());
}

TEST_CASE("DumpJson: bytes that are not UTF-8 become U+FFFD instead of an exception; valid text is unchanged") {
  // A log line cut inside a character ("\xc3" of "é") made nlohmann's dump() throw on the whole
  // report; every document leaving the process goes through DumpJson.
  Json j = {{"line", std::string("caf\xc3")}, {"ok", "é"}};
  CHECK_THROWS(j.dump());
  CHECK(DumpJson(j) == "{\"line\":\"caf\xef\xbf\xbd\",\"ok\":\"é\"}");
  CHECK(DumpJson(Json{{"a", 1}}, 2) == "{\n  \"a\": 1\n}");
  CHECK(JsonTooDeepMessage() == "arrays and objects nested deeper than 512 levels");
}

TEST_CASE("ParseJson: a number beyond double's range is an error with its place, not an exception") {
  auto r = ParseJson("{\n  \"samples\": [[1, 2],\n    [3, 1e999]]}", "case.json");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  CHECK(r.status().message() == "case.json: line 3, column 9: number overflow parsing '1e999'");
  CHECK_FALSE(ParseJson("-1e999", "x").ok());
  CHECK(ParseJson("1e308", "x").ok());
}

TEST_CASE("ReadFile: a folder is an error saying so, not an empty file") {
  // Before, an ifstream on a folder opened and read nothing: `rules check DIR` said "no rules
  // found", a json path naming a folder said "empty document".
  auto r = ReadFile("/tmp");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("/tmp is a folder") != std::string::npos);
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  auto j = ReadJsonFile("/tmp");
  REQUIRE_FALSE(j.ok());
  CHECK(j.status().message().find("is a folder") != std::string::npos);
}

}  // namespace
}  // namespace vigil
