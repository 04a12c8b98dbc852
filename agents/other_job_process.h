// A faulting process the case ties to another job (PLC51, 2026-12-07; realistic46 rl46-09). An Xid 13
// / 31 / 43 names the process it ended ("NVRM: Xid (PCI:0000:52:00): 13, pid=90211, name=pytest, ..."),
// and a line of the node may say whose it was: "python3[90211]: kernel test_scatter_oob finished (user
// test job 88390 by dkr, expected failure)". Where the job of the incident is another (the case's
// "slurm-88411.out", "srun: job 88411 ...", scontrol's JobId=, SLURM_JOB_ID=, the alert's
// slurm_job_id / jobid / job_id label), that fault ended another job's process and is no cause of
// this job's trouble (rl46-09: a user's negative test 12 h before, its Xid alert still firing from a
// 24 h max_over_time, answered illegal_memory_access 0.93 over a failed gpu.sdc vote on another GPU).
// Pure functions, thread safe.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace vigil {

// The job ids the case names as its own: the jobs its log sources name (SlurmJobIdOfSource,
// rendezvous_host.h: "slurm-N.out", "slurm-N_M.out", rotated "slurm-N.out.1"), its lines name
// (SlurmJobIdOfLine: "srun: job N", "JobId=N", "SLURM_JOB_ID=N" / "SLURM_JOBID=N", "scontrol show job
// N"), and the alert labels slurm_job_id / jobid / job_id (numeric), each once, in order. Sources over
// 300 bytes, lines over 2,000 bytes and lines past the first 20,000 are not read.
std::vector<std::string> CaseJobIds(const std::vector<std::string>& sources, const std::vector<std::string>& lines,
                                    const std::map<std::string, std::string>& alert_labels);

// Whether a line of `lines` that is no Xid report itself names process `pid` ("name[PID]", "pid
// PID", "pid=PID", "(pid: PID)") and a job by number ("job 88390", "job_id=88390", "JobId=88390")
// that is none of `job_ids`. False when `job_ids` is empty or pid < 0.
bool ProcessOfAnotherJob(const std::vector<std::string>& lines, long pid, const std::vector<std::string>& job_ids);

}  // namespace vigil
