#!/usr/bin/env bash
# End to end (DOG7, 2026-12-05): SIGINT (Ctrl-C) and SIGTERM while vigil runs live probes, with a
# probe program that hangs (a shell script that starts two `sleep`s, one in the background: the
# probe's own children). Checked each time with pgrep that no probe process survives.
#  1. `vigil diagnose --alert` (the alert names this host: the local executor runs its probes):
#     SIGTERM -> exit 143 within seconds, SIGINT -> 130, the stderr line says so, the output is
#     whole (valid JSON with --json) and names the probes ended; a second signal quits at once.
#  2. `vigil probe run`: SIGTERM -> 143, nothing left.
#  3. `vigil serve --stop-wait 2` mid-triage: SIGTERM -> it stops taking requests, after 2 s the
#     triage's probes are ended, the incident is queued again marked interrupted (its error says
#     so: the store row read back), serve exits 0, nothing left; a restart triages it again.
# Before DOG7 (b58f1b4a's binary): diagnose died at once (143) leaving the probe's `sleep`s running
# (orphans), and serve waited the probes' whole time limits (15 s each, wave after wave).
source "$(dirname "$0")/lib/e2e.sh" "$@"
require_tools curl pgrep python3
source "$HERE/lib/prometheus.sh"  # PIDS stopped at exit
source "$HERE/lib/serve.sh"       # start_serve, wait_for
PY=/usr/bin/python3
HOST=$(hostname)
# The probe: a program of its own name (pgrep finds every one of its processes by the folder).
ln -s "$(command -v sleep)" "$TMP/probe_sleep"
printf '#!/bin/sh\necho started >&2\n"%s" 1000 &\n"%s" 1000\n' "$TMP/probe_sleep" "$TMP/probe_sleep" >"$TMP/hang_probe.sh"
chmod +x "$TMP/hang_probe.sh"
EXEC="local:binary=$TMP/hang_probe.sh"
printf '%s\n' '{"version":"4","status":"firing","receiver":"vigil","groupKey":"g1","alerts":[{"status":"firing",' \
  ' "labels":{"alertname":"GpuXidError","Hostname":"'"$HOST"'","gpu":"2","severity":"critical"},' \
  ' "annotations":{"summary":"Xid 79 on '"$HOST"' GPU 2"},"startsAt":"2026-12-05T10:00:00Z",' \
  ' "endsAt":"0001-01-01T00:00:00Z","fingerprint":"00000000000abc01"}]}' >"$TMP/alert.json"
left() { pgrep -f "$TMP/(probe_sleep|hang_probe)" | tr '\n' ' '; }
probes_up() {  # up to 60 s for a probe's sleep to run
  for _ in $(seq 600); do pgrep -f "$TMP/probe_sleep" >/dev/null && return 0; sleep 0.1; done
  return 1
}
nothing_left() {  # NAME: up to 1 s for the group to go, then none may remain
  for _ in $(seq 10); do [ -z "$(left)" ] && break; sleep 0.1; done
  local l
  l=$(left)
  if [ -z "$l" ]; then passed=$((passed + 1)); else
    bad "$1: probe processes left running: $(ps -o pid,ppid,pgid,args -p "$(tr ' ' , <<<"${l% }")" 2>/dev/null)"
    kill $l 2>/dev/null
  fi
}
now() { date +%s.%N; }

# --- 1. vigil diagnose --alert with live probes ---
interrupt_diagnose() {  # SIGNAL [--json]: diagnose, the signal once a probe runs; sets RC, SECS
  "$VIGIL" --data-dir "$TMP/d_$1" --probe-executor "$EXEC" diagnose --alert "$TMP/alert.json" ${2:-} \
    >"$TMP/diag_$1.out" 2>"$TMP/diag_$1.err" &
  local p=$! t0
  PIDS+=("$p")
  probes_up || bad "diagnose: no probe started: $(tail -3 "$TMP/diag_$1.err")"
  t0=$(now)
  kill -"$1" $p
  wait $p
  RC=$?
  SECS=$("$PY" -c "print('%.1f' % ($(now) - $t0))")
}
interrupt_diagnose TERM --json
[ "$RC" = 143 ] && passed=$((passed + 1)) || bad "diagnose SIGTERM: exit $RC, want 143: $(tail -3 "$TMP/diag_TERM.err")"
echo "diagnose: SIGTERM -> exit $RC after $SECS s"
nothing_left "diagnose SIGTERM"
check "diagnose SIGTERM: said on stderr" 0 \
  '^vigil diagnose: stopped by SIGTERM: the probes it ran were ended; .* exit 143$' -- cat "$TMP/diag_TERM.err"
