#!/usr/bin/env bash
# The recorder's plan tables (evals/gpu_telemetry/record_incidents.py), checked without torch or a
# GPU: plans 1 and 2 as runs 1 and 2 were recorded, plan 3's windows in range and apart, its normal
# events (checkpoints, evals) in the history and after it outside every incident + 10 s, and how a
# NaN / Inf loss is written; plan 4's windows, traps (checkpoints, LR restarts, evals, the job end),
# LR schedule and weight growth; plan 5's windows, traps, loader death and restart, and its
# `training_completed` marker (rows and labels); plans 6, 7, 8, 9, 10 and 11 (DET9, DET11, DET13, DET15, DET17, DET19) likewise. The checks:
# evals/gpu_telemetry/record_incidents_test.py; and plans 5-11's fake recordings through `vigil detect` (below).
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
# Plan 6 (DET9), end to end on a fake recording: the fake trainer's rows (fake clock, 34 ms steps,
# fake RSS: 2 GiB + 8 MiB a kept host copy), the fake parent's served marker, and rows shaped as the
# plan predicts where the fakes cannot: NVML utilisation 99% and 690 W in proportion to the steps
# ending in a second (the periodic stall's seconds hold few or none; an eval's are busy), 0% and
# 80 W after the job end; the loss 1.97 and the gradient norm 0.2 (with a little deterministic
# jitter; the fake's loss is a counter) x16 in the unnormalised shard's seconds. Scored with
# tests/lib/score_incidents.py against a json made from the plan's tables. What the plan predicts
# for the bundled rules: the stall caught (its throughput drop), the host-memory leak missed (no
# bundled rule reads process memory: the plan's known gap), the shard caught by LossSpike, nothing
# at the 350 s checkpoint, the 357 s eval or the marked job end; without the marker's 1s the end
# alerts. (The first draft's third incident, a shrunken micro-batch 45 s after the stall, raised
# nothing here: the stall's ThroughputDropGauge was still firing. It was replaced before any run.)
"$PY" - "$TMP/fake6.csv" "$TMP/fake6_nomarker.csv" "$TMP/fake6.json" <<'PY'
import contextlib, io, json, os, sys
sys.path.insert(0, os.path.join("evals", "gpu_telemetry"))
with contextlib.redirect_stderr(io.StringIO()):  # the fakes' unclosed-file warnings
    import record_incidents_test as T
rows, served, m = T.fake_inputs(6)
t0 = 1796000000.0
on = T.in_window
steps = {}  # steps ending in each second s (the row at t0 + s + 1 holds them)
out = []
for i, r in enumerate(rows):
    f = r.split(",")
    s = round(float(f[0]) - t0) - 1
    if f[1] == "tokens_per_s":
        steps[s] = float(f[2]) / m.TOKENS
    if f[1] in ("train_loss", "grad_norm"):
        k = 16.0 if on("unnormalised_shard", s, m.FAULTS) else 1.0
        base = 1.97 if f[1] == "train_loss" else 0.2
        f[2] = "%.6g" % (k * base * (1 + 1e-4 * ((i * 7919) % 13)))
    out.append(",".join(f))
nvml = T.fake_nvml(t0, lambda s: 1.0 if on("eval", s, m.NORMAL_EVENTS) else min(1.0, steps.get(s, 0.0) * 0.034))
for path, marker in ((sys.argv[1], True), (sys.argv[2], False)):
    body = out + [",".join(r) for r in served] + nvml
    if not marker:
        body = [r for r in body if ",training_completed,1," not in r]
    body.sort(key=lambda r: float(r.split(",")[0]))
    open(path, "w").write("timestamp,series,value,label,job,node,rank,Hostname,gpu\n" + "\n".join(body) + "\n")
json.dump(T.fake_meta(m, t0), open(sys.argv[3], "w"))
PY
"$VIGIL" detect --rules data/rules/gpu_training.rules --data "csv:$TMP/fake6.csv" >"$TMP/fake6.jsonl" 2>"$TMP/fake6.err"
"$PY" tests/lib/score_incidents.py "$TMP/fake6.json" "$TMP/fake6.jsonl" --grace 10 --warmup 60 >"$TMP/score6.txt"
sed 's/^/  plan 6 fake: /' "$TMP/score6.txt"
check "plan 6 fake: the periodic stall caught by its throughput drop" 0 'ThroughputDropGauge +tokens_per_s' \
  -- bash -c 'sed -n "/^periodic_stall/,/^host_rss_leak/p" "$1"' _ "$TMP/score6.txt"
# The leak: HostMemoryGrowth on the fake RSS (DET10, written after seeing run 6; before it no bundled
# rule read process memory and this check wanted 0 alerts), and nothing else.
check "plan 6 fake: the host-memory leak caught by HostMemoryGrowth on the RSS, nothing else" 0 \
  '^host_rss_leak \[ 280, 305\) s after t0: 1 alert\(s\);\+ 12\.0 s \(firing \+ 12\.0 s\) HostMemoryGrowth process_resident_memory_bytes\{job="h200-ddp",node="node-0",rank="0"\};$' \
  -- bash -c 'grep -A1 "^host_rss_leak" "$1" | sed "s/^ *//; s/  */ /g" | tr "\n" ";"' _ "$TMP/score6.txt"
check "plan 6 fake: the unnormalised shard caught by LossSpike at its first second" 0 '^ +\+ +1\.0 s .*LossSpike +train_loss' \
  -- bash -c 'sed -n "/^unnormalised_shard/,/^false alarms/p" "$1"' _ "$TMP/score6.txt"
