// A job that hung, was restarted and trained again (PLC54, realistic49 rl49-27: a rank's watchdog
// timeout ended torchrun's attempt 0, "Worker group failed, restarting workers (attempt 1 of 3)", the
// restarted ranks loaded the checkpoint and trained - slowly, the alert's "iteration time 55% above
// baseline after restart" - beside a process of attempt 0 still on one GPU). The hang ended with that
// restart: what the log shows of it before the restart line is an earlier attempt's, and the job's
// training steps after it show the job ran past it. The reasoner (DiscountHangEndedByRestart) keeps
// kHistoryFactor of the hang's weight where another cause has evidence of its own. Pure functions,
// thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

// Whether `line` says the job's workers or the job start again: job_runs.h's StartsLaterRun (a requeue,
// "restarting worker group", "attempt 2", ...) or torchelastic's "restarting workers".
bool SaysWorkersRestart(const std::string& line);

// Whether `line` is a training step's progress: "iteration N" / "step N" / "step: N" with a loss,
// learning rate or throughput on the line.
bool IsTrainingProgress(const std::string& line);

// The first restart line (SaysWorkersRestart) of `lines` (one log's, in order) that training progress
// lines (IsTrainingProgress) follow; nullopt when no restart line is followed by one.
std::optional<size_t> RestartThenTrained(const std::vector<std::string>& lines);

}  // namespace vigil
