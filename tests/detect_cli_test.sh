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

# The bundled sample: each planted incident gives its alerts (time the alert became pending, rule,
# series; data/samples/README.md lists them), nothing else fires: the input stall on the job's 8
# GPUs (utilisation, and power since 2026-12-04: GpuPowerDrop, DET3) and its throughput (counter and gauge), the straggler on rank 5's compute time, the 7 ranks
# waiting for it in the all-reduce and the throughput, then thermal (the temperature, and the SW
# thermal slowdown bit of the clock-event reasons the sample carries since 2026-12-04, REV3), leak,
# Xid, loss, exporter.
# The DCGM series carry dcgm-exporter's labels (Hostname, gpu, the scrape job "dcgm-exporter"; since
# 2026-12-01, data/rules/README.md "Labels"; before: node, gpu).
"$VIGIL" detect --rules data/rules/gpu_training.rules --data csv:data/samples/training_telemetry.csv \
  --flags-out "$TMP/flags.csv" > "$TMP/alerts.jsonl" 2> "$TMP/stderr"
expect "sample exit 0" $?
/usr/bin/python3 -c '
import json, sys, time
for line in open(sys.argv[1]):
    a = json.loads(line)
    series = a["annotations"]["series"].replace("job=\"llm-70b\"", "").replace(",,", ",").replace("{,", "{").replace(",}", "}")
    print(time.strftime("%H:%M:%S", time.gmtime(a["active_at_ms"] / 1000)), a["rule"], series.replace("{}", ""))
' "$TMP/alerts.jsonl" | sort > "$TMP/got.txt"
cat > "$TMP/want.txt" <<'EOF'
08:20:00 GpuPowerDrop DCGM_FI_DEV_POWER_USAGE{Hostname="node-0",gpu="0",job="dcgm-exporter"}
08:20:00 GpuPowerDrop DCGM_FI_DEV_POWER_USAGE{Hostname="node-0",gpu="1",job="dcgm-exporter"}
08:20:00 GpuPowerDrop DCGM_FI_DEV_POWER_USAGE{Hostname="node-1",gpu="1",job="dcgm-exporter"}
08:20:00 GpuPowerDrop DCGM_FI_DEV_POWER_USAGE{Hostname="node-1",gpu="2",job="dcgm-exporter"}
08:20:00 GpuUtilDrop DCGM_FI_DEV_GPU_UTIL{Hostname="node-0",gpu="0",job="dcgm-exporter"}
08:20:00 GpuUtilDrop DCGM_FI_DEV_GPU_UTIL{Hostname="node-0",gpu="1",job="dcgm-exporter"}
08:20:00 GpuUtilDrop DCGM_FI_DEV_GPU_UTIL{Hostname="node-0",gpu="2",job="dcgm-exporter"}
08:20:00 GpuUtilDrop DCGM_FI_DEV_GPU_UTIL{Hostname="node-0",gpu="3",job="dcgm-exporter"}
08:20:00 GpuUtilDrop DCGM_FI_DEV_GPU_UTIL{Hostname="node-1",gpu="0",job="dcgm-exporter"}
08:20:00 GpuUtilDrop DCGM_FI_DEV_GPU_UTIL{Hostname="node-1",gpu="1",job="dcgm-exporter"}
08:20:00 GpuUtilDrop DCGM_FI_DEV_GPU_UTIL{Hostname="node-1",gpu="2",job="dcgm-exporter"}
08:20:00 GpuUtilDrop DCGM_FI_DEV_GPU_UTIL{Hostname="node-1",gpu="3",job="dcgm-exporter"}
08:20:00 ThroughputDrop tokens_total
08:20:00 ThroughputDropGauge tokens_per_s
08:21:00 GpuPowerDrop DCGM_FI_DEV_POWER_USAGE{Hostname="node-0",gpu="2",job="dcgm-exporter"}
08:21:00 GpuPowerDrop DCGM_FI_DEV_POWER_USAGE{Hostname="node-1",gpu="0",job="dcgm-exporter"}
08:21:00 GpuPowerDrop DCGM_FI_DEV_POWER_USAGE{Hostname="node-1",gpu="3",job="dcgm-exporter"}
08:22:00 GpuPowerDrop DCGM_FI_DEV_POWER_USAGE{Hostname="node-0",gpu="3",job="dcgm-exporter"}
08:23:00 GpuPowerDrop DCGM_FI_DEV_POWER_USAGE{Hostname="node-1",gpu="0",job="dcgm-exporter"}
08:50:00 CollectiveWait allreduce_ms{gpu="0",node="node-0",rank="0"}
08:50:00 CollectiveWait allreduce_ms{gpu="0",node="node-1",rank="4"}
08:50:00 CollectiveWait allreduce_ms{gpu="1",node="node-0",rank="1"}
08:50:00 CollectiveWait allreduce_ms{gpu="2",node="node-0",rank="2"}
08:50:00 CollectiveWait allreduce_ms{gpu="2",node="node-1",rank="6"}
08:50:00 CollectiveWait allreduce_ms{gpu="3",node="node-0",rank="3"}
08:50:00 CollectiveWait allreduce_ms{gpu="3",node="node-1",rank="7"}
08:50:00 StragglerRank compute_ms{gpu="1",node="node-1",rank="5"}
08:50:00 ThroughputDropGauge tokens_per_s
08:50:15 ThroughputDrop tokens_total
09:13:30 GpuThermalExcursion DCGM_FI_DEV_GPU_TEMP{Hostname="node-1",gpu="3",job="dcgm-exporter"}
09:16:00 GpuThermalSlowdown DCGM_FI_DEV_CLOCK_THROTTLE_REASONS{Hostname="node-1",gpu="3",job="dcgm-exporter"}
09:29:00 GpuMemoryGrowth DCGM_FI_DEV_FB_USED{Hostname="node-0",gpu="2",job="dcgm-exporter"}
09:35:00 GpuXidError DCGM_FI_DEV_XID_ERRORS{Hostname="node-1",gpu="5",job="dcgm-exporter"}
09:40:00 LossSpike train_loss
09:46:30 DcgmExporterStale DCGM_FI_DEV_GPU_TEMP{Hostname="node-1",gpu="6",job="dcgm-exporter"}
EOF
if cmp -s "$TMP/want.txt" "$TMP/got.txt"; then passed=$((passed + 1)); else
  echo "FAIL sample alerts (want < > got):"; diff "$TMP/want.txt" "$TMP/got.txt"; fail=$((fail + 1)); fi
