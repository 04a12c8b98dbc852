# Shared by the end-to-end scripts that run a REAL Prometheus, sourced after lib/e2e.sh:
#   source "$HERE/lib/prometheus.sh"
# Defines free_port (prints a free loopback port) and PIDS (processes to stop: the EXIT trap set
# here kills them, then removes TMP; SIGINT / SIGTERM exit through it),
#   backfill OPENMETRICS_FILE TSDB_DIR
# (`promtool tsdb create-blocks-from openmetrics`; on failure prints promtool's output and
# "FAIL promtool backfill", and exits 1), and
#   start_prometheus TSDB_DIR
# which writes TMP/prometheus.yml (no scrape targets: the data is backfilled) and starts its own
# `prometheus` over TSDB_DIR on a free loopback port (up to 3 ports: another process may take the
# one free_port saw before prometheus binds it), waits up to 30 s for /-/ready, and sets PORT, URL
# and PROM_PID (its log: TMP/prometheus.log). Not ready: prints the log's tail and
# "FAIL prometheus did not start", and exits 1; and start_xid_prometheus / start_alertmanager / start_ready /
# start_webhook_capture and wait_hook below. Needs prometheus, promtool and curl (check them first).
free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
backfill() {
  promtool tsdb create-blocks-from openmetrics -q "$1" "$2" >"$TMP/promtool.log" 2>&1 ||
    { cat "$TMP/promtool.log"; echo "FAIL promtool backfill"; exit 1; }
}
# start_ready NAME LOG COMMAND...: starts COMMAND (every `{PORT}` in its words replaced by a free
# loopback port) with its output in LOG, up to 3 ports (another process may take the one free_port saw
# before the server binds it: tried again only when LOG says "address already in use"), and waits up
# to 30 s for URL/-/ready. Sets READY_PORT, READY_URL (http://127.0.0.1:PORT) and READY_PID (added
# to PIDS). Not ready: prints LOG's tail and "FAIL NAME did not start", and exits 1.
start_ready() {
  local name=$1 log=$2 attempt word
  shift 2
  for attempt in 1 2 3; do
    READY_PORT=$(free_port)
    local argv=()
    for word in "$@"; do argv+=("${word//\{PORT\}/$READY_PORT}"); done
    "${argv[@]}" >"$log" 2>&1 &
    READY_PID=$!
    PIDS+=("$READY_PID")
    READY_URL="http://127.0.0.1:$READY_PORT"
    for _ in $(seq 300); do  # up to 30 s on a busy machine (about 0.5 s idle)
      curl -sf "$READY_URL/-/ready" >/dev/null 2>&1 && break
      kill -0 "$READY_PID" 2>/dev/null || break
      sleep 0.1
    done
    curl -sf "$READY_URL/-/ready" >/dev/null 2>&1 && break
    kill "$READY_PID" 2>/dev/null; wait "$READY_PID" 2>/dev/null
    grep -q "address already in use" "$log" || break
  done
  curl -sf "$READY_URL/-/ready" >/dev/null 2>&1 || { tail -20 "$log"; echo "FAIL $name did not start"; exit 1; }
}
start_prometheus() {
  printf 'global:\n  scrape_interval: 1h\n' >"$TMP/prometheus.yml"
  start_ready prometheus "$TMP/prometheus.log" prometheus --config.file="$TMP/prometheus.yml" \
    --storage.tsdb.path="$1" --storage.tsdb.retention.time=30d --web.listen-address="127.0.0.1:{PORT}"
  PORT=$READY_PORT URL=$READY_URL PROM_PID=$READY_PID
}
# start_xid_prometheus PORT AM_PORT SCRAPE_CONFIGS: Prometheus on 127.0.0.1:PORT (a port vigil was
# already given), scraping and evaluating every 1 s, with the rule GpuXidError (DCGM_FI_DEV_XID_ERRORS
# > 0; severity critical; summary "Xid V on HOST GPU G: GPU has fallen off the bus" and an NVRM
# description) sent to Alertmanager at 127.0.0.1:AM_PORT; SCRAPE_CONFIGS is the YAML of its
# scrape_configs entries (indented by 2). The rules are checked by promtool; waits up to 30 s for it
# to be ready (added to PIDS), sets PROM_URL; else prints its log's tail, "FAIL ...", and exits 1.
start_xid_prometheus() {
  mkdir -p "$TMP/rules"
  cat >"$TMP/rules/xid.yml" <<'EOF'
groups:
  - name: gpu
    rules:
      - alert: GpuXidError
        expr: DCGM_FI_DEV_XID_ERRORS > 0
        labels:
          severity: critical
        annotations:
          summary: "Xid {{ $value }} on {{ $labels.Hostname }} GPU {{ $labels.gpu }}: GPU has fallen off the bus"
          description: "NVRM: Xid (PCI:0000:b3:00): {{ $value }}, GPU has fallen off the bus."
EOF
  cat >"$TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $TMP/rules/xid.yml
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['127.0.0.1:$2']
scrape_configs:
$3
EOF
  promtool check rules "$TMP/rules/xid.yml" >"$TMP/promtool.log" 2>&1 || { cat "$TMP/promtool.log"; echo "FAIL promtool check rules"; exit 1; }
  prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
    --web.listen-address="127.0.0.1:$1" >"$TMP/prometheus.log" 2>&1 &
  PIDS+=($!)
  PROM_URL="http://127.0.0.1:$1"
  for _ in $(seq 300); do curl -sf "$PROM_URL/-/ready" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -sf "$PROM_URL/-/ready" >/dev/null 2>&1 || { tail -20 "$TMP/prometheus.log"; echo "FAIL prometheus did not start on $1"; exit 1; }
}
# start_alertmanager BINARY CONFIG: BINARY (Debian's prometheus-alertmanager) with CONFIG, clustering
# off, storage in TMP/am, through start_ready; sets AM (its URL) and AM_PID; its log TMP/alertmanager.log.
start_alertmanager() {
  start_ready alertmanager "$TMP/alertmanager.log" "$1" --config.file="$2" --storage.path="$TMP/am" \
    --cluster.listen-address= --web.listen-address="127.0.0.1:{PORT}"
  AM=$READY_URL AM_PID=$READY_PID
}
# start_webhook_capture: lib/webhook_capture.py on a free loopback port, saving the n-th POST body
# as TMP/hooks/n.json (added to PIDS); sets HOOK_URL (http://127.0.0.1:PORT/alert, a receiver URL for
# Alertmanager's webhook_configs). Not listening within 30 s (FLK1: was 10 s): "FAIL webhook capture
# server did not start", exit 1.
start_webhook_capture() {
  mkdir -p "$TMP/hooks"
  /usr/bin/python3 "$HERE/lib/webhook_capture.py" "$TMP/capture.port" "$TMP/hooks" &
  PIDS+=($!)
  for _ in $(seq 300); do [ -s "$TMP/capture.port" ] && break; sleep 0.1; done
  [ -s "$TMP/capture.port" ] || { echo "FAIL webhook capture server did not start"; exit 1; }
  HOOK_URL="http://127.0.0.1:$(cat "$TMP/capture.port")/alert"
}
# wait_hook FIRST COND [SECONDS]: up to SECONDS (30) for the first captured webhook body numbered
# FIRST or later whose payload `w` meets the Python condition COND; sets HOOK_N to its number and
# returns 0, else 1. Alertmanager may send a group in more than one notification (its alerts' startsAt
# older than group_wait: the group is flushed at once with the alerts inserted so far), so a test
# waits for the notification it needs, not the first one.
wait_hook() {
  local n=$1 i
  for i in $(seq $((${3:-30} * 10))); do
    while [ -s "$TMP/hooks/$n.json" ]; do
      /usr/bin/python3 -c 'import json, sys; w = json.load(open(sys.argv[1])); sys.exit(0 if ('"$2"') else 1)' \
        "$TMP/hooks/$n.json" 2>/dev/null && { HOOK_N=$n; return 0; }
      n=$((n + 1))
    done
    sleep 0.1
  done
  return 1
}
