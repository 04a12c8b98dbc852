// PLC73 (realistic63 rl63-15, seen): the two ends of one `nvidia-smi -pl W` run. A unit, an image's
// service or a script states the command (`ExecStart=/usr/bin/nvidia-smi -pl 450`) without naming the
// node it ran on; the node's journal holds what nvidia-smi printed there, one line per GPU it set:
// "Power limit for GPU 00000000:0F:00.0 was set to 450.00 W from 700.00 W." The same wattage ties the
// command (every GPU of the node: no -i, node_power_cap.h's PowerLimitSetGpus) to the node whose GPUs
// printed it, so its power throttle is that node's, not the one GPU a probe or a series read it on.
// Pure functions, thread safe.
#pragma once

#include <optional>
#include <string>

namespace vigil {

// The limit nvidia-smi says it set on a GPU ("Power limit for GPU <bus id> was set to 450.00 W from
// 700.00 W."), in W; nullopt for any other line or one over 2000 bytes.
std::optional<double> GpuPowerLimitSetToWatts(const std::string& line);

// The limit of an `nvidia-smi -pl W` / `--power-limit=W` command that sets every GPU (no -i / --id),
// in W; nullopt otherwise.
std::optional<double> AllGpusPowerLimitCommandWatts(const std::string& line);

}  // namespace vigil
