// PLC74 (2026-12-07, realistic64, SEEN fixes: what the blind run missed): evidence written for these
// tests (made-up minimal lines in the shape of the logs an on-call engineer reads, not the cases' text).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/gid_index_connect.h"
#include "agents/gid_index_retry.h"
#include "agents/library_version_mismatch.h"
#include "agents/prose_source.h"
#include "agents/rank_hash_row.h"
#include "agents/send_recv_deadlock.h"

namespace vigil {
namespace {

// 1. (rl64-30) torchrun prefixes every line of a rank's stderr with "[rankN]:"; NCCL's own writer
//    ("host:pid:tid [dev]") follows it. The queue-pair connect and retry-exceeded lines are the same
//    lines with or without the prefix.
TEST_CASE("plc74: QpConnectTimeoutLine and RetryExceededLine read a line behind a torchrun rank prefix") {
  std::string host;
  CHECK(QpConnectTimeoutLine(
      "[rank0]:qx-07:51:90 [0] transport/net_ib.cc:1096 NCCL WARN NET/IB : ibv_modify_qp failed with 110 Connection timed out (RTR, remote GID fe80::1:2)",
      &host));
  CHECK(host == "qx-07");
  CHECK(QpConnectTimeoutLine(
      "[default3]:qx-08:51:90 [3] NCCL WARN NET/IB : ibv_modify_qp failed with 110 Connection timed out", &host));
  CHECK(host == "qx-08");
  CHECK_FALSE(QpConnectTimeoutLine("[rank0]: NET/IB : ibv_modify_qp failed with 110 Connection timed out", &host));
  std::string peer;
  CHECK(RetryExceededLine(
      "[rank9]:qx-09:7:8 [1] NCCL WARN NET/IB : Got completion from peer 10.0.3.4<5000> with status=IBV_WC_RETRY_EXC_ERR(12)",
      &host, &peer));
  CHECK(host == "qx-09");
}

std::string RankPrefixedGidCase(const std::string& index) {
  return R"JSON({
  "id": "plc74-gid",
  "topology": {"nodes": ["qx-07", "qx-08", "qx-09"], "gpus_per_node": 8, "timezone": "UTC",
               "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
  "probes": {"nccl.allreduce@job": {"probe": "nccl.allreduce", "target": "job", "status": "pass",
             "metrics": {"busbw_gbps": 180.0}, "thresholds": {"busbw_min_gbps": 150.0},
             "reason": "3 nodes ok, probe env NCCL_IB_GID_INDEX=3", "duration_s": 1.0}},
  "logs": [
    {"source": "pod/worker-0/trainer", "lines": [
      "[rank0]:launch env: NCCL_IB_HCA=mlx5_0,mlx5_1 NCCL_IB_GID_INDEX=)JSON" + index + R"JSON(",
      "[rank0]:qx-07:51:60 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/RoCE [1]mlx5_1:1/RoCE ; OOB eth0:10.7.0.7<0>",
      "[rank0]:qx-07:51:90 [0] transport/net_ib.cc:1096 NCCL WARN NET/IB : ibv_modify_qp failed with 110 Connection timed out (RTR, remote GID fe80::aa:8)",
      "[rank0]:torch.distributed.DistBackendError: NCCL error in: ProcessGroupNCCL.cpp:2011, remote process exited or there was a network error",
      "[rank8]:qx-08:53:91 [0] transport/net_ib.cc:1096 NCCL WARN NET/IB : ibv_modify_qp failed with 110 Connection timed out (RTR, remote GID fe80::aa:7)"]}
  ]
})JSON";
}

TEST_CASE("plc74: connect timeouts towards a link-local GID behind torchrun prefixes are the GID index") {
  const Diagnosis d = testing::RunCaseText(RankPrefixedGidCase("0"));
  CHECK(d.root_cause == "nccl_network_misconfig");
  CHECK(d.component == "job");
  // Under a routable index (3), the same timeouts are not the GID index's.
  const Diagnosis r = testing::RunCaseText(RankPrefixedGidCase("3"));
  CHECK(r.root_cause != "nccl_network_misconfig");
}

// 2. (rl64-29) Two builds of one library the job loads disagree on their version (an extension linked
//    against one NVSHMEM, the image's host library another): the job's software stack.
TEST_CASE("plc74: StatesLibraryVersionMismatch reads two builds of one library disagreeing") {
  CHECK(StatesLibraryVersionMismatch(
      "[rank2]: NVSHMEM ERROR src/host/init/init.cu:936: nvshmem version mismatch: host library 3.0.6, device library 3.2.5"));
  CHECK(StatesLibraryVersionMismatch("RuntimeError: libfoo.so version mismatch: built with 2.1.0, loaded 2.3.1"));
  CHECK(StatesLibraryVersionMismatch("ImportError: NCCL version mismatch: headers 2.21.5 vs library 2.23.4"));
  // A warning the job ran past (realistic61 rl61-21's shape): not the cause.
  CHECK_FALSE(StatesLibraryVersionMismatch(
      "[rank0]:[W1206 09:00:31.221019 51001 ProcessGroupNCCL.cpp:1011] NCCL version mismatch: built with NCCL 2.21.5 but runtime loaded 2.23.4"));
  CHECK_FALSE(StatesLibraryVersionMismatch("WARNING: nvshmem version mismatch: host library 3.0.6, device library 3.2.5"));
  // A node's driver upgraded without a reboot: the node's, not the job's.
  CHECK_FALSE(StatesLibraryVersionMismatch("Failed to initialize NVML: Driver/library version mismatch (NVML 550.90, driver 535.129)"));
  // One version, the same version twice, no library named.
  CHECK_FALSE(StatesLibraryVersionMismatch("NVSHMEM ERROR: nvshmem version mismatch: host library 3.0.6"));
  CHECK_FALSE(StatesLibraryVersionMismatch("NVSHMEM ERROR: nvshmem version mismatch: host library 3.0.6, device library 3.0.6"));
  CHECK_FALSE(StatesLibraryVersionMismatch("RuntimeError: checkpoint format version mismatch: saved 1.2, expected 1.3"));
  CHECK(FindLibraryVersionMismatch({"x", "NVSHMEM ERROR: nvshmem version mismatch: host library 3.0.6, device library 3.2.5"}) == size_t{1});
  CHECK_FALSE(FindLibraryVersionMismatch({"x", "y"}).has_value());
}

std::string NvshmemMismatchCase(const std::string& first) {
  return R"JSON({
  "id": "plc74-nvshmem",
  "topology": {"nodes": ["vm-3"], "gpus_per_node": 4, "timezone": "UTC",
               "rank_layout": "rank r runs on nodes[r // 4], local GPU r % 4"},
  "logs": [
    {"source": "slurm-88.out", "lines": [
      "srun: job 88 step 0: 4 tasks on 1 nodes (vm-3)",
      ")JSON" + first + R"JSON(",
      "[rank0]: nvshmem_internal_init: bootstrap_init failed (uid bootstrap: peers did not complete handshake)",
      "[rank1]: csrc/ep.cpp:96 'nvshmemx_init_attr' failed: error -1",
      "[rank0]: RuntimeError: failed to initialise NVSHMEM (see NVSHMEM ERROR above)",
      "srun: error: vm-3: tasks 0-3: Exited with exit code 1"]}
  ]
})JSON";
}

