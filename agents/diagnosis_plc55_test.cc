// PLC55 (2026-12-07): realistic50's blind misses, seen (agents/HISTORY.md's PLC55 section). Each reading
// with near misses, and a small case through the whole reasoner that answered the old wrong category on
// the base code (7bde3d84, PLC53's code):
// - NCCL's queue-pair connect failure ("ibv_modify_qp failed with 110 Connection timed out ... remote
//   GID fe80::...") under a stated link-local GID index on RoCE, connect / retry failures written by two
//   nodes, is the GID index (rl50-12: ib_link_failure 0.42);
// - an MoE router statistic giving the busiest expert's share of the tokens with the number of
//   experts ("(64 experts): max 0.318") is a skew of share x N (rl50-14: nccl_collective_hang 0.16).
// Evidence written for these tests, not copied from a case.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/gid_index_connect.h"
#include "agents/logs_case_testing.h"
#include "agents/moe_router_stats.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

// The case's answer; with PLC55_DUMP set to a folder, the case is also written there as NAME.json, so
// that an older `vigil diagnose --case` can be run on it (how these tests were seen failing on 7bde3d84).
std::string Answer(const Json& c, const std::string& name) {
  if (const char* dir = std::getenv("PLC55_DUMP"); dir != nullptr && *dir != '\0') {
    std::ofstream(std::string(dir) + "/" + name + ".json") << DumpJson(c, 1);
  }
  return testing::CaseAnswer(c);
}

std::string ConnectLine(const std::string& host, const std::string& remote_gid) {
  return host + ":31:44 [0] transport/net_ib.cc:1020 NCCL WARN NET/IB : ibv_modify_qp failed with 110 Connection timed out, "
                "local GID ::ffff:0.0.0.0, remote GID " + remote_gid;
}

std::string RetryLine(const std::string& host, const std::string& peer) {
  return host + ":31:45 [1] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer " + peer +
         "<4100> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=0 vendor err 129 hca mlx5_1";
}

std::vector<std::string> ConnectLines(const std::string& index) {
  return {"NCCL_IB_GID_INDEX=" + index,
          "rq-1:31:31 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/RoCE [1]mlx5_1:1/RoCE ; OOB eth0:10.7.1.1<0>",
          ConnectLine("rq-5", "fe80::9a03:9bff:fe11:2"),
          RetryLine("rq-9", "10.7.3.5"),
          "[rank0]:[E1207 09:10:41.001002 ProcessGroupNCCL.cpp:616] [Rank 0] Watchdog caught collective operation timeout: "
          "WorkNCCL(SeqNum=1, OpType=ALLREDUCE) ran for 600000 milliseconds before timing out."};
}

TEST_CASE("plc55: QpConnectTimeoutLine, LinkLocalGidOnFailure and ReadGidIndexConnectFailures") {
  std::string host;
  CHECK(QpConnectTimeoutLine(ConnectLine("rq-5", "fe80::1"), &host));
  CHECK(host == "rq-5");
  CHECK_FALSE(QpConnectTimeoutLine("NCCL WARN NET/IB : ibv_modify_qp failed with 110 Connection timed out", nullptr));  // no writer
  CHECK_FALSE(QpConnectTimeoutLine("rq-5:31:44 [0] NCCL WARN NET/IB : ibv_modify_qp failed with 22 Invalid argument", nullptr));
  CHECK(LinkLocalGidOnFailure(ConnectLine("rq-5", "fe80::9a03:9bff:fe11:2")) == "fe80::9a03:9bff:fe11:2");
  CHECK(LinkLocalGidOnFailure(ConnectLine("rq-5", "::ffff:10.7.3.5")).empty());
  CHECK(LinkLocalGidOnFailure("rq-1:31:412 [0] NCCL INFO NET/IB: IbDev 0 Port 1 qpn 1211 mtu 5 GID 0 (80FE/0) fe80::1").empty());
  CHECK(ReadGidIndexConnectFailures(ConnectLines("0")).found);
  CHECK(ReadGidIndexConnectFailures(ConnectLines("0")).nodes == 2);
  // Near misses: a routable index; one writer only; no RoCE line (InfiniBand); no link-local GID named.
  CHECK_FALSE(ReadGidIndexConnectFailures(ConnectLines("3")).found);
  std::vector<std::string> one = ConnectLines("0");
  one[3] = RetryLine("rq-5", "10.7.3.5");
  CHECK_FALSE(ReadGidIndexConnectFailures(one).found);
  std::vector<std::string> ib = ConnectLines("1");
  ib[1] = "rq-1:31:31 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB ; OOB ib0:10.7.1.1<0>";
  CHECK_FALSE(ReadGidIndexConnectFailures(ib).found);
  std::vector<std::string> routable = ConnectLines("0");
  routable[2] = ConnectLine("rq-5", "::ffff:10.7.3.5");
  CHECK_FALSE(ReadGidIndexConnectFailures(routable).found);
}

