// A resume that did not restore the optimizer's state (PLC30, 2026-12-06: realistic33 rl33-22, right but
// weak at 0.41). A job restarted from a checkpoint whose optimizer state is missing or skipped starts
// Adam with zero moments at the scheduler's current learning rate (often the peak): the first updates
// are far too large, the grad norm climbs, the loss spikes and goes NaN - loss_divergence of the job,
// its cause in the resume. The loaders say so in their own words:
//   - PyTorch's load_state_dict(strict=False) / DCP's partial load: "Missing key(s) in state_dict:
//     "optim.state.0.exp_avg", ..." / "UserWarning: Missing keys in state_dict: ['optim.state....']";
//   - a loader skipping or failing it: "Skipping loading optimizer state", "could not load optimizer
//     state", "failed to load the optimizer state_dict", "Unable to find optimizer states";
//   - a trainer going on without it: "continuing with freshly initialised optimizer state",
//     "optimizer state re-initialized".
// A line that loaded the optimizer ("loaded optimizer state in 19.4 s") or lost another part of the
// state ("optimizer state found, lr_scheduler state missing") is not read. Pure, thread safe.
#pragma once

#include <string>

namespace vigil {

// Whether a line states that a resume left the optimizer's state unrestored (lines over 4000 bytes
// are not read).
bool StatesOptimizerStateLost(const std::string& line);

}  // namespace vigil
