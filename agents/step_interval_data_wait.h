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

// PLC75 (realistic65 rl65-18, seen): the input wait printed on a line of its own as an average per
// step ("data_loading_time avg 8.61s / step", "mean data wait per step: 8.6 s", "dataloader wait
// 8610 ms/step (avg)"), beside progress lines that print a step counter but no wait. The step time is
// read from the progress lines' stamps as FindStepIntervalDataWait reads it (counter and time of two
// successive lines), over the pairs that end at or after the wait line (the steps it averages; all
// pairs where the wait line has no time), and the wait's share of it is that line's reading. One such
// line is a summary over many steps (`summary` in FindDataWaitShare's sense); the median over the wait
// lines is returned. A wait longer than the step gives nothing.
std::optional<StepIntervalDataWait> FindAveragedDataWait(const std::vector<std::string>& lines, const LogClock& clock);
// The seconds of input wait a line states as an average per step, else nullopt.
std::optional<double> ReadAveragedDataWait(const std::string& line);

}  // namespace vigil
