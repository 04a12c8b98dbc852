// PLC53 (2026-12-07): realistic48's blind misses, seen (agents/HISTORY.md's PLC53 section). Each reading
// with near misses, and a small case through the whole reasoner that answered the old wrong category or
// place on the base code (df4a0208):
// - RoCE retry-exceeded completion errors on three nodes towards three peers under a stated link-local
//   GID index, the errors naming no GID, are the GID index (rl48-16: ib_link_failure 0.44);
// - a node's coolant flow below its lower threshold, or its fan policy set to a quiet profile, beside
//   two hot GPUs of eight, makes the thermal throttle the node's (rl48-06, rl48-15: placed on one GPU);
// - a straggler report ranking half a node's ranks or more slow in their own compute time makes the
//   throttle the node's (rl48-07: a power cap on every GPU placed on GPU 0);
// - progress lines printing the input wait but no step time: the step time from their stamps
//   (rl48-27: unknown).
// Evidence written for these tests, not copied from a case.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/gid_index_retry.h"
#include "agents/logs_case_testing.h"
#include "agents/node_cooling.h"
#include "agents/slow_compute_node.h"
#include "agents/step_interval_data_wait.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

// The case's answer; with PLC53_DUMP set to a folder, the case is also written there as NAME.json, so
// that an older `vigil diagnose --case` can be run on it (how these tests were seen failing on df4a0208).
std::string Answer(const Json& c, const std::string& name) { return testing::CaseAnswerDumped(c, name, "PLC53_DUMP"); }

std::string RetryLine(const std::string& host, int dev, const std::string& peer) {
  return host + ":77:91 [" + std::to_string(dev) + "] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer " +
         peer + "<40001> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=0 len=0 vendor err 129 (Send) hca mlx5_" +
         std::to_string(dev);
}

std::vector<std::string> GidLines(const std::string& index) {
  return {"gx-1:77:77 [0] NCCL INFO NCCL_IB_GID_INDEX set by environment to " + index + ".",
          "gx-1:77:90 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/RoCE [1]mlx5_1:1/RoCE ; OOB eth0:10.9.4.1<0>",
          RetryLine("gx-1", 0, "10.9.4.2"), RetryLine("gx-2", 1, "10.9.4.3"), RetryLine("gx-3", 0, "10.9.4.4"),
          "[rank0]:[E1207 10:01:10.412233 77 ProcessGroupNCCL.cpp:1595] [Rank 0] Process group watchdog thread terminated "
          "with exception: NCCL error: remote process exited or there was a network error"};
}

TEST_CASE("plc53: RetryExceededLine and ReadGidIndexRetryErrors") {
  std::string host, peer;
  CHECK(RetryExceededLine(RetryLine("gx-2", 1, "10.9.4.3"), &host, &peer));
  CHECK(host == "gx-2");
  CHECK(peer == "10.9.4.3");
  CHECK_FALSE(RetryExceededLine("NCCL WARN NET/IB : Got completion from peer 10.9.4.3<1> with status=IBV_WC_RETRY_EXC_ERR(12)",
                                nullptr, nullptr));  // no writer
  CHECK_FALSE(RetryExceededLine("gx-2:77:91 [1] NCCL WARN NET/IB : Got completion from peer 10.9.4.3<1> with status=IBV_WC_WR_FLUSH_ERR(5)",
                                nullptr, nullptr));
  CHECK(ReadGidIndexRetryErrors(GidLines("0")).found);
  CHECK(ReadGidIndexRetryErrors(GidLines("0")).nodes == 3);
  // Near misses: a routable index; two writers only; no RoCE line (InfiniBand); one peer named by all.
  CHECK_FALSE(ReadGidIndexRetryErrors(GidLines("3")).found);
  std::vector<std::string> two = GidLines("1");
  two.erase(two.begin() + 4);
  CHECK_FALSE(ReadGidIndexRetryErrors(two).found);
  std::vector<std::string> ib = GidLines("0");
  ib[1] = "gx-1:77:90 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB ; OOB ib0:10.9.4.1<0>";
  CHECK_FALSE(ReadGidIndexRetryErrors(ib).found);
  std::vector<std::string> one_peer = GidLines("0");
  one_peer[2] = RetryLine("gx-1", 0, "10.9.4.9");
  one_peer[3] = RetryLine("gx-2", 1, "10.9.4.9");
  one_peer[4] = RetryLine("gx-3", 0, "10.9.4.9");
  CHECK_FALSE(ReadGidIndexRetryErrors(one_peer).found);
}

