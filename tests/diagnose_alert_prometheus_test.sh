#!/usr/bin/env bash
# `vigil diagnose --alert` with a REAL Alertmanager and a REAL Prometheus (agents/alert_triage.h,
# connectors/alertmanager.h):
#  1. backfills 6 h of DCGM-like history ending 2 h ago with `promtool tsdb create-blocks-from
#     openmetrics`: DCGM_FI_DEV_GPU_TEMP, DCGM_FI_DEV_CLOCK_THROTTLE_REASONS and
#     DCGM_FI_DEV_POWER_USAGE every 15 s for 2 nodes x 8 GPUs (labels Hostname, gpu, instance, job);
#     from 3 h ago node-b GPU 5 heats to ~92 C with the SW-thermal-slowdown bit (32) of the throttle
#     reasons set: the knowledge pack's pack-thermal-sw-slowdown conditions;
#  2. starts its own `prometheus` and `prometheus-alertmanager` on free loopback ports (clustering
#     off, a webhook receiver pointing at tests/lib/webhook_capture.py), all stopped at exit;
#  3. POSTs firing alerts for node-b GPU 5 and node-a GPU 2 (startsAt 5 min after the onset, a
#     generatorURL with g0.expr as Prometheus writes it) to Alertmanager's /api/v2/alerts and
#     captures the webhook Alertmanager sends (one group: both alerts);
#  4. `vigil diagnose --alert <captured>`: gpu_thermal_throttle on node-b/gpu5 with metric evidence
#     read from Prometheus (JSON and text), only node-b's series read for it, node-a's alert not
#     blamed on it (node-a's series only), stdin (`-`) too; the alert's own expression evaluated
#     (node-b GPU 5 above 85 C at startsAt; none of its series on node-a; a refused expression said);
#     with alertmanager_url, the alerts firing on the same node listed from GET /api/v2/alerts (an
#     Xid on node-b, not an NCCL timeout on node-c nor node-a's alert; Alertmanager down said); the
#     text output lists both under `context:`;
#  5. the alert resolved through Alertmanager: its resolved webhook is captured and skipped;
#  6. Prometheus hung (SIGSTOP, --prometheus-timeout 1s) or stopped: the diagnosis is still printed
#     (exit 0) and says the metrics could not be read; bad payloads and flag misuse: exit 2 naming
#     the field. Probes go through probe_executor (replayed results: no GPU here), intrusive ones only
#     with allow_intrusive_probes.
# Skipped (exit 77) only when prometheus / promtool / prometheus-alertmanager / curl are missing.
# Usage: bash tests/diagnose_alert_prometheus_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
AM_BIN=/usr/bin/prometheus-alertmanager
command -v prometheus-alertmanager >/dev/null && AM_BIN=$(command -v prometheus-alertmanager)
for b in prometheus promtool curl "$AM_BIN"; do
  command -v "$b" >/dev/null || { echo "SKIP: $b not installed (scripts/test installs prometheus, prometheus-alertmanager and curl)"; exit 77; }
done
source "$HERE/lib/prometheus.sh"  # free_port, PIDS stopped at exit, backfill, start_prometheus
PY=/usr/bin/python3
V=("$VIGIL" --log-level error --data-dir "$TMP/var")
# diagnose's notes (a resolved alert skipped, nothing to diagnose) are info: `--log-level error` keeps them
# off (DOG7), so their checks run at the default level.
VI=("$VIGIL" --data-dir "$TMP/var")

