// A failed job's alert alone, read for when the job failed (PLC18, 2026-12-05): a job that failed at
// its start (at init, before its first step, within seconds of launch) is ranked by the knowledge base's
// incidents that fail at the start, not by every failed job's (symptom_prior.h); and the shipped pack
// holds RoCE PFC pause incidents, so a pause alert alone is ranked by them. Alerts and incidents
// written for these tests (jobs llm-9, pt-3; nodes qb-NN).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "agents/symptom_prior.h"
#include "agents/symptom_prior_testing.h"
#include "core/json.h"

namespace vigil {
namespace {

using testing::DiagnoseWithKb;
using testing::StoreIncident;
using testing::SymptomPriorEvidence;

DiagnosisCase AlertCase(const std::string& alert_json) {
  return testing::SymptomAlertCase(alert_json, "[]", "plc18");
}

// Failed jobs: three that failed at their start (two launch errors, one NCCL bootstrap), five that
// failed after hours of training (three rank crashes, two host OOM kills).
std::vector<Incident> Store() {
  return {
      StoreIncident("l1", "world size mismatch",
                    "the job failed at startup: WORLD_SIZE 16 but 8 ranks joined", "launch_config_error"),
      StoreIncident("l2", "invalid device ordinal",
                    "every rank crashed before the first step: invalid device ordinal",
                    "launch_config_error"),
      StoreIncident("n1", "NCCL bootstrap on the wrong interface",
                    "the job failed during init: NCCL bootstrap found no socket", "nccl_network_misconfig"),
      StoreIncident("c1", "one rank segfaulted", "the job failed after 6 h: rank 5 killed by SIGSEGV",
                    "rank_process_crash"),
      StoreIncident("c2", "rank killed by SIGBUS", "rank 9 crashed at step 48000; the job failed",
                    "rank_process_crash"),
      StoreIncident("c3", "rank aborted", "rank 2 aborted (exit code -6) after two days; the job failed",
                    "rank_process_crash"),
      StoreIncident("o1", "host OOM killer", "the job failed: the kernel killed python (oom-kill) after 3 h",
                    "host_oom"),
      StoreIncident("o2", "cgroup OOM", "training job killed by the cgroup OOM killer at step 9000",
                    "host_oom"),
  };
}

std::vector<std::string> Top(const Diagnosis& d, size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < d.hypotheses.size() && i < n; ++i) out.push_back(d.hypotheses[i].category);
  return out;
}

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST_CASE("plc18: a job that failed at its start is ranked by the incidents that fail at the start") {
  const auto kb = testing::KbWith(Store());
  // The same fact said as schedulers and alert rules say it.
  const std::string alerts[] = {
      R"JSON({"labels": {"alertname": "JobFailedAtStart", "job_name": "llm-9"},
              "annotations": {"summary": "job 88120 (llm-9) failed within 40 s of launch, 16/16 tasks exit 1"},
              "startsAt": "2026-12-05T04:00:00Z"})JSON",
      R"JSON({"labels": {"alertname": "TrainingJobFailed", "job_name": "pt-3"},
              "annotations": {"summary": "pytorchjob pt-3 failed during initialization (4/4 workers)"},
              "startsAt": "2026-12-05T04:00:00Z"})JSON",
      R"JSON({"labels": {"alertname": "TrainingInitFailed", "job_name": "pt-3"},
              "annotations": {"summary": "pt-3: no step was logged"}, "startsAt": "2026-12-05T04:00:00Z"})JSON",
      R"JSON({"labels": {"alertname": "SlurmJobFailed", "job_name": "llm-9"},
              "annotations": {"summary": "job 4410 (llm-9) FAILED in 38s"}, "startsAt": "2026-12-05T04:00:00Z"})JSON",
  };
  for (const std::string& a : alerts) {
    CAPTURE(a);
    const Diagnosis d = DiagnoseWithKb(*kb, AlertCase(a)).diagnosis;
    CHECK(d.root_cause == "unknown");
    const std::vector<std::string> top = Top(d, 2);
    CHECK(Has(top, "launch_config_error"));
    CHECK(Has(top, "nccl_network_misconfig"));
    const Evidence* e = SymptomPriorEvidence(d);
    REQUIRE(e != nullptr);
    CHECK(e->detail.find(
              "in the knowledge base: 3, of which launch_config_error 2, nccl_network_misconfig 1") !=
          std::string::npos);
    CHECK(e->detail.find("failed at its start") != std::string::npos);
  }
  // Near misses: a job that failed after hours, or with no time said, is every failed job's.
  for (const char* summary : {"job 4410 (llm-9) FAILED after 5h12m", "job 4410 (llm-9) ended FAILED, exit 1",
                              "job llm-9 failed in 40 min"}) {
    CAPTURE(summary);
    const std::string a = std::string(R"JSON({"labels": {"alertname": "SlurmJobFailed", "job_name": "llm-9"},
        "annotations": {"summary": ")JSON") +
                          summary + R"JSON("}, "startsAt": "2026-12-05T04:00:00Z"})JSON";
    const Diagnosis d = DiagnoseWithKb(*kb, AlertCase(a)).diagnosis;
    const Evidence* e = SymptomPriorEvidence(d);
    REQUIRE(e != nullptr);
    CHECK(e->detail.find("in the knowledge base: 8, of which rank_process_crash 3") != std::string::npos);
    REQUIRE(!d.hypotheses.empty());
    CHECK(d.hypotheses[0].category != "nccl_network_misconfig");
  }
}

