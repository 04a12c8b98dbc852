#!/usr/bin/env bash
# Alert triage learns a node's other names from a REAL Prometheus (agents/alert_triage.h "node
# names", agents/node_names.h): two scraped stand-in exporters (tests/lib/exporter.py) on one machine,
#   - node_exporter-like at 127.0.0.1:P1: node_uname_info{nodename="node-3"} and node_load1 (its
#     series carry only instance="127.0.0.1:P1", job="node");
#   - dcgm-exporter-like at 127.0.0.1:P2: DCGM_FI_DEV_GPU_TEMP{Hostname="node-3",gpu="5"};
# then `vigil diagnose --alert` (the triage vigil serve runs) for
#   A. an alert naming its node only by Hostname="node-3": both node-3's DCGM series and the node
#      exporter's node_load1 under instance="127.0.0.1:P1" are read, and the alert expression's
#      node_load1 series is kept as on the node; a note names what was learned and where;
#   B. an alert naming only the node exporter's instance: the DCGM series under Hostname are read;
#   D. (review CF) the alert of A with a REAL Alertmanager (Debian's prometheus-alertmanager) holding
#      alerts posted to its API: an Xid under Hostname="NODE-3.cluster.local" and a node_exporter
#      alert under the learned instance are listed as co-firing; node-30's alert and one at node-3's
#      exporter address naming Hostname="node-4" are not; (PF) an alert labelled only hostname="node-3"
#      (a hand-written rule) is listed too;
#   C. Prometheus stopped: its first query (ALERTS_FOR_STATE, LD) said to have failed and nothing more
#      asked of it (no node-name query), still a diagnosis (exit 0).
# Fails with a binary before node names were learned (the node_load1 / DCGM series of the other
# name are not read, no "node names:" note), and D with one before CF (Alertmanager asked with
# exact Hostname="node-3", node="node-3", instance=~"node-3(:[0-9]+)?": neither alert found), and D's
# hostname= check with one before PF (Alertmanager asked under Hostname, node, instance only).
# Skipped (exit 77) only when prometheus / prometheus-alertmanager / curl are missing.
# Usage: bash tests/diagnose_alert_node_names_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
AM_BIN=/usr/bin/prometheus-alertmanager
command -v prometheus-alertmanager >/dev/null && AM_BIN=$(command -v prometheus-alertmanager)
for b in prometheus curl "$AM_BIN"; do
  command -v "$b" >/dev/null || { echo "SKIP: $b not installed"; exit 77; }
done
source "$HERE/lib/prometheus.sh"  # free_port, PIDS stopped at exit, start_ready
PY=/usr/bin/python3
V=("$VIGIL" --log-level error --data-dir "$TMP/var")

echo 40 >"$TMP/value"
printf '%s\n' '# TYPE node_uname_info gauge' \
  'node_uname_info{domainname="(none)",machine="x86_64",nodename="node-3",release="6.1.0",sysname="Linux"} 1' \
  '# TYPE node_load1 gauge' 'node_load1 {value}' >"$TMP/node.prom"
printf '%s\n' '# TYPE DCGM_FI_DEV_GPU_TEMP gauge' 'DCGM_FI_DEV_GPU_TEMP{Hostname="node-3",gpu="5"} 91' \
  'DCGM_FI_DEV_GPU_TEMP{Hostname="node-3",gpu="6"} 60' >"$TMP/dcgm.prom"
start_ready node-exporter "$TMP/node.log" "$PY" "$HERE/lib/exporter.py" "{PORT}" "$TMP/node.prom" "$TMP/value"
NODE_INSTANCE=127.0.0.1:$READY_PORT
start_ready dcgm-exporter "$TMP/dcgm.log" "$PY" "$HERE/lib/exporter.py" "{PORT}" "$TMP/dcgm.prom" "$TMP/value"
DCGM_INSTANCE=127.0.0.1:$READY_PORT
cat >"$TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: node
    static_configs: [{targets: ['$NODE_INSTANCE']}]
  - job_name: dcgm-exporter
    static_configs: [{targets: ['$DCGM_INSTANCE']}]
EOF
start_ready prometheus "$TMP/prometheus.log" prometheus --config.file="$TMP/prometheus.yml" \
  --storage.tsdb.path="$TMP/tsdb" --web.listen-address="127.0.0.1:{PORT}"