NOW=$(date +%s)
S=$(( (NOW - 8 * 3600) / 60 * 60 ))  # history start, on a minute; it ends 2 h ago
ONSET=$((S + 3 * 3600))
"$PY" - "$S" "$ONSET" "$TMP/history.om" <<'PY'
import random, sys
S, onset, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = random.Random(7)
times = range(S, S + 6 * 3600, 15)
with open(out, "w") as f:
    for metric in ("DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", "DCGM_FI_DEV_POWER_USAGE"):
        f.write(f"# TYPE {metric} gauge\n")
        for host in ("node-a", "node-b"):
            for gpu in range(8):
                labels = f'Hostname="{host}",gpu="{gpu}",instance="{host}:9400",job="dcgm-exporter"'
                for t in times:
                    hot = host == "node-b" and gpu == 5 and t >= onset
                    ramp = min(1.0, (t - onset) / 300) if hot else 0.0
                    if metric == "DCGM_FI_DEV_GPU_TEMP":
                        v = 62 + gpu * 0.4 + rng.uniform(-1.5, 1.5) + 30 * ramp
                    elif metric == "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS":
                        v = 32 if hot and ramp >= 0.5 else 0  # bit 5: SW thermal slowdown
                    else:
                        v = 650 + rng.uniform(-20, 20) - 250 * ramp
                    f.write(f"{metric}{{{labels}}} {v:.2f} {t}\n")
    f.write("# EOF\n")
PY
backfill "$TMP/history.om" "$TMP/tsdb"
start_prometheus "$TMP/tsdb"
PROM=$URL

start_webhook_capture
cat >"$TMP/alertmanager.yml" <<EOF
route:
  receiver: vigil
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:  # the neighbours of step 4b are only listed (GET /api/v2/alerts), never sent to the capture
    - matchers: ['alertname=~"XidError|NcclWatchdogTimeout"']
      receiver: quiet
receivers:
  - name: vigil
    webhook_configs:
      - url: $HOOK_URL
        send_resolved: true
  - name: quiet
EOF
start_alertmanager "$AM_BIN" "$TMP/alertmanager.yml"

# 3. The alerts as a Prometheus rule would send them (the generatorURL's g0.expr URL-encoded): node-b
# GPU 5 (hot) and node-a GPU 2 (healthy: an alert on it must not be blamed on node-b's GPU).
STARTS=$(date -u -d "@$((ONSET + 300))" +%Y-%m-%dT%H:%M:%SZ)
alert_json() {  # $1: endsAt ("" = none)
  "$PY" - "$STARTS" "$PROM" "$1" <<'PY'
import json, sys, urllib.parse
starts, prom, ends = sys.argv[1:4]
out = []
for node, gpu in (("node-b", "5"), ("node-a", "2")):
    a = {"labels": {"alertname": "GpuTemperatureHigh", "Hostname": node, "gpu": gpu, "instance": node + ":9400",
                    "job": "dcgm-exporter", "severity": "critical"},
         "annotations": {"summary": f"GPU {gpu} on {node} above 85 C", "runbook_url": "https://wiki.example/gpu-temp"},
         "startsAt": starts,
         "generatorURL": prom + "/graph?g0.expr=" + urllib.parse.quote_plus('DCGM_FI_DEV_GPU_TEMP{job="dcgm-exporter"} > 85') + "&g0.tab=1"}
    if ends:
        a["endsAt"] = ends
    out.append(a)
print(json.dumps(out))
PY
}
BOTH='sorted(a["labels"]["Hostname"] for a in w["alerts"]) == ["node-a", "node-b"]'
curl -sf -XPOST -H 'Content-Type: application/json' --data "$(alert_json "")" "$AM/api/v2/alerts" >/dev/null ||
  { echo "FAIL POST /api/v2/alerts"; exit 1; }
wait_hook 1 "$BOTH" || { tail -20 "$TMP/alertmanager.log"; ls "$TMP/hooks"; echo "FAIL no webhook from alertmanager with both alerts"; exit 1; }
HOOK="$TMP/hooks/$HOOK_N.json"
"$PY" - "$HOOK" <<'PY' && passed=$((passed + 1)) || bad "the captured webhook is not Alertmanager's v4 firing payload (above)"
import json, sys
w = json.load(open(sys.argv[1]))
assert w["version"] == "4" and w["status"] == "firing" and w["receiver"] == "vigil", w
assert sorted(a["labels"]["Hostname"] for a in w["alerts"]) == ["node-a", "node-b"], w["alerts"]
for a in w["alerts"]:
    assert a["status"] == "firing" and a["fingerprint"], a
    assert a["endsAt"].startswith("0001-01-01"), a["endsAt"]
    assert "g0.expr=" in a["generatorURL"], a
