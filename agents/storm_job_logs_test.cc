// A storm's job logs (LOGC2): AddStormJobLogs with a fake JobLogSource answering per job: each
// distinct job read once, its lines under job/<id>/..., the jobs and bytes capped, every skip said.
// server/storm_job_logs_test.cc triages storms with it; tests/diagnose_alert_job_log_test.sh with a
// real Slurm.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "agents/job_logs.h"

namespace vigil {
namespace {

constexpr int64_t kT0 = 1'764'900'000'000;  // 2025-12-05T02:00:00Z

// Answers each job from its own table entry; counts the reads per job.
class PerJobLogs : public JobLogSource {
 public:
  std::map<std::string, std::vector<std::string>> lines;  // job -> its log
  uint64_t file_bytes = 0;                                // each file's size (0: its lines' bytes)
  mutable std::map<std::string, int> reads;
  JobLogReading Read(const JobLogRequest& q) const override {
    ++reads[q.job_id];
    JobLogReading r;
    auto it = lines.find(q.job_id);
    if (it == lines.end()) {
      r.notes.push_back("job log: slurm job " + q.job_id + " not read: the job is unknown to Slurm");
      return r;
    }
    JobLogFile f;
    f.path = "/shared/slurm-" + q.job_id + ".out";
    f.stream = "stdout";
    f.lines = it->second;
    f.lines_in_read = f.lines.size();
    for (const auto& l : f.lines) f.file_bytes += l.size() + 1;
    if (file_bytes > 0) f.file_bytes = file_bytes;
    f.bytes_read = f.file_bytes;
    f.whole = true;
    r.files.push_back(std::move(f));
    return r;
  }
  std::string Describe() const override { return "fake"; }
};

Alert JobAlert(const std::string& fp, const std::string& job, const std::string& node, int64_t at = kT0) {
  Alert a;
  a.rule = "NcclTimeout";
  a.fingerprint = fp;
  a.labels = {{"alertname", "NcclTimeout"}, {"node", node}};
  if (!job.empty()) a.labels["slurm_job_id"] = job;
  a.state = AlertState::kFiring;
  a.starts_at_ms = at;
  return a;
}

std::string Notes(const DiagnosisCase& c) {
  std::string s;
  for (const std::string& n : c.notes) s += n + "\n";
  return s;
}

TEST_CASE("storm job logs: 40 alerts of one job and 3 of another: each job read once, its lines under its own id") {
  PerJobLogs src;
  src.lines["1001"] = {"[2025-12-05 01:55:00] [rank3]: torch.OutOfMemoryError: CUDA out of memory."};
  src.lines["1002"] = {"[2025-12-05 01:58:00] NCCL WARN Net : Connection closed by remote peer",
                       "[2025-12-04 01:00:00] a day before: outside the alerts' window"};
  std::vector<Alert> alerts;
  for (int i = 0; i < 40; ++i) alerts.push_back(JobAlert("a" + std::to_string(i), "1001", "gpu-" + std::to_string(i % 8)));
  for (int i = 0; i < 3; ++i) alerts.push_back(JobAlert("b" + std::to_string(i), "1002", "cpu-1", kT0 + 60'000));
  alerts.push_back(JobAlert("c", "", "gpu-0"));
  DiagnosisCase c;
  AddStormJobLogs(alerts, src, StormJobLogWindow{}, StormJobLogLimits{}, c);
  CHECK(src.reads == std::map<std::string, int>{{"1001", 1}, {"1002", 1}});
  REQUIRE(c.logs.size() == 2);
  CHECK(c.logs[0].source == "job/1001/stdout");
  CHECK(c.logs[0].lines.at(0).text.find("OutOfMemoryError") != std::string::npos);
  CHECK(c.logs[1].source == "job/1002/stdout");
  REQUIRE(c.logs[1].lines.size() == 1);  // the day-old line is outside its own alerts' window
  CHECK(c.logs[1].lines[0].text.find("NCCL WARN") != std::string::npos);
  const std::string notes = Notes(c);
  CAPTURE(notes);
  CHECK(notes.find("job log: 1001 (label slurm_job_id, fake): /shared/slurm-1001.out (stdout): 1 line read as job/1001/stdout") !=
        std::string::npos);
  CHECK(notes.find("job log: the storm's alerts name 2 jobs, each read once: 2 read (") != std::string::npos);
  CHECK(notes.find("; 1 of its alerts name no job id") != std::string::npos);
  CHECK(notes.find("not read (") == std::string::npos);
}

TEST_CASE("storm job logs: 500 alerts of 300 jobs: at most 8 jobs, the lead's first, then by alerts; skips said") {
  PerJobLogs src;
  std::vector<Alert> alerts;
  // The lead (earliest) names job 5000 once; job 5299 has 40 alerts, 5298 has 30, the rest 1 or 2.
  alerts.push_back(JobAlert("lead", "5000", "n0", kT0 - 60'000));
  for (int j = 1; j < 300; ++j) src.lines[std::to_string(5000 + j)] = {"line of job " + std::to_string(5000 + j)};
  src.lines["5000"] = {"line of job 5000"};
  int fp = 0;
  auto add = [&](int job, int n) {
    for (int i = 0; i < n; ++i) alerts.push_back(JobAlert("f" + std::to_string(fp++), std::to_string(job), "n1"));
  };
  add(5299, 40);
  add(5298, 30);
  for (int j = 1; j < 298; ++j) add(5000 + j, 1);
  for (int j = 1; j <= 132; ++j) add(5000 + j, 1);  // a second alert: 500 in all
  REQUIRE(alerts.size() == 500);
  DiagnosisCase c;
  AddStormJobLogs(alerts, src, StormJobLogWindow{}, StormJobLogLimits{}, c);
  CHECK(src.reads.size() == 8);
  CHECK(src.reads.count("5000") == 1);  // the lead's job, though it has one alert
  CHECK(src.reads.count("5299") == 1);
  CHECK(src.reads.count("5298") == 1);
  CHECK(c.logs.size() == 8);
  const std::string notes = Notes(c);
  CAPTURE(notes);
  CHECK(notes.find("job log: the storm's alerts name 300 jobs, each read once: 8 read (") != std::string::npos);
  CHECK(notes.find("; 292 not read (at most 8 jobs a storm; the earliest alert's job first, then the jobs with the most "
                   "alerts):") != std::string::npos);
  CHECK(notes.find(" and 282 more") != std::string::npos);
  // The byte cap: 3 MiB files, 8 MiB in all: the third job's read reaches it, no fourth.
  PerJobLogs big = src;
  big.reads.clear();
  big.file_bytes = 3u << 20;
  DiagnosisCase b;
  AddStormJobLogs(alerts, big, StormJobLogWindow{}, StormJobLogLimits{}, b);
  CHECK(big.reads.size() == 3);
  CHECK(Notes(b).find("297 not read (the storm's job log bytes reached 9.0 MiB (at most 8.0 MiB)") != std::string::npos);
}

TEST_CASE("storm job logs: no alert names a job; a job unknown to the source") {
  PerJobLogs src;
  DiagnosisCase c;
  AddStormJobLogs({JobAlert("a", "", "n1"), JobAlert("b", "", "n2")}, src, StormJobLogWindow{}, StormJobLogLimits{}, c);
  CHECK(src.reads.empty());
  REQUIRE(c.notes.size() == 1);
  CHECK(c.notes[0].rfind("job log: not read (none of the storm's 2 alerts names a job id: no label slurm_job_id", 0) == 0);
  DiagnosisCase u;
  AddStormJobLogs({JobAlert("a", "77", "n1"), JobAlert("b", "77", "n2")}, src, StormJobLogWindow{}, StormJobLogLimits{}, u);
  CHECK(u.logs.empty());
  CHECK(Notes(u).find("job log: slurm job 77 not read: the job is unknown to Slurm") != std::string::npos);
  CHECK(Notes(u).find("the storm's alerts name 1 job, each read once: 1 read (0 bytes)") != std::string::npos);
}

}  // namespace
}  // namespace vigil
