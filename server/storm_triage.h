// Storm triage: one diagnosis for a storm incident (server/incident_store.h: one Alertmanager
// request of many alerts, grouped by what they share) from all its alerts, instead of one triage
// per alert.
//
// The case (BuildStormCase): agents/alert_triage.h's BuildTriageCase for the storm's lead alert
// (its earliest: metrics of its node when Prometheus is set, Alertmanager's co-firing alerts on
// it), and every other member alert as one line of a log `<node>[/gpu<N>]/alertmanager co-firing
// alerts` (AlertLogLine / AlertLogSource with the member's own node; a member on no node under
// `job/...`), the form alert triage gives the alerts co-firing on a node, so that the reasoner
// reads each member's fact (an Xid, a node down) on its own node and GPU, counts them as alerts
// (not first-hand evidence: an answer that rests on them is "suspected"), and its multi-node rule
// ("the same fault on several nodes points at what they share") sees them all. At most
// `max_member_lines` member lines (the earliest first; the cut said in the notes). With
// `options.job_logs`, the jobs' own logs (LOGC2): each distinct job the members name read once
// (agents/job_logs.h AddStormJobLogs, capped by `job_log_limits`), as logs `job/<id>/...`; the lead
// alert's triage does not read its job on its own.
//
// The answer (TriageStorm): DiagnosisAgent over that case, then the storm's facts (StormFacts)
// put in front: `storm` in the report JSON, the summary starting "storm of N alerts on K nodes
// (XidError x224, ...) sharing rack=r7, cluster=train-a; earliest: XidError on node-00 GPU 0 at
// ...: " and a first `unverified` note naming what they share and saying to look there first.
// Each distinct alert expression of the members (generatorURL's g0.expr) is evaluated once through
// `options.evaluate_expression` over the window of the alerts carrying it (its grid's last point at
// the window's end), for every node's series: context evidence of weight 0, notes, and
// `expressions` in the storm_triage trace row (server/HISTORY.md, "Alert storms").
// Ownership: everything in TriageOptions is borrowed. Thread safety: as TriageAlert.
#pragma once

#include <cstddef>
#include <string>

#include "agents/alert_triage.h"
#include "agents/case.h"
#include "agents/job_logs.h"
#include "core/json.h"
#include "core/status.h"
#include "server/incident_store.h"

namespace vigil {

// What a storm's alerts share, from its members (the lead alert alone when it has none):
//   {group, alerts, firing, resolved, nodes (count), alerts_per_node {node: n} (every node, "" for
//    alerts on no node), alertnames {name: n}, shared_labels {label: value} (labels equal on every
//    alert but alertname, severity and the per-alert ones: a node label, instance, gpu, UUID,
//    device, pci_bus_id), node_name_prefix (the nodes' names' common start up to its last `-`,
//    `_` or `.`; "" when none or one node), earliest {alertname, node, gpu, starts_at, fingerprint}}.
Json StormFacts(const StoredIncident& incident);
// "storm of 896 alerts on 28 nodes (XidError x224, ...) sharing rack=r7, cluster=train-a; earliest:
// XidError on rack7-node-00 GPU 0 at 2026-11-28T03:14:00Z" from StormFacts.
std::string StormSentence(const Json& facts);

// See the file comment. InvalidArgument for an incident without storm_key.
Result<DiagnosisCase> BuildStormCase(const StoredIncident& incident, const TriageOptions& options,
                                     size_t max_member_lines = 5000, const StormJobLogLimits& job_log_limits = {});

// See the file comment: the DiagnosisReport JSON with `storm`.
Result<Json> TriageStorm(const StoredIncident& incident, const TriageOptions& options,
                         size_t max_member_lines = 5000, const StormJobLogLimits& job_log_limits = {});

}  // namespace vigil
