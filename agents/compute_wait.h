// A rank that computes longest while the others wait for it in a collective (PLC35, realistic35
// rl35-24): per-rank lines printing both a compute time and a collective wait,
//   "[rank1]: data 0.011 s fwd+bwd 0.380 s allreduce wait 0.470 s"
//   "[rank0]: data 0.012 s fwd+bwd 0.838 s allreduce wait 0.011 s"
// In a synchronous job the slow rank is the one that computes longest and waits least, and the
// others wait about as long as it computes more: that complement singles the rank out even where
// only two or three ranks print (FindRankTimeOutlier wants four, the others' times alone). Pure
// function, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

struct ComputeWaitStraggler {
  int rank = -1;
  double compute_s = 0;        // the rank's median compute time
  double peers_compute_s = 0;  // the others' median compute time
  double wait_s = 0;           // the rank's median wait
  double peers_wait_s = 0;     // the others' median wait
  size_t ranks = 0;            // ranks that printed both
  size_t line = 0;             // index of the slow rank's first such line
};

// Lines naming one rank ("[rank3]:", "rank 3", "rank=3") with a compute time (fwd+bwd, fwd_bwd,
// forward-backward, compute; s or ms) and a collective wait (allreduce / all_gather /
// reduce_scatter / collective / comm / nccl wait). From at least 2 ranks: the rank whose median
// compute is at least 1.25 x every other rank's (the others within 10% of their median), whose
// median wait is at most a quarter of every other rank's, and whose extra compute the others' median
// wait covers at least half of. At most 20000 lines of at most 500 bytes are read.
std::optional<ComputeWaitStraggler> FindComputeWaitStraggler(const std::vector<std::string>& lines);

}  // namespace vigil
