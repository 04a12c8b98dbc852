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
// What the on-call engineer finally found (SetResolution: root cause, summary, what fixed it, who)
// is kept beside the incident in table `resolutions` (schema version 2; a version-1 database,
// written before 2026-12-01 FB, is migrated on Open by adding the table: its rows are kept and
// read as before). Schema version 3 (2026-12-01, SV) adds incidents.retry_at_ms (ALTER TABLE on
// Open; older rows read 0: due). Schema version 4 (2026-12-01, K5) adds table `meta` with the
// store's id (see store_id()). Schema version 5 (2026-12-03, STORM) adds incidents.storm_key and
// incidents.batch (ALTER TABLE on Open; older rows read "" and each its own batch) and table
// `incident_alerts` (the member alerts of a storm incident). Schema version 8 (2026-12-05, STM1)
// adds incidents.group_key (the webhook's Alertmanager groupKey) and incidents.merged_into (the
// storm incident an earlier webhook's incident of one alert was joined to; see
// IntakeOptions::group_key). Schema version 9 (2026-12-05, STM2) adds incident_alerts.merged_from
// (the storm incident a member was moved from when that storm was merged into another). Schema
// version 10 (2026-12-05, STM3) adds table incident_alert_moves (every move of a member alert from
// one storm incident to another: a storm merged twice, A into B then B into C, still lists every alert
// it held; a storm split over two groups lists the alerts it gave each); a version-9 file's moves are
// rebuilt on Open from merged_from and the merged_into chain. A vigil older than this refuses a newer
// file ("newer vigil").
//
// Alert storms (STORM, 2026-12-03): a request of at least IntakeOptions::storm_min_alerts alerts (a
// rack losing power, a leaf switch failing: one Alertmanager group of hundreds of alerts) does not
// make one incident per alert. Its new alerts are split by what they share (StormGroups: a
// topology label - rack, pdu, switch, leaf_switch, leaf, tor - on the alert or on another alert
// of the request on the same node; else, for an alert on a node, the Slurm job its labels (or the
// other alerts of its node, when they name one job only) name, "job=<id>" (LOGC2: each job's storm
// is triaged with its own job's log); else "nodes"; else the alert's `job` label),
// and each group of 2 or more alerts becomes ONE incident (storm_key = the group, e.g.
// "rack=r7"), triaged once over all its alerts; its alert is the group's earliest (the lead), and
// every alert is kept in `incident_alerts` (members), each with its own fingerprint, startsAt and
// resolved_at. A group of one alert is an incident of its own, as in a small request. Later
// requests: a member alert again (Alertmanager's repeat, the group re-sent) is a duplicate of its
// storm incident; a member's resolved notification marks the member, and the storm incident is
// resolved when its last member is (resolved_at: the latest member's); a new alert of a group
// whose alerts in this request already belong to an open (unresolved) storm incident joins that
// incident, whatever the request's size. The queue bound counts incidents, so a grouped storm of
// thousands of alerts takes a few places.
//
// Re-diagnosis (STORM2, 2026-12-03): Alertmanager re-sends a group with alerts added, and a
// diagnosed storm incident then has more members than its diagnosis read. When an Intake call
// joins alerts to (or repeats alerts of) an open, diagnosed storm incident, or Finish stores a
// storm diagnosis while alerts joined during its triage, StormRediagnoseReason decides: due when
// the members are half as many again as the diagnosis read (storm_rediagnose_growth) or a member
// is on a node the diagnosis did not read. Due: the incident is queued again (state `queued`,
// attempts 0, its earlier diagnosis kept and shown until the new one is stored; a failed
// re-diagnosis keeps it too) with retry_at = its last diagnosis + storm_rediagnose_interval_ms, so
// at most once per interval per incident, and only when the queue has room (queued < queue_max;
// else it stays diagnosed and the next notification of its group asks again). Logged with the
// reason; `IntakeResult::rediagnose` lists it.
//
// Fairness: ClaimNext goes round-robin over requests (batches): the oldest due incident of the
// batch whose last triage started longest ago (a batch never claimed from first; then the oldest
// batch): an incident of a small webhook waits for at most the triages already running, not behind
// every incident of an earlier large webhook, and two large webhooks take turns.
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
#include <set>
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