PY

# 4. The diagnosis: thermal throttling on node-b GPU 5, from Prometheus's series; node-a's alert is not.
# node REPORTS.json: the report of the alert on that node.
PICK='import json, sys
def node(path, host):
    return [d for d in json.load(open(path)) if d["alert"]["labels"]["Hostname"] == host][0]'

"${V[@]}" diagnose --alert "$HOOK" --prometheus-url "$PROM" --no-probes --json >"$TMP/diag.json" 2>"$TMP/diag.err"
rc=$?
[ "$rc" = 0 ] && passed=$((passed + 1)) || { bad "diagnose --alert exit $rc"; cat "$TMP/diag.err"; }
"$PY" - "$TMP/diag.json" <<PY && passed=$((passed + 1)) || bad "the diagnosis of the captured alerts (above)"
$PICK
assert len(json.load(open(sys.argv[1]))) == 2
d, a = node(sys.argv[1], "node-b"), node(sys.argv[1], "node-a")
assert d["alert"]["alertname"] == "GpuTemperatureHigh", d["alert"]
assert d["root_cause"] == "gpu_thermal_throttle", (d["root_cause"], d.get("summary"))
assert d["component"] == "node-b/gpu5", d["component"]
metric = [e for e in d["evidence"] if e["kind"] == "metric"]
assert metric, [(e["kind"], e["source"]) for e in d["evidence"]]
assert any("DCGM_FI_DEV" in e["source"] + e["detail"] and "node-b" in e["source"] + e["detail"] for e in metric), metric
t = d["trace"][0]
assert t["agent"] == "alert_triage" and t["metric_source"].startswith("prometheus http://127.0.0.1:"), t
assert t["series_read"] == 24, t  # 3 metrics x node-b's 8 GPUs; nothing of node-a
assert all('Hostname="node-b"' in s for s in t["series"]), t["series"]
assert not any("metrics" in u for u in d["unverified"]), d["unverified"]
assert a["root_cause"] != "gpu_thermal_throttle" and "node-b" not in a["component"], (a["root_cause"], a["component"])
assert a["trace"][0]["series_read"] == 24 and all('Hostname="node-a"' in s for s in a["trace"][0]["series"]), a["trace"][0]
PY
# 4a. The alert's own expression, evaluated by Prometheus over the window: node-b GPU 5 above 85 C at
# startsAt (its only series on node-b); for node-a's alert the answer has no series on node-a: said.
"$PY" - "$TMP/diag.json" <<PY && passed=$((passed + 1)) || bad "the alert's expression evaluated (above)"
$PICK
d, a = node(sys.argv[1], "node-b"), node(sys.argv[1], "node-a")
x = d["trace"][0]["expression"]
assert x["expr"] == 'DCGM_FI_DEV_GPU_TEMP{job="dcgm-exporter"} > 85', x
assert x["source"].startswith("prometheus http://127.0.0.1:") and x["series_returned"] == 1, x
s = x["series"]
assert len(s) == 1 and 'Hostname="node-b"' in s[0]["series"] and 'gpu="5"' in s[0]["series"] and s[0]["alerts_own"], s
assert 85 < s[0]["at_starts_at"] <= s[0]["peak"] < 100 and 20 <= s[0]["points"] <= 30, s  # above 85 from ~onset + 230 s
ev = [e for e in d["evidence"] if e["kind"] == "metric" and e["detail"].startswith("alert expression")]
assert len(ev) == 1 and "(the alert's series)" in ev[0]["detail"] and "at startsAt, peak " in ev[0]["detail"], ev
assert a["trace"][0]["expression"]["series"] == [], a["trace"][0]["expression"]
assert any("none of the 1 series it returned" in u and "is on node-a" in u for u in a["unverified"]), a["unverified"]
PY
# An expression Prometheus refuses: said, the diagnosis still made (exit 0).
"$PY" - "$HOOK" "$TMP/bad_expr.json" <<'PY'
import json, sys
a = [x for x in json.load(open(sys.argv[1]))["alerts"] if x["labels"]["Hostname"] == "node-b"][0]
a["generatorURL"] = a["generatorURL"].split("?")[0] + "?g0.expr=sum%28DCGM_FI_DEV_GPU_TEMP"
json.dump(a, open(sys.argv[2], "w"))
PY
"${V[@]}" diagnose --alert "$TMP/bad_expr.json" --prometheus-url "$PROM" --no-probes --json >"$TMP/bad_expr.out" 2>&1
rc=$?
"$PY" - "$TMP/bad_expr.out" <<PY && [ "$rc" = 0 ] && passed=$((passed + 1)) || bad "a refused expression (exit $rc, above)"
import json, sys
d = json.load(open(sys.argv[1]))[0]
assert d["root_cause"] == "gpu_thermal_throttle", d["root_cause"]
assert any(u.startswith("alert expression \`sum(DCGM_FI_DEV_GPU_TEMP\` could not be evaluated at prometheus http://127.0.0.1:")
           and "bad_data" in u for u in d["unverified"]), d["unverified"]
