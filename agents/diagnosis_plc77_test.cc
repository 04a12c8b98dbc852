// PLC77 (2026-12-08, realistic67 / realistic68, SEEN fixes: what their blind runs missed): evidence written for
// these tests (made-up minimal lines in the shape of the real tools' output, not the cases' text).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/lone_collective.h"
#include "agents/lspci_nic_link.h"
#include "agents/nccl_versions.h"
#include "agents/rank_time_summary.h"

namespace vigil {
namespace {

// 1. (rl68-13) A per-rank time summary whose max names a node's ranks as a range.
TEST_CASE("plc77: ReadSummarySlowRank reads the max's ranks as a range") {
  auto s = ReadSummarySlowRank("INFO - per-rank fwd+bwd time (ms) p50 900, max 1200 (ranks 16-23); others wait in all-reduce");
  REQUIRE(s.has_value());
  CHECK(s->rank == 16);
  CHECK(s->last_rank == 23);
  auto one = ReadSummarySlowRank("per-rank step time (s): median 2.90, max 4.00 (rank 7)");
  REQUIRE(one.has_value());
  CHECK(one->rank == 7);
  CHECK(one->last_rank == -1);
  CHECK_FALSE(ReadSummarySlowRank("per-rank step time (ms) p50 900, max 1000 (ranks 16-23)").has_value());  // not slow
  CHECK_FALSE(ReadSummarySlowRank("per-rank step time (ms) p50 900, max 1200 (ranks 16-200)").has_value());  // too wide
  CHECK_FALSE(ReadSummarySlowRank("per-rank step time (ms) p50 900, max 1200 (ranks 16)").has_value());
}

std::string SlowNodeCase(const std::string& summary) {
  return R"JSON({
  "id": "plc77-slownode",
  "topology": {"nodes": ["sn-01", "sn-02", "sn-03", "sn-04"], "gpus_per_node": 8, "timezone": "UTC",
               "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
  "logs": [{"source": "job-17/master-0.log", "lines": [
    "2026-03-02 08:00:00,000 - root - INFO - step: 500  loss: 2.31  tps: 2100",
    "2026-03-02 08:02:00,000 - root - INFO - step: 520  loss: 2.30  tps: 2100",
    "2026-03-02 08:04:00,000 - root - INFO - step: 540  loss: 2.29  tps: 2100",
    ")JSON" + summary + R"JSON("]}]
})JSON";
}

TEST_CASE("plc77: a per-rank time summary whose max is one node's ranks is that node's straggler") {
  const Diagnosis d =
      testing::RunCaseText(SlowNodeCase("2026-03-02 08:05:00,000 - root - INFO - per-rank fwd+bwd time (ms) p50 900, max 1200 (ranks 16-23)"));
  CHECK(d.root_cause == "straggler_rank");
  CHECK(d.component == "sn-03");
  const Diagnosis base =
      testing::RunCaseText(SlowNodeCase("2026-03-02 08:05:00,000 - root - INFO - per-rank fwd+bwd time (ms) p50 900, max 1000 (ranks 16-23)"));
  CHECK(base.component != "sn-03");
}

// 2. (rl67-17) A collective enqueued on one rank alone while the others completed the one before.
TEST_CASE("plc77: FindLoneCollective reads a collective one rank alone called") {
  auto m = FindLoneCollective({"fr: last collective SeqNum 9001 ALLGATHER enqueued on rank 3 only; ranks 0-2,4-7 ...",
                               "Flight recorder: SeqNum 5120 BARRIER enqueued on rank 0 only; ranks 1-15 last SeqNum 5119 (broadcast, completed)"});
  REQUIRE(m.has_value());
  CHECK(m->line_index == 1);
  CHECK(m->what.find("rank 0 alone") != std::string::npos);
  // A laggard: one rank a sequence number behind the rest, who wait for it.
  CHECK_FALSE(FindLoneCollective({"last enqueued SeqNum 5120 on 15 ranks; rank 9 last enqueued SeqNum 5119 (completed)"}).has_value());
  // The others are not done with the one before.
  CHECK_FALSE(FindLoneCollective({"SeqNum 5120 BARRIER enqueued on rank 0 only; ranks 1-15 last SeqNum 5119 (broadcast, started)"}).has_value());
  CHECK_FALSE(FindLoneCollective({"SeqNum 5120 BARRIER enqueued on rank 0 only; ranks 1-15 last SeqNum 5100 (broadcast, completed)"}).has_value());
}

std::string LoneBarrierCase(const std::string& recorder) {
  return R"JSON({
  "id": "plc77-lone",
  "topology": {"nodes": ["lb-01", "lb-02"], "gpus_per_node": 8, "timezone": "UTC",
               "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
  "logs": [{"source": "job-22/master-0.log", "lines": [
    "[rank0]:[E0302 09:40:00.100000 311 ProcessGroupNCCL.cpp:632] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=5120, OpType=BARRIER, NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600011 milliseconds before timing out.",
    "[rank0]:[E0302 09:40:00.200000 311 ProcessGroupNCCL.cpp:1664] [PG 0 Rank 0] Timeout at NCCL work: 5120, last enqueued NCCL work: 5120, last completed NCCL work: 5119.",
    ")JSON" + recorder + R"JSON("]}]
})JSON";
}

