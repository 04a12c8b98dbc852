// A node's power cap set by its management controller (PLC59, 2026-12-07; realistic53 rl53-22). A BMC,
// IPMI / DCMI, Redfish or node-manager line saying the node's power capping or GPU board power limit
// was set, lowered or restored to a profile ("bmc: power capping profile restored to factory default:
// GPU board power limit 400 W") caps every GPU of the node alike: a gpu_power_throttle there is the
// node's, not the one GPU a probe or a series read it on. Pure functions, thread safe.
#pragma once

#include <string>

namespace vigil {

// Whether `line` is a management controller's line (BMC, IPMI, DCMI, SEL, Redfish, iDRAC, iLO, XCC,
// node manager) setting a power cap or power limit (a wattage, or set / applied / activated / enabled /
// lowered / reduced / restored), naming no single GPU ("GPU 3", "gpu3") and not saying the cap was
// disabled, removed, cleared or deasserted. False for a line over 2000 bytes.
bool StatesNodePowerCapSet(const std::string& line);

}  // namespace vigil
