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
# "FAIL prometheus did not start", and exits 1. Needs prometheus, promtool and curl (check them first).
free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
backfill() {
  promtool tsdb create-blocks-from openmetrics -q "$1" "$2" >"$TMP/promtool.log" 2>&1 ||
    { cat "$TMP/promtool.log"; echo "FAIL promtool backfill"; exit 1; }
}
start_prometheus() {
  printf 'global:\n  scrape_interval: 1h\n' >"$TMP/prometheus.yml"
  local attempt
  for attempt in 1 2 3; do
    PORT=$(free_port)
    prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$1" \
      --storage.tsdb.retention.time=30d --web.listen-address="127.0.0.1:$PORT" >"$TMP/prometheus.log" 2>&1 &
    PROM_PID=$!
    PIDS+=("$PROM_PID")
    URL="http://127.0.0.1:$PORT"
    for _ in $(seq 300); do  # up to 30 s on a busy machine (about 0.5 s idle)
      curl -sf "$URL/-/ready" >/dev/null 2>&1 && break
      kill -0 "$PROM_PID" 2>/dev/null || break
      sleep 0.1
    done
    curl -sf "$URL/-/ready" >/dev/null 2>&1 && break
    kill "$PROM_PID" 2>/dev/null; wait "$PROM_PID" 2>/dev/null
    grep -q "address already in use" "$TMP/prometheus.log" || break
  done
  curl -sf "$URL/-/ready" >/dev/null 2>&1 || { tail -20 "$TMP/prometheus.log"; echo "FAIL prometheus did not start"; exit 1; }
}
