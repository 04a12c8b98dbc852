#include "server/incident_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

#include "core/logging.h"
#include "core/rule_plan.h"
#include "core/time_util.h"
#include "knowledge/sqlite_db.h"

namespace vigil {

std::string IncidentStorePath(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "incidents.db").string();
}
namespace {

constexpr std::array<std::string_view, 4> kStates = {"queued", "running", "diagnosed", "failed"};
// 1: incidents (c262f87). 2: resolutions (2026-12-01, FB), added by CREATE TABLE IF NOT EXISTS.
// 3: incidents.retry_at_ms (2026-12-01, SV: a failed triage queued again), added by ALTER TABLE.
// 4: table meta with the store's id (2026-12-01, K5), added by CREATE TABLE IF NOT EXISTS.
constexpr int kSchemaVersion = 4;

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS incidents(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  fingerprint TEXT NOT NULL,
  starts_at_ms INTEGER NOT NULL,
  rule TEXT NOT NULL,
  severity TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL CHECK(state IN ('queued', 'running', 'diagnosed', 'failed')),
  alert_json TEXT NOT NULL,
  received_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  resolved_at_ms INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  triage_seconds REAL NOT NULL DEFAULT 0,
  diagnosis_json TEXT,
  retry_at_ms INTEGER NOT NULL DEFAULT 0,
  UNIQUE(fingerprint, starts_at_ms));
CREATE INDEX IF NOT EXISTS incidents_by_state ON incidents(state, id);
CREATE TABLE IF NOT EXISTS resolutions(
  incident_id INTEGER PRIMARY KEY REFERENCES incidents(id),
  root_cause TEXT NOT NULL,
  summary TEXT NOT NULL,
  resolution TEXT NOT NULL,
  by_name TEXT NOT NULL DEFAULT '',
  posted_ms INTEGER NOT NULL,
  kb_id TEXT NOT NULL DEFAULT '',
  kb_error TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS meta(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL);
)sql";

// 16 hex digits from the OS's random source.
std::string RandomStoreId() {
  std::random_device rd;
  const uint64_t v = (static_cast<uint64_t>(rd()) << 32) ^ static_cast<uint64_t>(rd());
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

constexpr std::string_view kColumns =
    "id, fingerprint, starts_at_ms, rule, severity, state, alert_json, received_ms, updated_ms, "
    "resolved_at_ms, attempts, error, triage_seconds, diagnosis_json, retry_at_ms";
// kColumns followed by the resolution's (NULL without one): SELECT ... FROM kFromJoined.
constexpr std::string_view kResolutionColumns =
    ", r.root_cause, r.summary, r.resolution, r.by_name, r.posted_ms, r.kb_id, r.kb_error";
constexpr std::string_view kFromJoined = " FROM incidents LEFT JOIN resolutions r ON r.incident_id = incidents.id";
constexpr int kResolutionColumn = 15;  // the first of kResolutionColumns

Status SqlError(sqlite3* db, std::string_view what) {
  return InternalError("incident store: " + std::string(what) + ": " + sqlite3_errmsg(db));
}

Result<kb::Stmt> Prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &s, nullptr) != SQLITE_OK) {
    return SqlError(db, "preparing `" + std::string(sql.substr(0, 60)) + "`");
  }
  return kb::Stmt(db, s);
}

