#include "agents/job_logs.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <limits>
#include <string>
#include <vector>

#include "agents/alert_triage.h"
#include "agents/component_text.h"
#include "agents/log_time.h"
#include "connectors/slurm_finished_job.h"
#include "core/utf8.h"
#include "core/time_util.h"
#include "probes/program_runner.h"

namespace vigil {
namespace {

constexpr int64_t kZoneSlackMs = 14LL * 3600 * 1000;

std::string Bytes(uint64_t n) {
  char buf[48];
  const double d = static_cast<double>(n);
  if (n < 1024) {
    std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(n));
  } else if (n < (1u << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f KiB", d / 1024);
  } else if (n < (1u << 30)) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", d / (1024.0 * 1024));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f GiB", d / (1024.0 * 1024 * 1024));
  }
  return buf;
}

std::string Lines(size_t n) { return std::to_string(n) + (n == 1 ? " line" : " lines"); }

int YearOf(int64_t unix_ms) {
  const time_t secs = static_cast<time_t>(unix_ms / 1000);
  struct tm tm {};
  gmtime_r(&secs, &tm);
  return tm.tm_year + 1900;
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Which of `lines` lie in the window (see the header); the count left out in `*dropped`.
std::vector<bool> InWindow(const std::vector<std::string>& lines, const LogClock& clock, int64_t start_ms,
                           int64_t end_ms) {
  std::vector<int> verdict(lines.size(), -1);  // -1 no time, 0 out, 1 in
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!HoldsClockTime(lines[i])) continue;
    const LineTime t = ParseLineTime(lines[i], clock);
    if (t.ms == std::numeric_limits<int64_t>::max()) continue;
    const int64_t slack = t.zoned ? 0 : kZoneSlackMs;
    verdict[i] = (t.ms >= start_ms - slack && t.ms < end_ms + slack) ? 1 : 0;
  }
  std::vector<bool> keep(lines.size(), true);
  int last = -1;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (verdict[i] >= 0) last = verdict[i];
    if (last >= 0) keep[i] = last == 1;
  }
  // Leading lines without a time: as the first timed line.
  const auto first = std::find_if(verdict.begin(), verdict.end(), [](int v) { return v >= 0; });
  if (first != verdict.end()) {
    for (size_t i = 0; i < static_cast<size_t>(first - verdict.begin()); ++i) keep[i] = *first == 1;
  }
  return keep;
}

// Puts `reading` (job `id`, read through `label`) into `c`; the bytes read.
uint64_t AddJobReading(const std::string& label, const std::string& id, const std::string& described,
                       JobLogReading reading, int64_t anchor_ms, int64_t start_ms, int64_t end_ms, DiagnosisCase& c) {
  LogClock clock;
  clock.anchor_ms = anchor_ms;
  clock.year = anchor_ms > 0 ? YearOf(anchor_ms) : 1970;
  const bool windowed = start_ms > 0 && end_ms > start_ms;
  std::vector<std::string> used_sources;
  uint64_t bytes = 0;
  for (const JobLogFile& f : reading.files) {
    bytes += f.bytes_read;
    std::string source_name = "job/" + id + "/" + (f.stream.empty() ? BaseName(f.path) : f.stream);
    if (std::count(used_sources.begin(), used_sources.end(), source_name) > 0) source_name += " (" + f.path + ")";
    used_sources.push_back(source_name);
    std::vector<bool> keep(f.lines.size(), true);
    if (windowed) keep = InWindow(f.lines, clock, start_ms, end_ms);
    CaseLog log;
    log.source = source_name;
    for (size_t i = 0; i < f.lines.size(); ++i) {
      if (keep[i]) log.lines.push_back({log.lines.size() + 1, f.lines[i]});
    }
    log.original_lines = log.lines.size();
    const size_t left_out = f.lines.size() - log.lines.size();
    std::string note = "job log: " + id + " (label " + label + ", " + described + "): " + f.path +
                       (f.stream.empty() ? "" : " (" + f.stream + ")") + ": " + Lines(log.lines.size()) + " read as " + source_name + ", from " +
                       (f.whole ? "the whole file (" + Bytes(f.file_bytes) + ")"
                                : "its last " + Bytes(f.bytes_read) + " of " + Bytes(f.file_bytes));
    if (f.lines_in_read > f.lines.size()) {
      note += "; the last " + std::to_string(f.lines.size()) + " of its " + std::to_string(f.lines_in_read) +
              " lines there kept";
    }
    if (left_out > 0) {
      note += "; " + Lines(left_out) + " outside the alert's window " + FormatRfc3339Ms(start_ms) +
              " .. " + FormatRfc3339Ms(end_ms) + " left out";
    }
    if (f.bytes_replaced > 0) note += "; " + std::to_string(f.bytes_replaced) + " bytes not UTF-8 text replaced by U+FFFD";
    if (f.long_lines_cut > 0) note += "; " + Lines(f.long_lines_cut) + " over the line cap (" + std::to_string(JobLogLimits{}.max_line_bytes) + " bytes) cut";
    if (f.progress_lines > 0) note += "; " + Lines(f.progress_lines) + " of carriage-return updates (a progress bar) read in their last state";
    c.notes.push_back(std::move(note));
    if (!log.lines.empty()) c.logs.push_back(std::move(log));
  }
  for (std::string& n : reading.notes) c.notes.push_back(std::move(n));
  return bytes;
}