TEST_CASE("plc53: retry-exceeded on three nodes under NCCL_IB_GID_INDEX 0 on RoCE is the GID index, not a link") {
  std::vector<std::string> lines = GidLines("0");
  lines.push_back("$ ethtool -S ens1f0np0 | grep crc   (gx-1)");
  lines.push_back("     rx_crc_errors_phy: 0");
  Json c = Case("t-plc53-gid", {"gx-1", "gx-2", "gx-3", "gx-4"}, Json::array({Log("job.log", lines)}));
  // Before: ib_link_failure @ gx-1/mlx5_0.
  CHECK(Answer(c, "plc53_gid") == "nccl_network_misconfig @ job");
}

TEST_CASE("plc53: StatesNodeCoolingFault") {
  CHECK(StatesNodeCoolingFault("  31 | 12/06/2026 | 15:04:12 | Cooling Device Liquid_Flow_CP | Lower Critical going low | Asserted"));
  CHECK(StatesNodeCoolingFault("  a2 | 12/05/2026 | 10:44:52 | OEM | Fan policy set to Acoustic (factory default restored) | Asserted"));
  CHECK(StatesNodeCoolingFault("# fan mode: 0x02 (Quiet)"));
  CHECK_FALSE(StatesNodeCoolingFault("  31 | 12/06/2026 | 15:24:12 | Cooling Device Liquid_Flow_CP | Lower Critical going low | Deasserted"));
  CHECK_FALSE(StatesNodeCoolingFault("  b8 | 12/04/2026 | 10:05:40 | OEM | Fan policy restored from saved profile: Performance | Asserted"));
  CHECK_FALSE(StatesNodeCoolingFault("Liquid_Flow_CP | 3.1 L/min | ok"));
  CHECK_FALSE(StatesNodeCoolingFault("  32 | 12/06/2026 | 15:06:30 | Temperature GPU_Temp_Max | Upper Critical going high | Asserted"));
}

Json CoolingCase(const std::string& bmc_line) {
  Json logs = Json::array({Log("slurm-9.out", {"srun: job 9 step 0: 16 tasks on 2 nodes (cf-[1-2])"})});
  if (!bmc_line.empty()) logs.push_back(Log("cf-1/bmc.txt", {"$ ipmitool sel elist   (cf-1)", bmc_line}));
  Json c = Case("t-plc53-cool", {"cf-1", "cf-2"}, logs);
  Json metrics = Json::array();
  auto add = [&](const std::string& name, const std::string& node, int g, const std::vector<double>& v) {
    metrics.push_back(testing::MetricJson(testing::GpuSeries(name, node, g, "NVIDIA H100 80GB HBM3", 1796115600000, 60000, v)));
  };
  for (int g : {2, 6}) add("DCGM_FI_DEV_GPU_TEMP", "cf-1", g, {63, 70, 79, 86, 89, 90, 91, 91});
  add("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", "cf-1", 2, {0, 0, 0, 32, 32, 32, 32, 32});
  add("DCGM_FI_DEV_GPU_TEMP", "cf-2", 2, {61, 62, 62, 63, 62, 62, 63, 62});
  c["metrics"] = metrics;
  return c;
}

TEST_CASE("plc53: a node's coolant flow or quiet fan policy beside two hot GPUs makes the thermal throttle the node's") {
  // Before: gpu_thermal_throttle @ cf-1/gpu2 for both.
  CHECK(Answer(CoolingCase("  31 | 12/06/2026 | 15:04:12 | Cooling Device Liquid_Flow_CP | Lower Critical going low | Asserted"), "plc53_cool_flow") ==
        "gpu_thermal_throttle @ cf-1");
  CHECK(Answer(CoolingCase("  a2 | 12/05/2026 | 10:44:52 | OEM | Fan policy set to Acoustic | Asserted"), "plc53_cool_fan") ==
        "gpu_thermal_throttle @ cf-1");
  // Near miss: without such a line, two hot GPUs of eight stay the first GPU's.
  CHECK(Answer(CoolingCase(""), "plc53_cool_none") == "gpu_thermal_throttle @ cf-1/gpu2");
}

TEST_CASE("plc53: RanksByComputeTime") {
  CHECK(RanksByComputeTime("step 120: slowest ranks by compute time: 11 (1.3x median), 8 (1.3x), 9, 10"));
  CHECK(RanksByComputeTime("step time 61 s (was 44 s); max/min per-rank compute 1.38; slowest ranks 8-15"));
  CHECK_FALSE(RanksByComputeTime("step time 61 s (was 44 s); slowest ranks 8-15"));
  CHECK_FALSE(RanksByComputeTime("ranks 8-15 waited 19 s in allreduce; compute ok"));
}