// The on-call engineer's account of an incident (POST /api/v1/incidents/{id}/resolution).
struct IncidentResolution {
  std::string root_cause;  // a taxonomy category (checked by the caller)
  std::string summary;     // what was found
  std::string resolution;  // what fixed it
  std::string by;          // who says so
  int64_t posted_ms = 0;   // when it was stored (the latest post)
  std::string kb_id;       // the knowledge-base incident made from it; "" until imported
  std::string kb_error;    // why the latest import into the knowledge base failed; "" otherwise

  // {root_cause, summary, resolution, by, posted_at, knowledge_base: {id} | {error}}.
  Json ToJson() const;
};

// One alert of a storm incident (see the file comment).
struct StormMember {
  std::string fingerprint;
  int64_t starts_at_ms = 0;
  int64_t received_ms = 0;     // when it was first recorded
  int64_t resolved_at_ms = 0;  // 0 while firing
  Alert alert;                 // as received
};

// GET /api/v1/incidents' filters (IncidentStore::Search), all ANDed; an empty one is no filter.
struct IncidentQuery {
  std::string status;       // List's filter: a triage state, resolved, stopped, firing, open
  std::string fingerprint;  // the incident's alert's, or a storm member's
  // A host: an alert label naming a node (agents/node_names.h kNodeLabelKeys: Hostname, node,
  // instance's host ...) of the incident's alert or a storm member, or the node of the diagnosed
  // component ("node-3/gpu5"); compared as SameNodeName does ("node-3" finds node-3.cluster.local).
  std::string node;
  std::string alertname;    // the alert's (a storm: any member's), exact
  std::optional<int64_t> since_ms, until_ms;  // the incident's startsAt within [since, until]
  // The list's cursor (RV9): only incidents of a smaller id, i.e. the page after one whose last
  // incident had this id (Search's order is id, newest first; ids are unique, so no tie repeats or
  // skips, as paging by `until` did for incidents sharing one startsAt).
  std::optional<int64_t> before_id;
  size_t limit = 50;
};

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
  std::string error;            // why triage failed (state failed), or the last attempt's error
                                // (queued again by Retry)
  int64_t retry_at_ms = 0;      // queued by Retry: not claimed before this (0: at once)
  double triage_seconds = 0;    // the last triage's wall time
  Alert alert;                  // as received (core/domain.h JSON)
  Json diagnosis;               // the DiagnosisReport JSON (ToJson) once diagnosed, else null
  std::optional<IncidentResolution> resolution;  // the engineer's, once posted
  // Storms (see the file comment): the group ("rack=r7", "nodes", "job=x"); "" for an incident of
  // one alert. `alert` is then the group's earliest alert.
  std::string storm_key;
  int64_t batch = 0;            // the request that created it (the id of its first incident)
  int64_t storm_alerts = 0;     // members (storm incidents; List, Get and ClaimNext)
  int64_t storm_firing = 0;     // ... not resolved
  std::vector<StormMember> members;  // Get and ClaimNext only, in startsAt order
  // STM1 (schema version 8): the webhook's Alertmanager groupKey ("" when sent without one), and
  // the storm incident this one was joined to (0: none). A merged incident is never claimed; its
  // `state` is the one it had (a running triage still ends and its result is kept, superseded);
  // ToJson says `state: "merged"`, `merged_into` and `state_when_merged`.
  std::string group_key;
  int64_t merged_into = 0;
  // STM3 (List, Get): where a merged incident's alerts are now. `merged_into_now`: the end of the
  // merged_into chain (A merged into B, B later into C: C), 0 for a chain that never ends in an
  // unmerged incident (a cycle or a missing row: only a store edited by hand). `members_now_in`: for
  // a merged storm, incident -> how many of its alerts that incident holds now (a storm whose alerts
  // went to two groups' storms names both).
  int64_t merged_into_now = 0;
  std::map<int64_t, int64_t> members_now_in;
  // STM4 (List, Get): for a storm not merged, the storms holding the alerts it gave away (some of its
  // alerts were in other groups' storms later, the rest stayed): incident -> alerts. ToJson: storm.gave.
  std::map<int64_t, int64_t> gave_to;

  // "merged into storm incident #4" (and ", now in #9" along a chain, or "; its alerts are now in #4
  // (8), #5 (4)" for a storm split over two); "" when not merged. The chat's status says this.
  std::string MergedText() const;

  // {id, state, rule, severity, fingerprint, starts_at, received_at, updated_at, resolved_at?,
  // attempts, error?, retry_at? (queued by Retry), triage_seconds?}; times RFC 3339 (starts_at null
  // for an alert sent without startsAt). With `full`, also `alert`, `diagnosis`
  // and `resolution` (IncidentResolution::ToJson plus `diagnosis_agreed`: see
  // ResolutionAgreement); without, the diagnosis' root_cause, component and confidence when it has
  // them and the resolution's root cause as `resolution_root_cause`. A storm incident also has
  // `storm`: {group, alerts, firing, resolved} and, with `full`, `members` (one object per alert:
  // fingerprint, alertname, node, gpu when it has one, severity, starts_at, resolved_at, summary).
  Json ToJson(bool full) const;
};

