// PLC13 (2026-12-04): diagnosis gaps read but not fixed by PLC11 / PLC12 - evidence written for these
// tests, not copied from a case.
//   1. A fault's own "it is over" line (an Xid cleared, a GPU reset completed, `nvidia-smi -r`'s
//      success, a port's Link up / state ACTIVE, Slurm's resume) makes its sightings an earlier
//      incident's: beside a new, different fault written after it, the recovered one does not lead
//      (StatesFaultOver, RecoveredSightings; EarlierIncidentSightings' extension).
//   2. One node's job container CFS-throttled in most of its periods, where the ranks a straggler
//      report names run: the straggler's host-side cause, measured (FindHostCpuPressure's "CFS
//      throttled periods"), not a job-wide data loader stall.
//   3. One node's packet filter dropping its peers' packets (ReadPacketFilterDrop; 3a-filter): the
//      network misconfiguration is that node's.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/diagnosis_testing.h"
#include "agents/earlier_sightings.h"
#include "agents/logs_case_testing.h"
#include "agents/packet_filter.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

constexpr int64_t kNo = INT64_MAX;

TEST_CASE("plc13: StatesFaultOver reads a fault's own recovery line") {
  // A GPU's.
  CHECK(StatesFaultOver("[Mon Nov 30 02:40:01 2026] NVRM: GPU at PCI:0000:3a:00: GPU reset completed") == FaultOver::kGpu);
  CHECK(StatesFaultOver("NVRM: Xid (PCI:0000:3a:00): 79 cleared after GPU reset") == FaultOver::kGpu);
  CHECK(StatesFaultOver("GPU 00000000:3A:00.0 was successfully reset.") == FaultOver::kGpu);
  CHECK(StatesFaultOver("nvidia-smi -r -i 2: GPU 00000000:3A:00.0 was successfully reset.") == FaultOver::kGpu);
  CHECK(StatesFaultOver("dcgmi: reset of GPU 2 succeeded") == FaultOver::kGpu);
  CHECK(StatesFaultOver("NVRM: GPU at PCI:0000:3a:00: row remapping complete, no pending rows") == FaultOver::kGpu);
  // A port's.
  CHECK(StatesFaultOver("mlx5_core 0000:c1:00.0 ibp193s0: Link up") == FaultOver::kLink);
  CHECK(StatesFaultOver("ice 0000:3b:00.0 ens2f0: NIC Link is Up 100 Gbps Full Duplex") == FaultOver::kLink);
  CHECK(StatesFaultOver("mlx5_core 0000:c1:00.0: mlx5_2 port 1 state ACTIVE") == FaultOver::kLink);
  CHECK(StatesFaultOver("ib_core: mlx5_2 port 1 state changed to ACTIVE") == FaultOver::kLink);
  // The node's, from Slurm.
  CHECK(StatesFaultOver("[2026-11-30T02:50:00.000] update_node: node gz-2 state set to RESUME") == FaultOver::kNode);
  CHECK(StatesFaultOver("$ scontrol update nodename=gz-2 state=resume") == FaultOver::kNode);
  CHECK(StatesFaultOver("slurmctld: node gz-2 returned to service") == FaultOver::kNode);
  // Near misses: the reset or recovery failed or did not happen; rows still pending; the fault itself;
  // ibstat's bare state (its port named lines above; healthy ports print it too); a job resuming.
  CHECK(StatesFaultOver("nvidia-smi -r: Unable to reset GPU 00000000:3A:00.0 because it's being used by some other process") == FaultOver::kNone);
  CHECK(StatesFaultOver("GPU reset failed on GPU 2") == FaultOver::kNone);
  CHECK(StatesFaultOver("NVRM: Xid 79 not cleared; GPU reset required") == FaultOver::kNone);
  CHECK(StatesFaultOver("Remapped Rows: remapping complete, 2 rows pending") == FaultOver::kNone);
  CHECK(StatesFaultOver("NVRM: Xid (PCI:0000:3a:00): 79, pid=7712, name=python, GPU has fallen off the bus.") == FaultOver::kNone);
  CHECK(StatesFaultOver("mlx5_core 0000:c1:00.0 ibp193s0: Link down") == FaultOver::kNone);
  CHECK(StatesFaultOver("        State: Active") == FaultOver::kNone);
  CHECK(StatesFaultOver("[rank0] training resumed from checkpoint step 4000") == FaultOver::kNone);
  CHECK(StatesFaultOver("") == FaultOver::kNone);
}