// `with_resolution`: the row has kResolutionColumns after kColumns.
Result<StoredIncident> ReadRow(const kb::Stmt& s, bool with_resolution) {
  StoredIncident r;
  r.id = s.Int(0);
  r.fingerprint = s.Text(1);
  r.starts_at_ms = s.Int(2);
  r.rule = s.Text(3);
  r.severity = s.Text(4);
  r.state = s.Text(5);
  r.received_ms = s.Int(7);
  r.updated_ms = s.Int(8);
  r.resolved_at_ms = s.Int(9);
  r.attempts = s.Int(10);
  r.error = s.Text(11);
  r.triage_seconds = s.Double(12);
  r.retry_at_ms = s.Int(14);
  const std::string where = "incident " + std::to_string(r.id);
  // A stored text that cannot be read is data loss (500), not the caller's bad argument.
  auto alert = ParseJson(s.Text(6), where + " alert_json");
  if (!alert.ok()) return DataLossError(alert.status().message());
  auto parsed = FromJson<Alert>(*alert, where + " alert_json");
  if (!parsed.ok()) return DataLossError(parsed.status().message());
  r.alert = std::move(*parsed);
  if (!s.IsNull(13)) {
    auto diagnosis = ParseJson(s.Text(13), where + " diagnosis_json");
    if (!diagnosis.ok()) return DataLossError(diagnosis.status().message());
    r.diagnosis = std::move(*diagnosis);
  }
  if (with_resolution && !s.IsNull(kResolutionColumn)) {
    IncidentResolution res;
    res.root_cause = s.Text(kResolutionColumn);
    res.summary = s.Text(kResolutionColumn + 1);
    res.resolution = s.Text(kResolutionColumn + 2);
    res.by = s.Text(kResolutionColumn + 3);
    res.posted_ms = s.Int(kResolutionColumn + 4);
    res.kb_id = s.Text(kResolutionColumn + 5);
    res.kb_error = s.Text(kResolutionColumn + 6);
    r.resolution = std::move(res);
  }
  return r;
}

Result<std::vector<StoredIncident>> ReadRows(kb::Stmt& s) {
  std::vector<StoredIncident> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    ASSIGN_OR_RETURN(StoredIncident r, ReadRow(s, true));
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

std::span<const std::string_view> IncidentTriageStates() { return kStates; }

Json IncidentResolution::ToJson() const {
  Json kb = kb_error.empty() ? Json{{"id", kb_id.empty() ? Json(nullptr) : Json(kb_id)}}
                             : Json{{"id", kb_id.empty() ? Json(nullptr) : Json(kb_id)}, {"error", kb_error}};
  return Json{{"root_cause", root_cause},
              {"summary", summary},
              {"resolution", resolution},
              {"by", by},
              {"posted_at", FormatRfc3339Ms(posted_ms)},
              {"knowledge_base", kb}};
}

Json ResolutionAgreement(const Json& diagnosis, std::string_view root_cause) {
  Json out{{"diagnosed_root_cause", nullptr}, {"agreed", false}, {"hypothesis_rank", nullptr}};
  if (!diagnosis.is_object()) return out;
  if (auto it = diagnosis.find("root_cause"); it != diagnosis.end() && it->is_string()) {
    out["diagnosed_root_cause"] = *it;
    out["agreed"] = it->get<std::string>() == root_cause;
  }
  if (auto it = diagnosis.find("hypotheses"); it != diagnosis.end() && it->is_array()) {
    for (size_t i = 0; i < it->size(); ++i) {
      const Json& h = (*it)[i];
      if (h.is_object() && h.contains("category") && h["category"].is_string() &&
          h["category"].get<std::string>() == root_cause) {
        out["hypothesis_rank"] = i + 1;
        break;
      }
    }
  }
  return out;
}

Json StoredIncident::ToJson(bool full) const {
  Json j{{"id", id},
         {"state", state},
         {"rule", rule},
         {"severity", severity},
         {"fingerprint", fingerprint},
         {"starts_at", FormatRfc3339Ms(starts_at_ms)},
         {"received_at", FormatRfc3339Ms(received_ms)},
         {"updated_at", FormatRfc3339Ms(updated_ms)},
         {"resolved_at", resolved_at_ms > 0 ? Json(FormatRfc3339Ms(resolved_at_ms)) : Json(nullptr)},
         {"attempts", attempts}};
  if (!error.empty()) j["error"] = error;  // failed: why; queued again: the last attempt's error
  if (state == "queued" && retry_at_ms > 0) j["retry_at"] = FormatRfc3339Ms(retry_at_ms);
  if (state == "diagnosed" || state == "failed") j["triage_seconds"] = triage_seconds;
  if (full) {
    j["alert"] = alert;
    j["diagnosis"] = diagnosis;
    if (resolution) {
      j["resolution"] = resolution->ToJson();
      j["resolution"]["diagnosis_agreed"] = ResolutionAgreement(diagnosis, resolution->root_cause);
    } else {
      j["resolution"] = nullptr;
    }
    return j;
  }
  if (diagnosis.is_object()) {  // the headline, so a list answers "what broke?"
    if (diagnosis.contains("root_cause")) j["root_cause"] = diagnosis["root_cause"];
    if (diagnosis.contains("component")) j["component"] = diagnosis["component"];
    if (diagnosis.contains("confidence")) j["confidence"] = diagnosis["confidence"];
  }
  if (resolution) j["resolution_root_cause"] = resolution->root_cause;
  return j;
}

IncidentStore::IncidentStore(sqlite3* db, int lock_fd, IncidentStoreOptions options)
    : db_(db), lock_fd_(lock_fd), options_(std::move(options)) {}

IncidentStore::~IncidentStore() {
  sqlite3_close_v2(db_);
  close(lock_fd_);  // releases the flock
}

int64_t IncidentStore::Now() const {
  if (options_.now_ms) return options_.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status IncidentStore::Exec(std::string_view sql) const {
  char* err = nullptr;
  const std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) == SQLITE_OK) return Status::Ok();
  std::string msg = err ? err : sqlite3_errmsg(db_);
  sqlite3_free(err);
  return InternalError("incident store: " + msg);
}

