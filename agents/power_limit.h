// A GPU power limit set far below its default, as `nvidia-smi -q -d POWER` prints it (RG14,
// 2026-12-03): "Current Power Limit : 450.00 W" (older drivers: "Enforced Power Limit" or "Power
// Limit") under the same GPU's "Default Power Limit : 700.00 W". A limit left at 450 W of 700 W
// after a burn-in caps the GPU's clocks whatever its temperature: the cause of a power throttle,
// read first-hand (the throttle-reason series alone, held on every GPU of the case's only node from
// its first sample, reads as the node's normal state). Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/time_series.h"

namespace vigil {

// A limit below kLowPowerLimitShare of the default.
constexpr double kLowPowerLimitShare = 0.8;
// An SM clock below this share of its own highest sample is held down (FindLoweredPowerCaps).
constexpr double kCappedClockShare = 0.9;
// Limits lowered on one node's GPUs within this of each other are one cap (FindLoweredPowerCaps).
constexpr int64_t kNodeCapSlackMs = 10 * 60 * 1000;

struct LowPowerLimit {
  size_t line = 0;          // index of the current / enforced limit's line in the lines given
  double limit_w = 0;       // the limit in force
  double default_w = 0;     // the GPU's default limit
  int gpu = -1;             // the row's index column (QueryLowPowerLimits); -1 when none
};

// The low limits in one log's lines: a limit line paired with the nearest "Default Power Limit"
// within 12 lines of it (the same GPU's POWER section), either order; "N/A" is no value.
std::vector<LowPowerLimit> LowPowerLimits(const std::vector<std::string>& lines);

// PLC76 (realistic66 rl66-07): the same fact in `nvidia-smi --query-gpu=...,power.limit,
// power.default_limit --format=csv[,noheader]`'s rows ("0, 598.10 W, 600.00 W, 1000.00 W, ..."): the
// columns named by the header row ("index, power.draw [W], power.limit [W], power.default_limit [W]")
// or, without one, by the pasted command's --query-gpu= list; `enforced.power.limit` reads as the
// limit. A row carrying a host label of pdsh / clush ("node-3: 500.00 W, 700.00 W") is read without
// it. A row whose limit is below kLowPowerLimitShare of its default is returned (line: the row;
// gpu: its index column, -1 without one); "[N/A]" is no value. A line that is neither a row of the
// table nor its header ends it.
std::vector<LowPowerLimit> QueryLowPowerLimits(const std::vector<std::string>& lines);

// A GPU's enforced power limit lowered during the case's metrics, with the GPU drawing at the new
// limit (PLC33, realistic35 rl35-07: a BMC's node power cap after a PSU event, seen only in DCGM's
// DCGM_FI_DEV_ENFORCED_POWER_LIMIT 400 -> 200 W and DCGM_FI_DEV_POWER_USAGE 199 W): the cap is what
// holds the GPU's clocks down, a power throttle, not a slow GPU of its own.
struct LoweredPowerCap {
  std::string node;        // the series' Hostname label
  int gpu = -1;            // its gpu label
  double from_w = 0;       // the highest limit in the series
  double to_w = 0;         // the limit at its last sample
  double draw_w = 0;       // the GPU's draw at its power series' last sample (0: no power series, clock read)
  int64_t onset_ms = 0;    // the first sample below kLowPowerLimitShare of from_w
  bool below_peers = false;  // from_w is the same model's limit on other nodes (the limit never moved)
};

// The GPUs whose DCGM_FI_DEV_ENFORCED_POWER_LIMIT (or DCGM_FI_DEV_POWER_MGMT_LIMIT) series ends below
// kLowPowerLimitShare of its own highest sample, and whose DCGM_FI_DEV_POWER_USAGE series (same
// Hostname and gpu labels) ends at 0.9 of that last limit or more; with no power series of the GPU,
// whose DCGM_FI_DEV_SM_CLOCK series ends below kCappedClockShare of its own highest sample (PLC36: the
// clock held down since the cap; draw_w 0). A limit lowered on an idle GPU
// (drawing far under it) slows nothing; a limit that never moved is the GPU's setting, not an
// event of the case. Series with a non-finite or non-positive last value are not read.
// Also (the lead, 2026-12-06, realistic36 rl36-07: eight H200s of one node left at 450 W by a capping
// test while the job's other nodes' H200s sit at 700 W): a limit that never moved but ends below
// kLowPowerLimitShare of the highest limit of GPUs of the same `modelName` on OTHER nodes, the GPU
// drawing at it (below_peers; from_w that peers' limit, onset_ms the series' first sample). Without
// a modelName on both sides no such comparison is made (an L40S's 350 W is no cap beside an H100's 700 W).
// Also (PLC42): a GPU whose limit was lowered but whose draw and SM clock are not exported, lowered
// to the same limit within kNodeCapSlackMs of a GPU of the same node read above (at its cap): the
// node's GPUs capped together (draw_w 0).
std::vector<LoweredPowerCap> FindLoweredPowerCaps(const std::vector<TimeSeries>& series);

// PLC79 (realistic66 rl66-07, seen): every GPU whose DCGM_FI_DEV_ENFORCED_POWER_LIMIT (or
// DCGM_FI_DEV_POWER_MGMT_LIMIT) series ends below kLowPowerLimitShare of its own highest sample, read
// as FindLoweredPowerCaps reads them but whatever the GPU's draw or clock series show (draw_w from its
// power series, 0 without one; below_peers false): the limits the case's series show falling. The
// caller joins them with another reading of the same GPUs' limit (a pasted table) to time the cap.
std::vector<LoweredPowerCap> FindFallenPowerLimits(const std::vector<TimeSeries>& series);

}  // namespace vigil
