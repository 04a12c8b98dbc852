// PLC27 (2026-12-05): seen misses of realistic31 (SEEN, not blind) and DOG5's README diagnosis. General
// readers, each with cases written here in other stacks' words (nodes pz-NN, no case text of the set):
// - a Markdown document's prose is no evidence (prose_source.h): `vigil diagnose --log README.md`
//   named straggler_rank at 0.44 from "noisy neighbour" in a sentence;
// - a Slurm host range's numbers are no knowledge-search words (WithoutHostRanges, search_words.h):
//   "gpu-a100-[41-48]" read like the Xid 48 incident;
// - per-rank times summarised by rank ranges on one line name the slow group's node
//   (rank_range_times.h);
// - pack-moe-token-drop reads "dropped N% (capacity_factor F)" at 10% and over.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"
#include "agents/prose_source.h"
#include "agents/rank_range_times.h"
#include "agents/search_words.h"

namespace vigil {
namespace {

using testing::HasEvidenceWith;
using testing::ShippedPack;

// `vigil diagnose --log FILE` of one source (no alert, no metrics, no probes) through DiagnosisAgent.
Diagnosis DiagnoseLog(const std::string& source, const std::vector<std::string>& lines) {
  DiagnosisCase c;
  c.id = "plc27-log";
  c.logs.push_back(testing::CaseLogOf(source, lines));
  DiagnosisAgentOptions o;
  o.kb = &ShippedPack();
  auto r = DiagnosisAgent(o).Diagnose(c, nullptr);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return r->diagnosis;
}

// A runbook in Markdown: its prose names faults (a noisy neighbor, throttled CPUs, an Xid 79, a
// double-bit error) the way documentation does, in sentences and a table.
std::vector<std::string> Runbook(const std::string& fenced) {
  return {
      "# Slow training jobs: a runbook",
      "",
      "When a job slows down, first look for a noisy neighbor on the node, then for a cpu that is",
      "throttled by its cgroup quota, and last for hardware: an Xid 79 (fallen off the bus) or an",
      "uncorrectable double bit error (DBE) takes a GPU out and the job with it.",
      "",
      "| symptom | first check |",
      "|---|---|",
      "| NCCL watchdog timeout on every rank | the rank that did not arrive |",
      "",
      "```",
      fenced,
      "```",
      "See [the NCCL guide](nccl.md) for hangs.",
  };
}

}  // namespace

TEST_CASE("plc27 log-line shape: machine lines have one, a README's sentence has none") {
  for (const char* line : {
           "[Tue Dec  1 10:02:03 2026] NVRM: Xid (PCI:0000:89:00): 48, pid=2211, name=python, An uncorrectable double bit error",
           "Dec 01 10:02:03 dgx1-b07 kernel: mlx5_core 0000:5e:00.1 ens2f1np1: Link down",
           "rc-c02:7712:7890 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/RoCE [RO]",
           "        Remapping Failure Occurred        : Yes",
           "SymbolErrorCounter:..............7",
           "RuntimeError: CUDA error: an illegal memory access was encountered",
           "ecc.errors.uncorrected.volatile.total=2",
           "[  812.004112] pcieport 0000:40:01.1: AER: Uncorrected (Fatal) error received",
           "iteration 300 | lm loss 2.1 | grad norm 0.4",
           "WARN: tx_pause_storm_warning_events 3",
       }) {
    CHECK_MESSAGE(LineHasLogShape(line), line);
  }
  for (const char* line : {
           "of a 1-GPU job, on A100s (runs 2-5: hang, NaN loss, noisy neighbor, crash and restart, data-loader drift, FP16",
           "When a job slows down, first look for a noisy neighbor on the node, then for a cpu that is",
           "uncorrectable double bit error (DBE) takes a GPU out and the job with it.",
       }) {
    CHECK_FALSE_MESSAGE(LineHasLogShape(line), line);
  }
}

TEST_CASE("plc27 a Markdown document's prose is prose; its fenced log line is read; machine '#' headers are no document") {
  const ProseReading doc = ProseLines(testing::CaseLogOf("RUNBOOK.md", Runbook("Dec 01 10:02:03 pz-03 kernel: NVRM: Xid (PCI:0000:3b:00): 79, pid=1, name=python, GPU has fallen off the bus.")));
  REQUIRE(doc.document);
  CHECK(doc.prose[0]);    // the heading
  CHECK(doc.prose[2]);    // a sentence
  CHECK(doc.prose[7]);    // the table
  CHECK(doc.prose[10]);   // the fence
  CHECK_FALSE(doc.prose[11]);  // the fenced kernel line
  CHECK(doc.prose[13]);   // a link line
  const ProseReading comment = ProseLines(testing::CaseLogOf("rules.md", Runbook("# Uncorrectable ECC errors: any increase of the counter")));
  CHECK(comment.prose[11]);  // a fenced comment without a log line's shape
  // Near misses: tools print '#' headers (perfquery, nccl-tests, nvidia-smi dmon) - no Markdown mark beside them.
  const ProseReading perf = ProseLines(testing::CaseLogOf("pz-01/perfquery", {"# Port counters: Lid 40 port 1 (CapMask: 0x5A00)",
                                                                  "SymbolErrorCounter:..............112",
                                                                  "LinkDownedCounter:...............4"}));
  CHECK_FALSE(perf.document);
  for (bool p : perf.prose) CHECK_FALSE(p);
  const ProseReading nccl = ProseLines(testing::CaseLogOf("pz-01/nccl-tests", {"#       size    count   type   redop    root     time   algbw   busbw",
                                                                   "# Avg bus bandwidth    : 97.4"}));
  CHECK_FALSE(nccl.document);
  // A chat message of no log shape is read as before (people's words in an incident are evidence).
  const ProseReading chat = ProseLines(testing::CaseLogOf("#oncall (Slack)", {"step time doubled since noon, a noisy neighbor on pz-04?"}));
  CHECK_FALSE(chat.document);
  CHECK_FALSE(chat.prose[0]);
}

TEST_CASE("plc27 a runbook pasted as a log names no cause; the same text not in Markdown still does; a ticket's fenced Xid does") {
  // Before: the runbook's sentences matched straggler_rank (noisy neighbor, cpu throttled), the Xid 79
  // and DBE signatures, and a cause was named.
  const Diagnosis doc = DiagnoseLog("RUNBOOK.md", Runbook("$ nvidia-smi -q -d ECC"));
  CHECK(doc.root_cause == "unknown");
  bool noted = false;
  for (const std::string& u : doc.unverified) noted = noted || u.find("is a Markdown document") != std::string::npos;
  CHECK(noted);
  // Near miss: the sentence alone, in no Markdown document, is read as before.
  const Diagnosis plain = DiagnoseLog("notes.txt", {"2026-12-01 10:02 pz-03: noisy neighbor: a batch job uses 60 of 64 cores"});
  CHECK(plain.root_cause == "straggler_rank");
  // An incident ticket in Markdown with the kernel's line in a code block: the quoted log is evidence.
  const Diagnosis ticket = DiagnoseLog("INC-1234.md", Runbook("Dec 01 10:02:03 pz-03 kernel: NVRM: Xid (PCI:0000:3b:00): 79, pid=1, name=python, GPU has fallen off the bus."));
  CHECK(ticket.root_cause == "gpu_fallen_off_bus");
}

TEST_CASE("plc27 a Slurm host range's numbers are no search words") {
  CHECK(WithoutHostRanges("Nodes=h100-[11-48],v100-[1-8]") == "Nodes=h100-[     ],v100-[   ]");
  CHECK(WithoutHostRanges("NodeList=node[001-016,020] File=/dev/nvidia[0-3]") ==
        "NodeList=node[           ] File=/dev/nvidia[   ]");
  // Near misses: one number, a rank tag, a dmesg stamp, an Xid, a list after a space.
  for (const char* kept : {"cpu[48]", "[rank3]: Xid 48", "[ 41.2] kernel:", "Xid 48", "counts [41, 48]", "pz-[a-b]"}) {
    CHECK(WithoutHostRanges(kept) == kept);
  }
  // A change-log line with a host range: before, its lexical look-alike was the Xid 48 incident.
  DiagnosisCase c;
  c.logs.push_back(testing::CaseLogOf("ops/changes", {"2026-11-02 09:14 CHG-5120 slurm.conf: PartitionName=big Nodes=pz-[11-48] (nodes of the retired partition added)"}));
  auto facts = GatherKnowledge(ShippedPack(), c);
  REQUIRE(facts.ok());
  REQUIRE_FALSE(facts->line_recalls.empty());  // "retired" makes it an error-like line
  for (const auto& r : facts->line_recalls) CHECK(r.incident_id != "pack-xid-48");
}

TEST_CASE("plc27 per-rank times by rank ranges: the slow group") {
  auto one = [](const std::string& line) { return FindRankRangeSlowGroup({"step 10 ok", line}); };
  auto g = one("fwd_bwd time (s): rank 0-7: 1.21-1.24; rank 8-15: 3.9-4.1; rank 16-23: 1.22-1.25");
  REQUIRE(g);
  CHECK(g->line == 1);
  CHECK(g->first_rank == 8);
  CHECK(g->last_rank == 15);
  CHECK(g->ranks == 24);
  g = one("step time per rank group: ranks 0-3 0.91 s, ranks 4-7 0.93 s, ranks 8-11 2.40 s");
  REQUIRE(g);
  CHECK(g->first_rank == 8);
  g = one("compute ms per step: ranks 0-27 410-431 | rank 28 1210 | ranks 29-31 415-428");
  REQUIRE(g);
  CHECK(g->first_rank == 28);
  CHECK(g->last_rank == 28);
  // Near misses: waits (the slow group waits least), overlapping ranks, no group apart, two apart,
  // fewer than four ranks, no time in the line.
  CHECK_FALSE(one("allreduce wait ms: ranks 0-11 301-318 | ranks 12-15 2-5"));
  CHECK_FALSE(one("compute ms: ranks 0-11 301-318 | ranks 8-15 812-840"));
  CHECK_FALSE(one("compute ms: ranks 0-7 301-318 | ranks 8-15 330-360"));
  CHECK_FALSE(one("compute ms: ranks 0-3 812-840 | ranks 4-7 301-318 | ranks 8-11 900-950"));
  CHECK_FALSE(one("compute ms: rank 0 301 | rank 1 812"));
  CHECK_FALSE(one("tokens: ranks 0-11 301-318 | ranks 12-15 812-840"));
}

TEST_CASE("plc27 the slow rank group places the straggler on its node") {
  // Before: no reader named the slow group; straggler_rank was not placed on pz-03.
  const Diagnosis d = testing::RunCaseText(R"JSON({
    "id": "plc27-range",
    "alert": {"status": "firing", "labels": {"alertname": "JobStepTimeHigh", "job": "trainer", "severity": "warning"},
              "annotations": {"summary": "step time 2.6x the job's baseline"}, "startsAt": "2026-11-20T04:00:00Z"},
    "logs": [
      {"source": "pz-01/train.out", "lines": [
        "[2026-11-20 03:50:12] iter 1200 step 3.92 s (baseline 1.5 s)",
        "[2026-11-20 03:55:40] fwd_bwd time (s): rank 0-7: 1.21-1.24; rank 8-15: 1.22-1.25; rank 16-23: 3.9-4.1"]}],
    "metrics": [],
    "probes": {},
    "topology": {"nodes": ["pz-01", "pz-02", "pz-03"], "gpus_per_node": 8, "timezone": "UTC",
                 "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"}
  })JSON");
  CHECK(d.root_cause == "straggler_rank");
  CHECK(d.component == "pz-03");
  CHECK(HasEvidenceWith(d, "are the slow group of per-rank times"));
}

TEST_CASE("plc27 pack-moe-token-drop reads 'dropped N% (capacity_factor F)' from 10%") {
  DiagnosisCase c;
  c.logs.push_back(testing::CaseLogOf("pz-01/moe.log", {
      "[2026-11-20 03:50:12] iter 900 | router layer 5: dropped 18.2% (capacity_factor 1.0)",
      "[2026-11-20 03:50:12] layer 9 tokens dropped 11.5% at capacity_factor=1.0",
      "[2026-11-20 03:40:12] iter 800 | router layer 5: dropped 0.7% (capacity_factor 1.0)",
      "[2026-11-20 03:40:12] eth0: rx dropped 12% of packets, link capacity 100G",
  }));
  auto facts = GatherKnowledge(ShippedPack(), c);
  REQUIRE(facts.ok());
  std::vector<bool> moe(4, false);
  for (const SignatureMatch& m : facts->log_matches) {
    if (m.incident_id == "pack-moe-token-drop" && m.line_index < 4) moe[m.line_index] = true;
  }
  CHECK(moe[0]);
  CHECK(moe[1]);
  CHECK_FALSE(moe[2]);
  CHECK_FALSE(moe[3]);
}

}  // namespace vigil
