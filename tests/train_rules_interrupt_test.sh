#!/usr/bin/env bash
# End to end: SIGINT / SIGTERM reach the target in progress of `vigil train-rules --proposer llm`.
# Two targets (step_time_ms, other); the fake LLM answers every call of the first target, then
# holds the second target's first request for 120 s without a byte of answer (llm_timeout 300 s).
# The signal is sent once that request has reached the server. Now: the request in flight is
# aborted (the client's cancel predicate, polled by libcurl's progress callback), no further call
# is made, the process exits 128 + the signal within a few seconds; training.json lists the first
# target (its rule file written) and the second as not completed (no rule file, its error names
# the signal); the audit log records the cancelled call. Before (issue 4's loose end 1): the stop
# waited for the target in progress, here the stalled answer (120 s): with the trainer not passing
# the stop to the proposer, the run was still going 60 s after the signal (killed; build-p, 21:02).
# Usage: bash tests/train_rules_interrupt_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
source "$HERE/lib/step_time_csv.sh"
source "$HERE/lib/fake_llm.sh"
stop_fake_llm_at_exit

step_time_csv "$TMP/one.csv"
awk 'BEGIN { FS = OFS = "," } NR == 1 { print; next } { print; $2 = "other"; print }' "$TMP/one.csv" >"$TMP/two.csv"
rule='rule spike {\n  select step_time_ms\n  when value > median(lag(value, 1), 60p) + 30\n}'
answer="$(printf '{"rules": "%s", "rationale": "spikes"}' "$rule" | /usr/bin/python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')"
LLM_ENV=(VIGIL_LLM_MAX_RETRIES=0 VIGIL_LLM_TIMEOUT=300s VIGIL_DATA_DIR="$TMP/var")

# How many calls one target takes (the first target of two.csv is this one).
echo "[$(for _ in $(seq 24); do printf '%s, ' "$answer"; done)$answer]" >"$TMP/script.json"
start_fake_llm
check "one target (to count its LLM calls)" 0 "trained 1 targets \(1 with rules" \
  -- env VIGIL_LLM_URL="http://127.0.0.1:$PORT/v1" "${LLM_ENV[@]}" "$VIGIL" train-rules \
  --data "csv:$TMP/one.csv" --out "$TMP/count" --proposer llm --objective point
calls=$(wc -l <"$TMP/requests.jsonl")
kill "$SERVER_PID" 2>/dev/null
wait "$SERVER_PID" 2>/dev/null

