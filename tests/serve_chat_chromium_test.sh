#!/usr/bin/env bash
# End to end: the chat page (server/chat.h) in a real headless Chromium. Chromium opens `/?q=...`
# (the page asks on load) and --dump-dom gives the rendered DOM, which must hold the answer with the
# incident's root cause and a citation link, and markup from an alert as text only.
#
# Served by `vigil serve` when it mounts the chat routes (GET /chat answers the page): a real
# Prometheus (promtool backfill: node-b GPU 5 heats past 85 C with the SW-thermal-slowdown bit set,
# the knowledge pack's pack-thermal-sw-slowdown) as its prometheus_url; the incidents come in
# through its Alertmanager webhook route (POST /api/v1/alerts: that GPU's alert and one whose
# summary holds a <script> and an <img onerror>) and are diagnosed by its triage workers.
# Otherwise by server_test's skipped "chat page server" case (server/chat_e2e_server_test.cc: the
# chat routes on its own loopback server), whose incidents are evals/diagnosis/dev/case-001.json
# diagnosed by DiagnosisAgent (gpu_fallen_off_bus on node-3/gpu5) and the same markup alert
# triaged by TriageAlert. The script says which.
#   bash tests/serve_chat_chromium_test.sh BUILD_DIR
# Exit 77 (skipped) only when chromium is missing (curl too: scripts/test installs both); without
# prometheus/promtool the vigil serve path runs without metrics and checks the root cause the API
# reports.
source "$(dirname "$0")/lib/e2e.sh" "$@"
build=$(cd "$BUILD" && pwd)
chromium=$(command -v chromium || command -v chromium-browser || true)
for b in "$chromium" curl; do
  [ -n "$b" ] && command -v "$b" >/dev/null || { echo "SKIP: chromium or curl not installed (scripts/test installs them)"; exit 77; }
