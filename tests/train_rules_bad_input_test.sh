#!/usr/bin/env bash
# End to end: `vigil train-rules` given bad options, a bad --out folder, or an LLM budget that runs
# out part-way (issue 4's rule: a clear error naming what and where; nothing already accepted lost).
#  1. numeric options out of range are refused before any data is read (exit 2, nothing written):
#     before, --validation nan trained, --top-k 0 / --max-candidates 0 were taken silently,
#     --max-series -1 / --max-points -1 wrapped to "all", --base-window 0 crashed (SIGSEGV) and
#     --base-window -3 was "internal error: vector::reserve";
#  2. --out that is a file is refused before training (before: the whole run trained, then failed);
#     an --out holding an earlier run's rule files is refused unless --overwrite (before: the new
#     files were written beside the old ones, a stale other target's rules left in the folder);
#     --overwrite replaces them and removes the earlier run's rule files this run did not write;
#  3. --proposer llm with a token budget spent after the first target: the first target's rule
#     file is written, the cut-off is named, and the exit status is 1 (before: 0);
#  4.-6. target names, mixed labels, an empty validation tail; 7. `vigil eval detect`'s numeric
#     options (P2, each part says what it was before); 8. series with too little history.
# Usage: bash tests/train_rules_bad_input_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
source "$HERE/lib/step_time_csv.sh"
source "$HERE/lib/fake_llm.sh"
stop_fake_llm_at_exit

step_time_csv "$TMP/one.csv"
# Two labeled series: step_time_ms and its copy `other`.
awk 'BEGIN { FS = OFS = "," } NR == 1 { print; next } { print; $2 = "other"; print }' "$TMP/one.csv" >"$TMP/two.csv"
T=(train-rules --data "csv:$TMP/one.csv")

# 1. Numbers out of range: exit 2 naming the flag, nothing written.
n=0
while IFS='|' read -r args pattern; do
  n=$((n + 1))
  # shellcheck disable=SC2086
  check "range: $args" 2 "$pattern" -- "$VIGIL" "${T[@]}" --out "$TMP/r$n" $args
  [ -e "$TMP/r$n" ] && bad "range: $args wrote $TMP/r$n"
done <<'CASES'
--validation nan|--validation must be a fraction in \(0, 1\), got nan
--validation 0|--validation must be a fraction in \(0, 1\), got 0
--validation 1|--validation must be a fraction in \(0, 1\), got 1
--validation -0.5|--validation must be a fraction in \(0, 1\), got -0.5
--top-k 0|--top-k must be at least 1, got 0
--top-k -1|--top-k must be at least 1, got -1
--max-candidates 0|--max-candidates must be at least 1, got 0
--delay-k -1|--delay-k must be at least 0, got -1
--max-series -1|--max-series.*-1
--max-points -1|--max-points.*-1
--mode aggregate --base mad-band --base-window 0|--base-window.*0
--mode aggregate --base mad-band --base-window -3|--base-window.*-3
CASES

# 2. --out: a file, refused before training (no progress line); earlier rule files kept.
touch "$TMP/afile"
check "out is a file" 2 "--out $TMP/afile is not a folder" -- "$VIGIL" "${T[@]}" --out "$TMP/afile"
out="$("$VIGIL" "${T[@]}" --out "$TMP/afile" 2>&1)"
grep -q "train-rules: target" <<<"$out" && bad "--out a file: trained before refusing: $out"
check "out under a file" 2 "--out $TMP/afile/sub: cannot be made: $TMP/afile is not a folder" -- "$VIGIL" "${T[@]}" --out "$TMP/afile/sub"

check "first run, two targets" 0 "trained 2 targets \(2 with rules" -- "$VIGIL" train-rules --data "csv:$TMP/two.csv" \
  --out "$TMP/old"
cp "$TMP/old/other.rules" "$TMP/other.before"
check "earlier rules refused" 2 "--out $TMP/old holds the rule files of an earlier run \(other.rules, step_time_ms.rules, training.json\).*--overwrite" \
  -- "$VIGIL" "${T[@]}" --out "$TMP/old"
