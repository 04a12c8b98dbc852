// A finished job's log after `scontrol` forgot it (LOGC2): slurmctld lists a job only until
// MinJobAge (300 s by default) after it ended, and the page for a failed job is often read later.
// FinishedSlurmJobLogSource wraps the Slurm source (SlurmJobLogSource): when that one says the job
// is unknown (JobLogReading::job_unknown), it asks, in this order,
//   1. `sacct -j <id> -X -n -P --format=JobID,JobIDRaw,JobName,User,WorkDir,NodeList,State,End,
//      StdOut,StdErr` (the accounting database, slurmdbd). Slurm before 23.02 (Debian 12 ships
//      22.05) has no StdOut / StdErr fields ("Invalid field requested"): asked again without them;
//   2. when accounting is off ("Slurm accounting storage is disabled"), the same with `-c`: the job
//      completion log (`JobCompType=jobcomp/filetxt`, which needs no database; sacct reads its file
//      where vigil runs), which holds the job's name, user, WorkDir and nodes but no StdOut;
//   3. the job's output file: sacct's StdOut / StdErr when it names them (Slurm's filename pattern
//      expanded, a relative path under WorkDir), else the cluster's output pattern (the setting
//      `job_log_slurm_output`, sbatch's default `slurm-%j.out`, for an array task sbatch's
//      `slurm-%A_%a.out`) expanded from sacct's fields, a relative one under the job's WorkDir;
//   4. sacct missing, failing or not knowing the job: the output pattern alone, when it is absolute
//      and names only the job id (`/shared/logs/%j.out`); else nothing is read.
// Every step taken is a "job log: ..." note (what was asked, what answered, which path was read and
// why), so an engineer sees a file guessed from a pattern as such. Never an error.
// Thread safety: immutable; Read may be called concurrently when the runner allows.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/job_log_source.h"

namespace vigil {

// The row of `sacct -n -P` output (fields in `format` order, `|` between them) for job `id`: the
// row whose JobID or JobIDRaw is `id`, the last one when several are (a requeued job in a job
// completion log); with the fields in scontrol's names (JobId, JobName, UserId, WorkDir, NodeList,
// BatchHost = NodeList's first node when it is one name, JobState, EndTime, StdOut, StdErr; an
// array task's row `7_3`: JobId its own job id (JobIDRaw), ArrayJobId 7, ArrayTaskId 3, as scontrol).
// Empty when no row is the job's. A row with another number of fields than `format` is skipped
// (RV10: one with more, a `|` in its job name, was read shifted: the name's end as User, the user as
// WorkDir), and counted in `*misaligned` when given. `delimiter`: what separates the fields.
std::map<std::string, std::string> ParseSacctJob(std::string_view text, const std::vector<std::string>& format,
                                                 std::string_view id, std::string_view delimiter = "|",
                                                 size_t* misaligned = nullptr);

// What vigil asks sacct to put between fields (`--delimiter`, with -P): ASCII's unit separator, which
// no job name, path or user holds in practice (a `|` does: a job named `sweep|lr=3e-4`). A row that
// holds it in a field has a field too many and is refused (ParseSacctJob), not read shifted.
inline constexpr std::string_view kSacctDelimiter = "\x1f";

class FinishedSlurmJobLogSource : public JobLogSource {
 public:
  // `slurm` is asked first (its Describe is this one's). `output_pattern` is job_log_slurm_output.
  FinishedSlurmJobLogSource(std::unique_ptr<JobLogSource> slurm, ProgramRunner run, JobLogLimits limits,
                            std::string output_pattern, std::string sacct = "sacct", double timeout_s = 10.0);
  JobLogReading Read(const JobLogRequest& request) const override;
  std::string Describe() const override;

 private:
  // Runs sacct (see the file comment); the job's fields, or {} with the reason in `r.notes`.
  std::map<std::string, std::string> AskSacct(const std::string& id, JobLogReading& r) const;

  std::unique_ptr<JobLogSource> slurm_;
  ProgramRunner run_;
  JobLogLimits limits_;
  std::string pattern_;
  std::string sacct_;
  double timeout_s_;
};

}  // namespace vigil
