// Round-8 tests of the built-in reasoner: where a hung collective is stuck when every logged line is
// a waiter's timeout — the rank placed by a flight-recorder line, the one of two ranks behind, the
// rank in a different op, a rank log with no timeout (a py-spy dump), a process stopped under gdb.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"

namespace vigil {
namespace {

// Knowledge as GatherKnowledge would give it: the watchdog line is the hang's signature.
KnowledgeFacts HangFacts(const DiagnosisCase& c) {
  KnowledgeFacts f;
  f.categories = {"nccl_collective_hang", "rank_process_crash"};
  f.layers = {{"nccl_collective_hang", "communication"}, {"rank_process_crash", "application"}};
  FlatLogs flat = FlattenLogs(c);
  for (size_t i = 0; i < flat.lines.size(); ++i) {
    if (flat.lines[i].find("Watchdog caught collective") != std::string::npos) {
      f.log_matches.push_back({i, flat.lines[i], "Watchdog caught", "Watchdog caught collective operation timeout",
                               "pack-hang", "nccl_collective_hang", ""});
    }
  }
  return f;
}

std::string Watchdog(int rank, long seq, const std::string& op = "ALLREDUCE") {
  return "[rank" + std::to_string(rank) + "]:[E0318 22:17:20.5 ProcessGroupNCCL.cpp:616] [Rank " + std::to_string(rank) +
         "] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=" + std::to_string(seq) + ", OpType=" + op +
         ", NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600043 milliseconds before timing out.";
}
std::string Progress(int rank, long enqueued) {
  return "[rank" + std::to_string(rank) + "]:[E0318 22:17:20.7 ProcessGroupNCCL.cpp:1785] [PG 0 (default_pg) Rank " +
         std::to_string(rank) + "] Exception (either an error or timeout) detected by watchdog at work: " +
         std::to_string(enqueued) + ", last enqueued NCCL work: " + std::to_string(enqueued) +
         ", last completed NCCL work: " + std::to_string(enqueued - 1) + ".";
}

// A two-node hang (no topology block): rank 0 on n-a and rank 9 on n-b time out; n-b's metrics
// label GPUs 0-7, so a rank whose log sits on n-b runs on GPU rank % 8.
Json HangCase(Json extra_logs) {
  Json j = ParseJson(R"JSON({
    "id": "t-hang",
    "alert": {"labels": {"alertname": "NCCLWatchdogTimeout", "job": "llm", "node": "n-a"},
              "annotations": {"summary": "collective timeout"}, "startsAt": "2026-03-18T22:20:00Z"},
    "logs": [], "metrics": [], "expected": {"root_cause": "nccl_collective_hang", "component": "n-b/gpu6"}
  })JSON").value();
  j["logs"].push_back({{"source", "n-a/rank0/stderr"}, {"lines", Json::array({Watchdog(0, 101), Progress(0, 101)})}});
  j["logs"].push_back({{"source", "n-b/rank9/stderr"}, {"lines", Json::array({Watchdog(9, 101), Progress(9, 101)})}});
  for (Json& l : extra_logs) j["logs"].push_back(l);
  for (int g = 0; g < 8; ++g) {
    j["metrics"].push_back({{"name", "DCGM_FI_DEV_GPU_UTIL"},
                            {"labels", {{"Hostname", "n-b"}, {"gpu", std::to_string(g)}}},
                            {"samples", Json::array({Json::array({1773871000000, 100}), Json::array({1773871030000, 100})})}});
  }
  return j;
}

std::string Component(const Json& j) {
  auto c = ParseCase(j, "t.json");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  Diagnosis d = BuiltinReasoner().Diagnose(*c, HangFacts(*c), nullptr).diagnosis;
  CHECK(d.root_cause == "nccl_collective_hang");
  return d.component;
}

TEST_CASE("round 8: with only waiters' timeouts the answer is a waiter (the baseline the rules below change)") {
  // RG5: ranks 0 (n-a) and 9 (n-b) report the same progress in one collective, nothing singles out a
  // participant: the job's hang (SameProgressAcrossNodes), where it was the first waiter's GPU.
  CHECK(Component(HangCase(Json::array())) == "job");
  // One rank a collective behind: the waiter baseline is not what names it, the progress is.
  Json j = HangCase(Json::array());
  j["logs"][0]["lines"] = Json::array({Watchdog(0, 101, "BROADCAST"), Progress(0, 101)});
  // Two OpTypes at one SeqNum of one group (no PG printed): since PLC54 a collective mismatch, the job's
  // (watchdog_op_mismatch.h; before, the first waiter's GPU, n-a/gpu0).
  CHECK(Component(j) == "job");
}

TEST_CASE("round 8: a rank's py-spy dump with no timeout of its own is the rank the waiters wait for") {
  Json dump = {{"source", "n-b/py-spy-rank14"},
               {"lines", Json::array({"Process 34331: /usr/bin/python3 -u pretrain_gpt.py", "Thread 89884 (active): \"MainThread\"",
                                      "    barrier (torch/distributed/distributed_c10d.py:4159)",
                                      "    _sync_pp_group (megatron/core/pipeline_parallel/schedules.py:1321)",
                                      "    train_step (megatron/training/training.py:744)"})}};
  // Rank 14 on n-b: local GPU 14 % 8 = 6 (8 GPUs from n-b's metrics).
  CHECK(Component(HangCase(Json::array({dump}))) == "n-b/gpu6");
  auto logs = HangCase(Json::array({dump}))["logs"];
  std::vector<CaseLog> parsed;
  for (const Json& l : logs) {
    CaseLog cl;
    cl.source = l["source"].get<std::string>();
    for (const Json& t : l["lines"]) cl.lines.push_back({cl.lines.size() + 1, t.get<std::string>()});
    parsed.push_back(cl);
  }
  auto silent = FindSilentRanks(parsed);
  REQUIRE(silent.size() == 1);
  CHECK(silent[0].rank == 14);
  CHECK(silent[0].kind == "dumped");
  // The same dump from a rank that also timed out is a waiter's: no culprit.
  parsed[2].lines.push_back({6, Watchdog(14, 101)});
  CHECK(FindSilentRanks(parsed).empty());
  // No rank timed out: not a hang's participants, nothing named.
  parsed.erase(parsed.begin(), parsed.begin() + 2);
  parsed[0].lines.pop_back();
  CHECK(FindSilentRanks(parsed).empty());
  // A rank log saying it entered another op (no dump) is a silent rank too.
  Json entered = {{"source", "n-b/rank14/stderr"}, {"lines", Json::array({"2026-03-18 20:11:24 [INFO] rank 14: entering barrier(epoch_end)"})}};
  CHECK(Component(HangCase(Json::array({entered}))) == "n-b/gpu6");
}

TEST_CASE("round 8: a process stopped under a debugger in a ps listing is the culprit's GPU") {
  Json ps = {{"source", "n-b/oncall-ps.txt"},
             {"lines", Json::array({"$ ps -eo pid,stat,etime,user,cmd | grep python",
                                    "  41201 Sl   03:12:40 mlops   /usr/bin/python -u train.py --local_rank=0",
                                    "  41204 tl   03:12:40 mlops   /usr/bin/python -u train.py --local_rank=3",
                                    "  58812 S+   00:31:05 jlee    gdb -p 41204"})}};
  CHECK(Component(HangCase(Json::array({ps}))) == "n-b/gpu3");
  // Every process running (S): nothing stopped, the baseline stays the answer (the job's: RG5).
  ps["lines"][2] = "  41204 Sl   03:12:40 mlops   /usr/bin/python -u train.py --local_rank=3";
  CHECK(Component(HangCase(Json::array({ps}))) == "job");
}

TEST_CASE("round 8: of two ranks reporting progress, the one behind is stuck; three different numbers name none") {
  auto two = FindLaggards({Progress(0, 88120), Progress(13, 88119)});
  REQUIRE(two.size() == 1);
  CHECK(two[0].rank == 13);
  CHECK(two[0].behind_at == 88119);
  CHECK(FindLaggards({Progress(0, 100), Progress(1, 101), Progress(2, 102)}).empty());
  CHECK(FindLaggards({Progress(0, 100), Progress(1, 100)}).empty());
  // End to end: rank 13's own log on n-b (GPU 13 % 8 = 5), one collective behind rank 0.
  Json j = HangCase(Json::array());
  j["logs"][1] = {{"source", "n-b/rank13/stderr"}, {"lines", Json::array({Watchdog(13, 100), Progress(13, 100)})}};
  CHECK(Component(j) == "n-b/gpu5");
}

TEST_CASE("round 8: a flight-recorder line places the rank it says the others wait on") {
  std::set<std::string> nodes = {"hpc-g05", "hpc-g07"};
  auto placed = RankPlacements("rank 17 (hpc-g07 local 1): last entered #20514 BROADCAST; #20515 never enqueued", nodes);
  REQUIRE(placed.size() == 1);
  CHECK(placed[0].first == 17);
  CHECK(placed[0].second.node == "hpc-g07");
  CHECK(placed[0].second.gpu == 1);
  CHECK(RankPlacements("rank 17 (dataset local 1)", nodes).empty());  // not a node
  auto absent = FindNamedAbsentRanks({"Mismatch: 31 ranks waiting in ALLREDUCE on rank 17"});
  REQUIRE(absent.size() == 1);
  CHECK(absent[0].first == 17);
  Json j = HangCase(Json::array({Json{{"source", "n-a/flight-recorder"},
                                      {"lines", Json::array({"fr_trace | rank 17 (n-b local 1): last entered #100 BROADCAST",
                                                             "fr_trace | Mismatch: 31 ranks waiting in ALLREDUCE on rank 17"})}}}));
  CHECK(Component(j) == "n-b/gpu1");
}

TEST_CASE("round 8: of the two ranks of a collective mismatch, the one not in the waiters' op is the culprit") {
  std::string mismatch =
      "[rank0]: RuntimeError: Detected mismatch between collectives on ranks. Rank 0 is running collective: "
      "CollectiveFingerPrint(SequenceNumber=101, OpType=ALLREDUCE, TensorShape=[1]), but Rank 12 is running collective: "
      "CollectiveFingerPrint(SequenceNumber=101, OpType=BROADCAST, TensorShape=[4096]).";
  auto odd = FindOddOpRanks({Watchdog(3, 101), mismatch});
  REQUIRE(odd.size() == 1);
  CHECK(odd[0].first == 12);
  // The reporter is the odd one when the waiters are in the other rank's op.
  auto reporter = FindOddOpRanks({Watchdog(3, 101, "BROADCAST"), mismatch});
  REQUIRE(reporter.size() == 1);
  CHECK(reporter[0].first == 0);
  // No watchdog op to compare with: neither is named.
  CHECK(FindOddOpRanks({mismatch}).empty());
  // End to end (RGA, 2026-12-03): a mismatch of collectives is the job's (collective_mismatch.h):
  // rank 12 took the other path of the program, no fault of its GPU (was n-b/gpu4, rank 12's).
  Json j = HangCase(Json::array({Json{{"source", "n-a/slurm.out"}, {"lines", Json::array({mismatch})}},
                                 Json{{"source", "n-b/rank12/stderr"}, {"lines", Json::array({"[Rank 12] store barrier timed out"})}}}));
  CHECK(Component(j) == "job");
}

TEST_CASE("round 8: the one GPU idle while its node peers spin (or the reverse) is the hung participant") {
  Json j = HangCase(Json::array());
  auto set_util = [&](int gpu, double v) {
    j["metrics"][gpu]["samples"] = Json::array({Json::array({1773871000000, v}), Json::array({1773871030000, v})});
  };
  set_util(6, 0);
  CHECK(Component(j) == "n-b/gpu6");
  auto c = ParseCase(j, "t.json");
  REQUIRE(c.ok());
  auto odd = FindUtilOddOneOut(c->metrics);
  REQUIRE(odd.size() == 1);
  CHECK(odd[0] == std::make_pair(std::string("n-b"), 6));
  // Two odd GPUs, or peers that disagree among themselves: no single participant, the baseline stays
  // (the job's since RG5: both ranks at the same progress).
  set_util(2, 0);
  CHECK(Component(j) == "job");
  set_util(2, 70);
  CHECK(Component(j) == "job");
}

}  // namespace
}  // namespace vigil
