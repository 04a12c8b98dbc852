#!/usr/bin/env bash
# End to end (REV3, 2026-12-04): SIGTERM of `vigil serve` with a real Prometheus scraping its /metrics
# every second, three idle keep-alive clients and webhooks being POSTed the whole time: it exits 0,
# prompt (the time is printed, not asserted tightly: it is a figure, server/README.md), the store
# closed, and every webhook answered 200 is in the store after a restart (nothing accepted is lost;
# one not answered 200 was never accepted: Alertmanager sends it again). Before, a thread of httplib's
# on an idle keep-alive connection (Prometheus's scrape, a dashboard) waited out the keep-alive
# timeout (5 s) before the server stopped: SIGTERM took up to 3.7 s by the review's clock; now
# HttpApi::Stop cuts the idle connections (server/connection_watchdog.h Drain).
#   bash tests/serve_shutdown_test.sh BUILD_DIR
# Exit 77 (skipped) without prometheus or curl (scripts/test installs them).
source "$(dirname "$0")/lib/e2e.sh" "$@"
require_tools curl prometheus
source "$HERE/lib/prometheus.sh"  # PIDS stopped at exit, start_ready
source "$HERE/lib/serve.sh"       # start_serve
PY=/usr/bin/python3

start_serve "$TMP/serve.log" --log-level warn --data-dir "$TMP/var" --listen 127.0.0.1:0 serve --no-probes --workers 2
HOSTPORT=${V#http://}
cat >"$TMP/prom.yml" <<YML
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: vigil
    static_configs:
      - targets: ["$HOSTPORT"]
YML
start_ready prometheus "$TMP/prometheus.log" prometheus --config.file="$TMP/prom.yml" --storage.tsdb.path="$TMP/tsdb" \
  --web.listen-address="127.0.0.1:{PORT}"
PROM=$READY_URL
up=""
for _ in $(seq 300); do  # Prometheus has scraped vigil (its keep-alive connection is open)
  curl -sf "$PROM/api/v1/query?query=up%7Bjob%3D%22vigil%22%7D" | grep -q '"value":\[[0-9.]*,"1"\]' && { up=1; break; }
  sleep 0.1
done
[ -n "$up" ] && passed=$((passed + 1)) || bad "Prometheus never scraped vigil serve: $(curl -s "$PROM/api/v1/targets")"

# Three idle keep-alive clients and a webhook sender, until the server goes; each webhook answered
# 200 is written to accepted.txt (its fingerprint) before the next is sent.
"$PY" - "$HOSTPORT" "$TMP/accepted.txt" "$TMP/ready" <<'PY' &
import http.client, json, sys, time
host, port = sys.argv[1].split(":")
idle = []
for _ in range(3):
    c = http.client.HTTPConnection(host, int(port), timeout=30)
    c.request("GET", "/healthz")
    c.getresponse().read()
    idle.append(c)  # kept open, idle
open(sys.argv[3], "w").close()
out = open(sys.argv[2], "w")
n = 0
while True:
    n += 1
    fp = "%016x" % (0x5e0000 + n)
    body = json.dumps({"version": "4", "status": "firing", "receiver": "vigil", "groupLabels": {}, "commonLabels": {},
                       "commonAnnotations": {}, "externalURL": "", "groupKey": "g%d" % n, "truncatedAlerts": 0,
                       "alerts": [{"status": "firing", "labels": {"alertname": "GpuXidError", "Hostname": "node-%d" % n,
                                                                  "gpu": "1", "severity": "critical"},
                                   "annotations": {"summary": "Xid 79 on node-%d GPU 1" % n},
                                   "startsAt": "2026-12-04T10:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
                                   "generatorURL": "", "fingerprint": fp}]})
    try:
        c = http.client.HTTPConnection(host, int(port), timeout=30)
        c.request("POST", "/api/v1/alerts", body, {"Content-Type": "application/json"})
        r = c.getresponse()
        r.read()
        c.close()
    except OSError:
        break  # refused or cut: the server is going (not accepted: Alertmanager would send it again)
    if r.status == 200:
        out.write(fp + "\n")
        out.flush()
    time.sleep(0.02)
out.close()
open(sys.argv[3] + ".done", "w").close()
time.sleep(120)  # the idle clients stay open until the test ends (a scraper outlives the server)
PY
sender=$!
PIDS+=("$sender")
# SIGTERM once 3 webhooks were answered 200 (up to 60 s), not after a fixed 1.5 s (FLK1: on a loaded
# machine none might have been answered by then, and "no webhook was accepted" failed).
for _ in $(seq 600); do [ "$(wc -l <"$TMP/accepted.txt" 2>/dev/null || echo 0)" -ge 3 ] && break; sleep 0.1; done
t0=$(date +%s.%N)
kill -TERM "$VPID"
wait "$VPID"
rc=$?
t1=$(date +%s.%N)
took=$("$PY" -c "print('%.2f' % ($t1 - $t0))")
echo "SIGTERM to exit: $took s (Prometheus scraping every 1 s, 3 idle keep-alive clients, webhooks being sent)"
[ "$rc" = 0 ] && grep -q '^vigil serve: SIGTERM: taking no new requests' "$TMP/serve.log" &&
  grep -q '^vigil serve: stopped' "$TMP/serve.log" && passed=$((passed + 1)) ||
  bad "SIGTERM: exit $rc, log: $(tail -5 "$TMP/serve.log")"
for _ in $(seq 300); do [ -f "$TMP/ready.done" ] && break; sleep 0.1; done
n=$(wc -l <"$TMP/accepted.txt")
[ "$n" -ge 1 ] && passed=$((passed + 1)) || bad "no webhook was accepted before the SIGTERM"
# Not a tight bound: a figure. Only a server that waits out every timeout (20 s header) fails it.
"$PY" -c "import sys; sys.exit(0 if $took < 15 else 1)" && passed=$((passed + 1)) || bad "SIGTERM took $took s"

# The store closed cleanly and holds every accepted alert: a restart opens it (the lock free) and lists them.
start_serve "$TMP/serve2.log" --log-level warn --data-dir "$TMP/var" --listen 127.0.0.1:0 serve --no-probes
curl -sf "$V/api/v1/incidents?limit=1000" >"$TMP/list.json"
"$PY" - "$TMP/list.json" "$TMP/accepted.txt" <<'PY' && passed=$((passed + 1)) || bad "accepted alerts missing after the restart"
import json, sys
have = {i["fingerprint"] for i in json.load(open(sys.argv[1]))["incidents"]}
want = [l.strip() for l in open(sys.argv[2]) if l.strip()]
missing = [f for f in want if f not in have]
print("accepted %d webhook(s), %d in the store after the restart, missing %d" % (len(want), len(have), len(missing)))
sys.exit(1 if missing else 0)
PY
echo "serve_shutdown_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
