// PLC3 (2026-12-04): placement leftovers of PLC, PLC2, RG20 and RG21.
//   1. A line placing a rank ("rank 3 (gn-02 local 3)", PlacedRanks) beats the rank layout's guess.
//   2. Open MPI's own words of where a rank ran (mpirun's "noticed that process rank 17 ... on node
//      hpc-g07", --report-bindings, a tagged line's "[HOST:PID]") tie the rank to that host, so
//      `--tag-output`'s "[1,17]<stderr>:" label takes it, not the layout's node.
//   3. The alert's node after the log budget's cut is the one the whole case gives (CaseAlertNode
//      before the cut), which the alert's own line names.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/case.h"
#include "agents/case_alert_node.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"
#include "agents/rank_hosts.h"
#include "agents/reader_testing.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

const char* const kOom3 =
    "[rank3]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 3.50 GiB. GPU 3 has a total capacity "
    "of 79.10 GiB of which 1.02 GiB is free. Of the allocated memory 70.1 GiB is allocated by PyTorch.";

bool Tied(const std::vector<RankHost>& ties, int rank, const std::string& host) {
  for (const RankHost& t : ties) {
    if (t.rank == rank && t.host == host && t.gpu == -1) return true;
  }
  return false;
}

// An mpirun --tag-output log of 24 ranks on three nodes (the layout: 8 a node, rank 17 on hpc-g08):
// rank 17 hits an illegal memory access; Open MPI says it ran on hpc-g07 (`extra`).
Json MpirunCase(const std::vector<std::string>& extra) {
  std::vector<std::string> lines;
  for (int r : {0, 8, 16, 17}) lines.push_back("[1," + std::to_string(r) + "]<stdout>:iteration 1200 | loss 2.114 | step time 0.91 s");
  for (const char* l : {"[1,17]<stderr>:terminate called after throwing an instance of 'c10::Error'",
                        "[1,17]<stderr>:  what():  CUDA error: an illegal memory access was encountered",
                        "[1,0]<stdout>:iteration 1201 | loss 2.113 | step time 0.92 s",
                        "[1,8]<stdout>:iteration 1201 | loss 2.113 | step time 0.92 s",
                        "[1,16]<stdout>:iteration 1201 | loss 2.113 | step time 0.92 s"}) {
    lines.push_back(l);
  }
  for (const std::string& l : extra) lines.push_back(l);
  return Case("mpirun-17", {"hpc-g06", "hpc-g07", "hpc-g08"}, Json::array({Log("launcher/mpirun.out", lines)}));
}

}  // namespace

// ---- 1. A printed rank -> host line beats the layout ----------------------------------------------

TEST_CASE("plc3: a line placing a rank beats the layout's guess for that rank") {
  // Slurm gave the job its nodes in another order than the topology lists them: ranks 0-7 ran on
  // gn-02. The job printed where each rank runs; the layout (8 a node, topology order) puts rank 3 on
  // gn-01. The gathered log is on gn-01, the first node's.
  for (const std::string& placing : {std::string("[rank3]: rank 3 (gn-02 local 3) ready"),
                                     std::string("[rank0]: rank 3 on gn-02 gpu 3"),
                                     std::string("rank 3 (gn-02, local_rank 3) joined the group")}) {
    CAPTURE(placing);
    const Json j = Case("placed-rank", {"gn-01", "gn-02"},
                        Json::array({Log("gn-01/train.log", {placing, "[rank0]: step 100 loss 2.31", kOom3})}));
    const Diagnosis d = testing::RunJsonWithPack(j);
    CHECK(d.root_cause == "cuda_oom");
    CHECK(d.component == "gn-02/gpu3");  // before PLC3: gn-01/gpu3 (rank 3's laid-out place)
  }
}

