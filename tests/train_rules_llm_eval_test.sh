#!/usr/bin/env bash
# End to end, the two paths of issue 4 the other scripts leave out:
#  1. `vigil train-rules` reads history only: SMD without a split reads train/ (unlabeled) and says
#     so in the provenance; an SMD test split is refused (exit 2, the spec named).
#  2. `vigil eval detect --detectors rules-llm` trains with the LLM agents against the scripted
#     OpenAI-compatible server on loopback (endpoint from a --config file) and prints the tokens it
#     used (stdout, report.md, report.json), every call in the audit log; without an endpoint it is
#     refused (exit 2).
# Usage: bash tests/train_rules_llm_eval_test.sh <build-dir>   (from the repo root)
set -u
BUILD="${1:-build}"
VIGIL="$BUILD/bin/vigil"
HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/lib/fake_llm.sh"
TMP="$(mktemp -d)"
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
fail=0; passed=0
ok() { passed=$((passed + 1)); }

# 1. SMD: the train split by default, the test split refused.
out="$("$VIGIL" train-rules --data smd:../shared/datasets/smd --max-series 1 --max-points 2000 \
  --out "$TMP/smd" 2>&1 </dev/null)"
rc=$?
if [ $rc -eq 0 ]; then ok; else bad "train-rules smd exited $rc: $out"; fi
# (the data line also names the caps, since e6d7fd8: "…:train, not all of it: the first 1 series …")
if grep -q '^# data: smd:../shared/datasets/smd:train, not all of it: .*--max-series 1.*--max-points 2000' \
    "$TMP"/smd/*.rules 2>/dev/null; then ok; else
  bad "provenance does not name the train split: $(grep -h '^# data' "$TMP"/smd/*.rules 2>&1 | head -1)"; fi
if grep -q '"labeled": false' "$TMP/smd/training.json" 2>/dev/null; then ok; else bad "SMD train/ should be unlabeled"; fi
out="$("$VIGIL" train-rules --data smd:../shared/datasets/smd:test --max-series 1 --out "$TMP/smd2" 2>&1)"
rc=$?
if [ $rc -eq 2 ] && grep -q 'smd:../shared/datasets/smd:test: training never reads a test split' <<<"$out"; then ok; else
  bad "smd test split: rc=$rc: $out"; fi
[ -e "$TMP/smd2" ] && bad "a refused run wrote $TMP/smd2" || ok

# 2. eval detect rules-llm against the scripted server: one KPI slice, four training chunks.
/usr/bin/python3 - "$TMP/script.json" <<'PY'
import json, sys
rule = ('rule jump {\n  select *{kpi="05f10d3a-239c-3bef-9bdc-a2feeb0037aa"}\n'
        '  when abs(value - median(lag(value, 1), 60p)) > 20\n}')
answer = json.dumps({"rules": rule, "rationale": "jumps off the median"})
json.dump([answer] * 4, open(sys.argv[1], "w"))
PY
start_fake_llm
# The endpoint from a config file (--config), not the environment.
printf '{"llm_url": "http://127.0.0.1:%s/v1", "llm_model": "fake", "llm_max_retries": "0", "data_dir": "%s"}\n' \
  "$PORT" "$TMP/var" >"$TMP/vigil.json"
out="$(env -u VIGIL_LLM_URL -u VIGIL_LLM_MODEL -u VIGIL_DATA_DIR "$VIGIL" --config "$TMP/vigil.json" eval detect \
  --dataset kpi --max-series 1 --max-points 3000 --detectors rules-llm,mad-band --no-plots --out "$TMP/eval" \
  2>"$TMP/eval.err")"
rc=$?
if [ $rc -eq 0 ]; then ok; else bad "eval detect rules-llm exited $rc: $(tail -3 "$TMP/eval.err")"; fi
calls="$(wc -l <"$TMP/requests.jsonl" 2>/dev/null || echo 0)"
[ "$calls" -ge 1 ] && ok || bad "no request reached the server"
if grep -qE "^LLM openai:http://127.0.0.1:$PORT/v1/chat/completions model=fake: $((calls * 1000)) prompt \+ $((calls * 100)) completion tokens$" <<<"$out"; then
  ok; else bad "no LLM token line for $calls calls in: $out"; fi
if grep -qF "LLM tokens, rules-llm: $((calls * 1000)) prompt + $((calls * 100)) completion." "$TMP/eval/report.md" 2>/dev/null; then
  ok; else bad "report.md lacks the token line"; fi
if grep -q '"llm_prompt_tokens": *'"$((calls * 1000))" "$TMP/eval/report.json" 2>/dev/null; then ok; else bad "report.json lacks the tokens"; fi
if grep -q '| rules-llm | [0-9]' "$TMP/eval/report.md" 2>/dev/null; then ok; else bad "no rules-llm row"; fi
audit="$(ls "$TMP"/var/audit/llm-*.jsonl 2>/dev/null | head -1)"
if [ -n "$audit" ] && [ "$(wc -l <"$audit")" -eq "$calls" ]; then ok; else bad "audit log: $audit vs $calls calls"; fi
out="$(env -u VIGIL_LLM_URL "$VIGIL" eval detect --dataset kpi --max-series 1 --detectors rules-llm --out "$TMP/x" 2>&1)"
rc=$?
if [ $rc -eq 2 ] && grep -q 'needs an LLM endpoint: set VIGIL_LLM_URL' <<<"$out"; then ok; else bad "no endpoint: rc=$rc: $out"; fi

# 3. --llm-stream: the agents ask for server-sent events and the streamed answers are assembled
#    (the scripted server streams when asked); rule file written, usage from the stream's last chunk.
source "$HERE/lib/step_time_csv.sh"
step_time_csv "$TMP/data.csv"
kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null
rm -f "$TMP/port" "$TMP/requests.jsonl"
/usr/bin/python3 - "$TMP/script.json" <<'PY'
import json, sys
rule = 'rule spike {\n  select step_time_ms\n  when value > median(lag(value, 1), 60p) + 30\n}'
json.dump([json.dumps({"rules": rule, "rationale": "spikes"})] * 8, open(sys.argv[1], "w"))
PY
start_fake_llm
out="$(env VIGIL_LLM_URL="http://127.0.0.1:$PORT/v1" VIGIL_LLM_MODEL=fake VIGIL_LLM_MAX_RETRIES=0 \
  VIGIL_DATA_DIR="$TMP/var2" "$VIGIL" train-rules --data "csv:$TMP/data.csv" --out "$TMP/streamed" \
  --proposer llm --llm-stream --objective point 2>&1 </dev/null)"
rc=$?
if [ $rc -eq 0 ]; then ok; else bad "train-rules --llm-stream exited $rc: $(echo "$out" | tail -3)"; fi
if /usr/bin/python3 -c 'import json,sys; b=[json.loads(json.loads(l)["body"]) for l in open(sys.argv[1])]; sys.exit(0 if b and all(x.get("stream") is True for x in b) else 1)' "$TMP/requests.jsonl" 2>/dev/null; then
  ok; else bad "the requests did not all ask for a stream"; fi
if grep -rqF 'median(lag(value, 1), 60p) + 30' "$TMP/streamed" 2>/dev/null; then ok; else bad "no rule file from the streamed answers"; fi
# The usage each stream's last chunk reports (1000 + 100 per call), not the client's estimate from
# the text, which it falls back to when a stream carries no usage.
calls="$(wc -l <"$TMP/requests.jsonl" 2>/dev/null || echo 0)"
if [ "$calls" -ge 1 ] && grep -qE ": $((calls * 1000)) prompt \+ $((calls * 100)) completion tokens$" <<<"$out"; then
  ok; else bad "no token usage from the stream ($calls calls): $out"; fi
out="$("$VIGIL" train-rules --data "csv:$TMP/data.csv" --out "$TMP/x2" --llm-stream 2>&1)"
rc=$?
if [ $rc -eq 2 ] && grep -q -- '--llm-stream applies only with --proposer llm' <<<"$out"; then ok; else bad "--llm-stream without llm: rc=$rc $out"; fi
out="$("$VIGIL" eval detect --dataset kpi --max-series 1 --detectors rules --llm-stream --out "$TMP/x3" 2>&1)"
rc=$?
if [ $rc -eq 2 ] && grep -q -- '--llm-stream applies only with the rules-llm detector' <<<"$out" && [ ! -e "$TMP/x3" ]; then
  ok; else bad "eval detect --llm-stream without rules-llm: rc=$rc $out"; fi

echo "train_rules_llm_eval_test: $passed passed, $fail failed"
[ $fail -eq 0 ]
