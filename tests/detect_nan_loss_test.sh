#!/usr/bin/env bash
# docs/rules.md's NaN-loss rule (`when stale_for(...)`) over a loss file of one series (OPS5,
# 2026-12-03; without --skip-bad-rows since DET2, 2026-12-04): `vigil detect` reads the NaN rows as missing points at their time, so
# the gap is evaluated and the rule fires. Before, the rows were dropped: with no other series in
# the file no time was left inside the gap, and the rule never fired (0 alerts, exit 0).
# Usage: bash tests/detect_nan_loss_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
{
  echo "timestamp,series,value,job"
  for i in $(seq 0 59); do
    v="2.$((50 - i / 2))"
    [ "$i" -ge 30 ] && [ "$i" -le 37 ] && v=NaN  # 8 NaN steps, 2 minutes at 15 s
    echo "$((1700000000 + i * 15)),train_loss,$v,llm"
  done
} >"$TMP/loss.csv"
printf 'rule LossNaN {\n  select train_loss\n  when stale_for(1m)\n}\n' >"$TMP/nan.rules"

# DET2 (2026-12-04): the same without --skip-bad-rows (a NaN loss is a reading, not a bad row;
# before, exit 2 with "loss.csv:32: value `NaN` is not finite" and no alert). Real garbage stays an
# error that names file, line and column.
sed 's/^1700000600,train_loss,[0-9.]*,/1700000600,train_loss,oops,/' "$TMP/loss.csv" >"$TMP/oops.csv"
check "a value that is no number" 2 'oops.csv:42: value `oops` is not a number \(column 3, `value`\)' -- \
  "$VIGIL" detect --rules "$TMP/nan.rules" --data "csv:$TMP/oops.csv"
"$VIGIL" detect --rules "$TMP/nan.rules" --data "csv:$TMP/loss.csv" >"$TMP/out.jsonl" 2>"$TMP/err.txt"
rc=$?
[ "$rc" = 0 ] && passed=$((passed + 1)) || bad "rc=$rc: $(cat "$TMP/err.txt")"
# One alert: the last number at t0 + 435 s (step 29), stale for 1 min at t0 + 495 s (a NaN step),
# resolved at the first number again (t0 + 570 s, step 38).
/usr/bin/python3 - "$TMP/out.jsonl" <<'PY' && passed=$((passed + 1)) || bad "the alert: $(cat "$TMP/out.jsonl" "$TMP/err.txt")"
import json, sys
alerts = [json.loads(l) for l in open(sys.argv[1])]
assert len(alerts) == 1, alerts
a = alerts[0]
assert a["rule"] == "LossNaN" and a["labels"]["job"] == "llm", a
assert a["starts_at_ms"] == (1700000000 + 495) * 1000, a["starts_at_ms"]
assert a["ends_at_ms"] == (1700000000 + 570) * 1000, a["ends_at_ms"]
PY
grep -q '^vigil detect: .*loss.csv:32: value `NaN` is not finite: read as a missing point$' "$TMP/err.txt" &&
  grep -q '^vigil detect: 1 rule(s) over 1 series, 60 points (8 NaN / Inf value(s) read as missing): 1 alert(s), 0 still firing at the end$' "$TMP/err.txt" &&
  passed=$((passed + 1)) || bad "stderr: $(cat "$TMP/err.txt")"

echo "detect_nan_loss_test: $passed passed, $fail failed"
[ $fail -eq 0 ]
