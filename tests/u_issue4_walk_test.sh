#!/usr/bin/env bash
# Issue 4 walked as its users would (review U, 2026-11-30): an on-call engineer with labeled csv
# history trains rules and runs them on held-out data; a researcher runs `vigil eval detect` from
# a folder outside the source tree. Each part failed, or misled, before U's fixes:
#  1. csv with labels: train-rules (one-for-one) on the first 3000 points of 2 series, then
#     `vigil detect` with each written rule file on the next 1000: the rules load and fire on
#     the held-out spikes; the provenance header names data, split, proposer, metrics and time.
#  2. eval detect run from a temporary folder (not the source tree) with the iforest peer: exit 0
#     and a figure for iforest (before: python could not open the relative script
#     evals/iforest_peer.py, exit 1).
#  3. NAB: a data file that labels/combined_windows.json does not list is exit 2 naming it (before:
#     left out without a word, 1 target of 2 trained, exit 0); a NAB file or an SMD file as the
#     root: exit 2 saying it is a file (before: "... Not a directory" / "no such folder").
# Usage: bash tests/u_issue4_walk_test.sh <build-dir>   (from the repo root)
set -u
BUILD="${1:-build}"
VIGIL="$(cd "$(dirname "$BUILD/bin/vigil")" && pwd)/vigil"
REPO="$(pwd)"
NAB="$REPO/../shared/datasets/nab"
KPI="$REPO/../shared/datasets/kpi/train"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
fail=0; passed=0
ok() { passed=$((passed + 1)); }

# 1. Labeled csv: two GPUs' step time, a labeled +40 spike of 6 points every 500 points.
/usr/bin/python3 - "$TMP" <<'PY'
import math, random, sys
random.seed(1)
out = {"train": [], "test": []}
for gpu in range(2):
    for i in range(4000):
        v = 100 + 5 * math.sin(i / 50) + random.gauss(0, 1)
        lab = 0
        if 250 <= i % 500 < 256:
            v += 40
            lab = 1
        out["train" if i < 3000 else "test"].append((1700000000 + 60 * i, round(v, 3), lab, gpu))
for part, rows in out.items():
    with open(f"{sys.argv[1]}/{part}.csv", "w") as f:
        f.write("timestamp,series,value,label,job,gpu\n")
        for t, v, lab, gpu in rows:
            f.write(f"{t},step_time_ms,{v},{lab},train,{gpu}\n")
PY
if "$VIGIL" train-rules --data "csv:$TMP/train.csv" --out "$TMP/rules" >"$TMP/tr.out" 2>"$TMP/tr.err"; then ok; else
  bad "train-rules on csv exited $?: $(tail -3 "$TMP/tr.err")"; fi
