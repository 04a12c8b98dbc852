// IncidentStore: the incidents `vigil serve` has accepted, in one SQLite file
// (`<data_dir>/incidents.db`, WAL journal, schema version in `PRAGMA user_version`).
//
// One row per alert instance, keyed by (fingerprint, starts_at_ms): Alertmanager re-sends a firing
// alert every repeat_interval with the same fingerprint and startsAt, and that makes no second
// incident. A row's triage state is one of
//   queued -> running -> diagnosed | failed
// and, independently, `resolved_at_ms` is set when a resolved notification for it arrives.
//
// Intake is atomic and durable before it returns: either every alert of a call is recorded (one
// transaction, committed: with WAL and synchronous=FULL it survives a crash) or none is. The
// queue is bounded: when the queued rows plus this call's new ones would pass `queue_max`, nothing
// is recorded and ResourceExhausted says so (the HTTP layer answers 503 and Alertmanager retries).
// Rows left `running` by a process that died are put back to `queued` by Open. One process at a
// time: Open holds an exclusive lock (flock on `<path>.lock`) until the store is destroyed, so a
// second `vigil serve` on the same data_dir is refused instead of re-queueing the first one's
// running triages.
//
// Thread safety: every method may be called from any thread (one connection behind a mutex).
// Errors: Status values (FailedPrecondition for a file that cannot be opened or a schema from a
// newer vigil, NotFound for an unknown id, Internal for SQL errors); no exceptions.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain.h"
#include "core/json.h"
#include "core/status.h"

struct sqlite3;

namespace vigil {

// The triage states, in their order ("queued", "running", "diagnosed", "failed").
std::span<const std::string_view> IncidentTriageStates();

struct StoredIncident {
  int64_t id = 0;
  std::string fingerprint;
  int64_t starts_at_ms = 0;
  std::string rule;
  std::string severity;
  std::string state;            // one of IncidentTriageStates()
  int64_t received_ms = 0;      // when the first notification was recorded
  int64_t updated_ms = 0;       // last state change
  int64_t resolved_at_ms = 0;   // 0 while firing (the alert's endsAt, or the time it was told)
  int64_t attempts = 0;         // triage runs started (a crash mid-run makes it 2 on the retry)
  std::string error;            // why triage failed (state failed)
  double triage_seconds = 0;    // the last triage's wall time
  Alert alert;                  // as received (core/domain.h JSON)
  Json diagnosis;               // the DiagnosisReport JSON (ToJson) once diagnosed, else null

  // {id, state, rule, severity, fingerprint, starts_at, received_at, updated_at, resolved_at?,
  // attempts, error?, triage_seconds?}; times RFC 3339. With `full`, also `alert` and `diagnosis`;
  // without, the diagnosis' root_cause, component and confidence when it has them.
  Json ToJson(bool full) const;
};

struct IntakeResult {
  std::vector<int64_t> created;     // new incidents (queued)
  std::vector<int64_t> duplicates;  // a firing alert already recorded (fingerprint + startsAt)
  std::vector<int64_t> resolved;    // incidents marked resolved by this call
};

struct IncidentStoreOptions {
  std::string path;                    // the SQLite file; its folder must exist
  size_t queue_max = 1000;             // queued incidents at most (>= 1)
  std::function<int64_t()> now_ms;     // nullptr: the system clock
};

class IncidentStore {
 public:
  static Result<std::unique_ptr<IncidentStore>> Open(IncidentStoreOptions options);
  ~IncidentStore();
  IncidentStore(const IncidentStore&) = delete;
  IncidentStore& operator=(const IncidentStore&) = delete;

  // How many rows Open found `running` and put back to `queued`.
  int64_t recovered_on_open() const { return recovered_; }

  // Records a webhook's alerts (see the file comment). A firing alert already known is a
  // duplicate; a resolved one marks its incident resolved (its endsAt, or now), or, when it was
  // never seen (vigil was down while it fired), is recorded as a new incident, queued and
  // resolved. An alert without a fingerprint gets core/rule_plan.h's AlertFingerprint(rule, "",
  // labels). ResourceExhausted when the queue would overflow; nothing is recorded then.
  Result<IntakeResult> Intake(const std::vector<Alert>& alerts);

  // The oldest queued incident, now `running` with attempts + 1; nullopt when none is queued.
  Result<std::optional<StoredIncident>> ClaimNext();
  // running -> diagnosed with the report JSON / -> failed with the error / -> queued again.
  Status Finish(int64_t id, const Json& diagnosis, double seconds);
  Status Fail(int64_t id, std::string_view error, double seconds);
  Status Requeue(int64_t id);

  // Newest first. `filter`: a triage state, "resolved" or "firing"; empty = all. InvalidArgument
  // for another filter (naming the accepted ones).
  Result<std::vector<StoredIncident>> List(std::string_view filter, size_t limit) const;
  Result<StoredIncident> Get(int64_t id) const;  // NotFound names the id
  // Rows per triage state (every state present, 0 included) and resolved rows.
  Result<std::map<std::string, int64_t>> CountByState() const;
  Result<int64_t> CountResolved() const;

 private:
  IncidentStore(sqlite3* db, int lock_fd, IncidentStoreOptions options);
  Status Init();  // pragmas, schema, recovery
  int64_t Now() const;
  Status Exec(std::string_view sql) const;
  Status SetState(int64_t id, std::string_view from, std::string_view to, const Json* diagnosis,
                  std::string_view error, double seconds);

  sqlite3* db_;
  int lock_fd_;
  IncidentStoreOptions options_;
  int64_t recovered_ = 0;
  mutable std::mutex mu_;
};

}  // namespace vigil
