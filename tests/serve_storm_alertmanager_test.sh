#!/usr/bin/env bash
# An alert storm from a REAL Prometheus + Alertmanager into `vigil serve` (server/HISTORY.md "Alert
# storms"; STORM2, 2026-12-03):
#  1. bad --incident-cache-bytes / --storm-rediagnose-interval / --storm-merge-window (STM2) values and an incident_cache_bytes
#     setting (config file, VIGIL_INCIDENT_CACHE_BYTES) are refused, exit 2, naming flag or setting
#     and value; a good one is read (start-up line, /metrics vigil_knowledge_incident_cache_bytes);
#  2. lib/exporter.py serves DCGM_FI_DEV_XID_ERRORS{Hostname, gpu, rack="r7"} for 4 nodes x 4 GPUs
#     of rack r7 (value 79); Prometheus scrapes it every 1 s and its rule GpuXidError (> 0) fires for
#     all 16 series; Alertmanager (group_by [rack]) sends them in one notification to
#     `vigil serve --storm-alerts 10 --storm-rediagnose-interval 1`: one storm incident, 16 members
#     on 4 nodes, diagnosed as one (component rack=r7, "storm of 16 alerts on 4 nodes"), the alerts'
#     one expression evaluated once against that Prometheus (vigil --prometheus-url): 16 series;
#  3. four more nodes of the rack start failing (the exposition grows to 32 series): Alertmanager
#     re-sends the group with 32 alerts, they join the incident, and it is diagnosed again
#     (storm.diagnosed_alerts 32, "storm of 32 alerts on 8 nodes"); when Prometheus raises the new
#     alerts over two evaluations, Alertmanager may send the growth in two notifications, and the last
#     diagnosis may cover fewer than 32 when the rest neither grew the storm by half nor added a node
#     (the server's rule, --storm-rediagnose-interval's help): then it covers all 8 nodes;
#  4. the Xid counters go back to 0: Prometheus resolves the 32 alerts, Alertmanager sends the
#     resolved notification, and the storm incident is resolved with every member; still one incident.
# Checked through the REST API (GET /api/v1/incidents[/ID]) and serve's log.
# Skipped (exit 77) only when prometheus / promtool / prometheus-alertmanager / curl are missing.
# Usage: bash tests/serve_storm_alertmanager_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
require_tools prometheus promtool "$AM_BIN" curl
PY=/usr/bin/python3
source "$HERE/lib/prometheus.sh"  # free_port, start_ready, start_alertmanager, PIDS (stopped at exit)
source "$HERE/lib/serve.sh"       # start_serve, wait_for, alertmanager_config
DATA="$TMP/var"

# 1. Bad values, refused before serving (exit 2, one line naming what and where).
for v in -1 abc 1.5 99999999999999999999999 1099511627777; do
  check "--incident-cache-bytes '$v'" 2 "^vigil: --incident-cache-bytes: (must be a whole number of bytes from 0 \\(no cache\\) to 1099511627776, got \`$v\`|\`$v\` is over 1099511627776 \\(1 TiB\\))" -- \
    "$VIGIL" --data-dir "$TMP/bad" serve --listen 127.0.0.1:0 --no-probes --incident-cache-bytes "$v"
done
check "--incident-cache-bytes 64MiB" 2 '^vigil: --incident-cache-bytes: must be a whole number of bytes .*got `64MiB` \(no unit: bytes, e\.g\. 67108864 for 64MiB\)' -- \
  "$VIGIL" --data-dir "$TMP/bad" serve --listen 127.0.0.1:0 --no-probes --incident-cache-bytes 64MiB
check "VIGIL_INCIDENT_CACHE_BYTES=-5" 2 '^vigil: invalid value `-5` for incident_cache_bytes \(from environment VIGIL_INCIDENT_CACHE_BYTES\): must be a whole number of bytes' -- \
  env VIGIL_INCIDENT_CACHE_BYTES=-5 "$VIGIL" --data-dir "$TMP/bad" serve --listen 127.0.0.1:0 --no-probes
printf '{"incident_cache_bytes": "32M"}\n' >"$TMP/bad-config.json"
check "config incident_cache_bytes \"32M\"" 2 "^vigil: invalid value \`32M\` for incident_cache_bytes \\(from config file $TMP/bad-config.json, line 1\\): .*\\(no unit: bytes, e\\.g\\. 33554432 for 32M\\)" -- \
  "$VIGIL" --config "$TMP/bad-config.json" --data-dir "$TMP/bad" serve --listen 127.0.0.1:0 --no-probes
