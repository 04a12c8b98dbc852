#!/usr/bin/env bash
# End to end: the chat page (server/chat.h) in a real headless Chromium. The page is served by the
# chat routes (RegisterChatRoutes) on a loopback server of server_test's "chat page server" case
# (server/chat_e2e_server_test.cc; `vigil serve` does not mount the chat routes yet), with two live
# incidents diagnosed for real: evals/diagnosis/dev/case-001.json (DiagnosisAgent, the shipped
# knowledge pack, recorded probes replayed; expected gpu_fallen_off_bus on node-3/gpu5) and an
# Alertmanager webhook alert whose summary holds a <script> and an <img onerror> (TriageAlert).
# Chromium opens `/?q=...` (the page asks on load) and --dump-dom gives the rendered DOM, which
# must hold the answer with the root cause and a citation link, and the markup as text only.
#   bash tests/serve_chat_chromium_test.sh BUILD_DIR     (exit 77 = skipped: chromium not installed)
set -u
build=$(cd "${1:?usage: serve_chat_chromium_test.sh BUILD_DIR}" && pwd)
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || { echo "SKIP: chromium not installed (scripts/test installs it)"; exit 77; }
tmp=$(mktemp -d)
server_pid=
cleanup() {
  touch "$tmp/stop"
  if [ -n "$server_pid" ]; then
    for _ in $(seq 1 40); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill "$server_pid" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
source tests/lib/check.sh

cat >"$tmp/hook.json" <<'JSON'
{"version": "4", "groupKey": "{}:{alertname=\"GpuXidError\"}", "truncatedAlerts": 0, "status": "firing",
 "receiver": "vigil", "groupLabels": {"alertname": "GpuXidError"}, "commonLabels": {}, "commonAnnotations": {},
 "externalURL": "http://alertmanager:9093",
 "alerts": [{"status": "firing",
   "labels": {"alertname": "GpuXidError", "node": "node-66", "gpu": "2", "severity": "critical"},
   "annotations": {"summary": "<script>document.title='PWNED'</script><img src=x onerror=\"document.title='PWNED2'\"> Xid 79 on node-66"},
   "startsAt": "2026-12-01T02:00:00Z", "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "", "fingerprint": "c0ffee"}]}
JSON
printf 'case %s\nwebhook %s\n' "$(pwd)/evals/diagnosis/dev/case-001.json" "$tmp/hook.json" >"$tmp/seed.txt"

VIGIL_CHAT_E2E_DIR="$tmp" "$build/tests/server_test" --no-skip -tc="chat page server*" >"$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
  [ -f "$tmp/port" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.2
done
if [ ! -f "$tmp/port" ]; then
  echo "FAIL: the chat page server did not start; its output:"; cat "$tmp/server.log"; exit 1
fi
base="http://127.0.0.1:$(cat "$tmp/port")"

# The rendered DOM of a page URL (a fresh profile per run: several engineers run Chromium here).
dom() {
  rm -rf "$tmp/profile"
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/profile" \
    --virtual-time-budget=15000 --dump-dom "$1" 2>"$tmp/chromium.err"
}
# expect NAME FILE [!]PATTERN...: every pattern (fixed string) is in the file; `!` = must not be.
expect() {
  local name="$1" file="$2" p ok=1; shift 2
  for p in "$@"; do
    if [ "${p:0:1}" = "!" ]; then
      grep -qF -- "${p:1}" "$file" && { echo "FAIL $name: holds ${p:1}"; ok=0; }
    else
      grep -qF -- "$p" "$file" || { echo "FAIL $name: lacks $p"; ok=0; }
    fi
  done
  if [ $ok = 1 ]; then passed=$((passed + 1)); else fail=$((fail + 1)); head -c 3000 "$file"; echo; fi
}

# 1. A node name: the incident diagnosed on node-3, its root cause, evidence, a citation link.
dom "$base/?q=what%20happened%20on%20node-3%3F" >"$tmp/node3.html"
expect "node-3 question" "$tmp/node3.html" \
  'data-state="answered"' \
  '<div class="msg user"><div class="text">what happened on node-3?</div>' \
  '<div class="msg vigil">' \
  'Root cause: gpu_fallen_off_bus on node-3/gpu5, confidence' \
  'NVRM: Xid (PCI:0000:ab:00): 79' \
  'Mitigation: Drain the node' \
  '<a href="/api/v1/incidents/1">#1 TrainingJobStalled' \
  'kb:pack-xid-79' \
  'answered by: builtin' \
  '!class="msg error"'

# 2. The incident by id (`&incident=1` in the URL becomes the request's incident field).
dom "$base/?q=what%20should%20I%20do%3F&incident=1" >"$tmp/id.html"
expect "incident=1" "$tmp/id.html" 'Incident #1: TrainingJobStalled' 'Root cause: gpu_fallen_off_bus' \
  '<a href="/api/v1/incidents/1">'

# 3. Markup in an alert's text is shown as text: no element made of it, nothing of it ran.
dom "$base/?q=anything%20on%20node-66%3F" >"$tmp/markup.html"
expect "markup escaped" "$tmp/markup.html" \
  'Incident #2: GpuXidError: &lt;script&gt;document.title=' \
  '&lt;img src=x onerror=' \
  '<title>Vigil chat</title>' \
  '<a href="/api/v1/incidents/2">' \
  '!<script>document.title' '!<img' '!PWNED</title>' '!PWNED2</title>'

# 4. A node no incident carries: said plainly, no incident cited.
dom "$base/?q=is%20node-9%20ok%3F" >"$tmp/node9.html"
expect "unknown node" "$tmp/node9.html" 'No incident in the store mentions node-9' '!/api/v1/incidents/'

# 5. An oversized message: the page shows the 400 naming the field.
long=$(head -c 5000 /dev/zero | tr '\0' 'a')
dom "$base/?q=$long" >"$tmp/long.html"
expect "oversized message" "$tmp/long.html" 'class="msg error"' 'Error 400 (message): message: 5000 bytes, at most 4096'

# 6. The API itself, as a script would call it.
check "api answer" 0 '"mode":"builtin"' -- curl -sf -H 'Content-Type: application/json' \
  -d '{"message": "latest incident"}' "$base/api/v1/chat"
check "api bad field" 0 '"where":"incident".* 400$' -- curl -s -w ' %{http_code}' \
  -H 'Content-Type: application/json' -d '{"message": "x", "incident": "one"}' "$base/api/v1/chat"

echo "serve_chat_chromium: $passed passed, $fail failed"
[ "$fail" = 0 ]