Result<std::unique_ptr<IncidentStore>> IncidentStore::Open(IncidentStoreOptions options) {
  if (options.queue_max < 1) return InvalidArgumentError("incident store: queue_max must be at least 1");
  const std::string lock_path = options.path + ".lock";
  const int lock_fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd < 0) {
    return FailedPreconditionError("cannot open incident store " + options.path + ": " + lock_path + ": " +
                                   std::strerror(errno));
  }
  if (flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    close(lock_fd);
    return FailedPreconditionError("incident store " + options.path + " is in use by another process (" + lock_path +
                                   " is locked: " + std::strerror(err) +
                                   "); one vigil serve per data_dir");
  }
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(options.path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string why = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close_v2(raw);
    close(lock_fd);
    return FailedPreconditionError("cannot open incident store " + options.path + ": " + why);
  }
  sqlite3_busy_timeout(raw, 5000);
  std::unique_ptr<IncidentStore> store(new IncidentStore(raw, lock_fd, std::move(options)));
  if (Status st = store->Init(); !st.ok()) {
    return Status(st.code() == StatusCode::kInternal ? StatusCode::kFailedPrecondition : st.code(), st.message())
        .WithContext("cannot open incident store " + store->options_.path);
  }
  return store;
}

Status IncidentStore::Init() {
  sqlite3* raw = db_;
  {
    ASSIGN_OR_RETURN(kb::Stmt s, Prepare(raw, "PRAGMA journal_mode=WAL"));
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row || s.Text(0) != "wal") LogWarn("serve", "incident store " + options_.path + ": not in WAL mode");
  }
  RETURN_IF_ERROR(Exec("PRAGMA synchronous=FULL"));
  {
    ASSIGN_OR_RETURN(kb::Stmt s, Prepare(raw, "PRAGMA user_version"));
    ASSIGN_OR_RETURN(bool row, s.Step());
    const int64_t version = row ? s.Int(0) : 0;
    if (version > kSchemaVersion) {
      return FailedPreconditionError("schema version " + std::to_string(version) +
                                     ", written by a newer vigil (this one reads " +
                                     std::to_string(kSchemaVersion) + ")");
    }
  }
  RETURN_IF_ERROR(Exec(kSchema));
  {  // versions 1 and 2: CREATE TABLE IF NOT EXISTS left their incidents table without the column
    ASSIGN_OR_RETURN(kb::Stmt s, Prepare(raw, "SELECT count(*) FROM pragma_table_info('incidents') "
                                              "WHERE name='retry_at_ms'"));
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (row && s.Int(0) == 0) {
      RETURN_IF_ERROR(Exec("ALTER TABLE incidents ADD COLUMN retry_at_ms INTEGER NOT NULL DEFAULT 0"));
    }
  }
  {  // the store id: kept, or made now (see store_id())
    ASSIGN_OR_RETURN(kb::Stmt get, Prepare(raw, "SELECT value FROM meta WHERE key='store_id'"));
    ASSIGN_OR_RETURN(bool row, get.Step());
    if (row) {
      store_id_ = get.Text(0);
    } else {
      // Versions <= 3 named KB entries vigil-serve-incident-N: a store that imported some keeps
      // that form (renaming would need the KB, and its own row ids cannot collide with themselves).
      ASSIGN_OR_RETURN(kb::Stmt imported, Prepare(raw, "SELECT count(*) FROM resolutions WHERE kb_id != ''"));
      ASSIGN_OR_RETURN(bool counted, imported.Step());
      store_id_ = counted && imported.Int(0) > 0 ? std::string() : RandomStoreId();
      ASSIGN_OR_RETURN(kb::Stmt put, Prepare(raw, "INSERT INTO meta(key, value) VALUES('store_id', ?1)"));
      put.Bind(1, store_id_);
      RETURN_IF_ERROR(put.Run());
    }
  }
  RETURN_IF_ERROR(Exec("PRAGMA user_version=" + std::to_string(kSchemaVersion)));
  ASSIGN_OR_RETURN(kb::Stmt requeue, Prepare(raw, "UPDATE incidents SET state='queued', updated_ms=?1 "
                                                  "WHERE state='running'"));
  requeue.Bind(1, Now());
  RETURN_IF_ERROR(requeue.Run());
  recovered_ = sqlite3_changes(raw);
  return Status::Ok();
}

