#!/usr/bin/env bash
# End to end: `vigil eval detect --rules-rank sensitivity|tail` (the unlabeled review's order,
# training/builtin_proposer.h UnlabeledRank): a bad value is refused with exit 2 naming it and the
# choices; both values run on a small NAB slice (unlabeled training part).
# Usage: bash tests/eval_detect_rules_rank_test.sh <build-dir>   (from the repo root)
set -euo pipefail
BUILD=${1:?build dir}
VIGIL="$BUILD/bin/vigil"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

set +e
"$VIGIL" eval detect --dataset nab --detectors rules --rules-rank tails --no-plots --out "$TMP/x" \
  > /dev/null 2> "$TMP/bad.err"; rc=$?
set -e
[ "$rc" -eq 2 ] || fail "--rules-rank tails exited $rc: $(cat "$TMP/bad.err")"
grep -q -- "--rules-rank" "$TMP/bad.err" && grep -q "\`tails\`" "$TMP/bad.err" &&
  grep -q "sensitivity or tail" "$TMP/bad.err" || fail "bad --rules-rank message: $(cat "$TMP/bad.err")"
[ ! -e "$TMP/x/report.json" ] || fail "a refused --rules-rank still wrote a report"
"$VIGIL" eval detect --help | grep -q -- "--rules-rank" || fail "--rules-rank not in the help"

for rank in sensitivity tail; do
  "$VIGIL" eval detect --dataset nab --filter realKnownCause/nyc_taxi --detectors rules --rules-rank "$rank" \
    --no-plots --out "$TMP/nab-$rank" 2> "$TMP/nab-$rank.err" || fail "--rules-rank $rank: $(cat "$TMP/nab-$rank.err")"
  grep -q "NAB standard" "$TMP/nab-$rank/report.md" || fail "--rules-rank $rank: no NAB score"
done
# train-rules --rank: the same refusal; tail runs the builtin proposer; another proposer is refused.
set +e
"$VIGIL" train-rules --data nab:../shared/datasets/nab --filter nyc_taxi --rank tails --out "$TMP/t" \
  > /dev/null 2> "$TMP/tbad.err"; rc=$?
"$VIGIL" train-rules --data nab:../shared/datasets/nab --filter nyc_taxi --rank tail --proposer llm \
  --out "$TMP/t2" > /dev/null 2> "$TMP/tbad2.err"; rc2=$?
set -e
[ "$rc" -eq 2 ] && grep -q -- "--rank: unlabeled rank must be sensitivity or tail, got \`tails\`" "$TMP/tbad.err" ||
  fail "train-rules --rank tails: $rc $(cat "$TMP/tbad.err")"
[ "$rc2" -eq 2 ] && grep -q -- "--rank applies only to the builtin proposer" "$TMP/tbad2.err" ||
  fail "train-rules --rank tail --proposer llm: $rc2 $(cat "$TMP/tbad2.err")"
"$VIGIL" train-rules --data nab:../shared/datasets/nab --filter nyc_taxi --rank tail --out "$TMP/t3" \
  > /dev/null 2> "$TMP/t3.err" < /dev/null || fail "train-rules --rank tail: $(cat "$TMP/t3.err")"
ls "$TMP/t3"/*.rules > /dev/null || fail "train-rules --rank tail wrote no rule file"
echo "eval_detect_rules_rank_test: ok"
