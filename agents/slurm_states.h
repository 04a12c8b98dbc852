// How a Slurm job ended, as the scheduler's lines say it (RG14, 2026-12-03): slurmstepd's
// "*** JOB 4481033 ON n1 CANCELLED AT 2026-11-29T16:12:44 DUE TO TIME LIMIT ***" (also DUE TO
// PREEMPTION, DUE TO NODE FAILURE, or no reason: a user's scancel), slurmctld's "Time limit exhausted
// for JobId=...", scontrol's "JobState=TIMEOUT" and the State column of a job's own sacct / squeue row
// (TIMEOUT, OUT_OF_MEMORY / OUT_OF_ME+, NODE_FAIL, PREEMPTED; a step's row "4481033.0" is not the
// job's end). An expert reads them: a job killed at its own time limit while it still made progress
// is its launch configuration (--time shorter than the run needs, or than its checkpoint interval),
// OUT_OF_MEMORY is the job's host memory (its cgroup limit), NODE_FAIL is the node's. Pure
// functions, thread safe.
#pragma once

#include <string>

namespace vigil {

enum class SlurmJobEnd { kNone, kTimeLimit, kOutOfMemory, kNodeFail, kPreempted, kCancelled };

// The end a line states (kNone for none). A line longer than 2000 bytes is not read.
SlurmJobEnd ReadSlurmJobEnd(const std::string& line);

// "TIMEOUT", "OUT_OF_MEMORY", ... as Slurm names the state ("" for kNone).
const char* SlurmJobEndName(SlurmJobEnd end);

// Whether a line reports the training's progress: an iteration / step counter with its number
// ("iteration 4340 | 3.30 s/it", "step 4999 | loss 2.44", "it 31150 |", "global_step=1200").
bool IsProgressLine(const std::string& line);

}  // namespace vigil