std::string KnowledgeIncidentId(std::string_view store_id, int64_t id) {
  return store_id.empty() ? "vigil-serve-incident-" + std::to_string(id)
                          : "vigil-serve-" + std::string(store_id) + "-incident-" + std::to_string(id);
}

Result<IntakeResult> IncidentStore::Intake(const std::vector<Alert>& alerts) {
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  auto result = [&]() -> Result<IntakeResult> {
    IntakeResult out;
    const int64_t now = Now();
    ASSIGN_OR_RETURN(kb::Stmt find, Prepare(db_, "SELECT id, resolved_at_ms FROM incidents "
                                                 "WHERE fingerprint=?1 AND starts_at_ms=?2"));
    ASSIGN_OR_RETURN(kb::Stmt insert,
                     Prepare(db_, "INSERT INTO incidents(fingerprint, starts_at_ms, rule, severity, state, "
                                  "alert_json, received_ms, updated_ms, resolved_at_ms) "
                                  "VALUES(?1, ?2, ?3, ?4, 'queued', ?5, ?6, ?6, ?7)"));
    ASSIGN_OR_RETURN(kb::Stmt resolve, Prepare(db_, "UPDATE incidents SET resolved_at_ms=?2, updated_ms=?3 "
                                                    "WHERE id=?1"));
    for (const Alert& given : alerts) {
      Alert alert = given;
      if (alert.fingerprint.empty()) alert.fingerprint = AlertFingerprint(alert.rule, "", alert.labels);
      const bool resolved = alert.state == AlertState::kResolved;
      const int64_t resolved_at = resolved ? (alert.ends_at_ms > 0 ? alert.ends_at_ms : now) : 0;
      find.Reset();
      find.Bind(1, alert.fingerprint).Bind(2, alert.starts_at_ms);
      ASSIGN_OR_RETURN(bool found, find.Step());
      if (found) {
        const int64_t id = find.Int(0);
        if (resolved && find.Int(1) == 0) {
          resolve.Reset();
          resolve.Bind(1, id).Bind(2, resolved_at).Bind(3, now);
          RETURN_IF_ERROR(resolve.Run());
          out.resolved.push_back(id);
        } else {
          out.duplicates.push_back(id);
        }
        continue;
      }
      insert.Reset();
      insert.Bind(1, alert.fingerprint)
          .Bind(2, alert.starts_at_ms)
          .Bind(3, alert.rule)
          .Bind(4, alert.severity)
          .Bind(5, DumpJson(Json(alert)))
          .Bind(6, now)
          .Bind(7, resolved_at);
      RETURN_IF_ERROR(insert.Run());
      out.created.push_back(sqlite3_last_insert_rowid(db_));
      if (resolved) out.resolved.push_back(out.created.back());
    }
    if (!out.created.empty()) {
      ASSIGN_OR_RETURN(kb::Stmt count, Prepare(db_, "SELECT count(*) FROM incidents WHERE state='queued'"));
      ASSIGN_OR_RETURN(bool row, count.Step());
      const int64_t queued = row ? count.Int(0) : 0;
      if (queued > static_cast<int64_t>(options_.queue_max)) {
        return ResourceExhaustedError("the triage queue is full: " + std::to_string(queued - static_cast<int64_t>(out.created.size())) +
                                      " incidents queued, " + std::to_string(out.created.size()) +
                                      " new, at most " + std::to_string(options_.queue_max) +
                                      " (--queue-max); nothing of this request was recorded, retry later");
      }
    }
    return out;
  }();
  if (!result.ok()) {
    Exec("ROLLBACK").IgnoreError();
    return result.status();
  }
  RETURN_IF_ERROR(Exec("COMMIT"));
  return result;
}