check "plan 6 fake: no false alarm, nothing at the checkpoint, the eval, the marked job end" 0 \
  'false alarms .*: 0;checkpoint \[350\.0, 352\.5\) s: 0 alert\(s\);eval \[357\.0, 365\.0\) s: 0 alert\(s\);job_end \[410\.0, 440\.0\) s: 0 alert\(s\);$' \
  -- bash -c 'grep -E "^false alarms" "$1" | tr "\n" ";"; for e in "checkpoint +\[350" "eval +\[357" "job_end "; do grep -E "^    $e" "$1" | sed "s/^ *//; s/  */ /g" | tr "\n" ";"; done' _ "$TMP/score6.txt"
check "plan 6 fake: without the marker's 1s the job end alerts" 0 'job_end +\[410\.0, 440\.0\) s: 2 alert' \
  -- bash -c '"$1" detect --rules data/rules/gpu_training.rules --data "csv:$2" 2>/dev/null >"$2.jsonl"; "$3" tests/lib/score_incidents.py "$4" "$2.jsonl" --grace 10 --warmup 60' _ "$VIGIL" "$TMP/fake6_nomarker.csv" "$PY" "$TMP/fake6.json"
# Plan 7 (DET11): a plan 7 whose memory hog starts inside the slow checkpoint's grace fails the table checks.
sed 's/("gpu_memory_hog", 280, 305,/("gpu_memory_hog", 275, 305,/' "$HERE/../evals/gpu_telemetry/record_incidents.py" >"$TMP/record_incidents.py"
check "plan 7: an incident inside the previous one's grace fails it" 1 'gpu_memory_hog starts before the previous window' -- /usr/bin/python3 "$TMP/record_incidents_test.py"
# Plan 7, end to end on a fake recording: the fake trainer's rows (fake clock, 34 ms steps; the slow
# checkpoint paced as the real 768 MiB would be: no step rows 247-269 s), the fake parent's served
# marker, and rows shaped as the plan predicts where the fakes cannot: NVML utilisation and power in
# proportion to the steps ending in a second (none in the slow checkpoint), FB_USED 9000 MiB with the
# hog's 40.5 GiB at 280-305 s and 618 after the job end; in frozen_layers' seconds step time x0.45,
# compute x0.4, tokens/s x2.2, grad norm x1/sqrt(6); loss 1.97 and grad norm 0.2 with a little
# deterministic jitter. What the plan predicts for the bundled rules (20 at b776139c): the slow
# checkpoint caught by GpuUtilDrop and GpuPowerDrop (the GPU idle), the hog by GpuMemoryGrowth (its
# growth, though it is no leak), frozen_layers by none (no bundled rule reads step or compute time
# falling, the gradient norm falling or tokens/s rising: the plan's known gap), nothing at the 350 s
# checkpoint, the 357 s eval, the 375 s shard boundary or the marked job end; without the marker's 1s
# the end alerts.
"$PY" - "$TMP/fake7.csv" "$TMP/fake7_nomarker.csv" "$TMP/fake7.json" <<'PY'
import contextlib, io, json, os, sys
sys.path.insert(0, os.path.join("evals", "gpu_telemetry"))
with contextlib.redirect_stderr(io.StringIO()):  # the fakes' unclosed-file warnings
    import record_incidents_test as T
rows, served, m = T.fake_inputs(7, helper_ends={"memhog": (305.5, 0)})
t0 = 1796000000.0
on = T.in_window
# what the plan predicts where the fake cannot: in frozen_layers' seconds one weight gradient of
# six (compute 0.4x, step 0.45x, tokens/s 2.2x, grad norm 1/sqrt(6)); loss 1.97, grad norm 0.2
shape = {"step_time_ms": 0.45, "compute_ms": 0.4, "tokens_per_s": 2.2, "grad_norm": 6 ** -0.5}
steps = {}  # steps ending in each second s (the row at t0 + s + 1 holds them), before shaping
out = []
for i, r in enumerate(rows):
    f = r.split(",")
    s = round(float(f[0]) - t0) - 1
    if f[1] == "tokens_per_s":
        steps[s] = float(f[2]) / m.TOKENS
    frozen = on("frozen_layers", s, m.FAULTS)
    if f[1] in ("train_loss", "grad_norm"):
        base = 1.97 if f[1] == "train_loss" else 0.2
        f[2] = "%.6g" % (base * (1 + 1e-4 * ((i * 7919) % 13)))
    if frozen and f[1] in shape:
        f[2] = "%.6g" % (float(f[2]) * shape[f[1]])
    out.append(",".join(f))
nvml = T.fake_nvml(t0, lambda s: 1.0 if on("eval", s, m.NORMAL_EVENTS) else min(1.0, steps.get(s, 0.0) * 0.034),
                   lambda s: 618 if s >= 411 else 9000 + (41472 if 280.5 <= s + 0.3 < 305.5 else 0))
for path, marker in ((sys.argv[1], True), (sys.argv[2], False)):
    body = out + [",".join(r) for r in served] + nvml
    if not marker:
        body = [r for r in body if ",training_completed,1," not in r]
    body.sort(key=lambda r: float(r.split(",")[0]))
    open(path, "w").write("timestamp,series,value,label,job,node,rank,Hostname,gpu\n" + "\n".join(body) + "\n")