TEST_CASE("plc74: an NVSHMEM host / device library version mismatch on every rank is the launch's stack") {
  const Diagnosis d = testing::RunCaseText(NvshmemMismatchCase(
      "[rank1]: NVSHMEM ERROR src/host/init/init.cu:936: nvshmem version mismatch: host library 3.0.6, device library (linked into ep_cpp) 3.2.5"));
  CHECK(d.root_cause == "launch_config_error");
  CHECK(d.component == "job");
  const Diagnosis base = testing::RunCaseText(NvshmemMismatchCase("[rank1]: NVSHMEM WARN src/host/init/init.cu:120: using bootstrap uid"));
  CHECK(testing::ProbabilityOf(base, "launch_config_error") < testing::ProbabilityOf(d, "launch_config_error"));
}

// 3. (rl64-08) A bare host's prompt, "host$ cmd", heads that host's command output as "$ cmd" and
//    "user@host:~$ cmd" do: an lspci run on one device there is that GPU's link.
TEST_CASE("plc74: IsShellPromptLine reads a bare host's prompt") {
  CHECK(IsShellPromptLine("gn-033$ lspci -vvv -s 9a:00.0 | grep LnkSta"));
  CHECK(IsShellPromptLine("$ lspci -vvv -s 9a:00.0"));
  CHECK_FALSE(IsShellPromptLine("price$ "));
  CHECK_FALSE(IsShellPromptLine("LnkSta: Speed 32GT/s, Width x4 (downgraded)"));
  CHECK_FALSE(IsShellPromptLine("cost is 5$ per hour"));
}

