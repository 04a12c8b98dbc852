// Node names: one machine as the sources name it. dcgm-exporter labels its series
// `Hostname="node-3"`, node_exporter's carry `instance="node-3.cluster.local:9100"` or
// `instance="10.0.0.3:9100"`, the trainer's `node="node-3"`, an alert `Hostname="NODE-3"` and
// `instance="[fd00::3]:9400"`. The diagnosis (builtin_reasoner.cc: a past incident "on this node")
// and alert triage (alert_triage.cc: which series are the alert's node's) compare them here, with
// one rule:
//   - the host part of an `instance`: "host:port" -> "host", "[v6]:port" and "[v6]" -> "v6", a
//     bare IPv6 address ("fd00::3", two colons or more) kept whole, "host" kept; ":9100" names no
//     host (""); an unclosed "[fd00::3" is no address and is kept as it is, compared as a name; a
//     single colon not followed by a port only (blackbox_exporter's "https://a.example.com") is
//     no host:port: kept whole;
//   - IP addresses (IPv4 dotted quad, IPv6) compare as addresses ("FD00:0::3" == "fd00::3") and
//     are never equal to a DNS name by themselves (a node's address and name are tied only by a
//     source that says so: node_uname_info in alert triage);
//   - DNS names compare case-insensitively, a trailing dot ignored ("NODE-3." == "node-3"), and a
//     short name (no dot) equals an FQDN whose first label it is ("node-3" ==
//     "node-3.cluster.local"; "node-3" != "node-30"; "node-3.a.example" != "node-3.b.example").
// A place's names (NodeNamesOf): every node label present (kNodeLabelKeys, each by NodeLabelHost),
// `instance` kept apart from the others: an exporter's address says where the exporter runs, a node
// label which node a series is about (one central exporter may report on many nodes). Two places
// are the same node (SameNode) when their node labels share a name, or, when one side has no node
// label but `instance`, when any of their names are shared.
// Pure functions, thread safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/time_series.h"

namespace vigil {

// The labels that may name a node, `instance` among them (its host part is read), in the order a
// place's node is read (AlertNode in alert_triage.h, NodeOf in builtin_reasoner.cc): the first
// present with a non-empty value (spaces around it dropped, a port cut) names the node.
//   - `Hostname` (dcgm-exporter), `hostname`, `node` (kube-state-metrics' kube_pod_info /
//     kube_node_*, the Prometheus Helm chart's `__meta_kubernetes_pod_node_name` relabelling, the
//     trainer, our training rules): the series' own name for its node;
//   - `kubernetes_node`: the same relabelling in older charts and many hand-written scrape configs -
//     the node the scraped pod runs on, i.e. the exporter's node; after `node`, because on a
//     kube-state-metrics series it is kube-state-metrics' node while `node` is the pod's;
//   - `host`, `nodename` (node_exporter's node_uname_info);
//   - `exported_instance`: the series' own `instance`, renamed by Prometheus when the scrape target's
//     `instance` replaced it (federation, a Pushgateway, a relaying exporter; honor_labels false):
//     where the series comes from, while `instance` then names the relay;
//   - `instance` last: the scraped exporter's address ("10.0.3.17:9400"), which names a node only when
//     no label above does.
// `pod` names no node: a pod's node is known only from a source that says so (kube_pod_info).
// Literals: data() ends in a NUL.
inline constexpr std::string_view kNodeLabelKeys[] = {"Hostname",  "hostname", "node",              "kubernetes_node",
                                                      "host",      "nodename", "exported_instance", "instance"};

// The host a node label's value names: spaces around it dropped, then InstanceHost (a port cut,
// "[fe80::1]:9400" -> "fe80::1"); "" when nothing is left (" ", ":9400").
std::string NodeLabelHost(std::string_view value);

// The first node label's node (kNodeLabelKeys order, `instance` last; NodeLabelHost: spaces and a
// port dropped), as the label spells it: the name a diagnosis shows; "" when no label names one.
// Compare names with SameNodeName, not as strings. (The reasoner's place reading and an alert's
// subject, alert_subject.cc, each kept a copy until 2026-12-03.)
std::string NodeOf(const Labels& labels);

// The host part of an instance label value (see above): "node-3:9100" -> "node-3",
// "[fd00::3]:9400" -> "fd00::3", "fd00::3" -> "fd00::3", ":9100" -> "", "[fd00::3" -> "[fd00::3",
// "https://a.example.com" -> itself.
// Case and spelling kept (NodeNameKey normalizes).
std::string InstanceHost(std::string_view instance);

// The form names are compared in: an IP address in its canonical text (inet_ntop: "fd00::3",
// "10.0.0.3"), a DNS name lower-cased without its trailing dot; "" for an empty name or ".".
std::string NodeNameKey(std::string_view name);

// Whether `name` (a host, not an instance) is an IPv4 or IPv6 address (brackets allowed).
bool IsIpAddress(std::string_view name);

// Whether two hosts name the same node by the rule above. An empty name equals nothing.
bool SameNodeName(std::string_view a, std::string_view b);

// The names a place's labels give its node, as NodeNameKey has them, each once, in
// kNodeLabelKeys order.
struct NodeNames {
  std::vector<std::string> labelled;   // from the node labels other than `instance`
  std::vector<std::string> instance;   // the host part of `instance`
  bool empty() const { return labelled.empty() && instance.empty(); }
  // Adds a name (NodeNameKey'd) to `labelled` when it is not there yet; false for an empty name.
  bool AddLabelled(std::string_view name);
};
NodeNames NodeNamesOf(const Labels& labels);

// Whether `name` is among `names` (either list) by SameNodeName.
bool NamesNode(const NodeNames& names, std::string_view name);

// Two places on the same node: both have node labels and two of them name the same node; else
// (one side has `instance` only) any name of one names the same node as any name of the other.
// False when either side has no name.
bool SameNode(const NodeNames& a, const NodeNames& b);
bool SameNode(const Labels& a, const Labels& b);

// Whether every name of `names` is an IP address (and there is one): a place known only by an
// exporter's address (`instance="10.0.3.17:9400"`, no node label), which by itself names no host.
bool OnlyAddresses(const NodeNames& names);

// `names` with the names node_exporter ties to them in `series`: a series carrying both `nodename`
// (the node's uname, on node_uname_info or relabelled onto node_exporter's series) and `instance`
// ties the two, so when either names one of `names` the other is added (the nodename to
// `labelled`, the instance's host to `instance`). One pass over `series`; ties of ties are not
// followed. The source alert triage learns from too (node_uname_info), here read from a case.
NodeNames WithUnameNames(NodeNames names, const std::vector<TimeSeries>& series);

// Whether the first path part of a log's source looks like a host's name: an IP address, or a name
// of letters, digits, '.', '-' and '_' holding a letter and a digit ("node-7", "gpu-2.cluster.local",
// "dgx-a100-012"), not a file ("slurm-77.out": .out .err .log .txt .json .csv) nor a rank ("rank3").
// Tools and services ("trainer", "slurm", "job", "alertmanager") are none.
bool LooksLikeHostName(std::string_view part);

}  // namespace vigil