json.dump(T.fake_meta(m, t0), open(sys.argv[3], "w"))
PY
"$VIGIL" detect --rules data/rules/gpu_training.rules --data "csv:$TMP/fake7.csv" >"$TMP/fake7.jsonl" 2>"$TMP/fake7.err"
"$PY" tests/lib/score_incidents.py "$TMP/fake7.json" "$TMP/fake7.jsonl" --grace 10 --warmup 60 >"$TMP/score7.txt"
sed 's/^/  plan 7 fake: /' "$TMP/score7.txt"
check "plan 7 fake: the slow checkpoint caught by GpuUtilDrop and GpuPowerDrop, nothing else" 0 \
  '^slow_checkpoint \[ 245, 270\) s after t0: 2 alert\(s\);\+ [0-9.]+ s \(firing \+ [0-9.]+ s\) GpuUtilDrop DCGM_FI_DEV_GPU_UTIL\{[^}]*\};\+ [0-9.]+ s \(firing \+ [0-9.]+ s\) GpuPowerDrop DCGM_FI_DEV_POWER_USAGE\{[^}]*\};$' \
  -- bash -c 'grep -A2 "^slow_checkpoint" "$1" | sed "s/^ *//; s/  */ /g" | tr "\n" ";"' _ "$TMP/score7.txt"
check "plan 7 fake: the memory hog caught by GpuMemoryGrowth on FB_USED, nothing else" 0 \
  '^gpu_memory_hog \[ 280, 305\) s after t0: 1 alert\(s\);\+ 1\.3 s \(firing \+ 1\.3 s\) GpuMemoryGrowth DCGM_FI_DEV_FB_USED\{Hostname="node-0",gpu="0"\};$' \
  -- bash -c 'grep -A1 "^gpu_memory_hog" "$1" | sed "s/^ *//; s/  */ /g" | tr "\n" ";"' _ "$TMP/score7.txt"
# Blind (b776139c) no bundled rule read what frozen layers move; TrainingShrunk (DET12, after run 7)
# reads the gradient norm halved with the loss and the tokens a step unchanged.
check "plan 7 fake: frozen layers caught by TrainingShrunk on tokens_per_s, nothing else" 0 \
  '^frozen_layers \[ +315, +340\) s after t0: 1 alert\(s\);\+ [0-9.]+ s \(firing \+ [0-9.]+ s\) TrainingShrunk tokens_per_s\{[^}]*\};$' \
  -- bash -c 'grep -A1 "^frozen_layers" "$1" | sed "s/^ *//; s/  */ /g" | tr "\n" ";"' _ "$TMP/score7.txt"
check "plan 7 fake: no false alarm, nothing at the checkpoint, the eval, the shard boundary, the marked job end" 0 \
  'false alarms .*: 0;checkpoint \[350\.0, 352\.5\) s: 0 alert\(s\);eval \[357\.0, 365\.0\) s: 0 alert\(s\);shard_boundary \[375\.0, 375\.0\) s: 0 alert\(s\);job_end \[410\.0, 440\.0\) s: 0 alert\(s\);$' \
  -- bash -c 'grep -E "^false alarms" "$1" | tr "\n" ";"; for e in "checkpoint +\[350" "eval +\[357" "shard_boundary +\[375" "job_end "; do grep -E "^    $e" "$1" | sed "s/^ *//; s/  */ /g" | tr "\n" ";"; done' _ "$TMP/score7.txt"
check "plan 7 fake: without the marker's 1s the job end alerts" 0 'job_end +\[410\.0, 440\.0\) s: 2 alert' \
  -- bash -c '"$1" detect --rules data/rules/gpu_training.rules --data "csv:$2" 2>/dev/null >"$2.jsonl"; "$3" tests/lib/score_incidents.py "$4" "$2.jsonl" --grace 10 --warmup 60' _ "$VIGIL" "$TMP/fake7_nomarker.csv" "$PY" "$TMP/fake7.json"
# Plan 8 (DET13): a plan 8 whose accumulation bug starts inside the offload's grace fails the table checks.
sed 's/("grad_accum_unscaled", 280, 305,/("grad_accum_unscaled", 275, 305,/' "$HERE/../evals/gpu_telemetry/record_incidents.py" >"$TMP/record_incidents.py"
check "plan 8: an incident inside the previous one's grace fails it" 1 'grad_accum_unscaled starts before the previous window' -- /usr/bin/python3 "$TMP/record_incidents_test.py"
# Plan 8, end to end on a fake recording: the fake trainer's rows (fake clock; its steps cost their
# synchronizes, not their micro-batches; fake RSS: 2 GiB + 768 MiB pinned from 245 s), the fake parent's
# served marker, and the step rows shaped as the plan's central guesses where the fake cannot (against
# step 34 ms, compute 27.5 ms, its history's tokens/s, loss 1.97, grad norm 0.2 with a little
# deterministic jitter): optimizer_offload step x2, tokens/s x0.5, the GPU busy 47% of its steps' time;
# grad_accum_unscaled step x3.4, compute x4, tokens/s x1.1, grad norm x2; half_frozen step x0.7, compute
# x0.65, tokens/s x1.4, grad norm x0.65; the accumulation ramp (375 s on) step x1.8, compute x2, tokens/s
# x1.1, grad norm x0.85; FB_USED 9000 MiB, +1 GiB in the accumulation bug, +256 MiB from the ramp, 618
# after the end. What the plan predicts for the bundled rules (21 at d1144e8b): the offload caught by
# ThroughputDropGauge; at 47% util neither GPU rule (GpuUnderfed's band is a 15 s median of 50-84% of 99;
# GpuUtilDrop's 15 s mean crosses half only once all 15 readings are low, 260 s, and `for 15s` outlasts
# the 25 s window: it needs util of ~20% or less to fire inside it), the accumulation bug and the half freeze missed, nothing at the 350 s checkpoint, the 357 s eval, the 375 s ramp or the
# marked job end. (The fake pins the plan's reasoning against the rules; the recording decides.)
"$PY" - "$TMP/fake8.csv" "$TMP/fake8.json" <<'PY'
import contextlib, io, json, os, sys
sys.path.insert(0, os.path.join("evals", "gpu_telemetry"))
with contextlib.redirect_stderr(io.StringIO()):  # the fakes' unclosed-file warnings
    import record_incidents_test as T
