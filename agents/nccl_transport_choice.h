// PLC61 (realistic54 rl54-16, seen): the network each node's NCCL chose, from its INFO lines
// ("host:pid:tid [dev] NCCL INFO Using network IB" / "... Using network Socket", and "NET/IB : No
// device found", after which NCCL falls back to its sockets). One node on sockets while the job's other
// nodes that said use IB is that node's RDMA setup (an image naming its HCAs otherwise than NCCL_IB_HCA,
// no /dev/infiniband in its container), not the job's NCCL settings: those worked on the other nodes.
// Pure functions, thread safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace vigil {

struct NcclTransportLine {
  std::string host;       // the writer's host, as NCCL's "host:pid:tid [dev]" prefix spells it
  bool socket = false;    // sockets ("Using network Socket", "NET/IB : No device found"); else IB
};

// The transport a line says its writer's NCCL uses, nullopt when it says none.
std::optional<NcclTransportLine> ReadNcclTransportLine(const std::string& line);

struct OddSocketHost {
  std::string host;  // the one host on sockets ("" for none)
  size_t line = 0;   // its first such line's index in `lines`
};

// Over a log's lines (or the case's, flattened): the one host whose NCCL uses sockets while at least one
// other host's NCCL uses IB and no other host's uses sockets. Hosts compare case-insensitively and by
// their first dotted label ("gpu-7" and "gpu-7.cluster" are one host).
OddSocketHost FindOddSocketHost(const std::vector<std::string>& lines);

}  // namespace vigil
