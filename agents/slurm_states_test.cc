// ReadSlurmJobEnd on slurmstepd's node-failure line as Slurm prints it (review S35, 2026-12-03).
#include <doctest/doctest.h>

#include "agents/slurm_states.h"

namespace vigil {
namespace {

// slurmstepd (src/slurmd/slurmstepd/req.c) prints a node failure's kill as "... DUE TO NODE FAILURE,
// SEE SLURMCTLD LOG FOR DETAILS ***": the header (slurm_states.h) says this end is read, but the
// pattern wanted "***" right after "NODE FAILURE", so the line read as no end at all.
TEST_CASE("ReadSlurmJobEnd reads slurmstepd's node failure with its trailing advice") {
  CHECK(ReadSlurmJobEnd("slurmstepd: error: *** JOB 4481033 ON n-01 CANCELLED AT 2026-11-29T16:12:44 DUE TO NODE "
                        "FAILURE, SEE SLURMCTLD LOG FOR DETAILS ***") == SlurmJobEnd::kNodeFail);
  CHECK(ReadSlurmJobEnd("slurmstepd: error: *** STEP 4481033.0 ON n-01 CANCELLED AT 2026-11-29T16:12:44 DUE TO NODE "
                        "FAILURE, SEE SLURMCTLD LOG FOR DETAILS ***") == SlurmJobEnd::kNodeFail);
  // The shapes read before stay read.
  CHECK(ReadSlurmJobEnd("slurmstepd: error: *** JOB 120 ON n-01 CANCELLED AT 2026-03-09T16:12:44 DUE TO TIME LIMIT ***") ==
        SlurmJobEnd::kTimeLimit);
  CHECK(ReadSlurmJobEnd("slurmstepd: error: *** JOB 120 ON n-01 CANCELLED AT 2026-03-09T16:12:44 DUE TO NODE FAILURE ***") ==
        SlurmJobEnd::kNodeFail);
  CHECK(ReadSlurmJobEnd("srun: error: *** STEP 120.0 ON n-01 CANCELLED AT 2026-03-09T16:12:44 ***") == SlurmJobEnd::kNone);
  // An end whose reason is none of the three (a requeue) is no time limit, preemption or node failure.
  CHECK(ReadSlurmJobEnd("slurmstepd: error: *** JOB 120 ON n-01 CANCELLED AT 2026-03-09T16:12:44 DUE TO JOB REQUEUE ***") ==
        SlurmJobEnd::kNone);
}

// REVFIX3 (review REV's fifth open finding): a line naming the step a job failed or hung at counted
// as progress, so a job hung until its time limit read as "still progressing" (its --time blamed).
TEST_CASE("IsProgressLine: a line about trouble at a step is no progress (REVFIX3)") {
  CHECK(IsProgressLine("[2026-03-09 16:12:31] iteration 4340 | 3.30 s/it | loss 2.77"));
  CHECK(IsProgressLine("step 4999 | loss 2.441 | errors 0"));
  CHECK(IsProgressLine("global_step=1200 loss=2.1"));
  CHECK_FALSE(IsProgressLine("RuntimeError at iteration 4340"));
  CHECK_FALSE(IsProgressLine("[rank0] watchdog: no progress since iteration 4120 for 1800 s"));
  CHECK_FALSE(IsProgressLine("hang detected at step 4340"));
  CHECK_FALSE(IsProgressLine("[rank3] step 4340 timed out waiting for all-reduce"));
  CHECK_FALSE(IsProgressLine("Training failed at step 4340"));
  CHECK_FALSE(IsProgressLine("torch.cuda.OutOfMemoryError: CUDA out of memory at iteration 12"));
}

// REVFIX3: the reasoner's step 3z read the kill lines with a regex of its own; it now reads them
// with ReadSlurmKill, the reader ReadSlurmJobEnd uses, which also gives the kill's time.
TEST_CASE("ReadSlurmKill: slurmstepd's and slurmctld's kill lines, with slurmstepd's time (REVFIX3)") {
  SlurmKill k = ReadSlurmKill("slurmstepd: error: *** JOB 120 ON n-01 CANCELLED AT 2026-03-09T16:12:44 DUE TO TIME LIMIT ***");
  CHECK(k.end == SlurmJobEnd::kTimeLimit);
  CHECK(k.at == "2026-03-09T16:12:44");
  k = ReadSlurmKill("slurmstepd: error: *** STEP 120.0 ON n-01 CANCELLED AT 2026-03-09T16:12:45 DUE TO PREEMPTION ***");
  CHECK(k.end == SlurmJobEnd::kPreempted);
  CHECK(k.at == "2026-03-09T16:12:45");
  k = ReadSlurmKill("slurmstepd: error: *** JOB 120 ON n-01 CANCELLED AT 2026-03-09T16:12:46 ***");
  CHECK(k.end == SlurmJobEnd::kCancelled);
  CHECK(k.at == "2026-03-09T16:12:46");
  CHECK(ReadSlurmKill("slurmstepd: error: *** JOB 120 ON n-01 CANCELLED AT 2026-03-09T16:12:44 DUE TO NODE FAILURE, SEE "
                      "SLURMCTLD LOG FOR DETAILS ***").end == SlurmJobEnd::kNodeFail);
  k = ReadSlurmKill("[2026-03-09T16:12:44.101] Time limit exhausted for JobId=120");
  CHECK(k.end == SlurmJobEnd::kTimeLimit);
  CHECK(k.at.empty());  // the line's own time
  // A plain step cancel is srun's, no kill; states read after the fact are no kill either.
  CHECK(ReadSlurmKill("srun: error: *** STEP 120.0 ON n-01 CANCELLED AT 2026-03-09T16:12:44 ***").end == SlurmJobEnd::kNone);
  CHECK(ReadSlurmKill("   JobState=TIMEOUT Reason=TimeLimit Dependency=(null)").end == SlurmJobEnd::kNone);
  CHECK(ReadSlurmJobEnd("   JobState=TIMEOUT Reason=TimeLimit Dependency=(null)") == SlurmJobEnd::kTimeLimit);
  CHECK(ReadSlurmKill("120          gpu   04:00:00   04:00:16    TIMEOUT      0:0       16").end == SlurmJobEnd::kNone);
}

}  // namespace
}  // namespace vigil