done
PY=/usr/bin/python3
free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PIDS=()
CHAT_DIRS=() CHAT_PIDS=()  # server_test's chat page servers: each ends when DIR/stop appears
# The chat page servers are asked to stop (their stop file) and given up to 30 s to end before the
# kill: a SIGTERM ends server_test in doctest's fatal-signal handler, which allocates (not
# async-signal-safe; ThreadSanitizer reported it, "signal-unsafe call inside of a signal"). Until
# 2026-12-01 only $TMP/stop was touched, so the one over $TMP/llm was always killed that way.
cleanup() {
  for d in "${CHAT_DIRS[@]}"; do touch "$d/stop"; done
  for p in "${CHAT_PIDS[@]}"; do
    for _ in $(seq 300); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  done
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

NOW=$(date +%s)
S=$(( (NOW - 8 * 3600) / 60 * 60 ))  # history start, on a minute; it ends 2 h ago
ONSET=$((S + 3 * 3600))
STARTS=$(date -u -d "@$((ONSET + 300))" +%Y-%m-%dT%H:%M:%SZ)
cat >"$TMP/hook.json" <<JSON
{"version": "4", "groupKey": "{}:{alertname=\"GpuAlerts\"}", "truncatedAlerts": 0, "status": "firing",
 "receiver": "vigil", "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {},
 "externalURL": "http://alertmanager:9093",
 "alerts": [
  {"status": "firing",
   "labels": {"alertname": "GpuTemperatureHigh", "Hostname": "node-b", "gpu": "5", "instance": "node-b:9400",
              "job": "dcgm-exporter", "severity": "critical"},
   "annotations": {"summary": "GPU 5 on node-b above 85 C"},
   "startsAt": "$STARTS", "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "", "fingerprint": "b0b5"},
  {"status": "firing",
   "labels": {"alertname": "GpuXidError", "node": "node-66", "gpu": "2", "severity": "critical"},
   "annotations": {"summary": "<script>document.title='PWNED'</script><img src=x onerror=\"document.title='PWNED2'\"> Xid 79 on node-66"},
   "startsAt": "2026-12-01T02:00:00Z", "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "", "fingerprint": "c0ffee"}]}
JSON

# Prometheus with the thermal history (only for the vigil serve path; skipped without it).
PROM=""
if command -v prometheus >/dev/null && command -v promtool >/dev/null; then
  "$PY" - "$S" "$ONSET" "$TMP/history.om" <<'PY'
import sys
S, onset, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
with open(out, "w") as f:
    for metric in ("DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS"):
        f.write(f"# TYPE {metric} gauge\n")
        for gpu in range(8):
            labels = f'Hostname="node-b",gpu="{gpu}",instance="node-b:9400",job="dcgm-exporter"'
            for t in range(S, S + 6 * 3600, 15):
                hot = gpu == 5 and t >= onset
                if metric == "DCGM_FI_DEV_GPU_TEMP":
                    v = 62 + gpu * 0.4 + (30 * min(1.0, (t - onset) / 300) if hot else 0)
                else:
                    v = 32 if hot and t >= onset + 150 else 0  # bit 5: SW thermal slowdown
                f.write(f"{metric}{{{labels}}} {v:.2f} {t}\n")
    f.write("# EOF\n")
PY
  promtool tsdb create-blocks-from openmetrics -q "$TMP/history.om" "$TMP/tsdb" >"$TMP/promtool.log" 2>&1 ||
    { cat "$TMP/promtool.log"; echo "FAIL promtool backfill"; exit 1; }
  printf 'global:\n  scrape_interval: 1h\n' >"$TMP/prometheus.yml"
  for attempt in 1 2 3; do
    port=$(free_port)
    prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" --storage.tsdb.retention.time=30d \
      --web.listen-address="127.0.0.1:$port" >"$TMP/prometheus.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1 && break; sleep 0.1; done
    curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1 && { PROM="http://127.0.0.1:$port"; break; }
    grep -q "address already in use" "$TMP/prometheus.log" || break
  done
  [ -n "$PROM" ] || { tail -20 "$TMP/prometheus.log"; echo "FAIL prometheus did not start"; exit 1; }
fi

# start_chat_server DIR: server_test's chat page server over DIR (seed.txt, llm_url); waits up to
# 2 min for DIR/port; prints its output and returns 1 when it does not come up.
start_chat_server() {
  VIGIL_CHAT_E2E_DIR="$1" "$build/tests/server_test" --no-skip -tc="chat page server*" >"$1/server.log" 2>&1 &
  PIDS+=($!)
  CHAT_DIRS+=("$1")
  CHAT_PIDS+=($!)
  for _ in $(seq 600); do
    [ -f "$1/port" ] && return 0
    kill -0 "${PIDS[-1]}" 2>/dev/null || break
    sleep 0.2
  done
  cat "$1/server.log"; echo "FAIL: the chat page server over $1 did not start"; return 1
}

# vigil serve on a free port; it is used when it mounts the chat routes.
MODE=helper
for attempt in 1 2 3; do
  port=$(free_port)
  extra=()
  [ -n "$PROM" ] && extra=(--prometheus-url "$PROM")
  "$VIGIL" --log-level error --data-dir "$TMP/var" --listen "127.0.0.1:$port" "${extra[@]}" serve --no-probes \
    >"$TMP/serve.log" 2>&1 &
  serve_pid=$!
  PIDS+=("$serve_pid")
  for _ in $(seq 600); do  # up to 60 s: the first start loads the knowledge pack
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    kill -0 "$serve_pid" 2>/dev/null || break
    sleep 0.1
  done
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  grep -qi "address already in use" "$TMP/serve.log" || { cat "$TMP/serve.log"; echo "FAIL vigil serve did not start"; exit 1; }
done
base="http://127.0.0.1:$port"
# Read whole first: with pipefail, `curl | grep -q` failed when grep quit before curl had written
# the whole page (SIGPIPE, curl exit 23), and the script fell back to the helper by chance (SV3).
chat_page=$(curl -sf "$base/chat" 2>/dev/null)
if grep -qF "<title>Vigil chat</title>" <<<"$chat_page"; then
  MODE=serve
  created=$(curl -s -H 'Content-Type: application/json' --data-binary @"$TMP/hook.json" "$base/api/v1/alerts")
  grep -q '"created"' <<<"$created" || { echo "FAIL webhook: $created"; exit 1; }
  for _ in $(seq 600); do  # up to 60 s for both diagnoses
    n=$(curl -s "$base/api/v1/incidents?status=diagnosed" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["count"])')
    [ "$n" = 2 ] && break
    sleep 0.1
  done
  [ "$n" = 2 ] || { curl -s "$base/api/v1/incidents"; cat "$TMP/serve.log"; echo "FAIL: not diagnosed"; exit 1; }
  root=$(curl -s "$base/api/v1/incidents/1" | "$PY" -c 'import json,sys; d=json.load(sys.stdin)["diagnosis"]; print(d["root_cause"] + (" on " + d["component"] if d["component"] else ""))')
  if [ -n "$PROM" ]; then
    [ "${root%% *}" = gpu_thermal_throttle ] && passed=$((passed + 1)) || bad "vigil serve diagnosed incident 1 as $root, not gpu_thermal_throttle"
  fi
  NODE=node-b TITLE1="#1 GpuTemperatureHigh: GPU 5 on node-b above 85 C"
  echo "served by vigil serve (prometheus: ${PROM:-none}); incident 1: $root"
else
  kill "$serve_pid" 2>/dev/null
  echo "vigil serve does not mount the chat routes (GET /chat: not the page); served by server_test's chat page server"
  printf 'case %s\nwebhook %s\n' "$(pwd)/evals/diagnosis/dev/case-001.json" "$TMP/hook_markup.json" >"$TMP/seed.txt"
  "$PY" -c 'import json,sys; h=json.load(open(sys.argv[1])); h["alerts"]=h["alerts"][1:]; json.dump(h, open(sys.argv[2], "w"))' \
    "$TMP/hook.json" "$TMP/hook_markup.json"
  start_chat_server "$TMP" || exit 1
  base="http://127.0.0.1:$(cat "$TMP/port")"
  root="gpu_fallen_off_bus on node-3/gpu5"
  NODE=node-3 TITLE1="#1 TrainingJobStalled: llama3-70b-pretrain"
fi

# The rendered DOM of a page URL (a fresh profile per run: several engineers run Chromium here).
dom() {
  rm -rf "$TMP/profile"
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --user-data-dir="$TMP/profile" \
    --virtual-time-budget=15000 --dump-dom "$1" 2>"$TMP/chromium.err"
}
source "$HERE/lib/page_patterns.sh"  # page_has
# expect NAME FILE [!]PATTERN...: every pattern (fixed string) is in the file; `!` = must not be.
expect() {
  if page_has "$@"; then passed=$((passed + 1)); else fail=$((fail + 1)); head -c 3000 "$2"; echo; fi
}

# 1. A node name: the incident diagnosed there, its root cause, a citation link, similar past ones.
dom "$base/?q=what%20happened%20on%20$NODE%3F" >"$TMP/node.html"
expect "node question" "$TMP/node.html" \
  'data-state="answered"' \
  "<div class=\"msg user\"><div class=\"text\">what happened on $NODE?</div>" \
  '<div class="msg vigil">' \
  "Root cause: $root, confidence" \
  "<a href=\"/?incident=1\">$TITLE1" \
  'Similar past incidents (knowledge base):' \
  'answered by: builtin' \
  '!class="msg error"'

# 2. The incident by id (`&incident=1` in the URL becomes the request's incident field).
dom "$base/?q=what%20should%20I%20do%3F&incident=1" >"$TMP/id.html"
expect "incident=1" "$TMP/id.html" "Incident #1: ${TITLE1#\#1 }" "Root cause: $root" '<a href="/?incident=1">'

# 2b. A citation's href (`/?incident=N`, SV3) opened as a page, no click (a copied link; no
# --auth-token-file here): the page describes the incident as the chat does (status, root cause,
# evidence, mitigation: REV3, 2026-12-04; before, its raw JSON alone), the stored record folded
# under it in a <details>. vigil serve only: server_test's chat page server has no
# /api/v1/incidents/N (the page shows its 404).
if [ "$MODE" = serve ]; then
  dom "$base/?incident=1" >"$TMP/href.html"
  expect "citation href opened: described as the chat does" "$TMP/href.html" \
    "<div class=\"incident-view text\">Incident #1: ${TITLE1#\#1 } (diagnosed" "Root cause: $root, confidence" \
    'Evidence (' 'Mitigation: ' '<details class="record"><summary>the stored record (/api/v1/incidents/1, JSON)</summary><pre class="cited text">{' \
    '  "id": 1,' '  "fingerprint": "' '!class="msg error"' '!class="cited text error"' '!class="incident-view text error"'
  # The description comes before the record, and the record is folded (no `open`).
  "$PY" - "$TMP/href.html" <<'PY' && passed=$((passed + 1)) || { fail=$((fail + 1)); echo "FAIL description before the folded record"; }
import sys
h = open(sys.argv[1]).read()
v, d = h.find('class="incident-view text"'), h.find('<details class="record">')
assert 0 <= v < d, (v, d)
assert '<details class="record" open' not in h
PY
  # An unknown id: said in words, with the API's 404 (review RV-SV).
  dom "$base/?incident=999" >"$TMP/href404.html"
  expect "citation href of an unknown incident" "$TMP/href404.html" 'class="cited text error"' \
    "There is no incident #999 in this server's store. Error 404 opening /api/v1/incidents/999 (path.id): no incident 999" \
    '!class="incident-view'
  # 0 and an id past int64: said too, not a blank page.
  dom "$base/?incident=0" >"$TMP/href0.html"
  expect "citation href of incident 0" "$TMP/href0.html" 'class="cited text error"' 'opening /api/v1/incidents/0'
  dom "$base/?incident=99999999999999999999" >"$TMP/hrefbig.html"
  expect "citation href of a 20-digit incident" "$TMP/hrefbig.html" 'class="cited text error"' \
    'Error 400 opening /api/v1/incidents/99999999999999999999'
fi
# 2c. `/?incident=` that is not a number (review RV-SV; before, an empty page): said as text, its
# markup not made an element.
dom "$base/?incident=abc%3Cimg%20src=x%3E" >"$TMP/hrefbad.html"
expect "citation href with a bad incident" "$TMP/hrefbad.html" 'class="msg error"' \
  "This link's incident \`abc&lt;img src=x&gt;\` is not an incident number" '!<img' '!class="cited text'
dom "$base/?incident=-1" >"$TMP/hrefneg.html"
expect "citation href with incident -1" "$TMP/hrefneg.html" "This link's incident \`-1\` is not an incident number"
# With a question (`?q=...&incident=abc`): the question is not asked without its incident (before,
# it was, silently); the page says so and leaves it in the box.
dom "$base/?q=what%20should%20I%20do%3F&incident=abc" >"$TMP/qbad.html"
expect "question with a bad incident" "$TMP/qbad.html" "This link's incident \`abc\` is not an incident number" \
  'the question was not asked: it is in the box below' 'what should I do?</textarea>' '!<div class="msg user">' \
  '!data-state="answered"'

# 3. Markup in an alert's text is shown as text: no element made of it, nothing of it ran.
dom "$base/?q=anything%20on%20node-66%3F" >"$TMP/markup.html"
expect "markup escaped" "$TMP/markup.html" \
  'Incident #2: GpuXidError: &lt;script&gt;document.title=' \
  '&lt;img src=x onerror=' \
  '<title>Vigil chat</title>' \
  '<a href="/?incident=2">' \
  '!<script>document.title' '!<img' '!PWNED</title>' '!PWNED2</title>'

# 4. A node no incident carries: said plainly, no incident cited.
dom "$base/?q=is%20node-9%20ok%3F" >"$TMP/node9.html"
expect "unknown node" "$TMP/node9.html" 'No incident in the store mentions node-9' '!<a href="/?incident='

# 5. An oversized message: the page shows the 400 naming the field.
long=$(head -c 5000 /dev/zero | tr '\0' 'a')
dom "$base/?q=$long" >"$TMP/long.html"
expect "oversized message" "$TMP/long.html" 'class="msg error"' 'Error 400 (message): message: 5000 bytes, at most 4096'

# 6. The API itself, as a script would call it.
check "api answer" 0 '"mode":"builtin"' -- curl -sf -H 'Content-Type: application/json' \
  -d '{"message": "latest incident"}' "$base/api/v1/chat"
check "api bad field" 0 '"where":"incident".* 400$' -- curl -s -w ' %{http_code}' \
  -H 'Content-Type: application/json' -d '{"message": "x", "incident": "one"}' "$base/api/v1/chat"

# 7. With an LLM (tests/fake_openai_server.py, scripted) on a second chat page server holding
# case-001: its answer is shown when every #N / kb:ID it cites is among the facts; one citing an
# incident that does not exist is not, the built-in answer is, with the reason.
mkdir -p "$TMP/llm"
cat >"$TMP/llm/script.json" <<'JSON'
["Incident #1: GPU 5 of node-3 fell off the bus (like kb:pack-xid-79); drain node-3 and restart from the last checkpoint.",
 "This is the same as incident #42."]
JSON
"$PY" "$HERE/fake_openai_server.py" "$TMP/llm/script.json" "$TMP/llm/llm.port" "$TMP/llm/requests.jsonl" &
PIDS+=($!)
for _ in $(seq 600); do [ -s "$TMP/llm/llm.port" ] && break; sleep 0.05; done
echo "http://127.0.0.1:$(cat "$TMP/llm/llm.port")/v1" >"$TMP/llm/llm_url"
printf 'case %s\n' "$(pwd)/evals/diagnosis/dev/case-001.json" >"$TMP/llm/seed.txt"
if start_chat_server "$TMP/llm"; then
  lbase="http://127.0.0.1:$(cat "$TMP/llm/port")"
  dom "$lbase/?q=what%20happened%20on%20node-3%3F" >"$TMP/llm1.html"
  expect "llm answer" "$TMP/llm1.html" \
    'Incident #1: GPU 5 of node-3 fell off the bus (like kb:pack-xid-79); drain node-3' \
    'answered by: llm' '<a href="/?incident=1">#1 TrainingJobStalled'
  dom "$lbase/?q=what%20happened%20on%20node-3%3F" >"$TMP/llm2.html"
  expect "llm answer not used" "$TMP/llm2.html" \
    'Root cause: gpu_fallen_off_bus on node-3/gpu5' 'answered by: builtin (LLM answer not used:' \
    'cites #42, which is not among the facts' '!same as incident #42'
  expect "llm prompt" "$TMP/llm/requests.jsonl" 'Root cause: gpu_fallen_off_bus on node-3/gpu5' \
    'Citable: #1, kb:pack-xid-79'
else
  bad "the chat page server with an LLM did not start"
fi

# vigil serve ends at SIGTERM with exit 0: 66 when a ThreadSanitizer build reported (a race between
# its two triage workers, say), which this check then fails on, as the other serve scripts do (before
# TSAN, 2026-12-03, serve was only killed at the exit: a report passed unseen under ctest).
if [ "$MODE" = serve ]; then
  kill -TERM "$serve_pid"
  wait "$serve_pid"
  rc=$?
  [ "$rc" = 0 ] && passed=$((passed + 1)) || bad "vigil serve: exit $rc at SIGTERM; log tail: $(tail -n 30 "$TMP/serve.log")"
fi

echo "serve_chat_chromium ($MODE): $passed passed, $fail failed"
[ "$fail" = 0 ]
