// A port's own physical-layer error counters as `ethtool -S` and `mlxlink` print them (PLC54, realistic49
// rl49-12: a RoCE port's "rx_crc_errors_phy: 88314", "rx_symbol_err_phy: 412990",
// "link_down_events_phy: 7" and mlxlink's "Effective Physical Errors : 88314" on one node's mlx5_3 were
// not read, and the NCCL completion errors that two peers wrote about that node put the failing link on
// the first writer's node). Counters of CRC or symbol errors in the thousands, or several link-down
// events, are the port's own record of a bad link (cable, transceiver, switch port): ib_link_failure
// placed on that port - a peer's completion error says only that the far end went away. The HCA is the
// one the command above the counters names ("mlxlink -d mlx5_3", "(node, mlx5_3)", "ethtool -S
// mlx5_3"); a netdev ("eth3") alone names none. Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

struct PortPhyErrors {
  size_t line = 0;      // the first counter line over its threshold
  std::string hca;      // "mlx5_3", or "" when the command above names none
  std::string counter;  // its name as printed
  double value = 0;
};

constexpr double kPhyErrorCountMin = 1000;  // CRC / symbol / physical errors
constexpr double kPhyLinkDownMin = 3;       // link-down events

// PLC56 (realistic50 rl50-30): mlxlink's "Link Down Counter : 14" is a link-down count as
// link_down_events_phy is (kPhyLinkDownMin). A log whose own name is the tool's output for one HCA
// ("frw-3/mlxlink-mlx5_5.txt", "node/ethtool-S-mlx5_2.log") names it where no command line above the
// counters does: HcaNamedBySource, "" when the name holds no HCA or two.
std::string HcaNamedBySource(const std::string& source);

// The first such counter line of `lines` (one log's, in order; lines over 1000 bytes are not read).
std::optional<PortPhyErrors> FindPortPhyErrors(const std::vector<std::string>& lines);

}  // namespace vigil
