// An HCA whose own PCIe link trained below what it is enabled for, as `mlxlink -d mlx5_N --port_type
// PCIE` prints it (PLC57, 2026-12-07):
//   PCIe Operational (Enabled) Info
//   Link Speed Active (Enabled)        : 16G-Gen 4 (32G-Gen 5)
//   Link Width Active (Enabled)        : 8X (16X)
// The active value below the enabled one in parentheses is a downtrained link of that NIC. The kernel's
// "mlx5_core 0000:4d:00.0: ... limited by 16.0 GT/s PCIe x8 link" names the same fault by bus id only;
// where nothing else on the node ties that address to an HCA, the one HCA mlxlink shows downtrained is
// it (realistic51 rl51-10: answered on the node). Pure, thread safe.
#pragma once

#include <string>
#include <vector>

namespace vigil {

// The HCAs (mlx5_N, as `-d` names them) whose mlxlink PCIe output in `lines` shows a link speed or
// width active below its enabled value. An output after `-d` naming a device path (/dev/mst/...) or
// no device names no HCA and is not read.
std::vector<std::string> HcasWithDownTrainedPcie(const std::vector<std::string>& lines);

}  // namespace vigil
