#include "agents/earlier_sightings.h"

#include <algorithm>
#include <limits>

namespace vigil {

std::vector<bool> EarlierIncidentSightings(const std::vector<int64_t>& times_ms, int64_t no_time, int64_t gap_ms) {
  std::vector<bool> out(times_ms.size(), false);
  int64_t newest = std::numeric_limits<int64_t>::min();
  size_t timed = 0;
  for (int64_t t : times_ms) {
    if (t == no_time) continue;
    ++timed;
    newest = std::max(newest, t);
  }
  if (timed < 2 || gap_ms < 0) return out;
  for (size_t i = 0; i < times_ms.size(); ++i) {
    // newest - t > gap_ms, written so that it cannot overflow (t <= newest).
    if (times_ms[i] != no_time && times_ms[i] < newest && static_cast<uint64_t>(newest) - static_cast<uint64_t>(times_ms[i]) > static_cast<uint64_t>(gap_ms)) {
      out[i] = true;
    }
  }
  return out;
}

}  // namespace vigil
