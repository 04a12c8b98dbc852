#!/usr/bin/env bash
# End to end: `vigil eval detect`'s iforest peer keeps its exchange files out of the report folder
# (issue 4's loose end, 2026-11-30, L). Before, `iforest_in/` and `iforest_out/` were written into
# --out and left there after every run, and Ctrl-C while the peer ran stopped only the peer: the
# run went on and wrote its report with iforest "failed" (exit 1).
#  1. a run on a KPI slice: the report folder holds report.md and report.json only, and the
#     temporary folder (TMPDIR) nothing (needs /usr/bin/python3 with sklearn, else skipped);
#  2. two runs at once, different --out: both succeed, same iforest figures, nothing left over;
#  3. the peer fails (a stand-in interpreter): exit 1, its files kept in TMPDIR/vigil-iforest-*,
#     and the report and the error name that folder;
#  4. Ctrl-C (SIGINT to the foreground process group) while the peer runs: the run ends by SIGINT
#     (130), no report, and the peer's folder is removed;
#  5. SIGTERM to vigil alone while the peer runs: exit 143 and the peer dies with it.
# Usage: bash tests/le_eval_detect_scratch_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
export TMPDIR="$TMP/tmp"
mkdir -p "$TMPDIR"
ARGS=(eval detect --dataset kpi --filter 05f10d3a --max-points 3000 --detectors iforest --no-plots)
listing() { (cd "$1" && find . -mindepth 1 | sort | tr '\n' ' '); }

# 1 and 2: the real peer.
if /usr/bin/python3 -c 'import sklearn, pandas' 2>/dev/null; then
  check "one run" 0 "report in $TMP/one" -- "$VIGIL" "${ARGS[@]}" --out "$TMP/one"
  [ "$(listing "$TMP/one")" = "./report.json ./report.md " ] && passed=$((passed + 1)) ||
    bad "report folder holds more than the report: $(listing "$TMP/one")"
  [ -z "$(listing "$TMPDIR")" ] && passed=$((passed + 1)) || bad "left in TMPDIR: $(listing "$TMPDIR")"
  "$VIGIL" "${ARGS[@]}" --out "$TMP/a" >"$TMP/a.log" 2>&1 & pa=$!
  "$VIGIL" "${ARGS[@]}" --out "$TMP/b" >"$TMP/b.log" 2>&1 & pb=$!
  wait $pa; ra=$?; wait $pb; rb=$?
  [ $ra -eq 0 ] && [ $rb -eq 0 ] && passed=$((passed + 1)) || bad "two at once: exit $ra and $rb: $(tail -n 2 "$TMP/a.log" "$TMP/b.log")"
  figures() { /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps(d["detectors"][0]["overall"], sort_keys=True))' "$1/report.json" 2>&1; }
  if [ "$(figures "$TMP/a")" = "$(figures "$TMP/one")" ] && [ "$(figures "$TMP/b")" = "$(figures "$TMP/one")" ]; then
    passed=$((passed + 1)); else bad "two at once: figures differ from the single run: $(figures "$TMP/a") / $(figures "$TMP/b") / $(figures "$TMP/one")"; fi
  [ "$(listing "$TMP/a")$(listing "$TMP/b")" = "./report.json ./report.md ./report.json ./report.md " ] &&
    [ -z "$(listing "$TMPDIR")" ] && passed=$((passed + 1)) || bad "two at once left: $(listing "$TMP/a") | $(listing "$TMP/b") | $(listing "$TMPDIR")"
else
  echo "le_eval_detect_scratch_test: parts 1-2 skipped: /usr/bin/python3 has no sklearn/pandas"
fi

# 3. A failing peer: its files are kept and named.
printf '#!/bin/sh\necho "stand-in peer: no model today" >&2\nexit 4\n' >"$TMP/failpy"
chmod +x "$TMP/failpy"
"$VIGIL" "${ARGS[@]}" --python "$TMP/failpy" --out "$TMP/fail" >"$TMP/fail.log" 2>&1; rc=$?
kept=$(find "$TMPDIR" -mindepth 1 -maxdepth 1 -name 'vigil-iforest-*' | head -1)
[ $rc -eq 1 ] && passed=$((passed + 1)) || bad "failing peer: exit $rc, want 1: $(tail -3 "$TMP/fail.log")"
if [ -n "$kept" ] && [ -f "$kept/in/manifest.json" ] && grep -q "no model today" "$kept/out/log.txt"; then
  passed=$((passed + 1)); else bad "failing peer: no kept folder with its input and log in TMPDIR: $(listing "$TMPDIR")"; fi
if [ -n "$kept" ] && grep -qF "kept in $kept" "$TMP/fail/report.md" && grep -qF "kept in $kept" "$TMP/fail.log"; then
  passed=$((passed + 1)); else bad "failing peer: report.md or the error does not name $kept: $(grep iforest "$TMP/fail/report.md" | head -3)"; fi
