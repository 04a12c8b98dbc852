#!/bin/bash
# DEF6: an incident stored by a vigil before DEF5 (ecf96fa) from an alert sent without a
# fingerprint keeps that vigil's own hash; re-sending the alert to this vigil joins that incident.
#  1. `vigil serve` records the alert (POSTed with no fingerprint), then stops;
#  2. the store is made as the older vigil left it: the fingerprint it computed for these labels
#     (bf3466a154fdac4e: ecf96fa^'s Fnv1aHex, compiled on its own; Alertmanager's is 5ef07fd7b76a54cc)
#     in the row and its stored alert, schema version 5 (python3's sqlite3);
#  3. a restarted `vigil serve` says it upgraded one alert; the same alert POSTed again is a duplicate
#     of incident 1 (before DEF6: incident 2), and its resolved notification resolves incident 1.
source "$(dirname "$0")/lib/e2e.sh" "$@"
PY=${PY:-/usr/bin/python3}
require_tools curl "$PY"
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT
source "$HERE/lib/serve.sh"
DATA="$TMP/data"
mkdir -p "$DATA"
alert() {
  echo '{"version":"4","status":"'"$1"'","alerts":[{"status":"'"$1"'","labels":{"alertname":"GpuXidError",
"Hostname":"node-3","gpu":"5","xid":"79","severity":"critical"},"startsAt":"2026-12-03T22:00:00Z"'"${2:-}"'}]}'
}
post() { curl -s -XPOST -H 'Content-Type: application/json' "$V/api/v1/alerts" -d "$1" | tr -d ' \n'; }

start_serve "$TMP/vigil1.log" --data-dir "$DATA" serve --listen 127.0.0.1:0 --no-probes
check "first POST" 0 '"created":\[1\]' -- post "$(alert firing)"
kill "$VPID"; wait "$VPID"
"$PY" - "$DATA/incidents.db" <<'PY' && passed=$((passed + 1)) || bad "rewriting the store as a vigil before DEF5 left it"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
(fp,) = db.execute("SELECT fingerprint FROM incidents WHERE id=1").fetchone()
assert fp == "5ef07fd7b76a54cc", fp  # Alertmanager's, as this vigil computes it
db.execute("UPDATE incidents SET fingerprint='bf3466a154fdac4e', alert_json=replace(alert_json, '5ef07fd7b76a54cc', 'bf3466a154fdac4e')")
db.execute("PRAGMA user_version=5")
db.commit()
PY

start_serve "$TMP/vigil2.log" --data-dir "$DATA" serve --listen 127.0.0.1:0 --no-probes
grep -q '1 stored alerts sent without a fingerprint now have Alertmanager' "$TMP/vigil2.log" && passed=$((passed + 1)) ||
  bad "no upgrade line in the log: $(cat "$TMP/vigil2.log")"
check "the same alert again" 0 '"created":\[\],"duplicates":\[1\]' -- post "$(alert firing)"
check "its end" 0 '"resolved":\[1\]' -- post "$(alert resolved ',"endsAt":"2026-12-03T22:30:00Z"')"
check "one incident" 0 '^1 5ef07fd7b76a54cc$' -- bash -c "curl -s '$V/api/v1/incidents' | '$PY' -c 'import json,sys; l=json.load(sys.stdin)[\"incidents\"]; print(len(l), l[0][\"fingerprint\"])'"
echo "serve_predef5_store_test: $passed passed, $fail failed"
[ "$fail" -eq 0 ]
