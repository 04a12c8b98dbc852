// Alert triage: one live alert (an Alertmanager alert, connectors/alertmanager.h) in, a diagnosis
// out. The alert is turned into a DiagnosisCase (its labels, annotations and times as the case's
// alert; metric series read from a MetricSource, e.g. a PrometheusMetricSource) and handed to
// DiagnosisAgent with the live probe executor given.
//
// Which metrics are read (BuildTriageCase):
//   - names: every metric the knowledge base's metric conditions mention (KnowledgeBase::
//     Signatures(kMetric), names read from the condition text: identifiers that are not PromQL
//     functions, keywords or label names), plus the metric names in the alert's own expression when
//     its generatorURL carries `g0.expr=` (Prometheus alerts do: the names, not the expression,
//     are read), plus `extra_metrics`; when the source lists its names (MetricSource::MetricNames
//     non-empty) only names it has are queried (the DCGM >= 3.3 name DCGM_FI_DEV_CLOCKS_EVENT_REASONS
//     is queried beside DCGM_FI_DEV_CLOCK_THROTTLE_REASONS), at most `max_metric_names` of them;
//   - scope: the alert's node label (the first of Hostname, hostname, node, host, nodename present
//     and non-empty) as an exact matcher under that label name, together with the alert's `job`
//     when it has one; a metric for which that reads nothing is read again without `job` (the alert's
//     job may be the training job while the exporter's is `dcgm-exporter`), then with the same value
//     under `Hostname` and `node` (those of the two the alert did not use: dcgm-exporter names a node
//     `Hostname`, the trainer and our training rules `node`), then under `instance` when the alert
//     has one. The alert's `gpu` is NOT a matcher: the pack's conditions compare a
//     GPU with the other GPUs of its node (`count by (Hostname)`, group aggregations), so the node's GPUs
//     are read; the reasoner takes the GPU from the alert and the evidence. An alert with no node
//     and no instance is scoped by `job` alone, and one with none of these reads cluster-wide, each
//     metric capped at `max_series_per_metric` (said so in `notes`);
//   - window: [startsAt - lookback_ms, startsAt + after_ms) (startsAt 0: `now_ms` stands in),
//     clipped to `now_ms` when given;
//   - a firing alert whose endsAt is at or before `now_ms` (an alert without a resolved status:
//     Prometheus's "valid until", see connectors/alertmanager.h) is triaged, and a note says its
//     endsAt has passed;
//   - caps: `max_series_per_metric` per name (more matching is OutOfRange from the source: that name
//     is not read, said so), `max_series` in all (names past it are not read, said so), the last
//     `max_points_per_series` points of each series kept (the cut said so).
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
#include <memory>
#include <string>
#include <vector>

#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "connectors/llm_client.h"
#include "connectors/metric_source.h"
#include "core/config.h"
#include "core/domain.h"
#include "core/status.h"
#include "knowledge/knowledge_base.h"
#include "probes/probe.h"

namespace vigil {

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
  Clock* clock = nullptr;                 // DiagnosisAgentOptions::clock
};

// The metric source alert triage reads from the config (for `vigil diagnose --alert` and `vigil
// serve`): a PrometheusMetricSource on `prometheus_url` at `step_ms`, each request limited by
// `prometheus_timeout` (connect: at most 10 s of it); nullptr when prometheus_url is empty.
// InvalidArgument naming the setting for a bad URL, a timeout or step <= 0.
Result<std::unique_ptr<MetricSource>> MakeTriageMetricSource(const Config& config, int64_t step_ms = 15'000);

// Metric names a PromQL-like expression mentions (identifiers that are not functions, keywords or
// aggregations in any case, label names inside {} or `by`/`without`/`on`/`ignoring`/`group_*`
// lists, durations, numbers, strings or `#` comments), in order, each once.
std::vector<std::string> MetricNamesInExpression(const std::string& expr);

// The PromQL expression in a Prometheus generatorURL (`.../graph?g0.expr=<url-encoded>&...`),
// decoded; "" when there is none.
std::string ExpressionFromGeneratorUrl(const std::string& url);

// Builds a DiagnosisCase from the alert (its labels, annotations, times) and the metrics the
// knowledge base and the alert point to, read from `options.metrics` (see above). InvalidArgument
// without a knowledge base; errors of the knowledge base itself pass through.
Result<DiagnosisCase> BuildTriageCase(const Alert& alert, const TriageOptions& options);

// BuildTriageCase, then DiagnosisAgent::Diagnose with `options.probes` (nullptr: said so in
// unverified). The report's case_id is the case's id: "alert/<alertname>/<fingerprint>".
Result<DiagnosisReport> TriageAlert(const Alert& alert, const TriageOptions& options);

}  // namespace vigil
