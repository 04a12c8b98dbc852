#!/usr/bin/env bash
# End-to-end: `vigil rules check` / `vigil rules explain` on good and broken rule files.
set -u
BUILD="${1:-build}"
VIGIL="$BUILD/bin/vigil"
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/lib/check.sh"

check "bundled rules valid" 0 'gpu_training.rules: 23 rule\(s\) OK' -- "$VIGIL" rules check data/rules/gpu_training.rules
check "explain in words" 0 'quantile of compute_ms across the selected series with the same exported_job, job' \
  -- "$VIGIL" rules explain data/rules/gpu_training.rules
check "explain for" 0 'must hold for 2m before firing' -- "$VIGIL" rules explain data/rules/gpu_training.rules

printf 'rule R {\n  select x\n  when meen(x, 10p) > 3\n}\n' > "$TMP/typo.rules"
check "unknown function hint" 2 'typo.rules:3:8: unknown function `meen`, did you mean `mean`\?' \
  -- "$VIGIL" rules check "$TMP/typo.rules"
check "caret line" 2 '^         \^~~~~~~~~~~~$' -- "$VIGIL" rules check "$TMP/typo.rules"

printf 'rule R {\n  select x\n  when mean(x, 5p)\n}\nrule S {\n  select x\n  when x > 1 and zscore(x, 9999999p) > 3\n}\n' \
  > "$TMP/two.rules"
check "type error" 2 'two.rules:3:8: the `when` clause needs a condition' -- "$VIGIL" rules check "$TMP/two.rules"
check "window limit" 2 'two.rules:7:28: window 9999999p is larger than the limit of 100000 points' \
  -- "$VIGIL" rules check "$TMP/two.rules"

printf 'rule R {\n  select x\n' > "$TMP/open.rules"
# At the rule's `{`, its line quoted (2026-12-03; was open.rules:3:1, the end of the file, no line quoted).
check "unclosed rule" 2 'open.rules:1:8: rule `R` is not closed: expected `\}` to close this `\{` before the end of the file \(line 3\)' \
  -- "$VIGIL" rules check "$TMP/open.rules"
check "unclosed rule: line quoted" 2 '^  rule R \{$' -- "$VIGIL" rules check "$TMP/open.rules"
printf '\x01\xff garbage' > "$TMP/bin.rules"
check "binary garbage" 2 'bin.rules:1:1: unexpected control character 0x01' -- "$VIGIL" rules check "$TMP/bin.rules"
# Pasted from a document, saved by Notepad, saved as Latin-1 (2026-12-02, DOG: the first failed with
# "unexpected character" and half a UTF-8 character, the second at 1:1 the same way, the third
# passed and then stopped `vigil detect` with "internal error: ... invalid UTF-8 byte").
printf 'rule R {\n  select x{job=~\xe2\x80\x9c.+\xe2\x80\x9d}\n  when x > 1\n}\n' > "$TMP/curly.rules"
check "typographic quote" 2 'curly.rules:2:17: unexpected character `“` \(U\+201C\): a typographic quote' \
  -- "$VIGIL" rules check "$TMP/curly.rules"
{ printf '\xef\xbb\xbf'; cat data/rules/gpu_training.rules; } > "$TMP/bom.rules"
check "byte order mark" 0 'bom.rules: 23 rule\(s\) OK' -- "$VIGIL" rules check "$TMP/bom.rules"
printf 'rule R {\n  select x\n  when x > 1\n  labels { team = "caf\xe9" }\n}\n' > "$TMP/latin1.rules"
check "Latin-1 string" 2 'latin1.rules:4:19: string holds byte 0xE9, which is not UTF-8 text' \
  -- "$VIGIL" rules check "$TMP/latin1.rules"
: > "$TMP/empty.rules"
check "empty file" 2 'no rules found' -- "$VIGIL" rules check "$TMP/empty.rules"
check "missing file" 2 'nope.rules' -- "$VIGIL" rules check "$TMP/nope.rules"
check "one bad of two files" 2 'gpu_training.rules: 23 rule\(s\) OK' \
  -- "$VIGIL" rules check data/rules/gpu_training.rules "$TMP/typo.rules"
check "explain broken file" 2 'unknown function `meen`' -- "$VIGIL" rules explain "$TMP/typo.rules"
check "no subcommand" 2 'A subcommand is required|subcommand' -- "$VIGIL" rules

# The examples in docs/rules.md compile.
awk '/^```$/{n++; next} n==1' docs/rules.md > "$TMP/doc_first.rules"
check "docs first example" 0 '1 rule\(s\) OK' -- "$VIGIL" rules check "$TMP/doc_first.rules"
awk '/^## Examples/{f=1} f&&/^```$/{b=!b;next} f&&b' docs/rules.md > "$TMP/doc_examples.rules"
check "docs examples" 0 '[12][0-9] rule\(s\) OK' -- "$VIGIL" rules check "$TMP/doc_examples.rules"
# The docs' error-counter examples on DCGM's series (DET, 2026-12-04): a GPU's uncorrectable ECC
# count rose while its exporter was down for 19 minutes (a double-bit error takes the GPU and the
# exporter with it), and an NVLink CRC count that climbs. Before, the ECC example's
# `rate(x, 10m) > 0` had no two points in its window across the gap and never fired, and the NVLink
# example selected `DCGM_FI_PROF_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL`, a field DCGM does not have
# (its name is DCGM_FI_DEV_...): no series, no alert.
{
  echo "timestamp,series,value,gpu"
  for m in $(seq 0 59); do
    t=$((1795161600 + m * 60))
    if [ "$m" -lt 11 ] || [ "$m" -ge 30 ]; then echo "$t,DCGM_FI_DEV_ECC_DBE_VOL_TOTAL,$([ "$m" -lt 30 ] && echo 0 || echo 2),0"; fi
    echo "$t,DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL,$((1000 + (m > 20 ? (m - 20) * 600 : 0))),0"
  done
} >"$TMP/counters.csv"
check "docs ECC example: an increase across an exporter gap" 0 '"rule":"EccDoubleBit".*"starts_at_ms":1795163400000' \
  -- "$VIGIL" detect --rules "$TMP/doc_examples.rules" --data "csv:$TMP/counters.csv"
check "docs NVLink example: DCGM's field name" 0 '"rule":"NvlinkCrc"' \
  -- "$VIGIL" detect --rules "$TMP/doc_examples.rules" --data "csv:$TMP/counters.csv"

echo "rules_cli_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