// Whether a diagnosis (DiagnosisReport JSON) agreed with the engineer's root cause:
// {"diagnosed_root_cause": X | null, "agreed": X == root_cause, "hypothesis_rank": 1-based rank of
// root_cause among the diagnosis' hypotheses | null}. A diagnosis that is null (triage failed)
// gives {"diagnosed_root_cause": null, "agreed": false, "hypothesis_rank": null}.
Json ResolutionAgreement(const Json& diagnosis, std::string_view root_cause);

// The knowledge-base id of incident `id`'s resolution in the store `store_id`
// (IncidentStore::store_id()): "vigil-serve-<store_id>-incident-N", or, for store_id "" (a store
// that had imported resolutions before store ids), the old "vigil-serve-incident-N".
std::string KnowledgeIncidentId(std::string_view store_id, int64_t id);

struct StormIntake {
  int64_t incident = 0;
  std::string group;     // StoredIncident::storm_key
  size_t new_alerts = 0; // members added by this call
  bool created = false;  // the incident is new (else the alerts joined an open one)
};

// An incident of an earlier webhook joined to a storm incident by this call (STM1).
struct MergedIncident {
  int64_t incident = 0;
  int64_t into = 0;       // the storm incident
  std::string state;      // its triage state then: queued (cancelled), running, diagnosed, failed (kept)
  bool storm = false;     // STM2: a storm incident whose alerts are in another group's storm now
  // STM3: the other storm incidents that took some of its alerts (a storm whose re-sent alerts fall
  // in two or more other groups: each alert goes to its group's storm; `into` took the most).
  std::vector<int64_t> also_into;
};

// An open incident of one alert, made within the merge window, whose alert this call sends again in
// a storm's group but that was made from a webhook of another groupKey: left an incident of its own,
// and said (STM2). STM3: also an incident (or a storm) whose alert is sent again with other labels
// than stored (a fingerprint reused): its stored alert stays as it was and it is not merged.
struct NotMerged {
  int64_t incident = 0;
  int64_t storm = 0;  // the storm incident its alert's group is in
  std::string why;
};

// STM4: alerts of an incident that is no longer in the store (deleted by hand: `DELETE FROM incidents
// WHERE id=...`, or a retention job that left its alert rows), sent again by this call. A firing one is
// taken as new (grouped as this webhook's new alerts are: a member of its group's storm, or an
// incident of its own) and its old row moves there (incident_alert_moves keeps `deleted` -> where);
// a resolved one marks its old row ended (no incident is made again for an alert that is over).
struct OrphanAlerts {
  int64_t deleted = 0;                 // the incident id its rows still name
  std::map<int64_t, int64_t> into;     // incident holding them now -> alerts
  int64_t ended = 0;                   // resolved notifications of them: their rows marked ended
};

// STM4: a storm of an earlier webhook of this groupKey (within the merge window) of which some re-sent
// alerts are still in its own group and others in other groups' storms now: those move to the storm of
// their group (each move kept in incident_alert_moves); it keeps the rest and stays an incident.
struct SplitIncident {
  int64_t incident = 0;
  std::map<int64_t, int64_t> gave;  // storm incident -> alerts it took
  int64_t kept = 0;                 // alerts it holds now
  bool rediagnose = false;          // diagnosed before: queued again (its diagnosis read the alerts it gave)
};

