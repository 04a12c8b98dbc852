// The failing job's place and time (PLC43, 2026-12-06): hardware evidence outside them is another
// job's or an earlier hour's, not this job's cause (realistic41: an Xid 13 of another user's pod an
// hour before the job began, an IB link down and up 40 minutes before it, an Xid 31 / Xid 79 on a
// node of another job). Pure functions, thread safe; the reasoner's DiscountOutsideJobScope reads them.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "agents/log_time.h"

namespace vigil {

// A host name's shape: each ASCII digit read as '#', letters folded to lower case ("kes-h200-041" ->
// "kes-h###-###", "fjord-r02-ct05" -> "fjord-r##-ct##"). Two hosts of one shape are nodes of one kind
// (compute nodes of one cluster); a switch, a filer, a switch tray or a device name ("gpu3",
// "mlx5_0") has another shape.
std::string HostShape(std::string_view host);

// The words of `text` (runs of letters, digits, '.', '-', '_') that hold a digit and whose HostShape
// is one of `shapes`, a trailing '.' dropped: the hosts a line names, as far as the job's own node
// names tell what a host looks like.
std::vector<std::string> HostsOfShape(std::string_view text, const std::vector<std::string>& shapes);

// The hosts of one of `shapes` that `text` names by a label: "Hostname=kes-h200-090" (dcgm-exporter's
// label in an alert line), instance= / node= / host= / nodename=, with ':' or '=' and quotes.
std::vector<std::string> LabelledHosts(std::string_view text, const std::vector<std::string>& shapes);

// Whether a line says the job ran again elsewhere or in another shape: a requeue, a restart, a
// preemption, a relaunch, an "attempt 2" (the topology then lists the last attempt's nodes, and a
// node outside it may be where an earlier attempt failed: a GPU off the bus before a smaller
// restart). Not "restarting" (Kubernetes' "Back-off restarting failed container" of any pod).
bool SaysJobRanAgain(const std::vector<std::string>& lines);

// A training progress line ("step: 8000  loss: 2.31", Megatron's "iteration  600/ 500000 | ... lm
// loss: 2.95"): its time and step number.
struct StepMark {
  int64_t time_ms = 0;
  long step = 0;
};
// The progress lines of `lines` that print a time, a step / iteration number and a loss, in order.
std::vector<StepMark> ReadStepMarks(const std::vector<std::string>& lines, const LogClock& clock);

// Whether the job kept training through `t`: a progress line at most 10 min before `t` and a later
// one at least 2 min after it, each progress line between them a higher step than the one before and
// at most 10 min after it (a restart from a checkpoint, a rerun from step 1 or a pause is no
// training through). A process fault at `t` (an Xid 13 / 31, which ends its process) was then another
// process's: the job's ranks went on.
bool SteppedThrough(const std::vector<StepMark>& marks, int64_t t);

// The job's earliest start as the lines print it: scontrol's "StartTime=2026-11-23T14:19:58", a
// launcher's or note's "job 4479310 started 2026-12-04T08:00:04" / "(started 2026-12-02T19:00:02)",
// torchtitan's "Starting job: NAME" (the line's own time) and a Kubernetes "Scheduled" event
// ("Successfully assigned training/NAME-worker-8 to kes-h200-017"; the line's own time) of a pod
// whose name starts with `job` (any pod when `job` is empty); where none of these, a Slurm prolog
// that ran (not one that failed; none where SaysJobRanAgain: PLC45; the line's own time). The
// earliest of them: a requeued job's first run is still the job (its later run may fail on what
// the first one left). INT64_MAX (kNoTime) when none is read.
int64_t JobEarliestStartMs(const std::vector<std::string>& lines, const LogClock& clock, const std::string& job);

// PLC48 (H100 run 50): a process fault (an Xid 13 / 31 / 43, which ends the process it names) before
// an alert that says the job's rank is alive and slow NOW is another process's crash, not why the
// rank is slow: a straggler alert on a GPU whose kernel log held earlier fault injections of pids
// that had exited was answered illegal_memory_access 0.72, confirmed.

// The process an Xid report names ("NVRM: Xid (PCI:0000:00:06): 31, pid=745, name=fault_inject, ..."):
// pid -1 and name "" where it names none (an Xid 79, "pid='<unknown>'").
struct FaultProcess {
  long pid = -1;
  std::string name;
  bool named() const { return pid >= 0 || !name.empty(); }
};
FaultProcess XidProcessOf(std::string_view text);

// The start (startsAt, unix ms) of an alert whose words say a rank or the job runs slow now
// (symptom_prior's "straggler" or "slow_step": a straggler, a slow step, throughput down): the job
// was running then. INT64_MAX (none) for any other alert (an Xid alert, a failed or hung job) or none.
struct Alert;
int64_t RunningSlowSinceMs(const Alert* alert);

// What says the job ran on after a time: its progress lines, the start of an alert saying it runs
// slow (RunningSlowSinceMs), and its logs (the case's but the kernel's and the alert's own) that may
// tie a faulting process to it.
struct JobRunning {
  std::vector<StepMark> steps;
  int64_t slow_since_ms = std::numeric_limits<int64_t>::max();  // none
  std::vector<std::vector<std::string>> logs;
  LogClock clock;
};

// Whether the job's logs tie process `p`, faulting at `t`, to the job: a line that is not the
// kernel's own (no "Xid", no "NVRM") naming its pid ("pid 849", "pid=849", "(pid: 849)") or its name
// as a word (not "/usr/lib/python3.10/..."), or a log whose last timed line is within 1 min of `t`
// (the rank's log ends at the fault: its process died there).
bool FaultTiedToJob(const JobRunning& running, const FaultProcess& p, int64_t t);

// Whether a process fault at `t` was another process's, not the job's: the job's ranks stepped
// through it (SteppedThrough, PLC43), or it names its process (`p`), an alert saying the job runs slow
// began after it (the rank was alive after the fault that ended its process) and the logs do not tie
// the process to the job (FaultTiedToJob).
bool AnotherProcessFault(const JobRunning& running, const FaultProcess& p, int64_t t);

}  // namespace vigil
