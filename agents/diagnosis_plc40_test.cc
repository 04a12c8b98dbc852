// PLC40 (2026-12-06): realistic40's seen misses (NOT blind), general rules of builtin_reasoner.cc tested
// with cases written here in other words (nodes dgx-a, pt-; no case text of the set):
// 1. A whole node slow (a TP group: its ranks named together by a straggler report) while one of its
//    GPUs' NVLink error counters rise is that GPU's NVLink, not a straggler (rl40-05).
// 2. An untimed field of a torchrun error-summary entry is timed by the entry's `time`
//    (TorchrunEntryTime): the rank that crashed first leads over a peer that failed after it (rl40-16).
// 3. A shell prompt running a port's tool on one HCA ("$ perfquery -x -C mlx5_5 -P 1 | grep ...") heads
//    that HCA's counters below it (HintFromSection; rl40-12).
// 4. NCCL's port list mixing RoCE and IB ports on one host is the job's NCCL network setting (rl40-28).
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"
#include "agents/nccl_link_layers.h"
#include "agents/torchrun_entry_time.h"

namespace vigil {
namespace {

using testing::Case;
using testing::CaseAnswer;
using testing::GpuSeries;
using testing::Log;
using testing::MetricJson;

constexpr int64_t kT0 = 1796032800000;  // 2026-11-30T10:00:00Z

// Four 8-GPU nodes, TP8 inside each node (rank r on nodes[r / 8]); rank 0's log shows the steps slowing
// from 10:24 and a straggler report naming ranks 16-23 of dgx-a03 as one slow group, the TP all-reduce
// slow and the GEMMs not. `nvlink_node`'s GPU 5 has NVLink CRC / replay counters rising from 10:20.
Json SlowTpGroupCase(const std::string& nvlink_node) {
  std::vector<std::string> lines;
  for (int i = 0; i < 8; ++i) {
    char buf[200];
    const bool slow = i >= 4;
    std::snprintf(buf, sizeof buf, "0: [2026-11-30 10:%02d:00] step %d | step time %.1f s | loss %.4f", 8 + 4 * i,
                  5200 + 20 * i, slow ? 12.7 : 8.6, 2.11 - 0.002 * i);
    lines.push_back(buf);
  }
  lines.push_back(
      "0: straggler detector (nvidia-resiliency-ext): rank 16-23 (dgx-a03) relative GPU perf 0.66-0.68 of median; all "
      "other ranks 0.98-1.01");
  lines.push_back("0: straggler detector: section 'tp-allreduce' on ranks 16-23: 2.8x median; section 'gemm' on ranks 16-23: "
                  "1.00x median");
  Json c = Case("t-plc40-tp-nvlink", {"dgx-a01", "dgx-a02", "dgx-a03", "dgx-a04"},
                Json::array({Log("slurm-66120.out (srun -l)", lines)}));
  c["topology"]["rank_layout"] = "TP8 PP2 DP2: rank r on nodes[r // 8], GPU r % 8";
  c["alert"] = {{"status", "firing"},
                {"labels", {{"alertname", "TrainingStepTimeRegression"}, {"severity", "warning"}, {"Hostname", "dgx-a01"}}},
                {"annotations", {{"summary", "job 66120: step time 12.7 s, 47% above its 6 h median"}}},
                {"startsAt", "2026-11-30T10:30:00Z"}};
  std::vector<double> flat(46, 0.0), crc(46, 0.0), replay(46, 0.0);
  for (size_t i = 20; i < crc.size(); ++i) {
    crc[i] = 60.0 * static_cast<double>(i - 19);
    replay[i] = 55.0 * static_cast<double>(i - 19);
  }
  Json metrics = Json::array();
  for (int gpu : {4, 5}) {
    metrics.push_back(MetricJson(GpuSeries("DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", nvlink_node, gpu,
                                           "NVIDIA H100 80GB HBM3", kT0, 60000, gpu == 5 ? crc : flat)));
    metrics.push_back(MetricJson(GpuSeries("DCGM_FI_DEV_NVLINK_REPLAY_ERROR_COUNT_TOTAL", nvlink_node, gpu,
                                           "NVIDIA H100 80GB HBM3", kT0, 60000, gpu == 5 ? replay : flat)));
  }
  c["metrics"] = std::move(metrics);
  return c;
}

TEST_CASE("plc40: a whole TP group slow beside one of its GPUs' rising NVLink errors is that GPU's NVLink") {
  // Before: straggler_rank @ dgx-a01/gpu0 (rank 0's straggler lines, the KB's straggler recalls).
  CHECK(CaseAnswer(SlowTpGroupCase("dgx-a03")) == "nvlink_error @ dgx-a03/gpu5");
}

TEST_CASE("plc40: NVLink errors on another node than the slow TP group do not explain it (twin)") {
  const std::string answer = CaseAnswer(SlowTpGroupCase("dgx-a02"));
  CHECK(answer.rfind("straggler_rank @ ", 0) == 0);
}

// torchrun's root-cause entry for local rank 6 of ft-worker-1 (pt-02), dead of SIGSEGV at 08:02:33.
std::vector<std::string> SegfaultEntry() {
  return {
      "Root Cause (first observed failure):",
      "[0]:",
      "  time      : 2026-11-30_08:02:33",
      "  host      : ft-worker-1 (pt-02)",
      "  rank      : 14 (local_rank: 6)",
      "  exitcode  : -11 (pid: 3301)",
      "  error_file: <N/A>",
      "  traceback : Signal 11 (SIGSEGV) received by PID 3301",
  };
}

TEST_CASE("plc40 TorchrunEntryTime reads the time of the entry a field lies in") {
  std::vector<std::string> lines = {
      "[2026-11-30 08:02:33,120] torch.distributed.elastic.multiprocessing.api: [ERROR] failed (exitcode: -11) local_rank: 6"};
  for (const std::string& l : SegfaultEntry()) lines.push_back(l);
  for (const char* l : {"============================================================", "3: [1]:", "3:   time      : 2026-11-30_08:02:35",
                        "3:   exitcode  : 1 (pid: 3302)", "------------------------------------------------------------",
                        "  exitcode  : 1 (pid: 9)"}) {
    lines.push_back(l);
  }
  CHECK(TorchrunEntryTime(lines, 6) == "2026-11-30 08:02:33");
  CHECK(TorchrunEntryTime(lines, 8) == "2026-11-30 08:02:33");
  CHECK(TorchrunEntryTime(lines, 3) == "2026-11-30 08:02:33");  // the time field itself
  CHECK(TorchrunEntryTime(lines, 12) == "2026-11-30 08:02:35");  // srun's label before each line
  // No entry: the header itself, a line outside any entry, a field under no "[N]:" header, past the end.
  CHECK(TorchrunEntryTime(lines, 2) == "");
  CHECK(TorchrunEntryTime(lines, 0) == "");
  CHECK(TorchrunEntryTime(lines, 9) == "");
  CHECK(TorchrunEntryTime(lines, 14) == "");  // under a rule line, no header
  CHECK(TorchrunEntryTime(lines, 99) == "");
  // An entry whose time is not torchrun's form prints none.
  CHECK(TorchrunEntryTime({"[0]:", "  time      : <N/A>", "  exitcode  : -6 (pid: 1)"}, 2) == "");
}

// A 4-node torchtitan job in pods ft-worker-K on pt-0(K+1): local rank 6 of ft-worker-1 (pt-02) dies of
// SIGSEGV at 08:02:33; ft-worker-2's ranks fail on the broken connection and its agent reports exit
// code 1 at 08:02:41. The peer's log comes first in the case.
Json CrashThenPeerCase() {
  std::vector<std::string> peer;
  for (int r = 16; r < 20; ++r) {
    peer.push_back("[rank" + std::to_string(r) +
                   "]: torch.distributed.DistBackendError: NCCL error in: ProcessGroupNCCL.cpp:3356, remote process "
                   "exited or there was a network error, NCCL version 2.23.4");
    peer.push_back("[rank" + std::to_string(r) +
                   "]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting "
                   "prematurely.");
  }
  for (const char* l : {"pt-03:5120:5390 [0] NCCL INFO socketProgress: Connection closed by remote peer pt-02<40112>",
                        "[2026-11-30 08:02:41,550] torch.distributed.elastic.multiprocessing.api: [ERROR] failed (exitcode: 1) "
                        "local_rank: 0 (pid: 4410) of binary: /usr/bin/python3",
                        "Root Cause (first observed failure):", "[0]:", "  time      : 2026-11-30_08:02:40",
                        "  host      : ft-worker-2 (pt-03)", "  rank      : 16 (local_rank: 0)", "  exitcode  : 1 (pid: 4410)",
                        "  error_file: <N/A>"}) {
    peer.push_back(l);
  }
  std::vector<std::string> crashed = {
      "[rank14]:2026-11-30 07:10:02,400 - root - INFO - local_rank 6, cuda:6",
      "Fatal Python error: Segmentation fault",
      "Current thread 0x00007f10aa1c4740 (most recent call first):",
      "  File \"/opt/venv/lib/python3.11/site-packages/fastrope/ops.py\", line 88 in apply",
      "[2026-11-30 08:02:33,120] torch.distributed.elastic.multiprocessing.api: [ERROR] failed (exitcode: -11) "
      "local_rank: 6 (pid: 3301) of binary: /usr/bin/python3",
  };
  for (const std::string& l : SegfaultEntry()) crashed.push_back(l);
  Json c = Case("t-plc40-crash-peer", {"pt-01", "pt-02", "pt-03", "pt-04"},
                Json::array({Log("ft/ft-worker-2/trainer", peer), Log("ft/ft-worker-1/trainer", crashed)}));
  c["topology"]["rank_layout"] = "rank r on nodes[r // 8], GPU r % 8; pod ft-worker-k on nodes[k + 1]";
  c["alert"] = {{"status", "firing"},
                {"labels", {{"alertname", "PyTorchJobWorkerFailed"}, {"severity", "critical"}, {"pod", "ft-worker-2"},
                            {"Hostname", "pt-03"}}},
                {"annotations", {{"summary", "PyTorchJob ft: worker ft-worker-2 failed (NCCL remote error)"}}},
                {"startsAt", "2026-11-30T08:02:42Z"}};
  return c;
}

TEST_CASE("plc40: the rank that crashed first places the crash, not the peer that failed on the broken connection") {
  // Before: rank_process_crash @ pt-03/gpu0 (the peer's timed "failed (exitcode: 1)" led the untimed entry).
  CHECK(CaseAnswer(CrashThenPeerCase()) == "rank_process_crash @ pt-02/gpu6");
}

// Two nodes of an EP all-to-all over IB; an engineer's shell on ib-n2 pastes ibstat's states (all Active)
// and then `command`'s port counters: symbol errors and link-downed counts of one port.
Json PortCountersCase(const std::string& command) {
  std::vector<std::string> shell = {"$ ibstat | grep -E \"CA '|State|Rate\"   (ib-n2)"};
  for (int i = 0; i < 8; ++i) {
    shell.push_back("CA 'mlx5_" + std::to_string(i) + "'");
    shell.push_back("\t\tState: Active");
    // Every port at one rate: PLC39's slow-port reading (ib_port_rate.h) would place a port below its
    // peers' rate on that HCA whatever the prompt says, and this case is about the prompt alone.
    shell.push_back("\t\tRate: 400");
  }
  shell.push_back(command);
  shell.push_back("SymbolErrorCounter:..............187");
  shell.push_back("LinkDownedCounter:...............4");
  Json c = Case("t-plc40-port-counters", {"ib-n1", "ib-n2"}, Json::array({Log("ib-n2 engineer shell", shell)}));
  c["topology"]["rank_layout"] = "rank r on nodes[r // 8], GPU r % 8";
  return c;
}

TEST_CASE("plc40: a prompt running perfquery on one HCA places the counters below it on that HCA") {
  // Before: ib_link_failure @ ib-n2/mlx5_7 (ibstat's last "CA 'mlx5_7'" header above the prompt).
  CHECK(CaseAnswer(PortCountersCase("$ perfquery -x -C mlx5_5 -P 1 | grep -E 'LinkDowned|SymbolError'   (ib-n2)")) ==
        "ib_link_failure @ ib-n2/mlx5_5");
  CHECK(CaseAnswer(PortCountersCase("oncall@ib-n2:~$ sudo perfquery -C mlx5_5 -P 1 -x")) == "ib_link_failure @ ib-n2/mlx5_5");
}

TEST_CASE("plc40: a perfquery prompt naming no HCA leaves the counters the node's, not ibstat's last CA above it (twin)") {
  CHECK(CaseAnswer(PortCountersCase("$ perfquery -x -P 1 | grep -E 'LinkDowned|SymbolError'")) == "ib_link_failure @ ib-n2");
}

TEST_CASE("plc40 MixesLinkLayers: RoCE and IB ports in one NCCL device list") {
  CHECK(MixesLinkLayers("rc-b1:311:402 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/RoCE [1]mlx5_1:1/RoCE [2]mlx5_6:1/IB "
                        "[3]mlx5_7:1/IB ; OOB bond0:10.4.1.21<0>"));
  CHECK_FALSE(MixesLinkLayers("NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB ; OOB eth0:10.4.0.11<0>"));
  CHECK_FALSE(MixesLinkLayers("NCCL INFO NET/IB : Using [0]mlx5_0:1/RoCE [1]mlx5_1:1/RoCE ; OOB eth0:10.4.0.11<0>"));
  // Only the list before "; OOB" counts; not NCCL's list wording at all.
  CHECK_FALSE(MixesLinkLayers("NCCL INFO NET/IB : Using [0]mlx5_0:1/IB ; OOB note [1]mlx5_1:1/RoCE"));
  CHECK_FALSE(MixesLinkLayers("ports [0]mlx5_0:1/RoCE [1]mlx5_1:1/IB"));
  CHECK_FALSE(MixesLinkLayers(std::string(4001, 'x') + "NET/IB : Using [0]a:1/RoCE [1]b:1/IB"));
  CHECK(FindMixedLinkLayers({"x", "NET/IB : Using [0]m:1/IB [1]n:1/RoCE"}) == std::optional<size_t>(1));
  CHECK_FALSE(FindMixedLinkLayers({"x"}).has_value());
}

// An HSDP job over two pools (rc-a: IB only; rc-b: two RoCE ports listed first): the shard groups inside
// each node start; the replicate group across nodes never connects, and its ranks time out.
// `mixed`: rc-b1's NCCL list holds its RoCE ports beside its IB ones (else IB only: the twin).
Json MixedFabricCase(bool mixed) {
  std::vector<std::string> lines = {
      "rc-a1:2201:2290 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB ; OOB bond0:10.4.0.11<0>",
      std::string("rc-b1:3301:3390 [0] NCCL INFO NET/IB : Using ") +
          (mixed ? "[0]mlx5_0:1/RoCE [1]mlx5_1:1/RoCE" : "[0]mlx5_2:1/IB [1]mlx5_3:1/IB") + " ; OOB bond0:10.4.1.21<0>",
      "rc-b1:3301:3395 [0] transport/net_ib.cc:1102 NCCL WARN NET/IB : mlx5_0:1 ibv_modify_qp failed with 110 Connection "
      "timed out",
      "[rank16]:[E1130 11:40:03.120455 3301 ProcessGroupNCCL.cpp:1595] [PG ID 2 PG GUID 2(dp_replicate) Rank 2] Process "
      "group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error",
      "[rank0]:[E1130 11:40:41.000010 2201 ProcessGroupNCCL.cpp:616] [PG ID 2 PG GUID 2(dp_replicate) Rank 0] Watchdog caught "
      "collective operation timeout: WorkNCCL(SeqNum=1, OpType=ALLREDUCE, NumelIn=1048576, NumelOut=1048576, "
      "Timeout(ms)=600000) ran for 600021 milliseconds before timing out.",
      "[rank8]:[E1130 11:40:41.000012 2209 ProcessGroupNCCL.cpp:616] [PG ID 2 PG GUID 2(dp_replicate) Rank 1] Watchdog caught "
      "collective operation timeout: WorkNCCL(SeqNum=1, OpType=ALLREDUCE, NumelIn=1048576, NumelOut=1048576, "
      "Timeout(ms)=600000) ran for 600020 milliseconds before timing out.",
  };
  if (mixed) lines[1].insert(lines[1].find(" ; OOB"), " [2]mlx5_6:1/IB [3]mlx5_7:1/IB");
  Json c = Case("t-plc40-mixed-fabric", {"rc-a1", "rc-a2", "rc-b1", "rc-b2"}, Json::array({Log("hsdp job log (merged)", lines)}));
  c["topology"]["rank_layout"] = "rank r on nodes[r // 8], GPU r % 8";
  return c;
}

TEST_CASE("plc40: NCCL using RoCE and IB ports together on a host is the job's network setting") {
  // Before: nccl_collective_hang @ rc-a1/gpu0 0.31 (the replicate group's watchdog timeouts).
  CHECK(CaseAnswer(MixedFabricCase(true)) == "nccl_network_misconfig @ job");
  CHECK(CaseAnswer(MixedFabricCase(false)).rfind("nccl_network_misconfig", 0) != 0);  // twin: one fabric a host
}

}  // namespace
}  // namespace vigil
