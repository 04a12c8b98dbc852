// PLC55 / PLC56 (realistic50 rl50-12, seen): queue-pair connection failures towards a link-local GID
// under a stated link-local GID index, on RoCE, written by two nodes or more, where the case shows the
// failing traffic must be routed.
//
// ReadLinkLocalGidErrors (transport_line.h) reads the link-local GID from the failing side's own
// `localGid fe80::` / `local GID fe80::`; ReadGidIndexRetryErrors (gid_index_retry.h) needs
// retry-exceeded lines on three nodes towards three peers. NCCL also writes the connect failure as
// "NET/IB : ibv_modify_qp failed with 110 Connection timed out, local GID ::ffff:0.0.0.0, remote GID
// fe80::..." : the GID it tried to reach is the peer's link-local one, which a routed (L3) RoCE fabric
// does not carry between subnets.
//
// PLC55's reading (removed after the merge) fired in two older near misses; PLC56 puts back their
// checks as vetoes, and asks for evidence that the traffic is routed:
// - PLC29's subnet check: where the failures name two peer addresses or more, all in one IPv4 /24,
//   the nodes share one L2 segment, where link-local GIDs do connect: not the index;
// - PLC31's distinct-NIC check: where two failure lines or more name a link-local local GID and it is
//   always the same one, that is one NIC's line repeated: not the index;
// - routed: the failures' peers sit in two /24 subnets or more (PLC29's positive reading), or a run of
//   the same collective under a routable GID index (NCCL_IB_GID_INDEX 2 or more: the IPv4-mapped
//   GIDs) passed (a recorded probe's or test's own statement: the on-call A/B of the index).
// Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/json.h"

namespace vigil {

constexpr size_t kMinGidConnectNodes = 2;  // distinct hosts writing a connect / retry failure

struct GidIndexConnectReading {
  bool found = false;
  size_t first = 0;      // index of the first failure line naming a link-local GID
  size_t nodes = 0;      // distinct hosts that wrote a connect / retry failure
  std::string gid;       // the link-local GID named
  bool routable_pass = false;  // a run under a routable GID index passed
};

// Whether a line is NCCL's failed queue-pair connect ("host:pid:tid [dev] ... NET/IB : ibv_modify_qp
// failed with 110 Connection timed out ..."); `host` is set when it is. PLC74 (realistic64 rl64-30): a
// torchrun rank prefix before the writer ("[rank0]:host:pid:tid [0] ...", "[default3]:...") is the same
// line (as RetryExceededLine reads it).
bool QpConnectTimeoutLine(const std::string& line, std::string* host);

// The link-local GID (fe80:...) a NET/IB connect or completion failure names as its local or remote
// GID; empty when none.
std::string LinkLocalGidOnFailure(const std::string& line);

// Whether a passing run's text states a routable GID index ("NCCL_IB_GID_INDEX=3", "NCCL_IB_GID_INDEX
// set by environment to 2"): an index that selects an IPv4-mapped (RoCE v1 / v2 routable) GID.
bool StatesRoutableGidIndex(const std::string& text);

// The reasons of a case's recorded probes ("probe@target" -> {"status": "pass", "reason": ...}) that
// passed: what a run that worked says about its own setting.
std::vector<std::string> PassingProbeTexts(const Json& probes);

// `lines`: the case's log lines; `passing`: the texts of runs that passed (recorded probes' reasons).
GidIndexConnectReading ReadGidIndexConnectFailures(const std::vector<std::string>& lines,
                                                   const std::vector<std::string>& passing = {});

}  // namespace vigil
