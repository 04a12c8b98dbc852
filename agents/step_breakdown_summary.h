// PLC61 (realistic54 rl54-27, seen): a training loop's step-time breakdown labelled as a median or
// mean over its steps ("step-time breakdown p50 (ms): data_wait 38120, fwd/bwd 21010, optimizer 1220",
// "iteration timing (mean over 100 steps): data 2.1 s, compute 0.8 s") is a summary over many steps,
// as Megatron's "timers (max over ranks)" line and a data wait printed as percentiles are
// (FindDataWaitShare, builtin_reasoner.cc): one such line counts as the lines a share needs. One step's
// breakdown (no percentile or mean in its label) is not one. Pure function, thread safe.
#pragma once

#include <string>

namespace vigil {

bool StatesStepBreakdownSummary(const std::string& line);

}  // namespace vigil
