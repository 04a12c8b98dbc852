#include "agents/case_lines.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <vector>

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

namespace vigil {
namespace {

// tqdm's bar as a job's stderr holds it: one line of `\r` updates, the loader slowing to a stall.
std::string TqdmLine(int states) {
  std::string line;
  for (int i = 0; i < states; ++i) {
    const double rate = i + 1 < states ? 7.5 : 0.02;
    char buf[96];
    std::snprintf(buf, sizeof buf, "\rEpoch 3:  %3d%%|####      | %d/%d [01:%02d<02:10, %.2fit/s]", i * 100 / states, i,
                  states, i % 60, rate);
    line += buf;
  }
  return line;
}

TEST_CASE("rv10 case lines: a progress bar's line of carriage returns is read in its last state, noted") {
  // Was: the line as written, every state oldest first, and past max_line_bytes (4,096) only the
  // oldest: the stall's 0.02 it/s never read.
  const std::string bar = TqdmLine(300);
  REQUIRE(bar.size() > CaseLimits{}.max_line_bytes);
  Json j = Json{{"id", "x"}, {"logs", Json::array({Json{{"source", "n1/rank0"}, {"lines", {"start", bar}}}})}};
  auto c = ParseCase(j, "x.json");
  REQUIRE(c.ok());
  REQUIRE(c->logs[0].lines.size() == 2);
  const std::string& read = c->logs[0].lines[1].text;
  CHECK(read == "Epoch 3:   99%|####      | 299/300 [01:59<02:10, 0.02it/s]");
  CHECK(c->notes == std::vector<std::string>{
                        "1 log lines rewrote themselves with carriage returns (a progress bar): each was read in its "
                        "last state, as a terminal shows it"});
  // A short one too (the reasoner read its first rate before); a trailing CR or blank last state
  // leaves the last state that shows; a line without CR is as it was.
  CaseLineBudget budget(CaseLimits{});
  CaseLog log;
  budget.Add(log, 1, "\r 10%|#   | 1/10 [9.1it/s]\r 20%|##  | 2/10 [0.3it/s]");
  budget.Add(log, 2, "loss 0.52 step 40\r");
  budget.Add(log, 3, "a\r  \t");
  budget.Add(log, 4, "plain line");
  CHECK(log.lines[0].text == " 20%|##  | 2/10 [0.3it/s]");
  CHECK(log.lines[1].text == "loss 0.52 step 40");
  CHECK(log.lines[2].text == "a");
  CHECK(log.lines[3].text == "plain line");
}

}  // namespace
}  // namespace vigil