TEST_CASE("plc13: StatesFaultOver's cheap word check lets every form its patterns read through (RV, 2026-12-04)") {
  // The word check before the regexes was case-sensitive and knew no "undrain", while the patterns
  // are case-insensitive and read Slurm's undrain: these lines were never read.
  CHECK(StatesFaultOver("slurmctld: node gz-2 undrained by root") == FaultOver::kNode);
  CHECK(StatesFaultOver("scontrol: undrained node gz-2 after the GPU swap") == FaultOver::kNode);
  CHECK(StatesFaultOver("mlx4_en: mlx4_0 port 1: eth2: Link Up") == FaultOver::kLink);
  CHECK(StatesFaultOver("ib_core: mlx5_2 port 1 state changed to active") == FaultOver::kLink);
  CHECK(StatesFaultOver("NVRM: GPU 00000000:3A:00.0: GPU RESET COMPLETED") == FaultOver::kGpu);
  // Near misses stay refused whatever their case.
  CHECK(StatesFaultOver("slurmctld: node gz-2 NOT undrained: GPU RESET FAILED") == FaultOver::kNone);
  CHECK(StatesFaultOver("mlx4_en: eth2: LINK DOWN") == FaultOver::kNone);
}

TEST_CASE("plc13: RecoveredSightings - a recovery after a sighting of its place; a recurrence after it is not") {
  // Sightings at 10 and 30 (log 0), the recovery at 20 (log 1): the first recovered, the second (the
  // fault recurring) not.
  const std::vector<LineAt> s = {{10, 0, 1}, {30, 0, 5}};
  const std::vector<LineAt> r = {{20, 1, 0}};
  auto any = [](size_t, size_t) { return true; };
  CHECK(RecoveredSightings(s, r, any, kNo) == std::vector<bool>{true, false});
  // The place test decides: a recovery of another GPU ends nothing.
  CHECK(RecoveredSightings(s, r, [](size_t, size_t) { return false; }, kNo) == std::vector<bool>{false, false});
  // Untimed: by line in one log; across logs not ordered.
  CHECK(RecoveredSightings({{kNo, 0, 1}}, {{kNo, 0, 2}}, any, kNo) == std::vector<bool>{true});
  CHECK(RecoveredSightings({{kNo, 0, 3}}, {{kNo, 0, 2}}, any, kNo) == std::vector<bool>{false});
  CHECK(RecoveredSightings({{kNo, 0, 1}}, {{20, 1, 2}}, any, kNo) == std::vector<bool>{false});
  // The sighting is the recovery line itself ("Xid 79 cleared" matched the Xid's signature).
  CHECK(RecoveredSightings({{20, 1, 0}}, r, any, kNo) == std::vector<bool>{true});
  // One time, two logs: not after.
  CHECK_FALSE(WrittenAfter({20, 0, 1}, {20, 1, 0}, kNo));
  CHECK(WrittenAfter({20, 0, 1}, {20, 0, 2}, kNo));
  // Every recovery that ends a sighting, in order (the reasoner's "ended by"); the place test per pair.
  const std::vector<LineAt> two = {{20, 1, 0}, {25, 1, 3}, {40, 1, 9}};
  CHECK(RecoveriesEnding(s, two, any, kNo) == std::vector<std::vector<size_t>>{{0, 1, 2}, {2}});
  CHECK(RecoveriesEnding(s, two, [](size_t, size_t r) { return r != 1; }, kNo) ==
        std::vector<std::vector<size_t>>{{0, 2}, {2}});
}

const std::vector<std::string> kWatchdog = {
    "[rank1]:[E1130 04:21:13.000000 ProcessGroupNCCL.cpp:632] [Rank 1] Watchdog caught collective operation timeout: "
    "WorkNCCL(SeqNum=1774410, OpType=ALLREDUCE, Timeout(ms)=600000) ran for 600000 milliseconds before timing out.",
    "[rank33]:[E1130 04:21:13.000100 ProcessGroupNCCL.cpp:632] [Rank 33] Watchdog caught collective operation timeout: "
    "WorkNCCL(SeqNum=1774410, OpType=ALLREDUCE, Timeout(ms)=600000) ran for 600000 milliseconds before timing out."};
