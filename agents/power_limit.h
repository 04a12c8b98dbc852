// A GPU power limit set far below its default, as `nvidia-smi -q -d POWER` prints it (RG14,
// 2026-12-03): "Current Power Limit : 450.00 W" (older drivers: "Enforced Power Limit" or "Power
// Limit") under the same GPU's "Default Power Limit : 700.00 W". A limit left at 450 W of 700 W
// after a burn-in caps the GPU's clocks whatever its temperature: the cause of a power throttle,
// read first-hand (the throttle-reason series alone, held on every GPU of the case's only node from
// its first sample, reads as the node's normal state). Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace vigil {

// A limit below kLowPowerLimitShare of the default.
constexpr double kLowPowerLimitShare = 0.8;

struct LowPowerLimit {
  size_t line = 0;          // index of the current / enforced limit's line in the lines given
  double limit_w = 0;       // the limit in force
  double default_w = 0;     // the GPU's default limit
};

// The low limits in one log's lines: a limit line paired with the nearest "Default Power Limit"
// within 12 lines of it (the same GPU's POWER section), either order; "N/A" is no value.
std::vector<LowPowerLimit> LowPowerLimits(const std::vector<std::string>& lines);

}  // namespace vigil