cmp -s "$TMP/old/other.rules" "$TMP/other.before" || bad "a refused run changed other.rules"
check "--overwrite" 0 "trained 1 targets \(1 with rules" -- "$VIGIL" "${T[@]}" --out "$TMP/old" --overwrite
[ -e "$TMP/old/other.rules" ] && bad "--overwrite left the earlier run's other.rules"
[ -s "$TMP/old/step_time_ms.rules" ] || bad "--overwrite: no step_time_ms.rules"
grep -q '"target": "other"' "$TMP/old/training.json" && bad "--overwrite: training.json still lists other"
echo "keep me" >"$TMP/old/notes.txt"
check "--overwrite again" 0 "trained 1 targets" -- "$VIGIL" "${T[@]}" --out "$TMP/old" --overwrite
[ -e "$TMP/old/notes.txt" ] || bad "--overwrite removed a file that is not a rule file"
check "empty folder is fine" 0 "trained 1 targets" -- bash -c "mkdir -p '$TMP/empty' && '$VIGIL' ${T[*]} --out '$TMP/empty'"

# 3. LLM token budget spent after the first target (4 calls of 1100 tokens each, budget 4400).
good='rule spike {\n  select step_time_ms\n  when value > median(lag(value, 1), 60p) + 30\n}'
answer="$(printf '{"rules": "%s", "rationale": "spikes"}' "$good" | /usr/bin/python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')"
echo "[$answer, $answer, $answer, $answer, $answer, $answer, $answer, $answer]" >"$TMP/script.json"
start_fake_llm
out="$(cd "$TMP" && env VIGIL_LLM_URL="http://127.0.0.1:$PORT/v1" VIGIL_LLM_MAX_RETRIES=0 VIGIL_LLM_TOKEN_BUDGET=4400 \
  VIGIL_DATA_DIR="$TMP/var" "$VIGIL" train-rules --data "csv:$TMP/two.csv" --out "$TMP/llm" --proposer llm \
  --objective point 2>&1)"
rc=$?
[ $rc -eq 1 ] && passed=$((passed + 1)) || bad "budget cut: exit $rc, want 1: $out"
grep -q "other: .*LLM token budget spent" <<<"$out" && passed=$((passed + 1)) || bad "budget cut not named: $out"
grep -q "1 of 2 targets failed" <<<"$out" && passed=$((passed + 1)) || bad "no failed-targets summary: $out"
[ -s "$TMP/llm/step_time_ms.rules" ] && passed=$((passed + 1)) || bad "the first target's rules were not written"
grep -q 'token budget spent' "$TMP/llm/training.json" && passed=$((passed + 1)) || bad "training.json lacks the cut-off"

# 4. Target names: cpu-1, cpu_1 and cpu.1 all sanitised to cpu_1.rules (one file left of three, rule
#    names colliding, exit 0); a 300-character name was "File name too long" after training (exit 1,
#    no training.json). Now one file per target, named in training.json, each compiling.
awk 'BEGIN { FS = OFS = "," } NR == 1 { print; next } { $2 = "cpu-1"; print; $2 = "cpu_1"; print; $2 = "cpu.1"; print }' \
  "$TMP/one.csv" >"$TMP/collide.csv"
