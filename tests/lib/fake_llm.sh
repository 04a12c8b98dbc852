# Shared helper for the end-to-end scripts that talk to an LLM (sourced; needs $HERE and $TMP).
# start_fake_llm: starts tests/fake_openai_server.py on a free loopback port, replaying
# $TMP/script.json and logging every request to $TMP/requests.jsonl; sets SERVER_PID (for the
# script's cleanup trap) and PORT; exits 1 when the server has not written its port within 30 s
# (5 s before review RV-final: a generous bound for a loaded 2-core CI machine running ctest -j2).
start_fake_llm() {
  /usr/bin/python3 "$HERE/fake_openai_server.py" "$TMP/script.json" "$TMP/port" "$TMP/requests.jsonl" &
  SERVER_PID=$!
  for _ in $(seq 1 600); do [ -s "$TMP/port" ] && break; sleep 0.05; done
  [ -s "$TMP/port" ] || { echo "FAIL: fake server did not start"; exit 1; }
  PORT="$(cat "$TMP/port")"
}

# wait_llm_connection: waits (up to 60 s) until some process has an open TCP connection to the fake
# server's $PORT; returns 1 if none came. With the server stopped (kill -STOP "$SERVER_PID") the
# kernel still accepts the connection, so a client is then known to be blocked on its first
# answer: a deterministic point to signal it (the interrupt checks of the train-rules tests).
# The connection is read from /proc/net/tcp (state 01, ESTABLISHED; remote port in hex), not with
# `ss`: iproute2 is not among the packages scripts/lib/setup.sh installs, and without it every
# wait ran out after 60 s and counted as a failure (review RV-final).
llm_connected() {
  awk -v port="$(printf ':%04X' "$PORT")" \
    'FNR > 1 && $4 == "01" && substr($3, length($3) - 4) == port { found = 1 } END { exit !found }' /proc/net/tcp
}
wait_llm_connection() {
  for _ in $(seq 1200); do
    llm_connected && return 0
    sleep 0.05
  done
  return 1
}

# stop_fake_llm_at_exit: the script's EXIT trap also stops the fake server (after lib/e2e.sh, whose
# trap removes $TMP only).
stop_fake_llm_at_exit() {
  SERVER_PID=""
  trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$TMP"' EXIT
}
