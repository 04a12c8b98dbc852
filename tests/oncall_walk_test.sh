#!/usr/bin/env bash
# End-to-end: DOG6 (2026-12-05), what DOG5 found and left, and what an on-call / automation engineer
# met scripting vigil, each against REAL outside systems (Debian's prometheus and
# prometheus-alertmanager) and the built vigil:
#  1. one rule for a Prometheus URL's path in `--data prom:URL` and `--prometheus-url`: a Prometheus
#     run with --web.route-prefix=/prometheus reached at http://HOST:PORT/prometheus, with a trailing
#     slash, with `/api/v1/query_range` pasted; the same server given without its prefix (the 404
#     says the path it serves under) and a root Prometheus given a prefix (the 404 says it serves at
#     its root);
#  2. a real Alertmanager whose receiver's urls are `http://vigil:PORT` (no path), `/webhook` and
#     `/api/v1/alerts/`: each notification taken, the first two logged with the url to write;
#  3. a data dir on a read-only and on a full file system (tmpfs in a private mount namespace): the
#     error names the folder and why.
# Before DOG6 (d1144e8b's binary): serve refused `.../api/v1/query_range` that detect read, the 404s
# named no prefix, and every Alertmanager notification above was answered 404 and lost.
source "$(dirname "$0")/lib/e2e.sh" "$@"
require_tools curl prometheus
source "$HERE/lib/prometheus.sh"  # free_port, start_ready, start_alertmanager, PIDS (stopped at exit)

# --- 1. Prometheus URL paths: two real servers, one under the route prefix /prometheus, each
# scraping itself every second (its own metrics are the data read) ---
cat >"$TMP/prom_root.yml" <<'EOF'
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: self
    static_configs:
      - targets: ['SELF']
EOF
start_ready prometheus "$TMP/prom_root.log" prometheus --config.file="$TMP/prom_root.yml" \
  --storage.tsdb.path="$TMP/tsdb_root" --web.listen-address="127.0.0.1:{PORT}"
ROOT=$READY_URL
# The prefixed one: /-/ready is under the prefix, so start_ready's probe would not find it.
PPORT=$(free_port)
sed "s|SELF|127.0.0.1:$PPORT|; s|^scrape_configs:|scrape_configs:|" "$TMP/prom_root.yml" |
  sed "s|  - job_name: self|  - job_name: self\n    metrics_path: /prometheus/metrics|" >"$TMP/prom_prefix.yml"
prometheus --config.file="$TMP/prom_prefix.yml" --storage.tsdb.path="$TMP/tsdb_prefix" \
  --web.listen-address="127.0.0.1:$PPORT" --web.route-prefix=/prometheus \
  --web.external-url="http://127.0.0.1:$PPORT/prometheus" >"$TMP/prom_prefix.log" 2>&1 &
PIDS+=($!)
PREFIXED="http://127.0.0.1:$PPORT"
for _ in $(seq 300); do curl -sf "$PREFIXED/prometheus/-/ready" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "$PREFIXED/prometheus/-/ready" >/dev/null || { tail -5 "$TMP/prom_prefix.log"; echo "FAIL prefixed prometheus did not start"; exit 1; }
# The root one scrapes itself too (its own SELF target written after its port was known: reload).
sed -i "s|SELF|127.0.0.1:$READY_PORT|" "$TMP/prom_root.yml"
curl -sf -XPOST "$ROOT/-/reload" >/dev/null 2>&1 || kill -HUP "$READY_PID"
for _ in $(seq 300); do  # up to 30 s for both to hold a sample of `up`
  curl -s "$ROOT/api/v1/query?query=up" | grep -q '"value"' &&
    curl -s "$PREFIXED/prometheus/api/v1/query?query=up" | grep -q '"value"' && break
  sleep 0.1
done

Q='?query=prometheus_build_info&start=now-5m&step=1s'
# detect: each way of writing the prefixed server's URL reads its series from the same base (the bundled
# rules select none of Prometheus's own metrics: exit 1, "nothing was checked", after the read).
for u in "$PREFIXED/prometheus" "$PREFIXED/prometheus/" "$PREFIXED/prometheus/api/v1/query_range" "$PREFIXED/prometheus/api/v1"; do
  check "detect prom:$u" 1 "vigil detect: read prom:$PREFIXED/prometheus\\?query=prometheus_build_info&start=" -- \
    "$VIGIL" detect --rules data/rules --data "prom:$u$Q"
