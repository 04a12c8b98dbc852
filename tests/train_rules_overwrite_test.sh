#!/usr/bin/env bash
# `vigil train-rules --out DIR --overwrite` loses no rule file it should not.
#  1. It never removes or replaces a rule file that train-rules
# did not write (a hand-written one has no "# Trained by `vigil train-rules`" first line): such a
# folder is refused, with or without --overwrite, naming the files. Before (84d7b85), every
# *.rules file counted as "an earlier run's", and --overwrite deleted a hand-written
# data/rules/gpu_training.rules put in --out (exit 0). An earlier run's own files are still
# replaced and its stale targets removed with --overwrite (tests/train_rules_bad_input_test.sh).
#  2. An --overwrite run stopped by SIGINT keeps the earlier run's rule files of the targets it did
#     not reach or cut short (before: RemoveStaleRules ran after the interrupt too, and a Ctrl-C 7 targets into
#     a 100-target retraining left 7 rule files of 100). The stop line names the cut target's kept
#     earlier file, claims no "targets not reached" when every target was reached, and
#     training.json names it (`"earlier_rule_file_kept"`; review RV-D: both were silent about it).
#     Part 3 restarts the fake server with plain answers.
#  3. An --overwrite run where a target fails (an LLM budget spent after the first target) keeps
#     that target's rule file of the earlier run (before: removed as stale, so the budget cut left
#     the folder without rules for it); training.json names it (`"earlier_rule_file_kept"`).
#  4. `train-rules --help` states the exit statuses (1 when some targets failed, since 84d7b85).
# Usage: bash tests/train_rules_overwrite_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
source "$HERE/lib/step_time_csv.sh"
source "$HERE/lib/fake_llm.sh"
stop_fake_llm_at_exit
step_time_csv "$TMP/one.csv"
T=(train-rules --data "csv:$TMP/one.csv")
HAND=data/rules/gpu_training.rules

# 1. A folder holding a hand-written rule file: refused, --overwrite or not; the file is kept as it was.
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

# 2. Interrupted --overwrite: the earlier run's rule file of the target cut short is still there.
#    Deterministic (review RV-P2; before, a 300-target builtin run, 1.4 s here, signalled once a
#    rewritten file appeared, so a test delayed past the run's end saw exit 0): the fake server
#    answers the first target's calls and holds the second target's first request (a stall); the
#    signal is sent once that request has reached it. Since the signal reaches the target in
#    progress (tests/train_rules_interrupt_test.sh), that target is cut short without a rule file,
#    so its earlier one is kept like those of targets not reached; before, the signal came while
#    the first target waited on its first answer, with the server stopped (SIGSTOP).
awk 'BEGIN { FS = OFS = "," } NR == 1 { print; next } { print; $2 = "other"; print }' "$TMP/one.csv" >"$TMP/two.csv"
check "earlier run, two targets (to interrupt)" 0 "trained 2 targets \(2 with rules" \
  -- "$VIGIL" train-rules --data "csv:$TMP/two.csv" --out "$TMP/prod"
cp "$TMP/prod/other.rules" "$TMP/prod-other.before"
rule='rule spike {\n  select step_time_ms\n  when value > median(lag(value, 1), 60p) + 30\n}'
answer="$(printf '{"rules": "%s", "rationale": "spikes"}' "$rule" | /usr/bin/python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')"
# The first target's calls: 4 (one per training chunk, each answer compiles).
calls=4
echo "[$(for _ in $(seq "$calls"); do printf '%s, ' "$answer"; done){\"stall\": 120}]" >"$TMP/script.json"
start_fake_llm
env VIGIL_LLM_URL="http://127.0.0.1:$PORT/v1" VIGIL_LLM_MAX_RETRIES=0 VIGIL_DATA_DIR="$TMP/var" "$VIGIL" train-rules \
  --data "csv:$TMP/two.csv" --out "$TMP/prod" --proposer llm --objective point --overwrite >"$TMP/int.log" 2>&1 &
pid=$!
for _ in $(seq 1200); do [ "$(cat "$TMP/requests.jsonl" 2>/dev/null | wc -l)" -gt "$calls" ] && break; sleep 0.05; done
[ "$(cat "$TMP/requests.jsonl" 2>/dev/null | wc -l)" -gt "$calls" ] ||
  { echo "FAIL interrupted --overwrite: the second target's request never came"; fail=$((fail + 1)); }
