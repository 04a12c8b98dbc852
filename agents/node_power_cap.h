// A GPU power cap set for a whole node, two readings of one fact (PLC59 and PLC57, 2026-12-07, written
// at the same time by two helpers and merged into this one file by the lead):
// - a node's management controller (BMC, IPMI / DCMI, Redfish, node manager) setting its power capping
//   or GPU board power limit ("bmc: power capping profile restored to factory default: GPU board power
//   limit 400 W"; PLC59, realistic53 rl53-22);
// - `nvidia-smi -pl 450` (or `--power-limit=450`) with no `-i` / `--id`, which sets every GPU of the
//   node, or a power controller's or admin tool's "applying GPU power limit 450 W to <node> ..., 8 GPUs"
//   / "... on all GPUs" (PLC57, realistic51 rl51-07: a rack power controller capping a node during a
//   serving peak).
// Either caps every GPU of the node alike: a gpu_power_throttle there is the node's, not the one GPU a
// probe or a series read it on. Pure functions, thread safe.
#pragma once

#include <string>
#include <vector>

namespace vigil {

// Whether `line` is a management controller's line (BMC, IPMI, DCMI, SEL, Redfish, iDRAC, iLO, XCC,
// node manager) setting a power cap or power limit (a wattage, or set / applied / activated / enabled /
// lowered / reduced / restored), naming no single GPU ("GPU 3", "gpu3") and not saying the cap was
// disabled, removed, cleared or deasserted. False for a line over 2000 bytes.
bool StatesNodePowerCapSet(const std::string& line);

// How many GPUs `line` sets a power limit on: 0 for all the node's (nvidia-smi -pl without -i, "all
// GPUs"), N for a stated "N GPUs" or nvidia-smi's list "-i 0,1,...,7" of N indices (PLC62), -1 when
// the line sets no power limit or names one GPU (-i 3, "GPU 3").
int PowerLimitSetGpus(const std::string& line);

// The hosts whose management controller a line names by the controller's own host name: "NODE-bmc",
// "NODE-ipmi", "NODE-ilo", "NODE-idrac", "NODE-xcc", "NODE-mgmt" (also after '.' or '_'): NODE, the node
// the controller belongs to (PLC70, realistic62 rl62-24: "tst-r02-ct09-bmc redfish: PATCH ..."). In the
// line's order; empty for none.
std::vector<std::string> ControllerHostNodes(const std::string& line);

}  // namespace vigil