rows, served, m = T.fake_inputs(8)
t0 = 1796000000.0
on = T.in_window
tok0 = sorted(float(r.split(",")[2]) for r in rows if r.split(",")[1] == "tokens_per_s"
              and 200 <= float(r.split(",")[0]) - t0 <= 224)[6]
base = {"step_time_ms": 34.0, "compute_ms": 27.5, "tokens_per_s": tok0, "grad_norm": 0.2}
shape = {"optimizer_offload": {"step_time_ms": 2.0, "tokens_per_s": 0.5},
         "grad_accum_unscaled": {"step_time_ms": 3.4, "compute_ms": 4.0, "tokens_per_s": 1.1, "grad_norm": 2.0},
         "half_frozen": {"step_time_ms": 0.7, "compute_ms": 0.65, "tokens_per_s": 1.4, "grad_norm": 0.65},
         "accum_ramp": {"step_time_ms": 1.8, "compute_ms": 2.0, "tokens_per_s": 1.1, "grad_norm": 0.85}}
steps, out = {}, []
for i, r in enumerate(rows):
    f = r.split(",")
    s = round(float(f[0]) - t0) - 1  # the row at t0 + s + 1 holds the steps that ended in second s
    if f[1] == "step_time_ms":
        steps[s] = True
    phase = [k for k in ("optimizer_offload", "grad_accum_unscaled", "half_frozen") if on(k, s, m.FAULTS)]
    phase = phase[0] if phase else ("accum_ramp" if s >= 375 else None)
    jitter = 1 + 1e-4 * ((i * 7919) % 13)
    if f[1] == "train_loss":
        f[2] = "%.6g" % (1.97 * jitter)
    elif f[1] == "grad_norm" or (phase and f[1] in base):
        f[2] = "%.6g" % (base[f[1]] * jitter * shape.get(phase, {}).get(f[1], 1.0))
    out.append(",".join(f))
def busy(s):
    b = 1.0 if on("eval", s, m.NORMAL_EVENTS) or s in steps else 0.0
    return 0.47 if b and on("optimizer_offload", s, m.FAULTS) else b
nvml = T.fake_nvml(t0, busy, lambda s: 618 if s >= 411 else 9000 + (1024 if on("grad_accum_unscaled", s, m.FAULTS) else 0)
                   + (256 if s >= 375 else 0))
body = out + [",".join(r) for r in served] + nvml
body.sort(key=lambda r: float(r.split(",")[0]))
open(sys.argv[1], "w").write("timestamp,series,value,label,job,node,rank,Hostname,gpu\n" + "\n".join(body) + "\n")
json.dump(T.fake_meta(m, t0), open(sys.argv[2], "w"))
PY
"$VIGIL" detect --rules data/rules/gpu_training.rules --data "csv:$TMP/fake8.csv" >"$TMP/fake8.jsonl" 2>"$TMP/fake8.err"
"$PY" tests/lib/score_incidents.py "$TMP/fake8.json" "$TMP/fake8.jsonl" --grace 10 --warmup 60 >"$TMP/score8.txt"
sed 's/^/  plan 8 fake: /' "$TMP/score8.txt"
check "plan 8 fake: the offload caught by ThroughputDropGauge alone (util 47%: below GpuUnderfed's band, above GpuUtilDrop's reach in 25 s)" 0 \
  '^optimizer_offload \[ +245, +270\) s after t0: 1 alert\(s\);\+ [0-9.]+ s \(firing \+ [0-9.]+ s\) ThroughputDropGauge tokens_per_s\{[^}]*\};$' \
  -- bash -c 'grep -A1 "^optimizer_offload" "$1" | sed "s/^ *//; s/  */ /g" | tr "\n" ";"' _ "$TMP/score8.txt"
check "plan 8 fake: the unscaled accumulation and the half freeze missed (the plan's prediction)" 0 \
  '^grad_accum_unscaled \[ +280, +305\) s after t0: 0 alert\(s\);half_frozen \[ +315, +340\) s after t0: 0 alert\(s\);$' \
  -- bash -c 'grep -E "^(grad_accum_unscaled|half_frozen)" "$1" | sed "s/^ *//; s/  */ /g" | tr "\n" ";"' _ "$TMP/score8.txt"
check "plan 8 fake: no false alarm, nothing at the checkpoint, the eval, the accumulation ramp, the marked job end" 0 \
  'false alarms .*: 0;checkpoint \[350\.0, 352\.5\) s: 0 alert\(s\);eval \[357\.0, 365\.0\) s: 0 alert\(s\);accum_ramp \[375\.0, 375\.0\) s: 0 alert\(s\);job_end \[410\.0, 440\.0\) s: 0 alert\(s\);$' \
  -- bash -c 'grep -E "^false alarms" "$1" | tr "\n" ";"; for e in "checkpoint +\[350" "eval +\[357" "accum_ramp +\[375" "job_end "; do grep -E "^    $e" "$1" | sed "s/^ *//; s/  */ /g" | tr "\n" ";"; done' _ "$TMP/score8.txt"