for sig in INT TERM; do
  rm -f "$TMP/port" "$TMP/requests.jsonl"
  rm -rf "$TMP/var"
  echo "[$(for _ in $(seq "$calls"); do printf '%s, ' "$answer"; done){\"stall\": 120}]" >"$TMP/script.json"
  start_fake_llm
  d="$TMP/sig$sig"
  (cd "$TMP" && exec env VIGIL_LLM_URL="http://127.0.0.1:$PORT/v1" "${LLM_ENV[@]}" \
    "$VIGIL" train-rules --data "csv:$TMP/two.csv" --out "$d" --proposer llm --objective point) >"$TMP/sig$sig.log" 2>&1 &
  pid=$!
  # The second target's first request has reached the server (it logs a request before answering).
  for _ in $(seq 1200); do [ "$(cat "$TMP/requests.jsonl" 2>/dev/null | wc -l)" -gt "$calls" ] && break; sleep 0.05; done
  [ "$(wc -l <"$TMP/requests.jsonl")" -gt "$calls" ] || bad "SIG$sig: the second target's request never came"
  kill -"$sig" "$pid" 2>/dev/null
  start_us=${EPOCHREALTIME/./}  # bash's clock in microseconds (no bc: CI's packages lack it)
  # Wait for the exit, at most 60 s (the stalled answer would take 120 s).
  for _ in $(seq 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    bad "SIG$sig: still running 60 s after the signal (the stop waited for the stalled answer)"
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid"
  rc=$?
  took_us=$((${EPOCHREALTIME/./} - start_us))
  took=$(printf '%d.%06d' $((took_us / 1000000)) $((took_us % 1000000)))
  echo "SIG$sig: exit $rc, $took s after the signal"
  want=$((128 + $(kill -l "$sig")))
  [ $rc -eq $want ] && passed=$((passed + 1)) || bad "SIG$sig: exit $rc, want $want: $(tail -3 "$TMP/sig$sig.log")"
  # The time is reported, not asserted (no timing assertions in tests: a loaded CI machine must not
  # fail it; review RV-final). What is asserted is above: the exit came before the stalled answer
  # (120 s) could have, and below: the audit line of the aborted call.
  grep -q "stopped by SIG$sig after 1 of 2 targets; target other was in progress: cut short, no rule file" \
    "$TMP/sig$sig.log" && passed=$((passed + 1)) || bad "SIG$sig: no stop line: $(tail -3 "$TMP/sig$sig.log")"
  /usr/bin/python3 - "$d" "$sig" "$TMP/var/audit" <<'PY' && passed=$((passed + 1)) || bad "SIG$sig: training.json, rule files or audit wrong"
import glob, json, os, sys
d, sig, audit = sys.argv[1], sys.argv[2], sys.argv[3]
j = json.load(open(os.path.join(d, "training.json")))
files = sorted(f for f in os.listdir(d) if f.endswith(".rules"))
assert j["complete"] is False and j["targets_planned"] == 2, j
t = j["targets"]
assert [x["target"] for x in t] == ["step_time_ms", "other"], t
assert t[0]["rule_file"] == "step_time_ms.rules" and "completed" not in t[0], t[0]
assert t[1]["completed"] is False and t[1]["rule_file"] is None and "rules" not in t[1], t[1]
assert "stopped by SIG" + sig + " before this target finished" in t[1]["error"], t[1]["error"]
assert t[1]["error"].count("before this target finished") == 1, t[1]["error"]  # said once
assert files == ["step_time_ms.rules"], files
lines = [json.loads(l) for f in glob.glob(os.path.join(audit, "llm-*.jsonl")) for l in open(f)]
cancelled = [l for l in lines if l.get("cancelled")]
assert len(cancelled) == 1 and "cancelled" in cancelled[0]["error"], [l.get("error") for l in lines]
PY
  # No call after the cancelled one.
  [ "$(wc -l <"$TMP/requests.jsonl")" -eq $((calls + 1)) ] && passed=$((passed + 1)) ||
    bad "SIG$sig: $(wc -l <"$TMP/requests.jsonl") requests, want $((calls + 1))"
  kill "$SERVER_PID" 2>/dev/null
  wait "$SERVER_PID" 2>/dev/null
  SERVER_PID=""
done

# SIGINT then at once SIGTERM: the second signal ends the process (its default action). Before
# (lead, final read): the one-shot handler reset SIGINT only, so the SIGTERM went to the handler
# again and was swallowed: the run went on to its graceful SIGINT exit, 130 "stopped by SIGINT"
# (3 of 3 runs on the old binary). Now: killed by the SIGTERM, 143, and never a graceful stop
# naming SIGTERM. A graceful 130 is also what a run gives whose SIGINT exit finished before the
# SIGTERM was sent, so the two are sent while the process is stopped (below), and a 130 is still
# retried: the check fails only when three tries all give 130.
int_then_term() {
  rm -f "$TMP/port" "$TMP/requests.jsonl"
  rm -rf "$TMP/var" "$TMP/both"
  echo "[$(for _ in $(seq "$calls"); do printf '%s, ' "$answer"; done){\"stall\": 120}]" >"$TMP/script.json"
  start_fake_llm
  (cd "$TMP" && exec env VIGIL_LLM_URL="http://127.0.0.1:$PORT/v1" "${LLM_ENV[@]}" \
    "$VIGIL" train-rules --data "csv:$TMP/two.csv" --out "$TMP/both" --proposer llm --objective point) >"$TMP/both.log" 2>&1 &
  local pid=$! rc
  for _ in $(seq 1200); do [ "$(cat "$TMP/requests.jsonl" 2>/dev/null | wc -l)" -gt "$calls" ] && break; sleep 0.05; done
  # Both signals are sent while the process is stopped, so both are pending when it runs again (the
  # kernel delivers SIGINT first, then SIGTERM): on a loaded machine the two kills alone gave the
  # SIGINT exit time to finish between them (a fresh machine's first scripts/test, load 19: 130 three times).
  kill -STOP "$pid" 2>/dev/null; kill -INT "$pid" 2>/dev/null; kill -TERM "$pid" 2>/dev/null; kill -CONT "$pid" 2>/dev/null
  for _ in $(seq 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  wait "$pid"
  rc=$?
  kill "$SERVER_PID" 2>/dev/null
  wait "$SERVER_PID" 2>/dev/null
  SERVER_PID=""
  return $rc
}
for try in 1 2 3; do
  int_then_term
  rc=$?
  echo "INT+TERM try $try: exit $rc"
  [ $rc -ne 130 ] && break
done
if [ $rc -eq 143 ] && ! grep -q "stopped by SIGTERM" "$TMP/both.log"; then
  passed=$((passed + 1))
else
  bad "INT+TERM: exit $rc (want 143, killed by the second signal), log: $(tail -2 "$TMP/both.log")"
fi

echo "train_rules_interrupt_test: $passed passed, $fail failed"
[ $fail -eq 0 ]
