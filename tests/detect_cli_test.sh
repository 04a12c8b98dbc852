#!/usr/bin/env bash
# End-to-end: `vigil detect` over the bundled sample and over bad input.
set -u
BUILD="${1:-build}"
VIGIL="$BUILD/bin/vigil"
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/lib/check.sh"
expect() {  # expect NAME CONDITION-RESULT
  if [ "$2" = 0 ]; then passed=$((passed + 1)); else echo "FAIL $1"; fail=$((fail + 1)); fi
}

# The bundled sample: each planted incident gives exactly one alert, nothing else fires.
"$VIGIL" detect --rules data/rules/gpu_training.rules --data csv:data/samples/training_telemetry.csv \
  --flags-out "$TMP/flags.csv" > "$TMP/alerts.jsonl" 2> "$TMP/stderr"
expect "sample exit 0" $?
expect "six alerts" "$([ "$(wc -l < "$TMP/alerts.jsonl")" = 6 ]; echo $?)"
for want in '"rank":"5".*"rule":"StragglerRank"' '"gpu":"3".*"rule":"GpuThermalExcursion"' \
            '"node":"node-1".*"rule":"GpuXidError"' '"rule":"LossSpike"' '"rule":"ThroughputDrop"' \
            '"gpu":"6".*"rule":"DcgmExporterStale"'; do
  expect "alert $want" "$(grep -qE -- "$want" "$TMP/alerts.jsonl"; echo $?)"
done
expect "explanations recorded" "$(grep -c '"terms":\[{"expr"' "$TMP/alerts.jsonl" | grep -qx 6; echo $?)"
expect "summary on stderr" "$(grep -q '6 rule(s) over 28 series, 9090 points: 6 alert(s)' "$TMP/stderr"; echo $?)"
expect "flags header" "$(head -1 "$TMP/flags.csv" | grep -qx 'series,timestamp,flag'; echo $?)"
expect "one flag row per point" "$([ "$(($(wc -l < "$TMP/flags.csv") - 1))" = 9090 ]; echo $?)"
expect "some points flagged" "$(grep -q ',1$' "$TMP/flags.csv"; echo $?)"

# Deterministic output.
"$VIGIL" detect --rules data/rules/gpu_training.rules --data csv:data/samples/training_telemetry.csv \
  > "$TMP/again.jsonl" 2>/dev/null
expect "same alerts twice" "$(cmp -s "$TMP/alerts.jsonl" "$TMP/again.jsonl"; echo $?)"

# A KPI slice: flags rows use the file stem as series name.
printf 'timestamp,value,label\n' > "$TMP/kpi1.csv"
for i in $(seq 1 50); do v=10; [ "$i" = 40 ] && v=500; echo "$((1500000000 + 60 * i)),$v,0" >> "$TMP/kpi1.csv"; done
printf 'rule Spike {\n  select *\n  when value > 5 * median(value, 20p)\n}\n' > "$TMP/spike.rules"
check "kpi detect" 0 '"rule":"Spike"' -- "$VIGIL" detect --rules "$TMP/spike.rules" --data "kpi:$TMP/kpi1.csv" \
  --flags-out "$TMP/kflags.csv"
expect "kpi flag at the spike" "$(grep -qx 'kpi1,1500002400000,1' "$TMP/kflags.csv"; echo $?)"

# Bad input: rules and data errors are one clear line, exit 2, never a crash.
printf 'rule R {\n  select x\n  when meen(x, 10p) > 3\n}\n' > "$TMP/typo.rules"
check "bad rules" 2 'typo.rules:3:8: unknown function `meen`, did you mean `mean`' \
  -- "$VIGIL" detect --rules "$TMP/typo.rules" --data csv:data/samples/training_telemetry.csv
printf 'timestamp,series,value\n1700000000,x,1\n1700000060,x,abc\n' > "$TMP/bad.csv"
check "bad data row" 2 'bad.csv:3' -- "$VIGIL" detect --rules "$TMP/spike.rules" --data "csv:$TMP/bad.csv"
check "skip bad rows" 0 '1 bad rows skipped' -- "$VIGIL" detect --rules "$TMP/spike.rules" --data "csv:$TMP/bad.csv" \
  --skip-bad-rows
check "unknown format" 2 'format' -- "$VIGIL" detect --rules "$TMP/spike.rules" --data "parquet:$TMP/bad.csv"
check "missing data" 1 'nope.csv' -- "$VIGIL" detect --rules "$TMP/spike.rules" --data "csv:$TMP/nope.csv"
check "missing flag" 2 'rules is required|--rules' -- "$VIGIL" detect --data "csv:$TMP/bad.csv"
# An aggregate-mode file (training/aggregation.h) is refused: its suppress rules need their base.
printf 'rule Quiet {\n  select *\n  when value < 100\n  labels { role = "suppress" }\n}\n' > "$TMP/agg.rules"
check "suppress rule refused" 2 'agg.rules:1: rule `Quiet` has role "suppress"' \
  -- "$VIGIL" detect --rules "$TMP/agg.rules" --data "kpi:$TMP/kpi1.csv"

echo "detect_cli_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