# Plan 9 (DET15): a plan 9 whose sum over sequences starts inside the masked loss's grace fails the table checks.
sed 's/("loss_sum_reduction", 280, 305,/("loss_sum_reduction", 275, 305,/' "$HERE/../evals/gpu_telemetry/record_incidents.py" >"$TMP/record_incidents.py"
check "plan 9: an incident inside the previous one's grace fails it" 1 'loss_sum_reduction starts before the previous window' -- /usr/bin/python3 "$TMP/record_incidents_test.py"
# Plan 9, end to end on a fake recording: the fake trainer's rows (fake clock; tokens/s counts the real tokens:
# 2048 a step in padding_waste), the fake parent's served marker, and the loss and gradient norm shaped as the
# plan's central guesses where the fake cannot (loss 1.97, grad norm 0.2, a little deterministic jitter):
# loss_masked_out loss 0 and grad norm 0; loss_sum_reduction grad norm x4; padding_waste grad norm x1.5; the
# loss-weight step (375 s on) grad norm x1.5; NVML util 99% and 690 W in the seconds with steps (and evals),
# FB_USED 9000 MiB, 618 after the end. What the plan predicts for the bundled rules (22, GradNormRise included):
# the masked loss caught by TrainingMetricsFrozen (the loss repeats 0: its text blames a hung trainer) and by
# nothing else (TrainingShrunk's loss term: the loss fell with the norm); the sum over sequences by GradNormRise
# (on tokens_per_s, the series it selects); the padding by ThroughputDropGauge (tokens/s 0.25x); nothing at the
# 350 s checkpoint, the 357 s eval, the 375 s loss-weight step (x1.5: under GradNormRise's 2x) or the marked end.
# Run 9 (recorded 2026-12-06) scored so blind. Since DET16 (after run 9: NOT blind) LossOverNoTokens (the loss
# exactly 0 in 5 readings) also alerts in the masked loss, before TrainingMetricsFrozen: both pinned here.
"$PY" - "$TMP/fake9.csv" "$TMP/fake9.json" <<'PY'
import contextlib, io, json, os, sys
sys.path.insert(0, os.path.join("evals", "gpu_telemetry"))
with contextlib.redirect_stderr(io.StringIO()):  # the fakes' unclosed-file warnings
    import record_incidents_test as T
rows, served, m = T.fake_inputs(9)
t0 = 1796000000.0
on = T.in_window
norm = {"loss_masked_out": 0.0, "loss_sum_reduction": 4.0, "padding_waste": 1.5}
steps, out = {}, []
for i, r in enumerate(rows):
    f = r.split(",")
    s = round(float(f[0]) - t0) - 1  # the row at t0 + s + 1 holds the steps that ended in second s
    if f[1] == "step_time_ms":
        steps[s] = True
    phase = [k for k in norm if on(k, s, m.FAULTS)]
    jitter = 1 + 1e-4 * ((i * 7919) % 13)
    if f[1] == "train_loss":
        f[2] = "%.6g" % (0.0 if phase == ["loss_masked_out"] else 1.97 * jitter)
    elif f[1] == "grad_norm":
        f[2] = "%.6g" % (0.2 * jitter * (norm[phase[0]] if phase else 1.5 if s >= 375 else 1.0))
    out.append(",".join(f))
nvml = T.fake_nvml(t0, lambda s: 1.0 if on("eval", s, m.NORMAL_EVENTS) or s in steps else 0.0,
                   lambda s: 618 if s >= 411 else 9000)
body = out + [",".join(r) for r in served] + nvml
body.sort(key=lambda r: float(r.split(",")[0]))
open(sys.argv[1], "w").write("timestamp,series,value,label,job,node,rank,Hostname,gpu\n" + "\n".join(body) + "\n")
json.dump(T.fake_meta(m, t0), open(sys.argv[2], "w"))
PY
"$VIGIL" detect --rules data/rules/gpu_training.rules --data "csv:$TMP/fake9.csv" >"$TMP/fake9.jsonl" 2>"$TMP/fake9.err"
"$PY" tests/lib/score_incidents.py "$TMP/fake9.json" "$TMP/fake9.jsonl" --grace 10 --warmup 60 >"$TMP/score9.txt"
sed 's/^/  plan 9 fake: /' "$TMP/score9.txt"
check "plan 9 fake: the masked loss caught by LossOverNoTokens (since DET16) and TrainingMetricsFrozen (the loss repeats 0), nothing else" 0 \
  '^loss_masked_out \[ +245, +270\) s after t0: 2 alert\(s\);\+ [0-9.]+ s \(firing \+ [0-9.]+ s\) LossOverNoTokens train_loss\{[^}]*\};\+ [0-9.]+ s \(firing \+ [0-9.]+ s\) TrainingMetricsFrozen train_loss\{[^}]*\};$' \
  -- bash -c 'grep -A2 "^loss_masked_out" "$1" | sed "s/^ *//; s/  */ /g" | tr "\n" ";"' _ "$TMP/score9.txt"
check "plan 9 fake: the sum over sequences caught by GradNormRise on tokens_per_s alone" 0 \
  '^loss_sum_reduction \[ +280, +305\) s after t0: 1 alert\(s\);\+ [0-9.]+ s \(firing \+ [0-9.]+ s\) GradNormRise tokens_per_s\{[^}]*\};$' \
  -- bash -c 'grep -A1 "^loss_sum_reduction" "$1" | sed "s/^ *//; s/  */ /g" | tr "\n" ";"' _ "$TMP/score9.txt"
