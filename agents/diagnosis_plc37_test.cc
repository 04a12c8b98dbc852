// PLC37 (2026-12-06): what realistic38 showed (SEEN, not blind). Two general readings of
// builtin_reasoner.cc, each with cases written here as other stacks print the same failure (nodes
// qx-NN, no case text of the set):
// - a file-system client's eviction on the one node whose own IB link flapped is the link's
//   consequence, not a storage failure (ExplainedBy's storage_failure row, StorageFaultOnlyBehindLinks);
#include <doctest/doctest.h>

#include <string>

#include "agents/diagnosis_testing.h"

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

}  // namespace
}  // namespace vigil
