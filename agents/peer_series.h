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
//   1. the alert's Slurm job (its slurm_job_id / jobid / job_id / ... label: component_text.h
//      JobIdLabelOfLabels; `4242`, an array task `4242_7`, a component `4242+1`): the nodes its
//      `NodeList` names (connectors/slurm_job.h: `scontrol show job -o` once, the list expanded
//      here), in Slurm's order; no Prometheus query finds them. A heterogeneous job asked by its
//      base id (`4250`, scontrol listing each component as a record): every component's NodeList,
//      each node once (TRI4; said). Slurm failing (down, the job unknown, pending) is said and the
//      next rule tried;
//   1b. else, for an alert naming a pod and its namespace (pod_node.h PodOfLabels: `exported_pod`
//      before `pod`), its Kubernetes job's pods' nodes from kube-state-metrics' series in
//      Prometheus alone (TRI4; no Kubernetes API client): one query for the pod's own
//      `kube_pod_labels` and `kube_pod_info`, whose job name is the first of kKubeJobLabels it
//      carries (label_training_kubeflow_org_job_name, label_trainer_kubeflow_org_trainjob_name,
//      label_jobset_sigs_k8s_io_jobset_name, label_leaderworkerset_sigs_k8s_io_name,
//      label_volcano_sh_job_name, label_batch_kubernetes_io_job_name, label_job_name: exported only
//      when kube-state-metrics' --metric-labels-allowlist names them), else its kube_pod_info's
//      owner when that is a training job (created_by_kind PyTorchJob, TFJob, MPIJob, XGBoostJob,
//      PaddleJob, JAXJob, MXJob or a batch Job); then one query for the job's pods
//      (`topk(4 x max_nodes, kube_pod_labels{namespace, <label>}) or topk(..., kube_pod_info{namespace}
//      and on (namespace, pod) kube_pod_labels{...})`, or kube_pod_info with that owner) and their
//      nodes (kube_pod_info's `exported_node`, else `node`), by pod name. Said: which job and how
//      it was found, pods with no kube_pod_info node, a job of one pod or whose other pods share
//      the alert's node (no peers: the next rule is NOT tried), the cut. No series for the pod, or no
//      job named in them (the label not exported, an owner that is no job: a ReplicaSet, a
//      StatefulSet): said, and the next rule tried;
//   2. else the alert's `job` when it names a training job: the nodes its series name over the
//      window (one query, `topk(4 x max_nodes, group by (<node labels>) ({job="J"}))`). A `job`
//      that names an exporter's scrape job (IsScrapeJobName: `dcgm-exporter`, `node`, ...) is not
//      taken (Prometheus's `job` label is the scrape job: every node that exporter scrapes would
//      be a "peer"); nor one that is a scrape job of this Prometheus (TRI4: `count(up{job="J"})`
//      over the window, one cheap query, has targets; said with their count). Still wrong: a
//      training job that Prometheus scrapes under its own scrape config (a PodMonitor / static job
//      named after the run) is refused too - its peers then come from rule 3, said - and a
//      scrape job of another Prometheus (federated, remote-written without its `up`) is taken;
//   3. else (no job, or its series name no other node) the nodes sharing the alert's first of
//      `switch`, `leaf`, `rack`, `cluster` (the same query under that label);
//   4. else none: "no job's node list: peers not read".
//   The alert's own node (any of its names) left out, at most `max_nodes` of them (Slurm's first,
//   else the first by name; the cut said).
// What is read of them (ReadPeerSeries): first the addresses of peers that node_exporter names by
// `nodename` (one query: `node_uname_info{nodename=~"<peers>"}`, at most 4 x max_nodes series; the
// host of each one's `instance`), so that a peer whose series carry only `instance="10.0.0.5:9400"`
// is matched; then the pause counters of the peers and of the alert's node, under any of Hostname,
// hostname, node, nodename, host (the node's name) or instance (its host or address, a port
// allowed), one query_range over the triage window at `step_ms` (a regex matcher on those labels,
// each name's regex metacharacters escaped: never a whole scrape job's series); series whose node is none of
// those asked (a regex near miss: another domain) dropped; at most `max_series` kept; and the
// job-wide names under `job` alone when it names a training job (each at most `max_series` series;
// with peers from Slurm or Kubernetes, `up{job=...}` is asked first when there are job-wide names). Everything cut, skipped,
// empty or failed is a note; a failure ends the reading (the alert's own triage is untouched), and
// Unavailable / DeadlineExceeded sets `source_down`.
// Pure apart from the queries it is handed; thread safe when they are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agents/alert_triage.h"
#include "agents/node_names.h"
#include "connectors/metric_source.h"
#include "connectors/slurm_job.h"
#include "core/config.h"
#include "core/domain.h"
#include "core/time_series.h"

namespace vigil {

struct PeerOptions {
  ExpressionEvaluator query;          // Prometheus query_range (required; empty: nothing read, said)
  std::string source;                 // names it in notes ("prometheus http://...")
  const MetricSource* metrics = nullptr;  // for the job-wide names (nullptr: not read)
  std::vector<std::string> job_wide;  // names read under the alert's `job` alone
  const SlurmJobNodeSource* job_nodes = nullptr;  // the Slurm job's NodeList (nullptr: Slurm not asked)
  size_t max_nodes = 32;
  size_t max_series = 256;
  size_t max_points_per_series = 2'000;
  int64_t step_ms = 15'000;
};

struct PeerNodeList {
  std::string scope;               // what they share: `slurm job 4242`, `job="train-7"`, `rack="r12"`; "" when none
  std::vector<std::string> nodes;  // as their series spell them, the alert's own left out
  std::vector<std::string> notes;
  bool source_down = false;
  bool job_checked = false;  // the alert's `job` was asked of `up` (TRI4)
  bool scrape_job = false;   // ... and is a scrape job of this Prometheus
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

// The Slurm node source the settings choose: `scontrol` run by probes/program_runner.h (10 s limit)
// when `job_log_slurm` is true (the one setting that says Slurm is there to ask), else nullptr.
std::unique_ptr<SlurmJobNodeSource> MakeJobNodeSource(const Config& config);

// Whether a `job` label's value names an exporter's scrape job rather than a training job (case
// and `-` / `_` aside): it holds "exporter", or is one of node, dcgm, nvidia-dcgm, cadvisor,
// kubelet, kube-state-metrics, apiserver, prometheus, pushgateway, blackbox, ipmi, smartctl,
// process, windows, snmp, federate, nvidia-gpu, gpu-metrics, node-metrics, or ends in "-metrics".
// A scrape job named otherwise ("gpus") is found by PeerNodes through `up{job="gpus"}` (TRI4).
bool IsScrapeJobName(std::string_view job);

// The metric names of the conditions that aggregate by the job (`by (job` / `by(job, ...`): read
// job-wide.
std::vector<std::string> JobWideMetricNames(const std::vector<std::string>& conditions);

// The PromQL selector of the pause-frame counters (pause_series.h's names) of the nodes named
// `names`, under every node label and `instance`; "" when no name can be written.
std::string PauseSeriesSelector(const std::vector<std::string>& names);

}  // namespace vigil
