// TriageWorkers: the threads that take queued incidents from an IncidentStore, run triage on
// each, and store the outcome (diagnosed with the report JSON, or failed with the error).
//
// Triage is a function (alert -> DiagnosisReport JSON) handed in, so the pool and its tests do not
// depend on how an alert is diagnosed; `vigil serve` wires agents/alert_triage.h's TriageAlert.
// A triage that throws is recorded as failed ("internal error: ..."), never lost.
//
// Retries: a failed attempt (any error but InvalidArgument, which is bad input and fails at once)
// is queued again after retry_backoff_ms[attempt - 1] (IncidentStore::Retry: the incident shows
// its attempts and the last error) until the attempts reach retry_backoff_ms.size() + 1; then it
// is failed with the last error. Default: 3 attempts, 30 s then 2 min. Attempts count every run,
// also one a crash cut short (queued again by IncidentStore::Open).
//
// Stop() claims nothing more and waits for the triages in flight to finish and be stored; a
// process killed meanwhile leaves them `running`, and the next IncidentStore::Open queues them
// again. Thread safety: Notify and Stop may be called from any thread; Start once.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "core/domain.h"
#include "core/json.h"
#include "server/incident_store.h"
#include "server/verification_progress.h"

namespace vigil {

using TriageFunction = std::function<Result<Json>(const Alert& alert)>;
// A storm incident (StoredIncident::storm_key set; its members loaded) -> the report JSON.
using StormTriageFunction = std::function<Result<Json>(const StoredIncident& incident)>;

struct TriageWorkersOptions {
  IncidentStore* store = nullptr;  // borrowed; outlives the pool
  TriageFunction triage;           // required
  // Storm incidents (IncidentStore's file comment): triaged once over all their alerts. Empty: a
  // storm incident is triaged as its lead alert with `triage`.
  StormTriageFunction triage_storm;
  int workers = 2;                 // >= 1
  // What each triage's verification is doing (server/verification_progress.h): set, the triage
  // runs under ScopedTriageProgress{board, incident id} (so the triage function can wrap its
  // probe executor) and the record is ended with the outcome. nullptr: none. Borrowed.
  VerificationBoard* board = nullptr;
  // Called after each triage with "diagnosed", "failed" or "retried" (failed, queued again) and
  // its wall time (metrics).
  std::function<void(std::string_view outcome, double seconds)> on_done;
  // How long an idle worker sleeps before looking at the store again without a Notify (also how
  // late a retry that came due may start).
  int poll_ms = 1000;
  // The waits before the 2nd, 3rd, ... attempt of a failed triage (see the file comment); empty:
  // a failed triage is not retried.
  std::vector<int64_t> retry_backoff_ms = {30'000, 120'000};
};

class TriageWorkers {
 public:
  explicit TriageWorkers(TriageWorkersOptions options);
  ~TriageWorkers();  // Stop()
  TriageWorkers(const TriageWorkers&) = delete;
  TriageWorkers& operator=(const TriageWorkers&) = delete;

  void Start();
  // New incidents were queued: wakes an idle worker.
  void Notify();
  // See the file comment. Idempotent.
  void Stop();
  // Triages running now.
  int busy() const { return busy_.load(); }

 private:
  void Loop();

  TriageWorkersOptions options_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  uint64_t wakeups_ = 0;
  std::atomic<int> busy_{0};
};

}  // namespace vigil
