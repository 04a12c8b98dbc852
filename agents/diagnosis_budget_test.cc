// The log budget on enormous logs (issue 7, "Bad input: enormous logs"): the case is cut to the
// line and byte budgets, every line a signature matches is kept wherever it sits, and the cut is
// stated, in total and per source.
#include <cstdio>

#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"

namespace vigil {
namespace {

using testing::KbWith;
using testing::OomIncident;
using testing::RecordedExecutor;

// A case whose rank log holds `noise` routine lines and then the OOM, plus a journal of
// `journal` lines whose first one matches the signature too.
DiagnosisCase HugeCase(size_t noise, size_t journal = 2) {
  Json journal_lines = Json::array({"python[4242]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.00 GiB"});
  for (size_t i = 1; i < journal; ++i) journal_lines.push_back("systemd[1]: Started Session " + std::to_string(i) + ".");
  Json lines = Json::array();
  for (size_t i = 0; i < noise; ++i) {
    lines.push_back("[2026-03-18 10:00:00] worker " + std::to_string(i % 97) + " heartbeat, queue depth " +
                    std::to_string(i % 13) + ", samples consumed " + std::to_string(1000 * i));
  }
  lines.push_back("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB (GPU 5)");
  Json j = {{"id", "huge"},
            {"alert", {{"labels", {{"alertname", "TrainingJobFailed"}, {"node", "node-2"}}},
                       {"annotations", {{"summary", "job exited"}}},
                       {"startsAt", "2026-03-18T10:05:00Z"}}},
            {"logs", Json::array({Json{{"source", "node-2/rank13/stderr"}, {"lines", lines}},
                                  Json{{"source", "node-2/journal"}, {"lines", journal_lines}}})}};
  auto c = ParseCase(j, "huge.json");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  return *c;
}

std::vector<std::string> BudgetNotes(const Diagnosis& d) {
  std::vector<std::string> out;
  for (const std::string& u : d.unverified) {
    if (u.rfind("log budget", 0) == 0) out.push_back(u);
  }
  return out;
}

TEST_CASE("log budget: a signature line at the end of a huge log is found, and the cut is stated per source") {
  auto kb = KbWith({OomIncident()});
  RecordedExecutor exec;
  DiagnosisAgentOptions o;
  o.kb = kb.get();
  o.log_line_budget = 2'000;
  DiagnosisCase c = HugeCase(30'000, 400);
  auto r = DiagnosisAgent(o).Diagnose(c, &exec);
  REQUIRE(r.ok());
  CHECK(r->diagnosis.root_cause == "cuda_oom");
  bool cites_last = false;
  for (const Evidence& e : r->diagnosis.evidence) cites_last = cites_last || e.source == "node-2/rank13/stderr:30001";
  CHECK(cites_last);
  std::vector<std::string> notes = BudgetNotes(r->diagnosis);
  INFO(Json(notes).dump(1));
  REQUIRE(notes.size() == 2);  // the total, and the one source that was cut (not the journal)
  size_t kept = 0, total = 0;
  REQUIRE(std::sscanf(notes[0].c_str(), "log budget: kept %zu of %zu lines", &kept, &total) == 2);
  CHECK(total == 30'401);
  CHECK(kept <= 2'000);  // the tail's share may overlap the kept signature line
  CHECK(kept >= 1'990);
  CHECK(notes[0].find("all 2 lines matching a signature kept") != std::string::npos);
  // The journal (400 lines, at most half the budget) is read whole, its matching first line
  // included; the cut falls on the long log alone.
  CHECK(notes[1] == "log budget: source node-2/rank13/stderr: 30001 lines, kept " + std::to_string(kept - 401) +
                        " (head and tail) + 1 matching a signature");
  bool journal_cited = false;
  for (const Evidence& e : r->diagnosis.evidence) journal_cited = journal_cited || e.source == "node-2/journal:1";
  CHECK(journal_cited);
}

TEST_CASE("log budget: the byte budget cuts lines that fit the line budget; under both budgets nothing is cut") {
  auto kb = KbWith({OomIncident()});
  RecordedExecutor exec;
  DiagnosisAgentOptions o;
  o.kb = kb.get();
  o.log_line_budget = 1'000'000;
  o.log_byte_budget = 64 << 10;
  DiagnosisCase c = HugeCase(5'000);  // ~80 bytes a line: ~400 KB
  auto r = DiagnosisAgent(o).Diagnose(c, &exec);
  REQUIRE(r.ok());
  CHECK(r->diagnosis.root_cause == "cuda_oom");
  std::vector<std::string> notes = BudgetNotes(r->diagnosis);
  INFO(Json(notes).dump(1));
  REQUIRE(notes.size() == 2);
  size_t kept = 0, total = 0, kept_bytes = 0, total_bytes = 0;
  REQUIRE(std::sscanf(notes[0].c_str(), "log budget: kept %zu of %zu lines, %zu of %zu bytes", &kept, &total, &kept_bytes,
                      &total_bytes) == 4);
  CHECK(total == 5'003);  // the 2-line journal is read whole, the rank log is cut
  CHECK(kept_bytes <= (64u << 10));
  CHECK(kept_bytes > (48u << 10));  // the budget is used, not just respected
  CHECK(total_bytes > (256u << 10));
  CHECK(kept < total);

  o.log_byte_budget = 4u << 20;
  auto whole = DiagnosisAgent(o).Diagnose(c, &exec);
  REQUIRE(whole.ok());
  CHECK(BudgetNotes(whole->diagnosis).empty());
  CHECK(whole->diagnosis.root_cause == "cuda_oom");
}

}  // namespace
}  // namespace vigil
