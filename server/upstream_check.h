// What `vigil serve` says at start-up about the Prometheus and Alertmanager it was given, after asking
// each once (REV2, 2026-12-04).
//
// Before, serve printed "each alert's metrics are read there" for any well-formed URL: a wrong port,
// the Alertmanager's address given as Prometheus's, or a Prometheus that scrapes no dcgm-exporter was
// found at the first page, when every incident was triaged without metrics. Now serve asks, once,
// right after it listens (webhooks are taken meanwhile):
//   Prometheus    GET /api/v1/label/__name__/values (what Thanos, VictoriaMetrics and Mimir answer
//                 too): the number of metric names, how many are dcgm-exporter's (DCGM_FI_*), and
//                 whether node_exporter's node_uname_info (a node's other names) is there; none of
//                 dcgm-exporter's is a warning (GPU alerts would be triaged without GPU metrics).
//   Alertmanager  GET /api/v2/status: its version.
// A server that does not answer (refused, timed out, a 404, an answer that is not the API's) is a
// warning naming the URL (password hidden) and the error, and what triage does without it; serve
// keeps running (the server may come up later: each triage asks again and its incident says what
// it could not read). Nothing is said for a URL that is not set (ServeStartupGuide says so).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config.h"

namespace vigil {

struct UpstreamCheckOptions {
  int64_t timeout_ms = 5'000;  // each request, connect included
};

// One line per configured server (Prometheus first), each starting "vigil serve: " and without a
// trailing newline. Makes network requests; safe to call from any thread.
std::vector<std::string> CheckUpstreams(const Config& config, const UpstreamCheckOptions& options = {});

}  // namespace vigil