TEST_CASE("plc77: a collective enqueued on one rank alone is the job's hang, not that rank's GPU") {
  const Diagnosis d = testing::RunCaseText(LoneBarrierCase(
      "[rank0]:[E0302 09:40:01.000000 311 ProcessGroupNCCL.cpp:1320] Flight recorder: SeqNum 5120 BARRIER enqueued on rank 0 only; "
      "ranks 1-15 last SeqNum 5119 (broadcast, completed)"));
  CHECK(d.root_cause == "nccl_collective_hang");
  CHECK(d.component == "job");
  const Diagnosis base = testing::RunCaseText(LoneBarrierCase("[rank0]: writing debug info"));
  CHECK(base.root_cause == "nccl_collective_hang");
  CHECK(base.component != "job");
}

// 3. (rl68-28) NCCL's version check: one rank on another library than rank 0.
TEST_CASE("plc77: FindNcclVersionMismatch names the rank whose version differs from rank 0's") {
  auto v = FindNcclVersionMismatch({"n3:77:88 [0] NCCL INFO Channel 00/32", "n3:77:88 [0] NCCL WARN Mismatched NCCL version detected: rank 24 has version 21903, rank 0 has version 22304"});
  REQUIRE(v.has_value());
  CHECK(v->line == 1);
  CHECK(v->odd_rank == 24);
  CHECK(v->odd_version == 21903);
  CHECK(v->ref_version == 22304);
  auto old = FindNcclVersionMismatch({"NCCL WARN Mismatched NCCL version detected : rank 0 version 22304 rank 9 version 21903"});
  REQUIRE(old.has_value());
  CHECK(old->odd_rank == 9);
  CHECK_FALSE(FindNcclVersionMismatch({"Mismatched NCCL version detected: rank 24 has version 21903, rank 8 has version 22304"}).has_value());
  CHECK_FALSE(FindNcclVersionMismatch({"Mismatched NCCL version detected: rank 24 has version 22304, rank 0 has version 22304"}).has_value());
}

std::string VersionCase(const std::string& warn) {
  return R"JSON({
  "id": "plc77-version",
  "topology": {"nodes": ["vm-01", "vm-02", "vm-03", "vm-04"], "gpus_per_node": 8, "timezone": "UTC",
               "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
  "logs": [{"source": "slurm-4411.out", "lines": [
    "NCCL version 2.23.4+cuda12.6",
    ")JSON" + warn + R"JSON(",
    "[rank24]: torch.distributed.DistBackendError: NCCL error in: ProcessGroupNCCL.cpp:2070, invalid usage, NCCL version 2.19.3",
    "[rank24]: ncclInvalidUsage: This usually reflects invalid usage of NCCL library.",
    "srun: error: vm-04: tasks 24-31: Exited with exit code 1"]}]
})JSON";
}

TEST_CASE("plc77: an NCCL version mismatch of one rank against rank 0 is that rank's node's launch fault") {
  const Diagnosis d = testing::RunCaseText(
      VersionCase("vm-04:9100:9300 [0] NCCL WARN Mismatched NCCL version detected: rank 24 has version 21903, rank 0 has version 22304"));
  CHECK(d.root_cause == "launch_config_error");
  CHECK(d.component == "vm-04");
  const Diagnosis base = testing::RunCaseText(VersionCase("vm-04:9100:9300 [0] NCCL INFO init.cc:1580 -> 5"));
  CHECK(base.component != "vm-04");
}

// 4. (rl68-12, rl66-14) A NIC's lspci link down-trained under a command that names no HCA: which HCA, the
//    traffic series say.
TEST_CASE("plc77: LspciDownTrainedLinks reads an unnamed NIC's block, per host") {
  const LspciDownTrained d = LspciDownTrainedLinks({
      "$ for h in hx-01 hx-02; do ssh $h \"lspci -s 0000:9a:00.0 -vv | grep -E 'Mellanox|LnkSta:'\"; done",
      "hx-01: 9a:00.0 Infiniband controller: Mellanox Technologies MT2910 Family [ConnectX-7]",
      "hx-01: \t\tLnkSta:\tSpeed 32GT/s, Width x16",
      "hx-02: 9a:00.0 Infiniband controller: Mellanox Technologies MT2910 Family [ConnectX-7]",
      "hx-02: \t\tLnkSta:\tSpeed 32GT/s, Width x8 (downgraded)",
      "$ ibstat mlx5_4"});
  CHECK(d.hcas.empty());
  CHECK(d.unnamed_nic_hosts == std::vector<std::string>{"hx-02"});
  const LspciDownTrained own = LspciDownTrainedLinks({"hx-02 lspci -vv -s 9a:00.0", "9a:00.0 Ethernet controller: Mellanox Technologies [ConnectX-7]",
                                                      "\tLnkCap:\tPort #0, Speed 32GT/s, Width x16", "\tLnkSta:\tSpeed 32GT/s, Width x8"});
  CHECK(own.unnamed_nic_hosts == std::vector<std::string>{""});
  // A GPU's block is no NIC's.
  const LspciDownTrained gpu = LspciDownTrainedLinks({"$ lspci -s 18:00.0 -vv", "18:00.0 3D controller: NVIDIA Corporation Device 2335",
                                                      "\tLnkSta:\tSpeed 16GT/s (downgraded), Width x16"});
  CHECK(gpu.other);
  CHECK(gpu.unnamed_nic_hosts.empty());
}

