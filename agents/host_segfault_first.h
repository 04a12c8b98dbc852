// A rank's own host-side segfault ahead of its peers' CUDA errors (PLC47, realistic44 rl44-28): the
// rank prints torch's "[rank18]: !!!!!!! Segfault encountered !!!!!!!" (a CPU fault in host code: a
// kernel launcher's C++), and then the processes that shared memory with it over NVLink / MNNVL
// print "Cuda failure 'an illegal memory access was encountered' ... MNNVL peer ... rank 18
// unreachable": their imports of the dead rank's memory vanished. Those lines are the crash's
// consequence, not a device fault of their own. Pure functions, thread safe.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace vigil {

// The ranks whose own "Segfault encountered" line (with a "[rankN]:" prefix) `lines` hold.
std::set<int> HostSegfaultRanks(const std::vector<std::string>& lines);

// Whether `line` is a CUDA error that names a peer rank of `ranks` as gone ("peer ... rank 18
// unreachable", "... rank 18 ... exited" / "died" / "lost").
bool NamesDeadPeer(const std::string& line, const std::set<int>& ranks);

}  // namespace vigil
