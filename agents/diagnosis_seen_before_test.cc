// A log whose lines all match signatures cites the team's own past incidents that show the same
// line (KB3, 2026-12-04; diagnosis_agent.cc, SeenBefore).
#include <doctest/doctest.h>

#include <string>

#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"

namespace vigil {
namespace {

constexpr const char* kWatchdogLine =
    "2026-11-02T02:40:11Z node-17 [rank 5] [E ProcessGroupNCCL.cpp:475] Watchdog caught collective operation "
    "timeout: WorkNCCL(SeqNum=88, OpType=ALLREDUCE, Timeout(ms)=1800000) ran for 1800391 milliseconds before timing out.";

// The pack's kind of entry: a log signature, the category, the generic fix.
Incident PackHang() {
  Incident i;
  i.id = "pack-nccl-hang";
  i.title = "NCCL watchdog timeout: a collective hung";
  i.log_signatures = {"Watchdog caught collective operation timeout"};
  i.root_cause = "nccl_collective_hang";
  i.mitigation = "find the rank missing from the collective";
  i.source = "pack:communication";
  return i;
}

// A postmortem the team imported: no signature of its own, the line in its text.
Incident TeamPostmortem() {
  Incident i;
  i.id = "postmortem:2026-11-02-stall";
  i.title = "6-hour stall of the 1024-GPU pretrain";
  i.raw_text = "## Summary\nEvery rank waited in ncclAllReduce until the NCCL watchdog killed the job:\n"
               "`Watchdog caught collective operation timeout`.\n## Root cause\nAn InfiniBand link on "
               "leaf switch ib-leaf-14 degraded.\n";
  i.root_cause = "unknown";
  i.mitigation = "Drained the two nodes behind ib-leaf-14 port 31,\nreplaced the transceiver";
  i.source = "postmortems/2026-11-02-stall.md";
  return i;
}

// Another team incident sharing words with the line but not its signature.
Incident TeamOther() {
  Incident i;
  i.id = "inc-77";
  i.title = "checkpoint upload timeout to the object store";
  i.raw_text = "rank 5 operation timeout while uploading the checkpoint; ran for 1800 milliseconds";
  i.root_cause = "storage_failure";
  i.mitigation = "retry the upload";
  i.source = "jira";
  return i;
}

Result<DiagnosisReport> DiagnoseLog(const KnowledgeBase& kb, const std::string& line) {
  DiagnosisCase c;
  c.id = "log:job.log";
  CaseLog log;
  log.source = "job.log";
  log.lines.push_back({1, line});
  log.original_lines = 1;
  c.logs.push_back(log);
  DiagnosisAgentOptions o;
  o.kb = &kb;
  return DiagnosisAgent(o).Diagnose(c, nullptr);
}

const Evidence* Cited(const Diagnosis& d, const std::string& id) {
  for (const Evidence& e : d.evidence) {
    if (e.source == "kb:" + id) return &e;
  }
  return nullptr;
}

TEST_CASE("a log whose lines all match signatures cites the team's past incident showing the same line") {
  auto kb = testing::KbWith({PackHang(), TeamPostmortem(), TeamOther()});
  auto r = DiagnoseLog(*kb, kWatchdogLine);
  REQUIRE(r.ok());
  const Diagnosis& d = r->diagnosis;
  CHECK(d.root_cause == "nccl_collective_hang");
  const Evidence* seen = Cited(d, "postmortem:2026-11-02-stall");
  REQUIRE(seen != nullptr);
  CHECK(seen->weight == 0);  // context: the diagnosis is not moved by it
  CHECK(seen->kind == EvidenceKind::kKnowledge);
  CHECK(seen->detail.find("similar past incident: 6-hour stall of the 1024-GPU pretrain "
                          "(postmortems/2026-11-02-stall.md)") == 0);
  CHECK(seen->detail.find("its text shows `Watchdog caught collective operation timeout`") != std::string::npos);
  CHECK(seen->detail.find("fixed then: Drained the two nodes behind ib-leaf-14 port 31, replaced the transceiver") !=
        std::string::npos);
  // The pack's own entry is the signature, not a past incident; a team incident sharing words
  // without the signature is not cited.
  CHECK(Cited(d, "pack-nccl-hang") == nullptr);
  CHECK(Cited(d, "inc-77") == nullptr);
  // The same log without the team's postmortem: nothing cited, the same answer.
  auto pack_only = testing::KbWith({PackHang(), TeamOther()});
  auto r2 = DiagnoseLog(*pack_only, kWatchdogLine);
  REQUIRE(r2.ok());
  CHECK(r2->diagnosis.root_cause == d.root_cause);
  CHECK(r2->diagnosis.confidence == d.confidence);
  for (const Evidence& e : r2->diagnosis.evidence) CHECK(!e.source.starts_with("kb:"));
}

TEST_CASE("a team incident whose own log signature matched the log is cited with its fix") {
  Incident own = TeamPostmortem();
  own.raw_text = "the job stalled";
  own.log_signatures = {"Watchdog caught collective operation timeout"};
  own.root_cause = "ib_link_failure";
  auto kb = testing::KbWith({own});
  auto r = DiagnoseLog(*kb, kWatchdogLine);
  REQUIRE(r.ok());
  const Evidence* seen = Cited(r->diagnosis, own.id);
  REQUIRE(seen != nullptr);
  CHECK(seen->detail.find("cause then: ib_link_failure") != std::string::npos);
  CHECK(seen->detail.find("its log signature `Watchdog caught collective operation timeout` matched this log") !=
        std::string::npos);
}

}  // namespace
}  // namespace vigil
