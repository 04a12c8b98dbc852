#include "connectors/slurm_finished_job.h"

#include <utility>

#include "core/strings.h"
#include "core/utf8.h"

namespace vigil {
namespace {

const std::vector<std::string> kBaseFields = {"JobID", "JobIDRaw", "JobName", "User", "WorkDir", "NodeList", "State", "End"};

std::vector<std::string> Split(std::string_view line, std::string_view sep) {
  std::vector<std::string> out;
  while (true) {
    const size_t at = line.find(sep);
    out.emplace_back(line.substr(0, at));
    if (at == std::string_view::npos) break;
    line.remove_prefix(at + sep.size());
  }
  return out;
}

std::string FirstLine(const std::string& s) { return Utf8Prefix(s.substr(0, s.find('\n')), 300); }

}  // namespace

std::map<std::string, std::string> ParseSacctJob(std::string_view text, const std::vector<std::string>& format,
                                                 std::string_view id, std::string_view delimiter, size_t* misaligned) {
  static const std::map<std::string, std::string> kScontrolName = {
      {"JobID", "JobId"},   {"JobIDRaw", "JobIdRaw"}, {"JobName", "JobName"}, {"User", "UserId"},
      {"WorkDir", "WorkDir"}, {"NodeList", "NodeList"}, {"State", "JobState"}, {"End", "EndTime"},
      {"StdOut", "StdOut"}, {"StdErr", "StdErr"}};
  std::map<std::string, std::string> found;
  for (std::string_view line : Split(text, "\n")) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    std::vector<std::string> cells = Split(line, delimiter.empty() ? std::string_view("|") : delimiter);
    if (cells.size() != format.size()) {
      if (misaligned != nullptr && cells.size() > format.size()) ++*misaligned;
      continue;
    }
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < format.size(); ++i) {
      auto it = kScontrolName.find(format[i]);
      row[it == kScontrolName.end() ? format[i] : it->second] = cells[i];
    }
    if (row["JobId"] != id && row["JobIdRaw"] != id) continue;
    found = std::move(row);  // the last row of the job: a requeued job's latest run
  }
  if (found.empty()) return found;
  // RV8: an array task's row has JobID `7_3` (the array's id, the task's index) and JobIDRaw the
  // task's own job id, which scontrol calls JobId and sbatch's %j is; %A / %a need ArrayJobId /
  // ArrayTaskId as scontrol names them. Before, %j gave `7_3` and %a was left unexpanded: an array
  // task's StdOut `%A_%a.out` or a pattern `%x-%j.out` was never found.
  const std::string column = found["JobId"];
  if (const size_t us = column.find('_'); us != std::string::npos && IsSlurmJobId(column)) {
    found["ArrayJobId"] = column.substr(0, us);
    found["ArrayTaskId"] = column.substr(us + 1);
    const std::string& raw = found["JobIdRaw"];
    const bool raw_id = !raw.empty() && raw.find_first_not_of("0123456789") == std::string::npos;
    found["JobId"] = raw_id ? raw : std::string(id);
  } else if (column != id) {
    found["JobId"] = std::string(id);
  }
  const std::string& nodes = found["NodeList"];
  if (!nodes.empty() && nodes.find_first_of("[,") == std::string::npos && nodes != "None assigned") {
    found["BatchHost"] = nodes;
  }
  for (auto it = found.begin(); it != found.end();) it = it->second.empty() ? found.erase(it) : std::next(it);
  return found;
}

namespace {
// The output pattern for a job: `pattern`, but sbatch's default `slurm-%j.out` is `slurm-%A_%a.out`
// for an array task (sbatch's own rule; RV8: with %j the task's own id, the default named a file
// sbatch never writes).
std::string OutputPatternFor(const std::string& pattern, const std::map<std::string, std::string>& fields) {
  return pattern == "slurm-%j.out" && fields.count("ArrayTaskId") ? "slurm-%A_%a.out" : pattern;
}
}  // namespace

FinishedSlurmJobLogSource::FinishedSlurmJobLogSource(std::unique_ptr<JobLogSource> slurm, ProgramRunner run,
                                                     JobLogLimits limits, std::string output_pattern, std::string sacct,
                                                     double timeout_s)
    : slurm_(std::move(slurm)),
      run_(std::move(run)),
      limits_(limits),
      pattern_(std::move(output_pattern)),
      sacct_(std::move(sacct)),
      timeout_s_(timeout_s) {}

std::string FinishedSlurmJobLogSource::Describe() const { return slurm_->Describe(); }