PY

# 4b. Alerts firing beside it (Alertmanager's GET /api/v2/alerts, alertmanager_url): an Xid on node-b
# is listed for node-b's alert (a case log line and alert evidence), an NCCL timeout on node-c and
# node-a's own alert are not; node-a's alert has none. Alertmanager down: said, still a diagnosis.
curl -sf -XPOST -H 'Content-Type: application/json' --data '[
  {"labels": {"alertname": "XidError", "Hostname": "node-b", "gpu": "3", "instance": "node-b:9400", "severity": "critical"},
   "annotations": {"summary": "Xid 79: GPU has fallen off the bus"}, "startsAt": "'"$STARTS"'"},
  {"labels": {"alertname": "NcclWatchdogTimeout", "node": "node-c", "job": "train"},
   "annotations": {"summary": "NCCL watchdog timeout on rank 7"}, "startsAt": "'"$STARTS"'"}]' \
  "$AM/api/v2/alerts" >/dev/null || bad "POST the neighbour alerts"
"${V[@]}" diagnose --alert "$HOOK" --prometheus-url "$PROM" --alertmanager-url "$AM" --no-probes --json \
  >"$TMP/cofiring.json" 2>"$TMP/cofiring.err"
rc=$?
"$PY" - "$TMP/cofiring.json" <<PY && [ "$rc" = 0 ] && passed=$((passed + 1)) || { bad "co-firing alerts (exit $rc, above)"; cat "$TMP/cofiring.err"; }
$PICK
d, a = node(sys.argv[1], "node-b"), node(sys.argv[1], "node-a")
t = d["trace"][0]
assert t["alert_source"].startswith("alertmanager http://127.0.0.1:"), t
assert [c["alertname"] for c in t["cofiring_alerts"]] == ["XidError"], t["cofiring_alerts"]
ev = [e for e in d["evidence"] if e["kind"] == "alert" and "co-firing on the same node" in e["detail"]]
assert len(ev) == 1 and "XidError [critical]" in ev[0]["detail"] and "Xid 79" in ev[0]["detail"], ev
assert a["trace"][0]["cofiring_alerts"] == [], a["trace"][0]["cofiring_alerts"]
assert not any("co-firing" in u for u in d["unverified"] + a["unverified"]), (d["unverified"], a["unverified"])
PY
AM_DOWN=http://127.0.0.1:$(free_port)
check "alertmanager down: exit 0, said" 0 "co-firing alerts on node-b: alertmanager $AM_DOWN could not be read" -- \
  "${V[@]}" diagnose --alert "$HOOK" --prometheus-url "$PROM" --alertmanager-url "$AM_DOWN" --no-probes