# A bad setting is refused even where the flag overrides it (as every setting's bad value is).
check "config bad, flag good" 2 "invalid value \`32M\` for incident_cache_bytes" -- \
  "$VIGIL" --config "$TMP/bad-config.json" --data-dir "$TMP/bad" serve --listen 127.0.0.1:0 --no-probes --incident-cache-bytes 1024
check "--storm-rediagnose-interval -1" 2 '^vigil: --storm-rediagnose-interval: must be a whole number of at least 0, got `-1`' -- \
  "$VIGIL" --data-dir "$TMP/bad" serve --listen 127.0.0.1:0 --no-probes --storm-rediagnose-interval -1
# --storm-merge-window (STM2): 0 or a duration up to 24h.
for v in -5m abc 99999h 15 25h; do
  check "--storm-merge-window '$v'" 2 "^vigil: --storm-merge-window: must be 0 \\(off\\) or a duration up to 24h, e\\.g\\. 15m, 90s, 1h30m; got \`$v\` \\((negative|no unit|over 24h|invalid duration)" -- \
    "$VIGIL" --data-dir "$TMP/bad" serve --listen 127.0.0.1:0 --no-probes --storm-merge-window "$v"
done
[ ! -e "$TMP/bad/incidents.db" ] && passed=$((passed + 1)) || bad "a refused start opened the store"

# 2. The exporter: 4 nodes x 4 GPUs of rack r7 (8 nodes from step 3), their Xid value in TMP/value.
series() {  # series NODES: the exposition of nodes 00 .. NODES-1
  printf '# TYPE DCGM_FI_DEV_XID_ERRORS gauge\n'
  local n g
  for n in $(seq 0 $(($1 - 1))); do
    for g in 0 1 2 3; do
      printf 'DCGM_FI_DEV_XID_ERRORS{Hostname="rack7-node-%02d",gpu="%d",rack="r7",cluster="train-a"} {value}\n' "$n" "$g"
    done
  done
}
series 4 >"$TMP/series.prom"
echo 79 >"$TMP/value"
start_ready exporter "$TMP/exporter.log" "$PY" "$HERE/lib/exporter.py" "{PORT}" "$TMP/series.prom" "$TMP/value"
EXPORTER_PORT=$READY_PORT

printf '{"incident_cache_bytes": 1048576}\n' >"$TMP/config.json"
PROM_PORT=$(free_port)  # Prometheus is started below, once Alertmanager's port is known
start_serve "$TMP/vigil.log" --config "$TMP/config.json" --data-dir "$DATA" --prometheus-url "http://127.0.0.1:$PROM_PORT" serve --listen 127.0.0.1:0 --no-probes \
  --storm-alerts 10 --storm-rediagnose-interval 1
grep -q "a webhook of 10+ alerts is a storm: one incident per group of alerts (--storm-alerts), diagnosed again when later alerts grow it by half or to new nodes, at most every 1 s (--storm-rediagnose-interval); an earlier webhook's incidents of its groupKey are merged into it within 15m (--storm-merge-window); knowledge-base incident cache 1048576 bytes (incident_cache_bytes, config file $TMP/config.json, line 1)" "$TMP/vigil.log" &&
  passed=$((passed + 1)) || bad "start line: $(cat "$TMP/vigil.log")"
metrics=$(curl -sf "$V/metrics")
grep -q '^vigil_knowledge_incident_cache_bytes{kind="budget"} 1048576$' <<<"$metrics" && passed=$((passed + 1)) ||
  bad "the cache budget on /metrics: $(grep incident_cache <<<"$metrics")"

