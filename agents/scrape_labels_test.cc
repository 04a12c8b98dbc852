#include "agents/scrape_labels.h"

#include <doctest/doctest.h>

#include "agents/node_names.h"
#include "agents/pod_node.h"

namespace vigil {
namespace {

// RG18: dcgm-exporter run by the GPU Operator (a DaemonSet without hostNetwork) labels every series
// with its container's hostname, which is its own pod's name. Labels as such an alert carries them.
// Before, `Hostname` was read as the node: NodeOf gave "nvidia-dcgm-exporter-7xq4m", and the alert
// did not name its pod only, so kube_pod_info was never asked.
const Labels kExporterPodHostname = {{"alertname", "GPUDoubleBitECC"},
                                     {"gpu", "2"},
                                     {"UUID", "GPU-a4c8e1f0-2b3d-4c5e-8f90-1a2b3c4d5e6f"},
                                     {"Hostname", "nvidia-dcgm-exporter-7xq4m"},
                                     {"namespace", "gpu-operator"},
                                     {"pod", "nvidia-dcgm-exporter-7xq4m"},
                                     {"instance", "10.233.84.17:9400"},
                                     {"job", "nvidia-dcgm-exporter"}};

TEST_CASE("scrape labels: a node label equal to the series' own pod names no node (RG18)") {
  const Labels& l = kExporterPodHostname;
  CHECK(SubjectNodeLabel(l, "Hostname") == "");
  CHECK(NodeOf(l) == "10.233.84.17");  // the exporter's address only
  CHECK(NodeNamesOf(l).labelled.empty());
  CHECK_FALSE(SameNode(l, Labels{{"Hostname", "nvidia-dcgm-exporter-7xq4m"}}));
  CHECK(AlertNamesPodOnly(l));
  CHECK(PodOfLabels(l).pod == "nvidia-dcgm-exporter-7xq4m");
  CHECK(PodOfLabels(l).ns == "gpu-operator");
  // Spelled with spaces or another case, the same name.
  Labels spaced = l;
  spaced["Hostname"] = " NVIDIA-DCGM-EXPORTER-7xq4m ";
  CHECK(SubjectNodeLabel(spaced, "Hostname") == "");
  CHECK(AlertNamesPodOnly(spaced));
  // Any node label, not only `Hostname`.
  CHECK(SubjectNodeLabel({{"hostname", "exporter-0"}, {"pod", "exporter-0"}}, "hostname") == "");
  // Through the kubernetes-pods job: `kubernetes_node` is the DaemonSet pod's node, the GPUs' node.
  Labels pods_job = l;
  pods_job["kubernetes_node"] = "gpu-7";
  CHECK(NodeOf(pods_job) == "gpu-7");
  CHECK_FALSE(AlertNamesPodOnly(pods_job));
  // hostNetwork: `Hostname` is the node's name, not the pod's: kept.
  Labels host_network = l;
  host_network["Hostname"] = "gpu-7";
  CHECK(NodeOf(host_network) == "gpu-7");
  CHECK_FALSE(AlertNamesPodOnly(host_network));
  // A pod label that is empty or spaces compares with nothing.
  CHECK(NodeOf({{"Hostname", "gpu-7"}, {"pod", " "}}) == "gpu-7");
}

TEST_CASE("scrape labels: with exported_pod, a node label equal to `pod` (the exporter's) names no node either (RG18)") {
  // The GPU Operator's ServiceMonitor (honorLabels false, pod mapping on): the workload's pod is
  // exported_pod, `pod` the exporter's, and `Hostname` still the exporter's container hostname.
  // RG18 first read such a `Hostname` as a node; the alert now names its workload pod only.
  Labels l = kExporterPodHostname;
  l["exported_pod"] = "trainer-0";
  l["exported_namespace"] = "ml";
  CHECK(SubjectNodeLabel(l, "Hostname") == "");
  CHECK(NodeNamesOf(l).labelled.empty());
  CHECK(AlertNamesPodOnly(l));
  CHECK(PodOfLabels(l).pod == "trainer-0");
  // With NODE_NAME set, `Hostname` is the node.
  l["Hostname"] = "gpu-7";
  CHECK(NodeOf(l) == "gpu-7");
  CHECK_FALSE(AlertNamesPodOnly(l));
  // A `Hostname` equal to the workload's exported_pod is not compared (not the exporter's pod).
  l["Hostname"] = "trainer-0";
  CHECK(NodeOf(l) == "trainer-0");
}

}  // namespace
}  // namespace vigil
