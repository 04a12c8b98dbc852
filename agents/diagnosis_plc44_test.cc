// PLC44 (2026-12-06): realistic42's misses ("the handover", SEEN, not blind). General readers, each with
// cases written here in other words and on other nodes (no case text of the set):
// - people's messages in a handover / ticket / chat source are no evidence (person_lines.h); a command
//   and its output pasted there are;
// - Blackwell's NVLink Xids (144-150) are nvlink_error (fault_codes.cc): two trays of one NVL72 rack
//   with them are the rack's NVLink switch side;
// - a shell prompt running a port tool on one node ("$ perfquery -x -C mlx5_3 -P 1   (ib-n05, 08:25)")
//   places the counters under it on that node;
// - a step's re-run set against its first run singles out no rank (replica_range.h); a checksum line
//   naming one replica's range of ranks places silent data corruption on their node;
// - a flight-recorder verdict writing each op before its ranks ("ALLREDUCE on 127 ranks, ALLGATHER on
//   rank 43") is a collective mismatch (collective_mismatch.cc).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/collective_mismatch.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "agents/fault_codes.h"
#include "agents/logs_case_testing.h"
#include "agents/nvswitch_fault.h"
#include "agents/person_lines.h"
#include "agents/rank_numerics.h"
#include "agents/replica_range.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

std::vector<bool> Person(const std::string& source, const std::vector<std::string>& lines) {
  return PersonMessageLines(testing::CaseLogOf(source, lines));
}

TEST_CASE("plc44 people's messages in a handover, ticket or chat; pasted commands and output are not") {
  CHECK(IsPersonChannelSource("handover.md"));
  CHECK(IsPersonChannelSource("ticket-OPS-311.txt"));
  CHECK(IsPersonChannelSource("slack-#ml-infra.txt"));
  CHECK(IsPersonChannelSource("slack/#gpu-oncall"));
  CHECK(IsPersonChannelSource("INC-2207"));
  CHECK_FALSE(IsPersonChannelSource("slurm-4411.out (srun --container-image=nvcr.io#nvidia/pytorch:25.01-py3)"));
  CHECK_FALSE(IsPersonChannelSource("node-7/dmesg"));
  CHECK_FALSE(IsPersonChannelSource("oncall shell"));
  const std::vector<bool> chat = Person("slack-#ml-infra.txt", {
      "[11:02] ops-bot: job 5521 failed: Xid 79 on gn-14. Likely NCCL issue.",
      "[11:05] a.kowalski (owner): I drained gn-14 and resubmitted",
      "[11:07] a.kowalski: attached",
      "$ ssh gn-15 dmesg | grep Xid",
      "[Wed Dec  2 11:01:58 2026] NVRM: Xid (PCI:0000:9b:00): 79, pid=0, GPU has fallen off the bus.",
      "11:09 @lee: looks like gn-15 to me"});
  CHECK(chat == std::vector<bool>{true, true, true, false, false, true});
  const std::vector<bool> ticket = Person("ticket-OPS-311.txt", {
      "OPS-311  gn-22 mlx5_1 link flaps",
      "2026-12-01 07:40  r.singh: drained gn-22, please check the cable.",
      "2026-12-01 09:12  netops (j.berg): cable tested OK",
      "2026-12-01 09:13:07 gn-23 kernel: mlx5_core 0000:3b:00.0: Port module event: module 0, Cable unplugged"});
  CHECK(ticket == std::vector<bool>{true, true, true, false});
  const std::vector<bool> handover = Person("handover.md", {
      "## Handover evening -> night (from: d.ruiz)",
      "- 6630 died at NCCL init on all hosts. Fabric must be down, vendor ticket opened.",
      "  Host gn-31 swapped this morning.",
      "",
      "```",
      "NCCL WARN NET/IB : Got completion from peer 10.1.0.7<4410> with status=12",
      "```",
      "$ nvidia-smi -q | grep -A2 Fabric",
      "    State : Completed"});
  CHECK(handover == std::vector<bool>{true, true, true, false, false, false, false, false, false});
  // Another source: none, whatever its lines.
  CHECK(Person("gn-14/journal", {"[11:02] ops-bot: Xid 79 on gn-14"}) == std::vector<bool>{false});
}

