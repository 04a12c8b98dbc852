// PLC75 (realistic65 rl65-14, seen): an HCA's own PCIe link trained narrow or slow, as `lspci -vv`
// prints it for the NIC's address:
//   $ sudo lspci -s 0000:4d:00.0 -vv | grep -E 'LnkCap|LnkSta'   # mlx5_3
//           LnkCap: Port #0, Speed 32GT/s, Width x16, ASPM not supported
//           LnkSta: Speed 32GT/s (ok), Width x8 (downgraded)
// A block is the output of one command line naming lspci; it is an HCA's when the command's trailing
// comment names one (mlx5_N), or the output's device line is a Mellanox / ConnectX / InfiniBand
// controller's and the comment names the HCA. Its link is down-trained when LnkSta says "downgraded"
// or shows a speed or width below the block's LnkCap. Pure, thread safe.
#pragma once

#include <string>
#include <vector>

namespace vigil {

struct LspciDownTrained {
  std::vector<std::string> hcas;  // HCAs (mlx5_N) whose lspci block shows a down-trained link
  bool other = false;             // a down-trained block that names no HCA (a GPU's, a switch's)
};

LspciDownTrained LspciDownTrainedLinks(const std::vector<std::string>& lines);

}  // namespace vigil