done
check "detect prom: the root server, a trailing slash" 1 "vigil detect: read prom:$ROOT\\?query=prometheus_build_info&start=" -- \
  "$VIGIL" detect --rules data/rules --data "prom:$ROOT/$Q"
# Without its prefix: the 404 says where it serves (exit 2: the URL given is wrong).
check "detect prom: the prefixed server without its prefix" 2 \
  "this server redirects / to \`/prometheus\`: it serves under that path .*: give $PREFIXED/prometheus" -- \
  "$VIGIL" detect --rules data/rules --data "prom:$PREFIXED$Q"
check "detect prom: the root server given a prefix" 2 \
  "$ROOT/-/ready answers 200: this server serves at its root, not under \`/prometheus\`" -- \
  "$VIGIL" detect --rules data/rules --data "prom:$ROOT/prometheus$Q"

# serve: the same URLs as --prometheus-url (the start-up check's lines; serve stopped at once).
serve_startup() {  # URL: serve's start-up text with prometheus_url URL, then SIGTERM
  # A new file each call: with one shared file, a loaded machine let the loop below read the previous
  # call's "listening on" before this serve had truncated it, and SIGTERM it before it started (the
  # previous URL's start-up text was then checked; seen once in a clean-clone run, 2026-12-06).
  local log
  log=$(mktemp "$TMP/serve_startup.XXXXXX")
  "$VIGIL" --log-level warn --data-dir "$TMP/sv_$RANDOM" --listen 127.0.0.1:0 --prometheus-url "$1" serve --no-probes \
    >"$log" 2>&1 &
  local p=$!
  PIDS+=("$p")
  for _ in $(seq 300); do grep -q 'listening on' "$log" && break; kill -0 $p 2>/dev/null || break; sleep 0.1; done
  kill -TERM $p 2>/dev/null; wait $p 2>/dev/null
  cat "$log"
}
check "serve --prometheus-url with the prefix" 0 "Prometheus $PREFIXED/prometheus answered: [1-9][0-9]* metric names" -- \
  serve_startup "$PREFIXED/prometheus/"
check "serve --prometheus-url with a pasted query_range path: cut, said" 0 \
  "Prometheus: $PREFIXED/prometheus \(prometheus_url, from flag --prometheus-url; its \`/api/v1/query_range\` left out: vigil adds the API paths\)" -- \
  serve_startup "$PREFIXED/prometheus/api/v1/query_range"
check "serve --prometheus-url with a pasted query_range path: answered" 0 "Prometheus $PREFIXED/prometheus answered: " -- \
  serve_startup "$PREFIXED/prometheus/api/v1/query_range"
check "serve --prometheus-url without the prefix" 0 \
  "did not answer as a Prometheus at start-up: .*answered HTTP 404 .*this server redirects / to \`/prometheus\`" -- \
  serve_startup "$PREFIXED"
check "serve --prometheus-url: Alertmanager's API path refused" 2 "holds the API path \`/api/v2\`, an Alertmanager's" -- \
  "$VIGIL" --data-dir "$TMP/sv_am" --listen 127.0.0.1:0 --prometheus-url "$ROOT/api/v2/alerts" serve --no-probes --rules data/rules

# --- 2. A real Alertmanager whose one receiver sends to three urls no DOG5 serve took ---
if [ -x "$AM_BIN" ]; then
  "$VIGIL" --data-dir "$TMP/var" --listen 127.0.0.1:0 serve --no-probes >"$TMP/serve.out" 2>&1 &
  spid=$!
  PIDS+=("$spid")
  for _ in $(seq 600); do grep -q 'listening on' "$TMP/serve.out" && break; kill -0 $spid 2>/dev/null || break; sleep 0.1; done
  U=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$TMP/serve.out" | sed 's/listening on //')
  [ -n "$U" ] || { bad "vigil serve did not start: $(head -5 "$TMP/serve.out")"; echo "oncall_walk: $passed passed, $fail failed"; exit 1; }
  cat >"$TMP/alertmanager.yml" <<EOF