kill -INT "$pid" 2>/dev/null
wait "$pid"
rc=$?
if [ $rc -eq 130 ] && cmp -s "$TMP/prod/other.rules" "$TMP/prod-other.before" &&
  grep -q "^# proposer: llm" "$TMP/prod/step_time_ms.rules" &&
  grep -q "stopped by SIGINT after 1 of 2 targets; target other was in progress: cut short, no new rule file (the earlier run's other.rules is kept)" "$TMP/int.log"; then
  passed=$((passed + 1))
else
  echo "FAIL interrupted --overwrite: exit $rc (want 130), other.rules kept? step_time_ms.rules rewritten?: $(tail -2 "$TMP/int.log")"
  fail=$((fail + 1))
fi
# Every target of the run was reached (one done, one cut short): the line must not claim kept files
# of targets not reached; training.json says which earlier file stands for the cut target (review
# RV-D: the line said "no rule file" and "targets not reached are kept", training.json only
# "rule_file": null, while other.rules, the earlier run's, was still in --out).
grep -q "targets not reached" "$TMP/int.log" && { echo "FAIL interrupted --overwrite: claims targets not reached: $(tail -1 "$TMP/int.log")"; fail=$((fail + 1)); } || passed=$((passed + 1))
/usr/bin/python3 - "$TMP/prod/training.json" <<'PY' && passed=$((passed + 1)) || { echo "FAIL interrupted --overwrite: training.json"; fail=$((fail + 1)); }
import json, sys
t = {x["target"]: x for x in json.load(open(sys.argv[1]))["targets"]}
assert t["other"]["completed"] is False and t["other"]["rule_file"] is None, t["other"]
assert t["other"].get("earlier_rule_file_kept") == "other.rules", t["other"]
assert "earlier_rule_file_kept" not in t["step_time_ms"], t["step_time_ms"]
PY
kill "$SERVER_PID" 2>/dev/null
wait "$SERVER_PID" 2>/dev/null
rm -f "$TMP/port"
echo "[$(for _ in $(seq 24); do printf '%s, ' "$answer"; done)$answer]" >"$TMP/script.json"
start_fake_llm

# 3. --overwrite with the LLM budget spent after the first of two targets: `other` fails, and its
#    rule file of the earlier (builtin) run stays as it was.
check "earlier run, two targets" 0 "trained 2 targets \(2 with rules" -- "$VIGIL" train-rules --data "csv:$TMP/two.csv" --out "$TMP/two"
cp "$TMP/two/other.rules" "$TMP/other.before"
check "--overwrite, budget cut" 1 "1 of 2 targets failed.*the earlier run's rule files of the failed targets are kept" \
  -- env VIGIL_LLM_URL="http://127.0.0.1:$PORT/v1" VIGIL_LLM_MAX_RETRIES=0 VIGIL_LLM_TOKEN_BUDGET=4400 \
  VIGIL_DATA_DIR="$TMP/var" "$VIGIL" train-rules --data "csv:$TMP/two.csv" --out "$TMP/two" --proposer llm \
  --objective point --overwrite
if cmp -s "$TMP/two/other.rules" "$TMP/other.before"; then passed=$((passed + 1)); else
  echo "FAIL --overwrite, budget cut: the earlier other.rules was removed or changed"; fail=$((fail + 1)); fi
grep -q "^# proposer: llm" "$TMP/two/step_time_ms.rules" && passed=$((passed + 1)) ||
  { echo "FAIL --overwrite, budget cut: step_time_ms.rules not rewritten by the llm run"; fail=$((fail + 1)); }
/usr/bin/python3 - "$TMP/two/training.json" <<'PY' && passed=$((passed + 1)) || { echo "FAIL --overwrite, budget cut: training.json does not name the kept other.rules"; fail=$((fail + 1)); }
import json, sys
t = {x["target"]: x for x in json.load(open(sys.argv[1]))["targets"]}
assert "error" in t["other"] and t["other"]["rule_file"] is None, t["other"]
assert t["other"].get("earlier_rule_file_kept") == "other.rules", t["other"]
assert "earlier_rule_file_kept" not in t["step_time_ms"], t["step_time_ms"]
PY

# 4. Where users look: --help says --overwrite and the exit statuses (1 when some targets failed).
help="$("$VIGIL" train-rules --help | tr -s ' \n' ' ')"
for want in "--overwrite" "Exit status: 0 every target trained" "1 the run failed, or some targets failed"; do
  if grep -qF -- "$want" <<<"$help"; then passed=$((passed + 1)); else
    echo "FAIL train-rules --help lacks: $want"; fail=$((fail + 1)); fi
done

echo "train_rules_overwrite_test: $passed passed, $fail failed"
[ $fail -eq 0 ]
