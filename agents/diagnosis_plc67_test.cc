// PLC67 (2026-12-07, realistic59, SEEN fixes: the blind run's misses): evidence written for these
// tests (made-up minimal lines in the shape of the case's logs, not the case's text).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/dynamo_recompile.h"
#include "agents/imex_peer_import.h"
#include "agents/logs_case_testing.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

// 1. (rl59-07) A Blackwell NVLink Xid printed without the "pid=, name=" fields ("Xid (PCI:...): 149,
//    NETIR_LINK_EVT: ... port down") is an NVLink fault line the pack's Xid signature reads.
TEST_CASE("plc67: a Blackwell NVLink Xid line without pid / name is nvlink_error") {
  Json c = Case("t-plc67-xid", {"bx-n01", "bx-n02"},
                Json::array({Log("bx-n02/dmesg", {"[Tue Nov 10 03:20:11 2026] NVRM: Xid (PCI:0009:01:00): 147, "
                                                  "TREX: Fatal error detected on link 4: port down"})}));
  c["topology"]["gpu_model"] = "NVIDIA GB200";
  c["topology"]["gpus_per_node"] = 4;
  // Before: unknown (no pack signature read Xids 144-150 without "NVLink" in the line).
  const std::string a = testing::CaseAnswerDumped(c, "plc67-xid", "PLC67_DUMP");
  CHECK(a.rfind("nvlink_error @ bx-n02", 0) == 0);
}

// 2. (rl59-07) The IMEX daemon's failed import from a peer node is the path's fault, not the daemon's.
TEST_CASE("plc67: an IMEX daemon's failed import from a peer node") {
  CHECK(IsImexPeerImportFailure("Mar 02 11:04:10 rk-c03 nvidia-imex[881]: [ERROR] Failed to import memory from node 7: IMEX_ERR_PEER_UNREACHABLE"));
  CHECK(IsImexPeerImportFailure("nvidia-imex: peer node rk-c07 unreachable"));
  CHECK(IsImexPeerImportFailure("IMEX: failed to map buffer from peer 10.0.3.7 (timeout)"));
  // The daemon's own failure is not.
  CHECK_FALSE(IsImexPeerImportFailure("systemd[1]: nvidia-imex.service: Failed with result 'exit-code'."));
  CHECK_FALSE(IsImexPeerImportFailure("nvidia-imex[3310]: IMEX daemon version 570.1 does not match the driver version 570.2"));
  CHECK_FALSE(IsImexPeerImportFailure("nvidia-imex is inactive on rk-c03"));
  // Not IMEX's.
  CHECK_FALSE(IsImexPeerImportFailure("NCCL WARN Failed to import memory from node 7"));
}

// An NVL72-style rack "kr-r05" of 9 compute trays: trays ct03 and ct08 cannot import each other's memory; with
// `nvlink_down`, both trays' dmesg has a Blackwell NVLink Xid (links down after power-up).
Json ImexRack(bool nvlink_down) {
  std::vector<std::string> nodes;
  for (int i = 1; i <= 9; ++i) nodes.push_back("kr-r05-ct0" + std::to_string(i));
  Json logs = Json::array(
      {Log("job-5120.out", {"kr-r05-ct03:7001:7001 [1] NCCL INFO MNNVL busId 0x9010 cliqueId 0x2 state 3 healthMask 0x2",
                            "kr-r05-ct03:7001:7140 [1] transport/p2p.cc:275 NCCL WARN Cuda failure 1 'invalid argument' (cuMemImportFromShareableHandle) peer rank 29",
                            "[rank9]: torch.distributed.DistBackendError: NCCL error in: ProcessGroupNCCL.cpp:2172, unhandled cuda error",
                            "srun: error: kr-r05-ct03: task 9: Exited with exit code 1"}),
       Log("imex.log", {"Mar 02 11:04:10 kr-r05-ct03 nvidia-imex[881]: [ERROR] Failed to import memory from node 8: IMEX_ERR_PEER_UNREACHABLE",
                        "Mar 02 11:04:11 kr-r05-ct08 nvidia-imex[902]: [ERROR] Failed to import memory from node 3: IMEX_ERR_PEER_UNREACHABLE"})});
  if (nvlink_down) {
    logs.push_back(Log("kr-r05-ct03/dmesg", {"[Mon Mar  2 10:58:40 2026] NVRM: Xid (PCI:0009:01:00): 149, NETIR_LINK_EVT: Fatal error detected on link 1, link 6: port down"}));
    logs.push_back(Log("kr-r05-ct08/dmesg", {"[Mon Mar  2 10:58:41 2026] NVRM: Xid (PCI:0018:01:00): 149, NETIR_LINK_EVT: Fatal error detected on link 1, link 6: port down"}));
  }
  Json c = Case(nvlink_down ? "t-plc67-imex-nvlink" : "t-plc67-imex", nodes, logs);
  c["topology"]["gpu_model"] = "NVIDIA GB200";
  c["topology"]["gpus_per_node"] = 4;
  return c;
}

