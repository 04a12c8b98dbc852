#!/usr/bin/env bash
# The LLM configuration of the commands that train rules with an LLM (issue 4), end to end:
#  1. No endpoint configured is a configuration error, exit 2 (the convention: 2 = bad usage or
#     configuration, 1 = the work failed), for `train-rules --proposer llm` and for
#     `eval detect --detectors rules-llm` alike, before any output is written.
# Usage: bash tests/llm_config_test.sh <build-dir>   (from the repo root)
set -u
BUILD="${1:-build}"
VIGIL="$BUILD/bin/vigil"
HERE="$(cd "$(dirname "$0")" && pwd)"
TMP="$(mktemp -d)"
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
fail=0; passed=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
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

echo "llm_config_test: $passed passed, $fail failed"
[ $fail -eq 0 ]
