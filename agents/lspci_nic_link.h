// PLC75 (realistic65 rl65-14, seen): an HCA's own PCIe link trained narrow or slow, as `lspci -vv`
// prints it for the NIC's address:
//   $ sudo lspci -s 0000:4d:00.0 -vv | grep -E 'LnkCap|LnkSta'   # mlx5_3
//           LnkCap: Port #0, Speed 32GT/s, Width x16, ASPM not supported
//           LnkSta: Speed 32GT/s (ok), Width x8 (downgraded)
// A block is the output of one command line naming lspci; it is an HCA's when the command's trailing
// comment names one (mlx5_N), or the output's device line is a Mellanox / ConnectX / InfiniBand
// controller's and the comment names the HCA. Its link is down-trained when LnkSta says "downgraded"
// or shows a speed or width below the block's LnkCap. Pure, thread safe.
// PLC77 (realistic68 rl68-12, realistic66 rl66-14, seen): a block whose device line is a Mellanox /
// ConnectX / InfiniBand controller's but whose command names no HCA (an address only: "lspci -s
// 0000:3b:00.0 -vv", the command in the log's source name) is a NIC's down-trained link all the same
// (unnamed_nic_hosts); a loop over hosts prints each line behind its host ("gdw-b2-07: \t\tLnkSta: ..."),
// read per host. Which HCA it is, the case's other readings say (SlowHcaTraffic: the one rail that
// carries half).
#pragma once

#include <string>
#include <vector>

#include "core/time_series.h"

namespace vigil {

struct LspciDownTrained {
  std::vector<std::string> hcas;  // HCAs (mlx5_N) whose lspci block shows a down-trained link
  bool other = false;             // a down-trained block that names no HCA (a GPU's, a switch's)
  // PLC77: the hosts of down-trained blocks of a NIC (its device line a Mellanox / ConnectX / InfiniBand
  // controller's) that name no HCA: the host prefix of their lines, "" where the lines carry none.
  std::vector<std::string> unnamed_nic_hosts;
};

LspciDownTrained LspciDownTrainedLinks(const std::vector<std::string>& lines);

// PLC77: an HCA's traffic series (a series whose name holds "infiniband" and "bytes", its label "device" an
// mlx5_N; its node the label Hostname / instance / node / host) that carries at most kSlowHcaShare of the
// busiest series of the same name in `series`: {node as labelled, HCA}. A rate series is read as its mean,
// a counter ("_total" without "rate") as its increase per second. Series of fewer than 2 points are skipped.
inline constexpr double kSlowHcaShare = 0.6;
struct SlowHca {
  std::string node;
  std::string hca;
};
std::vector<SlowHca> SlowHcaTraffic(const std::vector<TimeSeries>& series);

}  // namespace vigil
