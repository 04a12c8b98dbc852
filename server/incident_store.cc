#include "server/incident_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

#include <algorithm>
#include <set>

#include "agents/alert_triage.h"
#include "agents/component_text.h"
#include "agents/node_names.h"
#include "connectors/alertmanager.h"
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
// 5: incidents.storm_key, .batch, .claim_seq (ALTER TABLE) and table incident_alerts (2026-12-03, STORM).
// 6: fingerprints a vigil before DEF5 computed for an alert sent without one are Alertmanager's
//    (2026-12-04, DEF6; RewritePreDef5Fingerprints), so that alert sent again joins its incident.
// 7: table verifications, the ended record of each incident's latest verification (2026-12-04,
//    VER4), added by CREATE TABLE IF NOT EXISTS.
// 8: incidents.group_key (the webhook's Alertmanager groupKey) and incidents.merged_into (the storm
//    incident an earlier webhook's incident was joined to), added by ALTER TABLE (2026-12-05, STM1).
// 9: incident_alerts.merged_from (the storm incident a member was moved from when that storm was
//    merged into another of its groupKey), added by ALTER TABLE (2026-12-05, STM2).
// 10: table incident_alert_moves, every move of a member alert from one storm incident to another
//    (2026-12-05, STM3): added by CREATE TABLE IF NOT EXISTS; a version-9 file's moves are rebuilt
//    from merged_from and the merged_into chain (RebuildMoves).
// 11: tables alert_keys (each stored alert's node names and alertname) and incident_keys (the
//    diagnosed component's node) and index incidents_by_start, for Search's node=, alertname= and
//    since= / until= (2026-12-06, DOG8): added by CREATE ... IF NOT EXISTS; an older file's are
//    filled from its stored alerts and diagnoses on Open (BackfillSearchKeys).
constexpr int kSchemaVersion = 11;

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
  storm_key TEXT NOT NULL DEFAULT '',
  batch INTEGER NOT NULL DEFAULT 0,
  claim_seq INTEGER NOT NULL DEFAULT 0,
  group_key TEXT NOT NULL DEFAULT '',
  merged_into INTEGER NOT NULL DEFAULT 0,
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
CREATE TABLE IF NOT EXISTS incident_alerts(
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  fingerprint TEXT NOT NULL,
  starts_at_ms INTEGER NOT NULL,
  alert_json TEXT NOT NULL,
  received_ms INTEGER NOT NULL,
  resolved_at_ms INTEGER NOT NULL DEFAULT 0,
  merged_from INTEGER NOT NULL DEFAULT 0,
  UNIQUE(fingerprint, starts_at_ms));
