#!/usr/bin/env bash
# A clean job end marked by the trainer is no GPU drop; a crash is (DET6, data/rules/README.md
# "Run 4, after"). GpuUtilDrop and GpuPowerDrop read a peer metric (docs/rules.md, "Peer
# metrics"): `not (max(max by (Hostname, gpu) (training_completed), 1h) == 1)`.
# Synthetic: 3 GPUs of gpu-node-a, busy (98%, 650 W) every 5 s for 30 min, then idle (0%, 80 W).
#   GPU 0: a clean end: its training_completed (0 while training) turns 1 5 s after the stop, is
#          exported for 30 s, then gone -> no GpuUtilDrop, no GpuPowerDrop.
#   GPU 1: a crash: it never had a marker -> both alerts.
#   GPU 2: a crash: its marker stays 0; a `1` is written for gpu 2 of ANOTHER host (gpu-node-b)
#          and the stop of GPU 0's job writes for GPU 0 only -> both alerts.
# The same data with the rules as they were (the peer term removed): 3 + 3 alerts. A marker
# series named otherwise (`training_complete`) changes nothing.
# Usage: bash tests/gpu_job_end_marker_rules_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
PY=/usr/bin/python3
RULES=data/rules/gpu_training.rules

"$PY" -c 'S=1795161600
print("timestamp,series,value,Hostname,gpu")
stop = 360  # 30 min of 5 s steps
for i in range(480):
  t = S + 5 * i
  busy = i < stop
  for g in range(3):
    print(f"{t},DCGM_FI_DEV_GPU_UTIL,{98 if busy else 0},gpu-node-a,{g}")
    print(f"{t},DCGM_FI_DEV_POWER_USAGE,{650 if busy else 80},gpu-node-a,{g}")
  if i <= stop + 7:  # GPU 0: 0 while training, 1 from 5 s after the stop for 30 s, then gone
    print(f"{t},training_completed,{1 if i > stop else 0},gpu-node-a,0")
  if i <= stop:      # GPU 2: 0 until the crash, never 1
    print(f"{t},training_completed,0,gpu-node-a,2")
  if i > stop:       # another host'"'"'s GPU 2 finishes cleanly
    print(f"{t},training_completed,1,gpu-node-b,2")' >"$TMP/end.csv"
sed 's/^   and not (max(max by (Hostname, gpu) (training_completed), 1h) == 1)$//' "$RULES" >"$TMP/before.rules"
check "the before file has no peer term" 1 '^0$' -- grep -c 'training_completed)' "$TMP/before.rules"
check "the shipped file has it in two rules" 0 '^2$' -- grep -c '^   and not (max(max by (Hostname, gpu) (training_completed), 1h) == 1)$' "$RULES"
sed 's/,training_completed,/,training_complete,/' "$TMP/end.csv" >"$TMP/othername.csv"

# alerts FILE -> "rule gpu" lines of the GPU drop rules, sorted
alerts() {
  "$PY" -c '
import json, sys
for r, g in sorted((a["rule"], a["labels"]["gpu"]) for a in map(json.loads, open(sys.argv[1])) if a["rule"] in ("GpuUtilDrop", "GpuPowerDrop")):
    print(r, g)' "$1"
}
run() {  # run NAME RULES CSV
  "$VIGIL" detect --rules "$2" --data "csv:$3" >"$TMP/$1.jsonl" 2>"$TMP/$1.err"
  local rc=$?
  [ "$rc" = 0 ] && passed=$((passed + 1)) || bad "$1: detect exit $rc: $(cat "$TMP/$1.err")"
  alerts "$TMP/$1.jsonl" | tr '\n' ',' >"$TMP/$1.sum"
  echo "  $1: $(cat "$TMP/$1.sum")"
}

run before "$TMP/before.rules" "$TMP/end.csv"
check "before: every GPU alerts, the clean end too" 0 \
  '^GpuPowerDrop 0,GpuPowerDrop 1,GpuPowerDrop 2,GpuUtilDrop 0,GpuUtilDrop 1,GpuUtilDrop 2,$' -- cat "$TMP/before.sum"
run after "$RULES" "$TMP/end.csv"
check "after: the marked clean end is quiet; both crashes alert (a marker on another GPU / host does not count)" 0 \
  '^GpuPowerDrop 1,GpuPowerDrop 2,GpuUtilDrop 1,GpuUtilDrop 2,$' -- cat "$TMP/after.sum"
check "after: no alert on gpu-node-b (its only series is a marker, read for its value only)" 0 '^0 of [1-9]' -- \
  "$PY" -c 'import json,sys; a=[json.loads(l) for l in open(sys.argv[1])]; print(sum(x["labels"].get("Hostname")=="gpu-node-b" for x in a), "of", len(a))' "$TMP/after.jsonl"
run othername "$RULES" "$TMP/othername.csv"
check "a marker of another name: as before" 0 "^$(cat "$TMP/before.sum")\$" -- cat "$TMP/othername.sum"
check "vigil rules check accepts the shipped file" 0 'ok|OK|valid|rule' -- "$VIGIL" rules check "$RULES"
check "vigil rules explain says what the peer term reads" 0 \
  'max of the series of the metric training_completed with the same Hostname, gpu' -- "$VIGIL" rules explain "$RULES"

echo "gpu_job_end_marker_rules_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
