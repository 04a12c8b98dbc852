// The upper median of a list of numbers, shared by the readers that compare one GPU or rank against
// its peers (builtin_reasoner.cc, rank_table.cc, compute_wait.cc, pcie_traffic.cc each had its own
// copy before). Pure function, thread safe.
#pragma once

#include <algorithm>
#include <vector>

namespace vigil {

// The median of `v` (the upper one for an even count), 0 when empty.
inline double UpperMedian(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

}  // namespace vigil
