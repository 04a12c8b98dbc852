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
  // A requeue is no time limit, preemption or node failure (its own end since DEF5: below).
  CHECK(ReadSlurmJobEnd("slurmstepd: error: *** JOB 120 ON n-01 CANCELLED AT 2026-03-09T16:12:44 DUE TO JOB REQUEUE ***") ==
        SlurmJobEnd::kRequeued);
}

// DEF5 (2026-12-03): slurmstepd's "DUE TO JOB REQUEUE" (its format string in /usr/sbin/slurmstepd)
// read as no end, and no requeue state was read: the requeue ends that run of the job at that time
// on that node (the job id comes back with a new start), a stop by the scheduler or an admin, not
// a failure of the node. slurmctld's requeue after a node failure is the node's.
TEST_CASE("ReadSlurmJobEnd / ReadSlurmKill: a requeue ends that run of the job (DEF5)") {
  SlurmKill k = ReadSlurmKill("slurmstepd: error: *** JOB 120 ON n-01 CANCELLED AT 2026-03-09T16:12:44 DUE TO JOB REQUEUE ***");
  CHECK(k.end == SlurmJobEnd::kRequeued);
  CHECK(k.at == "2026-03-09T16:12:44");
  CHECK(ReadSlurmKill("slurmstepd: error: *** STEP 120.0 ON n-01 CANCELLED AT 2026-03-09T16:12:44 DUE TO JOB REQUEUE ***").end ==
        SlurmJobEnd::kRequeued);
  CHECK(std::string(SlurmJobEndName(SlurmJobEnd::kRequeued)) == "REQUEUED");
  // slurmctld's own lines (job_mgr.c's format strings in /usr/sbin/slurmctld, %pJ as it prints a job).
  k = ReadSlurmKill("[2026-03-09T16:12:44.101] _job_requeue_op: requeue JobId=120 per user/system request");
  CHECK(k.end == SlurmJobEnd::kRequeued);
  CHECK(k.at.empty());  // the line's own time
  CHECK(ReadSlurmJobEnd("[2026-03-09T16:12:44.101] _job_requeue_op: requeue JobId=71021_3(71024) per user/system request") ==
        SlurmJobEnd::kRequeued);
  CHECK(ReadSlurmJobEnd("[2026-03-09T16:12:44.101] requeue job JobId=120 due to failure of node n-03") == SlurmJobEnd::kNodeFail);
  CHECK(ReadSlurmJobEnd("[2026-03-09T16:12:44.101] _requeue_job_node_failed: requeue JobId=120 due to node failure") ==
        SlurmJobEnd::kNodeFail);
  CHECK(ReadSlurmJobEnd("[2026-03-09T16:12:44.101] preempted JobId=120 has been requeued") == SlurmJobEnd::kPreempted);
  // The states: sacct's row (its 10-character column too), squeue -o %T, scontrol's JobState=.
  CHECK(ReadSlurmJobEnd("120          pretrain        gpu   REQUEUED      0:0") == SlurmJobEnd::kRequeued);
  CHECK(ReadSlurmJobEnd("120|pretrain|REQUEUED|0:15") == SlurmJobEnd::kRequeued);
  CHECK(ReadSlurmJobEnd("120          pretrain REQUEUE_H+      0:0") == SlurmJobEnd::kRequeued);
  CHECK(ReadSlurmJobEnd("120          pretrain REQUEUE_F+      0:0") == SlurmJobEnd::kRequeued);
  CHECK(ReadSlurmJobEnd("  120  gpu  pretrain  ana  REQUEUE_HOLD  0:00  4  (JobHeldAdmin)") == SlurmJobEnd::kRequeued);
  // squeue -o '%i %T %r': one space after the id (no state was read there, PREEMPTED neither).
  CHECK(ReadSlurmJobEnd("120 REQUEUE_HOLD JobHeldAdmin") == SlurmJobEnd::kRequeued);
  CHECK(ReadSlurmJobEnd("120 PREEMPTED None") == SlurmJobEnd::kPreempted);
  CHECK(ReadSlurmJobEnd("   JobState=REQUEUE_FED Reason=None Dependency=(null)") == SlurmJobEnd::kRequeued);
  CHECK(ReadSlurmJobEnd("   JobState=REQUEUED Reason=None Dependency=(null)") == SlurmJobEnd::kRequeued);
  // Not a requeue: a step's row, a job that may be requeued, a word in prose, a pending job.
  CHECK(ReadSlurmJobEnd("120.0        python     REQUEUED      0:0") == SlurmJobEnd::kNone);
  CHECK(ReadSlurmJobEnd("   Requeue=1 Restarts=2 BatchFlag=1 Reboot=0 ExitCode=0:0") == SlurmJobEnd::kNone);
  CHECK(ReadSlurmJobEnd("[2026-03-10 07:40:02] requeue (attempt 2) on n-[01-04]") == SlurmJobEnd::kNone);
  CHECK(ReadSlurmJobEnd("   JobState=PENDING Reason=BeginTime Dependency=(null)") == SlurmJobEnd::kNone);
  // The node a node failure's requeue names is a failed node; a user's requeue names none.
  SlurmNodeStateReader r;
  auto f = r.Read("[2026-03-09T16:12:44.101] requeue job JobId=120 due to failure of node n-03");
  REQUIRE(f.size() == 1);
  CHECK(f[0].host == "n-03");
  CHECK(r.Read("[2026-03-09T16:12:44.101] _job_requeue_op: requeue JobId=120 per user/system request").empty());
  CHECK(r.Read("slurmstepd: error: *** JOB 120 ON n-01 CANCELLED AT 2026-03-09T16:12:44 DUE TO JOB REQUEUE ***").empty());
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

// PLC46 (realistic43 rl43-25): srun's "Node failure on HOST" (its node-fail handler, when slurmctld
// says a node of the step failed) read as nothing, so a node that lost power left only the peers'
// watchdog timeouts (answered nccl_collective_hang). It ends the step NODE_FAIL and names the node.
TEST_CASE("srun's node failure line ends the step NODE_FAIL and names the failed node (PLC46)") {
  CHECK(ReadSlurmJobEnd("srun: error: Node failure on tern-b200-15") == SlurmJobEnd::kNodeFail);
  CHECK(ReadSlurmKill("srun: error: Node failure on tern-b200-15").end == SlurmJobEnd::kNodeFail);
  SlurmNodeStateReader r;
  auto f = r.Read("srun: error: Node failure on tern-b200-15");
  REQUIRE(f.size() == 1);
  CHECK(f[0].host == "tern-b200-15");
  // A host list names no one node; a task's exit on a node is no node failure.
  CHECK(r.Read("srun: error: Node failure on tern-b200-[15,16]").empty());
  CHECK(ReadSlurmJobEnd("srun: error: Node failure on tern-b200-[15,16]") == SlurmJobEnd::kNone);
  CHECK(r.Read("srun: error: tern-b200-13: tasks 0-7: Exited with exit code 6").empty());
  CHECK(ReadSlurmJobEnd("srun: error: tern-b200-13: tasks 0-7: Exited with exit code 6") == SlurmJobEnd::kNone);
}

// DEF6 (2026-12-04): the time a line gives for the job's end, so that a stop's discount starts
// there: slurmstepd's CANCELLED AT, a sacct row's End (its latest time: a row asked for Start and
// End printed Start first, and the reasoner took that), scontrol's EndTime= beside JobState=.
TEST_CASE("ReadSlurmJobEndAt: the end with the time the line gives for it (DEF6)") {
  SlurmKill k = ReadSlurmJobEndAt("slurmstepd: error: *** JOB 120 ON n-01 CANCELLED AT 2026-03-09T16:12:44 ***");
  CHECK(k.end == SlurmJobEnd::kCancelled);
  CHECK(k.at == "2026-03-09T16:12:44");
  k = ReadSlurmJobEndAt("77120          pretrain  PREEMPTED 2026-03-10T01:00:02 2026-03-10T06:52:11      0:0");
  CHECK(k.end == SlurmJobEnd::kPreempted);
  CHECK(k.at == "2026-03-10T06:52:11");
  // sacct -P, End asked before Start: still the End.
  k = ReadSlurmJobEndAt("77120|pretrain|CANCELLED by 1000|2026-03-10T06:52:11|2026-03-10T01:00:02");
  CHECK(k.end == SlurmJobEnd::kCancelled);
  CHECK(k.at == "2026-03-10T06:52:11");
  k = ReadSlurmJobEndAt("77120|REQUEUED|2026-03-10T01:00:02|Unknown");  // only the Start: that one
  CHECK(k.end == SlurmJobEnd::kRequeued);
  CHECK(k.at == "2026-03-10T01:00:02");
  k = ReadSlurmJobEndAt("   JobState=TIMEOUT Reason=TimeLimit EndTime=2026-03-10T06:52:11 Deadline=N/A");
  CHECK(k.end == SlurmJobEnd::kTimeLimit);
  CHECK(k.at == "2026-03-10T06:52:11");
  // No time given: "" (the caller keeps the line's own time, or none).
  CHECK(ReadSlurmJobEndAt("77120         PREEMPTED").at.empty());
  CHECK(ReadSlurmJobEndAt("   JobState=PREEMPTED Reason=None Dependency=(null)").at.empty());
  CHECK(ReadSlurmJobEndAt("[2026-03-09T16:12:44.101] Time limit exhausted for JobId=120").at.empty());
  // A step's row and a line of no end: nothing, time or not.
  k = ReadSlurmJobEndAt("77120.0        python  CANCELLED 2026-03-10T01:00:02 2026-03-10T06:52:11");
  CHECK(k.end == SlurmJobEnd::kNone);
  CHECK(k.at.empty());
  // ReadSlurmJobEnd gives the same end.
  CHECK(ReadSlurmJobEnd("77120|pretrain|CANCELLED by 1000|2026-03-10T06:52:11|2026-03-10T01:00:02") == SlurmJobEnd::kCancelled);
}

// RG25 (2026-12-04): `scontrol show job` prints EndTime= on a later line of the record than
// JobState=; the record's lines after JobState= give it, up to the next record or a blank line.
TEST_CASE("ScontrolRecordEndTime: the EndTime= of the record the lines continue (RG25)") {
  CHECK(ScontrolRecordEndTime({"   Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=0:15",
                               "   RunTime=05:52:09 TimeLimit=1-00:00:00 TimeMin=N/A",
                               "   SubmitTime=2026-03-10T00:58:40 EligibleTime=2026-03-10T00:58:40",
                               "   StartTime=2026-03-10T01:00:02 EndTime=2026-03-10T06:52:11 Deadline=N/A"}) ==
        "2026-03-10T06:52:11");
  // EndTime= alone on its line.
  CHECK(ScontrolRecordEndTime({"   StartTime=2026-03-10T01:00:02", "   EndTime=2026-03-10T06:52:11"}) == "2026-03-10T06:52:11");
  // Unknown, or none before the record ends (a blank line, the next record): "".
  CHECK(ScontrolRecordEndTime({"   StartTime=2026-03-10T01:00:02 EndTime=Unknown Deadline=N/A"}).empty());
  CHECK(ScontrolRecordEndTime({"   RunTime=05:52:09", "", "   StartTime=2026-03-11T01:00:02 EndTime=2026-03-11T06:52:11"}).empty());
  CHECK(ScontrolRecordEndTime({"   RunTime=05:52:09", "JobId=77121 JobName=eval",
                               "   StartTime=2026-03-11T01:00:02 EndTime=2026-03-11T06:52:11"}).empty());
  CHECK(ScontrolRecordEndTime({}).empty());
  // A word ending in EndTime is not the field.
  CHECK(ScontrolRecordEndTime({"   PrologEndTime=2026-03-10T06:52:11"}).empty());
}

}  // namespace
}  // namespace vigil
