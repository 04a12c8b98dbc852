#!/usr/bin/env bash
# The diagnosis eval tools (evals/diagnosis/alert_only.py, run_sets.sh, compare_runs.py) on a tiny
# 2-case set and a fake `vigil` (no build needed, runs in about a second): the good path's outputs
# (values, not just exit 0), and bad input: a missing / empty / not-a-directory argument, a case
# file that is not JSON, a case with no alert, a truncated report.json, a set in one run only, a
# non-executable VIGIL: each a message naming the path and a non-zero exit, never a traceback.
# Run by ctest from the repo root as: bash tests/eval_tools_bad_input_test.sh <build-dir>
set -u
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/lib/check.sh"
PY=/usr/bin/python3
D=evals/diagnosis
no_traceback() {  # NAME CMD...: fails when CMD's output holds a Python traceback
  local name="$1"; shift
  if "$@" 2>&1 | grep -q '^Traceback'; then bad "$name: Python traceback"; else passed=$((passed + 1)); fi
}

# A 2-case set: c1 with an alert and a log, c2 with a log only.
mkdir -p "$TMP/sets/s1" "$TMP/sets/notes"
cat >"$TMP/sets/s1/case-c1.json" <<'EOF'
{"id": "case-c1", "alert": {"labels": {"alertname": "GpuXid", "Hostname": "n1"}},
 "logs": [{"source": "a.log", "lines": ["NVRM: Xid 79"]}], "metrics": [{"name": "m"}],
 "probes": {"p": 1}, "expected": {"root_cause": "gpu_fallen_off_bus", "component": "n1/gpu0"}}
EOF
cat >"$TMP/sets/s1/case-c2.json" <<'EOF'
{"id": "case-c2", "logs": [{"source": "b.log", "lines": ["x"]}],
 "expected": {"root_cause": "nccl_timeout", "component": "n2"}}
EOF
echo 'not a case set' >"$TMP/sets/notes/README.md"

# --- alert_only.py
check "alert_only: good set" 0 '^s1: 1 alert-only cases written to .*/ao/s1, 1 without an alert skipped$' -- \
  "$PY" "$D/alert_only.py" --out "$TMP/ao" "$TMP/sets/s1"
check "alert_only: the variant: same id, alert, expected; no logs, metrics, probes" 0 \
  '^case-c1 GpuXid gpu_fallen_off_bus \[\] \[\] \{\} \[.case-c1.json.\]$' -- "$PY" -c '
import json, os, sys
c = json.load(open(os.path.join(sys.argv[1], "case-c1.json")))
print(c["id"], c["alert"]["labels"]["alertname"], c["expected"]["root_cause"], c["logs"], c["metrics"], c["probes"],
      sorted(os.listdir(sys.argv[1])))' "$TMP/ao/s1"
check "alert_only: missing set dir" 2 "^alert_only.py: $TMP/none: not a directory" -- \
  "$PY" "$D/alert_only.py" --out "$TMP/ao2" "$TMP/none"
check "alert_only: set dir a file" 2 "^alert_only.py: $TMP/sets/s1/case-c1.json: not a directory" -- \
  "$PY" "$D/alert_only.py" --out "$TMP/ao2" "$TMP/sets/s1/case-c1.json"
check "alert_only: set dir with no case" 2 "^alert_only.py: $TMP/sets/notes: no case-\*.json in it" -- \
  "$PY" "$D/alert_only.py" --out "$TMP/ao2" "$TMP/sets/notes"
check "alert_only: empty --out" 2 '^alert_only.py: --out: empty' -- \
  "$PY" "$D/alert_only.py" --out "" "$TMP/sets/s1"
check "alert_only: --out a file" 2 "^alert_only.py: $TMP/sets/notes/README.md/s1: cannot be made a directory" -- \
  "$PY" "$D/alert_only.py" --out "$TMP/sets/notes/README.md" "$TMP/sets/s1"
check "alert_only: no arguments" 2 'usage: ' -- "$PY" "$D/alert_only.py"
mkdir -p "$TMP/broken"
cp "$TMP/sets/s1/case-c1.json" "$TMP/broken/"
echo '{"id": "case-c3", "alert": {' >"$TMP/broken/case-c3.json"
check "alert_only: case not JSON" 1 "^alert_only.py: $TMP/broken/case-c3.json: " -- \
  "$PY" "$D/alert_only.py" --out "$TMP/ao3" "$TMP/broken"
printf '\xff\xfe{}' >"$TMP/broken/case-c3.json"
check "alert_only: case not UTF-8" 1 "^alert_only.py: $TMP/broken/case-c3.json: " -- \
  "$PY" "$D/alert_only.py" --out "$TMP/ao3" "$TMP/broken"
for args in "--out $TMP/sets/notes/README.md $TMP/sets/s1" "--out $TMP/ao3 $TMP/broken"; do
  # shellcheck disable=SC2086
  no_traceback "alert_only: $args" "$PY" "$D/alert_only.py" $args