// `vigil diagnose --case` of a small case through DiagnosisAgent (the person lines are blanked there).
Diagnosis DiagnoseThroughAgent(DiagnosisCase c) {
  DiagnosisAgentOptions o;
  o.kb = &testing::ShippedPack();
  auto r = DiagnosisAgent(o).Diagnose(std::move(c), nullptr);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return r->diagnosis;
}

TEST_CASE("plc44 a bot's summary in a chat thread is no evidence for the fault it names") {
  DiagnosisCase c;
  c.id = "plc44-bot";
  c.logs.push_back(testing::CaseLogOf("slack-#ml-infra.txt", {"[11:02] ops-bot: job 5521 failed: uncorrectable NVLink error on rank 3 (gn-14). NVLink issue."}));
  c.logs.push_back(testing::CaseLogOf("job-5521.out", {"[rank0]: iteration 900 | lm loss: 2.31 | grad norm: 0.30"}));
  // Before: nvlink_error on gn-14 from the bot's words alone.
  const Diagnosis d = DiagnoseThroughAgent(c);
  CHECK(d.root_cause != "nvlink_error");
  CHECK_FALSE(testing::HasEvidenceWith(d, "ops-bot"));
  // The same line in the host's own log is still read.
  c.logs[0].source = "gn-14/journal";
  CHECK(DiagnoseThroughAgent(c).root_cause == "nvlink_error");
}

// PLC49 (2026-12-06, realistic45 "it happened before", seen): a ticket's record in a history file is an
// earlier incident, a prior and no evidence of today's fault; a pasted command's output there still is.
TEST_CASE("plc49 a ticket's record in a history file is no evidence; its labelled lines run with it") {
  CHECK(IsPersonChannelSource("history/tickets-gn-07.txt"));
  const std::vector<bool> history = Person("history/tickets-gn-07.txt", {
      "ticket NET-0512 (2026-10-02): gn-07 mlx5_2 port flapping (LinkDownedCounter 11 in 3h), job 881 hung.",
      "Resolution: optic swapped at leaf L3-02 port 7. Closed 2026-10-03.",
      "OPS-3301 (2026-10-20) gn-07 slow: power cap 450 W left by an image.",
      "  fixed by hand; image fix pending",
      "",
      "$ perfquery -x -C mlx5_2 -P 1",
      "LinkDownedCounter:...............0",
      "Status: Active"});
  CHECK(history == std::vector<bool>{true, true, true, true, false, false, false, false});
  // Before: the record's "port flapping (LinkDownedCounter 11 ...)" was read as gn-07's link fault today.
  DiagnosisCase c;
  c.id = "plc49-history";
  c.logs.push_back(testing::CaseLogOf("history/tickets-gn-07.txt", {
      "ticket NET-0512 (2026-10-02): gn-07 mlx5_2 port flapping (LinkDownedCounter 11 in 3h), job 881 hung in all-reduce."}));
  c.logs.push_back(testing::CaseLogOf("job-991.out", {"[rank0]: iteration 900 | lm loss: 2.31 | grad norm: 0.30"}));
  CHECK_FALSE(testing::HasEvidenceWith(DiagnoseThroughAgent(c), "NET-0512"));
}

