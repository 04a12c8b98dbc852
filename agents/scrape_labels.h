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

// The host node label `key` (one of node_names.h's kNodeLabelKeys) gives as the node the series is
// about (NodeLabelHost'd), "" when the label is absent, names no host, or names the scraped
// exporter's node instead:
//   - `node` when `exported_node` names a host: the series' own node was renamed, `node` is the
//     scrape target's; the host of `exported_node` is given and `*read_key` says "exported_node";
//   - `kubernetes_node` on a series that ReportsOnOthers: the scraped pod's node, the exporter's
//     (kube-state-metrics' KubePodCrashLooping{pod, kubernetes_node=<its own node>} is not on that
//     node; its pod's node is kube_pod_info's to say, pod_node.h).
// Elsewhere `kubernetes_node` stays a node label: a DaemonSet exporter (dcgm-exporter, node_exporter)
// or a pod scraped for its own metrics runs on the node it reports. `instance` is given as it is
// (callers keep it apart: the exporter's address). `read_key` (when given) is set to the label read.
std::string SubjectNodeLabel(const Labels& labels, std::string_view key, std::string_view* read_key = nullptr);

}  // namespace vigil
