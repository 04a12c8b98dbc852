// GpuClockLowInWords (AO5): GPU clocks an alert says are low, the reason not given.
#include <doctest/doctest.h>

#include <string>

#include "agents/alert_clock.h"

namespace vigil {
namespace {

TEST_CASE("gpu clock low: SM clocks below a number, the reason not given") {
  CHECK(GpuClockLowInWords("GPUClocksLowUnderLoad\nGPU 5 on hgx-2 below 1300 MHz while busy") != "");
  CHECK(GpuClockLowInWords("GPUClockLow\nSM clock below 1150 MHz on 8 GPUs of node-4 for 15m") != "");
  CHECK(GpuClockLowInWords("All GPUs on xe-7 under 1000 MHz under load") != "");
  CHECK(GpuClockLowInWords("GPU clocks held at 990 MHz on dgx-3 GPU 1") != "");
  CHECK(GpuClockLowInWords("DCGM_FI_DEV_SM_CLOCK < 1250 and DCGM_FI_DEV_GPU_UTIL > 90 for 15m") != "");
  CHECK(GpuClockLowInWords("GPUClocksLow\nnode-8: clocks low on 8 GPUs") != "");
  CHECK(GpuClockLowInWords("SM clock below 1150 MHz on 8 GPUs of node-4").find("1150 MHz") != std::string::npos);
}

TEST_CASE("gpu clock low: a named reason, another clock, clocks back or high") {
  CHECK(GpuClockLowInWords("GPU 3 on n held at 1020 MHz by power") == "");
  CHECK(GpuClockLowInWords("8 GPUs clock-limited by SW power cap for 30 min") == "");
  CHECK(GpuClockLowInWords("GPU 2 in thermal slowdown, SM clock below 1100 MHz") == "");
  CHECK(GpuClockLowInWords("GPU 1 at 91 C, clocks below 1200 MHz") == "");  // a temperature: read elsewhere
  CHECK(GpuClockLowInWords("HW power brake slowdown on 8 GPUs") == "");
  CHECK(GpuClockLowInWords("DCGM clock throttle reasons non-zero on hgx-1") == "");
  CHECK(GpuClockLowInWords("memory clock below 1500 MHz on GPU 2") == "");
  CHECK(GpuClockLowInWords("CPU clock below 1200 MHz on node-3 (scaling governor powersave)") == "");
  CHECK(GpuClockLowInWords("node_cpu_scaling_frequency_hertz below 1.2e9 on gpu-7") == "");
  CHECK(GpuClockLowInWords("SM clocks restored to 1980 MHz on GPU 4") == "");
  CHECK(GpuClockLowInWords("GPU 2 SM clock above 2100 MHz") == "");
  CHECK(GpuClockLowInWords("GPU utilisation below 30% for 15m") == "");
  CHECK(GpuClockLowInWords("") == "");
  CHECK(GpuClockLowInWords(std::string(5000, 'x') + " SM clock below 1100 MHz") == "");
}

}  // namespace
}  // namespace vigil
