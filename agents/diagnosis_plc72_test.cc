// PLC72 (2026-12-07, realistic60 / realistic62 / realistic57, SEEN fixes, another round: the misses left
// after PLC68, PLC70, PLC65 and PLC71): evidence written for these tests (made-up minimal lines in the
// shape of the cases' logs, not the cases' text).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/azure_hca_name.h"
#include "agents/builtin_reasoner.h"
#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"
#include "agents/missing_hca.h"
#include "agents/node_power_cap.h"
#include "agents/rank_file_name.h"
#include "agents/slow_rank_list.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

// 1. (rl60-20) A rank's own log file named for it with an extension: its crash is that rank's GPU's.
TEST_CASE("plc72: a log file named for a rank is that rank's") {
  CHECK(FileNamedRank("n07/rank-1950.err", {"*** SIGSEGV (@0x0) received by PID 4 (TID 0x7f) from PID 0; stack trace: ***"}) == 1950);
  CHECK(FileNamedRank("rank13.log", {}) == 13);
  CHECK(FileNamedRank("n07/py-spy-dump-rank21.txt", {"Thread 0x7f (active): \"MainThread\""}) == 21);
  CHECK(FileNamedRank("n07/rank_5.stderr", {"[rank5]: RuntimeError: x"}) == 5);
  CHECK_FALSE(FileNamedRank("n07/rank0.log", {"x"}).has_value());           // the job's main log, often
  CHECK_FALSE(FileNamedRank("n07/rank9.log", {"[rank3]: RuntimeError: x"}).has_value());  // another rank's lines
  CHECK_FALSE(FileNamedRank("n07/rank9/stderr", {}).has_value());           // SourceRankRegex's own
  CHECK_FALSE(FileNamedRank("n07/rank9.log/x.txt", {}).has_value());
  CHECK_FALSE(FileNamedRank("n07/frank9.log", {}).has_value());
  CHECK_FALSE(FileNamedRank("n07/rank9.json.gz", {}).has_value());
}

TEST_CASE("plc72: a segfault in a rank's own file named rank-N.err is on that rank's GPU") {
  Json c = Case("t-plc72-rankfile", {"cr-n01", "cr-n02"},
                Json::array({Log("job.out", {"[rank0]:[E1209 01:21:30.000000 400 ProcessGroupNCCL.cpp:1895] [PG ID 0 PG GUID "
                                             "0(default_pg) Rank 0] Process group watchdog thread terminated with exception: "
                                             "NCCL error: remote process exited or there was a network error",
                                             "[rank8]:[E1209 01:21:31.000000 408 ProcessGroupNCCL.cpp:1895] NCCL error: remote "
                                             "process exited or there was a network error",
                                             "srun: error: cr-n02: task 13: Segmentation fault (core dumped)"}),
                             Log("cr-n02/rank-13.err", {"*** SIGSEGV (@0x0) received by PID 4128 (TID 0x7f3a) from PID 0; stack trace: ***",
                                                        "    @     0x7f3a9c11d2f4 packer::pack()  (/opt/lib/_C.so)",
                                                        "Fatal Python error: Segmentation fault"}),
                             Log("cr-n02/dmesg", {"[Wed Dec  9 01:21:28 2026] python3[4128]: segfault at 0 ip 00007f3a9c11d2f4 sp "
                                                  "00007f3a2c7fd9b0 error 4 in _C.so[7f3a9c100000+4a000]"})}));
  // Before: rank_process_crash @ cr-n02/gpu0 (the file's rank not read).
  const std::string a = testing::CaseAnswerDumped(c, "plc72-rankfile", "PLC72_DUMP");
  CHECK(a == "rank_process_crash @ cr-n02/gpu5");
}

// 2. (rl57-13) Azure's HCA names: "mlx5_ib3" is port ib3.
TEST_CASE("plc72: Azure's mlx5_ibN names are the ports ibN") {
  CHECK(AzureHcaPort("mlx5_ib3") == "ib3");
  CHECK(AzureHcaPort("mlx5_ib12") == "ib12");
  CHECK(AzureHcaPort("mlx5_3").empty());
  CHECK(AzureHcaPort("mlx5_ib3x").empty());
  CHECK(AzureHcaPortIn("kernel: mlx5_core 0104:00:00.0 mlx5_ib3: Port 1 link down") == "ib3");
  CHECK(AzureHcaPortIn("status=IBV_WC_RETRY_EXC_ERR(12) hca mlx5_ib6") == "ib6");
  CHECK(AzureHcaPortIn("hca mlx5_3").empty());
  CHECK(AzureHcaPortIn("xmlx5_ib3 y").empty());
}

