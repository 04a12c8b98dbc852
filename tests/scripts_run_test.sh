#!/usr/bin/env bash
# scripts/run as a new user runs it: the service comes up, says where to point Alertmanager and a
# browser, takes an Alertmanager webhook, keeps the incident in its data dir across a restart.
#  1. runs scripts/run itself (not vigil) on this build: VIGIL_BUILD_DIR=<build-dir> and
#     VIGIL_BUILD_TARGETS=vigil, so setup.sh's package step is a no-op (every package installed:
#     else exit 77) and its build step only checks `vigil` is up to date (no configure, no other
#     build dir, nothing printed); a temp VIGIL_DATA_DIR, no Prometheus / Alertmanager variables,
#     and `--listen 127.0.0.1:0 --no-probes` as extra arguments (they reach `vigil serve`);
#  2. the process started is vigil itself (exec: /proc/PID/exe), its output names the chat page,
#     the webhook and the REST URLs, and says what it will not do without Prometheus / Alertmanager;
#  3. /healthz; an Alertmanager-shaped webhook (version 4, an Xid 79 alert) POSTed to the printed
#     webhook URL becomes an incident, diagnosed from the shipped knowledge pack (kb:pack-xid-79),
#     at the printed incidents URL; the printed chat page URL serves the chat page;
#  4. SIGTERM: exit 0 ("vigil serve: stopped"); the incident is in VIGIL_DATA_DIR/incidents.db
#     (read with Python's sqlite3); a second scripts/run on the same data dir, with
#     VIGIL_PROMETHEUS_URL set (and said so), serves the same incident; SIGINT (Ctrl-C): exit 0;
#  5. a port in use: scripts/run --listen on it exits 1 with "Address already in use";
#  6. `scripts/run detect`: the sample detection's alerts as JSON lines, and no warning on stderr;
#  7. `scripts/run --help` / `-h`: the script's usage and serve's flags, nothing installed or built.
# Fails against the scripts/run that ran `vigil detect` (no /healthz ever answers).
# Usage: bash tests/scripts_run_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
PY=/usr/bin/python3
ROOT="$(cd "$HERE/.." && pwd)"
BUILD_ABS="$(cd "$BUILD" && pwd)"
command -v curl >/dev/null || { echo "SKIP: curl not installed (scripts/test installs it)"; exit 77; }
missing=$(bash -c 'source "$1/scripts/lib/setup.sh"; vigil_missing_packages "${VIGIL_BUILD_PACKAGES[@]}"' _ "$ROOT")
[ -z "$missing" ] || { echo "SKIP: packages not installed ($missing): scripts/run would install them"; exit 77; }
source "$HERE/lib/prometheus.sh"  # free_port and PIDS (stopped at exit); no Prometheus is started

# Only vigil's own settings reach vigil: none of the caller's, a temp data dir.
while read -r name; do unset "$name"; done < <(env | sed -n 's/^\(VIGIL_[A-Z_0-9]*\)=.*/\1/p')
export VIGIL_DATA_DIR="$TMP/var"
# run_script LOG ARG...: scripts/run ARG... in the background, this build, output in LOG; sets RPID.
run_script() {
  local log=$1
  shift
  # SIGINT back to its default first: a background job of a script starts with it ignored, which a
  # terminal's foreground job (the user's Ctrl-C) does not.
  VIGIL_BUILD_DIR="$BUILD_ABS" VIGIL_BUILD_TARGETS=vigil "$PY" -c \
    'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])' \
    bash "$ROOT/scripts/run" "$@" >"$log" 2>&1 &
  RPID=$!
  PIDS+=("$RPID")
}
# wait_line LOG PATTERN: up to 120 s (a build check, then the knowledge pack's first load) for a line.
wait_line() {
  for _ in $(seq 1200); do
    grep -qE "$2" "$1" && return 0
    kill -0 "$RPID" 2>/dev/null || break
    sleep 0.1
  done
  grep -qE "$2" "$1"
}
url_after() { sed -n "s|^vigil serve: $2 \(http://[^ ]*\).*|\1|p" "$1" | head -1; }