std::string NoJobIdNote(const std::string& what) {
  std::string keys;
  for (std::string_view k : kJobIdLabelKeys) keys += (keys.empty() ? "" : ", ") + std::string(k);
  return "job log: not read (" + what + ": no label " + keys + " holding digits)";
}

}  // namespace

void AddJobLogs(const Alert& alert, const JobLogSource& source, int64_t start_ms, int64_t end_ms, DiagnosisCase& c) {
  const auto [label, id] = JobIdLabelOfLabels(alert.labels);
  if (id.empty()) {
    c.notes.push_back(NoJobIdNote("the alert names no job id"));
    return;
  }
  JobLogRequest request;
  request.job_id = id;
  request.node = AlertNode(alert).second;
  AddJobReading(label, id, source.Describe(), source.Read(request), alert.starts_at_ms, start_ms, end_ms, c);
}

void AddStormJobLogs(const std::vector<Alert>& alerts, const JobLogSource& source, const StormJobLogWindow& window,
                     const StormJobLogLimits& limits, DiagnosisCase& c) {
  struct Job {
    std::string id, label, node;
    size_t alerts = 0, order = 0;
    int64_t earliest = 0, latest = 0;
  };
  std::vector<Job> jobs;
  size_t no_id = 0;
  for (const Alert& a : alerts) {
    const auto [label, id] = JobIdLabelOfLabels(a.labels);
    if (id.empty()) {
      ++no_id;
      continue;
    }
    auto it = std::find_if(jobs.begin(), jobs.end(), [&](const Job& j) { return j.id == id; });
    if (it == jobs.end()) {
      jobs.push_back(Job{id, label, AlertNode(a).second, 0, jobs.size(), a.starts_at_ms, a.starts_at_ms});
      it = jobs.end() - 1;
    }
    ++it->alerts;
    if (a.starts_at_ms > 0 && (it->earliest == 0 || a.starts_at_ms < it->earliest)) it->earliest = a.starts_at_ms;
    it->latest = std::max(it->latest, a.starts_at_ms);
  }
  if (jobs.empty()) {
    c.notes.push_back(NoJobIdNote("none of the storm's " + std::to_string(alerts.size()) + " alerts names a job id"));
    return;
  }
  // The first alert's job (the storm's earliest, its lead) first, then by alerts, then as met.
  std::stable_sort(jobs.begin() + 1, jobs.end(), [](const Job& x, const Job& y) { return x.alerts > y.alerts; });
  std::vector<const Job*> skipped;
  size_t read = 0;
  uint64_t bytes = 0;
  std::string stopped_by;
  for (const Job& j : jobs) {
    if (!stopped_by.empty() || read >= limits.max_jobs) {
      if (stopped_by.empty()) stopped_by = "at most " + std::to_string(limits.max_jobs) + " jobs a storm";
      skipped.push_back(&j);
      continue;
    }
    JobLogRequest request;
    request.job_id = j.id;
    request.node = j.node;
    const int64_t start = j.earliest > 0 ? std::max<int64_t>(1, j.earliest - window.lookback_ms) : 0;
    int64_t end = j.latest > 0 ? j.latest + window.after_ms : 0;
    if (window.now_ms > 0 && end > window.now_ms + 1) end = window.now_ms + 1;
    bytes += AddJobReading(j.label, j.id, source.Describe(), source.Read(request), j.earliest, start, end, c);
    ++read;
    if (bytes >= limits.max_bytes) stopped_by = "the storm's job log bytes reached " + Bytes(bytes) + " (at most " + Bytes(limits.max_bytes) + ")";
  }
  std::string note = "job log: the storm's alerts name " + std::to_string(jobs.size()) + (jobs.size() == 1 ? " job" : " jobs") +
                     ", each read once: " + std::to_string(read) + " read (" + Bytes(bytes) + ")";
  if (!skipped.empty()) {
    note += "; " + std::to_string(skipped.size()) + " not read (" + stopped_by + "; the earliest alert's job first, then the jobs with the most alerts):";
    for (size_t i = 0; i < skipped.size() && i < 10; ++i) {
      note += (i ? ", " : " ") + skipped[i]->id + " (" + std::to_string(skipped[i]->alerts) + (skipped[i]->alerts == 1 ? " alert)" : " alerts)");
    }
    if (skipped.size() > 10) note += " and " + std::to_string(skipped.size() - 10) + " more";
  }
  if (no_id > 0) note += "; " + std::to_string(no_id) + " of its alerts name no job id";
  c.notes.push_back(std::move(note));
}

