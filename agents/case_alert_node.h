// The alert's node as the case places it, for readers outside the built-in reasoner (PLC2).
#pragma once

#include <string>

#include "agents/case.h"

namespace vigil {

// Topology::alert_node of builtin_reasoner.cc (PlaceAlertNode): the alert's node as the case's other
// sources spell it (an FQDN as the topology's short name), and an alert known only by an address
// (`instance="10.40.7.12:9400"`) on the node the case's pasted output ties that address to
// (`kubectl get nodes -o wide`, /etc/hosts, scontrol's NodeAddr=); else the node its labels name
// (NodeOf); "" with no alert or no node named. Reads the case's nodes and the address ties in its
// logs (one pass over every line: NodesAndAlertPlace, the first part of BuildTopology), not the
// rank, GPU and launcher maps. diagnosis_agent.cc's AlertFactsLog and AlertFactNotInEvidence read
// it, so that the alert's own line names the node the reasoner answers on.
std::string CaseAlertNode(const DiagnosisCase& c);

}  // namespace vigil