check "diagnose SIGTERM: the JSON printed is whole, its probes ended or not run, said" 0 '^ok [1-9]' -- \
  "$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); t=json.dumps(j)
n=t.count("vigil is stopping (SIGTERM)"); print("ok", n) if n else print("none named", t[:300])' "$TMP/diag_TERM.out"
interrupt_diagnose INT
[ "$RC" = 130 ] && passed=$((passed + 1)) || bad "diagnose SIGINT: exit $RC, want 130: $(tail -3 "$TMP/diag_INT.err")"
echo "diagnose: SIGINT -> exit $RC after $SECS s"
nothing_left "diagnose SIGINT"
check "diagnose SIGINT: the text output's not-verified lines name the stop" 0 \
  'probe gpu\.[a-z_]+@'"$HOST"'/gpu[0-9]: error \(vigil-probe .*vigil is stopping \(SIGINT\)' -- \
  cat "$TMP/diag_INT.out"
# A second signal: at once, its group killed.
"$VIGIL" --data-dir "$TMP/d_twice" --probe-executor "$EXEC" diagnose --alert "$TMP/alert.json" >"$TMP/twice.out" 2>"$TMP/twice.err" &
p=$!
PIDS+=("$p")
probes_up || bad "diagnose (twice): no probe started"
kill -TERM $p; sleep 0.05; kill -TERM $p
wait $p
rc=$?
[ "$rc" = 143 ] && passed=$((passed + 1)) || bad "diagnose, SIGTERM twice: exit $rc, want 143: $(cat "$TMP/twice.err")"
nothing_left "diagnose, SIGTERM twice"

# --- 2. vigil probe run ---
"$VIGIL" probe run gpu.health --target "$HOST/gpu0" --executor "$EXEC" --time-limit 300 >"$TMP/probe.out" 2>"$TMP/probe.err" &
p=$!
PIDS+=("$p")
probes_up || bad "probe run: no probe started: $(cat "$TMP/probe.err")"
kill -TERM $p
wait $p
rc=$?
[ "$rc" = 143 ] && passed=$((passed + 1)) || bad "probe run SIGTERM: exit $rc, want 143: $(cat "$TMP/probe.err")"
nothing_left "probe run SIGTERM"
check "probe run SIGTERM: its result says the probe was stopped" 0 'stopped before it ended: vigil is stopping \(SIGTERM\)' -- \
  cat "$TMP/probe.out" "$TMP/probe.err"

# --- 3. vigil serve mid-triage ---
start_serve "$TMP/serve.log" --log-level warn --data-dir "$TMP/var" --listen 127.0.0.1:0 --probe-executor "$EXEC" \
  serve --workers 1 --stop-wait 2
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$TMP/alert.json" "$V/api/v1/alerts")
[ "$code" = 200 ] && passed=$((passed + 1)) || bad "the webhook was answered $code"
probes_up || bad "serve: no probe started: $(tail -5 "$TMP/serve.log")"
t0=$(now)
kill -TERM "$VPID"
wait "$VPID"
rc=$?
secs=$("$PY" -c "print('%.1f' % ($(now) - $t0))")
echo "serve: SIGTERM mid-triage -> exit $rc after $secs s (--stop-wait 2)"
[ "$rc" = 0 ] && passed=$((passed + 1)) || bad "serve SIGTERM: exit $rc, want 0: $(tail -5 "$TMP/serve.log")"
"$PY" -c "import sys; sys.exit(0 if $secs <= 20 else 1)" && passed=$((passed + 1)) || bad "serve SIGTERM took $secs s with --stop-wait 2"
nothing_left "serve SIGTERM mid-triage"
check "serve: the stop past --stop-wait is said" 0 \
  'vigil serve: 1 triage\(s\) still running 2 s after SIGTERM \(--stop-wait\): their probes are ended' -- cat "$TMP/serve.log"
check "serve: the incident is queued again, marked interrupted (the store read back)" 0 \
  '^queued\|interrupted: vigil serve stopped \(SIGTERM\) while this incident was verified' -- \
  "$PY" -c 'import sqlite3,sys; print("\n".join("%s|%s" % r for r in sqlite3.connect(sys.argv[1]).execute("select state, error from incidents")))' \
  "$TMP/var/incidents.db"
