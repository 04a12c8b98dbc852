#include "agents/stall_after_fault.h"

namespace vigil {

bool StallBeganAfterFault(const std::vector<LineAt>& stall, const std::vector<std::string>& stall_node,
                          const std::vector<LineAt>& other, const std::vector<std::string>& other_node,
                          int64_t no_time) {
  if (stall.empty() || other.empty() || stall.size() != stall_node.size() || other.size() != other_node.size())
    return false;
  for (size_t s = 0; s < stall.size(); ++s) {
    if (stall[s].time_ms == no_time || stall_node[s].empty()) return false;
    bool after = false;
    for (size_t o = 0; o < other.size() && !after; ++o) {
      after = other[o].time_ms != no_time && other_node[o] == stall_node[s] && stall[s].time_ms > other[o].time_ms;
    }
    if (!after) return false;
  }
  return true;
}

}  // namespace vigil