TEST_CASE("plc3: the topology's own rank map stands over a printed line, and the first printed line wins") {
  Json j = Case("rank-map", {"gn-01", "gn-02"},
                Json::array({Log("gn-01/train.log", {"rank 3 (gn-02 local 3) ready", "rank 3 (gn-01 local 5) ready", kOom3})}));
  // No rank map: the first line placing rank 3 (gn-02), not the second.
  CHECK(testing::RunJsonWithPack(j).component == "gn-02/gpu3");
  // The topology's rank map places rank 3 on gn-01's GPU 3: it stands.
  j["topology"]["ranks"] = {{"3", "gn-01/gpu3"}};
  CHECK(testing::RunJsonWithPack(j).component == "gn-01/gpu3");
}

// ---- 2. Open MPI's own words of where a rank ran ---------------------------------------------------

TEST_CASE("plc3: RankHostReader reads where Open MPI says a rank ran") {
  auto f = testing::ReadAll<RankHostReader>(
      {"mpirun noticed that process rank 17 with PID 4411 on node hpc-g07 exited on signal 6 (Aborted).",
       "prterun noticed that process rank 5 with PID 0 on node hpc-g06 exited on signal 9 (Killed).",
       "[hpc-g08:20331] MCW rank 21 bound to socket 1[core 13[hwt 0]]: [./././.][./B/./.]",
       "[hpc-g08:20331] Rank 22 bound to package[1][core:14]",
       "[hpc-g06:18876] MCW rank 3 is not bound (or bound to all available processors)",
       "[1,9]<stderr>:[hpc-g07:04412] *** Process received signal ***"});
  CHECK(Tied(f, 17, "hpc-g07"));
  CHECK(Tied(f, 5, "hpc-g06"));
  CHECK(Tied(f, 21, "hpc-g08"));
  CHECK(Tied(f, 22, "hpc-g08"));
  CHECK(Tied(f, 3, "hpc-g06"));
  CHECK(Tied(f, 9, "hpc-g07"));
  CHECK(f.size() == 6);
  // Not ties: a rank's own words, a tagged line without the writer's [HOST:PID], a file:line field.
  f = testing::ReadAll<RankHostReader>({"[1,17]<stderr>:rank 17 noticed that process rank 3 is slow",
                                        "[1,17]<stderr>:  what():  CUDA error: an illegal memory access was encountered",
                                        "[1,17]<stderr>:[E ProcessGroupNCCL.cpp:475] [Rank 17] Watchdog caught collective timeout",
                                        "MCW rank 4 bound to socket 0"});
  CHECK(f.empty());
}

TEST_CASE("plc3: mpirun's [1,17]<stderr>: label takes the node Open MPI says rank 17 ran on") {
  const std::vector<std::vector<std::string>> said = {
      {"--------------------------------------------------------------------------",
       "mpirun noticed that process rank 17 with PID 4411 on node hpc-g07 exited on signal 6 (Aborted).",
       "--------------------------------------------------------------------------"},
      {"[1,17]<stderr>:[hpc-g07:04411] *** Process received signal ***", "[1,17]<stderr>:[hpc-g07:04411] Signal: Aborted (6)",
       "[1,17]<stderr>:[hpc-g07:04411] *** End of error message ***"},
      {"[hpc-g07:04390] MCW rank 17 bound to socket 0[core 1[hwt 0]]: [./B/./.][./././.]", "[1,0]<stdout>:iteration 1202 | loss 2.112"},
  };
  for (const auto& extra : said) {
    CAPTURE(extra[1]);
    const Diagnosis d = testing::RunJsonWithPack(MpirunCase(extra));
    CHECK(d.root_cause == "illegal_memory_access");
    CHECK(d.component == "hpc-g07");  // before PLC3: hpc-g08/gpu1 (rank 17's laid-out place); no GPU said
  }
  // Nothing says where rank 17 ran: the layout's guess, as before.
  CHECK(testing::RunJsonWithPack(MpirunCase({})).component == "hpc-g08/gpu1");
}

// ---- 3. The alert's node after the log budget's cut ------------------------------------------------

