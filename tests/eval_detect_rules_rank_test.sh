#!/usr/bin/env bash
# End to end: `vigil eval detect --rules-rank` and `vigil train-rules --rank` (the unlabeled
# review's order, training/builtin_proposer.h UnlabeledRank): a bad value is refused with exit 2
# naming it and the choices; both values run on one NAB file (unlabeled training part).
# Usage: bash tests/eval_detect_rules_rank_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
NAB=(--dataset nab --detectors rules --no-plots)
DATA=(--data nab:../shared/datasets/nab --filter nyc_taxi)

check "eval detect --rules-rank tails" 2 "--rules-rank: unlabeled rank must be sensitivity or tail, got \`tails\`" -- \
  "$VIGIL" eval detect "${NAB[@]}" --rules-rank tails --out "$TMP/x"
check "refused: no report" 1 "" -- test -e "$TMP/x/report.json"
check "eval detect help" 0 "--rules-rank" -- "$VIGIL" eval detect --help
# tail orders the builtin proposer's unlabeled review: refused when no detector runs it.
check "eval detect --rules-rank tail without a builtin rules detector" 2 \
  "--rules-rank tail applies only to the builtin rules detectors .*--detectors has none" -- \
  "$VIGIL" eval detect --dataset nab --detectors mad-band --no-plots --rules-rank tail --out "$TMP/y"
check "refused: no report" 1 "" -- test -e "$TMP/y/report.json"
for rank in sensitivity tail; do
  check "eval detect --rules-rank $rank" 0 "report in" -- \
    "$VIGIL" eval detect "${NAB[@]}" --filter realKnownCause/nyc_taxi --rules-rank "$rank" --out "$TMP/nab-$rank"
  check "--rules-rank $rank: NAB score" 0 "" -- grep -q "NAB standard" "$TMP/nab-$rank/report.md"
done
check "train-rules --rank tails" 2 "--rank: unlabeled rank must be sensitivity or tail, got \`tails\`" -- \
  "$VIGIL" train-rules "${DATA[@]}" --rank tails --out "$TMP/t"
check "train-rules --rank tail --proposer llm" 2 "--rank applies only to the builtin proposer" -- \
  "$VIGIL" train-rules "${DATA[@]}" --rank tail --proposer llm --out "$TMP/t2"
check "train-rules --rank tail --mode aggregate" 2 "--rank applies only to the builtin proposer outside --mode aggregate" -- \
  "$VIGIL" train-rules "${DATA[@]}" --rank tail --mode aggregate --base mad-band --out "$TMP/t4"
check "train-rules --rank tail" 0 "trained 1 targets" -- "$VIGIL" train-rules "${DATA[@]}" --rank tail --out "$TMP/t3"

echo "eval_detect_rules_rank_test: $passed passed, $fail failed"
[ "$fail" -eq 0 ]