struct IntakeResult {
  std::vector<int64_t> created;     // new incidents (queued)
  std::vector<int64_t> duplicates;  // a firing alert already recorded (fingerprint + startsAt); a
                                    // storm incident once however many of its alerts came again
  std::vector<int64_t> resolved;    // incidents marked resolved by this call
  std::vector<StormIntake> storms;  // storm incidents created or joined by this call
  // Diagnosed storm incidents this call queued again (StormRediagnoseReason): more alerts than the
  // diagnosis read, or new nodes. Each is claimed no earlier than its retry_at.
  std::vector<int64_t> rediagnose;
  std::vector<MergedIncident> merged;  // STM1: earlier webhooks' incidents joined to a storm
  std::vector<NotMerged> not_merged;   // STM2: such incidents kept apart (another or no groupKey)
  std::vector<OrphanAlerts> orphans;   // STM4: alerts of deleted incidents sent again
  std::vector<SplitIncident> split;    // STM4: storms that gave some alerts to other groups' storms
  // STM4: firing alerts already recorded whose labels this call sends differently (a fingerprint
  // reused by the sender for another alert): incident -> why. Taken as duplicates (the store's key is
  // fingerprint + startsAt), the stored alert kept; inside the merge window also never merged. A
  // storm's member so re-sent (DOG9; STM4 left it silent) names the storm, "a member its alert was
  // sent again ..."; compared only when the fingerprint is not the labels' Alertmanager hash.
  std::vector<NotMerged> relabeled;
  // RV10: resolved notifications for an alert with no incident (vigil never saw it firing: down, or
  // started after it fired): no incident is opened, nothing triaged (its probes would test a state that
  // has ended); the alert's index in the call. An open incident of its fingerprint with an earlier
  // startsAt is resolved instead (`resolved`): Alertmanager keeps one alert per fingerprint.
  std::vector<size_t> resolved_unseen;
};

struct IntakeOptions {
  // A request of at least this many alerts is a storm (see the file comment); 0: never.
  size_t storm_min_alerts = 0;
  // The webhook's Alertmanager `groupKey` ("" when it has none), kept with every incident made
  // (STM1). Alertmanager flushes a group at once when an alert older than group_wait arrives, so a
  // storm's first webhook can hold a few of its alerts and the next (group_interval later) all of
  // them: an open incident of one alert made from a webhook of the same groupKey (both "" counts as
  // the same) at most storm_merge_window_ms ago, whose alert this call sends again firing, joins
  // the storm incident of its group (StormGroups) made or joined by this call: merged_into is set,
  // its alert becomes a member, a queued triage is never claimed, a running or ended one's result
  // is kept. A later webhook of an open storm's groupKey joins it by group (storm_key), whatever
  // its size. STM2: likewise an open storm incident made from an earlier webhook of the same
  // groupKey within the window, whose firing alerts this call re-sends all fall in ONE other group
  // that has a storm incident made or joined by this call (or open): its members move there
  // (incident_alerts.merged_from = it), merged_into is set (IntakeResult::merged, storm = true);
  // not when this call's new alerts joined it in its own group. STM3: when its re-sent alerts fall
  // in two or more other groups, each goes to its group's storm and the storm is merged into the one
  // that took the most (ties: the lowest id), naming the others (MergedIncident::also_into); every
  // group needs a storm, else nothing moves. Every move is kept (incident_alert_moves). A merged
  // storm is never a target; a target merged earlier in the same call is followed to where it went.
  // An incident stored without a groupKey (schema < 8, or a webhook without one) is merged like one
  // of this groupKey when its stored alert carries the same labels as the re-sent one; one stored
  // with another groupKey is not merged: IntakeResult::not_merged. A re-sent alert whose labels
  // differ from the stored one's (a fingerprint reused) never causes a merge (not_merged, why). A
  // storm incident resolved resolves the incidents merged into it. STM4: a storm of which some re-sent
  // alerts are still in its own group gives the others to their groups' storms and stays
  // (IntakeResult::split); alerts of an incident deleted by hand are taken as new (IntakeResult::orphans).
  // 0: nothing merged.
  std::string group_key;
  int64_t storm_merge_window_ms = 15 * 60'000;
};