// PLC49: Megatron's per-interval timers line, max over ranks, its batch-generator the input wait.
TEST_CASE("plc49 one timers line over all ranks whose batch-generator outweighs forward-backward is an input-bound step") {
  DiagnosisCase c;
  c.id = "plc49-timers";
  c.logs.push_back(testing::CaseLogOf("train-7781.out", {
      " [2026-11-02 08:00:10] iteration  200/ 9000 | elapsed time per iteration (ms): 9120.4 | lm loss: 2.41 | grad norm: 0.61",
      " [2026-11-02 08:01:40] iteration  210/ 9000 | elapsed time per iteration (ms): 9087.9 | lm loss: 2.40 | grad norm: 0.59",
      " [2026-11-02 08:01:41] timers (max over ranks): batch-generator 5200 ms, forward-backward 3700 ms, all-reduce 160 ms"}));
  // Before: the line was unread (no "data" word, one line under kMinDataWaitLines).
  const Diagnosis d = DiagnoseThroughAgent(c);
  CHECK(testing::HasEvidenceWith(d, "waiting for input"));
  // The same figures as one rank's own line, not a summary over ranks: one line is not enough.
  c.logs[0].lines[2].text = " [2026-11-02 08:01:41] rank 3: batch-generator 5200 ms, forward-backward 3700 ms";
  CHECK_FALSE(testing::HasEvidenceWith(DiagnoseThroughAgent(c), "waiting for input"));
}

TEST_CASE("plc44 Blackwell NVLink Xids 144-150 are nvlink_error") {
  using V = std::vector<std::string>;
  CHECK(FaultCodesInText("NVRM: Xid (PCI:0018:01:00): 149, pid=4410, name=python3, NETIR_LINK_EVT Fatal XC0 i0 Link 09") == V{"xid 149"});
  for (int x = 144; x <= 150; ++x) {
    const FaultCodeInfo* f = FaultCodeInfoOf("xid " + std::to_string(x));
    REQUIRE(f != nullptr);
    CHECK(f->category == "nvlink_error");
  }
  CHECK(IsGpuNvlinkFaultLine("NVRM: Xid (PCI:0008:01:00): 145, pid=5120, name=python3, RLW_REMAP Nonfatal XC0 i0 Link 02"));
  CHECK_FALSE(IsGpuNvlinkFaultLine("NVRM: Xid (PCI:0008:01:00): 143, pid=5120"));
  CHECK_FALSE(IsGpuNvlinkFaultLine("NVRM: Xid (PCI:0008:01:00): 151, pid=5120"));
}

// An NVL72 rack gb-r02: tray ct04 printed a Blackwell NVLink Xid in the morning (before it was replaced),
// tray ct09 in the afternoon, when its rank died on an uncorrectable NVLink error.
Json TwoTrays(bool first_tray) {
  std::vector<std::string> nodes;
  for (int i = 1; i <= 9; ++i) nodes.push_back("gb-r02-ct0" + std::to_string(i));
  Json logs = Json::array(
      {Log("job-7712.out", {"[rank33]:[E1203 14:02:56.101 ProcessGroupNCCL.cpp:1895] [PG ID 0 Rank 33] Process group watchdog thread terminated with exception: CUDA error: an uncorrectable NVLink error was detected during the execution",
                            "srun: error: gb-r02-ct09: task 33: Aborted (core dumped)"}),
       Log("gb-r02-ct09/dmesg", {"[Thu Dec 03 14:02:55 2026] NVRM: Xid (PCI:0018:01:00): 145, pid=9120, name=python3, RLW_REMAP Nonfatal XC0 i0 Link 03 (0x00000000 0x00000002)",
                                 "[Thu Dec 03 14:02:55 2026] NVRM: Xid (PCI:0018:01:00): 149, pid=9120, name=python3, NETIR_LINK_EVT Fatal XC0 i0 Link 03 (0x00000004 0x00000000)"})});
  if (first_tray) {
    logs.push_back(Log("gb-r02-ct04/dmesg (before the swap)", {"[Thu Dec 03 05:40:12 2026] NVRM: Xid (PCI:0009:01:00): 149, pid=8812, name=python3, NETIR_LINK_EVT Fatal XC0 i0 Link 07 (0x00000004 0x00000000)"}));
  }
  Json c = Case("t-plc44-trays", nodes, logs);
  c["topology"]["gpu_model"] = "NVIDIA GB200";
  c["topology"]["gpus_per_node"] = 4;
  return c;
}

