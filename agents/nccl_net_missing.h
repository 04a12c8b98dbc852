// NCCL's word that the network the job forced is not there (PLC30, 2026-12-06: realistic33's blind
// miss rl33-16). With NCCL_NET set (`NCCL_NET=IB`, or a plugin's name), NCCL loads only that network;
// when it finds none - the IB transport found no device (NCCL_IB_HCA naming HCAs the node or the
// container does not have, SR-IOV VFs under other names, no RDMA device mounted into the pod) or the
// plugin did not load - init stops with
//   "NCCL WARN Error: network IB not found."   (net.cc / init.cc, NCCL 2.x)
// and returns ncclInvalidUsage, which PyTorch prints as "ncclInvalidUsage: This usually reflects
// invalid usage of NCCL library." with the WARN under "Last error:". The invalid usage is then the
// network configuration's, not a launch's (a duplicate GPU, a wrong world size). Pure, thread safe.
#pragma once

#include <string>

namespace vigil {

// Whether a line states that the network NCCL was told to use was not found (lines over 4000 bytes
// are not read): "Error: network IB not found." (NCCL 2.1x-2.2x), or NCCL 2.28's "NCCL WARN Failed to
// initialize any NET plugin" (seen on the H100 machine, probes/HISTORY.md run 55, under NCCL_NET=IB on a
// host with no RDMA device; PyTorch repeats it after "Last error:"). NCCL's INFO that its IB transport
// found no device ("NET/IB : No device found."), which alone only means NCCL falls back to sockets, and
// its INFO "Failed to initialize NET plugin IB" (one plugin of several) are not. PLC69: also "Could not
// find network IBext_v8; available: IBext_v7 IB Socket" (a plugin's versioned network name the loaded
// plugin does not export, NCCL_NET naming it), its echo after "Last error:" likewise.
bool StatesNcclNetNotFound(const std::string& line);

// Whether a line states that NCCL found no socket interface to use (lines over 4000 bytes are not
// read): "NCCL WARN Bootstrap : no socket interface found" (bootstrap.cc, NCCL 2.x; seen on the H100
// machine, probes/HISTORY.md run 54, under NCCL_SOCKET_IFNAME naming an interface the host lacks) or
// "NET/Socket : no interface found", or PyTorch's echo of either after "Last error:". NCCL returns
// ncclInvalidUsage for it as well: the invalid usage is the interface setting's.
bool StatesNcclNoSocketInterface(const std::string& line);

}  // namespace vigil