// The storm group of each alert of a request (see the file comment), in order: "<label>=<value>" of
// the first topology label (rack, pdu, switch, leaf_switch, leaf, tor) the alert carries, or that
// another alert of the request on the same node carries; "job=<id>" for another alert on a node
// (agents/alert_triage.h AlertNode) whose labels name a job id (component_text.h JobIdOfLabels), or
// whose node's alerts name exactly one (not when the request's alerts on nodes name more than 8
// jobs: many jobs at once point at what they share); "nodes" for the other alerts on a node; "job=<job>" for an
// alert on no node; "other" without a job.
std::vector<std::string> StormGroups(const std::vector<Alert>& alerts);

// Why a diagnosed storm incident is to be diagnosed again, or "" when not (see the file comment,
// "Re-diagnosis"): `diagnosis` is the stored report JSON, whose `storm` facts (storm_triage.h
// StormFacts: `alerts`, `alerts_per_node`) say what the diagnosis read; `alerts` and `nodes` are
// the incident's members now. Due when alerts >= (1 + growth) x the alerts read (growth 0.5: half
// as many again), or when a member is on a node the diagnosis did not read (a node name not in
// `alerts_per_node`). A diagnosis without `storm` facts (triaged as its lead alert alone) is never
// re-diagnosed: "". E.g. "24 alerts, 16 when diagnosed (+50%); 2 new node(s): n5, n6".
std::string StormRediagnoseReason(const Json& diagnosis, int64_t alerts, const std::set<std::string>& nodes,
                                  double growth);

// `<data_dir>/incidents.db`: where `vigil serve` keeps its incidents and `vigil kb resolve` finds them.
std::string IncidentStorePath(const std::string& data_dir);

struct IncidentStoreOptions {
  std::string path;                    // the SQLite file; its folder must exist (IncidentStorePath)
  size_t queue_max = 1000;             // queued incidents at most (>= 1)
  std::function<int64_t()> now_ms;     // nullptr: the system clock
  // Re-diagnosis of a diagnosed storm incident that more alerts joined (see the file comment):
  // at most once per this many ms per incident (from its last diagnosis); 0: never.
  int64_t storm_rediagnose_interval_ms = 60'000;
  double storm_rediagnose_growth = 0.5;  // StormRediagnoseReason's growth
};

class IncidentStore {
 public:
  static Result<std::unique_ptr<IncidentStore>> Open(IncidentStoreOptions options);
  ~IncidentStore();
  IncidentStore(const IncidentStore&) = delete;
  IncidentStore& operator=(const IncidentStore&) = delete;

  // This database's id: 16 random hex digits made when the file was created (or migrated to
  // version 4 without imported resolutions), kept in table `meta`, so that knowledge-base entries
  // of a deleted and re-created incidents.db (whose row ids start again at 1) do not collide with
  // the old ones. "" for a store migrated from version <= 3 that had already imported a
  // resolution (its entries keep the old form "vigil-serve-incident-N"; see KnowledgeIncidentId).
  const std::string& store_id() const { return store_id_; }

  // How many rows Open found `running` and put back to `queued`.
  int64_t recovered_on_open() const { return recovered_; }
  // STM4: member alert rows Open found whose incident is no longer in the store (deleted by hand);
  // logged with the incident ids. They are kept; Intake re-homes one when its alert is sent again.
  int64_t orphan_alerts_on_open() const { return orphans_on_open_; }

  // Records a webhook's alerts (see the file comment). A firing alert already known is a
  // duplicate; a resolved one marks its incident resolved (its endsAt, or now), or, when it was
  // never seen (vigil was down while it fired), is recorded as a new incident, queued and
  // resolved. An alert without a fingerprint gets core/rule_plan.h's AlertFingerprint(rule, "",
  // labels). ResourceExhausted when the queue would overflow; nothing is recorded then. Storms:
  // see the file comment.
  Result<IntakeResult> Intake(const std::vector<Alert>& alerts, const IntakeOptions& options = {});

  // A queued incident that is due (retry_at_ms <= now), now `running` with attempts + 1: the
  // oldest of the batch whose last claim is the longest ago, the oldest batch first among equals
  // (see the file comment); a storm incident with its members. nullopt when none is.
  Result<std::optional<StoredIncident>> ClaimNext();
  // running -> diagnosed with the report JSON / -> failed with the error / -> queued again.
  Status Finish(int64_t id, const Json& diagnosis, double seconds);
  Status Fail(int64_t id, std::string_view error, double seconds);
  Status Requeue(int64_t id);
  // running -> queued again after a failed attempt: `error` kept (shown until a later attempt
  // ends), not claimed for `delay_ms` (TriageWorkersOptions::retry_backoff_ms).
  Status Retry(int64_t id, std::string_view error, double seconds, int64_t delay_ms);
  // running -> queued again at once, its triage ended by a stop (`vigil serve` past --stop-wait; RV2,
  // 2026-12-06): `error` kept, and the attempt ClaimNext counted given back - an interrupted triage is
  // no failed attempt (counted, two stops mid-triage left one attempt of retry_backoff_ms's three).
  Status Interrupt(int64_t id, std::string_view error, double seconds);

