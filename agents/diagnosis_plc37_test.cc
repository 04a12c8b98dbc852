// PLC37 (2026-12-06): what realistic38 showed (SEEN, not blind). Two general readings of
// builtin_reasoner.cc, each with cases written here as other stacks print the same failure (nodes
// qx-NN, no case text of the set):
// - a file-system client's eviction on the one node whose own IB link flapped is the link's
//   consequence, not a storage failure (ExplainedBy's storage_failure row, StorageFaultOnlyBehindLinks);
// - a file-system client's own reconnection ("Connection restored to", "nfs: server X OK") ends that
//   node's storage stall (StatesFaultOver's kStorage): a hung task recovered before the alert's
//   window does not explain a rank's segfault hours later.
#include <doctest/doctest.h>

#include <string>

#include "agents/checkpoint_layout.h"
#include "agents/diagnosis_testing.h"
#include "agents/earlier_sightings.h"

namespace vigil {
namespace {

// One node's storage-rail HCA flaps (kernel link down / up, its port counters), then that node's
// Lustre client loses its OST and MDT and the save hangs; the peers' watchdog fires.
constexpr const char* kFlappingStorageRail = R"JSON({
  "id": "plc37-rail-flap",
  "alert": null,
  "topology": {"nodes": ["qx-01", "qx-02", "qx-03", "qx-04"], "gpus_per_node": 8, "timezone": "UTC"},
  "logs": [
    {"source": "qx-03/dmesg", "lines": [
      "[Wed Dec 02 09:10:04 2026] mlx5_core 0000:e1:00.0 ibp225s0: Link down",
      "[Wed Dec 02 09:10:09 2026] mlx5_core 0000:e1:00.0 ibp225s0: Link up",
      "[Wed Dec 02 09:11:40 2026] mlx5_core 0000:e1:00.0 ibp225s0: Link down",
      "[Wed Dec 02 09:12:20 2026] Lustre: scratch-OST0004-osc-ffff9e0c11220000: Connection to scratch-OST0004 (at 10.40.2.14@o2ib) was lost; in progress operations using this service will wait for recovery to complete",
      "[Wed Dec 02 09:12:20 2026] LustreError: 11-0: scratch-OST0004-osc-ffff9e0c11220000: operation ost_write to node 10.40.2.14@o2ib failed: rc = -107",
      "[Wed Dec 02 09:15:02 2026] INFO: task python3:40411 blocked for more than 120 seconds."]},
    {"source": "qx-03/shell", "lines": [
      "$ perfquery -x mlx5_7 1",
      "SymbolErrorCounter:..............................18802",
      "LinkDownedCounter:...............................6"]},
    {"source": "train-88120.out", "lines": [
      "[rank0]:[E1202 09:30:21.004411 31101 ProcessGroupNCCL.cpp:632] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=90211, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=1200000) ran for 1200012 milliseconds before timing out."]}
  ]
})JSON";

TEST_CASE("plc37: a Lustre eviction on the one node whose own IB link flapped is the link's consequence") {
  // Before: storage_failure @ job (the eviction lines outweighed the link's own evidence).
  const Diagnosis d = testing::RunCaseText(kFlappingStorageRail);
  CHECK(d.root_cause == "ib_link_failure");
  CHECK(d.component.rfind("qx-03", 0) == 0);
}

TEST_CASE("plc37: Lustre losing its server on a node without link evidence stays a storage failure") {
  // Near miss: the same lines, and a second client (qx-01, its links up) loses the same OST: a file
  // system that fails shows on many clients; the flapping link explains only its own node.
  std::string text = kFlappingStorageRail;
  const std::string anchor = R"(    {"source": "qx-03/shell")";
  const size_t at = text.find(anchor);
  REQUIRE(at != std::string::npos);
  text.insert(at, R"(    {"source": "qx-01/dmesg", "lines": [
      "[Wed Dec 02 09:12:31 2026] Lustre: scratch-OST0004-osc-ffff8a1200c40000: Connection to scratch-OST0004 (at 10.40.2.14@o2ib) was lost; in progress operations using this service will wait for recovery to complete",
      "[Wed Dec 02 09:12:31 2026] LustreError: 11-0: scratch-OST0004-osc-ffff8a1200c40000: operation ost_write to node 10.40.2.14@o2ib failed: rc = -107",
      "[Wed Dec 02 09:15:11 2026] INFO: task python3:51822 blocked for more than 120 seconds."]},
)");
  const Diagnosis d = testing::RunCaseText(text);
  CHECK(d.root_cause == "storage_failure");
}