std::map<std::string, std::string> FinishedSlurmJobLogSource::AskSacct(const std::string& id, JobLogReading& r) const {
  const std::string job = "job log: slurm job " + id;
  std::vector<std::string> format = kBaseFields;
  format.push_back("StdOut");
  format.push_back("StdErr");
  bool completion = false;
  std::vector<std::string> said;  // what each try answered, for the note
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::vector<std::string> argv = {sacct_};
    if (completion) argv.push_back("-c");
    argv.insert(argv.end(), {"-j", id, "-X", "-n", "-P", "--delimiter=" + std::string(kSacctDelimiter)});
    argv.push_back("--format=" + JoinStrings(format, ","));
    // As a shell would take it: the delimiter, a control character, written $'\x1f'.
    std::string asked = JoinStrings(argv, " ");
    for (size_t at = asked.find(kSacctDelimiter); at != std::string::npos; at = asked.find(kSacctDelimiter, at)) {
      asked.replace(at, kSacctDelimiter.size(), "$'\\x1f'");
    }
    Result<CommandOutput> ran = run_(argv, timeout_s_);
    if (!ran.ok()) {
      r.notes.push_back(job + ": " + sacct_ + " could not be run (" + ran.status().message() +
                        (ran.status().code() == StatusCode::kNotFound ? "; sacct is not installed where vigil runs" : "") +
                        ")");
      return {};
    }
    const std::string text = ran->err.empty() ? ran->out : ran->err;
    if (ran->exit_code == 0) {
      size_t misaligned = 0;
      std::map<std::string, std::string> fields = ParseSacctJob(ran->out, format, id, kSacctDelimiter, &misaligned);
      const std::string where = completion ? "the job completion log (sacct -c)" : "the accounting database (sacct)";
      if (fields.empty() && misaligned > 0) {
        r.notes.push_back(job + ": " + where + " answered " + std::to_string(misaligned) +
                          " row(s) with more fields than the " + std::to_string(format.size()) +
                          " asked (a field holding sacct's delimiter): not read");
        return {};
      }
      if (fields.empty()) {
        r.notes.push_back(job + ": " + where + " does not know it either (`" + asked + "` answered " +
                          (ran->out.empty() ? std::string("nothing") : "no row of it: " + FirstLine(ran->out)) + ")");
        return {};
      }
      std::string note = job + ": read from " + where + ": " + fields["JobName"] + ", " +
                         (fields.count("JobState") ? fields["JobState"] : "state unknown");
      if (fields.count("EndTime")) note += ", ended " + fields["EndTime"];
      if (fields.count("WorkDir")) note += ", WorkDir " + fields["WorkDir"];
      if (fields.count("NodeList")) note += ", nodes " + fields["NodeList"];
      for (const std::string& s : said) note += "; " + s;
      r.notes.push_back(std::move(note));
      return fields;
    }
    if (text.find("Invalid field requested") != std::string::npos && format.size() > kBaseFields.size()) {
      format = kBaseFields;  // Slurm before 23.02: no StdOut / StdErr in accounting
      said.push_back("this sacct has no StdOut / StdErr fields (Slurm before 23.02)");
      continue;
    }
    if (text.find("accounting storage is disabled") != std::string::npos && !completion) {
      completion = true;
      said.push_back("accounting storage is disabled (no slurmdbd)");
      continue;
    }
    std::string why = FirstLine(text);
    if (why.empty()) why = ran->end;
    if (text.find("job completion is disabled") != std::string::npos) {
      why += ": neither accounting (slurmdbd) nor a job completion log (JobCompType=jobcomp/filetxt) is configured";
    }
    r.notes.push_back(job + ": `" + asked + "` failed (" + ran->end + ": " + why + ")");
    return {};
  }
  return {};
}

JobLogReading FinishedSlurmJobLogSource::Read(const JobLogRequest& request) const {
  JobLogReading r = slurm_->Read(request);
  if (!r.job_unknown) return r;
  const std::string& id = request.job_id;
  const std::string job = "job log: slurm job " + id;
  std::map<std::string, std::string> fields = AskSacct(id, r);
  std::vector<std::pair<std::string, std::string>> streams;  // stream, path as given
  std::string how;
  if (!fields.empty()) {
    streams = JobOutputStreams(fields.count("StdOut") ? fields["StdOut"] : "", fields.count("StdErr") ? fields["StdErr"] : "");
    if (streams.empty()) {
      const std::string pattern = OutputPatternFor(pattern_, fields);
      streams.emplace_back("", pattern);
      how = "sacct names no StdOut: the output pattern job_log_slurm_output `" + pattern_ + "`" +
            (pattern != pattern_ ? " (`" + pattern + "` for an array task, as sbatch)" : "") + " expanded from sacct's fields";
    }
  } else {
    fields["JobId"] = id;
    if (const size_t us = id.find('_'); us != std::string::npos) {
      fields["ArrayJobId"] = id.substr(0, us);
      fields["ArrayTaskId"] = id.substr(us + 1);
    }
    const std::string pattern = OutputPatternFor(pattern_, fields);
    streams.emplace_back("", pattern);
    how = "no job fields from sacct: the output pattern job_log_slurm_output `" + pattern_ + "`" +
          (pattern != pattern_ ? " (`" + pattern + "` for an array task, as sbatch)" : "") + " with the job id alone";
  }
  for (auto& [stream, given] : streams) {
    std::vector<std::string> unknown;
    std::string path = ExpandSlurmFilename(given, fields, &unknown);
    if (!path.empty() && path[0] != '/') {
      if (!fields.count("WorkDir")) {
        r.notes.push_back(job + ": not read: " + how + " gives the relative path " + path +
                          ", and the job's WorkDir is unknown (set job_log_slurm_output to an absolute pattern, e.g. "
                          "/shared/logs/%x-%j.out)");
        continue;
      }
      path = fields["WorkDir"] + "/" + path;
    }
    if (!unknown.empty()) {
      r.notes.push_back(job + ": not read: " + how + " leaves " + JoinStrings(unknown, " ") + " unexpanded in " + path);
      continue;
    }
    Result<JobLogFile> f = ReadLogTail(path, limits_);
    if (!f.ok()) {
      r.notes.push_back(job + ": " + (how.empty() ? "sacct's " + std::string(stream == "stderr" ? "StdErr " : "StdOut ") : how + ": ") +
                        f.status().message() + ": not read");
      continue;
    }
    r.notes.push_back(job + ": " + path + " read after scontrol forgot the job (" +
                      (how.empty() ? "sacct's " + std::string(stream == "stderr" ? "StdErr" : "StdOut") : how) + ")");
    f->stream = stream;
    r.files.push_back(std::move(*f));
  }
  return r;
}

}  // namespace vigil