# RV2: the interrupted triage is no failed attempt (ClaimNext counted it; a failure after two interrupted
# starts was then "attempt 3 of 3" and failed for good, with no retry).
check "serve: the interrupted triage is not counted as an attempt" 0 '^attempts 0$' -- \
  "$PY" -c 'import sqlite3,sys; print("attempts %d" % sqlite3.connect(sys.argv[1]).execute("select attempts from incidents").fetchone())' \
  "$TMP/var/incidents.db"
# Restarted without probes: the incident is triaged again (diagnosed).
start_serve "$TMP/serve2.log" --log-level warn --data-dir "$TMP/var" --listen 127.0.0.1:0 serve --no-probes --workers 1
wait_for 60 'j["incidents"] and j["incidents"][0]["state"] == "diagnosed"' && passed=$((passed + 1)) ||
  bad "restarted: the interrupted incident was not diagnosed: $(curl -s "$V/api/v1/incidents" | head -c 600)"
kill -TERM "$VPID"; wait "$VPID" 2>/dev/null

# --- 4. a signal while diagnose waits on an LLM or on Prometheus (2026-12-06) ---
# A server that accepts and never answers (its limits are 120 s / 60 s). The first signal aborts the
# request (connectors/http_client.h CancelAllHttpTransfers): the diagnosis is finished without it
# and printed, exit 143. Before, only probes were stopped: the wait ran on to the 10 s hard bound
# and vigil quit with nothing printed.
"$PY" - "$TMP/silent_port" "$TMP/silent_accepted" <<'PYSRV' &
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
held = []
while True:
    c, _ = s.accept(); held.append(c)
    open(sys.argv[2], "a").write("accepted\n")
PYSRV
PIDS+=("$!")
: >"$TMP/silent_accepted"
for _ in $(seq 100); do [ -s "$TMP/silent_port" ] && break; sleep 0.1; done
SILENT="http://127.0.0.1:$(cat "$TMP/silent_port")"
interrupt_wait() {  # NAME ARGS...: diagnose --alert --no-probes with ARGS; SIGTERM once the silent server has a client
  local name=$1 p n0
  shift
  n0=$(wc -l <"$TMP/silent_accepted")
  "$VIGIL" --data-dir "$TMP/d_$name" "$@" diagnose --alert "$TMP/alert.json" --no-probes --json \
    >"$TMP/$name.out" 2>"$TMP/$name.err" &
  p=$!
  PIDS+=("$p")
  for _ in $(seq 300); do [ "$(wc -l <"$TMP/silent_accepted")" -gt "$n0" ] && break; sleep 0.1; done
  [ "$(wc -l <"$TMP/silent_accepted")" -gt "$n0" ] || bad "$name: vigil never connected: $(tail -3 "$TMP/$name.err")"
  kill -TERM $p
  wait $p
  RC=$?
}
interrupt_wait llm_wait --llm-url "$SILENT/v1" --llm-model m --llm-timeout 120s
[ "$RC" = 143 ] && passed=$((passed + 1)) || bad "diagnose waiting on the LLM, SIGTERM: exit $RC, want 143: $(tail -3 "$TMP/llm_wait.err")"
check "diagnose waiting on the LLM: the diagnosis is printed whole (JSON), the LLM's abort said" 0 '^ok ' -- \
  "$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); t=json.dumps(j)
j=j[0] if isinstance(j, list) else j
print("ok", j.get("mode")) if "stopping: SIGTERM" in t else print("not said", t[:300])' "$TMP/llm_wait.out"
check "diagnose waiting on the LLM: the stop said on stderr, not the hard bound" 0 \
  '^vigil diagnose: stopped by SIGTERM: ' -- cat "$TMP/llm_wait.err"
interrupt_wait prom_wait --prometheus-url "$SILENT" --prometheus-timeout 60s
[ "$RC" = 143 ] && passed=$((passed + 1)) || bad "diagnose waiting on Prometheus, SIGTERM: exit $RC, want 143: $(tail -3 "$TMP/prom_wait.err")"
check "diagnose waiting on Prometheus: the diagnosis is printed whole (JSON)" 0 '^ok' -- \
  "$PY" -c 'import json,sys; json.load(open(sys.argv[1])); print("ok")' "$TMP/prom_wait.out"
check "diagnose waiting on Prometheus: the stop said on stderr, not the hard bound" 0 \
  '^vigil diagnose: stopped by SIGTERM: ' -- cat "$TMP/prom_wait.err"

echo "oncall_interrupt: $passed passed, $fail failed"
[ "$fail" = 0 ]