check "text output" 0 '^root_cause: +gpu_thermal_throttle' -- "${V[@]}" diagnose --alert "$HOOK" --prometheus-url "$PROM" --no-probes
# The text output lists those weight-0 readings under `context:` (before review RV-LT it showed
# neither the expression's reading nor the co-firing alert).
"${V[@]}" diagnose --alert "$HOOK" --prometheus-url "$PROM" --alertmanager-url "$AM" --no-probes >"$TMP/context.txt" 2>&1
rc=$?
"$PY" - "$TMP/context.txt" <<'PY' && [ "$rc" = 0 ] && passed=$((passed + 1)) || bad "text output: context block (exit $rc, above)"
import re, sys
text = open(sys.argv[1]).read()
b = [s for s in text.split("== alert ") if "Hostname=\"node-b\"" in s.split("\nmitigation:")[0]]
assert len(b) >= 1, text
block = b[0].split("\ncontext:", 1)[1].split("\nmitigation:", 1)[0]
assert re.search(r'alert expression `DCGM_FI_DEV_GPU_TEMP\{job="dcgm-exporter"\} > 85` on \{.*Hostname="node-b".*gpu="5".*\} '
                 r"\(the alert's series\): [0-9.]+ at startsAt, peak", block), block
assert "co-firing on the same node: XidError [critical]" in block and "node-c" not in block, block
PY
check "alert header line" 0 '^== alert GpuTemperatureHigh \([0-9a-f]+\) since ' -- "${V[@]}" diagnose --alert "$HOOK" --prometheus-url "$PROM" --no-probes
out=$("${V[@]}" diagnose --alert - --prometheus-url "$PROM" --no-probes <"$HOOK" 2>&1)
grep -qE '^root_cause: +gpu_thermal_throttle' <<<"$out" && passed=$((passed + 1)) || bad "--alert - (stdin): $out"
# Probes through probe_executor, on targets from the alert's labels (replayed results here: no GPU).
cat >"$TMP/probes.json" <<'EOF'
{"gpu.health@node-b/gpu5": {"probe": "gpu.health", "target": "node-b/gpu5", "status": "fail",
                            "reason": "temperature 92 C, clock event reasons: sw_thermal_slowdown", "duration_s": 1.2},
 "gpu.inventory@node-b/gpu5": {"probe": "gpu.inventory", "target": "node-b/gpu5", "status": "pass", "reason": "H100 80GB HBM3", "duration_s": 0.1}}
EOF
echo '{}' >"$TMP/no_probes.json"
INTRUSIVE=$PICK'
steps = [s["target"].split("@")[0] for s in node(sys.argv[1], "node-b")["verification"]["steps"]]
intrusive = [p for p in steps if p in ("gpu.gemm", "gpu.hbm_bandwidth", "gpu.pcie_bandwidth", "gpu.sdc") or p.startswith("nccl.")]'
"${V[@]}" diagnose --alert "$HOOK" --prometheus-url "$PROM" --probe-executor "replay:$TMP/probes.json" --json >"$TMP/probed.json" 2>&1
"$PY" - "$TMP/probed.json" "$TMP/diag.json" <<PY && passed=$((passed + 1)) || bad "the diagnosis with probes (above)"
$INTRUSIVE
d, before = node(sys.argv[1], "node-b"), node(sys.argv[2], "node-b")
outcomes = {s["target"]: s["outcome"] for s in d["verification"]["steps"]}
assert outcomes.get("gpu.health@node-b/gpu5") == "fail", outcomes
assert d["root_cause"] == "gpu_thermal_throttle" and d["component"] == "node-b/gpu5", (d["root_cause"], d["component"])
assert d["confidence"] > before["confidence"], (d["confidence"], before["confidence"])
assert not intrusive, intrusive
PY
# Intrusive probes only with allow_intrusive_probes (no results recorded: the first wave decides nothing).
for allow in false true; do
  "${V[@]}" diagnose --alert "$HOOK" --probe-executor "replay:$TMP/no_probes.json" --allow-intrusive-probes $allow --json \
    >"$TMP/intrusive_$allow.json" 2>&1