PROM=$READY_URL PROM_PID=$READY_PID
# Both targets scraped (up to 60 s on a busy machine).
for _ in $(seq 600); do
  n=$(curl -sf --data-urlencode 'query=count(node_uname_info) + count(DCGM_FI_DEV_GPU_TEMP)' "$PROM/api/v1/query" |
      "$PY" -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)' 2>/dev/null)
  [ "$n" = 3 ] && break
  sleep 0.1
done
[ "$n" = 3 ] && passed=$((passed + 1)) || { tail -5 "$TMP/prometheus.log"; bad "the exporters were not scraped"; }
sleep 2  # a few more points

# alert_file FILE LABELS_JSON: an alert started 1 min ago whose expression names both metrics.
alert_file() {
  "$PY" - "$1" "$2" "$PROM" <<'PY'
import datetime, json, sys, urllib.parse
path, labels, prom = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
starts = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
expr = "DCGM_FI_DEV_GPU_TEMP > 85 or node_load1 > 30"
json.dump({"labels": labels, "annotations": {"summary": "GPU 5 on node-3 above 85 C"}, "startsAt": starts,
           "generatorURL": prom + "/graph?g0.expr=" + urllib.parse.quote_plus(expr)}, open(path, "w"))
PY
}

# A. Named by Hostname only.
alert_file "$TMP/a.json" '{"alertname": "GpuTemperatureHigh", "Hostname": "node-3", "gpu": "5"}'
"${V[@]}" diagnose --alert "$TMP/a.json" --prometheus-url "$PROM" --no-probes --json >"$TMP/a.out" 2>"$TMP/a.err"
rc=$?
[ "$rc" = 0 ] && passed=$((passed + 1)) || { bad "diagnose A exit $rc"; cat "$TMP/a.err"; }
"$PY" - "$TMP/a.out" "$NODE_INSTANCE" "$PROM" <<'PY' && passed=$((passed + 1)) || bad "A: the node's series under both names (above)"
import json, sys
d, node_instance, prom = json.load(open(sys.argv[1]))[0], sys.argv[2], sys.argv[3]
t = d["trace"][0]
series = t["series"]
dcgm = [s for s in series if s.startswith("DCGM_FI_DEV_GPU_TEMP")]
load = [s for s in series if s.startswith("node_load1")]
assert len(dcgm) == 2 and all('Hostname="node-3"' in s for s in dcgm), series
assert len(load) == 1 and f'instance="{node_instance}"' in load[0], series
note = f"node names: node-3 is also {node_instance} (node_uname_info at prometheus {prom})"
assert note in t["notes"], (note, t["notes"])
x = t["expression"]["series"]
assert any(f'instance="{node_instance}"' in s["series"] and "node_load1" in s["series"] for s in x), x
assert any('Hostname="node-3"' in s["series"] and 'gpu="5"' in s["series"] for s in x), x
PY

# B. Named only by the node exporter's address.
alert_file "$TMP/b.json" "{\"alertname\": \"NodeLoadHigh\", \"instance\": \"$NODE_INSTANCE\", \"job\": \"node\"}"
"${V[@]}" diagnose --alert "$TMP/b.json" --prometheus-url "$PROM" --no-probes --json >"$TMP/b.out" 2>"$TMP/b.err"
rc=$?
[ "$rc" = 0 ] && passed=$((passed + 1)) || { bad "diagnose B exit $rc"; cat "$TMP/b.err"; }
"$PY" - "$TMP/b.out" "$NODE_INSTANCE" "$PROM" <<'PY' && passed=$((passed + 1)) || bad "B: the DCGM series under Hostname (above)"
import json, sys
d, node_instance, prom = json.load(open(sys.argv[1]))[0], sys.argv[2], sys.argv[3]
t = d["trace"][0]
series = t["series"]
assert len([s for s in series if s.startswith("DCGM_FI_DEV_GPU_TEMP") and 'Hostname="node-3"' in s]) == 2, series
assert len([s for s in series if s.startswith("node_load1")]) == 1, series
note = f"node names: 127.0.0.1 is also node-3 (node_uname_info at prometheus {prom})"
assert note in t["notes"], (note, t["notes"])
PY

# D. Co-firing alerts under the node's other names, from a real Alertmanager (review CF).
cat >"$TMP/alertmanager.yml" <<EOF
route:
  receiver: none
receivers:
  - name: none
