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
// A place's names (NodeNamesOf): every node label present (kNodeLabelKeys), `instance` by its host
// part, kept apart from the others: an exporter's address says where the exporter runs, a node
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
// diagnosis reads them for the node it names (NodeOf in builtin_reasoner.cc). Literals: data()
// ends in a NUL.
inline constexpr std::string_view kNodeLabelKeys[] = {"Hostname", "hostname", "node", "host", "instance", "nodename"};

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

}  // namespace vigil
