#!/usr/bin/env bash
# End to end: `vigil diagnose` with an audit folder that cannot be written AND another bad LLM
# setting reports the bad setting (exit 2, the same error as with a good folder), not the
# built-in fallback (issue 4's loose end, 2026-11-30, L). Before, a bad audit folder skipped
# MakeLlmClient, so the malformed URL or the out-of-range retry count was named only after the
# user had mended the folder. The fallback itself (folder the only problem) is
# tests/diagnose_llm_audit_test.sh; here it is checked again against a live (fake) endpoint:
# nothing reaches it unaudited, while with a writable folder the same run does send to it.
# Usage: bash tests/le_diagnose_llm_settings_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
source "$HERE/lib/fake_llm.sh"
stop_fake_llm_at_exit
CASE="$HERE/../evals/diagnosis/dev/case-040.json"  # cuda_oom behind NCCL timeouts
mkdir -p "$TMP/bad" "$TMP/good"
touch "$TMP/bad/audit"  # <data_dir>/audit is a file: the audit folder cannot be made
run() {  # run DATA_DIR ENV... : vigil diagnose with that data folder and environment
  local dir="$1"; shift
  env VIGIL_LLM_MAX_RETRIES=0 "$@" "$VIGIL" --log-level error --data-dir "$dir" diagnose --case "$CASE" --json
}

# 1. A bad setting beside the bad folder: exit 2 and the setting's own error, word for word what a
#    good folder gives; no diagnosis, no fallback warning.
for setting in "VIGIL_LLM_URL=not-a-url" "VIGIL_LLM_URL=http://127.0.0.1:99999/v1" \
  "VIGIL_LLM_URL=http://127.0.0.1:1/v1 VIGIL_LLM_MAX_RETRIES=-1" \
  "VIGIL_LLM_URL=http://127.0.0.1:1/v1 VIGIL_LLM_TOKEN_BUDGET=-5"; do
  # shellcheck disable=SC2086
  run "$TMP/bad" $setting >"$TMP/out" 2>"$TMP/err"; rc=$?
  # shellcheck disable=SC2086
  run "$TMP/good" $setting >/dev/null 2>"$TMP/err.good"
  if [ $rc -eq 2 ]; then passed=$((passed + 1)); else bad "$setting, audit folder a file: exit $rc, want 2: $(head -3 "$TMP/err")"; fi
  if [ -s "$TMP/err.good" ] && cmp -s "$TMP/err" "$TMP/err.good"; then passed=$((passed + 1)); else
    bad "$setting: error differs from the good folder's: got '$(cat "$TMP/err")', want '$(cat "$TMP/err.good")'"; fi
  if [ ! -s "$TMP/out" ] && ! grep -q "warning: LLM not used" "$TMP/err"; then passed=$((passed + 1)); else
    bad "$setting: a diagnosis or the fallback warning was printed"; fi
done
# The same from a --config file: a setting MakeLlmClient refuses (failed before), and an unknown
# one (refused when the config is read, before and after).
printf '{"llm_url": "http://127.0.0.1:1/v1", "llm_max_retries": 50}\n' >"$TMP/range.json"
printf '{"llm_url": "http://127.0.0.1:1/v1", "llm_bogus": 3}\n' >"$TMP/unknown.json"
for cfg in range:llm_max_retries unknown:llm_bogus; do
  check "--config $cfg, audit folder a file" 2 "${cfg#*:}" -- \
    "$VIGIL" --config "$TMP/${cfg%%:*}.json" --data-dir "$TMP/bad" diagnose --case "$CASE"
done
[ -f "$TMP/bad/audit" ] && passed=$((passed + 1)) || bad "the audit file was replaced"

# 2. A live endpoint: with the folder a file nothing is sent (exit 0, the built-in answer, mode
#    llm-error); with a writable folder the same run does send (so the first check can fail).
echo '[]' >"$TMP/script.json"
start_fake_llm
URL="VIGIL_LLM_URL=http://127.0.0.1:$PORT/v1"
run "$TMP/bad" "$URL" >"$TMP/out.json" 2>"$TMP/err"; rc=$?
if [ $rc -eq 0 ] && /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["mode"] == "llm-error" and d["root_cause"] == "cuda_oom"' "$TMP/out.json"; then
  passed=$((passed + 1)); else bad "live endpoint, audit folder a file: exit $rc, want 0 with the built-in answer: $(head -3 "$TMP/err")"; fi
if [ ! -s "$TMP/requests.jsonl" ]; then passed=$((passed + 1)); else
  bad "a request reached the endpoint without an audit folder: $(head -c 300 "$TMP/requests.jsonl")"; fi
if [ "$(grep -c . "$TMP/err")" -eq 1 ] && grep -q "warning: LLM not used: LLM audit log folder $TMP/bad/audit" "$TMP/err"; then
  passed=$((passed + 1)); else bad "want one warning line naming the folder, got: $(cat "$TMP/err")"; fi
run "$TMP/good" "$URL" >/dev/null 2>&1
if [ -s "$TMP/requests.jsonl" ] && ls "$TMP/good/audit"/llm-*.jsonl >/dev/null 2>&1; then passed=$((passed + 1)); else
  bad "writable audit folder: no request reached the fake endpoint or no audit file (the check above proves nothing)"; fi

echo "le_diagnose_llm_settings_test: $passed passed, $fail failed"
[ $fail -eq 0 ]
