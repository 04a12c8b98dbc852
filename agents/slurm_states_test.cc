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

}  // namespace
}  // namespace vigil
