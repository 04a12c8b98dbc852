// A hang read from GPU utilisation anywhere in the series (PLC22): one GPU idle beside its node peers
// spinning at 100 %. Defined in builtin_reasoner.cc; declared apart from builtin_reasoner.h for the tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/time_series.h"

namespace vigil {

// One GPU of a node at <= 10 % DCGM_FI_DEV_GPU_UTIL while the median of its node peers (>= 3) at the
// same timestamps is >= 90 %, for >= 3 consecutive samples spanning >= 60 s, the GPU busy (mean >= 50 %)
// before the episode. Peers of a synchronous job at 100 % beside one GPU gone to 0 are NCCL kernels
// spinning in a collective that GPU's process never joined; the job's abort (every GPU at 0 %) may
// follow, so a series' last third alone (FindUtilOddOneOut) misses it. (node, gpu, onset ms); none
// when more than one GPU of the case qualifies.
struct SpinEpisode {
  std::string node;
  int gpu = -1;
  int64_t onset_ms = 0;
};
std::vector<SpinEpisode> FindSpinEpisodes(const std::vector<TimeSeries>& series);

}  // namespace vigil
