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
bool NamesOwnPod(const Labels& labels, std::string_view host) {
  const std::string pod = NodeLabelHost(ValueOf(labels, "pod"));
  return !pod.empty() && SameNodeName(host, pod);
}

}  // namespace

bool ReportsOnOthers(const Labels& labels) {
  if (!NodeLabelHost(ValueOf(labels, "exported_pod")).empty()) return true;
  for (std::string_view key : {"job", "service", "container", "app", "app_kubernetes_io_name", "kubernetes_name", "component"}) {
    if (AsciiLower(ValueOf(labels, key)).find("kube-state-metrics") != std::string::npos) return true;
  }
  return false;
}

std::string SubjectNodeLabel(const Labels& labels, std::string_view key, std::string_view* read_key) {
  if (read_key != nullptr) *read_key = key;
  if (key == "node") {
    if (std::string own = NodeLabelHost(ValueOf(labels, "exported_node")); !own.empty()) {
      if (read_key != nullptr) *read_key = "exported_node";
      return own;
    }
  } else if (key == "kubernetes_node" && ReportsOnOthers(labels)) {
    return "";
  }
  std::string host = NodeLabelHost(ValueOf(labels, key));
  return NamesOwnPod(labels, host) ? "" : host;
}

}  // namespace vigil
