// A packet filter's drop or reject line (PLC13, 2026-12-04): the kernel's netfilter LOG format as
// nftables, iptables, ufw and firewalld print it - a verdict in the log prefix, then "IN=eth0 OUT=
// ... SRC=10.42.1.17 DST=10.42.3.17 ... PROTO=TCP SPT=45811 DPT=50417":
//   "nft_reject: IN=eth0 OUT= SRC=... DST=...", "nft_drop ...", "iptables REJECT: IN=...",
//   "[UFW BLOCK] IN=...", "filter_IN_public_REJECT: IN=...", "FINAL_REJECT: IN=...", "DROPPED: IN=...".
// A node's firewall that drops its peers' packets is a network misconfiguration of that node: NCCL's
// bootstrap and socket connections of its ranks time out or are refused (the reasoner's 3a-filter).
// Pure, thread safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vigil {

struct PacketFilterDrop {
  std::string src, dst;  // the addresses as printed
  int sport = -1, dport = -1;  // -1: not printed
};

// The drop or reject `line` states; nullopt when it is no netfilter LOG line (no IN= / SRC= / DST=),
// its prefix names no drop or reject verdict (an ACCEPT or a plain LOG rule), or it is over 2000 bytes.
std::optional<PacketFilterDrop> ReadPacketFilterDrop(std::string_view line);

}  // namespace vigil