const std::string kXid2 = "[Mon Nov 30 02:10:12 2026] NVRM: Xid (PCI:0000:3a:00): 79, pid=7712, name=python, GPU has fallen off the bus.";
const std::string kXid5 = "[Mon Nov 30 04:11:12 2026] NVRM: Xid (PCI:0000:ab:00): 79, pid=1992, name=pt_main_thread, GPU has fallen off the bus.";
const std::string kPortDown5 = "[Mon Nov 30 04:11:12 2026] mlx5_core 0000:c1:00.0: mlx5_2 port 1 state DOWN, link downed (physical link lost)";

Json SixNodes(Json logs) {
  Json c = Case("t-plc13-recovered", {"gz-1", "gz-2", "gz-3", "gz-4", "gz-5", "gz-6"}, std::move(logs));
  c["topology"]["gpu_pci_bus"] = {{"gpu2", "0000:3a:00.0"}, {"gpu5", "0000:ab:00.0"}};
  return c;
}

// gz-2's GPU fell off the bus at 02:10; `after` (its recovery or not) in the same kernel log; at 04:11
// gz-5's IB port went down; every rank's watchdog at 04:21.
Json RecoveredGpuCase(const std::vector<std::string>& after) {
  std::vector<std::string> gz2 = {kXid2};
  gz2.insert(gz2.end(), after.begin(), after.end());
  return SixNodes(Json::array({Log("train.out", kWatchdog), Log("gz-2/dmesg", gz2), Log("gz-5/dmesg", {kPortDown5})}));
}

TEST_CASE("plc13: a GPU fault its reset ended does not lead a later fault of another kind") {
  // Before (5f1b297f): gpu_fallen_off_bus @ gz-2/gpu2 for each recovery line.
  CHECK(testing::CaseAnswer(RecoveredGpuCase({"[Mon Nov 30 02:40:01 2026] NVRM: GPU at PCI:0000:3a:00: GPU reset completed"})) ==
        "ib_link_failure @ gz-5/mlx5_2");
  CHECK(testing::CaseAnswer(RecoveredGpuCase({"[Mon Nov 30 02:40:01 2026] nvidia-smi -r -i 2: GPU 00000000:3A:00.0 was successfully reset."})) ==
        "ib_link_failure @ gz-5/mlx5_2");
  CHECK(testing::CaseAnswer(RecoveredGpuCase({"[Mon Nov 30 02:40:01 2026] NVRM: Xid (PCI:0000:3a:00): 79 cleared after GPU reset"})) ==
        "ib_link_failure @ gz-5/mlx5_2");
  // Near misses: no recovery line; the reset failed; the fault recurring after its reset still counts.
  CHECK(testing::CaseAnswer(RecoveredGpuCase({})) == "gpu_fallen_off_bus @ gz-2/gpu2");
  CHECK(testing::CaseAnswer(RecoveredGpuCase({"[Mon Nov 30 02:40:01 2026] nvidia-smi -r -i 2: Unable to reset GPU 00000000:3A:00.0"})) ==
        "gpu_fallen_off_bus @ gz-2/gpu2");
  CHECK(testing::CaseAnswer(RecoveredGpuCase({"[Mon Nov 30 02:40:01 2026] NVRM: GPU at PCI:0000:3a:00: GPU reset completed",
                                              "[Mon Nov 30 04:05:12 2026] NVRM: Xid (PCI:0000:3a:00): 79, pid=8812, name=python, GPU has fallen off the bus."})) ==
        "gpu_fallen_off_bus @ gz-2/gpu2");
  // Near miss: a reset of another GPU of the node ends nothing of gpu2.
  CHECK(testing::CaseAnswer(RecoveredGpuCase({"[Mon Nov 30 02:40:01 2026] nvidia-smi -r -i 5: GPU 00000000:AB:00.0 was successfully reset."})) ==
        "gpu_fallen_off_bus @ gz-2/gpu2");
}

