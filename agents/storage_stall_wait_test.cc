// WaitLeftByStorageStall (PLC52, 2026-12-07).
#include <doctest/doctest.h>

#include "agents/storage_stall_wait.h"

namespace vigil {
namespace {

TEST_CASE("plc52: WaitLeftByStorageStall names the waits, not new faults") {
  CHECK(WaitLeftByStorageStall("nccl_collective_hang"));
  CHECK(WaitLeftByStorageStall("straggler_rank"));
  CHECK(WaitLeftByStorageStall("dataloader_stall"));
  CHECK_FALSE(WaitLeftByStorageStall("rank_process_crash"));
  CHECK_FALSE(WaitLeftByStorageStall("gpu_fallen_off_bus"));
}

}  // namespace
}  // namespace vigil
