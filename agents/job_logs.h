// The alert's job log in a live triage case (LOGC): the job the alert names (the digits of its
// slurm_job_id, slurm_jobid, jobid, job_id, hpc_job, job or exported_job label: agents/component_text.h
// JobIdLabelOfLabels, the list the chat and incident search read) has its log tail read from a
// JobLogSource and put into the case as logs `job/<id>/<stream or file name>`, which the reasoner
// reads exactly as a case file's logs (signatures, placement by what each line names, evidence).
//
// Only lines inside the triage window are kept when their time can be read (agents/log_time.h
// ParseLineTime): a line printed with a zone outside [start_ms, end_ms) is left out; one printed
// without a zone (a local time read as UTC, off by -12 h .. +14 h) only outside [start_ms - 14 h,
// end_ms + 14 h); a line without a time goes with the timed line before it (a traceback with its
// header), lines before the first timed line with that one; a file with no timed line is kept whole.
// The case's notes (Diagnosis::unverified) say per file what was read (lines, bytes of the file's
// size, lines left out by the window, bytes replaced, lines cut) or why nothing was.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "agents/case.h"
#include "connectors/job_log_source.h"
#include "core/config.h"
#include "core/domain.h"
#include "core/status.h"

namespace vigil {

// Reads the job log of `alert` from `source` into `c` (logs and notes). An alert naming no job gets
// one note saying which labels were looked for. Never an error.
void AddJobLogs(const Alert& alert, const JobLogSource& source, int64_t start_ms, int64_t end_ms, DiagnosisCase& c);

// A storm's job logs (LOGC2; server/storm_triage.h): each distinct job its `alerts` name (as
// AddJobLogs reads one alert's) is read once, in this order: the first alert's job (the storm's
// lead: the incident's earliest), then the jobs with the most alerts, then as met; each job's lines
// kept in the window of its own alerts [earliest startsAt - lookback_ms, latest startsAt + after_ms)
// (clipped to now_ms + 1 when > 0); at most `max_jobs` jobs, and no job after the files read reach
// `max_bytes` in all. One note says how many jobs were named, read and not read (the first ten of
// those by id, with their alert counts) and how many alerts name no job; each job's own notes as
// AddJobLogs'. Logs are named `job/<id>/...`, so each line is cited under its own job.
struct StormJobLogWindow {
  int64_t lookback_ms = 30 * 60 * 1000;
  int64_t after_ms = 5 * 60 * 1000;
  int64_t now_ms = 0;
};
struct StormJobLogLimits {
  size_t max_jobs = 8;
  uint64_t max_bytes = uint64_t{8} << 20;  // 8 MiB: eight jobs' 1 MiB tails
};
void AddStormJobLogs(const std::vector<Alert>& alerts, const JobLogSource& source, const StormJobLogWindow& window,
                     const StormJobLogLimits& limits, DiagnosisCase& c);

// The job log source the settings choose: `job_log_path` (a template, PathJobLogSource) when set,
// else Slurm (SlurmJobLogSource over `scontrol`, run by probes/subprocess.h with a 10 s limit; a job
// scontrol no longer lists through sacct and `job_log_slurm_output`: connectors/slurm_finished_job.h)
// when `job_log_slurm` is true, else none (nullptr). Limits: `job_log_max_lines` (1..100000),
// `job_log_max_bytes` (1..268435456). InvalidArgument naming the setting for a bad value.
Result<std::unique_ptr<JobLogSource>> MakeJobLogSource(const Config& config);

}  // namespace vigil
