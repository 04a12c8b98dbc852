// An HCA a node should have and does not show (PLC72, realistic57 rl57-15): after a VM redeploy or a
// host's PCI fault one InfiniBand VF / card is not presented, so the node runs with one NIC fewer than its
// peers (NCCL uses the rest, the all-reduce is slow, nothing errors). The lines that say so name the HCA:
//   NCCL's topology file check: "NCCL_TOPO_FILE: NIC mlx5_ib5 listed in /opt/.../topo.xml not found, ignoring";
//   Hyper-V's PCI driver: "hv_pci ...: Request for VF offer timed out; device mlx5_ib5 not presented by host";
//   a count of NICs under the expected one: "7 of 8 NICs", "exposes 7 InfiniBand devices, expected 8".
// ib_link_failure on that HCA's port (the link the node lacks). Pure functions, thread safe.
#pragma once

#include <string>

namespace vigil {

// The HCA a line says is missing ("mlx5_ib5", "mlx5_3"); "" for none and for lines over 2000 characters.
std::string MissingHcaIn(const std::string& line);

// Whether a text counts a node's NICs / HCAs / InfiniBand devices under the number expected ("7 of 8 NICs",
// "6/8 HCAs", "exposes 7 InfiniBand devices, expected 8").
bool CountsMissingNic(const std::string& text);

}  // namespace vigil