check "plan 9 fake: the padding caught by ThroughputDropGauge alone" 0 \
  '^padding_waste \[ +315, +340\) s after t0: 1 alert\(s\);\+ [0-9.]+ s \(firing \+ [0-9.]+ s\) ThroughputDropGauge tokens_per_s\{[^}]*\};$' \
  -- bash -c 'grep -A1 "^padding_waste" "$1" | sed "s/^ *//; s/  */ /g" | tr "\n" ";"' _ "$TMP/score9.txt"
check "plan 9 fake: no false alarm, nothing at the checkpoint, the eval, the loss-weight step, the marked job end" 0 \
  'false alarms .*: 0;checkpoint \[350\.0, 352\.5\) s: 0 alert\(s\);eval \[357\.0, 365\.0\) s: 0 alert\(s\);loss_weight_step \[375\.0, 375\.0\) s: 0 alert\(s\);job_end \[410\.0, 440\.0\) s: 0 alert\(s\);$' \
  -- bash -c 'grep -E "^false alarms" "$1" | tr "\n" ";"; for e in "checkpoint +\[350" "eval +\[357" "loss_weight_step +\[375" "job_end "; do grep -E "^    $e" "$1" | sed "s/^ *//; s/  */ /g" | tr "\n" ";"; done' _ "$TMP/score9.txt"
# Plan 10 (DET17): a plan 10 whose eval hook starts inside the kept gradients' grace fails the table checks.
sed 's/("eval_every_step", 280, 305,/("eval_every_step", 275, 305,/' "$HERE/../evals/gpu_telemetry/record_incidents.py" >"$TMP/record_incidents.py"
check "plan 10: an incident inside the previous one's grace fails it" 1 'eval_every_step starts before the previous window' -- /usr/bin/python3 "$TMP/record_incidents_test.py"
# And a plan 10 whose kept gradients are cleared after all (the incident not made) fails the trainer's check.
sed 's/sgd_update(torch, weights, flat, gnorm, lr, finite, clear=not mode\[0\])/sgd_update(torch, weights, flat, gnorm, lr, finite)/' "$HERE/../evals/gpu_telemetry/record_incidents.py" >"$TMP/record_incidents.py"
check "plan 10: gradients cleared in grads_not_zeroed fails it" 1 'FAIL: test_each_incident_in_its_window_only_and_logged' -- /usr/bin/python3 "$TMP/record_incidents_test.py" Plan10Rows
# Plan 10, end to end on a fake recording: the fake trainer's rows (fake clock, 30 ms steps), the fake parent's
# served marker, and rows shaped as the plan's central guesses where the fakes cannot (a little deterministic
# jitter on each): loss 1.97 and grad norm 0.2; grads_not_zeroed: the norm x(1 + 15 per second since 244 s), at
# most x100 (a sum of ~29 batches' gradients a second, bf16 losing the small additions), the loss falling 10 %
# over the window (5x the usual update along one direction), back to 1.97 from the restore at 270 s;
# eval_every_step: step time x1.6, tokens/s x0.63, compute unchanged; weight_corruption: the loss x2, the norm
# x1.5, back at 340 s (the restore); ema_on (375 s on): step x1.06, tokens/s x0.94, FB_USED +1536 MiB; NVML util
# 99% and 690 W in the seconds with steps (and evals), FB_USED 9000 MiB, 618 after the end. What the plan
# predicts for the bundled rules (23 at a9f1ebf7): the kept gradients caught by GradNormRise (on tokens_per_s) and
# nothing else; the eval hook by ThroughputDropGauge alone; the corruption by LossSpike alone (GradNormRise still
# firing from the first window: no new alert; the norm x1.5 anyway); nothing at the 350 s checkpoint, the 357 s
# eval, the 375 s EMA (+1536 MiB: under GpuMemoryGrowth's 2048) or the marked job end.
"$PY" - "$TMP/fake10.csv" "$TMP/fake10.json" <<'PY'
import contextlib, io, json, os, sys
sys.path.insert(0, os.path.join("evals", "gpu_telemetry"))
with contextlib.redirect_stderr(io.StringIO()):  # the fakes' unclosed-file warnings
    import record_incidents_test as T
rows, served, m = T.fake_inputs(10)
t0 = 1796000000.0
on = T.in_window
tok0 = sorted(float(r.split(",")[2]) for r in rows if r.split(",")[1] == "tokens_per_s"
              and 200 <= float(r.split(",")[0]) - t0 <= 224)[6]
base = {"step_time_ms": 34.0, "compute_ms": 27.5, "tokens_per_s": tok0}
shape = {"eval_every_step": {"step_time_ms": 1.6, "tokens_per_s": 0.63},
         "ema_on": {"step_time_ms": 1.06, "tokens_per_s": 0.94}}
steps, out = {}, []
for i, r in enumerate(rows):
    f = r.split(",")
    s = round(float(f[0]) - t0) - 1  # the row at t0 + s + 1 holds the steps that ended in second s
    if f[1] == "step_time_ms":
        steps[s] = True
    jitter = 1 + 1e-4 * ((i * 7919) % 13)
    kept, sdc = on("grads_not_zeroed", s, m.FAULTS), on("weight_corruption", s, m.FAULTS)
    phase = "eval_every_step" if on("eval_every_step", s, m.FAULTS) else "ema_on" if s >= 375 else None
    if f[1] == "train_loss":
        f[2] = "%.6g" % (1.97 * jitter * (1 - 0.1 * (s - 244) / 26 if kept else 2.0 if sdc else 1.0))
    elif f[1] == "grad_norm":
        f[2] = "%.6g" % (0.2 * jitter * (min(1 + 15 * (s - 244), 100) if kept else 1.5 if sdc else 1.0))
    elif phase and f[1] in base:
        f[2] = "%.6g" % (base[f[1]] * jitter * shape[phase].get(f[1], 1.0))
    out.append(",".join(f))
