// ReadClockReasons (AO): the clock-event-reasons bit field as alerts, labels and the exporter's
// /metrics page state it, and what it is not (a mask in an expression, a query's column list).
#include "agents/clock_reasons.h"

#include <doctest/doctest.h>

namespace vigil {
namespace {

std::string CategoryOf(const std::string& line) {
  auto r = ReadClockReasons(line);
  return r ? r->category : std::string("(none)");
}

TEST_CASE("clock reasons: the stated field decoded, thermal before power") {
  CHECK(CategoryOf("DCGM_FI_DEV_CLOCKS_EVENT_REASONS on h200-c2-04 gpu 6 is 96 (SW thermal, HW thermal).") ==
        "gpu_thermal_throttle");
  CHECK(CategoryOf("GPU 2 on gpu-e33 reports a thermal clock event reason (value 96) for 5m.") == "gpu_thermal_throttle");
  CHECK(CategoryOf("{clock_event_reasons=\"0x40\",gpu=\"1\"}") == "gpu_thermal_throttle");
  CHECK(CategoryOf("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS{gpu=\"3\",UUID=\"GPU-1\",Hostname=\"n1\"} 128") == "gpu_power_throttle");
  CHECK(CategoryOf("DCGM_FI_DEV_CLOCKS_EVENT_REASONS on hgx-h100-20 is 136 (HW slowdown, HW power brake)") ==
        "gpu_power_throttle");
  CHECK(CategoryOf("DCGM_FI_DEV_CLOCKS_EVENT_REASONS on gpu-h100-h03 gpu 2 is 4 (SW power cap).") == "gpu_power_throttle");
  CHECK(CategoryOf("clocks_event_reasons = 36") == "gpu_thermal_throttle");  // SW power cap + SW thermal
  auto r = ReadClockReasons("DCGM_FI_DEV_CLOCKS_EVENT_REASONS is 0x60");
  REQUIRE(r.has_value());
  CHECK(r->bits == 0x60);
  CHECK(r->reasons == "SW thermal slowdown, HW thermal slowdown");
}

TEST_CASE("clock reasons: bits that name no throttle, and text that states no field") {
  CHECK(CategoryOf("DCGM_FI_DEV_CLOCKS_EVENT_REASONS is 8") == "");    // HW slowdown: power or heat
  CHECK(CategoryOf("DCGM_FI_DEV_CLOCKS_EVENT_REASONS is 5") == "");    // idle + SW power cap: nothing to cap
  CHECK(CategoryOf("DCGM_FI_DEV_CLOCKS_EVENT_REASONS is 1") == "");    // idle
  CHECK(CategoryOf("DCGM_FI_DEV_CLOCKS_EVENT_REASONS + & + 0xE8 + > + 0") == "(none)");
  CHECK(CategoryOf("DCGM_FI_DEV_SM_CLOCK < 1200 and DCGM_FI_DEV_CLOCK_THROTTLE_REASONS band 0x84 > 0 for 10m") == "(none)");
  CHECK(CategoryOf("index, temperature.gpu, clocks.sm [MHz], clocks_event_reasons.active") == "(none)");
  CHECK(CategoryOf("$ nvidia-smi --query-gpu=index,clocks_event_reasons.active --format=csv") == "(none)");
  CHECK(CategoryOf("    Clocks Event Reasons") == "(none)");
  CHECK(CategoryOf("Clocks event reasons changed on GPU 0 at 10:32:11") == "(none)");
  CHECK(CategoryOf("DCGM_FI_DEV_CLOCKS_EVENT_REASONS is 99999999999") == "(none)");  // no 32-bit field
  CHECK(CategoryOf("step 120 loss 2.31") == "(none)");
}

TEST_CASE("clock reasons: a mask in a rule's expression names the bits it tests (AO2)") {
  auto cat = [](const std::string& e) {
    auto r = ReadClockReasonsMask(e);
    return r ? r->category : std::string("(none)");
  };
  // Any of one kind's bits.
  CHECK(cat("count by (Hostname) ((DCGM_FI_DEV_CLOCK_THROTTLE_REASONS & 4) > 0) >= 4") == "gpu_power_throttle");
  CHECK(cat("DCGM_FI_DEV_CLOCKS_EVENT_REASONS{gpu=\"5\"} band 0x84 > 0") == "gpu_power_throttle");
  CHECK(cat("(DCGM_FI_DEV_CLOCKS_EVENT_REASONS & 0x60) != 0") == "gpu_thermal_throttle");
  CHECK(cat("max by (Hostname, gpu) (DCGM_FI_DEV_CLOCK_THROTTLE_REASONS & 32) >= 1") == "gpu_thermal_throttle");
  // Exactly some bits of the mask.
  CHECK(cat("(DCGM_FI_DEV_CLOCK_THROTTLE_REASONS & 0xE8) == 0x80") == "gpu_power_throttle");
  CHECK(cat("(DCGM_FI_DEV_CLOCK_THROTTLE_REASONS & 0xE8) == 0x48") == "gpu_thermal_throttle");
  // Bits of both kinds, or HW slowdown, which is either: read, no category.
  CHECK(cat("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS & 0xE8 > 0") == "");
  CHECK(cat("(DCGM_FI_DEV_CLOCK_THROTTLE_REASONS & 8) > 0") == "");
  CHECK(cat("(DCGM_FI_DEV_CLOCK_THROTTLE_REASONS & 0xEC) == 0x08") == "");
  auto any = ReadClockReasonsMask("DCGM_FI_DEV_CLOCKS_EVENT_REASONS band 0x84 > 0");
  REQUIRE(any);
  CHECK(any->bits == 0x84);
  CHECK(any->reasons == "any of: SW power cap, HW power brake slowdown");
  // No mask test: no bits set, another comparison, a value outside the mask, a mask of 0, no mask.
  CHECK_FALSE(ReadClockReasonsMask("(DCGM_FI_DEV_CLOCK_THROTTLE_REASONS & 4) == 0"));
  CHECK_FALSE(ReadClockReasonsMask("(DCGM_FI_DEV_CLOCK_THROTTLE_REASONS & 4) < 4"));
  CHECK_FALSE(ReadClockReasonsMask("(DCGM_FI_DEV_CLOCK_THROTTLE_REASONS & 4) == 8"));
  CHECK_FALSE(ReadClockReasonsMask("(DCGM_FI_DEV_CLOCK_THROTTLE_REASONS & 0) > 0"));
  CHECK_FALSE(ReadClockReasonsMask("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS > 0"));
  CHECK_FALSE(ReadClockReasonsMask("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS > 0 and DCGM_FI_DEV_GPU_TEMP > 85"));
  CHECK_FALSE(ReadClockReasonsMask("(DCGM_FI_DEV_CLOCK_THROTTLE_REASONS & 0x1FFFFFFFF) > 0"));
  CHECK_FALSE(ReadClockReasonsMask(""));
}

}  // namespace
}  // namespace vigil