TEST_CASE("plc74: lspci run on one device under a host$ prompt places its downgraded link on that GPU") {
  const Diagnosis d = testing::RunCaseText(R"JSON({
 "id": "plc74-lspci",
 "topology": {"nodes": ["gn-033", "gn-034"], "gpus_per_node": 8, "timezone": "UTC",
  "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8",
  "gpu_pci_bus": {"gpu0": "0000:19:00.0", "gpu1": "0000:2b:00.0", "gpu2": "0000:3b:00.0", "gpu3": "0000:5c:00.0",
                  "gpu4": "0000:9b:00.0", "gpu5": "0000:ac:00.0", "gpu6": "0000:bb:00.0", "gpu7": "0000:dc:00.0"}},
 "logs": [{"source": "gn-033/lspci.txt", "lines": [
    "gn-033$ lspci -vvv -s 9b:00.0 | grep -E 'LnkCap|LnkSta'",
    "        LnkCap: Port #0, Speed 32GT/s, Width x16",
    "        LnkSta: Speed 32GT/s, Width x4 (downgraded)",
    "gn-033$ lspci -vvv -s 5c:00.0 | grep -E 'LnkCap|LnkSta'",
    "        LnkCap: Port #0, Speed 32GT/s, Width x16",
    "        LnkSta: Speed 32GT/s, Width x16"]}]
})JSON");
  CHECK(d.root_cause == "pcie_link_degraded");
  CHECK(d.component == "gn-033/gpu4");
}

// 4. (rl64-17) Two pipeline stages both sending to each other, no RECV posted: the program's send / recv
//    order differs across ranks, the job's hang, not the GPU of the rank whose watchdog line is first.
TEST_CASE("plc74: FindSendRecvDeadlock reads mutual sends, not a matched send / recv") {
  const auto d = FindSendRecvDeadlock(
      {"x", "[PG ID 2 Rank 0] Desync debug: rank 0 (global 9) is blocked in SEND to peer 1 (global 41); peer 1 is blocked in SEND to peer 0"});
  REQUIRE(d.has_value());
  CHECK(d->line_index == 1);
  CHECK_FALSE(FindSendRecvDeadlock(
      {"rank 0 (global 9) is blocked in SEND to peer 1 (global 41); peer 1 is blocked in RECV from peer 0"}).has_value());
  const auto fr = FindSendRecvDeadlock({"Mismatch in pg 4:", "  rank 9: send -> 41 (bf16)", "  rank 41: send -> 9 (bf16)"});
  REQUIRE(fr.has_value());
  CHECK(fr->line_index == 2);
  CHECK_FALSE(FindSendRecvDeadlock({"  rank 9: send -> 41 (bf16)", "  rank 41: recv <- 9 (bf16)"}).has_value());
  CHECK_FALSE(FindSendRecvDeadlock({"  rank 9: send -> 41", "  rank 41: send -> 73"}).has_value());
}