  // Stores (or replaces: the latest post wins) the engineer's resolution of incident `id`;
  // `kb_id` / `kb_error` of `resolution` are ignored (the earlier kb_id is kept, kb_error
  // cleared; SetResolutionKb records the import). NotFound for an unknown id; FailedPrecondition
  // ("... is queued: ...") while the incident's triage has not finished (queued or running):
  // resolutions are taken for diagnosed and failed incidents only. `posted_ms` is set to now.
  Status SetResolution(int64_t id, const IncidentResolution& resolution);
  // Records the knowledge-base import of incident `id`'s resolution: the KB incident id, or the
  // error of a failed import (kb_id then kept as it was). NotFound when it has no resolution.
  Status SetResolutionKb(int64_t id, std::string_view kb_id, std::string_view kb_error);

  // The record of what incident `id`'s latest triage verified (server/verification_progress.h
  // VerificationBoard::Get once the triage ended), kept with the incident so that a restarted
  // serve still shows it (VER4). Save replaces an earlier one (a retry's, a storm diagnosed again);
  // NotFound for an unknown incident. Load: nullopt when none was saved.
  Status SaveVerification(int64_t id, const Json& verification);
  Result<std::optional<Json>> LoadVerification(int64_t id) const;

  // Newest first. `filter`: a triage state; "resolved" (a resolution recorded), "stopped" (the
  // alert stopped firing, resolution or not), "firing" (the alert not stopped) or "open" (firing,
  // no resolution); empty = all. InvalidArgument for another filter (naming the accepted ones).
  Result<std::vector<StoredIncident>> List(std::string_view filter, size_t limit) const;
  // Newest first, every given filter true (IncidentQuery; schema 11's keys, indexed). InvalidArgument
  // for an unknown status or a node that names no host. List(filter, limit) is Search({filter, limit}).
  Result<std::vector<StoredIncident>> Search(const IncidentQuery& query) const;
  Result<StoredIncident> Get(int64_t id) const;  // NotFound names the id
  // Rows per triage state (every state present, 0 included), and "merged": rows joined to a storm
  // incident (STM1 / STM2), counted there only whatever their triage state; rows whose alert stopped firing
  // (List's "stopped"); rows with a resolution recorded (List's "resolved").
  Result<std::map<std::string, int64_t>> CountByState() const;
  Result<int64_t> CountStoppedFiring() const;
  Result<int64_t> CountResolved() const;

 private:
  IncidentStore(sqlite3* db, int lock_fd, IncidentStoreOptions options);
  Status Init();  // pragmas, schema, recovery
  int64_t Now() const;
  Status Exec(std::string_view sql) const;
  // Storm members (mu_ held): counts always, the alerts with `full`.
  Status LoadMembers(StoredIncident& r, bool full) const;
  // A merged incident's merged_into_now (mu_ held; STM3).
  Status LoadMergedChain(StoredIncident& r) const;
  // Queues diagnosed storm incident `id` again when StormRediagnoseReason says so and the queue
  // has room (mu_ held); true when it did.
  // `forced`: the reason to queue it again whatever it holds (STM4: a storm that gave alerts away).
  Result<bool> MaybeRediagnose(int64_t id, const std::string& forced = "");
  Status SetState(int64_t id, std::string_view from, std::string_view to, const Json* diagnosis,
                  std::string_view error, double seconds);

  sqlite3* db_;
  int lock_fd_;
  IncidentStoreOptions options_;
  int64_t recovered_ = 0;
  int64_t orphans_on_open_ = 0;
  int64_t claim_seq_ = 0;  // the last claim's number (ClaimNext's round-robin; mu_)
  std::string store_id_;
  mutable std::mutex mu_;
};

}  // namespace vigil
