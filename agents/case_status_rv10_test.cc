// RV10 (2026-12-06): a case's alert `status` and `endsAt` (agents/case.cc ParseCase), as
// Alertmanager's webhook sends them with `send_resolved: true`.
#include "agents/case.h"

#include <doctest/doctest.h>

#include <string>

namespace vigil {

TEST_CASE("rv10 case: an alert with status resolved is read resolved, its end kept, and said") {
  Json j = Json::parse(R"({"id": "x", "alert": {"status": "resolved", "labels": {"alertname": "GpuXid"},
    "startsAt": "2026-12-06T10:00:00Z", "endsAt": "2026-12-06T10:05:00Z"}})");
  auto c = ParseCase(j, "t.json");
  REQUIRE(c.ok());
  REQUIRE(c->alert.has_value());
  // Was: firing (ParseAlert set firing whatever it said), no end.
  CHECK(c->alert->state == AlertState::kResolved);
  CHECK(c->alert->ends_at_ms == c->alert->starts_at_ms + 300'000);
  REQUIRE(c->notes.size() == 1);
  CHECK(c->notes[0] ==
        "alert: status resolved (ended 2026-12-06T10:05:00Z): diagnosed as of when it fired; what it names may have "
        "recovered since");
  // Firing, Go's zero endsAt (Alertmanager's "unset"), no status, API v2's status object: firing, no note.
  for (const char* alert : {R"({"status": "firing", "labels": {}, "endsAt": "0001-01-01T00:00:00Z"})",
                            R"({"labels": {}})", R"({"status": {"state": "active"}, "labels": {}})"}) {
    CAPTURE(alert);
    auto f = ParseCase(Json{{"id", "y"}, {"alert", Json::parse(alert)}}, "t.json");
    REQUIRE(f.ok());
    REQUIRE(f->alert.has_value());
    CHECK(f->alert->state == AlertState::kFiring);
    CHECK(f->alert->ends_at_ms == 0);
    CHECK(f->notes.empty());
  }
  // Another word, or another type: refused, naming the field.
  auto bad = ParseCase(Json{{"id", "z"}, {"alert", Json{{"status", "ok"}}}}, "t.json");
  CHECK(bad.status().message() == "t.json: alert.status: `ok` is neither firing nor resolved");
  auto time = ParseCase(Json{{"id", "z"}, {"alert", Json{{"endsAt", "yesterday"}}}}, "t.json");
  CHECK(time.status().message().find("alert.endsAt") != std::string::npos);
}

}  // namespace vigil
