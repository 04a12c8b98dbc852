#include "agents/pod_node.h"

#include <algorithm>

#include "agents/node_names.h"
#include "agents/scrape_labels.h"

namespace vigil {
namespace {

std::string Trimmed(const Labels& l, const char* key) {
  auto it = l.find(key);
  if (it == l.end()) return "";
  const std::string& v = it->second;
  const size_t b = v.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return v.substr(b, v.find_last_not_of(" \t") - b + 1);
}

// A kube_pod_info series' node: `exported_node` (relabelled as its pod) before `node`.
std::string SeriesNode(const Labels& l) {
  std::string node = NodeLabelHost(Trimmed(l, "exported_node"));
  return node.empty() ? NodeLabelHost(Trimmed(l, "node")) : node;
}

// What the alert's own `node` was, when it was not read as its node (scrape_labels.h
// NodeMayBeScrapeTargets; KSM2): "" otherwise.
std::string UnreadNodeNote(const Labels& alert, const std::string& taken) {
  if (!NodeMayBeScrapeTargets(alert)) return "";
  const std::string label = NodeLabelHost(Trimmed(alert, "node"));
  if (!taken.empty() && SameNodeName(label, taken)) return "";
  std::string out = "; its `node` label (" + label + ") is not read: on a kube-state-metrics series about another pod ";
  out += taken.empty() ? "it may be" : "it is";
  out += " kube-state-metrics' own node (a scrape relabelling __meta_kubernetes_pod_node_name to `node` with honor_labels)";
  return out;
}

}  // namespace

LabelledPod PodOfLabels(const Labels& labels) {
  LabelledPod p;
  if (std::string exported = Trimmed(labels, "exported_pod"); !exported.empty()) {
    p.pod = std::move(exported);
    p.exported = true;
    p.ns = Trimmed(labels, "exported_namespace");
    if (p.ns.empty()) p.ns = Trimmed(labels, "namespace");
    return p;
  }
  p.pod = Trimmed(labels, "pod");
  if (!p.pod.empty()) p.ns = Trimmed(labels, "namespace");
  return p;
}

bool AlertNamesPodOnly(const Labels& alert) {
  if (PodOfLabels(alert).pod.empty()) return false;
  for (std::string_view k : kNodeLabelKeys) {
    if (k == "instance") continue;
    if (!SubjectNodeLabel(alert, k).empty()) return false;
  }
  return true;
}

PodNodeReading PodNodeOf(const Labels& alert, const std::vector<TimeSeries>& series, std::string_view where) {
  PodNodeReading r;
  if (!AlertNamesPodOnly(alert)) return r;
  const LabelledPod asked = PodOfLabels(alert);
  const std::string& pod = asked.pod;
  const std::string& ns = asked.ns;
  r.pod = ns.empty() ? pod : ns + "/" + pod;
  size_t unscheduled = 0;
  for (const TimeSeries& s : series) {
    const std::string name = s.name.empty() ? Trimmed(s.labels, "__name__") : s.name;
    if (name != "kube_pod_info") continue;
    const LabelledPod theirs = PodOfLabels(s.labels);
    if (theirs.pod != pod) continue;
    if (!ns.empty() && !theirs.ns.empty() && theirs.ns != ns) continue;
    r.series.push_back(&s);
    const std::string node = SeriesNode(s.labels);
    if (node.empty()) {
      ++unscheduled;
      continue;
    }
    if (std::none_of(r.nodes.begin(), r.nodes.end(), [&](const std::string& n) { return SameNodeName(n, node); })) {
      r.nodes.push_back(node);
      if (r.host_ip.empty()) r.host_ip = Trimmed(s.labels, "host_ip");
    }
  }
  std::string at = " ";
  at += where;
  if (r.nodes.size() == 1) {
    r.node = r.nodes.front();
    const TimeSeries* shown = r.series.front();
    for (const TimeSeries* s : r.series) {
      if (!SeriesNode(s->labels).empty()) {
        shown = s;
        break;
      }
    }
    r.note = std::string("pod ") + r.pod + " runs on node " + r.node + (r.host_ip.empty() ? std::string() : std::string(" (host_ip ") + r.host_ip + ")") +
             ": " + FormatSeriesId("kube_pod_info", shown->labels) + at + "; the alert names no node, so it is about " +
             r.node + UnreadNodeNote(alert, r.node);
    return r;
  }
  r.host_ip.clear();
  if (r.nodes.size() > 1) {
    std::string list;
    for (const std::string& n : r.nodes) {
      if (!list.empty()) list += ", ";
      list += n;
    }
    r.note = std::string("pod ") + r.pod + ": kube_pod_info" + at + " names " + std::to_string(r.nodes.size()) + " nodes for it (" +
             list + ")" + (ns.empty() ? std::string(" and the alert names no namespace") : std::string()) +
             "; none taken, the alert's node is unknown";
  } else if (unscheduled > 0) {
    r.note = std::string("pod ") + r.pod + ": its kube_pod_info" + at +
             " has an empty node (the pod is not scheduled); the alert's node is unknown";
  } else {
    r.note = std::string("pod ") + r.pod + ": no kube_pod_info series" + at +
             " names it (kube-state-metrics not scraped there, or the pod is gone); the alert's node is unknown";
  }
  r.note += UnreadNodeNote(alert, "");
  return r;
}

}  // namespace vigil
