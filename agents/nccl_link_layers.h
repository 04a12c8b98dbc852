// NCCL's device list mixing link layers on one host (PLC40, 2026-12-06; realistic40 rl40-28). NCCL's IB
// transport prints the ports it will use, each with its link layer:
//   "NCCL INFO NET/IB : Using [0]mlx5_0:1/RoCE [1]mlx5_1:1/RoCE [4]mlx5_4:1/IB [5]mlx5_5:1/IB ; OOB eth0:..."
// A host whose list holds both RoCE (Ethernet) and InfiniBand ports was given an NCCL_IB_HCA (or none)
// that spans two fabrics: its peers on the other fabric cannot connect its queue pairs (ibv_modify_qp
// timeouts, "link layer Ethernet does not match local InfiniBand"). A job's configuration fault, not a
// port's. Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

// Whether `line` is NCCL's "NET/IB : Using [N]dev:port/LL ..." list naming at least one RoCE port and
// at least one IB port; false for a line over 4000 bytes.
bool MixesLinkLayers(const std::string& line);

// The first line of `lines` that MixesLinkLayers, or nullopt.
std::optional<size_t> FindMixedLinkLayers(const std::vector<std::string>& lines);

}  // namespace vigil
