// Which node an IP address is, as the case itself says it (RGA, 2026-12-03). Evidence often names a
// peer by its address only: NCCL's "socketPollConnect: connect to 10.20.7.77<39445> returned
// Connection timed out", Ray's "ip=10.20.7.77", a MASTER_ADDR=10.20.7.77. A case that also shows
// which host holds the address lets the reasoner read that address as the node (CaseNodes in
// builtin_reasoner.cc looks addresses up in the map built from these facts); without such a line an
// address stays an address (never guessed from a name's digits).
//
// AddressReader reads one log's lines in order and returns the facts each line states:
//   - scontrol show node: "NodeName=gpu-07 Arch=x86_64 ..." then (same or a later line of the same
//     record) "NodeAddr=10.20.7.77 NodeHostName=gpu-07": the address is NodeName's;
//   - /etc/hosts and `getent hosts NAME` lines: "10.20.7.77  gpu-07.cluster.local gpu-07" (an
//     address, then host names only, a '#' comment allowed);
//   - `host NAME`: "gpu-07.cluster.local has address 10.20.7.77";
//   - the writer's own addresses (host "" = the node the line was written on, which the caller
//     knows from the log's source, a pdsh label or an ssh command above it; NCCL's own
//     "HOST:PID:TID [dev]" prefix names it and is returned as the host):
//       NCCL's "Bootstrap : Using ib0:10.20.7.77<0>", "NET/Socket : Using [0]ib0:10.20.7.77<0>",
//       "NET/IB : Using [0]mlx5_0:1/IB ; OOB ib0:10.20.7.77<0>";
//       `ip addr`'s "inet 10.20.7.77/16 brd ... scope global bond0" (inet6 too), `ip -br addr`'s
//       "bond0  UP  10.20.7.77/16 fe80::1/64";
//       NCCL's completion error "HOST:PID:TID [dev] ... Got completion from peer ... localGid
//       ::ffff:10.81.0.14" (its IPv4-mapped RoCE v2 GID is the writer's address; PLC29);
//       `hostname -I` / `hostname -i`: the line after the command, when it holds addresses only (a
//       prompt's "user@gpu-07:~$ hostname -I" / "[root@gpu-07 ~]# hostname -I" names the host).
// Loopback (127.0.0.0/8, ::1), link-local (169.254/16, fe80::/10) and unspecified addresses are no
// node's and never returned. The caller drops an address claimed for two nodes.
// Pure, one instance per log; not thread safe (it keeps the record being read).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vigil {

struct AddressFact {
  std::string address;  // as node_names.h's NodeNameKey writes it ("10.20.7.77", "fd00::3")
  std::string host;     // the host the line names for it; "" = the writer's own address
};

class AddressReader {
 public:
  // The facts line `line` states, given the lines read before it. A line over 2000 bytes states none.
  std::vector<AddressFact> Read(std::string_view line);

 private:
  std::string record_node_;    // scontrol's NodeName= of the record being read
  bool after_hostname_i_ = false;
  std::string prompt_host_;    // the host a `hostname -I` command's prompt named
};

// The peer address a line says a connection to failed, NCCL's wordings: "socketPollConnect: connect
// to 10.20.7.77<44921> returned Connection timed out", "socketStartConnect: Connect to
// 10.20.7.77<44921> failed : Connection refused", "Net : Connect to 10.20.7.77<44921> failed";
// "" for none (a line over 2000 bytes, no such wording, an address no node holds).
std::string FailedConnectAddress(std::string_view line);

// The host a shell prompt at the start of `line` names: "gpu-07" for "user@gpu-07:~$ nvidia-smi" or
// "[root@gpu-07 ~]# dmesg -T" (bash's default prompts; the prompt's "$"/"#" then a blank); "" for
// none. A log source that is such a prompt line names the node its output was written on (PLC8).
std::string PromptHost(std::string_view line);

// `address` as node_names.h's NodeNameKey writes it when it is an IP address some node (or pod) could
// hold, else "" (no address, or one SharedByEveryHost).
std::string NodeAddress(std::string_view address);

// Whether `w` is a host's name as /etc/hosts, scontrol, kubectl or a launcher print one: letters,
// digits, '.', '-', '_', holding a letter, not starting with '-' or '.', at most 253 bytes.
bool HostNameWord(std::string_view w);

// Whether an address is one of the kinds no node is known by (loopback, link-local, unspecified).
bool SharedByEveryHost(std::string_view address);

}  // namespace vigil
