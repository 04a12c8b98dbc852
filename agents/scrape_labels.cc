#include "agents/scrape_labels.h"

#include "agents/node_names.h"
#include "core/ascii.h"

namespace vigil {
namespace {

std::string_view ValueOf(const Labels& labels, std::string_view key) {
  auto it = labels.find(std::string(key));
  return it == labels.end() ? std::string_view() : std::string_view(it->second);
}

// Whether `host` (a node label's host) is the series' own `pod` (RG18, 2026-12-03). dcgm-exporter
// run by the GPU Operator (a DaemonSet without hostNetwork) labels every series
// `Hostname=<its container's hostname>`, which is the exporter pod's name
// (Hostname="nvidia-dcgm-exporter-7xq4m", pod="nvidia-dcgm-exporter-7xq4m"): no node has that name.
// The alert then names its pod only, and pod_node.h asks kube_pod_info for the pod's node - the
// GPUs' node, as a DaemonSet exporter runs on the node it reports. With an `exported_pod` (the GPU
// Operator's ServiceMonitor with the pod mapping on), `pod` is the scrape target's, the exporter's,
// and `Hostname` is still the exporter's container hostname: a node label equal to it names no node
// either, and the alert names its workload pod (`exported_pod`) only, which kube_pod_info places
// (the lead, after RG18: RG18 had kept such a label a node).
//
// Also a name Kubernetes generated for a pod of the series' own workload, when no `pod` label came
// with the series (a scrape that attaches none, or the older chart's `kubernetes_pod_name`): the
// exporter's `container` / `job` / `app` name, then `-` and the DaemonSet's 5-character suffix,
// optionally after a ReplicaSet's hash (`nvidia-dcgm-exporter-p8w2k`,
// `dcgm-exporter-6d9f7c8b5-x2k4q`) (the lead, after realistic18's blind run: rl18-15, seen).
bool IsGeneratedPodName(std::string_view host, std::string_view workload) {
  if (workload.empty() || host.size() <= workload.size() + 1) return false;
  if (AsciiLower(host.substr(0, workload.size())) != AsciiLower(workload) || host[workload.size()] != '-') return false;
  std::string_view rest = host.substr(workload.size() + 1);
  auto alnum = [](std::string_view part, size_t lo, size_t hi) {
    if (part.size() < lo || part.size() > hi) return false;
    for (char c : part) {
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
    }
    return true;
  };
  if (alnum(rest, 5, 5)) return true;
  const size_t dash = rest.find('-');
  return dash != std::string_view::npos && alnum(rest.substr(0, dash), 6, 10) && alnum(rest.substr(dash + 1), 5, 5);
}

bool NamesOwnPod(const Labels& labels, std::string_view host) {
  for (std::string_view key : {"pod", "kubernetes_pod_name"}) {
    const std::string pod = NodeLabelHost(ValueOf(labels, key));
    if (!pod.empty() && SameNodeName(host, pod)) return true;
  }
  for (std::string_view key : {"container", "job", "app", "app_kubernetes_io_name"}) {
    if (IsGeneratedPodName(host, NodeLabelHost(ValueOf(labels, key)))) return true;
  }
  return false;
}

}  // namespace

bool InstanceIsNoPlace(const Labels& labels) {
  const bool names_pod =
      !NodeLabelHost(ValueOf(labels, "exported_pod")).empty() || !NodeLabelHost(ValueOf(labels, "pod")).empty();
  // kube-state-metrics reports on Kubernetes objects (a Job, a Deployment, a PVC, a pod): its
  // `instance` is its own address whatever the object, unless the alert is about kube-state-metrics
  // itself (KubeStateMetricsDown, ...ListErrors: its own address is its place).
  const bool about_others =
      NamesKubeStateMetrics(labels) && AsciiLower(ValueOf(labels, "alertname")).find("kubestatemetrics") == std::string::npos;
  if (!names_pod && !about_others) return false;
  const std::string host = NodeLabelHost(ValueOf(labels, "instance"));
  if (host.empty()) return false;
  for (std::string_view key : kNodeLabelKeys) {
    if (key != "instance" && !SubjectNodeLabel(labels, key).empty()) return false;
  }
  return about_others || ReportsOnOthers(labels) || IsIpAddress(host);
}

bool NamesKubeStateMetrics(const Labels& labels) {
  for (std::string_view key : {"job", "service", "container", "app", "app_kubernetes_io_name", "kubernetes_name", "component"}) {
    if (AsciiLower(ValueOf(labels, key)).find("kube-state-metrics") != std::string::npos) return true;
  }
  return false;
}

bool ReportsOnOthers(const Labels& labels) {
  return !NodeLabelHost(ValueOf(labels, "exported_pod")).empty() || NamesKubeStateMetrics(labels);
}

bool NodeMayBeScrapeTargets(const Labels& labels) {
  if (NodeLabelHost(ValueOf(labels, "node")).empty() || !NodeLabelHost(ValueOf(labels, "exported_node")).empty()) return false;
  // The scrape put its node in `kubernetes_node` (the chart's older relabelling): `node` is the series'.
  if (!NodeLabelHost(ValueOf(labels, "kubernetes_node")).empty()) return false;
  if (!NamesKubeStateMetrics(labels)) return false;
  std::string pod = NodeLabelHost(ValueOf(labels, "exported_pod"));
  if (pod.empty()) pod = NodeLabelHost(ValueOf(labels, "pod"));
  // kube-state-metrics' own pod (KubeStateMetricsDown, its own container restarting): its node.
  if (pod.empty() || AsciiLower(pod).find("kube-state-metrics") != std::string::npos) return false;
  // kube_pod_info's own labels, or a container's resource request / limit's (`resource` and `unit`):
  // the series carries its pod's node itself, and with honor_labels it wins over the scrape's.
  for (std::string_view key : {"host_ip", "pod_ip", "created_by_kind", "created_by_name", "priority_class", "host_network"}) {
    if (labels.count(std::string(key))) return false;
  }
  return !(labels.count("resource") && labels.count("unit"));
}

std::string PlacedNodeKey(const Labels& labels, const std::string& node) {
  Labels placed = labels;
  placed["node"] = node;
  return NodeMayBeScrapeTargets(placed) ? "exported_node" : "node";
}

std::string SubjectNodeLabel(const Labels& labels, std::string_view key, std::string_view* read_key) {
  if (read_key != nullptr) *read_key = key;
  if (key == "node") {
    if (std::string own = NodeLabelHost(ValueOf(labels, "exported_node")); !own.empty()) {
      if (read_key != nullptr) *read_key = "exported_node";
      return own;
    }
    if (NodeMayBeScrapeTargets(labels)) return "";
  } else if (key == "kubernetes_node" && ReportsOnOthers(labels)) {
    return "";
  } else if (key == "instance" && InstanceIsNoPlace(labels)) {
    return "";
  }
  std::string host = NodeLabelHost(ValueOf(labels, key));
  return NamesOwnPod(labels, host) ? "" : host;
}

}  // namespace vigil
