#!/usr/bin/env bash
# End to end: `vigil train-rules` and `vigil eval detect` on small slices of the shared datasets.
# Usage: bash tests/eval_detect_test.sh <build-dir>   (from the repo root)
set -euo pipefail
BUILD=${1:?build dir}
VIGIL="$BUILD/bin/vigil"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# train-rules: rule files with provenance, plain progress lines when not on a terminal.
"$VIGIL" train-rules --data kpi:../shared/datasets/kpi/train --max-series 2 --max-points 4000 \
  --out "$TMP/rules" > "$TMP/train.out" 2> "$TMP/train.err" < /dev/null || fail "train-rules exited $?"
grep -q "trained 2 targets" "$TMP/train.out" || fail "train-rules summary: $(cat "$TMP/train.out")"
grep -q "train-rules: target 1/2" "$TMP/train.err" || fail "no progress lines"
ls "$TMP/rules"/*.rules > /dev/null || fail "no rule files"
grep -q "^# proposer: builtin" "$TMP"/rules/*.rules || fail "no provenance"
grep -q '"targets"' "$TMP/rules/training.json" || fail "no training.json"

# eval detect: report with every metric, one SVG per series.
"$VIGIL" eval detect --dataset kpi --max-series 2 --max-points 4000 --detectors rules,mad-band \
  --out "$TMP/eval" 2> "$TMP/eval.err" || fail "eval detect exited $?: $(cat "$TMP/eval.err")"
for col in "point F1" "PA F1" "dc-PA F1 (k=7)" "event F1"; do
  grep -q "$col" "$TMP/eval/report.md" || fail "report lacks $col"
done
# This slice's test parts hold no labeled point: the row's F1s are undefined, `—` (since 2026-12-03;
# before, 0.000), and the report says so under the table.
grep -q "| rules-builtin | — | — | — | — | — | — / — |" "$TMP/eval/report.md" || fail "no rules row"
grep -q "^No scored series has an anomalous test point" "$TMP/eval/report.md" || fail "no note on the undefined F1s"
grep -q "rules-builtin: no anomalous test point in the scored data, F1 undefined" "$TMP/eval.err" || fail "console: $(grep rules-builtin "$TMP/eval.err")"
[ "$(ls "$TMP/eval/plots" | wc -l)" -eq 2 ] || fail "expected 2 plots"
grep -q '"dc_pa"' "$TMP/eval/report.json" || fail "json lacks dc_pa"
# The report records how it was made: the options, a partial run marked, the wall time as on the
# console (before: no options, no mark, "Total wall time 0.0 s." for a run under 0.05 s).
/usr/bin/python3 - "$TMP/eval/report.json" <<'EOF' || fail "report.json options / partial"
import json, sys
d = json.load(open(sys.argv[1]))
o = d["options"]
assert o["max_series"] == 2 and o["max_points"] == 4000 and o["filter"] is None, o
assert o["detectors"] == "rules,mad-band" and o["delay_k"] == 7 and o["data"].endswith("kpi/train"), o
assert d["partial"].startswith("partial: 2 of ") and d["partial"].endswith(
    " series (--max-series 2), the first 4000 points of each (--max-points 4000)"), d["partial"]
EOF
grep -q '^\*\*partial: 2 of [0-9]* series (--max-series 2), the first 4000 points of each' "$TMP/eval/report.md" ||
  fail "report.md: no partial mark: $(head -5 "$TMP/eval/report.md")"
grep -q '^Options: `--dataset kpi --data .*kpi/train --max-series 2 --max-points 4000 --detectors rules,mad-band --delay-k 7 ' \
  "$TMP/eval/report.md" || fail "report.md: no options line: $(head -5 "$TMP/eval/report.md")"
grep -qE 'Total wall time ([0-9]+\.[0-9]|<0\.1) s\.' "$TMP/eval/report.md" || fail "report.md wall time: $(grep 'wall time' "$TMP/eval/report.md")"

# NAB slice: the NAB columns appear.
"$VIGIL" eval detect --dataset nab --filter realKnownCause/nyc_taxi --detectors mad-band --no-plots \
  --out "$TMP/nab" 2> /dev/null || fail "nab eval"
grep -q "NAB standard" "$TMP/nab/report.md" || fail "no NAB score"
# --out holding a report: refused (exit 2, naming it, nothing changed) unless --overwrite.
cp "$TMP/nab/report.json" "$TMP/nab.before"
set +e
"$VIGIL" eval detect --dataset nab --filter realKnownCause/nyc_taxi --detectors mad-band --no-plots \
  --delay-k 3 --out "$TMP/nab" 2> "$TMP/again.err"; rc=$?
set -e
[ "$rc" -eq 2 ] && grep -qF -- "--out $TMP/nab holds the report of an earlier run (report.md, report.json); choose another folder, or pass --overwrite" "$TMP/again.err" ||
  fail "a second run into --out: exit $rc: $(cat "$TMP/again.err")"
cmp -s "$TMP/nab/report.json" "$TMP/nab.before" || fail "a refused run changed report.json"
"$VIGIL" eval detect --dataset nab --filter realKnownCause/nyc_taxi --detectors mad-band --no-plots \
  --delay-k 3 --out "$TMP/nab" --overwrite 2> /dev/null || fail "--overwrite exited $?"
grep -q '"delay_k": 3' "$TMP/nab/report.json" || fail "--overwrite did not replace the report"

# Bad usage: exit 2 with one line.
set +e
"$VIGIL" eval detect --dataset yahoo --out "$TMP/x" 2> "$TMP/bad.err"; rc=$?
set -e
[ "$rc" -eq 2 ] || fail "unknown dataset exited $rc"
grep -q "kpi, smd, nab or gpu" "$TMP/bad.err" || fail "bad dataset message: $(cat "$TMP/bad.err")"
set +e
"$VIGIL" eval detect --dataset kpi --detectors rulez --out "$TMP/x" 2> "$TMP/bad2.err"; rc=$?
"$VIGIL" eval diagnose > /dev/null 2>&1; rc3=$?
"$VIGIL" train-rules --data knp:/x --out "$TMP/y" 2> "$TMP/bad3.err"; rc4=$?
"$VIGIL" eval detect --dataset smd --rules-vote 0 --out "$TMP/x" 2> "$TMP/bad5.err"; rc5=$?
"$VIGIL" eval detect --dataset kpi --rules-windows 10,0 --out "$TMP/x" 2> "$TMP/bad6.err"; rc6=$?
"$VIGIL" eval detect --dataset smd --pot-risk 0.01 --out "$TMP/x" 2> "$TMP/bad7.err"; rc7=$?
set -e
[ "$rc7" -eq 2 ] && grep -q -- "--pot-risk applies only with --threshold pot" "$TMP/bad7.err" ||
  fail "--pot-risk without --threshold pot: $rc7 $(cat "$TMP/bad7.err")"
[ "$rc6" -eq 2 ] && grep -q "rules-windows" "$TMP/bad6.err" || fail "--rules-windows 10,0: $rc6 $(cat "$TMP/bad6.err")"
[ "$rc5" -eq 2 ] && grep -q "rules-vote" "$TMP/bad5.err" || fail "--rules-vote 0: $rc5 $(cat "$TMP/bad5.err")"
[ "$rc" -eq 2 ] && grep -q "did you mean \`rules\`" "$TMP/bad2.err" || fail "unknown detector: $rc $(cat "$TMP/bad2.err")"
[ "$rc3" -eq 2 ] || fail "eval diagnose should say not implemented (exit 2), got $rc3"
[ "$rc4" -eq 2 ] && grep -q "did you mean \`kpi:\?\`" "$TMP/bad3.err" || fail "bad data spec: $rc4 $(cat "$TMP/bad3.err")"
echo "eval_detect_test: ok"