route:
  receiver: vigil
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: vigil
    webhook_configs:
      - url: $U
        send_resolved: true
      - url: $U/webhook
        send_resolved: true
      - url: $U/api/v1/alerts/
        send_resolved: true
EOF
  start_alertmanager "$AM_BIN" "$TMP/alertmanager.yml"
  curl -sf -XPOST -H 'Content-Type: application/json' "$AM/api/v2/alerts" \
    --data '[{"labels":{"alertname":"GpuXidError","Hostname":"node-7","gpu":"2"},"annotations":{"summary":"Xid 79"}}]' >/dev/null ||
    bad "POST to Alertmanager's /api/v2/alerts"
  for _ in $(seq 600); do  # up to 60 s: group_wait 1s, then three notifications
    grep -q 'webhook POSTed to / from' "$TMP/serve.out" && grep -q 'webhook POSTed to /webhook from' "$TMP/serve.out" &&
      curl -s "$U/api/v1/incidents" | grep -q node-7 && break
    sleep 0.1
  done
  check "Alertmanager's notification to url http://HOST:PORT (no path): taken, logged" 0 \
    'W serve: webhook POSTed to / from 127.0.0.1 taken as POST /api/v1/alerts \(an Alertmanager notification; answered 200\): set the receiver.s webhook_configs url to http://HOST:PORT/api/v1/alerts' -- \
    cat "$TMP/serve.out"
  check "Alertmanager's notification to url .../webhook: taken, logged" 0 \
    'W serve: webhook POSTed to /webhook from 127.0.0.1 taken as POST /api/v1/alerts \(an Alertmanager notification; answered 200\)' -- \
    cat "$TMP/serve.out"
  # One incident: the three notifications carry the same alert.
  list=$(curl -s "$U/api/v1/incidents")
  grep -q '"count": 1,' <<<"$list" && grep -q '"rule": "GpuXidError"' <<<"$list" && grep -q '"component": "node-7/gpu2"' <<<"$list" &&
    passed=$((passed + 1)) || bad "want one incident of GpuXidError on node-7/gpu2: $(head -40 <<<"$list")"
  grep -q 'answered 404' "$TMP/serve.out" && bad "a 404 in serve's log: $(grep 'answered 404' "$TMP/serve.out")" ||
    passed=$((passed + 1))
  grep -q 'status=failed\|Notify for alerts failed' "$TMP/alertmanager.log" &&
    bad "Alertmanager failed a notification: $(grep -m3 'Notify for alerts failed' "$TMP/alertmanager.log")" || passed=$((passed + 1))
  kill -TERM $spid; wait $spid 2>/dev/null
else
  echo "note: $AM_BIN not installed: the real Alertmanager checks are left out"
fi

# --- 3. A data dir on a read-only or a full file system (a tmpfs mounted in a private mount namespace;
# left out where this user cannot make one): the error names the folder and why (DOG6: before,
# "unable to open database file" and "sqlite: database or disk is full" alone) ---
if unshare -rm true 2>/dev/null; then
  mkdir -p "$TMP/ro" "$TMP/full"
  check "a data dir on a read-only file system" 1 \
    "^vigil: cannot open knowledge base $TMP/ro/kb.sqlite: .* \(data_dir $TMP/ro is on a read-only file system: give a writable --data-dir or VIGIL_DATA_DIR\)" -- \
    unshare -rm bash -c 'mount -t tmpfs -o ro tmpfs "$1" && "$0" --data-dir "$1" kb search xid' "$VIGIL" "$TMP/ro"
  check "a data dir on a full file system" 1 \
    "^vigil: knowledge base: .*full \(data_dir $TMP/full: [0-9]+ KiB free on its file system\)" -- \
    unshare -rm bash -c 'mount -t tmpfs -o size=200k tmpfs "$1" && "$0" --data-dir "$1" diagnose --no-probes --case evals/diagnosis/dev/case-001.json' \
    "$VIGIL" "$TMP/full"
else
  echo "note: no private mount namespace for this user (unshare -rm): the read-only and full data dir checks are left out"
fi

echo "oncall_walk: $passed passed, $fail failed"
[ "$fail" = 0 ]
