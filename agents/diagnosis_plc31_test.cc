// PLC31 (2026-12-06, the lead): realistic33's rl33-30 (seen), the GID-index fault PLC29 read for
// rl31-17 in other words. NCCL's failed queue-pair transition ("ibv_modify_qp failed ... next state
// RTR, local GID index 0, local GID fe80::...") names the link-local GID it used, as a completion
// error's `localGid` does (LinkLocalCompletionGid); such lines on several RoCE NICs are the GID index's
// choice (ReadLinkLocalGidErrors). Evidence written for these tests, not copied from a case.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"
#include "agents/transport_line.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

std::string Rtr(const std::string& host, int nic, const std::string& gid) {
  return host + ":5120:5301 [" + std::to_string(nic) + "] transport/net_ib.cc:1002 NCCL WARN NET/IB : ibv_modify_qp failed with 110 " +
         "Connection timed out, on dev mlx5_" + std::to_string(nic) + ":1, curr state INIT, next state RTR, local GID index 1, " +
         "local GID " + gid + ", remote GID fe80::5a:77";
}

TEST_CASE("plc31: a failed queue-pair transition names its local GID") {
  CHECK(LinkLocalCompletionGid(Rtr("rc-a1", 2, "fe80::b8ce:f6ff:fe01:0a02")) == "fe80::b8ce:f6ff:fe01:0a02");
  // Near misses: a routable GID; the same words outside NCCL's NET/IB; a GID index line alone.
  CHECK(LinkLocalCompletionGid(Rtr("rc-a1", 2, "::ffff:10.40.2.7")).empty());
  CHECK(LinkLocalCompletionGid("ibv_modify_qp failed with 110, local GID fe80::1 (rdma-core example)").empty());
  CHECK(LinkLocalCompletionGid("rc-a1:1:1 [0] NCCL INFO NCCL_IB_GID_INDEX set by environment to 1.").empty());
}

// 6 RoCE nodes over three leaf pairs; `n` of them fail to bring up a queue pair from a link-local GID.
Json RtrCase(const std::string& link_layer, size_t n, bool same_gid) {
  const std::vector<std::string> nodes = {"rc-a1", "rc-a2", "rc-b1", "rc-b2", "rc-c1", "rc-c2"};
  std::vector<std::string> out = {"rc-a1:5120:5120 [0] NCCL INFO NCCL_IB_GID_INDEX set by environment to 1.",
                                  "rc-a1:5120:5290 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/" + link_layer + " [1]mlx5_1:1/" +
                                      link_layer + " [2]mlx5_2:1/" + link_layer + " [RO]; OOB eth0:10.40.1.1<0>"};
  for (size_t i = 0; i < n; ++i) {
    out.push_back(Rtr(nodes[i], static_cast<int>(i % 3), same_gid ? "fe80::b8ce:f6ff:fe01:0a01" : "fe80::b8ce:f6ff:fe01:0a0" + std::to_string(i + 1)));
  }
  out.push_back("[rank0]:[E1206 01:10:02.331920 5120 ProcessGroupNCCL.cpp:632] [Rank 0] Watchdog caught collective operation "
                "timeout: WorkNCCL(SeqNum=1, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600003 milliseconds "
                "before timing out.");
  out.push_back("E1206 01:10:05.118000 1 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: 1) local_rank: 0 "
                "(pid: 5120) of binary: /usr/bin/python3");
  return Case("t-plc31-rtr", nodes, Json::array({Log("kubectl logs llm-worker-0", out)}));
}

TEST_CASE("plc31: queue pairs that cannot leave INIT from link-local GIDs on several RoCE NICs are the GID index") {
  // Before: the transition lines counted for nothing; rank_process_crash (the exit) or the timeout led.
  CHECK(testing::CaseAnswer(RtrCase("RoCE", 3, false)) == "nccl_network_misconfig @ job");
  // Near misses: InfiniBand (its GIDs are fe80:: by design); one NIC's line repeated.
  CHECK(testing::CaseAnswer(RtrCase("IB", 3, false)).rfind("nccl_network_misconfig", 0) != 0);
  CHECK(testing::CaseAnswer(RtrCase("RoCE", 3, true)).rfind("nccl_network_misconfig", 0) != 0);
}

}  // namespace
}  // namespace vigil