TEST_CASE("plc13: a recovered fault with nothing of another kind after it stays the answer") {
  // The job died of the Xid (its watchdogs at 02:20), the GPU was reset at 02:40: the Xid is the cause.
  Json c = SixNodes(Json::array(
      {Log("train.out", {"[rank1]:[E1130 02:20:13.000000 ProcessGroupNCCL.cpp:632] [Rank 1] Watchdog caught collective operation timeout: "
                         "WorkNCCL(SeqNum=1774410, OpType=ALLREDUCE, Timeout(ms)=600000) ran for 600000 milliseconds before timing out."}),
       Log("gz-2/dmesg", {kXid2, "[Mon Nov 30 02:40:01 2026] NVRM: GPU at PCI:0000:3a:00: GPU reset completed"})}));
  CHECK(testing::CaseAnswer(c) == "gpu_fallen_off_bus @ gz-2/gpu2");
}

TEST_CASE("plc13: a port's link up, a port state ACTIVE, Slurm's resume end their faults") {
  // Twin: gz-3's port went down and came back up at 01:02; gz-5's GPU fell off the bus at 04:11.
  // Before (5f1b297f): ib_link_failure @ gz-3/ibp193s0.
  auto link_case = [](const std::vector<std::string>& gz3) {
    return SixNodes(Json::array({Log("train.out", kWatchdog), Log("gz-3/dmesg", gz3), Log("gz-5/dmesg", {kXid5})}));
  };
  CHECK(testing::CaseAnswer(link_case({"[Mon Nov 30 01:02:03 2026] mlx5_core 0000:c1:00.0 ibp193s0: Link down",
                                       "[Mon Nov 30 01:02:09 2026] mlx5_core 0000:c1:00.0 ibp193s0: Link up"})) == "gpu_fallen_off_bus @ gz-5/gpu5");
  // Twin: the port's state DOWN, then ACTIVE. Before: ib_link_failure @ gz-3/mlx5_2.
  CHECK(testing::CaseAnswer(link_case({"[Mon Nov 30 01:02:03 2026] mlx5_core 0000:c1:00.0: mlx5_2 port 1 state DOWN",
                                       "[Mon Nov 30 01:04:03 2026] mlx5_core 0000:c1:00.0: mlx5_2 port 1 state ACTIVE"})) ==
        "gpu_fallen_off_bus @ gz-5/gpu5");
  // Near misses: the link stays down; another port came up.
  CHECK(testing::CaseAnswer(link_case({"[Mon Nov 30 01:02:03 2026] mlx5_core 0000:c1:00.0 ibp193s0: Link down"})) == "ib_link_failure @ gz-3/ibp193s0");
  CHECK(testing::CaseAnswer(link_case({"[Mon Nov 30 01:02:03 2026] mlx5_core 0000:c1:00.0: mlx5_2 port 1 state DOWN",
                                       "[Mon Nov 30 01:04:03 2026] mlx5_core 0000:c2:00.0: mlx5_3 port 1 state ACTIVE"})) ==
        "ib_link_failure @ gz-3/mlx5_2");
  // Twin: Slurm drained gz-2 for its Xid and resumed it; gz-5's port went down later. Before:
  // gpu_fallen_off_bus @ gz-2/gpu2.
  auto slurm_case = [](const std::string& resume) {
    return SixNodes(Json::array({Log("train.out", kWatchdog), Log("gz-2/dmesg", {kXid2}),
                                 Log("slurmctld.log", {"[2026-11-30T02:12:00.100] update_node: node gz-2 reason set to: Xid 79",
                                                       "[2026-11-30T02:12:00.101] update_node: node gz-2 state set to DRAINED", resume}),
                                 Log("gz-5/dmesg", {kPortDown5})}));
  };
  CHECK(testing::CaseAnswer(slurm_case("[2026-11-30T02:50:00.000] update_node: node gz-2 state set to RESUME")) == "ib_link_failure @ gz-5/mlx5_2");
  // Near miss: another node resumed.
  CHECK(testing::CaseAnswer(slurm_case("[2026-11-30T02:50:00.000] update_node: node gz-4 state set to RESUME")) == "gpu_fallen_off_bus @ gz-2/gpu2");
}

TEST_CASE("plc13: a GPU reset's node later failing at the same GPU is no new fault") {
  // The reset of gpu2 at 02:40, then an uncorrectable ECC error on that GPU: the reset did not end it
  // (the Xid is not marked recovered).
  Json c = SixNodes(Json::array(
      {Log("gz-2/dmesg", {kXid2, "[Mon Nov 30 02:40:01 2026] NVRM: GPU at PCI:0000:3a:00: GPU reset completed",
                          "[Mon Nov 30 04:01:12 2026] NVRM: Xid (PCI:0000:3a:00): 48, pid=8812, name=python, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 6, subpartition 0."})}));
  const Diagnosis d = testing::RunCaseWithOwnProbes(c);
  for (const Evidence& e : d.evidence) CHECK(e.detail.find("[recovered:") == std::string::npos);
}