Json PowerCapCase(const std::string& slow_line) {
  Json c = Case("t-plc53-cap", {"pc-1", "pc-2"},
                Json::array({Log("train.log", {"I1207 09:00:00.000 job pt-9 world_size=16", slow_line}),
                             Log("pc-2/nvidia-smi.txt", {"$ nvidia-smi -q -d POWER -i 0   (pc-2)",
                                                         "        Current Power Limit               : 450.00 W",
                                                         "        Default Power Limit               : 700.00 W",
                                                         "    Clocks Event Reasons: SW Power Cap : Active"})}));
  testing::AddGpu0PowerCapEvidence(c, "pc-2", 1796115600000);  // its power-violation counter, a GEMM failing there
  return c;
}

TEST_CASE("plc53: half a node's ranks slow in their own compute time make its power cap the node's") {
  // Before: gpu_power_throttle @ pc-2/gpu0.
  CHECK(Answer(PowerCapCase("[rank0]:[W1207 09:10:00.000000 metrics.py:311] step time 61.0 s (was 44.0 s); max/min "
                                         "per-rank compute 1.38; slowest ranks 8-15"), "plc53_cap_compute") == "gpu_power_throttle @ pc-2");
  // Near miss: the same ranks named for their step time alone (a TP group waiting on one GPU) leave it GPU 0's.
  CHECK(Answer(PowerCapCase("[rank0]:[W1207 09:10:00.000000 metrics.py:311] step time 61.0 s (was 44.0 s); "
                                         "slowest ranks 8-15"), "plc53_cap_steptime") == "gpu_power_throttle @ pc-2/gpu0");
}

std::vector<std::string> TitanLines(double wait_s) {
  std::vector<std::string> out = {"[rank0]:[I1207 14:00:00.412233 160 data.py:58] building DataLoader: num_workers=0"};
  for (int i = 0; i < 8; ++i) {
    const int sec = 40 + 98 * i;
    char buf[300];
    std::snprintf(buf, sizeof buf,
                  "[rank0]:[titan] 2026-12-07 14:%02d:%02d,117 - root - INFO - step: %5d  loss:  3.%04d  memory: 61.20GiB(43.71%%)  "
                  "tps: 1,2%02d  data_wait: %.1fs  tflops: 181.00  mfu: 18.30%%",
                  sec / 60, sec % 60, 10 * (i + 1), 4100 - 20 * i, 10 + i, wait_s + 0.1 * (i % 3));
    out.push_back(buf);
  }
  return out;
}

TEST_CASE("plc53: ReadStepWait and FindStepIntervalDataWait") {
  std::optional<StepWait> s = ReadStepWait(TitanLines(8.0)[1]);
  REQUIRE(s.has_value());
  CHECK(s->step == 10);
  CHECK(s->wait_s == doctest::Approx(8.0));
  CHECK_FALSE(ReadStepWait("step: 10 loss: 3.1 step_time: 9.8s data_wait: 8.0s").has_value());  // FindDataWaitShare's
  CHECK_FALSE(ReadStepWait("step: 10 loss: 3.1 tps: 1,200").has_value());
  LogClock clock;
  clock.year = 2026;
  clock.zone_declared = true;
  std::optional<StepIntervalDataWait> w = FindStepIntervalDataWait(TitanLines(8.0), clock);
  REQUIRE(w.has_value());
  CHECK(w->lines == 7);
  CHECK(w->share > 0.8);
  CHECK(w->share < 0.9);
  // A wait longer than the steps' interval gives no share (a sum over the interval, not a step's).
  CHECK_FALSE(FindStepIntervalDataWait(TitanLines(30.0), clock).has_value());
}

TEST_CASE("plc53: a progress log's input wait against the steps' interval is an input-bound loop") {
  // Before: unknown.
  CHECK(Answer(Case("t-plc53-dw", {"dw-1"}, Json::array({Log("worker-0.log", TitanLines(8.0))})), "plc53_dw_8s") ==
        "dataloader_stall @ job");
  // Near miss: a wait of 0.2 s of a 9.8 s step is no input stall.
  CHECK(Answer(Case("t-plc53-dw", {"dw-1"}, Json::array({Log("worker-0.log", TitanLines(0.2))})), "plc53_dw_02s") !=
        "dataloader_stall @ job");
}

}  // namespace
}  // namespace vigil
