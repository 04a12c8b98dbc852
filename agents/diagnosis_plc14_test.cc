// PLC14 (2026-12-04): other fabrics, other clouds (realistic25's seen misses) - evidence written
// for these tests, not copied from a case.
//   1. A network transport's errno ("Input/output error" of libfabric's fi_cq_readerr under NCCL's
//      NET/OFI) is no storage fault (IsNetworkTransportLine); the pack's EFA / libfabric entry
//      reads the plugin's completion errors and the EFA driver's device fault.
//   2. GPUDirect-TCPX / TCPXO: the plugin cannot reach the rxdm sidecar's unix socket on every
//      node: the job's NCCL setting (pack entry).
//   3. RoCE completion errors from link-local (fe80::) GIDs on several NICs: NCCL_IB_GID_INDEX
//      selects an unrouted GID (ReadLinkLocalGidErrors), not a link.
//   4. A hang summary that counts the ranks that entered a collective and lists the rest
//      ("entered by 127/128 ranks; missing: [77]") names the rank (FindNamedAbsentRanks).
//   5. The cloud terminating a VM (GCE host maintenance, preemption, EC2 spot termination) places
//      the crash of its ranks on that node (pack entry).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"
#include "agents/transport_line.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

TEST_CASE("plc14: IsNetworkTransportLine") {
  CHECK(IsNetworkTransportLine("node-3:811:900 [2] NCCL WARN NET/OFI Unable to read from fi_cq_readerr. RC: -5. Error: Input/output error"));
  CHECK(IsNetworkTransportLine("libfabric:7731:1701334455::cxi:core:cxip_cq_eq_progress():531<warn> fi_cq_readerr: Input/output error"));
  CHECK(IsNetworkTransportLine("[1701334455.120] [hpc-4:7731:0] ib_iface.c:746 UCX  ERROR ibv_poll_cq() failed: Input/output error"));
  CHECK(IsNetworkTransportLine("hx-2:71:90 [0] NCCL WARN NET/IB : Got completion from peer 10.1.1.2<4000> with error 5"));
  // Near misses: a file system's errno, a checkpoint path, a word that merely contains "fi_".
  CHECK_FALSE(IsNetworkTransportLine("OSError: [Errno 5] Input/output error: '/fsx/ckpt/iter_0004000/mp_rank_00/model_optim_rng.pt'"));
  CHECK_FALSE(IsNetworkTransportLine("EXT4-fs error (device nvme0n1p1): ext4_find_entry:1455: inode #2: comm python: reading directory lblock 0"));
  CHECK_FALSE(IsNetworkTransportLine("cp: error reading '/lustre/data/shard_0113.bin': Input/output error (fi_shard)"));
}

// 4 nodes; the ranks of `bad`'s GPUs print the aws-ofi-nccl completion errors, peers time out.
Json OfiCase(int bad_index, bool driver_lines, bool plugin_lines) {
  const std::string bad = "ofi-" + std::to_string(bad_index + 1);
  auto rank = [&](int local) { return std::to_string(bad_index * 8 + local); };
  std::vector<std::string> out = {
      "ofi-1:3100:3100 [0] NCCL INFO NET/OFI Selected Provider is efa, fabric is efa-direct (found 16 nics)",
      "ofi-1:3100:3100 [0] NCCL INFO Using network Libfabric"};
  if (plugin_lines) {
    out.push_back(rank(1) + ": " + bad + ":3301:3340 [1] NCCL WARN NET/OFI Request 0x7f00a810 completed with error. RC: 5. "
                  "Error: 13 (Unexpected transport error). Completed length: 0, Request: { dev: 1, size: 1048576, type: RECV }");
    out.push_back(rank(3) + ": " + bad + ":3303:3342 [3] NCCL WARN NET/OFI Unable to read from fi_cq_readerr. RC: -5. Error: Input/output error");
    out.push_back(rank(5) + ": " + bad + ":3305:3344 [5] NCCL WARN NET/OFI Unable to read from fi_cq_readerr. RC: -5. Error: Input/output error");
  }
  for (int r : {0, 9, 25}) {
    out.push_back(std::to_string(r) + ": [rank" + std::to_string(r) + "]:[E1130 07:12:40.000000 ProcessGroupNCCL.cpp:632] [Rank " +
                  std::to_string(r) + "] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=40412, OpType=ALLREDUCE, "
                  "Timeout(ms)=600000) ran for 600031 milliseconds before timing out.");
  }
  Json logs = Json::array({Log("train-8812.out", out)});
  if (driver_lines) {
    logs.push_back(Log(bad + " journalctl -k",
                       {"Nov 30 07:02:31 " + bad + " kernel: efa 0000:a3:00.0 efa_2: Failed to process command CREATE_AH (opcode 5) comp_status 7 err -110",
                        "Nov 30 07:02:32 " + bad + " kernel: efa 0000:a3:00.0 rdmap163s0: Port 1 link state changed to DOWN"}));
  }
  return Case("t-plc14-ofi", {"ofi-1", "ofi-2", "ofi-3", "ofi-4"}, logs);
}

