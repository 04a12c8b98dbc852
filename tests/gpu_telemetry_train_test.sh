#!/usr/bin/env bash
# Trained rules on REAL telemetry (data/gpu_telemetry/h200_ddp_incidents.csv and _run2.csv: a 2-GPU
# H200 DDP job with four incidents planted at times fixed before each run; the folder's README,
# "Trained rules on this data"), for each run on its own:
#  1. `vigil train-rules` (defaults) on the incident-free history (the rows before normal_end)
#     exits 0 and writes rules for all 21 series, GPU memory used included (constant over the
#     history: builtin proposer, a constant value gets `value > C` / `value < C`);
#  2. `vigil detect` with them over the whole file exits 0;
#  3. each incident (input stall, straggler, memory leak, loss spike) gets an alert inside its
#     window on one of its expected series in its expected scope (the leak: GPU 0's memory used);
#  4. the false alarms after normal_end (outside the incidents + 10 s, the partial last second
#     apart) are printed with what thresholds at the training extreme give on exchangeable data,
#     and must stay within that count's Poisson 99.9% quantile: more means the rules fire inside
#     the range they were fitted on (checked: thresholds moved 0.1% into it give far more);
#  5. the same over all runs pooled (their false alarms against the quantile of the summed
#     expectation): one run alone has little power. Checked (review RV-GC, a binary whose
#     unlabeled thresholds sit at the SECOND training extreme, twice the per-point rate): run 1
#     48 > bound 46 fails, run 2 48 <= 49 passes, pooled 96 > 83 fails; today 26, 31, pooled 57 (bound 83);
#     with run 3 (2026-12-04): 26, 31, 15 (expected 8.5, bound 19), pooled 72 (expected 66.2, bound 93).
# Usage: bash tests/gpu_telemetry_train_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
SCORE="$HERE/lib/gpu_telemetry_train_score.py"

# Run 1 and run 2 (record_incidents.py --plan 1 / 2: other times and strengths), each on its own;
# run 3 (--plan 3: one H200, 12 series, other incidents, checkpoints and evals; added 2026-12-04,
# DET3, after its blind scoring: 4 of 5 caught, 15 false alarms against 8.5 expected). Its
# nan_loss (6 s of inf loss, read as missing points) is printed, not required: no rule sees a
# missing point.
for run in h200_ddp_incidents h200_ddp_incidents_run2 h200_single_incidents_run3; do
  case $run in
    h200_single_incidents_run3) targets=12 mem_file=DCGM_FI_DEV_FB_USED.rules mem_value=8995.88
      incidents="hang noisy_neighbour crash_restart loader_drift" ;;
    *) targets=21 mem_file=DCGM_FI_DEV_FB_USED_Hostname_node_0_gpu_0.rules mem_value=9789.94
      incidents="input_stall straggler memory_leak loss_spike" ;;
  esac
  DATA="$HERE/../data/gpu_telemetry/$run"
  W="$TMP/$run"
  mkdir -p "$W"
  # The history: the header and every row before normal_end.
  /usr/bin/python3 - "$DATA.json" "$DATA.csv" "$W/history.csv" <<'PY'
import json, sys
ne = json.load(open(sys.argv[1]))["normal_end"]
with open(sys.argv[2]) as src, open(sys.argv[3], "w") as out:
    out.write(next(src))
    for line in src:
        if float(line.split(",", 1)[0]) < ne:
            out.write(line)
PY

  check "$run: train-rules on the history" 0 "trained $targets targets \($targets with rules, 0 failed\)" \
    -- "$VIGIL" train-rules --data "csv:$W/history.csv" --out "$W/rules"
  check "$run: GPU 0 memory used gets the constant's level rules" 0 "when value > $mem_value" \
    -- cat "$W/rules/$mem_file"
  check "$run: detect over the whole file" 0 "rule\(s\) from $targets files over $targets series" \
    -- sh -c "'$VIGIL' detect --rules '$W/rules' --data 'csv:$DATA.csv' 2>&1 >'$W/alerts.jsonl'"

  out="$(/usr/bin/python3 "$SCORE" "$DATA.json" "$DATA.csv" "$W/rules" "$W/alerts.jsonl" 2>&1)"
  echo "$run:"; echo "$out"
  for incident in $incidents; do
    if grep -q "^incident $incident caught" <<<"$out"; then passed=$((passed + 1)); else
      bad "$run: $incident: no alert inside its window on an expected series"; fi
  done
  read -r fa expected bound < <(sed -n 's/^false_alarms \([0-9]*\) .* expected \([0-9.]*\) bound \([0-9]*\) .*/\1 \2 \3/p' <<<"$out")
  if [ -n "${fa:-}" ] && [ "$fa" -le "$bound" ]; then passed=$((passed + 1)); else
    bad "$run: false alarms ${fa:-?} above the bound ${bound:-?} of thresholds at the training extreme"; fi
  all_fa="${all_fa:-} ${fa:-x}"; all_expected="${all_expected:-} ${expected:-x}"
done

# All runs pooled: the sum of their false alarms against the 99.9% quantile of Poisson(sum of E).
pooled="$(/usr/bin/python3 - "$SCORE" "$all_fa" "$all_expected" <<'PY'
import importlib.util, sys
spec = importlib.util.spec_from_file_location("score", sys.argv[1])
score = importlib.util.module_from_spec(spec)
spec.loader.exec_module(score)
fa, expected = sum(int(x) for x in sys.argv[2].split()), sum(float(x) for x in sys.argv[3].split())
print(fa, "%.1f" % expected, score.poisson_quantile(expected, 0.999))
PY
)" || pooled=""
read -r pfa pexp pbound <<<"$pooled"
echo "all runs: false_alarms ${pfa:-?} expected ${pexp:-?} bound ${pbound:-?}"
if [ -n "${pfa:-}" ] && [ "$pfa" -le "$pbound" ]; then passed=$((passed + 1)); else
  bad "all runs: false alarms ${pfa:-?} above the pooled bound ${pbound:-?}"; fi

echo "gpu_telemetry_train: $passed passed, $fail failed"
[ "$fail" -eq 0 ]
