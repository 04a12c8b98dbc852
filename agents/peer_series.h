// The job's other nodes' series for a live alert's triage (TRI2). An alert names one node; the
// readers that compare a node with its peers need the peers' series too, which a case file carries
// and live triage, scoped to the alert's node, did not read:
//   - the pause-storm sender (pause_series.h, FindPauseSenderSeries): node_exporter's
//     `node_ethtool_(tx|rx)_*pause*` frame counters of several hosts;
//   - the knowledge base's job-wide metric conditions (those aggregating `by (job ...)`: a rank's
//     step or compute time against the job's median, grad-norm spread across replicas), whose
//     metrics are read under the alert's `job` alone, not its node.
// (The other metric comparisons - a GPU's utilisation or telemetry against its node's other GPUs,
// `avg by (Hostname)` conditions - stay within the alert's node, which the triage reads whole.)
//
// Which peers (PeerNodes), bounded and said:
//   1. the alert's `job`: the nodes its series name over the window (one instant query,
//      `group by (<node labels>) (last_over_time({job="J"}[window]))`, at most 4 x max_nodes groups);
//   2. else (no `job`, or its series name no other node) the nodes sharing the alert's first of
//      `switch`, `leaf`, `rack`, `cluster` (the same query under that label);
//   the alert's own node (any of its names) left out, at most `max_nodes` of them (the first by
//   name; the cut said). No Slurm connector exists (connectors/): a Slurm job id is read only as a
//   label its series share.
// What is read of them (ReadPeerSeries): the pause counters of the peers and of the alert's node,
// under any of Hostname, hostname, node, nodename, host (the node's name) or instance (its host,
// a port allowed), one query_range over the triage window at `step_ms`; series whose node is none of
// those asked (a regex near miss: another domain) dropped; at most `max_series` kept; and the
// job-wide names under `job` alone (each at most `max_series` series). Everything cut, skipped,
// empty or failed is a note; a failure ends the reading (the alert's own triage is untouched), and
// Unavailable / DeadlineExceeded sets `source_down`.
// Pure apart from the queries it is handed; thread safe when they are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "agents/alert_triage.h"
#include "agents/node_names.h"
#include "connectors/metric_source.h"
#include "core/domain.h"
#include "core/time_series.h"

namespace vigil {

struct PeerOptions {
  ExpressionEvaluator query;          // Prometheus query_range (required; empty: nothing read, said)
  std::string source;                 // names it in notes ("prometheus http://...")
  const MetricSource* metrics = nullptr;  // for the job-wide names (nullptr: not read)
  std::vector<std::string> job_wide;  // names read under the alert's `job` alone
  size_t max_nodes = 32;
  size_t max_series = 256;
  size_t max_points_per_series = 2'000;
  int64_t step_ms = 15'000;
};

struct PeerNodeList {
  std::string scope;               // the selector they share: `job="train-7"`, `rack="r12"`; "" when none
  std::vector<std::string> nodes;  // as their series spell them, the alert's own left out
  std::vector<std::string> notes;
  bool source_down = false;
};
// The peers of the alert's node `own` (see above), from series seen in [start_ms, end_ms).
PeerNodeList PeerNodes(const Alert& alert, const NodeNames& own, const PeerOptions& options, int64_t start_ms,
                       int64_t end_ms);

struct PeerReading {
  std::string scope;                 // PeerNodeList::scope
  std::vector<std::string> nodes;    // the peers read
  std::vector<TimeSeries> series;    // the pause counters (peers' and the alert node's) and job-wide series
  std::vector<std::string> notes;
  bool source_down = false;
};
// PeerNodes, then their series (see above). Never an error.
PeerReading ReadPeerSeries(const Alert& alert, const NodeNames& own, const PeerOptions& options, int64_t start_ms,
                           int64_t end_ms);

// The metric names of the conditions that aggregate by the job (`by (job` / `by(job, ...`): read
// job-wide.
std::vector<std::string> JobWideMetricNames(const std::vector<std::string>& conditions);

// The PromQL selector of the pause-frame counters (pause_series.h's names) of the nodes named
// `names`, under every node label and `instance`; "" when no name can be written.
std::string PauseSeriesSelector(const std::vector<std::string>& names);

}  // namespace vigil
