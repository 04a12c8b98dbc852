#!/usr/bin/env bash
# `vigil diagnose --alert` reads the alert's activeAt from a REAL Prometheus's ALERTS_FOR_STATE
# (agents/alert_triage.h ReadAlertActiveAt): an alert Alertmanager sends carries startsAt (when it
# fired, after its rule's `for`), not since when its condition held.
#  1. starts its own `prometheus` (external label cluster="c1", evaluation every 1 s) with two rules
#     of one alertname, GpuXidError: Hostname="node-3", gpu="5", `for: 6s`, holding from the start;
#     gpu="6", `for: 6s`, holding from 4 s after gpu 5's activeAt (its ALERTS_FOR_STATE + 4); its
#     alerts sent to its own `prometheus-alertmanager`, whose webhook goes to tests/lib/webhook_capture.py;
#  2. once a webhook holds both alerts firing: their startsAt is at least 5 s after Prometheus's own
#     activeAt (GET /api/v1/alerts), so the assumption the code rests on holds in this Prometheus;
#  3. `vigil diagnose --alert <captured> --prometheus-url` (no probes): each report's first trace
#     item has "active_at" equal to that alert's activeAt from /api/v1/alerts (to the second, as
#     ALERTS_FOR_STATE stores it), found through the series of its own labels (the alerts carry
#     cluster="c1", which ALERTS_FOR_STATE does not);
#  4. without --prometheus-url, or with the Prometheus stopped: no "active_at"; stopped, the
#     diagnosis is still made (exit 0).
# Skipped (exit 77) only when prometheus / promtool / prometheus-alertmanager / curl are missing.
# Usage: bash tests/diagnose_alert_for_state_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
AM_BIN=/usr/bin/prometheus-alertmanager
command -v prometheus-alertmanager >/dev/null && AM_BIN=$(command -v prometheus-alertmanager)
for b in prometheus promtool curl "$AM_BIN"; do
  command -v "$b" >/dev/null || { echo "SKIP: $b not installed (scripts/test installs prometheus, prometheus-alertmanager and curl)"; exit 77; }
done
source "$HERE/lib/prometheus.sh"  # free_port, PIDS stopped at exit, start_ready, start_alertmanager
PY=/usr/bin/python3
passed=0 fail=0
V=("$VIGIL" --log-level error --data-dir "$TMP/var")

start_webhook_capture
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
      - url: $HOOK_URL
EOF
start_alertmanager "$AM_BIN" "$TMP/alertmanager.yml"

# gpu="6" holds from 4 s after gpu="5" became active, by Prometheus's own clock: its ALERTS_FOR_STATE
# (gpu 5's activeAt) + 4. FLK1: it was `time() > LATE` with LATE = the script's clock + 4 taken before
# Prometheus started, so a start slower than 2 s (a loaded CI machine; shown with a prometheus that
# sleeps 3 s before it starts) made both hold at the first evaluation, with one activeAt.
cat >"$TMP/rules.yml" <<EOF
groups:
  - name: xid
    interval: 1s
    rules:
      - alert: GpuXidError
        expr: label_replace(vector(79), "gpu", "5", "", "")
        for: 6s
        labels: {Hostname: node-3, severity: critical}
        annotations: {summary: "Xid 79 on node-3 GPU 5"}
      - alert: GpuXidError
        expr: label_replace(vector(time()) > scalar(ALERTS_FOR_STATE{alertname="GpuXidError", gpu="5"}) + 4, "gpu", "6", "", "")
        for: 6s
        labels: {Hostname: node-3, severity: critical}
        annotations: {summary: "Xid 79 on node-3 GPU 6"}
EOF
cat >"$TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 1h
  evaluation_interval: 1s
  external_labels: {cluster: c1}
rule_files: [$TMP/rules.yml]
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["${AM#http://}"]
EOF
promtool check config "$TMP/prometheus.yml" >"$TMP/promtool.log" 2>&1 || { cat "$TMP/promtool.log"; echo "FAIL promtool check config"; exit 1; }
start_ready prometheus "$TMP/prometheus.log" prometheus --config.file="$TMP/prometheus.yml" \
  --storage.tsdb.path="$TMP/tsdb" --web.listen-address="127.0.0.1:{PORT}"
PROM=$READY_URL PROM_PID=$READY_PID

