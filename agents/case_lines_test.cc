#include "agents/case_lines.h"

#include <doctest/doctest.h>

#include "core/utf8.h"

namespace vigil {
namespace {

TEST_CASE("case lines: a case file's long line of two-byte characters is cut whole, with the note") {
  CaseLimits limits;
  limits.max_line_bytes = 7;  // "ééé" is 6 bytes, a fourth "é" would end at byte 8
  Json j = Json::parse(R"({"id": "x", "logs": [{"source": "n1/rank0", "lines": ["ok", "éééééé"]}]})");
  auto c = ParseCase(j, "x.json", limits);
  REQUIRE(c.ok());
  REQUIRE(c->logs.size() == 1);
  REQUIRE(c->logs[0].lines.size() == 2);
  const std::string& cut = c->logs[0].lines[1].text;
  CHECK(IsValidUtf8(cut));  // resize(7) left half an "é": invalid UTF-8 in the evidence
  CHECK(cut == "ééé");
  CHECK(c->logs[0].lines[1].number == 2);
  REQUIRE(c->notes.size() == 1);
  CHECK(c->notes[0] == "1 log lines longer than 7 bytes were cut to that length");
}

TEST_CASE("case lines: the line limit counts over every source; dropped lines are noted, numbers kept") {
  CaseLimits limits;
  limits.max_lines = 3;
  CaseLineBudget budget(limits);
  CaseLog a, b;
  budget.Add(a, 1, "a1");
  budget.Add(a, 2, "a2");
  budget.Add(b, 5, "b5");
  budget.Add(b, 6, "b6");
  budget.Add(b, 7, "b7");
  CHECK(a.lines.size() == 2);
  REQUIRE(b.lines.size() == 1);
  CHECK(b.lines[0].number == 5);
  CHECK(budget.held() == 3);
  CHECK(budget.dropped() == 2);
  CHECK(budget.cut() == 0);
  std::vector<std::string> notes;
  budget.AppendNotes(notes);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0] == "2 log lines beyond the load limit of 3 lines were not read");
}

TEST_CASE("case lines: nothing cut or dropped means no note") {
  CaseLineBudget budget(CaseLimits{});
  CaseLog log;
  budget.Add(log, 1, "NCCL WARN Call to ibv_poll_cq failed");
  std::vector<std::string> notes;
  budget.AppendNotes(notes);
  CHECK(notes.empty());
  CHECK(log.lines.size() == 1);
}

}  // namespace
}  // namespace vigil
