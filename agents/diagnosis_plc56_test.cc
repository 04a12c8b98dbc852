// PLC56 (2026-12-07): older misses of the seen sets (agents/HISTORY.md's PLC56 section), each reading
// with near misses, and small cases through the whole reasoner that answered the old wrong answer on
// the base code (2eeebdc5):
// - NCCL's queue-pair connect failure towards a link-local GID ("ibv_modify_qp failed with 110
//   Connection timed out, local GID ::ffff:0.0.0.0, remote GID fe80::...") under a stated link-local
//   GID index on RoCE, failures on two nodes, where the same collective passed under a routable index
//   (realistic50 rl50-12: ib_link_failure 0.42); PLC55's reading of it, with PLC29's one-subnet and
//   PLC31's one-NIC near misses as vetoes (gid_index_connect.h);
// - a NIC's degraded PCIe link printed by bus id only ("mlx5_core 0000:b3:00.0: ... limited by 16.0
//   GT/s PCIe x8 link") is the HCA the node's other lines state at that link ("NET/IB : mlx5_5 speed
//   400000 Mbps, PCI link 16.0 GT/s x8") (realistic50 rl50-17: placed on the node; nic_pci_link.h);
// - mlxlink's "Link Down Counter : 14" is a port's link-down count, and a log named after the tool and
//   one HCA ("node/mlxlink-mlx5_5.txt") names the port its counters are of (realistic50 rl50-30:
//   placed on the node; port_phy_errors.h);
// - the flight recorder's "ranks not entering SeqNum 88121: [66]" names the rank the hang waits for
//   (realistic50 rl50-03: placed on the job; hang_reports.h);
// - a log saved under a note naming its rank ("pod/worker-2 (previous, rank 20)") whose own "[rankN]:"
//   lines are all that rank's: its unprefixed crash lines are that rank's (realistic49 rl49-19: placed
//   on the node; noted_rank_source.h).
// Evidence written for these tests, not copied from a case.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/gid_index_connect.h"
#include "agents/hang_reports.h"
#include "agents/logs_case_testing.h"
#include "agents/nic_pci_link.h"
#include "agents/noted_rank_source.h"
#include "agents/port_phy_errors.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

// The case's answer; with PLC56_DUMP set to a folder, the case is also written there as NAME.json, so
// that an older `vigil diagnose --case` can be run on it (how these tests were seen failing on 2eeebdc5).
std::string Answer(const Json& c, const std::string& name) { return testing::CaseAnswerDumped(c, name, "PLC56_DUMP"); }

std::string ConnectLine(const std::string& host, const std::string& local_gid, const std::string& remote_gid) {
  return host + ":31:44 [0] transport/net_ib.cc:1020 NCCL WARN NET/IB : ibv_modify_qp failed with 110 Connection timed out, "
                "local GID " + local_gid + ", remote GID " + remote_gid;
}

std::string RetryLine(const std::string& host, const std::string& peer) {
  return host + ":31:45 [1] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer " + peer +
         "<4100> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=0 vendor err 129 hca mlx5_1";
}

std::vector<std::string> ConnectLines(const std::string& index) {
  return {"NCCL_IB_GID_INDEX=" + index,
          "gq-1:31:31 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/RoCE [1]mlx5_1:1/RoCE ; OOB eth0:10.7.1.1<0>",
          ConnectLine("gq-5", "::ffff:0.0.0.0", "fe80::9a03:9bff:fe11:2"),
          RetryLine("gq-9", "10.7.1.5"),
          "[rank0]:[E1207 09:10:41.001002 ProcessGroupNCCL.cpp:616] [Rank 0] Watchdog caught collective operation timeout: "
          "WorkNCCL(SeqNum=1, OpType=ALLREDUCE) ran for 600000 milliseconds before timing out."};
}

const std::vector<std::string> kPassIndex3 = {"busbw 351 GB/s with NCCL_IB_GID_INDEX=3"};

