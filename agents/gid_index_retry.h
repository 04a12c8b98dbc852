// PLC53 (realistic48 rl48-16, seen): RoCE retry-exceeded completion errors written by several nodes
// under a stated link-local GID index, where the errors do not carry the GID themselves.
//
// ReadLinkLocalGidErrors (transport_line.h, PLC14 / PLC29 / PLC31) reads completion errors whose
// `localGid fe80::...` is on the error line. NCCL 2.21's "Got completion from peer ... with
// status=IBV_WC_RETRY_EXC_ERR(12) ... hca mlx5_0" names no GID; the GID it used is on NCCL's own
// connection line ("NET/IB: Dev 0 Port 1 qpn 1032 mtu 5 GID 0 (fe80::...)") or in the job's
// setting ("NCCL_IB_GID_INDEX set by environment to 0."). A RoCE job that states a link-local GID
// index (StatedLinkLocalGidIndex) and whose queue pairs time out on three nodes or more, towards
// three peers or more, is that index: every connection between nodes is sent from a GID the
// fabric does not carry, while each port is up. One node's NIC or one peer's would be named by one
// writer or one peer address. Pure function, thread safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace vigil {

constexpr size_t kMinGidRetryNodes = 3;  // distinct writing hosts, and distinct peer addresses

struct GidIndexRetryReading {
  bool found = false;
  size_t first = 0;   // index of the first retry-exceeded line
  size_t nodes = 0;   // distinct hosts that wrote one
  size_t peers = 0;   // distinct peer addresses named
};

// Whether a line is an RDMA retry-exceeded completion error written by an NCCL process
// ("host:pid:tid [dev] ... IBV_WC_RETRY_EXC_ERR" / "transport retry counter exceeded"); `host` and
// `peer` (the address after "from peer", may be empty) are set when it is. A torchrun rank prefix
// before the writer ("[rank0]:host:pid:tid [0] ...", "[default3]:...") is the same line (PLC74).
bool RetryExceededLine(const std::string& line, std::string* host, std::string* peer);

GidIndexRetryReading ReadGidIndexRetryErrors(const std::vector<std::string>& lines);

}  // namespace vigil