Result<std::unique_ptr<JobLogSource>> MakeJobLogSource(const Config& config) {
  JobLogLimits limits;
  const int64_t lines = config.GetInt("job_log_max_lines");
  if (lines < 1 || lines > 100'000) {
    return InvalidArgumentError("job_log_max_lines: " + std::to_string(lines) + " is not a whole number from 1 to 100000 (" +
                                config.SourceOf("job_log_max_lines") + ")");
  }
  const int64_t bytes = config.GetInt("job_log_max_bytes");
  if (bytes < 1 || bytes > (int64_t{256} << 20)) {
    return InvalidArgumentError("job_log_max_bytes: " + std::to_string(bytes) +
                                " is not a whole number from 1 to 268435456 (256 MiB) (" +
                                config.SourceOf("job_log_max_bytes") + ")");
  }
  limits.max_lines = static_cast<size_t>(lines);
  limits.max_bytes = static_cast<size_t>(bytes);
  const std::string& path = config.GetString("job_log_path");
  if (!path.empty()) {
    if (Status s = CheckJobLogTemplate(path); !s.ok()) {
      return InvalidArgumentError(s.message() + " (" + config.SourceOf("job_log_path") + ")");
    }
    return std::unique_ptr<JobLogSource>(std::make_unique<PathJobLogSource>(path, limits));
  }
  if (!config.GetBool("job_log_slurm")) return std::unique_ptr<JobLogSource>();
  ProgramRunner run = SubprocessProgramRunner();
  const std::string& output = config.GetString("job_log_slurm_output");
  if (output.empty() || output.size() > 4096 || output.find('\n') != std::string::npos) {
    return InvalidArgumentError("job_log_slurm_output: `" + Utf8Prefix(output, 64) +
                                "` is not a Slurm filename pattern (one line of 1 to 4096 bytes, e.g. slurm-%j.out) (" +
                                config.SourceOf("job_log_slurm_output") + ")");
  }
  return std::unique_ptr<JobLogSource>(std::make_unique<FinishedSlurmJobLogSource>(
      std::make_unique<SlurmJobLogSource>(run, limits), run, limits, output));
}

}  // namespace vigil