Result<std::optional<StoredIncident>> IncidentStore::ClaimNext() {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(kb::Stmt s, Prepare(db_, "UPDATE incidents SET state='running', attempts=attempts+1, updated_ms=?1 "
                                            "WHERE id=(SELECT id FROM incidents WHERE state='queued' AND retry_at_ms <= ?1 "
                                            "ORDER BY id LIMIT 1) "
                                            "RETURNING " + std::string(kColumns)));
  s.Bind(1, Now());
  ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<StoredIncident>();
  const int64_t claimed_id = s.Int(0);
  auto r = ReadRow(s, false);
  while (true) {  // RETURNING: the UPDATE commits when the statement is stepped to its end
    auto more = s.Step();
    if (!more.ok()) return more.status();
    if (!*more) break;
  }
  if (!r.ok()) {  // failed with the reason: left running, it was claimed again after every restart
    ASSIGN_OR_RETURN(kb::Stmt fail, Prepare(db_, "UPDATE incidents SET state='failed', updated_ms=?2, error=?3 "
                                                 "WHERE id=?1 AND state='running'"));
    fail.Bind(1, claimed_id).Bind(2, Now()).Bind(3, "the stored incident cannot be read: " + r.status().message());
    RETURN_IF_ERROR(fail.Run());
    return r.status();
  }
  return std::optional<StoredIncident>(std::move(*r));
}

Status IncidentStore::SetState(int64_t id, std::string_view from, std::string_view to, const Json* diagnosis,
                               std::string_view error, double seconds) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(kb::Stmt s, Prepare(db_, "UPDATE incidents SET state=?2, updated_ms=?3, diagnosis_json=?4, "
                                            "error=?5, triage_seconds=?6 WHERE id=?1 AND state=?7"));
  s.Bind(1, id).Bind(2, to).Bind(3, Now()).Bind(5, error).Bind(6, seconds).Bind(7, from);
  if (diagnosis) s.Bind(4, DumpJson(*diagnosis));  // else NULL
  RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(db_) != 1) {
    return FailedPreconditionError("incident " + std::to_string(id) + " is not " + std::string(from));
  }
  return Status::Ok();
}

Status IncidentStore::Finish(int64_t id, const Json& diagnosis, double seconds) {
  return SetState(id, "running", "diagnosed", &diagnosis, "", seconds);
}

Status IncidentStore::Fail(int64_t id, std::string_view error, double seconds) {
  return SetState(id, "running", "failed", nullptr, error, seconds);
}

Status IncidentStore::Retry(int64_t id, std::string_view error, double seconds, int64_t delay_ms) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(kb::Stmt s, Prepare(db_, "UPDATE incidents SET state='queued', updated_ms=?2, error=?3, "
                                            "triage_seconds=?4, retry_at_ms=?5 WHERE id=?1 AND state='running'"));
  const int64_t now = Now();
  s.Bind(1, id).Bind(2, now).Bind(3, error).Bind(4, seconds).Bind(5, now + delay_ms);
  RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(db_) != 1) return FailedPreconditionError("incident " + std::to_string(id) + " is not running");
  return Status::Ok();
}

Status IncidentStore::Requeue(int64_t id) { return SetState(id, "running", "queued", nullptr, "", 0); }

