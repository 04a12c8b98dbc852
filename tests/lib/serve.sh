# Shared by the end-to-end scripts that run `vigil serve`, sourced after lib/e2e.sh and
# lib/prometheus.sh (PIDS: the processes stopped at exit):
#   start_serve LOG ARG...
# runs `$VIGIL ARG...` (global flags, `serve`, its flags) in the background with its output in LOG,
# waits up to 60 s for its `listening on` line (the knowledge pack is loaded first), and sets VPID
# (added to PIDS) and V (its URL, http://127.0.0.1:PORT); no such line: prints LOG and
# "FAIL vigil serve did not start", and exits 1.
#   wait_for SECONDS PYTHON_CONDITION
# polls $V/api/v1/incidents every 0.1 s until PYTHON_CONDITION holds on its JSON (`j`); returns 1
# when it has not within SECONDS. Uses $PY (default /usr/bin/python3).
#   fetch_incidents PREFIX
# saves GET $V/api/v1/incidents/ID of every incident the list holds to PREFIX<ID>.json.
#   alertmanager_config FILE WEBHOOK_URL GROUP_BY REPEAT_INTERVAL [CREDENTIALS_FILE]
# writes an Alertmanager config to FILE whose one route sends every alert to the receiver `vigil`:
# a webhook to WEBHOOK_URL (vigil's /api/v1/alerts) with send_resolved, group_wait $AM_GROUP_WAIT
# (default 1s) and group_interval 1s, group_by [GROUP_BY] (e.g. "alertname, Hostname") and REPEAT_INTERVAL (e.g.
# 2s to have Alertmanager re-send while a test runs); with CREDENTIALS_FILE, its http_config sends
# `Authorization: Bearer <the file's token>` (authorization.credentials_file; vigil serve
# --auth-token-file). Start it with lib/prometheus.sh's start_alertmanager.
# AM_GROUP_WAIT (FLK1): Alertmanager sends a group at once, with only the alerts inserted so far, when
# an alert reaches it more than group_wait after its startsAt; a storm test whose Prometheus delivers
# late (a loaded machine) then got its group in two webhooks. 5s there keeps the group whole for
# deliveries up to 5 s late.
alertmanager_config() {
  local file=$1 url=$2 group_by=$3 repeat=$4 credentials=${5:-}
  cat >"$file" <<EOF
route:
  receiver: vigil
  group_by: [$group_by]
  group_wait: ${AM_GROUP_WAIT:-1s}
  group_interval: 1s
  repeat_interval: $repeat
receivers:
  - name: vigil
    webhook_configs:
      - url: $url
        send_resolved: true
EOF
  if [ -n "$credentials" ]; then
    cat >>"$file" <<EOF
        http_config:
          authorization:
            credentials_file: $credentials
EOF
  fi
}
start_serve() {
  local log=$1
  shift
  "$VIGIL" "$@" >"$log" 2>&1 &
  VPID=$!
  PIDS+=("$VPID")
  for _ in $(seq 600); do
    grep -q 'listening on' "$log" && break
    kill -0 "$VPID" 2>/dev/null || break
    sleep 0.1
  done
  V=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$log" | sed 's/listening on //')
  [ -n "$V" ] || { cat "$log"; echo "FAIL vigil serve did not start"; exit 1; }
}
wait_for() {
  local i
  for i in $(seq $(($1 * 10))); do
    curl -sf "$V/api/v1/incidents" 2>/dev/null |
      "${PY:-/usr/bin/python3}" -c "import json,sys; j=json.load(sys.stdin); sys.exit(0 if ($2) else 1)" && return 0
    sleep 0.1
  done
  return 1
}
fetch_incidents() {
  local id
  for id in $(curl -sf "$V/api/v1/incidents" |
              "${PY:-/usr/bin/python3}" -c 'import json,sys; print(" ".join(str(i["id"]) for i in json.load(sys.stdin)["incidents"]))'); do
    curl -sf "$V/api/v1/incidents/$id" >"$1$id.json"
  done
}
