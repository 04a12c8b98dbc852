#!/usr/bin/env bash
# End to end: `vigil detect` warns about a rule whose `select` picks no series of the data (a typo
# in a label key, a metric name, a label value), once per rule on stderr: rule, file:line, the
# selector, why, and the label keys the data has. Exit 0 while some rule selects series; exit 1
# when none does (nothing was checked). An `absent(...)` rule is meant to fire on an empty
# selection: no warning for it.
# Before: a typo `jobb=` gave exit 0, "0 alert(s)", no word.
# Usage: bash tests/detect_empty_select_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
DATA=csv:data/samples/training_telemetry.csv  # labels job, node, rank, gpu; Hostname on the DCGM series
printf 'rule KeyTypo {\n  select step_time_ms{jobb="llm-70b"}\n  when value > 1000\n}\n' >"$TMP/key.rules"
printf '# a\n\nrule NameTypo {\n  select step_tme_ms\n  when value > 1000\n}\n' >"$TMP/name.rules"
printf 'rule ValueTypo {\n  select step_time_ms{job="llm-7b", node=~"node-.*"}\n  when value > 1000\n}\n' \
  >"$TMP/value.rules"
printf 'rule Together {\n  select DCGM_FI_DEV_GPU_TEMP{rank="1"}\n  when value > 1000\n}\n' >"$TMP/together.rules"
printf 'rule Fine {\n  select step_time_ms{job="llm-70b"}\n  when value > 100000\n}\n' >"$TMP/fine.rules"
printf 'rule Gone {\n  select nothing_here\n  when absent(5m)\n}\n' >"$TMP/absent.rules"

check "a label key typo: exit 0" 0 \
  "vigil detect: warning: rule \`KeyTypo\` \($TMP/key.rules:1\) selects no series: \`step_time_ms\{jobb=\"llm-70b\"\}\`: no series has label \`jobb\`; labels seen: Hostname, gpu, job, node, rank" \
  -- "$VIGIL" detect --rules "$TMP/key.rules" --rules "$TMP/fine.rules" --data "$DATA"
check "a metric name typo" 0 \
  "rule \`NameTypo\` \($TMP/name.rules:3\) selects no series: \`step_tme_ms\`: no series is named \`step_tme_ms\` \(names seen: .*step_time_ms" \
  -- "$VIGIL" detect --rules "$TMP/name.rules" --rules "$TMP/fine.rules" --data "$DATA"
check "a label value typo" 0 \
  "rule \`ValueTypo\` .* no series has job=\"llm-7b\" \(values of \`job\` seen: dcgm-exporter, llm-70b\); labels seen" \
  -- "$VIGIL" detect --rules "$TMP/value.rules" --rules "$TMP/fine.rules" --data "$DATA"
check "each part matches, not together" 0 \
  "rule \`Together\` .* selects no series: \`DCGM_FI_DEV_GPU_TEMP\{rank=\"1\"\}\`: no series matches all of it together" \
  -- "$VIGIL" detect --rules "$TMP/together.rules" --rules "$TMP/fine.rules" --data "$DATA"
check "the summary still comes" 0 "vigil detect: 2 rule\(s\) from 2 files over 115 series" \
  -- "$VIGIL" detect --rules "$TMP/key.rules" --rules "$TMP/fine.rules" --data "$DATA"
out=$("$VIGIL" detect --rules "$TMP/key.rules" --rules "$TMP/name.rules" --rules "$TMP/fine.rules" --data "$DATA" 2>&1)
check "once per rule" 0 "^2$" -- bash -c "grep -c 'selects no series' <<<\"\$1\"" _ "$out"
check "no rule selects anything: exit 1" 1 \
  "vigil detect: no rule selects any series of the data \(2 rules, warnings above\); nothing was checked" \
  -- "$VIGIL" detect --rules "$TMP/key.rules" --rules "$TMP/name.rules" --data "$DATA"
check "the bundled rules: the summary" 0 "^vigil detect: 23 rule\(s\) over 115 series" \
  -- bash -c "\"\$1\" detect --rules data/rules/gpu_training.rules --data $DATA 2>&1 >/dev/null | grep -v warning" _ "$VIGIL"
# The sample carries dcgm-exporter 3.x's DCGM_FI_DEV_CLOCK_THROTTLE_REASONS (since 2026-12-04, REV3;
# before, neither name: the four clock-event rules were warned about in scripts/run detect's first
# output). The ...Dcgm4 pair on 4.x's name (SM2) selects nothing and is a note saying why that is
# expected, not a warning; no bundled rule is warned about.
check "the bundled rules: no rule warned about" 1 "" \
  -- bash -c "\"\$1\" detect --rules data/rules/gpu_training.rules --data $DATA 2>&1 >/dev/null | grep warning" _ "$VIGIL"
