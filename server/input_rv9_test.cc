// RV9 (2026-12-06): serve's input: a case POSTed to /api/v1/diagnose, read by the case reader of
// `vigil diagnose --case` (agents/case.cc ParseCase).
#include <doctest/doctest.h>

#include <string>

#include "agents/case.h"
#include "server/http_api_testing.h"

namespace vigil {
namespace {

Json Answer(const httplib::Result& r) {
  REQUIRE(r);
  auto j = ParseJson(r->body, "response");
  REQUIRE_MESSAGE(j.ok(), r->body);
  return *j;
}

// The diagnosis of serve (cmd_serve.cc MakeCaseDiagnoser) as far as reading goes: the real case reader.
void ReadCases(HttpApiOptions& o) {
  o.diagnose = [](const Json& body) -> Result<Json> {
    ASSIGN_OR_RETURN(DiagnosisCase c, ParseCase(body, "request body"));
    return Json{{"case_id", c.id}, {"logs", c.logs.size()}, {"notes", c.notes}};
  };
}

}  // namespace

TEST_CASE("rv9 HttpApi: a case with `log` for `logs` is refused, `where` naming the field") {
  TestServer s(100, true, 64 * 1024, 10, 5, nullptr, ReadCases);
  auto c = s.Client();
  const std::string alert = R"("alert": {"labels": {"alertname": "GpuXid"}, "startsAt": "2026-12-06T10:00:00Z"})";
  auto ok = c.Post("/api/v1/diagnose", "{" + alert + R"(, "logs": [{"source": "n1", "lines": ["x"]}]})",
                   "application/json");
  REQUIRE(ok);
  CHECK(ok->status == 200);
  // Was 200, diagnosed from the alert alone: the log silently dropped.
  auto typo = c.Post("/api/v1/diagnose", "{" + alert + R"(, "log": [{"source": "n1", "lines": ["x"]}]})",
                     "application/json");
  REQUIRE(typo);
  CHECK(typo->status == 400);
  const Json a = Answer(typo);
  CHECK(a["where"] == "body.log");
  CHECK(a["error"] ==
        "request body: log: unknown field; known here: id, alert, logs, metrics, probes, topology, expected");
  auto item = c.Post("/api/v1/diagnose", "{" + alert + R"(, "logs": [{"source": "n1", "line": ["x"]}]})",
                     "application/json");
  CHECK(Answer(item)["where"] == "body.logs[0].line");
  // A message naming no field: the body.
  CHECK(Answer(c.Post("/api/v1/diagnose", R"({"id": "x"})", "application/json"))["where"] == "body");
}

TEST_CASE("rv9 HttpApi: an alert starting before 1970 is refused naming startsAt, not stored without a start") {
  TestServer s;
  auto c = s.Client();
  auto body = [](const std::string& starts) {
    std::string fingerprint = "f";  // appended: GCC 12's -Wrestrict misfires on "f" + std::string
    fingerprint += starts.substr(0, 4);
    return Json{{"version", "4"},
                {"alerts", Json::array({Json{{"labels", {{"alertname", "GpuXid"}, {"Hostname", "node-3"}}},
                                             {"startsAt", starts},
                                             {"fingerprint", fingerprint}}})}}
        .dump();
  };
  // Was 200 and stored; the list then showed the incident with `starts_at: null`.
  const Json a = Answer(c.Post("/api/v1/alerts", body("1000-01-01T00:00:00Z"), "application/json"));
  CHECK(a["where"] == "body.alerts[0].startsAt");
  CHECK(a["error"].get<std::string>().find("is not after 1970-01-01T00:00:00Z") != std::string::npos);
  CHECK(s.store->List("", 10)->empty());
  auto ok = c.Post("/api/v1/alerts", body("2026-12-06T10:00:00Z"), "application/json");
  REQUIRE(ok);
  CHECK(ok->status == 200);
  const Json list = Answer(c.Get("/api/v1/incidents"));
  REQUIRE(list["incidents"].size() == 1);
  CHECK(list["incidents"][0]["starts_at"] == "2026-12-06T10:00:00Z");
}

}  // namespace vigil