TimeSeries Series(const std::string& name, const std::string& node, const std::string& hca, double v) {
  TimeSeries s;
  s.name = name;
  s.labels = {{"instance", node + ":9100"}, {"device", hca}};
  s.timestamps_ms = {1000, 31000, 61000};
  s.values = {v, v, v};
  return s;
}

TEST_CASE("plc77: SlowHcaTraffic names the HCA whose traffic is at most 0.6 of the busiest") {
  const std::string rate = "node_infiniband_port_data_transmitted_bytes:rate5m";
  auto slow = SlowHcaTraffic({Series(rate, "hx-02", "mlx5_3", 2.2e10), Series(rate, "hx-02", "mlx5_4", 4.6e10),
                              Series(rate, "hx-01", "mlx5_3", 4.5e10)});
  REQUIRE(slow.size() == 1);
  CHECK(slow[0].node == "hx-02");
  CHECK(slow[0].hca == "mlx5_3");
  CHECK(SlowHcaTraffic({Series(rate, "hx-02", "mlx5_3", 4.0e10), Series(rate, "hx-02", "mlx5_4", 4.6e10)}).empty());
  // A counter is read as its increase per second.
  TimeSeries a = Series("node_infiniband_port_data_transmitted_bytes_total", "hx-02", "mlx5_3", 0);
  a.values = {0, 3e11, 6e11};
  TimeSeries b = Series("node_infiniband_port_data_transmitted_bytes_total", "hx-02", "mlx5_4", 0);
  b.values = {0, 6e11, 1.2e12};
  auto c = SlowHcaTraffic({a, b});
  REQUIRE(c.size() == 1);
  CHECK(c[0].hca == "mlx5_3");
}

std::string UnnamedNicCase(const std::string& slow_rate) {
  return R"JSON({
  "id": "plc77-unnamednic",
  "topology": {"nodes": ["hx-01", "hx-02"], "gpus_per_node": 8, "timezone": "UTC",
               "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8",
               "gpu_pci_bus": {"gpu0": "00000000:18:00.0", "gpu1": "00000000:2A:00.0"}},
  "logs": [{"source": "ops/pcie.txt", "lines": [
    "$ for h in hx-01 hx-02; do ssh $h \"lspci -s 0000:9a:00.0 -vv | grep -E 'Mellanox|LnkSta:'\"; done",
    "hx-01: 9a:00.0 Infiniband controller: Mellanox Technologies MT2910 Family [ConnectX-7]",
    "hx-01: \t\tLnkSta:\tSpeed 32GT/s, Width x16",
    "hx-02: 9a:00.0 Infiniband controller: Mellanox Technologies MT2910 Family [ConnectX-7]",
    "hx-02: \t\tLnkSta:\tSpeed 32GT/s, Width x8 (downgraded)"]}],
  "metrics": [
    {"name": "node_infiniband_port_data_transmitted_bytes_rate", "labels": {"instance": "hx-01", "device": "mlx5_4"},
     "samples": [[1772000000000, 4.7e10], [1772000030000, 4.7e10], [1772000060000, 4.7e10]]},
    {"name": "node_infiniband_port_data_transmitted_bytes_rate", "labels": {"instance": "hx-02", "device": "mlx5_4"},
     "samples": [[1772000000000, )JSON" + slow_rate + "], [1772000030000, " + slow_rate + "], [1772000060000, " + slow_rate + R"JSON(]]}]
})JSON";
}

TEST_CASE("plc77: an unnamed NIC's down-trained lspci link is placed on the node's HCA whose traffic halved") {
  const Diagnosis d = testing::RunCaseText(UnnamedNicCase("2.3e10"));
  CHECK(d.root_cause == "pcie_link_degraded");
  CHECK(d.component == "hx-02/mlx5_4");
  const Diagnosis base = testing::RunCaseText(UnnamedNicCase("4.6e10"));
  CHECK(base.root_cause == "pcie_link_degraded");
  CHECK(base.component != "hx-02/mlx5_4");
}

}  // namespace
}  // namespace vigil
