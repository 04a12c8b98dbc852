// The round-13 reviews' open items (issue 7 follow-up, engineer M5): a probe's captured stderr is no
// error message, a log budget cut through tracebacks of interleaved ranks, and the order of a
// category's signatures by when the state each reports began.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"

namespace vigil {
namespace {

using testing::FactsMatching;

const std::map<std::string, std::string>& Layers() {
  static const auto* m = new std::map<std::string, std::string>{
      {"nccl_collective_hang", "communication"}, {"rank_process_crash", "communication"},
      {"ib_link_failure", "network"},            {"nvlink_error", "gpu"},
      {"gpu_fallen_off_bus", "gpu"},             {"cuda_oom", "application"}};
  return *m;
}

// Every rank that logs on h-1 reports the same watchdog timeout; `extra` lines follow.
DiagnosisCase HangCase(const std::vector<std::string>& extra = {}) {
  Json j = ParseJson(R"JSON({
    "id": "t-review13b",
    "alert": {"labels": {"alertname": "NCCLWatchdogTimeout", "job": "vlm", "node": "h-1"},
              "annotations": {"summary": "vlm: watchdog timeouts on 15 of 16 ranks"},
              "startsAt": "2026-05-19T09:53:41Z"},
    "logs": [{"source": "vlm/ranks.log", "lines": [
      "[rank0]:[E0519 09:53:16.549260000 ProcessGroupNCCL.cpp:616] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=90441, OpType=ALLREDUCE, NumelIn=268435456, NumelOut=268435456, Timeout(ms)=600000) ran for 600042 milliseconds before timing out.",
      "[rank9]:[E0519 09:53:16.556715000 ProcessGroupNCCL.cpp:616] [Rank 9] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=90441, OpType=ALLREDUCE, NumelIn=268435456, NumelOut=268435456, Timeout(ms)=600000) ran for 600051 milliseconds before timing out."]}],
    "metrics": [],
    "topology": {"nodes": ["h-1", "h-2"], "gpus_per_node": 8}
  })JSON").value();
  for (const std::string& l : extra) j["logs"][0]["lines"].push_back(l);
  auto c = ParseCase(j, "t.json");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  return *c;
}

Diagnosis DiagnoseHang(const DiagnosisCase& c, ProbeExecutor* exec,
                       const std::vector<std::pair<std::string, std::string>>& sigs = {
                           {"Watchdog caught collective operation timeout", "nccl_collective_hang"}}) {
  ReasonerOptions opts;
  opts.allow_intrusive = true;
  return BuiltinReasoner(opts).Diagnose(c, FactsMatching(c, sigs, Layers()), exec).diagnosis;
}

TEST_CASE("review 13: a NCCL test's captured stderr is no error message; an error key still is") {
  DiagnosisCase c = HangCase();
  ProbeResult r = MakeProbeResult("nccl.sendrecv", "h-1", ProbeStatus::kFail, "busbw_gb_s 4.1 below 40.0", 5.6);
  // NCCL_DEBUG=INFO prints the transport it picked on every run, healthy or not.
  r.details = Json::object(
      {{"stderr", "h-1:88121:88190 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB ; OOB eth0:10.1.0.11<0>"},
       {"interrupted", "NET/IB : Using [0]mlx5_0:1/IB"}});
  testing::RecordedExecutor exec;
  exec.results["nccl.sendrecv@h-1"] = r;
  Diagnosis d = DiagnoseHang(c, &exec);
  CHECK(exec.asked.count("nccl.sendrecv@h-1"));
  // Before: any key containing "err" was read ("stderr", "interrupted"): "NET/IB" named the IB link.
  CHECK(d.root_cause != "ib_link_failure");
  // Keys that name an error, however spelled, are still read.
  // An acronym before the word ("NCCLError", "lastNVMLError") is split from it as in camel case:
  // before, only a lower-to-upper change split words, so these keys were not read.
  for (const char* key : {"error", "lastError", "nvml_error_gpu3", "errmsg", "Message", "error_context_1", "NCCLError",
                          "lastNVMLError", "XIDErrors", "CUDAErrorMsg"}) {
    const std::string key_text = key;
    CAPTURE(key_text);
    r.details = Json::object({{key, "NET/IB: IBV_WC_RETRY_EXC_ERR(12) on mlx5_1 to h-2"}});
    testing::RecordedExecutor named;
    named.results["nccl.sendrecv@h-1"] = r;
    Diagnosis e = DiagnoseHang(c, &named);
    CHECK(e.root_cause == "ib_link_failure");
    CHECK(e.component == "h-1/mlx5_1");
  }
}

CaseLog Numbered(const std::string& source, const std::vector<std::string>& text) {
  CaseLog log;
  log.source = source;
  for (size_t i = 0; i < text.size(); ++i) log.lines.push_back({i + 1, text[i]});
  return log;
}

CaseLog Keep(const CaseLog& log, size_t head, size_t tail) {
  CaseLog kept;
  kept.source = log.source;
  for (const LogLine& l : log.lines) {
    if (l.number <= head || l.number + tail > log.lines.size()) kept.lines.push_back(l);
  }
  return kept;
}

TEST_CASE("review 13: a cut through the tracebacks of ranks that interleave states each writer's own range") {
  std::vector<std::string> text;
  for (int i = 0; i < 4; ++i) text.push_back("[rank3]: iteration " + std::to_string(i) + " lm loss 2.31");
  std::vector<std::string> mixed = {
      "[rank3]: Traceback (most recent call last):",                             // 5
      "[rank5]: Traceback (most recent call last):",                             // 6
      "[rank3]:   File \"/workspace/train.py\", line 10, in <module>",           // 7
      "[rank5]:   File \"/workspace/train.py\", line 10, in <module>",           // 8
      "[rank5]: torch.distributed.DistBackendError: NCCL error in: ProcessGroupNCCL.cpp:1970",  // 9
      "[rank3]:   File \"/workspace/model.py\", line 20, in forward",            // 10
      "[rank3]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB",  // 11
  };
  text.insert(text.end(), mixed.begin(), mixed.end());
  for (int i = 0; i < 19; ++i) text.push_back("[rank0]: waiting for the job to end " + std::to_string(i));
  CaseLog log = Numbered("n-1/ranks.log", text);
  REQUIRE(log.lines.size() == 30);
  // Lines 1-7 and 25-30 kept.
  std::vector<std::string> notes = TracebackCutNotes(log, Keep(log, 7, 6));
  INFO(Json(notes).dump(1));
  // Before: one note, "lines 5-9; 3 of 5 read" — rank 5's exception line ended rank 3's traceback.
  REQUIRE(notes.size() == 2);
  CHECK(notes[0] ==
        "log budget: source n-1/ranks.log: the cut falls inside a Python traceback (lines 5-11; 2 of 4 read; its "
        "exception line was not read)");
  CHECK(notes[1] ==
        "log budget: source n-1/ranks.log: the cut falls inside a Python traceback (lines 6-9; 1 of 3 read; its "
        "exception line was not read)");
  // A chained traceback of one writer is one traceback, noted once.
  CaseLog chained = Numbered("n-1/rank3.log", {"[rank3]: step 1", "[rank3]: Traceback (most recent call last):",
                                               "[rank3]:   File \"a.py\", line 1, in f",
                                               "[rank3]: During handling of the above exception, another exception occurred:",
                                               "[rank3]: Traceback (most recent call last):",
                                               "[rank3]:   File \"b.py\", line 2, in g",
                                               "[rank3]: RuntimeError: boom", "[rank3]: step 2", "[rank3]: step 3"});
  notes = TracebackCutNotes(chained, Keep(chained, 3, 2));
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].find("(lines 2-7; 2 of 6 read;") != std::string::npos);
}