# 1-2. Start.
run_script "$TMP/run1.log" --listen 127.0.0.1:0 --no-probes
wait_line "$TMP/run1.log" '^vigil serve: no Alertmanager' || { cat "$TMP/run1.log"; echo "FAIL scripts/run did not start vigil serve"; exit 1; }
[ "$(readlink "/proc/$RPID/exe")" = "$BUILD_ABS/bin/vigil" ] && passed=$((passed + 1)) ||
  bad "scripts/run's process is $(readlink "/proc/$RPID/exe"), not $BUILD_ABS/bin/vigil (no exec: a signal would not reach vigil)"
# Nothing before vigil's own lines but the script's one line: no install, configure or build output.
first=$(grep -v ' I kb: ' "$TMP/run1.log" | head -1)
[[ "$first" == "vigil: starting vigil serve (data dir $TMP/var; Ctrl-C stops it)" ]] && passed=$((passed + 1)) ||
  bad "scripts/run's set-up was not quiet: $(head -5 "$TMP/run1.log")"
grep -q "vigil serve: listening on http://127.0.0.1:[0-9]* (incidents $TMP/var/incidents.db" "$TMP/run1.log" &&
  passed=$((passed + 1)) || bad "not serving from VIGIL_DATA_DIR: $(cat "$TMP/run1.log")"
grep -q '^vigil serve: no Prometheus (prometheus_url not set: --prometheus-url, VIGIL_PROMETHEUS_URL or the config file): no metrics are read' "$TMP/run1.log" &&
  grep -q '^vigil serve: no Alertmanager (alertmanager_url not set: --alertmanager-url, VIGIL_ALERTMANAGER_URL or the config file): triage does not list the other alerts firing on an alert.s node' "$TMP/run1.log" &&
  passed=$((passed + 1)) || bad "what it will not do was not said: $(cat "$TMP/run1.log")"
V=$(sed -n 's|^vigil serve: listening on \(http://127.0.0.1:[0-9]*\) .*|\1|p' "$TMP/run1.log")
HOOK=$(url_after "$TMP/run1.log" "Alertmanager webhook:")
CHAT=$(url_after "$TMP/run1.log" "chat page:")
INCIDENTS=$(url_after "$TMP/run1.log" "REST: GET")
[ -n "$V" ] && [ "$HOOK" = "$V/api/v1/alerts" ] && [ "$CHAT" = "$V/" ] && [ "$INCIDENTS" = "$V/api/v1/incidents," ] &&
  passed=$((passed + 1)) || bad "printed URLs: listening $V, webhook $HOOK, chat $CHAT, incidents $INCIDENTS"
INCIDENTS=${INCIDENTS%,}
check "healthz" 0 '"version"' -- curl -sf "$V/healthz"

# 3. An Alertmanager webhook to the printed URL.
STARTS=$(date -u -d "@$(($(date +%s) - 120))" +%Y-%m-%dT%H:%M:%SZ)
"$PY" - "$STARTS" >"$TMP/hook.json" <<'PY'
import json, sys
alert = {"status": "firing",
         "labels": {"alertname": "GpuXidError", "Hostname": "node-3", "gpu": "5", "xid": "79", "severity": "critical"},
         "annotations": {"summary": "Xid 79 on node-3 GPU 5: GPU has fallen off the bus",
                         "description": "NVRM: Xid (PCI:0000:b3:00): 79, GPU has fallen off the bus."},
         "startsAt": sys.argv[1], "endsAt": "0001-01-01T00:00:00Z",
         "generatorURL": "http://prometheus:9090/graph", "fingerprint": "3f1c0a7e5b2d9c11"}
