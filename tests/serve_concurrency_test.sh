#!/usr/bin/env bash
# `vigil serve` under concurrent requests: the shape of a busy on-call night, every request of a
# wave started at once (curl in the background), so the HTTP threads, the triage workers, the
# SQLite store, the knowledge base and the metrics are all in use together. Written to be run under
# ThreadSanitizer (a vigil that reported exits 66 at SIGTERM, so check 7 fails; README.md
# "Sanitizers"), and a check of its own in any build:
#  1. `vigil serve --workers 3` on a fresh data_dir, probes replayed from recorded results
#     (--probe-executor replay:FILE: gpu.health and node.kernel_log of the 20 one-alert nodes), so
#     each triage also runs its probe steps on the verification planner's threads;
#  2. wave 1, at once: a storm webhook (bench/storm_webhook.py --nodes 4 --job-alert: 101 alerts,
#     one storm incident for the rack and one for the job alert), 12 one-alert webhooks on 12 nodes,
#     6 chat questions, GET /api/v1/incidents, /healthz and /metrics: every answer 200, every
#     webhook's incident created (12 + the storm's);
#  3. every incident diagnosed (the triage workers ran meanwhile);
#  4. wave 2, at once: resolutions of 4 incidents (imported into the knowledge base) while 8 new
#     alerts on the same nodes are triaged (they search it) and 6 chat questions read it, the storm
#     webhook again (duplicates only) and its resolved notification: every answer 200;
#  5. every new incident diagnosed; the storm incident resolved; no duplicate incident;
#  6. /metrics counts what the script sent: POST /api/v1/alerts 200 = 12 + 8 + 3, POST
#     /api/v1/chat 200 = 12, resolutions 200 = 4; every one-alert incident's verification ran
#     probe steps and its node's replayed gpu.health result is among its evidence;
#  7. SIGTERM: exit 0; the log has no "internal error".
# Skipped (exit 77) only without curl.
# Usage: bash tests/serve_concurrency_test.sh <build-dir>   (from anywhere)
source "$(dirname "$0")/lib/e2e.sh" "$@"
command -v curl >/dev/null || { echo "SKIP: curl not installed"; exit 77; }
PY=/usr/bin/python3
source "$HERE/lib/prometheus.sh"  # PIDS (stopped at exit); no Prometheus is started
source "$HERE/lib/serve.sh"       # start_serve, wait_for
ROOT="$(cd "$HERE/.." && pwd)"

# The probes' recorded results (replay executor): gpu.health of GPU 5 (failing on odd nodes) and the
# kernel log of each one-alert node; the others a triage asks for are answered `unavailable`.
"$PY" - "$TMP/probes.json" <<'PY' || { echo "FAIL writing the probe results"; exit 1; }
import json, sys
rec = {}
for i in range(12):
    n = f"gpu-node-{i}"
    rec[f"gpu.health@{n}/gpu5"] = {"probe": "gpu.health", "target": f"{n}/gpu5", "status": "fail" if i % 2 else "pass",
                                   "metrics": {}, "thresholds": {}, "reason": "Xid 79 seen" if i % 2 else "healthy",
                                   "duration_s": 0.3}
    rec[f"node.kernel_log@{n}"] = {"probe": "node.kernel_log", "target": n, "status": "pass", "metrics": {},
                                   "thresholds": {}, "reason": "no Xid lines", "duration_s": 0.2}
json.dump(rec, open(sys.argv[1], "w"))
PY
start_serve "$TMP/vigil.log" --data-dir "$TMP/var" --probe-executor "replay:$TMP/probes.json" serve --listen 127.0.0.1:0 \
  --workers 3
J=(-H 'Content-Type: application/json')

# The bodies. storm.json: 101 alerts of rack7 (4 nodes) and a job alert; resolved.json: the same,
# every alert ended; hook-N.json: one alert on gpu-node-N (a fingerprint of its own, wave W).
"$PY" "$ROOT/bench/storm_webhook.py" --nodes 4 --job-alert >"$TMP/storm.json" || { echo "FAIL storm_webhook.py"; exit 1; }
"$PY" - "$TMP" <<'PY' || { echo "FAIL writing the webhooks"; exit 1; }
import json, sys
tmp = sys.argv[1]
storm = json.load(open(f"{tmp}/storm.json"))
for a in storm["alerts"]:
    a["status"] = "resolved"
    a["endsAt"] = "2026-11-28T04:00:00.000Z"
storm["status"] = "resolved"
json.dump(storm, open(f"{tmp}/resolved.json", "w"))
kinds = [("GpuXidError", "Xid 79 on {n} GPU 5: GPU has fallen off the bus", "NVRM: Xid (PCI:0000:b3:00): 79, GPU has fallen off the bus."),
         ("GpuThermalThrottle", "{n} GPU 5 is thermal throttling at 91 C", "clocks_throttle_reasons.hw_thermal_slowdown active on {n} GPU 5"),
         ("TrainingStepTimeHigh", "step time on {n} rose from 1.1 s to 3.4 s", "ranks on {n} wait in the allreduce")]
