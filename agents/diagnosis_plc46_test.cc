// PLC46 (2026-12-06): realistic43's misses ("clocks, order and missing pieces"), seen fixes. Cases
// written here (nodes gx-NN), not the set's text.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/app_clock_gpu.h"
#include "agents/hca_port_series.h"
#include "agents/logs_case_testing.h"
#include "agents/replica_checksum_lines.h"
#include "agents/source_zone.h"

namespace vigil {
namespace {

using testing::Case;
using testing::CaseAnswer;
using testing::Log;
using testing::MetricJson;

const std::vector<std::string> kNodes = {"gx-01", "gx-02", "gx-03", "gx-04"};
// rl43-04's lines: the GSP timeout on GPU 1 and a peer's watchdog timeout it caused.
const std::string kXid119 =
    "NVRM: Xid (PCI:0000:2a:00): 119, pid=412233, name=python, Timeout after 6s of waiting for RPC response from GPU1 "
    "GSP! Expected function 76 (GSP_RM_CONTROL) (0x20800a4c 0x4).";
const std::string kRank17Timeout =
    "[rank17]:[E1130 03:08:32.021411 412230 ProcessGroupNCCL.cpp:632] [Rank 17] Watchdog caught collective operation "
    "timeout: WorkNCCL(SeqNum=301877, OpType=_ALLGATHER_BASE, NumelIn=16777216, NumelOut=536870912, "
    "Timeout(ms)=600000) ran for 600004 milliseconds before timing out.";

TimeSeries PortSeries(const std::string& name, const std::string& node, const std::string& device,
                      const std::vector<double>& values) {
  TimeSeries s;
  s.name = name;
  s.labels = {{"instance", node + ":9100"}, {"device", device}, {"port", "1"}};
  for (size_t i = 0; i < values.size(); ++i) {
    REQUIRE(s.Append(1'796'017'140'000 + static_cast<int64_t>(i) * 30'000, values[i]).ok());
  }
  return s;
}

}  // namespace

// rl43-26: the port that flapped, named by its netdev in the kernel's lines, is named by its HCA when
// the node's own port-state series shows that HCA leaving ACTIVE.
TEST_CASE("plc46 HcasFailingInSeries: a port leaving ACTIVE, a rising link-downed count") {
  const std::vector<TimeSeries> m = {
      PortSeries("node_infiniband_port_state", "gx-02", "mlx5_5", {4, 4, 1, 4, 1, 4}),
      PortSeries("node_infiniband_port_state", "gx-02", "mlx5_3", {4, 4, 4, 4}),
      PortSeries("node_infiniband_state_id", "gx-03", "mlx5_1", {4, 2, 4}),
      PortSeries("node_infiniband_link_downed_total", "gx-04", "mlx5_2", {3, 3, 4}),
      PortSeries("node_infiniband_link_downed_total", "gx-04", "mlx5_6", {9, 0, 0}),  // a counter reset
      PortSeries("node_infiniband_port_state", "gx-01", "mlx5_0", {1, 1, 4}),  // came up: never ACTIVE before
  };
  CHECK(HcasFailingInSeries(m, "gx-02") == std::set<std::string>{"mlx5_5"});
  CHECK(HcasFailingInSeries(m, "gx-03") == std::set<std::string>{"mlx5_1"});
  CHECK(HcasFailingInSeries(m, "gx-04") == std::set<std::string>{"mlx5_2"});
  CHECK(HcasFailingInSeries(m, "gx-01").empty());
  CHECK(HcasFailingInSeries(m, "").empty());
}

TEST_CASE("plc46 a RoCE port named by its netdev takes the HCA its port-state series shows failing") {
  Json logs = Json::array();
  logs.push_back(Log("gx-04/rank28.log",
                     {"gx-04:41211:41602 [4] NCCL WARN NET/IB : Got completion from peer 10.40.12.2<44102> with "
                      "status=IBV_WC_RETRY_EXC_ERR(12) opcode=0 len=0 vendor err 129 (Recv)"}));
  logs.push_back(Log("gx-02/journalctl -k", {"Nov 30 05:40:00 gx-02 kernel: mlx5_core 0000:9c:00.0 enp156s0np0: Link down",
                                             "Nov 30 05:40:12 gx-02 kernel: mlx5_core 0000:9c:00.0 enp156s0np0: Link up",
                                             "Nov 30 05:41:30 gx-02 kernel: mlx5_core 0000:9c:00.0 enp156s0np0: Link down",
                                             "Nov 30 05:41:42 gx-02 kernel: mlx5_core 0000:9c:00.0 enp156s0np0: Link up"}));
  Json c = Case("t-plc46-26", kNodes, logs);
  const std::string netdev_only = CaseAnswer(c);
  CHECK(netdev_only == "ib_link_failure @ gx-02/enp156s0np0");  // nothing ties the netdev to an HCA
  c["metrics"].push_back(MetricJson(PortSeries("node_infiniband_port_state", "gx-02", "mlx5_5", {4, 4, 1, 4, 1, 4})));
  c["metrics"].push_back(MetricJson(PortSeries("node_infiniband_port_state", "gx-02", "mlx5_3", {4, 4, 4, 4, 4, 4})));
  CHECK(CaseAnswer(c) == "ib_link_failure @ gx-02/mlx5_5");
  // Two HCAs failing in the series tie the netdev to neither.
  c["metrics"].push_back(MetricJson(PortSeries("node_infiniband_port_state", "gx-02", "mlx5_1", {4, 1, 4, 4, 4, 4})));
  CHECK(CaseAnswer(c) == "ib_link_failure @ gx-02/enp156s0np0");
}

// rl43-25: a node that lost power. srun's "Node failure on HOST" is the step's NODE_FAIL: the node's
// ranks went down with it (rank_process_crash there), the peers' watchdog timeouts are the consequence.
TEST_CASE("plc46 srun's node failure places the fault on the failed node") {
  Json logs = Json::array();
  logs.push_back(Log("slurm-311502.out",
                     {"[rank0]:[E1130 03:15:10.167728 9100 ProcessGroupNCCL.cpp:632] [Rank 0] Watchdog caught collective "
                      "operation timeout: WorkNCCL(SeqNum=188201, OpType=ALLREDUCE, Timeout(ms)=600000) ran for 600091 "
                      "milliseconds before timing out.",
                      "[rank11]:[E1130 03:15:12.663148 9111 ProcessGroupNCCL.cpp:632] [Rank 11] Watchdog caught collective "
                      "operation timeout: WorkNCCL(SeqNum=188201, OpType=ALLREDUCE, Timeout(ms)=600000) ran for 600091 "
                      "milliseconds before timing out.",
                      "[rank31]:[E1130 03:15:14.216403 9131 ProcessGroupNCCL.cpp:632] [Rank 31] Watchdog caught collective "
                      "operation timeout: WorkNCCL(SeqNum=188201, OpType=ALLREDUCE, Timeout(ms)=600000) ran for 600091 "
                      "milliseconds before timing out.",
                      "srun: error: Node failure on gx-03",
                      "srun: error: gx-01: tasks 0-7: Exited with exit code 6"}));
  logs.push_back(Log("slurmctld", {"2026-11-30T03:07:02 slurmctld: error: Nodes gx-03 not responding",
                                   "2026-11-30T03:10:32 slurmctld: Killing JobId=311502 on failed node gx-03"}));
  CHECK(CaseAnswer(Case("t-plc46-25", kNodes, logs)) == "rank_process_crash @ gx-03");
  // Its BMC's SEL says a power supply lost AC and the system powered off: the node went down, no
  // power-brake throttle (the pack's recall of the PSU lines answered gpu_power_throttle @ gx-03).
  logs.push_back(Log("gx-03/bmc sel", {"# ipmitool sel elist (BMC clock set to Asia/Shanghai, +0800)",
                                       " 1a2 | 11/30/2026 | 11:04:58 | Power Supply PSU3_Status | Power Supply AC lost | Asserted",
                                       " 1a3 | 11/30/2026 | 11:05:11 | Power Supply PSU1_Status | Failure detected | Asserted",
                                       " 1a4 | 11/30/2026 | 11:05:12 | System ACPI Power State ACPI_State | S4/S5: soft-off | Asserted",
                                       " 1a5 | 11/30/2026 | 11:05:12 | Power Unit Pwr Unit Status | Power off/down | Asserted"}));
  CHECK(CaseAnswer(Case("t-plc46-25b", kNodes, logs)) == "rank_process_crash @ gx-03");
}

// rl43-04: gpu.health's "GPU is lost or GSP not responding (NVML_ERROR_GPU_IS_LOST)" on a GPU whose
// kernel log shows Xid 119 GSP RPC timeouts, and no line says it left the bus: the firmware fault.
TEST_CASE("plc46 a lost GPU after its GSP timeouts reads as the firmware fault") {
  Json logs = Json::array();
  logs.push_back(Log("gx-02/journalctl -k",
                     {"Nov 30 02:58:31 gx-02 kernel: " + kXid119,
                      "Nov 30 02:58:37 gx-02 kernel: NVRM: Xid (PCI:0000:2a:00): 119, pid=412233, name=python, Timeout "
                      "after 6s of waiting for RPC response from GPU1 GSP! Expected function 10 (FREE) (0x0 0x0)."}));
  logs.push_back(Log("slurm-310442.out",
                     {kRank17Timeout,
                      "srun: error: gx-03: tasks 16-23: Exited with exit code 6"}));
  Json c = Case("t-plc46-04", kNodes, logs);
  c["probes"]["gpu.health@gx-02/gpu1"] = {{"probe", "gpu.health"},     {"target", "gx-02/gpu1"},
                                          {"status", "error"},         {"metrics", Json::object()},
                                          {"thresholds", Json::object()},
                                          {"reason", "NVML: GPU is lost or GSP not responding (NVML_ERROR_GPU_IS_LOST)"},
                                          {"duration_s", 2.0}};
  CHECK(CaseAnswer(c) == "gpu_firmware_error @ gx-02/gpu1");
  // A line saying the GPU left the bus keeps NVML's word as off the bus.
  c["logs"][0]["lines"].push_back("Nov 30 02:58:50 gx-02 kernel: NVRM: GPU 0000:2a:00.0: GPU has fallen off the bus.");
  CHECK(CaseAnswer(c) == "gpu_fallen_off_bus @ gx-02/gpu1");
}

// rl43-21: a GPU left at locked application clocks after a burn-in (clock event reason 0x2, no
// throttle bit, SM clock 1095 MHz beside peers at 1980) is the straggler; nothing else says so.
TEST_CASE("plc46 FindAppClockLockedGpus: the applications-clocks bit and an SM clock far below the peers'") {
  auto dcgm = [](const std::string& name, int gpu, double v) {
    return testing::GpuSeries(name, "gx-02", gpu, "NVIDIA H200", 1'796'000'000'000, 30'000, {v, v, v});
  };
  std::vector<TimeSeries> m = {dcgm("DCGM_FI_DEV_CLOCKS_EVENT_REASONS", 0, 2), dcgm("DCGM_FI_DEV_SM_CLOCK", 0, 1095),
                               dcgm("DCGM_FI_DEV_CLOCKS_EVENT_REASONS", 1, 0), dcgm("DCGM_FI_DEV_SM_CLOCK", 1, 1980),
                               dcgm("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", 0, 2)};
  std::vector<AppClockGpu> found = FindAppClockLockedGpus(m);
  REQUIRE(found.size() == 1);  // one reading for the GPU, whichever field names it
  CHECK(found[0].node == "gx-02");
  CHECK(found[0].gpu == 0);
  CHECK(found[0].sm_mhz == 1095);
  CHECK(found[0].peers_mhz == 1980);
  // The bit with the GPU at its peers' clock: the usual setting, nothing held back.
  m[1] = dcgm("DCGM_FI_DEV_SM_CLOCK", 0, 1900);
  CHECK(FindAppClockLockedGpus(m).empty());
  // A throttle bit beside it: a throttle (read elsewhere), not a locked clock.
  m[1] = dcgm("DCGM_FI_DEV_SM_CLOCK", 0, 1095);
  m[0] = dcgm("DCGM_FI_DEV_CLOCKS_EVENT_REASONS", 0, 2 | 0x40);
  m[4] = dcgm("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", 0, 2 | 0x40);
  CHECK(FindAppClockLockedGpus(m).empty());
  // No peer to compare with.
  CHECK(FindAppClockLockedGpus({dcgm("DCGM_FI_DEV_CLOCKS_EVENT_REASONS", 0, 2), dcgm("DCGM_FI_DEV_SM_CLOCK", 0, 1095)}).empty());
}

TEST_CASE("plc46 a GPU held at locked application clocks is the job's straggler there") {
  Json logs = Json::array();
  logs.push_back(Log("train/rank0.log", {"[rank0]: 2026-11-30 04:00:00,460 - INFO - step: 2300  loss:  2.2978  tps: 2101",
                                         "[rank0]: 2026-11-30 04:00:14,650 - INFO - step: 2301  loss:  2.3039  tps: 2098"}));
  Json c = Case("t-plc46-21", kNodes, logs);
  auto dcgm = [](const std::string& name, int gpu, double v) {
    return MetricJson(testing::GpuSeries(name, "gx-02", gpu, "NVIDIA H200", 1'796'004'800'000, 30'000, {v, v, v, v}));
  };
  c["metrics"].push_back(dcgm("DCGM_FI_DEV_CLOCKS_EVENT_REASONS", 0, 2));
  c["metrics"].push_back(dcgm("DCGM_FI_DEV_SM_CLOCK", 0, 1095));
  c["metrics"].push_back(dcgm("DCGM_FI_DEV_CLOCKS_EVENT_REASONS", 1, 0));
  c["metrics"].push_back(dcgm("DCGM_FI_DEV_SM_CLOCK", 1, 1980));
  CHECK(CaseAnswer(c) == "straggler_rank @ gx-02/gpu0");
}

// rl43-09: replica leaders' checksum lines, interleaved out of order; at iteration 30200 rank 42's
// value differs from the three others'. The pack's recall of the first checksum line (rank 32's, which
// agreed) placed silent data corruption on rank 32's GPU.
TEST_CASE("plc46 FindReplicaChecksumOdd: the replica whose checksum differs where the others agree") {
  const std::vector<std::string> lines = {
      "[dp3|rank32] 2026-11-30 00:40:03 | iter 30100 | param checksum after all-reduce 0x7d41c09e | lm loss 1.9321",
      "[dp1|rank12] 2026-11-30 00:40:01 | iter 30100 | param checksum after all-reduce 0x7d41c09e | lm loss 1.9321",
      "[dp0|rank2] 2026-11-30 00:40:00 | iter 30100 | param checksum after all-reduce 0x7d41c09e | lm loss 1.9321",
      "[dp2|rank42] 2026-11-30 00:40:02 | iter 30100 | param checksum after all-reduce 0x7d41c09e | lm loss 1.9321",
      "[dp2|rank42] 2026-11-30 00:57:02 | iter 30200 | param checksum after all-reduce 0x7d41c19e | lm loss 1.9301",
      "[dp0|rank2] 2026-11-30 00:57:00 | iter 30200 | param checksum after all-reduce 0x7d41c09e | lm loss 1.9301",
      "[dp3|rank32] 2026-11-30 00:57:03 | iter 30200 | param checksum after all-reduce 0x7d41c09e | lm loss 1.9301",
      "[dp1|rank12] 2026-11-30 00:57:01 | iter 30200 | param checksum after all-reduce 0x7d41c09e | lm loss 1.9301"};
  std::optional<ReplicaChecksumOdd> odd = FindReplicaChecksumOdd(lines);
  REQUIRE(odd);
  CHECK(odd->rank == 42);
  CHECK(odd->line == 4);
  CHECK(odd->iteration == 30200);
  CHECK(odd->agreeing == 3);
  // All agreeing: nothing; two ranks odd at different iterations: no one GPU.
  CHECK_FALSE(FindReplicaChecksumOdd(std::vector<std::string>(lines.begin(), lines.begin() + 4)));
  std::vector<std::string> two = lines;
  two.push_back("[dp1|rank12] 2026-11-30 01:14:01 | iter 30300 | param checksum after all-reduce 0x11111111");
  two.push_back("[dp0|rank2] 2026-11-30 01:14:00 | iter 30300 | param checksum after all-reduce 0x7d41c09e");
  two.push_back("[dp3|rank32] 2026-11-30 01:14:03 | iter 30300 | param checksum after all-reduce 0x7d41c09e");
  CHECK_FALSE(FindReplicaChecksumOdd(two));
  // Two replicas only: no majority.
  CHECK_FALSE(FindReplicaChecksumOdd({lines[4], lines[5]}));
}

TEST_CASE("plc46 per-replica checksum lines place silent data corruption on the odd replica's GPU") {
  Json logs = Json::array();
  logs.push_back(Log("slurm-7779001.out",
                     {"[dp3|rank24] 2026-11-30 00:40:03 | iter 30100 | param checksum after all-reduce 0x7d41c09e | lm loss 1.9321",
                      "[dp1|rank8] 2026-11-30 00:40:01 | iter 30100 | param checksum after all-reduce 0x7d41c09e | lm loss 1.9321",
                      "[dp0|rank0] 2026-11-30 00:40:00 | iter 30100 | param checksum after all-reduce 0x7d41c09e | lm loss 1.9321",
                      "[dp2|rank18] 2026-11-30 00:40:02 | iter 30100 | param checksum after all-reduce 0x7d41c09e | lm loss 1.9321",
                      "[dp2|rank18] 2026-11-30 00:57:02 | iter 30200 | param checksum after all-reduce 0x7d41c19e | lm loss 1.9301",
                      "[dp0|rank0] 2026-11-30 00:57:00 | iter 30200 | param checksum after all-reduce 0x7d41c09e | lm loss 1.9301",
                      "[dp3|rank24] 2026-11-30 00:57:03 | iter 30200 | param checksum after all-reduce 0x7d41c09e | lm loss 1.9301",
                      "[dp1|rank8] 2026-11-30 00:57:01 | iter 30200 | param checksum after all-reduce 0x7d41c09e | lm loss 1.9301"}));
  Json c = Case("t-plc46-09", kNodes, logs);
  c["topology"]["rank_layout"] = "rank r runs on nodes[r // 8], local GPU r % 8";
  CHECK(CaseAnswer(c) == "gpu_silent_data_corruption @ gx-03/gpu2");
}

// rl43-04's time reading: a source that says its zone has its zone-less stamps read in it.
TEST_CASE("plc46 SourceZoneOffsetMin: the zone a source's name or heading comment declares") {
  auto log = [](const std::string& source, const std::vector<std::string>& lines) {
    return testing::CaseLogOf(source, lines);
  };
  CHECK(SourceZoneOffsetMin(log("slurm-310442.out (all ranks, UTC)", {"x"})) == 0);
  CHECK(SourceZoneOffsetMin(log("n-07/journalctl -k", {"# journalctl -k -o short  (host timezone Europe/Berlin, CET +0100)",
                                                       "Nov 30 03:58:31 n-07 kernel: x"})) == 60);
  CHECK(SourceZoneOffsetMin(log("n-15/bmc sel", {"# ipmitool sel elist (BMC clock set to Asia/Shanghai, +0800)"})) == 480);
  CHECK(SourceZoneOffsetMin(log("n-01/trainer.log (UTC-08:00)", {"x"})) == -480);
  // None, an IANA name alone, two different, a date's dashes, a comment further down: no zone (RV12
  // reads a fixed abbreviation such as CET: diagnosis_rv12_test.cc).
  CHECK_FALSE(SourceZoneOffsetMin(log("n-01/syslog", {"Nov 30 03:58:31 n-01 kernel: x"})));
  CHECK_FALSE(SourceZoneOffsetMin(log("n-01/syslog (Europe/Berlin)", {"x"})));
  CHECK_FALSE(SourceZoneOffsetMin(log("n-01/syslog (UTC)", {"# host clock +0100", "x"})));
  CHECK_FALSE(SourceZoneOffsetMin(log("n-01/syslog (2026-11-30)", {"x"})));
  CHECK_FALSE(SourceZoneOffsetMin(log("n-01/syslog", {"a", "b", "c", "# (+0100)"})));
}

TEST_CASE("plc46 an Xid 119 stamped in its host's declared local time comes before the UTC timeouts it caused") {
  Json logs = Json::array();
  logs.push_back(Log("gx-02/journalctl -k",
                     {"# journalctl -k -o short  (host timezone Europe/Berlin, CET +0100)",
                      "Nov 30 03:58:31 gx-02 kernel: " + kXid119}));
  logs.push_back(Log("slurm-310442.out (all ranks, UTC)",
                     {kRank17Timeout}));
  const Diagnosis d = testing::RunCaseWithOwnProbes(Case("t-plc46-04tz", kNodes, logs));
  REQUIRE(d.evidence.size() >= 1);
  // The Xid is the answer's first evidence, and its hang reading is explained by it (before, the Xid
  // read at 03:58:31 UTC came 50 minutes after the timeouts).
  CHECK(d.root_cause == "gpu_firmware_error");
  bool hang_explained = false;
  for (const Evidence& e : d.evidence) {
    hang_explained = hang_explained || (e.detail.find("Watchdog caught") != std::string::npos &&
                                        e.detail.find("explained by gpu_firmware_error") != std::string::npos);
  }
  CHECK(hang_explained);
}

}  // namespace vigil
