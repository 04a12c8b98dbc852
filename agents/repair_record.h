// A repair record of a node's PCIe path (PLC39, realistic39 rl39-08: "REPAIR-0931 hrn-h200-31: PCIe
// riser (slot 5/6 riser assembly) replaced, reseated GPU 5 and GPU 6 cables"; the node rejoined the
// job, the job ran 31% slower, and only gpu.pcie_bandwidth showed GPU 5 at Gen5 x4). The parts a
// repair touched are the first suspects of a fault that follows it: a riser, PCIe cable or retimer
// replaced or reseated is where a link that trained narrow or slow sits. A lead, not a fault: it
// names the GPUs to measure, the probe decides. Pure function, thread safe.
#pragma once

#include <optional>
#include <vector>

#include <string>

namespace vigil {

struct PcieRepair {
  std::vector<int> gpus;  // the GPUs the record names ("GPU 5 and GPU 6", "GPUs 5, 6", "gpu2"), ascending
};

// A line saying a PCIe path part (riser, PCIe cable, retimer, PCIe switch / slot) was replaced,
// reseated, swapped or repaired, naming at least one GPU by number. A line stating a fault instead
// (an SEL "Bus Fatal Error", "fallen off the bus", an Xid) is no repair record: nullopt.
std::optional<PcieRepair> ReadPcieRepair(const std::string& line);

}  // namespace vigil
