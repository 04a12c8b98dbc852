#!/usr/bin/env bash
# evals/diagnosis/inflate_case.py (builds the enormous-log cases of agents/README.md): a good case
# gets N noise lines in front of its first log and a "big-" id; a bad argument or a case without
# the shape it needs is refused with a message naming the file and the field, not a Python
# traceback (exit 1).
# Run by ctest from the repo root as: bash tests/inflate_case_test.sh <build-dir>
set -u
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/lib/check.sh"
PY=/usr/bin/python3
INFLATE=evals/diagnosis/inflate_case.py

echo '{"id": "c1", "logs": [{"source": "a.log", "lines": ["x", "y"]}]}' >"$TMP/good.json"
check "good case" 0 '' -- "$PY" "$INFLATE" "$TMP/good.json" "$TMP/out.json" 3
check "good case: lines and id" 0 '^5 big-c1 y$' -- "$PY" -c \
  'import json,sys; c=json.load(open(sys.argv[1])); l=c["logs"][0]["lines"]; print(len(l), c["id"], l[-1])' "$TMP/out.json"

echo '{"logs": {"a": 1}}' >"$TMP/logs-object.json"
echo '{"logs": ["a.log"]}' >"$TMP/log-string.json"
echo '{"logs": [{"lines": "x"}]}' >"$TMP/lines-string.json"
echo '[1, 2]' >"$TMP/array.json"
echo '{"logs": [' >"$TMP/broken.json"
check "N not a number" 1 '^inflate_case.py: N: `x` is not a line count' -- "$PY" "$INFLATE" "$TMP/good.json" "$TMP/o.json" x
check "N negative" 1 '^inflate_case.py: N: -1 is negative' -- "$PY" "$INFLATE" "$TMP/good.json" "$TMP/o.json" -1
check "missing file" 1 "^inflate_case.py: $TMP/none.json: " -- "$PY" "$INFLATE" "$TMP/none.json" "$TMP/o.json" 3
check "broken JSON" 1 "^inflate_case.py: $TMP/broken.json: not JSON" -- "$PY" "$INFLATE" "$TMP/broken.json" "$TMP/o.json" 3
check "case an array" 1 "^inflate_case.py: $TMP/array.json: not a JSON object" -- \
  "$PY" "$INFLATE" "$TMP/array.json" "$TMP/o.json" 3
for f in logs-object log-string lines-string; do
  check "$f" 1 "^inflate_case.py: $TMP/$f.json: logs\[0\]\.lines: missing or not a list" -- \
    "$PY" "$INFLATE" "$TMP/$f.json" "$TMP/o.json" 3
done

echo "inflate_case_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
