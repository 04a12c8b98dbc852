// CPU-time helpers shared by the benchmarks: this process's CPU seconds, and the median of a few
// timed runs (benchmarks print ratios of medians measured in the same run; the machines are shared).
#pragma once

#include <time.h>

#include <algorithm>
#include <vector>

namespace vigil::bench {

inline double CpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// The median CPU seconds of `reps` (at least 1) calls of f().
template <typename F>
double MedianCpu(int reps, F&& f) {
  std::vector<double> t;
  for (int r = 0; r < std::max(1, reps); ++r) {
    const double t0 = CpuSeconds();
    f();
    t.push_back(CpuSeconds() - t0);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace vigil::bench