TEST_CASE("plc67: IMEX peer-import failures between two trays whose NVLinks are down are the rack's NVLink") {
  // Before: nccl_network_misconfig @ kr-r05-ct03 (the IMEX line read as the daemon misconfigured; the Xid 149
  // lines unread).
  CHECK(testing::CaseAnswerDumped(ImexRack(true), "plc67-imex-nvlink", "PLC67_DUMP") == "nvlink_error @ nvlink-domain:kr-r05");
  // With no NVLink fault in the logs the IMEX failure is still read as before (not nvlink_error).
  const std::string without = testing::CaseAnswerDumped(ImexRack(false), "plc67-imex", "PLC67_DUMP");
  CHECK(without.rfind("nvlink_error", 0) != 0);
  CHECK(without.rfind("nccl_network_misconfig", 0) == 0);
}

// 3. (rl59-26) dynamo's recompilation notes are no errors; a rank that hit the recompile limit runs the
//    frame uncompiled and is the job's straggler when only it did.
TEST_CASE("plc67: dynamo's recompilation notes and its recompile limit") {
  CHECK(IsDynamoRecompileNote("[rank3]:W0301 10:00:01.5 torch/_dynamo/guards.py] Recompiling function step in /app/m.py:88 triggered by: 0/2: tensor 'L['x']' size mismatch at index 0. expected 16, actual 15"));
  CHECK(IsDynamoRecompileNote("[rank3]:   last reason: 0/2: tensor 'L['x']' size mismatch at index 0. expected 16, actual 15"));
  CHECK(IsDynamoRecompileNote("torch._dynamo hit config.cache_size_limit (8)"));
  CHECK_FALSE(IsDynamoRecompileNote("RuntimeError: shape mismatch: expected 16, actual 15"));
  CHECK(RecompileLimitRank("[rank17]:W0301 10:05:00.1 torch/_dynamo/convert_frame.py] torch._dynamo hit config.recompile_limit (8)") == 17);
  CHECK(RecompileLimitRank("[rank17]: recompile_limit reached for function step") == 17);
  CHECK(RecompileLimitRank("torch._dynamo hit config.recompile_limit (8)") == -1);  // no rank named
  CHECK(RecompileLimitRank("[rank17]: torch.compile enabled (recompile_limit=8)") == -1);  // a setting
}

// A job of 4 nodes x 8 GPUs; rank 13 (cx-02 gpu5) recompiles its step on each new batch length until
// dynamo's limit; the iteration time rises after it. With `all_ranks`, every rank's line says the limit.
Json RecompileJob(bool all_ranks) {
  std::vector<std::string> lines = {"torch.compile on (dynamic=False)"};
  for (int k = 1; k <= 4; ++k) {
    lines.push_back("[rank13]:W0301 10:0" + std::to_string(k) + ":00.000000 torch/_dynamo/guards.py] Recompiling function step in /app/train.py:88 triggered by: 0/" +
                    std::to_string(k) + ": tensor 'L['tokens']' size mismatch at index 1. expected 2048, actual " + std::to_string(2048 - k));
  }
  lines.push_back("[rank13]:W0301 10:05:10.000000 torch/_dynamo/convert_frame.py] torch._dynamo hit config.recompile_limit (4)");
  lines.push_back("[rank13]:   last reason: 0/4: tensor 'L['tokens']' size mismatch at index 1. expected 2048, actual 2044");
  if (all_ranks) {
    for (int r = 0; r < 32; ++r) {
      if (r != 13) lines.push_back("[rank" + std::to_string(r) + "]:W0301 10:05:11.000000 torch/_dynamo/convert_frame.py] torch._dynamo hit config.recompile_limit (4)");
    }
  }
  lines.push_back(" [2026-03-01 10:08:00] iteration 40/ 9000 | elapsed time per iteration (ms): 2101.0 | lm loss: 5.1");
  lines.push_back(" [2026-03-01 10:12:00] iteration 80/ 9000 | elapsed time per iteration (ms): 3350.2 | lm loss: 4.9");
  return Case(all_ranks ? "t-plc67-recompile-all" : "t-plc67-recompile", {"cx-01", "cx-02", "cx-03", "cx-04"},
              Json::array({Log("train-311.out", lines)}));
}

TEST_CASE("plc67: one rank past dynamo's recompile limit is the straggler; every rank past it is no straggler") {
  // Before: the guard's "size mismatch ... expected, actual" read like other incidents (no straggler).
  CHECK(testing::CaseAnswerDumped(RecompileJob(false), "plc67-recompile", "PLC67_DUMP") == "straggler_rank @ cx-02/gpu5");
  CHECK(testing::CaseAnswerDumped(RecompileJob(true), "plc67-recompile-all", "PLC67_DUMP").rfind("straggler_rank", 0) != 0);
}

}  // namespace
}  // namespace vigil
