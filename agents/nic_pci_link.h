// PLC56 (realistic50 rl50-17, seen): which HCA (mlx5_N) a NIC's degraded PCIe link belongs to, when
// no line ties its bus id to a name. The mlx5 driver prints the link by bus id only ("mlx5_core
// 0000:b3:00.0: 126.024 Gb/s available PCIe bandwidth, limited by 16.0 GT/s PCIe x8 link at ..."); NCCL
// and other tools print an HCA's link by name ("NET/IB : mlx5_5 speed 400000 Mbps, PCI link 16.0 GT/s
// x8"). The one HCA of the node stated at exactly that degraded speed and width is the NIC at that bus
// id; two HCAs at it (or none) name none. Pure functions, thread safe.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vigil {

struct PcieLinkState {
  double gts = 0;  // GT/s
  int width = 0;   // lanes
  bool operator==(const PcieLinkState& o) const { return gts == o.gts && width == o.width; }
};

// The link an mlx5 driver line about device `bus` ("b3:00.0", any case, a domain prefix allowed on
// the line) says it is limited by ("limited by 16.0 GT/s PCIe x8 link"); nullopt for other lines.
std::optional<PcieLinkState> LimitedLinkOfBus(const std::string& line, const std::string& bus);

// A line naming one HCA (mlx5_N) and its PCIe link's speed and width ("mlx5_5 ... PCI link 16.0 GT/s
// x8", "mlx5_5 ... PCIe 16 GT/s x8", "mlx5_5 ... Speed 16GT/s, Width x8"): the HCA and the link.
std::optional<std::pair<std::string, PcieLinkState>> HcaPcieLinkOnLine(const std::string& line);

// The HCA at bus id `bus` of a node, from the node's lines (`lines`): the one HCA whose stated link is
// the speed and width the driver's line for `bus` says it is limited by; "" when none or two.
std::string HcaAtLimitedLink(const std::vector<std::string>& lines, const std::string& bus);

}  // namespace vigil
