#!/usr/bin/env bash
# Day one, live (DET3): `vigil serve --rules docs/examples/day_one.rules` against a REAL Prometheus
# scraping exporter-style metrics every 1 s, as an on-call engineer first runs it:
#  1. two nodes, each with a dcgm-exporter (2 GPUs, Kubernetes pod labels) and a trainer's metrics
#     (2 ranks) (tests/lib/day_one_exporter.py), scraped by Prometheus as jobs `dcgm` and `llm`;
#     vigil serve with the day-one rules file as it is, --eval-interval 1;
#  2. 25 s of healthy readings: no incident (LossSpike fired on two ranks in the first 3 s before
#     its `count(...) >= 20`: a median and MAD of one or two readings);
#  3. an Xid 79 on node-b GPU 1: one XidNonZero incident naming that GPU;
#  4. the pod label of every GPU changes (a new pod): no new incident (the DCGM rules select
#     `ignoring (pod)`), and no freshness warning in vigil's log (before: "the freshness of N
#     series ... answered other series than the values: M marker series with no values; their
#     values are kept as read" at every read for 90 s: the old pod's series, ended by a staleness
#     marker, still has a count_over_time);
#  5. rank 3's grad norm jumps to 40: a GradNormExplosion incident naming rank 3;
#  6. node-b's dcgm-exporter dies: DcgmExporterStale (stale_for(3m)) for node-b's GPU 0 and 1,
#     within 3 min + 20 s, none for node-a; and a second rules file's `absent(1m)` rule over the
#     same metric (DET3: before, absent said nothing while node-a reported) names node-b's GPUs,
#     not the whole selection; nothing else fired in the whole run.
# Takes about 4.5 minutes. Skipped (exit 77) only when prometheus / curl are missing.
# Usage: bash tests/serve_day_one_live_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
require_tools prometheus curl
PY=/usr/bin/python3
source "$HERE/lib/prometheus.sh"  # free_port, start_ready, PIDS (stopped at exit)
source "$HERE/lib/serve.sh"       # start_serve, wait_for
FAULTS="$TMP/faults.json"
echo '{}' >"$FAULTS"
declare -A EXP_PORT EXP_PID
for host in node-a node-b; do
  for role in dcgm train; do
    start_ready "$role-$host" "$TMP/$role-$host.log" "$PY" "$HERE/lib/day_one_exporter.py" "{PORT}" "$role" "$host" "$FAULTS"
    EXP_PORT[$role-$host]=$READY_PORT EXP_PID[$role-$host]=$READY_PID
  done
done
cat >"$TMP/prometheus.yml" <<EOT
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: dcgm
    static_configs:
      - targets: ['127.0.0.1:${EXP_PORT[dcgm-node-a]}', '127.0.0.1:${EXP_PORT[dcgm-node-b]}']
  - job_name: llm
    static_configs:
      - targets: ['127.0.0.1:${EXP_PORT[train-node-a]}', '127.0.0.1:${EXP_PORT[train-node-b]}']
EOT
start_ready prometheus "$TMP/prometheus.log" prometheus --config.file="$TMP/prometheus.yml" \
  --storage.tsdb.path="$TMP/tsdb" --web.listen-address="127.0.0.1:{PORT}"
PROM_URL=$READY_URL
for _ in $(seq 150); do  # the first scrapes of both jobs
  [ "$(curl -sf "$PROM_URL/api/v1/query?query=count(train_loss)%2Bcount(DCGM_FI_DEV_GPU_TEMP)" |
       "$PY" -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)')" = 8 ] && break
  sleep 0.2
done
mkdir -p "$TMP/rules"
cat >"$TMP/rules/absent.rules" <<'EOT'
rule DcgmAbsent {
  select DCGM_FI_DEV_GPU_TEMP ignoring (pod)
  when absent(1m)
}
EOT
start_serve "$TMP/vigil.log" --data-dir "$TMP/var" --prometheus-url "$PROM_URL" serve --listen 127.0.0.1:0 \
  --no-probes --rules docs/examples/day_one.rules --rules "$TMP/rules/absent.rules" --eval-interval 1
