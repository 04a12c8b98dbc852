// PLC55 (realistic50 rl50-12, seen): queue-pair connection failures towards a link-local GID under a
// stated link-local GID index, on RoCE, written by two nodes or more.
//
// ReadLinkLocalGidErrors (transport_line.h) reads the link-local GID from the failing side's own
// `localGid fe80::` / `local GID fe80::`; ReadGidIndexRetryErrors (gid_index_retry.h) needs
// retry-exceeded lines on three nodes towards three peers. NCCL also writes the connect failure as
// "NET/IB : ibv_modify_qp failed with 110 Connection timed out, local GID ::ffff:0.0.0.0, remote GID
// fe80::..." : the GID it tried to reach is the peer's link-local one, which a routed (L3) RoCE fabric
// does not carry between subnets. A RoCE job that states a link-local GID index
// (StatedLinkLocalGidIndex), one of whose connect / completion failures names a link-local GID (local
// or remote), and whose connect failures (ibv_modify_qp timed out, retry exceeded) are written by two
// nodes or more, is that index, not one NIC's link. One node's NIC alone is one writer. Pure
// function, thread safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace vigil {

constexpr size_t kMinGidConnectNodes = 2;  // distinct hosts writing a connect / retry failure

struct GidIndexConnectReading {
  bool found = false;
  size_t first = 0;  // index of the first failure line naming a link-local GID
  size_t nodes = 0;  // distinct hosts that wrote a connect / retry failure
  std::string gid;   // the link-local GID named
};

// Whether a line is NCCL's failed queue-pair connect ("host:pid:tid [dev] ... NET/IB : ibv_modify_qp
// failed with 110 Connection timed out ..."); `host` is set when it is.
bool QpConnectTimeoutLine(const std::string& line, std::string* host);

// The link-local GID (fe80:...) a NET/IB connect or completion failure names as its local or remote
// GID; empty when none.
std::string LinkLocalGidOnFailure(const std::string& line);

GidIndexConnectReading ReadGidIndexConnectFailures(const std::vector<std::string>& lines);

}  // namespace vigil