TEST_CASE("plc37: StatesFaultOver reads a file-system client's reconnection") {
  CHECK(StatesFaultOver("[Fri Dec  4 14:03:30 2026] Lustre: scratch-OST0031-osc-ffff9a02c0e1e000: Connection restored to 10.31.9.50@o2ib (at 10.31.9.50@o2ib)") ==
        FaultOver::kStorage);
  CHECK(StatesFaultOver("Dec  4 14:03:30 qx-02 kernel: nfs: server nfs-home01 OK") == FaultOver::kStorage);
  // Still failing: no reconnection.
  CHECK(StatesFaultOver("Lustre: scratch-OST0031-osc-ffff9a02c0e1e000: Connection to scratch-OST0031 (at 10.31.9.50@o2ib) was lost") ==
        FaultOver::kNone);
  CHECK(StatesFaultOver("nfs: server nfs-home01 not responding, still trying") == FaultOver::kNone);
  CHECK(StatesFaultOver("LustreError: 167-0: scratch-OST0031: This client was evicted by scratch-OST0031; in progress operations using this service will fail.") ==
        FaultOver::kNone);
}

// One rank segfaults in a fused kernel's host code; its peers lose the connection. On another node, a
// hung task stuck in Lustre I/O 2 h before the job failed, its connection restored a minute later.
constexpr const char* kOldHungTaskBesideSegfault = R"JSON({
  "id": "plc37-old-hung-task",
  "alert": {"status": "firing", "labels": {"alertname": "JobFailed", "job_name": "sft-3", "severity": "warning"},
            "annotations": {"summary": "job sft-3 failed, exit code 139"}, "startsAt": "2026-12-03T10:40:30Z"},
  "topology": {"nodes": ["qx-11", "qx-12"], "gpus_per_node": 8, "timezone": "UTC"},
  "logs": [
    {"source": "sft-3.log", "lines": [
      "[2026-12-03 10:39:58] iteration 4100 | lm loss 1.9921",
      "Fatal Python error: Segmentation fault",
      "srun: error: qx-11: task 2: Segmentation fault (core dumped)",
      "[rank9]:[E1203 10:40:21.330101 88120 ProcessGroupNCCL.cpp:1895] [Rank 9] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, ncclRemoteError"]},
    {"source": "qx-11/dmesg", "lines": [
      "[Thu Dec  3 10:40:12 2026] python3[70210]: segfault at 0 ip 00007f11a2c01e40 sp 00007f10f3ffd2a0 error 4 in libflash_attn.so[7f11a2a00000+9f2000]"]},
    {"source": "qx-12/dmesg", "lines": [
      "[Thu Dec  3 08:31:02 2026] INFO: task python3:61102 blocked for more than 122 seconds.",
      "[Thu Dec  3 08:31:02 2026] task:python3 state:D stack:0 pid:61102 ppid:61090 flags:0x00004002",
      "[Thu Dec  3 08:31:02 2026]  ll_file_io_generic+0x2a4/0x5c0 [lustre]",
      "[Thu Dec  3 08:32:10 2026] Lustre: scratch-OST0012-osc-ffff9d00a1b20000: Connection restored to 10.40.2.22@o2ib (at 10.40.2.22@o2ib)"]}
  ]
})JSON";

TEST_CASE("plc37: a hung task recovered hours before the alert does not explain a rank's segfault") {
  // Before: storage_failure @ job (the hung task explained the crash away).
  const Diagnosis d = testing::RunCaseText(kOldHungTaskBesideSegfault);
  CHECK(d.root_cause == "rank_process_crash");
}

TEST_CASE("plc37: dist_checkpointing's global shape mismatch at load is a checkpoint layout mismatch") {
  std::optional<CheckpointLayoutMismatch> m = CheckpointLayoutLine(
      "[rank3]: megatron.core.dist_checkpointing.core.CheckpointingException: Global shape mismatch for loaded "
      "(torch.Size([4096, 11008])) and expected ((4096, 5504)) tensor for key decoder.layers.mlp.linear_fc2.weight");
  REQUIRE(m);
  CHECK(m->what == "decoder.layers.mlp.linear_fc2.weight: shape (4096, 11008) in the checkpoint, (4096, 5504) now");
  // The same shapes: no mismatch stated.
  CHECK_FALSE(CheckpointLayoutLine("CheckpointingException: Global shape mismatch for loaded (torch.Size([4096, 5504])) "
                                   "and expected ((4096, 5504)) tensor for key decoder.layers.mlp.linear_fc2.weight"));
}

}  // namespace
}  // namespace vigil
