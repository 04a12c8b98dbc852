// A loopback scrape's place (PLC, 2026-12-04). A single-host setup's Prometheus scrapes the trainer's
// and the exporters' endpoints on the host itself: `instance="127.0.0.1:8000"`, `localhost:9400`,
// `[::1]:9100`. Such an address names the scraping machine, whichever it is, never a node of the
// cluster; before, a straggler read from those series was answered on `127.0.0.1/gpu5` (OPS5).
//
// PlaceLoopbackScrapes rewrites the node labels of a case's series and alert that name a loopback host
// (IsLoopbackHost; the label NodeOf reads, and any other node label holding one) to the host the case
// names otherwise, first found of:
//   1. the `nodename` of a series scraped at a loopback instance (node_uname_info of the host itself);
//   2. the one host the node labels of the case's series and alert name (Hostname, node, nodename,
//      ...; `instance` not counted: an exporter's address), of those not scraped from another machine
//      (a non-loopback `instance`; PLC3);
//   3. the topology's one node (`topology.nodes` of one entry), when nothing in the case is scraped
//      from another machine (PLC3).
// A scrape of another machine shows the scraping host reaches its targets over the network: its
// loopback targets are its own (a Prometheus scraping itself at localhost:9090, its own host's
// node_exporter at localhost:9100), not the GPU node whose exporters it scrapes at their addresses.
// Each step counts only when it gives exactly one host (two names: ambiguous, the next step is
// asked). A loopback `instance` then gets `node` = that host beside it (kept: it is where the
// series was scraped); another node label is set to it. No host: the loopback labels are dropped, so
// the place is no node's (an answer on it is the job's, `job`). One note says which and why.
// Pure function of the case.
#pragma once

#include <string>
#include <string_view>

#include "agents/case.h"

namespace vigil {

// Whether `host` (a node label's host part, NodeLabelHost) names the machine itself: 127.0.0.0/8,
// ::1, `localhost`, `localhost.localdomain`, `ip6-localhost`, `ip6-loopback` (any case, a trailing
// dot ignored).
bool IsLoopbackHost(std::string_view host);

struct LoopbackPlacing {
  int places = 0;    // series and alert whose node labels named a loopback host
  std::string host;  // the host they were placed on, "" when none was found (labels dropped)
  std::string note;  // one sentence for Diagnosis::unverified; "" when no place was loopback
};

LoopbackPlacing PlaceLoopbackScrapes(DiagnosisCase& c);

}  // namespace vigil