def hook(wave, i):
    name, summary, desc = kinds[i % len(kinds)]
    n = f"gpu-node-{i}"
    a = {"status": "firing",
         "labels": {"alertname": name, "Hostname": n, "gpu": "5", "job": "llm-70b", "severity": "critical"},
         "annotations": {"summary": summary.format(n=n), "description": desc.format(n=n)},
         "startsAt": f"2026-12-01T0{wave}:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
         "fingerprint": f"c0ffee{wave:02d}{i:08d}"}
    return {"version": "4", "groupKey": "{}:{Hostname=\"%s\"}" % n, "truncatedAlerts": 0, "status": "firing",
            "receiver": "vigil", "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {},
            "externalURL": "http://am:9093", "alerts": [a]}
for i in range(12):
    json.dump(hook(1, i), open(f"{tmp}/hook-1-{i}.json", "w"))
for i in range(8):
    json.dump(hook(2, i), open(f"{tmp}/hook-2-{i}.json", "w"))
PY

# req NAME CURL_ARGS...: one request in the background; its code goes to TMP/codes/NAME, its body
# to TMP/bodies/NAME.
mkdir -p "$TMP/codes" "$TMP/bodies"
WAVE=()
req() {
  local name=$1
  shift
  curl -s -o "$TMP/bodies/$name" -w '%{http_code}' "$@" >"$TMP/codes/$name" &
  WAVE+=($!)
}
# wave_codes: waits for the wave's requests; every one answered 200, or a failure naming those not.
wave_codes() {
  local p f not=""
  for p in "${WAVE[@]}"; do wait "$p"; done
  WAVE=()
  for f in "$TMP"/codes/*; do
    [ "$(cat "$f")" = 200 ] || not+=" $(basename "$f")=$(cat "$f") $(head -c 300 "$TMP/bodies/$(basename "$f")")"
  done
  [ -z "$not" ] && passed=$((passed + 1)) || bad "$1: not 200:$not"
  rm -f "$TMP"/codes/*
}
chat_wave() {  # W: 6 chat questions
  local q i=0
  for q in "what is wrong with gpu-node-3" "open incidents" "what is wrong with rack7-node-01" \
    "how was #1 fixed" "latest incident" "GPU fell off the bus"; do
    req "chat-$1-$i" -XPOST "${J[@]}" --data "{\"message\": \"$q\"}" "$V/api/v1/chat"
    i=$((i + 1))
  done
}

# 2. Wave 1.
req storm -XPOST "${J[@]}" --data-binary @"$TMP/storm.json" "$V/api/v1/alerts"
for i in $(seq 0 11); do req "hook-1-$i" -XPOST "${J[@]}" --data-binary @"$TMP/hook-1-$i.json" "$V/api/v1/alerts"; done
chat_wave 1
req list-1 "$V/api/v1/incidents"
req healthz-1 "$V/healthz"
req metrics-1 "$V/metrics"
wave_codes "wave 1"
cp "$TMP/bodies/storm" "$TMP/storm-answer.json"
for i in $(seq 0 11); do cp "$TMP/bodies/hook-1-$i" "$TMP/hook-1-$i-answer.json"; done
"$PY" - "$TMP" <<'PY' && passed=$((passed + 1)) || bad "wave 1 incidents: $(head -c 600 "$TMP/storm-answer.json")"
import json, sys
tmp = sys.argv[1]
s = json.load(open(f"{tmp}/storm-answer.json"))
assert len(s["storms"]) == 1 and s["storms"][0]["new_alerts"] == 100, s.get("storms")
assert len(s["created"]) == 2, s["created"]  # the rack's storm incident and the job alert's own
ids = set(s["created"])
for i in range(12):
    h = json.load(open(f"{tmp}/hook-1-{i}-answer.json"))
    assert len(h["created"]) == 1, h
    ids.update(h["created"])
assert len(ids) == 14, sorted(ids)
PY

# 3. Every incident diagnosed (14), none failed.
wait_for 600 'j["count"] == 14 and all(i["state"] == "diagnosed" for i in j["incidents"])' &&
  passed=$((passed + 1)) || bad "wave 1 not all diagnosed: $(curl -s "$V/api/v1/incidents" | head -c 1500)"

# 4. Wave 2: resolutions of incidents 3..6 (one-alert incidents: the storm's are 1 and 2 when it
# came first; whatever the order, pick the first 4 ids that are not storm incidents).
RIDS=$(curl -s "$V/api/v1/incidents?limit=1000" |
  "$PY" -c 'import json,sys; print(" ".join([str(i["id"]) for i in sorted(json.load(sys.stdin)["incidents"], key=lambda i: i["id"]) if not i.get("storm")][:4]))' 2>/dev/null)
for id in $RIDS; do
  req "resolution-$id" -XPOST "${J[@]}" --data '{"root_cause": "gpu_fallen_off_bus", "summary": "the GPU fell off the bus after a PCIe AER storm", "resolution": "reseated GPU 5 and replaced its riser", "by": "qa"}' \
    "$V/api/v1/incidents/$id/resolution"
done
for i in $(seq 0 7); do req "hook-2-$i" -XPOST "${J[@]}" --data-binary @"$TMP/hook-2-$i.json" "$V/api/v1/alerts"; done
req storm-again -XPOST "${J[@]}" --data-binary @"$TMP/storm.json" "$V/api/v1/alerts"
chat_wave 2
req list-2 "$V/api/v1/incidents?status=diagnosed"
req metrics-2 "$V/metrics"
wave_codes "wave 2"
# The storm's resolved notification after its resend (a resend after the resolution would open it again).
curl -s -o "$TMP/resolved-answer.json" -w '%{http_code}' -XPOST "${J[@]}" --data-binary @"$TMP/resolved.json" \
  "$V/api/v1/alerts" | grep -qx 200 && passed=$((passed + 1)) || bad "resolved notification: $(head -c 300 "$TMP/resolved-answer.json")"
[ "$(echo "$RIDS" | wc -w)" = 4 ] && passed=$((passed + 1)) || bad "resolutions: 4 incidents wanted, got '$RIDS'"

# 5. 22 incidents, all diagnosed; the storm incidents resolved.
wait_for 600 'j["count"] == 22 and all(i["state"] in ("diagnosed", "resolved") for i in j["incidents"])' &&
  passed=$((passed + 1)) || bad "wave 2 not all diagnosed: $(curl -s "$V/api/v1/incidents" | head -c 1500)"
curl -s "$V/api/v1/incidents?limit=1000" >"$TMP/list.json"
"$PY" - "$TMP/list.json" <<'PY' && passed=$((passed + 1)) || bad "storm incidents: $(head -c 1500 "$TMP/list.json")"
import json, sys
j = json.load(open(sys.argv[1]))
storms = [i for i in j["incidents"] if i.get("storm")]
assert len(storms) == 1, storms
assert storms[0]["storm"]["alerts"] == 100 and storms[0]["storm"]["resolved"] == 100, storms[0]["storm"]
assert storms[0]["resolved_at"], storms[0]  # its last member's endsAt
PY

# 6. /metrics counts every request the script made.
curl -s "$V/metrics" >"$TMP/metrics.txt"
"$PY" - "$TMP/metrics.txt" <<'PY' && passed=$((passed + 1)) || bad "/metrics counts: $(grep -E 'http_requests_total|triages_total' "$TMP/metrics.txt")"
import re, sys
text = open(sys.argv[1]).read()
def count(route, method, code):
    m = re.search(r'^vigil_http_requests_total\{route="%s",method="%s",code="%s"\} (\d+)$' % (re.escape(route), method, code), text, re.M)
    return int(m.group(1)) if m else 0
assert count("/api/v1/alerts", "POST", "200") == 12 + 8 + 3, count("/api/v1/alerts", "POST", "200")
assert count("/api/v1/chat", "POST", "200") == 12, count("/api/v1/chat", "POST", "200")
assert count("/api/v1/incidents/{id}/resolution", "POST", "200") == 4
PY
# Probes ran inside serve's triages (the planner's threads): each one-alert incident's verification
# has probe steps, and its node's replayed gpu.health result is evidence.
"$PY" - "$V" "$TMP/probe-check.txt" <<'PY' && passed=$((passed + 1)) || bad "probes in the triages: $(head -c 600 "$TMP/probe-check.txt")"
import json, sys, urllib.request
v = sys.argv[1]
out = open(sys.argv[2], "w")
ids = [i["id"] for i in json.load(urllib.request.urlopen(f"{v}/api/v1/incidents?limit=1000"))["incidents"] if not i.get("storm")]
assert len(ids) == 21, ids  # 20 one-alert incidents and the job alert's
probed = 0
for id in ids:
    inc = json.load(urllib.request.urlopen(f"{v}/api/v1/incidents/{id}"))
    node = inc["alert"]["labels"].get("Hostname", "")
    if not node.startswith("gpu-node-"):
        continue
    d = inc["diagnosis"]
    steps = [s for s in d["verification"]["steps"] if s["action"] == "run_probe"]
    sources = [e.get("source", "") for e in d["evidence"]]
    out.write(f"{id} {node}: {len(steps)} probe steps, evidence {sources}\n")
    assert len(steps) >= 2, (id, node, d["verification"])
    assert f"probe gpu.health@{node}/gpu5" in sources, (id, node, sources)
    probed += 1
assert probed == 20, probed
PY

# 7. SIGTERM: exit 0 (66 under ThreadSanitizer when it reported), nothing internal.
kill -TERM "$VPID"
wait "$VPID"
rc=$?
[ "$rc" = 0 ] && passed=$((passed + 1)) || bad "SIGTERM: exit $rc; log tail: $(tail -n 20 "$TMP/vigil.log")"
grep -q "internal error" "$TMP/vigil.log" && bad "internal error in the log: $(grep -m3 'internal error' "$TMP/vigil.log")" || passed=$((passed + 1))

echo "serve_concurrency_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
