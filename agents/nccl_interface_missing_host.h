// One node whose NCCL finds no socket interface while the job's other nodes found theirs (PLC70,
// 2026-12-07, realistic62 rl62-12). NCCL prints the interface its bootstrap uses on every host that has
// it ("h1:210:210 [0] NCCL INFO Bootstrap : Using net1:10.60.1.9<0>", "NET/Socket : Using [0]ib0:..."),
// and "NCCL WARN Bootstrap : no socket interface found" (or "NET/Socket : no interface found") where
// NCCL_SOCKET_IFNAME names none of the host's interfaces. When one host fails so and others found the
// same setting's interface, the job's setting is sound: that node lacks the interface (a replaced or
// reimaged node without its secondary networks, a pod without its network attachments), and the
// misconfiguration is that node's (nccl_network_misconfig on the node, not the job). Pure, thread safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace vigil {

struct InterfaceMissingHost {
  std::string host;  // the one host whose NCCL found no socket interface ("" for none)
  size_t line = 0;   // its first such line's index in `lines`
};

// Whether a line is NCCL's own (a "HOST:PID:TID [dev] NCCL" prefix) saying it found no socket interface;
// `host` gets the prefix's host.
bool ReadNcclNoInterfaceLine(const std::string& line, std::string& host);

// Over the case's lines (flattened): the one host whose NCCL found no socket interface while at least
// one other host's NCCL said which interface it uses, and that host never said one. Hosts compare
// case-insensitively by their first dotted label. {} otherwise (two hosts without, none with).
InterfaceMissingHost FindInterfaceMissingHost(const std::vector<std::string>& lines);

}  // namespace vigil
