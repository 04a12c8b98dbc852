// RV6: serve's log is one line per entry (core/logging.h says so), whatever a webhook sends. Its
// lines echo what senders wrote: alert names, label values, a refused field's value, the receiver
// and groupKey. Before, a label value holding a newline wrote a line of the sender's choosing into
// the log (`GpuXid\n2026-12-06T00:00:00.000Z E serve: ...`: a forged entry) and an ESC rewrote the
// reader's terminal; each of those bytes is now written escaped (\n, \x1b).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/logging.h"
#include "server/http_api_testing.h"

namespace vigil {

TEST_CASE("rv6 logging: a message's control characters are written escaped, one line per entry") {
  std::vector<std::string> lines;
  SetLogSink([&](std::string_view l) { lines.emplace_back(l); });
  LogWarn("serve", "incident 7 (GpuXid\n2026-12-06T00:00:00.000Z E serve: forged) \x1b[2J\ttab\r");
  SetLogSink(nullptr);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].find('\n') == std::string::npos);
  CHECK(lines[0].find('\x1b') == std::string::npos);
  CHECK(lines[0].find("incident 7 (GpuXid\\n2026-12-06T00:00:00.000Z E serve: forged) \\x1b[2J\\ttab\\r") !=
        std::string::npos);
}

TEST_CASE("rv6 HttpApi: what a webhook sends reaches the log escaped, never as a line of its own") {
  LogCapture log;
  const std::string forged = "\n2026-12-06T00:00:00.000Z E serve: forged\x1b[2J";
  {
    TestServer s;
    auto c = s.Client();
    // One alert read, one refused (its startsAt): 207, the refusal logged with the value it names.
    const Json partly{{"version", "4"},
                      {"alerts", Json::array({Json{{"labels", {{"alertname", "GpuXid"}, {"Hostname", "node-1"}}}},
                                              Json{{"labels", {{"alertname", "GpuXid"}, {"Hostname", "node-2"}}},
                                                   {"startsAt", "yesterday" + forged}}})}};
    REQUIRE(c.Post("/api/v1/alerts", partly.dump(), "application/json")->status == 207);
    // Nothing read: 400, the "refused" line names the version.
    const Json refused{{"version", "3" + forged}, {"alerts", Json::array()}};
    REQUIRE(c.Post("/api/v1/alerts", refused.dump(), "application/json")->status == 400);
    // A fingerprint re-sent with other labels: the store's warning names the labels.
    const Json first{{"version", "4"},
                     {"alerts", Json::array({Json{{"labels", {{"alertname", "GpuXid"}, {"Hostname", "node-7"}}},
                                                  {"startsAt", "2026-12-06T10:00:00Z"},
                                                  {"fingerprint", "aaaa000000000007"}}})}};
    REQUIRE(c.Post("/api/v1/alerts", first.dump(), "application/json")->status == 200);
    Json again = first;
    again["alerts"][0]["labels"]["Hostname"] = "node-8" + forged;
    REQUIRE(c.Post("/api/v1/alerts", again.dump(), "application/json")->status == 200);
  }
  log.Stop();
  size_t echoed = 0;
  for (const std::string& l : log.Lines()) {
    INFO(l);
    CHECK(l.find('\n') == std::string::npos);
    CHECK(l.find('\x1b') == std::string::npos);
    if (l.find("\\n2026-12-06T00:00:00.000Z E serve: forged\\x1b[2J") != std::string::npos) ++echoed;
  }
  CHECK(echoed >= 3);  // the 207's refusal, the 400's, the relabeled warning: each said, escaped
}

}  // namespace vigil