done
"$PY" - "$TMP/intrusive_false.json" <<PY && passed=$((passed + 1)) || bad "intrusive probes asked without allow_intrusive_probes"
$INTRUSIVE
assert steps and not intrusive, (steps, intrusive)
PY
"$PY" - "$TMP/intrusive_true.json" <<PY && passed=$((passed + 1)) || bad "no intrusive probe asked with allow_intrusive_probes"
$INTRUSIVE
assert intrusive, steps
PY
# An LLM endpoint that does not answer: the built-in answer from Prometheus's series stands.
"${V[@]}" diagnose --alert "$HOOK" --prometheus-url "$PROM" --no-probes --llm-url http://127.0.0.1:1 --llm-max-retries 0 \
  --json >"$TMP/llm_down.json" 2>&1
"$PY" - "$TMP/llm_down.json" <<PY && passed=$((passed + 1)) || bad "LLM down: the built-in answer (above)"
$PICK
d = node(sys.argv[1], "node-b")
assert d["mode"] == "llm-error" and d["root_cause"] == "gpu_thermal_throttle", (d["mode"], d["root_cause"])
assert any("the built-in answer stands" in u for u in d["unverified"]), d["unverified"]
PY
# Without a Prometheus the alert text alone is not enough, and the output says why.
check "no prometheus_url" 0 'metrics: none read \(no metric source' -- "${V[@]}" diagnose --alert "$HOOK" --no-probes

# 5. Resolved through Alertmanager: the resolved webhook is skipped.
curl -sf -XPOST -H 'Content-Type: application/json' \
  --data "$(alert_json "$(date -u -d "@$(($(date +%s) - 5))" +%Y-%m-%dT%H:%M:%SZ)")" "$AM/api/v2/alerts" >/dev/null ||
  bad "POST the resolved alert"
if wait_hook $((HOOK_N + 1)) 'w["status"] == "resolved" and '"$BOTH"; then
  RESOLVED="$TMP/hooks/$HOOK_N.json"
  passed=$((passed + 1))  # the resolved notification came (its status checked by wait_hook)
  check "resolved skipped" 0 'skipped resolved alert GpuTemperatureHigh \(fingerprint [0-9a-f]+\)' -- \
    "${VI[@]}" diagnose --alert "$RESOLVED" --prometheus-url "$PROM" --no-probes
  check "resolved: nothing to diagnose" 0 'holds no firing alert \(2 resolved\): nothing to diagnose' -- \
    "${VI[@]}" diagnose --alert "$RESOLVED" --prometheus-url "$PROM" --no-probes
else
  bad "no webhook from alertmanager with both alerts resolved: $(ls "$TMP/hooks")"
fi
# An alert as Prometheus sends it (endsAt = its "valid until", a few evaluation intervals ahead;
# 8 s here) listed by GET /api/v2/alerts (status {"state": "active"}, amtool's -o json) and
# diagnosed once that endsAt has passed, as a saved file is: still firing, triaged, the note says so.
# FLK1: it was 3 s (2 to 3 s after the truncation to the second) for the POST and the GET, which
# Alertmanager no longer lists as active once endsAt has passed: too short on a loaded machine.
VALID_UNTIL=$(date -u -d "@$(($(date +%s) + 8))" +%Y-%m-%dT%H:%M:%SZ)
curl -sf -XPOST -H 'Content-Type: application/json' --data '[{"labels": {"alertname": "GpuTemperatureListed",
  "Hostname": "node-b", "gpu": "5", "job": "dcgm-exporter"}, "startsAt": "'"$STARTS"'", "endsAt": "'"$VALID_UNTIL"'"}]' \
  "$AM/api/v2/alerts" >/dev/null || bad "POST the alert with a valid-until endsAt"
curl -sfG --data-urlencode 'filter=alertname="GpuTemperatureListed"' "$AM/api/v2/alerts" >"$TMP/listed.json" ||
  bad "GET /api/v2/alerts"
