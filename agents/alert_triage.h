// Alert triage: one live alert (an Alertmanager alert, connectors/alertmanager.h) in, a diagnosis
// out. The alert is turned into a DiagnosisCase (its labels, annotations and times as the case's
// alert; metric series read from a MetricSource, e.g. a PrometheusMetricSource) and handed to
// DiagnosisAgent with the live probe executor given.
//
// Which metrics are read (BuildTriageCase):
//   - names: every metric the knowledge base's metric conditions mention (KnowledgeBase::
//     Signatures(kMetric), names read from the condition text: identifiers that are not PromQL
//     functions, keywords or label names), plus the metric names in the alert's own expression when
//     its generatorURL carries `g0.expr=` (Prometheus alerts do: here its names are read as
//     metrics; TriageAlert also evaluates the expression itself, below), plus `extra_metrics`; when the source lists its names (MetricSource::MetricNames
//     non-empty) only names it has are queried (the DCGM >= 3.3 name DCGM_FI_DEV_CLOCKS_EVENT_REASONS
//     is queried beside DCGM_FI_DEV_CLOCK_THROTTLE_REASONS), at most `max_metric_names` of them;
//   - scope: the alert's node label (the first of Hostname, hostname, node, kubernetes_node, host,
//     nodename, exported_instance present with a value naming a host: node_names.h's kNodeLabelKeys
//     and NodeLabelHost) as an exact matcher under that label name, together with the alert's `job`
//     when it has one; a metric for which that reads nothing is read again without `job` (the alert's
//     job may be the training job while the exporter's is `dcgm-exporter`), then with the same host
//     under `Hostname` and `node` (those of the two the alert did not use: dcgm-exporter names a node
//     `Hostname`, the trainer and our training rules `node`; for `exported_instance`, a relayed
//     series' own instance, the same value under `instance` instead), then under `instance` when the
//     alert has one. The alert's `gpu` is NOT a matcher: the pack's conditions compare a
//     GPU with the other GPUs of its node (`count by (Hostname)`, group aggregations), so the node's GPUs
//     are read; the reasoner takes the GPU from the alert and the evidence. An alert with no node
//     and no instance is scoped by `job` alone, and one with none of these reads cluster-wide, each
//     metric capped at `max_series_per_metric` (said so in `notes`);
//   - window: [startsAt - lookback_ms, startsAt + after_ms) (startsAt 0: `now_ms` stands in), from
//     activeAt - lookback_ms instead when the alert's activeAt is before its startsAt (the engine's
//     alerts; TriageAlert reads it from ALERTS_FOR_STATE first, ReadAlertActiveAt),
//     clipped to `now_ms` when given;
//   - a firing alert whose endsAt is at or before `now_ms` (an alert without a resolved status:
//     Prometheus's "valid until", see connectors/alertmanager.h) is triaged, and a note says its
//     endsAt has passed;
//   - caps: `max_series_per_metric` per name (more matching is OutOfRange from the source: that name
//     is not read, said so), `max_series` in all (names past it are not read, said so), the last
//     `max_points_per_series` points of each series kept (the cut said so).
// The alert's expression (TriageAlert; EvaluateAlertExpression): the PromQL of its generatorURL's
// `g0.expr=` is run as a range query (`evaluate_expression`, Prometheus query_range) over the same
// window at `expression_step_ms` (0: the LiveTriageSource's step, the metrics step; else 15 s;
// widened to at most 11,000 points); of the series it returns, those on the alert's node are kept
// (agents/node_names.h's SameNode against every node label of the alert: a node label - Hostname,
// hostname, node, host, nodename - naming one of the alert's, case-insensitively, a short name equal
// to an FQDN whose first label it is; a series with `instance` and no node label when its host part
// names one of the alert's names or its own instance's host) when the result carries such labels at
// all, else every series;
// the alert's own series (every label of it equal in the alert) always, and first; at most
// `max_expression_series` (the cut said). Each kept series is a metric evidence item of weight 0
// (context, not a vote; FormatDiagnosisText lists it under `context:`): its labels, its value at
// startsAt (the point at startsAt or less than one step before it; none when the series has no such
// point) and its peak with the time. A refused expression, an empty answer, a source down, no series on the
// node: said in `notes` (Diagnosis::unverified), never an error. When the metric reads found the
// source down (Unavailable / DeadlineExceeded) the expression is not sent (said): a hung Prometheus
// costs no further time limit for it.
//
// A pod's node (BuildTriageCase, ALERTID2; agents/pod_node.h): an alert naming a `pod` and no node
// label but `instance` (kube-state-metrics' address) is about the node its pod runs on. With
// `query_node_names`, one instant query at the window's end asks for
// `kube_pod_info{namespace="...",pod="..."}`; when its series name one node (SameNodeName), they go
// into the case (DiagnosisAgent then gives the case's alert that node as `node` and an evidence item
// says so) and the triage reads that node's metrics (`node=`, then `Hostname=`), names and co-firing
// alerts; two nodes, none, an empty node or a failed query are said in notes and nothing is taken (a
// query failing Unavailable / DeadlineExceeded counts as the metric source down).
//
// Node names (BuildTriageCase, TriageAlert): a machine is named differently by each source
// (dcgm-exporter `Hostname="node-3"`, node_exporter `instance="10.0.0.3:9100"`). When the alert
// names its node (any node label or `instance`) and `query_node_names` is there, one instant query
// (a query_range of one point at the window's end) asks Prometheus for node_exporter's
// `node_uname_info` series whose `nodename` or `instance` host may name one of the alert's names
// (`topk(max_node_name_series + 1, node_uname_info{nodename=~...} or node_uname_info{instance=~...})`,
// case-insensitive regexes; each answer then checked with node_names.h's rule). Of those that name
// the node, each `nodename` and `instance` is one of its names: the metrics are also read under
// `Hostname`/`node` = the nodename and `instance` = the exporter's instance (after the alert's own
// scopes, a metric's first scope with series wins), and the expression's series on any of them are
// kept. A note says what was learned and from where ("node names: node-3 is also 10.0.0.3:9100
// (node_uname_info at prometheus http://...)"), or that nothing was (no series, an empty nodename,
// answers naming different nodes - then none is used -, more than the cap - the first kept -, a
// failed query: the alert's own names are used). A query that fails with Unavailable or
// DeadlineExceeded counts as the metric source down (the same Prometheus: not asked again). A
// node_uname_info series whose cluster label (cluster, region, datacenter, env, environment:
// Prometheus's external labels, which a Thanos or Mimir query view shows) differs from
// the alert's is another cluster's node of the same name: left out, said. Not learned: names only
// Slurm or the trainer know, names no node_uname_info carries.
//
// Co-firing alerts (BuildTriageCase; ListCoFiringAlerts): with `list_alerts` (Alertmanager's GET
// /api/v2/alerts), the alerts on the alert's node under any of its names: the alert's node labels,
// its instance's host and the names learned from node_uname_info (above; learned first), in one
// case-insensitive regex `(?i)(node-3(\..*)?(:[0-9]+)?|10\.0\.0\.3(:[0-9]+)?)` asked under
// `Hostname`, `node`, the alert's own node label, `instance`, `hostname`, `kubernetes_node`, `host`,
// `nodename` and `exported_instance` (at most 8 requests however many names, within `cofiring_time_limit_ms` all together: each request is
// given what is left of it, and the keys not asked when it is spent are named in a note); of the
// answers those node_names.h's SameNode puts on the node (the regex's near misses -
// node-30, another domain - left out; one found by `instance` whose node label names another node
// left out: an exporter on this machine reporting on that one), started before the window's end,
// the alert itself (same fingerprint, the same alertname and labels, or vigil serve's forwarded
// copy: label `vigil_fingerprint` equal to its fingerprint) left out, one whose cluster label
// (cluster, region, datacenter, env, environment) differs from the alert's left out (another
// cluster's node of the same name; said), at most `max_cofiring_alerts` (the cut said). A request
// that fails ends the listing (one time limit for a hung Alertmanager); what was listed before it
// is kept. Each becomes a line of a case log `<node>[/gpu<N>]/alertmanager co-firing alerts` (the
// node as the triaged alert names it; the GPU from its `gpu` label; the reasoner places a log's
// lines on the node and GPU its source names):
// "XidError [critical] firing on node-b GPU 3 since ...: <summary> <description> {labels}", so the
// reasoner's log signatures and KB recall read them; and an alert evidence item of weight 0 in the
// report. An alert with no node or instance: not asked
// (said); Alertmanager down or refusing: said in notes, the diagnosis still made.
//
// The job's other nodes (TRI2; agents/peer_series.h): after the alert's node's metrics, the nodes
// of its Slurm job's NodeList (TRI3), else of its Kubernetes pod's job's pods (kube-state-metrics'
// series; TRI4), else those its training `job`'s series name (a scrape job's, by name or by
// `up{job=...}`, not), else its switch / leaf / rack / cluster label's, at most max_peer_nodes,
// and their node_ethtool pause counters (the pause-sender comparison) and the KB's `by (job)`
// metrics under the job alone, at most max_peer_series; through `query_peers`. Caps, skips, a job no
// series carries and a failure are notes; a failure Unavailable / DeadlineExceeded counts as the
// metric source down (the expression is then not sent).
//
// Every name that could not be read (source error, over a cap) is named in the case's `notes`,
// which DiagnosisAgent reports in Diagnosis::unverified; a source that fails with Unavailable or
// DeadlineExceeded is not asked again for the remaining names (one note says so and names them).
// With no source, one note says no metrics were read. Never an error for metric trouble: the
// case is built from what could be read.
//
// Ownership: everything in TriageOptions is borrowed and must outlive the call.
// Thread safety: both functions may be called concurrently when the borrowed objects allow it
// (KnowledgeBase, PrometheusMetricSource and DiagnosisAgent do; a ProbeExecutor may not).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/node_names.h"
#include "connectors/alertmanager_api.h"
#include "connectors/llm_client.h"
#include "connectors/metric_source.h"
#include "connectors/prometheus_source.h"
#include "core/config.h"
#include "core/domain.h"
#include "core/status.h"
#include "knowledge/knowledge_base.h"
#include "probes/probe.h"

