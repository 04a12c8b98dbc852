// PLC53 (realistic48 rl48-27, seen): the input wait of a training loop whose progress lines print
// the wait but not the step time (torchtitan's "step:    10  loss: 3.41 ... tps: 1,210  data_wait: 7.9s
// tflops: 181.00  mfu: 18.30%"). FindDataWaitShare (builtin_reasoner.cc) needs both on one line; here
// the step time is read from two successive progress lines: their timestamps' difference over the
// step counters' (step 10 at 14:00:40, step 20 at 14:02:18: 9.8 s a step), and the later line's wait
// is read as that line's wait per step (8.1 s of 9.8 s: 83 %). A pair whose counter does not rise,
// whose time does not advance, or whose wait exceeds the step time gives no share. Pure function,
// thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "agents/log_time.h"

namespace vigil {

struct StepIntervalDataWait {
  double share = 0;       // median of the pairs' wait / step time
  size_t lines = 0;       // pairs read
  size_t first_line = 0;  // index of the first pair's later line
};

// The step counter and the input wait (seconds) of a progress line; nullopt when it prints no
// counter, no wait, or a step time of its own (FindDataWaitShare reads that line).
struct StepWait {
  long long step = 0;
  double wait_s = 0;
};
std::optional<StepWait> ReadStepWait(const std::string& line);

std::optional<StepIntervalDataWait> FindStepIntervalDataWait(const std::vector<std::string>& lines, const LogClock& clock);

}  // namespace vigil