Json GidCase(const std::string& index, const std::string& probe_reason, const std::string& probe_status = "pass") {
  Json c = Case("t-plc56-gid", {"gq-1", "gq-5", "gq-9", "gq-12"}, Json::array({Log("worker-0.log", ConnectLines(index))}));
  if (!probe_reason.empty()) {
    c["probes"]["nccl.allreduce@job"] = {{"probe", "nccl.allreduce"}, {"target", "job"},        {"status", probe_status},
                                         {"metrics", Json::object()},  {"reason", probe_reason}, {"duration_s", 60.0}};
  }
  return c;
}

}  // namespace

TEST_CASE("plc56: StatesRoutableGidIndex and PassingProbeTexts") {
  CHECK(StatesRoutableGidIndex("busbw 366 GB/s (probe env NCCL_IB_GID_INDEX=3)"));
  CHECK(StatesRoutableGidIndex("gq-1:1:1 [0] NCCL INFO NCCL_IB_GID_INDEX set by environment to 2."));
  CHECK_FALSE(StatesRoutableGidIndex("NCCL_IB_GID_INDEX=1"));
  CHECK_FALSE(StatesRoutableGidIndex("NCCL_IB_GID_INDEX=0 busbw 20 GB/s"));
  CHECK_FALSE(StatesRoutableGidIndex("busbw 366 GB/s"));
  Json probes = Json::object();
  probes["a@job"] = {{"status", "pass"}, {"reason", "ok, NCCL_IB_GID_INDEX=3"}};
  probes["b@job"] = {{"status", "fail"}, {"reason", "NCCL_IB_GID_INDEX=3 failed"}};
  const std::vector<std::string> passing = PassingProbeTexts(probes);
  REQUIRE(passing.size() == 1);
  CHECK(passing[0] == "ok, NCCL_IB_GID_INDEX=3");
}

TEST_CASE("plc56: ReadGidIndexConnectFailures keeps PLC29's subnet and PLC31's distinct-NIC checks") {
  const GidIndexConnectReading r = ReadGidIndexConnectFailures(ConnectLines("0"), kPassIndex3);
  CHECK(r.found);
  CHECK(r.nodes == 2);
  CHECK(r.routable_pass);
  CHECK(r.gid == "fe80::9a03:9bff:fe11:2");
  // No evidence the traffic is routed (one peer named, no run under a routable index): not the index.
  CHECK_FALSE(ReadGidIndexConnectFailures(ConnectLines("0")).found);
  // Routed by the peers' subnets (PLC29's positive reading): two /24s.
  std::vector<std::string> two = ConnectLines("0");
  two.push_back(RetryLine("gq-12", "10.7.2.9"));
  CHECK(ReadGidIndexConnectFailures(two).found);
  // A routable index stated by the job itself: not the index.
  CHECK_FALSE(ReadGidIndexConnectFailures(ConnectLines("3"), kPassIndex3).found);
  // PLC29: two peers named, both in one /24: one L2 segment, where link-local GIDs connect.
  std::vector<std::string> l2 = ConnectLines("0");
  l2.push_back(RetryLine("gq-12", "10.7.1.9"));
  CHECK_FALSE(ReadGidIndexConnectFailures(l2, kPassIndex3).found);
  // PLC31: one NIC's local GID on every failure line naming one.
  std::vector<std::string> one_nic = ConnectLines("0");
  one_nic[2] = ConnectLine("gq-5", "fe80::b8ce:1", "fe80::5a:77");
  one_nic.push_back(ConnectLine("gq-9", "fe80::b8ce:1", "fe80::5a:77"));
  CHECK_FALSE(ReadGidIndexConnectFailures(one_nic, kPassIndex3).found);
  one_nic.back() = ConnectLine("gq-9", "fe80::b8ce:2", "fe80::5a:77");  // two NICs' GIDs: read
  CHECK(ReadGidIndexConnectFailures(one_nic, kPassIndex3).found);
  // One writer only; no RoCE line (InfiniBand).
  std::vector<std::string> one = ConnectLines("0");
  one[3] = RetryLine("gq-5", "10.7.3.5");
  CHECK_FALSE(ReadGidIndexConnectFailures(one, kPassIndex3).found);
  std::vector<std::string> ib = ConnectLines("0");
  ib[1] = "gq-1:31:31 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB ; OOB ib0:10.7.1.1<0>";
  CHECK_FALSE(ReadGidIndexConnectFailures(ib, kPassIndex3).found);
}

