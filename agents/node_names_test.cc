#include "agents/node_names.h"
#include "agents/scrape_labels.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <iterator>

namespace vigil {
namespace {

TEST_CASE("node names: the host part of an instance") {
  CHECK(InstanceHost("node-3:9100") == "node-3");
  CHECK(InstanceHost("node-3.cluster.local:9100") == "node-3.cluster.local");
  CHECK(InstanceHost("10.0.0.3:9100") == "10.0.0.3");
  CHECK(InstanceHost("[fd00::3]:9400") == "fd00::3");
  CHECK(InstanceHost("[fd00::3]") == "fd00::3");
  CHECK(InstanceHost("fd00::3") == "fd00::3");  // bare IPv6: not cut at its last colon
  CHECK(InstanceHost("fd00::3:9100") == "fd00::3:9100");  // ambiguous without brackets: read whole
  CHECK(InstanceHost("node-3") == "node-3");
  CHECK(InstanceHost(":9100") == "");
  CHECK(InstanceHost("") == "");
  CHECK(InstanceHost("[fd00::3") == "[fd00::3");  // unclosed: kept, a name like any other
  // review RV-DX: only a port is cut. blackbox_exporter's instance is the probed URL: it was cut to
  // "https", so every probe of every site was one node.
  CHECK(InstanceHost("https://api.example.com") == "https://api.example.com");
  CHECK(InstanceHost("https://api.example.com/health") == "https://api.example.com/health");
  CHECK(InstanceHost("node-3:http") == "node-3:http");
  CHECK(InstanceHost("node-3:") == "node-3");
}

TEST_CASE("node names: addresses compare as addresses, never equal to a name by themselves") {
  CHECK(IsIpAddress("10.0.0.3"));
  CHECK(IsIpAddress("fd00::3"));
  CHECK(IsIpAddress("[fd00::3]"));
  CHECK_FALSE(IsIpAddress("10.0.3"));
  CHECK_FALSE(IsIpAddress("node-3"));
  CHECK_FALSE(IsIpAddress("[fd00::3"));
  CHECK(SameNodeName("FD00:0::3", "fd00::3"));
  CHECK(SameNodeName("[fd00::3]", "fd00::3"));
  CHECK(SameNodeName("10.0.0.3", "10.0.0.3"));
  CHECK_FALSE(SameNodeName("10.0.0.3", "10.0.0.30"));
  CHECK_FALSE(SameNodeName("10.0.0.3", "node-3"));
  CHECK_FALSE(SameNodeName("10", "10.0.0.3"));  // an address is no FQDN whose first label is "10"
  CHECK(NodeNameKey("FD00:0:0::3") == "fd00::3");
}

TEST_CASE("node names: DNS names, case, trailing dot, short name and FQDN") {
  CHECK(SameNodeName("node-3", "node-3.cluster.local"));
  CHECK(SameNodeName("node-3.cluster.local", "node-3"));
  CHECK(SameNodeName("NODE-3", "node-3"));
  CHECK(SameNodeName("node-3.", "node-3"));
  CHECK(SameNodeName("Node-3.Cluster.Local.", "node-3"));
  CHECK_FALSE(SameNodeName("node-3", "node-30"));
  CHECK_FALSE(SameNodeName("node-3", "node-30.cluster.local"));
  CHECK_FALSE(SameNodeName("node-3.a.example", "node-3.b.example"));
  CHECK_FALSE(SameNodeName("node-3", "node-4"));
  CHECK_FALSE(SameNodeName("", ""));
  CHECK_FALSE(SameNodeName("", "node-3"));
  CHECK_FALSE(SameNodeName(".", "."));
  CHECK(SameNodeName("[fd00::3", "[FD00::3"));  // an unclosed bracket: only equal to itself
  CHECK_FALSE(SameNodeName("[fd00::3", "fd00::3"));
}

TEST_CASE("node names: every node label of a place, instance apart") {
  const NodeNames n = NodeNamesOf({{"Hostname", "NODE-3"}, {"node", "node-3.cluster.local."}, {"instance", "10.0.0.3:9100"},
                                   {"gpu", "5"}, {"host", ""}});
  CHECK(n.labelled == std::vector<std::string>{"node-3", "node-3.cluster.local"});
  CHECK(n.instance == std::vector<std::string>{"10.0.0.3"});
  CHECK(NodeNamesOf({{"instance", ":9100"}, {"Hostname", ""}}).empty());
  CHECK(NodeNamesOf({{"instance", "[fd00::3]:9400"}}).instance == std::vector<std::string>{"fd00::3"});
  CHECK(NamesNode(n, "Node-3"));
  CHECK(NamesNode(n, "10.0.0.3"));
  CHECK_FALSE(NamesNode(n, "node-30"));
}

TEST_CASE("node names: same node when the names share one") {
  // The alert names its node and its exporter's address; the past incident only the address.
  CHECK(SameNode(Labels{{"Hostname", "node-3"}, {"instance", "10.0.0.3:9100"}}, Labels{{"instance", "10.0.0.3:9100"}}));
  CHECK(SameNode(Labels{{"Hostname", "node-3"}}, Labels{{"instance", "node-3.cluster.local:9100"}}));
  CHECK(SameNode(Labels{{"Hostname", "NODE-3"}}, Labels{{"node", "node-3"}}));
  CHECK(SameNode(Labels{{"instance", "[fd00::3]:9400"}}, Labels{{"instance", "fd00::3"}}));
  CHECK_FALSE(SameNode(Labels{{"Hostname", "node-3"}}, Labels{{"Hostname", "node-30"}}));
  CHECK_FALSE(SameNode(Labels{{"Hostname", "node-3"}}, Labels{{"instance", "10.0.0.3:9100"}}));
  // Both name their node, otherwise: one exporter's address does not make them one node.
  CHECK_FALSE(SameNode(Labels{{"Hostname", "node-3"}, {"instance", "10.0.0.9:9400"}},
                       Labels{{"Hostname", "node-4"}, {"instance", "10.0.0.9:9400"}}));
  CHECK_FALSE(SameNode(Labels{{"instance", "https://a.example.com"}}, Labels{{"instance", "https://b.example.com"}}));
  CHECK(SameNode(Labels{{"instance", "https://a.example.com"}}, Labels{{"instance", "https://a.example.com"}}));
  CHECK_FALSE(SameNode(Labels{}, Labels{}));
  CHECK_FALSE(SameNode(Labels{{"Hostname", ""}}, Labels{{"Hostname", ""}}));
}

TEST_CASE("node names: the Kubernetes and relay labels, their precedence, bad values (ALERTID)") {
  // kube-state-metrics' `node` is the pod's node, `kubernetes_node` the scraped pod's (the exporter's):
  // both named, `node` read first; `exported_instance` (a relayed series' own instance) before
  // `instance` (the relay). Every one a name of the place, `instance` kept apart.
  const NodeNames k = NodeNamesOf({{"kubernetes_node", "gpu-7"}, {"instance", "10.0.3.17:9400"}});
  CHECK(k.labelled == std::vector<std::string>{"gpu-7"});
  CHECK(k.instance == std::vector<std::string>{"10.0.3.17"});
  const NodeNames r = NodeNamesOf({{"exported_instance", "gpu-7:9400"}, {"instance", "pushgateway:9091"}});
  CHECK(r.labelled == std::vector<std::string>{"gpu-7"});
  CHECK(r.instance == std::vector<std::string>{"pushgateway"});
  // Two series of one node, one named by dcgm-exporter, the other by the scrape's relabelling.
  CHECK(SameNode(Labels{{"Hostname", "gpu-7"}}, Labels{{"kubernetes_node", "GPU-7.cluster.local"}, {"instance", "10.0.3.17:9400"}}));
  CHECK_FALSE(SameNode(Labels{{"kubernetes_node", "gpu-7"}, {"instance", "10.0.3.99:9400"}},
                       Labels{{"kubernetes_node", "gpu-2"}, {"instance", "10.0.3.99:9400"}}));
  // The order a place's node is read in: the series' own names, then the scrape's, the relay's
  // instance last.
  const auto pos = [](std::string_view key) {
    return static_cast<size_t>(std::find(std::begin(kNodeLabelKeys), std::end(kNodeLabelKeys), key) - std::begin(kNodeLabelKeys));
  };
  CHECK(pos("Hostname") < pos("node"));
  CHECK(pos("node") < pos("kubernetes_node"));
  CHECK(pos("nodename") < pos("exported_instance"));
  CHECK(pos("exported_instance") < pos("instance"));
  CHECK(pos("instance") == std::size(kNodeLabelKeys) - 1);
  CHECK(pos("pod") == std::size(kNodeLabelKeys));  // a pod names no node
  // Bad values: empty, spaces, a port alone name nothing; spaces around a name are dropped.
  CHECK(NodeLabelHost("  ") == "");
  CHECK(NodeLabelHost(" gpu-7 ") == "gpu-7");
  CHECK(NodeLabelHost(":9400") == "");
  CHECK(NodeLabelHost("[fe80::1]:9400") == "fe80::1");
  CHECK(NodeNamesOf({{"kubernetes_node", " "}, {"Hostname", ""}, {"instance", ":9400"}}).empty());
  CHECK(NodeNamesOf({{"kubernetes_node", " gpu-7 "}}).labelled == std::vector<std::string>{"gpu-7"});
}

// REVFIX3 (review REV's first open finding): the node an alert is about when an exporter reports on
// other objects than itself. kube-state-metrics runs in one pod and reports every pod of the
// cluster: the scrape's `kubernetes_node` (the community chart's kubernetes-service-endpoints job)
// is its own node, and a series' own `node` renamed `exported_node` (honor_labels false) is the
// subject's while `node` is then the scrape's. Label sets as the exporters and scrape configs
// write them. Before, the community chart's KubePodCrashLooping was on infra-1 (kube-state-metrics'
// node) and the relabelled kube_pod_info's alert on infra-1 too.
TEST_CASE("node names: the node kube-state-metrics, dcgm-exporter and node_exporter alerts are about (REVFIX3)") {
  // kube_pod_container_status_restarts_total through the community chart (no `node` of its own).
  const Labels ksm_pod = {{"alertname", "KubePodCrashLooping"},
                          {"app_kubernetes_io_instance", "prometheus"},
                          {"app_kubernetes_io_name", "kube-state-metrics"},
                          {"container", "trainer"},
                          {"instance", "10.244.1.5:8080"},
                          {"job", "kubernetes-service-endpoints"},
                          {"kubernetes_name", "prometheus-kube-state-metrics"},
                          {"kubernetes_namespace", "monitoring"},
                          {"kubernetes_node", "infra-1"},
                          {"namespace", "ml"},
                          {"pod", "trainer-0"},
                          {"reason", "CrashLoopBackOff"}};
  CHECK(ReportsOnOthers(ksm_pod));
  CHECK(NodeOf(ksm_pod) == "");  // not kube-state-metrics' address either (KSM2: InstanceIsNoPlace)
  CHECK(NodeNamesOf(ksm_pod).labelled.empty());
  CHECK_FALSE(SameNode(ksm_pod, Labels{{"Hostname", "infra-1"}}));
  // kube_node_status_condition through the same job: `node` is the node the alert is about.
  Labels ksm_node = ksm_pod;
  ksm_node.erase("pod");
  ksm_node.erase("container");
  ksm_node["alertname"] = "KubeNodeNotReady";
  ksm_node["node"] = "gpu-7";
  CHECK(NodeOf(ksm_node) == "gpu-7");
  CHECK(NodeNamesOf(ksm_node).labelled == std::vector<std::string>{"gpu-7"});
  // kube-prometheus-stack's ServiceMonitor (job="kube-state-metrics", honorLabels): no node label.
  CHECK(ReportsOnOthers({{"job", "kube-state-metrics"}, {"pod", "trainer-0"}}));
  CHECK(ReportsOnOthers({{"service", "Kube-State-Metrics"}}));
  // kube_pod_info scraped with honor_labels false by a job attaching the target's pod and node:
  // the series' own are exported_pod / exported_node, `node` is kube-state-metrics' node.
  const Labels relabelled = {{"alertname", "PodNotReadyOnGpuNode"}, {"exported_namespace", "ml"},
                             {"exported_pod", "trainer-0"},         {"exported_node", "gpu-8"},
                             {"namespace", "monitoring"},           {"pod", "ksm-7d9"},
                             {"node", "infra-1"},                   {"instance", "10.244.1.5:8080"}};
  CHECK(NodeOf(relabelled) == "gpu-8");
  CHECK(NodeNamesOf(relabelled).labelled == std::vector<std::string>{"gpu-8"});
  CHECK_FALSE(SameNode(relabelled, Labels{{"node", "infra-1"}}));
  std::string_view read;
  CHECK(SubjectNodeLabel(relabelled, "node", &read) == "gpu-8");
  CHECK(read == "exported_node");
  // dcgm-exporter with the GPU operator's ServiceMonitor (honorLabels false, pod mapping on): the
  // workload's pod is exported_pod, `Hostname` the node (NODE_NAME), and it is read first.
  const Labels dcgm = {{"Hostname", "gpu-7"},
                       {"UUID", "GPU-3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"},
                       {"device", "nvidia3"},
                       {"gpu", "3"},
                       {"modelName", "NVIDIA H100 80GB HBM3"},
                       {"exported_container", "trainer"},
                       {"exported_namespace", "ml"},
                       {"exported_pod", "trainer-0"},
                       {"container", "nvidia-dcgm-exporter"},
                       {"namespace", "gpu-operator"},
                       {"pod", "nvidia-dcgm-exporter-x7k2p"},
                       {"instance", "10.244.7.9:9400"},
                       {"job", "nvidia-dcgm-exporter"}};
  CHECK(NodeOf(dcgm) == "gpu-7");
  CHECK(NodeNamesOf(dcgm).labelled == std::vector<std::string>{"gpu-7"});
  // The same exporter through the community chart's kubernetes-pods job: `kubernetes_node` is the
  // node it runs on, which is the GPUs' node (a DaemonSet reports on its own node).
  const Labels dcgm_pods = {{"Hostname", "gpu-7"}, {"gpu", "3"}, {"kubernetes_node", "gpu-7"}, {"pod", "trainer-0"},
                            {"instance", "10.244.7.9:9400"}, {"job", "kubernetes-pods"}};
  CHECK(NodeNamesOf(dcgm_pods).labelled == std::vector<std::string>{"gpu-7"});
  // node_exporter through kubernetes-service-endpoints: its own node, named by kubernetes_node.
  const Labels node_exporter = {{"alertname", "NodeFilesystemAlmostOutOfSpace"},
                                {"app_kubernetes_io_name", "prometheus-node-exporter"},
                                {"device", "/dev/nvme0n1p1"},
                                {"instance", "10.0.3.17:9100"},
                                {"job", "kubernetes-service-endpoints"},
                                {"kubernetes_name", "prometheus-node-exporter"},
                                {"kubernetes_node", "gpu-7"},
                                {"mountpoint", "/"}};
  CHECK_FALSE(ReportsOnOthers(node_exporter));
  CHECK(NodeOf(node_exporter) == "gpu-7");
  // A training pod scraped directly: `kubernetes_node` is its own pod's node.
  CHECK(NodeOf({{"pod", "trainer-0"}, {"kubernetes_node", "gpu-7"}, {"instance", "10.244.7.20:8000"}}) == "gpu-7");
}

TEST_CASE("node names: an address-only place, names node_exporter ties to it, host-like log parts (ALERTID)") {
  CHECK(OnlyAddresses(NodeNamesOf({{"instance", "10.0.3.17:9400"}})));
  CHECK(OnlyAddresses(NodeNamesOf({{"instance", "[fe80::1]:9400"}})));
  CHECK_FALSE(OnlyAddresses(NodeNamesOf({{"instance", "gpu-7:9400"}})));
  CHECK_FALSE(OnlyAddresses(NodeNamesOf({{"kubernetes_node", "gpu-7"}, {"instance", "10.0.3.17:9400"}})));
  CHECK_FALSE(OnlyAddresses(NodeNames()));
  // node_uname_info ties the nodename to the exporter's address; another node's series ties nothing.
  const std::vector<TimeSeries> uname = {
      {"node_uname_info", {{"nodename", "gpu-7"}, {"instance", "10.0.3.17:9100"}}, {1}, {1}, {}},
      {"node_uname_info", {{"nodename", "gpu-2"}, {"instance", "10.0.3.12:9100"}}, {1}, {1}, {}},
      {"DCGM_FI_DEV_GPU_TEMP", {{"Hostname", "gpu-9"}, {"instance", "10.0.3.17:9400"}}, {1}, {1}, {}}};
  const NodeNames tied = WithUnameNames(NodeNamesOf({{"instance", "10.0.3.17:9400"}}), uname);
  CHECK(tied.labelled == std::vector<std::string>{"gpu-7"});
  CHECK(NamesNode(tied, "gpu-7.cluster.local"));
  CHECK_FALSE(NamesNode(tied, "gpu-2"));
  CHECK_FALSE(NamesNode(tied, "gpu-9"));  // a DCGM series at the address is no uname: not tied
  CHECK_FALSE(OnlyAddresses(tied));
  // The other way: a node's name gets its address.
  CHECK(NamesNode(WithUnameNames(NodeNamesOf({{"Hostname", "gpu-2"}}), uname), "10.0.3.12"));
  // An IPv6 address only equals itself, however written.
  CHECK(OnlyAddresses(WithUnameNames(NodeNamesOf({{"instance", "[fe80::1]:9400"}}), uname)));
  CHECK(LooksLikeHostName("node-7"));
  CHECK(LooksLikeHostName("gpu-2.cluster.local"));
  CHECK(LooksLikeHostName("10.0.3.12"));
  CHECK(LooksLikeHostName("fe80::1"));
  CHECK_FALSE(LooksLikeHostName("trainer"));
  CHECK_FALSE(LooksLikeHostName("slurm-77.out"));
  CHECK_FALSE(LooksLikeHostName("rank3"));
  CHECK_FALSE(LooksLikeHostName("Rank_12"));
  CHECK_FALSE(LooksLikeHostName("k8s pod"));
  CHECK_FALSE(LooksLikeHostName(""));
}

}  // namespace
}  // namespace vigil