TEST_CASE("plc72: an Azure HCA's flapping port is placed on its port") {
  Json c = Case("t-plc72-azure", {"az-01", "az-02"},
                Json::array({Log("job.out", {"az-02:3341:3369 [3] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from "
                                             "peer 172.16.0.9<40011> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=0 len=0 vendor "
                                             "err 129 (Send) hca mlx5_ib3"}),
                             Log("az-02/kern.log", {"2026-12-01T20:40:51.004411+00:00 az-02 kernel: mlx5_core 0104:00:00.0 mlx5_ib3: "
                                                    "Port 1 link down (physical state Polling)",
                                                    "2026-12-01T20:40:58.870112+00:00 az-02 kernel: mlx5_core 0104:00:00.0 mlx5_ib3: "
                                                    "Port 1 link up"}),
                             Log("az-02/perfquery.txt", {"# perfquery -x mlx5_ib3 1", "SymbolErrorCounter:..............4412",
                                                         "LinkDownedCounter:...............6"})}));
  // Before: ib_link_failure @ az-02 (no HCA read).
  const std::string a = testing::CaseAnswerDumped(c, "plc72-azure", "PLC72_DUMP");
  CHECK(a == "ib_link_failure @ az-02/ib3");
}

// 3. (rl57-15) A node missing one HCA: NCCL's topology file names a NIC it cannot find; the NIC count under
//    the expected one.
TEST_CASE("plc72: an HCA the node should have and does not show") {
  CHECK(MissingHcaIn("h:1:2 [0] NCCL INFO NCCL_TOPO_FILE: NIC mlx5_ib5 listed in /opt/x/topo.xml not found, ignoring") == "mlx5_ib5");
  CHECK(MissingHcaIn("kernel: hv_pci 0e5b: Request for VF offer timed out; device mlx5_ib5 not presented by host") == "mlx5_ib5");
  CHECK(MissingHcaIn("NIC mlx5_2 listed in topo.xml not found") == "mlx5_2");
  CHECK(MissingHcaIn("NCCL INFO NET/IB : Using [0]mlx5_0:1/IB").empty());
  CHECK(MissingHcaIn("mlx5_3: file not found").empty());
  CHECK(CountsMissingNic("7 of 8 NICs"));
  CHECK(CountsMissingNic("node exposes 7 InfiniBand devices, expected 8"));
  CHECK(CountsMissingNic("6/8 HCAs up"));
  CHECK_FALSE(CountsMissingNic("8 of 8 NICs"));
  CHECK_FALSE(CountsMissingNic("7 of 8 GPUs"));
}

TEST_CASE("plc72: a node that runs with one NIC fewer is an IB fault on the missing port") {
  Json c = Case("t-plc72-missing-hca", {"az-01", "az-02"},
                Json::array({Log("job.out", {"az-02:4430:4451 [0] NCCL INFO NET/IB : Using [0]mlx5_ib0:1/IB [1]mlx5_ib1:1/IB "
                                             "[2]mlx5_ib2:1/IB [3]mlx5_ib3:1/IB [4]mlx5_ib4:1/IB [5]mlx5_ib6:1/IB [6]mlx5_ib7:1/IB",
                                             "az-02:4430:4451 [0] NCCL INFO NCCL_TOPO_FILE: NIC mlx5_ib5 listed in /opt/x/topo.xml not "
                                             "found, ignoring"})}));
  c["probes"] = {{"nccl.allreduce@az-02",
                  {{"probe", "nccl.allreduce"},
                   {"target", "az-02"},
                   {"status", "fail"},
                   {"metrics", {{"busbw_gbps", 318.0}, {"nics", 7}}},
                   {"thresholds", {{"busbw_gbps", 340.0}}},
                   {"reason", "7 of 8 NICs"},
                   {"duration_s", 2.0}}}};
  // Before: nvlink_error @ az-02 (the single-node all-reduce's failure).
  const std::string a = testing::CaseAnswerDumped(c, "plc72-missing-hca", "PLC72_DUMP");
  CHECK(a == "ib_link_failure @ az-02/ib5");
}

