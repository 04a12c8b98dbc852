#!/usr/bin/env bash
# End to end (DOG8): the chat page and the REST API walked as an on-call engineer walks them, in a
# real headless Chromium (tests/lib/chat_walk.js: questions typed and sent with Enter) against a real
# `vigil serve` (--no-probes, no Prometheus) fed Alertmanager-shaped webhooks: an Xid 79 on node-3,
# a NodeDown of node-7.cluster.local, a hot GPU on gpu-a17 whose summary holds a 300-character path,
# and 24 DiskPressure alerts. Then: asked by incident id, by node name (short name of an FQDN), by
# alert name, a follow-up ("how was it fixed?"), a citation opened, a resolution recorded (REST, and
# from the incident's view in the page) and asked about, a symptom searched, a question nothing answers; on a phone's viewport; a long answer;
# the question asked while serve is stopped (SIGSTOP) and after it has ended. And GET
# /api/v1/incidents' search: node=, alertname=, fingerprint=, since= / until=, limit=, bad input.
#   bash tests/serve_chat_walk_test.sh BUILD_DIR
# Exit 77 (skipped) when chromium, node (>= 20) or curl is missing (scripts/lib/setup.sh installs them).
source "$(dirname "$0")/lib/e2e.sh" "$@"
require_chromium_node  # sets chromium
source "$HERE/lib/prometheus.sh"  # PIDS stopped at exit
source "$HERE/lib/serve.sh"       # start_serve, wait_for
PY=/usr/bin/python3

start_serve "$TMP/serve.log" --log-level error --data-dir "$TMP/var" --prometheus-url "" --alertmanager-url "" \
  serve --listen 127.0.0.1:0 --no-probes