CREATE INDEX IF NOT EXISTS incident_alerts_by_incident ON incident_alerts(incident_id);
CREATE TABLE IF NOT EXISTS incident_alert_moves(
  incident_id INTEGER NOT NULL,
  fingerprint TEXT NOT NULL,
  starts_at_ms INTEGER NOT NULL,
  into_id INTEGER NOT NULL,
  moved_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS incident_alert_moves_by_incident ON incident_alert_moves(incident_id);
CREATE INDEX IF NOT EXISTS incident_alert_moves_by_into ON incident_alert_moves(into_id);
CREATE TABLE IF NOT EXISTS verifications(
  incident_id INTEGER PRIMARY KEY REFERENCES incidents(id),
  record_json TEXT NOT NULL,
  saved_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS alert_keys(
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  starts_at_ms INTEGER NOT NULL,
  PRIMARY KEY(key, fingerprint, starts_at_ms)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS incident_keys(
  key TEXT NOT NULL,
  incident_id INTEGER NOT NULL,
  PRIMARY KEY(key, incident_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS incident_keys_by_incident ON incident_keys(incident_id);
CREATE INDEX IF NOT EXISTS incidents_by_start ON incidents(starts_at_ms);
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
    "resolved_at_ms, attempts, error, triage_seconds, diagnosis_json, retry_at_ms, storm_key, batch, "
    "group_key, merged_into";
// kColumns followed by the resolution's (NULL without one): SELECT ... FROM kFromJoined.
constexpr std::string_view kResolutionColumns =
    ", r.root_cause, r.summary, r.resolution, r.by_name, r.posted_ms, r.kb_id, r.kb_error";
constexpr std::string_view kFromJoined = " FROM incidents LEFT JOIN resolutions r ON r.incident_id = incidents.id";
constexpr int kResolutionColumn = 19;  // the first of kResolutionColumns

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

// Schema 6 (DEF6): a vigil before DEF5 (ecf96fa) gave an alert sent without `fingerprint`
// PreDef5Fingerprint(alertname, labels); every vigil since gives it Alertmanager's, so that alert
// sent again to an upgraded vigil would not find its incident and open a second one. A row whose
// fingerprint (column or alert_json) is exactly the old hash of its own stored labels was computed
// that way (an Alertmanager fingerprint or vigil's online AlertFingerprint equal to it would be a
// 64-bit collision) and gets Alertmanager's. A row whose new fingerprint another row already holds
// (the same alert, opened again by an upgraded vigil before this ran) is left as it was, and said.
// Rows are read in chunks of rowid, so the whole table is never in memory. Returns rows rewritten.
Result<int64_t> RewritePreDef5Fingerprints(sqlite3* db, std::string_view table, const std::string& store_path) {
  const std::string t(table);
  ASSIGN_OR_RETURN(kb::Stmt read, Prepare(db, "SELECT rowid, fingerprint, alert_json, starts_at_ms FROM " + t +
                                                  " WHERE rowid > ?1 ORDER BY rowid LIMIT 512"));
  ASSIGN_OR_RETURN(kb::Stmt both, Prepare(db, "UPDATE OR IGNORE " + t + " SET fingerprint=?2, alert_json=?3 "
                                                  "WHERE rowid=?1"));
  ASSIGN_OR_RETURN(kb::Stmt json_only, Prepare(db, "UPDATE " + t + " SET alert_json=?2 WHERE rowid=?1"));
  struct Change {
    int64_t rowid = 0, starts_at_ms = 0;
    bool column = false;
    std::string old_fingerprint, fingerprint, alert_json;
  };
  int64_t rewritten = 0, after = 0;
  for (bool more = true; more;) {
    std::vector<Change> changes;
    read.Reset();
    read.Bind(1, after);
    more = false;
    for (;;) {
      ASSIGN_OR_RETURN(bool row, read.Step());
      if (!row) break;
      more = true;
      after = read.Int(0);
      auto j = ParseJson(read.Text(2), "alert_json");
      if (!j.ok() || !j->is_object()) continue;  // unreadable: left for ReadRow to report, as before
      auto alert = FromJson<Alert>(*j, "alert_json");
      if (!alert.ok()) continue;
      auto name = alert->labels.find("alertname");
      const std::string old = PreDef5Fingerprint(name != alert->labels.end() ? name->second : alert->rule,
                                                 alert->labels);
      const bool column = read.Text(1) == old, in_json = alert->fingerprint == old;
      if (!column && !in_json) continue;
      Change c;
      c.rowid = after;
      c.starts_at_ms = read.Int(3);
      c.column = column;
      c.old_fingerprint = old;
      c.fingerprint = AlertmanagerFingerprint(alert->labels);
      if (in_json) (*j)["fingerprint"] = c.fingerprint;
      c.alert_json = DumpJson(*j);
      changes.push_back(std::move(c));
    }
    for (const Change& c : changes) {
      kb::Stmt& update = c.column ? both : json_only;
      update.Reset();
      update.Bind(1, c.rowid).Bind(2, c.column ? std::string_view(c.fingerprint) : std::string_view(c.alert_json));
      if (c.column) update.Bind(3, c.alert_json);
      RETURN_IF_ERROR(update.Run());
      if (sqlite3_changes(db) == 1) {
        ++rewritten;
        continue;
      }
      LogWarn("serve", "incident store " + store_path + ": " + t + " row " + std::to_string(c.rowid) +
                           " keeps fingerprint " + c.old_fingerprint + " (given by a vigil before DEF5): another row "
                           "already holds the same alert (startsAt " + FormatRfc3339Ms(c.starts_at_ms) +
                           ") under Alertmanager's fingerprint " + c.fingerprint);
    }
  }
  return rewritten;
}

// Incidents waiting in the triage queue (the bound --queue-max sets).
// The incident a merge UPDATE ... RETURNING state, rule marked: its state before and its rule ("?"
// when the row was already merged: nothing returned). Steps the statement to its end.
struct MergedRow {
  std::string state = "?";
  std::string rule = "?";
};
Result<MergedRow> StepMerge(kb::Stmt& merge) {
  MergedRow out;
  ASSIGN_OR_RETURN(bool row, merge.Step());
  if (row) {
    out.state = merge.Text(0);
    out.rule = merge.Text(1);
  }
  while (row) {  // RETURNING: stepped to its end
    ASSIGN_OR_RETURN(row, merge.Step());
  }
  return out;
}

// Search keys (schema 11, DOG8). A node name is kept as NodeNameKey has it ("n:node-3"), and a DNS
// name with dots also by its first label ("n~node-3" for "node-3.cluster.local"), so that one look-up
// of a query's keys (SearchNodeKeys) matches as agents/node_names.h SameNodeName does: "node-3"
// finds "node-3" and "node-3.cluster.local", "node-3.a.example" finds "node-3.a.example" and
// "node-3", never "node-3.b.example" nor "node-30"; an IP address only itself.
bool IsDottedDnsName(const std::string& key) { return !IsIpAddress(key) && key.find('.') != std::string::npos; }

std::vector<std::string> StoredNodeKeys(std::string_view host) {
  const std::string key = NodeNameKey(host);
  if (key.empty()) return {};
  std::vector<std::string> out{"n:" + key};
  if (IsDottedDnsName(key)) out.push_back("n~" + key.substr(0, key.find('.')));
  return out;
}

// The stored alert's keys: every node label's (kNodeLabelKeys: Hostname, node, instance ... each read
// by NodeLabelHost) and its alertname ("a:GPUXidError").
std::set<std::string> AlertSearchKeys(const Alert& alert) {
  std::set<std::string> out;
  for (std::string_view label : kNodeLabelKeys) {
    auto it = alert.labels.find(std::string(label));
    if (it == alert.labels.end()) continue;
    for (std::string& k : StoredNodeKeys(NodeLabelHost(it->second))) out.insert(std::move(k));
  }
  if (!alert.rule.empty()) out.insert("a:" + alert.rule);
  return out;
}

// The diagnosed component's node ("node-3/gpu5" -> node-3; `job` and an empty one name none).
std::vector<std::string> DiagnosisNodeKeys(const Json& diagnosis) {
  if (!diagnosis.is_object() || !diagnosis.contains("component") || !diagnosis["component"].is_string()) return {};
  const std::string component = diagnosis["component"].get<std::string>();
  const std::string node = component.substr(0, component.find('/'));
  if (node.empty() || node == "job" || node == "unknown") return {};
  return StoredNodeKeys(node);
}

Status AddAlertKeys(sqlite3* db, const Alert& alert, std::string_view fingerprint, int64_t starts_at_ms) {
  ASSIGN_OR_RETURN(kb::Stmt s, Prepare(db, "INSERT OR IGNORE INTO alert_keys(key, fingerprint, starts_at_ms) "
                                           "VALUES(?1, ?2, ?3)"));
  for (const std::string& key : AlertSearchKeys(alert)) {
    s.Reset();
    s.Bind(1, key).Bind(2, fingerprint).Bind(3, starts_at_ms);
    RETURN_IF_ERROR(s.Run());
  }
  return Status::Ok();
}

// Replaces incident `id`'s diagnosis keys (a storm diagnosed again may name another node).
Status SetDiagnosisKeys(sqlite3* db, int64_t id, const Json& diagnosis) {
  ASSIGN_OR_RETURN(kb::Stmt del, Prepare(db, "DELETE FROM incident_keys WHERE incident_id=?1"));
  del.Bind(1, id);
  RETURN_IF_ERROR(del.Run());
  ASSIGN_OR_RETURN(kb::Stmt put, Prepare(db, "INSERT OR IGNORE INTO incident_keys(key, incident_id) VALUES(?1, ?2)"));
  for (const std::string& key : DiagnosisNodeKeys(diagnosis)) {
    put.Reset();
    put.Bind(1, key).Bind(2, id);
    RETURN_IF_ERROR(put.Run());
  }
  return Status::Ok();
}

// Schema <= 10 -> 11: the search keys of every stored alert (incidents' own and storm members') and
// diagnosis. Returns the alerts read; a row whose alert JSON cannot be read is skipped (logged).
Result<int64_t> BackfillSearchKeys(sqlite3* db, const std::string& path) {
  int64_t n = 0, unreadable = 0;
  for (std::string_view table : {"incidents", "incident_alerts"}) {
    ASSIGN_OR_RETURN(kb::Stmt rows, Prepare(db, "SELECT fingerprint, starts_at_ms, alert_json FROM " + std::string(table)));
    while (true) {
      ASSIGN_OR_RETURN(bool row, rows.Step());
      if (!row) break;
      auto json = ParseJson(rows.Text(2), "alert_json");
      if (!json.ok() || !json->is_object()) {
        ++unreadable;
        continue;
      }
      auto alert = FromJson<Alert>(*json, "alert_json");
      if (!alert.ok()) {
        ++unreadable;
        continue;
      }
      RETURN_IF_ERROR(AddAlertKeys(db, *alert, rows.Text(0), rows.Int(1)));
      ++n;
    }
  }
  ASSIGN_OR_RETURN(kb::Stmt diagnosed, Prepare(db, "SELECT id, diagnosis_json FROM incidents WHERE diagnosis_json IS NOT NULL"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, diagnosed.Step());
    if (!row) break;
    auto json = ParseJson(diagnosed.Text(1), "diagnosis_json");
    if (json.ok()) RETURN_IF_ERROR(SetDiagnosisKeys(db, diagnosed.Int(0), *json));
  }
  if (unreadable > 0) {
    LogWarn("serve", "incident store " + path + ": " + std::to_string(unreadable) +
                         " stored alerts could not be read; node= / alertname= searches will not find them");
  }
  return n;
}

// Schema 9 -> 10 (STM3): a version-9 store kept only the first storm a moved member came from
// (merged_from) and each merged incident's merged_into; version 9 moved whole storms only, so the
// member's path is merged_from, its merged_into, that one's merged_into ... up to the incident holding
// it now. One incident_alert_moves row per hop (a path that does not reach its holder within 64 hops,
// only a store edited by hand, gets one hop from merged_from to the holder). Returns the rows made.
Result<int64_t> RebuildMoves(sqlite3* db, int64_t now) {
  ASSIGN_OR_RETURN(kb::Stmt rows, Prepare(db, "SELECT fingerprint, starts_at_ms, incident_id, merged_from "
                                              "FROM incident_alerts WHERE merged_from != 0"));
  ASSIGN_OR_RETURN(kb::Stmt next, Prepare(db, "SELECT merged_into FROM incidents WHERE id=?1"));
  ASSIGN_OR_RETURN(kb::Stmt add, Prepare(db, "INSERT INTO incident_alert_moves(incident_id, fingerprint, "
                                             "starts_at_ms, into_id, moved_ms) VALUES(?1, ?2, ?3, ?4, ?5)"));
  struct Row {
    std::string fingerprint;
    int64_t starts_at_ms, holder, from;
  };
  std::vector<Row> all;
  while (true) {
    ASSIGN_OR_RETURN(bool row, rows.Step());
    if (!row) break;
    all.push_back(Row{rows.Text(0), rows.Int(1), rows.Int(2), rows.Int(3)});
  }
  int64_t made = 0;
  for (const Row& r : all) {
    std::vector<std::pair<int64_t, int64_t>> hops;
    int64_t at = r.from;
    while (at != r.holder && hops.size() < 64) {
      next.Reset();
      next.Bind(1, at);
      ASSIGN_OR_RETURN(bool row, next.Step());
      const int64_t to = row ? next.Int(0) : 0;
      if (to == 0) break;
      hops.emplace_back(at, to);
      at = to;
    }
    if (at != r.holder) hops.assign(1, {r.from, r.holder});
    for (const auto& [from, to] : hops) {
      add.Reset();
      add.Bind(1, from).Bind(2, r.fingerprint).Bind(3, r.starts_at_ms).Bind(4, to).Bind(5, now);
      RETURN_IF_ERROR(add.Run());
      ++made;
    }
  }
  return made;
}

Result<int64_t> QueuedCount(sqlite3* db) {
  ASSIGN_OR_RETURN(kb::Stmt count, Prepare(db, "SELECT count(*) FROM incidents WHERE state='queued' AND merged_into=0"));
  ASSIGN_OR_RETURN(bool row, count.Step());
  return row ? count.Int(0) : 0;
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
  r.storm_key = s.Text(15);
  r.batch = s.Int(16);
  r.group_key = s.Text(17);
  r.merged_into = s.Int(18);
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
  // A merged incident (STM1) reads `merged`; the state it had then is `state_when_merged`.
  Json j{{"id", id},
         {"state", merged_into != 0 ? std::string("merged") : state},
         {"rule", rule},
         {"severity", severity},
         {"fingerprint", fingerprint},
         // null when the alert came without startsAt (0), as resolved_at: not 1970 (OPS3).
         {"starts_at", starts_at_ms > 0 ? Json(FormatRfc3339Ms(starts_at_ms)) : Json(nullptr)},
         {"received_at", FormatRfc3339Ms(received_ms)},
         {"updated_at", FormatRfc3339Ms(updated_ms)},
         {"resolved_at", resolved_at_ms > 0 ? Json(FormatRfc3339Ms(resolved_at_ms)) : Json(nullptr)},
         {"attempts", attempts}};
  if (merged_into != 0) {
    j["merged_into"] = merged_into;
    j["state_when_merged"] = state;
    // STM3: merged along a chain (A into B, B into C): where its alert(s) are now.
    if (merged_into_now != merged_into) j["merged_into_now"] = merged_into_now != 0 ? Json(merged_into_now) : Json(nullptr);
  }
  if (!group_key.empty()) j["group_key"] = group_key;
  if (!error.empty()) j["error"] = error;  // failed: why; queued again: the last attempt's error
  if (state == "queued" && retry_at_ms > 0) j["retry_at"] = FormatRfc3339Ms(retry_at_ms);
  if (state == "diagnosed" || state == "failed") j["triage_seconds"] = triage_seconds;
  if (!storm_key.empty()) {
    j["storm"] = Json{{"group", storm_key},
                      {"alerts", storm_alerts},
                      {"firing", storm_firing},
                      {"resolved", storm_alerts - storm_firing}};
    // How many its diagnosis read (fewer than `alerts` when alerts joined after it; see
    // StormRediagnoseReason).
    if (diagnosis.is_object() && diagnosis.contains("storm") && diagnosis["storm"].is_object() &&
        diagnosis["storm"].contains("alerts")) {
      j["storm"]["diagnosed_alerts"] = diagnosis["storm"]["alerts"];
    }
    if (merged_into != 0) {  // STM3: the storms holding its alerts now (two when it was split over two groups)
      Json now_in = Json::array();
      for (const auto& [where, n] : members_now_in) now_in.push_back(Json{{"incident", where}, {"alerts", n}});
      j["storm"]["now_in"] = std::move(now_in);
    }
    if (!gave_to.empty()) {  // STM4: alerts it gave to other groups' storms, where they are now
      Json gave = Json::array();
      for (const auto& [where, n] : gave_to) gave.push_back(Json{{"incident", where}, {"alerts", n}});
      j["storm"]["gave"] = std::move(gave);
    }
    if (full) {
      Json list = Json::array();
      for (const StormMember& m : members) {
        Json e{{"fingerprint", m.fingerprint},
               {"alertname", m.alert.rule},
               {"node", AlertNode(m.alert).second},
               {"severity", m.alert.severity},
               {"starts_at", m.starts_at_ms > 0 ? Json(FormatRfc3339Ms(m.starts_at_ms)) : Json(nullptr)},
               {"resolved_at", m.resolved_at_ms > 0 ? Json(FormatRfc3339Ms(m.resolved_at_ms)) : Json(nullptr)}};
        if (auto g = m.alert.labels.find("gpu"); g != m.alert.labels.end()) e["gpu"] = g->second;
        if (auto a = m.alert.annotations.find("summary"); a != m.alert.annotations.end()) e["summary"] = a->second;
        list.push_back(std::move(e));
      }
      j["members"] = std::move(list);
    }
  }
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
    if (diagnosis.contains("component")) {
      j["component"] = diagnosis["component"];
      // `component` as stored (`job` for a job-wide answer: machines compare it), and in words
      // (RVFIX2, 2026-12-03: people read `job` as a host's name).
      // An unknown root cause has no place (OPS3: its `job` read "the whole job"): kUnknownPlaceText.
      if (diagnosis["component"].is_string()) {
        const std::string root_cause =
            diagnosis.contains("root_cause") && diagnosis["root_cause"].is_string() ? diagnosis["root_cause"].get<std::string>() : "";
        const std::string component = diagnosis["component"].get<std::string>();
        j["component_text"] = RootCausePlaceText(root_cause, component);
      }
    }
    // Rounded to 2 decimals, as the chat and `vigil diagnose` say it (RVFIX2, 2026-12-03: the list
    // showed 0.9083333333333333); the incident's own `diagnosis.confidence` is kept as stored.
    if (diagnosis.contains("confidence")) {
      const Json& c = diagnosis["confidence"];
      j["confidence"] = c.is_number() ? Json(std::round(c.get<double>() * 100) / 100) : c;
    }
  }
  if (resolution) j["resolution_root_cause"] = resolution->root_cause;
  return j;
}

std::string StoredIncident::MergedText() const {
  if (merged_into == 0) return "";
  std::string out = "merged into storm incident #" + std::to_string(merged_into);
  if (members_now_in.size() > 1) {
    out += "; its alerts are now in";
    bool first = true;
    for (const auto& [where, n] : members_now_in) {
      out += first ? " #" : ", #";
      first = false;
      out += std::to_string(where) + " (" + std::to_string(n) + ")";
    }
  } else if (merged_into_now != merged_into) {
    out += merged_into_now != 0 ? ", now in #" + std::to_string(merged_into_now)
                                : ", whose own merge leads nowhere (a cycle or a missing incident)";
    // STM4: its target deleted by hand, its alerts sent again since and held by another storm.
    if (merged_into_now == 0 && members_now_in.size() == 1 && members_now_in.begin()->first != merged_into) {
      out += "; its alerts are now in #" + std::to_string(members_now_in.begin()->first);
    }
  }
  return out;
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
  int64_t version = 0;
  {
    ASSIGN_OR_RETURN(kb::Stmt s, Prepare(raw, "PRAGMA user_version"));
    ASSIGN_OR_RETURN(bool row, s.Step());
    version = row ? s.Int(0) : 0;
    if (version > kSchemaVersion) {
      return FailedPreconditionError("schema version " + std::to_string(version) +
                                     ", written by a newer vigil (this one reads " +
                                     std::to_string(kSchemaVersion) + ")");
    }
  }
  RETURN_IF_ERROR(Exec(kSchema));
  // An older file's incidents table, which CREATE TABLE IF NOT EXISTS left as it was, lacks a column.
  auto lacks_column = [&](std::string_view column, std::string_view table = "incidents") -> Result<bool> {
    ASSIGN_OR_RETURN(kb::Stmt s, Prepare(raw, "SELECT count(*) FROM pragma_table_info('" + std::string(table) +
                                                  "') WHERE name='" + std::string(column) + "'"));
    ASSIGN_OR_RETURN(bool row, s.Step());
    return row && s.Int(0) == 0;
  };
  {  // versions 1 and 2: no retry time
    ASSIGN_OR_RETURN(bool lacks, lacks_column("retry_at_ms"));
    if (lacks) RETURN_IF_ERROR(Exec("ALTER TABLE incidents ADD COLUMN retry_at_ms INTEGER NOT NULL DEFAULT 0"));
  }
  {  // versions <= 4: no storms; each old row is its own batch (claimed oldest first, as before)
    ASSIGN_OR_RETURN(bool lacks, lacks_column("storm_key"));
    if (lacks) {
      RETURN_IF_ERROR(Exec("ALTER TABLE incidents ADD COLUMN storm_key TEXT NOT NULL DEFAULT ''"));
      RETURN_IF_ERROR(Exec("ALTER TABLE incidents ADD COLUMN batch INTEGER NOT NULL DEFAULT 0"));
      RETURN_IF_ERROR(Exec("ALTER TABLE incidents ADD COLUMN claim_seq INTEGER NOT NULL DEFAULT 0"));
      RETURN_IF_ERROR(Exec("UPDATE incidents SET batch=id"));
    }
  }
  {  // versions <= 7: no groupKey kept, nothing merged (STM1)
    ASSIGN_OR_RETURN(bool lacks, lacks_column("merged_into"));
    if (lacks) {
      RETURN_IF_ERROR(Exec("ALTER TABLE incidents ADD COLUMN group_key TEXT NOT NULL DEFAULT ''"));
      RETURN_IF_ERROR(Exec("ALTER TABLE incidents ADD COLUMN merged_into INTEGER NOT NULL DEFAULT 0"));
    }
  }
  {  // versions <= 8: no storm merged into another (STM2)
    ASSIGN_OR_RETURN(bool lacks, lacks_column("merged_from", "incident_alerts"));
    if (lacks) RETURN_IF_ERROR(Exec("ALTER TABLE incident_alerts ADD COLUMN merged_from INTEGER NOT NULL DEFAULT 0"));
  }
  if (version == 9) {  // see RebuildMoves
    RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    auto n = RebuildMoves(raw, Now());
    if (!n.ok()) {
      (void)Exec("ROLLBACK");
      return n.status().WithContext("rebuilding the moves of merged storms' alerts (schema version 10)");
    }
    RETURN_IF_ERROR(Exec("COMMIT"));
    if (*n > 0) {
      LogInfo("serve", "incident store " + options_.path + ": " + std::to_string(*n) +
                           " moves of merged storms' alerts rebuilt from merged_from (schema version 10)");
    }
  }
  // A merged storm's members, read where they were moved (STM2): merged storms' members only.
  RETURN_IF_ERROR(Exec("CREATE INDEX IF NOT EXISTS incident_alerts_by_merged_from ON incident_alerts(merged_from) "
                       "WHERE merged_from != 0"));
  RETURN_IF_ERROR(Exec("CREATE INDEX IF NOT EXISTS incidents_by_batch ON incidents(batch, claim_seq)"));
  // Intake's look-up of an open storm of a webhook's groupKey (STM1), once per webhook: storm rows only.
  RETURN_IF_ERROR(Exec("CREATE INDEX IF NOT EXISTS incidents_by_group ON incidents(group_key) WHERE storm_key != ''"));
  {
    ASSIGN_OR_RETURN(kb::Stmt s, Prepare(raw, "SELECT coalesce(max(claim_seq), 0) FROM incidents"));
    ASSIGN_OR_RETURN(bool row, s.Step());
    claim_seq_ = row ? s.Int(0) : 0;
  }
  if (version < 6) {  // see RewritePreDef5Fingerprints
    RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    int64_t rewritten = 0;
    Status st = Status::Ok();
    for (std::string_view table : {"incidents", "incident_alerts"}) {
      auto n = RewritePreDef5Fingerprints(raw, table, options_.path);
      if (!n.ok()) {
        st = n.status();
        break;
      }
      rewritten += *n;
    }
    if (!st.ok()) {
      (void)Exec("ROLLBACK");
      return st.WithContext("giving stored alerts Alertmanager's fingerprint (schema version 6)");
    }
    RETURN_IF_ERROR(Exec("COMMIT"));
    if (rewritten > 0) {
      LogInfo("serve", "incident store " + options_.path + ": " + std::to_string(rewritten) +
                           " stored alerts sent without a fingerprint now have Alertmanager's (a vigil before "
                           "DEF5 had computed another), so they join their incidents when sent again");
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
  // After the pre-DEF5 rewrite above: the keys name the fingerprints kept.
  if (version < 11) {  // see BackfillSearchKeys
    RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    auto n = BackfillSearchKeys(raw, options_.path);
    if (!n.ok()) {
      (void)Exec("ROLLBACK");
      return n.status().WithContext("indexing stored alerts for search (schema version 11)");
    }
    RETURN_IF_ERROR(Exec("COMMIT"));
    if (*n > 0) {
      LogInfo("serve", "incident store " + options_.path + ": " + std::to_string(*n) +
                           " stored alerts indexed for node= / alertname= search (schema version 11)");
    }
  }
  RETURN_IF_ERROR(Exec("PRAGMA user_version=" + std::to_string(kSchemaVersion)));
  ASSIGN_OR_RETURN(kb::Stmt requeue, Prepare(raw, "UPDATE incidents SET state='queued', updated_ms=?1 "
                                                  "WHERE state='running'"));
  requeue.Bind(1, Now());
  RETURN_IF_ERROR(requeue.Run());
  recovered_ = sqlite3_changes(raw);
  {  // STM4: member rows of incidents deleted by hand (no route deletes one): said, kept; see Intake
    ASSIGN_OR_RETURN(kb::Stmt s, Prepare(raw, "SELECT m.incident_id, count(*), sum(m.resolved_at_ms = 0) FROM "
                                              "incident_alerts m LEFT JOIN incidents i ON i.id = m.incident_id "
                                              "WHERE i.id IS NULL GROUP BY 1 ORDER BY 1"));
    int64_t firing = 0, incidents = 0;
    std::string ids;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      orphans_on_open_ += s.Int(1);
      firing += s.IsNull(2) ? 0 : s.Int(2);
      if (++incidents <= 10) ids += (ids.empty() ? "" : ", ") + std::to_string(s.Int(0));
    }
    if (incidents > 10) ids += " and " + std::to_string(incidents - 10) + " more";
    if (orphans_on_open_ > 0) {
      LogWarn("serve", "incident store " + options_.path + ": " + std::to_string(orphans_on_open_) + " stored alerts (" +
                           std::to_string(firing) + " firing) belong to incident(s) " + ids +
                           " no longer in the store (deleted by hand, or by a retention job that left their "
                           "alerts' rows in incident_alerts): kept; an alert of them sent again firing is taken as new "
                           "(its group's storm, or an incident of its own) and its row moves there, one sent resolved "
                           "marks its row ended; storms merged into those incidents still list them");
    }
  }
  return Status::Ok();
}

std::string KnowledgeIncidentId(std::string_view store_id, int64_t id) {
  return store_id.empty() ? "vigil-serve-incident-" + std::to_string(id)
                          : "vigil-serve-" + std::string(store_id) + "-incident-" + std::to_string(id);
}

namespace {

// The labels that name what a rack's or a switch's nodes share, in the order they are asked.
constexpr std::array<std::string_view, 6> kTopologyLabels = {"rack", "pdu", "switch", "leaf_switch", "leaf", "tor"};

std::string TopologyOf(const Alert& a) {
  for (std::string_view l : kTopologyLabels) {
    auto it = a.labels.find(std::string(l));
    if (it != a.labels.end() && !it->second.empty()) {
      std::string key(l);
      key += "=";
      key += it->second;
      return key;
    }
  }
  return "";
}

// FNV-1a of the text, 16 hex digits.
std::string HashHex(std::string_view text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

int SeverityRank(const std::string& s) {
  if (s == "critical" || s == "page" || s == "error") return 3;
  if (s == "warning" || s == "major") return 2;
  if (s.empty()) return 0;
  return 1;
}

// "storm: XidError x224, NVLinkDown x224, ..." (by count, then name; at most 4 names).
std::string StormRule(const std::vector<const Alert*>& alerts) {
  std::map<std::string, size_t> by_name;
  for (const Alert* a : alerts) ++by_name[a->rule];
  std::vector<std::pair<std::string, size_t>> names(by_name.begin(), by_name.end());
  std::stable_sort(names.begin(), names.end(), [](const auto& x, const auto& y) { return x.second > y.second; });
  std::string rule = "storm: ";
  for (size_t i = 0; i < names.size() && i < 4; ++i) {
    if (i) rule += ", ";
    rule += names[i].first;
    rule += " x";
    rule += std::to_string(names[i].second);
  }
  if (names.size() > 4) {
    rule += " and ";
    rule += std::to_string(names.size() - 4);
    rule += " more";
  }
  return rule;
}

// STM3: "" when the stored alert (alert_json as Intake wrote it) carries the same labels as `now`;
// else why not ("sent again with other labels than stored (fingerprint F reused?): rack r7 -> r8,
// gpu (none) -> 3"; at most 3 labels named), or that the stored alert cannot be read.
std::string LabelsChange(const std::string& stored_json, const Alert& now) {
  auto parsed = ParseJson(stored_json, "stored alert");
  Result<Alert> stored = parsed.ok() ? FromJson<Alert>(*parsed, "stored alert") : Result<Alert>(parsed.status());
  if (!stored.ok()) return "its stored alert cannot be read (" + stored.status().message() + ")";
  if (stored->labels == now.labels) return "";
  std::vector<std::string> changes;
  std::set<std::string> names;
  for (const auto& [k, v] : stored->labels) names.insert(k);
  for (const auto& [k, v] : now.labels) names.insert(k);
  for (const std::string& k : names) {
    auto a = stored->labels.find(k);
    auto b = now.labels.find(k);
    const std::string was = a == stored->labels.end() ? "(none)" : a->second;
    const std::string is = b == now.labels.end() ? "(none)" : b->second;
    if (was != is) changes.push_back(k + " " + was + " -> " + is);
  }
  std::string out = "its alert was sent again with other labels than stored (fingerprint " + now.fingerprint +
                    " reused?): ";
  for (size_t i = 0; i < changes.size() && i < 3; ++i) out += (i ? ", " : "") + changes[i];
  if (changes.size() > 3) out += " and " + std::to_string(changes.size() - 3) + " more";
  return out;
}

}  // namespace

std::vector<std::string> StormGroups(const std::vector<Alert>& alerts) {
  // A node's topology from any of its alerts (node_exporter's NodeDown rarely carries the rack
  // label dcgm-exporter's GPU alerts carry).
  // Likewise a node's job (LOGC2): the job id its alerts name (component_text.h JobIdOfLabels), when
  // they name one only (a node shared by two jobs' alerts is no one job's).
  std::map<std::string, std::string> node_topology;
  std::map<std::string, std::set<std::string>> node_jobs;
  std::vector<std::string> nodes(alerts.size());
  for (size_t i = 0; i < alerts.size(); ++i) {
    nodes[i] = AlertNode(alerts[i]).second;
    const std::string t = TopologyOf(alerts[i]);
    if (!nodes[i].empty() && !t.empty()) node_topology.emplace(nodes[i], t);
    if (std::string job = JobIdOfLabels(alerts[i].labels); !nodes[i].empty() && !job.empty()) {
      node_jobs[nodes[i]].insert(std::move(job));
    }
  }
  // Many jobs alerting at once point at what they share, not at each job: above kMaxStormJobGroups
  // jobs the alerts on nodes stay one group ("nodes"; its triage reads the first jobs' logs).
  constexpr size_t kMaxStormJobGroups = 8;
  std::vector<std::string> jobs(alerts.size());
  std::set<std::string> distinct;
  for (size_t i = 0; i < alerts.size(); ++i) {
    if (nodes[i].empty() || !TopologyOf(alerts[i]).empty() || node_topology.count(nodes[i])) continue;
    jobs[i] = JobIdOfLabels(alerts[i].labels);
    if (auto js = node_jobs.find(nodes[i]); jobs[i].empty() && js != node_jobs.end() && js->second.size() == 1) {
      jobs[i] = *js->second.begin();
    }
    if (!jobs[i].empty()) distinct.insert(jobs[i]);
  }
  if (distinct.size() > kMaxStormJobGroups) jobs.assign(alerts.size(), std::string());
  std::vector<std::string> out;
  out.reserve(alerts.size());
  for (size_t i = 0; i < alerts.size(); ++i) {
    std::string t = TopologyOf(alerts[i]);
    if (t.empty() && !nodes[i].empty()) {
      auto it = node_topology.find(nodes[i]);
      t = it != node_topology.end() ? it->second : !jobs[i].empty() ? "job=" + jobs[i] : "nodes";
    }
    if (t.empty()) {
      auto job = alerts[i].labels.find("job");
      t = job != alerts[i].labels.end() && !job->second.empty() ? "job=" + job->second : "other";
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::string StormRediagnoseReason(const Json& diagnosis, int64_t alerts, const std::set<std::string>& nodes,
                                  double growth) {
  if (!diagnosis.is_object() || !diagnosis.contains("storm") || !diagnosis["storm"].is_object()) return "";
  const Json& facts = diagnosis["storm"];
  const Json* read = facts.contains("alerts_per_node") && facts["alerts_per_node"].is_object()
                         ? &facts["alerts_per_node"]
                         : nullptr;
  if (!facts.contains("alerts") || !facts["alerts"].is_number_integer() || read == nullptr) return "";
  const int64_t then = facts["alerts"].get<int64_t>();
  std::vector<std::string> fresh;
  for (const std::string& n : nodes) {
    if (!read->contains(n)) fresh.push_back(n);
  }
  const bool grown = then > 0 ? static_cast<double>(alerts) >= (1.0 + growth) * static_cast<double>(then) : alerts > 0;
  if (!grown && fresh.empty()) return "";
  std::string why = std::to_string(alerts);
  why += " alerts, ";
  why += std::to_string(then);
  why += " when diagnosed";
  if (then > 0 && alerts != then) {
    why += " (";
    why += alerts > then ? "+" : "";
    why += std::to_string((alerts - then) * 100 / then);
    why += "%)";
  }
  if (!fresh.empty()) {
    why += "; ";
    why += std::to_string(fresh.size());
    why += " new node(s): ";
    for (size_t i = 0; i < fresh.size() && i < 5; ++i) {
      if (i) why += ", ";
      why += fresh[i];
    }
    if (fresh.size() > 5) why += ", ...";
  }
  return why;
}

Result<bool> IncidentStore::MaybeRediagnose(int64_t id, const std::string& forced) {
  if (options_.storm_rediagnose_interval_ms <= 0) return false;
  ASSIGN_OR_RETURN(kb::Stmt s, Prepare(db_, "SELECT state, updated_ms, diagnosis_json, resolved_at_ms, storm_key "
                                            "FROM incidents WHERE id=?1"));
  s.Bind(1, id);
  ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row || s.Text(0) != "diagnosed" || s.Int(3) != 0 || s.Text(4).empty() || s.IsNull(2)) return false;
  const int64_t diagnosed_ms = s.Int(1);  // a diagnosed, open incident's last change is its Finish
  const std::string group = s.Text(4);
  auto diagnosis = ParseJson(s.Text(2), "diagnosis");
  if (!diagnosis.ok() || !diagnosis->contains("storm")) return false;
  if (forced.empty()) {  // no member added since the diagnosis (Alertmanager's plain repeat): nothing grew, no scan
    const Json& read = (*diagnosis)["storm"];
    ASSIGN_OR_RETURN(kb::Stmt n, Prepare(db_, "SELECT count(*) FROM incident_alerts WHERE incident_id=?1"));
    n.Bind(1, id);
    ASSIGN_OR_RETURN(bool counted, n.Step());
    if (counted && read.is_object() && read.contains("alerts") && read["alerts"].is_number_integer() &&
        n.Int(0) == read["alerts"].get<int64_t>()) {
      return false;
    }
  }
  ASSIGN_OR_RETURN(kb::Stmt m, Prepare(db_, "SELECT alert_json FROM incident_alerts WHERE incident_id=?1"));
  m.Bind(1, id);
  int64_t alerts = 0;
  std::set<std::string> nodes;
  while (true) {
    ASSIGN_OR_RETURN(bool more, m.Step());
    if (!more) break;
    ++alerts;
    auto j = ParseJson(m.Text(0), "member");
    if (!j.ok()) continue;
    auto a = FromJson<Alert>(*j, "member");
    if (a.ok()) nodes.insert(AlertNode(*a).second);
  }
  const std::string why =
      forced.empty() ? StormRediagnoseReason(*diagnosis, alerts, nodes, options_.storm_rediagnose_growth) : forced;
  if (why.empty()) return false;
  std::string what = "incident ";
  what += std::to_string(id);
  what += " (storm ";
  what += group;
  what += ")";
  ASSIGN_OR_RETURN(const int64_t queued, QueuedCount(db_));
  if (queued >= static_cast<int64_t>(options_.queue_max)) {
    LogWarn("serve", what + ": due to be diagnosed again (" + why + ") but the triage queue is full (" +
                         std::to_string(queued) + " queued, --queue-max " + std::to_string(options_.queue_max) +
                         "); its diagnosis is kept, and the next notification of the group asks again");
    return false;
  }
  const int64_t now = Now();
  const int64_t due = std::max(now, diagnosed_ms + options_.storm_rediagnose_interval_ms);
  ASSIGN_OR_RETURN(kb::Stmt q, Prepare(db_, "UPDATE incidents SET state='queued', attempts=0, error='', "
                                            "retry_at_ms=?2, updated_ms=?3 WHERE id=?1 AND state='diagnosed'"));
  q.Bind(1, id).Bind(2, due).Bind(3, now);
  RETURN_IF_ERROR(q.Run());
  if (sqlite3_changes(db_) != 1) return false;
  LogInfo("serve", what + ": queued to be diagnosed again (" + why + "), not before " + FormatRfc3339Ms(due));
  return true;
}

Result<IntakeResult> IncidentStore::Intake(const std::vector<Alert>& given, const IntakeOptions& options) {
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  auto result = [&]() -> Result<IntakeResult> {
    IntakeResult out;
    const int64_t now = Now();
    std::vector<Alert> alerts = given;
    for (Alert& alert : alerts) {
      if (alert.fingerprint.empty()) alert.fingerprint = AlertFingerprint(alert.rule, "", alert.labels);
    }
    ASSIGN_OR_RETURN(kb::Stmt find, Prepare(db_, "SELECT id, resolved_at_ms, storm_key, group_key, received_ms, alert_json "
                                                 "FROM incidents WHERE fingerprint=?1 AND starts_at_ms=?2 AND merged_into=0"));
    ASSIGN_OR_RETURN(kb::Stmt find_member,
                     Prepare(db_, "SELECT m.incident_id, m.resolved_at_ms, i.resolved_at_ms, i.storm_key, "
                                  "i.group_key, i.received_ms, i.id IS NULL FROM incident_alerts m "
                                  "LEFT JOIN incidents i ON i.id = m.incident_id "
                                  "WHERE m.fingerprint=?1 AND m.starts_at_ms=?2"));
    // DOG9: a storm member's stored alert, read when the member is re-sent with a fingerprint that is
    // not its labels' Alertmanager hash (see member_relabeled below).
    ASSIGN_OR_RETURN(kb::Stmt member_alert,
                     Prepare(db_, "SELECT alert_json FROM incident_alerts WHERE fingerprint=?1 AND starts_at_ms=?2"));
    // DOG9: storms whose re-sent firing members carry other labels than stored (storm -> (the first
    // change, of how many members)): said as an incident of one alert is (STM4 left them silent).
    std::map<int64_t, std::pair<std::string, size_t>> member_relabeled;
    // STM4: a member row whose incident is gone (deleted by hand): the alert is taken as new, the row
    // removed here and its move (deleted id -> where the alert went) recorded below.
    ASSIGN_OR_RETURN(kb::Stmt drop_orphan,
                     Prepare(db_, "DELETE FROM incident_alerts WHERE fingerprint=?1 AND starts_at_ms=?2"));
    ASSIGN_OR_RETURN(kb::Stmt insert,
                     Prepare(db_, "INSERT INTO incidents(fingerprint, starts_at_ms, rule, severity, state, "
                                  "alert_json, received_ms, updated_ms, resolved_at_ms, storm_key, group_key) "
                                  "VALUES(?1, ?2, ?3, ?4, 'queued', ?5, ?6, ?6, ?7, ?8, ?9)"));
    ASSIGN_OR_RETURN(kb::Stmt insert_member,
                     Prepare(db_, "INSERT INTO incident_alerts(incident_id, fingerprint, starts_at_ms, alert_json, "
                                  "received_ms, resolved_at_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"));
    ASSIGN_OR_RETURN(kb::Stmt resolve, Prepare(db_, "UPDATE incidents SET resolved_at_ms=?2, updated_ms=?3 "
                                                    "WHERE id=?1"));
    auto resolve_incident = [&](int64_t id, int64_t resolved_at) -> Status {  // said in out.resolved
      resolve.Reset();
      resolve.Bind(1, id).Bind(2, resolved_at).Bind(3, now);
      RETURN_IF_ERROR(resolve.Run());
      out.resolved.push_back(id);
      return Status::Ok();
    };
    ASSIGN_OR_RETURN(kb::Stmt resolve_member,
                     Prepare(db_, "UPDATE incident_alerts SET resolved_at_ms=?3 WHERE fingerprint=?1 AND starts_at_ms=?2"));
    ASSIGN_OR_RETURN(kb::Stmt supersede,
                     Prepare(db_, "UPDATE incident_alerts SET resolved_at_ms=?3 WHERE incident_id=?1 AND "
                                  "fingerprint=?2 AND resolved_at_ms=0 AND starts_at_ms < ?3"));
    ASSIGN_OR_RETURN(kb::Stmt find_instance,
                     Prepare(db_, "SELECT m.incident_id, i.storm_key FROM incident_alerts m "
                                  "JOIN incidents i ON i.id = m.incident_id "
                                  "WHERE m.fingerprint=?1 AND m.resolved_at_ms=0 AND i.resolved_at_ms=0 "
                                  "ORDER BY m.starts_at_ms DESC LIMIT 1"));
    // An alert without startsAt (0: a hand-made sender, Go's zero time) is the open instance of
    // its fingerprint when there is one: matched only by an identical startsAt it opened a second
    // incident for an alert already open (OPS3).
    ASSIGN_OR_RETURN(kb::Stmt open_instance,
                     Prepare(db_, "SELECT starts_at_ms FROM incidents WHERE fingerprint=?1 AND resolved_at_ms=0 "
                                  "UNION ALL SELECT m.starts_at_ms FROM incident_alerts m "
                                  "JOIN incidents i ON i.id = m.incident_id "
                                  "WHERE m.fingerprint=?1 AND m.resolved_at_ms=0 AND i.resolved_at_ms=0 "
                                  "ORDER BY 1 DESC LIMIT 1"));
    ASSIGN_OR_RETURN(kb::Stmt open_earlier,
                     Prepare(db_, "SELECT id FROM incidents WHERE fingerprint=?1 AND resolved_at_ms=0 AND "
                                  "merged_into=0 AND storm_key='' AND starts_at_ms <= ?2 ORDER BY starts_at_ms DESC "
                                  "LIMIT 1"));
    for (Alert& alert : alerts) {
      if (alert.starts_at_ms != 0) continue;
      open_instance.Reset();
      open_instance.Bind(1, alert.fingerprint);
      ASSIGN_OR_RETURN(bool open, open_instance.Step());
      if (open) alert.starts_at_ms = open_instance.Int(0);
    }
    std::map<size_t, std::pair<int64_t, std::string>> instance_of;  // fresh alert -> (storm incident, group)
    std::set<int64_t> duplicate_storms, touched_storms;
    std::map<std::string, int64_t> open_storm_of_group;  // an open storm incident holding this request's alerts
    std::vector<size_t> fresh;                           // alerts not recorded before, in order
    // STM1: incidents of one alert made from an earlier webhook of this webhook's groupKey (within
    // the merge window) whose alert this webhook sends again firing: joined to the storm incident
    // of the alert's group, when there is one (alert index -> incident).
    std::map<size_t, int64_t> mergeable;
    const int64_t merge_since = now - options.storm_merge_window_ms;
    // STM2: the alerts of this webhook that are firing members of an open storm incident (alert
    // index -> storm), and each such storm's groupKey, storm_key and when it was made: a storm
    // made from an earlier webhook of this groupKey (within the window) whose re-sent alerts all
    // fall in ANOTHER group now (StormGroups reads the whole request: a NodeDown without a rack
    // label takes its node's rack from a GPU alert that came later) joins that group's storm.
    struct OpenStorm {
      std::string group_key, storm_key;
      int64_t received_ms = 0;
    };
    std::map<size_t, int64_t> resent_member;
    std::map<int64_t, OpenStorm> resent_storm;
    // Incidents of one alert, open and within the window, whose alert this webhook sends again but
    // made from a webhook of another groupKey, or whose stored alert has other labels than the one
    // sent now (STM3): not merged, but said (the answer's `not_merged`, the log) when their alert is in
    // a storm of this call (alert index -> (incident, why)).
    std::map<size_t, std::pair<int64_t, std::string>> apart;
    // STM4: firing alerts of deleted incidents, taken as new (alert index -> the deleted incident);
    // resolved ones mark their row (deleted incident -> rows marked ended). The alerts already taken
    // as new by this call (a webhook holding one alert twice: the second is the same alert).
    std::map<size_t, int64_t> orphan_of;
    std::map<int64_t, int64_t> orphans_ended;
    std::set<std::pair<std::string, int64_t>> fresh_keys;
    std::vector<size_t> resolved_later;  // resolved alerts of an alert taken as new earlier in this call
    if (!options.group_key.empty()) {  // a later webhook of an open storm's groupKey joins it (by group)
      ASSIGN_OR_RETURN(kb::Stmt open_storms,
                       Prepare(db_, "SELECT id, storm_key FROM incidents WHERE group_key=?1 AND storm_key != '' "
                                    "AND resolved_at_ms=0 AND merged_into=0 ORDER BY id"));
      open_storms.Bind(1, options.group_key);
      while (true) {
        ASSIGN_OR_RETURN(bool row, open_storms.Step());
        if (!row) break;
        open_storm_of_group.emplace(open_storms.Text(1), open_storms.Int(0));
      }
    }
    for (size_t i = 0; i < alerts.size(); ++i) {
      const Alert& alert = alerts[i];
      const bool resolved = alert.state == AlertState::kResolved;
      const int64_t resolved_at = resolved ? (alert.ends_at_ms > 0 ? alert.ends_at_ms : now) : 0;
      find.Reset();
      find.Bind(1, alert.fingerprint).Bind(2, alert.starts_at_ms);
      ASSIGN_OR_RETURN(bool found, find.Step());
      if (found) {
        const int64_t id = find.Int(0);
        if (resolved && find.Int(1) == 0) {
          RETURN_IF_ERROR(resolve_incident(id, resolved_at));
        } else {
          out.duplicates.push_back(id);
          // STM4: the stored alert is the one sent now, or the sender reused its fingerprint for another
          // alert: a duplicate either way (one incident per fingerprint and startsAt), the stored alert
          // kept; said whenever it happens (STM3 compared only within the merge window, for merges).
          std::string change;
          if (!resolved && find.Text(2).empty()) {
            change = LabelsChange(find.Text(5), alert);
            if (!change.empty()) {
              out.relabeled.push_back(NotMerged{id, 0, change});
              LogWarn("serve", "incident " + std::to_string(id) + ": " + change +
                                   ": taken as a duplicate of it (one incident per fingerprint and startsAt), its "
                                   "stored alert kept; a sender that reuses a fingerprint for another alert should "
                                   "leave it out (vigil then computes Alertmanager's from the labels)");
            }
          }
          if (!resolved && find.Int(1) == 0 && find.Text(2).empty() && options.storm_merge_window_ms > 0 &&
              find.Int(4) >= merge_since) {
            // STM3: a groupKey stored as this one, or none (before schema 8, or a webhook without one:
            // unknown, and the alert is re-sent in this group now), merges when the stored alert is
            // the one sent now (same labels: not a fingerprint reused for another alert).
            const std::string stored_key = find.Text(3);
            if (stored_key != options.group_key && !stored_key.empty()) {
              apart.emplace(i, std::make_pair(id, "made from a webhook of another groupKey (" + stored_key + ")"));
            } else if (!change.empty()) {
              apart.emplace(i, std::make_pair(id, change));
            } else {
              mergeable.emplace(i, id);
            }
          }
        }
        continue;
      }
      find_member.Reset();
      find_member.Bind(1, alert.fingerprint).Bind(2, alert.starts_at_ms);
      ASSIGN_OR_RETURN(bool member, find_member.Step());
      if (member && find_member.Int(6) != 0) {  // STM4: its incident was deleted
        const int64_t id = find_member.Int(0);
        if (resolved) {
          if (find_member.Int(1) == 0) {
            resolve_member.Reset();
            resolve_member.Bind(1, alert.fingerprint).Bind(2, alert.starts_at_ms).Bind(3, resolved_at);
            RETURN_IF_ERROR(resolve_member.Run());
            ++orphans_ended[id];
          }
          continue;
        }
        drop_orphan.Reset();
        drop_orphan.Bind(1, alert.fingerprint).Bind(2, alert.starts_at_ms);
        RETURN_IF_ERROR(drop_orphan.Run());
        orphan_of.emplace(i, id);
        member = false;
      }
      if (member) {
        const int64_t id = find_member.Int(0);
        if (find_member.Int(2) == 0) open_storm_of_group.emplace(find_member.Text(3), id);
        if (!resolved && find_member.Int(1) == 0 && find_member.Int(2) == 0) {
          resent_member.emplace(i, id);
          resent_storm.emplace(id, OpenStorm{find_member.Text(4), find_member.Text(3), find_member.Int(5)});
        }
        // DOG9: a firing member re-sent with other labels than stored (a sender reusing a fingerprint
        // for another alert: that alert is not recorded) is said, at any age. Alertmanager's own
        // fingerprint is its labels' hash, so the same fingerprint is the same labels: compared only
        // when it is not (another sender), and Alertmanager's repeats of a storm parse nothing.
        if (!resolved && alert.fingerprint != AlertmanagerFingerprint(alert.labels)) {
          member_alert.Reset();
          member_alert.Bind(1, alert.fingerprint).Bind(2, alert.starts_at_ms);
          ASSIGN_OR_RETURN(bool row, member_alert.Step());
          if (std::string change = row ? LabelsChange(member_alert.Text(0), alert) : ""; !change.empty()) {
            auto& r = member_relabeled[id];
            if (r.first.empty()) r.first = std::move(change);
            ++r.second;
          }
        }
        if (resolved && find_member.Int(1) == 0) {
          resolve_member.Reset();
          resolve_member.Bind(1, alert.fingerprint).Bind(2, alert.starts_at_ms).Bind(3, resolved_at);
          RETURN_IF_ERROR(resolve_member.Run());
          touched_storms.insert(id);
        } else if (duplicate_storms.insert(id).second) {
          out.duplicates.push_back(id);
        }
        continue;
      }
      // The same alert twice in this call (STM4: e.g. a re-homed orphan repeated): the first one stands.
      if (!fresh_keys.emplace(alert.fingerprint, alert.starts_at_ms).second) {
        // RV10: its resolution in the same call (online detection delivers a firing alert and its end
        // together after a store outage): applied once the new incidents are in (was dropped: firing for good).
        if (resolved) resolved_later.push_back(i);
        continue;
      }
      // A new instance (another startsAt) of an alert firing in an open storm incident joins it.
      find_instance.Reset();
      find_instance.Bind(1, alert.fingerprint);
      ASSIGN_OR_RETURN(bool instance, find_instance.Step());
      if (instance) {
        instance_of.emplace(i, std::make_pair(find_instance.Int(0), find_instance.Text(1)));
        open_storm_of_group.emplace(find_instance.Text(1), find_instance.Int(0));
      } else if (resolved) {
        // RV10: a resolved notification for an alert never seen firing opened an incident and queued
        // its triage. It ends the open incident of its fingerprint that started no later (another
        // instance: Alertmanager holds one alert per fingerprint, so that one has ended too); else it
        // is said (resolved_unseen), nothing opened. A storm's resolved alerts still join its incident.
        open_earlier.Reset();
        open_earlier.Bind(1, alert.fingerprint).Bind(2, alert.starts_at_ms);
        ASSIGN_OR_RETURN(bool open, open_earlier.Step());
        if (open) {
          RETURN_IF_ERROR(resolve_incident(open_earlier.Int(0), resolved_at));
          continue;
        }
      }
      fresh.push_back(i);
    }
    for (const auto& [id, r] : member_relabeled) {
      const std::string why = "a member " + r.first +
                              (r.second > 1 ? " (and " + std::to_string(r.second - 1) + " more of its members)" : "");
      out.relabeled.push_back(NotMerged{id, 0, why});
      LogWarn("serve", "storm incident " + std::to_string(id) + ": " + why +
                           ": taken as a duplicate (one alert per fingerprint and startsAt), its stored member kept; a "
                           "sender that reuses a fingerprint for another alert should leave it out (vigil then "
                           "computes Alertmanager's from the labels)");
    }
    // Storm groups of the new alerts: of a storm request, or joining an open storm incident.
    const bool storm = options.storm_min_alerts > 0 && alerts.size() >= options.storm_min_alerts;
    std::vector<std::string> groups;
    std::map<std::string, std::vector<size_t>> fresh_of_group;
    std::map<std::string, std::vector<size_t>> merge_of_group;
    // Only while a re-sent storm is within the window: a plain repeat of an older storm's group (every
    // repeat_interval) does not pay for StormGroups.
    const bool may_merge_storms =
        options.storm_merge_window_ms > 0 &&
        std::any_of(resent_storm.begin(), resent_storm.end(),
                    [&](const auto& st) { return st.second.received_ms >= merge_since; });
    if ((!fresh.empty() || !mergeable.empty() || may_merge_storms) && (storm || !open_storm_of_group.empty())) {
      groups = StormGroups(alerts);
      for (size_t i : fresh) fresh_of_group[groups[i]].push_back(i);
      for (const auto& [i, id] : mergeable) merge_of_group[groups[i]].push_back(i);
    }
    // STM2: the storms to be merged into another group's storm, when none of its firing alerts that
    // this webhook re-sends is in its own group now. STM3: the alerts may fall in two or more other
    // groups; each goes to its group's storm (storm -> group -> its re-sent alerts there). Every such
    // group must have a storm (an open one of this groupKey, or one this webhook makes: a fresh alert
    // of the group), else nothing moves; a storm that this webhook's new alerts join stays; a re-sent
    // alert whose stored labels differ (a fingerprint reused) stops it (said in not_merged).
    std::map<int64_t, std::map<std::string, std::vector<size_t>>> storm_moves;
    // STM4: storms of which some re-sent alerts are still in their own group (or that this webhook's
    // new alerts join) and others in other groups with a storm: those others move (storm -> group ->
    // alerts); the storm stays with the rest.
    std::map<int64_t, std::map<std::string, std::vector<size_t>>> storm_splits;
    std::map<int64_t, std::pair<std::string, size_t>> relabeled;  // storm -> (why, of how many alerts)
    if (may_merge_storms && !groups.empty()) {
      std::map<std::string, size_t> fresh_here;  // fresh alerts that join or make their group's storm
      std::set<int64_t> joined;                  // storms this webhook's new alerts join
      for (size_t i : fresh) {
        if (auto inst = instance_of.find(i); inst != instance_of.end()) {
          joined.insert(inst->second.first);
          continue;
        }
        ++fresh_here[groups[i]];
        if (auto open = open_storm_of_group.find(groups[i]); open != open_storm_of_group.end()) joined.insert(open->second);
      }
      std::map<int64_t, std::map<std::string, std::vector<size_t>>> by_storm;
      for (const auto& [i, id] : resent_member) by_storm[id][groups[i]].push_back(i);
      ASSIGN_OR_RETURN(kb::Stmt member_json, Prepare(db_, "SELECT alert_json FROM incident_alerts "
                                                          "WHERE fingerprint=?1 AND starts_at_ms=?2"));
      for (auto& [id, gs] : by_storm) {
        const OpenStorm& st = resent_storm[id];
        if (st.received_ms < merge_since) continue;
        // STM4: it keeps alerts of its own group: only its alerts in other groups may move (split off).
        const bool stays = gs.count(st.storm_key) > 0 || joined.count(id) > 0;
        if (stays) {
          gs.erase(st.storm_key);
          for (auto g = gs.begin(); g != gs.end();) {  // a group without a storm: its alerts stay here
            g = open_storm_of_group.count(g->first) || (storm && fresh_here.count(g->first)) ? std::next(g) : gs.erase(g);
          }
          if (gs.empty()) continue;
        }
        if (!st.group_key.empty() && st.group_key != options.group_key) {
          LogInfo("serve", "storm incident " + std::to_string(id) + " (" + st.storm_key + ", groupKey " + st.group_key +
                               ") has its alerts in group(s) " + gs.begin()->first + " of a webhook of groupKey " +
                               options.group_key + ": another groupKey, not merged");
          continue;
        }
        bool placed = true;
        for (const auto& [g, members] : gs) {
          placed = placed && (open_storm_of_group.count(g) || (storm && fresh_here.count(g)));
        }
        if (!placed) {
          LogInfo("serve", "storm incident " + std::to_string(id) + " (" + st.storm_key + "): its alerts are in " +
                               std::to_string(gs.size()) + " other group(s), not every one with a storm: not merged");
          continue;
        }
        bool same = true;
        for (const auto& [g, members] : gs) {
          for (size_t i : members) {
            member_json.Reset();
            member_json.Bind(1, alerts[i].fingerprint).Bind(2, alerts[i].starts_at_ms);
            ASSIGN_OR_RETURN(bool row, member_json.Step());
            if (std::string change = row ? LabelsChange(member_json.Text(0), alerts[i]) : ""; !change.empty()) {
              auto& r = relabeled[id];
              if (r.first.empty()) r.first = std::move(change);
              ++r.second;
              same = false;
            }
          }
        }
        if (same) (stays ? storm_splits : storm_moves).emplace(id, std::move(gs));
      }
      for (const auto* moves : {&storm_moves, &storm_splits}) {
        for (const auto& [id, gs] : *moves) {
          for (const auto& [g, members] : gs) {
            auto& m = merge_of_group[g];
            m.insert(m.end(), members.begin(), members.end());  // counted for the lead
          }
        }
      }
    }
    std::map<std::string, size_t> storm_index;  // group -> out.storms index
    auto add_member = [&](int64_t id, const Alert& a) -> Status {
      const int64_t resolved_at = a.state == AlertState::kResolved ? (a.ends_at_ms > 0 ? a.ends_at_ms : now) : 0;
      insert_member.Reset();
      insert_member.Bind(1, id)
          .Bind(2, a.fingerprint)
          .Bind(3, a.starts_at_ms)
          .Bind(4, DumpJson(Json(a)))
          .Bind(5, now)
          .Bind(6, resolved_at);
      RETURN_IF_ERROR(insert_member.Run());
      RETURN_IF_ERROR(AddAlertKeys(db_, a, a.fingerprint, a.starts_at_ms));
      // A new instance of an alert (same fingerprint, a later startsAt: it ended and fired again,
      // or Prometheus restarted and lost its for-state) supersedes the incident's earlier firing
      // one, which Alertmanager will never resolve: it ended when this one started.
      supersede.Reset();
      supersede.Bind(1, id).Bind(2, a.fingerprint).Bind(3, a.starts_at_ms);
      RETURN_IF_ERROR(supersede.Run());
      touched_storms.insert(id);
      return Status::Ok();
    };
    for (size_t i : fresh) {
      const Alert& alert = alerts[i];
      const bool resolved = alert.state == AlertState::kResolved;
      const int64_t resolved_at = resolved ? (alert.ends_at_ms > 0 ? alert.ends_at_ms : now) : 0;
      if (auto inst = instance_of.find(i); inst != instance_of.end()) {  // its earlier instance's incident
        const int64_t id = inst->second.first;
        const std::string& g = inst->second.second;
        auto it = std::find_if(out.storms.begin(), out.storms.end(), [id](const StormIntake& st) { return st.incident == id; });
        if (it == out.storms.end()) {
          StormIntake si;
          si.incident = id;
          si.group = g;
          storm_index.emplace(g, out.storms.size());
          out.storms.push_back(si);
          it = out.storms.end() - 1;
        }
        ++it->new_alerts;
        RETURN_IF_ERROR(add_member(id, alert));
        continue;
      }
      if (!groups.empty()) {
        const std::string& g = groups[i];
        auto done = storm_index.find(g);
        if (done != storm_index.end()) {
          RETURN_IF_ERROR(add_member(out.storms[done->second].incident, alert));
          ++out.storms[done->second].new_alerts;
          continue;
        }
        auto open = open_storm_of_group.find(g);
        const std::vector<size_t>& mates = fresh_of_group[g];
        const std::vector<size_t>& earlier = merge_of_group[g];  // earlier webhooks' alerts (STM1)
        // RV10: a new storm incident needs a firing alert (of this call, or an earlier webhook's).
        const bool some_firing = !earlier.empty() || std::any_of(mates.begin(), mates.end(), [&](size_t j) {
          return alerts[j].state != AlertState::kResolved;
        });
        if (open != open_storm_of_group.end() || (storm && some_firing && mates.size() + earlier.size() >= 2)) {
          StormIntake si;
          si.group = g;
          if (open != open_storm_of_group.end()) {
            si.incident = open->second;
          } else {  // a new storm incident: the group's earliest alert leads it
            std::vector<const Alert*> members;
            const Alert* lead = nullptr;
            std::string severity;
            std::vector<size_t> all = mates;
            all.insert(all.end(), earlier.begin(), earlier.end());
            for (size_t j : all) {
              const Alert* a = &alerts[j];
              members.push_back(a);
              if (lead == nullptr || a->starts_at_ms < lead->starts_at_ms) lead = a;
              if (SeverityRank(a->severity) > SeverityRank(severity)) severity = a->severity;
            }
            std::string key = g;
            key += "\n";
            key += lead->fingerprint;
            insert.Reset();
            insert.Bind(1, "storm-" + HashHex(key))
                .Bind(2, lead->starts_at_ms)
                .Bind(3, StormRule(members))
                .Bind(4, severity)
                .Bind(5, DumpJson(Json(*lead)))
                .Bind(6, now)
                .Bind(7, int64_t{0})
                .Bind(8, g)
                .Bind(9, options.group_key);
            RETURN_IF_ERROR(insert.Run());
            si.incident = sqlite3_last_insert_rowid(db_);
            RETURN_IF_ERROR(AddAlertKeys(db_, *lead, "storm-" + HashHex(key), lead->starts_at_ms));
            si.created = true;
            out.created.push_back(si.incident);
          }
          storm_index.emplace(g, out.storms.size());
          out.storms.push_back(si);
          RETURN_IF_ERROR(add_member(si.incident, alert));
          ++out.storms.back().new_alerts;
          continue;
        }
      }
      if (resolved) {  // RV10: never seen firing, in no storm: no incident opened (see resolved_unseen)
        out.resolved_unseen.push_back(i);
        continue;
      }
      insert.Reset();
      insert.Bind(1, alert.fingerprint)
          .Bind(2, alert.starts_at_ms)
          .Bind(3, alert.rule)
          .Bind(4, alert.severity)
          .Bind(5, DumpJson(Json(alert)))
          .Bind(6, now)
          .Bind(7, resolved_at)
          .Bind(8, "")
          .Bind(9, options.group_key);
      RETURN_IF_ERROR(insert.Run());
      RETURN_IF_ERROR(AddAlertKeys(db_, alert, alert.fingerprint, alert.starts_at_ms));
      out.created.push_back(sqlite3_last_insert_rowid(db_));
    }
    for (size_t i : resolved_later) {  // RV10: see resolved_later
      const Alert& alert = alerts[i];
      const int64_t resolved_at = alert.ends_at_ms > 0 ? alert.ends_at_ms : now;
      find.Reset();
      find.Bind(1, alert.fingerprint).Bind(2, alert.starts_at_ms);
      ASSIGN_OR_RETURN(bool found, find.Step());
      if (found) {
        if (find.Int(1) == 0) RETURN_IF_ERROR(resolve_incident(find.Int(0), resolved_at));
        continue;
      }
      find_member.Reset();
      find_member.Bind(1, alert.fingerprint).Bind(2, alert.starts_at_ms);
      ASSIGN_OR_RETURN(bool member, find_member.Step());
      if (member && find_member.Int(1) == 0) {
        const int64_t id = find_member.Int(0);
        resolve_member.Reset();
        resolve_member.Bind(1, alert.fingerprint).Bind(2, alert.starts_at_ms).Bind(3, resolved_at);
        RETURN_IF_ERROR(resolve_member.Run());
        touched_storms.insert(id);
      }
    }
    // STM1: the earlier webhooks' incidents whose alert is in a storm incident's group now join it.
    if (!mergeable.empty() && !groups.empty()) {
      ASSIGN_OR_RETURN(kb::Stmt merge, Prepare(db_, "UPDATE incidents SET merged_into=?2, updated_ms=?3 WHERE id=?1 "
                                                    "RETURNING state, rule"));
      for (const auto& [i, id] : mergeable) {
        const std::string& g = groups[i];
        int64_t into = 0;
        size_t index = out.storms.size();
        if (auto done = storm_index.find(g); done != storm_index.end()) {
          index = done->second;
          into = out.storms[index].incident;
        } else if (auto open = open_storm_of_group.find(g); open != open_storm_of_group.end()) {
          into = open->second;
        }
        if (into == 0) continue;  // no storm of its group: stays an incident of its own
        if (index == out.storms.size()) {
          StormIntake si;
          si.incident = into;
          si.group = g;
          storm_index.emplace(g, out.storms.size());
          out.storms.push_back(si);
        }
        ++out.storms[index].new_alerts;
        RETURN_IF_ERROR(add_member(into, alerts[i]));
        merge.Reset();
        merge.Bind(1, id).Bind(2, into).Bind(3, now);
        ASSIGN_OR_RETURN(MergedRow merged, StepMerge(merge));
        const std::string& was = merged.state;
        const std::string& rule = merged.rule;
        out.duplicates.erase(std::remove(out.duplicates.begin(), out.duplicates.end(), id), out.duplicates.end());
        out.merged.push_back(MergedIncident{id, into, was, false, {}});
        LogInfo("serve", "incident " + std::to_string(id) + " (" + rule + ", groupKey " + options.group_key +
                             ") merged into storm incident " + std::to_string(into) + " (" + g +
                             "): its alert is now that storm's member; " +
                             (was == "queued"    ? std::string("its queued triage is cancelled")
                              : was == "running" ? std::string("its running triage's result will be kept as superseded")
                                                 : "its " + was + " result is kept as superseded"));
      }
    }
    // STM2: storms of an earlier webhook of this groupKey whose alerts are all in other groups'
    // storms now: their members move there (merged_from keeps the first storm they came from; STM3:
    // incident_alert_moves every move), the storm is merged_into the one that took the most (its
    // queued triage never claimed, a running or ended one's result kept), naming the others.
    if (!storm_moves.empty() || !storm_splits.empty()) {
      // `+incident_id`: found by its UNIQUE (fingerprint, starts_at_ms), not by scanning the storm's members
      // (incident_alerts_by_incident): one alert's move was linear in the storm's size (bench/
      // storm_intake_bench: regroup 2.48x fresh at 10,000 alerts before this).
      // Each move recorded (incident_alert_moves), then made; of one alert, or of every alert left.
      const std::string record_moves =
          "INSERT INTO incident_alert_moves(incident_id, fingerprint, starts_at_ms, into_id, moved_ms) SELECT ?1, "
          "fingerprint, starts_at_ms, ?2, ?3 FROM incident_alerts WHERE ";
      const std::string move_alerts =
          "UPDATE incident_alerts SET incident_id=?2, merged_from=CASE WHEN merged_from=0 THEN ?1 ELSE merged_from END "
          "WHERE ";
      ASSIGN_OR_RETURN(kb::Stmt record_one,
                       Prepare(db_, record_moves + "+incident_id=?1 AND fingerprint=?4 AND starts_at_ms=?5"));
      ASSIGN_OR_RETURN(kb::Stmt move_one, Prepare(db_, move_alerts + "+incident_id=?1 AND fingerprint=?3 AND starts_at_ms=?4"));
      // One alert of incident `from` moved to `to`, the move recorded first; the rows it moved (0 or 1).
      auto move_alert = [&](int64_t from, int64_t to, const Alert& a) -> Result<int64_t> {
        record_one.Reset();
        record_one.Bind(1, from).Bind(2, to).Bind(3, now).Bind(4, a.fingerprint).Bind(5, a.starts_at_ms);
        RETURN_IF_ERROR(record_one.Run());
        move_one.Reset();
        move_one.Bind(1, from).Bind(2, to).Bind(3, a.fingerprint).Bind(4, a.starts_at_ms);
        RETURN_IF_ERROR(move_one.Run());
        return static_cast<int64_t>(sqlite3_changes(db_));
      };
      ASSIGN_OR_RETURN(kb::Stmt record_rest, Prepare(db_, record_moves + "incident_id=?1"));
      ASSIGN_OR_RETURN(kb::Stmt move_rest, Prepare(db_, move_alerts + "incident_id=?1"));
      ASSIGN_OR_RETURN(kb::Stmt merge, Prepare(db_, "UPDATE incidents SET merged_into=?2, updated_ms=?3 WHERE id=?1 "
                                                    "AND merged_into=0 RETURNING state, rule"));
      std::map<int64_t, int64_t> merged_now;  // storms merged by this call -> into
      // The storm of group g: made or joined by this call, else the open one of this groupKey; one merged
      // earlier in this call is followed to where it went (never back to `self`: a cycle ends it, 0).
      auto target_of = [&](const std::string& g, int64_t self) -> int64_t {
        int64_t t = 0;
        if (auto done = storm_index.find(g); done != storm_index.end()) {
          t = out.storms[done->second].incident;
        } else if (auto open = open_storm_of_group.find(g); open != open_storm_of_group.end()) {
          t = open->second;
        }
        for (size_t hops = 0; t != 0 && merged_now.count(t); ++hops) {
          t = hops > merged_now.size() ? 0 : merged_now[t];
        }
        return t == self ? 0 : t;
      };
      auto storm_entry = [&](int64_t into, const std::string& g) -> StormIntake& {
        for (StormIntake& si : out.storms) {
          if (si.incident == into) return si;
        }
        StormIntake si;
        si.incident = into;
        si.group = g;
        storm_index.emplace(g, out.storms.size());
        out.storms.push_back(si);
        return out.storms.back();
      };
      for (auto& [id, gs] : storm_moves) {
        const std::string& own = resent_storm[id].storm_key;
        // Alerts of this webhook joined it in its own group (checked before; kept as a guard).
        if (auto o = storm_index.find(own); o != storm_index.end() && out.storms[o->second].incident == id) continue;
        std::map<std::string, int64_t> into_of;
        std::map<int64_t, size_t> taken;  // target -> re-sent alerts it takes
        bool ok = true;
        for (const auto& [g, members] : gs) {
          const int64_t t = target_of(g, id);
          ok = ok && t != 0;
          into_of[g] = t;
          taken[t] += members.size();
        }
        if (!ok) {
          LogInfo("serve", "storm incident " + std::to_string(id) + " (" + own +
                               "): a group its alerts are in has no storm (or only back to itself): not merged");
          continue;
        }
        int64_t into = 0;
        for (const auto& [t, n] : taken) {
          if (into == 0 || n > taken[into]) into = t;  // the most; ties: the lowest id (map order)
        }
        std::map<int64_t, int64_t> moved_to;
        for (const auto& [g, members] : gs) {
          const int64_t t = into_of[g];
          for (size_t i : members) {
            ASSIGN_OR_RETURN(const int64_t moved, move_alert(id, t, alerts[i]));
            moved_to[t] += moved;
          }
        }
        // The rest (its resolved alerts, a firing one this webhook did not send): to `into`.
        record_rest.Reset();
        record_rest.Bind(1, id).Bind(2, into).Bind(3, now);
        RETURN_IF_ERROR(record_rest.Run());
        move_rest.Reset();
        move_rest.Bind(1, id).Bind(2, into);
        RETURN_IF_ERROR(move_rest.Run());
        moved_to[into] += sqlite3_changes(db_);
        merge.Reset();
        merge.Bind(1, id).Bind(2, into).Bind(3, now);
        ASSIGN_OR_RETURN(MergedRow merged, StepMerge(merge));
        const std::string& was = merged.state;
        const std::string& rule = merged.rule;
        merged_now[id] = into;
        MergedIncident m{id, into, was, true, {}};
        std::string into_group, where;
        for (const auto& [g, t] : into_of) {
          if (t == into) into_group = g;
        }
        for (const auto& [t, n] : moved_to) {
          std::string g;
          for (const auto& [gg, tt] : into_of) {
            if (tt == t) g = gg;
          }
          if (g.empty()) g = storm_index.count(own) ? own : "";
          storm_entry(t, g).new_alerts += static_cast<size_t>(n);
          touched_storms.insert(t);
          if (t != into) m.also_into.push_back(t);
          where += (where.empty() ? "" : ", ") + std::to_string(n) + " to storm incident " + std::to_string(t) +
                   (g.empty() ? std::string() : " (" + g + ")");
        }
        duplicate_storms.erase(id);
        out.duplicates.erase(std::remove(out.duplicates.begin(), out.duplicates.end(), id), out.duplicates.end());
        out.merged.push_back(std::move(m));
        LogInfo("serve", "storm incident " + std::to_string(id) + " (" + rule + ", " + own + ", groupKey " +
                             options.group_key + ") merged into storm incident " + std::to_string(into) + " (" +
                             into_group + "): its alerts are in other groups now and are their storms' members (" + where +
                             "); its " +
                             (was == "queued"    ? std::string("queued triage is cancelled")
                              : was == "running" ? std::string("running triage's result will be kept as superseded")
                                                 : was + " result is kept as superseded"));
      }
      // STM4: storms that keep alerts of their own group give the others to their groups' storms, and stay.
      ASSIGN_OR_RETURN(kb::Stmt kept_alerts, Prepare(db_, "SELECT alert_json FROM incident_alerts WHERE incident_id=?1"));
      ASSIGN_OR_RETURN(kb::Stmt set_rule, Prepare(db_, "UPDATE incidents SET rule=?2, updated_ms=?3 WHERE id=?1 "
                                                       "RETURNING rule, state"));
      for (auto& [id, gs] : storm_splits) {
        const std::string& own = resent_storm[id].storm_key;
        SplitIncident split{id, {}, 0, false};
        std::string where;
        for (const auto& [g, members] : gs) {
          const int64_t t = target_of(g, id);
          if (t == 0) continue;  // its group's storm went back to it: those alerts stay
          int64_t n = 0;
          for (size_t i : members) {
            ASSIGN_OR_RETURN(const int64_t moved, move_alert(id, t, alerts[i]));
            n += moved;
          }
          if (n == 0) continue;
          split.gave[t] += n;
          storm_entry(t, g).new_alerts += static_cast<size_t>(n);
          touched_storms.insert(t);
          where += (where.empty() ? "" : ", ") + std::to_string(n) + " to storm incident " + std::to_string(t) + " (" + g + ")";
        }
        if (split.gave.empty()) continue;
        touched_storms.insert(id);
        // Its rule names what it holds now ("storm: NodeDown x4"); its lead alert stays (its key).
        std::vector<Alert> held;
        kept_alerts.Reset();
        kept_alerts.Bind(1, id);
        while (true) {
          ASSIGN_OR_RETURN(bool row, kept_alerts.Step());
          if (!row) break;
          auto j = ParseJson(kept_alerts.Text(0), "member");
          auto a = j.ok() ? FromJson<Alert>(*j, "member") : Result<Alert>(j.status());
          if (a.ok()) held.push_back(std::move(*a));
        }
        split.kept = static_cast<int64_t>(held.size());
        std::string state = "?";
        if (!held.empty()) {
          std::vector<const Alert*> ptrs;
          for (const Alert& a : held) ptrs.push_back(&a);
          set_rule.Reset();
          set_rule.Bind(1, id).Bind(2, StormRule(ptrs)).Bind(3, now);
          ASSIGN_OR_RETURN(MergedRow r, StepMerge(set_rule));
          state = r.rule;  // RETURNING rule, state: the second column read as `rule`
        }
        int64_t gave = 0;
        std::string to;
        for (const auto& [t, n] : split.gave) {
          gave += n;
          to += (to.empty() ? "#" : ", #") + std::to_string(t);
        }
        // Its diagnosis read the alerts it gave away: diagnosed again over what it holds now.
        ASSIGN_OR_RETURN(split.rediagnose,
                         MaybeRediagnose(id, "it gave " + std::to_string(gave) + " of its alerts to storm incident(s) " + to +
                                                 ", whose groups they are in now; it holds " + std::to_string(split.kept)));
        if (split.rediagnose) out.rediagnose.push_back(id);
        LogInfo("serve", "storm incident " + std::to_string(id) + " (" + own + ", groupKey " + options.group_key +
                             ") keeps " + std::to_string(split.kept) + " alerts of its group; its alerts now in other "
                             "groups are their storms' members (" + where + ")" +
                             (split.rediagnose ? "; queued to be diagnosed again over what it holds"
                                               : state == "diagnosed" ? "; its diagnosis is kept (not queued again now)" : ""));
        out.split.push_back(std::move(split));
      }
    }
    // STM3: a storm's re-sent alert with other labels than stored: the storm is not merged, said.
    for (const auto& [id, r] : relabeled) {
      const std::string why = r.first + (r.second > 1 ? " (and " + std::to_string(r.second - 1) + " more of its alerts)" : "") +
                              ": not merged, its stored alerts kept as they are";
      out.not_merged.push_back(NotMerged{id, 0, why});
      LogWarn("serve", "storm incident " + std::to_string(id) + ": " + why);
    }
    // Incidents kept apart (another groupKey, or none stored) whose alert is in a storm of this call.
    for (const auto& [i, found] : apart) {
      if (groups.empty()) break;
      int64_t into = 0;
      if (auto done = storm_index.find(groups[i]); done != storm_index.end()) into = out.storms[done->second].incident;
      const std::string& why = found.second;
      if (into == 0) continue;
      out.not_merged.push_back(NotMerged{found.first, into, why});
      LogInfo("serve", "incident " + std::to_string(found.first) + ": its alert is in storm incident " +
                           std::to_string(into) + " (" + groups[i] + ", groupKey " + options.group_key +
                           ") but " + why + ": not merged, it stays an incident of its own");
    }
    // STM4: the alerts of deleted incidents this call took as new: where each is now, kept as a move
    // (deleted -> holder: a storm merged into the deleted one still lists them, read where they are).
    if (!orphan_of.empty() || !orphans_ended.empty()) {
      ASSIGN_OR_RETURN(kb::Stmt holder, Prepare(db_, "SELECT incident_id FROM incident_alerts WHERE fingerprint=?1 AND "
                                                     "starts_at_ms=?2 UNION ALL SELECT id FROM incidents WHERE "
                                                     "fingerprint=?1 AND starts_at_ms=?2 AND merged_into=0 LIMIT 1"));
      ASSIGN_OR_RETURN(kb::Stmt record, Prepare(db_, "INSERT INTO incident_alert_moves(incident_id, fingerprint, "
                                                     "starts_at_ms, into_id, moved_ms) VALUES(?1, ?2, ?3, ?4, ?5)"));
      std::map<int64_t, OrphanAlerts> by_deleted;
      for (const auto& [i, deleted] : orphan_of) {
        holder.Reset();
        holder.Bind(1, alerts[i].fingerprint).Bind(2, alerts[i].starts_at_ms);
        ASSIGN_OR_RETURN(bool row, holder.Step());
        if (!row) return InternalError("incident store: alert " + alerts[i].fingerprint + " of deleted incident " +
                                       std::to_string(deleted) + " was taken as new but is held by no incident");
        const int64_t to = holder.Int(0);
        record.Reset();
        record.Bind(1, deleted).Bind(2, alerts[i].fingerprint).Bind(3, alerts[i].starts_at_ms).Bind(4, to).Bind(5, now);
        RETURN_IF_ERROR(record.Run());
        OrphanAlerts& o = by_deleted[deleted];
        o.deleted = deleted;
        ++o.into[to];
      }
      for (const auto& [deleted, n] : orphans_ended) {
        by_deleted[deleted].deleted = deleted;
        by_deleted[deleted].ended = n;
      }
      for (auto& [deleted, o] : by_deleted) {
        std::string what;
        int64_t taken = 0;
        for (const auto& [to, n] : o.into) {
          taken += n;
          what += (what.empty() ? "" : ", ") + std::to_string(n) + " in incident " + std::to_string(to);
        }
        std::string line = "incident " + std::to_string(deleted) + " is no longer in the store (deleted by hand, or by a "
                           "retention job that left its alerts' rows): ";
        if (taken > 0) {
          line += std::to_string(taken) + " of its alerts sent again firing are taken as new alerts of this webhook (" +
                  what + "), their old rows moved there";
        }
        if (o.ended > 0) {
          line += std::string(taken > 0 ? "; " : "") + std::to_string(o.ended) +
                  " of its alerts stopped firing: their rows are marked ended, no incident made for them";
        }
        LogWarn("serve", line);
        out.orphans.push_back(std::move(o));
      }
    }
    // A storm incident is resolved when its last alert is.
    if (!touched_storms.empty()) {
      ASSIGN_OR_RETURN(kb::Stmt state, Prepare(db_, "SELECT count(*), max(resolved_at_ms), sum(resolved_at_ms = 0), "
                                                    "(SELECT resolved_at_ms FROM incidents WHERE id=?1) "
                                                    "FROM incident_alerts WHERE incident_id=?1"));
      // STM3: along a chain too (A merged into B, B into C: C resolved resolves B and A); an incident of
      // one alert so unless its alert still fires as another storm's member (RV1: the storm it joined
      // split over two groups, its alert went to the other one; it resolves with that alert, after this
      // block), a merged storm when every alert it held has ended (below: split over two storms, it
      // stops firing when the last of them does).
      ASSIGN_OR_RETURN(kb::Stmt resolve_merged,
                       Prepare(db_, "WITH RECURSIVE chain(id) AS (SELECT id FROM incidents WHERE merged_into=?1 "
                                    "UNION SELECT i.id FROM incidents i JOIN chain c ON i.merged_into = c.id) "
                                    "UPDATE incidents SET resolved_at_ms=?2, updated_ms=?3 WHERE id IN (SELECT id FROM chain) "
                                    "AND resolved_at_ms=0 AND storm_key='' AND NOT EXISTS (SELECT 1 FROM incident_alerts a "
                                    "WHERE a.fingerprint = incidents.fingerprint AND a.starts_at_ms = incidents.starts_at_ms "
                                    "AND a.resolved_at_ms = 0)"));
      ASSIGN_OR_RETURN(kb::Stmt givers,
                       Prepare(db_, "WITH RECURSIVE src(id) AS (SELECT incident_id FROM incident_alert_moves WHERE into_id=?1 "
                                    "UNION SELECT mv.incident_id FROM incident_alert_moves mv JOIN src ON mv.into_id = src.id) "
                                    "SELECT src.id FROM src JOIN incidents i ON i.id = src.id WHERE i.resolved_at_ms=0"));
      ASSIGN_OR_RETURN(kb::Stmt held,
                       Prepare(db_, "SELECT count(*), max(resolved_at_ms), sum(resolved_at_ms = 0) FROM (SELECT "
                                    "resolved_at_ms, fingerprint, starts_at_ms FROM incident_alerts WHERE incident_id=?1 "
                                    "UNION SELECT a.resolved_at_ms, a.fingerprint, a.starts_at_ms FROM incident_alert_moves mv "
                                    "JOIN incident_alerts a ON a.fingerprint = mv.fingerprint AND a.starts_at_ms = mv.starts_at_ms "
                                    "WHERE mv.incident_id=?1)"));
      for (int64_t id : touched_storms) {
        state.Reset();
        state.Bind(1, id);
        ASSIGN_OR_RETURN(bool row, state.Step());
        if (!row || state.Int(0) == 0 || state.Int(2) > 0 || state.Int(3) != 0) continue;
        resolve.Reset();
        resolve.Bind(1, id).Bind(2, state.Int(1)).Bind(3, now);
        RETURN_IF_ERROR(resolve.Run());
        out.resolved.push_back(id);
        // The incidents merged into it (STM1 / STM2): their alerts are its members, ended now too.
        resolve_merged.Reset();
        resolve_merged.Bind(1, id).Bind(2, state.Int(1)).Bind(3, now);
        RETURN_IF_ERROR(resolve_merged.Run());
      }
      // STM3: storms merged into (or split over) these: resolved when every alert they held has ended.
      std::set<int64_t> merged_storms;
      for (int64_t id : touched_storms) {
        givers.Reset();
        givers.Bind(1, id);
        while (true) {
          ASSIGN_OR_RETURN(bool row, givers.Step());
          if (!row) break;
          merged_storms.insert(givers.Int(0));
        }
      }
      for (int64_t id : merged_storms) {
        held.Reset();
        held.Bind(1, id);
        ASSIGN_OR_RETURN(bool row, held.Step());
        if (!row || held.Int(0) == 0 || held.Int(2) > 0) continue;
        resolve.Reset();
        resolve.Bind(1, id).Bind(2, held.Int(1)).Bind(3, now);
        RETURN_IF_ERROR(resolve.Run());
      }
    }
    // RV1: an incident of one alert merged into a storm resolves when its alert does, wherever that alert
    // is a member now (its storm may have given it to another group's storm).
    if (std::any_of(alerts.begin(), alerts.end(), [](const Alert& a) { return a.state == AlertState::kResolved; })) {
      ASSIGN_OR_RETURN(kb::Stmt resolve_alone,
                       Prepare(db_, "UPDATE incidents SET resolved_at_ms=?3, updated_ms=?4 WHERE fingerprint=?1 "
                                    "AND starts_at_ms=?2 AND storm_key='' AND merged_into != 0 AND resolved_at_ms=0 "
                                    "AND NOT EXISTS (SELECT 1 FROM incident_alerts a WHERE a.fingerprint=?1 "
                                    "AND a.starts_at_ms=?2 AND a.resolved_at_ms=0)"));
      for (const Alert& a : alerts) {
        if (a.state != AlertState::kResolved) continue;
        resolve_alone.Reset();
        resolve_alone.Bind(1, a.fingerprint).Bind(2, a.starts_at_ms).Bind(3, a.ends_at_ms > 0 ? a.ends_at_ms : now).Bind(4, now);
        RETURN_IF_ERROR(resolve_alone.Run());
      }
    }
    if (!out.created.empty()) {
      // The request's batch: its first incident's id (fairness, ClaimNext).
      ASSIGN_OR_RETURN(kb::Stmt batch, Prepare(db_, "UPDATE incidents SET batch=?1 WHERE id >= ?1"));
      batch.Bind(1, *std::min_element(out.created.begin(), out.created.end()));
      RETURN_IF_ERROR(batch.Run());
      ASSIGN_OR_RETURN(const int64_t queued, QueuedCount(db_));
      if (queued > static_cast<int64_t>(options_.queue_max)) {
        return ResourceExhaustedError("the triage queue is full: " + std::to_string(queued - static_cast<int64_t>(out.created.size())) +
                                      " incidents queued, " + std::to_string(out.created.size()) +
                                      " new, at most " + std::to_string(options_.queue_max) +
                                      " (--queue-max); nothing of this request was recorded, retry later");
      }
    }
    // Storm incidents this request added to or repeated: diagnosed again when they grew (see
    // the file comment), in order.
    std::set<int64_t> grown(duplicate_storms.begin(), duplicate_storms.end());
    for (const StormIntake& si : out.storms) {
      if (!si.created) grown.insert(si.incident);
    }
    for (int64_t id : grown) {
      ASSIGN_OR_RETURN(bool queued, MaybeRediagnose(id));
      if (queued) out.rediagnose.push_back(id);
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

Status IncidentStore::LoadMembers(StoredIncident& r, bool full) const {
  if (r.storm_key.empty()) return Status::Ok();
  // A storm merged into another (STM2): its members were moved there. STM3: every alert it ever held
  // (incident_alert_moves: what it gave away, along a chain or to two groups' storms) and what it
  // still holds, each read where it is now (its state as the storm holding it keeps it).
  const std::string rows =
      r.merged_into != 0
          ? std::string("SELECT incident_id, fingerprint, starts_at_ms, received_ms, resolved_at_ms, alert_json "
                        "FROM incident_alerts WHERE incident_id=?1 UNION SELECT a.incident_id, a.fingerprint, "
                        "a.starts_at_ms, a.received_ms, a.resolved_at_ms, a.alert_json FROM incident_alert_moves mv "
                        "JOIN incident_alerts a ON a.fingerprint = mv.fingerprint AND a.starts_at_ms = mv.starts_at_ms "
                        "WHERE mv.incident_id=?1")
          : std::string("SELECT incident_id, fingerprint, starts_at_ms, received_ms, resolved_at_ms, alert_json "
                        "FROM incident_alerts WHERE incident_id=?1");
  r.members_now_in.clear();
  r.gave_to.clear();
  if (r.merged_into == 0) {  // STM4: a storm that gave some of its alerts to other groups' storms
    ASSIGN_OR_RETURN(kb::Stmt g, Prepare(db_, "SELECT a.incident_id, count(DISTINCT a.rowid) FROM incident_alert_moves mv "
                                              "JOIN incident_alerts a ON a.fingerprint = mv.fingerprint AND "
                                              "a.starts_at_ms = mv.starts_at_ms WHERE mv.incident_id=?1 AND "
                                              "a.incident_id != ?1 GROUP BY 1"));
    g.Bind(1, r.id);
    while (true) {
      ASSIGN_OR_RETURN(bool row, g.Step());
      if (!row) break;
      r.gave_to[g.Int(0)] = g.Int(1);
    }
  }
  if (!full) {
    ASSIGN_OR_RETURN(kb::Stmt s, Prepare(db_, "SELECT incident_id, count(*), sum(resolved_at_ms = 0) FROM (" + rows +
                                              ") GROUP BY incident_id"));
    s.Bind(1, r.id);
    r.storm_alerts = r.storm_firing = 0;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      r.storm_alerts += s.Int(1);
      r.storm_firing += s.IsNull(2) ? 0 : s.Int(2);
      if (r.merged_into != 0) r.members_now_in[s.Int(0)] = s.Int(1);
    }
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(kb::Stmt s, Prepare(db_, rows + (r.merged_into != 0 ? " ORDER BY 3, 2" : " ORDER BY starts_at_ms, rowid")));
  s.Bind(1, r.id);
  r.members.clear();
  r.storm_alerts = r.storm_firing = 0;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    StormMember m;
    m.fingerprint = s.Text(1);
    m.starts_at_ms = s.Int(2);
    m.received_ms = s.Int(3);
    m.resolved_at_ms = s.Int(4);
    const std::string where = "incident " + std::to_string(r.id) + " alert " + m.fingerprint;
    auto alert = ParseJson(s.Text(5), where + " alert_json");
    if (!alert.ok()) return DataLossError(alert.status().message());
    auto parsed = FromJson<Alert>(*alert, where + " alert_json");
    if (!parsed.ok()) return DataLossError(parsed.status().message());
    m.alert = std::move(*parsed);
    ++r.storm_alerts;
    if (m.resolved_at_ms == 0) ++r.storm_firing;
    if (r.merged_into != 0) ++r.members_now_in[s.Int(0)];
    r.members.push_back(std::move(m));
  }
  return Status::Ok();
}

Status IncidentStore::LoadMergedChain(StoredIncident& r) const {
  r.merged_into_now = 0;
  if (r.merged_into == 0) return Status::Ok();
  ASSIGN_OR_RETURN(kb::Stmt next, Prepare(db_, "SELECT merged_into FROM incidents WHERE id=?1"));
  std::set<int64_t> seen{r.id};
  int64_t at = r.merged_into;
  while (seen.insert(at).second) {  // a cycle (only a store edited by hand) ends it: 0
    next.Reset();
    next.Bind(1, at);
    ASSIGN_OR_RETURN(bool row, next.Step());
    if (!row) return Status::Ok();  // a missing row: 0
    if (next.Int(0) == 0) {
      r.merged_into_now = at;
      return Status::Ok();
    }
    at = next.Int(0);
  }
  return Status::Ok();
}

Result<std::optional<StoredIncident>> IncidentStore::ClaimNext() {
  std::lock_guard lock(mu_);
  // Fairness, round-robin over requests: of each request (batch) with a due incident its oldest; of
  // those, the one whose batch had a triage started least recently (claim_seq; never: 0), then the
  // oldest.
  ASSIGN_OR_RETURN(kb::Stmt s, Prepare(db_, "UPDATE incidents SET state='running', attempts=attempts+1, updated_ms=?1, "
                                            "claim_seq=?2 "
                                            "WHERE id=(SELECT q.next FROM (SELECT batch, min(id) AS next FROM incidents "
                                            "WHERE state='queued' AND merged_into=0 AND retry_at_ms <= ?1 GROUP BY batch) q "
                                            "ORDER BY (SELECT max(c.claim_seq) FROM incidents c WHERE c.batch = q.batch), "
                                            "q.next LIMIT 1) "
                                            "RETURNING " + std::string(kColumns)));
  s.Bind(1, Now()).Bind(2, ++claim_seq_);
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
  if (Status members = LoadMembers(*r, true); !members.ok()) {  // as an unreadable row: failed, with the reason
    ASSIGN_OR_RETURN(kb::Stmt fail, Prepare(db_, "UPDATE incidents SET state='failed', updated_ms=?2, error=?3 "
                                                 "WHERE id=?1 AND state='running'"));
    fail.Bind(1, claimed_id).Bind(2, Now()).Bind(3, "the stored incident cannot be read: " + members.message());
    RETURN_IF_ERROR(fail.Run());
    return members;
  }
  return std::optional<StoredIncident>(std::move(*r));
}

Status IncidentStore::SetState(int64_t id, std::string_view from, std::string_view to, const Json* diagnosis,
                               std::string_view error, double seconds) {
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));  // the state and the diagnosis' search keys together
  Status st = [&]() -> Status {
    // No diagnosis given (failed, queued again): an earlier one (a storm's, diagnosed again) is kept.
    ASSIGN_OR_RETURN(kb::Stmt s, Prepare(db_, "UPDATE incidents SET state=?2, updated_ms=?3, "
                                              "diagnosis_json=coalesce(?4, diagnosis_json), "
                                              "error=?5, triage_seconds=?6 WHERE id=?1 AND state=?7"));
    s.Bind(1, id).Bind(2, to).Bind(3, Now()).Bind(5, error).Bind(6, seconds).Bind(7, from);
    if (diagnosis) s.Bind(4, DumpJson(*diagnosis));  // else NULL
    RETURN_IF_ERROR(s.Run());
    if (sqlite3_changes(db_) != 1) {
      return FailedPreconditionError("incident " + std::to_string(id) + " is not " + std::string(from));
    }
    if (diagnosis) RETURN_IF_ERROR(SetDiagnosisKeys(db_, id, *diagnosis));
    return Status::Ok();
  }();
  if (!st.ok()) {
    (void)Exec("ROLLBACK");
    return st;
  }
  return Exec("COMMIT");
}

Status IncidentStore::Finish(int64_t id, const Json& diagnosis, double seconds) {
  RETURN_IF_ERROR(SetState(id, "running", "diagnosed", &diagnosis, "", seconds));
  // A storm's alerts that joined while it was triaged (see the file comment).
  std::lock_guard lock(mu_);
  if (auto r = MaybeRediagnose(id); !r.ok()) LogWarn("serve", "incident " + std::to_string(id) + ": " + r.status().message());
  return Status::Ok();
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

Status IncidentStore::Interrupt(int64_t id, std::string_view error, double seconds) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(kb::Stmt s, Prepare(db_, "UPDATE incidents SET state='queued', updated_ms=?2, error=?3, "
                                            "triage_seconds=?4, retry_at_ms=?2, attempts=max(attempts - 1, 0) "
                                            "WHERE id=?1 AND state='running'"));
  s.Bind(1, id).Bind(2, Now()).Bind(3, error).Bind(4, seconds);
  RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(db_) != 1) return FailedPreconditionError("incident " + std::to_string(id) + " is not running");
  return Status::Ok();
}

Status IncidentStore::Requeue(int64_t id) { return SetState(id, "running", "queued", nullptr, "", 0); }

Status IncidentStore::SaveVerification(int64_t id, const Json& verification) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(kb::Stmt s, Prepare(db_, "INSERT OR REPLACE INTO verifications(incident_id, record_json, saved_ms) "
                                            "SELECT id, ?2, ?3 FROM incidents WHERE id=?1"));
  s.Bind(1, id).Bind(2, DumpJson(verification)).Bind(3, Now());
  RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(db_) != 1) return NotFoundError("no incident " + std::to_string(id));
  return Status::Ok();
}

Result<std::optional<Json>> IncidentStore::LoadVerification(int64_t id) const {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(kb::Stmt s, Prepare(db_, "SELECT record_json FROM verifications WHERE incident_id=?1"));
  s.Bind(1, id);
  ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<Json>();
  ASSIGN_OR_RETURN(Json j, ParseJson(s.Text(0), "incident " + std::to_string(id) + "'s stored verification"));
  return std::optional<Json>(std::move(j));
}

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
  IncidentQuery q;
  q.status = std::string(filter);
  q.limit = limit;
  return Search(q);
}

namespace {

// The keys a node= query looks up (see StoredNodeKeys): "node-3" -> n:node-3, n~node-3;
// "node-3.cluster.local" -> n:node-3.cluster.local, n:node-3; an address -> itself.
std::vector<std::string> SearchNodeKeys(std::string_view node) {
  const std::string key = NodeNameKey(NodeLabelHost(node));
  if (key.empty()) return {};
  if (IsIpAddress(key)) return {"n:" + key};
  if (IsDottedDnsName(key)) return {"n:" + key, "n:" + key.substr(0, key.find('.'))};
  return {"n:" + key, "n~" + key};
}

}  // namespace

Result<std::vector<StoredIncident>> IncidentStore::Search(const IncidentQuery& q) const {
  // Every value is bound (?N), never spliced into the SQL.
  std::vector<std::string> where, texts;
  std::vector<int64_t> numbers;
  // The parameter's name, ?101... for texts, ?201... for numbers (appended: GCC 12's -Wrestrict
  // misfires on "x" + std::string).
  auto param = [](size_t n) {
    std::string p = "?";
    p += std::to_string(n);
    return p;
  };
  auto text = [&](std::string v) {
    texts.push_back(std::move(v));
    return param(100 + texts.size());
  };
  auto number = [&](int64_t v) {
    numbers.push_back(v);
    return param(200 + numbers.size());
  };
  // "?101, ?102": the keys bound, for `IN (...)`.
  auto in_list = [&](const std::vector<std::string>& keys) {
    std::string in;
    for (const std::string& k : keys) {
      if (!in.empty()) in += ", ";
      in += text(k);
    }
    return in;
  };
  const std::string& filter = q.status;
  // "resolved": a resolution recorded, what an on-call engineer means by it and the chat's
  // "resolved incidents" (DEF5, 2026-12-03; before, the alert's end, listed whether fixed or not);
  // the alert's end is "stopped".
  if (filter == "resolved") {
    where.push_back("r.incident_id IS NOT NULL");
  } else if (filter == "stopped") {
    where.push_back("resolved_at_ms > 0");
  } else if (filter == "firing") {
    where.push_back("resolved_at_ms = 0");
  } else if (filter == "open") {  // as the chat's "open incidents" (server/chat.cc IsOpen)
    where.push_back("resolved_at_ms = 0 AND r.incident_id IS NULL");
  } else if (!filter.empty()) {
    bool known = false;
    for (auto st : kStates) known = known || st == filter;
    if (!known) {
      return InvalidArgumentError("unknown status `" + filter +
                                  "`; accepted: queued, running, diagnosed, failed, resolved, stopped, firing, open");
    }
    where.push_back("state=" + text(filter) + (filter == "queued" ? " AND merged_into=0" : ""));  // merged: never claimed
  }
  // An alert's keys match the incident holding it: its own alert, or a storm's member (wherever the
  // member is now: a merged storm's moved alerts are found in the storm holding them).
  auto by_alert_key = [&](const std::vector<std::string>& keys) {
    const std::string in = in_list(keys);
    return "SELECT i.id FROM alert_keys k JOIN incidents i ON i.fingerprint = k.fingerprint AND "
           "i.starts_at_ms = k.starts_at_ms WHERE k.key IN (" + in + ") UNION SELECT m.incident_id FROM alert_keys k "
           "JOIN incident_alerts m ON m.fingerprint = k.fingerprint AND m.starts_at_ms = k.starts_at_ms "
           "WHERE k.key IN (" + in + ")";
  };
  if (!q.fingerprint.empty()) {
    const std::string f = text(q.fingerprint);
    where.push_back("(incidents.fingerprint = " + f + " OR incidents.id IN (SELECT incident_id FROM incident_alerts "
                    "WHERE fingerprint = " + f + "))");
  }
  if (!q.node.empty()) {
    const std::vector<std::string> keys = SearchNodeKeys(q.node);
    if (keys.empty()) return InvalidArgumentError("node `" + q.node + "` names no host");
    const std::string in = in_list(keys);
    where.push_back("incidents.id IN (" + by_alert_key(keys) + " UNION SELECT incident_id FROM incident_keys WHERE key IN (" +
                    in + "))");
  }
  if (!q.alertname.empty()) where.push_back("incidents.id IN (" + by_alert_key({"a:" + q.alertname}) + ")");
  if (q.since_ms) where.push_back("incidents.starts_at_ms >= " + number(*q.since_ms));
  if (q.until_ms) where.push_back("incidents.starts_at_ms <= " + number(*q.until_ms));
  if (q.before_id) where.push_back("incidents.id < " + number(*q.before_id));
  std::string sql = "SELECT " + std::string(kColumns) + std::string(kResolutionColumns) + std::string(kFromJoined);
  for (size_t i = 0; i < where.size(); ++i) sql += (i == 0 ? " WHERE " : " AND ") + where[i];
  sql += " ORDER BY incidents.id DESC LIMIT ?1";
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(kb::Stmt s, Prepare(db_, sql));
  s.Bind(1, static_cast<int64_t>(q.limit));
  for (size_t i = 0; i < texts.size(); ++i) s.Bind(static_cast<int>(101 + i), texts[i]);
  for (size_t i = 0; i < numbers.size(); ++i) s.Bind(static_cast<int>(201 + i), numbers[i]);
  ASSIGN_OR_RETURN(std::vector<StoredIncident> rows, ReadRows(s));
  for (StoredIncident& r : rows) {
    RETURN_IF_ERROR(LoadMembers(r, false));
    RETURN_IF_ERROR(LoadMergedChain(r));
  }
  return rows;
}

Result<StoredIncident> IncidentStore::Get(int64_t id) const {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(kb::Stmt s, Prepare(db_, "SELECT " + std::string(kColumns) + std::string(kResolutionColumns) +
                                                std::string(kFromJoined) + " WHERE id=?1"));
  s.Bind(1, id);
  ASSIGN_OR_RETURN(auto rows, ReadRows(s));
  if (rows.empty()) return NotFoundError("no incident " + std::to_string(id));
  RETURN_IF_ERROR(LoadMembers(rows.front(), true));
  RETURN_IF_ERROR(LoadMergedChain(rows.front()));
  return std::move(rows.front());
}

Result<std::map<std::string, int64_t>> IncidentStore::CountByState() const {
  std::map<std::string, int64_t> out;
  for (auto s : kStates) out[std::string(s)] = 0;
  out["merged"] = 0;
  std::lock_guard lock(mu_);
  // A merged incident counts as `merged` (the state REST shows), whatever its triage state (STM2).
  ASSIGN_OR_RETURN(kb::Stmt s, Prepare(db_, "SELECT CASE WHEN merged_into != 0 THEN 'merged' ELSE state END, count(*) "
                                            "FROM incidents GROUP BY 1"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out[s.Text(0)] = s.Int(1);
  }
  return out;
}

Result<int64_t> IncidentStore::CountStoppedFiring() const {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(kb::Stmt s, Prepare(db_, "SELECT count(*) FROM incidents WHERE resolved_at_ms > 0"));
  ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.Int(0) : 0;
}

// Before DEF6 (2026-12-04) CountResolved counted the alert's end (now CountStoppedFiring).
Result<int64_t> IncidentStore::CountResolved() const {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(kb::Stmt s, Prepare(db_, "SELECT count(*) FROM resolutions r JOIN incidents i ON i.id = r.incident_id"));
  ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.Int(0) : 0;
}

}  // namespace vigil