[ "$(listing "$TMP/fail")" = "./report.json ./report.md " ] && passed=$((passed + 1)) ||
  bad "failing peer: report folder holds $(listing "$TMP/fail")"
# Its log tail is printed once (the progress line), not again by the last line (RV-LS: it was
# twice), and the wall times read "N.N s" or "<0.1 s" ("wall time 0 s", "(0.0 s)" before).
[ "$(grep -c "no model today" "$TMP/fail.log")" = 1 ] && passed=$((passed + 1)) ||
  bad "failing peer: its log tail printed $(grep -c "no model today" "$TMP/fail.log") times: $(cat "$TMP/fail.log")"
if grep -qE 'wall time ([0-9]+\.[0-9]|<0\.1) s; report in' "$TMP/fail.log" &&
  grep -qE '^eval detect: loaded .* in ([0-9]+\.[0-9]|<0\.1) s$' "$TMP/fail.log" &&
  ! grep -qE '(in |\()0\.0 s|wall time [0-9]+ s' "$TMP/fail.log"; then passed=$((passed + 1)); else
  bad "failing peer: wall times not as N.N s / <0.1 s: $(grep -E 'wall time|loaded| s\)' "$TMP/fail.log")"; fi
rm -rf "${TMPDIR:?}"/*

# 4. Ctrl-C while the peer runs. Job control gives the background run its own process group with
#    SIGINT not ignored, as a terminal's foreground job has.
printf '#!/bin/sh\ntouch "%s"\nsleep 60\n' "$TMP/started" >"$TMP/slowpy"
chmod +x "$TMP/slowpy"
set -m
"$VIGIL" "${ARGS[@]}" --python "$TMP/slowpy" --out "$TMP/int" >"$TMP/int.log" 2>&1 & pid=$!
set +m
for _ in $(seq 1200); do [ -e "$TMP/started" ] && break; sleep 0.05; done
if [ -e "$TMP/started" ]; then
  kill -INT -- "-$pid"
  wait $pid; rc=$?
  [ $rc -eq 130 ] && passed=$((passed + 1)) || bad "Ctrl-C: exit $rc, want 130 (SIGINT): $(tail -3 "$TMP/int.log")"
  [ -z "$(listing "$TMPDIR")" ] && passed=$((passed + 1)) || bad "Ctrl-C: left in TMPDIR: $(listing "$TMPDIR")"
  [ ! -e "$TMP/int/report.md" ] && [ ! -e "$TMP/int/iforest_in" ] && passed=$((passed + 1)) ||
    bad "Ctrl-C: the run went on: $(listing "$TMP/int")"
else
  bad "Ctrl-C: the stand-in peer never started: $(tail -3 "$TMP/int.log")"; kill -- "-$pid" 2>/dev/null
fi

# 5. SIGTERM to vigil alone while the peer runs (a scheduler or `kill` stopping the run): vigil
#    ends by SIGTERM (143) and the peer dies with it (before, RV-LS 2026-11-30: std::system's
#    shell and the peer ran on to their end, writing into the folder left behind). The folder
#    itself is still left (vigil dies by the signal's default action).
rm -rf "${TMPDIR:?}"/* "$TMP/started"
printf '#!/bin/sh\necho $$ > "%s.tmp" && mv "%s.tmp" "%s"\nexec sleep 60\n' "$TMP/peer" "$TMP/peer" "$TMP/peer" >"$TMP/termpy"
chmod +x "$TMP/termpy"
"$VIGIL" "${ARGS[@]}" --python "$TMP/termpy" --out "$TMP/term" >"$TMP/term.log" 2>&1 & pid=$!
for _ in $(seq 1200); do [ -s "$TMP/peer" ] && break; sleep 0.05; done
if [ -s "$TMP/peer" ]; then
  peer=$(cat "$TMP/peer")
  kill -TERM "$pid"
  wait $pid; rc=$?
  [ $rc -eq 143 ] && passed=$((passed + 1)) || bad "SIGTERM: exit $rc, want 143: $(tail -3 "$TMP/term.log")"
  gone=0
  for _ in $(seq 400); do
    st=$(awk '{print $3}' "/proc/$peer/stat" 2>/dev/null)
    if [ -z "$st" ] || [ "$st" = Z ]; then gone=1; break; fi
    sleep 0.05
  done
  [ $gone = 1 ] && passed=$((passed + 1)) || { bad "SIGTERM: the peer (pid $peer) still runs"; kill -KILL "$peer"; }
else
  bad "SIGTERM: the stand-in peer never started: $(tail -3 "$TMP/term.log")"; kill -- "$pid" 2>/dev/null
fi

echo "le_eval_detect_scratch_test: $passed passed, $fail failed"
[ $fail -eq 0 ]
