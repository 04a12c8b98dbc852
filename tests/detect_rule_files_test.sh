#!/usr/bin/env bash
# End to end: `vigil detect` over several rule files or a folder of them (issue 4's loose end 3).
# `vigil train-rules` writes one rule file per target into a folder; its rule names are unique
# across the folder. `vigil detect --rules` takes files and folders (a folder: its *.rules, in name
# order); a rule name defined in two files is refused, naming both file:lines (exit 2).
# Before: one file only ("--rules: At Most 1 required but received 2"; a folder: "no rules found").
# Usage: bash tests/detect_rule_files_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
source "$HERE/lib/step_time_csv.sh"
step_time_csv "$TMP/one.csv"
awk 'BEGIN { FS = OFS = "," } NR == 1 { print; next } { $2 = "T"; print; $2 = "T_value_low_and"; print }' \
  "$TMP/one.csv" >"$TMP/two.csv"
mkdir -p "$TMP/hand"
printf '# high\n\nrule high {\n  select T\n  when value > 150\n}\n' >"$TMP/hand/a.rules"
printf 'rule low {\n  select T\n  when value < 50\n}\n' >"$TMP/hand/b.rules"
printf 'rule other {\n  select T\n  when value > 1\n}\n\nrule high {\n  select T\n  when value > 1\n}\n' >"$TMP/dup.rules"

check "two files" 0 "vigil detect: 2 rule\(s\) from 2 files over 2 series" \
  -- "$VIGIL" detect --rules "$TMP/hand/a.rules" --rules "$TMP/hand/b.rules" --data "csv:$TMP/two.csv"
check "a folder" 0 "vigil detect: 2 rule\(s\) from 2 files over 2 series" \
  -- "$VIGIL" detect --rules "$TMP/hand" --data "csv:$TMP/two.csv"
check "one file, as before" 0 "vigil detect: 1 rule\(s\) over 2 series" \
  -- "$VIGIL" detect --rules "$TMP/hand/a.rules" --data "csv:$TMP/two.csv"
check "a name in two files" 2 "rule \`high\` is defined twice: $TMP/hand/a.rules:3 and $TMP/dup.rules:6" \
  -- "$VIGIL" detect --rules "$TMP/hand" --rules "$TMP/dup.rules" --data "csv:$TMP/two.csv"
mkdir -p "$TMP/empty"
check "a folder without rule files" 2 "--rules $TMP/empty: the folder holds no \*.rules file" \
  -- "$VIGIL" detect --rules "$TMP/empty" --data "csv:$TMP/two.csv"

# train-rules' folder, targets T and T_value_low_and (whose rule names collided before D's fix).
check "train-rules" 0 "trained 2 targets \(2 with rules" -- "$VIGIL" train-rules --data "csv:$TMP/two.csv" --out "$TMP/out"
check "detect over train-rules' folder" 0 "vigil detect: [0-9]+ rule\(s\) from 2 files over 2 series" \
  -- "$VIGIL" detect --rules "$TMP/out" --data "csv:$TMP/two.csv"

echo "detect_rule_files_test: $passed passed, $fail failed"
[ $fail -eq 0 ]