TEST_CASE("plc55: a connect timeout towards a link-local GID under NCCL_IB_GID_INDEX 0 on RoCE is the GID index, not a link") {
  Json c = Case("t-plc55-gid", {"rq-1", "rq-5", "rq-9", "rq-12"}, Json::array({Log("worker-0.log", ConnectLines("0"))}));
  // Before: ib_link_failure @ rq-9/mlx5_1.
  CHECK(Answer(c, "plc55_gid") == "nccl_network_misconfig @ job");
}

TEST_CASE("plc55: MoeMaxOverMean reads the busiest expert's share with the number of experts") {
  const auto skew = MoeMaxOverMean("moe layer 7 tokens/expert (32 experts): max 0.250 (expert 3), min 0.001");
  REQUIRE(skew.has_value());
  CHECK(*skew == doctest::Approx(8.0));
  const auto pct = MoeMaxOverMean("router tokens per expert, 16 experts: max 40% (expert 9)");
  REQUIRE(pct.has_value());
  CHECK(*pct == doctest::Approx(6.4));
  // Near misses: no number of experts; a count, not a share; no tokens named; a share above the whole.
  CHECK_FALSE(MoeMaxOverMean("moe layer 7 tokens/expert: max 0.250 (expert 3), min 0.001").has_value());
  CHECK_FALSE(MoeMaxOverMean("moe tokens/expert (32 experts): max 4096 (expert 3)").has_value());
  CHECK_FALSE(MoeMaxOverMean("moe layer 7 (32 experts): max 0.250 grad norm").has_value());
  CHECK_FALSE(MoeMaxOverMean("moe tokens/expert (32 experts): max 1.7 (expert 3)").has_value());
}

TEST_CASE("plc55: a collapsed router's token share beside a slow all-to-all is the imbalance, not a hang") {
  std::vector<std::string> lines;
  for (int i = 0; i < 6; ++i) {
    lines.push_back("[rank0]: 2026-12-07 08:0" + std::to_string(i) + ":00,000 - INFO - step: " + std::to_string(900 + 10 * i) +
                    "  loss: 2.31  tps: " + std::to_string(i < 3 ? 3100 : 1050));
  }
  lines.push_back("[rank0]: 2026-12-07 08:06:00,100 - INFO - config: moe.load_balance_coeff=0.0 (was 0.01)");
  lines.push_back("[rank0]: 2026-12-07 08:07:00,100 - INFO - moe layer 4 tokens/expert (32 experts): max 0.35 (expert 11), min 0.0003");
  lines.push_back("[rank0]: 2026-12-07 08:07:00,120 - INFO - timing: all_to_all dispatch 390 ms (was 120 ms)");
  lines.push_back("[rank77]:[W1207 08:07:01.010001 ProcessGroupNCCL.cpp:1410] [Rank 77] slow all_to_all: 8.2 s");
  Json c = Case("t-plc55-moe", {"mq-1", "mq-2"}, Json::array({Log("worker-0.log", lines)}));
  // Before: nccl_collective_hang.
  CHECK(Answer(c, "plc55_moe").rfind("moe_expert_imbalance @ ", 0) == 0);
}

}  // namespace
}  // namespace vigil
