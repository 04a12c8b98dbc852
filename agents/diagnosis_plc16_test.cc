// PLC16 (2026-12-05): the reasoner's open items on cases already seen - evidence written for these
// tests, not copied from a case.
//   1. A missing-rank list is read whole or not at all (FindNamedAbsentRanks): a list that ends in a
//      count ("missing 17, 40 ranks"), a rank range ("missing ranks: 8-11"), a count before the list
//      ("missing 2 ranks: [3, 7]").
//   2. One node's packet filter dropping another node's packets: the store's missing clients (as many
//      as that node's ranks) are its symptom, not a launch fault, and an NCCL test run inside one node
//      (its traffic never crosses the filter) does not count against it.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"
#include "agents/rendezvous_host.h"

namespace vigil {
namespace {

using Ranks = std::vector<std::pair<int, size_t>>;

TEST_CASE("plc16: FindNamedAbsentRanks reads a missing-rank list whole or not at all") {
  // A list that ends in a count is no list of ranks: no prefix of it is one either (rank 17 was named).
  CHECK(FindNamedAbsentRanks({"op 5512 BROADCAST: joined by 62 of 64 ranks, missing 17, 40 ranks"}).empty());
  CHECK(FindNamedAbsentRanks({"seq 90 ALLGATHER: entered by 120/128 ranks; missing: 3 and 8 ranks"}).empty());
  CHECK(FindNamedAbsentRanks({"barrier 7: 5/8 ranks arrived, missing 1, 2 of 8"}).empty());
  // A range is every rank in it (rank 8 alone was named), in each wording that takes a list.
  CHECK(FindNamedAbsentRanks({"fr_trace: missing ranks: 8-11"}) == Ranks{{8, 0}, {9, 0}, {10, 0}, {11, 0}});
  CHECK(FindNamedAbsentRanks({"op 77 ALLREDUCE: entered by 62/64 ranks, missing: [40-41]"}) == Ranks{{40, 0}, {41, 0}});
  CHECK(FindNamedAbsentRanks({"Ranks 4-5 failed to pass monitoredBarrier in 30000 ms"}) == Ranks{{4, 0}, {5, 0}});
  CHECK(FindNamedAbsentRanks({"waiting for ranks 3, 6-7"}) == Ranks{{3, 0}, {6, 0}, {7, 0}});
  // A range of many ranks names no culprit, as a long list does.
  CHECK(FindNamedAbsentRanks({"fr_trace: missing ranks: 8-15"}).empty());
  CHECK(FindNamedAbsentRanks({"fr_trace: missing ranks: 15-8"}).empty());  // not a range
  // A count before the list: the list is read (the count was read as the rank list and refused).
  CHECK(FindNamedAbsentRanks({"seq 90 ALLGATHER: entered by 126/128 ranks, missing 2 ranks: [3, 7]"}) ==
        Ranks{{3, 0}, {7, 0}});
  CHECK(FindNamedAbsentRanks({"collective 1204: missing 1 rank: {12}"}) == Ranks{{12, 0}});
  // The flight recorder's analyzer prints a Python set; a list of two stays two.
  CHECK(FindNamedAbsentRanks({"Not all ranks joining collective 880213 at entry 41: missing ranks {3, 17}"}) ==
        Ranks{{3, 0}, {17, 0}});
  // Near misses kept: counts alone; "rank 3 of 8" as the one waited for.
  CHECK(FindNamedAbsentRanks({"seq 90 ALLGATHER: entered by 126/128 ranks, missing 2 ranks"}).empty());
  CHECK(FindNamedAbsentRanks({"Timed out after 901 seconds waiting for clients. 24/32 clients joined."}).empty());
  CHECK(FindNamedAbsentRanks({"waiting on rank 3 of the pipeline group"}) == Ranks{{3, 0}});
  // Review RV (2026-12-05): the largest rank int32 holds, alone or ending a range, is read once
  // (the loop over a range's ranks stepped past it: signed overflow, a loop without end).
  CHECK(FindNamedAbsentRanks({"rank 2147483647 did not join the barrier"}) == Ranks{{2147483647, 0}});
  CHECK(FindNamedAbsentRanks({"fr_trace: missing ranks: 2147483646-2147483647"}) ==
        Ranks{{2147483646, 0}, {2147483647, 0}});
}

// A node-local NCCL test's pass as a case records it ("probe@node").
Json NcclPass(double busbw) {
  return Json{{"status", "pass"},
              {"metrics", {{"busbw_gb_s", busbw}, {"algbw_gb_s", busbw / 2}, {"errors", 0}}},
              {"thresholds", {{"busbw_gb_s_min", 300.0}}},
              {"reason", "all_reduce bus bandwidth within thresholds"},
              {"duration_s", 4.0}};
}

// Four nodes (8 ranks each); bx-3's ranks time out connecting to bx-1's bootstrap address (tied to
// bx-1 by its NCCL bootstrap line when `addresses`); the store (`store_line`) misses some clients;
// `drop` in bx-3's kernel log; node-local NCCL passes on bx-1 and bx-3 when `probes`.
Json StoreFilterCase(const std::string& drop, const std::string& store_line, bool probes, bool addresses = true) {
  std::vector<std::string> main;
  if (addresses) {
    main = {"bx-1:3100:3100 [0] NCCL INFO Bootstrap : Using ens5:172.16.8.11<0>",
            "bx-2:3100:3100 [0] NCCL INFO Bootstrap : Using ens5:172.16.8.12<0>",
            "bx-4:3100:3100 [0] NCCL INFO Bootstrap : Using ens5:172.16.8.14<0>"};
  }
  for (int g : {2, 3, 6}) {
    main.push_back("bx-3:52" + std::to_string(g) + "1:52" + std::to_string(g) + "1 [" + std::to_string(g) +
                   "] misc/socket.cc:567 NCCL WARN socketStartConnect: Connect to 172.16.8.11<39017> failed : "
                   "Connection timed out");
  }
  main.push_back(store_line);
  std::vector<std::string> kernel = {"Jun 14 03:10:02 bx-3 kernel: ena 0000:00:05.0 ens5: Link is up"};
  if (!drop.empty()) kernel.push_back(drop);
  Json c = testing::Case("t-plc16-store", {"bx-1", "bx-2", "bx-3", "bx-4"},
                         Json::array({testing::Log("bx-1/pod/pretrain-master-0", main), testing::Log("bx-3/kern.log", kernel)}));
  if (probes) c["probes"] = {{"nccl.allreduce@bx-1", NcclPass(421)}, {"nccl.allreduce@bx-3", NcclPass(398)}};
  return c;
}

constexpr char kDropFromBx1[] =
    "Jun 14 03:31:40 bx-3 kernel: nft_drop: IN=ens5 OUT= MAC=0e:aa SRC=172.16.8.11 DST=172.16.8.13 LEN=60 "
    "PROTO=TCP SPT=39017 DPT=48210 SYN";
constexpr char kTcpStore[] =
    "[rank0]: torch.distributed.DistStoreError: Timed out after 1800 seconds waiting for clients. 24/32 clients joined.";

TEST_CASE("plc16: ReadStoreJoinCount reads a store's joined count and its world size") {
  auto n = ReadStoreJoinCount(kTcpStore);
  REQUIRE(n);
  CHECK(n->joined == 24);
  CHECK(n->expected == 32);
  // c10d's store-based barrier.
  n = ReadStoreJoinCount(
      "RuntimeError: Timed out initializing process group in store based barrier on rank: 5, for key: "
      "store_based_barrier_key:1 (world_size=16, worker_count=8, timeout=0:30:00)");
  REQUIRE(n);
  CHECK(n->joined == 8);
  CHECK(n->expected == 16);
  n = ReadStoreJoinCount("Timed out initializing process group in store based barrier on rank 3, for key: "
                         "store_based_barrier_key:1 (world_size=32, num_workers_joined=24, timeout=0:30:00)");
  REQUIRE(n);
  CHECK(n->joined == 24);
  // Near misses: all joined; more joined than asked; a count of something else.
  CHECK_FALSE(ReadStoreJoinCount("Timed out after 900 seconds waiting for clients. 8/8 clients joined."));
  CHECK_FALSE(ReadStoreJoinCount("Timed out after 900 seconds waiting for clients. 9/8 clients joined."));
  CHECK_FALSE(ReadStoreJoinCount("loaded 24/32 shards of the checkpoint"));
}

// (intrusive: the NCCL tests are intrusive probes; `vigil diagnose --case` replays them.)
// Whether a passing probe's evidence was read against `category`, and whether one was said to be
// blind to it (NodeLocalPassBlind's note).
bool PassRefutes(const Diagnosis& d, const std::string& category) {
  for (const Evidence& e : d.evidence) {
    if (e.kind == EvidenceKind::kProbe && std::find(e.refutes.begin(), e.refutes.end(), category) != e.refutes.end()) {
      return true;
    }
  }
  return false;
}
bool SaidInsideOneNode(const Diagnosis& d) {
  for (const Evidence& e : d.evidence) {
    if (e.kind == EvidenceKind::kProbe && e.detail.find("the test ran inside one node") != std::string::npos) return true;
  }
  return false;
}

TEST_CASE("plc16: a node's packet filter explains the store's missing clients") {
  // Before (537cb9ed, `vigil diagnose --case` on this case as a file): nccl_network_misconfig @ bx-3
  // at 0.57 beside launch_config_error 0.21 (the store's line a launch signature at full weight).
  Diagnosis d = testing::RunCaseWithOwnProbes(StoreFilterCase(kDropFromBx1, kTcpStore, true), /*intrusive=*/true);
  CHECK(d.root_cause + " @ " + d.component == "nccl_network_misconfig @ bx-3");
  CHECK(d.confidence >= 0.8);
  CHECK(testing::ProbabilityOf(d, "launch_config_error") < 0.1);
  // Twins: c10d's store-based barrier; an iptables REJECT of an OUTPUT packet towards bx-1.
  d = testing::RunCaseWithOwnProbes(StoreFilterCase(
      kDropFromBx1,
      "[rank0]: RuntimeError: Timed out initializing process group in store based barrier on rank: 0, for key: "
      "store_based_barrier_key:1 (world_size=32, worker_count=24, timeout=0:30:00)",
      true), /*intrusive=*/true);
  CHECK(d.root_cause + " @ " + d.component == "nccl_network_misconfig @ bx-3");
  CHECK(d.confidence >= 0.8);
  d = testing::RunCaseWithOwnProbes(StoreFilterCase(
      "Jun 14 03:31:40 bx-3 kernel: iptables-out REJECT: IN= OUT=ens5 SRC=172.16.8.13 DST=172.16.8.11 LEN=60 "
      "PROTO=TCP SPT=48210 DPT=39017 SYN",
      kTcpStore, true), /*intrusive=*/true);
  CHECK(d.root_cause + " @ " + d.component == "nccl_network_misconfig @ bx-3");
  CHECK(d.confidence >= 0.8);
  // Near miss: 16 of 32 missing, two nodes' ranks; one node's filter does not explain them all, and
  // the store's line keeps its launch reading.
  const Diagnosis one = testing::RunCaseWithOwnProbes(StoreFilterCase(kDropFromBx1, kTcpStore, false));
  const Diagnosis two = testing::RunCaseWithOwnProbes(StoreFilterCase(
      kDropFromBx1,
      "[rank0]: torch.distributed.DistStoreError: Timed out after 1800 seconds waiting for clients. 16/32 clients joined.",
      false));
  CHECK(testing::ProbabilityOf(two, "launch_config_error") > 5 * testing::ProbabilityOf(one, "launch_config_error"));
}

TEST_CASE("plc16: an NCCL test inside one node does not refute a fault between nodes") {
  // Before (537cb9ed): each node-local pass -1.2 against nccl_network_misconfig, and the answer
  // launch_config_error @ job 0.45 (nccl_network_misconfig 0.06) for a node's ranks failing to connect
  // to another node's address.
  Diagnosis d = testing::RunCaseWithOwnProbes(StoreFilterCase("", kTcpStore, true), /*intrusive=*/true);
  REQUIRE(d.steps.size() > 0);
  CHECK_FALSE(PassRefutes(d, "nccl_network_misconfig"));
  CHECK(SaidInsideOneNode(d));
  CHECK(testing::ProbabilityOf(d, "nccl_network_misconfig") >= testing::ProbabilityOf(d, "launch_config_error"));
  // Near miss: the address the connections fail to is no node's (no bootstrap line ties it): nothing
  // says the fault is between nodes, and the passes count against the misconfiguration as before.
  d = testing::RunCaseWithOwnProbes(StoreFilterCase("", kTcpStore, true, /*addresses=*/false), /*intrusive=*/true);
  CHECK(PassRefutes(d, "nccl_network_misconfig"));
  CHECK_FALSE(SaidInsideOneNode(d));
}

}  // namespace
}  // namespace vigil
namespace vigil {
namespace {

// node_exporter's ethtool pause counter of one host as a case records it: flat for `flat` samples of
// 30 s, then rising by `step` a sample.
Json PauseCounter(const std::string& name, const std::string& host, const std::string& device, int flat, double step) {
  Json samples = Json::array();
  for (int i = 0; i < 20; ++i) {
    samples.push_back(Json::array({int64_t{1'796'000'000'000} + i * 30'000, 100.0 + (i < flat ? 0 : (i - flat + 1) * step)}));
  }
  return Json{{"name", name},
              {"labels", {{"instance", host + ":9100"}, {"job", "node-exporter"}, {"device", device}}},
              {"samples", samples}};
}

// Three RoCE hosts; rg-02's and rg-03's ranks report retry-exceeded completion errors (rg-02's first);
// no line says who sends pause. `sender`: the host whose transmitted-pause series rises ("" for none).
Json PauseCase(const std::string& sender) {
  std::vector<std::string> lines = {
      "rg-02:2211:2290 [1] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.30.0.3<41001> with "
      "status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.30.0.2 remoteGids::ffff:10.30.0.3 hca mlx5_1",
      "rg-03:3311:3390 [4] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.30.0.7<41003> with "
      "status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.30.0.3 remoteGids::ffff:10.30.0.7 hca mlx5_4",
      "[rank0]:[E1204 02:11:40.102000 ProcessGroupNCCL.cpp:1895] [PG 0 Rank 0] Process group watchdog thread terminated "
      "with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5"};
  Json c = testing::Case("t-plc16-pause", {"rg-02", "rg-03", "rg-07"}, Json::array({testing::Log("rg-02/pod/trainer-0", lines)}));
  Json m = Json::array();
  for (const std::string host : {"rg-02", "rg-03", "rg-07"}) {
    const bool sends = host == sender;
    m.push_back(PauseCounter("node_ethtool_tx_prio3_pause", host, "ens7np0", sends ? 6 : 20, sends ? 3.0e6 : 0));
    m.push_back(PauseCounter("node_ethtool_rx_prio3_pause", host, "ens7np0", sends || sender.empty() ? 20 : 7,
                             sends || sender.empty() ? 0 : 2.5e6));
  }
  c["metrics"] = m;
  return c;
}

TEST_CASE("plc16: a RoCE pause storm's sender read from the hosts' ethtool series") {
  // Before (537cb9ed): ib_link_failure on the first victim that reported a retry-exceeded error.
  const Diagnosis d = testing::RunCaseWithOwnProbes(PauseCase("rg-07"));
  CHECK(d.root_cause == "ib_link_failure");
  CHECK(d.component.rfind("rg-07", 0) == 0);
  // Near miss: no host's pause counters rise: the victim's own report places it, as before.
  const Diagnosis none = testing::RunCaseWithOwnProbes(PauseCase(""));
  CHECK(none.component.rfind("rg-07", 0) != 0);
}

}  // namespace
}  // namespace vigil
