#!/usr/bin/env bash
# `vigil diagnose --alert`'s text output escapes control characters an alert carries in its labels
# and annotations (QA, 2026-12-03: a NUL in a label went to the terminal raw, and an ESC can clear or
# retitle it): NUL, ESC, BEL and the C1 CSI U+009B are written \x00, \x1b, \x07, \x9b; the layout's
# line breaks stay. --json output stays JSON (the characters as \u00XX escapes, parsed back intact).
# Fails with a binary before SM (the raw bytes in the text output: 5 of 7 checks).
# Usage: bash tests/diagnose_alert_control_chars_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
V=("$VIGIL" --log-level error --data-dir "$TMP/var" --prometheus-url "")  # the shipped pack: the evidence quotes the alert
cat >"$TMP/alert.json" <<'JSON'
{"version":"4","status":"firing","receiver":"vigil","groupLabels":{},"commonLabels":{},"commonAnnotations":{},
 "externalURL":"http://am","alerts":[{"status":"firing",
 "labels":{"alertname":"GpuXid\u0000\u001b[2J","instance":"node-a\u001b]0;pwned\u0007","gpu":"3\u009bx"},
 "annotations":{"summary":"Xid 79 on \u001b[31mnode-a\u0000"},
 "startsAt":"2026-12-01T00:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"abc"}]}
JSON
"${V[@]}" diagnose --alert "$TMP/alert.json" --no-probes >"$TMP/text" 2>"$TMP/err"
rc=$?
[ "$rc" = 0 ] || bad "text: rc=$rc: $(head -5 "$TMP/err")"
has() { grep -qF -- "$1" "$TMP/text" && passed=$((passed + 1)) || bad "text lacks '$1'"; }
has '== alert GpuXid\x00\x1b[2J (abc)'
has 'node-a\x1b]0;pwned\x07'
has 'Xid 79 on \x1b[31mnode-a\x00'
has '3\x9bx'
# No raw control byte but the layout's line breaks.
if LC_ALL=C tr -d '\n\t' <"$TMP/text" | LC_ALL=C grep -qaP '[\x00-\x1f\x7f]|\xc2[\x80-\x9f]'; then
  bad "text holds a raw control byte"
else
  passed=$((passed + 1))
fi
[ "$(wc -l <"$TMP/text")" -gt 5 ] && passed=$((passed + 1)) || bad "text lost its line breaks"
# JSON stays JSON: the label comes back intact.
"${V[@]}" diagnose --alert "$TMP/alert.json" --no-probes --json >"$TMP/json" 2>>"$TMP/err" || bad "json: rc=$?"
if python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))[0]["alert"]; sys.exit(0 if a["alertname"]=="GpuXid\x00\x1b[2J" and a["labels"]["gpu"]=="3\x9bx" else 1)' "$TMP/json"; then
  passed=$((passed + 1))
else
  bad "json: the labels did not come back intact"
fi

# Part 2 (SM2, 2026-12-03): a line break inside a label or annotation is written \n / \r, never a
# new line of the report; an error message's user text cannot print a `vigil:` line of its own.
# Fails with a binary before SM2 (the label's lines read as fields: 4 of 5 checks).
cat >"$TMP/nl.json" <<'JSON'
{"status":"firing","labels":{"alertname":"GpuXid\nroot_cause:  forged","instance":"node-a\r\nseverity: none","gpu":"3"},
 "annotations":{"summary":"Xid 79 on node-a\nmitigation:  none needed"},
 "startsAt":"2026-12-01T00:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"f\nx"}
JSON
"${V[@]}" diagnose --alert "$TMP/nl.json" --no-probes >"$TMP/nl" 2>"$TMP/nl.err" || bad "line breaks: rc=$?: $(head -3 "$TMP/nl.err")"
grep -qF '== alert GpuXid\nroot_cause:  forged (f\nx)' "$TMP/nl" && passed=$((passed + 1)) || bad "the == alert line lacks the escaped name"
[ "$(grep -c '^root_cause:' "$TMP/nl")" = 1 ] && passed=$((passed + 1)) || bad "a label made a root_cause: line: $(grep -n '^root_cause:' "$TMP/nl")"
[ "$(grep -c '^mitigation:' "$TMP/nl")" = 1 ] && passed=$((passed + 1)) || bad "an annotation made a mitigation: line"
if LC_ALL=C grep -qa $'\r' "$TMP/nl"; then bad "a raw CR in the text"; else passed=$((passed + 1)); fi
"${V[@]}" diagnose --case "$TMP/no"$'\n''vigil: forged'$'\e''[2J.json' 2>"$TMP/err2" >/dev/null
if [ "$(grep -c '^vigil:' "$TMP/err2")" = 1 ] && grep -qF '\x1b[2J' "$TMP/err2"; then
  passed=$((passed + 1))
else
  bad "error message: $(cat -A "$TMP/err2" | head -3)"
fi
echo "diagnose_alert_control_chars: $passed passed, $fail failed"
[ "$fail" = 0 ]
