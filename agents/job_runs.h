// The runs of a job that ran again (PLC45, 2026-12-06): Slurm's requeue, torchrun's restart of its
// worker group, a log per attempt. A later run may fail on what the first one left (realistic41
// rl41-26: a rank's SIGSEGV ends the first run, a process of it stuck in the driver keeps 71 GiB of
// a GPU, and the requeued run's CUDA OOM on that GPU is the loud line): the first run's failure came
// first. Pure functions, thread safe; the reasoner's DiscountLaterRunConsequences reads them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vigil {

// Whether a line says the job starts again after it: Slurm's requeue ("JobId=77 requeued",
// "JobRequeue", "=== job 77 requeued, run 2 started ..."), torchrun's "Restarting worker group" /
// "will restart worker group" / "restart_count=1", an "attempt 2" / "run 2 started", a relaunch.
// Not a bare "restart" (an operator's `systemctl restart`, a pod's "Back-off restarting").
bool StartsLaterRun(std::string_view line);

// Per log (in the order of `sources` / `texts`), per line: whether the line is of a later run of
// the job than its first. A log whose source names a later run ("slurm/77.out (run 2)",
// "job/attempt3/rank0.log") beside another log naming an earlier one of the same word is a later
// run's throughout; in any log, the lines after a StartsLaterRun line are. Empty inner vectors where
// no line is (the common case: no requeue read).
std::vector<std::vector<bool>> LaterRunLines(const std::vector<std::string>& sources,
                                             const std::vector<std::vector<std::string_view>>& texts);

}  // namespace vigil
