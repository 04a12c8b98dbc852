// How a Slurm job ended, as the scheduler's lines say it (RG14, 2026-12-03): slurmstepd's
// "*** JOB 4481033 ON n1 CANCELLED AT 2026-11-29T16:12:44 DUE TO TIME LIMIT ***" (also DUE TO
// PREEMPTION, DUE TO NODE FAILURE, or no reason: a user's scancel), slurmctld's "Time limit exhausted
// for JobId=...", scontrol's "JobState=TIMEOUT" and the State column of a job's own sacct / squeue row
// (TIMEOUT, OUT_OF_MEMORY / OUT_OF_ME+, NODE_FAIL, PREEMPTED; a step's row "4481033.0" is not the
// job's end). An expert reads them: a job killed at its own time limit while it still made progress
// is its launch configuration (--time shorter than the run needs, or than its checkpoint interval),
// OUT_OF_MEMORY is the job's host memory (its cgroup limit), NODE_FAIL is the node's. A requeue
// (DEF5, 2026-12-03: slurmstepd's "... CANCELLED AT <t> DUE TO JOB REQUEUE ***", slurmctld's
// "requeue JobId=N per user/system request", the state REQUEUED / REQUEUE_HOLD / REQUEUE_FED) ends
// that run of the job at that time, on the node the line names, and the job id comes back with a
// new start: the scheduler or an admin stopped it, as a preemption does, and it says nothing against
// the node (before, no end). slurmctld's "requeue job JobId=N due to failure of node X" and "requeue
// JobId=N due to node failure" are the node's failure (NODE_FAIL), the job requeued after it, and
// "preempted JobId=N has been requeued" a preemption. Pure functions, thread safe.
#pragma once

#include <string>
#include <vector>

namespace vigil {

enum class SlurmJobEnd { kNone, kTimeLimit, kOutOfMemory, kNodeFail, kPreempted, kCancelled, kRequeued };

// The end a line states (kNone for none). A line longer than 2000 bytes is not read.
SlurmJobEnd ReadSlurmJobEnd(const std::string& line);

// The scheduler's kill as it happens (REVFIX3: the reasoner's step 3z kept a regex of its own for
// these lines): slurmstepd's "*** JOB|STEP ... CANCELLED AT <t> [DUE TO ...] ***" and slurmctld's
// "Time limit exhausted for JobId=...", with the end ReadSlurmJobEnd gives them and the time
// slurmstepd writes after CANCELLED AT ("" for slurmctld's line, which carries the line's own time).
// A requeue is a kill too: slurmstepd's "DUE TO JOB REQUEUE", slurmctld's "requeue JobId=N per
// user/system request" and "preempted JobId=N has been requeued" (kRequeued, kPreempted).
// A state read after the fact (JobState=, a sacct row) is no kill: kNone.
struct SlurmKill {
  SlurmJobEnd end = SlurmJobEnd::kNone;
  std::string at;  // "2026-03-09T14:12:44" as printed, "" when the line gives none
};
SlurmKill ReadSlurmKill(const std::string& line);

// ReadSlurmJobEnd's end with the time the line gives for it (DEF6, 2026-12-04): slurmstepd's
// "CANCELLED AT <t>" (ReadSlurmKill's), a job's sacct row's End (the row's latest time: sacct's
// Submit <= Eligible <= Start <= End, so with Start and End both asked the latest is End; a row
// printing one time gives that one, "Unknown" none), scontrol's EndTime= on the JobState= line. "" when
// the line gives none (slurmctld's lines carry their own time before the text). As printed: Slurm
// writes local times without a zone, which the reader places in the case's zone as other lines.
SlurmKill ReadSlurmJobEndAt(const std::string& line);

// `scontrol show job` prints a job's record over several lines: JobState= on one, EndTime= on a
// later one ("   StartTime=2026-03-10T01:00:02 EndTime=2026-03-10T06:52:11 Deadline=N/A"). The
// EndTime= of the record `lines` continues, the lines that follow its JobState= line, read up to the
// record's end (a line starting another record, "JobId=", or a blank line); "" when the record gives
// none (EndTime=Unknown, a record cut before it) (RG25: ReadSlurmJobEndAt reads it only when it is
// on the JobState= line).
std::string ScontrolRecordEndTime(const std::vector<std::string>& lines);

// "TIMEOUT", "OUT_OF_MEMORY", ..., "REQUEUED" as Slurm names the state ("" for kNone).
const char* SlurmJobEndName(SlurmJobEnd end);

// A node Slurm says failed, and why (RGA, 2026-12-03): the node a NODE_FAIL job end is about, which
// the job's own end line does not name ("*** JOB 77 ON n-01 CANCELLED AT ... DUE TO NODE FAILURE ***"
// names the batch host; sacct's NodeList= is every node of the job). Read from:
//   - slurmctld: "Killing JobId=4481033 on failed node gpu-07", "error: Nodes gpu-07 not responding,
//     setting DOWN" (reason "Not responding"), "error: Node gpu-07 ... Kill task failed", "requeue job
//     JobId=4481033 due to failure of node gpu-07" (a job with --requeue; DEF5);
//   - scontrol show node: a record "NodeName=gpu-07 ..." whose State= is DOWN, DRAIN(ED|ING) or FAIL
//     (with + flags, '*' for not responding) and whose "Reason=Not responding [slurm@...]" gives why
//     (the Reason= line may follow the NodeName= line: one reader a log, lines in order);
//   - sinfo -R: "Kill task failed   root   2026-03-10T07:02:11 gpu-07" (REASON USER TIMESTAMP NODELIST).
// One host only: a host list ("gpu-[07,09]") names no one node and is not read.
struct SlurmFailedNode {
  std::string host;    // as the line writes it
  std::string reason;  // "Not responding", "Kill task failed", "NHC: gpu 3 ...", "" when none given
};
class SlurmNodeStateReader {
 public:
  // The failed node line `line` states, given the lines before it (a line over 2000 bytes: none).
  std::vector<SlurmFailedNode> Read(const std::string& line);

 private:
  std::string node_, state_, reason_;  // the scontrol record being read
  bool said_ = false;                  // the record's node was returned
};

// Whether a line reports the training's progress: an iteration / step counter with its number
// ("iteration 4340 | 3.30 s/it", "step 4999 | loss 2.44", "it 31150 |", "global_step=1200"), on a
// line that does not speak of trouble at that step (an error or exception, a failure, a timeout, a
// hang, stuck, stalled, "no progress", a watchdog, waiting, a deadlock, an abort): "RuntimeError at
// iteration 4340" and "watchdog: no progress since iteration 4120" are none.
bool IsProgressLine(const std::string& line);

}  // namespace vigil
