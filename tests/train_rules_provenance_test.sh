#!/usr/bin/env bash
# End to end: what `vigil train-rules` writes about the data and the review is true (issue 4 walk).
#  1. --filter / --max-series / --max-points are named in every rule file's `# data:` line and in
#     training.json (`data_subset`); without them the data line is the spec alone, as before.
#     Before: `# data: csv:…` as if the whole set was read.
#  2. The split line names the unlabeled flatline threshold and review order for unlabeled targets
#     only. Before: also on labeled targets, whose rules neither choice touched.
#     A labeled target with no anomaly in its training part is fit the unlabeled way (no label to
#     fit a threshold on: the flatline cap applies, training/builtin_proposer.h), so its split line
#     names them too. Before (review RV-final): it did not, as if its rules were label-fitted.
#  3. An unlabeled target's header says what its review measured (points flagged by the kept rules
#     in training and in the validation tail, of how many), not "objective F1 0.000, point F1 0.000".
#  4. A labeled target with no anomaly in its validation tail: F1 n/a there, null in training.json.
# Usage: bash tests/train_rules_provenance_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
source "$HERE/lib/step_time_csv.sh"
step_time_csv "$TMP/one.csv"
awk 'BEGIN { FS = OFS = "," } NR == 1 { print; next } { $2 = "T"; print; $2 = "U"; print }' "$TMP/one.csv" >"$TMP/two.csv"
cut -d, -f1-3 "$TMP/one.csv" >"$TMP/unlabeled.csv"

# 1. The data read, when not all of it.
check "subset run" 0 "trained 1 targets" -- "$VIGIL" train-rules --data "csv:$TMP/two.csv" --filter U \
  --max-series 1 --max-points 700 --out "$TMP/sub"
check "subset data line" 0 \
  "^# data: csv:$TMP/two.csv, not all of it: series whose name contains \`U\` \(--filter U\); the first 1 series in the reader's order \(--max-series 1\); the first 700 points of each series \(--max-points 700\)$" \
  -- cat "$TMP/sub/U.rules"
check "subset in training.json" 0 '^\{"filter": "U", "max_points": 700, "max_series": 1\}$' \
  -- /usr/bin/python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["data_subset"], sort_keys=True))' \
  "$TMP/sub/training.json"
check "whole run" 0 "trained 2 targets" -- "$VIGIL" train-rules --data "csv:$TMP/two.csv" --out "$TMP/whole"
check "whole data line" 0 "^# data: csv:$TMP/two.csv$" -- cat "$TMP/whole/T.rules"
check "whole in training.json" 0 '^None$' \
  -- /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["data_subset"])' "$TMP/whole/training.json"

# 2. and 3. Labeled and unlabeled targets.
check "labeled split line: no unlabeled choices" 1 "" -- grep -q "^# split: .*unlabeled" "$TMP/whole/T.rules"
check "labeled header: F1s" 0 "^# train: objective F1 [0-9.]+, point F1" -- cat "$TMP/whole/T.rules"
check "labeled training.json split" 1 "" -- grep -q '"split": ".*unlabeled' "$TMP/whole/training.json"
check "unlabeled run" 0 "trained 1 targets \(1 with rules" -- "$VIGIL" train-rules --data "csv:$TMP/unlabeled.csv" --out "$TMP/unl"
check "unlabeled split line" 0 "^# split: .*; unlabeled flatline frozen; unlabeled review order sensitivity" \
  -- cat "$TMP/unl/step_time_ms.rules"
check "unlabeled header: no F1" 1 "" -- grep -q "objective F1" "$TMP/unl/step_time_ms.rules"
check "unlabeled header: the review's measure" 0 \
  "^# train: [0-9]+ of 600 points flagged; validation: [0-9]+ of 200 points flagged, flag rate [0-9.]+ \(no labels, so no F1\)$" \
  -- cat "$TMP/unl/step_time_ms.rules"
check "unlabeled training.json names the choices" 0 '"unlabeled": "unlabeled flatline frozen; unlabeled review order sensitivity' \
  -- cat "$TMP/unl/training.json"

awk 'BEGIN { FS = OFS = "," } NR > 1 { $4 = 0 } { print }' "$TMP/one.csv" >"$TMP/quiet.csv"
check "labeled, no training anomaly: run" 0 "trained 1 targets \(1 with rules" \
  -- "$VIGIL" train-rules --data "csv:$TMP/quiet.csv" --out "$TMP/quiet"
check "labeled, no training anomaly: split line names the unlabeled choices its fit used" 0 \
  "^# split: .*; unlabeled flatline frozen; unlabeled review order sensitivity" -- cat "$TMP/quiet/step_time_ms.rules"
check "labeled, no training anomaly: training.json names them" 0 '"unlabeled": "unlabeled flatline frozen' \
  -- cat "$TMP/quiet/training.json"

# 4. A labeled target whose anomalies are all in the training part: F1 is undefined on the
#    validation tail (the last 200 points). Before (OPS3, 2026-12-03): "validation: objective F1
#    0.000, point F1 0.000" and 0 in training.json, read as a failed rule.
awk 'BEGIN { FS = OFS = "," } NR > 601 { $4 = 0 } { print }' "$TMP/one.csv" >"$TMP/early.csv"
check "labeled, no validation anomaly: run" 0 "trained 1 targets \(1 with rules" \
  -- "$VIGIL" train-rules --data "csv:$TMP/early.csv" --out "$TMP/early"
check "labeled, no validation anomaly: header says n/a" 0 \
  "^# train: objective F1 [0-9.]+, point F1 [0-9.]+; validation: objective F1 n/a \(no labeled anomaly in the validation part\), flag rate [0-9.]+$" \
  -- cat "$TMP/early/step_time_ms.rules"
check "labeled, no validation anomaly: training.json null" 0 '^None [0-9.]+$' \
  -- /usr/bin/python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["targets"][0]; print(t["validation"]["objective_f1"], t["train"]["objective_f1"])' \
  "$TMP/early/training.json"

echo "train_rules_provenance_test: $passed passed, $fail failed"
[ $fail -eq 0 ]
