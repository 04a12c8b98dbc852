// A GPU whose kernel never finishes, as DCGM shows it (PLC47, realistic44 rl44-29): its utilisation
// stays pinned (a kernel is resident the whole time) while its SM activity falls to nothing, and
// the job's other GPUs with a utilisation series sit idle (their ranks wait in the collective that
// GPU's rank never reaches). No Xid, no error line: the hung rank prints nothing. Pure function,
// thread safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time_series.h"

namespace vigil {

struct HungKernelGpu {
  std::string node;
  int gpu = -1;
  std::string series;  // its DCGM_FI_PROF_SM_ACTIVE series
  double util = 0;       // its utilisation over the last third of the series (%)
  double sm_active = 0;  // its SM activity over the last third (ratio)
};

// The one GPU whose DCGM_FI_DEV_GPU_UTIL averages >= 95 % over the last third of its series while
// its DCGM_FI_PROF_SM_ACTIVE averages <= 0.05 there after >= 0.3 over the first third, when at least
// one other GPU's utilisation averages <= 10 % over its last third and no other GPU shows the same
// pinned pattern (several are NCCL kernels spinning in a collective, the waiters). nullopt otherwise.
std::optional<HungKernelGpu> FindHungKernelGpu(const std::vector<TimeSeries>& series);

}  // namespace vigil
