#!/usr/bin/env bash
# One rule that does not compile among good ones (OPS5, 2026-12-03): `vigil detect --rules` and
# `vigil serve --rules` name it (file:line:col) and run the others. Before, one typo in a file of
# forty rules stopped everything: detect printed no alert (exit 2), serve did not start (exit 2).
#  1. detect: the good rules' alerts on stdout, each bad rule's error on stderr with file:line:col,
#     a line counting them, exit 2 (bad input: a script still sees it);
#  2. detect, every rule bad: exit 2, no alert, the errors (as before);
#  3. detect, a file with no rule beside a good file: named, the good file runs, exit 2;
#  4. serve: starts with the good rules, logs the bad one, says so on its start-up line and in
#     /metrics' vigil_detection_rule_errors (no Prometheus needed: the reads fail, serve runs).
# Usage: bash tests/rules_bad_among_good_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
require_tools curl
source "$HERE/lib/prometheus.sh"  # free_port, PIDS (stopped at exit)
source "$HERE/lib/serve.sh"       # start_serve
source "$HERE/lib/step_time_csv.sh"
step_time_csv "$TMP/st.csv"
cat >"$TMP/mixed.rules" <<'RULES'
rule High {
  select step_time_ms
  when step_time_ms > 150
}

rule Typo {
  select step_time_ms
  when step_time_ms > 2 * medain(step_time_ms, 20p)
}

rule Low {
  select step_time_ms
  when step_time_ms < 50
}
RULES
printf 'rule A {\n  select x\n  when meen(x, 5p) > 1\n}\n' >"$TMP/allbad.rules"
printf '# nothing here yet\n' >"$TMP/empty.rules"

"$VIGIL" detect --rules "$TMP/mixed.rules" --data "csv:$TMP/st.csv" >"$TMP/out.jsonl" 2>"$TMP/err.txt"
rc=$?
[ "$rc" = 2 ] && passed=$((passed + 1)) || bad "detect over a file with one bad rule: rc=$rc (want 2)"
# 6 episodes of High (points 60-61, 220, 410, 530, 650-651, 720); none of Low.
[ "$(grep -c '"rule":"High"' "$TMP/out.jsonl")" = 6 ] && passed=$((passed + 1)) ||
  bad "the good rule's alerts: $(wc -l <"$TMP/out.jsonl") lines, $(head -c 300 "$TMP/out.jsonl"); $(cat "$TMP/err.txt")"
grep -q "^vigil detect: $TMP/mixed.rules:8:27: unknown function \`medain\`" "$TMP/err.txt" && passed=$((passed + 1)) ||
  bad "the bad rule named with file:line:col: $(cat "$TMP/err.txt")"
grep -q '^vigil detect: 1 rule error(s) above: those rules are left out; the other 2 rule(s) run (exit status 2)$' "$TMP/err.txt" &&
  grep -q '^vigil detect: 2 rule(s) over 1 series, 800 points: 6 alert(s), 0 still firing at the end; 1 rule error(s), see above$' "$TMP/err.txt" &&
  passed=$((passed + 1)) || bad "the count lines: $(cat "$TMP/err.txt")"

"$VIGIL" detect --rules "$TMP/allbad.rules" --data "csv:$TMP/st.csv" >"$TMP/out2.jsonl" 2>"$TMP/err2.txt"
rc=$?
[ "$rc" = 2 ] && [ ! -s "$TMP/out2.jsonl" ] && grep -q "allbad.rules:3:8: unknown function \`meen\`" "$TMP/err2.txt" &&
  passed=$((passed + 1)) || bad "every rule bad: rc=$rc $(cat "$TMP/out2.jsonl" "$TMP/err2.txt")"

"$VIGIL" detect --rules "$TMP/empty.rules" --rules "$TMP/mixed.rules" --data "csv:$TMP/st.csv" >"$TMP/out3.jsonl" 2>"$TMP/err3.txt"
rc=$?
[ "$rc" = 2 ] && [ "$(grep -c '"rule":"High"' "$TMP/out3.jsonl")" = 6 ] &&
  grep -q "^vigil detect: $TMP/empty.rules: no rules found" "$TMP/err3.txt" &&
  grep -q "2 rule error(s) above" "$TMP/err3.txt" && passed=$((passed + 1)) ||
  bad "an empty file beside a good one: rc=$rc $(cat "$TMP/err3.txt")"

# serve: Prometheus on a port where nothing listens (its reads fail; serve runs on).
start_serve "$TMP/serve.log" --data-dir "$TMP/var" --prometheus-url "http://127.0.0.1:$(free_port)" \
  serve --listen "127.0.0.1:$(free_port)" --no-probes --rules "$TMP/mixed.rules" --eval-interval 1
grep -q "^vigil serve: $TMP/mixed.rules:8:27: unknown function \`medain\`" "$TMP/serve.log" &&
  grep -q '^vigil serve: online detection: 2 rule(s) (1 rule error(s) above: those rules are left out) from 1 file(s)' "$TMP/serve.log" &&
  passed=$((passed + 1)) || bad "serve's log: $(cat "$TMP/serve.log")"
curl -sf "$V/metrics" | grep -q '^vigil_detection_rule_errors 1$' && passed=$((passed + 1)) ||
  bad "vigil_detection_rule_errors: $(curl -s "$V/metrics" | grep rule_errors)"

echo "rules_bad_among_good_test: $passed passed, $fail failed"
[ $fail -eq 0 ]