TEST_CASE("plc14: a libfabric completion error is the node's fabric device, not its storage") {
  // Before (7f567933, pack without the EFA entry): storage_failure @ ofi-3 (the fi_cq_readerr EIO).
  CHECK(testing::CaseAnswer(OfiCase(2, true, true)) == "ib_link_failure @ ofi-3");
  // Twins: the plugin's lines alone; the EFA driver's lines alone (peers' timeouts around them).
  CHECK(testing::CaseAnswer(OfiCase(1, false, true)) == "ib_link_failure @ ofi-2");
  CHECK(testing::CaseAnswer(OfiCase(3, true, false)) == "ib_link_failure @ ofi-4");
  // The fi_cq_readerr lines' "Input/output error" is no storage evidence at all.
  for (const Hypothesis& h : testing::RunCaseWithOwnProbes(OfiCase(1, false, true)).hypotheses) {
    CHECK(h.category != "storage_failure");
  }
  // Near miss: a checkpoint write's EIO on a node of the same job stays storage.
  Json c = Case("t-plc14-eio", {"ofi-1", "ofi-2"},
                Json::array({Log("train.out", {"[rank0]: OSError: [Errno 5] Input/output error: '/fsx/ckpt/iter_0004000/model.pt'",
                                               "[rank8]:[E1130 07:12:40.000000 ProcessGroupNCCL.cpp:632] [Rank 8] Watchdog caught collective "
                                               "operation timeout: WorkNCCL(SeqNum=40412, OpType=ALLREDUCE, Timeout(ms)=600000) ran for "
                                               "600031 milliseconds before timing out."})}));
  CHECK(testing::CaseAnswer(c).rfind("storage_failure", 0) == 0);
}

// Every node's ranks fail to reach the receive-datapath daemon's socket (`plugin` is the NET/ name).
Json TcpxCase(const std::string& plugin, const std::string& dir, const std::vector<std::string>& nodes) {
  std::vector<std::string> out;
  int pid = 400;
  for (const std::string& n : nodes) {
    out.push_back(n + ":" + std::to_string(pid) + ":" + std::to_string(pid + 40) + " [0] NCCL WARN NET/" + plugin +
                  " : unix client: connect(" + dir + "/get_gpu_fd_0) failed: Connection refused");
    out.push_back(n + ":" + std::to_string(pid) + ":" + std::to_string(pid + 40) + " [0] NCCL INFO transport/net.cc:388 -> 3");
    ++pid;
  }
  out.push_back("[rank0]: torch.distributed.DistBackendError: NCCL error in: ProcessGroupNCCL.cpp:2027, internal error - please "
                "report this issue to the NCCL developers, NCCL version 2.21.5");
  out.push_back("E1130 06:30:52.400000 140 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: 1) local_rank: 0 "
                "(pid: 400) of binary: /usr/bin/python3");
  return Case("t-plc14-tcpx", nodes, Json::array({Log("kubectl logs -l job=llm -c trainer", out)}));
}

