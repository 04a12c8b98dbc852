// A pod's node (ALERTID2, 2026-12-03). A Kubernetes alert often names only its `namespace` and `pod`
// (KubePodCrashLooping, KubePodNotReady, a job's pod alerts) and, as its `instance`, the address of
// kube-state-metrics that reported it - no label says which node the pod runs on. kube-state-metrics'
// `kube_pod_info` series does (labels `namespace`, `pod`, `node`, `host_ip`, value 1).
//
// AlertNamesPodOnly: the alert names a pod (PodOfLabels: `exported_pod` or `pod` with a value) and no node by a node label
// (node_names.h's kNodeLabelKeys other than `instance`: an `instance` is the exporter's address).
// PodNodeOf reads the kube_pod_info series of `series` for that pod - its `pod` equal, and its
// `namespace` equal when both carry one - and says what they give:
//   - one node (every matching series naming the same node by SameNodeName): `node` set, `note`
//     "pod ml/trainer-0 runs on node gpu-7 (kube_pod_info{...} at <where>): the alert, which names no
//     node, is about gpu-7";
//   - several nodes (a pod moved, or one pod name in two namespaces for an alert without one): each
//     named, none taken (`nodes`, `node` empty);
//   - no series for the pod, or only series with an empty `node` (not scheduled): said, none taken.
// Used by DiagnosisAgent::Diagnose (a case holding kube_pod_info series: the alert's node is then its
// pod's, and an evidence item says so) and by alert triage (agents/alert_triage.cc asks the live
// Prometheus for the pod's kube_pod_info and reads the node's metrics, names and co-firing alerts).
// Pure functions, thread safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/time_series.h"

namespace vigil {

// The pod a set of labels is about (RVFIX2, 2026-12-03): `exported_pod` before `pod` - a
// kube-state-metrics scraped with its target's `pod` / `namespace` attached (honor_labels false)
// keeps the subject's as `exported_pod` / `exported_namespace`, and `pod` is then kube-state-metrics'
// own. The namespace is `exported_namespace` before `namespace` when the pod is `exported_pod`,
// `namespace` otherwise. Spaces around values dropped; both "" when no pod is named. The same rule
// reads an alert's labels and a kube_pod_info series' (whose node is `exported_node` before `node`).
struct LabelledPod {
  std::string ns;
  std::string pod;
  bool exported = false;  // read from exported_pod
};
LabelledPod PodOfLabels(const Labels& labels);

bool AlertNamesPodOnly(const Labels& alert);

struct PodNodeReading {
  std::string pod;                 // "namespace/pod" as the alert names it ("pod" without a namespace)
  std::string node;                // the pod's node when exactly one is named, else ""
  std::string host_ip;             // its kube_pod_info's host_ip, when it has one
  std::vector<std::string> nodes;  // every node named for the pod (several: none taken)
  std::vector<const TimeSeries*> series;  // the pod's kube_pod_info series (into `series`)
  std::string note;                // one sentence: what was found and what was taken
};

// See the file comment. `where` says where the series were read, as the note writes it after the
// series ("at prometheus http://...", "in the case's metrics").
// An alert that does not name its pod only: an empty reading (pod "").
PodNodeReading PodNodeOf(const Labels& alert, const std::vector<TimeSeries>& series, std::string_view where);

}  // namespace vigil