TEST_CASE("plc56: a connect timeout towards a link-local GID under GID index 0, passing under index 3, is the GID index") {
  // Before (2eeebdc5): ib_link_failure @ gq-9/mlx5_1.
  CHECK(Answer(GidCase("0", "busbw 351 GB/s (probe env NCCL_IB_GID_INDEX=3)"), "plc56_gid") == "nccl_network_misconfig @ job");
  // Near misses: no passing run under another index; the passing run under the same index; a failed one.
  CHECK(Answer(GidCase("0", ""), "plc56_gid_noprobe").rfind("nccl_network_misconfig", 0) != 0);
  CHECK(Answer(GidCase("0", "busbw 351 GB/s (probe env NCCL_IB_GID_INDEX=0)"), "plc56_gid_same").rfind("nccl_network_misconfig", 0) != 0);
  CHECK(Answer(GidCase("0", "busbw 3 GB/s (probe env NCCL_IB_GID_INDEX=3)", "fail"), "plc56_gid_fail").rfind("nccl_network_misconfig", 0) != 0);
}

namespace {

const std::string kLimited =
    "[Sun Dec  6 09:12:03 2026] mlx5_core 0000:C4:00.0: 126.024 Gb/s available PCIe bandwidth, limited by 16.0 GT/s PCIe x8 link "
    "at 0000:c0:02.0 (capable of 504.112 Gb/s with 32.0 GT/s PCIe x16 link)";

std::string NcclLink(const std::string& hca, const std::string& link) {
  return "pn-07:150:620 [3] NCCL INFO NET/IB : " + hca + " speed 400000 Mbps, PCI link " + link;
}

Json NicLinkCase(const std::vector<std::string>& rank_lines) {
  std::vector<std::string> rank = {"[rank0]: step 5000 loss 2.41 tps 2913",
                                   "[rank0]: step 5010 loss 2.40 tps 1710"};
  rank.insert(rank.end(), rank_lines.begin(), rank_lines.end());
  return Case("t-plc56-niclink", {"pn-06", "pn-07", "pn-08"},
              Json::array({Log("pn-07/dmesg", {kLimited}), Log("kubectl logs train-worker-0", rank)}));
}

}  // namespace

