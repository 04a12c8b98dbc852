// A resume that did not restore its learning-rate schedule (PLC47, realistic44 rl44-09; realistic35
// rl35-20): Megatron's "lr_scheduler state not found in checkpoint ...; starting a fresh scheduler:
// warmup 0, max_lr 3.0E-03", HF Trainer's "scheduler.pt not found in checkpoint-5800 ..., creating a
// new scheduler". The run restarts at its peak LR with no warmup, a known trigger of a divergence
// right after a resume. Pure function, thread safe.
#pragma once

#include <string>

namespace vigil {

// Whether `line` says a resumed run's LR scheduler state was missing and a new one was started.
bool SaysSchedulerReset(const std::string& line);

}  // namespace vigil
