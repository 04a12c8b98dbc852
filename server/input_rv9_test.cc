// RV9 (2026-12-06): serve's input: a case POSTed to /api/v1/diagnose, read by the case reader of
// `vigil diagnose --case` (agents/case.cc ParseCase).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/case.h"
#include "server/http_api_testing.h"

namespace vigil {
namespace {

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
  const Json a = AnswerJson(typo);
  CHECK(a["where"] == "body.log");
  CHECK(a["error"] ==
        "request body: log: unknown field; known here: id, alert, logs, metrics, probes, topology, expected");
  auto item = c.Post("/api/v1/diagnose", "{" + alert + R"(, "logs": [{"source": "n1", "line": ["x"]}]})",
                     "application/json");
  CHECK(AnswerJson(item)["where"] == "body.logs[0].line");
  // A message naming no field: the body.
  CHECK(AnswerJson(c.Post("/api/v1/diagnose", R"({"id": "x"})", "application/json"))["where"] == "body");
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
  const Json a = AnswerJson(c.Post("/api/v1/alerts", body("1000-01-01T00:00:00Z"), "application/json"));
  CHECK(a["where"] == "body.alerts[0].startsAt");
  CHECK(a["error"].get<std::string>().find("is not after 1970-01-01T00:00:00Z") != std::string::npos);
  CHECK(s.store->List("", 10)->empty());
  auto ok = c.Post("/api/v1/alerts", body("2026-12-06T10:00:00Z"), "application/json");
  REQUIRE(ok);
  CHECK(ok->status == 200);
  const Json list = AnswerJson(c.Get("/api/v1/incidents"));
  REQUIRE(list["incidents"].size() == 1);
  CHECK(list["incidents"][0]["starts_at"] == "2026-12-06T10:00:00Z");
}

TEST_CASE("rv9 HttpApi: the incidents list's cursor pages through incidents sharing one startsAt, each once") {
  TestServer s;
  auto c = s.Client();
  // Seven incidents, five of them starting at one second, in three webhooks.
  auto alert = [](int n, const std::string& starts) {
    return Json{{"labels", {{"alertname", "GpuXid"}, {"Hostname", "node-" + std::to_string(n)}}}, {"startsAt", starts}};
  };
  const std::string tie = "2026-12-06T10:00:00Z";
  for (const Json& alerts : {Json::array({alert(1, tie), alert(2, tie)}),
                             Json::array({alert(3, "2026-12-06T09:00:00Z"), alert(4, tie), alert(5, tie)}),
                             Json::array({alert(6, tie), alert(7, "2026-12-06T11:00:00Z")})}) {
    auto r = c.Post("/api/v1/alerts", Json{{"version", "4"}, {"alerts", alerts}}.dump(), "application/json");
    REQUIRE(r);
    REQUIRE(r->status == 200);
  }
  const Json all = AnswerJson(c.Get("/api/v1/incidents?limit=100"));
  REQUIRE(all["count"] == 7);
  CHECK(all.value("next", Json("absent")).is_null());
  for (const std::string& filter : std::vector<std::string>{"", "&since=" + tie + "&until=" + tie}) {
    std::vector<int64_t> want;
    for (const Json& i : all["incidents"]) {
      if (filter.empty() || i["starts_at"] == tie) want.push_back(i["id"].get<int64_t>());
    }
    for (int limit : {1, 2, 3}) {
      std::vector<int64_t> seen;
      std::string cursor;
      for (int page = 0; page < 10; ++page) {
        const Json a = AnswerJson(c.Get("/api/v1/incidents?limit=" + std::to_string(limit) + filter + cursor));
        REQUIRE(a.contains("next"));  // was absent: `count == limit` and `until` the only way on
        for (const Json& i : a["incidents"]) seen.push_back(i["id"].get<int64_t>());
        if (a["next"].is_null()) break;
        cursor = "&cursor=" + a["next"].get<std::string>();
      }
      CHECK_MESSAGE(seen == want, "limit " << limit << filter);
    }
  }
  const Json bad = AnswerJson(c.Get("/api/v1/incidents?cursor=x1"));
  CHECK(bad["where"] == "query.cursor");
}

}  // namespace vigil
