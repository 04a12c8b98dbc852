#!/usr/bin/env bash
# The recorder's plan tables (evals/gpu_telemetry/record_incidents.py), checked without torch or a
# GPU: plans 1 and 2 as runs 1 and 2 were recorded, plan 3's windows in range and apart, its normal
# events (checkpoints, evals) in the history and after it outside every incident + 10 s, and how a
# NaN / Inf loss is written; plan 4's windows, traps (checkpoints, LR restarts, evals, the job end),
# LR schedule and weight growth. The checks: evals/gpu_telemetry/record_incidents_test.py.
# Usage: bash tests/gpu_telemetry_plan_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
check "record_incidents plan tables" 0 '^OK$' -- /usr/bin/python3 "$HERE/../evals/gpu_telemetry/record_incidents_test.py"
# The test can fail: a plan 3 whose hang starts inside the history.
sed 's/("hang", 245, 275,/("hang", 235, 275,/' "$HERE/../evals/gpu_telemetry/record_incidents.py" >"$TMP/record_incidents.py"
cp "$HERE/../evals/gpu_telemetry/record_incidents_test.py" "$TMP/"
check "a hang inside the history fails it" 1 'starts before the previous window ends' -- /usr/bin/python3 "$TMP/record_incidents_test.py"
# And a plan 4 whose stale exporter starts inside the precision fallback's grace (its alerts could
# not be told apart).
sed 's/("stale_exporter", 320, 345,/("stale_exporter", 305, 345,/' "$HERE/../evals/gpu_telemetry/record_incidents.py" >"$TMP/record_incidents.py"
check "plan 4: an incident inside the previous one's grace fails it" 1 'stale_exporter starts before the previous window' -- /usr/bin/python3 "$TMP/record_incidents_test.py"
echo "gpu_telemetry_plan_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