AM_GROUP_WAIT=5s alertmanager_config "$TMP/alertmanager.yml" "$V/api/v1/alerts" "rack" 1h
start_alertmanager "$AM_BIN" "$TMP/alertmanager.yml"
AM_PORT=${AM##*:}
# On the port vigil was given (start_ready picks its own).
start_xid_prometheus "$PROM_PORT" "$AM_PORT" "  - job_name: dcgm
    static_configs:
      - targets: ['127.0.0.1:$EXPORTER_PORT']"

# One storm incident with the 16 alerts, diagnosed.
T0=$(date +%s.%N)
if wait_for 90 'j["count"] >= 1 and j["incidents"][0].get("storm", {}).get("alerts") == 16 and j["incidents"][0]["state"] == "diagnosed"'; then
  passed=$((passed + 1))
  echo "storm diagnosed $("$PY" -c "print(round($(date +%s.%N) - $T0, 1))") s after Prometheus started"
else
  bad "no diagnosed storm incident of 16 alerts within 90 s: $(curl -s "$V/api/v1/incidents")"
  tail -5 "$TMP/alertmanager.log"; tail -20 "$TMP/vigil.log"
  curl -s "$PROM_URL/api/v1/alerts" | head -c 600; echo
fi
wait_for 1 'j["count"] == 1' && passed=$((passed + 1)) || bad "more than one incident: $(curl -s "$V/api/v1/incidents")"
grep -q 'webhook of 16 alerts: 1 storm incident(s), 1 incident(s) created' "$TMP/vigil.log" && passed=$((passed + 1)) ||
  bad "not one webhook of 16 alerts: $(grep webhook "$TMP/vigil.log")"
ID=$(curl -sf "$V/api/v1/incidents" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["incidents"][0]["id"])')
curl -sf "$V/api/v1/incidents/$ID" >"$TMP/storm1.json"
"$PY" - "$TMP/storm1.json" <<'PY' && passed=$((passed + 1)) || bad "the storm incident: $(head -c 3000 "$TMP/storm1.json")"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["storm"] == {"group": "rack=r7", "alerts": 16, "firing": 16, "resolved": 0, "diagnosed_alerts": 16}, j["storm"]
members = j["members"]
assert len(members) == 16, len(members)
assert {(m["node"], m["gpu"]) for m in members} == {("rack7-node-%02d" % n, str(g)) for n in range(4) for g in range(4)}, members
assert all(m["alertname"] == "GpuXidError" and m["resolved_at"] is None for m in members), members
assert j["alert"]["labels"]["rack"] == "r7" and j["alert"]["annotations"]["summary"].startswith("Xid 79 on rack7-node-"), j["alert"]
d = j["diagnosis"]
assert d["component"] == "rack=r7", d["component"]
assert d["root_cause"] == "gpu_fallen_off_bus", d["root_cause"]
assert d["summary"].find("storm of 16 alerts on 4 nodes, 4 per node (GpuXidError x16)") >= 0, d["summary"]
assert d["summary"].find("sharing rack=r7") >= 0, d["summary"]
assert d["storm"]["nodes"] == 4 and d["storm"]["shared_labels"]["rack"] == "r7", d["storm"]
# The alerts' one expression, evaluated once against the real Prometheus: every GPU's series.
ex = d["trace"][0]["expressions"]
assert len(ex) == 1 and ex[0]["expr"] == "DCGM_FI_DEV_XID_ERRORS > 0" and ex[0]["alerts"] == 16, ex
assert ex[0]["series_returned"] == 16 and ex[0]["series_kept"] == 16, ex
rows = [e for e in d["evidence"] if e["detail"].startswith("alert expression `DCGM_FI_DEV_XID_ERRORS > 0` on")]
assert len(rows) == 16 and all("(once for the storm's 16 alerts): " in e["detail"] and ", peak 79 at " in e["detail"] for e in rows), rows
assert len({e["detail"].split("Hostname=")[1][:15] + e["detail"].split("gpu=")[1][:3] for e in rows}) == 16, rows  # every GPU's
PY

# 3. Four more nodes of the rack: Alertmanager re-sends the group with 32 alerts; diagnosed again.
series 8 >"$TMP/series.new" && mv "$TMP/series.new" "$TMP/series.prom"
# Diagnosed again: every alert in, and the last diagnosis left no growth the rule would diagnose again
# (32 alerts, fewer than half as many again as it covered: more than 21).
# Asked twice, 3 s apart, so that a growth queued just as the first answer was read is diagnosed first.
grown='j["count"] == 1 and j["incidents"][0]["storm"]["alerts"] == 32 and 3 * j["incidents"][0]["storm"].get("diagnosed_alerts", 0) > 2 * 32 and j["incidents"][0]["state"] == "diagnosed"'
if wait_for 90 "$grown" && sleep 3 && wait_for 30 "$grown"; then
  passed=$((passed + 1))
else
  bad "the grown storm was not diagnosed again within 90 s: $(curl -s "$V/api/v1/incidents")"
  grep -E 'webhook|again|incident' "$TMP/vigil.log" | tail -10
fi
# Prometheus may raise the new nodes' alerts over two evaluations, so Alertmanager may send the grown
# group in two notifications (seen in fresh clones' ctest: 25 alerts then 32, and 28 then 32): each growth
# that the rule diagnoses again is queued with its own line; together they name the four new nodes, and
# the last one the count the incident's last diagnosis covered (28 then 32 queues only the 28: +4 alerts
# on known nodes is neither half again nor a new node).
curl -sf "$V/api/v1/incidents/$ID" >"$TMP/storm2.json"
DIAGNOSED=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["storm"]["diagnosed_alerts"])' "$TMP/storm2.json")
"$PY" - "$TMP/vigil.log" "$ID" "$DIAGNOSED" <<'PY' && passed=$((passed + 1)) || bad "no re-diagnosis line(s): $(grep -E 'again|webhook' "$TMP/vigil.log")"
import re, sys
text = open(sys.argv[1]).read()
lines = re.findall(r"incident %s \(storm rack=r7\): queued to be diagnosed again \((\d+) alerts, (\d+) when diagnosed "
                   r"\(\+\d+%%\); (\d+) new node\(s\): ([^)]*)\)" % sys.argv[2], text)