nvml = T.fake_nvml(t0, lambda s: 1.0 if on("eval", s, m.NORMAL_EVENTS) or s in steps else 0.0,
                   lambda s: 618 if s >= 411 else 9000 + (1536 if s >= 375 else 0))
body = out + [",".join(r) for r in served] + nvml
body.sort(key=lambda r: float(r.split(",")[0]))
open(sys.argv[1], "w").write("timestamp,series,value,label,job,node,rank,Hostname,gpu\n" + "\n".join(body) + "\n")
json.dump(T.fake_meta(m, t0), open(sys.argv[2], "w"))
PY
"$VIGIL" detect --rules data/rules/gpu_training.rules --data "csv:$TMP/fake10.csv" >"$TMP/fake10.jsonl" 2>"$TMP/fake10.err"
"$PY" tests/lib/score_incidents.py "$TMP/fake10.json" "$TMP/fake10.jsonl" --grace 10 --warmup 60 >"$TMP/score10.txt"
sed 's/^/  plan 10 fake: /' "$TMP/score10.txt"
check "plan 10 fake: the kept gradients caught by GradNormRise on tokens_per_s alone" 0 \
  '^grads_not_zeroed \[ +245, +270\) s after t0: 1 alert\(s\);\+ [0-9.]+ s \(firing \+ [0-9.]+ s\) GradNormRise tokens_per_s\{[^}]*\};$' \
  -- bash -c 'grep -A1 "^grads_not_zeroed" "$1" | sed "s/^ *//; s/  */ /g" | tr "\n" ";"' _ "$TMP/score10.txt"
check "plan 10 fake: the eval every step caught by ThroughputDropGauge alone" 0 \
  '^eval_every_step \[ +280, +305\) s after t0: 1 alert\(s\);\+ [0-9.]+ s \(firing \+ [0-9.]+ s\) ThroughputDropGauge tokens_per_s\{[^}]*\};$' \
  -- bash -c 'grep -A1 "^eval_every_step" "$1" | sed "s/^ *//; s/  */ /g" | tr "\n" ";"' _ "$TMP/score10.txt"
check "plan 10 fake: the weight corruption caught by LossSpike at its first second alone" 0 \
  '^weight_corruption \[ +315, +340\) s after t0: 1 alert\(s\);\+ 1\.0 s \(firing \+ 1\.0 s\) LossSpike train_loss\{[^}]*\};$' \
  -- bash -c 'grep -A1 "^weight_corruption" "$1" | sed "s/^ *//; s/  */ /g" | tr "\n" ";"' _ "$TMP/score10.txt"
check "plan 10 fake: no false alarm, nothing at the checkpoint, the eval, the EMA, the marked job end" 0 \
  'false alarms .*: 0;checkpoint \[350\.0, 352\.5\) s: 0 alert\(s\);eval \[357\.0, 365\.0\) s: 0 alert\(s\);ema_on \[375\.0, 375\.0\) s: 0 alert\(s\);job_end \[410\.0, 440\.0\) s: 0 alert\(s\);$' \
  -- bash -c 'grep -E "^false alarms" "$1" | tr "\n" ";"; for e in "checkpoint +\[350" "eval +\[357" "ema_on +\[375" "job_end "; do grep -E "^    $e" "$1" | sed "s/^ *//; s/  */ /g" | tr "\n" ";"; done' _ "$TMP/score10.txt"
# Plan 11 (DET19): a plan 11 whose loss scale starts inside the every-step checkpoints' grace fails the table checks.
sed 's/("loss_scale_not_undone", 280, 305,/("loss_scale_not_undone", 275, 305,/' "$HERE/../evals/gpu_telemetry/record_incidents.py" >"$TMP/record_incidents.py"
check "plan 11: an incident inside the previous one's grace fails it" 1 'loss_scale_not_undone starts before the previous window' -- /usr/bin/python3 "$TMP/record_incidents_test.py"
# And a plan 11 whose every-step checkpoint hook never saves (the incident not made) fails the trainer's check.
sed 's/        if mode\[0\]:  # the misconfigured checkpoint hook/        if False:  # the misconfigured checkpoint hook/' "$HERE/../evals/gpu_telemetry/record_incidents.py" >"$TMP/record_incidents.py"
check "plan 11: no save after every step in checkpoint_every_step fails it" 1 'FAIL: test_each_incident_in_its_window_only_and_logged' -- /usr/bin/python3 "$TMP/record_incidents_test.py" Plan11Rows
# Plan 11, end to end on a fake recording: the fake trainer's rows (fake clock, 30 ms steps, a save 0.6 s: in
# checkpoint_every_step 1-2 steps a second, step ~630 ms, tokens/s 8192-16384), the fake parent's served marker,
# and rows shaped as the plan's central guesses where the fakes cannot (a little deterministic jitter on each):
# loss 1.97 and grad norm 0.2; checkpoint_every_step: the GPU busy 5 % of each second with a step (util 5 %,
# ~110 W), the loss and norm at their levels; loss_scale_not_undone: the norm x1024, the loss falling 10 % over the
# window (the clipped updates 5x the usual, as run 10's), back to 1.97 from the restore at 305 s; loss_scale_on
# (375 s on): nothing moves; NVML util 99% and 690 W in the other seconds with steps (and evals), FB_USED 9000 MiB,
# 618 after the end. What the plan predicts for the bundled rules (23 at 7dd02e88): the every-step checkpoints
# caught by GpuUtilDrop, GpuPowerDrop and ThroughputDropGauge and nothing else; the loss scale by GradNormRise (on
# tokens_per_s) alone; nothing at the 350 s checkpoint, the 357 s eval, the 375 s loss scale or the marked job end.
"$PY" - "$TMP/fake11.csv" "$TMP/fake11.json" <<'PY'
import contextlib, io, json, os, sys
sys.path.insert(0, os.path.join("evals", "gpu_telemetry"))
with contextlib.redirect_stderr(io.StringIO()):  # the fakes' unclosed-file warnings
    import record_incidents_test as T