TEST_CASE("plc44 two trays of one NVL72 rack with Blackwell NVLink Xids are the rack's NVLink switch side") {
  // Before: nvlink_error @ gb-r02-ct09/gpu1 (Xids 145 / 149 were no fault code: ct04 showed no fault).
  CHECK(testing::CaseAnswer(TwoTrays(true)) == "nvlink_error @ nvlink-domain:gb-r02");
  // One tray's fault stays that tray's GPU.
  CHECK(testing::CaseAnswer(TwoTrays(false)).rfind("nvlink_error @ gb-r02-ct09/gpu", 0) == 0);
}

TEST_CASE("plc44 a port tool's prompt names the node whose counters follow") {
  std::vector<std::string> nodes;
  for (int i = 1; i <= 8; ++i) nodes.push_back("ib-n0" + std::to_string(i));
  Json logs = Json::array(
      {Log("job-8810.out", {"ib-n06:5120:5301 [2] transport/net_ib.cc:1701 NCCL WARN NET/IB : Got completion from peer 10.8.0.5<40110> with status=12 opcode=0 len=0 vendor err 129 (Send) hca mlx5_2",
                            "srun: error: ib-n06: task 42: Aborted (core dumped)"}),
       Log("counters.txt", {"$ perfquery -x -C mlx5_2 -P 1   (ib-n05, 10:02)", "SymbolErrorCounter:..............9120",
                            "LinkDownedCounter:...............4", "$ perfquery -x -C mlx5_2 -P 1   (ib-n06, 10:02)",
                            "SymbolErrorCounter:..............0", "LinkDownedCounter:...............0"})});
  // Before: ib_link_failure @ ib-n06/mlx5_2 (the counters of ib-n05 placed on the node that logged the error).
  CHECK(testing::CaseAnswer(Case("t-plc44-perfquery", nodes, logs)) == "ib_link_failure @ ib-n05/mlx5_2");
}

std::vector<std::string> RerunLines() {
  return {"[rank0]: rerun: iteration 5120 re-run produced loss 2.0114 (differs from first run 8.320) -> result not reproducible (transient)",
          "[rank0]: rerun: iteration 5188 re-run produced loss 2.0087 (differs from first run 7.912) -> result not reproducible (transient)"};
}

TEST_CASE("plc44 a step's re-run against its first run singles out no rank") {
  CHECK(ComparesRunsNotRanks(RerunLines()[0]));
  CHECK(ComparesRunsNotRanks("replay of step 400 differs from the original result"));
  CHECK_FALSE(ComparesRunsNotRanks("[rank7]: grad norm outlier at step 400 (differs from the group mean)"));
  CHECK_FALSE(ComparesRunsNotRanks("[rank0]: param checksum mismatch on rank 11"));
  // The writer's re-run on its own GPU is its own report (realistic26's shape; a twin written here).
  CHECK_FALSE(ComparesRunsNotRanks("[rank77] ERROR rerun_state_machine: re-run of iteration 900 on the same GPU gave grad norm 0.51 != first run 1.90: not reproducible, a transient fault on this GPU"));
  // Before: rank 0 (the writer) singled out in 2 lines.
  CHECK_FALSE(FindOneRankNumerics(RerunLines()).has_value());
  // The writer reporting on itself is still read.
  auto r = FindOneRankNumerics({"[rank13]: grad norm outlier detected at step 10", "[rank13]: grad norm outlier detected at step 20"});
  REQUIRE(r.has_value());
  CHECK(r->rank == 13);
}