// 4. (rl57-27, rl60-03) A straggler report naming several slow ranks on one node: the node, not the
//    writer's rank.
TEST_CASE("plc72: a straggler report naming a node's slow ranks places the straggler on the node") {
  Json c = Case("t-plc72-slow-node", {"sd-n01", "sd-n02", "sd-n03", "sd-n04"},
                Json::array({Log("job.out", {"srun: job 77 step 0: 32 tasks on 4 nodes (sd-n[01-04])",
                                             "[rank0]: straggler detector: slowest ranks 16-23 (sd-n03): GEMM throughput 0.56x of median"})}));
  // Before: straggler_rank @ sd-n01/gpu0 (rank 0, the line's writer).
  const std::string a = testing::CaseAnswerDumped(c, "plc72-slow-node", "PLC72_DUMP");
  CHECK(a == "straggler_rank @ sd-n03");
  Json c2 = Case("t-plc72-slow-ranks", {"sd-n01", "sd-n02", "sd-n03", "sd-n04"},
                 Json::array({Log("job.out", {"[2026-12-07 08:25:00] [straggler] StragglerDetector: slowest ranks by GPU time "
                                              "(ms/iter): rank 23 6.98 s, rank 19 6.96 s, rank 17 6.95 s, rank 16 6.94 s; median 5.38 s"})}));
  // Before: straggler_rank @ sd-n03/gpu0 (the list read as its last rank against the median, rank 16).
  const std::string a2 = testing::CaseAnswerDumped(c2, "plc72-slow-ranks", "PLC72_DUMP");
  CHECK(a2 == "straggler_rank @ sd-n03");
}

TEST_CASE("plc72: the ranks a straggler report lists") {
  CHECK(RanksListed("slowest ranks by GPU time (ms/iter): rank 847 6.98 s, rank 843 6.96 s, rank 841 6.95 s; median 5.38 s") ==
        std::vector<int>{847, 843, 841});
  CHECK(RanksListed("[rank0]: rank 3 slow, rank=4 slow, rank: 3 again") == std::vector<int>{3, 4});
  CHECK(RanksListed("[rank0]: ranks 16-23 slow").empty());
  CHECK(RanksListed("frank 3").empty());
  CHECK(RanksListed("straggler: report: no straggler (threshold 0.75); lowest scores: rank 7 0.83, rank 5 0.83, rank 4 0.84").empty());
  CHECK(RanksListed("stragglers: none; rank 7 0.83, rank 5 0.83, rank 4 0.84").empty());
}

// 5. (rl62-24) A BMC's Redfish power limit set on the chassis caps every GPU of the tray: the node's (PLC70's
//    unmeasured fix, taken over).
TEST_CASE("plc72: a Redfish power limit set on a chassis is a node power cap") {
  CHECK(StatesNodePowerCapSet("2026-12-04T15:31:02+01:00 tr-c09-bmc redfish: PATCH /redfish/v1/Chassis/1/EnvironmentMetrics "
                              "PowerLimitWatts.SetPoint=3200 (user ops) -> 200 OK"));
  CHECK(StatesNodePowerCapSet("redfish: Chassis/1/Power PowerLimit.LimitInWatts: 2800"));
  CHECK_FALSE(StatesNodePowerCapSet("2026-12-04T15:31:05+01:00 tr-c10-bmc redfish: PATCH /redfish/v1/Chassis/1/EnvironmentMetrics "
                                    "PowerLimitWatts.SetPoint=null (user ops) -> 200 OK"));
  CHECK_FALSE(StatesNodePowerCapSet("PowerLimitWatts.SetPoint=3200"));  // no controller named
  CHECK(ControllerHostNodes("2026-12-04T15:31:02+01:00 tr-c09-bmc redfish: PATCH x") == std::vector<std::string>{"tr-c09"});
  CHECK(ControllerHostNodes("node7.ipmi: ok") == std::vector<std::string>{"node7"});
  CHECK(ControllerHostNodes("bmc: power cap 400 W on node7").empty());
  CHECK(ControllerHostNodes("tr-c09-bmcfw updated").empty());
}

