// RV6: an error's `where` names the field its message names. The webhook's errors said `"where":
// "body"` whatever field was wrong (`version: ...`, `alerts[0].labels.gpu: ...`), so a client reading
// `where` (a script, the chat page's form) learnt nothing; the list's, the resolution's and the chat's
// cut their field's name at its first `:` (`?since:=1` was "query.since", a parameter it is not).
#include <doctest/doctest.h>

#include <string>

#include "server/chat.h"
#include "server/http_api_testing.h"

namespace vigil {

TEST_CASE("rv6 HttpApi: a webhook's error says in `where` the field it names") {
  TestServer s;
  auto c = s.Client();
  auto post = [&](const std::string& body) { return AnswerJson(c.Post("/api/v1/alerts", body, "application/json")); };
  CHECK(post(R"({"version":"3","alerts":[]})")["where"] == "body.version");
  CHECK(post(R"({"version":"4","alerts":{}})")["where"] == "body.alerts");
  CHECK(post(R"({"version":"4","truncatedAlerts":-1,"alerts":[]})")["where"] == "body.truncatedAlerts");
  CHECK(post(R"({"version":"4","commonLabels":{"x":1},"alerts":[]})")["where"] == "body.commonLabels.x");
  // Its one alert unreadable: the field of that alert.
  CHECK(post(R"({"version":"4","alerts":[{"labels":{"alertname":"X","gpu":5}}]})")["where"] ==
        "body.alerts[0].labels.gpu");
  CHECK(post(R"({"version":"4","alerts":[{"labels":{"alertname":"X"},"startsAt":"yesterday"}]})")["where"] ==
        "body.alerts[0].startsAt");
  // The body as a whole: `body`, as before.
  CHECK(post(R"({"version":"4","alerts":[)")["where"] == "body");
  CHECK(post(R"([1])")["where"] == "body");
}

TEST_CASE("rv6 HttpApi: a query parameter's or a body field's name holding `:` is `where` whole") {
  TestServer s(100, true, 64 * 1024, 10, 5, [](WatchedRoutes r) { RegisterChatRoutes(r, ChatContext{}); });
  auto c = s.Client();
  const Json list = AnswerJson(c.Get("/api/v1/incidents?since:=1"));
  CHECK(list["where"] == "query.since:");
  CHECK(list["error"].get<std::string>().find("unknown query parameter `since:`") != std::string::npos);
  const Json chat = AnswerJson(c.Post("/api/v1/chat", R"({"message":"hi","incident:":1})", "application/json"));
  CHECK(chat["where"] == "incident:");
}

}  // namespace vigil