namespace {

// PLC2's address-only Xid alert, `kubectl get nodes -o wide` tying 10.40.7.12 to h100-a12 in the
// middle of a 1206-line terminal paste (600 training lines either side): a budget of 300 lines keeps
// the paste's head and tail only.
Json CutTieCase() {
  std::vector<std::string> lines = {"$ tail -n 1200 /shared/runs/llm-7b/stdout.log"};
  auto filler = [&lines](int from, int to) {
    for (int i = from; i < to; ++i) lines.push_back("train step " + std::to_string(1000 + i) + " loss 2.31 tokens/s 4120");
  };
  filler(0, 600);
  for (const char* l : {"$ kubectl get nodes -o wide", "NAME       STATUS   ROLES    AGE   VERSION   INTERNAL-IP   EXTERNAL-IP",
                        "h100-a11   Ready    <none>   90d   v1.30.6   10.40.7.11    <none>",
                        "h100-a12   Ready    <none>   90d   v1.30.6   10.40.7.12    <none>", "$ tail -n 600 /shared/runs/llm-7b/stdout.log"}) {
    lines.push_back(l);
  }
  filler(600, 1200);
  Json j = Case("cut-tie", {"h100-a11", "h100-a12"},
                Json::array({Log("ops/shell", lines),
                             Log("h100-a12/kern.log", {"Dec  4 01:04:30 h100-a12 kernel: nvidia-modeset: Loading NVIDIA Kernel Mode Setting Driver"})}));
  j["alert"] = {{"labels", {{"alertname", "GpuXidError"}, {"Hostname", "nvidia-dcgm-exporter-q7w2x"}, {"gpu", "2"},
                            {"instance", "10.40.7.12:9400"}, {"job", "nvidia-dcgm-exporter"}, {"xid", "79"}}},
                {"annotations", {{"summary", "Xid 79 on GPU 2: GPU has fallen off the bus"}}},
                {"startsAt", "2026-12-04T01:05:00Z"}};
  return j;
}

Diagnosis DiagnoseWithBudget(const Json& j, size_t budget) {
  auto c = ParseCase(j, "cut.json");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  DiagnosisAgentOptions o;
  o.kb = &testing::ShippedPack();
  o.log_line_budget = budget;
  testing::RecordedExecutor exec;
  auto r = DiagnosisAgent(o).Diagnose(*c, &exec);
  REQUIRE_MESSAGE(r.ok(), r.status().message());
  return r->diagnosis;
}

bool Says(const Diagnosis& d, const std::string& words) {
  for (const std::string& u : d.unverified) {
    if (u.find(words) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("plc3: an alert whose node the log budget's cut would lose is read on the node its own line names") {
  const Json j = CutTieCase();
  {
    auto c = ParseCase(j, "cut.json");
    REQUIRE(c.ok());
    CHECK(CaseAlertNode(*c) == "h100-a12");  // the whole case ties the address
  }
  const Diagnosis whole = DiagnoseWithBudget(j, 20'000);
  const Diagnosis cut = DiagnoseWithBudget(j, 300);
  REQUIRE(Says(cut, "log budget: kept 300 of 1207 lines"));
  for (const Diagnosis* d : {&whole, &cut}) {
    CHECK(d->root_cause == "gpu_fallen_off_bus");
    CHECK(d->component == "h100-a12/gpu2");
    // The alert's line names h100-a12 (PLC2); the reasoner read the alert there too. Before PLC3 the
    // cut case said "the alert's node is unknown: it is named only by the address 10.40.7.12 ...;
    // h100-a12 is not known to be the alert's node" beside that line, and probed 10.40.7.12 as a host.
    CHECK_FALSE(Says(*d, "the alert's node is unknown"));
    for (const std::string& u : d->unverified) CHECK(u.find("@10.40.7.12") == std::string::npos);
  }
  CHECK(Says(cut, "log budget: the alert is on h100-a12 as the whole case places it (the lines doing so were cut; "
                  "the kept ones alone gave 10.40.7.12): read there"));
  CHECK_FALSE(Says(whole, "the alert is on h100-a12 as the whole case places it"));
}

}  // namespace vigil