EOF
start_alertmanager "$AM_BIN" "$TMP/alertmanager.yml"
ago() { "$PY" -c 'import datetime, sys; print((datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=int(sys.argv[1]))).strftime("%Y-%m-%dT%H:%M:%SZ"))' "$1"; }
curl -sf -XPOST -H 'Content-Type: application/json' --data '[
  {"labels": {"alertname": "XidError", "Hostname": "NODE-3.cluster.local", "gpu": "3", "severity": "critical"},
   "annotations": {"summary": "Xid 79: GPU has fallen off the bus"}, "startsAt": "'"$(ago 4)"'"},
  {"labels": {"alertname": "NodeFilesystemAlmostFull", "instance": "'"$NODE_INSTANCE"'", "job": "node"},
   "annotations": {"summary": "/ is 97% full"}, "startsAt": "'"$(ago 3)"'"},
  {"labels": {"alertname": "Node30Hot", "Hostname": "node-30", "gpu": "3"}, "startsAt": "'"$(ago 3)"'"},
  {"labels": {"alertname": "HostOnlyHostname", "hostname": "node-3", "severity": "warning"},
   "annotations": {"summary": "hand-written rule, node in hostname="}, "startsAt": "'"$(ago 2)"'"},
  {"labels": {"alertname": "Node30HostnameOnly", "hostname": "node-30"}, "startsAt": "'"$(ago 2)"'"},
  {"labels": {"alertname": "CentralExporterNode4", "instance": "'"$NODE_INSTANCE"'", "Hostname": "node-4"},
   "startsAt": "'"$(ago 3)"'"}]' "$AM/api/v2/alerts" >/dev/null && passed=$((passed + 1)) || bad "POST the alerts to Alertmanager"
"${V[@]}" diagnose --alert "$TMP/a.json" --prometheus-url "$PROM" --alertmanager-url "$AM" --no-probes --json \
  >"$TMP/d.out" 2>"$TMP/d.err"
rc=$?
[ "$rc" = 0 ] && passed=$((passed + 1)) || { bad "diagnose D exit $rc"; cat "$TMP/d.err"; }
"$PY" - "$TMP/d.out" <<'PY' && passed=$((passed + 1)) || bad "D: co-firing alerts under the node's other names (above)"
import json, sys
d = json.load(open(sys.argv[1]))[0]
t = d["trace"][0]
names = [c["alertname"] for c in t["cofiring_alerts"] if c["alertname"] != "HostOnlyHostname"]
assert names == ["XidError", "NodeFilesystemAlmostFull"], names
ev = [e for e in d["evidence"] if e["kind"] == "alert" and "co-firing on the same node" in e["detail"]]
assert len(ev) in (2, 3) and "XidError [critical]" in ev[0]["detail"] and "NODE-3.cluster.local" in ev[0]["detail"], ev
# The Xid line read from the case log placed on node-3 GPU 3 (the knowledge base's Xid 79 signature).
assert any(e["source"].startswith("node-3/gpu3/alertmanager co-firing alerts") and e["weight"] > 0 for e in d["evidence"]), d["evidence"]
assert not any("co-firing" in u for u in d["unverified"]), d["unverified"]
PY
# (PF) An alert labelled only hostname="node-3" listed, node-30's under hostname= not.
"$PY" - "$TMP/d.out" <<'PY' && passed=$((passed + 1)) || bad "D: an alert labelled only hostname= (above)"
import json, sys
d = json.load(open(sys.argv[1]))[0]
names = [c["alertname"] for c in d["trace"][0]["cofiring_alerts"]]
assert names == ["XidError", "NodeFilesystemAlmostFull", "HostOnlyHostname"], names
PY

# C. Prometheus stopped: the first query's failure said (ALERTS_FOR_STATE, read before all else), the
# node names not asked after it, the diagnosis still made.
kill "$PROM_PID"; wait "$PROM_PID" 2>/dev/null
"${V[@]}" diagnose --alert "$TMP/a.json" --prometheus-url "$PROM" --no-probes >"$TMP/down.txt" 2>&1
grep -qE 'alert: ALERTS_FOR_STATE\{alertname="GpuTemperatureHigh"\} could not be read at prometheus http://127\.0\.0\.1:[0-9]+' "$TMP/down.txt" &&
  ! grep -q 'node names:' "$TMP/down.txt" && passed=$((passed + 1)) || { bad "prometheus down: said, node names not asked"; head -40 "$TMP/down.txt"; }
check "prometheus down: still a diagnosis" 0 '^root_cause: ' -- "${V[@]}" diagnose --alert "$TMP/a.json" --prometheus-url "$PROM" --no-probes

echo "diagnose_alert_node_names_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
