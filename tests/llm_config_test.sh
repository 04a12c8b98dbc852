#!/usr/bin/env bash
# The LLM configuration of the commands that train rules with an LLM (issue 4), end to end:
#  1. No endpoint configured is a configuration error, exit 2 (the convention: 2 = bad usage or
#     configuration, 1 = the work failed), for `train-rules --proposer llm` and for
#     `eval detect --detectors rules-llm` alike, before any output is written.
#  2. Streaming is a setting like the others: llm_stream from VIGIL_LLM_STREAM or the --config
#     file makes every request ask for server-sent events (the scripted server then streams);
#     `--llm-stream=false` overrides it; bad values name the variable or key and the value (exit 2);
#     the setting alone is no error for a run that uses no LLM.
# Usage: bash tests/llm_config_test.sh <build-dir>   (from the repo root)
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
# No VIGIL_* setting from the caller's environment.
for v in $(env | grep -o '^VIGIL_[A-Z_]*'); do unset "$v"; done
source "$HERE/lib/step_time_csv.sh"
step_time_csv "$TMP/data.csv"

# 1. No endpoint: exit 2 from both commands, nothing written.
out="$("$VIGIL" train-rules --data "csv:$TMP/data.csv" --out "$TMP/none1" --proposer llm 2>&1)"
rc=$?
if [ $rc -eq 2 ] && grep -qF 'vigil: --proposer llm needs an LLM endpoint: set VIGIL_LLM_URL' <<<"$out"; then ok; else
  bad "train-rules --proposer llm without endpoint: rc=$rc: $out"; fi
[ -e "$TMP/none1" ] && bad "a refused train-rules wrote $TMP/none1" || ok
out="$("$VIGIL" train-rules --data "csv:$TMP/data.csv" --out "$TMP/none2" --proposer llm --mode aggregate \
  --base mad-band 2>&1)"
rc=$?
if [ $rc -eq 2 ] && grep -qF 'needs an LLM endpoint' <<<"$out"; then ok; else bad "aggregate llm without endpoint: rc=$rc: $out"; fi
out="$("$VIGIL" eval detect --dataset kpi --max-series 1 --detectors rules-llm --out "$TMP/none3" 2>&1)"
rc=$?
if [ $rc -eq 2 ] && grep -qF 'needs an LLM endpoint: set VIGIL_LLM_URL' <<<"$out"; then ok; else
  bad "eval detect rules-llm without endpoint: rc=$rc: $out"; fi
[ -e "$TMP/none3" ] && bad "a refused eval detect wrote $TMP/none3" || ok

# 2. Streaming from the configuration.
/usr/bin/python3 - "$TMP/script.json" <<'PY'
import json, sys
rule = 'rule spike {\n  select step_time_ms\n  when value > median(lag(value, 1), 60p) + 30\n}'
json.dump([json.dumps({"rules": rule, "rationale": "spikes"})] * 200, open(sys.argv[1], "w"))
PY
start_fake_llm
URL="http://127.0.0.1:$PORT/v1"
touch "$TMP/requests.jsonl"
# streamed FROM TO WANT: whether every request body in log lines FROM..TO has "stream": WANT.
streamed() {
  /usr/bin/python3 - "$TMP/requests.jsonl" "$1" "$2" "$3" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()[int(sys.argv[2]):int(sys.argv[3])]
want = sys.argv[4] == "true"
bodies = [json.loads(json.loads(l)["body"]) for l in lines]
sys.exit(0 if bodies and all(bool(b.get("stream")) == want for b in bodies) else 1)
PY
}
lines() { wc -l <"$TMP/requests.jsonl"; }

# 2a. VIGIL_LLM_STREAM=true, no flag: every train-rules request streams.
from=$(lines)
out="$(env VIGIL_LLM_URL="$URL" VIGIL_LLM_MAX_RETRIES=0 VIGIL_DATA_DIR="$TMP/var" VIGIL_LLM_STREAM=true \
  "$VIGIL" train-rules --data "csv:$TMP/data.csv" --out "$TMP/env" --proposer llm --objective point 2>&1 </dev/null)"
rc=$?; to=$(lines)
if [ $rc -eq 0 ]; then ok; else bad "VIGIL_LLM_STREAM=true train-rules exited $rc: $(tail -3 <<<"$out")"; fi
if streamed "$from" "$to" true; then ok; else bad "VIGIL_LLM_STREAM=true: not every request ($from..$to) streamed"; fi
if grep -rqF 'median(lag(value, 1), 60p) + 30' "$TMP/env" 2>/dev/null; then ok; else bad "no rule from the streamed answers"; fi

