// Which node labels of a series name the node it is about, and which the scraped exporter's node
// (REVFIX3, 2026-12-03; review REV's first open finding). An exporter that reports on other objects
// than itself - kube-state-metrics reports every pod and node of the cluster from one pod - gets the
// scrape's place labels attached to every series: `kubernetes_node` (the community chart's
// kubernetes-service-endpoints / kubernetes-pods jobs relabel `__meta_kubernetes_pod_node_name` to
// it) and `instance` then say where kube-state-metrics runs, not where the pod the alert is about
// runs. Its series carry the subject's node in their own `node` (kube_pod_info, kube_node_*), which
// Prometheus renames `exported_node` when the scrape attaches a `node` of its own (honor_labels
// false; the exported_* convention). Read by node_names.h's NodeOf / NodeNamesOf (the reasoner's
// places, an alert's subject, SameNode), alert triage's AlertNode and scopes, pod_node.h's
// AlertNamesPodOnly (so kube_pod_info is asked for such an alert's pod) and chat's incident names.
// Pure functions, thread safe.
#pragma once

#include <string>
#include <string_view>

#include "core/time_series.h"

namespace vigil {

// Whether a label set is of a series about an object other than the target Prometheus scraped:
//   - kube-state-metrics: a `job`, `service`, `container`, `app`, `app_kubernetes_io_name`,
//     `kubernetes_name` or `component` value holding "kube-state-metrics", case-insensitively
//     (kube-prometheus-stack: job="kube-state-metrics"; the community chart's
//     kubernetes-service-endpoints job: app_kubernetes_io_name="kube-state-metrics",
//     kubernetes_name="<release>-kube-state-metrics");
//   - an `exported_pod` with a value: Prometheus renamed the series' own `pod` (honor_labels false),
//     so `pod` and the scrape's node labels are the exporter's.
bool ReportsOnOthers(const Labels& labels);

// Whether a `job`, `service`, `container`, `app`, `app_kubernetes_io_name`, `kubernetes_name` or
// `component` value holds "kube-state-metrics" (case-insensitively): ReportsOnOthers' first reason.
bool NamesKubeStateMetrics(const Labels& labels);

// Whether the `node` of a kube-state-metrics series may be the scrape target's, kube-state-metrics'
// own node, rather than its pod's (KSM2, 2026-12-03). The community `prometheus` chart's
// kubernetes-service-endpoints job (and a kube-state-metrics ServiceMonitor given the same
// relabelling) sets `node` from `__meta_kubernetes_pod_node_name` with `honor_labels: true`: a
// series that has its own `node` keeps it, one that has none - kube_pod_container_status_restarts_total,
// kube_pod_container_status_waiting_reason, kube_pod_status_phase / _ready - gets kube-state-metrics'
// node. True when the series NamesKubeStateMetrics, carries `node` and no `exported_node`, is about a
// pod (`exported_pod`, else `pod`) that is not kube-state-metrics' own (its name holds
// "kube-state-metrics"), and carries none of the labels of the kube-state-metrics series that have
// their own `node` (kube_pod_info's `host_ip`, `pod_ip`, `created_by_kind`, `created_by_name`,
// `priority_class`, `host_network`; a container's resource request / limit's `resource` with
// `unit`). Such a `node` names no node of the series' subject; its pod's node is kube_pod_info's to
// say (pod_node.h). A rule joining kube_pod_info's node into the alert (`group_left(node)`) gives the
// same labels: its node is not read either, and kube_pod_info, asked, gives the same node.
// (The scrape's node in `kubernetes_node` - the chart's older relabelling - leaves `node` the series'.)
bool NodeMayBeScrapeTargets(const Labels& labels);

// The label a pod's node learned elsewhere (kube_pod_info, pod_node.h) is written under on a copy of
// the alert, so that every reader takes it: `node`, or `exported_node` when a `node` there would not
// be read (NodeMayBeScrapeTargets; alert triage's scopes read an `exported_node` under `node`).
std::string PlacedNodeKey(const Labels& labels, const std::string& node);

// Whether `instance` names no place of a label set's subject (KSM2, 2026-12-03): the set names a pod
// (`exported_pod` or `pod`), no other node label names a host (SubjectNodeLabel), and `instance` is
// the address of the target Prometheus scraped - an IP address (an exporter's or the pod's own, which
// is no node's name), or any value on a series that ReportsOnOthers (kube-state-metrics'
// `10.244.1.5:8080` or `kube-state-metrics.monitoring.svc:8080`). Such an alert's place is its pod;
// its node is kube_pod_info's to say, or unknown. Also (2026-12-04, the lead, after realistic19's
// blind runs: rl19-07, seen) any kube-state-metrics series without a pod - KubeJobFailed{job_name},
// a Deployment's or a PVC's alert - when no other node label names a host: its `instance` is
// kube-state-metrics' own address (a Service's ClusterIP `10.96.12.40:8080`), not the object's
// place; an alert about kube-state-metrics itself (its alertname holds "KubeStateMetrics") keeps it.
bool InstanceIsNoPlace(const Labels& labels);

// The host node label `key` (one of node_names.h's kNodeLabelKeys) gives as the node the series is
// about (NodeLabelHost'd), "" when the label is absent, names no host, or names the scraped
// exporter's node instead:
//   - `node` when `exported_node` names a host: the series' own node was renamed, `node` is the
//     scrape target's; the host of `exported_node` is given and `*read_key` says "exported_node";
//   - `kubernetes_node` on a series that ReportsOnOthers: the scraped pod's node, the exporter's
//     (kube-state-metrics' KubePodCrashLooping{pod, kubernetes_node=<its own node>} is not on that
//     node; its pod's node is kube_pod_info's to say, pod_node.h).
//   - `node` when NodeMayBeScrapeTargets (KSM2): kube-state-metrics' node under honor_labels;
//   - `instance` when InstanceIsNoPlace (KSM2): a pod-only label set's scrape target address.
// Elsewhere `kubernetes_node` stays a node label: a DaemonSet exporter (dcgm-exporter, node_exporter)
// or a pod scraped for its own metrics runs on the node it reports. `instance` is otherwise given as
// it is (callers keep it apart: the exporter's address). `read_key` (when given) is set to the label read.
std::string SubjectNodeLabel(const Labels& labels, std::string_view key, std::string_view* read_key = nullptr);

}  // namespace vigil
