#!/usr/bin/env bash
# The day-one rules of an ML-infra engineer (docs/examples/day_one.rules, DET 2026-12-04) over four
# hours of a training job's and its GPUs' telemetry with planted incidents
# (tests/lib/day_one_telemetry.py): every planted incident raises its rule's alert on its rank /
# GPU at the expected minute, and no other alert is raised. The shapes: NaN loss rows (read as
# missing points, without --skip-bad-rows since DET2: the NaN-loss rule is `stale_for`), an ECC count that rose while
# the exporter was down for 19 minutes and a GPU reset that clears it, an Xid exporter restart, a
# pod label that changes at minute 120 (the DCGM rules select `ignoring (pod)`), an exporter that
# dies, and a GPU hot before and after a 19-minute gap (not 5 minutes of heat: `for 5m` restarts
# after a gap longer than the lookback; it fired before, dd000ec).
# Usage: bash tests/day_one_rules_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
PY=/usr/bin/python3
"$PY" "$HERE/lib/day_one_telemetry.py" "$TMP/day1.csv" "$TMP/planted.json" || { echo "FAIL generator"; exit 1; }
check "rules check" 0 '14 rule\(s\) OK' -- "$VIGIL" rules check docs/examples/day_one.rules
"$VIGIL" detect --rules docs/examples/day_one.rules --data "csv:$TMP/day1.csv" \
  >"$TMP/alerts.jsonl" 2>"$TMP/detect.err"
check "detect runs" 0 '' -- test -s "$TMP/alerts.jsonl"
check "every planted incident caught, nothing else fires" 0 '^missed 0 unexpected 0 of [0-9]+ alerts$' -- "$PY" -c '
import json, sys
p = json.load(open(sys.argv[1]))
alerts = [json.loads(l) for l in open(sys.argv[2])]
def matches(a, e):
    start = (a["starts_at_ms"] - p["t0_ms"]) // 60000
    return a["rule"] == e["rule"] and all(a["labels"].get(k) == v for k, v in e["labels"].items()) \
        and e["from"] <= start <= e["to"]
missed = [e for e in p["planted"] if not any(matches(a, e) for a in alerts)]
extra = [a for a in alerts if not any(matches(a, e) for e in p["planted"])]
for e in missed: print("missed", e)
for a in extra: print("unexpected", a["rule"], a["labels"], (a["starts_at_ms"] - p["t0_ms"]) // 60000)
print("missed", len(missed), "unexpected", len(extra), "of", len(alerts), "alerts")' "$TMP/planted.json" "$TMP/alerts.jsonl"
echo "day_one_rules_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
