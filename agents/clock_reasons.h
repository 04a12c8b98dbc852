// A GPU's clock-event-reasons bit field stated in one line of text (AO, 2026-12-04): dcgm-exporter's
// DCGM_FI_DEV_CLOCKS_EVENT_REASONS (DCGM < 3.3: DCGM_FI_DEV_CLOCK_THROTTLE_REASONS) as an alert's
// description or label states it ("DCGM_FI_DEV_CLOCKS_EVENT_REASONS on h200-c2-04 gpu 6 is 96",
// "a thermal clock event reason (value 96)", `clock_event_reasons="0x40"`) or as the exporter's
// /metrics page prints it (`DCGM_FI_DEV_CLOCKS_EVENT_REASONS{gpu="3",...} 64`). The bits are NVML's
// clocks event reasons: 0x1 GPU idle, 0x2 application clocks setting, 0x4 SW power cap, 0x8 HW
// slowdown (power or temperature), 0x10 sync boost, 0x20 SW thermal slowdown, 0x40 HW thermal
// slowdown, 0x80 HW power brake slowdown, 0x100 display clock setting. Pure functions, thread safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace vigil {

struct ClockReasonsReading {
  uint32_t bits = 0;
  std::string category;  // gpu_thermal_throttle, gpu_power_throttle, or "" (no throttle it names)
  std::string reasons;   // the set bits in words: "SW thermal slowdown, HW thermal slowdown"
};

// The bit field a line states, if it states one: the field's name (the DCGM field names above,
// `clock(s)_event_reasons` / `clock(s)_throttle_reasons` as a label or query field, "clock(s)
// event / throttle reason(s)" in words) followed within 80 characters by "is N", "= N", ": N" or
// "value N" (decimal or 0x hex; a quoted label value too), or the /metrics form `NAME{...} N`. A
// number that is no 32-bit field is not read; nor a bit mask in an expression (`& 0xE8`, `band 0x84`).
// The category: a thermal slowdown bit (0x20, 0x40) is gpu_thermal_throttle; else the SW power cap
// (0x4, unless the idle bit 0x1 says there was no work to cap) or the HW power brake (0x80) is
// gpu_power_throttle; HW slowdown (0x8) alone names neither (power or temperature), nor do the
// idle, clock-setting and sync-boost bits.
std::optional<ClockReasonsReading> ReadClockReasons(const std::string& line);

// The bits a rule's expression tests with a mask (AO2): `(DCGM_FI_DEV_CLOCK_THROTTLE_REASONS & 4) > 0`,
// `..._REASONS{gpu="3"} & 0xE8 > 0`, `band 0x84 > 0`, `(... & 0x60) == 0x40`. `> 0`, `!= 0` or
// `>= 1` fire when any of the mask's bits holds: the category is named only when every bit of the
// mask is one category's (0x60 thermal; 0x84 power: SW power cap, HW power brake); a mask holding HW
// slowdown (0x8) or both kinds (0xE8) names none. `== V` (V a subset of the mask, not 0) fires when
// exactly V's bits of the mask hold: V's category as ReadClockReasons reads it. `bits` is the mask
// (any) or V (exactly); `reasons` names them ("any of: SW power cap, HW power brake slowdown").
// nullopt for another test (`== 0`, `< 4`), no mask, a mask of 0, or a text over 2000 characters.
std::optional<ClockReasonsReading> ReadClockReasonsMask(const std::string& expression);

// The bits the categories are read from (ReadClockReasons, and the reasoner's reading of the
// field's series and of pasted --query-gpu tables).
inline constexpr uint32_t kClockReasonGpuIdle = 0x1;
inline constexpr uint32_t kClockReasonSwPowerCap = 0x4;
inline constexpr uint32_t kClockReasonThermal = 0x60;  // SW 0x20 | HW 0x40 thermal slowdown
inline constexpr uint32_t kClockReasonHwPowerBrake = 0x80;

// A sample's value as the bit field: a whole number in [0, 2^32). Anything else (NaN, negative,
// fractional, a user's pack reaching 1e30) is no bit field, and casting it would be undefined.
std::optional<uint32_t> ClockReasonBits(double value);

}  // namespace vigil
