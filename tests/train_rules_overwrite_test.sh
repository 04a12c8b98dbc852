#!/usr/bin/env bash
# `vigil train-rules --out DIR --overwrite` never removes or replaces a rule file that train-rules
# did not write (a hand-written one has no "# Trained by `vigil train-rules`" first line): such a
# folder is refused, with or without --overwrite, naming the files. Before (84d7b85), every
# *.rules file counted as "an earlier run's", and --overwrite deleted a hand-written
# data/rules/gpu_training.rules put in --out (exit 0). An earlier run's own files are still
# replaced and its stale targets removed with --overwrite (tests/train_rules_bad_input_test.sh).
# Also: `train-rules --help` states the exit statuses (1 when some targets failed, since 84d7b85).
# Usage: bash tests/train_rules_hand_rules_test.sh <build-dir>   (from the repo root)
set -uo pipefail
BUILD=${1:?build dir}
VIGIL="$(cd "$BUILD" && pwd)/bin/vigil"
HERE="$(cd "$(dirname "$0")" && pwd)"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
source "$HERE/lib/check.sh"
source "$HERE/lib/step_time_csv.sh"
step_time_csv "$TMP/one.csv"
T=(train-rules --data "csv:$TMP/one.csv")
HAND=data/rules/gpu_training.rules

# A folder holding a hand-written rule file: refused, --overwrite or not; the file is kept as it was.
mkdir -p "$TMP/hand"
cp "$HAND" "$TMP/hand/"
for flag in "" --overwrite; do
  # shellcheck disable=SC2086
  check "hand-written rules ${flag:-(no flag)}" 2 \
    "--out $TMP/hand holds rule files that train-rules did not write \(gpu_training.rules\)" \
    -- "$VIGIL" "${T[@]}" --out "$TMP/hand" $flag
  if cmp -s "$HAND" "$TMP/hand/gpu_training.rules"; then passed=$((passed + 1)); else
    echo "FAIL ${flag:-no flag}: the hand-written gpu_training.rules was removed or changed"; fail=$((fail + 1)); fi
done
[ -e "$TMP/hand/step_time_ms.rules" ] && { echo "FAIL a refused run wrote rules"; fail=$((fail + 1)); }

# An earlier run beside a hand-written file: still refused with --overwrite, both kept.
check "earlier run" 0 "trained 1 targets" -- "$VIGIL" "${T[@]}" --out "$TMP/mixed"
cp "$HAND" "$TMP/mixed/"
check "earlier run + hand-written, --overwrite" 2 "did not write \(gpu_training.rules\)" \
  -- "$VIGIL" "${T[@]}" --out "$TMP/mixed" --overwrite
[ -e "$TMP/mixed/gpu_training.rules" ] && [ -e "$TMP/mixed/step_time_ms.rules" ] && passed=$((passed + 1)) ||
  { echo "FAIL earlier run + hand-written: a file was removed"; fail=$((fail + 1)); }

# Where users look: --help says --overwrite and the exit statuses (1 when some targets failed).
help="$("$VIGIL" train-rules --help | tr -s ' \n' ' ')"
for want in "--overwrite" "Exit status: 0 every target trained" "1 the run failed, or some targets failed"; do
  if grep -qF -- "$want" <<<"$help"; then passed=$((passed + 1)); else
    echo "FAIL train-rules --help lacks: $want"; fail=$((fail + 1)); fi
done

echo "train_rules_hand_rules_test: $passed passed, $fail failed"
[ $fail -eq 0 ]
