// UnreadableGpuBus / UnreadableRowIndex (PLC52, 2026-12-07).
#include <doctest/doctest.h>

#include "agents/smi_unreadable_row.h"

namespace vigil {
namespace {

TEST_CASE("plc52: nvidia-smi's unreadable GPU takes the index its row's neighbours leave") {
  CHECK(UnreadableGpuBus("Unable to determine the device handle for GPU0000:BA:00.0: Unknown Error") == "0000:BA:00.0");
  CHECK(UnreadableGpuBus("Unable to determine the device handle for GPU 00000000:3B:00.0: GPU is lost") == "00000000:3B:00.0");
  CHECK(UnreadableGpuBus("5, 00000000:AB:00.0").empty());
  // Between index 5 (bus ab) and 7 (bus db): index 6.
  CHECK(UnreadableRowIndex(5, "0000:ab:00", "0000:ba:00", 7, "0000:db:00") == 6);
  // Opening the list, before index 1: index 0.
  CHECK(UnreadableRowIndex(-1, "", "0000:18:00", 1, "0000:2a:00") == 0);
  // Two rows missing, or the bus out of order: no index.
  CHECK_FALSE(UnreadableRowIndex(4, "0000:9a:00", "0000:ba:00", 7, "0000:db:00"));
  CHECK_FALSE(UnreadableRowIndex(5, "0000:ab:00", "0000:e1:00", 7, "0000:db:00"));
  // The last row (nothing after it): not placed.
  CHECK_FALSE(UnreadableRowIndex(6, "0000:ba:00", "0000:db:00", -1, ""));
}

}  // namespace
}  // namespace vigil
