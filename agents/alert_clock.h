// GPU clocks an alert says are low under load, without saying why (AO5, 2026-12-04): "GPU 0 on n
// below 1400 MHz while busy", "SM clock below 1200 MHz on 8 GPUs of n for 10m", "All GPUs on n below
// 1100 MHz under load", `DCGM_FI_DEV_SM_CLOCK < 1400 and DCGM_FI_DEV_GPU_UTIL > 90`. A busy GPU held
// below its clocks is capped by power (the SW power cap or a power brake: the commoner report) or by
// heat (HW / SW thermal slowdown); the alert does not say which, and the reasoner reads the ranked pair
// (builtin_reasoner.cc AddAlertClockLow) for the clock event reasons to split. Pure function, thread safe.
#pragma once

#include <string>

namespace vigil {

// The words of `text` (an alert's name, summary, description and message) that say a GPU's SM or
// graphics clock is low, or "" when it says none. Read: an SM / GPU / graphics clock below, under or
// held at N MHz ("SM clock below 1200 MHz", "GPU 3 on n below 1200 MHz while busy", "GPU clocks at 990
// MHz"), `DCGM_FI_DEV_SM_CLOCK < N` / `<= N`, a rule named GPUClock(s)Low*. Not read (""): a text that
// names the reason (power, watts, a cap or brake, thermal, temperature, hot, slowdown, a throttle
// reason or its mask: AO2's and the pack's readings), the memory clock, a CPU's clock or frequency, a
// clock above a number, clocks restored. Texts over 4096 characters are not read.
std::string GpuClockLowInWords(const std::string& text);

}  // namespace vigil
