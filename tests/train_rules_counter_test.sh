#!/usr/bin/env bash
# Trained rules on counters (training/HISTORY.md, "Counters"; review RV-GC's known limit):
# `vigil train-rules` on a history of DCGM / Prometheus counters, then `vigil detect` over the
# history and 600 s after it. A counter (a counter's name and shape in training) gets rules on its
# reset-aware increase, `rate(value, Wp)`, never on its level:
#  1. the ECC double-bit counter, 0 over the history, gets `rate(value, 5p) > 0 ...` and no level
#     rule; its two errors (+300 s, +450 s after the history) raise two alerts, each resolved
#     within its 5-point window (before: `value > 0`, ONE alert at the first error, never resolved);
#  2. the PCIe replay counter, 5 over the history, restarted to 0 (+350 s): no alert (before:
#     `value < 5` fired from the restart to the end);
#  3. `tokens_total`, rising all along at the history's rates and restarted to 0 (+500 s): no
#     alert (before: the jump and rolling-median rules fired at the restart);
#  4. a gauge (`DCGM_FI_DEV_GPU_TEMP`) keeps the usual families: no `rate(` in its rules;
#  5. `nvidia_gpu_count`, 8 over the history (a `_count` name, flat: a gauge at a level, not a
#     counter; review RV-CT), keeps `value < 8`: a GPU off the bus (7 from +550 s) raises one alert
#     that stays firing to the end (as a counter: `rate(value, 5p) > 0`, resolved at +554 s with the
#     GPU still missing);
#  6. the ECC single-bit counter, 0 -> 1 at 100 s of the history (one error in training; CT2), is
#     an event counter (at most 3 increments in its history): `rate(value, 5p) > 0 ...` alone, and
#     single errors at +320 s and +470 s raise two alerts, each resolved within its window (before:
#     the fitted `rate(value, 5p) > 0.25`, the training error's own size over 4 s: no alert).
# Usage: bash tests/train_rules_counter_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"

/usr/bin/python3 - "$TMP/history.csv" "$TMP/all.csv" <<'PY'
import sys
t0, history, after = 1795161600, 240, 600
rows = []
tokens = 0
for s in range(history + after):
    t = t0 + s
    late = s - history  # seconds after the history
    ecc = 0 if late < 300 else (1 if late < 450 else 2)
    replay = 5 if late < 350 else 0
    if s > 0:
        tokens += 8192 * (10 + (7 * s) % 11)  # every window's rate repeats with period 11
    if late == 500:
        tokens = 0  # the trainer restarts
    temp = 60 + (s * 5) % 7
    gpus = 8 if late < 550 else 7
    sbe = (1 if s >= 100 else 0) + (1 if late >= 320 else 0) + (1 if late >= 470 else 0)
    rows.append((t, f"{t},DCGM_FI_DEV_ECC_DBE_VOL_TOTAL,{ecc},,0"))
    rows.append((t, f"{t},DCGM_FI_DEV_PCIE_REPLAY_COUNTER,{replay},,0"))
    rows.append((t, f"{t},tokens_total,{tokens},a,"))
    rows.append((t, f"{t},DCGM_FI_DEV_GPU_TEMP,{temp},,0"))
    rows.append((t, f"{t},nvidia_gpu_count,{gpus},,"))
    rows.append((t, f"{t},DCGM_FI_DEV_ECC_SBE_VOL_TOTAL,{sbe},,1"))
header = "timestamp,series,value,job,gpu\n"
with open(sys.argv[1], "w") as h, open(sys.argv[2], "w") as a:
    h.write(header)
    a.write(header)
    for t, line in rows:
        a.write(line + "\n")
        if t < t0 + history:
            h.write(line + "\n")
PY

check "train-rules on the history" 0 "trained 6 targets \(6 with rules, 0 failed\)" \
  -- "$VIGIL" train-rules --data "csv:$TMP/history.csv" --out "$TMP/rules"
ecc="$(ls "$TMP"/rules/DCGM_FI_DEV_ECC_DBE_VOL_TOTAL*.rules)"
check "the flat ECC counter: a rule on its increase" 0 "when rate\(value, 5p\) > 0 and count\(value, 5p\) >= 5" \
  -- cat "$ecc"
