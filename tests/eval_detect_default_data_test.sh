#!/usr/bin/env bash
# End to end: `vigil eval detect` without --data finds its dataset from any working folder: the
# default ../shared/datasets/<dataset> is looked up in the working folder, then beside the source
# tree the binary was built from (as the iforest script since 3229e8f).
# Before: outside the repo "cannot open ../shared/datasets/nab/labels/combined_windows.json", exit 1.
# Usage: bash tests/eval_detect_default_data_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
ARGS=(eval detect --dataset nab --detectors mad-band --no-plots --filter art_daily_jumpsup)

check "from the repo root, as before" 0 "" -- "$VIGIL" "${ARGS[@]}" --out "$TMP/in"
check "from outside the repo" 0 "" -- bash -c 'cd "$1" && shift && "$@"' _ "$TMP" "$VIGIL" "${ARGS[@]}" --out "$TMP/out"
check "the same report" 0 "" -- cmp <(grep -v wall_s "$TMP/in/report.json") <(grep -v wall_s "$TMP/out/report.json")
check "a --data that is missing is still an error" 1 "nope" \
  -- bash -c 'cd "$1" && shift && "$@"' _ "$TMP" "$VIGIL" "${ARGS[@]}" --data "$TMP/nope" --out "$TMP/o3"

echo "eval_detect_default_data_test: $passed passed, $fail failed"
[ $fail -eq 0 ]
