#!/usr/bin/env bash
# The recorder's plan tables (evals/gpu_telemetry/record_incidents.py), checked without torch or a
# GPU: plans 1 and 2 as runs 1 and 2 were recorded, plan 3's windows in range and apart, its normal
# events (checkpoints, evals) in the history and after it outside every incident + 10 s, and how a
# NaN / Inf loss is written; plan 4's windows, traps (checkpoints, LR restarts, evals, the job end),
# LR schedule and weight growth; plan 5's windows, traps, loader death and restart, and its
# `training_completed` marker (rows and labels). The checks: evals/gpu_telemetry/record_incidents_test.py;
# and plan 5's fake recording through `vigil detect` (below).
# Usage: bash tests/gpu_telemetry_plan_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
PY=/usr/bin/python3
check "record_incidents plan tables" 0 '^OK$' -- /usr/bin/python3 "$HERE/../evals/gpu_telemetry/record_incidents_test.py"
# The test can fail: a plan 3 whose hang starts inside the history.
sed 's/("hang", 245, 275,/("hang", 235, 275,/' "$HERE/../evals/gpu_telemetry/record_incidents.py" >"$TMP/record_incidents.py"
cp "$HERE/../evals/gpu_telemetry/record_incidents_test.py" "$TMP/"
check "a hang inside the history fails it" 1 'starts before the previous window ends' -- /usr/bin/python3 "$TMP/record_incidents_test.py"
# And a plan 4 whose stale exporter starts inside the precision fallback's grace (its alerts could
# not be told apart).
sed 's/("stale_exporter", 320, 345,/("stale_exporter", 305, 345,/' "$HERE/../evals/gpu_telemetry/record_incidents.py" >"$TMP/record_incidents.py"
check "plan 4: an incident inside the previous one's grace fails it" 1 'stale_exporter starts before the previous window' -- /usr/bin/python3 "$TMP/record_incidents_test.py"
# Plan 5's job-state marker, end to end: the fake trainer's rows (both lives, fake clock) and the
# fake parent's served `training_completed` 1, with synthetic NVML rows (GPU busy while the trainer
# writes rows, idle otherwise), read by `vigil detect` with the bundled rules: the loader death
# (no marker) pages GpuUtilDrop / GpuPowerDrop, the marked clean end at 410 s does not; the same
# rows without the marker's 1s alert at the end too (the labels must meet the rules' peer term).
"$PY" - "$TMP/fake5.csv" "$TMP/fake5_nomarker.csv" <<'PY'
import contextlib, io, os, sys
sys.path.insert(0, os.path.join("evals", "gpu_telemetry"))
with contextlib.redirect_stderr(io.StringIO()):  # the fakes' unclosed-file warnings
    import record_incidents_test as T
    rows = T.trainer_rows(5)
    _, served, err = T.parent5_run([(250.2, 18), (410.6, 0)])
assert err is None, err
t0 = 1796000000.0
secs = {round(float(r.split(",")[0]) - t0) for r in rows}
nvml = []
for s in range(441):
    busy = s in secs or s - 1 in secs  # a 2.5 s checkpoint stays busy here: only stops matter
    nvml += ["%.3f,DCGM_FI_DEV_GPU_UTIL,%d,0,,,,node-0,0" % (t0 + s + 0.3, 99 if busy else 0),
             "%.3f,DCGM_FI_DEV_POWER_USAGE,%d,0,,,,node-0,0" % (t0 + s + 0.3, 690 if busy else 80)]
for path, marker in ((sys.argv[1], True), (sys.argv[2], False)):
    body = rows + [",".join(r) for r in served] + nvml
    if not marker:
        body = [r for r in body if ",training_completed,1," not in r]
    body.sort(key=lambda r: float(r.split(",")[0]))
    open(path, "w").write("timestamp,series,value,label,job,node,rank,Hostname,gpu\n" + "\n".join(body) + "\n")
PY
drops() {  # "RULE SECOND" of the GPU drop alerts (pending since, after t0)
  "$VIGIL" detect --rules data/rules/gpu_training.rules --data "csv:$1" 2>/dev/null | "$PY" -c '
import json, sys
print(" ".join("%s %d" % (a["rule"], a["active_at_ms"] / 1000 - 1796000000) for a in map(json.loads, sys.stdin)
               if a["rule"] in ("GpuUtilDrop", "GpuPowerDrop")))'
}
check "plan 5: the loader death pages, the marked clean end does not" 0 '^GpuUtilDrop 25[0-9] GpuPowerDrop 25[0-9]$' -- drops "$TMP/fake5.csv"
check "plan 5: without the marker the clean end alerts too" 0 '^GpuUtilDrop 25[0-9] GpuPowerDrop 25[0-9] GpuUtilDrop 4[12][0-9] GpuPowerDrop 4[12][0-9]$' -- drops "$TMP/fake5_nomarker.csv"
echo "gpu_telemetry_plan_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
