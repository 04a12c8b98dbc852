// A setting one node of a job holds apart from the others (RG14, 2026-12-03): NCCL's
// "host:pid:tid [dev] NCCL INFO NCCL_SOCKET_IFNAME set by environment to ens3f0" as each process
// prints it, and pdsh's "host: NCCL_SOCKET_IFNAME=ens3f0" (a `grep` of /etc/nccl.conf over the
// nodes). When every node but one agrees on the interface and that one names another (a node
// reimaged from an old image), a bootstrap or socket failure of the job is that node's
// configuration: the reasoner places nccl_network_misconfig there (builtin_reasoner.cc). Pure
// functions, thread safe.
#pragma once

#include <string>
#include <vector>

namespace vigil {

// The (host, interface) a line states for NCCL_SOCKET_IFNAME, or {"", ""}.
std::pair<std::string, std::string> SocketIfnameOfLine(const std::string& line);

struct OddNodeSetting {
  std::string node;   // the node apart ("" for none)
  std::string value;  // its value
  std::string others; // the value every other node holds
};

// Over (host, value) pairs: the one host whose values differ from the value all of at least one
// other host's lines hold, every other host agreeing. Hosts compare as SameNodeName does.
OddNodeSetting OddNodeOut(const std::vector<std::pair<std::string, std::string>>& settings);

}  // namespace vigil
