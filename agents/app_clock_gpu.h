// A GPU left running at locked application clocks (PLC46, realistic43 rl43-21: after a burn-in one
// GPU kept `nvidia-smi -ac` / `-lgc` clocks of 1095 MHz while its peers boosted to 1980; no error
// anywhere, only slow steps, and the answer was `unknown`). dcgm-exporter shows it plainly: the GPU's
// clock-event reasons hold the applications-clocks-setting bit (0x2) and no throttle bit, and its SM
// clock sits far below its peers'. A GPU so held computes every step slower: the job's straggler, on
// that GPU. Pure functions, thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/time_series.h"

namespace vigil {

// At most this share of the peers' SM clock.
constexpr double kAppClockSlowShare = 0.75;

struct AppClockGpu {
  std::string node;      // the series' node (NodeOf), as the label spells it
  int gpu = -1;
  double sm_mhz = 0;     // the GPU's SM clock (its samples' median)
  double peers_mhz = 0;  // the median of the other GPUs' SM clock medians
  size_t peers = 0;
  std::string reasons_series;  // the clock-event-reasons series' id
  int64_t time_ms = 0;         // the reasons series' last sample
};

// The GPUs whose DCGM_FI_DEV_CLOCKS_EVENT_REASONS (DCGM_FI_DEV_CLOCK_THROTTLE_REASONS) series' last
// sample holds the applications-clocks-setting bit (0x2) and none of the throttle bits (SW power cap
// 0x4, HW slowdown 0x8, SW / HW thermal 0x20 / 0x40, HW power brake 0x80) nor idle (0x1), and whose
// DCGM_FI_DEV_SM_CLOCK median is at most kAppClockSlowShare of the median of the other GPUs' SM clock
// medians (at least one other GPU; each GPU is one node label + gpu label). One reading a GPU. Other
// series are not read.
std::vector<AppClockGpu> FindAppClockLockedGpus(const std::vector<TimeSeries>& series);

}  // namespace vigil
