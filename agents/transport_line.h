// What a network transport's own lines say (PLC14): a transport's report of an errno is no file
// system's, and a RoCE completion error sent from a link-local GID is the GID index's setting.
#ifndef VIGIL_AGENTS_TRANSPORT_LINE_H_
#define VIGIL_AGENTS_TRANSPORT_LINE_H_

#include <optional>
#include <string>
#include <vector>

namespace vigil {

// A line printed by a network transport about its own traffic: NCCL's network plugins (`NET/IB`,
// `NET/OFI`, `NET/Socket`, `NET/GPUDirectTCPX`, `NET/FasTrak`), libfabric (`libfabric:`, an
// `fi_*` call such as `fi_cq_readerr`), UCX (`UCX  ERROR`, `ucp_`/`uct_`). Its errno text
// ("Input/output error" from `fi_strerror(EIO)`) is the transport's, not a file system's.
bool IsNetworkTransportLine(const std::string& line);

// The local GID of an NCCL `NET/IB` completion error when it is link-local (`localGid fe80::...`), or
// of NCCL's failed queue-pair transition (`ibv_modify_qp failed ... local GID fe80::...`, PLC31); ""
// otherwise (no such line, no local GID, a routable GID such as `::ffff:10.1.2.4`).
std::string LinkLocalCompletionGid(const std::string& line);

// Whether a line shows the NICs run RoCE (Ethernet link layer): NCCL's `NET/IB : Using
// [0]mlx5_0:1/RoCE`, ibv_devinfo's `link_layer: Ethernet`, show_gids' RoCE `v2` rows.
bool ShowsRoce(const std::string& line);

// RoCE completion errors sent from link-local GIDs on several NICs: a GID index (NCCL_IB_GID_INDEX)
// that selects a link-local (RoCE v1 / fe80::) GID, which no router forwards, so connections
// between subnets (racks) fail at init on every NIC. Needs the case to show RoCE (an InfiniBand
// GID is fe80:: by design) and at least kMinLinkLocalGids distinct local GIDs (one NIC's link
// fault names one). `first` is the first such line's index, `gids` the distinct GIDs seen.
// PLC29: two distinct GIDs suffice where the case also states a link-local GID index
// (StatedLinkLocalGidIndex) and the errors' peers sit in two IPv4 /24 subnets or more (traffic that
// must be routed): the errors then are the GID choice's, not one link's (two NICs, each the other's
// peer, on a routed RoCE fabric whose port counters are clean).
constexpr size_t kMinLinkLocalGids = 3;
constexpr size_t kMinLinkLocalGidsStated = 2;
// Whether a line states that NCCL uses a link-local GID index on RoCE (index 0 = RoCE v1, 1 = RoCE
// v2, both the fe80:: GID a RoCE port derives from its MAC): NCCL's "NCCL_IB_GID_INDEX set by
// environment to 0.", an `export NCCL_IB_GID_INDEX=1` / env dump, ibv_modify_qp's "local GID index
// 0", NCCL's per-QP INFO "... mtu 5 GID 0 (80FE/...)" / "GID 1 (fe80::...)". Not index 2, 3 (the
// IPv4-mapped GIDs), nor NCCL_IB_GID_INDEX=-1 (auto).
bool StatedLinkLocalGidIndex(const std::string& line);
// The peer of an IB / RoCE completion report ("... Got completion from peer 10.0.3.17<43521> ..."): its
// address and the address's /24 ("10.0.3"); nullopt when the line names none. One reading for
// ReadLinkLocalGidErrors (PLC14) and ReadGidIndexConnectFailures (PLC56, gid_index_connect.h).
struct CompletionPeer {
  std::string address;
  std::string subnet;
};
std::optional<CompletionPeer> CompletionPeerOf(const std::string& line);

struct LinkLocalGidReading {
  bool found = false;
  size_t first = 0;
  size_t gids = 0;
};
LinkLocalGidReading ReadLinkLocalGidErrors(const std::vector<std::string>& lines);

// A NIC's own statement that it SENDS PFC pause frames (PLC15): mlx5's "Device stall detected:
// sending PFC pause" / its pause-storm prevention ("PFC storm detected", "pause storm"), or an
// ethtool / node_exporter line whose `tx_pause_storm_warning_events` / `tx_pause_storm_error_events`
// counter is above zero. The sender of a pause storm is the culprit; its peers only receive pause
// (`rx_*pause*`) and their transfers stall. A receive counter, a zero storm count or a TX timeout
// alone (any stuck queue) is not such a statement.
bool StatesPauseSender(const std::string& line);

// The interface an `ethtool -S IFACE` (`--statistics`) command line asks about, "" if none: the NIC
// a pasted counter table below it belongs to.
std::string EthtoolStatsInterface(const std::string& line);

}  // namespace vigil

#endif  // VIGIL_AGENTS_TRANSPORT_LINE_H_