// Three nodes of 8 GPUs; rank 0's straggler report names ranks 8-15 (tn-b's); each node's job
// container `trainer` has a CFS throttled-periods counter rising by `per_30s[node]` every 30 s (and,
// with `periods`, a periods counter of 300 every 30 s); tn-b's GPUs at 55 % utilisation, tn-a's at 72.
Json ThrottleCase(const std::vector<double>& per_30s, bool periods) {
  const std::vector<std::string> nodes = {"tn-a", "tn-b", "tn-c"};
  std::vector<std::string> train;
  for (int m = 15; m <= 23; m += 3) {
    train.push_back("[rank0]: 2026-07-10 08:" + std::to_string(m) +
                    ":40,000 - root - WARNING - slowest ranks by step time: 8-15 (median 2050 ms, others 1280 ms)");
  }
  Json c = Case("t-plc13-cfs", nodes, Json::array({Log("trainer-0/stdout", train)}));
  const int64_t t0 = 1783670740000;  // 2026-07-10T08:05:40Z
  Json metrics = Json::array();
  auto counter = [&](const std::string& name, const std::string& node, size_t i, double step) {
    Json m = Json::object();
    m["name"] = name;
    m["labels"] = {{"namespace", "ranking"}, {"pod", "trainer-" + std::to_string(i)}, {"container", "trainer"}, {"node", node}};
    Json samples = Json::array();
    for (int k = 0; k < 40; ++k) samples.push_back(Json::array({t0 + k * 30000LL, step * k}));
    m["samples"] = std::move(samples);
    metrics.push_back(std::move(m));
  };
  for (size_t i = 0; i < nodes.size(); ++i) {
    counter("container_cpu_cfs_throttled_periods_total", nodes[i], i, per_30s[i]);
    if (periods) counter("container_cpu_cfs_periods_total", nodes[i], i, 300);
  }
  for (const std::string& node : {std::string("tn-a"), std::string("tn-b")}) {
    for (int g = 0; g < 8; ++g) {
      Json m = Json::object();
      m["name"] = "DCGM_FI_DEV_GPU_UTIL";
      m["labels"] = {{"Hostname", node}, {"gpu", std::to_string(g)}};
      Json samples = Json::array();
      for (int k = 0; k < 40; ++k) samples.push_back(Json::array({t0 + k * 30000LL, node == "tn-b" ? 55 : 72}));
      m["samples"] = std::move(samples);
      metrics.push_back(std::move(m));
    }
  }
  c["metrics"] = std::move(metrics);
  return c;
}

TEST_CASE("plc13: the slow ranks a report names after what it ranked them by") {
  // Before (5f1b297f): rank 0, the reporter of the line's "[rank0]:" prefix.
  auto ranks = [](const std::string& line) {
    std::optional<SlowMention> m = FindSlowMention(line, {});
    return m ? m->ranks : std::vector<int>{};
  };
  const std::vector<int> r8_15 = {8, 9, 10, 11, 12, 13, 14, 15};
  CHECK(ranks("[rank0]:[titan] 2026-07-10 08:15:40,378 - root - WARNING - slowest ranks by step time: 8-15 (median 2067 ms, others 1279 ms)") == r8_15);
  CHECK(ranks("[rank0]: slow ranks in fwd-bwd: 8-15") == r8_15);
  CHECK(ranks("slowest ranks: 8-15") == r8_15);
  // Near miss: a figure after a qualifier with no colon is no rank.
  CHECK(ranks("slowest ranks in the last 100 steps") != std::vector<int>{100});
}

