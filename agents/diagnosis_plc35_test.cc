// PLC35 (2026-12-06): realistic35 seen misses (agents/HISTORY.md's PLC35 section). Each reader with
// near misses, and a small case through the whole reasoner that answered `unknown` on the base code
// (7dd02e88):
// - one GPU moving far less over PCIe than its node peers (DCGM_FI_PROF_PCIE_RX_BYTES), a link
//   ceiling: pcie_link_degraded there, so the planner plans gpu.pcie_bandwidth (FindLowPcieTrafficGpus);
// - per-rank lines printing compute time and collective wait: the rank that computes longest and
//   waits least, with the others waiting its extra, is the straggler even from 2-3 ranks
//   (FindComputeWaitStraggler).
// Evidence written for these tests, not copied from a case.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/compute_wait.h"
#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"
#include "agents/pcie_traffic.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

TimeSeries Pcie(const std::string& name, const std::string& node, int gpu, const std::vector<double>& gb_s) {
  TimeSeries s;
  s.name = name;
  s.labels = {{"Hostname", node}, {"gpu", std::to_string(gpu)}};
  for (size_t i = 0; i < gb_s.size(); ++i) REQUIRE(s.Append(1796266800000 + static_cast<int64_t>(i) * 60000, gb_s[i] * 1e9).ok());
  return s;
}

TEST_CASE("plc35: one GPU's PCIe traffic far below its node peers' is a narrow link") {
  const std::string rx = "DCGM_FI_PROF_PCIE_RX_BYTES";
  auto low = FindLowPcieTrafficGpus({Pcie(rx, "ln-3", 0, {11, 12, 11.5}), Pcie(rx, "ln-3", 1, {12, 11.8, 12.1}),
                                     Pcie(rx, "ln-3", 2, {2.1, 2.2, 2.0}), Pcie(rx, "ln-3", 5, {11.7, 12.2, 11.9})});
  REQUIRE(low.size() == 1);
  CHECK(low[0].node == "ln-3");
  CHECK(low[0].gpu == 2);
  CHECK(low[0].rate == doctest::Approx(2.1e9));
  // Two GPUs only: the low one against the other.
  low = FindLowPcieTrafficGpus({Pcie("DCGM_FI_PROF_PCIE_TX_BYTES", "ln-4", 1, {9, 9.5}), Pcie("DCGM_FI_PROF_PCIE_TX_BYTES", "ln-4", 3, {3, 3.2})});
  REQUIRE(low.size() == 1);
  CHECK(low[0].gpu == 3);
  // Near misses: a GPU at 60 % of its peers; two low GPUs; peers that disagree; a node whose GPUs all
  // move little (a node-wide rate is no one GPU's link); one GPU with no peer.
  CHECK(FindLowPcieTrafficGpus({Pcie(rx, "ln-3", 0, {10}), Pcie(rx, "ln-3", 1, {10}), Pcie(rx, "ln-3", 2, {6})}).empty());
  CHECK(FindLowPcieTrafficGpus({Pcie(rx, "ln-3", 0, {10}), Pcie(rx, "ln-3", 1, {2}), Pcie(rx, "ln-3", 2, {2}), Pcie(rx, "ln-3", 3, {10})}).empty());
  CHECK(FindLowPcieTrafficGpus({Pcie(rx, "ln-3", 0, {10}), Pcie(rx, "ln-3", 1, {20}), Pcie(rx, "ln-3", 2, {2})}).empty());
  CHECK(FindLowPcieTrafficGpus({Pcie(rx, "ln-3", 0, {1.3}), Pcie(rx, "ln-3", 1, {1.3}), Pcie(rx, "ln-7", 0, {9.9})}).empty());
  CHECK(FindLowPcieTrafficGpus({Pcie(rx, "ln-3", 0, {1.3})}).empty());
}

Json PcieCase(double gpu2_gb_s) {
  Json c = Case("t-plc35-pcie", {"ln-3"},
                Json::array({Log("batch summary", {"inference shard 4 on ln-3 GPU 2: 5000 requests in 388 s",
                                                   "inference shard 1 on ln-3 GPU 1: 5000 requests in 71 s"})}));
  c["topology"]["gpus_per_node"] = 4;
  Json metrics = Json::array();
  for (int g = 0; g < 4; ++g) {
    const TimeSeries s = Pcie("DCGM_FI_PROF_PCIE_RX_BYTES", "ln-3", g, std::vector<double>(5, g == 2 ? gpu2_gb_s : 13.0));
    Json m = {{"name", s.name}, {"labels", {{"Hostname", "ln-3"}, {"gpu", std::to_string(g)}}}};
    Json samples = Json::array();
    for (size_t i = 0; i < s.size(); ++i) samples.push_back(Json::array({s.timestamps_ms[i], s.values[i]}));
    m["samples"] = std::move(samples);
    metrics.push_back(std::move(m));
  }
  c["metrics"] = metrics;
  c["probes"]["gpu.pcie_bandwidth@ln-3/gpu2"] = {{"probe", "gpu.pcie_bandwidth"}, {"target", "ln-3/gpu2"}, {"status", "fail"},
                                                 {"reason", "host-to-device 3.3 GB/s; link Gen4 x4 (expected Gen4 x16)"},
                                                 {"duration_s", 3.0}, {"metrics", {{"h2d_gb_s", 3.3}}}, {"thresholds", Json::object()}};
  c["probes"]["gpu.pcie_bandwidth@ln-3/gpu1"] = {{"probe", "gpu.pcie_bandwidth"}, {"target", "ln-3/gpu1"}, {"status", "pass"},
                                                 {"reason", "host-to-device 25.1 GB/s"}, {"duration_s", 3.0},
                                                 {"metrics", {{"h2d_gb_s", 25.1}}}, {"thresholds", Json::object()}};
  return c;
}

