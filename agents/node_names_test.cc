#include "agents/node_names.h"

#include <doctest/doctest.h>

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

}  // namespace
}  // namespace vigil