TEST_CASE("plc13: one node's container throttled in most CFS periods is the named slow ranks' cause") {
  // Before (5f1b297f): dataloader_stall @ job (tn-b's low GPU utilisation read as the job's loader).
  CHECK(testing::CaseAnswer(ThrottleCase({0, 294, 0}, false)) == "straggler_rank @ tn-b");
  // Twin: the periods counter beside it (294 of 300 periods throttled).
  CHECK(testing::CaseAnswer(ThrottleCase({0, 294, 0}, true)) == "straggler_rank @ tn-b");
  // Near misses: every node throttled alike (a job-wide limit: nothing singles tn-b out); tn-b
  // throttled in a third of its periods: read as a busy host (kHostContentionWeight), not as the
  // cause measured.
  CHECK(testing::CaseAnswer(ThrottleCase({294, 294, 294}, false)) != "straggler_rank @ tn-b");
  const Diagnosis third = testing::RunCaseWithOwnProbes(ThrottleCase({0, 100, 0}, true));
  bool host_read = false;
  for (const Evidence& e : third.evidence) {
    if (e.detail.find("CFS throttled periods 0.33") == std::string::npos) continue;
    host_read = true;
    CHECK(e.detail.find("CPU limit does not give them") == std::string::npos);
  }
  CHECK(host_read);
}

TEST_CASE("plc13: ReadPacketFilterDrop reads netfilter's drop and reject lines") {
  std::optional<PacketFilterDrop> d = ReadPacketFilterDrop(
      "Aug 11 10:35:00 n3 kernel: nft_reject: IN=eth0 OUT= SRC=10.42.1.17 DST=10.42.3.17 PROTO=TCP SPT=45811 DPT=50417 SYN");
  REQUIRE(d);
  CHECK(d->src == "10.42.1.17");
  CHECK(d->dst == "10.42.3.17");
  CHECK(d->sport == 45811);
  CHECK(d->dport == 50417);
  CHECK(ReadPacketFilterDrop("kernel: iptables REJECT: IN=eth0 OUT= MAC=aa SRC=10.9.1.5 DST=10.9.3.5 PROTO=TCP SPT=1 DPT=2"));
  CHECK(ReadPacketFilterDrop("kernel: [UFW BLOCK] IN=eth0 OUT= MAC=aa SRC=10.9.1.5 DST=10.9.3.5 LEN=60 PROTO=TCP SPT=1 DPT=2"));
  CHECK(ReadPacketFilterDrop("kernel: filter_IN_public_REJECT: IN=eth0 OUT= SRC=fd00::5 DST=fd00::7 PROTO=TCP SPT=1 DPT=2"));
  CHECK(ReadPacketFilterDrop("kernel: IPTables-Dropped: IN=ib0 OUT= SRC=10.9.1.5 DST=10.9.3.5 PROTO=UDP SPT=1 DPT=2"));
  // Near misses: an accepted or plainly logged packet; no addresses; no IN=.
  CHECK_FALSE(ReadPacketFilterDrop("kernel: [UFW ALLOW] IN=eth0 OUT= SRC=10.9.1.5 DST=10.9.3.5 PROTO=TCP SPT=1 DPT=2"));
  CHECK_FALSE(ReadPacketFilterDrop("kernel: NEW-CONN: IN=eth0 OUT= SRC=10.9.1.5 DST=10.9.3.5 PROTO=TCP SPT=1 DPT=2"));
  CHECK_FALSE(ReadPacketFilterDrop("kernel: [UFW BLOCK] IN=eth0 OUT= PROTO=TCP SPT=1 DPT=2"));
  CHECK_FALSE(ReadPacketFilterDrop("rule: drop SRC=10.9.1.5 DST=10.9.3.5"));
}

TEST_CASE("plc13: ReadPacketFilterDrop reads the verdict in the rule's prefix, not in the host's name (RV, 2026-12-04)") {
  // A plain LOG rule's line on a host whose name holds a verdict word was read as a drop.
  CHECK_FALSE(ReadPacketFilterDrop("Aug 11 10:35:00 blockstore-3 kernel: NEW-CONN: IN=eth0 OUT= SRC=10.9.1.5 DST=10.9.3.5 PROTO=TCP SPT=1 DPT=2"));
  CHECK_FALSE(ReadPacketFilterDrop("2026-08-11T10:35:00+00:00 dropbox-gw kernel: [12.5] IN=eth0 OUT= SRC=10.9.1.5 DST=10.9.3.5 PROTO=TCP SPT=1 DPT=2"));
  // The same hosts' drops are still read; an accept on a host named "accept-1" is still an accept.
  CHECK(ReadPacketFilterDrop("Aug 11 10:35:00 blockstore-3 kernel: nft_drop: IN=eth0 OUT= SRC=10.9.1.5 DST=10.9.3.5 PROTO=TCP SPT=1 DPT=2"));
  CHECK(ReadPacketFilterDrop("Aug 11 10:35:00 accept-1 kernel: [UFW BLOCK] IN=eth0 OUT= SRC=10.9.1.5 DST=10.9.3.5 PROTO=TCP SPT=1 DPT=2"));
}