TEST_CASE("plc18: the words of a failure at the start") {
  CHECK(SymptomInWords("Job Failed At Start\njob 5512 failed within 90 s of launch").id ==
        "job_failed_at_start");
  CHECK(SymptomInWords("Job Failed At Init\njob vlm-9 failed before first step").id == "job_failed_at_start");
  CHECK(SymptomInWords("Training Job Failed\nllm-9: AssertionError at startup").id == "job_failed_at_start");
  CHECK(SymptomInWords("Slurm Job Start Failures\n3 jobs on qb-02 failed").id == "job_failed_at_start");
  CHECK(SymptomInWords("Training Job Failed\nllm-9 failed at step 0 on all 16 ranks").id ==
        "job_failed_at_start");
  CHECK(SymptomInWords("Training Job Failed\njob 9901 exited with code 1 within 5 s of start").id ==
        "job_failed_at_start");
  // Not at the start: later, no time said, minutes, a restart's count, a job that started fine.
  CHECK(SymptomInWords("Training Job Failed\nllm-9 failed after 5h12m").id == "job_failed");
  CHECK(SymptomInWords("Slurm Job Failed\njob 4411 ended FAILED").id == "job_failed");
  CHECK(SymptomInWords("Job Failed\njob llm-9 failed in 40 min").id == "job_failed");
  CHECK(SymptomInWords("Job Restart Loop\nllm-9 restarted 4 times in 1h").id == "job_failed");
  CHECK(SymptomInWords("Job Started\nllm-9 started on 16 nodes").id.empty());
  // A node that failed to start is no job's failure.
  CHECK(SymptomInWords("Node Boot Failed\nqb-04 failed at startup (PXE)").id.empty());
  // Incidents: a failure at the start said in their text; a failure later is not one.
  CHECK(IncidentShowsSymptom(StoreIncident("a", "world size mismatch", "failed at startup", "x"),
                             "job_failed_at_start"));
  CHECK(IncidentShowsSymptom(StoreIncident("b", "bad ordinal", "crashed before the first step", "x"),
                             "job_failed_at_start"));
  CHECK(IncidentShowsSymptom(StoreIncident("c", "NCCL", "the job failed during init", "x"),
                             "job_failed_at_start"));
  CHECK_FALSE(IncidentShowsSymptom(StoreIncident("d", "segfault", "rank 5 crashed after 6 h", "x"),
                                   "job_failed_at_start"));
  CHECK_FALSE(IncidentShowsSymptom(
      StoreIncident("e", "checkpoint", "restarted from the last checkpoint", "x"), "job_failed_at_start"));
  CHECK(
      IncidentShowsSymptom(StoreIncident("f", "layout", "an assertion on the parallel sizes at startup", "x"),
                           "job_failed_at_start"));
  CHECK(IncidentShowsSymptom(StoreIncident("g", "NCCL", "NCCL Bootstrap: no socket interface found", "x"),
                             "job_failed_at_start"));
  // Something said at the start that is no failure there (a loader's warning).
  CHECK_FALSE(
      IncidentShowsSymptom(StoreIncident("h", "decode on the CPU",
                                         "At start the loader warns that the GPU decoder is missing", "x"),
                           "job_failed_at_start"));
}

TEST_CASE("plc18: the shipped pack ranks a RoCE pause alert alone by its PFC pause incidents") {
  const KnowledgeBase& kb = testing::ShippedPack();
  const std::string alerts[] = {
      R"JSON({"labels": {"alertname": "RoCEPauseFramesHigh", "instance": "qb-03:9100"},
              "annotations": {"summary": "qb-03 receives PFC pause frames on priority 3"},
              "startsAt": "2026-12-05T04:00:00Z"})JSON",
      R"JSON({"labels": {"alertname": "SwitchPfcWatchdogTriggered", "device": "leaf-07"},
              "annotations": {"summary": "PFC watchdog storm detected on leaf-07 Ethernet12 queue 3"},
              "startsAt": "2026-12-05T04:00:00Z"})JSON",
  };
  for (const std::string& a : alerts) {
    CAPTURE(a);
    const Diagnosis d = DiagnoseWithKb(kb, AlertCase(a)).diagnosis;
    const Evidence* e = SymptomPriorEvidence(d);
    REQUIRE(e != nullptr);
    CHECK(e->detail.find("PFC pause") != std::string::npos);
    REQUIRE(!d.hypotheses.empty());
    CHECK(d.hypotheses[0].category == "ib_link_failure");
  }
}

}  // namespace
}  // namespace vigil
