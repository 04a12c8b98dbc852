// PLC75 (realistic65 rl65-23, seen): a step that got slower because it does more work, not because
// anything broke. A planned change of the work per step (a longer sequence, a larger global batch:
// "seq length 8192 (was 4096)", "tokens per global batch 33,554,432 (was 16,777,216)", "global batch
// size 1024 -> 2048") printed by the job, and its progress lines showing the step time up by half or
// more while the FLOP/s each GPU does (Megatron's "throughput per GPU (TFLOP/s/GPU)", torchtitan's
// "tflops:" / "mfu:") stayed where it was: every GPU is as busy as before, each step is bigger. The
// step-time alert then reports the job's own configuration as launched, not a fault. Pure, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

// A line stating that the work per step grew: a sequence length, global batch, micro batch or tokens
// per batch with its new value above the old ("8192 (was 4096)", "4096 -> 8192", "from 4096 to 8192").
bool StatesWorkPerStepGrew(const std::string& line);

struct WorkPerStepChange {
  size_t change_line = 0;   // the StatesWorkPerStepGrew line
  size_t slow_line = 0;     // the first progress line of the slower steps
  double step_ratio = 0;    // later step time / earlier step time
  double flops_ratio = 0;   // later per-GPU FLOP/s (or MFU) / earlier
};

// Progress lines printing a step time and a per-GPU FLOP/s (or MFU): the median of the first three and
// of the last three; a step time at least kSlowerStep x the earlier with the FLOP/s within
// kSameFlops of the earlier, and a StatesWorkPerStepGrew line before the slower steps. nullopt else.
constexpr double kSlowerStep = 1.5;
constexpr double kSameFlops = 0.1;
std::optional<WorkPerStepChange> FindWorkPerStepChange(const std::vector<std::string>& lines);

}  // namespace vigil