TEST_CASE("plc14: the GPUDirect TCP plugin cannot reach its daemon's socket on every node") {
  const std::vector<std::string> nodes = {"gk-a1", "gk-b2", "gk-c3", "gk-d4"};
  // Before (7f567933): rank_process_crash (the exit) over lines no signature read.
  CHECK(testing::CaseAnswer(TcpxCase("GPUDirectTCPX", "/var/run/rxdm", nodes)) == "nccl_network_misconfig @ job");
  // Twin: TCPXO's plugin name.
  CHECK(testing::CaseAnswer(TcpxCase("FasTrak", "/run/tcpxo", nodes)) == "nccl_network_misconfig @ job");
}

TEST_CASE("plc14: ReadLinkLocalGidErrors") {
  auto err = [](const std::string& host, const std::string& gid) {
    return host + ":1208:1297 [7] NCCL WARN NET/IB : Got completion from peer 10.9.2.1<41000> with status=IBV_WC_RETRY_EXC_ERR(12) "
                  "opcode=0 len=0 vendor err 129 (Recv) localGid " + gid + " remoteGids fe80::e41d:2d03:ff:1100 hca mlx5_3";
  };
  const std::string roce = "h1:1:1 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/RoCE [1]mlx5_1:1/RoCE [RO]; OOB eth0:10.9.1.1<0>";
  const std::string ib = "h1:1:1 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB [RO]; OOB ib0:10.9.1.1<0>";
  CHECK(LinkLocalCompletionGid(err("h1", "fe80::a288:c2ff:fe10:3a07")) == "fe80::a288:c2ff:fe10:3a07");
  CHECK(LinkLocalCompletionGid(err("h1", "::ffff:10.9.1.1")).empty());
  CHECK(ShowsRoce(roce));
  CHECK(ShowsRoce("\t\t\tlink_layer:\t\tEthernet"));
  CHECK_FALSE(ShowsRoce(ib));
  const std::vector<std::string> three = {roce, err("h1", "fe80::1"), err("h2", "fe80::2"), err("h3", "fe80::3")};
  LinkLocalGidReading r = ReadLinkLocalGidErrors(three);
  CHECK(r.found);
  CHECK(r.first == 1);
  CHECK(r.gids == 3);
  // Near misses: InfiniBand (fe80:: by design); one NIC's errors repeated; routable GIDs.
  CHECK_FALSE(ReadLinkLocalGidErrors({ib, err("h1", "fe80::1"), err("h2", "fe80::2"), err("h3", "fe80::3")}).found);
  CHECK_FALSE(ReadLinkLocalGidErrors({roce, err("h1", "fe80::1"), err("h1", "fe80::1"), err("h1", "fe80::1")}).found);
  CHECK_FALSE(ReadLinkLocalGidErrors({roce, err("h1", "::ffff:10.9.1.1"), err("h2", "::ffff:10.9.1.2"), err("h3", "::ffff:10.9.1.3")}).found);
}

// 6 RoCE nodes in two racks; `gids` of them print retry-exceeded completions from their local GID.
Json GidCase(const std::string& link_layer, const std::vector<std::string>& gids) {
  const std::vector<std::string> nodes = {"rk1-a", "rk1-b", "rk1-c", "rk2-a", "rk2-b", "rk2-c"};
  std::vector<std::string> out = {"[2026-11-30 09:00:01] + export NCCL_IB_GID_INDEX=1",
                                  "rk1-a:900:900 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/" + link_layer + " [1]mlx5_1:1/" +
                                      link_layer + " [RO]; OOB eth0:10.9.1.1<0>"};
  for (size_t i = 0; i < gids.size(); ++i) {
    out.push_back(nodes[i] + ":907:990 [1] NCCL WARN NET/IB : Got completion from peer 10.9.2." + std::to_string(i + 1) +
                  "<41000> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=0 len=0 vendor err 129 (Recv) localGid " + gids[i] +
                  " remoteGids fe80::b2:1 hca mlx5_1");
  }
  out.push_back("[rank0]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.");
  out.push_back("srun: error: rk1-a: tasks 0-7: Exited with exit code 1");
  return Case("t-plc14-gid", nodes, Json::array({Log("slurm-5120.out", out)}));
}