TEST_CASE("plc72: a tray's BMC capping its power places the power throttle on the node") {
  Json c = Case("t-plc72-redfish", {"tr-c08", "tr-c09", "tr-c10"},
                Json::array({Log("bmc-audit.log", {"2026-12-04T15:31:02+01:00 tr-c09-bmc redfish: PATCH /redfish/v1/Chassis/1/"
                                                   "EnvironmentMetrics PowerLimitWatts.SetPoint=3200 (user ops) -> 200 OK",
                                                   "2026-12-04T15:31:05+01:00 tr-c10-bmc redfish: PATCH /redfish/v1/Chassis/1/"
                                                   "EnvironmentMetrics PowerLimitWatts.SetPoint=null (user ops) -> 200 OK"}),
                             Log("tr-c09/nvidia-smi-q.txt", {"GPU 00000000:01:00.0", "    Clocks Event Reasons",
                                                             "        SW Power Cap                      : Active",
                                                             "    Power Readings", "        Current Power Limit               : 800.00 W",
                                                             "        Default Power Limit               : 1200.00 W"})}));
  c["topology"]["gpus_per_node"] = 4;
  c["topology"]["gpu_pci_bus"] = {{"gpu0", "00000000:01:00.0"}, {"gpu1", "00000000:02:00.0"}, {"gpu2", "00000000:41:00.0"},
                                  {"gpu3", "00000000:42:00.0"}};
  // Before: gpu_power_throttle @ tr-c09/gpu0 (the nvidia-smi table's GPU; "tr-c09-bmc" not read as tr-c09).
  const std::string a = testing::CaseAnswerDumped(c, "plc72-redfish", "PLC72_DUMP");
  CHECK(a == "gpu_power_throttle @ tr-c09");
}

// 6. (rl57-28) The job's own pod CPU-throttled (its cfs_throttled_periods series) while its loop waits for
//    input most of each step: the CPU limit starves the loader workers (PLC20's 3a-throttled-loader, which
//    read the throttle only from log lines).
TEST_CASE("plc72: a throttled pod's series beside a loop waiting for input is a starved loader") {
  Json c = Case("t-plc72-throttled-loader", {"tl-n01"},
                Json::array({Log("pod/w-0.log", {"[rank0]:2026-12-06 11:58:40,010 - root - INFO - DataLoader: num_workers=1 prefetch_factor=2",
                                                 "[rank0]:2026-12-06 12:06:00,118 - root - INFO - step timing (avg last 50): data_wait "
                                                 "2810 ms, fwd_bwd 1540 ms, optim 90 ms"})}));
  TimeSeries s;
  s.name = "container_cpu_cfs_throttled_periods_total";
  s.labels = {{"pod", "w-0"}, {"namespace", "llm"}};
  const int64_t start = 1796558400000;  // 2026-12-06T12:00:00Z
  for (int i = 0; i < 8; ++i) REQUIRE(s.Append(start + i * 60000, 1200.0 * i).ok());
  c["metrics"] = Json::array({testing::MetricJson(s)});
  // Before: straggler_rank @ job, tied with dataloader_stall (the series read as a CPU-starved rank).
  const std::string a = testing::CaseAnswerDumped(c, "plc72-throttled-loader", "PLC72_DUMP");
  CHECK(a == "dataloader_stall @ job");
}

// 7. (rl60-30) NCCL's own line that the environment forced a ring all-reduce at thousands of ranks weighs as a
//    signature (PLC68 weighed it as a metric: right at 0.22 beside nothing else).
TEST_CASE("plc72: a forced ring algorithm at scale weighs as a signature") {
  std::vector<std::string> nodes;
  for (int i = 1; i <= 128; ++i) nodes.push_back("rg-n" + std::to_string(100 + i));
  Json c = Case("t-plc72-ring", nodes,
                Json::array({Log("pod/w-0/pytorch", {"rg-n101:7000:7000 [0] NCCL INFO NCCL_ALGO set by environment to Ring",
                                                     "rg-n101:7000:7000 [0] NCCL INFO NCCL_PROTO set by environment to Simple",
                                                     "[rank0]: 2027-01-04 09:00:00,000 - INFO - step:  20  loss:  4.1000  mfu: 15.00%"})}));
  testing::CaseAnswerDumped(c, "plc72-ring", "PLC72_DUMP");
  const Diagnosis d = testing::RunCaseWithOwnProbes(c);
  CHECK(d.root_cause == "launch_config_error");
  // Before: 0.22 (kMetricWeight).
  CHECK(testing::ProbabilityOf(d, "launch_config_error") > 0.3);
}

}  // namespace
}  // namespace vigil