TEST_CASE("plc56: LimitedLinkOfBus, HcaPcieLinkOnLine and HcaAtLimitedLink") {
  auto l = LimitedLinkOfBus(kLimited, "c4:00.0");
  REQUIRE(l.has_value());
  CHECK(l->gts == 16.0);
  CHECK(l->width == 8);
  CHECK_FALSE(LimitedLinkOfBus(kLimited, "c5:00.0").has_value());
  CHECK_FALSE(LimitedLinkOfBus("pci 0000:c4:00.0: 126.024 Gb/s available PCIe bandwidth, limited by 16.0 GT/s PCIe x8 link", "c4:00.0"));
  auto h = HcaPcieLinkOnLine(NcclLink("mlx5_3", "16.0 GT/s x8"));
  REQUIRE(h.has_value());
  CHECK(h->first == "mlx5_3");
  CHECK(h->second == PcieLinkState{16.0, 8});
  h = HcaPcieLinkOnLine("mlx5_2: LnkSta: Speed 16GT/s (downgraded), Width x8 (downgraded)");
  REQUIRE(h.has_value());
  CHECK(h->second == PcieLinkState{16.0, 8});
  CHECK_FALSE(HcaPcieLinkOnLine("mlx5_2 mlx5_3 PCI link 16.0 GT/s x8").has_value());  // two HCAs
  CHECK_FALSE(HcaPcieLinkOnLine("LnkSta: Speed 16GT/s (downgraded), Width x8").has_value());  // no HCA
  CHECK(HcaAtLimitedLink({kLimited, NcclLink("mlx5_3", "16.0 GT/s x8"), NcclLink("mlx5_2", "32.0 GT/s x16")}, "c4:00.0") == "mlx5_3");
  // Near misses: no HCA at the degraded link; two at it; a bus id with no driver line.
  CHECK(HcaAtLimitedLink({kLimited, NcclLink("mlx5_3", "32.0 GT/s x16")}, "c4:00.0").empty());
  CHECK(HcaAtLimitedLink({kLimited, NcclLink("mlx5_3", "16.0 GT/s x8"), NcclLink("mlx5_2", "16.0 GT/s x8")}, "c4:00.0").empty());
  CHECK(HcaAtLimitedLink({NcclLink("mlx5_3", "16.0 GT/s x8")}, "c4:00.0").empty());
  // Figures beyond double / int range on a garbage line: no link read, no exception (std::stod / std::stoi
  // threw std::out_of_range before).
  const std::string huge(400, '9');
  CHECK_FALSE(LimitedLinkOfBus("mlx5_core 0000:c4:00.0: 126.024 Gb/s available PCIe bandwidth, limited by " + huge +
                                   " GT/s PCIe x8 link",
                               "c4:00.0"));
  CHECK_FALSE(LimitedLinkOfBus("mlx5_core 0000:c4:00.0: 126.024 Gb/s available PCIe bandwidth, limited by 16.0 GT/s PCIe x" +
                                   huge + " link",
                               "c4:00.0"));
  CHECK_FALSE(HcaPcieLinkOnLine(NcclLink("mlx5_3", huge + " GT/s x8")).has_value());
  CHECK_FALSE(HcaPcieLinkOnLine(NcclLink("mlx5_3", "16.0 GT/s x" + huge)).has_value());
}

TEST_CASE("plc56: a NIC's degraded PCIe link printed by bus id is placed on the HCA stated at that link") {
  // Before (2eeebdc5): pcie_link_degraded @ pn-07.
  CHECK(Answer(NicLinkCase({NcclLink("mlx5_3", "16.0 GT/s x8"), NcclLink("mlx5_2", "32.0 GT/s x16")}), "plc56_niclink") ==
        "pcie_link_degraded @ pn-07/mlx5_3");
  // Near miss: every HCA stated at full link: the node, as before.
  CHECK(Answer(NicLinkCase({NcclLink("mlx5_3", "32.0 GT/s x16")}), "plc56_niclink_full") == "pcie_link_degraded @ pn-07");
}

TEST_CASE("plc56: mlxlink's Link Down Counter and an HCA named by the log's own name") {
  auto p = FindPortPhyErrors({"State                           : Active", "Link Down Counter               : 14"});
  REQUIRE(p.has_value());
  CHECK(p->counter == "Link Down Counter");
  CHECK(p->value == 14);
  CHECK(p->hca.empty());
  CHECK_FALSE(FindPortPhyErrors({"Link Down Counter               : 2"}).has_value());  // below kPhyLinkDownMin
  CHECK(HcaNamedBySource("pn-03/mlxlink-mlx5_5.txt") == "mlx5_5");
  CHECK(HcaNamedBySource("pn-03/ethtool-S-mlx5_12.log") == "mlx5_12");
  CHECK(HcaNamedBySource("pn-03/dmesg-mlx5_5.txt").empty());             // not a port tool's output
  CHECK(HcaNamedBySource("pn-03/mlxlink-mlx5_1-mlx5_2.txt").empty());    // two HCAs
  CHECK(HcaNamedBySource("pn-03/mlxlink.txt").empty());
}