TEST_CASE("review 13: of one category's signatures, the one whose state began first leads") {
  // A watchdog printed at 09:53:16 about a collective that "ran for 600042 milliseconds" (begun
  // 09:43:16) and a progress line printed at 09:48:00: the hang the watchdog reports began first.
  DiagnosisCase c = HangCase({"[rank9]:[E0519 09:48:00.000000000 ProcessGroupNCCL.cpp:1400] [Rank 9] collective "
                              "SeqNum=90441 made no progress for 300 s"});
  Diagnosis d = DiagnoseHang(c, nullptr,
                             {{"Watchdog caught collective operation timeout", "nccl_collective_hang"},
                              {"made no progress for", "nccl_collective_hang"}});
  const Evidence* watchdog = nullptr;
  const Evidence* progress = nullptr;
  for (const Evidence& e : d.evidence) {
    if (e.kind != EvidenceKind::kLog || e.weight <= 0) continue;
    if (e.detail.find("Watchdog caught") != std::string::npos && watchdog == nullptr) watchdog = &e;
    if (e.detail.find("made no progress") != std::string::npos && progress == nullptr) progress = &e;
  }
  REQUIRE(watchdog != nullptr);
  REQUIRE(progress != nullptr);
  // Before: groups were ordered by the line's own time (09:48:00 first), observations by onset.
  CHECK(watchdog->weight > progress->weight);
}

}  // namespace
}  // namespace vigil