Status IncidentStore::SetResolution(int64_t id, const IncidentResolution& resolution) {
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  auto done = [&]() -> Status {
    ASSIGN_OR_RETURN(kb::Stmt find, Prepare(db_, "SELECT state FROM incidents WHERE id=?1"));
    find.Bind(1, id);
    ASSIGN_OR_RETURN(bool row, find.Step());
    if (!row) return NotFoundError("no incident " + std::to_string(id));
    const std::string state = find.Text(0);
    if (state != "diagnosed" && state != "failed") {
      return FailedPreconditionError("incident " + std::to_string(id) + " is " + state +
                                     ": a resolution is taken once its triage has finished (diagnosed or failed)");
    }
    ASSIGN_OR_RETURN(kb::Stmt put,
                     Prepare(db_, "INSERT INTO resolutions(incident_id, root_cause, summary, resolution, by_name, "
                                  "posted_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(incident_id) DO UPDATE SET "
                                  "root_cause=excluded.root_cause, summary=excluded.summary, "
                                  "resolution=excluded.resolution, by_name=excluded.by_name, "
                                  "posted_ms=excluded.posted_ms, kb_error=''"));
    put.Bind(1, id)
        .Bind(2, resolution.root_cause)
        .Bind(3, resolution.summary)
        .Bind(4, resolution.resolution)
        .Bind(5, resolution.by)
        .Bind(6, Now());
    return put.Run();
  }();
  if (!done.ok()) {
    Exec("ROLLBACK").IgnoreError();
    return done;
  }
  return Exec("COMMIT");
}

Status IncidentStore::SetResolutionKb(int64_t id, std::string_view kb_id, std::string_view kb_error) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(kb::Stmt s, Prepare(db_, kb_error.empty()
                                                ? "UPDATE resolutions SET kb_id=?2, kb_error='' WHERE incident_id=?1"
                                                : "UPDATE resolutions SET kb_error=?3 WHERE incident_id=?1"));
  s.Bind(1, id);
  if (kb_error.empty()) {
    s.Bind(2, kb_id);
  } else {
    s.Bind(3, kb_error);
  }
  RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(db_) != 1) return NotFoundError("incident " + std::to_string(id) + " has no resolution");
  return Status::Ok();
}

Result<std::vector<StoredIncident>> IncidentStore::List(std::string_view filter, size_t limit) const {
  std::string where;
  if (filter == "resolved") {
    where = " WHERE resolved_at_ms > 0";
  } else if (filter == "firing") {
    where = " WHERE resolved_at_ms = 0";
  } else if (!filter.empty()) {
    bool known = false;
    for (auto s : kStates) known = known || s == filter;
    if (!known) {
      return InvalidArgumentError("unknown status `" + std::string(filter) +
                                  "`; accepted: queued, running, diagnosed, failed, resolved, firing");
    }
    where = " WHERE state=?2";
  }
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(kb::Stmt s, Prepare(db_, "SELECT " + std::string(kColumns) + std::string(kResolutionColumns) +
                                                std::string(kFromJoined) + where + " ORDER BY id DESC LIMIT ?1"));
  s.Bind(1, static_cast<int64_t>(limit));
  if (where.find("?2") != std::string::npos) s.Bind(2, filter);
  return ReadRows(s);
}

Result<StoredIncident> IncidentStore::Get(int64_t id) const {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(kb::Stmt s, Prepare(db_, "SELECT " + std::string(kColumns) + std::string(kResolutionColumns) +
                                                std::string(kFromJoined) + " WHERE id=?1"));
  s.Bind(1, id);
  ASSIGN_OR_RETURN(auto rows, ReadRows(s));
  if (rows.empty()) return NotFoundError("no incident " + std::to_string(id));
  return std::move(rows.front());
}

Result<std::map<std::string, int64_t>> IncidentStore::CountByState() const {
  std::map<std::string, int64_t> out;
  for (auto s : kStates) out[std::string(s)] = 0;
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(kb::Stmt s, Prepare(db_, "SELECT state, count(*) FROM incidents GROUP BY state"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out[s.Text(0)] = s.Int(1);
  }
  return out;
}

Result<int64_t> IncidentStore::CountResolved() const {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(kb::Stmt s, Prepare(db_, "SELECT count(*) FROM incidents WHERE resolved_at_ms > 0"));
  ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.Int(0) : 0;
}

}  // namespace vigil