TEST_CASE("plc14: RoCE retry-exceeded from link-local GIDs on several nodes is the GID index") {
  // Before (7f567933): ib_link_failure on the first node's NIC.
  CHECK(testing::CaseAnswer(GidCase("RoCE", {"fe80::10:3a01", "fe80::11:3a01", "fe80::12:3a01", "fe80::13:3a01"})) ==
        "nccl_network_misconfig @ job");
  // Near misses: the same lines on InfiniBand; one RoCE NIC's link-local errors stay a link fault.
  CHECK(testing::CaseAnswer(GidCase("IB", {"fe80::10:3a01", "fe80::11:3a01", "fe80::12:3a01", "fe80::13:3a01"})).rfind("ib_link_failure", 0) == 0);
  CHECK(testing::CaseAnswer(GidCase("RoCE", {"fe80::10:3a01"})).rfind("ib_link_failure", 0) == 0);
}

TEST_CASE("plc14: FindNamedAbsentRanks reads a count of entered ranks and the missing list") {
  using P = std::vector<std::pair<int, size_t>>;
  CHECK(FindNamedAbsentRanks({"collective seq 1880412 ALLREDUCE (pg default_pg, numel 1): entered by 127/128 ranks; missing: [77]"}) ==
        P{{77, 0}});
  // Twins: "of", two ranks, no brackets.
  CHECK(FindNamedAbsentRanks({"op 5512 BROADCAST: joined by 62 of 64 ranks, missing 17, 40"}) == P{{17, 0}, {40, 0}});
  CHECK(FindNamedAbsentRanks({"x", "seq 90 ALLGATHER: started on 7/8 ranks - missing: 3"}) == P{{3, 1}});
  // Near misses: a count with nothing missing; a missing file; every rank there.
  CHECK(FindNamedAbsentRanks({"collective seq 1880411 ALLREDUCE: completed on 128/128 ranks"}).empty());
  CHECK(FindNamedAbsentRanks({"rank 3: checkpoint shard missing: [/fsx/ckpt/iter_25000/shard_77.pt]"}).empty());
  CHECK(FindNamedAbsentRanks({"entered by 128/128 ranks; missing: none"}).empty());
}

TEST_CASE("plc14: FindNamedAbsentRanks does not take a count of missing ranks for a rank (RV, 2026-12-04)") {
  // "missing 2 ranks" counts the absent ranks; it names none (read before as rank 2).
  CHECK(FindNamedAbsentRanks({"seq 90 ALLGATHER: entered by 126/128 ranks, missing 2 ranks"}).empty());
  CHECK(FindNamedAbsentRanks({"op 5512 BROADCAST: joined by 63 of 64 ranks; missing: 1 rank"}).empty());
  CHECK(FindNamedAbsentRanks({"barrier 7: 6/8 ranks arrived, missing 2 of 8"}).empty());
  CHECK(FindNamedAbsentRanks({"barrier 7: 6/8 ranks arrived, missing 2/8"}).empty());
  // The list itself is still read.
  using P = std::vector<std::pair<int, size_t>>;
  CHECK(FindNamedAbsentRanks({"barrier 7: 6/8 ranks arrived, missing 2, 5"}) == P{{2, 0}, {5, 0}});
}