// Four nodes; fw-3's ranks time out (or are refused) connecting to fw-1's bootstrap address, rank 0's
// store misses 8 clients; `drop` in fw-3's journal.
Json FilterCase(const std::string& drop, const std::string& err = "Connection timed out") {
  std::vector<std::string> main = {"fw-1:900:900 [0] NCCL INFO Bootstrap : Using eth0:10.9.1.5<0>",
                                   "fw-2:908:908 [0] NCCL INFO Bootstrap : Using eth0:10.9.2.5<0>",
                                   "fw-4:924:924 [0] NCCL INFO Bootstrap : Using eth0:10.9.4.5<0>"};
  for (int g : {0, 1, 4}) {
    main.push_back("fw-3:14" + std::to_string(g) + "0:14" + std::to_string(g) + "0 [" + std::to_string(g) +
                   "] misc/socket.cc:567 NCCL WARN socketStartConnect: Connect to 10.9.1.5<41233> failed : " + err);
  }
  main.push_back("[rank0]: torch.distributed.DistStoreError: Timed out after 1801 seconds waiting for clients. 24/32 clients joined.");
  std::vector<std::string> journal = {"Mar 02 09:58:00 fw-3 systemd[1]: Started Session 4 of User root."};
  if (!drop.empty()) journal.push_back(drop);
  return Case("t-plc13-filter", {"fw-1", "fw-2", "fw-3", "fw-4"},
              Json::array({Log("fw-1/pod/trainer-master-0", main), Log("fw-3/journal", journal)}));
}

TEST_CASE("plc13: one node's packet filter dropping its peers' packets is that node's misconfiguration") {
  // Before (5f1b297f): nccl_network_misconfig @ job for each.
  CHECK(testing::CaseAnswer(FilterCase("Mar 02 10:05:00 fw-3 kernel: iptables REJECT: IN=eth0 OUT= MAC=aa SRC=10.9.1.5 "
                                       "DST=10.9.3.5 LEN=60 TOS=0x00 PROTO=TCP SPT=41233 DPT=51000 WINDOW=64240 SYN")) ==
        "nccl_network_misconfig @ fw-3");
  CHECK(testing::CaseAnswer(FilterCase("Mar 02 10:05:00 fw-3 kernel: [UFW BLOCK] IN=eth0 OUT= MAC=aa SRC=10.9.1.5 "
                                       "DST=10.9.3.5 LEN=60 PROTO=TCP SPT=41233 DPT=51000 SYN",
                                       "Connection refused")) == "nccl_network_misconfig @ fw-3");
  // Twin: another peer's address (fw-2), a port no failed connect names.
  CHECK(testing::CaseAnswer(FilterCase("Mar 02 10:05:00 fw-3 kernel: filter_IN_public_REJECT: IN=eth0 OUT= MAC=aa SRC=10.9.2.5 "
                                       "DST=10.9.3.5 LEN=60 PROTO=TCP SPT=35555 DPT=52000 SYN")) == "nccl_network_misconfig @ fw-3");
  // Near misses: no filter line; an outside address on the SSH port; an accepted packet.
  CHECK(testing::CaseAnswer(FilterCase("")) == "nccl_network_misconfig @ job");
  CHECK(testing::CaseAnswer(FilterCase("Mar 02 10:05:00 fw-3 kernel: [UFW BLOCK] IN=eth0 OUT= MAC=aa SRC=203.0.113.9 "
                                       "DST=10.9.3.5 LEN=60 PROTO=TCP SPT=51515 DPT=22 SYN")) == "nccl_network_misconfig @ job");
  CHECK(testing::CaseAnswer(FilterCase("Mar 02 10:05:00 fw-3 kernel: [UFW ALLOW] IN=eth0 OUT= MAC=aa SRC=10.9.1.5 "
                                       "DST=10.9.3.5 LEN=60 PROTO=TCP SPT=41233 DPT=51000 SYN")) == "nccl_network_misconfig @ job");
}

}  // namespace
}  // namespace vigil