grep -q 'online detection: 15 rule(s) from 2 file(s) every 1 s' "$TMP/vigil.log" && passed=$((passed + 1)) ||
  bad "start line: $(cat "$TMP/vigil.log")"
# incidents: "RULE LABEL=VALUE..." per incident (the labels named), sorted.
incidents() {
  curl -sf "$V/api/v1/incidents" >"$TMP/list.json" || return
  for id in $("$PY" -c 'import json,sys; print(" ".join(str(i["id"]) for i in json.load(open(sys.argv[1]))["incidents"]))' "$TMP/list.json"); do
    curl -sf "$V/api/v1/incidents/$id" | "$PY" -c '
import json, sys
j = json.load(sys.stdin); l = j["alert"]["labels"]
print(j["rule"], " ".join(k + "=" + l[k] for k in ("Hostname", "gpu", "rank") if k in l))'
  done | sort
}
# expect NAME SECONDS WANT: within SECONDS the incidents are WANT (lines of `incidents`).
expect() {
  local name=$1 want=$3 got end=$((SECONDS + $2))
  while :; do
    got=$(incidents)
    [ "$got" = "$want" ] || [ "$SECONDS" -ge "$end" ] && break
    sleep 0.5
  done
  [ "$got" = "$want" ] && passed=$((passed + 1)) && echo "ok $name" ||
    bad "$name: want incidents
$want
got
$got"
}
freshness_quiet() {
  ! grep -q 'the freshness of' "$TMP/vigil.log" && passed=$((passed + 1)) ||
    bad "$1: freshness warnings: $(grep 'the freshness of' "$TMP/vigil.log" | head -3)"
}

# 2. Healthy: no incident. Over the hour read before now this Prometheus (started seconds ago) had
# no DCGM_FI_DEV_GPU_TEMP at all; before DET4 `absent(1m)` held there and recorded a selection-wide
# incident, resolved when the series appeared (the time before the metric existed is no outage).
sleep 25
expect "healthy: no incident (none for the warm-up's time before the metric existed)" 1 ""
# 3. An Xid on node-b GPU 1.
echo '{"DCGM_FI_DEV_XID_ERRORS node-b 1": 79}' >"$FAULTS"
XID="XidNonZero Hostname=node-b gpu=1"
expect "Xid on node-b GPU 1" 30 "$XID"
# 4. A new pod on every GPU.
echo '{"DCGM_FI_DEV_XID_ERRORS node-b 1": 79, "pod": "llm-1"}' >"$FAULTS"
sleep 15
expect "pod change: no new incident" 1 "$XID"
freshness_quiet "pod change"
# 5. Rank 3's grad norm.
echo '{"DCGM_FI_DEV_XID_ERRORS node-b 1": 79, "pod": "llm-1", "grad_norm 3": 40}' >"$FAULTS"
expect "grad norm on rank 3" 30 "GradNormExplosion rank=3
$XID"
# 6. node-b's dcgm-exporter dies.
kill "${EXP_PID[dcgm-node-b]}"
T_KILL=$(date +%s)
expect "absent(1m) names node-b's GPUs" 100 "DcgmAbsent Hostname=node-b gpu=0
DcgmAbsent Hostname=node-b gpu=1
GradNormExplosion rank=3
$XID"
echo "DcgmAbsent after $(( $(date +%s) - T_KILL )) s (absent(1m))"
expect "dcgm-exporter dead on node-b" 220 "DcgmAbsent Hostname=node-b gpu=0
DcgmAbsent Hostname=node-b gpu=1
DcgmExporterStale Hostname=node-b gpu=0
DcgmExporterStale Hostname=node-b gpu=1
GradNormExplosion rank=3
$XID"
echo "DcgmExporterStale after $(( $(date +%s) - T_KILL )) s (stale_for(3m))"
freshness_quiet "the whole run"
grep -E ' E |internal' "$TMP/vigil.log" && bad "errors in vigil's log" || passed=$((passed + 1))

echo "serve_day_one_live_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
