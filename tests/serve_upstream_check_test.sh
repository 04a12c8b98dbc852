#!/usr/bin/env bash
# `vigil serve` says at start-up whether its Prometheus and Alertmanager answer (REV2, 2026-12-04;
# server/upstream_check.h), against a REAL Prometheus (backfilled by promtool with one dcgm-exporter
# series and node_exporter's node_uname_info) and a REAL Alertmanager 0.25:
#  1. the right URLs: "Prometheus URL answered: N metric names, 1 of them dcgm-exporter's ...; node_exporter's
#     node_uname_info there" and "Alertmanager URL answered: version 0.25...", and where probes run;
#  2. the two URLs swapped (an easy slip: both are "the monitoring host"): a warning naming each URL,
#     HTTP 404 and what triage does without it; serve keeps running and answers /healthz;
#  3. a URL holding the API path: a Prometheus's `/api/v1` cut off and said (DOG6; refused from REV2),
#     an Alertmanager's `/api/v2` (config file) refused at start, exit 2, the base URL to give (before
#     REV2: taken, and every query went to /api/v1/api/v1/...).
# Before this, steps 1 and 2 printed "each alert's metrics are read there" whatever answered, and
# step 3 started serve.
# Skipped (exit 77) only when prometheus / promtool / prometheus-alertmanager / curl are missing.
# Usage: bash tests/serve_upstream_check_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
require_tools prometheus promtool "$AM_BIN" curl
PY=/usr/bin/python3
source "$HERE/lib/prometheus.sh"  # free_port, PIDS, backfill, start_prometheus, start_alertmanager
source "$HERE/lib/serve.sh"       # start_serve, alertmanager_config

NOW=$(date +%s)
{
  echo '# TYPE DCGM_FI_DEV_GPU_TEMP gauge'
  for t in $(seq $((NOW - 3600)) 60 $((NOW - 60))); do
    echo "DCGM_FI_DEV_GPU_TEMP{Hostname=\"gpu-a17\",gpu=\"5\",job=\"dcgm\",instance=\"gpu-a17:9400\"} 52 $t"
  done
  echo '# TYPE node_uname_info gauge'
  for t in $(seq $((NOW - 3600)) 60 $((NOW - 60))); do
    echo "node_uname_info{nodename=\"gpu-a17\",job=\"node\",instance=\"10.0.0.17:9100\"} 1 $t"
  done
  echo '# EOF'
} >"$TMP/series.om"
mkdir -p "$TMP/tsdb"
backfill "$TMP/series.om" "$TMP/tsdb"
start_prometheus "$TMP/tsdb"
PROM=$URL
alertmanager_config "$TMP/alertmanager.yml" "http://127.0.0.1:9/api/v1/alerts" "alertname" 1h
start_alertmanager "$AM_BIN" "$TMP/alertmanager.yml"

# wait_line LOG PATTERN: up to 30 s for an ERE line in LOG.
wait_line() {
  for _ in $(seq 300); do
    grep -qE -- "$2" "$1" && return 0
    sleep 0.1
  done
  return 1
}
stop_vigil() { kill -TERM "$VPID" 2>/dev/null; wait "$VPID" 2>/dev/null; }

# 1. The right URLs.
start_serve "$TMP/ok.log" --data-dir "$TMP/var" --prometheus-url "$PROM" --alertmanager-url "$AM" serve --listen 127.0.0.1:0
wait_line "$TMP/ok.log" "^vigil serve: Prometheus $PROM answered: [0-9]+ metric names, 1 of them dcgm-exporter's \(DCGM_FI_\*\); node_exporter's node_uname_info there" &&
  passed=$((passed + 1)) || bad "no 'Prometheus ... answered' line: $(cat "$TMP/ok.log")"
wait_line "$TMP/ok.log" "^vigil serve: Alertmanager $AM answered: version 0\.[0-9]+" &&
  passed=$((passed + 1)) || bad "no 'Alertmanager ... answered' line: $(cat "$TMP/ok.log")"
grep -q "^vigil serve: probes: local (probe_executor, default): probes run on this host only" "$TMP/ok.log" &&
  passed=$((passed + 1)) || bad "no probes line: $(cat "$TMP/ok.log")"
grep -q "warning" "$TMP/ok.log" && bad "a warning with the right URLs: $(grep warning "$TMP/ok.log")" || passed=$((passed + 1))
stop_vigil

# 2. Swapped: each a warning with the URL and the 404; serve still up.
start_serve "$TMP/swapped.log" --data-dir "$TMP/var" --prometheus-url "$AM" --alertmanager-url "$PROM" serve --listen 127.0.0.1:0 --no-probes
wait_line "$TMP/swapped.log" "^vigil serve: warning: Prometheus $AM did not answer as a Prometheus at start-up: .*HTTP 404.*; until it does, each alert is triaged without metrics" &&
  passed=$((passed + 1)) || bad "no Prometheus warning: $(cat "$TMP/swapped.log")"
wait_line "$TMP/swapped.log" "^vigil serve: warning: Alertmanager $PROM did not answer as an Alertmanager at start-up: GET /api/v2/status answered HTTP 404 \(is the URL an Alertmanager, http://host:9093\?\)" &&
  passed=$((passed + 1)) || bad "no Alertmanager warning: $(cat "$TMP/swapped.log")"
grep -q "^vigil serve: probes: none (--no-probes)" "$TMP/swapped.log" && passed=$((passed + 1)) || bad "no --no-probes line"
check "serve keeps running after the warnings" 0 '"status": "ok"' -- curl -sf "$V/healthz"
stop_vigil

# 3. The API path in a URL. A Prometheus's: cut off, said, and the server read (DOG6: one rule with
# --data prom:URL; refused at start from REV2 to DOG6). An Alertmanager's: refused with the base URL.
start_serve "$TMP/api.log" --data-dir "$TMP/var" --prometheus-url "$PROM/api/v1" serve --listen 127.0.0.1:0 --no-probes
wait_line "$TMP/api.log" "^vigil serve: Prometheus: $PROM \(prometheus_url, from flag --prometheus-url; its \`/api/v1\` left out: vigil adds the API paths\)" &&
  passed=$((passed + 1)) || bad "prometheus_url ending in /api/v1: no line saying it was cut: $(cat "$TMP/api.log")"
wait_line "$TMP/api.log" "^vigil serve: Prometheus $PROM answered: [0-9]+ metric names" &&
  passed=$((passed + 1)) || bad "prometheus_url ending in /api/v1: not read at $PROM: $(cat "$TMP/api.log")"
stop_vigil
printf '{\n  "alertmanager_url": "%s/api/v2/alerts"\n}\n' "$AM" >"$TMP/vigil.json"
check "alertmanager_url ending in /api/v2/alerts (config file): exit 2, the base URL" 2 \
  "Alertmanager URL \`$AM/api/v2/alerts\`: holds the API path \`/api/v2\`; give the server's base URL, $AM" \
  -- timeout 60 "$VIGIL" --config "$TMP/vigil.json" --data-dir "$TMP/var" --listen 127.0.0.1:0 serve --no-probes

echo "serve_upstream_check_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