print(json.dumps({"version": "4", "groupKey": "{}:{alertname=\"GpuXidError\"}", "truncatedAlerts": 0,
                  "status": "firing", "receiver": "vigil", "groupLabels": {"alertname": "GpuXidError"},
                  "commonLabels": alert["labels"], "commonAnnotations": alert["annotations"],
                  "externalURL": "http://alertmanager:9093", "alerts": [alert]}))
PY
check "webhook" 0 '"created"' -- curl -sf -XPOST -H 'Content-Type: application/json' --data-binary @"$TMP/hook.json" "$HOOK"
for _ in $(seq 600); do
  curl -sf "$INCIDENTS" >"$TMP/list.json" 2>/dev/null &&
    "$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if j["count"] == 1 and j["incidents"][0]["state"] == "diagnosed" else 1)' "$TMP/list.json" && break
  sleep 0.1
done
ID=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["incidents"][0]["id"])' "$TMP/list.json" 2>/dev/null)
curl -sf "$INCIDENTS/$ID" >"$TMP/incident.json"
"$PY" - "$TMP/incident.json" <<'PY' && passed=$((passed + 1)) || bad "incident at $INCIDENTS: $(cat "$TMP/list.json"; head -c 1500 "$TMP/incident.json")"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["state"] == "diagnosed" and j["rule"] == "GpuXidError", j["state"]
d = j["diagnosis"]
assert d["hypotheses"][0]["category"] == "gpu_fallen_off_bus", d["hypotheses"][0]
assert any(e["source"] == "kb:pack-xid-79" for e in d["evidence"]), d["evidence"]  # the shipped pack
assert any("--no-probes" in u for u in d["unverified"]), d["unverified"]  # the extra argument reached serve
PY
check "chat page" 0 '<title>Vigil chat</title>' -- curl -sf "$CHAT"

# 4. SIGTERM, the data dir's SQLite, a second start (Prometheus named), SIGINT.
kill -TERM "$RPID"
wait "$RPID"
rc=$?
[ "$rc" = 0 ] && grep -q '^vigil serve: stopped' "$TMP/run1.log" && passed=$((passed + 1)) ||
  bad "SIGTERM: exit $rc, log: $(tail -3 "$TMP/run1.log")"
"$PY" - "$TMP/var/incidents.db" "$ID" <<'PY' && passed=$((passed + 1)) || bad "incidents.db in VIGIL_DATA_DIR"
import sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute("SELECT id, rule, state FROM incidents").fetchall()
assert rows == [(int(sys.argv[2]), "GpuXidError", "diagnosed")], rows
PY
VIGIL_PROMETHEUS_URL=http://127.0.0.1:9 run_script "$TMP/run2.log" --listen 127.0.0.1:0 --no-probes
wait_line "$TMP/run2.log" '^vigil serve: no Alertmanager' || { cat "$TMP/run2.log"; echo "FAIL the second scripts/run did not start"; exit 1; }
grep -q '^vigil serve: Prometheus: http://127.0.0.1:9 (prometheus_url, from environment VIGIL_PROMETHEUS_URL): each alert' "$TMP/run2.log" &&
  passed=$((passed + 1)) || bad "VIGIL_PROMETHEUS_URL not said: $(cat "$TMP/run2.log")"
INCIDENTS=$(url_after "$TMP/run2.log" "REST: GET")
curl -sf "${INCIDENTS%,}/$ID" >"$TMP/incident2.json"
"$PY" - "$TMP/incident.json" "$TMP/incident2.json" <<'PY' && passed=$((passed + 1)) || bad "after the restart: $(head -c 500 "$TMP/incident2.json")"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert b["state"] == "diagnosed" and a["diagnosis"] == b["diagnosis"] and a["alert"] == b["alert"], "differs"
PY
# 5. A port in use (the second serve's): said, exit 1 (another data dir: not refused for the store).
PORT=$(sed -n 's|^vigil serve: listening on http://127.0.0.1:\([0-9]*\) .*|\1|p' "$TMP/run2.log")
# timeout: were the port free (the second serve gone), this serve would start and wait for a signal:
# the test would hang until ctest's 900 s timeout (review RV-NW); now it fails with exit 124.
check "port in use" 1 "cannot listen on 127.0.0.1:$PORT: Address already in use" -- \
  timeout 300 env VIGIL_DATA_DIR="$TMP/other" VIGIL_BUILD_DIR="$BUILD_ABS" VIGIL_BUILD_TARGETS=vigil bash "$ROOT/scripts/run" --listen "127.0.0.1:$PORT"
