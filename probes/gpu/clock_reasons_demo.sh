#!/usr/bin/env bash
# The bit-test rules checked on a real GPU's clock-event reasons (a device call; see probes/README.md).
# Samples GPU 0's clock-event reasons bitmask once a second with nvidia-smi, first idle, then under a
# BF16 GEMM load (torch), and
#   1. checks the bit table docs/rules.md "Bit fields" gives (0x1 idle, 0x2 applications clocks,
#      0x4 SW power cap, 0x8 HW slowdown, 0x10 sync boost, 0x20 SW thermal, 0x40 HW thermal, 0x80 HW
#      power brake) against nvidia-smi's own named reason columns, sample by sample;
#   2. runs `vigil detect` on the samples (as dcgm-exporter's DCGM_FI_DEV_CLOCK_THROTTLE_REASONS)
#      with the shipped rules (data/rules/gpu_training.rules) and with short-hold copies of the
#      bit rules, and prints which fired when.
# Writes $OUT/clock_reasons.csv (nvidia-smi's rows), clock_reasons_series.csv (vigil's csv:),
# clock_reasons_alerts.jsonl and a summary.
#   bash probes/gpu/clock_reasons_demo.sh .device [IDLE_S] [LOAD_S]
set -u
dev=${1:-.device}
idle_s=${2:-20}
load_s=${3:-60}
out=${OUT:-/tmp/vigil-out}
mkdir -p "$out"
export LD_LIBRARY_PATH="$dev/lib:$dev/minlib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
vigil="$dev/vigil"
host=$(hostname)
names="gpu_idle applications_clocks_setting sw_power_cap hw_slowdown sync_boost sw_thermal_slowdown hw_thermal_slowdown hw_power_brake_slowdown"
prefix=clocks_event_reasons
nvidia-smi --query-gpu=$prefix.active --format=csv,noheader -i 0 > /dev/null 2>&1 || prefix=clocks_throttle_reasons
fields="timestamp,$prefix.active"
for n in $names; do fields="$fields,$prefix.$n"; done
fields="$fields,power.draw,power.limit,temperature.gpu,clocks.sm"
echo "clock_reasons_demo: $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader -i 0); fields $prefix.*"
nvidia-smi --query-gpu="$fields" --format=csv,noheader,nounits -i 0 -lms 1000 > "$out/clock_reasons.csv" &
smi=$!
sleep "$idle_s"
python3 - "$load_s" <<'PY' &
import sys, time, torch
end = time.time() + float(sys.argv[1])
a = torch.randn(8192, 8192, device="cuda:0", dtype=torch.bfloat16)
b = torch.randn(8192, 8192, device="cuda:0", dtype=torch.bfloat16)
n = 0
while time.time() < end:
    for _ in range(20):
        c = a @ b
    torch.cuda.synchronize()
    n += 20
print(f"gemm load: {n} BF16 8192^3 matmuls in {sys.argv[1]} s")
PY
load=$!
wait "$load"
sleep 10
kill "$smi" 2>/dev/null; wait "$smi" 2>/dev/null
python3 - "$out" "$host" "$names" <<'PY'
import csv, sys, datetime
out, host, names = sys.argv[1], sys.argv[2], sys.argv[3].split()
bits = {"gpu_idle": 0x1, "applications_clocks_setting": 0x2, "sw_power_cap": 0x4, "hw_slowdown": 0x8,
        "sync_boost": 0x10, "sw_thermal_slowdown": 0x20, "hw_thermal_slowdown": 0x40,
        "hw_power_brake_slowdown": 0x80}
rows, bad, seen = [], 0, {}
for r in csv.reader(open(f"{out}/clock_reasons.csv")):
    r = [x.strip() for x in r]
    if len(r) < 2 + len(names) or not r[1].startswith("0x"):
        continue
    t = datetime.datetime.strptime(r[0], "%Y/%m/%d %H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc)
    mask = int(r[1], 16)
    named = 0
    for n, v in zip(names, r[2:2 + len(names)]):
        if v.lower() == "active":
            named |= bits[n]
    if named != mask & 0xFF:
        bad += 1
        print(f"  table mismatch at {r[0]}: active {r[1]}, named columns give {hex(named)}")
    seen[mask] = seen.get(mask, 0) + 1
    rows.append((t.timestamp(), mask, r[-4], r[-2], r[-1]))
print(f"table check: {len(rows)} samples, {bad} whose bitmask disagrees with nvidia-smi's named reasons")
print("masks seen: " + ", ".join(f"{hex(m)} x{c}" for m, c in sorted(seen.items())))
with open(f"{out}/clock_reasons_series.csv", "w") as f:
    f.write("timestamp,series,value,Hostname,gpu\n")
    for t, m, *_ in rows:
        f.write(f"{t:.3f},DCGM_FI_DEV_CLOCK_THROTTLE_REASONS,{m},{host},0\n")
PY
cat > "$out/clock_reasons_short.rules" <<'RULES'
# The shipped bit rules with 10-second holds, so that a short demo can show them fire.
rule ShortThermal {
  select DCGM_FI_DEV_CLOCK_THROTTLE_REASONS
  when any_bits(DCGM_FI_DEV_CLOCK_THROTTLE_REASONS, 0x60)
  for 10s
  explain "thermal slowdown bits in {{value}}"
}
rule ShortPower {
  select DCGM_FI_DEV_CLOCK_THROTTLE_REASONS
  when any_bits(DCGM_FI_DEV_CLOCK_THROTTLE_REASONS, 0x84)
  for 10s
  explain "power slowdown bits in {{value}}"
}
rule ShortIdle {
  select DCGM_FI_DEV_CLOCK_THROTTLE_REASONS
  when all_bits(DCGM_FI_DEV_CLOCK_THROTTLE_REASONS, 0x1)
  for 10s
  explain "idle bit in {{value}}"
}
RULES
"$vigil" detect --rules data/rules/gpu_training.rules --rules "$out/clock_reasons_short.rules" \
  --data "csv:$out/clock_reasons_series.csv" > "$out/clock_reasons_alerts.jsonl" 2> "$out/clock_reasons_detect.err"
echo "vigil detect exit $? ($(grep -c . "$out/clock_reasons_alerts.jsonl") alert lines; stderr lines $(grep -c . "$out/clock_reasons_detect.err"))"
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
fired = {}
for line in open(f"{out}/clock_reasons_alerts.jsonl"):
    try:
        a = json.loads(line)
    except ValueError:
        continue
    fired.setdefault(a.get("rule", "?"), []).append(a)
for name, alerts in sorted(fired.items()):
    def span(a):
        start = (a["starts_at_ms"] - alerts[0]["starts_at_ms"]) / 1000
        end = a.get("ends_at_ms", 0)
        return f"{start:.0f}s+" + (f"{(end - a['starts_at_ms']) / 1000:.0f}s" if end >= a["starts_at_ms"] else "(firing at the end)")
    spans = ", ".join(span(a) for a in alerts[:6])
    print(f"  {name}: {len(alerts)} alert(s) (start offset+length: {spans}); first: {alerts[0]['annotations'].get('summary', '')}")
if not fired:
    print("  no rule fired")
PY