TEST_CASE("plc35: a GPU whose PCIe traffic sits far below its peers' gets the PCIe probe planned") {
  // Before: unknown (the recorded gpu.pcie_bandwidth fail was never asked for).
  const Diagnosis d = testing::RunCaseWithOwnProbes(PcieCase(3.1), /*intrusive=*/true);
  CHECK(d.root_cause + " @ " + d.component == "pcie_link_degraded @ ln-3/gpu2");
  // Near miss: the same GPU at its peers' rate gives no reason to plan it.
  const Diagnosis even = testing::RunCaseWithOwnProbes(PcieCase(12.5), /*intrusive=*/true);
  CHECK(even.root_cause != "pcie_link_degraded");
}

TEST_CASE("plc35: the rank that computes longest and waits least is the straggler, from three ranks") {
  const std::vector<std::string> lines = {"[rank1]: data 0.02 s fwd+bwd 0.51 s allreduce wait 0.62 s",
                                          "[rank2]: data 0.02 s fwd+bwd 0.50 s allreduce wait 0.60 s",
                                          "[rank0]: data 0.02 s fwd+bwd 1.12 s allreduce wait 0.02 s"};
  auto s = FindComputeWaitStraggler(lines);
  REQUIRE(s.has_value());
  CHECK(s->rank == 0);
  CHECK(s->ranks == 3);
  CHECK(s->line == 2);
  CHECK(s->compute_s == doctest::Approx(1.12));
  // ms and other wordings: "fwd_bwd=", "comm wait".
  s = FindComputeWaitStraggler({"rank 4 fwd_bwd=410 ms comm wait 390 ms", "rank 5 fwd_bwd=820 ms comm wait 12 ms"});
  REQUIRE(s.has_value());
  CHECK(s->rank == 5);
  // Near misses: the slow rank waits as long as the others (the time is not spent waiting for it);
  // the others do not wait for its extra compute; two slow ranks; one rank only.
  CHECK_FALSE(FindComputeWaitStraggler({"[rank1]: fwd+bwd 0.51 s allreduce wait 0.62 s", "[rank0]: fwd+bwd 1.12 s allreduce wait 0.60 s"}));
  CHECK_FALSE(FindComputeWaitStraggler({"[rank1]: fwd+bwd 0.51 s allreduce wait 0.05 s", "[rank0]: fwd+bwd 1.12 s allreduce wait 0.01 s"}));
  CHECK_FALSE(FindComputeWaitStraggler({"[rank1]: fwd+bwd 0.51 s allreduce wait 0.6 s", "[rank2]: fwd+bwd 1.1 s allreduce wait 0.01 s",
                                        "[rank0]: fwd+bwd 1.12 s allreduce wait 0.01 s"}));
  CHECK_FALSE(FindComputeWaitStraggler({"[rank0]: fwd+bwd 1.12 s allreduce wait 0.01 s"}));
}

TEST_CASE("plc35: per-rank compute and wait lines place a straggler on the slow rank's GPU") {
  auto mk = [](int slow) {
    std::vector<std::string> lines = {"[rank0]: epoch 2 step 300 | step 0.61 s", "[rank0]: epoch 2 step 600 | step 1.19 s"};
    for (int r = 0; r < 3; ++r) {
      lines.push_back("[rank" + std::to_string(r) + "]: data 0.01 s fwd+bwd " + (r == slow ? "1.15" : "0.55") +
                      " s allreduce wait " + (r == slow ? "0.01" : "0.61") + " s");
    }
    return Case("t-plc35-cw", {"ws-5"}, Json::array({Log("job 77 per-rank timing", lines)}));
  };
  // Before: unknown (fwd+bwd not read as a time; three ranks are too few for the per-rank outlier).
  CHECK(testing::CaseAnswer(mk(1)) == "straggler_rank @ ws-5/gpu1");
  CHECK(testing::CaseAnswer(mk(2)) == "straggler_rank @ ws-5/gpu2");
}

}  // namespace
}  // namespace vigil
