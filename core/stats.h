#pragma once
// Small statistics over a handful of values (agents' readings of a case's series and lines).

#include <algorithm>
#include <vector>

namespace vigil {

// The median of `v` (the mean of the two middle values for an even count); `v` must not be empty.
inline double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace vigil