namespace vigil {

class JobLogSource;  // connectors/job_log_source.h
class SlurmJobNodeSource;  // connectors/slurm_job.h

// Runs a PromQL expression over a range (a Prometheus query_range, PromQueryRange).
using ExpressionEvaluator = std::function<Result<PromRangeResult>(const PromRangeQuery&)>;
// Lists the alerts Alertmanager holds that match a filter (ListAlerts).
using AlertLister = std::function<Result<std::vector<ListedAlert>>(const AlertFilter&)>;

struct TriageOptions {
  const KnowledgeBase* kb = nullptr;      // required
  LlmClient* llm = nullptr;               // nullptr: built-in reasoner
  const MetricSource* metrics = nullptr;  // nullptr: no metrics (said so in unverified)
  ProbeExecutor* probes = nullptr;        // nullptr: no probes (said so)
  bool allow_intrusive = false;           // intrusive probes (GEMM, HBM, NCCL tests) allowed
  int64_t lookback_ms = 30 * 60 * 1000;   // metrics window before startsAt
  int64_t after_ms = 5 * 60 * 1000;       // ... and after it (the alert may fire before the peak)
  int64_t now_ms = 0;                     // window end clip and startsAt stand-in; 0 = no clip
  size_t max_metric_names = 128;          // metric names queried at most (the pack names ~65)
  size_t max_series_per_metric = 64;      // a name matching more series (in scope) is not read
  size_t max_series = 512;                // series kept in all
  size_t max_points_per_series = 2'000;   // the last points of a longer series are kept
  std::vector<std::string> extra_metrics; // names read beside the KB's and the alert's
  size_t log_line_budget = 20'000;        // DiagnosisAgentOptions::log_line_budget
  double verification_budget_s = 0;       // ReasonerOptions::verification_budget_s (0 = none)
  Clock* clock = nullptr;                 // DiagnosisAgentOptions::clock
  // The alert's expression. Empty: taken from `metrics` when it is a LiveTriageSource, else the
  // expression is not evaluated (said so when the alert has one).
  ExpressionEvaluator evaluate_expression;
  std::string expression_source;          // names it in notes and evidence ("prometheus http://...")
  int64_t expression_step_ms = 0;         // evaluation step (widened to fit 11,000 points); 0: the
                                          // LiveTriageSource's (the metrics step), else 15 s
  size_t max_expression_series = 16;      // series of its answer kept as evidence
  // Co-firing alerts. Empty: taken from `metrics` when it is a LiveTriageSource, else not read.
  AlertLister list_alerts;
  std::string alert_source;               // names it ("alertmanager http://...")
  size_t max_cofiring_alerts = 20;        // co-firing alerts kept
  int64_t cofiring_time_limit_ms = 10'000; // all co-firing requests together (each also within the
                                          // lister's own limit); the keys not asked in it are said
  // The node's other names (see "node names" above): one PromQL query over node_exporter's
  // node_uname_info. Empty: taken from `metrics` when it is a LiveTriageSource with a Prometheus
  // (its query_range at one point), else no names are learned (nothing said).
  ExpressionEvaluator query_node_names;
  std::string node_names_source;          // names it in notes ("prometheus http://...")
  size_t max_node_name_series = 16;       // node_uname_info series read at most
  // The job's other nodes (agents/peer_series.h, ReadPeerSeries), read after the alert's own node's
  // series through `query_peers` (Prometheus query_range; empty: taken from `metrics` when it is a
  // LiveTriageSource with a Prometheus, else not read) and `metrics` (the job-wide names). Its
  // source down (Unavailable / DeadlineExceeded): the alert's expression is not sent (said).
  ExpressionEvaluator query_peers;
  std::string peers_source;               // names it in notes ("prometheus http://...")
  size_t max_peer_nodes = 32;             // peer nodes read at most (the cut said); 0: none read
  size_t max_peer_series = 256;           // peer series kept at most (the cut said)
  // The alert's Slurm job's nodes, its peers (peer_series.h; MakeJobNodeSource gives it from the
  // settings). nullptr: Slurm not asked, the peers found from the series' labels.
  const SlurmJobNodeSource* job_nodes = nullptr;
  // The job's own log (agents/job_logs.h AddJobLogs): the tail of the files of the job the alert's
  // slurm_job_id / job_id / jobid label names, as case logs `job/<id>/...` (lines in the window).
  // nullptr: not read, nothing said (MakeJobLogSource gives it from the settings).
  const JobLogSource* job_logs = nullptr;
};

// The live sources `vigil diagnose --alert` and `vigil serve` triage with, from the config: a
// MetricSource over `prometheus_url` (Query/MetricNames/Describe; none without it: has_metrics()
// false, and alert triage treats it as no metric source), the alert's expression run on the same
// Prometheus, and Alertmanager's alerts from `alertmanager_url` (none without it). Immutable:
// thread-safe.
class LiveTriageSource : public MetricSource {
 public:
  LiveTriageSource(std::unique_ptr<MetricSource> metrics, ExpressionEvaluator evaluate, std::string expression_source,
                   AlertLister list_alerts, std::string alert_source, int64_t expression_step_ms = 15'000);
  Result<std::vector<TimeSeries>> Query(const MetricQuery& query) const override;
  std::vector<std::string> MetricNames() const override;
  std::string Describe() const override;
  bool has_metrics() const { return metrics_ != nullptr; }
  const ExpressionEvaluator& evaluate() const { return evaluate_; }
  const std::string& expression_source() const { return expression_source_; }
  const AlertLister& list_alerts() const { return list_alerts_; }
  const std::string& alert_source() const { return alert_source_; }
  int64_t expression_step_ms() const { return expression_step_ms_; }

 private:
  std::unique_ptr<MetricSource> metrics_;
  ExpressionEvaluator evaluate_;
  std::string expression_source_;
  AlertLister list_alerts_;
  std::string alert_source_;
  int64_t expression_step_ms_;
};

// The sources alert triage reads from the config (for `vigil diagnose --alert` and `vigil serve`):
// a LiveTriageSource over a PrometheusMetricSource on `prometheus_url` at `step_ms` (the alert's
// expression evaluated there at the same step), each request limited by `prometheus_timeout`
// (connect: at most 10 s of it), and Alertmanager's API on `alertmanager_url` (each request limited
// by the same timeout); nullptr when both URLs are empty. InvalidArgument naming the setting for a
// bad URL, a timeout or step <= 0.
Result<std::unique_ptr<MetricSource>> MakeTriageMetricSource(const Config& config, int64_t step_ms = 15'000);
// The `verification_budget_s` setting (--verification-budget-s): the seconds one triage's probes may
// take in all, a number > 0 and finite. InvalidArgument naming the setting otherwise (0, negative,
// nan, inf, not a number), before any probe runs.
Result<double> VerificationBudgetFromConfig(const Config& config);
// InvalidArgument naming the setting when `budget_s` is not more than the probe executor's grace
// (probes/command_executor.h ProbeExecutorGraceS: 5 s for local:): the budget keeps the grace to end a
// probe it cuts, so no probe would be given any time. Checked where the executor is made, before any
// probe runs. `source`: where the budget came from (Config::SourceOf), named for a config file's or
// the environment's value.
Status CheckVerificationBudgetGrace(double budget_s, const ProbeExecutor& probes, std::string_view source = {});

// Metric names a PromQL-like expression mentions (identifiers that are not functions, keywords or
// aggregations in any case, label names inside {} or `by`/`without`/`on`/`ignoring`/`group_*`
// lists, durations, numbers, strings or `#` comments), in order, each once.
std::vector<std::string> MetricNamesInExpression(const std::string& expr);

// A case-insensitive RE2 alternative matching a node's `name` as node_names.h would, before the
// exact check: a DNS name by its first label and any domain, an address as itself (IPv6 bracketed
// or bare, in `instance`), each followed by a port when `port`.
std::string NodeNameRegex(const std::string& name, bool port);

// The PromQL expression in a Prometheus generatorURL (`.../graph?g0.expr=<url-encoded>&...`),
// decoded; "" when there is none.
std::string ExpressionFromGeneratorUrl(const std::string& url);

// Builds a DiagnosisCase from the alert (its labels, annotations, times) and the metrics the
// knowledge base and the alert point to, read from `options.metrics` (see above). InvalidArgument
// without a knowledge base; errors of the knowledge base itself pass through.
Result<DiagnosisCase> BuildTriageCase(const Alert& alert, const TriageOptions& options);

// A series of the alert's expression, read over the triage window.
struct ExpressionSeries {
  Labels labels;                 // as Prometheus returned them (`__name__` when it kept one)
  bool alerts_own = false;       // every label equal in the alert's labels
  bool has_at_start = false;     // a finite point at or before startsAt
  double at_start = 0;           // ... its value
  int64_t at_start_ms = 0;       // ... and time
  double peak = 0;               // the largest finite value
  int64_t peak_ms = 0;
  size_t points = 0;
};
struct ExpressionReading {
  std::string expr;                     // "" when the alert carries none
  std::vector<ExpressionSeries> series; // kept (scoped, capped)
  size_t returned = 0;                  // series the answer held
  std::vector<std::string> notes;       // what could not be read or was cut
};
// Evaluates the alert's expression over [start_ms, end_ms) (see the header comment). Never an error.
// `node_names`: the node's names the series are kept by (nullptr: the alert's labels' names;
// TriageAlert hands in those with the names learned from node_uname_info).
ExpressionReading EvaluateAlertExpression(const Alert& alert, const TriageOptions& options, int64_t start_ms,
                                          int64_t end_ms, const NodeNames* node_names = nullptr);

struct CoFiringReading {
  std::vector<ListedAlert> alerts;  // on the alert's node, the alert left out, capped
  std::vector<std::string> notes;
};
// The alerts firing on the alert's node that started before `end_ms` (see the header comment).
// Never an error.
// `node_names`: the node's names asked for (nullptr: the alert's labels' names; BuildTriageCase
// hands in those with the names learned from node_uname_info).
CoFiringReading ListCoFiringAlerts(const Alert& alert, const TriageOptions& options, int64_t end_ms,
                                   const NodeNames* node_names = nullptr);

// Since when the alert's condition held, from Prometheus: an alert Alertmanager sends carries
// startsAt (when it fired, after its rule's `for`) and not activeAt. `ALERTS_FOR_STATE`, which
// Prometheus writes for every pending or firing alert of a rule (its value the alert's activeAt in
// Unix seconds), is read at startsAt through `options.evaluate_expression` (the LiveTriageSource's
// Prometheus); the series whose every label is the alert's is its own. active_at_ms 0 when not
// asked (no evaluator, no startsAt or alertname, or an activeAt before startsAt already given),
// not found (an alert of another server's rule, or past retention: not said here; the kernel-log
// evidence names the window it used), not before startsAt (a rule without `for`), or not a time in
// the year up to startsAt (said); a failed query is said. Never an error. TriageAlert reads it
// before anything else and sets the case's alert's active_at_ms to it: the metrics window and the
// alert expression's then start at activeAt - lookback_ms, and the kernel-log window reaches back
// to it (agents/README.md). It puts the notes in the diagnosis's unverified and `found` in its
// first trace item's "active_at". The query failing Unavailable / DeadlineExceeded counts as the
// metric source down: nothing more is asked of that Prometheus (one time limit when it hangs).
struct ActiveAtReading {
  int64_t active_at_ms = 0;
  std::string found;               // how it was found, when it was
  std::vector<std::string> notes;  // why it was not
  bool source_down = false;        // the query failed Unavailable / DeadlineExceeded
  std::string down_error;          // ... its message
};
ActiveAtReading ReadAlertActiveAt(const Alert& alert, const TriageOptions& options);

// The node an alert is on, as it names it first: its first node label in node_names.h's
// kNodeLabelKeys order (Hostname, hostname, node, kubernetes_node, host, nodename,
// exported_instance, then instance) whose value names a host (NodeLabelHost: spaces around it and a
// port dropped, "node-b:9400" -> "node-b", "[fd00::3]:9400" -> "fd00::3"; " " or ":9400" names none),
// with that label's name; {"", ""} when none. Compare it with SameNodeName, not as a string.
std::pair<std::string, std::string> AlertNode(const Alert& alert);

// An alert as one line of a case log, the form the reasoner's log signatures and knowledge recall
// read: "XidError [critical] firing on node-b GPU 3 since T (silenced by x): <summary> <description>
// <message> {labels}". Used for the co-firing alerts (BuildTriageCase) and for the triaged alert's
// own facts (AlertFactsLog, agents/diagnosis_agent.h). `node`: the node as the triaged alert names it
// ("" leaves out " on ..."); `state`: a listed alert's state ("silenced by ...", "" when active).
std::string AlertLogLine(const Alert& a, const std::string& node, const std::string& state = "");
// The source of the log such lines go to: "<node>[/gpu<N>]/<what>" (the GPU from the alert's `gpu`
// label when it is an index), "job/<what>" when `node` is empty: the reasoner places a line on the
// node and GPU its log's source names.
std::string AlertLogSource(const Alert& a, const std::string& node, const std::string& what);

// BuildTriageCase, then DiagnosisAgent::Diagnose with `options.probes` (nullptr: said so in
// unverified); the alert's expression evaluated (its notes in unverified, its series as evidence)
// and the co-firing alerts as evidence. The first trace item (`agent: alert_triage`) lists the
// series read, the expression's reading and the co-firing alerts. The report's case_id is the case's
// id: "alert/<alertname>/<fingerprint>".
Result<DiagnosisReport> TriageAlert(const Alert& alert, const TriageOptions& options);

}  // namespace vigil