NOW=$(date +%s)
at() { date -u -d "@$((NOW - $1))" +%Y-%m-%dT%H:%M:%SZ; }
LONG=/scratch/$(printf 'checkpoint_shard_%03d' $(seq 1 20) | tr -d ' ')/optimizer_state.pt
cat >"$TMP/hook1.json" <<JSON
{"version": "4", "groupKey": "{}:{}", "status": "firing", "receiver": "vigil",
 "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://alertmanager:9093",
 "alerts": [
  {"status": "firing", "labels": {"alertname": "GPUXidError", "Hostname": "node-3", "gpu": "5", "severity": "critical"},
   "annotations": {"summary": "Xid 79 on node-3 GPU 5: GPU has fallen off the bus"},
   "startsAt": "$(at 3600)", "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "aaaa000000000001"},
  {"status": "firing", "labels": {"alertname": "NodeDown", "instance": "node-7.cluster.local:9100", "severity": "critical"},
   "annotations": {"summary": "node-7.cluster.local has not answered scrapes for 5 minutes"},
   "startsAt": "$(at 3000)", "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "aaaa000000000002"},
  {"status": "firing", "labels": {"alertname": "GpuTemperatureHigh", "Hostname": "gpu-a17", "gpu": "2", "severity": "warning"},
   "annotations": {"summary": "GPU 2 on gpu-a17 above 85 C while writing $LONG"},
   "startsAt": "$(at 2400)", "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "aaaa000000000003"}]}
JSON
"$PY" - "$TMP/hook2.json" "$(at 1200)" <<'PY'
import json, sys
alerts = [{"status": "firing", "labels": {"alertname": "DiskPressure", "node": "disk-%02d" % i, "severity": "warning"},
           "annotations": {"summary": "/var on disk-%02d is 93%% full" % i}, "startsAt": sys.argv[2],
           "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "bbbb0000000000%02d" % i} for i in range(24)]
json.dump({"version": "4", "groupKey": "{}:{alertname=\"DiskPressure\"}", "status": "firing", "receiver": "vigil",
           "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {}, "externalURL": "", "alerts": alerts},
          open(sys.argv[1], "w"))
PY
for h in hook1 hook2; do
  check "webhook $h taken" 0 '"created"' -- curl -sf -H 'Content-Type: application/json' --data-binary @"$TMP/$h.json" "$V/api/v1/alerts"
done
wait_for 240 'j["count"] == 27 and all(i["state"] == "diagnosed" for i in j["incidents"])' && passed=$((passed + 1)) ||
  { bad "27 diagnosed incidents within 240 s: $(curl -s "$V/api/v1/incidents?limit=3")"; exit 1; }
check "resolution of incident 1 recorded" 0 '"replaced_earlier": false' -- curl -s -H 'Content-Type: application/json' \
  -d '{"root_cause": "gpu_fallen_off_bus", "summary": "GPU 5 dropped off the PCIe bus", "resolution": "reseated GPU 5 and its riser", "by": "oncall"}' \
  "$V/api/v1/incidents/1/resolution"

# REST search (count and ids of GET /api/v1/incidents?QUERY).
ids() { curl -s "$V/api/v1/incidents?$1" | "$PY" -c 'import json,sys; j=json.load(sys.stdin); print(" ".join(str(i["id"]) for i in j.get("incidents", [])) or j.get("error"))'; }
search() {  # NAME QUERY WANT_IDS
  local got; got=$(ids "$2")
  [ "$got" = "$3" ] && passed=$((passed + 1)) || bad "search $1 (?$2): got '$got', want '$3'"
}
search "node short name of an FQDN" "node=node-7" "2"
search "node by Hostname" "node=node-3" "1"
search "node FQDN" "node=node-7.cluster.local" "2"
search "alertname" "alertname=GpuTemperatureHigh" "3"
search "alertname, limit" "alertname=DiskPressure&limit=2" "27 26"
search "fingerprint" "fingerprint=bbbb000000000005" "9"
search "since (RFC 3339)" "since=$(at 1300)&alertname=DiskPressure&limit=1" "27"
search "until (unix seconds)" "until=$((NOW - 2500))" "2 1"
search "resolved on node-3" "node=node-3&state=resolved" "1"
search "nothing on node-30" "node=node-30" "None"
bad_query() {  # NAME QUERY WHERE
  local body; body=$(curl -s -w '\n%{http_code}' "$V/api/v1/incidents?$2")
  grep -q "\"where\": \"$3\"" <<<"$body" && [ "$(tail -1 <<<"$body")" = 400 ] && passed=$((passed + 1)) ||
    bad "bad input $1 (?$2): want 400 at $3, got: $body"
}
bad_query "unknown parameter" "host=node-3" query.host
bad_query "malformed time" "since=last%20tuesday" query.since
bad_query "since after until" "since=$(at 10)&until=$(at 3600)" query.since
bad_query "limit 0" "limit=0" query.limit
bad_query "limit huge" "limit=99999999" query.limit
bad_query "SQL in node" "node=x%27%20OR%201%3D1--" query.node
check "the store is whole after the bad queries" 0 '"count": 27' -- curl -s "$V/api/v1/incidents?limit=100"

# The walk.
CHROMIUM_WALK=$TMP/walk.json
node --experimental-websocket "$HERE/lib/chat_walk.js" "$chromium" "$TMP/profile" "$V" "$VPID" >"$CHROMIUM_WALK" 2>"$TMP/walk.err" ||
  { cat "$TMP/walk.err"; bad "the walk did not finish"; echo "$passed passed, $fail failed"; exit 1; }
"$PY" - "$CHROMIUM_WALK" <<'PY'
import json, sys
steps = {s["step"]: s for s in json.load(open(sys.argv[1]))}
ok = bad = 0
def expect(step, what, cond):
    global ok, bad
    if cond:
        ok += 1
    else:
        bad += 1
        print("FAIL walk %s: %s\n  %s" % (step, what, json.dumps(steps.get(step), indent=1)[:3000]))
def text(step): return steps.get(step, {}).get("text", "")
def vigil(step): return steps.get(step, {}).get("role") == "msg vigil"
expect("ask-id", "incident #1 described with its root cause", vigil("ask-id") and "gpu_fallen_off_bus" in text("ask-id"))
expect("follow-up", "\"how was it fixed?\" after #1 answers with #1's resolution, not a knowledge-base search",
       vigil("follow-up") and "reseated GPU 5" in text("follow-up") and "About incident #1" in text("follow-up"))
expect("ask-node", "node-7 finds the NodeDown of node-7.cluster.local", vigil("ask-node") and "NodeDown" in text("ask-node"))
expect("ask-alertname", "the alert name finds #3", vigil("ask-alertname") and "#3" in text("ask-alertname"))
expect("ask-node-list", "incidents on node-3 names #1", "#1" in text("ask-node-list") and "node-3" in text("ask-node-list"))
expect("search", "a symptom is searched in the knowledge base, with kb citations",
       "knowledge base" in text("search") and any(c.startswith("kb:") for c in steps["search"]["citations"]))
expect("unanswerable", "a question nothing answers says so and cites nothing (no unrelated past or live incidents)",
       vigil("unanswerable") and not steps["unanswerable"]["citations"] and "none that shares a word" in text("unanswerable"))
expect("ask-fix", "the recorded resolution", "reseated GPU 5" in text("ask-fix"))
expect("open-cited", "a click on the citation shows the incident described, its record folded",
       steps["open-cited"].get("clicked") and "gpu_fallen_off_bus" in steps["open-cited"].get("view", "")
       and steps["open-cited"].get("record"))
f = steps.get("resolve-form", {})
expect("resolve-form", "the incident view has a form recording what fixed it", f.get("shown") and "error" not in f)
expect("resolve-form", "a misspelt root cause is named with the nearest category, the text kept",
       "did you mean `gpu_thermal_throttle`" in f.get("misspelt", "") and f.get("kept") == "replaced fan 2 of the tray")
expect("resolve-form", "the corrected one is recorded", f.get("recorded", "").startswith("Recorded for incident #3"))
expect("ask-3-fix", "the chat answers with the resolution recorded from the page", "replaced fan 2 of the tray" in text("ask-3-fix"))
for s in ("phone-id", "phone-follow-up"):
    st = steps.get(s, {})
    expect(s, "no sideways scrolling on a phone (page %s px wide, viewport %s px)" % (st.get("scroll_width"), st.get("viewport_width")),
           vigil(s) and st.get("scroll_width", 9999) <= 375 and st.get("viewport_width") == 375)
    expect(s, "the Ask button inside the viewport", 0 < st.get("ask_right", -1) <= st.get("viewport_width", 0))
expect("phone-follow-up", "a follow-up on the phone is about #3", "About incident #3" in text("phone-follow-up"))
lines = text("long-answer").count("\n  - #")
expect("long-answer", "every open incident listed (%d lines)" % lines, vigil("long-answer") and lines == 25)  # 27 less #1 and #3 (resolutions recorded)
expect("long-answer", "no sideways scrolling", steps["long-answer"]["scroll_width"] <= steps["long-answer"]["viewport_width"])
p = steps.get("pending", {})
expect("pending", "while serve does not answer, the page says it is asking and the Ask button waits",
       p.get("state") == "asking" and p.get("ask_disabled") is True and "asking" in p.get("text", "").lower())
expect("pending", "the answer comes once serve runs again", "after_error" not in p)
l = steps.get("lost-input", {})
expect("lost-input", "serve gone: an error is shown", l.get("role") == "msg error")
expect("lost-input", "serve gone: the question is back in the box to send again", l.get("box") == "is node-3 still down?")
for s in steps.values():  # what an engineer waited (the report's figures)
    if "ms" in s: print("  %-16s %6d ms  %s" % (s["step"], s["ms"], s.get("question", "")))
print("walk: %d passed, %d failed" % (ok, bad))
sys.exit(1 if bad else 0)
PY
rc=$?
[ $rc = 0 ] && passed=$((passed + 1)) || fail=$((fail + 1))
echo "$passed passed, $fail failed"
[ "$fail" = 0 ]
