#!/usr/bin/env bash
# `vigil diagnose --alert` with Prometheus down says once that the diagnosis has no metrics (RV-OPS,
# 2026-12-03: `metrics: prometheus ... could not be read ...; this diagnosis uses no metrics` was
# followed by `no metrics in the case: metric conditions not checked`, the same thing twice).
# Usage: bash tests/diagnose_alert_prometheus_down_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
cat >"$TMP/hook.json" <<'JSON'
{"receiver":"vigil","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"GpuTemperatureHigh","Hostname":"gpu-a17","gpu":"2"},"annotations":{"summary":"GPU 2 on gpu-a17 at 89C"},"startsAt":"2026-11-20T09:15:30Z","endsAt":"0001-01-01T00:00:00Z"}]}
JSON
# Port 1: nothing listens there; the connection is refused at once.
out=$("$VIGIL" --data-dir "$TMP/var" --log-level warn --prometheus-url http://127.0.0.1:1 diagnose --no-probes \
  --alert "$TMP/hook.json" 2>&1)
rc=$?
[ "$rc" = 0 ] && passed=$((passed + 1)) || bad "exit $rc (want 0): $(head -20 <<<"$out")"
grep -qE '^  - metrics: prometheus http://127\.0\.0\.1:1 could not be read .*; this diagnosis uses no metrics: metric conditions not checked$' <<<"$out" &&
  passed=$((passed + 1)) || bad "no line saying prometheus could not be read: $(sed -n '/not verified/,$p' <<<"$out")"
n=$(grep -cE 'no metrics' <<<"$out")
[ "$n" = 1 ] && passed=$((passed + 1)) || bad "$n lines say there are no metrics (want 1): $(sed -n '/not verified/,$p' <<<"$out")"

echo "diagnose_alert_prometheus_down_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