assert lines, "no line"
assert lines[0][1] == "16", lines
assert lines[-1][0] == sys.argv[3], (lines, sys.argv[3])
nodes = set(n.strip() for l in lines for n in l[3].split(","))
assert nodes == {"rack7-node-04", "rack7-node-05", "rack7-node-06", "rack7-node-07"}, nodes
PY
"$PY" - "$TMP/storm2.json" <<'PY' && passed=$((passed + 1)) || bad "the grown storm incident: $(head -c 3000 "$TMP/storm2.json")"
import json, sys
j = json.load(open(sys.argv[1]))
assert len(j["members"]) == 32 and j["attempts"] == 1, (len(j["members"]), j["attempts"])
n = j["storm"]["diagnosed_alerts"]  # 32, or the count of the last growth the rule diagnosed (above)
d = j["diagnosis"]
assert d["component"] == "rack=r7", d["component"]
per_node = "4 per node" if n == 32 else "-4 per node"
assert d["summary"].find("storm of %d alerts on 8 nodes, " % n) >= 0 and d["summary"].find(per_node + " (GpuXidError x%d)" % n) >= 0, d["summary"]
assert d["storm"]["nodes"] == 8, d["storm"]
ex = d["trace"][0]["expressions"]  # evaluated again, once: every failing GPU's series, the first 16 kept (the cut noted)
assert len(ex) == 1 and ex[0]["alerts"] == n and n <= ex[0]["series_returned"] <= 32 and ex[0]["series_kept"] == 16, ex
PY

# 4. The Xid counters back to 0: every alert resolves, and so does the storm incident.
echo 0 >"$TMP/value"
if wait_for 90 'j["count"] == 1 and j["incidents"][0]["resolved_at"] is not None and j["incidents"][0]["storm"]["firing"] == 0'; then
  passed=$((passed + 1))
else
  bad "the storm incident was not resolved within 90 s: $(curl -s "$V/api/v1/incidents")"
  tail -5 "$TMP/alertmanager.log"; grep webhook "$TMP/vigil.log" | tail -5
fi
curl -sf "$V/api/v1/incidents/$ID" >"$TMP/storm3.json"
"$PY" - "$TMP/storm3.json" <<'PY' && passed=$((passed + 1)) || bad "the resolved storm incident: $(head -c 2000 "$TMP/storm3.json")"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["storm"]["alerts"] == 32 and j["storm"]["resolved"] == 32, j["storm"]
assert all(m["resolved_at"] is not None for m in j["members"]), j["members"]
assert j["resolved_at"] == max(m["resolved_at"] for m in j["members"]), (j["resolved_at"], [m["resolved_at"] for m in j["members"]])
assert j["state"] == "diagnosed", j["state"]  # resolving queues nothing
PY
wait_for 1 'j["count"] == 1' && passed=$((passed + 1)) || bad "resolution made another incident: $(curl -s "$V/api/v1/incidents")"
metrics=$(curl -sf "$V/metrics")
grep -qE '^vigil_knowledge_incident_cache_bytes\{kind="used"\} [1-9]' <<<"$metrics" && passed=$((passed + 1)) ||
  bad "cache use on /metrics: $(grep incident_cache <<<"$metrics")"

kill -TERM "$VPID"
wait "$VPID"
rc=$?
[ "$rc" = 0 ] && passed=$((passed + 1)) || bad "SIGTERM: exit $rc, log: $(tail -3 "$TMP/vigil.log")"
echo "serve_storm_alertmanager_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
