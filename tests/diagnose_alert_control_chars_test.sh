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
echo "diagnose_alert_control_chars: $passed passed, $fail failed"
[ "$fail" = 0 ]