# 2. A webhook with both alerts firing (up to 60 s: `for` 6 s, the second holding 4 s later).
wait_hook 1 'sorted(a["labels"]["gpu"] for a in w["alerts"] if a["status"] == "firing") == ["5", "6"]' 60 ||
  { tail -n 5 "$TMP/prometheus.log" "$TMP/alertmanager.log"; ls "$TMP/hooks"; echo "FAIL no webhook with both alerts firing"; exit 1; }
HOOK="$TMP/hooks/$HOOK_N.json"
curl -sf "$PROM/api/v1/alerts" >"$TMP/prom_alerts.json" || { echo "FAIL GET $PROM/api/v1/alerts"; exit 1; }
TIME='from datetime import datetime
import re
def t(s):  # RFC 3339 with up to nanoseconds -> Unix seconds
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z", s)
    assert m, s
    return datetime.fromisoformat(m.group(1) + "+00:00").timestamp() + float(m.group(2) or 0)'
"$PY" - "$HOOK" "$TMP/prom_alerts.json" <<PY && passed=$((passed + 1)) || bad "Prometheus's webhook startsAt is not its alerts' firing time (above)"
import json, sys
$TIME
hook = {a["labels"]["gpu"]: a for a in json.load(open(sys.argv[1]))["alerts"]}
prom = {a["labels"]["gpu"]: a for a in json.load(open(sys.argv[2]))["data"]["alerts"]}
for gpu in ("5", "6"):
    assert hook[gpu]["labels"].get("cluster") == "c1", hook[gpu]["labels"]  # an external label
    held = t(hook[gpu]["startsAt"]) - t(prom[gpu]["activeAt"])
    assert 5 <= held <= 30, (gpu, hook[gpu]["startsAt"], prom[gpu]["activeAt"])
assert t(prom["6"]["activeAt"]) - t(prom["5"]["activeAt"]) >= 2, (prom["5"]["activeAt"], prom["6"]["activeAt"])
PY

# 3. The diagnosis reads each alert's activeAt from ALERTS_FOR_STATE.
"${V[@]}" diagnose --alert "$HOOK" --prometheus-url "$PROM" --no-probes --json >"$TMP/diag.json" 2>"$TMP/diag.err"
rc=$?
[ "$rc" = 0 ] && passed=$((passed + 1)) || { bad "diagnose --alert exit $rc"; cat "$TMP/diag.err"; }
"$PY" - "$TMP/diag.json" "$TMP/prom_alerts.json" <<PY && passed=$((passed + 1)) || bad "active_at in the reports (above)"
import json, sys
$TIME
reports = json.load(open(sys.argv[1]))
prom = {a["labels"]["gpu"]: a for a in json.load(open(sys.argv[2]))["data"]["alerts"]}
assert len(reports) == 2, len(reports)
for d in reports:
    gpu = d["alert"]["labels"]["gpu"]
    item = d["trace"][0]
    assert item["agent"] == "alert_triage" and "active_at" in item, item
    assert t(item["active_at"]["time"]) == int(t(prom[gpu]["activeAt"])), (gpu, item["active_at"], prom[gpu]["activeAt"])
    how = item["active_at"]["how"]
    assert 'before startsAt (ALERTS_FOR_STATE{alertname="GpuXidError"} at prometheus http://127.0.0.1:' in how, how
PY

# 4. No Prometheus given, or Prometheus stopped: no active_at; the diagnosis is still made.
"${V[@]}" diagnose --alert "$HOOK" --no-probes --json >"$TMP/none.json" 2>&1
"$PY" -c 'import json, sys; r = json.load(open(sys.argv[1])); assert len(r) == 2 and all("active_at" not in d["trace"][0] for d in r), r' \
  "$TMP/none.json" && passed=$((passed + 1)) || bad "active_at without a Prometheus: $(head -c 600 "$TMP/none.json")"
kill "$PROM_PID"; wait "$PROM_PID" 2>/dev/null
"${V[@]}" diagnose --alert "$HOOK" --prometheus-url "$PROM" --prometheus-timeout 2s --no-probes --json >"$TMP/down.json" 2>"$TMP/down.err"
rc=$?
"$PY" -c 'import json, sys; r = json.load(open(sys.argv[1])); assert len(r) == 2 and all("active_at" not in d["trace"][0] and d["root_cause"] for d in r), r' \
  "$TMP/down.json" && [ "$rc" = 0 ] && passed=$((passed + 1)) || { bad "Prometheus stopped: exit $rc"; head -c 600 "$TMP/down.json"; cat "$TMP/down.err"; }

echo "diagnose_alert_for_state_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
