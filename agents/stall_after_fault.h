// A file-system stall that began after another fault of its node, and that its own client's
// reconnection ended, is no cause of that fault (PLC54, realistic49 rl49-19: a rank's async checkpoint
// thread segfaulted at 21:48:21; the node's "nfs: server ... not responding" came at 21:49:02 and its
// "nfs: server ... OK" two seconds later; the stall answered storage_failure over the crash). A stall
// cannot make a process die before it began; when it is also over (FaultOver::kStorage), it is a
// bystander of the incident, read as a recovered fault is (PLC13: kHistoryFactor, named, not the lead).
// The other fault must be of a kind a stall does not leave behind as its own wait (not a hang,
// straggler or loader stall: WaitLeftByStorageStall), and timed. Pure functions, thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agents/earlier_sightings.h"

namespace vigil {

// Whether every sighting of the stall (`stall`, each timed: `no_time` is none) was written after some
// timed sighting of the other fault (`other`) on the same node (`stall_node[i]`, `other_node[j]`;
// empty nodes never match). Empty `stall` or `other`: false.
bool StallBeganAfterFault(const std::vector<LineAt>& stall, const std::vector<std::string>& stall_node,
                          const std::vector<LineAt>& other, const std::vector<std::string>& other_node,
                          int64_t no_time);

}  // namespace vigil
