// PLC61 (realistic54 rl54-08, seen): the GPUs of each node whose temperature series reads hot
// (DCGM_FI_DEV_GPU_TEMP, nvidia_smi_temperature_gpu, ...: a series naming a GPU whose name holds "temp"
// and not "mem"), whether or not the heat began inside the window. A GPU hot from the window's first
// sample gives no onset, so its metric condition is no evidence (builtin_reasoner.cc's 2.); beside a
// failed fan on the node (StatesFanFault) it still says the cooling fault reaches more than one GPU.
// Pure function, thread safe.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/time_series.h"

namespace vigil {

// A GPU reads hot when a sample is at or above this (degrees C; the pack's thermal conditions use > 85).
constexpr double kHotGpuCelsius = 85.0;

// node (NodeOf, as the label spells it) -> the GPUs whose temperature series reached kHotGpuCelsius.
std::map<std::string, std::set<int>> FindHotGpus(const std::vector<TimeSeries>& series);

}  // namespace vigil
