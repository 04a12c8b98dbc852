#!/usr/bin/env bash
# End-to-end: `vigil train-rules --proposer llm` against a scripted OpenAI-compatible server on
# loopback (tests/fake_openai_server.py): the model first writes a rule that does not compile, the
# repair agent fixes it from the compiler's message, a noisy change is reverted by the reviewer,
# the rule file is written, and every call is in the audit log without the API key.
set -u
BUILD="${1:-build}"
VIGIL="$(cd "$BUILD" && pwd)/bin/vigil"  # absolute: the command runs in a temp folder
HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/lib/fake_llm.sh"
TMP="$(mktemp -d)"
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
fail=0; passed=0
source "$HERE/lib/step_time_csv.sh"
ok() { passed=$((passed + 1)); }

# 800 points every 10 s around 100 with labeled spikes of 180 (some in the validation tail).
step_time_csv "$TMP/data.csv"

typo='rule spike {\n  select step_time_ms\n  when value > meen(lag(value, 1), 60p) + 30\n}'
good='rule spike {\n  select step_time_ms\n  when value > median(lag(value, 1), 60p) + 30\n}'
noisy="$good"'\nrule high {\n  select step_time_ms\n  when value > 103\n}'
answer() { printf '{"rules": "%s", "rationale": "%s"}' "$1" "$2" | /usr/bin/python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))'; }
cat >"$TMP/script.json" <<JSON
[$(answer "$typo" "spikes over the median"), $(answer "$good" "fixed the function name"),
 $(answer "$noisy" "also flag high values"), $(answer "$good" "unchanged"), $(answer "$good" "unchanged"),
 $(answer "$good" "unchanged"), $(answer "$good" "unchanged"), $(answer "$good" "unchanged")]
JSON

start_fake_llm

out="$(cd "$TMP" && env VIGIL_LLM_URL="http://127.0.0.1:$PORT/v1" VIGIL_LLM_MODEL=fake VIGIL_LLM_API_KEY=sk-e2e-secret \
  VIGIL_LLM_MAX_RETRIES=0 VIGIL_DATA_DIR="$TMP/var" "$VIGIL" train-rules --data "csv:$TMP/data.csv" --out "$TMP/rules" \
  --proposer llm --objective point 2>&1)"
rc=$?
if [ $rc -ne 0 ]; then bad "train-rules --proposer llm exited $rc: $(echo "$out" | tail -5)"; else ok; fi
if grep -qE '^LLM openai:http://127.0.0.1:[0-9]+/v1/chat/completions model=fake: [1-9][0-9]* prompt \+ [1-9][0-9]* completion tokens$' <<<"$out"; then ok; else bad "no LLM token line in: $out"; fi
if grep -rqF 'median(lag(value, 1), 60p) + 30' "$TMP/rules" 2>/dev/null; then ok; else bad "no rule file with the repaired rule in $TMP/rules"; fi
if grep -rqF 'value > 103' "$TMP/rules" 2>/dev/null; then bad "the noisy change was not reverted"; else ok; fi
if grep -qF 'did you mean `mean`?' "$TMP/requests.jsonl"; then ok; else bad "the repair request did not quote the compiler"; fi
if grep -qF 'Bearer sk-e2e-secret' "$TMP/requests.jsonl"; then ok; else bad "the API key was not sent"; fi
audit="$(ls "$TMP"/var/audit/llm-*.jsonl 2>/dev/null | head -1)"
if [ -n "$audit" ] && [ "$(wc -l <"$audit")" -ge 3 ]; then ok; else bad "audit log missing or short: $audit"; fi
if [ -n "$audit" ] && ! grep -q 'sk-e2e-secret' "$audit"; then ok; else bad "audit log contains the API key"; fi

# No endpoint: a clear error, non-zero exit.
out="$(env -u VIGIL_LLM_URL "$VIGIL" train-rules --data "csv:$TMP/data.csv" --out "$TMP/rules2" --proposer llm 2>&1)"
rc=$?
if [ $rc -ne 0 ] && grep -q 'VIGIL_LLM_URL' <<<"$out"; then ok; else bad "no endpoint: rc=$rc: $out"; fi

echo "llm_train_rules_test: $passed passed, $fail failed"
[ $fail -eq 0 ]
