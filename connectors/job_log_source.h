// A training job's own log, for live alert triage (LOGC): the tail of the files the job writes its
// output to, read where Vigil runs (a shared file system: Slurm's StdOut / StdErr, a cluster's log
// folder).
//
// Two sources behind one interface (JobLogSource):
//   - Slurm (SlurmJobLogSource): `scontrol show job -o <id>` names the job's `StdOut` / `StdErr`
//     (one file when they are the same); what scontrol left unexpanded of Slurm's filename pattern is
//     expanded here as sbatch does (ExpandSlurmFilename: %j %J %A %a %x %u %N %n %t %s %b %%, a
//     zero-padding width "%4j", `\\` turning expansion off); a relative path is under `WorkDir`.
//     The command is slurm_job.h's ShowSlurmJob (the one run and parse, shared with the job's
//     node list), through a ProgramRunner handed in (connectors/ runs no process itself: the real
//     one is probes/program_runner.h's, which agents/job_logs.h's MakeJobLogSource hands in).
//   - A path template (PathJobLogSource): `/var/log/jobs/{job}/*.log` with `{job}` (and `{node}`, the
//     alert's node) replaced and glob(3) patterns allowed; at most `max_files` files, in name order.
// Reading (ReadLogTail) takes only the tail of each file: its last `max_bytes` bytes (1 MiB by
// default), of those the last `max_lines` lines (2,000); a line over `max_line_bytes` (4,096) is cut;
// bytes that are not UTF-8 and control bytes (NUL, ESC, ...; not TAB) become U+FFFD; a line that was
// cut at the start of the read bytes is dropped, unless it is the file's last line (longer than the
// bytes read): then its end, at most max_line_bytes, is kept as "[cut] <end>". A 2 GB file costs one 1 MiB read. Files that are not
// regular (a FIFO, /dev/null, a directory) are not read; opening never follows a symlink loop
// (ELOOP, said) nor blocks on a FIFO (O_NONBLOCK).
// Errors are never thrown: a source's Read answers what it read and, in `notes`, each file or step
// that failed and why (no such job, Slurm unreachable, no such file, permission denied, ...).
// Thread safety: the sources are immutable; Read may be called concurrently when the runner allows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connectors/slurm_job.h"
#include "core/status.h"
#include "core/time_series.h"

namespace vigil {

struct JobLogLimits {
  size_t max_bytes = 1u << 20;   // the last bytes read of each file
  size_t max_lines = 2'000;      // of those, the last lines kept
  size_t max_line_bytes = 4'096; // a longer line is cut to this (plus " [cut]")
  size_t max_files = 16;         // files read of one job (a template's glob, in name order)
};

// One file's tail.
struct JobLogFile {
  std::string path;
  std::string stream;              // "stdout", "stderr", "stdout+stderr"; "" for a template's files
  std::vector<std::string> lines;  // oldest first
  uint64_t file_bytes = 0;         // the file's size
  uint64_t bytes_read = 0;         // from its end
  size_t lines_in_read = 0;        // whole lines in the bytes read (before the max_lines cut)
  size_t long_lines_cut = 0;
  size_t bytes_replaced = 0;       // non-UTF-8 or control bytes made U+FFFD
  size_t progress_lines = 0;       // lines of `\r` updates (a progress bar) read in their last state (RV10)
  bool whole = false;              // the file was read from its first byte
};

// Reads the tail of `path` (see the header comment). NotFound (no such file), FailedPrecondition
// ("permission denied", "a symlink loop", "not a regular file: a character device" - /dev/null -,
// "a directory", "a FIFO"), Internal for other I/O errors; each message names the path.
Result<JobLogFile> ReadLogTail(const std::string& path, const JobLogLimits& limits);

// What one source read for one job.
struct JobLogRequest {
  std::string job_id;  // as the alert names it
  std::string node;    // the alert's node ("" when it names none): a template's {node}
};
struct JobLogReading {
  std::vector<JobLogFile> files;
  std::vector<std::string> notes;  // "job log: ..." lines: what was not read, and why
  bool job_unknown = false;        // Slurm no longer (or never) lists the job (connectors/slurm_finished_job.h)
};

class JobLogSource {
 public:
  virtual ~JobLogSource() = default;
  virtual JobLogReading Read(const JobLogRequest& request) const = 0;  // never an error: see notes
  virtual std::string Describe() const = 0;  // "slurm (scontrol)", "path /var/log/jobs/{job}/*.log"
};


// A Slurm filename pattern expanded from the job's fields (ParseScontrolJob) as sbatch expands it:
// %% %, %A the array's master job id (else the job id), %a the array task id, %b that modulo 10, %j
// the job id, %J job id.step ("<id>.batch"), %N the batch host's short name, %n and %t 0 (the batch
// step's node and task), %s "batch", %u the user name, %x the job name; "%4j" pads with zeros to 4.
// A pattern holding "\\" is not expanded (sbatch's rule). Letters it does not know, and fields the job
// does not have, are left as written and named in `*unknown` (when given).
std::string ExpandSlurmFilename(std::string_view pattern, const std::map<std::string, std::string>& job,
                                std::vector<std::string>* unknown = nullptr);

// A job's output files as Slurm names them, (stream, path as given): one "stdout+stderr" when StdOut
// and StdErr are the same file, else "stdout" and "stderr" for each that is set; none when neither is.
std::vector<std::pair<std::string, std::string>> JobOutputStreams(const std::string& std_out, const std::string& std_err);


class SlurmJobLogSource : public JobLogSource {
 public:
  SlurmJobLogSource(ProgramRunner run, JobLogLimits limits, std::string scontrol = "scontrol",
                    double timeout_s = 10.0);
  JobLogReading Read(const JobLogRequest& request) const override;
  std::string Describe() const override;

 private:
  ProgramRunner run_;
  JobLogLimits limits_;
  std::string scontrol_;
  double timeout_s_;
};

// InvalidArgument unless `path_template` is absolute and names `{job}`; `{node}` is the only other
// placeholder.
Status CheckJobLogTemplate(std::string_view path_template);

class PathJobLogSource : public JobLogSource {
 public:
  // The template must pass CheckJobLogTemplate (checked by the caller, e.g. MakeJobLogSource).
  PathJobLogSource(std::string path_template, JobLogLimits limits);
  JobLogReading Read(const JobLogRequest& request) const override;
  std::string Describe() const override;

 private:
  std::string template_;
  JobLogLimits limits_;
};

}  // namespace vigil