namespace {

Json FlapCase(const std::string& mlxlink_source, const std::vector<std::string>& counters) {
  return Case("t-plc56-flap", {"pn-01", "pn-03", "pn-09"},
              Json::array({Log("slurm-4410.out",
                               {"pn-09:7101:7320 [5] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer "
                                "10.70.9.3<7012> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=0 vendor err 129 (Recv) hca mlx5_5",
                                "[rank0]:[E1206 17:11:31.000101 ProcessGroupNCCL.cpp:616] [Rank 0] Watchdog caught collective "
                                "operation timeout: WorkNCCL(SeqNum=30100, OpType=ALLREDUCE)"}),
                           Log(mlxlink_source, counters)}));
}

}  // namespace

TEST_CASE("plc56: a port's mlxlink counters in a log named after its HCA place the link on that HCA") {
  const std::vector<std::string> flaps = {"State                           : Active", "Effective Physical BER          : 1E-15",
                                          "Link Down Counter               : 14"};
  // Before (2eeebdc5): ib_link_failure @ pn-09/mlx5_5 (the peer that wrote the completion error).
  CHECK(Answer(FlapCase("pn-03/mlxlink-mlx5_5.txt", flaps), "plc56_flap") == "ib_link_failure @ pn-03/mlx5_5");
  // The log's name holds no HCA: the node only.
  CHECK(Answer(FlapCase("pn-03/mlxlink.txt", flaps), "plc56_flap_node") == "ib_link_failure @ pn-03");
  // Near miss: a healthy port's counters (one link down): not read, the writer's NIC as before.
  CHECK(Answer(FlapCase("pn-03/mlxlink-mlx5_5.txt", {"State : Active", "Link Down Counter               : 1"}), "plc56_flap_ok") ==
        "ib_link_failure @ pn-09/mlx5_5");
}

TEST_CASE("plc56: FindReportedLaggards reads the flight recorder's ranks not entering a SeqNum") {
  std::vector<ReportedLaggard> r = FindReportedLaggards(
      {"[rank0]:[E1206 11:12:42.001122 ProcessGroupNCCL.cpp:1595] [PG 0 Rank 0] Flight recorder: ranks not entering SeqNum 88121: [13]"});
  REQUIRE(r.size() == 1);
  CHECK(r[0].rank == 13);
  CHECK(FindReportedLaggards({"flight recorder: ranks missing from seq 912: [3, 7]"}).size() == 2);
  // Near misses: more than 4 ranks; an empty list; the ranks that did enter.
  CHECK(FindReportedLaggards({"Flight recorder: ranks not entering SeqNum 88121: [3, 4, 5, 6, 7]"}).empty());
  CHECK(FindReportedLaggards({"Flight recorder: ranks not entering SeqNum 88121: []"}).empty());
  CHECK(FindReportedLaggards({"Flight recorder: ranks entering SeqNum 88121: [13]"}).empty());
}

namespace {

Json NotEnteringCase(const std::string& recorder) {
  std::vector<std::string> out;
  for (int r : {0, 4, 9}) {
    out.push_back("[rank" + std::to_string(r) + "]:[E1206 04:11:09.220 ProcessGroupNCCL.cpp:616] [Rank " + std::to_string(r) +
                  "] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=9120, OpType=ALLREDUCE, NumelIn=4096, "
                  "NumelOut=4096, Timeout(ms)=600000) ran for 600021 milliseconds before timing out.");
  }
  out.push_back(recorder);
  return Case("t-plc56-fr", {"fx-01", "fx-02"}, Json::array({Log("fx-01/train.out", out)}));
}

}  // namespace