check "colliding names" 0 "trained 3 targets \(3 with rules" -- "$VIGIL" train-rules --data "csv:$TMP/collide.csv" --out "$TMP/collide"
"$VIGIL" train-rules --data "csv:$TMP/collide.csv" --out "$TMP/collide2" >/dev/null 2>"$TMP/collide.err"
n=$(ls "$TMP/collide"/*.rules 2>/dev/null | wc -l)
[ "$n" -eq 3 ] && passed=$((passed + 1)) || bad "colliding names: $n rule files, want 3"
cat "$TMP/collide"/*.rules >"$TMP/collide.all"
check "colliding names: rules compile together" 0 "" -- "$VIGIL" rules check "$TMP/collide.all"
for t in cpu-1 cpu_1 cpu.1; do
  f=$(/usr/bin/python3 -c 'import json,sys; print([x["rule_file"] for x in json.load(open(sys.argv[1]))["targets"] if x["target"] == sys.argv[2]][0])' \
    "$TMP/collide/training.json" "$t" 2>/dev/null)
  grep -q "^# target: $t " "$TMP/collide/$f" 2>/dev/null && passed=$((passed + 1)) || bad "training.json's rule_file for $t: '$f'"
done
# The rule language cannot select `cpu-1` or `cpu.1` exactly (no labels, not identifiers): `select *`
# would run on all three series; said on stderr and in the rule file (before: silently).
grep -q 'train-rules: warning: cpu-1: selector `\*` also selects 2 other series of the data (cpu_1, cpu.1)' "$TMP/collide.err" &&
  passed=$((passed + 1)) || bad "colliding names: no selector warning on stderr: $(cat "$TMP/collide.err")"
grep -q '^# warning: selector `\*` also selects 2 other series' "$TMP/collide"/cpu_1_*.rules &&
  passed=$((passed + 1)) || bad "colliding names: no selector warning in the rule files"
long=$(printf 'x%.0s' $(seq 300))
awk -v n="$long" 'BEGIN { FS = OFS = "," } NR == 1 { print; next } { $2 = n; print }' "$TMP/one.csv" >"$TMP/long.csv"
check "300-character name" 0 "trained 1 targets \(1 with rules" -- "$VIGIL" train-rules --data "csv:$TMP/long.csv" --out "$TMP/long"
[ -s "$TMP/long/training.json" ] && passed=$((passed + 1)) || bad "300-character name: no training.json"
grep -q "\"target\": \"$long\"" "$TMP/long/training.json" 2>/dev/null && passed=$((passed + 1)) || bad "300-character name: target not in training.json"

# 5. one-for-all over a group with labels on one member only: was trained as unlabeled, the labels
#    dropped silently (exit 0); now that target fails naming the member without labels (exit 1).
awk -F, 'NR > 1 { printf "{\"name\": \"cpu\", \"labels\": {\"gpu\": \"0\"}, \"timestamp\": %s, \"value\": %s, \"anomaly\": %s}\n", $1, $3, $4
  printf "{\"name\": \"cpu\", \"labels\": {\"gpu\": \"1\"}, \"timestamp\": %s, \"value\": %s}\n", $1, $3 }' \
  "$TMP/one.csv" >"$TMP/mixed.jsonl"
check "one-for-all, labels on one member" 1 'cpu: target `cpu`: 1 of 2 series have anomaly labels, the others none \(cpu\{gpu="1"\}\)' \
  -- "$VIGIL" train-rules --data "jsonl:$TMP/mixed.jsonl" --mode one-for-all --out "$TMP/mixed"
grep -q '1 of 2 series have anomaly labels' "$TMP/mixed/training.json" 2>/dev/null && passed=$((passed + 1)) ||
  bad "one-for-all, labels on one member: training.json lacks the error"

# 5b. one-for-all, unlabeled, the group label `machine` on two members of three: the proposer's
#     rules are written, the group rule is not, and stderr says why (before: only training.json's
#     group_error, nothing on stderr, exit 0).
awk -F, 'NR > 1 { printf "{\"name\": \"cpu\", \"labels\": {\"machine\": \"m1\", \"gpu\": \"0\"}, \"timestamp\": %s, \"value\": %s}\n", $1, $3
  printf "{\"name\": \"cpu\", \"labels\": {\"machine\": \"m1\", \"gpu\": \"1\"}, \"timestamp\": %s, \"value\": %s}\n", $1, $3 + 1
  printf "{\"name\": \"cpu\", \"labels\": {\"gpu\": \"2\"}, \"timestamp\": %s, \"value\": %s}\n", $1, $3 + 2 }' \
  "$TMP/one.csv" >"$TMP/partial.jsonl"
check "one-for-all, group label on 2 of 3 members" 0 \
  'train-rules: warning: cpu: no group rule: group family: target `cpu`: the group label `machine` is missing on 1 of 3 members \(cpu\{gpu="2"\}\)' \
  -- "$VIGIL" train-rules --data "jsonl:$TMP/partial.jsonl" --mode one-for-all --out "$TMP/partial"

# 6. A fraction too small for one tail point: was "series has 800 points; too few to train".
check "--validation 1e-9" 1 "step_time_ms has 800 points: a validation fraction of 1e-09 leaves an empty validation tail \(at least 0.00125" \
  -- "$VIGIL" "${T[@]}" --out "$TMP/tiny" --validation 1e-9

# 7. vigil eval detect's numeric options, refused before any data is read (exit 2 naming the option):
#    --mad-window 0 crashed (SIGSEGV, exit 139), -1 was "internal error: vector::reserve",
#    --max-series -1 was taken, --nab-refractory nan / --rules-max 0 / --rules-margin nan were taken,
#    --delay-k -1 failed after the run started (exit 1). The data folder does not exist on purpose.
E=(eval detect --dataset kpi --data "$TMP/no-such-kpi" --out "$TMP/eval" --no-plots)
while IFS='|' read -r args pattern; do
  # shellcheck disable=SC2086
  check "eval detect $args" 2 "$pattern" -- "$VIGIL" "${E[@]}" $args
done <<'CASES'
--detectors mad-band --mad-window 0|--mad-window: must be a whole number of at least 1, got `0`
--detectors mad-band --mad-window -1|--mad-window: must be a whole number of at least 1, got `-1`
--detectors mad-band --max-series -1|--max-series: must be a whole number of at least 0, got `-1`
--detectors mad-band --max-points 99999999999999999999|--max-points: must be a whole number of at least 0
--detectors mad-band --delay-k -1|--delay-k must be at least 0, got -1
--detectors mad-band --nab-refractory nan|--nab-refractory must be a fraction in \[0, 1\], got nan
--detectors rules --rules-max 0|--rules-max must be at least 1, got 0
--detectors rules --rules-margin nan|--rules-margin must be a finite number >= 0, got nan
--detectors rules --rules-min-gain -1|--rules-min-gain must be in \[0, 1\], got -1
--detectors rules --rules-windows 10,0|--rules-windows: every window must be 1 to 100000 points, got 0
--detectors rules --rules-vote 0|--rules-vote must be at least 1 \(leave it out to choose it per unit\), got 0
CASES
[ -e "$TMP/eval" ] && bad "eval detect: a refused run wrote $TMP/eval"

# 8. SIGTERM / SIGINT part-way: see tests/train_rules_interrupt_test.sh (the signal now reaches the
#    target in progress; this part, which let the first target finish after the signal, moved
#    there).

# 9. A --data path that is not UTF-8 (it is recorded in every rule file and in training.json): was
#    trained, the rule file written, then "internal error: ... invalid UTF-8 byte" on training.json
#    (exit 1); now refused before reading (exit 2), the byte named (review RV-P).
odd="$TMP/$(printf 'd\xffata').csv"
cp "$TMP/one.csv" "$odd"
check "--data path not UTF-8" 2 "--data: the path is not UTF-8 text: byte 0xFF at column" \
  -- "$VIGIL" train-rules --data "csv:$odd" --out "$TMP/odd"
[ -e "$TMP/odd" ] && bad "--data path not UTF-8: wrote $TMP/odd"

# 10. A duplicate timestamp (as in NAB's exchange-2_cpc/cpm files): refused naming file:line (exit 2);
#     --skip-bad-rows trains the rest, names the row on stderr and counts it in the rule file's split
#     line, which also names the unlabeled review order (before: no way to train such data, and the
#     order --rank chose was written nowhere).
awk 'NR == 3 { print } { print }' "$TMP/one.csv" >"$TMP/dup.csv"
check "duplicate timestamp" 2 "dup.csv:4: timestamp .* duplicates the previous one" \
  -- "$VIGIL" train-rules --data "csv:$TMP/dup.csv" --out "$TMP/dup"
# Unlabeled, as the review order is named on the split line of unlabeled targets only (since
# 2026-11-30, D2; a labeled target's rules are chosen by F1).
mkdir -p "$TMP/unl"
cut -d, -f1-3 "$TMP/dup.csv" >"$TMP/unl/dup.csv"
check "duplicate timestamp, --skip-bad-rows" 0 "train-rules: skipped .*dup.csv:4: timestamp" \
  -- "$VIGIL" train-rules --data "csv:$TMP/unl/dup.csv" --skip-bad-rows --rank tail --out "$TMP/dup2"
grep -q "^# split: .*; unlabeled review order tail; 1 malformed data row(s) skipped in the data read, all series (--skip-bad-rows)" \
  "$TMP"/dup2/*.rules 2>/dev/null && passed=$((passed + 1)) ||
  bad "--skip-bad-rows: the rule file's split line lacks the order or the skipped count: $(grep -h '^# split' "$TMP"/dup2/*.rules 2>&1)"
grep -q '"split": ".*; 1 malformed data row(s) skipped' "$TMP/dup2/training.json" && passed=$((passed + 1)) ||
  bad "--skip-bad-rows: training.json's split lacks the skipped count"
# More skipped rows than are named (the reader keeps the first 10): stderr says how many in all
# (review RV-final: 49 rows of NAB skipped, 10 named, the total nowhere on stderr; vigil detect
# says it in its summary line).
awk 'NR >= 3 && NR <= 14 { print } { print }' "$TMP/one.csv" >"$TMP/dup12.csv"
check "12 duplicate timestamps, --skip-bad-rows" 0 "train-rules: 12 malformed data row\\(s\\) skipped, the first 10 named above" \
  -- "$VIGIL" train-rules --data "csv:$TMP/dup12.csv" --skip-bad-rows --out "$TMP/dup12"

# 8. A series with too little history (since 2026-12-04, WALKT2): `late` appears 20 points before
#    the history ends. Before, it trained on 15 points (the minimum is 20 per series) without a
#    word; now it is left out, named on stderr with how much history it had and in training.json
#    `left_out`, and the run exits 0 (the others train). Only short series: exit 1.
awk 'BEGIN { FS = OFS = "," } NR == 1 { print; next } { print } NR > 781 { $2 = "late"; print }' "$TMP/one.csv" >"$TMP/late.csv"
check "a series 20 points before the end" 0 \
  'train-rules: warning: 1 series left out for too little history \(a series needs 20 training points besides its validation tail; training.json left_out\): late \(20 points, 15 before the validation tail\)' \
  -- "$VIGIL" train-rules --data "csv:$TMP/late.csv" --out "$TMP/late"
check "late: no rule file, training.json left_out" 0 '^late 20 15 1 False$' -- /usr/bin/python3 -c '
import json, os, sys
j = json.load(open(sys.argv[1] + "/training.json"))
l = j["left_out"][0]
print(l["series"], l["points"], l["training_points"], len(j["targets"]), "late.rules" in os.listdir(sys.argv[1]))' "$TMP/late"
# 8b. --overwrite over a run where `late` had its full history (late.rules written): this run
#     leaves it out, and its earlier rule file stays, said on stderr and in training.json (DET,
#     2026-12-04; before, it was removed like a stale target's: the rules deployed for that series
#     gone without a word).
awk 'BEGIN { FS = OFS = "," } NR == 1 { print; next } { print; $2 = "late"; print }' "$TMP/one.csv" >"$TMP/full.csv"
check "late trained on its full history" 0 "trained 2 targets" \
  -- "$VIGIL" train-rules --data "csv:$TMP/full.csv" --out "$TMP/redo"
check "--overwrite with late left out keeps late.rules" 0 \
  'train-rules: warning: --overwrite kept 1 earlier rule file\(s\) of series left out for too little history, their rules from the earlier run \(training.json left_out earlier_rule_file_kept\): late.rules \(selects late\)' \
  -- "$VIGIL" train-rules --data "csv:$TMP/late.csv" --out "$TMP/redo" --overwrite
check "late.rules still there, named in training.json" 0 '^late.rules True$' -- /usr/bin/python3 -c '
import json, os, sys
j = json.load(open(sys.argv[1] + "/training.json"))
print(j["left_out"][0].get("earlier_rule_file_kept"), "late.rules" in os.listdir(sys.argv[1]))' "$TMP/redo"
awk 'BEGIN { FS = OFS = "," } NR == 1 || NR > 781' "$TMP/one.csv" >"$TMP/short.csv"
check "only short series" 1 "train-rules: no series has enough history to train" \
  -- "$VIGIL" train-rules --data "csv:$TMP/short.csv" --out "$TMP/short"

echo "train_rules_bad_input_test: $passed passed, $fail failed"
[ $fail -eq 0 ]