rows, served, m = T.fake_inputs(11)
t0 = 1796000000.0
on = T.in_window
steps, out = {}, []
for i, r in enumerate(rows):
    f = r.split(",")
    s = round(float(f[0]) - t0) - 1  # the row at t0 + s + 1 holds the steps that ended in second s
    if f[1] == "step_time_ms":
        steps[s] = True
    jitter = 1 + 1e-4 * ((i * 7919) % 13)
    unscaled = on("loss_scale_not_undone", s, m.FAULTS)
    if f[1] == "train_loss":
        f[2] = "%.6g" % (1.97 * jitter * (1 - 0.1 * (s - 279) / 26 if unscaled else 1.0))
    elif f[1] == "grad_norm":
        f[2] = "%.6g" % (0.2 * jitter * (m.STRENGTH["loss_scale"] if unscaled else 1.0))
    out.append(",".join(f))


def busy(s):
    if on("eval", s, m.NORMAL_EVENTS):
        return 1.0
    if s not in steps:
        return 0.0
    return 0.05 if on("checkpoint_every_step", s, m.FAULTS) else 1.0
nvml = T.fake_nvml(t0, busy, lambda s: 618 if s >= 411 else 9000)
body = out + [",".join(r) for r in served] + nvml
body.sort(key=lambda r: float(r.split(",")[0]))
open(sys.argv[1], "w").write("timestamp,series,value,label,job,node,rank,Hostname,gpu\n" + "\n".join(body) + "\n")
json.dump(T.fake_meta(m, t0), open(sys.argv[2], "w"))
PY
"$VIGIL" detect --rules data/rules/gpu_training.rules --data "csv:$TMP/fake11.csv" >"$TMP/fake11.jsonl" 2>"$TMP/fake11.err"
"$PY" tests/lib/score_incidents.py "$TMP/fake11.json" "$TMP/fake11.jsonl" --grace 10 --warmup 60 >"$TMP/score11.txt"
sed 's/^/  plan 11 fake: /' "$TMP/score11.txt"
check "plan 11 fake: the every-step checkpoints caught by GpuUtilDrop, GpuPowerDrop and ThroughputDropGauge alone" 0 \
  '^checkpoint_every_step \[ +245, +270\) s after t0: 3 alert\(s\);(\+ [0-9.]+ s \(firing \+ [0-9.]+ s\) (GpuUtilDrop DCGM_FI_DEV_GPU_UTIL|GpuPowerDrop DCGM_FI_DEV_POWER_USAGE|ThroughputDropGauge tokens_per_s)\{[^}]*\};){3}$' \
  -- bash -c 'grep -A3 "^checkpoint_every_step" "$1" | sed "s/^ *//; s/  */ /g" | tr "\n" ";"' _ "$TMP/score11.txt"
check "plan 11 fake: each of the three rules once in checkpoint_every_step" 0 '^GpuPowerDrop;GpuUtilDrop;ThroughputDropGauge;$' \
  -- bash -c 'grep -A3 "^checkpoint_every_step" "$1" | tail -3 | grep -oE "(GpuUtilDrop|GpuPowerDrop|ThroughputDropGauge)" | sort | tr "\n" ";"' _ "$TMP/score11.txt"
check "plan 11 fake: the loss scale not undone caught by GradNormRise on tokens_per_s alone" 0 \
  '^loss_scale_not_undone \[ +280, +305\) s after t0: 1 alert\(s\);\+ [0-9.]+ s \(firing \+ [0-9.]+ s\) GradNormRise tokens_per_s\{[^}]*\};$' \
  -- bash -c 'grep -A1 "^loss_scale_not_undone" "$1" | sed "s/^ *//; s/  */ /g" | tr "\n" ";"' _ "$TMP/score11.txt"
check "plan 11 fake: no false alarm, nothing at the checkpoint, the eval, the loss scale, the marked job end" 0 \
  'false alarms .*: 0;checkpoint \[350\.0, 352\.5\) s: 0 alert\(s\);eval \[357\.0, 365\.0\) s: 0 alert\(s\);loss_scale_on \[375\.0, 375\.0\) s: 0 alert\(s\);job_end \[410\.0, 440\.0\) s: 0 alert\(s\);$' \
  -- bash -c 'grep -E "^false alarms" "$1" | tr "\n" ";"; for e in "checkpoint +\[350" "eval +\[357" "loss_scale_on +\[375" "job_end "; do grep -E "^    $e" "$1" | sed "s/^ *//; s/  */ /g" | tr "\n" ";"; done' _ "$TMP/score11.txt"
echo "gpu_telemetry_plan_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
