// A GPU nvidia-smi could not open, in the row it would have printed (PLC52, 2026-12-07). `nvidia-smi
// --query-gpu=index,pci.bus_id --format=csv` lists the GPUs in index order and prints "Unable to
// determine the device handle for GPU0000:BA:00.0: Unknown Error" in place of the row of a GPU that is
// lost (fallen off the bus): rows 0-5, that line, row 7 say the lost GPU, bus BA, is index 6. Pure
// functions, thread safe.
#pragma once

#include <optional>
#include <string>

namespace vigil {

// The bus id ("0000:BA:00.0", as printed) of nvidia-smi's "Unable to determine the device handle for
// GPU<bus>: ..." line; "" for another line or one over 1000 bytes.
std::string UnreadableGpuBus(const std::string& line);

// The index of an unreadable row between two listed rows: `before` and `after` the indices of the rows
// printed just above and just below it (-1: none above, the line opens the list), one index apart from
// it on each side (after == before + 2, or before == -1 and after == 1), and its bus key strictly between
// theirs (`before_bus` "" when none above). nullopt otherwise: two rows missing, or out of bus order.
std::optional<int> UnreadableRowIndex(int before, const std::string& before_bus, const std::string& bus, int after,
                                      const std::string& after_bus);

}  // namespace vigil