std::string PipelineDeadlockCase(const std::string& report) {
  return R"JSON({
  "id": "plc74-pp",
  "topology": {"nodes": ["pp-01", "pp-02", "pp-03", "pp-04"], "gpus_per_node": 8, "timezone": "UTC",
               "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
  "logs": [{"source": "slurm-9.out", "lines": [
    "[rank9]:[E1205 07:42:19.011204 61120 ProcessGroupNCCL.cpp:616] [PG ID 2 PG GUID 5(PIPELINE_MODEL_PARALLEL_GROUP) Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=77, OpType=SEND, NumelIn=1048576, NumelOut=1048576, Timeout(ms)=600000) ran for 600104 milliseconds before timing out.",
    "[rank25]:[E1205 07:42:19.013400 64410 ProcessGroupNCCL.cpp:616] [PG ID 2 PG GUID 5(PIPELINE_MODEL_PARALLEL_GROUP) Rank 1] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=77, OpType=SEND, NumelIn=1048576, NumelOut=1048576, Timeout(ms)=600000) ran for 600101 milliseconds before timing out.",
    ")JSON" + report + R"JSON("]}]
})JSON";
}

TEST_CASE("plc74: two pipeline ranks blocked sending to each other is the job's hang") {
  const Diagnosis d = testing::RunCaseText(PipelineDeadlockCase(
      "[rank9]:[E1205 07:42:19.120011 61120 ProcessGroupNCCL.cpp:1720] [PG ID 2 Rank 0] Desync debug: rank 0 (global 9) is blocked in SEND to peer 1 (global 25); peer 1 is blocked in SEND to peer 0: no matching RECV posted on either side"));
  CHECK(d.root_cause == "nccl_collective_hang");
  CHECK(d.component == "job");
}

// 5. (rl64-09) One row of "rank:digest" pairs under a checksum header: the odd rank's GPU.
TEST_CASE("plc74: FindRankHashRowOdd reads the one differing digest of a row") {
  const auto r = FindRankHashRowOdd({"param sha256 per replica (ranks 3 11 19 27):", "  3:aa11bb22 11:aa11bb22 19:c0ffee01 27:aa11bb22"});
  REQUIRE(r.has_value());
  CHECK(r->rank == 19);
  CHECK(r->line == 1);
  CHECK(r->agreeing == 3);
  // No checksum header: not read. Two against two: no odd one. Three values: no odd one.
  CHECK_FALSE(FindRankHashRowOdd({"  3:aa11bb22 11:aa11bb22 19:c0ffee01 27:aa11bb22"}).has_value());
  CHECK_FALSE(FindRankHashRowOdd({"hash per replica:", "3:aa11bb22 11:aa11bb22 19:c0ffee01 27:c0ffee01"}).has_value());
  CHECK_FALSE(FindRankHashRowOdd({"hash per replica:", "3:aa11bb22 11:aa11bb22 19:c0ffee01 27:deadbeef"}).has_value());
}

std::string HashRowCase(const std::string& row) {
  return R"JSON({
  "id": "plc74-hashrow",
  "topology": {"nodes": ["sd-01", "sd-02", "sd-03", "sd-04"], "gpus_per_node": 8, "timezone": "UTC",
               "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
  "logs": [{"source": "sd-01/slurm-4.out", "lines": [
    "[W 2026-12-06 04:42:03 consistency:77] gathered param sha256 per dp replica for tp rank 3 (ranks 3 11 19 27):",
    "[W 2026-12-06 04:42:03 consistency:78]   )JSON" + row + R"JSON(",
    "[E 2026-12-06 04:42:03 consistency:83] AssertionError: parameter checksums differ across data-parallel replicas at step 900",
    "srun: error: sd-01: tasks 0-7: Exited with exit code 1"]}]
})JSON";
}

TEST_CASE("plc74: the odd rank of a digest row places the corruption on its GPU") {
  const Diagnosis d = testing::RunCaseText(HashRowCase("3:aa11bb22 11:aa11bb22 19:c0ffee01 27:aa11bb22"));
  CHECK(d.root_cause == "gpu_silent_data_corruption");
  CHECK(d.component == "sd-03/gpu3");
}

}  // namespace
}  // namespace vigil
