#!/usr/bin/env bash
# End to end: `vigil diagnose` with an LLM configured whose audit folder cannot be written
# (issue 4's loose end 2). Every LLM call is audited, so none is made; the on-call engineer still
# gets the built-in reasoner's answer, as when the endpoint is down: exit 0, one warning line on
# stderr naming the folder and the OS error, the output's `mode` "llm-error" (the field the
# endpoint-down fallback sets) with a `not verified` line saying why. Before: exit 2, no diagnosis.
# `vigil train-rules --proposer llm` still refuses (exit 2): there is no built-in answer the user
# asked for.
# Usage: bash tests/diagnose_llm_audit_test.sh <build-dir>   (from the repo root)
set -u
BUILD="${1:-build}"
VIGIL="$BUILD/bin/vigil"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/lib/check.sh"
source "$(dirname "$0")/lib/step_time_csv.sh"
CASE=evals/diagnosis/dev/case-040.json  # cuda_oom behind NCCL timeouts
# Nothing listens on port 1: the endpoint is down. The audit folder <data_dir>/audit is a file.
mkdir -p "$TMP/var"
touch "$TMP/var/audit"
V=(env VIGIL_LLM_URL=http://127.0.0.1:1/v1 VIGIL_LLM_MAX_RETRIES=0 "$VIGIL" --log-level error --data-dir "$TMP/var")

# The endpoint-down fallback, for reference (a writable audit folder).
mkdir -p "$TMP/ok"
out="$(env VIGIL_LLM_URL=http://127.0.0.1:1/v1 VIGIL_LLM_MAX_RETRIES=0 "$VIGIL" --log-level error --data-dir "$TMP/ok" \
  diagnose --case "$CASE" --json 2>/dev/null)"
rc=$?
if [ $rc -eq 0 ] && /usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["mode"] == "llm-error", d["mode"]' "$out"; then
  passed=$((passed + 1)); else echo "FAIL endpoint down: exit $rc, want 0 with mode llm-error"; fail=$((fail + 1)); fi

# Audit folder unwritable: the built-in answer, one warning line, provenance said.
"${V[@]}" diagnose --case "$CASE" --json >"$TMP/out.json" 2>"$TMP/err.txt"
rc=$?
[ $rc -eq 0 ] && passed=$((passed + 1)) || { echo "FAIL audit unwritable: exit $rc, want 0: $(head -3 "$TMP/err.txt")"; fail=$((fail + 1)); }
if [ "$(wc -l <"$TMP/err.txt")" -eq 1 ] &&
  grep -qE "^vigil diagnose: warning: LLM not used: LLM audit log folder $TMP/var/audit .*(File exists|Not a directory).*built-in reasoner" "$TMP/err.txt"; then
  passed=$((passed + 1)); else echo "FAIL audit unwritable: want one warning line naming the folder and the OS error, got: $(cat "$TMP/err.txt")"; fail=$((fail + 1)); fi
if /usr/bin/python3 - "$TMP/out.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["root_cause"] == "cuda_oom", d["root_cause"]
assert d["mode"] == "llm-error", d["mode"]
notes = [u for u in d.get("unverified", []) if "audit log folder" in u]
assert len(notes) == 1 and "built-in answer stands" in notes[0], d.get("unverified")
PY
then passed=$((passed + 1)); else echo "FAIL audit unwritable: JSON mode / note"; fail=$((fail + 1)); fi
check "audit unwritable, text output" 0 'confidence: .*\(llm-error\)' -- "${V[@]}" diagnose --case "$CASE"
[ -f "$TMP/var/audit" ] && passed=$((passed + 1)) || { echo "FAIL the audit file was replaced"; fail=$((fail + 1)); }

# train-rules --proposer llm keeps refusing (exit 2 naming the folder), nothing trained.
step_time_csv "$TMP/one.csv"
check "train-rules --proposer llm, audit unwritable" 2 "LLM audit log folder $TMP/var/audit" \
  -- "${V[@]}" train-rules --data "csv:$TMP/one.csv" --out "$TMP/rules" --proposer llm
[ -e "$TMP/rules" ] && { echo "FAIL train-rules wrote $TMP/rules"; fail=$((fail + 1)); }

echo "diagnose_llm_audit_test: $passed passed, $fail failed"
[ $fail -eq 0 ]
