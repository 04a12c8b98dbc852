// A pod's node from kube_pod_info (ALERTID2): which alerts ask, what several, none or empty nodes give.
#include "agents/pod_node.h"

#include <doctest/doctest.h>

namespace vigil {
namespace {

TimeSeries Info(Labels l) {
  TimeSeries s{"kube_pod_info", std::move(l), {1000}, {1}, {}};
  return s;
}

}  // namespace

TEST_CASE("pod node: which alerts name only their pod, and what kube_pod_info gives (ALERTID2)") {
  CHECK(AlertNamesPodOnly({{"pod", "trainer-0"}, {"namespace", "ml"}}));
  CHECK(AlertNamesPodOnly({{"pod", "trainer-0"}, {"instance", "10.244.1.5:8080"}}));  // the exporter's address
  CHECK(AlertNamesPodOnly({{"pod", "trainer-0"}, {"node", " "}, {"Hostname", ":9400"}}));  // names no node
  CHECK_FALSE(AlertNamesPodOnly({{"pod", "trainer-0"}, {"kubernetes_node", "gpu-7"}}));  // a pod scraped itself
  // kube-state-metrics through the community chart's kubernetes-service-endpoints job: its
  // `kubernetes_node` is kube-state-metrics' own node, so the alert names only its pod (REVFIX3;
  // before, it was placed on infra-1 and kube_pod_info was never asked).
  CHECK(AlertNamesPodOnly({{"pod", "trainer-0"}, {"namespace", "ml"}, {"kubernetes_node", "infra-1"},
                           {"app_kubernetes_io_name", "kube-state-metrics"}, {"job", "kubernetes-service-endpoints"}}));
  CHECK(AlertNamesPodOnly({{"exported_pod", "trainer-0"}, {"pod", "ksm-7d9"}, {"kubernetes_node", "infra-1"}}));
  CHECK_FALSE(AlertNamesPodOnly({{"pod", "trainer-0"}, {"node", "gpu-7"}, {"kubernetes_node", "infra-1"},
                                 {"job", "kube-state-metrics"}}));  // its own `node`: the pod's
  CHECK_FALSE(AlertNamesPodOnly({{"pod", ""}, {"namespace", "ml"}}));
  CHECK_FALSE(AlertNamesPodOnly({{"namespace", "ml"}}));

  const Labels alert = {{"namespace", "ml"}, {"pod", "trainer-0"}};
  // The short name and the FQDN of one node are one node; series of other pods are not read.
  std::vector<TimeSeries> s = {Info({{"namespace", "ml"}, {"pod", "trainer-1"}, {"node", "gpu-2"}}),
                               Info({{"namespace", "ml"}, {"pod", "trainer-0"}, {"node", "gpu-7"}}),
                               Info({{"namespace", "ml"}, {"pod", "trainer-0"}, {"node", "GPU-7.cluster.local"}})};
  PodNodeReading r = PodNodeOf(alert, s, "at prometheus http://p:9090");
  CHECK(r.pod == "ml/trainer-0");
  CHECK(r.node == "gpu-7");
  CHECK(r.series.size() == 2);
  CHECK(r.note.rfind("pod ml/trainer-0 runs on node gpu-7: kube_pod_info{namespace=\"ml\",node=\"gpu-7\",pod=\"trainer-0\"} "
                     "at prometheus http://p:9090; the alert names no node, so it is about gpu-7", 0) == 0);
  // Spaces around values are not part of them.
  CHECK(PodNodeOf({{"namespace", "ml "}, {"pod", " trainer-0"}}, s, "at x").node == "gpu-7");
  // Two nodes: both named, none taken.
  s.push_back(Info({{"namespace", "ml"}, {"pod", "trainer-0"}, {"node", "gpu-3"}}));
  r = PodNodeOf(alert, s, "at x");
  CHECK(r.node.empty());
  CHECK(r.nodes == std::vector<std::string>{"gpu-7", "gpu-3"});
  CHECK(r.note == "pod ml/trainer-0: kube_pod_info at x names 2 nodes for it (gpu-7, gpu-3); none taken, the alert's node is unknown");
  // A series without a namespace is read for an alert with one (a recording rule may drop it).
  r = PodNodeOf(alert, {Info({{"pod", "trainer-0"}, {"node", "gpu-7"}})}, "at x");
  CHECK(r.node == "gpu-7");
  // None: another namespace's pod only; not a kube_pod_info series.
  r = PodNodeOf(alert, {Info({{"namespace", "web"}, {"pod", "trainer-0"}, {"node", "gpu-7"}}),
                        TimeSeries{"kube_pod_status_phase", {{"namespace", "ml"}, {"pod", "trainer-0"}, {"node", "gpu-7"}}, {}, {}, {}}},
                "at x");
  CHECK(r.node.empty());
  CHECK(r.note.find("no kube_pod_info series at x names it") != std::string::npos);
  // A node with a port or spaces is its host; an empty node is unscheduled.
  CHECK(PodNodeOf(alert, {Info({{"namespace", "ml"}, {"pod", "trainer-0"}, {"node", " gpu-7 "}})}, "at x").node == "gpu-7");
  r = PodNodeOf(alert, {Info({{"namespace", "ml"}, {"pod", "trainer-0"}, {"node", ""}})}, "at x");
  CHECK(r.node.empty());
  CHECK(r.note.find("has an empty node (the pod is not scheduled)") != std::string::npos);
  // An alert that is not a pod's only: nothing read.
  CHECK(PodNodeOf({{"pod", "trainer-0"}, {"node", "gpu-2"}}, s, "at x").pod.empty());
}

// A kube-state-metrics scraped with its target's pod and namespace attached (honor_labels false):
// the subject pod is `exported_pod` / `exported_namespace`, and `pod` / `namespace` are
// kube-state-metrics' own (RVFIX2, 2026-12-03: the alert was looked up as kube-state-metrics' pod,
// and placed on the node kube-state-metrics runs on).
TEST_CASE("pod node: exported_pod is the alert's pod, read before pod (RVFIX2)") {
  const Labels alert = {{"exported_namespace", "ml"}, {"exported_pod", "trainer-0"}, {"namespace", "monitoring"},
                        {"pod", "ksm-7d9"}, {"instance", "10.244.9.2:8080"}};
  CHECK(AlertNamesPodOnly(alert));
  const LabelledPod p = PodOfLabels(alert);
  CHECK(p.pod == "trainer-0");
  CHECK(p.ns == "ml");
  CHECK(p.exported);
  CHECK(PodOfLabels({{"exported_pod", " trainer-0 "}, {"namespace", "ml"}}).ns == "ml");  // no exported_namespace
  CHECK(PodOfLabels({{"exported_pod", ""}, {"pod", "trainer-0"}}).pod == "trainer-0");   // an empty one is none
  CHECK(AlertNamesPodOnly({{"exported_pod", "trainer-0"}}));
  CHECK_FALSE(AlertNamesPodOnly({{"exported_pod", "trainer-0"}, {"node", "gpu-7"}}));
  // The same scrape relabels kube_pod_info: the subject's series carry exported_pod (and
  // exported_node when the target's node was attached too); kube-state-metrics' own pod is on infra-1.
  const std::vector<TimeSeries> s = {
      Info({{"exported_namespace", "ml"}, {"exported_pod", "trainer-0"}, {"node", "gpu-7"}, {"namespace", "monitoring"},
            {"pod", "ksm-7d9"}}),
      Info({{"exported_namespace", "monitoring"}, {"exported_pod", "ksm-7d9"}, {"node", "infra-1"},
            {"namespace", "monitoring"}, {"pod", "ksm-7d9"}})};
  PodNodeReading r = PodNodeOf(alert, s, "at x");
  CHECK(r.pod == "ml/trainer-0");
  CHECK(r.node == "gpu-7");
  CHECK(r.series.size() == 1);
  r = PodNodeOf(alert,
                {Info({{"exported_namespace", "ml"}, {"exported_pod", "trainer-0"}, {"exported_node", "gpu-8"},
                       {"node", "infra-1"}, {"namespace", "monitoring"}, {"pod", "ksm-7d9"}})},
                "at x");
  CHECK(r.node == "gpu-8");
  // kube_pod_info scraped without that relabelling names the pod as `pod`: found as well.
  CHECK(PodNodeOf(alert, {Info({{"namespace", "ml"}, {"pod", "trainer-0"}, {"node", "gpu-7"}})}, "at x").node == "gpu-7");
}

}  // namespace vigil
