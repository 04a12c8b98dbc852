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
  CHECK(NodeOf(l) == "");  // not even the exporter's address (KSM2; RG18 read 10.233.84.17 here)
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

TEST_CASE("scrape labels: a node label that is a pod name generated for the exporter's own workload names no node (seen: rl18-15)") {
  // dcgm-exporter's labels with no `pod` attached by the scrape: `Hostname` is still its pod's name.
  Labels l = {{"alertname", "DCGMPCIeLinkWidthDegraded"}, {"gpu", "0"},
              {"Hostname", "nvidia-dcgm-exporter-p8w2k"}, {"container", "nvidia-dcgm-exporter"},
              {"instance", "10.12.3.31:9400"}, {"job", "nvidia-dcgm-exporter"}, {"namespace", "gpu-operator"}};
  CHECK(SubjectNodeLabel(l, "Hostname") == "");
  CHECK(NodeOf(l) == "10.12.3.31");  // the address is left, which a node's INTERNAL-IP can tie
  // A Deployment's pod (ReplicaSet hash, then the suffix), named by `app` only.
  CHECK(SubjectNodeLabel({{"Hostname", "dcgm-exporter-6d9f7c8b5-x2k4q"}, {"app", "dcgm-exporter"}}, "Hostname") == "");
  // The older community chart's pod label.
  CHECK(SubjectNodeLabel({{"Hostname", "exporter-0"}, {"kubernetes_pod_name", "exporter-0"}}, "Hostname") == "");
  // Real node names that start with a workload's name are kept: no generated suffix.
  CHECK(SubjectNodeLabel({{"Hostname", "gpu-n31"}, {"job", "gpu"}}, "Hostname") == "gpu-n31");
  CHECK(SubjectNodeLabel({{"Hostname", "dcgm-exporter-node-017"}, {"job", "dcgm-exporter"}}, "Hostname") ==
        "dcgm-exporter-node-017");
  CHECK(SubjectNodeLabel({{"Hostname", "gpu-node-12"}, {"container", "gpu-node"}}, "Hostname") == "gpu-node-12");
  CHECK(SubjectNodeLabel({{"Hostname", "gpu-7"}, {"container", "nvidia-dcgm-exporter"}}, "Hostname") == "gpu-7");
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

// KSM2: the label sets below are the charts' (from their values and ServiceMonitors, written from
// knowledge of them, not from a live cluster). The community `prometheus` chart's
// kubernetes-service-endpoints job keeps kube-state-metrics' Service through its
// `prometheus.io/scrape` annotation, maps the Service's labels (labelmap
// __meta_kubernetes_service_label_(.+)), sets `namespace`, `service` and - from
// __meta_kubernetes_pod_node_name - `node`, with `honor_labels: true`: a series with its own
// `namespace` / `pod` / `container` / `node` keeps them, one without gets the target's.
const Labels kCommunityChartRestarts = {{"alertname", "KubePodCrashLooping"},
                                        {"app_kubernetes_io_component", "metrics"},
                                        {"app_kubernetes_io_instance", "prometheus"},
                                        {"app_kubernetes_io_managed_by", "Helm"},
                                        {"app_kubernetes_io_name", "kube-state-metrics"},
                                        {"app_kubernetes_io_part_of", "kube-state-metrics"},
                                        {"app_kubernetes_io_version", "2.10.0"},
                                        {"helm_sh_chart", "kube-state-metrics-5.15.2"},
                                        {"container", "trainer"},
                                        {"instance", "10.244.1.5:8080"},
                                        {"job", "kubernetes-service-endpoints"},
                                        {"namespace", "ml"},
                                        {"node", "infra-1"},
                                        {"pod", "trainer-0"},
                                        {"reason", "CrashLoopBackOff"},
                                        {"service", "prometheus-kube-state-metrics"},
                                        {"uid", "0b6c2f7e-4d1a-4f5e-9d7b-2a9f1c3e5b71"}};

TEST_CASE("scrape labels: kube-state-metrics' node under honor_labels with a node relabelling is not its pod's (KSM2)") {
  // kube_pod_container_status_waiting_reason / _restarts_total: no `node` of their own, so `node`
  // is the target's, kube-state-metrics' node. Before, it was the alert's node (infra-1).
  const Labels& l = kCommunityChartRestarts;
  CHECK(NodeMayBeScrapeTargets(l));
  CHECK(SubjectNodeLabel(l, "node") == "");
  CHECK(NodeOf(l) == "");
  CHECK(NodeNamesOf(l).empty());
  CHECK(AlertNamesPodOnly(l));
  CHECK_FALSE(SameNode(l, Labels{{"node", "infra-1"}}));
  // kube_pod_status_phase / kube_pod_status_ready: the same labels less the container's.
  Labels phase = l;
  phase.erase("container");
  phase.erase("reason");
  phase["phase"] = "Pending";
  CHECK(SubjectNodeLabel(phase, "node") == "");
  CHECK(AlertNamesPodOnly(phase));
  // kube_pod_info through the same job: its own `node` (and host_ip, pod_ip, created_by_*) wins.
  Labels info = phase;
  info.erase("phase");
  info["node"] = "gpu-7";
  info["host_ip"] = "10.0.0.7";
  info["pod_ip"] = "10.244.7.20";
  info["created_by_kind"] = "StatefulSet";
  info["created_by_name"] = "trainer";
  info["priority_class"] = "";
  info["host_network"] = "false";
  CHECK_FALSE(NodeMayBeScrapeTargets(info));
  CHECK(NodeOf(info) == "gpu-7");
  CHECK_FALSE(AlertNamesPodOnly(info));
  for (const char* own : {"host_ip", "pod_ip", "created_by_kind", "created_by_name"}) {
    Labels one = phase;
    one[own] = "x";
    CHECK_MESSAGE(NodeOf(one) == "infra-1", own);
  }
  // kube_pod_container_resource_requests{resource, unit, node}: its own node.
  Labels requests = l;
  requests.erase("reason");
  requests["resource"] = "nvidia_com_gpu";
  requests["unit"] = "integer";
  requests["node"] = "gpu-7";
  CHECK(NodeOf(requests) == "gpu-7");
  requests.erase("unit");  // `resource` alone is no request's
  CHECK(NodeOf(requests) == "");
  // kube-state-metrics' own pod (its container restarting, KubeStateMetricsDown): its own node.
  Labels own = l;
  own["pod"] = "prometheus-kube-state-metrics-6b7c9d5f4-x2x4z";
  own["container"] = "kube-state-metrics";
  own["namespace"] = "monitoring";
  CHECK(NodeOf(own) == "infra-1");
  CHECK_FALSE(AlertNamesPodOnly(own));
  // kube_node_status_condition: a node's series, no pod: `node` is the node it is about.
  Labels node = l;
  node.erase("pod");
  node.erase("container");
  node.erase("uid");
  node["alertname"] = "KubeNodeNotReady";
  node["node"] = "gpu-7";
  CHECK(NodeOf(node) == "gpu-7");
  // kube-prometheus-stack's kube-state-metrics ServiceMonitor (honorLabels: true) given the same
  // relabelling (relabelings: __meta_kubernetes_pod_node_name -> node).
  const Labels kps = {{"alertname", "KubePodNotReady"},
                      {"container", "kube-state-metrics"},
                      {"endpoint", "http"},
                      {"instance", "10.244.2.9:8080"},
                      {"job", "kube-state-metrics"},
                      {"namespace", "ml"},
                      {"node", "infra-2"},
                      {"pod", "trainer-0"},
                      {"service", "kube-prometheus-stack-kube-state-metrics"},
                      {"uid", "0b6c2f7e-4d1a-4f5e-9d7b-2a9f1c3e5b71"}};
  CHECK(NodeOf(kps) == "");
  CHECK(AlertNamesPodOnly(kps));
  // honor_labels false (the chart's older default): the series' own node is exported_node, read as before.
  Labels renamed = kps;
  renamed["exported_node"] = "gpu-7";
  CHECK(NodeOf(renamed) == "gpu-7");
  // Not kube-state-metrics: a DaemonSet exporter's or a training pod's `node` is its own node.
  CHECK(NodeOf({{"node", "gpu-7"}, {"pod", "trainer-0"}, {"job", "kubernetes-pods"}, {"instance", "10.244.7.20:8000"}}) == "gpu-7");
  CHECK(NodeOf({{"Hostname", "gpu-7"}, {"node", "gpu-7"}, {"pod", "nvidia-dcgm-exporter-x7k2p"}, {"job", "nvidia-dcgm-exporter"}}) == "gpu-7");
}

TEST_CASE("scrape labels: a pod-only label set's scrape target address is no place (KSM2)") {
  // kube-state-metrics' address, as an IP or a Service name: no place of the pod.
  Labels l = kCommunityChartRestarts;
  CHECK(InstanceIsNoPlace(l));
  CHECK(SubjectNodeLabel(l, "instance") == "");
  l["instance"] = "kube-state-metrics.monitoring.svc:8080";
  CHECK(NodeOf(l) == "");
  // A pod scraped for its own metrics: its IP is the pod's, no node's name.
  const Labels own = {{"namespace", "ml"}, {"pod", "trainer-0"}, {"gpu", "5"}, {"instance", "10.244.7.20:8000"}, {"job", "kubernetes-pods"}};
  CHECK(InstanceIsNoPlace(own));
  CHECK(NodeOf(own) == "");  // main: 10.244.7.20
  CHECK(NodeNamesOf(own).empty());
  CHECK(AlertNamesPodOnly(own));
  // `exported_pod` names a pod too.
  CHECK(NodeOf({{"exported_pod", "trainer-0"}, {"instance", "[fd00::7]:9400"}}) == "");
  // A host's name as instance beside a pod (a node's exporter relabelled to its node name) stays.
  CHECK(NodeOf({{"namespace", "training"}, {"pod", "trainer-worker-1"}, {"instance", "gpu-a17"}}) == "gpu-a17");
  // A node label beside it: the instance is kept among the place's names, as before.
  const Labels dcgm = {{"Hostname", "gpu-7"}, {"pod", "trainer-0"}, {"instance", "10.0.0.7:9400"}};
  CHECK_FALSE(InstanceIsNoPlace(dcgm));
  CHECK(NodeNamesOf(dcgm).instance == std::vector<std::string>{"10.0.0.7"});
  // No pod: an exporter's address is still a place known by its address (node_exporter by IP).
  CHECK(NodeOf({{"alertname", "NodeFilesystemAlmostFull"}, {"instance", "10.0.3.17:9100"}}) == "10.0.3.17");
}

TEST_CASE("scrape labels: a kube-state-metrics alert on an object that is no pod is not at kube-state-metrics' address (seen: rl19-07)") {
  // kube-prometheus-stack's KubeJobFailed: the Job, kube-state-metrics' Service address as instance.
  const Labels job_failed = {{"alertname", "KubeJobFailed"}, {"job_name", "llm-sft-7"}, {"namespace", "research-sft"},
                             {"job", "kube-state-metrics"}, {"instance", "10.96.12.40:8080"},
                             {"service", "kube-prometheus-stack-kube-state-metrics"}};
  CHECK(InstanceIsNoPlace(job_failed));  // main: false (no pod label)
  CHECK(NodeOf(job_failed) == "");       // main: 10.96.12.40
  CHECK(NodeOf({{"alertname", "KubeDeploymentReplicasMismatch"}, {"deployment", "rollout-vllm"}, {"namespace", "rl"},
                {"job", "kube-state-metrics"}, {"instance", "kube-state-metrics.monitoring.svc:8080"}}) == "");
  CHECK(NodeOf({{"alertname", "KubePersistentVolumeFillingUp"}, {"persistentvolumeclaim", "ckpt"},
                {"service", "kube-state-metrics"}, {"instance", "10.233.4.2:8080"}}) == "");
  // The object's node given by another label is still read (kube_node_status_condition's `node`).
  CHECK(NodeOf({{"alertname", "KubeNodeNotReady"}, {"node", "h100-k8s-04"}, {"job", "kube-state-metrics"},
                {"instance", "10.96.12.40:8080"}}) == "h100-k8s-04");
  // An alert about kube-state-metrics itself keeps its address.
  const Labels down = {{"alertname", "KubeStateMetricsListErrors"}, {"job", "kube-state-metrics"}, {"instance", "10.244.3.7:8080"}};
  CHECK_FALSE(InstanceIsNoPlace(down));
  CHECK(NodeOf(down) == "10.244.3.7");
  // Not kube-state-metrics: a Job's own exporter by IP is still a place known by its address.
  CHECK(NodeOf({{"alertname", "TrainerDown"}, {"job", "trainer"}, {"instance", "10.0.3.17:8000"}}) == "10.0.3.17");
}

}  // namespace
}  // namespace vigil
