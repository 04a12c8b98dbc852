#!/usr/bin/env bash
# End to end: `vigil rules check` / `vigil rules explain` take what `vigil detect --rules` takes:
# files and folders (a folder: its *.rules, in name order), and refuse what detect refuses (a folder
# without *.rules; a rule name defined in two files, naming both file:lines).
# Before (8427298): a folder read as an empty file, "DIR: no rules found", exit 2, while
# `vigil detect --rules DIR` ran it; two files defining the same rule name both "OK", exit 0,
# while detect refused them; `rules explain` took one file only.
# Usage: bash tests/rules_cli_folders_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
mkdir -p "$TMP/hand" "$TMP/empty"
printf '# high\n\nrule high {\n  select T\n  when value > 150\n}\n' >"$TMP/hand/a.rules"
printf 'rule low {\n  select T\n  when value < 50\n}\n' >"$TMP/hand/b.rules"
printf 'not rules\n' >"$TMP/hand/notes.txt"
printf 'rule other {\n  select T\n  when value > 1\n}\n\nrule high {\n  select T\n  when value > 1\n}\n' >"$TMP/dup.rules"

check "check a folder" 0 "$TMP/hand/a.rules: 1 rule\(s\) OK" -- "$VIGIL" rules check "$TMP/hand"
check "check a folder, its second file" 0 "$TMP/hand/b.rules: 1 rule\(s\) OK" -- "$VIGIL" rules check "$TMP/hand"
check "check a folder without rule files" 2 "$TMP/empty: the folder holds no \*.rules file" \
  -- "$VIGIL" rules check "$TMP/empty"
check "check a name in two files" 2 "rule \`high\` is defined twice: $TMP/hand/a.rules:3 and $TMP/dup.rules:6" \
  -- "$VIGIL" rules check "$TMP/hand" "$TMP/dup.rules"
check "check one file, as before" 0 "^$TMP/dup.rules: 2 rule\(s\) OK$" -- "$VIGIL" rules check "$TMP/dup.rules"
check "explain a folder" 0 "rule low" -- "$VIGIL" rules explain "$TMP/hand"
check "explain a folder, its second file" 0 "^rule low \($TMP/hand/b.rules:1\)$" -- "$VIGIL" rules explain "$TMP/hand"
check "explain two files" 0 "rule other" -- "$VIGIL" rules explain "$TMP/hand/b.rules" "$TMP/dup.rules"
check "explain a name in two files" 2 "rule \`high\` is defined twice" \
  -- "$VIGIL" rules explain "$TMP/hand" "$TMP/dup.rules"
check "explain a folder without rule files" 2 "the folder holds no \*.rules file" \
  -- "$VIGIL" rules explain "$TMP/empty"

echo "rules_cli_folders_test: $passed passed, $fail failed"
[ $fail -eq 0 ]