done

# --- run_sets.sh, with a fake vigil: answers every case's expected root cause when it has logs,
# `unknown` when not; fails on a set named `fails`.
cat >"$TMP/vigil" <<'EOF'
#!/usr/bin/python3
import json, os, sys
a = sys.argv[1:]
cases, out = a[a.index("--cases") + 1], a[a.index("--out") + 1]
if os.path.basename(os.path.normpath(cases)) == "fails":
    sys.exit("fake vigil: failing on purpose")
rows = []
for f in sorted(os.listdir(cases)):
    c = json.load(open(os.path.join(cases, f)))
    rc = c["expected"]["root_cause"] if c.get("logs") else "unknown"
    ok = rc == c["expected"]["root_cause"]
    rows.append({"id": c["id"], "root_cause": rc, "top1": ok, "top3_hit": ok, "component_ok": ok,
                 "confidence": 0.9 if ok else 0.0, "top3": [rc], "file": f, "seconds": 0.1})
os.makedirs(out, exist_ok=True)
json.dump({"rows": rows}, open(os.path.join(out, "report.json"), "w"))
print("fake vigil: %d cases" % len(rows))
EOF
chmod +x "$TMP/vigil"
check "run_sets: full set" 0 '^$' -- bash "$D/run_sets.sh" "$TMP/vigil" "$TMP/runA" "$TMP/sets"
check "run_sets: alert-only set" 0 '^$' -- bash "$D/run_sets.sh" "$TMP/vigil" "$TMP/runB" "$TMP/ao"
check "run_sets: report and log per set, none for a folder without cases" 0 '^report.json s1 s1.log 2 case-c1,case-c2$' -- \
  "$PY" -c 'import json, os, sys; r = json.load(open(sys.argv[1] + "/s1/report.json"))
print(*sorted(os.listdir(sys.argv[1] + "/s1")), *sorted(os.listdir(sys.argv[1])), len(r["rows"]),
      ",".join(x["id"] for x in r["rows"]))' "$TMP/runA"
# A second run into the same OUT: refused before anything runs, the earlier reports kept (RVFIX2;
# before, each set's report was replaced without a word).
cp "$TMP/runA/s1/report.json" "$TMP/runA_s1_report.json"
check "run_sets: OUT holding an earlier run's reports" 2 "run_sets.sh: $TMP/runA holds an earlier run's reports \(s1\); choose another OUT" -- \
  bash "$D/run_sets.sh" "$TMP/vigil" "$TMP/runA" "$TMP/ao"
check "run_sets: the earlier report kept" 0 '^$' -- cmp "$TMP/runA/s1/report.json" "$TMP/runA_s1_report.json"
check "run_sets: no arguments" 2 '^usage: ' -- bash "$D/run_sets.sh"
chmod -x "$TMP/vigil"
check "run_sets: VIGIL not executable" 2 "run_sets.sh: $TMP/vigil: not an executable" -- \
  bash "$D/run_sets.sh" "$TMP/vigil" "$TMP/o" "$TMP/sets"
chmod +x "$TMP/vigil"
check "run_sets: VIGIL a directory" 2 "run_sets.sh: $TMP/sets: not an executable" -- \
  bash "$D/run_sets.sh" "$TMP/sets" "$TMP/o" "$TMP/sets"
check "run_sets: VIGIL empty" 2 'run_sets.sh: VIGIL: empty' -- bash "$D/run_sets.sh" "" "$TMP/o" "$TMP/sets"
check "run_sets: OUT empty" 2 'run_sets.sh: OUT: empty' -- bash "$D/run_sets.sh" "$TMP/vigil" "" "$TMP/sets"
check "run_sets: OUT under a file" 2 "run_sets.sh: $TMP/sets/notes/README.md/o: cannot be made a writable directory" -- \
  bash "$D/run_sets.sh" "$TMP/vigil" "$TMP/sets/notes/README.md/o" "$TMP/sets"
check "run_sets: SETS_DIR missing" 2 "run_sets.sh: $TMP/none: not a directory" -- \
  bash "$D/run_sets.sh" "$TMP/vigil" "$TMP/o" "$TMP/none"
check "run_sets: SETS_DIR with no set" 2 "run_sets.sh: $TMP/sets/notes: no case set" -- \
  bash "$D/run_sets.sh" "$TMP/vigil" "$TMP/o" "$TMP/sets/notes"
[ -e "$TMP/o" ] && bad "run_sets: bad usage still made OUT ($TMP/o)"
mkdir -p "$TMP/sets2/fails"
cp "$TMP/sets/s1/case-c1.json" "$TMP/sets2/fails/"
check "run_sets: a set that fails is named, exit 1" 1 "run_sets.sh: fails failed \(see $TMP/o2/fails.log\)" -- \
  bash "$D/run_sets.sh" "$TMP/vigil" "$TMP/o2" "$TMP/sets2"