# 2b. The same with --llm-stream=false: the flag wins, no request streams.
from=$(lines)
out="$(env VIGIL_LLM_URL="$URL" VIGIL_LLM_MAX_RETRIES=0 VIGIL_DATA_DIR="$TMP/var" VIGIL_LLM_STREAM=true \
  "$VIGIL" train-rules --data "csv:$TMP/data.csv" --out "$TMP/off" --proposer llm --objective point \
  --llm-stream=false 2>&1 </dev/null)"
rc=$?; to=$(lines)
if [ $rc -eq 0 ]; then ok; else bad "--llm-stream=false exited $rc: $(tail -3 <<<"$out")"; fi
if streamed "$from" "$to" false; then ok; else bad "--llm-stream=false: a request ($from..$to) streamed"; fi

# 2c. The config file's llm_stream (a JSON boolean) for eval detect's rules-llm.
printf '{"llm_url": "%s", "llm_max_retries": "0", "llm_stream": true, "data_dir": "%s"}\n' "$URL" "$TMP/var" \
  >"$TMP/stream.json"
from=$(lines)
out="$("$VIGIL" --config "$TMP/stream.json" eval detect --dataset kpi --max-series 1 --max-points 3000 \
  --detectors rules-llm --no-plots --out "$TMP/eval" 2>&1)"
rc=$?; to=$(lines)
if [ $rc -eq 0 ]; then ok; else bad "eval detect with llm_stream in the config file exited $rc: $(tail -3 <<<"$out")"; fi
if streamed "$from" "$to" true; then ok; else bad "config llm_stream: not every eval request ($from..$to) streamed"; fi

# 2d. Bad values: the variable or key and the value named, exit 2, nothing run.
from=$(lines)
out="$(env VIGIL_LLM_URL="$URL" VIGIL_LLM_STREAM=maybe "$VIGIL" train-rules --data "csv:$TMP/data.csv" \
  --out "$TMP/maybe" --proposer llm 2>&1)"
rc=$?
if [ $rc -eq 2 ] && grep -qF 'invalid value `maybe` for llm_stream (from environment VIGIL_LLM_STREAM): expected true or false' <<<"$out"; then
  ok; else bad "VIGIL_LLM_STREAM=maybe: rc=$rc: $out"; fi
out="$(env VIGIL_LLM_STREAM=maybe "$VIGIL" eval detect --dataset kpi --max-series 1 --detectors rules-llm \
  --out "$TMP/maybe2" 2>&1)"
rc=$?
if [ $rc -eq 2 ] && grep -qF 'VIGIL_LLM_STREAM' <<<"$out" && grep -qF '`maybe`' <<<"$out"; then ok; else
  bad "eval detect VIGIL_LLM_STREAM=maybe: rc=$rc: $out"; fi
printf '{"llm_url": "%s", "llm_stream": "sometimes"}\n' "$URL" >"$TMP/bad.json"
out="$("$VIGIL" --config "$TMP/bad.json" train-rules --data "csv:$TMP/data.csv" --out "$TMP/bad" --proposer llm 2>&1)"
rc=$?
if [ $rc -eq 2 ] && grep -qF "invalid value \`sometimes\` for llm_stream (from config file $TMP/bad.json, line 1)" <<<"$out"; then
  ok; else bad "config llm_stream sometimes: rc=$rc: $out"; fi
[ "$(lines)" -eq "$from" ] && ok || bad "a refused configuration sent requests"
[ -e "$TMP/maybe" ] || [ -e "$TMP/maybe2" ] || [ -e "$TMP/bad" ] && bad "a refused run wrote output" || ok

# 2e. The setting is no error for a run without an LLM (the flag is: it asks for something unused).
out="$(env VIGIL_LLM_STREAM=true "$VIGIL" train-rules --data "csv:$TMP/data.csv" --out "$TMP/builtin" 2>&1 </dev/null)"
rc=$?
if [ $rc -eq 0 ]; then ok; else bad "VIGIL_LLM_STREAM=true with the builtin proposer exited $rc: $out"; fi

# 2f. --help documents the setting and the flag's override.
if "$VIGIL" --help | grep -qF 'VIGIL_LLM_STREAM'; then ok; else bad "vigil --help does not list VIGIL_LLM_STREAM"; fi
if "$VIGIL" train-rules --help | tr -s ' \n' ' ' | grep -qF 'llm_stream setting (VIGIL_LLM_STREAM)'; then ok; else
  bad "train-rules --help does not say --llm-stream overrides VIGIL_LLM_STREAM"; fi

echo "llm_config_test: $passed passed, $fail failed"
[ $fail -eq 0 ]
