// The alert's job log in live triage (LOGC): AddJobLogs with a fake JobLogSource (what is read, the
// alert's window, the notes), and TriageAlert with the shipped pack reading a job's log whose lines
// decide the answer. tests/diagnose_alert_job_log_test.sh runs it against a real Slurm.
#include "agents/job_logs.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/alert_triage.h"
#include "agents/diagnosis_testing.h"
#include "core/time_util.h"

namespace vigil {
namespace {

constexpr int64_t kStart = 1'764'900'000'000;  // 2025-12-05T02:00:00Z

class FakeJobLogs : public JobLogSource {
 public:
  JobLogReading answer;
  mutable std::vector<JobLogRequest> asked;
  JobLogReading Read(const JobLogRequest& r) const override {
    asked.push_back(r);
    return answer;
  }
  std::string Describe() const override { return "fake"; }
};

JobLogFile File(std::string path, std::string stream, std::vector<std::string> lines) {
  JobLogFile f;
  f.path = std::move(path);
  f.stream = std::move(stream);
  f.lines = std::move(lines);
  f.lines_in_read = f.lines.size();
  f.whole = true;
  for (const auto& l : f.lines) f.file_bytes += l.size() + 1;
  f.bytes_read = f.file_bytes;
  return f;
}

Alert JobAlert() {
  Alert a;
  a.rule = "NcclCollectiveStalled";
  a.fingerprint = "beef";
  a.labels = {{"alertname", "NcclCollectiveStalled"}, {"node", "gpu-07"}, {"job", "llama-pretrain"},
              {"slurm_job_id", "4242"}, {"severity", "critical"}};
  a.annotations = {{"summary", "training job llama-pretrain made no step for 10 minutes"}};
  a.state = AlertState::kFiring;
  a.starts_at_ms = kStart;
  return a;
}

bool HasNote(const DiagnosisCase& c, const std::string& part) {
  for (const std::string& n : c.notes) {
    if (n.find(part) != std::string::npos) return true;
  }
  return false;
}

TEST_CASE("job logs: the alert's job log goes into the case; lines outside the alert's window are left out") {
  FakeJobLogs src;
  src.answer.files.push_back(File("/shared/slurm-4242.out", "stdout",
                                  {"[2025-12-04 09:00:00] step 10 loss 2.3",  // a day before: out
                                   "Traceback (most recent call last):",     // goes with the line before
                                   "[2025-12-05 01:50:00] step 900 loss 1.9",
                                   "gpu-07:4411:4420 [5] NCCL WARN Net : Connection closed by remote peer",
                                   "2025-12-05T03:30:00Z later line"}));      // after the window: out
  src.answer.notes.push_back("job log: slurm job 4242's StdErr /shared/e.err: not read: permission denied");
  DiagnosisCase c;
  AddJobLogs(JobAlert(), src, kStart - 30 * 60'000, kStart + 5 * 60'000, c);
  REQUIRE(src.asked.size() == 1);
  CHECK(src.asked[0].job_id == "4242");
  CHECK(src.asked[0].node == "gpu-07");
  REQUIRE(c.logs.size() == 1);
  CHECK(c.logs[0].source == "job/4242/stdout");
  REQUIRE(c.logs[0].lines.size() == 2);
  CHECK(c.logs[0].lines[0].text == "[2025-12-05 01:50:00] step 900 loss 1.9");
  CHECK(c.logs[0].lines[1].text.find("NCCL WARN") != std::string::npos);
  CHECK(c.logs[0].lines[1].number == 2);
  CHECK(HasNote(c, "job log: 4242 (label slurm_job_id, fake): /shared/slurm-4242.out (stdout): 2 lines read as job/4242/stdout"));
  CHECK(HasNote(c, "3 lines outside the alert's window 2025-12-05T01:30:00Z .. 2025-12-05T02:05:00Z left out"));
  CHECK(HasNote(c, "not read: permission denied"));
  // A local time with no zone may be off by up to 14 h: kept when within that of the window.
  src.answer.files[0].lines = {"2025-12-05 09:00:00 local-time line", "no time at all"};
  DiagnosisCase local;
  AddJobLogs(JobAlert(), src, kStart - 30 * 60'000, kStart + 5 * 60'000, local);
  REQUIRE(local.logs.size() == 1);
  CHECK(local.logs[0].lines.size() == 2);
  // No time anywhere: the file is kept whole.
  src.answer.files[0].lines = {"a", "b", "c"};
  DiagnosisCase none;
  AddJobLogs(JobAlert(), src, kStart - 30 * 60'000, kStart + 5 * 60'000, none);
  CHECK(none.logs.at(0).lines.size() == 3);
}

TEST_CASE("job logs: an alert naming no job, and a source that read nothing, each leave one note") {
  FakeJobLogs src;
  Alert a = JobAlert();
  a.labels.erase("slurm_job_id");
  DiagnosisCase c;
  AddJobLogs(a, src, kStart - 1000, kStart + 1000, c);
  CHECK(src.asked.empty());
  CHECK(c.logs.empty());
  REQUIRE(c.notes.size() == 1);
  CHECK(c.notes[0].rfind("job log: not read (the alert names no job id: no label slurm_job_id, slurm_jobid, jobid", 0) == 0);
  src.answer.notes.push_back("job log: slurm job 4242 not read: the job is unknown to Slurm");
  DiagnosisCase d;
  AddJobLogs(JobAlert(), src, kStart - 1000, kStart + 1000, d);
  CHECK(d.logs.empty());
  CHECK(d.notes == std::vector<std::string>{"job log: slurm job 4242 not read: the job is unknown to Slurm"});
  // Two files of one name: the second's source names its path.
  src.answer.notes.clear();
  src.answer.files = {File("/a/rank0.log", "", {"x"}), File("/b/rank0.log", "", {"y"})};
  DiagnosisCase two;
  AddJobLogs(JobAlert(), src, 0, 0, two);
  REQUIRE(two.logs.size() == 2);
  CHECK(two.logs[0].source == "job/4242/rank0.log");
  CHECK(two.logs[1].source == "job/4242/rank0.log (/b/rank0.log)");
}

TEST_CASE("job logs: live triage reads the job's log, cites its line and says what it read") {
  FakeJobLogs src;
  src.answer.files.push_back(File(
      "/shared/slurm-4242.out", "stdout",
      {"[2025-12-05 01:40:12] iteration 1200/50000 | lm loss 1.93 | step time 0.81 s",
       "[2025-12-05 01:52:31] gpu-07 kernel: NVRM: Xid (PCI:0000:9b:00): 79, pid=0, GPU has fallen off the bus.",
       "[2025-12-05 01:52:33] gpu-07:4411:4420 [5] NCCL WARN Cuda failure 'unspecified launch failure'"}));
  TriageOptions o;
  o.kb = &testing::ShippedPack();
  o.now_ms = kStart + 60'000;
  auto without = TriageAlert(JobAlert(), o);
  REQUIRE(without.ok());
  CHECK(without->diagnosis.root_cause != "gpu_fallen_off_bus");
  o.job_logs = &src;
  auto r = TriageAlert(JobAlert(), o);
  REQUIRE(r.ok());
  CHECK(r->diagnosis.root_cause == "gpu_fallen_off_bus");
  CHECK(r->diagnosis.component.find("gpu-07") != std::string::npos);
  bool cited = false;
  for (const Evidence& e : r->diagnosis.evidence) {
    if (e.source.find("job/4242/stdout") != std::string::npos && e.detail.find("Xid") != std::string::npos) cited = true;
  }
  CHECK(cited);
  bool said = false;
  for (const std::string& u : r->diagnosis.unverified) {
    if (u.find("job log: 4242 (label slurm_job_id, fake): /shared/slurm-4242.out (stdout): 3 lines read") != std::string::npos) said = true;
  }
  CHECK(said);
}

}  // namespace
}  // namespace vigil
