// Storm triage reads the jobs' own logs (LOGC2): a storm's alerts on nodes are grouped by the Slurm
// job they name, and each group's diagnosis reads (once) and cites its own job's log, never
// another's. A fake JobLogSource answers per job; tests/diagnose_alert_job_log_test.sh does it with
// a real Slurm and vigil serve.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "agents/alert_triage.h"
#include "agents/diagnosis_testing.h"
#include "connectors/job_log_source.h"
#include "server/incident_store.h"
#include "server/storm_testing.h"
#include "server/storm_triage.h"

namespace vigil {
namespace {

constexpr int64_t kT0 = 1'764'900'000'000;  // 2025-12-05T02:00:00Z

class PerJobLogs : public JobLogSource {
 public:
  std::map<std::string, std::vector<std::string>> lines;
  mutable std::map<std::string, int> reads;
  JobLogReading Read(const JobLogRequest& q) const override {
    ++reads[q.job_id];
    JobLogReading r;
    auto it = lines.find(q.job_id);
    if (it == lines.end()) return r;
    JobLogFile f;
    f.path = "/shared/slurm-" + q.job_id + ".out";
    f.stream = "stdout";
    f.lines = it->second;
    f.lines_in_read = f.lines.size();
    f.whole = true;
    r.files.push_back(std::move(f));
    return r;
  }
  std::string Describe() const override { return "fake"; }
};

Alert Stalled(const std::string& fp, const std::string& job, const std::string& node, int64_t at = kT0) {
  Alert a;
  a.rule = "TrainingStalled";
  a.fingerprint = fp;
  a.severity = "critical";
  a.labels = {{"alertname", "TrainingStalled"}, {"node", node}, {"severity", "critical"}};
  if (!job.empty()) a.labels["slurm_job_id"] = job;
  a.annotations = {{"summary", "training made no step for 10 minutes"}};
  a.state = AlertState::kFiring;
  a.starts_at_ms = at;
  return a;
}

TEST_CASE("StormGroups: alerts on nodes split by the Slurm job they name; a rack label still comes first") {
  std::vector<Alert> a = {Stalled("1", "1001", "gpu-1"), Stalled("2", "1001", "gpu-2"), Stalled("3", "1002", "gpu-5"),
                          Stalled("4", "", "gpu-5"),       // its node's alerts name one job: 1002's
                          Stalled("5", "", "gpu-9"),       // no job on its node: all nodes
                          Stalled("6", "1003", "gpu-7"), Stalled("7", "1004", "gpu-7"),
                          Stalled("8", "", "gpu-7"),       // a node of two jobs: no one job's
                          Stalled("9", "1001", "gpu-20")};
  a.back().labels["rack"] = "r7";
  CHECK(StormGroups(a) == std::vector<std::string>{"job=1001", "job=1001", "job=1002", "job=1002", "nodes", "job=1003",
                                                   "job=1004", "nodes", "rack=r7"});
  // Nine jobs at once: one group of all nodes (what they share), not nine.
  std::vector<Alert> many;
  for (int j = 0; j < 9; ++j) many.push_back(Stalled("m" + std::to_string(j), std::to_string(2000 + j), "gpu-" + std::to_string(j)));
  CHECK(StormGroups(many) == std::vector<std::string>(9, "nodes"));
  many.pop_back();
  CHECK(StormGroups(many)[7] == "job=2007");
}

TEST_CASE("TriageStorm: two jobs' storms, each answered from its own job's log and citing only its lines") {
  PerJobLogs src;
  src.lines["1001"] = {
      "[2025-12-05 01:52:00] iteration 1200/50000 | lm loss 1.93 | step time 0.81 s",
      "[2025-12-05 01:58:10] [rank5]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 5 has a "
      "total capacity of 79.10 GiB of which 1.06 GiB is free."};
  src.lines["1002"] = {
      "[2025-12-05 01:52:31] gpu-21 kernel: NVRM: Xid (PCI:0000:9b:00): 79, pid=0, GPU has fallen off the bus.",
      "[2025-12-05 01:52:33] gpu-21:4411:4420 [5] NCCL WARN Cuda failure 'unspecified launch failure'"};
  std::vector<Alert> one, two;
  for (int i = 0; i < 20; ++i) one.push_back(Stalled("a" + std::to_string(i), "1001", "gpu-1" + std::to_string(i % 4), kT0 + i));
  for (int i = 0; i < 20; ++i) two.push_back(Stalled("b" + std::to_string(i), "1002", "gpu-21", kT0 + i));
  TriageOptions o;
  o.kb = &testing::ShippedPack();
  o.now_ms = kT0 + 120'000;
  o.job_logs = &src;
  std::map<std::string, std::string> causes;
  for (const auto& [job, alerts] : {std::pair{std::string("1001"), one}, std::pair{std::string("1002"), two}}) {
    auto report = TriageStorm(testing::StormOf("job=" + job, alerts), o);
    REQUIRE_MESSAGE(report.ok(), report.status().ToString());
    const Json& d = *report;
    CAPTURE(job);
    CAPTURE(d["evidence"].dump(1));
    CAPTURE(d["unverified"].dump(1));
    causes[job] = d["root_cause"].get<std::string>();
    bool own = false;
    for (const Json& e : d["evidence"]) {
      const std::string s = e.value("source", std::string());
      if (s.rfind("job/", 0) != 0) continue;
      CHECK(s.rfind("job/" + job + "/", 0) == 0);  // never another job's line
      own = true;
    }
    CHECK(own);
    CHECK(d["summary"].get<std::string>().rfind("suspected", 0) != 0);  // the job's log is first-hand
    CHECK(d["unverified"].dump().find("the storm's alerts name 1 job, each read once: 1 read") != std::string::npos);
  }
  CHECK(src.reads == std::map<std::string, int>{{"1001", 1}, {"1002", 1}});  // once each, the lead's not twice
  CHECK(causes["1001"] == "cuda_oom");
  CHECK(causes["1002"] == "gpu_fallen_off_bus");
  // Without a source: as before, no job read and nothing said about it.
  o.job_logs = nullptr;
  auto bare = TriageStorm(testing::StormOf("job=1001", one), o);
  REQUIRE(bare.ok());
  CHECK((*bare)["unverified"].dump().find("job log") == std::string::npos);
  CHECK((*bare)["root_cause"] != "cuda_oom");
}

}  // namespace
}  // namespace vigil