grep -q '"state":"active"' "$TMP/listed.json" && passed=$((passed + 1)) || bad "listed alert not active: $(head -c 300 "$TMP/listed.json")"
while [ "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \< "$VALID_UNTIL" ] || [ "$(date -u +%Y-%m-%dT%H:%M:%SZ)" = "$VALID_UNTIL" ]; do sleep 0.2; done
check "listed alert past its endsAt: triaged" 0 "its endsAt $VALID_UNTIL has passed.*triaged as firing" -- \
  "${V[@]}" diagnose --alert "$TMP/listed.json" --prometheus-url "$PROM" --no-probes

# 6. Prometheus hung (SIGSTOP): each request ends at prometheus_timeout, the rest are not sent.
kill -STOP "$PROM_PID"
check "prometheus hung: exit 0, said" 0 'could not be read \(.*within 1000 ms.*; this diagnosis uses no metrics' -- \
  "${V[@]}" diagnose --alert "$HOOK" --prometheus-url "$PROM" --prometheus-timeout 1s --no-probes
kill -CONT "$PROM_PID"
check "prometheus_timeout 0s" 2 'prometheus_timeout: must be more than 0s' -- \
  "${V[@]}" diagnose --alert "$HOOK" --prometheus-url "$PROM" --prometheus-timeout 0s
# Prometheus stopped: still a diagnosis, exit 0, and the metrics named as unread.
kill "$PROM_PID"; wait "$PROM_PID" 2>/dev/null
check "prometheus down: exit 0, said" 0 'metrics: prometheus http://127\.0\.0\.1:[0-9]+ could not be read' -- \
  "${V[@]}" diagnose --alert "$HOOK" --prometheus-url "$PROM" --no-probes
check "prometheus down: still a diagnosis" 0 '^root_cause: ' -- "${V[@]}" diagnose --alert "$HOOK" --prometheus-url "$PROM" --no-probes

# Bad input: exit 2 naming the field.
sed 's/"startsAt":"[^"]*"/"startsAt":"yesterday"/' "$HOOK" >"$TMP/bad_time.json"
check "bad startsAt" 2 'bad_time.json: alerts\[0\]\.startsAt: not an RFC 3339 time' -- "${V[@]}" diagnose --alert "$TMP/bad_time.json"
sed 's/"alertname":"GpuTemperatureHigh",//' "$HOOK" >"$TMP/no_name.json"
check "no alertname" 2 'alerts\[0\]\.labels: no `alertname` label' -- "${V[@]}" diagnose --alert "$TMP/no_name.json"
printf '{"alerts": [' >"$TMP/truncated.json"
check "not JSON" 2 'truncated.json: body: .*line 1' -- "${V[@]}" diagnose --alert "$TMP/truncated.json"
printf '{"labels": {"alertname": "X"}, "annotations": {"summary": "caf\xe9"}}' >"$TMP/latin1.json"
check "not UTF-8" 2 'latin1.json: body: not valid UTF-8 at byte 62' -- "${V[@]}" diagnose --alert "$TMP/latin1.json"
check "missing file" 2 'alert file .*nope.json' -- "${V[@]}" diagnose --alert "$TMP/nope.json"
head -c $((16 * 1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' >"$TMP/huge.json"
check "huge body" 2 'huge.json: more than 16777216 bytes, the limit of one Alertmanager payload' -- \
  "${V[@]}" diagnose --alert "$TMP/huge.json"
out=$("${V[@]}" diagnose --alert - <"$TMP/huge.json" 2>&1)
[ $? = 2 ] && grep -q 'stdin: more than 16777216 bytes' <<<"$out" && passed=$((passed + 1)) || bad "huge body on stdin: $out"
check "both flags" 2 '--case, --log and --alert are exclusive: give one' -- "${V[@]}" diagnose --alert "$HOOK" --case evals/diagnosis/dev/case-040.json
check "neither flag" 2 'one of --alert, --log or --case is required' -- "${V[@]}" diagnose
check "bad lookback" 2 '--lookback: ' -- "${V[@]}" diagnose --alert "$HOOK" --lookback 30
check "bad prometheus_url" 2 'prometheus_url' -- "${V[@]}" diagnose --alert "$HOOK" --prometheus-url "ftp://x"

echo "diagnose_alert_prometheus_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