if grep -q "when value" "$ecc"; then bad "the ECC counter got a level rule: $(grep 'when value' "$ecc")"; else
  passed=$((passed + 1)); fi
if grep -q "when value" "$TMP"/rules/DCGM_FI_DEV_PCIE_REPLAY_COUNTER*.rules "$TMP"/rules/tokens_total*.rules; then
  bad "a counter got a level rule"; else passed=$((passed + 1)); fi
if grep -q "rate(" "$TMP"/rules/DCGM_FI_DEV_GPU_TEMP*.rules; then bad "the temperature (a gauge) got a rate rule"; else
  passed=$((passed + 1)); fi
check "detect over history and after" 0 "rule\(s\) from 6 files over 6 series" \
  -- sh -c "'$VIGIL' detect --rules '$TMP/rules' --data 'csv:$TMP/all.csv' 2>&1 >'$TMP/alerts.jsonl'"

# Alerts per series: start and end (s after the history; end -1 = never resolved).
/usr/bin/python3 - "$TMP/alerts.jsonl" >"$TMP/episodes.txt" <<'PY'
import json, sys
t0 = (1795161600 + 240) * 1000
for line in open(sys.argv[1]):
    a = json.loads(line)
    end = a.get("ends_at_ms", 0)
    print(a["labels"].get("__name__", a["annotations"].get("series", "?")).split("{")[0],
          (a["starts_at_ms"] - t0) // 1000, -1 if not end else (end - t0) // 1000)
PY
echo "alerts (series, start, end; s after the history):"; cat "$TMP/episodes.txt"
check "ECC: an alert at the first error, resolved within its window" 0 \
  "^DCGM_FI_DEV_ECC_DBE_VOL_TOTAL 300 30[1-5]$" -- cat "$TMP/episodes.txt"
check "ECC: an alert at the second error, resolved within its window" 0 \
  "^DCGM_FI_DEV_ECC_DBE_VOL_TOTAL 450 45[1-5]$" -- cat "$TMP/episodes.txt"
check "ECC: exactly two alerts" 0 "^2$" -- sh -c "grep -c ECC_DBE '$TMP/episodes.txt' || true"
check "no alert on the PCIe replay counter's restart" 0 "^0$" -- sh -c "grep -c PCIE '$TMP/episodes.txt' || true"
check "no alert on the token counter's normal growth and restart" 0 "^0$" -- sh -c "grep -c tokens_total '$TMP/episodes.txt' || true"
check "the flat nvidia_gpu_count keeps its level rule" 0 "when value < 8$" -- cat "$TMP"/rules/nvidia_gpu_count*.rules
check "the GPU off the bus: one alert from +550 s, firing to the end" 0 "^nvidia_gpu_count 550 -1$" \
  -- sh -c "grep nvidia_gpu_count '$TMP/episodes.txt' || true"
sbe="$(ls "$TMP"/rules/DCGM_FI_DEV_ECC_SBE_VOL_TOTAL*.rules)"
check "ECC SBE, one error in training: the event rule alone" 0 \
  "^1 when rate\(value, 5p\) > 0 and count\(value, 5p\) >= 5$" \
  -- sh -c "grep -c '^  when ' '$sbe' | tr '\n' ' '; grep '^  when ' '$sbe' | sed 's/^ *//'"
check "ECC SBE: an alert at the error at +320 s, resolved within its window" 0 \
  "^DCGM_FI_DEV_ECC_SBE_VOL_TOTAL 320 32[1-5]$" -- cat "$TMP/episodes.txt"
check "ECC SBE: an alert at the error at +470 s, resolved within its window" 0 \
  "^DCGM_FI_DEV_ECC_SBE_VOL_TOTAL 470 47[1-5]$" -- cat "$TMP/episodes.txt"
check "ECC SBE: exactly two alerts after the history" 0 "^2$" \
  -- sh -c "grep -c '^DCGM_FI_DEV_ECC_SBE_VOL_TOTAL [0-9]' '$TMP/episodes.txt' || true"

echo "train_rules_counter: $passed passed, $fail failed"
[ "$fail" -eq 0 ]