check "the bundled rules: the DCGM 4 pair is a note naming the 3.x name and its rule" 0 \
  "^vigil detect: note: rule \`GpuThermalSlowdownDcgm4\` \(data/rules/gpu_training.rules:[0-9]+\) selects no series: \`DCGM_FI_DEV_CLOCKS_EVENT_REASONS\` is another exporter version's name of the field this input carries as \`DCGM_FI_DEV_CLOCK_THROTTLE_REASONS\`, which rule \`GpuThermalSlowdown\` reads; expected \(an exporter exports one of the two names\)" \
  -- bash -c "\"\$1\" detect --rules data/rules/gpu_training.rules --data $DATA 2>&1 >/dev/null" _ "$VIGIL"
check "the bundled rules: notes for the DCGM 4 pair only" 0 "^GpuPowerSlowdownDcgm4 GpuThermalSlowdownDcgm4 $" \
  -- bash -c "\"\$1\" detect --rules data/rules/gpu_training.rules --data $DATA 2>&1 >/dev/null | grep -o 'rule \`[A-Za-z0-9_]*\` .* selects no series' | cut -d'\`' -f2 | sort | tr '\n' ' '" _ "$VIGIL"
# The DCGM 4 rule alone (its 3.x twin not in the run): nothing reads the field, so it is the warning.
grep -A8 '^rule GpuThermalSlowdownDcgm4 ' data/rules/gpu_training.rules | sed '/^}/q' >"$TMP/dcgm4.rules"
check "a DCGM 4 rule without its twin: still the warning" 0 \
  "vigil detect: warning: rule \`GpuThermalSlowdownDcgm4\` .* no series is named \`DCGM_FI_DEV_CLOCKS_EVENT_REASONS\`" \
  -- "$VIGIL" detect --rules "$TMP/dcgm4.rules" --rules "$TMP/fine.rules" --data "$DATA"
check "an absent rule on nothing: no warning" 0 "^vigil detect: 2 rule\(s\) from 2 files" \
  -- bash -c "\"\$1\" detect --rules $TMP/absent.rules --rules $TMP/fine.rules --data $DATA 2>&1 >/dev/null | grep -v 'selects no series'" _ "$VIGIL"
out=$("$VIGIL" detect --rules "$TMP/absent.rules" --rules "$TMP/fine.rules" --data "$DATA" 2>&1)
check "an absent rule on nothing: not named" 1 "" -- grep -q "Gone.*selects no series" <<<"$out"
# A train-rules folder run on one series' data: many rules select nothing; 10 are named, then one
# line with the count (before: one line for each of them).
for i in $(seq 1 12); do printf 'rule Other%02d {\n  select other_metric_%d\n  when value > 1\n}\n' "$i" "$i"; done \
  >"$TMP/many.rules"
out=$("$VIGIL" detect --rules "$TMP/many.rules" --rules "$TMP/fine.rules" --data "$DATA" 2>&1)
check "many: 10 named" 0 "^10$" -- bash -c "grep -c 'rule .Other.* selects no series' <<<\"\$1\"" _ "$out"
check "many: then the count" 0 "vigil detect: warning: 2 more rule\(s\) select no series \(12 of 13 in all\)" \
  -- echo "$out"

# A mangled file whose series column holds a 1 MB name (a line that lost its newlines): the
# warnings quote each name seen cut to 60 bytes (2026-12-02, DOG; before, each of the 10 rules'
# warnings quoted it whole: a 50 MB name gave 500 MB on stderr).
python3 -c "print('timestamp,series,value'); print('1,step_time_ms_' + 'x' * 1000000 + ',1')" >"$TMP/long.csv"
"$VIGIL" detect --rules data/rules/gpu_training.rules --data "csv:$TMP/long.csv" >"$TMP/long.out" 2>&1
check "a 1 MB series name: quoted cut" 0 "names seen: step_time_ms_x{47}\.\.\. \(1000013 bytes\)\)" \
  -- head -c 100000 "$TMP/long.out"
check "a 1 MB series name: stderr stays short" 0 "^[0-9]{1,4}$" -- wc -c <"$TMP/long.out"

echo "detect_empty_select_test: $passed passed, $fail failed"
[ $fail -eq 0 ]