kill -INT "$RPID"
wait "$RPID"
rc=$?
[ "$rc" = 0 ] && grep -q '^vigil serve: SIGINT: taking no new requests' "$TMP/run2.log" && grep -q '^vigil serve: stopped' "$TMP/run2.log" &&
  passed=$((passed + 1)) || bad "SIGINT: exit $rc, log: $(tail -3 "$TMP/run2.log")"

# 6. The sample detection, still one command away.
VIGIL_BUILD_DIR="$BUILD_ABS" VIGIL_BUILD_TARGETS=vigil bash "$ROOT/scripts/run" detect >"$TMP/detect.out" 2>"$TMP/detect.err"
rc=$?
"$PY" - "$TMP/detect.out" <<'PY' && [ "$rc" = 0 ] && passed=$((passed + 1)) || bad "scripts/run detect: exit $rc, $(tail -3 "$TMP/detect.err")"
import json, sys
alerts = [json.loads(l) for l in open(sys.argv[1])]
assert alerts and all(a["explanation"]["rule_file"].startswith("data/rules/gpu_training.rules:") for a in alerts), len(alerts)
PY
# Its first output has no warning (REV3, 2026-12-04: four bundled rules on the clock-event reasons
# were warned about, as selecting no series of the sample, which carried neither of dcgm-exporter's
# names; an engineer read a defect into it). The sample carries the 3.x name now, and the 4.x pair
# is a note saying why it selects nothing.
! grep -i 'warning' "$TMP/detect.err" && grep -q '^vigil detect: 23 rule(s) over 115 series' "$TMP/detect.err" &&
  passed=$((passed + 1)) || bad "scripts/run detect: a warning on the sample, or no summary: $(cat "$TMP/detect.err")"

# 7. --help: what the script does and serve's flags, at once, with nothing installed or built. Before
# (2026-12-03), `scripts/run --help` installed packages and ran the whole build (a fresh checkout:
# 15-30 minutes), then printed serve's help after "starting vigil serve"; here, with a build folder
# that does not exist, it configured one. `timeout 30` stops that old behaviour as a failure.
VIGIL_BUILD_DIR="$TMP/nobuild" timeout 30 bash "$ROOT/scripts/run" --help >"$TMP/help1.out" 2>&1
rc=$?
[ "$rc" = 0 ] && [ ! -e "$TMP/nobuild" ] && grep -q 'scripts/run detect' "$TMP/help1.out" &&
  grep -q "vigil is not built yet ($TMP/nobuild/bin/vigil)" "$TMP/help1.out" && ! grep -q 'starting vigil serve' "$TMP/help1.out" &&
  passed=$((passed + 1)) || bad "scripts/run --help without a build: exit $rc, $([ -e "$TMP/nobuild" ] && echo "created $TMP/nobuild, ")$(tail -3 "$TMP/help1.out")"
VIGIL_BUILD_DIR="$BUILD_ABS" timeout 30 bash "$ROOT/scripts/run" -h >"$TMP/help2.out" 2>&1
rc=$?
[ "$rc" = 0 ] && grep -q 'scripts/run detect' "$TMP/help2.out" && grep -q '^Usage: vigil serve' "$TMP/help2.out" &&
  passed=$((passed + 1)) || bad "scripts/run -h: exit $rc, $(tail -3 "$TMP/help2.out")"

echo "scripts_run_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
