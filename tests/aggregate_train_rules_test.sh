#!/usr/bin/env bash
# End to end: `vigil train-rules --mode aggregate` (suppress / add rules over a base detector) on a
# slice of one KPI series, with the mad-band base and with base flags from a file, and its errors.
# Usage: bash tests/aggregate_train_rules_test.sh <build-dir>   (from the repo root)
set -uo pipefail
BUILD=${1:?build dir}
VIGIL="$BUILD/bin/vigil"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
source tests/lib/check.sh
source tests/lib/step_time_csv.sh

KPI=05f10d3a-239c-3bef-9bdc-a2feeb0037aa
SRC=../shared/datasets/kpi/train/$KPI.csv
DATA="kpi:$SRC"
ARGS=(--max-points 6000 --mode aggregate)

# Base = the MAD-band peer: rule files carry their role labels and the provenance names the base.
check "mad-band base" 0 "trained 1 targets" -- "$VIGIL" train-rules --data "$DATA" "${ARGS[@]}" --base mad-band \
  --out "$TMP/agg"
check "provenance" 0 "aggregation over base detector mad-band" -- cat "$TMP/agg/training.json"
check "proposer" 0 '"proposer": "aggregate"' -- cat "$TMP/agg/training.json"
if ls "$TMP"/agg/*.rules > /dev/null 2>&1; then
  check "role labels" 0 'role = "(suppress|add)"' -- cat "$TMP"/agg/*.rules
  check "rules compile" 0 "" -- "$VIGIL" rules check "$TMP"/agg/*.rules
fi

# Base flags from a file: the series' own label column as flags, plus a false alarm every 100
# points (the kpi label keeps the series id the same as the data's).
awk -F, -v k="$KPI" 'NR == 1 { print "timestamp,series,value,kpi"; next }
  NR <= 6001 { f = ($3 == 1 || NR % 100 == 0) ? 1 : 0; print $1 "," k "," f "," k }' "$SRC" > "$TMP/flags.csv"
check "flags file base" 0 "trained 1 targets" -- "$VIGIL" train-rules --data "$DATA" "${ARGS[@]}" \
  --base "flags:$TMP/flags.csv" --out "$TMP/agg2"

# Bad inputs: clear messages, exit 2.
head -n 3000 "$TMP/flags.csv" > "$TMP/short.csv"
check "short flags" 2 "2999 base flags but the data has 6000 points" -- "$VIGIL" train-rules --data "$DATA" \
  "${ARGS[@]}" --base "flags:$TMP/short.csv" --out "$TMP/x"
sed "s/,$KPI\$/,other/" "$TMP/flags.csv" > "$TMP/other.csv"
check "other series" 2 "no base flags for series" -- "$VIGIL" train-rules --data "$DATA" "${ARGS[@]}" \
  --base "flags:$TMP/other.csv" --out "$TMP/x"
awk -F, 'NR == 1 || NR > 2' "$TMP/flags.csv" > "$TMP/gap.csv"
check "missing point" 2 "base flag 0 is at timestamp|base flags but the data has" -- "$VIGIL" train-rules \
  --data "$DATA" "${ARGS[@]}" --base "flags:$TMP/gap.csv" --out "$TMP/x"
printf 'timestamp,series,value\n1700000000,m,1\n1700000060,m,2\n' > "$TMP/unlabeled.csv"
check "no labels" 2 "needs labeled data: series m" -- "$VIGIL" train-rules --data "csv:$TMP/unlabeled.csv" \
  --mode aggregate --base mad-band --out "$TMP/x"
check "no base" 2 "needs --base" -- "$VIGIL" train-rules --data "$DATA" "${ARGS[@]}" --out "$TMP/x"
check "bad base" 2 "--base must be mad-band, iforest or flags:FILE" -- "$VIGIL" train-rules --data "$DATA" \
  "${ARGS[@]}" --base madband --out "$TMP/x"
check "base without aggregate" 2 "--base is for --mode aggregate only" -- "$VIGIL" train-rules --data "$DATA" \
  --max-points 6000 --base mad-band --out "$TMP/x"

# The benchmark detector: aggregation over the mad-band peer, scored beside it.
# (This slice's test part holds no labeled point: its F1s are undefined, said as such since 2026-12-03.)
check "eval rules-aggregate" 0 "rules-aggregate: (point F1|no anomalous test point in the scored data, F1 undefined)" -- \
  "$VIGIL" eval detect --dataset kpi --max-series 1 \
  --max-points 6000 --detectors rules-aggregate,mad-band --no-plots --out "$TMP/eval"
check "report row" 0 "\| rules-aggregate \| ([0-9]|—)" -- cat "$TMP/eval/report.md"

# --proposer llm: the LLM rule agents write suppress / add rules, told the base's false alarms and
# misses, and each proposal is reviewed as (base and not suppress) or add (scripted server on
# loopback). The base flags the labeled spikes and a false alarm every 40 points on normal values:
# the model's suppress rule is kept, a later useless one reverted.
step_time_csv "$TMP/llm.csv"
awk -F, 'NR == 1 { print "timestamp,series,value"; next } { f = ($4 == 1 || (NR - 2) % 40 == 20) ? 1 : 0; print $1 "," $2 "," f }' \
  "$TMP/llm.csv" > "$TMP/base.csv"
quiet='rule quiet {\n  select step_time_ms\n  when value < 150\n  labels { role = \"suppress\" }\n}'
useless="$quiet"'\nrule never {\n  select step_time_ms\n  when value > 1000\n  labels { role = \"suppress\" }\n}'
{
  printf '{"rules": "%s", "rationale": "the false alarms are ordinary values"}\n' "$quiet"
  for _ in $(seq 1 11); do printf '{"rules": "%s", "rationale": "also huge values"}\n' "$useless"; done
} | /usr/bin/python3 -c 'import json,sys; print(json.dumps([l.strip() for l in sys.stdin if l.strip()]))' > "$TMP/script.json"
/usr/bin/python3 tests/fake_openai_server.py "$TMP/script.json" "$TMP/port" "$TMP/requests.jsonl" &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 1 1200); do [ -s "$TMP/port" ] && break; sleep 0.05; done  # up to 60 s (FLK1: was 5 s)
check "llm aggregate" 0 "LLM openai:.* [1-9][0-9]* prompt" -- env VIGIL_LLM_URL="http://127.0.0.1:$(cat "$TMP/port")/v1" \
  VIGIL_LLM_MODEL=fake VIGIL_LLM_MAX_RETRIES=0 VIGIL_DATA_DIR="$TMP/var" "$VIGIL" train-rules --data "csv:$TMP/llm.csv" \
  --mode aggregate --base "flags:$TMP/base.csv" --proposer llm --objective point --out "$TMP/llm"
check "llm prompt: base false alarms" 0 "base false alarms \(flagged, label 0\): [1-9][0-9]* points" -- cat "$TMP/requests.jsonl"
check "llm prompt: roles" 0 'role=.{1,5}suppress.{1,5} rule\) OR any role=.{1,5}add.{1,5} rule' -- cat "$TMP/requests.jsonl"
check "llm proposer name" 0 '"proposer": "aggregate-llm"' -- cat "$TMP/llm/training.json"
check "llm suppress rule kept" 0 "when value < 150" -- cat "$TMP/llm/step_time_ms.rules"
check "llm rule role" 0 'role = "suppress"' -- cat "$TMP/llm/step_time_ms.rules"
check "llm header" 0 "Aggregation over base detector \`flags:" -- cat "$TMP/llm/step_time_ms.rules"
check "llm useless rule reverted" 1 "" -- grep -q "value > 1000" "$TMP/llm/step_time_ms.rules"
check "llm rules compile" 0 "" -- "$VIGIL" rules check "$TMP/llm/step_time_ms.rules"

echo "aggregate_train_rules_test: $passed passed, $fail failed"
[ "$fail" -eq 0 ]