TEST_CASE("plc14: a flight-recorder count with the missing rank places the hang on its GPU") {
  std::vector<std::string> out;
  for (int r : {0, 5, 21, 30}) {
    out.push_back("[rank" + std::to_string(r) + "]:[E1201 23:32:18.532750 ProcessGroupNCCL.cpp:632] [Rank " + std::to_string(r) +
                  "] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=7702, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, "
                  "Timeout(ms)=600000) ran for 600012 milliseconds before timing out.");
  }
  Json c = Case("t-plc14-fr", {"fr-1", "fr-2", "fr-3", "fr-4"},
                Json::array({Log("train.out", out),
                             Log("oncall", {"$ python tools/fr_trace.py /shared/fr/5512 --summary",
                                            "collective seq 7701 ALLREDUCE (pg default_pg): completed on 32/32 ranks",
                                            "collective seq 7702 ALLREDUCE (pg default_pg, numel 1): entered by 31/32 ranks; missing: [13]"})}));
  // Before (7f567933): nccl_collective_hang @ job.
  CHECK(testing::CaseAnswer(c) == "nccl_collective_hang @ fr-2/gpu5");
}

// Peers lose rank 16's node; `ops` is what the cloud's tools say of `node` (nodes[2]).
Json TerminatedCase(const std::vector<std::string>& ops) {
  std::vector<std::string> shell = {"$ gcloud compute operations list --filter=\"targetLink~cl-c\" --format='table(operationType,status,startTime)'"};
  shell.insert(shell.end(), ops.begin(), ops.end());
  return Case("t-plc14-term", {"cl-a", "cl-b", "cl-c", "cl-d"},
              Json::array({Log("kubectl logs trainer-0 --previous",
                               {"[rank0]:[E1130 03:33:29.091040 ProcessGroupNCCL.cpp:1785] [PG ID 0 PG GUID 0(default_pg) Rank 0] Process "
                                "group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network "
                                "error, NCCL version 2.21.5",
                                "[rank0]: NCCL WARN NET/Socket : Connection closed by remote peer 10.12.5.4<41022> (rank 16)"}),
                           Log("kubectl logs trainer-2 --previous",
                               {"W1130 03:32:58.091040 1 torch/distributed/elastic/agent/server/api.py:704] Received Signals.SIGTERM death "
                                "signal, shutting down workers"}),
                           Log("oncall shell", shell)}));
}

TEST_CASE("plc14: the cloud terminating a VM places its ranks' crash on that node") {
  // Before (7f567933): rank_process_crash @ cl-a/gpu0 (the first peer that reported it).
  // gcloud's default table names the instance in its TARGET column.
  CHECK(testing::CaseAnswer(TerminatedCase({"NAME  TYPE  TARGET  HTTP_STATUS  STATUS  TIMESTAMP",
                                            "systemevent-1701312777  compute.instances.terminateOnHostMaintenance  "
                                            "us-central1-a/instances/cl-c  200  DONE  2026-11-30T03:32:57.000-08:00"})) ==
        "rank_process_crash @ cl-c");
  // Twins: GKE's node event naming the node; a preemption.
  CHECK(testing::CaseAnswer(TerminatedCase({"default 12m Normal TerminatingOnHostMaintenance node/cl-c Host maintenance: instance "
                                            "will be terminated (onHostMaintenance=TERMINATE)"})) == "rank_process_crash @ cl-c");
  CHECK(testing::CaseAnswer(TerminatedCase({"systemevent-1701312801  compute.instances.preempted  us-central1-a/instances/cl-c  "
                                            "200  DONE  2026-11-30T03:32:57.000-08:00"})) == "rank_process_crash @ cl-c");
  // Near miss: a maintenance scheduled for later is no termination.
  CHECK(testing::CaseAnswer(TerminatedCase({"maintenance-event: MIGRATE_ON_HOST_MAINTENANCE scheduled 2026-12-05T02:00:00Z"})) !=
        "rank_process_crash @ cl-c");
}

}  // namespace
}  // namespace vigil