TEST_CASE("plc56: the rank the flight recorder lists as not entering the collective is the hang's place") {
  // Before (2eeebdc5): nccl_collective_hang @ job.
  CHECK(Answer(NotEnteringCase("[rank0]:[E1206 04:11:10.001 ProcessGroupNCCL.cpp:1595] [PG 0 Rank 0] Flight recorder: ranks not "
                               "entering SeqNum 9120: [13]"),
               "plc56_fr") == "nccl_collective_hang @ fx-02/gpu5");
  // Near miss: five ranks listed: no one rank, the job as before.
  CHECK(Answer(NotEnteringCase("[rank0]:[E1206 04:11:10.001 ProcessGroupNCCL.cpp:1595] [PG 0 Rank 0] Flight recorder: ranks not "
                               "entering SeqNum 9120: [3, 5, 8, 13, 14]"),
               "plc56_fr_many") == "nccl_collective_hang @ job");
}

TEST_CASE("plc56: NotedSourceRank reads a source's rank note only where its prefixed lines agree") {
  const std::vector<std::string> own = {"[rank20]: async checkpoint: staging to pinned memory", "Fatal Python error: Segmentation fault"};
  CHECK(NotedSourceRank("pod/train-worker-2 (previous, rank 20)", own) == 20);
  CHECK(NotedSourceRank("pod/train-worker-2 (rank 20)", own) == 20);
  // Near misses: a line of another rank (a gathered log); no prefixed line; no note; a note naming no rank.
  CHECK_FALSE(NotedSourceRank("pod/train-worker-2 (previous, rank 20)", {"[rank20]: a", "[rank3]: b"}).has_value());
  CHECK_FALSE(NotedSourceRank("pod/train-worker-2 (previous, rank 20)", {"Fatal Python error: Segmentation fault"}).has_value());
  CHECK_FALSE(NotedSourceRank("pod/train-worker-2", own).has_value());
  CHECK_FALSE(NotedSourceRank("pod/train-worker-2 (previous)", own).has_value());
  CHECK_FALSE(NotedSourceRank("pod/train-worker-2 (ranks 20-27)", own).has_value());
}

namespace {

Json NotedCase(const std::string& crash_source, const std::string& first_line) {
  return Case("t-plc56-noted", {"nq-60", "nq-61", "nq-62", "nq-63"},
              Json::array({Log("pod/train-worker-0",
                               {"nq-61:90:311 [1] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer "
                                "10.60.3.62<40112> with status=IBV_WC_WR_FLUSH_ERR(5) opcode=0 len=0 vendor err 244 (Recv) hca mlx5_4",
                                "[rank9]:[E1204 21:48:31.200000 90 ProcessGroupNCCL.cpp:1895] [PG 0 Rank 9] Process group watchdog "
                                "thread terminated with exception: NCCL error: remote process exited or there was a network error"}),
                           Log(crash_source,
                               {first_line, "Fatal Python error: Segmentation fault",
                                "Thread 0x00007f2c51fff640 (most recent call first):",
                                "  File \"/usr/lib/python3.11/site-packages/torch/distributed/checkpoint/filesystem.py\", line 301 in "
                                "_write_files_from_queue"}),
                           Log("nq-62/dmesg", {"[Fri Dec 4 21:48:21 2026] pt_autograd_0[5520]: segfault at 18 ip 00007f2e93a1c2d4 sp "
                                               "00007f2c51ffd0a0 error 4 in libtorch_cpu.so[7f2e8f400000+1a3f2000]"})}));
}

}  // namespace

TEST_CASE("plc56: a crash in a log noted as one rank's, whose prefixed lines agree, is that rank's GPU") {
  // Before (2eeebdc5): rank_process_crash @ nq-62.
  CHECK(Answer(NotedCase("pod/train-worker-2 (previous, rank 20)", "[rank20]: async checkpoint: staging to pinned memory"),
               "plc56_noted") == "rank_process_crash @ nq-62/gpu4");
  // Near miss: the log's prefixed line is another rank's: the note is not read, the node as before.
  CHECK(Answer(NotedCase("pod/train-worker-2 (previous, rank 20)", "[rank17]: async checkpoint: staging to pinned memory"),
               "plc56_noted_other") == "rank_process_crash @ nq-62");
}

}  // namespace vigil