check "run_sets: the failing set's log" 0 'failing on purpose' -- cat "$TMP/o2/fails.log"

# --- compare_runs.py: runA (full cases: both right) against runB (alert-only: c1 unknown).
check "compare_runs: per set" 0 '^s1              2  1.000/1.000/1.000  ->  0.000/0.000/0.000  2$' -- \
  "$PY" "$D/compare_runs.py" "$TMP/runA" "$TMP/runB"
check "compare_runs: totals" 0 '^after: 1 cases, top-1 0.000, top-3 0.000, component 0.000; named 0 \(0 right\), wrong at >= 0.3: 0, >= 0.5: 0$' -- \
  "$PY" "$D/compare_runs.py" "$TMP/runA" "$TMP/runB"
check "compare_runs: --rows: the changed row" 0 \
  "^    case-c1 \\{.*'root_cause': \\('gpu_fallen_off_bus', 'unknown'\\)" -- "$PY" "$D/compare_runs.py" "$TMP/runA" "$TMP/runB" --rows
check "compare_runs: --rows: the dropped case" 0 \
  "^    case-c2 \{.*'root_cause': \('nccl_timeout', None\)" -- "$PY" "$D/compare_runs.py" "$TMP/runA" "$TMP/runB" --rows
check "compare_runs: same run" 0 '^rows changed: 0$' -- "$PY" "$D/compare_runs.py" "$TMP/runA" "$TMP/runA"
check "compare_runs: no arguments" 2 'Usage: compare_runs.py BEFORE AFTER' -- "$PY" "$D/compare_runs.py"
check "compare_runs: BEFORE missing, named" 2 "^compare_runs.py: $TMP/none: no such directory" -- \
  "$PY" "$D/compare_runs.py" "$TMP/none" "$TMP/runB"
check "compare_runs: AFTER a file, named" 2 "^compare_runs.py: $TMP/runB/s1.log: not a directory" -- \
  "$PY" "$D/compare_runs.py" "$TMP/runA" "$TMP/runB/s1.log"
check "compare_runs: AFTER empty string" 2 "^compare_runs.py: '': no such directory" -- \
  "$PY" "$D/compare_runs.py" "$TMP/runA" ""
mkdir -p "$TMP/emptyrun"
check "compare_runs: an empty run" 1 "^compare_runs.py: no set has a report .* in both $TMP/runA and $TMP/emptyrun" -- \
  "$PY" "$D/compare_runs.py" "$TMP/runA" "$TMP/emptyrun"
# A set in one run only (here: its report missing, as after a failed set): named, exit 1, the
# common sets still compared.
cp -r "$TMP/runA" "$TMP/runC"
mkdir -p "$TMP/runC/s2"
cp "$TMP/runA/s1/report.json" "$TMP/runC/s2/"
check "compare_runs: set in AFTER only: named" 1 "^compare_runs.py: $TMP/runA/s2/report.json: no report: set s2 left out" -- \
  "$PY" "$D/compare_runs.py" "$TMP/runA" "$TMP/runC"
check "compare_runs: set in AFTER only: the common set still compared" 1 '^s1              2  1.000/1.000/1.000  ->  1.000/1.000/1.000  0$' -- \
  "$PY" "$D/compare_runs.py" "$TMP/runA" "$TMP/runC"
check "compare_runs: set in BEFORE only: named" 1 "^compare_runs.py: $TMP/runA/s2/report.json: no report" -- \
  "$PY" "$D/compare_runs.py" "$TMP/runC" "$TMP/runA"
head -c 40 "$TMP/runA/s1/report.json" >"$TMP/runC/s1/report.json"
check "compare_runs: truncated report.json" 1 "^compare_runs.py: $TMP/runC/s1/report.json: not JSON" -- \
  "$PY" "$D/compare_runs.py" "$TMP/runA" "$TMP/runC"
echo '{"cases": 2}' >"$TMP/runC/s1/report.json"
check "compare_runs: report with no rows" 1 "^compare_runs.py: $TMP/runC/s1/report.json: no \"rows\" list" -- \
  "$PY" "$D/compare_runs.py" "$TMP/runA" "$TMP/runC"
echo '{"rows": [{"id": "case-c1", "root_cause": "x"}]}' >"$TMP/runC/s1/report.json"
check "compare_runs: row without a field" 1 "^compare_runs.py: $TMP/runC/s1/report.json: rows\[0\]: no top1, top3_hit, component_ok, confidence" -- \
  "$PY" "$D/compare_runs.py" "$TMP/runA" "$TMP/runC"
echo '[1]' >"$TMP/runC/s1/report.json"
no_traceback "compare_runs: report an array" "$PY" "$D/compare_runs.py" "$TMP/runA" "$TMP/runC"

echo "eval_tools_bad_input_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
