#!/usr/bin/env bash
# A GPU stays one series when dcgm-exporter's Kubernetes pod labels come and go (review RV-DG's
# reproduction, data/rules/README.md "Kubernetes pod labels"): 4 GPUs of one host, temperature and
# utilisation every 30 s for 2 h, `pod="job-a"` until minute 90 and no pod label after.
# The shipped rules (`select ... ignoring (pod, namespace, container)`): no DcgmExporterStale,
# 4 GpuUtilDrop at the job end, on the GPUs' labels (no pod: `ignored_labels` has the pod of
# the point evaluated, the first one without it).
# The same rules without `ignoring` (what the file was before): 4 DcgmExporterStale never
# resolving, no GpuUtilDrop. Two pods on each GPU at once (time-sliced: one series per pod, the
# same readings) change nothing with `ignoring`.
# Usage: bash tests/dcgm_pod_labels_rules_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
PY=/usr/bin/python3
RULES=data/rules/gpu_training.rules

"$PY" -c 'S=1795161600
print("timestamp,series,value,Hostname,gpu,pod")
for i in range(240):
  for g in range(4):
    m=i/2; p="job-a" if m<90 else ""
    print(f"{S+30*i},DCGM_FI_DEV_GPU_TEMP,{(62 if m<90 else 38)+g},gpu-node-a,{g},{p}")
    print(f"{S+30*i},DCGM_FI_DEV_GPU_UTIL,{98 if m<90 else 0},gpu-node-a,{g},{p}")' >"$TMP/pods.csv"
sed 's/,job-a$/,/' "$TMP/pods.csv" >"$TMP/nopods.csv"
# Time-sliced: each job-a row again for pod job-b (same reading, same time).
awk -F, 'BEGIN {OFS=","} NR>1 && $6=="job-a" {print; $6="job-b"; print; next} {print}' "$TMP/pods.csv" >"$TMP/twopods.csv"
sed 's/ ignoring (pod, namespace, container)//' "$RULES" >"$TMP/before.rules"
check "the before file selects without ignoring" 1 '^0$' -- grep -c '^ *select .*ignoring' "$TMP/before.rules"

# summary FILE -> "rule state count ..." lines, and the labels/ignored pods of each rule's alerts
summary() {
  "$PY" - "$1" <<'PYEOF'
import json, sys, collections
c = collections.Counter()
for line in open(sys.argv[1]):
    a = json.loads(line)
    pod = a.get("explanation", {}).get("ignored_labels", {}).get("pod", "-")
    c[(a["rule"], a["state"], "pod" in a["labels"], pod)] += 1
for (rule, state, has_pod, pod), n in sorted(c.items()):
    print(f"{rule} {state} labels_have_pod={has_pod} ignored_pod={pod} x{n}")
PYEOF
}
same_alerts() {  # same_alerts NAME1 NAME2: "same" when both runs give the same rules, fingerprints, times, texts
  "$PY" -c '
import json, sys
def key(f):
    return sorted((a["rule"], a["fingerprint"], a["starts_at_ms"], a["ends_at_ms"], a["annotations"]["summary"]) for a in map(json.loads, open(f)))
print("same" if key(sys.argv[1]) == key(sys.argv[2]) else "differ:\n%s\n%s" % (key(sys.argv[1]), key(sys.argv[2])))' "$TMP/$1.jsonl" "$TMP/$2.jsonl"
}
run() {  # run NAME RULES CSV
  "$VIGIL" detect --rules "$2" --data "csv:$3" >"$TMP/$1.jsonl" 2>"$TMP/$1.err"
  local rc=$?
  [ "$rc" = 0 ] && passed=$((passed + 1)) || bad "$1: detect exit $rc: $(cat "$TMP/$1.err")"
  summary "$TMP/$1.jsonl" >"$TMP/$1.sum"
  sed "s/^/  $1: /" "$TMP/$1.sum"
}

run before "$TMP/before.rules" "$TMP/pods.csv"
check "before: 4 DcgmExporterStale still firing" 0 '^DcgmExporterStale firing labels_have_pod=True ignored_pod=- x4$' -- cat "$TMP/before.sum"
check "before: no GpuUtilDrop" 1 '^$' -- grep GpuUtilDrop "$TMP/before.sum"

run after "$RULES" "$TMP/pods.csv"
check "after: no DcgmExporterStale" 1 '^$' -- grep DcgmExporterStale "$TMP/after.sum"
# At the job end the point evaluated is the first one without the pod: ignored_labels pod "".
check "after: 4 GpuUtilDrop on the GPUs' labels" 0 '^GpuUtilDrop firing labels_have_pod=False ignored_pod= x4$' -- cat "$TMP/after.sum"
check "after: one alert per GPU" 0 '^4$' -- "$PY" -c 'import json,sys; print(len({json.loads(l)["labels"]["gpu"] for l in open(sys.argv[1]) if json.loads(l)["rule"]=="GpuUtilDrop"}))' "$TMP/after.jsonl"

run nopods "$RULES" "$TMP/nopods.csv"
check "no pod labels: 4 GpuUtilDrop, no stale" 0 '^GpuUtilDrop [a-z]+ labels_have_pod=False ignored_pod= x4$' -- cat "$TMP/nopods.sum"
check "no pod labels: no DcgmExporterStale" 1 '^$' -- grep DcgmExporterStale "$TMP/nopods.sum"
# The alerts are the same as with the pod label but for ignored_labels.
check "pods and no pods: same alerts, times and texts" 0 '^same$' -- same_alerts after nopods

run twopods "$RULES" "$TMP/twopods.csv"
check "two pods at once: the same alerts as one pod" 0 '^same$' -- same_alerts after twopods

echo "dcgm_pod_labels_rules_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