TEST_CASE("plc44 a checksum line naming one replica's ranks against all others") {
  auto odd = FindReplicaRangeOddValue({"unrelated", "[rank0]: DP grad checksum: replica 2 (ranks 40-47) reported 0x11aa vs 0x22bb on all other replicas"});
  REQUIRE(odd.has_value());
  CHECK(odd->first_rank == 40);
  CHECK(odd->last_rank == 47);
  CHECK(odd->line == 1);
  CHECK(FindReplicaRangeOddValue({"param hash of ranks 8..15 differs from the other replicas"}).has_value());
  // Near misses: the same value; no numbers word; a single rank; a range of 100 ranks.
  CHECK_FALSE(FindReplicaRangeOddValue({"DP grad checksum: replica 2 (ranks 40-47) reported 0x11aa vs 0x11aa on all other replicas"}).has_value());
  CHECK_FALSE(FindReplicaRangeOddValue({"step time of ranks 40-47 differs from the other replicas"}).has_value());
  CHECK_FALSE(FindReplicaRangeOddValue({"checksum of rank 40 differs from the other replicas"}).has_value());
  CHECK_FALSE(FindReplicaRangeOddValue({"checksum of ranks 0-99 differs from the other replicas"}).has_value());
}

TEST_CASE("plc44 re-run lines printed by rank 0 and a replica's checksum place silent data corruption on the replica's node") {
  std::vector<std::string> nodes;
  for (int i = 1; i <= 8; ++i) nodes.push_back("sd-n0" + std::to_string(i));
  std::vector<std::string> lines = RerunLines();
  lines.push_back("[rank0]: DP grad checksum: replica 5 (ranks 40-47) reported 0x9e1a vs 0x41b0 on all other replicas at iteration 5188");
  // Before: gpu_silent_data_corruption @ sd-n01/gpu0 (rank 0, the writer).
  const std::string answer = testing::CaseAnswer(Case("t-plc44-sdc", nodes, Json::array({Log("job-7001.out", lines)})));
  CHECK(answer.rfind("gpu_silent_data_corruption @ sd-n06", 0) == 0);
}

TEST_CASE("plc44 a verdict writing each op before its ranks is a collective mismatch") {
  auto m = FindCollectiveMismatch(
      {"mismatch: collective seq 8812 op type differs between ranks (ALLREDUCE on 63 ranks, ALLGATHER on rank 17)"});
  REQUIRE(m.has_value());
  CHECK(m->what.find("ALLREDUCE") != std::string::npos);
  // One op, or no mismatch said: none.
  CHECK_FALSE(FindCollectiveMismatch({"mismatch: ALLREDUCE on 63 ranks, ALLREDUCE on rank 17"}).has_value());
  CHECK_FALSE(FindCollectiveMismatch({"collective seq 8812: ALLREDUCE on 63 ranks, ALLGATHER on rank 17"}).has_value());
}

TEST_CASE("plc44 two watchdog lines in different ops and the op-first verdict are the job's hang") {
  std::vector<std::string> nodes;
  for (int i = 1; i <= 8; ++i) nodes.push_back("cm-n0" + std::to_string(i));
  const std::vector<std::string> lines = {
      "[rank0]:[E1203 20:19:44.100000 61000 ProcessGroupNCCL.cpp:632] [Rank 0] Watchdog caught collective operation timeout: "
      "WorkNCCL(SeqNum=8812, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600003 milliseconds before timing out.",
      "[rank17]:[E1203 20:19:46.100000 61017 ProcessGroupNCCL.cpp:632] [Rank 17] Watchdog caught collective operation timeout: "
      "WorkNCCL(SeqNum=8812, OpType=ALLGATHER, NumelIn=4096, NumelOut=262144, Timeout(ms)=600000) ran for 600011 milliseconds before timing out.",
      "mismatch: collective seq 8812 op type differs between ranks (ALLREDUCE on 63 ranks, ALLGATHER on rank 17)"};
  // Before: nccl_collective_hang @ cm-n01/gpu0 (rank 0's watchdog line).
  CHECK(testing::CaseAnswer(Case("t-plc44-mismatch", nodes, Json::array({Log("job-9001.out", lines)}))) == "nccl_collective_hang @ job");
}

}  // namespace
}  // namespace vigil