expect "explanations recorded" "$(grep -c '"terms":\[{"expr"' "$TMP/alerts.jsonl" | grep -qx 35; echo $?)"
# U2: a summary is read by a person: no number in scientific notation (ThroughputDrop's began with the
# token counter, "3.7859e+08 tokens so far; 176508 tokens/s vs usual 314597"), and the rate's window named.
expect "summaries without scientific notation" "$(! grep -qE '"summary":"[^"]*[0-9]e[+-][0-9]' "$TMP/alerts.jsonl"; echo $?)"
expect "ThroughputDrop's summary: tokens/s over the last minute" \
  "$(grep '"rule":"ThroughputDrop"' "$TMP/alerts.jsonl" | grep -cE '"summary":"[0-9.]+ tokens/s over the last minute vs usual [0-9.]+"' | grep -qx 2; echo $?)"
expect "summary on stderr" "$(grep -q '23 rule(s) over 115 series, 35880 points: 35 alert(s)' "$TMP/stderr"; echo $?)"
expect "flags header" "$(head -1 "$TMP/flags.csv" | grep -qx 'series,timestamp,flag'; echo $?)"
expect "one flag row per point" "$([ "$(($(wc -l < "$TMP/flags.csv") - 1))" = 35880 ]; echo $?)"
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
check "unknown format" 2 'unknown dataset format `parquet`.*known: nab, kpi, smd, csv, jsonl, prom' -- "$VIGIL" detect --rules "$TMP/spike.rules" --data "parquet:$TMP/bad.csv"
# A Prometheus URL without prom: (was "unknown dataset format `http`", prom: not named); refused unread.
check "a URL without prom:" 2 'put prom: before the URL' -- "$VIGIL" detect --rules "$TMP/spike.rules" --data "http://127.0.0.1:1?query=up"
check "missing data" 1 'nope.csv' -- "$VIGIL" detect --rules "$TMP/spike.rules" --data "csv:$TMP/nope.csv"
check "missing flag" 2 'rules is required|--rules' -- "$VIGIL" detect --data "csv:$TMP/bad.csv"
# An aggregate-mode file (training/aggregation.h) is refused: its suppress rules need their base.
printf 'rule Quiet {\n  select *\n  when value < 100\n  labels { role = "suppress" }\n}\n' > "$TMP/agg.rules"
check "suppress rule refused" 2 'agg.rules:1: rule `Quiet` has role "suppress"' \
  -- "$VIGIL" detect --rules "$TMP/agg.rules" --data "kpi:$TMP/kpi1.csv"

# --filter (OPS5; refused before as "The following arguments were not expected"): one NAB file of
# a root folder, by its `<group>/<name>`.
mkdir -p "$TMP/nab/data/g" "$TMP/nab/labels"
{ echo "timestamp,value"; for i in $(seq 10 49); do v=10; [ "$i" = 40 ] && v=500; echo "2024-01-01 00:$i:00,$v"; done; } >"$TMP/nab/data/g/spiky.csv"
{ echo "timestamp,value"; for i in $(seq 10 49); do echo "2024-01-01 00:$i:00,600"; done; } >"$TMP/nab/data/g/flat.csv"
printf '{"g/spiky.csv": [], "g/flat.csv": []}\n' >"$TMP/nab/labels/combined_windows.json"
printf 'rule Spike {\n  select *\n  when value > 100\n}\n' >"$TMP/any.rules"
check "--filter picks one NAB file" 0 'vigil detect: 1 rule\(s\) over 1 series, 40 points: 1 alert\(s\)' \
  -- "$VIGIL" detect --rules "$TMP/any.rules" --data "nab:$TMP/nab" --filter g/spiky
check "--filter matching nothing" 1 'left no series whose name contains `nope`' \
  -- "$VIGIL" detect --rules "$TMP/any.rules" --data "nab:$TMP/nab" --filter nope

echo "detect_cli_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