n_files=$(ls "$TMP/rules"/*.rules 2>/dev/null | wc -l)
if [ "$n_files" -eq 2 ]; then ok; else bad "want 2 rule files, got $n_files: $(ls "$TMP/rules")"; fi
for f in "$TMP"/rules/*.rules; do
  for field in "# data: csv:$TMP/train.csv" "# split: per series: last 25% validation tail" \
               "# proposer: builtin, mode one-for-one" "# train: objective F1" "# Trained by \`vigil train-rules\` at 20"; do
    if grep -qF -- "$field" "$f"; then ok; else bad "$(basename "$f") has no '$field' line: $(head -6 "$f")"; fi
  done
  "$VIGIL" detect --rules "$f" --data "csv:$TMP/test.csv" >"$TMP/alerts.jsonl" 2>"$TMP/detect.err"
  rc=$?
  if [ $rc -eq 0 ]; then ok; else bad "detect with $(basename "$f") exited $rc: $(cat "$TMP/detect.err")"; fi
  # The held-out part has spikes at points 3250 and 3750 of each series: both must raise an alert
  # of this file's series, active from the spike's first minute.
  gpu=$(sed -n 's/^# target: step_time_ms{gpu="\([01]\)".*/\1/p' "$f")
  for i in 3250 3750; do
    at=$(( (1700000000 + 60 * i) * 1000 ))
    if grep -q "\"active_at_ms\":$at," "$TMP/alerts.jsonl" && grep "\"active_at_ms\":$at," "$TMP/alerts.jsonl" | grep -q "gpu=\\\\\"$gpu\\\\\""; then ok; else
      bad "no alert of gpu $gpu at point $i ($at) from $(basename "$f"): $(head -c 400 "$TMP/alerts.jsonl")"; fi
  done
done

# 2. eval detect from outside the source tree, with the iforest peer.
if /usr/bin/python3 -c 'import sklearn, pandas' 2>/dev/null; then
  (cd "$TMP" && "$VIGIL" eval detect --dataset kpi --data "$KPI" --filter 05f10d3a --max-points 3000 --no-plots \
     --detectors iforest --out "$TMP/ev" >"$TMP/ev.out" 2>"$TMP/ev.err")
  rc=$?
  if [ $rc -eq 0 ]; then ok; else bad "eval detect outside the source tree exited $rc: $(tail -3 "$TMP/ev.err")"; fi
  if grep -qE '^\| iforest \| [0-9]' "$TMP/ev/report.md" 2>/dev/null; then ok; else
    bad "no iforest figures in report.md: $(grep iforest "$TMP/ev/report.md" 2>/dev/null | head -2)"; fi
else
  echo "SKIP part 2: /usr/bin/python3 has no sklearn/pandas (Debian python3-sklearn)"
fi

# 3. NAB data file without a labels entry; a file as the NAB or SMD root.
mkdir -p "$TMP/nab/data/g" "$TMP/nab/labels"
cp "$NAB/data/artificialWithAnomaly/art_daily_jumpsup.csv" "$TMP/nab/data/g/a.csv"
cp "$TMP/nab/data/g/a.csv" "$TMP/nab/data/g/b.csv"
echo '{"g/a.csv": [["2014-04-11 00:00:00.000000", "2014-04-11 09:00:00.000000"]]}' >"$TMP/nab/labels/combined_windows.json"
"$VIGIL" train-rules --data "nab:$TMP/nab" --out "$TMP/nab-rules" >/dev/null 2>"$TMP/nab.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "data/g/b.csv has no entry in .*labels/combined_windows.json" "$TMP/nab.err"; then ok; else
  bad "unlisted NAB file: exit $rc, stderr: $(cat "$TMP/nab.err")"; fi
"$VIGIL" eval detect --dataset nab --data "$TMP/nab" --no-plots --detectors mad-band --out "$TMP/nab-ev" >/dev/null 2>"$TMP/nab-ev.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "data/g/b.csv" "$TMP/nab-ev.err"; then ok; else bad "eval detect, unlisted NAB file: exit $rc: $(cat "$TMP/nab-ev.err")"; fi
"$VIGIL" train-rules --data "nab:$TMP/nab" --filter g/a --out "$TMP/nab-a" >/dev/null 2>&1
rc=$?
if [ $rc -eq 0 ] && [ -f "$TMP/nab-a/g_a.rules" ]; then ok; else bad "--filter g/a (listed) exited $rc or wrote no g_a.rules: $(ls "$TMP/nab-a" 2>&1)"; fi
"$VIGIL" train-rules --data "nab:$TMP/nab/data/g/a.csv" --out "$TMP/o1" >/dev/null 2>"$TMP/f.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "is a file; nab: takes the NAB root folder" "$TMP/f.err"; then ok; else bad "NAB file as root: exit $rc: $(cat "$TMP/f.err")"; fi
mkdir -p "$TMP/smd/train"; printf '1,2\n3,4\n' >"$TMP/smd/train/m-1.txt"
"$VIGIL" eval detect --dataset smd --data "$TMP/smd/train/m-1.txt" --out "$TMP/o2" >/dev/null 2>"$TMP/s.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "is a file; smd: takes the SMD root folder" "$TMP/s.err"; then ok; else bad "SMD file as root: exit $rc: $(cat "$TMP/s.err")"; fi

echo "u_issue4_walk_test: $passed passed, $fail failed"
[ $fail -eq 0 ]
